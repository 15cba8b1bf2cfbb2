/* Shared by the cmocka unit tests. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

/* Skips a test this machine cannot run (not root, a library missing), with the reason; under CI
 * (RULEC_REQUIRE_ROOT_TESTS=1, .ci/run) a skip is a failure, as for the end-to-end tests. */
#define skip_because(why)                                                                          \
    do {                                                                                           \
        const char *req_ = getenv("RULEC_REQUIRE_ROOT_TESTS");                                     \
        if (req_ && !strcmp(req_, "1"))                                                            \
            fail_msg("cannot run here (%s), and RULEC_REQUIRE_ROOT_TESTS=1", why);                 \
        print_message("skipped: %s\n", why);                                                       \
        skip();                                                                                    \
    } while (0)
