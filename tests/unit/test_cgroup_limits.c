/* cgroup_limits.c: a WPAR's resource controls in its cgroup, against two
 * trees, as tests/unit/test_cgroup.c does.
 *
 * 1. A fake cgroup v2 tree (WPAR_CGROUP_ROOT=<tmpdir>).  The test plays
 *    the kernel: it writes the interface files of the new group with the
 *    kernel's defaults, applies limits and checks the exact contents of
 *    every knob (and of the parent level's memory.low), for a set of
 *    limits, for a live change, and for active = no.  Also: a controller
 *    the group does not have, and an unknown resource set or one outside
 *    the level above, fail before anything is written; a defined one is
 *    written into cpuset.cpus and cpuset.mems.  The resource sets live in
 *    a registry in a temporary WPAR_CONFDIR.
 *
 * 2. The real cgroup v1 hierarchies of this machine (root; skipped
 *    otherwise) under a unique parent (wpar-test-<pid>): the knobs read
 *    back from the kernel; pids.max stops forks (EAGAIN); a memory limit
 *    below what a WPAR has locked is refused with a message naming the
 *    knob and the value.  The teardown kills every process left in the
 *    test's groups and removes them, also when a test fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "paths.h"
#include "resources.h"
#include "rset.h"
#include "cgroup_fixture.h"
#include "util.h"

#define UNUSED    __attribute__((unused))
#define REAL_ROOT CGFX_REAL_ROOT
#define GIB       (1024ULL * 1024 * 1024)

static char fake_root[64];
static char conf_root[64]; /* WPAR_CONFDIR and WPAR_RUNDIR: the rset registry */
static char real_parent[64];

/* ---- helpers ------------------------------------------------------------ */

#define OK(call)                                                                                   \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			fail_msg("%s: %s", #call, err ? err->msg : "(no message)");                \
	} while (0)

/* The file's content must be `want`, exactly. */
static void expect_file(const char *dir, const char *file, const char *want)
{
	cleanup_free char *got = cgfx_slurp(dir, file);
	if (got == NULL)
		fail_msg("%s/%s: missing, expected \"%s\"", dir, file, want);
	if (strcmp(got, want) != 0)
		fail_msg("%s/%s: \"%s\", expected \"%s\"", dir, file, got, want);
}

static bool exists(const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	return path_exists(path);
}

/* Limits with AIX's defaults (Table 7-2): nothing limited. */
static void no_limits(struct wpar_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->active = true;
	l->shares_cpu = l->shares_memory = WPAR_UNLIMITED;
	l->cpu = l->memory = (struct wpar_pct_range){0, 10000, 10000};
	l->proc_virt_mem = l->total_virt_mem = WPAR_UNLIMITED;
	l->total_processes = l->total_threads = WPAR_UNLIMITED;
	l->total_ptys = l->total_large_pages = WPAR_UNLIMITED;
	l->pct_msg_ids = l->pct_sem_ids = l->pct_shm_ids = l->pct_pin_mem = 10000;
}

/* The limits most tests apply. */
static void some_limits(struct wpar_limits *l)
{
	no_limits(l);
	l->shares_cpu = 50;
	l->cpu = (struct wpar_pct_range){1000, 5000, 2550};
	l->memory = (struct wpar_pct_range){1000, 2500, 5000};
	l->total_processes = 100;
	l->total_threads = 300;
	l->total_large_pages = 20;
}

/* The host's default huge page size as the hugetlb controller names it
 * ("2MB"), and in bytes; false when the host has none. */
static bool huge_page(char *name, size_t n, unsigned long long *bytes)
{
	cleanup_free char *meminfo = cgfx_slurp("/proc", "meminfo");
	const char *p = meminfo ? strstr(meminfo, "Hugepagesize:") : NULL;
	if (p == NULL)
		return false;
	unsigned long long kb = strtoull(p + strlen("Hugepagesize:"), NULL, 10);
	if (kb >= 1024 * 1024)
		snprintf(name, n, "%lluGB", kb / 1024 / 1024);
	else if (kb >= 1024)
		snprintf(name, n, "%lluMB", kb / 1024);
	else
		snprintf(name, n, "%lluKB", kb);
	*bytes = kb * 1024;
	return true;
}

/* `hundredths` of `total`, whole pages. */
static unsigned long long pct_bytes(unsigned long long total, int hundredths)
{
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	unsigned long long v = (unsigned long long)((unsigned __int128)total * hundredths / 10000);
	return v - v % page;
}

/* waitpid with a deadline; SIGKILL when it passes. */
static int wait_child(pid_t pid, int timeout_ms)
{
	int status = 0;
	for (long long end = monotonic_ms() + timeout_ms;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 || monotonic_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cgfx_forget_child(pid);
			fail_msg("process %d did not end within %d ms", (int)pid, timeout_ms);
		}
		usleep(2000);
	}
	cgfx_forget_child(pid);
	return status;
}

/* Reads one line from `fd` within `timeout_ms`. */
static void read_report(int fd, char *buf, size_t n, int timeout_ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, timeout_ms) != 1)
		fail_msg("no report from the child within %d ms", timeout_ms);
	ssize_t len = read(fd, buf, n - 1);
	assert_true(len > 0);
	buf[len] = '\0';
}

/* Kills what is left in the test's groups (grandchildren are not ours to
 * wait for), then removes wpar-test-<pid> from every hierarchy. */
static void remove_real_groups(void)
{
	if (real_parent[0] == '\0' || !cgfx_is_owner())
		return;
	cgfx_kill_children();
	setenv("WPAR_CGROUP_PARENT", real_parent, 1);
	static const char *const names[] = {"w1", "w2", "w3"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct wpar_cgroup *cg = NULL;
		if (wpar_cgroup_open(names[i], &cg, NULL) == 0) {
			wpar_cgroup_kill_all(cg, 5000, NULL);
			wpar_cgroup_destroy(cg, NULL);
			wpar_cgroup_free(cg);
		}
	}
	cgfx_remove_real_parent(real_parent);
}

static void at_exit(void)
{
	cgfx_kill_children();
	cgfx_remove_tree(fake_root);
	remove_real_groups();
	cgfx_remove_tree(conf_root);
}

/* ---- the fake cgroup v2 tree -------------------------------------------- */

static char *fake(const char *rel)
{
	return xasprintf("%s/%s", fake_root, rel);
}

/* What the kernel shows in a new v2 group with `controllers` enabled by
 * the level above: the interface files, every knob at its default. */
static void fake_kernel_group(const char *dir, const char *controllers)
{
	cgfx_put(dir, "cgroup.controllers", controllers);
	cgfx_put(dir, "cgroup.subtree_control", "");
	cgfx_put(dir, "cgroup.procs", "");
	cgfx_put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
	if (strstr(controllers, "cpu ")) {
		cgfx_put(dir, "cpu.weight", "100\n");
		cgfx_put(dir, "cpu.max", "max 100000\n");
	}
	if (strstr(controllers, "cpuset")) {
		cgfx_put(dir, "cpuset.cpus", "\n");
		cgfx_put(dir, "cpuset.mems", "\n");
	}
	if (strstr(controllers, "memory")) {
		cgfx_put(dir, "memory.min", "0\n");
		cgfx_put(dir, "memory.low", "0\n");
		cgfx_put(dir, "memory.high", "max\n");
		cgfx_put(dir, "memory.max", "max\n");
		cgfx_put(dir, "memory.swap.max", "max\n");
	}
	if (strstr(controllers, "pids"))
		cgfx_put(dir, "pids.max", "max\n");
	char hp[32];
	unsigned long long size;
	if (strstr(controllers, "hugetlb") && huge_page(hp, sizeof(hp), &size)) {
		cleanup_free char *max = xasprintf("hugetlb.%s.max", hp);
		cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", hp);
		cgfx_put(dir, max, "max\n");
		cgfx_put(dir, rsvd, "max\n");
	}
}

#define ALL_V2 "cpu cpuset io memory hugetlb pids\n"

static const struct wpar_host_resources fake_host = {
    .ncpus = 4, .memory = 8 * GIB, .shmmni = 4096, .msgmni = 32000, .semmni = 32000};

static int setup_fake(void **state UNUSED)
{
	strcpy(fake_root, "/tmp/wpar-cglimits-XXXXXX");
	if (mkdtemp(fake_root) == NULL)
		return -1;
	/* The root has no knob files (the kernel's root has none). */
	cgfx_put(fake_root, "cgroup.controllers", ALL_V2);
	cgfx_put(fake_root, "cgroup.subtree_control", "cpu io memory hugetlb pids\n");
	cgfx_put(fake_root, "cgroup.procs", "1\n");
	cleanup_free char *parent = fake("wpar-fake");
	mkdir(parent, 0755);
	fake_kernel_group(parent, "cpu io memory hugetlb pids\n");
	/* Another WPAR, whose memory minimum the parent level must keep. */
	cleanup_free char *other = fake("wpar-fake/other");
	mkdir(other, 0755);
	fake_kernel_group(other, "cpu io memory hugetlb pids\n");
	cgfx_put(other, "memory.low", "1000000\n");
	setenv("WPAR_CGROUP_ROOT", fake_root, 1);
	setenv("WPAR_CGROUP_PARENT", "wpar-fake", 1);
	return 0;
}

static int teardown_fake(void **state UNUSED)
{
	cgfx_remove_tree(fake_root);
	unsetenv("WPAR_CGROUP_ROOT");
	unsetenv("WPAR_CGROUP_PARENT");
	return 0;
}

/* Creates the group w1 and plays the kernel filling it. */
static struct wpar_cgroup *fake_group(const char *controllers, char **dir)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w1", &cg, &err));
	*dir = fake("wpar-fake/w1");
	fake_kernel_group(*dir, controllers);
	return cg;
}

static void expect_fake_defaults(const char *dir, const char *parent)
{
	expect_file(dir, "cpu.weight", "100");
	expect_file(dir, "cpu.max", "max 100000");
	expect_file(dir, "memory.min", "0\n"); /* never written */
	expect_file(dir, "memory.low", "0");
	expect_file(dir, "memory.high", "max");
	expect_file(dir, "memory.max", "max");
	expect_file(dir, "pids.max", "max");
	expect_file(dir, "cpuset.cpus", "\n");
	expect_file(dir, "cpuset.mems", "\n");
	char hp[32];
	unsigned long long size;
	if (huge_page(hp, sizeof(hp), &size)) {
		cleanup_free char *max = xasprintf("hugetlb.%s.max", hp);
		cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", hp);
		expect_file(dir, max, "max");
		expect_file(dir, rsvd, "max");
	}
	expect_file(parent, "memory.low", "1000000"); /* the other WPAR's only */
}

static void test_fake_apply(void **state UNUSED)
{
	assert_int_equal(wpar_cgroup_detect(), WPAR_CGROUP_V2);
	cleanup_free char *dir = NULL;
	cleanup_free char *parent = fake("wpar-fake");
	struct wpar_cgroup *cg = fake_group(ALL_V2, &dir);
	cgfx_put(dir, "cpuset.cpus", "0-1\n"); /* as a resource set had left it */
	wpar_error_t err = NULL;
	struct wpar_limits l;
	some_limits(&l);

	/* Twice: writing is idempotent. */
	for (int round = 0; round < 2; round++) {
		OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
		expect_file(dir, "cpu.weight", "50");
		/* 25.5% of 4 CPUs: 1.02 CPUs, 102 ms per 100 ms. */
		expect_file(dir, "cpu.max", "102000 100000");
		/* 10%, 25% and 50% of 8 GiB in whole pages. */
		expect_file(dir, "memory.min", "0\n");
		expect_file(dir, "memory.low", "858992640");
		expect_file(dir, "memory.high", "2147483648");
		expect_file(dir, "memory.max", "4294967296");
		/* totalThreads: Linux counts threads. */
		expect_file(dir, "pids.max", "300");
		/* No resource set: every CPU of the level above. */
		expect_file(dir, "cpuset.cpus", "\n");
		expect_file(dir, "cpuset.mems", "\n");
		char hp[32];
		unsigned long long size;
		if (huge_page(hp, sizeof(hp), &size)) {
			cleanup_free char *max = xasprintf("hugetlb.%s.max", hp);
			cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.max", hp);
			cleanup_free char *want = xasprintf("%llu", 20 * size);
			expect_file(dir, max, want);
			expect_file(dir, rsvd, want);
		}
		/* The parent level protects the sum of its WPARs' minimums;
		 * the root is never written. */
		expect_file(parent, "memory.low", "859992640");
		assert_false(exists(fake_root, "memory.low"));
	}

	/* A live change replaces every value. */
	l.total_threads = WPAR_UNLIMITED; /* totalProcesses alone: as a count of threads */
	l.shares_cpu = 20000;             /* above the largest weight */
	l.cpu.hard = 10000;
	l.memory = (struct wpar_pct_range){0, 10000, 1}; /* 0.01%: 858993 B, 209 pages */
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "pids.max", "100");
	expect_file(dir, "cpu.weight", "10000");
	expect_file(dir, "cpu.max", "max 100000");
	expect_file(dir, "memory.low", "0");
	expect_file(dir, "memory.high", "max");
	expect_file(dir, "memory.max", "856064");
	expect_file(parent, "memory.low", "1000000");

	/* The smallest values the kernel takes. */
	l.shares_cpu = 1;
	l.cpu.hard = 1; /* 0.04% of one CPU: below the 1 ms minimum quota */
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "cpu.weight", "1");
	expect_file(dir, "cpu.max", "1000 100000");

	/* active = no: every knob back to the kernel's default. */
	some_limits(&l);
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_fake_defaults(dir, parent);

	/* Unlimited shares are the default weight, worth 100 shares. */
	no_limits(&l);
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_fake_defaults(dir, parent);
	wpar_cgroup_free(cg);
}

/* A control that needs a controller the group lacks fails, naming both,
 * before anything is written; without such a control it is skipped. */
static void test_fake_missing_controller(void **state UNUSED)
{
	cleanup_free char *dir = NULL;
	struct wpar_cgroup *cg = fake_group("cpu io memory pids\n", &dir);
	wpar_error_t err = NULL;
	struct wpar_limits l;
	some_limits(&l);
	char hp[32];
	unsigned long long size;
	if (huge_page(hp, sizeof(hp), &size)) {
		assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err), -1);
		assert_int_equal(err->status, ENOENT);
		assert_non_null(strstr(err->msg, "totalLargePages=20"));
		assert_non_null(strstr(err->msg, "cannot be enforced"));
		assert_non_null(strstr(err->msg, "hugetlb controller is not available"));
		wpar_error_release(&err);
		expect_file(dir, "memory.max", "max\n");
		expect_file(dir, "cpu.max", "max 100000\n");
		expect_file(dir, "pids.max", "max\n");
	}
	/* Without totalLargePages, and with no cpuset controller and no
	 * resource set, neither controller is needed. */
	l.total_large_pages = WPAR_UNLIMITED;
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "4294967296");
	assert_false(exists(dir, "cpuset.cpus"));
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "max");

	/* A knob file the kernel lacks, for a limit that needs it. */
	cleanup_free char *maxfile = xasprintf("%s/pids.max", dir);
	unlink(maxfile);
	some_limits(&l);
	l.total_large_pages = WPAR_UNLIMITED;
	assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err), -1);
	assert_non_null(strstr(err->msg, "totalThreads=300 cannot be enforced"));
	assert_non_null(strstr(err->msg, "pids.max"));
	wpar_error_release(&err);
	expect_file(dir, "memory.max", "max");
	wpar_cgroup_free(cg);
}

/* totalVirtMem on v2: RAM is the smaller of the hard maximum and
 * totalVirtMem, swap the rest of totalVirtMem; unlimited resets both. */
static void test_fake_total_virt_mem(void **state UNUSED)
{
	cleanup_free char *dir = NULL;
	struct wpar_cgroup *cg = fake_group(ALL_V2, &dir);
	wpar_error_t err = NULL;
	struct wpar_limits l;
	no_limits(&l);
	l.total_virt_mem = 64LL << 20; /* no hard maximum: all of it RAM */
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "67108864");
	expect_file(dir, "memory.swap.max", "0");
	l.memory.hard = 50; /* 0.5% of 8 GiB = 42949632: 22 MB left for swap */
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "42946560");
	expect_file(dir, "memory.swap.max", "24162304");
	l.total_virt_mem = 8192LL << 20; /* above the hard maximum */
	l.memory.hard = 5000;
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "4294967296");
	expect_file(dir, "memory.swap.max", "4294967296");
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "max");
	expect_file(dir, "memory.swap.max", "max");
	/* A kernel without swap control: refused, nothing written. */
	cleanup_free char *swapfile = xasprintf("%s/memory.swap.max", dir);
	unlink(swapfile);
	l.active = true;
	assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err), -1);
	assert_non_null(strstr(err->msg, "totalVirtMem=8192MB cannot be enforced"));
	wpar_error_release(&err);
	expect_file(dir, "memory.max", "max");
	l.total_virt_mem = WPAR_UNLIMITED; /* and without totalVirtMem: skipped */
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "memory.max", "4294967296");
	wpar_cgroup_free(cg);
}

/* A resource set: an unknown one, or one outside the cpuset of the level
 * above, refuses the limits as a whole; a defined one is written. */
static void test_fake_rset(void **state UNUSED)
{
	cleanup_free char *dir = NULL;
	cleanup_free char *parent = fake("wpar-fake");
	struct wpar_cgroup *cg = fake_group(ALL_V2, &dir);
	wpar_error_t err = NULL;
	struct wpar_limits l;
	some_limits(&l);
	l.rset = "wpar_rset/procs0to4";
	assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err), -1);
	assert_int_equal(err->status, ENOENT);
	assert_non_null(strstr(err->msg, "rset=wpar_rset/procs0to4 cannot be enforced: no "
					 "resource set called wpar_rset/procs0to4"));
	wpar_error_release(&err);
	expect_file(dir, "memory.max", "max\n");
	expect_file(dir, "cpu.weight", "100\n");

	/* mkrset -c 0 -m 0 test/cpu0: CPU 0 and node 0, which every host
	 * has. */
	OK(wpar_rset_create("test/cpu0", "0", "0", &err));
	l.rset = "test/cpu0";
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "cpuset.cpus", "0");
	expect_file(dir, "cpuset.mems", "0");
	expect_file(dir, "memory.max", "4294967296");

	/* The level above (in v2, what it really has: the .effective
	 * files) lacks CPU 0: refused, nothing changed. */
	cgfx_put(parent, "cpuset.cpus.effective", "1-3\n");
	cgfx_put(parent, "cpuset.mems.effective", "0\n");
	l.memory.hard = 4000;
	assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err), -1);
	assert_non_null(strstr(err->msg, "rset=test/cpu0 cannot be enforced: CPU 0 is outside the "
					 "cpuset of the level above (its CPUs: 1-3)"));
	wpar_error_release(&err);
	expect_file(dir, "memory.max", "4294967296");
	cgfx_put(parent, "cpuset.cpus.effective", "0-3\n");
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "cpuset.cpus", "0");

	/* active = no: the resource set is kept, not enforced (not even
	 * looked up), and the cpuset goes back to the level above's. */
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	expect_file(dir, "cpuset.cpus", "\n");
	expect_file(dir, "cpuset.mems", "\n");
	OK(wpar_rset_remove("test/cpu0", &err));
	l.rset = "test/cpu0";
	OK(wpar_cgroup_apply_limits(cg, &l, &fake_host, &err));
	wpar_cgroup_free(cg);
}

/* ---- the host ----------------------------------------------------------- */

static void test_host_resources(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_host_resources h;
	OK(wpar_host_resources(&h, &err));
	assert_int_equal(h.ncpus, (int)sysconf(_SC_NPROCESSORS_ONLN));
	cleanup_free char *meminfo = cgfx_slurp("/proc", "meminfo");
	unsigned long long kb = strtoull(strstr(meminfo, "MemTotal:") + 9, NULL, 10);
	assert_true(h.memory == kb * 1024);
	cleanup_free char *shmmni = cgfx_slurp("/proc/sys/kernel", "shmmni");
	cleanup_free char *msgmni = cgfx_slurp("/proc/sys/kernel", "msgmni");
	cleanup_free char *sem = cgfx_slurp("/proc/sys/kernel", "sem");
	long long a, b, c, d;
	assert_int_equal(sscanf(sem, "%lld %lld %lld %lld", &a, &b, &c, &d), 4);
	assert_true(h.shmmni == atoll(shmmni));
	assert_true(h.msgmni == atoll(msgmni));
	assert_true(h.semmni == d);
}

/* ---- the real cgroup v1 hierarchies of this machine ----------------------- */

static int setup_real(void **state UNUSED)
{
	unsetenv("WPAR_CGROUP_ROOT");
	unsetenv("WPAR_CGROUP_UNIFIED");
	snprintf(real_parent, sizeof(real_parent), "wpar-test-%d", (int)getpid());
	setenv("WPAR_CGROUP_PARENT", real_parent, 1);
	return 0;
}

static int teardown_real(void **state UNUSED)
{
	remove_real_groups();
	unsetenv("WPAR_CGROUP_PARENT");
	return 0;
}

static void require_real_v1(void)
{
	if (geteuid() != 0 || wpar_cgroup_detect() != WPAR_CGROUP_V1) {
		print_message("skipped: needs root on a cgroup v1 (or hybrid) host\n");
		skip();
	}
}

static char *real(const char *hier, const char *name)
{
	return xasprintf("%s/%s/%s/%s", REAL_ROOT, hier, real_parent, name);
}

static char *num(unsigned long long v)
{
	return xasprintf("%llu\n", v);
}

static void test_real_apply(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	struct wpar_host_resources host;
	OK(wpar_host_resources(&host, &err));
	OK(wpar_cgroup_create("w1", &cg, &err));
	cleanup_free char *cpu = real("cpu", "w1"), *mem = real("memory", "w1"),
			  *pids = real("pids", "w1"), *cpuset = real("cpuset", "w1");
	struct wpar_limits l;
	some_limits(&l);
	l.total_large_pages = WPAR_UNLIMITED;
	l.cpu.hard = 5000;

	for (int round = 0; round < 2; round++) {
		OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
		expect_file(cpu, "cpu.shares", "512\n"); /* 50 shares, 1024 per 100 */
		expect_file(cpu, "cpu.cfs_period_us", "100000\n");
		cleanup_free char *quota = xasprintf("%d\n", 50000 * host.ncpus);
		expect_file(cpu, "cpu.cfs_quota_us", quota);
		cleanup_free char *hard = num(pct_bytes(host.memory, 5000));
		cleanup_free char *soft = num(pct_bytes(host.memory, 2500));
		expect_file(mem, "memory.limit_in_bytes", hard);
		expect_file(mem, "memory.soft_limit_in_bytes", soft);
		expect_file(pids, "pids.max", "300\n");
		cleanup_free char *above = real("cpuset", "");
		cleanup_free char *cpus = cgfx_slurp(above, "cpuset.cpus");
		expect_file(cpuset, "cpuset.cpus", cpus);
	}

	/* A resource set of CPU 0 and node 0, read back from the kernel;
	 * without it, the level above's again. */
	OK(wpar_rset_create("test/real0", "0", "0", &err));
	l.rset = "test/real0";
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	expect_file(cpuset, "cpuset.cpus", "0\n");
	expect_file(cpuset, "cpuset.mems", "0\n");
	l.rset = NULL;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	OK(wpar_rset_remove("test/real0", &err));
	{
		cleanup_free char *above = real("cpuset", "");
		cleanup_free char *cpus = cgfx_slurp(above, "cpuset.cpus");
		expect_file(cpuset, "cpuset.cpus", cpus);
	}

	/* The v1 weights keep the ratios of the v2 ones. */
	l.shares_cpu = 1;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	expect_file(cpu, "cpu.shares", "10\n");
	l.shares_cpu = 65535;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	expect_file(cpu, "cpu.shares", "102400\n");

	/* What the kernel calls unlimited, read from the hierarchy's root. */
	cleanup_free char *unlimited = cgfx_slurp(REAL_ROOT "/memory", "memory.limit_in_bytes");
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	expect_file(cpu, "cpu.shares", "1024\n");
	expect_file(cpu, "cpu.cfs_quota_us", "-1\n");
	expect_file(cpu, "cpu.cfs_period_us", "100000\n");
	expect_file(mem, "memory.limit_in_bytes", unlimited);
	expect_file(mem, "memory.soft_limit_in_bytes", unlimited);
	expect_file(pids, "pids.max", "max\n");

	/* An unknown resource set, and large pages where the host has no
	 * hugetlb hierarchy: refused before anything is written. */
	some_limits(&l);
	l.rset = "test/none";
	assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &host, &err), -1);
	assert_int_equal(err->status, ENOENT);
	wpar_error_release(&err);
	l.rset = NULL;
	char *hugetlb = NULL;
	if (wpar_cgroup_path(cg, "hugetlb", &hugetlb, NULL) < 0) {
		assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &host, &err), -1);
		assert_non_null(strstr(err->msg, "totalLargePages=20"));
		assert_non_null(strstr(err->msg, "hugetlb controller"));
		wpar_error_release(&err);
	}
	free(hugetlb);
	expect_file(cpu, "cpu.shares", "1024\n");
	expect_file(mem, "memory.limit_in_bytes", unlimited);
	OK(wpar_cgroup_destroy(cg, &err));
	wpar_cgroup_free(cg);
}

/* totalVirtMem on v1: memsw >= limit_in_bytes at every moment, so the
 * kernel refuses (EINVAL) a wrong order.  Raising, lowering and the reset
 * by active = no must all pass, and leave the values read back. */
static void test_real_total_virt_mem(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	struct wpar_host_resources host;
	OK(wpar_host_resources(&host, &err));
	OK(wpar_cgroup_create("w1", &cg, &err));
	cleanup_free char *mem = real("memory", "w1");
	if (!exists(mem, "memory.memsw.limit_in_bytes")) {
		struct wpar_limits l;
		no_limits(&l);
		l.total_virt_mem = 64LL << 20;
		assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &host, &err), -1);
		assert_non_null(strstr(err->msg, "totalVirtMem=64MB cannot be enforced"));
		assert_non_null(strstr(err->msg, "swap"));
		wpar_error_release(&err);
		OK(wpar_cgroup_destroy(cg, &err));
		wpar_cgroup_free(cg);
		return;
	}
	cleanup_free char *unlimited = cgfx_slurp(REAL_ROOT "/memory", "memory.limit_in_bytes");
	struct wpar_limits l;
	no_limits(&l);
	static const long long mb[] = {64, 256, 32, 128, 16};
	for (size_t i = 0; i < ARRAY_SIZE(mb); i++) {
		l.total_virt_mem = mb[i] << 20;
		OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
		cleanup_free char *want = num((unsigned long long)mb[i] << 20);
		expect_file(mem, "memory.limit_in_bytes", want);
		expect_file(mem, "memory.memsw.limit_in_bytes", want);
	}
	/* A hard maximum below totalVirtMem: RAM that, RAM plus swap more. */
	l.memory.hard = 1; /* 0.01% of the host */
	l.total_virt_mem = 512LL << 20;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	cleanup_free char *hard = num(pct_bytes(host.memory, 1));
	expect_file(mem, "memory.limit_in_bytes", hard);
	expect_file(mem, "memory.memsw.limit_in_bytes", "536870912\n");
	/* The reset (active = no, chwpar -K -R) lifts memsw first. */
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	expect_file(mem, "memory.limit_in_bytes", unlimited);
	expect_file(mem, "memory.memsw.limit_in_bytes", unlimited);
	OK(wpar_cgroup_destroy(cg, &err));
	wpar_cgroup_free(cg);
}

/* pids.max = 5: a process of the WPAR forks ten sleeps; the four that
 * fit start, the other six forks fail with EAGAIN. */
static void test_real_pids_stop_forks(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	struct wpar_host_resources host;
	OK(wpar_host_resources(&host, &err));
	OK(wpar_cgroup_create("w2", &cg, &err));
	struct wpar_limits l;
	no_limits(&l);
	l.total_threads = 5;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));

	int go[2], report[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(report), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		close(go[1]);
		close(report[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		int ok = 0, eagain = 0, other = 0;
		for (int i = 0; i < 10; i++) {
			pid_t p = fork();
			if (p == 0) {
				execl("/bin/sleep", "sleep", "30", (char *)NULL);
				_exit(127);
			}
			if (p > 0)
				ok++;
			else if (errno == EAGAIN)
				eagain++;
			else
				other++;
		}
		dprintf(report[1], "%d %d %d\n", ok, eagain, other);
		_exit(0);
	}
	cgfx_remember_child(child);
	close(go[0]);
	close(report[1]);
	OK(wpar_cgroup_attach(cg, child, &err));
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	char buf[64];
	read_report(report[0], buf, sizeof(buf), 10000);
	close(report[0]);
	int status = wait_child(child, 10000);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(buf, "4 6 0\n");
	cleanup_free char *dir = real("pids", "w2");
	cleanup_free char *events = cgfx_slurp(dir, "pids.events");
	assert_non_null(events);
	assert_true(atoi(events + strlen("max ")) >= 6);

	/* The sleeps are the group's; the limit is lifted live. */
	pid_t *pids = NULL;
	size_t n = 0;
	OK(wpar_cgroup_pids(cg, &pids, &n, &err));
	free(pids);
	assert_int_equal(n, 4);
	l.active = false;
	OK(wpar_cgroup_apply_limits(cg, &l, &host, &err));
	expect_file(dir, "pids.max", "max\n");
	OK(wpar_cgroup_kill_all(cg, 5000, &err));
	OK(wpar_cgroup_destroy(cg, &err));
	wpar_cgroup_free(cg);
}

/* Lowering the hard memory limit below what the WPAR has locked: the
 * kernel cannot reclaim it and refuses (EBUSY); the message names the
 * knob and the value, and the previous limits stay. */
static void test_real_memory_busy(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	struct wpar_host_resources host;
	OK(wpar_host_resources(&host, &err));
	OK(wpar_cgroup_create("w3", &cg, &err));
	struct wpar_limits l;
	no_limits(&l);
	l.memory = (struct wpar_pct_range){0, 1, 1}; /* 0.01% */
	unsigned long long limit = pct_bytes(host.memory, 1);
	size_t size = (size_t)(limit * 4 + 16 * 1024 * 1024);

	int go[2], report[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(report), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		close(go[1]);
		close(report[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		void *m =
		    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		/* Touched and locked: not reclaimable, swap or not.  The
		 * system call itself: ASan's mlock does nothing. */
		if (m == MAP_FAILED)
			_exit(125);
		memset(m, 1, size);
		if (syscall(SYS_mlock, m, size) < 0)
			_exit(125);
		if (write(report[1], "r", 1) != 1)
			_exit(124);
		pause();
		_exit(0);
	}
	cgfx_remember_child(child);
	close(go[0]);
	close(report[1]);
	OK(wpar_cgroup_attach(cg, child, &err));
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	char buf[8];
	read_report(report[0], buf, sizeof(buf), 10000);
	close(report[0]);
	assert_string_equal(buf, "r");

	cleanup_free char *mem = real("memory", "w3");
	cleanup_free char *unlimited = cgfx_slurp(mem, "memory.limit_in_bytes");
	assert_int_equal(wpar_cgroup_apply_limits(cg, &l, &host, &err), -1);
	assert_int_equal(err->status, EBUSY);
	cleanup_free char *want = xasprintf("cannot write \"%llu\" to %s/memory.limit_in_bytes "
					    "(memory hard maximum 0.01%%): its processes use ",
					    limit, mem);
	if (strncmp(err->msg, want, strlen(want)) != 0)
		fail_msg("unexpected message: %s", err->msg);
	assert_non_null(strstr(err->msg, "the previous limit stays: Device or resource busy"));
	wpar_error_release(&err);
	expect_file(mem, "memory.limit_in_bytes", unlimited);
	expect_file(mem, "memory.soft_limit_in_bytes", unlimited);

	kill(child, SIGKILL);
	wait_child(child, 10000);
	OK(wpar_cgroup_destroy(cg, &err));
	wpar_cgroup_free(cg);
}

int main(void)
{
	cgfx_init();
	atexit(at_exit);
	/* The resource set registry: set before the first wpar_paths() call,
	 * which reads the paths once per process. */
	strcpy(conf_root, "/tmp/wpar-cglimits-conf-XXXXXX");
	if (mkdtemp(conf_root) == NULL)
		return 1;
	cleanup_free char *confdir = xasprintf("%s/etc", conf_root);
	cleanup_free char *rundir = xasprintf("%s/run", conf_root);
	setenv("WPAR_CONFDIR", confdir, 1);
	setenv("WPAR_RUNDIR", rundir, 1);
	if (strcmp(wpar_paths()->confdir, confdir) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fake_apply, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_missing_controller, setup_fake,
					    teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_rset, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_total_virt_mem, setup_fake, teardown_fake),
	    cmocka_unit_test(test_host_resources),
	    cmocka_unit_test_setup_teardown(test_real_apply, setup_real, teardown_real),
	    cmocka_unit_test_setup_teardown(test_real_total_virt_mem, setup_real, teardown_real),
	    cmocka_unit_test_setup_teardown(test_real_pids_stop_forks, setup_real, teardown_real),
	    cmocka_unit_test_setup_teardown(test_real_memory_busy, setup_real, teardown_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
