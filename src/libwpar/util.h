/* Small helpers shared by every module: cleanup attributes, a growable
 * string buffer, whole-file reads and atomic writes. */
#ifndef WPAR_UTIL_H
#define WPAR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

static inline void wpar_freep(void *p)
{
	free(*(void **)p);
}
static inline void wpar_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void wpar_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define cleanup_free   __attribute__((cleanup(wpar_freep)))
#define cleanup_close  __attribute__((cleanup(wpar_closep)))
#define cleanup_fclose __attribute__((cleanup(wpar_fclosep)))
#define cleanup_error  __attribute__((cleanup(wpar_error_release)))

/* Transfers ownership out of a cleanup variable. */
#define steal_pointer(pp)                                                                          \
	({                                                                                         \
		__typeof__(*(pp)) _p = *(pp);                                                      \
		*(pp) = NULL;                                                                      \
		_p;                                                                                \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failures abort: a management command that runs out of memory
 * cannot do anything sensible, and checking every strdup hides real logic. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct strbuf {
	char *buf;
	size_t len, cap;
};
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *strbuf_steal(struct strbuf *sb); /* never NULL */
void strbuf_release(struct strbuf *sb);

/* Reads a whole file; *out is NUL-terminated. */
int read_file(const char *path, char **out, size_t *len, wpar_error_t *err);

/* Writes `path` atomically: a temporary file in the same directory, fsync,
 * rename over the target, fsync of the directory. */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
		      wpar_error_t *err);
/* The same without fsync: readers never see a partial file, but after a
 * host crash the old content (or none) may come back.  For records that
 * mean nothing after a reboot (running state, /run) and for the
 * definitions of application WPARs that live only as long as their
 * command. */
int write_file_replace(const char *path, const char *data, size_t len, mode_t mode,
		       wpar_error_t *err);

/* mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode, wpar_error_t *err);

bool path_exists(const char *path);
bool dir_is_empty(const char *path); /* true also when it does not exist */

/* "yes"/"no" style booleans as AIX spells them; accepts y/n/true/false/1/0
 * in any case. Returns -1 when the string is not a boolean. */
int parse_yes_no(const char *s);

/* Strict decimal parse of a whole string. */
int parse_long(const char *s, long long *out);

/* Writes `rel` inside the directory tree `root` atomically, resolving
 * every symbolic link as if `root` were "/" (openat2 RESOLVE_IN_ROOT): a
 * WPAR's root user may have planted links pointing at host files, and the
 * global environment must never write through them. */
int write_file_in_root(const char *root, const char *rel, const char *data, size_t len, mode_t mode,
		       wpar_error_t *err);
int read_file_in_root(const char *root, const char *rel, char **out, wpar_error_t *err);
/* mkdir -p of `rel` inside `root`, with the same protection. */
int mkdir_in_root(const char *root, const char *rel, mode_t mode, wpar_error_t *err);

/* True while some process holds an flock on `path` (a lock file the
 * kernel releases when its holder dies). */
bool flock_is_held(const char *path);

/* Prints one progress line (a newline added) on `f` when it is not NULL. */
void progress_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* With WPAR_TIMING set in the environment: "wpar-timing <pid> <ms> <phase>"
 * on stderr, milliseconds since the process's first mark (a forked child
 * counts from its parent's).  bench/exec.sh --profile reads these. */
void wpar_timing_mark(const char *phase);

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long long monotonic_ms(void);

/* Sleeps `ms` milliseconds, the whole time also when signals come. */
void sleep_ms(int ms);

/* What follows `prefix` in `s`, or NULL when `s` does not start with it. */
const char *str_after(const char *s, const char *prefix);

#endif
