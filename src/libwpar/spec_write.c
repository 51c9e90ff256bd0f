/* Writer of the canonical spec-file text. */
#include <string.h>

#include "spec_internal.h"
#include "util.h"

static void put_quoted(struct strbuf *sb, const char *v)
{
	strbuf_puts(sb, "\"");
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_puts(sb, "\\");
		strbuf_add(sb, p, 1);
	}
	strbuf_puts(sb, "\"");
}

char *wpar_spec_write(const struct wpar_spec *spec)
{
	struct strbuf sb = {0};
	bool first = true;
	for (int k = 0; k < WPAR_ST__COUNT; k++) {
		const struct wpar_stanza_desc *d = wpar_stanza_desc(k);
		size_t n = *wpar_spec_count(spec, k);
		for (size_t i = 0; i < n; i++) {
			void *inst = wpar_spec_instance(spec, k, i);
			if (!first)
				strbuf_puts(&sb, "\n");
			first = false;
			strbuf_printf(&sb, "%s:\n", d->name);
			for (size_t a = 0; a < d->n_attrs; a++) {
				const char *v = *wpar_attr_slot(inst, &d->attrs[a]);
				if (v == NULL)
					continue;
				strbuf_printf(&sb, "\t%s = ", d->attrs[a].name);
				put_quoted(&sb, v);
				strbuf_puts(&sb, "\n");
			}
		}
	}
	return strbuf_steal(&sb);
}
