/* The fresh /etc of a system WPAR, built from a fake host /etc so every
 * rule (which accounts stay, which files are left out, what is written)
 * is checked against known input.  Everything lives below one mkdtemp
 * directory that the group teardown removes. */
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

#include "identity.h"
#include "rootfs.h"
#include "util.h"

static char *tmpdir;
static char *host_etc;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void put(const char *rel, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", host_etc, rel);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	wpar_error_t err = NULL;
	assert_int_equal(mkdir_p(dir, 0755, &err), 0);
	assert_int_equal(write_file_atomic(path, text, strlen(text), mode, &err), 0);
	free(path);
	free(dir);
}

/* A host with regular users (alice, bob), a system user with a password
 * and every kind of file that must not reach a WPAR. */
static void make_host_etc(void)
{
	put("passwd",
	    "root:x:0:0:root:/root:/bin/bash\n"
	    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	    "svc:$6$old$inline:600:600:old style:/var/svc:/bin/sh\n"
	    "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
	    "bob:x:1001:1001::/home/bob:/bin/bash\n"
	    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	    "broken line without fields\n"
	    "+::::::\n",
	    0644);
	put("group",
	    "root:x:0:\n"
	    "daemon:x:1:\n"
	    "sudo:x:27:alice,daemon,bob\n"
	    "shadow:x:42:\n"
	    "users:x:100:alice,bob\n"
	    "svc:x:600:svc\n"
	    "alice:x:1000:\n"
	    "nogroup:x:65534:\n",
	    0644);
	put("shadow",
	    "root:$6$hostsalt$roothash:19000:0:99999:7:::\n"
	    "daemon:*:19000:0:99999:7:::\n"
	    "svc:$6$svc$hash:19000:0:99999:7:::\n"
	    "alice:$6$alice$hash:19000:0:99999:7:::\n"
	    "bob:!:19000:0:99999:7:::\n",
	    0640);
	put("gshadow",
	    "root:*::\n"
	    "sudo:*:alice:alice,daemon\n"
	    "shadow:*::\n"
	    "users:$6$grp$hash::alice,bob\n"
	    "alice:!::\n",
	    0640);
	put("login.defs", "# comment\nUID_MIN\t1000\nGID_MIN 1000\n", 0644);
	put("ssh/ssh_host_rsa_key", "PRIVATE\n", 0600);
	put("ssh/ssh_host_rsa_key.pub", "PUBLIC\n", 0644);
	put("ssh/sshd_config", "Port 22\n", 0644);
	put("wpars/w1.cf", "general:\n", 0644);
	put("wpar-conf/devexports", "x\n", 0644);
	put("ssl/private/server.key", "KEY\n", 0600);
	put("ssl/certs/ca.pem", "CERT\n", 0644);
	put("krb5.keytab", "KT\n", 0600);
	put("NetworkManager/system-connections/wifi.nmconnection", "psk\n", 0600);
	put("security/opasswd", "alice:1000:1:$6$x\n", 0600);
	put("security/limits.conf", "# limits\n", 0644);
	put("passwd-", "alice:x:1000:1000::/:/bin/sh\n", 0644);
	put("shadow-", "alice:$6$x:1::::::\n", 0640);
	put("subuid", "alice:100000:65536\n", 0644);
	put(".pwd.lock", "", 0600);
	put("machine-id", "0123456789abcdef0123456789abcdef\n", 0444);
	put("hostname", "thehost\n", 0644);
	put("hosts", "127.0.0.1 localhost\n10.0.0.1 thehost\n", 0644);
	put("real-resolv.conf", "nameserver 10.0.0.53\n", 0644);
	put("nsswitch.conf", "hosts: files mdns dns\n", 0644);
	put("fstab", "/dev/sda1 / ext4 defaults 0 1\n", 0644);
	put("skel/.bashrc", "# bashrc\n", 0644);
	put("apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n", 0644);
	char *link = xasprintf("%s/resolv.conf", host_etc);
	assert_int_equal(symlink("real-resolv.conf", link), 0);
	free(link);
	link = xasprintf("%s/mtab", host_etc);
	assert_int_equal(symlink("/proc/mounts", link), 0);
	free(link);
	/* shadow is root:shadow on Debian; gid 42 here as there. */
	char *shadow = xasprintf("%s/shadow", host_etc);
	assert_int_equal(chown(shadow, 0, 42), 0);
	free(shadow);
}

static int group_setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/wpar-test-identity-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		return -1;
	tmpdir = strdup(tmpl);
	host_etc = xasprintf("%s/hostetc", tmpdir);
	/* The configuration directory moved below the host's /etc: it must
	 * be left out like /etc/wpars. */
	char *conf = xasprintf("%s/wpar-conf", host_etc);
	setenv("WPAR_CONFDIR", conf, 1);
	char *state_dir = xasprintf("%s/state", tmpdir);
	setenv("WPAR_STATEDIR", state_dir, 1);
	free(conf);
	free(state_dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	free(tmpdir);
	free(host_etc);
	return 0;
}

static char *etc_path(const char *etc, const char *rel)
{
	return xasprintf("%s/%s", etc, rel);
}

static char *slurp(const char *etc, const char *rel)
{
	char *path = etc_path(etc, rel), *text = NULL;
	wpar_error_t err = NULL;
	if (read_file(path, &text, NULL, &err) < 0)
		fail_msg("%s", err->msg);
	free(path);
	return text;
}

static bool exists(const char *etc, const char *rel)
{
	char *path = etc_path(etc, rel);
	bool r = path_exists(path);
	free(path);
	return r;
}

/* Builds a WPAR /etc in a new directory. */
static char *make_etc(const char *name, const struct wpar_identity_opts *o)
{
	static bool host_ready;
	if (!host_ready) {
		make_host_etc();
		host_ready = true;
	}
	char *etc = xasprintf("%s/%s", tmpdir, name);
	wpar_error_t err = NULL;
	assert_int_equal(mkdir_p(etc, 0755, &err), 0);
	if (wpar_identity_make_etc(host_etc, etc, o, &err) < 0)
		fail_msg("%s", err->msg);
	return etc;
}

static void test_excluded(void **state)
{
	(void)state;
	static const char *const out[] = {"wpars",
					  "ssh/ssh_host_ed25519_key",
					  "ssh/ssh_host_rsa_key.pub",
					  "passwd-",
					  "gshadow-",
					  "subgid-",
					  "security/opasswd",
					  "ssl/private/x.key",
					  "krb5.keytab",
					  "NetworkManager/system-connections/a",
					  "machine-id",
					  ".pwd.lock",
					  "mtab",
					  "hostname",
					  "resolv.conf",
					  "gai.conf"};
	static const char *const in[] = {
	    "ssh/sshd_config", "ssl/private",    "security/limits.conf",
	    "passwd.orig",     "NetworkManager", "hosts.allow",
	    "skel/.bashrc",    "wparsx",         "default/wpars"};
	for (size_t i = 0; i < ARRAY_SIZE(out); i++)
		if (!wpar_identity_excluded(out[i]))
			fail_msg("%s should be excluded", out[i]);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		if (wpar_identity_excluded(in[i]))
			fail_msg("%s should be copied", in[i]);
}

static void test_accounts(void **state)
{
	(void)state;
	struct wpar_identity_opts o = {.hostname = "w1"};
	char *etc = make_etc("etc-accounts", &o);

	char *passwd = slurp(etc, "passwd");
	assert_string_equal(passwd, "root:x:0:0:root:/root:/bin/bash\n"
				    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				    "svc:x:600:600:old style:/var/svc:/bin/sh\n"
				    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
	char *group = slurp(etc, "group");
	assert_string_equal(group, "root:x:0:\n"
				   "daemon:x:1:\n"
				   "sudo:x:27:daemon\n"
				   "shadow:x:42:\n"
				   "users:x:100:\n"
				   "svc:x:600:svc\n"
				   "nogroup:x:65534:\n");
	char *shadow = slurp(etc, "shadow");
	static const char kept[] = "root:!:19000:0:99999:7:::\n"
				   "daemon:*:19000:0:99999:7:::\n"
				   "svc:*:19000:0:99999:7:::\n"
				   "nobody:*:";
	assert_int_equal(strncmp(shadow, kept, strlen(kept)), 0);
	/* nobody had no host entry: it gets today and default ageing */
	assert_non_null(strstr(shadow + strlen(kept), ":0:99999:7:::\n"));
	assert_null(strstr(shadow, "$"));
	char *gshadow = slurp(etc, "gshadow");
	assert_string_equal(gshadow, "root:*::\n"
				     "sudo:*::daemon\n"
				     "shadow:*::\n"
				     "users:*::\n");
	char *subuid = slurp(etc, "subuid");
	assert_string_equal(subuid, "");

	struct stat st;
	char *path = etc_path(etc, "shadow");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_gid, 42);
	free(path);
	free(passwd), free(group), free(shadow), free(gshadow), free(subuid);
	free(etc);
}

static void test_left_out(void **state)
{
	(void)state;
	struct wpar_identity_opts o = {.hostname = "w2.example.com"};
	char *etc = make_etc("etc-left-out", &o);
	static const char *const gone[] = {"ssh/ssh_host_rsa_key",
					   "ssh/ssh_host_rsa_key.pub",
					   "wpars",
					   "wpar-conf",
					   "ssl/private/server.key",
					   "krb5.keytab",
					   "NetworkManager/system-connections/wifi.nmconnection",
					   "security/opasswd",
					   "passwd-",
					   "shadow-",
					   ".pwd.lock"};
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++)
		if (exists(etc, gone[i]))
			fail_msg("%s was copied", gone[i]);
	static const char *const kept[] = {
	    "ssh/sshd_config",  "ssl/certs/ca.pem", "ssl/private", "security/limits.conf",
	    "apt/sources.list", "skel/.bashrc",     "login.defs"};
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
		if (!exists(etc, kept[i]))
			fail_msg("%s is missing", kept[i]);
	free(etc);
}

static void test_identity_files(void **state)
{
	(void)state;
	struct wpar_identity_opts o = {.hostname = "w3.example.com"};
	char *etc = make_etc("etc-identity", &o);

	char *id = slurp(etc, "machine-id");
	assert_int_equal(strlen(id), 33);
	assert_int_equal(strspn(id, "0123456789abcdef"), 32);
	assert_string_not_equal(id, "0123456789abcdef0123456789abcdef\n");
	char *hostname = slurp(etc, "hostname");
	assert_string_equal(hostname, "w3.example.com\n");
	char *hosts = slurp(etc, "hosts");
	assert_non_null(strstr(hosts, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(hosts, "127.0.1.1\tw3.example.com w3\n"));
	assert_non_null(strstr(hosts, "::1\tlocalhost"));
	assert_null(strstr(hosts, "thehost"));
	char *resolv = slurp(etc, "resolv.conf");
	assert_string_equal(resolv, "");
	char *nss = slurp(etc, "nsswitch.conf");
	assert_non_null(strstr(nss, "passwd:         files\n"));
	assert_non_null(strstr(nss, "hosts:          files dns\n"));
	char *fstab = slurp(etc, "fstab");
	assert_null(strstr(fstab, "/dev/sda1"));
	assert_int_equal(fstab[0], '#');

	char buf[64];
	char *mtab = etc_path(etc, "mtab");
	ssize_t n = readlink(mtab, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "../proc/self/mounts");
	free(id), free(hostname), free(hosts), free(resolv), free(nss);
	free(fstab), free(mtab), free(etc);
}

static void test_copy_nameres(void **state)
{
	(void)state;
	struct wpar_identity_opts o = {.hostname = "w4", .copy_nameres = true};
	char *etc = make_etc("etc-nameres", &o);
	/* The host's resolv.conf is a symlink: its content is copied. */
	char *path = etc_path(etc, "resolv.conf");
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	char *resolv = slurp(etc, "resolv.conf");
	assert_string_equal(resolv, "nameserver 10.0.0.53\n");
	char *hosts = slurp(etc, "hosts");
	assert_string_equal(hosts, "127.0.0.1 localhost\n10.0.0.1 thehost\n");
	char *nss = slurp(etc, "nsswitch.conf");
	assert_string_equal(nss, "hosts: files mdns dns\n");
	/* gai.conf does not exist on the fake host: still absent. */
	assert_false(exists(etc, "gai.conf"));
	free(path), free(resolv), free(hosts), free(nss), free(etc);
}

static void test_root_password(void **state)
{
	(void)state;
	struct wpar_identity_opts o = {.hostname = "w5", .root_password_hash = "$6$new$hash"};
	char *etc = make_etc("w5root/etc", &o);
	char *shadow = slurp(etc, "shadow");
	assert_int_equal(strncmp(shadow, "root:$6$new$hash:", 17), 0);
	assert_null(strstr(shadow, "hostsalt"));
	free(shadow);

	/* Changing it later keeps the other entries and the file's owner. */
	char *root = xasprintf("%s/w5root", tmpdir);
	wpar_error_t err = NULL;
	assert_int_equal(wpar_rootfs_set_root_password(root, "$6$other$x", &err), 0);
	shadow = slurp(etc, "shadow");
	assert_int_equal(strncmp(shadow, "root:$6$other$x:", 16), 0);
	assert_non_null(strstr(shadow, "\ndaemon:*:19000:"));
	struct stat st;
	char *path = etc_path(etc, "shadow");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_gid, 42);
	assert_int_equal(st.st_mode & 07777, 0640);

	assert_int_equal(wpar_rootfs_set_root_password(root, "a:b", &err), -1);
	wpar_error_release(&err);
	assert_int_equal(wpar_rootfs_set_root_password(root, "", &err), -1);
	wpar_error_release(&err);
	free(shadow), free(path), free(root), free(etc);
}

static void test_machine_id(void **state)
{
	(void)state;
	char a[33], b[33];
	wpar_error_t err = NULL;
	assert_int_equal(wpar_machine_id_new(a, &err), 0);
	assert_int_equal(wpar_machine_id_new(b, &err), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_excluded),     cmocka_unit_test(test_accounts),
	    cmocka_unit_test(test_left_out),     cmocka_unit_test(test_identity_files),
	    cmocka_unit_test(test_copy_nameres), cmocka_unit_test(test_root_password),
	    cmocka_unit_test(test_machine_id),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
