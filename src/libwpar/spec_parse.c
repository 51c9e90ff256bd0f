/* Parser of AIX stanza spec files.
 *
 * The format: a "name:" line opens a stanza; "attr = value" lines follow,
 * indented or not; the value may be quoted ("..." with \" and \\ escapes)
 * or bare; a trailing backslash continues a value on the next line; lines
 * whose first non-blank character is '*' or '#' are comments.  Errors name
 * the input and the line. */
#include <ctype.h>
#include <string.h>

#include "spec_internal.h"
#include "util.h"

struct parser {
	const char *p, *end;
	const char *origin;
	int line;
	int kind; /* current stanza, -1 before the first header */
	size_t index;
	struct wpar_spec *spec;
};

static int perror_at(struct parser *ps, int line, wpar_error_t *err, const char *msg)
{
	return wpar_error_input(err, "%s:%d: %s", ps->origin, line, msg);
}

/* Returns the next physical line (without the newline) in [*b, *e). */
static bool next_line(struct parser *ps, const char **b, const char **e)
{
	if (ps->p >= ps->end)
		return false;
	*b = ps->p;
	const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	*e = nl ? nl : ps->end;
	ps->p = nl ? nl + 1 : ps->end;
	ps->line++;
	if (*e > *b && (*e)[-1] == '\r')
		(*e)--;
	return true;
}

static const char *skip_blanks(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static const char *trim_end(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Reads a value starting at s on the current line, following backslash
 * continuations onto the next lines. */
static int read_value(struct parser *ps, const char *s, const char *e, char **out,
		      wpar_error_t *err)
{
	struct strbuf sb = {0};
	int start_line = ps->line;
	bool quoted = (s < e && *s == '"');
	if (quoted)
		s++;
	for (;;) {
		bool continued = false;
		while (s < e) {
			char c = *s++;
			if (c == '\\' && s == e) {
				continued = true;
				break;
			}
			if (quoted && c == '\\' && (*s == '"' || *s == '\\')) {
				strbuf_add(&sb, s++, 1);
				continue;
			}
			if (quoted && c == '"') {
				const char *rest = skip_blanks(s, e);
				if (rest != e) {
					strbuf_release(&sb);
					return perror_at(ps, ps->line, err,
							 "unexpected text after the closing quote");
				}
				*out = strbuf_steal(&sb);
				return 0;
			}
			strbuf_add(&sb, &c, 1);
		}
		if (!continued)
			break;
		const char *b;
		if (!next_line(ps, &b, &e)) {
			strbuf_release(&sb);
			return perror_at(ps, start_line, err,
					 "the value continues past the end of the file");
		}
		e = trim_end(b, e); /* trailing blanks go, as on the first line */
		s = quoted ? b : skip_blanks(b, e);
	}
	if (quoted) {
		strbuf_release(&sb);
		return perror_at(ps, start_line, err, "a quoted value has no closing quote");
	}
	/* Bare values lose trailing blanks. */
	while (sb.len > 0 && (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == '\t'))
		sb.buf[--sb.len] = '\0';
	*out = strbuf_steal(&sb);
	return 0;
}

static int parse_header(struct parser *ps, const char *s, const char *e, wpar_error_t *err)
{
	cleanup_free char *name = xstrndup(s, (size_t)(e - s - 1));
	int kind = wpar_spec_stanza_by_name(name);
	if (kind < 0) {
		cleanup_free char *msg =
		    xasprintf("unknown stanza '%s:' (valid: general, network, route, mount, "
			      "lvmgmt, device, extension, resources, options, security)",
			      name);
		return perror_at(ps, ps->line, err, msg);
	}
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	if (!d->repeatable && *wpar_spec_count(ps->spec, kind) > 0) {
		cleanup_free char *msg = xasprintf("the %s stanza may appear only once", name);
		return perror_at(ps, ps->line, err, msg);
	}
	ps->kind = kind;
	ps->index = wpar_spec_append(ps->spec, kind);
	return 0;
}

static int parse_attribute(struct parser *ps, const char *s, const char *e, wpar_error_t *err)
{
	int line = ps->line;
	const char *k = s;
	while (s < e && is_ident_char(*s))
		s++;
	const char *kend = s;
	s = skip_blanks(s, e);
	if (kend == k || s >= e || *s != '=')
		return perror_at(ps, line, err, "expected 'attribute = value' or 'stanza:'");
	if (ps->kind < 0)
		return perror_at(
		    ps, line, err,
		    "attribute outside of a stanza (a 'stanza:' line must come first)");
	s = skip_blanks(s + 1, e);
	cleanup_free char *attr = xstrndup(k, (size_t)(kend - k));
	cleanup_free char *value = NULL;
	if (read_value(ps, s, e, &value, err) < 0)
		return -1;
	void *inst = wpar_spec_instance(ps->spec, ps->kind, ps->index);
	const struct wpar_attr_desc *a = wpar_attr_lookup(ps->kind, attr);
	if (a != NULL && *wpar_attr_slot(inst, a) != NULL) {
		cleanup_free char *msg = xasprintf("attribute '%s' appears twice in this %s stanza",
						   attr, wpar_spec_stanza_name(ps->kind));
		return perror_at(ps, line, err, msg);
	}
	/* An empty value means the attribute is absent; an unknown attribute
	 * is an error either way. */
	if (a == NULL || value[0] != '\0') {
		if (wpar_attr_assign(ps->kind, inst, attr, value[0] ? value : NULL, err) < 0)
			return wpar_error_prefix(err, "%s:%d", ps->origin, line);
	}
	return 0;
}

int wpar_spec_parse(const char *text, size_t len, const char *origin, struct wpar_spec **out,
		    wpar_error_t *err)
{
	cleanup_spec struct wpar_spec *spec = wpar_spec_new();
	struct parser ps = {.p = text,
			    .end = text + len,
			    .origin = origin ? origin : "spec",
			    .kind = -1,
			    .spec = spec};
	const char *b, *e;
	if (memchr(text, '\0', len) != NULL)
		return wpar_error_input(err, "%s: the file contains a NUL byte", ps.origin);
	while (next_line(&ps, &b, &e)) {
		const char *s = skip_blanks(b, e);
		e = trim_end(s, e);
		if (s == e || *s == '*' || *s == '#')
			continue;
		const char *q = s;
		while (q < e && is_ident_char(*q))
			q++;
		if (q > s && q + 1 == e && *q == ':') {
			if (parse_header(&ps, s, e, err) < 0)
				return -1;
			continue;
		}
		if (parse_attribute(&ps, s, e, err) < 0)
			return -1;
	}
	*out = steal_pointer(&spec);
	return 0;
}

int wpar_spec_load(const char *path, struct wpar_spec **out, wpar_error_t *err)
{
	cleanup_free char *text = NULL;
	size_t len;
	if (read_file(path, &text, &len, err) < 0)
		return -1;
	return wpar_spec_parse(text, len, path, out, err);
}
