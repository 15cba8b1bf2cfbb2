/* The merged ruleset: what load.c reads from rules files and merge.c
 * combines with Falco's semantics (append, override, exceptions, list
 * substitution). Later passes (resolve, check, lower, split, codegen)
 * work on this structure. Everything lives in the ruleset's arena. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"
#include "core/evttypes.h"
#include "core/priority.h"
#include "grammar/condition.h"

/* Text assembled from YAML scalars, with each byte mapped to its origin. */
struct cond_text {
    char *text;
    size_t len;
    struct text_map map; /* map.offsets has len + 1 entries */
};

struct rs_list {
    const char *name;
    const char **items; /* after substitution of referenced lists */
    size_t nitems;
    struct src_pos pos;
    bool used;
};

struct rs_macro {
    const char *name;
    struct cond_text condition; /* lists substituted */
    struct src_pos pos;
    size_t index; /* definition order: a macro sees only earlier macros */
    /* Falco's visibility: macros[0..visibility) are the ones this macro may
     * use, those defined before its last definition or append (a macro
     * redefined later sees more than its index). Set by merge.c. */
    size_t visibility;
    struct ast_node *ast; /* parsed by resolve.c; NULL before or on error */
    bool used;
};

/* The split of one rule (split.c): whether `rulec run` evaluates it at all,
 * and which of its comparisons the kernel decides. */
struct rs_split {
    bool compiled; /* goes into the kernel part of the policy object */
    bool audit;    /* a k8s_audit rule: in the metadata, decided in userspace */
    bool exact;    /* every atom decided in the kernel */
    bool filters;  /* some non-evt.type atom decided in the kernel */
    const struct ast_node *first_maybe; /* the first atom left to userspace, for warnings */
    struct ptr_vec unavailable;         /* names of the fields rulec run has no value for */
};

struct rs_exception {
    const char *name;
    struct src_pos pos;
};

struct rs_rule {
    const char *name;
    const char *desc;
    struct cond_text condition; /* lists substituted, exceptions appended */
    struct cond_text output;
    enum alert_priority priority;
    const char *source; /* "syscall" unless given */
    const char **tags;
    size_t ntags;
    bool enabled;
    bool warn_evttypes;          /* default true */
    bool skip_if_unknown_filter; /* default false */
    bool capture;
    uint64_t capture_duration;
    struct rs_exception *exceptions;
    size_t nexceptions;
    struct src_pos pos;           /* the `- rule:` key */
    struct src_pos condition_pos; /* the condition: key */
    size_t index;                 /* rule order: alerts follow it */
    struct ast_node *ast;         /* resolved condition (resolve.c) */
    /* Not compiled: an unknown source (LOAD_UNKNOWN_SOURCE) or an unknown
     * field with skip-if-unknown-filter (LOAD_UNKNOWN_FILTER). */
    bool skipped;
    struct ast_node *lowered; /* NNF, constants folded (lower.c) */
    struct evtset evttypes;   /* event types the condition can match (lower.c) */
    struct rs_split split;    /* what the kernel decides (split.c) */
    struct arena *split_arena;
};

struct ruleset {
    struct arena *arena;
    struct src_file **files;
    size_t nfiles;
    struct rs_list **lists;
    size_t nlists;
    struct rs_macro **macros;
    size_t nmacros;
    struct rs_rule **rules;
    size_t nrules;
    /* required_engine_version seen in the files, as 0.N.0 or semver. */
    unsigned engine_major, engine_minor, engine_patch;
    /* merge.c's collector (Falco's definitions before compilation), kept so a
     * later load call can append to items of an earlier one. */
    struct merge *merge;
};

struct ruleset *ruleset_new(void);
void ruleset_free(struct ruleset **rs);
const struct rs_list *ruleset_find_list(const struct ruleset *rs, const char *name);
struct rs_macro *ruleset_find_macro(const struct ruleset *rs, const char *name);
struct rs_rule *ruleset_find_rule(const struct ruleset *rs, const char *name);
