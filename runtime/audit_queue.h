/* The hand-off of parsed k8s audit batches from the threads that receive
 * them (the webhook's, the file reader's) to the main loop, which alone
 * evaluates rules and writes alerts. A FIFO bounded in bytes of the text
 * the batches came from, and an eventfd that is readable exactly while
 * batches wait, for the main loop to poll next to the ring buffer. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audit_queue;
struct k8saudit_batch;

/* What a receiving thread counts, atomically: the main loop reads it. */
struct audit_counters {
    atomic_uint_least64_t events;  /* queued */
    atomic_uint_least64_t bad;     /* requests or lines refused (4xx, not an audit event) */
    atomic_uint_least64_t dropped; /* events refused because the queue stayed full (503) */
    atomic_uint_least64_t skipped; /* events dropped as the plugin drops them */
};

struct audit_counts {
    uint64_t events, bad, dropped, skipped;
};

static inline void audit_count(atomic_uint_least64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

void audit_counters_read(const struct audit_counters *c, struct audit_counts *out);

/* max_bytes bounds what waits; an empty queue takes a batch of any size, so
 * that the largest request the webhook accepts can always get through. */
int audit_queue_new(struct audit_queue **out, size_t max_bytes);
/* Frees the batches still waiting; sets *q to NULL. */
void audit_queue_free(struct audit_queue **q);

int audit_queue_fd(const struct audit_queue *q);

/* Takes the batch over (and clears *b) when it fits, waiting up to wait_ms
 * for room (-1: as long as it takes); false when it still does not fit or
 * the queue is closed: the caller keeps the batch (the webhook answers 503). */
bool audit_queue_push(struct audit_queue *q, struct k8saudit_batch *b, int wait_ms);
/* Moves the oldest batch to *out; false when none waits. */
bool audit_queue_pop(struct audit_queue *q, struct k8saudit_batch *out);
bool audit_queue_empty(struct audit_queue *q);
/* Wakes and fails the pushers waiting for room (stopping). */
void audit_queue_close(struct audit_queue *q);
