/* The compile step of merging, rule_loader_compiler.cpp: what the
 * collector (compiler/merge.c) gathered becomes rs->lists, rs->macros and
 * rs->rules. Lists are expanded (a list may name earlier lists), exceptions
 * become conditions appended to their rule's, and list names are replaced
 * textually in every condition, each byte keeping the origin diagnostics
 * point at. */
#include "compiler/merge.h"
#include "compiler/merge_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

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
    merge_copy(tb->s + tb->len, s, n);
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
    merge_copy(tb->s + start, s, n);
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
        if (merge_is_list_op(comp))
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
                        merge_item_name(b->m, "rule", r->name), "%s", msg);
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
    uint64_t org = merge_pos_org(ex->pos);
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
    uint64_t first = tb->len ? tb->org[0] : merge_pos_org(v->pos), end = tb->org[tb->len];
    _tb_splice(tb, 0, 0, "(", 1, first);
    _tb_str(tb, ")", end);
    for (size_t i = 0; i < v->nexceptions; i++) {
        const struct mexception *ex = &v->exceptions[i];
        if (_exception_values_ok(b, v, ex) < 0)
            continue;
        struct tbuf ic = {0};
        _exception_cond(&ic, ex);
        if (ic.len) {
            _tb_str(tb, " and not ", merge_pos_org(ex->pos));
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
        merge_copy(rep + lead, sub, sublen);
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
        if (j > i && merge_named_at(&b->m->lists, s + i, j - i, &li))
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
        uint64_t o = tb->s ? tb->org[i] : merge_pos_org(anchor);
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
            if (merge_named_at(&m->lists, ml->items[j], strlen(ml->items[j]), &ri))
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
                        merge_item_name(b->m, "rule", r->name),
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
                        merge_item_name(m, "list", rs->lists[i]->name),
                        "List not referred to by any other rule/macro");
    return b.rc;
}
