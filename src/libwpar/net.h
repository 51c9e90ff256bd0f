/* A WPAR's network: its addresses (network stanzas, -N), its routes (route
 * stanzas, -I, with general.routing = -i), and how they become a network
 * namespace of its own attached to a host interface.
 *
 * Three parts (docs/mapping-network.md):
 *   net_plan.c   the rules, without the kernel: the host interface AIX
 *                would choose, netmask and broadcast derivation, checks of
 *                addresses and routes, the host-name default, link names;
 *   net_link.c   the kernel, over rtnetlink (libnl-route-3): the link of
 *                each WPAR interface (veth into a bridge, ipvlan or
 *                macvlan on a NIC), its addresses and routes;
 *   net_apply.c  when things happen: completing a definition (mkwpar,
 *                chwpar, wparexec), start and stop, live chwpar, the check
 *                against addresses already in use, the host-wide view. */
#ifndef WPAR_NET_H
#define WPAR_NET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"
#include "table.h"

/* ---- net_plan.c: the rules ------------------------------------------------ */

/* One address of a host interface (or, with family AF_UNSPEC, an interface
 * that has none), as getifaddrs() lists them. */
struct wpar_net_hostif {
	char name[IF_NAMESIZE];
	bool up;
	bool loopback;
	int family; /* AF_INET, AF_INET6 or AF_UNSPEC */
	unsigned char addr[16];
	int prefixlen;
};

/* An address or route in binary form. */
struct wpar_net_addr {
	int family;
	unsigned char bytes[16];
	int prefixlen;
};

/* Completes one network stanza the way mkwpar and chwpar do: checks the
 * address, chooses the interface when none is named (the first up,
 * non-loopback host interface whose network holds the address), takes the
 * netmask (prefix length) of that network when none is given, derives the
 * broadcast address, and refuses what cannot work (an unknown interface,
 * a broadcast off the network, a network or broadcast address). */
int wpar_net_complete(struct wpar_network *n, const struct wpar_net_hostif *ifs, size_t n_ifs,
		      wpar_error_t *err);

/* The stanzas together: no address twice, and every route resolvable
 * (wpar_net_route_resolve).  The spec's stanzas are complete. */
int wpar_net_check(const struct wpar_spec *spec, wpar_error_t *err);

/* The address of a complete network stanza. */
int wpar_net_stanza_addr(const struct wpar_network *n, struct wpar_net_addr *out,
			 wpar_error_t *err);

/* A route stanza resolved against the WPAR's addresses: destination,
 * gateway (on one of the WPAR's networks), and the WPAR interface it
 * leaves by (rtinterface, or the one whose network holds the gateway). */
struct wpar_net_route {
	struct wpar_net_addr dst;
	struct wpar_net_addr gw;
	char ifname[IF_NAMESIZE];
};
int wpar_net_route_resolve(const struct wpar_spec *spec, const struct wpar_route *r,
			   struct wpar_net_route *out, wpar_error_t *err);

/* AIX's rule without -N: the first of `resolved` (the host name's
 * addresses) that lies on the network of an up host interface, and is not
 * the host's own, becomes a network stanza.  Returns 1 when one was added,
 * 0 when none fits. */
int wpar_net_default_from_hostname(struct wpar_spec *spec, const struct wpar_net_addr *resolved,
				   size_t n_resolved, const struct wpar_net_hostif *ifs,
				   size_t n_ifs);

/* Whether `a` is on the network `net`/`prefixlen` (same family). */
bool wpar_net_in_subnet(const struct wpar_net_addr *a, const struct wpar_net_addr *net,
			int prefixlen);
bool wpar_net_addr_equal(const struct wpar_net_addr *a, const struct wpar_net_addr *b);
/* "255.255.252.0" -> 22; -1 when not a netmask. */
int wpar_net_netmask_prefix(const char *netmask);

/* The host side of a WPAR's k-th interface: "wp" + 8 hex digits of a hash
 * of the WPAR's name + "_" + k, unique per WPAR and within IFNAMSIZ. */
void wpar_net_host_link_name(const char *wpar, unsigned k, char out[IF_NAMESIZE]);
/* The prefix all of a WPAR's host-side links share ("wp1a2b3c4d_"). */
void wpar_net_host_link_prefix(const char *wpar, char out[IF_NAMESIZE]);

/* The distinct interfaces of the spec's network stanzas, in order of
 * first use; returns their number (at most `max`). */
size_t wpar_net_interfaces(const struct wpar_spec *spec, const char **out, size_t max);

/* ---- net_link.c: the kernel ------------------------------------------------ */

/* A host link as the kernel has it. */
struct wpar_net_link_info {
	int ifindex;
	bool up;
	char kind[16]; /* "bridge", "veth", ... or "" for a plain device */
};

/* Looks a host link up; ENODEV when there is none. */
int wpar_net_link_lookup(const char *ifname, struct wpar_net_link_info *out, wpar_error_t *err);

/* Makes the network namespace `netns_fd` hold exactly what `spec` says:
 * one link per interface (created on the host side as needed), their
 * addresses, and the routes (the spec's with routing = "yes", else the
 * host's gateway routes through each interface).  `wpar` names the host
 * links.  Links the spec no longer names are removed. */
int wpar_net_link_reconcile(const char *wpar, const struct wpar_spec *spec, int netns_fd,
			    wpar_error_t *err);

/* Removes every host-side link of the WPAR (their peers go with them). */
int wpar_net_link_remove_all(const char *wpar, wpar_error_t *err);

/* Creates a bridge for WPARs (up, with an optional address "a.b.c.d/n" or
 * "x::y/n"), or removes one that no WPAR link is attached to. */
int wpar_net_bridge_create(const char *name, const char *cidr, wpar_error_t *err);
int wpar_net_bridge_remove(const char *name, wpar_error_t *err);

/* Appends the addresses and routes of the namespace `netns_fd` to two
 * tables (columns of wpar_net_view_*), rows tagged with `wpar`. */
int wpar_net_link_list(const char *wpar, int netns_fd, struct table *addrs, struct table *routes,
		       wpar_error_t *err);

/* ---- net_apply.c: when --------------------------------------------------- */

/* The host's interfaces and their addresses (getifaddrs). */
int wpar_net_host_interfaces(struct wpar_net_hostif **out, size_t *n, wpar_error_t *err);

/* mkwpar, wparexec: completes every network stanza and applies the
 * host-name default when there is none; then wpar_net_check. */
int wpar_net_fill_defaults(struct wpar_spec *spec, wpar_error_t *err);

/* chwpar -N: adds a stanza, or changes the one with the same address;
 * the result is completed.  -K -N is an ordinary stanza removal. */
int wpar_net_edit(struct wpar_spec *spec, char **words, size_t n_words, wpar_error_t *err);

/* Start: removes what an earlier instance may have left, refuses
 * addresses in use (on the host, or by another running WPAR), then
 * configures the namespace of `pid` (the WPAR's init, not yet released).
 * On failure nothing of it stays on the host.  There is no stop: the
 * kernel removes a veth pair, ipvlan or macvlan with the namespace, when
 * the WPAR's last process is gone, without holding up stopwpar (deleting
 * a veth synchronously costs about 15 ms of RCU grace periods). */
int wpar_net_start(const char *name, const struct wpar_spec *spec, pid_t pid, wpar_error_t *err);

/* chwpar on a running WPAR: the namespace of `pid` goes from `old` to
 * `spec`; on failure back to `old`. */
int wpar_net_change_live(const char *name, const struct wpar_spec *old,
			 const struct wpar_spec *spec, pid_t pid, wpar_error_t *err);

/* The host-wide view (wparnet, in the spirit of AIX's netstat -nr -@):
 * every running WPAR's addresses and routes as the kernel has them. */
enum { NETV_WPAR, NETV_IF, NETV_ADDR, NETV_PREFIX, NETV_HOSTIF, NETV__N };
enum { RTV_WPAR, RTV_DEST, RTV_GW, RTV_FLAGS, RTV_IF, RTV__N };
struct table *wpar_net_view_addresses(void);
struct table *wpar_net_view_routes(void);
int wpar_net_view_fill(const char *name, struct table *addrs, struct table *routes,
		       wpar_error_t *err);

#endif
