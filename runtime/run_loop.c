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
#include "runtime/dedupe.h"
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

/* What the record callback does with a record. */
enum _mode {
    _EVALUATE,    /* alerts */
    _OLD_OVERLAP, /* a reload's old policy: alerts, and remembered for the new one's twins */
    _COLLECT,     /* a reload's new policy: copied, to be paired with the old one's first */
};

struct _ring {
    struct run_loop *loop;
    struct ring_buffer *rb;
    int map_fd;
    size_t budget, done;
    bool tally; /* stopping, past the deadline: count the records instead of evaluating them */
    enum _mode mode;
};

/* Records of a reload's new policy read before the old one's were all handled. */
struct _collected {
    unsigned char *buf;
    size_t len, cap;
    size_t n;
    uint64_t until_ns; /* records stamped later need no pairing: collecting stops at one */
    bool past;         /* one was seen */
};

struct _source {
    int fd;
    short events;
    run_loop_fn fn;
    void *ctx;
    bool control; /* not an event source: does not keep a loop of finished sources running */
};

enum { _RESERVE, _EVENTS, _NRINGS };

struct run_loop {
    struct run_loop_params p;
    /* The ring buffers, read in this order: the reserve first. Two sets, because libbpf keeps a
     * pointer to each as its callback's context: a reload builds the other set. */
    struct _ring ring_sets[2][_NRINGS];
    struct _ring *rings; /* the set in use */
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
    struct pollfd *pfds; /* the ring buffers, then the sources */
    size_t npfds;
    /* Counters of the loaders a reload replaced, so that totals stay monotonic. */
    unsigned long long base[RULEC_CNT_MAX];
    struct run_loop_totals reloads;
    /* A reload in progress (run_loop_switch). */
    struct dedupe *dedupe;
    uint64_t overlap_from_ns;
    struct _collected collected;
};

static volatile sig_atomic_t _stop, _reopen, _stats, _reload;

/* Falco's signals: SIGUSR1 reopens the outputs, SIGHUP restarts (here: reloads the policy);
 * SIGUSR2, which Falco leaves free, prints the counters. */
static void _on_signal(int sig)
{
    if (sig == SIGUSR1)
        _reopen = 1;
    else if (sig == SIGUSR2)
        _stats = 1;
    else if (sig == SIGHUP)
        _reload = 1;
    else
        _stop = 1;
}

static uint64_t _now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A new policy's record, copied while the old policy's are handled. */
static int _collect(struct _collected *c, const void *data, size_t len)
{
    const struct rulec_record_hdr *h = data;
    if (len >= sizeof(*h) && h->ts_boot_ns > c->until_ns)
        c->past = true;
    size_t need = sizeof(size_t) + len;
    if (c->len + need > c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1 << 16;
        while (cap < c->len + need)
            cap *= 2;
        unsigned char *b = realloc(c->buf, cap);
        if (!b)
            return -ENOMEM;
        c->buf = b;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, &len, sizeof(len));
    memcpy(c->buf + c->len + sizeof(len), data, len);
    c->len += need;
    c->n++;
    return 0;
}

static int _on_record(void *ctx, void *data, size_t len)
{
    struct _ring *r = ctx;
    struct run_loop *l = r->loop;
    if (r->mode == _COLLECT) {
        if (_collect(&l->collected, data, len) < 0)
            engine_handle_record(l->p.eng, data, len); /* no memory: alerted, maybe twice */
        return l->collected.past ? _END_BATCH : 0;
    }
    if (r->tally) {
        engine_tally_record(l->p.eng, data, len, l->missed);
    } else {
        unsigned alerts = engine_handle_record(l->p.eng, data, len);
        const struct rulec_record_hdr *h = data;
        size_t words = engine_meta(l->p.eng)->mask_words;
        if (r->mode == _OLD_OVERLAP && len >= sizeof(*h) + 8 * words &&
            h->ts_boot_ns >= l->overlap_from_ns)
            dedupe_add_old(l->dedupe, h, (const uint64_t *)(h + 1), words, alerts);
    }
    if (++r->done >= r->budget || (_stop && !l->stopping))
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

void run_loop_totals(struct run_loop *l, struct run_loop_totals *t)
{
    unsigned long long c[RULEC_CNT_MAX] = {0};
    loader_counters(l->p.ld, c, RULEC_CNT_MAX);
    *t = l->reloads;
    for (int i = 0; i < RULEC_CNT_MAX; i++)
        t->kernel[i] = l->base[i] + c[i];
    engine_stats(l->p.eng, &t->engine);
}

/* A ring buffer read to its end (evaluating until the drain deadline, counting after it). */
static void _drain(struct _ring *r, uint64_t deadline)
{
    do
        r->tally |= _now_ns() >= deadline;
    while (_consume(r, _DRAIN_BATCH));
}

static void _print_counters(struct run_loop *l)
{
    struct run_loop_totals t;
    run_loop_totals(l, &t);
    const unsigned long long *c = t.kernel;
    struct engine_stats st = t.engine;
    fprintf(stderr,
            "rulec: events %llu, candidates %llu, lost %llu, records %llu, alerts %llu, "
            "residual rejections %llu, reserved %llu, aggregates %llu (%llu matches)\n",
            c[RULEC_CNT_EVENTS], c[RULEC_CNT_CANDIDATES], c[RULEC_CNT_LOST],
            (unsigned long long)st.records, (unsigned long long)st.alerts,
            (unsigned long long)st.rejected, c[RULEC_CNT_RESERVED],
            (unsigned long long)st.aggregates, (unsigned long long)st.aggregated);
    if (t.reloads || t.reload_failures)
        fprintf(stderr, "rulec: reloads %llu, failed %llu, twins %llu\n",
                (unsigned long long)t.reloads, (unsigned long long)t.reload_failures,
                (unsigned long long)t.twins);
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
    if (l->p.tick)
        l->p.tick(l->p.ctx, l);
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
    for (int i = 0; i < _NRINGS; i++)
        _drain(&l->rings[i], deadline);
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
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigaction(sigs[i], &sa, NULL) < 0)
            return -errno;
    return 0;
}

/* The ring buffers of ld (none when it loaded nothing: poll(2) ignores a negative fd). */
static int _rings(struct run_loop *l, struct _ring *rings, const struct loader *ld, char *err,
                  size_t errlen)
{
    int fds[_NRINGS] = {[_RESERVE] = ld ? ld->reserve_fd : -1, [_EVENTS] = ld ? ld->events_fd : -1};
    for (int i = 0; i < _NRINGS; i++) {
        struct _ring *r = &rings[i];
        *r = (struct _ring){.loop = l, .map_fd = fds[i]};
        if (fds[i] < 0)
            continue;
        r->rb = ring_buffer__new(fds[i], _on_record, r, NULL);
        if (!r->rb) {
            int e = errno;
            snprintf(err, errlen, "ring buffer: %s", strerror(e));
            for (int j = 0; j < i; j++)
                ring_buffer__free(rings[j].rb);
            return -e;
        }
    }
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
    l->rings = l->ring_sets[0];
    int rc = _rings(l, l->rings, p->ld, err, errlen);
    if (rc < 0) {
        run_loop_free(&l);
        return rc;
    }
    rc = _install_signals();
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
        ring_buffer__free(l->rings ? l->rings[i].rb : NULL);
    missed_free(&l->missed);
    free(l->sources);
    free(l->pfds);
    free(l);
    *lp = NULL;
}

static uint64_t _boot_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t _realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The collected records of the new policy, paired with the old one's and handled by the new
 * engine: a record whose twin alerted is skipped under rule_matching: first (the event had its
 * alert), and otherwise alerts only for the rules the old policy did not decide. */
static void _handle_collected(struct run_loop *l, struct engine *eng, const struct engine *old)
{
    struct _collected *c = &l->collected;
    const struct policy_meta *om = engine_meta(old), *nm = engine_meta(eng);
    long *to_new = calloc(om->nrules + 1, sizeof(*to_new));
    uint64_t *skip = calloc(nm->mask_words + 1, sizeof(*skip));
    for (size_t i = 0; to_new && i < om->nrules; i++) {
        to_new[i] = -1;
        for (size_t j = 0; j < nm->nrules; j++)
            if (!strcmp(om->rules[i].name, nm->rules[j].name))
                to_new[i] = (long)j;
    }
    size_t off = 0;
    for (size_t i = 0; off < c->len; i++) {
        size_t len;
        memcpy(&len, c->buf + off, sizeof(len));
        const unsigned char *rec = c->buf + off + sizeof(len);
        off += sizeof(len) + len;
        const struct dedupe_twin *tw = dedupe_twin(l->dedupe, i);
        if (!tw || !to_new || !skip) {
            engine_handle_record(eng, rec, len);
            continue;
        }
        l->reloads.twins++;
        if (tw->alerts && engine_first_match(eng))
            continue;
        memset(skip, 0, nm->mask_words * sizeof(*skip));
        for (size_t k = 0; k < om->nrules && k / 64 < tw->words; k++)
            if ((tw->candidates[k / 64] >> (k % 64)) & 1 && to_new[k] >= 0)
                skip[to_new[k] / 64] |= 1ull << (to_new[k] % 64);
        engine_handle_record_except(eng, rec, len, skip, nm->mask_words);
    }
    free(to_new);
    free(skip);
}

int run_loop_switch(struct run_loop *l, struct engine *eng, struct loader *ld,
                    struct engine **old_eng, struct loader **old_ld, char *err, size_t errlen)
{
    struct missed *m = NULL;
    if (missed_new(&m, engine_meta(eng)->nrules) < 0) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    const struct policy_meta *meta = engine_meta(eng);
    /* 1. The new programs run from here on, next to the old ones. */
    uint64_t t0 = _boot_ns();
    struct _ring *rings = l->rings == l->ring_sets[0] ? l->ring_sets[1] : l->ring_sets[0];
    if ((meta->nhooks || meta->nprograms) && loader_attach(ld, meta, err, errlen) != LOADER_OK) {
        missed_free(&m);
        return -EINVAL;
    }
    int rc = _rings(l, rings, ld, err, errlen);
    if (rc < 0) {
        loader_detach(ld);
        missed_free(&m);
        return rc;
    }
    l->dedupe = dedupe_new();
    l->overlap_from_ns = t0;
    /* The overlap lasts microseconds; tests/e2e/test_reload.sh stretches it (RULEC_TEST_OVERLAP_MS)
     * so that many events are seen by both policies and the pairing is what keeps them single. */
    const char *stretch = getenv("RULEC_TEST_OVERLAP_MS");
    if (stretch && atoi(stretch) > 0) {
        struct timespec ts = {.tv_sec = atoi(stretch) / 1000,
                              .tv_nsec = (long)(atoi(stretch) % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    /* 2. The old ones stop; one still running when they were detached finishes meanwhile. */
    loader_detach(l->p.ld);
    uint64_t t1 = _boot_ns();
    struct timespec pause = {.tv_nsec = 2 * 1000000L};
    nanosleep(&pause, NULL);
    /* 3. Everything the old policy sent is handled by it, and remembered for the pairing. */
    outputs_batch_begin(l->p.outputs);
    uint64_t deadline = _now_ns() + _DRAIN_NS;
    for (int i = 0; i < _NRINGS; i++) {
        l->rings[i].mode = _OLD_OVERLAP;
        _drain(&l->rings[i], deadline);
    }
    unsigned long long c[RULEC_CNT_MAX] = {0};
    loader_counters(l->p.ld, c, RULEC_CNT_MAX);
    _report(l, _now_ns(), c[RULEC_CNT_LOST], true);
    for (int i = 0; i < RULEC_CNT_MAX; i++)
        l->base[i] += c[i];
    /* 4. The new policy's records of the overlap, paired with the old one's, then handled. */
    struct engine *old = l->p.eng;
    engine_inherit(eng, old);
    l->p.eng = eng;
    l->collected = (struct _collected){.until_ns = t1 + DEDUPE_MAX_GAP_NS};
    for (int i = 0; i < _NRINGS; i++) {
        rings[i].mode = _COLLECT;
        l->collected.past = false;
        rings[i].budget = SIZE_MAX;
        while (rings[i].rb && ring_buffer__consume(rings[i].rb) < 0 && !l->collected.past)
            ;
        rings[i].mode = _EVALUATE;
    }
    size_t off = 0;
    while (off < l->collected.len) {
        size_t len;
        memcpy(&len, l->collected.buf + off, sizeof(len));
        const struct rulec_record_hdr *h = (const void *)(l->collected.buf + off + sizeof(len));
        if (dedupe_add_new(l->dedupe, h) < 0)
            break;
        off += sizeof(len) + len;
    }
    dedupe_resolve(l->dedupe);
    _handle_collected(l, eng, old);
    outputs_batch_end(l->p.outputs);
    free(l->collected.buf);
    l->collected = (struct _collected){0};
    dedupe_free(&l->dedupe);
    /* 5. The switch: the new ring buffers are polled, the new counters start from zero. */
    for (int i = 0; i < _NRINGS; i++) {
        ring_buffer__free(l->rings[i].rb);
        l->rings[i] = (struct _ring){0};
        if (l->pfds)
            l->pfds[i].fd = rings[i].map_fd;
    }
    l->rings = rings;
    missed_free(&l->missed);
    l->missed = m;
    l->lost_seen = l->events_seen = l->lost_read = 0;
    l->read_again = false;
    *old_eng = old;
    *old_ld = l->p.ld;
    l->p.ld = ld;
    l->reloads.reloads++;
    l->reloads.reload_ns = _realtime_ns();
    return 0;
}

void run_loop_reload_failed(struct run_loop *l)
{
    l->reloads.reload_failures++;
}

static int _add(struct run_loop *l, int fd, short events, run_loop_fn fn, void *ctx, bool control)
{
    struct _source *s = realloc(l->sources, (l->nsources + 1) * sizeof(*s));
    if (!s)
        return -ENOMEM;
    l->sources = s;
    s[l->nsources++] =
        (struct _source){.fd = fd, .events = events, .fn = fn, .ctx = ctx, .control = control};
    l->active += !control;
    return 0;
}

int run_loop_add_fd(struct run_loop *l, int fd, short events, run_loop_fn fn, void *ctx)
{
    return _add(l, fd, events, fn, ctx, false);
}

int run_loop_add_control(struct run_loop *l, int fd, run_loop_fn fn, void *ctx)
{
    return _add(l, fd, POLLIN, fn, ctx, true);
}

struct loader *run_loop_loader(struct run_loop *l)
{
    return l->p.ld;
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
            if (!s->control && !--l->active && !l->rings[_EVENTS].rb)
                _stop = 1; /* no ring buffer, and every other source is done */
        }
    }
    outputs_batch_end(l->p.outputs);
    return backlog;
}

int run_loop_run(struct run_loop *l)
{
    size_t npfds = _NRINGS + l->nsources;
    struct pollfd *pfds = l->pfds = calloc(npfds, sizeof(*pfds));
    l->npfds = npfds;
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
        if (_reload) {
            _reload = 0;
            if (l->p.reload)
                l->p.reload(l->p.ctx);
        }
        now = _now_ns();
        if (now >= next_tick) {
            _tick(l, now);
            next_tick = now + _TICK_NS;
        }
    }
    free(pfds);
    l->pfds = NULL;
    _finish(l);
    _print_counters(l);
    return l->status;
}
