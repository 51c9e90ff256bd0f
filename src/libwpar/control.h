/* The control side of a WPAR's monitor, shared by the system WPAR's
 * monitor (cor_<name>) and wparexec: the monitor lock that says it is
 * alive, and the control socket that stopwpar talks to (the protocol is
 * in runtime.h). */
#ifndef WPAR_CONTROL_H
#define WPAR_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

#define WPAR_CONTROL_MAX_CLIENTS 8

struct wpar_control {
	int lock_fd;                           /* monitor.lock, held for the monitor's life */
	int listen_fd;                         /* monitor.sock */
	int clients[WPAR_CONTROL_MAX_CLIENTS]; /* stop requests waiting for the end */
	size_t n_clients;
};

/* Creates the runtime directory, takes the monitor lock (EBUSY-like error
 * when another monitor runs the WPAR) and listens on the socket. */
int wpar_control_open(const char *name, struct wpar_control *c, wpar_error_t *err);
void wpar_control_close(struct wpar_control *c);

/* Serves one connection: answers "status" itself (with init_pid); for a
 * stop request, keeps the connection for the replies and returns 1 with
 * its timeout (seconds, -1: none) and force flag; otherwise 0. */
int wpar_control_accept(struct wpar_control *c, pid_t init_pid, long *timeout, bool *force);

/* One line ("msg <text>", "ok <text>", "err <text>") to every waiting
 * stop request; a requester that went away is skipped. */
void wpar_control_reply(struct wpar_control *c, const char *kind, const char *text);

/* Closes the waiting requests (after the final reply). */
void wpar_control_release_clients(struct wpar_control *c);

#endif
