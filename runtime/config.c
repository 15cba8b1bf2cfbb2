#include "runtime/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <yaml.h>

#include "core/strbuf.h"

/* Every key rulec reads, by its dotted falco.yaml path. The YAML reader, -o
 * style config_set and the overrides all go through this one table, so a key
 * has one type and one conversion wherever it comes from. */
enum _kind {
    _BOOL,
    _STRING,
    _PRIORITY,
    _SIZE,         /* a positive integer */
    _UINT,         /* a whole number */
    _LIST,         /* a YAML sequence of strings; -o KEY=a,b sets it, -o KEY[]=a appends */
    _RATIO,        /* a number in [0, 1] (double) */
    _NONNEG,       /* a number >= 0 (double) */
    _DROP_ACTIONS, /* a sequence of ignore, log, alert, exit (unsigned: DROP_ACTION_*) */
};

struct _key {
    const char *path;
    enum _kind kind;
    size_t offset;
};

#define _K(path, kind, member)                                                                     \
    {                                                                                              \
        path, kind, offsetof(struct rulec_config, member)                                          \
    }
static const struct _key _keys[] = {
    _K("stdout_output.enabled", _BOOL, stdout_enabled),
    _K("syslog_output.enabled", _BOOL, syslog_enabled),
    _K("file_output.enabled", _BOOL, file_enabled),
    _K("file_output.filename", _STRING, file_name),
    _K("file_output.keep_alive", _BOOL, file_keep_alive),
    _K("json_output", _BOOL, json_output),
    _K("json_include_output_property", _BOOL, json_include_output),
    _K("json_include_tags_property", _BOOL, json_include_tags),
    _K("priority", _PRIORITY, min_priority),
    _K("time_format_iso_8601", _BOOL, time_format_iso_8601),
    _K("buffered_outputs", _BOOL, buffered_outputs),
    _K("host_root", _STRING, host_root),
    _K("policy_trusted_keys", _LIST, trusted_keys),
    _K("k8s_audit.enabled", _BOOL, k8s_audit.enabled),
    _K("k8s_audit.open_params", _STRING, k8s_audit.open_params),
    _K("k8s_audit.ssl_certificate", _STRING, k8s_audit.ssl_certificate),
    _K("k8s_audit.ssl_key", _STRING, k8s_audit.ssl_key),
    _K("k8s_audit.max_event_size", _SIZE, k8s_audit.max_event_size),
    _K("k8s_audit.webhook_max_batch_size", _SIZE, k8s_audit.webhook_max_batch_size),
    _K("k8s_audit.webhook_timeout", _SIZE, k8s_audit.webhook_timeout),
    _K("k8s_audit.webhook_max_connections", _SIZE, k8s_audit.webhook_max_connections),
    _K("k8s_audit.queue_max_bytes", _SIZE, k8s_audit.queue_max_bytes),
    _K("container_engines.docker.enabled", _BOOL, docker_enabled),
    _K("container_engines.docker.sockets", _LIST, docker_sockets),
    _K("container_engines.podman.enabled", _BOOL, podman_enabled),
    _K("container_engines.podman.sockets", _LIST, podman_sockets),
    _K("container_engines.cri.enabled", _BOOL, cri_enabled),
    _K("container_engines.cri.sockets", _LIST, cri_sockets),
    _K("container_engines.lookup_wait_ms", _UINT, lookup_wait_ms),
    _K("container_engines.timeout_ms", _UINT, engine_timeout_ms),
    _K("container_engines.label_max_len", _UINT, label_max_len),
    _K("syscall_event_drops.actions", _DROP_ACTIONS, drops.actions),
    _K("syscall_event_drops.threshold", _RATIO, drops.threshold),
    _K("syscall_event_drops.rate", _NONNEG, drops.rate),
    _K("syscall_event_drops.max_burst", _NONNEG, drops.max_burst),
    _K("syscall_event_drops.simulate_drops", _BOOL, drops.simulate_drops),
};

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
#undef _K
#define _NKEYS (sizeof(_keys) / sizeof(_keys[0]))

static const char *const _kind_names[] = {
    [_BOOL] = "a boolean (true or false)",
    [_STRING] = "a string",
    [_PRIORITY] = "a priority (emergency, alert, critical, error, warning, notice, info, debug)",
    [_SIZE] = "a positive integer",
    [_UINT] = "a whole number",
    [_LIST] = "a list of strings (for example [/etc/rulec/keys])",
    [_RATIO] = "a number from 0 to 1",
    [_NONNEG] = "a number (0 or more)",
    [_DROP_ACTIONS] = "a list of actions: ignore, or any of log, alert, exit",
};

static char *_xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return d;
}

static void _set_string(char **slot, const char *value)
{
    free(*slot);
    *slot = value ? _xstrdup(value) : NULL;
}

static void _list_clear(struct config_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    *l = (struct config_list){0};
}

static void _list_add(struct config_list *l, const char *item, size_t n)
{
    char **items = realloc(l->items, (l->n + 1) * sizeof(*items));
    char *copy = strndup(item, n);
    if (!items || !copy) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    items[l->n++] = copy;
    l->items = items;
    l->set = true;
}

void config_init(struct rulec_config *cfg)
{
    /* configuration.cpp's defaults, with falco.yaml's stdout_output on. */
    *cfg = (struct rulec_config){
        .stdout_enabled = true,
        .syslog_enabled = false,
        .file_enabled = false,
        .file_name = NULL,
        .file_keep_alive = false,
        .json_output = false,
        .json_include_output = true,
        .json_include_tags = true,
        .min_priority = ALERT_PRIO_DEBUG,
        .time_format_iso_8601 = false,
        .buffered_outputs = false,
        .host_root = NULL,
        .trusted_keys = {0},
        .k8s_audit =
            {
                .enabled = true,
                .open_params = _xstrdup("http://:9765/k8s-audit"),
                .ssl_certificate = _xstrdup("/etc/rulec/rulec.pem"),
                .ssl_key = NULL,
                .max_event_size = 262144,
                .webhook_max_batch_size = 12 * 1024 * 1024,
                .webhook_timeout = 10,
                .webhook_max_connections = 128,
                .queue_max_bytes = 8 * 1024 * 1024,
            },
        .docker_enabled = true,
        .podman_enabled = true,
        .cri_enabled = true,
        .lookup_wait_ms = 5,
        .engine_timeout_ms = 1000,
        .label_max_len = 100,
        .drops = {.actions = DROP_ACTION_LOG | DROP_ACTION_ALERT,
                  .threshold = 0.1,
                  .rate = 0.03333,
                  .max_burst = 1},
        .files = NULL,
        .nfiles = 0,
    };
}

void config_free(struct rulec_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->file_name);
    free(cfg->host_root);
    _list_clear(&cfg->trusted_keys);
    free(cfg->k8s_audit.open_params);
    free(cfg->k8s_audit.ssl_certificate);
    free(cfg->k8s_audit.ssl_key);
    struct config_list *lists[] = {&cfg->docker_sockets, &cfg->podman_sockets, &cfg->cri_sockets};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        _list_clear(lists[i]);
    for (size_t i = 0; i < cfg->nfiles; i++)
        src_file_free(&cfg->files[i]);
    free(cfg->files);
    /* Emptied, not reset to the defaults (which allocate): freeing again is harmless. */
    memset(cfg, 0, sizeof(*cfg));
}

static const struct _key *_find_key(const char *path)
{
    for (size_t i = 0; i < _NKEYS; i++)
        if (strcmp(_keys[i].path, path) == 0)
            return &_keys[i];
    return NULL;
}

/* True when path names a section ("file_output") that holds known keys. */
static bool _is_section(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < _NKEYS; i++)
        if (strncmp(_keys[i].path, path, n) == 0 && _keys[i].path[n] == '.')
            return true;
    return false;
}

/* yaml-cpp's convert<bool> (what Falco's get_scalar<bool> uses): y, yes,
 * true, on and their negations, each in lower, Title or UPPER case. */
static int _parse_bool(const char *s, bool *out)
{
    static const char *const _true[] = {"y", "yes", "true", "on"};
    static const char *const _false[] = {"n", "no", "false", "off"};
    for (int pass = 0; pass < 2; pass++) {
        const char *const *names = pass ? _false : _true;
        for (int i = 0; i < 4; i++) {
            const char *n = names[i];
            size_t len = strlen(n);
            if (strlen(s) != len)
                continue;
            bool lower = strcmp(s, n) == 0, title = s[0] == n[0] - 'a' + 'A', upper = true;
            for (size_t j = 0; j < len; j++) {
                if (j > 0 && s[j] != n[j])
                    title = false;
                if (s[j] != n[j] - 'a' + 'A')
                    upper = false;
            }
            if (lower || title || upper) {
                *out = !pass;
                return 0;
            }
        }
    }
    return -1;
}

static int _parse_number(const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= min && v <= max))
        return -1;
    *out = v;
    return 0;
}

/* syscall_event_drops.actions, its items joined by commas ("log,alert"; `-o` also takes
 * "[log, alert]"). Falco's rules: an empty list is "ignore", and "ignore" with another action is
 * an error. */
static int _parse_drop_actions(const char *s, unsigned *out, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {
        {"log", DROP_ACTION_LOG}, {"alert", DROP_ACTION_ALERT}, {"exit", DROP_ACTION_EXIT}};
    unsigned actions = 0;
    bool ignore = false;
    const char *p = s;
    while (*p) {
        p += strspn(p, "[], \t");
        size_t n = strcspn(p, "[], \t");
        if (!n)
            break;
        bool known = n == 6 && strncmp(p, "ignore", 6) == 0;
        ignore |= known;
        for (size_t i = 0; !known && i < sizeof(names) / sizeof(names[0]); i++)
            if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0) {
                actions |= names[i].bit;
                known = true;
            }
        if (!known) {
            snprintf(err, errlen,
                     "'syscall_event_drops.actions': unknown action '%.*s' (available: ignore, "
                     "log, alert, exit)",
                     (int)n, p);
            return -1;
        }
        p += n;
    }
    if (ignore && actions) {
        snprintf(err, errlen,
                 "'syscall_event_drops.actions': the other actions do not make sense with "
                 "\"ignore\"");
        return -1;
    }
    *out = actions;
    return 0;
}

static int _set_key(struct rulec_config *cfg, const struct _key *key, const char *value, char *err,
                    size_t errlen)
{
    void *slot = (char *)cfg + key->offset;
    switch (key->kind) {
    case _BOOL:
        if (_parse_bool(value, (bool *)slot) == 0)
            return 0;
        break;
    case _STRING:
        _set_string((char **)slot, value);
        return 0;
    case _PRIORITY: {
        enum alert_priority p = priority_parse(value);
        if (p != ALERT_PRIO_MAX) {
            *(enum alert_priority *)slot = p;
            return 0;
        }
        break;
    }
    case _SIZE:
    case _UINT: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (*value >= '0' && *value <= '9' && !*end && !errno && v <= UINT32_MAX &&
            (v > 0 || key->kind == _UINT)) {
            if (key->kind == _SIZE)
                *(uint64_t *)slot = v;
            else
                *(unsigned *)slot = (unsigned)v;
            return 0;
        }
        break;
    }
    case _LIST: {
        /* -o KEY=a,b: the whole list, as a YAML sequence would give it; no empty entry. */
        if (!*value || strstr(value, ",,") || value[0] == ',' || value[strlen(value) - 1] == ',')
            break;
        struct config_list *l = slot;
        _list_clear(l);
        l->set = true;
        for (const char *p = value; *p;) {
            size_t n = strcspn(p, ",");
            _list_add(l, p, n);
            p += n;
            if (*p)
                p++;
        }
        return 0;
    }
    case _RATIO:
    case _NONNEG:
        if (_parse_number(value, 0, key->kind == _RATIO ? 1 : 1e12, (double *)slot) == 0)
            return 0;
        break;
    case _DROP_ACTIONS:
        return _parse_drop_actions(value, (unsigned *)slot, err, errlen);
    }
    snprintf(err, errlen, "'%s' must be %s, not '%s'", key->path, _kind_names[key->kind], value);
    return -1;
}

int config_set(struct rulec_config *cfg, const char *key, const char *value, char *err,
               size_t errlen)
{
    /* KEY[]=VALUE appends one entry to a list, as Falco's -o does. */
    size_t n = strlen(key);
    bool append = n > 2 && !strcmp(key + n - 2, "[]");
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)(append ? n - 2 : n), key);
    const struct _key *k = _find_key(name);
    if (!k) {
        snprintf(err, errlen, "unknown configuration key '%s'", name);
        return -1;
    }
    if (!append)
        return _set_key(cfg, k, value, err, errlen);
    if (k->kind != _LIST || !*value) {
        snprintf(err, errlen, "'%s[]' appends a non-empty entry to a list; '%s' is %s", name, name,
                 _kind_names[k->kind]);
        return -1;
    }
    _list_add((struct config_list *)((char *)cfg + k->offset), value, strlen(value));
    return 0;
}

void config_apply_env(struct rulec_config *cfg)
{
    const char *root = getenv("RULEC_HOST_ROOT");
    if (root && *root)
        _set_string(&cfg->host_root, root);
}

/* ---- the YAML file ------------------------------------------------------- */

struct _ctx {
    struct rulec_config *cfg;
    const struct src_file *file;
    yaml_document_t *doc;
    struct diag_list *diags;
    int errors;
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

static void _error(struct _ctx *ctx, const yaml_node_t *node, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void _error(struct _ctx *ctx, const yaml_node_t *node, const char *key, const char *fmt, ...)
{
    char item[160];
    snprintf(item, sizeof(item), "key '%s'", key);
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(ctx->diags, DIAG_LOAD_ERR_YAML_VALIDATE, _mark_pos(ctx->file, node->start_mark),
                 item, fmt, ap);
    va_end(ap);
    ctx->errors++;
}

static bool _is_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
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

static void _walk(struct _ctx *ctx, const yaml_node_t *map, const char *prefix);

/* A known key's value: a scalar of the key's kind. */
static void _visit_key(struct _ctx *ctx, const struct _key *key, const char *path,
                       const yaml_node_t *value)
{
    if (value->type != YAML_SCALAR_NODE || _is_null(value)) {
        _error(ctx, value, path, "'%s' must be %s, not %s", path, _kind_names[key->kind],
               _node_kind(value));
        return;
    }
    char err[512];
    if (_set_key(ctx->cfg, key, (const char *)value->data.scalar.value, err, sizeof(err)) < 0)
        _error(ctx, value, path, "%s", err);
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
            _set_key(ctx->cfg, _find_key(_plugin_keys[i].key), json_object_get_string(v), err,
                     sizeof(err)) < 0)
            _error(ctx, node, "plugins.k8saudit.init_config", "%s: %s", _plugin_keys[i].name, err);
    }
    json_object_put(o);
}

/* falco.yaml's plugins list: the k8saudit entry configures the k8s_audit source. */
static void _plugins(struct _ctx *ctx, const yaml_node_t *seq)
{
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        const yaml_node_t *item = yaml_document_get_node(ctx->doc, *it);
        const yaml_node_t *name = item ? _map_get(ctx, item, "name") : NULL;
        if (!name || name->type != YAML_SCALAR_NODE ||
            strcmp((const char *)name->data.scalar.value, "k8saudit"))
            continue;
        const yaml_node_t *params = _map_get(ctx, item, "open_params");
        const yaml_node_t *init = _map_get(ctx, item, "init_config");
        if (params)
            _visit_key(ctx, _find_key("k8s_audit.open_params"), "plugins.k8saudit.open_params",
                       params);
        if (init && init->type == YAML_SCALAR_NODE && !_is_null(init)) {
            _plugin_json(ctx, init);
            continue;
        }
        for (size_t i = 0; init && i < sizeof(_plugin_keys) / sizeof(_plugin_keys[0]); i++) {
            const yaml_node_t *v = _map_get(ctx, init, _plugin_keys[i].name);
            char path[128];
            snprintf(path, sizeof(path), "plugins.k8saudit.init_config.%s", _plugin_keys[i].name);
            if (v)
                _visit_key(ctx, _find_key(_plugin_keys[i].key), path, v);
        }
    }
}

/* The strings of a YAML sequence into out (cleared first): each item must be a non-empty
 * scalar, else an error at the item. */
static void _read_sequence(struct _ctx *ctx, const char *path, const yaml_node_t *seq,
                           struct config_list *out)
{
    _list_clear(out);
    out->set = true;
    for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
         i++) {
        const yaml_node_t *item = yaml_document_get_node(ctx->doc, *i);
        if (!item || item->type != YAML_SCALAR_NODE || _is_null(item) ||
            !*item->data.scalar.value) {
            _error(ctx, item ? item : seq, path,
                   "each entry of '%s' must be a non-empty string, not %s", path,
                   item ? _node_kind(item) : "nothing");
            continue;
        }
        _list_add(out, (const char *)item->data.scalar.value, item->data.scalar.length);
    }
}

/* A list key: the file's sequence replaces what earlier files set. syscall_event_drops.actions
 * is a list too: its words, joined by commas, are parsed as `-o` gives them. */
static void _visit_list(struct _ctx *ctx, const struct _key *key, const yaml_node_t *value)
{
    if (value->type != YAML_SEQUENCE_NODE) {
        _error(ctx, value, key->path, "'%s' must be %s, not %s", key->path, _kind_names[key->kind],
               _node_kind(value));
        return;
    }
    if (key->kind == _LIST) {
        _read_sequence(ctx, key->path, value,
                       (struct config_list *)((char *)ctx->cfg + key->offset));
        return;
    }
    struct config_list words = {0};
    _read_sequence(ctx, key->path, value, &words);
    struct strbuf joined = {0};
    for (size_t i = 0; i < words.n; i++)
        strbuf_printf(&joined, "%s%s", i ? "," : "", words.items[i]);
    char err[512];
    if (_set_key(ctx->cfg, key, joined.len ? joined.data : "", err, sizeof(err)) < 0)
        _error(ctx, value, key->path, "%s", err);
    strbuf_free(&joined);
    _list_clear(&words);
}

static void _visit(struct _ctx *ctx, const char *path, const yaml_node_t *value)
{
    const struct _key *key = _find_key(path);
    if (key &&
        (key->kind == _LIST || (key->kind == _DROP_ACTIONS && value->type == YAML_SEQUENCE_NODE))) {
        _visit_list(ctx, key, value);
        return;
    }
    if (key) {
        _visit_key(ctx, key, path, value);
        return;
    }
    if (!strcmp(path, "plugins") && value->type == YAML_SEQUENCE_NODE) {
        _plugins(ctx, value);
        return;
    }
    if (!_is_section(path))
        return; /* a falco.yaml key rulec does not use */
    if (value->type == YAML_MAPPING_NODE)
        _walk(ctx, value, path);
    else if (!_is_null(value)) /* `file_output:` with every key commented out */
        _error(ctx, value, path, "'%s' must be a mapping (for example `enabled: true`), not %s",
               path, _node_kind(value));
}

static void _walk(struct _ctx *ctx, const yaml_node_t *map, const char *prefix)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(ctx->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(ctx->doc, p->value);
        /* A literal "file_output.enabled" key is not the nested one. */
        if (!k || !v || k->type != YAML_SCALAR_NODE ||
            strchr((const char *)k->data.scalar.value, '.'))
            continue;
        char path[256];
        int n = prefix ? snprintf(path, sizeof(path), "%s.%s", prefix, k->data.scalar.value)
                       : snprintf(path, sizeof(path), "%s", k->data.scalar.value);
        if (n < 0 || (size_t)n >= sizeof(path))
            continue; /* longer than any key rulec knows */
        _visit(ctx, path, v);
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

int config_parse(struct rulec_config *cfg, struct src_file *file, struct diag_list *diags)
{
    _keep_file(cfg, file);
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
    if (root && root->type == YAML_MAPPING_NODE)
        _walk(&ctx, root, NULL);
    else if (root && !_is_null(root))
        _error(&ctx, root, "<top level>",
               "a configuration file must be a mapping of keys (like falco.yaml), not %s",
               _node_kind(root));

    /* configuration.cpp: "file output enabled but no filename in configuration block". */
    if (!ctx.errors && root && root->type == YAML_MAPPING_NODE && cfg->file_enabled &&
        (!cfg->file_name || !*cfg->file_name)) {
        const yaml_node_t *at = root;
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
             p++) {
            const yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            if (k && k->type == YAML_SCALAR_NODE &&
                strcmp((const char *)k->data.scalar.value, "file_output") == 0)
                at = k;
        }
        _error(&ctx, at, "file_output",
               "file output is enabled but has no filename (add `filename: /var/log/rulec.log`)");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return ctx.errors ? -1 : 0;
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

/* ---- command-line flags -------------------------------------------------- */

void config_overrides_init(struct config_overrides *ov)
{
    *ov = (struct config_overrides){
        .json_output = CONFIG_UNSET,
        .stdout_enabled = CONFIG_UNSET,
        .syslog_enabled = CONFIG_UNSET,
        .time_format_iso_8601 = CONFIG_UNSET,
        .buffered_outputs = CONFIG_UNSET,
        .k8s_audit_enabled = CONFIG_UNSET,
    };
}

static void _override_bool(bool *slot, int flag)
{
    if (flag != CONFIG_UNSET)
        *slot = flag != 0;
}

int config_apply_overrides(struct rulec_config *cfg, const struct config_overrides *ov, char *err,
                           size_t errlen)
{
    _override_bool(&cfg->json_output, ov->json_output);
    _override_bool(&cfg->stdout_enabled, ov->stdout_enabled);
    _override_bool(&cfg->syslog_enabled, ov->syslog_enabled);
    _override_bool(&cfg->time_format_iso_8601, ov->time_format_iso_8601);
    _override_bool(&cfg->buffered_outputs, ov->buffered_outputs);
    if (ov->min_priority) {
        enum alert_priority p = priority_parse(ov->min_priority);
        if (p == ALERT_PRIO_MAX) {
            snprintf(err, errlen, "unknown priority '%s' (%s)", ov->min_priority,
                     "emergency, alert, critical, error, warning, notice, info, debug");
            return -1;
        }
        cfg->min_priority = p;
    }
    if (ov->output_file) {
        if (!*ov->output_file) {
            snprintf(err, errlen, "--output-file needs a file name");
            return -1;
        }
        cfg->file_enabled = true;
        _set_string(&cfg->file_name, ov->output_file);
    }
    if (ov->host_root)
        _set_string(&cfg->host_root, ov->host_root);
    for (size_t i = 0; i < ov->ntrusted_keys; i++)
        _list_add(&cfg->trusted_keys, ov->trusted_keys[i], strlen(ov->trusted_keys[i]));
    if (ov->k8s_audit) {
        _set_string(&cfg->k8s_audit.open_params, ov->k8s_audit);
        cfg->k8s_audit.enabled = true;
    }
    _override_bool(&cfg->k8s_audit.enabled, ov->k8s_audit_enabled);
    if (cfg->file_enabled && (!cfg->file_name || !*cfg->file_name)) {
        snprintf(err, errlen,
                 "file output is enabled but has no file name "
                 "(set file_output.filename or use --output-file)");
        return -1;
    }
    /* init_outputs.cpp: Falco refuses to start with no output. */
    if (!cfg->stdout_enabled && !cfg->file_enabled && !cfg->syslog_enabled) {
        snprintf(err, errlen,
                 "no output is enabled: alerts would go nowhere "
                 "(enable stdout_output, file_output or syslog_output)");
        return -1;
    }
    return 0;
}
