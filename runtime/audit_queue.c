#include "runtime/audit_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/k8saudit.h"

struct _node {
    struct _node *next;
    struct k8saudit_batch batch;
};

struct audit_queue {
    pthread_mutex_t lock;
    pthread_cond_t room; /* signalled when a pop makes room, or on close */
    struct _node *head, *tail;
    size_t bytes, max_bytes;
    bool closed;
    int efd;
};

int audit_queue_new(struct audit_queue **out, size_t max_bytes)
{
    struct audit_queue *q = calloc(1, sizeof(*q));
    if (!q)
        return -ENOMEM;
    q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (q->efd < 0) {
        int err = -errno;
        free(q);
        return err;
    }
    pthread_mutex_init(&q->lock, NULL);
    /* Deadlines on the monotonic clock: a clock step must not stretch a wait. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&q->room, &attr);
    pthread_condattr_destroy(&attr);
    q->max_bytes = max_bytes;
    *out = q;
    return 0;
}

void audit_queue_free(struct audit_queue **qp)
{
    struct audit_queue *q = *qp;
    if (!q)
        return;
    for (struct _node *n = q->head, *next; n; n = next) {
        next = n->next;
        k8saudit_batch_free(&n->batch);
        free(n);
    }
    close(q->efd);
    pthread_cond_destroy(&q->room);
    pthread_mutex_destroy(&q->lock);
    free(q);
    *qp = NULL;
}

int audit_queue_fd(const struct audit_queue *q)
{
    return q->efd;
}

static bool _fits(const struct audit_queue *q, const struct k8saudit_batch *b)
{
    return !q->head || q->bytes + b->bytes <= q->max_bytes;
}

/* Under the lock. The eventfd counts up on the push into an empty queue and
 * is read back to zero by the pop that empties it: readable iff not empty. */
static bool _append(struct audit_queue *q, struct k8saudit_batch *b)
{
    struct _node *n = malloc(sizeof(*n));
    if (!n)
        return false;
    n->next = NULL;
    n->batch = *b;
    *b = (struct k8saudit_batch){0};
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    q->bytes += n->batch.bytes;
    if (q->head == n) {
        uint64_t one = 1;
        (void)!write(q->efd, &one, sizeof(one));
    }
    return true;
}

bool audit_queue_push(struct audit_queue *q, struct k8saudit_batch *b, int wait_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->lock);
    int rc = 0;
    while (!q->closed && !_fits(q, b) && rc == 0)
        rc = wait_ms < 0 ? pthread_cond_wait(&q->room, &q->lock)
                         : pthread_cond_timedwait(&q->room, &q->lock, &deadline);
    bool ok = !q->closed && _fits(q, b) && _append(q, b);
    pthread_mutex_unlock(&q->lock);
    return ok;
}

bool audit_queue_pop(struct audit_queue *q, struct k8saudit_batch *out)
{
    pthread_mutex_lock(&q->lock);
    struct _node *n = q->head;
    if (n) {
        q->head = n->next;
        if (!q->head) {
            q->tail = NULL;
            uint64_t v;
            (void)!read(q->efd, &v, sizeof(v));
        }
        q->bytes -= n->batch.bytes;
        pthread_cond_broadcast(&q->room);
    }
    pthread_mutex_unlock(&q->lock);
    if (!n)
        return false;
    *out = n->batch;
    free(n);
    return true;
}

bool audit_queue_empty(struct audit_queue *q)
{
    pthread_mutex_lock(&q->lock);
    bool empty = !q->head;
    pthread_mutex_unlock(&q->lock);
    return empty;
}

void audit_queue_close(struct audit_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->room);
    pthread_mutex_unlock(&q->lock);
}

void audit_counters_read(const struct audit_counters *c, struct audit_counts *out)
{
    *out = (struct audit_counts){
        .events = atomic_load(&c->events),
        .bad = atomic_load(&c->bad),
        .dropped = atomic_load(&c->dropped),
        .skipped = atomic_load(&c->skipped),
    };
}
