/* stopwpar: stop workload partitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "lifecycle.h"
#include "util.h"

static const char usage[] = "Usage: stopwpar [-h | -F] [-r] [-t seconds | -N] [-v] wparName ...\n";

static const struct wpar_optdef options[] = {
    {'h', WPAR_OPT_FLAG, NULL}, {'F', WPAR_OPT_FLAG, NULL}, {'r', WPAR_OPT_FLAG, NULL},
    {'t', WPAR_OPT_ARG, NULL},  {'N', WPAR_OPT_FLAG, NULL}, {'v', WPAR_OPT_FLAG, NULL},
};

/* Shared with rebootwpar, which is stopwpar -r under another name. */
int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	bool reboot_cmd = strcmp(prog, "rebootwpar") == 0;
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	int status = 1;
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, &err) < 0) {
		wpar_error_report(prog, &err);
		fputs(usage, stderr);
		return 1;
	}
	struct wpar_stop_opts o = {
	    .timeout = wpar_cmdline_has(&cl, 'h') ? 60 : 600,
	    .force = wpar_cmdline_has(&cl, 'F'),
	    .verbose = wpar_cmdline_has(&cl, 'v'),
	    .progress = stdout,
	};
	const struct wpar_opt *t = wpar_cmdline_last(&cl, 't');
	if (cl.n_operands == 0 || (wpar_cmdline_has(&cl, 'h') && o.force) ||
	    (t && wpar_cmdline_has(&cl, 'N'))) {
		fputs(usage, stderr);
		goto out;
	}
	if (t) {
		long long v;
		if (parse_long(t->arg, &v) < 0 || v < 0 || v > 86400 * 365) {
			fprintf(stderr, "%s: -t %s is not a number of seconds\n", prog, t->arg);
			goto out;
		}
		o.timeout = (long)v;
	}
	if (wpar_cmdline_has(&cl, 'N'))
		o.timeout = -1;
	bool restart = reboot_cmd || wpar_cmdline_has(&cl, 'r');
	status = 0;
	for (size_t i = 0; i < cl.n_operands; i++) {
		if (wpar_stop(cl.operands[i], &o, &err) < 0) {
			status = wpar_error_report(prog, &err);
			continue;
		}
		struct wpar_start_opts so = {.verbose = o.verbose, .progress = stdout};
		if (restart && wpar_start(cl.operands[i], &so, &err) < 0)
			status = wpar_error_report(prog, &err);
	}
out:
	wpar_cmdline_release(&cl);
	return status;
}
