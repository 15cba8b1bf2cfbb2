/* The interpreter: evaluates a condition AST (as parsed, resolved or
 * lowered) on one event. It decides userspace residuals in the runtime,
 * non-syscall sources, `rulec test` fixtures, and is the oracle the kernel
 * predicates are checked against. Semantics follow libsinsp: a comparison
 * on a field with no value is false, and `not` of it is true. */
#pragma once

#include <stdbool.h>

#include "core/ast.h"
#include "core/value.h"

struct interp;

/* Compiled state for one condition: regexes compiled, numbers, addresses
 * and networks parsed once. The AST must stay alive while it is used. */
struct interp *interp_new(const struct ast_node *cond);
void interp_free(struct interp **interp);
/* Returns true when the condition matches. Field values come from get(). */
bool interp_eval(struct interp *interp, field_getter get, void *ctx);

/* Applies a field's transformers (tolower, toupper, b64, basename, len) to a
 * value in place; scratch holds any new string until the next call. */
int interp_apply_transformers(const struct ast_field *field, struct field_value *value,
                              char **scratch, size_t *scratch_cap);
