#include "runtime/mhd.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/strbuf.h"
#include "runtime/dynlib.h"

static struct mhd_lib _lib;
static pthread_once_t _once = PTHREAD_ONCE_INIT;
static char _error[512];

static void _load(void)
{
    static const char *const names[] = {"libmicrohttpd.so.12", NULL};
    struct mhd_lib l;
    const struct dynlib_sym syms[] = {
        {"MHD_start_daemon", (void **)&l.start_daemon},
        {"MHD_stop_daemon", (void **)&l.stop_daemon},
        {"MHD_get_daemon_info", (void **)&l.daemon_info},
        {"MHD_get_connection_info", (void **)&l.connection_info},
        {"MHD_lookup_connection_value", (void **)&l.lookup},
        {"MHD_create_response_from_buffer", (void **)&l.response},
        {"MHD_add_response_header", (void **)&l.add_header},
        {"MHD_queue_response", (void **)&l.queue_response},
        {"MHD_destroy_response", (void **)&l.destroy_response},
        {"MHD_is_feature_supported", (void **)&l.feature},
    };
    if (dynlib_load(names, "libmicrohttpd12", syms, sizeof(syms) / sizeof(syms[0]), _error,
                    sizeof(_error)) == 0)
        _lib = l;
}

const struct mhd_lib *mhd_load(char *err, size_t errlen)
{
    pthread_once(&_once, _load);
    if (!_lib.start_daemon) {
        snprintf(err, errlen, "%s", _error);
        return NULL;
    }
    return &_lib;
}

int mhd_addr(const char *host, unsigned port, struct addrinfo **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!host || !*host)
        return 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    char service[16];
    snprintf(service, sizeof(service), "%u", port);
    int gai = getaddrinfo(host, service, &hints, out);
    if (gai) {
        snprintf(err, errlen, "cannot listen on %s: %s", host, gai_strerror(gai));
        *out = NULL;
        return -1;
    }
    return 0;
}

void mhd_addr_free(struct addrinfo *ai)
{
    if (ai)
        freeaddrinfo(ai);
}

char *mhd_read_pem(const char *path, const char *key, char *err, size_t errlen)
{
    FILE *f = path && *path ? fopen(path, "r") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot read the TLS file %s: %s (%s)", path ? path : "(none)",
                 path && *path ? strerror(errno) : "no file given", key);
        return NULL;
    }
    struct strbuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < (1u << 20))
        strbuf_append(&sb, buf, n);
    fclose(f);
    return strbuf_take(&sb);
}

unsigned mhd_port(const struct mhd_lib *m, struct MHD_Daemon *d, unsigned asked)
{
    const union MHD_DaemonInfo *info = m->daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : asked;
}
