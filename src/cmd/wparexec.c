/* wparexec: run one command in an application workload partition. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "appwpar.h"
#include "cmdline.h"
#include "spec.h"
#include "spec_flags.h"
#include "store.h"
#include "util.h"

extern char **environ;

static const char usage[] =
    "Usage: wparexec [-a] [-c [-1]] [-F] [-h hostName] [-i] [-I attr=value ...] ...\n"
    "        [-M attr=value ...] ... [-n wparName] [-N attr=value ...] ...\n"
    "        [-R attr=value ...] [-u userScript] [-v]\n"
    "        { [-e existing_wpar | -f inFile] [-o outFile [-w]] [--] [VAR=val ...] Command "
    "[args]\n"
    "        | -w -o outFile [-f inFile | -e existing_wpar] [--] [VAR=val ...] Command "
    "[args] }\n";

static const struct wpar_optdef options[] = {
    {'1', WPAR_OPT_FLAG, NULL},  {'a', WPAR_OPT_FLAG, NULL},  {'c', WPAR_OPT_FLAG, NULL},
    {'e', WPAR_OPT_ARG, NULL},   {'f', WPAR_OPT_ARG, NULL},   {'F', WPAR_OPT_FLAG, NULL},
    {'h', WPAR_OPT_ARG, NULL},   {'i', WPAR_OPT_FLAG, NULL},  {'I', WPAR_OPT_ATTRS, NULL},
    {'M', WPAR_OPT_ATTRS, NULL}, {'n', WPAR_OPT_ARG, NULL},   {'N', WPAR_OPT_ATTRS, NULL},
    {'o', WPAR_OPT_ARG, NULL},   {'R', WPAR_OPT_ATTRS, NULL}, {'u', WPAR_OPT_ARG, NULL},
    {'v', WPAR_OPT_FLAG, NULL},  {'w', WPAR_OPT_FLAG, NULL},
};

struct request {
	struct wpar_cmdline cl;
	struct wpar_spec *spec;
	char **env_words; /* VAR=val before the command */
	size_t n_env;
	char **argv; /* the command and its arguments (NULL-terminated), or NULL */
	bool show_usage;
};

/* -f inFile or -e existing (an application WPAR's definition). */
static int load_base(const struct wpar_cmdline *cl, struct wpar_spec **out, wpar_error_t *err)
{
	const struct wpar_opt *f = wpar_cmdline_last(cl, 'f');
	const struct wpar_opt *e = wpar_cmdline_last(cl, 'e');
	if (wpar_spec_load_base(f ? f->arg : NULL, e ? e->arg : NULL, out, err) < 0)
		return -1;
	if (e && f == NULL && wpar_spec_type(*out) != WPAR_APPLICATION)
		return wpar_error_input(err,
					"-e %s: a system WPAR; wparexec copies application WPARs "
					"only",
					e->arg);
	return 0;
}

static bool is_env_word(const char *w)
{
	const char *eq = strchr(w, '=');
	if (eq == NULL || eq == w)
		return false;
	for (const char *p = w; p < eq; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (p > w && *p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* The spec that the flags, the -f/-e base and the command line make. */
static int build(int argc, char **argv, struct request *rq, wpar_error_t *err)
{
	rq->show_usage = true;
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), true, &rq->cl, err) < 0)
		return -1;
	rq->show_usage = false;
	struct wpar_cmdline *cl = &rq->cl;
	if (wpar_cmdline_has(cl, '1') && !wpar_cmdline_has(cl, 'c'))
		return wpar_error_input(err, "-1 (create the configuration only) is valid only "
					     "with -c");
	if (wpar_cmdline_has(cl, 'w') && !wpar_cmdline_has(cl, 'o'))
		return wpar_error_input(err, "-w needs -o outFile");
	if (load_base(cl, &rq->spec, err) < 0)
		return -1;
	for (size_t i = 0; i < cl->n_opts; i++)
		if (wpar_spec_apply_common_flag(rq->spec, &cl->opts[i], err) < 0)
			return -1;
	size_t k = 0;
	while (k < cl->n_operands && is_env_word(cl->operands[k]))
		k++;
	rq->env_words = cl->operands;
	rq->n_env = k;
	struct wpar_general *g = &rq->spec->general;
	if (k < cl->n_operands) {
		rq->argv = xcalloc(cl->n_operands - k + 1, sizeof(char *));
		memcpy(rq->argv, cl->operands + k, (cl->n_operands - k) * sizeof(char *));
		/* The spec keeps the whole command line, environment words
		 * included: `application` is run through the shell. */
		char **words = xcalloc(cl->n_operands + 1, sizeof(char *));
		memcpy(words, cl->operands, cl->n_operands * sizeof(char *));
		free(g->application);
		g->application = wpar_app_command_line(words);
		free(words);
		/* A spec file holds one line per attribute.  The command runs
		 * from its words anyway; only a kept or written specification
		 * needs the line itself to be exact. */
		bool control = false;
		for (char *p = g->application; *p; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f) {
				control = true;
				*p = '?';
			}
		if (control && (wpar_cmdline_has(cl, '1') || wpar_cmdline_has(cl, 'o')))
			return wpar_error_input(err,
						"the command line holds a control character (a "
						"newline?), which a specification file cannot "
						"keep; put the commands in a script");
	} else if (k > 0 || g->application == NULL) {
		rq->show_usage = true;
		return wpar_error_input(err, "0960-383 You must specify exactly one application "
					     "to run.");
	}
	if (g->name == NULL && !wpar_cmdline_has(cl, 'w')) {
		char *first = rq->argv ? xstrdup(rq->argv[0]) : xstrdup(g->application);
		first[strcspn(first, " \t")] = '\0';
		g->name = wpar_app_generate_name(first);
		free(first);
	}
	return 0;
}

/* The command's environment: wparexec's own, VAR=val words on top. */
static char **command_env(const struct request *rq)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + rq->n_env + 1, sizeof(char *));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		size_t klen = strcspn(environ[i], "=");
		bool replaced = false;
		for (size_t j = 0; j < rq->n_env && !replaced; j++)
			replaced = strncmp(rq->env_words[j], environ[i], klen + 1) == 0;
		if (!replaced)
			env[m++] = environ[i];
	}
	for (size_t j = 0; j < rq->n_env; j++)
		env[m++] = rq->env_words[j];
	return env;
}

static int write_spec_file(const char *path, const struct wpar_spec *spec, wpar_error_t *err)
{
	cleanup_free char *text = wpar_spec_write(spec);
	return write_file_atomic(path, text, strlen(text), 0644, err);
}

static int fail(wpar_error_t *err, int status)
{
	fprintf(stderr, "wparexec: %s\n", (*err)->msg);
	wpar_error_release(err);
	return status;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct request rq = {0};
	int rc = WPAR_APP_EXIT_FAILED;
	char **env = NULL;
	wpar_timing_mark("main");
	if (build(argc, argv, &rq, &err) < 0) {
		rc = fail(&err, WPAR_APP_EXIT_FAILED);
		if (rq.show_usage)
			fputs(usage, stderr);
		goto out;
	}
	if (wpar_cmdline_has(&rq.cl, 'w')) {
		/* Only the specification file: nothing is checked against the
		 * host, nothing runs. */
		if (wpar_spec_validate_template(rq.spec, &err) < 0 ||
		    write_spec_file(wpar_cmdline_last(&rq.cl, 'o')->arg, rq.spec, &err) < 0)
			rc = fail(&err, WPAR_APP_EXIT_FAILED);
		else
			rc = 0;
		goto out;
	}
	if (geteuid() != 0) {
		fputs("wparexec: only root can create workload partitions\n", stderr);
		goto out;
	}
	if (wpar_app_check(rq.spec, &err) < 0) {
		rc = fail(&err, WPAR_APP_EXIT_FAILED);
		goto out;
	}
	const struct wpar_opt *o_out = wpar_cmdline_last(&rq.cl, 'o');
	if (o_out && write_spec_file(o_out->arg, rq.spec, &err) < 0) {
		rc = fail(&err, WPAR_APP_EXIT_FAILED);
		goto out;
	}
	if (wpar_cmdline_has(&rq.cl, '1')) {
		rc = wpar_app_define(rq.spec, &err) < 0 ? fail(&err, WPAR_APP_EXIT_FAILED) : 0;
		goto out;
	}
	if (rq.argv) {
		/* As a shell: 127 for a command that is not there, 126 for one
		 * that cannot run, before anything is created. */
		cleanup_free char *path = NULL;
		if (wpar_app_resolve(rq.argv[0], &path, &err) < 0) {
			rc = fail(&err, err->status == ENOENT ? WPAR_APP_EXIT_NOTFOUND
							      : WPAR_APP_EXIT_NOEXEC);
			goto out;
		}
	}
	env = command_env(&rq);
	struct wpar_app_opts ao = {
	    .argv = rq.argv,
	    .envp = env,
	    .status_fd = -1,
	    .progress = wpar_cmdline_has(&rq.cl, 'v') ? stderr : NULL,
	};
	int status = 0;
	bool checkpointed = false;
	ao.checkpointed = &checkpointed;
	ao.console_log = true;
	if (wpar_app_run(rq.spec, &ao, &status, &err) < 0) {
		rc = fail(&err, WPAR_APP_EXIT_FAILED);
		goto out;
	}
	wpar_timing_mark("exit");
	if (checkpointed) {
		fprintf(stderr,
			"wparexec: workload partition %s was checkpointed and stopped "
			"(chkptwpar -k); restartwpar brings it back\n",
			rq.spec->general.name);
		rc = WPAR_APP_EXIT_CHECKPOINTED;
		goto out;
	}
	rc = wpar_app_exit_like(status);
out:
	free(env);
	free(rq.argv);
	wpar_spec_free(rq.spec);
	wpar_cmdline_release(&rq.cl);
	return rc;
}
