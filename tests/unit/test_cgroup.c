/* cgroup.c against two trees.
 *
 * 1. A fake cgroup v2 tree (WPAR_CGROUP_ROOT=<tmpdir>).  This machine's
 *    cgroup2 is mounted empty at /sys/fs/cgroup/unified beside the v1
 *    controllers, and a v2 hierarchy with controllers cannot be mounted
 *    while they are bound to v1, so the v2 path is tested on a plain
 *    directory holding the kernel's interface files.  A plain directory
 *    cannot do what the kernel does (make the files of a new group, kill,
 *    freeze, refuse rmdir while populated), so the test plays the kernel:
 *    it writes those files where the kernel would and checks what
 *    cgroup.c wrote (paths, subtree_control of the parent levels,
 *    cgroup.procs, cgroup.freeze, cgroup.kill) and what it removed.
 *
 * 2. The real v1 hierarchies of this machine (as root; skipped otherwise),
 *    under a unique parent (wpar-test-<pid>): a sleeping child is attached,
 *    frozen, thawed and killed, and the groups are removed.  The teardown
 *    kills the children and removes every group left, also on failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_fixture.h"
#include "util.h"

#define UNUSED    __attribute__((unused))
#define REAL_ROOT CGFX_REAL_ROOT

static char fake_root[64];
static char real_parent[64];

/* ---- helpers ------------------------------------------------------------ */

/* A call that must succeed; on failure the test shows its message. */
#define OK(call)                                                                                   \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			fail_msg("%s: %s", #call, err ? err->msg : "(no message)");                \
	} while (0)

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* What the kernel shows in a new cgroup v2 group. */
static void fake_kernel_group(const char *dir, const char *controllers)
{
	cgfx_put(dir, "cgroup.controllers", controllers);
	cgfx_put(dir, "cgroup.subtree_control", "");
	cgfx_put(dir, "cgroup.procs", "");
	cgfx_put(dir, "cgroup.freeze", "0\n");
	cgfx_put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
	cgfx_put(dir, "cgroup.kill", "");
}

static void fake_kernel_rmfiles(const char *dir)
{
	static const char *const files[] = {"cgroup.controllers", "cgroup.subtree_control",
					    "cgroup.procs",       "cgroup.freeze",
					    "cgroup.events",      "cgroup.kill"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
	}
}

static pid_t spawn(const char *cmd)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cgfx_remember_child(pid);
	return pid;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return '?';
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *close = strrchr(buf, ')');
	return close && close[1] == ' ' ? close[2] : '?';
}

static void wait_until_exec(pid_t pid, const char *comm)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 5000; i++) {
		cleanup_free char *c = cgfx_slurp("/proc", path + strlen("/proc/"));
		if (c && strncmp(c, comm, strlen(comm)) == 0)
			return;
		usleep(2000);
	}
	fail_msg("process %d never became %s", (int)pid, comm);
}

static void at_exit(void)
{
	cgfx_kill_children();
	cgfx_remove_tree(fake_root);
	cgfx_remove_real_parent(real_parent);
}

/* ---- the fake cgroup v2 tree -------------------------------------------- */

static char *fake(const char *rel)
{
	return xasprintf("%s/%s", fake_root, rel);
}

static int setup_fake(void **state UNUSED)
{
	strcpy(fake_root, "/tmp/wpar-cgfake-XXXXXX");
	if (mkdtemp(fake_root) == NULL)
		return -1;
	/* The host root offers cpuset but has not enabled it for its
	 * children: cgroup.c must not force it. */
	cgfx_put(fake_root, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	cgfx_put(fake_root, "cgroup.subtree_control", "cpu io memory pids\n");
	cgfx_put(fake_root, "cgroup.procs", "1\n");
	cleanup_free char *parent = fake("wpar-fake");
	mkdir(parent, 0755);
	fake_kernel_group(parent, "cpu io memory pids\n");
	setenv("WPAR_CGROUP_ROOT", fake_root, 1);
	setenv("WPAR_CGROUP_PARENT", "wpar-fake", 1);
	return 0;
}

static int teardown_fake(void **state UNUSED)
{
	cgfx_kill_children();
	cgfx_remove_tree(fake_root);
	unsetenv("WPAR_CGROUP_ROOT");
	unsetenv("WPAR_CGROUP_PARENT");
	return 0;
}

static void test_fake_detect(void **state UNUSED)
{
	assert_int_equal(wpar_cgroup_detect(), WPAR_CGROUP_V2);
}

static void test_fake_create(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	assert_int_equal(wpar_cgroup_open("w1", &cg, &err), -1);
	assert_int_equal(err->status, ENOENT);
	wpar_error_release(&err);

	OK(wpar_cgroup_create("w1", &cg, &err));
	cleanup_free char *dir = fake("wpar-fake/w1");
	assert_true(is_dir(dir));
	cleanup_free char *parent = fake("wpar-fake");
	cleanup_free char *enabled = cgfx_slurp(parent, "cgroup.subtree_control");
	assert_string_equal(enabled, "+cpu +io +memory +pids");
	cleanup_free char *root_enabled = cgfx_slurp(fake_root, "cgroup.subtree_control");
	assert_string_equal(root_enabled, "cpu io memory pids\n");

	/* The kernel fills the new group with its files. */
	fake_kernel_group(dir, "cpu io memory pids\n");
	cleanup_free char *mem = NULL, *uni = NULL, *frz = NULL;
	OK(wpar_cgroup_path(cg, "memory", &mem, &err));
	assert_string_equal(mem, dir);
	OK(wpar_cgroup_path(cg, NULL, &uni, &err));
	assert_string_equal(uni, dir);
	OK(wpar_cgroup_path(cg, "freezer", &frz, &err));
	assert_string_equal(frz, dir);
	char *none = NULL;
	assert_int_equal(wpar_cgroup_path(cg, "cpuset", &none, &err), -1);
	assert_int_equal(err->status, ENOENT);
	assert_non_null(strstr(err->msg, "cpuset controller is not available"));
	wpar_error_release(&err);

	wpar_cgroup_free(cg);

	/* Reused when it already exists and is empty. */
	OK(wpar_cgroup_create("w1", &cg, &err));
	wpar_cgroup_free(cg);
	OK(wpar_cgroup_open("w1", &cg, &err));
	wpar_cgroup_free(cg);

	assert_int_equal(wpar_cgroup_create("../x", &cg, &err), -1);
	wpar_error_release(&err);
}

/* Every level of a deeper parent gets the controllers its parent offers. */
static void test_fake_nested_parent(void **state UNUSED)
{
	cleanup_free char *inner = fake("wpar-fake/inner");
	mkdir(inner, 0755);
	fake_kernel_group(inner, "cpu io memory pids\n");
	setenv("WPAR_CGROUP_PARENT", "wpar-fake/inner", 1);
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w2", &cg, &err));
	cleanup_free char *dir = fake("wpar-fake/inner/w2");
	assert_true(is_dir(dir));
	cleanup_free char *outer = fake("wpar-fake");
	cleanup_free char *e1 = cgfx_slurp(outer, "cgroup.subtree_control");
	cleanup_free char *e2 = cgfx_slurp(inner, "cgroup.subtree_control");
	assert_string_equal(e1, "+cpu +io +memory +pids");
	assert_string_equal(e2, "+cpu +io +memory +pids");
	wpar_cgroup_free(cg);

	setenv("WPAR_CGROUP_PARENT", "wpar-fake/../etc", 1);
	assert_int_equal(wpar_cgroup_create("w2", &cg, &err), -1);
	assert_non_null(strstr(err->msg, "WPAR_CGROUP_PARENT"));
	wpar_error_release(&err);
}

static void test_fake_control(void **state UNUSED)
{
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w1", &cg, &err));
	cleanup_free char *dir = fake("wpar-fake/w1");
	fake_kernel_group(dir, "cpu io memory pids\n");

	pid_t child = spawn("exec sleep 1000");
	wait_until_exec(child, "sleep");
	OK(wpar_cgroup_attach(cg, child, &err));
	cleanup_free char *procs = cgfx_slurp(dir, "cgroup.procs");
	char want[32];
	snprintf(want, sizeof(want), "%d", (int)child);
	assert_string_equal(procs, want);
	pid_t *pids = NULL;
	size_t n = 0;
	OK(wpar_cgroup_pids(cg, &pids, &n, &err));
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], child);
	free(pids);

	/* The kernel would report the freeze in cgroup.events. */
	cgfx_put(dir, "cgroup.events", "populated 1\nfrozen 1\n");
	OK(wpar_cgroup_freeze(cg, true, &err));
	cleanup_free char *f1 = cgfx_slurp(dir, "cgroup.freeze");
	assert_string_equal(f1, "1");
	cgfx_put(dir, "cgroup.events", "populated 1\nfrozen 0\n");
	OK(wpar_cgroup_freeze(cg, false, &err));
	cleanup_free char *f0 = cgfx_slurp(dir, "cgroup.freeze");
	assert_string_equal(f0, "0");

	/* A populated group is neither reused nor removed. */
	struct wpar_cgroup *again = NULL;
	assert_int_equal(wpar_cgroup_create("w1", &again, &err), -1);
	assert_int_equal(err->status, EBUSY);
	assert_non_null(strstr(err->msg, want));
	wpar_error_release(&err);
	assert_int_equal(wpar_cgroup_destroy(cg, &err), -1);
	assert_int_equal(err->status, EBUSY);
	assert_non_null(strstr(err->msg, want));
	wpar_error_release(&err);

	/* cgroup.kill is written; a process the kernel did not remove is
	 * named with its command and state. */
	assert_int_equal(wpar_cgroup_kill_all(cg, 100, &err), -1);
	cleanup_free char *k = cgfx_slurp(dir, "cgroup.kill");
	assert_string_equal(k, "1");
	cleanup_free char *msg = xasprintf(
	    "processes still in workload partition w1's cgroup: %d (sleep, state S)", (int)child);
	assert_string_equal(err->msg, msg);
	assert_int_equal(err->status, ETIMEDOUT);
	wpar_error_release(&err);
	cgfx_put(dir, "cgroup.procs", "");
	OK(wpar_cgroup_kill_all(cg, 100, &err));

	/* Groups below the WPAR's go first; the parent level stays. */
	cleanup_free char *sub = fake("wpar-fake/w1/inner");
	mkdir(sub, 0755);
	fake_kernel_rmfiles(dir);
	OK(wpar_cgroup_destroy(cg, &err));
	assert_false(is_dir(dir));
	cleanup_free char *parent = fake("wpar-fake");
	assert_true(is_dir(parent));
	wpar_cgroup_free(cg);
	assert_int_equal(wpar_cgroup_open("w1", &cg, &err), -1);
	wpar_error_release(&err);
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
	cgfx_remove_real_parent(real_parent);
	unsetenv("WPAR_CGROUP_PARENT");
	unsetenv("WPAR_CGROUP_UNIFIED");
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

static bool in_group(pid_t pid, const char *controller, const char *name)
{
	char file[32];
	snprintf(file, sizeof(file), "%d/cgroup", (int)pid);
	cleanup_free char *text = cgfx_slurp("/proc", file);
	cleanup_free char *want = xasprintf(":%s:/%s/%s\n", controller, real_parent, name);
	return text && strstr(text, want);
}

static void test_real_lifecycle(void **state UNUSED)
{
	require_real_v1();
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w1", &cg, &err));
	static const char *const hiers[] = {"memory", "pids", "freezer", "cpuset", "unified"};
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++) {
		cleanup_free char *d = real(hiers[i], "w1");
		assert_true(is_dir(d));
	}
	/* cpuset levels got the CPUs and memory nodes of the level above. */
	cleanup_free char *root_cpus = cgfx_slurp(REAL_ROOT "/cpuset", "cpuset.cpus");
	cleanup_free char *cs = real("cpuset", "w1");
	cleanup_free char *cpus = cgfx_slurp(cs, "cpuset.cpus");
	cleanup_free char *mems = cgfx_slurp(cs, "cpuset.mems");
	assert_string_equal(cpus, root_cpus);
	assert_true(mems && mems[0] != '\n');

	cleanup_free char *mem = NULL, *uni = NULL, *memdir = real("memory", "w1"),
			  *unidir = real("unified", "w1");
	OK(wpar_cgroup_path(cg, "memory", &mem, &err));
	assert_string_equal(mem, memdir);
	OK(wpar_cgroup_path(cg, "unified", &uni, &err));
	assert_string_equal(uni, unidir);

	pid_t child = spawn("exec sleep 1000");
	OK(wpar_cgroup_attach(cg, child, &err));
	wait_until_exec(child, "sleep");
	assert_true(in_group(child, "memory", "w1"));
	assert_true(in_group(child, "pids", "w1"));
	assert_true(in_group(child, "freezer", "w1"));
	assert_true(in_group(child, "", "w1")); /* 0::/... */
	pid_t *pids = NULL;
	size_t n = 0;
	OK(wpar_cgroup_pids(cg, &pids, &n, &err));
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], child);
	free(pids);

	OK(wpar_cgroup_freeze(cg, true, &err));
	cleanup_free char *fz = real("freezer", "w1");
	cleanup_free char *st = cgfx_slurp(fz, "freezer.state");
	assert_string_equal(st, "FROZEN\n");
	assert_int_equal(proc_state(child), 'D'); /* frozen tasks show as D */
	OK(wpar_cgroup_freeze(cg, false, &err));
	cleanup_free char *st2 = cgfx_slurp(fz, "freezer.state");
	assert_string_equal(st2, "THAWED\n");
	for (int i = 0; i < 1000 && proc_state(child) != 'S'; i++)
		usleep(10000);
	assert_int_equal(proc_state(child), 'S');

	char want[32];
	snprintf(want, sizeof(want), "%d (sleep, state S)", (int)child);
	assert_int_equal(wpar_cgroup_destroy(cg, &err), -1);
	assert_int_equal(err->status, EBUSY);
	assert_non_null(strstr(err->msg, want));
	wpar_error_release(&err);

	/* Killed while frozen (stopwpar -F of a frozen WPAR): cgroup.kill
	 * of the cgroup2 tree, then the v1 freezer thawed so that it dies. */
	OK(wpar_cgroup_freeze(cg, true, &err));
	OK(wpar_cgroup_kill_all(cg, 5000, &err));
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	cgfx_forget_child(child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	cleanup_free char *st3 = cgfx_slurp(fz, "freezer.state");
	assert_string_equal(st3, "THAWED\n");
	OK(wpar_cgroup_pids(cg, &pids, &n, &err));
	assert_int_equal(n, 0);
	free(pids);

	OK(wpar_cgroup_destroy(cg, &err));
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++) {
		cleanup_free char *d = real(hiers[i], "w1");
		assert_false(is_dir(d));
		cleanup_free char *p = real(hiers[i], "");
		assert_true(is_dir(p)); /* the parent level is left */
	}
	wpar_cgroup_free(cg);
}

/* Without the cgroup2 tree there is no cgroup.kill: freeze, SIGKILL,
 * thaw.  A shell and its background child both die. */
static void test_real_kill_by_freezer(void **state UNUSED)
{
	require_real_v1();
	setenv("WPAR_CGROUP_UNIFIED", "no", 1);
	wpar_error_t err = NULL;
	struct wpar_cgroup *cg = NULL;
	OK(wpar_cgroup_create("w2", &cg, &err));
	cleanup_free char *uni = real("unified", "w2");
	assert_false(is_dir(uni));
	char *none = NULL;
	assert_int_equal(wpar_cgroup_path(cg, "unified", &none, &err), -1);
	wpar_error_release(&err);

	/* The child forks only once the parent has moved it into every
	 * hierarchy: a child that saw itself in the first one and forked
	 * before the move into the others was finished left its own child
	 * half outside the WPAR's groups (the likely cause of a failure
	 * seen once in CI under ASan). */
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		execl("/bin/sh", "sh", "-c", "sleep 1000 & sleep 1000; wait", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	cgfx_remember_child(child);
	OK(wpar_cgroup_attach(cg, child, &err));
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	pid_t *pids = NULL;
	size_t n = 0;
	/* Generous: under sanitizers and a loaded machine the shell is slow. */
	for (int i = 0; i < 5000 && n < 3; i++) {
		free(pids);
		OK(wpar_cgroup_pids(cg, &pids, &n, &err));
		usleep(2000);
	}
	free(pids);
	assert_int_equal(n, 3);

	OK(wpar_cgroup_kill_all(cg, 5000, &err));
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	cgfx_forget_child(child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	cleanup_free char *fz = real("freezer", "w2");
	cleanup_free char *st = cgfx_slurp(fz, "freezer.state");
	assert_string_equal(st, "THAWED\n");
	OK(wpar_cgroup_destroy(cg, &err));
	assert_false(is_dir(fz));
	wpar_cgroup_free(cg);
}

int main(void)
{
	cgfx_init();
	atexit(at_exit);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fake_detect, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_create, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_nested_parent, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_fake_control, setup_fake, teardown_fake),
	    cmocka_unit_test_setup_teardown(test_real_lifecycle, setup_real, teardown_real),
	    cmocka_unit_test_setup_teardown(test_real_kill_by_freezer, setup_real, teardown_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
