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
    FR_DERIVED,   /* from other fields the kernel captures (field_reader_inputs): networks, either
                     end, names of addresses, the fd's kind, evt.args */
    FR_PLUGIN,    /* a plugin event's own fields (k8s audit events: core/k8saudit.c) */
    FR_CONTAINER, /* the container runtime's metadata */
    FR_MAX,
};

enum field_reader field_userspace_reader(enum field_id id);

struct evttype;

/* A field the kernel reads that a userspace reader computes its value from. */
struct field_input {
    enum field_id id;
    const char *arg; /* evt.arg.NAME's NAME, or NULL */
};

/* The kernel-read fields the userspace reader of field id reads on events of type t (the fd's
 * type for evt.category of an I/O event, fd.name for fd.containername, ...): the plan captures
 * them with the field, so that every record carries them. Fills at most max, returns how many
 * it would fill. */
size_t field_reader_inputs(enum field_id id, const struct evttype *t, struct field_input *out,
                           size_t max);
/* Why the reader of field id gives no value on events of type t where libsinsp has one (evt.args
 * on a syscall whose exit event has parameters only the kernel knows); NULL when it does. */
const char *field_reader_gap(enum field_id id, const struct evttype *t);

/* A human reason why a field without any reader has no value, for diagnostics. */
const char *field_unavailable_reason(const struct field_def *def);
