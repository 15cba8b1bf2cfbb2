/* runtime/output_queue.c and the sinks behind it: a blocked sink never blocks the pusher and its
 * queue's bound drops (and counts) what does not fit; program_output's program gets one line per
 * alert; http_output POSTs each alert to a real HTTP server (libmicrohttpd, in this test). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "core/strbuf.h"
#include "runtime/config.h"
#include "runtime/mhd.h"
#include "runtime/output_http.h"
#include "runtime/output_program.h"
#include "runtime/output_queue.h"

static double _now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A sink that blocks until released: a server that stopped answering. */
static atomic_bool _released;
static atomic_int _sent;
static int _blocked_send(void *ctx, struct output_queue *q, const char *line, size_t len, char *why,
                         size_t whylen)
{
    while (!atomic_load(&_released) && !output_queue_aborting(q))
        usleep(1000);
    atomic_fetch_add(&_sent, 1);
    return 0;
}

static void test_bound_never_blocks(void **state)
{
    (void)state;
    atomic_store(&_released, false);
    atomic_store(&_sent, 0);
    struct output_queue_sink sink = {.send = _blocked_send};
    struct output_queue *q;
    char err[256];
    assert_int_equal(output_queue_new(&q, &sink, 100, err, sizeof(err)), 0);
    double t0 = _now();
    int taken = 0;
    for (int i = 0; i < 10000; i++)
        taken += output_queue_push(q, "an alert", 8);
    double dt = _now() - t0;
    /* 100 queued, one being "sent", the rest dropped, and all of it without waiting */
    assert_true(taken >= 100 && taken <= 101);
    assert_true(dt < 0.5);
    struct output_queue_stats st;
    output_queue_stats(q, &st);
    assert_int_equal(st.dropped, (uint64_t)(10000 - taken));
    assert_int_equal(st.capacity, 100);
    atomic_store(&_released, true);
    output_queue_stop(q, 2000);
    output_queue_stats(q, &st);
    assert_int_equal(st.sent, (uint64_t)taken);
    assert_int_equal(atomic_load(&_sent), taken);
    output_queue_free(&q);
    assert_null(q);
}

/* Stopping gives up on a sink still blocked after the deadline: the stop is bounded. */
static void test_stop_bounded(void **state)
{
    (void)state;
    atomic_store(&_released, false);
    struct output_queue_sink sink = {.send = _blocked_send};
    struct output_queue *q;
    char err[256];
    assert_int_equal(output_queue_new(&q, &sink, 0, err, sizeof(err)), 0);
    for (int i = 0; i < 50; i++)
        output_queue_push(q, "x", 1);
    double t0 = _now();
    output_queue_stop(q, 100);
    assert_true(_now() - t0 < 1.0);
    char why[256];
    assert_true(output_queue_take_failures(q, why, sizeof(why)) >= 48);
    assert_non_null(strstr(why, "still queued when rulec stopped"));
    output_queue_free(&q);
}

static char *_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("");
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void _program(bool keep_alive)
{
    char path[] = "/tmp/rulec-test-program-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "cat >> %s", path);
    struct output_queue_sink sink;
    assert_int_equal(output_program_sink(&sink, cmd, keep_alive, 2000), 0);
    struct output_queue *q;
    char err[256];
    assert_int_equal(output_queue_new(&q, &sink, 0, err, sizeof(err)), 0);
    assert_true(output_queue_push(q, "{\"rule\":\"a\"}", 12));
    assert_true(output_queue_push(q, "{\"rule\":\"b\"}", 12));
    output_queue_reopen(q); /* SIGUSR1: the program starts again */
    assert_true(output_queue_push(q, "{\"rule\":\"c\"}", 12));
    output_queue_stop(q, 3000);
    struct output_queue_stats st;
    output_queue_stats(q, &st);
    assert_int_equal(st.sent, 3);
    assert_int_equal(st.failed, 0);
    output_queue_free(&q);
    char *text = _slurp(path);
    assert_string_equal(text, "{\"rule\":\"a\"}\n{\"rule\":\"b\"}\n{\"rule\":\"c\"}\n");
    free(text);
    unlink(path);
}

static void test_program(void **state)
{
    (void)state;
    _program(true);
    _program(false);
}

/* A program that never reads: its writes time out and count, the queue goes on. */
static void test_program_stuck(void **state)
{
    (void)state;
    struct output_queue_sink sink;
    assert_int_equal(output_program_sink(&sink, "sleep 30", true, 200), 0);
    struct output_queue *q;
    char err[256];
    assert_int_equal(output_queue_new(&q, &sink, 0, err, sizeof(err)), 0);
    static char big[1 << 17];
    memset(big, 'x', sizeof(big));
    output_queue_push(q, big, sizeof(big)); /* more than a pipe holds */
    double t0 = _now();
    while (_now() - t0 < 3) {
        struct output_queue_stats st;
        output_queue_stats(q, &st);
        if (st.failed)
            break;
        usleep(10000);
    }
    char why[256];
    assert_int_equal(output_queue_take_failures(q, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "has not read its input"));
    t0 = _now();
    output_queue_free(&q);
    assert_true(_now() - t0 < 1.5);
}

/* ---- http_output against a real server ---- */

struct _server {
    pthread_mutex_t lock;
    struct strbuf bodies; /* one line per POST */
    char type[128], agent[128];
    unsigned status;
};

static enum MHD_Result _handle(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    struct _server *s = cls;
    const struct mhd_lib *m = mhd_load(NULL, 0);
    if (!*con_cls) {
        *con_cls = s;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->lock);
    if (*upload_size) {
        strbuf_append(&s->bodies, upload, *upload_size);
        *upload_size = 0;
        pthread_mutex_unlock(&s->lock);
        return MHD_YES;
    }
    strbuf_puts(&s->bodies, "\n");
    const char *t = m->lookup(c, MHD_HEADER_KIND, "Content-Type");
    const char *a = m->lookup(c, MHD_HEADER_KIND, "User-Agent");
    snprintf(s->type, sizeof(s->type), "%s", t ? t : "");
    snprintf(s->agent, sizeof(s->agent), "%s", a ? a : "");
    unsigned status = s->status;
    pthread_mutex_unlock(&s->lock);
    struct MHD_Response *r = m->response(2, "ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = m->queue_response(c, status, r);
    m->destroy_response(r);
    return ret;
}

static void test_http(void **state)
{
    (void)state;
    char err[512];
    const struct mhd_lib *m = mhd_load(err, sizeof(err));
    if (!m)
        skip_because("libmicrohttpd cannot be loaded");
    struct _server s = {.status = 200};
    pthread_mutex_init(&s.lock, NULL);
    struct MHD_Daemon *d = m->start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL,
                                           NULL, _handle, &s, MHD_OPTION_END);
    assert_non_null(d);
    unsigned port = m->daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    struct rulec_config cfg;
    config_init(&cfg);
    char url[64];
    snprintf(url, sizeof(url), "'http://127.0.0.1:%u/falco'", port); /* Falco unquotes it */
    assert_int_equal(config_set(&cfg, "http_output.enabled", "true", err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "http_output.url", url, err, sizeof(err)), 0);
    assert_int_equal(config_set(&cfg, "json_output", "true", err, sizeof(err)), 0);
    struct output_queue_sink sink;
    if (output_http_sink(&sink, &cfg, err, sizeof(err)) < 0) {
        config_free(&cfg);
        m->stop_daemon(d);
        fail_msg("%s", err);
    }
    struct output_queue *q;
    assert_int_equal(output_queue_new(&q, &sink, 0, err, sizeof(err)), 0);
    assert_true(output_queue_push(q, "{\"rule\":\"one\"}", 14));
    assert_true(output_queue_push(q, "{\"rule\":\"two\"}", 14));
    double t0 = _now();
    for (;;) {
        struct output_queue_stats st;
        output_queue_stats(q, &st);
        if (st.sent == 2 || _now() - t0 > 5)
            break;
        usleep(5000);
    }
    pthread_mutex_lock(&s.lock);
    s.status = 503; /* a server that refuses: counted as a failure */
    pthread_mutex_unlock(&s.lock);
    assert_true(output_queue_push(q, "{\"rule\":\"three\"}", 16));
    output_queue_stop(q, 3000);
    struct output_queue_stats st;
    output_queue_stats(q, &st);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.failed, 1);
    char why[256];
    output_queue_take_failures(q, why, sizeof(why));
    assert_non_null(strstr(why, "HTTP 503"));
    output_queue_free(&q);
    m->stop_daemon(d);
    assert_string_equal(s.bodies.data,
                        "{\"rule\":\"one\"}\n{\"rule\":\"two\"}\n{\"rule\":\"three\"}\n");
    assert_string_equal(s.type, "application/json");
    assert_string_equal(s.agent, "falcosecurity/falco");
    strbuf_free(&s.bodies);
    pthread_mutex_destroy(&s.lock);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound_never_blocks),
        cmocka_unit_test(test_stop_bounded),
        cmocka_unit_test(test_program),
        cmocka_unit_test(test_program_stuck),
        cmocka_unit_test(test_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
