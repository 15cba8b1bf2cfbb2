#include "core/ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/number.h"
#include "core/value.h"

bool ipaddr_parse(const char *s, size_t len, bool want_net, struct ipaddr *out)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (!s || len == 0 || len >= sizeof(buf) || memchr(s, '\0', len))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    memset(out, 0, sizeof(*out));
    if (slash)
        *slash = '\0';
    if (inet_pton(AF_INET, buf, out->a) == 1)
        out->family = 4;
    else if (inet_pton(AF_INET6, buf, out->a) == 1)
        out->family = 6;
    else
        return false;
    unsigned bits = out->family == 4 ? 32 : 128;
    out->prefix = (uint8_t)bits;
    if (slash) {
        uint64_t p;
        const char *ps = slash + 1;
        if (number_parse(ps, strlen(ps), false, &p) < 0 || p > bits)
            return false;
        out->prefix = (uint8_t)p;
        out->net = true;
    } else if (want_net) {
        out->net = true;
    }
    return true;
}

bool ipaddr_in_net(const uint8_t *addr, const struct ipaddr *net)
{
    unsigned full = net->prefix / 8, rest = net->prefix % 8;
    if (full && memcmp(addr, net->a, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (addr[full] & mask) == (net->a[full] & mask);
}

void ipaddr_from_value(const struct field_value *v, struct ipaddr *out)
{
    memset(out, 0, sizeof(*out));
    out->family = v->family == 6 ? 6 : 4;
    memcpy(out->a, v->ip, sizeof(out->a));
    out->prefix = v->kind == FV_NET ? v->prefix : (uint8_t)(out->family == 4 ? 32 : 128);
}

void ipaddr_text(const struct ipaddr *ip, char *out, size_t size)
{
    if (!inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->a, out, (socklen_t)size))
        snprintf(out, size, "<NA>");
    if (ip->net) {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "/%u", ip->prefix);
    }
}
