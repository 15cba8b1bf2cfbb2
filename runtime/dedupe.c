#include "runtime/dedupe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The part of a header both policies fill the same for one event. */
struct _key {
    uint32_t tid, pid, evt_id;
    int64_t ret;
    uint64_t args[6];
};

struct _rec {
    struct _key key;
    uint64_t ts;
    bool old;
    bool paired;  /* old: taken by a new record */
    size_t index; /* old: into olds; new: the caller's index */
};

struct _old {
    struct dedupe_twin twin;
    uint64_t *mask;
};

struct dedupe {
    struct _rec *recs;
    size_t nrecs, cap;
    struct _old *olds;
    size_t nolds, olds_cap;
    long *twin_of; /* per new record: index into olds, or -1 */
    size_t nnew;
};

struct dedupe *dedupe_new(void)
{
    return calloc(1, sizeof(struct dedupe));
}

void dedupe_free(struct dedupe **dp)
{
    struct dedupe *d = *dp;
    if (!d)
        return;
    for (size_t i = 0; i < d->nolds; i++)
        free(d->olds[i].mask);
    free(d->olds);
    free(d->recs);
    free(d->twin_of);
    free(d);
    *dp = NULL;
}

static void _key(struct _key *k, const struct rulec_record_hdr *h)
{
    memset(k, 0, sizeof(*k));
    k->tid = h->tid;
    k->pid = h->pid;
    k->evt_id = h->evt_id;
    k->ret = h->ret;
    memcpy(k->args, h->args, sizeof(k->args));
}

static int _push(struct dedupe *d, const struct rulec_record_hdr *h, bool old, size_t index)
{
    if (d->nrecs == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        struct _rec *r = realloc(d->recs, cap * sizeof(*r));
        if (!r)
            return -ENOMEM;
        d->recs = r;
        d->cap = cap;
    }
    struct _rec *r = &d->recs[d->nrecs++];
    _key(&r->key, h);
    r->ts = h->ts_boot_ns;
    r->old = old;
    r->paired = false;
    r->index = index;
    return 0;
}

int dedupe_add_old(struct dedupe *d, const struct rulec_record_hdr *h, const uint64_t *candidates,
                   size_t words, unsigned alerts)
{
    if (d->nolds == d->olds_cap) {
        size_t cap = d->olds_cap ? 2 * d->olds_cap : 256;
        struct _old *o = realloc(d->olds, cap * sizeof(*o));
        if (!o)
            return -ENOMEM;
        d->olds = o;
        d->olds_cap = cap;
    }
    uint64_t *mask = malloc((words + 1) * sizeof(*mask));
    if (!mask || _push(d, h, true, d->nolds) < 0) {
        free(mask);
        return -ENOMEM;
    }
    memcpy(mask, candidates, words * sizeof(*mask));
    d->olds[d->nolds++] =
        (struct _old){.twin = {.candidates = mask, .words = words, .alerts = alerts}, .mask = mask};
    return 0;
}

long dedupe_add_new(struct dedupe *d, const struct rulec_record_hdr *h)
{
    if (_push(d, h, false, d->nnew) < 0)
        return -ENOMEM;
    return (long)d->nnew++;
}

/* By thread, then time; at equal times the old record first (it ran first). */
static int _cmp(const void *x, const void *y)
{
    const struct _rec *a = x, *b = y;
    if (a->key.tid != b->key.tid)
        return a->key.tid < b->key.tid ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return (int)b->old - (int)a->old;
}

void dedupe_resolve(struct dedupe *d)
{
    free(d->twin_of);
    d->twin_of = malloc((d->nnew + 1) * sizeof(*d->twin_of));
    if (!d->twin_of)
        return; /* no pairing: every new record alerts (a duplicate rather than a loss) */
    for (size_t i = 0; i < d->nnew; i++)
        d->twin_of[i] = -1;
    qsort(d->recs, d->nrecs, sizeof(*d->recs), _cmp);
    for (size_t i = 1; i < d->nrecs; i++) {
        struct _rec *prev = &d->recs[i - 1], *r = &d->recs[i];
        if (r->old || !prev->old || prev->paired || r->ts - prev->ts > DEDUPE_MAX_GAP_NS ||
            memcmp(&prev->key, &r->key, sizeof(r->key)) != 0)
            continue;
        prev->paired = true;
        d->twin_of[r->index] = (long)prev->index;
    }
}

const struct dedupe_twin *dedupe_twin(const struct dedupe *d, size_t i)
{
    if (!d->twin_of || i >= d->nnew || d->twin_of[i] < 0)
        return NULL;
    return &d->olds[d->twin_of[i]].twin;
}
