/* WPAR cgroups under systemd (cgroup.c with cgroup_systemd.c and dbus.c).
 *
 * systemd does not run on this machine and its cgroup v2 tree has no
 * controllers, so the test starts a private dbus-daemon (the reference
 * D-Bus implementation: it rejects any malformed message the client
 * sends) and fake_systemd.py on it, which answers as systemd's manager
 * does and makes the scope's group in a fake cgroup v2 tree.  The test
 * checks what was asked of systemd (the calls it logged), where the
 * groups went, which files were written and which were left to systemd,
 * and the messages of every failure.  Needs dbus-daemon, python3-dbus
 * and python3-gi (scripts/install-deps.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_fixture.h"
#include "cgroup_systemd.h"
#include "util.h"

#define UNUSED __attribute__((unused))

#define OK(call)                                                                                   \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			fail_msg("%s: %s", #call, err ? err->msg : "(no message)");                \
	} while (0)

static char tmp[64];
static char *root, *bus_address, *log_path;
static pid_t daemon_pid = -1, fake_pid = -1;

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *at(const char *rel)
{
	return xasprintf("%s/%s", root, rel);
}

/* The calls the fake logged since the last one the test looked at. */
static char *calls(void)
{
	char *text = NULL;
	if (read_file(log_path, &text, NULL, NULL) < 0)
		return xstrdup("");
	unlink(log_path);
	return text;
}

static void assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("\"%s\" not in:\n%s", part, text);
}

static pid_t spawn(char *const argv[], int out_fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (out_fd >= 0)
			dup2(out_fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int setup(void **state UNUSED)
{
	cgfx_init();
	strcpy(tmp, "/tmp/wpar-sdtest-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return -1;
	root = xasprintf("%s/cgroup", tmp);
	mkdir(root, 0755);
	cgfx_put(root, "cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
	cgfx_put(root, "cgroup.subtree_control", "cpu io memory pids\n");
	cgfx_put(root, "cgroup.procs", "1\n");
	cleanup_free char *socket = xasprintf("%s/bus", tmp);
	bus_address = xasprintf("unix:path=%s", socket);
	log_path = xasprintf("%s/calls.log", tmp);
	cleanup_free char *listen = xasprintf("--address=%s", bus_address);
	char *daemon[] = {"/usr/bin/dbus-daemon", "--session", listen, "--nofork",
			  "--nopidfile",          NULL};
	daemon_pid = spawn(daemon, -1);
	for (int i = 0; i < 500 && !path_exists(socket); i++)
		usleep(10000);
	if (!path_exists(socket))
		return -1;
	const char *src = getenv("WPAR_TEST_SOURCE_DIR");
	cleanup_free char *script = xasprintf("%s/unit/fake_systemd.py", src ? src : "tests");
	int p[2];
	if (pipe(p) < 0)
		return -1;
	char *fake[] = {"/usr/bin/python3", script, bus_address, root, log_path, NULL};
	fake_pid = spawn(fake, p[1]);
	close(p[1]);
	char ready[16] = {0};
	ssize_t n = read(p[0], ready, sizeof(ready) - 1);
	close(p[0]);
	if (n <= 0 || strncmp(ready, "ready", 5) != 0) {
		fprintf(stderr, "fake_systemd.py did not start (python3-dbus, python3-gi?)\n");
		return -1;
	}
	setenv("WPAR_CGROUP_ROOT", root, 1);
	setenv("WPAR_CGROUP_MANAGER", "systemd", 1);
	setenv("WPAR_SYSTEMD_BUS", bus_address, 1);
	unsetenv("WPAR_SYSTEMD_SLICE");
	return 0;
}

static int teardown(void **state UNUSED)
{
	pid_t pids[] = {fake_pid, daemon_pid};
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	}
	cgfx_remove_tree(tmp);
	return 0;
}

/* ---- names -------------------------------------------------------------- */

static void test_names(void **state UNUSED)
{
	cleanup_free char *a = wpar_systemd_scope_name("web01");
	assert_string_equal(a, "wpar-web01.scope");
	cleanup_free char *b = wpar_systemd_scope_name("db+1 x");
	assert_string_equal(b, "wpar-db\\x2b1\\x20x.scope");
	const char *const slices[][2] = {
	    {"wpar.slice", "wpar.slice"},
	    {"wpar-test.slice", "wpar.slice/wpar-test.slice"},
	    {"a-b-c.slice", "a.slice/a-b.slice/a-b-c.slice"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(slices); i++) {
		setenv("WPAR_SYSTEMD_SLICE", slices[i][0], 1);
		char *slice = NULL, *path = NULL;
		wpar_error_t err = NULL;
		OK(wpar_systemd_slice(&slice, &path, &err));
		assert_string_equal(slice, slices[i][0]);
		assert_string_equal(path, slices[i][1]);
		free(slice);
		free(path);
	}
	const char *const bad[] = {"wpar",      "-wpar.slice", "wpar-.slice", "a--b.slice",
				   "a/b.slice", "a.b.slice",   ".slice"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		setenv("WPAR_SYSTEMD_SLICE", bad[i], 1);
		char *slice = NULL, *path = NULL;
		wpar_error_t err = NULL;
		assert_int_equal(wpar_systemd_slice(&slice, &path, &err), -1);
		assert_non_null(strstr(err->msg, "not a slice unit name"));
		wpar_error_release(&err);
	}
	unsetenv("WPAR_SYSTEMD_SLICE");
}

/* ---- the scope ---------------------------------------------------------- */

static void test_create_in_scope(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w1", &cg, &err));
	cleanup_free char *log = calls();
	assert_contains(log, "\"call\": \"StartTransientUnit\", \"name\": \"wpar-w1.scope\", "
			     "\"mode\": \"fail\"");
	assert_contains(log, "\"Description\": \"Workload partition w1\"");
	assert_contains(log, "\"Slice\": \"wpar.slice\"");
	assert_contains(log, "\"Delegate\": true");
	assert_contains(log, "\"CollectMode\": \"inactive-or-failed\"");
	cleanup_free char *pids = xasprintf("\"PIDs\": [%d]", (int)getpid());
	assert_contains(log, pids);
	assert_contains(log, "\"aux\": 0");

	/* The monitor (this process) left the scope for its own group,
	 * then the scope's controllers were enabled for the WPAR's group. */
	cleanup_free char *scope = at("wpar.slice/wpar-w1.scope");
	cleanup_free char *monitor_procs = cgfx_slurp(scope, "monitor/cgroup.procs");
	cleanup_free char *me = xasprintf("%d", (int)getpid());
	assert_string_equal(monitor_procs, me);
	cleanup_free char *enabled = cgfx_slurp(scope, "cgroup.subtree_control");
	assert_string_equal(enabled, "+cpu +cpuset +hugetlb +io +memory +pids");
	cleanup_free char *leaf = at("wpar.slice/wpar-w1.scope/wpar");
	assert_true(is_dir(leaf));
	/* systemd's levels and the root stay as systemd left them. */
	cleanup_free char *slice_enabled = cgfx_slurp(root, "wpar.slice/cgroup.subtree_control");
	assert_string_equal(slice_enabled, "");
	cleanup_free char *root_enabled = cgfx_slurp(root, "cgroup.subtree_control");
	assert_string_equal(root_enabled, "cpu io memory pids\n");

	/* The WPAR's processes go to its group, never to the scope. */
	cleanup_free char *path = NULL;
	OK(wpar_cgroup_path(cg, NULL, &path, &err));
	assert_string_equal(path, leaf);
	cgfx_put(leaf, "cgroup.procs", ""); /* the kernel's file */
	OK(wpar_cgroup_attach(cg, 4242, &err));
	cleanup_free char *leaf_procs = cgfx_slurp(leaf, "cgroup.procs");
	assert_string_equal(leaf_procs, "4242");
	wpar_cgroup_free(cg);

	/* Other commands find it by name, without asking systemd. */
	cg = NULL;
	OK(wpar_cgroup_open("w1", &cg, &err));
	cleanup_free char *again = NULL;
	OK(wpar_cgroup_path(cg, "unified", &again, &err));
	assert_string_equal(again, leaf);
	cleanup_free char *none = calls();
	assert_string_equal(none, "");
	/* Its end leaves the monitor's group (the monitor is in it), and
	 * systemd removes the scope once the monitor is gone. */
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", leaf);
	unlink(procs); /* as the kernel's files go with an empty group */
	OK(wpar_cgroup_destroy(cg, &err));
	assert_false(is_dir(leaf));
	assert_true(is_dir(scope));
	wpar_cgroup_free(cg);
}

static void test_escaped_name_and_nested_slice(void **state UNUSED)
{
	setenv("WPAR_SYSTEMD_SLICE", "wpar-site.slice", 1);
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("db+1", &cg, &err));
	cleanup_free char *log = calls();
	assert_contains(log, "\"name\": \"wpar-db\\\\x2b1.scope\"");
	assert_contains(log, "\"Slice\": \"wpar-site.slice\"");
	cleanup_free char *leaf = at("wpar.slice/wpar-site.slice/wpar-db\\x2b1.scope/wpar");
	assert_true(is_dir(leaf));
	wpar_cgroup_free(cg);
	unsetenv("WPAR_SYSTEMD_SLICE");
}

static void test_scope_in_use(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("busy", &cg, &err));
	wpar_cgroup_free(cg);
	free(calls());
	/* A second start while the first one's scope (with its monitor)
	 * lives: systemd says the unit exists, and the processes are named. */
	cg = NULL;
	assert_int_equal(wpar_cgroup_create("busy", &cg, &err), -1);
	assert_int_equal(err->status, EBUSY);
	assert_non_null(strstr(err->msg, "the cgroup of workload partition busy is in use"));
	cleanup_free char *me = xasprintf("%d", (int)getpid());
	assert_non_null(strstr(err->msg, me));
	wpar_error_release(&err);
	cleanup_free char *log = calls();
	assert_contains(log, "wpar-busy.scope");
}

static void test_refusals(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	assert_int_equal(wpar_cgroup_create("refuse", &cg, &err), -1);
	assert_string_equal(err->msg,
			    "systemd refused to start wpar-refuse.scope: Unit refused for a test");
	wpar_error_release(&err);
	cleanup_free char *leaf = at("wpar.slice/wpar-refuse.scope/wpar");
	assert_false(is_dir(leaf));

	assert_int_equal(wpar_cgroup_create("jobfail", &cg, &err), -1);
	assert_string_equal(err->msg, "systemd could not start wpar-jobfail.scope (job failed)");
	wpar_error_release(&err);
	cleanup_free char *leaf2 = at("wpar.slice/wpar-jobfail.scope/wpar");
	assert_false(is_dir(leaf2));

	cleanup_free char *nowhere = xasprintf("unix:path=%s/no-such-bus", tmp);
	setenv("WPAR_SYSTEMD_BUS", nowhere, 1);
	assert_int_equal(wpar_cgroup_create("w9", &cg, &err), -1);
	assert_non_null(strstr(err->msg, "cannot reach systemd: cannot connect to D-Bus at"));
	assert_non_null(strstr(err->msg, "No such file or directory"));
	wpar_error_release(&err);
	setenv("WPAR_SYSTEMD_BUS", "tcp:host=localhost", 1);
	assert_int_equal(wpar_cgroup_create("w9", &cg, &err), -1);
	assert_non_null(strstr(err->msg, "only unix:path= and unix:abstract= are supported"));
	wpar_error_release(&err);
	setenv("WPAR_SYSTEMD_BUS", bus_address, 1);

	setenv("WPAR_CGROUP_MANAGER", "upstart", 1);
	assert_int_equal(wpar_cgroup_create("w9", &cg, &err), -1);
	assert_string_equal(err->msg,
			    "WPAR_CGROUP_MANAGER=upstart: expected auto, systemd or cgroupfs");
	wpar_error_release(&err);
	setenv("WPAR_CGROUP_MANAGER", "systemd", 1);
	free(calls());
}

/* systemd's scope and slices get MemoryLow= through systemd; nothing of
 * theirs is written directly. */
static void test_memory_protection(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *a = NULL, *b = NULL;
	setenv("WPAR_SYSTEMD_SLICE", "wpar-mem.slice", 1);
	OK(wpar_cgroup_create("ma", &a, &err));
	OK(wpar_cgroup_create("mb", &b, &err));
	free(calls());
	cleanup_free char *la = at("wpar.slice/wpar-mem.slice/wpar-ma.scope/wpar");
	cleanup_free char *lb = at("wpar.slice/wpar-mem.slice/wpar-mb.scope/wpar");
	cgfx_put(la, "memory.low", "1000\n");
	cgfx_put(lb, "memory.low", "234\n");
	OK(wpar_cgroup_protect_memory(a, &err));
	cleanup_free char *log = calls();
	assert_contains(log, "{\"call\": \"SetUnitProperties\", \"name\": \"wpar-ma.scope\", "
			     "\"runtime\": true, \"props\": {\"MemoryLow\": 1000}}");
	assert_contains(log, "{\"call\": \"SetUnitProperties\", \"name\": \"wpar-mem.slice\", "
			     "\"runtime\": true, \"props\": {\"MemoryLow\": 1234}}");
	assert_contains(log, "{\"call\": \"SetUnitProperties\", \"name\": \"wpar.slice\", "
			     "\"runtime\": true, \"props\": {\"MemoryLow\": 1234}}");
	/* (the fake, as systemd, wrote the files) */
	cleanup_free char *slice_low = cgfx_slurp(root, "wpar.slice/wpar-mem.slice/memory.low");
	assert_string_equal(slice_low, "1234\n");
	/* "max" below: unlimited above. */
	cgfx_put(lb, "memory.low", "max\n");
	OK(wpar_cgroup_protect_memory(b, &err));
	cleanup_free char *log2 = calls();
	assert_contains(log2, "\"name\": \"wpar.slice\", \"runtime\": true, \"props\": "
			      "{\"MemoryLow\": 18446744073709551615}");
	wpar_cgroup_free(a);
	wpar_cgroup_free(b);
	unsetenv("WPAR_SYSTEMD_SLICE");
}

/* systemd mode needs cgroup v2: on this machine's real (v1) tree it is
 * refused by name; auto mode stays with the project's own subtree. */
static void test_needs_v2(void **state UNUSED)
{
	if (geteuid() != 0)
		skip();
	setenv("WPAR_CGROUP_ROOT", CGFX_REAL_ROOT, 1);
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	assert_int_equal(wpar_cgroup_open("nosuch", &cg, &err), -1);
	assert_non_null(strstr(err->msg, "WPAR_CGROUP_MANAGER=systemd needs a cgroup v2 host"));
	wpar_error_release(&err);
	setenv("WPAR_CGROUP_MANAGER", "auto", 1);
	assert_int_equal(wpar_cgroup_open("nosuch", &cg, &err), -1);
	assert_string_equal(err->msg, "workload partition nosuch has no cgroup: "
				      "No such file or directory");
	wpar_error_release(&err);
	setenv("WPAR_CGROUP_MANAGER", "systemd", 1);
	setenv("WPAR_CGROUP_ROOT", root, 1);
	free(calls());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_create_in_scope),
	    cmocka_unit_test(test_escaped_name_and_nested_slice),
	    cmocka_unit_test(test_scope_in_use),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_memory_protection),
	    cmocka_unit_test(test_needs_v2),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
