#include "steps.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int held[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void wpar_signals_hold(struct wpar_signal_guard *g)
{
	g->caught = 0;
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		sigaddset(&set, held[i]);
	sigprocmask(SIG_BLOCK, &set, &g->old);
}

void wpar_signals_restore(struct wpar_signal_guard *g)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		sigaddset(&set, held[i]);
	struct timespec now = {0, 0};
	int sig;
	g->caught = 0;
	while ((sig = sigtimedwait(&set, NULL, &now)) > 0)
		g->caught = sig;
	sigprocmask(SIG_SETMASK, &g->old, NULL);
}

int wpar_step(const char *step, wpar_error_t *err)
{
	sigset_t pending;
	if (sigpending(&pending) == 0) {
		for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
			if (sigismember(&pending, held[i]))
				return wpar_error_input(err,
							"interrupted by signal %d before step '%s'",
							held[i], step);
	}
	const char *fault = getenv("WPAR_FAULT");
	if (fault != NULL && strcmp(fault, step) == 0)
		return wpar_error_input(err, "failure injected at step '%s' (WPAR_FAULT)", step);
	return 0;
}
