/* What each lswpar listing shows about a WPAR, as tables (table.h) built
 * from a loaded spec and the WPAR's effective state.  The command and the
 * WPAR Manager agent share these, so a field means the same everywhere.
 *
 * Column keys (what -a selects, the -c header and JSON use) are the label
 * in lower case without blanks or punctuation ("Mount Point" ->
 * "mountpoint"), except where the administrator already has a name for the
 * field: the -R attribute names in the resource view (shares_CPU,
 * procVirtMem, ...), "devname" in the device view (AIX's `lswpar -Da
 * devname`), and "address" for the "Address(6)" column. */
#ifndef WPAR_VIEWS_H
#define WPAR_VIEWS_H

#include <jansson.h>
#include <stdbool.h>

#include "spec.h"
#include "state.h"
#include "table.h"

enum wpar_view {
	WPAR_VIEW_SUMMARY,    /* no flag: one line per WPAR */
	WPAR_VIEW_GENERAL,    /* -G, paragraph */
	WPAR_VIEW_RESOURCES,  /* -R, paragraph */
	WPAR_VIEW_SECURITY,   /* -S, paragraph */
	WPAR_VIEW_NETWORK,    /* -N */
	WPAR_VIEW_ROUTES,     /* -I */
	WPAR_VIEW_MOUNTS,     /* -M */
	WPAR_VIEW_DEVICES,    /* -D */
	WPAR_VIEW_EXTENSIONS, /* -X */
	WPAR_VIEW__COUNT
};

struct wpar_view_subject {
	const char *name;
	const struct wpar_spec *spec;
	enum wpar_state state;
};

enum {
	/* Show the value in force for every resource control the spec leaves
	 * out, as AIX does for a running WPAR; without it only configured
	 * controls (and the always-shown ones) have values. */
	WPAR_VIEW_DEFAULTS = 1u << 0,
};

/* The flags AIX's rendering implies for a WPAR in this state. */
unsigned wpar_view_flags_for_state(enum wpar_state state);

/* A new, empty table with the view's columns. */
struct table *wpar_view_table(enum wpar_view view);
bool wpar_view_is_paragraph(enum wpar_view view);

/* Appends the WPAR's rows (one for summary and paragraph views, one per
 * stanza for the others) to a table made by wpar_view_table(view). */
void wpar_view_add(enum wpar_view view, const struct wpar_view_subject *w, unsigned flags,
		   struct table *t);

/* The long form (-L): a banner, then the GENERAL, NETWORK, USER-SPECIFIED
 * ROUTES, FILE SYSTEMS, RESOURCE CONTROLS, SECURITY SETTINGS and DEVICE
 * EXPORTS sections; tables there have no Name column. */
void wpar_view_render_long(const struct wpar_view_subject *w, unsigned flags, struct strbuf *out);
/* The same as one object: name, state, then one member per section
 * (objects for paragraph sections, arrays for tables). */
json_t *wpar_view_long_json(const struct wpar_view_subject *w, unsigned flags);

#endif
