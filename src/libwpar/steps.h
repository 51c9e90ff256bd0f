/* Long operations (creating, removing a WPAR) are a sequence of named
 * steps.  Between steps the operation checks whether it was asked to stop
 * (SIGINT, SIGTERM, SIGHUP are held back while it runs, so it can undo
 * what it did instead of dying half-way) and whether the test suite asked
 * for a failure at this step (WPAR_FAULT=<step>, used to prove that a
 * failure at any step leaves nothing behind). */
#ifndef WPAR_STEPS_H
#define WPAR_STEPS_H

#include <signal.h>

#include "error.h"

struct wpar_signal_guard {
	sigset_t old;
	int caught; /* the last held signal that arrived, 0 if none */
};

void wpar_signals_hold(struct wpar_signal_guard *g);
/* Restores the mask.  A held signal that arrived is consumed, not
 * delivered: the operation has already answered it by stopping between
 * steps and undoing its work, and the command reports that and exits
 * non-zero instead of dying without a word.  It is left in g->caught. */
void wpar_signals_restore(struct wpar_signal_guard *g);

/* Fails when a termination signal is pending or WPAR_FAULT names `step`. */
int wpar_step(const char *step, wpar_error_t *err);

#endif
