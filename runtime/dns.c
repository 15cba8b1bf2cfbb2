#include "runtime/dns.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <bpf/bpf.h>

#include "core/rulec_abi.h"

/* libsinsp's dns manager: refresh after 10 s, doubling while nothing changes, at most 320 s. */
#define DNS_BASE_REFRESH_S 10
#define DNS_MAX_REFRESH_S 320
#define DNS_MAX_NAMES RULEC_DNS_MAX_NAMES /* bits of the kernel map's value */

struct dns_addr {
    struct rulec_dns_key key;
    uint64_t names; /* bit i: names[i] resolves to it */
};

struct dns_cache {
    char **names;
    size_t nnames;
    int map_fd;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct dns_addr *addrs; /* under lock */
    size_t naddrs;
    unsigned generation; /* resolutions done, under lock */
    bool stop;
    bool thread;
    pthread_t tid;
};

static int _cmp_key(const void *a, const void *b)
{
    return memcmp(&((const struct dns_addr *)a)->key, &((const struct dns_addr *)b)->key,
                  sizeof(struct rulec_dns_key));
}

static struct dns_addr *_find(struct dns_addr *addrs, size_t n, const struct rulec_dns_key *key)
{
    if (!n)
        return NULL;
    struct dns_addr probe = {.key = *key};
    return bsearch(&probe, addrs, n, sizeof(*addrs), _cmp_key);
}

static void _add(struct dns_addr **addrs, size_t *n, size_t *cap, const struct rulec_dns_key *key,
                 uint64_t bit)
{
    for (size_t i = 0; i < *n; i++)
        if (!memcmp(&(*addrs)[i].key, key, sizeof(*key))) {
            (*addrs)[i].names |= bit;
            return;
        }
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        struct dns_addr *p = realloc(*addrs, ncap * sizeof(*p));
        if (!p)
            return; /* out of memory: the address is left out, as a failed lookup */
        *addrs = p;
        *cap = ncap;
    }
    (*addrs)[(*n)++] = (struct dns_addr){.key = *key, .names = bit};
}

/* Every name's addresses now, as a table sorted by key. getaddrinfo blocks; this runs in the
 * cache's thread, never on the event path. */
static struct dns_addr *_resolve(const struct dns_cache *c, size_t *out_n)
{
    struct dns_addr *addrs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < c->nnames && i < DNS_MAX_NAMES; i++) {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
        if (getaddrinfo(c->names[i], NULL, &hints, &res) != 0)
            continue;
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            struct rulec_dns_key key = {0};
            if (ai->ai_family == AF_INET) {
                key.family = 4;
                memcpy(key.addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
            } else if (ai->ai_family == AF_INET6) {
                key.family = 6;
                memcpy(key.addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
            } else {
                continue;
            }
            _add(&addrs, &n, &cap, &key, 1ULL << i);
        }
        freeaddrinfo(res);
    }
    if (n)
        qsort(addrs, n, sizeof(*addrs), _cmp_key);
    *out_n = n;
    return addrs;
}

/* The kernel's copy: new and changed addresses first, then the ones gone. */
static void _update_map(const struct dns_cache *c, const struct dns_addr *old, size_t nold,
                        const struct dns_addr *now, size_t nnow)
{
    if (c->map_fd < 0)
        return;
    for (size_t i = 0; i < nnow; i++)
        bpf_map_update_elem(c->map_fd, &now[i].key, &now[i].names, BPF_ANY);
    for (size_t i = 0; i < nold; i++)
        if (!_find((struct dns_addr *)now, nnow, &old[i].key))
            bpf_map_delete_elem(c->map_fd, &old[i].key);
}

/* Resolves, publishes, and says whether anything changed. */
static bool _refresh(struct dns_cache *c)
{
    size_t n;
    struct dns_addr *now = _resolve(c, &n);
    pthread_mutex_lock(&c->lock);
    bool changed = n != c->naddrs || (n && memcmp(now, c->addrs, n * sizeof(*now)) != 0);
    _update_map(c, c->addrs, c->naddrs, now, n);
    free(c->addrs);
    c->addrs = now;
    c->naddrs = n;
    c->generation++;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    return changed;
}

static void *_thread(void *arg)
{
    struct dns_cache *c = arg;
    unsigned interval = DNS_BASE_REFRESH_S;
    _refresh(c);
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += interval;
        while (!c->stop && pthread_cond_timedwait(&c->cond, &c->lock, &until) != ETIMEDOUT)
            ;
        if (c->stop)
            break;
        pthread_mutex_unlock(&c->lock);
        bool changed = _refresh(c);
        interval = changed                            ? DNS_BASE_REFRESH_S
                   : interval * 2 > DNS_MAX_REFRESH_S ? DNS_MAX_REFRESH_S
                                                      : interval * 2;
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int dns_cache_new(struct dns_cache **out, const char *const *names, size_t nnames,
                  unsigned first_wait_ms)
{
    *out = NULL;
    struct dns_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return -1;
    c->map_fd = -1;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    c->names = calloc(nnames + 1, sizeof(*c->names));
    for (size_t i = 0; c->names && i < nnames; i++)
        c->names[c->nnames++] = strdup(names[i]);
    if (!c->names) {
        dns_cache_free(&c);
        return -1;
    }
    *out = c;
    if (!nnames)
        return 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* signals are the main loop's */
    int rc = pthread_create(&c->tid, NULL, _thread, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -1;
    c->thread = true;
    /* The first answers before the policy starts deciding, for a bounded time. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += first_wait_ms / 1000;
    until.tv_nsec += (long)(first_wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    while (c->generation == 0 && pthread_cond_timedwait(&c->cond, &c->lock, &until) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

void dns_cache_free(struct dns_cache **cp)
{
    struct dns_cache *c = *cp;
    if (!c)
        return;
    if (c->thread) {
        pthread_mutex_lock(&c->lock);
        c->stop = true;
        pthread_cond_broadcast(&c->cond);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->tid, NULL);
    }
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i]);
    free(c->names);
    free(c->addrs);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
    *cp = NULL;
}

const char *dns_cache_name_of(struct dns_cache *c, uint8_t family, const uint8_t addr[16])
{
    if (!c)
        return NULL;
    struct rulec_dns_key key = {.family = family};
    memcpy(key.addr, addr, family == 4 ? 4 : 16);
    const char *name = "";
    pthread_mutex_lock(&c->lock);
    struct dns_addr *a = _find(c->addrs, c->naddrs, &key);
    for (size_t i = 0; a && i < c->nnames && i < DNS_MAX_NAMES; i++)
        if (a->names >> i & 1) {
            name = c->names[i];
            break;
        }
    pthread_mutex_unlock(&c->lock);
    return name;
}

void dns_cache_set_map(struct dns_cache *c, int map_fd)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->map_fd = map_fd;
    _update_map(c, NULL, 0, c->addrs, c->naddrs);
    pthread_mutex_unlock(&c->lock);
}

void dns_cache_refresh(struct dns_cache *c)
{
    if (c && c->nnames)
        _refresh(c);
}
