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

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, defs, ARRAY_SIZE(defs), false, &cl, &err) < 0) {
		wpar_error_report("chkptwpar", &err);
		fputs(usage, stderr);
		return WPAR_CKPT_EARGS;
	}
	struct wpar_ckpt_args a;
	int status = wpar_ckpt_parse_args(&cl, &a, &err);
	if (status == 0 && wpar_cmdline_has(&cl, 'k') && wpar_cmdline_has(&cl, 'p')) {
		wpar_error_input(&err, "-k and -p exclude each other");
		status = WPAR_CKPT_EARGS;
	}
	if (status) {
		wpar_error_report("chkptwpar", &err);
		if (status == WPAR_CKPT_EARGS)
			fputs(usage, stderr);
	} else {
		struct wpar_ckpt_opts opts = {.dir = a.dir,
					      .log = a.log,
					      .debug = a.debug,
					      .after = wpar_cmdline_has(&cl, 'k') ? WPAR_CKPT_KILL
						       : wpar_cmdline_has(&cl, 'p')
							   ? WPAR_CKPT_PAUSE
							   : WPAR_CKPT_CONTINUE,
					      .progress = stdout};
		if (wpar_checkpoint(a.name, &opts, &status, &err) < 0)
			wpar_error_report("chkptwpar", &err);
	}
	wpar_cmdline_release(&cl);
	return status;
}
