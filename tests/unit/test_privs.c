/* The WPAR privilege set (privs.c): names, AIX's PV_* names, the
 * capabilities no WPAR may have, the edits of -S, the default sets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <string.h>

#include "privs.h"
#include "spec.h"
#include "util.h"

#define UNUSED __attribute__((unused))
#define BIT(c) (UINT64_C(1) << (c))

static uint64_t parse_ok(const char *list, bool strict)
{
	uint64_t mask = 0;
	wpar_error_t err = NULL;
	if (wpar_privs_parse(list, "t", strict, &mask, &err) < 0)
		fail_msg("%s: %s", list, err->msg);
	return mask;
}

static void parse_fails(const char *list, bool strict, const char *msg)
{
	uint64_t mask = 0;
	wpar_error_t err = NULL;
	assert_int_equal(wpar_privs_parse(list, "t", strict, &mask, &err), -1);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("\"%s\" not in \"%s\"", msg, err->msg);
	wpar_error_release(&err);
}

static void test_names(void **state UNUSED)
{
	assert_int_equal(parse_ok("CAP_CHOWN", true), BIT(CAP_CHOWN));
	assert_int_equal(parse_ok("cap_kill, setuid\n  NET_raw", true),
			 BIT(CAP_KILL) | BIT(CAP_SETUID) | BIT(CAP_NET_RAW));
	assert_int_equal(parse_ok("none", true), 0);
	assert_int_equal(parse_ok("", true), 0);
	assert_int_equal(parse_ok("# a secfile\nchown # owners\n", true), BIT(CAP_CHOWN));
	parse_fails("CAP_FLY", true, "t: unknown privilege CAP_FLY");
	parse_fails("12", true, "unknown privilege 12"); /* numbers are not names */
	parse_fails("CAP_FLY", false, "unknown privilege CAP_FLY");
}

static void test_aix_names(void **state UNUSED)
{
	assert_int_equal(parse_ok("PV_DAC_", true),
			 BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER));
	assert_int_equal(parse_ok("PV_SU_UID", true), BIT(CAP_SETUID) | BIT(CAP_SETGID));
	assert_int_equal(parse_ok("PV_NET_PORT,PV_PROC_SIG", true),
			 BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL));
	assert_int_equal(parse_ok("PV_FS_MKNOD", true), BIT(CAP_MKNOD));
	parse_fails("PV_MAC_R", true, "PV_MAC_R has no Linux equivalent");
	parse_fails("PV_KER_DR", true, "PV_KER_DR is never given inside a workload partition");
	parse_fails("PV_KER_EXTCONF", true,
		    "PV_KER_EXTCONF needs CAP_SYS_MODULE, which cannot be given to a workload "
		    "partition: kernel modules are the host's");
	/* A definition's list gives nothing for those, and still maps the
	 * rest (an AIX spec file lists AIX's whole default set). */
	assert_int_equal(parse_ok("PV_MAC_R,PV_KER_DR,PV_KER_EXTCONF,PV_FS_CHOWN", false),
			 BIT(CAP_CHOWN));
}

static void test_never(void **state UNUSED)
{
	const char *const never[] = {"sys_admin", "sys_module", "sys_rawio",     "sys_time",
				     "syslog",    "bpf",        "audit_control", "mac_admin"};
	for (size_t i = 0; i < ARRAY_SIZE(never); i++) {
		parse_fails(never[i], true, "cannot be given to a workload partition");
		/* Our own vocabulary is never silently dropped. */
		parse_fails(never[i], false, "cannot be given to a workload partition");
	}
	/* What may be given beyond the default, with its caveats. */
	assert_int_equal(parse_ok("net_admin,sys_ptrace,sys_nice,sys_resource,mknod", true),
			 BIT(CAP_NET_ADMIN) | BIT(CAP_SYS_PTRACE) | BIT(CAP_SYS_NICE) |
			     BIT(CAP_SYS_RESOURCE) | BIT(CAP_MKNOD));
}

static void test_format(void **state UNUSED)
{
	cleanup_free char *a = wpar_privs_format(BIT(CAP_KILL) | BIT(CAP_CHOWN));
	assert_string_equal(a, "CAP_CHOWN,CAP_KILL");
	cleanup_free char *none = wpar_privs_format(0);
	assert_string_equal(none, "none");
	/* The text reads back as the same set. */
	uint64_t all = wpar_privs_default(WPAR_SYSTEM);
	cleanup_free char *text = wpar_privs_format(all);
	assert_int_equal(parse_ok(text, true), all);
}

static void test_defaults(void **state UNUSED)
{
	uint64_t sys = wpar_privs_default(WPAR_SYSTEM), app = wpar_privs_default(WPAR_APPLICATION);
	assert_true(sys & BIT(CAP_CHOWN));
	assert_true(sys & BIT(CAP_SYS_CHROOT));
	assert_false(sys & BIT(CAP_SYS_ADMIN));
	assert_false(sys & BIT(CAP_NET_RAW));
	assert_int_equal(app & ~sys, 0); /* smaller */
	assert_false(app & BIT(CAP_SETFCAP));
	assert_false(app & BIT(CAP_SYS_BOOT));
	assert_true(app & BIT(CAP_SETUID));
}

static struct wpar_spec *system_spec(void)
{
	struct wpar_spec *s = wpar_spec_new();
	s->general.name = xstrdup("w1");
	return s;
}

static int edit(struct wpar_spec *s, const char *w1, const char *w2, wpar_error_t *err)
{
	char *words[2] = {(char *)w1, (char *)w2};
	return wpar_privs_edit(s, "-S", words, w2 ? 2 : 1, err);
}

static void test_edits(void **state UNUSED)
{
	cleanup_spec struct wpar_spec *s = system_spec();
	wpar_error_t err = NULL;
	uint64_t m;
	assert_int_equal(edit(s, "privs+=net_raw", "privs-=CAP_KILL", &err), 0);
	assert_int_equal(wpar_privs_of(s, &m, &err), 0);
	assert_int_equal(m, (wpar_privs_default(WPAR_SYSTEM) | BIT(CAP_NET_RAW)) & ~BIT(CAP_KILL));
	assert_int_equal(edit(s, "privs=chown", NULL, &err), 0);
	assert_string_equal(s->security.privs, "CAP_CHOWN");
	assert_int_equal(edit(s, "privs+=kill", NULL, &err), 0);
	assert_string_equal(s->security.privs, "CAP_CHOWN,CAP_KILL");
	/* Refused edits leave the set as it was. */
	assert_int_equal(edit(s, "privs+=kill", "privs-=kill", &err), -1);
	assert_string_equal(err->msg, "-S: CAP_KILL both added (privs+=) and removed (privs-=)");
	wpar_error_release(&err);
	assert_int_equal(edit(s, "privs=a", "privs=b", &err), -1);
	wpar_error_release(&err);
	assert_int_equal(edit(s, "privs-=PV_MAC_W", NULL, &err), -1);
	wpar_error_release(&err);
	assert_int_equal(edit(s, "shares=1", NULL, &err), -1);
	wpar_error_release(&err);
	assert_string_equal(s->security.privs, "CAP_CHOWN,CAP_KILL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),    cmocka_unit_test(test_aix_names),
	    cmocka_unit_test(test_never),    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_defaults), cmocka_unit_test(test_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
