/* Creating, changing and removing WPAR definitions and their file
 * systems: what mkwpar, chwpar and rmwpar do, as library calls that the
 * WPAR Manager agent will make too. */
#ifndef WPAR_LIFECYCLE_H
#define WPAR_LIFECYCLE_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "spec.h"

/* Completes a spec the way mkwpar does: host name = name, the default root
 * directory, a new UUID, the general flags written out, the default file
 * systems of a system WPAR, jfs2 as the default vfs of -M. */
int wpar_spec_fill_defaults(struct wpar_spec *spec, wpar_error_t *err);

/* The defaults of one mount stanza (mkwpar -M, chwpar -M): vfs jfs2,
 * and a size for an image that has neither a size nor a device. */
void wpar_mount_fill_defaults(struct wpar_mount *m);

/* Turns an existing WPAR's spec into a template for another (-e): drops
 * what identifies the original (name, UUID, its root directory and host
 * name when they were derived from its name, the images it owns). */
void wpar_spec_make_template(struct wpar_spec *spec);

struct wpar_create_opts {
	bool verbose;
	bool force;                     /* -F */
	bool copy_nameres;              /* -r */
	const char *preserve_name;      /* -p name: a group left by rmwpar -p */
	const char *root_password_hash; /* -P */
	FILE *progress;                 /* AIX-style progress lines, or NULL */
};

/* Validates, then creates the WPAR: its definition, its file systems and
 * their content.  A failure at any step (or SIGINT/SIGTERM) undoes all of
 * it; a crash leaves a Transitional record that lswpar shows as Broken and
 * `rmwpar -F` removes. */
int wpar_create(struct wpar_spec *spec, const struct wpar_create_opts *opts, wpar_error_t *err);

/* The checks of wpar_create that need no change on the host (also run by
 * `mkwpar -w`: only spec-level ones when `write_only`). */
int wpar_create_check(const struct wpar_spec *spec, const struct wpar_create_opts *opts,
		      bool write_only, wpar_error_t *err);

struct wpar_remove_opts {
	bool force;    /* -F: remove a Broken WPAR, unmount leftovers */
	bool preserve; /* -p: keep the file systems for mkwpar -p */
	bool verbose;
	FILE *progress;
};

int wpar_remove(const char *name, const struct wpar_remove_opts *opts, wpar_error_t *err);

/* Preserved file-system groups (rmwpar -p, mkwpar -p name). */
int wpar_preserve_save(struct wpar_spec *spec, wpar_error_t *err);
int wpar_preserve_load(const char *name, struct wpar_spec **out, wpar_error_t *err);
/* Moves a preserved group's images into the new WPAR's state directory,
 * takes its mounts and root directory into `spec`, and drops the record. */
int wpar_preserve_adopt(struct wpar_spec *spec, const char *group, wpar_error_t *err);

/* Runs a host-side script with the WPAR's name and root directory as
 * arguments (mkwpar -k, the -u start/stop script); returns its exit
 * status, or -1 with *err set when it could not be run. */
int wpar_run_script(const char *script, const char *name, const char *dir, const char *extra_arg,
		    wpar_error_t *err);

#endif

/* chwpar's work. */
struct wpar_stanza_edit {
	enum wpar_stanza_kind kind;
	char **words;
	size_t n_words;
	bool remove; /* -K */
};

struct wpar_change {
	const char *new_name;           /* -n */
	const char *hostname;           /* -h */
	int autostart;                  /* -A / -K -A; -1 = unchanged */
	int checkpointable;             /* -c / -K -c */
	int routing;                    /* -i / -K -i */
	const char *script;             /* -u */
	bool clear_script;              /* -K -u */
	const char *uuid;               /* -U UUID */
	const char *init;               /* --init wpar|system */
	bool new_uuid;                  /* -U alone */
	const char *root_password_hash; /* -P */
	struct wpar_stanza_edit *edits;
	size_t n_edits;
	bool force;
	FILE *progress;
};

int wpar_change(const char *name, const struct wpar_change *change, wpar_error_t *err);

/* startwpar's work: spawn the monitor and wait until the WPAR's init
 * runs. */
struct wpar_start_opts {
	bool verbose;
	bool maintenance; /* -m: no boot script (and, later, no network) */
	FILE *progress;
	/* restartwpar: the WPAR's processes come back from this checkpoint
	 * (checkpoint.h) instead of a boot. */
	const char *restore_dir;
	const char *restore_log;
	bool restore_debug;
	bool restore_paused;
};
int wpar_start(const char *name, const struct wpar_start_opts *opts, wpar_error_t *err);

/* stopwpar's work: an orderly stop through the WPAR's init, a sweep after
 * the timeout; with force, recovery of a Broken WPAR. */
struct wpar_stop_opts {
	long timeout; /* seconds; -1: wait as long as it takes (-N) */
	bool force;
	bool verbose;
	FILE *progress;
};
int wpar_stop(const char *name, const struct wpar_stop_opts *opts, wpar_error_t *err);

/* Where the project's helper programs are (wpar-monitor, wpar-init):
 * $WPAR_LIBEXECDIR, the directory of the running command, the build
 * tree's src/init, then the installed libexec directory. */
char *wpar_helper_path(const char *prog);
