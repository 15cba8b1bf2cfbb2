/* core/format.c: template syntax (libsinsp's set_format: widths, field
 * arguments, the longest-field rule, transformers, errors and their
 * positions), rendering of every value kind, JSON values, timestamps and
 * UTF-8 sanitizing. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "tests/unit/test_util.h"

#include "core/arena.h"
#include "core/diag.h"
#include "core/format.h"
#include "core/strbuf.h"
#include "core/utf8.h"

static struct arena *_arena;

static int _setup(void **state)
{
    _arena = arena_new();
    return 0;
}

static int _teardown(void **state)
{
    arena_free(&_arena);
    return 0;
}

static struct format_template *_parse(const char *text)
{
    struct diag_list diags = {0};
    struct format_template *tpl = format_parse(_arena, text, strlen(text), NULL, &diags);
    for (size_t i = 0; i < diags.len; i++)
        print_error("unexpected: %s\n", diags.items[i].message);
    assert_int_equal(diags.len, 0);
    assert_non_null(tpl);
    diag_list_free(&diags);
    return tpl;
}

/* Expects one error with code at byte offset, its message holding needle. */
static void _bad(const char *text, enum diag_code code, uint32_t offset, const char *needle)
{
    struct diag_list diags = {0};
    assert_null(format_parse(_arena, text, strlen(text), NULL, &diags));
    assert_true(diags.len >= 1);
    assert_int_equal(diags.items[0].code, code);
    assert_int_equal(diags.items[0].pos.offset, offset);
    if (needle && !strstr(diags.items[0].message, needle)) {
        print_error("message '%s' lacks '%s'\n", diags.items[0].message, needle);
        fail();
    }
    diag_list_free(&diags);
    assert_null(format_parse(_arena, text, strlen(text), NULL, NULL));
}

/* ---- a fake event --------------------------------------------------------- */

struct entry {
    const char *name;
    const char *arg;
    struct field_value v;
};

struct env {
    struct entry e[16];
    size_t n;
};

static int _get(void *ctx, const struct ast_field *f, struct field_value *out)
{
    struct env *env = ctx;
    for (size_t i = 0; i < env->n; i++) {
        const struct entry *e = &env->e[i];
        bool same_arg = (!e->arg && !f->arg) || (e->arg && f->arg && !strcmp(e->arg, f->arg));
        if (!strcmp(e->name, f->name) && same_arg) {
            *out = e->v;
            return 0;
        }
    }
    if (!strcmp(f->name, "proc.exe"))
        return -EIO;
    out->kind = FV_NONE;
    return 0;
}

static struct field_value *_put(struct env *env, const char *name, const char *arg)
{
    struct entry *e = &env->e[env->n++];
    memset(e, 0, sizeof(*e));
    e->name = name;
    e->arg = arg;
    return &e->v;
}

static void _str(struct env *env, const char *name, const char *s)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_STR;
    v->str = (struct fv_str){s, strlen(s)};
}

static void _uint(struct env *env, const char *name, uint64_t u)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_UINT;
    v->u = u;
}

static char *_render(const struct format_template *tpl, struct env *env)
{
    struct strbuf sb = {0};
    assert_int_equal(format_render_sb(tpl, _get, env, &sb), 0);
    char *s = arena_strdup(_arena, sb.data);
    strbuf_free(&sb);
    return s;
}

static char *_render_text(const char *text, struct env *env)
{
    return _render(_parse(text), env);
}

/* ---- parsing ---------------------------------------------------------------- */

static void test_parts(void **state)
{
    struct format_template *tpl = _parse("File %fd.name opened by %proc.name (pid=%proc.pid)");
    assert_int_equal(tpl->nparts, 4);
    assert_memory_equal(tpl->parts[0].literal, "File ", 5);
    assert_int_equal(tpl->parts[0].literal_len, 5);
    assert_string_equal(tpl->parts[0].field.name, "fd.name");
    assert_non_null(tpl->parts[0].field.def);
    assert_int_equal(tpl->parts[0].field.def->id, FIELD_FD_NAME);
    assert_int_equal(tpl->parts[0].field.pos.offset, 6);
    assert_int_equal(tpl->parts[1].literal_len, strlen(" opened by "));
    assert_string_equal(tpl->parts[2].field.name, "proc.pid");
    assert_int_equal(tpl->parts[2].literal_len, 6);
    assert_null(tpl->parts[3].field.name);
    assert_int_equal(tpl->parts[3].literal_len, 1);
    assert_memory_equal(tpl->parts[3].literal, ")", 1);
    assert_int_equal(tpl->nfields, 3);
    assert_string_equal(tpl->fields[0].key, "fd.name");
    assert_string_equal(tpl->fields[1].key, "proc.name");
    assert_string_equal(tpl->fields[2].key, "proc.pid");
    /* no field, no trailing literal */
    assert_int_equal(_parse("")->nparts, 0);
    assert_int_equal(_parse("plain")->nparts, 1);
    tpl = _parse("%proc.name");
    assert_int_equal(tpl->nparts, 1);
    assert_int_equal(tpl->parts[0].literal_len, 0);
    /* Falco's '*' marker is dropped */
    tpl = _parse("*%proc.name x");
    assert_int_equal(tpl->nparts, 2);
    assert_int_equal(tpl->parts[0].literal_len, 0);
    assert_int_equal(_parse("**x")->parts[0].literal_len, 2);
}

static void test_widths(void **state)
{
    struct format_template *tpl = _parse("%12proc.name|%1proc.pid|%0proc.pid");
    assert_int_equal(tpl->parts[0].width, 12);
    assert_string_equal(tpl->parts[0].field.name, "proc.name");
    assert_int_equal(tpl->parts[1].width, 1);
    assert_int_equal(tpl->parts[2].width, 0);
    struct env env = {0};
    _str(&env, "proc.name", "bash");
    _uint(&env, "proc.pid", 4242);
    /* resize(): pad with spaces or cut, <NA> included */
    assert_string_equal(_render_text("[%8proc.name][%2proc.name][%3user.name][%6user.name]", &env),
                        "[bash    ][ba][<NA][<NA>  ]");
    assert_string_equal(_render_text("%2proc.pid", &env), "42");
}

static void test_arguments(void **state)
{
    struct format_template *tpl = _parse("%proc.aname[2] %proc.env[HOME] %proc.env['MY VAR'] "
                                         "%evt.arg.flags %evt.arg[0] %proc.env[\"a=b\"]");
    assert_int_equal(tpl->nparts, 6);
    assert_string_equal(tpl->parts[0].field.name, "proc.aname");
    assert_string_equal(tpl->parts[0].field.arg, "2");
    assert_string_equal(tpl->parts[1].field.arg, "HOME");
    assert_string_equal(tpl->parts[2].field.arg, "MY VAR");
    assert_string_equal(tpl->parts[3].field.name, "evt.arg.flags");
    assert_string_equal(tpl->parts[3].field.arg, "flags");
    assert_int_equal(tpl->parts[3].field.def->id, FIELD_EVT_ARG);
    assert_string_equal(tpl->parts[4].field.name, "evt.arg");
    assert_string_equal(tpl->parts[4].field.arg, "0");
    /* output_fields keys: libsinsp's as_string, quoting arguments that need it */
    assert_int_equal(tpl->nfields, 6);
    assert_string_equal(tpl->fields[0].key, "proc.aname[2]");
    assert_string_equal(tpl->fields[1].key, "proc.env[HOME]");
    assert_string_equal(tpl->fields[2].key, "proc.env[\"MY VAR\"]");
    assert_string_equal(tpl->fields[3].key, "evt.arg.flags");
    assert_string_equal(tpl->fields[4].key, "evt.arg[0]");
    assert_string_equal(tpl->fields[5].key, "proc.env[\"a=b\"]");
    /* the same field twice is listed once */
    assert_int_equal(_parse("%proc.name %proc.name %5proc.name")->nfields, 1);
}

static void test_longest_field(void **state)
{
    /* libsinsp shortens the text after % until it names a field */
    struct env env = {0};
    _str(&env, "proc.name", "bash");
    assert_string_equal(_render_text("%proc.namex", &env), "bashx");
    assert_string_equal(_render_text("%proc.name.", &env), "bash.");
    assert_string_equal(_render_text("(%proc.name)", &env), "(bash)");
    assert_string_equal(_render_text("%proc.name[", &env), "bash[");
    /* proc.name takes no argument: the bracket stays text */
    assert_string_equal(_render_text("%proc.name[1]", &env), "bash[1]");
    assert_string_equal(_render_text("%proc.name:%proc.name,", &env), "bash:bash,");
    /* an index that is not a number is no argument of proc.aname */
    struct format_template *tpl = _parse("%proc.aname[x]");
    assert_null(tpl->parts[0].field.arg);
    assert_int_equal(tpl->parts[1].literal_len, 3);
    /* evt.arg.NAME needs a real argument name: the longest one wins */
    tpl = _parse("%evt.arg.flagsx");
    assert_string_equal(tpl->parts[0].field.name, "evt.arg.flags");
    assert_memory_equal(tpl->parts[1].literal, "x", 1);
}

static void test_transformers(void **state)
{
    struct format_template *tpl = _parse("%tolower(proc.name) %toupper( basename(fd.name) ) "
                                         "%len(proc.name)%b64(proc.cmdline)");
    assert_int_equal(tpl->nparts, 4);
    assert_string_equal(tpl->parts[0].field.name, "proc.name");
    assert_int_equal(tpl->parts[0].field.ntransformers, 1);
    assert_int_equal(tpl->parts[0].field.transformers[0], XF_TOLOWER);
    assert_int_equal(tpl->parts[1].field.ntransformers, 2);
    assert_int_equal(tpl->parts[1].field.transformers[0], XF_BASENAME);
    assert_int_equal(tpl->parts[1].field.transformers[1], XF_TOUPPER);
    /* output_fields lists the inner fields, untransformed */
    assert_int_equal(tpl->nfields, 3);
    assert_string_equal(tpl->fields[0].key, "proc.name");
    assert_int_equal(tpl->fields[0].field->ntransformers, 0);
    assert_string_equal(tpl->fields[1].key, "fd.name");
    assert_string_equal(tpl->fields[2].key, "proc.cmdline");
    struct env env = {0};
    _str(&env, "proc.name", "BaSh");
    _str(&env, "fd.name", "/usr/bin/python3");
    _str(&env, "proc.cmdline", "aGk=");
    assert_string_equal(_render(tpl, &env), "bash PYTHON3 4hi");
    assert_string_equal(_render_text("%5tolower(proc.name)|", &env), "bash |");
    assert_string_equal(_render_text("%tolower(proc.name)[x]", &env), "bash[x]");
    _bad("%tolower(proc.nam)", DIAG_LOAD_ERR_COMPILE_OUTPUT, 0, "proc.nam");
    _bad("x %tolower(proc.name", DIAG_LOAD_ERR_COMPILE_OUTPUT, 2, "')'");
    _bad("%tolower()", DIAG_LOAD_ERR_COMPILE_OUTPUT, 0, "takes a field");
    _bad("%tolower(proc.name, proc.pid)", DIAG_LOAD_ERR_COMPILE_OUTPUT, 0, "one field");
    _bad("%join(\",\", (proc.name))", DIAG_RULEC_UNSUPPORTED, 0, "join");
    _bad("%val(proc.name)", DIAG_LOAD_ERR_COMPILE_OUTPUT, 0, "followed by a field");
}

static void test_errors(void **state)
{
    _bad("abc %", DIAG_LOAD_ERR_COMPILE_OUTPUT, 4, "ends with '%'");
    _bad("abc %12", DIAG_LOAD_ERR_COMPILE_OUTPUT, 4, "width");
    _bad("100%% sure", DIAG_LOAD_ERR_COMPILE_OUTPUT, 3, "'%%'");
    _bad("100% sure", DIAG_LOAD_ERR_COMPILE_OUTPUT, 3, "followed by a field");
    _bad("x %proc.nme y", DIAG_LOAD_ERR_COMPILE_OUTPUT, 2, "'proc.nme'");
    _bad("%foo", DIAG_LOAD_ERR_COMPILE_OUTPUT, 0, "followed by a field");
    _bad("%evt.arg", DIAG_LOAD_ERR_COMPILE_OUTPUT, 0, "'evt.arg'"); /* needs an argument */
    _bad("*%", DIAG_LOAD_ERR_COMPILE_OUTPUT, 1, NULL);
    /* every error is reported, at its place in the file */
    const char *yaml = "- rule: r\n  output: >\n    a %proc.nme\n    b %\n";
    struct src_file *file = src_file_new("rules.yaml", yaml, strlen(yaml), 0);
    const char *text = "a %proc.nme b %";
    size_t start1 = strstr(yaml, "a %proc") - yaml, start2 = strstr(yaml, "b %") - yaml;
    uint32_t offsets[16];
    for (size_t i = 0; i <= strlen(text); i++)
        offsets[i] = (uint32_t)(i < 12 ? start1 + i : start2 + (i - 12));
    struct text_map map = {file, offsets, strlen(text)};
    struct diag_list diags = {0};
    assert_null(format_parse(_arena, text, strlen(text), &map, &diags));
    assert_int_equal(diags.len, 2);
    assert_diag_at(&diags, DIAG_LOAD_ERR_COMPILE_OUTPUT, 3, 7);
    assert_diag_at(&diags, DIAG_LOAD_ERR_COMPILE_OUTPUT, 4, 7);
    diag_list_free(&diags);
    src_file_free(&file);
}

/* ---- rendering -------------------------------------------------------------- */

static void test_render_values(void **state)
{
    struct env env = {0};
    struct field_value *v;
    _str(&env, "proc.name", "bash");
    _uint(&env, "proc.pid", 18446744073709551615ull);
    v = _put(&env, "evt.rawres", NULL);
    v->kind = FV_INT;
    v->i = -13;
    v = _put(&env, "evt.failed", NULL);
    v->kind = FV_BOOL;
    v->b = true;
    v = _put(&env, "fd.sip", NULL);
    v->kind = FV_IP;
    v->family = 4;
    memcpy(v->ip, "\x0a\x00\x00\x01", 4);
    v = _put(&env, "fd.cip", NULL);
    v->kind = FV_IP;
    v->family = 6;
    inet_pton(AF_INET6, "2001:db8::1", v->ip);
    v = _put(&env, "fd.snet", NULL);
    v->kind = FV_IP;
    v->family = 4;
    v = _put(&env, "evt.buffer", NULL);
    v->kind = FV_STR;
    v->str = (struct fv_str){"\x7f"
                             "ELF\x01\n",
                             6};
    v = _put(&env, "proc.cmdline", NULL);
    v->kind = FV_STR;
    v->str = (struct fv_str){"ls\0-la", 6};
    static const struct fv_str groups[] = {{"dev", 3}, {"ops", 3}};
    v = _put(&env, "ka.user.groups", NULL);
    v->kind = FV_LIST;
    v->list = groups;
    v->nlist = 2;
    static const struct fv_str anc[] = {{"sshd", 4}, {"systemd", 7}};
    v = _put(&env, "proc.aname", NULL);
    v->kind = FV_LIST;
    v->list = anc;
    v->nlist = 2;
    v = _put(&env, "proc.pname", NULL);
    v->kind = FV_LIST; /* ancestors without any: <NA> */
    _uint(&env, "evt.rawtime.ns", 42);
    v = _put(&env, "fd.dev", NULL);
    v->kind = FV_INT;
    v->i = 0x803;
    assert_string_equal(
        _render_text("%proc.name %proc.pid %evt.rawres %evt.failed %fd.sip %fd.cip %fd.snet", &env),
        "bash 18446744073709551615 -13 true 10.0.0.1 2001:db8::1 <IPNET>");
    assert_string_equal(_render_text("%evt.buffer|%proc.cmdline|%ka.user.groups|%proc.aname|"
                                     "%proc.pname|%user.name|%proc.exe",
                                     &env),
                        ".ELF..|ls|(dev,ops)|sshd systemd|<NA>|<NA>|<NA>");
    assert_string_equal(_render_text("%evt.rawtime.ns %fd.dev", &env), "000000042 803");
    /* the char ** API grows the caller's buffer */
    char *buf = NULL;
    size_t cap = 0;
    assert_int_equal(format_render(_parse("<%proc.name>"), _get, &env, &buf, &cap), 0);
    assert_string_equal(buf, "<bash>");
    assert_true(cap >= 7);
    assert_int_equal(format_render(_parse("%proc.pid"), _get, &env, &buf, &cap), 0);
    assert_string_equal(buf, "18446744073709551615");
    free(buf);
    assert_int_equal(format_render(NULL, _get, &env, &buf, &cap), -EINVAL);
}

static void test_render_list_limit(void **state)
{
    /* a list renders into libsinsp's 1024-byte buffer: 1023 characters */
    static char item[600];
    memset(item, 'a', sizeof(item) - 1);
    static struct fv_str items[2];
    items[0] = (struct fv_str){item, sizeof(item) - 1};
    items[1] = items[0];
    struct env env = {0};
    struct field_value *v = _put(&env, "ka.user.groups", NULL);
    v->kind = FV_LIST;
    v->list = items;
    v->nlist = 2;
    char *out = _render_text("%ka.user.groups", &env);
    assert_int_equal(strlen(out), 1023);
    assert_int_equal(out[0], '(');
}

static void test_time(void **state)
{
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZ", "UTC", 1);
    tzset();
    uint64_t ns = 1700000000123456789ull; /* 2023-11-14T22:13:20.123456789Z */
    struct strbuf sb = {0};
    const char *const want[] = {
        "22:13:20.123456789",
        "22:13:20",
        "2023-11-14T22:13:20.123456789+0000",
        "2023-11-14 22:13:20.123456789",
        "2023-11-14 22:13:20",
    };
    for (int s = 0; s < FORMAT_TIME_STYLE_MAX; s++) {
        sb.len = 0;
        format_timestamp(&sb, ns, (enum format_time_style)s);
        assert_string_equal(sb.data, want[s]);
    }
    /* local time for the text forms, UTC for ISO 8601 */
    setenv("TZ", "EST5", 1);
    tzset();
    sb.len = 0;
    format_timestamp(&sb, ns, FORMAT_DATETIME);
    assert_string_equal(sb.data, "2023-11-14 17:13:20.123456789");
    sb.len = 0;
    format_timestamp(&sb, 1700020000ull * 1000000000ull, FORMAT_DATETIME_S);
    assert_string_equal(sb.data, "2023-11-14 22:46:40"); /* 03:46:40 UTC the next day */
    sb.len = 0;
    format_timestamp(&sb, ns, FORMAT_TIME_ISO8601);
    assert_string_equal(sb.data, "2023-11-14T22:13:20.123456789+0000");
    /* the time fields print a nanosecond value as time */
    struct env env = {0};
    _uint(&env, "evt.time", ns);
    _uint(&env, "evt.time.iso8601", ns);
    _uint(&env, "evt.rawtime", ns);
    assert_string_equal(_render_text("%evt.time %evt.time.iso8601 %evt.rawtime", &env),
                        "17:13:20.123456789 2023-11-14T22:13:20.123456789+0000 "
                        "1700000000123456789");
    strbuf_free(&sb);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    free(saved);
    tzset();
}

/* ---- JSON values ---------------------------------------------------------------- */

static const char *_json(const char *field_text, const struct field_value *v)
{
    struct format_template *tpl = _parse(field_text);
    struct json_object *o = format_value_json(&tpl->parts[0].field, v);
    const char *s =
        arena_strdup(_arena, o ? json_object_to_json_string_ext(
                                     o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                               : "null");
    json_object_put(o);
    return s;
}

static void test_json_values(void **state)
{
    struct field_value v = {.kind = FV_NONE};
    assert_string_equal(_json("%proc.name", &v), "null");
    v = (struct field_value){.kind = FV_STR, .str = {"a\"b\xff", 4}};
    assert_string_equal(_json("%proc.name", &v), "\"a\\\"b\xef\xbf\xbd\"");
    v = (struct field_value){.kind = FV_UINT, .u = 18446744073709551615ull};
    assert_string_equal(_json("%proc.pid", &v), "18446744073709551615");
    v = (struct field_value){.kind = FV_INT, .i = -1};
    assert_string_equal(_json("%user.loginuid", &v), "-1");
    v = (struct field_value){.kind = FV_BOOL, .b = false};
    assert_string_equal(_json("%evt.failed", &v), "false");
    v = (struct field_value){.kind = FV_UINT, .u = 42};
    assert_string_equal(_json("%evt.rawtime.ns", &v), "42"); /* extract_as_js: a number */
    assert_string_equal(_json("%evt.time", &v), "42");
    assert_string_equal(_json("%len(proc.name)", &v), "42");
    v = (struct field_value){.kind = FV_INT, .i = 0x803};
    assert_string_equal(_json("%fd.dev", &v), "\"803\""); /* PF_HEX: a string */
    v = (struct field_value){.kind = FV_IP, .family = 4, .ip = {127, 0, 0, 1}};
    assert_string_equal(_json("%fd.sip", &v), "\"127.0.0.1\"");
    assert_string_equal(_json("%fd.snet", &v), "\"<IPNET>\"");
    static const struct fv_str groups[] = {{"dev", 3}, {"ops", 3}};
    v = (struct field_value){.kind = FV_LIST, .list = groups, .nlist = 2};
    assert_string_equal(_json("%ka.user.groups", &v), "[\"dev\",\"ops\"]");
    assert_string_equal(_json("%proc.aname", &v), "\"dev ops\"");
    v = (struct field_value){.kind = FV_LIST, .nlist = 0};
    assert_string_equal(_json("%ka.user.groups", &v), "[]");
}

static void test_utf8(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"plain", 5, "plain"},
        {"\xc3\xa9t\xc3\xa9", 6, "\xc3\xa9t\xc3\xa9"},
        {"a\x80"
         "b",
         3,
         "a\xef\xbf\xbd"
         "b"},                                       /* lone continuation */
        {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong lead */
        {"\xe0\x80\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xe2\x82"
         "x",
         3, "\xef\xbf\xbdx"}, /* a maximal subpart: one U+FFFD */
        {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
        {"\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
        {"x\xf0\x9f\x98", 4, "x\xef\xbf\xbd"}, /* cut at the end */
        {"\xff", 1, "\xef\xbf\xbd"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct strbuf sb = {0};
        utf8_sanitize(&sb, cases[i].in, cases[i].len);
        assert_non_null(sb.data);
        assert_string_equal(sb.data, cases[i].out);
        strbuf_free(&sb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parts, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_widths, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_arguments, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_longest_field, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_transformers, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_errors, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_render_values, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_render_list_limit, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_time, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_json_values, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_utf8, _setup, _teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
