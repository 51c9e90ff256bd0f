/* The one error convention of libwpar.
 *
 * Every fallible function takes a `wpar_error_t *err` as its last argument
 * and returns a negative value on failure, with *err set to an allocated
 * error object that carries an errno-style status and a message written
 * for the administrator.  Callers either handle the error (and release it)
 * or return it upward, optionally adding context with wpar_error_prefix().
 * See docs/error-handling.md. */
#ifndef WPAR_ERROR_H
#define WPAR_ERROR_H

#include <stdarg.h>

struct wpar_error {
	int status; /* errno value, 0 when the failure is not a system error */
	char *msg;
};
typedef struct wpar_error *wpar_error_t;

/* Sets *err (if err is non-NULL and *err is NULL) and returns -1.  When
 * `status` is non-zero, ": strerror(status)" is appended to the message. */
int wpar_error_make(wpar_error_t *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same status, but the message stays as written (no strerror): for
 * a message that says it all (an AIX one, "command not found") while the
 * caller still needs the errno to decide (126 or 127, ENOENT, EBUSY). */
int wpar_error_status(wpar_error_t *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, with errno as the status. */
#define wpar_error_errno(err, ...) wpar_error_make((err), errno, __VA_ARGS__)
/* A failure that is not a system error: bad input, a rule broken. */
#define wpar_error_input(err, ...) wpar_error_make((err), 0, __VA_ARGS__)

/* Prepends "context: " to the message of an existing error; returns -1. */
int wpar_error_prefix(wpar_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void wpar_error_release(wpar_error_t *err);

/* Prints "prog: message" on stderr, releases the error and returns the exit
 * status a command should end with (1). */
int wpar_error_report(const char *prog, wpar_error_t *err);

#endif
