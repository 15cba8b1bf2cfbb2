#include "runtime/missed.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct _proc {
    size_t rule;
    uint32_t pid;
    char comm[RULEC_COMM_LEN];
    uint64_t definite, maybe;
    bool named; /* missed_report: has an entry of its own in this report */
};

/* Counts by (rule, pid), hashed: open addressing over indices into procs. */
struct _table {
    struct _proc *procs;
    size_t n, cap;
    size_t *slots; /* index + 1, 0: empty; a power of two */
    size_t nslots;
};

struct missed {
    size_t nrules;
    struct rulec_missed_count *window; /* per rule: the counts of this window */
    struct rulec_missed_count *seen;   /* per rule: the kernel's totals read so far */
    struct _table procs;               /* the window's split by process */
    struct _table kernel, next;        /* the kernel's per-process counts read so far */
};

int missed_new(struct missed **out, size_t nrules)
{
    struct missed *m = calloc(1, sizeof(*m));
    *out = NULL;
    if (!m)
        return -ENOMEM;
    m->nrules = nrules;
    m->window = calloc(nrules + 1, sizeof(*m->window));
    m->seen = calloc(nrules + 1, sizeof(*m->seen));
    if (!m->window || !m->seen) {
        missed_free(&m);
        return -ENOMEM;
    }
    *out = m;
    return 0;
}

static void _table_free(struct _table *t)
{
    free(t->procs);
    free(t->slots);
}

void missed_free(struct missed **mp)
{
    struct missed *m = *mp;
    if (!m)
        return;
    free(m->window);
    free(m->seen);
    _table_free(&m->procs);
    _table_free(&m->kernel);
    _table_free(&m->next);
    free(m);
    *mp = NULL;
}

static size_t _hash(size_t rule, uint32_t pid)
{
    uint64_t h = ((uint64_t)rule << 32 | pid) * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h ^ (h >> 29));
}

/* The slot of (rule, pid): its entry's, or the empty one where it goes. */
static size_t *_slot(struct _table *t, size_t rule, uint32_t pid)
{
    size_t mask = t->nslots - 1;
    for (size_t i = _hash(rule, pid) & mask;; i = (i + 1) & mask) {
        size_t *s = &t->slots[i];
        if (!*s || (t->procs[*s - 1].rule == rule && t->procs[*s - 1].pid == pid))
            return s;
    }
}

static void _rehash(struct _table *t)
{
    memset(t->slots, 0, t->nslots * sizeof(*t->slots));
    for (size_t i = 0; i < t->n; i++)
        *_slot(t, t->procs[i].rule, t->procs[i].pid) = i + 1;
}

static int _grow(struct _table *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        struct _proc *p = realloc(t->procs, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        t->procs = p;
        t->cap = cap;
    }
    if (2 * (t->n + 1) > t->nslots) {
        size_t n = t->nslots ? 2 * t->nslots : 128;
        size_t *slots = calloc(n, sizeof(*slots));
        if (!slots)
            return -ENOMEM;
        free(t->slots);
        t->slots = slots;
        t->nslots = n;
        _rehash(t);
    }
    return 0;
}

/* The entry of (rule, pid); made (zero) when `make`. NULL when absent, or out of memory. */
static struct _proc *_get(struct _table *t, size_t rule, uint32_t pid, bool make)
{
    if (!t->nslots && !make)
        return NULL;
    if (make && _grow(t) < 0)
        return NULL;
    size_t *s = _slot(t, rule, pid);
    if (!*s) {
        if (!make)
            return NULL;
        t->procs[t->n] = (struct _proc){.rule = rule, .pid = pid};
        *s = ++t->n;
    }
    return &t->procs[*s - 1];
}

static void _clear(struct _table *t)
{
    t->n = 0;
    if (t->slots)
        memset(t->slots, 0, t->nslots * sizeof(*t->slots));
}

/* Counts for (rule, pid) in the per-process split only: the rule's count is kept apart. A
 * process that cannot be recorded (out of memory) leaves its matches to "other processes". */
static void _attribute(struct missed *m, size_t rule, uint32_t pid, const char *comm,
                       uint64_t definite, uint64_t maybe)
{
    struct _proc *p = _get(&m->procs, rule, pid, true);
    if (!p)
        return;
    if (comm && *comm && !*p->comm)
        snprintf(p->comm, sizeof(p->comm), "%.*s", (int)sizeof(p->comm) - 1, comm);
    p->definite += definite;
    p->maybe += maybe;
}

void missed_add(struct missed *m, size_t rule, uint32_t pid, const char *comm, uint64_t definite,
                uint64_t maybe)
{
    if (rule >= m->nrules)
        return;
    m->window[rule].definite += definite;
    m->window[rule].maybe += maybe;
    if (pid)
        _attribute(m, rule, pid, comm, definite, maybe);
}

/* rulec_missed_procs: counts that only grow while their entry lives; the window gets what grew
 * since the last read, and an entry that shrank was evicted and made again: all of it is new.
 * Entries are never deleted here: a delete races with the kernel's increment of the same entry,
 * whose element the LRU may already have given to another process. A walk that the kernel's
 * evictions restart meets entries twice: `next` skips them. */
static int _read_procs(struct missed *m, int fd)
{
    struct rulec_missed_key key, prev;
    _clear(&m->next);
    for (size_t steps = 0; steps < 4 * RULEC_MISSED_PROCS &&
                           bpf_map_get_next_key(fd, steps ? &prev : NULL, &key) == 0;
         steps++) {
        prev = key;
        struct rulec_missed_proc v;
        if (_get(&m->next, key.rule, key.tgid, false) || bpf_map_lookup_elem(fd, &key, &v) < 0)
            continue;
        struct _proc *now = _get(&m->next, key.rule, key.tgid, true);
        if (!now)
            return -ENOMEM;
        now->definite = v.definite;
        now->maybe = v.maybe;
        const struct _proc *was = _get(&m->kernel, key.rule, key.tgid, false);
        uint64_t d = v.definite, mb = v.maybe;
        if (was && was->definite <= d && was->maybe <= mb) {
            d -= was->definite;
            mb -= was->maybe;
        }
        v.comm[sizeof(v.comm) - 1] = 0;
        if (key.rule < m->nrules && (d || mb))
            _attribute(m, key.rule, key.tgid, v.comm, d, mb);
    }
    struct _table t = m->kernel;
    m->kernel = m->next;
    m->next = t;
    return 0;
}

/* rulec_missed: per-CPU totals that only grow; the window gets what grew since the last read. */
static int _read_rules(struct missed *m, int fd)
{
    int ncpu = libbpf_num_possible_cpus();
    if (ncpu <= 0)
        return ncpu < 0 ? ncpu : -EINVAL;
    struct rulec_missed_count *v = calloc((size_t)ncpu, sizeof(*v));
    if (!v)
        return -ENOMEM;
    int rc = 0;
    for (size_t r = 0; r < m->nrules; r++) {
        __u32 key = (__u32)r;
        if (bpf_map_lookup_elem(fd, &key, v) < 0) {
            rc = -errno;
            break;
        }
        struct rulec_missed_count sum = {0};
        for (int c = 0; c < ncpu; c++) {
            sum.definite += v[c].definite;
            sum.maybe += v[c].maybe;
        }
        m->window[r].definite += sum.definite - m->seen[r].definite;
        m->window[r].maybe += sum.maybe - m->seen[r].maybe;
        m->seen[r] = sum;
    }
    free(v);
    return rc;
}

int missed_read_kernel(struct missed *m, int rules_fd, int procs_fd)
{
    /* The totals first: the kernel counts a match for its rule, then for its process, so the
     * processes read afterwards hold at least what the totals do (and some matches of the next
     * window, which missed_report keeps for it). */
    int rc = rules_fd >= 0 ? _read_rules(m, rules_fd) : 0;
    if (rc == 0 && procs_fd >= 0)
        rc = _read_procs(m, procs_fd);
    return rc;
}

/* By rule, then the most matches first. */
static int _cmp(const void *a, const void *b)
{
    const struct _proc *x = a, *y = b;
    uint64_t nx = x->definite + x->maybe, ny = y->definite + y->maybe;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Takes up to *want from *have: what is taken. */
static uint64_t _take(uint64_t *have, uint64_t *want)
{
    uint64_t n = *have < *want ? *have : *want;
    *have -= n;
    *want -= n;
    return n;
}

size_t missed_report(struct missed *m, size_t per_rule, missed_fn fn, void *ctx)
{
    struct _table *t = &m->procs;
    size_t emitted = 0, p = 0;
    if (t->n)
        qsort(t->procs, t->n, sizeof(*t->procs), _cmp);
    for (size_t r = 0; r < m->nrules; r++) {
        uint64_t definite = m->window[r].definite, maybe = m->window[r].maybe;
        size_t named = 0, others = 0, first = p;
        for (; p < t->n && t->procs[p].rule == r; p++) {
            struct _proc *pr = &t->procs[p];
            pr->named = false;
            if (named == per_rule)
                continue; /* beyond the named: their matches make the rest (below) */
            struct missed_entry e = {.rule = r, .pid = pr->pid, .nprocs = 1};
            e.definite = _take(&pr->definite, &definite);
            e.maybe = _take(&pr->maybe, &maybe);
            if (!e.definite && !e.maybe)
                continue;
            memcpy(e.comm, pr->comm, sizeof(e.comm));
            pr->named = true;
            named++;
            fn(ctx, &e);
            emitted++;
        }
        if (!definite && !maybe)
            continue;
        struct missed_entry e = {.rule = r, .definite = definite, .maybe = maybe};
        /* The processes beyond the named cover the rest, or the kernel lost track of some. */
        for (size_t q = first; q < p; q++) {
            struct _proc *pr = &t->procs[q];
            if (!pr->named && _take(&pr->definite, &definite) + _take(&pr->maybe, &maybe))
                others++;
        }
        e.nprocs = definite || maybe ? 0 : others;
        fn(ctx, &e);
        emitted++;
    }
    memset(m->window, 0, m->nrules * sizeof(*m->window));
    /* What the processes counted beyond their rules' totals belongs to the next window's. */
    size_t kept = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->procs[i].definite || t->procs[i].maybe)
            t->procs[kept++] = t->procs[i];
    t->n = kept;
    if (t->slots)
        _rehash(t);
    return emitted;
}
