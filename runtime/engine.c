#include "runtime/engine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/alert.h"
#include "core/arena.h"
#include "core/bind.h"
#include "core/format.h"
#include "core/interp.h"
#include "core/k8saudit.h"
#include "core/priority.h"
#include "core/strbuf.h"
#include "grammar/condition.h"
#include "runtime/event.h"
#include "runtime/missed.h"
#include "runtime/outputs.h"
#include "runtime/users.h"

struct engine_rule {
    const struct policy_rule *meta;
    enum field_source source;
    enum alert_priority priority;
    struct ast_node *condition;
    struct interp *interp;
    struct format_template *output;
    struct alert_field *fields;  /* scratch for output_fields, nfields of the template */
    const char **aggregate_tags; /* the rule's tags and "rulec_aggregate" */
};

struct engine {
    struct arena *arena;
    struct policy_meta meta;
    struct event_layout layout;
    struct engine_rule *rules;
    size_t *audit_rules; /* indices of the k8s_audit rules, in rule order */
    size_t naudit_rules;
    struct alert_options alert_opts;
    enum alert_priority min_priority;
    struct output_set *outputs;
    struct users_db *users;
    struct dns_cache *dns;
    struct cmeta *containers;
    struct cid_cache *cids;
    char hostname[256];
    uint64_t boot_to_epoch_ns;
    uint64_t start_boot_ns; /* evt.reltime's origin, as Falco's is the capture's start */
    struct event ev;
    struct strbuf line;
    struct strbuf message;
    struct engine_stats stats;
};

/* Marks aggregate alerts, for whoever reads the alerts and must tell them from single ones. */
static const char _aggregate_tag[] = "rulec_aggregate";

static int _prepare_rule(struct engine *eng, size_t i, char *err, size_t errlen)
{
    const struct policy_rule *m = &eng->meta.rules[i];
    struct engine_rule *r = &eng->rules[i];
    r->meta = m;
    r->source = field_source_from_name(m->source);
    r->priority = priority_parse(m->priority);
    struct diag_list diags = {0};
    r->condition = condition_parse(eng->arena, m->condition, strlen(m->condition), NULL, &diags);
    const char *unknown = r->condition ? bind_condition(r->condition) : NULL;
    if (m->output)
        r->output = format_parse(eng->arena, m->output, strlen(m->output), NULL, &diags);
    diag_list_free(&diags);
    if (!r->condition || unknown || r->priority == ALERT_PRIO_MAX || (m->output && !r->output) ||
        r->source == FSRC_MAX) {
        snprintf(err, errlen, "rule '%s' in the policy metadata cannot be read (%s)", m->name,
                 unknown ? unknown : "condition, output or priority");
        return -1;
    }
    r->interp = interp_new(r->condition);
    if (!r->interp) {
        snprintf(err, errlen, "rule '%s': condition cannot be prepared", m->name);
        return -1;
    }
    r->fields = arena_alloc(eng->arena, (r->output->nfields + 1) * sizeof(*r->fields));
    r->aggregate_tags = arena_alloc(eng->arena, (m->ntags + 1) * sizeof(*r->aggregate_tags));
    memcpy(r->aggregate_tags, m->tags, m->ntags * sizeof(*m->tags));
    r->aggregate_tags[m->ntags] = _aggregate_tag;
    return 0;
}

int engine_new(struct engine **out, const struct policy_image *img, const struct rulec_config *cfg,
               char *err, size_t errlen)
{
    struct engine *eng = calloc(1, sizeof(*eng));
    if (!eng) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_ERR_IO;
    }
    eng->arena = arena_new();
    *out = eng;
    switch (policy_image_meta(img, eng->arena, &eng->meta, err, errlen)) {
    case POLICY_OK:
        break;
    case POLICY_ERR_IO:
        return ENGINE_ERR_IO;
    case POLICY_ERR_VERSION:
        return ENGINE_ERR_VERSION;
    case POLICY_ERR_CORRUPT:
        return ENGINE_ERR_CORRUPT;
    }
    if (event_layout_init(&eng->layout, &eng->meta) < 0) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_ERR_IO;
    }
    eng->rules = arena_alloc(eng->arena, (eng->meta.nrules + 1) * sizeof(*eng->rules));
    eng->audit_rules = arena_alloc(eng->arena, (eng->meta.nrules + 1) * sizeof(size_t));
    for (size_t i = 0; i < eng->meta.nrules; i++) {
        if (_prepare_rule(eng, i, err, errlen) < 0)
            return ENGINE_ERR_CORRUPT;
        if (eng->rules[i].source == FSRC_K8S_AUDIT)
            eng->audit_rules[eng->naudit_rules++] = i;
    }
    alert_options_default(&eng->alert_opts);
    eng->alert_opts.json = cfg->json_output;
    eng->alert_opts.time_iso8601 = cfg->time_format_iso_8601;
    eng->alert_opts.json_include_output = cfg->json_include_output;
    eng->alert_opts.json_include_tags = cfg->json_include_tags;
    eng->min_priority = cfg->min_priority;
    if (gethostname(eng->hostname, sizeof(eng->hostname) - 1) < 0)
        strcpy(eng->hostname, "unknown");
    eng->boot_to_epoch_ns = event_boot_to_epoch_ns();
    eng->start_boot_ns = event_boot_ns();
    return 0;
}

void engine_free(struct engine **engp)
{
    struct engine *eng = *engp;
    if (!eng)
        return;
    for (size_t i = 0; eng->rules && i < eng->meta.nrules; i++)
        interp_free(&eng->rules[i].interp);
    event_free(&eng->ev);
    event_layout_free(&eng->layout);
    strbuf_free(&eng->line);
    strbuf_free(&eng->message);
    arena_free(&eng->arena);
    free(eng);
    *engp = NULL;
}

void engine_set_containers(struct engine *eng, struct cmeta *containers)
{
    eng->containers = containers;
}

const struct policy_meta *engine_meta(const struct engine *eng)
{
    return &eng->meta;
}

void engine_set_dns(struct engine *eng, struct dns_cache *dns)
{
    eng->dns = dns;
}

void engine_set_cid_cache(struct engine *eng, struct cid_cache *cids)
{
    eng->cids = cids;
}

void engine_set_sinks(struct engine *eng, struct output_set *outputs, struct users_db *users)
{
    eng->outputs = outputs;
    eng->users = users;
}

static void _emit(struct engine *eng, const char *rule, enum alert_priority prio,
                  const char *source, const char *const *tags, size_t ntags, uint64_t time_ns,
                  const struct alert_field *fields, size_t nfields)
{
    struct alert a = {
        .rule = rule,
        .priority = prio,
        .source = source,
        .tags = tags,
        .ntags = ntags,
        .hostname = eng->hostname,
        .time_ns = time_ns,
        .output = eng->message.data ? eng->message.data : "",
        .fields = fields,
        .nfields = nfields,
    };
    eng->line.len = 0;
    if (alert_format(&eng->line, &a, &eng->alert_opts) < 0)
        return;
    strbuf_puts(&eng->line, "\n");
    outputs_write(eng->outputs, prio, eng->line.data, eng->line.len);
    eng->stats.alerts++;
}

static void _alert(struct engine *eng, struct engine_rule *r, field_getter get, void *ctx,
                   uint64_t time_ns)
{
    eng->message.len = 0;
    if (format_render_sb(r->output, get, ctx, &eng->message) < 0)
        return;
    alert_collect_fields(r->output, get, ctx, r->fields);
    _emit(eng, r->meta->name, r->priority, r->meta->source, r->meta->tags, r->meta->ntags, time_ns,
          r->fields, r->output->nfields);
}

/* The rule's alerts would not be written: below the minimum priority, or no sink wants them.
 * Such rules are not even evaluated. */
static bool _muted(const struct engine *eng, const struct engine_rule *r)
{
    return !priority_at_least(r->priority, eng->min_priority) ||
           (eng->outputs && !outputs_wants(eng->outputs, r->priority));
}

void engine_handle_record(struct engine *eng, const void *data, size_t len)
{
    eng->stats.records++;
    eng->ev.users = eng->users;
    eng->ev.dns = eng->dns;
    eng->ev.cids = eng->cids;
    eng->ev.num = eng->stats.records;
    eng->ev.containers = eng->containers;
    eng->ev.hostname = eng->hostname;
    eng->ev.boot_to_epoch_ns = eng->boot_to_epoch_ns;
    eng->ev.start_boot_ns = eng->start_boot_ns;
    if (event_bind(&eng->ev, &eng->layout, data, len) < 0) {
        eng->stats.bad++;
        return;
    }
    if (eng->users)
        users_refresh(eng->users);
    for (size_t i = 0; i < eng->meta.nrules; i++) {
        struct engine_rule *r = &eng->rules[i];
        if (r->source != FSRC_SYSCALL || !event_is_candidate(&eng->ev, i) || _muted(eng, r))
            continue;
        /* The kernel decided "yes" exactly, or only "maybe": then the
         * residual (the whole condition) decides here. */
        if (event_is_maybe(&eng->ev, i) && !interp_eval(r->interp, event_get, &eng->ev)) {
            eng->stats.rejected++;
            continue;
        }
        _alert(eng, r, event_get_output, &eng->ev, event_time_ns(&eng->ev));
    }
}

size_t engine_audit_rules(const struct engine *eng)
{
    return eng->naudit_rules;
}

void engine_handle_audit(struct engine *eng, struct k8saudit_event *ev)
{
    eng->stats.audit_events++;
    ev->hostname = eng->hostname;
    for (size_t i = 0; i < eng->naudit_rules; i++) {
        struct engine_rule *r = &eng->rules[eng->audit_rules[i]];
        if (!_muted(eng, r) && interp_eval(r->interp, k8saudit_get, ev))
            _alert(eng, r, k8saudit_get, ev, ev->time_ns);
    }
}

void engine_tally_record(struct engine *eng, const void *data, size_t len, struct missed *m)
{
    eng->stats.records++;
    if (event_bind(&eng->ev, &eng->layout, data, len) < 0) {
        eng->stats.bad++;
        return;
    }
    eng->stats.tallied++;
    for (size_t i = 0; i < eng->meta.nrules; i++) {
        if (!event_is_candidate(&eng->ev, i))
            continue;
        bool maybe = event_is_maybe(&eng->ev, i);
        missed_add(m, i, eng->ev.hdr->pid, NULL, !maybe, maybe);
    }
}

static struct timespec _now_realtime(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return now;
}

static uint64_t _now_ns(void)
{
    struct timespec now = _now_realtime();
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

/* 12345678 as "12,345,678": the counts of a flood are large, and read by a person first. */
static void _thousands(struct strbuf *sb, uint64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            strbuf_puts(sb, ",");
        strbuf_append(sb, &digits[i], 1);
    }
}

void engine_missed_alert(struct engine *eng, const struct missed_entry *e, double seconds)
{
    if (e->rule >= eng->meta.nrules)
        return;
    struct engine_rule *r = &eng->rules[e->rule];
    if (_muted(eng, r))
        return;
    struct strbuf *msg = &eng->message;
    msg->len = 0;
    strbuf_printf(msg, "Rule \"%s\": ", r->meta->name);
    if (e->definite) {
        _thousands(msg, e->definite);
        strbuf_puts(msg, e->definite == 1 ? " more match" : " more matches");
    }
    if (e->maybe) {
        strbuf_puts(msg, e->definite ? " and " : "");
        _thousands(msg, e->maybe);
        strbuf_puts(msg, e->maybe == 1 ? " possible match" : " possible matches");
        strbuf_puts(msg, " (the kernel could not decide, and the rest of the condition was not "
                         "checked)");
    }
    if (e->pid) {
        strbuf_printf(msg, " by pid %u", e->pid);
        if (*e->comm)
            strbuf_printf(msg, " (%s)", e->comm);
    } else if (e->nprocs) {
        strbuf_puts(msg, " by ");
        _thousands(msg, e->nprocs);
        strbuf_puts(msg, e->nprocs == 1 ? " other process" : " other processes");
    } else {
        strbuf_puts(msg, " by processes not tracked one by one");
    }
    strbuf_printf(msg, " in the last %.3g s, not alerted one by one (rulec could not keep up)",
                  seconds);
    struct alert_field fields[5] = {
        {.key = "n_matches", .value = {.kind = FV_UINT, .u = e->definite}},
        {.key = "n_maybe", .value = {.kind = FV_UINT, .u = e->maybe}},
        {.key = "n_procs", .value = {.kind = FV_UINT, .u = e->nprocs}},
        {.key = "proc.pid", .value = {.kind = e->pid ? FV_UINT : FV_NONE, .u = e->pid}},
        {.key = "proc.name",
         .value = {.kind = *e->comm ? FV_STR : FV_NONE,
                   .str = {.ptr = e->comm, .len = strnlen(e->comm, sizeof(e->comm))}}},
    };
    uint64_t before = eng->stats.alerts;
    _emit(eng, r->meta->name, r->priority, r->meta->source, r->aggregate_tags, r->meta->ntags + 1,
          _now_ns(), fields, 5);
    if (eng->stats.alerts != before) {
        eng->stats.aggregates++;
        eng->stats.aggregated += e->definite + e->maybe;
    }
}

void engine_drop_alert(struct engine *eng, unsigned long long lost, unsigned long long events)
{
    static const char *const tags[] = {"rulec_internal"};
    eng->message.len = 0;
    strbuf_printf(&eng->message,
                  "Falco internal: syscall event drop. %llu system calls dropped in last second.",
                  lost);
    struct alert_field fields[2] = {0};
    fields[0].key = "n_drops";
    fields[0].value = (struct field_value){.kind = FV_UINT, .u = lost};
    fields[1].key = "n_evts";
    fields[1].value = (struct field_value){.kind = FV_UINT, .u = events};
    _emit(eng, "Falco internal: syscall event drop", ALERT_PRIO_CRITICAL, "internal", tags, 1,
          _now_ns(), fields, 2);
}

void engine_stats(const struct engine *eng, struct engine_stats *out)
{
    *out = eng->stats;
}
