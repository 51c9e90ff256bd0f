/* Fuzz target of the spec-file parser.  Any input either fails with an
 * error object or parses; what parses must write out canonically, and
 * the canonical text must parse again to the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wpar_spec *spec = NULL;
	wpar_error_t err = NULL;
	if (wpar_spec_parse((const char *)data, size, "fuzz", &spec, &err) < 0) {
		/* A failure always explains itself and returns nothing. */
		if (err == NULL || err->msg == NULL || spec != NULL)
			abort();
		wpar_error_release(&err);
		return 0;
	}
	if (spec == NULL || err != NULL)
		abort();

	char *first = wpar_spec_write(spec);

	/* The cross-stanza rules must not crash on anything the parser
	 * accepts (most inputs break them; that is fine). */
	if (wpar_spec_validate(spec, &err) < 0) {
		if (err == NULL)
			abort();
		wpar_error_release(&err);
	}
	(void)wpar_spec_type(spec);

	/* dup() must copy everything the writer sees. */
	struct wpar_spec *copy = wpar_spec_dup(spec);
	char *dup_text = wpar_spec_write(copy);
	if (strcmp(first, dup_text) != 0)
		abort();

	struct wpar_spec *again = NULL;
	if (wpar_spec_parse(first, strlen(first), "canonical", &again, &err) < 0) {
		fprintf(stderr, "canonical text does not parse: %s\n--- text ---\n%s", err->msg,
			first);
		abort();
	}
	char *second = wpar_spec_write(again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "round trip differs\n--- first ---\n%s--- second ---\n%s", first,
			second);
		abort();
	}

	free(second);
	wpar_spec_free(again);
	free(dup_text);
	wpar_spec_free(copy);
	free(first);
	wpar_spec_free(spec);
	return 0;
}
