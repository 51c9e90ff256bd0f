/* When a WPAR's network is planned and put in place: completing a
 * definition, start and stop, live changes, the host-wide view (net.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "net.h"
#include "runtime.h"
#include "state.h"
#include "store.h"
#include "util.h"

static int prefix_of(const struct sockaddr *mask)
{
	if (mask == NULL)
		return 0;
	const unsigned char *b;
	size_t len;
	if (mask->sa_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)mask)->sin_addr;
		len = 4;
	} else {
		b = (const unsigned char *)&((const struct sockaddr_in6 *)mask)->sin6_addr;
		len = 16;
	}
	int n = 0;
	for (size_t i = 0; i < len; i++)
		n += __builtin_popcount(b[i]);
	return n;
}

int wpar_net_host_interfaces(struct wpar_net_hostif **out, size_t *n, wpar_error_t *err)
{
	struct ifaddrs *list = NULL;
	if (getifaddrs(&list) < 0)
		return wpar_error_errno(err, "cannot list the host's interfaces");
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		int fam = i->ifa_addr ? i->ifa_addr->sa_family : AF_UNSPEC;
		/* AF_PACKET entries stand for interfaces without an address. */
		if (fam != AF_INET && fam != AF_INET6 && fam != AF_PACKET)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		struct wpar_net_hostif *h = &(*out)[(*n)++];
		memset(h, 0, sizeof(*h));
		snprintf(h->name, sizeof(h->name), "%s", i->ifa_name);
		h->up = i->ifa_flags & IFF_UP;
		h->loopback = i->ifa_flags & IFF_LOOPBACK;
		h->family = fam == AF_PACKET ? AF_UNSPEC : fam;
		if (fam == AF_INET)
			memcpy(h->addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		else if (fam == AF_INET6)
			memcpy(h->addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		h->prefixlen = fam == AF_PACKET ? 0 : prefix_of(i->ifa_netmask);
	}
	freeifaddrs(list);
	return 0;
}

/* The addresses the WPAR's host name resolves to (AIX: "if the host name
 * can be resolved"). */
static size_t resolve(const char *hostname, struct wpar_net_addr *out, size_t max)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	if (hostname == NULL || getaddrinfo(hostname, NULL, &hints, &res) != 0)
		return 0;
	size_t n = 0;
	for (struct addrinfo *a = res; a && n < max; a = a->ai_next) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = a->ai_family;
		if (a->ai_family == AF_INET)
			memcpy(out[n].bytes, &((struct sockaddr_in *)a->ai_addr)->sin_addr, 4);
		else if (a->ai_family == AF_INET6)
			memcpy(out[n].bytes, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, 16);
		else
			continue;
		n++;
	}
	freeaddrinfo(res);
	return n;
}

int wpar_net_fill_defaults(struct wpar_spec *spec, wpar_error_t *err)
{
	cleanup_free struct wpar_net_hostif *ifs = NULL;
	size_t n_ifs = 0;
	if (wpar_net_host_interfaces(&ifs, &n_ifs, err) < 0)
		return -1;
	/* AIX's mkwpar rule; not wparexec's, whose every run would otherwise
	 * wait for the resolver. */
	if (spec->n_networks == 0 && wpar_spec_type(spec) == WPAR_SYSTEM) {
		struct wpar_net_addr found[8];
		const char *h =
		    spec->general.hostname ? spec->general.hostname : spec->general.name;
		size_t n = resolve(h, found, ARRAY_SIZE(found));
		wpar_net_default_from_hostname(spec, found, n, ifs, n_ifs);
	}
	for (size_t i = 0; i < spec->n_networks; i++)
		if (wpar_net_complete(&spec->networks[i], ifs, n_ifs, err) < 0)
			return wpar_error_prefix(err, "-N");
	if (spec->n_routes && spec->general.routing == NULL)
		spec->general.routing = xstrdup("yes");
	return wpar_net_check(spec, err) < 0 ? wpar_error_prefix(err, "-I") : 0;
}

int wpar_net_edit(struct wpar_spec *spec, char **words, size_t n_words, wpar_error_t *err)
{
	/* The stanza with the same address changes (AIX: -N on an existing
	 * address sets its netmask, broadcast or interface); a new address
	 * is added. */
	const char *a4 = wpar_cmdline_attr_value(words, n_words, "address");
	const char *a6 = wpar_cmdline_attr_value(words, n_words, "address6");
	size_t idx = spec->n_networks;
	for (size_t i = 0; i < spec->n_networks; i++) {
		const struct wpar_network *n = &spec->networks[i];
		if ((a4 && n->address && strcmp(a4, n->address) == 0) ||
		    (a6 && n->address6 && strcmp(a6, n->address6) == 0))
			idx = i;
	}
	if (idx == spec->n_networks) {
		if (wpar_spec_add_words(spec, WPAR_ST_NETWORK, "-N", words, n_words, err) < 0)
			return -1;
	} else {
		/* What the new words derive anew (a new netmask, a new
		 * interface) must not keep the old derived values. */
		struct wpar_network *n = &spec->networks[idx];
		bool new_if = wpar_cmdline_attr_value(words, n_words, "interface") != NULL;
		bool new_mask = wpar_cmdline_attr_value(words, n_words, "netmask") != NULL ||
				wpar_cmdline_attr_value(words, n_words, "prefixlen") != NULL;
		if (new_if && !new_mask) {
			free(n->netmask);
			n->netmask = NULL;
			free(n->prefixlen);
			n->prefixlen = NULL;
		}
		if ((new_if || new_mask) &&
		    wpar_cmdline_attr_value(words, n_words, "broadcast") == NULL) {
			free(n->broadcast);
			n->broadcast = NULL;
		}
		for (size_t i = 0; i < n_words; i++) {
			cleanup_free char *attr = xstrndup(words[i], strcspn(words[i], "="));
			const char *eq = strchr(words[i], '=');
			if (eq == NULL)
				return wpar_error_input(err, "-N: '%s' is not attr=value",
							words[i]);
			if (wpar_spec_set(spec, WPAR_ST_NETWORK, idx, attr, eq + 1, err) < 0)
				return wpar_error_prefix(err, "-N");
		}
	}
	cleanup_free struct wpar_net_hostif *ifs = NULL;
	size_t n_ifs = 0;
	if (wpar_net_host_interfaces(&ifs, &n_ifs, err) < 0)
		return -1;
	if (wpar_net_complete(&spec->networks[idx], ifs, n_ifs, err) < 0)
		return wpar_error_prefix(err, "-N");
	return 0;
}

/* An address is in use when the host has it, or another running WPAR's
 * definition does (its namespace is not visible from here). */
static int check_in_use(const char *name, const struct wpar_spec *spec, wpar_error_t *err)
{
	if (spec->n_networks == 0)
		return 0;
	cleanup_free struct wpar_net_hostif *ifs = NULL;
	size_t n_ifs = 0;
	if (wpar_net_host_interfaces(&ifs, &n_ifs, err) < 0)
		return -1;
	char **names = NULL;
	size_t n_names = 0;
	if (wpar_store_list(&names, &n_names, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < spec->n_networks && r == 0; i++) {
		const struct wpar_network *n = &spec->networks[i];
		const char *text = n->address ? n->address : n->address6;
		struct wpar_net_addr a;
		if (wpar_net_stanza_addr(n, &a, err) < 0) {
			r = -1;
			break;
		}
		for (size_t j = 0; j < n_ifs && r == 0; j++) {
			struct wpar_net_addr h = {.family = ifs[j].family};
			memcpy(h.bytes, ifs[j].addr, sizeof(h.bytes));
			if (ifs[j].family == a.family && wpar_net_addr_equal(&h, &a))
				r = wpar_error_input(err,
						     "address %s is in use: the host has it on %s",
						     text, ifs[j].name);
		}
		for (size_t j = 0; j < n_names && r == 0; j++) {
			if (strcmp(names[j], name) == 0 || !wpar_monitor_alive(names[j]))
				continue;
			cleanup_spec struct wpar_spec *other = NULL;
			if (wpar_store_load(names[j], &other, NULL) < 0)
				continue;
			for (size_t k = 0; k < other->n_networks && r == 0; k++) {
				struct wpar_net_addr b;
				if (wpar_net_stanza_addr(&other->networks[k], &b, NULL) == 0 &&
				    wpar_net_addr_equal(&a, &b))
					r = wpar_error_input(err,
							     "address %s is in use by workload "
							     "partition %s",
							     text, names[j]);
			}
		}
	}
	wpar_names_free(names, n_names);
	return r;
}

static int open_netns(pid_t pid, wpar_error_t *err)
{
	cleanup_free char *p = xasprintf("/proc/%d/ns/net", (int)pid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wpar_error_errno(err, "cannot open the WPAR's network namespace");
	return fd;
}

int wpar_net_start(const char *name, const struct wpar_spec *spec, pid_t pid, wpar_error_t *err)
{
	/* A reboot from inside reuses the monitor's spec: the definition as
	 * chwpar has changed it since is what the new instance must get. */
	cleanup_spec struct wpar_spec *now = NULL;
	if (wpar_store_load(name, &now, NULL) == 0)
		spec = now;
	if (spec->n_networks == 0)
		return 0;
	/* A namespace some process outside still holds keeps its links;
	 * they must not stay on the bridge with the same addresses. */
	if (wpar_net_link_remove_all(name, err) < 0 || check_in_use(name, spec, err) < 0)
		return -1;
	cleanup_close int fd = open_netns(pid, err);
	if (fd < 0)
		return -1;
	if (wpar_net_link_reconcile(name, spec, fd, err) < 0) {
		wpar_net_link_remove_all(name, NULL);
		return wpar_error_prefix(err, "network");
	}
	return 0;
}

int wpar_net_change_live(const char *name, const struct wpar_spec *old,
			 const struct wpar_spec *spec, pid_t pid, wpar_error_t *err)
{
	if (pid <= 0)
		return 0;
	if (check_in_use(name, spec, err) < 0)
		return -1;
	cleanup_close int fd = open_netns(pid, err);
	if (fd < 0)
		return -1;
	if (wpar_net_link_reconcile(name, spec, fd, err) == 0)
		return 0;
	/* The running WPAR keeps the configuration it had. */
	wpar_error_t undo = NULL;
	wpar_net_link_reconcile(name, old, fd, &undo);
	wpar_error_release(&undo);
	return -1;
}

static const struct table_column addr_cols[] = {
    [NETV_WPAR] = {"WPAR", "wpar", 0},
    [NETV_IF] = {"Interface", "interface", 0},
    [NETV_ADDR] = {"Address", "address", 0},
    [NETV_PREFIX] = {"Prefix", "prefix", 0},
    [NETV_HOSTIF] = {"Host Link", "hostlink", 0},
};
static const struct table_column route_cols[] = {
    [RTV_WPAR] = {"WPAR", "wpar", 0},     [RTV_DEST] = {"Destination", "destination", 0},
    [RTV_GW] = {"Gateway", "gateway", 0}, [RTV_FLAGS] = {"Flags", "flags", 0},
    [RTV_IF] = {"If", "if", 0},
};

struct table *wpar_net_view_addresses(void)
{
	return table_new(addr_cols, ARRAY_SIZE(addr_cols));
}

struct table *wpar_net_view_routes(void)
{
	return table_new(route_cols, ARRAY_SIZE(route_cols));
}

int wpar_net_view_fill(const char *name, struct table *addrs, struct table *routes,
		       wpar_error_t *err)
{
	struct wpar_runtime_info info = {0};
	if (!wpar_monitor_alive(name) || wpar_runtime_read(name, &info, NULL) < 0 ||
	    info.init_pid <= 0)
		return 0;
	cleanup_close int fd = open_netns(info.init_pid, err);
	if (fd < 0)
		return -1;
	return wpar_net_link_list(name, fd, addrs, routes, err);
}
