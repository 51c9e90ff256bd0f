/* The network rules of net_plan.c against made-up hosts: AIX's choice of
 * interface, netmask and broadcast derivation, the checks of addresses and
 * routes, the host-name default, host link names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "util.h"

/* A host: lo, eth0 (up, 172.16.20.62/22 and 2001:db8::62/64), br0 (up,
 * 10.1.0.1/24), down0 (down, 192.168.9.1/24), bare0 (no address). */
static struct wpar_net_hostif host[6];
static size_t n_host;

static void add_if(const char *name, bool up, bool lo, int family, const char *addr, int plen)
{
	struct wpar_net_hostif *h = &host[n_host++];
	memset(h, 0, sizeof(*h));
	strcpy(h->name, name);
	h->up = up;
	h->loopback = lo;
	h->family = family;
	if (addr)
		inet_pton(family, addr, h->addr);
	h->prefixlen = plen;
}

static int setup(void **state)
{
	(void)state;
	n_host = 0;
	add_if("lo", true, true, AF_INET, "127.0.0.1", 8);
	add_if("eth0", true, false, AF_INET, "172.16.20.62", 22);
	add_if("eth0", true, false, AF_INET6, "2001:db8::62", 64);
	add_if("br0", true, false, AF_INET, "10.1.0.1", 24);
	add_if("down0", false, false, AF_INET, "192.168.9.1", 24);
	add_if("bare0", true, false, AF_UNSPEC, NULL, 0);
	return 0;
}

static void net_free(struct wpar_network *n)
{
	free(n->interface);
	free(n->address);
	free(n->netmask);
	free(n->broadcast);
	free(n->address6);
	free(n->prefixlen);
	memset(n, 0, sizeof(*n));
}

/* Completes a stanza given as NULL-or-value fields; returns the error
 * message (allocated) or NULL. */
static char *complete(struct wpar_network *n, const char *ifname, const char *addr,
		      const char *mask, const char *bcast, const char *addr6, const char *plen)
{
	memset(n, 0, sizeof(*n));
	n->interface = ifname ? xstrdup(ifname) : NULL;
	n->address = addr ? xstrdup(addr) : NULL;
	n->netmask = mask ? xstrdup(mask) : NULL;
	n->broadcast = bcast ? xstrdup(bcast) : NULL;
	n->address6 = addr6 ? xstrdup(addr6) : NULL;
	n->prefixlen = plen ? xstrdup(plen) : NULL;
	wpar_error_t err = NULL;
	if (wpar_net_complete(n, host, n_host, &err) == 0)
		return NULL;
	char *m = xstrdup(err->msg);
	wpar_error_release(&err);
	return m;
}

static void expect_error(const char *ifname, const char *addr, const char *mask, const char *bcast,
			 const char *addr6, const char *plen, const char *part)
{
	struct wpar_network n;
	cleanup_free char *m = complete(&n, ifname, addr, mask, bcast, addr6, plen);
	if (m == NULL)
		fail_msg("expected an error with '%s'", part);
	if (strstr(m, part) == NULL)
		fail_msg("'%s' does not contain '%s'", m, part);
	net_free(&n);
}

static void test_interface_choice_and_derivation(void **state)
{
	(void)state;
	struct wpar_network n;
	/* AIX's example: 172.16.20.x/255.255.252.0 -> 172.16.23.255. */
	assert_null(complete(&n, NULL, "172.16.20.102", NULL, NULL, NULL, NULL));
	assert_string_equal(n.interface, "eth0");
	assert_string_equal(n.netmask, "255.255.252.0");
	assert_string_equal(n.broadcast, "172.16.23.255");
	net_free(&n);
	/* A netmask given wins over the interface's. */
	assert_null(complete(&n, NULL, "10.1.0.7", "255.255.255.128", NULL, NULL, NULL));
	assert_string_equal(n.interface, "br0");
	assert_string_equal(n.broadcast, "10.1.0.127");
	net_free(&n);
	/* A named interface off the address's network needs a netmask. */
	assert_null(complete(&n, "br0", "192.0.2.9", "255.255.255.0", NULL, NULL, NULL));
	assert_string_equal(n.broadcast, "192.0.2.255");
	net_free(&n);
	/* A broadcast on the network is kept as given. */
	assert_null(complete(&n, NULL, "10.1.0.7", NULL, "10.1.0.255", NULL, NULL));
	assert_string_equal(n.netmask, "255.255.255.0");
	net_free(&n);
	/* IPv6: the interface and prefix of the network that holds it. */
	assert_null(complete(&n, NULL, NULL, NULL, NULL, "2001:db8::100", NULL));
	assert_string_equal(n.interface, "eth0");
	assert_string_equal(n.prefixlen, "64");
	net_free(&n);
	/* An interface with no address takes any address and a netmask. */
	assert_null(complete(&n, "bare0", "198.51.100.5", "255.255.255.0", NULL, NULL, NULL));
	net_free(&n);
	assert_null(complete(&n, "bare0", NULL, NULL, NULL, "fd00:1::5", NULL));
	assert_string_equal(n.prefixlen, "64");
	net_free(&n);
}

static void test_refused(void **state)
{
	(void)state;
	expect_error(NULL, "300.1.1.1", NULL, NULL, NULL, NULL, "not an IPv4 address");
	expect_error(NULL, "203.0.113.5", NULL, NULL, NULL, NULL, "no up host interface");
	/* A down interface does not count (AIX: "up" interfaces). */
	expect_error(NULL, "192.168.9.5", NULL, NULL, NULL, NULL, "no up host interface");
	expect_error("nosuch0", "10.1.0.5", NULL, NULL, NULL, NULL, "does not exist");
	expect_error("lo", "10.1.0.5", NULL, NULL, NULL, NULL, "loopback");
	expect_error(NULL, "127.0.0.5", NULL, NULL, NULL, NULL, "loopback");
	expect_error(NULL, "224.0.0.5", NULL, NULL, NULL, NULL, "multicast");
	expect_error(NULL, "0.0.0.0", NULL, NULL, NULL, NULL, "unspecified");
	expect_error(NULL, "10.1.0.0", NULL, NULL, NULL, NULL, "network address");
	expect_error(NULL, "10.1.0.255", NULL, NULL, NULL, NULL, "broadcast address");
	expect_error(NULL, "10.1.0.5", "255.0.255.0", NULL, NULL, NULL, "not an IPv4 network mask");
	expect_error(NULL, "10.1.0.5", "0.0.0.0", NULL, NULL, NULL, "leaves no network");
	expect_error(NULL, "10.1.0.5", NULL, "10.2.0.255", NULL, NULL, "is not on the network");
	expect_error("bare0", "198.51.100.5", NULL, NULL, NULL, NULL, "give netmask=");
	expect_error(NULL, "10.1.0.5", NULL, NULL, NULL, "64", "not both");
	expect_error(NULL, NULL, "255.255.255.0", NULL, NULL, NULL, "needs address=");
	expect_error(NULL, NULL, NULL, NULL, "fe80::zz", NULL, "not an IPv6 address");
	expect_error(NULL, NULL, NULL, NULL, "::1", NULL, "loopback");
	expect_error(NULL, NULL, NULL, NULL, "ff02::1", NULL, "multicast");
	expect_error(NULL, NULL, NULL, NULL, "2001:db8::5", "0", "prefix length");
	expect_error(NULL, NULL, NULL, NULL, "fd99::5", NULL, "no up host interface");
}

static struct wpar_spec *spec_with(const char *const *nets, size_t n_nets)
{
	struct wpar_spec *s = wpar_spec_new();
	wpar_spec_append(s, WPAR_ST_GENERAL);
	s->general.name = xstrdup("w1");
	for (size_t i = 0; i < n_nets; i++) {
		size_t k = wpar_spec_append(s, WPAR_ST_NETWORK);
		struct wpar_network *n = &s->networks[k];
		if (strchr(nets[i], ':'))
			assert_null(complete(n, NULL, NULL, NULL, NULL, nets[i], NULL));
		else
			assert_null(complete(n, NULL, nets[i], NULL, NULL, NULL, NULL));
	}
	return s;
}

static char *route_error(struct wpar_spec *s, const char *dest, const char *gw, const char *ifn,
			 const char *mask, const char *plen, const char *type,
			 struct wpar_net_route *out)
{
	struct wpar_route r = {.rtdest = (char *)dest,
			       .rtgateway = (char *)gw,
			       .rtinterface = (char *)ifn,
			       .rtnetmask = (char *)mask,
			       .rtprefixlen = (char *)plen,
			       .rttype = (char *)type};
	wpar_error_t err = NULL;
	if (wpar_net_route_resolve(s, &r, out, &err) == 0)
		return NULL;
	char *m = xstrdup(err->msg);
	wpar_error_release(&err);
	return m;
}

static void test_routes(void **state)
{
	(void)state;
	const char *nets[] = {"172.16.20.100", "10.1.0.5", "2001:db8::100"};
	cleanup_spec struct wpar_spec *s = spec_with(nets, 3);
	struct wpar_net_route r;
	char buf[INET6_ADDRSTRLEN];
	/* rtdest=default and 0 are the same. */
	assert_null(route_error(s, "default", "172.16.20.1", NULL, NULL, NULL, NULL, &r));
	assert_int_equal(r.dst.prefixlen, 0);
	assert_string_equal(r.ifname, "eth0");
	assert_null(route_error(s, "0", "10.1.0.1", NULL, NULL, NULL, NULL, &r));
	assert_string_equal(r.ifname, "br0");
	/* A network with a netmask, the host part cleared. */
	assert_null(
	    route_error(s, "192.168.7.9", "10.1.0.1", NULL, "255.255.255.0", NULL, "net", &r));
	assert_int_equal(r.dst.prefixlen, 24);
	assert_string_equal(inet_ntop(AF_INET, r.dst.bytes, buf, sizeof(buf)), "192.168.7.0");
	assert_null(route_error(s, "192.168.8.0/23", "10.1.0.1", "br0", NULL, NULL, NULL, &r));
	assert_int_equal(r.dst.prefixlen, 23);
	/* A host route, and a net route without a mask (trailing zeros). */
	assert_null(route_error(s, "198.51.100.7", "10.1.0.1", NULL, NULL, NULL, "host", &r));
	assert_int_equal(r.dst.prefixlen, 32);
	assert_null(route_error(s, "198.51.0.0", "10.1.0.1", NULL, NULL, NULL, "net", &r));
	assert_int_equal(r.dst.prefixlen, 16);
	/* IPv6. */
	assert_null(route_error(s, "default", "2001:db8::1", NULL, NULL, NULL, NULL, &r));
	assert_int_equal(r.dst.family, AF_INET6);
	assert_null(route_error(s, "2001:db8:5::", "2001:db8::1", NULL, NULL, "48", NULL, &r));
	assert_int_equal(r.dst.prefixlen, 48);
	/* Refused. */
	cleanup_free char *e1 = route_error(s, "default", "192.0.2.1", NULL, NULL, NULL, NULL, &r);
	assert_non_null(e1);
	assert_non_null(strstr(e1, "not on a network of the WPAR"));
	cleanup_free char *e2 = route_error(s, "default", "10.1.0.1", "eth0", NULL, NULL, NULL, &r);
	assert_non_null(strstr(e2, "on eth0"));
	cleanup_free char *e3 = route_error(s, "default", "10.1.0.1", "en9", NULL, NULL, NULL, &r);
	assert_non_null(strstr(e3, "no address on en9"));
	cleanup_free char *e4 =
	    route_error(s, "2001:db8:5::", "10.1.0.1", NULL, NULL, NULL, NULL, &r);
	assert_non_null(strstr(e4, "one IP version"));
	cleanup_free char *e5 =
	    route_error(s, "198.51.100.0", "10.1.0.1", NULL, NULL, "24", "host", &r);
	assert_non_null(strstr(e5, "full-length"));
	cleanup_free char *e6 =
	    route_error(s, "2001:db8:5::", "2001:db8::1", NULL, "255.255.0.0", NULL, NULL, &r);
	assert_non_null(strstr(e6, "IPv4 netmask"));
}

static void test_check(void **state)
{
	(void)state;
	const char *dup[] = {"10.1.0.5", "10.1.0.5"};
	cleanup_spec struct wpar_spec *s = spec_with(dup, 2);
	wpar_error_t err = NULL;
	assert_int_equal(wpar_net_check(s, &err), -1);
	assert_non_null(strstr(err->msg, "given twice"));
	wpar_error_release(&err);
	/* Routes without any address. */
	cleanup_spec struct wpar_spec *t = spec_with(NULL, 0);
	size_t k = wpar_spec_append(t, WPAR_ST_ROUTE);
	t->routes[k].rtdest = xstrdup("default");
	t->routes[k].rtgateway = xstrdup("10.1.0.1");
	assert_int_equal(wpar_net_check(t, &err), -1);
	assert_non_null(strstr(err->msg, "need the WPAR to have an address"));
	wpar_error_release(&err);
	const char *one[] = {"10.1.0.5"};
	cleanup_spec struct wpar_spec *u = spec_with(one, 1);
	k = wpar_spec_append(u, WPAR_ST_ROUTE);
	u->routes[k].rtdest = xstrdup("default");
	u->routes[k].rtgateway = xstrdup("10.1.0.1");
	assert_int_equal(wpar_net_check(u, &err), 0);
}

static void test_hostname_default(void **state)
{
	(void)state;
	struct wpar_net_addr found[3] = {
	    {.family = AF_INET}, {.family = AF_INET}, {.family = AF_INET}};
	inet_pton(AF_INET, "127.0.1.1", found[0].bytes);    /* loopback: skipped */
	inet_pton(AF_INET, "172.16.20.62", found[1].bytes); /* the host's own */
	inet_pton(AF_INET, "172.16.21.9", found[2].bytes);  /* on eth0's network */
	cleanup_spec struct wpar_spec *s = spec_with(NULL, 0);
	assert_int_equal(wpar_net_default_from_hostname(s, found, 2, host, n_host), 0);
	assert_int_equal(s->n_networks, 0);
	assert_int_equal(wpar_net_default_from_hostname(s, found, 3, host, n_host), 1);
	assert_int_equal(s->n_networks, 1);
	assert_string_equal(s->networks[0].address, "172.16.21.9");
	assert_string_equal(s->networks[0].interface, "eth0");
	assert_string_equal(s->networks[0].netmask, "255.255.252.0");
	/* Off every network of the host: loopback only. */
	cleanup_spec struct wpar_spec *t = spec_with(NULL, 0);
	struct wpar_net_addr off = {.family = AF_INET};
	inet_pton(AF_INET, "203.0.113.9", off.bytes);
	assert_int_equal(wpar_net_default_from_hostname(t, &off, 1, host, n_host), 0);
}

static void test_helpers(void **state)
{
	(void)state;
	assert_int_equal(wpar_net_netmask_prefix("255.255.252.0"), 22);
	assert_int_equal(wpar_net_netmask_prefix("255.255.255.255"), 32);
	assert_int_equal(wpar_net_netmask_prefix("0.0.0.0"), 0);
	assert_int_equal(wpar_net_netmask_prefix("255.0.255.0"), -1);
	char a[IF_NAMESIZE], b[IF_NAMESIZE], p[IF_NAMESIZE];
	wpar_net_host_link_name("a_very_long_wpar_name_25c", 0, a);
	wpar_net_host_link_name("a_very_long_wpar_name_25d", 0, b);
	wpar_net_host_link_prefix("a_very_long_wpar_name_25c", p);
	assert_true(strlen(a) < IF_NAMESIZE);
	assert_string_not_equal(a, b);
	assert_int_equal(strncmp(a, p, strlen(p)), 0);
	const char *nets[] = {"10.1.0.5", "172.16.20.100", "10.1.0.6"};
	cleanup_spec struct wpar_spec *s = spec_with(nets, 3);
	const char *ifs[4];
	assert_int_equal(wpar_net_interfaces(s, ifs, 4), 2);
	assert_string_equal(ifs[0], "br0");
	assert_string_equal(ifs[1], "eth0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_interface_choice_and_derivation, setup),
	    cmocka_unit_test_setup(test_refused, setup),
	    cmocka_unit_test_setup(test_routes, setup),
	    cmocka_unit_test_setup(test_check, setup),
	    cmocka_unit_test_setup(test_hostname_default, setup),
	    cmocka_unit_test_setup(test_helpers, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
