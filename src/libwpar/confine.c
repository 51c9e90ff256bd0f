/* The baseline confinement of a WPAR's processes (confine.h).
 *
 * Order.  wpar_confine_apply() is the last step before execve, inside the
 * WPAR's namespaces, as uid 0 holding every capability of the host's user
 * namespace:
 *
 *   1. Reset the audit login uid (needs CAP_AUDIT_CONTROL, dropped next).
 *   2. Capabilities: shrink the bounding set to the WPAR's set, remove the
 *      dropped capabilities from the inheritable set, clear the ambient
 *      set.  PR_CAPBSET_DROP needs CAP_SETPCAP in the effective set, and
 *      shrinking the bounding set leaves the permitted and effective sets
 *      alone, so CAP_SYS_ADMIN is still effective for step 3.
 *   3. seccomp.  Loading a filter without no_new_privs needs CAP_SYS_ADMIN
 *      in the effective set.  There is deliberately no no_new_privs: set-uid
 *      programs inside the WPAR (su, passwd, ping) must keep working.  The
 *      filter comes last so that it never has to allow what the runtime
 *      itself does on the way.
 *   4. The caller's execve.  For uid 0 the kernel computes the new permitted
 *      set as bounding | (inheritable & file inheritable) = the bounding set
 *      (the inheritable set is a subset of it after step 2), and the
 *      effective set equals it; for any other uid both are empty (the
 *      ambient set is).  Until that execve the process keeps its full
 *      effective set, so the caller must not run WPAR-controlled code
 *      before it.
 *
 * Precondition: the process is in a PID namespace of its own WPAR.  The
 * WPAR keeps CAP_SYS_BOOT because reboot(2) outside the initial PID
 * namespace only signals that namespace's init; in the host's PID
 * namespace it would reboot the host. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "bpf_cache.h"
#include "confine.h"
#include "privs.h"
#include "userns.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ---- capabilities -------------------------------------------------- */

enum cap_rule {
	CAP_RULE_KEEP,
	CAP_RULE_DROP,
	CAP_RULE_RAWSOCK, /* kept only with options enable_rawsock = "yes" */
};

/* Every capability the kernel had when this was written.  One the table
 * does not name (a newer kernel's) is dropped. */
static const struct {
	cap_value_t cap;
	enum cap_rule rule;
	const char *why;
} cap_table[] = {
    {CAP_CHOWN, CAP_RULE_KEEP,
     "package installs and useradd chown files in the WPAR's own file systems"},
    {CAP_DAC_OVERRIDE, CAP_RULE_KEEP,
     "root's file access; the host's files are outside the mount namespace"},
    {CAP_DAC_READ_SEARCH, CAP_RULE_KEEP,
     "a subset of DAC_OVERRIDE, except open_by_handle_at, which the seccomp filter refuses on "
     "every ABI"},
    {CAP_FOWNER, CAP_RULE_KEEP, "chmod, utimes and ACLs on files root does not own"},
    {CAP_FSETID, CAP_RULE_KEEP, "keeps set-id bits when root edits a file"},
    {CAP_KILL, CAP_RULE_KEEP, "signals any process it can see: only the WPAR's (PID namespace)"},
    {CAP_SETGID, CAP_RULE_KEEP, "login, su and daemons change group ids"},
    {CAP_SETUID, CAP_RULE_KEEP, "login, su and daemons change user ids"},
    {CAP_SETPCAP, CAP_RULE_KEEP,
     "services drop capabilities from their own bounding sets (systemd, setpriv)"},
    {CAP_LINUX_IMMUTABLE, CAP_RULE_DROP,
     "immutable files would stop rmwpar and syncwpar in the global environment; AIX has no such "
     "attribute"},
    {CAP_NET_BIND_SERVICE, CAP_RULE_KEEP,
     "daemons bind ports below 1024 in the WPAR's network namespace"},
    {CAP_NET_BROADCAST, CAP_RULE_DROP, "unused by the kernel"},
    {CAP_NET_ADMIN, CAP_RULE_DROP, "AIX: a WPAR cannot change its addresses, routes or filters"},
    {CAP_NET_RAW, CAP_RULE_RAWSOCK,
     "AIX enable_rawsock (default no): raw and packet sockets bypass the network stack"},
    {CAP_IPC_LOCK, CAP_RULE_KEEP,
     "mlock, SHM_LOCK and huge-page shared memory for databases; charged to the WPAR's memory "
     "cgroup"},
    {CAP_IPC_OWNER, CAP_RULE_KEEP,
     "SysV IPC permission override; the IPC namespace is the WPAR's own"},
    {CAP_SYS_MODULE, CAP_RULE_DROP,
     "kernel modules are the host's (AIX: no kernel extensions from a WPAR)"},
    {CAP_SYS_RAWIO, CAP_RULE_DROP, "I/O ports, /dev/mem, SG_IO: the host's hardware"},
    {CAP_SYS_CHROOT, CAP_RULE_KEEP,
     "chroot jails of daemons (sshd, named); confined to the WPAR's root"},
    {CAP_SYS_PTRACE, CAP_RULE_DROP,
     "would let WPAR root trace a clogin process before it confines itself; same-uid gdb/strace "
     "work without it"},
    {CAP_SYS_PACCT, CAP_RULE_DROP, "process accounting is host-wide"},
    {CAP_SYS_ADMIN, CAP_RULE_DROP,
     "mount, namespaces, sethostname and most of the kernel: it would undo every other rule"},
    {CAP_SYS_BOOT, CAP_RULE_KEEP,
     "reboot(2) in the WPAR's PID namespace only signals the WPAR's init (halt/reboot from "
     "inside)"},
    {CAP_SYS_NICE, CAP_RULE_DROP,
     "real-time scheduling escapes the WPAR's CPU limits; AIX forbids binding processes to CPUs"},
    {CAP_SYS_RESOURCE, CAP_RULE_DROP,
     "raising hard limits and overriding quotas would defeat the WPAR's resource controls"},
    {CAP_SYS_TIME, CAP_RULE_DROP,
     "the clock is the host's (AIX: no date or time changes from a WPAR)"},
    {CAP_SYS_TTY_CONFIG, CAP_RULE_DROP, "vhangup and configuration of the host's consoles"},
    {CAP_MKNOD, CAP_RULE_DROP,
     "AIX: no mknod in a WPAR; may be added where the device cgroup closes other devices"},
    {CAP_LEASE, CAP_RULE_KEEP,
     "file leases on files root does not own (Samba, user-space file servers)"},
    {CAP_AUDIT_WRITE, CAP_RULE_KEEP, "login, sshd and sudo write audit records and fail without"},
    {CAP_AUDIT_CONTROL, CAP_RULE_DROP, "audit rules and login uids are host-wide"},
    {CAP_SETFCAP, CAP_RULE_KEEP,
     "package managers set file capabilities (masked by the bounding set at exec)"},
    {CAP_MAC_OVERRIDE, CAP_RULE_DROP, "the host's LSM policy"},
    {CAP_MAC_ADMIN, CAP_RULE_DROP, "the host's LSM policy"},
    {CAP_SYSLOG, CAP_RULE_DROP, "the kernel log is the host's"},
    {CAP_WAKE_ALARM, CAP_RULE_DROP, "timers that wake the host from suspend"},
    {CAP_BLOCK_SUSPEND, CAP_RULE_DROP, "keeps the host from suspending"},
    {CAP_AUDIT_READ, CAP_RULE_DROP, "the host's audit stream"},
    {CAP_PERFMON, CAP_RULE_DROP, "performance monitoring of the whole host"},
    {CAP_BPF, CAP_RULE_DROP, "BPF programs and maps act on the whole host"},
    {CAP_CHECKPOINT_RESTORE, CAP_RULE_DROP, "checkpoint/restart is done by CRIU from the host"},
};

static bool rawsock_enabled(const struct wpar_spec *spec)
{
	return spec != NULL && spec->options.enable_rawsock != NULL &&
	       parse_yes_no(spec->options.enable_rawsock) == 1;
}

/* AIX enable_hostname (default yes).  sethostname(2) needs CAP_SYS_ADMIN
 * in the user namespace that owns the WPAR's UTS namespace: only a WPAR
 * with a user namespace of its own can be given that, as it then reaches
 * nothing of the host (the seccomp filter refuses mount and namespace
 * calls, whose every name it must know: gated is false for them). */
static bool hostname_enabled(const struct wpar_spec *spec)
{
	struct wpar_idrange r;
	return spec != NULL && wpar_userns_of(spec, &r, NULL) == 1 &&
	       (spec->options.enable_hostname == NULL ||
		parse_yes_no(spec->options.enable_hostname) != 0);
}

uint64_t wpar_confine_baseline_mask(void)
{
	uint64_t mask = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cap_table); i++)
		if (cap_table[i].rule == CAP_RULE_KEEP)
			mask |= UINT64_C(1) << cap_table[i].cap;
	return mask;
}

/* The definition's privilege set (privs.h), and raw sockets when the
 * options stanza enables them. */
static int cap_set_of(const struct wpar_spec *spec, uint64_t *mask, wpar_error_t *err)
{
	if (spec == NULL) {
		*mask = wpar_confine_baseline_mask();
		return 0;
	}
	if (wpar_privs_of(spec, mask, err) < 0)
		return -1;
	if (rawsock_enabled(spec))
		*mask |= UINT64_C(1) << CAP_NET_RAW;
	if (hostname_enabled(spec))
		*mask |= UINT64_C(1) << CAP_SYS_ADMIN;
	return 0;
}

uint64_t wpar_confine_cap_mask(const struct wpar_spec *spec)
{
	uint64_t mask;
	/* A set that does not parse gives nothing: confining then fails. */
	return cap_set_of(spec, &mask, NULL) < 0 ? 0 : mask;
}

static bool cap_kept(uint64_t mask, cap_value_t cap)
{
	return cap < 64 && (mask & (UINT64_C(1) << cap));
}

static cap_value_t last_cap(void)
{
	cap_value_t n = cap_max_bits(); /* what the running kernel knows */
	return n > 0 ? n - 1 : CAP_LAST_CAP;
}

static int cap_error(wpar_error_t *err, const char *what, cap_value_t cap)
{
	int saved = errno;
	char *name = cap_to_name(cap);
	int r = wpar_error_make(err, saved, "%s %s", what, name != NULL ? name : "?");
	cap_free(name);
	return r;
}

/* The audit login uid follows a process across fork and exec, and once set
 * only CAP_AUDIT_CONTROL changes it.  A WPAR started from an administrator's
 * session would hand that uid to the WPAR's sshd and login, whose
 * pam_loginuid must set their own and, refused, fail the login.  Setting it
 * back to "unset" (which anyone may then set once) keeps them working.
 * Best effort: a kernel without audit has no such file, and a host that
 * made login uids immutable refuses; neither leaves anything to do. */
static void reset_loginuid(void)
{
	int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = write(fd, "4294967295", 10);
	(void)n;
	close(fd);
}

int wpar_confine_capabilities(const struct wpar_spec *spec, wpar_error_t *err)
{
	cap_value_t last = last_cap();
	uint64_t mask;
	if (cap_set_of(spec, &mask, err) < 0)
		return -1;

	reset_loginuid();
	for (cap_value_t c = 0; c <= last; c++)
		if (!cap_kept(mask, c) && cap_drop_bound(c) < 0)
			return cap_error(err, "cannot drop from the bounding set:", c);

	cap_t caps = cap_get_proc();
	if (caps == NULL)
		return wpar_error_errno(err, "cannot read the process's capabilities");
	for (cap_value_t c = 0; c <= last; c++) {
		if (!cap_kept(mask, c) &&
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_CLEAR) < 0) {
			int r = cap_error(err, "cannot clear the inheritable capability", c);
			cap_free(caps);
			return r;
		}
	}
	if (cap_set_proc(caps) < 0) {
		int r = wpar_error_errno(err, "cannot set the inheritable capabilities");
		cap_free(caps);
		return r;
	}
	cap_free(caps);

	/* Kernels before 4.3 have no ambient set (EINVAL): nothing to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return wpar_error_errno(err, "cannot clear the ambient capabilities");
	return 0;
}

/* ---- seccomp ------------------------------------------------------- */

/* System calls refused to every WPAR process, with the errno they fail
 * with.  `gated`: a capability the WPAR lacks refuses the call anyway, so
 * an old libseccomp that does not know its name may leave it out; every
 * other name must be known, or the filter is not built. */
static const struct {
	const char *name;
	int errnum;
	bool gated;
	const char *why;
} denied_syscalls[] = {
    {"init_module", EPERM, true, "kernel modules are the host's"},
    {"finit_module", EPERM, true, "kernel modules are the host's"},
    {"delete_module", EPERM, true, "kernel modules are the host's"},
    {"kexec_load", EPERM, false,
     "CAP_SYS_BOOT is kept for reboot(2), and would load a kernel for the host"},
    {"kexec_file_load", EPERM, false, "same as kexec_load"},
    {"settimeofday", EPERM, true, "the clock is the host's"},
    {"clock_settime", EPERM, true, "the clock is the host's"},
    {"clock_settime64", EPERM, true, "the clock is the host's (32-bit ABI)"},
    {"stime", EPERM, true, "the clock is the host's (32-bit ABI)"},
    {"swapon", EPERM, true, "swap is the host's"},
    {"swapoff", EPERM, true, "swap is the host's"},
    {"acct", EPERM, true, "process accounting is host-wide"},
    {"bpf", EPERM, false, "unprivileged BPF is kernel attack surface shared with the host"},
    {"perf_event_open", EPERM, false, "performance events observe the host"},
    {"open_by_handle_at", EPERM, false,
     "opens any file of a mounted file system by handle, outside the WPAR's root"},
    {"keyctl", ENOSYS, false,
     "the kernel keyrings are not namespaced; ENOSYS makes pam_keyinit and systemd carry on"},
    {"add_key", ENOSYS, false, "same as keyctl"},
    {"request_key", ENOSYS, false, "same as keyctl"},
    {"userfaultfd", EPERM, false,
     "a tool for winning kernel races; CRIU's lazy pages use it from the host only"},
    {"lookup_dcookie", EPERM, true, "profiling interface of the whole host"},
    {"ioperm", EPERM, true, "I/O ports are the host's hardware"},
    {"iopl", EPERM, true, "I/O ports are the host's hardware"},
    {"uselib", EPERM, false, "obsolete a.out loader"},
    {"vm86", EPERM, false, "virtual-8086 mode (i386), obsolete"},
    {"vm86old", EPERM, false, "virtual-8086 mode (i386), obsolete"},
    {"nfsservctl", EPERM, true, "obsolete kernel NFS server control"},
    {"_sysctl", EPERM, true, "obsolete binary sysctl"},
    {"syslog", EPERM, false, "the kernel log is the host's (reading it needs no capability)"},
    {"mount", EPERM, false, "the runtime mounts the WPAR's file systems before confining it"},
    {"umount", EPERM, false, "same as mount"},
    {"umount2", EPERM, false, "same as mount"},
    {"pivot_root", EPERM, false, "same as mount"},
    {"move_mount", EPERM, false, "same as mount"},
    {"open_tree", EPERM, false, "same as mount"},
    {"fsopen", EPERM, false, "same as mount"},
    {"fsmount", EPERM, false, "same as mount"},
    {"fsconfig", EPERM, false, "same as mount"},
    {"fspick", EPERM, false, "same as mount"},
    {"mount_setattr", EPERM, false, "same as mount"},
    {"setns", EPERM, false, "a WPAR's processes stay in its namespaces"},
    {"clone3", ENOSYS, false,
     "its flags are in memory the filter cannot read; ENOSYS makes glibc fall back to clone"},
};

/* Namespace flags refused in clone(2) and unshare(2).  In clone(2) the
 * CLONE_NEWTIME bit is part of the exit signal; only unshare takes it. */
static const uint64_t namespace_flags[] = {
    CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET, CLONE_NEWTIME,
};

/* The ABIs a process of this host can call the kernel with: a filter that
 * left one out would let a 32-bit binary walk around it. */
static size_t filter_arches(uint32_t arches[4])
{
	static const struct {
		uint32_t native, compat;
	} compat[] = {
	    {SCMP_ARCH_X86_64, SCMP_ARCH_X86},  {SCMP_ARCH_X86_64, SCMP_ARCH_X32},
	    {SCMP_ARCH_AARCH64, SCMP_ARCH_ARM}, {SCMP_ARCH_S390X, SCMP_ARCH_S390},
	    {SCMP_ARCH_PPC64, SCMP_ARCH_PPC},
	};
	size_t n = 0;
	arches[n++] = seccomp_arch_native();
	for (size_t i = 0; i < ARRAY_SIZE(compat); i++)
		if (compat[i].native == arches[0] && n < 4)
			arches[n++] = compat[i].compat;
	return n;
}

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

static int build_filter(scmp_filter_ctx ctx, const uint32_t *arches, size_t n_arches,
			wpar_error_t *err)
{
	int r;

	/* No no_new_privs (see the top of this file).  Raw error codes, so that
	 * a refused load says why.  Binary-tree dispatch where supported. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return wpar_error_make(err, -r, "seccomp: cannot turn off no_new_privs");
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	for (size_t i = 1; i < n_arches; i++) {
		r = seccomp_arch_add(ctx, arches[i]);
		if (r < 0 && r != -EEXIST)
			return wpar_error_make(err, -r, "seccomp: cannot add architecture %#x",
					       arches[i]);
	}

	for (size_t i = 0; i < ARRAY_SIZE(denied_syscalls); i++) {
		const char *name = denied_syscalls[i].name;
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			if (denied_syscalls[i].gated)
				continue;
			return wpar_error_input(err,
						"seccomp: libseccomp does not know the system "
						"call %s; it is too old to confine a WPAR",
						name);
		}
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(denied_syscalls[i].errnum), nr, 0);
		if (r < 0)
			return wpar_error_make(err, -r, "seccomp: cannot add a rule for %s", name);
	}

	/* TIOCSTI pushes characters into a terminal's input.  An application
	 * WPAR's command keeps the caller's terminal as its controlling tty
	 * (wparexec puts no pty in between), and the kernel lets a process
	 * push into its own controlling tty without any capability (where
	 * dev.tty.legacy_tiocsti is on): whatever it pushes runs in the
	 * administrator's shell on the host once wparexec returns.  The
	 * isolation battery did exactly that (tests/isolation/).  Nothing
	 * legitimate needs it; Flatpak refuses it the same way.  ioctl takes
	 * an unsigned int request: only the low 32 bits are compared. */
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	if (r < 0)
		return wpar_error_make(err, -r, "seccomp: cannot add the TIOCSTI rule");

	/* One rule per flag: a rule compares an argument only once, and the
	 * rules of a call are alternatives.  s390 passes clone's flags second. */
	unsigned clone_arg = (arches[0] == SCMP_ARCH_S390X || arches[0] == SCMP_ARCH_S390) ? 1 : 0;
	for (size_t i = 0; i < ARRAY_SIZE(namespace_flags); i++) {
		uint64_t f = namespace_flags[i];
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
		if (r == 0 && f != CLONE_NEWTIME)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					     SCMP_CMP(clone_arg, SCMP_CMP_MASKED_EQ, f, f));
		if (r < 0)
			return wpar_error_make(err, -r, "seccomp: cannot add the namespace rules");
	}
	return 0;
}

/* personality(2) may only take the values software really uses: PER_LINUX,
 * PER_LINUX32 (linux32, 32-bit builds), UNAME26 and ADDR_NO_RANDOMIZE (gdb,
 * setarch -R) in any combination, and 0xffffffff, the query.  Flags such as
 * READ_IMPLIES_EXEC and MMAP_PAGE_ZERO are refused.  libseccomp cannot say
 * "refuse unless the argument is one of these" (a rule compares an argument
 * once, and an allow-by-default filter takes no allow rules), so a second,
 * small classic BPF filter does.  It reads the low 32 bits only: the
 * kernel takes an unsigned int. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

static int load_personality_filter(const uint32_t *arches, size_t n_arches, wpar_error_t *err)
{
	static const uint32_t flags[] = {0x0008 /* PER_LINUX32 */, 0x0020000 /* UNAME26 */,
					 0x0040000 /* ADDR_NO_RANDOMIZE */};
	struct sock_filter prog[48];
	unsigned n = 0, n_blocks = 0;

	/* Per ABI: "if arch == A && nr == personality: goto check".  x32 calls
	 * arrive as x86_64 with the x32 bit set in the number. */
	struct {
		uint32_t token;
		int nr;
	} blocks[4];
	for (size_t i = 0; i < n_arches; i++) {
		int nr = seccomp_syscall_resolve_name_arch(arches[i], "personality");
		if (nr < 0)
			continue;
		blocks[n_blocks].token = arches[i] == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arches[i];
		blocks[n_blocks++].nr = nr;
	}
	unsigned check = 4 * n_blocks + 1, n_values = 1u << ARRAY_SIZE(flags);
	for (unsigned i = 0; i < n_blocks; i++) {
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							 offsetof(struct seccomp_data, arch));
		prog[n++] =
		    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, blocks[i].token, 0, 2);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							 offsetof(struct seccomp_data, nr));
		prog[n] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)blocks[i].nr, (uint8_t)(check - n - 1), 0);
		n++;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* check: */
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
	/* n_values combinations of the flags, then the query; each jumps to
	 * the final allow, two places past the last comparison. */
	for (unsigned v = 0; v <= n_values; v++) {
		uint32_t value = 0xffffffffu;
		if (v < n_values) {
			value = 0;
			for (size_t b = 0; b < ARRAY_SIZE(flags); b++)
				if (v & (1u << b))
					value |= flags[b];
		}
		prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value,
						       (uint8_t)(n_values - v + 1), 0);
		n++;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						 SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
		return wpar_error_errno(err, "seccomp: cannot load the personality filter");
	return 0;
}

/* The compiled main filter.  libseccomp takes over a millisecond to
 * build it (more than the rest of a WPAR's start), and it is the same for
 * every WPAR: it is compiled once per installed binary and kept in the
 * host's run directory (see bpf_cache.c).  Only wpar_confine_prepare,
 * called on the host side before any WPAR namespace is entered, uses
 * that cache. */
static struct sock_filter *prepared;
static unsigned short prepared_len;

static int compile_filter(const uint32_t *arches, size_t n_arches, struct sock_filter **out,
			  unsigned short *len, wpar_error_t *err)
{
	__attribute__((cleanup(seccomp_releasep))) scmp_filter_ctx ctx =
	    seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL)
		return wpar_error_input(err, "seccomp: cannot create a filter");
	if (build_filter(ctx, arches, n_arches, err) < 0)
		return -1;
	cleanup_close int fd = memfd_create("wpar-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return wpar_error_errno(err, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return wpar_error_make(err, -r, "seccomp: cannot compile the filter");
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return wpar_error_input(err, "seccomp: the compiled filter has a bad size");
	*out = xmalloc((size_t)size);
	if (pread(fd, *out, (size_t)size, 0) != size) {
		free(*out);
		*out = NULL;
		return wpar_error_errno(err, "seccomp: cannot read the compiled filter");
	}
	*len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	return 0;
}

int wpar_confine_prepare(const struct wpar_spec *spec, wpar_error_t *err)
{
	(void)spec; /* the baseline is the same for every WPAR */
	if (prepared)
		return 0;
	uint32_t arches[4];
	size_t n_arches = filter_arches(arches);
	const struct scmp_version *v = seccomp_version();
	char tag[64];
	int n = snprintf(tag, sizeof(tag), "seccomp-%u.%u.%u", v ? v->major : 0, v ? v->minor : 0,
			 v ? v->micro : 0);
	for (size_t i = 0; i < n_arches; i++)
		n += snprintf(tag + n, sizeof(tag) - (size_t)n, "-%x", arches[i]);
	size_t bytes = 0;
	if (wpar_bpf_cache_get(tag, (void **)&prepared, &bytes) == 0 && bytes > 0 &&
	    bytes % sizeof(struct sock_filter) == 0 &&
	    bytes / sizeof(struct sock_filter) <= BPF_MAXINSNS) {
		prepared_len = (unsigned short)(bytes / sizeof(struct sock_filter));
		return 0;
	}
	free(prepared);
	prepared = NULL;
	if (compile_filter(arches, n_arches, &prepared, &prepared_len, err) < 0)
		return -1;
	wpar_bpf_cache_put(tag, prepared, prepared_len * sizeof(struct sock_filter));
	return 0;
}

int wpar_confine_seccomp(const struct wpar_spec *spec, wpar_error_t *err)
{
	(void)spec;
	uint32_t arches[4];
	size_t n_arches = filter_arches(arches);
	/* Not prepared: compiled here, never read from a cache, since this
	 * process may already see a WPAR's /run, where the WPAR's root could
	 * have left a program of its own. */
	if (prepared == NULL && compile_filter(arches, n_arches, &prepared, &prepared_len, err) < 0)
		return -1;
	struct sock_fprog fprog = {.len = prepared_len, .filter = prepared};
	/* No no_new_privs (see the top of this file): CAP_SYS_ADMIN loads it. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
		if (errno == EACCES)
			return wpar_error_errno(err, "seccomp: cannot load the filter (without "
						     "no_new_privs it needs CAP_SYS_ADMIN)");
		return wpar_error_errno(err, "seccomp: cannot load the filter");
	}
	return load_personality_filter(arches, n_arches, err);
}

int wpar_confine_apply(const struct wpar_spec *spec, wpar_error_t *err)
{
	if (wpar_confine_capabilities(spec, err) < 0)
		return -1;
	return wpar_confine_seccomp(spec, err);
}
