/* A system WPAR's own user namespace (security stanza: userns = yes,
 * idrange = FIRST:COUNT): root inside is host uid FIRST, an unprivileged
 * user of the host, and every id 0..COUNT-1 inside is FIRST+id outside.
 *
 * Files keep their natural ids on disk.  The WPAR sees its whole tree
 * (its own file systems and the host's shared /usr and /opt) through an
 * idmapped mount that shifts by the same range, so nothing is chowned,
 * a WPAR can be switched to or from its own user namespace while it is
 * Defined, and archives of it hold the ids its own /etc/passwd names.
 * docs/mapping-security.md says what root inside can and cannot do, and
 * which features this is not compatible with. */
#ifndef WPAR_USERNS_H
#define WPAR_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Inside ids 0..65535 are what a Debian system uses (nobody is 65534):
 * a range never has fewer. */
#define WPAR_IDRANGE_MIN 65536UL
/* Where automatic ranges start: above the ranges useradd hands out in
 * /etc/subuid from 100000 (also checked). */
#define WPAR_IDRANGE_AUTO_BASE 0x10000000UL

struct wpar_idrange {
	unsigned long first; /* host id of root inside */
	unsigned long count;
};

/* "FIRST:COUNT", strictly: numbers, FIRST > 0, COUNT >= WPAR_IDRANGE_MIN,
 * the range below 2^32 - 1. */
int wpar_idrange_parse(const char *text, struct wpar_idrange *r, wpar_error_t *err);

/* 1 (and the range) when the definition asks for its own user namespace,
 * 0 when not, -1 when what it says does not parse. */
int wpar_userns_of(const struct wpar_spec *spec, struct wpar_idrange *r, wpar_error_t *err);

/* What cannot go with a user namespace, named: an application WPAR, a
 * checkpointable one, NFS file systems, exported devices. */
int wpar_userns_check(const struct wpar_spec *spec, wpar_error_t *err);

/* Under the registry lock (mkwpar, chwpar -S): a WPAR that asks for a
 * user namespace without a range gets the first free one; a range given
 * must not overlap another WPAR's nor an /etc/subuid or /etc/subgid
 * entry.  Changes spec->security.idrange only. */
int wpar_userns_claim(struct wpar_spec *spec, wpar_error_t *err);

/* A new user namespace mapping 0..count-1 to the range (uids and gids),
 * as a descriptor of it.  The caller needs CAP_SETUID and CAP_SETGID of
 * the host. */
int wpar_userns_make(const struct wpar_idrange *r, wpar_error_t *err);

/* Puts an idmapped copy of the whole mount tree at `root` (the WPAR's
 * file systems, already mounted in this mount namespace) on top of it:
 * id N on disk shows as N inside the user namespace `userns_fd`. */
int wpar_userns_idmap_tree(const char *root, int userns_fd, wpar_error_t *err);

#endif
