/* Falco's webserver (falco.yaml `webserver`): GET k8s_healthz_endpoint (/healthz) for a
 * Kubernetes liveness probe, and with prometheus_metrics_enabled GET /metrics in Prometheus'
 * text format (runtime/metrics.h). libmicrohttpd serves it in its own threads (runtime/mhd.h),
 * which never touch the event loop's state: the loop publishes a snapshot of its counters once
 * a second and the server hands out the latest. /healthz answers {"status": "ok"} as Falco
 * does while the event loop keeps publishing, and 503 {"status": "stalled"} when it has not for
 * WEBSERVER_STALL_S seconds, so that a liveness probe restarts a stuck runtime. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define WEBSERVER_STALL_S 10

struct webserver;

struct webserver_config {
    const char *address; /* listen_address; NULL or "": every address */
    unsigned port;       /* listen_port; 0: one the kernel picks (webserver_port) */
    const char *healthz; /* k8s_healthz_endpoint */
    bool metrics;        /* prometheus_metrics_enabled: serve /metrics */
    bool tls;            /* ssl_enabled, with cert_file (certificate and key, PEM) */
    const char *cert_file;
    unsigned threads; /* threadiness: 0 or 1 one thread, more a pool */
};

/* Loads libmicrohttpd and listens. Returns 0, or -1 with err. */
int webserver_start(struct webserver **out, const struct webserver_config *cfg, char *err,
                    size_t errlen);
unsigned webserver_port(const struct webserver *w);
/* From the event loop: the text /metrics serves from now on (copied), and a heartbeat for
 * /healthz. */
void webserver_publish(struct webserver *w, const char *metrics, size_t len);
void webserver_stop(struct webserver **w);
