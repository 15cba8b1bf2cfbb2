/* runtime/webserver.c and runtime/metrics.c: a real HTTP request to the running server for
 * /healthz and /metrics, 404 and 405 for the rest, 503 once the event loop stops publishing, and
 * the Prometheus text of a policy's counters. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/metrics.h"
#include "runtime/run_loop.h"
#include "runtime/webserver.h"

/* One HTTP/1.0 request to 127.0.0.1:port; the whole answer (the caller frees). */
static char *_request(unsigned port, const char *method, const char *path)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
    char req[256];
    int n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: x\r\n\r\n", method, path);
    assert_int_equal(write(s, req, (size_t)n), n);
    char *buf = calloc(1, 1 << 16);
    size_t have = 0;
    ssize_t r;
    while ((r = read(s, buf + have, (1 << 16) - 1 - have)) > 0)
        have += (size_t)r;
    close(s);
    return buf;
}

static struct webserver *_start(bool metrics)
{
    struct webserver_config c = {
        .address = "127.0.0.1", .port = 0, .healthz = "/healthz", .metrics = metrics};
    struct webserver *w = NULL;
    char err[256];
    if (webserver_start(&w, &c, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    return w;
}

static void test_healthz_and_metrics(void **state)
{
    (void)state;
    struct webserver *w = _start(true);
    unsigned port = webserver_port(w);
    assert_true(port > 0);
    webserver_publish(w, "rulec_x_total 7\n", 16);
    char *a = _request(port, "GET", "/healthz");
    assert_non_null(strstr(a, "HTTP/1.0 200") ? a : strstr(a, "HTTP/1.1 200"));
    assert_non_null(strstr(a, "Content-Type: application/json"));
    assert_non_null(strstr(a, "{\"status\": \"ok\"}"));
    free(a);
    a = _request(port, "GET", "/metrics");
    assert_non_null(strstr(a, " 200 "));
    assert_non_null(strstr(a, "Content-Type: text/plain; version=0.0.4"));
    assert_non_null(strstr(a, "\r\n\r\nrulec_x_total 7\n"));
    free(a);
    a = _request(port, "GET", "/nope");
    assert_non_null(strstr(a, " 404 "));
    free(a);
    a = _request(port, "POST", "/healthz");
    assert_non_null(strstr(a, " 405 "));
    free(a);
    webserver_stop(&w);
    assert_null(w);

    /* Without prometheus_metrics_enabled there is no /metrics. */
    w = _start(false);
    a = _request(webserver_port(w), "GET", "/metrics");
    assert_non_null(strstr(a, " 404 "));
    free(a);
    webserver_stop(&w);
}

static const char _meta[] =
    "{\"format_version\": 2, \"compiler_version\": \"0.1.0\", \"sources_digest\": \"x\","
    " \"record_size\": 136, \"mask_words\": 1, \"slots\": [], \"rules\": ["
    " {\"name\": \"Odd \\\"name\\\"\", \"desc\": \"d\", \"source\": \"syscall\","
    "  \"priority\": \"Critical\", \"tags\": [\"a-b\", \"T1\"], \"output\": \"o\","
    "  \"condition\": \"evt.type = openat\", \"kernel\": \"evt.type = openat\","
    "  \"kernel_exact\": true, \"enabled\": true, \"hooks\": [\"openat\"], \"unavailable\": []}"
    " ], \"sets\": [], \"hooks\": [], \"programs\": [], \"cid_cache\": null}";

/* falco_metrics.cpp's names and labels; label values escaped; one HELP and TYPE per family. */
static void test_render(void **state)
{
    (void)state;
    struct rulec_config cfg;
    config_init(&cfg);
    struct engine *eng = NULL;
    char err[256];
    assert_int_equal(engine_new_json(&eng, _meta, strlen(_meta), &cfg, err, sizeof(err)), 0);
    struct run_loop_totals t = {.reloads = 2, .twins = 5};
    t.kernel[RULEC_CNT_EVENTS] = 1000;
    t.kernel[RULEC_CNT_LOST] = 3;
    t.engine.alerts = 9;
    struct strbuf out = {0};
    struct metrics_sources src = {.totals = &t, .eng = eng, .policy_sha256 = "ab"};
    metrics_render(&out, &src);
    assert_non_null(strstr(out.data, "# TYPE falcosecurity_scap_n_evts_total counter\n"
                                     "falcosecurity_scap_n_evts_total 1000\n"));
    assert_non_null(strstr(out.data, "falcosecurity_scap_n_drops_total 3\n"));
    assert_non_null(strstr(out.data, "rulec_reloads_total 2\n"));
    assert_non_null(strstr(out.data, "rulec_policy_info{sha256=\"ab\"} 1\n"));
    /* a rule that has not alerted has no sample, as in Falco */
    assert_null(strstr(out.data, "falcosecurity_falco_rules_matches_total{"));
    assert_non_null(strstr(out.data, "rulec_alerts_by_priority_total{priority=\"Critical\"} 0\n"));
    /* one HELP line per family */
    const char *first = strstr(out.data, "# HELP rulec_alerts_by_priority_total");
    assert_non_null(first);
    assert_null(strstr(first + 1, "# HELP rulec_alerts_by_priority_total"));
    strbuf_free(&out);
    metrics_label_value(&out, "a\"b\\c\nd");
    assert_string_equal(out.data, "a\\\"b\\\\c\\nd");
    strbuf_free(&out);
    engine_free(&eng);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz_and_metrics),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
