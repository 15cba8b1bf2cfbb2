#include "runtime/webserver.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/strbuf.h"
#include "runtime/mhd.h"

struct webserver {
    const struct mhd_lib *mhd;
    struct MHD_Daemon *daemon;
    char *healthz;
    bool metrics;
    unsigned port;
    char *pem;
    pthread_mutex_t lock;
    struct strbuf text; /* under lock: the latest /metrics */
    time_t beat;        /* under lock: CLOCK_MONOTONIC seconds of the last publish */
};

static time_t _now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static enum MHD_Result _answer(struct webserver *w, struct MHD_Connection *c, unsigned code,
                               const char *type, const char *body, size_t len)
{
    struct MHD_Response *r = w->mhd->response(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    w->mhd->add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        w->mhd->add_header(r, MHD_HTTP_HEADER_ALLOW, "GET");
    enum MHD_Result ret = w->mhd->queue_response(c, code, r);
    w->mhd->destroy_response(r);
    return ret;
}

static enum MHD_Result _handle(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    struct webserver *w = cls;
    static const char text[] = "text/plain; charset=utf-8";
    if (strcmp(url, w->healthz) && (!w->metrics || strcmp(url, "/metrics")))
        return _answer(w, c, MHD_HTTP_NOT_FOUND, text, "not found\n", 10);
    if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
        return _answer(w, c, MHD_HTTP_METHOD_NOT_ALLOWED, text, "use GET\n", 8);
    pthread_mutex_lock(&w->lock);
    bool alive = _now_s() - w->beat < WEBSERVER_STALL_S;
    enum MHD_Result ret;
    if (!strcmp(url, w->healthz)) {
        /* webserver.cpp's answer, and its content type. */
        static const char ok[] = "{\"status\": \"ok\"}", stalled[] = "{\"status\": \"stalled\"}";
        ret = alive ? _answer(w, c, MHD_HTTP_OK, "application/json", ok, sizeof(ok) - 1)
                    : _answer(w, c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", stalled,
                              sizeof(stalled) - 1);
    } else {
        /* falco_metrics::content_type_prometheus */
        ret = _answer(w, c, MHD_HTTP_OK, "text/plain; version=0.0.4",
                      w->text.data ? w->text.data : "", w->text.len);
    }
    pthread_mutex_unlock(&w->lock);
    return ret;
}

int webserver_start(struct webserver **out, const struct webserver_config *cfg, char *err,
                    size_t errlen)
{
    *out = NULL;
    const struct mhd_lib *mhd = mhd_load(err, errlen);
    if (!mhd)
        return -1;
    if (cfg->tls && mhd->feature(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "webserver: this libmicrohttpd has no TLS support");
        return -1;
    }
    struct webserver *w = calloc(1, sizeof(*w));
    if (!w || !(w->healthz = strdup(cfg->healthz && *cfg->healthz ? cfg->healthz : "/healthz"))) {
        free(w);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->mhd = mhd;
    w->metrics = cfg->metrics;
    w->beat = _now_s();
    pthread_mutex_init(&w->lock, NULL);
    if (cfg->tls &&
        !(w->pem = mhd_read_pem(cfg->cert_file, "webserver.ssl_certificate", err, errlen))) {
        webserver_stop(&w);
        return -1;
    }
    struct addrinfo *ai = NULL;
    if (mhd_addr(cfg->address, cfg->port, &ai, err, errlen) < 0) {
        webserver_stop(&w);
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (cfg->tls ? MHD_USE_TLS : 0) |
                     (ai && ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    /* Falco's ssl_certificate holds the certificate and the key. */
    struct MHD_OptionItem opts[] = {
        {cfg->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, cfg->threads, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, 10, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, 64, NULL},
        {w->pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, w->pem},
        {w->pem ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, w->pem},
        {MHD_OPTION_END, 0, NULL},
    };
    /* The first entry ends the array when there is no pool: skip it then. */
    struct MHD_OptionItem *o = cfg->threads > 1 ? opts : opts + 1;
    errno = 0;
    if (ai)
        w->daemon = mhd->start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, _handle, w,
                                      MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_ARRAY, o,
                                      MHD_OPTION_END);
    else
        w->daemon = mhd->start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, _handle, w,
                                      MHD_OPTION_ARRAY, o, MHD_OPTION_END);
    int e = errno;
    mhd_addr_free(ai);
    if (!w->daemon) {
        snprintf(err, errlen, "webserver: cannot listen on %s:%u%s%s",
                 cfg->address ? cfg->address : "", cfg->port, e ? ": " : "", e ? strerror(e) : "");
        webserver_stop(&w);
        return -1;
    }
    w->port = mhd_port(mhd, w->daemon, cfg->port);
    *out = w;
    return 0;
}

unsigned webserver_port(const struct webserver *w)
{
    return w->port;
}

void webserver_publish(struct webserver *w, const char *metrics, size_t len)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->text.len = 0;
    strbuf_append(&w->text, metrics ? metrics : "", metrics ? len : 0);
    w->beat = _now_s();
    pthread_mutex_unlock(&w->lock);
}

void webserver_stop(struct webserver **wp)
{
    struct webserver *w = *wp;
    if (!w)
        return;
    if (w->daemon)
        w->mhd->stop_daemon(w->daemon);
    pthread_mutex_destroy(&w->lock);
    strbuf_free(&w->text);
    free(w->healthz);
    free(w->pem);
    free(w);
    *wp = NULL;
}
