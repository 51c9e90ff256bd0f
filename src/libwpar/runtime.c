/* Runtime directory and record of a running WPAR. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

#include "paths.h"
#include "util.h"

char *wpar_runtime_dir(const char *name)
{
	return xasprintf("%s/%s", wpar_paths()->rundir, name);
}

char *wpar_runtime_path(const char *name, const char *file)
{
	return xasprintf("%s/%s/%s", wpar_paths()->rundir, name, file);
}

int wpar_boot_id(char out[40])
{
	cleanup_free char *text = NULL;
	if (read_file("/proc/sys/kernel/random/boot_id", &text, NULL, NULL) < 0) {
		out[0] = '\0';
		return -1;
	}
	snprintf(out, 40, "%.*s", (int)strcspn(text, "\n"), text);
	return 0;
}

int wpar_runtime_write(const char *name, const struct wpar_runtime_info *info, wpar_error_t *err)
{
	cleanup_free char *dir = wpar_runtime_dir(name);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *path = wpar_runtime_path(name, "info");
	struct strbuf sb = {0};
	strbuf_printf(&sb,
		      "monitor_pid=%d\ninit_pid=%d\nboot_id=%s\nstarted=%lld\nroot=%s\ninit=%s\n",
		      (int)info->monitor_pid, (int)info->init_pid, info->boot_id, info->started,
		      info->root, info->init);
	if (info->has_caps)
		strbuf_printf(&sb, "caps=%#llx\n", (unsigned long long)info->caps);
	/* /run is gone after a reboot: nothing to sync. */
	int r = write_file_replace(path, sb.buf, sb.len, 0644, err);
	strbuf_release(&sb);
	return r;
}

int wpar_runtime_read(const char *name, struct wpar_runtime_info *info, wpar_error_t *err)
{
	memset(info, 0, sizeof(*info));
	cleanup_free char *path = wpar_runtime_path(name, "info");
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, err) < 0)
		return -1;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (eq == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(l, "monitor_pid") == 0)
			info->monitor_pid = atoi(eq);
		else if (strcmp(l, "init_pid") == 0)
			info->init_pid = atoi(eq);
		else if (strcmp(l, "boot_id") == 0)
			snprintf(info->boot_id, sizeof(info->boot_id), "%s", eq);
		else if (strcmp(l, "started") == 0)
			info->started = atoll(eq);
		else if (strcmp(l, "root") == 0)
			snprintf(info->root, sizeof(info->root), "%s", eq);
		else if (strcmp(l, "init") == 0)
			snprintf(info->init, sizeof(info->init), "%s", eq);
		else if (strcmp(l, "caps") == 0) {
			info->caps = strtoull(eq, NULL, 16);
			info->has_caps = true;
		}
	}
	if (info->init_pid <= 0)
		return wpar_error_input(err, "%s: no init recorded", path);
	return 0;
}

int wpar_runtime_remove(const char *name, wpar_error_t *err)
{
	/* checkpoint-kill: chkptwpar -k's note to an application WPAR's
	 * monitor (checkpoint.h). */
	static const char *files[] = {"info", "monitor.sock", "monitor.lock", "checkpoint-kill"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = wpar_runtime_path(name, files[i]);
		if (unlink(p) < 0 && errno != ENOENT)
			return wpar_error_errno(err, "cannot remove %s", p);
	}
	cleanup_free char *dir = wpar_runtime_dir(name);
	if (rmdir(dir) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		return wpar_error_errno(err, "cannot remove %s", dir);
	return 0;
}

bool wpar_monitor_alive(const char *name)
{
	cleanup_free char *path = wpar_runtime_path(name, "monitor.lock");
	return flock_is_held(path);
}

bool wpar_monitor_wait_gone(const char *name, int timeout_ms)
{
	for (int waited = 0; wpar_monitor_alive(name); waited += 20) {
		if (waited >= timeout_ms)
			return false;
		usleep(20000);
	}
	return true;
}
