/* File-system images and block devices behind a WPAR's jfs2-style mount
 * stanzas: where images live, creating them, attaching them to loop
 * devices and mounting them; and the small path and mount-table helpers
 * every file-system module needs.  Internal to libwpar; the runtime uses
 * the mount helpers when it starts a WPAR. */
#ifndef WPAR_FSIMAGE_H
#define WPAR_FSIMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "rootfs.h"

/* Mount points at or below `dir` in this mount namespace, from
 * /proc/self/mountinfo (escapes decoded), in mountinfo order. */
int wpar_mounts_under(const char *dir, char ***out, size_t *n, wpar_error_t *err);
void wpar_strv_free(char **v, size_t n);

/* True when `path` is a mount point (something is mounted on it). */
bool wpar_is_mountpoint(const char *path);

/* True when `path` is `dir` or lies below it; both must be normalised
 * absolute paths (no "//", no trailing "/", no "." or ".."). */
bool wpar_path_under(const char *path, const char *dir);

/* The Linux type that AIX's jfs2/jfs/local mean on this host: the type of
 * the file system holding the state directory when it is ext4, xfs or
 * btrfs, else ext4.  Never NULL. */
const char *wpar_fs_native_type(void);

/* "/" -> "root", "/var" -> "var", "/usr/local" -> "usr_local". */
char *wpar_fs_image_slug(const char *directory);
/* <statedir>/wpars/<name>/fs */
char *wpar_fs_image_dir(const char *name);
/* <statedir>/wpars/<name>/fs/<slug>.img */
char *wpar_fs_image_path(const char *name, const char *directory);

/* Creates a sparse image file of `size` bytes holding an empty file
 * system of `fstype`.  An existing file is replaced only if no loop
 * device uses it.  On failure nothing is left behind. */
int wpar_fs_image_create(const char *path, const char *fstype, unsigned long long size,
			 wpar_error_t *err);

/* "/dev/loopN" if a loop device is backed by `image`, else NULL. */
char *wpar_loop_find(const char *image);

/* Mount options as the mountopts attribute spells them ("ro,noexec")
 * split into mount(2) flags and the data string for the file system. */
int wpar_mount_options(const char *opts, unsigned long *flags, char **data, wpar_error_t *err);

/* Mounts an image or block-device entry at `target` (which must exist).
 * Image files go through a loop device that detaches itself when the
 * file system is unmounted, so nothing leaks if the caller dies. */
int wpar_fs_mount_image(const struct wpar_fs *fs, const char *target, wpar_error_t *err);

/* Unmounts `target`, retrying briefly while it is busy. */
int wpar_fs_umount(const char *target, wpar_error_t *err);

#endif
