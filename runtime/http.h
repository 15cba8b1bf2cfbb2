/* HTTP calls over a unix socket: the container runtimes' local APIs. HTTP/1.1 (the Docker API)
 * is a request and a Content-Length or chunked answer on a fresh connection, written here;
 * HTTP/2 (gRPC, for CRI) is libnghttp2's, loaded with dlopen at the first such call, so only a
 * node with a CRI runtime maps it. libcurl would do both, but loading it (and its TLS, LDAP,
 * SSH and RTMP libraries) adds 6 MB to the resident memory of `rulec run`, whose budget is 10.
 * Every wait is bounded by the call's timeout and by the stop flag. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

struct http;

/* A handle for one thread. Returns 0, or -1 with a message. */
int http_new(struct http **out, char *err, size_t errlen);
void http_free(struct http **h);

/* A call in progress gives up soon after *stop becomes true (shutdown). */
void http_set_stop(struct http *h, const atomic_bool *stop);

struct http_request {
    const char *socket; /* unix socket path */
    const char *path;   /* "/containers/ID/json" */
    const void *body;   /* NULL: GET; else POST of body_len bytes */
    size_t body_len;
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated, or NULL */
    bool http2;                 /* HTTP/2 with prior knowledge (gRPC); else HTTP/1.1 */
    long timeout_ms;            /* the whole call, connect included */
};

struct http_response {
    long status;        /* HTTP status */
    int grpc_status;    /* the grpc-status trailer (or header), -1 when absent */
    struct strbuf body; /* appended to; the caller frees it */
};

/* Returns 0 with the response (any HTTP status), or -1 with a message when the call failed
 * (no socket, refused, timed out, malformed reply). */
int http_call(struct http *h, const struct http_request *req, struct http_response *resp, char *err,
              size_t errlen);
