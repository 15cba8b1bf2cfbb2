/* The condition AST: names, construction, deep copy, printing back to
 * condition text, and structural equality. */
#include "core/ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "core/strbuf.h"
#include "core/text.h"

static const char *const _op_names[OP_MAX] = {
    [OP_EQ] = "=",
    [OP_NE] = "!=",
    [OP_LT] = "<",
    [OP_LE] = "<=",
    [OP_GT] = ">",
    [OP_GE] = ">=",
    [OP_CONTAINS] = "contains",
    [OP_ICONTAINS] = "icontains",
    [OP_BCONTAINS] = "bcontains",
    [OP_STARTSWITH] = "startswith",
    [OP_BSTARTSWITH] = "bstartswith",
    [OP_ENDSWITH] = "endswith",
    [OP_GLOB] = "glob",
    [OP_IGLOB] = "iglob",
    [OP_REGEX] = "regex",
    [OP_IN] = "in",
    [OP_INTERSECTS] = "intersects",
    [OP_PMATCH] = "pmatch",
    [OP_EXISTS] = "exists",
};

static const char *const _transformer_names[XF_MAX] = {
    [XF_TOLOWER] = "tolower",   [XF_TOUPPER] = "toupper", [XF_B64] = "b64",
    [XF_BASENAME] = "basename", [XF_LEN] = "len",
};

static const char *const _modifier_names[] = {
    [MOD_NONE] = "",
    [MOD_ONEOF] = "oneof",
    [MOD_ANYOF] = "anyof",
    [MOD_ALLOF] = "allof",
};

const char *ast_op_name(enum ast_op op)
{
    return (unsigned)op < OP_MAX ? _op_names[op] : "?";
}

const char *ast_transformer_name(enum ast_transformer xf)
{
    return (unsigned)xf < XF_MAX ? _transformer_names[xf] : "?";
}

const char *ast_modifier_name(enum ast_modifier mod)
{
    return (unsigned)mod <= MOD_ALLOF ? _modifier_names[mod] : "?";
}

struct ast_node *ast_new(struct arena *arena, enum ast_kind kind, struct src_pos pos)
{
    struct ast_node *n = arena_alloc(arena, sizeof(*n));
    n->kind = kind;
    n->pos = pos;
    return n;
}

/* ---- clone ---------------------------------------------------------------- */

/* Strings are copied too: a clone may outlive the arena it came from. */
static const char *_dup(struct arena *arena, const char *s)
{
    return s ? arena_strdup(arena, s) : NULL;
}

static void _clone_field(struct arena *arena, struct ast_field *dst, const struct ast_field *src)
{
    *dst = *src;
    dst->name = _dup(arena, src->name);
    dst->arg = _dup(arena, src->arg);
}

static void _clone_values(struct arena *arena, struct ast_rhs *dst, const struct ast_rhs *src)
{
    if (!src->values || src->nvalues == 0) {
        dst->values = NULL;
        return;
    }
    dst->values = arena_alloc(arena, src->nvalues * sizeof(struct ast_value));
    for (size_t i = 0; i < src->nvalues; i++) {
        dst->values[i] = src->values[i];
        dst->values[i].text = src->values[i].text
                                  ? arena_strndup(arena, src->values[i].text, src->values[i].len)
                                  : NULL;
    }
}

struct ast_node *ast_clone(struct arena *arena, const struct ast_node *node)
{
    if (!node)
        return NULL;
    struct ast_node *n = ast_new(arena, node->kind, node->pos);
    switch (node->kind) {
    case AST_AND:
    case AST_OR:
        n->list.nkids = node->list.nkids;
        n->list.kids = arena_alloc(arena, node->list.nkids * sizeof(struct ast_node *));
        for (size_t i = 0; i < node->list.nkids; i++)
            n->list.kids[i] = ast_clone(arena, node->list.kids[i]);
        break;
    case AST_NOT:
        n->operand = ast_clone(arena, node->operand);
        break;
    case AST_CMP:
        n->cmp = node->cmp;
        _clone_field(arena, &n->cmp.lhs, &node->cmp.lhs);
        _clone_values(arena, &n->cmp.rhs, &node->cmp.rhs);
        _clone_field(arena, &n->cmp.rhs.field, &node->cmp.rhs.field);
        break;
    case AST_MACRO:
        n->macro.name = _dup(arena, node->macro.name);
        break;
    case AST_BOOL:
        n->value = node->value;
        break;
    case AST_KIND_MAX:
        break;
    }
    return n;
}

/* ---- printing ------------------------------------------------------------- */

/* Double-quoted, with every byte the grammar would not read back as itself
 * escaped; non-printable bytes (and non-ASCII ones, so the text stays
 * plain ASCII wherever it is stored) as \xHH. */
static void _put_quoted(struct strbuf *b, const char *s, size_t n)
{
    strbuf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '"':
            strbuf_append(b, "\\\"", 2);
            break;
        case '\\':
            strbuf_append(b, "\\\\", 2);
            break;
        case '\b':
            strbuf_append(b, "\\b", 2);
            break;
        case '\f':
            strbuf_append(b, "\\f", 2);
            break;
        case '\n':
            strbuf_append(b, "\\n", 2);
            break;
        case '\r':
            strbuf_append(b, "\\r", 2);
            break;
        case '\t':
            strbuf_append(b, "\\t", 2);
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                strbuf_append(b, (const char *)&c, 1);
            } else {
                snprintf(esc, sizeof(esc), "\\x%02x", c);
                strbuf_append(b, esc, 4);
            }
        }
    }
    strbuf_append(b, "\"", 1);
}

static bool _is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool _is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool _is_identifier(const char *s, size_t n)
{
    if (n == 0 || !_is_alpha(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!_is_alpha(s[i]) && !_is_digit(s[i]) && s[i] != '_')
            return false;
    return true;
}

/* The number syntax the grammar accepts after < <= > >=:
 * 0[xX][0-9a-fA-F]+ or [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)? */
static bool _is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (i = 2; i < n && text_hexval(s[i]) >= 0; i++)
            ;
        return i == n;
    }
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t digits = i;
    while (i < n && _is_digit(s[i]))
        i++;
    if (i == digits)
        return false;
    if (i < n && s[i] == '.')
        i++;
    while (i < n && _is_digit(s[i]))
        i++;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i >= n || (s[i] != '+' && s[i] != '-'))
            return false;
        i++;
        size_t exp = i;
        while (i < n && _is_digit(s[i]))
            i++;
        if (i == exp)
            return false;
    }
    return i == n;
}

/* A field argument the grammar reads bare: [^ \b\t\n\r\v\f\[\]"']+ */
static bool _is_bare_arg(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (strchr(" \b\t\n\r\v\f[]\"'", *s))
            return false;
    return true;
}

const char *ast_field_arg(const struct ast_field *f)
{
    if (f->arg || !f->def || !(f->def->flags & FF_NAMED_ARG) || !f->name)
        return f->arg;
    size_t n = strlen(f->def->name);
    return strncmp(f->name, f->def->name, n) == 0 && f->name[n] == '.' ? f->name + n + 1 : NULL;
}

static void _put_field(struct strbuf *b, const struct ast_field *f)
{
    strbuf_puts(b, f->name ? f->name : "?");
    if (!f->arg)
        return;
    strbuf_append(b, "[", 1);
    if (_is_bare_arg(f->arg))
        strbuf_puts(b, f->arg);
    else
        _put_quoted(b, f->arg, strlen(f->arg));
    strbuf_append(b, "]", 1);
}

/* transformers[0] is the innermost, so it is printed last. */
static void _put_transformed(struct strbuf *b, const struct ast_field *f)
{
    for (unsigned i = f->ntransformers; i-- > 0;) {
        strbuf_puts(b, ast_transformer_name(f->transformers[i]));
        strbuf_append(b, "(", 1);
    }
    _put_field(b, f);
    for (unsigned i = 0; i < f->ntransformers; i++)
        strbuf_append(b, ")", 1);
}

static bool _is_list_op(enum ast_op op)
{
    return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

static bool _is_num_op(enum ast_op op)
{
    return op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
}

static void _put_rhs(struct strbuf *b, const struct ast_node *n)
{
    const struct ast_rhs *rhs = &n->cmp.rhs;
    switch (rhs->kind) {
    case RHS_NONE:
        return;
    case RHS_VALUE: {
        const struct ast_value *v = rhs->values;
        if (!v) {
            strbuf_puts(b, "\"\"");
            return;
        }
        /* After a list operator or a modifier a single value is a list
         * name, which the grammar reads only bare; after < <= > >= only
         * numbers are read, bare. Anything else in those places (never
         * produced by the parser) prints as something the grammar reads. */
        if (_is_list_op(n->cmp.op) || n->cmp.modifier != MOD_NONE) {
            if (_is_identifier(v->text, v->len)) {
                strbuf_append(b, v->text, v->len);
            } else {
                strbuf_append(b, "(", 1);
                _put_quoted(b, v->text, v->len);
                strbuf_append(b, ")", 1);
            }
        } else if (_is_num_op(n->cmp.op) && _is_number(v->text, v->len)) {
            strbuf_append(b, v->text, v->len);
        } else {
            _put_quoted(b, v->text, v->len);
        }
        return;
    }
    case RHS_LIST:
        strbuf_append(b, "(", 1);
        for (size_t i = 0; i < rhs->nvalues; i++) {
            if (i)
                strbuf_append(b, ", ", 2);
            _put_quoted(b, rhs->values[i].text, rhs->values[i].len);
        }
        strbuf_append(b, ")", 1);
        return;
    case RHS_FIELD:
        if (rhs->field.ntransformers == 0) {
            strbuf_puts(b, "val(");
            _put_field(b, &rhs->field);
            strbuf_append(b, ")", 1);
        } else {
            _put_transformed(b, &rhs->field);
        }
        return;
    }
}

static void _put_node(struct strbuf *b, const struct ast_node *n)
{
    if (!n) {
        strbuf_puts(b, "?");
        return;
    }
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        strbuf_append(b, "(", 1);
        for (size_t i = 0; i < n->list.nkids; i++) {
            if (i)
                strbuf_puts(b, n->kind == AST_AND ? " and " : " or ");
            _put_node(b, n->list.kids[i]);
        }
        strbuf_append(b, ")", 1);
        return;
    case AST_NOT:
        /* Parenthesised: `not not x` would read back as x. */
        strbuf_puts(b, "(not ");
        _put_node(b, n->operand);
        strbuf_append(b, ")", 1);
        return;
    case AST_CMP:
        _put_transformed(b, &n->cmp.lhs);
        strbuf_append(b, " ", 1);
        strbuf_puts(b, ast_op_name(n->cmp.op));
        if (n->cmp.modifier != MOD_NONE) {
            strbuf_append(b, " ", 1);
            strbuf_puts(b, ast_modifier_name(n->cmp.modifier));
        }
        if (n->cmp.rhs.kind != RHS_NONE) {
            strbuf_append(b, " ", 1);
            _put_rhs(b, n);
        }
        return;
    case AST_MACRO:
        strbuf_puts(b, n->macro.name ? n->macro.name : "?");
        return;
    case AST_BOOL:
        /* Folding's constants have no condition syntax; these read back as
         * macro references, which the resolver would flag. */
        strbuf_puts(b, n->value ? "true" : "false");
        return;
    case AST_KIND_MAX:
        strbuf_puts(b, "?");
        return;
    }
}

char *ast_to_string(struct arena *arena, const struct ast_node *node)
{
    struct strbuf b = {0};
    _put_node(&b, node);
    char *s = arena_strndup(arena, b.data ? b.data : "", b.len);
    strbuf_free(&b);
    return s;
}

/* ---- equality ------------------------------------------------------------- */

static bool _str_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool _field_equal(const struct ast_field *a, const struct ast_field *b)
{
    if (!_str_equal(a->name, b->name) || !_str_equal(a->arg, b->arg) ||
        a->ntransformers != b->ntransformers)
        return false;
    for (unsigned i = 0; i < a->ntransformers && i < AST_MAX_TRANSFORMERS; i++)
        if (a->transformers[i] != b->transformers[i])
            return false;
    return true;
}

/* Whether a value was quoted is presentation, like its position: `bash`
 * and "bash" are the same value. */
static bool _value_equal(const struct ast_value *a, const struct ast_value *b)
{
    if (a->len != b->len)
        return false;
    if (a->len == 0)
        return true;
    return a->text && b->text && memcmp(a->text, b->text, a->len) == 0;
}

static bool _rhs_equal(const struct ast_rhs *a, const struct ast_rhs *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case RHS_NONE:
        return true;
    case RHS_VALUE:
    case RHS_LIST: {
        size_t na = a->kind == RHS_VALUE ? 1 : a->nvalues;
        size_t nb = b->kind == RHS_VALUE ? 1 : b->nvalues;
        if (na != nb)
            return false;
        if (na > 0 && (!a->values || !b->values))
            return a->values == b->values;
        for (size_t i = 0; i < na; i++)
            if (!_value_equal(&a->values[i], &b->values[i]))
                return false;
        return true;
    }
    case RHS_FIELD:
        return _field_equal(&a->field, &b->field);
    }
    return false;
}

bool ast_equal(const struct ast_node *a, const struct ast_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case AST_AND:
    case AST_OR:
        if (a->list.nkids != b->list.nkids)
            return false;
        for (size_t i = 0; i < a->list.nkids; i++)
            if (!ast_equal(a->list.kids[i], b->list.kids[i]))
                return false;
        return true;
    case AST_NOT:
        return ast_equal(a->operand, b->operand);
    case AST_CMP:
        return a->cmp.op == b->cmp.op && a->cmp.modifier == b->cmp.modifier &&
               _field_equal(&a->cmp.lhs, &b->cmp.lhs) && _rhs_equal(&a->cmp.rhs, &b->cmp.rhs);
    case AST_MACRO:
        return _str_equal(a->macro.name, b->macro.name);
    case AST_BOOL:
        return a->value == b->value;
    case AST_KIND_MAX:
        return true;
    }
    return false;
}

void ast_foreach_cmp(const struct ast_node *n, void (*fn)(const struct ast_node *cmp, void *ctx),
                     void *ctx)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        for (size_t i = 0; i < n->list.nkids; i++)
            ast_foreach_cmp(n->list.kids[i], fn, ctx);
        return;
    case AST_NOT:
        ast_foreach_cmp(n->operand, fn, ctx);
        return;
    case AST_CMP:
        fn(n, ctx);
        return;
    case AST_MACRO:
    case AST_BOOL:
    case AST_KIND_MAX:
        return;
    }
}
