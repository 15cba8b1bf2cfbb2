/* Output templates: parsing (libsinsp eventformatter.cpp set_format and
 * the field grammar of filter/parser.cpp) and rendering; each field's
 * value is printed by core/format_value.c.
 *
 * Template syntax, as libsinsp reads it:
 *  - A leading '*' only says "print <NA> for missing values"; Falco adds it
 *    to every rule output, so it is dropped.
 *  - '%' then optional decimal width then a field: %proc.name,
 *    %proc.aname[2], %proc.env['HOME'], %evt.arg.flags, or a transformer
 *    %tolower(proc.name) (nested, blanks allowed inside the parentheses).
 *  - The field is the longest prefix of what follows that names a field:
 *    "%proc.namex" is proc.name then "x", "%proc.name[" is proc.name then
 *    "[", and a bracket a field does not take stays text. Nothing after
 *    '%' that names a field (including "%%" and "% ") is an error, as is a
 *    trailing '%' or '%' and digits at the end.
 *  - A width pads with spaces or cuts to exactly that many bytes
 *    (std::string::resize), <NA> included.
 * Fields Falco's formatter accepts only in conditions (FF_FILTER_ONLY)
 * are accepted here too: libsinsp's extractor compiles them for outputs. */
#include "core/format.h"
#include "core/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/transform.h"

/* A field name longer than this is not one. */
#define FORMAT_MAX_NAME 256

/* ---- parsing --------------------------------------------------------------------- */

struct parser {
    struct arena *arena;
    const char *text;
    size_t len;
    const struct text_map *map;
    struct diag_list *diags;
    bool failed;
};

static void _error(struct parser *p, enum diag_code code, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void _error(struct parser *p, enum diag_code code, size_t at, const char *fmt, ...)
{
    p->failed = true;
    if (!p->diags)
        return;
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(p->diags, code, text_map_pos(p->map, at), NULL, fmt, ap);
    va_end(ap);
}

static bool _alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool _word(char c)
{
    return _alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static bool _blank(char c)
{
    return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

/* RGX_FIELDNAME, longest match at s[k..len):
 * [a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+ */
static size_t _lex_name(const char *s, size_t len, size_t k)
{
    if (k >= len || !_alpha(s[k]))
        return 0;
    size_t e = k + 1;
    while (e < len && _word(s[e]))
        e++;
    bool dotted = false;
    while (e + 1 < len && s[e] == '.' && _alpha(s[e + 1])) {
        e += 2;
        while (e < len && _word(s[e]))
            e++;
        dotted = true;
    }
    return dotted ? e - k : 0;
}

/* parse_optional_field_arg at s[k] == '[': a quoted or a bare string, then
 * ']'. Returns the length through ']' (0 when it does not parse). */
static size_t _lex_arg(struct parser *p, size_t k, char **arg)
{
    const char *s = p->text;
    size_t len = p->len, i = k + 1;
    if (i >= len)
        return 0;
    struct strbuf sb = {0};
    if (s[i] == '\'' || s[i] == '"') {
        char q = s[i++];
        bool done = false;
        for (; i < len; i++) {
            if (s[i] == '\\' && i + 1 < len) {
                char e = s[++i];
                char c = e == 'b'   ? '\b'
                         : e == 'f' ? '\f'
                         : e == 'n' ? '\n'
                         : e == 'r' ? '\r'
                         : e == 't' ? '\t'
                                    : e;
                strbuf_append(&sb, &c, 1);
                continue;
            }
            if (s[i] == q) {
                done = true;
                i++;
                break;
            }
            strbuf_append(&sb, &s[i], 1);
        }
        if (!done) {
            strbuf_free(&sb);
            return 0;
        }
    } else {
        /* RGX_FIELDARGBARESTR: [^][\"'[:space:]]+ */
        size_t start = i;
        while (i < len && !strchr("[]\"' \t\n\v\f\r", s[i]))
            i++;
        if (i == start)
            return 0;
        strbuf_append(&sb, s + start, i - start);
    }
    if (i >= len || s[i] != ']') {
        strbuf_free(&sb);
        return 0;
    }
    *arg = arena_strndup(p->arena, sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return i + 1 - k;
}

/* The catalogue check libsinsp's exact-name lookup does: the name must be
 * a field, a bracket argument must be one the field takes, and a field
 * that needs an argument must have one. Fills f on success. */
static bool _bind(struct parser *p, const char *name, size_t nlen, char *arg, struct ast_field *f)
{
    char buf[FORMAT_MAX_NAME];
    if (nlen >= sizeof(buf))
        return false;
    memcpy(buf, name, nlen);
    buf[nlen] = '\0';
    const char *named = NULL;
    const struct field_def *def = field_lookup(buf, &named);
    if (!def)
        return false;
    if (named && arg)
        return false;
    if (!named && arg) {
        bool index_ok = (def->flags & FF_ARG_INDEX) && text_is_decimal(arg);
        if (!index_ok && !(def->flags & FF_ARG_KEY))
            return false;
    }
    if (!named && !arg && (def->flags & FF_ARG_REQUIRED))
        return false;
    char *copy = arena_strndup(p->arena, name, nlen);
    f->name = copy;
    f->def = def;
    f->arg = named ? copy + (named - buf) : arg;
    return true;
}

/* _parse_xf's reason for an unknown inner field (then f->name is it). */
static const char _unknown_field[] = "unknown field";

/* Transformers libsinsp has that take several arguments: rulec's AST has no
 * form for them. */
static const char *const _multi_xf[] = {"join(", "concat(", "getopt("};

/* Which transformer starts at k ("tolower("), or -1. */
static int _lex_xf(const char *s, size_t len, size_t k, size_t *tlen)
{
    for (int x = 0; x < XF_MAX; x++) {
        const char *name = ast_transformer_name((enum ast_transformer)x);
        size_t n = strlen(name);
        if (k + n < len && strncmp(s + k, name, n) == 0 && s[k + n] == '(') {
            *tlen = n + 1;
            return x;
        }
    }
    return -1;
}

/* A transformer's argument: a field (exact: no shortening inside
 * parentheses) or another transformer, then blanks and ')'. Returns the
 * end offset or 0 with *why set. */
static size_t _parse_xf(struct parser *p, size_t k, int xf, struct ast_field *f, const char **why,
                        unsigned depth)
{
    const char *s = p->text;
    size_t len = p->len;
    if (depth > AST_MAX_TRANSFORMERS) {
        *why = "too many nested transformers";
        return 0;
    }
    while (k < len && _blank(s[k]))
        k++;
    size_t tlen, end;
    int inner = _lex_xf(s, len, k, &tlen);
    if (inner >= 0) {
        end = _parse_xf(p, k + tlen, inner, f, why, depth + 1);
        if (!end)
            return 0;
    } else {
        size_t nlen = _lex_name(s, len, k);
        if (!nlen) {
            *why = "a transformer takes a field, as in tolower(proc.name)";
            return 0;
        }
        char *arg = NULL;
        size_t alen = 0;
        if (k + nlen < len && s[k + nlen] == '[') {
            alen = _lex_arg(p, k + nlen, &arg);
            if (!alen) {
                *why = "a field argument must be closed by ']'";
                return 0;
            }
        }
        if (!_bind(p, s + k, nlen, arg, f)) {
            *why = _unknown_field;
            f->name = arena_strndup(p->arena, s + k, nlen);
            return 0;
        }
        f->pos = text_map_pos(p->map, k);
        end = k + nlen + alen;
    }
    while (end < len && _blank(s[end]))
        end++;
    if (end >= len || s[end] != ')') {
        *why = "a transformer takes one field and ends with ')'";
        return 0;
    }
    if (f->ntransformers >= AST_MAX_TRANSFORMERS) {
        *why = "too many nested transformers";
        return 0;
    }
    f->transformers[f->ntransformers++] = (enum ast_transformer)xf;
    return end + 1;
}

/* The field (or transformer) starting at k. Returns its length, or 0. */
static size_t _parse_token(struct parser *p, size_t k, struct ast_field *f, size_t pct)
{
    const char *s = p->text;
    size_t len = p->len, tlen;
    memset(f, 0, sizeof(*f));
    int xf = _lex_xf(s, len, k, &tlen);
    if (xf >= 0) {
        const char *why = NULL;
        size_t end = _parse_xf(p, k + tlen, xf, f, &why, 1);
        if (end)
            return end - k;
        if (why == _unknown_field)
            _error(p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct, "unknown field '%s' in output", f->name);
        else
            _error(p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct, "invalid %s(...) in output: %s",
                   ast_transformer_name((enum ast_transformer)xf), why);
        return 0;
    }
    for (size_t m = 0; m < sizeof(_multi_xf) / sizeof(_multi_xf[0]); m++) {
        size_t mlen = strlen(_multi_xf[m]);
        if (k + mlen <= len && memcmp(s + k, _multi_xf[m], mlen) == 0) {
            _error(p, DIAG_RULEC_UNSUPPORTED, pct,
                   "transformer '%.*s' in outputs is not supported by rulec", (int)mlen - 1,
                   _multi_xf[m]);
            return 0;
        }
    }
    size_t nlen = _lex_name(s, len, k);
    if (nlen) {
        /* the longest prefix that names a field (the set_format retry loop) */
        char *arg = NULL;
        if (k + nlen < len && s[k + nlen] == '[') {
            size_t alen = _lex_arg(p, k + nlen, &arg);
            if (alen && _bind(p, s + k, nlen, arg, f)) {
                f->pos = text_map_pos(p->map, k);
                return nlen + alen;
            }
        }
        for (size_t n = nlen; n > 0; n--) {
            if (_lex_name(s, k + n, k) != n)
                continue;
            if (_bind(p, s + k, n, NULL, f)) {
                f->pos = text_map_pos(p->map, k);
                return n;
            }
        }
        _error(p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct, "unknown field '%.*s' in output", (int)nlen,
               s + k);
        return 0;
    }
    if (s[k] == '%')
        _error(p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct,
               "'%%%%' is not an escape in outputs: '%%' must be followed by a field, as in "
               "%%proc.name");
    else
        _error(p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct,
               "'%%' must be followed by a field, as in %%proc.name");
    return 0;
}

/* libsinsp's escape_str, used for bracket arguments in output_fields keys:
 * quoted when the argument holds a blank, '=', a quote or a backslash. */
static char *_key(struct arena *arena, const struct ast_field *f)
{
    /* no argument, or a named one: evt.arg.flags is its own key */
    if (!f->arg || (f->def && strlen(f->name) > strlen(f->def->name)))
        return (char *)f->name;
    struct strbuf sb = {0};
    strbuf_puts(&sb, f->name);
    strbuf_append(&sb, "[", 1);
    bool quote = !*f->arg;
    struct strbuf esc = {0};
    for (const char *c = f->arg; *c; c++) {
        const char *rep = NULL;
        switch (*c) {
        case '\b':
            rep = "\\b";
            break;
        case '\f':
            rep = "\\f";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '"':
            rep = "\\\"";
            break;
        case ' ':
        case '=':
        case '\'':
            quote = true;
            break;
        default:
            break;
        }
        if (rep) {
            quote = true;
            strbuf_puts(&esc, rep);
        } else {
            strbuf_append(&esc, c, 1);
        }
    }
    if (quote)
        strbuf_append(&sb, "\"", 1);
    strbuf_append(&sb, esc.data ? esc.data : "", esc.len);
    if (quote)
        strbuf_append(&sb, "\"", 1);
    strbuf_append(&sb, "]", 1);
    char *key = arena_strndup(arena, sb.data, sb.len);
    strbuf_free(&sb);
    strbuf_free(&esc);
    return key;
}

static void _add_field(struct arena *arena, struct format_template *tpl, const struct ast_field *f)
{
    struct ast_field *plain = arena_alloc(arena, sizeof(*plain));
    *plain = *f;
    plain->ntransformers = 0;
    const char *key = _key(arena, plain);
    for (size_t i = 0; i < tpl->nfields; i++)
        if (strcmp(tpl->fields[i].key, key) == 0)
            return;
    tpl->fields[tpl->nfields].key = key;
    tpl->fields[tpl->nfields].field = plain;
    tpl->nfields++;
}

struct format_template *format_parse(struct arena *arena, const char *text, size_t len,
                                     const struct text_map *map, struct diag_list *diags)
{
    struct parser p = {.arena = arena,
                       .text = text ? text : "",
                       .len = text ? len : 0,
                       .map = map,
                       .diags = diags};
    size_t npct = 0;
    for (size_t i = 0; i < p.len; i++)
        npct += p.text[i] == '%';
    struct format_template *tpl = arena_alloc(arena, sizeof(*tpl));
    tpl->parts = arena_alloc(arena, (npct + 1) * sizeof(*tpl->parts));
    tpl->fields = arena_alloc(arena, (npct + 1) * sizeof(*tpl->fields));
    size_t i = p.len && p.text[0] == '*' ? 1 : 0;
    size_t lit = i;
    while (i < p.len) {
        if (p.text[i] != '%') {
            i++;
            continue;
        }
        size_t pct = i, j = i + 1;
        if (j >= p.len) {
            _error(&p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct,
                   "output ends with '%%': a field must follow it, as in %%proc.name");
            break;
        }
        unsigned width = 0;
        if (isdigit((unsigned char)p.text[j])) {
            while (j < p.len && isdigit((unsigned char)p.text[j])) {
                /* sscanf("%d"): the width is an int */
                if (width <= (unsigned)(INT32_MAX - 9) / 10)
                    width = width * 10 + (unsigned)(p.text[j] - '0');
                j++;
            }
            if (j >= p.len) {
                _error(&p, DIAG_LOAD_ERR_COMPILE_OUTPUT, pct,
                       "output ends with a width: a field must follow it, as in %%%.*sproc.name",
                       (int)(j - pct - 1), p.text + pct + 1);
                break;
            }
        }
        struct ast_field f;
        size_t n = _parse_token(&p, j, &f, pct);
        if (!n) {
            i = j; /* go on, to report every bad field */
            continue;
        }
        struct format_part *part = &tpl->parts[tpl->nparts++];
        part->literal = p.text + lit;
        part->literal_len = pct - lit;
        part->field = f;
        part->width = width;
        _add_field(arena, tpl, &part->field);
        i = j + n;
        lit = i;
    }
    if (p.failed)
        return NULL;
    if (lit < p.len) {
        struct format_part *part = &tpl->parts[tpl->nparts++];
        part->literal = p.text + lit;
        part->literal_len = p.len - lit;
    }
    return tpl;
}

/* ---- rendering -------------------------------------------------------------------- */

int format_render_sb(const struct format_template *tpl, field_getter get, void *ctx,
                     struct strbuf *out)
{
    if (!tpl || !get || !out)
        return -EINVAL;
    struct scratch scratch = {0};
    strbuf_append(out, "", 0); /* never NULL data */
    for (size_t i = 0; i < tpl->nparts; i++) {
        const struct format_part *part = &tpl->parts[i];
        strbuf_append(out, part->literal, part->literal_len);
        if (!part->field.name)
            continue;
        struct field_value v;
        memset(&v, 0, sizeof(v));
        /* a value that cannot be read prints as a missing one */
        if (get(ctx, &part->field, &v) < 0 || transform_apply(&part->field, &v, &scratch) < 0) {
            memset(&v, 0, sizeof(v));
            v.kind = FV_NONE;
        }
        size_t start = out->len;
        format_value_text(out, &part->field, &v);
        if (part->width) {
            size_t n = out->len - start;
            if (n > part->width) {
                out->len = start + part->width;
                out->data[out->len] = '\0';
            } else {
                for (; n < part->width; n++)
                    strbuf_append(out, " ", 1);
            }
        }
    }
    scratch_free(&scratch);
    return 0;
}

int format_render(const struct format_template *tpl, field_getter get, void *ctx, char **buf,
                  size_t *cap)
{
    if (!buf || !cap)
        return -EINVAL;
    /* render straight into the caller's buffer: strbuf grows with realloc */
    struct strbuf sb = {.data = *buf, .len = 0, .cap = *buf ? *cap : 0};
    int rc = format_render_sb(tpl, get, ctx, &sb);
    *buf = sb.data;
    *cap = sb.cap;
    return rc;
}
