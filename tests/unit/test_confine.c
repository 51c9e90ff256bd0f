/* The baseline confinement (confine.h), checked from inside confined
 * processes.  Every check runs in a forked child so that the test process
 * keeps its privileges; the child writes what went wrong to a pipe and the
 * parent fails with it.
 *
 * Right after wpar_confine_apply() the child still has every capability in
 * its effective set (only execve recomputes it), so an EPERM there can only
 * come from the seccomp filter: that is where the filter is tested.  What
 * the capabilities give after execve is tested in a re-executed copy of
 * this binary (main() runs the "--after-exec" checks). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/quota.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "util.h"

#define UNUSED __attribute__((unused))
#define BIT(c) (UINT64_C(1) << (c))

static char *self_exe;

/* ---- child plumbing ---------------------------------------------------- */

static int report_fd = -1;
static int n_problems;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdprintf(report_fd, fmt, ap);
	va_end(ap);
	dprintf(report_fd, "\n");
	n_problems++;
}

static struct wpar_spec *spec_rawsock(const char *value)
{
	struct wpar_spec *spec = wpar_spec_new();
	if (value != NULL)
		assert_int_equal(
		    wpar_spec_set(spec, WPAR_ST_OPTIONS, 0, "enable_rawsock", value, NULL), 0);
	return spec;
}

/* What a careless caller might leave behind: capabilities in the
 * inheritable and ambient sets, which survive execve.  CAP_CHOWN is kept
 * by the WPAR, so only clearing the ambient set removes it from there. */
static void seed_inheritable_ambient(void)
{
	cap_value_t v[] = {CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_CHOWN};
	cap_t caps = cap_get_proc();
	if (caps == NULL || cap_set_flag(caps, CAP_INHERITABLE, 3, v, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0)
		problem("cannot raise inheritable capabilities: %s", strerror(errno));
	cap_free(caps);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v[i], 0, 0) < 0)
			problem("cannot raise ambient capability %d: %s", v[i], strerror(errno));
}

static void confine_or_die(const struct wpar_spec *spec)
{
	cleanup_error wpar_error_t err = NULL;
	if (wpar_confine_apply(spec, &err) < 0) {
		problem("wpar_confine_apply: %s", err->msg);
		_exit(1);
	}
}

/* Runs fn in a child with the write end of a pipe as report_fd; fails the
 * test with whatever the child reported or with how it ended. */
static void run_child(void (*fn)(const struct wpar_spec *), const struct wpar_spec *spec)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		fn(spec);
		_exit(n_problems ? 1 : 0);
	}
	close(p[1]);
	char buf[8192];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (len > 0)
		fail_msg("%s", buf);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child ended with status %#x", status);
}

/* ---- /proc/self/status ------------------------------------------------- */

struct proc_caps {
	uint64_t inh, prm, eff, bnd, amb;
	int no_new_privs, seccomp;
};

static void read_status(struct proc_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->no_new_privs = c->seccomp = -1;
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	if (f == NULL) {
		problem("cannot open /proc/self/status");
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "CapInh: %" SCNx64, &c->inh);
		sscanf(line, "CapPrm: %" SCNx64, &c->prm);
		sscanf(line, "CapEff: %" SCNx64, &c->eff);
		sscanf(line, "CapBnd: %" SCNx64, &c->bnd);
		sscanf(line, "CapAmb: %" SCNx64, &c->amb);
		sscanf(line, "NoNewPrivs: %d", &c->no_new_privs);
		sscanf(line, "Seccomp: %d", &c->seccomp);
	}
	fclose(f);
}

static const cap_value_t must_drop[] = {
    CAP_SYS_ADMIN, CAP_SYS_MODULE,   CAP_MKNOD,        CAP_SYS_TIME,        CAP_SYS_RAWIO,
    CAP_NET_ADMIN, CAP_SYS_PTRACE,   CAP_SYS_PACCT,    CAP_AUDIT_CONTROL,   CAP_SYSLOG,
    CAP_MAC_ADMIN, CAP_MAC_OVERRIDE, CAP_SYS_RESOURCE, CAP_LINUX_IMMUTABLE, CAP_SYS_NICE,
};
static const cap_value_t must_keep[] = {
    CAP_CHOWN,    CAP_DAC_OVERRIDE, CAP_FOWNER,  CAP_SETUID,      CAP_SETGID,  CAP_KILL,
    CAP_SYS_BOOT, CAP_SYS_CHROOT,   CAP_SETPCAP, CAP_AUDIT_WRITE, CAP_SETFCAP,
};

static void check_sets(uint64_t set, const char *which, bool rawsock)
{
	for (size_t i = 0; i < ARRAY_SIZE(must_drop); i++)
		if (set & BIT(must_drop[i]))
			problem("%s has capability %d", which, must_drop[i]);
	for (size_t i = 0; i < ARRAY_SIZE(must_keep); i++)
		if (!(set & BIT(must_keep[i])))
			problem("%s lacks capability %d", which, must_keep[i]);
	if (!!(set & BIT(CAP_NET_RAW)) != rawsock)
		problem("%s: CAP_NET_RAW is %s with enable_rawsock %s", which,
			(set & BIT(CAP_NET_RAW)) ? "there" : "missing", rawsock ? "yes" : "no");
}

/* ---- before exec: the bounding set and the filter ---------------------- */

static void child_bounding(const struct wpar_spec *spec)
{
	bool rawsock = spec->options.enable_rawsock != NULL;
	struct proc_caps before, c;
	read_status(&before);
	seed_inheritable_ambient();
	confine_or_die(spec);
	read_status(&c);
	check_sets(c.bnd, "CapBnd", rawsock);
	/* Exactly the documented set, less what the test itself lacked. */
	if (c.bnd != (wpar_confine_cap_mask(spec) & before.bnd))
		problem("CapBnd %#" PRIx64 " is not the documented set %#" PRIx64, c.bnd,
			wpar_confine_cap_mask(spec) & before.bnd);
	if (c.amb != 0)
		problem("CapAmb is %#" PRIx64, c.amb);
	if (c.inh & ~c.bnd)
		problem("CapInh %#" PRIx64 " is not inside CapBnd", c.inh);
	if (!(c.eff & BIT(CAP_SYS_ADMIN)))
		problem("the effective set changed before exec");
	if (c.seccomp != 2)
		problem("Seccomp is %d, not 2 (filter)", c.seccomp);
	if (c.no_new_privs != 0)
		problem("NoNewPrivs is %d: set-uid programs would stop working", c.no_new_privs);
}

static void test_bounding_set(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_bounding, spec);
}

static void test_bounding_set_rawsock(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock("yes");
	run_child(child_bounding, spec);
}

/* Calls whose arguments are harmless even where nothing refuses them:
 * null or invalid pointers, paths that do not exist, no-op values. */
struct call {
	const char *what;
	long nr;
	long a[5];
	int confined_errno;
};

static const struct call blocked_calls[] = {
    {"init_module(NULL, 0, \"\")", SYS_init_module, {0, 0, (long)""}, EPERM},
    {"finit_module(-1)", SYS_finit_module, {-1, (long)"", 0}, EPERM},
    {"delete_module", SYS_delete_module, {(long)"wpar-no-such-module", O_NONBLOCK}, EPERM},
    {"kexec_load", SYS_kexec_load, {0, 0, 0, 0}, EPERM},
    {"keyctl(KEYCTL_JOIN_SESSION_KEYRING)", SYS_keyctl, {KEYCTL_JOIN_SESSION_KEYRING, 0}, ENOSYS},
    {"add_key", SYS_add_key, {(long)"user", (long)"wpar", 0, 0}, ENOSYS},
    {"bpf(BPF_MAP_CREATE, NULL, 0)", SYS_bpf, {0, 0, 0}, EPERM},
    {"perf_event_open(NULL)", SYS_perf_event_open, {0, 0, -1, -1}, EPERM},
    {"settimeofday(NULL, NULL)", SYS_settimeofday, {0, 0}, EPERM},
    {"clock_settime(CLOCK_REALTIME, NULL)", SYS_clock_settime, {CLOCK_REALTIME, 0}, EPERM},
    {"unshare(CLONE_NEWNS)", SYS_unshare, {CLONE_NEWNS}, EPERM},
    {"unshare(CLONE_NEWUSER)", SYS_unshare, {CLONE_NEWUSER}, EPERM},
    {"unshare(CLONE_NEWTIME)", SYS_unshare, {CLONE_NEWTIME}, EPERM},
    {"swapon(NULL, 0)", SYS_swapon, {0, 0}, EPERM},
    {"acct(\"\")", SYS_acct, {(long)""}, EPERM},
    {"open_by_handle_at(-1, NULL, 0)", SYS_open_by_handle_at, {-1, 0, 0}, EPERM},
    {"userfaultfd(0)", SYS_userfaultfd, {0}, EPERM},
    {"syslog(SIZE_BUFFER)", SYS_syslog, {10, 0, 0}, EPERM},
    {"iopl(0)", SYS_iopl, {0}, EPERM},
    {"ioperm(0, 0, 0)", SYS_ioperm, {0, 0, 0}, EPERM},
    {"mount(none, /wpar-no-such-dir)",
     SYS_mount,
     {(long)"none", (long)"/wpar-no-such-dir", (long)"tmpfs", 0},
     EPERM},
    {"umount2(/wpar-no-such-dir)", SYS_umount2, {(long)"/wpar-no-such-dir", 0}, EPERM},
    {"pivot_root(/wpar-no-such-a, /wpar-no-such-b)",
     SYS_pivot_root,
     {(long)"/wpar-no-such-a", (long)"/wpar-no-such-b"},
     EPERM},
    {"fsopen(\"wpar-no-such-fs\")", SYS_fsopen, {(long)"wpar-no-such-fs", 0}, EPERM},
    {"setns(-1, 0)", SYS_setns, {-1, 0}, EPERM},
    {"clone3(NULL, 0)", SYS_clone3, {0, 0}, ENOSYS},
    {"personality(READ_IMPLIES_EXEC)", SYS_personality, {READ_IMPLIES_EXEC}, EPERM},
    {"personality(MMAP_PAGE_ZERO)", SYS_personality, {MMAP_PAGE_ZERO}, EPERM},
    /* A bad descriptor: EBADF where nothing refuses it.  The kernel reads
     * the request as an unsigned int: high bits do not get around it. */
    {"ioctl(-1, TIOCSTI)", SYS_ioctl, {-1, TIOCSTI, 0}, EPERM},
    {"ioctl(-1, TIOCSTI | 1 << 32)", SYS_ioctl, {-1, (long)(TIOCSTI | (1UL << 32)), 0}, EPERM},
};

static long call(const struct call *c)
{
	return syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
}

static void *thread_fn(void *arg)
{
	return arg;
}

static void child_filter(const struct wpar_spec *spec)
{
	confine_or_die(spec);
	for (size_t i = 0; i < ARRAY_SIZE(blocked_calls); i++) {
		const struct call *c = &blocked_calls[i];
		errno = 0;
		long r = call(c);
		if (r != -1 || errno != c->confined_errno)
			problem("%s returned %ld (%s), expected %s", c->what, r, strerror(errno),
				strerror(c->confined_errno));
	}

	/* clone(2) with namespace flags; without them it works (fork). */
	long r = syscall(SYS_clone, (long)(CLONE_NEWNS | SIGCHLD), 0L, 0L, 0L, 0L);
	if (r == 0)
		_exit(0);
	if (r != -1 || errno != EPERM)
		problem("clone(CLONE_NEWNS) returned %ld (%s), expected EPERM", r, strerror(errno));
	r = syscall(SYS_clone, (long)(CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD), 0L, 0L, 0L, 0L);
	if (r == 0)
		_exit(0);
	if (r != -1 || errno != EPERM)
		problem("clone(CLONE_NEWUSER) returned %ld (%s), expected EPERM", r,
			strerror(errno));
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 7)
		problem("fork failed in a confined process");
	/* pthread_create tries clone3 first and falls back to clone on ENOSYS. */
	static int marker;
	pthread_t t;
	void *ret = NULL;
	if (pthread_create(&t, NULL, thread_fn, &marker) != 0 || pthread_join(t, &ret) != 0 ||
	    ret != &marker)
		problem("pthread_create failed in a confined process");
	if (unshare(CLONE_FILES) != 0)
		problem("unshare(CLONE_FILES) failed: %s", strerror(errno));

	/* What stays allowed. */
	if (syscall(SYS_getpid) != getpid())
		problem("getpid is filtered");
	struct timex tx = {.modes = 0};
	if (adjtimex(&tx) < 0)
		problem("adjtimex(modes 0) failed: %s", strerror(errno));
	struct timespec ts;
	if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts) != 0)
		problem("clock_gettime failed: %s", strerror(errno));
	/* An invalid magic: the kernel checks CAP_SYS_BOOT, then the magic. */
	errno = 0;
	r = syscall(SYS_reboot, 0L, 0L, (long)LINUX_REBOOT_CMD_CAD_OFF, 0L);
	if (r != -1 || errno != EINVAL)
		problem("reboot(bad magic) returned %ld (%s), expected EINVAL", r, strerror(errno));
	int old = personality(0xffffffff);
	if (old < 0 || personality(PER_LINUX) < 0 || personality(PER_LINUX32) < 0 ||
	    personality(PER_LINUX | ADDR_NO_RANDOMIZE) < 0 || personality((unsigned long)old) < 0)
		problem("an allowed personality value was refused: %s", strerror(errno));
	struct {
		struct file_handle fh;
		unsigned char data[128];
	} h = {.fh.handle_bytes = 128};
	int mount_id;
	if (name_to_handle_at(AT_FDCWD, "/", &h.fh, &mount_id, 0) < 0 && errno == EPERM)
		problem("name_to_handle_at is filtered");
	/* QCMD() overflows an int; build the same command unsigned. */
	int quota_getfmt = (int)(((unsigned)Q_GETFMT << SUBCMDSHIFT) | USRQUOTA);
	errno = 0;
	if (quotactl(quota_getfmt, "/wpar-no-such-dev", 0, NULL) == 0 || errno == EPERM)
		problem("quotactl is filtered");
}

static void test_filter(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_filter, spec);
}

/* The same calls unconfined do not fail with the confined errno: the
 * errors above are the filter's, not the kernel's.  Each call runs in a
 * process of its own (unshare(CLONE_NEWUSER) would change the rest). */
static void child_unconfined(const struct wpar_spec *spec UNUSED)
{
	for (size_t i = 0; i < ARRAY_SIZE(blocked_calls); i++) {
		const struct call *c = &blocked_calls[i];
		if (c->nr == SYS_clone3 || c->nr == SYS_personality)
			continue; /* clone3 may really be missing; a personality would stick */
		pid_t pid = fork();
		if (pid == 0) {
			errno = 0;
			long r = call(c);
			_exit(r == -1 && errno == c->confined_errno ? 1 : 0);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			problem("unconfined %s already fails with %s (status %#x)", c->what,
				strerror(c->confined_errno), status);
	}
}

static void test_control(void **state UNUSED)
{
	run_child(child_unconfined, NULL);
}

/* The filter's error path: without CAP_SYS_ADMIN (and no no_new_privs)
 * the kernel refuses it, and the error says so. */
static void child_no_sys_admin(const struct wpar_spec *spec)
{
	cap_t caps = cap_get_proc();
	cap_value_t v = CAP_SYS_ADMIN;
	cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
	if (cap_set_proc(caps) < 0)
		problem("cannot drop CAP_SYS_ADMIN: %s", strerror(errno));
	cap_free(caps);
	cleanup_error wpar_error_t err = NULL;
	if (wpar_confine_seccomp(spec, &err) == 0)
		problem("the filter loaded without CAP_SYS_ADMIN");
	else if (err == NULL || err->status != EACCES || strstr(err->msg, "CAP_SYS_ADMIN") == NULL)
		problem("unexpected error: %s", err ? err->msg : "(none)");
}

static void test_seccomp_needs_sys_admin(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_no_sys_admin, spec);
}

/* A login uid inherited from the administrator's session is reset, so the
 * WPAR's pam_loginuid can set its own. */
static void child_loginuid(const struct wpar_spec *spec)
{
	char buf[32] = "";
	int fd = open("/proc/self/loginuid", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return; /* a kernel without audit */
	if (write(fd, "0", 1) != 1)
		return; /* already set, and immutable: nothing to check */
	close(fd);
	confine_or_die(spec);
	fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		problem("cannot read /proc/self/loginuid");
	else if (strcmp(buf, "4294967295") != 0)
		problem("loginuid is %s after confinement, not unset", buf);
	if (fd >= 0)
		close(fd);
}

static void test_loginuid(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_loginuid, spec);
}

/* ---- after exec: the sets the kernel computes ------------------------- */

static void child_exec(const struct wpar_spec *spec)
{
	char fd_arg[16];
	seed_inheritable_ambient();
	confine_or_die(spec);
	snprintf(fd_arg, sizeof(fd_arg), "%d", report_fd);
	execl(self_exe, self_exe, "--after-exec",
	      spec->options.enable_rawsock ? "rawsock" : "default", fd_arg, (char *)NULL);
	problem("cannot re-execute %s: %s", self_exe, strerror(errno));
}

static int after_exec(const char *mode, int fd)
{
	bool rawsock = strcmp(mode, "rawsock") == 0;
	struct proc_caps c;
	report_fd = fd;
	read_status(&c);
	if (strcmp(mode, "setuid") == 0) {
		/* A set-uid-root program run by an ordinary user of the WPAR. */
		if (getuid() != 65534 || geteuid() != 0)
			problem("set-uid exec: uid %d euid %d, expected 65534 and 0", (int)getuid(),
				(int)geteuid());
		if (c.eff != c.bnd)
			problem("set-uid exec: CapEff %#" PRIx64 " is not CapBnd %#" PRIx64, c.eff,
				c.bnd);
		check_sets(c.eff, "CapEff", false);
		/* _exit: LeakSanitizer cannot stop a non-dumpable (set-uid) process. */
		_exit(n_problems ? 1 : 0);
	}
	if (getuid() != 0 || geteuid() != 0)
		problem("not root after exec");
	if (c.eff != c.bnd || c.prm != c.bnd)
		problem("after exec: CapEff %#" PRIx64 " CapPrm %#" PRIx64
			" differ from CapBnd %#" PRIx64,
			c.eff, c.prm, c.bnd);
	check_sets(c.eff, "CapEff", rawsock);
	if (c.amb != 0)
		problem("CapAmb is %#" PRIx64 " after exec", c.amb);
	if (c.seccomp != 2 || c.no_new_privs != 0)
		problem("after exec: Seccomp %d NoNewPrivs %d", c.seccomp, c.no_new_privs);

	/* Raw sockets follow enable_rawsock. */
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (rawsock && s < 0)
		problem("raw socket refused with enable_rawsock=yes: %s", strerror(errno));
	if (!rawsock && (s >= 0 || errno != EPERM))
		problem("raw socket: %d (%s), expected EPERM", s, strerror(errno));
	if (s >= 0)
		close(s);

	/* The clock: reading works, changing fails (capability and filter). */
	struct timex tx = {.modes = 0};
	if (adjtimex(&tx) < 0)
		problem("adjtimex(modes 0) failed: %s", strerror(errno));
	tx.modes = ADJ_TICK; /* the current value: a no-op were it allowed */
	if (adjtimex(&tx) != -1 || errno != EPERM)
		problem("adjtimex(ADJ_TICK) was not refused with EPERM");
	if (syscall(SYS_settimeofday, 0L, 0L) != -1 || errno != EPERM)
		problem("settimeofday was not refused after exec");
	/* CAP_SYS_BOOT is effective: a bad magic gets EINVAL, not EPERM. */
	if (syscall(SYS_reboot, 0L, 0L, (long)LINUX_REBOOT_CMD_CAD_OFF, 0L) != -1 ||
	    errno != EINVAL)
		problem("reboot(bad magic): %s, expected EINVAL", strerror(errno));
	return n_problems ? 1 : 0;
}

static void test_after_exec(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_exec, spec);
}

static void test_after_exec_rawsock(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock("yes");
	run_child(child_exec, spec);
}

/* Set-uid programs keep working: no no_new_privs.  A set-uid-root copy of
 * this binary, run by uid 65534 in a confined process. */
static char setuid_copy[64];

static void child_setuid(const struct wpar_spec *spec)
{
	char fd_arg[16];
	confine_or_die(spec);
	snprintf(fd_arg, sizeof(fd_arg), "%d", report_fd);
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
		problem("cannot become uid 65534: %s", strerror(errno));
		return;
	}
	execl(setuid_copy, setuid_copy, "--after-exec", "setuid", fd_arg, (char *)NULL);
	problem("cannot execute %s: %s", setuid_copy, strerror(errno));
}

static void test_setuid(void **state UNUSED)
{
	char dir[] = "/var/tmp/wpar-confine-XXXXXX";
	cleanup_free char *exe = NULL;
	size_t len;
	struct statvfs sv;
	assert_non_null(mkdtemp(dir));
	snprintf(setuid_copy, sizeof(setuid_copy), "%s/test_confine", dir);
	if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_NOSUID)) {
		print_message("/var/tmp is mounted nosuid: skipped\n");
		skip();
	}
	assert_int_equal(read_file(self_exe, &exe, &len, NULL), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	int fd = open(setuid_copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, exe, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(setuid_copy, 04755), 0);
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_setuid, spec);
}

static int remove_setuid_copy(void **state UNUSED)
{
	if (setuid_copy[0] != '\0') {
		unlink(setuid_copy);
		*strrchr(setuid_copy, '/') = '\0';
		rmdir(setuid_copy);
		setuid_copy[0] = '\0';
	}
	return 0;
}

/* ---- other ABIs -------------------------------------------------------- */

#if defined(__x86_64__)
/* A 64-bit process can enter the i386 system call table with int $0x80:
 * the filter must cover that ABI too. */
static long int80(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

static long i386_nr(const char *name)
{
	return seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name);
}

static void child_int80_probe(const struct wpar_spec *spec UNUSED)
{
	_exit(int80(i386_nr("getpid"), 0, 0, 0) == getpid() ? 0 : 3);
}

static void child_int80(const struct wpar_spec *spec)
{
	confine_or_die(spec);
	static const struct {
		const char *name;
		long a;
		int err;
	} calls[] = {
	    {"init_module", 0, EPERM},
	    {"unshare", CLONE_NEWNS, EPERM},
	    {"unshare", CLONE_NEWUSER, EPERM},
	    {"settimeofday", 0, EPERM},
	    {"acct", 0x1000, EPERM},
	    {"keyctl", KEYCTL_JOIN_SESSION_KEYRING, ENOSYS},
	    {"personality", READ_IMPLIES_EXEC, EPERM},
	    {"bpf", 0, EPERM},
	    {"swapon", 0, EPERM},
	    {"stime", 0, EPERM},
	};
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		long r = int80(i386_nr(calls[i].name), calls[i].a, 0, 0);
		if (r != -calls[i].err)
			problem("i386 %s(%#lx) returned %ld, expected %d", calls[i].name,
				calls[i].a, r, -calls[i].err);
	}
	if (int80(i386_nr("getpid"), 0, 0, 0) != getpid())
		problem("i386 getpid is filtered");
	if (int80(i386_nr("personality"), 0xffffffff, 0, 0) < 0)
		problem("i386 personality query is filtered");
}

static void test_i386_abi(void **state UNUSED)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_int80_probe(NULL);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		print_message(
		    "i386 system calls are not available (ia32 emulation off): skipped\n");
		skip();
	}
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_int80, spec);
}

/* x32 calls arrive as x86_64 with bit 30 set in the number; libseccomp's
 * x32 numbers include it. */
static long x32_nr(const char *name)
{
	return seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, name);
}

static void child_x32(const struct wpar_spec *spec)
{
	confine_or_die(spec);
	errno = 0;
	if (syscall(x32_nr("init_module"), 0L, 0L, (long)"") != -1 || errno != EPERM)
		problem("x32 init_module: %s, expected EPERM", strerror(errno));
	if (syscall(x32_nr("unshare"), (long)CLONE_NEWNS) != -1 || errno != EPERM)
		problem("x32 unshare(CLONE_NEWNS): %s, expected EPERM", strerror(errno));
	if (syscall(x32_nr("personality"), (long)READ_IMPLIES_EXEC) != -1 || errno != EPERM)
		problem("x32 personality(READ_IMPLIES_EXEC): %s, expected EPERM", strerror(errno));
	if (syscall(x32_nr("getpid")) != getpid())
		problem("x32 getpid is filtered");
}

static void test_x32_abi(void **state UNUSED)
{
	if (syscall(x32_nr("getpid")) != getpid()) {
		print_message("the kernel has no x32 ABI (CONFIG_X86_X32_ABI): skipped\n");
		skip();
	}
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_x32, spec);
}
#endif

/* ---- the compiled-program cache ----------------------------------------- */

static char cache_rundir[64];

/* Replaces every cached program with one that allows everything. */
static void poison_cache(void)
{
	cleanup_free char *dir = xasprintf("%s/cache", cache_rundir);
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		wpar_error_t err = NULL;
		assert_int_equal(
		    write_file_replace(path, (const char *)&allow, sizeof(allow), 0600, &err), 0);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
}

static void child_prepare(const struct wpar_spec *spec)
{
	wpar_error_t err = NULL;
	if (wpar_confine_prepare(spec, &err) < 0)
		problem("wpar_confine_prepare: %s", err->msg);
}

/* Without wpar_confine_prepare, confinement compiles its own program: a
 * process that already sees a WPAR's /run (clogin's helper) must never
 * load one that the WPAR's root could have planted there. */
static void child_unprepared_ignores_cache(const struct wpar_spec *spec)
{
	confine_or_die(spec);
	if (syscall(SYS_unshare, CLONE_NEWUSER) != -1 || errno != EPERM)
		problem("unshare(CLONE_NEWUSER) after confinement: %s, expected EPERM",
			strerror(errno));
}

/* wpar_confine_prepare does use the cache (the host's run directory,
 * root's only): the poisoned program proves that it was read. */
static void child_prepared_uses_cache(const struct wpar_spec *spec)
{
	child_prepare(spec);
	confine_or_die(spec);
	if (syscall(SYS_unshare, CLONE_NEWUSER) != 0)
		problem("the cached program was not the one loaded: %s", strerror(errno));
}

static int setup_cache(void **state UNUSED)
{
	strcpy(cache_rundir, "/tmp/wpar-confine-XXXXXX");
	if (mkdtemp(cache_rundir) == NULL)
		return -1;
	setenv("WPAR_RUNDIR", cache_rundir, 1);
	return 0;
}

static int teardown_cache(void **state UNUSED)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", cache_rundir);
	if (system(cmd) != 0)
		return -1;
	unsetenv("WPAR_RUNDIR");
	return 0;
}

static void test_program_cache(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *spec = spec_rawsock(NULL);
	run_child(child_prepare, spec); /* compiles and stores it */
	poison_cache();
	run_child(child_unprepared_ignores_cache, spec);
	run_child(child_prepared_uses_cache, spec);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--after-exec") == 0)
		return after_exec(argv[2], atoi(argv[3]));
	self_exe = realpath("/proc/self/exe", NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounding_set),
		cmocka_unit_test(test_bounding_set_rawsock),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_seccomp_needs_sys_admin),
		cmocka_unit_test_setup_teardown(test_program_cache, setup_cache, teardown_cache),
		cmocka_unit_test(test_loginuid),
		cmocka_unit_test(test_after_exec),
		cmocka_unit_test(test_after_exec_rawsock),
		cmocka_unit_test_teardown(test_setuid, remove_setuid_copy),
#if defined(__x86_64__)
		cmocka_unit_test(test_i386_abi),
		cmocka_unit_test(test_x32_abi),
#endif
	};
	if (geteuid() != 0) {
		printf("test_confine needs root: skipped\n");
		return 77;
	}
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	free(self_exe);
	return r;
}
