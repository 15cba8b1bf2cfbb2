#include "core/scratch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int scratch_reserve(struct scratch *s, size_t n)
{
    if (n <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 256;
    while (cap < n)
        cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p)
        return -ENOMEM;
    s->p = p;
    s->cap = cap;
    return 0;
}

const char *scratch_cstr(struct scratch *s, const char *str, size_t len)
{
    if (scratch_reserve(s, len + 1) < 0)
        return NULL;
    if (len)
        memcpy(s->p, str, len);
    s->p[len] = '\0';
    return s->p;
}

void scratch_free(struct scratch *s)
{
    free(s->p);
    s->p = NULL;
    s->cap = 0;
}
