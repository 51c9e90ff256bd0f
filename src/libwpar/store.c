/* The configuration store: spec files in the configuration directory,
 * per-WPAR state directories, and flock-based locks. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "name.h"
#include "paths.h"
#include "util.h"

int wpar_store_load(const char *name, struct wpar_spec **out, wpar_error_t *err)
{
	if (wpar_name_check(name, NULL) < 0 || !wpar_store_exists(name)) {
		wpar_error_input(err, "0960-419 Could not find a workload partition called %s.",
				 name);
		if (err && *err)
			(*err)->status = ENOENT; /* lets callers tell "missing" apart */
		return -1;
	}
	cleanup_free char *path = wpar_path_spec(name);
	struct wpar_spec *spec = NULL;
	if (wpar_spec_load(path, &spec, err) < 0)
		return -1;
	if (spec->general.name == NULL || strcmp(spec->general.name, name) != 0) {
		wpar_spec_free(spec);
		return wpar_error_input(
		    err, "%s: the general stanza names another workload partition", path);
	}
	*out = spec;
	return 0;
}

static int save(const struct wpar_spec *spec, bool durable, wpar_error_t *err)
{
	const char *name = spec->general.name;
	if (wpar_name_check(name, err) < 0)
		return -1;
	if (mkdir_p(wpar_paths()->confdir, 0755, err) < 0)
		return -1;
	cleanup_free char *path = wpar_path_spec(name);
	cleanup_free char *text = wpar_spec_write(spec);
	return durable ? write_file_atomic(path, text, strlen(text), 0644, err)
		       : write_file_replace(path, text, strlen(text), 0644, err);
}

int wpar_store_save(const struct wpar_spec *spec, wpar_error_t *err)
{
	return save(spec, true, err);
}

int wpar_store_save_transient(const struct wpar_spec *spec, wpar_error_t *err)
{
	return save(spec, false, err);
}

/* Removes a directory tree that only this library writes (state files):
 * plain files and directories, no mount points expected. */
static int remove_state_tree(const char *path, wpar_error_t *err)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return errno == ENOENT ? 0 : wpar_error_errno(err, "cannot open %s", path);
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		cleanup_free char *child = xasprintf("%s/%s", path, de->d_name);
		struct stat st;
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (remove_state_tree(child, err) < 0) {
				r = -1;
				break;
			}
		} else if (unlink(child) < 0 && errno != ENOENT) {
			r = wpar_error_errno(err, "cannot remove %s", child);
			break;
		}
	}
	closedir(d);
	if (r == 0 && rmdir(path) < 0 && errno != ENOENT)
		r = wpar_error_errno(err, "cannot remove %s", path);
	return r;
}

int wpar_store_remove(const char *name, wpar_error_t *err)
{
	cleanup_free char *path = wpar_path_spec(name);
	if (unlink(path) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot remove %s", path);
	cleanup_free char *sdir = wpar_path_statedir(name);
	/* Most WPARs have only their state record there. */
	cleanup_free char *state = wpar_path_state(name);
	if (unlink(state) == 0 && rmdir(sdir) == 0)
		return 0;
	return remove_state_tree(sdir, err);
}

int wpar_store_rename(const char *from, const char *to, wpar_error_t *err)
{
	cleanup_free char *sfrom = wpar_path_statedir(from);
	cleanup_free char *sto = wpar_path_statedir(to);
	if (rename(sfrom, sto) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot rename %s to %s", sfrom, sto);
	cleanup_free char *cfrom = wpar_path_spec(from);
	if (unlink(cfrom) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot remove %s", cfrom);
	return 0;
}

bool wpar_store_exists(const char *name)
{
	if (wpar_name_check(name, NULL) < 0) /* "../x" is no WPAR */
		return false;
	cleanup_free char *path = wpar_path_spec(name);
	return access(path, F_OK) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int wpar_store_list(char ***names, size_t *n, wpar_error_t *err)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(wpar_paths()->confdir);
	if (d == NULL)
		return errno == ENOENT
			   ? 0
			   : wpar_error_errno(err, "cannot open %s", wpar_paths()->confdir);
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= 3 || strcmp(de->d_name + len - 3, ".cf") != 0)
			continue;
		char *name = xstrndup(de->d_name, len - 3);
		if (wpar_name_check(name, NULL) < 0) {
			free(name);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*names = xrealloc(*names, cap * sizeof(char *));
		}
		(*names)[(*n)++] = name;
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof(char *), cmp_names);
	return 0;
}

void wpar_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

char *wpar_store_find_directory(const char *dir, const char *except, wpar_error_t *err)
{
	char **names;
	size_t n;
	if (wpar_store_list(&names, &n, err) < 0)
		return NULL;
	char *found = NULL;
	for (size_t i = 0; i < n && found == NULL; i++) {
		if (except && strcmp(names[i], except) == 0)
			continue;
		struct wpar_spec *spec = NULL;
		if (wpar_store_load(names[i], &spec, NULL) < 0)
			continue;
		if (spec->general.directory && strcmp(spec->general.directory, dir) == 0)
			found = xstrdup(names[i]);
		wpar_spec_free(spec);
	}
	wpar_names_free(names, n);
	return found;
}

struct wpar_lock {
	int fd;
	char *path;
};

/* The file is the lock's name, and the holder of a lock may remove it
 * (wpar_lock_release_remove): whoever waited on the removed file finds,
 * once it holds the flock, that the path names another file or none, and
 * starts over on the current one. */
static int lock_path(const char *path, int flags, struct wpar_lock **out, wpar_error_t *err)
{
	cleanup_free char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	for (;;) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return wpar_error_errno(err, "cannot open lock file %s", path);
		int op = ((flags & WPAR_LOCK_SHARED) ? LOCK_SH : LOCK_EX) |
			 ((flags & WPAR_LOCK_NOWAIT) ? LOCK_NB : 0);
		while (flock(fd, op) < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			if (saved == EWOULDBLOCK)
				return wpar_error_make(err, EBUSY,
						       "another command is working on it");
			return wpar_error_make(err, saved, "cannot lock %s", path);
		}
		struct stat held, now;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino &&
		    held.st_dev == now.st_dev) {
			*out = xmalloc(sizeof(**out));
			(*out)->fd = fd;
			(*out)->path = xstrdup(path);
			return 0;
		}
		close(fd);
	}
}

int wpar_lock_acquire(const char *name, int flags, struct wpar_lock **out, wpar_error_t *err)
{
	cleanup_free char *path = wpar_path_lock(name);
	if (lock_path(path, flags, out, err) < 0)
		return wpar_error_prefix(err, "workload partition %s", name);
	return 0;
}

int wpar_registry_lock(struct wpar_lock **out, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/locks/.registry.lock", wpar_paths()->rundir);
	return lock_path(path, WPAR_LOCK_WAIT, out, err);
}

int wpar_host_lock(const char *what, int flags, struct wpar_lock **out, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/locks/.%s.lock", wpar_paths()->rundir, what);
	return lock_path(path, flags, out, err);
}

void wpar_lock_release(struct wpar_lock *lock)
{
	if (lock == NULL)
		return;
	close(lock->fd);
	free(lock->path);
	free(lock);
}

int wpar_lock_fd(const struct wpar_lock *lock)
{
	return lock->fd;
}

void wpar_lock_release_remove(struct wpar_lock *lock)
{
	if (lock == NULL)
		return;
	unlink(lock->path);
	wpar_lock_release(lock);
}

bool wpar_lock_is_held(const char *name)
{
	cleanup_free char *path = wpar_path_lock(name);
	return flock_is_held(path);
}
