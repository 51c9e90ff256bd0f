/* User namespaces of system WPARs: the id range's syntax and bounds, the
 * -S words, the claim of a free range among the definitions of a private
 * store (WPAR_CONFDIR and friends in a mkdtemp'd tree), what cannot go
 * with a user namespace, and a real namespace made with a range. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "privs.h"
#include "spec.h"
#include "store.h"
#include "userns.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static char tmproot[64];

static int remove_entry(const char *path, const struct stat *st UNUSED, int flag UNUSED,
			struct FTW *ftw UNUSED)
{
	remove(path);
	return 0;
}

static int setup(void **state UNUSED)
{
	snprintf(tmproot, sizeof(tmproot), "/tmp/wpar-test-userns.XXXXXX");
	if (mkdtemp(tmproot) == NULL)
		return -1;
	static const char *const vars[][2] = {{"WPAR_CONFDIR", "etc"},
					      {"WPAR_STATEDIR", "lib"},
					      {"WPAR_RUNDIR", "run"},
					      {"WPAR_BASEDIR", "wpars"},
					      {"WPAR_LOGDIR", "log"}};
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		cleanup_free char *p = xasprintf("%s/%s", tmproot, vars[i][1]);
		setenv(vars[i][0], p, 1);
	}
	return strncmp(wpar_paths()->confdir, tmproot, strlen(tmproot)) == 0 ? 0 : -1;
}

static int teardown(void **state UNUSED)
{
	nftw(tmproot, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void parse_fails(const char *text, const char *msg)
{
	struct wpar_idrange r;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_idrange_parse(text, &r, &err), -1);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err->msg, msg);
}

static void test_range_syntax(void **state UNUSED)
{
	struct wpar_idrange r;
	assert_int_equal(wpar_idrange_parse("100000:65536", &r, NULL), 0);
	assert_int_equal(r.first, 100000);
	assert_int_equal(r.count, 65536);
	assert_int_equal(wpar_idrange_parse("4294901759:65536", &r, NULL), 0);
	parse_fails("", "not FIRST:COUNT");
	parse_fails("100000", "not FIRST:COUNT");
	parse_fails("100000:", "not FIRST:COUNT");
	parse_fails(":65536", "not FIRST:COUNT");
	parse_fails("-1:65536", "not FIRST:COUNT");
	parse_fails("1:+65536", "not FIRST:COUNT");
	parse_fails("1:65536x", "not FIRST:COUNT");
	parse_fails("0:65536", "host id 0");
	parse_fails("100000:65535", "fewer than 65536");
	parse_fails("4294901760:65536", "beyond the last host id");
	parse_fails("99999999999999999999:65536", "not FIRST:COUNT");
}

static struct wpar_spec *system_spec(const char *name, const char *words)
{
	cleanup_free char *text =
	    xasprintf("general:\n\tname = %s\n\tdirectory = %s/wpars/%s\n", name, tmproot, name);
	struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_parse(text, strlen(text), "test", &spec, &err) < 0)
		fail_msg("%s", err->msg);
	if (words) {
		cleanup_free char *copy = xstrdup(words);
		char *argv[8];
		size_t n = 0;
		for (char *w = strtok(copy, " "); w && n < 8; w = strtok(NULL, " "))
			argv[n++] = w;
		if (wpar_privs_edit(spec, "-S", argv, n, &err) < 0)
			fail_msg("%s", err->msg);
	}
	return spec;
}

static void edit_fails(const char *words, const char *msg)
{
	cleanup_spec struct wpar_spec *spec = system_spec("e1", NULL);
	cleanup_free char *copy = xstrdup(words);
	char *argv[8];
	size_t n = 0;
	for (char *w = strtok(copy, " "); w && n < 8; w = strtok(NULL, " "))
		argv[n++] = w;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_privs_edit(spec, "-S", argv, n, &err), -1);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", words, err->msg, msg);
	assert_null(spec->security.userns);
	assert_null(spec->security.idrange);
	assert_null(spec->security.privs);
}

static void test_words(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *a = system_spec("w1", "userns=YES idrange=0200000:65536");
	assert_string_equal(a->security.userns, "yes");
	assert_string_equal(a->security.idrange, "200000:65536");
	assert_null(a->security.privs); /* untouched */
	cleanup_spec struct wpar_spec *b = system_spec("w2", "privs-=CAP_KILL userns=yes");
	assert_non_null(b->security.privs);
	assert_null(strstr(b->security.privs, "CAP_KILL"));
	edit_fails("userns=perhaps", "userns=perhaps is not yes or no");
	edit_fails("userns=yes idrange=12", "not FIRST:COUNT");
	edit_fails("userns=yes userns=no", "userns= given twice");
	edit_fails("privs=CAP_KILL userns=yes idrange=1:2", "fewer than");
	edit_fails("idmap=1:65536", "not one of");
}

static void test_claim(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	cleanup_spec struct wpar_spec *a = system_spec("c1", "userns=yes");
	assert_int_equal(wpar_userns_claim(a, &err), 0);
	assert_string_equal(a->security.idrange, "268435456:65536");
	assert_int_equal(wpar_store_save(a, &err), 0);
	/* The next one gets the next block; a WPAR without userns holds none. */
	cleanup_spec struct wpar_spec *off = system_spec("c0", "userns=no idrange=268500992:65536");
	assert_int_equal(wpar_store_save(off, &err), 0);
	cleanup_spec struct wpar_spec *b = system_spec("c2", "userns=yes");
	assert_int_equal(wpar_userns_claim(b, &err), 0);
	assert_string_equal(b->security.idrange, "268500992:65536");
	assert_int_equal(wpar_store_save(b, &err), 0);
	/* A range given must not touch another's, at either end. */
	static const char *const clash[] = {"268435456:65536", "268400000:65536", "268565000:70000",
					    "200000000:100000000"};
	for (size_t i = 0; i < ARRAY_SIZE(clash); i++) {
		cleanup_free char *w = xasprintf("userns=yes idrange=%s", clash[i]);
		cleanup_spec struct wpar_spec *c = system_spec("c3", w);
		wpar_error_release(&err);
		assert_int_equal(wpar_userns_claim(c, &err), -1);
		assert_non_null(strstr(err->msg, "overlaps that of WPAR c"));
	}
	cleanup_spec struct wpar_spec *d = system_spec("c3", "userns=yes idrange=268566528:65536");
	wpar_error_release(&err);
	assert_int_equal(wpar_userns_claim(d, &err), 0);
	/* A WPAR's own range is never a clash with itself (chwpar). */
	assert_int_equal(wpar_userns_claim(a, &err), 0);
	assert_string_equal(a->security.idrange, "268435456:65536");
}

static void test_check(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	cleanup_spec struct wpar_spec *a = system_spec("k1", "userns=yes");
	assert_int_equal(wpar_userns_check(a, &err), 0);
	a->general.checkpointable = xstrdup("yes");
	assert_int_equal(wpar_userns_check(a, &err), -1);
	assert_non_null(strstr(err->msg, "checkpointable"));
	cleanup_spec struct wpar_spec *b = system_spec("k2", "userns=yes");
	b->general.application = xstrdup("/bin/true");
	wpar_error_release(&err);
	assert_int_equal(wpar_userns_check(b, &err), -1);
	assert_non_null(strstr(err->msg, "system WPARs"));
	/* userns=yes without a range (never claimed): said so at start. */
	struct wpar_idrange r;
	wpar_error_release(&err);
	assert_int_equal(wpar_userns_of(a, &r, &err), -1);
	assert_non_null(strstr(err->msg, "no idrange"));
}

static void test_make(void **state UNUSED)
{
	if (geteuid() != 0)
		skip();
	struct wpar_idrange r = {.first = 300000000, .count = 65536};
	cleanup_error wpar_error_t err = NULL;
	int fd = wpar_userns_make(&r, &err);
	if (fd < 0)
		fail_msg("%s", err->msg);
	/* The map as a member of the namespace would read it. */
	pid_t pid = fork();
	if (pid == 0) {
		if (setns(fd, CLONE_NEWUSER) < 0)
			_exit(2);
		char buf[128] = {0};
		int m = open("/proc/self/uid_map", O_RDONLY);
		if (m < 0 || read(m, buf, sizeof(buf) - 1) <= 0)
			_exit(3);
		unsigned long a, b, c;
		_exit(sscanf(buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 300000000 &&
			      c == 65536
			  ? 0
			  : 4);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	close(fd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_range_syntax), cmocka_unit_test(test_words),
	    cmocka_unit_test(test_claim),        cmocka_unit_test(test_check),
	    cmocka_unit_test(test_make),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
