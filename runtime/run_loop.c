#include "runtime/run_loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "core/rulec_abi.h"
#include "runtime/drops.h"
#include "runtime/engine.h"
#include "runtime/loader.h"
#include "runtime/missed.h"
#include "runtime/outputs.h"
#include "runtime/profile.h"

/* Records read from one ring buffer per turn. An alert takes microseconds to evaluate and
 * render, so a turn stays within milliseconds, while a burst still costs one write per turn. */
#define _BATCH 1024
/* The longest wait for an event, so that the once-a-second work is never late. */
#define _POLL_MS 100
#define _NS_PER_MS 1000000ull
#define _TICK_NS (1000 * _NS_PER_MS)
/* Stopping: how long the records left in the ring buffers are still evaluated, counting from the
 * stop request; the rest is only counted. Bounds the stop whatever the ring buffers' size. */
#define _DRAIN_NS (300 * _NS_PER_MS)
#define _DRAIN_BATCH 256
/* Processes named one by one per rule in a window's aggregate alerts; the rest share one. */
#define _NAMED_PER_RULE 5
/* The record callback's return that ends a batch: libbpf stops consuming on a negative one, after
 * the record it was called for, which is handled. */
#define _END_BATCH (-ECANCELED)

struct _ring {
    struct run_loop *loop;
    struct ring_buffer *rb;
    int map_fd;
    size_t budget, done;
    bool tally; /* stopping, past the deadline: count the records instead of evaluating them */
};

struct _source {
    int fd;
    short events;
    run_loop_fn fn;
    void *ctx;
};

enum { _RESERVE, _EVENTS, _NRINGS };

struct run_loop {
    struct run_loop_params p;
    struct _ring rings[_NRINGS]; /* read in this order: the reserve first */
    struct _source *sources;
    size_t nsources;
    size_t active; /* sources not done yet */
    struct missed *missed;
    struct drops drops;
    unsigned long long lost_seen, events_seen; /* counters at the last drop check */
    unsigned long long lost_read;              /* lost counter when the missed maps were read */
    bool read_again;                           /* read them once more: counts may trail it */
    uint64_t window_ns;                        /* start of the aggregates' window */
    bool stopping;
    int status;
};

static volatile sig_atomic_t _stop, _reopen, _stats;

static void _on_signal(int sig)
{
    if (sig == SIGHUP)
        _reopen = 1;
    else if (sig == SIGUSR1)
        _stats = 1;
    else
        _stop = 1;
}

static uint64_t _now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int _on_record(void *ctx, void *data, size_t len)
{
    struct _ring *r = ctx;
    if (r->tally)
        engine_tally_record(r->loop->p.eng, data, len, r->loop->missed);
    else
        engine_handle_record(r->loop->p.eng, data, len);
    if (++r->done >= r->budget || (_stop && !r->loop->stopping))
        return _END_BATCH;
    return 0;
}

/* Up to `budget` records of one ring buffer; true when it ended the batch early, and more may be
 * waiting. */
static bool _consume(struct _ring *r, size_t budget)
{
    if (!r->rb)
        return false; /* nothing loaded into the kernel */
    r->budget = budget;
    r->done = 0;
    return ring_buffer__consume(r->rb) < 0;
}

static void _print_counters(struct run_loop *l)
{
    unsigned long long c[RULEC_CNT_MAX] = {0};
    loader_counters(l->p.ld, c, RULEC_CNT_MAX);
    struct engine_stats st;
    engine_stats(l->p.eng, &st);
    fprintf(stderr,
            "rulec: events %llu, candidates %llu, lost %llu, records %llu, alerts %llu, "
            "residual rejections %llu, reserved %llu, aggregates %llu (%llu matches)\n",
            c[RULEC_CNT_EVENTS], c[RULEC_CNT_CANDIDATES], c[RULEC_CNT_LOST],
            (unsigned long long)st.records, (unsigned long long)st.alerts,
            (unsigned long long)st.rejected, c[RULEC_CNT_RESERVED],
            (unsigned long long)st.aggregates, (unsigned long long)st.aggregated);
    if (l->p.ld->profile_fd >= 0)
        profile_print(stderr, l->p.ld->profile_fd, engine_meta(l->p.eng), c[RULEC_CNT_EVENTS]);
    if (l->p.report)
        l->p.report(l->p.ctx);
}

struct _report_ctx {
    struct engine *eng;
    double seconds;
};

static void _on_missed(void *ctx, const struct missed_entry *e)
{
    struct _report_ctx *rc = ctx;
    engine_missed_alert(rc->eng, e, rc->seconds);
}

/* The window's aggregate alerts. The kernel's maps are read only when records were lost since
 * the last read (and once more after, for counts made after the lost counter was read). */
static void _report(struct run_loop *l, uint64_t now, unsigned long long lost, bool force)
{
    bool read = force || lost != l->lost_read || l->read_again;
    if (read) {
        l->read_again = lost != l->lost_read;
        l->lost_read = lost;
        int rc = missed_read_kernel(l->missed, l->p.ld->missed_fd, l->p.ld->procs_fd);
        if (rc < 0)
            fprintf(stderr, "rulec: reading the counts of lost matches: %s\n", strerror(-rc));
    }
    struct _report_ctx ctx = {.eng = l->p.eng, .seconds = (double)(now - l->window_ns) / 1e9};
    missed_report(l->missed, _NAMED_PER_RULE, _on_missed, &ctx);
    l->window_ns = now;
}

/* Once a second: buffered outputs, Falco's drop check, the aggregates. */
static void _tick(struct run_loop *l, uint64_t now)
{
    unsigned long long c[RULEC_CNT_MAX] = {0};
    outputs_tick(l->p.outputs);
    if (loader_counters(l->p.ld, c, RULEC_CNT_MAX) < 0)
        return;
    uint64_t lost = c[RULEC_CNT_LOST] - l->lost_seen, events = c[RULEC_CNT_EVENTS] - l->events_seen;
    l->lost_seen = c[RULEC_CNT_LOST];
    l->events_seen = c[RULEC_CNT_EVENTS];
    unsigned actions = drops_check(&l->drops, now, &lost, events);
    if (actions & DROP_ACTION_LOG)
        fprintf(stderr,
                "rulec: Falco internal: syscall event drop. %llu system calls dropped in last "
                "second.\n",
                (unsigned long long)lost);
    if (actions & DROP_ACTION_ALERT)
        engine_drop_alert(l->p.eng, lost, events);
    if (actions & DROP_ACTION_EXIT) {
        fprintf(stderr, "rulec: exiting: records were lost (syscall_event_drops.actions: exit)\n");
        l->status = RUN_LOOP_DROP_EXIT;
        _stop = 1;
    }
    _report(l, now, c[RULEC_CNT_LOST], false);
}

/* Stopping: no new records once detached, so the ring buffers only empty. */
static void _finish(struct run_loop *l)
{
    uint64_t deadline = _now_ns() + _DRAIN_NS;
    struct engine_stats before, after;
    engine_stats(l->p.eng, &before);
    l->stopping = true;
    loader_detach(l->p.ld);
    outputs_batch_begin(l->p.outputs);
    for (int i = 0; i < _NRINGS; i++) {
        struct _ring *r = &l->rings[i];
        do
            r->tally |= _now_ns() >= deadline;
        while (_consume(r, _DRAIN_BATCH));
    }
    if (l->p.on_stop)
        l->p.on_stop(l->p.ctx);
    outputs_batch_end(l->p.outputs);
    engine_stats(l->p.eng, &after);
    if (after.tallied > before.tallied)
        fprintf(stderr,
                "rulec: stopping: %llu records still in the ring buffers after %llu ms are "
                "counted in the aggregates, not evaluated\n",
                (unsigned long long)(after.tallied - before.tallied),
                (unsigned long long)(_DRAIN_NS / _NS_PER_MS));
    unsigned long long c[RULEC_CNT_MAX] = {0};
    loader_counters(l->p.ld, c, RULEC_CNT_MAX);
    _report(l, _now_ns(), c[RULEC_CNT_LOST], true);
    outputs_flush(l->p.outputs);
}

static int _install_signals(void)
{
    /* No SA_RESTART: a signal interrupts the wait, so that the loop sees it at once. */
    struct sigaction sa = {.sa_handler = _on_signal};
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigaction(sigs[i], &sa, NULL) < 0)
            return -errno;
    return 0;
}

int run_loop_new(struct run_loop **out, const struct run_loop_params *p, char *err, size_t errlen)
{
    struct run_loop *l = calloc(1, sizeof(*l));
    *out = NULL;
    if (!l || missed_new(&l->missed, engine_meta(p->eng)->nrules) < 0) {
        free(l);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    l->p = *p;
    int fds[_NRINGS] = {[_RESERVE] = p->ld->reserve_fd, [_EVENTS] = p->ld->events_fd};
    for (int i = 0; i < _NRINGS; i++) {
        struct _ring *r = &l->rings[i];
        r->loop = l;
        r->map_fd = fds[i];
        if (fds[i] < 0)
            continue; /* nothing loaded: poll(2) ignores a negative fd */
        r->rb = ring_buffer__new(fds[i], _on_record, r, NULL);
        if (!r->rb) {
            int e = errno;
            snprintf(err, errlen, "ring buffer: %s", strerror(e));
            run_loop_free(&l);
            return -e;
        }
    }
    int rc = _install_signals();
    if (rc < 0) {
        snprintf(err, errlen, "signal handlers: %s", strerror(-rc));
        run_loop_free(&l);
        return rc;
    }
    uint64_t now = _now_ns();
    drops_init(&l->drops, p->drops, now);
    l->window_ns = now;
    *out = l;
    return 0;
}

void run_loop_free(struct run_loop **lp)
{
    struct run_loop *l = *lp;
    if (!l)
        return;
    for (int i = 0; i < _NRINGS; i++)
        ring_buffer__free(l->rings[i].rb);
    missed_free(&l->missed);
    free(l->sources);
    free(l);
    *lp = NULL;
}

int run_loop_add_fd(struct run_loop *l, int fd, short events, run_loop_fn fn, void *ctx)
{
    struct _source *s = realloc(l->sources, (l->nsources + 1) * sizeof(*s));
    if (!s)
        return -ENOMEM;
    l->sources = s;
    s[l->nsources++] = (struct _source){.fd = fd, .events = events, .fn = fn, .ctx = ctx};
    l->active++;
    return 0;
}

/* One turn's reading: the ring buffers (the reserve first), then the other sources. True when a
 * ring buffer may still hold records. */
static bool _turn(struct run_loop *l, struct pollfd *pfds)
{
    bool backlog = false;
    outputs_batch_begin(l->p.outputs);
    for (int i = 0; i < _NRINGS && !_stop; i++)
        backlog |= _consume(&l->rings[i], _BATCH);
    for (size_t i = 0; i < l->nsources && !_stop; i++) {
        const struct _source *s = &l->sources[i];
        short revents = pfds[_NRINGS + i].revents;
        int rc = revents ? s->fn(s->ctx, s->fd, revents) : 0;
        if (rc < 0) {
            l->status = RUN_LOOP_ERROR;
            _stop = 1;
        } else if (rc == RUN_LOOP_SOURCE_DONE) {
            pfds[_NRINGS + i].fd = -1;
            if (!--l->active && !l->rings[_EVENTS].rb)
                _stop = 1; /* no ring buffer, and every other source is done */
        }
    }
    outputs_batch_end(l->p.outputs);
    return backlog;
}

int run_loop_run(struct run_loop *l)
{
    size_t npfds = _NRINGS + l->nsources;
    struct pollfd *pfds = calloc(npfds, sizeof(*pfds));
    if (!pfds) {
        fprintf(stderr, "rulec: out of memory\n");
        return RUN_LOOP_ERROR;
    }
    /* A ring buffer's map is readable when it holds records. */
    for (int i = 0; i < _NRINGS; i++)
        pfds[i] = (struct pollfd){.fd = l->rings[i].map_fd, .events = POLLIN};
    for (size_t i = 0; i < l->nsources; i++)
        pfds[_NRINGS + i] = (struct pollfd){.fd = l->sources[i].fd, .events = l->sources[i].events};
    uint64_t next_tick = _now_ns() + _TICK_NS;
    bool backlog = false;
    while (!_stop) {
        uint64_t now = _now_ns();
        int timeout = 0;
        if (!backlog && now < next_tick) {
            uint64_t ms = (next_tick - now + _NS_PER_MS - 1) / _NS_PER_MS;
            timeout = ms < _POLL_MS ? (int)ms : _POLL_MS;
        }
        if (poll(pfds, npfds, timeout) < 0 && errno != EINTR) {
            fprintf(stderr, "rulec: poll: %s\n", strerror(errno));
            l->status = RUN_LOOP_ERROR;
            break;
        }
        if (_stop)
            break;
        backlog = _turn(l, pfds);
        if (_reopen) {
            _reopen = 0;
            outputs_reopen(l->p.outputs);
        }
        if (_stats) {
            _stats = 0;
            _print_counters(l);
        }
        now = _now_ns();
        if (now >= next_tick) {
            _tick(l, now);
            next_tick = now + _TICK_NS;
        }
    }
    free(pfds);
    _finish(l);
    _print_counters(l);
    return l->status;
}
