/* Loading rules files: libyaml to items with positions, validated against
 * Falco's schema, merged with Falco's semantics into a ruleset. */
#pragma once

#include "compiler/ruleset.h"

/* Reads and merges files in order, as Falco loads them (a later file may
 * append to or override items of an earlier one). The files are read from
 * disk ("-" is standard input); src_files are kept in rs->files for
 * diagnostics. Returns 0, or -1 when any error was reported (the ruleset is
 * still returned, holding what could be loaded, so lint can go on). */
int ruleset_load_files(struct ruleset *rs, const char *const *paths, size_t npaths,
                       struct diag_list *diags);
/* The same for one in-memory document (tests and fuzzing). Either call may
 * be repeated on one ruleset: what it loads merges with what earlier calls
 * loaded, and rs->lists, rs->macros and rs->rules are rebuilt from all of it
 * (LOAD_UNUSED_LIST then reflects the files loaded so far). */
int ruleset_load_buffer(struct ruleset *rs, const char *name, const char *text, size_t len,
                        struct diag_list *diags);
