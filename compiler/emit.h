/* Emission: generated BPF C to one policy object. Runs clang -target bpf
 * on each unit of generated C with the embedded kernel headers, links the
 * units with libbpf's static linker, drops DWARF (BTF is kept for CO-RE),
 * adds the metadata and integrity sections, writes the integrity record
 * (core/integrity.h), and writes the object atomically: on any error nothing
 * is left at the output path. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "core/diag.h"
#include "core/integrity.h"

/* Compiles the units (codegen's unit_source, in parallel), links them into
 * one object and seals it, signed by signer unless NULL; rep gets its digest
 * and signer. Returns 0, or -1 with a message in err. */
int emit_object(const char *const unit_source[], size_t nunits, const char *meta_json,
                const struct crypto_signer *signer, const char *out_path,
                struct integrity_report *rep, char *err, size_t errlen);

/* Writes data to path through a temporary file next to it, flushed to disk,
 * then renamed over path: readers see the old file or the new one, and on
 * failure path is untouched and nothing is left behind. mode is the new
 * file's, before the umask. Returns 0, or -1 with a message in err. */
int emit_write_atomic(const char *path, const void *data, size_t size, mode_t mode, char *err,
                      size_t errlen);
