/* Falco output templates: "%proc.name opened %fd.name (user=%user.name)".
 * Parsed once (at compile time, to check it, and again in the runtime),
 * rendered per alert. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"
#include "core/value.h"
#include "core/fields.h"

struct format_part {
    const char *literal;   /* text before the field (may be empty) */
    size_t literal_len;
    struct ast_field field; /* field.name == NULL for a trailing literal */
    unsigned width;         /* %12proc.name: pad or cut to this width; 0 = none */
};

struct format_template {
    struct format_part *parts;
    size_t nparts;
};

/* Parses a template. Unknown fields and a trailing % are reported as
 * LOAD_ERR_COMPILE_OUTPUT at their position (map may be NULL). Returns NULL
 * on error. */
struct format_template *format_parse(struct arena *arena, const char *text, size_t len,
                                     const struct text_map *map, struct diag_list *diags);
