#include "core/number.h"

#include <errno.h>

#include "core/text.h"

/* isspace in the C locale, the set %u skips. */
static bool _blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int number_scan(const char *s, size_t len, struct number *out)
{
    if (!s)
        return -EINVAL;
    size_t i = 0;
    while (i < len && _blank(s[i]))
        i++;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    unsigned base = 10;
    if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    }
    if (i >= len)
        return -EINVAL; /* nothing after the sign or the 0x */
    uint64_t v = 0;
    bool overflow = false;
    for (; i < len; i++) {
        int d = text_hexval(s[i]);
        if (d < 0 || (unsigned)d >= base)
            return -EINVAL;
        if (v > (UINT64_MAX - (unsigned)d) / base)
            overflow = true; /* keep reading: trailing garbage is the worse error */
        else
            v = v * base + (unsigned)d;
    }
    if (overflow)
        return -ERANGE;
    out->magnitude = v;
    out->negative = neg;
    return 0;
}

int number_fit(const struct number *n, bool is_signed, uint64_t *out)
{
    if (is_signed && n->magnitude > (uint64_t)INT64_MAX + (n->negative ? 1 : 0))
        return -ERANGE;
    *out = n->negative ? (uint64_t)0 - n->magnitude : n->magnitude;
    return 0;
}

int number_parse(const char *s, size_t len, bool is_signed, uint64_t *out)
{
    struct number n;
    int rc = number_scan(s, len, &n);
    return rc < 0 ? rc : number_fit(&n, is_signed, out);
}
