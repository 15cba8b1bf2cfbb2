/* Falco's syscall_event_drops (userspace/falco/event_drops.cpp), on rulec's counters: once a
 * second the records the kernel could not hand over (no ring buffer had room) are compared with
 * the events it evaluated; when their ratio is above the threshold and the token bucket (rate,
 * max_burst) has a token, the configured actions are taken. The matches of those records are
 * not lost for all that: the kernel counts them per rule (runtime/missed.h). */
#pragma once

#include <stdint.h>

#include "runtime/config.h"

struct drops {
    struct rulec_drops cfg;
    double tokens;
    uint64_t last_ns;
};

/* The bucket starts full (max_burst tokens), as Falco's. */
void drops_init(struct drops *d, const struct rulec_drops *cfg, uint64_t now_ns);

/* One check over the last interval: `lost` records lost of `events` evaluated. Returns the
 * DROP_ACTION_* bits to act on (0: none: no loss, below the threshold, or no token left). With
 * simulate_drops one loss is added and the threshold ignored, as in Falco. *lost is updated to
 * the number the actions should report. */
unsigned drops_check(struct drops *d, uint64_t now_ns, uint64_t *lost, uint64_t events);
