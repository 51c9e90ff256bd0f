/* Where WPAR for Linux keeps things on the host.  Each directory can be
 * moved with an environment variable, which the test suite uses to run
 * without touching the host's own configuration:
 *   WPAR_CONFDIR   /etc/wpars        spec files (<name>.cf), devexports
 *   WPAR_STATEDIR  /var/lib/wpar     persistent state (state files,
 *                                    file-system images, preserved groups)
 *   WPAR_RUNDIR    /run/wpar         locks and runtime state
 *   WPAR_BASEDIR   /wpars            default parent of WPAR roots
 *   WPAR_LOGDIR    /var/log/wpar     logs */
#ifndef WPAR_PATHS_H
#define WPAR_PATHS_H

struct wpar_paths {
	const char *confdir;
	const char *statedir;
	const char *rundir;
	const char *basedir;
	const char *logdir;
};

const struct wpar_paths *wpar_paths(void);

/* Newly allocated paths of one WPAR's files. */
char *wpar_path_spec(const char *name);         /* confdir/<name>.cf */
char *wpar_path_statedir(const char *name);     /* statedir/wpars/<name> */
char *wpar_path_state(const char *name);        /* .../<name>/state */
char *wpar_path_lock(const char *name);         /* rundir/locks/<name>.lock */
char *wpar_path_default_root(const char *name); /* basedir/<name> */

#endif
