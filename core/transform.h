/* Field transformers (tolower, toupper, b64, basename, len), applied to an
 * extracted value before it is compared (the interpreter) or printed (the
 * output formatter). Semantics follow libsinsp's sinsp_filter_transformer:
 * tolower/toupper fold ASCII, b64 is a strict decode whose failure fails the
 * extraction, basename keeps what follows the last '/', len is strnlen of
 * a string, the size of a byte buffer, the count of a list.
 *
 * A truncated value (the kernel captured a prefix) stays a prefix through
 * tolower, toupper and b64 of whole quads; basename's real value is
 * unknown then (empty and truncated); len of it is a lower bound. */
#pragma once

#include "core/ast.h"
#include "core/fields.h"
#include "core/scratch.h"
#include "core/value.h"

/* Applies field's transformers to value in place; scratch holds any new
 * string until the next call with it. A b64 that does not decode leaves
 * FV_NONE. Returns 0, -EINVAL for a NULL argument, -ENOMEM. */
int transform_apply(const struct ast_field *field, struct field_value *value,
                    struct scratch *scratch);

/* The type a field reference yields: the catalogue type for its argument
 * (field_arg_type), FT_UINT after len(); FT_STRING when def is NULL. */
enum field_type transform_field_type(const struct ast_field *field);

/* True when the field's transformers include len(): a list field then
 * yields one number, not a list. */
bool transform_has_len(const struct ast_field *field);
