/* Field values as outputs print them: the text libsinsp's filter checks
 * give with tostring (rawval_to_string), the JSON values they give to
 * output_fields with tojson (rawval_to_json, extract_as_js), and event
 * times as ts_to_string and ts_to_iso_8601 write them. The template
 * side of outputs is core/format.c. */
#include "core/format.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/ipaddr.h"
#include "core/transform.h"
#include "core/utf8.h"

/* STRPROPERTY_STORAGE_SIZE: libsinsp cuts list renderings and byte
 * buffers to fit a 1024-byte buffer. */
#define FORMAT_PROPERTY_SIZE 1024

/* ---- time ---------------------------------------------------------------- */

/* libsinsp's gmt2local(0): the local offset from UTC now (not at the event
 * time), in seconds, ignoring seconds as libsinsp does. */
static long _tz_offset(void)
{
    time_t t = time(NULL);
    struct tm g, l;
    gmtime_r(&t, &g);
    localtime_r(&t, &l);
    long dt = (long)(l.tm_hour - g.tm_hour) * 3600 + (long)(l.tm_min - g.tm_min) * 60;
    int dir = l.tm_year - g.tm_year;
    if (dir == 0)
        dir = l.tm_yday - g.tm_yday;
    return dt + (long)dir * 86400;
}

void format_timestamp(struct strbuf *out, uint64_t ns, enum format_time_style style)
{
    uint64_t sec = ns / 1000000000u;
    unsigned nsec = (unsigned)(ns % 1000000000u);
    if (style == FORMAT_TIME_ISO8601) {
        /* ts_to_iso_8601: UTC, then %z of a gmtime struct: +0000 */
        time_t t = (time_t)sec;
        struct tm tm;
        char buf[64], zone[16];
        if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) ||
            !strftime(zone, sizeof(zone), "%z", &tm)) {
            strbuf_puts(out, "YYYY-MM-DDTHH:MM:SS-0000");
            return;
        }
        strbuf_printf(out, "%s.%09u%s", buf, nsec, zone);
        return;
    }
    /* ts_to_string: local time of day, computed as UTC plus the offset */
    uint64_t local = sec + (uint64_t)(int64_t)_tz_offset();
    unsigned s = (unsigned)(local % 86400);
    if (style == FORMAT_DATETIME || style == FORMAT_DATETIME_S) {
        time_t day = (time_t)(local - s);
        struct tm tm;
        if (gmtime_r(&day, &tm))
            strbuf_printf(out, "%04d-%02d-%02d ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        else
            strbuf_puts(out, "<date error> ");
    }
    if (style == FORMAT_TIME || style == FORMAT_DATETIME)
        strbuf_printf(out, "%02u:%02u:%02u.%09u", s / 3600, (s % 3600) / 60, s % 60, nsec);
    else
        strbuf_printf(out, "%02u:%02u:%02u", s / 3600, (s % 3600) / 60, s % 60);
}

/* ---- per-field print formats ----------------------------------------------- */

/* The time fields print a nanosecond timestamp as text, and give it to
 * JSON as an integer (sinsp_filter_check_gen_event::extract_as_js). */
int format_time_style(enum field_id id)
{
    switch (id) {
    case FIELD_EVT_TIME:
    case FIELD_EVT_OUTPUTTIME: /* time_output_mode 'h', Falco's default */
        return FORMAT_TIME;
    case FIELD_EVT_TIME_S:
        return FORMAT_TIME_S;
    case FIELD_EVT_TIME_ISO8601:
        return FORMAT_TIME_ISO8601;
    case FIELD_EVT_DATETIME:
        return FORMAT_DATETIME;
    case FIELD_EVT_DATETIME_S:
        return FORMAT_DATETIME_S;
    default:
        return -1;
    }
}

static int _time_style(const struct ast_field *f)
{
    return !f->def || f->ntransformers ? -1 : format_time_style(f->def->id);
}

enum format_pf {
    FORMAT_PF_DEC,
    FORMAT_PF_PADDED, /* libsinsp PF_10_PADDED_DEC: %09 */
    FORMAT_PF_HEX,    /* libsinsp PF_HEX: %X */
};

/* The fields whose libsinsp print format is not plain decimal. */
static enum format_pf _print_format(const struct ast_field *f)
{
    if (!f->def || f->ntransformers)
        return FORMAT_PF_DEC;
    switch (f->def->id) {
    case FIELD_EVT_RAWTIME_NS:
    case FIELD_EVT_RELTIME:
    case FIELD_EVT_RELTIME_NS:
    case FIELD_EVT_LATENCY_NS:
    case FIELD_EVT_DELTATIME_NS:
        return FORMAT_PF_PADDED;
    case FIELD_FD_DEV:
        return FORMAT_PF_HEX;
    default:
        return FORMAT_PF_DEC;
    }
}

/* A list field prints as a list unless len() made it a number. */
static bool _is_list(const struct ast_field *f)
{
    return f->def && (f->def->flags & FF_LIST) && !transform_has_len(f);
}

static bool _numeric(enum field_type t)
{
    return t == FT_INT || t == FT_UINT || t == FT_PORT || t == FT_RELTIME || t == FT_ABSTIME;
}

/* ---- value text -------------------------------------------------------------- */

/* binary_buffer_to_string_dots: printable bytes as is, others as '.'. */
static void _bytes_text(struct strbuf *out, const char *s, size_t len)
{
    size_t n = len < FORMAT_PROPERTY_SIZE ? len : FORMAT_PROPERTY_SIZE - 2;
    for (size_t i = 0; i < n; i++) {
        char c = isprint((unsigned char)s[i]) ? s[i] : '.';
        strbuf_append(out, &c, 1);
    }
}

static void _ip_text(struct strbuf *out, const struct field_value *v)
{
    struct ipaddr ip;
    char buf[64];
    ipaddr_from_value(v, &ip);
    ip.net = v->kind == FV_NET;
    ipaddr_text(&ip, buf, sizeof(buf));
    strbuf_puts(out, buf);
}

static void _number_text(struct strbuf *out, const struct ast_field *f, enum field_type t,
                         bool is_signed, uint64_t u)
{
    switch (_print_format(f)) {
    case FORMAT_PF_PADDED:
        strbuf_printf(out, "%09llu", (unsigned long long)u);
        return;
    case FORMAT_PF_HEX:
        strbuf_printf(out, "%X", (unsigned)u);
        return;
    case FORMAT_PF_DEC:
        break;
    }
    if (t == FT_BOOL)
        strbuf_puts(out, u ? "true" : "false");
    else if (is_signed)
        strbuf_printf(out, "%lld", (long long)u);
    else
        strbuf_printf(out, "%llu", (unsigned long long)u);
}

/* A scalar (not a list) value's text. */
static void _scalar_text(struct strbuf *out, const struct ast_field *f, enum field_type t,
                         const struct field_value *v)
{
    if (t == FT_IPNET && v->kind != FV_STR) {
        strbuf_puts(out, "<IPNET>"); /* rawval_to_string(PT_IPNET) */
        return;
    }
    int ts = _time_style(f);
    switch (v->kind) {
    case FV_NONE:
        strbuf_puts(out, "<NA>");
        return;
    case FV_STR:
        if (!v->str.ptr)
            return;
        if (t == FT_BYTES)
            _bytes_text(out, v->str.ptr, v->str.len);
        else
            strbuf_append(out, v->str.ptr, strnlen(v->str.ptr, v->str.len));
        return;
    case FV_INT:
        if (ts >= 0)
            format_timestamp(out, (uint64_t)v->i, (enum format_time_style)ts);
        else
            _number_text(out, f, t,
                         t != FT_UINT && t != FT_RELTIME && t != FT_ABSTIME && t != FT_PORT,
                         (uint64_t)v->i);
        return;
    case FV_UINT:
        if (ts >= 0)
            format_timestamp(out, v->u, (enum format_time_style)ts);
        else
            _number_text(out, f, t, t == FT_INT, v->u);
        return;
    case FV_BOOL:
        strbuf_puts(out, v->b ? "true" : "false");
        return;
    case FV_IP:
    case FV_NET:
        _ip_text(out, v); /* a network with its /prefix */
        return;
    case FV_LIST:
        break;
    }
}

void format_value_text(struct strbuf *out, const struct ast_field *field,
                       const struct field_value *v)
{
    enum field_type t = transform_field_type(field);
    if (v->kind != FV_LIST) {
        _scalar_text(out, field, t, v);
        return;
    }
    if (!_is_list(field)) {
        /* proc.aname & co without an index: the ancestors, space separated */
        if (!v->nlist) {
            strbuf_puts(out, "<NA>");
            return;
        }
        for (size_t i = 0; i < v->nlist; i++) {
            if (i)
                strbuf_append(out, " ", 1);
            strbuf_append(out, v->list[i].ptr, strnlen(v->list[i].ptr, v->list[i].len));
        }
        return;
    }
    /* tostring of an EPF_IS_LIST field: (a,b,c) in a 1024-byte buffer */
    struct strbuf tmp = {0};
    strbuf_append(&tmp, "(", 1);
    for (size_t i = 0; i < v->nlist; i++) {
        if (i)
            strbuf_append(&tmp, ",", 1);
        if (t == FT_BYTES)
            _bytes_text(&tmp, v->list[i].ptr, v->list[i].len);
        else
            strbuf_append(&tmp, v->list[i].ptr, strnlen(v->list[i].ptr, v->list[i].len));
    }
    strbuf_append(&tmp, ")", 1);
    strbuf_append(out, tmp.data,
                  tmp.len < FORMAT_PROPERTY_SIZE ? tmp.len : FORMAT_PROPERTY_SIZE - 1);
    strbuf_free(&tmp);
}

/* ---- JSON values --------------------------------------------------------------- */

static struct json_object *_json_string(const char *s, size_t len)
{
    struct strbuf sb = {0};
    utf8_sanitize(&sb, s, len);
    struct json_object *o = json_object_new_string_len(sb.data ? sb.data : "", (int)sb.len);
    strbuf_free(&sb);
    return o;
}

static struct json_object *_json_text(const struct ast_field *f, const struct field_value *v)
{
    struct strbuf sb = {0};
    format_value_text(&sb, f, v);
    struct json_object *o = _json_string(sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return o;
}

struct json_object *format_value_json(const struct ast_field *field, const struct field_value *v)
{
    enum field_type t = transform_field_type(field);
    if (v->kind == FV_NONE)
        return NULL;
    if (_time_style(field) >= 0 && (v->kind == FV_UINT || v->kind == FV_INT))
        return json_object_new_int64(v->kind == FV_UINT ? (int64_t)v->u : v->i);
    if (v->kind == FV_LIST) {
        if (!_is_list(field))
            return _json_text(field, v); /* one string, like tostring */
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < v->nlist; i++) {
            const struct fv_str *e = &v->list[i];
            size_t len = strnlen(e->ptr, e->len);
            struct json_object *o = NULL;
            if (_numeric(t)) {
                char num[32];
                char *end = NULL;
                if (len && len < sizeof(num)) {
                    memcpy(num, e->ptr, len);
                    num[len] = '\0';
                    errno = 0;
                    long long n = strtoll(num, &end, 10);
                    if (!errno && end && !*end)
                        o = json_object_new_int64(n);
                }
            }
            json_object_array_add(arr, o ? o : _json_string(e->ptr, len));
        }
        return arr;
    }
    if (t == FT_BOOL && v->kind != FV_STR)
        return json_object_new_boolean(v->kind == FV_BOOL  ? v->b
                                       : v->kind == FV_INT ? v->i != 0
                                                           : v->u != 0);
    if (_numeric(t) && _print_format(field) != FORMAT_PF_HEX) {
        /* rawval_to_json: numbers; evt.*.ns and evt.reltime come through
         * extract_as_js as integers too */
        if (v->kind == FV_UINT)
            return t == FT_INT ? json_object_new_int64((int64_t)v->u)
                               : json_object_new_uint64(v->u);
        if (v->kind == FV_INT)
            return t == FT_INT ? json_object_new_int64(v->i)
                               : json_object_new_uint64((uint64_t)v->i);
        if (v->kind == FV_BOOL)
            return json_object_new_uint64(v->b);
    }
    return _json_text(field, v);
}
