/* stopwpar's work. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "appwpar.h"
#include "cgroup.h"
#include "fsimage.h"
#include "lifecycle.h"
#include "runtime.h"
#include "state.h"
#include "store.h"
#include "util.h"

#define say(o, ...) progress_line((o)->progress, __VA_ARGS__)

static int connect_monitor(const char *name, wpar_error_t *err)
{
	cleanup_free char *path = wpar_runtime_path(name, "monitor.sock");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return wpar_error_errno(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int saved = errno;
		close(fd);
		return wpar_error_make(err, saved, "cannot reach the monitor of %s", name);
	}
	return fd;
}

/* Asks the monitor to stop the WPAR and follows it to the end. */
static int stop_through_monitor(const char *name, const struct wpar_stop_opts *o, wpar_error_t *err)
{
	cleanup_close int fd = connect_monitor(name, err);
	if (fd < 0)
		return -1;
	char req[64];
	int n = snprintf(req, sizeof(req), "stop %ld %d", o->timeout, o->force ? 1 : 0);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) < 0)
		return wpar_error_errno(err, "cannot talk to the monitor of %s", name);
	say(o, "Stopping workload partition subsystem cor_%s.", name);
	say(o, "0513-044 The cor_%s Subsystem was requested to stop.", name);
	if (!o->force) {
		if (o->timeout < 0)
			say(o, "stopwpar: 0960-242 Waiting for workload partition to halt.");
		else
			say(o,
			    "stopwpar: 0960-261 Waiting up to %ld seconds for workload partition "
			    "to halt.",
			    o->timeout);
	}
	for (;;) {
		char buf[1100];
		ssize_t k = recv(fd, buf, sizeof(buf) - 1, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		buf[k] = '\0';
		if (strncmp(buf, "msg ", 4) == 0)
			say(o, "%s", buf + 4);
		else if (strncmp(buf, "ok", 2) == 0)
			return 0;
		else if (strncmp(buf, "err ", 4) == 0)
			return wpar_error_input(err, "%s", buf + 4);
	}
	/* The monitor is gone without a word: whatever it left is for the
	 * recovery to find. */
	wpar_monitor_wait_gone(name, 2000);
	return wpar_state_effective_locked(name, NULL) == WPAR_DEFINED
		   ? 0
		   : wpar_error_input(err, "the monitor of %s ended during the stop", name);
}

/* stopwpar -F on a Broken WPAR (or one whose monitor cannot be reached):
 * end the monitor, kill what is left in the cgroup, remove the cgroup and
 * the runtime record. */
static int recover(const char *name, const struct wpar_spec *spec, const struct wpar_stop_opts *o,
		   wpar_error_t *err)
{
	struct wpar_runtime_info info;
	if (wpar_runtime_read(name, &info, NULL) == 0 && info.monitor_pid > 0 &&
	    wpar_monitor_alive(name))
		kill(info.monitor_pid, SIGKILL);
	wpar_monitor_wait_gone(name, 2000);
	say(o, "Shutting down all workload partition processes.");
	if (wpar_spec_type(spec) == WPAR_APPLICATION)
		return wpar_app_reap(name, err);
	struct wpar_cgroup *cg = NULL;
	wpar_error_t cerr = NULL;
	if (wpar_cgroup_open(name, &cg, &cerr) == 0) {
		int r = wpar_cgroup_kill_all(cg, 5000, err);
		if (r == 0)
			r = wpar_cgroup_destroy(cg, err);
		wpar_cgroup_free(cg);
		if (r < 0)
			return -1;
	}
	wpar_error_release(&cerr);
	/* Mounts live in the WPAR's own namespace and went with it; an
	 * earlier release may have left some on the host. */
	char **mounts = NULL;
	size_t n = 0;
	if (spec->general.directory && strcmp(spec->general.directory, "/") != 0 &&
	    wpar_mounts_under(spec->general.directory, &mounts, &n, NULL) == 0) {
		say(o, "Unmounting all workload partition file systems.");
		for (size_t i = n; i > 0; i--)
			if (wpar_fs_umount(mounts[i - 1], err) < 0) {
				wpar_strv_free(mounts, n);
				return -1;
			}
		wpar_strv_free(mounts, n);
	}
	if (wpar_runtime_remove(name, err) < 0)
		return -1;
	return wpar_state_set(name, WPAR_DEFINED, NULL, err);
}

int wpar_stop(const char *name, const struct wpar_stop_opts *o, wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *spec = NULL;
	if (wpar_store_load(name, &spec, err) < 0)
		return -1;
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_WAIT, &lock, err) < 0)
		return -1;
	struct wpar_state_record rec;
	enum wpar_state s = wpar_state_effective_locked(name, &rec);
	if (s == WPAR_DEFINED)
		return wpar_error_input(
		    err, "0960-254 Workload partition '%s' is not currently active.", name);
	say(o, "Stopping workload partition %s.", name);
	if (s == WPAR_BROKEN) {
		if (!o->force)
			return wpar_error_input(err,
						"workload partition %s is Broken (%s); stopwpar -F "
						"cleans it up",
						name,
						rec.reason[0] ? rec.reason : "no reason recorded");
		return recover(name, spec, o, err);
	}
	wpar_error_t merr = NULL;
	if (stop_through_monitor(name, o, &merr) == 0) {
		/* An application WPAR is gone with its command. */
		if (!wpar_store_exists(name)) {
			wpar_lock_release_remove(lock);
			lock = NULL;
		}
		return 0;
	}
	if (!o->force) {
		*err = merr;
		return -1;
	}
	say(o, "stopwpar: %s; forcing", merr->msg);
	wpar_error_release(&merr);
	int r = recover(name, spec, o, err);
	if (r < 0) {
		struct wpar_state_record broken = {.state = WPAR_BROKEN, .pid = getpid()};
		snprintf(broken.reason, sizeof(broken.reason), "%s", (*err)->msg);
		wpar_state_write(name, &broken, NULL);
	}
	return r;
}
