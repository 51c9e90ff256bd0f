/* The monitor: creates the WPAR, holds its console, serves stop requests,
 * reaps its init, restarts it on reboot, and cleans up when it halts. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "checkpoint.h"
#include "control.h"
#include "regulator.h"
#include "resources_apply.h"
#include "confine.h"
#include "privs.h"
#include "lifecycle.h"
#include "net.h"
#include "paths.h"
#include "rootfs.h"
#include "runtime.h"
#include "spawn.h"
#include "state.h"
#include "store.h"
#include "userns.h"
#include "util.h"

#define CLEANUP_KILL_MS 5000

struct monitor {
	const struct wpar_monitor_opts *o;
	const char *name;
	struct wpar_spec *spec;
	struct wpar_fs_plan *plan;
	struct wpar_cgroup *cg;
	struct wpar_limits limits;
	struct wpar_host_resources host;
	struct wpar_regulator regulator;
	struct wpar_control ctl;
	int sig_fd, console_master, console_slave, log_fd, init_fd;
	struct wpar_device_filter devices;
	int status_fd; /* to startwpar until the WPAR is up */
	pid_t init_pid;
	char console_path[64];
	bool stopping;
	long long deadline_ms; /* -1: none */
	bool swept;
};

static void status_line(struct monitor *m, const char *kind, const char *text)
{
	if (m->status_fd < 0)
		return;
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s %s\n", kind, text);
	if (write(m->status_fd, line, (size_t)n) < 0) {
		/* startwpar went away; the WPAR goes on without it */
		close(m->status_fd);
		m->status_fd = -1;
	}
}

static void client_line(struct monitor *m, const char *kind, const char *text)
{
	wpar_control_reply(&m->ctl, kind, text);
}

static void console_log(struct monitor *m, const char *text)
{
	if (m->log_fd >= 0) {
		dprintf(m->log_fd, "[monitor] %s\n", text);
	}
}

static void spawn_progress(void *data, const char *line)
{
	int fd = *(int *)data;
	char buf[600];
	int n = snprintf(buf, sizeof(buf), "msg %s", line);
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
		/* the monitor reports the missing exec anyway */
	}
}

static int open_console(struct monitor *m, wpar_error_t *err)
{
	m->console_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m->console_master < 0 || grantpt(m->console_master) < 0 ||
	    unlockpt(m->console_master) < 0)
		return wpar_error_errno(err, "cannot allocate the console pty");
	char *slave = ptsname(m->console_master);
	if (slave)
		snprintf(m->console_path, sizeof(m->console_path), "%s", slave);
	m->console_slave = slave ? open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	if (m->console_slave < 0)
		return wpar_error_errno(err, "cannot open the console pty");
	fcntl(m->console_master, F_SETFL, O_NONBLOCK);
	cleanup_free char *dir = xasprintf("%s/%s", wpar_paths()->logdir, m->name);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *log = xasprintf("%s/console.log", dir);
	m->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (m->log_fd < 0)
		return wpar_error_errno(err, "cannot open %s", log);
	return 0;
}

/* One instance of the WPAR: clone its PID 1, wait until it has exec'd. */
/* A checkpointable WPAR runs a copy of the project's init from inside
 * its own root (CHECKPOINT_INIT), exec'd by that path: CRIU finds the
 * executable of every process it dumps through the WPAR's mounts, and
 * the host's libexec directory is not one of them.  A copy, never a link
 * (the WPAR's root may write to it), made again at every start from the
 * monitor's descriptor of the host's binary. */
#define CHECKPOINT_INIT ".wpar/init"
static int copy_init(struct monitor *m, wpar_error_t *err)
{
	const char *root = m->spec->general.directory;
	cleanup_free char *path = xasprintf("/proc/self/fd/%d", m->init_fd);
	cleanup_free char *data = NULL;
	size_t len = 0;
	if (read_file(path, &data, &len, err) < 0 || mkdir_in_root(root, ".wpar", 0700, err) < 0 ||
	    write_file_in_root(root, CHECKPOINT_INIT, data, len, 0500, err) < 0)
		return wpar_error_prefix(err, "cannot copy the WPAR init into %s", root);
	return 0;
}

/* A first stage (user namespace) sends the pid of the WPAR's init, which
 * it made as this process's child; progress lines may come first.  The
 * init holds the socket open too, so a stage that dies before it sends
 * is seen through its pidfd, not an end of file. */
static int await_init_pid(struct monitor *m, int sock, pid_t stage, pid_t *pid, wpar_error_t *err)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, stage, 0);
	if (pidfd < 0)
		return wpar_error_errno(err, "cannot watch the WPAR's first stage");
	bool stage_gone = false;
	for (char buf[1024];;) {
		ssize_t n = recv(sock, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (stage_gone)
				return wpar_error_input(
				    err, "the WPAR's first stage ended without an init");
			struct pollfd p[2] = {{.fd = sock, .events = POLLIN},
					      {.fd = pidfd, .events = POLLIN}};
			if (poll(p, 2, -1) < 0 && errno != EINTR)
				return wpar_error_errno(err, "poll");
			/* Read once more: its last message comes before its end. */
			stage_gone = p[1].revents != 0;
			continue;
		}
		if (n <= 0)
			return wpar_error_input(err,
						"the WPAR's first stage ended without an init");
		buf[n] = '\0';
		if (strncmp(buf, "msg ", 4) == 0) {
			status_line(m, "msg", buf + 4);
			continue;
		}
		if (strncmp(buf, "pid ", 4) == 0) {
			*pid = (pid_t)strtol(buf + 4, NULL, 10);
			return 0;
		}
		return wpar_error_input(err, "%s", strncmp(buf, "err ", 4) == 0 ? buf + 4 : buf);
	}
}

static int start_instance(struct monitor *m, wpar_error_t *err)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return wpar_error_errno(err, "socketpair");
	bool copied_init = m->init_fd >= 0 && wpar_spec_flag(m->spec->general.checkpointable);
	if (wpar_confine_prepare(m->spec, err) < 0 ||
	    wpar_device_filter_reopen(&m->devices, err) < 0 ||
	    (copied_init && (copy_init(m, err) < 0 || wpar_ckpt_time_namespace(err) < 0))) {
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	struct wpar_idrange idrange;
	int own_userns = wpar_userns_of(m->spec, &idrange, err);
	if (own_userns < 0) {
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	bool born_inside = false;
	pid_t pid = wpar_cgroup_clone(
	    m->cg, own_userns ? WPAR_SPAWN_STAGE_FLAGS : WPAR_SPAWN_CLONE_FLAGS, &born_inside);
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		return wpar_error_errno(err, "cannot create the WPAR's namespaces");
	}
	if (pid == 0) {
		close(sp[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The stop and reboot signals stay blocked through exec: the
		 * kernel drops a signal that reaches a namespace's init before
		 * it handles it, and a stop right after a start must not be
		 * lost.  The init takes them once it is ready. */
		sigset_t held;
		sigemptyset(&held);
		int sigs[] = {SIGTERM,      SIGINT,       SIGPWR,      SIGCHLD,
			      SIGRTMIN + 3, SIGRTMIN + 4, SIGRTMIN + 5};
		for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
			sigaddset(&held, sigs[k]);
		sigprocmask(SIG_SETMASK, &held, NULL);
		struct wpar_spawn s = {
		    .spec = m->spec,
		    .plan = m->plan,
		    .console_fd = m->console_slave,
		    .devices = &m->devices,
		    .console_path = m->console_path,
		    .init_exec_fd = m->init_fd,
		    .init_inside = copied_init ? "/" CHECKPOINT_INIT : NULL,
		    .system_init =
			m->spec->general.init && strcmp(m->spec->general.init, "system") == 0,
		    .maintenance = m->o->maintenance,
		    .sync_fd = sp[1],
		    .limits = &m->limits,
		    .host = &m->host,
		    .progress = spawn_progress,
		    .progress_data = &sp[1],
		    .idrange = own_userns ? &idrange : NULL,
		};
		wpar_error_t cerr = NULL;
		if (wpar_cgroup_join_self(m->cg, born_inside, &cerr) == 0)
			wpar_spawn_child(&s, &cerr);
		char buf[1024];
		int n = snprintf(buf, sizeof(buf), "err %s", cerr ? cerr->msg : "unknown error");
		if (send(sp[1], buf, (size_t)n, MSG_NOSIGNAL) < 0) {
			/* nothing more to do */
		}
		_exit(1);
	}
	close(sp[1]);
	int r = 0;
	if (own_userns) {
		/* The first stage ends once it made the init. */
		pid_t stage = pid;
		r = await_init_pid(m, sp[0], stage, &pid, err);
		while (waitpid(stage, NULL, 0) < 0 && errno == EINTR)
			;
		if (r < 0) {
			close(sp[0]);
			return -1;
		}
	}
	/* The network is put in place while the child waits for the go; a
	 * maintenance start (-m) has none, as on AIX. */
	if (r == 0 && !m->o->maintenance)
		r = wpar_net_start(m->name, m->spec, pid, err);
	if (r == 0 && write(sp[0], "g", 1) != 1)
		r = wpar_error_errno(err, "cannot release the WPAR's init");
	for (char buf[1024]; r == 0;) {
		ssize_t n = recv(sp[0], buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* closed at exec: init runs */
		buf[n] = '\0';
		if (strncmp(buf, "msg ", 4) == 0) {
			status_line(m, "msg", buf + 4);
			continue;
		}
		r = wpar_error_input(err, "%s", strncmp(buf, "err ", 4) == 0 ? buf + 4 : buf);
	}
	close(sp[0]);
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	m->init_pid = pid;
	return 0;
}

/* restartwpar: the WPAR's processes come back from a checkpoint as the
 * monitor's children (instead of a boot), then its devices close as
 * after a boot's mounts. */
static int restore_instance(struct monitor *m, wpar_error_t *err)
{
	status_line(m, "msg", "Restoring workload partition processes.");
	pid_t pid = 0;
	if (wpar_ckpt_restore_tree(m->spec, m->plan, m->o->restore_dir, m->o->restore_log,
				   m->o->restore_debug, m->console_slave, m->console_path, &pid,
				   err) < 0)
		return -1;
	m->init_pid = pid;
	return wpar_device_filter_close(&m->devices, wpar_cgroup_default_devices, err);
}

/* restartwpar -p: Paused until resumewpar or killwpar. */
static int pause_restored(struct monitor *m, wpar_error_t *err)
{
	if (wpar_cgroup_freeze(m->cg, true, err) < 0)
		return -1;
	return wpar_state_change(m->name, WPAR_PAUSED, err);
}

static int record_running(struct monitor *m, wpar_error_t *err)
{
	struct wpar_runtime_info info = {
	    .monitor_pid = getpid(), .init_pid = m->init_pid, .started = (long long)time(NULL)};
	wpar_boot_id(info.boot_id);
	snprintf(info.root, sizeof(info.root), "%s", m->spec->general.directory);
	snprintf(info.init, sizeof(info.init), "%s",
		 m->spec->general.init ? m->spec->general.init : "wpar");
	/* As a privilege set: CAP_SYS_ADMIN is never one; a session gets it
	 * back from enable_hostname, as the WPAR's processes did. */
	info.caps = wpar_confine_cap_mask(m->spec) & ~(UINT64_C(1) << CAP_SYS_ADMIN);
	info.has_caps = true;
	if (wpar_runtime_write(m->name, &info, err) < 0)
		return -1;
	struct wpar_state_record rec = {.state = WPAR_ACTIVE, .pid = getpid()};
	snprintf(rec.boot_id, sizeof(rec.boot_id), "%s", info.boot_id);
	return wpar_state_write(m->name, &rec, err);
}

static void run_user_script(struct monitor *m, const char *action)
{
	const char *script = m->spec->general.script;
	if (script == NULL)
		return;
	wpar_error_t e = NULL;
	int rc = wpar_run_script(script, m->name, m->spec->general.directory, action, &e);
	char line[600];
	snprintf(line, sizeof(line), "user script %s %s: %s%d", script, action,
		 e ? e->msg : "exit status ", e ? 0 : rc);
	if (e || rc != 0)
		console_log(m, line);
	wpar_error_release(&e);
}

/* After init is gone: nothing of the WPAR may remain. */
static int cleanup_instance(struct monitor *m, wpar_error_t *err)
{
	if (wpar_cgroup_kill_all(m->cg, CLEANUP_KILL_MS, err) < 0)
		return -1;
	m->init_pid = 0;
	return 0;
}

static void send_stop_signal(struct monitor *m)
{
	bool system = m->spec->general.init && strcmp(m->spec->general.init, "system") == 0;
	/* systemd halts on SIGRTMIN+3; the project's init on SIGTERM. */
	kill(m->init_pid, system ? SIGRTMIN + 3 : SIGTERM);
}

static void begin_stop(struct monitor *m, long timeout_s, bool force)
{
	if (m->init_pid <= 0)
		return;
	if (force) {
		m->deadline_ms = monotonic_ms();
	} else if (!m->stopping) {
		send_stop_signal(m);
		m->deadline_ms = timeout_s < 0 ? -1 : monotonic_ms() + timeout_s * 1000LL;
	}
	m->stopping = true;
}

static void sweep(struct monitor *m)
{
	client_line(m, "msg", "Shutting down all workload partition processes.");
	console_log(m, "stop timeout: killing every process of the WPAR");
	wpar_error_t e = NULL;
	if (wpar_cgroup_kill_all(m->cg, CLEANUP_KILL_MS, &e) < 0) {
		console_log(m, e->msg);
		wpar_error_release(&e);
	}
	m->swept = true;
}

static void handle_client(struct monitor *m)
{
	long timeout;
	bool force;
	if (wpar_control_accept(&m->ctl, m->init_pid, &timeout, &force))
		begin_stop(m, timeout, force);
}

static void drain_console(struct monitor *m)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(m->console_master, buf, sizeof(buf));
		if (n <= 0)
			return;
		if (m->log_fd >= 0 && write(m->log_fd, buf, (size_t)n) < 0) {
			/* a full log must not stop the WPAR */
		}
	}
}

/* init ended: reboot, halt, or an end nobody asked for. */
static bool init_ended(struct monitor *m, int status)
{
	bool reboot = (WIFEXITED(status) && WEXITSTATUS(status) == WPAR_INIT_EXIT_REBOOT) ||
		      (WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP);
	char line[128];
	if (WIFEXITED(status))
		snprintf(line, sizeof(line), "init exited with status %d", WEXITSTATUS(status));
	else
		snprintf(line, sizeof(line), "init ended by signal %d", WTERMSIG(status));
	console_log(m, line);
	return reboot && !m->stopping;
}

static int finish(struct monitor *m, int status_code)
{
	wpar_error_t e = NULL;
	client_line(m, "msg", "Unmounting all workload partition file systems.");
	int rc = 0;
	if (cleanup_instance(m, &e) < 0 || wpar_cgroup_destroy(m->cg, &e) < 0) {
		struct wpar_state_record rec = {.state = WPAR_BROKEN, .pid = getpid()};
		snprintf(rec.reason, sizeof(rec.reason), "%s", e->msg);
		wpar_state_write(m->name, &rec, NULL);
		client_line(m, "err", e->msg);
		console_log(m, e->msg);
		wpar_error_release(&e);
		rc = 2;
	} else {
		struct wpar_state_record rec = {.state = WPAR_DEFINED, .pid = getpid()};
		if (status_code != 0)
			snprintf(rec.reason, sizeof(rec.reason),
				 "last stop: init ended unexpectedly");
		/* The runtime record first: whoever sees Defined finds nothing
		 * of the instance left. */
		wpar_runtime_remove(m->name, NULL);
		wpar_state_write(m->name, &rec, NULL);
		client_line(m, "ok", "stopped");
	}
	run_user_script(m, "stop");
	wpar_control_release_clients(&m->ctl);
	return rc;
}

static int event_loop(struct monitor *m)
{
	/* The regulator's first measure, so that its first tick can act. */
	wpar_regulator_run(&m->regulator, m->name, m->cg, &m->limits, &m->host, NULL);
	long long next_tick = monotonic_ms() + WPAR_REGULATOR_TICK_MS;
	for (;;) {
		struct pollfd p[3] = {{m->sig_fd, POLLIN, 0},
				      {m->ctl.listen_fd, POLLIN, 0},
				      {m->console_master, POLLIN, 0}};
		long long wake = next_tick;
		if (m->stopping && m->deadline_ms >= 0 && !m->swept && m->deadline_ms < wake)
			wake = m->deadline_ms;
		long long left = wake - monotonic_ms();
		int n = poll(p, 3, left < 0 ? 0 : (int)left);
		if (n < 0 && errno != EINTR)
			return 1;
		if (monotonic_ms() >= next_tick) {
			wpar_error_t e = NULL;
			if (wpar_regulator_run(&m->regulator, m->name, m->cg, &m->limits, &m->host,
					       &e) < 0) {
				console_log(m, e->msg);
				wpar_error_release(&e);
			}
			next_tick = monotonic_ms() + WPAR_REGULATOR_TICK_MS;
		}
		if (m->stopping && m->deadline_ms >= 0 && !m->swept &&
		    monotonic_ms() >= m->deadline_ms)
			sweep(m);
		if (p[2].revents & POLLIN)
			drain_console(m);
		if (p[1].revents & POLLIN)
			handle_client(m);
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(m->sig_fd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT || si.ssi_signo == SIGHUP) {
			begin_stop(m, 60, false);
			continue;
		}
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != m->init_pid)
				continue;
			drain_console(m);
			if (!init_ended(m, status))
				return finish(m, m->stopping ? 0 : 1);
			/* A reboot from inside: same configuration, new instance. */
			wpar_error_t e = NULL;
			wpar_state_set(m->name, WPAR_TRANSITIONAL, "reboot", NULL);
			if (cleanup_instance(m, &e) < 0 || start_instance(m, &e) < 0 ||
			    record_running(m, &e) < 0) {
				console_log(m, e->msg);
				wpar_error_release(&e);
				return finish(m, 1);
			}
		}
	}
}

static int setup(struct monitor *m, wpar_error_t *err)
{
	if (wpar_control_open(m->name, &m->ctl, err) < 0 ||
	    wpar_store_load(m->name, &m->spec, err) < 0 ||
	    wpar_fs_plan_build(m->spec, &m->plan, err) < 0)
		return -1;
	bool system = m->spec->general.init && strcmp(m->spec->general.init, "system") == 0;
	if (!system) {
		m->init_fd = open(m->o->init_path, O_RDONLY | O_CLOEXEC);
		if (m->init_fd < 0)
			return wpar_error_errno(err, "cannot open the WPAR init %s",
						m->o->init_path);
	}
	/* Only the devices of its /dev, even for a node made inside: closed
	 * by the WPAR's process once its mounts are made (spawn.c). */
	if (wpar_cgroup_create(m->name, &m->cg, err) < 0 ||
	    wpar_device_filter_prepare(m->cg, wpar_cgroup_default_devices, &m->devices, err) < 0 ||
	    wpar_privs_check_host(m->spec, wpar_device_filter_present(&m->devices), err) < 0 ||
	    wpar_resources_start(m->spec, m->cg, &m->limits, &m->host, err) < 0 ||
	    open_console(m, err) < 0)
		return -1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->sig_fd < 0)
		return wpar_error_errno(err, "signalfd");
	return 0;
}

int wpar_monitor_run(const struct wpar_monitor_opts *o)
{
	struct monitor m = {.o = o,
			    .name = o->name,
			    .ctl = {.lock_fd = -1, .listen_fd = -1},
			    .sig_fd = -1,
			    .console_master = -1,
			    .console_slave = -1,
			    .log_fd = -1,
			    .init_fd = -1,
			    .devices = WPAR_DEVICE_FILTER_INIT,
			    .status_fd = o->status_fd,
			    .deadline_ms = -1};
	/* Restored process trees (checkpoint/restart) are re-parented here. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* ps shows the AIX subsystem name (argv[0] is "cor_<name>" too). */
	char comm[16];
	snprintf(comm, sizeof(comm), "cor_%s", o->name);
	prctl(PR_SET_NAME, comm);
	wpar_error_t err = NULL;
	bool restore = o->restore_dir != NULL;
	if (setup(&m, &err) < 0 ||
	    (restore ? restore_instance(&m, &err) : start_instance(&m, &err)) < 0 ||
	    record_running(&m, &err) < 0 ||
	    (restore && o->restore_paused && pause_restored(&m, &err) < 0)) {
		status_line(&m, "err", err->msg);
		wpar_error_release(&err);
		if (m.init_pid > 0)
			cleanup_instance(&m, NULL);
		if (m.cg) {
			wpar_cgroup_kill_all(m.cg, CLEANUP_KILL_MS, NULL);
			wpar_cgroup_destroy(m.cg, NULL);
		}
		wpar_runtime_remove(m.name, NULL);
		return 1;
	}
	char line[64];
	snprintf(line, sizeof(line), "%d", (int)getpid());
	status_line(&m, "ok", line);
	if (m.status_fd >= 0)
		close(m.status_fd);
	m.status_fd = -1;
	run_user_script(&m, "start");
	return event_loop(&m);
}
