/* Transient, delegated scopes for WPAR cgroups (see cgroup_systemd.h).
 * The D-Bus calls are the ones systemd documents for container managers
 * (systemd.io/CGROUP_DELEGATION): StartTransientUnit of a scope with
 * Delegate=yes, then the JobRemoved signal of its start job. */
#include "cgroup_systemd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbus.h"
#include "util.h"

#define PRIVATE_SOCKET "unix:path=/run/systemd/private"
#define DEFAULT_SLICE  "wpar.slice"
#define CALL_MS        10000

static const char *const systemd_dest = "org.freedesktop.systemd1";
static const char *const systemd_path = "/org/freedesktop/systemd1";
static const char *const manager_iface = "org.freedesktop.systemd1.Manager";

int wpar_systemd_manages_cgroups(bool real_v2_root, bool *yes, wpar_error_t *err)
{
	const char *m = getenv("WPAR_CGROUP_MANAGER");
	if (m == NULL || *m == '\0' || strcmp(m, "auto") == 0) {
		*yes = real_v2_root && path_exists("/run/systemd/system");
		return 0;
	}
	if (strcmp(m, "systemd") == 0 || strcmp(m, "cgroupfs") == 0) {
		*yes = strcmp(m, "systemd") == 0;
		return 0;
	}
	return wpar_error_input(err, "WPAR_CGROUP_MANAGER=%s: expected auto, systemd or cgroupfs",
				m);
}

static bool unit_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == ':' || ch == '_' || ch == '.' || ch == '-';
}

int wpar_systemd_slice(char **slice, char **path, wpar_error_t *err)
{
	const char *env = getenv("WPAR_SYSTEMD_SLICE");
	const char *s = env && *env ? env : DEFAULT_SLICE;
	size_t n = strlen(s);
	size_t stem = n > 6 ? n - 6 : 0;
	bool ok = n > 6 && strcmp(s + stem, ".slice") == 0 && s[0] != '-' && s[stem - 1] != '-' &&
		  strstr(s, "--") == NULL;
	for (size_t i = 0; ok && i < stem; i++)
		ok = unit_char(s[i]) && s[i] != '.';
	if (!ok)
		return wpar_error_input(err, "WPAR_SYSTEMD_SLICE=%s: not a slice unit name", s);
	/* Each dash is a level: a-b-c.slice is in a-b.slice, in a.slice. */
	struct strbuf sb = {0};
	for (size_t i = 0; i <= stem; i++) {
		if (i < stem && s[i] != '-')
			continue;
		strbuf_printf(&sb, "%s%.*s.slice", sb.len ? "/" : "", (int)i, s);
	}
	*slice = xstrdup(s);
	*path = strbuf_steal(&sb);
	return 0;
}

char *wpar_systemd_scope_name(const char *wpar_name)
{
	struct strbuf sb = {0};
	strbuf_puts(&sb, "wpar-");
	for (const char *p = wpar_name; *p; p++) {
		/* A leading dot would be fine in a unit name, but systemd
		 * escapes it; so does this, to name the same unit. */
		if (unit_char(*p) && !(p == wpar_name && *p == '.'))
			strbuf_add(&sb, p, 1);
		else
			strbuf_printf(&sb, "\\x%02x", (unsigned char)*p);
	}
	strbuf_puts(&sb, ".scope");
	return strbuf_steal(&sb);
}

/* Connects to systemd: its own socket (a direct connection), or the
 * message bus WPAR_SYSTEMD_BUS names, listening there for JobRemoved. */
static int connect_systemd(struct wpar_dbus **c, wpar_error_t *err)
{
	const char *bus = getenv("WPAR_SYSTEMD_BUS");
	bool via_bus = bus && *bus;
	if (wpar_dbus_connect(via_bus ? bus : PRIVATE_SOCKET, via_bus, c, err) < 0)
		return wpar_error_prefix(err, "cannot reach systemd");
	if (!via_bus)
		return 0;
	struct wpar_dbus_body b = {.sig = "s"};
	cleanup_free char *rule = xasprintf("type='signal',sender='%s',path='%s',interface='%s',"
					    "member='JobRemoved'",
					    systemd_dest, systemd_path, manager_iface);
	wpar_dbus_put_str(&b, 's', rule);
	struct wpar_dbus_msg reply = {0};
	int r = wpar_dbus_call(*c, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "AddMatch", &b, CALL_MS, &reply, err);
	if (r == 0 && reply.type != 2)
		r = wpar_error_input(err, "the message bus refused a match rule");
	wpar_dbus_msg_release(&reply);
	wpar_dbus_body_release(&b);
	if (r < 0) {
		wpar_dbus_close(*c);
		*c = NULL;
	}
	return r;
}

/* A D-Bus error reply as an error of ours; EEXIST for UnitExists. */
static int refused(struct wpar_dbus_msg *reply, const char *what, wpar_error_t *err)
{
	const char *text = NULL;
	if (reply->signature == NULL || reply->signature[0] != 's' ||
	    wpar_dbus_get_str(reply, 's', &text) < 0)
		text = reply->error_name ? reply->error_name : "no reason given";
	bool exists = reply->error_name &&
		      strcmp(reply->error_name, "org.freedesktop.systemd1.UnitExists") == 0;
	return wpar_error_status(err, exists ? EEXIST : EIO, "systemd refused %s: %s", what, text);
}

static void put_property(struct wpar_dbus_body *b, const char *name, const char *type)
{
	wpar_dbus_open_struct(b);
	wpar_dbus_put_str(b, 's', name);
	wpar_dbus_put_str(b, 'g', type);
}

int wpar_systemd_start_scope(const char *unit, const char *slice, const char *description,
			     pid_t pid, wpar_error_t *err)
{
	struct wpar_dbus *c = NULL;
	if (connect_systemd(&c, err) < 0)
		return -1;
	struct wpar_dbus_body b = {.sig = "ssa(sv)a(sa(sv))"};
	wpar_dbus_put_str(&b, 's', unit);
	wpar_dbus_put_str(&b, 's', "fail");
	size_t props = wpar_dbus_open_array(&b, 8);
	put_property(&b, "Description", "s");
	wpar_dbus_put_str(&b, 's', description);
	put_property(&b, "Slice", "s");
	wpar_dbus_put_str(&b, 's', slice);
	put_property(&b, "Delegate", "b");
	wpar_dbus_put_bool(&b, true);
	put_property(&b, "CollectMode", "s");
	wpar_dbus_put_str(&b, 's', "inactive-or-failed");
	put_property(&b, "PIDs", "au");
	size_t pids = wpar_dbus_open_array(&b, 4);
	wpar_dbus_put_u32(&b, (uint32_t)pid);
	wpar_dbus_close_array(&b, pids);
	wpar_dbus_close_array(&b, props);
	size_t aux = wpar_dbus_open_array(&b, 8);
	wpar_dbus_close_array(&b, aux);

	struct wpar_dbus_msg reply = {0}, sig = {0};
	cleanup_free char *what = xasprintf("to start %s", unit);
	int r = wpar_dbus_call(c, systemd_dest, systemd_path, manager_iface, "StartTransientUnit",
			       &b, CALL_MS, &reply, err);
	const char *job = NULL;
	if (r == 0 && reply.type != 2)
		r = refused(&reply, what, err);
	else if (r == 0 && wpar_dbus_get_str(&reply, 'o', &job) < 0)
		r = wpar_error_input(err, "systemd's answer to StartTransientUnit has no job");
	/* The job's end: "done", or why the scope could not start. */
	for (long long deadline = monotonic_ms() + CALL_MS; r == 0;) {
		wpar_dbus_msg_release(&sig);
		if (wpar_dbus_wait_signal(c, manager_iface, "JobRemoved", deadline, &sig, err) <
		    0) {
			r = wpar_error_prefix(err, "systemd did not finish starting %s", unit);
			break;
		}
		uint32_t id;
		const char *path, *name, *result;
		if (wpar_dbus_get_u32(&sig, &id) < 0 || wpar_dbus_get_str(&sig, 'o', &path) < 0 ||
		    wpar_dbus_get_str(&sig, 's', &name) < 0 ||
		    wpar_dbus_get_str(&sig, 's', &result) < 0 || strcmp(path, job) != 0)
			continue;
		if (strcmp(result, "done") != 0)
			r = wpar_error_status(err, EIO, "systemd could not start %s (job %s)", unit,
					      result);
		break;
	}
	wpar_dbus_msg_release(&sig);
	wpar_dbus_msg_release(&reply);
	wpar_dbus_body_release(&b);
	wpar_dbus_close(c);
	return r;
}

int wpar_systemd_set_memory_low(const char *unit, uint64_t bytes, wpar_error_t *err)
{
	struct wpar_dbus *c = NULL;
	if (connect_systemd(&c, err) < 0)
		return -1;
	struct wpar_dbus_body b = {.sig = "sba(sv)"};
	wpar_dbus_put_str(&b, 's', unit);
	wpar_dbus_put_bool(&b, true); /* runtime only: the scopes are transient */
	size_t props = wpar_dbus_open_array(&b, 8);
	put_property(&b, "MemoryLow", "t");
	wpar_dbus_put_u64(&b, bytes);
	wpar_dbus_close_array(&b, props);
	struct wpar_dbus_msg reply = {0};
	cleanup_free char *what =
	    xasprintf("MemoryLow=%llu for %s", (unsigned long long)bytes, unit);
	int r = wpar_dbus_call(c, systemd_dest, systemd_path, manager_iface, "SetUnitProperties",
			       &b, CALL_MS, &reply, err);
	if (r == 0 && reply.type != 2)
		r = refused(&reply, what, err);
	wpar_dbus_msg_release(&reply);
	wpar_dbus_body_release(&b);
	wpar_dbus_close(c);
	return r;
}
