/* The condition interpreter: compiles a condition once (constants parsed,
 * regexes compiled, string sets sorted) and evaluates it per event. Its
 * parts have their own files: transformers (core/transform.c), coercion of
 * a value to the comparison's type (core/coerce.c), the per-type
 * comparisons (core/compare.c) and regexes (core/regex.c). What is here is
 * how an atom's operator, modifier and value shape combine, as libsinsp
 * does (the code paths are named next to each rule below):
 *
 *  - sinsp_filtercheck.cpp compare_rhs: `in`/`intersects` are set
 *    membership; `pmatch` is a path-prefix set (prefix_search.h: whole
 *    components, per-component globs). List fields (FF_LIST): `in` = every
 *    element is in the set (an empty list is), `intersects` = some element
 *    is.
 *  - compare_rhs_with_mod: `op oneof/anyof/allof (v1, v2, ...)` applies op to
 *    each value: exactly one / at least one / every one must hold; no values
 *    never holds.
 *  - sinsp_filter_check_thread::compare_full_a* : proc.aname, proc.apid,
 *    proc.aexe, proc.aexepath, proc.acmdline, proc.aenv without an index
 *    (an FV_LIST of the ancestors' values) hold when the comparison holds
 *    for any ancestor, for every operator including `!=`.
 *  - sinsp_filter_check_fd::compare_ip/_net/_port: fd.ip, fd.net, fd.port,
 *    fd.proto given as an FV_LIST of both ends hold when either end matches,
 *    except `!=`, which needs both ends to differ.
 *
 * Where rulec accepts more than Falco, it says so: numbers may be written
 * in hex (0x1f, core/number.h); an IPADDR field may be compared with a CIDR
 * network (fd.sip in (10.0.0.0/8)), which matches the addresses inside it.
 *
 * Truncated values (see interp.h and core/compare.h) make atoms MAYBE where
 * the captured prefix cannot decide; a truncated list may hold more
 * elements; a getter error is MAYBE too. */
#include "core/interp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/coerce.h"
#include "core/compare.h"
#include "core/regex.h"
#include "core/scratch.h"
#include "core/text.h"
#include "core/transform.h"

/* Deeper nesting than this is refused (the grammar allows far less). */
#define INTERP_MAX_DEPTH 4096

struct atom {
    const struct ast_node *node;
    enum coerce_type type;
    enum field_type ftype;
    enum ast_op op;
    enum ast_modifier mod;
    bool list;                /* FF_LIST semantics: in = subset, intersects = overlap */
    bool either_end;          /* fd.ip & co: != must hold for both ends */
    struct compare_rhs *vals; /* constants (RHS_VALUE, RHS_LIST) */
    size_t nvals;
    const struct compare_rhs **set; /* CT_STR/CT_BYTES in/intersects: sorted for bsearch */
};

struct inode {
    enum ast_kind kind;
    bool value;
    struct inode **kids;
    size_t nkids;
    struct atom *atom;
};

struct interp {
    struct arena *arena;
    struct inode *root;
    struct atom **atoms; /* sorted by node address, for interp_eval_atom */
    size_t natoms;
    size_t atoms_cap;
    struct regex **res;
    size_t nres;
    size_t res_cap;
    struct regex_scratch *rx;
    struct scratch lhs, rhs, tmp; /* transformed values; fnmatch subjects */
    struct compare_ctx cx;
    struct scratch rtmp; /* right-hand field values, coerced: struct compare_rhs[] */
    /* compile-time only */
    struct diag_list *diags;
    const char *item;
    bool failed;
};

/* ---- compile ----------------------------------------------------------- */

static void _error(struct interp *it, struct src_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void _error(struct interp *it, struct src_pos pos, const char *fmt, ...)
{
    it->failed = true;
    if (!it->diags)
        return;
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(it->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, pos, it->item, fmt, ap);
    va_end(ap);
}

static struct regex *_compile_regex(struct interp *it, const struct ast_value *v)
{
    char why[256];
    struct regex *re = regex_compile(v->text, v->len, why, sizeof(why));
    if (!re) {
        _error(it, v->pos, "invalid regex '%s': %s", v->text, why);
        return NULL;
    }
    if (it->nres == it->res_cap) {
        size_t cap = it->res_cap ? it->res_cap * 2 : 8;
        struct regex **res = realloc(it->res, cap * sizeof(*res));
        if (!res) {
            regex_free(&re);
            it->failed = true;
            return NULL;
        }
        it->res = res;
        it->res_cap = cap;
    }
    it->res[it->nres++] = re;
    return re;
}

/* bcontains and bstartswith take bytes as hex digits. */
static bool _unhex(struct interp *it, const struct ast_value *v, struct compare_rhs *r)
{
    bool ok = v->len % 2 == 0;
    char *out = arena_alloc(it->arena, v->len / 2 + 1);
    for (size_t i = 0; ok && i < v->len; i += 2) {
        int hi = text_hexval(v->text[i]), lo = text_hexval(v->text[i + 1]);
        ok = hi >= 0 && lo >= 0;
        if (ok)
            out[i / 2] = (char)(hi << 4 | lo);
    }
    if (!ok) {
        _error(it, v->pos,
               "'%s' is not a hex string: bcontains and bstartswith take bytes as hex digits, "
               "e.g. 7f454c46",
               v->text);
        return false;
    }
    r->c.s = out;
    r->c.len = v->len / 2;
    return true;
}

/* Parses one right-hand constant for the atom's type and operator. */
static void _parse_value(struct interp *it, struct atom *a, const struct ast_value *v,
                         struct compare_rhs *r)
{
    const char *name = a->node->cmp.lhs.name ? a->node->cmp.lhs.name : "?";
    r->c.s = arena_strndup(it->arena, v->text ? v->text : "", v->text ? v->len : 0);
    r->c.len = v->text ? v->len : 0;
    if (a->op == OP_BCONTAINS || a->op == OP_BSTARTSWITH) {
        _unhex(it, v, r);
        return;
    }
    if (a->type != CT_BYTES && memchr(r->c.s, '\0', r->c.len)) {
        _error(it, v->pos, "a value cannot contain a NUL byte (\\x00)");
        return;
    }
    switch (a->type) {
    case CT_STR:
    case CT_BYTES:
        break;
    case CT_INT:
    case CT_UINT:
        if (!coerce_parse_number(a->type, a->ftype, r->c.s, r->c.len, &r->c.u))
            _error(it, v->pos, "'%s' is not a number (field '%s' is numeric)", r->c.s, name);
        break;
    case CT_BOOL:
        if (strcmp(r->c.s, "true") == 0)
            r->c.u = 1;
        else if (strcmp(r->c.s, "false") == 0)
            r->c.u = 0;
        else
            _error(it, v->pos, "'%s' is not a boolean: write true or false (field '%s')", r->c.s,
                   name);
        break;
    case CT_IP:
    case CT_NET:
        if (!ipaddr_parse(r->c.s, r->c.len, a->type == CT_NET, &r->c.ip))
            _error(it, v->pos, "'%s' is not an IP %s (field '%s')", r->c.s,
                   a->type == CT_NET ? "network (CIDR)" : "address", name);
        break;
    }
    if (a->op == OP_REGEX)
        r->re = _compile_regex(it, v);
    else if (a->op == OP_PMATCH)
        compare_split_path(it->arena, r);
}

static int _rval_cmp(const void *x, const void *y)
{
    const struct compare_rhs *a = *(const struct compare_rhs *const *)x,
                             *b = *(const struct compare_rhs *const *)y;
    return compare_bytes(a->c.s, a->c.len, b->c.s, b->c.len);
}

static bool _either_end(const struct field_def *def)
{
    return def && (def->id == FIELD_FD_IP || def->id == FIELD_FD_NET || def->id == FIELD_FD_PORT ||
                   def->id == FIELD_FD_PROTO);
}

static void _add_atom(struct interp *it, struct atom *a)
{
    if (it->natoms == it->atoms_cap) {
        size_t cap = it->atoms_cap ? it->atoms_cap * 2 : 16;
        struct atom **atoms = realloc(it->atoms, cap * sizeof(*atoms));
        if (!atoms) {
            it->failed = true;
            return;
        }
        it->atoms = atoms;
        it->atoms_cap = cap;
    }
    it->atoms[it->natoms++] = a;
}

static struct atom *_compile_atom(struct interp *it, const struct ast_node *n)
{
    struct atom *a = arena_alloc(it->arena, sizeof(*a));
    const struct ast_field *f = &n->cmp.lhs;
    a->node = n;
    a->op = n->cmp.op;
    a->mod = n->cmp.modifier;
    a->ftype = transform_field_type(f);
    a->type = coerce_type_of(a->ftype);
    a->list = f->def && (f->def->flags & FF_LIST) && !transform_has_len(f);
    a->either_end = _either_end(f->def);
    _add_atom(it, a);
    if ((unsigned)a->op >= OP_MAX) {
        _error(it, n->pos, "unknown operator");
        return a;
    }
    if (!compare_op_supported(a->type, a->list, a->op)) {
        _error(it, n->cmp.op_pos, "operator '%s' is not supported for %s%s field '%s'",
               ast_op_name(a->op), a->list ? "list " : "", coerce_type_name(a->type),
               f->name ? f->name : "?");
        return a;
    }
    const struct ast_rhs *rhs = &n->cmp.rhs;
    if (a->op == OP_EXISTS)
        return a;
    if (rhs->kind == RHS_NONE) {
        _error(it, n->cmp.op_pos, "operator '%s' needs a value", ast_op_name(a->op));
        return a;
    }
    if (rhs->kind == RHS_FIELD) {
        if (a->op == OP_PMATCH || a->op == OP_REGEX)
            _error(it, rhs->field.pos, "operator '%s' does not take a field on its right",
                   ast_op_name(a->op));
        if (a->type == CT_NET)
            _error(it, rhs->field.pos, "IP network fields do not take a field on their right");
        return a;
    }
    a->nvals = rhs->values ? rhs->nvalues : 0;
    if (rhs->kind == RHS_VALUE && rhs->values)
        a->nvals = 1;
    a->vals = arena_alloc(it->arena, (a->nvals ? a->nvals : 1) * sizeof(*a->vals));
    for (size_t i = 0; i < a->nvals; i++)
        _parse_value(it, a, &rhs->values[i], &a->vals[i]);
    if ((a->op == OP_IN || a->op == OP_INTERSECTS) && (a->type == CT_STR || a->type == CT_BYTES) &&
        a->nvals) {
        a->set = arena_alloc(it->arena, a->nvals * sizeof(*a->set));
        for (size_t i = 0; i < a->nvals; i++)
            a->set[i] = &a->vals[i];
        qsort(a->set, a->nvals, sizeof(*a->set), _rval_cmp);
    }
    return a;
}

static struct inode *_compile_node(struct interp *it, const struct ast_node *n, unsigned depth)
{
    struct inode *in = arena_alloc(it->arena, sizeof(*in));
    if (!n) {
        it->failed = true;
        in->kind = AST_BOOL;
        return in;
    }
    in->kind = n->kind;
    if (depth > INTERP_MAX_DEPTH) {
        _error(it, n->pos, "condition nested too deeply");
        in->kind = AST_BOOL;
        return in;
    }
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        in->nkids = n->list.nkids;
        in->kids = arena_alloc(it->arena, (in->nkids ? in->nkids : 1) * sizeof(*in->kids));
        for (size_t i = 0; i < in->nkids; i++)
            in->kids[i] = _compile_node(it, n->list.kids[i], depth + 1);
        return in;
    case AST_NOT:
        in->nkids = 1;
        in->kids = arena_alloc(it->arena, sizeof(*in->kids));
        in->kids[0] = _compile_node(it, n->operand, depth + 1);
        return in;
    case AST_CMP:
        in->atom = _compile_atom(it, n);
        return in;
    case AST_BOOL:
        in->value = n->value;
        return in;
    case AST_MACRO:
        _error(it, n->pos, "'%s' is not resolved: macros must be inlined before evaluation",
               n->macro.name ? n->macro.name : "?");
        in->kind = AST_BOOL;
        return in;
    case AST_KIND_MAX:
        break;
    }
    _error(it, n->pos, "unknown condition node");
    in->kind = AST_BOOL;
    return in;
}

static int _atom_ptr_cmp(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)(*(const struct atom *const *)x)->node;
    uintptr_t b = (uintptr_t)(*(const struct atom *const *)y)->node;
    return a < b ? -1 : a > b;
}

struct interp *interp_compile(const struct ast_node *cond, struct diag_list *diags,
                              const char *item)
{
    struct interp *it = calloc(1, sizeof(*it));
    if (!it)
        return NULL;
    it->arena = arena_new();
    it->diags = diags;
    it->item = item;
    it->rx = regex_scratch_new();
    if (!it->rx) {
        interp_free(&it);
        return NULL;
    }
    it->cx = (struct compare_ctx){.rx = it->rx, .tmp = &it->tmp};
    it->root = _compile_node(it, cond, 0);
    it->diags = NULL;
    it->item = NULL;
    if (it->failed) {
        interp_free(&it);
        return NULL;
    }
    if (it->natoms)
        qsort(it->atoms, it->natoms, sizeof(*it->atoms), _atom_ptr_cmp);
    return it;
}

struct interp *interp_new(const struct ast_node *cond)
{
    return interp_compile(cond, NULL, NULL);
}

void interp_free(struct interp **interp)
{
    if (!interp || !*interp)
        return;
    struct interp *it = *interp;
    for (size_t i = 0; i < it->nres; i++)
        regex_free(&it->res[i]);
    free(it->res);
    free(it->atoms);
    regex_scratch_free(&it->rx);
    scratch_free(&it->lhs);
    scratch_free(&it->rhs);
    scratch_free(&it->tmp);
    scratch_free(&it->rtmp);
    arena_free(&it->arena);
    free(it);
    *interp = NULL;
}

/* ---- evaluation -------------------------------------------------------- */

/* The right-hand values of one evaluation: constants or another field's. */
struct rhs_set {
    const struct compare_rhs *vals; /* constants */
    const struct compare_rhs **set; /* sorted constants (strings) */
    struct compare_rhs *dyn;        /* a field's values, coerced */
    size_t n;
};

static const struct compare_rhs *_rhs_at(const struct rhs_set *rs, size_t i)
{
    return rs->vals ? &rs->vals[i] : &rs->dyn[i];
}

/* `in` / `intersects` on one scalar: set membership. */
static enum interp_result _member(struct interp *it, const struct atom *a,
                                  const struct coerce_val *l, const struct rhs_set *rs)
{
    if (rs->set && !l->trunc) {
        size_t lo = 0, hi = rs->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = compare_bytes(rs->set[mid]->c.s, rs->set[mid]->c.len, l->s, l->len);
            if (c == 0)
                return INTERP_TRUE;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return INTERP_FALSE;
    }
    enum interp_result res = INTERP_FALSE;
    for (size_t i = 0; i < rs->n && res != INTERP_TRUE; i++)
        res = tri_or(res, compare_values(&it->cx, a->type, OP_EQ, l, _rhs_at(rs, i)));
    return res;
}

/* One scalar left value against the right-hand side, with the atom's
 * operator and modifier (compare_rhs / compare_rhs_with_mod). */
static enum interp_result _scalar(struct interp *it, const struct atom *a,
                                  const struct coerce_val *l, const struct rhs_set *rs)
{
    if (a->mod != MOD_NONE) {
        if (rs->n == 0)
            return INTERP_FALSE;
        enum ast_op op = a->op;
        if (a->type == CT_NET && op != OP_EQ && op != OP_NE && op != OP_REGEX)
            op = OP_EQ; /* flt_type_is_eq_only */
        unsigned yes = 0, maybe = 0, no = 0;
        for (size_t i = 0; i < rs->n; i++) {
            enum interp_result r = compare_values(&it->cx, a->type, op, l, _rhs_at(rs, i));
            yes += r == INTERP_TRUE;
            maybe += r == INTERP_MAYBE;
            no += r == INTERP_FALSE;
        }
        switch (a->mod) {
        case MOD_ANYOF:
            return yes ? INTERP_TRUE : maybe ? INTERP_MAYBE : INTERP_FALSE;
        case MOD_ALLOF:
            return no ? INTERP_FALSE : maybe ? INTERP_MAYBE : INTERP_TRUE;
        case MOD_ONEOF:
            if (yes > 1 || yes + maybe == 0)
                return INTERP_FALSE;
            return yes == 1 && maybe == 0 ? INTERP_TRUE : INTERP_MAYBE;
        case MOD_NONE:
            break;
        }
        return INTERP_FALSE;
    }
    switch (a->op) {
    case OP_IN:
    case OP_INTERSECTS:
        return _member(it, a, l, rs);
    case OP_PMATCH: {
        enum interp_result res = INTERP_FALSE;
        for (size_t i = 0; i < rs->n && res != INTERP_TRUE; i++)
            res = tri_or(res, compare_pmatch(&it->cx, l, _rhs_at(rs, i)));
        return res;
    }
    default:
        if (rs->n == 0)
            return INTERP_FALSE;
        return compare_values(&it->cx, a->type, a->op, l, _rhs_at(rs, 0));
    }
}

/* A list field (FF_LIST): in = every element is in the set, intersects =
 * some element is. A truncated list may hold more elements. */
static enum interp_result _list(struct interp *it, const struct atom *a,
                                const struct field_value *v, const struct rhs_set *rs)
{
    struct coerce_val c;
    bool any_maybe = false;
    for (size_t i = 0; i < v->nlist; i++) {
        bool trunc = v->truncated && i + 1 == v->nlist;
        enum interp_result r = coerce_elem(a->type, a->ftype, &v->list[i], trunc, &c);
        if (r == INTERP_TRUE)
            r = _member(it, a, &c, rs);
        if (a->op == OP_IN && r == INTERP_FALSE)
            return INTERP_FALSE;
        if (a->op == OP_INTERSECTS && r == INTERP_TRUE)
            return INTERP_TRUE;
        any_maybe |= r == INTERP_MAYBE;
    }
    if (any_maybe || v->truncated)
        return INTERP_MAYBE;
    return tri_of(a->op == OP_IN);
}

/* Several values of a field that is not a list: the ancestors of
 * proc.aname & co (any one matches), the two ends of fd.ip & co (!= needs
 * both). */
static enum interp_result _multi(struct interp *it, const struct atom *a,
                                 const struct field_value *v, const struct rhs_set *rs)
{
    bool all = a->either_end && a->op == OP_NE;
    enum interp_result res = all ? INTERP_TRUE : INTERP_FALSE;
    struct coerce_val c;
    for (size_t i = 0; i < v->nlist; i++) {
        bool trunc = v->truncated && i + 1 == v->nlist;
        enum interp_result r = coerce_elem(a->type, a->ftype, &v->list[i], trunc, &c);
        if (r == INTERP_TRUE)
            r = _scalar(it, a, &c, rs);
        res = all ? tri_and(res, r) : tri_or(res, r);
        if (res == (all ? INTERP_FALSE : INTERP_TRUE))
            return res;
    }
    if (v->truncated)
        res = all ? tri_and(res, INTERP_MAYBE) : tri_or(res, INTERP_MAYBE);
    return res;
}

/* Coerces a right-hand field's value(s) into rs (as compare_rhs without a regex
 * or path components, which a field on the right cannot have). */
static enum interp_result _rhs_field(struct interp *it, const struct atom *a, field_getter get,
                                     void *ctx, struct rhs_set *rs)
{
    const struct ast_field *rf = &a->node->cmp.rhs.field;
    struct field_value v;
    memset(&v, 0, sizeof(v));
    if (get(ctx, rf, &v) < 0)
        return INTERP_MAYBE;
    if (transform_apply(rf, &v, &it->rhs) < 0)
        return INTERP_MAYBE;
    if (v.kind == FV_NONE)
        return INTERP_FALSE;
    size_t n = v.kind == FV_LIST ? v.nlist : 1;
    if (scratch_reserve(&it->rtmp, (n ? n : 1) * sizeof(struct compare_rhs)) < 0)
        return INTERP_MAYBE;
    struct compare_rhs *dyn = (struct compare_rhs *)(void *)it->rtmp.p; /* malloc'd: aligned */
    size_t k = 0;
    bool maybe = false;
    for (size_t i = 0; i < n; i++) {
        memset(&dyn[k], 0, sizeof(dyn[k]));
        enum interp_result r;
        if (v.kind == FV_LIST)
            r = coerce_elem(a->type, a->ftype, &v.list[i], v.truncated && i + 1 == n, &dyn[k].c);
        else
            r = coerce_value(a->type, a->ftype, &v, &dyn[k].c);
        if (r == INTERP_TRUE)
            k++;
        maybe |= r == INTERP_MAYBE;
    }
    if (!k)
        return maybe || v.truncated ? INTERP_MAYBE : INTERP_FALSE;
    rs->vals = NULL;
    rs->set = NULL;
    rs->dyn = dyn;
    /* only the first value counts, except for in/intersects and modifiers */
    rs->n = (a->op == OP_IN || a->op == OP_INTERSECTS || a->mod != MOD_NONE) ? k : 1;
    return maybe || v.truncated ? INTERP_MAYBE : INTERP_TRUE;
}

static enum interp_result _eval_atom(struct interp *it, const struct atom *a, field_getter get,
                                     void *ctx)
{
    const struct ast_node *n = a->node;
    struct field_value v;
    memset(&v, 0, sizeof(v));
    if (get(ctx, &n->cmp.lhs, &v) < 0)
        return INTERP_MAYBE;
    if (transform_apply(&n->cmp.lhs, &v, &it->lhs) < 0)
        return INTERP_MAYBE;
    if (v.kind == FV_NONE)
        return INTERP_FALSE;
    bool multi = v.kind == FV_LIST && !a->list;
    if (a->op == OP_EXISTS) {
        if (!multi)
            return INTERP_TRUE;
        return v.nlist ? INTERP_TRUE : v.truncated ? INTERP_MAYBE : INTERP_FALSE;
    }
    struct rhs_set rs = {.vals = a->vals, .set = a->set, .n = a->nvals};
    enum interp_result rhs_state = INTERP_TRUE;
    if (n->cmp.rhs.kind == RHS_FIELD) {
        rhs_state = _rhs_field(it, a, get, ctx, &rs);
        if (rhs_state == INTERP_FALSE)
            return INTERP_FALSE;
        if (rs.n == 0)
            return INTERP_MAYBE;
    }
    enum interp_result res;
    if (a->list) {
        if (v.kind == FV_LIST) {
            res = _list(it, a, &v, &rs);
        } else {
            struct fv_str one = v.str;
            struct field_value lv = {
                .kind = FV_LIST, .truncated = v.truncated, .list = &one, .nlist = 1};
            if (v.kind != FV_STR)
                return INTERP_FALSE;
            res = _list(it, a, &lv, &rs);
        }
    } else if (multi) {
        res = _multi(it, a, &v, &rs);
    } else {
        struct coerce_val c;
        res = coerce_value(a->type, a->ftype, &v, &c);
        if (res == INTERP_TRUE)
            res = _scalar(it, a, &c, &rs);
    }
    /* a right-hand value we could only partly read leaves a true or false
     * answer open */
    if (rhs_state == INTERP_MAYBE && res != INTERP_MAYBE)
        return INTERP_MAYBE;
    return res;
}

static enum interp_result _eval_node(struct interp *it, const struct inode *n, field_getter get,
                                     void *ctx)
{
    switch (n->kind) {
    case AST_AND: {
        enum interp_result res = INTERP_TRUE;
        for (size_t i = 0; i < n->nkids && res != INTERP_FALSE; i++)
            res = tri_and(res, _eval_node(it, n->kids[i], get, ctx));
        return res;
    }
    case AST_OR: {
        enum interp_result res = INTERP_FALSE;
        for (size_t i = 0; i < n->nkids && res != INTERP_TRUE; i++)
            res = tri_or(res, _eval_node(it, n->kids[i], get, ctx));
        return res;
    }
    case AST_NOT:
        return tri_not(_eval_node(it, n->kids[0], get, ctx));
    case AST_CMP:
        return _eval_atom(it, n->atom, get, ctx);
    case AST_BOOL:
        return tri_of(n->value);
    case AST_MACRO:
    case AST_KIND_MAX:
        break;
    }
    return INTERP_FALSE;
}

enum interp_result interp_eval_result(struct interp *interp, field_getter get, void *ctx)
{
    if (!interp || !get)
        return INTERP_FALSE;
    return _eval_node(interp, interp->root, get, ctx);
}

bool interp_eval(struct interp *interp, field_getter get, void *ctx)
{
    return interp_eval_result(interp, get, ctx) != INTERP_FALSE;
}

enum interp_result interp_eval_atom(struct interp *interp, const struct ast_node *atom,
                                    field_getter get, void *ctx)
{
    if (!atom || atom->kind != AST_CMP || !get)
        return INTERP_FALSE;
    if (interp && interp->natoms) {
        size_t lo = 0, hi = interp->natoms;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            uintptr_t p = (uintptr_t)interp->atoms[mid]->node;
            if (p == (uintptr_t)atom)
                return _eval_atom(interp, interp->atoms[mid], get, ctx);
            if (p < (uintptr_t)atom)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    struct interp *tmp = interp_new(atom);
    if (!tmp)
        return INTERP_FALSE;
    enum interp_result res = interp_eval_result(tmp, get, ctx);
    interp_free(&tmp);
    return res;
}
