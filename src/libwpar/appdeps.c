/* The -M dependencies of an application WPAR.  wparexec creates no file
 * system: a mount stanza names one the command needs (a namefs bind of a
 * host directory, an NFS export, or just a directory).  What is not
 * mounted yet is mounted in the host's mount namespace before the command
 * starts, and, as AIX does, stays mounted after the WPAR has ended; only
 * a start that fails takes back the mounts it made. */
#include "appwpar.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsimage.h"
#include "util.h"

static int mount_namefs(const struct wpar_mount *m, wpar_error_t *err)
{
	unsigned long flags = 0;
	cleanup_free char *data = NULL;
	if (wpar_mount_options(m->mountopts, &flags, &data, err) < 0)
		return -1;
	struct stat st;
	if (stat(m->dev, &st) < 0 || !S_ISDIR(st.st_mode))
		return wpar_error_input(err, "mount %s: the namefs source %s is not a directory",
					m->directory, m->dev);
	if (mount(m->dev, m->directory, NULL, MS_BIND | MS_REC, NULL) < 0)
		return wpar_error_errno(err, "cannot bind %s onto %s", m->dev, m->directory);
	/* A bind takes its flags (ro, nosuid, ...) only from a remount. */
	unsigned long extra = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	if (extra && mount(NULL, m->directory, NULL, MS_REMOUNT | MS_BIND | extra, NULL) < 0) {
		int saved = errno;
		umount2(m->directory, MNT_DETACH);
		return wpar_error_make(err, saved, "cannot apply the options %s to %s",
				       m->mountopts, m->directory);
	}
	return 0;
}

/* NFS goes through mount(8): the helper resolves the server and picks
 * the protocol version, as an administrator's mount would. */
static int mount_nfs(const struct wpar_mount *m, wpar_error_t *err)
{
	cleanup_free char *source = xasprintf("%s:%s", m->host, m->dev);
	pid_t pid = fork();
	if (pid < 0)
		return wpar_error_errno(err, "fork");
	if (pid == 0) {
		if (m->mountopts)
			execlp("mount", "mount", "-t", "nfs", "-o", m->mountopts, source,
			       m->directory, (char *)NULL);
		else
			execlp("mount", "mount", "-t", "nfs", source, m->directory, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return wpar_error_errno(err, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return wpar_error_input(
		    err, "mount %s: cannot mount %s over NFS (mount exit status %d)", m->directory,
		    source, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int mount_one(const struct wpar_mount *m, bool *made, FILE *progress, wpar_error_t *err)
{
	*made = false;
	if (mkdir_p(m->directory, 0755, err) < 0)
		return wpar_error_prefix(err, "mount %s", m->directory);
	if (strcmp(m->vfs, "directory") == 0 || wpar_is_mountpoint(m->directory))
		return 0; /* a dependency that is already there */
	progress_line(progress, "Mounting %s", m->directory);
	int r = strcmp(m->vfs, "nfs") == 0 ? mount_nfs(m, err) : mount_namefs(m, err);
	*made = r == 0;
	return r;
}

int wpar_app_deps_mount(const struct wpar_spec *spec, char ***made, size_t *n_made, FILE *progress,
			wpar_error_t *err)
{
	*made = NULL;
	*n_made = 0;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		bool mounted = false;
		if (mount_one(&spec->mounts[i], &mounted, progress, err) < 0) {
			wpar_app_deps_undo(*made, *n_made);
			*made = NULL;
			*n_made = 0;
			return -1;
		}
		if (mounted) {
			*made = xrealloc(*made, (*n_made + 1) * sizeof(**made));
			(*made)[(*n_made)++] = xstrdup(spec->mounts[i].directory);
		}
	}
	return 0;
}

void wpar_app_deps_undo(char **made, size_t n_made)
{
	for (size_t i = n_made; i > 0; i--)
		umount2(made[i - 1], MNT_DETACH);
	wpar_strv_free(made, n_made);
}
