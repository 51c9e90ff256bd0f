/* mkwpar: create a system workload partition. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "lifecycle.h"
#include "password.h"
#include "privs.h"
#include "spec.h"
#include "spec_flags.h"
#include "store.h"
#include "util.h"

static const char usage[] =
    "Usage: mkwpar [-a] [-A] [-b devexportsFile] [-c] [-d directory]\n"
    "        [-D attr=value ...] ... [-F] [-g vg] [-h hostName] [-i]\n"
    "        [-I attr=value ...] ... [-k /path/to/script] [-l] [-L attr=value ...]\n"
    "        [-M attr=value ...] ... [-N attr=value ...] ... [-P] [-r]\n"
    "        [-R attr=value ...] [-S attr[+|-]=value ...] [-s] [-u /path/to/script]\n"
    "        [-U [UUID]] [-v] [-X attr=value ...] ...\n"
    "        { -n wparName [-p [name]] [-e existing_wpar | -f inFile] [-o outFile [-w]]\n"
    "        | -p name [-n wparName] [-e existing_wpar | -f inFile] [-o outFile [-w]]\n"
    "        | -f inFile [-n wparName] [-p [name]] [-o outFile [-w]]\n"
    "        | -w -o outFile [-n wparName] [-p [name]] [-f inFile | -e existing_wpar] }\n";

static const struct wpar_optdef options[] = {
    {'a', WPAR_OPT_FLAG, NULL},
    {'A', WPAR_OPT_FLAG, NULL},
    {'b', WPAR_OPT_ARG, NULL},
    {'B', WPAR_OPT_ARG, NULL},
    {'c', WPAR_OPT_FLAG, NULL},
    {'C', WPAR_OPT_FLAG, NULL},
    {'d', WPAR_OPT_ARG, NULL},
    {'D', WPAR_OPT_ATTRS, NULL},
    {'e', WPAR_OPT_ARG, NULL},
    {'E', WPAR_OPT_ARG, NULL},
    {'f', WPAR_OPT_ARG, NULL},
    {'F', WPAR_OPT_FLAG, NULL},
    {'g', WPAR_OPT_ARG, NULL},
    {'h', WPAR_OPT_ARG, NULL},
    {'i', WPAR_OPT_FLAG, NULL},
    {'I', WPAR_OPT_ATTRS, NULL},
    {'k', WPAR_OPT_ARG, NULL},
    {'l', WPAR_OPT_FLAG, NULL},
    {'L', WPAR_OPT_ATTRS, NULL},
    {'M', WPAR_OPT_ATTRS, NULL},
    {'n', WPAR_OPT_ARG, NULL},
    {'N', WPAR_OPT_ATTRS, NULL},
    {'o', WPAR_OPT_ARG, NULL},
    {'O', WPAR_OPT_FLAG, NULL},
    {'p', WPAR_OPT_OPTARG, wpar_accept_not_option},
    {'P', WPAR_OPT_FLAG, NULL},
    {'r', WPAR_OPT_FLAG, NULL},
    {'R', WPAR_OPT_ATTRS, NULL},
    {'s', WPAR_OPT_FLAG, NULL},
    {'S', WPAR_OPT_ATTRS, NULL},
    {'u', WPAR_OPT_ARG, NULL},
    {'U', WPAR_OPT_OPTARG, wpar_accept_uuid},
    {'v', WPAR_OPT_FLAG, NULL},
    {'w', WPAR_OPT_FLAG, NULL},
    {'X', WPAR_OPT_ATTRS, NULL},
};

/* A -M for a directory that the spec file already mounts replaces it, as
 * a mount stanza replaces a default one. */
static void drop_mount(struct wpar_spec *spec, size_t *n_base, char **words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strncmp(words[i], "directory=", 10) != 0)
			continue;
		for (size_t j = 0; j < *n_base; j++)
			if (spec->mounts[j].directory &&
			    strcmp(spec->mounts[j].directory, words[i] + 10) == 0) {
				wpar_spec_remove_at(spec, WPAR_ST_MOUNT, j);
				(*n_base)--;
				return;
			}
	}
}

static int set_general(struct wpar_spec *spec, const char *attr, const char *value, char flag,
		       wpar_error_t *err)
{
	if (wpar_spec_set(spec, WPAR_ST_GENERAL, 0, attr, value, err) < 0)
		return wpar_error_prefix(err, "-%c", flag);
	return 0;
}

static int load_base(const struct wpar_cmdline *cl, struct wpar_spec **out, wpar_error_t *err)
{
	const struct wpar_opt *f = wpar_cmdline_last(cl, 'f');
	const struct wpar_opt *e = wpar_cmdline_last(cl, 'e');
	return wpar_spec_load_base(f ? f->arg : NULL, e ? e->arg : NULL, out, err);
}

static int apply_flag(struct wpar_spec *spec, const struct wpar_opt *o, size_t *n_base_mounts,
		      wpar_error_t *err)
{
	char flagname[3] = {'-', o->flag, '\0'};
	if (o->flag == 'M')
		drop_mount(spec, n_base_mounts, o->words, o->n_words);
	int common = wpar_spec_apply_common_flag(spec, o, err);
	if (common != 0)
		return common < 0 ? -1 : 0;
	switch (o->flag) {
	case 'd':
		return set_general(spec, "directory", o->arg, 'd', err);
	case 'A':
		return set_general(spec, "auto", "yes", 'A', err);
	case 'l':
		return set_general(spec, "privateusr", "yes", 'l', err);
	case 'r':
		return set_general(spec, "copy_nameres", "yes", 'r', err);
	case 'k':
		return set_general(spec, "postscript", o->arg, 'k', err);
	case 'b':
		return set_general(spec, "devices", o->arg, 'b', err);
	case 'g':
		return set_general(spec, "vg", o->arg, 'g', err);
	case 'U':
		return o->arg ? set_general(spec, "uuid", o->arg, 'U', err) : 0;
	case 'S':
		return wpar_privs_edit(spec, flagname, o->words, o->n_words, err);
	case 'D':
		if (wpar_spec_add_words(spec, WPAR_ST_DEVICE, flagname, o->words, o->n_words, err) <
		    0)
			return -1;
		/* A device given as the rootvg makes a rootvg WPAR (AIX). */
		if (wpar_spec_flag(spec->devices[spec->n_devices - 1].rootvg))
			return set_general(spec, "rootvgwpar", "yes", 'D', err);
		return 0;
	case 'X':
		return wpar_spec_add_words(spec, WPAR_ST_EXTENSION, flagname, o->words, o->n_words,
					   err);
	case 'L':
		return wpar_spec_add_words(spec, WPAR_ST_LVMGMT, flagname, o->words, o->n_words,
					   err);
	case 'C':
	case 'E':
		return wpar_error_input(err,
					"-%c: versioned workload partitions (another AIX release "
					"inside) have no equivalent on Linux",
					o->flag);
	case 'B':
		return wpar_error_input(
		    err,
		    "-B: creating a WPAR from a savewpar image is not supported in this release");
	default:
		return 0; /* flags handled elsewhere: -a -F -o -p -P -s -v -w -e -f -O */
	}
}

static int apply_preserve(struct wpar_spec *spec, const struct wpar_opt *p, wpar_error_t *err)
{
	if (set_general(spec, "preserve", "yes", 'p', err) < 0)
		return -1;
	if (p->arg == NULL)
		return 0;
	if (spec->general.name == NULL && set_general(spec, "name", p->arg, 'p', err) < 0)
		return -1;
	cleanup_spec struct wpar_spec *group = NULL;
	if (wpar_preserve_load(p->arg, &group, err) < 0)
		return -1;
	if (spec->general.directory &&
	    strcmp(spec->general.directory, group->general.directory) != 0)
		return wpar_error_input(err, "-p %s: the preserved file systems are in %s, not %s",
					p->arg, group->general.directory, spec->general.directory);
	free(spec->general.directory);
	spec->general.directory = xstrdup(group->general.directory);
	if (group->general.privateusr) {
		free(spec->general.privateusr);
		spec->general.privateusr = xstrdup(group->general.privateusr);
	}
	while (spec->n_mounts)
		wpar_spec_remove_at(spec, WPAR_ST_MOUNT, spec->n_mounts - 1);
	for (size_t i = 0; i < group->n_mounts; i++) {
		size_t j = wpar_spec_append(spec, WPAR_ST_MOUNT);
		spec->mounts[j] = group->mounts[i];
		memset(&group->mounts[i], 0, sizeof(group->mounts[i]));
	}
	return set_general(spec, "preservename", p->arg, 'p', err);
}

static int write_spec_file(const char *path, const struct wpar_spec *spec, bool keep_uuid,
			   wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *copy = wpar_spec_dup(spec);
	if (!keep_uuid) {
		free(copy->general.uuid);
		copy->general.uuid = NULL;
	}
	cleanup_free char *text = wpar_spec_write(copy);
	return write_file_atomic(path, text, strlen(text), 0644, err);
}

/* startwpar is a separate command; -s runs it like the administrator
 * would, from the same installation as mkwpar. */
static int start_after_create(const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	cleanup_free char *path = NULL;
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		path = xasprintf("%s/startwpar", self);
	}
	if (path == NULL || access(path, X_OK) < 0) {
		fprintf(stderr,
			"mkwpar: -s: startwpar is not installed; %s is created but not started\n",
			name);
		return 1;
	}
	fflush(NULL);
	execl(path, "startwpar", name, (char *)NULL);
	fprintf(stderr, "mkwpar: -s: cannot run %s: %s\n", path, strerror(errno));
	return 1;
}

static int run(int argc, char **argv, wpar_error_t *err)
{
	struct wpar_cmdline cl = {0};
	/* --init wpar|system: the project's init (default) or the WPAR's own
	 * /sbin/init. */
	bool init_missing;
	cleanup_free char *init = wpar_cmdline_take_long(&argc, argv, "init", &init_missing);
	if (init_missing)
		return wpar_error_input(err, "--init needs \"wpar\" or \"system\"");
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, err) < 0) {
		fputs(usage, stderr);
		return -1;
	}
	int r = -1;
	cleanup_spec struct wpar_spec *spec = NULL;
	cleanup_free char *hash = NULL;
	if (cl.n_operands > 0) {
		wpar_error_input(
		    err, "unexpected argument '%s'%s", cl.operands[0],
		    strchr(cl.operands[0], '=') ? "" : " (attributes are written attr=value)");
		goto out;
	}
	bool write_only = wpar_cmdline_has(&cl, 'w');
	const struct wpar_opt *o_out = wpar_cmdline_last(&cl, 'o');
	if (write_only && o_out == NULL) {
		wpar_error_input(err, "-w needs -o outFile");
		goto out;
	}
	if (load_base(&cl, &spec, err) < 0)
		goto out;
	size_t n_base_mounts = spec->n_mounts;
	for (size_t i = 0; i < cl.n_opts; i++)
		if (apply_flag(spec, &cl.opts[i], &n_base_mounts, err) < 0)
			goto out;
	if (init && wpar_spec_set(spec, WPAR_ST_GENERAL, 0, "init", init, err) < 0) {
		wpar_error_prefix(err, "--init");
		goto out;
	}
	const struct wpar_opt *p = wpar_cmdline_last(&cl, 'p');
	if (p && apply_preserve(spec, p, err) < 0)
		goto out;
	if (spec->general.name == NULL && !write_only) {
		wpar_error_input(err, "no workload partition name given (-n name)");
		fputs(usage, stderr);
		goto out;
	}
	/* `-w -o` without a name writes a template: nothing derived from a
	 * name (host name, root directory, UUID) goes into it. */
	if (spec->general.name == NULL) {
		if (wpar_spec_validate_template(spec, err) < 0)
			goto out;
		r = write_spec_file(o_out->arg, spec, wpar_cmdline_has(&cl, 'U'), err);
		goto out;
	}
	if (wpar_spec_fill_defaults(spec, err) < 0)
		goto out;
	struct wpar_create_opts co = {
	    .verbose = wpar_cmdline_has(&cl, 'v'),
	    .force = wpar_cmdline_has(&cl, 'F'),
	    .copy_nameres = wpar_spec_flag(spec->general.copy_nameres),
	    .preserve_name = p ? p->arg : NULL,
	    .progress = stdout,
	};
	if (wpar_create_check(spec, &co, write_only, err) < 0)
		goto out;
	if (write_only) {
		r = write_spec_file(o_out->arg, spec, wpar_cmdline_has(&cl, 'U'), err);
		goto out;
	}
	if (wpar_cmdline_has(&cl, 'P')) {
		if (wpar_password_read_hash(spec->general.name, &hash, err) < 0)
			goto out;
		co.root_password_hash = hash;
	}
	if (wpar_create(spec, &co, err) < 0)
		goto out;
	if (o_out && write_spec_file(o_out->arg, spec, true, err) < 0)
		goto out;
	r = 0;
	if (wpar_cmdline_has(&cl, 's'))
		r = start_after_create(spec->general.name) == 0 ? 0 : 1;
out:
	wpar_cmdline_release(&cl);
	return r;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	int r = run(argc, argv, &err);
	if (r < 0)
		return wpar_error_report("mkwpar", &err);
	return r;
}
