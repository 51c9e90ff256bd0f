/* resumewpar: continue a Frozen or Paused WPAR. */
#include <stdio.h>

#include "checkpoint.h"
#include "cmdline.h"
#include "util.h"

static const char usage[] = "Usage: resumewpar wparname\n";

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	int status = WPAR_CKPT_EARGS;
	if (wpar_cmdline_parse(argc, argv, NULL, 0, false, &cl, &err) < 0) {
		wpar_error_report("resumewpar", &err);
		fputs(usage, stderr);
	} else if (cl.n_operands != 1) {
		wpar_error_input(&err, cl.n_operands ? "one workload partition name only"
						     : "no workload partition name given");
		wpar_error_report("resumewpar", &err);
		fputs(usage, stderr);
	} else if (wpar_resume(cl.operands[0], &status, &err) < 0) {
		wpar_error_report("resumewpar", &err);
	}
	wpar_cmdline_release(&cl);
	return status;
}
