/* The running side of a WPAR: its runtime directory, the record of its
 * monitor and init, and the effective state of a running WPAR.
 *
 * Process model.  `startwpar` spawns a monitor (the role of AIX's cor_<name>
 * subsystem: a host process named "cor_<name>") that owns the WPAR's life:
 * it creates the namespaces, the cgroup and the mounts, starts the WPAR's
 * PID 1 (the project's init, or the WPAR's /sbin/init), holds the console
 * pty, reaps init, records how it ended and cleans up.  Init dies with its
 * monitor (PR_SET_PDEATHSIG), and everything in the WPAR dies with init (it
 * is PID 1 of the WPAR's PID namespace), so a killed monitor never leaves a
 * half-managed WPAR behind.  The monitor holds an flock on its lock file
 * for its whole life; a record that says Active while that lock is free
 * means the monitor died: the WPAR reads as Broken.
 *
 * Runtime directory: <rundir>/<name>/
 *   monitor.lock   flock held by the monitor
 *   monitor.sock   control socket (SOCK_SEQPACKET, see monitor protocol)
 *   info           key=value: monitor_pid, init_pid (host view), boot_id,
 *                  started (unix time), root, init ("wpar"|"system")
 *   console.log    (in <logdir>/<name>/console.log) what the console printed
 *
 * Monitor protocol (one request per connection, text):
 *   "stop <timeout-seconds|-1> <force 0|1>"  orderly stop through init,
 *       then the sweep after the timeout (or at once with force); replies
 *       with progress lines "msg <text>" and a final "ok" or "err <text>".
 *   "status"  -> "ok <init-pid>"
 */
#ifndef WPAR_RUNTIME_H
#define WPAR_RUNTIME_H

#include <stdbool.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct wpar_runtime_info {
	pid_t monitor_pid;
	pid_t init_pid; /* as the host sees it */
	char boot_id[40];
	long long started;
	char root[4096];
	char init[16];
	/* The capability set its processes got at start (privs.h): clogin
	 * gives its sessions the same, even after chwpar -S. */
	bool has_caps;
	uint64_t caps;
};

char *wpar_runtime_dir(const char *name); /* <rundir>/<name> */
char *wpar_runtime_path(const char *name, const char *file);

int wpar_runtime_write(const char *name, const struct wpar_runtime_info *info, wpar_error_t *err);
/* Fails with ENOENT when the WPAR is not running. */
int wpar_runtime_read(const char *name, struct wpar_runtime_info *info, wpar_error_t *err);
int wpar_runtime_remove(const char *name, wpar_error_t *err);

/* True while the WPAR's monitor is alive (holds monitor.lock). */
bool wpar_monitor_alive(const char *name);

/* Waits up to `timeout_ms` for the monitor to exit (it undoes its work
 * first); true when it is gone. */
bool wpar_monitor_wait_gone(const char *name, int timeout_ms);

/* The kernel's boot id: a record from an earlier boot describes nothing
 * that still exists. */
int wpar_boot_id(char out[40]);

/* Init's exit statuses, as the monitor reads them. */
enum {
	WPAR_INIT_EXIT_HALT = 0,
	WPAR_INIT_EXIT_REBOOT = 2,
	WPAR_INIT_EXIT_FAILED = 1,
};

#endif
