/* The stanza spec file: parsing of AIX's own examples, the canonical
 * writer and its round trips, every attribute of the table, line-numbered
 * errors, command-line attribute words and the rules between stanzas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rset.h"
#include "spec.h"
#include "spec_internal.h"
#include "util.h"

#define UNUSED __attribute__((unused))

/* ---- helpers ------------------------------------------------------------ */

static struct wpar_spec *parse_ok(const char *text)
{
	struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_parse(text, strlen(text), "t.cf", &spec, &err) < 0)
		fail_msg("parse failed: %s\n--- input ---\n%s", err->msg, text);
	assert_null(err);
	assert_non_null(spec);
	return spec;
}

/* Parses text that must fail; returns the message (allocated). */
static char *parse_fail(const char *text)
{
	struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	int r = wpar_spec_parse(text, strlen(text), "t.cf", &spec, &err);
	if (r == 0) {
		cleanup_free char *w = wpar_spec_write(spec);
		wpar_spec_free(spec);
		fail_msg("parse should have failed\n--- input ---\n%s--- parsed ---\n%s", text, w);
	}
	assert_int_equal(r, -1);
	assert_null(spec);
	assert_non_null(err);
	assert_int_equal(err->status, 0);
	return xstrdup(err->msg);
}

/* The message must start with "t.cf:<line>:" and contain every needle. */
static void expect_error(const char *text, int line, const char *needle1, const char *needle2)
{
	cleanup_free char *msg = parse_fail(text);
	cleanup_free char *where = xasprintf("t.cf:%d: ", line);
	if (strncmp(msg, where, strlen(where)) != 0)
		fail_msg("expected the error at line %d, got: %s", line, msg);
	if (needle1 && strstr(msg, needle1) == NULL)
		fail_msg("'%s' missing from the message: %s", needle1, msg);
	if (needle2 && strstr(msg, needle2) == NULL)
		fail_msg("'%s' missing from the message: %s", needle2, msg);
}

static char *reparse_write(const char *text)
{
	cleanup_spec struct wpar_spec *s = parse_ok(text);
	return wpar_spec_write(s);
}

static void assert_validate_fails(const char *text, const char *needle)
{
	cleanup_spec struct wpar_spec *s = parse_ok(text);
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_spec_validate(s, &err), -1);
	assert_non_null(err);
	if (strstr(err->msg, needle) == NULL)
		fail_msg("'%s' missing from the message: %s", needle, err->msg);
}

static void assert_validate_ok(const char *text)
{
	cleanup_spec struct wpar_spec *s = parse_ok(text);
	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_validate(s, &err) < 0)
		fail_msg("validate failed: %s\n--- input ---\n%s", err->msg, text);
}

/* ---- AIX's own examples -------------------------------------------------- */

/* Example 12-24 as mkwpar writes it: unindented, everything quoted (the
 * privileges are one long value; the book's PDF wrapped it). */
static const char aix_rootvg_spec[] =
    "general:\n"
    "name = \"wparm91\"\n"
    "hostname = \"wparm91\"\n"
    "checkpointable = \"yes\"\n"
    "directory = \"/wpars/wparm91\"\n"
    "privateusr = \"yes\"\n"
    "ostype = \"0\"\n"
    "auto = \"no\"\n"
    "rootvgwpar = \"yes\"\n"
    "routing = \"yes\"\n"
    "\n"
    "network:\n"
    "broadcast = \"172.16.23.255\"\n"
    "interface = \"en0\"\n"
    "netmask = \"255.255.252.0\"\n"
    "address = \"172.16.20.91\"\n"
    "\n"
    "route:\n"
    "rttype = \"net\"\n"
    "rtgateway = \"172.16.20.1\"\n"
    "rtinterface = \"en0\"\n"
    "rtdest = \"default\"\n"
    "\n"
    "resources:\n"
    "shares_CPU = \"-1\"\n"
    "active = \"yes\"\n"
    "\n"
    "security:\n"
    "privs = "
    "\"PV_SU_,PV_AU_READ,PV_DEV_LOAD,PV_MAC_R_PROC,PV_AU_WRITE,PV_DAC_GID,PV_DOM_,PV_LAB_SL_FILE,"
    "PV_NET_,PV_TCB,PV_MAC_W_CL,PV_AZ_CHECK,PV_AU_ADMIN\"\n"
    "\n"
    "device:\n"
    "devname = \"/dev/errorctl\"\n"
    "devtype = \"1\"\n"
    "\n"
    "device:\n"
    "devname = \"/dev/audit\"\n"
    "devtype = \"1\"\n"
    "\n"
    "device:\n"
    "devname = \"/dev/kmem\"\n"
    "devtype = \"1\"\n"
    "\n"
    "device:\n"
    "devid = \"3E213600A0B8000291B08000007BD06AAF1B20F1815      FAStT03IBMfcp\"\n"
    "devtype = \"2\"\n"
    "rootvg = \"yes\"\n";

static void test_parse_aix_unindented(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = parse_ok(aix_rootvg_spec);
	assert_int_equal(s->n_general, 1);
	assert_string_equal(s->general.name, "wparm91");
	assert_string_equal(s->general.hostname, "wparm91");
	assert_string_equal(s->general.checkpointable, "yes");
	assert_string_equal(s->general.directory, "/wpars/wparm91");
	assert_string_equal(s->general.privateusr, "yes");
	assert_string_equal(s->general.ostype, "0");
	assert_string_equal(s->general.autostart, "no");
	assert_string_equal(s->general.rootvgwpar, "yes");
	assert_string_equal(s->general.routing, "yes");
	assert_null(s->general.preserve);
	assert_null(s->general.application);
	assert_int_equal(wpar_spec_type(s), WPAR_SYSTEM);

	assert_int_equal(s->n_networks, 1);
	assert_string_equal(s->networks[0].broadcast, "172.16.23.255");
	assert_string_equal(s->networks[0].interface, "en0");
	assert_string_equal(s->networks[0].netmask, "255.255.252.0");
	assert_string_equal(s->networks[0].address, "172.16.20.91");
	assert_null(s->networks[0].address6);

	assert_int_equal(s->n_routes, 1);
	assert_string_equal(s->routes[0].rttype, "net");
	assert_string_equal(s->routes[0].rtgateway, "172.16.20.1");
	assert_string_equal(s->routes[0].rtinterface, "en0");
	assert_string_equal(s->routes[0].rtdest, "default");

	assert_int_equal(s->n_resources, 1);
	assert_string_equal(s->resources.shares_CPU, "-1");
	assert_string_equal(s->resources.active, "yes");

	assert_int_equal(s->n_security, 1);
	assert_true(strncmp(s->security.privs, "PV_SU_,PV_AU_READ,", 18) == 0);

	assert_int_equal(s->n_devices, 4);
	assert_string_equal(s->devices[0].devname, "/dev/errorctl");
	assert_string_equal(s->devices[2].devname, "/dev/kmem");
	assert_string_equal(s->devices[3].devid,
			    "3E213600A0B8000291B08000007BD06AAF1B20F1815      FAStT03IBMfcp");
	assert_string_equal(s->devices[3].devtype, "2");
	assert_string_equal(s->devices[3].rootvg, "yes");
	assert_null(s->devices[3].devname);
	assert_int_equal(s->n_mounts, 0);
	assert_int_equal(s->n_lvmgmt, 0);
	assert_int_equal(s->n_options, 0);

	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_validate(s, &err) < 0)
		fail_msg("%s", err->msg);
}

/* Examples 11-15, 9-13 and the network stanza: indented by four or two
 * blanks. */
static void test_parse_aix_indented(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s =
	    parse_ok("general:\n"
		     "    name = \"wpar3_detached\"\n"
		     "    hostname = \"wpar3_detached\"\n"
		     "    checkpointable = \"no\"\n"
		     "    directory = \"/wpars/wpar3_detached\"\n"
		     "    privateusr = \"yes\"\n"
		     "    devices = \"/etc/wpars/devexports\"\n"
		     "    auto = \"no\"\n"
		     "    rootvgwpar = \"no\"\n"
		     "    preserve = \"no\"\n"
		     "    routing = \"no\"\n"
		     "\n"
		     "device:\n"
		     "    devname = \"/dev/xti/unixdg\"\n"
		     "    devtype = \"3\"\n"
		     "\n"
		     "device:\n"
		     "    devid = \"372200f6607600004c000000012ecab8f278.205VDASD03AIXvscsi\"\n"
		     "    devtype = \"2\"\n"
		     "    rootvg = \"yes\"\n"
		     "\n"
		     "network:\n"
		     "  broadcast = \"172.16.23.255\"\n"
		     "  interface = \"en0\"\n"
		     "  address = \"172.16.20.117\"\n"
		     "  netmask = \"255.255.252.0\"\n");
	assert_string_equal(s->general.name, "wpar3_detached");
	assert_string_equal(s->general.devices, "/etc/wpars/devexports");
	assert_string_equal(s->general.preserve, "no");
	assert_string_equal(s->general.routing, "no");
	assert_int_equal(s->n_devices, 2);
	assert_string_equal(s->devices[0].devname, "/dev/xti/unixdg");
	assert_string_equal(s->devices[0].devtype, "3");
	assert_string_equal(s->devices[1].devid,
			    "372200f6607600004c000000012ecab8f278.205VDASD03AIXvscsi");
	assert_int_equal(s->n_networks, 1);
	assert_string_equal(s->networks[0].address, "172.16.20.117");
	/* Tabs indent as well as blanks, and a header may be indented. */
	cleanup_spec struct wpar_spec *t =
	    parse_ok("\tgeneral:\n\t\tname = \"w1\"\n \t hostname=w2x\n");
	(void)t;
}

/* The attribute tables' examples: bare values, as in Table 12-1. */
static void test_parse_bare_values(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s =
	    parse_ok("general:\n"
		     "    name = w1\n"
		     "network:\n"
		     "    interface = en0\n"
		     "    address = 192.168.1.1\n"
		     "    broadcast = 192.168.1.255\n"
		     "    netmask = 255.255.255.0\n"
		     "\n"
		     "network:\n"
		     "    interface = en1\n"
		     "    address6 = fe80:abcd::260:8c2e:a4\n"
		     "    prefixlen = 64\n"
		     "route:\n"
		     "    rtdest = 192.168.0.0\n"
		     "    rtnetmask = 255.255.0.0\n"
		     "    rtrtype = net\n"
		     "    rtgateway = 192.168.0.1\n"
		     "    rtinterface = en2\n"
		     "mount:\n"
		     "    vfs = jfs2\n"
		     "    directory = /var\n"
		     "    vg = rootvg\n"
		     "    size = 128M\n"
		     "    logname = INLINE\n"
		     "lvmgmt:\n"
		     "    image_data = /tmp/wpardata/mywpar/image.data\n"
		     "    shrink = no\n"
		     "    ignore_maps = no\n"
		     "device:\n"
		     "    globaldev = /dev/tty*\n"
		     "    export = yes\n"
		     "resources:\n"
		     "    active = yes\n"
		     "    rset = wpar/wpar1\n"
		     "    shares_CPU = 100\n"
		     "    CPU = 0%-100%,100%\n"
		     "    shares_memory = 100\n"
		     "    memory = 0%-100%,100%\n"
		     "    procVirtMem = 1024MB\n"
		     "    totalVirtMem = 2048MB\n"
		     "    totalProcesses = 1024\n"
		     "    totalThreads = 2048\n"
		     "    totalPTYs = 8\n"
		     "    totalLargePages = 16\n"
		     "    pct_msgIDs = 20%\n"
		     "    pct_semIDs = 30%\n"
		     "    pct_shmIDs = 50%\n"
		     "    pct_pinMem = 20%\n"
		     "options:\n"
		     "    enable_rawsock = no\n"
		     "    enable_hostname = yes\n");
	assert_int_equal(s->n_networks, 2);
	assert_string_equal(s->networks[1].address6, "fe80:abcd::260:8c2e:a4");
	assert_string_equal(s->networks[1].prefixlen, "64");
	assert_string_equal(s->routes[0].rttype, "net");
	assert_string_equal(s->routes[0].rtnetmask, "255.255.0.0");
	assert_string_equal(s->mounts[0].size, "128M");
	assert_string_equal(s->mounts[0].logname, "INLINE");
	assert_string_equal(s->lvmgmt.image_data, "/tmp/wpardata/mywpar/image.data");
	assert_string_equal(s->devices[0].globaldev, "/dev/tty*");
	assert_string_equal(s->devices[0].export_, "yes");
	assert_string_equal(s->resources.CPU, "0%-100%,100%");
	assert_string_equal(s->resources.procVirtMem, "1024MB");
	assert_string_equal(s->resources.pct_pinMem, "20%");
	assert_string_equal(s->options.enable_hostname, "yes");

	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_validate(s, &err) < 0)
		fail_msg("%s", err->msg);
}

/* The synthesized full example of the reference, section 2.5, and its
 * canonical form (stanzas in order, attributes in table order, quoted,
 * one tab of indentation, a blank line between stanzas). */
static const char full_example[] = "general:\n"
				   "    name = \"web01\"\n"
				   "    hostname = \"web01.example.com\"\n"
				   "    directory = \"/wpars/web01\"\n"
				   "    privateusr = \"no\"\n"
				   "    checkpointable = \"no\"\n"
				   "    ostype = \"0\"\n"
				   "    auto = \"yes\"\n"
				   "    rootvgwpar = \"no\"\n"
				   "    preserve = \"no\"\n"
				   "    routing = \"yes\"\n"
				   "    devices = \"/etc/wpars/devexports\"\n"
				   "    vg = \"rootvg\"\n"
				   "    copy_nameres = \"yes\"\n"
				   "    script = \"/etc/wpars/web01.hook\"\n"
				   "    postscript = \"/usr/local/sbin/web01-post\"\n"
				   "\n"
				   "network:\n"
				   "    interface = \"en0\"\n"
				   "    address = \"172.16.20.150\"\n"
				   "    netmask = \"255.255.252.0\"\n"
				   "    broadcast = \"172.16.23.255\"\n"
				   "\n"
				   "network:\n"
				   "    interface = \"en0\"\n"
				   "    address6 = \"fe80:abcd::260:8c2e:a4\"\n"
				   "    prefixlen = \"64\"\n"
				   "\n"
				   "route:\n"
				   "    rtdest = \"default\"\n"
				   "    rtgateway = \"172.16.20.1\"\n"
				   "    rtinterface = \"en0\"\n"
				   "    rtrtype = \"net\"\n"
				   "\n"
				   "mount:\n"
				   "    directory = \"/\"\n"
				   "    vfs = \"jfs2\"\n"
				   "    size = \"512M\"\n"
				   "    logname = \"INLINE\"\n"
				   "\n"
				   "mount:\n"
				   "    directory = \"/tmp\"\n"
				   "    vfs = \"jfs2\"\n"
				   "    size = \"256M\"\n"
				   "    mode = \"1777\"\n"
				   "\n"
				   "mount:\n"
				   "    directory = \"/data\"\n"
				   "    vfs = \"nfs\"\n"
				   "    host = \"nfsres1\"\n"
				   "    dev = \"/export/wpars\"\n"
				   "    mountopts = \"rw,hard\"\n"
				   "\n"
				   "mount:\n"
				   "    directory = \"/srv/shared\"\n"
				   "    vfs = \"namefs\"\n"
				   "    dev = \"/global/shared\"\n"
				   "    mountopts = \"ro\"\n"
				   "\n"
				   "lvmgmt:\n"
				   "    image_data = \"/tmp/wpardata/web01/image.data\"\n"
				   "    shrink = \"no\"\n"
				   "    ignore_maps = \"no\"\n"
				   "\n"
				   "device:\n"
				   "    globaldev = \"/dev/*random\"\n"
				   "    export = \"yes\"\n"
				   "\n"
				   "resources:\n"
				   "    active = \"yes\"\n"
				   "    shares_CPU = \"100\"\n"
				   "    CPU = \"10%-20%,30%\"\n"
				   "    memory = \"50%-100%,100%\"\n"
				   "    totalProcesses = \"1024\"\n"
				   "    totalThreads = \"2048\"\n"
				   "\n"
				   "options:\n"
				   "    enable_rawsock = \"no\"\n"
				   "    enable_hostname = \"yes\"\n";

static const char full_canonical[] = "general:\n"
				     "\tname = \"web01\"\n"
				     "\tcheckpointable = \"no\"\n"
				     "\thostname = \"web01.example.com\"\n"
				     "\tdirectory = \"/wpars/web01\"\n"
				     "\tprivateusr = \"no\"\n"
				     "\tdevices = \"/etc/wpars/devexports\"\n"
				     "\tostype = \"0\"\n"
				     "\tauto = \"yes\"\n"
				     "\trootvgwpar = \"no\"\n"
				     "\tpreserve = \"no\"\n"
				     "\trouting = \"yes\"\n"
				     "\tscript = \"/etc/wpars/web01.hook\"\n"
				     "\tpostscript = \"/usr/local/sbin/web01-post\"\n"
				     "\tcopy_nameres = \"yes\"\n"
				     "\tvg = \"rootvg\"\n"
				     "\n"
				     "network:\n"
				     "\tbroadcast = \"172.16.23.255\"\n"
				     "\tinterface = \"en0\"\n"
				     "\taddress = \"172.16.20.150\"\n"
				     "\tnetmask = \"255.255.252.0\"\n"
				     "\n"
				     "network:\n"
				     "\tinterface = \"en0\"\n"
				     "\taddress6 = \"fe80:abcd::260:8c2e:a4\"\n"
				     "\tprefixlen = \"64\"\n"
				     "\n"
				     "route:\n"
				     "\trtdest = \"default\"\n"
				     "\trtgateway = \"172.16.20.1\"\n"
				     "\trtinterface = \"en0\"\n"
				     "\trttype = \"net\"\n"
				     "\n"
				     "mount:\n"
				     "\tdirectory = \"/\"\n"
				     "\tvfs = \"jfs2\"\n"
				     "\tsize = \"512M\"\n"
				     "\tlogname = \"INLINE\"\n"
				     "\n"
				     "mount:\n"
				     "\tdirectory = \"/tmp\"\n"
				     "\tvfs = \"jfs2\"\n"
				     "\tsize = \"256M\"\n"
				     "\tmode = \"1777\"\n"
				     "\n"
				     "mount:\n"
				     "\tdirectory = \"/data\"\n"
				     "\tvfs = \"nfs\"\n"
				     "\tdev = \"/export/wpars\"\n"
				     "\thost = \"nfsres1\"\n"
				     "\tmountopts = \"rw,hard\"\n"
				     "\n"
				     "mount:\n"
				     "\tdirectory = \"/srv/shared\"\n"
				     "\tvfs = \"namefs\"\n"
				     "\tdev = \"/global/shared\"\n"
				     "\tmountopts = \"ro\"\n"
				     "\n"
				     "lvmgmt:\n"
				     "\timage_data = \"/tmp/wpardata/web01/image.data\"\n"
				     "\tshrink = \"no\"\n"
				     "\tignore_maps = \"no\"\n"
				     "\n"
				     "device:\n"
				     "\tglobaldev = \"/dev/*random\"\n"
				     "\texport = \"yes\"\n"
				     "\n"
				     "resources:\n"
				     "\tactive = \"yes\"\n"
				     "\tshares_CPU = \"100\"\n"
				     "\tCPU = \"10%-20%,30%\"\n"
				     "\tmemory = \"50%-100%,100%\"\n"
				     "\ttotalProcesses = \"1024\"\n"
				     "\ttotalThreads = \"2048\"\n"
				     "\n"
				     "options:\n"
				     "\tenable_rawsock = \"no\"\n"
				     "\tenable_hostname = \"yes\"\n";

static void test_parse_full_example(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = parse_ok(full_example);
	assert_int_equal(s->n_networks, 2);
	assert_int_equal(s->n_routes, 1);
	assert_int_equal(s->n_mounts, 4);
	assert_int_equal(s->n_lvmgmt, 1);
	assert_int_equal(s->n_devices, 1);
	assert_int_equal(s->n_extensions, 0);
	assert_int_equal(s->n_resources, 1);
	assert_int_equal(s->n_options, 1);
	assert_int_equal(s->n_security, 0);
	assert_string_equal(s->routes[0].rttype, "net");
	assert_string_equal(s->mounts[2].host, "nfsres1");
	assert_ptr_equal(wpar_spec_find_mount(s, "/srv/shared"), &s->mounts[3]);
	assert_ptr_equal(wpar_spec_find_mount(s, "/tmp"), &s->mounts[1]);
	assert_null(wpar_spec_find_mount(s, "/var"));
	cleanup_error wpar_error_t err = NULL;
	if (wpar_spec_validate(s, &err) < 0)
		fail_msg("%s", err->msg);

	cleanup_free char *w = wpar_spec_write(s);
	assert_string_equal(w, full_canonical);
}

/* ---- syntax: comments, line endings, continuations ---------------------- */

static void test_comments_and_blank_lines(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = parse_ok("* A spec file written by hand.\n"
						    "# Both comment styles are accepted.\n"
						    "\n"
						    "   \t \n"
						    "general:\n"
						    "* comment inside a stanza\n"
						    "    # indented comment\n"
						    "    name = \"w1\"\n"
						    "\t*another = \"not an attribute\"\n"
						    "\n"
						    "\n"
						    "mount:\n"
						    "    directory = /var\n"
						    "#   directory = /tmp\n"
						    "    vfs = jfs2\n"
						    "*\n"
						    "#\n");
	assert_string_equal(s->general.name, "w1");
	assert_int_equal(s->n_mounts, 1);
	assert_string_equal(s->mounts[0].directory, "/var");
	assert_string_equal(s->mounts[0].vfs, "jfs2");

	/* Only whole lines are comments: a '#' inside a bare value is part of
	 * the value, as in AIX's stanza files. */
	cleanup_spec struct wpar_spec *t =
	    parse_ok("general:\n application = /bin/run # --not-a-comment\n");
	assert_string_equal(t->general.application, "/bin/run # --not-a-comment");

	/* An empty file and a file of comments are empty specs. */
	cleanup_spec struct wpar_spec *e = parse_ok("");
	assert_int_equal(e->n_general, 0);
	cleanup_free char *we = wpar_spec_write(e);
	assert_string_equal(we, "");
	cleanup_spec struct wpar_spec *c = parse_ok("* nothing\n# here\n\n");
	assert_int_equal(c->n_general, 0);
}

static void test_crlf(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = parse_ok("general:\r\n"
						    "    name = \"w1\"\r\n"
						    "    hostname = w1\r\n"
						    "\r\n"
						    "* comment\r\n"
						    "network:\r\n"
						    "    address = 10.0.0.5\r\n"
						    "    netmask = \"255.255.255.0\"   \r\n"
						    "security:\r\n"
						    "    privs = PV_SU_,\\\r\n"
						    "        PV_NET_\r\n");
	assert_string_equal(s->general.name, "w1");
	assert_string_equal(s->general.hostname, "w1");
	assert_string_equal(s->networks[0].address, "10.0.0.5");
	assert_string_equal(s->networks[0].netmask, "255.255.255.0");
	assert_string_equal(s->security.privs, "PV_SU_,PV_NET_");

	/* The same file with LF only writes the same text. */
	cleanup_free char *a = wpar_spec_write(s);
	cleanup_free char *b =
	    reparse_write("general:\n name = w1\n hostname = w1\nnetwork:\n address = 10.0.0.5\n"
			  " netmask = 255.255.255.0\nsecurity:\n privs = PV_SU_,PV_NET_\n");
	assert_string_equal(a, b);

	/* No newline at the end of the file. */
	cleanup_spec struct wpar_spec *t = parse_ok("general:\n name = \"w1\"");
	assert_string_equal(t->general.name, "w1");
	cleanup_spec struct wpar_spec *u = parse_ok("general:\r\n name = w1\r\n");
	assert_string_equal(u->general.name, "w1");
}

static void test_continuation(void **state UNUSED)
{
	/* Bare values: the blanks that indent the next line are dropped. */
	cleanup_spec struct wpar_spec *s = parse_ok("security:\n"
						    "    privs = PV_SU_,PV_AU_READ,\\\n"
						    "            PV_DEV_LOAD,\\\n"
						    "            PV_NET_\n"
						    "    secfile = /etc/wpars/sec\n");
	assert_string_equal(s->security.privs, "PV_SU_,PV_AU_READ,PV_DEV_LOAD,PV_NET_");
	assert_string_equal(s->security.secfile, "/etc/wpars/sec");

	/* Quoted values keep the next line as it is. */
	cleanup_spec struct wpar_spec *q = parse_ok("general:\n"
						    "    application = \"/bin/app --one \\\n"
						    "  --two\"\n");
	assert_string_equal(q->general.application, "/bin/app --one   --two");

	cleanup_spec struct wpar_spec *q2 = parse_ok("security:\n"
						     "privs = \"PV_SU_,\\\n"
						     "PV_AU_READ,\\\n"
						     "PV_NET_\"\n");
	assert_string_equal(q2->security.privs, "PV_SU_,PV_AU_READ,PV_NET_");

	/* Blanks after the backslash do not matter, on any line, and CRLF
	 * continuation lines work too. */
	cleanup_spec struct wpar_spec *b = parse_ok("security:\n"
						    " privs = a,\\  \n"
						    "  b,\\ \t\n"
						    "  c,\\\r\n"
						    "  d\n");
	assert_string_equal(b->security.privs, "a,b,c,d");

	/* Line numbers stay right after a continuation. */
	expect_error("security:\n"
		     "    privs = a,\\\n"
		     "        b\n"
		     "    secfile = relative\n",
		     4, "secfile", "relative");

	/* A continuation at the end of the file. */
	expect_error("general:\n name = w1\n application = /bin/a \\\n", 3, "end of the file",
		     NULL);
	expect_error("general:\n application = \"/bin/a \\\n", 2, "end of the file", NULL);
}

/* ---- round trips --------------------------------------------------------- */

static void test_roundtrip_canonical(void **state UNUSED)
{
	/* parse -> write of a canonical text gives the same bytes. */
	cleanup_free char *w1 = reparse_write(full_canonical);
	assert_string_equal(w1, full_canonical);

	/* write(parse(write(x))) == write(x) for AIX's example. */
	cleanup_free char *w2 = reparse_write(aix_rootvg_spec);
	cleanup_free char *w3 = reparse_write(w2);
	assert_string_equal(w2, w3);
	assert_true(w2[0] == 'g');

	/* An empty stanza survives. */
	cleanup_free char *w4 = reparse_write("general:\n\nresources:\n");
	assert_string_equal(w4, "general:\n\nresources:\n");

	/* dup() copies everything. */
	cleanup_spec struct wpar_spec *s = parse_ok(full_example);
	cleanup_spec struct wpar_spec *d = wpar_spec_dup(s);
	cleanup_free char *ws = wpar_spec_write(s);
	cleanup_free char *wd = wpar_spec_write(d);
	assert_string_equal(ws, wd);
}

static void test_roundtrip_quotes_backslashes(void **state UNUSED)
{
	static const char *values[] = {
	    "say \"hi\"",
	    "C:\\path\\",
	    "\\",
	    "\"",
	    "\\\"",
	    "\"\\\"\\",
	    "a\\\\b",
	    "ends with backslash\\",
	    "  leading and trailing blanks  ",
	    "# not a comment",
	    "* not a comment",
	    "name = \"x\"",
	    "general:",
	    "caf\xc3\xa9 \xe2\x82\xac",
	    "x\\ny",
	};
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		cleanup_spec struct wpar_spec *s = wpar_spec_new();
		cleanup_error wpar_error_t err = NULL;
		if (wpar_spec_set(s, WPAR_ST_GENERAL, 0, "application", values[i], &err) < 0)
			fail_msg("set '%s': %s", values[i], err->msg);
		if (wpar_spec_set(s, WPAR_ST_SECURITY, 0, "privs", values[i], &err) < 0)
			fail_msg("set '%s': %s", values[i], err->msg);
		cleanup_free char *w1 = wpar_spec_write(s);
		cleanup_spec struct wpar_spec *p = parse_ok(w1);
		if (strcmp(p->general.application, values[i]) != 0)
			fail_msg("'%s' came back as '%s' from:\n%s", values[i],
				 p->general.application, w1);
		assert_string_equal(p->security.privs, values[i]);
		cleanup_free char *w2 = wpar_spec_write(p);
		assert_string_equal(w1, w2);
	}

	/* The writer's escapes, byte for byte. */
	cleanup_spec struct wpar_spec *s = wpar_spec_new();
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "application", "a\"b\\c", NULL), 0);
	cleanup_free char *w = wpar_spec_write(s);
	assert_string_equal(w, "general:\n\tapplication = \"a\\\"b\\\\c\"\n");

	/* In a quoted value, a backslash before anything else is kept. */
	cleanup_spec struct wpar_spec *t = parse_ok("general:\n application = \"a\\nb\\tc\"\n");
	assert_string_equal(t->general.application, "a\\nb\\tc");
	/* In a bare value, backslashes and quotes are plain characters. */
	cleanup_spec struct wpar_spec *u = parse_ok("general:\n application = a\\\"b\"\n");
	assert_string_equal(u->general.application, "a\\\"b\"");
}

/* ---- every stanza and attribute of the table ------------------------------ */

struct sample {
	const char *key; /* stanza.attribute */
	const char *value;
};

/* One valid, already normalised value for every attribute.  A new
 * attribute in the table without a sample here fails the test. */
static const struct sample samples[] = {
    {"general.name", "w1"},
    {"general.checkpointable", "yes"},
    {"general.hostname", "w1.example.com"},
    {"general.directory", "/wpars/w1"},
    {"general.privateusr", "no"},
    {"general.devices", "/etc/wpars/devexports"},
    {"general.ostype", "0"},
    {"general.auto", "no"},
    {"general.rootvgwpar", "no"},
    {"general.preserve", "yes"},
    {"general.preservename", "grp1"},
    {"general.routing", "yes"},
    {"general.application", "/usr/bin/app -x 'quoted arg'"},
    {"general.script", "/etc/wpars/w1.hook"},
    {"general.postscript", "/usr/local/sbin/w1-post"},
    {"general.copy_nameres", "yes"},
    {"general.vg", "rootvg"},
    {"general.uuid", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
    {"general.init", "wpar"},
    {"network.broadcast", "10.0.0.255"},
    {"network.interface", "en0"},
    {"network.address", "10.0.0.5"},
    {"network.netmask", "255.255.255.0"},
    {"network.address6", "fe80:abcd::260:8c2e:a4"},
    {"network.prefixlen", "64"},
    {"route.rtdest", "192.168.0.0"},
    {"route.rtgateway", "10.0.0.1"},
    {"route.rtinterface", "en0"},
    {"route.rtnetmask", "255.255.0.0"},
    {"route.rtprefixlen", "16"},
    {"route.rttype", "net"},
    {"mount.directory", "/var"},
    {"mount.vfs", "jfs2"},
    {"mount.dev", "/dev/fslv00"},
    {"mount.size", "512M"},
    {"mount.mode", "0755"},
    {"mount.vg", "rootvg"},
    {"mount.logname", "INLINE"},
    {"mount.crfsopts", "-a agblksize=4096"},
    {"mount.host", "nfsres1"},
    {"mount.mountopts", "rw,hard"},
    {"lvmgmt.image_data", "/tmp/wpardata/w1/image.data"},
    {"lvmgmt.shrink", "no"},
    {"lvmgmt.ignore_lvs", "no"},
    {"lvmgmt.ignore_maps", "yes"},
    {"device.devname", "/dev/errorctl"},
    {"device.devid", "372200f6607600004c000000012ecab8f278.205VDASD03AIXvscsi"},
    {"device.devtype", "2"},
    {"device.globaldev", "/dev/*random"},
    {"device.export", "yes"},
    {"device.rootvg", "yes"},
    {"extension.kext", "/usr/lib/drivers/myext"},
    {"extension.exportfile", "/etc/wpars/myext.exp"},
    {"extension.local", "yes"},
    {"extension.major", "no"},
    {"resources.active", "yes"},
    {"resources.rset", "wpar/wpar1"},
    {"resources.shares_CPU", "100"},
    {"resources.CPU", "0%-100%,100%"},
    {"resources.shares_memory", "100"},
    {"resources.memory", "0%-100%,100%"},
    {"resources.procVirtMem", "1024MB"},
    {"resources.totalVirtMem", "2048MB"},
    {"resources.totalProcesses", "1024"},
    {"resources.totalThreads", "2048"},
    {"resources.totalPTYs", "8"},
    {"resources.totalLargePages", "16"},
    {"resources.pct_msgIDs", "20%"},
    {"resources.pct_semIDs", "30%"},
    {"resources.pct_shmIDs", "50%"},
    {"resources.pct_pinMem", "20.25%"},
    {"options.enable_rawsock", "no"},
    {"options.enable_hostname", "yes"},
    {"security.privs", "PV_SU_,PV_AU_READ,PV_NET_"},
    {"security.secfile", "/etc/wpars/w1.sec"},
    {"security.userns", "yes"},
    {"security.idrange", "268435456:65536"},
};

static const char *sample_for(const char *stanza, const char *attr)
{
	char key[64];
	snprintf(key, sizeof(key), "%s.%s", stanza, attr);
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++)
		if (strcmp(samples[i].key, key) == 0)
			return samples[i].value;
	fail_msg("no sample value for %s: add one to samples[]", key);
	return NULL;
}

/* Builds the text of every attribute: canonical (tab, quoted) or loose
 * (blanks, bare values, no blank lines). */
static char *every_attribute_text(bool canonical)
{
	struct strbuf sb = {0};
	for (int k = 0; k < WPAR_ST__COUNT; k++) {
		const struct wpar_stanza_desc *d = wpar_stanza_desc(k);
		strbuf_printf(&sb, "%s%s:\n", k && canonical ? "\n" : "", d->name);
		for (size_t a = 0; a < d->n_attrs; a++) {
			const char *v = sample_for(d->name, d->attrs[a].name);
			if (canonical)
				strbuf_printf(&sb, "\t%s = \"%s\"\n", d->attrs[a].name, v);
			else
				strbuf_printf(&sb, "  %s=%s\n", d->attrs[a].name, v);
		}
	}
	return strbuf_steal(&sb);
}

static void test_every_attribute(void **state UNUSED)
{
	size_t n_table = 0;
	for (int k = 0; k < WPAR_ST__COUNT; k++) {
		const struct wpar_stanza_desc *d = wpar_stanza_desc(k);
		assert_int_equal(wpar_spec_stanza_by_name(d->name), k);
		assert_string_equal(wpar_spec_stanza_name(k), d->name);
		n_table += d->n_attrs;
	}
	/* Every sample names an attribute of the table. */
	assert_int_equal(n_table, ARRAY_SIZE(samples));
	assert_int_equal(wpar_spec_stanza_by_name("generals"), -1);
	assert_int_equal(wpar_spec_stanza_by_name(""), -1);

	cleanup_free char *canon = every_attribute_text(true);
	cleanup_free char *loose = every_attribute_text(false);
	cleanup_spec struct wpar_spec *s = parse_ok(loose);
	for (int k = 0; k < WPAR_ST__COUNT; k++) {
		const struct wpar_stanza_desc *d = wpar_stanza_desc(k);
		assert_int_equal(*wpar_spec_count(s, k), 1);
		void *inst = wpar_spec_instance(s, k, 0);
		for (size_t a = 0; a < d->n_attrs; a++) {
			const char *got = *wpar_attr_slot(inst, &d->attrs[a]);
			const char *want = sample_for(d->name, d->attrs[a].name);
			if (got == NULL || strcmp(got, want) != 0)
				fail_msg("%s.%s: got '%s', want '%s'", d->name, d->attrs[a].name,
					 got ? got : "(null)", want);
		}
	}
	cleanup_free char *w = wpar_spec_write(s);
	assert_string_equal(w, canon);
	cleanup_free char *w2 = reparse_write(canon);
	assert_string_equal(w2, canon);

	/* Attribute names are case-sensitive. */
	expect_error("general:\n Name = w1\n", 2, "unknown attribute 'Name'", NULL);
}

/* Values are normalised where the table says so. */
static void test_normalisation(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s =
	    parse_ok("general:\n"
		     "  name = w1\n"
		     "  auto = YES\n"
		     "  checkpointable = n\n"
		     "  privateusr = True\n"
		     "  uuid = 3F2504E0-4F89-11D3-9A0C-0305E82C3301\n"
		     "resources:\n"
		     "  totalProcesses = unlimited\n"
		     "  totalThreads = -1\n"
		     "  pct_shmIDs = 50\n"
		     "  pct_msgIDs = 12.5\n"
		     "  procVirtMem = -1\n"
		     "  totalVirtMem = 2048\n");
	assert_string_equal(s->general.autostart, "yes");
	assert_string_equal(s->general.checkpointable, "no");
	assert_string_equal(s->general.privateusr, "yes");
	assert_string_equal(s->general.uuid, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
	assert_string_equal(s->resources.totalProcesses, "-1");
	assert_string_equal(s->resources.totalThreads, "-1");
	assert_string_equal(s->resources.pct_shmIDs, "50%");
	assert_string_equal(s->resources.pct_msgIDs, "12.5%");
	assert_string_equal(s->resources.totalVirtMem, "2048");
	assert_true(wpar_spec_flag(s->general.autostart));
	assert_false(wpar_spec_flag(s->general.checkpointable));
	assert_false(wpar_spec_flag(s->general.preserve));

	/* An empty value is an absent attribute. */
	cleanup_spec struct wpar_spec *e =
	    parse_ok("general:\n name = w1\n vg = \"\"\n hostname =\n");
	assert_null(e->general.vg);
	assert_null(e->general.hostname);
	cleanup_free char *w = wpar_spec_write(e);
	assert_string_equal(w, "general:\n\tname = \"w1\"\n");
}

/* ---- errors with line numbers -------------------------------------------- */

static void test_error_unknown_stanza(void **state UNUSED)
{
	expect_error("general:\n name = w1\n\nfilesystem:\n vfs = jfs2\n", 4,
		     "unknown stanza 'filesystem:'", "mount");
	expect_error("* comment\nGeneral:\n", 2, "'General:'", NULL);
}

static void test_error_unknown_attribute(void **state UNUSED)
{
	expect_error("general:\n name = w1\n colour = \"red\"\n", 3, "unknown attribute 'colour'",
		     "general");
	/* The message lists the valid attributes. */
	expect_error("mount:\n directory = /var\n\n vfs = jfs2\n sise = 1M\n", 5, "'sise'",
		     "directory, vfs, dev, size, mode");
	/* An attribute of another stanza. */
	expect_error("network:\n address = 10.0.0.1\n vfs = jfs2\n", 3, "'vfs'", "network");
	/* An unknown attribute is an error even when its value is empty. */
	expect_error("general:\n bogus = \"\"\n", 2, "'bogus'", NULL);
}

static void test_error_outside_stanza(void **state UNUSED)
{
	expect_error("* header comment\n\nname = \"w1\"\ngeneral:\n", 3, "outside of a stanza",
		     NULL);
	expect_error("name = w1\n", 1, "outside of a stanza", NULL);
}

static void test_error_duplicate_attribute(void **state UNUSED)
{
	expect_error("general:\n name = w1\n hostname = a\n\n hostname = b\n", 5,
		     "'hostname' appears twice", "general");
	/* Twice through an alias. */
	expect_error("route:\n rtdest = default\n rttype = net\n rtrtype = host\n", 4,
		     "'rtrtype' appears twice", "route");
	/* The same attribute in two instances of a repeatable stanza is fine. */
	cleanup_spec struct wpar_spec *s =
	    parse_ok("network:\n address = 10.0.0.1\nnetwork:\n address = 10.0.0.2\n");
	assert_int_equal(s->n_networks, 2);
	assert_string_equal(s->networks[1].address, "10.0.0.2");
}

static void test_error_second_general(void **state UNUSED)
{
	expect_error("general:\n name = w1\n\nnetwork:\n address = 10.0.0.1\n\n"
		     "general:\n name = w2\n",
		     7, "general stanza may appear only once", NULL);
	expect_error("resources:\nresources:\n", 2, "resources", "only once");
	expect_error("options:\n enable_rawsock = no\noptions:\n", 3, "options", NULL);
	expect_error("security:\nsecurity:\n", 2, "security", NULL);
	expect_error("lvmgmt:\nlvmgmt:\n", 2, "lvmgmt", NULL);
}

static void test_error_quotes(void **state UNUSED)
{
	expect_error("general:\n name = \"w1\n hostname = w1\n", 2, "no closing quote", NULL);
	expect_error("general:\n name = w1\n application = \"/bin/a \\\"\n", 3, "no closing quote",
		     NULL);
	/* A quoted value that continues: the line where it started. */
	expect_error("general:\n name = w1\n application = \"/bin/a \\\nrest\n", 3,
		     "no closing quote", NULL);
	expect_error("general:\n name = \"w1\" x\n", 2, "after the closing quote", NULL);
	expect_error("general:\n name = \"w1\"\"w2\"\n", 2, "after the closing quote", NULL);
	/* Blanks after the closing quote are fine. */
	cleanup_spec struct wpar_spec *s = parse_ok("general:\n name = \"w1\" \t \n");
	assert_string_equal(s->general.name, "w1");
}

static void test_error_syntax(void **state UNUSED)
{
	expect_error("general:\n name \"w1\"\n", 2, "attribute = value", NULL);
	expect_error("general:\n = w1\n", 2, "attribute = value", NULL);
	expect_error("general:\n name\n", 2, "attribute = value", NULL);
	expect_error("general:\n na-me = w1\n", 2, "attribute = value", NULL);
	expect_error("general :\n", 1, NULL, NULL);
	expect_error("general: name = w1\n", 1, NULL, NULL);
	expect_error(":\n", 1, NULL, NULL);

	/* A NUL byte anywhere is refused. */
	static const char nul[] = "general:\n name = w\0 1\n";
	struct wpar_spec *spec = NULL;
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_spec_parse(nul, sizeof(nul) - 1, "t.cf", &spec, &err), -1);
	assert_null(spec);
	assert_non_null(strstr(err->msg, "NUL"));

	/* Control characters in a value are refused, with the attribute. */
	expect_error("general:\n name = w1\n application = \"a\x01z\"\n", 3, "general.application",
		     "control character");
	expect_error("general:\n name = w1\n application = a\rb\n", 3, "application", NULL);
}

struct bad_value {
	const char *stanza, *line, *needle;
};

static void test_error_bad_values(void **state UNUSED)
{
	static const struct bad_value bad[] = {
	    {"general", "auto = \"maybe\"", "general.auto"},
	    {"general", "checkpointable = 2", "general.checkpointable"},
	    {"general", "name = \"bad name\"", "general.name"},
	    {"general", "name = 0wpar", "general.name"},
	    {"general", "name = aaaaaaaaaaaaaaaaaaaaaaaaaa", "general.name"},
	    {"general", "hostname = -bad", "general.hostname"},
	    {"general", "directory = wpars/w1", "general.directory"},
	    {"general", "ostype = 2", "general.ostype"},
	    {"general", "uuid = \"3f2504e0-4f89-11d3-9a0c-0305e82c330\"", "general.uuid"},
	    {"general", "uuid = \"3f2504e0-4f89-11d3-9a0c-0305e82c33011\"", "general.uuid"},
	    {"general", "uuid = \"3f2504e0x4f89-11d3-9a0c-0305e82c3301\"", "general.uuid"},
	    {"general", "uuid = \"3g2504e0-4f89-11d3-9a0c-0305e82c3301\"", "general.uuid"},
	    {"general", "uuid = not-a-uuid", "general.uuid"},
	    {"general", "init = upstart", "general.init"},
	    {"network", "netmask = 255.0.255.0", "network.netmask"},
	    {"network", "netmask = 255.255.255.1", "network.netmask"},
	    {"network", "netmask = 24", "network.netmask"},
	    {"network", "address = 1.2.3", "network.address"},
	    {"network", "address = 256.1.1.1", "network.address"},
	    {"network", "address = \"10.0.0.1 \"", "network.address"},
	    {"network", "address = fe80::1", "network.address"},
	    {"network", "broadcast = 10.0.0", "network.broadcast"},
	    {"network", "address6 = 10.0.0.1", "network.address6"},
	    {"network", "address6 = fe80:::1", "network.address6"},
	    {"network", "prefixlen = 129", "network.prefixlen"},
	    {"network", "prefixlen = -1", "network.prefixlen"},
	    {"network", "prefixlen = 64x", "network.prefixlen"},
	    {"network", "interface = \"en 0\"", "network.interface"},
	    {"network", "interface = abcdefghijklmnop", "network.interface"},
	    {"route", "rttype = both", "route.rttype"},
	    {"route", "rtgateway = gateway.example", "route.rtgateway"},
	    {"route", "rtdest = 10.0.0.0/129", "route.rtdest"},
	    {"route", "rtprefixlen = 200", "route.rtprefixlen"},
	    {"mount", "mode = 0999", "mount.mode"},
	    {"mount", "mode = 75", "mount.mode"},
	    {"mount", "mode = rwx", "mount.mode"},
	    {"mount", "size = \"12Q\"", "mount.size"},
	    {"mount", "size = 0", "mount.size"},
	    {"mount", "size = -5M", "mount.size"},
	    {"mount", "size = 1.5G", "mount.size"},
	    {"mount", "vfs = zfs", "mount.vfs"},
	    {"mount", "directory = var", "mount.directory"},
	    {"mount", "mountopts = \"rw, hard\"", "mount.mountopts"},
	    {"mount", "host = \"nfs server\"", "mount.host"},
	    {"lvmgmt", "shrink = sometimes", "lvmgmt.shrink"},
	    {"lvmgmt", "image_data = image.data", "lvmgmt.image_data"},
	    {"device", "devtype = char", "device.devtype"},
	    {"device", "export = maybe", "device.export"},
	    {"device", "globaldev = dev/null", "device.globaldev"},
	    {"extension", "local = 3", "extension.local"},
	    {"resources", "shares_CPU = 0", "resources.shares_CPU"},
	    {"resources", "shares_CPU = 65536", "resources.shares_CPU"},
	    {"resources", "shares_memory = lots", "resources.shares_memory"},
	    {"resources", "CPU = \"10 %\"", "resources.CPU"},
	    {"resources", "totalProcesses = 0", "resources.totalProcesses"},
	    {"resources", "totalThreads = -2", "resources.totalThreads"},
	    {"resources", "totalPTYs = many", "resources.totalPTYs"},
	    {"resources", "pct_msgIDs = 101%", "resources.pct_msgIDs"},
	    {"resources", "pct_semIDs = 1.234%", "resources.pct_semIDs"},
	    {"resources", "pct_shmIDs = 50%%", "resources.pct_shmIDs"},
	    {"resources", "pct_pinMem = %", "resources.pct_pinMem"},
	    {"resources", "procVirtMem = 12Q", "resources.procVirtMem"},
	    {"options", "enable_rawsock = on", "options.enable_rawsock"},
	    {"security", "secfile = sec", "security.secfile"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		/* The bad line is line 4, after a comment and a good line. */
		cleanup_free char *text = xasprintf(
		    "%s:\n* a comment\n%s\n    %s\n", bad[i].stanza,
		    strcmp(bad[i].stanza, "general") == 0 ? "    vg = rootvg" : "", bad[i].line);
		cleanup_free char *msg = parse_fail(text);
		if (strncmp(msg, "t.cf:4: ", 8) != 0 || strstr(msg, bad[i].needle) == NULL)
			fail_msg("'%s': expected 't.cf:4:' and '%s' in: %s", bad[i].line,
				 bad[i].needle, msg);
	}
}

static void test_route_aliases(void **state UNUSED)
{
	static const char *spellings[] = {"rttype", "rtrtype", "rtype"};
	for (size_t i = 0; i < ARRAY_SIZE(spellings); i++) {
		cleanup_free char *text = xasprintf(
		    "route:\n rtdest = default\n rtgateway = 10.0.0.1\n %s = host\n", spellings[i]);
		cleanup_spec struct wpar_spec *s = parse_ok(text);
		assert_string_equal(s->routes[0].rttype, "host");
		/* Written with the canonical name. */
		cleanup_free char *w = wpar_spec_write(s);
		assert_non_null(strstr(w, "\trttype = \"host\"\n"));
		assert_null(strstr(w, "rtrtype"));
	}
	/* Aliases belong to the route stanza only. */
	expect_error("network:\n rtype = net\n", 2, "'rtype'", NULL);
	/* And they work for wpar_spec_set and the -I words. */
	cleanup_spec struct wpar_spec *s = wpar_spec_new();
	char *words[] = {"rtdest=default", "rtgateway=10.0.0.1", "rtrtype=net"};
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_ROUTE, "-I", words, 3, NULL), 0);
	assert_string_equal(s->routes[0].rttype, "net");
}

/* ---- wpar_spec_set ------------------------------------------------------- */

static void test_spec_set(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = wpar_spec_new();
	cleanup_error wpar_error_t err = NULL;
	/* Single stanzas come into existence when first set. */
	assert_int_equal(s->n_general, 0);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "auto", "Yes", &err), 0);
	assert_int_equal(s->n_general, 1);
	assert_string_equal(s->general.autostart, "yes");
	/* NULL and "" clear. */
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "auto", "", &err), 0);
	assert_null(s->general.autostart);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "name", "w1", &err), 0);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "name", NULL, &err), 0);
	assert_null(s->general.name);
	/* A bad value leaves the old one. */
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "name", "w1", &err), 0);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_GENERAL, 0, "name", "w.1", &err), -1);
	assert_non_null(strstr(err->msg, "general.name"));
	wpar_error_release(&err);
	assert_string_equal(s->general.name, "w1");
	/* Repeatable stanzas need the instance to exist. */
	assert_int_equal(wpar_spec_set(s, WPAR_ST_MOUNT, 0, "vfs", "jfs2", &err), -1);
	assert_non_null(strstr(err->msg, "mount"));
	wpar_error_release(&err);
	size_t i = wpar_spec_append(s, WPAR_ST_MOUNT);
	assert_int_equal(i, 0);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_MOUNT, 0, "vfs", "jfs2", &err), 0);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_MOUNT, 1, "vfs", "jfs2", &err), -1);
	wpar_error_release(&err);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_MOUNT, 0, "colour", "red", &err), -1);
	assert_non_null(strstr(err->msg, "colour"));
	wpar_error_release(&err);

	/* remove_at keeps the others in order. */
	assert_int_equal(wpar_spec_append(s, WPAR_ST_MOUNT), 1);
	assert_int_equal(wpar_spec_append(s, WPAR_ST_MOUNT), 2);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_MOUNT, 1, "directory", "/b", &err), 0);
	assert_int_equal(wpar_spec_set(s, WPAR_ST_MOUNT, 2, "directory", "/c", &err), 0);
	wpar_spec_remove_at(s, WPAR_ST_MOUNT, 0);
	assert_int_equal(s->n_mounts, 2);
	assert_string_equal(s->mounts[0].directory, "/b");
	assert_string_equal(s->mounts[1].directory, "/c");
	wpar_spec_remove_at(s, WPAR_ST_MOUNT, 5); /* out of range: nothing */
	assert_int_equal(s->n_mounts, 2);
	wpar_spec_remove_at(s, WPAR_ST_GENERAL, 0);
	assert_int_equal(s->n_general, 0);
	assert_null(s->general.name);
}

/* ---- command-line attribute words ---------------------------------------- */

static void test_add_words_good(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = parse_ok("general:\n name = w1\n");
	cleanup_error wpar_error_t err = NULL;
	char *m1[] = {"directory=/var", "vfs=jfs2", "size=512M"};
	char *m2[] = {"directory=/data", "vfs=nfs", "host=nfsres1", "dev=/export/d"};
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_MOUNT, "-M", m1, 3, &err), 0);
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_MOUNT, "-M", m2, 4, &err), 0);
	assert_int_equal(s->n_mounts, 2);
	assert_string_equal(s->mounts[0].directory, "/var");
	assert_string_equal(s->mounts[0].size, "512M");
	assert_string_equal(s->mounts[1].host, "nfsres1");

	char *n1[] = {"address=1.2.3.4", "netmask=255.255.255.0", "interface=eth0"};
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_NETWORK, "-N", n1, 3, &err), 0);
	assert_string_equal(s->networks[0].address, "1.2.3.4");

	/* Single stanzas merge; a later value replaces an earlier one. */
	char *r1[] = {"shares_CPU=10", "active=YES"};
	char *r2[] = {"totalProcesses=100", "shares_CPU=20"};
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_RESOURCES, "-R", r1, 2, &err), 0);
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_RESOURCES, "-R", r2, 2, &err), 0);
	assert_int_equal(s->n_resources, 1);
	assert_string_equal(s->resources.shares_CPU, "20");
	assert_string_equal(s->resources.active, "yes");
	assert_string_equal(s->resources.totalProcesses, "100");

	/* A value may contain '=' and blanks. */
	char *g[] = {"application=/bin/env A=1 /bin/app"};
	assert_int_equal(wpar_spec_add_words(s, WPAR_ST_GENERAL, "-X", g, 1, &err), 0);
	assert_string_equal(s->general.application, "/bin/env A=1 /bin/app");
	assert_string_equal(s->general.name, "w1");

	/* What was added survives the file round trip. */
	cleanup_free char *w1 = wpar_spec_write(s);
	cleanup_free char *w2 = reparse_write(w1);
	assert_string_equal(w1, w2);
}

/* A failing call leaves the spec as it was. */
static void expect_words_fail(struct wpar_spec *s, enum wpar_stanza_kind kind, char **words,
			      size_t n, const char *needle1, const char *needle2)
{
	cleanup_free char *before = wpar_spec_write(s);
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_spec_add_words(s, kind, "-Z", words, n, &err), -1);
	assert_non_null(err);
	if (strncmp(err->msg, "-Z", 2) != 0)
		fail_msg("the message does not name the flag: %s", err->msg);
	if (needle1 && strstr(err->msg, needle1) == NULL)
		fail_msg("'%s' missing from: %s", needle1, err->msg);
	if (needle2 && strstr(err->msg, needle2) == NULL)
		fail_msg("'%s' missing from: %s", needle2, err->msg);
	cleanup_free char *after = wpar_spec_write(s);
	assert_string_equal(before, after);
}

static void test_add_words_errors(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s =
	    parse_ok("general:\n name = w1\nmount:\n directory = /var\n vfs = jfs2\n"
		     "resources:\n shares_CPU = 10\n");
	char *twice[] = {"vfs=jfs2", "vfs=jfs2"};
	expect_words_fail(s, WPAR_ST_MOUNT, twice, 2, "'vfs'", "twice");
	char *twice2[] = {"directory=/x", "vfs=namefs", "directory=/y"};
	expect_words_fail(s, WPAR_ST_MOUNT, twice2, 3, "'directory'", "twice");
	char *alias_twice[] = {"rttype=net", "rtrtype=net"};
	expect_words_fail(s, WPAR_ST_ROUTE, alias_twice, 2, "twice", NULL);

	char *unknown[] = {"directory=/x", "colour=red"};
	expect_words_fail(
	    s, WPAR_ST_MOUNT, unknown, 2, "'colour'",
	    "valid: directory, vfs, dev, size, mode, vg, logname, crfsopts, host, mountopts");

	/* A bad word after good ones changes nothing, for a single stanza
	 * too: shares_CPU keeps 10. */
	char *bad_late[] = {"shares_CPU=20", "totalProcesses=0"};
	expect_words_fail(s, WPAR_ST_RESOURCES, bad_late, 2, "totalProcesses", NULL);
	assert_string_equal(s->resources.shares_CPU, "10");
	assert_null(s->resources.totalProcesses);
	char *bad_mount[] = {"directory=/tmp", "vfs=jfs2", "size=12Q"};
	expect_words_fail(s, WPAR_ST_MOUNT, bad_mount, 3, "mount.size", "12Q");
	assert_int_equal(s->n_mounts, 1);

	char *no_eq[] = {"directory"};
	expect_words_fail(s, WPAR_ST_MOUNT, no_eq, 1, "attribute=value", NULL);
	char *no_attr[] = {"=/var"};
	expect_words_fail(s, WPAR_ST_MOUNT, no_attr, 1, "attribute=value", NULL);
	expect_words_fail(s, WPAR_ST_MOUNT, NULL, 0, "attr=value", NULL);
	char *ctl[] = {"directory=/a\tb"};
	expect_words_fail(s, WPAR_ST_MOUNT, ctl, 1, "control character", NULL);
}

/* ---- rules between attributes and stanzas -------------------------------- */

static void test_validate(void **state UNUSED)
{
	assert_validate_ok("general:\n name = w1\n");
	assert_validate_ok(full_example);

	cleanup_spec struct wpar_spec *empty = wpar_spec_new();
	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_spec_validate(empty, &err), -1);
	assert_non_null(strstr(err->msg, "name"));

	/* network: IPv4 or IPv6, not both. */
	assert_validate_fails("general:\n name = w1\nnetwork:\n address = 10.0.0.5\n"
			      " address6 = fe80::1\n",
			      "either IPv4");
	assert_validate_fails("general:\n name = w1\nnetwork:\n netmask = 255.0.0.0\n"
			      " prefixlen = 64\n",
			      "either IPv4");
	assert_validate_fails("general:\n name = w1\nnetwork:\n interface = en0\n", "no address");
	assert_validate_fails("general:\n name = w1\nnetwork:\n netmask = 255.0.0.0\n", "address=");
	assert_validate_fails("general:\n name = w1\nnetwork:\n prefixlen = 64\n", "address6=");
	assert_validate_ok("general:\n name = w1\nnetwork:\n address6 = fe80::1\n"
			   " prefixlen = 64\n interface = en0\n");

	/* mounts */
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /g\n"
			      " vfs = namefs\n",
			      "namefs needs dev=");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /g\n"
			      " vfs = namefs\n dev = relative\n",
			      "namefs needs dev=");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /d\n"
			      " vfs = nfs\n dev = /export/d\n",
			      "nfs needs host=");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /d\n"
			      " vfs = nfs\n host = srv\n",
			      "nfs needs host=");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /d\n"
			      " vfs = jfs2\n host = srv\n",
			      "host= is only valid");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /g\n"
			      " vfs = namefs\n dev = /global\n size = 1G\n",
			      "size= is only valid");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /d\n"
			      " vfs = directory\n dev = /x\n",
			      "takes no dev=");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /d\n", "no vfs");
	assert_validate_fails("general:\n name = w1\nmount:\n vfs = jfs2\n", "no directory");
	static const char *bad_dirs[] = {"/a/../b", "/..", "/a/..", "/a/./b", "/.", "/a//b", "/a/"};
	for (size_t i = 0; i < ARRAY_SIZE(bad_dirs); i++) {
		cleanup_free char *t = xasprintf(
		    "general:\n name = w1\nmount:\n directory = %s\n vfs = jfs2\n", bad_dirs[i]);
		assert_validate_fails(t, "plain absolute path");
	}
	assert_validate_ok("general:\n name = w1\nmount:\n directory = /a/..b/c..\n"
			   " vfs = jfs2\nmount:\n directory = /\n vfs = jfs2\n"
			   " size = 1G\nmount:\n directory = /t\n vfs = tmpfs\n size = 64M\n");
	assert_validate_fails("general:\n name = w1\nmount:\n directory = /var\n"
			      " vfs = jfs2\nmount:\n directory = /home\n vfs = jfs2\n"
			      "mount:\n directory = /var\n vfs = directory\n",
			      "two mounts are given for directory /var");

	/* application WPARs */
	assert_validate_fails("general:\n name = a1\n application = /bin/app\n"
			      "device:\n globaldev = /dev/null\n",
			      "not valid for application WPARs");
	assert_validate_fails("general:\n name = a1\n application = /bin/app\n"
			      "options:\n enable_rawsock = no\n",
			      "not valid for application WPARs");
	assert_validate_fails("general:\n name = a1\n application = /bin/app\n"
			      " auto = yes\n",
			      "not valid for application WPARs");
	assert_validate_fails("general:\n name = a1\n application = /bin/app\n"
			      "mount:\n directory = /d\n vfs = jfs2\n",
			      "application WPAR");
	assert_validate_ok("general:\n name = a1\n application = /bin/app\n"
			   "mount:\n directory = /d\n vfs = namefs\n dev = /d\n");
	{
		cleanup_spec struct wpar_spec *a =
		    parse_ok("general:\n name = a1\n application = /bin/app\n");
		assert_int_equal(wpar_spec_type(a), WPAR_APPLICATION);
	}

	/* preserve */
	assert_validate_fails("general:\n name = w1\n preservename = grp\n",
			      "preservename needs preserve");
	assert_validate_fails("general:\n name = w1\n preserve = no\n"
			      " preservename = grp\n",
			      "preservename needs preserve");
	assert_validate_ok("general:\n name = w1\n preserve = yes\n preservename = grp\n");

	/* ostype, rootvg, routes */
	assert_validate_fails("general:\n name = w1\n ostype = 1\n", "ostype");
	assert_validate_fails("general:\n name = w1\n rootvgwpar = yes\n", "rootvg");
	assert_validate_ok("general:\n name = w1\n rootvgwpar = yes\n"
			   "device:\n devname = /dev/sdb\n rootvg = yes\n");
	assert_validate_fails("general:\n name = w1\nroute:\n rtdest = default\n", "rtgateway");
	assert_validate_fails("general:\n name = w1\nroute:\n rtdest = 10.0.0.0\n"
			      " rtgateway = 10.0.0.1\n rtnetmask = 255.0.0.0\n"
			      " rtprefixlen = 8\n",
			      "exclude each other");
	assert_validate_fails("general:\n name = w1\nroute:\n rtdest = 10.0.0.0/8\n"
			      " rtgateway = 10.0.0.1\n rtprefixlen = 8\n",
			      "already has a prefix length");
}

/* The resource set the examples name, in a registry of their own (before
 * anything reads the paths). */
static char confdir[64];

static void remove_confdir(void)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", confdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", confdir);
}

int main(void)
{
	strcpy(confdir, "/tmp/wpar-spec-XXXXXX");
	if (mkdtemp(confdir) == NULL)
		return 1;
	setenv("WPAR_CONFDIR", confdir, 1);
	atexit(remove_confdir);
	wpar_error_t err = NULL;
	if (wpar_rset_create("wpar/wpar1", "0", NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err->msg);
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_aix_unindented),
	    cmocka_unit_test(test_parse_aix_indented),
	    cmocka_unit_test(test_parse_bare_values),
	    cmocka_unit_test(test_parse_full_example),
	    cmocka_unit_test(test_comments_and_blank_lines),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_roundtrip_canonical),
	    cmocka_unit_test(test_roundtrip_quotes_backslashes),
	    cmocka_unit_test(test_every_attribute),
	    cmocka_unit_test(test_normalisation),
	    cmocka_unit_test(test_error_unknown_stanza),
	    cmocka_unit_test(test_error_unknown_attribute),
	    cmocka_unit_test(test_error_outside_stanza),
	    cmocka_unit_test(test_error_duplicate_attribute),
	    cmocka_unit_test(test_error_second_general),
	    cmocka_unit_test(test_error_quotes),
	    cmocka_unit_test(test_error_syntax),
	    cmocka_unit_test(test_error_bad_values),
	    cmocka_unit_test(test_route_aliases),
	    cmocka_unit_test(test_spec_set),
	    cmocka_unit_test(test_add_words_good),
	    cmocka_unit_test(test_add_words_errors),
	    cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
