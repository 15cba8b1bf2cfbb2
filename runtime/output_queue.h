/* An output sink that may block (a program reading alerts, a remote HTTP server) behind a
 * bounded queue and a thread of its own, so that the event loop never waits for it: a slow or
 * stalled sink fills its queue, and the alerts that do not fit are dropped and counted, as
 * Falco's outputs queue drops them when it is full (outputs_queue.capacity), instead of the ring
 * buffers filling up behind the sink. The sink is called in the queue's thread only, in the
 * order the alerts were pushed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output_queue;

struct output_queue_sink {
    /* Delivers one alert (len bytes, no newline). Returns 0, or -errno with a reason in why (a
     * sentence, for the summary on stderr). A sink that can take long checks
     * output_queue_aborting between its waits. */
    int (*send)(void *ctx, struct output_queue *q, const char *line, size_t len, char *why,
                size_t whylen);
    void (*reopen)(void *ctx); /* optional: SIGUSR1 (reopen the outputs), in the thread */
    void (*close)(void *ctx);  /* optional: the thread ends; the sink frees itself */
    void *ctx;
};

/* The bound when outputs_queue.capacity is 0 (Falco's "unbounded"): rulec never queues without
 * a limit, so that a remote server that stops answering cannot take the node's memory. */
#define OUTPUT_QUEUE_DEFAULT_ITEMS 16384
#define OUTPUT_QUEUE_MAX_BYTES (16u << 20)

/* Starts the thread. max_items: alerts queued at most (0: OUTPUT_QUEUE_DEFAULT_ITEMS); bytes are
 * bounded by OUTPUT_QUEUE_MAX_BYTES too. Returns 0, or -errno with a message in err. */
int output_queue_new(struct output_queue **out, const struct output_queue_sink *sink,
                     size_t max_items, char *err, size_t errlen);

/* Queues a copy of the alert; never blocks. False when the queue is full: the alert is
 * dropped and counted. */
bool output_queue_push(struct output_queue *q, const char *line, size_t len);

/* Asks the thread to call the sink's reopen before its next alert. */
void output_queue_reopen(struct output_queue *q);

/* True once output_queue_free's deadline passed: a sink waiting on its target gives up. */
bool output_queue_aborting(const struct output_queue *q);

struct output_queue_stats {
    uint64_t sent;    /* delivered */
    uint64_t failed;  /* the sink could not deliver them */
    uint64_t dropped; /* not queued (full), or abandoned at the stop */
    size_t depth;     /* queued now */
    size_t capacity;  /* the bound in alerts */
};
void output_queue_stats(struct output_queue *q, struct output_queue_stats *out);

/* Failures since the last call, and the reason of the last one ("" when none). */
uint64_t output_queue_take_failures(struct output_queue *q, char *why, size_t whylen);

/* Stops: the thread delivers what is queued for at most drain_ms, the rest is dropped (and
 * counted as failures, "still queued when rulec stopped"), a delivery in progress is told to
 * give up (output_queue_aborting); then the sink is closed. The counters stay readable. */
void output_queue_stop(struct output_queue *q, unsigned drain_ms);
/* Stops it (at once, if output_queue_stop was not called) and frees it; sets *q to NULL, NULL
 * is a no-op. */
void output_queue_free(struct output_queue **q);
