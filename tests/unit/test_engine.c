/* runtime/engine.c on hand-made records: rule_matching first and all (several candidates on one
 * record, as the kernel marks them), append_output (extra_output, extra_fields, suggested_output,
 * and its match), json_include_message_property / _output_fields_property, and FALCO_HOSTNAME. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include <json-c/json.h>

#include "core/rulec_abi.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/outputs.h"

/* Three rules on openat, in this order; C's condition holds for this process (its name is the
 * test's), B's never does. record_size: the header and the two one-word masks. */
static const char _meta[] =
    "{\"format_version\": 2, \"compiler_version\": \"0.1.0\", \"sources_digest\": \"x\","
    " \"record_size\": 136, \"mask_words\": 1, \"slots\": [],"
    " \"rules\": ["
    "  {\"name\": \"A\", \"desc\": \"a\", \"source\": \"syscall\", \"priority\": \"Warning\","
    "   \"tags\": [\"net\", \"t1\"], \"output\": \"a pid=%proc.pid\","
    "   \"condition\": \"evt.type = openat\", \"kernel\": \"evt.type = openat\","
    "   \"kernel_exact\": true, \"enabled\": true, \"hooks\": [\"openat\"], \"unavailable\": []},"
    "  {\"name\": \"B\", \"desc\": \"b\", \"source\": \"syscall\", \"priority\": \"Error\","
    "   \"tags\": [\"net\"], \"output\": \"b pid=%proc.pid\","
    "   \"condition\": \"evt.type = openat and proc.pid = 0\", \"kernel\": \"evt.type = openat\","
    "   \"kernel_exact\": false, \"enabled\": true, \"hooks\": [\"openat\"], \"unavailable\": []},"
    "  {\"name\": \"C\", \"desc\": \"c\", \"source\": \"syscall\", \"priority\": \"Notice\","
    "   \"tags\": [], \"output\": \"c pid=%proc.pid\","
    "   \"condition\": \"evt.type = openat and proc.pid > 0\", \"kernel\": \"evt.type = openat\","
    "   \"kernel_exact\": false, \"enabled\": true, \"hooks\": [\"openat\"], \"unavailable\": []}"
    " ], \"sets\": [], \"hooks\": [{\"event\": \"openat\", \"nr\": 257, \"program\": \"g\"}],"
    " \"programs\": [], \"cid_cache\": null}";

struct _rec {
    struct rulec_record_hdr hdr;
    uint64_t cand, maybe;
};

struct _fixture {
    char path[64];
    struct rulec_config cfg;
    struct output_set *out;
    struct engine *eng;
};

/* cfg_text: configuration YAML (or NULL); the alerts go to a file, as JSON unless cfg says. */
static void _start(struct _fixture *f, const char *cfg_text)
{
    snprintf(f->path, sizeof(f->path), "/tmp/rulec-test-engine-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    config_init(&f->cfg);
    struct diag_list d = {0};
    if (cfg_text)
        assert_int_equal(
            config_parse(&f->cfg, src_file_new("t.yaml", cfg_text, strlen(cfg_text), 0), &d), 0);
    diag_list_free(&d);
    char err[512];
    assert_int_equal(config_set(&f->cfg, "file_output.enabled", "true", err, sizeof(err)), 0);
    assert_int_equal(config_set(&f->cfg, "file_output.filename", f->path, err, sizeof(err)), 0);
    assert_int_equal(config_set(&f->cfg, "stdout_output.enabled", "false", err, sizeof(err)), 0);
    int rc = engine_new_json(&f->eng, _meta, strlen(_meta), &f->cfg, err, sizeof(err));
    if (rc < 0)
        fail_msg("engine_new_json: %s", err);
    assert_int_equal(outputs_new(&f->out, &f->cfg, err, sizeof(err)), 0);
    engine_set_sinks(f->eng, f->out, NULL);
}

/* One openat record of this process with these candidates (bit i: rule i), the kernel unsure of
 * those in maybe. */
static void _record(struct _fixture *f, uint64_t cand, uint64_t maybe)
{
    struct _rec r = {.hdr = {.size = sizeof(r),
                             .evt_id = 257,
                             .ts_boot_ns = 1000,
                             .pid = (uint32_t)getpid(),
                             .tid = (uint32_t)getpid()},
                     .cand = cand,
                     .maybe = maybe};
    engine_handle_record(f->eng, &r, sizeof(r));
}

/* The alerts written so far, one JSON object (or text line) each; the caller frees. */
static char *_alerts(struct _fixture *f)
{
    outputs_flush(f->out);
    FILE *fp = fopen(f->path, "r");
    assert_non_null(fp);
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static int _count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void _stop(struct _fixture *f)
{
    outputs_free(&f->out);
    engine_free(&f->eng);
    config_free(&f->cfg);
    unlink(f->path);
}

/* falco_engine::process_event: first stops at the first rule that matches, in rule order; a
 * "maybe" candidate whose condition fails does not count; all alerts every match, in order. */
static void test_rule_matching(void **state)
{
    (void)state;
    struct _fixture f;
    _start(&f, "json_output: true\n");
    _record(&f, 0x7, 0x6); /* A yes, B maybe (no), C maybe (yes) */
    _record(&f, 0x6, 0x6); /* B maybe (no), C maybe (yes) */
    char *a = _alerts(&f);
    assert_int_equal(_count(a, "\"rule\":\"A\""), 1);
    assert_int_equal(_count(a, "\"rule\":\"B\""), 0);
    assert_int_equal(_count(a, "\"rule\":\"C\""), 1); /* only where A did not match first */
    free(a);
    _stop(&f);

    _start(&f, "json_output: true\nrule_matching: all\n");
    _record(&f, 0x7, 0x6);
    a = _alerts(&f);
    assert_int_equal(_count(a, "\"rule\":\"A\""), 1);
    assert_int_equal(_count(a, "\"rule\":\"B\""), 0);
    assert_int_equal(_count(a, "\"rule\":\"C\""), 1);
    assert_true(strstr(a, "\"rule\":\"A\"") < strstr(a, "\"rule\":\"C\"")); /* in rule order */
    free(a);
    _stop(&f);

    /* A rule below `priority` is not loaded in Falco: it cannot shadow a later rule. */
    _start(&f, "json_output: true\npriority: notice\nrule_matching: first\n");
    _record(&f, 0x5, 0x4); /* A (Warning) yes, C (Notice) yes */
    a = _alerts(&f);
    assert_int_equal(_count(a, "\"rule\":\"A\""), 1);
    assert_int_equal(_count(a, "\"rule\":\"C\""), 0);
    free(a);
    _stop(&f);
    _start(&f, "json_output: true\npriority: error\n");
    _record(&f, 0x7, 0x6); /* A muted, B no, C muted */
    a = _alerts(&f);
    assert_int_equal(_count(a, "\"rule\""), 0);
    free(a);
    _stop(&f);
}

static struct json_object *_first_json(const char *alerts, const char *rule)
{
    char needle[64];
    snprintf(needle, sizeof(needle), "\"rule\":\"%s\"", rule);
    const char *p = strstr(alerts, needle);
    assert_non_null(p);
    while (p > alerts && p[-1] != '\n')
        p--;
    size_t n = strcspn(p, "\n");
    char *line = strndup(p, n);
    struct json_object *o = json_tokener_parse(line);
    free(line);
    assert_non_null(o);
    return o;
}

static const char *_str(struct json_object *o, const char *k1, const char *k2)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, k1, &v))
        return NULL;
    if (k2 && !json_object_object_get_ex(v, k2, &v))
        return NULL;
    return json_object_get_string(v);
}

/* rule_loader_compiler.cpp and formats.cpp: extra_output appended after a space to the rules it
 * matches (source, all tags, rule), extra_fields in output_fields only (a template as text, a raw
 * field with its own type), suggested_output the container plugin's fields. */
static void test_append_output(void **state)
{
    (void)state;
    struct _fixture f;
    _start(&f, "json_output: true\n"
               "json_include_message_property: true\n"
               "append_output:\n"
               "  - match: {tags: [net]}\n"
               "    extra_output: \"on %evt.type\"\n"
               "    extra_fields:\n"
               "      - who: \"pid %proc.pid\"\n"
               "      - proc.pid\n"
               "  - match: {rule: C, source: syscall}\n"
               "    suggested_output: true\n"
               "  - match: {source: k8s_audit}\n"
               "    extra_output: \"never\"\n");
    _record(&f, 0x1, 0);
    _record(&f, 0x4, 0x4);
    char *a = _alerts(&f);
    struct json_object *o = _first_json(a, "A");
    char expect[128];
    snprintf(expect, sizeof(expect), "a pid=%d on openat", (int)getpid());
    assert_string_equal(_str(o, "message", NULL), expect);
    assert_non_null(strstr(_str(o, "output", NULL), expect));
    snprintf(expect, sizeof(expect), "pid %d", (int)getpid());
    assert_string_equal(_str(o, "output_fields", "who"), expect);
    struct json_object *fields, *pid;
    assert_true(json_object_object_get_ex(o, "output_fields", &fields));
    assert_true(json_object_object_get_ex(fields, "proc.pid", &pid));
    assert_true(json_object_is_type(pid, json_type_int));
    assert_string_equal(_str(o, "output_fields", "evt.type"), "openat");
    json_object_put(o);

    o = _first_json(a, "C");
    const char *msg = _str(o, "message", NULL);
    snprintf(expect, sizeof(expect), "c pid=%d container_id=", (int)getpid());
    assert_non_null(strstr(msg, expect));
    assert_non_null(strstr(msg, " container_name="));
    assert_non_null(strstr(msg, " container_image_repository="));
    assert_non_null(strstr(msg, " container_image_tag="));
    assert_non_null(strstr(msg, " k8s_pod_name="));
    assert_non_null(strstr(msg, " k8s_ns_name="));
    assert_null(strstr(msg, "never"));
    assert_null(strstr(msg, " on openat")); /* C has no tag net */
    assert_true(json_object_object_get_ex(o, "output_fields", &fields));
    struct json_object *v;
    assert_true(json_object_object_get_ex(fields, "container.id", &v));
    assert_true(json_object_object_get_ex(fields, "k8s.ns.name", &v));
    assert_false(json_object_object_get_ex(fields, "who", &v));
    json_object_put(o);
    free(a);
    _stop(&f);

    /* Text alerts carry extra_output, never extra_fields; no output_fields: no extra fields. */
    _start(&f, "append_output: [{extra_output: \"(%proc.pid)\", extra_fields: [{k: v}]}]\n");
    _record(&f, 0x1, 0);
    a = _alerts(&f);
    snprintf(expect, sizeof(expect), "Warning a pid=%d (%d)\n", (int)getpid(), (int)getpid());
    assert_non_null(strstr(a, expect));
    free(a);
    _stop(&f);
    _start(&f, "json_output: true\njson_include_output_fields_property: false\n"
               "append_output: [{extra_fields: [{k: v}]}]\n");
    _record(&f, 0x1, 0);
    a = _alerts(&f);
    assert_null(strstr(a, "output_fields"));
    assert_null(strstr(a, "\"message\""));
    free(a);
    _stop(&f);
}

/* A field of another source cannot be appended to a rule (Falco's is_format_valid). */
static void test_append_output_wrong_source(void **state)
{
    (void)state;
    struct rulec_config cfg;
    config_init(&cfg);
    char err[512];
    assert_int_equal(
        config_set(&cfg, "append_output[]", "{extra_output: \"%ka.verb\"}", err, sizeof(err)), 0);
    struct engine *eng = NULL;
    assert_int_equal(engine_new_json(&eng, _meta, strlen(_meta), &cfg, err, sizeof(err)),
                     ENGINE_ERR_CONFIG);
    assert_non_null(strstr(err, "'ka.verb' is not a field of source syscall"));
    engine_free(&eng);
    config_free(&cfg);
}

static void test_falco_hostname(void **state)
{
    (void)state;
    setenv("FALCO_HOSTNAME", "pod-abc", 1);
    struct _fixture f;
    _start(&f, "json_output: true\nappend_output: [{extra_fields: [evt.hostname]}]\n");
    unsetenv("FALCO_HOSTNAME");
    _record(&f, 0x1, 0);
    char *a = _alerts(&f);
    struct json_object *o = _first_json(a, "A");
    assert_string_equal(_str(o, "hostname", NULL), "pod-abc");
    assert_string_equal(_str(o, "output_fields", "evt.hostname"), "pod-abc");
    json_object_put(o);
    free(a);
    _stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_matching),
        cmocka_unit_test(test_append_output),
        cmocka_unit_test(test_append_output_wrong_source),
        cmocka_unit_test(test_falco_hostname),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
