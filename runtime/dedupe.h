/* A hot reload's overlap (SIGHUP, runtime/run_loop.h): the new policy's programs are attached
 * before the old one's are detached, so that no event goes unseen, and for a moment every
 * sys_exit runs both. An event both sent up must not alert twice: this pairs each record of the
 * new policy with its twin from the old one.
 *
 * Records carry the thread (tid), the event (evt_id), its return value and arguments, and a
 * timestamp taken when the record is sent (rulec_submit), which is not the same in the two: each
 * program reads the clock itself. What makes the pairing exact is that both programs run in the
 * thread's own context at its sys_exit, one after the other: nothing else of that thread happens
 * in between. So, in one thread's records of both policies merged by time, an event's twins are
 * neighbours with the same header, and the old one comes first (the kernel runs a tracepoint's
 * probes in the order they were attached: kernel/tracepoint.c, func_add). A new record is a twin
 * when the record just before it in its thread's merged timeline is an old one, not yet paired,
 * with the same pid, tid, evt_id, return value and arguments, at most DEDUPE_MAX_GAP_NS before. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rulec_abi.h"

/* Twins are a few microseconds apart (one program's run); 10 ms covers an interrupted one. */
#define DEDUPE_MAX_GAP_NS 10000000ull

struct dedupe;

/* What the old policy did with the twin of a new record. */
struct dedupe_twin {
    const uint64_t *candidates; /* the old record's candidate mask (old rule indices) */
    size_t words;
    unsigned alerts; /* alerts the old policy wrote for it */
};

struct dedupe *dedupe_new(void);
void dedupe_free(struct dedupe **d);

/* An old record of the overlap (candidates: mask_words words, copied). Returns -ENOMEM or 0. */
int dedupe_add_old(struct dedupe *d, const struct rulec_record_hdr *h, const uint64_t *candidates,
                   size_t words, unsigned alerts);
/* A new record of the overlap; its index (from 0, in the order added), or -ENOMEM. */
long dedupe_add_new(struct dedupe *d, const struct rulec_record_hdr *h);
/* Pairs them (once every record was added). */
void dedupe_resolve(struct dedupe *d);
/* New record i's twin, or NULL when the old policy did not see that event. */
const struct dedupe_twin *dedupe_twin(const struct dedupe *d, size_t i);
