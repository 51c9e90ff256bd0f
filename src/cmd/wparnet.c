/* wparnet: the host's view of WPAR networking, and bridges for WPARs.
 *
 * Not an AIX command: on AIX a WPAR's address is an alias on a global
 * interface and `netstat -nr -@` shows every WPAR's routes; here each WPAR
 * has a network namespace of its own, attached to a host bridge (see
 * docs/mapping-network.md), so the host needs a way to make such a bridge
 * and to look into all the namespaces at once. */
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "net.h"
#include "store.h"
#include "util.h"

static const char usage[] =
    "Usage: wparnet [-r | -a] [-c] [-q] [wparName ...]\n"
    "       wparnet -b bridgeName [-A address/prefixLength]\n"
    "       wparnet -K -b bridgeName\n"
    "  -r  routes of the global environment and of every running WPAR (netstat -nr -@)\n"
    "  -a  addresses of every running WPAR\n"
    "  -b  creates a bridge for WPARs (with -A, the host's address on it); -K removes it\n";

static const struct wpar_optdef options[] = {
    {'a', WPAR_OPT_FLAG, NULL}, {'A', WPAR_OPT_ARG, NULL},  {'b', WPAR_OPT_ARG, NULL},
    {'c', WPAR_OPT_FLAG, NULL}, {'K', WPAR_OPT_FLAG, NULL}, {'q', WPAR_OPT_FLAG, NULL},
    {'r', WPAR_OPT_FLAG, NULL},
};

static bool selected(const struct wpar_cmdline *cl, const char *name)
{
	if (cl->n_operands == 0)
		return true;
	for (size_t i = 0; i < cl->n_operands; i++)
		if (fnmatch(cl->operands[i], name, 0) == 0)
			return true;
	return false;
}

static int show(const struct wpar_cmdline *cl, wpar_error_t *err)
{
	bool routes = !wpar_cmdline_has(cl, 'a'), addrs = !wpar_cmdline_has(cl, 'r');
	cleanup_table struct table *at = wpar_net_view_addresses();
	cleanup_table struct table *rt = wpar_net_view_routes();
	/* The global environment's own routes first, as netstat -@ does. */
	if (routes && cl->n_operands == 0) {
		cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0 || wpar_net_link_list("Global", self, NULL, rt, err) < 0)
			return -1;
	}
	char **names = NULL;
	size_t n = 0;
	if (wpar_store_list(&names, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		if (selected(cl, names[i]))
			r = wpar_net_view_fill(names[i], addrs ? at : NULL, routes ? rt : NULL,
					       err);
	wpar_names_free(names, n);
	if (r < 0)
		return -1;
	struct table_format fmt = {.style =
				       wpar_cmdline_has(cl, 'c') ? TABLE_DELIMITED : TABLE_ALIGNED,
				   .no_header = wpar_cmdline_has(cl, 'q'),
				   .header_if_empty = true};
	struct strbuf sb = {0};
	if (routes) {
		if (!fmt.no_header && fmt.style == TABLE_ALIGNED)
			strbuf_printf(&sb, "Routing tables\n");
		table_render(rt, &fmt, &sb);
	}
	if (routes && addrs)
		strbuf_printf(&sb, "\n");
	if (addrs)
		table_render(at, &fmt, &sb);
	fputs(sb.buf ? sb.buf : "", stdout);
	strbuf_release(&sb);
	return 0;
}

int main(int argc, char **argv)
{
	wpar_error_t err = NULL;
	struct wpar_cmdline cl = {0};
	int status = 1;
	if (wpar_cmdline_parse(argc, argv, options, ARRAY_SIZE(options), false, &cl, &err) < 0) {
		wpar_error_report("wparnet", &err);
		fputs(usage, stderr);
		return 1;
	}
	const struct wpar_opt *b = wpar_cmdline_last(&cl, 'b');
	const struct wpar_opt *a = wpar_cmdline_last(&cl, 'A');
	int r;
	if (b == NULL && (a || wpar_cmdline_has(&cl, 'K'))) {
		fputs(usage, stderr);
		goto out;
	}
	if (b && cl.n_operands) {
		fprintf(stderr, "wparnet: unexpected argument '%s'\n", cl.operands[0]);
		fputs(usage, stderr);
		goto out;
	}
	if (b && wpar_cmdline_has(&cl, 'K'))
		r = wpar_net_bridge_remove(b->arg, &err);
	else if (b)
		r = wpar_net_bridge_create(b->arg, a ? a->arg : NULL, &err);
	else
		r = show(&cl, &err);
	status = r < 0 ? wpar_error_report("wparnet", &err) : 0;
out:
	wpar_cmdline_release(&cl);
	return status;
}
