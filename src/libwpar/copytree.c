/* Tree copy and tree removal.  See copytree.h for the contract. */
#include "copytree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fsimage.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Hard links: the first path seen for each (device, inode) with more
 * than one link, so later names become links to the copy. */

struct link_entry {
	dev_t dev;
	ino_t ino;
	char *rel;
};

struct link_map {
	struct link_entry *v;
	size_t cap, n; /* cap is 0 or a power of two */
};

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)dev;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static struct link_entry *link_slot(struct link_map *m, dev_t dev, ino_t ino)
{
	size_t i = link_hash(dev, ino, m->cap);
	while (m->v[i].rel && (m->v[i].dev != dev || m->v[i].ino != ino))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static void link_grow(struct link_map *m)
{
	struct link_map bigger = {.cap = m->cap ? m->cap * 2 : 64};
	bigger.v = xcalloc(bigger.cap, sizeof(*bigger.v));
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].rel)
			*link_slot(&bigger, m->v[i].dev, m->v[i].ino) = m->v[i];
	bigger.n = m->n;
	free(m->v);
	*m = bigger;
}

/* Returns the recorded path, or records `rel` and returns NULL. */
static const char *link_seen(struct link_map *m, const struct stat *st, const char *rel)
{
	if (2 * (m->n + 1) > m->cap)
		link_grow(m);
	struct link_entry *e = link_slot(m, st->st_dev, st->st_ino);
	if (e->rel)
		return e->rel;
	*e = (struct link_entry){st->st_dev, st->st_ino, xstrdup(rel)};
	m->n++;
	return NULL;
}

static void link_map_free(struct link_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].rel);
	free(m->v);
}

/* ------------------------------------------------------------------ */
/* Copy                                                                 */

#define COPY_QUEUE 64

/* Copying one file's data and metadata, given both open descriptors.
 * Jobs run in the walker or in a worker thread. */
struct copy_job {
	int sfd, dfd;
	struct stat st;
	char *rel;
};

struct copy_ctx {
	const struct wpar_copy_opts *opts;
	const char *src, *dst;
	int dst_root; /* for linkat of hard links */
	dev_t src_dev;
	char **mounts; /* mount points strictly below src */
	size_t n_mounts;
	struct strbuf rel;
	struct link_map links;

	/* What the file systems turned out not to support, so the failing
	 * call is made once per copy, not once per file. */
	int no_reflink, no_copy_range, no_sendfile;

	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull;
	struct copy_job queue[COPY_QUEUE];
	size_t q_head, q_len;
	bool done;
	int failed;
	wpar_error_t worker_err;
	pthread_t *threads;
	unsigned n_threads;
};

static const char *rel_or_dot(const struct copy_ctx *c)
{
	return c->rel.len ? c->rel.buf : ".";
}

static bool xattr_set_unsupported(int e)
{
	return e == ENOTSUP || e == EOPNOTSUPP || e == EPERM || e == EACCES;
}

static int copy_xattrs(int sfd, int dfd, const char *rel, wpar_error_t *err)
{
	char small[1024];
	char *names = small;
	cleanup_free char *big = NULL;
	ssize_t len = flistxattr(sfd, names, sizeof(small));
	if (len < 0 && errno == ERANGE) {
		len = flistxattr(sfd, NULL, 0);
		if (len > 0) {
			names = big = xmalloc((size_t)len);
			len = flistxattr(sfd, names, (size_t)len);
		}
	}
	if (len < 0)
		return errno == ENOTSUP ? 0
					: wpar_error_errno(err,
							   "cannot list "
							   "extended attributes of %s",
							   rel);
	for (char *name = names; name < names + len; name += strlen(name) + 1) {
		char value[65536]; /* the largest value Linux allows */
		ssize_t vlen = fgetxattr(sfd, name, value, sizeof(value));
		if (vlen < 0) {
			if (errno == ENODATA || errno == ENOTSUP)
				continue;
			return wpar_error_errno(err,
						"cannot read attribute "
						"%s of %s",
						name, rel);
		}
		if (fsetxattr(dfd, name, value, (size_t)vlen, 0) < 0 &&
		    !xattr_set_unsupported(errno))
			return wpar_error_errno(err,
						"cannot set attribute "
						"%s on %s",
						name, rel);
	}
	return 0;
}

/* Owner before mode (chown clears set-id bits), attributes after both
 * (chown drops security.capability), times last. */
static int apply_meta(int sfd, int dfd, const struct stat *st, const char *rel, wpar_error_t *err)
{
	if ((st->st_uid != 0 || st->st_gid != 0) && fchown(dfd, st->st_uid, st->st_gid) < 0)
		return wpar_error_errno(err, "cannot set the owner of %s", rel);
	if (fchmod(dfd, st->st_mode & 07777) < 0)
		return wpar_error_errno(err, "cannot set the mode of %s", rel);
	if (copy_xattrs(sfd, dfd, rel, err) < 0)
		return -1;
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	if (futimens(dfd, times) < 0)
		return wpar_error_errno(err, "cannot set the times of %s", rel);
	return 0;
}

static int copy_rw(int sfd, int dfd, off_t off, off_t end, const char *rel, wpar_error_t *err)
{
	char buf[1 << 16];
	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof(buf) ? (size_t)(end - off) : sizeof(buf);
		ssize_t n = pread(sfd, buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wpar_error_errno(err, "cannot read %s", rel);
		if (n == 0)
			break; /* the source shrank while we copied */
		for (ssize_t done = 0; done < n;) {
			ssize_t w = pwrite(dfd, buf + done, (size_t)(n - done), off + done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return wpar_error_errno(err, "cannot write %s", rel);
			done += w;
		}
		off += n;
	}
	return 0;
}

/* sendfile copies in the kernel between any two file systems, where
 * copy_file_range refuses different ones (EXDEV): the common case of a
 * private /usr going into an image.  It writes at the file position. */
static int copy_sendfile(int sfd, int dfd, off_t *off, off_t end)
{
	if (lseek(dfd, *off, SEEK_SET) < 0)
		return -1;
	while (*off < end) {
		size_t want = (size_t)(end - *off);
		if (want > (1u << 30))
			want = 1u << 30;
		ssize_t n = sendfile(dfd, sfd, off, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : 0;
	}
	return 0;
}

static bool copy_range_unsupported(int e)
{
	return e == EXDEV || e == EOPNOTSUPP || e == ENOSYS || e == EINVAL || e == EBADF;
}

/* One extent [off, end) of the file. */
static int copy_extent(struct copy_ctx *c, int sfd, int dfd, off_t off, off_t end, const char *rel,
		       wpar_error_t *err)
{
	while (off < end && !__atomic_load_n(&c->no_copy_range, __ATOMIC_RELAXED)) {
		loff_t in = off, out = off;
		size_t want = (size_t)(end - off);
		if (want > (1u << 30))
			want = 1u << 30;
		ssize_t n = copy_file_range(sfd, &in, dfd, &out, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && copy_range_unsupported(errno)) {
			__atomic_store_n(&c->no_copy_range, 1, __ATOMIC_RELAXED);
			break;
		}
		if (n < 0)
			return wpar_error_errno(err, "cannot copy %s", rel);
		if (n == 0)
			return 0;
		off += n;
	}
	if (off < end && !__atomic_load_n(&c->no_sendfile, __ATOMIC_RELAXED) &&
	    copy_sendfile(sfd, dfd, &off, end) < 0) {
		if (errno != EINVAL && errno != ENOSYS)
			return wpar_error_errno(err, "cannot copy %s", rel);
		__atomic_store_n(&c->no_sendfile, 1, __ATOMIC_RELAXED);
	}
	return copy_rw(sfd, dfd, off, end, rel, err);
}

static int copy_data(struct copy_ctx *c, int sfd, int dfd, const struct stat *st, const char *rel,
		     wpar_error_t *err)
{
	if (st->st_size == 0)
		return 0;
	if (!__atomic_load_n(&c->no_reflink, __ATOMIC_RELAXED)) {
		if (ioctl(dfd, FICLONE, sfd) == 0)
			return 0;
		__atomic_store_n(&c->no_reflink, 1, __ATOMIC_RELAXED);
	}
	/* Fewer allocated blocks than the size means holes: copy only the
	 * data extents and let ftruncate restore the length. */
	if ((off_t)st->st_blocks * 512 >= st->st_size)
		return copy_extent(c, sfd, dfd, 0, st->st_size, rel, err);
	off_t off = 0;
	while (off < st->st_size) {
		off_t data = lseek(sfd, off, SEEK_DATA);
		if (data < 0)
			break; /* ENXIO: only a hole remains */
		off_t hole = lseek(sfd, data, SEEK_HOLE);
		if (hole < 0)
			hole = st->st_size;
		if (copy_extent(c, sfd, dfd, data, hole, rel, err) < 0)
			return -1;
		off = hole;
	}
	if (ftruncate(dfd, st->st_size) < 0)
		return wpar_error_errno(err, "cannot set the size of %s", rel);
	return 0;
}

static void job_run(struct copy_ctx *c, struct copy_job *job)
{
	wpar_error_t e = NULL;
	if (!__atomic_load_n(&c->failed, __ATOMIC_RELAXED) &&
	    (copy_data(c, job->sfd, job->dfd, &job->st, job->rel, &e) < 0 ||
	     apply_meta(job->sfd, job->dfd, &job->st, job->rel, &e) < 0)) {
		pthread_mutex_lock(&c->lock);
		if (c->worker_err == NULL)
			c->worker_err = steal_pointer(&e);
		__atomic_store_n(&c->failed, 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&c->lock);
	}
	wpar_error_release(&e);
	close(job->sfd);
	close(job->dfd);
	free(job->rel);
}

static void *copy_worker(void *arg)
{
	struct copy_ctx *c = arg;
	for (;;) {
		pthread_mutex_lock(&c->lock);
		while (c->q_len == 0 && !c->done)
			pthread_cond_wait(&c->nonempty, &c->lock);
		if (c->q_len == 0) {
			pthread_mutex_unlock(&c->lock);
			return NULL;
		}
		struct copy_job job = c->queue[c->q_head];
		c->q_head = (c->q_head + 1) % COPY_QUEUE;
		c->q_len--;
		pthread_cond_signal(&c->nonfull);
		pthread_mutex_unlock(&c->lock);
		job_run(c, &job);
	}
}

static void job_submit(struct copy_ctx *c, struct copy_job job)
{
	if (c->n_threads == 0) {
		job_run(c, &job);
		return;
	}
	pthread_mutex_lock(&c->lock);
	while (c->q_len == COPY_QUEUE)
		pthread_cond_wait(&c->nonfull, &c->lock);
	c->queue[(c->q_head + c->q_len) % COPY_QUEUE] = job;
	c->q_len++;
	pthread_cond_signal(&c->nonempty);
	pthread_mutex_unlock(&c->lock);
}

static void workers_start(struct copy_ctx *c, unsigned wanted)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->nonempty, NULL);
	pthread_cond_init(&c->nonfull, NULL);
	if (wanted <= 1)
		return;
	c->threads = xcalloc(wanted, sizeof(*c->threads));
	for (unsigned i = 0; i < wanted; i++) {
		/* Fewer threads than asked for still copies correctly. */
		if (pthread_create(&c->threads[c->n_threads], NULL, copy_worker, c) == 0)
			c->n_threads++;
	}
}

static void workers_finish(struct copy_ctx *c)
{
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_broadcast(&c->nonempty);
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < c->n_threads; i++)
		pthread_join(c->threads[i], NULL);
	free(c->threads);
	pthread_cond_destroy(&c->nonempty);
	pthread_cond_destroy(&c->nonfull);
	pthread_mutex_destroy(&c->lock);
}

static int copy_regular(struct copy_ctx *c, int psfd, const char *sname, int pdfd,
			const char *dname, const struct stat *st, wpar_error_t *err)
{
	const char *rel = rel_or_dot(c);
	if (st->st_nlink > 1 && c->dst_root >= 0) {
		const char *first = link_seen(&c->links, st, rel);
		if (first) {
			if (linkat(c->dst_root, first, pdfd, dname, 0) < 0)
				return wpar_error_errno(err, "cannot link %s to %s", rel, first);
			return 0;
		}
	}
	int sfd = openat(psfd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
	if (sfd < 0 && errno == EPERM)
		sfd = openat(psfd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return wpar_error_errno(err, "cannot open %s/%s", c->src, rel);
	int dfd = openat(pdfd, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd < 0) {
		int saved = errno;
		close(sfd);
		return wpar_error_make(err, saved, "cannot create %s/%s", c->dst, rel);
	}
	job_submit(c, (struct copy_job){sfd, dfd, *st, xstrdup(rel)});
	return 0;
}

static int copy_symlink(struct copy_ctx *c, int psfd, const char *sname, int pdfd,
			const char *dname, const struct stat *st, wpar_error_t *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(psfd, sname, target, sizeof(target) - 1);
	if (n < 0)
		return wpar_error_errno(err, "cannot read link %s/%s", c->src, rel_or_dot(c));
	target[n] = '\0';
	if (symlinkat(target, pdfd, dname) < 0)
		return wpar_error_errno(err, "cannot create link %s/%s", c->dst, rel_or_dot(c));
	if ((st->st_uid != 0 || st->st_gid != 0) &&
	    fchownat(pdfd, dname, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return wpar_error_errno(err, "cannot set the owner of %s", rel_or_dot(c));
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	utimensat(pdfd, dname, times, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int copy_special(struct copy_ctx *c, int pdfd, const char *dname, const struct stat *st,
			wpar_error_t *err)
{
	if (S_ISSOCK(st->st_mode))
		return 0; /* whoever listens on it creates it again */
	if (mknodat(pdfd, dname, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0)
		return wpar_error_errno(err, "cannot create %s/%s", c->dst, rel_or_dot(c));
	if (fchownat(pdfd, dname, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(pdfd, dname, st->st_mode & 07777, 0) < 0)
		return wpar_error_errno(err, "cannot set the owner or mode of %s", rel_or_dot(c));
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	utimensat(pdfd, dname, times, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static bool below_mount(const struct copy_ctx *c, const struct stat *st)
{
	if (st->st_dev != c->src_dev)
		return true;
	if (c->n_mounts == 0)
		return false;
	/* Bind mounts keep the device number: ask the mount table. */
	cleanup_free char *abs = xasprintf("%s/%s", c->src, c->rel.buf);
	for (size_t i = 0; i < c->n_mounts; i++)
		if (strcmp(c->mounts[i], abs) == 0)
			return true;
	return false;
}

static int copy_entry(struct copy_ctx *c, int psfd, const char *sname, int pdfd, const char *dname,
		      const struct stat *st, wpar_error_t *err);

static int copy_dir_entries(struct copy_ctx *c, int sfd, int dfd, wpar_error_t *err)
{
	int fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return wpar_error_errno(err, "cannot read directory %s/%s", c->src, rel_or_dot(c));
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		size_t mark = c->rel.len;
		if (mark)
			strbuf_puts(&c->rel, "/");
		strbuf_puts(&c->rel, de->d_name);
		struct stat st;
		if (fstatat(sfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = errno == ENOENT ? 0 /* vanished meanwhile */
					    : wpar_error_errno(err,
							       "cannot stat "
							       "%s/%s",
							       c->src, c->rel.buf);
		else if (!(c->opts->exclude && c->opts->exclude(c->rel.buf, &st, c->opts->data)))
			r = copy_entry(c, sfd, de->d_name, dfd, de->d_name, &st, err);
		if (__atomic_load_n(&c->failed, __ATOMIC_RELAXED) && r == 0)
			r = -1; /* a worker failed; its error is reported */
		c->rel.len = mark;
		c->rel.buf[mark] = '\0';
	}
	if (r == 0 && errno != 0)
		r = wpar_error_errno(err, "cannot read directory %s/%s", c->src, rel_or_dot(c));
	closedir(d);
	return r;
}

static int copy_dir(struct copy_ctx *c, int psfd, const char *sname, int pdfd, const char *dname,
		    const struct stat *st, bool top, wpar_error_t *err)
{
	if (mkdirat(pdfd, dname, 0700) < 0 && !(top && errno == EEXIST))
		return wpar_error_errno(err, "cannot create directory %s/%s", c->dst,
					rel_or_dot(c));
	cleanup_close int dfd =
	    openat(pdfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return wpar_error_errno(err, "cannot open directory %s/%s", c->dst, rel_or_dot(c));
	cleanup_close int sfd =
	    openat(psfd, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return wpar_error_errno(err, "cannot open directory %s/%s", c->src, rel_or_dot(c));
	if (top)
		c->dst_root = dfd;
	bool descend = top || !(c->opts->one_file_system && below_mount(c, st));
	if (descend && copy_dir_entries(c, sfd, dfd, err) < 0)
		return -1;
	/* After the entries: creating them changed the mtime. */
	return apply_meta(sfd, dfd, st, rel_or_dot(c), err);
}

static int copy_entry(struct copy_ctx *c, int psfd, const char *sname, int pdfd, const char *dname,
		      const struct stat *st, wpar_error_t *err)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_dir(c, psfd, sname, pdfd, dname, st, false, err);
	case S_IFREG:
		return copy_regular(c, psfd, sname, pdfd, dname, st, err);
	case S_IFLNK:
		return copy_symlink(c, psfd, sname, pdfd, dname, st, err);
	default:
		return copy_special(c, pdfd, dname, st, err);
	}
}

static int copy_top(struct copy_ctx *c, const struct stat *st, wpar_error_t *err)
{
	if (S_ISDIR(st->st_mode))
		return copy_dir(c, AT_FDCWD, c->src, AT_FDCWD, c->dst, st, true, err);
	return copy_entry(c, AT_FDCWD, c->src, AT_FDCWD, c->dst, st, err);
}

int wpar_copytree(const char *src, const char *dst, const struct wpar_copy_opts *opts,
		  wpar_error_t *err)
{
	static const struct wpar_copy_opts defaults = {0};
	struct copy_ctx c = {
	    .opts = opts ? opts : &defaults, .src = src, .dst = dst, .dst_root = -1};
	struct stat st;
	if (lstat(src, &st) < 0)
		return wpar_error_errno(err, "cannot copy %s", src);
	c.src_dev = st.st_dev;
	if (c.opts->one_file_system && S_ISDIR(st.st_mode)) {
		cleanup_free char *real = realpath(src, NULL);
		if (real && wpar_mounts_under(real, &c.mounts, &c.n_mounts, err) < 0)
			return -1;
		/* Compared with paths built from `src`, so the mount points
		 * are rebased when src is not canonical. */
		for (size_t i = 0; real && i < c.n_mounts; i++) {
			char *rebased = xasprintf("%s%s", src, c.mounts[i] + strlen(real));
			free(c.mounts[i]);
			c.mounts[i] = rebased;
		}
	}
	strbuf_puts(&c.rel, "");
	workers_start(&c, c.opts->threads);

	wpar_error_t walk_err = NULL;
	int r = copy_top(&c, &st, &walk_err);
	if (r < 0) /* queued jobs need not run */
		__atomic_store_n(&c.failed, 1, __ATOMIC_RELAXED);
	workers_finish(&c);

	if (walk_err == NULL && c.worker_err != NULL)
		walk_err = steal_pointer(&c.worker_err);
	wpar_error_release(&c.worker_err);
	if (walk_err != NULL) {
		if (err && *err == NULL)
			*err = steal_pointer(&walk_err);
		wpar_error_release(&walk_err);
		r = -1;
	}
	strbuf_release(&c.rel);
	link_map_free(&c.links);
	wpar_strv_free(c.mounts, c.n_mounts);
	return r;
}

/* ------------------------------------------------------------------ */
/* Removal                                                              */

struct rm_ctx {
	dev_t dev;
	struct strbuf path; /* for messages */
};

/* The descriptor must be a directory of the same file system as the top,
 * and not the root of any mount (bind mounts keep the device number). */
static int rm_check_same_mount(struct rm_ctx *r, int fd, wpar_error_t *err)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, &stx) < 0)
		return wpar_error_errno(err, "cannot stat %s", r->path.buf);
	if (makedev(stx.stx_dev_major, stx.stx_dev_minor) != r->dev ||
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT &&
	     stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return wpar_error_input(err,
					"refusing to remove %s: a file system "
					"is mounted there",
					r->path.buf);
	return 0;
}

static int rm_entries(struct rm_ctx *r, int fd, wpar_error_t *err);

static int rm_entry(struct rm_ctx *r, int dfd, const char *name, wpar_error_t *err)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : wpar_error_errno(err, "cannot stat %s", r->path.buf);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
			return wpar_error_errno(err, "cannot remove %s", r->path.buf);
		return 0;
	}
	if (st.st_dev != r->dev)
		return wpar_error_input(err,
					"refusing to remove %s: a file system "
					"is mounted there",
					r->path.buf);
	int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0)
		return wpar_error_errno(err, "cannot open %s", r->path.buf);
	if (rm_check_same_mount(r, cfd, err) < 0) {
		close(cfd);
		return -1;
	}
	if (rm_entries(r, cfd, err) < 0)
		return -1;
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot remove %s", r->path.buf);
	return 0;
}

/* Consumes fd. */
static int rm_entries(struct rm_ctx *r, int fd, wpar_error_t *err)
{
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return wpar_error_errno(err, "cannot read %s", r->path.buf);
	}
	int ret = 0;
	struct dirent *de;
	while (ret == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		size_t mark = r->path.len;
		strbuf_printf(&r->path, "/%s", de->d_name);
		ret = rm_entry(r, dirfd(d), de->d_name, err);
		r->path.len = mark;
		r->path.buf[mark] = '\0';
	}
	if (ret == 0 && errno != 0)
		ret = wpar_error_errno(err, "cannot read %s", r->path.buf);
	closedir(d);
	return ret;
}

int wpar_remove_tree(const char *path, wpar_error_t *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : wpar_error_errno(err, "cannot stat %s", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return wpar_error_errno(err, "cannot remove %s", path);
		return 0;
	}
	cleanup_free char *real = realpath(path, NULL);
	if (real == NULL)
		return wpar_error_errno(err, "cannot resolve %s", path);

	/* Checked before anything is removed, so a mounted file system
	 * leaves the tree whole rather than half deleted. */
	char **mounts = NULL;
	size_t n = 0;
	if (wpar_mounts_under(real, &mounts, &n, err) < 0)
		return -1;
	if (n > 0) {
		wpar_error_input(err,
				 "refusing to remove %s: a file system is "
				 "mounted at %s",
				 real, mounts[0]);
		wpar_strv_free(mounts, n);
		return -1;
	}
	wpar_strv_free(mounts, n);

	int fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return wpar_error_errno(err, "cannot open %s", real);
	struct rm_ctx r = {.dev = st.st_dev};
	strbuf_puts(&r.path, real);
	int ret = rm_check_same_mount(&r, fd, err);
	if (ret < 0)
		close(fd);
	else
		ret = rm_entries(&r, fd, err);
	strbuf_release(&r.path);
	if (ret < 0)
		return -1;
	if (rmdir(real) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot remove %s", real);
	return 0;
}
