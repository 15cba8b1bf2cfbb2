/* The configuration's YAML files (runtime/config.h): every key of a falco.yaml-shaped file is
 * read (runtime/config.c's table), or a Falco key that does not apply (a warning saying why, or
 * an error when it asks for what rulec does not do), or an error. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <yaml.h>

#include "core/arena.h"
#include "core/format.h"
#include "core/strbuf.h"
#include "runtime/config_internal.h"

/* init_config keys of the k8saudit plugin, and the key each sets. The
 * plugin uses its one sslCertificate file for the key too. */
static const struct {
    const char *name;
    const char *key;
} _plugin_keys[] = {
    {"sslCertificate", "k8s_audit.ssl_certificate"},
    {"maxEventSize", "k8s_audit.max_event_size"},
    {"webhookMaxBatchSize", "k8s_audit.webhook_max_batch_size"},
};

/* Plugins of falco.yaml's `plugins` list other than k8saudit, and why each is not needed. */
static const struct {
    const char *name;
    const char *why;
} _plugin_why[] = {
    {"container", "container metadata comes from rulec's container_engines"},
    {"json", "the json plugin's fields (json.*, jevt.*) are built into rulec"},
};

struct _ctx {
    struct rulec_config *cfg;
    const struct src_file *file;
    yaml_document_t *doc;
    struct diag_list *diags;
    int errors;
    /* metrics.output_rule: true and a metrics.output_file, which are errors only when
     * metrics.enabled is true (falco.yaml ships them set, with metrics off). */
    const yaml_node_t *metrics_asks[2];
};

/* libyaml marks count characters; diagnostics want byte offsets. Walk the
 * line's UTF-8 so a non-ASCII comment or value before the error does not
 * shift the caret. */
static struct src_pos _mark_pos(const struct src_file *file, yaml_mark_t mark)
{
    if (file->nlines == 0)
        return src_pos_at(file, 0);
    size_t line = mark.line < file->nlines ? mark.line : file->nlines - 1;
    size_t off = file->line_starts[line];
    for (size_t chars = 0; chars < mark.column && off < file->len && file->text[off] != '\n';
         chars++) {
        off++;
        while (off < file->len && ((unsigned char)file->text[off] & 0xc0) == 0x80)
            off++;
    }
    return src_pos_at(file, off);
}

static void _report(struct _ctx *ctx, enum diag_code code, const yaml_node_t *node, const char *key,
                    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void _report(struct _ctx *ctx, enum diag_code code, const yaml_node_t *node, const char *key,
                    const char *fmt, va_list ap)
{
    char item[160];
    snprintf(item, sizeof(item), "key '%s'", key);
    diag_vreport(ctx->diags, code, _mark_pos(ctx->file, node->start_mark), item, fmt, ap);
    if (diag_code_severity(code) == DIAG_ERROR)
        ctx->errors++;
}

static void _error(struct _ctx *ctx, const yaml_node_t *node, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void _error(struct _ctx *ctx, const yaml_node_t *node, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _report(ctx, DIAG_LOAD_ERR_YAML_VALIDATE, node, key, fmt, ap);
    va_end(ap);
}

static void _warn(struct _ctx *ctx, const yaml_node_t *node, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void _warn(struct _ctx *ctx, const yaml_node_t *node, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _report(ctx, DIAG_RULEC_IGNORED_KEY, node, key, fmt, ap);
    va_end(ap);
}

static bool _is_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

/* Null, "", [] or {}. */
static bool _is_empty(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_SCALAR_NODE:
        return _is_null(node) || !node->data.scalar.length;
    case YAML_SEQUENCE_NODE:
        return node->data.sequence.items.start == node->data.sequence.items.top;
    case YAML_MAPPING_NODE:
        return node->data.mapping.pairs.start == node->data.mapping.pairs.top;
    default:
        return true;
    }
}

static const char *_node_kind(const yaml_node_t *node)
{
    if (_is_null(node))
        return "null";
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a sequence";
    default:
        return "a scalar";
    }
}

/* A scalar's text with ${VAR} expanded (runtime/config.h); the caller frees it. */
static char *_text(const yaml_node_t *node)
{
    struct strbuf sb = {0};
    config_expand_env(&sb, (const char *)node->data.scalar.value);
    return strbuf_take(&sb);
}

static void _walk(struct _ctx *ctx, const yaml_node_t *map, const char *prefix);

/* Sets a known key from a scalar: the key's kind decides the conversion. */
static void _visit_key(struct _ctx *ctx, const struct config_key *key, const char *path,
                       const yaml_node_t *value)
{
    if (value->type != YAML_SCALAR_NODE || _is_null(value)) {
        _error(ctx, value, path, "'%s' must be %s, not %s", path, config_kind_name(key->kind),
               _node_kind(value));
        return;
    }
    char err[512];
    char *text = _text(value);
    if (config_key_set(ctx->cfg, key, text, err, sizeof(err)) < 0)
        _error(ctx, value, path, "%s", err);
    free(text);
}

static const yaml_node_t *_map_get(struct _ctx *ctx, const yaml_node_t *map, const char *name)
{
    if (map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, name))
            return yaml_document_get_node(ctx->doc, p->value);
    }
    return NULL;
}

/* init_config given as a JSON string, as Falco also accepts. */
static void _plugin_json(struct _ctx *ctx, const yaml_node_t *node)
{
    const char *text = (const char *)node->data.scalar.value;
    struct json_object *o = *text ? json_tokener_parse(text) : NULL;
    if (*text && !json_object_is_type(o, json_type_object)) {
        _error(ctx, node, "plugins.k8saudit.init_config",
               "init_config must be a mapping or a JSON object");
        json_object_put(o);
        return;
    }
    for (size_t i = 0; o && i < sizeof(_plugin_keys) / sizeof(_plugin_keys[0]); i++) {
        struct json_object *v;
        char err[512];
        if (json_object_object_get_ex(o, _plugin_keys[i].name, &v) &&
            config_key_set(ctx->cfg, config_key_find(_plugin_keys[i].key),
                           json_object_get_string(v), err, sizeof(err)) < 0)
            _error(ctx, node, "plugins.k8saudit.init_config", "%s: %s", _plugin_keys[i].name, err);
    }
    json_object_put(o);
}

/* A plugin entry other than k8saudit: said to be ignored, with the reason. */
static void _plugin_ignored(struct _ctx *ctx, const yaml_node_t *item, const yaml_node_t *name)
{
    const char *n = name && name->type == YAML_SCALAR_NODE ? (const char *)name->data.scalar.value
                                                           : "(no name)";
    const char *why = "rulec loads no plugins, so rules of its source cannot be compiled";
    for (size_t i = 0; i < sizeof(_plugin_why) / sizeof(_plugin_why[0]); i++)
        if (!strcmp(_plugin_why[i].name, n))
            why = _plugin_why[i].why;
    _warn(ctx, item, "plugins", "plugin '%s' is ignored: %s", n, why);
}

/* falco.yaml's plugins list: the k8saudit entry configures the k8s_audit source. */
static void _plugins(struct _ctx *ctx, const yaml_node_t *seq)
{
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        const yaml_node_t *item = yaml_document_get_node(ctx->doc, *it);
        const yaml_node_t *name = item ? _map_get(ctx, item, "name") : NULL;
        if (!name || name->type != YAML_SCALAR_NODE ||
            strcmp((const char *)name->data.scalar.value, "k8saudit")) {
            if (item)
                _plugin_ignored(ctx, item, name);
            continue;
        }
        const yaml_node_t *params = _map_get(ctx, item, "open_params");
        const yaml_node_t *init = _map_get(ctx, item, "init_config");
        if (params)
            _visit_key(ctx, config_key_find("k8s_audit.open_params"),
                       "plugins.k8saudit.open_params", params);
        if (init && init->type == YAML_SCALAR_NODE && !_is_null(init)) {
            _plugin_json(ctx, init);
            continue;
        }
        for (size_t i = 0; init && i < sizeof(_plugin_keys) / sizeof(_plugin_keys[0]); i++) {
            const yaml_node_t *v = _map_get(ctx, init, _plugin_keys[i].name);
            char path[128];
            snprintf(path, sizeof(path), "plugins.k8saudit.init_config.%s", _plugin_keys[i].name);
            if (v)
                _visit_key(ctx, config_key_find(_plugin_keys[i].key), path, v);
        }
    }
}

/* A non-empty scalar's text (expanded), else an error at the node and NULL. */
static char *_string_item(struct _ctx *ctx, const char *path, const yaml_node_t *item,
                          const yaml_node_t *parent)
{
    if (!item || item->type != YAML_SCALAR_NODE || _is_null(item) || !*item->data.scalar.value) {
        _error(ctx, item ? item : parent, path,
               "each entry of '%s' must be a non-empty string, not %s", path,
               item ? _node_kind(item) : "nothing");
        return NULL;
    }
    return _text(item);
}

/* The strings of a YAML sequence into out (cleared first): each item must be a non-empty
 * scalar, else an error at the item. */
static void _read_sequence(struct _ctx *ctx, const char *path, const yaml_node_t *seq,
                           struct config_list *out)
{
    config_list_clear(out);
    out->set = true;
    for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
         i++) {
        char *s = _string_item(ctx, path, yaml_document_get_node(ctx->doc, *i), seq);
        if (s)
            config_list_add(out, s, strlen(s));
        free(s);
    }
}

/* A list key: the file's sequence replaces what earlier files set. syscall_event_drops.actions
 * is a list too: its words, joined by commas, are parsed as `-o` gives them. */
static void _visit_list(struct _ctx *ctx, const struct config_key *key, const yaml_node_t *value)
{
    if (value->type != YAML_SEQUENCE_NODE) {
        _error(ctx, value, key->path, "'%s' must be %s, not %s", key->path,
               config_kind_name(key->kind), _node_kind(value));
        return;
    }
    if (key->kind == CK_LIST) {
        _read_sequence(ctx, key->path, value, config_key_slot(ctx->cfg, key));
        return;
    }
    struct config_list words = {0};
    _read_sequence(ctx, key->path, value, &words);
    struct strbuf joined = {0};
    for (size_t i = 0; i < words.n; i++)
        strbuf_printf(&joined, "%s%s", i ? "," : "", words.items[i]);
    char err[512];
    if (config_key_set(ctx->cfg, key, joined.len ? joined.data : "", err, sizeof(err)) < 0)
        _error(ctx, value, key->path, "%s", err);
    strbuf_free(&joined);
    config_list_clear(&words);
}

/* ---- append_output ------------------------------------------------------- */

/* An output template of append_output, checked now (Falco refuses to start on an unknown
 * field in one: LOAD_ERR_COMPILE_OUTPUT), so that the mistake is reported at its place. */
static bool _template_ok(struct _ctx *ctx, const char *path, const yaml_node_t *node,
                         const char *text)
{
    struct arena *a = arena_new();
    struct diag_list d = {0};
    struct format_template *t = format_parse(a, text, strlen(text), NULL, &d);
    if (!t)
        _error(ctx, node, path, "%s", d.len ? d.items[0].message : "not an output template");
    diag_list_free(&d);
    arena_free(&a);
    return t != NULL;
}

/* A string-valued key of an append_output entry (match.source, extra_output, ...). */
static char *_append_string(struct _ctx *ctx, const char *path, const yaml_node_t *v)
{
    if (v->type != YAML_SCALAR_NODE || _is_null(v)) {
        _error(ctx, v, path, "'%s' must be a string, not %s", path, _node_kind(v));
        return NULL;
    }
    return _text(v);
}

static void _append_match(struct _ctx *ctx, struct config_append *a, const yaml_node_t *m)
{
    if (m->type != YAML_MAPPING_NODE) {
        _error(ctx, m, "append_output.match",
               "'append_output.match' must be a mapping (source, tags, rule), not %s",
               _node_kind(m));
        return;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        const char *name =
            k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (!v)
            continue;
        if (!strcmp(name, "source")) {
            free(a->source);
            a->source = _append_string(ctx, "append_output.match.source", v);
        } else if (!strcmp(name, "rule")) {
            free(a->rule);
            a->rule = _append_string(ctx, "append_output.match.rule", v);
        } else if (!strcmp(name, "tags") && v->type == YAML_SEQUENCE_NODE) {
            _read_sequence(ctx, "append_output.match.tags", v, &a->tags);
        } else if (!strcmp(name, "tags")) {
            _error(ctx, v, "append_output.match.tags",
                   "'append_output.match.tags' must be a list of tags, not %s", _node_kind(v));
        } else {
            _error(ctx, k ? k : m, "append_output.match",
                   "unknown key '%s' in append_output's match (source, tags, rule)", name);
        }
    }
}

static void _append_field(struct config_append *a, char *key, char *format)
{
    struct config_extra_field *f = realloc(a->fields, (a->nfields + 1) * sizeof(*f));
    if (!f) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    a->fields = f;
    f[a->nfields++] = (struct config_extra_field){.key = key, .format = format};
}

/* extra_fields: `- name: "template"` (a string) or `- field.name` (the field's own value), each
 * key once per entry (Falco's decode refuses a key given twice). */
static void _append_fields(struct _ctx *ctx, struct config_append *a, const yaml_node_t *seq)
{
    const char *path = "append_output.extra_fields";
    if (seq->type != YAML_SEQUENCE_NODE) {
        _error(ctx, seq, path, "'%s' must be a list, not %s", path, _node_kind(seq));
        return;
    }
    for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
         i++) {
        const yaml_node_t *item = yaml_document_get_node(ctx->doc, *i);
        char *key = NULL, *format = NULL;
        const yaml_node_t *at = item;
        if (item && item->type == YAML_SCALAR_NODE && !_is_null(item)) {
            key = _text(item);
            char tpl[300];
            snprintf(tpl, sizeof(tpl), "%%%s", key);
            if (!_template_ok(ctx, path, item, tpl)) {
                free(key);
                continue;
            }
        } else if (item && item->type == YAML_MAPPING_NODE &&
                   item->data.mapping.pairs.top - item->data.mapping.pairs.start == 1) {
            const yaml_node_t *k =
                yaml_document_get_node(ctx->doc, item->data.mapping.pairs.start->key);
            const yaml_node_t *v =
                yaml_document_get_node(ctx->doc, item->data.mapping.pairs.start->value);
            if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE) {
                _error(ctx, item, path, "an extra field is `name: \"template\"` or a field name");
                continue;
            }
            key = _text(k);
            format = _text(v);
            at = v;
            if (!_template_ok(ctx, path, v, format)) {
                free(key);
                free(format);
                continue;
            }
        } else {
            _error(ctx, item ? item : seq, path,
                   "an extra field is `name: \"template\"` or a field name, not %s",
                   item ? _node_kind(item) : "nothing");
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < a->nfields; j++)
            dup |= !strcmp(a->fields[j].key, key);
        if (dup) {
            _error(ctx, at, path, "extra field '%s' is given twice in one append_output entry",
                   key);
            free(key);
            free(format);
            continue;
        }
        _append_field(a, key, format);
    }
}

static void _append_entry(struct _ctx *ctx, const yaml_node_t *map)
{
    if (map->type != YAML_MAPPING_NODE) {
        _error(ctx, map, "append_output",
               "each append_output entry must be a mapping (match, extra_output, extra_fields, "
               "suggested_output), not %s",
               _node_kind(map));
        return;
    }
    struct rulec_config *cfg = ctx->cfg;
    struct config_append *all = realloc(cfg->append, (cfg->nappend + 1) * sizeof(*all));
    if (!all) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    cfg->append = all;
    struct config_append *a = &all[cfg->nappend++];
    *a = (struct config_append){0};
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        const char *name =
            k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (!v)
            continue;
        if (!strcmp(name, "match")) {
            _append_match(ctx, a, v);
        } else if (!strcmp(name, "extra_output")) {
            free(a->extra_output);
            a->extra_output = _append_string(ctx, "append_output.extra_output", v);
            if (a->extra_output &&
                !_template_ok(ctx, "append_output.extra_output", v, a->extra_output)) {
                free(a->extra_output);
                a->extra_output = NULL;
            }
        } else if (!strcmp(name, "extra_fields")) {
            _append_fields(ctx, a, v);
        } else if (!strcmp(name, "suggested_output")) {
            const char *path = "append_output.suggested_output";
            char *text = v->type == YAML_SCALAR_NODE && !_is_null(v) ? _text(v) : NULL;
            if (!text || config_parse_bool(text, &a->suggested_output) < 0)
                _error(ctx, v, path, "'%s' must be %s, not %s", path, config_kind_name(CK_BOOL),
                       _node_kind(v));
            free(text);
        } else {
            _error(ctx, k ? k : map, "append_output",
                   "unknown key '%s' in an append_output entry (match, extra_output, "
                   "extra_fields, suggested_output)",
                   name);
        }
    }
    /* configuration.cpp warns about this combination, which few mean. */
    if (a->rule && a->tags.n)
        _warn(ctx, map, "append_output",
              "this entry names a rule (%s) and tags: its output is appended only to that rule, "
              "and only if it has all the tags",
              a->rule);
}

/* append_output: a file's list replaces an earlier file's (as every list key), -o's [] adds. */
static void _append_output(struct _ctx *ctx, const yaml_node_t *value, bool add)
{
    if (!add)
        config_append_clear(ctx->cfg);
    if (value->type == YAML_MAPPING_NODE && add) {
        _append_entry(ctx, value);
        return;
    }
    if (_is_null(value))
        return;
    if (value->type != YAML_SEQUENCE_NODE) {
        _error(ctx, value, "append_output", "'append_output' must be %s, not %s",
               config_kind_name(CK_APPEND), _node_kind(value));
        return;
    }
    for (yaml_node_item_t *i = value->data.sequence.items.start; i < value->data.sequence.items.top;
         i++) {
        const yaml_node_t *item = yaml_document_get_node(ctx->doc, *i);
        if (item)
            _append_entry(ctx, item);
    }
}

/* ---- the walk ------------------------------------------------------------ */

/* Levenshtein distance, capped: for "did you mean" on a misspelt key. */
static size_t _distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

struct _guess {
    const char *path; /* the unknown key */
    size_t depth;     /* its number of dots */
    char best[128];
    size_t dist;
};

static void _guess_one(void *ctx, const char *known)
{
    struct _guess *g = ctx;
    /* Compared with the known key cut to the same depth: "file_ouptut" with "file_output". */
    char cut[128];
    size_t dots = 0, n = 0;
    for (; known[n] && n < sizeof(cut) - 1; n++) {
        if (known[n] == '.' && dots++ == g->depth)
            break;
        cut[n] = known[n];
    }
    cut[n] = '\0';
    size_t d = _distance(g->path, cut);
    if (d < g->dist) {
        g->dist = d;
        snprintf(g->best, sizeof(g->best), "%s", cut);
    }
}

static void _unknown(struct _ctx *ctx, const yaml_node_t *key, const char *path)
{
    struct _guess g = {.path = path, .dist = 3};
    for (const char *p = path; *p; p++)
        g.depth += *p == '.';
    config_key_each(_guess_one, &g);
    config_falco_each(_guess_one, &g);
    if (g.best[0])
        _error(ctx, key, path, "unknown configuration key '%s' (did you mean '%s'?)", path, g.best);
    else
        _error(ctx, key, path,
               "unknown configuration key '%s': neither rulec nor Falco has it (see rulec(1), "
               "CONFIGURATION)",
               path);
}

/* A Falco key rulec does not read. */
static void _falco(struct _ctx *ctx, const struct config_falco *k, const char *path,
                   const yaml_node_t *key, const yaml_node_t *value)
{
    const char *why = k->why;
    switch (k->d) {
    case CF_IGNORED:
        if (!_is_empty(value))
            _warn(ctx, key, path, "'%s' is ignored: %s", path, why);
        return;
    case CF_OFF_ONLY: {
        bool on = false;
        char *text = value->type == YAML_SCALAR_NODE ? _text(value) : NULL;
        if (!text || config_parse_bool(text, &on) < 0)
            _error(ctx, value, path, "'%s' must be %s, not %s", path, config_kind_name(CK_BOOL),
                   _node_kind(value));
        else if (on) {
            if (!strcmp(path, "metrics.output_rule"))
                ctx->metrics_asks[0] = value;
            else
                _error(ctx, value, path, "'%s: true' is not supported: %s", path, why);
        }
        free(text);
        return;
    }
    case CF_EMPTY_ONLY:
        if (_is_empty(value))
            return;
        if (!strcmp(path, "metrics.output_file"))
            ctx->metrics_asks[1] = value;
        else
            _error(ctx, value, path, "'%s' is not supported: %s", path, why);
        return;
    case CF_QUIET:
    case CF_SUBKEYS_ANY:
        if (value->type == YAML_MAPPING_NODE)
            _walk(ctx, value, path);
        else if (!_is_null(value))
            _error(ctx, value, path, "'%s' must be a mapping, not %s", path, _node_kind(value));
        return;
    }
}

static void _visit(struct _ctx *ctx, const char *path, const yaml_node_t *key,
                   const yaml_node_t *value)
{
    const struct config_key *k = config_key_find(path);
    if (k && k->kind == CK_APPEND) {
        _append_output(ctx, value, false);
        return;
    }
    if (k &&
        (k->kind == CK_LIST || (k->kind == CK_DROP_ACTIONS && value->type == YAML_SEQUENCE_NODE))) {
        _visit_list(ctx, k, value);
        return;
    }
    if (k) {
        _visit_key(ctx, k, path, value);
        return;
    }
    if (!strcmp(path, "plugins") && value->type == YAML_SEQUENCE_NODE) {
        _plugins(ctx, value);
        return;
    }
    const struct config_falco *fk = config_falco_find(path);
    if (fk) {
        _falco(ctx, fk, path, key, value);
        return;
    }
    if (config_key_is_section(path)) {
        if (value->type == YAML_MAPPING_NODE)
            _walk(ctx, value, path);
        else if (!_is_null(value)) /* `file_output:` with every key commented out */
            _error(ctx, value, path, "'%s' must be a mapping (for example `enabled: true`), not %s",
                   path, _node_kind(value));
        return;
    }
    const struct config_falco *parent = config_falco_parent(path);
    if (parent && parent->d == CF_QUIET)
        return; /* capture.mode and its kin: they only matter with their switch on */
    if (parent && parent->d == CF_SUBKEYS_ANY)
        return; /* http_output's keys rulec does not read yet are Falco's own */
    _unknown(ctx, key, path);
}

static void _walk(struct _ctx *ctx, const yaml_node_t *map, const char *prefix)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            _error(ctx, k, prefix ? prefix : "<top level>",
                   "configuration keys are plain names, not %s", _node_kind(k));
            continue;
        }
        /* A literal "file_output.enabled" key is not the nested one, nor any key. */
        if (strchr((const char *)k->data.scalar.value, '.')) {
            _error(ctx, k, (const char *)k->data.scalar.value,
                   "'%s' is not a key: nest it (file_output: {enabled: true}), as falco.yaml "
                   "does",
                   k->data.scalar.value);
            continue;
        }
        char path[256];
        int n = prefix ? snprintf(path, sizeof(path), "%s.%s", prefix, k->data.scalar.value)
                       : snprintf(path, sizeof(path), "%s", k->data.scalar.value);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            _error(ctx, k, "<key>", "key longer than any configuration key");
            continue;
        }
        _visit(ctx, path, k, v);
    }
}

static void _parse_error(struct _ctx *ctx, const yaml_parser_t *parser)
{
    struct src_pos pos;
    /* A reader error (bad encoding) has no mark, only a byte offset. */
    if (parser->error == YAML_READER_ERROR)
        pos = src_pos_at(ctx->file, parser->problem_offset);
    else
        pos = _mark_pos(ctx->file, parser->problem_mark);
    const char *problem = parser->problem ? parser->problem : "cannot parse YAML";
    /* libyaml's context says what was open and where it began: the unclosed
     * bracket is often lines above the place the parser gave up. */
    if (parser->context)
        diag_report(ctx->diags, DIAG_LOAD_ERR_YAML_PARSE, pos, NULL,
                    "%s (%s started at line %zu, column %zu)", problem, parser->context,
                    parser->context_mark.line + 1, parser->context_mark.column + 1);
    else
        diag_report(ctx->diags, DIAG_LOAD_ERR_YAML_PARSE, pos, NULL, "%s", problem);
    ctx->errors++;
}

/* Diagnostics point into the file: it lives as long as the config. */
static void _keep_file(struct rulec_config *cfg, struct src_file *file)
{
    struct src_file **files = realloc(cfg->files, (cfg->nfiles + 1) * sizeof(*files));
    if (!files) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    files[cfg->nfiles++] = file;
    cfg->files = files;
}

/* The checks of the whole file, at the key they are about. */
static void _check_file(struct _ctx *ctx, const yaml_node_t *root)
{
    static const char *const asks[] = {"metrics.output_rule", "metrics.output_file"};
    for (int i = 0; i < 2; i++)
        if (ctx->metrics_asks[i] && ctx->cfg->metrics_enabled)
            _error(ctx, ctx->metrics_asks[i], asks[i],
                   "'%s' is not supported with metrics "
                   "enabled: %s",
                   asks[i], config_falco_find(asks[i])->why);
    const char *key;
    char err[512];
    if (ctx->errors || root->type != YAML_MAPPING_NODE ||
        config_check(ctx->cfg, true, &key, err, sizeof(err)) == 0)
        return;
    const yaml_node_t *at = root;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            at = k;
    }
    _error(ctx, at, key, "%s", err);
}

/* Reads text as YAML into cfg; the value of `path` when path is given (-o), else the file. */
static int _parse(struct rulec_config *cfg, struct src_file *file, const char *path, bool add,
                  struct diag_list *diags)
{
    struct _ctx ctx = {.cfg = cfg, .file = file, .diags = diags};
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        diag_report(diags, DIAG_LOAD_ERR_YAML_PARSE, src_pos_at(file, 0), NULL,
                    "cannot initialise the YAML parser");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)file->text, file->len);
    /* Like Falco (yaml-cpp LoadFile), only the first document counts. */
    if (!yaml_parser_load(&parser, &doc)) {
        _parse_error(&ctx, &parser);
        yaml_parser_delete(&parser);
        return -1;
    }
    ctx.doc = &doc;
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (path && root)
        _append_output(&ctx, root, add);
    else if (root && root->type == YAML_MAPPING_NODE)
        _walk(&ctx, root, NULL);
    else if (root && !_is_null(root))
        _error(&ctx, root, "<top level>",
               "a configuration file must be a mapping of keys (like falco.yaml), not %s",
               _node_kind(root));
    if (!path && root)
        _check_file(&ctx, root);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return ctx.errors ? -1 : 0;
}

int config_parse(struct rulec_config *cfg, struct src_file *file, struct diag_list *diags)
{
    _keep_file(cfg, file);
    return _parse(cfg, file, NULL, false, diags);
}

int config_load(struct rulec_config *cfg, const char *path, struct diag_list *diags)
{
    unsigned index = (unsigned)cfg->nfiles;
    struct src_file *file = src_file_read(path, index);
    if (!file) {
        int err = errno;
        /* An empty stand-in, so the diagnostic still names the path. */
        file = src_file_new(path, "", 0, index);
        _keep_file(cfg, file);
        diag_report(diags, DIAG_LOAD_ERR_FILE_READ, src_pos_at(file, 0), NULL,
                    "cannot read configuration file: %s", strerror(err));
        return -1;
    }
    return config_parse(cfg, file, diags);
}

int config_yaml_value(struct rulec_config *cfg, const char *path, const char *value, bool append,
                      char *err, size_t errlen)
{
    char name[160];
    snprintf(name, sizeof(name), "-o %s%s", path, append ? "[]" : "");
    struct src_file *file = src_file_new(name, value, strlen(value), (unsigned)cfg->nfiles);
    struct diag_list diags = {0};
    int rc = _parse(cfg, file, path, append, &diags);
    if (diags.len) {
        unsigned line, col;
        src_pos_linecol(diags.items[0].pos, &line, &col);
        snprintf(err, errlen, "%s (%s, column %u)", diags.items[0].message, name, col);
    }
    /* A warning (an entry naming a rule and tags) is not a failure. */
    if (rc == 0 && diags.len)
        rc = 1;
    diag_list_free(&diags);
    src_file_free(&file);
    return rc;
}
