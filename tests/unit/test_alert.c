/* core/alert.c: Falco's text and JSON alert lines, byte for byte
 * (falco_formats::format_event): the time prefix, the priority, the JSON
 * escaping Falco applies to text lines, key order, output_fields types,
 * tags, the options of falco.yaml, and UTF-8 replacement. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/test_util.h"

#include "core/alert.h"
#include "core/arena.h"
#include "core/format.h"
#include "core/strbuf.h"

/* 2023-11-14T22:13:20.123456789Z */
#define NS 1700000000123456789ull

static struct arena *_arena;
static char *_saved_tz;

static void _tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static int _setup(void **state)
{
    _arena = arena_new();
    const char *tz = getenv("TZ");
    _saved_tz = tz ? strdup(tz) : NULL;
    _tz("UTC");
    return 0;
}

static int _teardown(void **state)
{
    arena_free(&_arena);
    if (_saved_tz)
        setenv("TZ", _saved_tz, 1);
    else
        unsetenv("TZ");
    free(_saved_tz);
    tzset();
    return 0;
}

/* ---- a fake event -------------------------------------------------------- */

struct env {
    const char *name[8];
    struct field_value v[8];
    size_t n;
};

static int _get(void *ctx, const struct ast_field *f, struct field_value *out)
{
    struct env *env = ctx;
    for (size_t i = 0; i < env->n; i++) {
        if (!strcmp(env->name[i], f->name)) {
            *out = env->v[i];
            return 0;
        }
    }
    out->kind = FV_NONE;
    return 0;
}

static struct field_value *_put(struct env *env, const char *name)
{
    env->name[env->n] = name;
    memset(&env->v[env->n], 0, sizeof(env->v[0]));
    return &env->v[env->n++];
}

/* Renders the template, collects its fields and formats the alert. */
static const char *_alert(const char *output, struct env *env, const struct alert_options *opt,
                          const char *const *tags, size_t ntags)
{
    struct diag_list diags = {0};
    struct format_template *tpl = format_parse(_arena, output, strlen(output), NULL, &diags);
    assert_non_null(tpl);
    diag_list_free(&diags);
    struct strbuf msg = {0};
    assert_int_equal(format_render_sb(tpl, _get, env, &msg), 0);
    struct alert_field *fields = arena_alloc(_arena, (tpl->nfields + 1) * sizeof(*fields));
    assert_int_equal(alert_collect_fields(tpl, _get, env, fields), 0);
    struct alert a = {
        .rule = "Read sensitive file untrusted",
        .priority = ALERT_PRIO_WARNING,
        .source = "syscall",
        .tags = tags,
        .ntags = ntags,
        .hostname = "node-1",
        .time_ns = NS,
        .output = msg.data,
        .fields = fields,
        .nfields = tpl->nfields,
    };
    struct strbuf line = {0};
    assert_int_equal(alert_format(&line, &a, opt), 0);
    const char *s = arena_strdup(_arena, line.data);
    strbuf_free(&line);
    strbuf_free(&msg);
    return s;
}

static void _sensitive(struct env *env)
{
    struct field_value *v = _put(env, "fd.name");
    v->kind = FV_STR;
    v->str = (struct fv_str){"/etc/shadow", 11};
    v = _put(env, "proc.pid");
    v->kind = FV_UINT;
    v->u = 4242;
    v = _put(env, "proc.cmdline");
    v->kind = FV_STR;
    v->str = (struct fv_str){"cat /etc/shadow", 15};
}

#define OUTPUT                                                                                     \
    "Sensitive file opened (file=%fd.name pid=%proc.pid user=%user.name cmd=%proc.cmdline)"

static void test_text(void **state)
{
    struct env env = {0};
    _sensitive(&env);
    struct alert_options opt;
    alert_options_default(&opt);
    assert_string_equal(_alert(OUTPUT, &env, &opt, NULL, 0),
                        "22:13:20.123456789: Warning Sensitive file opened (file=/etc/shadow "
                        "pid=4242 user=<NA> cmd=cat /etc/shadow)");
    /* time_format_iso_8601 */
    opt.time_iso8601 = true;
    assert_string_equal(_alert("x", &env, &opt, NULL, 0),
                        "2023-11-14T22:13:20.123456789+0000: Warning x");
    /* evt.time is local time, with the offset now (libsinsp's gmt2local) */
    _tz("EST5");
    opt.time_iso8601 = false;
    assert_string_equal(_alert("x", &env, &opt, NULL, 0), "17:13:20.123456789: Warning x");
    _tz("UTC");
}

static void test_text_escaping(void **state)
{
    /* Falco passes text lines through nlohmann::json::dump(replace) too */
    struct env env = {0};
    struct field_value *v = _put(&env, "proc.cmdline");
    v->kind = FV_STR;
    static const char cmd[] = "sh -c \"echo a\\b\"\n\t\x01\x7f/\xc3\xa9\xff";
    v->str = (struct fv_str){cmd, sizeof(cmd) - 1};
    struct alert_options opt;
    alert_options_default(&opt);
    assert_string_equal(_alert("cmd=%proc.cmdline", &env, &opt, NULL, 0),
                        "22:13:20.123456789: Warning cmd=sh -c \\\"echo a\\\\b\\\"\\n\\t\\u0001"
                        "\x7f/\xc3\xa9\xef\xbf\xbd");
}

static void test_priorities(void **state)
{
    static const char *const names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                        "Warning",   "Notice", "Informational", "Debug"};
    struct alert_options opt;
    alert_options_default(&opt);
    for (int p = 0; p < ALERT_PRIO_MAX; p++) {
        struct alert a = {.rule = "r",
                          .priority = (enum alert_priority)p,
                          .source = "syscall",
                          .hostname = "h",
                          .time_ns = NS,
                          .output = "m"};
        struct strbuf sb = {0};
        assert_int_equal(alert_text(&sb, &a, &opt), 0);
        char want[64];
        snprintf(want, sizeof(want), "22:13:20.123456789: %s m", names[p]);
        assert_string_equal(sb.data, want);
        strbuf_free(&sb);
    }
}

static void test_json(void **state)
{
    struct env env = {0};
    _sensitive(&env);
    struct alert_options opt;
    alert_options_default(&opt);
    opt.json = true;
    static const char *const tags[] = {"mitre_credential_access", "filesystem", "T1555",
                                       "filesystem"};
    assert_string_equal(
        _alert(OUTPUT, &env, &opt, tags, 4),
        "{\"hostname\":\"node-1\","
        "\"output\":\"22:13:20.123456789: Warning Sensitive file opened (file=/etc/shadow "
        "pid=4242 user=<NA> cmd=cat /etc/shadow)\","
        "\"output_fields\":{\"evt.time\":1700000000123456789,\"fd.name\":\"/etc/shadow\","
        "\"proc.cmdline\":\"cat /etc/shadow\",\"proc.pid\":4242,\"user.name\":null},"
        "\"priority\":\"Warning\",\"rule\":\"Read sensitive file untrusted\","
        "\"source\":\"syscall\",\"tags\":[\"T1555\",\"filesystem\",\"mitre_credential_access\"],"
        "\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
}

static void test_json_options(void **state)
{
    struct env env = {0};
    struct field_value *v = _put(&env, "proc.name");
    v->kind = FV_STR;
    v->str = (struct fv_str){"b\"a\xff", 4};
    struct alert_options opt;
    alert_options_default(&opt);
    opt.json = true;
    opt.json_include_output = false;
    opt.json_include_tags = false;
    opt.json_include_message = true;
    opt.time_iso8601 = true;
    /* message is the rule output alone; the prefix field is
     * evt.time.iso8601, still integer nanoseconds */
    assert_string_equal(
        _alert("%tolower(proc.name) %proc.name", &env, &opt, NULL, 0),
        "{\"hostname\":\"node-1\",\"message\":\"b\\\"a\xef\xbf\xbd b\\\"a\xef\xbf\xbd\","
        "\"output_fields\":{\"evt.time.iso8601\":1700000000123456789,"
        "\"proc.name\":\"b\\\"a\xef\xbf\xbd\"},"
        "\"priority\":\"Warning\",\"rule\":\"Read sensitive file untrusted\","
        "\"source\":\"syscall\",\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
    opt.json_include_output_fields = false;
    opt.json_include_message = false;
    opt.json_include_tags = true;
    assert_string_equal(_alert("x", &env, &opt, NULL, 0),
                        "{\"hostname\":\"node-1\",\"priority\":\"Warning\","
                        "\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\","
                        "\"tags\":[],\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
}

static void test_output_fields_types(void **state)
{
    struct env env = {0};
    struct field_value *v = _put(&env, "evt.failed");
    v->kind = FV_BOOL;
    v->b = true;
    v = _put(&env, "fd.sip");
    v->kind = FV_IP;
    v->family = 4;
    memcpy(v->ip, "\x7f\x00\x00\x01", 4);
    v = _put(&env, "ka.user.groups");
    static const struct fv_str groups[] = {{"dev", 3}, {"ops", 3}};
    v->kind = FV_LIST;
    v->list = groups;
    v->nlist = 2;
    v = _put(&env, "user.loginuid");
    v->kind = FV_INT;
    v->i = -1;
    v = _put(&env, "evt.time");
    v->kind = FV_UINT;
    v->u = NS;
    struct alert_options opt;
    alert_options_default(&opt);
    opt.json = true;
    opt.json_include_output = false;
    opt.json_include_tags = false;
    assert_string_equal(
        _alert("%user.loginuid %fd.sip %ka.user.groups %evt.failed %evt.time %fd.snet", &env, &opt,
               NULL, 0),
        "{\"hostname\":\"node-1\",\"output_fields\":{\"evt.failed\":true,"
        "\"evt.time\":1700000000123456789,\"fd.sip\":\"127.0.0.1\",\"fd.snet\":null,"
        "\"ka.user.groups\":[\"dev\",\"ops\"],\"user.loginuid\":-1},\"priority\":\"Warning\","
        "\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\","
        "\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
}

static void test_fields_without_type(void **state)
{
    /* an internal alert's fields have no catalogue entry: kinds decide */
    struct alert_field fields[] = {
        {.key = "n_evts", .value = {.kind = FV_UINT, .u = 1000}},
        {.key = "n_drops", .value = {.kind = FV_UINT, .u = 7}},
        {.key = "note", .value = {.kind = FV_STR, .str = {"x", 1}}},
        {.key = "gone", .value = {.kind = FV_NONE}},
    };
    static const char *const tags[] = {"internal"};
    struct alert a = {.rule = "Falco internal: syscall event drop",
                      .priority = ALERT_PRIO_CRITICAL,
                      .source = "internal",
                      .tags = tags,
                      .ntags = 1,
                      .hostname = "h",
                      .time_ns = 1000000000ull,
                      .output = "drops",
                      .fields = fields,
                      .nfields = 4};
    struct alert_options opt;
    alert_options_default(&opt);
    struct strbuf sb = {0};
    assert_int_equal(alert_json(&sb, &a, &opt), 0);
    assert_string_equal(sb.data, "{\"hostname\":\"h\",\"output\":\"00:00:01.000000000: Critical "
                                 "drops\",\"output_fields\":{\"evt.time\":1000000000,\"gone\":"
                                 "null,\"n_drops\":7,\"n_evts\":1000,\"note\":\"x\"},\"priority\":"
                                 "\"Critical\",\"rule\":\"Falco internal: syscall event drop\","
                                 "\"source\":\"internal\",\"tags\":[\"internal\"],\"time\":"
                                 "\"1970-01-01T00:00:01.000000000Z\"}");
    /* appends */
    assert_int_equal(alert_text(&sb, &a, &opt), 0);
    assert_non_null(strstr(sb.data, "}00:00:01.000000000: Critical drops"));
    strbuf_free(&sb);
    assert_int_equal(alert_json(NULL, &a, &opt), -EINVAL);
    assert_int_equal(alert_format(&sb, &a, NULL), -EINVAL);
    assert_int_equal(alert_collect_fields(NULL, NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_text_escaping, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_priorities, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_json, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_json_options, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_output_fields_types, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_fields_without_type, _setup, _teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
