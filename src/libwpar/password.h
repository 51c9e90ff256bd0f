#ifndef WPAR_PASSWORD_H
#define WPAR_PASSWORD_H

#include "error.h"

/* Reads a new password (twice, without echo, on a terminal; one line from
 * standard input otherwise) and returns its crypt(3) hash with the
 * system's preferred method. */
int wpar_password_read_hash(const char *prompt_for, char **hash, wpar_error_t *err);

#endif
