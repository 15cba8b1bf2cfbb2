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

/* One of append_output's extra_fields, as it applies to a rule. */
struct engine_extra {
    const char *key;
    struct format_template *tpl; /* the template; a raw field's is "%field" */
    bool raw;                    /* the field's own value, typed, instead of the rendered text */
};

struct engine_rule {
    const struct policy_rule *meta;
    enum field_source source;
    enum alert_priority priority;
    struct ast_node *condition;
    struct interp *interp;
    struct format_template *output; /* the rule's output and what append_output adds to it */
    struct alert_field *fields;     /* scratch for output_fields, nfields of the template */
    const char **aggregate_tags;    /* the rule's tags and "rulec_aggregate" */
    struct engine_extra *extras;    /* append_output's extra_fields for this rule, keys unique */
    size_t nextras;
    struct alert_field *extra_values; /* scratch, nextras */
    uint64_t alerts;                  /* alerts of this rule (aggregates not included) */
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
    enum rule_matching matching;
    struct strbuf *extra_text; /* the rendered extra fields of an alert, as many as the most */
    size_t nextra_text;
    struct output_set *outputs;
    struct users_db *users;
    struct dns_cache *dns;
    struct cmeta *containers;
    struct cid_cache *cids;
    struct proc_cache *procs;
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

static bool _has_tags(const struct policy_rule *m, const struct config_list *tags)
{
    /* std::includes: every tag of the entry is one of the rule's. */
    for (size_t i = 0; i < tags->n; i++) {
        bool found = false;
        for (size_t j = 0; j < m->ntags && !found; j++)
            found = !strcmp(m->tags[j], tags->items[i]);
        if (!found)
            return false;
    }
    return true;
}

/* rule_loader_compiler.cpp's test of an append_output entry against a rule. */
static bool _applies(const struct config_append *a, const struct policy_rule *m)
{
    return (!a->source || !strcmp(a->source, m->source)) && _has_tags(m, &a->tags) &&
           (!a->rule || !strcmp(a->rule, m->name));
}

/* The rule's output with append_output's extra_output and suggested fields: each appended after
 * a space, entry by entry, as rule_loader_compiler.cpp and init_falco_engine.cpp build it. */
static void _output_text(struct strbuf *out, const struct policy_rule *m, enum field_source src,
                         const struct rulec_config *cfg)
{
    strbuf_puts(out, m->output ? m->output : "");
    for (size_t i = 0; i < cfg->nappend; i++) {
        const struct config_append *a = &cfg->append[i];
        if (!_applies(a, m))
            continue;
        if (a->extra_output)
            strbuf_printf(out, " %s", a->extra_output);
        for (int f = 0; a->suggested_output && f < FIELD_ID_MAX; f++) {
            const struct field_def *d = field_by_id((enum field_id)f);
            if (!(d->flags & FF_SUGGESTED) || d->source != src)
                continue;
            strbuf_puts(out, " ");
            for (const char *c = d->name; *c; c++)
                strbuf_append(out, *c == '.' ? "_" : c, 1);
            strbuf_printf(out, "=%%%s", d->name);
        }
    }
}

/* A template appended to the rule must name fields of the rule's source (Falco's
 * is_format_valid on the rule's source). */
static int _check_source(const struct format_template *t, const struct engine_rule *r, char *err,
                         size_t errlen)
{
    for (size_t i = 0; i < t->nfields; i++) {
        const struct field_def *d = t->fields[i].field->def;
        if (d && d->source != r->source && !(d->flags & FF_GENERIC)) {
            snprintf(err, errlen,
                     "append_output: '%s' is not a field of source %s, so it cannot be added to "
                     "rule '%s' (narrow the entry with match.source)",
                     d->name, r->meta->source, r->meta->name);
            return -1;
        }
    }
    return 0;
}

/* append_output's extra_fields for the rule: a later entry's key replaces an earlier one's, as
 * in Falco's map. */
static int _prepare_extras(struct engine *eng, struct engine_rule *r,
                           const struct rulec_config *cfg, char *err, size_t errlen)
{
    size_t max = 0;
    for (size_t i = 0; i < cfg->nappend; i++)
        max += _applies(&cfg->append[i], r->meta) ? cfg->append[i].nfields : 0;
    r->extras = arena_alloc(eng->arena, (max + 1) * sizeof(*r->extras));
    r->extra_values = arena_alloc(eng->arena, (max + 1) * sizeof(*r->extra_values));
    for (size_t i = 0; i < cfg->nappend; i++) {
        const struct config_append *a = &cfg->append[i];
        for (size_t j = 0; _applies(a, r->meta) && j < a->nfields; j++) {
            const struct config_extra_field *f = &a->fields[j];
            struct strbuf text = {0};
            if (f->format)
                strbuf_puts(&text, f->format);
            else
                strbuf_printf(&text, "%%%s", f->key);
            /* The template points into its text: the arena keeps it. */
            const char *kept = arena_strdup(eng->arena, text.data);
            strbuf_free(&text);
            struct format_template *t = format_parse(eng->arena, kept, strlen(kept), NULL, NULL);
            if (!t || _check_source(t, r, err, errlen) < 0) {
                if (!t)
                    snprintf(err, errlen, "append_output: extra field '%s' cannot be read", f->key);
                return -1;
            }
            size_t k = 0;
            while (k < r->nextras && strcmp(r->extras[k].key, f->key))
                k++;
            r->extras[k] = (struct engine_extra){
                .key = arena_strdup(eng->arena, f->key), .tpl = t, .raw = !f->format};
            if (k == r->nextras)
                r->nextras++;
        }
    }
    return 0;
}

static int _prepare_rule(struct engine *eng, size_t i, const struct rulec_config *cfg, char *err,
                         size_t errlen)
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
        return ENGINE_ERR_CORRUPT;
    }
    struct strbuf out = {0};
    _output_text(&out, m, r->source, cfg);
    if (out.len != (m->output ? strlen(m->output) : 0)) {
        /* append_output added to it: the whole text parsed again, checked against the source */
        const char *kept = arena_strdup(eng->arena, out.data);
        struct format_template *t = format_parse(eng->arena, kept, out.len, NULL, NULL);
        if (!t || _check_source(t, r, err, errlen) < 0) {
            if (!t)
                snprintf(err, errlen, "append_output: the output of rule '%s' cannot be read",
                         m->name);
            strbuf_free(&out);
            return ENGINE_ERR_CONFIG;
        }
        r->output = t;
    }
    strbuf_free(&out);
    if (_prepare_extras(eng, r, cfg, err, errlen) < 0)
        return ENGINE_ERR_CONFIG;
    r->interp = interp_new(r->condition);
    if (!r->interp) {
        snprintf(err, errlen, "rule '%s': condition cannot be prepared", m->name);
        return ENGINE_ERR_CORRUPT;
    }
    r->fields = arena_alloc(eng->arena, (r->output->nfields + 1) * sizeof(*r->fields));
    r->aggregate_tags = arena_alloc(eng->arena, (m->ntags + 1) * sizeof(*r->aggregate_tags));
    memcpy(r->aggregate_tags, m->tags, m->ntags * sizeof(*m->tags));
    r->aggregate_tags[m->ntags] = _aggregate_tag;
    if (r->nextras > eng->nextra_text)
        eng->nextra_text = r->nextras;
    return 0;
}

/* The metadata read (eng->meta): the rules prepared for userspace. */
static int _init(struct engine *eng, const struct rulec_config *cfg, char *err, size_t errlen);

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
    return _init(eng, cfg, err, errlen);
}

int engine_new_json(struct engine **out, const char *json, size_t len,
                    const struct rulec_config *cfg, char *err, size_t errlen)
{
    struct engine *eng = calloc(1, sizeof(*eng));
    if (!eng) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_ERR_IO;
    }
    eng->arena = arena_new();
    *out = eng;
    if (policy_meta_from_json(eng->arena, json, len, &eng->meta, err, errlen) < 0)
        return ENGINE_ERR_CORRUPT;
    return _init(eng, cfg, err, errlen);
}

static int _init(struct engine *eng, const struct rulec_config *cfg, char *err, size_t errlen)
{
    if (event_layout_init(&eng->layout, &eng->meta) < 0) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_ERR_IO;
    }
    eng->rules = arena_alloc(eng->arena, (eng->meta.nrules + 1) * sizeof(*eng->rules));
    eng->audit_rules = arena_alloc(eng->arena, (eng->meta.nrules + 1) * sizeof(size_t));
    for (size_t i = 0; i < eng->meta.nrules; i++) {
        int rc = _prepare_rule(eng, i, cfg, err, errlen);
        if (rc < 0)
            return rc;
        if (eng->rules[i].source == FSRC_K8S_AUDIT)
            eng->audit_rules[eng->naudit_rules++] = i;
    }
    alert_options_default(&eng->alert_opts);
    eng->alert_opts.json = cfg->json_output;
    eng->alert_opts.time_iso8601 = cfg->time_format_iso_8601;
    eng->alert_opts.json_include_output = cfg->json_include_output;
    eng->alert_opts.json_include_tags = cfg->json_include_tags;
    eng->alert_opts.json_include_message = cfg->json_include_message;
    eng->alert_opts.json_include_output_fields = cfg->json_include_output_fields;
    eng->min_priority = cfg->min_priority;
    eng->matching = cfg->rule_matching;
    eng->extra_text = calloc(eng->nextra_text + 1, sizeof(*eng->extra_text));
    if (!eng->extra_text) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_ERR_IO;
    }
    config_hostname(eng->hostname, sizeof(eng->hostname));
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
    for (size_t i = 0; eng->extra_text && i < eng->nextra_text; i++)
        strbuf_free(&eng->extra_text[i]);
    free(eng->extra_text);
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

void engine_set_proc_cache(struct engine *eng, struct proc_cache *procs)
{
    eng->procs = procs;
}

void engine_set_sinks(struct engine *eng, struct output_set *outputs, struct users_db *users)
{
    eng->outputs = outputs;
    eng->users = users;
}

static void _emit(struct engine *eng, const char *rule, enum alert_priority prio,
                  const char *source, const char *const *tags, size_t ntags, uint64_t time_ns,
                  const struct alert_field *fields, size_t nfields, const struct alert_field *extra,
                  size_t nextra)
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
        .extra = extra,
        .nextra = nextra,
    };
    eng->line.len = 0;
    if (alert_format(&eng->line, &a, &eng->alert_opts) < 0)
        return;
    strbuf_puts(&eng->line, "\n");
    outputs_write(eng->outputs, prio, eng->line.data, eng->line.len);
    eng->stats.alerts++;
}

/* append_output's extra_fields of this alert (formats.cpp): a template rendered as text, a raw
 * field with its own JSON type. Only JSON alerts with output_fields show them. */
static void _extras(struct engine *eng, struct engine_rule *r, field_getter get, void *ctx)
{
    for (size_t i = 0; i < r->nextras; i++) {
        const struct engine_extra *x = &r->extras[i];
        struct alert_field *v = &r->extra_values[i];
        *v = (struct alert_field){.key = x->key};
        if (x->raw) {
            alert_collect_fields(x->tpl, get, ctx, v);
            v->key = x->key;
            continue;
        }
        struct strbuf *sb = &eng->extra_text[i];
        sb->len = 0;
        format_render_sb(x->tpl, get, ctx, sb);
        v->value = (struct field_value){.kind = FV_STR,
                                        .str = {.ptr = sb->data ? sb->data : "", .len = sb->len}};
    }
}

static void _alert(struct engine *eng, struct engine_rule *r, field_getter get, void *ctx,
                   uint64_t time_ns)
{
    eng->message.len = 0;
    if (format_render_sb(r->output, get, ctx, &eng->message) < 0)
        return;
    alert_collect_fields(r->output, get, ctx, r->fields);
    bool with_extras = eng->alert_opts.json && eng->alert_opts.json_include_output_fields;
    if (with_extras)
        _extras(eng, r, get, ctx);
    uint64_t before = eng->stats.alerts;
    _emit(eng, r->meta->name, r->priority, r->meta->source, r->meta->tags, r->meta->ntags, time_ns,
          r->fields, r->output->nfields, r->extra_values, with_extras ? r->nextras : 0);
    r->alerts += eng->stats.alerts - before;
}

/* The rule's alerts would not be written: below the minimum priority, or no sink wants them.
 * Such rules are not even evaluated. */
static bool _muted(const struct engine *eng, const struct engine_rule *r)
{
    return !priority_at_least(r->priority, eng->min_priority) ||
           (eng->outputs && !outputs_wants(eng->outputs, r->priority));
}

unsigned engine_handle_record_except(struct engine *eng, const void *data, size_t len,
                                     const uint64_t *skip, size_t skip_words)
{
    eng->stats.records++;
    eng->ev.users = eng->users;
    eng->ev.dns = eng->dns;
    eng->ev.cids = eng->cids;
    eng->ev.procs = eng->procs;
    eng->ev.num = eng->stats.records;
    eng->ev.containers = eng->containers;
    eng->ev.hostname = eng->hostname;
    eng->ev.boot_to_epoch_ns = eng->boot_to_epoch_ns;
    eng->ev.start_boot_ns = eng->start_boot_ns;
    if (event_bind(&eng->ev, &eng->layout, data, len) < 0) {
        eng->stats.bad++;
        return 0;
    }
    if (eng->users)
        users_refresh(eng->users);
    unsigned alerts = 0;
    for (size_t i = 0; i < eng->meta.nrules; i++) {
        struct engine_rule *r = &eng->rules[i];
        if (r->source != FSRC_SYSCALL || !event_is_candidate(&eng->ev, i) || _muted(eng, r))
            continue;
        if (skip && i / 64 < skip_words && (skip[i / 64] >> (i % 64)) & 1)
            continue; /* decided already (a reload's overlap: runtime/dedupe.h) */
        /* The kernel decided "yes" exactly, or only "maybe": then the
         * residual (the whole condition) decides here. */
        if (event_is_maybe(&eng->ev, i) && !interp_eval(r->interp, event_get, &eng->ev)) {
            eng->stats.rejected++;
            continue;
        }
        _alert(eng, r, event_get_output, &eng->ev, event_time_ns(&eng->ev));
        alerts++;
        /* rule_matching: first stops at the first rule that matches (a muted rule never
         * counts: Falco does not even load rules below `priority`). */
        if (eng->matching == RULE_MATCHING_FIRST)
            break;
    }
    return alerts;
}

unsigned engine_handle_record(struct engine *eng, const void *data, size_t len)
{
    return engine_handle_record_except(eng, data, len, NULL, 0);
}

bool engine_first_match(const struct engine *eng)
{
    return eng->matching == RULE_MATCHING_FIRST;
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
        if (_muted(eng, r) || !interp_eval(r->interp, k8saudit_get, ev))
            continue;
        _alert(eng, r, k8saudit_get, ev, ev->time_ns);
        if (eng->matching == RULE_MATCHING_FIRST)
            break;
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
        if (!event_is_candidate(&eng->ev, i) || _muted(eng, &eng->rules[i]))
            continue;
        bool maybe = event_is_maybe(&eng->ev, i);
        missed_add(m, i, eng->ev.hdr->pid, NULL, !maybe, maybe);
        /* rule_matching: first: a definite match ends the event; the "maybe" candidates before
         * it are possible matches, each of which would have ended it had it matched. */
        if (!maybe && eng->matching == RULE_MATCHING_FIRST)
            break;
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
          _now_ns(), fields, 5, NULL, 0);
    if (eng->stats.alerts != before) {
        eng->stats.aggregates++;
        eng->stats.aggregated += e->definite + e->maybe;
    }
}

static const char *const _internal_tags[] = {"rulec_internal"};

void engine_drop_alert(struct engine *eng, unsigned long long lost, unsigned long long events)
{
    eng->message.len = 0;
    strbuf_printf(&eng->message,
                  "Falco internal: syscall event drop. %llu system calls dropped in last second.",
                  lost);
    struct alert_field fields[2] = {0};
    fields[0].key = "n_drops";
    fields[0].value = (struct field_value){.kind = FV_UINT, .u = lost};
    fields[1].key = "n_evts";
    fields[1].value = (struct field_value){.kind = FV_UINT, .u = events};
    _emit(eng, "Falco internal: syscall event drop", ALERT_PRIO_CRITICAL, "internal",
          _internal_tags, 1, _now_ns(), fields, 2, NULL, 0);
}

void engine_internal_alert(struct engine *eng, const char *rule, const char *why)
{
    /* create_signal_handlers.cpp: "<rule>: <error>", priority Critical, no fields. */
    eng->message.len = 0;
    strbuf_printf(&eng->message, "%s: %s", rule, why);
    _emit(eng, rule, ALERT_PRIO_CRITICAL, "internal", _internal_tags, 1, _now_ns(), NULL, 0, NULL,
          0);
}

void engine_stats(const struct engine *eng, struct engine_stats *out)
{
    *out = eng->stats;
}

uint64_t engine_rule_alerts(const struct engine *eng, size_t i)
{
    return i < eng->meta.nrules ? eng->rules[i].alerts : 0;
}

void engine_inherit(struct engine *eng, const struct engine *old)
{
    eng->stats = old->stats;
    for (size_t i = 0; i < eng->meta.nrules; i++)
        for (size_t j = 0; j < old->meta.nrules; j++)
            if (!strcmp(eng->meta.rules[i].name, old->meta.rules[j].name)) {
                eng->rules[i].alerts = old->rules[j].alerts;
                break;
            }
}
