/* The /metrics page of the webserver (runtime/webserver.h): rulec's counters in Prometheus'
 * text exposition format (version 0.0.4): one HELP and TYPE line per family, then its samples.
 * Falco's names where the count is the same thing (falcosecurity_falco_rules_matches_total with
 * Falco's labels, falcosecurity_scap_n_evts_total, falcosecurity_scap_n_drops_total,
 * falcosecurity_falco_outputs_queue_num_drops_total, falcosecurity_falco_reload_timestamp_*),
 * rulec_* for the rest. Counters are totals since the start, across reloads. */
#pragma once

#include "core/strbuf.h"

struct audit_source;
struct cmeta;
struct engine;
struct output_set;
struct run_loop_totals;

struct metrics_sources {
    const struct run_loop_totals *totals;
    const struct engine *eng; /* the policy running now: its rules */
    const struct output_set *outputs;
    const struct cmeta *containers;   /* or NULL */
    const struct audit_source *audit; /* or NULL */
    const char *policy_sha256;        /* or NULL */
};

void metrics_render(struct strbuf *out, const struct metrics_sources *src);

/* A label value escaped as the format wants it (\\, \", \n). */
void metrics_label_value(struct strbuf *out, const char *value);
