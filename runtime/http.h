/* HTTP calls over a unix socket (the container runtimes' local APIs), with libcurl. libcurl and
 * what it links (TLS, HTTP/2, compression) are several megabytes that a node without a
 * container runtime socket would carry for nothing, so `rulec run` loads libcurl with dlopen
 * when the first call is made, not at start. One struct http is one thread's handle. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

struct http;

/* Loads libcurl (once per process) and makes a handle. Returns 0, or -1 with a message. */
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
