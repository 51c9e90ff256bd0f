/* chwpar: change a workload partition's characteristics. */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "lifecycle.h"
#include "password.h"
#include "util.h"

static const char usage[] =
    "Usage: chwpar [-a] [-A] [-c] [-D attr=value ...] ... [-F] [-h hostName]\n"
    "        [-i] [-I attr=value ...] ... [-K] [-M attr=value ...] ... [-n newName]\n"
    "        [-N attr=value ...] ... [-P] [-R attr=value ...] [-S attr[+|-]=value ...]\n"
    "        [-u userScript] [-U [UUID]] [-v] [-X attr=value ...] ... wparName\n"
    "  -K removes the settings named by -A, -c, -i, -u, -D, -I, -M, -N, -R, -S, -X.\n";

static const struct wpar_optdef options[] = {
    {'a', WPAR_OPT_FLAG, NULL},
    {'A', WPAR_OPT_FLAG, NULL},
    {'c', WPAR_OPT_FLAG, NULL},
    {'d', WPAR_OPT_ARG, NULL},
    {'D', WPAR_OPT_ATTRS, NULL},
    {'F', WPAR_OPT_FLAG, NULL},
    {'h', WPAR_OPT_ARG, NULL},
    {'i', WPAR_OPT_FLAG, NULL},
    {'I', WPAR_OPT_ATTRS, NULL},
    {'K', WPAR_OPT_FLAG, NULL},
    {'l', WPAR_OPT_FLAG, NULL},
    {'M', WPAR_OPT_ATTRS, NULL},
    {'n', WPAR_OPT_ARG, NULL},
    {'N', WPAR_OPT_ATTRS, NULL},
    {'P', WPAR_OPT_FLAG, NULL},
    {'R', WPAR_OPT_ATTRS, NULL},
    {'S', WPAR_OPT_ATTRS, NULL},
    /* An optional argument so that "-K -u wpar" needs none. */
    {'u', WPAR_OPT_OPTARG, wpar_accept_abs_path},
    {'U', WPAR_OPT_OPTARG, wpar_accept_uuid},
    {'v', WPAR_OPT_FLAG, NULL},
    {'X', WPAR_OPT_ATTRS, NULL},
};

static int stanza_of(char flag)
{
	switch (flag) {
	case 'D':
		return WPAR_ST_DEVICE;
	case 'I':
		return WPAR_ST_ROUTE;
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

/* "-K -R" with no attributes resets the resource controls: the words of
 * -R are then the next flag's, so an empty list is allowed only with -K. */
static int build_change(const struct wpar_cmdline *cl, struct wpar_change *c, wpar_error_t *err)
{
	bool K = wpar_cmdline_has(cl, 'K');
	c->autostart = c->checkpointable = c->routing = -1;
	c->force = wpar_cmdline_has(cl, 'F');
	c->progress = stdout;
	bool any = false;
	for (size_t i = 0; i < cl->n_opts; i++) {
		const struct wpar_opt *o = &cl->opts[i];
		int kind = stanza_of(o->flag);
		if (kind >= 0) {
			c->edits = xrealloc(c->edits, (c->n_edits + 1) * sizeof(*c->edits));
			c->edits[c->n_edits++] = (struct wpar_stanza_edit){
			    .kind = kind, .words = o->words, .n_words = o->n_words, .remove = K};
			any = true;
			continue;
		}
		switch (o->flag) {
		case 'A':
			c->autostart = !K;
			break;
		case 'c':
			c->checkpointable = !K;
			break;
		case 'i':
			c->routing = !K;
			break;
		case 'u':
			if (K)
				c->clear_script = true;
			else if (o->arg == NULL)
				return wpar_error_input(err,
							"-u needs the absolute path of a script");
			else
				c->script = o->arg;
			break;
		case 'h':
			c->hostname = o->arg;
			break;
		case 'n':
			c->new_name = o->arg;
			break;
		case 'U':
			if (o->arg)
				c->uuid = o->arg;
			else
				c->new_uuid = true;
			break;
		case 'P':
			break;
		case 'd':
			return wpar_error_input(err, "-d: moving a WPAR's root directory is not "
						     "supported; use savewpar and restwpar");
		case 'l':
			return wpar_error_input(err,
						"-l: a shared WPAR cannot be turned into a "
						"detached one; create a new WPAR with mkwpar -l");
		default:
			continue; /* -a -F -K -v */
		}
		any = true;
	}
	if (!any && !wpar_cmdline_has(cl, 'P') && c->init == NULL)
		return wpar_error_input(err, "nothing to change");
	return 0;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	struct wpar_change c = {0};
	cleanup_free char *hash = NULL;
	int status = 1;
	bool init_missing;
	cleanup_free char *init = wpar_cmdline_take_long(&argc, argv, "init", &init_missing);
	if (init_missing) {
		fprintf(stderr, "chwpar: --init needs \"wpar\" or \"system\"\n");
		return 1;
	}
	c.init = init;
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, &err) < 0) {
		wpar_error_report("chwpar", &err);
		fputs(usage, stderr);
		return 1;
	}
	if (cl.n_operands != 1) {
		if (cl.n_operands > 1)
			fprintf(stderr, "chwpar: unexpected argument '%s'%s\n", cl.operands[1],
				strchr(cl.operands[1], '=')
				    ? ""
				    : " (attributes are written attr=value)");
		fputs(usage, stderr);
		goto out;
	}
	if (build_change(&cl, &c, &err) < 0) {
		status = wpar_error_report("chwpar", &err);
		goto out;
	}
	if (wpar_cmdline_has(&cl, 'P')) {
		if (wpar_password_read_hash(cl.operands[0], &hash, &err) < 0) {
			status = wpar_error_report("chwpar", &err);
			goto out;
		}
		c.root_password_hash = hash;
	}
	if (wpar_change(cl.operands[0], &c, &err) < 0)
		status = wpar_error_report("chwpar", &err);
	else
		status = 0;
out:
	free(c.edits);
	wpar_cmdline_release(&cl);
	return status;
}
