/* A field's value as extracted for one event: what the interpreter compares
 * and what the output formatter prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ast.h"
#include "core/fields.h"

enum fv_kind {
    FV_NONE, /* no value: comparisons are false (Falco), outputs print <NA> */
    FV_STR,  /* strings, paths, byte buffers */
    FV_INT,
    FV_UINT,
    FV_BOOL,
    FV_IP,   /* family 4 or 6, address in ip[] (network order) */
    FV_NET,  /* CIDR: ip[] and prefix */
    FV_LIST, /* several strings (fd.types, proc.aname without argument, ka.* lists) */
};

struct fv_str {
    const char *ptr;
    size_t len;
};

struct field_value {
    enum fv_kind kind;
    /* The kernel captured only a prefix of the real value: comparisons
     * that the prefix cannot decide evaluate as a match (fail closed). */
    bool truncated;
    struct fv_str str;
    int64_t i;
    uint64_t u;
    bool b;
    uint8_t ip[16];
    uint8_t family;
    uint8_t prefix;
    const struct fv_str *list;
    size_t nlist;
};

/* Supplies the value of a field for the current event. Returns 0 and fills
 * *out (FV_NONE when the event has no such value), or a negative errno. */
typedef int (*field_getter)(void *ctx, const struct ast_field *field, struct field_value *out);

/* A number as the value of a field of this type: a boolean for FT_BOOL, signed
 * for FT_INT and FT_RELTIME, unsigned otherwise (time fields hold nanoseconds,
 * which the formatter prints in each field's style). */
static inline void field_value_number(struct field_value *out, enum field_type type, uint64_t v)
{
    if (type == FT_BOOL) {
        out->kind = FV_BOOL;
        out->b = v != 0;
    } else if (type == FT_INT || type == FT_RELTIME) {
        out->kind = FV_INT;
        out->i = (int64_t)v;
    } else {
        out->kind = FV_UINT;
        out->u = v;
    }
}
