/* The monitor of a running system WPAR (AIX's cor_<name>); see runtime.h
 * for the process model and the control protocol. */
#ifndef WPAR_MONITOR_H
#define WPAR_MONITOR_H

#include <stdbool.h>

struct wpar_monitor_opts {
	const char *name;
	bool maintenance;      /* startwpar -m: no boot script */
	int status_fd;         /* lines to startwpar: "msg <text>", "ok <pid>", "err <text>" */
	const char *init_path; /* the project's init binary */
	/* restartwpar: restore from a checkpoint instead of booting. */
	const char *restore_dir;
	const char *restore_log;
	bool restore_debug;
	bool restore_paused;
};

/* Runs the WPAR until it halts; returns the monitor's exit status. */
int wpar_monitor_run(const struct wpar_monitor_opts *o);

#endif
