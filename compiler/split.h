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

/* `contains` in the kernel: on slots of this size, with constants of at most SPLIT_NEEDLE_MAX
 * bytes (compiler/bpf/rulec_kernel.h, RULEC_PATH_MAX and RULEC_NEEDLE_MAX). */
#define SPLIT_CONTAINS_SLOT 256
#define SPLIT_NEEDLE_MAX 64

/* `glob` in the kernel: patterns whose only wildcard is '*' (fnmatch without flags, where '*'
 * matches '/' too) are a prefix, the middle pieces found one after the other, and a suffix. */
#define SPLIT_GLOB_PIECES 6
struct split_glob {
    struct ast_value prefix, suffix; /* before the first '*', after the last */
    struct ast_value middle[SPLIT_GLOB_PIECES];
    size_t nmiddle;
};

/* Fills out (when not NULL) and returns 0 when the pattern has that form
 * and its pieces fit the kernel's needles; -1 otherwise. */
int split_glob_pieces(const struct ast_value *pattern, struct split_glob *out);

/* The most bit tests one evt.arg constant may turn into (core/sysargs.c, sysarg_terms). */
#define SPLIT_MAX_ARG_TERMS 64

/* True when the kernel can decide this comparison exactly (given complete
 * values; truncated or failed reads are still maybe at run time). */
bool split_atom_in_kernel(const struct ast_node *cmp);

/* Whether a string constant can be compared in a slot of this size (extra:
 * bytes the kernel form adds, the '/' of a pmatch prefix); codegen leaves
 * out the ones that cannot, which is sound (see split.c). */
bool split_value_fits(const struct ast_value *v, uint32_t slot_size, size_t extra);

/* evt.arg.NAME of a flag or number argument compared as text: the bit tests
 * (sysarg_terms) decide `=`; `!=` is its negation and `in` a disjunction of `=`. */
enum ast_op split_sysarg_op(enum ast_op op);

/* True when the rule's event types include a syscall rulec hooks. */
bool split_rule_hooked(const struct rs_rule *rule);

/* The split pass, run by the front end for lint and compile alike: fills
 * each rule's rule->split and reports RULEC_NOT_COMPILED (another event
 * source, no hookable event type) and RULEC_KERNEL_MAYBE (the kernel cannot
 * filter the rule on a frequent syscall). Returns 0. */
int split_ruleset(struct ruleset *rs, struct diag_list *diags);
