#include "compiler/merge.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/strmap.h"

/* Falco's messages (rule_loading_messages.h). */
#define ERROR_NO_PREVIOUS_MACRO                                                                    \
    "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"
#define ERROR_NO_PREVIOUS_LIST                                                                     \
    "List uses 'append' or 'override.items: append' but no list by that name already exists"
#define ERROR_NO_PREVIOUS_RULE_APPEND                                                              \
    "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"
#define ERROR_NO_PREVIOUS_RULE_REPLACE                                                             \
    "An 'override.<key>: replace' to a rule was requested but no rule by that name already "       \
    "exists"

/* memcpy, but an empty array may be NULL. */
static void _copy(void *dst, const void *src, size_t n)
{
    if (n)
        memcpy(dst, src, n);
}

/* ---- names to items --------------------------------------------------------- */

/* Falco's indexed_vector: items in definition order, found by name. Items
 * are looked up for every definition, every list item and every token of
 * every condition. */
struct named_vec {
    struct ptr_vec vec;
    struct strmap names; /* name -> position in vec */
};

static void _named_init(struct named_vec *v, struct arena *arena)
{
    strmap_init(&v->names, arena);
}

/* The position of the item called s[0..n), in *at. */
static bool _named_at(const struct named_vec *v, const char *s, size_t n, size_t *at)
{
    const struct strmap_entry *e = strmap_get(&v->names, s, n);
    if (e)
        *at = e->value.index;
    return e != NULL;
}

static void *_find(const struct named_vec *v, const char *name)
{
    size_t i;
    return _named_at(v, name, strlen(name), &i) ? v->vec.items[i] : NULL;
}

static void _push(struct arena *arena, struct named_vec *v, const char *name, void *item)
{
    strmap_put_str(&v->names, name, NULL)->value.index = v->vec.len; /* arena: never NULL */
    ptr_vec_push(arena, &v->vec, item);
}

/* ---- the collector ------------------------------------------------------------ */

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

struct merge *merge_of(struct ruleset *rs)
{
    if (!rs->merge) {
        rs->merge = arena_alloc(rs->arena, sizeof(*rs->merge));
        rs->merge->rs = rs;
        _named_init(&rs->merge->lists, rs->arena);
        _named_init(&rs->merge->macros, rs->arena);
        _named_init(&rs->merge->rules, rs->arena);
        strmap_init(&rs->merge->failed, rs->arena);
    }
    return rs->merge;
}

static const char *_failed_key(struct merge *m, const char *kind, const char *name)
{
    return arena_printf(m->rs->arena, "%s:%s", kind, name);
}

void merge_item_failed(struct merge *m, const char *kind, const char *name)
{
    strmap_put_str(&m->failed, _failed_key(m, kind, name), NULL);
}

/* An append to an item whose own definition failed was already reported. */
static bool _has_failed(struct merge *m, const char *kind, const char *name)
{
    return strmap_get_str(&m->failed, _failed_key(m, kind, name)) != NULL;
}

static char *_item(struct merge *m, const char *kind, const char *name)
{
    return arena_printf(m->rs->arena, "%s '%s'", kind, name);
}

static int _no_previous(struct merge *m, const char *kind, const char *name, struct src_pos pos,
                        const char *msg, struct diag_list *diags)
{
    if (!_has_failed(m, kind, name))
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, pos, _item(m, kind, name), "%s", msg);
    return -1;
}

/* prev + " " + more, the space standing where more starts. */
static struct mtext _concat(struct arena *arena, struct mtext prev, struct mtext more)
{
    size_t len = prev.len + 1 + more.len;
    char *s = arena_alloc(arena, len + 1);
    uint64_t *org = arena_alloc(arena, (len + 1) * sizeof(uint64_t));
    _copy(s, prev.s, prev.len);
    _copy(org, prev.org, prev.len * sizeof(uint64_t));
    s[prev.len] = ' ';
    org[prev.len] = more.org[0];
    _copy(s + prev.len + 1, more.s, more.len);
    _copy(org + prev.len + 1, more.org, (more.len + 1) * sizeof(uint64_t));
    return (struct mtext){.s = s, .org = org, .len = len};
}

static struct mtext _mtext_const(struct arena *arena, const char *s, uint64_t org)
{
    size_t len = strlen(s);
    uint64_t *o = arena_alloc(arena, (len + 1) * sizeof(uint64_t));
    for (size_t i = 0; i <= len; i++)
        o[i] = org;
    return (struct mtext){.s = arena_strdup(arena, s), .org = o, .len = len};
}

struct mtext merge_trim(struct mtext t, const char *blanks)
{
    /* strchr also finds the terminating NUL: a NUL byte is not a blank */
    while (t.len && t.s[t.len - 1] && strchr(blanks, t.s[t.len - 1]))
        t.len--;
    while (t.len && t.s[0] && strchr(blanks, t.s[0])) {
        t.s++;
        t.org++;
        t.len--;
    }
    return t;
}

static bool _mtext_is(struct mtext t, const char *s)
{
    return t.len == strlen(s) && (!t.len || memcmp(t.s, s, t.len) == 0);
}

static uint64_t _pos_org(struct src_pos pos)
{
    return pos.file ? merge_org(pos.file, pos.offset) : 0;
}

int merge_define_list(struct merge *m, const struct mlist_info *info, struct diag_list *diags)
{
    struct m_list *prev = _find(&m->lists, info->name);
    struct m_list *l = prev ? prev : arena_alloc(m->rs->arena, sizeof(*l));
    size_t index = prev ? prev->index : m->cur_index;
    /* A redefinition replaces the list where it stood (define_info). */
    *l = (struct m_list){.name = info->name,
                         .pos = info->pos,
                         .items = info->items,
                         .nitems = info->nitems,
                         .index = index,
                         .visibility = m->cur_index++};
    if (!prev) {
        _push(m->rs->arena, &m->lists, l->name, l);
    }
    return 0;
}

int merge_append_list(struct merge *m, const struct mlist_info *info, struct diag_list *diags)
{
    struct m_list *prev = _find(&m->lists, info->name);
    if (!prev)
        return _no_previous(m, "list", info->name, info->pos, ERROR_NO_PREVIOUS_LIST, diags);
    const char **items =
        arena_alloc(m->rs->arena, (prev->nitems + info->nitems + 1) * sizeof(char *));
    _copy(items, prev->items, prev->nitems * sizeof(char *));
    _copy(items + prev->nitems, info->items, info->nitems * sizeof(char *));
    prev->items = items;
    prev->nitems += info->nitems;
    prev->visibility = m->cur_index++;
    return 0;
}

int merge_define_macro(struct merge *m, const struct mmacro_info *info, struct diag_list *diags)
{
    struct m_macro *prev = _find(&m->macros, info->name);
    struct m_macro *mac = prev ? prev : arena_alloc(m->rs->arena, sizeof(*mac));
    size_t index = prev ? prev->index : m->cur_index;
    *mac = (struct m_macro){.name = info->name,
                            .pos = info->pos,
                            .cond = info->cond,
                            .anchor = info->pos,
                            .index = index,
                            .visibility = m->cur_index++};
    if (!prev) {
        _push(m->rs->arena, &m->macros, mac->name, mac);
    }
    return 0;
}

int merge_append_macro(struct merge *m, const struct mmacro_info *info, struct diag_list *diags)
{
    struct m_macro *prev = _find(&m->macros, info->name);
    if (!prev)
        return _no_previous(m, "macro", info->name, info->pos, ERROR_NO_PREVIOUS_MACRO, diags);
    prev->cond = _concat(m->rs->arena, prev->cond, info->cond);
    prev->anchor = info->pos;
    prev->visibility = m->cur_index++;
    return 0;
}

/* ---- exceptions: rule_loader_collector.cpp validate_exception_info -------------- */

/* normalize_comp: comps are compared and written without surrounding blanks. */
static const char _comp_blanks[] = " \t\r\n";

static const char *const _operators[] = {
    "exists",      "<=",       "<",     ">=",         ">",         "==",        "=",
    "!=",          "glob",     "iglob", "contains",   "icontains", "bcontains", "startswith",
    "bstartswith", "endswith", "regex", "intersects", "in",        "pmatch",
};

/* The string operators a oneof/anyof/allof modifier may follow. */
static const char *const _modifiable[] = {
    "==",        "=",         "!=",         "glob",        "iglob",    "contains",
    "icontains", "bcontains", "startswith", "bstartswith", "endswith", "regex",
};

static bool _in_table(const char *s, size_t n, const char *const *table, size_t ntable)
{
    for (size_t i = 0; i < ntable; i++)
        if (strlen(table[i]) == n && memcmp(table[i], s, n) == 0)
            return true;
    return false;
}

#define _IN(s, n, table) _in_table(s, n, table, sizeof(table) / sizeof(table[0]))

/* "startswith oneof": an operator, one space, a modifier (filter_compare.cpp
 * str_to_cmpop_with_modifier; rule_loader_cmpop.h). */
static bool _is_modifier_op(struct mtext op)
{
    static const char *const mods[] = {"oneof", "anyof", "allof"};
    const char *sp = op.len ? memchr(op.s, ' ', op.len) : NULL; /* an empty text may be NULL */
    if (!sp)
        return false;
    size_t base = (size_t)(sp - op.s);
    return _IN(op.s, base, _modifiable) && _IN(sp + 1, op.len - base - 1, mods);
}

static bool _is_list_op(struct mtext op)
{
    static const char *const list_ops[] = {"intersects", "in", "pmatch"};
    return _IN(op.s, op.len, list_ops) || _is_modifier_op(op);
}

static int _exception_error(struct merge *m, const struct mrule_info *r,
                            const struct mexception *ex, struct src_pos pos,
                            struct diag_list *diags, const char *msg)
{
    diag_report(diags, DIAG_LOAD_ERR_VALIDATE, pos.file ? pos : ex->pos, _item(m, "rule", r->name),
                "%s", msg);
    return -1;
}

/* fields: [a, b]: comps default to "=" each, one per field, each an operator. */
static int _validate_fields_list(struct merge *m, const struct mrule_info *r, struct mexception *ex,
                                 struct diag_list *diags)
{
    struct arena *a = m->rs->arena;
    if (!mentry_valid(&ex->comps)) {
        uint64_t org = _pos_org(ex->pos);
        struct mentry *eq = arena_alloc(a, (ex->fields.nitems + 1) * sizeof(*eq));
        for (size_t i = 0; i < ex->fields.nitems; i++)
            eq[i] = (struct mentry){.item = _mtext_const(a, "=", org), .pos = ex->pos};
        ex->comps = (struct mentry){
            .is_list = true, .items = eq, .nitems = ex->fields.nitems, .pos = ex->pos};
    }
    if (ex->fields.nitems != ex->comps.nitems)
        return _exception_error(m, r, ex, ex->comps.pos, diags,
                                "Fields and comps lists must have equal length");
    for (size_t i = 0; i < ex->comps.nitems; i++) {
        struct mentry *c = &ex->comps.items[i];
        c->item = merge_trim(c->item, _comp_blanks);
        if (!_IN(c->item.s, c->item.len, _operators) && !_is_modifier_op(c->item))
            return _exception_error(m, r, ex, c->pos, diags,
                                    arena_printf(a, "'%.*s' is not a supported comparison operator",
                                                 (int)c->item.len, c->item.s));
    }
    return 0;
}

/* fields: a: comps defaults to "in" and must be a list operator. */
static int _validate_field(struct merge *m, const struct mrule_info *r, struct mexception *ex,
                           struct diag_list *diags)
{
    if (!mentry_valid(&ex->comps))
        ex->comps =
            (struct mentry){.item = _mtext_const(m->rs->arena, "in", _pos_org(ex->fields.pos)),
                            .pos = ex->fields.pos};
    if (ex->comps.is_list)
        return _exception_error(m, r, ex, ex->comps.pos, diags,
                                "Fields and comps must both be strings");
    ex->comps.item = merge_trim(ex->comps.item, _comp_blanks);
    struct mtext c = ex->comps.item;
    if (!_mtext_is(c, "in") && !_mtext_is(c, "pmatch") && !_mtext_is(c, "intersects") &&
        !_is_modifier_op(c))
        return _exception_error(m, r, ex, ex->comps.pos, diags,
                                "When fields is a single value, comps must be one of (in, pmatch, "
                                "intersects) or a modifier operator (e.g. startswith oneof)");
    return 0;
}

/* validate_exception_info, minus the field names (resolve.c checks those). */
static int _validate_exception(struct merge *m, const struct mrule_info *r, struct mexception *ex,
                               struct diag_list *diags)
{
    return ex->fields.is_list ? _validate_fields_list(m, r, ex, diags)
                              : _validate_field(m, r, ex, diags);
}

/* Validates a copy of each exception (validation fills in default comps). */
static struct mexception *_checked_exceptions(struct merge *m, const struct mrule_info *r,
                                              struct diag_list *diags)
{
    struct mexception *ex = arena_alloc(m->rs->arena, (r->nexceptions + 1) * sizeof(*ex));
    _copy(ex, r->exceptions, r->nexceptions * sizeof(*ex));
    for (size_t i = 0; i < r->nexceptions; i++) {
        if (!mentry_valid(&ex[i].fields)) {
            diag_report(diags, DIAG_LOAD_ERR_VALIDATE, ex[i].pos, _item(m, "rule", r->name),
                        "Rule exception item must have fields property with a list of fields");
            return NULL;
        }
        if (_validate_exception(m, r, &ex[i], diags) < 0)
            return NULL;
    }
    return ex;
}

/* ---- rules ------------------------------------------------------------------------ */

/* find_prev_rule: a rule may not change source, unless one side gives none. */
static struct m_rule *_prev_rule(struct merge *m, const struct mrule_info *info, int *err,
                                 struct diag_list *diags)
{
    struct m_rule *prev = _find(&m->rules, info->name);
    *err = 0;
    if (prev && prev->v.source[0] && info->source[0] && strcmp(prev->v.source, info->source)) {
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, info->pos, _item(m, "rule", info->name),
                    "Rule has been re-defined with a different source");
        *err = -1;
    }
    return prev;
}

int merge_define_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags)
{
    int err;
    struct m_rule *prev = _prev_rule(m, info, &err, diags);
    if (err)
        return -1;
    struct mexception *ex = _checked_exceptions(m, info, diags);
    if (!ex)
        return -1;
    struct m_rule *r = prev ? prev : arena_alloc(m->rs->arena, sizeof(*r));
    *r = (struct m_rule){.v = *info, .cond_anchor = info->pos, .output_anchor = info->pos};
    m->cur_index++;
    r->v.exceptions = ex;
    if (!prev) {
        _push(m->rs->arena, &m->rules, r->v.name, r);
    }
    return 0;
}

/* Tags are a std::set in Falco: sorted, each once. */
static int _tag_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void _tags_union(struct arena *arena, struct mrule_info *v, const char **more, size_t n)
{
    const char **tags = arena_alloc(arena, (v->ntags + n + 1) * sizeof(char *));
    _copy(tags, v->tags, v->ntags * sizeof(char *));
    _copy(tags + v->ntags, more, n * sizeof(char *));
    size_t len = v->ntags + n;
    qsort(tags, len, sizeof(char *), _tag_cmp);
    size_t out = 0;
    for (size_t i = 0; i < len; i++)
        if (out == 0 || strcmp(tags[out - 1], tags[i]) != 0)
            tags[out++] = tags[i];
    v->tags = tags;
    v->ntags = out;
}

static struct mexception *_find_exception(struct mrule_info *v, const char *name)
{
    for (size_t i = 0; i < v->nexceptions; i++)
        if (strcmp(v->exceptions[i].name, name) == 0)
            return &v->exceptions[i];
    return NULL;
}

/* Appended exceptions: a new name is a new exception (complete, with values);
 * an existing name only adds values. Checked before anything changes. */
static int _check_appended_exceptions(struct merge *m, struct m_rule *prev, struct mexception *ex,
                                      size_t n, struct diag_list *diags)
{
    const char *item = _item(m, "rule", prev->v.name);
    for (size_t i = 0; i < n; i++) {
        const char *msg = NULL;
        if (!_find_exception(&prev->v, ex[i].name)) {
            if (!mentry_valid(&ex[i].fields))
                msg = "Rule exception must have fields property with a list of fields";
            else if (!ex[i].nvalues)
                msg = "Rule exception must have values property with a list of values";
            else if (_validate_exception(m, &prev->v, &ex[i], diags) < 0)
                return -1;
        } else if (mentry_valid(&ex[i].fields)) {
            msg = "Can not append exception fields to existing exception, only values";
        } else if (mentry_valid(&ex[i].comps)) {
            msg = "Can not append exception comps to existing exception, only values";
        }
        if (msg) {
            diag_report(diags, DIAG_LOAD_ERR_VALIDATE, ex[i].pos, item, "%s", msg);
            return -1;
        }
    }
    return 0;
}

static void _append_exceptions(struct arena *arena, struct mrule_info *v,
                               const struct mexception *ex, size_t n)
{
    struct mexception *all = arena_alloc(arena, (v->nexceptions + n + 1) * sizeof(*all));
    _copy(all, v->exceptions, v->nexceptions * sizeof(*all));
    size_t len = v->nexceptions;
    for (size_t i = 0; i < n; i++) {
        struct mexception *prev = NULL;
        for (size_t j = 0; j < len && !prev; j++)
            if (strcmp(all[j].name, ex[i].name) == 0)
                prev = &all[j];
        if (!prev) {
            all[len++] = ex[i];
            continue;
        }
        struct mentry *vals =
            arena_alloc(arena, (prev->nvalues + ex[i].nvalues + 1) * sizeof(*vals));
        _copy(vals, prev->values, prev->nvalues * sizeof(*vals));
        _copy(vals + prev->nvalues, ex[i].values, ex[i].nvalues * sizeof(*vals));
        prev->values = vals;
        prev->nvalues += ex[i].nvalues;
    }
    v->exceptions = all;
    v->nexceptions = len;
}

int merge_append_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags)
{
    int err;
    struct m_rule *prev = _prev_rule(m, info, &err, diags);
    if (err)
        return -1;
    if (!prev)
        return _no_previous(m, "rule", info->name, info->pos, ERROR_NO_PREVIOUS_RULE_APPEND, diags);
    if (!info->has) {
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, info->pos, _item(m, "rule", info->name),
                    "Appended rule must have exceptions or condition property");
        return -1;
    }
    struct arena *a = m->rs->arena;
    struct mexception *ex = NULL;
    if (info->has & MR_EXCEPTIONS) {
        ex = arena_alloc(a, (info->nexceptions + 1) * sizeof(*ex));
        _copy(ex, info->exceptions, info->nexceptions * sizeof(*ex));
        if (_check_appended_exceptions(m, prev, ex, info->nexceptions, diags) < 0)
            return -1;
        _append_exceptions(a, &prev->v, ex, info->nexceptions);
        prev->cond_anchor = info->pos;
    }
    if ((info->has & MR_CONDITION) && info->cond.len) {
        prev->v.cond = _concat(a, prev->v.cond, info->cond);
        prev->cond_anchor = info->pos;
    }
    if ((info->has & MR_OUTPUT) && info->output.len) {
        prev->v.output = _concat(a, prev->v.output, info->output);
        prev->output_anchor = info->pos;
    }
    if ((info->has & MR_DESC) && info->desc[0])
        prev->v.desc = arena_printf(a, "%s %s", prev->v.desc, info->desc);
    if (info->has & MR_TAGS)
        _tags_union(a, &prev->v, info->tags, info->ntags);
    m->cur_index++;
    return 0;
}

static void _replace_fields(struct m_rule *prev, const struct mrule_info *info,
                            struct mexception *ex)
{
    struct mrule_info *v = &prev->v;
    if (info->has & MR_CONDITION) {
        v->cond = info->cond;
        v->cond_pos = info->cond_pos;
        prev->cond_anchor = info->pos;
    }
    if (info->has & MR_OUTPUT) {
        v->output = info->output;
        prev->output_anchor = info->pos;
    }
    if (info->has & MR_DESC)
        v->desc = info->desc;
    if (info->has & MR_TAGS) {
        v->tags = info->tags;
        v->ntags = info->ntags;
    }
    if (info->has & MR_EXCEPTIONS) {
        v->exceptions = ex;
        v->nexceptions = info->nexceptions;
        prev->cond_anchor = info->pos;
    }
    if (info->has & MR_PRIORITY)
        v->priority = info->priority;
    if (info->has & MR_CAPTURE)
        v->capture = info->capture;
    if (info->has & MR_CAPTURE_DURATION)
        v->capture_duration = info->capture_duration;
    if (info->has & MR_ENABLED)
        v->enabled = info->enabled;
    if (info->has & MR_WARN_EVTTYPES)
        v->warn_evttypes = info->warn_evttypes;
    if (info->has & MR_SKIP_UNKNOWN)
        v->skip_if_unknown_filter = info->skip_if_unknown_filter;
}

int merge_replace_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags)
{
    int err;
    struct m_rule *prev = _prev_rule(m, info, &err, diags);
    if (err)
        return -1;
    if (!prev)
        return _no_previous(m, "rule", info->name, info->pos, ERROR_NO_PREVIOUS_RULE_REPLACE,
                            diags);
    if (!info->has) {
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, info->pos, _item(m, "rule", info->name),
                    "The rule must have at least one field that can be replaced");
        return -1;
    }
    /* Falco replaces exceptions without validating them, and then builds
     * conditions from comps it never defaulted; rulec validates them as a
     * definition's. */
    struct mexception *ex = NULL;
    if ((info->has & MR_EXCEPTIONS) && !(ex = _checked_exceptions(m, info, diags)))
        return -1;
    _replace_fields(prev, info, ex);
    m->cur_index++;
    return 0;
}

int merge_enable_rule(struct merge *m, const struct mrule_info *info, struct diag_list *diags)
{
    struct m_rule *prev = _find(&m->rules, info->name);
    if (!prev)
        return _no_previous(m, "rule", info->name, info->pos,
                            "Rule has 'enabled' key but no rule by that name already exists",
                            diags);
    prev->v.enabled = info->enabled;
    return 0;
}

/* ---- the compile step: rule_loader_compiler.cpp ------------------------------------- */

/* A condition being assembled: text and origin of each byte (org[len] is
 * the origin of the end). Scratch memory, freed after each condition. */
struct tbuf {
    char *s;
    uint64_t *org;
    size_t len;
    size_t cap;
};

static void _tb_reserve(struct tbuf *tb, size_t extra)
{
    if (tb->len + extra + 1 <= tb->cap)
        return;
    size_t cap = tb->cap ? tb->cap : 256;
    while (cap < tb->len + extra + 1)
        cap *= 2;
    char *s = realloc(tb->s, cap);
    uint64_t *org = realloc(tb->org, cap * sizeof(uint64_t));
    if (!s || !org)
        abort();
    tb->s = s;
    tb->org = org;
    tb->cap = cap;
}

/* Appends n bytes; their origins are org[0..n) or, when org is NULL, one. */
static void _tb_add(struct tbuf *tb, const char *s, size_t n, const uint64_t *org, uint64_t one)
{
    _tb_reserve(tb, n);
    _copy(tb->s + tb->len, s, n);
    for (size_t i = 0; i < n; i++)
        tb->org[tb->len + i] = org ? org[i] : one;
    tb->len += n;
    tb->org[tb->len] = org ? org[n] : one;
    tb->s[tb->len] = '\0';
}

static void _tb_str(struct tbuf *tb, const char *s, uint64_t org)
{
    _tb_add(tb, s, strlen(s), NULL, org);
}

static void _tb_text(struct tbuf *tb, struct mtext t)
{
    _tb_add(tb, t.s, t.len, t.org, 0);
}

/* Replaces [start, end) with n bytes of s, all of origin org. */
static void _tb_splice(struct tbuf *tb, size_t start, size_t end, const char *s, size_t n,
                       uint64_t org)
{
    size_t tail = tb->len - end;
    _tb_reserve(tb, n);
    memmove(tb->s + start + n, tb->s + end, tail + 1);
    memmove(tb->org + start + n, tb->org + end, (tail + 1) * sizeof(uint64_t));
    _copy(tb->s + start, s, n);
    for (size_t i = 0; i < n; i++)
        tb->org[start + i] = org;
    tb->len = start + n + tail;
}

static void _tb_free(struct tbuf *tb)
{
    free(tb->s);
    free(tb->org);
    *tb = (struct tbuf){0};
}

/* quote_item: an item with a space is double-quoted, unless already quoted. */
static void _tb_quoted(struct tbuf *tb, struct mtext t)
{
    bool quote = t.len && memchr(t.s, ' ', t.len) && t.s[0] != '"' && t.s[0] != '\'';
    if (quote)
        _tb_str(tb, "\"", t.org[0]);
    _tb_text(tb, t);
    if (quote)
        _tb_str(tb, "\"", t.org[t.len]);
}

/* paren_item: a value for a list operator is parenthesized, unless it is.
 * An empty value (a YAML null) has no origin of its own: org stands in. */
static void _tb_parened(struct tbuf *tb, struct mtext t, uint64_t org)
{
    bool paren = t.len == 0 || t.s[0] != '(';
    if (paren)
        _tb_str(tb, "(", t.org ? t.org[0] : org);
    _tb_text(tb, t);
    if (paren)
        _tb_str(tb, ")", t.org ? t.org[t.len] : org);
}

struct build {
    struct merge *m;
    struct diag_list *diags;
    int rc;
    /* list substitution */
    struct rs_list **lists;
    size_t nlists;
    char **subs; /* each list's items joined, quoted; built on first use */
    size_t *sublens;
    size_t *always; /* lists whose names hold a delimiter: never a single token */
    size_t nalways;
    uint32_t *stamp; /* candidates of the current condition */
    uint32_t gen;
    size_t *heap;
    size_t nheap;
};

/* One exception value in the multi-field form: a list of strings, or one
 * string parenthesized for list operators and quoted for others. */
static void _tb_exception_value(struct tbuf *tb, const struct mentry *v, struct mtext comp,
                                uint64_t org)
{
    if (!v->is_list) {
        if (_is_list_op(comp))
            _tb_parened(tb, v->item, org);
        else
            _tb_quoted(tb, v->item);
        return;
    }
    _tb_str(tb, "(", org);
    for (size_t j = 0; j < v->nitems; j++) {
        if (j)
            _tb_str(tb, ", ", org);
        _tb_quoted(tb, v->items[j].item);
    }
    _tb_str(tb, ")", org);
}

static int _exception_values_ok(struct build *b, const struct mrule_info *r,
                                const struct mexception *ex)
{
    for (size_t i = 0; i < ex->nvalues; i++) {
        const struct mentry *v = &ex->values[i];
        const char *msg = NULL;
        if (!ex->fields.is_list && v->is_list)
            msg = "Expected values array to contain a list of strings";
        else if (ex->fields.is_list && ex->fields.nitems != (v->is_list ? v->nitems : 0))
            msg = "Fields and values lists must have equal length";
        if (msg) {
            diag_report(b->diags, DIAG_LOAD_ERR_VALIDATE, v->pos.file ? v->pos : ex->pos,
                        _item(b->m, "rule", r->name), "%s", msg);
            b->rc = -1;
            return -1;
        }
    }
    return 0;
}

/* The condition of one exception, as build_rule_exception_infos writes it
 * (spacing included): "(f in (a, b))" or "(( f1 = a and  f2 = b) or (...))". */
static void _exception_cond(struct tbuf *ic, const struct mexception *ex)
{
    uint64_t org = _pos_org(ex->pos);
    if (!ex->fields.is_list) {
        for (size_t i = 0; i < ex->nvalues; i++) {
            if (i == 0) {
                _tb_str(ic, "(", org);
                _tb_text(ic, ex->fields.item);
                _tb_str(ic, " ", org);
                _tb_text(ic, ex->comps.item);
                _tb_str(ic, " (", org);
            } else {
                _tb_str(ic, ", ", org);
            }
            _tb_quoted(ic, ex->values[i].item);
        }
        if (ic->len)
            _tb_str(ic, "))", org);
        return;
    }
    _tb_str(ic, "(", org);
    for (size_t i = 0; i < ex->nvalues; i++) {
        _tb_str(ic, i ? " or (" : "(", org);
        for (size_t k = 0; k < ex->fields.nitems; k++) {
            _tb_str(ic, k ? " and  " : " ", org);
            _tb_text(ic, ex->fields.items[k].item);
            _tb_str(ic, " ", org);
            _tb_text(ic, ex->comps.items[k].item);
            _tb_str(ic, " ", org);
            _tb_exception_value(ic, &ex->values[i].items[k], ex->comps.items[k].item, org);
        }
        _tb_str(ic, ")", org);
    }
    _tb_str(ic, ")", org);
    if (ic->len == 2)
        ic->len = 0; /* "()": no values */
}

/* "(" condition ")" then " and not " each exception, when the rule has any. */
static void _add_exceptions(struct build *b, struct tbuf *tb, const struct m_rule *r)
{
    const struct mrule_info *v = &r->v;
    uint64_t first = tb->len ? tb->org[0] : _pos_org(v->pos), end = tb->org[tb->len];
    _tb_splice(tb, 0, 0, "(", 1, first);
    _tb_str(tb, ")", end);
    for (size_t i = 0; i < v->nexceptions; i++) {
        const struct mexception *ex = &v->exceptions[i];
        if (_exception_values_ok(b, v, ex) < 0)
            continue;
        struct tbuf ic = {0};
        _exception_cond(&ic, ex);
        if (ic.len) {
            _tb_str(tb, " and not ", _pos_org(ex->pos));
            _tb_add(tb, ic.s, ic.len, ic.org, 0);
        }
        _tb_free(&ic);
    }
}

/* ---- list substitution: resolve_list ------------------------------------------------ */

static bool _is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool _is_delim(char c)
{
    return _is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=';
}

static const char *_sub(struct build *b, size_t li, size_t *len)
{
    if (!b->subs[li]) {
        const struct rs_list *l = b->lists[li];
        struct strbuf sb = {0};
        for (size_t i = 0; i < l->nitems; i++) {
            const char *it = l->items[i];
            bool quote = strchr(it, ' ') && it[0] != '"' && it[0] != '\'';
            strbuf_printf(&sb, "%s%s%s%s", i ? ", " : "", quote ? "\"" : "", it, quote ? "\"" : "");
        }
        b->sublens[li] = sb.len;
        char *s = strbuf_take(&sb);
        b->subs[li] = arena_strndup(b->m->rs->arena, s, b->sublens[li]);
        free(s);
    }
    *len = b->sublens[li];
    return b->subs[li];
}

static size_t _find_at(const struct tbuf *tb, const char *name, size_t n, size_t from)
{
    if (from > tb->len || n > tb->len - from)
        return SIZE_MAX;
    const char *p = memmem(tb->s + from, tb->len - from, name, n);
    return p ? (size_t)(p - tb->s) : SIZE_MAX;
}

/* Falco's resolve_list, exactly: every occurrence of the name bounded by
 * blanks, "(),=" or the ends is replaced, with the blanks around it, by
 * " item, item " (a comma dropped for an empty list). The new text stands
 * where the name stood. Returns whether anything was replaced. */
static bool _resolve_list(struct build *b, struct tbuf *tb, size_t li)
{
    const char *name = b->lists[li]->name;
    size_t n = strlen(name), sublen;
    const char *sub = NULL;
    bool used = false;
    for (size_t start = _find_at(tb, name, n, 0); start != SIZE_MAX;
         start = _find_at(tb, name, n, start + 1)) {
        size_t end = start + n;
        if ((start > 0 && !_is_delim(tb->s[start - 1])) ||
            (end < tb->len && !_is_delim(tb->s[end])))
            continue;
        uint64_t org = tb->org[start];
        while (start > 0 && _is_blank(tb->s[start - 1]))
            start--;
        while (end < tb->len && _is_blank(tb->s[end]))
            end++;
        if (!sub)
            sub = _sub(b, li, &sublen);
        if (sublen == 0) {
            if (start > 0 && tb->s[start - 1] == ',')
                start--;
            else if (end < tb->len && tb->s[end] == ',')
                end++;
        }
        size_t lead = start > 0 ? 1 : 0;
        char *rep = malloc(lead + sublen + 1);
        if (!rep)
            abort();
        rep[0] = ' ';
        _copy(rep + lead, sub, sublen);
        rep[lead + sublen] = ' ';
        _tb_splice(tb, start, end, rep, lead + sublen + 1, org);
        free(rep);
        start += sublen + 1;
        used = true;
    }
    return used;
}

static void _heap_push(struct build *b, size_t v)
{
    size_t i = b->nheap++;
    b->heap[i] = v;
    while (i > 0 && b->heap[(i - 1) / 2] > b->heap[i]) {
        size_t p = (i - 1) / 2, t = b->heap[p];
        b->heap[p] = b->heap[i];
        b->heap[i] = t;
        i = p;
    }
}

static size_t _heap_pop(struct build *b)
{
    size_t top = b->heap[0];
    b->heap[0] = b->heap[--b->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < b->nheap && b->heap[l] < b->heap[m])
            m = l;
        if (r < b->nheap && b->heap[r] < b->heap[m])
            m = r;
        if (m == i)
            break;
        size_t t = b->heap[m];
        b->heap[m] = b->heap[i];
        b->heap[i] = t;
        i = m;
    }
    return top;
}

static void _candidate(struct build *b, size_t li, size_t after)
{
    if (li < after || b->stamp[li] == b->gen)
        return;
    b->stamp[li] = b->gen;
    _heap_push(b, li);
}

/* Lists named by a token of s (text between delimiters) become candidates. */
static void _candidates_in(struct build *b, const char *s, size_t len, size_t after)
{
    for (size_t i = 0; i < len;) {
        while (i < len && _is_delim(s[i]))
            i++;
        size_t j = i;
        while (j < len && !_is_delim(s[j]))
            j++;
        size_t li;
        if (j > i && _named_at(&b->m->lists, s + i, j - i, &li))
            _candidate(b, li, after);
        i = j;
    }
}

/* Falco runs resolve_list for every list, in order, over the condition. Only
 * a list whose name is a token of the text can match, so only those run, in
 * the same order; text a substitution brings in can name later lists. */
static void _substitute(struct build *b, struct tbuf *tb)
{
    b->gen++;
    b->nheap = 0;
    for (size_t i = 0; i < b->nalways; i++)
        _candidate(b, b->always[i], 0);
    _candidates_in(b, tb->s, tb->len, 0);
    while (b->nheap) {
        size_t li = _heap_pop(b);
        if (!_resolve_list(b, tb, li))
            continue;
        b->lists[li]->used = true;
        size_t sublen;
        const char *sub = _sub(b, li, &sublen);
        _candidates_in(b, sub, sublen, li + 1);
    }
}

/* The final text: a text_map holds one file, so bytes from another file (an
 * earlier definition a later file appended to) stand at the anchor, the item
 * that contributed last. */
static struct cond_text _finish(struct build *b, const struct tbuf *tb, struct src_pos anchor)
{
    struct ruleset *rs = b->m->rs;
    struct cond_text ct = {.len = tb->len};
    ct.text = arena_strndup(rs->arena, tb->s ? tb->s : "", tb->len);
    uint32_t *off = arena_alloc(rs->arena, (tb->len + 1) * sizeof(uint32_t));
    for (size_t i = 0; i <= tb->len; i++) {
        uint64_t o = tb->s ? tb->org[i] : _pos_org(anchor);
        size_t fi = (size_t)(o >> 32);
        bool same = fi < rs->nfiles && rs->files[fi] == anchor.file;
        off[i] = same ? (uint32_t)o : anchor.offset;
    }
    ct.map = (struct text_map){.file = anchor.file, .offsets = off, .len = tb->len};
    return ct;
}

static struct cond_text _condition(struct build *b, struct mtext t, const struct m_rule *r,
                                   struct src_pos anchor)
{
    struct tbuf tb = {0};
    _tb_reserve(&tb, t.len);
    _tb_text(&tb, t);
    if (r && r->v.nexceptions)
        _add_exceptions(b, &tb, r);
    _substitute(b, &tb);
    struct cond_text ct = _finish(b, &tb, anchor);
    _tb_free(&tb);
    return ct;
}

/* compile_list_infos: an item naming a list visible to this one (defined
 * before its last definition or append) is replaced by that list's items as
 * written, one level deep; the named list counts as used. */
static void _build_lists(struct build *b)
{
    struct merge *m = b->m;
    struct arena *a = m->rs->arena;
    b->nlists = m->lists.vec.len;
    b->lists = arena_alloc(a, (b->nlists + 1) * sizeof(*b->lists));
    bool *used = arena_alloc(a, b->nlists + 1);
    for (size_t i = 0; i < b->nlists; i++) {
        const struct m_list *ml = m->lists.vec.items[i];
        struct ptr_vec items = {0};
        for (size_t j = 0; j < ml->nitems; j++) {
            size_t ri;
            const struct m_list *ref = NULL;
            if (_named_at(&m->lists, ml->items[j], strlen(ml->items[j]), &ri))
                ref = m->lists.vec.items[ri];
            if (ref && ref->index < ml->visibility) {
                used[ri] = true;
                for (size_t k = 0; k < ref->nitems; k++)
                    ptr_vec_push(a, &items, (void *)ref->items[k]);
            } else {
                ptr_vec_push(a, &items, (void *)ml->items[j]);
            }
        }
        struct rs_list *l = arena_alloc(a, sizeof(*l));
        *l = (struct rs_list){.name = ml->name,
                              .items = (const char **)items.items,
                              .nitems = items.len,
                              .pos = ml->pos};
        b->lists[i] = l;
    }
    for (size_t i = 0; i < b->nlists; i++)
        b->lists[i]->used = used[i];
    b->subs = arena_alloc(a, (b->nlists + 1) * sizeof(char *));
    b->sublens = arena_alloc(a, (b->nlists + 1) * sizeof(size_t));
    b->stamp = arena_alloc(a, (b->nlists + 1) * sizeof(uint32_t));
    b->heap = arena_alloc(a, (b->nlists + 1) * sizeof(size_t));
    b->always = arena_alloc(a, (b->nlists + 1) * sizeof(size_t));
    for (size_t i = 0; i < b->nlists; i++) {
        const char *name = b->lists[i]->name;
        bool single_token = name[0] != '\0';
        for (const char *p = name; *p && single_token; p++)
            single_token = !_is_delim(*p);
        if (!single_token)
            b->always[b->nalways++] = i;
    }
}

static void _build_macros(struct build *b)
{
    struct merge *m = b->m;
    struct ruleset *rs = m->rs;
    rs->nmacros = m->macros.vec.len;
    rs->macros = arena_alloc(rs->arena, (rs->nmacros + 1) * sizeof(*rs->macros));
    for (size_t i = 0; i < rs->nmacros; i++) {
        const struct m_macro *mm = m->macros.vec.items[i];
        struct rs_macro *mac = arena_alloc(rs->arena, sizeof(*mac));
        mac->name = mm->name;
        mac->pos = mm->pos;
        mac->index = i;
        /* Definition order is index order: the visible macros are a prefix. */
        size_t vis = 0;
        while (vis < m->macros.vec.len &&
               ((const struct m_macro *)m->macros.vec.items[vis])->index < mm->visibility)
            vis++;
        mac->visibility = vis;
        mac->condition = _condition(b, mm->cond, NULL, mm->anchor);
        rs->macros[i] = mac;
    }
}

static struct src_pos _org_pos(const struct ruleset *rs, uint64_t org)
{
    size_t fi = (size_t)(org >> 32);
    return src_pos_at(fi < rs->nfiles ? rs->files[fi] : NULL, (uint32_t)org);
}

/* Falco no longer expands %container.info (the container plugin adds its
 * fields to every alert): the compiler drops it from outputs, with a
 * warning. */
static void _drop_container_info(struct build *b, struct tbuf *tb, const struct rs_rule *r)
{
    static const char token[] = "%container.info";
    size_t n = sizeof(token) - 1;
    bool warned = false;
    for (size_t at = _find_at(tb, token, n, 0); at != SIZE_MAX; at = _find_at(tb, token, n, at)) {
        if (!warned)
            diag_report(b->diags, DIAG_LOAD_DEPRECATED_ITEM, _org_pos(b->m->rs, tb->org[at]),
                        _item(b->m, "rule", r->name),
                        "%%container.info is deprecated and no more useful, and will be dropped "
                        "by Falco 1.0.0. The container plugin will automatically add required "
                        "fields to the output message.");
        warned = true;
        _tb_splice(tb, at, at + n, "", 0, 0);
    }
}

static void _build_rules(struct build *b)
{
    struct merge *m = b->m;
    struct ruleset *rs = m->rs;
    rs->nrules = m->rules.vec.len;
    rs->rules = arena_alloc(rs->arena, (rs->nrules + 1) * sizeof(*rs->rules));
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct m_rule *mr = m->rules.vec.items[i];
        const struct mrule_info *v = &mr->v;
        struct rs_rule *r = arena_alloc(rs->arena, sizeof(*r));
        *r = (struct rs_rule){
            .name = v->name,
            .desc = v->desc,
            .priority = v->priority,
            .source = v->source,
            .tags = v->tags,
            .ntags = v->ntags,
            .enabled = v->enabled,
            .warn_evttypes = v->warn_evttypes,
            .skip_if_unknown_filter = v->skip_if_unknown_filter,
            .capture = v->capture,
            .capture_duration = v->capture_duration,
            .pos = v->pos,
            .condition_pos = v->cond_pos,
            .index = i,
        };
        r->condition = _condition(b, v->cond, mr, mr->cond_anchor);
        struct tbuf tb = {0};
        _tb_text(&tb, v->output);
        _drop_container_info(b, &tb, r);
        r->output = _finish(b, &tb, mr->output_anchor);
        _tb_free(&tb);
        r->exceptions = arena_alloc(rs->arena, (v->nexceptions + 1) * sizeof(*r->exceptions));
        for (size_t j = 0; j < v->nexceptions; j++)
            r->exceptions[j] =
                (struct rs_exception){.name = v->exceptions[j].name, .pos = v->exceptions[j].pos};
        r->nexceptions = v->nexceptions;
        rs->rules[i] = r;
    }
}

int merge_build(struct merge *m, struct diag_list *diags)
{
    struct build b = {.m = m, .diags = diags};
    _build_lists(&b);
    _build_macros(&b);
    _build_rules(&b);
    struct ruleset *rs = m->rs;
    rs->nlists = b.nlists;
    rs->lists = b.lists;
    for (size_t i = 0; i < rs->nlists; i++)
        if (!rs->lists[i]->used)
            diag_report(diags, DIAG_LOAD_UNUSED_LIST, rs->lists[i]->pos,
                        _item(m, "list", rs->lists[i]->name),
                        "List not referred to by any other rule/macro");
    return b.rc;
}
