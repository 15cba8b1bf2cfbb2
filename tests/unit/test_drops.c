/* runtime/drops.c: Falco's syscall_event_drops decision: the threshold on lost/events, the
 * token bucket (rate, max_burst) that spaces the actions, simulate_drops, "ignore". */
#include "tests/unit/test_util.h"

#include "runtime/drops.h"

#define _S 1000000000ull

static struct rulec_drops _cfg(unsigned actions, double threshold, double rate, double burst)
{
    return (struct rulec_drops){
        .actions = actions, .threshold = threshold, .rate = rate, .max_burst = burst};
}

static void test_threshold(void **state)
{
    (void)state;
    struct drops d;
    struct rulec_drops cfg = _cfg(DROP_ACTION_ALERT, 0.1, 100, 100);
    drops_init(&d, &cfg, 0);
    uint64_t lost = 0;
    assert_int_equal(drops_check(&d, 1 * _S, &lost, 1000), 0); /* no loss */
    lost = 100;
    assert_int_equal(drops_check(&d, 2 * _S, &lost, 1000), 0); /* 0.1 is not above 0.1 */
    lost = 101;
    assert_int_equal(drops_check(&d, 3 * _S, &lost, 1000), DROP_ACTION_ALERT);
    lost = 5;
    assert_int_equal(drops_check(&d, 4 * _S, &lost, 0), DROP_ACTION_ALERT); /* all lost */
}

/* Falco's defaults: one action at once, then one every 30 s. */
static void test_token_bucket(void **state)
{
    (void)state;
    struct drops d;
    struct rulec_drops cfg = _cfg(DROP_ACTION_LOG | DROP_ACTION_ALERT, 0.1, 0.03333, 1);
    drops_init(&d, &cfg, 0);
    unsigned acted = 0;
    for (uint64_t s = 1; s <= 61; s++) {
        uint64_t lost = 1000;
        if (drops_check(&d, s * _S, &lost, 1000)) {
            assert_int_equal(drops_check(&d, s * _S, &lost, 1000), 0); /* the token is gone */
            acted++;
        }
    }
    assert_int_equal(acted, 2); /* at 1 s, and about 30 s later */
}

static void test_simulate_and_ignore(void **state)
{
    (void)state;
    struct drops d;
    struct rulec_drops cfg = _cfg(DROP_ACTION_EXIT, 0.9, 10, 10);
    cfg.simulate_drops = true;
    drops_init(&d, &cfg, 0);
    uint64_t lost = 0;
    assert_int_equal(drops_check(&d, _S, &lost, 1000000), DROP_ACTION_EXIT);
    assert_int_equal(lost, 1);
    cfg = _cfg(0, 0, 10, 10);
    drops_init(&d, &cfg, 0);
    lost = 50;
    assert_int_equal(drops_check(&d, _S, &lost, 100), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_token_bucket),
        cmocka_unit_test(test_simulate_and_ignore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
