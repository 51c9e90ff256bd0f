/* Populating a system WPAR root, and removing it again.
 *
 * What a shared WPAR gets is small on purpose: a directory skeleton, a
 * fresh /etc, and the parts of /var that tell dpkg and apt what is
 * installed (the installed files themselves are the host's /usr, mounted
 * read-only at start).  A detached WPAR also gets private copies of /usr
 * and /opt, which is where nearly all of the time goes. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootscript.h"
#include "copytree.h"
#include "fsimage.h"
#include "identity.h"
#include "util.h"

struct skel_dir {
	const char *name;
	mode_t mode;
};

/* The top level of a Linux system (FHS), as empty directories; most are
 * mount points the runtime fills (dev, proc, run, sys) or the WPAR's own
 * file systems. */
static const struct skel_dir root_skeleton[] = {
    {"dev", 0755}, {"etc", 0755},  {"home", 0755}, {"media", 0755}, {"mnt", 0755},
    {"opt", 0755}, {"proc", 0555}, {"root", 0700}, {"run", 0755},   {"srv", 0755},
    {"sys", 0555}, {"tmp", 01777}, {"usr", 0755},  {"var", 0755},
};

static const char *const merged_dirs[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};

/* Trees copied for a private /usr, /opt (and the unmerged top-level
 * directories of older hosts). */
static const char *const private_trees[] = {"/usr", "/opt",   "/bin",   "/sbin",
					    "/lib", "/lib32", "/lib64", "/libx32"};

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static int make_dir(const char *path, mode_t mode, wpar_error_t *err)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return wpar_error_errno(err, "cannot create directory %s", path);
	/* mkdir's mode is filtered by the umask, and an existing directory
	 * keeps its old mode: set it explicitly.  A read-only mounted image
	 * keeps what it has. */
	if (chmod(path, mode) < 0 && errno != EROFS)
		return wpar_error_errno(err, "cannot set the mode of %s", path);
	return 0;
}

/* Creates root/rel like the host's /rel (mode, owner), one component at a
 * time, so /var/local stays root:staff 2775 as the host has it. */
static int make_dir_like_host(const char *root, const char *rel, mode_t def, wpar_error_t *err)
{
	cleanup_free char *partial = xstrdup(rel);
	for (char *slash = partial;; slash++) {
		slash = strchr(slash, '/');
		if (slash)
			*slash = '\0';
		cleanup_free char *host = xasprintf("/%s", partial);
		cleanup_free char *dst = xasprintf("%s/%s", root, partial);
		struct stat st;
		bool like = lstat(host, &st) == 0 && S_ISDIR(st.st_mode);
		if (!path_exists(dst)) {
			mode_t mode = like ? st.st_mode & 07777 : slash ? 0755 : def;
			if (make_dir(dst, mode, err) < 0)
				return -1;
			if (like && (st.st_uid || st.st_gid) &&
			    chown(dst, st.st_uid, st.st_gid) < 0)
				return wpar_error_errno(err,
							"cannot set the "
							"owner of %s",
							dst);
		}
		if (slash == NULL)
			return 0;
		*slash = '/';
	}
}

static int make_symlink(const char *target, const char *path, wpar_error_t *err)
{
	if (symlink(target, path) < 0 && errno != EEXIST)
		return wpar_error_errno(err, "cannot create symlink %s", path);
	return 0;
}

/* Copies the host's /rel to root/rel when the host has it. */
static int copy_host(const char *root, const char *rel, const struct wpar_copy_opts *opts,
		     wpar_error_t *err)
{
	cleanup_free char *host = xasprintf("/%s", rel);
	if (!path_exists(host))
		return 0;
	cleanup_free char *dst = xasprintf("%s/%s", root, rel);
	return wpar_copytree(host, dst, opts, err);
}

/* ------------------------------------------------------------------ */
/* Skeleton                                                             */

static int make_skeleton(const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	const struct wpar_fs *top = wpar_fs_plan_find(plan, "/");
	mode_t mode = top ? top->mode : 0755;
	if (mkdir_p(plan->root, mode, err) < 0 || make_dir(plan->root, mode, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(root_skeleton); i++) {
		cleanup_free char *dir = xasprintf("/%s", root_skeleton[i].name);
		cleanup_free char *path = xasprintf("%s%s", plan->root, dir);
		/* A mount stanza's mode wins over the skeleton's. */
		const struct wpar_fs *fs = wpar_fs_plan_find(plan, dir);
		if (make_dir(path, fs ? fs->mode : root_skeleton[i].mode, err) < 0)
			return -1;
	}
	/* The same merged-/usr symlinks as the host (bin -> usr/bin), so
	 * that paths and shebangs work as they do outside. */
	for (size_t i = 0; i < ARRAY_SIZE(merged_dirs); i++) {
		cleanup_free char *host = xasprintf("/%s", merged_dirs[i]);
		cleanup_free char *path = xasprintf("%s/%s", plan->root, merged_dirs[i]);
		char target[256];
		ssize_t n = readlink(host, target, sizeof(target) - 1);
		if (n < 0 || wpar_fs_plan_find(plan, host))
			continue;
		target[n] = '\0';
		if (make_symlink(target, path, err) < 0)
			return -1;
	}
	return 0;
}

/* Mount points of every file system, with their stanza's mode.  Images
 * are mounted already (their base directory got its mode then). */
/* Writing below an image that is not mounted would put the files under
 * its mount point, hidden once it is mounted. */
static int check_images_mounted(const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind == WPAR_FS_IMAGE && !wpar_is_mountpoint(fs->mountpoint))
			return wpar_error_input(err,
						"the file system for %s is "
						"not mounted at %s",
						fs->directory, fs->mountpoint);
	}
	return 0;
}

static int make_mountpoints(const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (strcmp(fs->directory, "/") == 0 || fs->kind == WPAR_FS_IMAGE)
			continue;
		if (mkdir_p(fs->mountpoint, fs->mode, err) < 0 ||
		    make_dir(fs->mountpoint, fs->mode, err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* /var                                                                 */

static const struct skel_dir var_skeleton[] = {
    {"var/backups", 0755},
    {"var/cache", 0755},
    {"var/lib", 0755},
    {"var/local", 02775},
    {"var/log", 0755},
    {"var/mail", 02775},
    {"var/opt", 0755},
    {"var/spool", 0755},
    {"var/tmp", 01777},
    /* where apt downloads; it expects them to exist */
    {"var/lib/apt/lists/partial", 0700},
    {"var/cache/apt/archives/partial", 0700},
    {"var/log/apt", 0755},
};

static bool dpkg_exclude(const char *rel, const struct stat *st, void *data)
{
	(void)st;
	const bool *info_shared = data;
	/* dpkg's locks belong to the dpkg running on the host now. */
	if (strcmp(rel, "lock") == 0 || strcmp(rel, "lock-frontend") == 0 ||
	    strcmp(rel, "triggers/Lock") == 0)
		return true;
	/* A shared WPAR mounts the host's info/ there (rootfs_plan.c); its
	 * empty mount point is already made. */
	return *info_shared && (strcmp(rel, "info") == 0 || strncmp(rel, "info/", 5) == 0);
}

static int populate_var(const char *root, const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(var_skeleton); i++)
		if (make_dir_like_host(root, var_skeleton[i].name, var_skeleton[i].mode, err) < 0)
			return -1;
	cleanup_free char *run = xasprintf("%s/var/run", root);
	cleanup_free char *lock = xasprintf("%s/var/lock", root);
	if (make_symlink("/run", run, err) < 0 || make_symlink("/run/lock", lock, err) < 0)
		return -1;

	/* The package database, so that dpkg and apt inside know what the
	 * shared /usr holds.  debconf's passwords.dat stays behind. */
	const struct wpar_fs *info = wpar_fs_plan_find(plan, WPAR_DPKG_INFO);
	bool info_shared = info != NULL && info->kind == WPAR_FS_BIND;
	struct wpar_copy_opts dpkg = {.exclude = dpkg_exclude, .data = &info_shared};
	if (copy_host(root, "var/lib/dpkg", &dpkg, err) < 0 ||
	    copy_host(root, "var/lib/apt/extended_states", NULL, err) < 0 ||
	    copy_host(root, "var/lib/ucf", NULL, err) < 0)
		return -1;
	if (path_exists("/var/cache/debconf") &&
	    (make_dir_like_host(root, "var/cache/debconf", 0755, err) < 0 ||
	     copy_host(root, "var/cache/debconf/config.dat", NULL, err) < 0 ||
	     copy_host(root, "var/cache/debconf/templates.dat", NULL, err) < 0))
		return -1;
	if (path_exists("/var/lib/dbus")) {
		cleanup_free char *id = xasprintf("%s/var/lib/dbus/machine-id", root);
		if (make_dir_like_host(root, "var/lib/dbus", 0755, err) < 0 ||
		    make_symlink("/etc/machine-id", id, err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Private /usr, /opt                                                   */

static int populate_private(const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	/* From a cold cache two threads copied about 20% faster than one
	 * here (one waits for the disk while the other creates files);
	 * four were no better. */
	struct wpar_copy_opts opts = {.one_file_system = true, .threads = 2};
	for (size_t i = 0; i < ARRAY_SIZE(private_trees); i++) {
		const struct wpar_fs *fs = wpar_fs_plan_find(plan, private_trees[i]);
		if (fs == NULL || (fs->kind != WPAR_FS_DIRECTORY && fs->kind != WPAR_FS_IMAGE))
			continue;
		struct stat st;
		if (lstat(private_trees[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (wpar_copytree(private_trees[i], fs->mountpoint, &opts, err) < 0)
			return wpar_error_prefix(err, "private copy of %s", private_trees[i]);
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static int check_empty_root(const char *root, wpar_error_t *err)
{
	cleanup_free char *passwd = xasprintf("%s/etc/passwd", root);
	if (path_exists(passwd))
		return wpar_error_input(err,
					"%s already holds a system (%s "
					"exists); refusing to populate it again",
					root, passwd);
	return 0;
}

static int populate_root_home(const char *root, wpar_error_t *err)
{
	cleanup_free char *home = xasprintf("%s/root", root);
	if (path_exists("/etc/skel") && wpar_copytree("/etc/skel", home, NULL, err) < 0)
		return -1;
	/* The skeleton's files may be owned by anyone on the host; in the
	 * WPAR they are root's.  copytree kept /etc/skel's own mode. */
	if (chown(home, 0, 0) < 0 || chmod(home, 0700) < 0)
		return wpar_error_errno(err, "cannot set up %s", home);
	return 0;
}

/* Population writes without fsync; one syncfs per file system at the end
 * makes it durable before mkwpar records the WPAR as Defined, at a
 * fraction of the cost of syncing each file. */
static int sync_own(const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	dev_t done[16];
	size_t n_done = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind != WPAR_FS_DIRECTORY && fs->kind != WPAR_FS_IMAGE)
			continue;
		cleanup_close int fd = open(fs->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			return wpar_error_errno(err, "cannot open %s", fs->mountpoint);
		bool seen = false;
		for (size_t j = 0; j < n_done && !seen; j++)
			seen = done[j] == st.st_dev;
		if (seen)
			continue;
		if (syncfs(fd) < 0)
			return wpar_error_errno(err, "cannot sync %s", fs->mountpoint);
		if (n_done < ARRAY_SIZE(done))
			done[n_done++] = st.st_dev;
	}
	return 0;
}

int wpar_rootfs_populate(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			 const struct wpar_populate_opts *opts, wpar_error_t *err)
{
	if (wpar_spec_type(spec) != WPAR_SYSTEM)
		return wpar_error_input(err, "only a system WPAR has a root "
					     "file system to populate");
	static const struct wpar_populate_opts no_opts = {0};
	if (opts == NULL)
		opts = &no_opts;
	const char *root = plan->root;
	struct wpar_identity_opts id = {
	    .hostname = spec->general.hostname ? spec->general.hostname : spec->general.name,
	    .copy_nameres = opts->copy_nameres,
	    .root_password_hash = opts->root_password_hash,
	};
	cleanup_free char *etc = xasprintf("%s/etc", root);
	if (check_images_mounted(plan, err) < 0 || check_empty_root(root, err) < 0 ||
	    make_skeleton(plan, err) < 0 || make_mountpoints(plan, err) < 0)
		return -1;
	if (wpar_identity_make_etc("/etc", etc, &id, err) < 0 ||
	    wpar_bootscript_install(root, err) < 0 || populate_root_home(root, err) < 0 ||
	    populate_var(root, plan, err) < 0 || populate_private(plan, err) < 0 ||
	    sync_own(plan, err) < 0)
		return wpar_error_prefix(err, "populating %s", root);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Removal                                                              */

/* Nothing may be mounted at or below the root: removing would either
 * fail half-way or, worse, delete what the mount shows. */
static int check_nothing_mounted(const char *root, wpar_error_t *err)
{
	char **mounts = NULL;
	size_t n = 0;
	if (wpar_mounts_under(root, &mounts, &n, err) < 0)
		return -1;
	int r = 0;
	if (n > 0 && strcmp(mounts[0], root) == 0)
		r = wpar_error_input(err,
				     "the WPAR root %s is still mounted; "
				     "unmount the WPAR's file systems first",
				     root);
	else if (n > 0)
		r = wpar_error_input(err,
				     "a file system is mounted at %s, "
				     "inside the WPAR root; unmount it first",
				     mounts[0]);
	wpar_strv_free(mounts, n);
	return r;
}

/* Sources the WPAR uses but does not own must not be inside the tree
 * about to be deleted. */
static int check_foreign_sources(const struct wpar_fs_plan *plan, const char *root,
				 wpar_error_t *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		bool foreign =
		    fs->kind == WPAR_FS_BIND || (fs->kind == WPAR_FS_IMAGE && !fs->owned);
		if (!foreign || fs->source == NULL)
			continue;
		cleanup_free char *real = realpath(fs->source, NULL);
		const char *src = real ? real : fs->source;
		if (wpar_path_under(src, root))
			return wpar_error_input(err,
						"%s (the source of %s) lies "
						"inside the WPAR root %s; refusing "
						"to remove it",
						src, fs->directory, root);
	}
	return 0;
}

static int remove_images(const struct wpar_fs_plan *plan, wpar_error_t *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind != WPAR_FS_IMAGE || !fs->owned || fs->source == NULL ||
		    !wpar_path_under(fs->source, plan->imagedir))
			continue;
		struct stat st;
		if (lstat(fs->source, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return wpar_error_errno(err, "cannot stat %s", fs->source);
		}
		if (!S_ISREG(st.st_mode))
			return wpar_error_input(err,
						"%s is not an image file; "
						"leaving it alone",
						fs->source);
		cleanup_free char *loop = wpar_loop_find(fs->source);
		if (loop)
			return wpar_error_input(err,
						"image %s is still in use "
						"by %s",
						fs->source, loop);
		if (unlink(fs->source) < 0)
			return wpar_error_errno(err, "cannot remove %s", fs->source);
	}
	if (rmdir(plan->imagedir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		return wpar_error_errno(err, "cannot remove %s", plan->imagedir);
	return 0;
}

int wpar_rootfs_destroy(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			wpar_error_t *err)
{
	if (wpar_spec_type(spec) != WPAR_SYSTEM)
		return 0; /* an application WPAR owns no file systems */
	/* The canonical path: a symlink anywhere in the configured one
	 * must not redirect the removal. */
	struct stat st;
	if (lstat(plan->root, &st) == 0 && S_ISLNK(st.st_mode))
		return wpar_error_input(err,
					"the WPAR root %s is a symlink; "
					"refusing to remove what it points to",
					plan->root);
	cleanup_free char *root = realpath(plan->root, NULL);
	if (root == NULL && errno != ENOENT)
		return wpar_error_errno(err, "cannot resolve %s", plan->root);
	if (root) {
		if (wpar_fs_root_forbidden(root))
			return wpar_error_input(err, "refusing to remove %s", root);
		if (check_nothing_mounted(root, err) < 0 ||
		    check_foreign_sources(plan, root, err) < 0 || wpar_remove_tree(root, err) < 0)
			return -1;
	}
	return remove_images(plan, err);
}
