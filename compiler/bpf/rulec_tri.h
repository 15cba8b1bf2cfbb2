/* rulec_tri.h - the three-valued answers of generated atoms and rules, and the statements the
 * rules combine them with: Kleene's logic (core/tri.h's in userspace), so that the kernel's
 * answer is a sound over-approximation of the full condition (docs/ARCHITECTURE.md). Pure C
 * over the record's slot statuses: the differential test (tests/diff) compiles this very file
 * natively. Needs rulec_abi.h (RULEC_SLOT_*) and __always_inline. */
#pragma once

enum rulec_tri {
    RULEC_NO = 0,
    RULEC_YES = 1,
    RULEC_MAYBE = 2, /* the kernel cannot tell: the event goes up and the runtime decides */
};

/* Kleene NOT: yes and no swap, maybe stays maybe. */
static __always_inline enum rulec_tri rulec_tri_not(enum rulec_tri v)
{
    return v == RULEC_MAYBE ? RULEC_MAYBE : (enum rulec_tri) !v;
}

/* An atom on a value its slot does not hold whole (st, its status): no for a missing value
 * (Falco's <NA>, on which every comparison is false), maybe for a truncated value or a failed
 * read (fail closed). An expression, not a function: clang then knows the answer is 0 to 2 and
 * keeps memo bits in fewer instructions. */
#define RULEC_UNREAD(st) ((st) == RULEC_SLOT_NONE ? RULEC_NO : RULEC_MAYBE)

/* The operands of a Kleene AND or OR, one statement each, inside the operation's
 * do { ... } while (0): r is its result so far (RULEC_YES for an AND, RULEC_NO for an OR) and v
 * the operand's answer (one variable per operation, declared first in the do: clang compiles
 * that best). An AND stops at the first no and an OR at the first yes (break leaves the do), a
 * maybe is remembered in r and the next operands are still tried, the other answer changes
 * nothing. */
#define RULEC_AND(r, v, x) RULEC__KLEENE(r, v, x, RULEC_NO)
#define RULEC_OR(r, v, x) RULEC__KLEENE(r, v, x, RULEC_YES)

/* The answer that decides: no for an AND, yes for an OR. */
#define RULEC__KLEENE(r, v, x, decides)                                                            \
    {                                                                                              \
        (v) = (x);                                                                                 \
        if ((v) == (decides)) {                                                                    \
            (r) = (decides);                                                                       \
            break;                                                                                 \
        }                                                                                          \
        if ((v) == RULEC_MAYBE)                                                                    \
            (r) = RULEC_MAYBE;                                                                     \
    }
