/* The boot and shutdown scripts of a system WPAR (see bootscript.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bootscript.h"
#include "util.h"

/* What an AIX system WPAR runs after boot, in start order. */
struct daemon {
	const char *name;    /* for the log and pkill -x */
	const char *program; /* absolute path; left out when the host lacks it */
	const char *pidfile; /* where the daemon records its pid */
	const char *comment;
	const char *prepare; /* shell lines run before the start, or NULL */
};

static const struct daemon daemons[] = {
    {
	.name = "cron",
	.program = "/usr/sbin/cron",
	.pidfile = "/run/crond.pid",
	.comment = "cron: scheduled jobs of the workload partition's users",
    },
    {
	.name = "sshd",
	.program = "/usr/sbin/sshd",
	.pidfile = "/run/sshd.pid",
	.comment = "sshd: remote login (the role of inetd and telnetd in an AIX WPAR).\n"
		   "# The WPAR's /etc got no host keys from the global environment: it\n"
		   "# makes its own on first boot.",
	.prepare = "\tmkdir -p /run/sshd && chmod 0755 /run/sshd\n"
		   "\tif ! ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then\n"
		   "\t\tlog \"generating the SSH host keys of this workload partition\"\n"
		   "\t\tmkdir -p /etc/ssh\n"
		   "\t\tssh-keygen -A || log \"ssh-keygen -A failed (status $?)\"\n"
		   "\tfi\n",
    },
};

static bool host_has(const char *host_root, const char *program)
{
	cleanup_free char *path = xasprintf("%s/%s", host_root, program + 1);
	return access(path, X_OK) == 0;
}

/* The part both scripts begin with; `script` names it in the log. */
static void preamble(struct strbuf *sb, const char *script, const char *what, const char *host_root)
{
	strbuf_printf(sb,
		      "#!/bin/sh\n"
		      "# /etc/wpar/%s: %s\n"
		      "#\n"
		      "# Written by mkwpar for the daemons installed on its host:",
		      script, what);
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++)
		if (host_has(host_root, daemons[i].program))
			strbuf_printf(sb, "%s %s", n++ ? "," : "", daemons[i].name);
	if (n == 0)
		strbuf_puts(sb, " none");
	strbuf_printf(sb,
		      ".\n"
		      "# Local additions belong in /etc/wpar/rc.d/: rc.boot runs every\n"
		      "# executable file there with \"start\", in name order, after the\n"
		      "# daemons; rc.shutdown runs them with \"stop\", in reverse order.\n"
		      "\n"
		      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
		      "LC_ALL=C\n"
		      "export PATH LC_ALL\n"
		      "umask 022\n"
		      "\n"
		      "log() {\n"
		      "\techo \"$(date '+%%Y-%%m-%%d %%H:%%M:%%S') %s: $*\"\n"
		      "}\n"
		      "\n"
		      "# The log, rather than the console, gets what follows.\n"
		      "if [ -c /dev/null ]; then\n"
		      "\texec </dev/null\n"
		      "fi\n"
		      "if mkdir -p /var/log 2>/dev/null && : >>/var/log/wpar-boot.log 2>/dev/null; "
		      "then\n"
		      "\texec >>/var/log/wpar-boot.log 2>&1\n"
		      "fi\n"
		      "\n",
		      script);
}

/* Executable hooks in rc.d, skipping what package tools and editors leave. */
static const char hook_filter[] = "\tcase $hook in\n"
				  "\t*~ | *.dpkg-* | *.ucf-* | *.swp) continue ;;\n"
				  "\tesac\n"
				  "\t[ -f \"$hook\" ] && [ -x \"$hook\" ] || continue\n";

char *wpar_bootscript_boot_text(const char *host_root)
{
	struct strbuf sb = {0};
	preamble(&sb, "rc.boot",
		 "boot script of this workload partition, run by its init\n"
		 "# (wpar-init) at startwpar, except in maintenance mode (startwpar -m).",
		 host_root);
	strbuf_puts(&sb, "log \"booting workload partition ${WPAR_NAME:-}\"\n"
			 "\n"
			 "# start NAME COMMAND...: a daemon that puts itself in the background.\n"
			 "start() {\n"
			 "\tname=$1\n"
			 "\tshift\n"
			 "\tif \"$@\"; then\n"
			 "\t\tlog \"started $name\"\n"
			 "\telse\n"
			 "\t\tlog \"$name did not start (status $?)\"\n"
			 "\tfi\n"
			 "}\n");
	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		const struct daemon *d = &daemons[i];
		if (!host_has(host_root, d->program))
			continue;
		strbuf_printf(&sb, "\n# %s\nif [ -x %s ]; then\n%s\tstart %s %s\nfi\n", d->comment,
			      d->program, d->prepare ? d->prepare : "", d->name, d->program);
	}
	strbuf_printf(&sb,
		      "\n"
		      "for hook in /etc/wpar/rc.d/*; do\n"
		      "%s"
		      "\tlog \"running $hook start\"\n"
		      "\t\"$hook\" start\n"
		      "\tlog \"$hook exited with status $?\"\n"
		      "done\n"
		      "log \"boot finished\"\n"
		      "exit 0\n",
		      hook_filter);
	return strbuf_steal(&sb);
}

char *wpar_bootscript_shutdown_text(const char *host_root)
{
	struct strbuf sb = {0};
	preamble(&sb, "rc.shutdown",
		 "shutdown script of this workload partition, run by its\n"
		 "# init (wpar-init) with \"halt\" or \"reboot\" before it ends every process;\n"
		 "# init waits WPAR_SHUTDOWN_TIMEOUT seconds (10) for it at most.",
		 host_root);
	strbuf_printf(&sb,
		      "action=${1:-halt}\n"
		      "log \"shutting down workload partition ${WPAR_NAME:-} ($action)\"\n"
		      "\n"
		      "set --\n"
		      "for hook in /etc/wpar/rc.d/*; do\n"
		      "%s"
		      "\tset -- \"$hook\" \"$@\"\n"
		      "done\n"
		      "for hook in \"$@\"; do\n"
		      "\tlog \"running $hook stop\"\n"
		      "\t\"$hook\" stop\n"
		      "\tlog \"$hook exited with status $?\"\n"
		      "done\n"
		      "\n"
		      "# stop NAME PIDFILE: SIGTERM by the pid file (by name without one),\n"
		      "# then up to 3 seconds for the daemon to go.\n"
		      "stop() {\n"
		      "\tpid=\n"
		      "\t[ -r \"$2\" ] && read -r pid <\"$2\"\n"
		      "\tcase $pid in\n"
		      "\t'' | *[!0-9]*)\n"
		      "\t\tif command -v pkill >/dev/null 2>&1 && pkill -TERM -x \"$1\"; then\n"
		      "\t\t\tlog \"stopped $1\"\n"
		      "\t\tfi\n"
		      "\t\treturn 0\n"
		      "\t\t;;\n"
		      "\tesac\n"
		      "\tkill -TERM \"$pid\" 2>/dev/null || return 0\n"
		      "\tlog \"stopping $1 (pid $pid)\"\n"
		      "\ti=0\n"
		      "\twhile [ $i -lt 30 ] && kill -0 \"$pid\" 2>/dev/null; do\n"
		      "\t\tsleep 0.1\n"
		      "\t\ti=$((i + 1))\n"
		      "\tdone\n"
		      "}\n",
		      hook_filter);
	/* In the reverse of the start order. */
	for (size_t i = ARRAY_SIZE(daemons); i-- > 0;) {
		const struct daemon *d = &daemons[i];
		if (host_has(host_root, d->program))
			strbuf_printf(&sb, "stop %s %s\n", d->name, d->pidfile);
	}
	strbuf_puts(&sb, "log \"shutdown script finished\"\n"
			 "exit 0\n");
	return strbuf_steal(&sb);
}

int wpar_bootscript_install(const char *root, wpar_error_t *err)
{
	if (mkdir_in_root(root, "etc/wpar/rc.d", 0755, err) < 0)
		return wpar_error_prefix(err, "boot scripts");
	cleanup_free char *boot = wpar_bootscript_boot_text("/");
	cleanup_free char *shutdown = wpar_bootscript_shutdown_text("/");
	if (write_file_in_root(root, "etc/wpar/rc.boot", boot, strlen(boot), 0755, err) < 0 ||
	    write_file_in_root(root, "etc/wpar/rc.shutdown", shutdown, strlen(shutdown), 0755,
			       err) < 0)
		return wpar_error_prefix(err, "boot scripts");
	return 0;
}
