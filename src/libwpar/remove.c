/* rmwpar's work: remove a WPAR's definition and the file systems it owns,
 * or keep them as a preserved group (-p). */
#include <errno.h>
#include <string.h>

#include "fsimage.h"
#include "lifecycle.h"
#include "paths.h"
#include "rootfs.h"
#include "state.h"
#include "steps.h"
#include "store.h"
#include "util.h"

static bool state_allows_removal(enum wpar_state s, const struct wpar_remove_opts *o,
				 const char *name, const struct wpar_state_record *rec,
				 wpar_error_t *err)
{
	switch (s) {
	case WPAR_DEFINED:
		return true;
	case WPAR_BROKEN:
		if (o->force)
			return true;
		wpar_error_input(err,
				 "workload partition %s is Broken (%s); use rmwpar -F to remove it",
				 name, rec->reason[0] ? rec->reason : "no reason recorded");
		return false;
	default:
		wpar_error_input(err, "workload partition %s is %s; stop it first or use rmwpar -s",
				 name, wpar_state_word(s));
		return false;
	}
}

static void list_removals(const struct wpar_fs_plan *plan, const struct wpar_remove_opts *o)
{
	if (o->progress == NULL)
		return;
	for (size_t i = plan->n; i > 0; i--) {
		const struct wpar_fs *fs = &plan->fs[i - 1];
		if (fs->kind == WPAR_FS_BIND || fs->kind == WPAR_FS_NFS ||
		    fs->kind == WPAR_FS_TMPFS)
			continue;
		fprintf(o->progress, "rmwpar: Removing file system %s.\n", fs->mountpoint);
	}
	fflush(o->progress);
}

/* rmwpar -F: what a crashed command left mounted under the root (its
 * own images, mounted for population) goes first, deepest first.  Only
 * this mount namespace is looked at: a running WPAR's mounts live in its
 * own and are the runtime's to undo. */
static int unmount_leftovers(const struct wpar_spec *spec, wpar_error_t *err)
{
	char **mounts = NULL;
	size_t n = 0;
	if (spec->general.directory == NULL || strcmp(spec->general.directory, "/") == 0)
		return 0;
	if (wpar_mounts_under(spec->general.directory, &mounts, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = n; i > 0 && r == 0; i--) {
		fprintf(stderr, "rmwpar: unmounting %s, left by an earlier command\n",
			mounts[i - 1]);
		r = wpar_fs_umount(mounts[i - 1], err);
	}
	wpar_strv_free(mounts, n);
	return r;
}

static int remove_locked(const char *name, const struct wpar_remove_opts *o, wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *spec = NULL;
	wpar_error_t lerr = NULL;
	if (wpar_store_load(name, &spec, &lerr) < 0) {
		if (lerr->status == ENOENT || !o->force) {
			*err = lerr;
			return -1;
		}
		/* -F on a spec file that no longer parses: the file systems
		 * cannot be known, so only the definition goes. */
		fprintf(stderr, "rmwpar: warning: %s; removing only the definition\n", lerr->msg);
		wpar_error_release(&lerr);
		return wpar_store_remove(name, err);
	}
	struct wpar_state_record rec;
	enum wpar_state s = wpar_state_effective_locked(name, &rec);
	if (!state_allows_removal(s, o, name, &rec, err))
		return -1;
	if (wpar_state_set(name, WPAR_TRANSITIONAL, "remove", err) < 0)
		return -1;
	struct wpar_fs_plan *plan = NULL;
	/* Lenient: a namefs source that disappeared must not block removal. */
	int r = wpar_fs_plan_build_flags(spec, WPAR_FS_PLAN_LENIENT, &plan, err);
	if (r == 0 && o->force && wpar_spec_type(spec) == WPAR_SYSTEM)
		r = unmount_leftovers(spec, err);
	if (r == 0 && wpar_spec_type(spec) == WPAR_SYSTEM) {
		if (o->preserve) {
			r = wpar_step("preserve", err);
			if (r == 0)
				r = wpar_preserve_save(spec, err);
		} else {
			list_removals(plan, o);
			r = wpar_step("destroy", err);
			if (r == 0)
				r = wpar_rootfs_destroy(spec, plan, err);
		}
	}
	wpar_fs_plan_free(plan);
	if (r == 0)
		r = wpar_step("unregister", err);
	if (r == 0)
		return wpar_store_remove(name, err);
	/* Keep the definition so that the next rmwpar -F can finish. */
	struct wpar_state_record broken = {.state = WPAR_BROKEN, .pid = getpid()};
	snprintf(broken.op, sizeof(broken.op), "remove");
	snprintf(broken.reason, sizeof(broken.reason), "removal failed: %s",
		 (err && *err) ? (*err)->msg : "unknown error");
	wpar_state_write(name, &broken, NULL);
	return -1;
}

int wpar_remove(const char *name, const struct wpar_remove_opts *o, wpar_error_t *err)
{
	if (!wpar_store_exists(name))
		return wpar_store_load(name, NULL, err);
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_WAIT, &lock, err) < 0)
		return -1;
	struct wpar_signal_guard guard;
	wpar_signals_hold(&guard);
	int r = remove_locked(name, o, err);
	if (r == 0) {
		wpar_lock_release_remove(lock);
		lock = NULL;
	}
	wpar_signals_restore(&guard);
	return r;
}
