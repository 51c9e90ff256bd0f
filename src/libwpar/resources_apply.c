/* Putting a WPAR's resource controls in force: at start (cgroup knobs
 * from the monitor, the per-process and IPC limits from inside), and for
 * chwpar -R on a running WPAR.  See docs/mapping-resources.md. */
#include "resources_apply.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paths.h"
#include "state.h"
#include "store.h"
#include "util.h"

/* The sum of minimums is a rule over every running WPAR, so its check and
 * the commit that makes the WPAR count must not interleave with another
 * start's or chwpar's: both run under the host lock "minimums".  A start
 * commits by taking a claim (a shared flock on locks/<name>.minimums)
 * before it drops that lock; the claim lasts as long as the process that
 * starts and then owns the WPAR (the monitor, wparexec), so a WPAR that
 * is still booting counts as running, and one whose start failed stops
 * counting when that process ends, without any file to clean up.  The
 * lock is thus held for the check only, not across the boot. */
#define MINIMUMS_LOCK "minimums"

static char *claim_path(const char *name)
{
	return xasprintf("%s/locks/%s.minimums", wpar_paths()->rundir, name);
}

/* True when some process holds `name`'s claim: its start is under way
 * or it runs.  The caller holds the minimums lock. */
static bool claimed(const char *name)
{
	cleanup_free char *path = claim_path(name);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return false; /* released by close */
	return errno == EWOULDBLOCK;
}

/* The claim of this process on `name`: kept open (close-on-exec) until
 * the process ends. */
static int take_claim(const char *name, wpar_error_t *err)
{
	static int claim_fd = -1;
	if (claim_fd >= 0)
		return 0;
	cleanup_free char *path = claim_path(name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return wpar_error_errno(err, "cannot open %s", path);
	if (flock(fd, LOCK_SH) < 0) {
		int e = errno;
		close(fd);
		return wpar_error_make(err, e, "cannot lock %s", path);
	}
	claim_fd = fd;
	return 0;
}

int wpar_minimums_lock(struct wpar_lock **out, wpar_error_t *err)
{
	return wpar_host_lock(MINIMUMS_LOCK, WPAR_LOCK_WAIT, out, err);
}

/* The limits of every other running (or starting: claimed) WPAR, for the
 * sum of minimums. */
static int running_others(const char *name, struct wpar_limits **out, size_t *n, wpar_error_t *err)
{
	*out = NULL;
	*n = 0;
	char **names = NULL;
	size_t count = 0;
	if (wpar_store_list(&names, &count, err) < 0)
		return -1;
	struct wpar_limits *v = xcalloc(count ? count : 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(names[i], name) == 0 ||
		    (wpar_state_effective(names[i], NULL) != WPAR_ACTIVE && !claimed(names[i])))
			continue;
		struct wpar_spec *spec = NULL;
		wpar_error_t ignored = NULL;
		/* A definition that cannot be read (or whose limits are no
		 * longer valid) counts as having no minimum. */
		if (wpar_store_load(names[i], &spec, &ignored) == 0 &&
		    wpar_limits_from_spec(spec, &v[k], &ignored) == 0)
			k++;
		wpar_error_release(&ignored);
		wpar_spec_free(spec);
	}
	wpar_names_free(names, count);
	*out = v;
	*n = k;
	return 0;
}

static int check_minimums(const char *name, const struct wpar_limits *l, wpar_error_t *err)
{
	/* Adding a WPAR without minimums cannot make a valid sum invalid. */
	if (!l->active || (l->cpu.min == 0 && l->memory.min == 0))
		return 0;
	struct wpar_limits *others = NULL;
	size_t n = 0;
	if (running_others(name, &others, &n, err) < 0)
		return -1;
	int r = wpar_limits_check_minimums(name, l, others, n, err);
	for (size_t i = 0; i < n; i++)
		wpar_limits_release(&others[i]);
	free(others);
	return r;
}

int wpar_resources_start(const struct wpar_spec *spec, struct wpar_cgroup *cg,
			 struct wpar_limits *out, struct wpar_host_resources *host,
			 wpar_error_t *err)
{
	wpar_limits_default(out);
	/* A new group has no limits: nothing to read or write for a WPAR
	 * without a resources stanza (wparexec's common case); the regulator
	 * reads the host when a later chwpar -R needs it. */
	*host = (struct wpar_host_resources){0};
	if (spec->n_resources == 0)
		return 0;
	if (wpar_host_resources(host, err) < 0)
		return -1;
	if (wpar_limits_from_spec(spec, out, err) < 0)
		return -1;
	if (out->active && (out->cpu.min > 0 || out->memory.min > 0)) {
		cleanup_lock struct wpar_lock *lock = NULL;
		if (wpar_minimums_lock(&lock, err) < 0 ||
		    check_minimums(spec->general.name, out, err) < 0 ||
		    take_claim(spec->general.name, err) < 0)
			return -1;
	}
	return wpar_cgroup_apply_limits(cg, out, host, err);
}

static void write_sysctl(const char *path, long long value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", value);
	if (write(fd, buf, (size_t)n) < 0) {
		/* best effort: an old kernel without per-namespace limits */
	}
	close(fd);
}

/* A share of a host limit, at least 1. */
static long long share(long long host_limit, int hundredths)
{
	long long v = host_limit * hundredths / 10000;
	return v < 1 ? 1 : v;
}

int wpar_limits_apply_inside(const struct wpar_limits *l, const struct wpar_host_resources *host,
			     wpar_error_t *err)
{
	if (!l->active)
		return 0;
	if (l->proc_virt_mem != WPAR_UNLIMITED) {
		struct rlimit rl = {(rlim_t)l->proc_virt_mem, (rlim_t)l->proc_virt_mem};
		if (setrlimit(RLIMIT_AS, &rl) < 0)
			return wpar_error_errno(err,
						"cannot limit the virtual memory of a process");
	}
	if (l->pct_pin_mem < 10000) {
		rlim_t bytes = (rlim_t)(host->memory / 10000 * (unsigned long long)l->pct_pin_mem);
		struct rlimit rl = {bytes, bytes};
		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
			return wpar_error_errno(err, "cannot limit the pinned memory");
	}
	/* The System V IPC limits of the WPAR's own IPC namespace (these
	 * files show the namespace of the process that writes them). */
	if (l->pct_shm_ids < 10000)
		write_sysctl("/proc/sys/kernel/shmmni", share(host->shmmni, l->pct_shm_ids));
	if (l->pct_msg_ids < 10000)
		write_sysctl("/proc/sys/kernel/msgmni", share(host->msgmni, l->pct_msg_ids));
	if (l->pct_sem_ids < 10000) {
		/* kernel.sem is "SEMMSL SEMMNS SEMOPM SEMMNI": only the last
		 * one is the number of semaphore ids. */
		cleanup_free char *sem = NULL;
		wpar_error_t ignored = NULL;
		long long msl, mns, opm, mni;
		if (read_file("/proc/sys/kernel/sem", &sem, NULL, &ignored) == 0 &&
		    sscanf(sem, "%lld %lld %lld %lld", &msl, &mns, &opm, &mni) == 4) {
			char buf[128];
			snprintf(buf, sizeof(buf), "%lld %lld %lld %lld", msl, mns, opm,
				 share(host->semmni, l->pct_sem_ids));
			int fd = open("/proc/sys/kernel/sem", O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				if (write(fd, buf, strlen(buf)) < 0) {
					/* best effort, as above */
				}
				close(fd);
			}
		}
		wpar_error_release(&ignored);
	}
	return 0;
}

/* The IPC limits of a running WPAR: from a child that joins its IPC
 * namespace (the /proc/sys/kernel IPC files show the writer's). */
static int apply_ipc_live(pid_t init_pid, const struct wpar_limits *l,
			  const struct wpar_host_resources *host, wpar_error_t *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)init_pid);
	cleanup_close int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return wpar_error_errno(err, "cannot open the IPC namespace of process %d",
					(int)init_pid);
	pid_t pid = fork();
	if (pid < 0)
		return wpar_error_errno(err, "fork");
	if (pid == 0) {
		struct wpar_limits ipc_only = *l;
		ipc_only.proc_virt_mem = WPAR_UNLIMITED;
		ipc_only.pct_pin_mem = 10000;
		_exit(setns(ns, CLONE_NEWIPC) == 0 &&
			      wpar_limits_apply_inside(&ipc_only, host, NULL) == 0
			  ? 0
			  : 1);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return wpar_error_errno(err, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return wpar_error_input(err, "cannot change the IPC limits of the running WPAR");
	return 0;
}

/* The per-process limits of every process of a running WPAR. */
static void apply_rlimits_live(struct wpar_cgroup *cg, const struct wpar_limits *l,
			       const struct wpar_host_resources *host)
{
	pid_t *pids = NULL;
	size_t n = 0;
	if (wpar_cgroup_pids(cg, &pids, &n, NULL) < 0)
		return;
	struct rlimit as = {RLIM_INFINITY, RLIM_INFINITY}, lock = {RLIM_INFINITY, RLIM_INFINITY};
	if (l->active && l->proc_virt_mem != WPAR_UNLIMITED)
		as.rlim_cur = as.rlim_max = (rlim_t)l->proc_virt_mem;
	if (l->active && l->pct_pin_mem < 10000)
		lock.rlim_cur = lock.rlim_max =
		    (rlim_t)(host->memory / 10000 * (unsigned long long)l->pct_pin_mem);
	for (size_t i = 0; i < n; i++) {
		/* A process whose usage is above the new limit keeps what it
		 * has; the limit stops it from getting more. */
		prlimit(pids[i], RLIMIT_AS, &as, NULL);
		prlimit(pids[i], RLIMIT_MEMLOCK, &lock, NULL);
	}
	free(pids);
}

int wpar_resources_change_live(const struct wpar_spec *spec, pid_t init_pid, wpar_error_t *err)
{
	struct wpar_limits l;
	struct wpar_host_resources host;
	if (wpar_host_resources(&host, err) < 0 || wpar_limits_from_spec(spec, &l, err) < 0)
		return -1;
	int r = check_minimums(spec->general.name, &l, err);
	struct wpar_cgroup *cg = NULL;
	if (r == 0)
		r = wpar_cgroup_open(spec->general.name, &cg, err);
	if (r == 0)
		r = wpar_cgroup_apply_limits(cg, &l, &host, err);
	if (r == 0 && init_pid > 0) {
		apply_rlimits_live(cg, &l, &host);
		r = apply_ipc_live(init_pid, &l, &host, err);
	}
	if (cg)
		wpar_cgroup_free(cg);
	wpar_limits_release(&l);
	return r;
}
