/* A fresh system identity for a system WPAR's /etc: the host's
 * configuration without the host's secrets, users and identity.  The
 * rules (what is left out, which accounts stay) are listed in
 * docs/mapping-filesystems.md.  Internal to libwpar. */
#ifndef WPAR_IDENTITY_H
#define WPAR_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct wpar_identity_opts {
	const char *hostname;           /* the WPAR's host name */
	bool copy_nameres;              /* mkwpar -r */
	const char *root_password_hash; /* crypt() output, or NULL: locked */
};

/* Builds `etc` (normally <root>/etc, existing and empty) from `host_etc`
 * (normally /etc). */
int wpar_identity_make_etc(const char *host_etc, const char *etc,
			   const struct wpar_identity_opts *o, wpar_error_t *err);

/* True when the entry `rel` (relative to /etc, "ssh/ssh_host_rsa_key") is
 * never copied from the host as it is. */
bool wpar_identity_excluded(const char *rel);

/* 32 lowercase hex digits from the kernel's random source, NUL-ended. */
int wpar_machine_id_new(char id[33], wpar_error_t *err);

/* Writes `path` completely under a temporary name and renames it into
 * place, with the given mode and owner.  No fsync: population syncs the
 * file system once at its end. */
int wpar_write_file(const char *path, const char *data, size_t len, mode_t mode, uid_t uid,
		    gid_t gid, wpar_error_t *err);

#endif
