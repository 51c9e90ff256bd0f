/* What each lswpar view shows for specs built in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "views.h"

#define EQ "=================================================================\n"

static void set(struct wpar_spec *s, enum wpar_stanza_kind k, size_t i, const char *attr,
		const char *value)
{
	wpar_error_t err = NULL;
	if (wpar_spec_set(s, k, i, attr, value, &err) < 0)
		fail_msg("%s=%s: %s", attr, value, err->msg);
}

static struct wpar_spec *system_spec(const char *name)
{
	struct wpar_spec *s = wpar_spec_new();
	set(s, WPAR_ST_GENERAL, 0, "name", name);
	return s;
}

static char *render_view(enum wpar_view v, const struct wpar_view_subject *w, unsigned flags,
			 struct table_format fmt)
{
	cleanup_table struct table *t = wpar_view_table(v);
	wpar_view_add(v, w, flags, t);
	struct strbuf sb = {0};
	table_render(t, &fmt, &sb);
	return strbuf_steal(&sb);
}

static void test_summary(void **state)
{
	cleanup_spec struct wpar_spec *a = system_spec("w1");
	cleanup_spec struct wpar_spec *b = system_spec("database2");
	set(b, WPAR_ST_GENERAL, 0, "hostname", "db2.example.com");
	set(b, WPAR_ST_GENERAL, 0, "directory", "/srv/wpars/db2");
	set(b, WPAR_ST_GENERAL, 0, "rootvgwpar", "yes");
	cleanup_spec struct wpar_spec *c = system_spec("app");
	set(c, WPAR_ST_GENERAL, 0, "application", "/usr/bin/sleep 100");

	cleanup_table struct table *t = wpar_view_table(WPAR_VIEW_SUMMARY);
	struct wpar_view_subject w[] = {
	    {"w1", a, WPAR_DEFINED},
	    {"database2", b, WPAR_ACTIVE},
	    {"app", c, WPAR_ACTIVE},
	};
	for (size_t i = 0; i < 3; i++)
		wpar_view_add(WPAR_VIEW_SUMMARY, &w[i], 0, t);

	struct strbuf sb = {0};
	table_render(t, &(struct table_format){.style = TABLE_ALIGNED}, &sb);
	cleanup_free char *s = strbuf_steal(&sb);
	assert_string_equal(s,
			    "Name       State  Type  Hostname         Directory       RootVG WPAR\n"
			    "--------------------------------------------------------------------\n"
			    "w1         D      S     w1               /wpars/w1       no\n"
			    "database2  A      S     db2.example.com  /srv/wpars/db2  yes\n"
			    "app        A      A     app              /               no\n");

	table_render(t, &(struct table_format){.style = TABLE_DELIMITED}, &sb);
	cleanup_free char *c1 = strbuf_steal(&sb);
	assert_string_equal(c1, "#name:state:type:hostname:directory:rootvgwpar\n"
				"w1:D:S:w1:/wpars/w1:no\n"
				"database2:A:S:db2.example.com:/srv/wpars/db2:yes\n"
				"app:A:A:app:/:no\n");

	wpar_error_t err = NULL;
	assert_int_equal(table_select(t, "name,directory", &err), 0);
	table_render(
	    t, &(struct table_format){.style = TABLE_DELIMITED, .delim = '|', .no_header = true},
	    &sb);
	cleanup_free char *c2 = strbuf_steal(&sb);
	assert_string_equal(c2, "w1|/wpars/w1\ndatabase2|/srv/wpars/db2\napp|/\n");

	table_render(t, &(struct table_format){.style = TABLE_ALIGNED, .no_header = true}, &sb);
	cleanup_free char *q = strbuf_steal(&sb);
	assert_string_equal(q, "w1         /wpars/w1\n"
			       "database2  /srv/wpars/db2\n"
			       "app        /\n");

	json_t *j = table_to_json(t);
	cleanup_free char *js = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_string_equal(js, "[{\"name\":\"w1\",\"directory\":\"/wpars/w1\"},"
				"{\"name\":\"database2\",\"directory\":\"/srv/wpars/db2\"},"
				"{\"name\":\"app\",\"directory\":\"/\"}]");
}

static void test_general(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("syswpar");
	set(s, WPAR_ST_GENERAL, 0, "checkpointable", "yes");
	set(s, WPAR_ST_GENERAL, 0, "uuid", "FF8CADE2-5E98-11E0-8628-E2DC60002003");
	set(s, WPAR_ST_GENERAL, 0, "script", "/etc/wpar/start.sh");
	struct wpar_view_subject w = {"syswpar", s, WPAR_DEFINED};
	cleanup_free char *out =
	    render_view(WPAR_VIEW_GENERAL, &w, 0, (struct table_format){.style = TABLE_PARAGRAPH});
	assert_string_equal(out,
			    EQ "syswpar - Defined\n" EQ "Type:                   S\n"
			       "RootVG WPAR:            no\n"
			       "Owner:                  root\n"
			       "Hostname:               syswpar\n"
			       "WPAR-Specific Routing:  no\n"
			       "Virtual IP WPAR:\n"
			       "Directory:              /wpars/syswpar\n"
			       "Start/Stop Script:      /etc/wpar/start.sh\n"
			       "Auto Start:             no\n"
			       "Private /usr:           no\n"
			       "Checkpointable:         yes\n"
			       "Application:\n"
			       "OStype:                 0\n"
			       "UUID:                   ff8cade2-5e98-11e0-8628-e2dc60002003\n");

	cleanup_table struct table *t = wpar_view_table(WPAR_VIEW_GENERAL);
	wpar_view_add(WPAR_VIEW_GENERAL, &w, 0, t);
	wpar_error_t err = NULL;
	assert_int_equal(table_select(t, "name,state,checkpointable", &err), 0);
	json_t *j = table_to_json(t);
	cleanup_free char *js = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_string_equal(js, "[{\"name\":\"syswpar\",\"state\":\"Defined\","
				"\"checkpointable\":\"yes\"}]");
}

static void test_resources(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("janel");
	set(s, WPAR_ST_RESOURCES, 0, "shares_CPU", "15");
	set(s, WPAR_ST_RESOURCES, 0, "CPU", "10%-20%,30%");
	set(s, WPAR_ST_RESOURCES, 0, "totalProcesses", "unlimited");
	set(s, WPAR_ST_RESOURCES, 0, "pct_pinMem", "30");
	struct wpar_view_subject w = {"janel", s, WPAR_DEFINED};
	cleanup_free char *out = render_view(WPAR_VIEW_RESOURCES, &w, 0,
					     (struct table_format){.style = TABLE_PARAGRAPH});
	assert_string_equal(out,
			    EQ "janel - Defined\n" EQ "Active:                            yes\n"
			       "Resource Set:\n"
			       "CPU Shares:                        15\n"
			       "CPU Limits:                        10%-20%,30%\n"
			       "Memory Shares:\n"
			       "Memory Limits:\n"
			       "Per-Process Virtual Memory Limit:  unlimited\n"
			       "Total Virtual Memory Limit:        unlimited\n"
			       "Total Processes:                   unlimited\n"
			       "Total Threads:\n"
			       "Total PTYs:\n"
			       "Total Large Pages:\n"
			       "Max Message Queue IDs:\n"
			       "Max Semaphore IDs:\n"
			       "Max Shared Memory IDs:\n"
			       "Max Pinned Memory:                 30%\n");

	/* A running WPAR shows the value in force for everything. */
	w.state = WPAR_ACTIVE;
	assert_int_equal(wpar_view_flags_for_state(WPAR_ACTIVE), WPAR_VIEW_DEFAULTS);
	assert_int_equal(wpar_view_flags_for_state(WPAR_DEFINED), 0);
	cleanup_table struct table *t = wpar_view_table(WPAR_VIEW_RESOURCES);
	wpar_view_add(WPAR_VIEW_RESOURCES, &w, WPAR_VIEW_DEFAULTS, t);
	struct strbuf sb = {0};
	table_render(t, &(struct table_format){.style = TABLE_DELIMITED, .no_header = true}, &sb);
	cleanup_free char *c = strbuf_steal(&sb);
	assert_string_equal(c, "janel:Active:yes::15:10%-20%,30%:unlimited:"
			       "0%-100%,100%:unlimited:unlimited:unlimited:"
			       "unlimited:unlimited:unlimited:100%:100%:100%:30%\n");
}

static void test_network_routes(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("wpar1");
	size_t i = wpar_spec_append(s, WPAR_ST_NETWORK);
	set(s, WPAR_ST_NETWORK, i, "interface", "en0");
	set(s, WPAR_ST_NETWORK, i, "address", "172.16.20.102");
	set(s, WPAR_ST_NETWORK, i, "netmask", "255.255.252.0");
	i = wpar_spec_append(s, WPAR_ST_NETWORK);
	set(s, WPAR_ST_NETWORK, i, "interface", "br0");
	set(s, WPAR_ST_NETWORK, i, "address6", "fd00::10");
	set(s, WPAR_ST_NETWORK, i, "prefixlen", "64");
	i = wpar_spec_append(s, WPAR_ST_ROUTE);
	set(s, WPAR_ST_ROUTE, i, "rtdest", "default");
	set(s, WPAR_ST_ROUTE, i, "rtgateway", "172.16.20.1");
	struct wpar_view_subject w = {"wpar1", s, WPAR_DEFINED};

	cleanup_free char *n =
	    render_view(WPAR_VIEW_NETWORK, &w, 0, (struct table_format){.style = TABLE_ALIGNED});
	assert_string_equal(n, "Name   Interface  Address(6)     Mask/Prefix    Broadcast\n"
			       "-------------------------------------------------------------\n"
			       "wpar1  en0        172.16.20.102  255.255.252.0  172.16.23.255\n"
			       "wpar1  br0        fd00::10       64\n");
	cleanup_free char *r =
	    render_view(WPAR_VIEW_ROUTES, &w, 0, (struct table_format){.style = TABLE_ALIGNED});
	assert_string_equal(r, "Name   Destination  Gateway      Type  Interface\n"
			       "------------------------------------------------\n"
			       "wpar1  default      172.16.20.1\n");
}

static void add_mount(struct wpar_spec *s, const char *dir, const char *vfs, const char *dev,
		      const char *opts)
{
	size_t i = wpar_spec_append(s, WPAR_ST_MOUNT);
	set(s, WPAR_ST_MOUNT, i, "directory", dir);
	set(s, WPAR_ST_MOUNT, i, "vfs", vfs);
	if (dev)
		set(s, WPAR_ST_MOUNT, i, "dev", dev);
	if (opts)
		set(s, WPAR_ST_MOUNT, i, "mountopts", opts);
}

/* The stanzas mkwpar writes for a shared system WPAR. */
static void test_mounts_defaults(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("syswpar");
	add_mount(s, "/", "directory", NULL, NULL);
	add_mount(s, "/usr", "namefs", "/usr", "ro");
	add_mount(s, "/home", "directory", NULL, NULL);
	add_mount(s, "/opt", "namefs", "/opt", "ro");
	add_mount(s, "/tmp", "directory", NULL, NULL);
	add_mount(s, "/var", "directory", NULL, NULL);
	struct wpar_view_subject w = {"syswpar", s, WPAR_DEFINED};
	cleanup_free char *m =
	    render_view(WPAR_VIEW_MOUNTS, &w, 0, (struct table_format){.style = TABLE_ALIGNED});
	assert_string_equal(
	    m, "Name     Mount Point          Device     Vfs        Nodename  Options\n"
	       "---------------------------------------------------------------------\n"
	       "syswpar  /wpars/syswpar       directory  directory\n"
	       "syswpar  /wpars/syswpar/home  directory  directory\n"
	       "syswpar  /wpars/syswpar/opt   /opt       namefs               ro\n"
	       "syswpar  /wpars/syswpar/tmp   directory  directory\n"
	       "syswpar  /wpars/syswpar/usr   /usr       namefs               ro\n"
	       "syswpar  /wpars/syswpar/var   directory  directory\n");
}

/* A bind source that has disappeared from the host must not make the
 * WPAR unlistable. */
static void test_mounts_missing_source(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("w2");
	set(s, WPAR_ST_GENERAL, 0, "directory", "/srv/w2");
	add_mount(s, "/", "directory", NULL, NULL);
	add_mount(s, "/data", "namefs", "/nonexistent/wpar-test-source", "rw");
	struct wpar_view_subject w = {"w2", s, WPAR_DEFINED};
	cleanup_free char *m =
	    render_view(WPAR_VIEW_MOUNTS, &w, 0,
			(struct table_format){.style = TABLE_DELIMITED, .no_header = true});
	assert_string_equal(m, "w2:/srv/w2:directory:directory::\n"
			       "w2:/srv/w2/data:/nonexistent/wpar-test-source:namefs::rw\n");
}

/* Sized local file systems show their image; NFS shows the server and
 * the exported path apart. */
static void test_mounts_image_nfs(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("nfswpar1");
	set(s, WPAR_ST_GENERAL, 0, "directory", "/wpars/nfswpar1");
	add_mount(s, "/", "nfs", "/shared1/nfswpar1", "bg,intr");
	size_t i = wpar_spec_append(s, WPAR_ST_MOUNT);
	set(s, WPAR_ST_MOUNT, i, "directory", "/home");
	set(s, WPAR_ST_MOUNT, i, "size", "64M");
	set(s, WPAR_ST_MOUNT, 0, "host", "nfsres1");
	struct wpar_view_subject w = {"nfswpar1", s, WPAR_DEFINED};
	cleanup_free char *m =
	    render_view(WPAR_VIEW_MOUNTS, &w, 0,
			(struct table_format){.style = TABLE_DELIMITED, .no_header = true});
	assert_string_equal(m, "nfswpar1:/wpars/nfswpar1:/shared1/nfswpar1:nfs:"
			       "nfsres1:bg,intr\n"
			       "nfswpar1:/wpars/nfswpar1/home:/var/lib/wpar/wpars/"
			       "nfswpar1/fs/home.img:jfs2::\n");
}

/* A spec the file-system plan refuses is still listed, from its stanzas,
 * and the root shows even without a stanza for it. */
static void test_mounts_refused_plan(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("w3");
	add_mount(s, "/var", "directory", NULL, NULL);
	add_mount(s, "/var", "tmpfs", NULL, "size=1m");
	struct wpar_view_subject w = {"w3", s, WPAR_DEFINED};
	cleanup_free char *m =
	    render_view(WPAR_VIEW_MOUNTS, &w, 0,
			(struct table_format){.style = TABLE_DELIMITED, .no_header = true});
	assert_string_equal(m, "w3:/wpars/w3:directory:directory::\n"
			       "w3:/wpars/w3/var:directory:directory::\n"
			       "w3:/wpars/w3/var:tmpfs:tmpfs::size=1m\n");
}

static void test_devices_extensions(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("wpar11");
	size_t i = wpar_spec_append(s, WPAR_ST_DEVICE);
	set(s, WPAR_ST_DEVICE, i, "devname", "/dev/sdb");
	set(s, WPAR_ST_DEVICE, i, "devtype", "2");
	set(s, WPAR_ST_DEVICE, i, "rootvg", "yes");
	i = wpar_spec_append(s, WPAR_ST_DEVICE);
	set(s, WPAR_ST_DEVICE, i, "devname", "/dev/null");
	set(s, WPAR_ST_DEVICE, i, "devtype", "1");
	i = wpar_spec_append(s, WPAR_ST_DEVICE);
	set(s, WPAR_ST_DEVICE, i, "devname", "/dev/kmem");
	set(s, WPAR_ST_DEVICE, i, "export", "no");
	i = wpar_spec_append(s, WPAR_ST_EXTENSION);
	set(s, WPAR_ST_EXTENSION, i, "kext", "ALL");
	set(s, WPAR_ST_EXTENSION, i, "local", "yes");
	struct wpar_view_subject w = {"wpar11", s, WPAR_DEFINED};
	cleanup_free char *d =
	    render_view(WPAR_VIEW_DEVICES, &w, 0, (struct table_format){.style = TABLE_ALIGNED});
	assert_string_equal(d, "Name    Device Name  Type    Virtual Device  RootVG  Status\n"
			       "--------------------------------------------------------------\n"
			       "wpar11  /dev/sdb     disk                    yes     ALLOCATED\n"
			       "wpar11  /dev/null    pseudo                          ALLOCATED\n");
	w.state = WPAR_ACTIVE;
	cleanup_free char *x =
	    render_view(WPAR_VIEW_EXTENSIONS, &w, 0, (struct table_format){.style = TABLE_ALIGNED});
	assert_string_equal(x, "Name    Extension Name  Local  Major  Status\n"
			       "----------------------------------------------\n"
			       "wpar11  ALL             yes    no     EXPORTED\n");
}

static void test_long(void **state)
{
	cleanup_spec struct wpar_spec *s = system_spec("w1");
	size_t i = wpar_spec_append(s, WPAR_ST_NETWORK);
	set(s, WPAR_ST_NETWORK, i, "interface", "en0");
	set(s, WPAR_ST_NETWORK, i, "address", "10.0.0.5");
	set(s, WPAR_ST_NETWORK, i, "netmask", "255.255.255.0");
	set(s, WPAR_ST_SECURITY, 0, "privs", "PV_NET_CNTL,PV_FS_MOUNT");
	struct wpar_view_subject w = {"w1", s, WPAR_DEFINED};
	struct strbuf sb = {0};
	wpar_view_render_long(&w, 0, &sb);
	cleanup_free char *out = strbuf_steal(&sb);
	assert_string_equal(out, EQ "w1 - Defined\n" EQ "GENERAL\n"
				    "Type:                   S\n"
				    "RootVG WPAR:            no\n"
				    "Owner:                  root\n"
				    "Hostname:               w1\n"
				    "WPAR-Specific Routing:  no\n"
				    "Virtual IP WPAR:\n"
				    "Directory:              /wpars/w1\n"
				    "Start/Stop Script:\n"
				    "Auto Start:             no\n"
				    "Private /usr:           no\n"
				    "Checkpointable:         no\n"
				    "Application:\n"
				    "OStype:                 0\n"
				    "UUID:\n"
				    "\n"
				    "NETWORK\n"
				    "Interface  Address(6)  Mask/Prefix    Broadcast\n"
				    "------------------------------------------------\n"
				    "en0        10.0.0.5    255.255.255.0  10.0.0.255\n"
				    "\n"
				    "USER-SPECIFIED ROUTES\n"
				    "Destination  Gateway  Type  Interface\n"
				    "-------------------------------------\n"
				    "\n"
				    "FILE SYSTEMS\n"
				    "Mount Point  Device     Vfs        Nodename  Options\n"
				    "----------------------------------------------------\n"
				    "/wpars/w1    directory  directory\n"
				    "\n"
				    "RESOURCE CONTROLS\n"
				    "Active:                            yes\n"
				    "Resource Set:\n"
				    "CPU Shares:\n"
				    "CPU Limits:\n"
				    "Memory Shares:\n"
				    "Memory Limits:\n"
				    "Per-Process Virtual Memory Limit:  unlimited\n"
				    "Total Virtual Memory Limit:        unlimited\n"
				    "Total Processes:\n"
				    "Total Threads:\n"
				    "Total PTYs:\n"
				    "Total Large Pages:\n"
				    "Max Message Queue IDs:\n"
				    "Max Semaphore IDs:\n"
				    "Max Shared Memory IDs:\n"
				    "Max Pinned Memory:\n"
				    "\n"
				    "SECURITY SETTINGS\n"
				    "Privileges:      CAP_NET_ADMIN\n"
				    "Security File:\n"
				    "User Namespace:  no\n"
				    "\n"
				    "DEVICE EXPORTS\n"
				    "Device Name  Type  Virtual Device  RootVG  Status\n"
				    "-------------------------------------------------\n");

	json_t *j = wpar_view_long_json(&w, 0);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "Defined");
	json_t *net = json_object_get(j, "network");
	assert_int_equal(json_array_size(net), 1);
	assert_null(json_object_get(json_array_get(net, 0), "name"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(net, 0), "broadcast")),
			    "10.0.0.255");
	json_t *gen = json_object_get(j, "general");
	assert_null(json_object_get(gen, "name"));
	assert_string_equal(json_string_value(json_object_get(gen, "type")), "S");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "security"), "privileges")),
	    "CAP_NET_ADMIN");
	json_decref(j);
}

int main(void)
{
	/* Default host layout, whatever the caller's environment says. */
	unsetenv("WPAR_BASEDIR");
	unsetenv("WPAR_STATEDIR");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_general),
	    cmocka_unit_test(test_resources),
	    cmocka_unit_test(test_network_routes),
	    cmocka_unit_test(test_mounts_defaults),
	    cmocka_unit_test(test_mounts_missing_source),
	    cmocka_unit_test(test_mounts_image_nfs),
	    cmocka_unit_test(test_mounts_refused_plan),
	    cmocka_unit_test(test_devices_extensions),
	    cmocka_unit_test(test_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
