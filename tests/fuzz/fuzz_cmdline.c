/* Fuzz target of the AIX-style command-line parser.  The input is split
 * into argv words at NUL bytes and newlines and parsed with the shape of
 * mkwpar's option table, both ways (options anywhere, and wparexec's stop
 * at the first operand).  What parses must obey the table, and the
 * attr=value words are applied to a spec as mkwpar does, whose canonical
 * text must survive a round trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "spec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 256

static const struct wpar_optdef options[] = {
    {'a', WPAR_OPT_FLAG, NULL},
    {'A', WPAR_OPT_FLAG, NULL},
    {'b', WPAR_OPT_ARG, NULL},
    {'B', WPAR_OPT_ARG, NULL},
    {'c', WPAR_OPT_FLAG, NULL},
    {'C', WPAR_OPT_FLAG, NULL},
    {'d', WPAR_OPT_ARG, NULL},
    {'D', WPAR_OPT_ATTRS, NULL},
    {'e', WPAR_OPT_ARG, NULL},
    {'E', WPAR_OPT_ARG, NULL},
    {'f', WPAR_OPT_ARG, NULL},
    {'F', WPAR_OPT_FLAG, NULL},
    {'g', WPAR_OPT_ARG, NULL},
    {'h', WPAR_OPT_ARG, NULL},
    {'i', WPAR_OPT_FLAG, NULL},
    {'I', WPAR_OPT_ATTRS, NULL},
    {'k', WPAR_OPT_ARG, NULL},
    {'l', WPAR_OPT_FLAG, NULL},
    {'L', WPAR_OPT_ATTRS, NULL},
    {'M', WPAR_OPT_ATTRS, NULL},
    {'n', WPAR_OPT_ARG, NULL},
    {'N', WPAR_OPT_ATTRS, NULL},
    {'o', WPAR_OPT_ARG, NULL},
    {'O', WPAR_OPT_FLAG, NULL},
    {'p', WPAR_OPT_OPTARG, wpar_accept_not_option},
    {'P', WPAR_OPT_FLAG, NULL},
    {'r', WPAR_OPT_FLAG, NULL},
    {'R', WPAR_OPT_ATTRS, NULL},
    {'s', WPAR_OPT_FLAG, NULL},
    {'S', WPAR_OPT_ATTRS, NULL},
    {'u', WPAR_OPT_ARG, NULL},
    {'U', WPAR_OPT_OPTARG, wpar_accept_uuid},
    {'v', WPAR_OPT_FLAG, NULL},
    {'w', WPAR_OPT_FLAG, NULL},
    {'X', WPAR_OPT_ATTRS, NULL},
};

static const struct wpar_optdef *def_of(char flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].flag == flag)
			return &options[i];
	return NULL;
}

/* The stanza each attribute flag fills in mkwpar; -1 for none. */
static int stanza_of(char flag)
{
	switch (flag) {
	case 'D':
		return WPAR_ST_DEVICE;
	case 'I':
		return WPAR_ST_ROUTE;
	case 'L':
		return WPAR_ST_LVMGMT;
	case 'M':
		return WPAR_ST_MOUNT;
	case 'N':
		return WPAR_ST_NETWORK;
	case 'R':
		return WPAR_ST_RESOURCES;
	case 'S':
		return WPAR_ST_SECURITY;
	case 'X':
		return WPAR_ST_EXTENSION;
	default:
		return -1;
	}
}

/* The general attribute each argument flag sets in mkwpar. */
static const char *general_attr_of(char flag)
{
	switch (flag) {
	case 'n':
		return "name";
	case 'h':
		return "hostname";
	case 'd':
		return "directory";
	case 'u':
		return "script";
	case 'k':
		return "postscript";
	case 'b':
		return "devices";
	case 'g':
		return "vg";
	case 'U':
		return "uuid";
	default:
		return NULL;
	}
}

static void check_and_apply(const struct wpar_cmdline *cl)
{
	struct wpar_spec *spec = wpar_spec_new();
	wpar_spec_append(spec, WPAR_ST_GENERAL);
	for (size_t i = 0; i < cl->n_opts; i++) {
		const struct wpar_opt *o = &cl->opts[i];
		const struct wpar_optdef *d = def_of(o->flag);
		if (d == NULL)
			abort();
		switch (d->kind) {
		case WPAR_OPT_FLAG:
			if (o->arg || o->n_words || o->words)
				abort();
			break;
		case WPAR_OPT_ARG:
			if (o->arg == NULL || o->n_words)
				abort();
			break;
		case WPAR_OPT_OPTARG:
			if (o->n_words || (o->arg && !d->accept(o->arg)))
				abort();
			break;
		case WPAR_OPT_ATTRS:
			if (o->arg)
				abort();
			for (size_t w = 0; w < o->n_words; w++)
				if (!wpar_cmdline_is_attr_word(o->words[w]))
					abort();
			break;
		}
		if (wpar_cmdline_last(cl, o->flag) == NULL)
			abort();

		wpar_error_t err = NULL;
		int r = 0;
		const char *attr = general_attr_of(o->flag);
		int kind = stanza_of(o->flag);
		if (attr && o->arg)
			r = wpar_spec_set(spec, WPAR_ST_GENERAL, 0, attr, o->arg, &err);
		else if (kind >= 0) {
			char flagname[3] = {'-', o->flag, '\0'};
			cleanup_free char *before = wpar_spec_write(spec);
			r = wpar_spec_add_words(spec, kind, flagname, o->words, o->n_words, &err);
			if (r < 0) {
				/* A refused list leaves the spec unchanged. */
				cleanup_free char *after = wpar_spec_write(spec);
				if (strcmp(before, after) != 0)
					abort();
			}
		}
		if (r < 0) {
			if (err == NULL || err->msg == NULL)
				abort();
			wpar_error_release(&err);
		} else if (err != NULL) {
			abort();
		}
	}

	/* What the flags built must survive the spec file. */
	char *first = wpar_spec_write(spec);
	struct wpar_spec *again = NULL;
	wpar_error_t err = NULL;
	if (wpar_spec_parse(first, strlen(first), "canonical", &again, &err) < 0) {
		fprintf(stderr, "canonical text does not parse: %s\n--- text ---\n%s", err->msg,
			first);
		abort();
	}
	char *second = wpar_spec_write(again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "round trip differs\n--- first ---\n%s--- second ---\n%s", first,
			second);
		abort();
	}
	if (wpar_spec_validate(spec, &err) < 0)
		wpar_error_release(&err);
	free(second);
	wpar_spec_free(again);
	free(first);
	wpar_spec_free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_WORDS + 2];
	int argc = 0;
	argv[argc++] = xstrdup("mkwpar");
	size_t start = 0;
	for (size_t i = 0; i <= size && argc <= MAX_WORDS; i++) {
		if (i == size && i == start)
			break; /* no empty word after a final separator */
		if (i == size || data[i] == '\0' || data[i] == '\n') {
			argv[argc++] = xstrndup((const char *)data + start, i - start);
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	for (int stop = 0; stop <= 1; stop++) {
		struct wpar_cmdline cl = {0};
		wpar_error_t err = NULL;
		if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), stop, &cl, &err) <
		    0) {
			if (err == NULL || err->msg == NULL || cl.n_opts || cl.n_operands)
				abort();
			wpar_error_release(&err);
			continue;
		}
		if (err != NULL)
			abort();
		for (size_t i = 0; i < cl.n_operands; i++)
			if (cl.operands[i] == NULL)
				abort();
		check_and_apply(&cl);
		wpar_cmdline_release(&cl);
	}

	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
