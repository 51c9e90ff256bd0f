/* The CPU regulator (see regulator.h): AIX's CPU minimum and soft maximum,
 * which no kernel knob expresses, from a once-a-second look at the host
 * and the WPAR. */
#include "regulator.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "paths.h"
#include "store.h"
#include "util.h"

/* Contention: the host's CPUs are this busy (hundredths of a percent).
 * Leaving it takes a lower figure, so that capping the WPAR (which frees
 * CPU time that the others then take) does not flip the regime back. */
#define CONTENDED_ENTER 9000
#define CONTENDED_LEAVE 8000
/* ... and the other processes of the host use at least this much. */
#define OTHERS_ENTER 1000
#define OTHERS_LEAVE 500

bool wpar_regulator_needed(const struct wpar_limits *l)
{
	return l->active && (l->cpu.min > 0 || l->cpu.soft < l->cpu.hard);
}

/* The host's busy and total CPU time so far (USER_HZ ticks). */
static int host_times(unsigned long long *busy, unsigned long long *total)
{
	cleanup_free char *text = NULL;
	if (read_file("/proc/stat", &text, NULL, NULL) < 0)
		return -1;
	unsigned long long v[10] = {0};
	if (sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) < 4)
		return -1;
	*total = 0;
	for (int i = 0; i < 8; i++) /* guest times are inside user and nice */
		*total += v[i];
	*busy = *total - v[3] - v[4]; /* idle, iowait */
	return 0;
}

/* The WPAR's CPU time so far, in nanoseconds. */
static int wpar_cpu_ns(struct wpar_cgroup *cg, unsigned long long *ns)
{
	cleanup_free char *dir = NULL;
	cleanup_free char *text = NULL;
	if (wpar_cgroup_detect() == WPAR_CGROUP_V1) {
		if (wpar_cgroup_path(cg, "cpuacct", &dir, NULL) < 0)
			return -1;
		cleanup_free char *path = xasprintf("%s/cpuacct.usage", dir);
		if (read_file(path, &text, NULL, NULL) < 0)
			return -1;
		return sscanf(text, "%llu", ns) == 1 ? 0 : -1;
	}
	if (wpar_cgroup_path(cg, "cpu", &dir, NULL) < 0)
		return -1;
	cleanup_free char *path = xasprintf("%s/cpu.stat", dir);
	unsigned long long usec;
	const char *p =
	    read_file(path, &text, NULL, NULL) == 0 ? strstr(text, "usage_usec ") : NULL;
	if (p == NULL || sscanf(p, "usage_usec %llu", &usec) != 1)
		return -1;
	*ns = usec * 1000;
	return 0;
}

void wpar_regulator_init(struct wpar_regulator *r)
{
	*r = (struct wpar_regulator){0};
}

int wpar_regulator_tick(struct wpar_regulator *r, struct wpar_cgroup *cg,
			const struct wpar_limits *l, const struct wpar_host_resources *host,
			wpar_error_t *err)
{
	unsigned long long busy, total, ns;
	if (host_times(&busy, &total) < 0 || wpar_cpu_ns(cg, &ns) < 0)
		return 0; /* nothing to measure this time */
	bool first = r->total == 0;
	unsigned long long d_busy = busy - r->busy, d_total = total - r->total;
	unsigned long long d_ns = ns - r->wpar_ns;
	long long d_ms = monotonic_ms() - r->at_ms;
	r->busy = busy;
	r->total = total;
	r->wpar_ns = ns;
	r->at_ms = monotonic_ms();
	if (first || d_total == 0 || d_ms <= 0 || host->ncpus <= 0)
		return 0;
	/* Hundredths of a percent of the whole host. */
	int host_busy = (int)(d_busy * 10000 / d_total);
	int share = (int)(d_ns / 1000ULL * 10000 / ((unsigned long long)d_ms * 1000ULL) /
			  (unsigned long long)host->ncpus);
	r->host_busy = host_busy;
	r->share = share;

	/* Contention needs others: a WPAR alone on a busy host is busy by
	 * itself, and AIX's soft maximum does not apply then. */
	int others = host_busy > share ? host_busy - share : 0;
	bool contended = r->capped || r->boosted
			     ? host_busy >= CONTENDED_LEAVE && others >= OTHERS_LEAVE
			     : host_busy >= CONTENDED_ENTER && others >= OTHERS_ENTER;
	/* Soft maximum: a cap that holds only while others want the CPU. */
	bool cap = contended && l->cpu.soft < l->cpu.hard;
	/* Minimum: under contention a WPAR below its minimum gets the
	 * strongest weight until it has twice its minimum (the kernel then
	 * gives it what it asks for, up to its hard maximum). */
	bool boost = contended && l->cpu.min > 0 &&
		     (r->boosted ? share < 2 * l->cpu.min : share < l->cpu.min);
	if (cap == r->capped && boost == r->boosted)
		return 0;
	struct wpar_limits now = *l;
	if (cap)
		now.cpu.hard = l->cpu.soft;
	if (boost)
		now.shares_cpu = 65535;
	if (wpar_cgroup_apply_limits(cg, &now, host, err) < 0)
		return -1;
	r->capped = cap;
	r->boosted = boost;
	return 1;
}

int wpar_regulator_run(struct wpar_regulator *r, const char *name, struct wpar_cgroup *cg,
		       struct wpar_limits *limits, struct wpar_host_resources *host,
		       wpar_error_t *err)
{
	cleanup_free char *path = wpar_path_spec(name);
	struct stat st;
	if (stat(path, &st) == 0) {
		long long mtime = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		if (r->spec_mtime_ns == 0) {
			r->spec_mtime_ns = mtime;
		} else if (mtime != r->spec_mtime_ns) {
			r->spec_mtime_ns = mtime;
			struct wpar_spec *spec = NULL;
			struct wpar_limits fresh;
			wpar_error_t ignored = NULL;
			if (wpar_store_load(name, &spec, &ignored) == 0 &&
			    wpar_limits_from_spec(spec, &fresh, &ignored) == 0) {
				wpar_limits_release(limits);
				*limits = fresh;
				r->capped = r->boosted = false;
			}
			wpar_error_release(&ignored);
			wpar_spec_free(spec);
		}
	}
	if (!wpar_regulator_needed(limits)) {
		r->total = 0; /* measure afresh when it is needed again */
		return 0;
	}
	/* Started without limits, given some by chwpar -R since. */
	if (host->ncpus <= 0 && wpar_host_resources(host, err) < 0)
		return -1;
	return wpar_regulator_tick(r, cg, limits, host, err);
}
