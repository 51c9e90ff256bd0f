/* WPAR names and host names: AIX's rules for names (Table 12-1, the
 * `name` row of the general stanza) and RFC 1123 host names as the UTS
 * namespace takes them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "name.h"
#include "util.h"

#define UNUSED __attribute__((unused))

/* The characters AIX forbids in a WPAR name, as the reference lists them
 * (blank is tested separately). */
static const char aix_forbidden[] = "=:/!;`'\"<>~&()*+[],.^$?{}\\";

static bool name_ok(const char *name)
{
	cleanup_error wpar_error_t err = NULL;
	int r = wpar_name_check(name, &err);
	/* The convention: -1 with an error set, or 0 with none. */
	if (r < 0) {
		assert_int_equal(r, -1);
		assert_non_null(err);
		assert_non_null(err->msg);
		assert_int_equal(err->status, 0);
	} else {
		assert_int_equal(r, 0);
		assert_null(err);
	}
	/* A NULL error pointer is allowed and gives the same answer. */
	assert_int_equal(wpar_name_check(name, NULL), r);
	return r == 0;
}

static bool hostname_ok(const char *name)
{
	cleanup_error wpar_error_t err = NULL;
	int r = wpar_hostname_check(name, &err);
	if (r < 0) {
		assert_int_equal(r, -1);
		assert_non_null(err);
		assert_non_null(err->msg);
	} else {
		assert_int_equal(r, 0);
		assert_null(err);
	}
	assert_int_equal(wpar_hostname_check(name, NULL), r);
	return r == 0;
}

static void test_name_good(void **state UNUSED)
{
	static const char *good[] = {
	    "a",          "wpar1",      "wpar3_detached",
	    "mig_wpar_6", "Mig-WPAR-6", "lpar_6_wpar_2",
	    "1abc",       "a0",         "A-0",
	    "x-",         "web01",      "rootvgwpar1",
	    "a@b",        "a#b",        "a%b",
	    "a|b",        "_lead",      "Z9",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		if (!name_ok(good[i]))
			fail_msg("'%s' should be a valid WPAR name", good[i]);
	}
}

static void test_name_length(void **state UNUSED)
{
	char name[64];
	memset(name, 'w', sizeof(name));
	name[WPAR_NAME_MAX] = '\0';
	assert_int_equal(strlen(name), 25);
	assert_true(name_ok(name));

	name[WPAR_NAME_MAX] = 'w';
	name[WPAR_NAME_MAX + 1] = '\0';
	assert_int_equal(strlen(name), 26);
	assert_false(name_ok(name));

	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_name_check(name, &err), -1);
	assert_non_null(strstr(err->msg, name));
	assert_non_null(strstr(err->msg, "26"));

	name[40] = '\0';
	assert_false(name_ok(name));
}

static void test_name_empty(void **state UNUSED)
{
	assert_false(name_ok(""));
	assert_false(name_ok(NULL));
}

/* Every character of AIX's list, at the start, in the middle and at the
 * end of an otherwise good name. */
static void test_name_forbidden_chars(void **state UNUSED)
{
	for (const char *c = aix_forbidden; *c; c++) {
		char name[8];
		snprintf(name, sizeof(name), "ab%ccd", *c);
		if (name_ok(name))
			fail_msg("'%s' (character '%c') should be refused", name, *c);
		cleanup_error wpar_error_t err = NULL;
		assert_int_equal(wpar_name_check(name, &err), -1);
		char quoted[4] = {'\'', *c, '\'', '\0'};
		if (strstr(err->msg, quoted) == NULL)
			fail_msg("the message for '%s' does not name the character: %s", name,
				 err->msg);

		snprintf(name, sizeof(name), "%cabc", *c);
		assert_false(name_ok(name));
		snprintf(name, sizeof(name), "abc%c", *c);
		assert_false(name_ok(name));
	}
}

/* Exactly the listed characters are refused among printable ASCII: the
 * list is neither shorter nor longer than AIX's. */
static void test_name_printable_ascii(void **state UNUSED)
{
	for (int c = 0x21; c < 0x7f; c++) {
		char name[4] = {'a', (char)c, 'b', '\0'};
		bool forbidden = strchr(aix_forbidden, c) != NULL;
		if (name_ok(name) == forbidden)
			fail_msg("character 0x%02x '%c' is %s", c, c,
				 forbidden ? "accepted but AIX forbids it"
					   : "refused but AIX allows it");
	}
}

static void test_name_blanks(void **state UNUSED)
{
	assert_false(name_ok("a b"));
	assert_false(name_ok(" ab"));
	assert_false(name_ok("ab "));
	assert_false(name_ok("a\tb"));
	assert_false(name_ok("a\nb"));
	assert_false(name_ok(" "));
}

static void test_name_leading(void **state UNUSED)
{
	assert_false(name_ok("-abc"));
	assert_false(name_ok("0abc"));
	assert_false(name_ok("-"));
	assert_false(name_ok("0"));
	assert_false(name_ok("00"));
	/* Only the first byte is special. */
	assert_true(name_ok("a-b"));
	assert_true(name_ok("a0b"));
	assert_true(name_ok("a-"));
	assert_true(name_ok("10"));

	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_name_check("-abc", &err), -1);
	assert_non_null(strstr(err->msg, "'-abc'"));
}

static void test_name_control_and_non_ascii(void **state UNUSED)
{
	for (int c = 1; c < 0x20; c++) {
		char name[4] = {'a', (char)c, 'b', '\0'};
		if (name_ok(name))
			fail_msg("control character 0x%02x accepted", c);
	}
	assert_false(name_ok("a\x7f"));
	for (int c = 0x80; c <= 0xff; c++) {
		char name[4] = {'a', (char)c, 'b', '\0'};
		if (name_ok(name))
			fail_msg("non-ASCII byte 0x%02x accepted", c);
	}
	assert_false(name_ok("caf\xc3\xa9")); /* UTF-8 e-acute */
	assert_false(name_ok("\xe2\x80\x8b"
			     "a")); /* zero-width space */
}

static void test_hostname_good(void **state UNUSED)
{
	static const char *good[] = {
	    "a",
	    "web01",
	    "web01.example.com",
	    "wparm91",
	    "wpar3_detached",
	    "a-b",
	    "1abc",
	    "123",
	    "A.B.C",
	    "x_y.z-w",
	    "xn--bcher-kva.example",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (!hostname_ok(good[i]))
			fail_msg("'%s' should be a valid host name", good[i]);
}

static void test_hostname_bad(void **state UNUSED)
{
	static const char *bad[] = {
	    "",     "-a",  "a-",   "a..b",        ".a", "a.", "a b",   "a/b",  "a:b", "a-.b",
	    "a.-b", "a=b", "a\tb", "caf\xc3\xa9", ".",  "-",  "a\x7f", "a\nb", "a*b", "a,b",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (hostname_ok(bad[i]))
			fail_msg("'%s' should be refused as a host name", bad[i]);
	assert_false(hostname_ok(NULL));

	cleanup_error wpar_error_t err = NULL;
	assert_int_equal(wpar_hostname_check("a b", &err), -1);
	assert_non_null(strstr(err->msg, "'a b'"));
}

static void test_hostname_lengths(void **state UNUSED)
{
	char h[128];
	/* 64 bytes in total is the kernel's limit. */
	memset(h, 'a', 64);
	h[30] = '.';
	h[64] = '\0';
	assert_true(hostname_ok(h));
	h[64] = 'a';
	h[65] = '\0';
	assert_false(hostname_ok(h));

	/* A label has at most 63 bytes. */
	memset(h, 'b', 63);
	h[63] = '\0';
	assert_true(hostname_ok(h));
	memset(h, 'b', 64);
	h[64] = '\0';
	assert_false(hostname_ok(h));
	h[0] = 'x';
	h[1] = '.';
	assert_true(hostname_ok(h)); /* "x." + 62 bytes */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_good),
	    cmocka_unit_test(test_name_length),
	    cmocka_unit_test(test_name_empty),
	    cmocka_unit_test(test_name_forbidden_chars),
	    cmocka_unit_test(test_name_printable_ascii),
	    cmocka_unit_test(test_name_blanks),
	    cmocka_unit_test(test_name_leading),
	    cmocka_unit_test(test_name_control_and_non_ascii),
	    cmocka_unit_test(test_hostname_good),
	    cmocka_unit_test(test_hostname_bad),
	    cmocka_unit_test(test_hostname_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
