/* Binding field references of an already checked condition (a residual
 * from a policy object, a fixture's condition) to the catalogue. The
 * compiler's resolver does the same with diagnostics and source checks;
 * this is the runtime's quiet form. */
#pragma once

#include "core/ast.h"

/* Binds one field; -1 when the name is unknown. */
int bind_field(struct ast_field *field);
/* Binds every field in the tree; returns the first unknown name, or NULL. */
const char *bind_condition(struct ast_node *node);
