/* The device allow list of a WPAR's cgroup: which device nodes its
 * processes may open, whatever nodes they find or manage to create.
 * cgroup v1 has the devices controller (devices.deny, devices.allow);
 * cgroup v2 has none, and asks for a BPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE attached to the group instead, which the
 * kernel runs on every open and mknod of a device node.  The program is
 * generated from the same rules, as runc and crun do. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

/* What every WPAR may use: the memory devices, the terminals it is given
 * (its controlling tty, ptmx and the pty slaves) and the console. */
const char *const wpar_cgroup_default_devices[] = {
    "c 1:3 rwm",   /* null */
    "c 1:5 rwm",   /* zero */
    "c 1:7 rwm",   /* full */
    "c 1:8 rwm",   /* random */
    "c 1:9 rwm",   /* urandom */
    "c 5:0 rwm",   /* tty */
    "c 5:1 rwm",   /* console */
    "c 5:2 rwm",   /* ptmx */
    "c 136:* rwm", /* pts */
    NULL,
};

#define ANY -1

struct rule {
	int type;   /* BPF_DEVCG_DEV_CHAR, _BLOCK, or ANY */
	long major; /* or ANY */
	long minor; /* or ANY */
	int access; /* BPF_DEVCG_ACC_* bits */
};

/* "c 1:3 rwm", "b 8:* r", "a" (everything). */
static int parse_rule(const char *text, struct rule *r, wpar_error_t *err)
{
	*r = (struct rule){ANY, ANY, ANY,
			   BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE};
	if (strcmp(text, "a") == 0)
		return 0;
	char type, maj[16], min[16], acc[8];
	if (sscanf(text, "%c %15[0-9*]:%15[0-9*] %7s", &type, maj, min, acc) != 4 ||
	    strchr("abc", type) == NULL)
		return wpar_error_input(err, "bad device rule \"%s\"", text);
	r->type = type == 'c' ? BPF_DEVCG_DEV_CHAR : type == 'b' ? BPF_DEVCG_DEV_BLOCK : ANY;
	r->major = strcmp(maj, "*") == 0 ? ANY : strtol(maj, NULL, 10);
	r->minor = strcmp(min, "*") == 0 ? ANY : strtol(min, NULL, 10);
	r->access = 0;
	for (const char *p = acc; *p; p++) {
		int bit = *p == 'r'   ? BPF_DEVCG_ACC_READ
			  : *p == 'w' ? BPF_DEVCG_ACC_WRITE
			  : *p == 'm' ? BPF_DEVCG_ACC_MKNOD
				      : 0;
		if (bit == 0)
			return wpar_error_input(err, "bad device rule \"%s\"", text);
		r->access |= bit;
	}
	return 0;
}

/* ---- the BPF program ------------------------------------------------- */

struct prog {
	struct bpf_insn *insn;
	size_t n, cap;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->insn = xrealloc(p->insn, p->cap * sizeof(*p->insn));
	}
	p->insn[p->n++] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* One rule: every check jumps past the block when it fails; a request
 * that passes them all is allowed (r0 = 1). */
static void emit_rule(struct prog *p, const struct rule *r)
{
	size_t start = p->n;
	if (r->type != ANY)
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0, r->type);
	int all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	if ((r->access & all) != all) {
		/* Refused when the request wants an access the rule lacks. */
		emit(p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, ~r->access & all);
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 0, 0);
	}
	if (r->major != ANY)
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
	if (r->minor != ANY)
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = start; i < p->n; i++)
		if (p->insn[i].code == (BPF_JMP | BPF_JNE | BPF_K))
			p->insn[i].off = (int16_t)(p->n - i - 1);
}

static int load_program(const char *const *allow, int *prog_fd, wpar_error_t *err)
{
	struct prog p = {0};
	/* struct bpf_cgroup_dev_ctx: access_type = access << 16 | type,
	 * major, minor. */
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	emit(&p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	emit(&p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	for (size_t i = 0; allow[i]; i++) {
		struct rule r;
		if (parse_rule(allow[i], &r, err) < 0) {
			free(p.insn);
			return -1;
		}
		emit_rule(&p, &r);
	}
	/* Nothing matched: refused. */
	emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p.insn;
	attr.insn_cnt = (uint32_t)p.n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	*prog_fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	int saved = errno;
	free(p.insn);
	if (*prog_fd < 0)
		return wpar_error_make(err, saved, "cannot load the WPAR's device filter (BPF)");
	return 0;
}

static int attach(int cgroup_fd, int prog_fd, int cmd)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (cmd == BPF_PROG_ATTACH)
		attr.attach_flags = BPF_F_ALLOW_MULTI;
	return (int)syscall(SYS_bpf, cmd, &attr, sizeof(attr));
}

/* ---- the filter ------------------------------------------------------ */

static int put(int dirfd, const char *file, const char *rule, wpar_error_t *err)
{
	cleanup_close int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, rule, strlen(rule)) < 0)
		return wpar_error_errno(
		    err, "cannot write \"%s\" to the WPAR's devices cgroup (%s)", rule, file);
	return 0;
}

/* Which mechanism: v1's controller where the host has it, a BPF program
 * on a cgroup v2 host.  WPAR_DEVICE_FILTER=bpf uses the program instead
 * of v1's controller on a hybrid host, whose cgroup2 tree runs device
 * programs too: the tests of this machine use it to check the v2 path. */
int wpar_device_filter_prepare(struct wpar_cgroup *cg, const char *const *allow,
			       struct wpar_device_filter *f, wpar_error_t *err)
{
	*f = (struct wpar_device_filter)WPAR_DEVICE_FILTER_INIT;
	const char *env = getenv("WPAR_DEVICE_FILTER");
	bool force_bpf = env && strcmp(env, "bpf") == 0;
	bool v1 = wpar_cgroup_detect() == WPAR_CGROUP_V1;
	cleanup_free char *dir = NULL;
	wpar_error_t none = NULL;
	if (v1 && !force_bpf) {
		if (wpar_cgroup_path(cg, "devices", &dir, &none) < 0) {
			wpar_error_release(&none);
			return 0; /* no devices controller on this host */
		}
		f->v1_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return f->v1_dir < 0 ? wpar_error_errno(err, "cannot open %s", dir) : 0;
	}
	if (wpar_cgroup_path(cg, NULL, &dir, &none) < 0) {
		wpar_error_release(&none);
		return 0;
	}
	/* A test's fake cgroup tree is no cgroup2: nothing to attach to. */
	struct statfs sf;
	if (statfs(dir, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return 0;
	f->v2_dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->v2_dir < 0)
		return wpar_error_errno(err, "cannot open %s", dir);
	if (load_program(allow, &f->prog, err) < 0) {
		wpar_device_filter_release(f);
		return -1;
	}
	return 0;
}

bool wpar_device_filter_present(const struct wpar_device_filter *f)
{
	return f->v1_dir >= 0 || f->prog >= 0;
}

int wpar_device_filter_close(const struct wpar_device_filter *f, const char *const *allow,
			     wpar_error_t *err)
{
	if (f->v1_dir >= 0) {
		/* Deny first, then allow: what the group's processes hold
		 * open stays open, every new open is checked. */
		if (put(f->v1_dir, "devices.deny", "a", err) < 0)
			return -1;
		for (size_t i = 0; allow[i]; i++)
			if (put(f->v1_dir, "devices.allow", allow[i], err) < 0)
				return -1;
	}
	if (f->prog >= 0 && attach(f->v2_dir, f->prog, BPF_PROG_ATTACH) < 0)
		return wpar_error_errno(err, "cannot attach the WPAR's device filter (BPF)");
	return 0;
}

int wpar_device_filter_reopen(const struct wpar_device_filter *f, wpar_error_t *err)
{
	if (f->v1_dir >= 0 && put(f->v1_dir, "devices.allow", "a", err) < 0)
		return -1;
	/* ENOENT: this program is not attached (a first start). */
	if (f->prog >= 0 && attach(f->v2_dir, f->prog, BPF_PROG_DETACH) < 0 && errno != ENOENT)
		return wpar_error_errno(err, "cannot detach the WPAR's device filter (BPF)");
	return 0;
}

void wpar_device_filter_release(struct wpar_device_filter *f)
{
	int *fds[] = {&f->v1_dir, &f->v2_dir, &f->prog};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int wpar_cgroup_allow_devices(struct wpar_cgroup *cg, const char *const *allow, wpar_error_t *err)
{
	struct wpar_device_filter f;
	if (wpar_device_filter_prepare(cg, allow, &f, err) < 0)
		return -1;
	bool present = wpar_device_filter_present(&f);
	int r = wpar_device_filter_close(&f, allow, err);
	wpar_device_filter_release(&f);
	return r < 0 ? -1 : present ? 1 : 0;
}
