/* Application WPARs (wparexec): one command and its children, isolated
 * from the rest of the host while sharing its file systems and users,
 * for as long as the command runs.
 *
 * Process model.  The process that runs wparexec is the WPAR's monitor
 * (no daemon: it holds monitor.lock and monitor.sock like cor_<name> does
 * for a system WPAR, so lswpar, stopwpar and clogin see the same things).
 * It clones the WPAR's init (PID 1 of new PID, mount, UTS, IPC, network
 * and cgroup namespaces: a small reaper, a fork of wparexec that never
 * execs), which forks the command.  The command keeps wparexec's stdin,
 * stdout, stderr, terminal, process group, environment and working
 * directory.  A watcher (a fork of wparexec in its own session) removes
 * what is left if wparexec itself is killed.  See docs/mapping-appwpar.md. */
#ifndef WPAR_APPWPAR_H
#define WPAR_APPWPAR_H

#include <stdbool.h>
#include <stdio.h>
#include <signal.h>

#include "cgroup.h"
#include "error.h"
#include "resources.h"
#include "spec.h"
#include "store.h"

struct wpar_app_opts {
	/* The command; NULL: the spec's `application`, through /bin/sh -c. */
	char *const *argv;
	/* The command's environment (NULL: a minimal one). */
	char *const *envp;
	/* A kept definition (wparexec -c -1, started by startwpar): the
	 * caller holds the WPAR's lock, and the WPAR goes back to Defined
	 * at the end instead of disappearing. */
	bool definition;
	int status_fd;  /* startwpar's status pipe ("msg", "ok", "err" lines), or -1 */
	FILE *progress; /* AIX-style progress lines (-v), or NULL */
	/* A checkpointable WPAR's console (its command's output): copied to
	 * the console log too (wparexec, restartwpar), not only to stdout. */
	bool console_log;
	/* The WPAR's lock, held by the caller; released once it runs. */
	struct wpar_lock *lock;
	/* restartwpar: the tree comes back from this checkpoint instead of
	 * a new command. */
	const char *restore_dir, *restore_log;
	bool restore_debug, restore_paused;
	/* Out: the WPAR ended by chkptwpar -k (its command's status then
	 * means nothing). */
	bool *checkpointed;
};

/* What wparexec's exit status must say of an error before the command
 * ran: 127 command not found, 126 not executable, 125 anything else;
 * 124: the WPAR was checkpointed and stopped (chkptwpar -k). */
enum {
	WPAR_APP_EXIT_CHECKPOINTED = 124,
	WPAR_APP_EXIT_FAILED = 125,
	WPAR_APP_EXIT_NOEXEC = 126,
	WPAR_APP_EXIT_NOTFOUND = 127,
};

/* Finds the command as a shell would (PATH search when it has no '/').
 * Fails with status ENOENT (not found) or EACCES (not executable). */
int wpar_app_resolve(const char *command, char **path, wpar_error_t *err);

/* A free WPAR name for a command: its base name (letters, digits and '-'
 * only), '-', a number: always valid as a WPAR name and a host name. */
char *wpar_app_generate_name(const char *command);

/* `application` for a spec: the words quoted for /bin/sh. */
char *wpar_app_command_line(char *const *words);

/* Completes and checks an application WPAR's spec (directory "/", no
 * attribute of system WPARs, -M dependencies of the allowed kinds). */
int wpar_app_check(struct wpar_spec *spec, wpar_error_t *err);

/* wparexec -c -1: writes the definition (Defined, type A). */
int wpar_app_define(struct wpar_spec *spec, wpar_error_t *err);

/* Runs the WPAR to its end: claims the name (unless o->definition),
 * makes the -M dependencies, starts the command, serves stopwpar, and
 * removes the WPAR when the command has ended.  *wstatus is the
 * command's wait status.  Fails (nothing left behind) when the WPAR
 * could not be started. */
int wpar_app_run(struct wpar_spec *spec, const struct wpar_app_opts *o, int *wstatus,
		 wpar_error_t *err);

/* Ends the calling command the way an application WPAR's command ended
 * (its exit status, or the same signal, without a core). */
int wpar_app_exit_like(int status);

/* restartwpar of an application WPAR: the WPAR again from its
 * checkpoint, under the caller as its monitor (AIX: restartwpar returns
 * when the WPAR ends, with its command's status in *wstatus).  A WPAR
 * that no longer exists (it lived only as long as its command) is made
 * again from the definition saved in the checkpoint. */
int wpar_app_restart(const char *name, const char *dir, const char *log, bool debug, bool paused,
		     int *wstatus, int *code, wpar_error_t *err);

/* The monitor of a kept definition that startwpar runs (wpar-monitor
 * --app): no terminal, the command's output in the WPAR's console log;
 * the WPAR goes back to Defined when the command ends.  Returns the
 * monitor's exit status. */
int wpar_app_monitor_run(const char *name, int status_fd);

/* Removes what an application WPAR whose monitor died left: processes,
 * cgroup, runtime directory, and (for one that was not a kept definition)
 * the definition.  The caller holds the WPAR's lock. */
int wpar_app_reap(const char *name, wpar_error_t *err);

/* ---- internal: the WPAR's init (appinit.c) ---- */
/* The sigqueue() value that marks a signal the monitor passes on to the
 * command (the init passes on only these). */
#define WPAR_APP_SIGNAL_MARK 0x57504152 /* "WPAR" */
struct wpar_app_child {
	const struct wpar_spec *spec;
	const char *path; /* resolved command */
	char *const *argv;
	char *const *envp;
	sigset_t command_mask; /* the signal mask the command starts with */
	int sync_fd;           /* to the monitor: "err <text>"; closes at the command's exec */
	int status_fd;         /* to the monitor: the command's wait status (an int) */
	struct wpar_cgroup *cg;
	bool born_inside;                 /* in the cgroup2 group from the clone on */
	int monitor_fds[7];               /* the monitor's own (its locks, socket, ...): closed */
	const struct wpar_limits *limits; /* resource controls put in force inside */
	const struct wpar_host_resources *host;
	int console_fd;          /* checkpointable: the monitor's pty slave; else -1 */
	const char *reaper_path; /* checkpointable: what the init execs (wpar-monitor) */
};
/* Never returns. */
void wpar_app_child_main(const struct wpar_app_child *c) __attribute__((noreturn));
/* The checkpointable init after its exec (wpar-monitor --app-init). */
void wpar_app_reaper_main(pid_t command, int status_fd) __attribute__((noreturn));

/* ---- internal: -M dependencies (appdeps.c) ---- */
/* Mounts the dependencies that are not mounted yet; on failure undoes
 * its own mounts.  *made lists what it mounted (for wpar_app_deps_undo). */
int wpar_app_deps_mount(const struct wpar_spec *spec, char ***made, size_t *n_made, FILE *progress,
			wpar_error_t *err);
void wpar_app_deps_undo(char **made, size_t n_made);

#endif
