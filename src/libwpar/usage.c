/* Resource usage of running WPARs (usage.h): the counters of each WPAR's
 * cgroup on v1 or v2, and what its init's /proc entries show (network
 * namespace, devpts instance).
 *
 * Which cgroup version a counter comes from is told by the file found in
 * the controller's directory, not by a separate detection: on v2,
 * wpar_cgroup_path() gives the one group for every controller the levels
 * above enabled (and fails for v1-only names such as cpuacct or blkio);
 * on v1 and hybrid hosts, the group in the hierarchy holding the
 * controller.  A file that is not there leaves its number unknown; only
 * a group or an init that is gone fails the sample. */
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"
#include "spec.h"
#include "state.h"
#include "store.h"
#include "rset.h"
#include "util.h"

#define UNKNOWN WPAR_USAGE_UNKNOWN
#define MIB     (1024.0 * 1024.0)

/* ---- reading cgroup files -------------------------------------------------- */

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The text of dir/file, NULL when it cannot be read. */
static char *read_text(const char *dir, const char *file)
{
	if (dir == NULL)
		return NULL;
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	char *text = NULL;
	return read_file(path, &text, NULL, NULL) == 0 ? text : NULL;
}

/* A decimal number at the start of `s`; "max" (v2's "no limit") is
 * LLONG_MAX.  False when there is no number. */
static bool parse_value(const char *s, long long *out)
{
	s += strspn(s, " \t");
	if (strncmp(s, "max", 3) == 0) {
		*out = LLONG_MAX;
		return true;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || errno == ERANGE)
		return false;
	*out = v;
	return true;
}

/* The number in dir/file (its first word), UNKNOWN when unreadable. */
static long long read_value(const char *dir, const char *file)
{
	cleanup_free char *text = read_text(dir, file);
	long long v;
	return text && parse_value(text, &v) ? v : UNKNOWN;
}

/* The value of `key` in a flat-keyed file ("key value" lines: cpu.stat,
 * memory.stat), UNKNOWN when the key is not there. */
static long long keyed_value(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		long long v;
		if (strncmp(l, key, n) == 0 && l[n] == ' ' && parse_value(l + n + 1, &v))
			return v;
	}
	return UNKNOWN;
}

/* The directory of the WPAR's group that holds `controller`, NULL when
 * the host or the levels above do not give it one. */
static char *controller_dir(struct wpar_cgroup *cg, const char *controller)
{
	char *dir = NULL;
	return wpar_cgroup_path(cg, controller, &dir, NULL) == 0 ? dir : NULL;
}

/* ---- CPU --------------------------------------------------------------- */

static long long cpu_time(struct wpar_cgroup *cg)
{
	/* v1: the cpuacct hierarchy counts ns, the group's and below. */
	cleanup_free char *acct = controller_dir(cg, "cpuacct");
	if (acct)
		return read_value(acct, "cpuacct.usage");
	/* v2: cpu.stat is there without the cpu controller too. */
	cleanup_free char *dir = controller_dir(cg, NULL);
	cleanup_free char *stat = read_text(dir, "cpu.stat");
	long long us = stat ? keyed_value(stat, "usage_usec") : UNKNOWN;
	return us == UNKNOWN ? UNKNOWN : us * 1000;
}

/* The fraction of one CPU a level's CFS bandwidth allows, or a negative
 * number when the level has no quota; false when the level has no such
 * files (above the hierarchy's root, or no cpu controller). */
static bool level_quota(const char *dir, double *cpus)
{
	long long quota, period;
	cleanup_free char *max = read_text(dir, "cpu.max"); /* v2: "quota period" */
	if (max) {
		char *p = max;
		if (!parse_value(p, &quota))
			return false;
		p += strspn(p, " \t");
		p += strcspn(p, " \t");
		if (!parse_value(p, &period))
			period = 100000;
	} else {
		quota = read_value(dir, "cpu.cfs_quota_us");
		period = read_value(dir, "cpu.cfs_period_us");
		if (quota == UNKNOWN && period == UNKNOWN)
			return false;
	}
	*cpus = quota > 0 && quota != LLONG_MAX && period > 0 ? (double)quota / (double)period : -1;
	return true;
}

/* The CPU cap in % of the host: the tightest quota of the group and the
 * levels above it (each level's quota bounds everything below it), and
 * the share of the online CPUs its cpuset allows. */
static double cpu_limit(struct wpar_cgroup *cg, int ncpus)
{
	double limit = 100.0;
	cleanup_free char *dir = controller_dir(cg, "cpu");
	/* Up from the group while the level has the files: the walk ends at
	 * the hierarchy's root (v2's has no cpu.max; a v1 mount's parent
	 * directory has no cgroup files). */
	for (char *slash; dir && dir[0] == '/' && dir[1]; *slash = '\0') {
		double cpus;
		if (!level_quota(dir, &cpus))
			break;
		if (cpus >= 0 && cpus * 100.0 / ncpus < limit)
			limit = cpus * 100.0 / ncpus;
		slash = strrchr(dir, '/');
		if (slash == dir)
			break;
	}
	cleanup_free char *cs = controller_dir(cg, "cpuset");
	cleanup_free char *list = read_text(cs, "cpuset.cpus.effective"); /* v2 */
	if (list == NULL)
		list = read_text(cs, "cpuset.cpus"); /* v1 */
	int n = list ? (int)wpar_idlist_count(list) : 0;
	if (n > 0 && n < ncpus && n * 100.0 / ncpus < limit)
		limit = n * 100.0 / ncpus;
	return limit;
}

/* ---- memory ------------------------------------------------------------ */

/* The smallest memory.max of the group and of the levels above it (v2
 * has no hierarchical limit file); LLONG_MAX when none is set. */
static long long v2_memory_max(const char *group)
{
	long long limit = LLONG_MAX;
	cleanup_free char *dir = xstrdup(group);
	for (char *slash; dir[0] == '/' && dir[1]; *slash = '\0') {
		long long v = read_value(dir, "memory.max");
		if (v == UNKNOWN)
			break; /* the root of the hierarchy has none */
		if (v < limit)
			limit = v;
		slash = strrchr(dir, '/');
		if (slash == dir)
			break;
	}
	return limit;
}

static void read_memory(struct wpar_cgroup *cg, unsigned long long host_memory,
			struct wpar_usage_sample *out)
{
	cleanup_free char *dir = controller_dir(cg, "memory");
	cleanup_free char *stat = read_text(dir, "memory.stat");
	long long limit = LLONG_MAX;
	out->mem_bytes = read_value(dir, "memory.usage_in_bytes");
	if (out->mem_bytes != UNKNOWN) { /* v1 */
		out->mem_anon_bytes = stat ? keyed_value(stat, "total_rss") : UNKNOWN;
		out->mem_file_bytes = stat ? keyed_value(stat, "total_cache") : UNKNOWN;
		/* The limit of the group and the levels above, the tightest. */
		long long h = stat ? keyed_value(stat, "hierarchical_memory_limit") : UNKNOWN;
		limit = h != UNKNOWN ? h : read_value(dir, "memory.limit_in_bytes");
	} else if (dir) { /* v2 */
		out->mem_bytes = read_value(dir, "memory.current");
		out->mem_anon_bytes = stat ? keyed_value(stat, "anon") : UNKNOWN;
		out->mem_file_bytes = stat ? keyed_value(stat, "file") : UNKNOWN;
		limit = v2_memory_max(dir);
	}
	/* v1 says "no limit" with the largest page-aligned number. */
	out->mem_limited = limit >= 0 && (unsigned long long)limit < host_memory;
	out->mem_limit_bytes = out->mem_limited ? limit : (long long)host_memory;
}

/* ---- tasks --------------------------------------------------------------- */

/* The Threads: line of /proc/<pid>/status; 0 for a process that is gone. */
static long long process_threads(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, NULL) < 0)
		return 0;
	const char *t = strstr(text, "\nThreads:");
	return t ? strtoll(t + 9, NULL, 10) : 0;
}

/* Processes: cgroup.procs lists thread-group leaders.  Threads: the pids
 * controller counts tasks; without it, each process's own count. */
static void read_tasks(struct wpar_cgroup *cg, const pid_t *pids, size_t n,
		       struct wpar_usage_sample *out)
{
	out->processes = (long long)n;
	cleanup_free char *dir = controller_dir(cg, "pids");
	out->threads = read_value(dir, "pids.current");
	if (out->threads == UNKNOWN) {
		out->threads = 0;
		for (size_t i = 0; i < n; i++)
			out->threads += process_threads(pids[i]);
	}
}

/* ---- block I/O ----------------------------------------------------------- */

/* v2 io.stat: "8:0 rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N". */
static void sum_iostat(const char *text, long long *rd, long long *wr)
{
	*rd = *wr = 0;
	for (const char *p = text; (p = strstr(p, "bytes=")) != NULL; p += 6) {
		if (p == text)
			continue;
		long long v = strtoll(p + 6, NULL, 10);
		if (p[-1] == 'r' && (p - 1 == text || p[-2] == ' '))
			*rd += v;
		else if (p[-1] == 'w' && (p - 1 == text || p[-2] == ' '))
			*wr += v;
	}
}

/* The storage bytes of a process and of the children it reaped
 * (/proc/<pid>/io read_bytes, write_bytes); false when it is gone. */
static bool process_io(pid_t pid, long long *rd, long long *wr)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, NULL) < 0)
		return false;
	const char *r = strstr(text, "\nread_bytes:");
	const char *w = strstr(text, "\nwrite_bytes:");
	if (r == NULL || w == NULL)
		return false;
	*rd += strtoll(r + 12, NULL, 10);
	*wr += strtoll(w + 13, NULL, 10);
	return true;
}

/* v2: io.stat, where the kernel charges every bio to the group that
 * caused it, writeback included.  v1's blkio counters cannot serve:
 * current kernels count a device's bios there only once blk-throttle is
 * active on it (a throttle limit was set for that device), so they stay
 * at zero on most hosts, and even then writeback is charged to the host.
 * v1 (and v2 without the io controller) therefore adds the task I/O
 * accounting of the WPAR's processes: a process's counters include those
 * of the children it reaped, and every process of a WPAR is reaped inside
 * it (its init reaps orphans), so the sum grows with the WPAR's I/O;
 * buffered writes count when the pages are dirtied. */
static void read_io(struct wpar_cgroup *cg, const pid_t *pids, size_t n,
		    struct wpar_usage_sample *out)
{
	cleanup_free char *io = controller_dir(cg, "io");
	cleanup_free char *text = read_text(io, "io.stat");
	if (text) {
		sum_iostat(text, &out->io_read_bytes, &out->io_write_bytes);
		return;
	}
	long long rd = 0, wr = 0;
	bool known = n == 0;
	for (size_t i = 0; i < n; i++)
		known |= process_io(pids[i], &rd, &wr);
	if (known) {
		out->io_read_bytes = rd;
		out->io_write_bytes = wr;
	}
}

/* ---- the cgroup part of a sample ------------------------------------------ */

static void sample_init(struct wpar_usage_sample *out)
{
	*out = (struct wpar_usage_sample){
	    .cpu_ns = UNKNOWN,
	    .cpu_limit_pct = 100.0,
	    .mem_bytes = UNKNOWN,
	    .mem_anon_bytes = UNKNOWN,
	    .mem_file_bytes = UNKNOWN,
	    .mem_limit_bytes = UNKNOWN,
	    .processes = UNKNOWN,
	    .threads = UNKNOWN,
	    .ptys = UNKNOWN,
	    .io_read_bytes = UNKNOWN,
	    .io_write_bytes = UNKNOWN,
	    .net_rx_bytes = UNKNOWN,
	    .net_tx_bytes = UNKNOWN,
	};
}

int wpar_usage_read_cgroup(struct wpar_cgroup *cg, const struct wpar_host_resources *host,
			   struct wpar_usage_sample *out, wpar_error_t *err)
{
	sample_init(out);
	/* The clock next to the counter that moves fastest. */
	out->taken_ns = now_ns();
	out->cpu_ns = cpu_time(cg);
	pid_t *pids = NULL;
	size_t n = 0;
	if (wpar_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1; /* the group is gone */
	read_tasks(cg, pids, n, out);
	read_io(cg, pids, n, out);
	free(pids);
	read_memory(cg, host->memory, out);
	out->cpu_limit_pct = cpu_limit(cg, host->ncpus);
	return 0;
}

/* ---- what the init shows ----------------------------------------------------- */

int wpar_usage_parse_netdev(const char *text, long long *rx, long long *tx, wpar_error_t *err)
{
	*rx = *tx = 0;
	int seen = 0;
	/* Two header lines, then "  name: rx_bytes packets errs drop fifo
	 * frame compressed multicast tx_bytes ...". */
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *colon = strchr(l, ':');
		const char *eol = strchr(l, '\n');
		if (colon == NULL || (eol && colon > eol))
			continue;
		const char *name = l + strspn(l, " ");
		if (colon - name == 2 && strncmp(name, "lo", 2) == 0) {
			seen++;
			continue;
		}
		unsigned long long v[9];
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 9)
			return wpar_error_input(err, "net/dev: cannot read the line of %.*s",
						(int)(colon - name), name);
		*rx += (long long)v[0];
		*tx += (long long)v[8];
		seen++;
	}
	if (seen == 0)
		return wpar_error_input(err, "net/dev: no interface listed");
	return 0;
}

/* Reads /proc/<pid>/<rel> through a handle on /proc/<pid>: it reads
 * nothing once that process is gone, even when its pid is reused. */
static char *read_proc(int piddir, const char *rel)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", piddir, rel);
	char *text = NULL;
	return read_file(path, &text, NULL, NULL) == 0 ? text : NULL;
}

/* Pseudo-terminals in the WPAR's own devpts instance: its numbered
 * entries (ptmx is the multiplexer).  The path is resolved inside the
 * WPAR's root, never through a link out of it, and must end on devpts. */
static long long count_ptys(int piddir)
{
	cleanup_close int root = openat(piddir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return UNKNOWN;
	struct open_how how = {
	    .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root, "dev/pts", &how, sizeof(how));
	if (fd < 0)
		return UNKNOWN;
	struct statfs fs;
	if (fstatfs(fd, &fs) < 0 || fs.f_type != DEVPTS_SUPER_MAGIC) {
		close(fd);
		return UNKNOWN;
	}
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return UNKNOWN;
	}
	long long n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			n++;
	closedir(d);
	return n;
}

/* That /proc/<pid> still is the WPAR's init: PID 1 of a namespace below
 * the host's, child of the WPAR's monitor. */
static int check_init(int piddir, const char *name, const struct wpar_runtime_info *info,
		      wpar_error_t *err)
{
	cleanup_free char *status = read_proc(piddir, "status");
	if (status == NULL)
		return wpar_error_status(err, ESRCH, "the init of %s (pid %d) is gone", name,
					 (int)info->init_pid);
	const char *pp = strstr(status, "\nPPid:");
	const char *ns = strstr(status, "\nNSpid:");
	long long ppid = pp ? strtoll(pp + 6, NULL, 10) : -1;
	int levels = 0;
	long inner = 0;
	char *end;
	for (const char *p = ns ? ns + 7 : NULL; p; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		inner = v;
		levels++;
	}
	if (levels < 2 || inner != 1 || ppid != info->monitor_pid)
		return wpar_error_status(
		    err, ESRCH, "process %d is not the init of %s (its runtime record is stale)",
		    (int)info->init_pid, name);
	return 0;
}

/* ---- one WPAR ---------------------------------------------------------------- */

static int read_one(const char *name, const struct wpar_host_resources *host,
		    struct wpar_usage_sample *out, wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *spec = NULL;
	if (wpar_store_load(name, &spec, err) < 0)
		return -1;
	struct wpar_state_record rec;
	enum wpar_state st = wpar_state_effective(name, &rec);
	if (st != WPAR_ACTIVE)
		return wpar_error_status(
		    err, ESRCH,
		    "0960-254 Workload partition '%s' is not currently active (state: %s%s%s).",
		    name, wpar_state_word(st), st == WPAR_BROKEN && rec.reason[0] ? ": " : "",
		    st == WPAR_BROKEN ? rec.reason : "");
	struct wpar_runtime_info info;
	if (wpar_runtime_read(name, &info, err) < 0)
		return -1;
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", (int)info.init_pid);
	cleanup_close int piddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0)
		return wpar_error_status(err, ESRCH, "the init of %s (pid %d) is gone", name,
					 (int)info.init_pid);
	if (check_init(piddir, name, &info, err) < 0)
		return -1;
	struct wpar_cgroup *cg = NULL;
	if (wpar_cgroup_open(name, &cg, err) < 0)
		return -1;
	int r = wpar_usage_read_cgroup(cg, host, out, err);
	wpar_cgroup_free(cg);
	if (r < 0)
		return -1;
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->type = (char)wpar_spec_type(spec);
	out->init_pid = info.init_pid;
	out->started = info.started;

	cleanup_free char *netdev = read_proc(piddir, "net/dev");
	if (netdev &&
	    wpar_usage_parse_netdev(netdev, &out->net_rx_bytes, &out->net_tx_bytes, NULL) < 0)
		out->net_rx_bytes = out->net_tx_bytes = UNKNOWN;
	/* An application WPAR shares the host's devpts: its PTYs cannot be
	 * told from the host's. */
	if (out->type == WPAR_SYSTEM)
		out->ptys = count_ptys(piddir);
	/* Still the same init: what was read through its /proc entry was
	 * this run's. */
	return check_init(piddir, name, &info, err);
}

int wpar_usage_read(const char *name, struct wpar_usage_sample *out, wpar_error_t *err)
{
	struct wpar_host_resources host;
	if (wpar_host_resources(&host, err) < 0)
		return -1;
	return read_one(name, &host, out, err);
}

/* ---- rates ------------------------------------------------------------------- */

static double rate(long long a, long long b, double seconds)
{
	if (a == UNKNOWN || b == UNKNOWN || b < a)
		return (double)UNKNOWN;
	return (double)(b - a) / seconds;
}

int wpar_usage_rates(const struct wpar_usage_sample *a, const struct wpar_usage_sample *b,
		     int ncpus, struct wpar_usage_rates *out, wpar_error_t *err)
{
	*out = (struct wpar_usage_rates){UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN,
					 UNKNOWN, UNKNOWN, UNKNOWN};
	if (strcmp(a->name, b->name) != 0)
		return wpar_error_status(err, EINVAL, "samples of %s and %s cannot be compared",
					 a->name, b->name);
	if (a->init_pid != b->init_pid || a->started != b->started)
		return wpar_error_status(err, EINVAL,
					 "workload partition %s was restarted between the samples",
					 a->name);
	if (b->taken_ns <= a->taken_ns || ncpus < 1)
		return wpar_error_status(err, EINVAL, "the samples of %s are not in order",
					 a->name);
	out->seconds = (double)(b->taken_ns - a->taken_ns) / 1e9;
	double cpu_per_s = rate(a->cpu_ns, b->cpu_ns, out->seconds * 1e9); /* CPUs busy */
	if (cpu_per_s >= 0) {
		out->cpu_pct = cpu_per_s / ncpus * 100.0;
		out->cpu_limit_used_pct =
		    b->cpu_limit_pct > 0 ? out->cpu_pct / b->cpu_limit_pct * 100.0 : UNKNOWN;
	}
	out->io_read_bps = rate(a->io_read_bytes, b->io_read_bytes, out->seconds);
	out->io_write_bps = rate(a->io_write_bytes, b->io_write_bytes, out->seconds);
	out->net_rx_bps = rate(a->net_rx_bytes, b->net_rx_bytes, out->seconds);
	out->net_tx_bps = rate(a->net_tx_bytes, b->net_tx_bytes, out->seconds);
	return 0;
}

/* ---- a report over one interval --------------------------------------------- */

static void sleep_until(long long deadline_ns)
{
	struct timespec ts = {deadline_ns / 1000000000LL, deadline_ns % 1000000000LL};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* The names to sample: those asked for, once each, or every Active WPAR. */
static int select_names(const char *const *names, size_t n_names, char ***out, size_t *n,
			wpar_error_t *err)
{
	*out = NULL;
	*n = 0;
	if (names && n_names > 0) {
		*out = xcalloc(n_names, sizeof(**out));
		for (size_t i = 0; i < n_names; i++) {
			bool dup = false;
			for (size_t j = 0; j < *n && !dup; j++)
				dup = strcmp((*out)[j], names[i]) == 0;
			if (!dup)
				(*out)[(*n)++] = xstrdup(names[i]);
		}
		return 0;
	}
	char **all = NULL;
	size_t n_all = 0;
	if (wpar_store_list(&all, &n_all, err) < 0)
		return -1;
	/* Kept in the store's order (by name), the others freed. */
	*out = all;
	for (size_t i = 0; i < n_all; i++) {
		if (wpar_state_effective(all[i], NULL) == WPAR_ACTIVE)
			all[(*n)++] = all[i];
		else
			free(all[i]);
	}
	return 0;
}

/* The end sample of the previous report, when it is of the same run of
 * the WPAR as the one running now. */
static const struct wpar_usage_sample *previous_sample(const struct wpar_usage_report *prev,
						       const char *name)
{
	for (size_t i = 0; prev && i < prev->n; i++) {
		const struct wpar_usage_entry *e = &prev->entries[i];
		if (e->err != NULL || strcmp(e->name, name) != 0)
			continue;
		struct wpar_runtime_info info;
		if (wpar_runtime_read(name, &info, NULL) == 0 &&
		    info.init_pid == e->sample.init_pid && info.started == e->sample.started)
			return &e->sample;
		return NULL;
	}
	return NULL;
}

int wpar_usage_collect(const char *const *names, size_t n_names, int interval_ms,
		       const struct wpar_usage_report *prev, struct wpar_usage_report *out,
		       wpar_error_t *err)
{
	memset(out, 0, sizeof(*out));
	struct wpar_host_resources host;
	if (wpar_host_resources(&host, err) < 0)
		return -1;
	bool all = names == NULL || n_names == 0;
	char **list = NULL;
	size_t n = 0;
	if (select_names(names, n_names, &list, &n, err) < 0)
		return -1;
	if (interval_ms < 0)
		interval_ms = 0;

	out->ncpus = host.ncpus;
	out->host_memory = host.memory;
	out->interval_ms = interval_ms;
	out->entries = xcalloc(n, sizeof(*out->entries));
	struct wpar_usage_sample *start = xcalloc(n, sizeof(*start));
	bool fresh = prev == NULL;
	for (size_t i = 0; i < n; i++) {
		struct wpar_usage_entry *e = &out->entries[i];
		e->name = list[i];
		const struct wpar_usage_sample *p = previous_sample(prev, e->name);
		if (p) {
			start[i] = *p;
		} else {
			read_one(e->name, &host, &start[i], &e->err);
			fresh = true;
		}
	}
	free(list);

	long long interval_ns = (long long)interval_ms * 1000000LL;
	long long deadline = (prev ? prev->taken_ns : now_ns()) + interval_ns;
	/* A WPAR sampled afresh just now gets a whole interval too, also
	 * when the caller comes back late (its deadline passed already). */
	if (fresh && deadline < now_ns() + interval_ns)
		deadline = now_ns() + interval_ns;
	sleep_until(deadline);
	/* The next interval starts at this deadline, so repeated reports keep
	 * their cadence; a caller that fell behind by a whole interval starts
	 * afresh from now instead of catching up with empty intervals. */
	long long now = now_ns();
	out->taken_ns = now - deadline < interval_ns ? deadline : now;
	out->time = (long long)time(NULL);

	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct wpar_usage_entry e = out->entries[i];
		if (e.err == NULL && read_one(e.name, &host, &e.sample, &e.err) == 0)
			wpar_usage_rates(&start[i], &e.sample, host.ncpus, &e.rates, &e.err);
		/* Without names, a WPAR that stopped meanwhile is no longer
		 * one of "the Active WPARs". */
		if (all && e.err && wpar_state_effective(e.name, NULL) != WPAR_ACTIVE) {
			wpar_error_release(&e.err);
			free(e.name);
			continue;
		}
		out->entries[kept++] = e;
	}
	out->n = kept;
	free(start);
	return 0;
}

void wpar_usage_report_release(struct wpar_usage_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->entries[i].name);
		wpar_error_release(&r->entries[i].err);
	}
	free(r->entries);
	memset(r, 0, sizeof(*r));
}

/* ---- renderings ---------------------------------------------------------------- */

static const struct table_column usage_cols[] = {
    {"Name", "name", TABLE_COL_TITLE},
    {"CPU%", "cpu", 0},
    {"CPU%lim", "cpulim", 0},
    {"MEM(MB)", "mem", 0},
    {"MEMlim(MB)", "memlim", 0},
    {"PROCS", "procs", 0},
    {"THREADS", "threads", 0},
    {"PTYS", "ptys", 0},
    {"IO-R/s", "ior", 0},
    {"IO-W/s", "iow", 0},
    {"NET-RX/s", "netrx", 0},
    {"NET-TX/s", "nettx", 0},
};
enum {
	COL_NAME,
	COL_CPU,
	COL_CPULIM,
	COL_MEM,
	COL_MEMLIM,
	COL_PROCS,
	COL_THREADS,
	COL_PTYS,
	COL_IOR,
	COL_IOW,
	COL_NETRX,
	COL_NETTX
};

static char *cell_count(long long v)
{
	return v < 0 ? xstrdup("-") : xasprintf("%lld", v);
}

static char *cell_real(double v, int decimals)
{
	return v < 0 ? xstrdup("-") : xasprintf("%.*f", decimals, v);
}

struct table *wpar_usage_table(const struct wpar_usage_report *r)
{
	struct table *t = table_new(usage_cols, ARRAY_SIZE(usage_cols));
	for (size_t i = 0; i < r->n; i++) {
		const struct wpar_usage_entry *e = &r->entries[i];
		if (e->err)
			continue;
		const struct wpar_usage_sample *s = &e->sample;
		const struct wpar_usage_rates *x = &e->rates;
		size_t row = table_add_row(t);
		table_set(t, row, COL_NAME, e->name);
		table_set_owned(t, row, COL_CPU, cell_real(x->cpu_pct, 1));
		table_set_owned(t, row, COL_CPULIM, cell_real(s->cpu_limit_pct, 1));
		table_set_owned(t, row, COL_MEM,
				cell_real(s->mem_bytes < 0 ? -1 : (double)s->mem_bytes / MIB, 1));
		table_set_owned(t, row, COL_MEMLIM,
				cell_count(s->mem_limit_bytes < 0 ? -1 : s->mem_limit_bytes >> 20));
		table_set_owned(t, row, COL_PROCS, cell_count(s->processes));
		table_set_owned(t, row, COL_THREADS, cell_count(s->threads));
		table_set_owned(t, row, COL_PTYS, cell_count(s->ptys));
		table_set_owned(t, row, COL_IOR, cell_real(x->io_read_bps, 0));
		table_set_owned(t, row, COL_IOW, cell_real(x->io_write_bps, 0));
		table_set_owned(t, row, COL_NETRX, cell_real(x->net_rx_bps, 0));
		table_set_owned(t, row, COL_NETTX, cell_real(x->net_tx_bps, 0));
	}
	return t;
}

/* Numbers for JSON: null when unknown; percentages to 0.01, seconds to
 * 0.001 and rates to whole bytes, so that no float noise is printed. */
static json_t *json_count(long long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *json_rounded(double v, double unit)
{
	return v < 0 ? json_null() : json_real((double)(long long)(v / unit + 0.5) * unit);
}

static json_t *json_bps(double v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)(v + 0.5));
}

static json_t *entry_json(const struct wpar_usage_entry *e)
{
	const struct wpar_usage_sample *s = &e->sample;
	const struct wpar_usage_rates *x = &e->rates;
	char type[2] = {s->type, '\0'};
	json_t *o = json_object();
	json_object_set_new(o, "name", table_json_string(e->name));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "seconds", json_rounded(x->seconds, 0.001));
	json_object_set_new(o, "cpu_pct", json_rounded(x->cpu_pct, 0.01));
	json_object_set_new(o, "cpu_limit_pct", json_rounded(s->cpu_limit_pct, 0.01));
	json_object_set_new(o, "cpu_limit_used_pct", json_rounded(x->cpu_limit_used_pct, 0.01));
	json_object_set_new(o, "cpu_time_ns", json_count(s->cpu_ns));
	json_object_set_new(o, "memory_bytes", json_count(s->mem_bytes));
	json_object_set_new(o, "memory_anon_bytes", json_count(s->mem_anon_bytes));
	json_object_set_new(o, "memory_file_bytes", json_count(s->mem_file_bytes));
	json_object_set_new(o, "memory_limit_bytes", json_count(s->mem_limit_bytes));
	json_object_set_new(o, "memory_limited", json_boolean(s->mem_limited));
	json_object_set_new(o, "processes", json_count(s->processes));
	json_object_set_new(o, "threads", json_count(s->threads));
	json_object_set_new(o, "ptys", json_count(s->ptys));
	json_object_set_new(o, "io_read_bytes", json_count(s->io_read_bytes));
	json_object_set_new(o, "io_write_bytes", json_count(s->io_write_bytes));
	json_object_set_new(o, "io_read_bps", json_bps(x->io_read_bps));
	json_object_set_new(o, "io_write_bps", json_bps(x->io_write_bps));
	json_object_set_new(o, "net_rx_bytes", json_count(s->net_rx_bytes));
	json_object_set_new(o, "net_tx_bytes", json_count(s->net_tx_bytes));
	json_object_set_new(o, "net_rx_bps", json_bps(x->net_rx_bps));
	json_object_set_new(o, "net_tx_bps", json_bps(x->net_tx_bps));
	return o;
}

json_t *wpar_usage_report_json(const struct wpar_usage_report *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "time", json_integer(r->time));
	json_object_set_new(o, "interval", json_rounded(r->interval_ms / 1000.0, 0.001));
	json_t *host = json_object();
	json_object_set_new(host, "cpus", json_integer(r->ncpus));
	json_object_set_new(host, "memory", json_integer((json_int_t)r->host_memory));
	json_object_set_new(o, "host", host);
	json_t *wpars = json_array();
	json_t *errors = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct wpar_usage_entry *e = &r->entries[i];
		if (e->err == NULL) {
			json_array_append_new(wpars, entry_json(e));
			continue;
		}
		json_t *x = json_object();
		json_object_set_new(x, "name", table_json_string(e->name));
		json_object_set_new(x, "message", table_json_string(e->err->msg));
		json_array_append_new(errors, x);
	}
	json_object_set_new(o, "wpars", wpars);
	if (json_array_size(errors) > 0)
		json_object_set_new(o, "errors", errors);
	else
		json_decref(errors);
	return o;
}
