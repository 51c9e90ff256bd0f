/* WPAR names and host names. */
#ifndef WPAR_NAME_H
#define WPAR_NAME_H

#include <stdbool.h>

#include "error.h"

#define WPAR_NAME_MAX 25 /* bytes, as AIX */

/* AIX's rules: 1-25 bytes, no blanks and none of = : / ! ; ` ' " < > ~ & ( )
 * * + [ ] , . ^ $ ? { } \, not starting with '-' or '0'.  Control and
 * non-ASCII bytes are refused too: the name becomes a file name, a cgroup
 * name and a host name. */
int wpar_name_check(const char *name, wpar_error_t *err);

/* A host name as the kernel's UTS namespace takes it (at most 64 bytes),
 * made of RFC 1123 labels. */
int wpar_hostname_check(const char *hostname, wpar_error_t *err);

#endif
