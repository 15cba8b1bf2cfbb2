/* The policy metadata's directly attached programs and container.id cache: round trip, and
 * optional (absent in metadata that has none). */
#include "tests/unit/test_util.h"

#include <stdlib.h>

#include "core/policy.h"

static struct policy_meta _sample(void)
{
    static struct policy_program programs[] = {
        {"rulec_cid_exec", "tp_btf/sched_process_exec"},
        {"rulec_cid_fork", "tp_btf/sched_process_fork"},
    };
    return (struct policy_meta){
        .format_version = POLICY_FORMAT_VERSION,
        .compiler_version = "0.1.0",
        .sources_digest = "abc",
        .record_size = 144,
        .mask_words = 1,
        .programs = programs,
        .nprograms = 2,
        .cid_cache = "rulec_cid_cache",
    };
}

static void test_round_trip(void **state)
{
    (void)state;
    struct policy_meta m = _sample(), back;
    char *json = policy_meta_to_json(&m);
    struct arena *arena = arena_new();
    char err[256];
    assert_int_equal(policy_meta_from_json(arena, json, strlen(json), &back, err, sizeof(err)), 0);
    assert_int_equal(back.nprograms, 2);
    assert_string_equal(back.programs[1].program, "rulec_cid_fork");
    assert_string_equal(back.programs[0].attach, "tp_btf/sched_process_exec");
    assert_string_equal(back.cid_cache, "rulec_cid_cache");
    char *again = policy_meta_to_json(&back);
    assert_string_equal(json, again);
    free(again);
    free(json);
    arena_free(&arena);
}

static void test_absent(void **state)
{
    (void)state;
    static const char json[] =
        "{\"format_version\": 2, \"compiler_version\": \"x\", \"sources_digest\": \"x\", "
        "\"record_size\": 64, \"mask_words\": 1, \"slots\": [], \"rules\": [], \"sets\": [], "
        "\"hooks\": []}";
    struct arena *arena = arena_new();
    struct policy_meta back;
    char err[256];
    assert_int_equal(policy_meta_from_json(arena, json, strlen(json), &back, err, sizeof(err)), 0);
    assert_int_equal(back.nprograms, 0);
    assert_null(back.cid_cache);
    arena_free(&arena);
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "{\"format_version\": 2, \"compiler_version\": \"x\", \"sources_digest\": \"x\", "
        "\"record_size\": 64, \"mask_words\": 1, \"slots\": [], \"rules\": [], \"sets\": [], "
        "\"hooks\": [], \"programs\": [{\"program\": \"p\"}]}",
        "{\"format_version\": 2, \"compiler_version\": \"x\", \"sources_digest\": \"x\", "
        "\"record_size\": 64, \"mask_words\": 1, \"slots\": [], \"rules\": [], \"sets\": [], "
        "\"hooks\": [], \"programs\": 3}",
        "{\"format_version\": 2, \"compiler_version\": \"x\", \"sources_digest\": \"x\", "
        "\"record_size\": 64, \"mask_words\": 1, \"slots\": [], \"rules\": [], \"sets\": [], "
        "\"hooks\": [], \"cid_cache\": 7}",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct arena *arena = arena_new();
        struct policy_meta back;
        char err[256];
        assert_true(policy_meta_from_json(arena, inputs[i], strlen(inputs[i]), &back, err,
                                          sizeof(err)) < 0);
        arena_free(&arena);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_absent),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests_name("policy_programs", tests, NULL, NULL);
}
