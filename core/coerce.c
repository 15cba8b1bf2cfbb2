#include "core/coerce.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/number.h"

enum coerce_type coerce_type_of(enum field_type t)
{
    switch (t) {
    case FT_STRING:
    case FT_PATH:
        return CT_STR;
    case FT_BYTES:
        return CT_BYTES;
    case FT_INT:
        return CT_INT;
    case FT_UINT:
    case FT_PORT:
    case FT_RELTIME:
    case FT_ABSTIME:
        return CT_UINT;
    case FT_BOOL:
        return CT_BOOL;
    case FT_IPADDR:
        return CT_IP;
    case FT_IPNET:
        return CT_NET;
    case FT_TYPE_MAX:
        break;
    }
    return CT_STR;
}

const char *coerce_type_name(enum coerce_type t)
{
    static const char *const names[] = {
        [CT_STR] = "string",     [CT_BYTES] = "byte buffer", [CT_INT] = "numeric",
        [CT_UINT] = "numeric",   [CT_BOOL] = "boolean",      [CT_IP] = "IP address",
        [CT_NET] = "IP network",
    };
    return (unsigned)t <= CT_NET ? names[t] : "?";
}

/* libsinsp's PT_PORT parser also takes service names (getservbyname). */
static bool _parse_port(const char *s, size_t len, uint64_t *out)
{
    if (number_parse(s, len, false, out) == 0)
        return true;
    char name[64];
    if (len == 0 || len >= sizeof(name))
        return false;
    memcpy(name, s, len);
    name[len] = '\0';
    struct servent se, *res = NULL;
    char sbuf[1024];
    if (getservbyname_r(name, NULL, &se, sbuf, sizeof(sbuf), &res) != 0 || !res)
        return false;
    *out = ntohs((uint16_t)res->s_port);
    return true;
}

bool coerce_parse_number(enum coerce_type t, enum field_type ft, const char *s, size_t len,
                         uint64_t *out)
{
    if (ft == FT_PORT)
        return _parse_port(s, len, out);
    return number_parse(s, len, t == CT_INT, out) == 0;
}

static void _text(struct coerce_val *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void _text(struct coerce_val *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->text, sizeof(c->text), fmt, ap);
    va_end(ap);
    c->len = n < 0 ? 0 : (size_t)n < sizeof(c->text) ? (size_t)n : sizeof(c->text) - 1;
}

/* To a string: strings as they are, numbers, booleans and addresses as
 * their text. */
static enum interp_result _to_str(enum coerce_type t, const struct field_value *v,
                                  struct coerce_val *c)
{
    switch (v->kind) {
    case FV_STR:
        c->s = v->str.ptr ? v->str.ptr : "";
        c->len = v->str.ptr ? v->str.len : 0;
        c->trunc = v->truncated;
        if (t == CT_STR) {
            /* a C string ends at its first NUL, and so does a prefix */
            const char *nul = memchr(c->s, '\0', c->len);
            if (nul) {
                c->len = (size_t)(nul - c->s);
                c->trunc = false;
            }
        }
        return INTERP_TRUE;
    case FV_INT:
        _text(c, "%lld", (long long)v->i);
        return INTERP_TRUE;
    case FV_UINT:
        _text(c, "%llu", (unsigned long long)v->u);
        return v->truncated ? INTERP_MAYBE : INTERP_TRUE;
    case FV_BOOL:
        _text(c, "%s", v->b ? "true" : "false");
        return INTERP_TRUE;
    case FV_IP:
    case FV_NET: {
        struct ipaddr ip;
        ipaddr_from_value(v, &ip);
        ip.net = v->kind == FV_NET;
        ipaddr_text(&ip, c->text, sizeof(c->text));
        c->len = strlen(c->text);
        return INTERP_TRUE;
    }
    case FV_NONE:
    case FV_LIST:
        break;
    }
    return INTERP_FALSE;
}

static enum interp_result _to_number(enum coerce_type t, enum field_type ft,
                                     const struct field_value *v, struct coerce_val *c)
{
    switch (v->kind) {
    case FV_INT:
        c->u = (uint64_t)v->i;
        c->trunc = v->truncated;
        return INTERP_TRUE;
    case FV_UINT:
        c->u = v->u;
        c->trunc = v->truncated;
        return INTERP_TRUE;
    case FV_BOOL:
        c->u = v->b;
        return INTERP_TRUE;
    case FV_STR: {
        if (v->truncated)
            return INTERP_MAYBE;
        size_t len = v->str.ptr ? strnlen(v->str.ptr, v->str.len) : 0;
        return tri_of(coerce_parse_number(t, ft, v->str.ptr, len, &c->u));
    }
    default:
        return INTERP_FALSE;
    }
}

static enum interp_result _to_bool(const struct field_value *v, struct coerce_val *c)
{
    switch (v->kind) {
    case FV_BOOL:
        c->u = v->b;
        return INTERP_TRUE;
    case FV_INT:
        c->u = v->i != 0;
        return INTERP_TRUE;
    case FV_UINT:
        c->u = v->u != 0;
        return INTERP_TRUE;
    case FV_STR:
        if (v->truncated)
            return INTERP_MAYBE;
        if (v->str.len == 4 && memcmp(v->str.ptr, "true", 4) == 0)
            c->u = 1;
        else if (v->str.len == 5 && memcmp(v->str.ptr, "false", 5) == 0)
            c->u = 0;
        else
            return INTERP_FALSE;
        return INTERP_TRUE;
    default:
        return INTERP_FALSE;
    }
}

static enum interp_result _to_ip(const struct field_value *v, struct coerce_val *c)
{
    if (v->kind == FV_IP || v->kind == FV_NET) {
        ipaddr_from_value(v, &c->ip);
        c->ip.net = false; /* the address is what is compared */
        return INTERP_TRUE;
    }
    if (v->kind == FV_STR) {
        if (v->truncated)
            return INTERP_MAYBE;
        if (!ipaddr_parse(v->str.ptr, strnlen(v->str.ptr, v->str.len), false, &c->ip))
            return INTERP_FALSE;
        c->ip.net = false;
        return INTERP_TRUE;
    }
    return INTERP_FALSE;
}

enum interp_result coerce_value(enum coerce_type t, enum field_type ft, const struct field_value *v,
                                struct coerce_val *c)
{
    c->trunc = false;
    c->s = c->text;
    c->len = 0;
    c->text[0] = '\0';
    switch (t) {
    case CT_STR:
    case CT_BYTES:
        return _to_str(t, v, c);
    case CT_INT:
    case CT_UINT:
        return _to_number(t, ft, v, c);
    case CT_BOOL:
        return _to_bool(v, c);
    case CT_IP:
    case CT_NET:
        return _to_ip(v, c);
    }
    return INTERP_FALSE;
}

enum interp_result coerce_elem(enum coerce_type t, enum field_type ft, const struct fv_str *e,
                               bool trunc, struct coerce_val *c)
{
    struct field_value v = {.kind = FV_STR, .truncated = trunc, .str = *e};
    return coerce_value(t, ft, &v, c);
}
