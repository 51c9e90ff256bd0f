/* wpar_parse_size: AIX crfs sizes, good and bad. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rootfs.h"
#include "util.h"

struct good_size {
	const char *text;
	unsigned long long bytes;
};

static const struct good_size good[] = {
    {"1", 512ULL}, /* bare numbers are 512-byte blocks */
    {"2048", 1ULL << 20},   {"262144", 128ULL << 20},
    {"1K", 1ULL << 10},     {"4kb", 4ULL << 10},
    {"512M", 512ULL << 20}, {"512m", 512ULL << 20},
    {"96MB", 96ULL << 20},  {"1G", 1ULL << 30},
    {"10GB", 10ULL << 30},  {"10gB", 10ULL << 30},
    {"2T", 2ULL << 40},     {"3tb", 3ULL << 40},
    {"007M", 7ULL << 20},   {"16777215T", 16777215ULL << 40}, /* the largest that fits */
};

static void test_good_sizes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		unsigned long long b = 0;
		wpar_error_t err = NULL;
		int r = wpar_parse_size(good[i].text, &b, &err);
		if (r != 0)
			fail_msg("%s: %s", good[i].text, err->msg);
		assert_int_equal(r, 0);
		assert_true(b == good[i].bytes);
	}
}

struct bad_size {
	const char *text;
	const char *message; /* a part of the expected message */
};

static const struct bad_size bad[] = {
    {"", "empty"},
    {"0", "greater than zero"},
    {"0M", "greater than zero"},
    {"-1", "-1"},
    {"-512M", "-512M"},
    {"+5M", "+5M"},
    {" 5M", " 5M"},
    {"5M ", "unknown unit"},
    {"5 M", "unknown unit"},
    {"1.5G", "unknown unit \".5G\""},
    {"12X", "unknown unit \"X\""},
    {"512MiB", "unknown unit"},
    {"M", "invalid size M"},
    {"G512", "invalid size G512"},
    {"0x10", "unknown unit"},
    {"16777216T", "too large"},
    {"99999999999999999999", "too large"},
    {"36028797018963968", "too large"}, /* 2^55 blocks overflow */
};

static void test_bad_sizes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long long b = 42;
		wpar_error_t err = NULL;
		int r = wpar_parse_size(bad[i].text, &b, &err);
		if (r == 0)
			fail_msg("\"%s\" was accepted as %llu", bad[i].text, b);
		assert_non_null(err);
		if (strstr(err->msg, bad[i].message) == NULL)
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i].text, err->msg,
				 bad[i].message);
		assert_true(b == 42); /* untouched on failure */
		wpar_error_release(&err);
	}
}

static void test_null_size(void **state)
{
	(void)state;
	unsigned long long b;
	wpar_error_t err = NULL;
	assert_int_equal(wpar_parse_size(NULL, &b, &err), -1);
	assert_non_null(err);
	wpar_error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_sizes),
	    cmocka_unit_test(test_bad_sizes),
	    cmocka_unit_test(test_null_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
