#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static int make(wpar_error_t *err, int status, bool with_strerror, const char *fmt, va_list ap)
{
	if (err == NULL || *err != NULL)
		return -1;
	struct wpar_error *e = calloc(1, sizeof(*e));
	char *msg = vformat(fmt, ap);
	if (e == NULL || msg == NULL)
		abort();
	if (status != 0 && with_strerror) {
		char *full = NULL;
		if (asprintf(&full, "%s: %s", msg, strerror(status)) < 0)
			abort();
		free(msg);
		msg = full;
	}
	e->status = status;
	e->msg = msg;
	*err = e;
	return -1;
}

int wpar_error_make(wpar_error_t *err, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	make(err, status, true, fmt, ap);
	va_end(ap);
	return -1;
}

int wpar_error_status(wpar_error_t *err, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	make(err, status, false, fmt, ap);
	va_end(ap);
	return -1;
}

int wpar_error_prefix(wpar_error_t *err, const char *fmt, ...)
{
	if (err == NULL || *err == NULL)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *ctx = vformat(fmt, ap);
	va_end(ap);
	if (ctx == NULL)
		abort();
	char *full = NULL;
	if (asprintf(&full, "%s: %s", ctx, (*err)->msg) < 0)
		abort();
	free(ctx);
	free((*err)->msg);
	(*err)->msg = full;
	return -1;
}

void wpar_error_release(wpar_error_t *err)
{
	if (err == NULL || *err == NULL)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}

int wpar_error_report(const char *prog, wpar_error_t *err)
{
	if (err != NULL && *err != NULL)
		fprintf(stderr, "%s: %s\n", prog, (*err)->msg);
	wpar_error_release(err);
	return 1;
}
