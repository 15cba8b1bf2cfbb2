/* Small character helpers shared by the lexers and decoders (the grammar's
 * escapes, YAML scalars, the interpreter's byte strings, field arguments). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of a hex digit, or -1. */
static inline int text_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ASCII case folding only: libsinsp runs in the C locale. */
static inline char text_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline char text_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* True for a non-empty string of decimal digits only. */
static inline bool text_is_decimal(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* The base64 alphabet's value of c, or -1. */
static inline int text_base64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict base64, as Falco's Base64::decodeWithoutPadding (the b64
 * transformer): at most two '=' at the end, no other non-alphabet byte, no
 * leftover bits, never a lone trailing character. Decodes in place; returns
 * the decoded length or -1. */
static inline long text_base64_decode(char *s, size_t len)
{
    if (len == 0)
        return 0;
    size_t n = len;
    if (s[n - 1] == '=') {
        n--;
        if (n > 0 && s[n - 1] == '=')
            n--;
    }
    if (n % 4 == 1 || n == 0)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = text_base64val((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            s[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    if (bits && (acc & ((1u << bits) - 1)))
        return -1; /* decodeLast: the unused low bits must be zero */
    return (long)o;
}
