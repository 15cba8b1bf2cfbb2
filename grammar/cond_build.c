/* What the scanner and the parser call to decode tokens and build the AST,
 * so that the grammar actions stay one line each. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "grammar/cond_internal.h"

void cond_fail(struct cond_ctx *ctx, size_t offset, const char *fmt, ...)
{
    if (ctx->failed)
        return;
    ctx->failed = true;
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(ctx->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, cond_pos(ctx, offset), NULL, fmt, ap);
    va_end(ap);
}

struct src_pos cond_pos(const struct cond_ctx *ctx, size_t offset)
{
    return text_map_pos(ctx->map, offset);
}

/* Messages quote at most this many bytes of a token. */
#define DESCRIBE_MAX 40

const char *cond_snippet(struct cond_ctx *ctx, struct cond_loc loc)
{
    size_t n = loc.last > loc.first ? loc.last - loc.first : 0;
    bool cut = n > DESCRIBE_MAX;
    if (cut)
        n = DESCRIBE_MAX - 3;
    char buf[DESCRIBE_MAX * 4 + 8];
    size_t o = 0;
    for (size_t i = 0; i < n && loc.first + i < ctx->len; i++) {
        unsigned char c = (unsigned char)ctx->text[loc.first + i];
        if (c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
    }
    if (cut) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    return arena_strndup(ctx->arena, buf, o);
}

/* Decodes the quoted string text[first, last) (quotes included) the way
 * libsinsp's unescape_str does, except that a backslash always escapes the
 * next byte when finding the closing quote (libsinsp mis-scans "a\\").
 * The scanner only hands over well-formed quoted tokens. */
static bool _unquote(struct cond_ctx *ctx, size_t first, size_t last, char **out, size_t *outlen)
{
    const char *s = ctx->text;
    char quote = s[first];
    char *buf = arena_alloc(ctx->arena, last - first);
    size_t n = 0;
    for (size_t i = first + 1; i + 1 < last; i++) {
        if (s[i] != '\\') {
            buf[n++] = s[i];
            continue;
        }
        char c = s[i + 1];
        switch (c) {
        case 'b':
            buf[n++] = '\b';
            break;
        case 'f':
            buf[n++] = '\f';
            break;
        case 'n':
            buf[n++] = '\n';
            break;
        case 'r':
            buf[n++] = '\r';
            break;
        case 't':
            buf[n++] = '\t';
            break;
        case '\\':
        case '/':
            buf[n++] = c;
            break;
        case ' ':
            /* libsinsp keeps "\ " working for old, wrongly escaped rules,
             * and decodes it to a lone backslash. */
            buf[n++] = '\\';
            break;
        case '"':
        case '\'':
            if (c != quote) {
                cond_fail(ctx, i, "invalid escape sequence '\\%c' in a %s-quoted string", c,
                          quote == '"' ? "double" : "single");
                return false;
            }
            buf[n++] = c;
            break;
        case 'x': {
            int hi = i + 2 < last - 1 ? text_hexval(s[i + 2]) : -1;
            int lo = i + 3 < last - 1 ? text_hexval(s[i + 3]) : -1;
            if (hi < 0 || lo < 0) {
                cond_fail(ctx, i, "invalid escape sequence '\\x': expected two hex digits");
                return false;
            }
            buf[n++] = (char)(hi << 4 | lo);
            i += 2;
            break;
        }
        default:
            if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
                cond_fail(ctx, i, "invalid escape sequence '\\%c'", c);
            else
                cond_fail(ctx, i, "invalid escape sequence: '\\' followed by byte 0x%02x",
                          (unsigned char)c);
            return false;
        }
        i++;
    }
    buf[n] = '\0';
    *out = buf;
    *outlen = n;
    return true;
}

struct ast_value *cond_value(struct cond_ctx *ctx, struct cond_loc loc, bool quoted)
{
    struct ast_value *v = arena_alloc(ctx->arena, sizeof(*v));
    v->quoted = quoted;
    v->pos = cond_pos(ctx, loc.first);
    if (!quoted) {
        v->text = arena_strndup(ctx->arena, ctx->text + loc.first, loc.last - loc.first);
        v->len = loc.last - loc.first;
        return v;
    }
    char *text;
    if (!_unquote(ctx, loc.first, loc.last, &text, &v->len))
        return NULL;
    v->text = text;
    return v;
}

struct ast_field *cond_field(struct cond_ctx *ctx, struct cond_loc loc)
{
    struct ast_field *f = arena_alloc(ctx->arena, sizeof(*f));
    f->pos = cond_pos(ctx, loc.first);
    const char *s = ctx->text + loc.first;
    size_t n = loc.last - loc.first;
    const char *bracket = memchr(s, '[', n);
    if (!bracket) {
        f->name = arena_strndup(ctx->arena, s, n);
        return f;
    }
    f->name = arena_strndup(ctx->arena, s, (size_t)(bracket - s));
    /* The scanner matched name[arg] with arg bare or quoted. */
    size_t arg_first = (size_t)(bracket - ctx->text) + 1, arg_last = loc.last - 1;
    char quote = ctx->text[arg_first];
    if (quote != '"' && quote != '\'') {
        f->arg = arena_strndup(ctx->arena, ctx->text + arg_first, arg_last - arg_first);
        return f;
    }
    char *arg;
    size_t len;
    if (!_unquote(ctx, arg_first, arg_last, &arg, &len))
        return NULL;
    /* ast_field.arg is a C string: a NUL would silently cut it. */
    if (strlen(arg) != len) {
        cond_fail(ctx, arg_first, "a field argument cannot contain a NUL byte");
        return NULL;
    }
    f->arg = arg;
    return f;
}

/* Where a quoted string starting at first ends (just past its closing
 * quote), or SIZE_MAX when it is not closed. */
static size_t _quoted_end(const struct cond_ctx *ctx, size_t first)
{
    char quote = ctx->text[first];
    for (size_t i = first + 1; i < ctx->len; i++) {
        if (ctx->text[i] == '\\')
            i++;
        else if (ctx->text[i] == quote)
            return i + 1;
    }
    return SIZE_MAX;
}

static bool _is_arg_char(char c)
{
    return c != '\0' && !cond_is_blank(c) && c != '\v' && c != '\f' && c != '[' && c != ']' &&
           c != '"' && c != '\'';
}

void cond_field_arg_error(struct cond_ctx *ctx, size_t bracket)
{
    size_t i = bracket + 1;
    if (i < ctx->len && (ctx->text[i] == '"' || ctx->text[i] == '\'')) {
        size_t end = _quoted_end(ctx, i);
        if (end == SIZE_MAX) {
            cond_fail(ctx, i, "unterminated string");
            return;
        }
        i = end;
    } else {
        while (i < ctx->len && _is_arg_char(ctx->text[i]))
            i++;
        if (i == bracket + 1) {
            cond_fail(ctx, i, "expected a field argument (a quoted or a bare string) after '['");
            return;
        }
    }
    cond_fail(ctx, i, "missing ']' after the field argument");
}

bool cond_transformer(struct cond_ctx *ctx, struct cond_loc loc, enum ast_transformer *out)
{
    size_t n = loc.last - loc.first;
    for (int i = 0; i < XF_MAX; i++) {
        const char *name = ast_transformer_name((enum ast_transformer)i);
        if (strlen(name) == n && memcmp(name, ctx->text + loc.first, n) == 0) {
            *out = (enum ast_transformer)i;
            return true;
        }
    }
    /* join, concat and getopt: newer libsinsp transformers with several
     * arguments that rulec cannot evaluate in the kernel or the residual. */
    cond_fail(ctx, loc.first, "transformer '%.*s' is not supported by rulec", (int)n,
              ctx->text + loc.first);
    return false;
}

struct ast_node *cond_macro(struct cond_ctx *ctx, struct cond_loc loc)
{
    struct ast_node *n = ast_new(ctx->arena, AST_MACRO, cond_pos(ctx, loc.first));
    n->macro.name = arena_strndup(ctx->arena, ctx->text + loc.first, loc.last - loc.first);
    return n;
}

struct ast_node *cond_not(struct cond_ctx *ctx, unsigned count, struct ast_node *operand,
                          struct cond_loc loc)
{
    if (count % 2 == 0)
        return operand;
    struct ast_node *n = ast_new(ctx->arena, AST_NOT, cond_pos(ctx, loc.first));
    n->operand = operand;
    return n;
}

struct ptr_vec *cond_vec(struct cond_ctx *ctx, void *first)
{
    struct ptr_vec *vec = arena_alloc(ctx->arena, sizeof(*vec));
    ptr_vec_push(ctx->arena, vec, first);
    return vec;
}

struct ptr_vec *cond_vec_push(struct cond_ctx *ctx, struct ptr_vec *vec, void *item)
{
    ptr_vec_push(ctx->arena, vec, item);
    return vec;
}

struct ast_node *cond_nary(struct cond_ctx *ctx, enum ast_kind kind, struct ptr_vec *vec,
                           struct cond_loc loc)
{
    struct ast_node *n = ast_new(ctx->arena, kind, cond_pos(ctx, loc.first));
    n->list.kids = (struct ast_node **)vec->items;
    n->list.nkids = vec->len;
    return n;
}

struct ast_field *cond_transform(struct cond_ctx *ctx, struct ast_field *field,
                                 enum ast_transformer xf)
{
    /* The scanner stops nesting at AST_MAX_TRANSFORMERS; this is a backstop. */
    if (field->ntransformers < AST_MAX_TRANSFORMERS)
        field->transformers[field->ntransformers++] = xf;
    return field;
}

struct ast_rhs *cond_rhs_value(struct cond_ctx *ctx, struct ast_value *value)
{
    struct ast_rhs *rhs = arena_alloc(ctx->arena, sizeof(*rhs));
    rhs->kind = RHS_VALUE;
    rhs->values = value;
    rhs->nvalues = 1;
    return rhs;
}

struct ast_rhs *cond_rhs_list(struct cond_ctx *ctx, struct ptr_vec *vec)
{
    struct ast_rhs *rhs = arena_alloc(ctx->arena, sizeof(*rhs));
    rhs->kind = RHS_LIST;
    if (!vec)
        return rhs;
    rhs->values = arena_alloc(ctx->arena, vec->len * sizeof(struct ast_value));
    for (size_t i = 0; i < vec->len; i++)
        rhs->values[i] = *(struct ast_value *)vec->items[i];
    rhs->nvalues = vec->len;
    return rhs;
}

struct ast_rhs *cond_rhs_field(struct cond_ctx *ctx, struct ast_field *field)
{
    struct ast_rhs *rhs = arena_alloc(ctx->arena, sizeof(*rhs));
    rhs->kind = RHS_FIELD;
    rhs->field = *field;
    return rhs;
}

struct ast_node *cond_cmp(struct cond_ctx *ctx, struct ast_field *lhs, enum ast_op op,
                          struct cond_loc op_loc, enum ast_modifier mod, struct ast_rhs *rhs,
                          struct cond_loc loc)
{
    struct ast_node *n = ast_new(ctx->arena, AST_CMP, cond_pos(ctx, loc.first));
    n->cmp.lhs = *lhs;
    n->cmp.op = op;
    n->cmp.op_pos = cond_pos(ctx, op_loc.first);
    n->cmp.modifier = mod;
    if (rhs)
        n->cmp.rhs = *rhs;
    else
        n->cmp.rhs.kind = RHS_NONE;
    return n;
}

bool cond_enter(struct cond_ctx *ctx, struct cond_loc loc)
{
    if (ctx->depth >= CONDITION_MAX_DEPTH) {
        cond_fail(ctx, loc.first, "condition nested too deeply (more than %d parentheses)",
                  CONDITION_MAX_DEPTH);
        return false;
    }
    ctx->depth++;
    return true;
}
