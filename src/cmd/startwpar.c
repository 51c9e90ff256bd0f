/* startwpar: start system workload partitions. */
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "lifecycle.h"
#include "util.h"

static const char usage[] = "Usage: startwpar [-a] [-F] [-m] [-v] wparName ...\n";

static const struct wpar_optdef options[] = {
    {'a', WPAR_OPT_FLAG, NULL}, {'F', WPAR_OPT_FLAG, NULL}, {'m', WPAR_OPT_FLAG, NULL},
    {'v', WPAR_OPT_FLAG, NULL}, {'1', WPAR_OPT_FLAG, NULL}, {'I', WPAR_OPT_FLAG, NULL},
    {'N', WPAR_OPT_FLAG, NULL},
};

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, &err) < 0) {
		wpar_error_report("startwpar", &err);
		fputs(usage, stderr);
		return 1;
	}
	int status = 0;
	if (cl.n_operands == 0) {
		fputs(usage, stderr);
		status = 1;
		goto out;
	}
	/* -1 (stop in the Loaded state) and -I (exec the WPAR init in place
	 * of startwpar) are AIX internals for programmatic callers; -N
	 * (addresses) comes with networking. */
	static const char unsupported[] = "1IN";
	for (const char *f = unsupported; *f; f++)
		if (wpar_cmdline_has(&cl, *f)) {
			fprintf(stderr, "startwpar: -%c is not supported in this release\n", *f);
			status = 1;
			goto out;
		}
	struct wpar_start_opts o = {
	    .verbose = wpar_cmdline_has(&cl, 'v'),
	    .maintenance = wpar_cmdline_has(&cl, 'm'),
	    .progress = stdout,
	};
	for (size_t i = 0; i < cl.n_operands; i++)
		if (wpar_start(cl.operands[i], &o, &err) < 0)
			status = wpar_error_report("startwpar", &err);
out:
	wpar_cmdline_release(&cl);
	return status;
}
