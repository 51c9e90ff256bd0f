/* The device allow list of a WPAR's cgroup: which device nodes its
 * processes may open, whatever nodes they find or manage to create. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

static int put(int dirfd, const char *dir, const char *file, const char *rule, wpar_error_t *err)
{
	cleanup_close int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, rule, strlen(rule)) < 0)
		return wpar_error_errno(err, "cannot write \"%s\" to %s/%s", rule, dir, file);
	return 0;
}

int wpar_cgroup_devices_fd(struct wpar_cgroup *cg, int *fd, wpar_error_t *err)
{
	cleanup_free char *dir = NULL;
	wpar_error_t none = NULL;
	*fd = -1;
	if (wpar_cgroup_path(cg, "devices", &dir, &none) < 0 ||
	    wpar_cgroup_detect() != WPAR_CGROUP_V1) {
		/* cgroup v2 filters devices with a BPF program instead. */
		wpar_error_release(&none);
		return 0;
	}
	*fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return wpar_error_errno(err, "cannot open %s", dir);
	return 0;
}

int wpar_cgroup_allow_devices_at(int dirfd, const char *const *allow, wpar_error_t *err)
{
	const char *dir = "the WPAR's devices cgroup";
	/* Deny first, then allow: what the group's processes hold open
	 * stays open, every new open is checked against the list. */
	if (put(dirfd, dir, "devices.deny", "a", err) < 0)
		return -1;
	for (size_t i = 0; allow[i]; i++)
		if (put(dirfd, dir, "devices.allow", allow[i], err) < 0)
			return -1;
	return 0;
}

int wpar_cgroup_open_devices_at(int dirfd, wpar_error_t *err)
{
	return put(dirfd, "the WPAR's devices cgroup", "devices.allow", "a", err);
}

int wpar_cgroup_allow_devices(struct wpar_cgroup *cg, const char *const *allow, wpar_error_t *err)
{
	int dirfd;
	if (wpar_cgroup_devices_fd(cg, &dirfd, err) < 0)
		return -1;
	if (dirfd < 0)
		return 0;
	int r = wpar_cgroup_allow_devices_at(dirfd, allow, err);
	close(dirfd);
	return r < 0 ? -1 : 1;
}
