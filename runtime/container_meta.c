#include "runtime/container_meta.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/strbuf.h"
#include "runtime/cri.h"
#include "runtime/docker.h"
#include "runtime/http.h"

#define _SEC 1000000000ull
#define _QUEUE 256                    /* questions waiting for the worker; more are asked later */
#define _REFRESH_NS (60 * _SEC)       /* a known container is asked again (renames) after this */
#define _RETRY_MISSING_NS (30 * _SEC) /* a container no runtime knew */
#define _RETRY_FAILED_NS (5 * _SEC)   /* a runtime that failed */
#define _IDLE_NS (300 * _SEC)         /* an entry unused this long is evicted */
#define _SWEEP_NS (10 * _SEC)
#define _MAX_CONTAINERS 16384

/* The defaults of Falco's container plugin (plugin_config.cpp): podman's rootless sockets
 * under /run/user are not probed. */
static const char *const _docker_sockets[] = {"/var/run/docker.sock", NULL};
static const char *const _podman_sockets[] = {"/run/podman/podman.sock", NULL};
static const char *const _cri_sockets[] = {"/run/containerd/containerd.sock", "/run/crio/crio.sock",
                                           "/run/k3s/containerd/containerd.sock",
                                           "/run/host-containerd/containerd.sock", NULL};

enum _kind {
    _DOCKER,
    _PODMAN,
    _CRI,
};

static const char *const _kind_names[] = {"docker", "podman", "cri"};

/* One socket of one engine; worker only. */
struct _engine {
    enum _kind kind;
    char *socket;
    bool warned;
    struct cri_runtime cri;
};

enum {
    _UNANSWERED = -1,
};

struct _entry {
    struct _entry *next; /* hash chain */
    struct cinfo *info;  /* NULL until a runtime described it */
    uint64_t asked_ns;   /* the outstanding question's time */
    uint64_t answered_ns;
    uint64_t used_ns;
    int answer; /* enum cinfo_answer, or _UNANSWERED */
    bool pending;
    size_t idlen;
    char id[];
};

struct _response {
    struct _response *next;
    struct cinfo *info;
    enum cinfo_answer answer;
    char id[];
};

struct cmeta {
    /* The record thread's. */
    struct _entry **buckets;
    size_t nbuckets;
    struct cinfo **grave; /* replaced or evicted, freed at the next record */
    size_t ngrave, capgrave;
    uint64_t wait_ns;
    uint64_t last_sweep_ns;
    struct cmeta_stats st;
    bool running;
    /* Shared, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t work;
    pthread_cond_t done; /* CLOCK_MONOTONIC */
    char *queue[_QUEUE];
    size_t qhead, qlen;
    struct _response *responses;
    atomic_bool stop;
    /* The last question failed on every runtime that has a socket: lookups do not wait. */
    atomic_bool down;
    /* The worker's. */
    pthread_t thread;
    struct _engine *engines;
    size_t nengines;
    long timeout_ms;
    size_t label_max_len;
    struct http *http;
    bool http_warned;
    bool none_warned;
};

static uint64_t _now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * _SEC + (uint64_t)ts.tv_nsec;
}

static void *_xmalloc(size_t size)
{
    void *p = malloc(size);
    if (!p) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* ---- the worker ------------------------------------------------------------------------------ */

static void _warn(struct cmeta *c, struct _engine *e, const char *err)
{
    if (e->warned)
        return;
    e->warned = true;
    fprintf(stderr,
            "rulec run: warning: container engine %s at %s: %s; container.* and k8s.* fields "
            "of its containers print <NA> until it answers (warned once)\n",
            _kind_names[e->kind], e->socket, err);
}

static enum cinfo_answer _ask_engine(struct cmeta *c, struct _engine *e, const char *id,
                                     struct cinfo **out, char *err, size_t errlen)
{
    if (e->kind == _CRI)
        return cri_lookup(c->http, e->socket, id, &e->cri, c->timeout_ms, c->label_max_len, out,
                          err, errlen);
    return docker_lookup(c->http, e->socket, id, e->kind == _PODMAN ? CINFO_PODMAN : CINFO_DOCKER,
                         c->timeout_ms, c->label_max_len, out, err, errlen);
}

/* Every engine whose socket exists, in the configured order, until one knows the container. */
static enum cinfo_answer _ask(struct cmeta *c, const char *id, struct cinfo **out)
{
    char err[256];
    bool failed = false, answered = false, any = false;
    *out = NULL;
    for (size_t i = 0; i < c->nengines; i++) {
        struct _engine *e = &c->engines[i];
        struct stat st;
        if (stat(e->socket, &st) < 0)
            continue; /* that runtime is not on this node (now) */
        any = true;
        if (!c->http && http_new(&c->http, err, sizeof(err)) < 0) {
            if (!c->http_warned)
                fprintf(stderr, "rulec run: warning: container metadata: %s\n", err);
            c->http_warned = true;
            return CINFO_FAILED;
        }
        http_set_stop(c->http, &c->stop);
        enum cinfo_answer a = _ask_engine(c, e, id, out, err, sizeof(err));
        if (a == CINFO_FAILED) {
            failed = true;
            _warn(c, e, err);
            continue;
        }
        if (e->warned)
            fprintf(stderr, "rulec run: container engine %s at %s answers again\n",
                    _kind_names[e->kind], e->socket);
        e->warned = false;
        answered = true;
        if (a == CINFO_FOUND)
            break;
    }
    if (!any && !c->none_warned) {
        struct strbuf tried = {0};
        for (size_t i = 0; i < c->nengines; i++)
            strbuf_printf(&tried, "%s%s", i ? ", " : "", c->engines[i].socket);
        fprintf(stderr,
                "rulec run: warning: no container runtime socket found (%s); container.* and "
                "k8s.* fields print <NA> for containers (warned once)\n",
                tried.data);
        strbuf_free(&tried);
        c->none_warned = true;
    }
    atomic_store(&c->down, failed && !answered);
    return *out ? CINFO_FOUND : failed ? CINFO_FAILED : CINFO_NOT_FOUND;
}

static void *_worker(void *arg)
{
    struct cmeta *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        while (!c->qlen && !atomic_load(&c->stop))
            pthread_cond_wait(&c->work, &c->lock);
        if (atomic_load(&c->stop)) {
            pthread_mutex_unlock(&c->lock);
            break;
        }
        char *id = c->queue[c->qhead];
        c->qhead = (c->qhead + 1) % _QUEUE;
        c->qlen--;
        pthread_mutex_unlock(&c->lock);

        struct cinfo *info;
        enum cinfo_answer a = _ask(c, id, &info);
        struct _response *r = _xmalloc(sizeof(*r) + strlen(id) + 1);
        r->info = info;
        r->answer = a;
        strcpy(r->id, id);
        free(id);
        pthread_mutex_lock(&c->lock);
        r->next = c->responses;
        c->responses = r;
        pthread_cond_broadcast(&c->done);
        pthread_mutex_unlock(&c->lock);
    }
    http_free(&c->http);
    return NULL;
}

/* ---- the cache (record thread) -------------------------------------------------------------- */

static size_t _hash(const char *id, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
    return (size_t)h;
}

static struct _entry **_slot(struct cmeta *c, const char *id, size_t len)
{
    struct _entry **p = &c->buckets[_hash(id, len) & (c->nbuckets - 1)];
    while (*p && ((*p)->idlen != len || memcmp((*p)->id, id, len) != 0))
        p = &(*p)->next;
    return p;
}

static void _bury(struct cmeta *c, struct cinfo *info)
{
    if (!info)
        return;
    c->st.bytes -= cinfo_size(info);
    if (c->ngrave == c->capgrave) {
        size_t cap = c->capgrave ? c->capgrave * 2 : 8;
        struct cinfo **g = realloc(c->grave, cap * sizeof(*g));
        if (!g) {
            fputs("rulec: out of memory\n", stderr);
            abort();
        }
        c->grave = g;
        c->capgrave = cap;
    }
    c->grave[c->ngrave++] = info;
}

static void _grow(struct cmeta *c)
{
    size_t n = c->nbuckets * 2;
    struct _entry **b = calloc(n, sizeof(*b));
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct _entry *e = c->buckets[i], *next; e; e = next) {
            next = e->next;
            struct _entry **s = &b[_hash(e->id, e->idlen) & (n - 1)];
            e->next = *s;
            *s = e;
        }
    }
    c->st.bytes += (n - c->nbuckets) * sizeof(*b);
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

/* Drops the entries unused since before cutoff that have no question outstanding. */
static void _evict(struct cmeta *c, uint64_t cutoff)
{
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct _entry **p = &c->buckets[i]; *p;) {
            struct _entry *e = *p;
            if (e->pending || e->used_ns >= cutoff) {
                p = &e->next;
                continue;
            }
            *p = e->next;
            _bury(c, e->info);
            c->st.bytes -= sizeof(*e) + e->idlen + 1;
            c->st.containers--;
            free(e);
        }
    }
}

static void _install(struct cmeta *c, struct _response *list, uint64_t now)
{
    for (struct _response *r = list, *next; r; r = next) {
        next = r->next;
        struct _entry **s = _slot(c, r->id, strlen(r->id));
        struct _entry *e = *s;
        c->st.found += r->answer == CINFO_FOUND;
        c->st.not_found += r->answer == CINFO_NOT_FOUND;
        c->st.failed += r->answer == CINFO_FAILED;
        if (!e) {
            cinfo_free(&r->info); /* evicted meanwhile: nobody saw it */
        } else {
            /* A failed refresh keeps what was known; "not found" means the container is gone. */
            if (r->answer != CINFO_FAILED) {
                _bury(c, e->info);
                e->info = r->info;
                if (e->info)
                    c->st.bytes += cinfo_size(e->info);
            }
            e->answer = (int)r->answer;
            e->answered_ns = now;
            e->pending = false;
        }
        free(r);
    }
}

static struct _response *_take(struct cmeta *c)
{
    struct _response *list = c->responses;
    c->responses = NULL;
    return list;
}

static void _drain(struct cmeta *c, uint64_t now)
{
    pthread_mutex_lock(&c->lock);
    struct _response *list = _take(c);
    pthread_mutex_unlock(&c->lock);
    _install(c, list, now);
}

static bool _due(const struct _entry *e, uint64_t now)
{
    switch (e->answer) {
    case CINFO_FOUND:
        return now - e->answered_ns >= _REFRESH_NS;
    case CINFO_NOT_FOUND:
        return now - e->answered_ns >= _RETRY_MISSING_NS;
    case CINFO_FAILED:
        return now - e->answered_ns >= _RETRY_FAILED_NS;
    default:
        return true; /* never asked, or the queue was full */
    }
}

static void _queue(struct cmeta *c, struct _entry *e, uint64_t now)
{
    char *id = strndup(e->id, e->idlen);
    if (!id)
        return;
    pthread_mutex_lock(&c->lock);
    if (c->qlen < _QUEUE) {
        c->queue[(c->qhead + c->qlen) % _QUEUE] = id;
        c->qlen++;
        id = NULL;
        e->pending = true;
        e->asked_ns = now;
        c->st.requests++;
        pthread_cond_signal(&c->work);
    }
    pthread_mutex_unlock(&c->lock);
    free(id); /* the queue is full: asked again at the next lookup */
}

/* Waits for the answer about e until its question is wait_ns old. */
static void _wait(struct cmeta *c, struct _entry *e)
{
    uint64_t start = _now(), deadline = e->asked_ns + c->wait_ns, now = start;
    if (now >= deadline)
        return;
    c->st.waits++;
    struct timespec ts = {.tv_sec = (time_t)(deadline / _SEC), .tv_nsec = (long)(deadline % _SEC)};
    pthread_mutex_lock(&c->lock);
    while (e->pending && now < deadline) {
        if (!c->responses && pthread_cond_timedwait(&c->done, &c->lock, &ts) == ETIMEDOUT &&
            !c->responses)
            break;
        struct _response *list = _take(c);
        pthread_mutex_unlock(&c->lock);
        now = _now();
        _install(c, list, now);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    now = _now();
    c->st.late += e->pending;
    if (now - start > c->st.wait_ns_max)
        c->st.wait_ns_max = now - start;
}

static struct _entry *_insert(struct cmeta *c, const char *id, size_t len, uint64_t now)
{
    if (c->st.containers >= _MAX_CONTAINERS)
        _evict(c, now - _SEC);
    if (c->st.containers >= _MAX_CONTAINERS)
        return NULL; /* every entry busy: this container's fields print <NA> */
    if (c->st.containers >= c->nbuckets)
        _grow(c);
    struct _entry *e = calloc(1, sizeof(*e) + len + 1);
    if (!e)
        return NULL;
    memcpy(e->id, id, len);
    e->idlen = len;
    e->answer = _UNANSWERED;
    struct _entry **s = _slot(c, id, len);
    *s = e;
    c->st.containers++;
    c->st.bytes += sizeof(*e) + len + 1;
    return e;
}

const struct cinfo *cmeta_get(struct cmeta *c, const char *id, size_t len)
{
    if (len == 4 && memcmp(id, "host", 4) == 0)
        return cinfo_host();
    if (!c || !c->running || !len)
        return NULL;
    c->st.lookups++;
    uint64_t now = _now();
    _drain(c, now);
    if (now - c->last_sweep_ns >= _SWEEP_NS) {
        c->last_sweep_ns = now;
        _evict(c, now - _IDLE_NS);
    }
    struct _entry *e = *_slot(c, id, len);
    if (!e && !(e = _insert(c, id, len, now)))
        return NULL;
    e->used_ns = now;
    if (!e->pending && _due(e, now))
        _queue(c, e, now);
    /* Only a container never described waits, and only while its runtimes are not known to
     * be failing; later lookups use what is there while a refresh runs. */
    if (e->pending && e->answer == _UNANSWERED && !atomic_load(&c->down))
        _wait(c, e);
    return e->info;
}

void cmeta_begin_event(struct cmeta *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ngrave; i++)
        cinfo_free(&c->grave[i]);
    c->ngrave = 0;
}

void cmeta_stats(const struct cmeta *c, struct cmeta_stats *out)
{
    if (c)
        *out = c->st;
    else
        memset(out, 0, sizeof(*out));
}

/* ---- set-up -------------------------------------------------------------------------------- */

static void _add_engines(struct cmeta *c, enum _kind kind, bool enabled,
                         const struct config_list *list, const char *const *defaults,
                         const char *host_root)
{
    if (!enabled)
        return;
    size_t n = list->set ? list->n : 0;
    if (!list->set)
        while (defaults[n])
            n++;
    for (size_t i = 0; i < n; i++) {
        const char *sock = list->set ? list->items[i] : defaults[i];
        struct _engine *e = &c->engines[c->nengines++];
        memset(e, 0, sizeof(*e));
        e->kind = kind;
        size_t sz = strlen(host_root ? host_root : "") + strlen(sock) + 1;
        e->socket = _xmalloc(sz);
        snprintf(e->socket, sz, "%s%s", host_root ? host_root : "", sock);
    }
}

int cmeta_new(struct cmeta **out, const struct rulec_config *cfg)
{
    struct cmeta *c = calloc(1, sizeof(*c));
    *out = NULL;
    if (!c)
        return -ENOMEM;
    size_t max = cfg->docker_sockets.n + cfg->podman_sockets.n + cfg->cri_sockets.n + 8;
    c->engines = calloc(max, sizeof(*c->engines));
    c->nbuckets = 64;
    c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
    if (!c->engines || !c->buckets) {
        free(c->engines);
        free(c->buckets);
        free(c);
        return -ENOMEM;
    }
    c->st.bytes = sizeof(*c) + c->nbuckets * sizeof(*c->buckets);
    /* The plugin's order: docker, podman, then CRI. */
    _add_engines(c, _DOCKER, cfg->docker_enabled, &cfg->docker_sockets, _docker_sockets,
                 cfg->host_root);
    _add_engines(c, _PODMAN, cfg->podman_enabled, &cfg->podman_sockets, _podman_sockets,
                 cfg->host_root);
    _add_engines(c, _CRI, cfg->cri_enabled, &cfg->cri_sockets, _cri_sockets, cfg->host_root);
    c->wait_ns = (uint64_t)cfg->lookup_wait_ms * 1000000ull;
    c->timeout_ms = cfg->engine_timeout_ms ? (long)cfg->engine_timeout_ms : 1;
    c->label_max_len = cfg->label_max_len;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->done, &ca);
    pthread_condattr_destroy(&ca);
    *out = c;
    if (!c->nengines)
        return 0;
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setstacksize(&ta, 512 * 1024);
    c->running = pthread_create(&c->thread, &ta, _worker, c) == 0;
    pthread_attr_destroy(&ta);
    if (!c->running)
        fprintf(stderr, "rulec run: warning: cannot start the container metadata thread; "
                        "container.* and k8s.* fields print <NA>\n");
    return 0;
}

void cmeta_free(struct cmeta **cp)
{
    struct cmeta *c = *cp;
    if (!c)
        return;
    if (c->running) {
        pthread_mutex_lock(&c->lock);
        atomic_store(&c->stop, true);
        pthread_cond_signal(&c->work);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->thread, NULL);
    }
    for (size_t i = 0; i < c->qlen; i++)
        free(c->queue[(c->qhead + i) % _QUEUE]);
    for (struct _response *r = c->responses, *next; r; r = next) {
        next = r->next;
        cinfo_free(&r->info);
        free(r);
    }
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct _entry *e = c->buckets[i], *next; e; e = next) {
            next = e->next;
            cinfo_free(&e->info);
            free(e);
        }
    }
    cmeta_begin_event(c);
    free(c->grave);
    free(c->buckets);
    for (size_t i = 0; i < c->nengines; i++)
        free(c->engines[i].socket);
    free(c->engines);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->done);
    free(c);
    *cp = NULL;
}
