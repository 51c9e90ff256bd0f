/* Putting resource controls in force (see resources.h for the model). */
#ifndef WPAR_RESOURCES_APPLY_H
#define WPAR_RESOURCES_APPLY_H

#include <sys/types.h>

#include "resources.h"

/* At start, on the host side, once the WPAR's cgroup exists: the typed
 * limits (*out, defaults without a resources stanza), the host's
 * resources (left zero without a stanza: nothing needs them), AIX's
 * sum-of-minimums rule against the other running WPARs, and the cgroup
 * knobs. */
int wpar_resources_start(const struct wpar_spec *spec, struct wpar_cgroup *cg,
			 struct wpar_limits *out, struct wpar_host_resources *host,
			 wpar_error_t *err);

/* Inside the WPAR, in its init before /proc/sys goes read-only and before
 * any of the WPAR's own code runs: per-process limits (procVirtMem as
 * RLIMIT_AS, pct_pinMem as RLIMIT_MEMLOCK) and the System V IPC id limits
 * of its IPC namespace (pct_shmIDs, pct_msgIDs, pct_semIDs). */
int wpar_limits_apply_inside(const struct wpar_limits *l, const struct wpar_host_resources *host,
			     wpar_error_t *err);

/* chwpar -R on a running WPAR: the same limits put in force at once on
 * the cgroup, the processes' limits and the IPC namespace of `init_pid`. */
int wpar_resources_change_live(const struct wpar_spec *spec, pid_t init_pid, wpar_error_t *err);

/* The host-wide lock over the sum of the minimums of the running WPARs
 * (see resources_apply.c).  wpar_resources_start() takes it itself;
 * chwpar -R on a running WPAR holds it from wpar_resources_change_live()
 * until the new definition is saved. */
struct wpar_lock;
int wpar_minimums_lock(struct wpar_lock **out, wpar_error_t *err);

#endif
