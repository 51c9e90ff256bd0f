/* The child side of starting a system WPAR; see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup.h"
#include "confine.h"
#include "fsimage.h"
#include "resources_apply.h"
#include "steps.h"
#include "userns.h"
#include "util.h"

static void progress(const struct wpar_spawn *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(const struct wpar_spawn *s, const char *fmt, ...)
{
	if (s->progress == NULL)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->progress(s->progress_data, line);
}

/* Opens a mount point inside the WPAR root without following any link:
 * the tree was under the control of the WPAR's root user, who could have
 * replaced /var by a link to a host directory. */
static int open_mountpoint(int rootfd, const char *root, const char *dir, wpar_error_t *err)
{
	const char *rel = dir;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOENT) {
		if (mkdir_in_root(root, rel, 0755, err) < 0)
			return -1;
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	}
	if (fd < 0)
		return wpar_error_errno(
		    err,
		    "cannot use %s%s as a mount point (a symbolic link there is "
		    "refused)",
		    root, dir);
	return fd;
}

static int set_readonly_recursive(const char *target, wpar_error_t *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return wpar_error_errno(err, "cannot make %s read-only", target);
	return 0;
}

/* A recursive bind of a host directory onto a mount point given as an
 * O_PATH descriptor, read-only when asked: the detached copy is made
 * read-only before it is attached, so no moment exists where the WPAR's
 * view of it is writable. */
static int bind_tree(const char *source, int target_fd, bool readonly, wpar_error_t *err)
{
	cleanup_close int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return wpar_error_errno(err, "cannot clone the mount tree of %s", source);
	if (readonly) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			    sizeof(attr)) < 0)
			return wpar_error_errno(err, "cannot make the bind of %s read-only",
						source);
	}
	if (syscall(SYS_move_mount, tree, "", target_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return wpar_error_errno(err, "cannot attach the bind of %s", source);
	return 0;
}

static int mount_one(const struct wpar_spawn *s, const struct wpar_fs *fs, int *rootfd,
		     wpar_error_t *err)
{
	const char *root = s->plan->root;
	bool is_root = strcmp(fs->directory, "/") == 0;
	char target[64];
	cleanup_close int fd = -1;
	if (is_root) {
		snprintf(target, sizeof(target), "%s", root);
	} else {
		fd = open_mountpoint(*rootfd, root, fs->directory, err);
		if (fd < 0)
			return -1;
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	}
	if (fs->kind != WPAR_FS_DIRECTORY || is_root)
		progress(s, "Mounting %s", fs->mountpoint);
	switch (fs->kind) {
	case WPAR_FS_DIRECTORY:
		/* The root must be a mount point for pivot_root. */
		if (is_root && mount(root, root, NULL, MS_BIND, NULL) < 0)
			return wpar_error_errno(err, "cannot bind %s onto itself", root);
		break;
	case WPAR_FS_BIND: {
		unsigned long flags = 0;
		cleanup_free char *data = NULL;
		if (wpar_mount_options(fs->options, &flags, &data, err) < 0)
			return -1;
		if (is_root)
			return wpar_error_input(err, "the root of a WPAR cannot be a namefs mount");
		if (bind_tree(fs->source, fd, flags & MS_RDONLY, err) < 0)
			return -1;
		break;
	}
	case WPAR_FS_IMAGE:
		if (wpar_fs_mount_image(fs, is_root ? root : target, err) < 0)
			return -1;
		break;
	case WPAR_FS_TMPFS: {
		unsigned long flags = MS_NOSUID | MS_NODEV;
		cleanup_free char *data = NULL;
		if (wpar_mount_options(fs->options, &flags, &data, err) < 0)
			return -1;
		cleanup_free char *opts = xasprintf("mode=%o", (unsigned)fs->mode);
		if (fs->size) {
			char *more = xasprintf("%s,size=%llu", opts, fs->size);
			free(opts);
			opts = more;
		}
		if (data) {
			char *more = xasprintf("%s,%s", opts, data);
			free(opts);
			opts = more;
		}
		if (mount("tmpfs", is_root ? root : target, "tmpfs", flags, opts) < 0)
			return wpar_error_errno(err, "cannot mount tmpfs on %s", fs->mountpoint);
		break;
	}
	case WPAR_FS_NFS:
		return wpar_error_input(
		    err, "%s: NFS mounts are not available on this host's kernel", fs->mountpoint);
	}
	if (is_root) {
		/* Everything below is resolved against the mounted root. */
		close(*rootfd);
		*rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (*rootfd < 0)
			return wpar_error_errno(err, "cannot open %s", root);
	}
	return 0;
}

static int mount_plan(const struct wpar_spawn *s, wpar_error_t *err)
{
	cleanup_close int rootfd =
	    open(s->plan->root, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (rootfd < 0)
		return wpar_error_errno(err, "cannot open the WPAR root %s", s->plan->root);
	progress(s, "Mounting all workload partition file systems.");
	bool root_done = false;
	for (size_t i = 0; i < s->plan->n; i++) {
		if (strcmp(s->plan->fs[i].directory, "/") == 0)
			root_done = true;
		else if (!root_done) {
			/* No stanza for "/": the root is a plain directory. */
			struct wpar_fs implicit = {.directory = "/",
						   .mountpoint = s->plan->root,
						   .kind = WPAR_FS_DIRECTORY};
			if (mount_one(s, &implicit, &rootfd, err) < 0)
				return -1;
			root_done = true;
		}
		if (mount_one(s, &s->plan->fs[i], &rootfd, err) < 0)
			return wpar_error_prefix(err, "mount %s", s->plan->fs[i].directory);
	}
	return 0;
}

/* A directory of the WPAR that the runtime mounts over must be a real
 * directory, never a link the WPAR's root planted. */
static int real_dir(const char *path, mode_t mode, wpar_error_t *err)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return wpar_error_errno(err, "cannot examine %s", path);
		if (mkdir(path, mode) < 0)
			return wpar_error_errno(err, "cannot create %s", path);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return wpar_error_input(err, "%s in the WPAR is not a directory", path);
	return 0;
}

int wpar_spawn_mount_devpts(long long max_ptys)
{
	char opts[96];
	int n = snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620,gid=5");
	if (max_ptys > 0)
		snprintf(opts + n, sizeof(opts) - (size_t)n, ",max=%lld", max_ptys);
	return mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, opts);
}

static const struct {
	const char *name;
	unsigned maj, min;
} dev_nodes[WPAR_SPAWN_DEV_NODES] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

/* In a user namespace of its own a WPAR cannot make device nodes (the
 * kernel allows mknod to the host's root only): the host's nodes are
 * cloned as bind mounts while its /dev is still in view. */
static int clone_dev_nodes(int *trees, wpar_error_t *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		trees[i] = (int)syscall(SYS_open_tree, AT_FDCWD, dev_nodes[i].name,
					OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (trees[i] < 0)
			return wpar_error_errno(err, "cannot clone the host's %s",
						dev_nodes[i].name);
	}
	return 0;
}

static int attach_file(int tree, const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return (int)syscall(SYS_move_mount, tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH);
}

static int make_dev(int console_tree, const int *node_trees, long long max_ptys, wpar_error_t *err)
{
	if (real_dir("/dev", 0755, err) < 0)
		return -1;
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k") < 0)
		return wpar_error_errno(err, "cannot mount /dev");
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const char *name = dev_nodes[i].name;
		if (node_trees ? attach_file(node_trees[i], name) < 0
			       : (mknod(name, S_IFCHR | 0666,
					makedev(dev_nodes[i].maj, dev_nodes[i].min)) < 0 ||
				  chmod(name, 0666) < 0))
			return wpar_error_errno(err, "cannot create %s", name);
	}
	if (mkdir("/dev/pts", 0755) < 0 || wpar_spawn_mount_devpts(max_ptys) < 0)
		return wpar_error_errno(err, "cannot mount /dev/pts");
	if (symlink("pts/ptmx", "/dev/ptmx") < 0)
		return wpar_error_errno(err, "cannot create /dev/ptmx");
	if (mkdir("/dev/shm", 01777) < 0 || chmod("/dev/shm", 01777) < 0 ||
	    mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return wpar_error_errno(err, "cannot mount /dev/shm");
	if (mkdir("/dev/mqueue", 01777) < 0 ||
	    mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return wpar_error_errno(err, "cannot mount /dev/mqueue");
	/* The console: the pty the monitor holds, cloned as a mount before
	 * the host's /dev/pts went out of this namespace. */
	if (attach_file(console_tree, "/dev/console") < 0)
		return wpar_error_errno(err, "cannot attach the console");
	static const char *const links[][2] = {
	    {"/proc/self/fd", "/dev/fd"},
	    {"/proc/self/fd/0", "/dev/stdin"},
	    {"/proc/self/fd/1", "/dev/stdout"},
	    {"/proc/self/fd/2", "/dev/stderr"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			return wpar_error_errno(err, "cannot create %s", links[i][1]);
	return 0;
}

/* What of the host's kernel /proc shows must not be writable or readable
 * from a WPAR (as the mainstream runtimes mask it). */
int wpar_spawn_protect_proc(wpar_error_t *err)
{
	static const char *const masked[] = {"/proc/kcore",       "/proc/keys", "/proc/timer_list",
					     "/proc/sched_debug", "/proc/kmsg", "/proc/acpi",
					     "/proc/scsi"};
	static const char *const readonly[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
					       "/proc/bus", "/proc/fs"};
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		struct stat st;
		if (lstat(masked[i], &st) < 0)
			continue;
		const char *src = S_ISDIR(st.st_mode) ? NULL : "/dev/null";
		int r = src ? mount(src, masked[i], NULL, MS_BIND, NULL)
			    : mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, "size=0");
		if (r < 0)
			return wpar_error_errno(err, "cannot mask %s", masked[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(readonly); i++) {
		if (access(readonly[i], F_OK) < 0)
			continue;
		if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    set_readonly_recursive(readonly[i], err) < 0)
			return wpar_error_errno(err, "cannot make %s read-only", readonly[i]);
	}
	return 0;
}

/* /proc and /sys of the WPAR's own PID and network namespaces.  In a
 * user namespace of its own the kernel mounts them only while a full view
 * of the host's is in the mount namespace, i.e. before pivot_root: they
 * go onto the mount points in the WPAR's tree, never through a link. */
static int mount_proc_sys(int rootfd, const char *root, wpar_error_t *err)
{
	cleanup_close int proc = -1, sys = -1;
	char p[64], y[64];
	if (rootfd >= 0) {
		if ((proc = open_mountpoint(rootfd, root, "/proc", err)) < 0 ||
		    (sys = open_mountpoint(rootfd, root, "/sys", err)) < 0)
			return -1;
		snprintf(p, sizeof(p), "/proc/self/fd/%d", proc);
		snprintf(y, sizeof(y), "/proc/self/fd/%d", sys);
	} else {
		if (real_dir("/proc", 0555, err) < 0 || real_dir("/sys", 0555, err) < 0)
			return -1;
		snprintf(p, sizeof(p), "/proc");
		snprintf(y, sizeof(y), "/sys");
	}
	if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return wpar_error_errno(err, "cannot mount /proc");
	if (mount("sysfs", y, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0)
		return wpar_error_errno(err, "cannot mount /sys");
	return 0;
}

static int kernel_filesystems(const struct wpar_spawn *s, int console_tree, const int *node_trees,
			      wpar_error_t *err)
{
	if ((!node_trees && mount_proc_sys(-1, NULL, err) < 0) || real_dir("/run", 0755, err) < 0)
		return -1;
	if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=20%") < 0 ||
	    mkdir("/run/lock", 01777) < 0 || chmod("/run/lock", 01777) < 0)
		return wpar_error_errno(err, "cannot mount /run");
	long long max_ptys =
	    s->limits && s->limits->active ? s->limits->total_ptys : WPAR_UNLIMITED;
	/* The limits that live in /proc/sys, before it goes read-only. */
	if (make_dev(console_tree, node_trees, max_ptys, err) < 0 ||
	    (s->limits && wpar_limits_apply_inside(s->limits, s->host, err) < 0) ||
	    wpar_spawn_protect_proc(err) < 0)
		return -1;
	return 0;
}

/* root NULL: the working directory is the root already. */
static int enter_root(const char *root, wpar_error_t *err)
{
	if (root && chdir(root) < 0)
		return wpar_error_errno(err, "cannot enter %s", root);
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then drops every host mount from this namespace. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return wpar_error_errno(err, "pivot_root into %s", root);
	if (umount2(".", MNT_DETACH) < 0)
		return wpar_error_errno(err, "cannot detach the host's root");
	if (chdir("/") < 0)
		return wpar_error_errno(err, "chdir /");
	return 0;
}

int wpar_spawn_loopback_up(wpar_error_t *err)
{
	cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return wpar_error_errno(err, "socket");
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return wpar_error_errno(err, "cannot read the loopback's flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return wpar_error_errno(err, "cannot bring the loopback up");
	return 0;
}

/* The tree came from the first stage's mount namespace, so the kernel
 * locks its mounts here and pivot_root refuses a locked new root: a
 * recursive copy made in this namespace is not locked.  It goes on top,
 * and this process into it. */
static int own_root_mount(wpar_error_t *err)
{
	cleanup_close int tree = (int)syscall(SYS_open_tree, AT_FDCWD, ".",
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return wpar_error_errno(err, "cannot copy the WPAR's mount tree");
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
	    fchdir(tree) < 0)
		return wpar_error_errno(err, "cannot attach the WPAR's mount tree");
	return 0;
}

/* From the go on, in the WPAR's namespaces: the same for both ways. */
static int build_inside(const struct wpar_spawn *s, bool userns, wpar_error_t *err)
{
	char go;
	/* The go says the monitor is still there and the network is in. */
	if (read(s->sync_fd, &go, 1) != 1)
		return wpar_error_input(err, "the monitor went away");
	/* This process is in the WPAR's cgroup already (born there, or moved
	 * itself); the cgroup namespace made now has the WPAR's group as
	 * root. */
	if (unshare(CLONE_NEWCGROUP) < 0)
		return wpar_error_errno(err, "cannot create the cgroup namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return wpar_error_errno(err, "cannot make the mounts private");
	/* By path: a clone needs the mount as this namespace has it. */
	cleanup_close int console_tree = (int)syscall(SYS_open_tree, AT_FDCWD, s->console_path,
						      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (console_tree < 0)
		return wpar_error_errno(err, "cannot clone the console");
	int node_trees[WPAR_SPAWN_DEV_NODES];
	for (size_t i = 0; i < ARRAY_SIZE(node_trees); i++)
		node_trees[i] = -1;
	int r = -1;
	if (userns) {
		/* The tree was mounted (and idmapped) by the first stage,
		 * which left this process in it: the path to it may pass
		 * directories of the host's root that this one cannot. */
		cleanup_close int rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			wpar_error_errno(err, "cannot open the WPAR root %s", s->plan->root);
			goto out;
		}
		if (clone_dev_nodes(node_trees, err) < 0 ||
		    mount_proc_sys(rootfd, s->plan->root, err) < 0 || own_root_mount(err) < 0)
			goto out;
	} else if (mount_plan(s, err) < 0) {
		goto out;
	}
	if (enter_root(userns ? NULL : s->plan->root, err) < 0)
		goto out;
	progress(s, "Loading workload partition.");
	if (kernel_filesystems(s, console_tree, userns ? node_trees : NULL, err) < 0)
		goto out;
	r = 0;
out:
	for (size_t i = 0; i < ARRAY_SIZE(node_trees); i++)
		if (node_trees[i] >= 0)
			close(node_trees[i]);
	return r;
}

static int run_init(const struct wpar_spawn *s, bool userns, wpar_error_t *err)
{
	const char *host =
	    s->spec->general.hostname ? s->spec->general.hostname : s->spec->general.name;
	if (sethostname(host, strlen(host)) < 0)
		return wpar_error_errno(err, "cannot set the host name %s", host);
	if (wpar_spawn_loopback_up(err) < 0)
		return -1;
	if (setsid() < 0 || ioctl(s->console_fd, TIOCSCTTY, 0) < 0)
		return wpar_error_errno(err, "cannot take the console");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(s->console_fd, fd) < 0)
			return wpar_error_errno(err, "cannot attach the console");
	if (s->console_fd > 2)
		close(s->console_fd);
	/* The mounts needed the host's loop devices; from here on only the
	 * WPAR's own nodes open.  (In a user namespace the first stage, still
	 * the host's root, closed it.) */
	if (!userns && s->devices &&
	    wpar_device_filter_close(s->devices, wpar_cgroup_default_devices, err) < 0)
		return -1;
	if (wpar_confine_apply(s->spec, err) < 0)
		return -1;
	/* Nothing of the monitor's reaches the WPAR; the sync socket closes
	 * at exec, which tells the monitor the exec happened. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	char *env[] = {
	    xasprintf("WPAR_NAME=%s", s->spec->general.name),
	    "container=wpar",
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	    "TERM=linux",
	    "HOME=/root",
	    s->maintenance ? "WPAR_MAINTENANCE=1" : NULL,
	    NULL,
	};
	if (s->system_init) {
		char *argv[] = {"/sbin/init", NULL};
		execve("/sbin/init", argv, env);
		return wpar_error_errno(err, "cannot run the WPAR's /sbin/init");
	}
	char *argv[] = {"init", NULL};
	if (s->init_inside) {
		/* By its path in the WPAR, so that its mapping belongs to a
		 * mount of the WPAR's (checkpoint/restart). */
		execve(s->init_inside, argv, env);
		return wpar_error_errno(err, "cannot run the WPAR init %s", s->init_inside);
	}
	syscall(SYS_execveat, s->init_exec_fd, "", argv, env, AT_EMPTY_PATH);
	return wpar_error_errno(err, "cannot run the WPAR init");
}

/* The WPAR's init in its own user namespace: root of it, with every
 * supplementary group of the host's root dropped. */
static int become_root_inside(wpar_error_t *err)
{
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		return wpar_error_errno(err, "cannot become root of the WPAR's user namespace");
	/* After the id change, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return 0;
}

/* The first stage of a WPAR with its own user namespace, in a mount
 * namespace of its own and still the host's root: the mounts that need
 * the host's root (images on loop devices), the idmapped view of them,
 * the device filter; then, as a member of the new user namespace, the
 * WPAR's init as the monitor's child (CLONE_PARENT), with namespaces
 * that the user namespace owns.  Its pid goes to the monitor, which
 * puts the network in and sends the go to the init itself. */
static int first_stage(const struct wpar_spawn *s, wpar_error_t *err)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return wpar_error_errno(err, "cannot make the mounts private");
	if (mount_plan(s, err) < 0)
		return -1;
	cleanup_close int userns = wpar_userns_make(s->idrange, err);
	if (userns < 0 || wpar_userns_idmap_tree(s->plan->root, userns, err) < 0)
		return -1;
	if (s->devices &&
	    wpar_device_filter_close(s->devices, wpar_cgroup_default_devices, err) < 0)
		return -1;
	/* The clone's new mount namespace moves the working directory to its
	 * copy of the tree. */
	if (chdir(s->plan->root) < 0)
		return wpar_error_errno(err, "cannot enter %s", s->plan->root);
	if (setns(userns, CLONE_NEWUSER) < 0)
		return wpar_error_errno(err, "cannot enter the WPAR's user namespace");
	pid_t pid =
	    (pid_t)syscall(SYS_clone, CLONE_PARENT | WPAR_SPAWN_CLONE_FLAGS, NULL, NULL, NULL, 0);
	if (pid < 0)
		return wpar_error_errno(err, "cannot create the WPAR's namespaces");
	if (pid == 0) {
		wpar_error_t cerr = NULL;
		if (become_root_inside(&cerr) == 0 && build_inside(s, true, &cerr) == 0)
			run_init(s, true, &cerr);
		char buf[1024];
		int n = snprintf(buf, sizeof(buf), "err %s", cerr ? cerr->msg : "unknown error");
		if (send(s->sync_fd, buf, (size_t)n, MSG_NOSIGNAL) < 0) {
			/* nothing more to do */
		}
		_exit(1);
	}
	/* The test of a stage that dies before it tells (WPAR_FAULT): the
	 * init then waits for a go that never comes. */
	if (wpar_step("userns-stage", NULL) < 0)
		_exit(1);
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "pid %d", (int)pid);
	if (send(s->sync_fd, msg, (size_t)n, MSG_NOSIGNAL) != n) {
		kill(pid, SIGKILL);
		return wpar_error_errno(err, "cannot tell the monitor the WPAR's init");
	}
	_exit(0);
}

int wpar_spawn_child(const struct wpar_spawn *s, wpar_error_t *err)
{
	if (s->idrange)
		return first_stage(s, err);
	if (build_inside(s, false, err) < 0)
		return -1;
	return run_init(s, false, err);
}
