/* Copying and removing directory trees the way a WPAR's file systems need:
 * copies keep everything a package manager or a login cares about (modes,
 * owners, times, symlinks, hard links, extended attributes such as file
 * capabilities and ACLs), and removal can never reach outside the tree it
 * was given, neither through a symlink nor through a mount point. */
#ifndef WPAR_COPYTREE_H
#define WPAR_COPYTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

struct wpar_copy_opts {
	/* Called for every entry below the source root with its path
	 * relative to that root ("ssh/ssh_host_rsa_key"); returning true
	 * leaves the entry (and a directory's whole subtree) out. */
	bool (*exclude)(const char *rel, const struct stat *st, void *data);
	void *data;
	/* Do not descend into directories that are mount points below the
	 * source (they are created empty, as cp -x does). */
	bool one_file_system;
	/* Threads copying file data; 0 or 1 copies in the calling thread.
	 * More only pays off for large trees (a private /usr). */
	unsigned threads;
};

/* Copies `src` to `dst`.  A directory is copied recursively into `dst`,
 * which may already exist (its metadata is then set from `src`); entries
 * that already exist below it are an error, never overwritten.  A file or
 * symlink is copied as one entry.  Data is shared with FICLONE where the
 * file system can, else copied in the kernel with copy_file_range; holes
 * of sparse files are kept.  Nothing is fsync'ed: callers that need the
 * copy on disk call syncfs() once. */
int wpar_copytree(const char *src, const char *dst, const struct wpar_copy_opts *opts,
		  wpar_error_t *err);

/* Removes `path` and everything below it.  Symlinks are removed, never
 * followed.  Fails, without removing anything, when a file system is
 * mounted at or below `path`, and stops with an error if a mount point
 * appears while it works.  A missing `path` is not an error. */
int wpar_remove_tree(const char *path, wpar_error_t *err);

#endif
