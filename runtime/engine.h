/* The runtime's engine: the policy's rules prepared for userspace (each
 * residual condition parsed and compiled for the interpreter, each output
 * template parsed), and the path from one ring-buffer record to alerts:
 * decode, decide the residual of every "maybe" candidate, render, write. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"
#include "runtime/config.h"

struct cmeta;
struct engine;
struct k8saudit_event;
struct missed;
struct missed_entry;
struct output_set;
struct users_db;

enum engine_error {
    ENGINE_ERR_IO = -1,      /* out of memory */
    ENGINE_ERR_CORRUPT = -2, /* not a policy, or its metadata does not hold together */
    ENGINE_ERR_VERSION = -3, /* another metadata format version */
    ENGINE_ERR_CONFIG = -4,  /* the configuration does not fit the policy (append_output) */
};

struct engine_stats {
    uint64_t records;      /* candidate records received */
    uint64_t alerts;       /* alerts written (aggregates and drop alerts included) */
    uint64_t rejected;     /* candidates whose residual said no */
    uint64_t bad;          /* records that did not fit the layout */
    uint64_t audit_events; /* k8s audit events evaluated */
    uint64_t aggregates;   /* of the alerts, aggregates of matches not reported one by one */
    uint64_t aggregated;   /* the matches and possible matches they count */
    uint64_t tallied;      /* records counted into aggregates without being evaluated */
};

/* Reads the metadata of the policy in img (see runtime/verify.h: the bytes already verified). */
int engine_new(struct engine **out, const struct policy_image *img, const struct rulec_config *cfg,
               char *err, size_t errlen);
/* The same from the metadata's JSON text alone (tests: no object, no kernel). */
int engine_new_json(struct engine **out, const char *json, size_t len,
                    const struct rulec_config *cfg, char *err, size_t errlen);
void engine_free(struct engine **eng);
const struct policy_meta *engine_meta(const struct engine *eng);
void engine_set_sinks(struct engine *eng, struct output_set *outputs, struct users_db *users);
/* The resolved names fd.sip.name and its kin give (runtime/dns.h); NULL for none. */
struct dns_cache;
void engine_set_dns(struct engine *eng, struct dns_cache *dns);
/* The container metadata cache the container.* and k8s.* fields read (NULL: none). */
void engine_set_containers(struct engine *eng, struct cmeta *containers);
/* Where container.id comes from when the kernel left it undecided (runtime/cid_cache.h, the
 * loader's); NULL: it is <NA>. */
struct cid_cache;
void engine_set_cid_cache(struct engine *eng, struct cid_cache *cids);
/* The process cache the parent and ancestor fields read before /proc (runtime/proc_cache.h, the
 * loader's); NULL: /proc only. */
struct proc_cache;
void engine_set_proc_cache(struct engine *eng, struct proc_cache *procs);

/* One ring-buffer record: alerts for the candidates that match, in rule order; with
 * rule_matching: first, only the first of them. */
unsigned engine_handle_record(struct engine *eng, const void *data, size_t len);
/* The same, the rules whose bit is set in skip (skip_words words) left out: decided by the old
 * policy of a reload (runtime/dedupe.h). Returns the alerts written. */
unsigned engine_handle_record_except(struct engine *eng, const void *data, size_t len,
                                     const uint64_t *skip, size_t skip_words);
/* rule_matching: first. */
bool engine_first_match(const struct engine *eng);
/* The policy's k8s_audit rules: how many (none: no audit source to run). */
size_t engine_audit_rules(const struct engine *eng);
/* One k8s audit event: alerts for the k8s_audit rules it matches, in rule order (the first only,
 * with rule_matching: first). */
void engine_handle_audit(struct engine *eng, struct k8saudit_event *ev);
/* A record that there is no time left to evaluate (stopping): its candidates go into the
 * aggregates as matches, or possible matches for those the kernel could not decide. */
void engine_tally_record(struct engine *eng, const void *data, size_t len, struct missed *m);
/* One aggregate alert (runtime/missed.h) of the rule's priority, source and tags (plus
 * "rulec_aggregate"), over the last `seconds`. */
void engine_missed_alert(struct engine *eng, const struct missed_entry *e, double seconds);
/* Falco's syscall-event-drop alert for records lost since the last call. */
void engine_drop_alert(struct engine *eng, unsigned long long lost, unsigned long long events);
/* An alert of rulec itself, priority Critical ("Falco internal: hot restart failure"): the
 * output is "<rule>: <why>". */
void engine_internal_alert(struct engine *eng, const char *rule, const char *why);
void engine_stats(const struct engine *eng, struct engine_stats *out);
/* Alerts of rule i so far (single ones: aggregates are counted apart), for /metrics. */
uint64_t engine_rule_alerts(const struct engine *eng, size_t i);
/* A reloaded policy's engine takes over the old one's counts: per rule by name (a rule kept
 * across the reload keeps counting, as Prometheus counters must), and the totals. */
void engine_inherit(struct engine *eng, const struct engine *old);
