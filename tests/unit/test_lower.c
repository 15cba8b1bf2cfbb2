/* Lowering: negation normal form, folding of Falco's idioms, event-type sets. */
#include "tests/unit/test_util.h"

#include "compiler/front.h"
#include "compiler/lower.h"
#include "core/evttypes.h"

static struct rs_rule *_rule(struct ruleset **rs, const char *cond)
{
    char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             "- rule: r\n  desc: d\n  condition: %s\n  output: o\n  priority: INFO\n"
             "  warn_evttypes: false\n",
             cond);
    *rs = ruleset_new();
    struct diag_list diags = {0};
    front_run_buffer(*rs, "t.yaml", yaml, strlen(yaml), &diags);
    assert_int_equal(diags.errors, 0);
    diag_list_free(&diags);
    return (*rs)->rules[0];
}

static void _assert_lowered(const char *cond, const char *expect)
{
    struct ruleset *rs;
    struct rs_rule *r = _rule(&rs, cond);
    assert_non_null(r->lowered);
    assert_string_equal(ast_to_string(rs->arena, r->lowered), expect);
    ruleset_free(&rs);
}

static void test_nnf(void **state)
{
    (void)state;
    /* De Morgan down to the comparisons; a negated comparison stays negated
     * (on a missing value both `=` and `!=` are false). */
    _assert_lowered("not (proc.name = a and proc.pid = 1)",
                    "((not proc.name = \"a\") or (not proc.pid = \"1\"))");
    _assert_lowered("not (proc.name = a or not proc.pid = 1)",
                    "((not proc.name = \"a\") and proc.pid = \"1\")");
    _assert_lowered("not not proc.name = a", "proc.name = \"a\"");
    /* Nested ands flatten. */
    _assert_lowered("proc.name = a and (proc.pid = 1 and proc.ppid = 2)",
                    "(proc.name = \"a\" and proc.pid = \"1\" and proc.ppid = \"2\")");
}

static void test_folding(void **state)
{
    (void)state;
    /* Falco's never_true and always-true idioms. */
    _assert_lowered("evt.num = 0", "false");
    _assert_lowered("proc.name = a and evt.num = 0", "false");
    _assert_lowered("proc.name = a or evt.num = 0", "proc.name = \"a\"");
    _assert_lowered("evt.dir = < and proc.name = a", "proc.name = \"a\"");
    _assert_lowered("not evt.dir = <", "false");
    _assert_lowered("proc.name in ()", "false");
}

static size_t _count(const char *cond, const char *must_have)
{
    struct ruleset *rs;
    struct rs_rule *r = _rule(&rs, cond);
    size_t n = evtset_count(&r->evttypes);
    if (must_have)
        assert_true(evtset_has(&r->evttypes, evttype_lookup(must_have)));
    ruleset_free(&rs);
    return n;
}

static void test_evttypes(void **state)
{
    (void)state;
    size_t all = evttype_count();
    assert_int_equal(_count("evt.type = open", "open"), 1);
    assert_int_equal(_count("evt.type in (open, openat) and proc.name = a", "openat"), 2);
    assert_int_equal(_count("evt.type in (open, openat) and evt.type = openat", "openat"), 1);
    assert_int_equal(_count("evt.type = open or evt.type = connect", "connect"), 2);
    assert_int_equal(_count("evt.type != open", "close"), all - 1);
    assert_int_equal(_count("not evt.type in (open, close)", NULL), all - 2);
    assert_int_equal(_count("proc.name = a", NULL), all);
    /* Only = == != in restrict: startswith on evt.type does not. */
    assert_int_equal(_count("evt.type startswith open", NULL), all);
    assert_int_equal(_count("evt.type = open and evt.type = close", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nnf),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_evttypes),
    };
    return cmocka_run_group_tests_name("lower", tests, NULL, NULL);
}
