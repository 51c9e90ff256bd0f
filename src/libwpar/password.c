#include "password.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

static int read_line(FILE *in, bool echo_off, char *buf, size_t size, wpar_error_t *err)
{
	struct termios old, quiet;
	bool restore = false;
	if (echo_off && tcgetattr(fileno(in), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
	}
	char *r = fgets(buf, (int)size, in);
	if (restore) {
		tcsetattr(fileno(in), TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (r == NULL)
		return wpar_error_input(err, "no password given");
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

int wpar_password_read_hash(const char *prompt_for, char **hash, wpar_error_t *err)
{
	char first[512], second[512];
	bool tty = isatty(STDIN_FILENO);
	int r = -1;
	if (tty)
		fprintf(stderr, "New password for root in %s: ", prompt_for);
	if (read_line(stdin, tty, first, sizeof(first), err) < 0)
		goto out;
	if (first[0] == '\0') {
		wpar_error_input(err, "the password is empty");
		goto out;
	}
	if (tty) {
		fprintf(stderr, "Enter the password again: ");
		if (read_line(stdin, tty, second, sizeof(second), err) < 0)
			goto out;
		if (strcmp(first, second) != 0) {
			wpar_error_input(err, "the passwords do not match");
			goto out;
		}
	}
	char *salt = crypt_gensalt_ra(NULL, 0, NULL, 0);
	if (salt == NULL) {
		wpar_error_errno(err, "cannot make a password salt");
		goto out;
	}
	struct crypt_data data;
	memset(&data, 0, sizeof(data));
	const char *h = crypt_r(first, salt, &data);
	free(salt);
	if (h == NULL || h[0] == '*') {
		wpar_error_errno(err, "cannot hash the password");
		goto out;
	}
	*hash = xstrdup(h);
	r = 0;
out:
	explicit_bzero(first, sizeof(first));
	explicit_bzero(second, sizeof(second));
	return r;
}
