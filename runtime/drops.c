#include "runtime/drops.h"

void drops_init(struct drops *d, const struct rulec_drops *cfg, uint64_t now_ns)
{
    d->cfg = *cfg;
    d->tokens = cfg->max_burst;
    d->last_ns = now_ns;
}

/* token_bucket::claim: tokens accrue at `rate` a second up to max_burst; one is taken if there. */
static bool _claim(struct drops *d, uint64_t now_ns)
{
    d->tokens += d->cfg.rate * (double)(now_ns - d->last_ns) / 1e9;
    d->last_ns = now_ns;
    if (d->tokens > d->cfg.max_burst)
        d->tokens = d->cfg.max_burst;
    if (d->tokens < 1)
        return false;
    d->tokens -= 1;
    return true;
}

unsigned drops_check(struct drops *d, uint64_t now_ns, uint64_t *lost, uint64_t events)
{
    double threshold = d->cfg.threshold;
    if (d->cfg.simulate_drops) {
        (*lost)++;
        threshold = 0;
    }
    if (*lost == 0)
        return 0;
    /* Falco's n_evts includes the drops; rulec's events counter does too (a lost record was an
     * evaluated event). An interval with losses but no events counted is all loss. */
    double ratio = events ? (double)*lost / (double)events : 1;
    if (!(ratio > threshold) || !_claim(d, now_ns))
        return 0;
    return d->cfg.actions;
}
