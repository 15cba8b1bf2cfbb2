/* What the two halves of the merge module share: compiler/merge.c, Falco's
 * collector (define, append, replace, enable), and compiler/merge_build.c,
 * its compile step (exceptions to conditions, lists substituted). Not for
 * other modules: they use compiler/merge.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler/merge.h"
#include "core/arena.h"
#include "core/strmap.h"

/* Falco's indexed_vector: items in definition order, found by name. Items
 * are looked up for every definition, every list item and every token of
 * every condition. */
struct named_vec {
    struct ptr_vec vec;
    struct strmap names; /* name -> position in vec */
};

/* The position of the item called s[0..n), in *at. */
static inline bool merge_named_at(const struct named_vec *v, const char *s, size_t n, size_t *at)
{
    const struct strmap_entry *e = strmap_get(&v->names, s, n);
    if (e)
        *at = e->value.index;
    return e != NULL;
}

struct m_list {
    const char *name;
    struct src_pos pos;
    const char **items;
    size_t nitems;
    size_t index;
    size_t visibility;
};

struct m_macro {
    const char *name;
    struct src_pos pos;
    struct mtext cond;
    struct src_pos anchor; /* the latest item that changed the condition */
    size_t index;
    size_t visibility;
};

/* Rules are ordered by definition; Falco's index and visibility do not
 * matter for them (a rule sees every macro). */
struct m_rule {
    struct mrule_info v; /* every key set */
    struct src_pos cond_anchor;
    struct src_pos output_anchor;
};

struct merge {
    struct ruleset *rs;
    struct named_vec lists;
    struct named_vec macros;
    struct named_vec rules;
    struct strmap failed; /* "kind:name" of items whose definition failed */
    size_t cur_index;     /* one counter for all items, as the collector's */
};

/* memcpy, but an empty array may be NULL. */
static inline void merge_copy(void *dst, const void *src, size_t n)
{
    if (n)
        memcpy(dst, src, n);
}

/* The origin of a position, as struct mtext records it. */
static inline uint64_t merge_pos_org(struct src_pos pos)
{
    return pos.file ? merge_org(pos.file, pos.offset) : 0;
}

/* "rule 'X'": the item a diagnostic names, in the arena. */
char *merge_item_name(struct merge *m, const char *kind, const char *name);

/* in, intersects, pmatch, or an operator with a oneof/anyof/allof
 * modifier: an operator that takes a list of values. */
bool merge_is_list_op(struct mtext op);
