#include "runtime/output_http.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "runtime/dynlib.h"

static struct {
    CURLcode (*global_init)(long);
    CURL *(*init)(void);
    CURLcode (*setopt)(CURL *, CURLoption, ...);
    CURLcode (*perform)(CURL *);
    CURLcode (*getinfo)(CURL *, CURLINFO, ...);
    void (*cleanup)(CURL *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    const char *(*strerror)(CURLcode);
} _c;

static int _load(char *err, size_t errlen)
{
    if (_c.init)
        return 0;
    /* libcurl4 (OpenSSL) first, the GnuTLS build where only that one is installed. */
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", NULL};
    const struct dynlib_sym syms[] = {
        {"curl_global_init", (void **)&_c.global_init},
        {"curl_easy_init", (void **)&_c.init},
        {"curl_easy_setopt", (void **)&_c.setopt},
        {"curl_easy_perform", (void **)&_c.perform},
        {"curl_easy_getinfo", (void **)&_c.getinfo},
        {"curl_easy_cleanup", (void **)&_c.cleanup},
        {"curl_slist_append", (void **)&_c.slist_append},
        {"curl_slist_free_all", (void **)&_c.slist_free_all},
        {"curl_easy_strerror", (void **)&_c.strerror},
    };
    if (dynlib_load(names, "libcurl4", syms, sizeof(syms) / sizeof(syms[0]), err, errlen) < 0)
        return -1;
    /* Before any other thread uses libcurl (this is the main thread, at start). */
    if (_c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl failed to initialise");
        _c.init = NULL;
        return -1;
    }
    return 0;
}

struct _http {
    CURL *curl;
    struct curl_slist *headers;
    unsigned max_timeouts;
    struct output_queue *q; /* while a request runs: its progress callback checks for a stop */
};

static size_t _discard(void *data, size_t size, size_t n, void *ctx)
{
    (void)data;
    (void)ctx;
    return size * n;
}

/* libcurl calls this while a request runs: a nonzero return ends it (stopping). */
static int _progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                     curl_off_t ulnow)
{
    struct _http *h = ctx;
    return h->q && output_queue_aborting(h->q);
}

static int _send(void *ctx, struct output_queue *q, const char *line, size_t len, char *why,
                 size_t whylen)
{
    struct _http *h = ctx;
    h->q = q;
    _c.setopt(h->curl, CURLOPT_POSTFIELDS, line);
    _c.setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)len);
    CURLcode rc;
    unsigned tries = 0;
    /* outputs_http.cpp: timeouts are retried, up to max_consecutive_timeouts. */
    do
        rc = _c.perform(h->curl);
    while (rc == CURLE_OPERATION_TIMEDOUT && tries++ < h->max_timeouts &&
           !output_queue_aborting(q));
    h->q = NULL;
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "libcurl failed to perform call: %s", _c.strerror(rc));
        return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
    }
    long status = 0;
    _c.getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        snprintf(why, whylen, "the server answered HTTP %ld", status);
        return -EPROTO;
    }
    return 0;
}

static void _close(void *ctx)
{
    struct _http *h = ctx;
    _c.cleanup(h->curl);
    _c.slist_free_all(h->headers);
    free(h);
}

/* Falco's URL may be quoted in the YAML twice ("'http://...'"): the quotes go. */
static void _unquote(char *dst, size_t dstlen, const char *url)
{
    size_t n = strlen(url);
    if (n >= 2 && ((url[0] == '"' && url[n - 1] == '"') || (url[0] == '\'' && url[n - 1] == '\'')))
        snprintf(dst, dstlen, "%.*s", (int)(n - 2), url + 1);
    else
        snprintf(dst, dstlen, "%s", url);
}

int output_http_sink(struct output_queue_sink *out, const struct rulec_config *cfg, char *err,
                     size_t errlen)
{
    if (_load(err, errlen) < 0)
        return -1;
    struct _http *h = calloc(1, sizeof(*h));
    if (!h || !(h->curl = _c.init())) {
        free(h);
        snprintf(err, errlen, "libcurl failed to initialize the handle");
        return -1;
    }
    h->max_timeouts = cfg->http.max_consecutive_timeouts;
    h->headers = _c.slist_append(NULL, cfg->json_output ? "Content-Type: application/json"
                                                        : "Content-Type: text/plain");
    char url[4096];
    _unquote(url, sizeof(url), cfg->http.url);
    long timeout = (long)cfg->output_timeout_ms;
    CURLcode rc = CURLE_OK;
    /* CHECK_RES of outputs_http.cpp: the first real error sticks; a feature compiled out of this
     * libcurl (CURLE_NOT_BUILT_IN) is tolerated. */
#define _SET(opt, val)                                                                             \
    do {                                                                                           \
        if (rc == CURLE_OK || rc == CURLE_NOT_BUILT_IN)                                            \
            rc = _c.setopt(h->curl, opt, val);                                                     \
    } while (0)
    _SET(CURLOPT_HTTPHEADER, h->headers);
    _SET(CURLOPT_URL, url);
    _SET(CURLOPT_USERAGENT, cfg->http.user_agent ? cfg->http.user_agent : "falcosecurity/falco");
    /* A thread must not be woken by libcurl's alarm-based DNS timeouts. */
    _SET(CURLOPT_NOSIGNAL, 1L);
    _SET(CURLOPT_TIMEOUT_MS, timeout);
    _SET(CURLOPT_CONNECTTIMEOUT_MS, timeout);
    _SET(CURLOPT_NOPROGRESS, 0L);
    _SET(CURLOPT_XFERINFOFUNCTION, _progress);
    _SET(CURLOPT_XFERINFODATA, h);
    if (cfg->http.insecure) {
        _SET(CURLOPT_SSL_VERIFYPEER, 0L);
        _SET(CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cfg->http.mtls) {
        _SET(CURLOPT_SSLCERT, cfg->http.client_cert);
        _SET(CURLOPT_SSLKEY, cfg->http.client_key);
    }
    if (cfg->http.ca_cert && *cfg->http.ca_cert)
        _SET(CURLOPT_CAINFO, cfg->http.ca_cert);
    else if (cfg->http.ca_bundle && *cfg->http.ca_bundle)
        _SET(CURLOPT_CAINFO, cfg->http.ca_bundle);
    else if (cfg->http.ca_path && *cfg->http.ca_path)
        _SET(CURLOPT_CAPATH, cfg->http.ca_path);
    /* echo: libcurl's default writes the answer to stdout; otherwise it is read and dropped. */
    if (!cfg->http.echo)
        _SET(CURLOPT_WRITEFUNCTION, _discard);
    if (cfg->http.compress_uploads)
        _SET(CURLOPT_TRANSFER_ENCODING, 1L);
    if (cfg->http.keep_alive)
        _SET(CURLOPT_TCP_KEEPALIVE, 1L);
#undef _SET
    if (rc != CURLE_OK && rc != CURLE_NOT_BUILT_IN) {
        snprintf(err, errlen, "http_output: libcurl error: %s", _c.strerror(rc));
        _close(h);
        return -1;
    }
    *out = (struct output_queue_sink){.send = _send, .close = _close, .ctx = h};
    return 0;
}
