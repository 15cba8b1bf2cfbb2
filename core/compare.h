/* One comparison of one left value with one right value, per type, as
 * libsinsp's flt_compare does it: strings as C strings or byte buffers,
 * numbers as the field's signed or unsigned 64-bit type, booleans and
 * addresses by (in)equality, networks by prefix; glob and iglob are
 * fnmatch(3), pmatch is a path-prefix match by whole components, regex is
 * core/regex.h.
 *
 * A truncated left value (a captured prefix p of the real value p+S, S
 * unknown) is decided when every S gives the same answer, else MAYBE:
 *   =, in            false unless p is a prefix of the value; then MAYBE
 *   startswith v     decided when |v| <= |p|, else MAYBE if p prefixes v
 *   contains v       true when p contains v, else MAYBE
 *   endswith         MAYBE
 *   glob             false when the pattern's literal head disagrees with p
 *   regex            false when no extension can match (PCRE2 partial match)
 *   pmatch           decided on p's complete path components
 *   < <= > >=        decided by the first differing byte within p
 *   numbers          a truncated number is a lower bound (len() of a prefix) */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/ast.h"
#include "core/coerce.h"
#include "core/regex.h"
#include "core/scratch.h"
#include "core/tri.h"

struct arena;

/* One path component of a pmatch pattern. */
struct compare_comp {
    const char *s; /* NUL-terminated */
    size_t len;
    bool glob; /* contains ?, * or [ (prefix_search.h's m_glob_dirs) */
};

/* One right-hand value: a constant prepared once (its regex compiled, its
 * path split) or another field's value coerced for this event. */
struct compare_rhs {
    struct coerce_val c;
    struct regex *re;
    struct compare_comp *comps;
    size_t ncomps;
};

/* What comparisons need per event: the regex match state and a buffer for
 * NUL-terminated fnmatch subjects. */
struct compare_ctx {
    struct regex_scratch *rx;
    struct scratch *tmp;
};

/* flt_is_comparable: whether type t (a list field's elements with list)
 * supports op. */
bool compare_op_supported(enum coerce_type t, bool list, enum ast_op op);

/* l op r for a comparison of type t. */
enum interp_result compare_values(const struct compare_ctx *cx, enum coerce_type t, enum ast_op op,
                                  const struct coerce_val *l, const struct compare_rhs *r);
/* pmatch of l against one pattern (r->comps). */
enum interp_result compare_pmatch(const struct compare_ctx *cx, const struct coerce_val *l,
                                  const struct compare_rhs *r);

/* Splits r's text into path components for pmatch, empty ones dropped
 * (split_path); the components live in arena. */
void compare_split_path(struct arena *arena, struct compare_rhs *r);

/* Bytes compare like strcmp (unsigned), the shorter first on a common
 * prefix: the order of sorted string sets. */
int compare_bytes(const char *a, size_t al, const char *b, size_t bl);
