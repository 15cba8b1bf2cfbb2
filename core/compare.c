#include "core/compare.h"

#include <fnmatch.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/text.h"

bool compare_op_supported(enum coerce_type t, bool list, enum ast_op op)
{
    if (op == OP_EXISTS)
        return true;
    if (list)
        return op == OP_IN || op == OP_INTERSECTS;
    switch (t) {
    case CT_INT:
    case CT_UINT:
        return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT ||
               op == OP_GE || op == OP_IN || op == OP_INTERSECTS;
    case CT_BOOL:
    case CT_IP:
    case CT_NET:
        return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS;
    case CT_STR:
        return op != OP_BCONTAINS && op != OP_BSTARTSWITH;
    case CT_BYTES:
        return op == OP_EQ || op == OP_NE || op == OP_CONTAINS || op == OP_IN ||
               op == OP_STARTSWITH || op == OP_ENDSWITH || op == OP_INTERSECTS ||
               op == OP_BCONTAINS || op == OP_BSTARTSWITH;
    }
    return false;
}

int compare_bytes(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return al < bl ? -1 : al > bl;
}

void compare_split_path(struct arena *arena, struct compare_rhs *r)
{
    const char *s = r->c.s;
    size_t len = r->c.len, n = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == '/')
            i++;
        if (i >= len)
            break;
        while (i < len && s[i] != '/')
            i++;
        n++;
    }
    r->comps = arena_alloc(arena, (n ? n : 1) * sizeof(*r->comps));
    r->ncomps = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == '/')
            i++;
        if (i >= len)
            break;
        size_t start = i;
        while (i < len && s[i] != '/')
            i++;
        struct compare_comp *pc = &r->comps[r->ncomps++];
        pc->s = arena_strndup(arena, s + start, i - start);
        pc->len = i - start;
        pc->glob = strpbrk(pc->s, "?*[") != NULL;
    }
}

/* strcasestr over lengths, ASCII folding only (libsinsp runs in the C
 * locale, where strcasestr folds ASCII). */
static bool _imemmem(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return true;
    for (size_t i = 0; i + nl <= hl; i++) {
        size_t j = 0;
        while (j < nl && text_lower(h[i + j]) == text_lower(n[j]))
            j++;
        if (j == nl)
            return true;
    }
    return false;
}

static bool _memmem(const char *h, size_t hl, const char *n, size_t nl)
{
    return nl == 0 || memmem(h, hl, n, nl) != NULL;
}

/* The head of a glob pattern before its first special character. */
static size_t _glob_literal_head(const char *pat)
{
    return strcspn(pat, "*?[\\");
}

static enum interp_result _glob(const struct compare_ctx *cx, const struct coerce_val *l,
                                const struct coerce_val *r, bool icase)
{
    if (l->trunc) {
        size_t head = _glob_literal_head(r->s);
        size_t n = head < l->len ? head : l->len;
        for (size_t i = 0; i < n; i++) {
            char a = l->s[i], b = r->s[i];
            if (icase ? text_lower(a) != text_lower(b) : a != b)
                return INTERP_FALSE;
        }
        if (head == r->len && head < l->len)
            return INTERP_FALSE; /* a literal pattern shorter than the value */
        return INTERP_MAYBE;
    }
    const char *subj = scratch_cstr(cx->tmp, l->s, l->len);
    if (!subj)
        return INTERP_MAYBE;
    return tri_of(fnmatch(r->s, subj, icase ? FNM_CASEFOLD : 0) == 0);
}

static bool _comp_match(const struct compare_ctx *cx, const struct compare_comp *pc, const char *s,
                        size_t len)
{
    if (!pc->glob)
        return pc->len == len && memcmp(pc->s, s, len) == 0;
    const char *subj = scratch_cstr(cx->tmp, s, len);
    return subj && fnmatch(pc->s, subj, 0) == 0;
}

/* The pattern's components must be the first components of the path
 * (path_prefix_map::match). */
enum interp_result compare_pmatch(const struct compare_ctx *cx, const struct coerce_val *l,
                                  const struct compare_rhs *r)
{
    const char *s = l->s;
    size_t len = l->len, i = 0, k = 0;
    while (k < r->ncomps) {
        while (i < len && s[i] == '/')
            i++;
        size_t start = i;
        while (i < len && s[i] != '/')
            i++;
        bool complete = i < len || !l->trunc;
        if (start == i && !complete)
            return INTERP_MAYBE; /* the next component is not captured yet */
        if (start == i)
            return INTERP_FALSE; /* the path has fewer components */
        if (!complete) {
            /* a partial last component: decided only by a literal that it
             * does not start */
            const struct compare_comp *pc = &r->comps[k];
            if (!pc->glob && (i - start > pc->len || memcmp(pc->s, s + start, i - start) != 0))
                return INTERP_FALSE;
            return INTERP_MAYBE;
        }
        if (!_comp_match(cx, &r->comps[k], s + start, i - start))
            return INTERP_FALSE;
        k++;
    }
    return INTERP_TRUE;
}

/* =, in, intersects on strings, either side possibly a prefix. */
static enum interp_result _str_eq(const struct coerce_val *l, const struct coerce_val *r)
{
    if (!l->trunc && !r->trunc)
        return tri_of(l->len == r->len && memcmp(l->s, r->s, l->len) == 0);
    if (l->trunc && r->trunc) {
        size_t n = l->len < r->len ? l->len : r->len;
        return memcmp(l->s, r->s, n) == 0 ? INTERP_MAYBE : INTERP_FALSE;
    }
    if (l->trunc)
        return l->len <= r->len && memcmp(l->s, r->s, l->len) == 0 ? INTERP_MAYBE : INTERP_FALSE;
    return r->len <= l->len && memcmp(l->s, r->s, r->len) == 0 ? INTERP_MAYBE : INTERP_FALSE;
}

/* < <= > >= on strings: the first differing byte decides, within a
 * prefix too. */
static enum interp_result _str_order(enum ast_op op, const struct coerce_val *l,
                                     const struct coerce_val *r)
{
    int c;
    if (!l->trunc) {
        c = compare_bytes(l->s, l->len, r->s, r->len);
    } else {
        size_t n = l->len < r->len ? l->len : r->len;
        c = n ? memcmp(l->s, r->s, n) : 0;
        if (!c && l->len < r->len)
            return INTERP_MAYBE; /* the value may end before or after r */
        if (!c && l->len == r->len) {
            /* value >= r; equal only if nothing follows */
            if (op == OP_GE)
                return INTERP_TRUE;
            if (op == OP_LT)
                return INTERP_FALSE;
            return INTERP_MAYBE;
        }
        if (!c)
            c = 1; /* r is a proper prefix of the value */
    }
    if (op == OP_LT)
        return tri_of(c < 0);
    if (op == OP_LE)
        return tri_of(c <= 0);
    if (op == OP_GT)
        return tri_of(c > 0);
    return tri_of(c >= 0);
}

static enum interp_result _cmp_str(const struct compare_ctx *cx, enum ast_op op,
                                   const struct coerce_val *l, const struct compare_rhs *rv)
{
    const struct coerce_val *r = &rv->c;
    if (r->trunc && op != OP_EQ && op != OP_NE && op != OP_IN && op != OP_INTERSECTS)
        return INTERP_MAYBE;
    switch (op) {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
        return _str_eq(l, r);
    case OP_NE:
        return tri_not(_str_eq(l, r));
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        return _str_order(op, l, r);
    case OP_CONTAINS:
    case OP_BCONTAINS:
        if (_memmem(l->s, l->len, r->s, r->len))
            return INTERP_TRUE;
        return l->trunc ? INTERP_MAYBE : INTERP_FALSE;
    case OP_ICONTAINS:
        if (_imemmem(l->s, l->len, r->s, r->len))
            return INTERP_TRUE;
        return l->trunc ? INTERP_MAYBE : INTERP_FALSE;
    case OP_STARTSWITH:
    case OP_BSTARTSWITH:
        if (r->len <= l->len)
            return tri_of(memcmp(l->s, r->s, r->len) == 0);
        if (l->trunc && memcmp(l->s, r->s, l->len) == 0)
            return INTERP_MAYBE;
        return INTERP_FALSE;
    case OP_ENDSWITH:
        if (r->len == 0)
            return INTERP_TRUE;
        if (l->trunc)
            return INTERP_MAYBE;
        return tri_of(r->len <= l->len && memcmp(l->s + l->len - r->len, r->s, r->len) == 0);
    case OP_GLOB:
    case OP_IGLOB:
        return _glob(cx, l, r, op == OP_IGLOB);
    case OP_REGEX:
        return rv->re ? regex_match(rv->re, cx->rx, l->s, l->len, l->trunc) : INTERP_FALSE;
    case OP_PMATCH:
        return compare_pmatch(cx, l, rv);
    case OP_EXISTS:
    case OP_MAX:
        break;
    }
    return INTERP_FALSE;
}

/* What a truncated number (a lower bound: the value is some v >= l) lets
 * op decide, c being l's order against r. */
static enum interp_result _num_bound(enum ast_op op, int c)
{
    switch (op) {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
        return c > 0 ? INTERP_FALSE : INTERP_MAYBE;
    case OP_NE:
        return c > 0 ? INTERP_TRUE : INTERP_MAYBE;
    case OP_LT:
        return c >= 0 ? INTERP_FALSE : INTERP_MAYBE;
    case OP_LE:
        return c > 0 ? INTERP_FALSE : INTERP_MAYBE;
    case OP_GT:
        return c > 0 ? INTERP_TRUE : INTERP_MAYBE;
    case OP_GE:
        return c >= 0 ? INTERP_TRUE : INTERP_MAYBE;
    default:
        return INTERP_FALSE;
    }
}

/* flt_compare_numeric on the field's signed or unsigned type. */
static enum interp_result _cmp_num(enum ast_op op, bool is_signed, const struct coerce_val *l,
                                   const struct coerce_val *r)
{
    int c;
    if (is_signed)
        c = (int64_t)l->u < (int64_t)r->u ? -1 : (int64_t)l->u > (int64_t)r->u;
    else
        c = l->u < r->u ? -1 : l->u > r->u;
    if (l->trunc)
        return _num_bound(op, c);
    switch (op) {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
        return tri_of(c == 0);
    case OP_NE:
        return tri_of(c != 0);
    case OP_LT:
        return tri_of(c < 0);
    case OP_LE:
        return tri_of(c <= 0);
    case OP_GT:
        return tri_of(c > 0);
    case OP_GE:
        return tri_of(c >= 0);
    default:
        return INTERP_FALSE;
    }
}

/* flt_compare for PT_IPADDR / PT_IPNET: an address against an address or
 * a network; a family mismatch is unequal (only != holds). */
static enum interp_result _cmp_ip(enum ast_op op, const struct coerce_val *l,
                                  const struct coerce_val *r)
{
    bool eq;
    if (l->ip.family != r->ip.family)
        eq = false;
    else if (r->ip.net)
        eq = ipaddr_in_net(l->ip.a, &r->ip);
    else
        eq = memcmp(l->ip.a, r->ip.a, l->ip.family == 4 ? 4 : 16) == 0;
    if (op == OP_EQ || op == OP_IN || op == OP_INTERSECTS)
        return tri_of(eq);
    if (op == OP_NE)
        return tri_of(!eq);
    return INTERP_FALSE;
}

enum interp_result compare_values(const struct compare_ctx *cx, enum coerce_type t, enum ast_op op,
                                  const struct coerce_val *l, const struct compare_rhs *r)
{
    switch (t) {
    case CT_STR:
    case CT_BYTES:
        return _cmp_str(cx, op, l, r);
    case CT_INT:
    case CT_UINT:
        return _cmp_num(op, t == CT_INT, l, &r->c);
    case CT_BOOL:
        if (op == OP_EQ || op == OP_IN || op == OP_INTERSECTS)
            return tri_of(l->u == r->c.u);
        if (op == OP_NE)
            return tri_of(l->u != r->c.u);
        return INTERP_FALSE;
    case CT_IP:
    case CT_NET:
        return _cmp_ip(op, l, &r->c);
    }
    return INTERP_FALSE;
}
