/* restartwpar: bring a WPAR back from a checkpoint (a Defined system WPAR;
 * an application WPAR runs again under restartwpar until it ends). */
#include <stdio.h>
#include <string.h>

#include "appwpar.h"
#include "checkpoint.h"
#include "cmdline.h"
#include "util.h"

static const char usage[] =
    "Usage: restartwpar [-a] -d statedir [-o logfile [-l debug|error]] [-p] wparname\n";

static const struct wpar_optdef defs[] = {
    {'d', WPAR_OPT_ARG, NULL},  {'o', WPAR_OPT_ARG, NULL},  {'l', WPAR_OPT_ARG, NULL},
    {'a', WPAR_OPT_FLAG, NULL}, {'p', WPAR_OPT_FLAG, NULL},
};

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, defs, ARRAY_SIZE(defs), false, &cl, &err) < 0) {
		wpar_error_report("restartwpar", &err);
		fputs(usage, stderr);
		return WPAR_CKPT_EARGS;
	}
	struct wpar_ckpt_args a;
	int status = wpar_ckpt_parse_args(&cl, &a, &err);
	if (status) {
		wpar_error_report("restartwpar", &err);
		if (status == WPAR_CKPT_EARGS)
			fputs(usage, stderr);
	} else {
		/* -a (resolve conflicting settings) is for application WPARs;
		 * a system WPAR has none to resolve. */
		bool app = false;
		int wstatus = 0;
		struct wpar_restart_opts opts = {.dir = a.dir,
						 .log = a.log,
						 .debug = a.debug,
						 .paused = wpar_cmdline_has(&cl, 'p'),
						 .progress = stdout,
						 .app_ran = &app,
						 .app_wstatus = &wstatus};
		if (wpar_restart(a.name, &opts, &status, &err) < 0)
			wpar_error_report("restartwpar", &err);
		else if (app) /* AIX: the application's exit status */
			status = wpar_app_exit_like(wstatus);
	}
	wpar_cmdline_release(&cl);
	return status;
}
