/* The runtime's main loop, from an attached policy to alerts, until SIGINT or SIGTERM.
 *
 * Each turn waits (poll) for a ring buffer or another source, reads at most a batch of records
 * from each ring buffer, the reserve of Critical and above first, runs the callbacks of the
 * sources that are ready, and writes the turn's alerts out together. A turn's work is bounded,
 * and a stop request also ends a batch early, so that SIGINT and SIGTERM are acted on within
 * milliseconds whatever the load. Once a second the matches the kernel counted instead of
 * sending (no ring buffer had room) become aggregate alerts (runtime/missed.h) and Falco's drop
 * check runs (runtime/drops.h).
 *
 * Stopping detaches the programs, evaluates what the ring buffers still hold until a deadline,
 * counts what is left after it into the aggregates, reports the final counts and flushes the
 * outputs: every match the kernel saw is an alert or in an aggregate, and the whole stop takes
 * well under a second. SIGUSR1 reopens the outputs (Falco's signal), SIGUSR2 prints the
 * counters, SIGHUP asks for a reload (the params' reload hook; run_loop_switch does it without
 * losing an event). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/rulec_abi.h"
#include "runtime/engine.h"

struct engine;
struct loader;
struct output_set;
struct rulec_drops;
struct run_loop;

struct run_loop_params {
    struct engine *eng;
    struct loader *ld; /* attached (the loop detaches it when it stops), or with nothing loaded:
                        * then only the other sources run (k8s_audit rules alone) */
    struct output_set *outputs;
    const struct rulec_drops *drops; /* syscall_event_drops */
    void (*report)(void *ctx);       /* optional: the other sources' counters, after the kernel's */
    void (*on_stop)(void *ctx);      /* optional: stopping, before the final counts and flush */
    void (*reload)(void *ctx);       /* optional: SIGHUP arrived */
    void (*tick)(void *ctx, struct run_loop *loop); /* optional: once a second (the metrics) */
    void *ctx;
};

/* The counters since the start, across reloads. */
struct run_loop_totals {
    unsigned long long kernel[RULEC_CNT_MAX]; /* enum rulec_counter */
    struct engine_stats engine;
    uint64_t reloads, reload_failures;
    uint64_t twins;     /* records of a reload's new policy whose event the old one had sent */
    uint64_t reload_ns; /* when the last reload switched, ns since the epoch (0: none) */
};
void run_loop_totals(struct run_loop *loop, struct run_loop_totals *out);

enum run_loop_status {
    RUN_LOOP_STOPPED = 0,    /* SIGINT or SIGTERM */
    RUN_LOOP_ERROR = -1,     /* a source failed, or the loop could not wait */
    RUN_LOOP_DROP_EXIT = -2, /* records were lost and syscall_event_drops.actions has "exit" */
};

/* Another event source (an HTTP listener for audit events, say): called in the turn where fd is
 * ready, with poll(2)'s revents, it should do a bounded amount of work and return 0, or
 * RUN_LOOP_SOURCE_DONE when it has nothing more to give (a file read to its end): it is not
 * polled again, and a loop with neither ring buffers nor sources left stops. A negative return
 * stops the loop with RUN_LOOP_ERROR (the callback says why). */
#define RUN_LOOP_SOURCE_DONE 1
typedef int (*run_loop_fn)(void *ctx, int fd, short revents);

/* Also installs the signal handlers, so that a signal from now on is seen by the loop. Returns
 * 0, or -errno with a message in err. */
int run_loop_new(struct run_loop **out, const struct run_loop_params *p, char *err, size_t errlen);
void run_loop_free(struct run_loop **loop);

/* Adds a source polled for `events` (POLLIN, ...). Returns 0, or -errno. */
int run_loop_add_fd(struct run_loop *loop, int fd, short events, run_loop_fn fn, void *ctx);

/* A reloaded policy takes over, losing no event and alerting none twice: eng and ld (loaded
 * with loader_load, not attached) are attached while the running ones still are, then the running
 * ones are detached and what their ring buffers hold is evaluated (their last aggregates
 * reported), and the new policy's records of that overlap are paired with the old one's
 * (runtime/dedupe.h) before they are evaluated; from then on the new ring buffers are polled.
 * The engine takes over the counts (engine_inherit). On success the replaced engine and loader
 * are handed back to be freed (their owner's references updated first); on failure (attaching)
 * -errno with err, and the running policy is untouched (the caller closes ld). Called from a
 * source callback, in the loop's thread. */
int run_loop_switch(struct run_loop *loop, struct engine *eng, struct loader *ld,
                    struct engine **old_eng, struct loader **old_ld, char *err, size_t errlen);
void run_loop_reload_failed(struct run_loop *loop);

/* A descriptor that is not an event source (the reloader's): polled, but a loop whose event
 * sources are all done stops whatever it waits for. */
int run_loop_add_control(struct run_loop *loop, int fd, run_loop_fn fn, void *ctx);
/* The loader running now (a reload replaces the one of the params). */
struct loader *run_loop_loader(struct run_loop *loop);

/* Runs until stopped; returns an enum run_loop_status. */
int run_loop_run(struct run_loop *loop);
