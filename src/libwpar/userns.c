/* A system WPAR's own user namespace; see userns.h. */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs.h"
#include "store.h"
#include "util.h"

#define ID_LIMIT 4294967295UL /* (uid_t)-1 is never an id */

int wpar_idrange_parse(const char *text, struct wpar_idrange *r, wpar_error_t *err)
{
	char *end = NULL;
	errno = 0;
	unsigned long long first = strtoull(text, &end, 10);
	bool ok = errno == 0 && end != text && *end == ':' && text[0] >= '0' && text[0] <= '9';
	unsigned long long count = 0;
	if (ok) {
		const char *c = end + 1;
		count = strtoull(c, &end, 10);
		ok = errno == 0 && end != c && *end == '\0' && c[0] >= '0' && c[0] <= '9';
	}
	if (!ok)
		return wpar_error_input(err, "id range '%s' is not FIRST:COUNT", text);
	if (first == 0)
		return wpar_error_input(err,
					"id range '%s': host id 0 is the host's root; a WPAR's "
					"range starts above it",
					text);
	if (count < WPAR_IDRANGE_MIN)
		return wpar_error_input(err,
					"id range '%s' has fewer than %lu ids (a system needs ids "
					"0 to 65535 inside)",
					text, WPAR_IDRANGE_MIN);
	if (first >= ID_LIMIT || count > ID_LIMIT - first)
		return wpar_error_input(err, "id range '%s' goes beyond the last host id %lu", text,
					ID_LIMIT - 1);
	r->first = (unsigned long)first;
	r->count = (unsigned long)count;
	return 0;
}

int wpar_userns_of(const struct wpar_spec *spec, struct wpar_idrange *r, wpar_error_t *err)
{
	const char *on = spec->security.userns;
	if (on == NULL || parse_yes_no(on) != 1)
		return 0;
	const char *range = spec->security.idrange;
	if (range == NULL || range[0] == '\0')
		return wpar_error_input(err, "%s: security.userns is yes but no idrange is set",
					spec->general.name);
	if (wpar_idrange_parse(range, r, err) < 0)
		return wpar_error_prefix(err, "%s: security.idrange", spec->general.name);
	return 1;
}

int wpar_userns_check(const struct wpar_spec *spec, wpar_error_t *err)
{
	const char *on = spec->security.userns;
	if (on == NULL || parse_yes_no(on) != 1)
		return 0;
	if (wpar_spec_type(spec) != WPAR_SYSTEM)
		return wpar_error_input(err,
					"a user namespace (userns=yes) is for system WPARs; an "
					"application WPAR shares the caller's files and ids");
	if (wpar_spec_flag(spec->general.checkpointable))
		return wpar_error_input(err,
					"a checkpointable WPAR cannot have its own user namespace "
					"yet: the restart would need CRIU to rebuild the idmapped "
					"mounts (set checkpointable=no or userns=no)");
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const char *vfs = spec->mounts[i].vfs;
		if (vfs && strcmp(vfs, "nfs") == 0)
			return wpar_error_input(
			    err,
			    "%s: NFS cannot be idmapped, so it cannot be "
			    "mounted in a WPAR with its own user namespace",
			    spec->mounts[i].directory ? spec->mounts[i].directory : "nfs mount");
	}
	return 0;
}

static bool overlaps(const struct wpar_idrange *a, unsigned long first, unsigned long count)
{
	return a->first < first + count && first < a->first + a->count;
}

/* Ranges given to host users for their own containers (user:first:count). */
static int subid_conflict(const char *file, const struct wpar_idrange *r, char **who)
{
	FILE *f = fopen(file, "re");
	if (f == NULL)
		return 0;
	char line[512];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		unsigned long first = strtoul(c1 + 1, NULL, 10), count = strtoul(c2 + 1, NULL, 10);
		if (count && overlaps(r, first, count)) {
			*c1 = '\0';
			*who = xasprintf("%s's entry in %s (%lu:%lu)", line, file, first, count);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* Who else holds ids of r: another WPAR (by name), or a subid entry. */
static int range_conflict(const struct wpar_idrange *r, const char *self, char **who,
			  wpar_error_t *err)
{
	char **names = NULL;
	size_t n = 0;
	if (wpar_store_list(&names, &n, err) < 0)
		return -1;
	int found = 0;
	for (size_t i = 0; !found && i < n; i++) {
		if (strcmp(names[i], self) == 0)
			continue;
		struct wpar_spec *other = NULL;
		struct wpar_idrange o;
		/* A definition that does not load holds no range we can see. */
		if (wpar_store_load(names[i], &other, NULL) == 0 &&
		    wpar_userns_of(other, &o, NULL) == 1 && overlaps(r, o.first, o.count)) {
			*who = xasprintf("WPAR %s (%lu:%lu)", names[i], o.first, o.count);
			found = 1;
		}
		wpar_spec_free(other);
	}
	wpar_names_free(names, n);
	if (!found)
		found =
		    subid_conflict("/etc/subuid", r, who) || subid_conflict("/etc/subgid", r, who);
	return found;
}

int wpar_userns_claim(struct wpar_spec *spec, wpar_error_t *err)
{
	const char *on = spec->security.userns;
	if (on == NULL || parse_yes_no(on) != 1)
		return 0;
	struct wpar_idrange r;
	cleanup_free char *who = NULL;
	const char *given = spec->security.idrange;
	if (given && given[0]) {
		if (wpar_idrange_parse(given, &r, err) < 0)
			return -1;
		int c = range_conflict(&r, spec->general.name, &who, err);
		if (c < 0)
			return -1;
		if (c)
			return wpar_error_input(err, "id range %s overlaps that of %s", given, who);
		return 0;
	}
	/* Blocks of 65536 from the base: the first one nobody holds. */
	for (r.first = WPAR_IDRANGE_AUTO_BASE, r.count = WPAR_IDRANGE_MIN;
	     r.first <= ID_LIMIT - 1 - r.count; r.first += r.count) {
		free(who);
		who = NULL;
		int c = range_conflict(&r, spec->general.name, &who, err);
		if (c < 0)
			return -1;
		if (c == 0) {
			free(spec->security.idrange);
			spec->security.idrange = xasprintf("%lu:%lu", r.first, r.count);
			return 0;
		}
	}
	return wpar_error_input(err, "no free id range is left for a user namespace");
}

static int write_map(pid_t pid, const char *file, const struct wpar_idrange *r, wpar_error_t *err)
{
	char path[64], map[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int n = snprintf(map, sizeof(map), "0 %lu %lu\n", r->first, r->count);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, (size_t)n) != n)
		return wpar_error_errno(err, "cannot write %s", path);
	return 0;
}

int wpar_userns_make(const struct wpar_idrange *r, wpar_error_t *err)
{
	/* A child makes the namespace and waits on a pipe until this
	 * process has mapped it and holds it by a descriptor. */
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return wpar_error_errno(err, "pipe");
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return wpar_error_errno(err, "cannot create a user namespace");
	}
	if (pid == 0) {
		close(p[1]);
		char c;
		ssize_t n = read(p[0], &c, 1);
		_exit(n < 0);
	}
	close(p[0]);
	int fd = -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (write_map(pid, "uid_map", r, err) == 0 && write_map(pid, "gid_map", r, err) == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			wpar_error_errno(err, "cannot open %s", path);
	}
	close(p[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

int wpar_userns_idmap_tree(const char *root, int userns_fd, wpar_error_t *err)
{
	cleanup_close int tree = (int)syscall(SYS_open_tree, AT_FDCWD, root,
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return wpar_error_errno(err, "cannot clone the mount tree of %s", root);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) < 0) {
		if (errno == EINVAL)
			return wpar_error_errno(err,
						"cannot idmap the file systems of %s (one of them "
						"is of a type the kernel cannot idmap)",
						root);
		return wpar_error_errno(err, "cannot idmap the file systems of %s", root);
	}
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return wpar_error_errno(err, "cannot attach the idmapped tree at %s", root);
	return 0;
}
