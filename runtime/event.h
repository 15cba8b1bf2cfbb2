/* One candidate event as the runtime sees it: a ring-buffer record decoded
 * through the policy's slot layout, with what the kernel did not capture
 * computed here by each field's userspace reader (core/field_readers.h):
 * the record's header and event type (event.c), /proc of the process
 * (event_proc.c), other captured fields (event_derived.c) and the event's
 * parameters (event_args.c). event_get is the field_getter the interpreter
 * reads values through, event_get_output the one outputs do. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/ast.h"
#include "core/policy.h"
#include "core/rulec_abi.h"
#include "core/value.h"

struct arena;
struct cmeta;
struct cid_cache;
struct proc_cache;
struct users_db;
struct dns_cache;

/* Per-policy lookup state: slot index by field, built once. */
struct event_layout {
    const struct policy_meta *meta;
    const struct field_def **slot_defs;
};

int event_layout_init(struct event_layout *layout, const struct policy_meta *meta);
void event_layout_free(struct event_layout *layout);

struct event {
    const struct event_layout *layout;
    const uint8_t *rec;
    size_t len;
    const struct rulec_record_hdr *hdr;
    struct users_db *users;
    struct dns_cache *dns;     /* fd.sip.name and its kin (runtime/dns.h), or NULL */
    struct cid_cache *cids;    /* container.id the kernel left undecided, or NULL: <NA> */
    struct proc_cache *procs;  /* processes as at their exec, or NULL: /proc only */
    uint64_t num;              /* evt.num: the record's number in this run, from 1 */
    struct cmeta *containers;  /* container.* and k8s.* metadata (NULL: only the host's) */
    uint64_t boot_to_epoch_ns; /* added to the kernel's boot-time stamps */
    uint64_t start_boot_ns;    /* when rulec run started (boot time): evt.reltime's origin */
    const char *hostname;
    /* Set while event_get_output reads: libsinsp extracts a few fields for outputs otherwise
     * than it compares them in conditions (the ancestor fields without an index, the time
     * fields' text). */
    bool output;
    /* Strings computed for this event (from /proc, formatting numbers);
     * a new arena for each record, freed by the next event_bind and by
     * event_free. */
    struct arena *scratch;
    const char *cid; /* container.id computed for this event (in scratch), once */
    bool cid_done;
};

/* Binds ev to a record; returns -1 when the record is shorter than the
 * policy's layout says (a corrupt or foreign record). */
int event_bind(struct event *ev, const struct event_layout *layout, const void *rec, size_t len);
void event_free(struct event *ev);

bool event_is_candidate(const struct event *ev, size_t rule);
bool event_is_maybe(const struct event *ev, size_t rule);
uint64_t event_time_ns(const struct event *ev);

/* The field's userspace reader on this event (core/field_readers.h): 0 with *out filled
 * (FV_NONE for <NA>), a negative errno, or 1 when the reader does not know the field (a bug:
 * the catalogue names a reader that does not handle it; tests/unit/test_event_readers.c). */
int event_userspace_value(struct event *ev, const struct ast_field *f, struct field_value *out);

/* field_getter for interp_eval; ctx is struct event *. */
int event_get(void *ctx, const struct ast_field *field, struct field_value *out);
/* field_getter for outputs (format rendering, output_fields): the values libsinsp's
 * extraction gives where they differ from what its comparisons see. */
int event_get_output(void *ctx, const struct ast_field *field, struct field_value *out);

/* CLOCK_BOOTTIME now, in ns: the kernel's clock for record timestamps. */
uint64_t event_boot_ns(void);

/* Falco's wall-clock offset: realtime minus boottime, now. */
uint64_t event_boot_to_epoch_ns(void);
