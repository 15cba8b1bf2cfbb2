#include "core/transform.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/text.h"

enum field_type transform_field_type(const struct ast_field *f)
{
    enum field_type t = f->def ? field_arg_type(f->def, ast_field_arg(f)) : FT_STRING;
    return transform_has_len(f) ? FT_UINT : t;
}

bool transform_has_len(const struct ast_field *f)
{
    for (unsigned i = 0; i < f->ntransformers && i < AST_MAX_TRANSFORMERS; i++)
        if (f->transformers[i] == XF_LEN)
            return true;
    return false;
}

/* b64 of a truncated prefix: decode its whole quads; an invalid character
 * there fails the real value too. */
static bool _b64_prefix(struct fv_str *s)
{
    const char *p = s->ptr;
    for (size_t i = 0; i < s->len; i++) {
        if (p[i] == '=') {
            s->len = 0; /* padding inside a prefix: undecidable */
            return true;
        }
        if (text_base64val((unsigned char)p[i]) < 0)
            return false;
    }
    s->len -= s->len % 4;
    return true;
}

/* One transformer over one string, in place (the string is in scratch).
 * Returns false when the transformer fails the extraction. */
static bool _xf_string(enum ast_transformer xf, struct fv_str *s, bool *trunc)
{
    char *p = (char *)s->ptr;
    /* string_transformer: trailing NULs are not part of the value */
    while (s->len && p[s->len - 1] == '\0')
        s->len--;
    switch (xf) {
    case XF_TOLOWER:
        for (size_t i = 0; i < s->len; i++)
            p[i] = text_lower(p[i]);
        return true;
    case XF_TOUPPER:
        for (size_t i = 0; i < s->len; i++)
            p[i] = text_upper(p[i]);
        return true;
    case XF_BASENAME: {
        if (*trunc) {
            /* the real basename starts after a '/' the prefix may not hold */
            s->len = 0;
            return true;
        }
        const char *slash = memrchr(p, '/', s->len);
        if (slash) {
            s->len -= (size_t)(slash + 1 - p);
            s->ptr = slash + 1;
        }
        return true;
    }
    case XF_B64: {
        if (*trunc && !_b64_prefix(s))
            return false;
        long n = text_base64_decode(p, s->len);
        if (n < 0)
            return false;
        s->len = (size_t)n;
        return true;
    }
    case XF_LEN:
    case XF_MAX:
        break;
    }
    return true;
}

static bool _owned(const struct scratch *b, const void *p)
{
    return b->p && (const char *)p >= b->p && (const char *)p < b->p + b->cap;
}

/* Copies a string or list value into scratch so transformers may edit it. */
static int _own(struct field_value *v, struct scratch *b)
{
    if (v->kind == FV_STR) {
        if (_owned(b, v->str.ptr))
            return 0;
        if (scratch_reserve(b, v->str.len + 1) < 0)
            return -ENOMEM;
        if (v->str.len)
            memmove(b->p, v->str.ptr, v->str.len);
        b->p[v->str.len] = '\0';
        v->str.ptr = b->p;
        return 0;
    }
    /* FV_LIST: the element array, then the bytes */
    size_t total = v->nlist * sizeof(struct fv_str);
    for (size_t i = 0; i < v->nlist; i++)
        total += v->list[i].len;
    if (v->list && _owned(b, v->list))
        return 0;
    if (scratch_reserve(b, total + 1) < 0)
        return -ENOMEM;
    struct fv_str *arr = (struct fv_str *)(void *)b->p;
    char *bytes = b->p + v->nlist * sizeof(struct fv_str);
    for (size_t i = 0; i < v->nlist; i++) {
        if (v->list[i].len)
            memcpy(bytes, v->list[i].ptr, v->list[i].len);
        arr[i].ptr = bytes;
        arr[i].len = v->list[i].len;
        bytes += v->list[i].len;
    }
    v->list = arr;
    return 0;
}

/* len(): the value becomes its length, a lower bound when truncated. */
static void _len(struct field_value *v, bool bytes)
{
    uint64_t n;
    if (v->kind == FV_LIST) {
        n = v->nlist;
    } else {
        /* strnlen for strings, the size for byte buffers */
        n = bytes ? v->str.len : strnlen(v->str.ptr, v->str.len);
        if (!bytes && n < v->str.len)
            v->truncated = false; /* the value ends at its NUL */
    }
    bool trunc = v->truncated;
    memset(v, 0, sizeof(*v));
    v->kind = FV_UINT;
    v->u = n;
    v->truncated = trunc;
}

/* One string transformer over a string or every element of a list;
 * false when it fails the extraction. */
static bool _xf_value(enum ast_transformer xf, struct field_value *v)
{
    if (v->kind == FV_STR) {
        struct fv_str s = v->str;
        if (!_xf_string(xf, &s, &v->truncated))
            return false;
        v->str = s;
        return true;
    }
    struct fv_str *arr = (struct fv_str *)v->list;
    for (size_t i = 0; i < v->nlist; i++) {
        bool trunc = v->truncated && i + 1 == v->nlist;
        if (!_xf_string(xf, &arr[i], &trunc))
            return false;
    }
    return true;
}

int transform_apply(const struct ast_field *f, struct field_value *v, struct scratch *b)
{
    if (!f || !v || !b)
        return -EINVAL;
    if (!f->ntransformers || v->kind == FV_NONE)
        return 0;
    bool bytes = f->def && field_arg_type(f->def, ast_field_arg(f)) == FT_BYTES;
    bool owned = false;
    for (unsigned t = 0; t < f->ntransformers && t < AST_MAX_TRANSFORMERS; t++) {
        enum ast_transformer xf = f->transformers[t];
        if (v->kind != FV_STR && v->kind != FV_LIST)
            return 0; /* a number (after len) takes no string transformer */
        if (xf == XF_LEN) {
            _len(v, bytes);
            return 0;
        }
        if (!owned) {
            if (_own(v, b) < 0)
                return -ENOMEM;
            owned = true;
        }
        if (!_xf_value(xf, v)) {
            memset(v, 0, sizeof(*v));
            v->kind = FV_NONE;
            return 0;
        }
    }
    return 0;
}
