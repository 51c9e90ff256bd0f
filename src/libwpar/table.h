/* Tables and paragraphs the way AIX's listing commands print them, so that
 * scripts written against lswpar keep parsing our output.
 *
 * A table is a fixed set of columns, each with the label people read
 * ("Mount Point") and the key scripts use ("mountpoint": the name -a
 * selects and the -c header shows), and rows of string cells.  The same
 * table prints as
 *   - an aligned table: header, a line of dashes as wide as the table,
 *     rows; each column as wide as its widest cell, two blanks between;
 *   - delimited text (-c/-d): "#key1:key2" then the cells joined by the
 *     delimiter, a delimiter or backslash inside a cell escaped with '\';
 *   - paragraphs (-G, -R, -S): per row a banner made of the row's title
 *     columns ("w1 - Defined") between two lines of '=', then one
 *     "Label:  value" line per other column, values aligned;
 *   - JSON: an array with one object per row, keyed by column key.
 * A selection (-a) picks and orders the columns every form shows; the
 * banner of a paragraph always comes from the title columns. */
#ifndef WPAR_TABLE_H
#define WPAR_TABLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "util.h"

#define TABLE_BANNER_WIDTH 65

enum {
	/* Makes up a paragraph's banner instead of being one of its lines. */
	TABLE_COL_TITLE = 1u << 0,
};

struct table_column {
	const char *label;
	const char *key;
	unsigned flags;
};

struct table {
	const struct table_column *cols; /* not owned: usually static */
	size_t n_cols;
	size_t *sel; /* the columns shown, as indexes into cols, in order */
	size_t n_sel;
	char **cells; /* row-major, n_rows * n_cols; NULL prints as "" */
	size_t n_rows, cap_rows;
};

struct table *table_new(const struct table_column *cols, size_t n_cols);
void table_free(struct table *t);
static inline void table_freep(struct table **t)
{
	table_free(*t);
}
#define cleanup_table __attribute__((cleanup(table_freep)))

/* Appends an empty row and returns its index. */
size_t table_add_row(struct table *t);
/* Stores a copy of value (NULL allowed) / takes ownership of value. */
void table_set(struct table *t, size_t row, size_t col, const char *value);
void table_set_owned(struct table *t, size_t row, size_t col, char *value);
const char *table_get(const struct table *t, size_t row, size_t col);

/* Index of the column with this key (case-insensitive), -1 if none. */
int table_column_index(const struct table *t, const char *key);

/* Restricts and orders the shown columns to a comma-separated list of
 * keys (case-insensitive).  An unknown or empty key fails with a message
 * that names it and lists the valid keys; the selection is then left as
 * it was. */
int table_select(struct table *t, const char *fieldlist, wpar_error_t *err);
/* Removes one key from the current selection (no-op when absent). */
void table_hide(struct table *t, const char *key);

enum table_style {
	TABLE_ALIGNED,
	TABLE_DELIMITED,
	TABLE_PARAGRAPH,
};

struct table_format {
	enum table_style style;
	char delim;           /* TABLE_DELIMITED; '\0' means ':' */
	bool no_header;       /* -q: no header line, no paragraph banner */
	bool header_if_empty; /* print the header of a table without rows */
};

/* Appends the table, in the given form, to out. */
void table_render(const struct table *t, const struct table_format *fmt, struct strbuf *out);

/* The pieces of the paragraph form, for composite listings (lswpar -L):
 * a banner around a title, and the label lines of one row. */
void table_render_banner(const char *title, struct strbuf *out);
void table_render_lines(const struct table *t, size_t row, struct strbuf *out);

/* One object per row with the selected columns (new reference). */
json_t *table_to_json(const struct table *t);
/* The selected columns of one row as an object (new reference); title
 * columns are left out when skip_title is true. */
json_t *table_row_to_json(const struct table *t, size_t row, bool skip_title);

/* A JSON string for any bytes: invalid UTF-8 is replaced by U+FFFD so one
 * odd value cannot make the whole document unprintable. */
json_t *table_json_string(const char *s);

#endif
