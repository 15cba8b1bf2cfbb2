/* Alert lines, as falco_formats::format_event builds them:
 *
 *  text:  prefix = "%evt.time: " + priority (or "%evt.time.iso8601: "),
 *         line = prefix + " " + output, then
 *         nlohmann::json(line).dump(-1, ' ', false, replace) without its
 *         quotes: Falco escapes '"', '\\' and control characters in text
 *         lines too, and replaces invalid UTF-8 by U+FFFD.
 *  JSON:  a nlohmann::json object, whose keys std::map keeps sorted:
 *         hostname, [message], [output], [output_fields], priority, rule,
 *         source, [tags], time; dumped compact with ensure_ascii off.
 *         time is gmtime "%FT%T" + ".%09luZ"; output_fields holds each field
 *         of the output as the formatter's tojson gives it (fields inside
 *         transformers by their plain name, transformed values left out)
 *         plus the prefix's time field, integer nanoseconds; tags is the
 *         rule's std::set<std::string>, sorted and unique.
 *
 * json-c builds the JSON. Its escaping of strings equals nlohmann's with
 * JSON_C_TO_STRING_NOSLASHESCAPE ('"', '\\', \b \f \n \r \t, other control
 * characters as lower-case \u00xx, DEL and non-ASCII as is); invalid UTF-8
 * is replaced before json-c sees it, as nlohmann's replace handler does. */
#include "core/alert.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/utf8.h"

#define ALERT_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

void alert_options_default(struct alert_options *opt)
{
    *opt = (struct alert_options){
        .json = false,
        .time_iso8601 = false,
        .json_include_output = true,
        .json_include_tags = true,
        .json_include_message = false,
        .json_include_output_fields = true,
    };
}

int alert_collect_fields(const struct format_template *tpl, field_getter get, void *ctx,
                         struct alert_field *out)
{
    if (!tpl || !get || (tpl->nfields && !out))
        return -EINVAL;
    for (size_t i = 0; i < tpl->nfields; i++) {
        out[i].key = tpl->fields[i].key;
        out[i].field = tpl->fields[i].field;
        memset(&out[i].value, 0, sizeof(out[i].value));
        if (get(ctx, out[i].field, &out[i].value) < 0) {
            memset(&out[i].value, 0, sizeof(out[i].value));
            out[i].value.kind = FV_NONE;
        }
    }
    return 0;
}

static struct json_object *_string(const char *s, size_t len)
{
    struct strbuf sb = {0};
    utf8_sanitize(&sb, s ? s : "", s ? len : 0);
    struct json_object *o = json_object_new_string_len(sb.data ? sb.data : "", (int)sb.len);
    strbuf_free(&sb);
    return o;
}

static struct json_object *_cstring(const char *s)
{
    return _string(s, s ? strlen(s) : 0);
}

/* The complete Falco output: "<time>: <Priority> <output>". */
static void _line(struct strbuf *sb, const struct alert *a, const struct alert_options *opt)
{
    format_timestamp(sb, a->time_ns, opt->time_iso8601 ? FORMAT_TIME_ISO8601 : FORMAT_TIME);
    strbuf_puts(sb, ": ");
    strbuf_puts(sb, priority_to_string(a->priority));
    strbuf_puts(sb, " ");
    strbuf_puts(sb, a->output ? a->output : "");
}

int alert_text(struct strbuf *out, const struct alert *a, const struct alert_options *opt)
{
    if (!out || !a || !opt)
        return -EINVAL;
    struct strbuf line = {0};
    _line(&line, a, opt);
    struct json_object *s = _string(line.data, line.len);
    strbuf_free(&line);
    if (!s)
        return -ENOMEM;
    size_t n = 0;
    const char *enc = json_object_to_json_string_length(s, ALERT_JSON_FLAGS, &n);
    if (!enc || n < 2) {
        json_object_put(s);
        return -ENOMEM;
    }
    strbuf_append(out, enc + 1, n - 2); /* without the quotes */
    json_object_put(s);
    return 0;
}

/* A value with no field to type it (an internal alert's n_drops): its
 * kind decides, numbers stay numbers. */
static struct json_object *_by_kind(const struct field_value *v)
{
    switch (v->kind) {
    case FV_NONE:
        return NULL;
    case FV_INT:
        return json_object_new_int64(v->i);
    case FV_UINT:
        return json_object_new_uint64(v->u);
    case FV_BOOL:
        return json_object_new_boolean(v->b);
    default: {
        struct ast_field any = {.name = "?"};
        return format_value_json(&any, v);
    }
    }
}

static int _cmp_key(const void *x, const void *y)
{
    const struct alert_field *a = *(const struct alert_field *const *)x;
    const struct alert_field *b = *(const struct alert_field *const *)y;
    return strcmp(a->key, b->key);
}

static int _cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool _is_extra(const struct alert *a, const char *key)
{
    for (size_t i = 0; i < a->nextra; i++)
        if (!strcmp(a->extra[i].key, key))
            return true;
    return false;
}

static struct json_object *_field_json(const struct alert_field *f)
{
    return f->field ? format_value_json(f->field, &f->value) : _by_kind(&f->value);
}

static struct json_object *_output_fields(const struct alert *a, const struct alert_options *opt)
{
    struct json_object *obj = json_object_new_object();
    if (!obj)
        return NULL;
    size_t cap = a->nfields + a->nextra + 1;
    const struct alert_field **sorted = calloc(cap, sizeof(*sorted));
    if (!sorted) {
        json_object_put(obj);
        return NULL;
    }
    /* the prefix formatter's time field is set after (so over) the
     * message's own, and the extra fields after both */
    const char *time_key = opt->time_iso8601 ? "evt.time.iso8601" : "evt.time";
    struct alert_field time_field = {.key = time_key};
    size_t n = 0;
    for (size_t i = 0; i < a->nfields; i++)
        if (a->fields[i].key && strcmp(a->fields[i].key, time_key) != 0 &&
            !_is_extra(a, a->fields[i].key))
            sorted[n++] = &a->fields[i];
    if (!_is_extra(a, time_key))
        sorted[n++] = &time_field;
    for (size_t i = 0; i < a->nextra; i++)
        sorted[n++] = &a->extra[i];
    qsort(sorted, n, sizeof(*sorted), _cmp_key);
    for (size_t i = 0; i < n; i++) {
        const struct alert_field *f = sorted[i];
        if (i && strcmp(f->key, sorted[i - 1]->key) == 0)
            continue; /* std::map keeps one value per key */
        struct json_object *v =
            f == &time_field ? json_object_new_int64((int64_t)a->time_ns) : _field_json(f);
        json_object_object_add(obj, f->key, v);
    }
    free(sorted);
    return obj;
}

static struct json_object *_tags(const struct alert *a)
{
    struct json_object *arr = json_object_new_array();
    if (!arr || !a->ntags)
        return arr;
    const char **tags = calloc(a->ntags, sizeof(*tags));
    if (!tags) {
        json_object_put(arr);
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < a->ntags; i++)
        if (a->tags[i])
            tags[n++] = a->tags[i];
    qsort(tags, n, sizeof(*tags), _cmp_str);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(tags[i], tags[i - 1]) != 0)
            json_object_array_add(arr, _cstring(tags[i]));
    free(tags);
    return arr;
}

int alert_json(struct strbuf *out, const struct alert *a, const struct alert_options *opt)
{
    if (!out || !a || !opt)
        return -EINVAL;
    struct json_object *ev = json_object_new_object();
    if (!ev)
        return -ENOMEM;
    /* keys in sorted order: json-c keeps insertion order */
    json_object_object_add(ev, "hostname", _cstring(a->hostname));
    if (opt->json_include_message)
        json_object_object_add(ev, "message", _cstring(a->output));
    if (opt->json_include_output) {
        struct strbuf line = {0};
        _line(&line, a, opt);
        json_object_object_add(ev, "output", _string(line.data, line.len));
        strbuf_free(&line);
    }
    if (opt->json_include_output_fields)
        json_object_object_add(ev, "output_fields", _output_fields(a, opt));
    json_object_object_add(ev, "priority", _cstring(priority_to_string(a->priority)));
    json_object_object_add(ev, "rule", _cstring(a->rule));
    json_object_object_add(ev, "source", _cstring(a->source));
    if (opt->json_include_tags)
        json_object_object_add(ev, "tags", _tags(a));
    /* "%FT%T" of gmtime, then ".%09luZ" */
    struct strbuf time = {0};
    format_timestamp(&time, a->time_ns, FORMAT_TIME_ISO8601);
    /* format_timestamp ends with the +0000 zone: swap it for Z */
    if (time.len >= 5)
        time.len -= 5;
    strbuf_append(&time, "Z", 1);
    json_object_object_add(ev, "time", _string(time.data, time.len));
    strbuf_free(&time);
    size_t n = 0;
    const char *enc = json_object_to_json_string_length(ev, ALERT_JSON_FLAGS, &n);
    if (!enc) {
        json_object_put(ev);
        return -ENOMEM;
    }
    strbuf_append(out, enc, n);
    json_object_put(ev);
    return 0;
}

int alert_format(struct strbuf *out, const struct alert *a, const struct alert_options *opt)
{
    if (!opt)
        return -EINVAL;
    return opt->json ? alert_json(out, a, opt) : alert_text(out, a, opt);
}
