/* Resource sets (AIX rsets): named sets of CPUs and memory regions that a
 * WPAR's resource controls name with rset=<namespace>/<name>
 * (mkrset -c 0-4 wpar_rset/procs0to4, then -R rset=wpar_rset/procs0to4).
 * On Linux a memory region is a NUMA memory node, and a WPAR's rset
 * becomes the cpuset.cpus and cpuset.mems of its cgroup.
 *
 * The registry is the project's own: one file per rset,
 * <confdir>/rsets/<namespace>/<name>, holding "cpus=0-4\nmems=0\n",
 * written atomically; creation and removal hold the registry lock.  The
 * namespace "sys" is the system's: it holds sys/sys0, every online CPU and
 * memory node of the host, which is not stored and cannot be removed.
 *
 * Names: "namespace/name", each part made of letters, digits, '_', '.'
 * and '-', not starting with '.', at most 255 bytes (AIX's limit), and not
 * ending in ".tmp.<digits>" (the atomic writes' temporary files).
 *
 * Lists of CPUs and memory nodes use the Linux list syntax ("0-4,6,8-9")
 * and are kept normalised: sorted, with overlapping and adjacent ranges
 * merged. */
#ifndef WPAR_RSET_H
#define WPAR_RSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define WPAR_RSET_PART_MAX 255   /* bytes in a namespace or a name */
#define WPAR_RSET_ID_MAX   65535 /* the largest CPU or node number taken */
#define WPAR_RSET_SYS_NS   "sys" /* the system's namespace */
#define WPAR_RSET_SYS0     "sys/sys0"

struct wpar_rset {
	char *name; /* "namespace/name" */
	char *cpus; /* normalised list of CPUs, never empty */
	char *mems; /* normalised list of memory nodes, never empty */
	uid_t owner;
	gid_t group;
	mode_t mode; /* permission bits of the registry file */
};
void wpar_rset_release(struct wpar_rset *r);

/* ---- lists --------------------------------------------------------------- */

/* Parses a list ("0-4,6,8-9"; blanks and a newline around it are allowed,
 * and an empty list is "") into its normalised form ("4,0-3" -> "0-4"). */
int wpar_idlist_normalise(const char *text, char **out, wpar_error_t *err);
/* The elements of `a` that are not in `b`, normalised ("" when none). */
int wpar_idlist_minus(const char *a, const char *b, char **out, wpar_error_t *err);
/* The number of elements of a list; -1 when it is not one. */
long wpar_idlist_count(const char *list);

/* The host's online CPUs and the memory nodes that have memory
 * (/sys/devices/system/cpu/online, /sys/devices/system/node/has_memory or
 * online; node 0 when the kernel has no NUMA support), normalised. */
int wpar_rset_host(char **cpus, char **mems, wpar_error_t *err);

/* ---- the registry --------------------------------------------------------- */

/* Checks a name "namespace/name", or a namespace alone. */
int wpar_rset_check_name(const char *name, wpar_error_t *err);
int wpar_rset_check_namespace(const char *ns, wpar_error_t *err);

/* Defines a resource set.  `cpus` is required; `mems` NULL means every
 * memory node the host has now.  Both must exist on the host.  EEXIST
 * when the name is taken; the sys namespace is refused. */
int wpar_rset_create(const char *name, const char *cpus, const char *mems, wpar_error_t *err);

/* Loads a resource set; ENOENT (message "no resource set called X") when
 * it is not defined or the name is not valid. */
int wpar_rset_load(const char *name, struct wpar_rset *out, wpar_error_t *err);

/* True when a resource set of that name is defined (sys/sys0 included).
 * Cheap: a name check and a stat. */
bool wpar_rset_exists(const char *name);

/* The names of the resource sets, sorted: all of them (ns NULL) or those
 * of one namespace.  sys/sys0 is among them. */
int wpar_rset_list(const char *ns, char ***names, size_t *n, wpar_error_t *err);

/* The WPARs whose definition names the resource set (rset= of their
 * resource controls), sorted.  Definitions that cannot be read are
 * skipped. */
int wpar_rset_users(const char *name, char ***wpars, size_t *n, wpar_error_t *err);
/* The lock of the registry: exclusive for mkrset and rmrset, shared for a
 * definition's rset= check and save (mkwpar, chwpar). */
struct wpar_lock;
int wpar_rset_registry_lock(bool exclusive, struct wpar_lock **out, wpar_error_t *err);

/* Removes a resource set; ENOENT when it is not defined, EBUSY (naming
 * them) while WPAR definitions use it; sys/sys0 is refused. */
int wpar_rset_remove(const char *name, wpar_error_t *err);

/* What a WPAR that names the resource set gets: its CPUs and memory
 * nodes, which must be online now and, when `above_cpus` / `above_mems`
 * are given (the lists of the cgroup level above, in any list form), lie
 * within them. */
int wpar_rset_resolve(const char *name, const char *above_cpus, const char *above_mems, char **cpus,
		      char **mems, wpar_error_t *err);

#endif
