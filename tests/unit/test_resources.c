/* Resource controls: the defaults of AIX's Table 7-2, every attribute's
 * values in typed form, every rule with AIX's message 0960-527 (including
 * the book's own totalThreads/totalProcesses example), the sum of the
 * minimum percentages over the running WPARs, and the hook that makes
 * wpar_spec_validate refuse a bad stanza. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources.h"
#include "rset.h"
#include "spec_internal.h"
#include "util.h"

#define UNUSED __attribute__((unused))

#define MB (1LL << 20)
#define GB (1LL << 30)
#define TB (1LL << 40)

#define RANGE_SYNTAX                                                                               \
	"Must be <minimum>%-<soft maximum>%,<hard maximum>%, each a percentage from 0 to 100 "     \
	"with at most two decimals, any of them optional."
#define PCT_SYNTAX    "Must be a percentage from 0 to 100, with at most two decimals."
#define SHARES_SYNTAX "Must be a number of shares from 1 to 65535, or -1 for unlimited."
#define COUNT_SYNTAX  "Must be a positive number, or -1 for unlimited."
#define VMEM_SYNTAX                                                                                \
	"Must be a number of megabytes, optionally with the unit M, MB, G, GB, T or TB, or -1 "    \
	"for unlimited."

/* ---- helpers ------------------------------------------------------------ */

static void assert_defaults(const struct wpar_limits *l);

/* A spec with a resources stanza whose attributes are set as given, raw:
 * not through the spec table's own checks, so that values those checks
 * would already refuse reach wpar_limits_from_spec too. */
static struct wpar_spec *spec_with(const char *attr, const char *value, ...)
{
	struct wpar_spec *spec = wpar_spec_new();
	spec->n_resources = 1;
	va_list ap;
	va_start(ap, value);
	while (attr != NULL) {
		const struct wpar_attr_desc *a = wpar_attr_lookup(WPAR_ST_RESOURCES, attr);
		if (a == NULL)
			fail_msg("no resources attribute %s", attr);
		char **slot = wpar_attr_slot(&spec->resources, a);
		free(*slot);
		*slot = xstrdup(value);
		attr = va_arg(ap, const char *);
		if (attr != NULL)
			value = va_arg(ap, const char *);
	}
	va_end(ap);
	return spec;
}

static void limits_ok(struct wpar_limits *l, const char *attr, const char *value)
{
	cleanup_spec struct wpar_spec *spec = spec_with(attr, value, NULL);
	cleanup_error wpar_error_t err = NULL;
	if (wpar_limits_from_spec(spec, l, &err) < 0)
		fail_msg("%s = %s refused: %s", attr, value, err->msg);
	assert_null(err);
}

/* The value must be refused with exactly
 * "0960-527 resources.<attr> = <value> is invalid: <reason>", and the
 * output left at the defaults. */
static void expect_invalid(const char *attr, const char *value, const char *reason)
{
	cleanup_spec struct wpar_spec *spec = spec_with(attr, value, NULL);
	cleanup_error wpar_error_t err = NULL;
	struct wpar_limits l;
	assert_int_equal(wpar_limits_from_spec(spec, &l, &err), -1);
	assert_non_null(err);
	assert_int_equal(err->status, 0);
	cleanup_free char *want =
	    xasprintf("0960-527 resources.%s = %s is invalid: %s", attr, value, reason);
	assert_string_equal(err->msg, want);
	assert_defaults(&l);

	/* The single-value check says the same. */
	wpar_error_release(&err);
	assert_int_equal(wpar_limits_check_attr(attr, value, &err), -1);
	assert_string_equal(err->msg, want);
}

static void expect_range(const char *attr, const char *value, int min, int soft, int hard)
{
	struct wpar_limits l;
	limits_ok(&l, attr, value);
	const struct wpar_pct_range *r = strcmp(attr, "CPU") == 0 ? &l.cpu : &l.memory;
	if (r->min != min || r->soft != soft || r->hard != hard)
		fail_msg("%s = %s: got %d-%d,%d, expected %d-%d,%d", attr, value, r->min, r->soft,
			 r->hard, min, soft, hard);
	/* The other range stays at its default. */
	const struct wpar_pct_range *o = strcmp(attr, "CPU") == 0 ? &l.memory : &l.cpu;
	assert_int_equal(o->min, 0);
	assert_int_equal(o->soft, 10000);
	assert_int_equal(o->hard, 10000);
	wpar_limits_release(&l);
}

static long long count_of(const struct wpar_limits *l, const char *attr)
{
	if (strcmp(attr, "totalProcesses") == 0)
		return l->total_processes;
	if (strcmp(attr, "totalThreads") == 0)
		return l->total_threads;
	if (strcmp(attr, "totalPTYs") == 0)
		return l->total_ptys;
	if (strcmp(attr, "totalLargePages") == 0)
		return l->total_large_pages;
	if (strcmp(attr, "shares_CPU") == 0)
		return l->shares_cpu;
	if (strcmp(attr, "shares_memory") == 0)
		return l->shares_memory;
	if (strcmp(attr, "procVirtMem") == 0)
		return l->proc_virt_mem;
	if (strcmp(attr, "totalVirtMem") == 0)
		return l->total_virt_mem;
	if (strcmp(attr, "pct_msgIDs") == 0)
		return l->pct_msg_ids;
	if (strcmp(attr, "pct_semIDs") == 0)
		return l->pct_sem_ids;
	if (strcmp(attr, "pct_shmIDs") == 0)
		return l->pct_shm_ids;
	if (strcmp(attr, "pct_pinMem") == 0)
		return l->pct_pin_mem;
	fail_msg("no numeric attribute %s", attr);
	return 0;
}

static void expect_number(const char *attr, const char *value, long long want)
{
	struct wpar_limits l;
	limits_ok(&l, attr, value);
	long long got = count_of(&l, attr);
	if (got != want)
		fail_msg("%s = %s: got %lld, expected %lld", attr, value, got, want);
	wpar_limits_release(&l);
}

static void assert_defaults(const struct wpar_limits *l)
{
	assert_true(l->active);
	assert_null(l->rset);
	assert_int_equal(l->shares_cpu, WPAR_UNLIMITED);
	assert_int_equal(l->shares_memory, WPAR_UNLIMITED);
	assert_int_equal(l->cpu.min, 0);
	assert_int_equal(l->cpu.soft, 10000);
	assert_int_equal(l->cpu.hard, 10000);
	assert_int_equal(l->memory.min, 0);
	assert_int_equal(l->memory.soft, 10000);
	assert_int_equal(l->memory.hard, 10000);
	assert_int_equal(l->proc_virt_mem, WPAR_UNLIMITED);
	assert_int_equal(l->total_virt_mem, WPAR_UNLIMITED);
	assert_int_equal(l->total_processes, WPAR_UNLIMITED);
	assert_int_equal(l->total_threads, WPAR_UNLIMITED);
	assert_int_equal(l->total_ptys, WPAR_UNLIMITED);
	assert_int_equal(l->total_large_pages, WPAR_UNLIMITED);
	assert_int_equal(l->pct_msg_ids, 10000);
	assert_int_equal(l->pct_sem_ids, 10000);
	assert_int_equal(l->pct_shm_ids, 10000);
	assert_int_equal(l->pct_pin_mem, 10000);
}

/* ---- defaults ------------------------------------------------------------ */

static void test_defaults(void **state UNUSED)
{
	struct wpar_limits l;
	memset(&l, 0x5a, sizeof(l));
	wpar_limits_default(&l);
	assert_defaults(&l);
	wpar_limits_release(&l);
	assert_null(l.rset);
}

static void test_no_stanza_and_empty_stanza(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *none = wpar_spec_new();
	struct wpar_limits l;
	memset(&l, 0x5a, sizeof(l));
	assert_int_equal(wpar_limits_from_spec(none, &l, NULL), 0);
	assert_defaults(&l);

	cleanup_spec struct wpar_spec *empty = wpar_spec_new();
	empty->n_resources = 1;
	memset(&l, 0x5a, sizeof(l));
	assert_int_equal(wpar_limits_from_spec(empty, &l, NULL), 0);
	assert_defaults(&l);
	wpar_limits_release(&l);
}

/* ---- every attribute, good values --------------------------------------- */

/* ch9-14 2.3: the resources stanza of the book, parsed as a spec file. */
static void test_book_stanza(void **state UNUSED)
{
	static const char text[] = "resources:\n"
				   "    active = yes\n"
				   "    rset = wpar/wpar1\n"
				   "    shares_CPU = 100\n"
				   "    CPU = 0%-100%,100%\n"
				   "    shares_memory = 100\n"
				   "    memory = 0%-100%,100%\n"
				   "    procVirtMem = 1024MB\n"
				   "    totalVirtMem = 2048MB\n"
				   "    totalProcesses = 1024\n"
				   "    totalThreads = 2048\n"
				   "    totalPTYs = 8\n"
				   "    totalLargePages = 16\n"
				   "    pct_msgIDs = 20%\n"
				   "    pct_semIDs = 30%\n"
				   "    pct_shmIDs = 50%\n"
				   "    pct_pinMem = 20%\n";
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_spec_parse(text, strlen(text), "t.cf", &spec, &err), 0);
	struct wpar_limits l;
	if (wpar_limits_from_spec(spec, &l, &err) < 0)
		fail_msg("%s", err->msg);
	assert_true(l.active);
	assert_string_equal(l.rset, "wpar/wpar1");
	assert_int_equal(l.shares_cpu, 100);
	assert_int_equal(l.cpu.min, 0);
	assert_int_equal(l.cpu.soft, 10000);
	assert_int_equal(l.cpu.hard, 10000);
	assert_int_equal(l.shares_memory, 100);
	assert_int_equal(l.memory.hard, 10000);
	assert_int_equal(l.proc_virt_mem, 1024 * MB);
	assert_int_equal(l.total_virt_mem, 2048 * MB);
	assert_int_equal(l.total_processes, 1024);
	assert_int_equal(l.total_threads, 2048);
	assert_int_equal(l.total_ptys, 8);
	assert_int_equal(l.total_large_pages, 16);
	assert_int_equal(l.pct_msg_ids, 2000);
	assert_int_equal(l.pct_sem_ids, 3000);
	assert_int_equal(l.pct_shm_ids, 5000);
	assert_int_equal(l.pct_pin_mem, 2000);
	wpar_limits_release(&l);
	assert_null(l.rset);
}

/* The values as mkwpar/chwpar -R words put them in the spec (through the
 * table's checks and normalisation). */
static void test_flag_words(void **state UNUSED)
{
	char *words[] = {
	    "shares_CPU=15",    "CPU=8%-35%,45%",  "memory=10%-25%,40%",  "totalProcesses=237",
	    "totalThreads=289", "pct_msgIDs=12.5", "totalPTYs=unlimited", "procVirtMem=512",
	    "totalVirtMem=-1",  "active=no"};
	cleanup_spec struct wpar_spec *spec = wpar_spec_new();
	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_add_words(spec, WPAR_ST_RESOURCES, "-R", words, ARRAY_SIZE(words), &err) < 0)
		fail_msg("%s", err->msg);
	struct wpar_limits l;
	if (wpar_limits_from_spec(spec, &l, &err) < 0)
		fail_msg("%s", err->msg);
	assert_false(l.active);
	assert_int_equal(l.shares_cpu, 15);
	assert_int_equal(l.cpu.min, 800);
	assert_int_equal(l.cpu.soft, 3500);
	assert_int_equal(l.cpu.hard, 4500);
	assert_int_equal(l.memory.min, 1000);
	assert_int_equal(l.memory.soft, 2500);
	assert_int_equal(l.memory.hard, 4000);
	assert_int_equal(l.total_processes, 237);
	assert_int_equal(l.total_threads, 289);
	assert_int_equal(l.pct_msg_ids, 1250);
	assert_int_equal(l.total_ptys, WPAR_UNLIMITED);
	assert_int_equal(l.proc_virt_mem, 512 * MB);
	assert_int_equal(l.total_virt_mem, WPAR_UNLIMITED);
	assert_null(l.rset);
	wpar_limits_release(&l);
}

static void test_active(void **state UNUSED)
{
	struct wpar_limits l;
	limits_ok(&l, "active", "yes");
	assert_true(l.active);
	limits_ok(&l, "active", "no");
	assert_false(l.active);
	limits_ok(&l, "active", "NO");
	assert_false(l.active);
	expect_invalid("active", "maybe", "Must be yes or no.");
	expect_invalid("active", "", "Must be yes or no.");
}

static void test_rset(void **state UNUSED)
{
	struct wpar_limits l;
	limits_ok(&l, "rset", "wpar_rset/procs0to4");
	assert_string_equal(l.rset, "wpar_rset/procs0to4");
	wpar_limits_release(&l);
	/* A well-formed name that no resource set has. */
	cleanup_spec struct wpar_spec *unknown = spec_with("rset", "test/none", NULL);
	cleanup_error wpar_error_t e = NULL;
	assert_int_equal(wpar_limits_from_spec(unknown, &l, &e), -1);
	assert_string_equal(e->msg, "0960-527 resources.rset = test/none is invalid: no resource "
				    "set of that name (see lsrset).");
	assert_null(l.rset);
	wpar_limits_release(&l);
	limits_ok(&l, "rset", ""); /* AIX's default: every resource of the system */
	assert_null(l.rset);

	static const char *bad[] = {"a b",  "/etc/x",  "../x", "a/../b", "x/",
				    "a//b", ".hidden", "a;b",  "a$b"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_invalid("rset", bad[i],
			       "Must be the name of a resource set, such as wpar_rset/procs0to4 "
			       "(letters, digits, '_', '.', '-' and '/').");
}

static void test_shares(void **state UNUSED)
{
	static const char *attrs[] = {"shares_CPU", "shares_memory"};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		expect_number(attrs[i], "1", 1);
		expect_number(attrs[i], "15", 15);
		expect_number(attrs[i], "65535", 65535);
		expect_number(attrs[i], "-1", WPAR_UNLIMITED);
		expect_number(attrs[i], "unlimited", WPAR_UNLIMITED);
		expect_number(attrs[i], "Unlimited", WPAR_UNLIMITED);
		static const char *bad[] = {"0",   "65536", "-2", "abc", "",
					    "1.5", " 5",    "+5", "10%"};
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++)
			expect_invalid(attrs[i], bad[j], SHARES_SYNTAX);
	}
}

static void test_ranges(void **state UNUSED)
{
	static const char *attrs[] = {"CPU", "memory"};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		const char *a = attrs[i];
		/* The three parts. */
		expect_range(a, "8%-35%,45%", 800, 3500, 4500);
		expect_range(a, "0%-100%,100%", 0, 10000, 10000);
		expect_range(a, "0%-0%,0%", 0, 0, 0);
		expect_range(a, "100%-100%,100%", 10000, 10000, 10000);
		expect_range(a, "10%-10%,10%", 1000, 1000, 1000);
		expect_range(a, "8-35,45", 800, 3500, 4500); /* '%' optional */
		/* Two decimals. */
		expect_range(a, "12.25%-12.5%,99.99%", 1225, 1250, 9999);
		expect_range(a, "0.01%-0.1%,0.10%", 1, 10, 10);
		/* Parts left out: a minimum of 0, a hard maximum of 100%, a
		 * soft maximum equal to the hard one. */
		expect_range(a, "10%", 1000, 10000, 10000);
		expect_range(a, "10%-", 1000, 10000, 10000);
		expect_range(a, "-50%", 0, 5000, 10000);
		expect_range(a, ",60%", 0, 6000, 6000);
		expect_range(a, "-,60%", 0, 6000, 6000);
		expect_range(a, "10%-50%", 1000, 5000, 10000);
		expect_range(a, "10%,60%", 1000, 6000, 6000);
		expect_range(a, "-20%,30%", 0, 2000, 3000);
	}
}

static void test_range_errors(void **state UNUSED)
{
	static const char *attrs[] = {"CPU", "memory"};
	static const char *syntax[] = {
	    "",       "-",         ",",           "-,",          "abc",         "10%%",
	    "101%",   "100.01%",   "12.255%",     "1.%",         ".5%",         "10%-20%-30%",
	    "-10%-2", "10%,20%,3", "10 %-20%,3%", "10%-20%;30%", "1e1%",        "-5%-",
	    "200",    "10%-101%",  ",100.5%",     "%",           "10%-20%,30%,"};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		const char *a = attrs[i];
		for (size_t j = 0; j < ARRAY_SIZE(syntax); j++)
			expect_invalid(a, syntax[j], RANGE_SYNTAX);
		/* AIX's rules: min <= soft max <= hard max. */
		expect_invalid(a, "40%-30%,50%",
			       "The minimum (40%) must not exceed the soft maximum (30%).");
		expect_invalid(a, "10.5%-10.25%",
			       "The minimum (10.5%) must not exceed the soft maximum (10.25%).");
		expect_invalid(a, "10%-50%,45%",
			       "The soft maximum (50%) must not exceed the hard maximum (45%).");
		expect_invalid(
		    a, "-100%,99.99%",
		    "The soft maximum (100%) must not exceed the hard maximum (99.99%).");
		/* An omitted soft maximum is the hard one. */
		expect_invalid(a, "10%,5%",
			       "The minimum (10%) must not exceed the soft maximum (5%).");
	}
}

static void test_counts(void **state UNUSED)
{
	static const char *attrs[] = {"totalProcesses", "totalPTYs", "totalLargePages",
				      "totalThreads"};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		expect_number(attrs[i], "1", 1);
		expect_number(attrs[i], "237", 237);
		expect_number(attrs[i], "9999999999", 9999999999LL);
		expect_number(attrs[i], "-1", WPAR_UNLIMITED);
		expect_number(attrs[i], "unlimited", WPAR_UNLIMITED);
		static const char *bad[] = {
		    "0", "-2", "x", "1e3", "", "12.0", "99999999999999999999"};
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++)
			expect_invalid(attrs[i], bad[j], COUNT_SYNTAX);
	}
}

static void test_virtual_memory(void **state UNUSED)
{
	static const char *attrs[] = {"procVirtMem", "totalVirtMem"};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		const char *a = attrs[i];
		expect_number(a, "1", MB); /* no unit: megabytes */
		expect_number(a, "1024", 1024 * MB);
		expect_number(a, "1M", MB);
		expect_number(a, "1024MB", 1024 * MB);
		expect_number(a, "2048mb", 2048 * MB);
		expect_number(a, "2G", 2 * GB);
		expect_number(a, "3GB", 3 * GB);
		expect_number(a, "1T", TB);
		expect_number(a, "5tb", 5 * TB);
		expect_number(a, "-1", WPAR_UNLIMITED);
		expect_number(a, "unlimited", WPAR_UNLIMITED);
		/* AIX's upper bound, 8796093022207 MB (2^43 - 1). */
		expect_number(a, "8796093022207", 8796093022207LL * MB);
		expect_number(a, "8796093022207M", 8796093022207LL * MB);
		expect_number(a, "8388607T", 8388607LL * TB);
		expect_invalid(a, "8796093022208", "Must not exceed 8796093022207 MB.");
		expect_invalid(a, "8388608T", "Must not exceed 8796093022207 MB.");
		expect_invalid(a, "8589934592G", "Must not exceed 8796093022207 MB.");
		expect_invalid(a, "999999999999999999999999999",
			       "Must not exceed 8796093022207 MB.");
		/* At least 1 MB. */
		expect_invalid(a, "0", "Must be at least 1 MB.");
		expect_invalid(a, "0G", "Must be at least 1 MB.");
		/* Not AIX's units for these attributes. */
		static const char *bad[] = {"512K", "2048KB", "1X",  "M",   "",
					    "-2",   "1.5G",   " 1G", "1G ", "1GiB"};
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++)
			expect_invalid(a, bad[j], VMEM_SYNTAX);
	}
}

static void test_ipc_and_pinned_percentages(void **state UNUSED)
{
	static const char *attrs[] = {"pct_msgIDs", "pct_semIDs", "pct_shmIDs", "pct_pinMem"};
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		const char *a = attrs[i];
		expect_number(a, "0", 0);
		expect_number(a, "0%", 0);
		expect_number(a, "50", 5000);
		expect_number(a, "12.25%", 1225);
		expect_number(a, "12.5%", 1250);
		expect_number(a, "0.01%", 1);
		expect_number(a, "100%", 10000);
		expect_number(a, "100.00", 10000);
		static const char *bad[] = {"101", "100.01%", "12.345%", "x",  "-1",
					    "",    "50%%",    "5 %",     ".5", "unlimited"};
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++)
			expect_invalid(a, bad[j], PCT_SYNTAX);
	}
}

/* ---- totalThreads and totalProcesses ------------------------------------ */

static void test_threads_against_processes(void **state UNUSED)
{
	struct wpar_limits l;
	cleanup_error wpar_error_t err = NULL;

	/* Example 7-6, the verbatim message. */
	cleanup_spec struct wpar_spec *bad =
	    spec_with("totalProcesses", "237", "totalThreads", "89", NULL);
	assert_int_equal(wpar_limits_from_spec(bad, &l, &err), -1);
	assert_string_equal(err->msg, "0960-527 resources.totalThreads = 89 is invalid: Must be "
				      "greater than or equal to totalProcesses (237).");
	assert_defaults(&l);
	wpar_error_release(&err);

	/* Equal and greater are fine. */
	cleanup_spec struct wpar_spec *eq =
	    spec_with("totalProcesses", "237", "totalThreads", "237", NULL);
	assert_int_equal(wpar_limits_from_spec(eq, &l, NULL), 0);
	assert_int_equal(l.total_processes, 237);
	assert_int_equal(l.total_threads, 237);
	cleanup_spec struct wpar_spec *gt =
	    spec_with("totalProcesses", "237", "totalThreads", "289", NULL);
	assert_int_equal(wpar_limits_from_spec(gt, &l, NULL), 0);
	assert_int_equal(l.total_threads, 289);

	/* Only totalThreads: the process limit is the thread limit. */
	cleanup_spec struct wpar_spec *only = spec_with("totalThreads", "100", NULL);
	assert_int_equal(wpar_limits_from_spec(only, &l, NULL), 0);
	assert_int_equal(l.total_processes, 100);
	assert_int_equal(l.total_threads, 100);
	cleanup_spec struct wpar_spec *unl =
	    spec_with("totalProcesses", "unlimited", "totalThreads", "100", NULL);
	assert_int_equal(wpar_limits_from_spec(unl, &l, NULL), 0);
	assert_int_equal(l.total_processes, 100);

	/* Only totalProcesses: threads stay unlimited. */
	cleanup_spec struct wpar_spec *procs =
	    spec_with("totalProcesses", "95", "totalThreads", "-1", NULL);
	assert_int_equal(wpar_limits_from_spec(procs, &l, NULL), 0);
	assert_int_equal(l.total_processes, 95);
	assert_int_equal(l.total_threads, WPAR_UNLIMITED);
}

/* A refusal frees what was already parsed (the rset here: ASan in
 * tests/run.sh would report the leak) and leaves the defaults. */
static void test_error_leaves_defaults(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_with("rset", "wpar_rset/procs0to4", "shares_CPU",
							"10", "pct_pinMem", "200%", NULL);
	cleanup_error wpar_error_t err = NULL;
	struct wpar_limits l;
	assert_int_equal(wpar_limits_from_spec(spec, &l, &err), -1);
	assert_string_equal(err->msg,
			    "0960-527 resources.pct_pinMem = 200% is invalid: " PCT_SYNTAX);
	assert_defaults(&l);
	wpar_limits_release(&l);
}

static void test_check_attr(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_limits_check_attr("CPU", "8%-35%,45%", &err), 0);
	assert_int_equal(wpar_limits_check_attr("rset", "wpar_rset/procs0to4", &err), 0);
	assert_int_equal(wpar_limits_check_attr("totalThreads", "89", &err), 0);
	assert_null(err);
	assert_int_equal(wpar_limits_check_attr("CPU", "50%-40%", &err), -1);
	assert_string_equal(err->msg, "0960-527 resources.CPU = 50%-40% is invalid: The minimum "
				      "(50%) must not exceed the soft maximum (40%).");
	wpar_error_release(&err);
	assert_int_equal(wpar_limits_check_attr("totalCPU", "1", &err), -1);
	assert_non_null(strstr(err->msg, "totalCPU"));
}

/* ---- the sum of the minimums -------------------------------------------- */

static struct wpar_limits with_min(int cpu_min, int mem_min, bool active)
{
	struct wpar_limits l;
	wpar_limits_default(&l);
	l.cpu.min = cpu_min;
	l.memory.min = mem_min;
	l.active = active;
	return l;
}

static void test_minimums(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	struct wpar_limits me = with_min(6000, 1000, true);
	struct wpar_limits others[3] = {with_min(2500, 1000, true), with_min(1500, 1000, true),
					with_min(5000, 9000, false)};

	/* Alone, and exactly 100% with the others (the inactive one does not
	 * count). */
	assert_int_equal(wpar_limits_check_minimums("w1", &me, NULL, 0, &err), 0);
	assert_int_equal(wpar_limits_check_minimums("w1", &me, others, 3, &err), 0);
	assert_null(err);
	struct wpar_limits full = with_min(10000, 10000, true);
	assert_int_equal(wpar_limits_check_minimums("w1", &full, NULL, 0, &err), 0);

	/* 100.01% of CPU. */
	others[1].cpu.min = 1501;
	assert_int_equal(wpar_limits_check_minimums("w1", &me, others, 3, &err), -1);
	assert_int_equal(err->status, 0);
	assert_string_equal(err->msg,
			    "0960-527 resources.CPU = 60%-100%,100% is invalid: With w1, the "
			    "minimum CPU percentages of the running workload partitions add up "
			    "to 100.01%; their sum must not exceed 100%.");
	wpar_error_release(&err);
	others[1].cpu.min = 1500;

	/* Memory, with decimals in the value shown. */
	me.memory = (struct wpar_pct_range){8050, 9000, 9500};
	assert_int_equal(wpar_limits_check_minimums("w1", &me, others, 3, &err), -1);
	assert_string_equal(err->msg,
			    "0960-527 resources.memory = 80.5%-90%,95% is invalid: With w1, the "
			    "minimum memory percentages of the running workload partitions add up "
			    "to 100.5%; their sum must not exceed 100%.");
	wpar_error_release(&err);

	/* When the other one becomes active, it counts. */
	me.memory.min = 0;
	assert_int_equal(wpar_limits_check_minimums("w1", &me, others, 3, &err), 0);
	others[2].active = true;
	assert_int_equal(wpar_limits_check_minimums("w1", &me, others, 3, &err), -1);
	assert_non_null(strstr(err->msg, "add up to 150%"));
	wpar_error_release(&err);

	/* A WPAR whose controls are inactive reserves nothing. */
	me.active = false;
	assert_int_equal(wpar_limits_check_minimums("w1", &me, others, 3, &err), 0);
	assert_null(err);
}

/* ---- wpar_spec_validate refuses a bad stanza ----------------------------- */

static void validate_fails(const char *text, const char *want)
{
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	/* A rule of one attribute already applies while the file is read
	 * (with the line number in front); rules between attributes apply
	 * when the whole spec is validated. */
	if (wpar_spec_parse(text, strlen(text), "t.cf", &spec, &err) < 0) {
		size_t n = strlen(err->msg), m = strlen(want);
		if (n < m || strcmp(err->msg + n - m, want) != 0 || strncmp(err->msg, "t.cf:", 5))
			fail_msg("parse error '%s' is not '<line>: %s'", err->msg, want);
		return;
	}
	assert_int_equal(wpar_spec_validate(spec, &err), -1);
	assert_string_equal(err->msg, want);
	wpar_error_release(&err);
	assert_int_equal(wpar_spec_validate_template(spec, &err), -1);
	assert_string_equal(err->msg, want);
}

static void test_validate_hook(void **state UNUSED)
{
	validate_fails("general:\n name = jane1\nresources:\n totalProcesses = 237\n"
		       " totalThreads = 89\n",
		       "0960-527 resources.totalThreads = 89 is invalid: Must be greater than or "
		       "equal to totalProcesses (237).");
	validate_fails("general:\n name = jake\nresources:\n CPU = 40%-35%,45%\n",
		       "0960-527 resources.CPU = 40%-35%,45% is invalid: The minimum (40%) must "
		       "not exceed the soft maximum (35%).");
	validate_fails("general:\n name = jake\n application = /bin/true\nresources:\n"
		       " memory = 10%-200%\n",
		       "0960-527 resources.memory = 10%-200% is invalid: " RANGE_SYNTAX);
	validate_fails("general:\n name = jake\nresources:\n procVirtMem = 512K\n",
		       "0960-527 resources.procVirtMem = 512K is invalid: " VMEM_SYNTAX);

	/* chwpar -R: the words are merged into the stanza, then validated. */
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	static const char base[] = "general:\n name = jane1\n";
	assert_int_equal(wpar_spec_parse(base, strlen(base), "t.cf", &spec, &err), 0);
	char *w1[] = {"totalProcesses=237"}, *w2[] = {"totalThreads=89"},
	     *w3[] = {"totalThreads=289"};
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_RESOURCES, "-R", w1, 1, &err), 0);
	assert_int_equal(wpar_spec_validate(spec, &err), 0);
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_RESOURCES, "-R", w2, 1, &err), 0);
	assert_int_equal(wpar_spec_validate(spec, &err), -1);
	assert_string_equal(err->msg, "0960-527 resources.totalThreads = 89 is invalid: Must be "
				      "greater than or equal to totalProcesses (237).");
	wpar_error_release(&err);
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_RESOURCES, "-R", w3, 1, &err), 0);
	assert_int_equal(wpar_spec_validate(spec, &err), 0);
	assert_null(err);

	/* A spec without resources, and AIX's generated one, are fine. */
	cleanup_spec struct wpar_spec *plain = NULL;
	static const char gen[] = "general:\n name = w\nresources:\n shares_CPU = \"-1\"\n"
				  " active = \"yes\"\n";
	assert_int_equal(wpar_spec_parse(gen, strlen(gen), "t.cf", &plain, &err), 0);
	assert_int_equal(wpar_spec_validate(plain, &err), 0);
}

/* The resource sets the tests name, in a registry of their own (before
 * anything reads the paths). */
static char confdir[64];

static void remove_confdir(void)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", confdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", confdir);
}

int main(void)
{
	strcpy(confdir, "/tmp/wpar-resources-XXXXXX");
	if (mkdtemp(confdir) == NULL)
		return 1;
	setenv("WPAR_CONFDIR", confdir, 1);
	atexit(remove_confdir);
	wpar_error_t err = NULL;
	if (wpar_rset_create("wpar/wpar1", "0", NULL, &err) < 0 ||
	    wpar_rset_create("wpar_rset/procs0to4", "0", NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err->msg);
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_no_stanza_and_empty_stanza),
	    cmocka_unit_test(test_book_stanza),
	    cmocka_unit_test(test_flag_words),
	    cmocka_unit_test(test_active),
	    cmocka_unit_test(test_rset),
	    cmocka_unit_test(test_shares),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_range_errors),
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_virtual_memory),
	    cmocka_unit_test(test_ipc_and_pinned_percentages),
	    cmocka_unit_test(test_threads_against_processes),
	    cmocka_unit_test(test_error_leaves_defaults),
	    cmocka_unit_test(test_check_attr),
	    cmocka_unit_test(test_minimums),
	    cmocka_unit_test(test_validate_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
