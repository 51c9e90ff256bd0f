/* Preserved file-system groups: what `rmwpar -p` keeps and `mkwpar -p
 * name` attaches to a new WPAR, the Linux form of AIX's mount groups in
 * /etc/filesystems.  A group is a directory <statedir>/preserved/<name>/
 * holding spec.cf (the root directory and mount stanzas) and fs/ (the
 * image files that belonged to the removed WPAR). */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "lifecycle.h"
#include "name.h"
#include "paths.h"
#include "store.h"
#include "util.h"

static char *group_dir(const char *name)
{
	return xasprintf("%s/preserved/%s", wpar_paths()->statedir, name);
}

/* Rewrites mount devs under `from` (a directory prefix) to `to`, moving
 * the files. */
static int move_images(struct wpar_spec *spec, const char *from, const char *to, bool rename_files,
		       wpar_error_t *err)
{
	size_t flen = strlen(from);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct wpar_mount *m = &spec->mounts[i];
		if (m->dev == NULL || strncmp(m->dev, from, flen) != 0 || m->dev[flen] != '/')
			continue;
		char *dst = xasprintf("%s%s", to, m->dev + flen);
		if (rename_files && mkdir_p(to, 0700, err) < 0) {
			free(dst);
			return -1;
		}
		if (rename_files && rename(m->dev, dst) < 0) {
			int saved = errno;
			free(dst);
			return wpar_error_make(err, saved, "cannot move %s to %s", m->dev, to);
		}
		free(m->dev);
		m->dev = dst;
	}
	return 0;
}

int wpar_preserve_save(struct wpar_spec *spec, wpar_error_t *err)
{
	const char *name = spec->general.name;
	cleanup_free char *dir = group_dir(name);
	if (path_exists(dir))
		return wpar_error_input(err,
					"a preserved file-system group called %s already exists "
					"(%s); attach it with mkwpar -p %s first",
					name, dir, name);
	cleanup_free char *sdir = wpar_path_statedir(name);
	cleanup_free char *from = xasprintf("%s/fs", sdir);
	cleanup_free char *to = xasprintf("%s/fs", dir);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	/* The group keeps only what describes the file systems. */
	cleanup_spec struct wpar_spec *group = wpar_spec_new();
	wpar_spec_append(group, WPAR_ST_GENERAL);
	group->general.name = xstrdup(name);
	group->general.directory = xstrdup(spec->general.directory);
	if (spec->general.privateusr)
		group->general.privateusr = xstrdup(spec->general.privateusr);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		size_t j = wpar_spec_append(group, WPAR_ST_MOUNT);
		struct wpar_mount *src = &spec->mounts[i], *dst = &group->mounts[j];
		dst->directory = xstrdup(src->directory);
#define COPY(f) dst->f = src->f ? xstrdup(src->f) : NULL
		COPY(vfs);
		COPY(dev);
		COPY(size);
		COPY(mode);
		COPY(mountopts);
		COPY(host);
#undef COPY
	}
	if (move_images(group, from, to, true, err) < 0)
		return -1;
	cleanup_free char *text = wpar_spec_write(group);
	cleanup_free char *path = xasprintf("%s/spec.cf", dir);
	if (write_file_atomic(path, text, strlen(text), 0600, err) < 0)
		return -1;
	/* The WPAR's spec now points at the moved images too. */
	return move_images(spec, from, to, false, err);
}

int wpar_preserve_load(const char *name, struct wpar_spec **out, wpar_error_t *err)
{
	if (wpar_name_check(name, NULL) < 0)
		return wpar_error_input(err, "'%s' is not a preserved group name", name);
	cleanup_free char *dir = group_dir(name);
	cleanup_free char *path = xasprintf("%s/spec.cf", dir);
	if (!path_exists(path))
		return wpar_error_input(
		    err, "there is no preserved file-system group called %s (rmwpar -p leaves one)",
		    name);
	return wpar_spec_load(path, out, err);
}

int wpar_preserve_adopt(struct wpar_spec *spec, const char *group, wpar_error_t *err)
{
	cleanup_free char *dir = group_dir(group);
	cleanup_free char *from = xasprintf("%s/fs", dir);
	cleanup_free char *sdir = wpar_path_statedir(spec->general.name);
	cleanup_free char *to = xasprintf("%s/fs", sdir);
	if (move_images(spec, from, to, true, err) < 0)
		return -1;
	cleanup_free char *path = xasprintf("%s/spec.cf", dir);
	unlink(path);
	rmdir(from);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot remove %s", dir);
	return 0;
}
