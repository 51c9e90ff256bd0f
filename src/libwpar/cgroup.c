/* Control groups of WPARs on cgroup v2 and cgroup v1 (see cgroup.h and
 * docs/mapping-cgroups.md).
 *
 * The hierarchies are found in /proc/self/mountinfo, never guessed: every
 * cgroup or cgroup2 mount at or below the root (/sys/fs/cgroup, or
 * WPAR_CGROUP_ROOT) is one.  The environment is read on every create and
 * open, so that one test process can use a fake tree and the real one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_systemd.h"
#include "util.h"

#define DEFAULT_ROOT      "/sys/fs/cgroup"
#define DEFAULT_PARENT    "wpar"
#define SYSTEMD_LEAF      "wpar"    /* the WPAR's group in its scope */
#define SYSTEMD_MONITOR   "monitor" /* its monitor's, beside it */
#define FREEZE_TIMEOUT_MS 5000
#define RMDIR_RETRY_MS    1000
#define POLL_MS           10

/* The v2 controllers a WPAR's limits need.  They are enabled in the
 * subtree_control of the project's own levels wherever the level above
 * offers them; the host root's own subtree_control is never written. */
static const char *const v2_controllers[] = {"cpu", "cpuset", "hugetlb", "io", "memory", "pids"};

struct hierarchy {
	char *mount;   /* mount point */
	char *options; /* v1 super options ("rw,cpu"); NULL for cgroup2 */
	char *dir;     /* the WPAR's group in it */
	bool present;  /* the group exists there */
};

struct wpar_cgroup {
	char *name;
	char *parent; /* relative to each hierarchy's mount point */
	char *leaf;   /* the WPAR's own level below it: its name, or "wpar" */
	/* Under systemd (cgroup_systemd.h): the WPAR's scope, its slice, and
	 * how many leading levels of `parent` are systemd's (the slices:
	 * their own files are not written). */
	bool systemd;
	char *unit, *slice;
	size_t foreign;
	enum wpar_cgroup_mode mode;
	struct hierarchy *h;
	size_t nh;
	int unified; /* index of the cgroup2 hierarchy, -1 when there is none */
};

/* Whether `word` is one of the words of `list` (separated by blanks,
 * commas or newlines): "cpu" in "rw,cpu,cpuacct" or "cpu memory". */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " ,\t\n");
		size_t len = strcspn(p, " ,\t\n");
		if (len == n && len > 0 && strncmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static bool holds_controller(const struct hierarchy *h, const char *controller)
{
	if (h->options == NULL)
		return false;
	cleanup_free char *named = xasprintf("name=%s", controller);
	return has_word(h->options, controller) || has_word(h->options, named);
}

static int write_to(const char *dir, const char *file, const char *val, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	/* O_TRUNC is accepted by cgroupfs and keeps a fake tree's plain
	 * files exact. */
	cleanup_close int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return wpar_error_errno(err, "cannot open %s", path);
	size_t len = strlen(val);
	ssize_t n = write(fd, val, len);
	if (n < 0)
		return wpar_error_errno(err, "cannot write \"%s\" to %s", val, path);
	if ((size_t)n != len)
		return wpar_error_make(err, EIO, "short write of \"%s\" to %s", val, path);
	return 0;
}

static int read_from(const char *dir, const char *file, char **out, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	return read_file(path, out, NULL, err);
}

/* ---- discovery ---------------------------------------------------------- */

/* Undoes the octal escapes of mountinfo ("\040" for a space). */
static void unescape_mountinfo(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Splits one mountinfo line: field 5 is the mount point; after the "-"
 * separator come the file system type, the source and the super options. */
static bool parse_mountinfo(char *line, char **point, char **fstype, char **super)
{
	char *save = NULL;
	int i = 0, after = -1;
	*point = *fstype = *super = NULL;
	for (char *t = strtok_r(line, " \n", &save); t; t = strtok_r(NULL, " \n", &save), i++) {
		if (i == 4)
			*point = t;
		else if (after < 0 && i > 5 && strcmp(t, "-") == 0)
			after = 0;
		else if (after >= 0) {
			if (after == 0)
				*fstype = t;
			else if (after == 2)
				*super = t;
			after++;
		}
	}
	return *point && *fstype && *super;
}

static void add_hierarchy(struct wpar_cgroup *cg, const char *mount, const char *options)
{
	for (size_t i = 0; i < cg->nh; i++) {
		if (strcmp(cg->h[i].mount, mount) == 0) { /* the last mount wins */
			free(cg->h[i].options);
			cg->h[i].options = options ? xstrdup(options) : NULL;
			return;
		}
	}
	cg->h = xrealloc(cg->h, (cg->nh + 1) * sizeof(*cg->h));
	cg->h[cg->nh++] =
	    (struct hierarchy){xstrdup(mount), options ? xstrdup(options) : NULL, NULL, false};
}

static bool valid_relative(const char *rel)
{
	if (rel[0] == '\0' || rel[0] == '/')
		return false;
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
			return false;
	return true;
}

/* Where the WPAR's group goes: <parent>/<name> in the project's own
 * subtree, or, where systemd manages a real cgroup v2 tree,
 * <slice path>/<scope>/wpar (the scope delegated to the project). */
static int choose_layout(struct wpar_cgroup *cg, bool real_v2_root, wpar_error_t *err)
{
	bool systemd = false;
	if (wpar_systemd_manages_cgroups(real_v2_root, &systemd, err) < 0)
		return -1;
	if (systemd && cg->mode != WPAR_CGROUP_V2)
		return wpar_error_input(err, "WPAR_CGROUP_MANAGER=systemd needs a cgroup v2 host "
					     "(this one has cgroup v1 controllers)");
	if (systemd) {
		cleanup_free char *slice_path = NULL;
		if (wpar_systemd_slice(&cg->slice, &slice_path, err) < 0)
			return -1;
		cg->systemd = true;
		cg->unit = wpar_systemd_scope_name(cg->name);
		cg->parent = xasprintf("%s/%s", slice_path, cg->unit);
		cg->leaf = xstrdup(SYSTEMD_LEAF);
		cg->foreign = 1;
		for (const char *p = slice_path; (p = strchr(p, '/')); p++)
			cg->foreign++;
		return 0;
	}
	const char *env = getenv("WPAR_CGROUP_PARENT");
	cg->parent = xstrdup(env && *env ? env : DEFAULT_PARENT);
	cg->leaf = xstrdup(cg->name);
	if (!valid_relative(cg->parent))
		return wpar_error_input(err, "WPAR_CGROUP_PARENT=%s: not a relative path",
					cg->parent);
	return 0;
}

/* Fills cg->mode and cg->h from mountinfo and the environment.  On a
 * hybrid host the v1 hierarchies are used, and the cgroup2 tree as well
 * (unless WPAR_CGROUP_UNIFIED=no): it has cgroup.kill and a reliable
 * "populated" flag even without controllers, and systemd tracks processes
 * there on hybrid hosts. */
static int discover(struct wpar_cgroup *cg, wpar_error_t *err)
{
	const char *env = getenv("WPAR_CGROUP_ROOT");
	cleanup_free char *root = xstrdup(env && *env ? env : DEFAULT_ROOT);
	for (size_t l = strlen(root); l > 1 && root[l - 1] == '/'; l--)
		root[l - 1] = '\0';
	env = getenv("WPAR_CGROUP_UNIFIED");
	bool use_unified = !(env && parse_yes_no(env) == 0);

	size_t rootlen = strlen(root);
	bool root_v2 = false;
	cleanup_free char *unified = NULL; /* a cgroup2 mount below the root */
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		char *point, *fstype, *super;
		if (!parse_mountinfo(line, &point, &fstype, &super))
			continue;
		bool v2 = strcmp(fstype, "cgroup2") == 0;
		if (!v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		unescape_mountinfo(point);
		if (v2 && strcmp(point, root) == 0)
			root_v2 = true;
		else if (strncmp(point, root, rootlen) != 0 || point[rootlen] != '/')
			continue;
		else if (!v2)
			add_hierarchy(cg, point, super);
		else if (unified == NULL)
			unified = xstrdup(point);
	}

	cg->mode = cg->nh > 0 && !root_v2 ? WPAR_CGROUP_V1 : WPAR_CGROUP_V2;
	cleanup_free char *controllers = xasprintf("%s/cgroup.controllers", root);
	if (cg->mode == WPAR_CGROUP_V2) {
		for (size_t i = 0; i < cg->nh; i++) {
			free(cg->h[i].mount);
			free(cg->h[i].options);
		}
		cg->nh = 0;
		/* The root itself (a fake tree is a plain directory with
		 * cgroup.controllers in it), else a cgroup2 mount below it. */
		if (root_v2 || path_exists(controllers))
			add_hierarchy(cg, root, NULL);
		else if (unified)
			add_hierarchy(cg, unified, NULL);
	} else if (unified && use_unified) {
		add_hierarchy(cg, unified, NULL);
	}
	cg->unified = -1;
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].options == NULL)
			cg->unified = (int)i;
	if (cg->nh == 0)
		return wpar_error_make(err, ENOENT, "no cgroup hierarchy is mounted at %s", root);
	if (choose_layout(cg, cg->mode == WPAR_CGROUP_V2 && root_v2, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->nh; i++)
		cg->h[i].dir = xasprintf("%s/%s/%s", cg->h[i].mount, cg->parent, cg->leaf);
	return 0;
}

enum wpar_cgroup_mode wpar_cgroup_detect(void)
{
	struct wpar_cgroup *cg = xcalloc(1, sizeof(*cg));
	cg->name = xstrdup("-");
	/* Without any hierarchy, v2: what a modern host would have. */
	discover(cg, NULL);
	enum wpar_cgroup_mode mode = cg->nh > 0 ? cg->mode : WPAR_CGROUP_V2;
	wpar_cgroup_free(cg);
	return mode;
}

void wpar_cgroup_free(struct wpar_cgroup *cg)
{
	if (cg == NULL)
		return;
	for (size_t i = 0; i < cg->nh; i++) {
		free(cg->h[i].mount);
		free(cg->h[i].options);
		free(cg->h[i].dir);
	}
	free(cg->h);
	free(cg->name);
	free(cg->parent);
	free(cg->leaf);
	free(cg->unit);
	free(cg->slice);
	free(cg);
}

static struct wpar_cgroup *new_cgroup(const char *name, wpar_error_t *err)
{
	if (strchr(name, '/') || !valid_relative(name)) {
		wpar_error_input(err, "%s: not a valid cgroup name", name);
		return NULL;
	}
	struct wpar_cgroup *cg = xcalloc(1, sizeof(*cg));
	cg->name = xstrdup(name);
	if (discover(cg, err) < 0) {
		wpar_cgroup_free(cg);
		return NULL;
	}
	return cg;
}

/* ---- processes ---------------------------------------------------------- */

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Appends the processes of `dir` and of the groups below it (a system
 * WPAR may make its own, inside its cgroup namespace). */
static int collect_pids(const char *dir, bool top, pid_t **pids, size_t *n, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_from(dir, "cgroup.procs", &text, top ? err : NULL) < 0)
		return top ? -1 : 0; /* a subgroup may vanish meanwhile */
	for (char *p = text, *end; *p; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p) {
			end = p + 1;
			continue;
		}
		if (v > 0) {
			*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
			(*pids)[(*n)++] = (pid_t)v;
		}
	}
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR) /* cgroupfs fills d_type */
			continue;
		cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
		collect_pids(sub, false, pids, n, NULL);
	}
	closedir(d);
	return 0;
}

static int hierarchy_pids(const char *dir, pid_t **pids, size_t *n, wpar_error_t *err)
{
	*pids = NULL;
	*n = 0;
	if (collect_pids(dir, true, pids, n, err) < 0)
		return -1;
	/* v1's cgroup.procs may repeat a process. */
	if (*n > 1)
		qsort(*pids, *n, sizeof(**pids), pid_cmp);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (k == 0 || (*pids)[k - 1] != (*pids)[i])
			(*pids)[k++] = (*pids)[i];
	*n = k;
	return 0;
}

/* The hierarchy whose membership is read: the unified one, else the
 * freezer (what is killed is what was frozen), else the first. */
static const struct hierarchy *primary(const struct wpar_cgroup *cg)
{
	if (cg->unified >= 0 && cg->h[cg->unified].present)
		return &cg->h[cg->unified];
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].present && holds_controller(&cg->h[i], "freezer"))
			return &cg->h[i];
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].present)
			return &cg->h[i];
	return NULL;
}

int wpar_cgroup_pids(struct wpar_cgroup *cg, pid_t **pids, size_t *n, wpar_error_t *err)
{
	const struct hierarchy *h = primary(cg);
	if (h == NULL) {
		*pids = NULL;
		*n = 0;
		return 0;
	}
	return hierarchy_pids(h->dir, pids, n, err);
}

/* "1234 (sleep, state D), 1240 (bash, state S)" */
static char *describe_pids(const pid_t *pids, size_t n)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *path = xasprintf("/proc/%d/stat", (int)pids[i]);
		cleanup_free char *stat = NULL;
		char *open = NULL, *close = NULL;
		if (read_file(path, &stat, NULL, NULL) == 0) {
			open = strchr(stat, '(');
			close = strrchr(stat, ')');
		}
		strbuf_printf(&sb, "%s%d", i ? ", " : "", (int)pids[i]);
		if (open && close && close > open && close[1] == ' ' && close[2])
			strbuf_printf(&sb, " (%.*s, state %c)", (int)(close - open - 1), open + 1,
				      close[2]);
		else
			strbuf_puts(&sb, " (exited)");
	}
	return strbuf_steal(&sb);
}

/* Fails naming the processes: "<message>: 1234 (sleep, state D), ...". */
static int __attribute__((format(printf, 5, 6)))
fail_pids(wpar_error_t *err, int status, const pid_t *pids, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	cleanup_free char *who = describe_pids(pids, n);
	wpar_error_status(err, status, "%s: %s", msg, who);
	free(msg);
	return -1;
}

/* ---- creation ----------------------------------------------------------- */

/* v1: a new cpuset level has no CPUs and no memory nodes, and no task can
 * join it until it gets some: copy them from the level above.  Memory
 * limits must cover the levels below (use_hierarchy; always 1 on current
 * kernels, and only settable while a level has no children). */
static int prepare_v1_level(const struct hierarchy *h, const char *dir, const char *above,
			    wpar_error_t *err)
{
	if (holds_controller(h, "cpuset")) {
		bool noprefix = has_word(h->options, "noprefix");
		static const char *const files[] = {"cpus", "mems"};
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			cleanup_free char *file =
			    xasprintf("%s%s", noprefix ? "" : "cpuset.", files[i]);
			cleanup_free char *cur = NULL, *up = NULL;
			if (read_from(dir, file, &cur, err) < 0)
				return -1;
			if (cur[strspn(cur, " \n")] != '\0')
				continue;
			if (read_from(above, file, &up, err) < 0 ||
			    write_to(dir, file, up, err) < 0)
				return -1;
		}
	}
	if (holds_controller(h, "memory")) {
		cleanup_free char *cur = NULL;
		if (read_from(dir, "memory.use_hierarchy", &cur, NULL) == 0 && cur[0] == '0')
			write_to(dir, "memory.use_hierarchy", "1", NULL); /* best effort */
	}
	return 0;
}

/* v2: lets the levels below `dir` use the controllers `dir` has. */
static int enable_controllers(const char *dir, wpar_error_t *err)
{
	cleanup_free char *avail = NULL, *enabled = NULL;
	if (read_from(dir, "cgroup.controllers", &avail, err) < 0 ||
	    read_from(dir, "cgroup.subtree_control", &enabled, err) < 0)
		return -1;
	struct strbuf sb = {0};
	for (size_t i = 0; i < ARRAY_SIZE(v2_controllers); i++)
		if (has_word(avail, v2_controllers[i]) && !has_word(enabled, v2_controllers[i]))
			strbuf_printf(&sb, "%s+%s", sb.len ? " " : "", v2_controllers[i]);
	cleanup_free char *add = strbuf_steal(&sb);
	if (add[0] == '\0')
		return 0;
	return write_to(dir, "cgroup.subtree_control", add, err);
}

/* Creates <mount>/<parent>/<name> level by level; *made tells whether the
 * WPAR's own level is new. */
static int create_in(const struct wpar_cgroup *cg, const struct hierarchy *h, bool *made,
		     wpar_error_t *err)
{
	/* v1: usually the levels above exist and are set up already (every
	 * WPAR start after the first): only the WPAR's own level is made.
	 * v2 walks every level: a level made by someone else may not have
	 * enabled the controllers for the levels below. */
	if (h->options && mkdir(h->dir, 0755) == 0) {
		*made = true;
		cleanup_free char *above = xstrdup(h->dir);
		*strrchr(above, '/') = '\0';
		return prepare_v1_level(h, h->dir, above, err);
	}
	cleanup_free char *path = xstrdup(h->mount);
	cleanup_free char *rel = xasprintf("%s/%s", cg->parent, cg->leaf);
	char *save = NULL;
	*made = false;
	size_t level = 0;
	for (char *c = strtok_r(rel, "/", &save); c; c = strtok_r(NULL, "/", &save), level++) {
		cleanup_free char *above = path;
		path = xasprintf("%s/%s", above, c);
		/* Not the root's, nor systemd's slices': their owners decide. */
		if (h->options == NULL && level > cg->foreign && enable_controllers(above, err) < 0)
			return -1;
		if (mkdir(path, 0755) == 0)
			*made = strcmp(path, h->dir) == 0;
		else if (errno != EEXIST)
			return wpar_error_errno(err, "cannot create %s", path);
		if (h->options && prepare_v1_level(h, path, above, err) < 0)
			return -1;
	}
	return 0;
}

/* Under systemd: the WPAR's scope, started with the calling process (the
 * WPAR's monitor) in it, which then moves to the scope's monitor group:
 * a group that enables controllers for the groups below it may hold no
 * process itself.  A scope that exists already is either still being
 * stopped by systemd (a moment) or holds a WPAR that runs. */
static int enter_scope(struct wpar_cgroup *cg, wpar_error_t *err)
{
	const struct hierarchy *h = &cg->h[cg->unified];
	cleanup_free char *desc = xasprintf("Workload partition %s", cg->name);
	cleanup_free char *scope = xasprintf("%s/%s", h->mount, cg->parent);
	for (long long end = monotonic_ms() + RMDIR_RETRY_MS;;) {
		wpar_error_t e = NULL;
		if (wpar_systemd_start_scope(cg->unit, cg->slice, desc, getpid(), &e) == 0)
			break;
		bool exists = e->status == EEXIST;
		if (exists && monotonic_ms() < end) {
			wpar_error_release(&e);
			sleep_ms(5 * POLL_MS);
			continue;
		}
		pid_t *pids = NULL;
		size_t n = 0;
		if (exists && hierarchy_pids(scope, &pids, &n, NULL) == 0 && n > 0) {
			wpar_error_release(&e);
			fail_pids(err, EBUSY, pids, n,
				  "the cgroup of workload partition %s is in use by processes",
				  cg->name);
		} else {
			*err = e;
		}
		free(pids);
		return -1;
	}
	cleanup_free char *monitor = xasprintf("%s/%s", scope, SYSTEMD_MONITOR);
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (mkdir(monitor, 0755) < 0 && errno != EEXIST)
		return wpar_error_errno(err, "cannot create %s", monitor);
	/* O_CREAT changes nothing on cgroupfs, where the file came with the
	 * group; a fake tree's new group has no files until it is written. */
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", monitor);
	cleanup_close int fd = open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, pid, strlen(pid)) != (ssize_t)strlen(pid))
		return wpar_error_errno(err,
					"cannot move the monitor of workload partition %s "
					"into %s",
					cg->name, monitor);
	return 0;
}

int wpar_cgroup_create(const char *name, struct wpar_cgroup **out, wpar_error_t *err)
{
	struct wpar_cgroup *cg = new_cgroup(name, err);
	if (cg == NULL)
		return -1;
	if (cg->systemd && enter_scope(cg, err) < 0) {
		wpar_cgroup_free(cg);
		return -1;
	}
	bool *made = xcalloc(cg->nh, sizeof(*made));
	int r = 0;
	for (size_t i = 0; i < cg->nh && r == 0; i++) {
		r = create_in(cg, &cg->h[i], &made[i], err);
		cg->h[i].present = r == 0;
	}
	if (r < 0)
		wpar_error_prefix(err, "cgroup of workload partition %s", name);
	bool reused = false;
	for (size_t i = 0; i < cg->nh; i++)
		reused |= !made[i];
	if (r == 0 && reused) {
		/* Reused only when empty: processes in it belong to a WPAR
		 * that is still running. */
		pid_t *pids = NULL;
		size_t n = 0;
		r = wpar_cgroup_pids(cg, &pids, &n, err);
		if (r == 0 && n > 0)
			r = fail_pids(err, EBUSY, pids, n,
				      "the cgroup of workload partition %s is in use by processes",
				      name);
		free(pids);
	}
	if (r < 0) {
		for (size_t i = 0; i < cg->nh; i++)
			if (made[i])
				rmdir(cg->h[i].dir);
		free(made);
		wpar_cgroup_free(cg);
		return -1;
	}
	free(made);
	*out = cg;
	return 0;
}

int wpar_cgroup_open(const char *name, struct wpar_cgroup **out, wpar_error_t *err)
{
	struct wpar_cgroup *cg = new_cgroup(name, err);
	if (cg == NULL)
		return -1;
	bool any = false;
	for (size_t i = 0; i < cg->nh; i++) {
		struct stat st;
		cg->h[i].present = stat(cg->h[i].dir, &st) == 0 && S_ISDIR(st.st_mode);
		any |= cg->h[i].present;
	}
	if (any) {
		*out = cg;
		return 0;
	}
	wpar_cgroup_free(cg);
	return wpar_error_make(err, ENOENT, "workload partition %s has no cgroup", name);
}

/* ---- control ------------------------------------------------------------ */

int wpar_cgroup_attach(struct wpar_cgroup *cg, pid_t pid, wpar_error_t *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].present && write_to(cg->h[i].dir, "cgroup.procs", buf, err) < 0)
			return wpar_error_prefix(err,
						 "cannot move process %d into the cgroup of "
						 "workload partition %s",
						 (int)pid, cg->name);
	return 0;
}

/* Moving another process into a group write-locks the kernel's
 * threadgroup semaphore, which waits for an RCU grace period (15 ms
 * here, more than the rest of a start).  Two ways need no such lock: a
 * child born into its cgroup2 group (clone3 CLONE_INTO_CGROUP), and a
 * single thread moving itself ("0" into a v1 hierarchy's tasks file). */
pid_t wpar_cgroup_clone(struct wpar_cgroup *cg, unsigned long flags, bool *born_inside)
{
	*born_inside = false;
	const struct hierarchy *u =
	    cg->unified >= 0 && cg->h[cg->unified].present ? &cg->h[cg->unified] : NULL;
	int fd = u ? open(u->dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		struct clone_args args = {.flags = flags | CLONE_INTO_CGROUP,
					  .exit_signal = SIGCHLD,
					  .cgroup = (__u64)fd};
		pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		int saved = errno;
		if (pid != 0)
			close(fd);
		if (pid >= 0) {
			*born_inside = true;
			return pid;
		}
		errno = saved;
		/* An older kernel, or a test's fake tree: the plain way. */
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

int wpar_cgroup_join_self(struct wpar_cgroup *cg, bool born_inside, wpar_error_t *err)
{
	for (size_t i = 0; i < cg->nh; i++) {
		const struct hierarchy *h = &cg->h[i];
		if (!h->present || (h->options == NULL && born_inside))
			continue;
		if (write_to(h->dir, h->options ? "tasks" : "cgroup.procs", "0", err) < 0)
			return wpar_error_prefix(
			    err, "cannot join the cgroup of workload partition %s", cg->name);
	}
	return 0;
}

/* The freezer: v1's freezer hierarchy, else the unified tree. */
static const struct hierarchy *freezer_of(const struct wpar_cgroup *cg)
{
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].present && holds_controller(&cg->h[i], "freezer"))
			return &cg->h[i];
	if (cg->unified >= 0 && cg->h[cg->unified].present)
		return &cg->h[cg->unified];
	return NULL;
}

static bool reached(const struct hierarchy *h, bool frozen)
{
	cleanup_free char *text = NULL;
	if (h->options == NULL) /* v2: cgroup.events has "frozen 0|1" */
		return read_from(h->dir, "cgroup.events", &text, NULL) == 0 &&
		       strstr(text, frozen ? "frozen 1" : "frozen 0");
	return read_from(h->dir, "freezer.state", &text, NULL) == 0 &&
	       strncmp(text, frozen ? "FROZEN" : "THAWED", 6) == 0;
}

static int freeze_wait(struct wpar_cgroup *cg, bool frozen, int timeout_ms, wpar_error_t *err)
{
	const struct hierarchy *h = freezer_of(cg);
	if (h == NULL)
		return wpar_error_make(err, ENOTSUP, "workload partition %s has no cgroup freezer",
				       cg->name);
	int r = h->options ? write_to(h->dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err)
			   : write_to(h->dir, "cgroup.freeze", frozen ? "1" : "0", err);
	if (r < 0)
		return wpar_error_prefix(err, "cannot %s workload partition %s",
					 frozen ? "freeze" : "thaw", cg->name);
	for (long long end = monotonic_ms() + timeout_ms; !reached(h, frozen); sleep_ms(POLL_MS)) {
		if (monotonic_ms() < end)
			continue;
		if (frozen) /* never leave it half frozen */
			freeze_wait(cg, false, FREEZE_TIMEOUT_MS, NULL);
		pid_t *pids = NULL;
		size_t n = 0;
		hierarchy_pids(h->dir, &pids, &n, NULL);
		r = fail_pids(err, ETIMEDOUT, pids, n,
			      "workload partition %s did not %s within %d ms; its processes",
			      cg->name, frozen ? "freeze" : "thaw", timeout_ms);
		free(pids);
		return r;
	}
	return 0;
}

int wpar_cgroup_freeze(struct wpar_cgroup *cg, bool frozen, wpar_error_t *err)
{
	return freeze_wait(cg, frozen, FREEZE_TIMEOUT_MS, err);
}

/* Without cgroup.kill: freeze so that no process forks or exits while the
 * list is read (a pid read is then still that process), SIGKILL each, thaw
 * so that the signals are delivered. */
static void kill_frozen(struct wpar_cgroup *cg, int timeout_ms)
{
	bool frozen = freezer_of(cg) && freeze_wait(cg, true, timeout_ms, NULL) == 0;
	pid_t *pids = NULL;
	size_t n = 0;
	wpar_cgroup_pids(cg, &pids, &n, NULL);
	for (size_t i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	free(pids);
	if (frozen)
		freeze_wait(cg, false, FREEZE_TIMEOUT_MS, NULL);
}

static bool all_known(const pid_t *pids, size_t n, const pid_t *known, size_t nknown)
{
	for (size_t i = 0; i < n; i++)
		if (nknown == 0 || !bsearch(&pids[i], known, nknown, sizeof(*known), pid_cmp))
			return false;
	return true;
}

int wpar_cgroup_kill_all(struct wpar_cgroup *cg, int timeout_ms, wpar_error_t *err)
{
	const struct hierarchy *u =
	    cg->unified >= 0 && cg->h[cg->unified].present ? &cg->h[cg->unified] : NULL;
	cleanup_free char *killfile = u ? xasprintf("%s/cgroup.kill", u->dir) : NULL;
	bool has_kill = killfile && path_exists(killfile);
	pid_t *known = NULL, *pids = NULL;
	size_t nknown = 0, n = 0;
	long long end = monotonic_ms() + timeout_ms;
	int r = 0;
	int backoff = 1;
	for (;;) {
		free(pids);
		pids = NULL;
		if ((r = wpar_cgroup_pids(cg, &pids, &n, err)) < 0 || n == 0)
			break;
		/* Kill again only when a process we have not seen appears
		 * (one moved in meanwhile); the others are dying. */
		if (!all_known(pids, n, known, nknown)) {
			if (has_kill) {
				r = write_to(u->dir, "cgroup.kill", "1", err);
				/* A process frozen by the v1 freezer dies only
				 * once thawed (v2's freezer lets SIGKILL in). */
				const struct hierarchy *fz = freezer_of(cg);
				if (r == 0 && fz && fz->options)
					r = freeze_wait(cg, false, FREEZE_TIMEOUT_MS, err);
			} else
				kill_frozen(
				    cg, (int)(end - monotonic_ms() > 0 ? end - monotonic_ms() : 1));
			if (r < 0)
				break;
			free(known);
			known = pids;
			nknown = n;
			pids = NULL;
			continue;
		}
		if (monotonic_ms() >= end) {
			r = fail_pids(err, ETIMEDOUT, pids, n,
				      "processes still in workload partition %s's cgroup",
				      cg->name);
			break;
		}
		/* Killed processes are usually gone within a millisecond. */
		sleep_ms(backoff);
		if (backoff < POLL_MS)
			backoff *= 2;
	}
	free(pids);
	free(known);
	return r;
}

/* ---- removal ------------------------------------------------------------ */

/* rmdir of the group and of the groups below it, deepest first. */
static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	return rmdir(dir) < 0 && errno != ENOENT ? -1 : 0;
}

int wpar_cgroup_destroy(struct wpar_cgroup *cg, wpar_error_t *err)
{
	int r = 0;
	for (size_t i = 0; i < cg->nh; i++) {
		struct hierarchy *h = &cg->h[i];
		if (!h->present)
			continue;
		pid_t *pids = NULL;
		size_t n = 0;
		int failed = 0;
		/* An empty group without groups below goes at once. */
		if (rmdir(h->dir) == 0 || errno == ENOENT) {
			h->present = false;
			continue;
		}
		for (long long end = monotonic_ms() + RMDIR_RETRY_MS;; sleep_ms(POLL_MS)) {
			free(pids);
			if (hierarchy_pids(h->dir, &pids, &n, NULL) == 0 && n > 0)
				break;
			failed = remove_tree(h->dir) < 0 ? errno : 0;
			/* A group that has just emptied can stay busy for a
			 * moment. */
			if (failed != EBUSY || monotonic_ms() >= end)
				break;
		}
		if (n > 0)
			r = fail_pids(err, EBUSY, pids, n,
				      "cannot remove %s: processes are still in it", h->dir);
		else if (failed)
			r = wpar_error_make(err, failed, "cannot remove %s", h->dir);
		else
			h->present = false;
		free(pids);
	}
	return r;
}

/* ---- memory protection --------------------------------------------------- */

/* A memory.low value in bytes; "max" saturates. */
static unsigned long long low_value(const char *path)
{
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, NULL) < 0)
		return 0;
	if (strncmp(text, "max", 3) == 0)
		return ~0ULL;
	return strtoull(text, NULL, 10);
}

static unsigned long long add_low(unsigned long long sum, unsigned long long v)
{
	return sum + v < sum ? ~0ULL : sum + v;
}

static char *low_text(unsigned long long v)
{
	return v == ~0ULL ? xstrdup("max") : xasprintf("%llu", v);
}

/* The project's own levels: each gets the sum of its children's
 * memory.low.  The walk stops at the hierarchy's root (the first level
 * without memory.low).  An flock on each level keeps two WPARs that start
 * together from writing a stale sum. */
static int protect_own_levels(const char *group, wpar_error_t *err)
{
	cleanup_free char *dir = xstrdup(group);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL || slash == dir)
			return 0;
		*slash = '\0';
		cleanup_free char *low = xasprintf("%s/memory.low", dir);
		if (!path_exists(low))
			return 0;
		cleanup_close int lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lock >= 0)
			flock(lock, LOCK_EX); /* best effort: the sum is right without */
		DIR *d = opendir(dir);
		if (d == NULL)
			return wpar_error_errno(err, "cannot read %s", dir);
		unsigned long long sum = 0;
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.' || e->d_type != DT_DIR)
				continue;
			cleanup_free char *child = xasprintf("%s/%s/memory.low", dir, e->d_name);
			sum = add_low(sum, low_value(child));
		}
		closedir(d);
		cleanup_free char *text = low_text(sum);
		if (write_to(dir, "memory.low", text, err) < 0)
			return wpar_error_prefix(err, "the memory minimums of the workload "
						      "partitions below");
	}
}

/* The minimums of the WPARs below a slice: memory.low of the WPAR group
 * of every scope in it and in the slices below it. */
static unsigned long long slice_lows(const char *dir)
{
	unsigned long long sum = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
		if (n > 6 && strcmp(e->d_name + n - 6, ".scope") == 0) {
			cleanup_free char *low = xasprintf("%s/%s/memory.low", sub, SYSTEMD_LEAF);
			sum = add_low(sum, low_value(low));
		} else if (n > 6 && strcmp(e->d_name + n - 6, ".slice") == 0) {
			sum = add_low(sum, slice_lows(sub));
		}
	}
	closedir(d);
	return sum;
}

/* systemd's levels are written through systemd (MemoryLow=), which owns
 * their files: the scope gets its WPAR's minimum, each slice the sum of
 * the WPARs below it. */
static int protect_systemd_levels(struct wpar_cgroup *cg, wpar_error_t *err)
{
	const struct hierarchy *h = &cg->h[cg->unified];
	cleanup_free char *leaf_low = xasprintf("%s/memory.low", h->dir);
	if (wpar_systemd_set_memory_low(cg->unit, low_value(leaf_low), err) < 0)
		return -1;
	/* parent = s1/.../sN/<scope>: the slices from the innermost out. */
	cleanup_free char *slices = xstrdup(cg->parent);
	*strrchr(slices, '/') = '\0';
	cleanup_free char *inner = xasprintf("%s/%s", h->mount, slices);
	cleanup_close int lock = open(inner, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock >= 0)
		flock(lock, LOCK_EX); /* as for the project's own levels */
	for (;;) {
		char *last = strrchr(slices, '/');
		cleanup_free char *dir = xasprintf("%s/%s", h->mount, slices);
		if (wpar_systemd_set_memory_low(last ? last + 1 : slices, slice_lows(dir), err) < 0)
			return -1;
		if (last == NULL)
			return 0;
		*last = '\0';
	}
}

int wpar_cgroup_protect_memory(struct wpar_cgroup *cg, wpar_error_t *err)
{
	if (cg->mode != WPAR_CGROUP_V2 || cg->unified < 0 || !cg->h[cg->unified].present)
		return 0;
	if (cg->systemd)
		return protect_systemd_levels(cg, err);
	return protect_own_levels(cg->h[cg->unified].dir, err);
}

/* ---- paths -------------------------------------------------------------- */

int wpar_cgroup_path(struct wpar_cgroup *cg, const char *controller, char **out, wpar_error_t *err)
{
	bool unified =
	    controller == NULL || controller[0] == '\0' || strcmp(controller, "unified") == 0;
	if (cg->mode == WPAR_CGROUP_V2 && !unified && strcmp(controller, "freezer") != 0) {
		/* On v2 a controller is there only when every level above
		 * enabled it; the host's root is not changed to force it. */
		const struct hierarchy *h = &cg->h[cg->unified];
		cleanup_free char *avail = NULL;
		if (read_from(h->dir, "cgroup.controllers", &avail, err) < 0)
			return -1;
		if (!has_word(avail, controller))
			return wpar_error_status(err, ENOENT,
						 "the %s controller is not available to workload "
						 "partition %s (not enabled in the subtree_control "
						 "of the levels above %s)",
						 controller, cg->name, h->dir);
		unified = true;
	}
	for (size_t i = 0; i < cg->nh; i++) {
		const struct hierarchy *h = &cg->h[i];
		bool want_unified = unified || cg->mode == WPAR_CGROUP_V2;
		if (h->present &&
		    (want_unified ? h->options == NULL : holds_controller(h, controller))) {
			*out = xstrdup(h->dir);
			return 0;
		}
	}
	if (unified)
		return wpar_error_status(
		    err, ENOENT, "workload partition %s has no cgroup in a cgroup2 hierarchy",
		    cg->name);
	return wpar_error_status(err, ENOENT,
				 "workload partition %s has no cgroup in a hierarchy with the %s "
				 "controller",
				 cg->name, controller);
}
