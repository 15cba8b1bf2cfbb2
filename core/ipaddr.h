/* IPv4 and IPv6 addresses and CIDR networks as conditions compare them
 * (fd.sip = 10.0.0.1, fd.snet in (10.0.0.0/8)): parsed from constants by the
 * checker and the interpreter alike, read from field values, printed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct field_value;

struct ipaddr {
    uint8_t family; /* 4 or 6 */
    uint8_t prefix; /* bits of the network; 32 or 128 for an address */
    bool net;       /* a network (written with '/', or wanted as one) */
    uint8_t a[16];  /* network order; IPv4 in a[0..3] */
};

/* An address, or with want_net (or a '/' in the text) a network. The
 * prefix after '/' is a number (core/number.h) up to 32 or 128. libsinsp
 * picks the family by the presence of a '.'; inet_pton decides here, the
 * same thing for every valid input. Returns true when s[0..len) is one. */
bool ipaddr_parse(const char *s, size_t len, bool want_net, struct ipaddr *out);

/* True when addr (of net's family) lies inside net. */
bool ipaddr_in_net(const uint8_t *addr, const struct ipaddr *net);

/* An FV_IP or FV_NET value as an ipaddr (net left false: the address is
 * what a comparison looks at). */
void ipaddr_from_value(const struct field_value *v, struct ipaddr *out);

/* inet_ntop's text, "/prefix" after a network; "<NA>" when it cannot be
 * printed. size >= INET6_ADDRSTRLEN + 4 holds every address. */
void ipaddr_text(const struct ipaddr *ip, char *out, size_t size);
