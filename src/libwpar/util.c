#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (p == NULL)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *r = strdup(s);
	if (r == NULL)
		abort();
	return r;
}

char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (r == NULL)
		abort();
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	return s;
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->buf = xrealloc(sb->buf, cap);
	sb->cap = cap;
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	strbuf_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *strbuf_steal(struct strbuf *sb)
{
	if (sb->buf == NULL)
		return xstrdup("");
	char *r = sb->buf;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return r;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

int read_file(const char *path, char **out, size_t *len, wpar_error_t *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wpar_error_errno(err, "cannot open %s", path);
	struct strbuf sb = {0};
	char chunk[8192];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			strbuf_release(&sb);
			return wpar_error_errno(err, "cannot read %s", path);
		}
		if (n == 0)
			break;
		strbuf_add(&sb, chunk, (size_t)n);
	}
	if (len)
		*len = sb.len;
	*out = strbuf_steal(&sb);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_parent(const char *path)
{
	cleanup_free char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	return fsync(dfd);
}

static int write_file_replace_how(const char *path, const char *data, size_t len, mode_t mode,
				  bool durable, wpar_error_t *err)
{
	cleanup_free char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return wpar_error_errno(err, "cannot create %s", tmp);
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		return wpar_error_make(err, saved, "cannot write %s", tmp);
	}
	if (close(fd) < 0) {
		int saved = errno;
		unlink(tmp);
		return wpar_error_make(err, saved, "cannot write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		return wpar_error_make(err, saved, "cannot rename %s to %s", tmp, path);
	}
	if (durable && fsync_parent(path) < 0)
		return wpar_error_errno(err, "cannot sync the directory of %s", path);
	return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
		      wpar_error_t *err)
{
	return write_file_replace_how(path, data, len, mode, true, err);
}

int write_file_replace(const char *path, const char *data, size_t len, mode_t mode,
		       wpar_error_t *err)
{
	return write_file_replace_how(path, data, len, mode, false, err);
}

int mkdir_p(const char *path, mode_t mode, wpar_error_t *err)
{
	cleanup_free char *p = xstrdup(path);
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return wpar_error_errno(err, "cannot create directory %s", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0) {
		struct stat st;
		if (errno != EEXIST)
			return wpar_error_errno(err, "cannot create directory %s", p);
		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			return wpar_error_make(err, ENOTDIR, "cannot create directory %s", p);
	}
	return 0;
}

bool path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return errno == ENOENT;
	struct dirent *de;
	bool empty = true;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

int parse_yes_no(const char *s)
{
	static const char *yes[] = {"yes", "y", "true", "1"};
	static const char *no[] = {"no", "n", "false", "0"};
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

int parse_long(const char *s, long long *out)
{
	/* strtoll alone would take leading blanks and '+'. */
	if (s == NULL ||
	    !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

#include <linux/openat2.h>
#include <sys/syscall.h>

static int open_in_root(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .mode = (flags & O_CREAT) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

static const char *skip_slashes(const char *rel)
{
	while (*rel == '/')
		rel++;
	return rel;
}

int write_file_in_root(const char *root, const char *rel, const char *data, size_t len, mode_t mode,
		       wpar_error_t *err)
{
	rel = skip_slashes(rel);
	cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return wpar_error_errno(err, "cannot open %s", root);
	cleanup_free char *dir = xstrdup(rel);
	char *slash = strrchr(dir, '/');
	const char *base = rel;
	cleanup_close int dfd = -1;
	if (slash) {
		*slash = '\0';
		base = rel + (slash - dir) + 1;
		dfd = open_in_root(rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
	} else {
		dfd = dup(rootfd);
	}
	if (dfd < 0)
		return wpar_error_errno(err, "cannot open %s/%s", root, dir);
	cleanup_free char *tmp = xasprintf(".%s.wpar-tmp", base);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return wpar_error_errno(err, "cannot create %s/%s", root, rel);
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		return wpar_error_make(err, saved, "cannot write %s/%s", root, rel);
	}
	close(fd);
	if (renameat(dfd, tmp, dfd, base) < 0) {
		int saved = errno;
		unlinkat(dfd, tmp, 0);
		return wpar_error_make(err, saved, "cannot replace %s/%s", root, rel);
	}
	return 0;
}

int read_file_in_root(const char *root, const char *rel, char **out, wpar_error_t *err)
{
	cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return wpar_error_errno(err, "cannot open %s", root);
	cleanup_close int fd = open_in_root(rootfd, skip_slashes(rel), O_RDONLY, 0);
	if (fd < 0)
		return wpar_error_errno(err, "cannot open %s/%s", root, skip_slashes(rel));
	cleanup_free char *path = xasprintf("/proc/self/fd/%d", fd);
	return read_file(path, out, NULL, err);
}

int mkdir_in_root(const char *root, const char *rel, mode_t mode, wpar_error_t *err)
{
	int cur = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return wpar_error_errno(err, "cannot open %s", root);
	cleanup_free char *copy = xstrdup(skip_slashes(rel));
	char *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, "..") == 0 || strcmp(c, ".") == 0) {
			close(cur);
			return wpar_error_input(err, "%s: '.' and '..' are not allowed", rel);
		}
		if (mkdirat(cur, c, mode) < 0 && errno != EEXIST) {
			int saved = errno;
			close(cur);
			return wpar_error_make(err, saved, "cannot create %s/%s", root, rel);
		}
		/* O_NOFOLLOW: a link planted inside the WPAR is refused,
		 * never followed out of the tree. */
		int next = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int saved = errno;
		close(cur);
		if (next < 0)
			return wpar_error_make(
			    err, saved, "cannot open %s/%s (a symbolic link is not followed)", root,
			    rel);
		cur = next;
	}
	close(cur);
	return 0;
}

bool flock_is_held(const char *path)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

void progress_line(FILE *f, const char *fmt, ...)
{
	if (f == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

void wpar_timing_mark(const char *phase)
{
	static int enabled = -1;
	static struct timespec start;
	if (enabled < 0) {
		enabled = getenv("WPAR_TIMING") != NULL;
		clock_gettime(CLOCK_MONOTONIC, &start);
	}
	if (!enabled)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms =
	    (double)(now.tv_sec - start.tv_sec) * 1e3 + (double)(now.tv_nsec - start.tv_nsec) / 1e6;
	/* One write, so that lines of the processes of a run do not mix. */
	char line[128];
	int n = snprintf(line, sizeof(line), "wpar-timing %d %.3f %s\n", (int)getpid(), ms, phase);
	if (write(2, line, (size_t)n) < 0) {
		/* tracing only */
	}
}

long long monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const char *str_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}
