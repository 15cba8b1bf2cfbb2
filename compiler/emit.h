/* Emission: generated BPF C to one policy object. Runs clang -target bpf
 * on the generated C with the embedded kernel headers, drops DWARF (BTF is
 * kept for CO-RE), adds the metadata section, and writes the object
 * atomically: on any error nothing is left at the output path. */
#pragma once

#include <stddef.h>

#include "core/diag.h"

/* Returns 0, or -1 with a message on stderr-style text in err. */
int emit_object(const char *c_source, const char *meta_json, const char *out_path, char *err,
                size_t errlen);

/* Writes the embedded headers and c_source into dir (for --emit c users
 * who want to build by hand). */
int emit_write_sources(const char *dir, const char *c_source, char *err, size_t errlen);
