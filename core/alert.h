/* Alerts: one matched event as the line Falco prints for it, in Falco's
 * text form ("14:53:31.726060287: Warning Sensitive file opened ...") or
 * its JSON form ({"hostname":...,"output":...,"output_fields":{...},
 * "priority":...,"rule":...,"source":...,"tags":[...],"time":...}).
 * Matches falco_formats::format_event (userspace/engine/formats.cpp). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/format.h"
#include "core/priority.h"
#include "core/strbuf.h"
#include "core/value.h"

/* The falco.yaml settings that shape an alert line. */
struct alert_options {
    bool json;                       /* json_output */
    bool time_iso8601;               /* time_format_iso_8601 */
    bool json_include_output;        /* json_include_output_property */
    bool json_include_tags;          /* json_include_tags_property */
    bool json_include_message;       /* json_include_message_property */
    bool json_include_output_fields; /* json_include_output_fields_property */
};

/* Falco's defaults: text lines; in JSON, output, output_fields and tags
 * included, message not. */
void alert_options_default(struct alert_options *opt);

/* One output field and its value for this event. */
struct alert_field {
    const char *key;               /* output_fields key (format_field.key) */
    const struct ast_field *field; /* decides the JSON type; NULL: the value kind does */
    struct field_value value;      /* FV_NONE is null */
};

struct alert {
    const char *rule;
    enum alert_priority priority;
    const char *source;      /* "syscall", "k8s_audit" */
    const char *const *tags; /* any order: printed sorted and unique (Falco's std::set) */
    size_t ntags;
    const char *hostname;
    uint64_t time_ns;   /* event time, nanoseconds since the epoch */
    const char *output; /* the rule's rendered output (format_render) */
    const struct alert_field *fields;
    size_t nfields;
    /* More output_fields, set after the output's and over them (append_output's extra_fields,
     * as formats.cpp adds them after the prefix's time): keys unique. */
    const struct alert_field *extra;
    size_t nextra;
};

/* Reads the value of each of tpl's fields (tpl->nfields entries of out).
 * Values point into the getter's storage: use them before the next event.
 * A getter error leaves that value missing. Returns 0 or -EINVAL. */
int alert_collect_fields(const struct format_template *tpl, field_getter get, void *ctx,
                         struct alert_field *out);

/* Falco's text line, without the newline: the time (evt.time, or
 * evt.time.iso8601 with time_iso8601), ": ", the priority, " ", the output;
 * JSON-escaped as Falco escapes it (quotes, backslashes, control
 * characters; invalid UTF-8 replaced by U+FFFD). Appends to out. */
int alert_text(struct strbuf *out, const struct alert *a, const struct alert_options *opt);
/* Falco's JSON line, without the newline; keys in Falco's (sorted) order.
 * output_fields holds every field of the output plus the time field of the
 * prefix (evt.time or evt.time.iso8601) as integer nanoseconds. */
int alert_json(struct strbuf *out, const struct alert *a, const struct alert_options *opt);
/* alert_json when opt->json, else alert_text. */
int alert_format(struct strbuf *out, const struct alert *a, const struct alert_options *opt);
