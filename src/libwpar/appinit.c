/* The init of an application WPAR: PID 1 of its namespaces.  It builds
 * the WPAR's view of the host (its own /proc, read-only /sys, private IPC
 * file systems, host name, loopback), confines itself, forks the command,
 * then reaps every orphan and passes signals on until the command ends.
 * Its exit ends the WPAR: the kernel kills whatever else is left in a PID
 * namespace whose init is gone. */
#include "appwpar.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "paths.h"
#include "resources_apply.h"
#include "spawn.h"
#include "store.h"
#include "util.h"

/* How long after a signal reached the WPAR directly the monitor's copy
 * of it counts as a duplicate. */
#define DUPLICATE_WINDOW_MS 200

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* totalPTYs: a devpts instance of the WPAR's own with max=, over the
 * host's (in this mount namespace only), and its ptmx over /dev/ptmx.
 * Only then: the caller's terminal, a pty of the host's instance, stays
 * usable through the descriptors and /dev/tty, but its /dev/pts name is
 * not visible inside (tty(1) says "not a tty"). */
static int own_devpts(const struct wpar_app_child *c, wpar_error_t *err)
{
	long long max = c->limits && c->limits->active ? c->limits->total_ptys : WPAR_UNLIMITED;
	if (max <= 0 || !is_dir("/dev/pts"))
		return 0;
	if (wpar_spawn_mount_devpts(max) < 0)
		return wpar_error_errno(err, "cannot mount the WPAR's /dev/pts");
	if (mount("/dev/pts/ptmx", "/dev/ptmx", NULL, MS_BIND, NULL) < 0)
		return wpar_error_errno(err, "cannot bind the WPAR's /dev/ptmx");
	return 0;
}

/* AIX: a system WPAR's file systems can be reached only from that WPAR
 * and from the global environment, and no WPAR acts on another.  An
 * application WPAR shares the host's tree, and that tree holds every
 * other WPAR's root (the base directory, or where mkwpar -d put it),
 * images (the state directory), definitions, console logs, and control
 * sockets (the run directory: a monitor takes "stop" from whoever can
 * connect).  The isolation battery read another WPAR's files and talked
 * to its monitor from here (tests/isolation/).  An empty read-only tmpfs
 * over each of these directories, in this mount namespace only, hides
 * them; wparexec itself works on them from the host's namespace. */
static int hide_one(const char *dir, wpar_error_t *err)
{
	if (dir == NULL || strcmp(dir, "/") == 0 || !is_dir(dir))
		return 0;
	if (mount("tmpfs", dir, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,mode=0") < 0)
		return wpar_error_errno(err, "cannot hide %s from the WPAR", dir);
	return 0;
}

/* Roots of system WPARs outside the base directory (mkwpar -d), read from
 * their definitions before the definitions' directory is hidden.  A
 * definition that does not load names no root to hide. */
static int hide_outside_roots(wpar_error_t *err)
{
	const char *base = wpar_paths()->basedir;
	char **names = NULL;
	size_t n = 0;
	if (wpar_store_list(&names, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct wpar_spec *spec = NULL;
		if (wpar_store_load(names[i], &spec, NULL) < 0)
			continue;
		const char *dir = spec->general.directory;
		size_t bl = base ? strlen(base) : 0;
		bool under_base = dir && base && strncmp(dir, base, bl) == 0 &&
				  (dir[bl] == '/' || dir[bl] == '\0');
		if (wpar_spec_type(spec) == WPAR_SYSTEM && dir && !under_base)
			r = hide_one(dir, err);
		wpar_spec_free(spec);
	}
	wpar_names_free(names, n);
	return r;
}

static int hide_wpar_directories(wpar_error_t *err)
{
	if (hide_outside_roots(err) < 0)
		return -1;
	const struct wpar_paths *p = wpar_paths();
	const char *dirs[] = {p->basedir, p->statedir, p->rundir, p->confdir, p->logdir};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (hide_one(dirs[i], err) < 0)
			return -1;
	return 0;
}

/* The host's file systems stay shared (AIX: an application WPAR runs on
 * the global file systems); what belongs to the namespaces is the WPAR's
 * own: /proc of its PID namespace, /dev/mqueue of its IPC namespace, an
 * empty /dev/shm, and /sys read-only. */
static int build_view(const struct wpar_app_child *c, wpar_error_t *err)
{
	/* Slave: mounts the host makes later still appear here, and nothing
	 * mounted here reaches the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return wpar_error_errno(err, "cannot make the WPAR's mounts private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return wpar_error_errno(err, "cannot mount the WPAR's /proc");
	/* The limits that live in /proc/sys, before it goes read-only. */
	if (wpar_limits_apply_inside(c->limits, c->host, err) < 0 ||
	    wpar_spawn_protect_proc(err) < 0)
		return -1;
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	if (is_dir("/sys") &&
	    syscall(SYS_mount_setattr, AT_FDCWD, "/sys", AT_RECURSIVE, &ro, sizeof(ro)) < 0 &&
	    errno != EINVAL) /* EINVAL: /sys is no mount on this host */
		return wpar_error_errno(err, "cannot make /sys read-only");
	if (is_dir("/dev/shm") &&
	    mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return wpar_error_errno(err, "cannot mount the WPAR's /dev/shm");
	if (is_dir("/dev/mqueue") &&
	    mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return wpar_error_errno(err, "cannot mount the WPAR's /dev/mqueue");
	if (hide_wpar_directories(err) < 0)
		return -1;
	return own_devpts(c, err);
}

static void report(int fd, const char *msg)
{
	char buf[1100];
	int n = snprintf(buf, sizeof(buf), "err %s", msg);
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
		/* the monitor is gone; so is everything else */
	}
}

/* A checkpointable WPAR (wparexec -c): its init leads a session of its
 * own, with the monitor's pty as its controlling terminal, so that CRIU
 * finds the whole session inside the WPAR's tree.  The command writes
 * to that pty (the monitor copies it to the console log) and reads from
 * /dev/null: nothing of the caller's terminal, pipes or files is left
 * in the tree, and everything in it can be carried. */
static int take_console(const struct wpar_app_child *c, wpar_error_t *err)
{
	if (c->console_fd < 0)
		return 0;
	if (setsid() < 0 || ioctl(c->console_fd, TIOCSCTTY, 0) < 0)
		return wpar_error_errno(err, "cannot take the WPAR's console");
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(c->console_fd, 1) < 0 ||
	    dup2(c->console_fd, 2) < 0)
		return wpar_error_errno(err, "cannot attach the WPAR's console");
	close(null);
	close(c->console_fd);
	/* The caller's other descriptors do not reach the command (the sync
	 * socket still closes at its exec). */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	return 0;
}

/* The checkpointable init execs the reaper by its path in the WPAR's
 * mount namespace: CRIU finds the executable of every process there, and
 * this process's own (wparexec's, mapped before the namespace existed)
 * is on a mount it cannot find.  The command stays its child. */
static void exec_reaper(const struct wpar_app_child *c, pid_t command)
{
	/* The status pipe as fd 3, the only one above stdio (take_console
	 * made every other close at this exec). */
	int fd = c->status_fd == 3 ? 3 : dup2(c->status_fd, 3);
	if (fd == 3)
		fcntl(fd, F_SETFD, 0);
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)command);
	char *argv[] = {"wparexec-init", "--app-init", pid, "3", NULL};
	char *envp[] = {NULL};
	if (fd == 3)
		execve(c->reaper_path, argv, envp);
	/* Without it the WPAR still runs (the reaper below); chkptwpar
	 * refuses it. */
}

static void exec_command(const struct wpar_app_child *c)
{
	/* What the caller's signals were: handlers do not survive exec, but
	 * the mask and ignored signals do, as with any command. */
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
		    sa.sa_handler != SIG_DFL) {
			sa.sa_handler = SIG_DFL;
			sigaction(sig, &sa, NULL);
		}
	}
	sigprocmask(SIG_SETMASK, &c->command_mask, NULL);
	execve(c->path, c->argv, c->envp);
	int e = errno;
	char msg[600];
	snprintf(msg, sizeof(msg), "%s: %s", c->argv[0], strerror(e));
	report(c->sync_fd, msg);
	_exit(e == ENOENT ? WPAR_APP_EXIT_NOTFOUND : WPAR_APP_EXIT_NOEXEC);
}

static void write_status(int fd, int status)
{
	if (write(fd, &status, sizeof(status)) != sizeof(status)) {
		/* the monitor then reads init's own status */
	}
}

/* Reaps every orphan and passes signals on until the command ends, then
 * reports its wait status and ends the WPAR. */
static void __attribute__((noreturn)) reap(pid_t command, int status_fd)
{
	sigset_t all;
	sigfillset(&all);
	/* When a signal went to the whole process group (kill -TERM -pgid),
	 * the command got it directly, this init too, and the monitor passes
	 * its copy on: that copy is dropped.  The direct one always comes
	 * first (one kill() queues them all), so a pass-on of the same
	 * signal shortly after a direct one is that duplicate. */
	long long direct_ms[NSIG] = {0};
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			bool passed_on =
			    si.si_code == SI_QUEUE && si.si_value.sival_int == WPAR_APP_SIGNAL_MARK;
			long long now = monotonic_ms();
			if (!passed_on)
				direct_ms[sig] = now;
			else if (direct_ms[sig] == 0 || now - direct_ms[sig] > DUPLICATE_WINDOW_MS)
				kill(command, sig);
			continue;
		}
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != command)
				continue;
			wpar_timing_mark("init: command ended");
			write_status(status_fd, status);
			_exit(0);
		}
	}
}

void wpar_app_reaper_main(pid_t command, int status_fd)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_NAME, "wparexec-init");
	reap(command, status_fd);
}

void wpar_app_child_main(const struct wpar_app_child *c)
{
	/* Every signal is taken with sigwaitinfo: PID 1 of a namespace gets
	 * only the signals it handles, and blocked ones count as handled. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "wparexec-init");
	/* Its locks must go with the monitor: a watcher waits for them. */
	for (size_t i = 0; i < ARRAY_SIZE(c->monitor_fds); i++)
		if (c->monitor_fds[i] >= 0)
			close(c->monitor_fds[i]);
	char go;
	/* End of file instead of go: the monitor died before this process
	 * had its death signal. */
	if (read(c->sync_fd, &go, 1) != 1)
		_exit(WPAR_APP_EXIT_FAILED);
	wpar_error_t err = NULL;
	if (wpar_cgroup_join_self(c->cg, c->born_inside, &err) < 0) {
		report(c->sync_fd, err->msg);
		_exit(WPAR_APP_EXIT_FAILED);
	}
	wpar_timing_mark("init: joined");
	const char *host =
	    c->spec->general.hostname ? c->spec->general.hostname : c->spec->general.name;
	if (unshare(CLONE_NEWCGROUP) < 0)
		wpar_error_errno(&err, "cannot create the cgroup namespace");
	else if (build_view(c, &err) == 0 && sethostname(host, strlen(host)) < 0)
		wpar_error_errno(&err, "cannot set the host name %s", host);
	wpar_timing_mark("init: view");
	if (err == NULL && wpar_spawn_loopback_up(&err) == 0 && take_console(c, &err) == 0)
		wpar_confine_apply(c->spec, &err);
	wpar_timing_mark("init: confined");
	if (err) {
		report(c->sync_fd, err->msg);
		_exit(WPAR_APP_EXIT_FAILED);
	}
	pid_t command = fork();
	if (command < 0) {
		report(c->sync_fd, "cannot fork the command");
		_exit(WPAR_APP_EXIT_FAILED);
	}
	if (command == 0)
		exec_command(c);
	/* The monitor learns of the exec when the last copy of the sync
	 * socket (the command's, close-on-exec) is gone. */
	close(c->sync_fd);
	wpar_timing_mark("init: forked");
	if (c->console_fd >= 0)
		exec_reaper(c, command);
	reap(command, c->status_fd);
}
