/* See spec_flags.h. */
#include "spec_flags.h"

#include "lifecycle.h"
#include "store.h"

int wpar_spec_load_base(const char *infile, const char *existing, struct wpar_spec **out,
			wpar_error_t *err)
{
	if (infile && existing)
		return wpar_error_input(err, "-e and -f exclude each other");
	if (infile)
		return wpar_spec_load(infile, out, err);
	if (existing) {
		if (wpar_store_load(existing, out, err) < 0)
			return -1;
		wpar_spec_make_template(*out);
		return 0;
	}
	*out = wpar_spec_new();
	wpar_spec_append(*out, WPAR_ST_GENERAL);
	return 0;
}

static int set_general(struct wpar_spec *spec, const char *attr, const char *value, char flag,
		       wpar_error_t *err)
{
	if (wpar_spec_set(spec, WPAR_ST_GENERAL, 0, attr, value, err) < 0)
		return wpar_error_prefix(err, "-%c", flag);
	return 1;
}

static int add_words(struct wpar_spec *spec, enum wpar_stanza_kind kind, const struct wpar_opt *o,
		     wpar_error_t *err)
{
	char flagname[3] = {'-', o->flag, '\0'};
	return wpar_spec_add_words(spec, kind, flagname, o->words, o->n_words, err) < 0 ? -1 : 1;
}

int wpar_spec_apply_common_flag(struct wpar_spec *spec, const struct wpar_opt *o, wpar_error_t *err)
{
	switch (o->flag) {
	case 'n':
		return set_general(spec, "name", o->arg, 'n', err);
	case 'h':
		return set_general(spec, "hostname", o->arg, 'h', err);
	case 'c':
		return set_general(spec, "checkpointable", "yes", 'c', err);
	case 'i':
		return set_general(spec, "routing", "yes", 'i', err);
	case 'u':
		return set_general(spec, "script", o->arg, 'u', err);
	case 'M':
		return add_words(spec, WPAR_ST_MOUNT, o, err);
	case 'N':
		return add_words(spec, WPAR_ST_NETWORK, o, err);
	case 'I':
		/* Routes only exist in a WPAR-specific routing table. */
		if (add_words(spec, WPAR_ST_ROUTE, o, err) < 0)
			return -1;
		return set_general(spec, "routing", "yes", 'I', err);
	case 'R':
		return add_words(spec, WPAR_ST_RESOURCES, o, err);
	default:
		return 0;
	}
}
