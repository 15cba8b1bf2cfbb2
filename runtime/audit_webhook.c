#include "runtime/audit_webhook.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/k8saudit.h"
#include "core/strbuf.h"
#include "runtime/audit_queue.h"
#include "runtime/mhd.h"

static const struct mhd_lib *_mhd;

/* A full queue is waited on this long before the answer is 503: a burst
 * slows the API server's requests down (back-pressure, as the plugin's
 * blocking channel), only a main loop stalled this long makes it resend. */
#define AUDIT_WEBHOOK_QUEUE_WAIT_MS 1000

struct audit_webhook {
    struct MHD_Daemon *daemon;
    struct audit_queue *queue;
    char *path;
    size_t max_body;
    size_t max_event; /* one event's JSON text; larger ones are dropped, as the plugin drops them */
    /* What all connections may hold in bodies not yet parsed: a bound on
     * memory whatever the number of clients; past it, 503. */
    size_t buffer_limit;
    atomic_size_t buffered;
    unsigned port;
    char *cert, *key; /* PEM text, for as long as the daemon runs */
    struct audit_counters counts;
    atomic_uint_least64_t requests, full;
    atomic_llong last_log; /* seconds: client errors are logged at most once a second */
    atomic_uint_least64_t unlogged;
};

struct _request {
    struct strbuf body;
    bool too_large; /* past max_body: the rest is read and dropped, then 413 */
    bool busy;      /* past buffer_limit: dropped, then 503 */
};

static void _client(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        _mhd->connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    socklen_t salen =
        sa && sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (!sa || getnameinfo(sa, salen, buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(buf, len, "?");
}

/* Messages go to stderr at most once a second (a broken or hostile client
 * must not flood the journal); true when this one may, else it is counted. */
static bool _may_log(struct audit_webhook *w)
{
    long long now = (long long)time(NULL);
    long long last = atomic_load(&w->last_log);
    if (now == last || !atomic_compare_exchange_strong(&w->last_log, &last, now)) {
        audit_count(&w->unlogged, 1);
        return false;
    }
    return true;
}

/* A client's error, with the number of those not logged since the last one. */
static void _log_client_error(struct audit_webhook *w, struct MHD_Connection *c, int code,
                              const char *msg)
{
    if (!_may_log(w))
        return;
    char who[NI_MAXHOST];
    _client(c, who, sizeof(who));
    uint64_t more = atomic_exchange(&w->unlogged, 0);
    fprintf(stderr, "rulec: k8s_audit webhook: %d to %s: %s", code, who, msg);
    if (more)
        fprintf(stderr, " (and %llu more client errors)", (unsigned long long)more);
    fputc('\n', stderr);
}

static enum MHD_Result _reply(struct audit_webhook *w, struct MHD_Connection *c, unsigned code,
                              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum MHD_Result _reply(struct audit_webhook *w, struct MHD_Connection *c, unsigned code,
                              const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
    va_end(ap);
    n = n < 0 ? 0 : n > (int)sizeof(msg) - 2 ? (int)sizeof(msg) - 2 : n;
    audit_count(&w->requests, 1);
    if (code >= 400 && code < 500) {
        audit_count(&w->counts.bad, 1);
        _log_client_error(w, c, (int)code, msg);
    }
    if (code == MHD_HTTP_SERVICE_UNAVAILABLE)
        audit_count(&w->full, 1);
    if (n)
        msg[n++] = '\n';
    struct MHD_Response *r = _mhd->response((size_t)n, msg, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    _mhd->add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        _mhd->add_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
    if (code == MHD_HTTP_SERVICE_UNAVAILABLE)
        _mhd->add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    enum MHD_Result ret = _mhd->queue_response(c, code, r);
    _mhd->destroy_response(r);
    return ret;
}

/* Headers alone: what can be refused before reading a body. True when
 * refused, with libmicrohttpd's result of queueing the answer in *ret. */
static bool _refused(struct audit_webhook *w, struct MHD_Connection *c, const char *url,
                     const char *method, enum MHD_Result *ret)
{
    const char *type = _mhd->lookup(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *length = _mhd->lookup(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (strcmp(url, w->path))
        *ret =
            _reply(w, c, MHD_HTTP_NOT_FOUND, "not found: audit events are posted to %s", w->path);
    else if (strcmp(method, MHD_HTTP_METHOD_POST))
        *ret = _reply(w, c, MHD_HTTP_METHOD_NOT_ALLOWED, "method %s not allowed: post audit events",
                      method);
    /* The plugin's test: the type contains application/json (a charset may follow). */
    else if (!type || !strstr(type, "application/json"))
        *ret = _reply(w, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                      "content type %s is not application/json", type ? type : "(none)");
    else if (length && strtoull(length, NULL, 10) > w->max_body)
        *ret = _reply(w, c, MHD_HTTP_CONTENT_TOO_LARGE,
                      "request body of %s bytes is larger than the limit of %zu "
                      "(k8s_audit.webhook_max_batch_size)",
                      length, w->max_body);
    else
        return false;
    return true;
}

static void _body(struct audit_webhook *w, struct _request *r, const char *data, size_t n)
{
    if (r->too_large || r->busy)
        return;
    if (r->body.len + n > w->max_body) {
        r->too_large = true;
    } else if (atomic_fetch_add(&w->buffered, n) + n > w->buffer_limit) {
        atomic_fetch_sub(&w->buffered, n);
        r->busy = true;
    } else {
        strbuf_append(&r->body, data, n);
        return;
    }
    atomic_fetch_sub(&w->buffered, r->body.len);
    strbuf_free(&r->body);
}

static enum MHD_Result _complete(struct audit_webhook *w, struct MHD_Connection *c,
                                 struct _request *r)
{
    if (r->too_large)
        return _reply(w, c, MHD_HTTP_CONTENT_TOO_LARGE,
                      "request body larger than the limit of %zu bytes "
                      "(k8s_audit.webhook_max_batch_size)",
                      w->max_body);
    if (r->busy)
        return _reply(w, c, MHD_HTTP_SERVICE_UNAVAILABLE, "busy: too many bodies being received");
    struct k8saudit_batch b;
    char err[256];
    int rc = k8saudit_parse(r->body.data ? r->body.data : "", r->body.len, w->max_event, &b, err,
                            sizeof(err));
    atomic_fetch_sub(&w->buffered, r->body.len);
    strbuf_free(&r->body);
    if (rc < 0)
        return _reply(w, c, MHD_HTTP_BAD_REQUEST, "%s", err);
    audit_count(&w->counts.skipped, b.skipped + b.oversized);
    size_t n = b.nevents;
    if (!audit_queue_push(w->queue, &b, AUDIT_WEBHOOK_QUEUE_WAIT_MS)) {
        audit_count(&w->counts.dropped, n);
        k8saudit_batch_free(&b);
        return _reply(w, c, MHD_HTTP_SERVICE_UNAVAILABLE,
                      "queue full: %zu events not taken, send them again", n);
    }
    audit_count(&w->counts.events, n);
    return _reply(w, c, MHD_HTTP_OK, "%s", "");
}

static enum MHD_Result _handle(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    struct audit_webhook *w = cls;
    struct _request *r = *con_cls;
    if (!r) {
        enum MHD_Result ret;
        if (_refused(w, c, url, method, &ret))
            return ret;
        if (!(r = calloc(1, sizeof(*r))))
            return MHD_NO;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        _body(w, r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return _complete(w, c, r);
}

/* The request's end, answered or not (client gone, timeout). */
static void _completed(void *cls, struct MHD_Connection *c, void **con_cls,
                       enum MHD_RequestTerminationCode toe)
{
    struct audit_webhook *w = cls;
    struct _request *r = *con_cls;
    if (!r)
        return;
    atomic_fetch_sub(&w->buffered, r->body.len);
    strbuf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

/* libmicrohttpd's own messages (a TLS handshake gone wrong, a socket error). */
static void _mhd_log(void *cls, const char *fmt, va_list ap)
{
    if (!_may_log(cls))
        return;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    fprintf(stderr, "rulec: k8s_audit webhook: %s\n", msg);
}

static struct MHD_Daemon *_start(struct audit_webhook *w, const struct audit_webhook_config *cfg,
                                 unsigned flags, const struct sockaddr *sa)
{
    /* The logger must come first; SOCK_ADDR only with an address; the TLS
     * entries end the list early without TLS. */
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)_completed, w},
        {MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL},
        {w->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, w->cert},
        {w->cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, w->key},
        {MHD_OPTION_END, 0, NULL},
    };
    if (sa)
        return _mhd->start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, _handle, w,
                                  MHD_OPTION_EXTERNAL_LOGGER, _mhd_log, w, MHD_OPTION_SOCK_ADDR, sa,
                                  MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    return _mhd->start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, _handle, w,
                              MHD_OPTION_EXTERNAL_LOGGER, _mhd_log, w, MHD_OPTION_ARRAY, opts,
                              MHD_OPTION_END);
}

int audit_webhook_start(struct audit_webhook **out, const struct audit_webhook_config *cfg,
                        struct audit_queue *queue, char *err, size_t errlen)
{
    *out = NULL;
    if (!(_mhd = mhd_load(err, errlen)))
        return -1;
    if (cfg->tls && _mhd->feature(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "this libmicrohttpd has no TLS support: use http://");
        return -1;
    }
    struct audit_webhook *w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(cfg->path))) {
        free(w);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->queue = queue;
    w->max_body = cfg->max_body;
    w->max_event = cfg->max_event;
    w->buffer_limit = 2 * cfg->max_body;
    if (cfg->tls &&
        (!(w->cert = mhd_read_pem(cfg->cert_file, "k8s_audit.ssl_certificate", err, errlen)) ||
         !(w->key = mhd_read_pem(cfg->key_file ? cfg->key_file : cfg->cert_file,
                                 cfg->key_file ? "k8s_audit.ssl_key" : "k8s_audit.ssl_certificate",
                                 err, errlen)))) {
        audit_webhook_stop(&w);
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
                     (cfg->tls ? MHD_USE_TLS : 0);
    const char *addr = cfg->address && *cfg->address ? cfg->address : NULL;
    struct addrinfo *ai = NULL;
    if (mhd_addr(addr, cfg->port, &ai, err, errlen) < 0) {
        audit_webhook_stop(&w);
        return -1;
    }
    errno = 0;
    if (ai) {
        w->daemon =
            _start(w, cfg, flags | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0), ai->ai_addr);
        mhd_addr_free(ai);
    } else {
        /* Every address, IPv6 and IPv4; IPv4 alone where IPv6 is off. */
        w->daemon = _start(w, cfg, flags | MHD_USE_DUAL_STACK, NULL);
        if (!w->daemon && errno != EADDRINUSE)
            w->daemon = _start(w, cfg, flags, NULL);
    }
    if (!w->daemon) {
        int e = errno;
        snprintf(err, errlen, "cannot listen on %s:%u%s%s", addr ? addr : "", cfg->port,
                 e ? ": " : " (see the messages above)", e ? strerror(e) : "");
        audit_webhook_stop(&w);
        return -1;
    }
    w->port = mhd_port(_mhd, w->daemon, cfg->port);
    *out = w;
    return 0;
}

unsigned audit_webhook_port(const struct audit_webhook *w)
{
    return w->port;
}

void audit_webhook_stats(const struct audit_webhook *w, struct audit_webhook_stats *out)
{
    audit_counters_read(&w->counts, &out->counts);
    out->requests = atomic_load(&w->requests);
    out->full = atomic_load(&w->full);
}

void audit_webhook_stop(struct audit_webhook **wp)
{
    struct audit_webhook *w = *wp;
    if (!w)
        return;
    if (w->daemon)
        _mhd->stop_daemon(w->daemon);
    free(w->path);
    free(w->cert);
    free(w->key);
    free(w);
    *wp = NULL;
}
