/* runtime/audit_queue.c, audit_webhook.c, audit_file.c and audit_source.c:
 * the queue's bound and eventfd, the webhook's answers to good and bad
 * requests over real loopback sockets (status codes, a full queue, a slow
 * client), and files read once or followed. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "core/k8saudit.h"
#include "runtime/audit_queue.h"
#include "runtime/audit_source.h"
#include "runtime/audit_webhook.h"

static const char _event[] = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\","
                             "\"auditID\":\"a1\",\"verb\":\"get\","
                             "\"stageTimestamp\":\"2024-03-01T13:53:31.726060Z\"}";

static bool _readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms) > 0;
}

static struct k8saudit_batch _batch(void)
{
    struct k8saudit_batch b;
    char err[256];
    assert_int_equal(k8saudit_parse(_event, strlen(_event), 0, &b, err, sizeof(err)), 0);
    return b;
}

/* ---- the queue ------------------------------------------------------------------------------ */

static void test_queue(void **state)
{
    (void)state;
    struct audit_queue *q;
    assert_int_equal(audit_queue_new(&q, strlen(_event) + 1), 0);
    int fd = audit_queue_fd(q);
    assert_false(_readable(fd, 0));
    assert_true(audit_queue_empty(q));
    struct k8saudit_batch a = _batch(), b = _batch(), out;
    assert_true(audit_queue_push(q, &a, 0));
    assert_null(a.text); /* taken over */
    assert_true(_readable(fd, 0));
    /* full: the second does not fit and stays the caller's */
    assert_false(audit_queue_push(q, &b, 0));
    assert_non_null(b.text);
    /* a bounded wait gives up after its time */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_false(audit_queue_push(q, &b, 100));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 90 && ms < 1000);
    assert_true(audit_queue_pop(q, &out));
    assert_int_equal(out.nevents, 1);
    k8saudit_batch_free(&out);
    assert_false(_readable(fd, 0));
    assert_false(audit_queue_pop(q, &out));
    /* an empty queue takes a batch larger than its bound */
    struct audit_queue *tiny;
    assert_int_equal(audit_queue_new(&tiny, 1), 0);
    assert_true(audit_queue_push(tiny, &b, 0));
    audit_queue_free(&tiny); /* frees what waits */
    assert_null(tiny);
    audit_queue_free(&q);
}

struct _pusher {
    struct audit_queue *q;
    bool ok;
};

static void *_push_wait(void *arg)
{
    struct _pusher *p = arg;
    struct k8saudit_batch b = _batch();
    p->ok = audit_queue_push(p->q, &b, -1);
    k8saudit_batch_free(&b);
    return NULL;
}

/* A waiting pusher gets in when room is made, and fails once the queue closes. */
static void test_queue_wait(void **state)
{
    (void)state;
    struct audit_queue *q;
    assert_int_equal(audit_queue_new(&q, 1), 0);
    struct k8saudit_batch a = _batch(), out;
    assert_true(audit_queue_push(q, &a, 0));
    struct _pusher p = {.q = q};
    pthread_t t;
    pthread_create(&t, NULL, _push_wait, &p);
    usleep(50000);
    assert_true(audit_queue_pop(q, &out));
    k8saudit_batch_free(&out);
    pthread_join(t, NULL);
    assert_true(p.ok);
    pthread_create(&t, NULL, _push_wait, &p);
    usleep(50000);
    audit_queue_close(q);
    pthread_join(t, NULL);
    assert_false(p.ok);
    audit_queue_free(&q);
}

/* ---- the webhook ------------------------------------------------------------------------------
 */

struct _server {
    struct audit_queue *q;
    struct audit_webhook *w;
    unsigned port;
};

static void _serve(struct _server *s, size_t queue_bytes, size_t max_body, unsigned timeout)
{
    char err[512];
    assert_int_equal(audit_queue_new(&s->q, queue_bytes), 0);
    struct audit_webhook_config cfg = {
        .address = "127.0.0.1",
        .port = 0,
        .path = "/k8s-audit",
        .max_body = max_body,
        .timeout_s = timeout,
        .max_connections = 16,
    };
    if (audit_webhook_start(&s->w, &cfg, s->q, err, sizeof(err)) < 0)
        fail_msg("webhook: %s", err);
    s->port = audit_webhook_port(s->w);
    assert_true(s->port > 0);
}

static void _unserve(struct _server *s)
{
    audit_queue_close(s->q);
    audit_webhook_stop(&s->w);
    audit_queue_free(&s->q);
}

static int _connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

/* Sends a raw request; returns the status, the response in resp. */
static int _request(unsigned port, const char *req, size_t len, char *resp, size_t resplen)
{
    int fd = _connect(port);
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the server may answer and close before reading a refused body */
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < resplen && (n = recv(fd, resp + got, resplen - 1 - got, 0)) > 0)
        got += (size_t)n;
    resp[got] = '\0';
    close(fd);
    int code = 0;
    sscanf(resp, "HTTP/1.%*d %d", &code);
    return code;
}

static int _post(unsigned port, const char *path, const char *type, const char *body, char *resp,
                 size_t resplen)
{
    char req[16384];
    int n = snprintf(req, sizeof(req),
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%sContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     path, type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "",
                     strlen(body), body);
    return _request(port, req, (size_t)n, resp, resplen);
}

static void test_webhook_answers(void **state)
{
    (void)state;
    struct _server s;
    char resp[4096], list[2048];
    _serve(&s, 1 << 20, 4096, 5);
    const char *json = "application/json";
    assert_int_equal(_post(s.port, "/k8s-audit", json, _event, resp, sizeof(resp)), 200);
    snprintf(list, sizeof(list), "{\"kind\":\"EventList\",\"items\":[%s,%s]}", _event, _event);
    assert_int_equal(
        _post(s.port, "/k8s-audit", "application/json; charset=utf-8", list, resp, sizeof(resp)),
        200);
    assert_int_equal(_post(s.port, "/k8s-audit", json, "{\"kind\":", resp, sizeof(resp)), 400);
    assert_non_null(strstr(resp, "malformed JSON"));
    assert_int_equal(_post(s.port, "/k8s-audit", json, "{\"kind\":\"Pod\"}", resp, sizeof(resp)),
                     400);
    assert_non_null(strstr(resp, "not a Kubernetes audit event"));
    assert_int_equal(_post(s.port, "/elsewhere", json, _event, resp, sizeof(resp)), 404);
    assert_int_equal(_post(s.port, "/k8s-audit", "text/plain", _event, resp, sizeof(resp)), 415);
    assert_int_equal(_post(s.port, "/k8s-audit", NULL, _event, resp, sizeof(resp)), 415);
    const char get[] = "GET /k8s-audit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_int_equal(_request(s.port, get, strlen(get), resp, sizeof(resp)), 405);
    assert_non_null(strstr(resp, "Allow: POST"));
    /* too large, by its Content-Length and by what a chunked body turns out to hold */
    static char big[8192];
    memset(big, ' ', sizeof(big) - 1);
    assert_int_equal(_post(s.port, "/k8s-audit", json, big, resp, sizeof(resp)), 413);
    char chunked[12000];
    int n = snprintf(chunked, sizeof(chunked),
                     "POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n%x\r\n%s\r\n0\r\n\r\n",
                     (unsigned)strlen(big), big);
    assert_int_equal(_request(s.port, chunked, (size_t)n, resp, sizeof(resp)), 413);
    /* what was accepted is in the queue, in order */
    struct k8saudit_batch b;
    assert_true(audit_queue_pop(s.q, &b));
    assert_int_equal(b.nevents, 1);
    k8saudit_batch_free(&b);
    assert_true(audit_queue_pop(s.q, &b));
    assert_int_equal(b.nevents, 2);
    k8saudit_batch_free(&b);
    assert_false(audit_queue_pop(s.q, &b));
    struct audit_webhook_stats st;
    audit_webhook_stats(s.w, &st);
    assert_int_equal(st.counts.events, 3);
    assert_int_equal(st.counts.bad, 8);
    assert_int_equal(st.full, 0);
    assert_int_equal(st.requests, 10);
    _unserve(&s);
}

/* A full queue is waited on, then the batch is refused whole with 503 and
 * Retry-After; once drained, it takes it. */
static void test_webhook_full_queue(void **state)
{
    (void)state;
    struct _server s;
    char resp[4096];
    _serve(&s, 1, 4096, 5);
    assert_int_equal(_post(s.port, "/k8s-audit", "application/json", _event, resp, sizeof(resp)),
                     200);
    assert_int_equal(_post(s.port, "/k8s-audit", "application/json", _event, resp, sizeof(resp)),
                     503);
    assert_non_null(strstr(resp, "Retry-After: 1"));
    struct audit_webhook_stats st;
    audit_webhook_stats(s.w, &st);
    assert_int_equal(st.full, 1);
    assert_int_equal(st.counts.dropped, 1);
    struct k8saudit_batch b;
    assert_true(audit_queue_pop(s.q, &b));
    k8saudit_batch_free(&b);
    assert_int_equal(_post(s.port, "/k8s-audit", "application/json", _event, resp, sizeof(resp)),
                     200);
    _unserve(&s);
}

/* A client that sends half a request and stalls is dropped after the timeout,
 * and serves nobody's wait meanwhile. */
static void test_webhook_slow_client(void **state)
{
    (void)state;
    struct _server s;
    char resp[4096];
    _serve(&s, 1 << 20, 4096, 1);
    int slow = _connect(s.port);
    const char half[] = "POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: appl";
    assert_int_equal(send(slow, half, strlen(half), MSG_NOSIGNAL), (ssize_t)strlen(half));
    assert_int_equal(_post(s.port, "/k8s-audit", "application/json", _event, resp, sizeof(resp)),
                     200);
    time_t t0 = time(NULL);
    char c;
    assert_true(_readable(slow, 5000));
    assert_true(recv(slow, &c, 1, 0) <= 0); /* closed, not answered */
    assert_true(time(NULL) - t0 <= 4);
    close(slow);
    _unserve(&s);
}

static void test_webhook_listen_errors(void **state)
{
    (void)state;
    struct _server s;
    _serve(&s, 1 << 20, 4096, 5);
    struct audit_webhook *w2;
    char err[512];
    struct audit_webhook_config cfg = {.address = "127.0.0.1",
                                       .port = s.port,
                                       .path = "/k8s-audit",
                                       .max_body = 10,
                                       .timeout_s = 1,
                                       .max_connections = 1};
    assert_int_equal(audit_webhook_start(&w2, &cfg, s.q, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1"));
    cfg.port = 0;
    cfg.address = "no.such.host.invalid";
    assert_int_equal(audit_webhook_start(&w2, &cfg, s.q, err, sizeof(err)), -1);
    cfg.address = "127.0.0.1";
    cfg.tls = true;
    cfg.cert_file = "/nonexistent/rulec.pem";
    assert_int_equal(audit_webhook_start(&w2, &cfg, s.q, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/rulec.pem"));
    _unserve(&s);
}

/* ---- the source: files, open_params
 * --------------------------------------------------------------- */

static void _count(void *ctx, struct k8saudit_event *ev)
{
    (*(size_t *)ctx)++;
    assert_int_equal(ev->time_ns, 1709301211726060000ull);
}

static struct audit_source *_source(const char *params, bool *usage, char *err)
{
    struct audit_source_config cfg = {
        .open_params = params,
        .max_event_size = 1024,
        .webhook_max_batch_size = 4096,
        .webhook_timeout = 1,
        .webhook_max_connections = 4,
        .queue_max_bytes = 1 << 20,
    };
    struct audit_source *s = NULL;
    audit_source_start(&s, &cfg, usage, err, 512);
    return s;
}

/* Drains until n events came or two seconds passed. */
static size_t _drain(struct audit_source *s, size_t want)
{
    size_t n = 0;
    for (int i = 0; i < 200 && n < want; i++) {
        if (_readable(audit_source_fd(s), 10))
            audit_source_drain(s, 100, _count, &n);
    }
    return n;
}

static void test_source_params(void **state)
{
    (void)state;
    bool usage;
    char err[512];
    static const char *const bad[] = {"ftp://x/y", "http://:port/x", "http://[::1/x",
                                      "",          "file://",        "http://:70000/x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(_source(bad[i], &usage, err));
        assert_true(usage);
    }
    assert_null(_source("/nonexistent/audit.log", &usage, err));
    assert_false(usage);
    assert_non_null(strstr(err, "/nonexistent/audit.log"));
    struct audit_source *s = _source("http://127.0.0.1:0/hook", &usage, err);
    assert_non_null(s);
    assert_non_null(strstr(audit_source_describe(s), "webhook http://127.0.0.1:"));
    assert_non_null(strstr(audit_source_describe(s), "/hook"));
    assert_false(audit_source_finished(s));
    audit_source_stop(&s);
    assert_null(s);
}

static void test_source_file_once(void **state)
{
    (void)state;
    char path[] = "/tmp/rulec-unit-audit.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    /* two events, an empty line, a bad line, a line too long, a last line without newline */
    fprintf(f, "%s\n\n{not json}\n{\"kind\":\"EventList\",\"items\":[%s]}\r\n", _event, _event);
    for (int i = 0; i < 2000; i++)
        fputc('x', f);
    fprintf(f, "\n%s", _event);
    fclose(f);
    bool usage;
    char err[512];
    struct audit_source *s = _source(path, &usage, err);
    assert_non_null(s);
    assert_int_equal(_drain(s, 3), 3);
    for (int i = 0; i < 100 && !audit_source_finished(s); i++)
        usleep(10000);
    assert_true(audit_source_finished(s));
    struct audit_source_stats st;
    audit_source_stats(s, &st);
    assert_int_equal(st.received, 3);
    assert_int_equal(st.evaluated, 3);
    assert_int_equal(st.bad, 2);
    audit_source_stop(&s);
    unlink(path);
}

static void _append(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    fputs(text, f);
    fclose(f);
}

static void test_source_follow(void **state)
{
    (void)state;
    char dir[] = "/tmp/rulec-unit-follow.XXXXXX", path[256], rotated[256], params[300];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/audit.log", dir);
    snprintf(rotated, sizeof(rotated), "%s/audit.log.1", dir);
    snprintf(params, sizeof(params), "file://%s", path);
    _append(path, _event); /* before the start: history, not read */
    _append(path, "\n");
    bool usage;
    char err[512];
    struct audit_source *s = _source(params, &usage, err);
    assert_non_null(s);
    usleep(100000);
    _append(path, _event);
    _append(path, "\n");
    assert_int_equal(_drain(s, 1), 1);
    /* rotation: renamed away, a new file, written in two halves */
    assert_int_equal(rename(path, rotated), 0);
    usleep(100000);
    char half[64];
    snprintf(half, sizeof(half), "%.20s", _event);
    _append(path, half);
    usleep(100000);
    _append(path, _event + 20);
    _append(path, "\n");
    assert_int_equal(_drain(s, 1), 1);
    assert_false(audit_source_finished(s));
    audit_source_stop(&s);
    unlink(path);
    unlink(rotated);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_queue_wait),
        cmocka_unit_test(test_webhook_answers),
        cmocka_unit_test(test_webhook_full_queue),
        cmocka_unit_test(test_webhook_slow_client),
        cmocka_unit_test(test_webhook_listen_errors),
        cmocka_unit_test(test_source_params),
        cmocka_unit_test(test_source_file_once),
        cmocka_unit_test(test_source_follow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
