/* Semantic checks on resolved rules: operators and values against each
 * field's type, event types, output templates, and rulec's own checks for
 * conditions that can never be true. */
#pragma once

#include "compiler/ruleset.h"
#include "core/diag.h"
#include "core/fields.h"

/* Returns 0, or -1 when an error was reported. */
int check_ruleset(struct ruleset *rs, struct diag_list *diags);

/* A comparison value as the kernel compares it: numbers as core/number.h
 * reads them for the field's signedness (the 64 bits in *out), true/false
 * as 1/0 for boolean fields. Returns 0, or -1 when the text is no value of
 * the field. */
int check_parse_num(const struct field_def *def, const char *text, long long *out);
