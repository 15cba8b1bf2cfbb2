/* runtime/dedupe.c: a reload's overlap, where both policies send records of one event; twins are
 * paired per thread, and only twins. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/test_util.h"

#include "runtime/dedupe.h"

static struct rulec_record_hdr _h(uint32_t tid, uint32_t evt, uint64_t ts, uint64_t arg0)
{
    struct rulec_record_hdr h = {.evt_id = evt, .ts_boot_ns = ts, .pid = tid, .tid = tid};
    h.args[0] = arg0;
    return h;
}

/* A thread opening the same file in a loop: every record identical but for the time. Each new
 * record pairs with the old one just before it, never with an earlier or later event's. */
static void test_identical_events(void **state)
{
    (void)state;
    struct dedupe *d = dedupe_new();
    uint64_t mask = 1;
    /* events every 2000 ns; old at +0, new at +300; the overlap covers events 1 to 3 */
    struct rulec_record_hdr o0 = _h(7, 257, 0, 42);
    assert_int_equal(dedupe_add_old(d, &o0, &mask, 1, 1), 0);
    for (uint64_t k = 1; k <= 3; k++) {
        struct rulec_record_hdr o = _h(7, 257, k * 2000, 42), n = _h(7, 257, k * 2000 + 300, 42);
        assert_int_equal(dedupe_add_old(d, &o, &mask, 1, 1), 0);
        assert_int_equal(dedupe_add_new(d, &n), (long)k - 1);
    }
    /* after the old programs were detached: new records alone */
    for (uint64_t k = 4; k <= 5; k++) {
        struct rulec_record_hdr n = _h(7, 257, k * 2000 + 300, 42);
        assert_int_equal(dedupe_add_new(d, &n), (long)k - 1);
    }
    dedupe_resolve(d);
    for (size_t i = 0; i < 3; i++) {
        const struct dedupe_twin *t = dedupe_twin(d, i);
        assert_non_null(t);
        assert_int_equal(t->alerts, 1);
        assert_int_equal(t->candidates[0], 1);
    }
    assert_null(dedupe_twin(d, 3));
    assert_null(dedupe_twin(d, 4));
    assert_null(dedupe_twin(d, 99));
    dedupe_free(&d);
    assert_null(d);
}

/* Different headers, threads or a gap too long are not twins; threads interleave freely. */
static void test_not_twins(void **state)
{
    (void)state;
    struct dedupe *d = dedupe_new();
    uint64_t mask = 3;
    struct rulec_record_hdr o1 = _h(1, 257, 1000, 5), o2 = _h(2, 257, 1100, 5),
                            o3 = _h(3, 257, 1000, 5), o4 = _h(4, 257, 1000, 5);
    dedupe_add_old(d, &o1, &mask, 1, 0);
    dedupe_add_old(d, &o2, &mask, 1, 2);
    dedupe_add_old(d, &o3, &mask, 1, 0);
    dedupe_add_old(d, &o4, &mask, 1, 0);
    struct rulec_record_hdr n1 = _h(1, 257, 1200, 6);                         /* other argument */
    struct rulec_record_hdr n2 = _h(2, 257, 1150, 5);                         /* twin (thread 2) */
    struct rulec_record_hdr n3 = _h(3, 257, 1000 + DEDUPE_MAX_GAP_NS + 1, 5); /* too late */
    struct rulec_record_hdr n4 = _h(4, 2, 1100, 5);                           /* another event */
    struct rulec_record_hdr n5 = _h(9, 257, 1100, 5);                         /* no old record */
    dedupe_add_new(d, &n1);
    dedupe_add_new(d, &n2);
    dedupe_add_new(d, &n3);
    dedupe_add_new(d, &n4);
    dedupe_add_new(d, &n5);
    dedupe_resolve(d);
    assert_null(dedupe_twin(d, 0));
    const struct dedupe_twin *t = dedupe_twin(d, 1);
    assert_non_null(t);
    assert_int_equal(t->alerts, 2);
    assert_null(dedupe_twin(d, 2));
    assert_null(dedupe_twin(d, 3));
    assert_null(dedupe_twin(d, 4));
    dedupe_free(&d);
}

/* One old record is the twin of one new record at most, even when two new ones follow it (the
 * second is the next event's, the old policy detached before it). */
static void test_one_twin_each(void **state)
{
    (void)state;
    struct dedupe *d = dedupe_new();
    uint64_t mask = 1;
    struct rulec_record_hdr o = _h(5, 257, 100, 1), n1 = _h(5, 257, 200, 1),
                            n2 = _h(5, 257, 300, 1);
    dedupe_add_old(d, &o, &mask, 1, 1);
    dedupe_add_new(d, &n1);
    dedupe_add_new(d, &n2);
    dedupe_resolve(d);
    assert_non_null(dedupe_twin(d, 0));
    assert_null(dedupe_twin(d, 1));
    dedupe_free(&d);
    dedupe_free(&d); /* NULL: nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_events),
        cmocka_unit_test(test_not_twins),
        cmocka_unit_test(test_one_twin_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
