/* Application WPARs, host side: the definition, the monitor that runs one
 * (wparexec itself), and the watcher that cleans up after a killed one.
 * See appwpar.h for the process model. */
#include "appwpar.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "checkpoint.h"
#include "confine.h"
#include "privs.h"
#include "control.h"
#include "regulator.h"
#include "resources_apply.h"
#include "fsimage.h"
#include "lifecycle.h"
#include "name.h"
#include "net.h"
#include "paths.h"
#include "runtime.h"
#include "state.h"
#include "store.h"
#include "util.h"

#define APP_CLONE_FLAGS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)
#define KILL_WAIT_MS    5000
/* The state record's op of an application WPAR that exists only while
 * its command runs (a kept definition has none). */
#define TRANSIENT_OP "exec"

/* ---- names, command lines, checks --------------------------------------- */

int wpar_app_resolve(const char *command, char **path, wpar_error_t *err)
{
	if (command == NULL || command[0] == '\0')
		return wpar_error_status(err, ENOENT,
					 "0960-383 You must specify exactly one "
					 "application to run.");
	if (strchr(command, '/')) {
		struct stat st;
		if (stat(command, &st) < 0)
			return wpar_error_status(err, errno == ENOENT ? ENOENT : EACCES, "%s: %s",
						 command, strerror(errno));
		if (S_ISDIR(st.st_mode))
			return wpar_error_status(err, EACCES, "%s: Is a directory", command);
		if (access(command, X_OK) < 0)
			return wpar_error_status(err, EACCES, "%s: Permission denied", command);
		*path = xstrdup(command);
		return 0;
	}
	const char *env = getenv("PATH");
	cleanup_free char *dirs = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	bool denied = false;
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *d ? d : ".", command);
		struct stat st;
		if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(p, X_OK) == 0) {
				*path = p;
				return 0;
			}
			denied = true;
		}
		free(p);
	}
	if (denied)
		return wpar_error_status(err, EACCES, "%s: Permission denied", command);
	return wpar_error_status(err, ENOENT, "%s: command not found", command);
}

char *wpar_app_generate_name(const char *command)
{
	const char *base = command ? strrchr(command, '/') : NULL;
	base = base ? base + 1 : (command ? command : "");
	char stem[18];
	size_t n = 0;
	for (const char *p = base; *p && n < sizeof(stem) - 1; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');
		if (n == 0 && !(alnum && *p != '0'))
			continue; /* no leading '-' or '0' (AIX) */
		if (alnum)
			stem[n++] = *p;
		else if (stem[n - 1] != '-')
			stem[n++] = '-';
	}
	while (n > 0 && stem[n - 1] == '-')
		n--;
	stem[n] = '\0';
	return xasprintf("%s-%d", n ? stem : "wpar", (int)getpid());
}

static bool shell_safe(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w; w++)
		if (!strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+@%-",
			*w))
			return false;
	return true;
}

char *wpar_app_command_line(char *const *words)
{
	struct strbuf sb = {0};
	for (size_t i = 0; words[i]; i++) {
		if (i)
			strbuf_printf(&sb, " ");
		if (shell_safe(words[i])) {
			strbuf_printf(&sb, "%s", words[i]);
			continue;
		}
		strbuf_printf(&sb, "'");
		for (const char *p = words[i]; *p; p++)
			strbuf_printf(&sb, *p == '\'' ? "'\\''" : "%c", *p);
		strbuf_printf(&sb, "'");
	}
	return strbuf_steal(&sb);
}

int wpar_app_check(struct wpar_spec *spec, wpar_error_t *err)
{
	struct wpar_general *g = &spec->general;
	/* What only a system WPAR has: a spec file that sets one describes a
	 * system WPAR, which mkwpar creates. */
	const struct {
		const char *attr;
		const char *value;
	} system_only[] = {
	    {"privateusr", g->privateusr},
	    {"auto", g->autostart},
	    {"ostype", g->ostype},
	    {"rootvgwpar", g->rootvgwpar},
	    {"preserve", g->preserve},
	    {"preservename", g->preservename},
	    {"devices", g->devices},
	    {"postscript", g->postscript},
	    {"copy_nameres", g->copy_nameres},
	    {"init", g->init},
	    {"vg", g->vg},
	};
	for (size_t i = 0; i < ARRAY_SIZE(system_only); i++)
		if (system_only[i].value)
			return wpar_error_input(err,
						"the specification sets general.%s, which only a "
						"system WPAR has (create it with mkwpar -f)",
						system_only[i].attr);
	if (spec->n_devices || spec->n_lvmgmt || spec->n_options)
		return wpar_error_input(err,
					"the specification has %s stanzas, which only a "
					"system WPAR has (create it with mkwpar -f)",
					spec->n_devices  ? "device"
					: spec->n_lvmgmt ? "lvmgmt"
							 : "options");
	if (g->application == NULL)
		return wpar_error_input(err, "0960-383 You must specify exactly one application to "
					     "run.");
	if (g->directory && strcmp(g->directory, "/") != 0)
		return wpar_error_input(err,
					"directory %s: an application WPAR runs in the host's file "
					"systems; its directory is /",
					g->directory);
	/* A dependency without vfs= is what its other attributes make it. */
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct wpar_mount *m = &spec->mounts[i];
		if (m->vfs == NULL)
			m->vfs = xstrdup(m->host                      ? "nfs"
					 : m->dev && m->dev[0] == '/' ? "namefs"
								      : "directory");
	}
	if (wpar_spec_fill_defaults(spec, err) < 0 || wpar_spec_validate(spec, err) < 0)
		return -1;
	return 0;
}

/* Under the registry lock: the name is free, then this command holds the
 * WPAR's lock and its definition exists. */
static int claim(struct wpar_spec *spec, bool durable, struct wpar_lock **lock, wpar_error_t *err)
{
	const char *name = spec->general.name;
	cleanup_lock struct wpar_lock *registry = NULL;
	if (wpar_name_check(name, err) < 0 || wpar_registry_lock(&registry, err) < 0)
		return -1;
	if (wpar_store_exists(name))
		return wpar_error_status(
		    err, EEXIST, "0960-325 A workload partition called %s already exists.", name);
	if (wpar_lock_acquire(name, WPAR_LOCK_NOWAIT, lock, err) < 0)
		return -1;
	struct wpar_state_record rec = {.state = durable ? WPAR_DEFINED : WPAR_TRANSITIONAL,
					.pid = getpid()};
	if (!durable)
		snprintf(rec.op, sizeof(rec.op), "%s", TRANSIENT_OP);
	int r = durable ? wpar_store_save(spec, err) : wpar_store_save_transient(spec, err);
	if (r == 0)
		r = wpar_state_write_how(name, &rec, durable, err);
	if (r < 0) {
		wpar_store_remove(name, NULL);
		wpar_lock_release(*lock);
		*lock = NULL;
	}
	return r;
}

int wpar_app_define(struct wpar_spec *spec, wpar_error_t *err)
{
	cleanup_lock struct wpar_lock *lock = NULL;
	return claim(spec, true, &lock, err);
}

/* ---- the end of an application WPAR ------------------------------------- */

/* Empties and removes the cgroup, the runtime directory, and the
 * definition of a transient WPAR (a kept one goes back to Defined). */
static int remove_instance(const char *name, struct wpar_cgroup *cg, bool transient,
			   const char *reason, wpar_error_t *err)
{
	if (cg &&
	    (wpar_cgroup_kill_all(cg, KILL_WAIT_MS, err) < 0 || wpar_cgroup_destroy(cg, err) < 0))
		return -1;
	if (wpar_runtime_remove(name, err) < 0)
		return -1;
	if (transient)
		return wpar_store_remove(name, err);
	struct wpar_state_record rec = {.state = WPAR_DEFINED, .pid = getpid()};
	if (reason)
		snprintf(rec.reason, sizeof(rec.reason), "%s", reason);
	return wpar_state_write(name, &rec, err);
}

int wpar_app_reap(const char *name, wpar_error_t *err)
{
	struct wpar_state_record rec = {0};
	wpar_state_read(name, &rec, NULL);
	/* A definition already gone: its monitor died while removing it. */
	bool transient = strcmp(rec.op, TRANSIENT_OP) == 0 || !wpar_store_exists(name);
	struct wpar_cgroup *cg = NULL;
	wpar_error_t none = NULL;
	if (wpar_cgroup_open(name, &cg, &none) < 0)
		wpar_error_release(&none);
	int r = remove_instance(name, cg, transient, "last run: its monitor was killed", err);
	if (cg)
		wpar_cgroup_free(cg);
	return r;
}

/* The watcher: a fork in its own session that waits for the monitor's
 * end.  A monitor that ends normally says so first ('d'); end of file
 * without it means the monitor was killed, and the watcher removes what
 * it left, once the WPAR's init (which dies with the monitor) is gone
 * too.  Returns the write end for the monitor. */
static int start_watcher(const char *name, bool transient)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[0]);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return p[1];
	}
	/* Nothing of the monitor's: no terminal, no caller's pipes (a
	 * pipeline must see its end when the command ends), no locks. */
	if (fork() != 0)
		_exit(0);
	setsid();
	prctl(PR_SET_NAME, "wparexec-watch");
	dup2(p[0], 0);
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	syscall(SYS_close_range, 3, ~0U, 0);
	cleanup_free char *lockpath = wpar_runtime_path(name, "monitor.lock");
	int lockfd = open(lockpath, O_RDWR | O_CLOEXEC);
	char c = 0;
	while (read(0, &c, 1) < 0 && errno == EINTR)
		;
	if (c == 'd')
		_exit(0);
	/* The monitor lock comes free when the monitor and the WPAR's init
	 * (which dies with it) are both gone; let go of it at once, or the
	 * check below would find this watcher holding it. */
	if (lockfd >= 0) {
		while (flock(lockfd, LOCK_EX) < 0 && errno == EINTR)
			;
		close(lockfd);
	}
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_WAIT, &lock, NULL) == 0) {
		struct wpar_state_record rec = {0};
		/* Still the instance this watcher was made for? */
		if (wpar_state_read(name, &rec, NULL) == 0 && !wpar_monitor_alive(name) &&
		    (transient ? strcmp(rec.op, TRANSIENT_OP) == 0 || !wpar_store_exists(name)
			       : rec.state != WPAR_DEFINED) &&
		    wpar_app_reap(name, NULL) == 0 && transient) {
			wpar_lock_release_remove(lock);
			lock = NULL;
		}
	}
	_exit(0);
}

/* ---- the monitor ---------------------------------------------------------- */

struct app {
	const struct wpar_app_opts *o;
	struct wpar_spec *spec;
	const char *name;
	bool transient;
	int status_fd; /* startwpar's, until the WPAR is up */
	struct wpar_cgroup *cg;
	struct wpar_limits limits;
	struct wpar_host_resources host;
	struct wpar_regulator regulator;
	struct wpar_control ctl;
	int sig_fd, watcher_fd, status_pipe;
	int wpar_lock_fd; /* the WPAR's lock while the start holds it */
	bool ckpt;        /* checkpointable: the console below, the exec'd init */
	int console_master, console_slave, log_fd;
	bool checkpointed; /* ended by chkptwpar -k */
	pid_t init_pid;
	bool have_status; /* the command's wait status came */
	int status;
	bool stopping, swept;
	long long deadline_ms; /* -1: none */
};

/* A line for startwpar (status pipe) and for -v. */
static void __attribute__((format(printf, 3, 4)))
status_line(struct app *a, const char *kind, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (a->status_fd >= 0 && dprintf(a->status_fd, "%s %s\n", kind, text) < 0) {
		close(a->status_fd); /* startwpar went away; the WPAR goes on */
		a->status_fd = -1;
	}
	if (strcmp(kind, "msg") == 0)
		progress_line(a->o->progress, "%s", text);
}

static void client_line(struct app *a, const char *kind, const char *text)
{
	wpar_control_reply(&a->ctl, kind, text);
}

/* The signals passed on to the command.  The job-control stops are not
 * among them: ^Z stops wparexec with its command, as the shell expects. */
static const int forwarded[] = {SIGHUP,  SIGINT,  SIGQUIT,  SIGTERM, SIGUSR1,
				SIGUSR2, SIGALRM, SIGWINCH, SIGCONT, SIGPWR};

static int open_cgroup(struct app *a, wpar_error_t *err)
{
	if (wpar_cgroup_create(a->name, &a->cg, err) < 0 ||
	    wpar_resources_start(a->spec, a->cg, &a->limits, &a->host, err) < 0)
		return -1;
	int filtered = wpar_cgroup_allow_devices(a->cg, wpar_cgroup_default_devices, err);
	if (filtered < 0)
		return -1;
	return wpar_privs_check_host(a->spec, filtered == 1, err);
}

/* A checkpointable WPAR's console: a pty of the host's, the init's
 * controlling terminal and its command's stdout and stderr (raw, so that
 * bytes pass unchanged); the monitor copies what comes out to its own
 * standard output and, for wparexec and restartwpar, to the console log
 * (startwpar's monitor has that log as its standard output). */
static int open_console(struct app *a, wpar_error_t *err)
{
	if (!a->ckpt)
		return 0;
	a->console_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (a->console_master < 0 || grantpt(a->console_master) < 0 ||
	    unlockpt(a->console_master) < 0)
		return wpar_error_errno(err, "cannot allocate the console pty");
	const char *slave = ptsname(a->console_master);
	a->console_slave = slave ? open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	if (a->console_slave < 0)
		return wpar_error_errno(err, "cannot open the console pty");
	struct termios t;
	if (tcgetattr(a->console_slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(a->console_slave, TCSANOW, &t);
	}
	fcntl(a->console_master, F_SETFL, O_NONBLOCK);
	if (!a->o->console_log)
		return 0;
	cleanup_free char *dir = xasprintf("%s/%s", wpar_paths()->logdir, a->name);
	cleanup_free char *log = xasprintf("%s/console.log", dir);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	a->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (a->log_fd < 0)
		return wpar_error_errno(err, "cannot open %s", log);
	return 0;
}

static void drain_console(struct app *a)
{
	char buf[4096];
	ssize_t n;
	while (a->console_master >= 0 && (n = read(a->console_master, buf, sizeof(buf))) > 0) {
		/* A full log or a closed stdout must not stop the WPAR. */
		if (a->log_fd >= 0 && write(a->log_fd, buf, (size_t)n) < 0) {
		}
		if (write(1, buf, (size_t)n) < 0) {
		}
	}
}

/* Clones the WPAR's init and lets it go; *sync_fd then tells how its
 * start ends (wait_exec). */
static int clone_init(struct app *a, const char *path, char *const *argv, char *const *envp,
		      const sigset_t *command_mask, int *sync_fd, wpar_error_t *err)
{
	int sp[2], st[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return wpar_error_errno(err, "socketpair");
	if (pipe2(st, O_CLOEXEC) < 0) {
		close(sp[0]);
		close(sp[1]);
		return wpar_error_errno(err, "pipe");
	}
	cleanup_free char *reaper = a->ckpt ? wpar_helper_path("wpar-monitor") : NULL;
	/* A checkpointable WPAR's clocks are its own (checkpoint.h). */
	if (wpar_confine_prepare(a->spec, err) < 0 ||
	    (a->ckpt && wpar_ckpt_time_namespace(err) < 0)) {
		close(sp[0]);
		close(sp[1]);
		close(st[0]);
		close(st[1]);
		return -1;
	}
	bool born_inside = false;
	pid_t pid = wpar_cgroup_clone(a->cg, APP_CLONE_FLAGS, &born_inside);
	if (pid == 0) {
		wpar_timing_mark("init: cloned");
		close(sp[0]);
		close(st[0]);
		struct wpar_app_child c = {
		    .spec = a->spec,
		    .path = path,
		    .argv = argv,
		    .envp = envp,
		    .command_mask = *command_mask,
		    .sync_fd = sp[1],
		    .status_fd = st[1],
		    .cg = a->cg,
		    .born_inside = born_inside,
		    .monitor_fds = {a->ctl.lock_fd, a->ctl.listen_fd, a->sig_fd, a->watcher_fd,
				    a->wpar_lock_fd, a->console_master, a->log_fd},
		    .limits = &a->limits,
		    .host = &a->host,
		    .console_fd = a->ckpt ? a->console_slave : -1,
		    .reaper_path = reaper,
		};
		wpar_app_child_main(&c);
	}
	close(sp[1]);
	close(st[1]);
	if (pid < 0) {
		close(sp[0]);
		close(st[0]);
		return wpar_error_errno(err, "cannot create the WPAR's namespaces");
	}
	wpar_timing_mark("cloned");
	a->init_pid = pid;
	a->status_pipe = st[0];
	/* The network is put in place while the init waits for the go. */
	if (wpar_net_start(a->name, a->spec, pid, err) < 0) {
		close(sp[0]);
		return -1;
	}
	if (write(sp[0], "g", 1) != 1) {
		close(sp[0]);
		return wpar_error_errno(err, "cannot release the WPAR's init");
	}
	*sync_fd = sp[0];
	return 0;
}

/* Until the init says what failed, or the command's exec closed the
 * last copy of the sync socket. */
static int wait_exec(int sync_fd, wpar_error_t *err)
{
	int r = 0;
	for (char buf[1100]; r == 0;) {
		ssize_t n = recv(sync_fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* closed at exec: the command runs */
		buf[n] = '\0';
		r = wpar_error_input(err, "%s", strncmp(buf, "err ", 4) == 0 ? buf + 4 : buf);
	}
	close(sync_fd);
	return r;
}

/* restartwpar: the tree comes back from its checkpoint as this
 * process's child, its console the new pty, its status pipe a new one. */
static int restore_init(struct app *a, wpar_error_t *err)
{
	int st[2];
	if (pipe2(st, O_CLOEXEC) < 0)
		return wpar_error_errno(err, "pipe");
	status_line(a, "msg", "Restoring workload partition processes.");
	pid_t pid = 0;
	int r = wpar_ckpt_restore_app(a->spec, a->o->restore_dir, a->o->restore_log,
				      a->o->restore_debug, a->console_slave, st[1], &pid, err);
	close(st[1]);
	if (r < 0) {
		close(st[0]);
		return -1;
	}
	a->init_pid = pid;
	a->status_pipe = st[0];
	if (a->o->restore_paused && (wpar_cgroup_freeze(a->cg, true, err) < 0 ||
				     wpar_state_change(a->name, WPAR_PAUSED, err) < 0))
		return -1;
	return 0;
}

static int record_running(struct app *a, wpar_error_t *err)
{
	struct wpar_runtime_info info = {
	    .monitor_pid = getpid(), .init_pid = a->init_pid, .started = (long long)time(NULL)};
	wpar_boot_id(info.boot_id);
	snprintf(info.root, sizeof(info.root), "/");
	snprintf(info.init, sizeof(info.init), "app");
	info.caps = wpar_confine_cap_mask(a->spec);
	info.has_caps = true;
	if (wpar_runtime_write(a->name, &info, err) < 0)
		return -1;
	struct wpar_state_record rec = {.state = a->o->restore_paused ? WPAR_PAUSED : WPAR_ACTIVE,
					.pid = getpid()};
	snprintf(rec.boot_id, sizeof(rec.boot_id), "%s", info.boot_id);
	if (a->transient)
		snprintf(rec.op, sizeof(rec.op), "%s", TRANSIENT_OP);
	return wpar_state_write_how(a->name, &rec, false, err);
}

static void pass_on(struct app *a, int sig)
{
	union sigval v = {.sival_int = WPAR_APP_SIGNAL_MARK};
	if (a->init_pid > 0)
		sigqueue(a->init_pid, sig, v);
}

static void sweep(struct app *a)
{
	client_line(a, "msg", "Shutting down all workload partition processes.");
	wpar_error_t e = NULL;
	if (wpar_cgroup_kill_all(a->cg, KILL_WAIT_MS, &e) < 0) {
		client_line(a, "msg", e->msg);
		wpar_error_release(&e);
	}
	a->swept = true;
}

static void handle_client(struct app *a)
{
	long timeout;
	bool force;
	if (!wpar_control_accept(&a->ctl, a->init_pid, &timeout, &force))
		return;
	/* An application WPAR stops as its command does on SIGTERM; what is
	 * left when the timeout runs out is killed. */
	if (force) {
		sweep(a);
	} else if (!a->stopping) {
		pass_on(a, SIGTERM);
		a->deadline_ms = timeout < 0 ? -1 : monotonic_ms() + timeout * 1000LL;
	}
	a->stopping = true;
}

/* The command has ended; its init is on its way out (its namespaces go
 * with it, which takes a while on another CPU).  Meanwhile the records
 * of a transient WPAR go; its cgroup must wait for the init. */
static void command_ended(struct app *a)
{
	if (a->status_pipe < 0)
		return;
	int status;
	if (read(a->status_pipe, &status, sizeof(status)) == sizeof(status)) {
		a->have_status = true;
		a->status = status;
	}
	close(a->status_pipe);
	a->status_pipe = -1;
	if (a->have_status && a->transient) {
		wpar_error_t e = NULL;
		if (wpar_runtime_remove(a->name, &e) < 0 || wpar_store_remove(a->name, &e) < 0)
			wpar_error_release(&e); /* finish tries again and reports */
	}
}

/* Until the WPAR's init has ended; returns the command's wait status
 * (the init's own when it could not report one: it was killed). */
static int event_loop(struct app *a)
{
	/* The regulator's first measure, so that its first tick can act. */
	wpar_regulator_run(&a->regulator, a->name, a->cg, &a->limits, &a->host, NULL);
	long long next_tick = monotonic_ms() + WPAR_REGULATOR_TICK_MS;
	for (;;) {
		struct pollfd p[4] = {{a->sig_fd, POLLIN, 0},
				      {a->ctl.listen_fd, POLLIN, 0},
				      {a->status_pipe, POLLIN, 0},
				      {a->console_master, POLLIN, 0}};
		long long wake = next_tick;
		if (a->stopping && a->deadline_ms >= 0 && !a->swept && a->deadline_ms < wake)
			wake = a->deadline_ms;
		long long left = wake - monotonic_ms();
		if (poll(p, 4, left < 0 ? 0 : (int)left) < 0 && errno != EINTR)
			continue;
		if (p[3].revents & POLLIN)
			drain_console(a);
		if (monotonic_ms() >= next_tick) {
			wpar_error_t e = NULL;
			if (wpar_regulator_run(&a->regulator, a->name, a->cg, &a->limits, &a->host,
					       &e) < 0) {
				fprintf(stderr, "wparexec: CPU regulator: %s\n", e->msg);
				wpar_error_release(&e);
			}
			next_tick = monotonic_ms() + WPAR_REGULATOR_TICK_MS;
		}
		if (a->stopping && a->deadline_ms >= 0 && !a->swept &&
		    monotonic_ms() >= a->deadline_ms)
			sweep(a);
		if (p[1].revents & POLLIN)
			handle_client(a);
		if (p[2].revents & (POLLIN | POLLHUP))
			command_ended(a);
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(a->sig_fd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD) {
			/* A terminal's signals reached the command already. */
			if (si.ssi_code != SI_KERNEL)
				pass_on(a, (int)si.ssi_signo);
			continue;
		}
		int status;
		if (waitpid(a->init_pid, &status, WNOHANG) == a->init_pid) {
			drain_console(a);
			command_ended(a); /* a status written just before the end */
			cleanup_free char *mark = wpar_runtime_path(a->name, WPAR_CKPT_KILL_MARK);
			a->checkpointed = !a->have_status && path_exists(mark);
			unlink(mark);
			return a->have_status ? a->status : status;
		}
	}
}

static void run_script(struct app *a, const char *action)
{
	const char *script = a->spec->general.script;
	if (script == NULL)
		return;
	wpar_error_t e = NULL;
	int rc = wpar_run_script(script, a->name, "/", action, &e);
	if (e || rc != 0)
		fprintf(stderr, "wparexec: user script %s %s: %s%d\n", script, action,
			e ? e->msg : "exit status ", e ? 0 : rc);
	wpar_error_release(&e);
}

static void finish(struct app *a, bool started)
{
	if (started)
		status_line(a, "msg", "Shutting down all workload partition processes.");
	wpar_error_t e = NULL;
	const char *reason = started ? NULL : "last start failed";
	if (remove_instance(a->name, a->cg, a->transient, reason, &e) < 0) {
		struct wpar_state_record rec = {.state = WPAR_BROKEN, .pid = getpid()};
		if (a->transient)
			snprintf(rec.op, sizeof(rec.op), "%s", TRANSIENT_OP);
		snprintf(rec.reason, sizeof(rec.reason), "%s", e->msg);
		wpar_state_write(a->name, &rec, NULL);
		client_line(a, "err", e->msg);
		fprintf(stderr, "wparexec: %s\n", e->msg);
		wpar_error_release(&e);
	} else {
		client_line(a, "ok", "stopped");
		/* A name used once leaves no lock file behind (unless a
		 * stopwpar holds the lock now: it removes the file). */
		struct wpar_lock *lock = NULL;
		wpar_error_t busy = NULL;
		if (a->transient && wpar_lock_acquire(a->name, WPAR_LOCK_NOWAIT, &lock, &busy) == 0)
			wpar_lock_release_remove(lock);
		wpar_error_release(&busy);
	}
	wpar_control_release_clients(&a->ctl);
	if (started)
		run_script(a, "stop");
	if (a->watcher_fd >= 0 && write(a->watcher_fd, "d", 1) != 1) {
		/* the watcher then finds nothing left to do */
	}
}

static int block_signals(struct app *a, sigset_t *command_mask, wpar_error_t *err)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &set, command_mask) < 0)
		return wpar_error_errno(err, "sigprocmask");
	a->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (a->sig_fd < 0)
		return wpar_error_errno(err, "signalfd");
	/* The console's copy to a standard output that went away fails
	 * (EPIPE) instead of ending the monitor. */
	sigset_t pipe_set;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (a->ckpt)
		sigprocmask(SIG_BLOCK, &pipe_set, NULL);
	return 0;
}

int wpar_app_run(struct wpar_spec *spec, const struct wpar_app_opts *o, int *wstatus,
		 wpar_error_t *err)
{
	struct app a = {.o = o,
			.spec = spec,
			.name = spec->general.name,
			.transient = !o->definition,
			.status_fd = o->status_fd,
			.ctl = {.lock_fd = -1, .listen_fd = -1},
			.sig_fd = -1,
			.watcher_fd = -1,
			.status_pipe = -1,
			.wpar_lock_fd = -1,
			.ckpt = wpar_spec_flag(spec->general.checkpointable),
			.console_master = -1,
			.console_slave = -1,
			.log_fd = -1,
			.deadline_ms = -1};
	cleanup_free char *path = NULL;
	char *sh_argv[] = {"sh", "-c", spec->general.application, NULL};
	char *const *argv = o->argv ? o->argv : sh_argv;
	if (wpar_app_resolve(o->argv ? argv[0] : "/bin/sh", &path, err) < 0)
		return -1;
	static char *minimal_env[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", NULL};
	char *const *envp = o->envp ? o->envp : minimal_env;

	wpar_timing_mark("run");
	cleanup_lock struct wpar_lock *lock = o->lock;
	if (a.transient && claim(spec, false, &lock, err) < 0)
		return -1;
	a.wpar_lock_fd = lock ? wpar_lock_fd(lock) : -1;
	wpar_timing_mark("claimed");
	progress_line(o->progress, "Starting workload partition %s.", a.name);
	status_line(&a, "msg", "Mounting all workload partition file systems.");
	char **made = NULL;
	size_t n_made = 0;
	sigset_t command_mask;
	int r = wpar_app_deps_mount(spec, &made, &n_made, o->progress, err);
	if (r == 0)
		status_line(&a, "msg", "Loading workload partition.");
	if (r == 0 && (wpar_control_open(a.name, &a.ctl, err) < 0 || open_cgroup(&a, err) < 0 ||
		       open_console(&a, err) < 0 || block_signals(&a, &command_mask, err) < 0))
		r = -1;
	wpar_timing_mark("cgroup-runtime");
	int sync_fd = -1;
	if (r == 0) {
		run_script(&a, "start");
		r = o->restore_dir ? restore_init(&a, err)
				   : clone_init(&a, path, argv, envp, &command_mask, &sync_fd, err);
	}
	/* While the init builds the WPAR (a millisecond or so on a second
	 * CPU): the watcher and the records.  A start that fails after this
	 * removes them again. */
	if (r == 0) {
		a.watcher_fd = start_watcher(a.name, a.transient);
		if (a.watcher_fd < 0)
			r = wpar_error_errno(err, "cannot start the watcher of %s", a.name);
	}
	wpar_timing_mark("watcher");
	if (r == 0)
		r = record_running(&a, err);
	wpar_timing_mark("recorded");
	if (sync_fd >= 0) {
		wpar_error_t late = NULL;
		if (wait_exec(sync_fd, &late) < 0 && r == 0) {
			*err = late;
			late = NULL;
			r = -1;
		}
		wpar_error_release(&late);
	}
	wpar_timing_mark("exec");
	if (r < 0) {
		/* Nothing of it may stay: the dependencies it mounted, the
		 * init and its command, the cgroup, the records. */
		wpar_app_deps_undo(made, n_made);
		if (a.init_pid > 0) {
			kill(a.init_pid, SIGKILL);
			waitpid(a.init_pid, NULL, 0);
			a.init_pid = 0;
		}
		finish(&a, false);
	} else {
		wpar_strv_free(made, n_made);
		if (lock) {
			wpar_lock_release(lock);
			lock = NULL;
			a.wpar_lock_fd = -1;
		}
		status_line(&a, "ok", "%d", (int)getpid());
		if (a.status_fd >= 0)
			close(a.status_fd);
		a.status_fd = -1;
		*wstatus = event_loop(&a);
		if (o->checkpointed)
			*o->checkpointed = a.checkpointed;
		wpar_timing_mark("ended");
		a.init_pid = 0;
		finish(&a, true);
		wpar_timing_mark("removed");
	}
	if (a.sig_fd >= 0) {
		close(a.sig_fd);
		sigprocmask(SIG_SETMASK, &command_mask, NULL);
	}
	if (a.cg)
		wpar_cgroup_free(a.cg);
	wpar_limits_release(&a.limits);
	wpar_control_close(&a.ctl);
	int fds[] = {a.watcher_fd, a.status_pipe, a.console_master, a.console_slave, a.log_fd};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

int wpar_app_exit_like(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	int sig = WTERMSIG(status);
	/* Die of the same signal, so that the shell sees what the command
	 * did (and stops a loop on ^C), without a core. */
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

/* A kept definition (wparexec -c -1) restarts as it starts: Defined,
 * under its lock, which the run lets go of once the WPAR is up. */
static int take_kept(const char *name, struct wpar_spec **spec, struct wpar_lock **lock, int *code,
		     wpar_error_t *err)
{
	wpar_error_t busy = NULL;
	if (wpar_store_load(name, spec, err) < 0)
		return -1;
	if (wpar_spec_type(*spec) != WPAR_APPLICATION) {
		*code = WPAR_CKPT_ECORRUPT;
		return wpar_error_input(err,
					"the checkpoint is of an application WPAR, and %s is a "
					"system WPAR",
					name);
	}
	if (wpar_lock_acquire(name, WPAR_LOCK_NOWAIT, lock, &busy) < 0) {
		wpar_error_release(&busy);
		*code = WPAR_CKPT_EBUSY;
		return wpar_error_input(err, "workload partition %s is busy", name);
	}
	enum wpar_state st = wpar_state_effective_locked(name, NULL);
	if (st != WPAR_DEFINED) {
		*code = WPAR_CKPT_EBUSY;
		return wpar_error_input(err,
					"workload partition %s is %s; it must be Defined to be "
					"restarted",
					name, wpar_state_word(st));
	}
	return wpar_state_set(name, WPAR_TRANSITIONAL, "restart", err);
}

int wpar_app_restart(const char *name, const char *dir, const char *log, bool debug, bool paused,
		     int *wstatus, int *code, wpar_error_t *err)
{
	*code = WPAR_CKPT_EINTERNAL;
	if (geteuid() != 0) {
		*code = WPAR_CKPT_EROOT;
		return wpar_error_input(err, "only root can restart a workload partition");
	}
	cleanup_spec struct wpar_spec *spec = NULL;
	struct wpar_lock *lock = NULL;
	bool kept = wpar_store_exists(name);
	int r = kept ? take_kept(name, &spec, &lock, code, err)
		     : wpar_ckpt_saved_definition(dir, &spec, code, err);
	if (r == 0 && !wpar_spec_flag(spec->general.checkpointable)) {
		*code = WPAR_CKPT_ENOTCKPT;
		r = wpar_error_input(err, "workload partition %s is not checkpointable", name);
	}
	if (r == 0 && !kept && wpar_app_check(spec, err) < 0)
		r = -1;
	if (r < 0) {
		if (lock)
			wpar_lock_release(lock);
		return -1;
	}
	/* A transient WPAR claims its name again: one that runs already
	 * (checkpointed without -k) is busy. */
	bool checkpointed = false;
	struct wpar_app_opts o = {.definition = kept,
				  .status_fd = -1,
				  .progress = stdout,
				  .console_log = true,
				  .lock = lock,
				  .restore_dir = dir,
				  .restore_log = log,
				  .restore_debug = debug,
				  .restore_paused = paused,
				  .checkpointed = &checkpointed};
	if (wpar_app_run(spec, &o, wstatus, err) < 0) {
		*code = (*err)->status == EEXIST ? WPAR_CKPT_EBUSY : WPAR_CKPT_ECANNOT;
		return -1;
	}
	if (checkpointed) {
		fprintf(stderr,
			"restartwpar: workload partition %s was checkpointed and stopped "
			"(chkptwpar -k); restartwpar brings it back\n",
			name);
		*wstatus = WPAR_APP_EXIT_CHECKPOINTED << 8;
	}
	*code = WPAR_CKPT_OK;
	return 0;
}

int wpar_app_monitor_run(const char *name, int status_fd)
{
	char comm[16];
	snprintf(comm, sizeof(comm), "cor_%s", name);
	prctl(PR_SET_NAME, comm);
	wpar_error_t err = NULL;
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_free char *dir = xasprintf("%s/%s", wpar_paths()->logdir, name);
	cleanup_free char *log = xasprintf("%s/console.log", dir);
	int fd = -1;
	if (wpar_store_load(name, &spec, &err) == 0 && mkdir_p(dir, 0700, &err) == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			wpar_error_errno(&err, "cannot open %s", log);
	}
	if (err) {
		dprintf(status_fd, "err %s\n", err->msg);
		wpar_error_release(&err);
		return 1;
	}
	/* The command's output goes to the log, as a system WPAR's console. */
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	static char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "HOME=/", NULL};
	bool checkpointed = false;
	struct wpar_app_opts o = {.envp = envp,
				  .definition = true,
				  .status_fd = status_fd,
				  .checkpointed = &checkpointed};
	int status = 0;
	if (wpar_app_run(spec, &o, &status, &err) < 0) {
		dprintf(status_fd, "err %s\n", err->msg);
		wpar_error_release(&err);
		return 1;
	}
	if (checkpointed)
		dprintf(2, "[monitor] checkpointed and stopped (chkptwpar -k)\n");
	else if (WIFEXITED(status))
		dprintf(2, "[monitor] the command exited with status %d\n", WEXITSTATUS(status));
	else
		dprintf(2, "[monitor] the command was killed by signal %d\n", WTERMSIG(status));
	return 0;
}
