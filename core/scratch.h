/* A reusable byte buffer for per-event work (a transformed copy of a value,
 * a NUL-terminated subject for fnmatch). Unlike strbuf, which aborts, it
 * reports running out of memory: on a node the event is then undecided
 * (MAYBE), not the process dead. */
#pragma once

#include <stddef.h>

struct scratch {
    char *p;
    size_t cap;
};

/* Makes room for n bytes; keeps the contents. Returns 0 or -ENOMEM. */
int scratch_reserve(struct scratch *s, size_t n);
/* s[0..len) NUL-terminated in the buffer; NULL when out of memory. */
const char *scratch_cstr(struct scratch *s, const char *str, size_t len);
void scratch_free(struct scratch *s);
