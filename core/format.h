/* Falco output templates: "%proc.name opened %fd.name (user=%user.name)".
 * Parsed once (at compile time, to check it, and again in the runtime),
 * rendered per alert. Syntax and rendering follow libsinsp's
 * sinsp_evt_formatter (eventformatter.cpp) and filter checks' tostring /
 * tojson (sinsp_filtercheck.cpp). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"
#include "core/fields.h"
#include "core/strbuf.h"
#include "core/value.h"

struct json_object;

struct format_part {
    const char *literal; /* text before the field (may be empty) */
    size_t literal_len;
    struct ast_field field; /* field.name == NULL for a trailing literal */
    unsigned width;         /* %12proc.name: pad or cut to this width; 0 = none */
};

/* One distinct field of a template under the name Falco gives it in a JSON
 * alert's output_fields: "proc.name", "proc.aname[2]", "evt.arg.flags".
 * A transformed use (%tolower(proc.name)) contributes its inner field, as
 * Falco's formatter does; the transformed value itself is not listed. */
struct format_field {
    const char *key;
    const struct ast_field *field; /* def, arg; never transformers */
};

struct format_template {
    struct format_part *parts;
    size_t nparts;
    struct format_field *fields; /* distinct, in first-use order */
    size_t nfields;
};

/* Parses a template. Unknown fields and a trailing % are reported as
 * LOAD_ERR_COMPILE_OUTPUT at their position (map may be NULL). Returns NULL
 * on error. diags may be NULL. A leading '*' (Falco's "print even when a
 * value is missing" marker, which Falco adds to every rule output) is
 * dropped. Every problem in the text is reported, not only the first. */
struct format_template *format_parse(struct arena *arena, const char *text, size_t len,
                                     const struct text_map *map, struct diag_list *diags);

/* Renders a template for one event into *buf (grown with realloc; *buf may
 * be NULL and *cap 0), NUL-terminated. Missing values, and values the
 * getter fails to read, print <NA>. Returns 0, or -EINVAL for a NULL
 * argument. */
int format_render(const struct format_template *tpl, field_getter get, void *ctx, char **buf,
                  size_t *cap);
/* The same, appended to a strbuf. */
int format_render_sb(const struct format_template *tpl, field_getter get, void *ctx,
                     struct strbuf *out);

/* ---- values (core/format_value.c) ---- */

/* One value as libsinsp's tostring prints it (no width): <NA> when
 * missing; numbers in decimal (a few fields zero-padded or hex, as their
 * print format says); booleans true/false; IPv4 dotted, IPv6 as inet_ntop;
 * IPNET fields as "<IPNET>"; byte buffers with non-printable bytes as '.';
 * list fields as "(a,b,c)"; ancestor fields (proc.aname without index) as
 * "a b c"; strings up to their first NUL. evt.time, evt.time.s,
 * evt.time.iso8601, evt.datetime(.s) and evt.outputtime given as a number
 * of nanoseconds print as time text. */
void format_value_text(struct strbuf *out, const struct ast_field *field,
                       const struct field_value *value);
/* One value as libsinsp's tojson gives it to Falco's output_fields:
 * numbers as JSON numbers (zero-padded and hex ones as strings), booleans,
 * list fields as arrays, time fields as integer nanoseconds, everything else
 * as the tostring text. NULL (JSON null) when missing. Strings are UTF-8
 * sanitized. The caller owns the result (json_object_put). */
struct json_object *format_value_json(const struct ast_field *field,
                                      const struct field_value *value);

/* Event time styles, as libsinsp's ts_to_string / ts_to_iso_8601. */
enum format_time_style {
    FORMAT_TIME,         /* evt.time: 14:53:31.726060287 (local time) */
    FORMAT_TIME_S,       /* evt.time.s: 14:53:31 */
    FORMAT_TIME_ISO8601, /* evt.time.iso8601: 2024-03-01T13:53:31.726060287+0000 (UTC) */
    FORMAT_DATETIME,     /* evt.datetime: 2024-03-01 14:53:31.726060287 */
    FORMAT_DATETIME_S,   /* evt.datetime.s: 2024-03-01 14:53:31 */
    FORMAT_TIME_STYLE_MAX,
};
void format_timestamp(struct strbuf *out, uint64_t ns, enum format_time_style style);
/* The style a time field (evt.time, evt.time.s, evt.time.iso8601, evt.datetime, evt.datetime.s,
 * evt.outputtime) prints its nanoseconds in; -1 for other fields. */
int format_time_style(enum field_id id);
