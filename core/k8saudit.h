/* Kubernetes audit events, the k8s_audit source: what the API server sends
 * (an audit.k8s.io Event, an EventList, or a JSON array of them, as the
 * k8saudit plugin accepts) parsed into events, and the value of every field
 * a k8s_audit rule may read on one of them (ka.*, json.*, jevt.* and the
 * generic evt.* fields). The webhook and the file reader of the runtime, the
 * unit tests and the fuzz target share it; the semantics are the k8saudit
 * plugin's (plugins/k8saudit/pkg/k8saudit/extract.go), see k8saudit.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/ast.h"
#include "core/value.h"

struct arena;
struct json_object;

/* JSON nested deeper than this is refused: a bound for hostile input, well
 * above what Kubernetes objects need (CRD schemas included). */
#define K8SAUDIT_MAX_DEPTH 128

enum k8saudit_parse_error {
    K8SAUDIT_OK = 0,
    K8SAUDIT_ERR_JSON = -1,      /* not (strict, complete) JSON, or nested too deeply */
    K8SAUDIT_ERR_NOT_AUDIT = -2, /* JSON, but not an Event, an EventList or an array of them */
};

/* The events of one request body or one line of a log file, as compact
 * JSON text: a queued batch holds a fraction of what parsed JSON takes, and
 * whoever evaluates the events parses one at a time (k8saudit_event_bind). */
struct k8saudit_batch {
    char *text;      /* the events' JSON, each NUL-terminated, one after the other */
    size_t *offsets; /* of each event in text */
    uint64_t *times; /* stageTimestamp of each event, nanoseconds since the epoch */
    size_t nevents;
    size_t skipped;   /* events without a valid stageTimestamp, dropped as the plugin drops them */
    size_t oversized; /* events over max_event_size, dropped as the plugin drops them */
    size_t bytes;     /* size of text: what the batch holds */
};

/* Parses data[0..len). On error returns a k8saudit_parse_error with the
 * reason in err and leaves *out empty; a batch of no events (an empty
 * EventList, or every event dropped) is not an error. max_event_size bounds
 * one event's JSON text (0: no bound), as the plugin's maxEventSize. */
int k8saudit_parse(const char *data, size_t len, size_t max_event_size, struct k8saudit_batch *out,
                   char *err, size_t errlen);
void k8saudit_batch_free(struct k8saudit_batch *batch);
/* Event i's JSON text (NUL-terminated) and its length. */
const char *k8saudit_batch_event(const struct k8saudit_batch *batch, size_t i, size_t *len);

/* RFC 3339 with optional fractional seconds (Go's time.RFC3339Nano, what
 * stageTimestamp holds) to nanoseconds since the epoch; -1 when malformed. */
int k8saudit_parse_time(const char *s, uint64_t *ns);

/* One event as the rules see it. */
struct k8saudit_event {
    const char *text; /* its JSON (borrowed: a batch's), jevt.obj */
    size_t len;
    struct json_object *obj; /* text parsed */
    uint64_t time_ns;        /* evt.time */
    uint64_t num;            /* evt.num */
    const char *hostname;    /* evt.hostname */
    struct arena *scratch;   /* values computed for this event, freed by the next bind */
};

/* Points ev at an event's text, which must stay valid while ev is used, and
 * parses it; what the getter returned before is freed. -1 (and ev empty)
 * when the text is not a JSON object. */
int k8saudit_event_bind(struct k8saudit_event *ev, const char *text, size_t len, uint64_t time_ns,
                        uint64_t num);
void k8saudit_event_free(struct k8saudit_event *ev);

/* field_getter (core/value.h) over a struct k8saudit_event: FV_NONE (<NA>)
 * for a value the event does not have and for fields of other sources.
 * Values stay valid until the next k8saudit_event_bind. */
int k8saudit_get(void *ctx, const struct ast_field *field, struct field_value *out);
