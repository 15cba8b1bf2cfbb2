/* Emission: generated BPF C to one policy object. Runs clang -target bpf
 * on each unit of generated C with the embedded kernel headers, links the
 * units with libbpf's static linker, drops DWARF (BTF is kept for CO-RE),
 * adds the metadata section, and writes the object atomically: on any
 * error nothing is left at the output path. */
#pragma once

#include <stddef.h>

#include "core/diag.h"

/* Compiles the units (codegen's unit_source, in parallel) and links them
 * into one object. Returns 0, or -1 with a message in err. */
int emit_object(const char *const unit_source[], size_t nunits, const char *meta_json,
                const char *out_path, char *err, size_t errlen);
