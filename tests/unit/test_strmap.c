/* core/strmap.c: lookup-or-insert in one call, keys by length and bytes,
 * growth past many keys in an arena and in malloc'd memory. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/test_util.h"

#include "core/arena.h"
#include "core/strmap.h"

static void test_put_get(void **state)
{
    (void)state;
    struct strmap m;
    strmap_init(&m, NULL);
    assert_null(strmap_get_str(&m, "a")); /* an empty map has no table yet */
    bool added = false;
    struct strmap_entry *e = strmap_put_str(&m, "shells", &added);
    assert_non_null(e);
    assert_true(added);
    assert_int_equal(e->value.index, 0); /* a new entry's value is zero */
    e->value.index = 7;
    e = strmap_put_str(&m, "shells", &added);
    assert_false(added);
    assert_int_equal(e->value.index, 7);
    assert_int_equal(strmap_get_str(&m, "shells")->value.index, 7);
    assert_null(strmap_get_str(&m, "shell"));
    assert_null(strmap_get_str(&m, "shellsx"));
    assert_int_equal(m.n, 1);
    strmap_put_str(&m, "binaries", NULL)->value.ptr = &m;
    assert_ptr_equal(strmap_get_str(&m, "binaries")->value.ptr, &m);
    assert_int_equal(m.n, 2);
    strmap_free(&m);
    assert_int_equal(m.n, 0);
    assert_null(strmap_get_str(&m, "shells"));
}

static void test_lengths(void **state)
{
    (void)state;
    struct strmap m;
    strmap_init(&m, NULL);
    const char *text = "proc.name and proc.pname";
    /* keys inside a longer text, as a condition's tokens are */
    strmap_put(&m, text, 9, NULL)->value.index = 1;
    strmap_put(&m, text + 14, 10, NULL)->value.index = 2;
    assert_int_equal(strmap_get_str(&m, "proc.name")->value.index, 1);
    assert_int_equal(strmap_get_str(&m, "proc.pname")->value.index, 2);
    assert_null(strmap_get(&m, text, 4));
    /* a NUL is a byte like any other; the empty key is a key */
    strmap_put(&m, "a\0b", 3, NULL)->value.index = 3;
    assert_null(strmap_get(&m, "a", 1));
    assert_int_equal(strmap_get(&m, "a\0b", 3)->value.index, 3);
    strmap_put_str(&m, "", NULL)->value.index = 4;
    assert_int_equal(strmap_get_str(&m, "")->value.index, 4);
    /* NULL is no key */
    bool added = true;
    assert_null(strmap_put(&m, NULL, 0, &added));
    assert_false(added);
    assert_null(strmap_get(&m, NULL, 0));
    strmap_free(&m);
}

/* Many keys, in both storages: every one found with its value after the
 * table has doubled many times. */
static void _many(struct arena *arena)
{
    enum { N = 20000 };
    struct strmap m;
    strmap_init(&m, arena);
    char(*keys)[16] = malloc(N * sizeof(*keys));
    assert_non_null(keys);
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
        bool added;
        struct strmap_entry *e = strmap_put_str(&m, keys[i], &added);
        assert_true(added);
        e->value.index = i;
    }
    assert_int_equal(m.n, N);
    assert_true(m.cap >= 2 * N);
    assert_int_equal(m.cap & (m.cap - 1), 0);
    for (size_t i = 0; i < N; i++) {
        const struct strmap_entry *e = strmap_get_str(&m, keys[i]);
        assert_non_null(e);
        assert_int_equal(e->value.index, i);
        assert_ptr_equal(e->key, keys[i]);
    }
    assert_null(strmap_get_str(&m, "k20000"));
    strmap_free(&m);
    free(keys);
}

static void test_many_malloc(void **state)
{
    (void)state;
    _many(NULL);
}

static void test_many_arena(void **state)
{
    (void)state;
    struct arena *arena = arena_new();
    _many(arena);
    arena_free(&arena);
}

static void test_key_copy_after_insert(void **state)
{
    (void)state;
    /* the caller's buffer is reused: after an insert the entry points at a
     * copy that lives as long as the map (what yaml_tree does with anchors) */
    struct arena *arena = arena_new();
    struct strmap m;
    strmap_init(&m, arena);
    char buf[16];
    for (int round = 0; round < 2; round++) {
        snprintf(buf, sizeof(buf), "anchor");
        bool added;
        struct strmap_entry *e = strmap_put_str(&m, buf, &added);
        assert_true(added == (round == 0));
        if (added)
            e->key = arena_strdup(arena, buf);
        e->value.index = (size_t)round;
        memset(buf, 'x', sizeof(buf) - 1);
    }
    assert_int_equal(strmap_get_str(&m, "anchor")->value.index, 1);
    assert_int_equal(m.n, 1);
    arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_many_malloc),
        cmocka_unit_test(test_many_arena),
        cmocka_unit_test(test_key_copy_after_insert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
