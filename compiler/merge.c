#include "compiler/merge.h"
#include "compiler/merge_internal.h"

#include <stdlib.h>
#include <string.h>

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

/* ---- names to items --------------------------------------------------------- */

static void _named_init(struct named_vec *v, struct arena *arena)
{
    strmap_init(&v->names, arena);
}

static void *_find(const struct named_vec *v, const char *name)
{
    size_t i;
    return merge_named_at(v, name, strlen(name), &i) ? v->vec.items[i] : NULL;
}

static void _push(struct arena *arena, struct named_vec *v, const char *name, void *item)
{
    strmap_put_str(&v->names, name, NULL)->value.index = v->vec.len; /* arena: never NULL */
    ptr_vec_push(arena, &v->vec, item);
}

/* ---- the collector ------------------------------------------------------------ */

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

char *merge_item_name(struct merge *m, const char *kind, const char *name)
{
    return arena_printf(m->rs->arena, "%s '%s'", kind, name);
}

static int _no_previous(struct merge *m, const char *kind, const char *name, struct src_pos pos,
                        const char *msg, struct diag_list *diags)
{
    if (!_has_failed(m, kind, name))
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, pos, merge_item_name(m, kind, name), "%s", msg);
    return -1;
}

/* prev + " " + more, the space standing where more starts. */
static struct mtext _concat(struct arena *arena, struct mtext prev, struct mtext more)
{
    size_t len = prev.len + 1 + more.len;
    char *s = arena_alloc(arena, len + 1);
    uint64_t *org = arena_alloc(arena, (len + 1) * sizeof(uint64_t));
    merge_copy(s, prev.s, prev.len);
    merge_copy(org, prev.org, prev.len * sizeof(uint64_t));
    s[prev.len] = ' ';
    org[prev.len] = more.org[0];
    merge_copy(s + prev.len + 1, more.s, more.len);
    merge_copy(org + prev.len + 1, more.org, (more.len + 1) * sizeof(uint64_t));
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
    merge_copy(items, prev->items, prev->nitems * sizeof(char *));
    merge_copy(items + prev->nitems, info->items, info->nitems * sizeof(char *));
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

bool merge_is_list_op(struct mtext op)
{
    static const char *const list_ops[] = {"intersects", "in", "pmatch"};
    return _IN(op.s, op.len, list_ops) || _is_modifier_op(op);
}

static int _exception_error(struct merge *m, const struct mrule_info *r,
                            const struct mexception *ex, struct src_pos pos,
                            struct diag_list *diags, const char *msg)
{
    diag_report(diags, DIAG_LOAD_ERR_VALIDATE, pos.file ? pos : ex->pos,
                merge_item_name(m, "rule", r->name), "%s", msg);
    return -1;
}

/* fields: [a, b]: comps default to "=" each, one per field, each an operator. */
static int _validate_fields_list(struct merge *m, const struct mrule_info *r, struct mexception *ex,
                                 struct diag_list *diags)
{
    struct arena *a = m->rs->arena;
    if (!mentry_valid(&ex->comps)) {
        uint64_t org = merge_pos_org(ex->pos);
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
            (struct mentry){.item = _mtext_const(m->rs->arena, "in", merge_pos_org(ex->fields.pos)),
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
    merge_copy(ex, r->exceptions, r->nexceptions * sizeof(*ex));
    for (size_t i = 0; i < r->nexceptions; i++) {
        if (!mentry_valid(&ex[i].fields)) {
            diag_report(diags, DIAG_LOAD_ERR_VALIDATE, ex[i].pos,
                        merge_item_name(m, "rule", r->name),
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
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, info->pos,
                    merge_item_name(m, "rule", info->name),
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
    merge_copy(tags, v->tags, v->ntags * sizeof(char *));
    merge_copy(tags + v->ntags, more, n * sizeof(char *));
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
    const char *item = merge_item_name(m, "rule", prev->v.name);
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
    merge_copy(all, v->exceptions, v->nexceptions * sizeof(*all));
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
        merge_copy(vals, prev->values, prev->nvalues * sizeof(*vals));
        merge_copy(vals + prev->nvalues, ex[i].values, ex[i].nvalues * sizeof(*vals));
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
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, info->pos,
                    merge_item_name(m, "rule", info->name),
                    "Appended rule must have exceptions or condition property");
        return -1;
    }
    struct arena *a = m->rs->arena;
    struct mexception *ex = NULL;
    if (info->has & MR_EXCEPTIONS) {
        ex = arena_alloc(a, (info->nexceptions + 1) * sizeof(*ex));
        merge_copy(ex, info->exceptions, info->nexceptions * sizeof(*ex));
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
        diag_report(diags, DIAG_LOAD_ERR_VALIDATE, info->pos,
                    merge_item_name(m, "rule", info->name),
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
