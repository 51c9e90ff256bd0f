/* Images and block devices behind jfs2-style mount stanzas.  See
 * fsimage.h.  AIX carves a logical volume out of a volume group for each
 * file system; the Linux equivalent kept here is a sparse file holding the
 * host's native file system, mounted through a loop device. */
#include "fsimage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A
#endif

const char *wpar_fs_native_type(void)
{
	/* The state directory may not exist yet on a fresh host: look at
	 * the nearest directory above it that does. */
	cleanup_free char *dir = xstrdup(wpar_paths()->statedir);
	struct statfs sfs;
	while (statfs(dir, &sfs) < 0) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL || slash == dir) {
			if (statfs("/", &sfs) < 0)
				return "ext4";
			break;
		}
		*slash = '\0';
	}
	switch ((unsigned long)sfs.f_type) {
	case XFS_SUPER_MAGIC:
		return "xfs";
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	default:
		return "ext4";
	}
}

unsigned long long wpar_fs_min_image_size(const char *fstype)
{
	/* ext4 itself formats a few hundred KB, but a file system that
	 * small has no room for its journal plus a populated root; the
	 * others are the limits of current mkfs.xfs and mkfs.btrfs. */
	if (strcmp(fstype, "xfs") == 0)
		return 300ULL << 20;
	if (strcmp(fstype, "btrfs") == 0)
		return 114294784ULL; /* 109 MB */
	return 16ULL << 20;
}

char *wpar_fs_image_slug(const char *directory)
{
	if (strcmp(directory, "/") == 0)
		return xstrdup("root");
	char *slug = xstrdup(directory[0] == '/' ? directory + 1 : directory);
	for (char *p = slug; *p; p++)
		if (*p == '/')
			*p = '_';
	return slug;
}

char *wpar_fs_image_dir(const char *name)
{
	cleanup_free char *state = wpar_path_statedir(name);
	return xasprintf("%s/fs", state);
}

char *wpar_fs_image_path(const char *name, const char *directory)
{
	cleanup_free char *dir = wpar_fs_image_dir(name);
	cleanup_free char *slug = wpar_fs_image_slug(directory);
	return xasprintf("%s/%s.img", dir, slug);
}

/* ------------------------------------------------------------------ */
/* Paths and the mount table                                            */

bool wpar_path_under(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void wpar_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* mountinfo writes blanks, tabs, newlines and backslashes in paths as
 * \ooo octal escapes. */
static char *mountinfo_unescape(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ =
			    (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* The mount point is the fifth blank-separated field of a line. */
static char *mountinfo_mountpoint(const char *line)
{
	const char *p = line;
	for (int field = 0; field < 4; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return NULL;
		p++;
	}
	size_t len = strcspn(p, " \n");
	return mountinfo_unescape(p, len);
}

int wpar_mounts_under(const char *dir, char ***out, size_t *n, wpar_error_t *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL)
		return wpar_error_errno(err, "cannot read /proc/self/mountinfo");
	cleanup_free char *line = NULL;
	size_t cap = 0, count = 0;
	char **v = NULL;
	while (getline(&line, &cap, f) > 0) {
		char *mp = mountinfo_mountpoint(line);
		if (mp == NULL || !wpar_path_under(mp, dir)) {
			free(mp);
			continue;
		}
		v = xrealloc(v, (count + 1) * sizeof(*v));
		v[count++] = mp;
	}
	*out = v;
	*n = count;
	return 0;
}

bool wpar_is_mountpoint(const char *path)
{
	struct statx stx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) == 0 &&
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;

	/* Kernels before 5.8 do not report the attribute. */
	cleanup_free char *real = realpath(path, NULL);
	if (real == NULL)
		return false;
	char **mounts = NULL;
	size_t n = 0;
	bool found = false;
	if (wpar_mounts_under(real, &mounts, &n, NULL) == 0)
		for (size_t i = 0; i < n && !found; i++)
			found = strcmp(mounts[i], real) == 0;
	wpar_strv_free(mounts, n);
	return found;
}

/* ------------------------------------------------------------------ */
/* mkfs                                                                 */

static void mkfs_child(const char *const argv[], int errfd)
{
	/* A fixed PATH and the C locale: the same mkfs and the same
	 * messages whoever runs mkwpar. */
	static const char *const env[] = {
	    "PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL};
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(127);
	execvpe(argv[0], (char *const *)argv, (char *const *)env);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The last non-empty line mkfs wrote, which is where it says why. */
static char *last_line(char *text)
{
	size_t len = strlen(text);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	char *nl = strrchr(text, '\n');
	return nl ? nl + 1 : text;
}

static int run_mkfs(const char *fstype, const char *path, wpar_error_t *err)
{
	const char *ext4[] = {
	    "mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=1,lazy_journal_init=1", path, NULL};
	const char *xfs[] = {"mkfs.xfs", "-q", "-f", path, NULL};
	const char *btrfs[] = {"mkfs.btrfs", "-q", "-f", path, NULL};
	const char *const *argv = strcmp(fstype, "xfs") == 0     ? xfs
				  : strcmp(fstype, "btrfs") == 0 ? btrfs
								 : ext4;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return wpar_error_errno(err, "cannot create a pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return wpar_error_errno(err, "cannot start %s", argv[0]);
	}
	if (pid == 0)
		mkfs_child(argv, pipefd[1]);
	close(pipefd[1]);

	struct strbuf out = {0};
	char buf[1024];
	ssize_t n;
	while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (out.len < 8192)
			strbuf_add(&out, buf, (size_t)n);
	}
	close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int ret = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cleanup_free char *text = strbuf_steal(&out);
		ret = wpar_error_input(err, "%s failed on %s: %s", argv[0], path,
				       *text ? last_line(text) : "no message (killed?)");
	}
	strbuf_release(&out);
	return ret;
}

static int image_remove_stale(const char *path, wpar_error_t *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : wpar_error_errno(err, "cannot stat %s", path);
	if (!S_ISREG(st.st_mode))
		return wpar_error_input(err, "%s exists and is not an image file", path);
	cleanup_free char *loop = wpar_loop_find(path);
	if (loop)
		return wpar_error_input(err, "image %s is in use by %s", path, loop);
	if (unlink(path) < 0)
		return wpar_error_errno(err, "cannot remove %s", path);
	return 0;
}

int wpar_fs_image_create(const char *path, const char *fstype, unsigned long long size,
			 wpar_error_t *err)
{
	cleanup_free char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	/* Images hold the WPAR's /etc/shadow among others: root only. */
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	/* An image that is not recorded in any spec file is what a crashed
	 * mkwpar left behind; it is replaced unless something uses it. */
	if (image_remove_stale(path, err) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return wpar_error_errno(err, "cannot create %s", path);
	/* Sparse: space is taken as the WPAR writes, like a thin LV. */
	if (ftruncate(fd, (off_t)size) < 0) {
		int saved = errno;
		close(fd);
		unlink(path);
		return wpar_error_make(err, saved, "cannot size %s to %llu bytes", path, size);
	}
	close(fd);
	if (run_mkfs(fstype, path, err) < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Loop devices                                                         */

char *wpar_loop_find(const char *image)
{
	cleanup_free char *real = realpath(image, NULL);
	if (real == NULL)
		return NULL;
	DIR *d = opendir("/sys/block");
	if (d == NULL)
		return NULL;
	char *found = NULL;
	struct dirent *de;
	while (found == NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "loop", 4) != 0)
			continue;
		cleanup_free char *attr = xasprintf("/sys/block/%s/loop/backing_file", de->d_name);
		cleanup_free char *backing = NULL;
		if (read_file(attr, &backing, NULL, NULL) < 0)
			continue;
		backing[strcspn(backing, "\n")] = '\0';
		if (strcmp(backing, real) == 0)
			found = xasprintf("/dev/%s", de->d_name);
	}
	closedir(d);
	return found;
}

/* LOOP_SET_FD + LOOP_SET_STATUS64, for kernels before 5.8. */
static int loop_configure_old(int lfd, const struct loop_config *cfg)
{
	if (ioctl(lfd, LOOP_SET_FD, cfg->fd) < 0)
		return -1;
	struct loop_info64 info = cfg->info;
	if (ioctl(lfd, LOOP_SET_STATUS64, &info) < 0) {
		int saved = errno;
		ioctl(lfd, LOOP_CLR_FD, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Attaches `image` to a free loop device and returns an open descriptor
 * of the device.  LO_FLAGS_AUTOCLEAR makes the kernel detach it when the
 * last user goes: the descriptor until mount(2) takes its own reference,
 * then the mount. */
static int loop_attach(const char *image, bool readonly, char **dev, wpar_error_t *err)
{
	int mode = readonly ? O_RDONLY : O_RDWR;
	cleanup_close int ifd = open(image, mode | O_CLOEXEC);
	if (ifd < 0)
		return wpar_error_errno(err, "cannot open image %s", image);
	cleanup_close int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return wpar_error_errno(err, "cannot open /dev/loop-control");

	struct loop_config cfg = {.fd = (unsigned)ifd};
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (readonly ? LO_FLAGS_READ_ONLY : 0);
	snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", image);

	/* Another process may take the device between GET_FREE and our
	 * configure (EBUSY): ask for another one. */
	for (int attempt = 0; attempt < 32; attempt++) {
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0)
			return wpar_error_errno(err, "no free loop device");
		cleanup_free char *path = xasprintf("/dev/loop%d", nr);
		int lfd = open(path, mode | O_CLOEXEC);
		if (lfd < 0)
			return wpar_error_errno(err, "cannot open %s", path);
		int r = ioctl(lfd, LOOP_CONFIGURE, &cfg);
		if (r < 0 && (errno == EINVAL || errno == ENOTTY))
			r = loop_configure_old(lfd, &cfg);
		if (r == 0) {
			*dev = steal_pointer(&path);
			return lfd;
		}
		int saved = errno;
		close(lfd);
		if (saved != EBUSY)
			return wpar_error_make(err, saved, "cannot attach %s to %s", image, path);
	}
	return wpar_error_input(err,
				"cannot attach %s: every free loop "
				"device was taken by someone else",
				image);
}

/* ------------------------------------------------------------------ */
/* Mounting                                                             */

struct mount_flag {
	const char *name;
	unsigned long set, clear;
};

static const struct mount_flag mount_flags[] = {
    {"defaults", 0, 0},
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"noatime", MS_NOATIME, 0},
    {"atime", 0, MS_NOATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"lazytime", MS_LAZYTIME, 0},
    {"nolazytime", 0, MS_LAZYTIME},
};

int wpar_mount_options(const char *opts, unsigned long *flags, char **data, wpar_error_t *err)
{
	*flags = 0;
	*data = NULL;
	if (opts == NULL || *opts == '\0')
		return 0;
	struct strbuf rest = {0};
	cleanup_free char *copy = xstrdup(opts);
	char *save = NULL;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		const struct mount_flag *f = NULL;
		for (size_t i = 0; i < ARRAY_SIZE(mount_flags) && !f; i++)
			if (strcmp(o, mount_flags[i].name) == 0)
				f = &mount_flags[i];
		if (f) {
			*flags = (*flags & ~f->clear) | f->set;
			continue;
		}
		if (rest.len)
			strbuf_puts(&rest, ",");
		strbuf_puts(&rest, o);
	}
	if (rest.len)
		*data = strbuf_steal(&rest);
	return 0;
}

int wpar_fs_mount_image(const struct wpar_fs *fs, const char *target, wpar_error_t *err)
{
	unsigned long flags;
	cleanup_free char *data = NULL;
	if (wpar_mount_options(fs->options, &flags, &data, err) < 0)
		return -1;
	struct stat st;
	if (fs->source == NULL || stat(fs->source, &st) < 0)
		return wpar_error_errno(err, "cannot use %s for %s",
					fs->source ? fs->source : "(none)", fs->directory);
	if (S_ISBLK(st.st_mode)) {
		if (mount(fs->source, target, fs->fstype, flags, data) < 0)
			return wpar_error_errno(err, "cannot mount %s on %s", fs->source, target);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return wpar_error_input(err,
					"%s is neither an image file nor a "
					"block device",
					fs->source);
	cleanup_free char *dev = NULL;
	cleanup_close int lfd = loop_attach(fs->source, flags & MS_RDONLY, &dev, err);
	if (lfd < 0)
		return -1;
	if (mount(dev, target, fs->fstype, flags, data) < 0)
		return wpar_error_errno(err, "cannot mount %s (%s) on %s", fs->source, dev, target);
	return 0;
}

int wpar_fs_umount(const char *target, wpar_error_t *err)
{
	/* A file system just used is briefly busy while udev or blkid look
	 * at it; give that a second before reporting. */
	for (int attempt = 0;; attempt++) {
		if (umount2(target, UMOUNT_NOFOLLOW) == 0)
			return 0;
		if (errno != EBUSY || attempt >= 50)
			return wpar_error_errno(err, "cannot unmount %s", target);
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
	}
}

struct wpar_fs_mounted {
	char **targets;
	size_t n;
};

int wpar_fs_mount_own(const struct wpar_fs_plan *plan, struct wpar_fs_mounted **out,
		      wpar_error_t *err)
{
	struct wpar_fs_mounted *m = xcalloc(1, sizeof(*m));
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind != WPAR_FS_IMAGE)
			continue;
		/* Parents are mounted first, so a child's mount point is
		 * made inside the parent's file system. */
		if (mkdir_p(fs->mountpoint, fs->mode, err) < 0)
			goto fail;
		if (wpar_is_mountpoint(fs->mountpoint)) {
			wpar_error_input(err, "%s is already mounted", fs->mountpoint);
			goto fail;
		}
		if (wpar_fs_mount_image(fs, fs->mountpoint, err) < 0)
			goto fail;
		m->targets = xrealloc(m->targets, (m->n + 1) * sizeof(*m->targets));
		m->targets[m->n++] = xstrdup(fs->mountpoint);
		/* The mode stanza attribute is about the file system's base
		 * directory, which is the new file system's root. */
		if (chmod(fs->mountpoint, fs->mode) < 0 && errno != EROFS) {
			wpar_error_errno(err, "cannot set the mode of %s", fs->mountpoint);
			goto fail;
		}
	}
	*out = m;
	return 0;
fail:
	wpar_fs_unmount_own(m, NULL);
	return -1;
}

int wpar_fs_unmount_own(struct wpar_fs_mounted *m, wpar_error_t *err)
{
	if (m == NULL)
		return 0;
	int ret = 0;
	for (size_t i = m->n; i-- > 0;) {
		if (wpar_fs_umount(m->targets[i], err) < 0)
			ret = -1; /* keep going: report the first failure */
		free(m->targets[i]);
	}
	free(m->targets);
	free(m);
	return ret;
}
