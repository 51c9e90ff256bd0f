/* lswpar: list workload partitions and their properties, in AIX's forms
 * (table, paragraphs, colon-delimited) or as JSON. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "spec.h"
#include "state.h"
#include "store.h"
#include "table.h"
#include "util.h"
#include "views.h"

static const char *prog = "lswpar";

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s [-s states] [-t types] [-G|-R|-N|-S|-I|-M|-D|-X|-L]\n"
		"       %*s [-a fieldlist] [-c [-d delim] | -j] [-q] [wparName ...]\n"
		"\n"
		"  -s states   only WPARs in these states (letters D T A B L F P M)\n"
		"  -t types    only WPARs of these types (S system, A application)\n"
		"  -G -R -S    general, resource control, security paragraphs\n"
		"  -N -I -M    network, routes, file systems\n"
		"  -D -X       exported devices, kernel extensions\n"
		"  -L          everything, in long paragraph form\n"
		"  -a fields   show only these fields (comma-separated keys)\n"
		"  -c          colon-delimited output; -d delim changes the colon\n"
		"  -q          no header lines\n"
		"  -j, --json  JSON output\n",
		prog, (int)strlen(prog), "");
}

struct options {
	int view; /* enum wpar_view, or -1 for -L */
	char view_flag;
	const char *states;
	const char *types;
	const char *fields;
	bool delimited;
	char delim;
	bool quiet;
	bool json;
};

enum { VIEW_LONG = -1 };

static int set_view(struct options *o, char flag, int view)
{
	if (o->view_flag && o->view_flag != flag) {
		fprintf(stderr, "%s: -%c and -%c cannot be used together\n", prog, o->view_flag,
			flag);
		return -1;
	}
	o->view_flag = flag;
	o->view = view;
	return 0;
}

static int check_letters(const char *flag, const char *letters, bool (*valid)(char))
{
	if (letters[0] == '\0') {
		fprintf(stderr, "%s: %s needs at least one letter\n", prog, flag);
		return -1;
	}
	for (const char *p = letters; *p; p++)
		if (!valid((char)toupper((unsigned char)*p))) {
			fprintf(stderr, "%s: %s: '%c' is not a valid letter\n", prog, flag, *p);
			return -1;
		}
	return 0;
}

static bool valid_state(char c)
{
	return wpar_state_from_letter(c) > 0;
}
static bool valid_type(char c)
{
	return c == WPAR_SYSTEM || c == WPAR_APPLICATION;
}

/* Letters given to -s and -t may be in either case. */
static bool letter_in(const char *letters, char c)
{
	for (const char *p = letters; *p; p++)
		if (toupper((unsigned char)*p) == c)
			return true;
	return false;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static const struct {
		char flag;
		int view;
	} view_flags[] = {
	    {'G', WPAR_VIEW_GENERAL}, {'R', WPAR_VIEW_RESOURCES},  {'S', WPAR_VIEW_SECURITY},
	    {'N', WPAR_VIEW_NETWORK}, {'I', WPAR_VIEW_ROUTES},     {'M', WPAR_VIEW_MOUNTS},
	    {'D', WPAR_VIEW_DEVICES}, {'X', WPAR_VIEW_EXTENSIONS}, {'L', VIEW_LONG},
	};
	int c;
	*o = (struct options){.view = WPAR_VIEW_SUMMARY};
	while ((c = getopt_long(argc, argv, "s:t:GRSNIMDXLa:cd:qjh", longopts, NULL)) != -1) {
		bool is_view = false;
		for (size_t i = 0; i < ARRAY_SIZE(view_flags); i++)
			if (c == view_flags[i].flag) {
				if (set_view(o, (char)c, view_flags[i].view) < 0)
					return -1;
				is_view = true;
			}
		if (is_view)
			continue;
		switch (c) {
		case 's':
			o->states = optarg;
			break;
		case 't':
			o->types = optarg;
			break;
		case 'a':
			o->fields = optarg;
			break;
		case 'c':
			o->delimited = true;
			break;
		case 'd':
			/* AIX takes -d alone as the delimited form too. */
			if (strlen(optarg) != 1) {
				fprintf(stderr, "%s: -d takes one character\n", prog);
				return -1;
			}
			o->delimited = true;
			o->delim = optarg[0];
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage();
			exit(0);
		default:
			return -1;
		}
	}
	if (o->states && check_letters("-s", o->states, valid_state) < 0)
		return -1;
	if (o->types && check_letters("-t", o->types, valid_type) < 0)
		return -1;
	if (o->json && (o->delimited || o->quiet)) {
		fprintf(stderr, "%s: -j cannot be combined with -c, -d or -q\n", prog);
		return -1;
	}
	if (o->view == VIEW_LONG && (o->fields || o->delimited)) {
		fprintf(stderr, "%s: -L cannot be combined with -a, -c or -d\n", prog);
		return -1;
	}
	return 0;
}

struct name_list {
	char **v;
	size_t n, cap;
};

static void name_list_add(struct name_list *l, const char *name)
{
	/* Overlapping patterns must not list a WPAR twice. */
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(name);
}

static bool is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The WPARs to look at, in the order asked: everything when no operand is
 * given, else each operand, a shell pattern standing for the defined
 * WPARs it matches.  A plain name is kept even when it does not exist, so
 * that loading it reports AIX's "could not find" message in its place. */
static int select_names(char **operands, size_t n_operands, struct name_list *out,
			wpar_error_t *err)
{
	char **all = NULL;
	size_t n_all = 0;
	bool need_all = n_operands == 0;
	for (size_t i = 0; i < n_operands; i++)
		need_all |= is_pattern(operands[i]);
	if (need_all && wpar_store_list(&all, &n_all, err) < 0)
		return -1;
	if (n_operands == 0) {
		out->v = all;
		out->n = out->cap = n_all;
		return 0;
	}
	for (size_t i = 0; i < n_operands; i++) {
		if (!is_pattern(operands[i])) {
			name_list_add(out, operands[i]);
			continue;
		}
		for (size_t j = 0; j < n_all; j++)
			if (fnmatch(operands[i], all[j], 0) == 0)
				name_list_add(out, all[j]);
	}
	wpar_names_free(all, n_all);
	return 0;
}

static int write_output(const struct strbuf *out, json_t *json)
{
	bool ok = true;
	errno = 0;
	if (json != NULL)
		ok = json_dumpf(json, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF;
	else if (out->len > 0)
		ok = fwrite(out->buf, 1, out->len, stdout) == out->len;
	if (fflush(stdout) == EOF || ferror(stdout) || !ok) {
		fprintf(stderr, "%s: cannot write the listing: %s\n", prog,
			strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	if (parse_options(argc, argv, &o) < 0) {
		usage();
		return 1;
	}

	cleanup_error wpar_error_t err = NULL;
	struct name_list names = {0};
	if (select_names(argv + optind, (size_t)(argc - optind), &names, &err) < 0)
		return wpar_error_report(prog, &err);

	cleanup_table struct table *t = o.view == VIEW_LONG ? NULL : wpar_view_table(o.view);
	if (o.fields && table_select(t, o.fields, &err) < 0) {
		wpar_names_free(names.v, names.n);
		wpar_error_prefix(&err, "-a");
		return wpar_error_report(prog, &err);
	}

	int rc = 0;
	size_t shown = 0;
	struct strbuf out = {0};
	json_t *long_json = o.view == VIEW_LONG && o.json ? json_array() : NULL;
	for (size_t i = 0; i < names.n; i++) {
		cleanup_spec struct wpar_spec *spec = NULL;
		/* One WPAR that cannot be read must not hide the others. */
		if (wpar_store_load(names.v[i], &spec, &err) < 0) {
			rc = wpar_error_report(prog, &err);
			continue;
		}
		struct wpar_view_subject w = {
		    .name = names.v[i],
		    .spec = spec,
		    .state = wpar_state_effective(names.v[i], NULL),
		};
		if (o.states && !letter_in(o.states, (char)w.state))
			continue;
		if (o.types && !letter_in(o.types, (char)wpar_spec_type(spec)))
			continue;
		unsigned flags = wpar_view_flags_for_state(w.state);
		if (long_json != NULL) {
			json_array_append_new(long_json, wpar_view_long_json(&w, flags));
		} else if (o.view == VIEW_LONG) {
			if (shown > 0)
				strbuf_add(&out, "\n", 1);
			wpar_view_render_long(&w, flags, &out);
		} else {
			wpar_view_add(o.view, &w, flags, t);
		}
		shown++;
	}
	wpar_names_free(names.v, names.n);

	json_t *json = long_json;
	if (t != NULL && o.json) {
		json = table_to_json(t);
	} else if (t != NULL) {
		struct table_format fmt = {
		    .style = o.delimited                      ? TABLE_DELIMITED
			     : wpar_view_is_paragraph(o.view) ? TABLE_PARAGRAPH
							      : TABLE_ALIGNED,
		    .delim = o.delim,
		    .no_header = o.quiet,
		    /* A WPAR without routes still gets the header, so an
		     * empty listing reads as "none", not as a failure. */
		    .header_if_empty = shown > 0,
		};
		table_render(t, &fmt, &out);
	}
	if (write_output(&out, json) < 0)
		rc = 1;
	json_decref(json);
	strbuf_release(&out);
	return rc;
}
