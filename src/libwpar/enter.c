/* Entering a running system WPAR; see enter.h for the process model. */
#include "enter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "cgroup.h"
#include "confine.h"
#include "privs.h"
#include "runtime.h"
#include "spec.h"
#include "state.h"
#include "store.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ROOT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define USER_PATH "/usr/local/bin:/usr/bin:/bin"

/* ---- helper <-> caller messages (SOCK_SEQPACKET, one struct each) ---- */

enum {
	MSG_ERROR = 'E', /* helper: value = errno status, text = message */
	MSG_PTY = 'M',   /* helper: the pty master, as SCM_RIGHTS */
	MSG_READY = 'R', /* helper: inside, user found, waiting for MSG_GO */
	MSG_GO = 'G',    /* caller: let the session process run */
	MSG_EXIT = 'X',  /* helper: value = the session's wait status */
};

struct enter_msg {
	char type;
	int value;
	char text[1024];
};

static int send_msg(int sock, char type, int value, const char *text, int fd)
{
	struct enter_msg m = {.type = type, .value = value};
	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text);
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&c, 0, sizeof(c));
		mh.msg_control = c.buf;
		mh.msg_controllen = sizeof(c.buf);
		struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(m) ? 0 : -1;
}

/* 1: a message (*fd: a passed descriptor or -1), 0: end of stream, -1:
 * error (EAGAIN with MSG_DONTWAIT when nothing is there). */
static int recv_msg(int sock, struct enter_msg *m, int *fd, int flags)
{
	struct iovec iov = {.iov_base = m, .iov_len = sizeof(*m)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf)};
	ssize_t n;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	int passed = -1;
	for (struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL; h; h = CMSG_NXTHDR(&mh, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&passed, CMSG_DATA(h), sizeof(int));
	if (fd)
		*fd = passed;
	else if (passed >= 0)
		close(passed);
	if (n <= 0)
		return (int)n;
	if (n != (ssize_t)sizeof(*m)) {
		errno = EPROTO;
		return -1;
	}
	m->text[sizeof(m->text) - 1] = '\0';
	return 1;
}

/* ---- the host side: which process to enter, and is it still that ---- */

struct target {
	struct wpar_spec *spec;
	struct wpar_cgroup *cg;
	int pidfd;  /* the WPAR's init */
	int rootfd; /* its root directory (O_PATH) */
	int procfd; /* the host's /proc, to reopen O_PATH handles */
	int nsflags;
};

static void target_release(struct target *t)
{
	wpar_spec_free(t->spec);
	if (t->cg)
		wpar_cgroup_free(t->cg);
	for (int *fd = &t->pidfd; fd <= &t->procfd; fd++)
		if (*fd >= 0)
			close(*fd);
}

static const struct {
	const char *file;
	int flag;
} namespaces[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"uts", CLONE_NEWUTS},
    {"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP},
    {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME},
};

/* The namespaces in which init differs from us; entering one we are
 * already in is either pointless or (user) refused by the kernel. */
static int namespace_flags(int procdir, const char *name, int *flags, wpar_error_t *err)
{
	*flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/ns/%s", namespaces[i].file);
		cleanup_free char *rel = xasprintf("ns/%s", namespaces[i].file);
		struct stat a, b;
		if (stat(self, &a) < 0 && errno == ENOENT)
			continue; /* not in this kernel */
		if (fstatat(procdir, rel, &b, 0) < 0)
			return wpar_error_errno(err, "cannot read the namespaces of %s", name);
		if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
			*flags |= namespaces[i].flag;
	}
	return 0;
}

/* From /proc/<pid>/status: the parent, and the pid in the innermost PID
 * namespace with the number of levels. */
static int read_status(int procdir, pid_t *ppid, pid_t *inner, int *levels)
{
	cleanup_close int fd = openat(procdir, "status", O_RDONLY | O_CLOEXEC);
	char buf[8192];
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*ppid = -1;
	*levels = 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, "PPid:", 5) == 0)
			*ppid = (pid_t)strtol(l + 5, NULL, 10);
		if (strncmp(l, "NSpid:", 6) != 0)
			continue;
		char *p = l + 6, *end;
		for (long v = strtol(p, &end, 10); end != p; v = strtol(p, &end, 10)) {
			*inner = (pid_t)v;
			++*levels;
			p = end;
		}
	}
	return 0;
}

/* The pidfd, the root handle and the namespace list are taken on the task
 * behind the /proc directory handle; reading status through that handle
 * afterwards succeeds only while that task lives, so none of them can
 * belong to a process that reused a dead init's pid. */
static int verify_init(const char *name, const struct wpar_runtime_info *info, struct target *t,
		       wpar_error_t *err)
{
	char boot[40];
	if (info->boot_id[0] && wpar_boot_id(boot) == 0 && strcmp(boot, info->boot_id) != 0)
		return wpar_error_input(err, "the runtime record of %s is from an earlier boot",
					name);
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", (int)info->init_pid);
	cleanup_close int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir >= 0)
		t->pidfd = (int)syscall(SYS_pidfd_open, info->init_pid, 0);
	if (dir < 0 || t->pidfd < 0)
		return wpar_error_errno(err, "the init of %s (pid %d) is gone", name,
					(int)info->init_pid);
	t->rootfd = openat(dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->rootfd < 0)
		return wpar_error_errno(err, "cannot open the root of %s", name);
	if (namespace_flags(dir, name, &t->nsflags, err) < 0)
		return -1;
	pid_t ppid, inner = 0;
	int levels;
	if (read_status(dir, &ppid, &inner, &levels) < 0)
		return wpar_error_input(err, "the init of %s (pid %d) is gone", name,
					(int)info->init_pid);
	if (levels < 2 || inner != 1 || ppid != info->monitor_pid)
		return wpar_error_input(err,
					"process %d is not the init of %s (its runtime record is "
					"stale)",
					(int)info->init_pid, name);
	if (!(t->nsflags & CLONE_NEWNS))
		return wpar_error_input(err, "the init of %s shares the host's mount namespace",
					name);
	if (!wpar_monitor_alive(name))
		return wpar_error_input(err, "the monitor of %s (cor_%s) is gone", name, name);
	return 0;
}

static int open_target(const char *name, struct target *t, wpar_error_t *err)
{
	if (wpar_store_load(name, &t->spec, err) < 0)
		return -1;
	if (wpar_spec_type(t->spec) == WPAR_APPLICATION)
		return wpar_error_input(err,
					"%s is an application workload partition; only system "
					"workload partitions can be logged in to",
					name);
	struct wpar_state_record rec;
	enum wpar_state st = wpar_state_effective(name, &rec);
	if (st != WPAR_ACTIVE)
		return wpar_error_input(
		    err,
		    "0960-254 Workload partition '%s' is not currently active (state: %s%s%s).",
		    name, wpar_state_word(st), st == WPAR_BROKEN && rec.reason[0] ? ": " : "",
		    st == WPAR_BROKEN ? rec.reason : "");
	if (geteuid() != 0)
		return wpar_error_input(err, "only root of the global environment can log in to "
					     "a workload partition");
	struct wpar_runtime_info info;
	if (wpar_runtime_read(name, &info, err) < 0 || verify_init(name, &info, t, err) < 0 ||
	    wpar_cgroup_open(name, &t->cg, err) < 0)
		return -1;
	/* A session gets what the WPAR's processes got at its start: a
	 * chwpar -S since then applies from the next start on. */
	if (info.has_caps) {
		free(t->spec->security.privs);
		t->spec->security.privs = wpar_privs_format(info.caps);
		if (t->spec->n_security == 0)
			t->spec->n_security = 1;
	}
	t->procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->procfd < 0)
		return wpar_error_errno(err, "cannot open /proc");
	return 0;
}

/* ---- the helper: inside the WPAR, outside its PID namespace ---- */

struct helper {
	const char *name;
	const struct wpar_enter_request *req;
	const struct target *t;
	int sock;
	pid_t parent;
	bool born_inside; /* in the WPAR's cgroup2 group from the clone on */
};

static void __attribute__((noreturn)) helper_fail(const struct helper *h, wpar_error_t *err)
{
	send_msg(h->sock, MSG_ERROR, *err ? (*err)->status : 0,
		 *err ? (*err)->msg : "unknown error", -1);
	_exit(1);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The helper keeps only what it needs: a descriptor of the caller (the
 * writing end of a pipe it relays, say) held here would keep the
 * session from seeing end of file. */
static void close_other_fds(const struct helper *h)
{
	const int *io = h->req->stdio && !h->req->pty ? h->req->stdio : (const int[]){0, 1, 2};
	int keep[] = {0,     1,       2,           io[0],        io[1],
		      io[2], h->sock, h->t->pidfd, h->t->rootfd, h->t->procfd};
	qsort(keep, ARRAY_SIZE(keep), sizeof(int), cmp_int);
	int next = 0; /* lowest descriptor that may be closed */
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		if (keep[i] > next)
			syscall(SYS_close_range, next, keep[i] - 1, 0);
		if (keep[i] >= next)
			next = keep[i] + 1;
	}
	syscall(SYS_close_range, next, ~0U, 0);
}

static int enter_namespaces(const struct helper *h, wpar_error_t *err)
{
	/* The cgroup first: the WPAR's cgroup namespace hides the way back. */
	if (wpar_cgroup_join_self(h->t->cg, h->born_inside, err) < 0)
		return -1;
	close_other_fds(h);
	if (setns(h->t->pidfd, h->t->nsflags) < 0)
		return wpar_error_errno(err, "cannot enter the namespaces of %s", h->name);
	/* setns put us at the root of the mount namespace; init's root is
	 * where the WPAR lives, whether it got there by pivot_root or not. */
	if (fchdir(h->t->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return wpar_error_errno(err, "cannot change to the root of %s", h->name);
	return 0;
}

/* A new pty from the WPAR's own devpts instance.  /dev/pts/ptmx is opened
 * without following links and must be on a devpts file system, so that a
 * device node planted by the WPAR's root is never opened; the handle is
 * reopened through the host's /proc (the WPAR's /proc cannot see us). */
static int open_pty(const struct helper *h, int *master, int *slave, wpar_error_t *err)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	cleanup_close int path =
	    (int)syscall(SYS_openat2, AT_FDCWD, "/dev/pts/ptmx", &how, sizeof(how));
	struct statfs fs;
	if (path < 0 || fstatfs(path, &fs) < 0)
		return wpar_error_errno(err, "cannot open /dev/pts/ptmx in %s", h->name);
	if (fs.f_type != DEVPTS_SUPER_MAGIC)
		return wpar_error_input(err, "/dev/pts of %s is not a devpts file system", h->name);
	char rel[64];
	snprintf(rel, sizeof(rel), "self/fd/%d", path);
	int m = openat(h->t->procfd, rel, O_RDWR | O_NOCTTY | O_CLOEXEC);
	unsigned int n;
	int unlock = 0;
	/* TIOCGPTN proves it is a pty master; no grantpt: devpts sets the
	 * owner itself, and the path walk of grantpt is not needed. */
	if (m < 0 || ioctl(m, TIOCGPTN, &n) < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0) {
		int e = errno;
		if (m >= 0)
			close(m);
		return wpar_error_make(err, e, "cannot allocate a pty in %s", h->name);
	}
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		int e = errno;
		close(m);
		return wpar_error_make(err, e, "cannot open the pty /dev/pts/%u in %s", n, h->name);
	}
	*master = m;
	*slave = s;
	return 0;
}

static void __attribute__((noreturn)) die(const char *prog, int status, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	_exit(status);
}

static void show_motd(void)
{
	cleanup_free char *motd = NULL;
	if (access(".hushlogin", F_OK) == 0 ||
	    wpar_read_inside("/etc/motd", 64 << 10, &motd, NULL) < 0)
		return;
	for (size_t len = strlen(motd), off = 0; off < len;) {
		ssize_t n = write(STDOUT_FILENO, motd + off, len - off);
		if (n <= 0 && errno != EINTR)
			return;
		off += n > 0 ? (size_t)n : 0;
	}
}

/* The session process, in the WPAR's PID namespace. */
static void __attribute__((noreturn))
session_main(const struct helper *h, const struct wpar_login_user *u, int slave)
{
	const struct wpar_enter_request *req = h->req;
	const char *prog = req->prog ? req->prog : "clogin";
	bool login = req->argv == NULL || req->argv[0] == NULL;
	pid_t parent = getppid(); /* 0: the helper is outside our PID namespace */
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		die(prog, 1, "setsid");
	int fds[3];
	for (int i = 0; i < 3; i++) {
		int src = slave >= 0 ? slave : req->stdio ? req->stdio[i] : i;
		fds[i] = fcntl(src, F_DUPFD_CLOEXEC, 3);
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] < 0 || dup2(fds[i], i) < 0)
			die(prog, 1, "cannot set up standard input and output");
	if (slave >= 0) {
		if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
			die(prog, 1, "cannot take the pty as controlling terminal");
		/* As login does: the terminal belongs to the user. */
		if (fchown(STDIN_FILENO, u->uid, u->tty_gid) < 0 ||
		    fchmod(STDIN_FILENO, 0620) < 0) {
			/* devpts' own owner and mode stay; not fatal */
		}
	}
	/* Nothing of the host's reaches the WPAR but these three. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	/* Confined inside the WPAR's PID namespace, as init is, while still
	 * root; nobody could attach before (the helper made us non-dumpable
	 * and the WPAR has no CAP_SYS_PTRACE over the host's processes). */
	wpar_error_t err = NULL;
	if (wpar_confine_apply(h->t->spec, &err) < 0)
		helper_fail(h, &err);
	close(h->sock);
	if (setgroups(u->n_groups, u->groups) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0)
		die(prog, 1, "cannot take the credentials of the user");
	/* If the helper dies (clogin was killed), hang up like a lost line.
	 * Set after setuid, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGHUP);
	if (getppid() != parent)
		raise(SIGHUP);
	cleanup_free char *term = req->term && slave >= 0 ? xstrdup(req->term) : NULL;
	cleanup_free char *lang = req->lang ? xstrdup(req->lang) : NULL;
	clearenv();
	setenv("HOME", u->home, 1);
	setenv("SHELL", u->shell, 1);
	setenv("USER", u->name, 1);
	setenv("LOGNAME", u->name, 1);
	setenv("PATH", u->uid == 0 ? ROOT_PATH : USER_PATH, 1);
	if (term)
		setenv("TERM", term, 1);
	if (lang)
		setenv("LANG", lang, 1);
	if (chdir(u->home) < 0) {
		if (login)
			fprintf(stderr, "%s: no home directory %s; logging in with /\n", prog,
				u->home);
		if (chdir("/") < 0)
			die(prog, 1, "cannot change to /");
	}
	if (!login) {
		execvp(req->argv[0], req->argv);
		int e = errno;
		fprintf(stderr, "%s: %s: %s\n", prog, req->argv[0],
			e == ENOENT && !strchr(req->argv[0], '/') ? "command not found"
								  : strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	show_motd();
	const char *base = strrchr(u->shell, '/');
	char *argv0 = xasprintf("-%s", base ? base + 1 : u->shell);
	execl(u->shell, argv0, (char *)NULL);
	fprintf(stderr, "%s: cannot run the shell %s: %s; using /bin/sh\n", prog, u->shell,
		strerror(errno));
	setenv("SHELL", "/bin/sh", 1);
	execl("/bin/sh", "-sh", (char *)NULL);
	int e = errno;
	fprintf(stderr, "%s: /bin/sh: %s\n", prog, strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static void __attribute__((noreturn)) helper_main(const struct helper *h)
{
	/* Signals from the caller are forwarded; SIGCHLD ends the wait. */
	sigset_t set;
	sigemptyset(&set);
	const int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&set, sigs[i]);
		sigaction(sigs[i], &dfl, NULL);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != h->parent)
		_exit(1);
	/* Nobody may attach to a root process that holds host handles. */
	prctl(PR_SET_DUMPABLE, 0);

	wpar_error_t err = NULL;
	struct wpar_login_user u = {0};
	int master = -1, slave = -1;
	if (enter_namespaces(h, &err) < 0 ||
	    wpar_login_user_lookup(h->name, h->req->user, &u, &err) < 0 ||
	    (h->req->pty && open_pty(h, &master, &slave, &err) < 0))
		helper_fail(h, &err);
	/* Host handles end here: the session process must never hold one. */
	close(h->t->pidfd);
	close(h->t->rootfd);
	close(h->t->procfd);
	if (master >= 0 && send_msg(h->sock, MSG_PTY, 0, NULL, master) < 0)
		_exit(1);
	if (master >= 0)
		close(master);
	struct enter_msg m;
	if (send_msg(h->sock, MSG_READY, 0, NULL, -1) < 0 || recv_msg(h->sock, &m, NULL, 0) <= 0 ||
	    m.type != MSG_GO)
		_exit(1);
	pid_t pid = fork();
	if (pid < 0) {
		wpar_error_errno(&err, "cannot fork in %s", h->name);
		helper_fail(h, &err);
	}
	if (pid == 0)
		session_main(h, &u, slave);
	if (slave >= 0)
		close(slave);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		/* To the session's process group, as a terminal would (the
		 * session process leads it once it has called setsid). */
		if (sig != SIGCHLD) {
			if (kill(-pid, sig) < 0)
				kill(pid, sig);
			continue;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			send_msg(h->sock, MSG_EXIT, st, NULL, -1);
			_exit(0);
		}
	}
}

/* ---- the session, as the caller holds it ---- */

struct wpar_session {
	char *name;
	pid_t helper;
	bool reaped, ended;
	int wstatus;
	int sock;
	int master;
};

static void reap_helper(struct wpar_session *s)
{
	if (s->reaped)
		return;
	while (waitpid(s->helper, NULL, 0) < 0 && errno == EINTR)
		;
	s->reaped = true;
}

static int helper_lost(struct wpar_session *s, const struct enter_msg *m, wpar_error_t *err)
{
	reap_helper(s);
	s->ended = true;
	s->wstatus = 1 << 8;
	if (m && m->type == MSG_ERROR) {
		wpar_error_make(err, 0, "%s", m->text);
		if (err && *err)
			(*err)->status = m->value;
		return -1;
	}
	return wpar_error_input(err, "the helper process of the session in %s ended unexpectedly",
				s->name);
}

int wpar_enter(const char *name, const struct wpar_enter_request *req, struct wpar_session **out,
	       wpar_error_t *err)
{
	struct target t = {.pidfd = -1, .rootfd = -1, .procfd = -1};
	int sp[2];
	if (open_target(name, &t, err) < 0) {
		target_release(&t);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		target_release(&t);
		return wpar_error_errno(err, "socketpair");
	}
	struct helper h = {.name = name, .req = req, .t = &t, .sock = sp[1], .parent = getpid()};
	/* The seccomp program is read here, on the host's side: the helper
	 * will see the WPAR's /run. */
	if (wpar_confine_prepare(t.spec, err) < 0) {
		close(sp[0]);
		close(sp[1]);
		target_release(&t);
		return -1;
	}
	fflush(NULL);
	/* Born in the WPAR's cgroup2 group: a move from outside would wait
	 * for an RCU grace period (see cgroup.c). */
	pid_t pid = wpar_cgroup_clone(t.cg, 0, &h.born_inside);
	if (pid == 0) {
		close(sp[0]);
		helper_main(&h);
	}
	int fork_errno = errno;
	close(sp[1]);
	target_release(&t);
	if (pid < 0) {
		close(sp[0]);
		return wpar_error_make(err, fork_errno, "cannot fork");
	}
	struct wpar_session *s = xcalloc(1, sizeof(*s));
	*s = (struct wpar_session){
	    .name = xstrdup(name), .helper = pid, .sock = sp[0], .master = -1};
	for (;;) {
		struct enter_msg m;
		int fd = -1;
		int r = recv_msg(s->sock, &m, &fd, 0);
		if (r > 0 && m.type == MSG_PTY && fd >= 0 && s->master < 0) {
			s->master = fd;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (r > 0 && m.type == MSG_READY)
			break;
		helper_lost(s, r > 0 ? &m : NULL, err);
		wpar_session_free(s);
		return -1;
	}
	if (req->pty && s->master < 0) {
		wpar_error_input(err, "no pty came back from %s", name);
		wpar_session_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int wpar_session_pty(const struct wpar_session *s)
{
	return s->master;
}

int wpar_session_event_fd(const struct wpar_session *s)
{
	return s->sock;
}

int wpar_session_start(struct wpar_session *s, wpar_error_t *err)
{
	if (send_msg(s->sock, MSG_GO, 0, NULL, -1) < 0)
		return helper_lost(s, NULL, err);
	return 0;
}

static int session_read(struct wpar_session *s, int *wstatus, int flags, wpar_error_t *err)
{
	while (!s->ended) {
		struct enter_msg m;
		int r = recv_msg(s->sock, &m, NULL, flags);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r > 0 && m.type == MSG_EXIT) {
			s->ended = true;
			s->wstatus = m.value;
			reap_helper(s);
			break;
		}
		if (r <= 0 || m.type == MSG_ERROR)
			return helper_lost(s, r > 0 ? &m : NULL, err);
	}
	*wstatus = s->wstatus;
	return 1;
}

int wpar_session_poll(struct wpar_session *s, int *wstatus, wpar_error_t *err)
{
	return session_read(s, wstatus, MSG_DONTWAIT, err);
}

int wpar_session_wait(struct wpar_session *s, int *wstatus, wpar_error_t *err)
{
	return session_read(s, wstatus, 0, err);
}

int wpar_session_signal(struct wpar_session *s, int sig)
{
	if (s->reaped)
		return -1;
	return kill(s->helper, sig);
}

void wpar_session_hangup(struct wpar_session *s)
{
	if (s->master >= 0) {
		close(s->master);
		s->master = -1;
	}
	wpar_session_signal(s, SIGHUP);
}

void wpar_session_free(struct wpar_session *s)
{
	if (s == NULL)
		return;
	if (s->master >= 0)
		close(s->master);
	/* The session process gets SIGHUP when its helper dies. */
	if (!s->reaped)
		kill(s->helper, SIGKILL);
	reap_helper(s);
	close(s->sock);
	free(s->name);
	free(s);
}

int wpar_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
