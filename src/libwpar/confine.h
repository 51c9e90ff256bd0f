/* The baseline confinement of every process of a WPAR (its init and
 * everything clogin starts): a reduced capability bounding set and a
 * seccomp filter that refuses what no WPAR may do.  Applied as the last
 * step before exec, while the process is still full root of the host's
 * user namespace (loading the filter needs CAP_SYS_ADMIN, and no
 * no_new_privs is set, so set-uid programs inside keep working).  The
 * security issue refines both from the spec's security and options
 * stanzas; docs/mapping-security.md lists what is kept and why. */
#ifndef WPAR_CONFINE_H
#define WPAR_CONFINE_H

#include <stdint.h>

#include "error.h"
#include "spec.h"

/* Drops every capability outside the WPAR's set from the bounding set
 * (and from the inheritable and ambient sets). */
int wpar_confine_capabilities(const struct wpar_spec *spec, wpar_error_t *err);

/* Loads the seccomp filter (denied calls fail with EPERM). */
int wpar_confine_seccomp(const struct wpar_spec *spec, wpar_error_t *err);

/* Gets the seccomp program ready (compiled, or from the host's cache in
 * the run directory).  Only before entering any namespace of a WPAR (a
 * WPAR's root controls the /run it sees); the monitors and clogin call it
 * before the clone or setns, so that the WPAR side only loads it.
 * Without it, wpar_confine_seccomp compiles the program itself. */
int wpar_confine_prepare(const struct wpar_spec *spec, wpar_error_t *err);
/* Both, in the right order. */
int wpar_confine_apply(const struct wpar_spec *spec, wpar_error_t *err);

/* The capabilities a WPAR keeps (bit N = capability N): the bounding set
 * wpar_confine_capabilities() leaves, and what its root has after exec:
 * its privilege set (privs.h), plus CAP_NET_RAW with enable_rawsock.  0
 * when the definition's set does not parse. */
uint64_t wpar_confine_cap_mask(const struct wpar_spec *spec);

/* The capabilities the table of confine.c keeps for a system WPAR: the
 * default privilege set. */
uint64_t wpar_confine_baseline_mask(void);

#endif
