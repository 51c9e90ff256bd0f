/* A WPAR's file systems: the plan, population of a real root from this
 * host, images on loop devices, copying and safe removal.  Runs as root;
 * everything lives below one mkdtemp directory, which the teardowns
 * unmount and remove even when a test fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "copytree.h"
#include "fsimage.h"
#include "rootfs.h"
#include "spec.h"
#include "util.h"

static char *tmpdir;
static char *rootsdir; /* tmpdir/wpars, a tmpfs */

/* ------------------------------------------------------------------ */
/* Cleanup that does not rely on the code under test                    */

/* Unmounts everything mounted below `dir` except `keep` (may be NULL),
 * deepest first. */
static void unmount_below(const char *dir, const char *keep)
{
	for (int pass = 0; pass < 16; pass++) {
		FILE *f = fopen("/proc/self/mountinfo", "re");
		if (f == NULL)
			return;
		char line[4096], *last = NULL;
		while (fgets(line, sizeof(line), f)) {
			char mp[4096];
			if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
			    strncmp(mp, dir, strlen(dir)) == 0 &&
			    !(keep && strcmp(mp, keep) == 0)) {
				free(last);
				last = strdup(mp);
			}
		}
		fclose(f);
		if (last == NULL)
			return;
		umount2(last, MNT_DETACH);
		free(last);
	}
}

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

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static char *tmp_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *tmp_path(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *rel = NULL;
	assert_true(vasprintf(&rel, fmt, ap) >= 0);
	va_end(ap);
	char *p = xasprintf("%s/%s", tmpdir, rel);
	free(rel);
	return p;
}

static int group_setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/wpar-test-rootfs-XXXXXX";
	if (mkdtemp(tmpl) == NULL)
		return -1;
	tmpdir = strdup(tmpl);
	static const char *const vars[] = {"WPAR_CONFDIR", "WPAR_STATEDIR", "WPAR_RUNDIR",
					   "WPAR_BASEDIR", "WPAR_LOGDIR"};
	static const char *const dirs[] = {"conf", "state", "run", "wpars", "log"};
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		char *p = xasprintf("%s/%s", tmpdir, dirs[i]);
		setenv(vars[i], p, 1);
		free(p);
	}
	/* WPAR roots on a tmpfs of the test's own: populating then measures
	 * this code, not how busy the host's disk is.  Images and copies
	 * stay on the disk's file system. */
	rootsdir = xasprintf("%s/wpars", tmpdir);
	if (mkdir(rootsdir, 0755) < 0 ||
	    mount("wpar-test", rootsdir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4g") < 0)
		fprintf(stderr, "note: WPAR roots on the disk (no tmpfs: %s)\n", strerror(errno));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unmount_below(tmpdir, NULL);
	rm_rf(tmpdir);
	free(tmpdir);
	free(rootsdir);
	return 0;
}

/* After each test: whatever it left mounted goes, so one failure does
 * not cascade into the next test. */
static int test_teardown(void **state)
{
	(void)state;
	unmount_below(tmpdir, rootsdir);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Specs                                                                */

static struct wpar_spec *new_spec(const char *name)
{
	struct wpar_spec *spec = wpar_spec_new();
	wpar_error_t err = NULL;
	char *root = tmp_path("wpars/%s", name);
	assert_int_equal(wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "name", name, &err), 0);
	assert_int_equal(wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "directory", root, &err), 0);
	assert_int_equal(wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "hostname", name, &err), 0);
	free(root);
	return spec;
}

/* A mount stanza set field by field, bypassing the spec validators, so
 * the plan's own checks are what is tested. */
static void raw_mount(struct wpar_spec *spec, const char *dir, const char *vfs, const char *dev,
		      const char *size)
{
	size_t i = wpar_spec_append(spec, WPAR_ST_MOUNT);
	struct wpar_mount *m = &spec->mounts[i];
	m->directory = dir ? xstrdup(dir) : NULL;
	m->vfs = vfs ? xstrdup(vfs) : NULL;
	m->dev = dev ? xstrdup(dev) : NULL;
	m->size = size ? xstrdup(size) : NULL;
}

static struct wpar_fs_plan *build_ok(const struct wpar_spec *spec)
{
	struct wpar_fs_plan *plan = NULL;
	wpar_error_t err = NULL;
	if (wpar_fs_plan_build(spec, &plan, &err) < 0)
		fail_msg("plan: %s", err->msg);
	return plan;
}

/* ------------------------------------------------------------------ */
/* Plan                                                                 */

static void test_plan_defaults(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("pd");
	assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);
	struct wpar_fs_plan *plan = build_ok(spec);

	char *root = tmp_path("wpars/pd");
	assert_string_equal(plan->root, root);
	assert_string_equal(plan->fs[0].directory, "/"); /* parents first */
	assert_string_equal(plan->fs[0].mountpoint, root);
	const struct wpar_fs *usr = wpar_fs_plan_find(plan, "/usr");
	assert_non_null(usr);
	assert_int_equal(usr->kind, WPAR_FS_BIND);
	assert_string_equal(usr->source, "/usr");
	assert_string_equal(usr->options, "ro");
	assert_false(usr->owned);
	const struct wpar_fs *opt = wpar_fs_plan_find(plan, "/opt");
	assert_int_equal(opt->kind, WPAR_FS_BIND);
	const struct wpar_fs *tmp = wpar_fs_plan_find(plan, "/tmp");
	assert_int_equal(tmp->kind, WPAR_FS_DIRECTORY);
	assert_int_equal(tmp->mode, 01777);
	assert_int_equal(wpar_fs_plan_find(plan, "/var")->mode, 0755);
	assert_non_null(wpar_fs_plan_find(plan, "/home"));
	/* This host has merged /usr: no mounts for /bin or /lib. */
	assert_null(wpar_fs_plan_find(plan, "/bin"));

	/* Idempotent: defaults never duplicate a stanza. */
	size_t n = spec->n_mounts;
	assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);
	assert_int_equal(spec->n_mounts, n);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
	free(root);
}

static void test_plan_detached(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("pl");
	assert_int_equal(wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "privateusr", "yes", &err), 0);
	assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);
	struct wpar_fs_plan *plan = build_ok(spec);
	assert_int_equal(wpar_fs_plan_find(plan, "/usr")->kind, WPAR_FS_DIRECTORY);
	assert_int_equal(wpar_fs_plan_find(plan, "/opt")->kind, WPAR_FS_DIRECTORY);
	assert_null(wpar_fs_plan_find(plan, "/usr")->source);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

/* A host with real /bin and /sbin (not merged) gets mounts for them. */
static void test_plan_unmerged_host(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	char *host = tmp_path("oldhost");
	char *bin = tmp_path("oldhost/bin"), *sbin = tmp_path("oldhost/sbin");
	char *lib = tmp_path("oldhost/lib");
	assert_int_equal(mkdir_p(bin, 0755, &err), 0);
	assert_int_equal(mkdir_p(sbin, 0755, &err), 0);
	assert_int_equal(symlink("usr/lib", lib), 0);

	struct wpar_spec *spec = new_spec("pu");
	assert_int_equal(wpar_fs_add_defaults_from(spec, host, &err), 0);
	struct wpar_mount *m = wpar_spec_find_mount(spec, "/bin");
	assert_non_null(m);
	assert_string_equal(m->vfs, "namefs");
	assert_string_equal(m->dev, "/bin");
	assert_string_equal(m->mountopts, "ro");
	assert_non_null(wpar_spec_find_mount(spec, "/sbin"));
	assert_null(wpar_spec_find_mount(spec, "/lib"));
	wpar_spec_free(spec);

	spec = new_spec("pu2");
	assert_int_equal(wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "privateusr", "yes", &err), 0);
	assert_int_equal(wpar_fs_add_defaults_from(spec, host, &err), 0);
	assert_string_equal(wpar_spec_find_mount(spec, "/bin")->vfs, "directory");
	wpar_spec_free(spec);
	free(host), free(bin), free(sbin), free(lib);
}

static void test_plan_overrides(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("po");
	char *w1[] = {"directory=/var", "vfs=jfs2", "size=512M", "mode=0750"};
	char *w2[] = {"directory=/usr/local", "vfs=ext4", "size=64M"};
	char *w3[] = {"directory=/scratch", "vfs=tmpfs", "size=10M", "mountopts=nosuid,nodev"};
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", w1, 4, &err), 0);
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", w2, 3, &err), 0);
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", w3, 4, &err), 0);
	assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);
	assert_string_equal(wpar_spec_find_mount(spec, "/var")->vfs, "jfs2");

	struct wpar_fs_plan *plan = build_ok(spec);
	const struct wpar_fs *var = wpar_fs_plan_find(plan, "/var");
	assert_int_equal(var->kind, WPAR_FS_IMAGE);
	assert_true(var->size == 512ULL << 20);
	assert_int_equal(var->mode, 0750);
	assert_true(var->owned);
	assert_string_equal(var->fstype, wpar_fs_native_type());
	char *img = tmp_path("state/wpars/po/fs/var.img");
	assert_string_equal(var->source, img);
	free(img);
	img = tmp_path("state/wpars/po/fs/usr_local.img");
	assert_string_equal(wpar_fs_plan_find(plan, "/usr/local")->source, img);
	free(img);
	const struct wpar_fs *scratch = wpar_fs_plan_find(plan, "/scratch");
	assert_int_equal(scratch->kind, WPAR_FS_TMPFS);
	assert_string_equal(scratch->options, "nosuid,nodev");
	/* /usr/local comes after /usr: parents before children. */
	size_t iusr = 0, ilocal = 0;
	for (size_t i = 0; i < plan->n; i++) {
		if (strcmp(plan->fs[i].directory, "/usr") == 0)
			iusr = i;
		if (strcmp(plan->fs[i].directory, "/usr/local") == 0)
			ilocal = i;
	}
	assert_true(iusr < ilocal);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

static void test_image_slug(void **state)
{
	(void)state;
	char *s = wpar_fs_image_slug("/");
	assert_string_equal(s, "root");
	free(s);
	s = wpar_fs_image_slug("/var");
	assert_string_equal(s, "var");
	free(s);
	s = wpar_fs_image_slug("/usr/local");
	assert_string_equal(s, "usr_local");
	free(s);
}

struct bad_layout {
	const char *dir, *vfs, *dev, *size;
	const char *message;
};

static const struct bad_layout bad_layouts[] = {
    {"/var/../../etc", "directory", NULL, NULL, "\"..\""},
    {"/./var", "directory", NULL, NULL, "\"..\""},
    {"var", "directory", NULL, NULL, "not an absolute path"},
    {"/data", "namefs", NULL, NULL, "needs dev="},
    {"/data", "namefs", "/nonexistent-wpar-test", NULL, "nonexistent-wpar-test"},
    {"/data", "namefs", "/etc/passwd", NULL, "not a directory"},
    {"/data", "zfs", NULL, NULL, "unknown vfs type \"zfs\""},
    {"/data", "jfs2", NULL, NULL, "needs size="},
    {"/data", "ext4", NULL, "8M", "at least 16M"},
    {"/data", "xfs", NULL, "100M", "at least 300M"},
    {"/data", "jfs2", NULL, "12Q", "12Q"},
    {"/data", "jfs2", "/nonexistent-wpar-img", NULL, "nonexistent-wpar-img"},
    {"/data", "directory", "/srv", NULL, "dev= is not valid"},
    {"/data", "directory", NULL, "1G", "size= is not valid"},
    {"/data", "nfs", NULL, NULL, "needs host="},
    {"/", "tmpfs", NULL, NULL, "WPAR root"},
    {"/usr/no-such-dir-wpar", "directory", NULL, NULL, "must exist"},
};

static void expect_plan_error(const struct wpar_spec *spec, const char *what, const char *message)
{
	struct wpar_fs_plan *plan = NULL;
	wpar_error_t err = NULL;
	if (wpar_fs_plan_build(spec, &plan, &err) == 0)
		fail_msg("%s: accepted", what);
	assert_null(plan);
	if (strstr(err->msg, message) == NULL)
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, err->msg, message);
	wpar_error_release(&err);
}

static void test_plan_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_layouts); i++) {
		const struct bad_layout *b = &bad_layouts[i];
		struct wpar_spec *spec = new_spec("pr");
		wpar_error_t err = NULL;
		assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);
		raw_mount(spec, b->dir, b->vfs, b->dev, b->size);
		expect_plan_error(spec, b->dir, b->message);
		wpar_spec_free(spec);
	}

	struct wpar_spec *spec = new_spec("pr");
	raw_mount(spec, "/var", "directory", NULL, NULL);
	raw_mount(spec, "/var/", "directory", NULL, NULL);
	expect_plan_error(spec, "duplicate", "two mount stanzas");
	wpar_spec_free(spec);

	/* Roots whose removal would wreck the host. */
	static const char *const roots[] = {"/", "/usr", "/etc/", "//var"};
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		spec = new_spec("pr");
		free(spec->general.directory);
		spec->general.directory = xstrdup(roots[i]);
		expect_plan_error(spec, roots[i], "cannot be the root");
		wpar_spec_free(spec);
	}
	/* The lenient plan (rmwpar -F) does not look at the host. */
	spec = new_spec("pr");
	raw_mount(spec, "/data", "namefs", "/nonexistent-wpar-test", NULL);
	struct wpar_fs_plan *plan = NULL;
	wpar_error_t err = NULL;
	assert_int_equal(wpar_fs_plan_build_flags(spec, WPAR_FS_PLAN_LENIENT, &plan, &err), 0);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

/* ------------------------------------------------------------------ */
/* Population                                                           */

static char *slurp(const char *path)
{
	char *text = NULL;
	wpar_error_t err = NULL;
	if (read_file(path, &text, NULL, &err) < 0)
		fail_msg("%s", err->msg);
	return text;
}

static void check_accounts(const char *root)
{
	char *path = xasprintf("%s/etc/passwd", root);
	char *text = slurp(path);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long uid;
		assert_int_equal(sscanf(line, "%*[^:]:%*[^:]:%lu:", &uid), 1);
		if (uid >= 1000 && uid != 65534)
			fail_msg("host user in the WPAR: %s", line);
	}
	free(text), free(path);

	path = xasprintf("%s/etc/shadow", root);
	text = slurp(path);
	assert_int_equal(strncmp(text, "root:!:", 7), 0); /* locked */
	assert_null(strstr(text, "$"));                   /* no hashes */
	assert_null(strstr(text, "cloudsdk"));
	struct stat st, host;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(stat("/etc/shadow", &host), 0);
	assert_int_equal(st.st_mode & 07777, host.st_mode & 07777);
	assert_int_equal(st.st_gid, host.st_gid);
	free(text), free(path);
}

static void check_identity(const char *root, const char *hostname)
{
	char *path = xasprintf("%s/etc/machine-id", root);
	char *id = slurp(path);
	assert_int_equal(strlen(id), 33);
	assert_int_equal(strspn(id, "0123456789abcdef"), 32);
	assert_int_equal(id[32], '\n');
	if (path_exists("/etc/machine-id")) {
		char *host = slurp("/etc/machine-id");
		assert_string_not_equal(id, host);
		free(host);
	}
	free(id), free(path);

	path = xasprintf("%s/etc/hostname", root);
	char *text = slurp(path);
	char *want = xasprintf("%s\n", hostname);
	assert_string_equal(text, want);
	free(text), free(path), free(want);

	path = xasprintf("%s/etc/hosts", root);
	text = slurp(path);
	want = xasprintf("127.0.1.1\t%s\n", hostname);
	assert_non_null(strstr(text, want));
	free(text), free(path), free(want);
}

static void check_absent(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);
	if (path_exists(path))
		fail_msg("%s should not exist", path);
	free(path);
}

static void check_link(const char *root, const char *rel, const char *target)
{
	char *path = xasprintf("%s/%s", root, rel);
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		fail_msg("%s is not a symlink", path);
	buf[n] = '\0';
	assert_string_equal(buf, target);
	free(path);
}

static mode_t mode_of(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);
	struct stat st;
	if (lstat(path, &st) < 0)
		fail_msg("%s is missing", path);
	free(path);
	return st.st_mode;
}

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_populate_shared(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("sh1");
	assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);
	struct wpar_fs_plan *plan = build_ok(spec);
	const char *root = plan->root;

	struct wpar_populate_opts opts = {0};
	double t0 = seconds();
	if (wpar_rootfs_populate(spec, plan, &opts, &err) < 0)
		fail_msg("populate: %s", err->msg);
	print_message("populate of a shared WPAR: %.0f ms\n", (seconds() - t0) * 1000);

	check_accounts(root);
	check_identity(root, "sh1");
	check_absent(root, "etc/wpars");
	check_absent(root, "etc/passwd-");
	check_absent(root, "var/lib/dpkg/lock");
	check_absent(root, "var/cache/debconf/passwords.dat");
	glob_t g;
	char *pattern = xasprintf("%s/etc/ssh/ssh_host_*", root);
	assert_int_equal(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
	free(pattern);
	assert_int_equal(mode_of(root, "tmp") & 07777, 01777);
	assert_int_equal(mode_of(root, "var/tmp") & 07777, 01777);
	assert_int_equal(mode_of(root, "root") & 07777, 0700);
	assert_true(S_ISREG(mode_of(root, "var/lib/dpkg/status")));
	assert_true(S_ISDIR(mode_of(root, "usr")));
	assert_true(S_ISDIR(mode_of(root, "proc")));
	check_link(root, "etc/mtab", "../proc/self/mounts");
	check_link(root, "var/run", "/run");
	check_link(root, "var/lock", "/run/lock");
	char host_bin[256];
	ssize_t n = readlink("/bin", host_bin, sizeof(host_bin) - 1);
	if (n > 0) {
		host_bin[n] = '\0';
		check_link(root, "bin", host_bin);
	}
	/* Populating twice would overwrite a system: refused. */
	assert_int_equal(wpar_rootfs_populate(spec, plan, &opts, &err), -1);
	assert_non_null(strstr(err->msg, "already"));
	wpar_error_release(&err);

	if (wpar_rootfs_destroy(spec, plan, &err) < 0)
		fail_msg("destroy: %s", err->msg);
	assert_false(path_exists(root));
	assert_true(path_exists("/usr/bin")); /* obviously, but cheap */
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

/* ------------------------------------------------------------------ */
/* Images                                                               */

/* Independent of wpar_loop_find: the kernel's own list. */
static bool loop_backs(const char *image)
{
	glob_t g;
	bool found = false;
	if (glob("/sys/block/loop*/loop/backing_file", 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		char buf[4096] = {0};
		FILE *f = fopen(g.gl_pathv[i], "re");
		if (f && fgets(buf, sizeof(buf), f))
			found = strncmp(buf, image, strlen(image)) == 0;
		if (f)
			fclose(f);
	}
	globfree(&g);
	return found;
}

static bool loop_gone(const char *image)
{
	/* Autoclear runs as the last reference drops; allow it a moment. */
	for (int i = 0; i < 100 && loop_backs(image); i++)
		usleep(20000);
	return !loop_backs(image);
}

static void test_image_cycle(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("img1");
	char *wroot[] = {"directory=/", "vfs=jfs2", "size=64M"};
	char *wvar[] = {"directory=/var", "vfs=jfs2", "size=32M", "mode=0711"};
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", wroot, 3, &err), 0);
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", wvar, 4, &err), 0);
	assert_int_equal(wpar_fs_add_defaults(spec, &err), 0);

	double t0 = seconds();
	if (wpar_fs_create_images(spec, &err) < 0)
		fail_msg("images: %s", err->msg);
	print_message("two ext4 images created in %.0f ms\n", (seconds() - t0) * 1000);
	char *rootimg = tmp_path("state/wpars/img1/fs/root.img");
	char *varimg = tmp_path("state/wpars/img1/fs/var.img");
	assert_string_equal(wpar_spec_find_mount(spec, "/")->dev, rootimg);
	assert_string_equal(wpar_spec_find_mount(spec, "/var")->dev, varimg);
	struct stat st;
	assert_int_equal(stat(varimg, &st), 0);
	assert_true(st.st_size == 32 << 20);
	assert_true(st.st_blocks * 512 < st.st_size); /* sparse */
	assert_int_equal(st.st_mode & 0777, 0600);

	struct wpar_fs_plan *plan = build_ok(spec);
	struct wpar_fs_mounted *m = NULL;
	t0 = seconds();
	if (wpar_fs_mount_own(plan, &m, &err) < 0)
		fail_msg("mount: %s", err->msg);
	print_message("mounted in %.0f ms\n", (seconds() - t0) * 1000);
	char *var = tmp_path("wpars/img1/var");
	assert_true(wpar_is_mountpoint(plan->root));
	assert_true(wpar_is_mountpoint(var));
	assert_int_equal(mode_of(plan->root, "var") & 07777, 0711);
	assert_true(loop_backs(varimg));
	char *hello = tmp_path("wpars/img1/var/hello");
	assert_int_equal(write_file_atomic(hello, "hi\n", 3, 0644, &err), 0);

	/* While mounted, destroy must refuse and leave everything. */
	assert_int_equal(wpar_rootfs_destroy(spec, plan, &err), -1);
	assert_non_null(strstr(err->msg, "still mounted"));
	wpar_error_release(&err);
	assert_true(path_exists(hello));

	t0 = seconds();
	if (wpar_fs_unmount_own(m, &err) < 0)
		fail_msg("unmount: %s", err->msg);
	print_message("unmounted in %.0f ms\n", (seconds() - t0) * 1000);
	assert_false(wpar_is_mountpoint(var));
	assert_false(wpar_is_mountpoint(plan->root));
	assert_true(loop_gone(varimg));
	assert_true(loop_gone(rootimg));

	/* The data is in the image: mount again and find it. */
	assert_int_equal(wpar_fs_mount_own(plan, &m, &err), 0);
	assert_true(path_exists(hello));
	assert_int_equal(wpar_fs_unmount_own(m, &err), 0);
	assert_true(loop_gone(varimg));

	if (wpar_rootfs_destroy(spec, plan, &err) < 0)
		fail_msg("destroy: %s", err->msg);
	assert_false(path_exists(varimg));
	assert_false(path_exists(rootimg));
	assert_false(path_exists(plan->imagedir));
	assert_false(path_exists(plan->root));
	free(rootimg), free(varimg), free(var), free(hello);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

/* A failure half-way through mount_own leaves nothing mounted. */
static void test_mount_rollback(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("img2");
	char *wroot[] = {"directory=/", "vfs=ext4", "size=32M"};
	char *wvar[] = {"directory=/var", "vfs=ext4", "size=32M"};
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", wroot, 3, &err), 0);
	assert_int_equal(wpar_spec_add_words(spec, WPAR_ST_MOUNT, "-M", wvar, 3, &err), 0);
	if (wpar_fs_create_images(spec, &err) < 0)
		fail_msg("images: %s", err->msg);
	struct wpar_fs_plan *plan = build_ok(spec);
	char *varimg = tmp_path("state/wpars/img2/fs/var.img");
	assert_int_equal(truncate(varimg, 0), 0); /* no file system left */

	struct wpar_fs_mounted *m = NULL;
	assert_int_equal(wpar_fs_mount_own(plan, &m, &err), -1);
	assert_non_null(strstr(err->msg, "var"));
	wpar_error_release(&err);
	assert_false(wpar_is_mountpoint(plan->root));
	char *rootimg = tmp_path("state/wpars/img2/fs/root.img");
	assert_true(loop_gone(rootimg));
	assert_true(loop_gone(varimg));

	assert_int_equal(wpar_rootfs_destroy(spec, plan, &err), 0);
	assert_false(path_exists(rootimg));
	free(varimg), free(rootimg);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

/* ------------------------------------------------------------------ */
/* Removal                                                              */

static void touch(const char *path)
{
	wpar_error_t err = NULL;
	assert_int_equal(write_file_atomic(path, "x", 1, 0644, &err), 0);
}

static void test_destroy_refuses_mounts(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	struct wpar_spec *spec = new_spec("rm1");
	struct wpar_fs_plan *plan = build_ok(spec);
	char *data = tmp_path("wpars/rm1/data");
	char *src = tmp_path("bindsrc");
	char *keep = tmp_path("bindsrc/precious");
	char *inner = tmp_path("wpars/rm1/file");
	assert_int_equal(mkdir_p(data, 0755, &err), 0);
	assert_int_equal(mkdir_p(src, 0755, &err), 0);
	touch(keep);
	touch(inner);
	assert_int_equal(mount(src, data, NULL, MS_BIND, NULL), 0);

	assert_int_equal(wpar_rootfs_destroy(spec, plan, &err), -1);
	assert_non_null(strstr(err->msg, data));
	wpar_error_release(&err);
	assert_true(path_exists(keep));
	assert_true(path_exists(inner)); /* refused before removing anything */

	assert_int_equal(wpar_remove_tree(plan->root, &err), -1);
	wpar_error_release(&err);
	assert_true(path_exists(keep));

	assert_int_equal(umount2(data, 0), 0);
	assert_int_equal(wpar_rootfs_destroy(spec, plan, &err), 0);
	assert_false(path_exists(plan->root));
	assert_true(path_exists(keep));
	free(data), free(src), free(keep), free(inner);
	wpar_fs_plan_free(plan);
	wpar_spec_free(spec);
}

static void test_remove_never_follows(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	char *tree = tmp_path("rmtree/a/b");
	char *outside = tmp_path("outside");
	char *keep = tmp_path("outside/keep");
	char *link1 = tmp_path("rmtree/a/link");
	char *link2 = tmp_path("rmtree/a/b/file-link");
	char *top = tmp_path("rmtree");
	assert_int_equal(mkdir_p(tree, 0755, &err), 0);
	assert_int_equal(mkdir_p(outside, 0755, &err), 0);
	touch(keep);
	assert_int_equal(symlink(outside, link1), 0);
	assert_int_equal(symlink(keep, link2), 0);
	assert_int_equal(wpar_remove_tree(top, &err), 0);
	assert_false(path_exists(top));
	assert_true(path_exists(keep));
	/* A symlink given as the top is removed, not its target. */
	char *toplink = tmp_path("toplink");
	assert_int_equal(symlink(outside, toplink), 0);
	assert_int_equal(wpar_remove_tree(toplink, &err), 0);
	assert_true(path_exists(keep));
	assert_int_equal(wpar_remove_tree(top, &err), 0); /* missing: fine */
	free(tree), free(outside), free(keep), free(link1), free(link2);
	free(top), free(toplink);
}

/* ------------------------------------------------------------------ */
/* Copy                                                                 */

static void test_copytree_preserves(void **state)
{
	(void)state;
	wpar_error_t err = NULL;
	char *src = tmp_path("cpsrc"), *dst = tmp_path("cpdst");
	char *sub = tmp_path("cpsrc/sub");
	assert_int_equal(mkdir_p(sub, 0750, &err), 0);
	char *f = tmp_path("cpsrc/sub/setuid");
	assert_int_equal(write_file_atomic(f, "#!/bin/sh\n", 10, 0755, &err), 0);
	assert_int_equal(chown(f, 1234, 5678), 0);
	assert_int_equal(chmod(f, 04755), 0);
	struct timespec times[2] = {{1000000000, 0}, {1200000000, 123456789}};
	assert_int_equal(utimensat(AT_FDCWD, f, times, 0), 0);
	assert_int_equal(setxattr(f, "user.wpar", "v1", 2, 0), 0);
	char *hard = tmp_path("cpsrc/hardlink");
	assert_int_equal(link(f, hard), 0);
	char *sym = tmp_path("cpsrc/sym");
	assert_int_equal(symlink("sub/setuid", sym), 0);
	char *fifo = tmp_path("cpsrc/fifo");
	assert_int_equal(mkfifo(fifo, 0640), 0);
	char *sparse = tmp_path("cpsrc/sparse");
	int fd = open(sparse, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "end", 3, 64 << 20), 3);
	close(fd);
	assert_int_equal(utimensat(AT_FDCWD, sub, times, 0), 0);

	assert_int_equal(wpar_copytree(src, dst, NULL, &err), 0);

	struct stat a, b;
	char *cf = tmp_path("cpdst/sub/setuid"), *ch = tmp_path("cpdst/hardlink");
	assert_int_equal(stat(cf, &a), 0);
	assert_int_equal(a.st_mode & 07777, 04755);
	assert_int_equal(a.st_uid, 1234);
	assert_int_equal(a.st_gid, 5678);
	assert_int_equal(a.st_mtim.tv_sec, 1200000000);
	assert_int_equal(a.st_mtim.tv_nsec, 123456789);
	assert_int_equal(stat(ch, &b), 0);
	assert_true(a.st_ino == b.st_ino); /* still one file */
	char val[8] = {0};
	assert_int_equal(getxattr(cf, "user.wpar", val, sizeof(val)), 2);
	assert_string_equal(val, "v1");
	check_link(dst, "sym", "sub/setuid");
	assert_true(S_ISFIFO(mode_of(dst, "fifo")));
	assert_int_equal(mode_of(dst, "sub") & 07777, 0750);
	char *csub = tmp_path("cpdst/sub");
	assert_int_equal(stat(csub, &a), 0);
	assert_int_equal(a.st_mtim.tv_sec, 1200000000); /* set after entries */
	char *cs = tmp_path("cpdst/sparse");
	assert_int_equal(stat(cs, &a), 0);
	assert_true(a.st_size == (64 << 20) + 3);
	assert_true(a.st_blocks * 512 < (1 << 20)); /* the hole stayed a hole */

	/* Never overwrites: copying again onto the copy fails. */
	assert_int_equal(wpar_copytree(src, dst, NULL, &err), -1);
	wpar_error_release(&err);

	/* Threads give the same result. */
	char *dst2 = tmp_path("cpdst2");
	struct wpar_copy_opts opts = {.threads = 2};
	assert_int_equal(wpar_copytree(src, dst2, &opts, &err), 0);
	assert_int_equal(mode_of(dst2, "sub/setuid") & 07777, 04755);
	assert_true(S_ISLNK(mode_of(dst2, "sym")));

	assert_int_equal(wpar_remove_tree(src, &err), 0);
	assert_int_equal(wpar_remove_tree(dst, &err), 0);
	assert_int_equal(wpar_remove_tree(dst2, &err), 0);
	free(src), free(dst), free(dst2), free(sub), free(f), free(hard);
	free(sym), free(fifo), free(sparse), free(cf), free(ch), free(csub);
	free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_plan_defaults, test_teardown),
	    cmocka_unit_test_teardown(test_plan_detached, test_teardown),
	    cmocka_unit_test_teardown(test_plan_unmerged_host, test_teardown),
	    cmocka_unit_test_teardown(test_plan_overrides, test_teardown),
	    cmocka_unit_test_teardown(test_image_slug, test_teardown),
	    cmocka_unit_test_teardown(test_plan_rejects, test_teardown),
	    cmocka_unit_test_teardown(test_populate_shared, test_teardown),
	    cmocka_unit_test_teardown(test_image_cycle, test_teardown),
	    cmocka_unit_test_teardown(test_mount_rollback, test_teardown),
	    cmocka_unit_test_teardown(test_destroy_refuses_mounts, test_teardown),
	    cmocka_unit_test_teardown(test_remove_never_follows, test_teardown),
	    cmocka_unit_test_teardown(test_copytree_preserves, test_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
