/* Who gives a field its value in `rulec run` besides the kernel: the
 * userspace reader of each catalogue field, by id. runtime/event.c
 * dispatches on it (a switch the compiler checks for completeness), and
 * lint uses it with compiler/kfields.c's kernel readers to warn about
 * fields that can only be <NA> (RULEC_FIELD_UNAVAILABLE). Adding a field is
 * its row in fields.def, its reader here, and the reader's code. */
#pragma once

#include <stdbool.h>

#include "core/fields.h"

enum field_reader {
    FR_NONE,      /* only the kernel's slot, if it has one; else <NA> */
    FR_RECORD,    /* the record's header and the event itself (type, time, ids, names of ids) */
    FR_PROCFS,    /* /proc of the process (and its parent, ancestors) while it lives */
    FR_SYSARG,    /* evt.arg / evt.rawarg of register arguments, from the record's registers */
    FR_DERIVED,   /* from other fields: networks, either end, names of addresses */
    FR_PLUGIN,    /* a plugin event's own fields (k8s audit events: core/k8saudit.c) */
    FR_CONTAINER, /* the container runtime's metadata */
    FR_MAX,
};

enum field_reader field_userspace_reader(enum field_id id);
/* A human reason why a field without any reader has no value, for diagnostics. */
const char *field_unavailable_reason(const struct field_def *def);
