/* Resource controls (-R, the resources stanza): the typed form of the
 * stanza with AIX's rules, and how each control is enforced on Linux
 * (docs/mapping-resources.md).
 *
 * Units.  Percentages are kept in hundredths of a percent (AIX allows two
 * decimals): 0..10000.  Sizes in bytes.  A count or size without a limit
 * is WPAR_UNLIMITED. */
#ifndef WPAR_RESOURCES_H
#define WPAR_RESOURCES_H

#include <stdbool.h>

#include "cgroup.h"
#include "error.h"
#include "spec.h"

#define WPAR_UNLIMITED (-1LL)

/* min% - soft max% , hard max%, in hundredths of a percent. */
struct wpar_pct_range {
	int min, soft, hard;
};

struct wpar_limits {
	bool active;                  /* active = no: kept, nothing enforced */
	char *rset;                   /* a resource set's name, or NULL */
	long long shares_cpu;         /* 1..65535, or WPAR_UNLIMITED */
	struct wpar_pct_range cpu;    /* default 0-10000,10000 */
	long long shares_memory;      /* 1..65535, or WPAR_UNLIMITED */
	struct wpar_pct_range memory; /* default 0-10000,10000 */
	long long proc_virt_mem;      /* bytes, per process */
	long long total_virt_mem;     /* bytes, whole WPAR */
	long long total_processes;
	long long total_threads;
	long long total_ptys;
	long long total_large_pages;
	int pct_msg_ids, pct_sem_ids, pct_shm_ids, pct_pin_mem; /* default 10000 */
};

/* The defaults of every control (AIX's Table 7-2). */
void wpar_limits_default(struct wpar_limits *l);

/* The typed, checked form of spec->resources (defaults where the stanza
 * says nothing).  Every rule of AIX, with its message:
 * "0960-527 resources.<attr> = <value> is invalid: <reason>." */
int wpar_limits_from_spec(const struct wpar_spec *spec, struct wpar_limits *out, wpar_error_t *err);
void wpar_limits_release(struct wpar_limits *l);

/* Checks one attribute's value alone ("CPU", "10%-20%,30%") with the same
 * rules and message as wpar_limits_from_spec (not the rules between
 * attributes, such as totalThreads >= totalProcesses). */
int wpar_limits_check_attr(const char *attr, const char *value, wpar_error_t *err);

/* AIX: "The sum of the minimum percentage for all running WPARs must not
 * exceed 100%" (CPU and memory).  `others` are the limits of the other
 * running WPARs. */
int wpar_limits_check_minimums(const char *name, const struct wpar_limits *l,
			       const struct wpar_limits *others, size_t n_others,
			       wpar_error_t *err);

/* What the host has, which percentages are of. */
struct wpar_host_resources {
	int ncpus;                        /* online CPUs */
	unsigned long long memory;        /* bytes of RAM (MemTotal) */
	long long shmmni, msgmni, semmni; /* the kernel's IPC id limits */
};
int wpar_host_resources(struct wpar_host_resources *out, wpar_error_t *err);

/* Writes the limits into the WPAR's cgroup (v1 or v2, whichever the host
 * has), replacing what was there: used at start and by chwpar -R on a
 * running WPAR.  With active = no, every knob goes back to unlimited. */
int wpar_cgroup_apply_limits(struct wpar_cgroup *cg, const struct wpar_limits *l,
			     const struct wpar_host_resources *host, wpar_error_t *err);

#endif
