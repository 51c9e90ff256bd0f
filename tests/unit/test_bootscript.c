/* The generated boot and shutdown scripts: where and how they are written,
 * that sh accepts them, that they follow what the host has installed, and
 * that a link planted in the WPAR root never leads a write outside it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootscript.h"
#include "util.h"

static char tmpdir[64];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static int setup(void **state)
{
	strcpy(tmpdir, "/tmp/wpar-bootscript-test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static char *path_in(const char *rel)
{
	return xasprintf("%s/%s", tmpdir, rel);
}

static void make_dirs(const char *rel)
{
	cleanup_free char *p = path_in(rel);
	wpar_error_t err = NULL;
	assert_int_equal(mkdir_p(p, 0755, &err), 0);
}

static int sh_n(const char *path)
{
	cleanup_free char *cmd = xasprintf("sh -n '%s'", path);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_install_writes_both_scripts(void **state)
{
	make_dirs("root/etc");
	cleanup_free char *root = path_in("root");
	wpar_error_t err = NULL;
	assert_int_equal(wpar_bootscript_install(root, &err), 0);
	assert_null(err);
	static const char *const scripts[] = {"root/etc/wpar/rc.boot", "root/etc/wpar/rc.shutdown"};
	for (size_t i = 0; i < ARRAY_SIZE(scripts); i++) {
		cleanup_free char *p = path_in(scripts[i]);
		struct stat st;
		assert_int_equal(lstat(p, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0755);
		assert_int_equal(sh_n(p), 0);
		cleanup_free char *text = NULL;
		assert_int_equal(read_file(p, &text, NULL, &err), 0);
		assert_int_equal(strncmp(text, "#!/bin/sh\n", 10), 0);
		assert_non_null(strstr(text, "/var/log/wpar-boot.log"));
		assert_non_null(strstr(text, "/etc/wpar/rc.d/*"));
		/* Generated for this host: sshd only where it is installed. */
		bool has_sshd = access("/usr/sbin/sshd", X_OK) == 0;
		assert_int_equal(strstr(text, "sshd") != NULL, has_sshd);
		bool has_cron = access("/usr/sbin/cron", X_OK) == 0;
		assert_int_equal(strstr(text, "/usr/sbin/cron") != NULL, has_cron);
	}
	cleanup_free char *hooks = path_in("root/etc/wpar/rc.d");
	struct stat st;
	assert_int_equal(lstat(hooks, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Installing again replaces the scripts. */
	assert_int_equal(wpar_bootscript_install(root, &err), 0);
}

/* Both branches, whatever this host has: a fake host root with or without
 * the daemons. */
static void test_text_follows_the_host(void **state)
{
	make_dirs("host-bare/usr/sbin");
	make_dirs("host-full/usr/sbin");
	static const char *const progs[] = {"host-full/usr/sbin/sshd", "host-full/usr/sbin/cron"};
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		cleanup_free char *p = path_in(progs[i]);
		wpar_error_t err = NULL;
		assert_int_equal(write_file_atomic(p, "#!/bin/sh\n", 10, 0755, &err), 0);
	}
	cleanup_free char *bare = path_in("host-bare");
	cleanup_free char *full = path_in("host-full");

	cleanup_free char *boot = wpar_bootscript_boot_text(bare);
	cleanup_free char *down = wpar_bootscript_shutdown_text(bare);
	assert_null(strstr(boot, "sshd"));
	assert_null(strstr(boot, "cron"));
	assert_null(strstr(down, "sshd"));
	assert_null(strstr(down, "cron"));

	cleanup_free char *fboot = wpar_bootscript_boot_text(full);
	cleanup_free char *fdown = wpar_bootscript_shutdown_text(full);
	assert_non_null(strstr(fboot, "start sshd /usr/sbin/sshd"));
	assert_non_null(strstr(fboot, "start cron /usr/sbin/cron"));
	assert_non_null(strstr(fboot, "mkdir -p /run/sshd"));
	assert_non_null(strstr(fboot, "ssh-keygen -A"));
	/* cron before sshd at boot, the reverse at shutdown. */
	assert_true(strstr(fboot, "start cron") < strstr(fboot, "start sshd"));
	char *s = strstr(fdown, "stop sshd /run/sshd.pid"), *c = strstr(fdown, "stop cron");
	assert_non_null(s);
	assert_non_null(c);
	assert_true(s < c);

	/* The texts are valid sh. */
	const char *texts[] = {boot, down, fboot, fdown};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		cleanup_free char *p = path_in("script.sh");
		wpar_error_t err = NULL;
		assert_int_equal(write_file_atomic(p, texts[i], strlen(texts[i]), 0755, &err), 0);
		assert_int_equal(sh_n(p), 0);
	}
}

/* The scripts run: hooks in name order with "start", in reverse with
 * "stop", leftovers of editors skipped, the log written.  They run here on
 * the host, with their WPAR paths pointed into the temporary directory. */
static void test_hooks_run_in_order(void **state)
{
	make_dirs("run/etc/wpar/rc.d");
	make_dirs("run/var/log");
	cleanup_free char *base = path_in("run");
	static const char *const hooks[] = {"20second", "10first", "30third~"};
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++) {
		cleanup_free char *rel = xasprintf("run/etc/wpar/rc.d/%s", hooks[i]);
		cleanup_free char *p = path_in(rel);
		cleanup_free char *text =
		    xasprintf("#!/bin/sh\necho \"%s $1\" >> '%s/order'\n", hooks[i], base);
		wpar_error_t err = NULL;
		assert_int_equal(write_file_atomic(p, text, strlen(text), 0755, &err), 0);
	}
	cleanup_free char *bare = path_in("host-none");
	for (size_t i = 0; i < 2; i++) {
		cleanup_free char *text =
		    i == 0 ? wpar_bootscript_boot_text(bare) : wpar_bootscript_shutdown_text(bare);
		/* Point the script's absolute paths into the test's tree. */
		struct strbuf sb = {0};
		for (const char *t = text; *t;) {
			const char *hit = NULL, *repl = NULL;
			const char *a = strstr(t, "/etc/wpar/rc.d"), *b = strstr(t, "/var/log");
			if (a && (!b || a < b))
				hit = a, repl = "/etc/wpar/rc.d";
			else if (b)
				hit = b, repl = "/var/log";
			if (hit == NULL) {
				strbuf_puts(&sb, t);
				break;
			}
			strbuf_add(&sb, t, (size_t)(hit - t));
			strbuf_printf(&sb, "%s%s", base, repl);
			t = hit + strlen(repl);
		}
		cleanup_free char *script = strbuf_steal(&sb);
		cleanup_free char *p = path_in("script.sh");
		wpar_error_t err = NULL;
		assert_int_equal(write_file_atomic(p, script, strlen(script), 0755, &err), 0);
		cleanup_free char *cmd = xasprintf("'%s' %s", p, i == 0 ? "" : "reboot");
		assert_int_equal(system(cmd), 0);
	}
	cleanup_free char *order_path = path_in("run/order");
	cleanup_free char *order = NULL;
	wpar_error_t err = NULL;
	assert_int_equal(read_file(order_path, &order, NULL, &err), 0);
	assert_string_equal(order, "10first start\n20second start\n20second stop\n10first stop\n");
	cleanup_free char *log_path = path_in("run/var/log/wpar-boot.log");
	cleanup_free char *log = NULL;
	assert_int_equal(read_file(log_path, &log, NULL, &err), 0);
	assert_non_null(strstr(log, "rc.boot: boot finished"));
	assert_non_null(strstr(log, "rc.shutdown: shutting down workload partition"));
	assert_non_null(strstr(log, "(reboot)"));
}

/* A WPAR's root user planted etc/wpar -> /tmp/...: refused, and nothing
 * appears at the link's target. */
static void test_planted_link_is_not_followed(void **state)
{
	make_dirs("evil/etc");
	make_dirs("elsewhere");
	cleanup_free char *link = path_in("evil/etc/wpar");
	cleanup_free char *target = path_in("elsewhere");
	assert_int_equal(symlink(target, link), 0);
	cleanup_free char *root = path_in("evil");
	wpar_error_t err = NULL;
	assert_true(wpar_bootscript_install(root, &err) < 0);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "boot scripts"));
	wpar_error_release(&err);
	cleanup_free char *outside1 = path_in("elsewhere/rc.boot");
	cleanup_free char *outside2 = path_in("elsewhere/rc.shutdown");
	cleanup_free char *outside3 = path_in("elsewhere/rc.d");
	assert_int_equal(access(outside1, F_OK), -1);
	assert_int_equal(access(outside2, F_OK), -1);
	assert_int_equal(access(outside3, F_OK), -1);

	/* A link in place of a script is replaced, not written through. */
	make_dirs("evil2/etc/wpar");
	cleanup_free char *victim = path_in("victim");
	assert_int_equal(write_file_atomic(victim, "keep\n", 5, 0644, &err), 0);
	cleanup_free char *script = path_in("evil2/etc/wpar/rc.boot");
	assert_int_equal(symlink(victim, script), 0);
	cleanup_free char *root2 = path_in("evil2");
	assert_int_equal(wpar_bootscript_install(root2, &err), 0);
	cleanup_free char *kept = NULL;
	assert_int_equal(read_file(victim, &kept, NULL, &err), 0);
	assert_string_equal(kept, "keep\n");
	struct stat st;
	assert_int_equal(lstat(script, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_install_writes_both_scripts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_follows_the_host, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hooks_run_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_planted_link_is_not_followed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
