/* mkrset: define a resource set (CPUs and memory nodes) in the registry. */
#include <stdio.h>

#include "cmdline.h"
#include "rset.h"
#include "util.h"

static const char usage[] = "Usage: mkrset -c CPUlist [-m MEMlist] rsetname\n"
			    "  CPUlist, MEMlist: CPUs and memory nodes, such as 0-4,6,8-9\n"
			    "  rsetname: namespace/name\n";

static const struct wpar_optdef options[] = {
    {'c', WPAR_OPT_ARG, NULL},
    {'m', WPAR_OPT_ARG, NULL},
};

/* The usage goes after the message, when the command line is at fault. */
static bool show_usage;

static int run(int argc, char **argv, wpar_error_t *err)
{
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, err) < 0) {
		show_usage = true;
		return -1;
	}
	int r = -1;
	const struct wpar_opt *c = wpar_cmdline_last(&cl, 'c');
	const struct wpar_opt *m = wpar_cmdline_last(&cl, 'm');
	if (c == NULL || cl.n_operands != 1) {
		wpar_error_input(err, c == NULL            ? "-c CPUlist is required"
				      : cl.n_operands == 0 ? "no resource set name given"
							   : "one resource set name only");
		show_usage = true;
		goto out;
	}
	if (wpar_rset_create(cl.operands[0], c->arg, m ? m->arg : NULL, err) < 0)
		goto out;
	r = 0;
out:
	wpar_cmdline_release(&cl);
	return r;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	if (run(argc, argv, &err) == 0)
		return 0;
	wpar_error_report("mkrset", &err);
	if (show_usage)
		fputs(usage, stderr);
	return 1;
}
