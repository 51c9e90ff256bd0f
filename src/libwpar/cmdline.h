/* Command lines the AIX way: clustered flags (-Fv), flags with an
 * argument (-n name, -nname), flags with an optional argument (-p [name],
 * -U [UUID]) and flags that take a list of attr=value words
 * (-M directory=/var vfs=jfs2 size=512M), repeatable. */
#ifndef WPAR_CMDLINE_H
#define WPAR_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum wpar_optkind {
	WPAR_OPT_FLAG,   /* -v */
	WPAR_OPT_ARG,    /* -n name */
	WPAR_OPT_OPTARG, /* -p [name]: takes the next word if accept() says so */
	WPAR_OPT_ATTRS,  /* -M a=b c=d ... */
};

struct wpar_optdef {
	char flag;
	enum wpar_optkind kind;
	/* For WPAR_OPT_OPTARG: is this next word the flag's argument? */
	bool (*accept)(const char *word);
};

struct wpar_opt {
	char flag;
	char *arg;    /* WPAR_OPT_ARG / OPTARG (NULL when absent) */
	char **words; /* WPAR_OPT_ATTRS */
	size_t n_words;
};

struct wpar_cmdline {
	struct wpar_opt *opts; /* in the order given */
	size_t n_opts;
	char **operands;
	size_t n_operands;
};

/* With stop_at_operand, the first operand ends option parsing (wparexec's
 * command and its arguments).  "--" always does. */
int wpar_cmdline_parse(int argc, char **argv, const struct wpar_optdef *defs, size_t n_defs,
		       bool stop_at_operand, struct wpar_cmdline *out, wpar_error_t *err);
void wpar_cmdline_release(struct wpar_cmdline *cl);

/* Looks up the last occurrence of a flag; NULL when not given. */
const struct wpar_opt *wpar_cmdline_last(const struct wpar_cmdline *cl, char flag);
bool wpar_cmdline_has(const struct wpar_cmdline *cl, char flag);

/* "attr=value", "attr+=value" or "attr-=value" with attr an identifier. */
bool wpar_cmdline_is_attr_word(const char *word);

/* The value of the first "attr=value" among `words`, or NULL. */
const char *wpar_cmdline_attr_value(char *const *words, size_t n, const char *attr);

/* Removes "--name=value" or "--name value" from argv (the project's own
 * options beside AIX's letters, such as --init) and returns the value, or
 * NULL when absent; *missing is set when the option has no value. */
char *wpar_cmdline_take_long(int *argc, char **argv, const char *name, bool *missing);

/* Accept functions for WPAR_OPT_OPTARG. */
bool wpar_accept_not_option(const char *word);
bool wpar_accept_uuid(const char *word);
bool wpar_accept_abs_path(const char *word);

#endif
