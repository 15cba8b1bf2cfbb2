#include "runtime/metrics.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/priority.h"
#include "core/version.h"
#include "runtime/audit_source.h"
#include "runtime/container_meta.h"
#include "runtime/engine.h"
#include "runtime/outputs.h"
#include "runtime/run_loop.h"

void metrics_label_value(struct strbuf *out, const char *value)
{
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            strbuf_printf(out, "\\%c", *p);
        else if (*p == '\n')
            strbuf_puts(out, "\\n");
        else
            strbuf_append(out, p, 1);
    }
}

static void _family(struct strbuf *out, const char *name, const char *type, const char *help)
{
    strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void _sample(struct strbuf *out, const char *name, uint64_t value)
{
    strbuf_printf(out, "%s %llu\n", name, (unsigned long long)value);
}

static void _counter(struct strbuf *out, const char *name, const char *help, uint64_t value)
{
    _family(out, name, "counter", help);
    _sample(out, name, value);
}

/* A label name as Prometheus allows it ([a-zA-Z0-9_], Falco's sanitising of tag_<tag>). */
static void _label_name(struct strbuf *out, const char *prefix, const char *name)
{
    strbuf_puts(out, prefix);
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        strbuf_append(out, ok ? p : "_", 1);
    }
}

/* falco_metrics.cpp's rules_matches: rule_name, priority (the number, 0 Emergency to 7 Debug),
 * source and tag_<tag>="true", in label name order as its std::map gives them. Only rules that
 * matched, as Falco. */
static void _rules(struct strbuf *out, const struct engine *eng)
{
    static const char name[] = "falcosecurity_falco_rules_matches_total";
    _family(out, name, "counter", "Alerts of each rule (https://falco.org/docs/metrics/)");
    const struct policy_meta *m = engine_meta(eng);
    uint64_t by_prio[ALERT_PRIO_MAX] = {0};
    for (size_t i = 0; i < m->nrules; i++) {
        uint64_t n = engine_rule_alerts(eng, i);
        enum alert_priority p = priority_parse(m->rules[i].priority);
        if (!n || p == ALERT_PRIO_MAX)
            continue;
        by_prio[p] += n;
        strbuf_printf(out, "%s{priority=\"%d\",rule_name=\"", name, (int)p);
        metrics_label_value(out, m->rules[i].name);
        strbuf_puts(out, "\",source=\"");
        metrics_label_value(out, m->rules[i].source);
        strbuf_puts(out, "\"");
        for (size_t t = 0; t < m->rules[i].ntags; t++) {
            strbuf_puts(out, ",");
            _label_name(out, "tag_", m->rules[i].tags[t]);
            strbuf_puts(out, "=\"true\"");
        }
        strbuf_printf(out, "} %llu\n", (unsigned long long)n);
    }
    static const char prio[] = "rulec_alerts_by_priority_total";
    _family(out, prio, "counter", "Alerts of the rules of each priority");
    for (int p = 0; p < ALERT_PRIO_MAX; p++)
        strbuf_printf(out, "%s{priority=\"%s\"} %llu\n", prio,
                      priority_to_string((enum alert_priority)p), (unsigned long long)by_prio[p]);
}

static void _outputs(struct strbuf *out, const struct output_set *set)
{
    struct output_stats st;
    outputs_stats(set, &st);
    static const char *const names[] = {"rulec_output_alerts_total", "rulec_output_errors_total"};
    static const char *const helps[] = {"Alerts written to each output",
                                        "Alerts an output could not take (errors, full queue)"};
    for (int k = 0; k < 2; k++) {
        _family(out, names[k], "counter", helps[k]);
        for (int s = 0; s < OUTPUT_SINK_MAX; s++)
            strbuf_printf(out, "%s{output=\"%s\"} %llu\n", names[k],
                          outputs_sink_name((enum output_sink)s),
                          (unsigned long long)(k ? st.errors[s] : st.written[s]));
    }
    _counter(out, "falcosecurity_falco_outputs_queue_num_drops_total",
             "Alerts dropped because an output queue was full", st.queue_drops);
}

static void _containers(struct strbuf *out, const struct cmeta *c)
{
    struct cmeta_stats cs;
    cmeta_stats(c, &cs);
    _counter(out, "rulec_container_lookups_total", "Container metadata lookups", cs.lookups);
    _counter(out, "rulec_container_requests_total", "Questions asked of container runtimes",
             cs.requests);
    _counter(out, "rulec_container_found_total", "Answers: the runtime knew the container",
             cs.found);
    _counter(out, "rulec_container_not_found_total", "Answers: no runtime knew the container",
             cs.not_found);
    _counter(out, "rulec_container_failed_total", "Answers: a runtime failed", cs.failed);
    _counter(out, "rulec_container_waits_total", "Lookups that waited for an answer", cs.waits);
    _counter(out, "rulec_container_late_total", "Waits that reached lookup_wait_ms", cs.late);
    _family(out, "rulec_container_cache_entries", "gauge", "Containers in the metadata cache");
    _sample(out, "rulec_container_cache_entries", cs.containers);
    _family(out, "rulec_container_cache_bytes", "gauge", "Memory the metadata cache holds");
    _sample(out, "rulec_container_cache_bytes", cs.bytes);
}

static void _audit(struct strbuf *out, const struct audit_source *a)
{
    struct audit_source_stats as;
    audit_source_stats(a, &as);
    _counter(out, "rulec_k8s_audit_received_total", "k8s audit events queued", as.received);
    _counter(out, "rulec_k8s_audit_evaluated_total", "k8s audit events evaluated", as.evaluated);
    _counter(out, "rulec_k8s_audit_dropped_total", "k8s audit events refused, queue full (503)",
             as.dropped);
    _counter(out, "rulec_k8s_audit_refused_total", "k8s audit requests or lines refused (4xx)",
             as.bad);
    _counter(out, "rulec_k8s_audit_skipped_total",
             "k8s audit events dropped as the plugin drops them", as.skipped);
}

void metrics_render(struct strbuf *out, const struct metrics_sources *src)
{
    const struct run_loop_totals *t = src->totals;
    _family(out, "falcosecurity_falco_version_info", "gauge", "rulec's version");
    strbuf_printf(out, "falcosecurity_falco_version_info{version=\"rulec %s\"} 1\n", RULEC_VERSION);
    if (src->policy_sha256) {
        _family(out, "rulec_policy_info", "gauge", "The policy running now");
        strbuf_puts(out, "rulec_policy_info{sha256=\"");
        metrics_label_value(out, src->policy_sha256);
        strbuf_puts(out, "\"} 1\n");
    }
    _counter(out, "falcosecurity_scap_n_evts_total", "Events the kernel programs evaluated",
             t->kernel[RULEC_CNT_EVENTS]);
    _counter(out, "falcosecurity_scap_n_drops_total",
             "Records no ring buffer had room for (their matches are in the aggregates)",
             t->kernel[RULEC_CNT_LOST]);
    _counter(out, "rulec_candidates_total", "Records the kernel sent up",
             t->kernel[RULEC_CNT_CANDIDATES]);
    _counter(out, "rulec_reserved_total", "Of the records, those in the Critical+ reserve",
             t->kernel[RULEC_CNT_RESERVED]);
    _counter(out, "rulec_records_total", "Records evaluated or counted", t->engine.records);
    _counter(out, "rulec_alerts_total", "Alerts written (aggregates and internal ones included)",
             t->engine.alerts);
    _counter(out, "rulec_residual_rejections_total",
             "Candidates whose condition did not hold in userspace", t->engine.rejected);
    _counter(out, "rulec_aggregate_alerts_total", "Aggregate alerts of unreported matches",
             t->engine.aggregates);
    _counter(out, "rulec_aggregated_matches_total", "Matches the aggregate alerts count",
             t->engine.aggregated);
    _counter(out, "rulec_k8s_audit_events_total", "k8s audit events evaluated",
             t->engine.audit_events);
    _counter(out, "rulec_reloads_total", "Policy reloads that switched", t->reloads);
    _counter(out, "rulec_reload_failures_total", "Policy reloads refused (the old one runs)",
             t->reload_failures);
    _counter(out, "rulec_reload_twins_total",
             "Records of a reload's overlap that both policies sent up, handled once", t->twins);
    _family(out, "falcosecurity_falco_reload_timestamp_nanoseconds", "gauge",
            "When the policy last switched (0: never)");
    _sample(out, "falcosecurity_falco_reload_timestamp_nanoseconds", t->reload_ns);
    _rules(out, src->eng);
    if (src->outputs)
        _outputs(out, src->outputs);
    if (src->containers)
        _containers(out, src->containers);
    if (src->audit)
        _audit(out, src->audit);
}
