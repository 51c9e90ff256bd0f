/* The parser of a WPAR's /etc/passwd and /etc/group used by clogin: the
 * files belong to the WPAR's root user, so malformed text must be skipped,
 * never trusted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "enter.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
			     "# a comment\n"
			     "broken line without colons\n"
			     "evil:x:notanumber:0::/:/bin/sh\n"
			     "alice:x:1001:1001:Alice:/home/alice:/bin/bash\n"
			     "nohome:x:1002:1002:::\n";
static const char group[] = "root:x:0:\n"
			    "tty:x:5:\n"
			    "alice:x:1001:\n"
			    "staff:x:50:bob,alice\n"
			    "wheel:x:10:alicex\n"
			    "bad:x:zz:alice\n";

static void test_found_with_groups(void **state)
{
	(void)state;
	struct wpar_login_user u;
	assert_int_equal(wpar_login_user_parse(passwd, group, "alice", &u), 0);
	assert_int_equal(u.uid, 1001);
	assert_int_equal(u.gid, 1001);
	assert_string_equal(u.home, "/home/alice");
	assert_string_equal(u.shell, "/bin/bash");
	assert_int_equal(u.tty_gid, 5);
	/* Primary first, then staff; not "wheel" (alicex is another user)
	 * and not the malformed "bad". */
	assert_int_equal(u.n_groups, 2);
	assert_int_equal(u.groups[0], 1001);
	assert_int_equal(u.groups[1], 50);
	wpar_login_user_release(&u);
}

static void test_defaults_and_refusals(void **state)
{
	(void)state;
	struct wpar_login_user u;
	assert_int_equal(wpar_login_user_parse(passwd, group, "nohome", &u), 0);
	assert_string_equal(u.home, "/");
	assert_string_equal(u.shell, "/bin/sh");
	wpar_login_user_release(&u);
	assert_int_equal(wpar_login_user_parse(passwd, group, "evil", &u), -1);
	assert_int_equal(wpar_login_user_parse(passwd, group, "nobody", &u), -1);
	assert_int_equal(wpar_login_user_parse(passwd, group, "", &u), -1);
	assert_int_equal(wpar_login_user_parse(passwd, group, "a:b", &u), -1);
	assert_int_equal(wpar_login_user_parse("", NULL, "root", &u), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_found_with_groups),
	    cmocka_unit_test(test_defaults_and_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
