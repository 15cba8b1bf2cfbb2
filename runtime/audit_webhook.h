/* The k8s audit webhook: the HTTP(S) endpoint the API server's webhook
 * backend posts audit.k8s.io Events and EventLists to. libmicrohttpd serves
 * it in its own thread, where each body is read (bounded), parsed and
 * validated; the events go to the audit queue, so rule evaluation stays on
 * the main loop. Answers: 200 queued; 400 malformed JSON or not an audit
 * event; 404 another path; 405 not POST; 413 body too large; 415 not
 * application/json; 503 (Retry-After: 1) queue still full after a second's
 * wait, the batch is not taken and the API server sends it again. Idle clients are dropped after
 * the timeout. libmicrohttpd is loaded when the webhook starts, so `rulec run` without it never
 * maps the library or GnuTLS. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/audit_queue.h"

struct audit_queue;
struct audit_webhook;

struct audit_webhook_config {
    const char *address;      /* to listen on; "" or NULL: every address */
    unsigned port;            /* 0: one the kernel picks (audit_webhook_port says which) */
    const char *path;         /* "/k8s-audit" */
    bool tls;                 /* HTTPS with cert_file and key_file (PEM) */
    const char *cert_file;    /* may also hold the key, as the plugin's sslCertificate */
    const char *key_file;     /* NULL: cert_file */
    size_t max_body;          /* bytes; larger requests get 413 */
    size_t max_event;         /* bytes of one event; larger events are dropped (counted) */
    unsigned timeout_s;       /* idle connections are closed after this */
    unsigned max_connections; /* at once; more are refused */
};

struct audit_webhook_stats {
    struct audit_counts counts; /* events queued, requests answered 4xx, events refused (503),
                                   events over max_event or without a valid stageTimestamp */
    uint64_t requests;          /* answered */
    uint64_t full;              /* answered 503 */
};

int audit_webhook_start(struct audit_webhook **out, const struct audit_webhook_config *cfg,
                        struct audit_queue *queue, char *err, size_t errlen);
/* The port listened on (the one picked when cfg->port was 0). */
unsigned audit_webhook_port(const struct audit_webhook *w);
void audit_webhook_stats(const struct audit_webhook *w, struct audit_webhook_stats *out);
/* Stops serving (open connections are closed) and frees; sets *w to NULL. */
void audit_webhook_stop(struct audit_webhook **w);
