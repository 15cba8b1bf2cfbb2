/* Condition parser: Falco condition text to an AST (flex + bison,
 * reentrant, with locations). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"

/* Nesting deeper than this is rejected, so hostile input cannot exhaust
 * the stack of any recursive pass that follows. */
#define CONDITION_MAX_DEPTH 256

/* Parses text[0..len). On error reports LOAD_ERR_COMPILE_CONDITION at the
 * offending token and returns NULL. map may be NULL: positions are then
 * offsets into text with file == NULL. */
struct ast_node *condition_parse(struct arena *arena, const char *text, size_t len,
                                 const struct text_map *map, struct diag_list *diags);
