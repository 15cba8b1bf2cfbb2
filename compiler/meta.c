#include "compiler/meta.h"

#include "core/evttypes.h"
#include "core/policy.h"
#include "core/priority.h"
#include "core/rulec_abi.h"
#include "core/strbuf.h"
#include "core/version.h"

#include <string.h>

/* The programs attached besides the dispatcher when container.id is read, with their sections
 * (compiler/bpf/rulec_cache.h). */
static const struct policy_program _cid_programs[] = {
    {"rulec_cid_exec", "tp_btf/sched_process_exec"},
    {"rulec_cid_fork", "tp_btf/sched_process_fork"},
    {"rulec_cid_exit", "tp_btf/sched_process_exit"},
};

/* The programs of the process cache (compiler/bpf/rulec_pcache.h). */
static const struct policy_program _proc_programs[] = {
    {"rulec_proc_exec", "tp_btf/sched_process_exec"},
    {"rulec_proc_fork", "tp_btf/sched_process_fork"},
};

static const char *_set_kind(enum plan_set_kind kind)
{
    return kind == PLAN_SET_PREFIX ? "prefix" : kind == PLAN_SET_HASH ? "hash32" : "str";
}

/* A rule's metadata entry. A rule of another source than syscall has no kernel predicate and
 * no hooks: its condition is all userspace decides. */
static struct policy_rule _rule(const struct plan *p, const struct rs_rule *rule)
{
    bool kernel = rule->split.compiled;
    struct ptr_vec hooks = {0};
    for (size_t ti = 0; kernel && ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->hook == EVTHOOK_SYS_EXIT && evtset_has(&rule->evttypes, t))
            ptr_vec_push(p->arena, &hooks, (void *)t->name);
    }
    return (struct policy_rule){
        .name = rule->name,
        .desc = rule->desc,
        .source = rule->source,
        .priority = priority_to_string((enum alert_priority)rule->priority),
        .tags = rule->tags,
        .ntags = rule->ntags,
        .output = rule->output.text,
        .condition = ast_to_string(p->arena, rule->ast),
        .kernel = kernel ? ast_to_string(p->arena, rule->lowered) : NULL,
        .kernel_exact = kernel && rule->split.exact,
        .enabled = rule->enabled,
        .hooks = (const char **)hooks.items,
        .nhooks = hooks.len,
        .unavailable = (const char **)rule->split.unavailable.items,
        .nunavailable = rule->split.unavailable.len,
    };
}

char *meta_policy_json(const struct plan *p, const char *sources_digest)
{
    struct policy_meta m = {
        .format_version = POLICY_FORMAT_VERSION,
        .compiler_version = RULEC_VERSION,
        .sources_digest = sources_digest,
        .mask_words = (uint32_t)p->mask_words,
        .record_size = p->record_size,
        .nslots = p->nslots,
        .nrules = p->nrules + p->audit_rules.len,
        .nsets = p->nsets,
    };
    m.slots = arena_alloc(p->arena, (p->nslots + 1) * sizeof(*m.slots));
    for (size_t i = 0; i < p->nslots; i++)
        m.slots[i] = (struct policy_slot){.field = p->slots[i].def->name,
                                          .arg = p->slots[i].arg,
                                          .offset = p->slots[i].offset,
                                          .size = p->slots[i].kf->size};
    m.rules = arena_alloc(p->arena, (m.nrules + 1) * sizeof(*m.rules));
    for (size_t i = 0; i < p->nrules; i++)
        m.rules[i] = _rule(p, p->rules[i].rule);
    for (size_t i = 0; i < p->audit_rules.len; i++)
        m.rules[p->nrules + i] = _rule(p, p->audit_rules.items[i]);
    m.sets = arena_alloc(p->arena, (p->nsets + 1) * sizeof(*m.sets));
    for (size_t i = 0; i < p->nsets; i++)
        m.sets[i] = (struct policy_set){.map = arena_printf(p->arena, "rulec_set%zu", i),
                                        .kind = _set_kind(p->sets[i].kind),
                                        .key_size = p->sets[i].key_size,
                                        .values = p->sets[i].values,
                                        .nvalues = p->sets[i].nvalues};
    for (size_t gi = 0; gi < p->ngroups; gi++)
        m.nhooks += p->groups[gi].events.len;
    m.hooks = arena_alloc(p->arena, (m.nhooks + 1) * sizeof(*m.hooks));
    size_t h = 0;
    for (size_t gi = 0; gi < p->ngroups; gi++)
        for (size_t i = 0; i < p->groups[gi].events.len; i++) {
            const struct evttype *t = p->groups[gi].events.items[i];
            m.hooks[h++] = (struct policy_hook){
                .event = t->name, .nr = t->nr, .program = arena_printf(p->arena, "rulec_g%zu", gi)};
        }
    m.dns_names = (const char **)p->dns_names.items;
    m.ndns_names = p->dns_names.len;
    size_t ncid = p->cid_cache ? sizeof(_cid_programs) / sizeof(_cid_programs[0]) : 0;
    size_t nproc = p->proc_cache ? sizeof(_proc_programs) / sizeof(_proc_programs[0]) : 0;
    m.programs = arena_alloc(p->arena, (ncid + nproc + 1) * sizeof(*m.programs));
    memcpy(m.programs, _cid_programs, ncid * sizeof(*m.programs));
    memcpy(m.programs + ncid, _proc_programs, nproc * sizeof(*m.programs));
    m.nprograms = ncid + nproc;
    m.cid_cache = p->cid_cache ? RULEC_CID_CACHE_MAP : NULL;
    m.proc_cache = p->proc_cache ? RULEC_PROC_CACHE_MAP : NULL;
    if (p->profile) {
        m.nprofile = plan_profile_entries(p);
        m.profile = arena_alloc(p->arena, m.nprofile * sizeof(*m.profile));
        for (size_t i = 0; i < p->nslots; i++)
            m.profile[i] = arena_printf(
                p->arena, "slot %s%s%s%s", p->slots[i].def->name, p->slots[i].arg ? "[" : "",
                p->slots[i].arg ? p->slots[i].arg : "", p->slots[i].arg ? "]" : "");
        for (size_t i = 0; i < p->nrules; i++)
            m.profile[plan_profile_rule(p, i)] =
                arena_printf(p->arena, "rule %zu %s", i, p->rules[i].rule->name);
        for (size_t gi = 0; gi < p->ngroups; gi++) {
            struct strbuf sb = {0};
            for (size_t i = 0; i < p->groups[gi].events.len; i++)
                strbuf_printf(&sb, " %s",
                              ((const struct evttype *)p->groups[gi].events.items[i])->name);
            m.profile[plan_profile_group(p, gi)] =
                arena_printf(p->arena, "program rulec_g%zu:%s", gi, sb.data ? sb.data : "");
            strbuf_free(&sb);
        }
        m.profile[plan_profile_capture(p)] = "capture";
    }
    return policy_meta_to_json(&m);
}
