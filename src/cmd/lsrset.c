/* lsrset: list resource sets, or the CPUs and memory nodes a process may
 * use. */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "rset.h"
#include "store.h"
#include "util.h"

static const char usage[] = "Usage: lsrset [-X] [-f] [-v | -o] [-r rsetname | -n namespace | -a]\n"
			    "       lsrset [-v | -o] -p pid\n";

static const struct wpar_optdef options[] = {
    {'a', WPAR_OPT_FLAG, NULL}, {'f', WPAR_OPT_FLAG, NULL}, {'n', WPAR_OPT_ARG, NULL},
    {'o', WPAR_OPT_FLAG, NULL}, {'p', WPAR_OPT_ARG, NULL},  {'P', WPAR_OPT_FLAG, NULL},
    {'r', WPAR_OPT_ARG, NULL},  {'S', WPAR_OPT_FLAG, NULL}, {'v', WPAR_OPT_FLAG, NULL},
    {'X', WPAR_OPT_FLAG, NULL},
};

enum detail { NAMES, SUMMARY, VERBOSE, ONLINE };

struct options {
	enum detail detail;
	bool wide; /* -X: user and group names not cut to 8 characters */
};

#define ROW "%-1s %-20s %-8s %-8s %-6s %4s %4s\n"

/* AIX's mode column: read and write for owner, group and others. */
static void mode_text(mode_t m, char out[7])
{
	static const mode_t bits[] = {0400, 0200, 040, 020, 04, 02};
	for (int i = 0; i < 6; i++)
		out[i] = (m & bits[i]) ? (i % 2 ? 'w' : 'r') : '-';
	out[6] = '\0';
}

static char *id_name(bool user, unsigned id, bool wide)
{
	const char *name = NULL;
	if (user) {
		struct passwd *pw = getpwuid(id);
		name = pw ? pw->pw_name : NULL;
	} else {
		struct group *gr = getgrgid(id);
		name = gr ? gr->gr_name : NULL;
	}
	char *s = name ? xstrdup(name) : xasprintf("%u", id);
	if (!wide && strlen(s) > 8)
		s[8] = '\0';
	return s;
}

/* With -o, only what is online now: list minus (list minus online). */
static int online_only(char **list, const char *online, wpar_error_t *err)
{
	cleanup_free char *offline = NULL;
	char *kept = NULL;
	if (wpar_idlist_minus(*list, online, &offline, err) < 0 ||
	    wpar_idlist_minus(*list, offline, &kept, err) < 0)
		return -1;
	free(*list);
	*list = kept;
	return 0;
}

static void show(const struct wpar_rset *r, const struct options *o)
{
	if (o->detail == NAMES) {
		printf("%s\n", r->name);
		return;
	}
	char mode[7], ncpus[24], nmems[24];
	mode_text(r->mode, mode);
	snprintf(ncpus, sizeof(ncpus), "%ld", wpar_idlist_count(r->cpus));
	snprintf(nmems, sizeof(nmems), "%ld", wpar_idlist_count(r->mems));
	cleanup_free char *owner = id_name(true, r->owner, o->wide);
	cleanup_free char *group = id_name(false, r->group, o->wide);
	printf(ROW, "r", r->name, owner, group, mode, ncpus, nmems);
	if (o->detail != SUMMARY)
		printf("    CPU: %s\n    MEM: %s\n", r->cpus[0] ? r->cpus : "<empty>",
		       r->mems[0] ? r->mems : "<empty>");
}

/* Every set is read before anything is printed: an unknown -r name
 * prints nothing but the error. */
static int show_all(char **names, size_t n, const struct options *o, wpar_error_t *err)
{
	struct wpar_rset *v = xcalloc(n ? n : 1, sizeof(*v));
	cleanup_free char *on_cpus = NULL, *on_mems = NULL;
	int r = -1;
	if (o->detail == ONLINE && wpar_rset_host(&on_cpus, &on_mems, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (wpar_rset_load(names[i], &v[i], err) < 0)
			goto out;
		if (o->detail == ONLINE && (online_only(&v[i].cpus, on_cpus, err) < 0 ||
					    online_only(&v[i].mems, on_mems, err) < 0))
			goto out;
	}
	if (o->detail != NAMES && n > 0)
		printf(ROW, "T", "Name", "Owner", "Group", "Mode", "CPU", "MEM");
	for (size_t i = 0; i < n; i++)
		show(&v[i], o);
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		wpar_rset_release(&v[i]);
	free(v);
	return r;
}

/* -p: what the process may use (the kernel's view of its cpuset and
 * affinity). */
static int show_process(const char *pid, const struct options *o, wpar_error_t *err)
{
	long long n;
	if (parse_long(pid, &n) < 0 || n < 1)
		return wpar_error_input(err, "-p: \"%s\" is not a process ID", pid);
	cleanup_free char *path = xasprintf("/proc/%lld/status", n);
	cleanup_free char *status = NULL;
	if (read_file(path, &status, NULL, NULL) < 0)
		return wpar_error_input(err, "-p: there is no process %lld", n);
	cleanup_free char *cpus = NULL, *mems = NULL;
	static const char *const keys[] = {"\nCpus_allowed_list:", "\nMems_allowed_list:"};
	char **outs[] = {&cpus, &mems};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *p = strstr(status, keys[i]);
		if (p == NULL)
			return wpar_error_input(err, "%s has no %s", path, keys[i] + 1);
		p += strlen(keys[i]);
		cleanup_free char *value = xstrndup(p, strcspn(p, "\n"));
		if (wpar_idlist_normalise(value, outs[i], err) < 0)
			return wpar_error_prefix(err, "%s", path);
	}
	if (o->detail == ONLINE) {
		cleanup_free char *on_cpus = NULL, *on_mems = NULL;
		if (wpar_rset_host(&on_cpus, &on_mems, err) < 0 ||
		    online_only(&cpus, on_cpus, err) < 0 || online_only(&mems, on_mems, err) < 0)
			return -1;
	}
	printf("Effective rset of process %lld: %ld CPU%s, %ld memory node%s\n", n,
	       wpar_idlist_count(cpus), wpar_idlist_count(cpus) == 1 ? "" : "s",
	       wpar_idlist_count(mems), wpar_idlist_count(mems) == 1 ? "" : "s");
	printf("    CPU: %s\n    MEM: %s\n", cpus, mems);
	return 0;
}

/* The usage goes after the message, when the command line is at fault. */
static bool show_usage;

static int check_options(const struct wpar_cmdline *cl, wpar_error_t *err)
{
	int selections = wpar_cmdline_has(cl, 'r') + wpar_cmdline_has(cl, 'n') +
			 wpar_cmdline_has(cl, 'p') + wpar_cmdline_has(cl, 'a');
	if (wpar_cmdline_has(cl, 'v') && wpar_cmdline_has(cl, 'o'))
		return wpar_error_input(err, "-v and -o cannot be used together");
	if (selections > 1)
		return wpar_error_input(err, "-r, -n, -a and -p cannot be used together");
	if (wpar_cmdline_has(cl, 'S') || wpar_cmdline_has(cl, 'P'))
		return wpar_error_input(err,
					"-%c is not supported: Linux has no exclusive or "
					"partition resource sets",
					wpar_cmdline_has(cl, 'S') ? 'S' : 'P');
	if (cl->n_operands > 0)
		return wpar_error_input(err, "unexpected argument '%s'", cl->operands[0]);
	return 0;
}

static int run(int argc, char **argv, wpar_error_t *err)
{
	struct wpar_cmdline cl = {0};
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, err) < 0) {
		show_usage = true;
		return -1;
	}
	int r = -1;
	char **names = NULL;
	size_t n = 0;
	struct options o = {.detail = NAMES, .wide = wpar_cmdline_has(&cl, 'X')};
	if (wpar_cmdline_has(&cl, 'f'))
		o.detail = SUMMARY;
	if (wpar_cmdline_has(&cl, 'v'))
		o.detail = VERBOSE;
	if (wpar_cmdline_has(&cl, 'o'))
		o.detail = ONLINE;
	const struct wpar_opt *one = wpar_cmdline_last(&cl, 'r');
	const struct wpar_opt *ns = wpar_cmdline_last(&cl, 'n');
	const struct wpar_opt *pid = wpar_cmdline_last(&cl, 'p');
	if (check_options(&cl, err) < 0) {
		show_usage = true;
		goto out;
	}
	if (pid) {
		r = show_process(pid->arg, &o, err);
		goto out;
	}
	if (one) {
		names = xmalloc(sizeof(*names));
		names[0] = xstrdup(one->arg);
		n = 1;
	} else if (wpar_rset_list(ns ? ns->arg : NULL, &names, &n, err) < 0) {
		goto out;
	}
	if (show_all(names, n, &o, err) < 0)
		goto out;
	r = 0;
out:
	wpar_names_free(names, n);
	wpar_cmdline_release(&cl);
	return r;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	if (run(argc, argv, &err) == 0)
		return 0;
	wpar_error_report("lsrset", &err);
	if (show_usage)
		fputs(usage, stderr);
	return 1;
}
