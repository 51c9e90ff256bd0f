/* Command-line flags that build a spec, shared by mkwpar and wparexec. */
#ifndef WPAR_SPEC_FLAGS_H
#define WPAR_SPEC_FLAGS_H

#include "cmdline.h"
#include "error.h"
#include "spec.h"

/* The base of a spec: -f inFile, or -e existing (made a template: what
 * identifies the original is dropped), or an empty one.  NULL for a flag
 * not given; both given is an error. */
int wpar_spec_load_base(const char *infile, const char *existing, struct wpar_spec **out,
			wpar_error_t *err);

/* Applies one of the flags both commands have: -n -h -c -i -u -M -N -I
 * -R.  Returns 1 when it applied it, 0 when `o` is another flag, -1 on
 * error (the message names the flag). */
int wpar_spec_apply_common_flag(struct wpar_spec *spec, const struct wpar_opt *o,
				wpar_error_t *err);

#endif
