#include "compiler/codegen.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/check.h"
#include "compiler/kfields.h"
#include "compiler/split.h"
#include "core/evttypes.h"
#include "core/format.h"
#include "core/policy.h"
#include "core/priority.h"
#include "core/rulec_abi.h"
#include "core/strbuf.h"
#include "core/sysargs.h"
#include "core/text.h"
#include "core/version.h"

struct cg_slot {
    const struct field_def *def;
    const char *arg;
    const struct kfield *kf;
    uint32_t offset;
};

struct cg_set {
    const char *kind; /* "str", "prefix" */
    uint32_t key_size;
    const char **values;
    size_t nvalues;
};

struct cg_rule {
    struct rs_rule *rule;
    struct split_rule split;
    struct ptr_vec slots; /* struct cg_slot * to capture when it is a candidate */
};

/* Hooked syscalls grouped by the exact set of rules they run. */
struct cg_group {
    uint64_t *rules;       /* bitmask over g->rules */
    struct ptr_vec events; /* const struct evttype * */
};

struct cg {
    struct arena *arena;
    struct ruleset *rs;
    struct diag_list *diags;
    struct strbuf c;
    struct cg_slot *slots;
    size_t nslots;
    struct cg_set *sets;
    size_t nsets;
    struct cg_rule *rules;
    size_t nrules;
    /* k8s_audit rules: no kernel part; the runtime's interpreter decides
     * them on each audit event. In the metadata after the kernel's rules, so
     * a kernel rule's index is its bit in the record's masks. */
    struct ptr_vec audit_rules;
    unsigned tmp; /* unique names in statement expressions */
    /* Distinct comparisons: macros inline the same atom into many rules;
     * each is decided at most once per event. They are inlined into the rule
     * functions: a BPF program may have only 256 subprograms, fewer than the
     * atoms of a large ruleset. Only an atom used more than once is memoised
     * in the event: most atoms of a large ruleset are used once, and the
     * bookkeeping would double their code (and clang's time). */
    struct ptr_vec atom_keys;  /* canonical text */
    struct ptr_vec atom_nodes; /* const struct ast_node * */
    size_t *atom_uses;         /* references from rule expressions, per atom */
    struct strbuf argtests;    /* register tests of evt.arg atoms (_sysarg_atom) */
    struct cg_group *groups;   /* the programs, by syscall group */
    size_t ngroups;
    /* While emitting a rule for one group: its syscalls, against which evt.type comparisons
     * are constants (_atom), so branches for other syscalls fold away, with their fields. */
    const struct ptr_vec *fold;
    size_t nargtests;
    size_t nmemo; /* memoised atoms: the bits of atom_have */
};

static bool _group_has_rule(const struct cg_group *grp, size_t rule)
{
    return (grp->rules[rule / 64] >> (rule % 64)) & 1;
}

/* How many programs run rule i: one function each when several (specialised to its syscalls,
 * so that each program's verifier run sees only the branches that can run there). */
static size_t _rule_ngroups(const struct cg *g, size_t rule)
{
    size_t n = 0;
    for (size_t gi = 0; gi < g->ngroups; gi++)
        n += _group_has_rule(&g->groups[gi], rule);
    return n;
}

static const char *_rule_fn(const struct cg *g, size_t rule, size_t group)
{
    return _rule_ngroups(g, rule) > 1 ? arena_printf(g->arena, "rulec_rule%zu_g%zu", rule, group)
                                      : arena_printf(g->arena, "rulec_rule%zu", rule);
}

/* ---- slots and sets ------------------------------------------------------ */

/* container.id comes from a per-process cache kept by its own hooks (rulec_cache.h), present
 * only in policies that read it. */
static bool _uses_cid_cache(const struct cg *g)
{
    for (size_t i = 0; i < g->nslots; i++)
        if (g->slots[i].def->id == FIELD_CONTAINER_ID)
            return true;
    return false;
}

/* The programs attached besides the dispatcher, with their sections. */
static const struct policy_program _cid_programs[] = {
    {"rulec_cid_exec", "tp_btf/sched_process_exec"},
    {"rulec_cid_fork", "tp_btf/sched_process_fork"},
    {"rulec_cid_exit", "tp_btf/sched_process_exit"},
};

static struct cg_slot *_slot(struct cg *g, const struct field_def *def, const char *arg,
                             const struct kfield *kf)
{
    for (size_t i = 0; i < g->nslots; i++)
        if (g->slots[i].def == def && ((!arg && !g->slots[i].arg) ||
                                       (arg && g->slots[i].arg && !strcmp(arg, g->slots[i].arg))))
            return &g->slots[i];
    if (kf->from_fd_name) {
        /* Computed from these two: they get slots first. */
        const struct field_def *name = field_by_id(FIELD_FD_NAME);
        const struct field_def *type = field_by_id(FIELD_FD_TYPECHAR);
        if (!_slot(g, name, NULL, kfield_for(name, NULL)) ||
            !_slot(g, type, NULL, kfield_for(type, NULL)))
            return NULL;
    }
    if (g->nslots == RULEC_MAX_SLOTS)
        return NULL; /* the runtime falls back to computing it */
    struct cg_slot *s = &g->slots[g->nslots++];
    *s = (struct cg_slot){.def = def, .arg = arg, .kf = kf};
    return s;
}

static size_t _slot_index(const struct cg *g, const struct cg_slot *s)
{
    return (size_t)(s - g->slots);
}

/* A set map for `in`, `startswith` or `pmatch` lists; equal sets share a map. */
static size_t _set(struct cg *g, const char *kind, uint32_t key_size,
                   const struct ast_value *values, size_t n, const char *suffix)
{
    const char **v = arena_alloc(g->arena, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        v[i] = suffix ? arena_printf(g->arena, "%s%s", values[i].text, suffix) : values[i].text;
    for (size_t i = 0; i < g->nsets; i++) {
        struct cg_set *s = &g->sets[i];
        if (strcmp(s->kind, kind) || s->key_size != key_size || s->nvalues != n)
            continue;
        size_t j = 0;
        while (j < n && !strcmp(s->values[j], v[j]))
            j++;
        if (j == n)
            return i;
    }
    g->sets = realloc(g->sets, (g->nsets + 1) * sizeof(*g->sets));
    if (!g->sets)
        abort();
    g->sets[g->nsets] =
        (struct cg_set){.kind = kind, .key_size = key_size, .values = v, .nvalues = n};
    return g->nsets++;
}

/* ---- expressions ----------------------------------------------------------- */

/* Three-valued results: 0 no, 1 yes, 2 maybe (the kernel cannot tell). */

static void _c_string(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_puts(sb, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            strbuf_printf(sb, "\\%c", ch);
        else if (ch >= 0x20 && ch < 0x7f && ch != '?')
            strbuf_printf(sb, "%c", ch);
        else
            strbuf_printf(sb, "\\%03o", ch);
    }
    strbuf_puts(sb, "\"");
}

/* Zero-padded string slots compare as 64-bit words against constants. */
static void _word_compare(struct strbuf *sb, const char *data, const char *s, size_t n, bool prefix)
{
    size_t words = (n + 7) / 8;
    if (words == 0) {
        strbuf_puts(sb, "1");
        return;
    }
    for (size_t w = 0; w < words; w++) {
        uint64_t word = 0, mask = 0;
        for (size_t b = 0; b < 8 && w * 8 + b < n; b++) {
            word |= (uint64_t)(unsigned char)s[w * 8 + b] << (8 * b);
            mask |= (uint64_t)0xff << (8 * b);
        }
        if (w)
            strbuf_puts(sb, " && ");
        if (prefix && mask != UINT64_MAX)
            strbuf_printf(sb, "(*(__u64 *)(%s + %zu) & 0x%llxULL) == 0x%llxULL", data, w * 8,
                          (unsigned long long)mask, (unsigned long long)word);
        else
            strbuf_printf(sb, "*(__u64 *)(%s + %zu) == 0x%llxULL", data, w * 8,
                          (unsigned long long)word);
    }
}

static void _str_eq(struct strbuf *sb, const char *data, const struct ast_value *v)
{
    strbuf_printf(sb, "(h_->len == %zu && ", v->len);
    _word_compare(sb, data, v->text, v->len, false);
    strbuf_puts(sb, ")");
}

static void _str_atom(struct cg *g, struct strbuf *sb, const struct ast_node *n,
                      const struct cg_slot *slot)
{
    size_t si = _slot_index(g, slot);
    char data[32];
    snprintf(data, sizeof(data), "e->s%zu.d", si);
    /* The constants the slot can hold (split_value_fits): the others can
     * match no complete value, and a truncated one is "maybe" already. */
    size_t extra = n->cmp.op == OP_PMATCH ? 1 : 0;
    struct ast_value *fit = arena_alloc(g->arena, (n->cmp.rhs.nvalues + 1) * sizeof(*fit));
    struct ast_rhs filtered = n->cmp.rhs;
    filtered.values = fit;
    filtered.nvalues = 0;
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++)
        if (split_value_fits(&n->cmp.rhs.values[i], slot->kf->size, extra))
            fit[filtered.nvalues++] = n->cmp.rhs.values[i];
    const struct ast_rhs *rhs = &filtered;
    strbuf_printf(sb,
                  "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); RULEC_NODEBUG struct rulec_slot_hdr "
                  "*h_ = &e->s%zu.h; ",
                  si, si);
    strbuf_puts(sb, "st_ == RULEC_SLOT_OK ? (int)(");
    switch (n->cmp.op) {
    case OP_EXISTS:
        strbuf_puts(sb, "1");
        break;
    case OP_EQ:
    case OP_NE:
        if (n->cmp.op == OP_NE)
            strbuf_puts(sb, "!");
        if (rhs->nvalues)
            _str_eq(sb, data, &rhs->values[0]);
        else
            strbuf_puts(sb, "0");
        break;
    case OP_IN:
        if (rhs->nvalues <= 2) {
            strbuf_puts(sb, rhs->nvalues ? "" : "0");
            for (size_t i = 0; i < rhs->nvalues; i++) {
                if (i)
                    strbuf_puts(sb, " || ");
                _str_eq(sb, data, &rhs->values[i]);
            }
        } else {
            size_t set = _set(g, "str", slot->kf->size, rhs->values, rhs->nvalues, NULL);
            strbuf_printf(sb, "bpf_map_lookup_elem(&rulec_set%zu, %s) != 0", set, data);
        }
        break;
    case OP_STARTSWITH:
        if (!rhs->nvalues) {
            strbuf_puts(sb, "0");
        } else if (rhs->kind == RHS_VALUE) {
            strbuf_printf(sb, "h_->len >= %zu && ", rhs->values[0].len);
            _word_compare(sb, data, rhs->values[0].text, rhs->values[0].len, true);
        } else {
            size_t set = _set(g, "prefix", slot->kf->size, rhs->values, rhs->nvalues, NULL);
            strbuf_printf(sb, "rulec_prefix_match(&rulec_set%zu, %s, h_->len, %u)", set, data,
                          slot->kf->size);
        }
        break;
    case OP_ENDSWITH:
        if (!rhs->nvalues) {
            strbuf_puts(sb, "0");
            break;
        }
        strbuf_printf(sb, "rulec_endswith(%s, h_->len, %u, ", data, slot->kf->size);
        _c_string(sb, rhs->values[0].text, rhs->values[0].len);
        strbuf_printf(sb, ", %zu)", rhs->values[0].len);
        break;
    case OP_PMATCH: {
        /* pmatch (/a/b): /a/b itself, or anything below /a/b/. A constant
         * of exactly size - 1 bytes can still equal a complete value; only
         * its "below" entry cannot fit (and no complete value is below it). */
        struct ast_rhs exact_values = n->cmp.rhs;
        struct ast_value *ev = arena_alloc(g->arena, (n->cmp.rhs.nvalues + 1) * sizeof(*ev));
        exact_values.values = ev;
        exact_values.nvalues = 0;
        for (size_t i = 0; i < n->cmp.rhs.nvalues; i++)
            if (split_value_fits(&n->cmp.rhs.values[i], slot->kf->size, 0))
                ev[exact_values.nvalues++] = n->cmp.rhs.values[i];
        if (!exact_values.nvalues) {
            strbuf_puts(sb, "0");
            break;
        }
        size_t exact =
            _set(g, "str", slot->kf->size, exact_values.values, exact_values.nvalues, NULL);
        if (!rhs->nvalues) {
            strbuf_printf(sb, "bpf_map_lookup_elem(&rulec_set%zu, %s) != 0", exact, data);
            break;
        }
        size_t below = _set(g, "prefix", slot->kf->size, rhs->values, rhs->nvalues, "/");
        strbuf_printf(sb,
                      "bpf_map_lookup_elem(&rulec_set%zu, %s) != 0 || "
                      "rulec_prefix_match(&rulec_set%zu, %s, h_->len, %u)",
                      exact, data, below, data, slot->kf->size);
        break;
    }
    default:
        strbuf_puts(sb, "2");
        break;
    }
    strbuf_puts(sb, ") : st_ == RULEC_SLOT_NONE ? 0 : 2; })");
}

static const char *_num_cmp_op(enum ast_op op)
{
    switch (op) {
    case OP_EQ:
        return "==";
    case OP_NE:
        return "!=";
    case OP_LT:
        return "<";
    case OP_LE:
        return "<=";
    case OP_GT:
        return ">";
    case OP_GE:
        return ">=";
    default:
        return NULL;
    }
}

static void _num_atom(struct cg *g, struct strbuf *sb, const struct ast_node *n,
                      const struct kfield *kf, const struct cg_slot *slot)
{
    const char *type = kf->is_signed ? "__s64" : "__u64";
    char value[96];
    if (kf->header)
        snprintf(value, sizeof(value), "((%s)(%s))", type, kf->header);
    else
        snprintf(value, sizeof(value), "(*(%s *)e->s%zu.d)", type, _slot_index(g, slot));
    if (slot)
        strbuf_printf(sb,
                      "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK ? (int)(",
                      _slot_index(g, slot));
    else
        strbuf_puts(sb, "((int)(");
    const struct ast_rhs *rhs = &n->cmp.rhs;
    if (n->cmp.op == OP_EXISTS) {
        strbuf_puts(sb, "1");
    } else if (n->cmp.op == OP_IN) {
        strbuf_puts(sb, rhs->nvalues ? "" : "0");
        for (size_t i = 0; i < rhs->nvalues; i++) {
            long long v = 0;
            check_parse_num(n->cmp.lhs.def, rhs->values[i].text, &v);
            strbuf_printf(sb, "%s%s == (%s)%lldLL", i ? " || " : "", value, type, v);
        }
    } else {
        long long v = 0;
        check_parse_num(n->cmp.lhs.def, rhs->values[0].text, &v);
        strbuf_printf(sb, "%s %s (%s)%lldLL", value, _num_cmp_op(n->cmp.op), type, v);
    }
    strbuf_puts(sb, slot ? ") : st_ == RULEC_SLOT_NONE ? 0 : 2; })" : "))");
}

static void _evttype_atom(struct strbuf *sb, const struct ast_node *n)
{
    bool ne = n->cmp.op == OP_NE;
    strbuf_puts(sb, ne ? "(int)!(" : "(int)(");
    bool any = false;
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
        const struct evttype *t = evttype_lookup(n->cmp.rhs.values[i].text);
        /* No syscall number, or a name Falco reports under another one
         * (pread64 is "pread"): an event of this type is never seen. */
        if (!t || t->nr < 0 || t->reported_as)
            continue;
        strbuf_printf(sb, "%se->hdr.evt_id == %d", any ? " || " : "", t->nr);
        any = true;
    }
    if (!any)
        strbuf_puts(sb, "0");
    strbuf_puts(sb, ")");
}

/* Slot fillers and rules are global BPF functions: the verifier checks
 * each once, not once per call site, so verification grows with the
 * number of rules instead of exploding with their combinations. They find
 * the event in the per-CPU scratch map. */
#define CG_EVENT_LOOKUP                                                                            \
    "    __u32 zero = 0;\n"                                                                        \
    "    struct rulec_event *e = bpf_map_lookup_elem(&rulec_event_scratch, &zero);\n"

static void _emit_comment(struct strbuf *c, const char *text)
{
    /* Keep generated comments well-formed whatever the rule text holds: a
     * slash next to a star gets a space between them. */
    char prev = 0;
    for (const char *p = text; *p; prev = *p++) {
        if ((prev == '/' && *p == '*') || (prev == '*' && *p == '/'))
            strbuf_puts(c, " ");
        if (*p == '\n')
            strbuf_puts(c, "\n *   ");
        else
            strbuf_append(c, p, 1);
    }
}

/* evt.res is "SUCCESS" or the error's name ("ENOENT", as the runtime
 * prints it): compared in the kernel as a test on the return value. */
static void _evtres_atom(struct strbuf *sb, const struct ast_node *n)
{
    strbuf_puts(sb, n->cmp.op == OP_NE ? "(int)!(" : "(int)(");
    bool any = false;
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
        const char *v = n->cmp.rhs.values[i].text;
        int err = 0;
        if (strcmp(v, "SUCCESS") == 0) {
            strbuf_printf(sb, "%se->hdr.ret >= 0", any ? " || " : "");
            any = true;
            continue;
        }
        for (int e = 1; e < 4096 && !err; e++) {
            const char *name = strerrorname_np(e);
            if (name && strcmp(name, v) == 0)
                err = e;
        }
        /* The runtime's name for errors without a name ("E200"): only then. */
        if (!err && v[0] == 'E' && text_is_decimal(v + 1) && !strerrorname_np(atoi(v + 1)))
            err = atoi(v + 1);
        if (err) {
            strbuf_printf(sb, "%se->hdr.ret == -%d", any ? " || " : "", err);
            any = true;
        }
    }
    if (!any)
        strbuf_puts(sb, "0");
    strbuf_puts(sb, ")");
}

/* The syscall number of a core/sysargs.def entry naming PARAM, or -1 (another parameter, or a
 * syscall x86_64 does not have). */
static int _sysarg_nr(const struct sysarg *a, const char *param)
{
    const struct evttype *t = evttype_lookup(a->syscall);
    return t && t->nr >= 0 && !strcmp(a->param, param) ? t->nr : -1;
}

/* evt.arg.NAME of a flag or number argument: a test on the register for each syscall with
 * that argument, from the text Falco prints for it (sysarg_terms). The tests go in a function
 * of their own (g->argtests), emitted before the atoms. */
static void _sysarg_atom(struct cg *g, struct strbuf *sb, const struct ast_node *n,
                         const struct cg_slot *slot)
{
    size_t si = _slot_index(g, slot), ti = g->nargtests++;
    const char *param = ast_field_arg(&n->cmp.lhs);
    enum ast_op op = n->cmp.op == OP_NE || n->cmp.op == OP_IN ? OP_EQ : n->cmp.op;
    struct sysarg_term terms[SPLIT_MAX_ARG_TERMS];
    strbuf_printf(&g->argtests,
                  "static __always_inline int rulec_argtest%zu(__u32 nr, __u64 v)\n{\n"
                  "    switch (nr) {\n",
                  ti);
    for (size_t i = 0; i < sysarg_count(); i++) {
        const struct sysarg *a = sysarg_at(i);
        int nr = _sysarg_nr(a, param);
        if (nr < 0)
            continue;
        strbuf_printf(&g->argtests, "    case %d: /* %s */\n        return 0", nr, a->syscall);
        for (size_t v = 0; v < n->cmp.rhs.nvalues; v++) {
            const struct ast_value *c = &n->cmp.rhs.values[v];
            int k = sysarg_terms(a->kind, op, c->text, c->len, terms, SPLIT_MAX_ARG_TERMS);
            for (int j = 0; j < k; j++)
                strbuf_printf(&g->argtests, " || (v & 0x%llxULL) == 0x%llxULL",
                              (unsigned long long)terms[j].mask, (unsigned long long)terms[j].bits);
        }
        strbuf_puts(&g->argtests, ";\n");
    }
    strbuf_puts(&g->argtests, "    default:\n        return 2;\n    }\n}\n\n");
    strbuf_printf(
        sb,
        "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK ? %srulec_argtest%zu("
        "e->hdr.evt_id, *(__u64 *)e->s%zu.d) : st_ == RULEC_SLOT_NONE ? 0 : 2; })",
        si, n->cmp.op == OP_NE ? "!" : "", ti, si);
}

/* The code deciding one comparison (0, 1 or 2), inside its atom function. */
static void _atom_body(struct cg *g, struct strbuf *sb, const struct ast_node *n)
{
    if (!split_atom_in_kernel(n)) {
        strbuf_puts(sb, "2");
        return;
    }
    const struct ast_field *f = &n->cmp.lhs;
    if (f->def->id == FIELD_EVT_TYPE) {
        _evttype_atom(sb, n);
        return;
    }
    if (f->def->id == FIELD_EVT_RES) {
        _evtres_atom(sb, n);
        return;
    }
    const char *arg = ast_field_arg(f);
    const struct kfield *kf = kfield_for(f->def, arg);
    struct cg_slot *slot = kf->header ? NULL : _slot(g, f->def, arg, kf);
    if (!kf->header && !slot) {
        strbuf_puts(sb, "2");
        return;
    }
    if (kf->arg_by_syscall && kf->kind == KF_NUM)
        _sysarg_atom(g, sb, n, slot);
    else if (kf->kind == KF_NUM)
        _num_atom(g, sb, n, kf, slot);
    else
        _str_atom(g, sb, n, slot);
}

/* An evt.type comparison's value on every syscall of events: 1 or 0, or -1 when it depends on
 * which (the same test _evttype_atom generates). */
static int _evttype_fold(const struct ast_node *n, const struct ptr_vec *events)
{
    bool any_true = false, any_false = false;
    for (size_t ei = 0; ei < events->len; ei++) {
        const struct evttype *t = events->items[ei];
        bool holds = false;
        for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
            const struct evttype *v = evttype_lookup(n->cmp.rhs.values[i].text);
            holds = holds || (v && v->nr >= 0 && !v->reported_as && v->nr == t->nr);
        }
        if (n->cmp.op == OP_NE)
            holds = !holds;
        any_true = any_true || holds;
        any_false = any_false || !holds;
    }
    return any_true && any_false ? -1 : any_true ? 1 : 0;
}

static void _atom(struct cg *g, struct strbuf *sb, const struct ast_node *n)
{
    if (!split_atom_in_kernel(n)) {
        strbuf_puts(sb, "2"); /* maybe: no call needed */
        return;
    }
    if (g->fold && n->cmp.lhs.def->id == FIELD_EVT_TYPE) {
        int v = _evttype_fold(n, g->fold);
        if (v >= 0) {
            strbuf_puts(sb, v ? "1" : "0");
            return;
        }
    }
    const char *key = ast_to_string(g->arena, n);
    size_t i = 0;
    while (i < g->atom_keys.len && strcmp(g->atom_keys.items[i], key) != 0)
        i++;
    if (i == g->atom_keys.len) {
        ptr_vec_push(g->arena, &g->atom_keys, (void *)key);
        ptr_vec_push(g->arena, &g->atom_nodes, (void *)n);
        g->atom_uses = realloc(g->atom_uses, g->atom_keys.len * sizeof(*g->atom_uses));
        if (!g->atom_uses)
            abort();
        g->atom_uses[i] = 0;
    }
    g->atom_uses[i]++;
    strbuf_printf(sb, "rulec_atom%zu(e)", i);
}

static void _emit_atoms(struct cg *g, struct strbuf *out)
{
    for (size_t i = 0; i < g->atom_nodes.len; i++) {
        strbuf_printf(out, "/* %zu: ", i);
        _emit_comment(out, g->atom_keys.items[i]);
        strbuf_printf(out,
                      " */\nstatic __always_inline RULEC_NODEBUG int rulec_atom%zu(struct "
                      "rulec_event *e)\n{\n",
                      i);
        if (g->atom_uses[i] < 2) {
            strbuf_puts(out, "    return ");
            _atom_body(g, out, g->atom_nodes.items[i]);
            strbuf_puts(out, ";\n}\n\n");
            continue;
        }
        size_t w = g->nmemo / 64, b = g->nmemo % 64;
        g->nmemo++;
        strbuf_printf(
            out,
            "    if (e->atom_have[%zu] & (1ULL << %zu))\n"
            "        return (e->atom_one[%zu] >> %zu & 1) | (e->atom_two[%zu] >> %zu & 1) "
            "<< 1;\n"
            "    RULEC_NODEBUG int r = ",
            w, b, w, b, w, b);
        _atom_body(g, out, g->atom_nodes.items[i]);
        strbuf_printf(out,
                      ";\n    e->atom_have[%zu] |= 1ULL << %zu;\n"
                      "    e->atom_one[%zu] |= (__u64)(r & 1) << %zu;\n"
                      "    e->atom_two[%zu] |= (__u64)(r >> 1) << %zu;\n"
                      "    return r;\n}\n\n",
                      w, b, w, b, w, b);
    }
}

static void _expr(struct cg *g, struct strbuf *sb, const struct ast_node *n)
{
    switch (n->kind) {
    case AST_BOOL:
        strbuf_puts(sb, n->value ? "1" : "0");
        return;
    case AST_CMP:
        _atom(g, sb, n);
        return;
    case AST_NOT:
        strbuf_puts(sb, "rulec_not3(");
        _expr(g, sb, n->operand);
        strbuf_puts(sb, ")");
        return;
    case AST_AND:
    case AST_OR: {
        /* Kleene logic with short circuit: AND stops at a definite 0, OR at a
         * definite 1; a maybe makes the result at best maybe. */
        bool is_and = n->kind == AST_AND;
        unsigned t = g->tmp++;
        strbuf_printf(sb, "({ RULEC_NODEBUG int r%u = %d; do { RULEC_NODEBUG int v%u; ", t,
                      is_and ? 1 : 0, t);
        for (size_t i = 0; i < n->list.nkids; i++) {
            strbuf_printf(sb, "v%u = ", t);
            _expr(g, sb, n->list.kids[i]);
            strbuf_printf(sb, "; if (v%u == %d) { r%u = %d; break; } if (v%u == 2) r%u = 2; ", t,
                          is_and ? 0 : 1, t, is_and ? 0 : 1, t, t);
        }
        strbuf_printf(sb, "} while (0); r%u; })", t);
        return;
    }
    default:
        strbuf_puts(sb, "2");
        return;
    }
}

/* ---- capture ------------------------------------------------------------------ */

static void _capture_field(struct cg *g, struct cg_rule *r, const struct field_def *def,
                           const char *arg)
{
    if (!def)
        return;
    const struct kfield *kf = kfield_for(def, arg);
    if (!kf || kf->header)
        return;
    struct cg_slot *s = _slot(g, def, arg, kf);
    if (!s)
        return;
    for (size_t i = 0; i < r->slots.len; i++)
        if (r->slots.items[i] == s)
            return;
    ptr_vec_push(g->arena, &r->slots, s);
}

struct cg_capture {
    struct cg *g;
    struct cg_rule *r;
};

static void _capture_atom(const struct ast_node *n, void *ctx)
{
    struct cg_capture *c = ctx;
    _capture_field(c->g, c->r, n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs));
    if (n->cmp.rhs.kind == RHS_FIELD)
        _capture_field(c->g, c->r, n->cmp.rhs.field.def, n->cmp.rhs.field.arg);
}

static void _capture_output(struct cg *g, struct cg_rule *r)
{
    const struct rs_rule *rule = r->rule;
    if (!rule->output.text)
        return;
    struct diag_list ignored = {0};
    struct format_template *tpl =
        format_parse(g->arena, rule->output.text, rule->output.len, NULL, &ignored);
    diag_list_free(&ignored);
    for (size_t i = 0; tpl && i < tpl->nparts; i++)
        if (tpl->parts[i].field.name)
            _capture_field(g, r, tpl->parts[i].field.def, tpl->parts[i].field.arg);
}

/* ---- emission ----------------------------------------------------------------- */

static void _emit_header(struct cg *g)
{
    struct strbuf *c = &g->c;
    strbuf_printf(c,
                  "/* Generated by rulec %s from %zu rules: do not edit.\n"
                  " * Each rule is a function returning 0 (no), 1 (yes) or 2 (maybe: the\n"
                  " * runtime decides); programs are tail-called per syscall group. */\n"
                  "#include \"rulec_types.h\"\n"
                  "#include \"rulec_kernel.h\"\n"
                  "#include \"rulec_abi.h\"\n"
                  "#include \"rulec_fields.h\"\n",
                  RULEC_VERSION, g->nrules);
    strbuf_puts(c, _uses_cid_cache(g) ? "#include \"rulec_cache.h\"\n\n" : "\n");
    size_t words = g->nrules ? (g->nrules + 63) / 64 : 1;
    size_t atom_words = g->nmemo ? (g->nmemo + 63) / 64 : 1;
    strbuf_printf(c, "#define RULEC_MASK_WORDS %zu\n#define RULEC_ATOM_WORDS %zu\n\n", words,
                  atom_words);
    strbuf_puts(c, "struct rulec_event {\n    struct rulec_record_hdr hdr;\n"
                   "    __u64 mask[RULEC_MASK_WORDS];\n    __u64 maybe[RULEC_MASK_WORDS];\n"
                   "    /* atoms decided for this event: have, and the value (one | two << 1) */\n"
                   "    __u64 atom_have[RULEC_ATOM_WORDS];\n"
                   "    __u64 atom_one[RULEC_ATOM_WORDS];\n"
                   "    __u64 atom_two[RULEC_ATOM_WORDS];\n");
    uint32_t offset =
        (uint32_t)(sizeof(struct rulec_record_hdr) + 2 * words * 8 + 3 * atom_words * 8);
    for (size_t i = 0; i < g->nslots; i++) {
        struct cg_slot *s = &g->slots[i];
        s->offset = offset;
        strbuf_printf(c,
                      "    struct { struct rulec_slot_hdr h; __u8 d[%u]; } s%zu; /* %s%s%s%s */\n",
                      s->kf->size, i, s->def->name, s->arg ? "[" : "", s->arg ? s->arg : "",
                      s->arg ? "]" : "");
        offset += (uint32_t)sizeof(struct rulec_slot_hdr) + s->kf->size;
    }
    strbuf_puts(c, "};\n\n#include \"rulec_prog.h\"\n\n");
    for (size_t i = 0; i < g->nslots; i++)
        strbuf_printf(c,
                      "_Static_assert(__builtin_offsetof(struct rulec_event, s%zu) == %u, "
                      "\"slot layout\");\n",
                      i, g->slots[i].offset);
    strbuf_puts(c, "\n");
}

/* For evt.arg.NAME: the register holding NAME for each syscall, 6 (none:
 * Falco's <NA>) for a syscall without it. */
static void _emit_arg_register(struct cg *g, size_t slot, const char *param)
{
    strbuf_printf(&g->c,
                  "static __always_inline __u32 rulec_slot%zu_register(__u32 nr)\n{\n"
                  "    switch (nr) {\n",
                  slot);
    for (size_t i = 0; i < sysarg_count(); i++) {
        const struct sysarg *a = sysarg_at(i);
        int nr = _sysarg_nr(a, param);
        if (nr >= 0)
            strbuf_printf(&g->c, "    case %d: /* %s */\n        return %d;\n", nr, a->syscall,
                          a->index);
    }
    strbuf_puts(&g->c, "    default:\n        return 6;\n    }\n}\n\n");
}

static void _emit_slots(struct cg *g)
{
    for (size_t i = 0; i < g->nslots; i++) {
        const struct cg_slot *s = &g->slots[i];
        const char *fill_arg = s->kf->takes_index && s->arg ? s->arg : "0";
        if (s->kf->arg_by_syscall) {
            _emit_arg_register(g, i, s->arg);
            fill_arg = arena_printf(g->arena, "rulec_slot%zu_register(cx.id)", i);
        }
        char fill[256];
        if (s->kf->from_fd_name) {
            const struct field_def *nd = field_by_id(FIELD_FD_NAME);
            const struct field_def *td = field_by_id(FIELD_FD_TYPECHAR);
            size_t name = _slot_index(g, _slot(g, nd, NULL, kfield_for(nd, NULL)));
            size_t type = _slot_index(g, _slot(g, td, NULL, kfield_for(td, NULL)));
            snprintf(fill, sizeof(fill),
                     "int name_st = rulec_slot%zu(), type_st = rulec_slot%zu();\n"
                     "        rulec_fill_%s(&cx, &e->s%zu.h, e->s%zu.d, name_st, &e->s%zu.h, "
                     "e->s%zu.d, type_st, e->s%zu.d);",
                     name, type, s->kf->fill, i, i, name, name, type);
        } else {
            snprintf(fill, sizeof(fill),
                     "rulec_fill_%s(&cx, &e->s%zu.h, e->s%zu.d, sizeof(e->s%zu.d), %s);",
                     s->kf->fill, i, i, i, fill_arg);
        }
        strbuf_printf(&g->c,
                      "__noinline int rulec_slot%zu(void)\n{\n" CG_EVENT_LOOKUP
                      "    if (!e)\n        return RULEC_SLOT_ERROR;\n"
                      "    if (!(e->hdr.have[%zu] & (1ULL << %zu))) {\n"
                      "        struct rulec_cx cx;\n"
                      "        rulec_cx_load(&cx, &e->hdr);\n"
                      "        %s\n"
                      "        e->hdr.have[%zu] |= 1ULL << %zu;\n    }\n"
                      "    return e->s%zu.h.status;\n}\n\n",
                      i, i / 64, i % 64, fill, i / 64, i % 64, i);
    }
}

static void _emit_sets(struct cg *g)
{
    for (size_t i = 0; i < g->nsets; i++) {
        const struct cg_set *s = &g->sets[i];
        bool prefix = !strcmp(s->kind, "prefix");
        strbuf_printf(
            &g->c,
            "RULEC_GLOBAL struct {\n    __uint(type, %s);\n    __uint(max_entries, %zu);\n"
            "    __type(key, %s);\n    __type(value, __u8);\n%s"
            "} rulec_set%zu SEC(\".maps\");\n\n",
            prefix ? "BPF_MAP_TYPE_LPM_TRIE" : "BPF_MAP_TYPE_HASH", s->nvalues,
            prefix ? arena_printf(g->arena, "struct rulec_lpm_key%u", s->key_size)
                   : arena_printf(g->arena, "__u8[%u]", s->key_size),
            prefix ? "    __uint(map_flags, BPF_F_NO_PREALLOC);\n" : "", i);
    }
}

static const char _license[] = "char LICENSE[] SEC(\"license\") = \"GPL\";\n";

/* Each unit calls functions the other defines: the programs call rules, the
 * rules call slot fillers. The static linker resolves them. */
static void _emit_prototypes(struct cg *g)
{
    for (size_t i = 0; i < g->nslots; i++)
        strbuf_printf(&g->c, "__noinline int rulec_slot%zu(void);\n", i);
    for (size_t i = 0; i < g->nrules; i++)
        for (size_t gi = 0; gi < g->ngroups; gi++)
            if (_group_has_rule(&g->groups[gi], i))
                strbuf_printf(&g->c, "__noinline int %s(void);\n", _rule_fn(g, i, gi));
    strbuf_puts(&g->c, "\n");
}

/* The atoms call the slot fillers but carry no debug information, and the static linker needs
 * the BTF of each function a unit calls: one never-run function that calls them all gives it. */
static void _emit_slot_btf(struct cg *g, struct strbuf *out)
{
    strbuf_puts(out, "static __attribute__((used)) int rulec_slot_btf(void)\n{\n    return 0");
    for (size_t i = 0; i < g->nslots; i++)
        strbuf_printf(out, " + rulec_slot%zu()", i);
    strbuf_puts(out, ";\n}\n\n");
}

static void _emit_rules(struct cg *g)
{
    for (size_t i = 0; i < g->nrules; i++) {
        struct cg_rule *r = &g->rules[i];
        strbuf_printf(&g->c, "/* rule %zu: ", i);
        _emit_comment(&g->c, r->rule->name);
        strbuf_puts(&g->c, "\n *   condition: ");
        _emit_comment(&g->c, ast_to_string(g->arena, r->rule->lowered));
        strbuf_printf(&g->c, "\n *   %s\n */\n",
                      r->split.exact ? "decided in the kernel"
                                     : "partly in userspace (atoms marked 2 are maybe here)");
        for (size_t gi = 0; gi < g->ngroups; gi++) {
            if (!_group_has_rule(&g->groups[gi], i))
                continue;
            g->fold = &g->groups[gi].events;
            strbuf_printf(&g->c,
                          "__noinline int %s(void)\n{\n" CG_EVENT_LOOKUP
                          "    if (!e)\n        return 2;\n    return ",
                          _rule_fn(g, i, gi));
            _expr(g, &g->c, r->rule->lowered);
            strbuf_puts(&g->c, ";\n}\n\n");
            g->fold = NULL;
        }
    }
}

static bool _rule_hooks(const struct cg_rule *r, const struct evttype *t)
{
    return evtset_has(&r->rule->evttypes, t);
}

static size_t _popcount(const uint64_t *bits, size_t words)
{
    size_t n = 0;
    for (size_t w = 0; w < words; w++)
        n += (size_t)__builtin_popcountll(bits[w]);
    return n;
}

static bool _is_subset(const uint64_t *a, const uint64_t *b, size_t words)
{
    for (size_t w = 0; w < words; w++)
        if (a[w] & ~b[w])
            return false;
    return true;
}

/* A group whose rules are all in another group runs in that group's
 * program: each rule tests its own event types first, so the result is the
 * same, the larger group's events run exactly what they ran before, and the
 * verifier checks the field extractors both need once instead of twice
 * (each program verifies the global functions it calls). The smallest
 * superset takes it, so its events run as few extra rules as possible. */
static size_t _merge_subset_groups(struct cg *g, struct cg_group *groups, size_t ngroups,
                                   size_t words)
{
    for (size_t a = 0; a < ngroups;) {
        size_t best = ngroups, best_n = 0;
        for (size_t b = 0; b < ngroups; b++) {
            if (b == a || !_is_subset(groups[a].rules, groups[b].rules, words))
                continue;
            size_t n = _popcount(groups[b].rules, words);
            if (best == ngroups || n < best_n) {
                best = b;
                best_n = n;
            }
        }
        if (best == ngroups) {
            a++;
            continue;
        }
        for (size_t i = 0; i < groups[a].events.len; i++)
            ptr_vec_push(g->arena, &groups[best].events, groups[a].events.items[i]);
        memmove(&groups[a], &groups[a + 1], (ngroups - a - 1) * sizeof(*groups));
        ngroups--;
    }
    return ngroups;
}

static size_t _groups(struct cg *g, struct cg_group **out)
{
    size_t words = (g->nrules + 63) / 64;
    struct cg_group *groups = NULL;
    size_t ngroups = 0;
    uint64_t *bits = arena_alloc(g->arena, (words + 1) * 8);
    for (size_t ti = 0; ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->hook != EVTHOOK_SYS_EXIT)
            continue;
        memset(bits, 0, (words + 1) * 8);
        bool any = false;
        for (size_t i = 0; i < g->nrules; i++)
            if (_rule_hooks(&g->rules[i], t)) {
                bits[i / 64] |= 1ULL << (i % 64);
                any = true;
            }
        if (!any)
            continue;
        size_t gi = 0;
        while (gi < ngroups && memcmp(groups[gi].rules, bits, words * 8))
            gi++;
        if (gi == ngroups) {
            groups = realloc(groups, (ngroups + 1) * sizeof(*groups));
            if (!groups)
                abort();
            groups[gi] = (struct cg_group){.rules = arena_alloc(g->arena, (words + 1) * 8)};
            memcpy(groups[gi].rules, bits, words * 8);
            ngroups++;
        }
        ptr_vec_push(g->arena, &groups[gi].events, (void *)t);
    }
    ngroups = _merge_subset_groups(g, groups, ngroups, words);
    *out = groups;
    return ngroups;
}

/* The capture program: for each candidate, the slots its residual and
 * output need (those the rules filled already are kept), then the record. */
static void _emit_capture(struct cg *g)
{
    strbuf_puts(&g->c,
                "SEC(\"tp_btf/sys_exit\")\n"
                "int BPF_PROG(rulec_capture, struct pt_regs *regs, long ret)\n{\n" CG_EVENT_LOOKUP
                "    if (!e)\n        return 0;\n");
    for (size_t i = 0; i < g->nrules; i++) {
        struct cg_rule *r = &g->rules[i];
        if (!r->slots.len)
            continue;
        strbuf_printf(&g->c, "    if (e->mask[%zu] & (1ULL << %zu)) {\n", i / 64, i % 64);
        for (size_t s = 0; s < r->slots.len; s++)
            strbuf_printf(&g->c, "        rulec_slot%zu();\n", _slot_index(g, r->slots.items[s]));
        strbuf_puts(&g->c, "    }\n");
    }
    strbuf_puts(&g->c, "    rulec_submit(e);\n    return 0;\n}\n\n");
}

static void _emit_programs(struct cg *g, struct cg_group *groups, size_t ngroups)
{
    for (size_t gi = 0; gi < ngroups; gi++) {
        struct cg_group *grp = &groups[gi];
        strbuf_puts(&g->c, "/* syscalls:");
        for (size_t i = 0; i < grp->events.len; i++)
            strbuf_printf(&g->c, " %s", ((const struct evttype *)grp->events.items[i])->name);
        strbuf_printf(&g->c,
                      " */\nSEC(\"tp_btf/sys_exit\")\nint BPF_PROG(rulec_g%zu, struct pt_regs "
                      "*regs, long ret)\n{\n"
                      "    struct rulec_cx cx;\n"
                      "    struct rulec_event *e = rulec_begin(&cx, regs, ret);\n"
                      "    if (!e)\n        return 0;\n    int v;\n",
                      gi);
        for (size_t i = 0; i < g->nrules; i++)
            if (grp->rules[i / 64] & (1ULL << (i % 64)))
                strbuf_printf(&g->c,
                              "    v = %s();\n"
                              "    if (v)\n        rulec_mark(e, %zu, v == 2);\n",
                              _rule_fn(g, i, gi), i);
        strbuf_puts(&g->c, "    if (rulec_any(e))\n        RULEC_CAPTURE();\n    return 0;\n}\n\n");
    }
    _emit_capture(g);
}

/* ---- metadata ----------------------------------------------------------------- */

/* A rule's metadata entry. A rule of another source than syscall has no
 * kernel predicate and no hooks: its condition is all userspace decides. */
static struct policy_rule _meta_rule(struct cg *g, const struct cg_rule *r)
{
    const struct rs_rule *rule = r->rule;
    bool kernel = field_source_from_name(rule->source) == FSRC_SYSCALL;
    struct ptr_vec hooks = {0};
    for (size_t ti = 0; kernel && ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->hook == EVTHOOK_SYS_EXIT && evtset_has(&rule->evttypes, t))
            ptr_vec_push(g->arena, &hooks, (void *)t->name);
    }
    return (struct policy_rule){
        .name = rule->name,
        .desc = rule->desc,
        .source = rule->source,
        .priority = priority_to_string((enum alert_priority)rule->priority),
        .tags = rule->tags,
        .ntags = rule->ntags,
        .output = rule->output.text,
        .condition = ast_to_string(g->arena, rule->ast),
        .kernel = kernel ? ast_to_string(g->arena, rule->lowered) : NULL,
        .kernel_exact = kernel && r->split.exact,
        .enabled = rule->enabled,
        .hooks = (const char **)hooks.items,
        .nhooks = hooks.len,
    };
}

static char *_meta(struct cg *g, const char *digest, struct cg_group *groups, size_t ngroups)
{
    struct policy_meta m = {
        .format_version = POLICY_FORMAT_VERSION,
        .compiler_version = RULEC_VERSION,
        .sources_digest = digest,
        .mask_words = (uint32_t)(g->nrules ? (g->nrules + 63) / 64 : 1),
        .nslots = g->nslots,
        .nrules = g->nrules,
        .nsets = g->nsets,
    };
    m.record_size = (uint32_t)(sizeof(struct rulec_record_hdr) + 2 * m.mask_words * 8);
    m.slots = arena_alloc(g->arena, (g->nslots + 1) * sizeof(*m.slots));
    for (size_t i = 0; i < g->nslots; i++) {
        m.slots[i] = (struct policy_slot){.field = g->slots[i].def->name,
                                          .arg = g->slots[i].arg,
                                          .offset = g->slots[i].offset,
                                          .size = g->slots[i].kf->size};
        m.record_size =
            g->slots[i].offset + (uint32_t)sizeof(struct rulec_slot_hdr) + g->slots[i].kf->size;
    }
    m.rules = arena_alloc(g->arena, (g->nrules + g->audit_rules.len + 1) * sizeof(*m.rules));
    for (size_t i = 0; i < g->nrules; i++)
        m.rules[i] = _meta_rule(g, &g->rules[i]);
    for (size_t i = 0; i < g->audit_rules.len; i++)
        m.rules[m.nrules++] = _meta_rule(g, &(struct cg_rule){.rule = g->audit_rules.items[i]});
    m.sets = arena_alloc(g->arena, (g->nsets + 1) * sizeof(*m.sets));
    for (size_t i = 0; i < g->nsets; i++)
        m.sets[i] = (struct policy_set){.map = arena_printf(g->arena, "rulec_set%zu", i),
                                        .kind = g->sets[i].kind,
                                        .key_size = g->sets[i].key_size,
                                        .values = g->sets[i].values,
                                        .nvalues = g->sets[i].nvalues};
    struct ptr_vec hooks = {0};
    for (size_t gi = 0; gi < ngroups; gi++)
        for (size_t i = 0; i < groups[gi].events.len; i++) {
            const struct evttype *t = groups[gi].events.items[i];
            struct policy_hook *h = arena_alloc(g->arena, sizeof(*h));
            *h = (struct policy_hook){
                .event = t->name, .nr = t->nr, .program = arena_printf(g->arena, "rulec_g%zu", gi)};
            ptr_vec_push(g->arena, &hooks, h);
        }
    m.nhooks = hooks.len;
    m.hooks = arena_alloc(g->arena, (hooks.len + 1) * sizeof(*m.hooks));
    for (size_t i = 0; i < hooks.len; i++)
        m.hooks[i] = *(struct policy_hook *)hooks.items[i];
    if (_uses_cid_cache(g)) {
        m.programs = (struct policy_program *)_cid_programs;
        m.nprograms = sizeof(_cid_programs) / sizeof(_cid_programs[0]);
        m.cid_cache = RULEC_CID_CACHE_MAP;
    }
    return policy_meta_to_json(&m);
}

/* Syscalls so frequent that a rule the kernel cannot filter on them sends
 * a flood to userspace. */
static bool _frequent(const char *name)
{
    static const char *const frequent[] = {"open",     "openat",  "openat2",    "read",    "write",
                                           "close",    "connect", "accept",     "accept4", "sendto",
                                           "recvfrom", "stat",    "newfstatat", "mmap",    NULL};
    for (const char *const *f = frequent; *f; f++)
        if (!strcmp(*f, name))
            return true;
    return false;
}

static void _warn_maybe(struct cg *g, const struct cg_rule *r)
{
    if (r->split.filters || !r->split.first_maybe)
        return;
    for (size_t ti = 0; ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->nr >= 0 && evtset_has(&r->rule->evttypes, t) && _frequent(t->name)) {
            const struct ast_node *a = r->split.first_maybe;
            diag_report(g->diags, DIAG_RULEC_KERNEL_MAYBE, a->pos, r->rule->name,
                        "rule '%s': the kernel cannot decide '%s %s ...' on '%s', so every %s "
                        "event goes to userspace; add a condition the kernel can check",
                        r->rule->name, a->cmp.lhs.name, ast_op_name(a->cmp.op), t->name, t->name);
            return;
        }
    }
}

int codegen_policy(struct ruleset *rs, const char *sources_digest, struct codegen_result *out,
                   struct diag_list *diags)
{
    struct cg g = {.arena = rs->arena, .rs = rs, .diags = diags};
    g.slots = arena_alloc(rs->arena, RULEC_MAX_SLOTS * sizeof(*g.slots));
    g.rules = arena_alloc(rs->arena, (rs->nrules + 1) * sizeof(*g.rules));
    for (size_t i = 0; i < rs->nrules; i++) {
        struct rs_rule *rule = rs->rules[i];
        if (rule->skipped || !rule->lowered || !rule->enabled)
            continue;
        if (rule->lowered->kind == AST_BOOL && !rule->lowered->value)
            continue; /* never_true: nothing to hook or evaluate */
        enum field_source src = field_source_from_name(rule->source);
        if (src == FSRC_K8S_AUDIT) {
            ptr_vec_push(rs->arena, &g.audit_rules, rule);
            continue;
        }
        if (src != FSRC_SYSCALL) {
            diag_report(diags, DIAG_RULEC_NOT_COMPILED, rule->pos, rule->name,
                        "rule '%s' has source %s, which rulec run has no event source for; "
                        "not compiled",
                        rule->name, rule->source);
            continue;
        }
        struct cg_rule *r = &g.rules[g.nrules++];
        *r = (struct cg_rule){.rule = rule};
        split_rule(rule, &r->split);
        bool hooked = false;
        for (size_t ti = 0; ti < evttype_count() && !hooked; ti++) {
            const struct evttype *t = evttype_at(ti);
            hooked = t->hook == EVTHOOK_SYS_EXIT && evtset_has(&rule->evttypes, t);
        }
        if (!hooked) {
            diag_report(diags, DIAG_RULEC_NOT_COMPILED, rule->pos, rule->name,
                        "rule '%s' matches no event type rulec can hook; not compiled", rule->name);
            g.nrules--;
            continue;
        }
        _warn_maybe(&g, r);
    }
    /* Slots first (conditions, then outputs), so the layout is known before
     * any C is printed; expressions only look slots up afterwards. */
    for (size_t i = 0; i < g.nrules; i++) {
        struct cg_capture cap = {.g = &g, .r = &g.rules[i]};
        ast_foreach_cmp(g.rules[i].rule->lowered, _capture_atom, &cap);
        _capture_output(&g, &g.rules[i]);
    }
    /* Rules first: they name the atoms; atoms name the sets; the header
     * sizes the atom words. Then everything in dependency order. */
    struct strbuf saved = g.c;
    g.c = (struct strbuf){0};
    struct cg_group *groups = NULL;
    size_t ngroups = _groups(&g, &groups);
    g.groups = groups;
    g.ngroups = ngroups;
    _emit_rules(&g);
    struct strbuf rules = g.c;
    struct strbuf atoms = {0};
    _emit_atoms(&g, &atoms);
    struct strbuf argtests = g.argtests;
    _emit_slot_btf(&g, &argtests);
    g.c = (struct strbuf){0};
    _emit_slots(&g);
    struct strbuf slots = g.c;
    g.c = (struct strbuf){0};
    _emit_programs(&g, groups, ngroups);
    struct strbuf programs = g.c;
    g.c = saved;
    _emit_header(&g);
    _emit_sets(&g);
    _emit_prototypes(&g);
    /* The prelude is common to both units; the first defines the slots and
     * the programs, the second the rules (their atoms are inlined there). */
    struct strbuf prelude = g.c;
    struct strbuf *bodies[CODEGEN_UNITS][4] = {{&slots, &programs, NULL},
                                               {&argtests, &atoms, &rules, NULL}};
    struct strbuf whole = {0}, units[CODEGEN_UNITS] = {{0}};
    strbuf_append(&whole, prelude.data, prelude.len);
    for (size_t u = 0; u < CODEGEN_UNITS; u++) {
        if (u > 0)
            strbuf_puts(&units[u], "#define RULEC_UNIT_RULES 1\n");
        strbuf_append(&units[u], prelude.data, prelude.len);
        for (struct strbuf **b = bodies[u]; *b; b++) {
            strbuf_append(&units[u], (*b)->data ? (*b)->data : "", (*b)->len);
            strbuf_append(&whole, (*b)->data ? (*b)->data : "", (*b)->len);
        }
        if (u == 0)
            strbuf_puts(&units[u], _license);
        out->unit_source[u] = strbuf_take(&units[u]);
    }
    strbuf_puts(&whole, _license);
    out->c_source = strbuf_take(&whole);
    struct strbuf *parts[] = {&prelude, &slots, &argtests, &atoms, &rules, &programs};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        strbuf_free(parts[i]);
    out->meta_json = _meta(&g, sources_digest, groups, ngroups);
    out->nrules = g.nrules;
    out->naudit_rules = g.audit_rules.len;
    out->nhooks = 0;
    for (size_t gi = 0; gi < ngroups; gi++)
        out->nhooks += groups[gi].events.len;
    free(groups);
    free(g.sets);
    free(g.atom_uses);
    return 0;
}

void codegen_result_free(struct codegen_result *res)
{
    for (size_t u = 0; u < CODEGEN_UNITS; u++)
        free(res->unit_source[u]);
    free(res->c_source);
    free(res->meta_json);
    *res = (struct codegen_result){0};
}
