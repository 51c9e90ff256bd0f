/* rset.c: CPU and memory-node lists, and the registry of resource sets in
 * a private configuration tree (WPAR_CONFDIR and WPAR_RUNDIR point into a
 * mkdtemp'd directory, set before the first wpar_paths() call and removed
 * at the end, also when a test fails).  The host checks use CPU 0 and
 * memory node 0, which every Linux host has, and 65535, which none has
 * online. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "rset.h"
#include "spec.h"
#include "store.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static char tmproot[64];
static pid_t owner_pid;

static int remove_entry(const char *path, const struct stat *st UNUSED, int flag UNUSED,
			struct FTW *ftw UNUSED)
{
	remove(path);
	return 0;
}

static void remove_tmproot(void)
{
	if (tmproot[0] == '\0' || getpid() != owner_pid)
		return;
	nftw(tmproot, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	tmproot[0] = '\0';
}

static void on_fatal_signal(int sig)
{
	remove_tmproot();
	signal(sig, SIG_DFL);
	raise(sig);
}

#define OK(call)                                                                                   \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			fail_msg("%s: %s", #call, err ? err->msg : "(no message)");                \
	} while (0)

/* The call must fail with `status` and a message containing `want`. */
#define FAILS(call, want_status, want)                                                             \
	do {                                                                                       \
		if ((call) != -1)                                                                  \
			fail_msg("%s: expected a failure", #call);                                 \
		if (err->status != (want_status) || strstr(err->msg, (want)) == NULL)              \
			fail_msg("%s: status %d, \"%s\"; expected %d, \"%s\"", #call, err->status, \
				 err->msg, (want_status), (want));                                 \
		wpar_error_release(&err);                                                          \
	} while (0)

/* ---- lists ---------------------------------------------------------------- */

static void expect_normal(const char *text, const char *want)
{
	wpar_error_t err = NULL;
	cleanup_free char *got = NULL;
	OK(wpar_idlist_normalise(text, &got, &err));
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" -> \"%s\", expected \"%s\"", text, got, want);
}

static void test_list_normalise(void **state UNUSED)
{
	expect_normal("0-4", "0-4");
	expect_normal("4,0-3", "0-4");           /* sorted, adjacent merged */
	expect_normal("8-9,6,0-4", "0-4,6,8-9"); /* the example of the man pages */
	expect_normal("5-7,6-9,1,1,1", "1,5-9"); /* overlaps and repeats */
	expect_normal("0-2,3-5,7", "0-5,7");     /* adjacent ranges */
	expect_normal(" 0-1,3\n", "0-1,3");      /* as sysfs has it */
	expect_normal("", "");                   /* an empty list */
	expect_normal("\n", "");                 /* an empty sysfs file */
	expect_normal("007", "7");               /* leading zeros */
	expect_normal("65535", "65535");         /* the largest number */
	expect_normal("3-3", "3");

	static const char *const bad[] = {"a",    "1-",    "-1",    "3-1",
					  "1,,2", "1,",    ",1",    "1 2",
					  "0x1",  "1-2-3", "65536", "99999999999999999999",
					  "1;2",  "1\n2",  "+1",    "1 - 2"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		wpar_error_t err = NULL;
		char *out = (char *)"unchanged";
		if (wpar_idlist_normalise(bad[i], &out, &err) != -1)
			fail_msg("\"%s\" was taken as \"%s\"", bad[i], out);
		assert_null(out);
		assert_int_equal(err->status, 0);
		assert_non_null(strstr(err->msg, "is not a list of numbers from 0 to 65535 such as "
						 "0-4,6,8-9"));
		wpar_error_release(&err);
	}
}

static void expect_minus(const char *a, const char *b, const char *want)
{
	wpar_error_t err = NULL;
	cleanup_free char *got = NULL;
	OK(wpar_idlist_minus(a, b, &got, &err));
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" minus \"%s\" -> \"%s\", expected \"%s\"", a, b, got, want);
}

static void test_list_minus_count(void **state UNUSED)
{
	expect_minus("0-9", "2-3,5", "0-1,4,6-9");
	expect_minus("0-4", "0-4", "");
	expect_minus("0-4", "0-9", "");
	expect_minus("2", "", "2");
	expect_minus("", "0", "");
	expect_minus("0-4,8-12", "3-9", "0-2,10-12");
	expect_minus("5-9", "0-1,11", "5-9");
	expect_minus("0-65535", "1-65535", "0");
	wpar_error_t err = NULL;
	char *out = NULL;
	assert_int_equal(wpar_idlist_minus("0-1", "x", &out, &err), -1);
	assert_null(out);
	wpar_error_release(&err);

	assert_int_equal(wpar_idlist_count("0-4,6"), 6);
	assert_int_equal(wpar_idlist_count("0"), 1);
	assert_int_equal(wpar_idlist_count(""), 0);
	assert_int_equal(wpar_idlist_count("0-65535"), 65536);
	assert_int_equal(wpar_idlist_count("3-1"), -1);
}

static void test_host(void **state UNUSED)
{
	wpar_error_t err = NULL;
	cleanup_free char *cpus = NULL, *mems = NULL;
	OK(wpar_rset_host(&cpus, &mems, &err));
	/* CPU 0 and node 0 are always there, and as many CPUs as online. */
	cleanup_free char *rest = NULL;
	OK(wpar_idlist_minus("0", cpus, &rest, &err));
	assert_string_equal(rest, "");
	free(rest);
	rest = NULL;
	OK(wpar_idlist_minus("0", mems, &rest, &err));
	assert_string_equal(rest, "");
	assert_int_equal(wpar_idlist_count(cpus), sysconf(_SC_NPROCESSORS_ONLN));
}

/* ---- names ---------------------------------------------------------------- */

static void test_names(void **state UNUSED)
{
	char long_part[300];
	memset(long_part, 'a', sizeof(long_part));
	long_part[255] = '\0';
	cleanup_free char *longest = xasprintf("%s/%s", long_part, long_part);
	static const char *const good[] = {
	    "wpar_rset/procs0to4", "a/b", "A.b-c/x_y.z", "ns/1", "sys/sys0", "x/tmp.1", "x/a.tmp.",
	    "x/a.tmp.1b"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (wpar_rset_check_name(good[i], NULL) != 0)
			fail_msg("\"%s\" was refused", good[i]);
	assert_int_equal(wpar_rset_check_name(longest, NULL), 0);

	long_part[255] = 'a';
	long_part[256] = '\0';
	cleanup_free char *too_long = xasprintf("ns/%s", long_part);
	cleanup_free char *too_long_ns = xasprintf("%s/x", long_part);
	const char *const bad[] = {"noslash",   "/x",   "x/",        "/",          "a/b/c",
				   ".a/b",      "a/.b", "a b/c",     "a/b c",      "a/b\n",
				   "a/é",       "",     "a/b.tmp.1", "a/.tmp.123", too_long,
				   too_long_ns, "a/*",  "../x",      "x/.."};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		wpar_error_t err = NULL;
		if (wpar_rset_check_name(bad[i], &err) != -1)
			fail_msg("\"%s\" was taken", bad[i]);
		assert_non_null(strstr(err->msg, "is not a valid resource set name: it must be "
						 "namespace/name"));
		wpar_error_release(&err);
		/* Nothing of that name can exist or be loaded. */
		assert_false(wpar_rset_exists(bad[i]));
	}
	assert_int_equal(wpar_rset_check_namespace("wpar_rset", NULL), 0);
	assert_int_equal(wpar_rset_check_namespace("a/b", NULL), -1);
	assert_int_equal(wpar_rset_check_namespace(".a", NULL), -1);
	assert_int_equal(wpar_rset_check_namespace("", NULL), -1);
}

/* ---- the registry --------------------------------------------------------- */

static char *registry_file(const char *name)
{
	return xasprintf("%s/rsets/%s", wpar_paths()->confdir, name);
}

static void expect_list(const char *ns, const char *want)
{
	wpar_error_t err = NULL;
	char **names = NULL;
	size_t n = 0;
	OK(wpar_rset_list(ns, &names, &n, &err));
	struct strbuf sb = {0};
	strbuf_puts(&sb, "");
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%s", i ? " " : "", names[i]);
	cleanup_free char *got = strbuf_steal(&sb);
	wpar_names_free(names, n);
	if (strcmp(got, want) != 0)
		fail_msg("list %s: \"%s\", expected \"%s\"", ns ? ns : "(all)", got, want);
}

static void test_registry(void **state UNUSED)
{
	wpar_error_t err = NULL;
	cleanup_free char *host_cpus = NULL, *host_mems = NULL;
	OK(wpar_rset_host(&host_cpus, &host_mems, &err));

	/* Nothing defined: the system's set only. */
	expect_list(NULL, "sys/sys0");
	expect_list("test", "");
	assert_true(wpar_rset_exists("sys/sys0"));
	assert_false(wpar_rset_exists("test/cpu0"));

	/* mkrset -c 0 test/cpu0: every memory node of the host. */
	OK(wpar_rset_create("test/cpu0", "0", NULL, &err));
	assert_true(wpar_rset_exists("test/cpu0"));
	cleanup_free char *path = registry_file("test/cpu0");
	cleanup_free char *text = NULL;
	OK(read_file(path, &text, NULL, &err));
	cleanup_free char *want = xasprintf("cpus=0\nmems=%s\n", host_mems);
	assert_string_equal(text, want);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	struct wpar_rset r;
	OK(wpar_rset_load("test/cpu0", &r, &err));
	assert_string_equal(r.name, "test/cpu0");
	assert_string_equal(r.cpus, "0");
	assert_string_equal(r.mems, host_mems);
	assert_int_equal(r.mode, 0644);
	assert_int_equal(r.owner, geteuid());
	wpar_rset_release(&r);

	/* The lists are stored normalised; -m given. */
	OK(wpar_rset_create("test/b", "0,0-0", "0", &err));
	OK(wpar_rset_load("test/b", &r, &err));
	assert_string_equal(r.cpus, "0");
	assert_string_equal(r.mems, "0");
	wpar_rset_release(&r);
	OK(wpar_rset_create("other/a", "0", NULL, &err));

	/* sys/sys0 is the whole host. */
	OK(wpar_rset_load("sys/sys0", &r, &err));
	assert_string_equal(r.cpus, host_cpus);
	assert_string_equal(r.mems, host_mems);
	assert_int_equal(r.mode, 0444);
	wpar_rset_release(&r);

	expect_list(NULL, "other/a sys/sys0 test/b test/cpu0");
	expect_list("test", "test/b test/cpu0");
	expect_list("sys", "sys/sys0");
	expect_list("none", "");
	assert_int_equal(wpar_rset_list("a/b", &(char **){NULL}, &(size_t){0}, NULL), -1);

	/* Refusals. */
	FAILS(wpar_rset_create("test/cpu0", "0", NULL, &err), EEXIST,
	      "resource set test/cpu0 already exists");
	FAILS(wpar_rset_create("sys/mine", "0", NULL, &err), 0,
	      "sys/mine: the namespace sys is reserved for the system's resource sets");
	FAILS(wpar_rset_create("sys/sys0", "0", NULL, &err), 0, "namespace sys is reserved");
	FAILS(wpar_rset_create("noslash", "0", NULL, &err), 0,
	      "\"noslash\" is not a valid resource set name");
	FAILS(wpar_rset_create("test/x", "0-x", NULL, &err), 0,
	      "CPU list: \"0-x\" is not a list of numbers");
	FAILS(wpar_rset_create("test/x", "", NULL, &err), 0,
	      "a resource set needs at least one CPU");
	FAILS(wpar_rset_create("test/x", NULL, NULL, &err), 0,
	      "a resource set needs at least one CPU");
	FAILS(wpar_rset_create("test/x", "0", "", &err), 0,
	      "a resource set needs at least one memory node");
	FAILS(wpar_rset_create("test/x", "0", "1,x", &err), 0,
	      "memory node list: \"1,x\" is not a list");
	cleanup_free char *offline = xasprintf("CPUs 65534-65535 are not online on this host "
					       "(online CPUs: %s)",
					       host_cpus);
	FAILS(wpar_rset_create("test/x", "0,65534-65535", NULL, &err), 0, offline);
	FAILS(wpar_rset_create("test/x", "0", "65535", &err), 0,
	      "memory node 65535 is not on this host (its memory nodes: ");
	assert_false(wpar_rset_exists("test/x"));
	FAILS(wpar_rset_load("test/x", &r, &err), ENOENT, "no resource set called test/x");
	FAILS(wpar_rset_load("sys/other", &r, &err), ENOENT, "no resource set called sys/other");
	FAILS(wpar_rset_load("bad name", &r, &err), ENOENT, "no resource set called bad name");

	/* A record that lost its lists is an error naming the file. */
	cleanup_free char *broken = registry_file("test/broken");
	OK(write_file_atomic(broken, "mems=0\n", 7, 0644, &err));
	FAILS(wpar_rset_load("test/broken", &r, &err), 0, "test/broken: no CPUs (cpus=)");
	OK(write_file_atomic(broken, "cpus=0\nmems=zero\n", 17, 0644, &err));
	FAILS(wpar_rset_load("test/broken", &r, &err), 0, "\"zero\" is not a list");
	unlink(broken);
	/* What an interrupted atomic write leaves is not a set. */
	cleanup_free char *temp = registry_file("test/b.tmp.1234");
	OK(write_file_atomic(temp, "cpus=0\nmems=0\n", 14, 0644, &err));
	expect_list("test", "test/b test/cpu0");
	unlink(temp);

	/* rmrset. */
	OK(wpar_rset_remove("test/b", &err));
	assert_false(wpar_rset_exists("test/b"));
	FAILS(wpar_rset_remove("test/b", &err), ENOENT, "no resource set called test/b");
	FAILS(wpar_rset_remove("sys/sys0", &err), 0,
	      "sys/sys0: the resource sets of the "
	      "namespace sys are the system's");
	FAILS(wpar_rset_remove("a/b/c", &err), ENOENT, "no resource set called a/b/c");
	/* The last set of a namespace takes its directory along. */
	OK(wpar_rset_remove("other/a", &err));
	cleanup_free char *other = registry_file("other");
	assert_false(path_exists(other));
	OK(wpar_rset_remove("test/cpu0", &err));
	cleanup_free char *top = xasprintf("%s/rsets", wpar_paths()->confdir);
	assert_false(path_exists(top));
	expect_list(NULL, "sys/sys0");
}

static void save_wpar(const char *name, const char *rset)
{
	cleanup_free char *text =
	    xasprintf("general:\n\tname = \"%s\"\n\tdirectory = \"/wpars/%s\"\n"
		      "\nresources:\n\trset = \"%s\"\n",
		      name, name, rset);
	cleanup_spec struct wpar_spec *spec = NULL;
	wpar_error_t err = NULL;
	OK(wpar_spec_parse(text, strlen(text), "test", &spec, &err));
	OK(wpar_store_save(spec, &err));
}

/* A set that WPAR definitions name cannot be removed; the message names
 * them. */
static void test_users(void **state UNUSED)
{
	wpar_error_t err = NULL;
	OK(wpar_rset_create("test/used", "0", NULL, &err));
	OK(wpar_rset_create("test/other", "0", NULL, &err));
	save_wpar("w2", "test/used");
	save_wpar("w1", "test/used");
	save_wpar("w3", "test/other");
	char **users = NULL;
	size_t n = 0;
	OK(wpar_rset_users("test/used", &users, &n, &err));
	assert_int_equal(n, 2);
	assert_string_equal(users[0], "w1");
	assert_string_equal(users[1], "w2");
	wpar_names_free(users, n);
	FAILS(wpar_rset_remove("test/used", &err), EBUSY,
	      "resource set test/used is used by workload partitions w1, w2; take it out of "
	      "their resource controls first (chwpar -K -R rset= wparName)");
	assert_true(wpar_rset_exists("test/used"));
	OK(wpar_store_remove("w1", &err));
	FAILS(wpar_rset_remove("test/used", &err), EBUSY,
	      "is used by workload partition w2; take it out");
	OK(wpar_store_remove("w2", &err));
	OK(wpar_rset_remove("test/used", &err));
	FAILS(wpar_rset_remove("test/other", &err), EBUSY, "workload partition w3;");
	OK(wpar_store_remove("w3", &err));
	OK(wpar_rset_remove("test/other", &err));
}

/* What cgroup_limits.c writes for a WPAR's rset=. */
static void test_resolve(void **state UNUSED)
{
	wpar_error_t err = NULL;
	cleanup_free char *host_cpus = NULL, *host_mems = NULL;
	OK(wpar_rset_host(&host_cpus, &host_mems, &err));
	OK(wpar_rset_create("test/cpu0", "0", "0", &err));
	char *cpus = NULL, *mems = NULL;
	OK(wpar_rset_resolve("test/cpu0", NULL, NULL, &cpus, &mems, &err));
	assert_string_equal(cpus, "0");
	assert_string_equal(mems, "0");
	free(cpus);
	free(mems);
	/* The level above in any list form, blank meaning "not known". */
	OK(wpar_rset_resolve("test/cpu0", "0-1\n", "\n", &cpus, &mems, &err));
	assert_string_equal(cpus, "0");
	free(cpus);
	free(mems);
	FAILS(wpar_rset_resolve("test/cpu0", "1-3\n", "0\n", &cpus, &mems, &err), 0,
	      "CPU 0 is outside the cpuset of the level above (its CPUs: 1-3)");
	assert_null(cpus);
	FAILS(wpar_rset_resolve("test/cpu0", "0", "1", &cpus, &mems, &err), 0,
	      "memory node 0 is outside the cpuset of the level above (its memory nodes: 1)");
	FAILS(wpar_rset_resolve("test/none", NULL, NULL, &cpus, &mems, &err), ENOENT,
	      "no resource set called test/none");
	/* A CPU that went offline since the set was defined. */
	cleanup_free char *path = registry_file("test/gone");
	OK(write_file_atomic(path, "cpus=0,65535\nmems=0\n", 20, 0644, &err));
	FAILS(wpar_rset_resolve("test/gone", NULL, NULL, &cpus, &mems, &err), 0,
	      "CPU 65535 is not online (online CPUs: ");
	unlink(path);
	/* sys/sys0: the whole host. */
	OK(wpar_rset_resolve("sys/sys0", NULL, NULL, &cpus, &mems, &err));
	assert_string_equal(cpus, host_cpus);
	assert_string_equal(mems, host_mems);
	free(cpus);
	free(mems);
	OK(wpar_rset_remove("test/cpu0", &err));
}

int main(void)
{
	snprintf(tmproot, sizeof(tmproot), "/tmp/wpar-test-rset.XXXXXX");
	if (mkdtemp(tmproot) == NULL)
		return 1;
	owner_pid = getpid();
	atexit(remove_tmproot);
	signal(SIGABRT, on_fatal_signal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGINT, on_fatal_signal);
	static const struct {
		const char *var, *sub;
	} dirs[] = {
	    {"WPAR_CONFDIR", "etc/wpars"},   {"WPAR_STATEDIR", "var/lib/wpar"},
	    {"WPAR_RUNDIR", "run/wpar"},     {"WPAR_BASEDIR", "wpars"},
	    {"WPAR_LOGDIR", "var/log/wpar"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *p = xasprintf("%s/%s", tmproot, dirs[i].sub);
		setenv(dirs[i].var, p, 1);
	}
	/* The paths are read once per process: they must be ours now. */
	if (strncmp(wpar_paths()->confdir, tmproot, strlen(tmproot)) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_normalise), cmocka_unit_test(test_list_minus_count),
	    cmocka_unit_test(test_host),           cmocka_unit_test(test_names),
	    cmocka_unit_test(test_registry),       cmocka_unit_test(test_users),
	    cmocka_unit_test(test_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
