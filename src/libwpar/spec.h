/* The WPAR specification: the typed form of an AIX stanza spec file, which
 * is also each WPAR's persistent configuration (/etc/wpars/<name>.cf).
 *
 * Every attribute is kept as the string the administrator gave (normalised:
 * booleans become "yes"/"no"), NULL when absent.  One table per stanza
 * (spec_table.c) names each attribute and its validator; the file parser,
 * the writer and the command-line `-X attr=value` parser all use it, so an
 * attribute is spelled and checked the same way everywhere. */
#ifndef WPAR_SPEC_H
#define WPAR_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum wpar_type { WPAR_SYSTEM = 'S', WPAR_APPLICATION = 'A' };

struct wpar_general {
	char *name;
	char *checkpointable;
	char *hostname;
	char *directory;
	char *privateusr;
	char *devices;
	char *ostype;
	char *autostart; /* "auto" in the file */
	char *rootvgwpar;
	char *preserve;
	char *preservename;
	char *routing;
	char *application;
	char *script;
	char *postscript;
	char *copy_nameres;
	char *vg;
	char *uuid;
	char *init; /* "wpar" (the project's init) or "system" (/sbin/init) */
};

struct wpar_network {
	char *interface;
	char *address;
	char *netmask;
	char *broadcast;
	char *address6;
	char *prefixlen;
};

struct wpar_route {
	char *rtdest;
	char *rtgateway;
	char *rtinterface;
	char *rtnetmask;
	char *rtprefixlen;
	char *rttype; /* also read as "rtrtype" and "rtype" */
};

struct wpar_mount {
	char *directory; /* inside the WPAR, e.g. "/var" */
	char *vfs;
	char *dev;
	char *size;
	char *mode;
	char *vg;
	char *logname;
	char *crfsopts;
	char *host;
	char *mountopts;
};

struct wpar_lvmgmt {
	char *image_data;
	char *shrink;
	char *ignore_lvs;
	char *ignore_maps;
};

struct wpar_device {
	char *devname;
	char *devid;
	char *devtype;
	char *globaldev;
	char *export_; /* "export" in the file */
	char *rootvg;
};

struct wpar_extension {
	char *kext;
	char *exportfile;
	char *local;
	char *major;
};

struct wpar_resources {
	char *active;
	char *rset;
	char *shares_CPU;
	char *CPU;
	char *shares_memory;
	char *memory;
	char *procVirtMem;
	char *totalVirtMem;
	char *totalProcesses;
	char *totalThreads;
	char *totalPTYs;
	char *totalLargePages;
	char *pct_msgIDs;
	char *pct_semIDs;
	char *pct_shmIDs;
	char *pct_pinMem;
};

struct wpar_options {
	char *enable_rawsock;
	char *enable_hostname;
};

struct wpar_security {
	char *privs;
	char *secfile;
	char *userns;  /* yes: an own user namespace (userns.h) */
	char *idrange; /* its host ids, FIRST:COUNT */
};

/* Stanza kinds, in the order the writer emits them. */
enum wpar_stanza_kind {
	WPAR_ST_GENERAL,
	WPAR_ST_NETWORK,
	WPAR_ST_ROUTE,
	WPAR_ST_MOUNT,
	WPAR_ST_LVMGMT,
	WPAR_ST_DEVICE,
	WPAR_ST_EXTENSION,
	WPAR_ST_RESOURCES,
	WPAR_ST_OPTIONS,
	WPAR_ST_SECURITY,
	WPAR_ST__COUNT
};

struct wpar_spec {
	struct wpar_general general;
	size_t n_general; /* 0 or 1 */
	struct wpar_network *networks;
	size_t n_networks;
	struct wpar_route *routes;
	size_t n_routes;
	struct wpar_mount *mounts;
	size_t n_mounts;
	struct wpar_lvmgmt lvmgmt;
	size_t n_lvmgmt;
	struct wpar_device *devices;
	size_t n_devices;
	struct wpar_extension *extensions;
	size_t n_extensions;
	struct wpar_resources resources;
	size_t n_resources;
	struct wpar_options options;
	size_t n_options;
	struct wpar_security security;
	size_t n_security;
};

struct wpar_spec *wpar_spec_new(void);
void wpar_spec_free(struct wpar_spec *spec);
struct wpar_spec *wpar_spec_dup(const struct wpar_spec *spec);
static inline void wpar_spec_freep(struct wpar_spec **p)
{
	wpar_spec_free(*p);
}
#define cleanup_spec __attribute__((cleanup(wpar_spec_freep)))

/* Parses spec-file text.  `origin` names the input in messages
 * ("file.cf:12: ...").  Unknown stanzas or attributes, bad values and
 * syntax errors fail with the line number. */
int wpar_spec_parse(const char *text, size_t len, const char *origin, struct wpar_spec **out,
		    wpar_error_t *err);
int wpar_spec_load(const char *path, struct wpar_spec **out, wpar_error_t *err);

/* Canonical text: stanzas in enum order, attributes in table order, every
 * value quoted.  parse(write(s)) == s, and write(parse(t)) == t for any t
 * this function produced. */
char *wpar_spec_write(const struct wpar_spec *spec);

/* Adds one stanza built from command-line words "attr=value" (as given to
 * -N, -M, -R, ...).  For single stanzas (general, resources, options,
 * security, lvmgmt) the attributes are merged into the existing one.
 * `flag` names the option in messages ("-M"). */
int wpar_spec_add_words(struct wpar_spec *spec, enum wpar_stanza_kind kind, const char *flag,
			char **words, size_t n_words, wpar_error_t *err);

/* Sets one attribute of a stanza instance by its file name ("vfs").
 * value NULL clears it.  The value is validated and normalised. */
int wpar_spec_set(struct wpar_spec *spec, enum wpar_stanza_kind kind, size_t index,
		  const char *attr, const char *value, wpar_error_t *err);

/* Appends an empty instance of a repeatable stanza and returns its index. */
size_t wpar_spec_append(struct wpar_spec *spec, enum wpar_stanza_kind kind);
void wpar_spec_remove_at(struct wpar_spec *spec, enum wpar_stanza_kind kind, size_t index);

/* Rules between attributes and stanzas (a network stanza is IPv4 or IPv6,
 * a jfs2 mount may have a size, an application WPAR has no device stanza,
 * ...).  Run after all sources (file, -e template, flags) are merged. */
int wpar_spec_validate(const struct wpar_spec *spec, wpar_error_t *err);
/* The same rules for a template (mkwpar -e X -w -o): no name needed. */
int wpar_spec_validate_template(const struct wpar_spec *spec, wpar_error_t *err);

/* Convenience readers. */
enum wpar_type wpar_spec_type(const struct wpar_spec *spec);
bool wpar_spec_flag(const char *value); /* "yes" -> true; NULL -> false */
const char *wpar_spec_stanza_name(enum wpar_stanza_kind kind);
int wpar_spec_stanza_by_name(const char *name); /* -1 when unknown */

/* jfs2, jfs, local, ext4, xfs, btrfs: a file system in an image file or
 * on a block device. */
bool wpar_spec_vfs_is_image(const char *vfs);

/* Finds the mount stanza for a directory inside the WPAR ("/var"). */
struct wpar_mount *wpar_spec_find_mount(const struct wpar_spec *spec, const char *directory);

#endif
