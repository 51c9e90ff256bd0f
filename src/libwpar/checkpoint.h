/* Checkpoint and restart of WPARs with CRIU (AIX: chkptwpar, restartwpar,
 * resumewpar, killwpar; docs/mapping-checkpoint.md).  Application WPARs
 * (wparexec -c) are restored by their new monitor, appwpar.c.
 *
 * A checkpoint freezes the WPAR's cgroup (state F), has CRIU dump the
 * process tree of its init with every namespace, and writes what a
 * restart needs beside CRIU's images (wpar.ckpt: the WPAR's name, the
 * mounts that are the host's, the console).  A restart starts the WPAR's
 * monitor in restore mode: it builds the cgroup and console as for a start
 * and has CRIU restore the tree as its own child. */
#ifndef WPAR_CHECKPOINT_H
#define WPAR_CHECKPOINT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "rootfs.h"
#include "spec.h"

/* The exit statuses of AIX's commands (chkptwpar(1) and others). */
enum wpar_ckpt_exit {
	WPAR_CKPT_OK = 0,
	WPAR_CKPT_EARGS = 1,
	WPAR_CKPT_EINTERNAL = 4,
	WPAR_CKPT_EAGAIN = 6,     /* some processes cannot be checkpointed now */
	WPAR_CKPT_ECANNOT = 7,    /* a resource cannot be checkpointed */
	WPAR_CKPT_EROOT = 8,      /* root only */
	WPAR_CKPT_EUNKNOWN = 16,  /* no such WPAR (or not in the right state) */
	WPAR_CKPT_EBUSY = 17,     /* busy; for resume/kill: not frozen/paused */
	WPAR_CKPT_ENOTCKPT = 19,  /* not checkpointable */
	WPAR_CKPT_EPATH = 21,     /* invalid state directory */
	WPAR_CKPT_ENOTEMPTY = 23, /* the state directory is not empty */
	WPAR_CKPT_EACCESS = 24,   /* the state directory cannot be created */
	WPAR_CKPT_ECORRUPT = 25,  /* the state directory is corrupt or foreign */
	WPAR_CKPT_ELOGPATH = 26,  /* invalid log file path */
};

enum wpar_ckpt_after { WPAR_CKPT_CONTINUE, WPAR_CKPT_KILL, WPAR_CKPT_PAUSE };

/* The command line chkptwpar and restartwpar share: one WPAR name, -d
 * statedir (required), -o logfile (an absolute path) and -l debug|error
 * (only with -o).  Returns 0, or the exit status of a bad line with *err
 * saying why (WPAR_CKPT_EARGS: the caller shows its usage too). */
struct wpar_cmdline;
struct wpar_ckpt_args {
	const char *name, *dir, *log;
	bool debug;
};
int wpar_ckpt_parse_args(const struct wpar_cmdline *cl, struct wpar_ckpt_args *a,
			 wpar_error_t *err);

struct wpar_ckpt_opts {
	const char *dir; /* -d: absolute; created, or empty */
	const char *log; /* -o: CRIU's log there (default: dump.log in dir) */
	bool debug;      /* -l debug */
	enum wpar_ckpt_after after;
	FILE *progress;
};

/* What a checkpointable system WPAR may not have (file systems on images
 * or NFS, so far): checked when the flag is set (mkwpar -c, chwpar -c, a
 * file system added to a checkpointable WPAR) and by chkptwpar.  Nothing
 * to check for a WPAR that is not checkpointable, or an application one
 * (chkptwpar refuses those itself). */
int wpar_ckpt_check_plan(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			 wpar_error_t *err);

/* chkptwpar.  On failure *code is the command's exit status. */
int wpar_checkpoint(const char *name, const struct wpar_ckpt_opts *o, int *code, wpar_error_t *err);

struct wpar_restart_opts {
	const char *dir;
	const char *log;
	bool debug;
	bool paused; /* -p: Paused (P) after the restore */
	FILE *progress;
	/* Out, for an application WPAR's checkpoint: restartwpar ran it to
	 * its end (AIX) and *app_wstatus is its command's wait status. */
	bool *app_ran;
	int *app_wstatus;
};
/* restartwpar: a Defined WPAR back from a state directory. */
int wpar_restart(const char *name, const struct wpar_restart_opts *o, int *code, wpar_error_t *err);

/* resumewpar (Frozen or Paused -> Active) and killwpar (Paused ->
 * stopped, the saved state discarded). */
int wpar_resume(const char *name, int *code, wpar_error_t *err);
int wpar_kill_paused(const char *name, int *code, wpar_error_t *err);

/* The monitor's part of a restart: CRIU restores the tree from `dir` as
 * the caller's child, with the WPAR's root, the host's mounts of `plan`
 * and the console pty slave `console_fd` (its host path `console_path`);
 * *init_pid is the restored init. */
int wpar_ckpt_restore_tree(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			   const char *dir, const char *log, bool debug, int console_fd,
			   const char *console_path, pid_t *init_pid, wpar_error_t *err);

/* An application WPAR's tree back from `dir` as the caller's child
 * (restartwpar, wparexec's monitor role): the host's mounts as they are
 * now, `console_fd` for the console pty of the dump, `status_fd` for the
 * write end of the init's status pipe. */
int wpar_ckpt_restore_app(const struct wpar_spec *spec, const char *dir, const char *log,
			  bool debug, int console_fd, int status_fd, pid_t *init_pid,
			  wpar_error_t *err);

/* The definition an application WPAR's checkpoint keeps (wpar.cf): the
 * WPAR lived only as long as its command, restartwpar makes it again. */
int wpar_ckpt_saved_definition(const char *dir, struct wpar_spec **spec, int *code,
			       wpar_error_t *err);

/* In the run directory of an application WPAR while chkptwpar -k dumps
 * it: its monitor then knows why the init ended. */
#define WPAR_CKPT_KILL_MARK "checkpoint-kill"

/* A checkpointable WPAR runs in a time namespace of its own, so that
 * CRIU carries its clocks: CLOCK_MONOTONIC and CLOCK_BOOTTIME go on after
 * a restart from where they were at the checkpoint (the time between is
 * not seen inside), as they will have to after a move to another host.
 * Called by the monitor before it clones the WPAR's init: the monitor
 * stays in the host's, its children go into the new one. */
int wpar_ckpt_time_namespace(wpar_error_t *err);

#endif
