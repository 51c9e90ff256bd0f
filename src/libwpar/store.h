/* The configuration store: one spec file per WPAR in the configuration
 * directory, a state record per WPAR, and per-WPAR locks that serialise
 * every command that changes a WPAR. */
#ifndef WPAR_STORE_H
#define WPAR_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "spec.h"

/* Loads /etc/wpars/<name>.cf.  A missing WPAR fails with status ENOENT and
 * AIX's message "0960-419 Could not find a workload partition called X." */
int wpar_store_load(const char *name, struct wpar_spec **out, wpar_error_t *err);

/* Writes the spec file of spec->general.name atomically. */
int wpar_store_save(const struct wpar_spec *spec, wpar_error_t *err);
/* The same without fsync, for the definition of an application WPAR that
 * lives only as long as its command (a host crash may lose it, which is
 * what its end would have done). */
int wpar_store_save_transient(const struct wpar_spec *spec, wpar_error_t *err);

/* Removes the spec file and the state directory of a WPAR. */
int wpar_store_remove(const char *name, wpar_error_t *err);

/* Renames the spec file and state directory; the caller holds both locks. */
int wpar_store_rename(const char *from, const char *to, wpar_error_t *err);

bool wpar_store_exists(const char *name);

/* Names of all defined WPARs, sorted. */
int wpar_store_list(char ***names, size_t *n, wpar_error_t *err);
void wpar_names_free(char **names, size_t n);

/* Finds the WPAR (other than `except`) whose root directory is `dir`;
 * returns its name (allocated) or NULL. */
char *wpar_store_find_directory(const char *dir, const char *except, wpar_error_t *err);

/* Per-WPAR lock (flock on a file in the run directory: released by the
 * kernel when the holder dies, so a crash never leaves a stale lock). */
struct wpar_lock;
enum { WPAR_LOCK_WAIT = 0, WPAR_LOCK_NOWAIT = 1, WPAR_LOCK_SHARED = 2 };
int wpar_lock_acquire(const char *name, int flags, struct wpar_lock **out, wpar_error_t *err);
void wpar_lock_release(struct wpar_lock *lock);
/* The descriptor that holds the lock: a child that must not keep the
 * lock after its parent released it closes it. */
int wpar_lock_fd(const struct wpar_lock *lock);
/* Releases the lock and removes its file (for a WPAR that no longer
 * exists, so that names used once do not pile up). */
void wpar_lock_release_remove(struct wpar_lock *lock);
static inline void wpar_lock_releasep(struct wpar_lock **l)
{
	if (*l)
		wpar_lock_release(*l);
}
#define cleanup_lock __attribute__((cleanup(wpar_lock_releasep)))

/* True when some process holds the WPAR's lock right now. */
bool wpar_lock_is_held(const char *name);

/* The global registry lock, held only while a name or a directory is
 * claimed (mkwpar, chwpar -n), so that two creations cannot take the same
 * name or root directory. */
int wpar_registry_lock(struct wpar_lock **out, wpar_error_t *err);
/* A host-wide lock named `what` (rundir/locks/.<what>.lock) over one
 * rule that spans WPARs ("minimums", "rsets"): held only around that
 * rule's check and commit.  `flags`: WPAR_LOCK_SHARED for readers of
 * the rule (several may hold it), else exclusive. */
int wpar_host_lock(const char *what, int flags, struct wpar_lock **out, wpar_error_t *err);

#endif
