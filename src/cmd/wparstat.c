/* wparstat: what running workload partitions use (CPU, memory, tasks,
 * PTYs, disk and network I/O), per interval, as a table or as JSON: the
 * WPAR view of AIX's topas -@ and wlmstat -@.  The numbers and what they
 * mean come from libwpar's usage.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "table.h"
#include "usage.h"
#include "util.h"

static const char *prog = "wparstat";

#define INTERVAL_MIN_MS 10
#define INTERVAL_MAX_MS (86400 * 1000)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j] [-i seconds] [-c count] [wparName ...]\n"
		"\n"
		"  -i seconds  length of each interval (default 1; decimals allowed)\n"
		"  -c count    number of intervals (default 1; 0: until interrupted)\n"
		"  -j, --json  one JSON object per interval, one per line\n"
		"\n"
		"Without wparName, every Active workload partition.\n",
		prog);
}

struct options {
	bool json;
	int interval_ms;
	long long count;
};

/* "1", "0.5", "2.25": seconds as milliseconds, within the limits. */
static int parse_interval(const char *s, int *ms)
{
	size_t digits = strspn(s, "0123456789");
	const char *frac = s + digits;
	size_t fdigits = 0;
	if (*frac == '.') {
		fdigits = strspn(frac + 1, "0123456789");
		if (frac[1 + fdigits] != '\0')
			return -1;
	} else if (*frac != '\0') {
		return -1;
	}
	if (digits + fdigits == 0 || digits > 6)
		return -1;
	long long v = 0;
	for (size_t i = 0; i < digits; i++)
		v = v * 10 + (s[i] - '0');
	v *= 1000;
	long long scale = 100;
	for (size_t i = 0; i < fdigits && scale > 0; i++, scale /= 10)
		v += (frac[1 + i] - '0') * scale;
	if (v < INTERVAL_MIN_MS || v > INTERVAL_MAX_MS)
		return -1;
	*ms = (int)v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	*o = (struct options){.interval_ms = 1000, .count = 1};
	int c;
	while ((c = getopt_long(argc, argv, "ji:c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'i':
			if (parse_interval(optarg, &o->interval_ms) < 0) {
				fprintf(stderr,
					"%s: -i %s: the interval is a number of seconds from "
					"0.01 to 86400\n",
					prog, optarg);
				return -1;
			}
			break;
		case 'c':
			if (parse_long(optarg, &o->count) < 0 || o->count < 0) {
				fprintf(stderr,
					"%s: -c %s: the count is a whole number, 0 for no end\n",
					prog, optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	return 0;
}

static int write_output(const struct strbuf *out)
{
	errno = 0;
	bool ok = out->len == 0 || fwrite(out->buf, 1, out->len, stdout) == out->len;
	if (fflush(stdout) == EOF || ferror(stdout) || !ok) {
		fprintf(stderr, "%s: cannot write the report: %s\n", prog,
			strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* Reports the WPARs that could not be sampled; a WPAR that does not
 * exist is dropped from `names` (it will not appear later), one that is
 * not Active is asked for again in the next interval. */
static bool report_errors(const struct wpar_usage_report *r, char **names, size_t *n_names)
{
	bool any = false;
	for (size_t i = 0; i < r->n; i++) {
		const struct wpar_usage_entry *e = &r->entries[i];
		if (e->err == NULL)
			continue;
		fprintf(stderr, "%s: %s\n", prog, e->err->msg);
		any = true;
		if (e->err->status != ENOENT)
			continue;
		for (size_t j = 0; j < *n_names; j++) {
			if (strcmp(names[j], e->name) == 0) {
				memmove(&names[j], &names[j + 1],
					(*n_names - j - 1) * sizeof(*names));
				--*n_names;
				break;
			}
		}
	}
	return any;
}

int main(int argc, char **argv)
{
	struct options o;
	if (parse_options(argc, argv, &o) < 0) {
		usage(stderr);
		return 1;
	}
	char **names = argv + optind;
	size_t n_names = (size_t)(argc - optind);
	bool all = n_names == 0;

	int rc = 0;
	struct wpar_usage_report prev = {0}, cur = {0};
	bool have_prev = false;
	for (long long k = 0; o.count == 0 || k < o.count; k++) {
		cleanup_error wpar_error_t err = NULL;
		if (!all && n_names == 0)
			break; /* every WPAR asked for is unknown */
		if (wpar_usage_collect((const char *const *)names, n_names, o.interval_ms,
				       have_prev ? &prev : NULL, &cur, &err) < 0)
			return wpar_error_report(prog, &err);
		if (report_errors(&cur, names, &n_names))
			rc = 1;

		struct strbuf out = {0};
		if (o.json) {
			json_t *j = wpar_usage_report_json(&cur);
			char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
			json_decref(j);
			if (text == NULL)
				abort();
			strbuf_printf(&out, "%s\n", text);
			free(text);
		} else {
			cleanup_table struct table *t = wpar_usage_table(&cur);
			/* Without names, an empty table still says "nothing
			 * Active"; with names, the errors said it all. */
			struct table_format fmt = {.style = TABLE_ALIGNED,
						   .header_if_empty = all || t->n_rows > 0};
			if (k > 0)
				strbuf_puts(&out, "\n");
			table_render(t, &fmt, &out);
		}
		int w = write_output(&out);
		strbuf_release(&out);
		if (w < 0) {
			rc = 1;
			break;
		}
		if (have_prev)
			wpar_usage_report_release(&prev);
		prev = cur;
		have_prev = true;
		memset(&cur, 0, sizeof(cur));
	}
	if (have_prev)
		wpar_usage_report_release(&prev);
	return rc;
}
