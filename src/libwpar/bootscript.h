/* The boot and shutdown scripts of a system WPAR, run by the WPAR's init
 * (src/init/wpar-init.c): /etc/wpar/rc.boot starts what an AIX system WPAR
 * runs (cron, and sshd in the role of inetd/telnetd) and then the
 * administrator's hooks in /etc/wpar/rc.d/ ("start", in name order);
 * /etc/wpar/rc.shutdown runs the hooks with "stop" in reverse order and
 * stops the daemons.  Both log to /var/log/wpar-boot.log inside the WPAR.
 *
 * The scripts are generated for the host they are made on: a daemon the
 * host does not have installed is left out (a shared WPAR runs the host's
 * /usr). */
#ifndef WPAR_BOOTSCRIPT_H
#define WPAR_BOOTSCRIPT_H

#include "error.h"

/* Writes /etc/wpar/rc.boot and /etc/wpar/rc.shutdown (mode 0755) and
 * creates /etc/wpar/rc.d/ in the WPAR root `root`, never following a link
 * inside it. */
int wpar_bootscript_install(const char *root, wpar_error_t *err);

/* The text of each script for a host whose files are under `host_root`
 * ("/" for this host); allocated. */
char *wpar_bootscript_boot_text(const char *host_root);
char *wpar_bootscript_shutdown_text(const char *host_root);

#endif
