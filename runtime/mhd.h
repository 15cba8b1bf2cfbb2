/* libmicrohttpd, loaded once for every HTTP server of `rulec run` (the k8s audit webhook,
 * runtime/audit_webhook.c, and the webserver's /healthz and /metrics, runtime/webserver.c), so
 * that a run with neither never maps it or GnuTLS (runtime/dynlib.h). */
#pragma once

#include <stddef.h>

#include <microhttpd.h>

/* The entry points the servers use. */
struct mhd_lib {
    __typeof__(&MHD_start_daemon) start_daemon;
    __typeof__(&MHD_stop_daemon) stop_daemon;
    __typeof__(&MHD_get_daemon_info) daemon_info;
    __typeof__(&MHD_get_connection_info) connection_info;
    __typeof__(&MHD_lookup_connection_value) lookup;
    __typeof__(&MHD_create_response_from_buffer) response;
    __typeof__(&MHD_add_response_header) add_header;
    __typeof__(&MHD_queue_response) queue_response;
    __typeof__(&MHD_destroy_response) destroy_response;
    __typeof__(&MHD_is_feature_supported) feature;
};

/* The library, loaded on the first call (thread-safe); NULL with err saying what to install. */
const struct mhd_lib *mhd_load(char *err, size_t errlen);

/* The first of getaddrinfo's addresses for host:port, for MHD_OPTION_SOCK_ADDR (host NULL or
 * "": none, every address). Returns 0 with *out set (free it with mhd_addr_free, and see
 * *ipv6), or -1 with err. */
struct addrinfo;
int mhd_addr(const char *host, unsigned port, struct addrinfo **out, char *err, size_t errlen);
void mhd_addr_free(struct addrinfo *ai);

/* A TLS certificate or key file's PEM text (at most 1 MiB; the caller frees), or NULL with err
 * naming the file and the configuration key it came from (key, "k8s_audit.ssl_key"). */
char *mhd_read_pem(const char *path, const char *key, char *err, size_t errlen);
/* The port a started daemon listens on (the kernel's pick for port 0), or asked. */
unsigned mhd_port(const struct mhd_lib *m, struct MHD_Daemon *d, unsigned asked);
