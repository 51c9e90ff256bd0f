/* wpar-init as the PID 1 of a real PID namespace.  Each test builds a tiny
 * WPAR root in a temporary directory (the host's /usr bound read-only,
 * bin/sbin/lib as links into it, /proc of the new namespace), starts the
 * built binary there the way the monitor does (execveat of a descriptor
 * opened before chroot, the init signals blocked across exec) and drives
 * it from the host: signals, requests on /run/initctl, the Debian halt
 * and reboot commands.  All mounts live in a private mount namespace that
 * vanishes with the test's WPAR.  Runs as root; skipped otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

struct wpar {
	char dir[64];     /* the test's temporary directory */
	char root[96];    /* dir/root: the WPAR's root */
	char console[96]; /* dir/console: what init printed */
	pid_t helper;     /* the parent of init, in the host's PID namespace */
	pid_t init;       /* init, as the host sees it */
	int status;       /* init's wait status, once it ended */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *in_root(const struct wpar *w, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", w->root, rel);
	return buf;
}

static void put(const struct wpar *w, const char *rel, const char *text, mode_t mode)
{
	char path[256];
	write_text(in_root(w, rel, path, sizeof(path)), text, mode);
}

static bool exists(const struct wpar *w, const char *rel)
{
	char path[256];
	return access(in_root(w, rel, path, sizeof(path)), F_OK) == 0;
}

static bool wait_for(const struct wpar *w, const char *rel, int ms)
{
	for (long long end = now_ms() + ms; now_ms() < end; usleep(10000))
		if (exists(w, rel))
			return true;
	return false;
}

static char *console_text(const struct wpar *w)
{
	static char buf[16384];
	buf[0] = '\0';
	int fd = open(w->console, O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	return buf;
}

static bool console_says(const struct wpar *w, const char *text, int ms)
{
	for (long long end = now_ms() + ms; now_ms() < end; usleep(10000))
		if (strstr(console_text(w), text))
			return true;
	return false;
}

/* The tiny root: /usr of the host (bound later, read-only), the usual
 * merged-/usr links, empty /proc, /run, /tmp, /dev and /etc/wpar. */
static void make_root(struct wpar *w)
{
	memset(w, 0, sizeof(*w));
	strcpy(w->dir, "/tmp/wpar-init-test.XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->root, sizeof(w->root), "%s/root", w->dir);
	snprintf(w->console, sizeof(w->console), "%s/console", w->dir);
	static const char *const dirs[] = {"",     "/usr", "/proc", "/run",
					   "/tmp", "/dev", "/etc",  "/etc/wpar"};
	char path[256];
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", w->root, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	static const char *const links[][2] = {
	    {"usr/bin", "bin"}, {"usr/sbin", "sbin"}, {"usr/lib", "lib"}, {"usr/lib64", "lib64"}};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		assert_int_equal(symlink(links[i][0], in_root(w, links[i][1], path, sizeof(path))),
				 0);
	put(w, "dev/null", "", 0666);
	chmod(in_root(w, "tmp", path, sizeof(path)), 01777);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void drop_root(struct wpar *w)
{
	if (w->dir[0] == '\0')
		return;
	if (w->helper > 0) {
		/* init dies with it (PR_SET_PDEATHSIG), and the WPAR with init. */
		kill(w->helper, SIGKILL);
		waitpid(w->helper, NULL, 0);
	}
	/* The binds live only in the WPAR's mount namespace, gone by now:
	 * this sees plain directories. */
	nftw(w->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	w->dir[0] = '\0';
}

/* The WPAR of the running test; the teardown removes it even when an
 * assertion failed half-way. */
static struct wpar current;

static int teardown(void **state)
{
	drop_root(&current);
	return 0;
}

static void __attribute__((noreturn)) die(const char *what)
{
	dprintf(2, "test_init helper: %s: %s\n", what, strerror(errno));
	_exit(120);
}

/* PID 1 of the new namespace: its /proc, the console, then init. */
static void __attribute__((noreturn)) exec_init(const struct wpar *w, int initfd, char **env)
{
	char path[256];
	if (mount("proc", in_root(w, "proc", path, sizeof(path)), "proc",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount /proc");
	int in = open("/dev/null", O_RDONLY);
	int out = open(w->console, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		die("console");
	if (chroot(w->root) < 0 || chdir("/") < 0)
		die("chroot");
	/* What the monitor should do too: signals sent before init has set
	 * up its signalfd stay pending instead of being dropped. */
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGPWR, SIGRTMIN + 3, SIGRTMIN + 4, SIGRTMIN + 5};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_SETMASK, &set, NULL);
	char *argv[] = {"init", NULL};
	syscall(SYS_execveat, initfd, "", argv, env, AT_EMPTY_PATH);
	die("execveat wpar-init");
}

/* Starts init in a new PID and mount namespace.  `maintenance` adds
 * WPAR_MAINTENANCE=1 to its environment. */
static void start_init(struct wpar *w, bool maintenance)
{
	const char *bin = getenv("WPAR_INIT_BIN");
	assert_non_null(bin);
	char *env[] = {"WPAR_NAME=testwpar",
		       "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		       "WPAR_SHUTDOWN_TIMEOUT=3",
		       "WPAR_KILL_GRACE=1",
		       maintenance ? "WPAR_MAINTENANCE=1" : NULL,
		       NULL};
	int pipefd[2];
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	w->helper = fork();
	assert_true(w->helper >= 0);
	if (w->helper == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int initfd = open(bin, O_RDONLY | O_CLOEXEC);
		if (initfd < 0)
			die(bin);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0)
			die("unshare");
		char path[256];
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("/usr", in_root(w, "usr", path, sizeof(path)), NULL, MS_BIND | MS_REC,
			  NULL) < 0 ||
		    mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0 ||
		    mount("/dev/null", in_root(w, "dev/null", path, sizeof(path)), NULL, MS_BIND,
			  NULL) < 0)
			die("mounts");
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			exec_init(w, initfd, env);
		}
		if (write(pipefd[1], &pid, sizeof(pid)) != sizeof(pid))
			die("write");
		int status;
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		/* Carries init's wait status out: exit code, or 128 + signal. */
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &w->init, sizeof(w->init)), sizeof(w->init));
	close(pipefd[0]);
}

/* Waits for init to end; its exit code, 128 + signal, or -1 on timeout. */
static int wait_init(struct wpar *w, int ms)
{
	for (long long end = now_ms() + ms; now_ms() < end; usleep(10000)) {
		int status;
		pid_t r = waitpid(w->helper, &status, WNOHANG);
		if (r == w->helper) {
			w->helper = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
	}
	return -1;
}

/* Processes in init's PID namespace, and how many of them are zombies. */
static int count_in_wpar(const struct wpar *w, int *zombies)
{
	char path[320], ns[64], other[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)w->init);
	ssize_t n = readlink(path, ns, sizeof(ns) - 1);
	assert_true(n > 0);
	ns[n] = '\0';
	int count = 0;
	*zombies = 0;
	DIR *d = opendir("/proc");
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
		n = readlink(path, other, sizeof(other) - 1);
		if (n <= 0)
			continue;
		other[n] = '\0';
		if (strcmp(ns, other) != 0)
			continue;
		count++;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		char state = '?';
		if (f && fscanf(f, "%*d (%*[^)]) %c", &state) == 1 && state == 'Z')
			(*zombies)++;
		if (f)
			fclose(f);
	}
	closedir(d);
	return count;
}

static void send_request(const struct wpar *w, char runlevel)
{
	struct {
		int magic, cmd, runlevel, sleeptime;
		char data[368];
	} req = {.magic = 0x03091969, .cmd = 1, .runlevel = runlevel};
	char path[256];
	int fd = open(in_root(w, "run/initctl", path, sizeof(path)), O_WRONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, &req, sizeof(req)), 384);
	close(fd);
}

static bool running_as_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("test_init needs root (namespaces, mounts)\n");
	return false;
}

static const char rc_shutdown[] = "#!/bin/sh\necho \"$1\" > /tmp/shutdown-ran\n";

/* ------------------------------------------------------------------ */

static void test_boot_reaps_orphans_and_halts_on_sigterm(void **state)
{
	if (!running_as_root())
		skip();
	struct wpar *w = &current;
	make_root(w);
	/* A service that leaves orphans behind, and one that takes SIGTERM
	 * as its cue to stop. */
	put(w, "etc/wpar/rc.boot",
	    "#!/bin/sh\n"
	    "for i in 1 2 3 4 5; do ( sleep 0.1 & ) ; ( true & ) ; done\n"
	    "sh -c 'trap \"echo bye > /tmp/got-term; exit 0\" TERM; sleep 1000 & wait' &\n"
	    "touch /tmp/booted\n"
	    "exit 3\n",
	    0755);
	put(w, "etc/wpar/rc.shutdown", rc_shutdown, 0755);
	start_init(w, false);
	assert_true(wait_for(w, "tmp/booted", 5000));
	assert_true(console_says(w, "boot script exited with status 3", 5000));
	assert_true(console_says(w, "booting workload partition testwpar", 100));
	/* The orphans end within 0.1 s; init must have reaped every one:
	 * init, the service and its sleep are all that is left. */
	int zombies = -1, count = 0;
	usleep(300000);
	for (long long end = now_ms() + 3000; now_ms() < end; usleep(20000)) {
		count = count_in_wpar(w, &zombies);
		if (zombies == 0 && count == 3)
			break;
	}
	assert_int_equal(zombies, 0);
	assert_int_equal(count, 3);
	assert_true(exists(w, "run/initctl"));
	kill(w->init, SIGTERM);
	assert_int_equal(wait_init(w, 10000), WPAR_INIT_EXIT_HALT);
	assert_true(exists(w, "tmp/shutdown-ran"));
	assert_true(exists(w, "tmp/got-term"));
	char *log = console_text(w);
	assert_non_null(strstr(log, "halt requested by SIGTERM from the global environment"));
	assert_non_null(strstr(log, "shutting down (halt)"));
	assert_null(strstr(log, "SIGKILL"));
}

static void test_initctl_runlevel(char runlevel, int expected, const char *word)
{
	if (!running_as_root())
		skip();
	struct wpar *w = &current;
	make_root(w);
	put(w, "etc/wpar/rc.boot", "#!/bin/sh\ntouch /tmp/booted\n", 0755);
	put(w, "etc/wpar/rc.shutdown", rc_shutdown, 0755);
	start_init(w, false);
	assert_true(wait_for(w, "tmp/booted", 5000));
	send_request(w, runlevel);
	assert_int_equal(wait_init(w, 10000), expected);
	char path[256], buf[32] = "";
	FILE *f = fopen(in_root(w, "tmp/shutdown-ran", path, sizeof(path)), "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(strncmp(buf, word, strlen(word)), 0);
	char expect[64];
	snprintf(expect, sizeof(expect), "shutting down (%s)", word);
	assert_non_null(strstr(console_text(w), expect));
}

static void test_initctl_reboot(void **state)
{
	test_initctl_runlevel('6', WPAR_INIT_EXIT_REBOOT, "reboot");
}

static void test_initctl_halt(void **state)
{
	test_initctl_runlevel('0', WPAR_INIT_EXIT_HALT, "halt");
}

/* Debian's own commands inside the WPAR (systemctl, which falls back to
 * /run/initctl when systemd is not PID 1), and wpar-init as telinit. */
static void run_command_inside(const char *command, int expected)
{
	if (!running_as_root())
		skip();
	struct wpar *w = &current;
	make_root(w);
	char script[256];
	snprintf(script, sizeof(script), "#!/bin/sh\ntouch /tmp/booted\n%s\n", command);
	put(w, "etc/wpar/rc.boot", script, 0755);
	if (strstr(command, "/wpar-init")) {
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s/wpar-init'", getenv("WPAR_INIT_BIN"),
			 w->root);
		assert_int_equal(system(cmd), 0);
	}
	start_init(w, false);
	assert_true(wait_for(w, "tmp/booted", 5000));
	int got = wait_init(w, 10000);
	if (got != expected)
		print_message("console:\n%s\n", console_text(w));
	assert_int_equal(got, expected);
	assert_non_null(strstr(console_text(w), "requested by /run/initctl"));
}

static void test_debian_halt(void **state)
{
	if (access("/usr/bin/systemctl", X_OK) < 0)
		skip();
	run_command_inside("halt", WPAR_INIT_EXIT_HALT);
}

static void test_debian_reboot(void **state)
{
	if (access("/usr/bin/systemctl", X_OK) < 0)
		skip();
	run_command_inside("reboot", WPAR_INIT_EXIT_REBOOT);
}

static void test_debian_shutdown_r_now(void **state)
{
	if (access("/usr/bin/systemctl", X_OK) < 0)
		skip();
	run_command_inside("shutdown -r now", WPAR_INIT_EXIT_REBOOT);
}

static void test_telinit_mode(void **state)
{
	run_command_inside("/wpar-init 6", WPAR_INIT_EXIT_REBOOT);
}

static void test_maintenance_skips_boot_script(void **state)
{
	if (!running_as_root())
		skip();
	struct wpar *w = &current;
	make_root(w);
	put(w, "etc/wpar/rc.boot", "#!/bin/sh\ntouch /tmp/booted\n", 0755);
	start_init(w, true);
	assert_true(console_says(w, "maintenance mode", 5000));
	usleep(200000);
	assert_false(exists(w, "tmp/booted"));
	kill(w->init, SIGTERM);
	assert_int_equal(wait_init(w, 10000), WPAR_INIT_EXIT_HALT);
}

/* A boot script that never ends, and ignores SIGTERM with its children:
 * init still serves a stop, and SIGKILLs them after WPAR_KILL_GRACE. */
static void test_hanging_boot_script(void **state)
{
	if (!running_as_root())
		skip();
	struct wpar *w = &current;
	make_root(w);
	put(w, "etc/wpar/rc.boot", "#!/bin/sh\ntrap '' TERM\ntouch /tmp/booted\nsleep 1000\n",
	    0755);
	start_init(w, false);
	assert_true(wait_for(w, "tmp/booted", 5000));
	long long start = now_ms();
	kill(w->init, SIGTERM);
	assert_int_equal(wait_init(w, 10000), WPAR_INIT_EXIT_HALT);
	long long took = now_ms() - start;
	assert_in_range(took, 900, 4000); /* the 1 s grace, then SIGKILL */
	char *log = console_text(w);
	assert_non_null(strstr(log, "killing the processes left (SIGKILL)"));
	assert_non_null(strstr(log, "boot script was killed by signal 9"));
}

/* SIGRTMIN+5 is a reboot; a second request hurries a slow shutdown. */
static void test_reboot_signal_and_hurry(void **state)
{
	if (!running_as_root())
		skip();
	struct wpar *w = &current;
	make_root(w);
	put(w, "etc/wpar/rc.boot", "#!/bin/sh\ntouch /tmp/booted\n", 0755);
	put(w, "etc/wpar/rc.shutdown", "#!/bin/sh\ntouch /tmp/shutdown-ran\nexec sleep 60\n", 0755);
	start_init(w, false);
	assert_true(wait_for(w, "tmp/booted", 5000));
	long long start = now_ms();
	kill(w->init, SIGRTMIN + 5);
	assert_true(wait_for(w, "tmp/shutdown-ran", 5000));
	kill(w->init, SIGTERM); /* do not wait for the 3 s shutdown timeout */
	assert_int_equal(wait_init(w, 10000), WPAR_INIT_EXIT_REBOOT);
	assert_true(now_ms() - start < 2500);
	assert_non_null(strstr(console_text(w), "shutting down (reboot)"));
	assert_non_null(strstr(console_text(w), "shutdown hurried by SIGTERM"));
}

/* Not PID 1 and no runlevel: refuses to run (kill(-1) on a host is not
 * something a stray invocation may do). */
static void test_refuses_outside_pid1(void **state)
{
	const char *bin = getenv("WPAR_INIT_BIN");
	assert_non_null(bin);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "'%s' 2>/dev/null", bin);
	int st = system(cmd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refuses_outside_pid1),
	    cmocka_unit_test_teardown(test_boot_reaps_orphans_and_halts_on_sigterm, teardown),
	    cmocka_unit_test_teardown(test_initctl_reboot, teardown),
	    cmocka_unit_test_teardown(test_initctl_halt, teardown),
	    cmocka_unit_test_teardown(test_debian_halt, teardown),
	    cmocka_unit_test_teardown(test_debian_reboot, teardown),
	    cmocka_unit_test_teardown(test_debian_shutdown_r_now, teardown),
	    cmocka_unit_test_teardown(test_telinit_mode, teardown),
	    cmocka_unit_test_teardown(test_maintenance_skips_boot_script, teardown),
	    cmocka_unit_test_teardown(test_hanging_boot_script, teardown),
	    cmocka_unit_test_teardown(test_reboot_signal_and_hurry, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
