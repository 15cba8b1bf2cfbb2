/* Coercion: a field's value made comparable as the type of the comparison
 * it stands in. libsinsp compares by the field's type (flt_compare); a
 * value of another kind (a number given as text, an address read as text
 * by the kernel, a boolean held as a number) is converted first, and one
 * that cannot be is unequal to everything. A truncated string that would
 * have to be parsed is MAYBE: its end is unknown. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fields.h"
#include "core/ipaddr.h"
#include "core/tri.h"
#include "core/value.h"

/* What a comparison compares: the catalogue types grouped by how. */
enum coerce_type {
    CT_STR,   /* strings and paths: C strings, up to their first NUL */
    CT_BYTES, /* byte buffers: length and bytes */
    CT_INT,   /* signed 64 bits */
    CT_UINT,  /* unsigned 64 bits (ports, times) */
    CT_BOOL,
    CT_IP,
    CT_NET,
};

/* A value made comparable. text[] backs numbers or addresses rendered as
 * strings, so a coerce_val is never copied once filled. */
struct coerce_val {
    const char *s;
    size_t len;
    bool trunc; /* strings: s is a prefix; numbers: u is a lower bound */
    uint64_t u; /* CT_UINT, CT_INT (two's complement), CT_BOOL */
    struct ipaddr ip;
    char text[64];
};

enum coerce_type coerce_type_of(enum field_type t);
/* "string", "numeric", "IP address", ...: for messages. */
const char *coerce_type_name(enum coerce_type t);

/* A number as a field of type ft (CT_INT or CT_UINT) reads it: core/number.h,
 * and for ports also a service name (getservbyname), as libsinsp's PT_PORT
 * parser does. */
bool coerce_parse_number(enum coerce_type t, enum field_type ft, const char *s, size_t len,
                         uint64_t *out);

/* Makes a scalar value comparable as type t (ft the field's type). TRUE
 * when done, FALSE when it cannot be (the comparison is false), MAYBE when a
 * truncated string cannot be read as a number or address. */
enum interp_result coerce_value(enum coerce_type t, enum field_type ft, const struct field_value *v,
                                struct coerce_val *c);
/* The same for one string element of a list value. */
enum interp_result coerce_elem(enum coerce_type t, enum field_type ft, const struct fv_str *e,
                               bool trunc, struct coerce_val *c);
