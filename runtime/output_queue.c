#include "runtime/output_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct _item {
    struct _item *next;
    size_t len;
    char data[];
};

struct output_queue {
    struct output_queue_sink sink;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct _item *head, **tail; /* under lock */
    size_t depth, bytes;        /* under lock */
    size_t max_items;
    bool stop;                      /* under lock: deliver what is left, then end */
    bool reopen;                    /* under lock */
    atomic_bool abort;              /* the stop's deadline passed */
    uint64_t sent, failed, dropped; /* under lock */
    uint64_t new_failures;          /* under lock: since output_queue_take_failures */
    char why[256];                  /* under lock: the last failure's reason */
};

static void *_run(void *arg)
{
    struct output_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->head && !q->stop && !q->reopen)
            pthread_cond_wait(&q->wake, &q->lock);
        if (q->reopen) {
            q->reopen = false;
            pthread_mutex_unlock(&q->lock);
            if (q->sink.reopen)
                q->sink.reopen(q->sink.ctx);
            pthread_mutex_lock(&q->lock);
            continue;
        }
        if (!q->head)
            break; /* stopping, and everything was delivered */
        /* One alert at a time: the lock is never held while the sink works. */
        struct _item *it = q->head;
        q->head = it->next;
        if (!q->head)
            q->tail = &q->head;
        q->depth--;
        q->bytes -= it->len;
        bool abandon = atomic_load(&q->abort);
        pthread_mutex_unlock(&q->lock);
        char why[256] = "";
        int rc = abandon ? -ECANCELED
                         : q->sink.send(q->sink.ctx, q, it->data, it->len, why, sizeof(why));
        free(it);
        pthread_mutex_lock(&q->lock);
        if (abandon) {
            q->dropped++;
            q->new_failures++;
            snprintf(q->why, sizeof(q->why), "still queued when rulec stopped");
        } else if (rc < 0) {
            q->failed++;
            q->new_failures++;
            snprintf(q->why, sizeof(q->why), "%s", *why ? why : strerror(-rc));
        } else {
            q->sent++;
        }
    }
    pthread_mutex_unlock(&q->lock);
    if (q->sink.close)
        q->sink.close(q->sink.ctx);
    return NULL;
}

int output_queue_new(struct output_queue **out, const struct output_queue_sink *sink,
                     size_t max_items, char *err, size_t errlen)
{
    *out = NULL;
    struct output_queue *q = calloc(1, sizeof(*q));
    if (!q) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    q->sink = *sink;
    q->tail = &q->head;
    q->max_items = max_items ? max_items : OUTPUT_QUEUE_DEFAULT_ITEMS;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    int rc = pthread_create(&q->thread, NULL, _run, q);
    if (rc) {
        snprintf(err, errlen, "cannot start the output thread: %s", strerror(rc));
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->wake);
        free(q);
        return -rc;
    }
    *out = q;
    return 0;
}

bool output_queue_push(struct output_queue *q, const char *line, size_t len)
{
    struct _item *it = NULL;
    pthread_mutex_lock(&q->lock);
    bool room = q->depth < q->max_items && q->bytes + len <= OUTPUT_QUEUE_MAX_BYTES && !q->stop;
    pthread_mutex_unlock(&q->lock);
    /* The copy is made outside the lock, so that the thread is never kept waiting on it. */
    if (room)
        it = malloc(sizeof(*it) + len);
    pthread_mutex_lock(&q->lock);
    if (!it || q->depth >= q->max_items || q->stop) {
        q->dropped++;
        pthread_mutex_unlock(&q->lock);
        free(it);
        return false;
    }
    it->next = NULL;
    it->len = len;
    memcpy(it->data, line, len);
    *q->tail = it;
    q->tail = &it->next;
    q->depth++;
    q->bytes += len;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    return true;
}

void output_queue_reopen(struct output_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->reopen = true;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
}

bool output_queue_aborting(const struct output_queue *q)
{
    return atomic_load(&q->abort);
}

void output_queue_stats(struct output_queue *q, struct output_queue_stats *out)
{
    pthread_mutex_lock(&q->lock);
    *out = (struct output_queue_stats){.sent = q->sent,
                                       .failed = q->failed,
                                       .dropped = q->dropped,
                                       .depth = q->depth,
                                       .capacity = q->max_items};
    pthread_mutex_unlock(&q->lock);
}

uint64_t output_queue_take_failures(struct output_queue *q, char *why, size_t whylen)
{
    pthread_mutex_lock(&q->lock);
    uint64_t n = q->new_failures;
    q->new_failures = 0;
    snprintf(why, whylen, "%s", q->why);
    pthread_mutex_unlock(&q->lock);
    return n;
}

void output_queue_stop(struct output_queue *q, unsigned drain_ms)
{
    pthread_mutex_lock(&q->lock);
    bool stopped = q->stop;
    q->stop = true;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    if (stopped)
        return;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += drain_ms / 1000;
    deadline.tv_nsec += (long)(drain_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    if (pthread_timedjoin_np(q->thread, NULL, &deadline) != 0) {
        /* Past the deadline: what is queued is dropped, the delivery in progress gives up. */
        atomic_store(&q->abort, true);
        pthread_join(q->thread, NULL);
    }
    pthread_mutex_lock(&q->lock);
    for (struct _item *it = q->head, *next; it; it = next) {
        next = it->next;
        free(it);
        q->dropped++;
        q->new_failures++;
        snprintf(q->why, sizeof(q->why), "still queued when rulec stopped");
    }
    q->head = NULL;
    q->tail = &q->head;
    q->depth = q->bytes = 0;
    pthread_mutex_unlock(&q->lock);
}

void output_queue_free(struct output_queue **qp)
{
    struct output_queue *q = *qp;
    if (!q)
        return;
    output_queue_stop(q, 0);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->wake);
    free(q);
    *qp = NULL;
}
