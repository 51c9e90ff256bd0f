/* rmwpar: remove workload partitions. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "lifecycle.h"
#include "state.h"
#include "store.h"
#include "util.h"

static const char usage[] = "Usage: rmwpar [-F] [-p] [-s] [-v] wparName ...\n";

static const struct wpar_optdef options[] = {
    {'F', WPAR_OPT_FLAG, NULL},
    {'p', WPAR_OPT_FLAG, NULL},
    {'s', WPAR_OPT_FLAG, NULL},
    {'v', WPAR_OPT_FLAG, NULL},
};

/* Stopping belongs to stopwpar; -s and -F run it as the administrator
 * would, from the same installation. */
static int stop_first(const char *name, bool force, wpar_error_t *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return wpar_error_errno(err, "cannot find the installation directory");
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	cleanup_free char *path = xasprintf("%s/stopwpar", self);
	if (access(path, X_OK) < 0)
		return wpar_error_input(
		    err, "workload partition %s is active and stopwpar is not installed", name);
	printf("Stopping workload partition '%s'.\n", name);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return wpar_error_errno(err, "cannot fork");
	if (pid == 0) {
		if (force)
			execl(path, "stopwpar", "-F", name, (char *)NULL);
		else
			execl(path, "stopwpar", name, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return wpar_error_errno(err, "cannot wait for stopwpar");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return wpar_error_input(err, "stopwpar %s failed", name);
	return 0;
}

static int remove_one(const char *name, const struct wpar_cmdline *cl, wpar_error_t *err)
{
	bool force = wpar_cmdline_has(cl, 'F');
	struct wpar_remove_opts o = {
	    .force = force,
	    .preserve = wpar_cmdline_has(cl, 'p'),
	    .verbose = wpar_cmdline_has(cl, 'v'),
	    .progress = stdout,
	};
	if (!wpar_store_exists(name))
		return wpar_store_load(name, NULL, err);
	enum wpar_state s = wpar_state_effective(name, NULL);
	bool running = s != WPAR_DEFINED && s != WPAR_BROKEN;
	/* -F implies -s, as on AIX. */
	if (running && (wpar_cmdline_has(cl, 's') || force) && stop_first(name, force, err) < 0)
		return -1;
	/* An application WPAR that ran a command is gone with its stop. */
	if (running && !wpar_store_exists(name))
		return 0;
	return wpar_remove(name, &o, err);
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, &err) < 0) {
		wpar_error_report("rmwpar", &err);
		fputs(usage, stderr);
		return 1;
	}
	if (cl.n_operands == 0) {
		fputs(usage, stderr);
		wpar_cmdline_release(&cl);
		return 1;
	}
	int status = 0;
	for (size_t i = 0; i < cl.n_operands; i++)
		if (remove_one(cl.operands[i], &cl, &err) < 0)
			status = wpar_error_report("rmwpar", &err);
	wpar_cmdline_release(&cl);
	return status;
}
