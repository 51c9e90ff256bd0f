/* The pure parts of application WPARs: generated names, the command line
 * kept in `application`, the command lookup, and the spec checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "appwpar.h"
#include "name.h"
#include "spec.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static void test_generated_names(void **state UNUSED)
{
	static const struct {
		const char *command, *stem;
	} cases[] = {
	    {"/bin/true", "true-"},
	    {"sleep", "sleep-"},
	    {"./python3.11", "python3-11-"},
	    {"/opt/x/--odd__name!!", "odd-name-"},
	    {"0start", "start-"},
	    {"/usr/bin/", "wpar-"},
	    {"...", "wpar-"},
	    {"averyveryverylongcommandname-that-goes-on", "averyveryverylong-"},
	};
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *name = wpar_app_generate_name(cases[i].command);
		cleanup_free char *want = xasprintf("%s%s", cases[i].stem, pid);
		assert_string_equal(name, want);
		/* Always a valid WPAR name and host name (AIX: at most 25
		 * bytes, no leading '-' or '0'). */
		assert_int_equal(wpar_name_check(name, NULL), 0);
		assert_int_equal(wpar_hostname_check(name, NULL), 0);
		assert_true(strlen(name) <= 25);
	}
}

/* What `application` says must run the same words through /bin/sh. */
static void check_round_trip(char *const *words)
{
	cleanup_free char *line = wpar_app_command_line(words);
	cleanup_free char *script = xasprintf("for w in %s; do printf '%%s\\n' \"$w\"; done", line);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char buf[4096];
	size_t n = 0;
	for (ssize_t k; (k = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0;)
		n += (size_t)k;
	close(p[0]);
	buf[n] = '\0';
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	struct strbuf want = {0};
	for (size_t i = 0; words[i]; i++)
		strbuf_printf(&want, "%s\n", words[i]);
	assert_string_equal(buf, want.buf);
	strbuf_release(&want);
}

static void test_command_line_quoting(void **state UNUSED)
{
	char *plain[] = {"/bin/echo", "a", "b=c", "-x", NULL};
	cleanup_free char *line = wpar_app_command_line(plain);
	assert_string_equal(line, "/bin/echo a b=c -x");
	char *hard[] = {"printf", "it's", "two words", "$HOME", "`id`", "a\"b", "*", "", NULL};
	check_round_trip(hard);
	char *newline[] = {"x\ny", "tab\there", NULL};
	check_round_trip(newline);
}

static void test_resolve(void **state UNUSED)
{
	cleanup_free char *path = NULL;
	wpar_error_t err = NULL;
	assert_int_equal(wpar_app_resolve("sh", &path, &err), 0);
	assert_true(path[0] == '/' && strstr(path, "/sh"));
	assert_int_equal(wpar_app_resolve("no-such-command-wpar", &path, &err), -1);
	assert_int_equal(err->status, ENOENT);
	/* The message says it all: no strerror after it. */
	assert_string_equal(err->msg, "no-such-command-wpar: command not found");
	wpar_error_release(&err);
	char plain[] = "/tmp/wpar-appwpar-XXXXXX";
	int fd = mkstemp(plain);
	assert_true(fd >= 0);
	close(fd);
	chmod(plain, 0644);
	int r = wpar_app_resolve(plain, &path, &err);
	unlink(plain);
	assert_int_equal(r, -1);
	assert_int_equal(err->status, EACCES);
	wpar_error_release(&err);
	assert_int_equal(wpar_app_resolve("/etc", &path, &err), -1);
	assert_int_equal(err->status, EACCES);
	assert_non_null(strstr(err->msg, "directory"));
	wpar_error_release(&err);
	assert_int_equal(wpar_app_resolve("/no/such/file", &path, &err), -1);
	assert_int_equal(err->status, ENOENT);
	wpar_error_release(&err);
}

static struct wpar_spec *app_spec(const char *text)
{
	struct wpar_spec *spec = NULL;
	wpar_error_t err = NULL;
	if (wpar_spec_parse(text, strlen(text), "test", &spec, &err) < 0)
		fail_msg("%s", err->msg);
	return spec;
}

static void test_checks(void **state UNUSED)
{
	wpar_error_t err = NULL;
	/* A complete application WPAR: defaults filled, a dependency
	 * without vfs= gets the kind its attributes say. */
	cleanup_spec struct wpar_spec *ok = app_spec("general:\n\tname = \"a1\"\n"
						     "\tapplication = \"/bin/true\"\n"
						     "mount:\n\tdirectory = \"/mnt/x\"\n"
						     "\tdev = \"/srv/x\"\n");
	assert_int_equal(wpar_app_check(ok, &err), 0);
	assert_string_equal(ok->general.directory, "/");
	assert_string_equal(ok->general.hostname, "a1");
	assert_string_equal(ok->mounts[0].vfs, "namefs");
	assert_null(ok->general.privateusr);

	static const struct {
		const char *text, *needle;
	} bad[] = {
	    {"general:\n\tname = \"a1\"\n", "0960-383"},
	    {"general:\n\tname = \"a1\"\n\tapplication = \"x\"\n\tprivateusr = \"no\"\n",
	     "privateusr"},
	    {"general:\n\tname = \"a1\"\n\tapplication = \"x\"\n\tdirectory = \"/wpars/a1\"\n",
	     "directory"},
	    {"general:\n\tname = \"a1\"\n\tapplication = \"x\"\noptions:\n\tenable_rawsock = "
	     "\"yes\"\n",
	     "options"},
	    {"general:\n\tname = \"a1\"\n\tapplication = \"x\"\nmount:\n\tdirectory = \"/v\"\n"
	     "\tvfs = \"jfs2\"\n",
	     "nfs, namefs or directory"},
	    {"general:\n\tname = \"a1\"\n\tapplication = \"x\"\nmount:\n\tdirectory = \"/v\"\n"
	     "\tvfs = \"namefs\"\n\tdev = \"/srv\"\n\tsize = \"1G\"\n",
	     "size"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		cleanup_spec struct wpar_spec *spec = app_spec(bad[i].text);
		assert_int_equal(wpar_app_check(spec, &err), -1);
		if (strstr(err->msg, bad[i].needle) == NULL)
			fail_msg("case %zu: '%s' does not name '%s'", i, err->msg, bad[i].needle);
		wpar_error_release(&err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generated_names),
	    cmocka_unit_test(test_command_line_quoting),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
