#include "name.h"

#include <ctype.h>
#include <string.h>

int wpar_name_check(const char *name, wpar_error_t *err)
{
	static const char forbidden[] = "=:/!;`'\"<>~&()*+[],.^$?{}\\";
	if (name == NULL || name[0] == '\0')
		return wpar_error_input(err, "the workload partition name is empty");
	size_t len = strlen(name);
	if (len > WPAR_NAME_MAX)
		return wpar_error_input(
		    err,
		    "the workload partition name '%s' is %zu bytes long; at most %d are allowed",
		    name, len, WPAR_NAME_MAX);
	if (name[0] == '-' || name[0] == '0')
		return wpar_error_input(
		    err, "the workload partition name '%s' must not start with '-' or '0'", name);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f)
			return wpar_error_input(err,
						"the workload partition name '%s' contains a "
						"blank, control or non-ASCII character",
						name);
		if (strchr(forbidden, *p))
			return wpar_error_input(err,
						"the workload partition name '%s' contains the "
						"character '%c', which is not allowed",
						name, *p);
	}
	return 0;
}

int wpar_hostname_check(const char *hostname, wpar_error_t *err)
{
	size_t len = hostname ? strlen(hostname) : 0;
	if (len == 0)
		return wpar_error_input(err, "the host name is empty");
	if (len > 64)
		return wpar_error_input(err, "the host name '%s' is longer than 64 bytes",
					hostname);
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)hostname[i];
		if (c == '.') {
			if (label == 0 || hostname[i - 1] == '-')
				goto bad;
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '_'))
			goto bad;
		if (c == '-' && label == 0)
			goto bad;
		if (++label > 63)
			goto bad;
	}
	if (label == 0 || hostname[len - 1] == '-')
		goto bad;
	return 0;
bad:
	return wpar_error_input(
	    err,
	    "'%s' is not a valid host name (letters, digits, '-' and '_' in dot-separated labels)",
	    hostname);
}
