/* Building the inside of a system WPAR: what the monitor's cloned child
 * does, as PID 1 of the new PID namespace, between clone and exec of the
 * WPAR's init.  In order: mounts of the WPAR's file systems (in its own
 * mount namespace, so the host never sees them and they vanish with it),
 * a private /dev, pivot_root, /proc and a read-only /sys, host name,
 * loopback, confinement, exec. */
#ifndef WPAR_SPAWN_H
#define WPAR_SPAWN_H

#include <stdbool.h>

#include "error.h"
#include "resources.h"
#include "rootfs.h"
#include "spec.h"

struct wpar_device_filter;
struct wpar_idrange;

/* The device nodes every WPAR has in its /dev. */
#define WPAR_SPAWN_DEV_NODES 6

struct wpar_spawn {
	const struct wpar_spec *spec;
	const struct wpar_fs_plan *plan;
	int console_fd;           /* pty slave: init's stdio and /dev/console */
	const char *console_path; /* its name on the host, /dev/pts/N */
	int init_exec_fd;         /* the project's init (static binary), or -1 */
	const char *init_inside;  /* or its copy's path inside the WPAR */
	bool system_init;         /* exec the WPAR's own /sbin/init instead */
	bool maintenance;         /* startwpar -m */
	int sync_fd;              /* to the monitor; close-on-exec */
	/* The device filter (cgroup.h), applied once the mounts are made. */
	const struct wpar_device_filter *devices;
	/* Resource controls that are put in force inside (rlimits, IPC ids,
	 * the PTY count of the WPAR's devpts). */
	const struct wpar_limits *limits;
	const struct wpar_host_resources *host;
	/* A user namespace of its own with this range (userns.h), or NULL:
	 * then the cloned child is a first stage that mounts, then makes the
	 * WPAR's init as the monitor's child and sends "pid N" on sync_fd
	 * (the init then waits for the go itself). */
	const struct wpar_idrange *idrange;
	/* Progress lines for startwpar -v ("Mounting /wpars/w1/var"). */
	void (*progress)(void *data, const char *line);
	void *progress_data;
};

/* Never returns on success.  On failure the error is for the monitor to
 * report; the child then exits. */
int wpar_spawn_child(const struct wpar_spawn *s, wpar_error_t *err);

/* Masks or makes read-only what of the kernel's /proc a WPAR must not
 * use (needs a /proc of the WPAR's own mounted at /proc). */
int wpar_spawn_protect_proc(wpar_error_t *err);

/* A devpts instance of the WPAR's own on /dev/pts (totalPTYs: it refuses
 * the pty after the last one allowed; 0 or less: no limit).  -1 and errno
 * on failure. */
int wpar_spawn_mount_devpts(long long max_ptys);

/* Brings up the loopback of the network namespace the caller is in. */
int wpar_spawn_loopback_up(wpar_error_t *err);

/* Namespaces of a system WPAR (the cgroup namespace is entered by the
 * child itself, once the monitor has put it into the WPAR's cgroup).
 * With a user namespace the monitor's clone makes only the first
 * stage's mount namespace (WPAR_SPAWN_STAGE_FLAGS). */
#define WPAR_SPAWN_STAGE_FLAGS CLONE_NEWNS
#define WPAR_SPAWN_CLONE_FLAGS                                                                     \
	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

#endif
