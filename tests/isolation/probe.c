/* The isolation battery's probe: one subcommand per escape or
 * interference attempt (tests/isolation/run.sh runs each one as root
 * inside a system WPAR and inside an application WPAR).
 *
 * Every attempt is chosen so that it is harmless to this host even if
 * the confinement were broken: values are written back unchanged, files
 * are only opened (never written) where a write could hurt, clocks are
 * "set" to nothing, reboot(2) gets a command that repeats the host's
 * current setting, and what would be created lives in the probe's own
 * process or namespace.
 *
 * Exit status: 0 the attempt was refused (what the battery wants),
 * 1 it succeeded (a hole), 2 the probe could not make the attempt,
 * 3 the attempt does not apply here (the reason is printed).  The probe
 * is linked statically: a system WPAR has no build directory, and the
 * probe is copied into its root. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/fs.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REFUSED        0
#define HOLE           1
#define BROKEN         2
#define NOT_APPLICABLE 3

static int refused(const char *what, int err)
{
	printf("refused: %s: %s\n", what, strerror(err));
	return REFUSED;
}

static int hole(const char *what)
{
	printf("SUCCEEDED: %s\n", what);
	return HOLE;
}

/* A system call's result: refused when it failed with one of the
 * expected errors, a hole when it worked, broken when it failed for
 * another reason (the attempt proved nothing). */
static int judge(const char *what, long r, int err, const int *expected)
{
	if (r >= 0)
		return hole(what);
	for (const int *e = expected; *e; e++)
		if (err == *e)
			return refused(what, err);
	printf("inconclusive: %s failed with %s\n", what, strerror(err));
	return BROKEN;
}

#define EXPECT(...) ((const int[]){__VA_ARGS__, 0})

static long read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	int e = errno;
	close(fd);
	errno = e;
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* ---- processes ----------------------------------------------------- */

static int do_signal(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	pid_t pid = atoi(argv[1]);
	int sig = argc > 2 ? atoi(argv[2]) : 0;
	errno = 0;
	int r = kill(pid, sig);
	return judge("kill(host pid)", r, errno, EXPECT(ESRCH, EPERM));
}

static int do_ptrace(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	pid_t pid = atoi(argv[1]);
	long r = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	int e = errno;
	if (r == 0)
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return judge("ptrace(PTRACE_SEIZE, host pid)", r, e, EXPECT(ESRCH, EPERM));
}

static int do_pidfd(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	long r = syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	return judge("pidfd_open(host pid)", r, errno, EXPECT(ESRCH, EPERM));
}

/* Looks for a process whose command line holds the marker. */
static int do_procscan(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	DIR *d = opendir("/proc");
	if (d == NULL)
		return BROKEN;
	int found = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && found == 0) {
		int pid = atoi(de->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		long n = read_file(path, buf, sizeof(buf));
		for (long i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		/* The sleeping victim's own command line, not one that only
		 * names the marker as an argument (wparexec's init, a fork
		 * of wparexec, shows the probe's arguments). */
		if (n > 0 && strncmp(buf, "sleep ", 6) == 0 && strstr(buf + 6, argv[1]))
			found = pid;
	}
	closedir(d);
	if (found)
		return hole("a process of the host or another WPAR is visible in /proc");
	return refused("processes of the host or another WPAR in /proc", ENOENT);
}

/* ---- /proc and /sys ------------------------------------------------ */

/* Reading: a hole when any byte comes back. */
static int do_read(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	char buf[4096];
	long n = read_file(argv[1], buf, sizeof(buf));
	if (n > 0)
		return hole(argv[1]);
	if (n == 0)
		return refused(argv[1], ENODATA); /* masked: /dev/null or empty */
	return judge(argv[1], n, errno, EXPECT(EPERM, EACCES, ENOENT, EROFS, EINVAL));
}

/* Opening for writing only; nothing is ever written. */
static int do_openw(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	int fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	int e = errno;
	if (fd >= 0)
		close(fd);
	return judge(argv[1], fd, e, EXPECT(EROFS, EACCES, EPERM, ENOENT));
}

/* A sysctl: its current value written back, so that a hole changes
 * nothing. */
static int do_sysctl(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	char value[4096];
	long n = read_file(argv[1], value, sizeof(value));
	if (n <= 0) {
		printf("refused: %s cannot be read (%s)\n", argv[1], strerror(errno));
		return REFUSED;
	}
	int fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return judge(argv[1], fd, errno, EXPECT(EROFS, EACCES, EPERM));
	ssize_t w = write(fd, value, (size_t)n);
	int e = errno;
	close(fd);
	return judge("writing the sysctl back", w, e, EXPECT(EROFS, EACCES, EPERM, EINVAL));
}

/* The kernel's symbol addresses: zeros without CAP_SYSLOG. */
static int do_kallsyms(int argc, char **argv)
{
	char buf[256];
	long n = read_file("/proc/kallsyms", buf, sizeof(buf));
	if (n <= 0)
		return refused("/proc/kallsyms", n == 0 ? ENODATA : errno);
	if (strspn(buf, "0") >= 16)
		return refused("kernel addresses in /proc/kallsyms (shown as zeros)", EPERM);
	return hole("real kernel addresses in /proc/kallsyms");
}

static int do_syslog(int argc, char **argv)
{
	char buf[64];
	long r = syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, buf, (int)sizeof(buf));
	return judge("syslog(READ_ALL)", r, errno, EXPECT(EPERM));
}

/* ---- mounts -------------------------------------------------------- */

static int do_mount_tmpfs(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int r = mount("none", dir, "tmpfs", 0, "size=4k");
	int e = errno;
	if (r == 0)
		umount2(dir, MNT_DETACH);
	return judge("mount tmpfs", r, e, EXPECT(EPERM));
}

/* A bind remount changes only this mount's flags (never the file
 * system's), in this mount namespace. */
static int do_remount_rw(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/usr";
	int r = mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND, NULL);
	return judge("remount read-write", r, errno, EXPECT(EPERM));
}

static int do_umount(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/proc/kcore";
	int r = umount2(dir, MNT_DETACH);
	return judge("umount of a mask", r, errno, EXPECT(EPERM));
}

static int do_fsopen(int argc, char **argv)
{
	long fd = syscall(SYS_fsopen, "tmpfs", 0);
	int e = errno;
	if (fd >= 0)
		close((int)fd);
	return judge("fsopen(tmpfs)", fd, e, EXPECT(EPERM));
}

static int do_open_tree(int argc, char **argv)
{
	long fd = syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */ | AT_RECURSIVE);
	int e = errno;
	if (fd >= 0)
		close((int)fd);
	return judge("open_tree(/, clone)", fd, e, EXPECT(EPERM));
}

static int do_pivot_root(int argc, char **argv)
{
	if (chdir("/") < 0)
		return BROKEN;
	long r = syscall(SYS_pivot_root, ".", ".");
	return judge("pivot_root(., .)", r, errno, EXPECT(EPERM));
}

/* The classic chroot escape: chroot into a subdirectory while keeping
 * the current directory outside it, then walk up.  A hole when the
 * marker (a host path that the WPAR does not have) becomes visible. */
static int do_chroot_escape(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	const char *marker = argv[1];
	bool visible_before = access(marker, F_OK) == 0;
	char dir[] = "/tmp/wpar-iso-chroot.XXXXXX";
	if (mkdtemp(dir) == NULL)
		return BROKEN;
	pid_t child = fork();
	if (child == 0) {
		if (chdir("/") < 0)
			_exit(BROKEN);
		if (chroot(dir) < 0)
			_exit(judge("chroot", -1, errno, EXPECT(EPERM)));
		for (int i = 0; i < 64; i++)
			if (chdir("..") < 0)
				break;
		if (chroot(".") < 0)
			_exit(BROKEN);
		if (access(marker, F_OK) == 0 && !visible_before)
			_exit(hole("chroot escape reached the host's tree"));
		if (visible_before)
			_exit(hole("chroot allowed in a WPAR that sees the host's tree"));
		_exit(refused("chroot escape: still inside the WPAR's root", ENOENT));
	}
	int status = 0;
	waitpid(child, &status, 0);
	rmdir(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : BROKEN;
}

/* ---- devices ------------------------------------------------------- */

/* Opens a device read-only (which changes nothing): the node under its
 * usual name when the WPAR has it, else a node made for it. */
static int do_device(int argc, char **argv)
{
	if (argc < 5)
		return BROKEN;
	const char *path = argv[1];
	bool block = argv[2][0] == 'b';
	unsigned maj = (unsigned)atoi(argv[3]), min = (unsigned)atoi(argv[4]);
	struct stat st;
	char made[] = "/tmp/wpar-iso-node";
	if (stat(path, &st) < 0 || (block ? !S_ISBLK(st.st_mode) : !S_ISCHR(st.st_mode)) ||
	    major(st.st_rdev) != maj || minor(st.st_rdev) != min) {
		unlink(made);
		if (mknod(made, (block ? S_IFBLK : S_IFCHR) | 0600, makedev(maj, min)) < 0)
			return refused("mknod of the device", errno);
		printf("made a node %s %u:%u\n", made, maj, min);
		path = made;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int e = errno;
	if (path == made)
		unlink(made);
	if (fd >= 0) {
		close(fd);
		return hole("opened the device");
	}
	return judge("open of the device", fd, e, EXPECT(EPERM, EACCES, ENXIO));
}

static int do_open_by_handle(int argc, char **argv)
{
	struct {
		struct file_handle h;
		unsigned char bytes[128];
	} fh;
	fh.h.handle_bytes = sizeof(fh.bytes);
	int mount_id;
	if (name_to_handle_at(AT_FDCWD, "/", &fh.h, &mount_id, 0) < 0) {
		/* Some file systems give no handles: try a made-up one. */
		fh.h.handle_bytes = 8;
		fh.h.handle_type = 1;
		memset(fh.bytes, 0, sizeof(fh.bytes));
		fh.bytes[0] = 2; /* the root inode of ext4 */
	}
	int mfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long fd = syscall(SYS_open_by_handle_at, mfd, &fh.h, O_RDONLY);
	int e = errno;
	if (fd >= 0)
		close((int)fd);
	close(mfd);
	return judge("open_by_handle_at", fd, e, EXPECT(EPERM));
}

/* ---- kernel -------------------------------------------------------- */

static int do_init_module(int argc, char **argv)
{
	static char junk[64] = "not an ELF module";
	long r = syscall(SYS_init_module, junk, sizeof(junk), "");
	return judge("init_module (an invalid image)", r, errno, EXPECT(EPERM));
}

static int do_finit_module(int argc, char **argv)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	long r = syscall(SYS_finit_module, fd, "", 0);
	int e = errno;
	close(fd);
	return judge("finit_module(/dev/null)", r, e, EXPECT(EPERM));
}

static int do_delete_module(int argc, char **argv)
{
	long r = syscall(SYS_delete_module, "wpar_iso_no_such_module", O_NONBLOCK);
	return judge("delete_module", r, errno, EXPECT(EPERM));
}

static int do_kexec(int argc, char **argv)
{
	/* A bad descriptor: even an unconfined call fails after its checks. */
	long r = syscall(SYS_kexec_file_load, -1, -1, 1, "", 0UL);
	return judge("kexec_file_load", r, errno, EXPECT(EPERM));
}

static int do_bpf(int argc, char **argv)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	int e = errno;
	if (fd >= 0)
		close((int)fd);
	return judge("bpf(BPF_MAP_CREATE)", fd, e, EXPECT(EPERM));
}

static int do_perf(int argc, char **argv)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.disabled = 1;
	/* Every process on CPU 0: what a WPAR must never observe. */
	long fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0);
	int e = errno;
	if (fd >= 0)
		close((int)fd);
	return judge("perf_event_open(all processes, cpu 0)", fd, e, EXPECT(EPERM, EACCES));
}

/* settimeofday(NULL, NULL) passes the permission check and sets
 * nothing. */
static int do_settimeofday(int argc, char **argv)
{
	long r = syscall(SYS_settimeofday, NULL, NULL);
	return judge("settimeofday(NULL, NULL)", r, errno, EXPECT(EPERM));
}

/* CLOCK_MONOTONIC cannot be set at all: an unconfined call fails with
 * EINVAL, a refused one with EPERM. */
static int do_clock_settime(int argc, char **argv)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long r = syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts);
	return judge("clock_settime", r, errno, EXPECT(EPERM));
}

/* adjtimex with the maximum error set to what it is: no effect. */
static int do_adjtimex(int argc, char **argv)
{
	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	if (adjtimex(&tx) < 0)
		return BROKEN;
	long maxerror = tx.maxerror;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_MAXERROR;
	tx.maxerror = maxerror;
	int r = adjtimex(&tx);
	return judge("adjtimex(ADJ_MAXERROR, unchanged)", r, errno, EXPECT(EPERM));
}

/* reboot(2) with CAD_ON or CAD_OFF, whichever the host has now: on the
 * host it would change nothing; in a WPAR's PID namespace it is refused
 * (EINVAL) or, without CAP_SYS_BOOT, not permitted. */
static int do_reboot(int argc, char **argv)
{
	char v[16];
	if (read_file("/proc/sys/kernel/ctrl-alt-del", v, sizeof(v)) <= 0) {
		printf("n/a: /proc/sys/kernel/ctrl-alt-del cannot be read\n");
		return NOT_APPLICABLE;
	}
	int cmd = atoi(v) ? LINUX_REBOOT_CMD_CAD_ON : LINUX_REBOOT_CMD_CAD_OFF;
	long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, NULL);
	return judge("reboot(CAD_ON/OFF as the host has it)", r, errno, EXPECT(EPERM, EINVAL));
}

static int do_swapon(int argc, char **argv)
{
	long r = syscall(SYS_swapon, "/wpar-iso-no-such-file", 0);
	return judge("swapon", r, errno, EXPECT(EPERM));
}

static int do_acct(int argc, char **argv)
{
	long r = syscall(SYS_acct, "/wpar-iso-no-such-file");
	return judge("acct", r, errno, EXPECT(EPERM));
}

static int do_iopl(int argc, char **argv)
{
#ifdef SYS_iopl
	long r = syscall(SYS_iopl, 3);
	return judge("iopl(3)", r, errno, EXPECT(EPERM));
#else
	printf("n/a: no iopl on this architecture\n");
	return NOT_APPLICABLE;
#endif
}

static int do_personality(int argc, char **argv)
{
	int r = personality(PER_LINUX | READ_IMPLIES_EXEC);
	int e = errno;
	if (r >= 0)
		personality(PER_LINUX);
	return judge("personality(READ_IMPLIES_EXEC)", r, e, EXPECT(EPERM));
}

static int do_userns(int argc, char **argv)
{
	int r = unshare(CLONE_NEWUSER);
	return judge("unshare(CLONE_NEWUSER)", r, errno, EXPECT(EPERM));
}

static int do_setns(int argc, char **argv)
{
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return BROKEN;
	int r = setns(fd, 0);
	int e = errno;
	close(fd);
	return judge("setns", r, e, EXPECT(EPERM));
}

static int do_keyctl(int argc, char **argv)
{
	/* A key in the process's own keyring (gone with the process), and a
	 * look at the user keyring of uid 0, which is the host root's. */
	long r = syscall(SYS_add_key, "user", "wpar-iso", "x", 1, -2 /* PROCESS */);
	if (r >= 0)
		return hole("add_key");
	if (errno != ENOSYS && errno != EPERM)
		return judge("add_key", r, errno, EXPECT(ENOSYS, EPERM));
	r = syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -4 /* USER */, 0);
	return judge("add_key, and keyctl on the user keyring", r, errno, EXPECT(ENOSYS, EPERM));
}

static int do_userfaultfd(int argc, char **argv)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);
	int e = errno;
	if (fd >= 0)
		close((int)fd);
	return judge("userfaultfd", fd, e, EXPECT(EPERM));
}

/* ---- identity and network ------------------------------------------ */

/* "own": a WPAR with a user namespace of its own and enable_hostname may
 * name its own UTS namespace; the name is set, read back and set back,
 * and the runner checks that the host's is unchanged. */
static int own_uts(const char *what, int (*get)(char *, size_t), int (*set)(const char *, size_t))
{
	char old[256], now[256];
	if (get(old, sizeof(old)) < 0)
		return BROKEN;
	if (set("iso-own-uts", 11) < 0) {
		printf("BROKEN: %s refused in its own UTS namespace: %s\n", what, strerror(errno));
		return BROKEN;
	}
	bool took = get(now, sizeof(now)) == 0 && strcmp(now, "iso-own-uts") == 0;
	if (set(old, strlen(old)) < 0 || !took)
		return BROKEN;
	printf("allowed in its own UTS namespace (enable_hostname): %s\n", what);
	return REFUSED;
}

static int do_sethostname(int argc, char **argv)
{
	char name[256];
	if (argc > 1 && strcmp(argv[1], "own") == 0)
		return own_uts("sethostname", gethostname, sethostname);
	if (gethostname(name, sizeof(name)) < 0)
		return BROKEN;
	int r = sethostname(name, strlen(name));
	return judge("sethostname (to its current value)", r, errno, EXPECT(EPERM));
}

static int do_setdomainname(int argc, char **argv)
{
	char name[256];
	if (argc > 1 && strcmp(argv[1], "own") == 0)
		return own_uts("setdomainname", getdomainname, setdomainname);
	if (getdomainname(name, sizeof(name)) < 0)
		return BROKEN;
	int r = setdomainname(name, strlen(name));
	return judge("setdomainname (to its current value)", r, errno, EXPECT(EPERM));
}

/* The WPAR's interfaces: the host's must not be there, and the flags of
 * its loopback cannot be set (even to what they are). */
static int do_netif(int argc, char **argv)
{
	const char *host_if = argc > 1 ? argv[1] : "";
	if (*host_if && if_nametoindex(host_if) != 0)
		return hole("the host's interface is visible");
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return BROKEN;
	int r = ioctl(s, SIOCSIFFLAGS, &ifr);
	int e = errno;
	close(s);
	return judge("SIOCSIFFLAGS on lo", r, e, EXPECT(EPERM));
}

static int do_rawsock(int argc, char **argv)
{
	int domain = argc > 1 && strcmp(argv[1], "packet") == 0 ? AF_PACKET : AF_INET;
	int s = domain == AF_PACKET ? socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x0003))
				    : socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	int e = errno;
	if (s >= 0)
		close(s);
	return judge(domain == AF_PACKET ? "socket(AF_PACKET)" : "socket(SOCK_RAW)", s, e,
		     EXPECT(EPERM, EACCES));
}

static int do_bind(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(0)};
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return BROKEN;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	close(s);
	return judge("bind to an address the WPAR does not have", r, e, EXPECT(EADDRNOTAVAIL));
}

/* Pushing a character into the terminal the WPAR was started from (the
 * runner gives it a pty of its own through script(1), so a hole pushes a
 * blank into that pty, never into a person's terminal). */
static int do_tiocsti(int argc, char **argv)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		fd = dup(0);
	if (!isatty(fd)) {
		printf("inconclusive: no terminal to push into\n");
		return BROKEN;
	}
	char c = ' ';
	int r = ioctl(fd, TIOCSTI, &c);
	int e = errno;
	close(fd);
	return judge("ioctl(TIOCSTI) on its terminal", r, e, EXPECT(EPERM, EIO));
}

/* ---- cgroups ------------------------------------------------------- */

/* Any cgroup v1 hierarchy's release_agent this process can see, or one it
 * mounts itself. */
static int do_release_agent(int argc, char **argv)
{
	static const char *const ctrl[] = {"memory",  "pids",    "cpu",  "devices",
					   "freezer", "systemd", "blkio"};
	for (size_t i = 0; i < sizeof(ctrl) / sizeof(ctrl[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/release_agent", ctrl[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return hole(path);
		}
	}
	char dir[] = "/tmp/wpar-iso-cg.XXXXXX";
	if (mkdtemp(dir) == NULL)
		return BROKEN;
	int r = mount("cgroup", dir, "cgroup", 0, "none,name=wpariso");
	int e = errno;
	if (r == 0)
		umount2(dir, MNT_DETACH);
	rmdir(dir);
	return judge("mount a cgroup v1 hierarchy for its release_agent", r, e, EXPECT(EPERM));
}

/* Moving itself to a root cgroup: the host's root group in every
 * hierarchy mounted where it can see it. */
static int do_cgroup_root(int argc, char **argv)
{
	static const char *const roots[] = {"/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids",
					    "/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", getpid());
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/cgroup.procs", roots[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t w = write(fd, pid, strlen(pid));
		close(fd);
		if (w > 0)
			return hole(path);
	}
	char dir[] = "/tmp/wpar-iso-cg2.XXXXXX";
	if (mkdtemp(dir) == NULL)
		return BROKEN;
	int r = mount("cgroup2", dir, "cgroup2", 0, NULL);
	int e = errno;
	if (r == 0)
		umount2(dir, MNT_DETACH);
	rmdir(dir);
	return judge("mount cgroup2 to leave its group", r, e, EXPECT(EPERM));
}

/* Its own limits: the files given (host paths), opened for writing and,
 * if that worked, their value written back. */
static int do_cgroup_limit(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char value[256];
		long n = read_file(argv[i], value, sizeof(value));
		if (n <= 0)
			continue;
		int fd = open(argv[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t w = write(fd, value, (size_t)n);
		close(fd);
		if (w > 0)
			return hole(argv[i]);
	}
	return refused("writing its own cgroup limits", EROFS);
}

/* ---- binaries ------------------------------------------------------ */

/* The host binary behind a process of the WPAR (its init, started from
 * the host): opened for appending, nothing written. */
static int do_exe_overwrite(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/proc/1/exe";
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	int e = errno;
	if (fd >= 0) {
		close(fd);
		return hole(path);
	}
	/* Through a read-only descriptor reopened for writing. */
	int ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro >= 0) {
		char fdpath[64];
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", ro);
		fd = open(fdpath, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			close(ro);
			return hole("reopened for writing");
		}
		close(ro);
	}
	return judge(path, -1, e, EXPECT(ETXTBSY, EROFS, EACCES, EPERM, ENOENT));
}

/* Effective capabilities of a process beyond this probe's bounding set,
 * which is the WPAR's: only a process the runtime is still setting up
 * (clogin before its exec) has them.  (CAP_SYS_ADMIN alone is no sign:
 * a WPAR with its own user namespace and enable_hostname has it there.) */
static uint64_t own_bounding(void)
{
	static uint64_t bnd;
	static bool read_once;
	char status[4096];
	if (!read_once && read_file("/proc/self/status", status, sizeof(status)) > 0) {
		const char *b = strstr(status, "CapBnd:\t");
		bnd = b ? strtoull(b + 8, NULL, 16) : 0;
		read_once = true;
	}
	return bnd;
}

static bool beyond_wpar(const char *status)
{
	const char *eff = strstr(status, "CapEff:\t");
	return eff && (strtoull(eff + 8, NULL, 16) & ~own_bounding()) != 0;
}

/* Attached to a process seen with capabilities beyond the WPAR's: it may have exec'd
 * (and dropped it) between the look and the attach, which is no hole.
 * Stopped under the tracer, its capabilities are read again. */
static bool still_privileged(pid_t pid)
{
	bool privileged = false;
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) == 0) {
		int st;
		if (waitpid(pid, &st, __WALL) == pid && WIFSTOPPED(st)) {
			char path[64], status[4096];
			snprintf(path, sizeof(path), "/proc/%d/status", pid);
			privileged =
			    read_file(path, status, sizeof(status)) > 0 && beyond_wpar(status);
		}
	}
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return privileged;
}

/* The runc escape (CVE-2019-5736): a host binary executed inside the WPAR
 * (for example clogin's own, when the command is /proc/self/exe) is
 * caught through /proc/PID/exe, and once no process runs it any more (no
 * ETXTBSY) reopened for writing through the descriptor.  Watches for
 * SECONDS; nothing is ever written.  A file the WPAR has under the same
 * name (its own, or its read-only /usr) is no hole.  WPAR_ISO_DEBUG=1
 * prints every process looked at, for whoever works on a fix. */
static int do_exe_catch(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 3;
	/* "ptrace-only": the entering processes only, not the reopening. */
	bool reopen = !(argc > 2 && strcmp(argv[2], "ptrace-only") == 0);
	int privileged = 0;
	struct {
		pid_t pid;
		int fd;
	} caught[512];
	int n = 0, tried = 0;
	time_t end = time(NULL) + seconds;
	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			pid_t pid = atoi(de->d_name);
			bool known = pid <= 1 || pid == getpid();
			for (int i = 0; i < n && !known; i++)
				known = caught[i].pid == pid;
			if (known || n == 512)
				continue;
			char path[64], status[4096];
			/* A process clogin is still setting up holds every
			 * capability until its exec: it must not be attachable. */
			snprintf(path, sizeof(path), "/proc/%d/status", pid);
			if (read_file(path, status, sizeof(status)) > 0 && beyond_wpar(status)) {
				privileged++;
				if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) == 0 &&
				    still_privileged(pid)) {
					printf("SUCCEEDED: attached to pid %d with capabilities "
					       "beyond the WPAR's\n",
					       pid);
					return HOLE;
				}
			}
			snprintf(path, sizeof(path), "/proc/%d/exe", pid);
			int fd = open(path, O_PATH | O_CLOEXEC);
			if (fd < 0 && getenv("WPAR_ISO_DEBUG"))
				fprintf(stderr, "%d: %s\n", pid, strerror(errno));
			if (fd < 0)
				continue;
			caught[n].pid = pid;
			caught[n++].fd = fd;
		}
		if (d)
			closedir(d);
		for (int i = 0; i < n && reopen; i++) {
			if (caught[i].fd < 0 || kill(caught[i].pid, 0) == 0)
				continue;
			char fdpath[64], target[4096] = "";
			snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", caught[i].fd);
			ssize_t len = readlink(fdpath, target, sizeof(target) - 1);
			target[len > 0 ? len : 0] = '\0';
			int w = open(fdpath, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (getenv("WPAR_ISO_DEBUG"))
				fprintf(stderr, "%d %s: %s\n", caught[i].pid, target,
					w < 0 ? strerror(errno) : "opened");
			tried++;
			if (w >= 0) {
				struct stat by_fd, by_name;
				bool own = fstat(w, &by_fd) == 0 && stat(target, &by_name) == 0 &&
					   by_fd.st_dev == by_name.st_dev &&
					   by_fd.st_ino == by_name.st_ino;
				/* A copy sealed against writes (clogin runs from
				 * one: sealed_exec.h) opens, but takes nothing. */
				int seals = fcntl(w, F_GET_SEALS);
				bool sealed = seals >= 0 && (seals & F_SEAL_WRITE);
				close(w);
				if (!own && !sealed) {
					printf("SUCCEEDED: %s of pid %d reopened for writing\n",
					       target, caught[i].pid);
					return HOLE;
				}
			}
			/* Busy: the same binary still runs somewhere (the host's
			 * clogin waiting for its session); try again later. */
			if (w < 0 && errno == ETXTBSY)
				continue;
			close(caught[i].fd);
			caught[i].fd = -1;
		}
		usleep(200);
	}
	printf("refused: %d sightings of a process with capabilities beyond the WPAR's, none "
	       "attachable; %d "
	       "executables of %d processes tried, none writable\n",
	       privileged, tried, n);
	return REFUSED;
}

/* ---- resources ----------------------------------------------------- */

/* Raising its own hard limit (CAP_SYS_RESOURCE would allow it, and with
 * it getting around -R): only this process's limit, put back if it
 * changed. */
static int do_rlimit(int argc, char **argv)
{
	struct rlimit old, more;
	if (getrlimit(RLIMIT_NOFILE, &old) < 0 || old.rlim_max == RLIM_INFINITY)
		return BROKEN;
	more = old;
	more.rlim_max = old.rlim_max + 1;
	int r = setrlimit(RLIMIT_NOFILE, &more);
	int e = errno;
	if (r == 0)
		setrlimit(RLIMIT_NOFILE, &old);
	return judge("raising the hard limit of open files", r, e, EXPECT(EPERM));
}

/* Real-time scheduling escapes the CPU limits; set back at once. */
static int do_realtime(int argc, char **argv)
{
	struct sched_param sp = {.sched_priority = 1};
	int r = sched_setscheduler(0, SCHED_FIFO, &sp);
	int e = errno;
	if (r == 0) {
		sp.sched_priority = 0;
		sched_setscheduler(0, SCHED_OTHER, &sp);
	}
	return judge("sched_setscheduler(SCHED_FIFO)", r, e, EXPECT(EPERM));
}

/* Out of the OOM killer's reach: -1000 needs CAP_SYS_RESOURCE. */
static int do_oom_score(int argc, char **argv)
{
	char old[32];
	if (read_file("/proc/self/oom_score_adj", old, sizeof(old)) <= 0)
		return BROKEN;
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return BROKEN;
	ssize_t w = write(fd, "-1000", 5);
	int e = errno;
	if (w > 0 && write(fd, old, strlen(old)) < 0) {
		/* the process ends right after anyway */
	}
	close(fd);
	return judge("oom_score_adj -1000", w, e, EXPECT(EACCES, EPERM));
}

/* An immutable file would stop rmwpar; a file of its own, cleared again
 * if the flag took. */
static int do_immutable(int argc, char **argv)
{
	char path[] = "/tmp/wpar-iso-immutable.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return BROKEN;
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
		printf("n/a: this file system has no inode flags (%s)\n", strerror(errno));
		close(fd);
		unlink(path);
		return NOT_APPLICABLE;
	}
	int set = flags | FS_IMMUTABLE_FL;
	int r = ioctl(fd, FS_IOC_SETFLAGS, &set);
	int e = errno;
	if (r == 0)
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	close(fd);
	unlink(path);
	return judge("FS_IMMUTABLE_FL on a file", r, e, EXPECT(EPERM));
}

/* Forks up to N children that wait; a hole when all N exist at once. */
static int do_fork_limit(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 400;
	pid_t *kids = calloc((size_t)n, sizeof(pid_t));
	int made = 0, e = 0;
	for (; made < n; made++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			e = errno;
			break;
		}
		kids[made] = p;
	}
	for (int i = 0; i < made; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < made; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	printf("%d of %d forks succeeded\n", made, n);
	if (made == n)
		return hole("no process limit");
	return refused("fork past the process limit", e);
}

/* A child touches MB megabytes: a hole when it gets them all. */
static int do_memory_limit(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 1024;
	pid_t p = fork();
	if (p == 0) {
		for (long i = 0; i < mb; i++) {
			char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				_exit(10);
			memset(m, 1, 1 << 20);
		}
		_exit(0);
	}
	int status = 0;
	waitpid(p, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return hole("allocated past the memory limit");
	if (WIFSIGNALED(status))
		printf("the allocating child was killed by signal %d\n", WTERMSIG(status));
	return refused("memory past the limit", ENOMEM);
}

/* ---- other WPARs --------------------------------------------------- */

static int do_shm_make(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	key_t key = (key_t)strtol(argv[1], NULL, 0);
	int id = shmget(key, 4096, IPC_CREAT | 0600);
	if (id < 0) {
		perror("shmget");
		return BROKEN;
	}
	printf("%d\n", id);
	return 0;
}

static int do_shm_find(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	key_t key = (key_t)strtol(argv[1], NULL, 0);
	int id = shmget(key, 0, 0);
	if (id >= 0)
		return hole("found another WPAR's or the host's shared memory segment");
	return judge("shmget of another WPAR's key", id, errno, EXPECT(ENOENT));
}

static int do_readfile(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	char buf[256];
	long n = read_file(argv[1], buf, sizeof(buf));
	if (n >= 0)
		return hole(argv[1]);
	return judge(argv[1], n, errno, EXPECT(ENOENT, EACCES, EPERM));
}

/* Another WPAR's monitor: its control socket answers "status" to anyone
 * who can connect (and takes "stop" as well). */
static int do_connect(int argc, char **argv)
{
	if (argc < 2)
		return BROKEN;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return BROKEN;
	int r = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	if (r == 0) {
		char reply[128] = "";
		if (write(s, "status", 6) == 6 && read(s, reply, sizeof(reply) - 1) > 0)
			printf("the monitor answered: %.60s\n", reply);
		close(s);
		return hole("connected to another WPAR's monitor");
	}
	close(s);
	return judge("connect to another WPAR's monitor socket", r, e,
		     EXPECT(ENOENT, EACCES, EPERM, ECONNREFUSED));
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} probes[] = {
    {"connect", do_connect},
    {"signal", do_signal},
    {"ptrace", do_ptrace},
    {"pidfd", do_pidfd},
    {"procscan", do_procscan},
    {"read", do_read},
    {"openw", do_openw},
    {"sysctl", do_sysctl},
    {"kallsyms", do_kallsyms},
    {"syslog", do_syslog},
    {"mount", do_mount_tmpfs},
    {"remount", do_remount_rw},
    {"umount", do_umount},
    {"fsopen", do_fsopen},
    {"open_tree", do_open_tree},
    {"pivot_root", do_pivot_root},
    {"chroot", do_chroot_escape},
    {"device", do_device},
    {"open_by_handle", do_open_by_handle},
    {"init_module", do_init_module},
    {"finit_module", do_finit_module},
    {"delete_module", do_delete_module},
    {"kexec", do_kexec},
    {"bpf", do_bpf},
    {"perf", do_perf},
    {"settimeofday", do_settimeofday},
    {"clock_settime", do_clock_settime},
    {"adjtimex", do_adjtimex},
    {"reboot", do_reboot},
    {"swapon", do_swapon},
    {"acct", do_acct},
    {"iopl", do_iopl},
    {"personality", do_personality},
    {"userns", do_userns},
    {"setns", do_setns},
    {"keyctl", do_keyctl},
    {"userfaultfd", do_userfaultfd},
    {"sethostname", do_sethostname},
    {"setdomainname", do_setdomainname},
    {"netif", do_netif},
    {"rawsock", do_rawsock},
    {"tiocsti", do_tiocsti},
    {"bind", do_bind},
    {"release_agent", do_release_agent},
    {"cgroup_root", do_cgroup_root},
    {"cgroup_limit", do_cgroup_limit},
    {"exe", do_exe_overwrite},
    {"exe_catch", do_exe_catch},
    {"fork_limit", do_fork_limit},
    {"rlimit", do_rlimit},
    {"realtime", do_realtime},
    {"oom_score", do_oom_score},
    {"immutable", do_immutable},
    {"memory_limit", do_memory_limit},
    {"shm_make", do_shm_make},
    {"shm_find", do_shm_find},
    {"readfile", do_readfile},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe ATTEMPT [ARGS...]\n");
		return BROKEN;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(argv[1], probes[i].name) == 0)
			return probes[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "probe: no attempt named %s\n", argv[1]);
	return BROKEN;
}
