/* A WPAR's resource controls written into its cgroup, on cgroup v2 and
 * cgroup v1 alike, and what the host has that percentages are of.  The
 * mapping of every AIX control, its units and what is not enforced yet
 * are in docs/mapping-resources.md.
 *
 * wpar_cgroup_apply_limits() first plans every knob (file, value, and the
 * control it enforces), then checks that every knob that enforces a limit
 * has its controller and file, and only then writes: a missing controller
 * or an undefined resource set fails before anything changed.  A knob
 * that only restores the kernel's default is skipped where its controller
 * or file is missing.  Every value is written whole, so applying the same
 * limits again, or other limits to a running WPAR, replaces what was
 * there. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resources.h"
#include "rset.h"
#include "util.h"

#define HUNDRED_PCT   10000  /* percentages are in hundredths */
#define CFS_PERIOD    100000 /* µs: the kernel's default period */
#define CFS_MIN       1000   /* µs: the smallest quota the kernel takes */
#define WEIGHT_DFL    100    /* v2 cpu.weight default */
#define WEIGHT_MAX    10000  /* v2 cpu.weight maximum */
#define V1_SHARES_DFL 1024   /* v1 cpu.shares default */

/* ---- what the host has --------------------------------------------------- */

static int read_number(const char *path, long long *out, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, err) < 0)
		return -1;
	text[strcspn(text, " \t\n")] = '\0';
	if (parse_long(text, out) < 0)
		return wpar_error_input(err, "%s: \"%s\" is not a number", path, text);
	return 0;
}

/* A "Key:   N kB" line of /proc/meminfo, in bytes; 0 when it is not there. */
static unsigned long long meminfo_bytes(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, n) == 0 && p[n] == ':')
			return strtoull(p + n + 1, NULL, 10) * 1024ULL;
	return 0;
}

int wpar_host_resources(struct wpar_host_resources *out, wpar_error_t *err)
{
	memset(out, 0, sizeof(*out));
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1) {
		cleanup_free char *online = NULL;
		if (read_file("/sys/devices/system/cpu/online", &online, NULL, err) < 0)
			return -1;
		n = (int)wpar_idlist_count(online);
	}
	if (n < 1)
		return wpar_error_input(err, "cannot tell how many CPUs are online");
	out->ncpus = (int)n;

	cleanup_free char *meminfo = NULL;
	if (read_file("/proc/meminfo", &meminfo, NULL, err) < 0)
		return -1;
	out->memory = meminfo_bytes(meminfo, "MemTotal");
	if (out->memory == 0)
		return wpar_error_input(err, "/proc/meminfo has no MemTotal");

	/* The IPC id limits of the caller's IPC namespace (the host's). */
	if (read_number("/proc/sys/kernel/shmmni", &out->shmmni, err) < 0 ||
	    read_number("/proc/sys/kernel/msgmni", &out->msgmni, err) < 0)
		return -1;
	cleanup_free char *sem = NULL;
	long long msl, mns, opm; /* kernel.sem is "SEMMSL SEMMNS SEMOPM SEMMNI" */
	if (read_file("/proc/sys/kernel/sem", &sem, NULL, err) < 0)
		return -1;
	if (sscanf(sem, "%lld %lld %lld %lld", &msl, &mns, &opm, &out->semmni) != 4)
		return wpar_error_input(err, "/proc/sys/kernel/sem: \"%s\" is not four numbers",
					sem);
	return 0;
}

/* ---- conversions --------------------------------------------------------- */

/* 5000 → "50%", 2550 → "25.5%", 1 → "0.01%". */
static char *pct_text(int hundredths)
{
	if (hundredths % 100 == 0)
		return xasprintf("%d%%", hundredths / 100);
	if (hundredths % 10 == 0)
		return xasprintf("%d.%d%%", hundredths / 100, hundredths % 100 / 10);
	return xasprintf("%d.%02d%%", hundredths / 100, hundredths % 100);
}

/* `hundredths` of `total` bytes, whole pages, at least a page when not 0
 * (the kernel counts memory in pages and reads back whole pages). */
static unsigned long long pct_bytes(unsigned long long total, int hundredths)
{
	unsigned long long h = (unsigned long long)hundredths;
	unsigned long long v = total / HUNDRED_PCT * h + total % HUNDRED_PCT * h / HUNDRED_PCT;
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	v -= v % page;
	return v == 0 && hundredths > 0 ? page : v;
}

/* AIX shares (1..65535) as a weight: shares above the largest v2 weight
 * count as it, and no shares (unlimited) is the kernel's default, which
 * is thus worth 100 shares.  v2 cpu.weight is this number; v1 cpu.shares
 * is it times 1024/100, so both keep the same ratios. */
static long long cpu_weight(long long shares)
{
	if (shares == WPAR_UNLIMITED)
		return WEIGHT_DFL;
	return shares < 1 ? 1 : shares > WEIGHT_MAX ? WEIGHT_MAX : shares;
}

static long long v1_cpu_shares(long long shares)
{
	long long v = (cpu_weight(shares) * V1_SHARES_DFL + WEIGHT_DFL / 2) / WEIGHT_DFL;
	return v < 2 ? 2 : v;
}

/* The quota in µs per CFS_PERIOD of a hard maximum (percent of the whole
 * host: 100% is every online CPU), or -1 for none. */
static long long cfs_quota(int hard, int ncpus)
{
	if (hard >= HUNDRED_PCT)
		return -1;
	long long q = (long long)hard * ncpus * (CFS_PERIOD / HUNDRED_PCT);
	return q < CFS_MIN ? CFS_MIN : q;
}

/* The default huge page size in bytes, 0 when the host has none. */
static unsigned long long huge_page_size(void)
{
	cleanup_free char *meminfo = NULL;
	if (read_file("/proc/meminfo", &meminfo, NULL, NULL) < 0)
		return 0;
	return meminfo_bytes(meminfo, "Hugepagesize");
}

/* How the hugetlb controller names a page size: "2MB", "1GB", "64KB". */
static char *huge_page_name(unsigned long long size)
{
	if (size >= 1ULL << 30)
		return xasprintf("%lluGB", size >> 30);
	if (size >= 1ULL << 20)
		return xasprintf("%lluMB", size >> 20);
	return xasprintf("%lluKB", size >> 10);
}

/* A list of the cgroup level above `dir` ("cpus" or "mems"): what it
 * really has (v2 cpuset.cpus.effective, v1 cpuset.effective_cpus, with or
 * without the v1 "noprefix" names), else what it was given; NULL when
 * none can be read. */
static char *level_above_list(const char *dir, const char *what)
{
	static const struct {
		const char *before, *after;
	} names[] = {{"cpuset.", ".effective"},
		     {"cpuset.effective_", ""},
		     {"effective_", ""},
		     {"cpuset.", ""},
		     {"", ""}};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		cleanup_free char *path =
		    xasprintf("%s/../%s%s%s", dir, names[i].before, what, names[i].after);
		char *text = NULL;
		if (read_file(path, &text, NULL, NULL) == 0 && text[strspn(text, " \n")] != '\0')
			return text;
		free(text);
	}
	return NULL;
}

/* The CPUs and memory nodes of a resource set (rset.h): they must be
 * online and within the cpuset of the level above.  An unknown set, or
 * one that does not fit, refuses the limits as a whole rather than
 * applying them without it. */
static int resolve_rset(struct wpar_cgroup *cg, const char *name, char **cpus, char **mems,
			wpar_error_t *err)
{
	*cpus = *mems = NULL;
	cleanup_free char *dir = NULL, *above_cpus = NULL, *above_mems = NULL;
	/* Without a cpuset group the knobs fail to resolve below, naming
	 * the reason. */
	if (wpar_cgroup_path(cg, "cpuset", &dir, NULL) == 0) {
		above_cpus = level_above_list(dir, "cpus");
		above_mems = level_above_list(dir, "mems");
	}
	if (wpar_rset_resolve(name, above_cpus, above_mems, cpus, mems, err) < 0)
		return wpar_error_prefix(err, "rset=%s cannot be enforced", name);
	return 0;
}

/* ---- the plan ------------------------------------------------------------ */

struct knob {
	const char *controller; /* as wpar_cgroup_path() names it */
	char *file;
	char *value;         /* NULL: the value of `file` in the level above (v1 cpuset) */
	char *why;           /* the control it enforces, for messages */
	bool needed;         /* enforces a limit: a missing controller or file is an error */
	bool optional;       /* a file of newer kernels only: skipped when missing */
	const char *missing; /* why the file may be missing, for the message */
	char *dir;           /* resolved: the group's directory, NULL to skip */
};

struct plan {
	struct knob *k;
	size_t n;
};

static struct knob *add(struct plan *p, const char *controller, const char *file, char *value,
			bool needed, const char *why)
{
	p->k = xrealloc(p->k, (p->n + 1) * sizeof(*p->k));
	struct knob *k = &p->k[p->n++];
	*k = (struct knob){controller, xstrdup(file), value, xstrdup(why),
			   needed,     false,         NULL,  NULL};
	return k;
}

static void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->k[i].file);
		free(p->k[i].value);
		free(p->k[i].why);
		free(p->k[i].dir);
	}
	free(p->k);
}

/* A value of bytes: unlimited is "max" on v2 and "-1" on v1. */
static char *bytes_value(bool v2, unsigned long long bytes, bool unlimited)
{
	if (unlimited)
		return xstrdup(v2 ? "max" : "-1");
	return xasprintf("%llu", bytes);
}

/* v1 memory.memsw.*: the kernel has them only with swap accounting. */
static const char memsw_missing[] =
    "the kernel does not account swap per cgroup (swap accounting is off: boot with "
    "swapaccount=1, or use cgroup v2)";

static void plan_memory(struct plan *p, bool v2, const struct wpar_limits *l,
			const struct wpar_host_resources *host)
{
	struct wpar_pct_range m = {0, HUNDRED_PCT, HUNDRED_PCT};
	long long total = WPAR_UNLIMITED;
	if (l->active) {
		m = l->memory;
		total = l->total_virt_mem;
	}
	cleanup_free char *min = pct_text(m.min), *soft = pct_text(m.soft),
			  *hard = pct_text(m.hard);
	cleanup_free char *why_min = xasprintf("memory minimum %s", min);
	cleanup_free char *why_soft = xasprintf("memory soft maximum %s", soft);
	cleanup_free char *why_hard = xasprintf("memory hard maximum %s", hard);
	cleanup_free char *why_total = total == WPAR_UNLIMITED
					   ? xstrdup("totalVirtMem unlimited")
					   : xasprintf("totalVirtMem=%lldMB", total >> 20);
	bool soft_set = m.soft < HUNDRED_PCT, hard_set = m.hard < HUNDRED_PCT;
	bool total_set = total != WPAR_UNLIMITED;
	unsigned long long hard_bytes = pct_bytes(host->memory, m.hard);
	/* RAM plus swap cannot exceed totalVirtMem, so neither can RAM:
	 * the RAM limit is the smaller of the two (v1 refuses a RAM limit
	 * above memsw, and v2 needs it to split totalVirtMem). */
	if (total_set && (!hard_set || (unsigned long long)total < hard_bytes)) {
		hard_bytes = (unsigned long long)total;
		hard_bytes -= hard_bytes % (unsigned long long)sysconf(_SC_PAGESIZE);
		hard_set = true;
		free(why_hard);
		why_hard = xasprintf("memory hard maximum %s and %s", hard, why_total);
	}
	char *soft_v = bytes_value(v2, pct_bytes(host->memory, m.soft), !soft_set);
	char *hard_v = bytes_value(v2, hard_bytes, !hard_set);
	if (v2) {
		/* Protection first, then the gentle limit (memory.high
		 * reclaims without killing), then the one that may kill,
		 * then the swap that totalVirtMem leaves beside it. */
		add(p, "memory", "memory.low", xasprintf("%llu", pct_bytes(host->memory, m.min)),
		    m.min > 0, why_min);
		add(p, "memory", "memory.high", soft_v, soft_set, why_soft);
		add(p, "memory", "memory.max", hard_v, hard_set, why_hard);
		add(p, "memory", "memory.swap.max",
		    bytes_value(v2, total_set ? (unsigned long long)total - hard_bytes : 0,
				!total_set),
		    total_set, why_total);
	} else {
		/* The kernel requires memsw >= limit_in_bytes at every
		 * moment.  Both places for memsw are planned; once the
		 * current RAM limit is known, order_memsw() keeps the one
		 * that holds the rule: before the RAM limit when memsw does
		 * not go below the current RAM limit (raising), after it
		 * otherwise (lowering, when the new RAM limit is written
		 * first). */
		char *memsw = bytes_value(v2, (unsigned long long)total, !total_set);
		add(p, "memory", "memory.memsw.limit_in_bytes", memsw, total_set, why_total)
		    ->missing = memsw_missing;
		/* The hard limit next: it is the one the kernel may refuse
		 * (EBUSY, usage that cannot be reclaimed), and then nothing
		 * of the memory controls has changed (memsw, if written
		 * already, did not go below the RAM limit that stays). */
		add(p, "memory", "memory.limit_in_bytes", hard_v, hard_set, why_hard);
		add(p, "memory", "memory.memsw.limit_in_bytes", xstrdup(memsw), total_set,
		    why_total)
		    ->missing = memsw_missing;
		add(p, "memory", "memory.soft_limit_in_bytes", soft_v, soft_set, why_soft);
	}
}

/* A v1 byte value as a number: -1 (unlimited) is the largest. */
static unsigned long long v1_bytes(const char *value)
{
	if (value[0] == '-')
		return ~0ULL;
	return strtoull(value, NULL, 10);
}

/* Keeps one of the two memsw knobs that plan_memory() planned on v1: see
 * there.  Runs after resolve(), when the group's directory is known. */
static void order_memsw(struct plan *p)
{
	struct knob *first = NULL, *second = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->k[i].file, "memory.memsw.limit_in_bytes") == 0)
			*(first ? &second : &first) = &p->k[i];
	if (!second)
		return;
	bool raise = true;
	if (first->dir) {
		cleanup_free char *path = xasprintf("%s/memory.limit_in_bytes", first->dir);
		cleanup_free char *now = NULL;
		if (read_file(path, &now, NULL, NULL) == 0)
			raise = v1_bytes(first->value) >= v1_bytes(now);
	}
	struct knob *drop = raise ? second : first;
	free(drop->dir);
	drop->dir = NULL;
}

static void plan_cpu(struct plan *p, bool v2, const struct wpar_limits *l,
		     const struct wpar_host_resources *host)
{
	long long shares = l->active ? l->shares_cpu : WPAR_UNLIMITED;
	int hard = l->active ? l->cpu.hard : HUNDRED_PCT;
	cleanup_free char *why_shares = shares == WPAR_UNLIMITED
					    ? xstrdup("shares_CPU unlimited")
					    : xasprintf("shares_CPU=%lld", shares);
	cleanup_free char *hard_pct = pct_text(hard);
	cleanup_free char *why_hard = xasprintf("CPU hard maximum %s", hard_pct);
	long long quota = cfs_quota(hard, host->ncpus);
	bool shares_set = shares != WPAR_UNLIMITED, hard_set = quota >= 0;
	if (v2) {
		add(p, "cpu", "cpu.weight", xasprintf("%lld", cpu_weight(shares)), shares_set,
		    why_shares);
		add(p, "cpu", "cpu.max",
		    hard_set ? xasprintf("%lld %d", quota, CFS_PERIOD)
			     : xasprintf("max %d", CFS_PERIOD),
		    hard_set, why_hard);
	} else {
		add(p, "cpu", "cpu.shares", xasprintf("%lld", v1_cpu_shares(shares)), shares_set,
		    why_shares);
		/* The kernel checks quota and period together: lift the
		 * quota, set the period, then the new quota. */
		add(p, "cpu", "cpu.cfs_quota_us", xstrdup("-1"), hard_set, why_hard);
		add(p, "cpu", "cpu.cfs_period_us", xasprintf("%d", CFS_PERIOD), hard_set, why_hard);
		if (hard_set)
			add(p, "cpu", "cpu.cfs_quota_us", xasprintf("%lld", quota), true, why_hard);
	}
}

/* Linux counts tasks (threads): totalThreads is exact, totalProcesses
 * alone is enforced as a count of threads (stricter than AIX). */
static void plan_pids(struct plan *p, const struct wpar_limits *l)
{
	long long max = WPAR_UNLIMITED;
	cleanup_free char *why = xstrdup("totalThreads and totalProcesses unlimited");
	if (l->active && l->total_threads != WPAR_UNLIMITED) {
		max = l->total_threads;
		free(why);
		why = xasprintf("totalThreads=%lld", max);
	} else if (l->active && l->total_processes != WPAR_UNLIMITED) {
		max = l->total_processes;
		free(why);
		why = xasprintf("totalProcesses=%lld", max);
	}
	add(p, "pids", "pids.max", max == WPAR_UNLIMITED ? xstrdup("max") : xasprintf("%lld", max),
	    max != WPAR_UNLIMITED, why);
}

static int plan_hugetlb(struct plan *p, bool v2, const struct wpar_limits *l, wpar_error_t *err)
{
	long long pages = l->active ? l->total_large_pages : WPAR_UNLIMITED;
	bool set = pages != WPAR_UNLIMITED;
	unsigned long long size = huge_page_size();
	if (size == 0) {
		if (set)
			return wpar_error_input(
			    err,
			    "totalLargePages=%lld cannot be enforced: the host "
			    "has no huge pages (no Hugepagesize in /proc/meminfo)",
			    pages);
		return 0;
	}
	cleanup_free char *name = huge_page_name(size);
	cleanup_free char *why = set ? xasprintf("totalLargePages=%lld (pages of %s)", pages, name)
				     : xstrdup("totalLargePages unlimited");
	cleanup_free char *limit = xasprintf("hugetlb.%s.%s", name, v2 ? "max" : "limit_in_bytes");
	cleanup_free char *rsvd =
	    xasprintf("hugetlb.%s.rsvd.%s", name, v2 ? "max" : "limit_in_bytes");
	unsigned long long bytes = set ? (unsigned long long)pages * size : 0;
	/* The reservation limit makes mmap fail cleanly instead of a
	 * SIGBUS at the first touch; kernels before 5.7 lack it. */
	add(p, "hugetlb", rsvd, bytes_value(v2, bytes, !set), set, why)->optional = true;
	add(p, "hugetlb", limit, bytes_value(v2, bytes, !set), set, why);
	return 0;
}

static int plan_cpuset(struct wpar_cgroup *cg, struct plan *p, bool v2, const struct wpar_limits *l,
		       wpar_error_t *err)
{
	if (l->active && l->rset) {
		cleanup_free char *cpus = NULL, *mems = NULL;
		if (resolve_rset(cg, l->rset, &cpus, &mems, err) < 0)
			return -1;
		cleanup_free char *why = xasprintf("rset=%s", l->rset);
		add(p, "cpuset", "cpuset.cpus", steal_pointer(&cpus), true, why);
		add(p, "cpuset", "cpuset.mems", steal_pointer(&mems), true, why);
		return 0;
	}
	/* No resource set: every CPU and memory node of the level above.
	 * v2 says so with an empty list; a v1 cpuset needs them spelt out. */
	add(p, "cpuset", "cpuset.cpus", v2 ? xstrdup("\n") : NULL, false, "no rset");
	add(p, "cpuset", "cpuset.mems", v2 ? xstrdup("\n") : NULL, false, "no rset");
	return 0;
}

/* ---- checking and writing ------------------------------------------------- */

/* The directory of each knob, its file (v1 cpuset may lack the prefix:
 * "noprefix") and the values taken from the level above.  Fails when a
 * knob that enforces a limit cannot be written. */
static int resolve(struct wpar_cgroup *cg, struct plan *p, wpar_error_t *err)
{
	for (size_t i = 0; i < p->n; i++) {
		struct knob *k = &p->k[i];
		if (wpar_cgroup_path(cg, k->controller, &k->dir, k->needed ? err : NULL) < 0) {
			if (!k->needed)
				continue;
			return wpar_error_prefix(err, "%s cannot be enforced", k->why);
		}
		cleanup_free char *path = xasprintf("%s/%s", k->dir, k->file);
		size_t plen = strlen(k->controller) + 1;
		if (!path_exists(path) && strncmp(k->file, k->controller, plen - 1) == 0 &&
		    k->file[plen - 1] == '.') {
			cleanup_free char *bare = xasprintf("%s/%s", k->dir, k->file + plen);
			if (path_exists(bare)) {
				char *f = xstrdup(k->file + plen);
				free(k->file);
				k->file = f;
				free(path);
				path = steal_pointer(&bare);
			}
		}
		if (!path_exists(path)) {
			if (k->needed && !k->optional && k->missing)
				return wpar_error_make(err, ENOENT,
						       "%s cannot be enforced: %s (no %s)", k->why,
						       k->missing, path);
			if (k->needed && !k->optional)
				return wpar_error_make(err, ENOENT, "%s cannot be enforced: %s",
						       k->why, path);
			free(k->dir);
			k->dir = NULL;
			continue;
		}
		if (k->value == NULL) {
			cleanup_free char *above = xasprintf("%s/../%s", k->dir, k->file);
			if (read_file(above, &k->value, NULL, NULL) < 0 ||
			    k->value[strspn(k->value, " \n")] == '\0') {
				free(k->dir);
				k->dir = NULL;
			}
		}
	}
	return 0;
}

/* Why the kernel may have refused a value, for the message. */
static char *refusal_hint(const struct knob *k, int e)
{
	bool memsw = strcmp(k->file, "memory.memsw.limit_in_bytes") == 0;
	if (e == EBUSY && (memsw || strcmp(k->file, "memory.limit_in_bytes") == 0 ||
			   strcmp(k->file, "memory.max") == 0)) {
		cleanup_free char *usage = NULL;
		const char *used = memsw ? "memory.memsw.usage_in_bytes"
				   : k->file[strlen("memory.")] == 'm' ? "memory.current" /* v2 */
								       : "memory.usage_in_bytes";
		cleanup_free char *path = xasprintf("%s/%s", k->dir, used);
		if (read_file(path, &usage, NULL, NULL) == 0) {
			usage[strcspn(usage, "\n")] = '\0';
			return xasprintf("its processes use %s bytes, and the kernel could not "
					 "reclaim enough to go below the new limit; the previous "
					 "limit stays",
					 usage);
		}
		return xstrdup("its processes use more, and the kernel could not reclaim enough; "
			       "the previous limit stays");
	}
	if (e == EBUSY)
		return xstrdup("the kernel cannot change it while the group is in use");
	if (e == EINVAL)
		return xstrdup("the kernel refused the value (a level above, or another limit of "
			       "the group, may not allow it)");
	return NULL;
}

static int write_knob(const struct knob *k, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", k->dir, k->file);
	/* O_TRUNC: accepted by cgroupfs, and keeps a test's plain files
	 * exact. */
	cleanup_close int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len = strlen(k->value);
	ssize_t n = fd < 0 ? -1 : write(fd, k->value, len);
	if (n == (ssize_t)len)
		return 0;
	int e = n < 0 ? errno : EIO;
	cleanup_free char *shown = xstrdup(k->value);
	shown[strcspn(shown, "\n")] = '\0';
	cleanup_free char *hint = refusal_hint(k, e);
	return wpar_error_make(err, e, "cannot write \"%s\" to %s (%s)%s%s", shown, path, k->why,
			       hint ? ": " : "", hint ? hint : "");
}

int wpar_cgroup_apply_limits(struct wpar_cgroup *cg, const struct wpar_limits *l,
			     const struct wpar_host_resources *host, wpar_error_t *err)
{
	bool v2 = wpar_cgroup_detect() == WPAR_CGROUP_V2;
	struct plan p = {0};
	int r = -1;
	/* Memory first: on a running WPAR it is the change the kernel may
	 * refuse, and then none of the others has been made. */
	plan_memory(&p, v2, l, host);
	plan_cpu(&p, v2, l, host);
	plan_pids(&p, l);
	if (plan_hugetlb(&p, v2, l, err) < 0 || plan_cpuset(cg, &p, v2, l, err) < 0 ||
	    resolve(cg, &p, err) < 0)
		goto out;
	order_memsw(&p);
	const char *memory_dir = NULL;
	for (size_t i = 0; i < p.n; i++) {
		if (p.k[i].dir == NULL)
			continue;
		if (write_knob(&p.k[i], err) < 0)
			goto out;
		if (strcmp(p.k[i].file, "memory.low") == 0)
			memory_dir = p.k[i].dir;
	}
	if (v2 && memory_dir && wpar_cgroup_protect_memory(cg, err) < 0)
		goto out;
	r = 0;
out:
	plan_release(&p);
	return r;
}
