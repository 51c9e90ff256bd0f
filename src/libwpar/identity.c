/* The fresh /etc of a system WPAR.  The host's configuration is copied so
 * that installed packages keep working inside, but nothing that makes the
 * WPAR the host, or gives access to the host, comes along: no host users
 * or password hashes, no host keys, no machine-id, no WPAR configuration
 * of the global environment. */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "copytree.h"
#include "fsimage.h"
#include "paths.h"
#include "rootfs.h"
#include "util.h"

/* Entries of the host's /etc that are never copied as they are.  The
 * account and name-resolution files are then written from filtered or
 * default content. */
static const char *const etc_excluded[] = {
    "wpars",          /* the global environment's WPAR definitions */
    "ssh/ssh_host_*", /* a WPAR must not impersonate the host */
    "ssl/private/*",
    "krb5.keytab",
    "NetworkManager/system-connections/*",
    "security/opasswd",
    "passwd",
    "group",
    "shadow",
    "gshadow",
    "subuid",
    "subgid",
    "passwd-",
    "group-",
    "shadow-",
    "gshadow-",
    "subuid-",
    "subgid-",
    ".pwd.lock",
    "machine-id",
    "hostname",
    "mtab",
    "fstab",
    "resolv.conf",
    "hosts",
    "nsswitch.conf",
    "host.conf",
    "networks",
    "gai.conf",
};

/* Copied only with -r (copy_nameres), and then with their content even
 * when the host's file is a symlink (resolv.conf often points into /run,
 * which is the WPAR's own). */
static const char *const nameres_files[] = {
    "resolv.conf", "hosts", "nsswitch.conf", "host.conf", "networks", "gai.conf",
};

bool wpar_identity_excluded(const char *rel)
{
	for (size_t i = 0; i < ARRAY_SIZE(etc_excluded); i++)
		if (fnmatch(etc_excluded[i], rel, FNM_PATHNAME | FNM_PERIOD) == 0)
			return true;
	return false;
}

struct etc_exclude_ctx {
	const char *confdir_rel; /* the WPAR config directory below host
				    /etc when moved (WPAR_CONFDIR), or NULL */
};

static bool etc_exclude(const char *rel, const struct stat *st, void *data)
{
	const struct etc_exclude_ctx *x = data;
	(void)st;
	if (x->confdir_rel && strcmp(rel, x->confdir_rel) == 0)
		return true;
	return wpar_identity_excluded(rel);
}

int wpar_write_file(const char *path, const char *data, size_t len, mode_t mode, uid_t uid,
		    gid_t gid, wpar_error_t *err)
{
	cleanup_free char *tmp = xasprintf("%s.wpartmp", path);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return wpar_error_errno(err, "cannot create %s", tmp);
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		off += (size_t)n;
	}
	bool ok = off == len && fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0;
	int saved = errno;
	if (close(fd) < 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		return wpar_error_make(err, saved, "cannot write %s", path);
	}
	if (rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		return wpar_error_make(err, saved, "cannot write %s", path);
	}
	return 0;
}

static int write_etc(const char *etc, const char *name, const char *data, mode_t mode,
		     wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", etc, name);
	return wpar_write_file(path, data, strlen(data), mode, 0, 0, err);
}

/* ------------------------------------------------------------------ */
/* Accounts                                                             */

struct id_limits {
	unsigned long sys_uid_max, sys_gid_max;
};

#define NOBODY_ID 65534UL /* nobody / nogroup: expected everywhere */

static void read_login_defs(const char *host_etc, struct id_limits *l)
{
	unsigned long uid_min = 1000, gid_min = 1000;
	long sys_uid_max = -1, sys_gid_max = -1;
	cleanup_free char *path = xasprintf("%s/login.defs", host_etc);
	cleanup_fclose FILE *f = fopen(path, "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		char key[32];
		unsigned long v;
		if (sscanf(line, " %31s %lu", key, &v) != 2)
			continue;
		if (strcmp(key, "UID_MIN") == 0)
			uid_min = v;
		else if (strcmp(key, "GID_MIN") == 0)
			gid_min = v;
		else if (strcmp(key, "SYS_UID_MAX") == 0)
			sys_uid_max = (long)v;
		else if (strcmp(key, "SYS_GID_MAX") == 0)
			sys_gid_max = (long)v;
	}
	/* shadow-utils' own rule: without SYS_*_MAX, system ids end just
	 * below the first regular id. */
	l->sys_uid_max =
	    sys_uid_max >= 0 ? (unsigned long)sys_uid_max : (uid_min ? uid_min - 1 : 0);
	l->sys_gid_max =
	    sys_gid_max >= 0 ? (unsigned long)sys_gid_max : (gid_min ? gid_min - 1 : 0);
}

/* Splits a colon-separated line in place; the last field keeps any
 * further colons.  Returns the number of fields. */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

struct names {
	char **v;
	size_t n;
};

static void names_add(struct names *s, const char *name)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = xstrdup(name);
}

static bool names_has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return true;
	return false;
}

static void names_free(struct names *s)
{
	wpar_strv_free(s->v, s->n);
	s->v = NULL;
	s->n = 0;
}

static bool system_id(const char *s, unsigned long max)
{
	char *end;
	errno = 0;
	unsigned long id = strtoul(s, &end, 10);
	if (errno || end == s || *end != '\0')
		return false;
	return id <= max || id == NOBODY_ID;
}

/* A member list ("a,b,c") without the users that were left out. */
static void filter_members(struct strbuf *out, const char *list, const struct names *users)
{
	cleanup_free char *copy = xstrdup(list);
	char *save = NULL;
	bool first = true;
	for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (!names_has(users, m))
			continue;
		strbuf_printf(out, "%s%s", first ? "" : ",", m);
		first = false;
	}
}

/* Lines of an account file, or an empty list when it is missing. */
static int read_lines(const char *dir, const char *name, char **text, wpar_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, name);
	if (!path_exists(path)) {
		*text = xstrdup("");
		return 0;
	}
	return read_file(path, text, NULL, err);
}

/* Each line of `text` in turn, NUL-terminated in place. */
#define for_each_line(line, save, text)                                                            \
	for (char *line = strtok_r((text), "\n", &(save)); line;                                   \
	     line = strtok_r(NULL, "\n", &(save)))

struct accounts {
	struct id_limits lim;
	struct names users, groups;
	struct strbuf passwd, group, shadow, gshadow;
};

static int filter_passwd(const char *host_etc, struct accounts *a, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_lines(host_etc, "passwd", &text, err) < 0)
		return -1;
	char *save = NULL;
	for_each_line(line, save, text)
	{
		char *f[7];
		if (split_fields(line, f, 7) != 7 || !system_id(f[2], a->lim.sys_uid_max))
			continue;
		/* "x": the hash, if any, is in shadow, which we rewrite. */
		strbuf_printf(&a->passwd, "%s:x:%s:%s:%s:%s:%s\n", f[0], f[2], f[3], f[4], f[5],
			      f[6]);
		names_add(&a->users, f[0]);
	}
	return 0;
}

static int filter_group(const char *host_etc, struct accounts *a, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_lines(host_etc, "group", &text, err) < 0)
		return -1;
	char *save = NULL;
	for_each_line(line, save, text)
	{
		char *f[4];
		if (split_fields(line, f, 4) != 4 || !system_id(f[2], a->lim.sys_gid_max))
			continue;
		strbuf_printf(&a->group, "%s:x:%s:", f[0], f[2]);
		filter_members(&a->group, f[3], &a->users);
		strbuf_puts(&a->group, "\n");
		names_add(&a->groups, f[0]);
	}
	return 0;
}

/* The line of `text` for account `name`, or NULL. */
static char *find_entry(const char *text, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == ':')
			return xstrndup(p, len);
		p += len + (p[len] == '\n');
	}
	return NULL;
}

/* shadow: one entry per kept user, the host's ageing fields when it has
 * any, and no usable password except root's when -P gave one. */
static int build_shadow(const char *host_etc, struct accounts *a, const char *root_hash,
			wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_lines(host_etc, "shadow", &text, err) < 0)
		return -1;
	long today = (long)(time(NULL) / 86400);
	for (size_t i = 0; i < a->users.n; i++) {
		const char *user = a->users.v[i];
		bool root = strcmp(user, "root") == 0;
		const char *pw = root ? (root_hash ? root_hash : "!") : "*";
		cleanup_free char *found = find_entry(text, user);
		char *f[9];
		if (found && split_fields(found, f, 9) == 9 && !(root && root_hash))
			strbuf_printf(&a->shadow, "%s:%s:%s:%s:%s:%s:%s:%s:%s\n", user, pw, f[2],
				      f[3], f[4], f[5], f[6], f[7], f[8]);
		else
			strbuf_printf(&a->shadow, "%s:%s:%ld:0:99999:7:::\n", user, pw, today);
	}
	return 0;
}

static int build_gshadow(const char *host_etc, struct accounts *a, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	if (read_lines(host_etc, "gshadow", &text, err) < 0)
		return -1;
	char *save = NULL;
	for_each_line(line, save, text)
	{
		char *f[4];
		if (split_fields(line, f, 4) != 4 || !names_has(&a->groups, f[0]))
			continue;
		strbuf_printf(&a->gshadow, "%s:*:", f[0]);
		filter_members(&a->gshadow, f[2], &a->users);
		strbuf_puts(&a->gshadow, ":");
		filter_members(&a->gshadow, f[3], &a->users);
		strbuf_puts(&a->gshadow, "\n");
	}
	return 0;
}

/* Mode and owner of the host's file (shadow is 0640 root:shadow on
 * Debian); defaults when the host has none. */
static void host_file_meta(const char *host_etc, const char *name, mode_t def, struct stat *st)
{
	cleanup_free char *path = xasprintf("%s/%s", host_etc, name);
	if (stat(path, st) == 0 && S_ISREG(st->st_mode))
		return;
	*st = (struct stat){.st_mode = S_IFREG | def};
}

static int write_account_file(const char *host_etc, const char *etc, const char *name,
			      const struct strbuf *sb, mode_t def, wpar_error_t *err)
{
	struct stat st;
	host_file_meta(host_etc, name, def, &st);
	cleanup_free char *path = xasprintf("%s/%s", etc, name);
	return wpar_write_file(path, sb->buf ? sb->buf : "", sb->len, st.st_mode & 07777, st.st_uid,
			       st.st_gid, err);
}

static int write_accounts(const char *host_etc, const char *etc, const char *root_hash,
			  wpar_error_t *err)
{
	struct accounts a = {0};
	read_login_defs(host_etc, &a.lim);
	struct strbuf empty = {0};
	int r = 0;
	if (filter_passwd(host_etc, &a, err) < 0 || filter_group(host_etc, &a, err) < 0 ||
	    build_shadow(host_etc, &a, root_hash, err) < 0 ||
	    build_gshadow(host_etc, &a, err) < 0 ||
	    write_account_file(host_etc, etc, "passwd", &a.passwd, 0644, err) < 0 ||
	    write_account_file(host_etc, etc, "group", &a.group, 0644, err) < 0 ||
	    write_account_file(host_etc, etc, "shadow", &a.shadow, 0640, err) < 0 ||
	    write_account_file(host_etc, etc, "gshadow", &a.gshadow, 0640, err) < 0 ||
	    write_account_file(host_etc, etc, "subuid", &empty, 0644, err) < 0 ||
	    write_account_file(host_etc, etc, "subgid", &empty, 0644, err) < 0)
		r = -1;
	names_free(&a.users);
	names_free(&a.groups);
	strbuf_release(&a.passwd);
	strbuf_release(&a.group);
	strbuf_release(&a.shadow);
	strbuf_release(&a.gshadow);
	return r;
}

/* ------------------------------------------------------------------ */
/* Identity files                                                       */

int wpar_machine_id_new(char id[33], wpar_error_t *err)
{
	unsigned char raw[16];
	size_t got = 0;
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wpar_error_errno(err, "cannot get random bytes");
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static int write_machine_id(const char *etc, wpar_error_t *err)
{
	char id[33], line[34];
	if (wpar_machine_id_new(id, err) < 0)
		return -1;
	snprintf(line, sizeof(line), "%s\n", id);
	return write_etc(etc, "machine-id", line, 0444, err);
}

static int write_hosts(const char *etc, const char *hostname, wpar_error_t *err)
{
	struct strbuf sb = {0};
	size_t short_len = strcspn(hostname, ".");
	strbuf_puts(&sb, "127.0.0.1\tlocalhost\n");
	if (hostname[short_len])
		strbuf_printf(&sb, "127.0.1.1\t%s %.*s\n", hostname, (int)short_len, hostname);
	else
		strbuf_printf(&sb, "127.0.1.1\t%s\n", hostname);
	strbuf_puts(&sb, "\n::1\tlocalhost ip6-localhost ip6-loopback\n"
			 "ff02::1\tip6-allnodes\n"
			 "ff02::2\tip6-allrouters\n");
	int r = write_etc(etc, "hosts", sb.buf, 0644, err);
	strbuf_release(&sb);
	return r;
}

/* Local files first and DNS for host names: what a fresh Debian system
 * uses, without modules (systemd, sss, ...) the WPAR may not run. */
static const char default_nsswitch[] = "passwd:         files\n"
				       "group:          files\n"
				       "shadow:         files\n"
				       "gshadow:        files\n"
				       "\n"
				       "hosts:          files dns\n"
				       "networks:       files\n"
				       "\n"
				       "protocols:      files\n"
				       "services:       files\n"
				       "ethers:         files\n"
				       "rpc:            files\n"
				       "\n"
				       "netgroup:       files\n";

static const char default_networks[] = "default\t\t0.0.0.0\n"
				       "loopback\t127.0.0.0\n"
				       "link-local\t169.254.0.0\n";

static int write_default_nameres(const char *etc, const char *hostname, wpar_error_t *err)
{
	if (write_hosts(etc, hostname, err) < 0 ||
	    write_etc(etc, "nsswitch.conf", default_nsswitch, 0644, err) < 0 ||
	    write_etc(etc, "networks", default_networks, 0644, err) < 0 ||
	    write_etc(etc, "host.conf", "multi on\n", 0644, err) < 0 ||
	    write_etc(etc, "resolv.conf", "", 0644, err) < 0)
		return -1;
	return 0;
}

static int copy_nameres(const char *host_etc, const char *etc, wpar_error_t *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(nameres_files); i++) {
		cleanup_free char *src = xasprintf("%s/%s", host_etc, nameres_files[i]);
		struct stat st;
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue; /* missing or dangling: nothing to copy */
		cleanup_free char *text = NULL;
		size_t len;
		if (read_file(src, &text, &len, err) < 0)
			return -1;
		cleanup_free char *dst = xasprintf("%s/%s", etc, nameres_files[i]);
		if (wpar_write_file(dst, text, len, st.st_mode & 07777, 0, 0, err) < 0)
			return -1;
	}
	return 0;
}

static int write_misc(const char *etc, const char *hostname, wpar_error_t *err)
{
	cleanup_free char *line = xasprintf("%s\n", hostname);
	if (write_etc(etc, "hostname", line, 0644, err) < 0 ||
	    write_etc(etc, "fstab",
		      "# The global environment mounts the file systems of this "
		      "WPAR (lswpar -M shows them).\n",
		      0644, err) < 0)
		return -1;
	cleanup_free char *mtab = xasprintf("%s/mtab", etc);
	if (symlink("../proc/self/mounts", mtab) < 0 && errno != EEXIST)
		return wpar_error_errno(err, "cannot create %s", mtab);
	return 0;
}

/* The configuration directory's place below the host's /etc when it was
 * moved there with WPAR_CONFDIR (e.g. /etc/wpar-test). */
static char *confdir_below(const char *host_etc)
{
	cleanup_free char *etc = realpath(host_etc, NULL);
	cleanup_free char *conf = realpath(wpar_paths()->confdir, NULL);
	if (etc == NULL || conf == NULL || strcmp(etc, conf) == 0 || !wpar_path_under(conf, etc))
		return NULL;
	return xstrdup(conf + strlen(etc) + 1);
}

int wpar_identity_make_etc(const char *host_etc, const char *etc,
			   const struct wpar_identity_opts *o, wpar_error_t *err)
{
	if (o->hostname == NULL)
		return wpar_error_input(err, "no host name for the WPAR");
	cleanup_free char *confdir_rel = confdir_below(host_etc);
	struct etc_exclude_ctx x = {.confdir_rel = confdir_rel};
	struct wpar_copy_opts copy = {
	    .exclude = etc_exclude,
	    .data = &x,
	    .one_file_system = true,
	};
	if (wpar_copytree(host_etc, etc, &copy, err) < 0)
		return wpar_error_prefix(err, "copying %s", host_etc);
	if (write_accounts(host_etc, etc, o->root_password_hash, err) < 0 ||
	    write_machine_id(etc, err) < 0 || write_misc(etc, o->hostname, err) < 0)
		return -1;
	if (o->copy_nameres)
		return copy_nameres(host_etc, etc, err);
	return write_default_nameres(etc, o->hostname, err);
}

/* ------------------------------------------------------------------ */
/* Root password of an existing WPAR                                    */

static int replace_root_hash(const char *text, const char *hash, struct strbuf *out,
			     wpar_error_t *err)
{
	bool done = false;
	long today = (long)(time(NULL) / 86400);
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		char *f[9];
		cleanup_free char *line = xstrndup(p, len);
		if (!done && split_fields(line, f, 9) == 9 && strcmp(f[0], "root") == 0) {
			strbuf_printf(out, "root:%s:%ld:%s:%s:%s:%s:%s:%s\n", hash, today, f[3],
				      f[4], f[5], f[6], f[7], f[8]);
			done = true;
		} else {
			strbuf_add(out, p, len);
			strbuf_puts(out, "\n");
		}
		p += len + (p[len] == '\n');
	}
	if (!done)
		strbuf_printf(out, "root:%s:%ld:0:99999:7:::\n", hash, today);
	(void)err;
	return 0;
}

int wpar_rootfs_set_root_password(const char *root, const char *hash, wpar_error_t *err)
{
	if (hash == NULL || *hash == '\0' || strpbrk(hash, ":\n"))
		return wpar_error_input(err, "the root password hash must be "
					     "non-empty and contain no ':' or newline");
	cleanup_free char *path = xasprintf("%s/etc/shadow", root);
	struct stat st;
	if (lstat(path, &st) < 0)
		return wpar_error_errno(err, "cannot read %s", path);
	if (!S_ISREG(st.st_mode))
		return wpar_error_input(err, "%s is not a regular file", path);
	cleanup_free char *text = NULL;
	if (read_file(path, &text, NULL, err) < 0)
		return -1;
	struct strbuf out = {0};
	replace_root_hash(text, hash, &out, err);
	int r =
	    wpar_write_file(path, out.buf, out.len, st.st_mode & 07777, st.st_uid, st.st_gid, err);
	strbuf_release(&out);
	return r;
}
