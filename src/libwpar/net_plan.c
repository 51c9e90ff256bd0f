/* The rules of a WPAR's network, with no kernel involved: what mkwpar and
 * chwpar derive and refuse (see net.h).  Everything here takes the host's
 * interfaces as an argument, so the unit tests can give it any host. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "util.h"

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

bool wpar_net_addr_equal(const struct wpar_net_addr *a, const struct wpar_net_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, addr_len(a->family)) == 0;
}

bool wpar_net_in_subnet(const struct wpar_net_addr *a, const struct wpar_net_addr *net,
			int prefixlen)
{
	if (a->family != net->family || prefixlen < 0 || prefixlen > addr_len(a->family) * 8)
		return false;
	int full = prefixlen / 8, rest = prefixlen % 8;
	if (memcmp(a->bytes, net->bytes, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a->bytes[full] & mask) == (net->bytes[full] & mask);
}

int wpar_net_netmask_prefix(const char *netmask)
{
	struct in_addr a;
	if (netmask == NULL || inet_pton(AF_INET, netmask, &a) != 1)
		return -1;
	uint32_t m = ntohl(a.s_addr);
	if (m != 0 && ((~m + 1) & ~m) != 0)
		return -1;
	return __builtin_popcount(m);
}

static void prefix_netmask(int prefixlen, char out[INET_ADDRSTRLEN])
{
	uint32_t m = prefixlen == 0 ? 0 : htonl(~UINT32_C(0) << (32 - prefixlen));
	inet_ntop(AF_INET, &m, out, INET_ADDRSTRLEN);
}

static int parse_addr(int family, const char *s, struct wpar_net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefixlen = addr_len(family) * 8;
	return inet_pton(family, s, out->bytes) == 1 ? 0 : -1;
}

static void host_addr(const struct wpar_net_hostif *h, struct wpar_net_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = h->family;
	memcpy(a->bytes, h->addr, (size_t)addr_len(h->family));
	a->prefixlen = h->prefixlen;
}

/* The host address whose network holds `a`: on interface `ifname` when
 * given, else on the first up non-loopback interface (AIX's choice). */
static const struct wpar_net_hostif *network_of(const struct wpar_net_addr *a, const char *ifname,
						const struct wpar_net_hostif *ifs, size_t n_ifs)
{
	for (size_t i = 0; i < n_ifs; i++) {
		const struct wpar_net_hostif *h = &ifs[i];
		if (h->family != a->family)
			continue;
		if (ifname ? strcmp(h->name, ifname) != 0 : (!h->up || h->loopback))
			continue;
		struct wpar_net_addr net;
		host_addr(h, &net);
		if (wpar_net_in_subnet(a, &net, h->prefixlen))
			return h;
	}
	return NULL;
}

static const struct wpar_net_hostif *find_if(const char *name, const struct wpar_net_hostif *ifs,
					     size_t n_ifs)
{
	for (size_t i = 0; i < n_ifs; i++)
		if (strcmp(ifs[i].name, name) == 0)
			return &ifs[i];
	return NULL;
}

/* Addresses a WPAR cannot have: they are not one host's. */
static const char *unusable(const struct wpar_net_addr *a)
{
	const unsigned char *b = a->bytes;
	static const unsigned char zero[16];
	if (memcmp(b, zero, (size_t)addr_len(a->family)) == 0)
		return "the unspecified address";
	if (a->family == AF_INET) {
		if (b[0] == 127)
			return "a loopback address (every WPAR has its own loopback)";
		if (b[0] >= 224 && b[0] < 240)
			return "a multicast address";
		if (b[0] >= 240)
			return "a reserved or broadcast address";
		return NULL;
	}
	static const unsigned char one[16] = {[15] = 1};
	if (memcmp(b, one, 16) == 0)
		return "the loopback address (every WPAR has its own loopback)";
	if (b[0] == 0xff)
		return "a multicast address";
	return NULL;
}

/* What both families do first: the address parsed and usable, and the
 * host interface whose network holds it (*net, NULL when none does),
 * which becomes the stanza's interface when it names none.  `mask_attr`
 * is the attribute that says the network's size ("netmask", "prefixlen"). */
static int place_address(struct wpar_network *n, int family, const char *address,
			 const char *mask_attr, const struct wpar_net_hostif *ifs, size_t n_ifs,
			 struct wpar_net_addr *a, const struct wpar_net_hostif **net,
			 wpar_error_t *err)
{
	if (parse_addr(family, address, a) < 0)
		return wpar_error_input(err, "'%s' is not an IPv%d address", address,
					family == AF_INET ? 4 : 6);
	const char *why = unusable(a);
	if (why)
		return wpar_error_input(err, "%s cannot be a WPAR's address: it is %s", address,
					why);
	*net = network_of(a, n->interface, ifs, n_ifs);
	if (n->interface == NULL) {
		if (*net == NULL)
			return wpar_error_input(err,
						"no up host interface has access to the network of "
						"%s; name one with interface= (and give %s=)",
						address, mask_attr);
		n->interface = xstrdup((*net)->name);
	}
	return 0;
}

static int complete_v4(struct wpar_network *n, const struct wpar_net_hostif *ifs, size_t n_ifs,
		       wpar_error_t *err)
{
	struct wpar_net_addr a;
	const struct wpar_net_hostif *net;
	if (place_address(n, AF_INET, n->address, "netmask", ifs, n_ifs, &a, &net, err) < 0)
		return -1;
	int prefix;
	if (n->netmask) {
		prefix = wpar_net_netmask_prefix(n->netmask);
		if (prefix < 0)
			return wpar_error_input(err, "'%s' is not an IPv4 network mask",
						n->netmask);
	} else if (net) {
		prefix = net->prefixlen;
		char buf[INET_ADDRSTRLEN];
		prefix_netmask(prefix, buf);
		n->netmask = xstrdup(buf);
	} else {
		return wpar_error_input(err,
					"%s: interface %s has no address on its network, so the "
					"netmask cannot be derived; give netmask=",
					n->address, n->interface);
	}
	if (prefix < 1)
		return wpar_error_input(err, "netmask %s leaves no network for %s", n->netmask,
					n->address);
	uint32_t ip = ntohl(*(uint32_t *)a.bytes);
	uint32_t mask = ~UINT32_C(0) << (32 - prefix);
	uint32_t bcast = (ip & mask) | ~mask;
	if (prefix <= 30 && (ip == (ip & mask) || ip == bcast))
		return wpar_error_input(err, "%s is the %s address of its network %s/%d",
					n->address, ip == bcast ? "broadcast" : "network",
					n->address, prefix);
	uint32_t be = htonl(bcast);
	char derived[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &be, derived, sizeof(derived));
	if (n->broadcast == NULL) {
		n->broadcast = xstrdup(derived);
		return 0;
	}
	struct wpar_net_addr b;
	if (parse_addr(AF_INET, n->broadcast, &b) < 0)
		return wpar_error_input(err, "'%s' is not an IPv4 address", n->broadcast);
	if ((ntohl(*(uint32_t *)b.bytes) & mask) != (ip & mask))
		return wpar_error_input(err,
					"broadcast %s is not on the network of %s with netmask %s "
					"(it would be %s)",
					n->broadcast, n->address, n->netmask, derived);
	return 0;
}

static int complete_v6(struct wpar_network *n, const struct wpar_net_hostif *ifs, size_t n_ifs,
		       wpar_error_t *err)
{
	struct wpar_net_addr a;
	const struct wpar_net_hostif *net;
	if (place_address(n, AF_INET6, n->address6, "prefixlen", ifs, n_ifs, &a, &net, err) < 0)
		return -1;
	if (n->prefixlen == NULL)
		n->prefixlen = xasprintf("%d", net ? net->prefixlen : 64);
	long long p;
	if (parse_long(n->prefixlen, &p) < 0 || p < 1 || p > 128)
		return wpar_error_input(err, "'%s' is not a prefix length (1-128)", n->prefixlen);
	return 0;
}

int wpar_net_complete(struct wpar_network *n, const struct wpar_net_hostif *ifs, size_t n_ifs,
		      wpar_error_t *err)
{
	bool v4 = n->address || n->netmask || n->broadcast;
	bool v6 = n->address6 || n->prefixlen;
	if (v4 && v6)
		return wpar_error_input(err, "a network stanza is either IPv4 (address, netmask, "
					     "broadcast) or IPv6 (address6, prefixlen), not both");
	if (v4 && n->address == NULL)
		return wpar_error_input(err, "an IPv4 network stanza needs address=");
	if (v6 && n->address6 == NULL)
		return wpar_error_input(err, "an IPv6 network stanza needs address6=");
	if (!v4 && !v6)
		return wpar_error_input(err, "a network stanza has no address");
	if (n->interface) {
		const struct wpar_net_hostif *h = find_if(n->interface, ifs, n_ifs);
		if (h == NULL)
			return wpar_error_input(err, "interface %s does not exist on this host",
						n->interface);
		if (h->loopback)
			return wpar_error_input(err,
						"interface %s is the host's loopback; every WPAR "
						"has a loopback of its own",
						n->interface);
	}
	return v4 ? complete_v4(n, ifs, n_ifs, err) : complete_v6(n, ifs, n_ifs, err);
}

int wpar_net_stanza_addr(const struct wpar_network *n, struct wpar_net_addr *out, wpar_error_t *err)
{
	int family = n->address ? AF_INET : AF_INET6;
	const char *s = n->address ? n->address : n->address6;
	if (s == NULL || parse_addr(family, s, out) < 0)
		return wpar_error_input(err, "a network stanza has no valid address");
	if (family == AF_INET) {
		out->prefixlen = wpar_net_netmask_prefix(n->netmask);
	} else {
		long long p = 64;
		if (n->prefixlen)
			parse_long(n->prefixlen, &p);
		out->prefixlen = (int)p;
	}
	if (out->prefixlen < 0)
		return wpar_error_input(err, "%s has no valid netmask", s);
	return 0;
}

size_t wpar_net_interfaces(const struct wpar_spec *spec, const char **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < spec->n_networks; i++) {
		const char *ifn = spec->networks[i].interface;
		if (ifn == NULL)
			continue;
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(out[j], ifn) == 0;
		if (!seen && k < max)
			out[k++] = ifn;
	}
	return k;
}

int wpar_net_route_resolve(const struct wpar_spec *spec, const struct wpar_route *r,
			   struct wpar_net_route *out, wpar_error_t *err)
{
	memset(out, 0, sizeof(*out));
	const char *dest = r->rtdest;
	int gfam = strchr(r->rtgateway, ':') ? AF_INET6 : AF_INET;
	if (parse_addr(gfam, r->rtgateway, &out->gw) < 0)
		return wpar_error_input(err, "route %s: '%s' is not a gateway address", dest,
					r->rtgateway);
	if (strcmp(dest, "default") == 0 || strcmp(dest, "0") == 0) {
		out->dst.family = gfam;
		out->dst.prefixlen = 0;
	} else {
		cleanup_free char *d = xstrdup(dest);
		char *slash = strchr(d, '/');
		if (slash)
			*slash = '\0';
		int dfam = strchr(d, ':') ? AF_INET6 : AF_INET;
		if (parse_addr(dfam, d, &out->dst) < 0)
			return wpar_error_input(err,
						"route %s: the destination must be an address or "
						"network in numbers, or \"default\"",
						dest);
		if (dfam != gfam)
			return wpar_error_input(err,
						"route %s: destination and gateway %s are not of "
						"one IP version",
						dest, r->rtgateway);
		int full = addr_len(dfam) * 8, p = full;
		long long n;
		if (slash) {
			if (parse_long(slash + 1, &n) < 0 || n < 0 || n > full)
				return wpar_error_input(err, "route %s: bad prefix length", dest);
			p = (int)n;
		} else if (r->rtnetmask) {
			if (dfam != AF_INET || (p = wpar_net_netmask_prefix(r->rtnetmask)) < 0)
				return wpar_error_input(err,
							"route %s: '%s' is not an IPv4 netmask",
							dest, r->rtnetmask);
		} else if (r->rtprefixlen) {
			if (parse_long(r->rtprefixlen, &n) < 0 || n < 0 || n > full)
				return wpar_error_input(err, "route %s: bad prefix length %s", dest,
							r->rtprefixlen);
			p = (int)n;
		} else if (r->rttype == NULL || strcmp(r->rttype, "net") == 0) {
			/* A network without a mask: as route(1), the host part is
			 * what is zero at the end of the address. */
			if (r->rttype != NULL) {
				p = full;
				while (p > 0 &&
				       !(out->dst.bytes[(p - 1) / 8] & (0x80 >> ((p - 1) % 8))))
					p--;
			}
		}
		if (r->rttype && strcmp(r->rttype, "host") == 0 && p != full)
			return wpar_error_input(
			    err, "route %s: rttype host needs a full-length mask", dest);
		out->dst.prefixlen = p;
		/* The kernel wants the host part zero. */
		for (int bit = p; bit < full; bit++)
			out->dst.bytes[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
	}
	if (r->rtnetmask && out->dst.family != AF_INET)
		return wpar_error_input(err, "route %s: rtnetmask is for IPv4; use rtprefixlen",
					dest);
	/* The gateway must be on a network of the WPAR (of rtinterface when
	 * given): a WPAR reaches nothing else directly. */
	for (size_t i = 0; i < spec->n_networks; i++) {
		const struct wpar_network *n = &spec->networks[i];
		struct wpar_net_addr net;
		if (wpar_net_stanza_addr(n, &net, NULL) < 0 || net.family != gfam)
			continue;
		if (r->rtinterface &&
		    (n->interface == NULL || strcmp(n->interface, r->rtinterface)))
			continue;
		if (wpar_net_in_subnet(&out->gw, &net, net.prefixlen)) {
			snprintf(out->ifname, sizeof(out->ifname), "%s", n->interface);
			return 0;
		}
	}
	if (r->rtinterface) {
		const char *ifs[64];
		size_t k = wpar_net_interfaces(spec, ifs, ARRAY_SIZE(ifs));
		bool known = false;
		for (size_t i = 0; i < k && !known; i++)
			known = strcmp(ifs[i], r->rtinterface) == 0;
		if (!known)
			return wpar_error_input(err, "route %s: the WPAR has no address on %s",
						dest, r->rtinterface);
	}
	return wpar_error_input(err, "route %s: gateway %s is not on a network of the WPAR%s%s",
				dest, r->rtgateway, r->rtinterface ? " on " : "",
				r->rtinterface ? r->rtinterface : "");
}

int wpar_net_check(const struct wpar_spec *spec, wpar_error_t *err)
{
	for (size_t i = 0; i < spec->n_networks; i++) {
		struct wpar_net_addr a;
		if (wpar_net_stanza_addr(&spec->networks[i], &a, err) < 0)
			return -1;
		for (size_t j = 0; j < i; j++) {
			struct wpar_net_addr b;
			if (wpar_net_stanza_addr(&spec->networks[j], &b, NULL) == 0 &&
			    wpar_net_addr_equal(&a, &b))
				return wpar_error_input(err, "address %s is given twice",
							spec->networks[i].address
							    ? spec->networks[i].address
							    : spec->networks[i].address6);
		}
	}
	if (spec->n_routes && spec->n_networks == 0)
		return wpar_error_input(err, "routes (-I) need the WPAR to have an address (-N)");
	for (size_t i = 0; i < spec->n_routes; i++) {
		struct wpar_net_route r;
		if (wpar_net_route_resolve(spec, &spec->routes[i], &r, err) < 0)
			return -1;
	}
	return 0;
}

int wpar_net_default_from_hostname(struct wpar_spec *spec, const struct wpar_net_addr *resolved,
				   size_t n_resolved, const struct wpar_net_hostif *ifs,
				   size_t n_ifs)
{
	for (size_t i = 0; i < n_resolved; i++) {
		const struct wpar_net_addr *a = &resolved[i];
		if (unusable(a) || network_of(a, NULL, ifs, n_ifs) == NULL)
			continue;
		bool hosts_own = false;
		for (size_t j = 0; j < n_ifs && !hosts_own; j++) {
			struct wpar_net_addr h;
			host_addr(&ifs[j], &h);
			hosts_own = ifs[j].family == a->family && wpar_net_addr_equal(&h, a);
		}
		if (hosts_own)
			continue;
		char buf[INET6_ADDRSTRLEN];
		inet_ntop(a->family, a->bytes, buf, sizeof(buf));
		struct wpar_network n = {0};
		if (a->family == AF_INET)
			n.address = xstrdup(buf);
		else
			n.address6 = xstrdup(buf);
		if (wpar_net_complete(&n, ifs, n_ifs, NULL) < 0) {
			free(n.address);
			free(n.address6);
			free(n.interface);
			free(n.netmask);
			free(n.broadcast);
			free(n.prefixlen);
			continue;
		}
		size_t k = wpar_spec_append(spec, WPAR_ST_NETWORK);
		spec->networks[k] = n;
		return 1;
	}
	return 0;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void wpar_net_host_link_prefix(const char *wpar, char out[IF_NAMESIZE])
{
	snprintf(out, IF_NAMESIZE, "wp%08x_", fnv1a(wpar));
}

void wpar_net_host_link_name(const char *wpar, unsigned k, char out[IF_NAMESIZE])
{
	snprintf(out, IF_NAMESIZE, "wp%08x_%u", fnv1a(wpar), k % 100);
}
