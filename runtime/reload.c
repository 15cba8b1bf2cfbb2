#include "runtime/reload.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "runtime/config.h"
#include "runtime/dns.h"
#include "runtime/engine.h"
#include "runtime/loader.h"
#include "runtime/verify.h"

struct reloader {
    const struct reload_params *p;
    int efd;
    pthread_mutex_t lock;
    bool running, pending, done; /* under lock */
    bool joinable;
    pthread_t thread;
    struct reload_result result; /* written by the thread, read after done */
};

static void _prepare(struct reloader *r, struct reload_result *res)
{
    const struct reload_params *p = r->p;
    struct policy_image img = {0};
    const struct config_list *keys = &p->cfg->trusted_keys;
    enum verify_error v =
        verify_policy(p->policy_path, (const char *const *)keys->items, keys->n, &img,
                      &res->integrity, &res->verify_ms, res->err, sizeof(res->err));
    if (v != VERIFY_OK)
        return;
    int erc = engine_new(&res->eng, &img, p->cfg, res->err, sizeof(res->err));
    if (erc < 0) {
        engine_free(&res->eng);
        policy_image_free(&img);
        return;
    }
    const struct policy_meta *meta = engine_meta(res->eng);
    /* Its own resolver: another policy's names are other names (bit i of the rulec_dns map is the
     * policy's dns_names[i]). The first answers come here, off the event loop. */
    if (meta->ndns_names && dns_cache_new(&res->dns, (const char *const *)meta->dns_names,
                                          meta->ndns_names, 1000) < 0) {
        snprintf(res->err, sizeof(res->err), "%.100s: cannot start the name resolver",
                 p->policy_path);
        engine_free(&res->eng);
        policy_image_free(&img);
        return;
    }
    /* A loader even for a policy with nothing for the kernel (k8s_audit rules alone): the
     * event loop's is never NULL. */
    res->ld = calloc(1, sizeof(*res->ld));
    enum loader_error lrc = LOADER_OK;
    char err[900] = "out of memory";
    if (res->ld) {
        loader_init(res->ld);
        if (meta->nhooks || meta->nprograms)
            lrc = loader_load(res->ld, &img, meta, p->ringbuf_bytes, p->verifier_log, err,
                              sizeof(err));
    }
    if (!res->ld || lrc != LOADER_OK) {
        snprintf(res->err, sizeof(res->err), "%.100s: %s", p->policy_path, err);
        if (res->ld)
            loader_close(res->ld);
        free(res->ld);
        res->ld = NULL;
        engine_free(&res->eng);
        dns_cache_free(&res->dns);
    } else {
        res->load_ms = res->ld->load_ms;
    }
    policy_image_free(&img);
}

static void *_run(void *arg)
{
    struct reloader *r = arg;
    struct reload_result res = {0};
    _prepare(r, &res);
    pthread_mutex_lock(&r->lock);
    r->result = res;
    r->done = true;
    pthread_mutex_unlock(&r->lock);
    uint64_t one = 1;
    if (write(r->efd, &one, sizeof(one)) < 0)
        perror("rulec: reload eventfd");
    return NULL;
}

/* Under lock. */
static bool _start(struct reloader *r)
{
    /* The event loop's signals stay with the event loop's thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&r->thread, NULL, _run, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        fprintf(stderr, "rulec: reload: cannot start its thread: %s\n", strerror(rc));
        return false;
    }
    r->running = true;
    r->joinable = true;
    return true;
}

int reloader_new(struct reloader **out, const struct reload_params *p)
{
    struct reloader *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->p = p;
    r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (r->efd < 0) {
        int e = errno;
        free(r);
        return -e;
    }
    pthread_mutex_init(&r->lock, NULL);
    *out = r;
    return 0;
}

int reloader_fd(const struct reloader *r)
{
    return r->efd;
}

bool reloader_request(struct reloader *r)
{
    pthread_mutex_lock(&r->lock);
    bool ok = true;
    if (r->running || r->done)
        r->pending = true;
    else
        ok = _start(r);
    pthread_mutex_unlock(&r->lock);
    return ok;
}

bool reloader_take(struct reloader *r, struct reload_result *out)
{
    uint64_t n;
    if (read(r->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        return false;
    pthread_mutex_lock(&r->lock);
    bool done = r->done;
    if (done) {
        *out = r->result;
        memset(&r->result, 0, sizeof(r->result));
        r->done = false;
        r->running = false;
    }
    pthread_mutex_unlock(&r->lock);
    if (!done)
        return false;
    pthread_join(r->thread, NULL);
    r->joinable = false;
    pthread_mutex_lock(&r->lock);
    if (r->pending) {
        r->pending = false;
        _start(r);
    }
    pthread_mutex_unlock(&r->lock);
    return true;
}

void reloader_free(struct reloader **rp)
{
    struct reloader *r = *rp;
    if (!r)
        return;
    if (r->joinable)
        pthread_join(r->thread, NULL); /* a load finishes on its own: the verifier is bounded */
    if (r->done) {
        engine_free(&r->result.eng);
        if (r->result.ld) {
            loader_close(r->result.ld);
            free(r->result.ld);
        }
    }
    close(r->efd);
    pthread_mutex_destroy(&r->lock);
    free(r);
    *rp = NULL;
}
