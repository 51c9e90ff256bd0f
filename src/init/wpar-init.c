/* wpar-init: the PID 1 of a system WPAR (the project's own init).
 *
 * A static executable: the monitor runs it from the host with execveat on
 * a descriptor opened before pivot_root, so it needs nothing from the
 * WPAR's /usr.  It starts confined, as root, with fds 0-2 on the console.
 *
 * What it does: reaps every process that ends up its child; runs the boot
 * script /etc/wpar/rc.boot in its own session (not with WPAR_MAINTENANCE=1);
 * serves sysvinit-style requests on the FIFO /run/initctl, which is what
 * Debian's halt, poweroff, reboot and "shutdown -h|-r now" (systemctl
 * without systemd as PID 1) fall back to; and shuts the WPAR down in order
 * when asked: /etc/wpar/rc.shutdown, SIGTERM to everything, SIGKILL after a
 * grace time, sync, exit.
 *
 * The contract with the monitor (exit statuses in runtime.h):
 *   SIGTERM, SIGINT, SIGPWR, SIGRTMIN+3, SIGRTMIN+4   orderly halt, exit 0
 *   SIGRTMIN+5                                        orderly reboot, exit 2
 *   init_request runlevel '0' / '6' on /run/initctl   halt (0) / reboot (2)
 *   any such request while shutting down              hurry: next phase
 *   SIGUSR1                                           re-create /run/initctl
 *   SIGHUP                                            ignored
 *   reboot(2) from inside (reboot -f): the kernel kills init, which the
 *   monitor sees as killed by SIGHUP (reboot) or SIGINT (halt, power off).
 * The first request decides halt or reboot.  A shutdown takes at most
 * WPAR_SHUTDOWN_TIMEOUT (rc.shutdown) + WPAR_KILL_GRACE (SIGTERM) + 5 s
 * (SIGKILL) and a sync.  Environment: WPAR_NAME, WPAR_MAINTENANCE=1,
 * WPAR_SHUTDOWN_TIMEOUT (s, default 10), WPAR_KILL_GRACE (s, default 5).
 * Init gives up the console as controlling terminal, so that a ^C typed on
 * it never reaches init.  The kernel drops a signal that reaches the
 * WPAR's init before it has set up its signalfd unless it was blocked
 * across exec: the monitor should block the signals above before it execs.
 *
 * Run by anything but PID 1 with a runlevel argument ("wpar-init 0"), it is
 * a telinit: it writes the request to /run/initctl and exits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

#define BOOT_SCRIPT     "/etc/wpar/rc.boot"
#define SHUTDOWN_SCRIPT "/etc/wpar/rc.shutdown"
#define INITCTL         "/run/initctl"

/* sysvinit's <initreq.h>: the request systemctl writes to the FIFO. */
#define INIT_MAGIC       0x03091969
#define INIT_CMD_RUNLVL  1
#define INIT_REQUEST_LEN 384
struct init_request {
	int magic;
	int cmd;
	int runlevel;
	int sleeptime;
	char data[368];
};
_Static_assert(sizeof(struct init_request) == INIT_REQUEST_LEN, "sysvinit's request is 384 bytes");

enum action { NONE, HALT, REBOOT };
/* The phases of a shutdown, in order. */
enum phase { RUNNING, SHUTDOWN_SCRIPT_RUNS, TERMINATING, KILLING };

static struct {
	int sigfd, ctlfd;
	pid_t boot_pid, shutdown_pid;
	enum action action;
	enum phase phase;
	long long deadline; /* ms on CLOCK_MONOTONIC; of the current phase */
	int shutdown_timeout, kill_grace;
	int poll_ms; /* how often a shutdown phase looks for the others' end */
	sigset_t handled;
} init = {.sigfd = -1, .ctlfd = -1};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on the console (fd 2), dropped rather than blocking when the
 * console is full: a console nobody reads must never stop the WPAR's init. */
static void say(const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "wpar-init: ");
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m < (int)sizeof(line) - n - 1 ? m : (int)sizeof(line) - n - 2;
	line[n++] = '\n';
	struct pollfd p = {.fd = 2, .events = POLLOUT};
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT))
		return;
	for (char *s = line; n > 0;) {
		ssize_t w = write(2, s, (size_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (int)w;
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int env_seconds(const char *name, int def)
{
	const char *v = getenv(name);
	char *end;
	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	long s = strtol(v, &end, 10);
	if (errno || *end || s < 0 || s > 86400) {
		say("%s=%s is not a number of seconds; using %d", name, v, def);
		return def;
	}
	return (int)s;
}

static bool executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Runs a script in its own session with a clean signal state. */
static pid_t run_script(const char *path, const char *arg)
{
	pid_t pid = fork();
	if (pid < 0) {
		say("cannot start %s: %s", path, strerror(errno));
		return 0;
	}
	if (pid > 0)
		return pid;
	sigset_t none;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	char *argv[] = {(char *)path, (char *)arg, NULL};
	execv(path, argv);
	dprintf(2, "wpar-init: cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

static void describe_exit(const char *what, int status)
{
	if (WIFEXITED(status))
		say("%s exited with status %d", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		say("%s was killed by signal %d", what, WTERMSIG(status));
}

static void reap(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		if (pid == init.boot_pid) {
			describe_exit("boot script", status);
			init.boot_pid = 0;
		} else if (pid == init.shutdown_pid) {
			describe_exit("shutdown script", status);
			init.shutdown_pid = 0;
		}
	}
}

/* The FIFO sysvinit's clients write to.  Held open read-write, so that a
 * writer's O_NONBLOCK open finds a reader and the last writer's close
 * never turns into an endless end-of-file. */
static void open_initctl(void)
{
	if (init.ctlfd >= 0)
		close(init.ctlfd);
	init.ctlfd = -1;
	if (mkdir("/run", 0755) < 0 && errno != EEXIST) {
		say("cannot create /run: %s", strerror(errno));
		return;
	}
	if ((unlink(INITCTL) < 0 && errno != ENOENT) || mkfifo(INITCTL, 0600) < 0) {
		say("cannot create %s: %s", INITCTL, strerror(errno));
		return;
	}
	int fd = open(INITCTL, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		say("cannot open %s: %s", INITCTL, fd < 0 ? strerror(errno) : "not a FIFO");
		if (fd >= 0)
			close(fd);
		return;
	}
	fchmod(fd, 0600);
	init.ctlfd = fd;
}

static void start_phase(enum phase phase, long long duration_ms)
{
	init.phase = phase;
	init.deadline = now_ms() + duration_ms;
	/* Most WPARs are empty within a millisecond of the signal: look
	 * soon, then less and less often. */
	init.poll_ms = 1;
	switch (phase) {
	case RUNNING:
		break;
	case SHUTDOWN_SCRIPT_RUNS:
		say("shutting down (%s)", init.action == REBOOT ? "reboot" : "halt");
		if (executable_file(SHUTDOWN_SCRIPT))
			init.shutdown_pid =
			    run_script(SHUTDOWN_SCRIPT, init.action == REBOOT ? "reboot" : "halt");
		break;
	case TERMINATING:
		kill(-1, SIGTERM);
		kill(-1, SIGCONT);
		break;
	case KILLING:
		say("killing the processes left (SIGKILL)");
		kill(-1, SIGKILL);
		break;
	}
}

/* A halt or reboot request.  The first one decides which; one more while
 * the WPAR is going down hurries it to its next phase. */
static void request(enum action action, const char *from)
{
	switch (init.phase) {
	case RUNNING:
		say("%s requested by %s", action == REBOOT ? "reboot" : "halt", from);
		init.action = action;
		start_phase(SHUTDOWN_SCRIPT_RUNS, init.shutdown_timeout * 1000LL);
		break;
	case SHUTDOWN_SCRIPT_RUNS:
		say("shutdown hurried by %s", from);
		start_phase(TERMINATING, init.kill_grace * 1000LL);
		break;
	case TERMINATING:
		say("shutdown hurried by %s", from);
		start_phase(KILLING, 5000);
		break;
	case KILLING:
		break;
	}
}

static void read_signals(void)
{
	struct signalfd_siginfo si;
	for (;;) {
		ssize_t n = read(init.sigfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return;
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD)
			continue; /* reaped after every wake-up */
		if (sig == SIGUSR1) {
			open_initctl();
			continue;
		}
		char from[96];
		const char *name = sig == SIGTERM  ? "SIGTERM"
				   : sig == SIGINT ? "SIGINT"
				   : sig == SIGPWR ? "SIGPWR"
						   : NULL;
		char rt[16];
		if (name == NULL) {
			snprintf(rt, sizeof(rt), "SIGRTMIN+%d", sig - SIGRTMIN);
			name = rt;
		}
		/* A sender outside the WPAR's PID namespace shows as pid 0. */
		if (si.ssi_pid == 0)
			snprintf(from, sizeof(from), "%s from the global environment", name);
		else
			snprintf(from, sizeof(from), "%s from process %u", name, si.ssi_pid);
		request(sig == SIGRTMIN + 5 ? REBOOT : HALT, from);
	}
}

static void read_initctl(void)
{
	struct init_request req;
	for (;;) {
		ssize_t n = read(init.ctlfd, &req, sizeof(req));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		/* Writes of a request are atomic (< PIPE_BUF); anything
		 * else is noise, and dropped. */
		if (n != (ssize_t)sizeof(req) || req.magic != INIT_MAGIC)
			continue;
		if (req.cmd != INIT_CMD_RUNLVL) {
			say("ignoring initctl command %d", req.cmd);
			continue;
		}
		if (req.runlevel == '0')
			request(HALT, INITCTL);
		else if (req.runlevel == '6')
			request(REBOOT, INITCTL);
		else if (req.runlevel > ' ' && req.runlevel < 127)
			say("runlevel %c is not supported; only 0 (halt) and 6 (reboot)",
			    req.runlevel);
	}
}

/* True while any process other than init is left in the WPAR. */
static bool others_alive(void)
{
	return kill(-1, 0) == 0 || errno != ESRCH;
}

static void __attribute__((noreturn)) finish(void)
{
	sync();
	say("workload partition %s", init.action == REBOOT ? "rebooting" : "halted");
	exit(init.action == REBOOT ? WPAR_INIT_EXIT_REBOOT : WPAR_INIT_EXIT_HALT);
}

/* Moves a shutdown on when its phase is over or its time is up. */
static void advance(void)
{
	bool late = now_ms() >= init.deadline;
	switch (init.phase) {
	case RUNNING:
		return;
	case SHUTDOWN_SCRIPT_RUNS:
		if (init.shutdown_pid > 0 && late)
			say("shutdown script did not finish in %d s", init.shutdown_timeout);
		if (init.shutdown_pid == 0 || late)
			start_phase(TERMINATING, init.kill_grace * 1000LL);
		return;
	case TERMINATING:
		if (!others_alive())
			finish();
		if (late)
			start_phase(KILLING, 5000);
		return;
	case KILLING:
		/* Past this deadline, init's exit lets the kernel finish
		 * off whatever is stuck. */
		if (!others_alive() || late)
			finish();
		return;
	}
}

static int poll_timeout(void)
{
	if (init.phase == RUNNING)
		return -1;
	long long left = init.deadline - now_ms();
	if (left < 0)
		left = 0;
	/* Processes that joined the WPAR from outside (clogin) are not
	 * init's children: their end raises no SIGCHLD, so look often. */
	if (init.phase != SHUTDOWN_SCRIPT_RUNS && left > init.poll_ms) {
		left = init.poll_ms;
		if (init.poll_ms < 100)
			init.poll_ms *= 2;
	}
	return (int)left;
}

/* telinit: "wpar-init 0" run inside the WPAR by anything but init. */
static int telinit(const char *level)
{
	if (strlen(level) != 1) {
		fprintf(stderr, "usage: telinit 0|6\n");
		return 1;
	}
	struct init_request req = {
	    .magic = INIT_MAGIC, .cmd = INIT_CMD_RUNLVL, .runlevel = level[0]};
	int fd = open(INITCTL, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || write(fd, &req, sizeof(req)) != (ssize_t)sizeof(req)) {
		fprintf(stderr, "telinit: cannot write to %s: %s\n", INITCTL, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (getpid() != 1) {
		if (argc == 2)
			return telinit(argv[1]);
		fprintf(stderr,
			"wpar-init: this is the init of a WPAR and runs only as its PID 1\n");
		return 1;
	}
	umask(022);
	if (chdir("/") < 0)
		say("cannot change to /: %s", strerror(errno));
	setsid(); /* the runtime normally did; CRIU wants init to lead its session */
	/* No controlling terminal: a ^C typed on the console must not reach
	 * init as a halt request. */
	ioctl(0, TIOCNOTTY);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	init.shutdown_timeout = env_seconds("WPAR_SHUTDOWN_TIMEOUT", 10);
	init.kill_grace = env_seconds("WPAR_KILL_GRACE", 5);
	sigemptyset(&init.handled);
	int sigs[] = {SIGCHLD, SIGTERM,      SIGINT,       SIGPWR,
		      SIGUSR1, SIGRTMIN + 3, SIGRTMIN + 4, SIGRTMIN + 5};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&init.handled, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &init.handled, NULL) < 0 ||
	    (init.sigfd = signalfd(-1, &init.handled, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		/* Without signals init could neither reap nor stop: let the
		 * monitor see a failed start. */
		say("cannot set up signals: %s", strerror(errno));
		return WPAR_INIT_EXIT_FAILED;
	}
	open_initctl();

	const char *name = getenv("WPAR_NAME");
	say("booting workload partition %s", name && *name ? name : "(unnamed)");
	const char *maint = getenv("WPAR_MAINTENANCE");
	if (maint && strcmp(maint, "1") == 0)
		say("maintenance mode: %s not run", BOOT_SCRIPT);
	else if (executable_file(BOOT_SCRIPT))
		init.boot_pid = run_script(BOOT_SCRIPT, NULL);
	else
		say("no executable %s: nothing to start", BOOT_SCRIPT);

	for (;;) {
		struct pollfd fds[2] = {{.fd = init.sigfd, .events = POLLIN},
					{.fd = init.ctlfd, .events = POLLIN}};
		int n = poll(fds, init.ctlfd >= 0 ? 2 : 1, poll_timeout());
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			sleep(1); /* never spin, never exit */
		}
		if (n > 0 && fds[0].revents)
			read_signals();
		if (n > 0 && init.ctlfd >= 0 && fds[1].revents & POLLIN)
			read_initctl();
		reap();
		advance();
	}
}
