/* Three-valued logic, Kleene's: the result of the interpreter and of each
 * of its parts (coercion, comparisons, regex matches). MAYBE is "the value
 * we hold cannot decide": a truncated value, a failed read. NOT keeps
 * MAYBE, AND is FALSE as soon as one side is, OR is TRUE as soon as one side
 * is. A MAYBE at the root means "may match", which keeps every rewrite of
 * the condition (negation normal form, the kernel/userspace split) sound:
 * nothing that could match is ever reported as a non-match. */
#pragma once

#include <stdbool.h>

/* The interpreter's result type; named for it, shared by its parts. */
enum interp_result {
    INTERP_FALSE,
    INTERP_TRUE,
    INTERP_MAYBE, /* a truncated value or a failed read: the event may match */
};

static inline enum interp_result tri_of(bool b)
{
    return b ? INTERP_TRUE : INTERP_FALSE;
}

static inline enum interp_result tri_not(enum interp_result r)
{
    return r == INTERP_MAYBE ? INTERP_MAYBE : tri_of(r == INTERP_FALSE);
}

static inline enum interp_result tri_or(enum interp_result a, enum interp_result b)
{
    if (a == INTERP_TRUE || b == INTERP_TRUE)
        return INTERP_TRUE;
    return a == INTERP_MAYBE || b == INTERP_MAYBE ? INTERP_MAYBE : INTERP_FALSE;
}

static inline enum interp_result tri_and(enum interp_result a, enum interp_result b)
{
    if (a == INTERP_FALSE || b == INTERP_FALSE)
        return INTERP_FALSE;
    return a == INTERP_MAYBE || b == INTERP_MAYBE ? INTERP_MAYBE : INTERP_TRUE;
}
