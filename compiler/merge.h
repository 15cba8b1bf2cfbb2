/* Falco's merge semantics, between load.c (which reads and validates items)
 * and the ruleset: the collector (define, append, replace and enable items
 * in file order, one index counter for all of them, as
 * rule_loader_collector.cpp) and the compile step (lists expanded, exception
 * conditions built, lists substituted textually into every condition, as
 * rule_loader_compiler.cpp: compiler/merge_build.c). Macros are left to
 * resolve.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/ruleset.h"

/* Text with the origin of every byte: (file index << 32) | byte offset,
 * org has len + 1 entries. Condition texts are built from pieces of several
 * files (an append in a user's file to an upstream rule). */
struct mtext {
    const char *s;
    const uint64_t *org;
    size_t len;
};

static inline uint64_t merge_org(const struct src_file *file, size_t offset)
{
    return ((uint64_t)file->index << 32) | (uint32_t)offset;
}

/* t without the leading and trailing bytes found in blanks (Falco trims
 * outputs with " \t\n\v\f\r" and exception comps with " \t\r\n"). */
struct mtext merge_trim(struct mtext t, const char *blanks);

/* An exception's fields, comps or values entry: a string or a list of entries
 * (Falco's rule_exception_info::entry). valid as Falco's is_valid(). */
struct mentry {
    bool is_list;
    struct mtext item;
    struct mentry *items;
    size_t nitems;
    struct src_pos pos;
};

static inline bool mentry_valid(const struct mentry *e)
{
    return e->is_list ? e->nitems > 0 : e->item.len > 0;
}

struct mexception {
    const char *name;
    struct src_pos pos;
    struct mentry fields;
    struct mentry comps;
    struct mentry *values;
    size_t nvalues;
};

struct mlist_info {
    const char *name;
    struct src_pos pos;
    const char **items;
    size_t nitems;
};

struct mmacro_info {
    const char *name;
    struct src_pos pos;
    struct mtext cond;
};

/* Rule keys an update (append or replace) carries. */
enum mrule_key {
    MR_CONDITION = 1u << 0,
    MR_OUTPUT = 1u << 1,
    MR_DESC = 1u << 2,
    MR_TAGS = 1u << 3,
    MR_EXCEPTIONS = 1u << 4,
    MR_PRIORITY = 1u << 5,
    MR_CAPTURE = 1u << 6,
    MR_CAPTURE_DURATION = 1u << 7,
    MR_ENABLED = 1u << 8,
    MR_WARN_EVTTYPES = 1u << 9,
    MR_SKIP_UNKNOWN = 1u << 10,
};

/* A rule definition (every key set) or update (the keys in has). */
struct mrule_info {
    const char *name;
    struct src_pos pos;
    unsigned has;
    const char *source; /* "" when an update gives none */
    struct mtext cond;
    struct src_pos cond_pos; /* the condition: key */
    struct mtext output;
    const char *desc;
    const char **tags;
    size_t ntags;
    struct mexception *exceptions;
    size_t nexceptions;
    enum alert_priority priority;
    bool capture;
    uint32_t capture_duration;
    bool enabled;
    bool warn_evttypes;
    bool skip_if_unknown_filter;
};

struct merge;

/* The collector of rs, made on first use; it lives as long as rs, so a later
 * load call can append to what an earlier one defined. */
struct merge *merge_of(struct ruleset *rs);

/* Each returns 0, or -1 after reporting LOAD_ERR_VALIDATE. */
int merge_define_list(struct merge *m, const struct mlist_info *info, struct diag_list *diags);
int merge_append_list(struct merge *m, const struct mlist_info *info, struct diag_list *diags);
int merge_define_macro(struct merge *m, const struct mmacro_info *info, struct diag_list *diags);
int merge_append_macro(struct merge *m, const struct mmacro_info *info, struct diag_list *diags);
int merge_define_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags);
int merge_append_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags);
int merge_replace_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags);
int merge_enable_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags);

/* An item named name of this kind ("list", "macro", "rule") failed to load:
 * later appends to it are not reported again as appends to nothing. */
void merge_item_failed(struct merge *m, const char *kind, const char *name);

/* Rebuilds rs->lists, rs->macros and rs->rules from everything collected so
 * far, and reports LOAD_UNUSED_LIST. Returns 0, or -1 when an error was
 * reported. */
int merge_build(struct merge *m, struct diag_list *diags);
