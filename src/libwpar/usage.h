/* What running WPARs use: the data of AIX's `topas -@` and `wlmstat -@`,
 * read from each WPAR's cgroup and from its init's /proc entries.
 * wparstat prints it; the WPAR Manager agent will send it.
 *
 * A sample is a WPAR's counters and levels at one instant; rates (CPU %,
 * bytes per second) come from two samples of the same run of the WPAR.
 * What every number means on cgroup v1 and v2 is written next to its
 * field.  A number the host cannot give (a controller that is not there,
 * PTYs of an application WPAR) is WPAR_USAGE_UNKNOWN, never a guess.
 *
 * Every count here is read, never changed: sampling takes no lock and
 * runs beside any command that changes a WPAR. */
#ifndef WPAR_USAGE_H
#define WPAR_USAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "name.h"
#include "resources.h"
#include "table.h"

#define WPAR_USAGE_UNKNOWN (-1LL)

struct wpar_usage_sample {
	char name[WPAR_NAME_MAX + 1];
	char type;          /* 'S' system, 'A' application (spec.h's wpar_type) */
	pid_t init_pid;     /* host pid of the WPAR's init */
	long long started;  /* the run's start (unix time, runtime record) */
	long long taken_ns; /* CLOCK_MONOTONIC when the counters were read */

	/* CPU time of every process the WPAR ran in this run, user and
	 * system, in ns: v1 cpuacct.usage, v2 cpu.stat usage_usec × 1000. */
	long long cpu_ns;
	/* The most CPU the WPAR may use, in % of the host (100 = every
	 * online CPU): the smallest CFS quota/period of its group and the
	 * levels above (v1 cpu.cfs_quota_us / cpu.cfs_period_us, v2
	 * cpu.max), and its cpuset's share of the online CPUs; 100 when
	 * nothing caps it. */
	double cpu_limit_pct;

	/* Memory charged to the group, in bytes: what the hard limit is
	 * compared with (v1 memory.usage_in_bytes, v2 memory.current):
	 * process memory, page cache and kernel memory of the WPAR. */
	long long mem_bytes;
	/* Of it: anonymous memory (v1 memory.stat total_rss, v2 anon) and
	 * page cache (v1 total_cache, v2 file). */
	long long mem_anon_bytes, mem_file_bytes;
	/* The hard limit in force (v1 memory.stat
	 * hierarchical_memory_limit, v2 the smallest memory.max of the group
	 * and the levels above), the host's RAM when there is none. */
	long long mem_limit_bytes;
	bool mem_limited; /* a limit below the host's RAM is set */

	/* Processes: thread-group leaders in the group and the groups below
	 * it (cgroup.procs).  Threads: every task (pids.current; without a
	 * pids controller, the Threads: count of each process). */
	long long processes, threads;
	/* System WPARs: pseudo-terminals open in the WPAR's own devpts
	 * instance (what totalPTYs limits).  Application WPARs use the
	 * host's devpts: unknown. */
	long long ptys;

	/* Bytes read from and written to storage by the WPAR's processes.
	 * v2: io.stat rbytes/wbytes summed over devices (bios charged to
	 * the group, writeback included).  v1 (and v2 without the io
	 * controller): the task I/O accounting of its processes
	 * (/proc/<pid>/io read_bytes/write_bytes, which include the
	 * children each reaped), buffered writes counted when the pages are
	 * dirtied; v1's blkio counters stay at zero on current kernels
	 * unless blk-throttle is active on the device (see usage.c). */
	long long io_read_bytes, io_write_bytes;
	/* Bytes received and sent on the interfaces of the WPAR's network
	 * namespace other than lo (/proc/<init>/net/dev). */
	long long net_rx_bytes, net_tx_bytes;
};

/* Samples one Active WPAR.  Fails with 0960-419 (status ENOENT) for an
 * unknown WPAR, 0960-254 (status ESRCH) for one that is not Active, and
 * with a message when its runtime record no longer describes a live
 * init. */
int wpar_usage_read(const char *name, struct wpar_usage_sample *out, wpar_error_t *err);

/* The cgroup part of a sample (CPU, memory, processes, threads, I/O and
 * the limits), for a group that need not belong to a defined WPAR (the
 * tests use groups of their own): the other fields are left UNKNOWN,
 * name empty, init_pid and started 0. */
int wpar_usage_read_cgroup(struct wpar_cgroup *cg, const struct wpar_host_resources *host,
			   struct wpar_usage_sample *out, wpar_error_t *err);

/* The bytes received and sent on every interface but lo in the text of
 * a /proc/<pid>/net/dev file. */
int wpar_usage_parse_netdev(const char *text, long long *rx, long long *tx, wpar_error_t *err);

struct wpar_usage_rates {
	double seconds; /* between the two samples */
	/* CPU used, in % of the host: 100 = every online CPU busy for the
	 * whole interval (a busy loop on a 4-CPU host shows 25). */
	double cpu_pct;
	/* The same in % of the WPAR's CPU limit (cpu_limit_pct of the
	 * later sample): 100 = the WPAR used all it may. */
	double cpu_limit_used_pct;
	/* Bytes per second; negative (WPAR_USAGE_UNKNOWN) when a sample
	 * lacks the counter or it went backwards (an interface removed). */
	double io_read_bps, io_write_bps, net_rx_bps, net_tx_bps;
};

/* The rates between two samples of the same WPAR and run, `b` taken
 * after `a`; `ncpus` is the host's online CPUs.  Fails (EINVAL) for
 * samples of different WPARs or runs, or not in order. */
int wpar_usage_rates(const struct wpar_usage_sample *a, const struct wpar_usage_sample *b,
		     int ncpus, struct wpar_usage_rates *out, wpar_error_t *err);

/* One WPAR's line of a report: its sample at the end of the interval and
 * the rates over it, or why it could not be sampled. */
struct wpar_usage_entry {
	char *name;
	wpar_error_t err; /* NULL when sample and rates are valid */
	struct wpar_usage_sample sample;
	struct wpar_usage_rates rates;
};

struct wpar_usage_report {
	int ncpus;                        /* the host's online CPUs */
	unsigned long long host_memory;   /* bytes of RAM */
	long long time;                   /* unix time at the end of the interval */
	long long taken_ns;               /* CLOCK_MONOTONIC at the end of the interval */
	int interval_ms;                  /* the interval asked for */
	struct wpar_usage_entry *entries; /* in the order of the names asked for, or by name */
	size_t n;
};

/* Samples the named WPARs (names NULL or n_names 0: every WPAR that is
 * Active when the interval starts), waits `interval_ms`, samples them
 * again and computes the rates.  With `prev` (the report of the interval
 * before), the interval starts where the previous one ended and the
 * previous samples are its start, so that repeated reports cover the
 * time without gaps; a WPAR new since then, or restarted, is sampled
 * afresh at once.  A WPAR that cannot be sampled gets an entry with its
 * error (unknown, not Active, stopped meanwhile); without names, a WPAR
 * that stopped during the interval is left out instead.  Fails only when
 * the host's resources or the list of WPARs cannot be read. */
int wpar_usage_collect(const char *const *names, size_t n_names, int interval_ms,
		       const struct wpar_usage_report *prev, struct wpar_usage_report *out,
		       wpar_error_t *err);
void wpar_usage_report_release(struct wpar_usage_report *r);

/* The report as wparstat prints it: one row per sampled WPAR (entries
 * with an error are left out) with the columns
 *   Name CPU% CPU%lim MEM(MB) MEMlim(MB) PROCS THREADS PTYS IO-R/s IO-W/s
 *   NET-RX/s NET-TX/s
 * (keys name, cpu, cpulim, mem, memlim, procs, threads, ptys, ior, iow,
 * netrx, nettx); an unknown value prints as "-". */
struct table *wpar_usage_table(const struct wpar_usage_report *r);

/* The report as one object (new reference):
 *   {"time", "interval", "host": {"cpus", "memory"},
 *    "wpars": [{"name", "type", "seconds", "cpu_pct", "cpu_limit_pct",
 *               "cpu_limit_used_pct", "cpu_time_ns", "memory_bytes",
 *               "memory_anon_bytes", "memory_file_bytes",
 *               "memory_limit_bytes", "memory_limited", "processes",
 *               "threads", "ptys", "io_read_bytes", "io_write_bytes",
 *               "io_read_bps", "io_write_bps", "net_rx_bytes",
 *               "net_tx_bytes", "net_rx_bps", "net_tx_bps"}, ...],
 *    "errors": [{"name", "message"}, ...]}
 * An unknown value is null; "errors" is there only when some WPAR could
 * not be sampled. */
json_t *wpar_usage_report_json(const struct wpar_usage_report *r);

#endif
