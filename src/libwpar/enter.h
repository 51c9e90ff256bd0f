/* Entering a running system WPAR: what clogin does, and what the
 * manager's agent will do for a remote console.
 *
 * Process model.  The caller (clogin on the host) never enters the WPAR:
 *
 *   caller ── fork ──> helper ── fork ──> session process ── exec ──> shell
 *   (host)             joins the WPAR's     in the WPAR's PID
 *                      cgroup, setns into   namespace: setsid, pty as
 *                      every namespace,     controlling tty, confinement
 *                      chroot to init's     (as init's), the user's
 *                      root, looks the      credentials, environment,
 *                      user up, opens the   home directory, exec
 *                      pty
 *
 * The helper stays in the host's PID namespace, so no process of the WPAR
 * can see or ptrace it.  It drops every host handle before the fork and
 * is not dumpable, so the session process cannot be attached to before
 * its exec, by which time it is confined.  The helper forwards signals to
 * the session's process group, waits for the session process and reports
 * its wait status over a socket.  When the caller dies the helper dies
 * (PR_SET_PDEATHSIG) and the session process gets SIGHUP, as after a
 * hangup.
 *
 * Before anything runs, the record of the WPAR's init is checked against
 * the live process (it must be PID 1 of its own PID namespace and a child
 * of the WPAR's monitor), through a pidfd and a /proc directory handle
 * taken in an order that rules out PID reuse. */
#ifndef WPAR_ENTER_H
#define WPAR_ENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct wpar_enter_request {
	const char *user;  /* login name inside the WPAR; NULL: root */
	char *const *argv; /* command (execvp inside); NULL or empty: login shell */
	bool pty;          /* a new pty from the WPAR's own devpts */
	const int *stdio;  /* without a pty: the session's stdin, stdout, stderr
			    * (3 descriptors); NULL: the caller's 0, 1, 2 */
	const char *term;  /* TERM of a pty session; NULL: none */
	const char *lang;  /* LANG; NULL: none */
	const char *prog;  /* names messages printed inside ("clogin") */
};

struct wpar_session;

/* Checks that `name` is an Active system WPAR, verifies its init, starts
 * the helper and waits until it is inside, has found the user and (with
 * a pty) opened the pty.  Nothing runs in the WPAR before
 * wpar_session_start().  Fails with 0960-419 for an unknown WPAR, and
 * with a message for an application WPAR, a WPAR that is not Active, an
 * unknown user. */
int wpar_enter(const char *name, const struct wpar_enter_request *req, struct wpar_session **out,
	       wpar_error_t *err);

/* The pty master (owned by the session), or -1 without a pty.  Set the
 * window size and terminal modes on it before wpar_session_start(). */
int wpar_session_pty(const struct wpar_session *s);

/* Lets the session process run. */
int wpar_session_start(struct wpar_session *s, wpar_error_t *err);

/* Readable when the session has news for wpar_session_poll(). */
int wpar_session_event_fd(const struct wpar_session *s);

/* Returns 1 once the session has ended (*wstatus: its wait status), 0
 * while it runs, -1 when the helper was lost. */
int wpar_session_poll(struct wpar_session *s, int *wstatus, wpar_error_t *err);
int wpar_session_wait(struct wpar_session *s, int *wstatus, wpar_error_t *err);

/* Sends a signal to the session process (through the helper). */
int wpar_session_signal(struct wpar_session *s, int sig);

/* Hangs the session up as a lost terminal would: closes the pty master
 * (the kernel sends SIGHUP to the session) and sends SIGHUP. */
void wpar_session_hangup(struct wpar_session *s);

/* Releases everything; a session still running is hung up (SIGHUP). */
void wpar_session_free(struct wpar_session *s);

/* A wait status as a shell reports it: the exit code, or 128 + signal. */
int wpar_exit_status(int wstatus);

/* A user as the WPAR's /etc/passwd and /etc/group describe it. */
struct wpar_login_user {
	uid_t uid;
	gid_t gid;
	char *name;
	char *home;
	char *shell;
	gid_t *groups; /* supplementary groups, the primary one first */
	size_t n_groups;
	gid_t tty_gid; /* group "tty", or (gid_t)-1 */
};

/* Looks `user` up in the text of a passwd and a group file (the files
 * only, never NSS: the files belong to the WPAR, and NSS would load the
 * WPAR's libraries into a process that is not yet confined).  Returns 0,
 * or -1 when the user does not exist.  The text is untrusted: malformed
 * lines are skipped. */
/* login_user.c */
int wpar_login_user_parse(const char *passwd, const char *group, const char *user,
			  struct wpar_login_user *out);
void wpar_login_user_release(struct wpar_login_user *u);

/* The same for the WPAR the caller is in (inside its mount namespace,
 * rooted at its root): fails naming `wpar` when the user does not exist.
 * root always exists, so that a WPAR whose passwd lost it stays
 * repairable. */
int wpar_login_user_lookup(const char *wpar, const char *user, struct wpar_login_user *u,
			   wpar_error_t *err);

/* Reads a file of the WPAR the caller is in: a regular file of at most
 * `max` bytes, reached without magic links (/proc/N/root leads out). */
int wpar_read_inside(const char *path, size_t max, char **out, wpar_error_t *err);

#endif
