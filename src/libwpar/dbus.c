/* A minimal D-Bus client (see dbus.h).  Messages are little-endian, as
 * every peer on this architecture writes them; a big-endian message is
 * refused rather than converted. */
#include "dbus.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

#define MAX_MESSAGE     (1u << 20) /* the replies here are tiny */
#define AUTH_TIMEOUT_MS 5000

enum { CALL = 1, RETURN = 2, ERROR = 3, SIGNAL = 4 };
enum {
	F_PATH = 1,
	F_INTERFACE = 2,
	F_MEMBER = 3,
	F_ERROR_NAME = 4,
	F_REPLY_SERIAL = 5,
	F_DESTINATION = 6,
	F_SENDER = 7,
	F_SIGNATURE = 8,
};

struct wpar_dbus {
	int fd;
	uint32_t serial;
	struct wpar_dbus_msg *kept; /* signals read while waiting for a reply */
	size_t n_kept;
};

/* ---- writing ------------------------------------------------------------ */

static void reserve(struct wpar_dbus_body *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

static void pad(struct wpar_dbus_body *b, size_t align)
{
	while (b->len % align) {
		reserve(b, 1);
		b->data[b->len++] = 0;
	}
}

static void put_raw(struct wpar_dbus_body *b, const void *p, size_t n)
{
	reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void wpar_dbus_body_release(struct wpar_dbus_body *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void wpar_dbus_put_u32(struct wpar_dbus_body *b, uint32_t v)
{
	pad(b, 4);
	put_raw(b, &v, 4);
}

void wpar_dbus_put_u64(struct wpar_dbus_body *b, uint64_t v)
{
	pad(b, 8);
	put_raw(b, &v, 8);
}

void wpar_dbus_put_bool(struct wpar_dbus_body *b, bool v)
{
	wpar_dbus_put_u32(b, v ? 1 : 0);
}

static void put_byte(struct wpar_dbus_body *b, uint8_t v)
{
	put_raw(b, &v, 1);
}

void wpar_dbus_put_str(struct wpar_dbus_body *b, char type, const char *s)
{
	size_t n = strlen(s);
	if (type == 'g')
		put_byte(b, (uint8_t)n);
	else
		wpar_dbus_put_u32(b, (uint32_t)n);
	put_raw(b, s, n + 1);
}

size_t wpar_dbus_open_array(struct wpar_dbus_body *b, size_t element_align)
{
	/* The length slot holds the alignment until close writes the length
	 * (of the elements only: the padding to the first is not counted). */
	wpar_dbus_put_u32(b, (uint32_t)element_align);
	size_t at = b->len - 4;
	pad(b, element_align);
	return at;
}

void wpar_dbus_close_array(struct wpar_dbus_body *b, size_t opened)
{
	uint32_t align;
	memcpy(&align, b->data + opened, 4);
	size_t start = (opened + 4 + align - 1) / align * align;
	uint32_t len = (uint32_t)(b->len - start);
	memcpy(b->data + opened, &len, 4);
}

void wpar_dbus_open_struct(struct wpar_dbus_body *b)
{
	pad(b, 8);
}

/* ---- reading ------------------------------------------------------------ */

void wpar_dbus_msg_release(struct wpar_dbus_msg *m)
{
	free(m->error_name);
	free(m->member);
	free(m->interface);
	free(m->path);
	free(m->signature);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

struct cursor {
	const uint8_t *p;
	size_t len, pos;
};

static int c_align(struct cursor *c, size_t align)
{
	size_t pos = (c->pos + align - 1) / align * align;
	if (pos > c->len)
		return -1;
	c->pos = pos;
	return 0;
}

static int c_u32(struct cursor *c, uint32_t *v)
{
	if (c_align(c, 4) < 0 || c->len - c->pos < 4)
		return -1;
	memcpy(v, c->p + c->pos, 4);
	c->pos += 4;
	return 0;
}

static int c_str(struct cursor *c, char type, const char **s)
{
	uint32_t n;
	if (type == 'g') {
		if (c->pos >= c->len)
			return -1;
		n = c->p[c->pos++];
	} else if (c_u32(c, &n) < 0) {
		return -1;
	}
	if (c->len - c->pos < (size_t)n + 1 || c->p[c->pos + n] != '\0' ||
	    memchr(c->p + c->pos, '\0', n))
		return -1;
	*s = (const char *)c->p + c->pos;
	c->pos += n + 1;
	return 0;
}

int wpar_dbus_get_u32(struct wpar_dbus_msg *m, uint32_t *v)
{
	struct cursor c = {m->body, m->body_len, m->pos};
	if (c_u32(&c, v) < 0)
		return -1;
	m->pos = c.pos;
	return 0;
}

int wpar_dbus_get_str(struct wpar_dbus_msg *m, char type, const char **s)
{
	struct cursor c = {m->body, m->body_len, m->pos};
	if (c_str(&c, type, s) < 0)
		return -1;
	m->pos = c.pos;
	return 0;
}

/* ---- the connection ----------------------------------------------------- */

static int wait_fd(int fd, short events, long long deadline_ms)
{
	for (;;) {
		long long left = deadline_ms - monotonic_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct pollfd p = {fd, events, 0};
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static int read_full(int fd, void *buf, size_t n, long long deadline_ms)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = recv(fd, (char *)buf + done, n - done, MSG_DONTWAIT);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || wait_fd(fd, POLLIN, deadline_ms) < 0)
			return -1;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

/* One line of the authentication exchange, without its "\r\n". */
static int auth_line(int fd, char *line, size_t size, long long deadline_ms)
{
	size_t n = 0;
	for (;;) {
		char ch;
		if (read_full(fd, &ch, 1, deadline_ms) < 0)
			return -1;
		if (ch == '\n')
			break;
		if (n + 1 < size)
			line[n++] = ch;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return 0;
}

static int open_socket(const char *address, wpar_error_t *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *rest;
	bool abstract = false;
	if ((rest = str_after(address, "unix:path=")) == NULL) {
		rest = str_after(address, "unix:abstract=");
		abstract = true;
	}
	if (rest == NULL)
		return wpar_error_input(err,
					"D-Bus address %s: only unix:path= and unix:abstract= are "
					"supported",
					address);
	/* Keys after the first (",guid=...") are not needed to connect. */
	size_t n = strcspn(rest, ",");
	if (n == 0 || n + 2 > sizeof(sa.sun_path))
		return wpar_error_input(err, "D-Bus address %s: bad socket name", address);
	memcpy(sa.sun_path + (abstract ? 1 : 0), rest, n);
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return wpar_error_errno(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		int e = errno;
		close(fd);
		return wpar_error_make(err, e, "cannot connect to D-Bus at %s", address);
	}
	return fd;
}

static int authenticate(int fd, const char *address, wpar_error_t *err)
{
	char uid[16], hex[40], line[256];
	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	for (size_t i = 0; uid[i]; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uid[i]);
	cleanup_free char *hello = xasprintf("%cAUTH EXTERNAL %s\r\n", '\0', hex);
	long long deadline = monotonic_ms() + AUTH_TIMEOUT_MS;
	if (write_full(fd, hello, strlen(hello + 1) + 1) < 0 ||
	    auth_line(fd, line, sizeof(line), deadline) < 0)
		return wpar_error_errno(err, "D-Bus authentication at %s", address);
	if (strncmp(line, "OK ", 3) != 0)
		return wpar_error_input(err, "D-Bus authentication at %s refused: %s", address,
					line);
	if (write_full(fd, "BEGIN\r\n", 7) < 0)
		return wpar_error_errno(err, "D-Bus authentication at %s", address);
	return 0;
}

int wpar_dbus_connect(const char *address, bool bus, struct wpar_dbus **out, wpar_error_t *err)
{
	int fd = open_socket(address, err);
	if (fd < 0)
		return -1;
	struct wpar_dbus *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	if (authenticate(fd, address, err) < 0) {
		wpar_dbus_close(c);
		return -1;
	}
	if (bus) {
		struct wpar_dbus_msg reply = {0};
		int r = wpar_dbus_call(c, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				       "org.freedesktop.DBus", "Hello", NULL, AUTH_TIMEOUT_MS,
				       &reply, err);
		bool refused = r == 0 && reply.type == ERROR;
		wpar_dbus_msg_release(&reply);
		if (r < 0 || refused) {
			if (refused)
				wpar_error_input(err, "the message bus at %s refused Hello",
						 address);
			wpar_dbus_close(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

void wpar_dbus_close(struct wpar_dbus *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	for (size_t i = 0; i < c->n_kept; i++)
		wpar_dbus_msg_release(&c->kept[i]);
	free(c->kept);
	free(c);
}

/* ---- messages ----------------------------------------------------------- */

static void header_field(struct wpar_dbus_body *h, uint8_t code, char type, const char *value)
{
	wpar_dbus_open_struct(h);
	put_byte(h, code);
	char sig[2] = {type, '\0'};
	wpar_dbus_put_str(h, 'g', sig);
	wpar_dbus_put_str(h, type, value);
}

static int send_call(struct wpar_dbus *c, const char *destination, const char *path,
		     const char *interface, const char *member, const struct wpar_dbus_body *body,
		     uint32_t *serial, wpar_error_t *err)
{
	size_t body_len = body ? body->len : 0;
	*serial = ++c->serial;
	struct wpar_dbus_body h = {0};
	uint8_t fixed[4] = {'l', CALL, 0, 1};
	put_raw(&h, fixed, 4);
	wpar_dbus_put_u32(&h, (uint32_t)body_len);
	wpar_dbus_put_u32(&h, *serial);
	size_t fields = wpar_dbus_open_array(&h, 8);
	header_field(&h, F_PATH, 'o', path);
	if (interface)
		header_field(&h, F_INTERFACE, 's', interface);
	header_field(&h, F_MEMBER, 's', member);
	if (destination)
		header_field(&h, F_DESTINATION, 's', destination);
	if (body && body->sig[0])
		header_field(&h, F_SIGNATURE, 'g', body->sig);
	wpar_dbus_close_array(&h, fields);
	pad(&h, 8);
	if (body_len)
		put_raw(&h, body->data, body_len);
	int r = write_full(c->fd, h.data, h.len);
	wpar_dbus_body_release(&h);
	if (r < 0)
		return wpar_error_errno(err, "cannot send %s to D-Bus", member);
	return 0;
}

static int parse_fields(struct cursor *c, struct wpar_dbus_msg *m)
{
	while (c->pos < c->len) {
		const char *sig;
		if (c_align(c, 8) < 0 || c->pos >= c->len)
			return -1;
		uint8_t code = c->p[c->pos++];
		if (c_str(c, 'g', &sig) < 0 || strlen(sig) != 1)
			return -1;
		if (sig[0] == 'u') {
			uint32_t v;
			if (c_u32(c, &v) < 0)
				return -1;
			if (code == F_REPLY_SERIAL)
				m->reply_serial = v;
			continue;
		}
		const char *s;
		if ((sig[0] != 's' && sig[0] != 'o' && sig[0] != 'g') || c_str(c, sig[0], &s) < 0)
			return -1;
		char **slot = code == F_ERROR_NAME ? &m->error_name
			      : code == F_MEMBER   ? &m->member
			      : code == F_INTERFACE ? &m->interface
			      : code == F_PATH      ? &m->path
			      : code == F_SIGNATURE ? &m->signature
						    : NULL;
		if (slot && *slot == NULL)
			*slot = xstrdup(s);
	}
	return 0;
}

static int read_message(struct wpar_dbus *c, long long deadline_ms, struct wpar_dbus_msg *m,
			wpar_error_t *err)
{
	uint8_t fixed[16];
	if (read_full(c->fd, fixed, sizeof(fixed), deadline_ms) < 0)
		return wpar_error_errno(err, "no answer from D-Bus");
	if (fixed[0] != 'l' || fixed[3] != 1)
		return wpar_error_input(err, "D-Bus sent a message this client cannot read "
					     "(not little-endian version 1)");
	uint32_t body_len, fields_len;
	memcpy(&body_len, fixed + 4, 4);
	memcpy(&fields_len, fixed + 12, 4);
	if (body_len > MAX_MESSAGE || fields_len > MAX_MESSAGE)
		return wpar_error_input(err, "D-Bus sent a message too large");
	size_t header_len = (16 + (size_t)fields_len + 7) / 8 * 8;
	size_t total = header_len + body_len;
	cleanup_free uint8_t *buf = xmalloc(total);
	memcpy(buf, fixed, 16);
	if (read_full(c->fd, buf + 16, total - 16, deadline_ms) < 0)
		return wpar_error_errno(err, "D-Bus message cut short");
	memset(m, 0, sizeof(*m));
	m->type = fixed[1];
	/* Header fields: offsets count from the message start (alignment). */
	struct cursor fc = {buf, 16 + fields_len, 16};
	if (parse_fields(&fc, m) < 0) {
		wpar_dbus_msg_release(m);
		return wpar_error_input(err, "D-Bus sent a malformed message header");
	}
	m->body = xmalloc(body_len ? body_len : 1);
	memcpy(m->body, buf + header_len, body_len);
	m->body_len = body_len;
	return 0;
}

static void keep(struct wpar_dbus *c, struct wpar_dbus_msg *m)
{
	c->kept = xrealloc(c->kept, (c->n_kept + 1) * sizeof(*c->kept));
	c->kept[c->n_kept++] = *m;
	memset(m, 0, sizeof(*m));
}

int wpar_dbus_call(struct wpar_dbus *c, const char *destination, const char *path,
		   const char *interface, const char *member, const struct wpar_dbus_body *body,
		   int timeout_ms, struct wpar_dbus_msg *reply, wpar_error_t *err)
{
	uint32_t serial;
	if (send_call(c, destination, path, interface, member, body, &serial, err) < 0)
		return -1;
	long long deadline = monotonic_ms() + timeout_ms;
	for (;;) {
		struct wpar_dbus_msg m;
		if (read_message(c, deadline, &m, err) < 0)
			return wpar_error_prefix(err, "%s", member);
		if ((m.type == RETURN || m.type == ERROR) && m.reply_serial == serial) {
			*reply = m;
			return 0;
		}
		if (m.type == SIGNAL)
			keep(c, &m);
		else
			wpar_dbus_msg_release(&m); /* a call to us, or another reply */
	}
}

static bool is_signal(const struct wpar_dbus_msg *m, const char *interface, const char *member)
{
	return m->type == SIGNAL && m->interface && strcmp(m->interface, interface) == 0 &&
	       m->member && strcmp(m->member, member) == 0;
}

int wpar_dbus_wait_signal(struct wpar_dbus *c, const char *interface, const char *member,
			  long long deadline_ms, struct wpar_dbus_msg *out, wpar_error_t *err)
{
	for (size_t i = 0; i < c->n_kept; i++) {
		if (!is_signal(&c->kept[i], interface, member))
			continue;
		*out = c->kept[i];
		memmove(&c->kept[i], &c->kept[i + 1], (c->n_kept - i - 1) * sizeof(*c->kept));
		c->n_kept--;
		return 0;
	}
	for (;;) {
		struct wpar_dbus_msg m;
		if (read_message(c, deadline_ms, &m, err) < 0)
			return -1;
		if (is_signal(&m, interface, member)) {
			*out = m;
			return 0;
		}
		wpar_dbus_msg_release(&m);
	}
}
