/* Kubernetes audit events as they arrive: a request body or a log line parsed into a batch of
 * events (compact JSON texts), their stageTimestamp, and one event bound for the rules. The
 * field values are core/k8saudit.c's. */
#include "core/k8saudit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/strbuf.h"

/* ---- parsing ------------------------------------------------------------------------------ */

/* The events found so far: their compact JSON texts one after the other
 * (each NUL-terminated), so that a queued batch holds text, a fraction of
 * what json-c's objects take, and the main loop parses one event at a time. */
struct _collect {
    struct strbuf text;
    size_t *offsets;
    uint64_t *times;
    size_t n, cap;
    size_t skipped, oversized;
    size_t max_event_size;
};

static int _collect_push(struct _collect *c, const char *text, size_t len, uint64_t ns)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        size_t *offsets = realloc(c->offsets, cap * sizeof(*offsets));
        if (!offsets)
            return -1;
        c->offsets = offsets;
        uint64_t *times = realloc(c->times, cap * sizeof(*times));
        if (!times)
            return -1;
        c->times = times;
        c->cap = cap;
    }
    c->offsets[c->n] = c->text.len;
    c->times[c->n++] = ns;
    strbuf_append(&c->text, text, len);
    strbuf_append(&c->text, "", 1);
    return 0;
}

/* One item: kept when it has a stageTimestamp the plugin can read, and is not
 * larger than the plugin's maxEventSize (both are dropped, and counted). */
static int _collect_event(struct _collect *c, struct json_object *ev)
{
    struct json_object *ts;
    uint64_t ns;
    if (!json_object_object_get_ex(ev, "stageTimestamp", &ts) ||
        !json_object_is_type(ts, json_type_string) ||
        k8saudit_parse_time(json_object_get_string(ts), &ns) < 0) {
        c->skipped++;
        return 0;
    }
    size_t len = 0;
    const char *text = json_object_to_json_string_length(
        ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (!text)
        return -1;
    if (c->max_event_size && len > c->max_event_size) {
        c->oversized++;
        return 0;
    }
    return _collect_push(c, text, len, ns);
}

static int _collect(struct _collect *c, struct json_object *v, char *err, size_t errlen)
{
    if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            int rc = _collect(c, json_object_array_get_idx(v, i), err, errlen);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    struct json_object *kind, *items;
    const char *k =
        json_object_object_get_ex(v, "kind", &kind) && json_object_is_type(kind, json_type_string)
            ? json_object_get_string(kind)
            : NULL;
    if (k && !strcmp(k, "Event"))
        return _collect_event(c, v) < 0 ? K8SAUDIT_ERR_JSON : 0;
    if (k && !strcmp(k, "EventList") && json_object_object_get_ex(v, "items", &items) &&
        json_object_is_type(items, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(items); i++)
            if (_collect_event(c, json_object_array_get_idx(items, i)) < 0)
                return K8SAUDIT_ERR_JSON;
        return 0;
    }
    snprintf(err, errlen,
             "not a Kubernetes audit event: expected an object of kind Event or EventList (with "
             "items)%s%s",
             k ? ", got kind " : "", k ? k : "");
    return K8SAUDIT_ERR_NOT_AUDIT;
}

static bool _only_space(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return false;
    return true;
}

/* Strict, as the plugin's parser: no single quotes, no trailing commas. NULL
 * with the reason in err. */
static struct json_object *_parse_json(const char *data, size_t len, bool strict, char *err,
                                       size_t errlen)
{
    if (len > INT32_MAX) {
        snprintf(err, errlen, "malformed JSON: larger than 2 GiB");
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new_ex(K8SAUDIT_MAX_DEPTH);
    if (!tok) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (strict)
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
    struct json_object *root = json_tokener_parse_ex(tok, data, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    /* A number at the very end may go on in a next chunk: a NUL ends it. */
    if (jerr == json_tokener_continue && !root && end == len) {
        root = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
    }
    json_tokener_free(tok);
    if (jerr != json_tokener_success || !root || !_only_space(data + end, data + len)) {
        snprintf(err, errlen, "malformed JSON at byte %zu: %s", end,
                 jerr == json_tokener_continue  ? "unexpected end of input"
                 : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                 : root                         ? "text after the JSON value"
                                                : "null is not an audit event");
        json_object_put(root);
        return NULL;
    }
    return root;
}

int k8saudit_parse(const char *data, size_t len, size_t max_event_size, struct k8saudit_batch *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct json_object *root = _parse_json(data, len, true, err, errlen);
    if (!root)
        return K8SAUDIT_ERR_JSON;
    struct _collect c = {.max_event_size = max_event_size};
    int rc = _collect(&c, root, err, errlen);
    json_object_put(root);
    if (rc == K8SAUDIT_ERR_JSON)
        snprintf(err, errlen, "out of memory");
    if (rc < 0) {
        strbuf_free(&c.text);
        free(c.offsets);
        free(c.times);
        return rc;
    }
    *out = (struct k8saudit_batch){
        .text = c.text.data,
        .offsets = c.offsets,
        .times = c.times,
        .nevents = c.n,
        .skipped = c.skipped,
        .oversized = c.oversized,
        .bytes = c.text.len,
    };
    return K8SAUDIT_OK;
}

void k8saudit_batch_free(struct k8saudit_batch *b)
{
    free(b->text);
    free(b->offsets);
    free(b->times);
    memset(b, 0, sizeof(*b));
}

const char *k8saudit_batch_event(const struct k8saudit_batch *b, size_t i, size_t *len)
{
    size_t end = i + 1 < b->nevents ? b->offsets[i + 1] : b->bytes;
    *len = end - b->offsets[i] - 1;
    return b->text + b->offsets[i];
}

/* ---- time ----------------------------------------------------------------------------------- */

static int _digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

static bool _expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static int _days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

int k8saudit_parse_time(const char *s, uint64_t *ns)
{
    const char *p = s;
    int year = _digits(&p, 4), mon, day, hour, min, sec;
    if (year < 0 || !_expect(&p, '-') || (mon = _digits(&p, 2)) < 1 || mon > 12 ||
        !_expect(&p, '-') || (day = _digits(&p, 2)) < 1 || day > _days_in_month(year, mon) ||
        !_expect(&p, 'T') || (hour = _digits(&p, 2)) < 0 || hour > 23 || !_expect(&p, ':') ||
        (min = _digits(&p, 2)) < 0 || min > 59 || !_expect(&p, ':') || (sec = _digits(&p, 2)) < 0 ||
        sec > 59)
        return -1;
    uint64_t frac = 0;
    if (_expect(&p, '.')) {
        int n = 0;
        for (; *p >= '0' && *p <= '9'; p++, n++)
            if (n < 9)
                frac = frac * 10 + (uint64_t)(*p - '0');
        if (n == 0 || n > 9)
            return -1;
        for (; n < 9; n++)
            frac *= 10;
    }
    long offset = 0;
    if (!_expect(&p, 'Z')) {
        int sign = *p == '+' ? 1 : *p == '-' ? -1 : 0;
        p++;
        int oh, om;
        if (!sign || (oh = _digits(&p, 2)) < 0 || oh > 23 || !_expect(&p, ':') ||
            (om = _digits(&p, 2)) < 0 || om > 59)
            return -1;
        offset = sign * (oh * 3600L + om * 60L);
    }
    if (*p)
        return -1;
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = day,
                    .tm_hour = hour,
                    .tm_min = min,
                    .tm_sec = sec};
    time_t t = timegm(&tm) - offset;
    if (t < 0)
        return -1;
    *ns = (uint64_t)t * 1000000000ull + frac;
    return 0;
}

/* ---- events --------------------------------------------------------------------------------- */

int k8saudit_event_bind(struct k8saudit_event *ev, const char *text, size_t len, uint64_t time_ns,
                        uint64_t num)
{
    char err[128];
    k8saudit_event_free(ev);
    /* Text json-c wrote: not strict, a number it printed (1e999 as
     * Infinity) must not lose the event. */
    ev->obj = _parse_json(text, len, false, err, sizeof(err));
    if (!json_object_is_type(ev->obj, json_type_object)) {
        k8saudit_event_free(ev);
        return -1;
    }
    ev->text = text;
    ev->len = len;
    ev->time_ns = time_ns;
    ev->num = num;
    return 0;
}

void k8saudit_event_free(struct k8saudit_event *ev)
{
    arena_free(&ev->scratch);
    json_object_put(ev->obj);
    ev->obj = NULL;
    ev->text = NULL;
    ev->len = 0;
}
