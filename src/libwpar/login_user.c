/* The accounts of a WPAR, read from its own /etc/passwd and /etc/group;
 * see enter.h.  The files are under the control of the WPAR's root user:
 * bounded in size, parsed strictly, malformed lines skipped. */
#include "enter.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define MAX_ACCOUNT_FILE (16u << 20)
#define MAX_GROUPS       65536

static bool valid_user_name(const char *u)
{
	size_t n = strlen(u);
	return n > 0 && n < 256 && u[0] != '+' && u[0] != '-' && strpbrk(u, ":,\n") == NULL;
}

static bool parse_id(const char *s, uint32_t *out)
{
	if (!isdigit((unsigned char)s[0]))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v >= UINT32_MAX) /* (uid_t)-1 is no id */
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Splits a line into exactly n colon-separated fields. */
static bool split_colons(char *line, char **f, int n)
{
	char *p = line;
	for (int i = 0; i < n - 1; i++) {
		char *c = strchr(p, ':');
		if (c == NULL)
			return false;
		*c = '\0';
		f[i] = p;
		p = c + 1;
	}
	f[n - 1] = p;
	return strchr(p, ':') == NULL;
}

static void add_group(struct wpar_login_user *u, gid_t g)
{
	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == g)
			return;
	if (u->n_groups >= MAX_GROUPS)
		return;
	u->groups = xrealloc(u->groups, (u->n_groups + 1) * sizeof(gid_t));
	u->groups[u->n_groups++] = g;
}

static bool is_member(char *members, const char *user)
{
	char *save = NULL;
	for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (strcmp(m, user) == 0)
			return true;
	return false;
}

int wpar_login_user_parse(const char *passwd, const char *group, const char *user,
			  struct wpar_login_user *out)
{
	memset(out, 0, sizeof(*out));
	out->tty_gid = (gid_t)-1;
	if (!valid_user_name(user))
		return -1;
	cleanup_free char *pw = xstrdup(passwd);
	char *save = NULL;
	for (char *l = strtok_r(pw, "\n", &save); l && !out->name;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[7];
		uint32_t uid, gid;
		if (l[0] == '#' || !split_colons(l, f, 7) || strcmp(f[0], user) != 0 ||
		    !parse_id(f[2], &uid) || !parse_id(f[3], &gid))
			continue;
		out->uid = uid;
		out->gid = gid;
		out->name = xstrdup(f[0]);
		out->home = xstrdup(f[5][0] ? f[5] : "/");
		out->shell = xstrdup(f[6][0] ? f[6] : "/bin/sh");
	}
	if (out->name == NULL)
		return -1;
	add_group(out, out->gid);
	cleanup_free char *gr = xstrdup(group ? group : "");
	save = NULL;
	for (char *l = strtok_r(gr, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[4];
		uint32_t gid;
		if (l[0] == '#' || !split_colons(l, f, 4) || !parse_id(f[2], &gid))
			continue;
		if (strcmp(f[0], "tty") == 0 && out->tty_gid == (gid_t)-1)
			out->tty_gid = gid;
		if (is_member(f[3], user))
			add_group(out, gid);
	}
	return 0;
}

void wpar_login_user_release(struct wpar_login_user *u)
{
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u->groups);
	memset(u, 0, sizeof(*u));
}

int wpar_read_inside(const char *path, size_t max, char **out, wpar_error_t *err)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
	    .resolve = RESOLVE_NO_MAGICLINKS,
	};
	cleanup_close int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return wpar_error_errno(err, "cannot read %s", path);
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max)
		return wpar_error_input(err, "%s is not a regular file of sensible size", path);
	size_t cap = (size_t)st.st_size, len = 0;
	char *buf = xmalloc(cap + 1);
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return wpar_error_errno(err, "cannot read %s", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int wpar_login_user_lookup(const char *wpar, const char *user, struct wpar_login_user *u,
			   wpar_error_t *err)
{
	const char *who = user ? user : "root";
	bool root = strcmp(who, "root") == 0;
	cleanup_free char *pw = NULL;
	cleanup_free char *gr = NULL;
	wpar_error_t perr = NULL;
	if (wpar_read_inside("/etc/passwd", MAX_ACCOUNT_FILE, &pw, &perr) < 0) {
		if (!root) {
			wpar_error_make(err, 0, "workload partition %s: %s", wpar, perr->msg);
			wpar_error_release(&perr);
			return -1;
		}
		wpar_error_release(&perr);
	}
	if (wpar_read_inside("/etc/group", MAX_ACCOUNT_FILE, &gr, NULL) < 0)
		gr = NULL;
	if (pw && wpar_login_user_parse(pw, gr, who, u) == 0)
		return 0;
	if (root) {
		/* A WPAR whose passwd lost root must still be repairable. */
		*u = (struct wpar_login_user){.name = xstrdup("root"),
					      .home = xstrdup("/root"),
					      .shell = xstrdup("/bin/sh"),
					      .tty_gid = (gid_t)-1};
		add_group(u, 0);
		return 0;
	}
	return wpar_error_input(err, "user %s does not exist in workload partition %s", who, wpar);
}
