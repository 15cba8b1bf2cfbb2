/* Matches not reported one by one, gathered over a window and turned into aggregate alerts
 * (engine_missed_alert: "Rule X: 12,345 more matches by pid 4242 (flood) in the last 1 s").
 * Two sources: what the kernel counted when no ring buffer took a record (per rule, and per rule
 * and process: compiler/bpf/rulec_prog.h), and records the runtime read at shutdown but had no
 * time left to evaluate. The counts per rule are exact; the per-process split is as good as the
 * kernel's bounded map of processes, and what it could not attribute is reported as "other
 * processes", so that the aggregates of a rule always add up to its count. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/rulec_abi.h"

struct missed;

/* One aggregate: a rule's matches for one process, or (pid 0) for the rest. */
struct missed_entry {
    size_t rule;
    uint32_t pid;              /* 0: the processes not tracked one by one */
    char comm[RULEC_COMM_LEN]; /* "" when unknown */
    uint64_t definite;         /* matches */
    uint64_t maybe;            /* candidates the kernel could not decide, never evaluated */
    size_t nprocs;             /* processes covered (pid 0: 0 when not all are known) */
};

int missed_new(struct missed **out, size_t nrules);
void missed_free(struct missed **m);

/* Counts of one rule: for one process (pid != 0, comm may be NULL) or for none in particular. */
void missed_add(struct missed *m, size_t rule, uint32_t pid, const char *comm, uint64_t definite,
                uint64_t maybe);

/* The kernel's counts since the last call (rulec_missed, rulec_missed_procs) into the window.
 * The per-process map is read and emptied first, then the per-rule totals. 0, or -errno. */
int missed_read_kernel(struct missed *m, int rules_fd, int procs_fd);

/* The window's aggregates, rule by rule: at most `per_rule` processes named per rule, those with
 * the most matches, and one entry (pid 0) for the rest; fn is called for each. Clears the window.
 * Returns the number of entries. */
typedef void (*missed_fn)(void *ctx, const struct missed_entry *e);
size_t missed_report(struct missed *m, size_t per_rule, missed_fn fn, void *ctx);
