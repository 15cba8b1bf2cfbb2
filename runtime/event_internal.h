/* What the readers of one event (runtime/event.c, event_proc.c, event_args.c) share: value
 * constructors, the values of other fields of the same event, the event's type. Nothing
 * outside runtime/event*.c includes it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/event.h"

struct arena;
struct evttype;

/* The event's scratch arena: strings computed for it live until the next event. */
struct arena *event_arena(const struct event *ev);

/* *out as a string of n bytes, a C string (NULL: <NA>), or a number of def's type. Return 0. */
int event_str(struct field_value *out, const char *s, size_t n);
int event_cstr(struct field_value *out, const char *s);
int event_num(struct field_value *out, const struct field_def *def, int64_t v);

/* The value of field id (with argument arg, or NULL) on this event: its slot when the kernel
 * captured it, else its userspace reader. */
int event_field(struct event *ev, enum field_id id, const char *arg, struct field_value *out);

/* The status of the slot the kernel captured field id (argument arg) in, RULEC_SLOT_ABSENT
 * when the record has none: tells "the event has no such value" (RULEC_SLOT_NONE) from "the
 * kernel could not read it" (RULEC_SLOT_ERROR) for readers derived from kernel fields. */
enum rulec_slot_status event_slot_status(const struct event *ev, enum field_id id, const char *arg);

/* The event type Falco reports the record under; NULL for a syscall no name has. */
const struct evttype *event_type(const struct event *ev);

/* runtime/event_proc.c: what /proc says about the process, its ancestors, its session and
 * process group, its fds and cgroups (the FR_PROCFS readers). Returns 1 when the field is not
 * one of these. */
int event_proc_value(struct event *ev, const struct ast_field *f, struct field_value *out);

/* runtime/event_derived.c: fields computed from other fields of the event (the FR_DERIVED
 * readers). Returns 1 when the field is not one of these. */
int event_derived_value(struct event *ev, const struct ast_field *f, struct field_value *out);

/* runtime/event_args.c: evt.args, evt.info, evt.abspath and its .src and .dst (FR_DERIVED
 * readers too). Returns 1 when the field is not one of these. */
int event_args_value(struct event *ev, const struct ast_field *f, struct field_value *out);
