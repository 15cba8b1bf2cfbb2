/* The policy metadata: JSON round trip, version check, hostile input. */
#include "tests/unit/test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/policy.h"

static struct policy_meta _sample(void)
{
    static const char *tags[] = {"container", "mitre_execution"};
    static const char *hooks[] = {"execve", "execveat"};
    static const char *values[] = {"bash", "sh", "zsh"};
    static struct policy_slot slots[] = {{"proc.name", NULL, 96, 16}, {"proc.aname", "2", 120, 16}};
    static struct policy_rule rules[] = {{
        .name = "Shell in container",
        .desc = "a shell",
        .source = "syscall",
        .priority = "Warning",
        .tags = tags,
        .ntags = 2,
        .output = "shell %proc.name",
        .condition = "(proc.name in (\"bash\", \"sh\"))",
        .kernel = "(proc.name in (\"bash\", \"sh\"))",
        .kernel_exact = true,
        .enabled = true,
        .hooks = hooks,
        .nhooks = 2,
    }};
    static struct policy_set sets[] = {{"rulec_set0", "str", 16, values, 3}};
    static struct policy_hook hk[] = {{"execve", 59, "rulec_g0"}, {"execveat", 322, "rulec_g0"}};
    return (struct policy_meta){
        .format_version = POLICY_FORMAT_VERSION,
        .compiler_version = "0.1.0",
        .sources_digest = "abc",
        .record_size = 144,
        .mask_words = 1,
        .slots = slots,
        .nslots = 2,
        .rules = rules,
        .nrules = 1,
        .sets = sets,
        .nsets = 1,
        .hooks = hk,
        .nhooks = 2,
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
    assert_int_equal(back.nrules, 1);
    assert_string_equal(back.rules[0].name, "Shell in container");
    assert_string_equal(back.rules[0].tags[1], "mitre_execution");
    assert_true(back.rules[0].kernel_exact);
    assert_int_equal(back.nslots, 2);
    assert_null(back.slots[0].arg);
    assert_string_equal(back.slots[1].arg, "2");
    assert_int_equal(back.slots[1].offset, 120);
    assert_int_equal(back.nsets, 1);
    assert_string_equal(back.sets[0].values[2], "zsh");
    assert_int_equal(back.nhooks, 2);
    assert_int_equal(back.hooks[1].nr, 322);
    /* Serialising again gives the same bytes: compiles are deterministic. */
    char *again = policy_meta_to_json(&back);
    assert_string_equal(json, again);
    free(again);
    free(json);
    arena_free(&arena);
}

static void test_version_mismatch(void **state)
{
    (void)state;
    struct policy_meta m = _sample(), back;
    m.format_version = POLICY_FORMAT_VERSION + 1;
    char *json = policy_meta_to_json(&m);
    struct arena *arena = arena_new();
    char err[256];
    assert_int_equal(policy_meta_from_json(arena, json, strlen(json), &back, err, sizeof(err)), -2);
    assert_non_null(strstr(err, "format version"));
    free(json);
    arena_free(&arena);
}

static void test_hostile(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "",
        "{",
        "[]",
        "{\"format_version\": 2}",
        "{\"format_version\": 2, \"rules\": 3, \"slots\": [], \"sets\": [], \"hooks\": []}",
        "{\"format_version\": 2, \"compiler_version\": \"x\", \"sources_digest\": \"x\", "
        "\"record_size\": 10, \"mask_words\": 1, \"slots\": [{\"field\": \"proc.name\", "
        "\"arg\": null, \"offset\": 100, \"size\": 16}], \"rules\": [], \"sets\": [], "
        "\"hooks\": []}",
        "{\"format_version\": \"2\"}",
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

static void test_read_not_elf(void **state)
{
    (void)state;
    char path[] = "/tmp/rulec-test-policy-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage", 7), 7);
    close(fd);
    struct arena *arena = arena_new();
    struct policy_meta m;
    char err[512];
    assert_int_equal(policy_read_meta(path, arena, &m, err, sizeof(err)), POLICY_ERR_CORRUPT);
    assert_int_equal(policy_read_meta("/nonexistent/policy.o", arena, &m, err, sizeof(err)),
                     POLICY_ERR_IO);
    unlink(path);
    arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_version_mismatch),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_read_not_elf),
    };
    return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
