/* runtime/dns.c: the names fd.sip.name compares with, resolved (through /etc/hosts here, which
 * maps localhost to 127.0.0.1), and the name of an address as Falco gives it. */
#include "tests/unit/test_util.h"

#include <arpa/inet.h>

#include "runtime/dns.h"

static void test_name_of(void **state)
{
    (void)state;
    const char *names[] = {"rulec-test-no-such-name.invalid", "localhost"};
    struct dns_cache *c = NULL;
    assert_int_equal(dns_cache_new(&c, names, 2, 5000), 0);
    uint8_t a[16] = {0};
    inet_pton(AF_INET, "127.0.0.1", a);
    assert_string_equal(dns_cache_name_of(c, 4, a), "localhost");
    inet_pton(AF_INET, "10.255.0.1", a);
    assert_string_equal(dns_cache_name_of(c, 4, a), ""); /* no name: "", so != holds */
    dns_cache_refresh(c);
    inet_pton(AF_INET, "127.0.0.1", a);
    assert_string_equal(dns_cache_name_of(c, 4, a), "localhost");
    dns_cache_set_map(c, -1);
    dns_cache_free(&c);
    assert_null(c);
    assert_null(dns_cache_name_of(NULL, 4, a)); /* no names in the policy: <NA> */
}

static void test_no_names(void **state)
{
    (void)state;
    struct dns_cache *c = NULL;
    assert_int_equal(dns_cache_new(&c, NULL, 0, 10), 0);
    uint8_t a[16] = {127, 0, 0, 1};
    assert_string_equal(dns_cache_name_of(c, 4, a), "");
    dns_cache_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_of),
        cmocka_unit_test(test_no_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
