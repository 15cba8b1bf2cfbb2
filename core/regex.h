/* The `regex` operator. libsinsp compiles patterns with RE2 in POSIX mode
 * and matches the whole value (ANCHOR_BOTH) after sanitizing it as UTF-8;
 * rulec checks a pattern against that dialect, rewrites it for PCRE2 where
 * the two read the same text differently, and matches with PCRE2. A
 * truncated subject is matched partially: no match at all is a decided
 * "no", a match or a partial one is MAYBE. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/tri.h"

struct regex;
/* Per-thread match state (match data, backtracking budget, a buffer for
 * the sanitized subject). */
struct regex_scratch;

/* Checks and compiles pattern[0..len). NULL when it is not a valid RE2
 * POSIX pattern (or PCRE2 refuses the translation); why then says why, in
 * words for the rule's author. */
struct regex *regex_compile(const char *pattern, size_t len, char *why, size_t whylen);
void regex_free(struct regex **re);

struct regex_scratch *regex_scratch_new(void);
void regex_scratch_free(struct regex_scratch **scratch);

/* Whether the whole of subject[0..len) matches; with truncated, whether a
 * value that starts so can. A pattern that exhausts the backtracking budget
 * is MAYBE: RE2 never backtracks, so it would have decided. */
enum interp_result regex_match(const struct regex *re, struct regex_scratch *scratch,
                               const char *subject, size_t len, bool truncated);
