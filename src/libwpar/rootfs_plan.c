/* From mount stanzas to a plan of host mounts.  Every path that later
 * code creates, mounts or deletes is decided and checked here, once:
 * nothing may escape the WPAR root, and what is deletable ("owned") is
 * settled before anything runs. */
#include "rootfs.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "copytree.h"
#include "fsimage.h"
#include "paths.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Defaults                                                             */

/* Top-level directories that distributions either keep as directories
 * or merge into /usr as symlinks. */
static const char *const mergeable_dirs[] = {"/bin",   "/sbin",  "/lib",
					     "/lib32", "/lib64", "/libx32"};

static int add_default(struct wpar_spec *spec, const char *directory, const char *vfs,
		       const char *dev, const char *mountopts, wpar_error_t *err)
{
	if (wpar_spec_find_mount(spec, directory))
		return 0; /* the administrator's stanza wins */
	size_t i = wpar_spec_append(spec, WPAR_ST_MOUNT);
	if (wpar_spec_set(spec, WPAR_ST_MOUNT, i, "directory", directory, err) < 0 ||
	    wpar_spec_set(spec, WPAR_ST_MOUNT, i, "vfs", vfs, err) < 0 ||
	    wpar_spec_set(spec, WPAR_ST_MOUNT, i, "dev", dev, err) < 0 ||
	    wpar_spec_set(spec, WPAR_ST_MOUNT, i, "mountopts", mountopts, err) < 0)
		return wpar_error_prefix(err, "default mount %s", directory);
	return 0;
}

/* Shared: the host's tree read-only.  Detached: a private directory that
 * population fills with a copy. */
static int add_usr_like(struct wpar_spec *spec, const char *dir, bool private, wpar_error_t *err)
{
	if (private)
		return add_default(spec, dir, "directory", NULL, NULL, err);
	return add_default(spec, dir, "namefs", dir, "ro", err);
}

int wpar_fs_add_defaults_from(struct wpar_spec *spec, const char *host_root, wpar_error_t *err)
{
	if (wpar_spec_type(spec) != WPAR_SYSTEM)
		return 0;
	bool private = wpar_spec_flag(spec->general.privateusr);
	static const char *const own[] = {"/", "/home", "/tmp", "/var"};
	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		if (add_default(spec, own[i], "directory", NULL, NULL, err) < 0)
			return -1;
	if (add_usr_like(spec, "/usr", private, err) < 0 ||
	    add_usr_like(spec, "/opt", private, err) < 0)
		return -1;
	/* On a merged-/usr host these are symlinks that population copies;
	 * only real directories need a mount of their own. */
	for (size_t i = 0; i < ARRAY_SIZE(mergeable_dirs); i++) {
		cleanup_free char *host =
		    xasprintf("%s%s", strcmp(host_root, "/") ? host_root : "", mergeable_dirs[i]);
		struct stat st;
		if (lstat(host, &st) == 0 && S_ISDIR(st.st_mode) &&
		    add_usr_like(spec, mergeable_dirs[i], private, err) < 0)
			return -1;
	}
	/* dpkg's per-package file lists and checksums describe the shared
	 * /usr, not the WPAR: like AIX's shared /usr software database they
	 * are the host's, read-only.  The WPAR keeps its own status file
	 * (its "root part").  A detached WPAR copies them with /usr. */
	cleanup_free char *info =
	    xasprintf("%s" WPAR_DPKG_INFO, strcmp(host_root, "/") ? host_root : "");
	struct stat st;
	if (!private && lstat(info, &st) == 0 && S_ISDIR(st.st_mode) &&
	    add_default(spec, WPAR_DPKG_INFO, "namefs", info, "ro", err) < 0)
		return -1;
	return 0;
}

int wpar_fs_add_defaults(struct wpar_spec *spec, wpar_error_t *err)
{
	return wpar_fs_add_defaults_from(spec, "/", err);
}

/* ------------------------------------------------------------------ */
/* Paths                                                                */

/* A clean absolute path: repeated and trailing slashes dropped.  "." and
 * ".." are refused rather than resolved: a mount point that needs them is
 * either a mistake or an attempt to leave the WPAR root. */
static char *path_clean(const char *in, const char *what, wpar_error_t *err)
{
	if (in == NULL || in[0] != '/') {
		wpar_error_input(err, "%s %s is not an absolute path", what, in ? in : "(none)");
		return NULL;
	}
	struct strbuf out = {0};
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 0)
			break;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
			strbuf_release(&out);
			wpar_error_input(err,
					 "%s %s must not contain \".\" or \"..\" "
					 "(it could lead outside the WPAR)",
					 what, in);
			return NULL;
		}
		strbuf_puts(&out, "/");
		strbuf_add(&out, p, len);
		p += len;
	}
	for (const char *c = in; *c; c++) {
		if (iscntrl((unsigned char)*c)) {
			strbuf_release(&out);
			wpar_error_input(err, "%s contains a control character", what);
			return NULL;
		}
	}
	return out.len ? strbuf_steal(&out) : xstrdup("/");
}

/* Directories whose removal would wreck the host; never a WPAR root. */
bool wpar_fs_root_forbidden(const char *root)
{
	static const char *const host_dirs[] = {
	    "/",      "/bin",    "/boot",  "/dev", "/etc", "/home", "/lib",  "/lib32",
	    "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run",
	    "/sbin",  "/srv",    "/sys",   "/tmp", "/usr", "/var"};
	for (size_t i = 0; i < ARRAY_SIZE(host_dirs); i++)
		if (strcmp(root, host_dirs[i]) == 0)
			return true;
	const struct wpar_paths *p = wpar_paths();
	const char *const ours[] = {p->confdir, p->statedir, p->rundir, p->basedir, p->logdir};
	for (size_t i = 0; i < ARRAY_SIZE(ours); i++)
		if (ours[i] && wpar_path_under(ours[i], root))
			return true;
	return false;
}

static char *mountpoint_of(const char *root, const char *directory)
{
	if (strcmp(directory, "/") == 0)
		return xstrdup(root);
	if (strcmp(root, "/") == 0)
		return xstrdup(directory);
	return xasprintf("%s%s", root, directory);
}

/* ------------------------------------------------------------------ */
/* One stanza                                                           */

struct vfs_desc {
	const char *name;
	enum wpar_fs_kind kind;
	const char *fstype; /* NULL: the host's native type */
};

static const struct vfs_desc vfs_table[] = {
    {"directory", WPAR_FS_DIRECTORY, NULL}, {"namefs", WPAR_FS_BIND, NULL},
    {"jfs2", WPAR_FS_IMAGE, NULL},          {"jfs", WPAR_FS_IMAGE, NULL},
    {"local", WPAR_FS_IMAGE, NULL},         {"ext4", WPAR_FS_IMAGE, "ext4"},
    {"xfs", WPAR_FS_IMAGE, "xfs"},          {"btrfs", WPAR_FS_IMAGE, "btrfs"},
    {"tmpfs", WPAR_FS_TMPFS, NULL},         {"nfs", WPAR_FS_NFS, NULL},
};

static const struct vfs_desc *vfs_find(const char *vfs, const char *dir, wpar_error_t *err)
{
	/* jfs2 is what mkwpar creates when a stanza names no type. */
	if (vfs == NULL)
		vfs = "jfs2";
	for (size_t i = 0; i < ARRAY_SIZE(vfs_table); i++)
		if (strcmp(vfs, vfs_table[i].name) == 0)
			return &vfs_table[i];
	struct strbuf names = {0};
	for (size_t i = 0; i < ARRAY_SIZE(vfs_table); i++)
		strbuf_printf(&names, "%s%s", i ? ", " : "", vfs_table[i].name);
	wpar_error_input(err, "mount %s: unknown vfs type \"%s\" (valid: %s)", dir, vfs, names.buf);
	strbuf_release(&names);
	return NULL;
}

struct plan_ctx {
	const struct wpar_spec *spec;
	struct wpar_fs_plan *plan;
	bool lenient;
	bool application;
};

static int parse_mode(const char *s, const char *dir, mode_t *mode, wpar_error_t *err)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0 || len > 5 || strspn(s, "01234567") != len || strtoul(s, NULL, 8) > 07777)
		return wpar_error_input(err,
					"mount %s: mode %s is not an octal "
					"permission mode",
					dir, s ? s : "");
	*mode = (mode_t)strtoul(s, NULL, 8);
	return 0;
}

static int check_mountopts(const char *opts, const char *dir, wpar_error_t *err)
{
	if (opts == NULL)
		return 0;
	for (const char *p = opts; *p; p++)
		if (isspace((unsigned char)*p) || (*p == ',' && p[1] == ','))
			return wpar_error_input(err,
						"mount %s: mount options "
						"\"%s\" must be a comma list "
						"without blanks",
						dir, opts);
	if (opts[0] == ',' || opts[strlen(opts) - 1] == ',')
		return wpar_error_input(err,
					"mount %s: mount options \"%s\" "
					"must be a comma list without blanks",
					dir, opts);
	return 0;
}

static int check_no_attr(const char *value, const char *attr, const struct wpar_fs *fs,
			 const char *vfs, wpar_error_t *err)
{
	if (value == NULL)
		return 0;
	return wpar_error_input(err, "mount %s: %s= is not valid with vfs=%s", fs->directory, attr,
				vfs);
}

static int plan_bind(struct plan_ctx *c, const struct wpar_mount *m, struct wpar_fs *fs,
		     wpar_error_t *err)
{
	if (m->dev == NULL)
		return wpar_error_input(err,
					"mount %s: vfs=namefs needs dev= "
					"naming a directory of the global "
					"environment",
					fs->directory);
	fs->source = path_clean(m->dev, "namefs source", err);
	if (fs->source == NULL)
		return -1;
	if (c->lenient)
		return 0;
	struct stat st;
	if (stat(fs->source, &st) < 0)
		return wpar_error_errno(err, "mount %s: namefs source %s", fs->directory,
					fs->source);
	if (!S_ISDIR(st.st_mode))
		return wpar_error_input(err,
					"mount %s: namefs source %s is not "
					"a directory",
					fs->directory, fs->source);
	if (!c->application && wpar_path_under(fs->source, c->plan->root))
		return wpar_error_input(err,
					"mount %s: namefs source %s lies "
					"inside the WPAR's own root %s",
					fs->directory, fs->source, c->plan->root);
	return 0;
}

static int plan_image_source(struct plan_ctx *c, const struct wpar_mount *m, struct wpar_fs *fs,
			     bool *exists, wpar_error_t *err)
{
	cleanup_free char *own = wpar_fs_image_path(c->plan->name, fs->directory);
	if (m->dev == NULL) {
		fs->source = steal_pointer(&own);
		fs->owned = true;
		*exists = false;
		return 0;
	}
	fs->source = path_clean(m->dev, "image or device", err);
	if (fs->source == NULL)
		return -1;
	/* Only images in the WPAR's own image directory are ever deleted;
	 * a device or a file the administrator named stays theirs. */
	fs->owned = wpar_path_under(fs->source, c->plan->imagedir);
	struct stat st;
	*exists = stat(fs->source, &st) == 0;
	if (c->lenient || (!*exists && fs->owned))
		return 0;
	if (!*exists)
		return wpar_error_errno(err, "mount %s: dev %s", fs->directory, fs->source);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return wpar_error_input(err,
					"mount %s: dev %s is neither an "
					"image file nor a block device",
					fs->directory, fs->source);
	if (!c->application && wpar_path_under(fs->source, c->plan->root))
		return wpar_error_input(err,
					"mount %s: dev %s lies inside the "
					"WPAR's own root %s",
					fs->directory, fs->source, c->plan->root);
	return 0;
}

static int plan_image(struct plan_ctx *c, const struct wpar_mount *m, const struct vfs_desc *vfs,
		      struct wpar_fs *fs, wpar_error_t *err)
{
	fs->fstype = xstrdup(vfs->fstype ? vfs->fstype : wpar_fs_native_type());
	bool exists;
	if (plan_image_source(c, m, fs, &exists, err) < 0)
		return -1;
	if (m->size && wpar_parse_size(m->size, &fs->size, err) < 0)
		return wpar_error_prefix(err, "mount %s", fs->directory);
	if (exists || c->lenient)
		return 0;
	/* The image will be made by mkwpar: it needs a size mkfs accepts. */
	if (m->size == NULL)
		return wpar_error_input(err,
					"mount %s: vfs=%s needs size= (or "
					"dev= naming an existing image file or "
					"block device)",
					fs->directory, vfs->name);
	unsigned long long min = wpar_fs_min_image_size(fs->fstype);
	if (fs->size < min)
		return wpar_error_input(err,
					"mount %s: size %s is too small for "
					"%s: mkfs.%s needs at least %lluM",
					fs->directory, m->size, fs->fstype, fs->fstype,
					(min + (1 << 20) - 1) >> 20);
	return 0;
}

static int plan_kind(struct plan_ctx *c, const struct wpar_mount *m, const struct vfs_desc *vfs,
		     struct wpar_fs *fs, wpar_error_t *err)
{
	if (vfs->kind != WPAR_FS_NFS && check_no_attr(m->host, "host", fs, vfs->name, err) < 0)
		return -1;
	switch (vfs->kind) {
	case WPAR_FS_DIRECTORY:
		fs->owned = true;
		if (check_no_attr(m->dev, "dev", fs, vfs->name, err) < 0)
			return -1;
		return check_no_attr(m->size, "size", fs, vfs->name, err);
	case WPAR_FS_BIND:
		if (check_no_attr(m->size, "size", fs, vfs->name, err) < 0)
			return -1;
		return plan_bind(c, m, fs, err);
	case WPAR_FS_IMAGE:
		return plan_image(c, m, vfs, fs, err);
	case WPAR_FS_TMPFS:
		fs->fstype = xstrdup("tmpfs");
		if (check_no_attr(m->dev, "dev", fs, vfs->name, err) < 0)
			return -1;
		if (m->size && wpar_parse_size(m->size, &fs->size, err) < 0)
			return wpar_error_prefix(err, "mount %s", fs->directory);
		return 0;
	case WPAR_FS_NFS:
		if (m->host == NULL || m->dev == NULL || m->dev[0] != '/')
			return wpar_error_input(err,
						"mount %s: vfs=nfs needs "
						"host= and dev= (the absolute "
						"path the server exports)",
						fs->directory);
		if (strpbrk(m->host, " \t:/"))
			return wpar_error_input(err,
						"mount %s: \"%s\" is not an "
						"NFS server name",
						fs->directory, m->host);
		fs->fstype = xstrdup("nfs");
		fs->source = xasprintf("%s:%s", m->host, m->dev);
		return check_no_attr(m->size, "size", fs, vfs->name, err);
	}
	return 0;
}

static int plan_stanza(struct plan_ctx *c, size_t idx, struct wpar_fs *fs, wpar_error_t *err)
{
	const struct wpar_mount *m = &c->spec->mounts[idx];
	fs->stanza = (long)idx;
	if (m->directory == NULL)
		return wpar_error_input(err, "mount stanza %zu has no directory", idx + 1);
	fs->directory = path_clean(m->directory, "mount point", err);
	if (fs->directory == NULL)
		return -1;
	fs->mountpoint = mountpoint_of(c->plan->root, fs->directory);
	const struct vfs_desc *vfs = vfs_find(m->vfs, fs->directory, err);
	if (vfs == NULL)
		return -1;
	fs->kind = vfs->kind;
	if (c->application && fs->kind != WPAR_FS_DIRECTORY && fs->kind != WPAR_FS_BIND &&
	    fs->kind != WPAR_FS_NFS)
		return wpar_error_input(err,
					"mount %s: an application WPAR can "
					"only use directory, namefs and nfs "
					"mounts, not %s",
					fs->directory, vfs->name);
	fs->mode = strcmp(fs->directory, "/tmp") == 0 ? 01777 : 0755;
	if (m->mode && parse_mode(m->mode, fs->directory, &fs->mode, err) < 0)
		return -1;
	if (check_mountopts(m->mountopts, fs->directory, err) < 0)
		return -1;
	fs->options = m->mountopts ? xstrdup(m->mountopts) : NULL;
	if (plan_kind(c, m, vfs, fs, err) < 0)
		return -1;
	if (strcmp(fs->directory, "/") == 0 && fs->kind != WPAR_FS_DIRECTORY &&
	    fs->kind != WPAR_FS_IMAGE && fs->kind != WPAR_FS_NFS)
		return wpar_error_input(err,
					"mount /: the WPAR root must be a "
					"directory, a local file system or NFS, "
					"not %s",
					vfs->name);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The whole plan                                                       */

/* "/" is 0, "/var" 1, "/var/log" 2. */
static size_t path_depth(const char *p)
{
	if (strcmp(p, "/") == 0)
		return 0;
	size_t d = 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

static int fs_order(const void *a, const void *b)
{
	const struct wpar_fs *x = a, *y = b;
	size_t dx = path_depth(x->directory), dy = path_depth(y->directory);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->directory, y->directory);
}

/* The nearest entry that contains fs[i] (plan is sorted). */
static const struct wpar_fs *plan_parent(const struct wpar_fs_plan *plan, size_t i)
{
	const struct wpar_fs *best = NULL;
	for (size_t j = 0; j < i; j++)
		if (strcmp(plan->fs[j].directory, plan->fs[i].directory) &&
		    wpar_path_under(plan->fs[i].directory, plan->fs[j].directory) &&
		    (best == NULL || strlen(plan->fs[j].directory) > strlen(best->directory)))
			best = &plan->fs[j];
	return best;
}

/* A mount point below a namefs mount is looked up in the host directory
 * at run time, where mkwpar cannot create it. */
static int check_nested(const struct plan_ctx *c, wpar_error_t *err)
{
	const struct wpar_fs_plan *plan = c->plan;
	for (size_t i = 1; i < plan->n; i++) {
		if (strcmp(plan->fs[i].directory, plan->fs[i - 1].directory) == 0)
			return wpar_error_input(err,
						"two mount stanzas are given "
						"for directory %s",
						plan->fs[i].directory);
	}
	for (size_t i = 0; i < plan->n && !c->lenient; i++) {
		const struct wpar_fs *parent = plan_parent(plan, i);
		if (parent == NULL || parent->kind != WPAR_FS_BIND)
			continue;
		const char *rest = plan->fs[i].directory + strlen(parent->directory);
		cleanup_free char *host = xasprintf("%s%s", parent->source, rest);
		struct stat st;
		if (stat(host, &st) < 0 || !S_ISDIR(st.st_mode))
			return wpar_error_input(err,
						"mount %s: lies inside the "
						"namefs mount %s, so %s must "
						"exist in the global environment",
						plan->fs[i].directory, parent->directory, host);
	}
	return 0;
}

static int plan_root(struct plan_ctx *c, wpar_error_t *err)
{
	const struct wpar_general *g = &c->spec->general;
	if (g->name == NULL)
		return wpar_error_input(err, "the WPAR has no name");
	c->plan->name = xstrdup(g->name);
	c->plan->imagedir = wpar_fs_image_dir(g->name);
	if (c->application) {
		c->plan->root = xstrdup("/");
		return 0;
	}
	if (g->directory == NULL)
		return wpar_error_input(err, "WPAR %s has no root directory", g->name);
	c->plan->root = path_clean(g->directory, "root directory", err);
	if (c->plan->root == NULL)
		return -1;
	if (wpar_fs_root_forbidden(c->plan->root))
		return wpar_error_input(err,
					"%s cannot be the root directory of "
					"a WPAR",
					c->plan->root);
	return 0;
}

static void plan_add_implicit_root(struct wpar_fs_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (strcmp(plan->fs[i].directory, "/") == 0)
			return;
	plan->fs = xrealloc(plan->fs, (plan->n + 1) * sizeof(*plan->fs));
	plan->fs[plan->n++] = (struct wpar_fs){
	    .directory = xstrdup("/"),
	    .mountpoint = xstrdup(plan->root),
	    .kind = WPAR_FS_DIRECTORY,
	    .mode = 0755,
	    .owned = true,
	    .stanza = -1,
	};
}

int wpar_fs_plan_build_flags(const struct wpar_spec *spec, unsigned flags,
			     struct wpar_fs_plan **out, wpar_error_t *err)
{
	struct wpar_fs_plan *plan = xcalloc(1, sizeof(*plan));
	struct plan_ctx c = {
	    .spec = spec,
	    .plan = plan,
	    .lenient = flags & WPAR_FS_PLAN_LENIENT,
	    .application = wpar_spec_type(spec) == WPAR_APPLICATION,
	};
	if (plan_root(&c, err) < 0)
		goto fail;
	plan->fs = xcalloc(spec->n_mounts + 1, sizeof(*plan->fs));
	for (size_t i = 0; i < spec->n_mounts; i++) {
		plan->n++;
		if (plan_stanza(&c, i, &plan->fs[i], err) < 0)
			goto fail;
	}
	if (!c.application)
		plan_add_implicit_root(plan);
	qsort(plan->fs, plan->n, sizeof(*plan->fs), fs_order);
	if (check_nested(&c, err) < 0)
		goto fail;
	*out = plan;
	return 0;
fail:
	wpar_fs_plan_free(plan);
	return -1;
}

int wpar_fs_plan_build(const struct wpar_spec *spec, struct wpar_fs_plan **out, wpar_error_t *err)
{
	return wpar_fs_plan_build_flags(spec, 0, out, err);
}

void wpar_fs_plan_free(struct wpar_fs_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->fs[i].directory);
		free(plan->fs[i].mountpoint);
		free(plan->fs[i].source);
		free(plan->fs[i].fstype);
		free(plan->fs[i].options);
	}
	free(plan->fs);
	free(plan->root);
	free(plan->name);
	free(plan->imagedir);
	free(plan);
}

const struct wpar_fs *wpar_fs_plan_find(const struct wpar_fs_plan *plan, const char *directory)
{
	for (size_t i = 0; i < plan->n; i++)
		if (strcmp(plan->fs[i].directory, directory) == 0)
			return &plan->fs[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Images                                                               */

int wpar_fs_create_images(struct wpar_spec *spec, wpar_error_t *err)
{
	cleanup_fs_plan struct wpar_fs_plan *plan = NULL;
	if (wpar_fs_plan_build(spec, &plan, err) < 0)
		return -1;
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind != WPAR_FS_IMAGE || !fs->owned || fs->stanza < 0)
			continue;
		/* Recorded in the spec (dev=) and present: made earlier. */
		if (spec->mounts[fs->stanza].dev && path_exists(fs->source))
			continue;
		if (wpar_fs_image_create(fs->source, fs->fstype, fs->size, err) < 0)
			return wpar_error_prefix(err, "mount %s", fs->directory);
		if (wpar_spec_set(spec, WPAR_ST_MOUNT, (size_t)fs->stanza, "dev", fs->source, err) <
		    0)
			return -1;
	}
	return 0;
}
