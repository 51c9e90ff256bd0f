/* rmrset: remove a resource set from the registry. */
#include <stdio.h>

#include "cmdline.h"
#include "rset.h"
#include "util.h"

static const char usage[] = "Usage: rmrset rsetname\n";

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, NULL, 0, false, &cl, &err) < 0) {
		wpar_error_report("rmrset", &err);
		fputs(usage, stderr);
		return 1;
	}
	int status = 0;
	if (cl.n_operands != 1) {
		wpar_error_input(&err, cl.n_operands == 0 ? "no resource set name given"
							  : "one resource set name only");
		status = wpar_error_report("rmrset", &err);
		fputs(usage, stderr);
	} else if (wpar_rset_remove(cl.operands[0], &err) < 0) {
		status = wpar_error_report("rmrset", &err);
	}
	wpar_cmdline_release(&cl);
	return status;
}
