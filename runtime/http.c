#include "runtime/http.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

/* Bodies larger than this are refused: a runtime's answer about one container is kilobytes. */
#define _MAX_BODY (16u << 20)

struct http {
    const atomic_bool *stop;
};

int http_new(struct http **out, char *err, size_t errlen)
{
    *out = calloc(1, sizeof(**out));
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void http_free(struct http **hp)
{
    free(*hp);
    *hp = NULL;
}

void http_set_stop(struct http *h, const atomic_bool *stop)
{
    h->stop = stop;
}

/* ---- the socket: every wait bounded by the call's deadline and the stop flag ------------ */

struct _conn {
    int fd;
    uint64_t deadline_ns;
    const atomic_bool *stop;
};

static uint64_t _now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* 0 when fd is ready for events, -1 with errno ETIMEDOUT (deadline) or ECANCELED (stop). */
static int _wait(struct _conn *c, short events)
{
    for (;;) {
        if (c->stop && atomic_load(c->stop)) {
            errno = ECANCELED;
            return -1;
        }
        uint64_t now = _now();
        if (now >= c->deadline_ns) {
            errno = ETIMEDOUT;
            return -1;
        }
        /* Slices of at most 100 ms, so that a stop is seen soon. */
        uint64_t left = (c->deadline_ns - now) / 1000000 + 1;
        struct pollfd p = {.fd = c->fd, .events = events};
        int n = poll(&p, 1, (int)(left < 100 ? left : 100));
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

static int _connect(struct _conn *c, const char *path, long timeout_ms, const atomic_bool *stop,
                    char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    c->deadline_ns = _now() + (uint64_t)timeout_ms * 1000000ull;
    c->stop = stop;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "socket path too long");
        return -1;
    }
    strcpy(sa.sun_path, path);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->fd < 0 || (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
                      (errno != EAGAIN || _wait(c, POLLOUT) < 0))) {
        snprintf(err, errlen, "cannot connect: %s", strerror(errno));
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static int _send(struct _conn *c, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (_wait(c, POLLOUT) < 0)
                return -1;
            continue;
        }
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Some bytes into buf: their count, 0 at the end of the stream, -1 on error or timeout. */
static ssize_t _recv(struct _conn *c, void *buf, size_t n)
{
    for (;;) {
        ssize_t r = recv(c->fd, buf, n, 0);
        if (r >= 0)
            return r;
        if ((errno != EAGAIN && errno != EINTR) || _wait(c, POLLIN) < 0)
            return -1;
    }
}

static void _io_error(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what,
             errno == ETIMEDOUT   ? "timed out"
             : errno == ECANCELED ? "stopped"
                                  : strerror(errno));
}

/* ---- HTTP/1.1: the Docker API -----------------------------------------------------------------
 */

/* The body of a chunked response, decoded in place; -1 when malformed or incomplete. */
static int _dechunk(char *body, size_t len, size_t *out_len, bool *done)
{
    size_t in = 0, out = 0;
    *done = false;
    for (;;) {
        char *eol = memmem(body + in, len - in, "\r\n", 2);
        if (!eol)
            return 0; /* more to come */
        char *end;
        unsigned long n = strtoul(body + in, &end, 16);
        if (end == body + in)
            return -1;
        size_t data = (size_t)(eol + 2 - body);
        if (n == 0) {
            *done = true;
            *out_len = out;
            return 0;
        }
        if (data + n + 2 > len)
            return 0;
        memmove(body + out, body + data, n);
        out += n;
        in = data + n + 2;
    }
}

/* Reads one response: the status line, headers, and a Content-Length, chunked or
 * until-close body. */
static int _read_response(struct _conn *c, struct http_response *resp, char *err, size_t errlen)
{
    struct strbuf in = {0};
    char buf[16384];
    size_t head = 0, clen = SIZE_MAX;
    bool chunked = false;
    int rc = -1;
    for (;;) {
        ssize_t r = _recv(c, buf, sizeof(buf));
        if (r < 0) {
            _io_error("reading the answer", err, errlen);
            goto out;
        }
        if (r > 0)
            strbuf_append(&in, buf, (size_t)r);
        if (in.len > _MAX_BODY) {
            snprintf(err, errlen, "answer too large");
            goto out;
        }
        if (!head && in.len) {
            char *eoh = memmem(in.data, in.len, "\r\n\r\n", 4);
            if (eoh) {
                head = (size_t)(eoh + 4 - in.data);
                *eoh = '\0';
                if (sscanf(in.data, "HTTP/1.%*d %ld", &resp->status) != 1) {
                    snprintf(err, errlen, "not an HTTP answer");
                    goto out;
                }
                for (char *l = strstr(in.data, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
                    if (strncasecmp(l + 2, "Content-Length:", 15) == 0)
                        clen = strtoul(l + 17, NULL, 10);
                    else if (strncasecmp(l + 2, "Transfer-Encoding:", 18) == 0 &&
                             strcasestr(l + 20, "chunked"))
                        chunked = true;
                }
            }
        }
        if (head && chunked) {
            size_t blen;
            bool done;
            /* Decoded on a copy: more bytes may complete a chunk later. */
            char *copy = malloc(in.len - head + 1);
            if (!copy)
                goto out;
            memcpy(copy, in.data + head, in.len - head);
            int d = _dechunk(copy, in.len - head, &blen, &done);
            if (d == 0 && done)
                strbuf_append(&resp->body, copy, blen);
            free(copy);
            if (d < 0) {
                snprintf(err, errlen, "malformed chunked answer");
                goto out;
            }
            if (done)
                break;
        } else if (head && clen != SIZE_MAX && in.len - head >= clen) {
            strbuf_append(&resp->body, in.data + head, clen);
            break;
        }
        if (r == 0) {
            if (head && !chunked && clen == SIZE_MAX) {
                strbuf_append(&resp->body, in.data + head, in.len - head);
                break;
            }
            snprintf(err, errlen, "the runtime closed the connection mid-answer");
            goto out;
        }
    }
    rc = 0;
out:
    strbuf_free(&in);
    return rc;
}

static int _http1(struct _conn *c, const struct http_request *req, struct http_response *resp,
                  char *err, size_t errlen)
{
    struct strbuf q = {0};
    /* One request per connection: the runtime closes it after answering. */
    strbuf_printf(&q,
                  "%s %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: rulec\r\n"
                  "Accept: application/json\r\nConnection: close\r\n",
                  req->body ? "POST" : "GET", req->path);
    for (const char *const *p = req->headers; p && *p; p++)
        strbuf_printf(&q, "%s\r\n", *p);
    if (req->body)
        strbuf_printf(&q, "Content-Length: %zu\r\n", req->body_len);
    strbuf_puts(&q, "\r\n");
    int rc = _send(c, q.data, q.len);
    strbuf_free(&q);
    if (rc == 0 && req->body)
        rc = _send(c, req->body, req->body_len);
    if (rc < 0) {
        _io_error("sending the request", err, errlen);
        return -1;
    }
    return _read_response(c, resp, err, errlen);
}

/* ---- HTTP/2: gRPC, with libnghttp2 ------------------------------------------------------------
 */

/* libnghttp2 is loaded when the first HTTP/2 call is made: only CRI nodes need it. */
static struct {
    int (*callbacks_new)(nghttp2_session_callbacks **);
    void (*callbacks_del)(nghttp2_session_callbacks *);
    void (*set_on_header)(nghttp2_session_callbacks *, nghttp2_on_header_callback);
    void (*set_on_data_chunk_recv)(nghttp2_session_callbacks *,
                                   nghttp2_on_data_chunk_recv_callback);
    void (*set_on_stream_close)(nghttp2_session_callbacks *, nghttp2_on_stream_close_callback);
    int (*client_new)(nghttp2_session **, const nghttp2_session_callbacks *, void *);
    void (*session_del)(nghttp2_session *);
    int (*submit_settings)(nghttp2_session *, uint8_t, const nghttp2_settings_entry *, size_t);
    int32_t (*submit_request)(nghttp2_session *, const nghttp2_priority_spec *, const nghttp2_nv *,
                              size_t, const nghttp2_data_provider *, void *);
    ssize_t (*mem_send)(nghttp2_session *, const uint8_t **);
    ssize_t (*mem_recv)(nghttp2_session *, const uint8_t *, size_t);
    int (*want_read)(nghttp2_session *);
    int (*want_write)(nghttp2_session *);
    const char *(*strerror)(int);
} _h2;
static pthread_once_t _h2_once = PTHREAD_ONCE_INIT;
static char _h2_error[256];

static void _h2_load(void)
{
    void *lib = dlopen("libnghttp2.so.14", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(_h2_error, sizeof(_h2_error), "cannot load libnghttp2: %s", dlerror());
        return;
    }
    struct {
        void **slot;
        const char *name;
    } syms[] = {
        {(void **)&_h2.callbacks_new, "nghttp2_session_callbacks_new"},
        {(void **)&_h2.callbacks_del, "nghttp2_session_callbacks_del"},
        {(void **)&_h2.set_on_header, "nghttp2_session_callbacks_set_on_header_callback"},
        {(void **)&_h2.set_on_data_chunk_recv,
         "nghttp2_session_callbacks_set_on_data_chunk_recv_callback"},
        {(void **)&_h2.set_on_stream_close,
         "nghttp2_session_callbacks_set_on_stream_close_callback"},
        {(void **)&_h2.client_new, "nghttp2_session_client_new"},
        {(void **)&_h2.session_del, "nghttp2_session_del"},
        {(void **)&_h2.submit_settings, "nghttp2_submit_settings"},
        {(void **)&_h2.submit_request, "nghttp2_submit_request"},
        {(void **)&_h2.mem_send, "nghttp2_session_mem_send"},
        {(void **)&_h2.mem_recv, "nghttp2_session_mem_recv"},
        {(void **)&_h2.want_read, "nghttp2_session_want_read"},
        {(void **)&_h2.want_write, "nghttp2_session_want_write"},
        {(void **)&_h2.strerror, "nghttp2_strerror"},
    };
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        *syms[i].slot = dlsym(lib, syms[i].name);
        if (!*syms[i].slot) {
            snprintf(_h2_error, sizeof(_h2_error), "libnghttp2 lacks %s", syms[i].name);
            return;
        }
    }
}

struct _h2call {
    const struct http_request *req;
    struct http_response *resp;
    size_t sent; /* bytes of the body handed to nghttp2 */
    int32_t stream;
    bool closed;
    uint32_t close_code;
    bool too_large;
};

static ssize_t _h2_body(nghttp2_session *s, int32_t stream, uint8_t *buf, size_t len,
                        uint32_t *flags, nghttp2_data_source *src, void *ctx)
{
    struct _h2call *call = ctx;
    size_t n = call->req->body_len - call->sent;
    if (n > len)
        n = len;
    memcpy(buf, (const uint8_t *)call->req->body + call->sent, n);
    call->sent += n;
    if (call->sent == call->req->body_len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* Headers and trailers: gRPC's status is a trailer, or a header of a "trailers-only" answer. */
static int _h2_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
                      size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
                      void *ctx)
{
    struct _h2call *call = ctx;
    char v[32];
    if (frame->hd.stream_id != call->stream || valuelen >= sizeof(v))
        return 0;
    memcpy(v, value, valuelen);
    v[valuelen] = '\0';
    if (namelen == 7 && memcmp(name, ":status", 7) == 0)
        call->resp->status = strtol(v, NULL, 10);
    else if (namelen == 11 && memcmp(name, "grpc-status", 11) == 0)
        call->resp->grpc_status = atoi(v);
    return 0;
}

static int _h2_data(nghttp2_session *s, uint8_t flags, int32_t stream, const uint8_t *data,
                    size_t len, void *ctx)
{
    struct _h2call *call = ctx;
    if (stream != call->stream)
        return 0;
    if (call->resp->body.len + len > _MAX_BODY) {
        call->too_large = true;
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    strbuf_append(&call->resp->body, (const char *)data, len);
    return 0;
}

static int _h2_close(nghttp2_session *s, int32_t stream, uint32_t code, void *ctx)
{
    struct _h2call *call = ctx;
    if (stream == call->stream) {
        call->closed = true;
        call->close_code = code;
    }
    return 0;
}

#define _NV(n, v)                                                                                  \
    {                                                                                              \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE             \
    }

static int _http2(struct _conn *c, const struct http_request *req, struct http_response *resp,
                  char *err, size_t errlen)
{
    pthread_once(&_h2_once, _h2_load);
    if (_h2_error[0]) {
        snprintf(err, errlen, "%s", _h2_error);
        return -1;
    }
    struct _h2call call = {.req = req, .resp = resp};
    nghttp2_session_callbacks *cb;
    nghttp2_session *s = NULL;
    int rc = -1;
    if (_h2.callbacks_new(&cb) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    _h2.set_on_header(cb, _h2_header);
    _h2.set_on_data_chunk_recv(cb, _h2_data);
    _h2.set_on_stream_close(cb, _h2_close);
    int e = _h2.client_new(&s, cb, &call);
    _h2.callbacks_del(cb);
    if (e != 0) {
        snprintf(err, errlen, "HTTP/2: %s", _h2.strerror(e));
        return -1;
    }
    /* The request's extra headers are "Name: value" lines; HTTP/2 wants them lower case. */
    nghttp2_nv nv[16] = {
        _NV(":method", req->body ? "POST" : "GET"),
        _NV(":scheme", "http"),
        _NV(":authority", "localhost"),
        _NV(":path", req->path),
    };
    char names[12][64];
    size_t nnv = 4;
    for (const char *const *p = req->headers; p && *p && nnv < 16; p++) {
        const char *colon = strchr(*p, ':');
        size_t n = colon ? (size_t)(colon - *p) : 0;
        if (!colon || n >= sizeof(names[0]))
            continue;
        for (size_t i = 0; i < n; i++)
            names[nnv - 4][i] = (char)((*p)[i] >= 'A' && (*p)[i] <= 'Z' ? (*p)[i] + 32 : (*p)[i]);
        const char *v = colon + 1 + strspn(colon + 1, " ");
        nv[nnv] = (nghttp2_nv){(uint8_t *)names[nnv - 4], (uint8_t *)v, n, strlen(v),
                               NGHTTP2_NV_FLAG_NONE};
        nnv++;
    }
    nghttp2_data_provider body = {.read_callback = _h2_body};
    _h2.submit_settings(s, NGHTTP2_FLAG_NONE, NULL, 0);
    call.stream = _h2.submit_request(s, NULL, nv, nnv, req->body ? &body : NULL, &call);
    if (call.stream < 0) {
        snprintf(err, errlen, "HTTP/2: %s", _h2.strerror(call.stream));
        goto out;
    }
    while (!call.closed) {
        const uint8_t *out;
        ssize_t n;
        while ((n = _h2.mem_send(s, &out)) > 0) {
            if (_send(c, out, (size_t)n) < 0) {
                _io_error("sending the request", err, errlen);
                goto out;
            }
        }
        if (n < 0 || (!_h2.want_read(s) && !_h2.want_write(s))) {
            snprintf(err, errlen, "HTTP/2: %s", n < 0 ? _h2.strerror((int)n) : "session ended");
            goto out;
        }
        uint8_t buf[16384];
        ssize_t r = _recv(c, buf, sizeof(buf));
        if (r <= 0) {
            if (r == 0)
                snprintf(err, errlen, "the runtime closed the connection mid-answer");
            else
                _io_error("reading the answer", err, errlen);
            goto out;
        }
        if ((n = _h2.mem_recv(s, buf, (size_t)r)) < 0) {
            snprintf(err, errlen, "HTTP/2: %s",
                     call.too_large ? "answer too large" : _h2.strerror((int)n));
            goto out;
        }
    }
    if (call.close_code != NGHTTP2_NO_ERROR) {
        snprintf(err, errlen, "HTTP/2: stream reset (error %u)", call.close_code);
        goto out;
    }
    rc = 0;
out:
    _h2.session_del(s);
    return rc;
}

int http_call(struct http *h, const struct http_request *req, struct http_response *resp, char *err,
              size_t errlen)
{
    struct _conn c;
    resp->status = 0;
    resp->grpc_status = -1;
    if (_connect(&c, req->socket, req->timeout_ms, h->stop, err, errlen) < 0)
        return -1;
    int rc = req->http2 ? _http2(&c, req, resp, err, errlen) : _http1(&c, req, resp, err, errlen);
    close(c.fd);
    return rc;
}
