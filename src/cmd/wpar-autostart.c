/* wpar-autostart: starts the WPARs marked auto = "yes" at host boot and
 * stops every active WPAR at host shutdown.
 *   wpar-autostart start   start the auto WPARs, then exit
 *   wpar-autostart stop    stop every active WPAR (in parallel), then exit
 *   wpar-autostart run     start, wait for SIGTERM or SIGINT, stop: the
 *                          form for a service manager (wpar.service)
 * WPAR_STOP_TIMEOUT (seconds, default 600 as stopwpar) bounds each stop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifecycle.h"
#include "spec.h"
#include "state.h"
#include "store.h"
#include "util.h"

static int start_all(void)
{
	char **names;
	size_t n;
	wpar_error_t err = NULL;
	if (wpar_store_list(&names, &n, &err) < 0)
		return wpar_error_report("wpar-autostart", &err);
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		struct wpar_spec *spec = NULL;
		if (wpar_store_load(names[i], &spec, &err) < 0) {
			status = wpar_error_report("wpar-autostart", &err);
			continue;
		}
		bool autostart =
		    wpar_spec_flag(spec->general.autostart) && wpar_spec_type(spec) == WPAR_SYSTEM;
		wpar_spec_free(spec);
		if (!autostart || wpar_state_effective(names[i], NULL) != WPAR_DEFINED)
			continue;
		struct wpar_start_opts o = {.progress = stdout};
		if (wpar_start(names[i], &o, &err) < 0)
			status = wpar_error_report("wpar-autostart", &err);
	}
	wpar_names_free(names, n);
	return status;
}

static int stop_all(void)
{
	char **names;
	size_t n;
	wpar_error_t err = NULL;
	if (wpar_store_list(&names, &n, &err) < 0)
		return wpar_error_report("wpar-autostart", &err);
	const char *t = getenv("WPAR_STOP_TIMEOUT");
	long timeout = t ? atol(t) : 600;
	/* In parallel, as AIX's shutdown does: one slow WPAR must not hold
	 * back the others' deadlines. */
	pid_t *pids = xcalloc(n, sizeof(pid_t));
	for (size_t i = 0; i < n; i++) {
		enum wpar_state s = wpar_state_effective(names[i], NULL);
		if (s == WPAR_DEFINED)
			continue;
		fflush(NULL);
		pids[i] = fork();
		if (pids[i] == 0) {
			struct wpar_stop_opts o = {
			    .timeout = timeout, .force = s == WPAR_BROKEN, .progress = stdout};
			_exit(wpar_stop(names[i], &o, &err) < 0
				  ? wpar_error_report("wpar-autostart", &err)
				  : 0);
		}
	}
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		int st;
		if (pids[i] > 0 &&
		    (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
			status = 1;
	}
	free(pids);
	wpar_names_free(names, n);
	return status;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: wpar-autostart start|stop|run\n");
		return 2;
	}
	if (strcmp(argv[1], "start") == 0)
		return start_all();
	if (strcmp(argv[1], "stop") == 0)
		return stop_all();
	if (strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "Usage: wpar-autostart start|stop|run\n");
		return 2;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int status = start_all();
	printf("wpar-autostart: started; stopping every WPAR on SIGTERM\n");
	fflush(stdout);
	int sig;
	while (sigwait(&set, &sig) != 0)
		;
	return stop_all() | status;
}
