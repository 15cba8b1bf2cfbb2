/* The split: for each rule, which atoms the kernel decides exactly and
 * which are "maybe" there (a userspace-only field, an operator without a
 * kernel form, a constant longer than the kernel's buffer). The kernel
 * predicate is the condition with every maybe atom unknown; it is a sound
 * over-approximation, and the userspace residual (the whole condition)
 * decides exactly. */
#pragma once

#include <stdbool.h>

#include "compiler/ruleset.h"
#include "core/diag.h"

/* The most bit tests one evt.arg constant may turn into (core/sysargs.c, sysarg_terms). */
#define SPLIT_MAX_ARG_TERMS 64

/* True when the kernel can decide this comparison exactly (given complete
 * values; truncated or failed reads are still maybe at run time). */
bool split_atom_in_kernel(const struct ast_node *cmp);

/* Whether a string constant can be compared in a slot of this size (extra:
 * bytes the kernel form adds, the '/' of a pmatch prefix); codegen leaves
 * out the ones that cannot, which is sound (see split.c). */
bool split_value_fits(const struct ast_value *v, uint32_t slot_size, size_t extra);

struct split_rule {
    bool exact;                         /* every atom decided in the kernel */
    bool filters;                       /* some non-evt.type atom decided in the kernel */
    const struct ast_node *first_maybe; /* the first atom left to userspace, for warnings */
};

void split_rule(const struct rs_rule *rule, struct split_rule *out);
