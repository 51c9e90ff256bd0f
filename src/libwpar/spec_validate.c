/* Rules that involve more than one attribute or stanza. */
#include <string.h>

#include "resources.h"
#include "spec_internal.h"
#include "userns.h"
#include "util.h"

bool wpar_spec_vfs_is_image(const char *vfs)
{
	static const char *img[] = {"jfs2", "jfs", "local", "ext4", "xfs", "btrfs"};
	for (size_t i = 0; i < ARRAY_SIZE(img); i++)
		if (vfs && strcmp(vfs, img[i]) == 0)
			return true;
	return false;
}

static int check_mount_dir(const char *d, wpar_error_t *err)
{
	if (d == NULL)
		return wpar_error_input(err, "a mount stanza has no directory");
	if (d[0] != '/')
		return wpar_error_input(err, "mount directory '%s' is not an absolute path", d);
	/* Components: no ".", "..", empty ones, no trailing slash except "/". */
	const char *p = d + 1;
	if (*p == '\0')
		return 0;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return wpar_error_input(err,
						"mount directory '%s' must be a plain absolute "
						"path (no '.', '..', '//' or trailing '/')",
						d);
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

static int validate_mount(const struct wpar_mount *m, bool application, wpar_error_t *err)
{
	if (check_mount_dir(m->directory, err) < 0)
		return -1;
	const char *d = m->directory, *vfs = m->vfs;
	if (vfs == NULL)
		return wpar_error_input(err, "mount %s: no vfs given", d);
	if (application && strcmp(vfs, "nfs") && strcmp(vfs, "namefs") && strcmp(vfs, "directory"))
		return wpar_error_input(err,
					"mount %s: an application WPAR can only depend on nfs, "
					"namefs or directory mounts, not %s",
					d, vfs);
	if (strcmp(vfs, "namefs") == 0 && (m->dev == NULL || m->dev[0] != '/'))
		return wpar_error_input(
		    err,
		    "mount %s: vfs=namefs needs dev= with the absolute path of a global directory",
		    d);
	if (strcmp(vfs, "nfs") == 0 && (m->host == NULL || m->dev == NULL))
		return wpar_error_input(
		    err, "mount %s: vfs=nfs needs host= and dev= (the exported directory)", d);
	if (strcmp(vfs, "nfs") != 0 && m->host != NULL)
		return wpar_error_input(err, "mount %s: host= is only valid with vfs=nfs", d);
	if (strcmp(vfs, "directory") == 0 && m->dev != NULL)
		return wpar_error_input(err, "mount %s: vfs=directory takes no dev=", d);
	if (m->size != NULL && !wpar_spec_vfs_is_image(vfs) && strcmp(vfs, "tmpfs") != 0)
		return wpar_error_input(
		    err,
		    "mount %s: size= is only valid for local file systems (jfs2) and tmpfs, not %s",
		    d, vfs);
	if (wpar_spec_vfs_is_image(vfs) && m->dev != NULL && m->dev[0] != '/')
		return wpar_error_input(
		    err,
		    "mount %s: dev= must be the absolute path of an image file or block device", d);
	if (application && (m->size || m->mode || m->vg || m->logname || m->crfsopts))
		return wpar_error_input(err,
					"mount %s: size, mode, vg, logname and crfsopts are not "
					"valid for application WPARs",
					d);
	return 0;
}

static int validate_network(const struct wpar_network *n, wpar_error_t *err)
{
	bool v4 = n->address || n->netmask || n->broadcast;
	bool v6 = n->address6 || n->prefixlen;
	if (v4 && v6)
		return wpar_error_input(err, "a network stanza is either IPv4 (address, netmask, "
					     "broadcast) or IPv6 (address6, prefixlen), not both");
	if (!v4 && !v6)
		return wpar_error_input(err, "a network stanza has no address");
	if (v4 && n->address == NULL)
		return wpar_error_input(err, "an IPv4 network stanza needs address=");
	if (v6 && n->address6 == NULL)
		return wpar_error_input(err, "an IPv6 network stanza needs address6=");
	return 0;
}

static int validate_route(const struct wpar_route *r, wpar_error_t *err)
{
	if (r->rtdest == NULL || r->rtgateway == NULL)
		return wpar_error_input(err, "a route needs rtdest= and rtgateway=");
	if (r->rtnetmask && r->rtprefixlen)
		return wpar_error_input(
		    err, "route %s: rtnetmask and rtprefixlen exclude each other", r->rtdest);
	if (strchr(r->rtdest, '/') && (r->rtnetmask || r->rtprefixlen))
		return wpar_error_input(
		    err, "route %s: the destination already has a prefix length", r->rtdest);
	return 0;
}

static int validate(const struct wpar_spec *spec, bool need_name, wpar_error_t *err)
{
	const struct wpar_general *g = &spec->general;
	bool app = wpar_spec_type(spec) == WPAR_APPLICATION;
	if (need_name && g->name == NULL)
		return wpar_error_input(err, "no workload partition name given");
	if (g->ostype && strcmp(g->ostype, "0") != 0)
		return wpar_error_input(
		    err, "ostype %s (versioned WPARs) is not supported on Linux", g->ostype);
	if (g->preservename && !wpar_spec_flag(g->preserve))
		return wpar_error_input(err, "preservename needs preserve = \"yes\"");
	if (app) {
		if (spec->n_devices || spec->n_lvmgmt || spec->n_options)
			return wpar_error_input(err, "device, lvmgmt and options stanzas are not "
						     "valid for application WPARs");
		if (wpar_spec_flag(g->autostart) || wpar_spec_flag(g->privateusr) ||
		    wpar_spec_flag(g->rootvgwpar) || wpar_spec_flag(g->preserve))
			return wpar_error_input(err, "auto, privateusr, rootvgwpar and preserve "
						     "are not valid for application WPARs");
	}
	for (size_t i = 0; i < spec->n_mounts; i++) {
		if (validate_mount(&spec->mounts[i], app, err) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(spec->mounts[i].directory, spec->mounts[j].directory) == 0)
				return wpar_error_input(err,
							"two mounts are given for directory %s",
							spec->mounts[i].directory);
	}
	for (size_t i = 0; i < spec->n_networks; i++)
		if (validate_network(&spec->networks[i], err) < 0)
			return -1;
	for (size_t i = 0; i < spec->n_routes; i++)
		if (validate_route(&spec->routes[i], err) < 0)
			return -1;
	/* The resources stanza's rules (0960-527): the order of the
	 * percentages, totalThreads against totalProcesses, the bounds. */
	if (spec->n_resources > 0) {
		struct wpar_limits limits;
		if (wpar_limits_from_spec(spec, &limits, err) < 0)
			return -1;
		wpar_limits_release(&limits);
	}
	if (wpar_spec_flag(g->rootvgwpar)) {
		bool found = false;
		for (size_t i = 0; i < spec->n_devices; i++)
			found |= wpar_spec_flag(spec->devices[i].rootvg);
		if (!found)
			return wpar_error_input(err, "a rootvg WPAR needs a device with rootvg=yes "
						     "(-D devname=... rootvg=yes)");
	}
	return wpar_userns_check(spec, err);
}

int wpar_spec_validate(const struct wpar_spec *spec, wpar_error_t *err)
{
	return validate(spec, true, err);
}

int wpar_spec_validate_template(const struct wpar_spec *spec, wpar_error_t *err)
{
	return validate(spec, false, err);
}
