/* The front end's own checks (resolve, check, lower) through front_run_buffer:
 * each diagnostic code at its exact line and column. */
#include "tests/unit/test_util.h"

#include "compiler/front.h"

struct run {
    struct ruleset *rs;
    struct diag_list diags;
    int rc;
};

static struct run _front(const char *yaml)
{
    struct run r = {.rs = ruleset_new()};
    r.rc = front_run_buffer(r.rs, "test.yaml", yaml, strlen(yaml), &r.diags);
    return r;
}

static void _done(struct run *r)
{
    diag_list_free(&r->diags);
    ruleset_free(&r->rs);
}

#define RULE(cond) "- rule: r\n  desc: d\n  condition: " cond "\n  output: o\n  priority: WARNING\n"

static void test_clean(void **state)
{
    (void)state;
    struct run r = _front("- list: shells\n  items: [bash, sh]\n"
                          "- macro: spawned\n  condition: evt.type in (execve, execveat)\n" RULE(
                              "spawned and proc.name in (shells)"));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.diags.len, 0);
    assert_non_null(r.rs->rules[0]->lowered);
    _done(&r);
}

static void test_undefined_macro(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = open and nosuch"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 34);
    _done(&r);
}

static void test_macro_order_and_loop(void **state)
{
    (void)state;
    /* A macro sees only macros defined before it; a self reference is a loop. */
    struct run r = _front("- macro: a\n  condition: b\n"
                          "- macro: b\n  condition: evt.type = open\n"
                          "- macro: c\n  condition: c and b\n" RULE("a and c"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 2, 14);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 6, 14);
    _done(&r);
}

static void test_unused_macro(void **state)
{
    (void)state;
    struct run r =
        _front("- macro: lonely\n  condition: evt.type = open\n" RULE("evt.type = close"));
    assert_int_equal(r.rc, 0);
    assert_diag_at(&r.diags, DIAG_LOAD_UNUSED_MACRO, 1, 3);
    _done(&r);
}

static void test_unknown_field(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = open and proc.nope = x"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 34);
    _done(&r);
}

static void test_skip_if_unknown_filter(void **state)
{
    (void)state;
    struct run r = _front("- rule: r\n  desc: d\n  condition: evt.type = open and proc.nope = x\n"
                          "  output: o\n  priority: WARNING\n  skip-if-unknown-filter: true\n");
    assert_int_equal(r.rc, 0);
    assert_diag_at(&r.diags, DIAG_LOAD_UNKNOWN_FILTER, 3, 34);
    assert_true(r.rs->rules[0]->skipped);
    _done(&r);
}

static void test_operator_type(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = connect and fd.sport contains 80"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 46);
    _done(&r);
}

static void test_value_type(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = connect and fd.sport = http"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 48);
    _done(&r);
}

static void test_unknown_evttype(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type in (open, opne)"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 33);
    _done(&r);
}

static void test_never_true(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = open and evt.type = close"));
    assert_int_equal(r.rc, 0);
    assert_diag_at(&r.diags, DIAG_RULEC_NEVER_TRUE, 3, 3);
    _done(&r);
    r = _front(RULE("evt.type = connect and fd.sport = 70000"));
    assert_diag_at(&r.diags, DIAG_RULEC_NEVER_TRUE, 3, 48);
    _done(&r);
    /* Falco's never_true idiom is deliberate: no warning. */
    r = _front(RULE("evt.num = 0"));
    assert_false(diag_has(&r.diags, DIAG_RULEC_NEVER_TRUE));
    assert_false(diag_has(&r.diags, DIAG_LOAD_NO_EVTTYPE));
    _done(&r);
}

static void test_no_evttype(void **state)
{
    (void)state;
    struct run r = _front(RULE("proc.name = bash"));
    assert_diag_at(&r.diags, DIAG_LOAD_NO_EVTTYPE, 1, 3);
    _done(&r);
    r = _front("- rule: r\n  desc: d\n  condition: proc.name = bash\n  output: o\n"
               "  priority: WARNING\n  warn_evttypes: false\n");
    assert_false(diag_has(&r.diags, DIAG_LOAD_NO_EVTTYPE));
    _done(&r);
}

static void test_deprecated_field(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = open and evt.dir = <"));
    assert_int_equal(r.rc, 0);
    assert_diag_at(&r.diags, DIAG_LOAD_DEPRECATED_ITEM, 3, 34);
    _done(&r);
}

static void test_output_errors(void **state)
{
    (void)state;
    struct run r = _front("- rule: r\n  desc: d\n  condition: evt.type = open\n"
                          "  output: file %fd.name by %proc.nope\n  priority: WARNING\n");
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_OUTPUT, 4, 28);
    _done(&r);
}

static void test_unknown_source(void **state)
{
    (void)state;
    struct run r = _front("- rule: r\n  desc: d\n  condition: x.y = 1\n  output: o\n"
                          "  priority: WARNING\n  source: nosuchplugin\n");
    assert_int_equal(r.rc, 0);
    assert_true(diag_has(&r.diags, DIAG_LOAD_UNKNOWN_SOURCE));
    _done(&r);
}

static void test_bad_regex(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = open and fd.name regex '(unclosed'"));
    assert_int_equal(r.rc, -1);
    assert_true(diag_has(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION));
    _done(&r);
}

static void test_undefined_list(void **state)
{
    (void)state;
    struct run r = _front(RULE("evt.type = open and proc.name in nolist"));
    assert_int_equal(r.rc, -1);
    assert_diag_at(&r.diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 47);
    _done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_undefined_macro),
        cmocka_unit_test(test_macro_order_and_loop),
        cmocka_unit_test(test_unused_macro),
        cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_skip_if_unknown_filter),
        cmocka_unit_test(test_operator_type),
        cmocka_unit_test(test_value_type),
        cmocka_unit_test(test_unknown_evttype),
        cmocka_unit_test(test_never_true),
        cmocka_unit_test(test_no_evttype),
        cmocka_unit_test(test_deprecated_field),
        cmocka_unit_test(test_output_errors),
        cmocka_unit_test(test_unknown_source),
        cmocka_unit_test(test_bad_regex),
        cmocka_unit_test(test_undefined_list),
    };
    return cmocka_run_group_tests_name("front", tests, NULL, NULL);
}
