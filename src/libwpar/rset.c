/* Resource sets: CPU and memory-node lists, the host's, and the registry
 * of named sets in <confdir>/rsets (see rset.h). */
#include "rset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "spec.h"
#include "store.h"
#include "util.h"

#define LIST_EXAMPLE "such as 0-4,6,8-9"

void wpar_rset_release(struct wpar_rset *r)
{
	free(r->name);
	free(r->cpus);
	free(r->mems);
	r->name = r->cpus = r->mems = NULL;
}

/* ---- lists --------------------------------------------------------------- */

struct range {
	unsigned long lo, hi;
};

struct idlist {
	struct range *r;
	size_t n;
};

static void idlist_release(struct idlist *l)
{
	free(l->r);
	l->r = NULL;
	l->n = 0;
}

static int cmp_ranges(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

static void idlist_add(struct idlist *l, unsigned long lo, unsigned long hi)
{
	l->r = xrealloc(l->r, (l->n + 1) * sizeof(*l->r));
	l->r[l->n++] = (struct range){lo, hi};
}

/* One number of a list: decimal digits only, at most WPAR_RSET_ID_MAX. */
static const char *parse_id(const char *p, unsigned long *out)
{
	if (!isdigit((unsigned char)*p))
		return NULL;
	unsigned long v = 0;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > WPAR_RSET_ID_MAX)
			return NULL;
	}
	*out = v;
	return p;
}

/* Sorted, overlapping and adjacent ranges merged. */
static void idlist_normalise(struct idlist *l)
{
	if (l->n < 2)
		return;
	qsort(l->r, l->n, sizeof(*l->r), cmp_ranges);
	size_t k = 0;
	for (size_t i = 1; i < l->n; i++) {
		if (l->r[i].lo <= l->r[k].hi + 1) {
			if (l->r[i].hi > l->r[k].hi)
				l->r[k].hi = l->r[i].hi;
		} else {
			l->r[++k] = l->r[i];
		}
	}
	l->n = k + 1;
}

static int idlist_parse(const char *text, struct idlist *out, wpar_error_t *err)
{
	*out = (struct idlist){0};
	size_t len = strlen(text);
	const char *p = text + strspn(text, " \t\n");
	while (len > 0 && strchr(" \t\n", text[len - 1]))
		len--;
	const char *end = text + len;
	if (p >= end)
		return 0;
	for (;;) {
		unsigned long lo = 0, hi = 0;
		const char *q = parse_id(p, &lo);
		if (q && *q == '-')
			q = parse_id(q + 1, &hi);
		else
			hi = lo;
		if (q == NULL || q > end || (q != end && *q != ',') || hi < lo) {
			idlist_release(out);
			const char *start = text + strspn(text, " \t\n");
			cleanup_free char *shown = xstrndup(start, (size_t)(end - start));
			return wpar_error_input(
			    err, "\"%s\" is not a list of numbers from 0 to %d " LIST_EXAMPLE,
			    shown, WPAR_RSET_ID_MAX);
		}
		idlist_add(out, lo, hi);
		if (q == end)
			break;
		p = q + 1;
	}
	idlist_normalise(out);
	return 0;
}

static char *idlist_format(const struct idlist *l)
{
	struct strbuf sb = {0};
	strbuf_puts(&sb, "");
	for (size_t i = 0; i < l->n; i++) {
		if (l->r[i].lo == l->r[i].hi)
			strbuf_printf(&sb, "%s%lu", i ? "," : "", l->r[i].lo);
		else
			strbuf_printf(&sb, "%s%lu-%lu", i ? "," : "", l->r[i].lo, l->r[i].hi);
	}
	return strbuf_steal(&sb);
}

int wpar_idlist_normalise(const char *text, char **out, wpar_error_t *err)
{
	struct idlist l;
	*out = NULL;
	if (idlist_parse(text, &l, err) < 0)
		return -1;
	*out = idlist_format(&l);
	idlist_release(&l);
	return 0;
}

int wpar_idlist_minus(const char *a, const char *b, char **out, wpar_error_t *err)
{
	struct idlist la, lb, d = {0};
	*out = NULL;
	if (idlist_parse(a, &la, err) < 0)
		return -1;
	if (idlist_parse(b, &lb, err) < 0) {
		idlist_release(&la);
		return -1;
	}
	/* Both sorted and merged: walk b's ranges across each range of a. */
	for (size_t i = 0; i < la.n; i++) {
		unsigned long lo = la.r[i].lo, hi = la.r[i].hi;
		bool left = true;
		for (size_t j = 0; j < lb.n && left; j++) {
			if (lb.r[j].hi < lo)
				continue;
			if (lb.r[j].lo > hi)
				break;
			if (lb.r[j].lo > lo)
				idlist_add(&d, lo, lb.r[j].lo - 1);
			if (lb.r[j].hi >= hi)
				left = false;
			else
				lo = lb.r[j].hi + 1;
		}
		if (left)
			idlist_add(&d, lo, hi);
	}
	*out = idlist_format(&d);
	idlist_release(&la);
	idlist_release(&lb);
	idlist_release(&d);
	return 0;
}

long wpar_idlist_count(const char *list)
{
	struct idlist l;
	if (idlist_parse(list, &l, NULL) < 0)
		return -1;
	long n = 0;
	for (size_t i = 0; i < l.n; i++)
		n += (long)(l.r[i].hi - l.r[i].lo + 1);
	idlist_release(&l);
	return n;
}

/* ---- the host -------------------------------------------------------------- */

static int read_list(const char *path, char **out, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, err) < 0)
		return -1;
	if (wpar_idlist_normalise(text, out, err) < 0)
		return wpar_error_prefix(err, "%s", path);
	return 0;
}

int wpar_rset_host(char **cpus, char **mems, wpar_error_t *err)
{
	*cpus = *mems = NULL;
	if (read_list("/sys/devices/system/cpu/online", cpus, NULL) < 0 || **cpus == '\0') {
		free(*cpus);
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			return wpar_error_input(err, "cannot tell which CPUs are online");
		*cpus = n == 1 ? xstrdup("0") : xasprintf("0-%ld", n - 1);
	}
	/* cpuset.mems takes the nodes that have memory; a kernel without
	 * NUMA support has node 0 only. */
	static const char *const node_files[] = {"/sys/devices/system/node/has_memory",
						 "/sys/devices/system/node/online"};
	for (size_t i = 0; i < ARRAY_SIZE(node_files); i++) {
		if (read_list(node_files[i], mems, NULL) == 0 && **mems != '\0')
			return 0;
		free(*mems);
		*mems = NULL;
	}
	*mems = xstrdup("0");
	return 0;
}

/* "CPU 5 is" / "CPUs 2-4 are": the elements of `list` in a message. */
static char *phrase(const char *what, const char *list)
{
	bool one = wpar_idlist_count(list) == 1;
	return xasprintf("%s%s %s %s", what, one ? "" : "s", list, one ? "is" : "are");
}

/* Fails when `list` has elements outside `within`: "CPUs 2-4 are not
 * online on this host (online CPUs: 0-1)". */
static int check_within(const char *what, const char *list, const char *within, const char *where,
			const char *label, wpar_error_t *err)
{
	cleanup_free char *extra = NULL;
	if (wpar_idlist_minus(list, within, &extra, err) < 0)
		return -1;
	if (extra[0] == '\0')
		return 0;
	cleanup_free char *p = phrase(what, extra);
	return wpar_error_input(err, "%s %s (%s: %s)", p, where, label,
				within[0] ? within : "none");
}

/* ---- names ----------------------------------------------------------------- */

static bool valid_part(const char *s, size_t len)
{
	if (len == 0 || len > WPAR_RSET_PART_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/* "x.tmp.123": what write_file_atomic names its temporary files. */
static bool temp_suffix(const char *s, size_t len)
{
	size_t d = len;
	while (d > 0 && isdigit((unsigned char)s[d - 1]))
		d--;
	return d < len && d >= 5 && strncmp(s + d - 5, ".tmp.", 5) == 0;
}

static const char name_rule[] =
    "it must be namespace/name, each part made of letters, digits, '_', '.' and '-', "
    "not starting with '.', at most 255 characters";

int wpar_rset_check_namespace(const char *ns, wpar_error_t *err)
{
	if (valid_part(ns, strlen(ns)))
		return 0;
	return wpar_error_input(err,
				"\"%s\" is not a valid resource set namespace: letters, digits, "
				"'_', '.' and '-', not starting with '.', at most 255 characters",
				ns);
}

int wpar_rset_check_name(const char *name, wpar_error_t *err)
{
	const char *slash = strchr(name, '/');
	if (slash == NULL || strchr(slash + 1, '/') || !valid_part(name, (size_t)(slash - name)) ||
	    !valid_part(slash + 1, strlen(slash + 1)) || temp_suffix(slash + 1, strlen(slash + 1)))
		return wpar_error_input(err, "\"%s\" is not a valid resource set name: %s", name,
					name_rule);
	return 0;
}

static bool is_sys(const char *name)
{
	size_t n = strlen(WPAR_RSET_SYS_NS);
	return strncmp(name, WPAR_RSET_SYS_NS, n) == 0 && name[n] == '/';
}

static char *rsets_dir(void)
{
	return xasprintf("%s/rsets", wpar_paths()->confdir);
}

/* <confdir>/rsets/<namespace>/<name>: the name holds the slash. */
static char *rset_path(const char *name)
{
	return xasprintf("%s/rsets/%s", wpar_paths()->confdir, name);
}

static int not_found(const char *name, wpar_error_t *err)
{
	wpar_error_input(err, "no resource set called %s", name);
	if (err && *err)
		(*err)->status = ENOENT; /* lets callers tell "missing" apart */
	return -1;
}

/* ---- the registry ---------------------------------------------------------- */

bool wpar_rset_exists(const char *name)
{
	if (name == NULL || wpar_rset_check_name(name, NULL) < 0)
		return false;
	if (strcmp(name, WPAR_RSET_SYS0) == 0)
		return true;
	if (is_sys(name))
		return false;
	cleanup_free char *path = rset_path(name);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "cpus=0-4\nmems=0\n" */
static int parse_record(const char *path, const char *text, struct wpar_rset *r, wpar_error_t *err)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		cleanup_free char *l = xstrndup(line, len);
		line += len + (line[len] == '\n');
		char **slot = NULL;
		if (strncmp(l, "cpus=", 5) == 0)
			slot = &r->cpus;
		else if (strncmp(l, "mems=", 5) == 0)
			slot = &r->mems;
		else
			continue; /* room for later keys */
		free(*slot);
		*slot = NULL;
		if (wpar_idlist_normalise(l + 5, slot, err) < 0)
			return wpar_error_prefix(err, "%s", path);
	}
	if (r->cpus == NULL || r->cpus[0] == '\0')
		return wpar_error_input(err, "%s: no CPUs (cpus=)", path);
	if (r->mems == NULL || r->mems[0] == '\0')
		return wpar_error_input(err, "%s: no memory nodes (mems=)", path);
	return 0;
}

int wpar_rset_load(const char *name, struct wpar_rset *out, wpar_error_t *err)
{
	*out = (struct wpar_rset){0};
	if (wpar_rset_check_name(name, NULL) < 0)
		return not_found(name, err);
	if (strcmp(name, WPAR_RSET_SYS0) == 0) {
		if (wpar_rset_host(&out->cpus, &out->mems, err) < 0)
			return -1;
		out->name = xstrdup(name);
		out->mode = 0444;
		return 0;
	}
	if (is_sys(name))
		return not_found(name, err);
	cleanup_free char *path = rset_path(name);
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return not_found(name, err);
		return wpar_error_errno(err, "cannot read %s", path);
	}
	if (!S_ISREG(st.st_mode))
		return not_found(name, err);
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, err) < 0)
		return -1;
	if (parse_record(path, text, out, err) < 0) {
		wpar_rset_release(out);
		return -1;
	}
	out->name = xstrdup(name);
	out->owner = st.st_uid;
	out->group = st.st_gid;
	out->mode = st.st_mode & 07777;
	return 0;
}

int wpar_rset_create(const char *name, const char *cpus, const char *mems, wpar_error_t *err)
{
	if (wpar_rset_check_name(name, err) < 0)
		return -1;
	if (is_sys(name))
		return wpar_error_input(
		    err,
		    "%s: the namespace sys is reserved for the system's resource "
		    "sets",
		    name);
	cleanup_free char *host_cpus = NULL, *host_mems = NULL, *c = NULL, *m = NULL;
	if (wpar_rset_host(&host_cpus, &host_mems, err) < 0)
		return -1;
	if (cpus == NULL)
		return wpar_error_input(err, "a resource set needs at least one CPU");
	if (wpar_idlist_normalise(cpus, &c, err) < 0)
		return wpar_error_prefix(err, "CPU list");
	if (c[0] == '\0')
		return wpar_error_input(err, "a resource set needs at least one CPU");
	if (mems == NULL) {
		m = xstrdup(host_mems);
	} else {
		if (wpar_idlist_normalise(mems, &m, err) < 0)
			return wpar_error_prefix(err, "memory node list");
		if (m[0] == '\0')
			return wpar_error_input(err,
						"a resource set needs at least one memory node");
	}
	if (check_within("CPU", c, host_cpus, "not online on this host", "online CPUs", err) < 0 ||
	    check_within("memory node", m, host_mems, "not on this host", "its memory nodes", err) <
		0)
		return -1;

	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_rset_registry_lock(true, &lock, err) < 0)
		return -1;
	cleanup_free char *path = rset_path(name);
	if (path_exists(path)) {
		wpar_error_input(err, "resource set %s already exists", name);
		if (err && *err)
			(*err)->status = EEXIST;
		return -1;
	}
	cleanup_free char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0755, err) < 0)
		return -1;
	cleanup_free char *record = xasprintf("cpus=%s\nmems=%s\n", c, m);
	return write_file_atomic(path, record, strlen(record), 0644, err);
}

static int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_add(char ***v, size_t *n, char *name)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = name;
}

int wpar_rset_list(const char *ns, char ***names, size_t *n, wpar_error_t *err)
{
	*names = NULL;
	*n = 0;
	if (ns && wpar_rset_check_namespace(ns, err) < 0)
		return -1;
	if (ns == NULL || strcmp(ns, WPAR_RSET_SYS_NS) == 0)
		names_add(names, n, xstrdup(WPAR_RSET_SYS0));
	cleanup_free char *top = rsets_dir();
	DIR *d = opendir(top);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		wpar_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		return wpar_error_errno(err, "cannot read %s", top);
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (!valid_part(e->d_name, strlen(e->d_name)) ||
		    strcmp(e->d_name, WPAR_RSET_SYS_NS) == 0 || (ns && strcmp(ns, e->d_name) != 0))
			continue;
		cleanup_free char *sub = xasprintf("%s/%s", top, e->d_name);
		DIR *s = opendir(sub);
		if (s == NULL)
			continue;
		for (struct dirent *f; (f = readdir(s));) {
			cleanup_free char *name = xasprintf("%s/%s", e->d_name, f->d_name);
			if (wpar_rset_exists(name))
				names_add(names, n, steal_pointer(&name));
		}
		closedir(s);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), cmp_strings);
	return 0;
}

/* mkrset and rmrset hold it exclusively; mkwpar and chwpar hold it shared
 * from the check that their rset= exists until their definition is saved,
 * so rmrset's look for users cannot fall between the two. */
int wpar_rset_registry_lock(bool exclusive, struct wpar_lock **out, wpar_error_t *err)
{
	return wpar_host_lock("rsets", exclusive ? WPAR_LOCK_WAIT : WPAR_LOCK_SHARED, out, err);
}

int wpar_rset_users(const char *name, char ***wpars, size_t *n, wpar_error_t *err)
{
	*wpars = NULL;
	*n = 0;
	char **all = NULL;
	size_t count = 0;
	if (wpar_store_list(&all, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct wpar_spec *spec = NULL;
		if (wpar_store_load(all[i], &spec, NULL) < 0)
			continue;
		if (spec->resources.rset && strcmp(spec->resources.rset, name) == 0)
			names_add(wpars, n, xstrdup(all[i]));
		wpar_spec_free(spec);
	}
	wpar_names_free(all, count);
	return 0;
}

int wpar_rset_remove(const char *name, wpar_error_t *err)
{
	if (wpar_rset_check_name(name, NULL) < 0)
		return not_found(name, err);
	if (is_sys(name))
		return wpar_error_input(
		    err,
		    "%s: the resource sets of the namespace sys are the system's "
		    "and cannot be removed",
		    name);
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_rset_registry_lock(true, &lock, err) < 0)
		return -1;
	if (!wpar_rset_exists(name))
		return not_found(name, err);
	char **users = NULL;
	size_t n = 0;
	if (wpar_rset_users(name, &users, &n, err) < 0)
		return -1;
	if (n > 0) {
		struct strbuf sb = {0};
		for (size_t i = 0; i < n; i++)
			strbuf_printf(&sb, "%s%s", i ? ", " : "", users[i]);
		cleanup_free char *list = strbuf_steal(&sb);
		wpar_error_input(err,
				 "resource set %s is used by workload partition%s %s; take it out "
				 "of their resource controls first (chwpar -K -R rset= wparName)",
				 name, n == 1 ? "" : "s", list);
		if (err && *err)
			(*err)->status = EBUSY;
		wpar_names_free(users, n);
		return -1;
	}
	cleanup_free char *path = rset_path(name);
	if (unlink(path) < 0)
		return wpar_error_errno(err, "cannot remove %s", path);
	/* An emptied namespace goes too, and the registry's directory. */
	*strrchr(path, '/') = '\0';
	if (rmdir(path) == 0) {
		cleanup_free char *top = rsets_dir();
		rmdir(top);
	}
	return 0;
}

int wpar_rset_resolve(const char *name, const char *above_cpus, const char *above_mems, char **cpus,
		      char **mems, wpar_error_t *err)
{
	*cpus = *mems = NULL;
	struct wpar_rset r;
	if (wpar_rset_load(name, &r, err) < 0)
		return -1;
	cleanup_free char *host_cpus = NULL, *host_mems = NULL;
	cleanup_free char *up_cpus = NULL, *up_mems = NULL;
	int ret = -1;
	if (wpar_rset_host(&host_cpus, &host_mems, err) < 0)
		goto out;
	/* The set was defined against the host of its day: CPUs and nodes
	 * may have gone offline since. */
	if (check_within("CPU", r.cpus, host_cpus, "not online", "online CPUs", err) < 0 ||
	    check_within("memory node", r.mems, host_mems, "not on this host", "its memory nodes",
			 err) < 0)
		goto out;
	/* A cpuset cannot hold what the level above lacks (v1 refuses the
	 * write, v2 would quietly narrow it). */
	if (above_cpus && wpar_idlist_normalise(above_cpus, &up_cpus, NULL) == 0 &&
	    up_cpus[0] != '\0' &&
	    check_within("CPU", r.cpus, up_cpus, "outside the cpuset of the level above",
			 "its CPUs", err) < 0)
		goto out;
	if (above_mems && wpar_idlist_normalise(above_mems, &up_mems, NULL) == 0 &&
	    up_mems[0] != '\0' &&
	    check_within("memory node", r.mems, up_mems, "outside the cpuset of the level above",
			 "its memory nodes", err) < 0)
		goto out;
	*cpus = steal_pointer(&r.cpus);
	*mems = steal_pointer(&r.mems);
	ret = 0;
out:
	wpar_rset_release(&r);
	return ret;
}
