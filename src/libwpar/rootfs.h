/* A WPAR's file systems on the host: the plan derived from its mount
 * stanzas, creating them (directories, sized images, private /usr copies),
 * populating a fresh system identity, mounting them for population, and
 * removing exactly what was created. */
#ifndef WPAR_ROOTFS_H
#define WPAR_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Shared WPARs see the host's dpkg file lists read-only here. */
#define WPAR_DPKG_INFO "/var/lib/dpkg/info"

enum wpar_fs_kind {
	WPAR_FS_DIRECTORY, /* vfs=directory: a directory inside the parent */
	WPAR_FS_BIND,      /* vfs=namefs: bind mount of a host directory */
	WPAR_FS_IMAGE,     /* vfs=jfs2/jfs/local/ext4/xfs/btrfs: loop-mounted
			      image file, or a block device given with dev= */
	WPAR_FS_TMPFS,     /* vfs=tmpfs */
	WPAR_FS_NFS,       /* vfs=nfs: host:dev */
};

struct wpar_fs {
	char *directory;  /* inside the WPAR, "/var" */
	char *mountpoint; /* on the host, "/wpars/w1/var" */
	enum wpar_fs_kind kind;
	char *source;            /* bind source, image file or block device, nfs export */
	char *fstype;            /* Linux type: "ext4", "xfs", "btrfs", "tmpfs", "nfs";
				    NULL for directories and bind mounts */
	char *options;           /* mountopts; "ro" for shared /usr and /opt */
	unsigned long long size; /* bytes, for images and tmpfs; 0 = none */
	mode_t mode;             /* of the mount point directory */
	bool owned;              /* created by mkwpar: rmwpar may delete its content */
	long stanza;             /* index in spec->mounts; -1 for the implicit "/" */
};

struct wpar_fs_plan {
	struct wpar_fs *fs; /* sorted so parents come before children */
	size_t n;
	char *root;     /* the WPAR root on the host; "/" for an application
			   WPAR, whose mount points are host paths */
	char *name;     /* the WPAR's name */
	char *imagedir; /* <statedir>/wpars/<name>/fs: owned images */
};

/* Resolves the spec's mount stanzas against the WPAR root directory.
 * Validation of every path happens here too (a mount point escaping the
 * root, two mounts on one directory, a namefs source that is missing, a
 * root whose removal would wreck the host, an image too small for mkfs).
 * A system WPAR without a "/" stanza gets a directory root (stanza -1). */
int wpar_fs_plan_build(const struct wpar_spec *spec, struct wpar_fs_plan **out, wpar_error_t *err);
void wpar_fs_plan_free(struct wpar_fs_plan *plan);
static inline void wpar_fs_plan_freep(struct wpar_fs_plan **p)
{
	wpar_fs_plan_free(*p);
}
#define cleanup_fs_plan __attribute__((cleanup(wpar_fs_plan_freep)))

/* Same, with flags.  WPAR_FS_PLAN_LENIENT skips every check of the host
 * (namefs sources, existing images and devices), for commands that must
 * work on a WPAR whose surroundings changed: rmwpar -F, lswpar. */
enum { WPAR_FS_PLAN_LENIENT = 1 << 0 };
int wpar_fs_plan_build_flags(const struct wpar_spec *spec, unsigned flags,
			     struct wpar_fs_plan **out, wpar_error_t *err);

/* The entry for a directory inside the WPAR ("/var"), or NULL. */
const struct wpar_fs *wpar_fs_plan_find(const struct wpar_fs_plan *plan, const char *directory);

/* True for directories that can never be a WPAR root because removing
 * them would wreck the host: "/", /usr, /etc, ..., and any directory
 * holding WPAR's own configuration or state.  `dir` is a clean absolute
 * path. */
bool wpar_fs_root_forbidden(const char *dir);

/* Smallest image mkfs can make for a Linux type ("ext4"), in bytes. */
unsigned long long wpar_fs_min_image_size(const char *fstype);

/* The default mount stanzas of a system WPAR (/, /home, /tmp, /var as
 * directories, /usr and /opt read-only from the host, plus /bin, /sbin,
 * /lib* on hosts that have not merged them into /usr); an existing stanza
 * for the same directory wins.  Detached WPARs (privateusr=yes) get
 * private /usr and /opt directories instead. */
int wpar_fs_add_defaults(struct wpar_spec *spec, wpar_error_t *err);
/* Same, judging which of /bin, /sbin, /lib* are merged by looking below
 * `host_root` instead of "/" (tests; restoring for another host). */
int wpar_fs_add_defaults_from(struct wpar_spec *spec, const char *host_root, wpar_error_t *err);

/* Creates image files (sparse, mkfs of the host's native type) for
 * WPAR_FS_IMAGE entries that have no existing source, writing the image
 * path back into the spec's mount stanza (dev=).  Images live in
 * <statedir>/wpars/<name>/fs/. */
int wpar_fs_create_images(struct wpar_spec *spec, wpar_error_t *err);

/* Mounts the WPAR's own file systems (images, in plan order) at their host
 * mount points so they can be populated; namefs and tmpfs are left to the
 * runtime.  Unmount undoes exactly what mount did, in reverse. */
struct wpar_fs_mounted;
int wpar_fs_mount_own(const struct wpar_fs_plan *plan, struct wpar_fs_mounted **out,
		      wpar_error_t *err);
/* Always releases `m`, also when an unmount fails (the error names the
 * file system that stayed mounted).  NULL is a no-op. */
int wpar_fs_unmount_own(struct wpar_fs_mounted *m, wpar_error_t *err);

struct wpar_populate_opts {
	bool copy_nameres;              /* -r */
	const char *root_password_hash; /* -P, crypt() output, or NULL */
};

/* Populates a system WPAR root: the directory skeleton, a fresh /etc (the
 * distribution's system accounts only, new machine-id, hostname, hosts,
 * fstab), /var with the package database state, and for detached WPARs
 * private copies of /usr and /opt.  The plan's images must be mounted
 * (wpar_fs_mount_own) and the root must not hold a system yet.  Ends with
 * one syncfs() per file system, so the result is on disk on return.
 * opts may be NULL. */
int wpar_rootfs_populate(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			 const struct wpar_populate_opts *opts, wpar_error_t *err);

/* Removes what mkwpar created: the content of owned directories and the
 * root directory, image files under the WPAR's state directory; never a
 * bind-mounted host directory, never a block device, and never across a
 * mount point (a mounted file system at or under the root is an error,
 * reported before anything is removed).  A root that is a symlink is
 * refused; a root that is already gone is fine.  Application WPARs own
 * nothing: a no-op.  docs/mapping-filesystems.md lists the rules. */
int wpar_rootfs_destroy(const struct wpar_spec *spec, const struct wpar_fs_plan *plan,
			wpar_error_t *err);

/* Sizes as AIX writes them ("512M", "1G", "2048" = 512-byte blocks as crfs,
 * "10GB"; K, M, G, T with or without B, any case, binary units) -> bytes.
 * Zero, signs, blanks, fractions, unknown units and overflow are refused
 * with the value in the message. */
int wpar_parse_size(const char *s, unsigned long long *bytes, wpar_error_t *err);

/* Sets the root password in an existing WPAR's /etc/shadow (keeping the
 * file's mode and owner); `hash` is crypt() output without ':'. */
int wpar_rootfs_set_root_password(const char *root, const char *hash, wpar_error_t *err);

#endif
