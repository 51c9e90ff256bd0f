/* Rendering of struct table in AIX's listing forms and as JSON. */
#include "table.h"

#include <string.h>
#include <strings.h>

struct table *table_new(const struct table_column *cols, size_t n_cols)
{
	struct table *t = xcalloc(1, sizeof(*t));
	t->cols = cols;
	t->n_cols = n_cols;
	t->sel = xcalloc(n_cols, sizeof(*t->sel));
	for (size_t i = 0; i < n_cols; i++)
		t->sel[i] = i;
	t->n_sel = n_cols;
	return t;
}

void table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->sel);
	free(t);
}

size_t table_add_row(struct table *t)
{
	if (t->n_rows == t->cap_rows) {
		t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap_rows * t->n_cols * sizeof(char *));
	}
	memset(&t->cells[t->n_rows * t->n_cols], 0, t->n_cols * sizeof(char *));
	return t->n_rows++;
}

void table_set_owned(struct table *t, size_t row, size_t col, char *value)
{
	char **cell = &t->cells[row * t->n_cols + col];
	free(*cell);
	*cell = value;
}

void table_set(struct table *t, size_t row, size_t col, const char *value)
{
	table_set_owned(t, row, col, value ? xstrdup(value) : NULL);
}

const char *table_get(const struct table *t, size_t row, size_t col)
{
	const char *v = t->cells[row * t->n_cols + col];
	return v ? v : "";
}

int table_column_index(const struct table *t, const char *key)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (strcasecmp(t->cols[i].key, key) == 0)
			return (int)i;
	return -1;
}

static char *valid_keys(const struct table *t)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < t->n_cols; i++)
		strbuf_printf(&sb, "%s%s", i ? ", " : "", t->cols[i].key);
	return strbuf_steal(&sb);
}

int table_select(struct table *t, const char *fieldlist, wpar_error_t *err)
{
	/* A key named twice is shown twice, as asked, so the selection can
	 * be longer than the column set. */
	size_t cap = 8, n = 0;
	cleanup_free size_t *sel = xcalloc(cap, sizeof(*sel));
	cleanup_free char *copy = xstrdup(fieldlist);
	/* strtok would skip empty items silently; "a,,b" is a typo worth
	 * reporting, so walk the separators by hand. */
	for (char *key = copy, *next; key != NULL; key = next) {
		char *comma = strchr(key, ',');
		next = comma ? comma + 1 : NULL;
		if (comma)
			*comma = '\0';
		int idx = key[0] ? table_column_index(t, key) : -1;
		if (idx < 0) {
			cleanup_free char *valid = valid_keys(t);
			if (key[0] == '\0')
				return wpar_error_input(
				    err, "empty field name in '%s' (valid fields: %s)", fieldlist,
				    valid);
			return wpar_error_input(err, "unknown field '%s' (valid fields: %s)", key,
						valid);
		}
		if (n == cap) {
			cap *= 2;
			sel = xrealloc(sel, cap * sizeof(*sel));
		}
		sel[n++] = (size_t)idx;
	}
	free(t->sel);
	t->sel = steal_pointer(&sel);
	t->n_sel = n;
	return 0;
}

void table_hide(struct table *t, const char *key)
{
	size_t j = 0;
	for (size_t i = 0; i < t->n_sel; i++)
		if (strcasecmp(t->cols[t->sel[i]].key, key) != 0)
			t->sel[j++] = t->sel[i];
	t->n_sel = j;
}

static void strbuf_pad(struct strbuf *out, size_t n)
{
	static const char blanks[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;
		strbuf_add(out, blanks, k);
		n -= k;
	}
}

static void strbuf_repeat(struct strbuf *out, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_add(out, &c, 1);
}

/* Trailing blanks are dropped: an empty last column must not leave
 * invisible padding that breaks `grep 'x$'` style matching. */
static void end_line(struct strbuf *out, size_t line_start)
{
	while (out->len > line_start && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	strbuf_add(out, "\n", 1);
}

static void aligned_line(const struct table *t, const size_t *width, const char *const *cells,
			 struct strbuf *out)
{
	size_t start = out->len;
	for (size_t i = 0; i < t->n_sel; i++) {
		const char *v = cells[i] ? cells[i] : "";
		size_t len = strlen(v);
		strbuf_add(out, v, len);
		if (i + 1 < t->n_sel)
			strbuf_pad(out, width[i] - len + 2);
	}
	end_line(out, start);
}

static void render_aligned(const struct table *t, const struct table_format *fmt,
			   struct strbuf *out)
{
	cleanup_free size_t *width = xcalloc(t->n_sel, sizeof(*width));
	cleanup_free const char **cells = xcalloc(t->n_sel, sizeof(*cells));
	for (size_t i = 0; i < t->n_sel; i++) {
		width[i] = strlen(t->cols[t->sel[i]].label);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t len = strlen(table_get(t, r, t->sel[i]));
			if (len > width[i])
				width[i] = len;
		}
	}
	if (!fmt->no_header) {
		size_t total = 0;
		for (size_t i = 0; i < t->n_sel; i++) {
			cells[i] = t->cols[t->sel[i]].label;
			total += width[i] + (i ? 2 : 0);
		}
		aligned_line(t, width, cells, out);
		strbuf_repeat(out, '-', total);
		strbuf_add(out, "\n", 1);
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t i = 0; i < t->n_sel; i++)
			cells[i] = table_get(t, r, t->sel[i]);
		aligned_line(t, width, cells, out);
	}
}

static void add_escaped(struct strbuf *out, const char *v, char delim)
{
	for (const char *p = v; *p; p++) {
		if (*p == delim || *p == '\\')
			strbuf_add(out, "\\", 1);
		strbuf_add(out, p, 1);
	}
}

static void render_delimited(const struct table *t, const struct table_format *fmt,
			     struct strbuf *out)
{
	char delim = fmt->delim ? fmt->delim : ':';
	if (!fmt->no_header) {
		strbuf_add(out, "#", 1);
		for (size_t i = 0; i < t->n_sel; i++) {
			if (i)
				strbuf_add(out, &delim, 1);
			strbuf_puts(out, t->cols[t->sel[i]].key);
		}
		strbuf_add(out, "\n", 1);
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t i = 0; i < t->n_sel; i++) {
			if (i)
				strbuf_add(out, &delim, 1);
			add_escaped(out, table_get(t, r, t->sel[i]), delim);
		}
		strbuf_add(out, "\n", 1);
	}
}

void table_render_banner(const char *title, struct strbuf *out)
{
	strbuf_repeat(out, '=', TABLE_BANNER_WIDTH);
	strbuf_printf(out, "\n%s\n", title);
	strbuf_repeat(out, '=', TABLE_BANNER_WIDTH);
	strbuf_add(out, "\n", 1);
}

void table_render_lines(const struct table *t, size_t row, struct strbuf *out)
{
	size_t width = 0;
	for (size_t i = 0; i < t->n_sel; i++) {
		const struct table_column *c = &t->cols[t->sel[i]];
		if (!(c->flags & TABLE_COL_TITLE) && strlen(c->label) + 1 > width)
			width = strlen(c->label) + 1;
	}
	for (size_t i = 0; i < t->n_sel; i++) {
		const struct table_column *c = &t->cols[t->sel[i]];
		if (c->flags & TABLE_COL_TITLE)
			continue;
		size_t start = out->len;
		strbuf_printf(out, "%s:", c->label);
		strbuf_pad(out, width - strlen(c->label) - 1 + 2);
		strbuf_puts(out, table_get(t, row, t->sel[i]));
		end_line(out, start);
	}
}

static char *row_title(const struct table *t, size_t row)
{
	struct strbuf sb = {0};
	for (size_t c = 0; c < t->n_cols; c++) {
		if (!(t->cols[c].flags & TABLE_COL_TITLE))
			continue;
		strbuf_printf(&sb, "%s%s", sb.len ? " - " : "", table_get(t, row, c));
	}
	return strbuf_steal(&sb);
}

static void render_paragraphs(const struct table *t, const struct table_format *fmt,
			      struct strbuf *out)
{
	for (size_t r = 0; r < t->n_rows; r++) {
		if (r > 0)
			strbuf_add(out, "\n", 1);
		if (!fmt->no_header) {
			cleanup_free char *title = row_title(t, r);
			table_render_banner(title, out);
		}
		table_render_lines(t, r, out);
	}
}

void table_render(const struct table *t, const struct table_format *fmt, struct strbuf *out)
{
	if (t->n_sel == 0 || (t->n_rows == 0 && !fmt->header_if_empty))
		return;
	switch (fmt->style) {
	case TABLE_ALIGNED:
		render_aligned(t, fmt, out);
		break;
	case TABLE_DELIMITED:
		render_delimited(t, fmt, out);
		break;
	case TABLE_PARAGRAPH:
		render_paragraphs(t, fmt, out);
		break;
	}
}

/* Length of the well-formed UTF-8 sequence at p, 0 when it is not one. */
static size_t utf8_seq_len(const unsigned char *p)
{
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4;
	else
		return 0;
	/* The second byte's range excludes overlong forms and surrogates. */
	if (p[0] == 0xE0)
		lo = 0xA0;
	else if (p[0] == 0xED)
		hi = 0x9F;
	else if (p[0] == 0xF0)
		lo = 0x90;
	else if (p[0] == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

json_t *table_json_string(const char *s)
{
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	struct strbuf sb = {0};
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq_len(p);
		if (n == 0) {
			strbuf_puts(&sb, "\xEF\xBF\xBD");
			p++;
		} else {
			strbuf_add(&sb, (const char *)p, n);
			p += n;
		}
	}
	cleanup_free char *clean = strbuf_steal(&sb);
	j = json_string(clean);
	if (j == NULL)
		abort(); /* only allocation failure is left */
	return j;
}

json_t *table_row_to_json(const struct table *t, size_t row, bool skip_title)
{
	json_t *obj = json_object();
	if (obj == NULL)
		abort();
	for (size_t i = 0; i < t->n_sel; i++) {
		const struct table_column *c = &t->cols[t->sel[i]];
		if (skip_title && (c->flags & TABLE_COL_TITLE))
			continue;
		json_object_set_new(obj, c->key, table_json_string(table_get(t, row, t->sel[i])));
	}
	return obj;
}

json_t *table_to_json(const struct table *t)
{
	json_t *arr = json_array();
	if (arr == NULL)
		abort();
	for (size_t r = 0; r < t->n_rows; r++)
		json_array_append_new(arr, table_row_to_json(t, r, false));
	return arr;
}
