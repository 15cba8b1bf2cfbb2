/* runtime/config.c and core/priority.c: falco.yaml's output keys, their
 * defaults, type errors at line:col, and command-line overrides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "core/priority.h"
#include "runtime/config.h"

/* Parses text as a configuration file; returns config_parse's result. */
static int _parse(struct rulec_config *cfg, struct diag_list *diags, const char *text)
{
    config_init(cfg);
    *diags = (struct diag_list){0};
    return config_parse(cfg, src_file_new("rulec.yaml", text, strlen(text), 0), diags);
}

static void _done(struct rulec_config *cfg, struct diag_list *diags)
{
    diag_list_free(diags);
    config_free(cfg);
}

static void test_priority_names(void **state)
{
    (void)state;
    static const char *const names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                        "Warning",   "Notice", "Informational", "Debug"};
    for (int p = 0; p < ALERT_PRIO_MAX; p++) {
        assert_string_equal(priority_to_string((enum alert_priority)p), names[p]);
        assert_int_equal(priority_parse(names[p]), p);
    }
    assert_int_equal(priority_parse("WARNING"), ALERT_PRIO_WARNING);
    assert_int_equal(priority_parse("eMeRgEnCy"), ALERT_PRIO_EMERGENCY);
    assert_int_equal(priority_parse("info"), ALERT_PRIO_INFORMATIONAL);
    assert_int_equal(priority_parse("INFO"), ALERT_PRIO_INFORMATIONAL);
    assert_int_equal(priority_parse("warn"), ALERT_PRIO_MAX);
    assert_int_equal(priority_parse("crit"), ALERT_PRIO_MAX);
    assert_int_equal(priority_parse(""), ALERT_PRIO_MAX);
    assert_int_equal(priority_parse(NULL), ALERT_PRIO_MAX);
    assert_string_equal(priority_to_string(ALERT_PRIO_MAX), "Unknown");
    assert_true(priority_at_least(ALERT_PRIO_CRITICAL, ALERT_PRIO_WARNING));
    assert_true(priority_at_least(ALERT_PRIO_WARNING, ALERT_PRIO_WARNING));
    assert_false(priority_at_least(ALERT_PRIO_NOTICE, ALERT_PRIO_WARNING));
}

static void test_defaults(void **state)
{
    (void)state;
    struct rulec_config cfg;
    config_init(&cfg);
    assert_true(cfg.stdout_enabled);
    assert_false(cfg.syslog_enabled);
    assert_false(cfg.file_enabled);
    assert_null(cfg.file_name);
    assert_false(cfg.file_keep_alive);
    assert_false(cfg.json_output);
    assert_true(cfg.json_include_output);
    assert_true(cfg.json_include_tags);
    assert_int_equal(cfg.min_priority, ALERT_PRIO_DEBUG);
    assert_false(cfg.time_format_iso_8601);
    assert_false(cfg.buffered_outputs);
    assert_null(cfg.host_root);
    assert_int_equal(cfg.nfiles, 0);
    config_free(&cfg);
}

static void test_empty_file_keeps_defaults(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "# only a comment\n", "---\n", "~\n"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct rulec_config cfg;
        struct diag_list diags;
        assert_int_equal(_parse(&cfg, &diags, texts[i]), 0);
        assert_int_equal(diags.len, 0);
        assert_true(cfg.stdout_enabled);
        assert_int_equal(cfg.min_priority, ALERT_PRIO_DEBUG);
        _done(&cfg, &diags);
    }
}

static void test_every_key(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "time_format_iso_8601: true\n"
                            "priority: Warning\n"
                            "json_output: true\n"
                            "json_include_output_property: false\n"
                            "json_include_tags_property: false\n"
                            "buffered_outputs: true\n"
                            "host_root: /host\n"
                            "stdout_output:\n"
                            "  enabled: false\n"
                            "syslog_output:\n"
                            "  enabled: true\n"
                            "file_output:\n"
                            "  enabled: true\n"
                            "  keep_alive: true\n"
                            "  filename: /var/log/rulec.log\n"),
                     0);
    assert_int_equal(diags.len, 0);
    assert_true(cfg.time_format_iso_8601);
    assert_int_equal(cfg.min_priority, ALERT_PRIO_WARNING);
    assert_true(cfg.json_output);
    assert_false(cfg.json_include_output);
    assert_false(cfg.json_include_tags);
    assert_true(cfg.buffered_outputs);
    assert_string_equal(cfg.host_root, "/host");
    assert_false(cfg.stdout_enabled);
    assert_true(cfg.syslog_enabled);
    assert_true(cfg.file_enabled);
    assert_true(cfg.file_keep_alive);
    assert_string_equal(cfg.file_name, "/var/log/rulec.log");
    _done(&cfg, &diags);
}

/* Every key of a file is accounted for (runtime/config_yaml.c): Falco's keys that mean nothing
 * to rulec are warnings saying why, the ones asking for what rulec does not do and keys nobody
 * has are errors at their place, and switched-off Falco features say nothing. */
static void test_falco_keys_ignored(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "config_files:\n"           /* 1 */
                            "  - /etc/falco/config.d\n" /* 2 */
                            "rules_files: [/etc/falco/falco_rules.yaml]\n"
                            "engine:\n" /* 4 */
                            "  kind: modern_ebpf\n"
                            "  modern_ebpf: {cpus_for_each_buffer: 2, buf_size_preset: 4}\n"
                            "plugins:\n"
                            "  - name: container\n" /* 8:5 */
                            "    init_config: {label_max_len: 100}\n"
                            "  - name: k8saudit\n"
                            "    open_params: 'http://:8765/k8s-audit'\n"
                            "load_plugins: [k8saudit, json]\n" /* 12 */
                            "capture: {enabled: false, mode: rules}\n"
                            "metrics: {enabled: false, output_rule: true, interval: 1h}\n"
                            "log_level: info\n" /* 15 */
                            "static_fields: {}\n"
                            "json_output: true\n"),
                     0);
    assert_int_equal(diags.errors, 0);
    assert_int_equal(diags.warnings, 5);
    assert_diag_at(&diags, DIAG_RULEC_IGNORED_KEY, 1, 1);
    assert_diag_at(&diags, DIAG_RULEC_IGNORED_KEY, 4, 1);
    assert_diag_at(&diags, DIAG_RULEC_IGNORED_KEY, 8, 5);
    assert_diag_at(&diags, DIAG_RULEC_IGNORED_KEY, 12, 1);
    assert_diag_at(&diags, DIAG_RULEC_IGNORED_KEY, 15, 1);
    assert_non_null(strstr(diags.items[1].message, "'engine' is ignored: the compiled policy"));
    assert_non_null(strstr(diags.items[2].message, "plugin 'container' is ignored"));
    assert_true(cfg.json_output);
    assert_int_equal(cfg.rules_files.n, 1);
    assert_string_equal(cfg.k8s_audit.open_params, "http://:8765/k8s-audit");
    _done(&cfg, &diags);
}

/* A falco.yaml with every key Falco 0.41.3 ships, as it ships them, loads: only warnings, and
 * its values. RULEC_FALCO_YAML names another such file (a fetched copy of Falco's own). */
static void test_stock_falco_yaml(void **state)
{
    (void)state;
    const char *env = getenv("RULEC_FALCO_YAML");
    const char *path = env && *env ? env : "tests/corpus/config/falco-stock.yaml";
    struct rulec_config cfg;
    struct diag_list diags = {0};
    config_init(&cfg);
    assert_int_equal(config_load(&cfg, path, &diags), 0);
    assert_int_equal(diags.errors, 0);
    assert_true(diags.warnings > 5);
    for (size_t i = 0; i < diags.len; i++)
        assert_int_equal(diags.items[i].code, DIAG_RULEC_IGNORED_KEY);
    assert_true(cfg.syslog_enabled);
    assert_true(cfg.web.enabled);
    assert_int_equal(cfg.web.listen_port, 8765);
    assert_int_equal(cfg.rule_matching, RULE_MATCHING_FIRST);
    assert_int_equal(cfg.nappend, 1);
    assert_true(cfg.append[0].suggested_output);
    assert_int_equal(cfg.rules_files.n, 3);
    _done(&cfg, &diags);
}

static void test_unsupported_and_unknown_keys(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "capture:\n"
                            "  enabled: true\n" /* 2:12 */
                            "file_ouptut:\n"    /* 3:1 */
                            "  enabled: true\n"
                            "file_output:\n"
                            "  enabled: false\n"
                            "  rotate: daily\n"                 /* 7:3 */
                            "static_fields: {foo: bar}\n"       /* 8:16 */
                            "rules: [{disable: {rule: '*'}}]\n" /* 9:8 */
                            "buffer_format_base64: true\n"      /* 10:23 */
                            "file_output.enabled: notabool\n"   /* 11:1 */
                            "metrics:\n"
                            "  enabled: true\n"
                            "  output_rule: true\n" /* 14:16 */
                            "rule_matching: some\n" /* 15:16 */
                            "nosuchkey: 1\n"),      /* 16:1 */
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 12);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 7, 3);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 8, 16);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 9, 8);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 10, 23);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 11, 1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 14, 16);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 15, 16);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 16, 1);
    assert_int_equal(diags.errors, 10);
    bool capture = false, typo = false, matching = false;
    for (size_t i = 0; i < diags.len; i++) {
        capture |= strstr(diags.items[i].message, "'capture.enabled: true' is not supported") != 0;
        typo |= strstr(diags.items[i].message, "did you mean 'file_output'?") != 0;
        matching |= strstr(diags.items[i].message, "must be one of first, all") != 0;
    }
    assert_true(capture && typo && matching);
    _done(&cfg, &diags);

    /* -o: an ignored key warns (1), an unsupported or unknown one is an error. */
    char err[256];
    config_init(&cfg);
    assert_int_equal(config_set(&cfg, "engine.kind", "kmod", err, sizeof(err)), 1);
    assert_non_null(strstr(err, "is ignored"));
    assert_int_equal(config_set(&cfg, "static_fields", "x", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not supported"));
    assert_int_equal(config_set(&cfg, "rule_matching", "all", err, sizeof(err)), 0);
    assert_int_equal(cfg.rule_matching, RULE_MATCHING_ALL);
    config_free(&cfg);
}

/* The output keys of Falco 0.36 to 0.41 rulec reads, from YAML and from -o. */
static void test_output_keys(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    config_init(&cfg);
    assert_false(cfg.json_include_message);
    assert_true(cfg.json_include_output_fields);
    assert_int_equal(cfg.rule_matching, RULE_MATCHING_FIRST);
    assert_false(cfg.program_enabled || cfg.http.enabled || cfg.web.enabled);
    assert_string_equal(cfg.http.user_agent, "falcosecurity/falco");
    assert_string_equal(cfg.http.ca_path, "/etc/ssl/certs");
    assert_int_equal(cfg.http.max_consecutive_timeouts, 5);
    assert_int_equal(cfg.output_timeout_ms, 2000);
    assert_int_equal(cfg.web.listen_port, 8765);
    assert_string_equal(cfg.web.healthz_endpoint, "/healthz");
    config_free(&cfg);

    assert_int_equal(_parse(&cfg, &diags,
                            "json_include_message_property: true\n"
                            "json_include_output_fields_property: false\n"
                            "rule_matching: all\n"
                            "outputs_queue: {capacity: 100}\n"
                            "output_timeout: 500\n"
                            "program_output:\n"
                            "  enabled: true\n"
                            "  keep_alive: true\n"
                            "  program: \"jq '{text: .output}' > /dev/null\"\n"
                            "http_output:\n"
                            "  enabled: true\n"
                            "  url: http://127.0.0.1:2801/\n"
                            "  user_agent: me\n"
                            "  insecure: true\n"
                            "  ca_cert: /ca.pem\n"
                            "  mtls: true\n"
                            "  client_cert: /c.pem\n"
                            "  client_key: /k.pem\n"
                            "  echo: true\n"
                            "  compress_uploads: true\n"
                            "  keep_alive: true\n"
                            "  max_consecutive_timeouts: 2\n"
                            "webserver:\n"
                            "  enabled: true\n"
                            "  threadiness: 2\n"
                            "  listen_port: 0\n"
                            "  listen_address: 127.0.0.1\n"
                            "  k8s_healthz_endpoint: /health\n"
                            "  prometheus_metrics_enabled: true\n"
                            "  ssl_enabled: false\n"
                            "  ssl_certificate: /w.pem\n"
                            "metrics: {enabled: true, output_rule: false, interval: 1h}\n"),
                     0);
    assert_int_equal(diags.len, 0);
    assert_true(cfg.json_include_message);
    assert_false(cfg.json_include_output_fields);
    assert_int_equal(cfg.rule_matching, RULE_MATCHING_ALL);
    assert_int_equal(cfg.outputs_queue_capacity, 100);
    assert_int_equal(cfg.output_timeout_ms, 500);
    assert_true(cfg.program_enabled && cfg.program_keep_alive);
    assert_string_equal(cfg.program, "jq '{text: .output}' > /dev/null");
    assert_true(cfg.http.enabled && cfg.http.insecure && cfg.http.mtls && cfg.http.echo &&
                cfg.http.compress_uploads && cfg.http.keep_alive);
    assert_string_equal(cfg.http.url, "http://127.0.0.1:2801/");
    assert_string_equal(cfg.http.user_agent, "me");
    assert_string_equal(cfg.http.ca_cert, "/ca.pem");
    assert_string_equal(cfg.http.client_key, "/k.pem");
    assert_int_equal(cfg.http.max_consecutive_timeouts, 2);
    assert_true(cfg.web.enabled && cfg.web.prometheus && cfg.metrics_enabled);
    assert_int_equal(cfg.web.threadiness, 2);
    assert_int_equal(cfg.web.listen_port, 0);
    assert_string_equal(cfg.web.listen_address, "127.0.0.1");
    assert_string_equal(cfg.web.healthz_endpoint, "/health");
    assert_string_equal(cfg.web.ssl_certificate, "/w.pem");
    _done(&cfg, &diags);

    /* Enabled sinks need their target, at the section (configuration.cpp's errors). */
    assert_int_equal(_parse(&cfg, &diags, "http_output:\n  enabled: true\n"), -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 1);
    assert_non_null(strstr(diags.items[0].message, "no url"));
    _done(&cfg, &diags);
    assert_int_equal(_parse(&cfg, &diags, "json_output: true\nprogram_output: {enabled: true}\n"),
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 1);
    _done(&cfg, &diags);
    assert_int_equal(_parse(&cfg, &diags, "webserver: {listen_port: 70000}\n"), -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 26);
    _done(&cfg, &diags);

    /* http or program alone is an output: no "no output enabled". */
    struct config_overrides ov;
    char err[256];
    config_init(&cfg);
    config_overrides_init(&ov);
    ov.stdout_enabled = 0;
    assert_int_equal(config_set(&cfg, "program_output.enabled", "true", err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "program_output.program", "cat", err, sizeof(err)), 0);
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    config_free(&cfg);
}

/* append_output: Falco 0.39's entries, from YAML and from -o, and their mistakes at their place. */
static void test_append_output(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "append_output:\n"
                            "  - suggested_output: true\n"
                            "  - match:\n"
                            "      source: syscall\n"
                            "      tags: [network, container]\n"
                            "      rule: Some rule\n"
                            "    extra_output: \"on CPU %evt.cpu\"\n"
                            "    extra_fields:\n"
                            "      - home_directory: \"${RULEC_TEST_HOME}\"\n"
                            "      - evt.hostname\n"),
                     0);
    /* A rule and tags in one entry: configuration.cpp's warning. */
    assert_int_equal(diags.warnings, 1);
    assert_int_equal(cfg.nappend, 2);
    assert_true(cfg.append[0].suggested_output);
    assert_null(cfg.append[0].source);
    const struct config_append *a = &cfg.append[1];
    assert_string_equal(a->source, "syscall");
    assert_string_equal(a->rule, "Some rule");
    assert_int_equal(a->tags.n, 2);
    assert_string_equal(a->extra_output, "on CPU %evt.cpu");
    assert_int_equal(a->nfields, 2);
    assert_string_equal(a->fields[0].key, "home_directory");
    assert_string_equal(a->fields[0].format, ""); /* ${RULEC_TEST_HOME} is unset */
    assert_string_equal(a->fields[1].key, "evt.hostname");
    assert_null(a->fields[1].format);
    _done(&cfg, &diags);

    setenv("RULEC_TEST_HOME", "/home/x", 1);
    assert_int_equal(_parse(&cfg, &diags,
                            "append_output:\n"
                            "  - extra_fields: [{home: \"${RULEC_TEST_HOME} $${HOME}\"}]\n"),
                     0);
    assert_string_equal(cfg.append[0].fields[0].format, "/home/x ${HOME}");
    _done(&cfg, &diags);
    unsetenv("RULEC_TEST_HOME");

    assert_int_equal(_parse(&cfg, &diags,
                            "append_output:\n"
                            "  - extra_output: \"%no.such.field\"\n" /* 2:19 */
                            "  - extra_fields: [proc.nosuch]\n"      /* 3:20 */
                            "  - extra_fields: [{a: x}, {a: y}]\n"   /* 4:32 */
                            "  - suggested_output: maybe\n"          /* 5:23 */
                            "  - match: {colour: red}\n"             /* 6:13 */
                            "  - output: x\n"                        /* 7:5 */
                            "  - just a string\n"),                  /* 8:5 */
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 19);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 20);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 4, 32);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 5, 23);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 13);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 7, 5);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 8, 5);
    _done(&cfg, &diags);

    /* -o: append_output[]= adds one entry, append_output= replaces the list (YAML values). */
    char err[256];
    config_init(&cfg);
    assert_int_equal(
        config_set(&cfg, "append_output[]", "{suggested_output: true}", err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "append_output[]",
                                "{match: {source: syscall}, extra_output: \"%proc.pid\"}", err,
                                sizeof(err)),
                     0);
    assert_int_equal(cfg.nappend, 2);
    assert_string_equal(cfg.append[1].extra_output, "%proc.pid");
    assert_int_equal(config_set(&cfg, "append_output", "[{extra_output: x}]", err, sizeof(err)), 0);
    assert_int_equal(cfg.nappend, 1);
    assert_int_equal(
        config_set(&cfg, "append_output[]", "{extra_output: \"%bad.field\"}", err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "bad.field"));
    config_free(&cfg);
}

static void test_hostname(void **state)
{
    (void)state;
    char buf[64];
    setenv("FALCO_HOSTNAME", "node-7", 1);
    assert_true(config_hostname(buf, sizeof(buf)));
    assert_string_equal(buf, "node-7");
    unsetenv("FALCO_HOSTNAME");
    assert_false(config_hostname(buf, sizeof(buf)));
    char expect[64] = {0};
    gethostname(expect, sizeof(expect) - 1);
    assert_string_equal(buf, expect);
}

static void test_booleans_as_yaml_cpp(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool value;
    } cases[] = {
        {"true", true},   {"True", true}, {"TRUE", true}, {"yes", true},      {"Yes", true},
        {"ON", true},     {"y", true},    {"Y", true},    {"\"true\"", true}, {"false", false},
        {"FALSE", false}, {"no", false},  {"Off", false}, {"n", false},       {"'false'", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[64];
        snprintf(text, sizeof(text), "json_output: %s\n", cases[i].text);
        struct rulec_config cfg;
        struct diag_list diags;
        assert_int_equal(_parse(&cfg, &diags, text), 0);
        assert_int_equal(cfg.json_output, cases[i].value);
        _done(&cfg, &diags);
    }
}

static void test_priority_any_case(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum alert_priority prio;
    } cases[] = {
        {"emergency", ALERT_PRIO_EMERGENCY}, {"ALERT", ALERT_PRIO_ALERT},
        {"Critical", ALERT_PRIO_CRITICAL},   {"error", ALERT_PRIO_ERROR},
        {"warning", ALERT_PRIO_WARNING},     {"notice", ALERT_PRIO_NOTICE},
        {"info", ALERT_PRIO_INFORMATIONAL},  {"Informational", ALERT_PRIO_INFORMATIONAL},
        {"\"debug\"", ALERT_PRIO_DEBUG},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[64];
        snprintf(text, sizeof(text), "priority: %s\n", cases[i].text);
        struct rulec_config cfg;
        struct diag_list diags;
        assert_int_equal(_parse(&cfg, &diags, text), 0);
        assert_int_equal(cfg.min_priority, cases[i].prio);
        _done(&cfg, &diags);
    }
}

/* Each wrong type is reported at its value, with the key and what was expected. */
static void test_wrong_types_at_line_col(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "json_output: maybe\n"  /* 1:14 */
                            "priority: loud\n"      /* 2:11 */
                            "stdout_output: true\n" /* 3:16 */
                            "syslog_output:\n"
                            "  enabled: [1, 2]\n" /* 5:12 */
                            "file_output:\n"
                            "  filename: {a: b}\n"       /* 7:13 */
                            "  keep_alive:\n"            /* 8:14 (null) */
                            "buffered_outputs: {x: 1}\n" /* 9:19 */
                            "time_format_iso_8601: 1\n"  /* 10:23 */
                            "host_root: [a]\n"),         /* 11:12 */
                     -1);
    assert_int_equal(diags.errors, 9);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 14);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 11);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 16);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 5, 12);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 7, 13);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 8, 14);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 9, 19);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 10, 23);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 11, 12);
    /* The messages name the key and the expected type. */
    assert_non_null(strstr(diags.items[0].message, "'json_output' must be a boolean"));
    assert_non_null(strstr(diags.items[0].message, "'maybe'"));
    assert_non_null(strstr(diags.items[1].message, "priority"));
    assert_non_null(strstr(diags.items[1].message, "emergency"));
    assert_non_null(strstr(diags.items[2].message, "'stdout_output' must be a mapping"));
    assert_non_null(strstr(diags.items[5].message, "not null"));
    _done(&cfg, &diags);
}

static void test_top_level_not_mapping(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags, "# header\n- json_output: true\n"), -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 1);
    _done(&cfg, &diags);
}

static void test_parse_error_at_line_col(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags, "json_output: true\npriority: [debug\n"), -1);
    assert_int_equal(diags.len, 1);
    assert_int_equal(diags.items[0].code, DIAG_LOAD_ERR_YAML_PARSE);
    unsigned line, col;
    src_pos_linecol(diags.items[0].pos, &line, &col);
    assert_int_equal(line, 3); /* the flow sequence is still open at the end */
    _done(&cfg, &diags);

    assert_int_equal(_parse(&cfg, &diags, "a: b\n  c: d\n"), -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_PARSE, 2, 4);
    _done(&cfg, &diags);
}

/* libyaml counts characters; the caret must land on the byte. */
static void test_column_after_utf8(void **state)
{
    (void)state;
    const char *text = "file_output: {filename: \"/tmp/\xc3\xa9\xc3\xa9.log\", enabled: maybe}\n";
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags, text), -1);
    unsigned col = (unsigned)(strstr(text, "maybe") - text) + 1;
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 1, col);
    _done(&cfg, &diags);
}

static void test_file_output_needs_filename(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags, "json_output: true\nfile_output:\n  enabled: true\n"),
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 1);
    assert_non_null(strstr(diags.items[0].message, "filename"));
    _done(&cfg, &diags);

    /* A block with every key commented out is not an error. */
    assert_int_equal(_parse(&cfg, &diags, "file_output:\n#  enabled: true\n"), 0);
    assert_false(cfg.file_enabled);
    _done(&cfg, &diags);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags = {0};
    config_init(&cfg);
    assert_int_equal(config_load(&cfg, "/nonexistent/rulec.yaml", &diags), -1);
    assert_int_equal(diags.len, 1);
    assert_int_equal(diags.items[0].code, DIAG_LOAD_ERR_FILE_READ);
    assert_string_equal(diags.items[0].pos.file->path, "/nonexistent/rulec.yaml");
    assert_non_null(strstr(diags.items[0].message, "No such file"));
    _done(&cfg, &diags);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/rulec-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "priority: error\nfile_output: {enabled: true, filename: /tmp/x.log}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct rulec_config cfg;
    struct diag_list diags = {0};
    config_init(&cfg);
    assert_int_equal(config_load(&cfg, path, &diags), 0);
    assert_int_equal(cfg.min_priority, ALERT_PRIO_ERROR);
    assert_string_equal(cfg.file_name, "/tmp/x.log");
    assert_int_equal(cfg.nfiles, 1);
    assert_string_equal(cfg.files[0]->path, path);
    _done(&cfg, &diags);
    unlink(path);
}

/* Several files in turn: later keys win, and diagnostics from the first
 * still point into a live file when printed at the end. */
static void test_two_files(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags, "json_output: maybe\npriority: error\n"), -1);
    assert_int_equal(
        config_parse(&cfg, src_file_new("override.yaml", "priority: notice\n", 17, 1), &diags), 0);
    assert_int_equal(cfg.min_priority, ALERT_PRIO_NOTICE);
    assert_int_equal(cfg.nfiles, 2);
    FILE *sink = fopen("/dev/null", "w");
    diag_print(sink, &diags, DIAG_FORMAT_TEXT);
    fclose(sink);
    assert_string_equal(diags.items[0].pos.file->path, "rulec.yaml");
    _done(&cfg, &diags);
}

static void test_overrides(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "json_output: false\npriority: debug\n"
                            "file_output: {enabled: false, filename: /a.log, keep_alive: true}\n"),
                     0);
    struct config_overrides ov;
    config_overrides_init(&ov);
    char err[256];
    /* Nothing given: nothing changes. */
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    assert_false(cfg.json_output);
    assert_false(cfg.file_enabled);
    assert_string_equal(cfg.file_name, "/a.log");

    ov.json_output = 1;
    ov.stdout_enabled = 0;
    ov.syslog_enabled = 1;
    ov.time_format_iso_8601 = 1;
    ov.buffered_outputs = 1;
    ov.min_priority = "NOTICE";
    ov.output_file = "/b.log";
    ov.host_root = "/host";
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    assert_true(cfg.json_output);
    assert_false(cfg.stdout_enabled);
    assert_true(cfg.syslog_enabled);
    assert_true(cfg.time_format_iso_8601);
    assert_true(cfg.buffered_outputs);
    assert_int_equal(cfg.min_priority, ALERT_PRIO_NOTICE);
    assert_true(cfg.file_enabled);
    assert_string_equal(cfg.file_name, "/b.log");
    assert_true(cfg.file_keep_alive); /* from the file: flags override only what they name */
    assert_string_equal(cfg.host_root, "/host");
    _done(&cfg, &diags);
}

static void test_override_errors(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct config_overrides ov;
    char err[256];

    config_init(&cfg);
    config_overrides_init(&ov);
    ov.min_priority = "loud";
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unknown priority 'loud'"));
    config_free(&cfg);

    config_init(&cfg);
    config_overrides_init(&ov);
    ov.output_file = "";
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), -1);
    config_free(&cfg);

    /* Falco refuses to start with no output enabled; so does rulec. */
    config_init(&cfg);
    config_overrides_init(&ov);
    ov.stdout_enabled = 0;
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no output"));
    config_free(&cfg);

    /* file output switched on by -o without a name. */
    config_init(&cfg);
    config_overrides_init(&ov);
    assert_int_equal(config_set(&cfg, "file_output.enabled", "true", err, sizeof(err)), 0);
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no file name"));
    config_free(&cfg);
}

static void test_config_set(void **state)
{
    (void)state;
    struct rulec_config cfg;
    char err[256];
    config_init(&cfg);
    assert_int_equal(config_set(&cfg, "file_output.filename", "/x.log", err, sizeof(err)), 0);
    assert_string_equal(cfg.file_name, "/x.log");
    assert_int_equal(config_set(&cfg, "syslog_output.enabled", "yes", err, sizeof(err)), 0);
    assert_true(cfg.syslog_enabled);
    assert_int_equal(config_set(&cfg, "priority", "info", err, sizeof(err)), 0);
    assert_int_equal(cfg.min_priority, ALERT_PRIO_INFORMATIONAL);
    assert_int_equal(config_set(&cfg, "json_output", "sure", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "'json_output' must be a boolean"));
    assert_int_equal(config_set(&cfg, "no.such.key", "1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unknown configuration key"));
    config_free(&cfg);
}

/* syscall_event_drops: falco.yaml's shipped values by default, every key read from YAML (the
 * actions as a sequence), from -o (a comma-separated or bracketed list), and Falco's errors. */
static void test_drops_defaults(void **state)
{
    (void)state;
    struct rulec_config cfg;
    config_init(&cfg);
    assert_int_equal(cfg.drops.actions, DROP_ACTION_LOG | DROP_ACTION_ALERT);
    assert_true(cfg.drops.threshold == 0.1);
    assert_true(cfg.drops.rate == 0.03333);
    assert_true(cfg.drops.max_burst == 1);
    assert_false(cfg.drops.simulate_drops);
    config_free(&cfg);
}

static void test_drops_keys(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags,
                            "syscall_event_drops:\n"
                            "  threshold: 0\n"
                            "  actions:\n"
                            "    - log\n"
                            "    - exit\n"
                            "  rate: 2.5\n"
                            "  max_burst: 10\n"
                            "  simulate_drops: true\n"),
                     0);
    assert_int_equal(diags.len, 0);
    assert_int_equal(cfg.drops.actions, DROP_ACTION_LOG | DROP_ACTION_EXIT);
    assert_true(cfg.drops.threshold == 0);
    assert_true(cfg.drops.rate == 2.5);
    assert_true(cfg.drops.max_burst == 10);
    assert_true(cfg.drops.simulate_drops);
    _done(&cfg, &diags);
    /* An empty list is "ignore", as in Falco. */
    assert_int_equal(_parse(&cfg, &diags, "syscall_event_drops:\n  actions: []\n"), 0);
    assert_int_equal(cfg.drops.actions, 0);
    _done(&cfg, &diags);
    assert_int_equal(_parse(&cfg, &diags, "syscall_event_drops:\n  actions: [ignore]\n"), 0);
    assert_int_equal(cfg.drops.actions, 0);
    _done(&cfg, &diags);
}

static void test_drops_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
        unsigned line, col;
    } cases[] = {
        {"syscall_event_drops:\n  actions: [log, shout]\n", "unknown action 'shout'", 2, 12},
        {"syscall_event_drops:\n  actions: [ignore, alert]\n", "do not make sense", 2, 12},
        {"syscall_event_drops:\n  actions: [[log]]\n", "must be a non-empty string", 2, 13},
        {"syscall_event_drops:\n  threshold: 1.5\n", "a number from 0 to 1", 2, 14},
        {"syscall_event_drops:\n  rate: fast\n", "a number (0 or more)", 2, 9},
        {"syscall_event_drops:\n  max_burst: -1\n", "a number (0 or more)", 2, 14},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rulec_config cfg;
        struct diag_list diags;
        assert_int_equal(_parse(&cfg, &diags, cases[i].text), -1);
        assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, cases[i].line, cases[i].col);
        assert_non_null(strstr(diags.items[0].message, cases[i].message));
        _done(&cfg, &diags);
    }
    struct rulec_config cfg;
    char err[256];
    config_init(&cfg);
    assert_int_equal(
        config_set(&cfg, "syscall_event_drops.actions", "[log, alert]", err, sizeof(err)), 0);
    assert_int_equal(cfg.drops.actions, DROP_ACTION_LOG | DROP_ACTION_ALERT);
    assert_int_equal(config_set(&cfg, "syscall_event_drops.actions", "exit", err, sizeof(err)), 0);
    assert_int_equal(cfg.drops.actions, DROP_ACTION_EXIT);
    assert_int_equal(config_set(&cfg, "syscall_event_drops.actions", "log,nope", err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "unknown action 'nope'"));
    assert_int_equal(cfg.drops.actions, DROP_ACTION_EXIT);
    assert_int_equal(config_set(&cfg, "syscall_event_drops.threshold", "0.5x", err, sizeof(err)),
                     -1);
    config_free(&cfg);
}

/* policy_trusted_keys: a sequence of paths; a later file replaces it, -o KEY=a,b too, -o KEY[]=a
 * and --trusted-key add to it; anything but a sequence of paths is an error at its place. */
static void test_trusted_keys(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    assert_int_equal(_parse(&cfg, &diags, "policy_trusted_keys: [/etc/rulec/keys, /k/old.pem]\n"),
                     0);
    assert_int_equal(cfg.trusted_keys.n, 2);
    assert_string_equal(cfg.trusted_keys.items[0], "/etc/rulec/keys");
    assert_string_equal(cfg.trusted_keys.items[1], "/k/old.pem");
    static const char later[] = "policy_trusted_keys:\n  - /k/new.pem\n";
    assert_int_equal(
        config_parse(&cfg, src_file_new("later.yaml", later, strlen(later), 1), &diags), 0);
    assert_int_equal(cfg.trusted_keys.n, 1);
    char err[256];
    assert_int_equal(config_set(&cfg, "policy_trusted_keys[]", "/k/o.pem", err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "policy_trusted_keys[]", "", err, sizeof(err)), -1);
    assert_int_equal(config_set(&cfg, "policy_trusted_keys", "", err, sizeof(err)), -1);
    assert_int_equal(config_set(&cfg, "policy_trusted_keys", "/a,,/b", err, sizeof(err)), -1);
    assert_int_equal(config_set(&cfg, "json_output[]", "true", err, sizeof(err)), -1);
    assert_int_equal(cfg.trusted_keys.n, 2);
    struct config_overrides ov;
    config_overrides_init(&ov);
    const char *flags[] = {"/k/flag.pem"};
    ov.trusted_keys = flags;
    ov.ntrusted_keys = 1;
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    assert_int_equal(cfg.trusted_keys.n, 3);
    assert_string_equal(cfg.trusted_keys.items[0], "/k/new.pem");
    assert_string_equal(cfg.trusted_keys.items[2], "/k/flag.pem");
    _done(&cfg, &diags);

    assert_int_equal(_parse(&cfg, &diags,
                            "policy_trusted_keys: /etc/rulec/keys\n" /* 1:22 */
                            "---\n"),
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 22);
    assert_non_null(strstr(diags.items[0].message, "a list of strings"));
    _done(&cfg, &diags);
    assert_int_equal(_parse(&cfg, &diags,
                            "policy_trusted_keys:\n"
                            "  - /ok.pem\n"
                            "  - {a: b}\n" /* 3:5 */
                            "  - ''\n"),   /* 4:5 */
                     -1);
    assert_int_equal(diags.errors, 2);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 5);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 4, 5);
    assert_int_equal(cfg.trusted_keys.n, 1);
    _done(&cfg, &diags);
}

static void test_env_host_root(void **state)
{
    (void)state;
    struct rulec_config cfg;
    config_init(&cfg);
    unsetenv("RULEC_HOST_ROOT");
    config_apply_env(&cfg);
    assert_null(cfg.host_root);
    setenv("RULEC_HOST_ROOT", "/host", 1);
    config_apply_env(&cfg);
    assert_string_equal(cfg.host_root, "/host");
    unsetenv("RULEC_HOST_ROOT");
    config_free(&cfg);
}

/* The k8s_audit source: its section, its defaults (the plugin's), and the
 * k8saudit entry of falco.yaml's plugins list, with init_config as a
 * mapping or as JSON text. */
static void test_k8s_audit(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    config_init(&cfg);
    assert_true(cfg.k8s_audit.enabled);
    assert_string_equal(cfg.k8s_audit.open_params, "http://:9765/k8s-audit");
    assert_string_equal(cfg.k8s_audit.ssl_certificate, "/etc/rulec/rulec.pem");
    assert_null(cfg.k8s_audit.ssl_key);
    assert_int_equal(cfg.k8s_audit.max_event_size, 262144);
    assert_int_equal(cfg.k8s_audit.webhook_max_batch_size, 12582912);
    config_free(&cfg);

    assert_int_equal(_parse(&cfg, &diags,
                            "k8s_audit:\n"
                            "  enabled: false\n"
                            "  open_params: https://127.0.0.1:8765/audit\n"
                            "  ssl_certificate: /c.pem\n"
                            "  ssl_key: /k.pem\n"
                            "  max_event_size: 1000\n"
                            "  webhook_max_batch_size: 2000\n"
                            "  webhook_timeout: 3\n"
                            "  webhook_max_connections: 4\n"
                            "  queue_max_bytes: 5000\n"),
                     0);
    assert_false(cfg.k8s_audit.enabled);
    assert_string_equal(cfg.k8s_audit.open_params, "https://127.0.0.1:8765/audit");
    assert_string_equal(cfg.k8s_audit.ssl_key, "/k.pem");
    assert_int_equal(cfg.k8s_audit.max_event_size, 1000);
    assert_int_equal(cfg.k8s_audit.webhook_max_batch_size, 2000);
    assert_int_equal(cfg.k8s_audit.webhook_timeout, 3);
    assert_int_equal(cfg.k8s_audit.webhook_max_connections, 4);
    assert_int_equal(cfg.k8s_audit.queue_max_bytes, 5000);
    _done(&cfg, &diags);

    assert_int_equal(_parse(&cfg, &diags,
                            "plugins:\n"
                            "  - name: json\n"
                            "    library_path: libjson.so\n"
                            "  - name: k8saudit\n"
                            "    library_path: libk8saudit.so\n"
                            "    init_config:\n"
                            "      sslCertificate: /etc/falco/falco.pem\n"
                            "      maxEventSize: 4096\n"
                            "    open_params: \"http://:8765/k8s-audit\"\n"
                            "load_plugins: [k8saudit, json]\n"),
                     0);
    /* The json plugin and load_plugins: warnings saying they are not needed. */
    assert_int_equal(diags.errors, 0);
    assert_int_equal(diags.warnings, 2);
    assert_string_equal(cfg.k8s_audit.open_params, "http://:8765/k8s-audit");
    assert_string_equal(cfg.k8s_audit.ssl_certificate, "/etc/falco/falco.pem");
    assert_int_equal(cfg.k8s_audit.max_event_size, 4096);
    _done(&cfg, &diags);

    assert_int_equal(_parse(&cfg, &diags,
                            "plugins:\n"
                            "  - name: k8saudit\n"
                            "    init_config: '{\"webhookMaxBatchSize\": 777}'\n"),
                     0);
    assert_int_equal(cfg.k8s_audit.webhook_max_batch_size, 777);
    _done(&cfg, &diags);

    /* wrong values, at their line:col */
    assert_int_equal(_parse(&cfg, &diags,
                            "k8s_audit:\n"
                            "  max_event_size: big\n"
                            "  webhook_timeout: 0\n"
                            "plugins:\n"
                            "  - name: k8saudit\n"
                            "    init_config:\n"
                            "      maxEventSize: -1\n"
                            "  - name: k8saudit\n"
                            "    init_config: 'not json'\n"),
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 19);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 20);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 7, 21);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 9, 18);
    _done(&cfg, &diags);

    /* flags: --k8s-audit switches it on with its params, --no-k8s-audit off */
    struct config_overrides ov;
    char err[256];
    config_init(&cfg);
    cfg.k8s_audit.enabled = false;
    config_overrides_init(&ov);
    ov.k8s_audit = "file:///var/log/audit.log";
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    assert_true(cfg.k8s_audit.enabled);
    assert_string_equal(cfg.k8s_audit.open_params, "file:///var/log/audit.log");
    config_overrides_init(&ov);
    ov.k8s_audit_enabled = 0;
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    assert_false(cfg.k8s_audit.enabled);
    assert_int_equal(config_set(&cfg, "k8s_audit.queue_max_bytes", "65536", err, sizeof(err)), 0);
    assert_int_equal(cfg.k8s_audit.queue_max_bytes, 65536);
    assert_int_equal(config_set(&cfg, "k8s_audit.webhook_timeout", "10s", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "a positive integer"));
    config_free(&cfg);
}

/* The configuration shipped in packaging/ loads with rulec's own reader
 * (the unit tests run from the top of the tree). */
static void test_packaged_config(void **state)
{
    (void)state;
    const char *path = "packaging/rulec.yaml";
    struct rulec_config cfg;
    struct diag_list diags = {0};
    config_init(&cfg);
    assert_int_equal(config_load(&cfg, path, &diags), 0);
    assert_int_equal(diags.len, 0);
    assert_true(cfg.file_enabled);
    assert_string_equal(cfg.file_name, "/var/log/rulec.log");
    assert_true(cfg.file_keep_alive); /* logrotate sends SIGHUP */
    assert_false(cfg.stdout_enabled);
    assert_false(cfg.k8s_audit.enabled); /* nodes receive no audit events */
    assert_string_equal(cfg.k8s_audit.open_params, "http://:9765/k8s-audit");
    /* The container engines as written there are the defaults. */
    assert_true(cfg.docker_sockets.set);
    assert_int_equal(cfg.docker_sockets.n, 1);
    assert_string_equal(cfg.docker_sockets.items[0], "/var/run/docker.sock");
    assert_int_equal(cfg.cri_sockets.n, 4);
    assert_int_equal(cfg.lookup_wait_ms, 5);
    struct config_overrides ov;
    config_overrides_init(&ov);
    char err[256];
    assert_int_equal(config_apply_overrides(&cfg, &ov, err, sizeof(err)), 0);
    _done(&cfg, &diags);
}

static void test_container_engines(void **state)
{
    (void)state;
    struct rulec_config cfg;
    struct diag_list diags;
    config_init(&cfg);
    assert_true(cfg.docker_enabled && cfg.podman_enabled && cfg.cri_enabled);
    assert_false(cfg.docker_sockets.set); /* the engine's own defaults apply */
    assert_int_equal(cfg.lookup_wait_ms, 5);
    assert_int_equal(cfg.engine_timeout_ms, 1000);
    assert_int_equal(cfg.label_max_len, 100);
    config_free(&cfg);

    assert_int_equal(_parse(&cfg, &diags,
                            "container_engines:\n"
                            "  docker:\n"
                            "    enabled: false\n"
                            "    sockets: [/a.sock, /b.sock]\n"
                            "  cri:\n"
                            "    sockets: []\n"
                            "  lookup_wait_ms: 20\n"
                            "  timeout_ms: 250\n"),
                     0);
    assert_false(cfg.docker_enabled);
    assert_int_equal(cfg.docker_sockets.n, 2);
    assert_string_equal(cfg.docker_sockets.items[1], "/b.sock");
    assert_true(cfg.cri_sockets.set); /* an empty list: no CRI socket at all */
    assert_int_equal(cfg.cri_sockets.n, 0);
    assert_int_equal(cfg.lookup_wait_ms, 20);
    assert_int_equal(cfg.engine_timeout_ms, 250);
    char err[256];
    assert_int_equal(
        config_set(&cfg, "container_engines.podman.sockets", "/x,/y", err, sizeof(err)), 0);
    assert_int_equal(cfg.podman_sockets.n, 2);
    assert_string_equal(cfg.podman_sockets.items[0], "/x");
    assert_int_equal(config_set(&cfg, "container_engines.lookup_wait_ms", "-1", err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "a whole number"));
    _done(&cfg, &diags);

    assert_int_equal(_parse(&cfg, &diags,
                            "container_engines:\n"
                            "  docker:\n"
                            "    sockets: [/a.sock, [nested]]\n"
                            "  label_max_len: many\n"),
                     -1);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 24);
    assert_diag_at(&diags, DIAG_LOAD_ERR_YAML_VALIDATE, 4, 18);
    _done(&cfg, &diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_priority_names),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_empty_file_keeps_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_falco_keys_ignored),
        cmocka_unit_test(test_stock_falco_yaml),
        cmocka_unit_test(test_unsupported_and_unknown_keys),
        cmocka_unit_test(test_output_keys),
        cmocka_unit_test(test_append_output),
        cmocka_unit_test(test_hostname),
        cmocka_unit_test(test_booleans_as_yaml_cpp),
        cmocka_unit_test(test_priority_any_case),
        cmocka_unit_test(test_wrong_types_at_line_col),
        cmocka_unit_test(test_top_level_not_mapping),
        cmocka_unit_test(test_parse_error_at_line_col),
        cmocka_unit_test(test_column_after_utf8),
        cmocka_unit_test(test_file_output_needs_filename),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_two_files),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test(test_config_set),
        cmocka_unit_test(test_trusted_keys),
        cmocka_unit_test(test_drops_defaults),
        cmocka_unit_test(test_drops_keys),
        cmocka_unit_test(test_drops_errors),
        cmocka_unit_test(test_env_host_root),
        cmocka_unit_test(test_k8s_audit),
        cmocka_unit_test(test_packaged_config),
        cmocka_unit_test(test_container_engines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
