/* Small character helpers shared by the lexers and decoders (the grammar's
 * escapes, YAML scalars, the interpreter's byte strings, field arguments). */
#pragma once

#include <stdbool.h>

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
