/* clogin: log in to a running system WPAR, or run one command in it.
 *
 * Entering the WPAR is libwpar's (enter.h); this file is the local
 * terminal: with a terminal on both standard input and output the session
 * gets a new pty inside the WPAR and clogin relays bytes between it and
 * the user's terminal in raw mode (Ctrl-C is a byte like any other and
 * reaches the WPAR through the pty's line discipline).  Without one the
 * session inherits clogin's standard streams, except that a host terminal
 * is never handed to a WPAR process (a pipe relays it instead), and
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT are forwarded. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "enter.h"
#include "sealed_exec.h"
#include "util.h"

static const char prog[] = "clogin";
static const char usage[] = "Usage: clogin [-l user] wparName [command [args...]]\n";

static const struct wpar_optdef options[] = {
    {'l', WPAR_OPT_ARG, NULL},
};

/* After the session ended, output still in flight is relayed until the
 * session side has been quiet this long, and for at most DRAIN_MAX_MS (a
 * background process may hold the pty or a pipe open for ever). */
#define DRAIN_QUIET_MS 200
#define DRAIN_MAX_MS   2000
/* After SIGTERM or SIGHUP with a pty: how long the hung-up session has to
 * end before clogin leaves without its status. */
#define HANGUP_WAIT_MS 2000

/* One direction of the relay: bytes read from `from` wait in buf until
 * `to` has taken all of them. */
struct chan {
	int from, to;
	char buf[16384];
	size_t off, len;
	bool eof;      /* `from` has nothing more */
	bool dead;     /* `to` refused a write: discard what comes */
	bool close_to; /* a pipe into the session: close at eof */
	bool output;   /* from the session: drained before clogin ends */
};

struct relay {
	struct wpar_session *s;
	int sigfd;
	int master; /* -1 without a pty, or once hung up */
	struct chan ch[3];
	size_t n;
	bool ended, lost;
	long long ended_at;
	int wstatus;
	int hangup_sig;
	long long hangup_deadline;
};

static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tty);
	tty_raw = false;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy_winsize(int master)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static void chan_read(struct relay *r, struct chan *c)
{
	ssize_t n = read(c->from, c->buf, sizeof(c->buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* End of file, or EIO: every holder of the pty's slave side
		 * is gone. */
		c->eof = true;
		if (!c->output && r->master >= 0)
			wpar_session_signal(r->s, SIGHUP); /* the user's terminal went away */
		return;
	}
	c->off = 0;
	c->len = c->dead ? 0 : (size_t)n;
}

static void chan_write(struct chan *c)
{
	ssize_t n = write(c->to, c->buf + c->off, c->len - c->off);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* The session stopped reading: stop taking the user's input.
		 * Output is still read (and dropped), or the session blocks. */
		c->dead = true;
		c->eof |= !c->output;
		c->len = c->off = 0;
		return;
	}
	c->off += (size_t)n;
	if (c->off == c->len)
		c->off = c->len = 0;
}

/* The pipe into the session is closed once the user's input ended, so
 * that the command reads end of file. */
static void chan_close_finished(struct chan *c)
{
	if (c->close_to && c->to >= 0 && (c->eof || c->dead) && c->len == 0) {
		close(c->to);
		c->to = -1;
		c->dead = true;
	}
}

static void hang_up(struct relay *r, int sig)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ch[i].from == r->master || r->ch[i].to == r->master) {
			r->ch[i].eof = r->ch[i].dead = true;
			r->ch[i].len = r->ch[i].off = 0;
		}
	restore_tty();
	wpar_session_hangup(r->s);
	r->master = -1;
	r->hangup_sig = sig;
	r->hangup_deadline = now_ms() + HANGUP_WAIT_MS;
}

static void handle_signals(struct relay *r)
{
	struct signalfd_siginfo si;
	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGWINCH && r->master >= 0)
			copy_winsize(r->master);
		else if ((sig == SIGTERM || sig == SIGHUP) && r->master >= 0)
			hang_up(r, sig);
		else if (sig == SIGINT || sig == SIGQUIT || sig == SIGTERM || sig == SIGHUP)
			wpar_session_signal(r->s, sig);
	}
}

/* The signals clogin reads from a signalfd (blocked here; the session
 * process unblocks its own).  One the caller ignores stays ignored, as
 * under nohup: it is neither received nor forwarded. */
static void block_signals(sigset_t *set)
{
	const int sigs[] = {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction old;
		if (i >= 2 && sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaddset(set, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, set, NULL);
}

static bool outputs_done(const struct relay *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ch[i].output && !(r->ch[i].eof && r->ch[i].len == 0))
			return false;
	return true;
}

static void run_relay(struct relay *r)
{
	for (;;) {
		if (r->ended && outputs_done(r))
			return;
		int timeout = -1;
		long long deadline = r->hangup_sig ? r->hangup_deadline : 0;
		if (r->ended) {
			timeout = DRAIN_QUIET_MS;
			deadline = r->ended_at + DRAIN_MAX_MS;
		}
		if (deadline) {
			long long left = deadline - now_ms();
			if (left <= 0)
				return;
			timeout = timeout < 0 || left < timeout ? (int)left : timeout;
		}
		struct pollfd p[2 + 2 * ARRAY_SIZE(r->ch)];
		int from_at[ARRAY_SIZE(r->ch)], to_at[ARRAY_SIZE(r->ch)];
		nfds_t n = 0;
		p[n++] = (struct pollfd){.fd = r->sigfd, .events = POLLIN};
		int ev_at = -1;
		if (!r->ended) {
			ev_at = (int)n;
			p[n++] =
			    (struct pollfd){.fd = wpar_session_event_fd(r->s), .events = POLLIN};
		}
		for (size_t i = 0; i < r->n; i++) {
			struct chan *c = &r->ch[i];
			from_at[i] = to_at[i] = -1;
			if (!c->eof && c->len == 0) {
				from_at[i] = (int)n;
				p[n++] = (struct pollfd){.fd = c->from, .events = POLLIN};
			}
			if (c->len > 0) {
				to_at[i] = (int)n;
				p[n++] = (struct pollfd){.fd = c->to, .events = POLLOUT};
			}
		}
		int k = poll(p, n, timeout);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			perror("clogin: poll");
			r->lost = true;
			return;
		}
		if (k == 0 && r->ended)
			return;
		if (p[0].revents)
			handle_signals(r);
		if (ev_at >= 0 && p[ev_at].revents) {
			wpar_error_t err = NULL;
			int s = wpar_session_poll(r->s, &r->wstatus, &err);
			if (s < 0) {
				wpar_error_report(prog, &err);
				r->lost = true;
			}
			if (s != 0) {
				r->ended = true;
				r->ended_at = now_ms();
			}
		}
		for (size_t i = 0; i < r->n; i++) {
			struct chan *c = &r->ch[i];
			if (from_at[i] >= 0 && p[from_at[i]].revents && !c->eof)
				chan_read(r, c);
			if (to_at[i] >= 0 && p[to_at[i]].revents && c->len > 0)
				chan_write(c);
			chan_close_finished(c);
		}
	}
}

/* A terminal among the standard streams, without a pty: the session gets
 * a pipe and clogin relays, so that no WPAR process ever holds a host
 * terminal (TIOCSTI would type into the administrator's shell). */
static int pipe_terminals(struct relay *r, int stdio[3], int child_end[3])
{
	for (int i = 0; i < 3; i++) {
		stdio[i] = i;
		child_end[i] = -1;
		if (!isatty(i))
			continue;
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		struct chan *c = &r->ch[r->n++];
		*c = (struct chan){.from = i == 0 ? i : p[0], .to = i == 0 ? p[1] : i};
		c->close_to = i == 0;
		c->output = i != 0;
		stdio[i] = child_end[i] = i == 0 ? p[0] : p[1];
	}
	return 0;
}

static int run(const char *name, const char *user, char **cmd, const sigset_t *signals)
{
	struct relay *r = xcalloc(1, sizeof(*r));
	r->master = -1;
	r->sigfd = -1;
	bool pty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
		   tcgetattr(STDIN_FILENO, &saved_tty) == 0;
	struct wpar_enter_request req = {
	    .user = user,
	    .argv = cmd,
	    .pty = pty,
	    .term = getenv("TERM"),
	    .lang = getenv("LANG"),
	    .prog = prog,
	};
	int child_end[3] = {-1, -1, -1}, stdio[3] = {0, 1, 2};
	wpar_error_t err = NULL;
	int status = 1;
	req.stdio = stdio;
	if (!pty && pipe_terminals(r, stdio, child_end) < 0) {
		perror("clogin: pipe");
		goto out;
	}
	if (wpar_enter(name, &req, &r->s, &err) < 0) {
		status = wpar_error_report(prog, &err);
		goto out;
	}
	for (int i = 0; i < 3; i++)
		if (child_end[i] >= 0)
			close(child_end[i]);
	if (pty) {
		r->master = wpar_session_pty(r->s);
		fcntl(r->master, F_SETFL, fcntl(r->master, F_GETFL) | O_NONBLOCK);
		/* The inner terminal starts with the outer one's modes and size. */
		tcsetattr(r->master, TCSANOW, &saved_tty);
		copy_winsize(r->master);
		r->ch[r->n++] = (struct chan){.from = STDIN_FILENO, .to = r->master};
		r->ch[r->n++] =
		    (struct chan){.from = r->master, .to = STDOUT_FILENO, .output = true};
		struct termios raw = saved_tty;
		cfmakeraw(&raw);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0)
			tty_raw = true;
	}
	r->sigfd = signalfd(-1, signals, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r->sigfd < 0) {
		perror("clogin: signalfd");
		goto out;
	}
	if (wpar_session_start(r->s, &err) < 0) {
		restore_tty();
		status = wpar_error_report(prog, &err);
		goto out;
	}
	run_relay(r);
	restore_tty();
	if (r->lost)
		status = 1;
	else if (r->ended)
		status = wpar_exit_status(r->wstatus);
	else
		status = 128 + r->hangup_sig;
out:
	restore_tty();
	wpar_session_free(r->s);
	for (size_t i = 0; i < r->n; i++)
		if (r->ch[i].close_to && r->ch[i].to >= 0)
			close(r->ch[i].to);
	if (r->sigfd >= 0)
		close(r->sigfd);
	free(r);
	return status;
}

int main(int argc, char **argv)
{
	/* Never the host's file of clogin inside a WPAR (sealed_exec.h). */
	if (wpar_exec_sealed_self(argv) < 0) {
		fprintf(stderr, "clogin: cannot run from a sealed copy of itself: %s\n",
			strerror(errno));
		return 1;
	}
	/* Standard streams that are closed would be taken by the first
	 * descriptors opened here and handed to the session. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return 1;
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), true, &cl, &err) < 0) {
		wpar_error_report(prog, &err);
		fputs(usage, stderr);
		return 1;
	}
	const struct wpar_opt *l = wpar_cmdline_last(&cl, 'l');
	const char *user = l ? l->arg : NULL;
	size_t first = 1;
	/* AIX writes the flag after the name: clogin wparName -l user. */
	if (cl.n_operands >= 3 && strcmp(cl.operands[1], "-l") == 0) {
		user = cl.operands[2];
		first = 3;
	}
	if (cl.n_operands == 0) {
		fputs(usage, stderr);
		wpar_cmdline_release(&cl);
		return 1;
	}
	char **cmd = xcalloc(cl.n_operands + 1, sizeof(char *));
	for (size_t i = first; i < cl.n_operands; i++)
		cmd[i - first] = cl.operands[i];
	sigset_t signals;
	block_signals(&signals);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL); /* the helper is reaped, not auto-reaped */
	int status = run(cl.operands[0], user, cmd, &signals);
	free(cmd);
	wpar_cmdline_release(&cl);
	return status;
}
