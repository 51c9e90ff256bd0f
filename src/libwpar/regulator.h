/* AIX's CPU minimum and soft maximum, which no kernel knob expresses: the
 * WPAR's monitor calls wpar_regulator_tick() about once a second.
 *
 * - Soft maximum: while the host's CPUs are contended (90% busy, with at
 *   least 10% of the host used by others, to enter the regime; below 80%,
 *   or others below 5%, to leave it), the WPAR's hard cap is lowered to
 *   its soft maximum; without contention it may use up to its hard
 *   maximum, as AIX says.
 * - Minimum: while contended, a WPAR that gets less than its minimum is
 *   given the strongest CPU weight until it has twice its minimum.
 *
 * Coarse by design: it reacts within a tick, and it changes knobs only
 * when the regime changes (a few writes, then nothing). */
#ifndef WPAR_REGULATOR_H
#define WPAR_REGULATOR_H

#include <stdbool.h>

#include "resources.h"

struct wpar_regulator {
	unsigned long long busy, total; /* host CPU ticks at the last tick */
	unsigned long long wpar_ns;     /* the WPAR's CPU time then */
	long long at_ms;
	bool capped, boosted;    /* the regime now in force */
	int host_busy, share;    /* the last tick's measures (hundredths of a %) */
	long long spec_mtime_ns; /* of the definition the limits came from */
};

/* True when the limits have a CPU minimum or a soft maximum below the
 * hard one: the monitor then ticks. */
bool wpar_regulator_needed(const struct wpar_limits *l);
void wpar_regulator_init(struct wpar_regulator *r);
/* 1 when it changed the WPAR's knobs, 0 when not, -1 on error. */
int wpar_regulator_tick(struct wpar_regulator *r, struct wpar_cgroup *cg,
			const struct wpar_limits *l, const struct wpar_host_resources *host,
			wpar_error_t *err);

/* What a monitor calls once a second: picks up a definition that chwpar
 * changed (its limits replace *limits; chwpar has written the knobs, so
 * the regime starts over), then ticks when the limits need it. */
int wpar_regulator_run(struct wpar_regulator *r, const char *name, struct wpar_cgroup *cg,
		       struct wpar_limits *limits, struct wpar_host_resources *host,
		       wpar_error_t *err);

/* How often a monitor calls wpar_regulator_run. */
#define WPAR_REGULATOR_TICK_MS 1000

#endif
