/* See sealed_exec.h. */
#include "sealed_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Set in the copy's environment: the original file's identity (for the
 * caches keyed by the program's file, bpf_cache.c). */
#define IDENTITY_ENV "WPAR_SEALED_SELF"

extern char **environ;

static char *identity_of(const struct stat *st)
{
	return xasprintf("%llx-%llx-%llx-%llx.%09ld", (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
			 (unsigned long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

char *wpar_self_identity(void)
{
	const char *env = getenv(IDENTITY_ENV);
	if (env && *env)
		return xstrdup(env);
	struct stat st;
	if (stat("/proc/self/exe", &st) < 0)
		return NULL;
	return identity_of(&st);
}

int wpar_exec_sealed_self(char **argv)
{
	/* Already the copy: its identity stays for the caches, out of the
	 * environment handed on. */
	int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -1;
	int seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_WRITE)) {
		close(self);
		return 0;
	}
	struct stat st;
	if (fstat(self, &st) < 0) {
		close(self);
		return -1;
	}
	int mem = memfd_create("wpar-sealed-self", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0) {
		close(self);
		return -1;
	}
	for (off_t left = st.st_size; left > 0;) {
		ssize_t n = sendfile(mem, self, NULL, (size_t)left);
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(self);
			close(mem);
			errno = e;
			return -1;
		}
		left -= n;
	}
	close(self);
	if (fcntl(mem, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		int e = errno;
		close(mem);
		errno = e;
		return -1;
	}
	cleanup_free char *id = identity_of(&st);
	setenv(IDENTITY_ENV, id, 1);
	fexecve(mem, argv, environ);
	int e = errno;
	unsetenv(IDENTITY_ENV);
	close(mem);
	errno = e;
	return -1;
}
