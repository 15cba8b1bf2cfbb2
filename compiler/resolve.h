/* Resolution: parse every macro and rule condition, bind fields to the
 * catalogue, and inline macros into rule conditions with Falco's visibility
 * rules (a macro sees only macros defined before it; a rule sees all). */
#pragma once

#include "compiler/ruleset.h"
#include "core/diag.h"

/* Fills macro->ast and rule->ast (fully inlined: no AST_MACRO left). A rule
 * whose condition cannot be resolved keeps ast == NULL; a rule skipped for
 * skip-if-unknown-filter or an unknown source has rule->skipped set.
 * Reports LOAD_UNUSED_MACRO for macros no rule or macro refers to.
 * Returns 0, or -1 when an error was reported. */
int resolve_ruleset(struct ruleset *rs, struct diag_list *diags);

/* Binds one field reference to the catalogue; reports and returns -1 when
 * unknown or when its argument does not fit the field. */
int resolve_field(struct ast_field *field, const char *source, const char *item,
                  struct diag_list *diags, bool report_unknown);
