#include "runtime/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "runtime/config_internal.h"

#define _K(path, kind, member)                                                                     \
    {                                                                                              \
        path, kind, offsetof(struct rulec_config, member)                                          \
    }
static const struct config_key _keys[] = {
    _K("stdout_output.enabled", CK_BOOL, stdout_enabled),
    _K("syslog_output.enabled", CK_BOOL, syslog_enabled),
    _K("file_output.enabled", CK_BOOL, file_enabled),
    _K("file_output.filename", CK_STRING, file_name),
    _K("file_output.keep_alive", CK_BOOL, file_keep_alive),
    _K("program_output.enabled", CK_BOOL, program_enabled),
    _K("program_output.keep_alive", CK_BOOL, program_keep_alive),
    _K("program_output.program", CK_STRING, program),
    _K("http_output.enabled", CK_BOOL, http.enabled),
    _K("http_output.url", CK_STRING, http.url),
    _K("http_output.user_agent", CK_STRING, http.user_agent),
    _K("http_output.insecure", CK_BOOL, http.insecure),
    _K("http_output.ca_cert", CK_STRING, http.ca_cert),
    _K("http_output.ca_bundle", CK_STRING, http.ca_bundle),
    _K("http_output.ca_path", CK_STRING, http.ca_path),
    _K("http_output.mtls", CK_BOOL, http.mtls),
    _K("http_output.client_cert", CK_STRING, http.client_cert),
    _K("http_output.client_key", CK_STRING, http.client_key),
    _K("http_output.echo", CK_BOOL, http.echo),
    _K("http_output.compress_uploads", CK_BOOL, http.compress_uploads),
    _K("http_output.keep_alive", CK_BOOL, http.keep_alive),
    _K("http_output.max_consecutive_timeouts", CK_UINT, http.max_consecutive_timeouts),
    _K("output_timeout", CK_SIZE, output_timeout_ms),
    _K("outputs_queue.capacity", CK_UINT, outputs_queue_capacity),
    _K("json_output", CK_BOOL, json_output),
    _K("json_include_output_property", CK_BOOL, json_include_output),
    _K("json_include_tags_property", CK_BOOL, json_include_tags),
    _K("json_include_message_property", CK_BOOL, json_include_message),
    _K("json_include_output_fields_property", CK_BOOL, json_include_output_fields),
    _K("rule_matching", CK_MATCHING, rule_matching),
    _K("append_output", CK_APPEND, append),
    _K("rules_files", CK_LIST, rules_files),
    /* Falco before 0.38 (and its schema still) spell it rules_file. */
    _K("rules_file", CK_LIST, rules_files),
    _K("priority", CK_PRIORITY, min_priority),
    _K("time_format_iso_8601", CK_BOOL, time_format_iso_8601),
    _K("buffered_outputs", CK_BOOL, buffered_outputs),
    _K("webserver.enabled", CK_BOOL, web.enabled),
    _K("webserver.threadiness", CK_UINT, web.threadiness),
    _K("webserver.listen_port", CK_PORT, web.listen_port),
    _K("webserver.listen_address", CK_STRING, web.listen_address),
    _K("webserver.k8s_healthz_endpoint", CK_STRING, web.healthz_endpoint),
    _K("webserver.prometheus_metrics_enabled", CK_BOOL, web.prometheus),
    _K("webserver.ssl_enabled", CK_BOOL, web.ssl_enabled),
    _K("webserver.ssl_certificate", CK_STRING, web.ssl_certificate),
    _K("metrics.enabled", CK_BOOL, metrics_enabled),
    _K("host_root", CK_STRING, host_root),
    _K("policy_trusted_keys", CK_LIST, trusted_keys),
    _K("k8s_audit.enabled", CK_BOOL, k8s_audit.enabled),
    _K("k8s_audit.open_params", CK_STRING, k8s_audit.open_params),
    _K("k8s_audit.ssl_certificate", CK_STRING, k8s_audit.ssl_certificate),
    _K("k8s_audit.ssl_key", CK_STRING, k8s_audit.ssl_key),
    _K("k8s_audit.max_event_size", CK_SIZE, k8s_audit.max_event_size),
    _K("k8s_audit.webhook_max_batch_size", CK_SIZE, k8s_audit.webhook_max_batch_size),
    _K("k8s_audit.webhook_timeout", CK_SIZE, k8s_audit.webhook_timeout),
    _K("k8s_audit.webhook_max_connections", CK_SIZE, k8s_audit.webhook_max_connections),
    _K("k8s_audit.queue_max_bytes", CK_SIZE, k8s_audit.queue_max_bytes),
    _K("container_engines.docker.enabled", CK_BOOL, docker_enabled),
    _K("container_engines.docker.sockets", CK_LIST, docker_sockets),
    _K("container_engines.podman.enabled", CK_BOOL, podman_enabled),
    _K("container_engines.podman.sockets", CK_LIST, podman_sockets),
    _K("container_engines.cri.enabled", CK_BOOL, cri_enabled),
    _K("container_engines.cri.sockets", CK_LIST, cri_sockets),
    _K("container_engines.lookup_wait_ms", CK_UINT, lookup_wait_ms),
    _K("container_engines.timeout_ms", CK_UINT, engine_timeout_ms),
    _K("container_engines.label_max_len", CK_UINT, label_max_len),
    _K("syscall_event_drops.actions", CK_DROP_ACTIONS, drops.actions),
    _K("syscall_event_drops.threshold", CK_RATIO, drops.threshold),
    _K("syscall_event_drops.rate", CK_NONNEG, drops.rate),
    _K("syscall_event_drops.max_burst", CK_NONNEG, drops.max_burst),
    _K("syscall_event_drops.simulate_drops", CK_BOOL, drops.simulate_drops),
};
#undef _K
#define _NKEYS (sizeof(_keys) / sizeof(_keys[0]))

static const char *const _kind_names[] = {
    [CK_BOOL] = "a boolean (true or false)",
    [CK_STRING] = "a string",
    [CK_PRIORITY] = "a priority (emergency, alert, critical, error, warning, notice, info, debug)",
    [CK_SIZE] = "a positive integer",
    [CK_UINT] = "a whole number",
    [CK_LIST] = "a list of strings (for example [/etc/rulec/keys])",
    [CK_RATIO] = "a number from 0 to 1",
    [CK_NONNEG] = "a number (0 or more)",
    [CK_DROP_ACTIONS] = "a list of actions: ignore, or any of log, alert, exit",
    [CK_MATCHING] = "first or all",
    [CK_APPEND] = "a list of entries (match, extra_output, extra_fields, suggested_output)",
    [CK_PORT] = "a port number (0 to 65535)",
};

const char *config_kind_name(enum config_kind kind)
{
    return _kind_names[kind];
}

char *config_xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return d;
}

void config_set_string(char **slot, const char *value)
{
    free(*slot);
    *slot = value ? config_xstrdup(value) : NULL;
}

void config_list_clear(struct config_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    *l = (struct config_list){0};
}

void config_list_add(struct config_list *l, const char *item, size_t n)
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

void config_append_clear(struct rulec_config *cfg)
{
    for (size_t i = 0; i < cfg->nappend; i++) {
        struct config_append *a = &cfg->append[i];
        free(a->source);
        free(a->rule);
        free(a->extra_output);
        config_list_clear(&a->tags);
        for (size_t j = 0; j < a->nfields; j++) {
            free(a->fields[j].key);
            free(a->fields[j].format);
        }
        free(a->fields);
    }
    free(cfg->append);
    cfg->append = NULL;
    cfg->nappend = 0;
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
        .json_include_message = false,
        .json_include_output_fields = true,
        .rule_matching = RULE_MATCHING_FIRST,
        .program_enabled = false,
        .program_keep_alive = false,
        .http =
            {
                .user_agent = config_xstrdup("falcosecurity/falco"),
                .ca_path = config_xstrdup("/etc/ssl/certs"),
                .client_cert = config_xstrdup("/etc/ssl/certs/client.crt"),
                .client_key = config_xstrdup("/etc/ssl/certs/client.key"),
                .max_consecutive_timeouts = 5,
            },
        .output_timeout_ms = 2000,
        .web =
            {
                .listen_port = 8765,
                .listen_address = config_xstrdup("0.0.0.0"),
                .healthz_endpoint = config_xstrdup("/healthz"),
                .ssl_certificate = config_xstrdup("/etc/rulec/rulec.pem"),
            },
        .min_priority = ALERT_PRIO_DEBUG,
        .time_format_iso_8601 = false,
        .buffered_outputs = false,
        .host_root = NULL,
        .trusted_keys = {0},
        .k8s_audit =
            {
                .enabled = true,
                .open_params = config_xstrdup("http://:9765/k8s-audit"),
                .ssl_certificate = config_xstrdup("/etc/rulec/rulec.pem"),
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
    char *strings[] = {cfg->file_name,
                       cfg->host_root,
                       cfg->program,
                       cfg->http.url,
                       cfg->http.user_agent,
                       cfg->http.ca_cert,
                       cfg->http.ca_bundle,
                       cfg->http.ca_path,
                       cfg->http.client_cert,
                       cfg->http.client_key,
                       cfg->web.listen_address,
                       cfg->web.healthz_endpoint,
                       cfg->web.ssl_certificate,
                       cfg->k8s_audit.open_params,
                       cfg->k8s_audit.ssl_certificate,
                       cfg->k8s_audit.ssl_key};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        free(strings[i]);
    struct config_list *lists[] = {&cfg->trusted_keys, &cfg->rules_files, &cfg->docker_sockets,
                                   &cfg->podman_sockets, &cfg->cri_sockets};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        config_list_clear(lists[i]);
    config_append_clear(cfg);
    for (size_t i = 0; i < cfg->nfiles; i++)
        src_file_free(&cfg->files[i]);
    free(cfg->files);
    /* Emptied, not reset to the defaults (which allocate): freeing again is harmless. */
    memset(cfg, 0, sizeof(*cfg));
}

const struct config_key *config_key_find(const char *path)
{
    for (size_t i = 0; i < _NKEYS; i++)
        if (strcmp(_keys[i].path, path) == 0)
            return &_keys[i];
    return NULL;
}

bool config_key_is_section(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < _NKEYS; i++)
        if (strncmp(_keys[i].path, path, n) == 0 && _keys[i].path[n] == '.')
            return true;
    return false;
}

void config_key_each(void (*fn)(void *ctx, const char *path), void *ctx)
{
    for (size_t i = 0; i < _NKEYS; i++)
        fn(ctx, _keys[i].path);
}

void *config_key_slot(struct rulec_config *cfg, const struct config_key *key)
{
    return (char *)cfg + key->offset;
}

/* yaml-cpp's convert<bool> (what Falco's get_scalar<bool> uses): y, yes,
 * true, on and their negations, each in lower, Title or UPPER case. */
int config_parse_bool(const char *s, bool *out)
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

int config_key_set(struct rulec_config *cfg, const struct config_key *key, const char *value,
                   char *err, size_t errlen)
{
    void *slot = config_key_slot(cfg, key);
    switch (key->kind) {
    case CK_BOOL:
        if (config_parse_bool(value, (bool *)slot) == 0)
            return 0;
        break;
    case CK_STRING:
        config_set_string((char **)slot, value);
        return 0;
    case CK_PRIORITY: {
        enum alert_priority p = priority_parse(value);
        if (p != ALERT_PRIO_MAX) {
            *(enum alert_priority *)slot = p;
            return 0;
        }
        break;
    }
    case CK_SIZE:
    case CK_UINT: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (*value >= '0' && *value <= '9' && !*end && !errno && v <= UINT32_MAX &&
            (v > 0 || key->kind == CK_UINT)) {
            if (key->kind == CK_SIZE)
                *(uint64_t *)slot = v;
            else
                *(unsigned *)slot = (unsigned)v;
            return 0;
        }
        break;
    }
    case CK_LIST: {
        /* -o KEY=a,b: the whole list, as a YAML sequence would give it; no empty entry. */
        if (!*value || strstr(value, ",,") || value[0] == ',' || value[strlen(value) - 1] == ',')
            break;
        struct config_list *l = slot;
        config_list_clear(l);
        l->set = true;
        for (const char *p = value; *p;) {
            size_t n = strcspn(p, ",");
            config_list_add(l, p, n);
            p += n;
            if (*p)
                p++;
        }
        return 0;
    }
    case CK_RATIO:
    case CK_NONNEG:
        if (_parse_number(value, 0, key->kind == CK_RATIO ? 1 : 1e12, (double *)slot) == 0)
            return 0;
        break;
    case CK_DROP_ACTIONS:
        return _parse_drop_actions(value, (unsigned *)slot, err, errlen);
    case CK_MATCHING:
        /* falco_common::parse_rule_matching: exactly these words. */
        if (!strcmp(value, "first") || !strcmp(value, "all")) {
            *(enum rule_matching *)slot =
                !strcmp(value, "all") ? RULE_MATCHING_ALL : RULE_MATCHING_FIRST;
            return 0;
        }
        snprintf(err, errlen, "unknown rule matching strategy \"%s\" (must be one of first, all)",
                 value);
        return -1;
    case CK_PORT: {
        char *end;
        errno = 0;
        unsigned long v = strtoul(value, &end, 10);
        if (*value >= '0' && *value <= '9' && !*end && !errno && v <= 65535) {
            *(unsigned *)slot = (unsigned)v;
            return 0;
        }
        break;
    }
    case CK_APPEND:
        return config_yaml_value(cfg, key->path, value, false, err, errlen);
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
    const struct config_key *k = config_key_find(name);
    if (!k) {
        const char *why = NULL;
        int d = config_falco_key(name, &why);
        if (d > 0) {
            snprintf(err, errlen, "'%s' is ignored: %s", name, why);
            return 1;
        }
        if (d < 0)
            snprintf(err, errlen, "'%s' is not supported: %s", name, why);
        else
            snprintf(err, errlen, "unknown configuration key '%s'", name);
        return -1;
    }
    if (!append)
        return config_key_set(cfg, k, value, err, errlen);
    if (k->kind == CK_APPEND)
        return config_yaml_value(cfg, k->path, value, true, err, errlen);
    if (k->kind != CK_LIST || !*value) {
        snprintf(err, errlen, "'%s[]' appends a non-empty entry to a list; '%s' is %s", name, name,
                 _kind_names[k->kind]);
        return -1;
    }
    config_list_add(config_key_slot(cfg, k), value, strlen(value));
    return 0;
}

void config_apply_env(struct rulec_config *cfg)
{
    const char *root = getenv("RULEC_HOST_ROOT");
    if (root && *root)
        config_set_string(&cfg->host_root, root);
}

bool config_hostname(char *buf, size_t len)
{
    const char *env = getenv("FALCO_HOSTNAME");
    if (env) {
        snprintf(buf, len, "%s", env);
        return true;
    }
    if (gethostname(buf, len - 1) < 0)
        snprintf(buf, len, "unknown");
    buf[len - 1] = '\0';
    return false;
}

void config_expand_env(struct strbuf *out, const char *text)
{
    /* yaml_helper::pre_process_env_vars: "${NAME}" is the variable (nothing when unset), "$${"
     * is a literal "${"; a "${" without its "}" and any other '$' stay as they are. Unlike
     * Falco, an expanded value is not scanned again, so a value holding "${" cannot loop. */
    for (const char *p = text; *p;) {
        const char *close = strchr(p, '}');
        if (p[0] == '$' && p[1] == '{' && close) {
            char name[256];
            snprintf(name, sizeof(name), "%.*s", (int)(close - p - 2), p + 2);
            const char *v = getenv(name);
            if (v)
                strbuf_puts(out, v);
            p = close + 1;
        } else if (p[0] == '$' && p[1] == '$' && p[2] == '{' && close) {
            strbuf_puts(out, "${");
            p += 3;
        } else {
            strbuf_append(out, p, 1);
            p++;
        }
    }
    if (!out->data)
        strbuf_puts(out, "");
}

int config_check(const struct rulec_config *cfg, bool at_file, const char **key, char *err,
                 size_t errlen)
{
    /* configuration.cpp's messages: an enabled sink needs its target. */
    if (cfg->file_enabled && (!cfg->file_name || !*cfg->file_name)) {
        *key = "file_output";
        snprintf(err, errlen,
                 "file output is enabled but has no file name (set "
                 "file_output.filename, for example /var/log/rulec.log%s)",
                 at_file ? "" : ", or use --output-file");
        return -1;
    }
    if (cfg->program_enabled && (!cfg->program || !*cfg->program)) {
        *key = "program_output";
        snprintf(err, errlen,
                 "program output is enabled but has no program (set program_output.program)");
        return -1;
    }
    if (cfg->http.enabled && (!cfg->http.url || !*cfg->http.url)) {
        *key = "http_output";
        snprintf(err, errlen, "http output is enabled but has no url (set http_output.url)");
        return -1;
    }
    /* init_outputs.cpp: Falco refuses to start with no output. */
    if (!at_file && !cfg->stdout_enabled && !cfg->file_enabled && !cfg->syslog_enabled &&
        !cfg->program_enabled && !cfg->http.enabled) {
        *key = NULL;
        snprintf(err, errlen,
                 "no output is enabled: alerts would go nowhere (enable stdout_output, "
                 "file_output, syslog_output, program_output or http_output)");
        return -1;
    }
    return 0;
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
        config_set_string(&cfg->file_name, ov->output_file);
    }
    if (ov->host_root)
        config_set_string(&cfg->host_root, ov->host_root);
    for (size_t i = 0; i < ov->ntrusted_keys; i++)
        config_list_add(&cfg->trusted_keys, ov->trusted_keys[i], strlen(ov->trusted_keys[i]));
    if (ov->k8s_audit) {
        config_set_string(&cfg->k8s_audit.open_params, ov->k8s_audit);
        cfg->k8s_audit.enabled = true;
    }
    _override_bool(&cfg->k8s_audit.enabled, ov->k8s_audit_enabled);
    const char *key;
    if (config_check(cfg, false, &key, err, errlen) < 0)
        return -1;
    return 0;
}
