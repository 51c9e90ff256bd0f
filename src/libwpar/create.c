/* mkwpar's work: complete and check a spec, then create the WPAR step by
 * step, undoing everything when a step fails. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "checkpoint.h"
#include "lifecycle.h"
#include "net.h"
#include "name.h"
#include "paths.h"
#include "rootfs.h"
#include "rset.h"
#include "state.h"
#include "steps.h"
#include "store.h"
#include "userns.h"
#include "util.h"
#include "uuid.h"

/* A sparse image costs nothing until written, so a generous default
 * matches what an AIX administrator gets from -M vfs=jfs2 without size=. */
#define DEFAULT_IMAGE_SIZE "1G"

static void set_default(char **slot, const char *value)
{
	if (*slot == NULL)
		*slot = xstrdup(value);
}

void wpar_mount_fill_defaults(struct wpar_mount *m)
{
	set_default(&m->vfs, "jfs2");
	if (wpar_spec_vfs_is_image(m->vfs) && m->size == NULL && m->dev == NULL)
		m->size = xstrdup(DEFAULT_IMAGE_SIZE);
}

int wpar_spec_fill_defaults(struct wpar_spec *spec, wpar_error_t *err)
{
	struct wpar_general *g = &spec->general;
	bool app = wpar_spec_type(spec) == WPAR_APPLICATION;
	spec->n_general = 1;
	if (g->name == NULL)
		return wpar_error_input(err, "no workload partition name given (-n)");
	if (g->hostname == NULL) {
		if (wpar_hostname_check(g->name, NULL) < 0)
			return wpar_error_input(err,
						"the name %s is not a valid host name, so it "
						"cannot be the WPAR's host name; give one with -h",
						g->name);
		g->hostname = xstrdup(g->name);
	}
	if (g->directory == NULL)
		g->directory = app ? xstrdup("/") : wpar_path_default_root(g->name);
	set_default(&g->checkpointable, "no");
	set_default(&g->routing, spec->n_routes ? "yes" : "no");
	if (g->uuid == NULL)
		g->uuid = wpar_uuid_new();
	if (!app) {
		set_default(&g->privateusr, "no");
		if (g->devices == NULL)
			g->devices = xasprintf("%s/devexports", wpar_paths()->confdir);
		set_default(&g->ostype, "0");
		set_default(&g->autostart, "no");
		set_default(&g->rootvgwpar, "no");
		set_default(&g->preserve, "no");
	}
	for (size_t i = 0; i < spec->n_mounts; i++)
		wpar_mount_fill_defaults(&spec->mounts[i]);
	if (!app && wpar_fs_add_defaults(spec, err) < 0)
		return -1;
	/* Interface, netmask and broadcast as AIX derives them, or an
	 * address from the host name when no -N is given. */
	return wpar_net_fill_defaults(spec, err);
}

void wpar_spec_make_template(struct wpar_spec *spec)
{
	struct wpar_general *g = &spec->general;
	cleanup_free char *old_root = g->name ? wpar_path_default_root(g->name) : NULL;
	if (g->hostname && g->name && strcmp(g->hostname, g->name) == 0) {
		free(g->hostname);
		g->hostname = NULL;
	}
	if (g->directory && old_root && strcmp(g->directory, old_root) == 0) {
		free(g->directory);
		g->directory = NULL;
	}
	free(g->name);
	g->name = NULL;
	free(g->uuid);
	g->uuid = NULL;
	free(g->preserve);
	g->preserve = NULL;
	free(g->preservename);
	g->preservename = NULL;
	/* The ids of a user namespace are the original's: the copy claims
	 * its own range. */
	free(spec->security.idrange);
	spec->security.idrange = NULL;
	/* Images belong to the original; the copy gets new ones of the same
	 * size.  Admin-given devices (outside our state directory) stay. */
	cleanup_free char *ours = xasprintf("%s/wpars/", wpar_paths()->statedir);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct wpar_mount *m = &spec->mounts[i];
		if (wpar_spec_vfs_is_image(m->vfs) && m->dev &&
		    strncmp(m->dev, ours, strlen(ours)) == 0) {
			free(m->dev);
			m->dev = NULL;
		}
	}
}

/* Directories of the host that can never be a WPAR's root. */
static bool is_reserved_host_dir(const char *dir)
{
	static const char *exact[] = {"/",      "/usr",     "/etc",     "/var",    "/opt", "/home",
				      "/root",  "/run",     "/tmp",     "/boot",   "/bin", "/sbin",
				      "/lib",   "/lib32",   "/lib64",   "/libx32", "/srv", "/mnt",
				      "/media", "/var/lib", "/var/log", "/wpars"};
	static const char *under[] = {"/proc",  "/sys",  "/dev",   "/usr/", "/etc/",
				      "/boot/", "/bin/", "/sbin/", "/lib/", "/lib64/"};
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		if (strcmp(dir, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(under); i++)
		if (strncmp(dir, under[i], strlen(under[i])) == 0)
			return true;
	return false;
}

static bool path_is_canonical(const char *p)
{
	if (p[0] != '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../"))
		return false;
	size_t len = strlen(p);
	if (len > 1 && p[len - 1] == '/')
		return false;
	if ((len >= 2 && strcmp(p + len - 2, "/.") == 0) ||
	    (len >= 3 && strcmp(p + len - 3, "/..") == 0))
		return false;
	return true;
}

static bool is_inside(const char *inner, const char *outer)
{
	size_t n = strlen(outer);
	return strncmp(inner, outer, n) == 0 && (inner[n] == '/' || inner[n] == '\0');
}

/* The parent of a WPAR root must keep host users out: a WPAR's root user
 * can create set-uid files in its tree, which a host user must not reach.
 * AIX requires the same (root-owned, 0700). */
static int check_parent(const char *dir, bool force, wpar_error_t *err)
{
	cleanup_free char *parent = xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	if (parent[0] == '\0')
		return 0;
	struct stat st;
	if (lstat(parent, &st) < 0)
		return errno == ENOENT ? 0 : wpar_error_errno(err, "cannot examine %s", parent);
	if (!S_ISDIR(st.st_mode))
		return wpar_error_input(err, "%s is not a directory", parent);
	char real[PATH_MAX];
	if (realpath(parent, real) == NULL)
		return wpar_error_errno(err, "cannot resolve %s", parent);
	if (strcmp(real, parent) != 0)
		return wpar_error_input(err,
					"the path %s goes through a symbolic link (it resolves to "
					"%s); give the real path",
					parent, real);
	if ((st.st_uid != 0 || (st.st_mode & 077) != 0) && !force)
		return wpar_error_input(
		    err,
		    "the parent directory %s must be owned by root and closed to other users (mode "
		    "0700), so that host users cannot reach the WPAR's files; fix it or use -F",
		    parent);
	return 0;
}

static int check_root_directory(const struct wpar_spec *spec, const struct wpar_create_opts *o,
				bool preserving, wpar_error_t *err)
{
	const char *dir = spec->general.directory;
	const char *name = spec->general.name;
	if (!path_is_canonical(dir))
		return wpar_error_input(err,
					"the directory '%s' must be an absolute path without '.', "
					"'..', '//' or a trailing '/'",
					dir);
	if (is_reserved_host_dir(dir))
		return wpar_error_input(err,
					"the directory %s belongs to the global environment and "
					"cannot be a WPAR's root",
					dir);
	struct stat st;
	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return wpar_error_input(err, "%s exists and is not a directory", dir);
		if (!preserving && !dir_is_empty(dir))
			return wpar_error_input(err,
						"the directory %s is not empty; give an empty or "
						"new directory, or -p to use its existing content",
						dir);
	} else if (errno != ENOENT) {
		return wpar_error_errno(err, "cannot examine %s", dir);
	} else if (preserving && o->preserve_name == NULL) {
		return wpar_error_input(
		    err, "-p: the directory %s does not exist, so there is nothing to preserve",
		    dir);
	}
	char **names;
	size_t n;
	if (wpar_store_list(&names, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (strcmp(names[i], name) == 0)
			continue;
		struct wpar_spec *other = NULL;
		if (wpar_store_load(names[i], &other, NULL) < 0)
			continue;
		const char *od = other->general.directory;
		if (od && wpar_spec_type(other) == WPAR_SYSTEM &&
		    (is_inside(dir, od) || is_inside(od, dir)))
			r = wpar_error_input(
			    err, "the directory %s overlaps the root %s of workload partition %s",
			    dir, od, names[i]);
		wpar_spec_free(other);
	}
	wpar_names_free(names, n);
	if (r == 0)
		r = check_parent(dir, o->force, err);
	return r;
}

int wpar_create_check(const struct wpar_spec *spec, const struct wpar_create_opts *o,
		      bool write_only, wpar_error_t *err)
{
	const struct wpar_general *g = &spec->general;
	if (wpar_name_check(g->name, err) < 0)
		return -1;
	if (g->hostname && wpar_hostname_check(g->hostname, err) < 0)
		return -1;
	if (wpar_spec_validate(spec, err) < 0)
		return -1;
	if (wpar_spec_flag(g->rootvgwpar))
		return wpar_error_input(
		    err, "rootvg WPARs (-D ... rootvg=yes) are not supported in this release");
	if (write_only)
		return 0;
	if (wpar_spec_type(spec) == WPAR_APPLICATION)
		return wpar_error_input(
		    err,
		    "the spec describes an application WPAR (it has an application); use wparexec");
	if (wpar_store_exists(g->name))
		return wpar_error_input(
		    err, "0960-325 A workload partition called %s already exists.", g->name);
	bool preserving = wpar_spec_flag(g->preserve);
	if (check_root_directory(spec, o, preserving, err) < 0)
		return -1;
	struct wpar_fs_plan *plan = NULL;
	if (wpar_fs_plan_build(spec, &plan, err) < 0)
		return -1;
	int r = wpar_ckpt_check_plan(spec, plan, err);
	wpar_fs_plan_free(plan);
	return r;
}

int wpar_run_script(const char *script, const char *name, const char *dir, const char *extra_arg,
		    wpar_error_t *err)
{
	struct stat st;
	if (stat(script, &st) < 0)
		return wpar_error_errno(err, "cannot run %s", script);
	if (!S_ISREG(st.st_mode) || access(script, X_OK) < 0)
		return wpar_error_input(err, "%s is not an executable file", script);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return wpar_error_errno(err, "cannot fork to run %s", script);
	if (pid == 0) {
		char *argv[] = {(char *)script, (char *)name, (char *)dir, (char *)extra_arg, NULL};
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(script, argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return wpar_error_errno(err, "cannot wait for %s", script);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

struct creation {
	struct wpar_spec *spec;
	const struct wpar_create_opts *o;
	bool registered;     /* spec file and state record exist */
	bool made_root;      /* we created the root directory */
	bool root_existed;   /* it existed (empty) before */
	struct stat root_st; /* its owner and mode then */
	bool preserving;
	struct wpar_fs_plan *plan;
	struct wpar_fs_mounted *mounted;
};

static void progress(const struct creation *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(const struct creation *c, const char *fmt, ...)
{
	if (c->o->progress == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(c->o->progress, fmt, ap);
	va_end(ap);
	fflush(c->o->progress);
}

static int claim(struct creation *c, struct wpar_lock **lock, wpar_error_t *err)
{
	struct wpar_lock *registry = NULL, *rsets = NULL;
	if (wpar_registry_lock(&registry, err) < 0)
		return -1;
	int r = -1;
	/* The rset= checked below stays defined until the spec is saved. */
	if (c->spec->resources.rset && c->spec->resources.rset[0] &&
	    wpar_rset_registry_lock(false, &rsets, err) < 0)
		goto out;
	/* Checked again under the registry lock: two mkwpar of one name or
	 * one directory cannot both pass. */
	if (wpar_create_check(c->spec, c->o, false, err) < 0 || wpar_userns_claim(c->spec, err) < 0)
		goto out;
	if (wpar_lock_acquire(c->spec->general.name, WPAR_LOCK_NOWAIT, lock, err) < 0)
		goto out;
	if (wpar_state_set(c->spec->general.name, WPAR_TRANSITIONAL, "create", err) < 0)
		goto out;
	c->registered = true;
	if (wpar_store_save(c->spec, err) < 0)
		goto out;
	r = 0;
out:
	wpar_lock_release(rsets);
	wpar_lock_release(registry);
	return r;
}

static int make_root(struct creation *c, wpar_error_t *err)
{
	const char *dir = c->spec->general.directory;
	if (lstat(dir, &c->root_st) == 0) {
		c->root_existed = true;
		return 0;
	}
	cleanup_free char *parent = xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	if (parent[0] && !path_exists(parent) && mkdir_p(parent, 0700, err) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0)
		return wpar_error_errno(err, "cannot create %s", dir);
	c->made_root = true;
	return 0;
}

static void list_file_systems(const struct creation *c)
{
	progress(c, "mkwpar: Creating file systems...\n");
	for (size_t i = 0; i < c->plan->n; i++)
		progress(c, "    %s\n", c->plan->fs[i].directory);
}

static int run_postscript(struct creation *c, wpar_error_t *err)
{
	const char *script = c->spec->general.postscript;
	if (script == NULL)
		return 0;
	wpar_error_t serr = NULL;
	int rc =
	    wpar_run_script(script, c->spec->general.name, c->spec->general.directory, NULL, &serr);
	/* AIX: a failing post-installation script only warns. */
	if (rc != 0)
		fprintf(stderr, "mkwpar: warning: the post-installation script %s %s%s%d\n", script,
			serr ? serr->msg : "exited with status", serr ? "; status " : " ", rc);
	wpar_error_release(&serr);
	return 0;
}

static void undo(struct creation *c)
{
	wpar_error_t e = NULL;
	if (c->mounted && wpar_fs_unmount_own(c->mounted, &e) < 0) {
		fprintf(stderr, "mkwpar: cleanup: %s\n", e->msg);
		wpar_error_release(&e);
	}
	c->mounted = NULL;
	if (!c->preserving && (c->made_root || c->root_existed) && c->plan &&
	    wpar_rootfs_destroy(c->spec, c->plan, &e) < 0) {
		fprintf(stderr, "mkwpar: cleanup: %s\n", e->msg);
		wpar_error_release(&e);
	}
	if (c->root_existed && !c->preserving && !path_exists(c->spec->general.directory)) {
		/* Give the administrator's empty directory back as it was. */
		if (mkdir(c->spec->general.directory, c->root_st.st_mode & 07777) == 0) {
			if (chown(c->spec->general.directory, c->root_st.st_uid,
				  c->root_st.st_gid) < 0) {
				/* best effort */
			}
		}
	}
	if (c->made_root && c->plan == NULL)
		rmdir(c->spec->general.directory);
	if (c->registered && wpar_store_remove(c->spec->general.name, &e) < 0) {
		fprintf(stderr, "mkwpar: cleanup: %s\n", e->msg);
		wpar_error_release(&e);
	}
}

static int create_steps(struct creation *c, wpar_error_t *err)
{
	struct wpar_spec *spec = c->spec;
	if (wpar_step("rootdir", err) < 0 || make_root(c, err) < 0)
		return -1;
	if (c->o->preserve_name && (wpar_step("adopt", err) < 0 ||
				    wpar_preserve_adopt(spec, c->o->preserve_name, err) < 0))
		return -1;
	if (wpar_step("images", err) < 0 || wpar_fs_create_images(spec, err) < 0 ||
	    wpar_store_save(spec, err) < 0)
		return -1;
	if (wpar_fs_plan_build(spec, &c->plan, err) < 0)
		return -1;
	list_file_systems(c);
	if (wpar_step("mount", err) < 0 || wpar_fs_mount_own(c->plan, &c->mounted, err) < 0)
		return -1;
	if (!c->preserving) {
		struct wpar_populate_opts po = {
		    .copy_nameres = c->o->copy_nameres,
		    .root_password_hash = c->o->root_password_hash,
		};
		progress(c, "mkwpar: Populating file systems...\n");
		if (wpar_step("populate", err) < 0 ||
		    wpar_rootfs_populate(spec, c->plan, &po, err) < 0)
			return -1;
	} else if (c->o->root_password_hash &&
		   wpar_rootfs_set_root_password(spec->general.directory, c->o->root_password_hash,
						 err) < 0) {
		return -1;
	}
	if (wpar_step("postscript", err) < 0 || run_postscript(c, err) < 0)
		return -1;
	if (wpar_step("unmount", err) < 0)
		return -1;
	/* unmount_own frees its argument whatever happens. */
	if (wpar_fs_unmount_own(steal_pointer(&c->mounted), err) < 0)
		return -1;
	if (wpar_step("commit", err) < 0 || wpar_store_save(spec, err) < 0 ||
	    wpar_state_set(spec->general.name, WPAR_DEFINED, NULL, err) < 0)
		return -1;
	return 0;
}

int wpar_create(struct wpar_spec *spec, const struct wpar_create_opts *o, wpar_error_t *err)
{
	struct creation c = {.spec = spec, .o = o};
	c.preserving = wpar_spec_flag(spec->general.preserve);
	struct wpar_signal_guard guard;
	cleanup_lock struct wpar_lock *lock = NULL;
	wpar_signals_hold(&guard);
	int r = claim(&c, &lock, err);
	if (r == 0)
		r = create_steps(&c, err);
	if (r < 0)
		undo(&c);
	wpar_fs_plan_free(c.plan);
	if (r == 0)
		progress(&c,
			 "Workload partition %s created successfully.\n"
			 "mkwpar: 0960-390 To start the workload partition, execute the following "
			 "as root: startwpar [-v] %s\n",
			 spec->general.name, spec->general.name);
	wpar_signals_restore(&guard);
	return r;
}
