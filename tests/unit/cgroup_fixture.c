/* See cgroup_fixture.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cgroup_fixture.h"

#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static pid_t owner_pid;
static pid_t children[8];

void cgfx_init(void)
{
	owner_pid = getpid();
}

bool cgfx_is_owner(void)
{
	return getpid() == owner_pid;
}

void cgfx_put(const char *dir, const char *file, const char *text)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

char *cgfx_slurp(const char *dir, const char *file)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	char *text = NULL;
	if (read_file(path, &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

void cgfx_remember_child(pid_t pid)
{
	for (size_t i = 0; i < ARRAY_SIZE(children); i++) {
		if (children[i] == 0) {
			children[i] = pid;
			return;
		}
	}
	fail_msg("too many children");
}

void cgfx_forget_child(pid_t pid)
{
	for (size_t i = 0; i < ARRAY_SIZE(children); i++)
		if (children[i] == pid)
			children[i] = 0;
}

void cgfx_kill_children(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(children); i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
	}
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void cgfx_remove_tree(char *root)
{
	if (root[0] && cgfx_is_owner())
		nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
}

/* rmdir of a real group and of everything below it. */
static void rmdir_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
			rmdir_tree(sub);
		}
	}
	closedir(d);
	rmdir(dir);
}

void cgfx_remove_real_parent(char *parent)
{
	if (parent[0] == '\0' || !cgfx_is_owner())
		return;
	cgfx_kill_children();
	DIR *d = opendir(CGFX_REAL_ROOT);
	if (d != NULL) {
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.')
				continue;
			cleanup_free char *p =
			    xasprintf("%s/%s/%s", CGFX_REAL_ROOT, e->d_name, parent);
			rmdir_tree(p);
		}
		closedir(d);
	}
	parent[0] = '\0';
}
