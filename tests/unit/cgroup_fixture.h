/* What the unit tests of cgroup code share: the files of a fake cgroup
 * tree, the children a test started (killed when it fails), and the
 * removal of what a test made: a temporary directory, and the test's own
 * parent level in every real hierarchy.  The removals run only in the
 * process that called cgfx_init(), never in a forked child. */
#ifndef WPAR_TEST_CGROUP_FIXTURE_H
#define WPAR_TEST_CGROUP_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

#define CGFX_REAL_ROOT "/sys/fs/cgroup"

void cgfx_init(void);
/* True in the process that called cgfx_init (not in a forked child). */
bool cgfx_is_owner(void);

/* Writes `text` to dir/file (the test fails when it cannot). */
void cgfx_put(const char *dir, const char *file, const char *text);
/* The content of dir/file, or NULL when it cannot be read. */
char *cgfx_slurp(const char *dir, const char *file);

void cgfx_remember_child(pid_t pid);
void cgfx_forget_child(pid_t pid);
/* SIGKILL and reap every child still remembered. */
void cgfx_kill_children(void);

/* rm -r of a temporary tree; `root` is emptied. */
void cgfx_remove_tree(char *root);
/* Kills the remembered children, then removes <hierarchy>/<parent> (and
 * the groups below) from every hierarchy; `parent` is emptied. */
void cgfx_remove_real_parent(char *parent);

#endif
