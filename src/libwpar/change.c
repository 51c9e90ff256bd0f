/* chwpar's work: change a WPAR's definition, and the host-side things that
 * follow from it (a new file system, the WPAR's own /etc/hostname, a
 * rename), validating the whole result before anything is written. */
#include <errno.h>
#include <string.h>

#include "cmdline.h"
#include "checkpoint.h"
#include "lifecycle.h"
#include "privs.h"
#include "resources_apply.h"
#include "runtime.h"
#include "name.h"
#include "net.h"
#include "paths.h"
#include "rootfs.h"
#include "rset.h"
#include "state.h"
#include "steps.h"
#include "store.h"
#include "userns.h"
#include "util.h"
#include "uuid.h"

/* File systems every system WPAR has; they can be changed, not removed. */
static bool is_base_fs(const char *dir)
{
	static const char *base[] = {"/",    "/usr",  "/opt", "/var",   "/tmp",   "/home",
				     "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
	for (size_t i = 0; i < ARRAY_SIZE(base); i++)
		if (strcmp(dir, base[i]) == 0)
			return true;
	return false;
}

/* The stanza instance a -K edit names, by its identifying attribute. */
static int find_instance(const struct wpar_spec *spec, const struct wpar_stanza_edit *e,
			 size_t *index, wpar_error_t *err)
{
	const char *key = NULL, *value = NULL;
	for (size_t i = 0; i < e->n_words && key == NULL; i++) {
		static const char *keys[] = {"directory", "address", "address6",  "rtdest",
					     "devname",   "devid",   "globaldev", "kext"};
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			if ((value = wpar_cmdline_attr_value(e->words + i, 1, keys[k])) != NULL) {
				key = keys[k];
				break;
			}
	}
	if (key == NULL)
		return wpar_error_input(err,
					"-K: name the %s to remove (directory=, address=, "
					"address6=, rtdest=, devname=, kext=)",
					wpar_spec_stanza_name(e->kind));
	for (size_t i = 0;; i++) {
		const char *have = NULL;
		switch (e->kind) {
		case WPAR_ST_MOUNT:
			if (i >= spec->n_mounts)
				goto none;
			have = spec->mounts[i].directory;
			break;
		case WPAR_ST_NETWORK:
			if (i >= spec->n_networks)
				goto none;
			have = strcmp(key, "address6") == 0 ? spec->networks[i].address6
							    : spec->networks[i].address;
			break;
		case WPAR_ST_ROUTE:
			if (i >= spec->n_routes)
				goto none;
			have = spec->routes[i].rtdest;
			break;
		case WPAR_ST_DEVICE:
			if (i >= spec->n_devices)
				goto none;
			have = strcmp(key, "devid") == 0       ? spec->devices[i].devid
			       : strcmp(key, "globaldev") == 0 ? spec->devices[i].globaldev
							       : spec->devices[i].devname;
			break;
		case WPAR_ST_EXTENSION:
			if (i >= spec->n_extensions)
				goto none;
			have = spec->extensions[i].kext;
			break;
		default:
			goto none;
		}
		if (have && strcmp(have, value) == 0) {
			*index = i;
			return 0;
		}
	}
none:
	return wpar_error_input(err, "-K: the WPAR has no %s with %s=%s",
				wpar_spec_stanza_name(e->kind), key, value);
}

struct pending {
	char **delete_files; /* images of removed mounts, deleted after save */
	size_t n_delete;
	char **new_dirs; /* mount points to create inside the root */
	size_t n_new_dirs;
};

static void pending_release(struct pending *p)
{
	for (size_t i = 0; i < p->n_delete; i++)
		free(p->delete_files[i]);
	free(p->delete_files);
	for (size_t i = 0; i < p->n_new_dirs; i++)
		free(p->new_dirs[i]);
	free(p->new_dirs);
}

static void push(char ***arr, size_t *n, const char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(char *));
	(*arr)[(*n)++] = xstrdup(s);
}

static int apply_edit(struct wpar_spec *spec, const struct wpar_stanza_edit *e,
		      enum wpar_state state, struct pending *p, wpar_error_t *err)
{
	if (e->kind == WPAR_ST_MOUNT && state != WPAR_DEFINED)
		return wpar_error_input(
		    err, "file systems can only be added or removed while the WPAR is Defined");
	if (e->kind == WPAR_ST_RESOURCES || e->kind == WPAR_ST_SECURITY) {
		if (!e->remove && e->kind == WPAR_ST_SECURITY)
			return wpar_privs_edit(spec, "-S", e->words, e->n_words, err);
		if (!e->remove)
			return wpar_spec_add_words(spec, e->kind, "-R", e->words, e->n_words, err);
		if (e->n_words == 0) { /* -K -R: back to the defaults */
			wpar_spec_remove_at(spec, e->kind, 0);
			return 0;
		}
		for (size_t i = 0; i < e->n_words; i++) {
			cleanup_free char *attr = xstrndup(e->words[i], strcspn(e->words[i], "="));
			if (wpar_spec_set(spec, e->kind, 0, attr, NULL, err) < 0)
				return -1;
		}
		return 0;
	}
	if (!e->remove) {
		if (e->kind == WPAR_ST_MOUNT) {
			const char *dir =
			    wpar_cmdline_attr_value(e->words, e->n_words, "directory");
			if (dir && wpar_spec_find_mount(spec, dir))
				return wpar_error_input(
				    err,
				    "-M: the WPAR already has a file system at %s; remove it first "
				    "with -K -M directory=%s",
				    dir, dir);
		}
		char flag[3] = {'-',
				e->kind == WPAR_ST_MOUNT     ? 'M'
				: e->kind == WPAR_ST_NETWORK ? 'N'
				: e->kind == WPAR_ST_ROUTE   ? 'I'
				: e->kind == WPAR_ST_DEVICE  ? 'D'
							     : 'X',
				0};
		if (e->kind == WPAR_ST_NETWORK)
			return wpar_net_edit(spec, e->words, e->n_words, err);
		if (wpar_spec_add_words(spec, e->kind, flag, e->words, e->n_words, err) < 0)
			return -1;
		if (e->kind == WPAR_ST_MOUNT) {
			struct wpar_mount *m = &spec->mounts[spec->n_mounts - 1];
			wpar_mount_fill_defaults(m);
			if (m->directory)
				push(&p->new_dirs, &p->n_new_dirs, m->directory);
		}
		if (e->kind == WPAR_ST_ROUTE)
			return wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "routing", "yes", err);
		return 0;
	}
	size_t idx = 0;
	if (find_instance(spec, e, &idx, err) < 0)
		return -1;
	if (e->kind == WPAR_ST_MOUNT) {
		struct wpar_mount *m = &spec->mounts[idx];
		if (is_base_fs(m->directory))
			return wpar_error_input(
			    err,
			    "-K -M: %s is a base file system of the WPAR and cannot be removed",
			    m->directory);
		cleanup_free char *sdir = wpar_path_statedir(spec->general.name);
		size_t len = strlen(sdir);
		if (m->dev && strncmp(m->dev, sdir, len) == 0 && m->dev[len] == '/')
			push(&p->delete_files, &p->n_delete, m->dev);
	}
	wpar_spec_remove_at(spec, e->kind, idx);
	return 0;
}

static int set_flag(struct wpar_spec *spec, const char *attr, int v, wpar_error_t *err)
{
	if (v < 0)
		return 0;
	return wpar_spec_set(spec, WPAR_ST_GENERAL, 0, attr, v ? "yes" : "no", err);
}

static int rewrite_hostname_files(const struct wpar_spec *spec, const char *old, wpar_error_t *err)
{
	const char *root = spec->general.directory;
	const char *h = spec->general.hostname;
	cleanup_free char *line = xasprintf("%s\n", h);
	if (write_file_in_root(root, "etc/hostname", line, strlen(line), 0644, err) < 0)
		return -1;
	cleanup_free char *hosts = NULL;
	if (read_file_in_root(root, "etc/hosts", &hosts, NULL) < 0)
		return 0;
	/* Replace the old name as a whole word on the 127.0.1.1 line. */
	struct strbuf sb = {0};
	char *save = NULL;
	for (char *l = strtok_r(hosts, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "127.0.1.1", 9) == 0 && old && strstr(l, old))
			strbuf_printf(&sb, "127.0.1.1\t%s\n", h);
		else
			strbuf_printf(&sb, "%s\n", l);
	}
	int r = write_file_in_root(root, "etc/hosts", sb.buf ? sb.buf : "", sb.len, 0644, err);
	strbuf_release(&sb);
	return r;
}

static int rename_wpar(struct wpar_spec *spec, const char *old, const char *new_name,
		       bool *moved_root, wpar_error_t *err)
{
	if (wpar_name_check(new_name, err) < 0)
		return -1;
	if (wpar_store_exists(new_name))
		return wpar_error_input(
		    err, "0960-325 A workload partition called %s already exists.", new_name);
	free(spec->general.name);
	spec->general.name = xstrdup(new_name);
	if (spec->general.hostname && strcmp(spec->general.hostname, old) == 0) {
		free(spec->general.hostname);
		spec->general.hostname = xstrdup(new_name);
	}
	/* The default root follows the name when it can simply be renamed. */
	cleanup_free char *old_root = wpar_path_default_root(old);
	cleanup_free char *new_root = wpar_path_default_root(new_name);
	*moved_root = strcmp(spec->general.directory, old_root) == 0 && !path_exists(new_root);
	if (*moved_root) {
		free(spec->general.directory);
		spec->general.directory = xstrdup(new_root);
	}
	cleanup_free char *osd = wpar_path_statedir(old);
	cleanup_free char *nsd = wpar_path_statedir(new_name);
	size_t len = strlen(osd);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct wpar_mount *m = &spec->mounts[i];
		if (m->dev && strncmp(m->dev, osd, len) == 0 && m->dev[len] == '/') {
			char *d = xasprintf("%s%s", nsd, m->dev + len);
			free(m->dev);
			m->dev = d;
		}
	}
	return 0;
}

static int commit_rename(const struct wpar_spec *spec, const char *old, bool moved_root,
			 wpar_error_t *err)
{
	const char *new_name = spec->general.name;
	cleanup_lock struct wpar_lock *nlock = NULL;
	if (wpar_lock_acquire(new_name, WPAR_LOCK_NOWAIT, &nlock, err) < 0)
		return -1;
	/* The new definition is written first: a crash then leaves two
	 * definitions of one WPAR, visible and removable, rather than none. */
	if (wpar_store_save(spec, err) < 0)
		return -1;
	if (moved_root) {
		cleanup_free char *old_root = wpar_path_default_root(old);
		if (rename(old_root, spec->general.directory) < 0 && errno != ENOENT) {
			int saved = errno;
			cleanup_free char *p = wpar_path_spec(new_name);
			unlink(p);
			return wpar_error_make(err, saved, "cannot rename %s to %s", old_root,
					       spec->general.directory);
		}
	}
	return wpar_store_rename(old, new_name, err);
}

static bool stanza_edited(const struct wpar_change *c, enum wpar_stanza_kind kind)
{
	for (size_t i = 0; i < c->n_edits; i++)
		if (c->edits[i].kind == kind)
			return true;
	return false;
}

static bool network_edited(const struct wpar_change *c)
{
	return c->routing >= 0 || stanza_edited(c, WPAR_ST_NETWORK) ||
	       stanza_edited(c, WPAR_ST_ROUTE);
}

static bool resources_edited(const struct wpar_change *c)
{
	return stanza_edited(c, WPAR_ST_RESOURCES);
}

static int change_locked(const char *name, const struct wpar_change *c, wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *orig = NULL;
	if (wpar_store_load(name, &orig, err) < 0)
		return -1;
	struct wpar_state_record rec;
	enum wpar_state state = wpar_state_effective_locked(name, &rec);
	if (state == WPAR_BROKEN && !c->force)
		return wpar_error_input(err,
					"workload partition %s is Broken (%s); recover it first",
					name, rec.reason[0] ? rec.reason : "no reason recorded");
	if (state == WPAR_TRANSITIONAL)
		return wpar_error_input(err, "workload partition %s is changing state", name);
	cleanup_spec struct wpar_spec *spec = wpar_spec_dup(orig);
	cleanup_spec struct wpar_spec *imgspec = NULL;
	struct pending p = {0};
	int r = -1;
	bool moved_root = false;
	pid_t net_pid = 0;     /* a running WPAR's network was changed */
	bool res_live = false; /* a running WPAR's limits were changed */
	pid_t res_pid = 0;
	/* Held from the check of the sum of minimums until the definition
	 * that counts in it is saved (resources_apply.c). */
	struct wpar_lock *minimums_lock = NULL;
	struct wpar_lock *rsets_lock = NULL;
	if (c->hostname &&
	    wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "hostname", c->hostname, err) < 0)
		goto out;
	if (set_flag(spec, "auto", c->autostart, err) < 0 ||
	    set_flag(spec, "routing", c->routing, err) < 0)
		goto out;
	if (c->checkpointable >= 0) {
		if (state != WPAR_DEFINED) {
			wpar_error_input(err, "-c: the checkpointable flag can only change while "
					      "the WPAR is Defined");
			goto out;
		}
		if (set_flag(spec, "checkpointable", c->checkpointable, err) < 0)
			goto out;
	}
	if ((c->script || c->clear_script) &&
	    wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "script", c->clear_script ? NULL : c->script,
			  err) < 0)
		goto out;
	if (c->uuid && wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "uuid", c->uuid, err) < 0)
		goto out;
	if (c->init && wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "init", c->init, err) < 0)
		goto out;
	if (c->new_uuid) {
		free(spec->general.uuid);
		spec->general.uuid = wpar_uuid_new();
	}
	for (size_t i = 0; i < c->n_edits; i++)
		if (apply_edit(spec, &c->edits[i], state, &p, err) < 0)
			goto out;
	if (c->new_name && strcmp(c->new_name, name) != 0) {
		if (state != WPAR_DEFINED) {
			wpar_error_input(err, "-n: a WPAR can only be renamed while it is Defined");
			goto out;
		}
		if (p.n_new_dirs || p.n_delete) {
			wpar_error_input(err, "-n: rename the WPAR and change its file systems in "
					      "two separate commands");
			goto out;
		}
		if (rename_wpar(spec, name, c->new_name, &moved_root, err) < 0)
			goto out;
	}
	/* Everything is checked before the host changes.  A resource set
	 * named stays in the registry until the definition is saved. */
	if (resources_edited(c) && spec->resources.rset && spec->resources.rset[0] &&
	    wpar_rset_registry_lock(false, &rsets_lock, err) < 0)
		goto out;
	if (wpar_spec_validate(spec, err) < 0 || wpar_net_check(spec, err) < 0)
		goto out;
	/* Under the registry lock wpar_change took for it. */
	if (stanza_edited(c, WPAR_ST_SECURITY) && wpar_userns_claim(spec, err) < 0)
		goto out;
	if (c->checkpointable == 1 ||
	    (wpar_spec_flag(spec->general.checkpointable) && stanza_edited(c, WPAR_ST_MOUNT))) {
		struct wpar_fs_plan *cplan = NULL;
		int rc = wpar_fs_plan_build_flags(spec, WPAR_FS_PLAN_LENIENT, &cplan, err);
		if (rc == 0)
			rc = wpar_ckpt_check_plan(spec, cplan, err);
		wpar_fs_plan_free(cplan);
		if (rc < 0)
			goto out;
	}
	/* -N, -I and -i on a running WPAR take effect at once (AIX); a change
	 * the kernel refuses leaves the WPAR with the network it had. */
	if (state == WPAR_ACTIVE && network_edited(c)) {
		struct wpar_runtime_info info = {0};
		wpar_runtime_read(name, &info, NULL);
		if (wpar_net_change_live(name, orig, spec, info.init_pid, err) < 0)
			goto out;
		net_pid = info.init_pid;
	}
	/* -R on a running WPAR takes effect at once (AIX: no restart); the
	 * definition is saved only once the kernel took the new limits. */
	if (state == WPAR_ACTIVE && resources_edited(c)) {
		struct wpar_runtime_info info = {0};
		wpar_runtime_read(name, &info, NULL);
		if (wpar_minimums_lock(&minimums_lock, err) < 0)
			goto out;
		if (wpar_resources_change_live(spec, info.init_pid, err) < 0) {
			wpar_error_t undo = NULL;
			wpar_resources_change_live(orig, info.init_pid, &undo);
			wpar_error_release(&undo);
			goto out;
		}
		res_live = true;
		res_pid = info.init_pid;
	}
	struct wpar_fs_plan *plan = NULL;
	if (wpar_fs_plan_build(spec, &plan, err) < 0)
		goto out;
	wpar_fs_plan_free(plan);
	bool system = wpar_spec_type(spec) == WPAR_SYSTEM;
	if (wpar_step("change", err) < 0)
		goto out;
	/* New file systems: images under the current name's state directory,
	 * mount points inside the root. */
	imgspec = wpar_spec_dup(spec);
	free(imgspec->general.name);
	imgspec->general.name = xstrdup(name);
	if (p.n_new_dirs && wpar_fs_create_images(imgspec, err) < 0)
		goto out;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].dev == NULL && imgspec->mounts[i].dev)
			spec->mounts[i].dev = xstrdup(imgspec->mounts[i].dev);
	for (size_t i = 0; system && i < p.n_new_dirs; i++)
		if (mkdir_in_root(orig->general.directory, p.new_dirs[i], 0755, err) < 0)
			goto out;
	if (system && state == WPAR_DEFINED && c->hostname &&
	    rewrite_hostname_files(spec, orig->general.hostname, err) < 0)
		goto out;
	if (system && c->root_password_hash &&
	    wpar_rootfs_set_root_password(orig->general.directory, c->root_password_hash, err) < 0)
		goto out;
	if (c->new_name && strcmp(c->new_name, name) != 0) {
		if (commit_rename(spec, name, moved_root, err) < 0)
			goto out;
	} else if (wpar_store_save(spec, err) < 0) {
		goto out;
	}
	for (size_t i = 0; i < p.n_delete; i++) {
		if (c->progress)
			fprintf(c->progress, "chwpar: Removing file system image %s.\n",
				p.delete_files[i]);
		if (unlink(p.delete_files[i]) < 0 && errno != ENOENT)
			fprintf(stderr, "chwpar: warning: cannot remove %s: %s\n",
				p.delete_files[i], strerror(errno));
	}
	/* A bounding set cannot grow on running processes, and shrinking it
	 * under them would break what they hold: the whole WPAR gets the new
	 * set together, at its next start (clogin sessions too). */
	if (state != WPAR_DEFINED && stanza_edited(c, WPAR_ST_SECURITY) && c->progress)
		fprintf(c->progress,
			"chwpar: The new privilege set of %s takes effect when it is next "
			"started.\n",
			name);
	r = 0;
out:
	if (r < 0 && net_pid > 0) {
		wpar_error_t undo = NULL;
		wpar_net_change_live(name, spec, orig, net_pid, &undo);
		wpar_error_release(&undo);
	}
	if (r < 0 && res_live) {
		/* The definition was not saved: the limits it has again. */
		wpar_error_t undo = NULL;
		wpar_resources_change_live(orig, res_pid, &undo);
		wpar_error_release(&undo);
	}
	wpar_lock_release(minimums_lock);
	wpar_lock_release(rsets_lock);
	pending_release(&p);
	return r;
}

int wpar_change(const char *name, const struct wpar_change *c, wpar_error_t *err)
{
	if (!wpar_store_exists(name))
		return wpar_store_load(name, NULL, err);
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_WAIT, &lock, err) < 0)
		return -1;
	struct wpar_lock *registry = NULL;
	/* A new name, or an id range for a user namespace, is claimed
	 * among all WPARs. */
	if ((c->new_name || stanza_edited(c, WPAR_ST_SECURITY)) &&
	    wpar_registry_lock(&registry, err) < 0)
		return -1;
	struct wpar_signal_guard guard;
	wpar_signals_hold(&guard);
	int r = change_locked(name, c, err);
	wpar_signals_restore(&guard);
	wpar_lock_release(registry);
	return r;
}
