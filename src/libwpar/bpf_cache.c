/* See bpf_cache.h. */
#include "bpf_cache.h"

#include <sys/stat.h>

#include "paths.h"
#include "sealed_exec.h"
#include "util.h"

#define MAX_PROGRAM (64 * 1024)

static char *cache_path(const char *tag)
{
	/* The installed file, also for a program that runs from a sealed
	 * copy of it (sealed_exec.h). */
	cleanup_free char *id = wpar_self_identity();
	if (id == NULL)
		return NULL;
	return xasprintf("%s/cache/%s-%s.bpf", wpar_paths()->rundir, tag, id);
}

int wpar_bpf_cache_get(const char *tag, void **data, size_t *len)
{
	cleanup_free char *path = cache_path(tag);
	struct stat st;
	/* Only what root wrote, and of a sane size. */
	if (path == NULL || lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022) || st.st_size <= 0 || st.st_size > MAX_PROGRAM)
		return -1;
	char *text = NULL;
	wpar_error_t err = NULL;
	if (read_file(path, &text, len, &err) < 0) {
		wpar_error_release(&err);
		return -1;
	}
	*data = text;
	return 0;
}

void wpar_bpf_cache_put(const char *tag, const void *data, size_t len)
{
	cleanup_free char *path = cache_path(tag);
	if (path == NULL)
		return;
	cleanup_free char *dir = xasprintf("%s/cache", wpar_paths()->rundir);
	wpar_error_t err = NULL;
	if (mkdir_p(dir, 0700, &err) < 0 || write_file_replace(path, data, len, 0600, &err) < 0)
		wpar_error_release(&err);
}
