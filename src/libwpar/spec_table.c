/* The attribute tables of the spec file (AIX Table 12-1) and the checks of
 * single values.  Checks that involve several attributes are in
 * spec_validate.c. */
#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <string.h>
#include <strings.h>

#include "name.h"
#include "rootfs.h"
#include "spec_internal.h"
#include "resources.h"
#include "userns.h"
#include "util.h"

static int check_text(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	(void)v;
	(void)err;
	return 0;
}

static int check_yes_no(const char *v, char **norm, wpar_error_t *err)
{
	int b = parse_yes_no(v);
	if (b < 0)
		return wpar_error_input(err, "'%s' is not \"yes\" or \"no\"", v);
	*norm = xstrdup(b ? "yes" : "no");
	return 0;
}

static int check_abs_path(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	if (v[0] != '/')
		return wpar_error_input(err, "'%s' is not an absolute path", v);
	return 0;
}

static int check_idrange(const char *v, char **norm, wpar_error_t *err)
{
	struct wpar_idrange r;
	if (wpar_idrange_parse(v, &r, err) < 0)
		return -1;
	*norm = xasprintf("%lu:%lu", r.first, r.count);
	return 0;
}

static int check_name(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	return wpar_name_check(v, err);
}

static int check_hostname(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	return wpar_hostname_check(v, err);
}

static int check_uint(const char *v, char **norm, wpar_error_t *err)
{
	long long n;
	(void)norm;
	if (parse_long(v, &n) < 0 || n < 0)
		return wpar_error_input(err, "'%s' is not a number", v);
	return 0;
}

/* -1 means unlimited in AIX's generated specs. */
static int check_limit(const char *v, char **norm, wpar_error_t *err)
{
	long long n;
	(void)norm;
	if (strcasecmp(v, "unlimited") == 0) {
		*norm = xstrdup("-1");
		return 0;
	}
	if (parse_long(v, &n) < 0 || n == 0 || n < -1)
		return wpar_error_input(err, "'%s' is not a positive number or -1 (unlimited)", v);
	return 0;
}

static int check_shares(const char *v, char **norm, wpar_error_t *err)
{
	long long n;
	(void)norm;
	if (parse_long(v, &n) < 0 || !(n == -1 || (n >= 1 && n <= 65535)))
		return wpar_error_input(err,
					"'%s' is not a share count between 1 and 65535 (or -1)", v);
	return 0;
}

/* "50%" or "50" or "12.25%": a percentage with at most two decimals. */
static int check_percent(const char *v, char **norm, wpar_error_t *err)
{
	const char *p = v;
	int digits = 0, decimals = -1;
	for (; *p && *p != '%'; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			goto bad;
		if (decimals >= 0)
			decimals++;
		else
			digits++;
	}
	if (digits == 0 || decimals > 2 || (*p == '%' && p[1] != '\0') || strtod(v, NULL) > 100.0)
		goto bad;
	if (*p != '%')
		*norm = xasprintf("%s%%", v);
	return 0;
bad:
	return wpar_error_input(
	    err, "'%s' is not a percentage between 0 and 100 (two decimals at most)", v);
}

/* "min%-softmax%,hardmax%" with any part optional, as AIX's -R CPU=. */
static int check_percent_range(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	for (const char *p = v; *p; p++)
		if (!(isdigit((unsigned char)*p) || strchr(".%-,", *p)))
			return wpar_error_input(
			    err, "'%s' is not of the form min%%-softmax%%,hardmax%%", v);
	return 0;
}

static int check_vmem(const char *v, char **norm, wpar_error_t *err)
{
	if (strcmp(v, "-1") == 0)
		return 0;
	unsigned long long b;
	cleanup_free char *withunit = NULL;
	const char *last = v + strlen(v);
	/* No unit means megabytes for these attributes. */
	if (last > v && isdigit((unsigned char)last[-1]))
		withunit = xasprintf("%sM", v);
	if (wpar_parse_size(withunit ? withunit : v, &b, err) < 0)
		return -1;
	(void)norm;
	return 0;
}

static int check_size(const char *v, char **norm, wpar_error_t *err)
{
	unsigned long long b;
	(void)norm;
	return wpar_parse_size(v, &b, err);
}

static int check_ostype(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return wpar_error_input(err, "'%s' is not an OS type (0 or 1)", v);
	return 0;
}

static int check_uuid(const char *v, char **norm, wpar_error_t *err)
{
	static const int dash[] = {8, 13, 18, 23};
	size_t len = strlen(v);
	if (len != 36)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		int is_dash = 0;
		for (size_t d = 0; d < ARRAY_SIZE(dash); d++)
			is_dash |= (int)i == dash[d];
		if (is_dash ? v[i] != '-' : !isxdigit((unsigned char)v[i]))
			goto bad;
	}
	*norm = xstrdup(v);
	for (char *p = *norm; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
bad:
	return wpar_error_input(err, "'%s' is not a UUID", v);
}

static int check_init(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	if (strcmp(v, "wpar") != 0 && strcmp(v, "system") != 0)
		return wpar_error_input(err, "'%s' is not an init choice (\"wpar\" or \"system\")",
					v);
	return 0;
}

static int check_ipv4(const char *v, char **norm, wpar_error_t *err)
{
	struct in_addr a;
	(void)norm;
	if (inet_pton(AF_INET, v, &a) != 1)
		return wpar_error_input(err, "'%s' is not an IPv4 address", v);
	return 0;
}

static int check_netmask(const char *v, char **norm, wpar_error_t *err)
{
	struct in_addr a;
	(void)norm;
	if (inet_pton(AF_INET, v, &a) != 1)
		goto bad;
	uint32_t m = ntohl(a.s_addr);
	if (m != 0 && ((~m + 1) & ~m) != 0)
		goto bad;
	return 0;
bad:
	return wpar_error_input(err, "'%s' is not an IPv4 network mask", v);
}

static int check_ipv6(const char *v, char **norm, wpar_error_t *err)
{
	struct in6_addr a;
	(void)norm;
	if (inet_pton(AF_INET6, v, &a) != 1)
		return wpar_error_input(err, "'%s' is not an IPv6 address", v);
	return 0;
}

static int check_prefixlen(const char *v, char **norm, wpar_error_t *err)
{
	long long n;
	(void)norm;
	if (parse_long(v, &n) < 0 || n < 0 || n > 128)
		return wpar_error_input(err, "'%s' is not a prefix length (0-128)", v);
	return 0;
}

static int check_ifname(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	size_t len = strlen(v);
	if (len == 0 || len >= IFNAMSIZ || strchr(v, '/') || strchr(v, ' '))
		return wpar_error_input(err, "'%s' is not an interface name", v);
	return 0;
}

static int check_rtdest(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	if (strcmp(v, "default") == 0 || strcmp(v, "0") == 0)
		return 0;
	cleanup_free char *addr = xstrdup(v);
	char *slash = strchr(addr, '/');
	if (slash) {
		long long n;
		*slash = '\0';
		if (parse_long(slash + 1, &n) < 0 || n < 0 || n > 128)
			goto bad;
	}
	struct in6_addr a;
	if (inet_pton(AF_INET, addr, &a) == 1 || inet_pton(AF_INET6, addr, &a) == 1)
		return 0;
	if (wpar_hostname_check(addr, NULL) == 0)
		return 0;
bad:
	return wpar_error_input(
	    err, "'%s' is not a route destination (address, network or \"default\")", v);
}

static int check_gateway(const char *v, char **norm, wpar_error_t *err)
{
	struct in6_addr a;
	(void)norm;
	if (inet_pton(AF_INET, v, &a) == 1 || inet_pton(AF_INET6, v, &a) == 1)
		return 0;
	return wpar_error_input(err, "'%s' is not a gateway address", v);
}

static int check_rttype(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	if (strcmp(v, "host") != 0 && strcmp(v, "net") != 0)
		return wpar_error_input(err, "'%s' is not a route type (host or net)", v);
	return 0;
}

static int check_vfs(const char *v, char **norm, wpar_error_t *err)
{
	static const char *vfs[] = {"directory", "namefs", "jfs2",  "jfs",   "local",
				    "ext4",      "xfs",    "btrfs", "tmpfs", "nfs"};
	for (size_t i = 0; i < ARRAY_SIZE(vfs); i++)
		if (strcmp(v, vfs[i]) == 0)
			return 0;
	(void)norm;
	return wpar_error_input(err,
				"'%s' is not a file system type (directory, namefs, jfs2, jfs, "
				"local, ext4, xfs, btrfs, tmpfs, nfs)",
				v);
}

static int check_mode(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	size_t len = strlen(v);
	if (len < 3 || len > 5)
		goto bad;
	for (const char *p = v; *p; p++)
		if (*p < '0' || *p > '7')
			goto bad;
	if (strtol(v, NULL, 8) > 07777)
		goto bad;
	return 0;
bad:
	return wpar_error_input(err, "'%s' is not an octal permission mode", v);
}

static int check_mountopts(const char *v, char **norm, wpar_error_t *err)
{
	(void)norm;
	for (const char *p = v; *p; p++)
		if (isspace((unsigned char)*p))
			return wpar_error_input(err, "mount options '%s' must not contain blanks",
						v);
	return 0;
}

#define A(type, field, fn)                                                                         \
	{                                                                                          \
#field, offsetof(struct type, field), fn                                           \
	}
#define AN(type, name, field, fn)                                                                  \
	{                                                                                          \
		name, offsetof(struct type, field), fn                                             \
	}

static const struct wpar_attr_desc general_attrs[] = {
    A(wpar_general, name, check_name),
    A(wpar_general, checkpointable, check_yes_no),
    A(wpar_general, hostname, check_hostname),
    A(wpar_general, directory, check_abs_path),
    A(wpar_general, privateusr, check_yes_no),
    A(wpar_general, devices, check_abs_path),
    A(wpar_general, ostype, check_ostype),
    AN(wpar_general, "auto", autostart, check_yes_no),
    A(wpar_general, rootvgwpar, check_yes_no),
    A(wpar_general, preserve, check_yes_no),
    A(wpar_general, preservename, check_name),
    A(wpar_general, routing, check_yes_no),
    A(wpar_general, application, check_text),
    A(wpar_general, script, check_abs_path),
    A(wpar_general, postscript, check_abs_path),
    A(wpar_general, copy_nameres, check_yes_no),
    A(wpar_general, vg, check_text),
    A(wpar_general, uuid, check_uuid),
    A(wpar_general, init, check_init),
};

static const struct wpar_attr_desc network_attrs[] = {
    A(wpar_network, broadcast, check_ipv4), A(wpar_network, interface, check_ifname),
    A(wpar_network, address, check_ipv4),   A(wpar_network, netmask, check_netmask),
    A(wpar_network, address6, check_ipv6),  A(wpar_network, prefixlen, check_prefixlen),
};

static const struct wpar_attr_desc route_attrs[] = {
    A(wpar_route, rtdest, check_rtdest),         A(wpar_route, rtgateway, check_gateway),
    A(wpar_route, rtinterface, check_ifname),    A(wpar_route, rtnetmask, check_netmask),
    A(wpar_route, rtprefixlen, check_prefixlen), A(wpar_route, rttype, check_rttype),
};

static const struct wpar_attr_desc mount_attrs[] = {
    A(wpar_mount, directory, check_abs_path), A(wpar_mount, vfs, check_vfs),
    A(wpar_mount, dev, check_text),           A(wpar_mount, size, check_size),
    A(wpar_mount, mode, check_mode),          A(wpar_mount, vg, check_text),
    A(wpar_mount, logname, check_text),       A(wpar_mount, crfsopts, check_text),
    A(wpar_mount, host, check_hostname),      A(wpar_mount, mountopts, check_mountopts),
};

static const struct wpar_attr_desc lvmgmt_attrs[] = {
    A(wpar_lvmgmt, image_data, check_abs_path),
    A(wpar_lvmgmt, shrink, check_yes_no),
    A(wpar_lvmgmt, ignore_lvs, check_yes_no),
    A(wpar_lvmgmt, ignore_maps, check_yes_no),
};

static const struct wpar_attr_desc device_attrs[] = {
    A(wpar_device, devname, check_text),
    A(wpar_device, devid, check_text),
    A(wpar_device, devtype, check_uint),
    A(wpar_device, globaldev, check_abs_path),
    AN(wpar_device, "export", export_, check_yes_no),
    A(wpar_device, rootvg, check_yes_no),
};

static const struct wpar_attr_desc extension_attrs[] = {
    A(wpar_extension, kext, check_text),
    A(wpar_extension, exportfile, check_abs_path),
    A(wpar_extension, local, check_yes_no),
    A(wpar_extension, major, check_yes_no),
};

static const struct wpar_attr_desc resources_attrs[] = {
    A(wpar_resources, active, check_yes_no),        A(wpar_resources, rset, check_text),
    A(wpar_resources, shares_CPU, check_shares),    A(wpar_resources, CPU, check_percent_range),
    A(wpar_resources, shares_memory, check_shares), A(wpar_resources, memory, check_percent_range),
    A(wpar_resources, procVirtMem, check_vmem),     A(wpar_resources, totalVirtMem, check_vmem),
    A(wpar_resources, totalProcesses, check_limit), A(wpar_resources, totalThreads, check_limit),
    A(wpar_resources, totalPTYs, check_limit),      A(wpar_resources, totalLargePages, check_limit),
    A(wpar_resources, pct_msgIDs, check_percent),   A(wpar_resources, pct_semIDs, check_percent),
    A(wpar_resources, pct_shmIDs, check_percent),   A(wpar_resources, pct_pinMem, check_percent),
};

static const struct wpar_attr_desc options_attrs[] = {
    A(wpar_options, enable_rawsock, check_yes_no),
    A(wpar_options, enable_hostname, check_yes_no),
};

static const struct wpar_attr_desc security_attrs[] = {
    A(wpar_security, privs, check_text),
    A(wpar_security, secfile, check_abs_path),
    A(wpar_security, userns, check_yes_no),
    A(wpar_security, idrange, check_idrange),
};

#define S(n, rep, type, attrs)                                                                     \
	{                                                                                          \
		n, rep, sizeof(struct type), attrs, ARRAY_SIZE(attrs)                              \
	}

static const struct wpar_stanza_desc stanzas[WPAR_ST__COUNT] = {
    [WPAR_ST_GENERAL] = S("general", false, wpar_general, general_attrs),
    [WPAR_ST_NETWORK] = S("network", true, wpar_network, network_attrs),
    [WPAR_ST_ROUTE] = S("route", true, wpar_route, route_attrs),
    [WPAR_ST_MOUNT] = S("mount", true, wpar_mount, mount_attrs),
    [WPAR_ST_LVMGMT] = S("lvmgmt", false, wpar_lvmgmt, lvmgmt_attrs),
    [WPAR_ST_DEVICE] = S("device", true, wpar_device, device_attrs),
    [WPAR_ST_EXTENSION] = S("extension", true, wpar_extension, extension_attrs),
    [WPAR_ST_RESOURCES] = S("resources", false, wpar_resources, resources_attrs),
    [WPAR_ST_OPTIONS] = S("options", false, wpar_options, options_attrs),
    [WPAR_ST_SECURITY] = S("security", false, wpar_security, security_attrs),
};

/* Other spellings seen in AIX specs and help texts. */
static const struct {
	enum wpar_stanza_kind kind;
	const char *alias, *name;
} aliases[] = {
    {WPAR_ST_ROUTE, "rtrtype", "rttype"},
    {WPAR_ST_ROUTE, "rtype", "rttype"},
};

const struct wpar_stanza_desc *wpar_stanza_desc(enum wpar_stanza_kind kind)
{
	return &stanzas[kind];
}

const struct wpar_attr_desc *wpar_attr_lookup(enum wpar_stanza_kind kind, const char *name)
{
	const struct wpar_stanza_desc *d = &stanzas[kind];
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (aliases[i].kind == kind && strcmp(aliases[i].alias, name) == 0)
			name = aliases[i].name;
	for (size_t i = 0; i < d->n_attrs; i++)
		if (strcmp(d->attrs[i].name, name) == 0)
			return &d->attrs[i];
	return NULL;
}

const char *wpar_spec_stanza_name(enum wpar_stanza_kind kind)
{
	return stanzas[kind].name;
}

int wpar_spec_stanza_by_name(const char *name)
{
	for (int k = 0; k < WPAR_ST__COUNT; k++)
		if (strcmp(stanzas[k].name, name) == 0)
			return k;
	return -1;
}

int wpar_attr_assign(enum wpar_stanza_kind kind, void *instance, const char *attr,
		     const char *value, wpar_error_t *err)
{
	const struct wpar_attr_desc *a = wpar_attr_lookup(kind, attr);
	if (a == NULL) {
		struct strbuf valid = {0};
		const struct wpar_stanza_desc *d = &stanzas[kind];
		for (size_t i = 0; i < d->n_attrs; i++)
			strbuf_printf(&valid, "%s%s", i ? ", " : "", d->attrs[i].name);
		wpar_error_input(err, "unknown attribute '%s' in the %s stanza (valid: %s)", attr,
				 d->name, valid.buf);
		strbuf_release(&valid);
		return -1;
	}
	char **slot = wpar_attr_slot(instance, a);
	if (value == NULL) {
		free(*slot);
		*slot = NULL;
		return 0;
	}
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return wpar_error_input(err,
						"%s.%s: the value contains a control character",
						stanzas[kind].name, a->name);
	/* Resource controls are checked with AIX's rules and message
	 * ("0960-527 resources.<attr> = <value> is invalid: ..."). */
	if (kind == WPAR_ST_RESOURCES && wpar_limits_check_attr(a->name, value, err) < 0)
		return -1;
	char *norm = NULL;
	if (a->check(value, &norm, err) < 0)
		return wpar_error_prefix(err, "%s.%s", stanzas[kind].name, a->name);
	free(*slot);
	*slot = norm ? norm : xstrdup(value);
	return 0;
}
