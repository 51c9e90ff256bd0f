/* The kernel side of a WPAR's network, over rtnetlink with libnl-route-3.
 *
 * The WPAR has a network namespace of its own.  Each host interface its
 * network stanzas name becomes one link inside, under the same name (the
 * WPAR sees "en0" or "wparbr0" as AIX's WPAR sees the global's en0):
 *   - a bridge: a veth pair, the host end a port of the bridge;
 *   - any other device: an ipvlan (L2) on it, else a macvlan (bridge
 *     mode), created straight into the namespace.
 * The namespace is configured from the host through a netlink socket
 * opened inside it, so the WPAR itself never needs CAP_NET_ADMIN. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "net.h"
#include "util.h"

#define MAX_IFS 32

static void sock_freep(struct nl_sock **s)
{
	if (*s)
		nl_socket_free(*s);
}
#define cleanup_sock __attribute__((cleanup(sock_freep)))

static void cache_freep(struct nl_cache **c)
{
	if (*c)
		nl_cache_free(*c);
}
#define cleanup_cache __attribute__((cleanup(cache_freep)))

static void link_putp(struct rtnl_link **l)
{
	if (*l)
		rtnl_link_put(*l);
}
#define cleanup_link __attribute__((cleanup(link_putp)))

/* "what: libnl's words for the error"; `fmt` has one %s for `what`. */
__attribute__((format(printf, 3, 0))) static int nl_fail(wpar_error_t *err, int nlerr,
							 const char *fmt, const char *what)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	cleanup_free char *m = xasprintf(fmt, what);
#pragma GCC diagnostic pop
	return wpar_error_input(err, "%s: %s", m, nl_geterror(nlerr));
}

static int host_sock(struct nl_sock **out, wpar_error_t *err)
{
	struct nl_sock *s = nl_socket_alloc();
	if (s == NULL)
		abort();
	int r = nl_connect(s, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(s);
		return nl_fail(err, r, "%s", "cannot open a netlink socket");
	}
	*out = s;
	return 0;
}

/* A netlink socket belongs to the namespace it was created in: enter the
 * WPAR's for the socket() call only.  The commands that call this are
 * single-threaded, so nothing else runs in the WPAR's namespace meanwhile. */
static int wpar_sock(int netns_fd, bool tune, struct nl_sock **out, wpar_error_t *err)
{
	cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return wpar_error_errno(err, "cannot open the host's network namespace");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return wpar_error_errno(err, "cannot enter the WPAR's network namespace");
	/* While inside (/proc/sys/net is the namespace of whoever opens it):
	 * a WPAR has the addresses its definition gives and no others, so
	 * its links learn none from router advertisements; and removing its
	 * first address of a network must keep the others.  Links made or
	 * moved into the namespace later take these defaults. */
	static const char *const knobs[] = {
	    "/proc/sys/net/ipv6/conf/default/accept_ra",
	    "/proc/sys/net/ipv6/conf/default/autoconf",
	    "/proc/sys/net/ipv4/conf/default/promote_secondaries",
	};
	static const char *const values[] = {"0", "0", "1"};
	for (size_t i = 0; tune && i < ARRAY_SIZE(knobs); i++) {
		int fd = open(knobs[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, values[i], 1) != 1) {
				/* a kernel without the knob: nothing to tune */
			}
			close(fd);
		}
	}
	int r = host_sock(out, err);
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* going on in the WPAR's namespace would be worse */
	return r;
}

int wpar_net_link_lookup(const char *ifname, struct wpar_net_link_info *out, wpar_error_t *err)
{
	cleanup_sock struct nl_sock *s = NULL;
	if (host_sock(&s, err) < 0)
		return -1;
	cleanup_link struct rtnl_link *l = NULL;
	if (rtnl_link_get_kernel(s, 0, ifname, &l) < 0)
		return wpar_error_status(err, ENODEV, "interface %s does not exist on this host",
					 ifname);
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	out->up = rtnl_link_get_flags(l) & IFF_UP;
	const char *kind = rtnl_link_get_type(l);
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	return 0;
}

static int set_up(struct nl_sock *s, const char *ifname, wpar_error_t *err)
{
	cleanup_link struct rtnl_link *l = NULL;
	int r = rtnl_link_get_kernel(s, 0, ifname, &l);
	if (r < 0)
		return nl_fail(err, r, "cannot find %s in the WPAR", ifname);
	if (rtnl_link_get_flags(l) & IFF_UP)
		return 0;
	cleanup_link struct rtnl_link *c = rtnl_link_alloc();
	rtnl_link_set_flags(c, IFF_UP);
	/* Removing the WPAR's first address (-K -N) must not take the other
	 * addresses of its network with it, which Linux does by default. */
	rtnl_link_inet_set_conf(c, IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
	r = rtnl_link_change(s, l, c, 0);
	return r < 0 ? nl_fail(err, r, "cannot bring %s up in the WPAR", ifname) : 0;
}

/* A veth pair: the host end (named for the WPAR) into the bridge, the
 * other end, named as the bridge's interface stanza says, into the WPAR. */
static int add_veth(struct nl_sock *host, const char *wpar, const char *ifname, int bridge_index,
		    int netns_fd, wpar_error_t *err)
{
	char name[IF_NAMESIZE];
	unsigned k;
	for (k = 0; k < 100; k++) {
		cleanup_link struct rtnl_link *l = NULL;
		wpar_net_host_link_name(wpar, k, name);
		if (rtnl_link_get_kernel(host, 0, name, &l) < 0)
			break;
	}
	if (k == 100)
		return wpar_error_input(err, "the WPAR has too many host links");
	cleanup_link struct rtnl_link *veth = rtnl_link_veth_alloc();
	if (veth == NULL)
		abort();
	rtnl_link_set_name(veth, name);
	rtnl_link_set_master(veth, bridge_index);
	rtnl_link_set_flags(veth, IFF_UP);
	struct rtnl_link *peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, ifname);
	rtnl_link_set_ns_fd(peer, netns_fd);
	rtnl_link_put(peer);
	int r = rtnl_link_add(host, veth, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0)
		return nl_fail(err, r, "cannot attach the WPAR to bridge %s", ifname);
	/* For `ip link` readers: which WPAR this link belongs to. */
	cleanup_link struct rtnl_link *made = NULL;
	if (rtnl_link_get_kernel(host, 0, name, &made) == 0) {
		cleanup_link struct rtnl_link *c = rtnl_link_alloc();
		cleanup_free char *alias = xasprintf("wpar %s %s", wpar, ifname);
		rtnl_link_set_ifalias(c, alias);
		rtnl_link_change(host, made, c, 0);
	}
	return 0;
}

/* On a device that is not a bridge: ipvlan (the WPAR shares the device's
 * MAC address, as an AIX alias does), else macvlan.  Kernels built
 * without both cannot put a WPAR on a plain device. */
static int add_vlan_link(struct nl_sock *host, const char *ifname, int parent_index, int netns_fd,
			 wpar_error_t *err)
{
	cleanup_link struct rtnl_link *ipv = rtnl_link_ipvlan_alloc();
	if (ipv == NULL)
		abort();
	rtnl_link_set_name(ipv, ifname);
	rtnl_link_set_link(ipv, parent_index);
	rtnl_link_set_ns_fd(ipv, netns_fd);
	rtnl_link_ipvlan_set_mode(ipv, IPVLAN_MODE_L2);
	int r1 = rtnl_link_add(host, ipv, NLM_F_CREATE | NLM_F_EXCL);
	if (r1 == 0)
		return 0;
	cleanup_link struct rtnl_link *mac = rtnl_link_macvlan_alloc();
	if (mac == NULL)
		abort();
	rtnl_link_set_name(mac, ifname);
	rtnl_link_set_link(mac, parent_index);
	rtnl_link_set_ns_fd(mac, netns_fd);
	rtnl_link_macvlan_set_mode(mac, MACVLAN_MODE_BRIDGE);
	int r2 = rtnl_link_add(host, mac, NLM_F_CREATE | NLM_F_EXCL);
	if (r2 == 0)
		return 0;
	if (r1 == -NLE_OPNOTSUPP && r2 == -NLE_OPNOTSUPP)
		return wpar_error_input(
		    err,
		    "interface %s is not a bridge, and this kernel has neither ipvlan nor "
		    "macvlan links to put a WPAR on it; name a bridge instead (wparnet -b "
		    "creates one)",
		    ifname);
	return wpar_error_input(err, "cannot put the WPAR on interface %s: ipvlan: %s; macvlan: %s",
				ifname, nl_geterror(r1), nl_geterror(r2));
}

static int add_link(struct nl_sock *host, const char *wpar, const char *ifname, int netns_fd,
		    wpar_error_t *err)
{
	cleanup_link struct rtnl_link *parent = NULL;
	if (rtnl_link_get_kernel(host, 0, ifname, &parent) < 0)
		return wpar_error_input(err, "interface %s does not exist on this host", ifname);
	const char *kind = rtnl_link_get_type(parent);
	if (rtnl_link_get_flags(parent) & IFF_LOOPBACK)
		return wpar_error_input(err, "interface %s is the host's loopback", ifname);
	if (kind && strcmp(kind, "veth") == 0 && strncmp(ifname, "wp", 2) == 0)
		return wpar_error_input(err, "interface %s is a WPAR's link, not a host interface",
					ifname);
	if (!(rtnl_link_get_flags(parent) & IFF_UP))
		return wpar_error_input(err, "interface %s is down", ifname);
	if (kind && strcmp(kind, "bridge") == 0)
		return add_veth(host, wpar, ifname, rtnl_link_get_ifindex(parent), netns_fd, err);
	return add_vlan_link(host, ifname, rtnl_link_get_ifindex(parent), netns_fd, err);
}

static struct nl_addr *to_nl(const struct wpar_net_addr *a)
{
	struct nl_addr *n = nl_addr_build(a->family, a->bytes, a->family == AF_INET ? 4 : 16);
	if (n == NULL)
		abort();
	nl_addr_set_prefixlen(n, a->prefixlen);
	return n;
}

static bool same_nl(struct nl_addr *n, const struct wpar_net_addr *a)
{
	return n && nl_addr_get_family(n) == a->family &&
	       nl_addr_get_len(n) == (unsigned)(a->family == AF_INET ? 4 : 16) &&
	       memcmp(nl_addr_get_binary_addr(n), a->bytes, nl_addr_get_len(n)) == 0;
}

static int addr_change(struct nl_sock *s, bool add, int ifindex, const struct wpar_network *n,
		       wpar_error_t *err)
{
	struct wpar_net_addr a;
	if (wpar_net_stanza_addr(n, &a, err) < 0)
		return -1;
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = to_nl(&a);
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_local(ra, local);
	rtnl_addr_set_prefixlen(ra, a.prefixlen);
	struct nl_addr *bcast = NULL;
	if (a.family == AF_INET && n->broadcast) {
		bcast = nl_addr_build(AF_INET, (unsigned char[4]){0}, 4);
		inet_pton(AF_INET, n->broadcast, nl_addr_get_binary_addr(bcast));
		rtnl_addr_set_broadcast(ra, bcast);
	}
	/* Usable at once: the project refuses duplicates among WPARs and the
	 * host before it adds an address, and duplicate detection would hold
	 * every IPv6 start for a second or more. */
	if (a.family == AF_INET6)
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
	int r = add ? rtnl_addr_add(s, ra, 0) : rtnl_addr_delete(s, ra, 0);
	nl_addr_put(local);
	if (bcast)
		nl_addr_put(bcast);
	rtnl_addr_put(ra);
	if (r < 0)
		return wpar_error_input(err, "cannot %s address %s: %s", add ? "add" : "remove",
					n->address ? n->address : n->address6, nl_geterror(r));
	return 0;
}

static int route_add(struct nl_sock *s, const struct wpar_net_addr *dst,
		     const struct wpar_net_addr *gw, int ifindex, const char *what,
		     wpar_error_t *err)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *d = to_nl(dst), *g = to_nl(gw);
	nl_addr_set_prefixlen(g, gw->family == AF_INET ? 32 : 128);
	rtnl_route_set_family(rt, (uint8_t)dst->family);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_set_scope(rt, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_dst(rt, d);
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);
	int r = rtnl_route_add(s, rt, NLM_F_CREATE | NLM_F_REPLACE);
	nl_addr_put(d);
	nl_addr_put(g);
	rtnl_route_put(rt);
	if (r < 0)
		return wpar_error_input(err, "cannot add route %s: %s", what, nl_geterror(r));
	return 0;
}

static int inner_index(struct nl_cache *links, const char *ifname)
{
	return rtnl_link_name2i(links, ifname);
}

/* Step 1: exactly the spec's interfaces (and lo). */
static int reconcile_links(struct nl_sock *host, struct nl_sock *in, const char *wpar,
			   const char **ifs, size_t n_ifs, int netns_fd, wpar_error_t *err)
{
	cleanup_cache struct nl_cache *links = NULL;
	int r = rtnl_link_alloc_cache(in, AF_UNSPEC, &links);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the WPAR's links");
	for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		bool wanted = rtnl_link_get_flags(l) & IFF_LOOPBACK;
		for (size_t i = 0; i < n_ifs && !wanted; i++)
			wanted = strcmp(name, ifs[i]) == 0;
		if (!wanted && (r = rtnl_link_delete(in, l)) < 0)
			return nl_fail(err, r, "cannot remove %s from the WPAR", name);
	}
	for (size_t i = 0; i < n_ifs; i++) {
		if (inner_index(links, ifs[i]) == 0 &&
		    add_link(host, wpar, ifs[i], netns_fd, err) < 0)
			return -1;
		if (set_up(in, ifs[i], err) < 0)
			return -1;
	}
	return 0;
}

/* Step 2: exactly the spec's addresses (the kernel's link-local IPv6
 * addresses stay). */
static int reconcile_addrs(struct nl_sock *in, const struct wpar_spec *spec, struct nl_cache *links,
			   bool second_pass, wpar_error_t *err)
{
	bool removed = false;
	cleanup_cache struct nl_cache *addrs = NULL;
	int r = rtnl_addr_alloc_cache(in, &addrs);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the WPAR's addresses");
	bool have[256] = {0};
	for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_scope(a) >= RT_SCOPE_LINK)
			continue; /* loopback's and link-local */
		struct nl_addr *local = rtnl_addr_get_local(a);
		const char *ifname = rtnl_link_i2name(links, rtnl_addr_get_ifindex(a),
						      (char[IF_NAMESIZE]){0}, IF_NAMESIZE);
		bool wanted = false;
		for (size_t i = 0; i < spec->n_networks && i < ARRAY_SIZE(have); i++) {
			const struct wpar_network *n = &spec->networks[i];
			struct wpar_net_addr w;
			if (wpar_net_stanza_addr(n, &w, NULL) < 0 || !same_nl(local, &w))
				continue;
			if (rtnl_addr_get_prefixlen(a) == w.prefixlen && ifname &&
			    strcmp(ifname, n->interface) == 0) {
				wanted = have[i] = true;
			}
		}
		if (!wanted && (r = rtnl_addr_delete(in, a, 0)) < 0)
			return nl_fail(err, r, "%s", "cannot remove an address from the WPAR");
		removed |= !wanted;
	}
	/* Whatever a removal took along with it is added again below. */
	if (removed && !second_pass)
		return reconcile_addrs(in, spec, links, true, err);
	for (size_t i = 0; i < spec->n_networks && i < ARRAY_SIZE(have); i++) {
		const struct wpar_network *n = &spec->networks[i];
		if (have[i])
			continue;
		int idx = inner_index(links, n->interface);
		if (idx == 0)
			return wpar_error_input(err, "the WPAR has no link %s", n->interface);
		if (addr_change(in, true, idx, n, err) < 0)
			return -1;
	}
	return 0;
}

/* With routing = "no" the WPAR reaches what the host reaches through the
 * same interface: the host's gateway routes on it, where the gateway is on
 * the WPAR's network there. */
static int copy_host_routes(struct nl_sock *host, struct nl_sock *in, const struct wpar_spec *spec,
			    struct nl_cache *links, const char *ifname, wpar_error_t *err)
{
	cleanup_link struct rtnl_link *hl = NULL;
	if (rtnl_link_get_kernel(host, 0, ifname, &hl) < 0)
		return 0;
	int hidx = rtnl_link_get_ifindex(hl);
	cleanup_cache struct nl_cache *routes = NULL;
	int r = rtnl_route_alloc_cache(host, AF_UNSPEC, 0, &routes);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the host's routes");
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    rtnl_route_get_nnexthops(rt) != 1 || rtnl_route_get_type(rt) != RTN_UNICAST)
			continue;
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
		struct nl_addr *g = rtnl_route_nh_get_gateway(nh);
		if (g == NULL || rtnl_route_nh_get_ifindex(nh) != hidx)
			continue;
		struct wpar_net_addr gw = {.family = nl_addr_get_family(g)}, dst = {0};
		memcpy(gw.bytes, nl_addr_get_binary_addr(g), nl_addr_get_len(g));
		bool onlink = false;
		for (size_t i = 0; i < spec->n_networks && !onlink; i++) {
			struct wpar_net_addr net;
			onlink = strcmp(spec->networks[i].interface, ifname) == 0 &&
				 wpar_net_stanza_addr(&spec->networks[i], &net, NULL) == 0 &&
				 wpar_net_in_subnet(&gw, &net, net.prefixlen);
		}
		if (!onlink)
			continue;
		struct nl_addr *d = rtnl_route_get_dst(rt);
		dst.family = gw.family;
		if (d) {
			memcpy(dst.bytes, nl_addr_get_binary_addr(d), nl_addr_get_len(d));
			dst.prefixlen = (int)nl_addr_get_prefixlen(d);
		}
		char what[INET6_ADDRSTRLEN + 8];
		inet_ntop(dst.family, dst.bytes, what, sizeof(what));
		if (route_add(in, &dst, &gw, inner_index(links, ifname), what, err) < 0)
			return -1;
	}
	return 0;
}

/* Step 3: the gateway routes are made anew (connected routes come with
 * the addresses). */
static int reconcile_routes(struct nl_sock *host, struct nl_sock *in, const struct wpar_spec *spec,
			    struct nl_cache *links, const char **ifs, size_t n_ifs,
			    wpar_error_t *err)
{
	cleanup_cache struct nl_cache *routes = NULL;
	int r = rtnl_route_alloc_cache(in, AF_UNSPEC, 0, &routes);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the WPAR's routes");
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_nnexthops(rt) < 1)
			continue;
		/* Only what this code made (the kernel's routes stay). */
		if (rtnl_route_nh_get_gateway(rtnl_route_nexthop_n(rt, 0)) == NULL ||
		    rtnl_route_get_protocol(rt) != RTPROT_STATIC)
			continue;
		if ((r = rtnl_route_delete(in, rt, 0)) < 0)
			return nl_fail(err, r, "%s", "cannot remove a route of the WPAR");
	}
	if (!wpar_spec_flag(spec->general.routing)) {
		for (size_t i = 0; i < n_ifs; i++)
			if (copy_host_routes(host, in, spec, links, ifs[i], err) < 0)
				return -1;
		return 0;
	}
	for (size_t i = 0; i < spec->n_routes; i++) {
		struct wpar_net_route rr;
		if (wpar_net_route_resolve(spec, &spec->routes[i], &rr, err) < 0 ||
		    route_add(in, &rr.dst, &rr.gw, inner_index(links, rr.ifname),
			      spec->routes[i].rtdest, err) < 0)
			return -1;
	}
	return 0;
}

int wpar_net_link_reconcile(const char *wpar, const struct wpar_spec *spec, int netns_fd,
			    wpar_error_t *err)
{
	cleanup_sock struct nl_sock *host = NULL, *in = NULL;
	if (host_sock(&host, err) < 0 || wpar_sock(netns_fd, true, &in, err) < 0)
		return -1;
	const char *ifs[MAX_IFS];
	size_t n_ifs = wpar_net_interfaces(spec, ifs, MAX_IFS);
	if (reconcile_links(host, in, wpar, ifs, n_ifs, netns_fd, err) < 0)
		return -1;
	cleanup_cache struct nl_cache *links = NULL;
	int r = rtnl_link_alloc_cache(in, AF_UNSPEC, &links);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the WPAR's links");
	if (reconcile_addrs(in, spec, links, false, err) < 0)
		return -1;
	return reconcile_routes(host, in, spec, links, ifs, n_ifs, err);
}

int wpar_net_link_remove_all(const char *wpar, wpar_error_t *err)
{
	cleanup_sock struct nl_sock *host = NULL;
	if (host_sock(&host, err) < 0)
		return -1;
	cleanup_cache struct nl_cache *links = NULL;
	int r = rtnl_link_alloc_cache(host, AF_UNSPEC, &links);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the host's links");
	char prefix[IF_NAMESIZE];
	wpar_net_host_link_prefix(wpar, prefix);
	int rc = 0;
	for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		if (strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		r = rtnl_link_delete(host, l);
		if (r < 0 && r != -NLE_NODEV && r != -NLE_OBJ_NOTFOUND && rc == 0)
			rc = nl_fail(err, r, "cannot remove link %s", name);
	}
	return rc;
}

int wpar_net_bridge_create(const char *name, const char *cidr, wpar_error_t *err)
{
	cleanup_sock struct nl_sock *host = NULL;
	if (host_sock(&host, err) < 0)
		return -1;
	struct wpar_net_addr a = {0};
	if (cidr) {
		cleanup_free char *s = xstrdup(cidr);
		char *slash = strchr(s, '/');
		long long p = -1;
		if (slash)
			*slash++ = '\0';
		a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
		int full = a.family == AF_INET ? 32 : 128;
		if (slash == NULL || parse_long(slash, &p) < 0 || p < 1 || p > full ||
		    inet_pton(a.family, s, a.bytes) != 1)
			return wpar_error_input(err, "'%s' is not an address/prefix length", cidr);
		a.prefixlen = (int)p;
	}
	cleanup_link struct rtnl_link *old = NULL;
	if (rtnl_link_get_kernel(host, 0, name, &old) == 0)
		return wpar_error_input(err, "interface %s exists already", name);
	cleanup_link struct rtnl_link *br = rtnl_link_alloc();
	rtnl_link_set_name(br, name);
	rtnl_link_set_type(br, "bridge");
	rtnl_link_set_flags(br, IFF_UP);
	int r = rtnl_link_add(host, br, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0)
		return nl_fail(err, r, "cannot create bridge %s", name);
	if (cidr == NULL)
		return 0;
	cleanup_link struct rtnl_link *made = NULL;
	if ((r = rtnl_link_get_kernel(host, 0, name, &made)) < 0)
		return nl_fail(err, r, "cannot find bridge %s", name);
	struct wpar_network n = {.interface = (char *)name};
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(a.family, a.bytes, buf, sizeof(buf));
	cleanup_free char *plen = xasprintf("%d", a.prefixlen);
	char mask[INET_ADDRSTRLEN];
	uint32_t m = htonl(~UINT32_C(0) << (32 - (a.family == AF_INET ? a.prefixlen : 32)));
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	if (a.family == AF_INET) {
		n.address = buf;
		n.netmask = mask;
	} else {
		n.address6 = buf;
		n.prefixlen = plen;
	}
	if (addr_change(host, true, rtnl_link_get_ifindex(made), &n, err) < 0) {
		rtnl_link_delete(host, made);
		return -1;
	}
	return 0;
}

int wpar_net_bridge_remove(const char *name, wpar_error_t *err)
{
	cleanup_sock struct nl_sock *host = NULL;
	if (host_sock(&host, err) < 0)
		return -1;
	cleanup_link struct rtnl_link *br = NULL;
	if (rtnl_link_get_kernel(host, 0, name, &br) < 0)
		return wpar_error_input(err, "interface %s does not exist", name);
	const char *kind = rtnl_link_get_type(br);
	if (kind == NULL || strcmp(kind, "bridge") != 0)
		return wpar_error_input(err, "interface %s is not a bridge", name);
	cleanup_cache struct nl_cache *links = NULL;
	int r = rtnl_link_alloc_cache(host, AF_UNSPEC, &links);
	if (r < 0)
		return nl_fail(err, r, "%s", "cannot list the host's links");
	int idx = rtnl_link_get_ifindex(br);
	for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		if (rtnl_link_get_master(l) == idx)
			return wpar_error_input(err, "bridge %s still has %s attached%s", name,
						rtnl_link_get_name(l),
						strncmp(rtnl_link_get_name(l), "wp", 2) == 0
						    ? " (a running WPAR's link)"
						    : "");
	}
	if ((r = rtnl_link_delete(host, br)) < 0)
		return nl_fail(err, r, "cannot remove bridge %s", name);
	return 0;
}

static char *addr_text(struct nl_addr *a, bool with_len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (a == NULL || nl_addr_get_len(a) == 0)
		return xstrdup("default");
	inet_ntop(nl_addr_get_family(a), nl_addr_get_binary_addr(a), buf, INET6_ADDRSTRLEN);
	if (with_len && nl_addr_get_prefixlen(a) != nl_addr_get_len(a) * 8)
		return xasprintf("%s/%u", buf, nl_addr_get_prefixlen(a));
	return xstrdup(buf);
}

int wpar_net_link_list(const char *wpar, int netns_fd, struct table *addrs, struct table *routes,
		       wpar_error_t *err)
{
	cleanup_sock struct nl_sock *host = NULL, *in = NULL;
	if (host_sock(&host, err) < 0 || wpar_sock(netns_fd, false, &in, err) < 0)
		return -1;
	cleanup_cache struct nl_cache *links = NULL, *hlinks = NULL, *as = NULL, *rs = NULL;
	int r;
	if ((r = rtnl_link_alloc_cache(in, AF_UNSPEC, &links)) < 0 ||
	    (r = rtnl_link_alloc_cache(host, AF_UNSPEC, &hlinks)) < 0 ||
	    (r = rtnl_addr_alloc_cache(in, &as)) < 0 ||
	    (r = rtnl_route_alloc_cache(in, AF_UNSPEC, 0, &rs)) < 0)
		return nl_fail(err, r, "%s", "cannot read the WPAR's network");
	for (struct nl_object *o = nl_cache_get_first(as); addrs && o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		char ifn[IF_NAMESIZE] = "", hn[IF_NAMESIZE] = "";
		rtnl_link_i2name(links, rtnl_addr_get_ifindex(a), ifn, sizeof(ifn));
		struct rtnl_link *l = rtnl_link_get(links, rtnl_addr_get_ifindex(a));
		if (l) {
			int peer = rtnl_link_get_link(l);
			if (peer > 0 && !(rtnl_link_get_flags(l) & IFF_LOOPBACK))
				rtnl_link_i2name(hlinks, peer, hn, sizeof(hn));
			rtnl_link_put(l);
		}
		size_t row = table_add_row(addrs);
		table_set(addrs, row, NETV_WPAR, wpar);
		table_set(addrs, row, NETV_IF, ifn);
		table_set_owned(addrs, row, NETV_ADDR, addr_text(rtnl_addr_get_local(a), false));
		table_set_owned(addrs, row, NETV_PREFIX,
				xasprintf("%d", rtnl_addr_get_prefixlen(a)));
		table_set(addrs, row, NETV_HOSTIF, hn);
	}
	for (struct nl_object *o = nl_cache_get_first(rs); routes && o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		uint32_t table = rtnl_route_get_table(rt);
		if ((table != RT_TABLE_MAIN && table != RT_TABLE_LOCAL) ||
		    rtnl_route_get_nnexthops(rt) < 1)
			continue;
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
		struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		uint8_t type = rtnl_route_get_type(rt);
		if (table == RT_TABLE_LOCAL && type != RTN_LOCAL && type != RTN_BROADCAST)
			continue;
		/* AIX's flags: U up, G through a gateway, H a host route, S
		 * static (made for the WPAR), b broadcast. */
		char flags[8] = "U";
		if (gw)
			strcat(flags, "G");
		if (dst && nl_addr_get_prefixlen(dst) == nl_addr_get_len(dst) * 8 &&
		    nl_addr_get_len(dst))
			strcat(flags, "H");
		if (rtnl_route_get_protocol(rt) == RTPROT_STATIC)
			strcat(flags, "S");
		if (type == RTN_BROADCAST)
			strcat(flags, "b");
		char ifn[IF_NAMESIZE] = "";
		rtnl_link_i2name(links, rtnl_route_nh_get_ifindex(nh), ifn, sizeof(ifn));
		size_t row = table_add_row(routes);
		table_set(routes, row, RTV_WPAR, wpar);
		table_set_owned(routes, row, RTV_DEST, addr_text(dst, true));
		struct nl_addr *src = rtnl_route_get_pref_src(rt);
		table_set_owned(routes, row, RTV_GW,
				gw    ? addr_text(gw, false)
				: src ? addr_text(src, false)
				      : xstrdup("-"));
		table_set(routes, row, RTV_FLAGS, flags);
		table_set(routes, row, RTV_IF, ifn);
	}
	return 0;
}
