/* Semantic checks on resolved rules: operators and values against each
 * field's type, event types, output templates, and rulec's own checks for
 * conditions that can never be true. */
#pragma once

#include "compiler/ruleset.h"
#include "core/diag.h"
#include "core/fields.h"

/* Returns 0, or -1 when an error was reported. */
int check_ruleset(struct ruleset *rs, struct diag_list *diags);

/* Parses a numeric literal as Falco does (decimal, signed, 0x hex).
 * Returns 0 on success. */
int check_parse_int(const char *text, long long *out);

/* A comparison value as the kernel compares it: numbers as check_parse_int,
 * and true/false as 1/0 for boolean fields. */
int check_parse_num(const struct field_def *def, const char *text, long long *out);
