/* core/ipaddr.c and core/utf8.c: the small shared pieces the checker, the
 * interpreter and the formatter all read addresses and UTF-8 through. */
#include <arpa/inet.h>

#include "tests/unit/test_util.h"

#include "core/ipaddr.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "core/value.h"

static bool _parse(const char *s, bool net, struct ipaddr *ip)
{
    return ipaddr_parse(s, strlen(s), net, ip);
}

static void test_parse(void **state)
{
    (void)state;
    struct ipaddr ip;
    assert_true(_parse("10.1.2.3", false, &ip));
    assert_int_equal(ip.family, 4);
    assert_int_equal(ip.prefix, 32);
    assert_false(ip.net);
    assert_true(_parse("10.0.0.0/8", false, &ip)); /* a '/' makes a network */
    assert_true(ip.net);
    assert_int_equal(ip.prefix, 8);
    assert_true(_parse("::1", true, &ip));
    assert_int_equal(ip.family, 6);
    assert_int_equal(ip.prefix, 128);
    assert_true(ip.net);
    assert_true(_parse("fe80::/10", false, &ip));
    assert_int_equal(ip.prefix, 10);
    /* the prefix is a number as core/number.h reads it, up to the family's bits */
    assert_true(_parse("10.0.0.0/0x8", false, &ip));
    assert_int_equal(ip.prefix, 8);
    assert_false(_parse("10.0.0.0/33", false, &ip));
    assert_false(_parse("::/129", false, &ip));
    assert_false(_parse("10.0.0.0/", false, &ip));
    assert_false(_parse("10.0.0.0/8 ", false, &ip));
    assert_false(_parse("10.0.0", false, &ip));
    assert_false(_parse("", false, &ip));
    assert_false(ipaddr_parse("10.0.0.1\0", 9, false, &ip));
    assert_false(ipaddr_parse(NULL, 0, false, &ip));
}

static void test_in_net_and_text(void **state)
{
    (void)state;
    struct ipaddr net, a;
    assert_true(_parse("192.168.0.0/17", false, &net));
    assert_true(_parse("192.168.127.255", false, &a));
    assert_true(ipaddr_in_net(a.a, &net));
    assert_true(_parse("192.168.128.0", false, &a));
    assert_false(ipaddr_in_net(a.a, &net));
    char buf[64];
    ipaddr_text(&net, buf, sizeof(buf));
    assert_string_equal(buf, "192.168.0.0/17");
    struct field_value v = {.kind = FV_IP, .family = 6};
    inet_pton(AF_INET6, "2001:db8::1", v.ip);
    ipaddr_from_value(&v, &a);
    assert_int_equal(a.prefix, 128);
    ipaddr_text(&a, buf, sizeof(buf));
    assert_string_equal(buf, "2001:db8::1");
}

static void test_utf8(void **state)
{
    (void)state;
    const unsigned char euro[] = {0xe2, 0x82, 0xac};
    assert_int_equal(utf8_seq(euro, euro + 3), 3);
    assert_int_equal(utf8_seq(euro, euro + 2), -2); /* cut: a maximal subpart */
    const unsigned char bad[] = {0xc0, 0x80};
    assert_int_equal(utf8_seq(bad, bad + 2), -1);
    /* a prefix cut inside a character loses only that character */
    assert_int_equal(utf8_cut_partial("a\xe2\x82", 3), 1);
    assert_int_equal(utf8_cut_partial("a\xe2\x82\xac", 4), 4);
    assert_int_equal(utf8_cut_partial("abc", 3), 3);
    char out[4];
    assert_int_equal(utf8_encode(0x41, out), 1);
    assert_int_equal(utf8_encode(0x20ac, out), 3);
    assert_memory_equal(out, "\xe2\x82\xac", 3);
    assert_int_equal(utf8_encode(0x1f600, out), 4);
    assert_memory_equal(out, "\xf0\x9f\x98\x80", 4);
    struct strbuf sb = {0};
    utf8_sanitize(&sb,
                  "a\xff"
                  "b",
                  3);
    assert_string_equal(sb.data, "a\xef\xbf\xbd"
                                 "b");
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_in_net_and_text),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
