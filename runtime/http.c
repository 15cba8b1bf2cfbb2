#include "runtime/http.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The functions are called through pointers, not curl.h's type-checking macros. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

/* The few libcurl functions rulec calls, resolved once. */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} _curl;
static pthread_once_t _once = PTHREAD_ONCE_INIT;
static char _load_error[256];

static void _load(void)
{
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(_load_error, sizeof(_load_error), "cannot load libcurl: %s", dlerror());
        return;
    }
    struct {
        void **slot;
        const char *name;
    } syms[] = {
        {(void **)&_curl.global_init, "curl_global_init"},
        {(void **)&_curl.easy_init, "curl_easy_init"},
        {(void **)&_curl.easy_cleanup, "curl_easy_cleanup"},
        {(void **)&_curl.easy_reset, "curl_easy_reset"},
        {(void **)&_curl.easy_setopt, "curl_easy_setopt"},
        {(void **)&_curl.easy_perform, "curl_easy_perform"},
        {(void **)&_curl.easy_getinfo, "curl_easy_getinfo"},
        {(void **)&_curl.easy_strerror, "curl_easy_strerror"},
        {(void **)&_curl.slist_append, "curl_slist_append"},
        {(void **)&_curl.slist_free_all, "curl_slist_free_all"},
    };
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        *syms[i].slot = dlsym(lib, syms[i].name);
        if (!*syms[i].slot) {
            snprintf(_load_error, sizeof(_load_error), "libcurl lacks %s", syms[i].name);
            return;
        }
    }
    /* No SSL or Win32 init: only local sockets are used. */
    if (_curl.global_init(CURL_GLOBAL_NOTHING) != CURLE_OK) {
        snprintf(_load_error, sizeof(_load_error), "curl_global_init failed");
        return;
    }
}

struct http {
    CURL *easy;
    const atomic_bool *stop;
};

int http_new(struct http **out, char *err, size_t errlen)
{
    *out = NULL;
    pthread_once(&_once, _load);
    if (_load_error[0]) {
        snprintf(err, errlen, "%s", _load_error);
        return -1;
    }
    struct http *h = calloc(1, sizeof(*h));
    if (!h || !(h->easy = _curl.easy_init())) {
        free(h);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = h;
    return 0;
}

void http_free(struct http **hp)
{
    if (!*hp)
        return;
    _curl.easy_cleanup((*hp)->easy);
    free(*hp);
    *hp = NULL;
}

void http_set_stop(struct http *h, const atomic_bool *stop)
{
    h->stop = stop;
}

static size_t _on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct http_response *r = ctx;
    /* A runtime's answer about one container is kilobytes; refuse a runaway one. */
    if (r->body.len + size * n > (16u << 20))
        return 0;
    strbuf_append(&r->body, data, size * n);
    return size * n;
}

/* Headers, and over HTTP/2 the trailers too: gRPC's status is a trailer unless the call failed
 * before any message (then it is a header of a "trailers-only" response). */
static size_t _on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct http_response *r = ctx;
    static const char name[] = "grpc-status:";
    size_t len = size * n;
    if (len > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0)
        r->grpc_status = atoi(data + sizeof(name) - 1);
    return len;
}

static int _on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                        curl_off_t ulnow)
{
    const struct http *h = ctx;
    return h->stop && atomic_load(h->stop); /* non-zero aborts the call */
}

int http_call(struct http *h, const struct http_request *req, struct http_response *resp, char *err,
              size_t errlen)
{
    char url[1024];
    resp->status = 0;
    resp->grpc_status = -1;
    /* The host name is not resolved: the socket is the address. */
    if (snprintf(url, sizeof(url), "http://localhost%s", req->path) >= (int)sizeof(url)) {
        snprintf(err, errlen, "request path too long");
        return -1;
    }
    struct curl_slist *headers = NULL;
    for (const char *const *p = req->headers; p && *p; p++)
        headers = _curl.slist_append(headers, *p);
    CURL *e = h->easy;
    _curl.easy_reset(e);
    _curl.easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, req->socket);
    _curl.easy_setopt(e, CURLOPT_URL, url);
    _curl.easy_setopt(e, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    _curl.easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    _curl.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
    _curl.easy_setopt(e, CURLOPT_WRITEFUNCTION, _on_body);
    _curl.easy_setopt(e, CURLOPT_WRITEDATA, resp);
    _curl.easy_setopt(e, CURLOPT_HEADERFUNCTION, _on_header);
    _curl.easy_setopt(e, CURLOPT_HEADERDATA, resp);
    _curl.easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    _curl.easy_setopt(e, CURLOPT_XFERINFOFUNCTION, _on_progress);
    _curl.easy_setopt(e, CURLOPT_XFERINFODATA, h);
    _curl.easy_setopt(e, CURLOPT_HTTP_VERSION,
                      req->http2 ? (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                                 : (long)CURL_HTTP_VERSION_1_1);
    if (req->http2) {
        /* libcurl 7.88 fails a second HTTP/2 request on a kept prior-knowledge connection
         * ("Error in the HTTP2 framing layer"): one connection per call, cheap on a unix
         * socket. */
        _curl.easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
        _curl.easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    }
    if (headers)
        _curl.easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    if (req->body) {
        _curl.easy_setopt(e, CURLOPT_POST, 1L);
        _curl.easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
        _curl.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    CURLcode rc = _curl.easy_perform(e);
    _curl.slist_free_all(headers);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", _curl.easy_strerror(rc));
        return -1;
    }
    _curl.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
    return 0;
}
