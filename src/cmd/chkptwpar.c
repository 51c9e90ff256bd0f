/* chkptwpar: checkpoint a running system WPAR (checkpoint.h). */
#include <stdio.h>
#include <string.h>

#include "checkpoint.h"
#include "cmdline.h"
#include "util.h"

static const char usage[] =
    "Usage: chkptwpar [-k | -p] -d statedir [-o logfile [-l debug|error]] wparname\n";

static const struct wpar_optdef defs[] = {
    {'d', WPAR_OPT_ARG, NULL},  {'o', WPAR_OPT_ARG, NULL},  {'l', WPAR_OPT_ARG, NULL},
    {'k', WPAR_OPT_FLAG, NULL}, {'p', WPAR_OPT_FLAG, NULL},
};

static int bad(const char *msg, wpar_error_t *err)
{
	wpar_error_input(err, "%s", msg);
	wpar_error_report("chkptwpar", err);
	fputs(usage, stderr);
	return WPAR_CKPT_EARGS;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, defs, ARRAY_SIZE(defs), false, &cl, &err) < 0) {
		wpar_error_report("chkptwpar", &err);
		fputs(usage, stderr);
		return WPAR_CKPT_EARGS;
	}
	const struct wpar_opt *d = wpar_cmdline_last(&cl, 'd'), *o = wpar_cmdline_last(&cl, 'o'),
			      *l = wpar_cmdline_last(&cl, 'l');
	struct wpar_ckpt_opts opts = {.progress = stdout};
	int status;
	if (cl.n_operands != 1)
		status = bad(cl.n_operands ? "one workload partition name only"
					   : "no workload partition name given",
			     &err);
	else if (d == NULL)
		status = bad("-d statedir is required", &err);
	else if (wpar_cmdline_has(&cl, 'k') && wpar_cmdline_has(&cl, 'p'))
		status = bad("-k and -p exclude each other", &err);
	else if (l && o == NULL)
		status = bad("-l needs -o logfile", &err);
	else if (l && strcmp(l->arg, "debug") != 0 && strcmp(l->arg, "error") != 0)
		status = bad("-l takes debug or error", &err);
	else if (o && o->arg[0] != '/') {
		wpar_error_input(&err, "the log file %s is not an absolute path", o->arg);
		wpar_error_report("chkptwpar", &err);
		status = WPAR_CKPT_ELOGPATH;
	} else {
		opts.dir = d->arg;
		opts.log = o ? o->arg : NULL;
		opts.debug = l && strcmp(l->arg, "debug") == 0;
		opts.after = wpar_cmdline_has(&cl, 'k')   ? WPAR_CKPT_KILL
			     : wpar_cmdline_has(&cl, 'p') ? WPAR_CKPT_PAUSE
							  : WPAR_CKPT_CONTINUE;
		if (wpar_checkpoint(cl.operands[0], &opts, &status, &err) < 0)
			wpar_error_report("chkptwpar", &err);
	}
	wpar_cmdline_release(&cl);
	return status;
}
