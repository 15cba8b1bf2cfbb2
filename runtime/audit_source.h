/* The k8s_audit event source of `rulec run`: the webhook or the file reader
 * (chosen by open_params, as the k8saudit plugin's), the queue between their
 * thread and the main loop, and the main loop's side: an fd to poll next to
 * the ring buffer and a drain that hands each event to a callback there.
 *
 *   open_params                       what
 *   http://[HOST]:PORT/PATH           webhook (HOST empty: every address; PORT 0: any free one)
 *   https://[HOST]:PORT/PATH          webhook over TLS (ssl_certificate, ssl_key)
 *   file://PATH                       follow PATH from its end, across rotation
 *   PATH                              read PATH (a file, or a directory's files) once */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audit_source;
struct k8saudit_event;

struct audit_source_config {
    const char *open_params;
    const char *ssl_certificate;
    const char *ssl_key; /* NULL: the certificate file holds the key too */
    size_t max_event_size;
    size_t webhook_max_batch_size;
    unsigned webhook_timeout;
    unsigned webhook_max_connections;
    size_t queue_max_bytes;
};

struct audit_source_stats {
    uint64_t received;  /* events queued */
    uint64_t evaluated; /* events handed to the callback */
    uint64_t dropped;   /* events refused with 503 (queue full) */
    uint64_t bad;       /* requests or lines refused (4xx, not an audit event) */
    uint64_t skipped;   /* dropped as the plugin drops them: no stageTimestamp, too large */
};

/* Starts the thread that receives events. Returns 0, or -1 with the reason
 * in err (a bad open_params is a configuration error: *usage is set). */
int audit_source_start(struct audit_source **out, const struct audit_source_config *cfg,
                       bool *usage, char *err, size_t errlen);
/* "http://127.0.0.1:9765/k8s-audit" (with the port bound), or the file. */
const char *audit_source_describe(const struct audit_source *s);
/* Readable while events wait. */
int audit_source_fd(const struct audit_source *s);
typedef void (*audit_source_cb)(void *ctx, struct k8saudit_event *ev);
/* Hands up to max waiting events to cb, in arrival order; returns how many. */
size_t audit_source_drain(struct audit_source *s, size_t max, audit_source_cb cb, void *ctx);
/* True when no event can come any more (a file read once, all drained). */
bool audit_source_finished(const struct audit_source *s);
void audit_source_stats(const struct audit_source *s, struct audit_source_stats *out);
/* Stops receiving (the webhook's port closes, the reader stops); what waits
 * can still be drained. */
void audit_source_close(struct audit_source *s);
void audit_source_stop(struct audit_source **s);
