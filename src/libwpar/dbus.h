/* A minimal D-Bus client: just what the project needs to ask systemd for
 * a delegated cgroup (method calls with simple arguments, their replies,
 * and the manager's JobRemoved signal).  Hand-written rather than
 * libsystemd's sd-bus or libdbus because the commands that use it are
 * linked statically and neither ships a static library on Debian; the
 * wire format is the D-Bus specification's (little-endian messages, the
 * EXTERNAL authentication of a Unix socket). */
#ifndef WPAR_DBUS_H
#define WPAR_DBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct wpar_dbus;

/* Connects to `address` ("unix:path=/x" or "unix:abstract=x"),
 * authenticates as this process's user and, on a message bus (`bus`),
 * says Hello.  systemd's private socket is a direct connection: no bus. */
int wpar_dbus_connect(const char *address, bool bus, struct wpar_dbus **out, wpar_error_t *err);
void wpar_dbus_close(struct wpar_dbus *c);

/* A message body being written (arguments in signature order).  The
 * signature is the caller's: the writer only aligns and encodes. */
struct wpar_dbus_body {
	uint8_t *data;
	size_t len, cap;
	char sig[64];
};
void wpar_dbus_body_release(struct wpar_dbus_body *b);
void wpar_dbus_put_u32(struct wpar_dbus_body *b, uint32_t v);
void wpar_dbus_put_u64(struct wpar_dbus_body *b, uint64_t v);
void wpar_dbus_put_bool(struct wpar_dbus_body *b, bool v);
/* 's' (string), 'o' (object path) or 'g' (signature). */
void wpar_dbus_put_str(struct wpar_dbus_body *b, char type, const char *s);
/* An array: open it (its elements' alignment: 8 for structs and dict
 * entries, 4 for u32 ...), write the elements, close it with the value
 * open returned. */
size_t wpar_dbus_open_array(struct wpar_dbus_body *b, size_t element_align);
void wpar_dbus_close_array(struct wpar_dbus_body *b, size_t opened);
void wpar_dbus_open_struct(struct wpar_dbus_body *b);

/* A message read: a reply, an error or a signal. */
struct wpar_dbus_msg {
	int type; /* 2 method return, 3 error, 4 signal */
	uint32_t reply_serial;
	char *error_name, *member, *interface, *path, *signature;
	uint8_t *body;
	size_t body_len;
	size_t pos; /* the reader's position in the body */
};
void wpar_dbus_msg_release(struct wpar_dbus_msg *m);
/* Readers of the body, in signature order; -1 when the body is short or
 * malformed. */
int wpar_dbus_get_u32(struct wpar_dbus_msg *m, uint32_t *v);
int wpar_dbus_get_str(struct wpar_dbus_msg *m, char type, const char **s);

/* Calls a method and waits (at most timeout_ms) for its reply, which
 * *reply receives (also an error reply: reply->type 3; the first string
 * of its body is the message).  Signals that come in meanwhile are kept
 * for wpar_dbus_wait_signal.  `body` may be NULL (no arguments). */
int wpar_dbus_call(struct wpar_dbus *c, const char *destination, const char *path,
		   const char *interface, const char *member, const struct wpar_dbus_body *body,
		   int timeout_ms, struct wpar_dbus_msg *reply, wpar_error_t *err);

/* Waits (at most until the monotonic time deadline_ms) for a signal
 * interface.member, kept ones first; ETIMEDOUT when none comes. */
int wpar_dbus_wait_signal(struct wpar_dbus *c, const char *interface, const char *member,
			  long long deadline_ms, struct wpar_dbus_msg *out, wpar_error_t *err);

#endif
