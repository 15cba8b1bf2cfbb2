/* Whether `rulec run` gives a field a value: from a kernel slot (compiler/kfields.h) or a
 * userspace reader (core/field_readers.h). A field it cannot give is Falco's <NA> on every
 * event: lowering folds a comparison on it to false, and the split warns
 * RULEC_FIELD_UNAVAILABLE at each use. */
#pragma once

#include <stdbool.h>

#include "core/fields.h"

/* In a rule of the given source (a k8s_audit rule reads only its plugin's fields and the
 * generic ones). */
bool available_field(enum field_source rule_source, const struct field_def *def, const char *arg);
