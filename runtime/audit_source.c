#include "runtime/audit_source.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8saudit.h"
#include "runtime/audit_file.h"
#include "runtime/audit_queue.h"
#include "runtime/audit_webhook.h"

#define AUDIT_SOURCE_TRIM_BYTES (4u << 20)

struct audit_source {
    struct audit_queue *queue;
    struct audit_webhook *webhook;
    struct audit_file *file;
    char describe[512];
    /* the main loop's side */
    struct k8saudit_batch batch; /* being handed out */
    size_t next;                 /* its next event */
    struct k8saudit_event ev;
    uint64_t num;
    uint64_t evaluated;
    size_t untrimmed; /* bytes of batches freed since memory was last given back */
    bool closed;
    struct audit_source_stats final; /* the producers' counters when they stopped */
};

/* http(s)://[HOST]:PORT/PATH into its parts; -1 when malformed. */
static int _parse_url(const char *url, struct audit_webhook_config *w, char *host, size_t hostlen,
                      char *err, size_t errlen)
{
    const char *rest = url + (w->tls ? 8 : 7);
    const char *slash = strchr(rest, '/');
    size_t authority = slash ? (size_t)(slash - rest) : strlen(rest);
    const char *colon;
    if (rest[0] == '[') { /* [::1]:9765 */
        const char *close = memchr(rest, ']', authority);
        if (!close || (close + 1 < rest + authority && close[1] != ':'))
            goto bad;
        snprintf(host, hostlen, "%.*s", (int)(close - rest - 1), rest + 1);
        colon = close + 1 < rest + authority ? close + 1 : NULL;
    } else {
        colon = memchr(rest, ':', authority);
        snprintf(host, hostlen, "%.*s", (int)(colon ? (size_t)(colon - rest) : authority), rest);
    }
    if (colon) {
        char *end;
        unsigned long port = strtoul(colon + 1, &end, 10);
        if (end != rest + authority || end == colon + 1 || port > 65535)
            goto bad;
        w->port = (unsigned)port;
    } else {
        w->port = w->tls ? 443 : 80;
    }
    w->path = slash ? slash : "/";
    return 0;
bad:
    snprintf(err, errlen,
             "k8s_audit.open_params '%s': expected http[s]://[HOST]:PORT/PATH, file://PATH or a "
             "path",
             url);
    return -1;
}

static int _start_webhook(struct audit_source *s, const struct audit_source_config *cfg, bool tls,
                          bool *usage, char *err, size_t errlen)
{
    char host[256];
    struct audit_webhook_config w = {
        .tls = tls,
        .cert_file = cfg->ssl_certificate,
        .key_file = cfg->ssl_key && *cfg->ssl_key ? cfg->ssl_key : NULL,
        .max_body = cfg->webhook_max_batch_size,
        .max_event = cfg->max_event_size,
        .timeout_s = cfg->webhook_timeout,
        .max_connections = cfg->webhook_max_connections,
    };
    if (_parse_url(cfg->open_params, &w, host, sizeof(host), err, errlen) < 0) {
        *usage = true;
        return -1;
    }
    w.address = host;
    if (audit_webhook_start(&s->webhook, &w, s->queue, err, errlen) < 0)
        return -1;
    bool v6 = strchr(host, ':') != NULL;
    snprintf(s->describe, sizeof(s->describe), "webhook %s://%s%s%s:%u%s%s", tls ? "https" : "http",
             v6 ? "[" : "", host, v6 ? "]" : "", audit_webhook_port(s->webhook), w.path,
             *host ? "" : " (every address)");
    return 0;
}

int audit_source_start(struct audit_source **out, const struct audit_source_config *cfg,
                       bool *usage, char *err, size_t errlen)
{
    *out = NULL;
    *usage = false;
    const char *p = cfg->open_params ? cfg->open_params : "";
    struct audit_source *s = calloc(1, sizeof(*s));
    if (!s || audit_queue_new(&s->queue, cfg->queue_max_bytes) < 0) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* The receiving threads inherit this mask: the runtime's signals go to
     * the main loop, which acts on them. */
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &saved);
    int rc;
    const char *scheme_end = strstr(p, "://");
    if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
        rc = _start_webhook(s, cfg, p[4] == 's', usage, err, errlen);
    } else if (scheme_end && strncmp(p, "file://", 7)) {
        snprintf(err, errlen, "k8s_audit.open_params '%s': scheme %.*s is not supported", p,
                 (int)(scheme_end - p), p);
        *usage = true;
        rc = -1;
    } else if (!*p || (scheme_end && !p[7])) {
        snprintf(err, errlen, "k8s_audit.open_params: no URL or file given");
        *usage = true;
        rc = -1;
    } else {
        bool follow = scheme_end != NULL;
        struct audit_file_config f = {
            .path = follow ? p + 7 : p, .follow = follow, .max_line = cfg->max_event_size};
        rc = audit_file_start(&s->file, &f, s->queue, err, errlen);
        snprintf(s->describe, sizeof(s->describe), "%s %s", follow ? "following" : "reading",
                 f.path);
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (rc < 0) {
        audit_source_stop(&s);
        return -1;
    }
    *out = s;
    return 0;
}

const char *audit_source_describe(const struct audit_source *s)
{
    return s->describe;
}

int audit_source_fd(const struct audit_source *s)
{
    return audit_queue_fd(s->queue);
}

/* After a burst, the memory its batches took goes back to the system: they
 * were allocated by the receiving thread, whose malloc arena would keep it. */
static void _trim(struct audit_source *s)
{
    if (s->untrimmed < AUDIT_SOURCE_TRIM_BYTES)
        return;
    s->untrimmed = 0;
    malloc_trim(0);
}

size_t audit_source_drain(struct audit_source *s, size_t max, audit_source_cb cb, void *ctx)
{
    size_t n = 0;
    while (n < max) {
        if (s->next == s->batch.nevents) {
            s->untrimmed += s->batch.bytes;
            k8saudit_batch_free(&s->batch);
            s->next = 0;
            if (!audit_queue_pop(s->queue, &s->batch)) {
                _trim(s);
                break;
            }
            continue;
        }
        size_t len;
        const char *text = k8saudit_batch_event(&s->batch, s->next, &len);
        bool ok = k8saudit_event_bind(&s->ev, text, len, s->batch.times[s->next], ++s->num) == 0;
        s->next++;
        if (ok)
            cb(ctx, &s->ev);
        n++;
    }
    s->evaluated += n;
    return n;
}

bool audit_source_finished(const struct audit_source *s)
{
    return s->file && audit_file_done(s->file) && s->next == s->batch.nevents &&
           audit_queue_empty(s->queue);
}

void audit_source_stats(const struct audit_source *s, struct audit_source_stats *out)
{
    *out = s->closed ? s->final : (struct audit_source_stats){0};
    out->evaluated = s->evaluated;
    struct audit_webhook_stats w;
    struct audit_file_stats f;
    const struct audit_counts *c = NULL;
    if (s->webhook)
        audit_webhook_stats(s->webhook, &w), c = &w.counts;
    if (s->file)
        audit_file_stats(s->file, &f), c = &f.counts;
    if (c) {
        out->received = c->events;
        out->dropped = c->dropped;
        out->bad = c->bad;
        out->skipped = c->skipped;
    }
}

void audit_source_close(struct audit_source *s)
{
    if (s->closed)
        return;
    audit_source_stats(s, &s->final);
    s->closed = true;
    if (s->queue)
        audit_queue_close(s->queue);
    audit_file_stop(&s->file);
    audit_webhook_stop(&s->webhook);
}

void audit_source_stop(struct audit_source **sp)
{
    struct audit_source *s = *sp;
    if (!s)
        return;
    /* Producers first: nothing is pushed once the queue is freed. */
    audit_source_close(s);
    k8saudit_event_free(&s->ev);
    k8saudit_batch_free(&s->batch);
    audit_queue_free(&s->queue);
    free(s);
    *sp = NULL;
}
