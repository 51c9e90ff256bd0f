/* The WPAR privilege set (AIX: -S privs=, privs+=, privs-=, secfile=, the
 * security stanza) as a set of Linux capabilities: what root inside the
 * WPAR may have.  Capability names are the native vocabulary ("CAP_CHOWN",
 * "chown", "cap_net_raw"); the AIX PV_* names that have a meaning here
 * are accepted and mapped (docs/mapping-security.md has the table), the
 * others are refused by name, as are the capabilities that no WPAR may
 * have because every use of them reaches the host.  A set is a mask: bit
 * N is capability N. */
#ifndef WPAR_PRIVS_H
#define WPAR_PRIVS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/capability.h>

#include "error.h"
#include "spec.h"

/* Capabilities of kernels newer than some libcap headers. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

/* The set of a WPAR whose definition names none: a system WPAR's root
 * administers its own system; an application WPAR runs one command on
 * the host's file systems and gets less (no file capabilities, chroot,
 * halt or leases). */
uint64_t wpar_privs_default(enum wpar_type type);

/* Parses a list of names separated by commas or blanks ('#' starts a
 * comment up to the end of the line, for secfiles).  `what` names the
 * list in messages ("security.privs").  `strict` (what an administrator
 * types): AIX names without a Linux meaning and capabilities no WPAR may
 * have are refused by name; otherwise (a definition, which may come from
 * an AIX spec file listing AIX's whole default set) they give nothing,
 * and only unknown names are refused. */
int wpar_privs_parse(const char *list, const char *what, bool strict, uint64_t *mask,
		     wpar_error_t *err);

/* The canonical text: capability names, upper case, comma-separated, in
 * capability order; "none" for the empty set (which parse accepts). */
char *wpar_privs_format(uint64_t mask);

/* The set a definition gives: its privs, or the default of its type.
 * Fails when a hand-edited definition names what parse refuses. */
int wpar_privs_of(const struct wpar_spec *spec, uint64_t *mask, wpar_error_t *err);

/* Applies the words of -S to a definition: privs=LIST (the set),
 * privs+=LIST and privs-=LIST (changes to the current set, or to the
 * default), secfile=PATH (the set read from that file, which is
 * recorded).  Nothing changes when a word is bad. */
int wpar_privs_edit(struct wpar_spec *spec, const char *flag, char **words, size_t n_words,
		    wpar_error_t *err);

/* What the host must enforce for the set: a process with CAP_MKNOD can
 * make any device node, so the set may hold it only where a device
 * filter (`device_filter`: the device cgroup took the WPAR's list) keeps
 * every device outside the list closed. */
int wpar_privs_check_host(const struct wpar_spec *spec, bool device_filter, wpar_error_t *err);

#endif
