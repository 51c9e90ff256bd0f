/* Control groups of WPARs, on cgroup v2 (unified) and cgroup v1 alike,
 * chosen at run time.  Every WPAR gets one group in the project's own
 * subtree (never the host's layout): <hierarchy>/<parent>/<name>, where
 * <parent> is "wpar" (WPAR_CGROUP_PARENT overrides it, for tests) and the
 * hierarchy root is /sys/fs/cgroup (WPAR_CGROUP_ROOT overrides it, for the
 * tests that use a fake cgroup v2 tree).  The hierarchies are the cgroup
 * mounts that /proc/self/mountinfo shows at or below that root.
 *
 * v2: the root is a cgroup2 mount (or, for a fake root, a directory with
 * cgroup.controllers).  The project's levels get +cpu +cpuset +hugetlb +io
 * +memory +pids in cgroup.subtree_control where the level above offers
 * them; the host root's own subtree_control is never written.
 *
 * v1 (and hybrid): the group is created in every mounted v1 hierarchy
 * (cpu, cpuacct, cpuset, memory, pids, freezer, devices, blkio, the named
 * systemd one, ...) and, on a hybrid host, also in the cgroup2 tree
 * mounted below the root (/sys/fs/cgroup/unified), which has no
 * controllers there but gives cgroup.kill and a reliable "populated" flag;
 * WPAR_CGROUP_UNIFIED=no leaves that tree alone.
 *
 * Where systemd manages a cgroup v2 host, the group is instead
 * <slice>/wpar-<name>.scope/wpar, in a transient scope delegated to the
 * project (cgroup_systemd.h), and the monitor that creates it moves to
 * the scope's "monitor" group.
 *
 * The environment is read on every create, open and detect. */
#ifndef WPAR_CGROUP_H
#define WPAR_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct wpar_cgroup;

enum wpar_cgroup_mode { WPAR_CGROUP_V1, WPAR_CGROUP_V2 };
/* The mode of this host (v2 when no cgroup hierarchy is found at all). */
enum wpar_cgroup_mode wpar_cgroup_detect(void);

/* Creates (or reuses, empty) the WPAR's group; EBUSY, naming the
 * processes, when an existing group still has some.  Under systemd the
 * caller must be the WPAR's monitor: it becomes the scope's first process
 * (and stays in the scope's "monitor" group). */
int wpar_cgroup_create(const char *name, struct wpar_cgroup **out, wpar_error_t *err);
/* Opens an existing group; ENOENT when there is none. */
int wpar_cgroup_open(const char *name, struct wpar_cgroup **out, wpar_error_t *err);
void wpar_cgroup_free(struct wpar_cgroup *cg);

/* Moves a process into the group, in every hierarchy. */
int wpar_cgroup_attach(struct wpar_cgroup *cg, pid_t pid, wpar_error_t *err);

/* Starts a child (clone flags plus SIGCHLD; 0 returned in the child)
 * inside the group's cgroup2 part when the kernel can (*born_inside);
 * the child then calls wpar_cgroup_join_self for the rest.  Cheaper than
 * wpar_cgroup_attach by an RCU grace period (see cgroup.c). */
pid_t wpar_cgroup_clone(struct wpar_cgroup *cg, unsigned long flags, bool *born_inside);
/* Moves the calling (single-threaded) process into the group in every
 * hierarchy it is not born inside. */
int wpar_cgroup_join_self(struct wpar_cgroup *cg, bool born_inside, wpar_error_t *err);
/* The processes in the group and in the groups below it, sorted (all
 * hierarchies agree; the unified one, else the freezer, is read). */
int wpar_cgroup_pids(struct wpar_cgroup *cg, pid_t **pids, size_t *n, wpar_error_t *err);

/* Freezes or thaws the group and waits until the kernel says it is done:
 * v1 freezer.state FROZEN/THAWED, else v2 cgroup.freeze and the "frozen"
 * key of cgroup.events.  A freeze that does not finish (a process in
 * uninterruptible sleep) is undone and fails with ETIMEDOUT. */
int wpar_cgroup_freeze(struct wpar_cgroup *cg, bool frozen, wpar_error_t *err);

/* Kills everything in the group: cgroup.kill where the kernel has it,
 * otherwise freeze, SIGKILL every process, thaw (a group frozen by the v1
 * freezer is thawed after cgroup.kill too, or nothing would die); then
 * waits up to `timeout_ms` for the group to empty.  Fails naming the processes that
 * are left (e.g. stuck in uninterruptible sleep). */
int wpar_cgroup_kill_all(struct wpar_cgroup *cg, int timeout_ms, wpar_error_t *err);

/* Removes the group (groups below it first) from every hierarchy; fails
 * with EBUSY (naming the processes) while it is populated.  The parent
 * level is left: other WPARs use it. */
int wpar_cgroup_destroy(struct wpar_cgroup *cg, wpar_error_t *err);

/* cgroup v2: a group's memory.low protects it only as far as every level
 * above protects it.  Gives each level above the WPAR's group the sum of
 * the minimums below it: the project's own levels their memory.low,
 * systemd's scope and slices MemoryLow= (their files are systemd's).
 * Nothing to do on v1. */
int wpar_cgroup_protect_memory(struct wpar_cgroup *cg, wpar_error_t *err);

/* The directory of the group in the hierarchy holding `controller`
 * ("memory", "pids", "cpu", "freezer", ...), where its limits are written;
 * NULL, "" or "unified" ask for the cgroup2 group.  On v2 every controller
 * is in the one group, provided the levels above enabled it (ENOENT
 * otherwise: the host root's subtree_control is not forced). */
int wpar_cgroup_path(struct wpar_cgroup *cg, const char *controller, char **out, wpar_error_t *err);

/* Limits the group to the device nodes of `allow` (NULL-terminated
 * cgroup v1 rules, "c 1:3 rwm"); every other device stays closed to its
 * processes, even one they create a node for: the v1 devices controller,
 * or on cgroup v2 a BPF device program (cgroup_devices.c).  Returns 1
 * when applied, 0 when the host has neither (a test's fake tree). */
int wpar_cgroup_allow_devices(struct wpar_cgroup *cg, const char *const *allow, wpar_error_t *err);
extern const char *const wpar_cgroup_default_devices[];

/* The same in steps, for a system WPAR, whose own process mounts its file
 * systems (loop devices) before it runs anything of the WPAR: the monitor
 * prepares the filter (opens the group, loads the program), the WPAR's
 * process closes the devices once its mounts are made, and before a
 * restart (a reboot) the monitor opens them again while the group is
 * empty. */
struct wpar_device_filter {
	int v1_dir; /* the v1 devices group (O_PATH), or -1 */
	int v2_dir; /* the cgroup2 group, or -1 */
	int prog;   /* the BPF device program, or -1 */
};
#define WPAR_DEVICE_FILTER_INIT                                                                    \
	{                                                                                          \
		-1, -1, -1                                                                         \
	}
int wpar_device_filter_prepare(struct wpar_cgroup *cg, const char *const *allow,
			       struct wpar_device_filter *f, wpar_error_t *err);
bool wpar_device_filter_present(const struct wpar_device_filter *f);
int wpar_device_filter_close(const struct wpar_device_filter *f, const char *const *allow,
			     wpar_error_t *err);
int wpar_device_filter_reopen(const struct wpar_device_filter *f, wpar_error_t *err);
void wpar_device_filter_release(struct wpar_device_filter *f);
#endif
