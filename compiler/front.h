/* The front end as one call: load and merge the files, parse and resolve
 * every condition, run every check, lower and split each rule. `rulec lint`
 * stops here, so that it reports exactly what `rulec compile` reports
 * before code generation; `rulec compile` goes on to plan, codegen and
 * emit. */
#pragma once

#include "compiler/ruleset.h"
#include "core/diag.h"

/* Returns 0 when no error was reported (warnings allowed), -1 otherwise. */
int front_run(struct ruleset *rs, const char *const *paths, size_t npaths, struct diag_list *diags);
/* The same on an in-memory document. */
int front_run_buffer(struct ruleset *rs, const char *name, const char *text, size_t len,
                     struct diag_list *diags);
