/* The resources stanza in typed form, with AIX's rules and messages.
 *
 * The spec keeps every attribute as a string (already checked for its
 * syntax by spec_table.c); this module turns the stanza into numbers and
 * checks what the per-value checks cannot: the order of the percentages in
 * a range, totalThreads against totalProcesses, the sizes' bounds, and the
 * sum of the minimum percentages over the running WPARs.  Every refusal is
 * AIX's message 0960-527:
 *
 *   0960-527 resources.<attr> = <value> is invalid: <reason>.
 *
 * (the command name in front is added by the command).
 *
 * Values, as AIX's mkwpar -R and the spec file take them:
 *
 * - Percentages: "50", "50%", "12.25%": 0 to 100 with at most two decimals,
 *   kept in hundredths of a percent.
 *
 * - CPU and memory: "<min>%-<soft max>%,<hard max>%" (AIX's syntax, e.g.
 *   "8%-35%,45%").  Each part may be left out, and its place in the value
 *   says which part a number is: the text before '-' is the minimum, the
 *   text between '-' and ',' the soft maximum, the text after ',' the hard
 *   maximum.  So "10%" is a minimum of 10%, "-50%" a soft maximum, ",60%" a
 *   hard maximum, "10%-50%" a minimum and a soft maximum.  A missing
 *   minimum is 0%, a missing hard maximum 100%, and a missing soft maximum
 *   is the hard maximum (so ",60%" means 0%-60%,60%, not an error).  The
 *   rules of AIX then hold: minimum <= soft maximum <= hard maximum.
 *
 * - Shares: 1 to 65535, or -1 / "unlimited".
 *
 * - Counts (totalProcesses, totalThreads, totalPTYs, totalLargePages): a
 *   positive number, or -1 / "unlimited".  As on AIX, totalThreads must be
 *   at least totalProcesses, and when only totalThreads limits anything
 *   the process limit is the thread limit (a process has a thread).
 *
 * - procVirtMem, totalVirtMem: megabytes; a number with M or MB, G or GB,
 *   T or TB (any case), no unit meaning MB; from 1 MB to 8796093022207 MB
 *   (AIX's bounds); -1 / "unlimited" for no limit.  Kept in bytes.  Smaller
 *   units (K) and 512-byte blocks, which file-system sizes take, are not
 *   AIX's for these attributes and are refused.
 *
 * - rset: the name of a resource set ("wpar_rset/procs0to4"); that it
 *   exists is checked where the set is used. */
#include "resources.h"
#include "rset.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define PCT_MAX 10000 /* 100%, in hundredths */

/* AIX's bounds for the virtual-memory limits, in megabytes. */
#define VMEM_MAX_MB 8796093022207LL

void wpar_limits_default(struct wpar_limits *l)
{
	*l = (struct wpar_limits){
	    .active = true,
	    .rset = NULL,
	    .shares_cpu = WPAR_UNLIMITED,
	    .cpu = {0, PCT_MAX, PCT_MAX},
	    .shares_memory = WPAR_UNLIMITED,
	    .memory = {0, PCT_MAX, PCT_MAX},
	    .proc_virt_mem = WPAR_UNLIMITED,
	    .total_virt_mem = WPAR_UNLIMITED,
	    .total_processes = WPAR_UNLIMITED,
	    .total_threads = WPAR_UNLIMITED,
	    .total_ptys = WPAR_UNLIMITED,
	    .total_large_pages = WPAR_UNLIMITED,
	    .pct_msg_ids = PCT_MAX,
	    .pct_sem_ids = PCT_MAX,
	    .pct_shm_ids = PCT_MAX,
	    .pct_pin_mem = PCT_MAX,
	};
}

void wpar_limits_release(struct wpar_limits *l)
{
	free(l->rset);
	l->rset = NULL;
}

/* ---- messages ------------------------------------------------------------ */

static int invalid(wpar_error_t *err, const char *attr, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int invalid(wpar_error_t *err, const char *attr, const char *value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *reason = NULL;
	if (vasprintf(&reason, fmt, ap) < 0)
		abort();
	va_end(ap);
	wpar_error_input(err, "0960-527 resources.%s = %s is invalid: %s.", attr, value, reason);
	free(reason);
	return -1;
}

/* Hundredths of a percent as AIX prints them: "35%", "12.5%", "12.25%". */
static void fmt_pct(char buf[16], int h)
{
	if (h % 100 == 0)
		snprintf(buf, 16, "%d%%", h / 100);
	else if (h % 10 == 0)
		snprintf(buf, 16, "%d.%d%%", h / 100, (h % 100) / 10);
	else
		snprintf(buf, 16, "%d.%02d%%", h / 100, h % 100);
}

static void fmt_range(char buf[64], const struct wpar_pct_range *r)
{
	char min[16], soft[16], hard[16];
	fmt_pct(min, r->min);
	fmt_pct(soft, r->soft);
	fmt_pct(hard, r->hard);
	snprintf(buf, 64, "%s-%s,%s", min, soft, hard);
}

/* ---- values --------------------------------------------------------------- */

static bool is_unlimited(const char *v)
{
	return strcmp(v, "-1") == 0 || strcasecmp(v, "unlimited") == 0;
}

/* [begin, end): digits, optionally '.' and one or two decimals, optionally
 * '%'; at most 100. */
static int parse_pct_span(const char *begin, const char *end, int *out)
{
	const char *p = begin;
	long v = 0;
	int ndigits = 0;
	for (; p < end && isdigit((unsigned char)*p); p++, ndigits++) {
		v = v * 10 + (*p - '0');
		if (v > 100)
			return -1;
	}
	if (ndigits == 0)
		return -1;
	v *= 100;
	if (p < end && *p == '.') {
		p++;
		int scale = 10, ndec = 0;
		for (; p < end && isdigit((unsigned char)*p); p++, ndec++) {
			if (ndec == 2)
				return -1;
			v += (*p - '0') * scale;
			scale /= 10;
		}
		if (ndec == 0)
			return -1;
	}
	if (p < end && *p == '%')
		p++;
	if (p != end || v > PCT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_pct(const char *attr, const char *v, int *out, wpar_error_t *err)
{
	if (parse_pct_span(v, v + strlen(v), out) < 0)
		return invalid(err, attr, v,
			       "Must be a percentage from 0 to 100, with at most two decimals");
	return 0;
}

static int parse_range(const char *attr, const char *v, struct wpar_pct_range *out,
		       wpar_error_t *err)
{
	const char *end = v + strlen(v);
	const char *comma = strchr(v, ',');
	const char *left_end = comma ? comma : end;
	const char *dash = memchr(v, '-', (size_t)(left_end - v));
	/* Spans of the three parts; an empty span is a part left out. */
	const char *span[3][2] = {
	    {v, dash ? dash : left_end},
	    {dash ? dash + 1 : left_end, left_end},
	    {comma ? comma + 1 : end, end},
	};
	int val[3] = {0, -1, PCT_MAX};
	bool given = false;
	if ((comma && strchr(comma + 1, ',')) ||
	    (dash && memchr(dash + 1, '-', (size_t)(left_end - dash - 1))))
		goto syntax;
	for (int i = 0; i < 3; i++) {
		if (span[i][0] == span[i][1])
			continue;
		if (parse_pct_span(span[i][0], span[i][1], &val[i]) < 0)
			goto syntax;
		given = true;
	}
	if (!given)
		goto syntax;
	if (val[1] < 0)
		val[1] = val[2];
	char a[16], b[16];
	if (val[0] > val[1]) {
		fmt_pct(a, val[0]);
		fmt_pct(b, val[1]);
		return invalid(err, attr, v,
			       "The minimum (%s) must not exceed the soft maximum (%s)", a, b);
	}
	if (val[1] > val[2]) {
		fmt_pct(a, val[1]);
		fmt_pct(b, val[2]);
		return invalid(err, attr, v,
			       "The soft maximum (%s) must not exceed the hard maximum (%s)", a, b);
	}
	*out = (struct wpar_pct_range){val[0], val[1], val[2]};
	return 0;
syntax:
	return invalid(err, attr, v,
		       "Must be <minimum>%%-<soft maximum>%%,<hard maximum>%%, each a percentage "
		       "from 0 to 100 with at most two decimals, any of them optional");
}

static int parse_shares(const char *attr, const char *v, long long *out, wpar_error_t *err)
{
	long long n;
	if (is_unlimited(v)) {
		*out = WPAR_UNLIMITED;
		return 0;
	}
	if (parse_long(v, &n) < 0 || n < 1 || n > 65535)
		return invalid(err, attr, v,
			       "Must be a number of shares from 1 to 65535, or -1 for unlimited");
	*out = n;
	return 0;
}

static int parse_count(const char *attr, const char *v, long long *out, wpar_error_t *err)
{
	long long n;
	if (is_unlimited(v)) {
		*out = WPAR_UNLIMITED;
		return 0;
	}
	if (parse_long(v, &n) < 0 || n < 1)
		return invalid(err, attr, v, "Must be a positive number, or -1 for unlimited");
	*out = n;
	return 0;
}

static int parse_vmem(const char *attr, const char *v, long long *out, wpar_error_t *err)
{
	static const struct {
		const char *suffix;
		unsigned shift; /* from megabytes */
	} units[] = {{"", 0}, {"M", 0}, {"MB", 0}, {"G", 10}, {"GB", 10}, {"T", 20}, {"TB", 20}};
	if (is_unlimited(v)) {
		*out = WPAR_UNLIMITED;
		return 0;
	}
	long long n = 0;
	const char *p = v;
	bool too_large = false;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > VMEM_MAX_MB) {
			too_large = true;
			n = VMEM_MAX_MB;
		}
	}
	int unit = -1;
	for (size_t i = 0; p > v && i < ARRAY_SIZE(units); i++)
		if (strcasecmp(p, units[i].suffix) == 0)
			unit = (int)i;
	if (unit < 0)
		return invalid(err, attr, v,
			       "Must be a number of megabytes, optionally with the unit M, MB, G, "
			       "GB, T or TB, or -1 for unlimited");
	if (n == 0)
		return invalid(err, attr, v, "Must be at least 1 MB");
	if (too_large || n > (VMEM_MAX_MB >> units[unit].shift))
		return invalid(err, attr, v, "Must not exceed %lld MB", VMEM_MAX_MB);
	*out = (n << units[unit].shift) << 20;
	return 0;
}

static int parse_active(const char *attr, const char *v, bool *out, wpar_error_t *err)
{
	int b = parse_yes_no(v);
	if (b < 0)
		return invalid(err, attr, v, "Must be yes or no");
	*out = b;
	return 0;
}

/* AIX names resource sets "<namespace>/<name>" (mkrset -c 0-4
 * wpar_rset/procs0to4).  The characters are kept to what such names use,
 * so that a name can safely become part of a path or a registry key. */
static int parse_rset(const char *attr, const char *v, char **out, wpar_error_t *err)
{
	if (*v == '\0') {
		*out = NULL; /* AIX's default: all of the system's resources */
		return 0;
	}
	for (const char *p = v; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("_.-/", *p)))
			goto bad;
	if (v[0] == '/' || v[0] == '.' || strstr(v, "//") || strstr(v, "..") ||
	    v[strlen(v) - 1] == '/')
		goto bad;
	*out = xstrdup(v);
	return 0;
bad:
	return invalid(err, attr, v,
		       "Must be the name of a resource set, such as wpar_rset/procs0to4 (letters, "
		       "digits, '_', '.', '-' and '/')");
}

/* ---- the stanza ----------------------------------------------------------- */

enum value_kind { V_ACTIVE, V_RSET, V_SHARES, V_RANGE, V_VMEM, V_COUNT, V_PCT };

static const struct resource_attr {
	const char *name;
	enum value_kind kind;
	size_t spec_off;   /* in struct wpar_resources */
	size_t limits_off; /* in struct wpar_limits */
} resource_attrs[] = {
#define R(name, kind, field)                                                                       \
	{                                                                                          \
#name, kind, offsetof(struct wpar_resources, name),                                \
		    offsetof(struct wpar_limits, field)                                            \
	}
    R(active, V_ACTIVE, active),
    R(rset, V_RSET, rset),
    R(shares_CPU, V_SHARES, shares_cpu),
    R(CPU, V_RANGE, cpu),
    R(shares_memory, V_SHARES, shares_memory),
    R(memory, V_RANGE, memory),
    R(procVirtMem, V_VMEM, proc_virt_mem),
    R(totalVirtMem, V_VMEM, total_virt_mem),
    R(totalProcesses, V_COUNT, total_processes),
    R(totalThreads, V_COUNT, total_threads),
    R(totalPTYs, V_COUNT, total_ptys),
    R(totalLargePages, V_COUNT, total_large_pages),
    R(pct_msgIDs, V_PCT, pct_msg_ids),
    R(pct_semIDs, V_PCT, pct_sem_ids),
    R(pct_shmIDs, V_PCT, pct_shm_ids),
    R(pct_pinMem, V_PCT, pct_pin_mem),
#undef R
};

static int parse_attr(const struct resource_attr *a, const char *v, struct wpar_limits *l,
		      wpar_error_t *err)
{
	void *slot = (char *)l + a->limits_off;
	switch (a->kind) {
	case V_ACTIVE:
		return parse_active(a->name, v, slot, err);
	case V_RSET:
		return parse_rset(a->name, v, slot, err);
	case V_SHARES:
		return parse_shares(a->name, v, slot, err);
	case V_RANGE:
		return parse_range(a->name, v, slot, err);
	case V_VMEM:
		return parse_vmem(a->name, v, slot, err);
	case V_COUNT:
		return parse_count(a->name, v, slot, err);
	case V_PCT:
		return parse_pct(a->name, v, slot, err);
	}
	return wpar_error_input(err, "resources.%s: unknown kind of value", a->name);
}

int wpar_limits_check_attr(const char *attr, const char *value, wpar_error_t *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(resource_attrs); i++)
		if (strcmp(resource_attrs[i].name, attr) == 0) {
			struct wpar_limits l;
			wpar_limits_default(&l);
			int r = parse_attr(&resource_attrs[i], value, &l, err);
			wpar_limits_release(&l);
			return r;
		}
	return wpar_error_input(err, "unknown attribute '%s' in the resources stanza", attr);
}

int wpar_limits_from_spec(const struct wpar_spec *spec, struct wpar_limits *out, wpar_error_t *err)
{
	struct wpar_limits l;
	wpar_limits_default(&l);
	wpar_limits_default(out);
	if (spec->n_resources == 0)
		return 0;
	const struct wpar_resources *res = &spec->resources;
	for (size_t i = 0; i < ARRAY_SIZE(resource_attrs); i++) {
		const struct resource_attr *a = &resource_attrs[i];
		const char *v = *(char *const *)((const char *)res + a->spec_off);
		if (v != NULL && parse_attr(a, v, &l, err) < 0) {
			wpar_limits_release(&l);
			return -1;
		}
	}
	/* Here, not when the attribute is read: a definition whose resource
	 * set was removed must stay readable (lswpar, rmwpar). */
	if (l.rset && !wpar_rset_exists(l.rset)) {
		invalid(err, "rset", res->rset, "no resource set of that name (see lsrset)");
		wpar_limits_release(&l);
		return -1;
	}
	if (l.total_threads != WPAR_UNLIMITED) {
		if (l.total_processes == WPAR_UNLIMITED) {
			l.total_processes = l.total_threads;
		} else if (l.total_threads < l.total_processes) {
			invalid(err, "totalThreads", res->totalThreads,
				"Must be greater than or equal to totalProcesses (%lld)",
				l.total_processes);
			wpar_limits_release(&l);
			return -1;
		}
	}
	*out = l;
	return 0;
}

/* ---- minimums over the running WPARs -------------------------------------- */

static int check_sum(const char *name, const char *attr, const char *what,
		     const struct wpar_pct_range *mine, const struct wpar_limits *others,
		     size_t n_others, size_t range_off, wpar_error_t *err)
{
	long sum = mine->min;
	for (size_t i = 0; i < n_others; i++)
		if (others[i].active)
			sum +=
			    ((const struct wpar_pct_range *)((const char *)&others[i] + range_off))
				->min;
	if (sum <= PCT_MAX)
		return 0;
	char value[64], total[16];
	fmt_range(value, mine);
	/* Only an impossible number of WPARs could overflow an int here. */
	fmt_pct(total, sum > 1000000000L ? 1000000000 : (int)sum);
	return invalid(err, attr, value,
		       "With %s, the minimum %s percentages of the running workload partitions "
		       "add up to %s; their sum must not exceed 100%%",
		       name ? name : "this workload partition", what, total);
}

int wpar_limits_check_minimums(const char *name, const struct wpar_limits *l,
			       const struct wpar_limits *others, size_t n_others, wpar_error_t *err)
{
	/* A WPAR whose controls are inactive reserves nothing: it cannot be
	 * the one that takes the sum over 100%. */
	if (!l->active)
		return 0;
	if (check_sum(name, "CPU", "CPU", &l->cpu, others, n_others,
		      offsetof(struct wpar_limits, cpu), err) < 0)
		return -1;
	return check_sum(name, "memory", "memory", &l->memory, others, n_others,
			 offsetof(struct wpar_limits, memory), err);
}
