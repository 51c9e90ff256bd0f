/* Life cycle and generic access of struct wpar_spec. */
#include <string.h>

#include "spec_internal.h"
#include "util.h"

struct wpar_spec *wpar_spec_new(void)
{
	return xcalloc(1, sizeof(struct wpar_spec));
}

/* Pointer to the array (for repeatable stanzas) or to the embedded struct
 * (for single ones). */
static void **array_slot(const struct wpar_spec *spec, enum wpar_stanza_kind kind)
{
	struct wpar_spec *s = (struct wpar_spec *)spec;
	switch (kind) {
	case WPAR_ST_NETWORK:
		return (void **)&s->networks;
	case WPAR_ST_ROUTE:
		return (void **)&s->routes;
	case WPAR_ST_MOUNT:
		return (void **)&s->mounts;
	case WPAR_ST_DEVICE:
		return (void **)&s->devices;
	case WPAR_ST_EXTENSION:
		return (void **)&s->extensions;
	default:
		return NULL;
	}
}

static void *single_instance(const struct wpar_spec *spec, enum wpar_stanza_kind kind)
{
	struct wpar_spec *s = (struct wpar_spec *)spec;
	switch (kind) {
	case WPAR_ST_GENERAL:
		return &s->general;
	case WPAR_ST_LVMGMT:
		return &s->lvmgmt;
	case WPAR_ST_RESOURCES:
		return &s->resources;
	case WPAR_ST_OPTIONS:
		return &s->options;
	case WPAR_ST_SECURITY:
		return &s->security;
	default:
		return NULL;
	}
}

size_t *wpar_spec_count(const struct wpar_spec *spec, enum wpar_stanza_kind kind)
{
	struct wpar_spec *s = (struct wpar_spec *)spec;
	switch (kind) {
	case WPAR_ST_GENERAL:
		return &s->n_general;
	case WPAR_ST_NETWORK:
		return &s->n_networks;
	case WPAR_ST_ROUTE:
		return &s->n_routes;
	case WPAR_ST_MOUNT:
		return &s->n_mounts;
	case WPAR_ST_LVMGMT:
		return &s->n_lvmgmt;
	case WPAR_ST_DEVICE:
		return &s->n_devices;
	case WPAR_ST_EXTENSION:
		return &s->n_extensions;
	case WPAR_ST_RESOURCES:
		return &s->n_resources;
	case WPAR_ST_OPTIONS:
		return &s->n_options;
	case WPAR_ST_SECURITY:
		return &s->n_security;
	default:
		abort();
	}
}

void *wpar_spec_instance(const struct wpar_spec *spec, enum wpar_stanza_kind kind, size_t index)
{
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	if (!d->repeatable)
		return single_instance(spec, kind);
	char *base = *array_slot(spec, kind);
	return base + index * d->elem_size;
}

static void clear_instance(enum wpar_stanza_kind kind, void *inst)
{
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	for (size_t i = 0; i < d->n_attrs; i++) {
		char **slot = wpar_attr_slot(inst, &d->attrs[i]);
		free(*slot);
		*slot = NULL;
	}
}

void wpar_spec_free(struct wpar_spec *spec)
{
	if (spec == NULL)
		return;
	for (int k = 0; k < WPAR_ST__COUNT; k++) {
		const struct wpar_stanza_desc *d = wpar_stanza_desc(k);
		if (d->repeatable) {
			size_t n = *wpar_spec_count(spec, k);
			for (size_t i = 0; i < n; i++)
				clear_instance(k, wpar_spec_instance(spec, k, i));
			free(*array_slot(spec, k));
		} else {
			clear_instance(k, single_instance(spec, k));
		}
	}
	free(spec);
}

size_t wpar_spec_append(struct wpar_spec *spec, enum wpar_stanza_kind kind)
{
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	size_t *n = wpar_spec_count(spec, kind);
	if (!d->repeatable) {
		*n = 1;
		return 0;
	}
	void **arr = array_slot(spec, kind);
	*arr = xrealloc(*arr, (*n + 1) * d->elem_size);
	memset((char *)*arr + *n * d->elem_size, 0, d->elem_size);
	return (*n)++;
}

void wpar_spec_remove_at(struct wpar_spec *spec, enum wpar_stanza_kind kind, size_t index)
{
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	size_t *n = wpar_spec_count(spec, kind);
	if (index >= *n)
		return;
	clear_instance(kind, wpar_spec_instance(spec, kind, index));
	if (!d->repeatable) {
		*n = 0;
		return;
	}
	char *base = *array_slot(spec, kind);
	memmove(base + index * d->elem_size, base + (index + 1) * d->elem_size,
		(*n - index - 1) * d->elem_size);
	(*n)--;
}

struct wpar_spec *wpar_spec_dup(const struct wpar_spec *spec)
{
	struct wpar_spec *copy = wpar_spec_new();
	for (int k = 0; k < WPAR_ST__COUNT; k++) {
		const struct wpar_stanza_desc *d = wpar_stanza_desc(k);
		size_t n = *wpar_spec_count(spec, k);
		for (size_t i = 0; i < n; i++) {
			size_t j = wpar_spec_append(copy, k);
			void *src = wpar_spec_instance(spec, k, i);
			void *dst = wpar_spec_instance(copy, k, j);
			for (size_t a = 0; a < d->n_attrs; a++) {
				char *v = *wpar_attr_slot(src, &d->attrs[a]);
				*wpar_attr_slot(dst, &d->attrs[a]) = v ? xstrdup(v) : NULL;
			}
		}
	}
	return copy;
}

int wpar_spec_set(struct wpar_spec *spec, enum wpar_stanza_kind kind, size_t index,
		  const char *attr, const char *value, wpar_error_t *err)
{
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	size_t *n = wpar_spec_count(spec, kind);
	if (!d->repeatable && *n == 0)
		wpar_spec_append(spec, kind);
	else if (index >= *n)
		return wpar_error_input(err, "no %s stanza number %zu", d->name, index + 1);
	if (value != NULL && value[0] == '\0')
		value = NULL;
	return wpar_attr_assign(kind, wpar_spec_instance(spec, kind, index), attr, value, err);
}

int wpar_spec_add_words(struct wpar_spec *spec, enum wpar_stanza_kind kind, const char *flag,
			char **words, size_t n_words, wpar_error_t *err)
{
	const struct wpar_stanza_desc *d = wpar_stanza_desc(kind);
	/* Build into a scratch spec so that a bad word changes nothing. */
	cleanup_spec struct wpar_spec *scratch = wpar_spec_new();
	size_t idx = wpar_spec_append(scratch, kind);
	void *inst = wpar_spec_instance(scratch, kind, idx);
	if (n_words == 0)
		return wpar_error_input(err, "%s needs attr=value arguments", flag);
	for (size_t i = 0; i < n_words; i++) {
		const char *eq = strchr(words[i], '=');
		if (eq == NULL || eq == words[i])
			return wpar_error_input(err, "%s: '%s' is not of the form attribute=value",
						flag, words[i]);
		cleanup_free char *attr = xstrndup(words[i], (size_t)(eq - words[i]));
		const char *value = eq + 1;
		if (wpar_attr_lookup(kind, attr) != NULL &&
		    *wpar_attr_slot(inst, wpar_attr_lookup(kind, attr)) != NULL)
			return wpar_error_input(err, "%s: attribute '%s' given twice", flag, attr);
		if (wpar_attr_assign(kind, inst, attr, value[0] ? value : NULL, err) < 0)
			return wpar_error_prefix(err, "%s", flag);
	}
	/* Commit: repeatable stanzas get a new instance, single ones merge. */
	size_t dst = d->repeatable ? wpar_spec_append(spec, kind) : 0;
	if (!d->repeatable)
		wpar_spec_append(spec, kind);
	void *target = wpar_spec_instance(spec, kind, dst);
	for (size_t a = 0; a < d->n_attrs; a++) {
		char **from = wpar_attr_slot(inst, &d->attrs[a]);
		if (*from == NULL)
			continue;
		char **to = wpar_attr_slot(target, &d->attrs[a]);
		free(*to);
		*to = steal_pointer(from);
	}
	return 0;
}

enum wpar_type wpar_spec_type(const struct wpar_spec *spec)
{
	return spec->general.application ? WPAR_APPLICATION : WPAR_SYSTEM;
}

bool wpar_spec_flag(const char *value)
{
	return value != NULL && strcmp(value, "yes") == 0;
}

struct wpar_mount *wpar_spec_find_mount(const struct wpar_spec *spec, const char *directory)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const char *d = spec->mounts[i].directory;
		if (d != NULL && strcmp(d, directory) == 0)
			return &spec->mounts[i];
	}
	return NULL;
}
