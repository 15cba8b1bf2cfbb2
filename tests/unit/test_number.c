/* core/number.c: the one reader of numeric constants, with libsinsp's
 * syntax (sscanf "%lu%c": leading blanks, one sign, digits, nothing after),
 * rulec's 0x hex, and refusal of what 64 bits cannot hold. Then the reason
 * it exists: the checker and the interpreter now agree on every token. */
#include <errno.h>
#include <stdlib.h>

#include "tests/unit/test_util.h"

#include "compiler/check.h"
#include "compiler/front.h"
#include "core/bind.h"
#include "core/interp.h"
#include "core/number.h"
#include "grammar/condition.h"

static int _parse(const char *s, bool is_signed, uint64_t *out)
{
    return number_parse(s, strlen(s), is_signed, out);
}

static void test_decimal_and_signs(void **state)
{
    (void)state;
    uint64_t v = 1;
    assert_int_equal(_parse("0", false, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(_parse("42", true, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(_parse("+42", false, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(_parse("-42", true, &v), 0);
    assert_int_equal((int64_t)v, -42);
    assert_int_equal(_parse("007", false, &v), 0);
    assert_int_equal(v, 7);
    /* one sign only, and right before the digits */
    assert_int_equal(_parse("+-5", true, &v), -EINVAL);
    assert_int_equal(_parse("-+5", true, &v), -EINVAL);
    assert_int_equal(_parse("--5", true, &v), -EINVAL);
    assert_int_equal(_parse("- 5", true, &v), -EINVAL);
    assert_int_equal(_parse("-", true, &v), -EINVAL);
    assert_int_equal(_parse("+", false, &v), -EINVAL);
}

static void test_blanks_and_garbage(void **state)
{
    (void)state;
    uint64_t v;
    /* %lu skips leading white space; %c then sees anything that follows */
    assert_int_equal(_parse(" \t\n\v\f\r5", false, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(_parse("5 ", false, &v), -EINVAL);
    assert_int_equal(_parse("5\n", false, &v), -EINVAL);
    assert_int_equal(_parse("", false, &v), -EINVAL);
    assert_int_equal(_parse("   ", false, &v), -EINVAL);
    assert_int_equal(_parse("5x", false, &v), -EINVAL);
    assert_int_equal(_parse("1.5", false, &v), -EINVAL);
    assert_int_equal(_parse("1e3", false, &v), -EINVAL);
    assert_int_equal(_parse("abc", false, &v), -EINVAL);
    assert_int_equal(number_parse("12", 1, false, &v), 0); /* only len bytes are read */
    assert_int_equal(v, 1);
    assert_int_equal(number_parse("1\0002", 3, false, &v), -EINVAL);
    assert_int_equal(number_parse(NULL, 0, false, &v), -EINVAL);
}

static void test_hex(void **state)
{
    (void)state;
    uint64_t v;
    /* rulec's extension: Falco reads "0x1f" as 0 followed by garbage */
    assert_int_equal(_parse("0x1f", false, &v), 0);
    assert_int_equal(v, 31);
    assert_int_equal(_parse("0XFF", false, &v), 0);
    assert_int_equal(v, 255);
    assert_int_equal(_parse("-0x10", true, &v), 0);
    assert_int_equal((int64_t)v, -16);
    assert_int_equal(_parse("0xffffffffffffffff", false, &v), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(_parse("0x", false, &v), -EINVAL);
    assert_int_equal(_parse("0xg", false, &v), -EINVAL);
    assert_int_equal(_parse("1f", false, &v), -EINVAL);
    assert_int_equal(_parse("0x10000000000000000", false, &v), -ERANGE);
}

static void test_range(void **state)
{
    (void)state;
    uint64_t v;
    assert_int_equal(_parse("18446744073709551615", false, &v), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(_parse("18446744073709551616", false, &v), -ERANGE);
    assert_int_equal(_parse("99999999999999999999999", false, &v), -ERANGE);
    /* garbage after an overflow is still garbage */
    assert_int_equal(_parse("99999999999999999999999x", false, &v), -EINVAL);
    assert_int_equal(_parse("9223372036854775807", true, &v), 0);
    assert_int_equal((int64_t)v, INT64_MAX);
    assert_int_equal(_parse("9223372036854775808", true, &v), -ERANGE);
    assert_int_equal(_parse("-9223372036854775808", true, &v), 0);
    assert_int_equal((int64_t)v, INT64_MIN);
    assert_int_equal(_parse("-9223372036854775809", true, &v), -ERANGE);
    /* an unsigned field wraps a negative constant, as strtoull and %lu do */
    assert_int_equal(_parse("-5", false, &v), 0);
    assert_int_equal(v, UINT64_MAX - 4);
    assert_int_equal(_parse("-18446744073709551615", false, &v), 0);
    assert_int_equal(v, 1);
}

static void test_scan_and_fit(void **state)
{
    (void)state;
    struct number n;
    uint64_t v;
    assert_int_equal(number_scan("-0", 2, &n), 0);
    assert_true(n.negative);
    assert_int_equal(n.magnitude, 0);
    assert_int_equal(number_fit(&n, true, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(number_scan("+7", 2, &n), 0);
    assert_false(n.negative);
    assert_int_equal(n.magnitude, 7);
    n = (struct number){.magnitude = (uint64_t)INT64_MAX + 1, .negative = false};
    assert_int_equal(number_fit(&n, true, &v), -ERANGE);
    assert_int_equal(number_fit(&n, false, &v), 0);
}

static void test_check_parse_num(void **state)
{
    (void)state;
    long long v;
    const struct field_def *pid = field_lookup("proc.pid", NULL);
    const struct field_def *rawres = field_lookup("evt.rawres", NULL);
    const struct field_def *failed = field_lookup("evt.failed", NULL);
    assert_int_equal(check_parse_num(pid, "42", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(check_parse_num(pid, "+-5", &v), -1);
    assert_int_equal(check_parse_num(pid, "18446744073709551615", &v), 0);
    assert_int_equal(v, -1); /* the 64 bits the kernel compares */
    assert_int_equal(check_parse_num(rawres, "-13", &v), 0);
    assert_int_equal(v, -13);
    assert_int_equal(check_parse_num(rawres, "9223372036854775808", &v), -1);
    assert_int_equal(check_parse_num(failed, "true", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(check_parse_num(failed, "1", &v), -1);
}

/* The same token through lint (check) and through the interpreter alone:
 * both accept it or both refuse it, and a refused one is one error, no
 * range warning beside it. */
static void test_check_and_interp_agree(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        bool ok;
    } cases[] = {
        {"+-5", false}, {"5 ", false},  {" 5", true},   {"0x10", true},
        {"-0", true},   {"", false},    {"1e3", false}, {"18446744073709551615", true},
        {"+7", true},   {"--1", false}, {"0x", false},  {"18446744073709551616", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char yaml[256];
        snprintf(yaml, sizeof(yaml),
                 "- rule: r\n  desc: d\n  condition: evt.type = open and proc.pid = \"%s\"\n"
                 "  output: o\n  priority: WARNING\n",
                 cases[i].value);
        struct ruleset *rs = ruleset_new();
        struct diag_list diags = {0};
        int rc = front_run_buffer(rs, "t.yaml", yaml, strlen(yaml), &diags);
        if ((rc == 0) != cases[i].ok)
            fail_msg("lint of proc.pid = \"%s\": rc %d", cases[i].value, rc);
        if (!cases[i].ok) {
            assert_int_equal(diags.errors, 1);
            assert_false(diag_has(&diags, DIAG_RULEC_NEVER_TRUE));
        }
        diag_list_free(&diags);
        ruleset_free(&rs);

        char cond[128];
        snprintf(cond, sizeof(cond), "proc.pid = \"%s\"", cases[i].value);
        struct arena *arena = arena_new();
        struct diag_list pd = {0};
        struct ast_node *ast = condition_parse(arena, cond, strlen(cond), NULL, &pd);
        assert_non_null(ast);
        assert_null(bind_condition(ast));
        struct interp *it = interp_new(ast);
        if ((it != NULL) != cases[i].ok)
            fail_msg("interp of proc.pid = \"%s\": %s", cases[i].value, it ? "ok" : "refused");
        interp_free(&it);
        diag_list_free(&pd);
        arena_free(&arena);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_and_signs),
        cmocka_unit_test(test_blanks_and_garbage),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_scan_and_fit),
        cmocka_unit_test(test_check_parse_num),
        cmocka_unit_test(test_check_and_interp_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
