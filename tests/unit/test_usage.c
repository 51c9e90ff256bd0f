/* usage.c: what running WPARs use.
 *
 * 1. A fake cgroup v2 tree (WPAR_CGROUP_ROOT=<tmpdir>; see test_cgroup.c
 *    for why v2 is faked on this machine): the test writes the kernel's
 *    counter and limit files (cpu.stat, memory.current, memory.stat,
 *    memory.max, cpu.max, cpuset.cpus.effective, pids.current, io.stat,
 *    cgroup.procs) and checks what a sample reads from them, including
 *    limits of the levels above and missing controllers.
 * 2. The rate arithmetic, net/dev parsing and the table and JSON forms,
 *    on samples made by hand.
 * 3. The real v1 hierarchies of this machine (root; skipped otherwise),
 *    under wpar-test-<pid>: a busy child in a group of its own, sampled
 *    300 ms apart, uses about one CPU; then a whole Active WPAR made by
 *    hand (definition, state record, runtime record, the monitor's lock
 *    held by the test, an init that is PID 1 of its own PID and network
 *    namespaces) is sampled through wpar_usage_read and
 *    wpar_usage_collect, and its end is noticed.  The teardown kills the
 *    children and removes every group, also on failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "paths.h"
#include "resources.h"
#include "runtime.h"
#include "state.h"
#include "usage.h"
#include "cgroup_fixture.h"
#include "util.h"

#define UNUSED    __attribute__((unused))
#define REAL_ROOT CGFX_REAL_ROOT
#define UNKNOWN   WPAR_USAGE_UNKNOWN

static char fake_root[64];
static char store_root[64];
static char real_parent[64];

#define OK(call)                                                                                   \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			fail_msg("%s: %s", #call, err ? err->msg : "(no message)");                \
	} while (0)

/* ---- helpers -------------------------------------------------------------- */

static void drop(const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	unlink(path);
}

static void at_exit(void)
{
	cgfx_kill_children();
	cgfx_remove_tree(fake_root);
	cgfx_remove_real_parent(real_parent);
	cgfx_remove_tree(store_root);
}

static const struct wpar_host_resources fake_host = {
    .ncpus = 4,
    .memory = 8ULL << 30,
};

/* ---- 1. the fake cgroup v2 tree ---------------------------------------------- */

static char *fake(const char *rel)
{
	return xasprintf("%s/%s", fake_root, rel);
}

/* What the kernel shows in a v2 group, with every counter at zero. */
static void fake_group(const char *dir, const char *controllers)
{
	cgfx_put(dir, "cgroup.controllers", controllers);
	cgfx_put(dir, "cgroup.subtree_control", "");
	cgfx_put(dir, "cgroup.procs", "");
	cgfx_put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
	cgfx_put(dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
	cgfx_put(dir, "cpu.max", "max 100000\n");
	cgfx_put(dir, "memory.current", "0\n");
	cgfx_put(dir, "memory.max", "max\n");
	cgfx_put(dir, "memory.stat", "anon 0\nfile 0\nkernel 0\n");
	cgfx_put(dir, "pids.current", "0\n");
	cgfx_put(dir, "io.stat", "");
	cgfx_put(dir, "cpuset.cpus.effective", "0-3\n");
}

static int setup_fake(void **state UNUSED)
{
	strcpy(fake_root, "/tmp/wpar-usagefake-XXXXXX");
	if (mkdtemp(fake_root) == NULL)
		return -1;
	/* The real root has no cpu.max and no memory.max. */
	cgfx_put(fake_root, "cgroup.controllers", "cpuset cpu io memory pids\n");
	cgfx_put(fake_root, "cgroup.subtree_control", "cpuset cpu io memory pids\n");
	cgfx_put(fake_root, "cgroup.procs", "1\n");
	cgfx_put(fake_root, "cpu.stat", "usage_usec 999999999\n");
	cleanup_free char *parent = fake("wpar-fake");
	mkdir(parent, 0755);
	fake_group(parent, "cpuset cpu io memory pids\n");
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

/* A group "w1" as the kernel would show it, opened. */
static struct wpar_cgroup *fake_wpar(char **dir)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w1", &cg, &err));
	*dir = fake("wpar-fake/w1");
	fake_group(*dir, "cpuset cpu io memory pids\n");
	return cg;
}

static void test_fake_counters(void **state UNUSED)
{
	cleanup_free char *dir = NULL;
	struct wpar_cgroup *cg = fake_wpar(&dir);
	cgfx_put(dir, "cgroup.procs", "4242\n4243\n");
	cgfx_put(dir, "pids.current", "7\n");
	cgfx_put(dir, "cpu.stat",
		 "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\nnr_periods 0\n");
	cgfx_put(dir, "memory.current", "104857600\n");
	cgfx_put(dir, "memory.stat",
		 "anon 73400320\nfile 31457280\nkernel 1048576\nfile_mapped 12\n");
	cgfx_put(dir, "memory.max", "268435456\n");
	cgfx_put(dir, "cpu.max", "50000 100000\n");
	cgfx_put(dir, "cpuset.cpus.effective", "0-1\n");
	cgfx_put(dir, "io.stat",
		 "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
		 "253:0 rbytes=1000 wbytes=0 rios=3 wios=0 dbytes=512 dios=1\n");

	wpar_error_t err = NULL;
	struct wpar_usage_sample s;
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_true(s.taken_ns > 0);
	assert_int_equal(s.cpu_ns, 1500000000LL);
	assert_int_equal(s.processes, 2);
	assert_int_equal(s.threads, 7);
	assert_int_equal(s.mem_bytes, 104857600);
	assert_int_equal(s.mem_anon_bytes, 73400320);
	assert_int_equal(s.mem_file_bytes, 31457280);
	assert_int_equal(s.mem_limit_bytes, 268435456);
	assert_true(s.mem_limited);
	assert_int_equal(s.io_read_bytes, 5096);
	assert_int_equal(s.io_write_bytes, 8192);
	/* Half a CPU of a 4-CPU host: 12.5%; the cpuset (2 of 4) allows
	 * more. */
	assert_true(s.cpu_limit_pct > 12.49 && s.cpu_limit_pct < 12.51);
	/* Not a WPAR's: what comes from its init is unknown. */
	assert_string_equal(s.name, "");
	assert_int_equal(s.ptys, UNKNOWN);
	assert_int_equal(s.net_rx_bytes, UNKNOWN);
	assert_int_equal(s.net_tx_bytes, UNKNOWN);
	wpar_cgroup_free(cg);
}

/* A limit of a level above binds the WPAR too; the tightest one counts. */
static void test_fake_limits(void **state UNUSED)
{
	cleanup_free char *dir = NULL;
	struct wpar_cgroup *cg = fake_wpar(&dir);
	cleanup_free char *parent = fake("wpar-fake");
	wpar_error_t err = NULL;
	struct wpar_usage_sample s;

	/* No limit anywhere: 100% and the host's memory. */
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_true(s.cpu_limit_pct == 100.0);
	assert_int_equal(s.mem_limit_bytes, (long long)fake_host.memory);
	assert_false(s.mem_limited);

	/* The level above: a quarter of a CPU, 128 MB. */
	cgfx_put(parent, "cpu.max", "25000 100000\n");
	cgfx_put(parent, "memory.max", "134217728\n");
	cgfx_put(dir, "memory.max", "268435456\n");
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_true(s.cpu_limit_pct > 6.24 && s.cpu_limit_pct < 6.26);
	assert_int_equal(s.mem_limit_bytes, 134217728);
	assert_true(s.mem_limited);

	/* A limit above the host's RAM is no limit. */
	cgfx_put(parent, "cpu.max", "max 100000\n");
	cgfx_put(parent, "memory.max", "max\n");
	cgfx_put(dir, "memory.max", "17179869184\n");
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_int_equal(s.mem_limit_bytes, (long long)fake_host.memory);
	assert_false(s.mem_limited);

	/* Only one CPU of four in its cpuset: 25%. */
	cgfx_put(dir, "cpuset.cpus.effective", "2\n");
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_true(s.cpu_limit_pct == 25.0);
	/* A quota of 2 CPUs over a cpuset of 3: the quota, 50%. */
	cgfx_put(dir, "cpuset.cpus.effective", "0,2-3\n");
	cgfx_put(dir, "cpu.max", "200000 100000\n");
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_true(s.cpu_limit_pct == 50.0);
	wpar_cgroup_free(cg);
}

/* Controllers the levels above did not enable leave their numbers
 * unknown; threads are then counted process by process. */
static void test_fake_missing_controllers(void **state UNUSED)
{
	cleanup_free char *dir = NULL;
	struct wpar_cgroup *cg = fake_wpar(&dir);
	cgfx_put(dir, "cgroup.controllers", "cpu\n");
	drop(dir, "pids.current");
	drop(dir, "io.stat");
	drop(dir, "memory.current");
	/* This process (one thread) and one that does not exist. */
	cleanup_free char *procs = xasprintf("%d\n999999999\n", (int)getpid());
	cgfx_put(dir, "cgroup.procs", procs);
	cgfx_put(dir, "cpu.stat", "usage_usec 42\n");

	wpar_error_t err = NULL;
	struct wpar_usage_sample s;
	OK(wpar_usage_read_cgroup(cg, &fake_host, &s, &err));
	assert_int_equal(s.cpu_ns, 42000);
	assert_int_equal(s.processes, 2);
	assert_int_equal(s.threads, 1);
	assert_int_equal(s.mem_bytes, UNKNOWN);
	assert_int_equal(s.mem_anon_bytes, UNKNOWN);
	assert_int_equal(s.mem_limit_bytes, (long long)fake_host.memory);
	assert_false(s.mem_limited);
	/* No io.stat: the task I/O accounting of its processes. */
	assert_true(s.io_read_bytes >= 0 && s.io_write_bytes >= 0);
	assert_true(s.cpu_limit_pct == 100.0);

	/* A group that is gone fails the sample. */
	drop(dir, "cgroup.procs");
	assert_int_equal(wpar_usage_read_cgroup(cg, &fake_host, &s, &err), -1);
	assert_int_equal(err->status, ENOENT);
	wpar_error_release(&err);
	wpar_cgroup_free(cg);
}

/* ---- 2. rates, net/dev, renderings ------------------------------------------- */

static struct wpar_usage_sample hand_sample(const char *name, long long t_ns, long long cpu_ns,
					    long long io, long long net)
{
	struct wpar_usage_sample s = {
	    .type = 'A',
	    .init_pid = 100,
	    .started = 1700000000,
	    .taken_ns = t_ns,
	    .cpu_ns = cpu_ns,
	    .cpu_limit_pct = 100.0,
	    .mem_bytes = 3 << 20,
	    .mem_anon_bytes = 2 << 20,
	    .mem_file_bytes = 1 << 20,
	    .mem_limit_bytes = 512 << 20,
	    .mem_limited = true,
	    .processes = 2,
	    .threads = 5,
	    .ptys = UNKNOWN,
	    .io_read_bytes = io,
	    .io_write_bytes = io * 2,
	    .net_rx_bytes = net,
	    .net_tx_bytes = net,
	};
	snprintf(s.name, sizeof(s.name), "%s", name);
	return s;
}

static void test_rates(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_usage_rates r;
	/* One CPU busy for 2 s of a 4-CPU host: 25%; of a 50% cap, half. */
	struct wpar_usage_sample a = hand_sample("w1", 1000000000LL, 5000000000LL, 1000, 0);
	struct wpar_usage_sample b = hand_sample("w1", 3000000000LL, 7000000000LL, 3048, 4096);
	b.cpu_limit_pct = 50.0;
	OK(wpar_usage_rates(&a, &b, 4, &r, &err));
	assert_true(r.seconds > 1.999 && r.seconds < 2.001);
	assert_true(r.cpu_pct > 24.999 && r.cpu_pct < 25.001);
	assert_true(r.cpu_limit_used_pct > 49.999 && r.cpu_limit_used_pct < 50.001);
	assert_true(r.io_read_bps == 1024.0);
	assert_true(r.io_write_bps == 2048.0);
	assert_true(r.net_rx_bps == 2048.0 && r.net_tx_bps == 2048.0);

	/* Unknown in either sample, or going backwards: unknown. */
	a.net_rx_bytes = UNKNOWN;
	b.io_read_bytes = 10;
	OK(wpar_usage_rates(&a, &b, 4, &r, &err));
	assert_true(r.net_rx_bps < 0);
	assert_true(r.io_read_bps < 0);
	assert_true(r.net_tx_bps == 2048.0);
	/* Two CPUs busy on a 2-CPU host: all of it. */
	OK(wpar_usage_rates(&a, &b, 1, &r, &err));
	assert_true(r.cpu_pct > 99.999 && r.cpu_pct < 100.001);

	/* Not comparable. */
	struct wpar_usage_sample other = hand_sample("w2", 3000000000LL, 0, 0, 0);
	assert_int_equal(wpar_usage_rates(&a, &other, 4, &r, &err), -1);
	assert_int_equal(err->status, EINVAL);
	wpar_error_release(&err);
	struct wpar_usage_sample restarted = b;
	restarted.started++;
	assert_int_equal(wpar_usage_rates(&a, &restarted, 4, &r, &err), -1);
	assert_non_null(strstr(err->msg, "restarted"));
	wpar_error_release(&err);
	assert_int_equal(wpar_usage_rates(&b, &a, 4, &r, &err), -1);
	assert_non_null(strstr(err->msg, "not in order"));
	wpar_error_release(&err);
}

static void test_netdev(void **state UNUSED)
{
	static const char text[] =
	    "Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
	    "packets errs drop fifo colls carrier compressed\n"
	    "    lo:   11502     148    0    0    0     0          0         0    11502     148  "
	    "  0    0    0     0       0          0\n"
	    "  eth0: 63603110    2559    0    0    0     0          0         0   161645    "
	    "2237    0    0    0     0       0          0\n"
	    "veth-w1:1000 1 0 0 0 0 0 0 2000 2 0 0 0 0 0 0\n";
	wpar_error_t err = NULL;
	long long rx, tx;
	OK(wpar_usage_parse_netdev(text, &rx, &tx, &err));
	assert_int_equal(rx, 63604110);
	assert_int_equal(tx, 163645);

	/* Only lo (a WPAR without a network): nothing. */
	static const char lo_only[] = "Inter-|\n face |\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n";
	OK(wpar_usage_parse_netdev(lo_only, &rx, &tx, &err));
	assert_int_equal(rx, 0);
	assert_int_equal(tx, 0);

	assert_int_equal(wpar_usage_parse_netdev("Inter-|\n eth0: 1 2\n", &rx, &tx, &err), -1);
	assert_non_null(strstr(err->msg, "eth0"));
	wpar_error_release(&err);
	assert_int_equal(wpar_usage_parse_netdev("", &rx, &tx, &err), -1);
	wpar_error_release(&err);
}

static void test_table_and_json(void **state UNUSED)
{
	/* The report owns its entries, as wpar_usage_collect makes them. */
	struct wpar_usage_entry *e = xcalloc(2, sizeof(*e));
	e[0].name = xstrdup("w1");
	e[0].sample = hand_sample("w1", 2000000000LL, 1000000000LL, 0, 0);
	e[1].name = xstrdup("gone");
	e[0].rates = (struct wpar_usage_rates){
	    .seconds = 1.0004,
	    .cpu_pct = 49.876,
	    .cpu_limit_used_pct = 49.876,
	    .io_read_bps = 1536.4,
	    .io_write_bps = 0,
	    .net_rx_bps = UNKNOWN,
	    .net_tx_bps = UNKNOWN,
	};
	wpar_error_input(&e[1].err, "0960-419 Could not find a workload partition called gone.");
	struct wpar_usage_report r = {
	    .ncpus = 2,
	    .host_memory = 4ULL << 30,
	    .time = 1700000001,
	    .interval_ms = 1000,
	    .entries = e,
	    .n = 2,
	};

	cleanup_table struct table *t = wpar_usage_table(&r);
	struct table_format fmt = {.style = TABLE_ALIGNED};
	struct strbuf out = {0};
	table_render(t, &fmt, &out);
	cleanup_free char *text = strbuf_steal(&out);
	assert_string_equal(text,
			    "Name  CPU%  CPU%lim  MEM(MB)  MEMlim(MB)  PROCS  THREADS  PTYS  "
			    "IO-R/s  IO-W/s  NET-RX/s  NET-TX/s\n"
			    "------------------------------------------------------------------"
			    "--------------------------------\n"
			    "w1    49.9  100.0    3.0      512         2      5        -     "
			    "1536    0       -         -\n");

	json_t *j = wpar_usage_report_json(&r);
	cleanup_free char *dump = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(j);
	assert_non_null(strstr(dump, "\"time\":1700000001,\"interval\":1.0,"));
	assert_non_null(strstr(dump, "\"host\":{\"cpus\":2,\"memory\":4294967296}"));
	assert_non_null(strstr(dump,
			       "{\"name\":\"w1\",\"type\":\"A\",\"seconds\":1.0,"
			       "\"cpu_pct\":49.88,\"cpu_limit_pct\":100.0,"
			       "\"cpu_limit_used_pct\":49.88,\"cpu_time_ns\":1000000000,"
			       "\"memory_bytes\":3145728,\"memory_anon_bytes\":2097152,"
			       "\"memory_file_bytes\":1048576,\"memory_limit_bytes\":536870912,"
			       "\"memory_limited\":true,\"processes\":2,\"threads\":5,"
			       "\"ptys\":null,\"io_read_bytes\":0,\"io_write_bytes\":0,"
			       "\"io_read_bps\":1536,\"io_write_bps\":0,\"net_rx_bytes\":0,"
			       "\"net_tx_bytes\":0,\"net_rx_bps\":null,\"net_tx_bps\":null}"));
	assert_non_null(strstr(dump, "\"errors\":[{\"name\":\"gone\",\"message\":\"0960-419 Could "
				     "not find a workload partition called gone.\"}]"));
	assert_null(strstr(dump, "\"name\":\"gone\",\"type\""));
	wpar_usage_report_release(&r);
}

/* ---- 3. the real cgroup v1 hierarchies ---------------------------------------- */

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
	cgfx_remove_real_parent(real_parent);
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

/* Starts `cmd` (sh) in its own PID and network namespaces when `own_ns`,
 * moved into `cg` before it runs. */
static pid_t start_in(struct wpar_cgroup *cg, bool own_ns, const char *cmd)
{
	int go[2];
	assert_int_equal(pipe(go), 0);
	unsigned long flags = own_ns ? CLONE_NEWPID | CLONE_NEWNET : 0;
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	cgfx_remember_child(pid);
	wpar_error_t err = NULL;
	OK(wpar_cgroup_attach(cg, pid, &err));
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	return pid;
}

/* A busy loop: one thread. */
static pid_t start_busy(struct wpar_cgroup *cg, bool own_ns)
{
	return start_in(cg, own_ns, "while :; do :; done");
}

/* One busy thread: between half a CPU and one CPU (of a loaded test
 * machine), in % of the host. */
static void assert_about_one_cpu(double cpu_pct, int ncpus)
{
	double one = 100.0 / ncpus;
	if (cpu_pct < one * 0.5 || cpu_pct > one * 1.05)
		fail_msg("CPU %.2f%% of a %d-CPU host, expected %.1f%% to %.1f%%", cpu_pct, ncpus,
			 one * 0.5, one * 1.05);
}

static void test_real_busy_group(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_host_resources host;
	OK(wpar_host_resources(&host, &err));
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("u1", &cg, &err));
	start_busy(cg, false);
	sleep_ms(50);

	struct wpar_usage_sample a, b;
	struct wpar_usage_rates r;
	OK(wpar_usage_read_cgroup(cg, &host, &a, &err));
	sleep_ms(300);
	OK(wpar_usage_read_cgroup(cg, &host, &b, &err));
	OK(wpar_usage_rates(&a, &b, host.ncpus, &r, &err));
	print_message("busy group: %.1f%% of %d CPUs over %.3f s, %lld bytes, %lld threads\n",
		      r.cpu_pct, host.ncpus, r.seconds, b.mem_bytes, b.threads);
	assert_about_one_cpu(r.cpu_pct, host.ncpus);
	assert_true(r.seconds > 0.29 && r.seconds < 1.0);
	assert_true(b.cpu_ns > a.cpu_ns);
	assert_true(b.mem_bytes > 0);
	assert_true(b.mem_anon_bytes >= 0 && b.mem_file_bytes >= 0);
	assert_int_equal(b.processes, 1);
	assert_true(b.threads >= 1);
	assert_true(b.io_read_bytes >= 0 && b.io_write_bytes >= 0);
	assert_true(b.cpu_limit_pct == 100.0);
	assert_int_equal(b.mem_limit_bytes, (long long)host.memory);
	assert_false(b.mem_limited);

	/* Limits read back as the kernel holds them: a fifth of a CPU, and
	 * 256 MB. */
	char *cpu = NULL, *mem = NULL;
	OK(wpar_cgroup_path(cg, "cpu", &cpu, &err));
	OK(wpar_cgroup_path(cg, "memory", &mem, &err));
	cgfx_put(cpu, "cpu.cfs_period_us", "100000");
	cgfx_put(cpu, "cpu.cfs_quota_us", "20000");
	cgfx_put(mem, "memory.limit_in_bytes", "268435456");
	OK(wpar_usage_read_cgroup(cg, &host, &b, &err));
	double want = 20.0 / host.ncpus;
	assert_true(b.cpu_limit_pct > want - 0.01 && b.cpu_limit_pct < want + 0.01);
	assert_int_equal(b.mem_limit_bytes, 268435456);
	assert_true(b.mem_limited);
	/* The busy loop keeps to its fifth (once the period that was running
	 * when the quota came has passed). */
	sleep_ms(200);
	OK(wpar_usage_read_cgroup(cg, &host, &a, &err));
	sleep_ms(500);
	OK(wpar_usage_read_cgroup(cg, &host, &b, &err));
	OK(wpar_usage_rates(&a, &b, host.ncpus, &r, &err));
	print_message("capped: %.1f%% of the host, %.1f%% of its limit\n", r.cpu_pct,
		      r.cpu_limit_used_pct);
	assert_true(r.cpu_pct < want * 1.5);
	assert_true(r.cpu_limit_used_pct > 50 && r.cpu_limit_used_pct < 150);
	free(cpu);
	free(mem);

	/* 4 MB written and synced by a process that then lives on (its
	 * shell reaped dd, and keeps its counts). */
	cleanup_free char *file = xasprintf("/var/tmp/wpar-test-usage-%d", (int)getpid());
	cleanup_free char *cmd =
	    xasprintf("dd if=/dev/zero of=%s bs=64k count=64 conv=fsync 2>/dev/null; rm -f %s; "
		      "exec sleep 1000",
		      file, file);
	OK(wpar_usage_read_cgroup(cg, &host, &a, &err));
	pid_t writer = start_in(cg, false, cmd);
	for (int i = 0; i < 500; i++) {
		OK(wpar_usage_read_cgroup(cg, &host, &b, &err));
		if (b.io_write_bytes - a.io_write_bytes >= 4 << 20)
			break;
		sleep_ms(10);
	}
	print_message("written: %lld bytes\n", b.io_write_bytes - a.io_write_bytes);
	assert_true(b.io_write_bytes - a.io_write_bytes >= 4 << 20);
	/* dd and rm gone, reaped by the shell (now sleep): still counted. */
	cleanup_free char *comm_file = xasprintf("/proc/%d/comm", (int)writer);
	for (int i = 0; i < 500; i++) {
		cleanup_free char *comm = NULL;
		if (read_file(comm_file, &comm, NULL, NULL) == 0 && strcmp(comm, "sleep\n") == 0)
			break;
		sleep_ms(10);
	}
	OK(wpar_usage_read_cgroup(cg, &host, &b, &err));
	assert_int_equal(b.processes, 2);
	assert_true(b.io_write_bytes - a.io_write_bytes >= 4 << 20);

	cgfx_kill_children();
	OK(wpar_cgroup_destroy(cg, &err));
	wpar_cgroup_free(cg);
}

/* The store, state and run directories of the hand-made WPAR.  Paths
 * are read once per process, so this is set up before anything else. */
static int setup_store(void)
{
	snprintf(store_root, sizeof(store_root), "/tmp/wpar-usage-store.XXXXXX");
	if (mkdtemp(store_root) == NULL)
		return -1;
	static const struct {
		const char *var, *sub;
	} dirs[] = {
	    {"WPAR_CONFDIR", "etc/wpars"},   {"WPAR_STATEDIR", "var/lib/wpar"},
	    {"WPAR_RUNDIR", "run/wpar"},     {"WPAR_BASEDIR", "wpars"},
	    {"WPAR_LOGDIR", "var/log/wpar"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *p = xasprintf("%s/%s", store_root, dirs[i].sub);
		if (setenv(dirs[i].var, p, 1) < 0 || mkdir_p(p, 0700, NULL) < 0)
			return -1;
	}
	return strncmp(wpar_paths()->confdir, store_root, strlen(store_root)) == 0 ? 0 : -1;
}

static void define_wpar(const char *name)
{
	cleanup_free char *text = xasprintf(
	    "general:\n\tname = \"%s\"\n\tdirectory = \"%s/wpars/%s\"\n", name, store_root, name);
	cleanup_free char *file = xasprintf("%s.cf", name);
	cgfx_put(wpar_paths()->confdir, file, text);
}

/* What a monitor does to make a WPAR Active, done by the test: the
 * monitor's lock held, the runtime record, the state record. */
static int make_active(const char *name, pid_t init)
{
	wpar_error_t err = NULL;
	struct wpar_runtime_info info = {.monitor_pid = getpid(), .init_pid = init};
	info.started = (long long)time(NULL);
	wpar_boot_id(info.boot_id);
	snprintf(info.root, sizeof(info.root), "/");
	snprintf(info.init, sizeof(info.init), "wpar");
	OK(wpar_runtime_write(name, &info, &err));
	cleanup_free char *lock = wpar_runtime_path(name, "monitor.lock");
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	struct wpar_state_record rec = {.state = WPAR_ACTIVE, .pid = getpid()};
	snprintf(rec.boot_id, sizeof(rec.boot_id), "%s", info.boot_id);
	OK(wpar_state_write(name, &rec, &err));
	return fd;
}

static const struct wpar_usage_entry *entry_of(const struct wpar_usage_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->entries[i].name, name) == 0)
			return &r->entries[i];
	return NULL;
}

static void test_real_active_wpar(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_usage_sample s;

	assert_int_equal(wpar_usage_read("nosuch", &s, &err), -1);
	assert_int_equal(err->status, ENOENT);
	assert_string_equal(err->msg,
			    "0960-419 Could not find a workload partition called nosuch.");
	wpar_error_release(&err);

	define_wpar("uw1");
	assert_int_equal(wpar_usage_read("uw1", &s, &err), -1);
	assert_int_equal(err->status, ESRCH);
	assert_string_equal(err->msg, "0960-254 Workload partition 'uw1' is not currently active "
				      "(state: Defined).");
	wpar_error_release(&err);

	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("uw1", &cg, &err));
	pid_t init = start_busy(cg, true);
	int lock = make_active("uw1", init);
	sleep_ms(50);

	OK(wpar_usage_read("uw1", &s, &err));
	assert_string_equal(s.name, "uw1");
	assert_int_equal(s.type, 'S');
	assert_int_equal(s.init_pid, init);
	assert_int_equal(s.processes, 1);
	assert_true(s.threads >= 1);
	assert_true(s.mem_bytes > 0);
	/* Its own network namespace has only lo. */
	assert_int_equal(s.net_rx_bytes, 0);
	assert_int_equal(s.net_tx_bytes, 0);
	/* A system WPAR's devpts (this one shares the host's: a count). */
	assert_true(s.ptys >= 0);

	/* Every Active WPAR (the one), over 300 ms; then the next interval
	 * starts where this one ended. */
	struct wpar_usage_report r1, r2;
	OK(wpar_usage_collect(NULL, 0, 300, NULL, &r1, &err));
	assert_int_equal(r1.n, 1);
	assert_null(r1.entries[0].err);
	print_message("collect: %.1f%% of %d CPUs over %.3f s\n", r1.entries[0].rates.cpu_pct,
		      r1.ncpus, r1.entries[0].rates.seconds);
	assert_about_one_cpu(r1.entries[0].rates.cpu_pct, r1.ncpus);
	sleep_ms(20);
	long long before = r1.entries[0].sample.taken_ns;
	const char *names[] = {"uw1", "nosuch", "uw1"};
	OK(wpar_usage_collect(names, 3, 200, &r1, &r2, &err));
	assert_int_equal(r2.n, 2);
	const struct wpar_usage_entry *e = entry_of(&r2, "uw1");
	assert_non_null(e);
	assert_null(e->err);
	/* Without a gap: from the end of the first interval. */
	assert_true(e->sample.taken_ns - before > 195000000LL);
	assert_true(e->rates.seconds > 0.195 && e->rates.seconds < 0.5);
	assert_about_one_cpu(e->rates.cpu_pct, r2.ncpus);
	e = entry_of(&r2, "nosuch");
	assert_non_null(e);
	assert_non_null(e->err);
	assert_int_equal(e->err->status, ENOENT);
	wpar_usage_report_release(&r1);
	wpar_usage_report_release(&r2);

	/* The init ends: named, an error; among all Active ones, still
	 * listed while its record says Active and its monitor lives. */
	cgfx_kill_children();
	assert_int_equal(wpar_usage_read("uw1", &s, &err), -1);
	assert_int_equal(err->status, ESRCH);
	assert_non_null(strstr(err->msg, "is gone"));
	wpar_error_release(&err);
	OK(wpar_usage_collect(NULL, 0, 0, NULL, &r1, &err));
	assert_int_equal(r1.n, 1);
	assert_non_null(r1.entries[0].err);
	wpar_usage_report_release(&r1);
	/* The monitor gone too: Broken, no longer one of the Active WPARs. */
	close(lock);
	OK(wpar_usage_collect(NULL, 0, 0, NULL, &r1, &err));
	assert_int_equal(r1.n, 0);
	wpar_usage_report_release(&r1);

	OK(wpar_cgroup_destroy(cg, &err));
	wpar_cgroup_free(cg);
}

int main(void)
{
	cgfx_init();
	atexit(at_exit);
	if (setup_store() < 0) {
		fprintf(stderr, "cannot set up a temporary store\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fake_counters, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_limits, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_missing_controllers, setup_fake,
					    teardown_fake),
	    cmocka_unit_test(test_rates),
	    cmocka_unit_test(test_netdev),
	    cmocka_unit_test(test_table_and_json),
	    cmocka_unit_test_setup_teardown(test_real_busy_group, setup_real, teardown_real),
	    cmocka_unit_test_setup_teardown(test_real_active_wpar, setup_real, teardown_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
