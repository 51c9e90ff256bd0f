/* Checkpoint and restart of system and application WPARs with CRIU
 * (checkpoint.h).
 *
 * CRIU is driven through libcriu, which runs the criu binary in its
 * service mode and talks to it over a socket (the RPC interface).  What
 * CRIU must be told about a WPAR:
 *   - its init is the root of the tree, and every process of the WPAR is
 *     below it (processes of clogin sessions are not: AIX does not
 *     checkpoint them either, and a checkpoint waits until they end);
 *   - the mounts whose source is the host's (the shared /usr and /opt,
 *     namefs mounts, the host's dpkg lists) are external: named by a key
 *     at the dump, bound from the host's path again at the restore;
 *   - /dev/console and the init's standard descriptors are the monitor's
 *     pty: an external tty, handed to the restore as an inherited
 *     descriptor of the new monitor's pty;
 *   - CRIU stops the process tree itself while it dumps (state F), and
 *     lets it go after (or kills it, -k; -p freezes the cgroup after);
 *   - the network is locked with nftables (this host has no iptables). */
#include "checkpoint.h"

#include <criu.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "appwpar.h"
#include "cgroup.h"
#include "cmdline.h"
#include "fsimage.h"
#include "lifecycle.h"
#include "runtime.h"
#include "state.h"
#include "store.h"
#include "util.h"

#define META_FILE     "wpar.ckpt"
#define SAVED_SPEC    "wpar.cf"
#define META_MAGIC    "wpar-checkpoint 1"
#define CONSOLE_KEY   "console"
#define DPKG_KEY      "dpkginfo"
#define DUMP_LOG      "dump.log"
#define DUMP_ATTEMPTS 3
#define RESTORE_LOG   "restore.log"
#define CRIU_VERBOSE  4
#define CRIU_ERRORS   2

static int fail(int *code, int value, wpar_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(int *code, int value, wpar_error_t *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	*code = value;
	wpar_error_input(err, "%s", msg ? msg : fmt);
	free(msg);
	return -1;
}

/* The last error lines of a CRIU log, for a message an administrator can
 * act on (the whole log stays in the state directory). */
static char *criu_errors(const char *log)
{
	cleanup_free char *text = NULL;
	if (read_file(log, &text, NULL, NULL) < 0)
		return xasprintf("no CRIU log at %s", log);
	struct strbuf sb = {0};
	int n = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		/* Noise on every host without iptables or a raised limit. */
		if (strstr(l, "Error") == NULL || strstr(l, "RLIMIT_NOFILE") ||
		    strstr(l, "tables-") || strstr(l, "execvp(") || strstr(l, "exited, status="))
			continue;
		const char *what = strstr(l, "): ");
		strbuf_printf(&sb, "%s%s", n++ ? "; " : "", what ? what + 3 : l);
	}
	if (n == 0)
		strbuf_printf(&sb, "see %s", log);
	else
		strbuf_printf(&sb, " (log: %s)", log);
	return strbuf_steal(&sb);
}

/* ---- what CRIU must be told -------------------------------------------- */

struct ckpt_mount {
	char *key;       /* the name both sides use */
	char *directory; /* inside the WPAR */
	char *source;    /* on the host, at the restore */
};

/* A veth of the WPAR's network (net_link.c): its name inside, its host
 * end and the bridge that end is in; CRIU makes the pair again at the
 * restart. */
struct ckpt_veth {
	char *inside, *outside, *bridge;
};

struct ckpt_meta {
	char *name;
	char *tty; /* "rdev:dev" of the console pty at the dump */
	struct ckpt_mount *m;
	size_t n;
	struct ckpt_veth *v;
	size_t nv;
	long long created;
	bool app;     /* an application WPAR */
	char *status; /* its init's status pipe ("pipe:[inode]") */
};

static void meta_release(struct ckpt_meta *meta)
{
	free(meta->name);
	free(meta->tty);
	free(meta->status);
	for (size_t i = 0; i < meta->n; i++) {
		free(meta->m[i].key);
		free(meta->m[i].directory);
		free(meta->m[i].source);
	}
	free(meta->m);
	for (size_t i = 0; i < meta->nv; i++) {
		free(meta->v[i].inside);
		free(meta->v[i].outside);
		free(meta->v[i].bridge);
	}
	free(meta->v);
	memset(meta, 0, sizeof(*meta));
}

static void veth_add(struct ckpt_meta *meta, const char *inside, const char *outside,
		     const char *bridge)
{
	meta->v = xrealloc(meta->v, (meta->nv + 1) * sizeof(*meta->v));
	meta->v[meta->nv++] =
	    (struct ckpt_veth){xstrdup(inside), xstrdup(outside), bridge ? xstrdup(bridge) : NULL};
}

/* The host ends of the WPAR's links carry the alias "wpar <name> <inside
 * name>" (net_link.c).  Only veths into a bridge can be carried: a
 * macvlan or ipvlan hangs on a device CRIU does not make. */
/* The WPAR's links on host devices that are not bridges (net_link.c),
 * named inside as the device is.  CRIU has no support for ipvlan; it
 * dumps a macvlan, but CRIU 4.1.1 cannot make it again on Linux 6.18
 * (the kernel answers its request with EOPNOTSUPP): refused before the
 * dump, so that no checkpoint is taken that cannot come back. */
static int vlan_links(const struct wpar_spec *spec, pid_t init, int *code, wpar_error_t *err)
{
	for (size_t i = 0; i < spec->n_networks; i++) {
		const char *dev = spec->networks[i].interface;
		if (dev == NULL)
			continue;
		cleanup_free char *bridge = xasprintf("/sys/class/net/%s/bridge", dev);
		cleanup_free char *inside =
		    xasprintf("/proc/%d/root/sys/class/net/%s", (int)init, dev);
		if (!path_exists(bridge) && path_exists(inside))
			return fail(code, WPAR_CKPT_ECANNOT, err,
				    "the network link %s of %s is a macvlan or ipvlan on a host "
				    "device, which cannot be carried yet (CRIU cannot make a "
				    "macvlan again on this kernel, nor an ipvlan at all): put the "
				    "WPAR on a bridge (wparnet -b)",
				    dev, spec->general.name);
	}
	return 0;
}

static int host_links(const char *name, struct ckpt_meta *meta, int *code, wpar_error_t *err)
{
	DIR *d = opendir("/sys/class/net");
	if (d == NULL)
		return 0;
	cleanup_free char *prefix = xasprintf("wpar %s ", name);
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		cleanup_free char *apath = xasprintf("/sys/class/net/%s/ifalias", e->d_name);
		cleanup_free char *alias = NULL;
		if (read_file(apath, &alias, NULL, NULL) < 0)
			continue;
		alias[strcspn(alias, "\n")] = '\0';
		if (strncmp(alias, prefix, strlen(prefix)) != 0)
			continue;
		const char *inside = alias + strlen(prefix);
		cleanup_free char *mpath = xasprintf("/sys/class/net/%s/master", e->d_name);
		char master[4096];
		ssize_t n = readlink(mpath, master, sizeof(master) - 1);
		if (n <= 0) {
			r = fail(code, WPAR_CKPT_ECANNOT, err,
				 "the network link %s of %s is not in a bridge: only WPARs on a "
				 "bridge can be checkpointed so far",
				 inside, name);
			break;
		}
		master[n] = '\0';
		const char *slash = strrchr(master, '/');
		veth_add(meta, inside, e->d_name, slash ? slash + 1 : master);
	}
	closedir(d);
	return r;
}

static void meta_add(struct ckpt_meta *meta, const char *key, const char *dir, const char *source)
{
	meta->m = xrealloc(meta->m, (meta->n + 1) * sizeof(*meta->m));
	meta->m[meta->n++] =
	    (struct ckpt_mount){xstrdup(key), xstrdup(dir), source ? xstrdup(source) : NULL};
}

/* The host's mounts of a WPAR: what its plan binds from the host, its
 * file systems on images (CRIU would look for the same loop device: the
 * restart mounts each image again and hands it over), and the host's dpkg
 * lists of a shared WPAR.  NFS cannot be carried yet. */
static int host_mounts(const struct wpar_fs_plan *plan, pid_t init, struct ckpt_meta *meta,
		       int *code, wpar_error_t *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind == WPAR_FS_NFS)
			return fail(code, WPAR_CKPT_ECANNOT, err,
				    "file system %s (nfs) cannot be checkpointed: the NFS "
				    "subsystem does not support mobility yet",
				    fs->directory);
		if (fs->kind != WPAR_FS_BIND && fs->kind != WPAR_FS_IMAGE)
			continue;
		char key[32];
		snprintf(key, sizeof(key), "m%zu", i);
		meta_add(meta, key, fs->directory, fs->source);
	}
	/* Shared WPARs see the host's dpkg lists (spawn.c); there when the
	 * init's mount table says so. */
	cleanup_free char *mi = xasprintf("/proc/%d/mountinfo", (int)init);
	cleanup_free char *text = NULL;
	bool planned = wpar_fs_plan_find(plan, WPAR_DPKG_INFO) != NULL;
	if (!planned && read_file(mi, &text, NULL, NULL) == 0 &&
	    strstr(text, " " WPAR_DPKG_INFO " "))
		meta_add(meta, DPKG_KEY, WPAR_DPKG_INFO, WPAR_DPKG_INFO);
	return 0;
}

int wpar_ckpt_check_plan(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			 wpar_error_t *err)
{
	if (!wpar_spec_flag(spec->general.checkpointable) || wpar_spec_type(spec) != WPAR_SYSTEM)
		return 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct wpar_fs *fs = &plan->fs[i];
		if (fs->kind == WPAR_FS_NFS)
			return wpar_error_input(
			    err,
			    "a checkpointable workload partition cannot have file "
			    "system %s on NFS yet",
			    fs->directory);
	}
	return 0;
}

static int meta_write(const char *dir, const struct ckpt_meta *meta, wpar_error_t *err)
{
	struct strbuf sb = {0};
	strbuf_printf(&sb, "%s\nname=%s\ncreated=%lld\ntty=%s\n", META_MAGIC, meta->name,
		      meta->created, meta->tty);
	if (meta->app)
		strbuf_printf(&sb, "type=app\nstatus=%s\n", meta->status);
	for (size_t i = 0; i < meta->n; i++)
		strbuf_printf(&sb, "mount=%s %s\n", meta->m[i].key, meta->m[i].directory);
	for (size_t i = 0; i < meta->nv; i++)
		if (meta->v[i].bridge)
			strbuf_printf(&sb, "veth=%s %s %s\n", meta->v[i].inside, meta->v[i].outside,
				      meta->v[i].bridge);
		else
			strbuf_printf(&sb, "macvlan=%s %s\n", meta->v[i].inside,
				      meta->v[i].outside);
	cleanup_free char *path = xasprintf("%s/%s", dir, META_FILE);
	int r = write_file_atomic(path, sb.buf, sb.len, 0600, err);
	strbuf_release(&sb);
	return r;
}

static int meta_read(const char *dir, struct ckpt_meta *meta, int *code, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, META_FILE);
	cleanup_free char *text = NULL;
	memset(meta, 0, sizeof(*meta));
	if (read_file(path, &text, NULL, NULL) < 0)
		return fail(code, WPAR_CKPT_EPATH, err,
			    "%s holds no checkpoint of a workload partition (no %s)", dir,
			    META_FILE);
	char *save = NULL;
	char *l = strtok_r(text, "\n", &save);
	if (l == NULL || strcmp(l, META_MAGIC) != 0)
		return fail(code, WPAR_CKPT_ECORRUPT, err,
			    "%s: not a checkpoint this version reads", path);
	while ((l = strtok_r(NULL, "\n", &save))) {
		char *eq = strchr(l, '=');
		if (eq == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(l, "name") == 0)
			meta->name = xstrdup(eq);
		else if (strcmp(l, "tty") == 0)
			meta->tty = xstrdup(eq);
		else if (strcmp(l, "created") == 0)
			meta->created = atoll(eq);
		else if (strcmp(l, "type") == 0)
			meta->app = strcmp(eq, "app") == 0;
		else if (strcmp(l, "status") == 0 && meta->status == NULL)
			meta->status = xstrdup(eq);
		else if (strcmp(l, "veth") == 0) {
			char in[64], out[64], br[64];
			if (sscanf(eq, "%63s %63s %63s", in, out, br) == 3)
				veth_add(meta, in, out, br);

		} else if (strcmp(l, "mount") == 0 && strchr(eq, ' ')) {
			char *sp = strchr(eq, ' ');
			*sp++ = '\0';
			meta_add(meta, eq, sp, NULL);
		}
	}
	if (meta->name == NULL || meta->tty == NULL || (meta->app && meta->status == NULL)) {
		meta_release(meta);
		return fail(code, WPAR_CKPT_ECORRUPT, err, "%s is incomplete", path);
	}
	return 0;
}

/* -o: a copy of CRIU's log (which stays in the state directory). */
static void copy_log(const char *dir, const char *log, const char *to)
{
	if (to == NULL)
		return;
	cleanup_free char *from = xasprintf("%s/%s", dir, log);
	cleanup_free char *text = NULL;
	size_t len = 0;
	if (read_file(from, &text, &len, NULL) == 0)
		write_file_atomic(to, text, len, 0600, NULL);
}

/* What every command here checks first: root, and a WPAR of that name
 * (its definition loaded into *spec). */
static int load_wpar(const char *name, const char *verb, struct wpar_spec **spec, int *code,
		     wpar_error_t *err)
{
	if (geteuid() != 0)
		return fail(code, WPAR_CKPT_EROOT, err, "only root can %s a workload partition",
			    verb);
	if (!wpar_store_exists(name))
		return fail(code, WPAR_CKPT_EUNKNOWN, err, "workload partition %s does not exist",
			    name);
	return wpar_store_load(name, spec, err);
}

static int new_opts(criu_opts **opts, int images, const char *log, bool debug, wpar_error_t *err)
{
	if (criu_local_init_opts(opts) < 0)
		return wpar_error_make(err, ENOMEM, "cannot set up CRIU's options");
	criu_local_set_images_dir_fd(*opts, images);
	criu_local_set_log_level(*opts, debug ? CRIU_VERBOSE : CRIU_ERRORS);
	criu_local_set_log_file(*opts, log);
	criu_local_set_tcp_established(*opts, true);
	criu_local_set_file_locks(*opts, true);
	/* CRIU's default network lock needs iptables. */
	criu_local_set_network_lock(*opts, CRIU_NETWORK_LOCK_NFTABLES);
	/* The restore finds the WPAR's groups made already, with its limits. */
	criu_local_set_manage_cgroups(*opts, true);
	criu_local_set_manage_cgroups_mode(*opts, CRIU_CG_MODE_SOFT);
	return 0;
}

/* ---- the commands' arguments ----------------------------------------------- */

int wpar_ckpt_parse_args(const struct wpar_cmdline *cl, struct wpar_ckpt_args *a, wpar_error_t *err)
{
	const struct wpar_opt *d = wpar_cmdline_last(cl, 'd'), *o = wpar_cmdline_last(cl, 'o'),
			      *l = wpar_cmdline_last(cl, 'l');
	const char *bad = cl->n_operands > 1    ? "one workload partition name only"
			  : cl->n_operands == 0 ? "no workload partition name given"
			  : d == NULL           ? "-d statedir is required"
			  : l && o == NULL      ? "-l needs -o logfile"
			  : l && strcmp(l->arg, "debug") != 0 && strcmp(l->arg, "error") != 0
			      ? "-l takes debug or error"
			      : NULL;
	if (bad) {
		wpar_error_input(err, "%s", bad);
		return WPAR_CKPT_EARGS;
	}
	if (o && o->arg[0] != '/') {
		wpar_error_input(err, "the log file %s is not an absolute path", o->arg);
		return WPAR_CKPT_ELOGPATH;
	}
	*a = (struct wpar_ckpt_args){.name = cl->operands[0],
				     .dir = d->arg,
				     .log = o ? o->arg : NULL,
				     .debug = l && strcmp(l->arg, "debug") == 0};
	return 0;
}

/* ---- chkptwpar ----------------------------------------------------------- */

static int check_dir(const char *dir, int *code, wpar_error_t *err)
{
	if (dir == NULL || dir[0] != '/')
		return fail(code, WPAR_CKPT_EPATH, err,
			    "the state directory %s is not an absolute path", dir ? dir : "(none)");
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return fail(code, WPAR_CKPT_EPATH, err, "%s is not a directory", dir);
		if (!dir_is_empty(dir))
			return fail(code, WPAR_CKPT_ENOTEMPTY, err,
				    "the state directory %s is not empty", dir);
		if (access(dir, W_OK) < 0)
			return fail(code, WPAR_CKPT_EACCESS, err, "cannot write to %s: %s", dir,
				    strerror(errno));
		return 0;
	}
	wpar_error_t e = NULL;
	if (mkdir_p(dir, 0700, &e) < 0) {
		fail(code, WPAR_CKPT_EACCESS, err, "cannot create the state directory: %s", e->msg);
		wpar_error_release(&e);
		return -1;
	}
	return 0;
}

/* Every process of the WPAR must be below its init; clogin sessions are
 * not (their parent is outside), and are refused as AIX refuses them. */
static int check_tree(struct wpar_cgroup *cg, pid_t init, int *code, wpar_error_t *err)
{
	pid_t *pids = NULL;
	size_t n = 0;
	if (wpar_cgroup_pids(cg, &pids, &n, err) < 0) {
		*code = WPAR_CKPT_EINTERNAL;
		return -1;
	}
	struct strbuf out = {0};
	for (size_t i = 0; i < n; i++) {
		pid_t p = pids[i];
		for (int depth = 0; p > 1 && p != init && depth < 4096; depth++) {
			cleanup_free char *stat = NULL;
			cleanup_free char *path = xasprintf("/proc/%d/stat", (int)p);
			if (read_file(path, &stat, NULL, NULL) < 0)
				break;
			const char *rp = strrchr(stat, ')');
			int ppid = 0;
			if (rp == NULL || sscanf(rp + 2, "%*c %d", &ppid) != 1)
				break;
			p = ppid;
		}
		if (p != init && pids[i] != init)
			strbuf_printf(&out, "%s%d", out.len ? ", " : "", (int)pids[i]);
	}
	free(pids);
	cleanup_free char *list = strbuf_steal(&out);
	if (list[0])
		return fail(code, WPAR_CKPT_EAGAIN, err,
			    "processes of clogin sessions cannot be checkpointed (%s); end the "
			    "sessions and try again",
			    list);
	return 0;
}

static bool log_says(const char *log, const char *what)
{
	cleanup_free char *text = NULL;
	return read_file(log, &text, NULL, NULL) == 0 && strstr(text, what) != NULL;
}

/* What a failed dump wrote (the directory was empty before). */
static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

/* CRIU locks the WPAR's network with an nftables table of its own in the
 * WPAR's namespace ("inet CRIU-<its run id>") and removes it when it is
 * done, also after a failure; a CRIU that dies (killed, crashed) leaves
 * it, and the WPAR would go on with every packet dropped, even on its
 * loopback.  Runs nft in the WPAR's network namespace; true when there
 * was such a table to remove. */
static int run_nft(char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execv("/usr/sbin/nft", argv);
		execv("/sbin/nft", argv);
		_exit(127);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool drop_network_lock(pid_t init)
{
	char ns[64];
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)init);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(ns, O_RDONLY | O_CLOEXEC);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || null < 0 || setns(fd, CLONE_NEWNET) < 0 || dup2(null, 2) < 0)
			_exit(126);
		FILE *list = popen("exec /usr/sbin/nft list tables", "r");
		int dropped = 0;
		char line[256], table[128];
		while (list && fgets(line, sizeof(line), list))
			if (sscanf(line, "table inet %127s", table) == 1 &&
			    strncmp(table, "CRIU-", 5) == 0 &&
			    strspn(table, "CRIU-0123456789abcdef") == strlen(table)) {
				char *argv[] = {"nft", "delete", "table", "inet", table, NULL};
				dropped += run_nft(argv) == 0;
			}
		if (list)
			pclose(list);
		_exit(dropped ? 0 : 1);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* libcriu prints its own view of a failure on stderr ("Can't receive
 * response"); the command says what failed, with CRIU's log. */
static int dump_quietly(criu_opts *opts)
{
	fflush(stderr);
	int saved = dup(2);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, 2);
	int r = criu_local_dump(opts);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return r;
}

static int dump(const char *name, const struct wpar_ckpt_opts *o, pid_t init,
		struct wpar_cgroup *cg, const struct ckpt_meta *meta, int *code, wpar_error_t *err)
{
	cleanup_close int images = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (images < 0)
		return fail(code, WPAR_CKPT_EPATH, err, "cannot open %s: %s", o->dir,
			    strerror(errno));
	criu_opts *opts = NULL;
	if (new_opts(&opts, images, DUMP_LOG, o->debug, err) < 0) {
		*code = WPAR_CKPT_EINTERNAL;
		return -1;
	}
	criu_local_set_pid(opts, init);
	/* CRIU stops the tree itself (ptrace, process by process, until no
	 * new one appears) and lets it go after the dump; with -k it kills
	 * the processes while they are still stopped, so that nothing runs
	 * after the state that was saved.  Not through the cgroup freezer:
	 * CRIU polls a freezing group every 100 ms (a third of a small
	 * WPAR's checkpoint), and with a group frozen beforehand it waits up
	 * to 10 s now and then for processes it cannot seize there.  Every
	 * process of the group is in the tree (check_tree). */
	criu_local_set_leave_running(opts, o->after != WPAR_CKPT_KILL);
	char ext[600];
	for (size_t i = 0; i < meta->n; i++) {
		snprintf(ext, sizeof(ext), "mnt[%s]:%s", meta->m[i].directory, meta->m[i].key);
		criu_local_add_external(opts, ext);
	}
	if (meta->app) {
		/* An application WPAR's mounts are the host's, slaves of
		 * them: CRIU names each by its path on the host. */
		criu_local_set_auto_ext_mnt(opts, true);
		criu_local_set_ext_masters(opts, true);
		criu_local_set_ext_sharing(opts, true);
	} else {
		criu_local_add_external(opts, "mnt[/dev/console]:" CONSOLE_KEY);
	}
	snprintf(ext, sizeof(ext), "tty[%s]", meta->tty);
	criu_local_add_external(opts, ext);
	cleanup_free char *log = xasprintf("%s/%s", o->dir, DUMP_LOG);
	int r = -1;
	/* A process caught in the middle of a vfork, or in an uninterruptible
	 * wait, cannot be seized at that moment; a moment later it usually
	 * can (AIX: exit 6, "retry"). */
	for (int attempt = 1; r < 0 && attempt <= DUMP_ATTEMPTS; attempt++) {
		if (attempt > 1) {
			empty_dir(o->dir);
			sleep_ms(50 * attempt);
		}
		r = dump_quietly(opts);
		if (r < 0 && !log_says(log, "Unseizable"))
			break;
	}
	criu_local_free_opts(opts);
	if (r < 0) {
		bool transient = log_says(log, "Unseizable");
		bool lock_left = drop_network_lock(init);
		cleanup_free char *why = criu_errors(log);
		/* A CRIU that was killed wrote no error of its own. */
		if (strncmp(why, "see ", 4) == 0) {
			char *more = xasprintf("it ended before the checkpoint was complete "
					       "without an error (killed?): %s",
					       why);
			free(why);
			why = more;
		}
		return fail(code, transient ? WPAR_CKPT_EAGAIN : WPAR_CKPT_ECANNOT, err,
			    "CRIU could not checkpoint %s: %s%s", name, why,
			    lock_left ? " (the network lock it left was removed)" : "");
	}
	return 0;
}

/* An application WPAR's init must be the checkpointable one (wparexec
 * -c): a session leader, exec'd inside the WPAR, with its status pipe to
 * the monitor (which the restart hands over to the new monitor). */
static int app_init(const char *name, pid_t init, struct ckpt_meta *meta, int *code,
		    wpar_error_t *err)
{
	for (int fd = 3; fd < 64 && meta->status == NULL; fd++) {
		char link[64], target[64];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)init, fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = '\0', strncmp(target, "pipe:[", 6) == 0))
			meta->status = xstrdup(target);
	}
	if (getsid(init) != init || meta->status == NULL)
		return fail(code, WPAR_CKPT_ECANNOT, err,
			    "the init of %s was not started as a checkpointable application "
			    "WPAR's (wparexec -c): it cannot be checkpointed",
			    name);
	return 0;
}

static int save_definition(const char *dir, const struct wpar_spec *spec, wpar_error_t *err)
{
	cleanup_free char *text = wpar_spec_write(spec);
	cleanup_free char *path = xasprintf("%s/%s", dir, SAVED_SPEC);
	return write_file_atomic(path, text, strlen(text), 0600, err);
}

int wpar_ckpt_saved_definition(const char *dir, struct wpar_spec **spec, int *code,
			       wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, SAVED_SPEC);
	if (wpar_spec_load(path, spec, err) < 0) {
		*code = WPAR_CKPT_ECORRUPT;
		return wpar_error_prefix(err, "the checkpoint in %s has no usable definition", dir);
	}
	return 0;
}

int wpar_checkpoint(const char *name, const struct wpar_ckpt_opts *o, int *code, wpar_error_t *err)
{
	*code = WPAR_CKPT_EINTERNAL;
	cleanup_spec struct wpar_spec *spec = NULL;
	if (load_wpar(name, "checkpoint", &spec, code, err) < 0)
		return -1;
	bool app = wpar_spec_type(spec) == WPAR_APPLICATION;
	if (!wpar_spec_flag(spec->general.checkpointable))
		return fail(code, WPAR_CKPT_ENOTCKPT, err,
			    app ? "workload partition %s is not checkpointable (an application "
				  "WPAR is made checkpointable by wparexec -c)"
				: "workload partition %s is not checkpointable (chwpar -c, while "
				  "it is Defined)",
			    name);
	cleanup_lock struct wpar_lock *lock = NULL;
	wpar_error_t busy = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_NOWAIT, &lock, &busy) < 0) {
		wpar_error_release(&busy);
		return fail(code, WPAR_CKPT_EBUSY, err, "workload partition %s is busy", name);
	}
	enum wpar_state st = wpar_state_effective_locked(name, NULL);
	if (st != WPAR_ACTIVE)
		return fail(code, WPAR_CKPT_EUNKNOWN, err,
			    "workload partition %s is not active (%s)", name, wpar_state_word(st));
	if (check_dir(o->dir, code, err) < 0)
		return -1;
	struct wpar_runtime_info info;
	if (wpar_runtime_read(name, &info, err) < 0)
		return -1;
	/* An application WPAR shares the host's file systems: no plan. */
	cleanup_fs_plan struct wpar_fs_plan *plan = NULL;
	if (!app && wpar_fs_plan_build_flags(spec, WPAR_FS_PLAN_LENIENT, &plan, err) < 0)
		return -1;
	struct ckpt_meta meta = {
	    .name = xstrdup(name), .created = (long long)time(NULL), .app = app};
	struct wpar_cgroup *cg = NULL;
	cleanup_free char *mark =
	    app && o->after == WPAR_CKPT_KILL ? wpar_runtime_path(name, WPAR_CKPT_KILL_MARK) : NULL;
	int r = -1;
	struct stat tty;
	/* The console: a system WPAR's init has it as stdin, an application
	 * WPAR's init has /dev/null there and its console as stdout. */
	cleanup_free char *fd0 = xasprintf("/proc/%d/fd/%d", (int)info.init_pid, app ? 1 : 0);
	if (stat(fd0, &tty) < 0) {
		wpar_error_errno(err, "cannot find the console of %s", name);
		goto out;
	}
	meta.tty =
	    xasprintf("%llx:%llx", (unsigned long long)tty.st_rdev, (unsigned long long)tty.st_dev);
	if (app && app_init(name, info.init_pid, &meta, code, err) < 0)
		goto out;
	if ((!app && host_mounts(plan, info.init_pid, &meta, code, err) < 0) ||
	    host_links(name, &meta, code, err) < 0 ||
	    vlan_links(spec, info.init_pid, code, err) < 0 ||
	    wpar_cgroup_open(name, &cg, err) < 0 || check_tree(cg, info.init_pid, code, err) < 0)
		goto out;
	/* CRIU freezes the group itself: a group frozen beforehand makes
	 * it wait (up to its 10 s) for processes it cannot seize there. */
	progress_line(o->progress, "Freezing workload partition %s.", name);
	if (wpar_state_change(name, WPAR_FROZEN, err) < 0)
		goto out;
	progress_line(o->progress, "Checkpointing workload partition %s to %s.", name, o->dir);
	if (mark && write_file_atomic(mark, o->dir, strlen(o->dir), 0600, err) < 0)
		goto out;
	if (dump(name, o, info.init_pid, cg, &meta, code, err) < 0 ||
	    (app && save_definition(o->dir, spec, err) < 0) || meta_write(o->dir, &meta, err) < 0) {
		/* It goes on as it was. */
		if (mark)
			unlink(mark);
		wpar_cgroup_freeze(cg, false, NULL);
		wpar_state_change(name, WPAR_ACTIVE, NULL);
		goto out;
	}
	copy_log(o->dir, DUMP_LOG, o->log);
	r = 0;
	if (o->after == WPAR_CKPT_PAUSE) {
		/* Frozen again at once (CRIU thawed it when it was done). */
		r = wpar_cgroup_freeze(cg, true, err) < 0
			? -1
			: wpar_state_change(name, WPAR_PAUSED, err);
		if (r < 0)
			wpar_state_change(name, WPAR_ACTIVE, NULL);
		else
			progress_line(o->progress, "Workload partition %s is paused.", name);
	} else if (o->after == WPAR_CKPT_CONTINUE) {
		r = wpar_cgroup_freeze(cg, false, err) < 0
			? -1
			: wpar_state_change(name, WPAR_ACTIVE, err);
	} else {
		/* CRIU killed the processes; the monitor sees its init end and
		 * takes the WPAR down as after any end. */
		wpar_lock_release(lock);
		lock = NULL;
		/* An application WPAR's monitor ends with it (wparexec), or
		 * goes back to Defined (a kept definition). */
		for (int i = 0; i < 500 && (app ? wpar_monitor_alive(name)
						: wpar_state_effective(name, NULL) != WPAR_DEFINED);
		     i++)
			sleep_ms(10);
		if (app ? wpar_monitor_alive(name)
			: wpar_state_effective(name, NULL) != WPAR_DEFINED) {
			struct wpar_stop_opts so = {.timeout = 0, .force = true, .progress = NULL};
			r = wpar_stop(name, &so, err);
		}
	}
out:
	if (r == 0)
		*code = WPAR_CKPT_OK;
	/* "Retry" means the same command again: the directory as it was (the
	 * message kept CRIU's reasons); other failures keep CRIU's log. */
	if (r < 0 && *code == WPAR_CKPT_EAGAIN)
		empty_dir(o->dir);
	wpar_cgroup_free(cg);
	meta_release(&meta);
	return r;
}

/* ---- the time namespace ---------------------------------------------------- */

int wpar_ckpt_time_namespace(wpar_error_t *err)
{
	struct stat self, children;
	if (stat("/proc/self/ns/time", &self) < 0 ||
	    stat("/proc/self/ns/time_for_children", &children) < 0)
		return wpar_error_errno(err, "this kernel has no time namespaces, which a "
					     "checkpointable WPAR needs");
	/* A reboot: the children's is a new one already. */
	if (self.st_ino != children.st_ino)
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return wpar_error_errno(err, "cannot create the WPAR's time namespace");
	return 0;
}

/* ---- restartwpar ----------------------------------------------------------- */

/* A checkpoint of the application WPAR `name` in `dir`? */
static bool app_checkpoint_of(const char *dir, const char *name)
{
	struct ckpt_meta meta;
	int code;
	if (dir == NULL || dir[0] != '/' || meta_read(dir, &meta, &code, NULL) < 0)
		return false;
	bool app = meta.app && strcmp(meta.name, name) == 0;
	meta_release(&meta);
	return app;
}

int wpar_restart(const char *name, const struct wpar_restart_opts *o, int *code, wpar_error_t *err)
{
	*code = WPAR_CKPT_EINTERNAL;
	if (o->app_wstatus && app_checkpoint_of(o->dir, name)) {
		*o->app_ran = true;
		return wpar_app_restart(name, o->dir, o->log, o->debug, o->paused, o->app_wstatus,
					code, err);
	}
	cleanup_spec struct wpar_spec *spec = NULL;
	if (load_wpar(name, "restart", &spec, code, err) < 0)
		return -1;
	if (!wpar_spec_flag(spec->general.checkpointable))
		return fail(code, WPAR_CKPT_ENOTCKPT, err,
			    "workload partition %s is not checkpointable", name);
	if (o->dir == NULL || o->dir[0] != '/')
		return fail(code, WPAR_CKPT_EPATH, err,
			    "the state directory %s is not an absolute path",
			    o->dir ? o->dir : "(none)");
	struct ckpt_meta meta;
	if (meta_read(o->dir, &meta, code, err) < 0)
		return -1;
	int r = 0;
	if (strcmp(meta.name, name) != 0)
		r = fail(code, WPAR_CKPT_EUNKNOWN, err,
			 "%s holds a checkpoint of workload partition %s, not of %s", o->dir,
			 meta.name, name);
	meta_release(&meta);
	if (r < 0)
		return -1;
	enum wpar_state st = wpar_state_effective(name, NULL);
	if (st != WPAR_DEFINED)
		return fail(code, WPAR_CKPT_EBUSY, err,
			    "workload partition %s is %s; it must be Defined to be restarted", name,
			    wpar_state_word(st));
	struct wpar_start_opts so = {.progress = o->progress,
				     .restore_dir = o->dir,
				     .restore_log = o->log,
				     .restore_debug = o->debug,
				     .restore_paused = o->paused};
	if (wpar_start(name, &so, err) < 0)
		return -1;
	*code = WPAR_CKPT_OK;
	return 0;
}

/* The images of a WPAR, mounted on the host for a restore: CRIU binds each
 * into the new mount namespace, then the host's mount goes (the loop
 * device detaches itself with the WPAR's last mount). */
struct staged_images {
	char *dir[32];
	size_t n;
};

static int stage_image(const char *name, const struct wpar_fs *fs, const char *key,
		       struct staged_images *st, wpar_error_t *err)
{
	if (st->n == ARRAY_SIZE(st->dir))
		return wpar_error_input(err, "too many file systems on images");
	cleanup_free char *base = wpar_runtime_path(name, "restore");
	char *dir = xasprintf("%s/%s", base, key);
	if (mkdir_p(dir, 0700, err) < 0 || wpar_fs_mount_image(fs, dir, err) < 0) {
		free(dir);
		return wpar_error_prefix(err, "cannot mount file system %s for the restart",
					 fs->directory);
	}
	st->dir[st->n++] = dir;
	return 0;
}

static void unstage_images(struct staged_images *st)
{
	for (size_t i = 0; i < st->n; i++) {
		umount2(st->dir[i], MNT_DETACH);
		rmdir(st->dir[i]);
		*strrchr(st->dir[i], '/') = '\0';
		rmdir(st->dir[i]); /* the "restore" level, once empty */
		free(st->dir[i]);
	}
	st->n = 0;
}

static void name_host_links(const char *name, const struct ckpt_meta *meta);

int wpar_ckpt_restore_tree(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			   const char *dir, const char *log, bool debug, int console_fd,
			   const char *console_path, pid_t *init_pid, wpar_error_t *err)
{
	int code;
	struct ckpt_meta meta;
	if (meta_read(dir, &meta, &code, err) < 0)
		return -1;
	cleanup_close int images = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	criu_opts *opts = NULL;
	struct staged_images staged = {0};
	int r = -1;
	if (images < 0) {
		wpar_error_errno(err, "cannot open %s", dir);
		goto out;
	}
	if (new_opts(&opts, images, RESTORE_LOG, debug, err) < 0)
		goto out;
	criu_local_set_root(opts, spec->general.directory);
	char ext[600];
	for (size_t i = 0; i < meta.n; i++) {
		const char *source = strcmp(meta.m[i].key, DPKG_KEY) == 0 ? WPAR_DPKG_INFO : NULL;
		const struct wpar_fs *fs = wpar_fs_plan_find(plan, meta.m[i].directory);
		if (source == NULL && fs && fs->kind == WPAR_FS_BIND)
			source = fs->source;
		if (source == NULL && fs && fs->kind == WPAR_FS_IMAGE) {
			if (stage_image(spec->general.name, fs, meta.m[i].key, &staged, err) < 0)
				goto out;
			source = staged.dir[staged.n - 1];
		}
		if (source == NULL) {
			wpar_error_input(
			    err,
			    "the checkpoint in %s has the host's file system %s, which "
			    "workload partition %s no longer has",
			    dir, meta.m[i].directory, spec->general.name);
			goto out;
		}
		snprintf(ext, sizeof(ext), "mnt[%s]:%s", meta.m[i].key, source);
		criu_local_add_external(opts, ext);
	}
	snprintf(ext, sizeof(ext), "mnt[%s]:%s", CONSOLE_KEY, console_path);
	criu_local_add_external(opts, ext);
	/* The WPAR's veths: CRIU makes each pair again, the host end in its
	 * bridge. */
	for (size_t i = 0; i < meta.nv; i++) {
		snprintf(ext, sizeof(ext), "veth[%s]:%s@%s", meta.v[i].inside, meta.v[i].outside,
			 meta.v[i].bridge);
		criu_local_add_external(opts, ext);
	}
	/* The new console replaces the old one: CRIU hands this descriptor
	 * to the processes that had the old one. */
	int flags = fcntl(console_fd, F_GETFD);
	fcntl(console_fd, F_SETFD, flags & ~FD_CLOEXEC);
	snprintf(ext, sizeof(ext), "tty[%s]", meta.tty);
	criu_local_add_inherit_fd(opts, console_fd, ext);
	int pid = criu_local_restore_child(opts);
	fcntl(console_fd, F_SETFD, flags);
	/* The WPAR's mount namespace holds its own mounts of the images now. */
	unstage_images(&staged);
	if (pid <= 0) {
		cleanup_free char *path = xasprintf("%s/%s", dir, RESTORE_LOG);
		cleanup_free char *why = criu_errors(path);
		wpar_error_input(err, "CRIU could not restart %s: %s", spec->general.name, why);
		goto out;
	}
	*init_pid = pid;
	name_host_links(spec->general.name, &meta);
	r = 0;
out:
	copy_log(dir, RESTORE_LOG, log);
	if (opts)
		criu_local_free_opts(opts);
	unstage_images(&staged);
	meta_release(&meta);
	return r;
}

/* The host ends of the WPAR's veths, named for it again (net_link.c):
 * CRIU made them without the alias the next checkpoint and `ip link`
 * need. */
static void name_host_links(const char *name, const struct ckpt_meta *meta)
{
	for (size_t i = 0; i < meta->nv; i++) {
		cleanup_free char *alias = xasprintf("wpar %s %s", name, meta->v[i].inside);
		cleanup_free char *path =
		    xasprintf("/sys/class/net/%s/ifalias", meta->v[i].outside);
		cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, alias, strlen(alias)) < 0) {
			/* only a name for people and the next checkpoint */
		}
	}
}

int wpar_ckpt_restore_app(const struct wpar_spec *spec, const char *dir, const char *log,
			  bool debug, int console_fd, int status_fd, pid_t *init_pid,
			  wpar_error_t *err)
{
	int code;
	struct ckpt_meta meta;
	if (meta_read(dir, &meta, &code, err) < 0)
		return -1;
	cleanup_close int images = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	criu_opts *opts = NULL;
	int r = -1;
	if (images < 0) {
		wpar_error_errno(err, "cannot open %s", dir);
		goto out;
	}
	if (!meta.app) {
		wpar_error_input(err, "%s holds the checkpoint of a system WPAR", dir);
		goto out;
	}
	if (new_opts(&opts, images, RESTORE_LOG, debug, err) < 0)
		goto out;
	/* The host's tree is the WPAR's: each external mount from the same
	 * path on the host (AIX: the same file systems on both sides). */
	criu_local_set_root(opts, "/");
	criu_local_set_auto_ext_mnt(opts, true);
	criu_local_set_ext_masters(opts, true);
	criu_local_set_ext_sharing(opts, true);
	char ext[600];
	for (size_t i = 0; i < meta.nv; i++) {
		snprintf(ext, sizeof(ext), "veth[%s]:%s@%s", meta.v[i].inside, meta.v[i].outside,
			 meta.v[i].bridge);
		criu_local_add_external(opts, ext);
	}
	/* The new console and status pipe replace those of the dump. */
	int cflags = fcntl(console_fd, F_GETFD), sflags = fcntl(status_fd, F_GETFD);
	fcntl(console_fd, F_SETFD, cflags & ~FD_CLOEXEC);
	fcntl(status_fd, F_SETFD, sflags & ~FD_CLOEXEC);
	snprintf(ext, sizeof(ext), "tty[%s]", meta.tty);
	criu_local_add_inherit_fd(opts, console_fd, ext);
	criu_local_add_inherit_fd(opts, status_fd, meta.status);
	int pid = criu_local_restore_child(opts);
	fcntl(console_fd, F_SETFD, cflags);
	fcntl(status_fd, F_SETFD, sflags);
	if (pid <= 0) {
		cleanup_free char *path = xasprintf("%s/%s", dir, RESTORE_LOG);
		cleanup_free char *why = criu_errors(path);
		wpar_error_input(err, "CRIU could not restart %s: %s", spec->general.name, why);
		goto out;
	}
	*init_pid = pid;
	name_host_links(spec->general.name, &meta);
	r = 0;
out:
	copy_log(dir, RESTORE_LOG, log);
	if (opts)
		criu_local_free_opts(opts);
	meta_release(&meta);
	return r;
}

/* ---- resumewpar, killwpar ------------------------------------------------- */

int wpar_resume(const char *name, int *code, wpar_error_t *err)
{
	*code = WPAR_CKPT_EINTERNAL;
	if (!wpar_store_exists(name))
		return fail(code, WPAR_CKPT_EUNKNOWN, err, "workload partition %s does not exist",
			    name);
	cleanup_lock struct wpar_lock *lock = NULL;
	if (wpar_lock_acquire(name, WPAR_LOCK_WAIT, &lock, err) < 0)
		return -1;
	enum wpar_state st = wpar_state_effective_locked(name, NULL);
	if (st != WPAR_FROZEN && st != WPAR_PAUSED)
		return fail(code, WPAR_CKPT_EBUSY, err,
			    "workload partition %s is neither paused nor frozen (%s)", name,
			    wpar_state_word(st));
	struct wpar_cgroup *cg = NULL;
	if (wpar_cgroup_open(name, &cg, err) < 0)
		return -1;
	int r = wpar_cgroup_freeze(cg, false, err);
	wpar_cgroup_free(cg);
	if (r < 0 || wpar_state_change(name, WPAR_ACTIVE, err) < 0)
		return -1;
	*code = WPAR_CKPT_OK;
	return 0;
}

int wpar_kill_paused(const char *name, int *code, wpar_error_t *err)
{
	*code = WPAR_CKPT_EINTERNAL;
	if (!wpar_store_exists(name))
		return fail(code, WPAR_CKPT_EUNKNOWN, err, "workload partition %s does not exist",
			    name);
	enum wpar_state st = wpar_state_effective(name, NULL);
	if (st != WPAR_PAUSED)
		return fail(code, WPAR_CKPT_EBUSY, err, "workload partition %s is not paused (%s)",
			    name, wpar_state_word(st));
	struct wpar_stop_opts so = {.timeout = 0, .force = true};
	if (wpar_stop(name, &so, err) < 0)
		return -1;
	*code = WPAR_CKPT_OK;
	return 0;
}
