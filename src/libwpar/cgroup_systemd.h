/* The WPAR cgroups of a host whose cgroup v2 tree systemd manages: each
 * WPAR gets a transient scope unit with Delegate=yes, asked for over
 * systemd's D-Bus API, and the project manages only what is below it
 * (docs/mapping-cgroups.md, "Under systemd").
 *
 * Environment (read on every call):
 *   WPAR_CGROUP_MANAGER  auto (default), systemd or cgroupfs
 *   WPAR_SYSTEMD_BUS     a message bus where org.freedesktop.systemd1 is;
 *                        default: systemd's own socket /run/systemd/private
 *   WPAR_SYSTEMD_SLICE   the slice of the scopes, default wpar.slice */
#ifndef WPAR_CGROUP_SYSTEMD_H
#define WPAR_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Whether the WPAR cgroups go below systemd scopes: WPAR_CGROUP_MANAGER
 * says so, or (auto) the tree at the root is the real cgroup2 mount
 * (`real_v2_root`) and systemd runs (/run/systemd/system). */
int wpar_systemd_manages_cgroups(bool real_v2_root, bool *yes, wpar_error_t *err);

/* The slice (validated) and its cgroup path relative to the root:
 * "wpar.slice" -> "wpar.slice", "a-b.slice" -> "a.slice/a-b.slice". */
int wpar_systemd_slice(char **slice, char **path, wpar_error_t *err);

/* The scope unit of a WPAR: "wpar-<name>.scope", with what a unit name
 * cannot hold escaped as systemd does (\xNN). */
char *wpar_systemd_scope_name(const char *wpar_name);

/* Starts the scope `unit` in `slice`, delegated, with `pid` as its first
 * process, and waits until systemd has moved it there.  EEXIST when the
 * unit exists already (a WPAR that still runs, or a scope systemd is
 * still stopping). */
int wpar_systemd_start_scope(const char *unit, const char *slice, const char *description,
			     pid_t pid, wpar_error_t *err);

/* MemoryLow= of a unit (a scope or a slice), for the running system only. */
int wpar_systemd_set_memory_low(const char *unit, uint64_t bytes, wpar_error_t *err);

#endif
