/* Sizes as AIX's crfs takes them.  A bare number counts 512-byte blocks
 * (crfs -a size=2048 is 1 MB); a suffix selects a binary unit.  Anything
 * else is refused with the value in the message, so a typo such as "512N"
 * never turns into a silently different file system. */
#include "rootfs.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct size_unit {
	const char *suffix;
	unsigned shift;
};

/* Binary units, as AIX means them: 1M = 1024 KB. */
static const struct size_unit size_units[] = {
    {"", 9}, /* 512-byte blocks */
    {"K", 10}, {"KB", 10}, {"M", 20}, {"MB", 20}, {"G", 30}, {"GB", 30}, {"T", 40}, {"TB", 40},
};

static const struct size_unit *size_unit_find(const char *suffix)
{
	for (size_t i = 0; i < ARRAY_SIZE(size_units); i++)
		if (strcasecmp(suffix, size_units[i].suffix) == 0)
			return &size_units[i];
	return NULL;
}

int wpar_parse_size(const char *s, unsigned long long *bytes, wpar_error_t *err)
{
	if (s == NULL || *s == '\0')
		return wpar_error_input(err, "empty size");

	/* strtoull would accept blanks and a sign; the digits are taken by
	 * hand so that only "<digits><unit>" gets through. */
	unsigned long long n = 0;
	const char *p = s;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned digit = (unsigned)(*p - '0');
		if (n > (ULLONG_MAX - digit) / 10)
			return wpar_error_input(err, "size %s is too large", s);
		n = n * 10 + digit;
	}
	if (p == s)
		return wpar_error_input(err,
					"invalid size %s: expected a number "
					"of 512-byte blocks or a number with "
					"K, M, G or T",
					s);

	const struct size_unit *unit = size_unit_find(p);
	if (unit == NULL)
		return wpar_error_input(err,
					"invalid size %s: unknown unit \"%s\" "
					"(use K, M, G, T, or none for 512-byte "
					"blocks)",
					s, p);
	if (n == 0)
		return wpar_error_input(err, "size %s must be greater than zero", s);
	if (n > (ULLONG_MAX >> unit->shift))
		return wpar_error_input(err, "size %s is too large", s);
	*bytes = n << unit->shift;
	return 0;
}
