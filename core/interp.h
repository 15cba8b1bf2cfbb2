/* The interpreter: evaluates a condition AST (as parsed, resolved or
 * lowered) on one event. It decides userspace residuals in the runtime,
 * non-syscall sources, `rulec test` fixtures, and is the oracle the kernel
 * predicates are checked against. Semantics follow libsinsp: a comparison
 * on a field with no value is false, and `not` of it is true.
 *
 * Truncated values (the kernel captured only a prefix) make the logic
 * three-valued: an atom the prefix cannot decide is INTERP_MAYBE, `not`
 * keeps MAYBE, `and`/`or` combine as Kleene logic, and interp_eval()
 * reports a match for MAYBE. That is the fail-closed rule of the
 * architecture (never drop an alert the full value could raise), and it
 * stays sound under `not`, which a plain "undecided = true" would not. */
#pragma once

#include <stdbool.h>

#include "core/ast.h"
#include "core/diag.h"
#include "core/fields.h"
#include "core/tri.h"
#include "core/value.h"

struct interp;

/* Compiled state for one condition: regexes compiled, numbers, addresses
 * and networks parsed once. The AST must stay alive while it is used.
 * Returns NULL when the condition cannot be evaluated (an unresolved macro,
 * a value that does not parse for its field's type, an invalid regex, an
 * operator the field's type does not support). */
struct interp *interp_new(const struct ast_node *cond);
/* interp_new that reports why: every problem becomes a
 * LOAD_ERR_COMPILE_CONDITION at the value's (or operator's) position, with
 * item ("rule 'X'") attached; diags may be NULL. */
struct interp *interp_compile(const struct ast_node *cond, struct diag_list *diags,
                              const char *item);
void interp_free(struct interp **interp);

/* Returns true when the condition matches (INTERP_MAYBE counts as a match).
 * Field values come from get(); a value must stay valid while the atom
 * that asked for it is evaluated, which may read a second field (val(),
 * a transformer's right-hand side). A getter error makes that atom
 * INTERP_MAYBE. An interp holds scratch buffers: use one interp from one
 * thread at a time. */
bool interp_eval(struct interp *interp, field_getter get, void *ctx);
/* The three-valued result behind interp_eval. */
enum interp_result interp_eval_result(struct interp *interp, field_getter get, void *ctx);
/* Evaluates one AST_CMP atom alone. When atom is part of the condition
 * interp was built from, its precompiled state is used; otherwise (or when
 * interp is NULL) the atom is compiled for this call. An atom that does not
 * compile is INTERP_FALSE. */
enum interp_result interp_eval_atom(struct interp *interp, const struct ast_node *atom,
                                    field_getter get, void *ctx);
