/* startwpar's work. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifecycle.h"
#include "rootfs.h"
#include "runtime.h"
#include "state.h"
#include "store.h"
#include "util.h"

#ifndef WPAR_LIBEXECDIR
#define WPAR_LIBEXECDIR "/usr/local/libexec/wpar"
#endif

char *wpar_helper_path(const char *prog)
{
	const char *env = getenv("WPAR_LIBEXECDIR");
	if (env && env[0] == '/') {
		char *p = xasprintf("%s/%s", env, prog);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		const char *const rel[] = {"", "/../init", "/../libexec/wpar"};
		for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
			char *p = xasprintf("%s%s/%s", self, rel[i], prog);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xasprintf("%s/%s", WPAR_LIBEXECDIR, prog);
}

#define say(o, ...) progress_line((o)->progress, __VA_ARGS__)

static pid_t spawn_monitor(const char *name, bool app, const struct wpar_start_opts *o,
			   int *status_fd, wpar_error_t *err)
{
	cleanup_free char *monitor = wpar_helper_path("wpar-monitor");
	cleanup_free char *init = wpar_helper_path("wpar-init");
	if (access(monitor, X_OK) < 0)
		return wpar_error_errno(err, "cannot run %s", monitor);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return wpar_error_errno(err, "pipe");
	cleanup_free char *argv0 = xasprintf("cor_%s", name);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return wpar_error_errno(err, "fork");
	if (pid == 0) {
		/* The monitor outlives startwpar: a grandchild (nobody here
		 * has to reap it), its own session, no terminal, no signals
		 * held, the status pipe as fd 3. */
		if (fork() != 0)
			_exit(0);
		setsid();
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		dup2(p[1], 3);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		char *argv[16] = {argv0, "--name", (char *)name, "--status-fd",
				  "3",   "--init", init};
		int n = 7;
		if (app || o->maintenance)
			argv[n++] = app ? "--app" : "--maintenance";
		if (o->restore_dir) {
			argv[n++] = "--restore";
			argv[n++] = (char *)o->restore_dir;
			if (o->restore_log) {
				argv[n++] = "--restore-log";
				argv[n++] = (char *)o->restore_log;
			}
			if (o->restore_debug)
				argv[n++] = "--restore-debug";
			if (o->restore_paused)
				argv[n++] = "--paused";
		}
		argv[n] = NULL;
		execv(monitor, argv);
		_exit(127);
	}
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	*status_fd = p[0];
	return pid;
}

/* Reads the monitor's lines until "ok" or "err". */
static int follow_monitor(const char *name, const struct wpar_start_opts *o, int fd,
			  pid_t *monitor_pid, wpar_error_t *err)
{
	cleanup_fclose FILE *f = fdopen(fd, "r");
	if (f == NULL)
		return wpar_error_errno(err, "fdopen");
	char line[1100];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "msg ", 4) == 0) {
			bool detail = strncmp(line + 4, "Mounting /", 10) == 0;
			if (!detail || o->verbose)
				say(o, "%s", line + 4);
			if (strcmp(line + 4, "Loading workload partition.") == 0)
				say(o, "Exporting workload partition devices.");
			continue;
		}
		if (strncmp(line, "ok ", 3) == 0) {
			*monitor_pid = (pid_t)atoi(line + 3);
			return 0;
		}
		if (strncmp(line, "err ", 4) == 0)
			return wpar_error_input(err, "%s", line + 4);
	}
	return wpar_error_input(err, "the monitor of %s ended before the WPAR started", name);
}

static int check_startable(const char *name, const struct wpar_spec *spec, wpar_error_t *err)
{
	struct wpar_state_record rec;
	enum wpar_state s = wpar_state_effective_locked(name, &rec);
	if (s == WPAR_ACTIVE)
		return wpar_error_input(err, "workload partition %s is already active", name);
	if (s == WPAR_BROKEN)
		return wpar_error_input(err,
					"workload partition %s is Broken (%s); run stopwpar -F %s "
					"first",
					name, rec.reason[0] ? rec.reason : "no reason recorded",
					name);
	if (s != WPAR_DEFINED)
		return wpar_error_input(err, "workload partition %s is %s", name,
					wpar_state_word(s));
	if (wpar_spec_type(spec) == WPAR_APPLICATION)
		return 0; /* a kept definition (wparexec -c -1): runs on the host's file systems */
	struct stat st;
	if (stat(spec->general.directory, &st) < 0 || !S_ISDIR(st.st_mode))
		return wpar_error_errno(err, "the root directory %s of %s is missing",
					spec->general.directory, name);
	struct wpar_fs_plan *plan = NULL;
	if (wpar_fs_plan_build(spec, &plan, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < plan->n && r == 0; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if ((fs->kind == WPAR_FS_BIND || fs->kind == WPAR_FS_IMAGE) &&
		    (fs->source == NULL || access(fs->source, F_OK) < 0))
			r = wpar_error_input(err, "the source %s of file system %s is missing",
					     fs->source ? fs->source : "(none)", fs->directory);
	}
	wpar_fs_plan_free(plan);
	return r;
}

int wpar_start(const char *name, const struct wpar_start_opts *o, wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *spec = NULL;
	if (wpar_store_load(name, &spec, err) < 0)
		return -1;
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_WAIT, &lock, err) < 0)
		return -1;
	if (check_startable(name, spec, err) < 0)
		return -1;
	say(o, "Starting workload partition %s.", name);
	if (wpar_state_set(name, WPAR_TRANSITIONAL, "start", err) < 0)
		return -1;
	int fd = -1;
	pid_t child = spawn_monitor(name, wpar_spec_type(spec) == WPAR_APPLICATION, o, &fd, err);
	pid_t monitor = 0;
	if (child < 0 || follow_monitor(name, o, fd, &monitor, err) < 0) {
		/* The monitor undid what it did; record why it failed. */
		struct wpar_state_record rec = {.state = WPAR_DEFINED, .pid = getpid()};
		snprintf(rec.reason, sizeof(rec.reason), "last start failed: %s",
			 (err && *err) ? (*err)->msg : "unknown");
		/* The monitor undoes its work before it exits. */
		if (!wpar_monitor_wait_gone(name, 5000)) {
			rec.state = WPAR_BROKEN;
			snprintf(rec.reason, sizeof(rec.reason),
				 "start failed and its monitor lives on");
		}
		wpar_state_write(name, &rec, NULL);
		return -1;
	}
	say(o, "Starting workload partition subsystem cor_%s.", name);
	say(o, "0513-059 The cor_%s Subsystem has been started. Subsystem PID is %d.", name,
	    (int)monitor);
	say(o, "Verifying workload partition startup.");
	enum wpar_state expected = o->restore_paused ? WPAR_PAUSED : WPAR_ACTIVE;
	if (wpar_state_effective_locked(name, NULL) != expected)
		return wpar_error_input(err, "workload partition %s did not stay %s", name,
					wpar_state_word(expected));
	if (o->verbose)
		say(o, "Return Status = SUCCESS.");
	return 0;
}
