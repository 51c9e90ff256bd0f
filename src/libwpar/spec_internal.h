/* The attribute tables behind struct wpar_spec, shared by the parser, the
 * writer, the validator and the command-line attribute parser. */
#ifndef WPAR_SPEC_INTERNAL_H
#define WPAR_SPEC_INTERNAL_H

#include <stddef.h>

#include "spec.h"

/* Checks one value; on success may store a normalised copy in *norm
 * (e.g. "YES" -> "yes"), otherwise leaves it NULL. */
typedef int (*wpar_attr_check_fn)(const char *value, char **norm, wpar_error_t *err);

struct wpar_attr_desc {
	const char *name;
	size_t offset;
	wpar_attr_check_fn check;
};

struct wpar_stanza_desc {
	const char *name;
	bool repeatable;
	size_t elem_size;
	const struct wpar_attr_desc *attrs;
	size_t n_attrs;
};

const struct wpar_stanza_desc *wpar_stanza_desc(enum wpar_stanza_kind kind);
const struct wpar_attr_desc *wpar_attr_lookup(enum wpar_stanza_kind kind, const char *name);

/* Instance `index` of a stanza kind and the address of its counter. */
void *wpar_spec_instance(const struct wpar_spec *spec, enum wpar_stanza_kind kind, size_t index);
size_t *wpar_spec_count(const struct wpar_spec *spec, enum wpar_stanza_kind kind);

static inline char **wpar_attr_slot(void *instance, const struct wpar_attr_desc *a)
{
	return (char **)((char *)instance + a->offset);
}

/* Validates and stores one attribute value into an instance. */
int wpar_attr_assign(enum wpar_stanza_kind kind, void *instance, const char *attr,
		     const char *value, wpar_error_t *err);

#endif
