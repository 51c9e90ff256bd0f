#include "cmdline.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

bool wpar_cmdline_is_attr_word(const char *word)
{
	const char *p = word;
	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (*p == '+' || *p == '-')
		p++;
	return *p == '=';
}

const char *wpar_cmdline_attr_value(char *const *words, size_t n, const char *attr)
{
	size_t len = strlen(attr);
	for (size_t i = 0; i < n; i++)
		if (strncmp(words[i], attr, len) == 0 && words[i][len] == '=')
			return words[i] + len + 1;
	return NULL;
}

bool wpar_accept_not_option(const char *word)
{
	return word[0] != '-' && !wpar_cmdline_is_attr_word(word);
}

bool wpar_accept_abs_path(const char *word)
{
	return word[0] == '/';
}

bool wpar_accept_uuid(const char *word)
{
	if (strlen(word) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? word[i] != '-' : !isxdigit((unsigned char)word[i]))
			return false;
	}
	return true;
}

static const struct wpar_optdef *find_def(const struct wpar_optdef *defs, size_t n, char flag)
{
	for (size_t i = 0; i < n; i++)
		if (defs[i].flag == flag)
			return &defs[i];
	return NULL;
}

static struct wpar_opt *add_opt(struct wpar_cmdline *cl, char flag)
{
	cl->opts = xrealloc(cl->opts, (cl->n_opts + 1) * sizeof(*cl->opts));
	struct wpar_opt *o = &cl->opts[cl->n_opts++];
	memset(o, 0, sizeof(*o));
	o->flag = flag;
	return o;
}

static void add_word(struct wpar_opt *o, const char *w)
{
	o->words = xrealloc(o->words, (o->n_words + 1) * sizeof(char *));
	o->words[o->n_words++] = xstrdup(w);
}

static void add_operand(struct wpar_cmdline *cl, const char *w)
{
	cl->operands = xrealloc(cl->operands, (cl->n_operands + 1) * sizeof(char *));
	cl->operands[cl->n_operands++] = xstrdup(w);
}

int wpar_cmdline_parse(int argc, char **argv, const struct wpar_optdef *defs, size_t n_defs,
		       bool stop_at_operand, struct wpar_cmdline *out, wpar_error_t *err)
{
	struct wpar_cmdline cl = {0};
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (stop_at_operand)
				break;
			add_operand(&cl, a);
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const struct wpar_optdef *d = find_def(defs, n_defs, *p);
			if (d == NULL) {
				wpar_cmdline_release(&cl);
				return wpar_error_input(err, "unknown flag -%c", *p);
			}
			struct wpar_opt *o = add_opt(&cl, *p);
			if (d->kind == WPAR_OPT_FLAG)
				continue;
			if (d->kind == WPAR_OPT_ATTRS) {
				/* The words that follow, as long as they look
				 * like attr=value; an empty list is for the
				 * caller to judge (chwpar -K -R is valid). */
				if (p[1] != '\0') {
					if (!wpar_cmdline_is_attr_word(p + 1)) {
						wpar_cmdline_release(&cl);
						return wpar_error_input(
						    err,
						    "-%c: '%s' is not of the form attribute=value",
						    *p, p + 1);
					}
					add_word(o, p + 1);
				}
				while (i + 1 < argc && wpar_cmdline_is_attr_word(argv[i + 1]))
					add_word(o, argv[++i]);
				break;
			}
			/* An optional argument is never attached: AIX's
			 * "mkwpar -pf spec" is -p -f spec. */
			if (d->kind == WPAR_OPT_OPTARG && p[1] != '\0')
				continue;
			const char *arg = NULL;
			if (p[1] != '\0') {
				arg = p + 1;
			} else if (i + 1 < argc && (d->kind != WPAR_OPT_OPTARG ||
						    (d->accept && d->accept(argv[i + 1])))) {
				arg = argv[++i];
			}
			if (arg == NULL && d->kind != WPAR_OPT_OPTARG) {
				wpar_cmdline_release(&cl);
				return wpar_error_input(err, "flag -%c needs an argument", *p);
			}
			if (arg != NULL)
				o->arg = xstrdup(arg);
			break; /* the rest of the cluster was the argument */
		}
	}
	for (; i < argc; i++)
		add_operand(&cl, argv[i]);
	*out = cl;
	return 0;
}

void wpar_cmdline_release(struct wpar_cmdline *cl)
{
	for (size_t i = 0; i < cl->n_opts; i++) {
		free(cl->opts[i].arg);
		for (size_t j = 0; j < cl->opts[i].n_words; j++)
			free(cl->opts[i].words[j]);
		free(cl->opts[i].words);
	}
	free(cl->opts);
	for (size_t i = 0; i < cl->n_operands; i++)
		free(cl->operands[i]);
	free(cl->operands);
	memset(cl, 0, sizeof(*cl));
}

const struct wpar_opt *wpar_cmdline_last(const struct wpar_cmdline *cl, char flag)
{
	for (size_t i = cl->n_opts; i > 0; i--)
		if (cl->opts[i - 1].flag == flag)
			return &cl->opts[i - 1];
	return NULL;
}

bool wpar_cmdline_has(const struct wpar_cmdline *cl, char flag)
{
	return wpar_cmdline_last(cl, flag) != NULL;
}

char *wpar_cmdline_take_long(int *argc, char **argv, const char *name, bool *missing)
{
	size_t len = strlen(name);
	*missing = false;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, len) != 0)
			continue;
		const char *rest = a + 2 + len;
		int used = 1;
		char *value = NULL;
		if (*rest == '=')
			value = xstrdup(rest + 1);
		else if (*rest == '\0' && i + 1 < *argc)
			value = xstrdup(argv[i + 1]), used = 2;
		else if (*rest != '\0')
			continue;
		else
			*missing = true;
		memmove(&argv[i], &argv[i + used], (size_t)(*argc - i - used + 1) * sizeof(char *));
		*argc -= used;
		return value;
	}
	return NULL;
}
