/* The data behind each lswpar listing.  Labels and their order are AIX's;
 * values are what the spec says, with AIX's defaults where it says
 * nothing. */
#include "privs.h"
#include "userns.h"
#include "views.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "rootfs.h"
#include "util.h"

#define T TABLE_COL_TITLE

static const struct table_column summary_cols[] = {
    {"Name", "name", 0},         {"State", "state", 0},         {"Type", "type", 0},
    {"Hostname", "hostname", 0}, {"Directory", "directory", 0}, {"RootVG WPAR", "rootvgwpar", 0},
};
enum { SUM_NAME, SUM_STATE, SUM_TYPE, SUM_HOST, SUM_DIR, SUM_ROOTVG };

static const struct table_column general_cols[] = {
    {"Name", "name", T},
    {"State", "state", T},
    {"Type", "type", 0},
    {"RootVG WPAR", "rootvgwpar", 0},
    {"Owner", "owner", 0},
    {"Hostname", "hostname", 0},
    {"WPAR-Specific Routing", "wparspecificrouting", 0},
    {"Virtual IP WPAR", "virtualipwpar", 0},
    {"Directory", "directory", 0},
    {"Start/Stop Script", "startstopscript", 0},
    {"Auto Start", "autostart", 0},
    {"Private /usr", "privateusr", 0},
    {"Checkpointable", "checkpointable", 0},
    {"Application", "application", 0},
    {"OStype", "ostype", 0},
    {"UUID", "uuid", 0},
};
enum {
	GEN_NAME,
	GEN_STATE,
	GEN_TYPE,
	GEN_ROOTVG,
	GEN_OWNER,
	GEN_HOST,
	GEN_ROUTING,
	GEN_VIP,
	GEN_DIR,
	GEN_SCRIPT,
	GEN_AUTO,
	GEN_PRIVUSR,
	GEN_CHKPT,
	GEN_APP,
	GEN_OSTYPE,
	GEN_UUID,
};

/* Where the spec keeps a resource control, the value in force when the
 * spec is silent, and whether a defined WPAR shows that value too. */
struct resource_field {
	size_t offset;
	const char *running_default;
	bool always;
};
#define RF(field, dflt, always)                                                                    \
	{                                                                                          \
		offsetof(struct wpar_resources, field), dflt, always                               \
	}
static const struct resource_field resource_fields[] = {
    RF(active, "yes", true),
    RF(rset, "", false),
    RF(shares_CPU, "unlimited", false),
    RF(CPU, "0%-100%,100%", false),
    RF(shares_memory, "unlimited", false),
    RF(memory, "0%-100%,100%", false),
    RF(procVirtMem, "unlimited", true),
    RF(totalVirtMem, "unlimited", true),
    RF(totalProcesses, "unlimited", false),
    RF(totalThreads, "unlimited", false),
    RF(totalPTYs, "unlimited", false),
    RF(totalLargePages, "unlimited", false),
    RF(pct_msgIDs, "100%", false),
    RF(pct_semIDs, "100%", false),
    RF(pct_shmIDs, "100%", false),
    RF(pct_pinMem, "100%", false),
};
/* Same order as resource_fields, after the two title columns. */
static const struct table_column resource_cols[] = {
    {"Name", "name", T},
    {"State", "state", T},
    {"Active", "active", 0},
    {"Resource Set", "rset", 0},
    {"CPU Shares", "shares_CPU", 0},
    {"CPU Limits", "CPU", 0},
    {"Memory Shares", "shares_memory", 0},
    {"Memory Limits", "memory", 0},
    {"Per-Process Virtual Memory Limit", "procVirtMem", 0},
    {"Total Virtual Memory Limit", "totalVirtMem", 0},
    {"Total Processes", "totalProcesses", 0},
    {"Total Threads", "totalThreads", 0},
    {"Total PTYs", "totalPTYs", 0},
    {"Total Large Pages", "totalLargePages", 0},
    {"Max Message Queue IDs", "pct_msgIDs", 0},
    {"Max Semaphore IDs", "pct_semIDs", 0},
    {"Max Shared Memory IDs", "pct_shmIDs", 0},
    {"Max Pinned Memory", "pct_pinMem", 0},
};
_Static_assert(ARRAY_SIZE(resource_cols) == ARRAY_SIZE(resource_fields) + 2,
	       "one column per resource field");

static const struct table_column security_cols[] = {
    {"Name", "name", T},
    {"State", "state", T},
    {"Privileges", "privileges", 0},
    {"Security File", "securityfile", 0},
    {"User Namespace", "userns", 0},
};

static const struct table_column network_cols[] = {
    {"Name", "name", 0},           {"Interface", "interface", 0},
    {"Address(6)", "address", 0},  {"Mask/Prefix", "maskprefix", 0},
    {"Broadcast", "broadcast", 0},
};

static const struct table_column route_cols[] = {
    {"Name", "name", 0}, {"Destination", "destination", 0}, {"Gateway", "gateway", 0},
    {"Type", "type", 0}, {"Interface", "interface", 0},
};

static const struct table_column mount_cols[] = {
    {"Name", "name", 0}, {"Mount Point", "mountpoint", 0}, {"Device", "device", 0},
    {"Vfs", "vfs", 0},   {"Nodename", "nodename", 0},      {"Options", "options", 0},
};
enum { MNT_NAME, MNT_POINT, MNT_DEV, MNT_VFS, MNT_NODE, MNT_OPTS, MNT__N };

static const struct table_column device_cols[] = {
    {"Name", "name", 0},     {"Device Name", "devname", 0},
    {"Type", "type", 0},     {"Virtual Device", "virtualdevice", 0},
    {"RootVG", "rootvg", 0}, {"Status", "status", 0},
};

static const struct table_column extension_cols[] = {
    {"Name", "name", 0},     {"Extension Name", "extensionname", 0},
    {"Local", "local", 0},   {"Major", "major", 0},
    {"Status", "status", 0},
};

#undef T

static const struct {
	const struct table_column *cols;
	size_t n;
	bool paragraph;
} views[WPAR_VIEW__COUNT] = {
#define V(c, p)                                                                                    \
	{                                                                                          \
		c, ARRAY_SIZE(c), p                                                                \
	}
    [WPAR_VIEW_SUMMARY] = V(summary_cols, false),
    [WPAR_VIEW_GENERAL] = V(general_cols, true),
    [WPAR_VIEW_RESOURCES] = V(resource_cols, true),
    [WPAR_VIEW_SECURITY] = V(security_cols, true),
    [WPAR_VIEW_NETWORK] = V(network_cols, false),
    [WPAR_VIEW_ROUTES] = V(route_cols, false),
    [WPAR_VIEW_MOUNTS] = V(mount_cols, false),
    [WPAR_VIEW_DEVICES] = V(device_cols, false),
    [WPAR_VIEW_EXTENSIONS] = V(extension_cols, false),
#undef V
};

struct table *wpar_view_table(enum wpar_view view)
{
	return table_new(views[view].cols, views[view].n);
}

bool wpar_view_is_paragraph(enum wpar_view view)
{
	return views[view].paragraph;
}

/* States in which the WPAR exists in the kernel: its devices are handed
 * over and its resource controls are in force. */
static bool is_live(enum wpar_state s)
{
	return s == WPAR_ACTIVE || s == WPAR_LOADED || s == WPAR_FROZEN || s == WPAR_PAUSED ||
	       s == WPAR_MOVING;
}

unsigned wpar_view_flags_for_state(enum wpar_state state)
{
	return is_live(state) ? WPAR_VIEW_DEFAULTS : 0;
}

static const char *or_default(const char *v, const char *dflt)
{
	return v != NULL && v[0] != '\0' ? v : dflt;
}

static char *root_directory(const struct wpar_view_subject *w)
{
	const char *dir = w->spec->general.directory;
	if (dir != NULL)
		return xstrdup(dir);
	/* An application WPAR runs in the global file systems. */
	if (wpar_spec_type(w->spec) == WPAR_APPLICATION)
		return xstrdup("/");
	return wpar_path_default_root(w->name);
}

static const char *hostname_of(const struct wpar_view_subject *w)
{
	return or_default(w->spec->general.hostname, w->name);
}

static void add_summary(const struct wpar_view_subject *w, struct table *t)
{
	size_t r = table_add_row(t);
	char state[2] = {(char)w->state, '\0'};
	char type[2] = {(char)wpar_spec_type(w->spec), '\0'};
	table_set(t, r, SUM_NAME, w->name);
	table_set(t, r, SUM_STATE, state);
	table_set(t, r, SUM_TYPE, type);
	table_set(t, r, SUM_HOST, hostname_of(w));
	table_set_owned(t, r, SUM_DIR, root_directory(w));
	table_set(t, r, SUM_ROOTVG, or_default(w->spec->general.rootvgwpar, "no"));
}

static void set_title(const struct wpar_view_subject *w, struct table *t, size_t r)
{
	table_set(t, r, 0, w->name);
	table_set(t, r, 1, wpar_state_word(w->state));
}

static void add_general(const struct wpar_view_subject *w, struct table *t)
{
	const struct wpar_general *g = &w->spec->general;
	size_t r = table_add_row(t);
	char type[2] = {(char)wpar_spec_type(w->spec), '\0'};
	set_title(w, t, r);
	table_set(t, r, GEN_TYPE, type);
	table_set(t, r, GEN_ROOTVG, or_default(g->rootvgwpar, "no"));
	/* WPARs have no owner attribute yet; AIX shows root for them. */
	table_set(t, r, GEN_OWNER, "root");
	table_set(t, r, GEN_HOST, hostname_of(w));
	table_set(t, r, GEN_ROUTING, or_default(g->routing, "no"));
	/* No spec attribute corresponds to it yet; AIX leaves the line
	 * empty for WPARs that do not use the feature. */
	table_set(t, r, GEN_VIP, NULL);
	table_set_owned(t, r, GEN_DIR, root_directory(w));
	table_set(t, r, GEN_SCRIPT, g->script);
	table_set(t, r, GEN_AUTO, or_default(g->autostart, "no"));
	table_set(t, r, GEN_PRIVUSR, or_default(g->privateusr, "no"));
	table_set(t, r, GEN_CHKPT, or_default(g->checkpointable, "no"));
	table_set(t, r, GEN_APP, g->application);
	table_set(t, r, GEN_OSTYPE, or_default(g->ostype, "0"));
	table_set(t, r, GEN_UUID, g->uuid);
}

/* Specs store unlimited limits and shares as -1, as AIX's generated
 * specs do; people read "unlimited". */
static const char *resource_display(const char *v)
{
	return v != NULL && strcmp(v, "-1") == 0 ? "unlimited" : v;
}

static void add_resources(const struct wpar_view_subject *w, unsigned flags, struct table *t)
{
	size_t r = table_add_row(t);
	set_title(w, t, r);
	for (size_t i = 0; i < ARRAY_SIZE(resource_fields); i++) {
		const struct resource_field *f = &resource_fields[i];
		const char *v = *(char *const *)((const char *)&w->spec->resources + f->offset);
		if (v == NULL && (f->always || (flags & WPAR_VIEW_DEFAULTS)))
			v = f->running_default;
		table_set(t, r, 2 + i, resource_display(v));
	}
}

static void add_security(const struct wpar_view_subject *w, struct table *t)
{
	size_t r = table_add_row(t);
	set_title(w, t, r);
	/* The capabilities the set gives (the default of its type when the
	 * definition names none), whatever AIX names it was written with. */
	uint64_t mask;
	wpar_error_t e = NULL;
	if (wpar_privs_of(w->spec, &mask, &e) == 0)
		table_set_owned(t, r, 2, wpar_privs_format(mask));
	else
		table_set_owned(t, r, 2, xasprintf("(%s)", e->msg));
	wpar_error_release(&e);
	table_set(t, r, 3, w->spec->security.secfile);
	/* The host ids of its own user namespace, or "no". */
	struct wpar_idrange range;
	if (wpar_userns_of(w->spec, &range, NULL) == 1)
		table_set_owned(t, r, 4, xasprintf("%lu:%lu", range.first, range.count));
	else
		table_set(t, r, 4, "no");
}

/* AIX fills in the broadcast address when only address and netmask are
 * given; derive it the same way so the column is never blank for IPv4. */
static char *ipv4_broadcast(const char *address, const char *netmask)
{
	struct in_addr a, m;
	char buf[INET_ADDRSTRLEN];
	if (address == NULL || netmask == NULL || inet_pton(AF_INET, address, &a) != 1 ||
	    inet_pton(AF_INET, netmask, &m) != 1)
		return NULL;
	a.s_addr |= ~m.s_addr;
	return xstrdup(inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

static void add_network(const struct wpar_view_subject *w, struct table *t)
{
	for (size_t i = 0; i < w->spec->n_networks; i++) {
		const struct wpar_network *n = &w->spec->networks[i];
		size_t r = table_add_row(t);
		table_set(t, r, 0, w->name);
		table_set(t, r, 1, n->interface);
		table_set(t, r, 2, n->address ? n->address : n->address6);
		table_set(t, r, 3, n->address ? n->netmask : n->prefixlen);
		if (n->broadcast != NULL)
			table_set(t, r, 4, n->broadcast);
		else
			table_set_owned(t, r, 4, ipv4_broadcast(n->address, n->netmask));
	}
}

static void add_routes(const struct wpar_view_subject *w, struct table *t)
{
	for (size_t i = 0; i < w->spec->n_routes; i++) {
		const struct wpar_route *rt = &w->spec->routes[i];
		size_t r = table_add_row(t);
		table_set(t, r, 0, w->name);
		table_set(t, r, 1, rt->rtdest);
		table_set(t, r, 2, rt->rtgateway);
		table_set(t, r, 3, rt->rttype);
		table_set(t, r, 4, rt->rtinterface);
	}
}

struct mount_row {
	char *cell[MNT__N];
};

static int mount_row_cmp(const void *a, const void *b)
{
	const struct mount_row *x = a, *y = b;
	return strcmp(x->cell[MNT_POINT], y->cell[MNT_POINT]);
}

static char *host_mountpoint(const char *root, const char *directory)
{
	if (strcmp(directory, "/") == 0)
		return xstrdup(root);
	if (strcmp(root, "/") == 0)
		return xstrdup(directory);
	return xasprintf("%s%s", root, directory);
}

/* Device column for a stanza without a device of its own: a directory
 * mount lives inside its parent, tmpfs has no backing store. */
static const char *pseudo_device(const char *vfs)
{
	if (vfs != NULL && strcmp(vfs, "tmpfs") == 0)
		return "tmpfs";
	if (vfs != NULL && strcmp(vfs, "directory") == 0)
		return "directory";
	return NULL;
}

static const char *kind_vfs(const struct wpar_fs *fs)
{
	switch (fs->kind) {
	case WPAR_FS_DIRECTORY:
		return "directory";
	case WPAR_FS_BIND:
		return "namefs";
	case WPAR_FS_IMAGE:
		return "jfs2"; /* what a stanza without vfs= means */
	case WPAR_FS_TMPFS:
		return "tmpfs";
	case WPAR_FS_NFS:
		return "nfs";
	}
	return NULL;
}

static void plan_row(const struct wpar_view_subject *w, const struct wpar_fs *fs,
		     struct mount_row *row)
{
	const struct wpar_mount *m = fs->stanza >= 0 ? &w->spec->mounts[fs->stanza] : NULL;
	const char *vfs = m && m->vfs ? m->vfs : kind_vfs(fs);
	const char *dev;
	switch (fs->kind) {
	case WPAR_FS_DIRECTORY:
	case WPAR_FS_TMPFS:
		dev = pseudo_device(kind_vfs(fs));
		break;
	case WPAR_FS_NFS:
		/* The plan's source is "host:path"; AIX shows the server in
		 * Nodename and only the path as the device. */
		dev = m ? m->dev : fs->source;
		break;
	default:
		dev = fs->source;
	}
	row->cell[MNT_POINT] = xstrdup(fs->mountpoint);
	row->cell[MNT_DEV] = dev ? xstrdup(dev) : NULL;
	row->cell[MNT_VFS] = vfs ? xstrdup(vfs) : NULL;
	row->cell[MNT_NODE] = m && m->host ? xstrdup(m->host) : NULL;
	row->cell[MNT_OPTS] = fs->options ? xstrdup(fs->options) : NULL;
}

static void stanza_row(const char *root, const struct wpar_mount *m, struct mount_row *row)
{
	const char *vfs = m->vfs ? m->vfs : "jfs2";
	const char *dev = m->dev ? m->dev : pseudo_device(vfs);
	row->cell[MNT_POINT] = host_mountpoint(root, m->directory ? m->directory : "/");
	row->cell[MNT_DEV] = dev ? xstrdup(dev) : NULL;
	row->cell[MNT_VFS] = xstrdup(vfs);
	row->cell[MNT_NODE] = m->host ? xstrdup(m->host) : NULL;
	row->cell[MNT_OPTS] = m->mountopts ? xstrdup(m->mountopts) : NULL;
}

/* Rows straight from the stanzas, for a spec the plan refuses (a mount
 * point that escapes the root, two stanzas for one directory): listing
 * is how the administrator finds out what is wrong with it. */
static struct mount_row *stanza_rows(const struct wpar_view_subject *w, const char *root, size_t *n)
{
	bool has_root = wpar_spec_type(w->spec) == WPAR_APPLICATION ||
			wpar_spec_find_mount(w->spec, "/") != NULL;
	struct mount_row *rows = xcalloc(w->spec->n_mounts + 1, sizeof(*rows));
	*n = 0;
	/* The root is always a mount point, stanza or not (as in the plan). */
	if (!has_root)
		stanza_row(
		    root,
		    &(struct wpar_mount){.directory = (char *)"/", .vfs = (char *)"directory"},
		    &rows[(*n)++]);
	for (size_t i = 0; i < w->spec->n_mounts; i++)
		stanza_row(root, &w->spec->mounts[i], &rows[(*n)++]);
	return rows;
}

static void add_mounts(const struct wpar_view_subject *w, struct table *t)
{
	cleanup_free char *root = root_directory(w);
	/* The plan needs the root directory that mkwpar records; a spec
	 * without one gets the default root, as everywhere in lswpar.  A
	 * shallow copy is enough: the plan only reads. */
	struct wpar_spec with_root = *w->spec;
	with_root.general.directory = root;
	struct wpar_fs_plan *plan = NULL;
	wpar_error_t err = NULL;
	size_t n;
	struct mount_row *rows;
	/* Lenient: a bind source or image that has vanished from the host
	 * must not make the WPAR unlistable. */
	if (wpar_fs_plan_build_flags(&with_root, WPAR_FS_PLAN_LENIENT, &plan, &err) == 0) {
		n = plan->n;
		rows = xcalloc(n, sizeof(*rows));
		for (size_t i = 0; i < n; i++)
			plan_row(w, &plan->fs[i], &rows[i]);
		wpar_fs_plan_free(plan);
	} else {
		wpar_error_release(&err);
		rows = stanza_rows(w, root, &n);
	}
	qsort(rows, n, sizeof(*rows), mount_row_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t r = table_add_row(t);
		table_set(t, r, MNT_NAME, w->name);
		for (size_t c = MNT_POINT; c < MNT__N; c++)
			table_set_owned(t, r, c, rows[i].cell[c]);
	}
	free(rows);
}

/* The numeric devtype of AIX's generated specs, as its lswpar prints it. */
static const char *device_type(const struct wpar_device *d)
{
	static const char *const names[] = {NULL, "pseudo", "disk", "clone"};
	if (d->devtype != NULL) {
		char *end;
		unsigned long n = strtoul(d->devtype, &end, 10);
		if (*end == '\0' && n > 0 && n < ARRAY_SIZE(names))
			return names[n];
		return d->devtype;
	}
	if (wpar_spec_flag(d->rootvg) || d->devid != NULL)
		return "disk";
	return NULL;
}

static void add_devices(const struct wpar_view_subject *w, struct table *t)
{
	const char *status = is_live(w->state) ? "EXPORTED" : "ALLOCATED";
	for (size_t i = 0; i < w->spec->n_devices; i++) {
		const struct wpar_device *d = &w->spec->devices[i];
		/* export=no withdraws a default device; nothing is handed over */
		if (d->export_ != NULL && !wpar_spec_flag(d->export_))
			continue;
		const char *type = device_type(d);
		const char *rootvg = d->rootvg;
		if (rootvg == NULL && type != NULL && strcmp(type, "disk") == 0)
			rootvg = "no";
		size_t r = table_add_row(t);
		table_set(t, r, 0, w->name);
		table_set(t, r, 1, d->devname ? d->devname : d->devid);
		table_set(t, r, 2, type);
		/* Linux keeps a device's name inside the WPAR, so there is no
		 * renamed virtual device to show. */
		table_set(t, r, 3, NULL);
		table_set(t, r, 4, rootvg);
		table_set(t, r, 5, status);
	}
}

static void add_extensions(const struct wpar_view_subject *w, struct table *t)
{
	const char *status = is_live(w->state) ? "EXPORTED" : "ALLOCATED";
	for (size_t i = 0; i < w->spec->n_extensions; i++) {
		const struct wpar_extension *x = &w->spec->extensions[i];
		size_t r = table_add_row(t);
		table_set(t, r, 0, w->name);
		table_set(t, r, 1, x->kext);
		table_set(t, r, 2, or_default(x->local, "no"));
		table_set(t, r, 3, or_default(x->major, "no"));
		table_set(t, r, 4, status);
	}
}

void wpar_view_add(enum wpar_view view, const struct wpar_view_subject *w, unsigned flags,
		   struct table *t)
{
	switch (view) {
	case WPAR_VIEW_SUMMARY:
		add_summary(w, t);
		break;
	case WPAR_VIEW_GENERAL:
		add_general(w, t);
		break;
	case WPAR_VIEW_RESOURCES:
		add_resources(w, flags, t);
		break;
	case WPAR_VIEW_SECURITY:
		add_security(w, t);
		break;
	case WPAR_VIEW_NETWORK:
		add_network(w, t);
		break;
	case WPAR_VIEW_ROUTES:
		add_routes(w, t);
		break;
	case WPAR_VIEW_MOUNTS:
		add_mounts(w, t);
		break;
	case WPAR_VIEW_DEVICES:
		add_devices(w, t);
		break;
	case WPAR_VIEW_EXTENSIONS:
		add_extensions(w, t);
		break;
	case WPAR_VIEW__COUNT:
		abort();
	}
}

static const struct {
	const char *title;
	const char *json_key;
	enum wpar_view view;
} long_sections[] = {
    {"GENERAL", "general", WPAR_VIEW_GENERAL},
    {"NETWORK", "network", WPAR_VIEW_NETWORK},
    {"USER-SPECIFIED ROUTES", "routes", WPAR_VIEW_ROUTES},
    {"FILE SYSTEMS", "filesystems", WPAR_VIEW_MOUNTS},
    {"RESOURCE CONTROLS", "resources", WPAR_VIEW_RESOURCES},
    {"SECURITY SETTINGS", "security", WPAR_VIEW_SECURITY},
    {"DEVICE EXPORTS", "devices", WPAR_VIEW_DEVICES},
};

static struct table *long_section(size_t i, const struct wpar_view_subject *w, unsigned flags)
{
	struct table *t = wpar_view_table(long_sections[i].view);
	wpar_view_add(long_sections[i].view, w, flags, t);
	/* The banner already names the WPAR. */
	if (!wpar_view_is_paragraph(long_sections[i].view))
		table_hide(t, "name");
	return t;
}

void wpar_view_render_long(const struct wpar_view_subject *w, unsigned flags, struct strbuf *out)
{
	static const struct table_format fmt = {
	    .style = TABLE_ALIGNED,
	    .header_if_empty = true,
	};
	cleanup_free char *title = xasprintf("%s - %s", w->name, wpar_state_word(w->state));
	table_render_banner(title, out);
	for (size_t i = 0; i < ARRAY_SIZE(long_sections); i++) {
		cleanup_table struct table *t = long_section(i, w, flags);
		if (i > 0)
			strbuf_add(out, "\n", 1);
		strbuf_printf(out, "%s\n", long_sections[i].title);
		if (wpar_view_is_paragraph(long_sections[i].view))
			table_render_lines(t, 0, out);
		else
			table_render(t, &fmt, out);
	}
}

json_t *wpar_view_long_json(const struct wpar_view_subject *w, unsigned flags)
{
	json_t *obj = json_object();
	if (obj == NULL)
		abort();
	json_object_set_new(obj, "name", table_json_string(w->name));
	json_object_set_new(obj, "state", table_json_string(wpar_state_word(w->state)));
	for (size_t i = 0; i < ARRAY_SIZE(long_sections); i++) {
		cleanup_table struct table *t = long_section(i, w, flags);
		json_t *v = wpar_view_is_paragraph(long_sections[i].view)
				? table_row_to_json(t, 0, true)
				: table_to_json(t);
		json_object_set_new(obj, long_sections[i].json_key, v);
	}
	return obj;
}
