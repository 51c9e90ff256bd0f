/* The configuration store, the per-WPAR locks and the state records, in a
 * private directory tree (WPAR_CONFDIR, WPAR_STATEDIR, WPAR_RUNDIR and
 * WPAR_BASEDIR point into a mkdtemp'd directory that is removed at the
 * end, also when tests fail). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paths.h"
#include "spec.h"
#include "runtime.h"
#include "state.h"
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

/* Removes the temporary tree; only the process that made it does. */
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

static char *conf_path(const char *file)
{
	return xasprintf("%s/%s", wpar_paths()->confdir, file);
}

static int setup_tree(void **state UNUSED)
{
	snprintf(tmproot, sizeof(tmproot), "/tmp/wpar-test-store.XXXXXX");
	if (mkdtemp(tmproot) == NULL)
		return -1;
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
		if (setenv(dirs[i].var, p, 1) < 0)
			return -1;
	}
	/* The paths are read once per process: they must be ours now. */
	const struct wpar_paths *paths = wpar_paths();
	if (strncmp(paths->confdir, tmproot, strlen(tmproot)) != 0 ||
	    strncmp(paths->statedir, tmproot, strlen(tmproot)) != 0 ||
	    strncmp(paths->rundir, tmproot, strlen(tmproot)) != 0 ||
	    strncmp(paths->basedir, tmproot, strlen(tmproot)) != 0)
		return -1;
	return 0;
}

static int teardown_tree(void **state UNUSED)
{
	remove_tmproot();
	return 0;
}

static struct wpar_spec *make_spec(const char *name, const char *dir)
{
	cleanup_free char *text =
	    xasprintf("general:\n\tname = \"%s\"\n\thostname = \"%s\"\n"
		      "\tdirectory = \"%s\"\n\tauto = \"no\"\n\n"
		      "network:\n\taddress = \"10.0.0.5\"\n\tnetmask = \"255.255.255.0\"\n\n"
		      "mount:\n\tdirectory = \"/var\"\n\tvfs = \"jfs2\"\n\tsize = \"512M\"\n",
		      name, name, dir);
	struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_parse(text, strlen(text), "test", &spec, &err) < 0)
		fail_msg("%s", err->msg);
	return spec;
}

static void save_ok(const struct wpar_spec *spec)
{
	cleanup_error wpar_error_t err = NULL;
	if (wpar_store_save(spec, &err) < 0)
		fail_msg("save: %s", err->msg);
}

static void write_raw(const char *file, const char *text)
{
	cleanup_free char *path = conf_path(file);
	cleanup_error wpar_error_t err = NULL;
	if (write_file_atomic(path, text, strlen(text), 0644, &err) < 0)
		fail_msg("%s", err->msg);
}

/* ---- spec files ----------------------------------------------------------- */

static void test_save_load(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = make_spec("w1", "/wpars/w1");
	save_ok(spec);
	assert_true(wpar_store_exists("w1"));

	/* The file is the canonical text, mode 0644. */
	cleanup_free char *path = conf_path("w1.cf");
	cleanup_free char *text = NULL;
	size_t len;
	assert_int_equal(read_file(path, &text, &len, NULL), 0);
	cleanup_free char *want = wpar_spec_write(spec);
	assert_string_equal(text, want);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	cleanup_spec struct wpar_spec *back = NULL;
	cleanup_error wpar_error_t err = NULL;
	if (wpar_store_load("w1", &back, &err) < 0)
		fail_msg("load: %s", err->msg);
	cleanup_free char *again = wpar_spec_write(back);
	assert_string_equal(again, want);

	/* Saving again replaces the file and leaves no temporary behind. */
	assert_int_equal(wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "auto", "yes", NULL), 0);
	save_ok(spec);
	cleanup_spec struct wpar_spec *back2 = NULL;
	assert_int_equal(wpar_store_load("w1", &back2, &err), 0);
	assert_string_equal(back2->general.autostart, "yes");
	char **names;
	size_t n;
	assert_int_equal(wpar_store_list(&names, &n, &err), 0);
	for (size_t i = 0; i < n; i++)
		assert_null(strstr(names[i], "tmp"));
	wpar_names_free(names, n);

	/* A spec without a valid name is not saved. */
	cleanup_spec struct wpar_spec *nameless = wpar_spec_new();
	assert_int_equal(wpar_store_save(nameless, &err), -1);
	assert_non_null(err);
	wpar_error_release(&err);

	wpar_store_remove("w1", NULL);
}

static void expect_missing(const char *name)
{
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_store_load(name, &spec, &err), -1);
	assert_null(spec);
	assert_non_null(err);
	assert_int_equal(err->status, ENOENT);
	cleanup_free char *want =
	    xasprintf("0960-419 Could not find a workload partition called %s.", name);
	assert_string_equal(err->msg, want);
	/* Without an error object the call fails the same way. */
	assert_int_equal(wpar_store_load(name, &spec, NULL), -1);
}

static void test_load_missing(void **state UNUSED)
{
	expect_missing("ghost");
	assert_false(wpar_store_exists("ghost"));
	/* Names that cannot exist are not looked up as paths. */
	expect_missing("../etc/passwd");
	expect_missing("a/b");
	expect_missing("-x");

	/* Even when the file they would name exists: rmwpar and chwpar ask
	 * wpar_store_exists() before anything else. */
	write_raw("../outside.cf", "general:\n\tname = \"outside\"\n");
	assert_false(wpar_store_exists("../outside"));
	expect_missing("../outside");
	cleanup_free char *p = conf_path("../outside.cf");
	assert_int_equal(unlink(p), 0);
	assert_false(wpar_store_exists(""));
}

static void test_load_bad_files(void **state UNUSED)
{
	/* The general stanza names another WPAR. */
	write_raw("imposter.cf", "general:\n\tname = \"other\"\n");
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_store_load("imposter", &spec, &err), -1);
	assert_non_null(strstr(err->msg, "another workload partition"));
	assert_int_not_equal(err->status, ENOENT);
	wpar_error_release(&err);

	/* A syntax error names the file and the line. */
	write_raw("broken.cf", "general:\n\tname = \"broken\"\n\tauto = \"maybe\"\n");
	assert_int_equal(wpar_store_load("broken", &spec, &err), -1);
	assert_null(spec);
	cleanup_free char *where = xasprintf("%s/broken.cf:3:", wpar_paths()->confdir);
	if (strstr(err->msg, where) == NULL)
		fail_msg("'%s' missing from: %s", where, err->msg);
	assert_int_not_equal(err->status, ENOENT);

	wpar_store_remove("imposter", NULL);
	wpar_store_remove("broken", NULL);
}

static void test_list(void **state UNUSED)
{
	static const char *names_given[] = {"zeta", "alpha", "Mid_1", "beta-2"};
	for (size_t i = 0; i < ARRAY_SIZE(names_given); i++) {
		cleanup_spec struct wpar_spec *s = make_spec(names_given[i], "/wpars/x");
		save_ok(s);
	}
	/* Not spec files, or names no WPAR can have. */
	write_raw("notes.txt", "x");
	write_raw(".cf", "x");
	write_raw("cf", "x");
	write_raw("bad.name.cf", "x");
	write_raw("-dash.cf", "x");
	write_raw("0zero.cf", "x");
	write_raw("aaaaaaaaaaaaaaaaaaaaaaaaaa.cf", "x"); /* 26 bytes */
	write_raw("alpha.cf.tmp.1234", "x");
	write_raw("alpha.cfg", "x");
	write_raw("devexports", "x");

	char **names;
	size_t n;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_store_list(&names, &n, &err), 0);
	static const char *want[] = {"Mid_1", "alpha", "beta-2", "zeta"};
	if (n != ARRAY_SIZE(want)) {
		for (size_t i = 0; i < n; i++)
			print_message("listed: %s\n", names[i]);
		fail_msg("%zu names listed, expected %zu", n, ARRAY_SIZE(want));
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	wpar_names_free(names, n);

	for (size_t i = 0; i < ARRAY_SIZE(names_given); i++)
		assert_int_equal(wpar_store_remove(names_given[i], &err), 0);
	static const char *junk[] = {"notes.txt",
				     ".cf",
				     "cf",
				     "bad.name.cf",
				     "-dash.cf",
				     "0zero.cf",
				     "aaaaaaaaaaaaaaaaaaaaaaaaaa.cf",
				     "alpha.cf.tmp.1234",
				     "alpha.cfg",
				     "devexports"};
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		cleanup_free char *p = conf_path(junk[i]);
		unlink(p);
	}
	assert_int_equal(wpar_store_list(&names, &n, &err), 0);
	assert_int_equal(n, 0);
	wpar_names_free(names, n);
}

static void test_remove(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = make_spec("gone", "/wpars/gone");
	save_ok(s);
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_state_set("gone", WPAR_DEFINED, NULL, &err), 0);
	/* Something else in the state directory, nested. */
	cleanup_free char *sdir = wpar_path_statedir("gone");
	cleanup_free char *sub = xasprintf("%s/images/x", sdir);
	assert_int_equal(mkdir_p(sub, 0700, &err), 0);
	cleanup_free char *f = xasprintf("%s/file", sub);
	assert_int_equal(write_file_atomic(f, "d", 1, 0600, &err), 0);

	assert_int_equal(wpar_store_remove("gone", &err), 0);
	assert_null(err);
	assert_false(wpar_store_exists("gone"));
	assert_false(path_exists(sdir));
	expect_missing("gone");
	/* Removing what is not there is not an error. */
	assert_int_equal(wpar_store_remove("gone", &err), 0);
	assert_int_equal(wpar_store_remove("never", &err), 0);
}

static void test_rename(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = make_spec("old1", "/wpars/old1");
	save_ok(s);
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_state_set("old1", WPAR_DEFINED, "rename-test", &err), 0);

	/* The caller writes the new spec file; the store moves the rest. */
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "name", "new1", &err), 0);
	save_ok(s);
	assert_int_equal(wpar_store_rename("old1", "new1", &err), 0);
	assert_false(wpar_store_exists("old1"));
	assert_true(wpar_store_exists("new1"));
	cleanup_free char *olddir = wpar_path_statedir("old1");
	cleanup_free char *newdir = wpar_path_statedir("new1");
	assert_false(path_exists(olddir));
	assert_true(path_exists(newdir));
	struct wpar_state_record rec;
	assert_int_equal(wpar_state_read("new1", &rec, &err), 0);
	assert_string_equal(rec.op, "rename-test");

	cleanup_spec struct wpar_spec *back = NULL;
	assert_int_equal(wpar_store_load("new1", &back, &err), 0);
	assert_string_equal(back->general.name, "new1");
	expect_missing("old1");

	/* A WPAR without a state directory renames too. */
	cleanup_spec struct wpar_spec *t = make_spec("plain", "/wpars/plain");
	save_ok(t);
	assert_int_equal(wpar_spec_set(t, WPAR_ST_GENERAL, 0, "name", "plain2", &err), 0);
	save_ok(t);
	assert_int_equal(wpar_store_rename("plain", "plain2", &err), 0);
	assert_false(wpar_store_exists("plain"));

	wpar_store_remove("new1", NULL);
	wpar_store_remove("plain2", NULL);
}

static void test_find_directory(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *a = make_spec("da", "/wpars/shared");
	cleanup_spec struct wpar_spec *b = make_spec("db", "/wpars/db");
	save_ok(a);
	save_ok(b);
	cleanup_error wpar_error_t err = NULL;
	cleanup_free char *f1 = wpar_store_find_directory("/wpars/shared", NULL, &err);
	assert_non_null(f1);
	assert_string_equal(f1, "da");
	cleanup_free char *f2 = wpar_store_find_directory("/wpars/shared", "da", &err);
	assert_null(f2);
	cleanup_free char *f3 = wpar_store_find_directory("/wpars/none", NULL, &err);
	assert_null(f3);
	assert_null(err);
	wpar_store_remove("da", NULL);
	wpar_store_remove("db", NULL);
}

/* ---- locks ---------------------------------------------------------------- */

/* In a child: tries the NOWAIT lock and reports through the exit status:
 * 0 = refused with EBUSY, 1 = acquired, 2 = failed otherwise. */
static int child_try_lock(const char *name)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct wpar_lock *l = NULL;
		wpar_error_t err = NULL;
		int code;
		if (wpar_lock_acquire(name, WPAR_LOCK_NOWAIT, &l, &err) == 0)
			code = 1;
		else if (err && err->status == EBUSY && strstr(err->msg, name) && l == NULL)
			code = 0;
		else
			code = 2;
		if (code == 0 && !wpar_lock_is_held(name))
			code = 3;
		_exit(code);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_lock_nowait(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	assert_false(wpar_lock_is_held("lk1"));
	struct wpar_lock *lock = NULL;
	assert_int_equal(wpar_lock_acquire("lk1", WPAR_LOCK_NOWAIT, &lock, &err), 0);
	assert_non_null(lock);
	assert_true(wpar_lock_is_held("lk1"));
	assert_false(wpar_lock_is_held("lk2"));

	/* Another process is refused with EBUSY while we hold it. */
	assert_int_equal(child_try_lock("lk1"), 0);
	/* So is a second acquisition in this process. */
	struct wpar_lock *again = NULL;
	assert_int_equal(wpar_lock_acquire("lk1", WPAR_LOCK_NOWAIT, &again, &err), -1);
	assert_int_equal(err->status, EBUSY);
	assert_non_null(strstr(err->msg, "workload partition lk1"));
	assert_null(again);
	wpar_error_release(&err);
	/* Other WPARs are not affected. */
	assert_int_equal(child_try_lock("lk2"), 1);

	wpar_lock_release(lock);
	assert_false(wpar_lock_is_held("lk1"));
	assert_int_equal(child_try_lock("lk1"), 1);

	/* The lock file lives in the run directory, private to root. */
	cleanup_free char *lp = wpar_path_lock("lk1");
	struct stat st;
	assert_int_equal(stat(lp, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	wpar_lock_release(NULL);
}

/* A lock dies with its holder: a WAIT acquisition gets it once the child
 * holding it exits. */
static void test_lock_wait_and_holder_death(void **state UNUSED)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		struct wpar_lock *l = NULL;
		if (wpar_lock_acquire("lk3", WPAR_LOCK_WAIT, &l, NULL) < 0)
			_exit(2);
		if (write(ready[1], "x", 1) != 1)
			_exit(2);
		usleep(200 * 1000);
		_exit(0); /* no release: the kernel drops the lock */
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_true(wpar_lock_is_held("lk3"));
	cleanup_error wpar_error_t err = NULL;
	struct wpar_lock *lock = NULL;
	assert_int_equal(wpar_lock_acquire("lk3", WPAR_LOCK_NOWAIT, &lock, &err), -1);
	assert_int_equal(err->status, EBUSY);
	wpar_error_release(&err);
	assert_int_equal(wpar_lock_acquire("lk3", WPAR_LOCK_WAIT, &lock, &err), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(wpar_lock_is_held("lk3"));
	wpar_lock_release(lock);
	assert_false(wpar_lock_is_held("lk3"));

	/* The registry lock is an ordinary lock too. */
	struct wpar_lock *reg = NULL;
	assert_int_equal(wpar_registry_lock(&reg, &err), 0);
	assert_non_null(reg);
	wpar_lock_release(reg);
}

/* ---- state records ----------------------------------------------------------- */

static void test_state_words(void **state UNUSED)
{
	assert_string_equal(wpar_state_word(WPAR_DEFINED), "Defined");
	assert_string_equal(wpar_state_word(WPAR_ACTIVE), "Active");
	assert_string_equal(wpar_state_word(WPAR_BROKEN), "Broken");
	assert_string_equal(wpar_state_word(WPAR_TRANSITIONAL), "Transitional");
	assert_string_equal(wpar_state_word(WPAR_LOADED), "Loaded");
	assert_string_equal(wpar_state_word(WPAR_FROZEN), "Frozen");
	assert_string_equal(wpar_state_word(WPAR_PAUSED), "Paused");
	assert_string_equal(wpar_state_word(WPAR_MOVING), "Moving");
	assert_string_equal(wpar_state_word((enum wpar_state)'Z'), "Unknown");
	static const char letters[] = "DTABLFPM";
	for (const char *p = letters; *p; p++)
		assert_int_equal(wpar_state_from_letter(*p), *p);
	assert_int_equal(wpar_state_from_letter('Z'), -1);
	assert_int_equal(wpar_state_from_letter('d'), -1);
	assert_int_equal(wpar_state_from_letter('\0'), -1);
}

static void test_state_records(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	struct wpar_state_record rec;
	/* No record reads as Defined. */
	assert_int_equal(wpar_state_read("st1", &rec, &err), 0);
	assert_int_equal(rec.state, WPAR_DEFINED);
	assert_string_equal(rec.op, "");
	assert_int_equal(rec.pid, 0);
	assert_int_equal(wpar_state_effective("st1", NULL), WPAR_DEFINED);

	struct wpar_state_record w = {.state = WPAR_BROKEN, .pid = 4242};
	snprintf(w.op, sizeof(w.op), "start");
	snprintf(w.reason, sizeof(w.reason), "mount of /var failed: No such device");
	assert_int_equal(wpar_state_write("st1", &w, &err), 0);
	assert_int_equal(wpar_state_read("st1", &rec, &err), 0);
	assert_int_equal(rec.state, WPAR_BROKEN);
	assert_string_equal(rec.op, "start");
	assert_int_equal(rec.pid, 4242);
	assert_string_equal(rec.reason, "mount of /var failed: No such device");
	assert_int_equal(wpar_state_effective("st1", &rec), WPAR_BROKEN);

	/* A reason with a newline (an error message quoting a command's
	 * output) cannot forge another key: a Broken record stays Broken. */
	snprintf(w.reason, sizeof(w.reason), "mount failed\nstate=A\npid=1");
	assert_int_equal(wpar_state_write("st1", &w, &err), 0);
	assert_int_equal(wpar_state_read("st1", &rec, &err), 0);
	assert_int_equal(rec.state, WPAR_BROKEN);
	assert_int_equal(rec.pid, 4242);
	assert_string_equal(rec.reason, "mount failed");

	assert_int_equal(wpar_state_set("st1", WPAR_ACTIVE, NULL, &err), 0);
	assert_int_equal(wpar_state_read("st1", &rec, &err), 0);
	assert_int_equal(rec.state, WPAR_ACTIVE);
	assert_int_equal(rec.pid, getpid());
	assert_string_equal(rec.op, "");
	assert_string_equal(rec.reason, "");
	/* Active with no monitor holding its lock: the monitor died. */
	assert_int_equal(wpar_state_effective("st1", NULL), WPAR_BROKEN);
	{
		cleanup_free char *rdir = wpar_runtime_dir("st1");
		assert_int_equal(mkdir_p(rdir, 0700, &err), 0);
		cleanup_free char *lk = wpar_runtime_path("st1", "monitor.lock");
		int lfd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		assert_true(lfd >= 0);
		pid_t holder = fork();
		if (holder == 0) {
			flock(lfd, LOCK_EX);
			pause();
			_exit(0);
		}
		/* Until the holder has the lock, the state may read B. */
		for (int i = 0; i < 200 && !wpar_monitor_alive("st1"); i++)
			usleep(5000);
		assert_int_equal(wpar_state_effective("st1", NULL), WPAR_ACTIVE);
		/* A record from another boot describes nothing that exists. */
		struct wpar_state_record old = {.state = WPAR_ACTIVE};
		snprintf(old.boot_id, sizeof(old.boot_id), "00000000-0000-0000-0000-000000000000");
		assert_int_equal(wpar_state_write("st1", &old, &err), 0);
		assert_int_equal(wpar_state_effective("st1", NULL), WPAR_DEFINED);
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
		close(lfd);
		assert_int_equal(wpar_state_set("st1", WPAR_ACTIVE, NULL, &err), 0);
	}

	/* The record file: key=value lines. */
	cleanup_free char *path = wpar_path_state("st1");
	cleanup_free char *text = NULL;
	assert_int_equal(read_file(path, &text, NULL, &err), 0);
	cleanup_free char *want = xasprintf("state=A\npid=%d\n", (int)getpid());
	assert_string_equal(text, want);

	/* Unknown keys and letters are ignored. */
	assert_int_equal(write_file_atomic(path, "state=Q\nfuture=1\nop=x\n", 22, 0644, &err), 0);
	assert_int_equal(wpar_state_read("st1", &rec, &err), 0);
	assert_int_equal(rec.state, WPAR_DEFINED);
	assert_string_equal(rec.op, "x");

	wpar_store_remove("st1", NULL);
}

static void test_state_transitional(void **state UNUSED)
{
	cleanup_error wpar_error_t err = NULL;
	struct wpar_state_record rec;
	assert_int_equal(wpar_state_set("tr1", WPAR_TRANSITIONAL, "create", &err), 0);
	assert_int_equal(wpar_state_read("tr1", &rec, &err), 0);
	assert_int_equal(rec.state, WPAR_TRANSITIONAL);

	/* Nobody holds the lock: the command died half-way. */
	assert_int_equal(wpar_state_effective("tr1", &rec), WPAR_BROKEN);
	assert_non_null(strstr(rec.reason, "create"));
	assert_non_null(strstr(rec.reason, "interrupted"));
	assert_int_equal(wpar_state_effective("tr1", NULL), WPAR_BROKEN);

	/* A holder makes it really Transitional. */
	struct wpar_lock *lock = NULL;
	assert_int_equal(wpar_lock_acquire("tr1", WPAR_LOCK_NOWAIT, &lock, &err), 0);
	assert_int_equal(wpar_state_effective("tr1", &rec), WPAR_TRANSITIONAL);
	assert_int_equal(wpar_state_effective("tr1", NULL), WPAR_TRANSITIONAL);
	/* Also for another process looking. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(wpar_state_effective("tr1", NULL) == WPAR_TRANSITIONAL ? 0 : 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	wpar_lock_release(lock);
	assert_int_equal(wpar_state_effective("tr1", NULL), WPAR_BROKEN);

	/* A recorded reason is kept. */
	struct wpar_state_record w = {.state = WPAR_TRANSITIONAL};
	snprintf(w.reason, sizeof(w.reason), "stopping");
	assert_int_equal(wpar_state_write("tr1", &w, &err), 0);
	assert_int_equal(wpar_state_effective("tr1", &rec), WPAR_BROKEN);
	assert_string_equal(rec.reason, "stopping");
	/* Without an op the message still reads well. */
	w.reason[0] = '\0';
	assert_int_equal(wpar_state_write("tr1", &w, &err), 0);
	assert_int_equal(wpar_state_effective("tr1", &rec), WPAR_BROKEN);
	assert_non_null(strstr(rec.reason, "interrupted"));

	wpar_store_remove("tr1", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_save_load),
	    cmocka_unit_test(test_load_missing),
	    cmocka_unit_test(test_load_bad_files),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_remove),
	    cmocka_unit_test(test_rename),
	    cmocka_unit_test(test_find_directory),
	    cmocka_unit_test(test_lock_nowait),
	    cmocka_unit_test(test_lock_wait_and_holder_death),
	    cmocka_unit_test(test_state_words),
	    cmocka_unit_test(test_state_records),
	    cmocka_unit_test(test_state_transitional),
	};
	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
