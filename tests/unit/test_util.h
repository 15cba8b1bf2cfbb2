/* Shared by the cmocka unit tests. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag.h"

/* Asserts that diags holds a diagnostic with this code at line:col. */
static inline void assert_diag_at(const struct diag_list *diags, enum diag_code code, unsigned line,
                                  unsigned col)
{
    for (size_t i = 0; i < diags->len; i++) {
        unsigned l, c;
        src_pos_linecol(diags->items[i].pos, &l, &c);
        if (diags->items[i].code == code && l == line && c == col)
            return;
    }
    print_error("expected %s at %u:%u; got:\n", diag_code_name(code), line, col);
    for (size_t i = 0; i < diags->len; i++) {
        unsigned l, c;
        src_pos_linecol(diags->items[i].pos, &l, &c);
        print_error("  %s at %u:%u: %s\n", diag_code_name(diags->items[i].code), l, c,
                    diags->items[i].message);
    }
    fail();
}
