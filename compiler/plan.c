#include "compiler/plan.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/order.h"
#include "compiler/split.h"
#include "core/evttypes.h"
#include "core/field_readers.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/rulec_abi.h"

static void *_grow(void *items, size_t n, size_t size)
{
    void *p = realloc(items, (n + 1) * size);
    if (!p)
        abort();
    return p;
}

/* ---- slots ------------------------------------------------------------------------------------
 */

static struct plan_slot *_find_slot(struct plan *p, const struct field_def *def, const char *arg)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slots[i].def == def && ((!arg && !p->slots[i].arg) ||
                                       (arg && p->slots[i].arg && !strcmp(arg, p->slots[i].arg))))
            return &p->slots[i];
    return NULL;
}

static struct plan_slot *_slot(struct plan *p, const struct field_def *def, const char *arg,
                               const struct kfield *kf)
{
    struct plan_slot *s = _find_slot(p, def, arg);
    if (s)
        return s;
    if (kf->from_fd_name) {
        /* Computed from these two: they get slots first. */
        const struct field_def *name = field_by_id(FIELD_FD_NAME);
        const struct field_def *type = field_by_id(FIELD_FD_TYPECHAR);
        if (!_slot(p, name, NULL, kfield_for(name, NULL)) ||
            !_slot(p, type, NULL, kfield_for(type, NULL)))
            return NULL;
    }
    if (p->nslots == RULEC_MAX_SLOTS)
        return NULL; /* the runtime falls back to computing it */
    s = &p->slots[p->nslots++];
    *s = (struct plan_slot){.def = def, .arg = arg, .kf = kf};
    if (def->id == FIELD_CONTAINER_ID)
        p->cid_cache = true;
    return s;
}

/* The slots a field's value is read from: its own, or the aliased field's (fd.cnet reads
 * fd.cip's), and the other end's for either-end fields (fd.ip: fd.cip and fd.sip). Returns how
 * many (0 when the slot table is full). */
static size_t _field_slots(struct plan *p, const struct field_def *def, const char *arg,
                           const struct kfield *kf, struct plan_slot *out[2])
{
    const struct kfield *own = kfield_slot(kf), *other = kfield_other_slot(kf);
    out[0] = kf->aliased ? _slot(p, field_by_id(kf->alias), NULL, own) : _slot(p, def, arg, kf);
    if (!out[0])
        return 0;
    if (!other)
        return 1;
    out[1] = _slot(p, field_by_id(kf->other), NULL, other);
    return out[1] ? 2 : 0;
}

size_t plan_slot_index(const struct plan *p, const struct plan_slot *s)
{
    return (size_t)(s - p->slots);
}

const struct plan_slot *plan_fd_name_slot(const struct plan *p)
{
    return _find_slot((struct plan *)p, field_by_id(FIELD_FD_NAME), NULL);
}

const struct plan_slot *plan_fd_nameraw_slot(const struct plan *p)
{
    return _find_slot((struct plan *)p, field_by_id(FIELD_FD_NAMERAW), NULL);
}

const struct plan_slot *plan_fd_typechar_slot(const struct plan *p)
{
    return _find_slot((struct plan *)p, field_by_id(FIELD_FD_TYPECHAR), NULL);
}

static void _capture_field(struct plan *p, struct plan_rule *r, const struct field_def *def,
                           const char *arg);

/* A field the kernel does not read, computed in userspace from fields it does
 * (core/field_readers.h): those, on each of the rule's event types. */
static void _capture_inputs(struct plan *p, struct plan_rule *r, const struct field_def *def)
{
    const struct evttype *t;
    evtset_foreach(&r->rule->evttypes, t)
    {
        struct field_input in[32];
        size_t n = field_reader_inputs(def->id, t, in, 32);
        for (size_t i = 0; i < n && i < 32; i++)
            if (kfield_for(field_by_id(in[i].id), in[i].arg))
                _capture_field(p, r, field_by_id(in[i].id), in[i].arg);
    }
}

/* A field a candidate's residual or output needs: its slot, in the rule's
 * capture list. Header fields are in every record already. */
static void _capture_field(struct plan *p, struct plan_rule *r, const struct field_def *def,
                           const char *arg)
{
    if (!def)
        return;
    const struct kfield *kf = kfield_for(def, arg);
    if (!kf) {
        _capture_inputs(p, r, def);
        return;
    }
    if (kf->header)
        return;
    struct plan_slot *slots[2];
    size_t n = _field_slots(p, def, arg, kf, slots);
    for (size_t k = 0; k < n; k++) {
        size_t i = 0;
        while (i < r->slots.len && r->slots.items[i] != slots[k])
            i++;
        if (i == r->slots.len)
            ptr_vec_push(p->arena, &r->slots, slots[k]);
    }
}

struct capture_walk {
    struct plan *p;
    struct plan_rule *r;
};

static void _capture_atom(const struct ast_node *n, void *ctx)
{
    struct capture_walk *c = ctx;
    _capture_field(c->p, c->r, n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs));
    if (n->cmp.rhs.kind == RHS_FIELD)
        _capture_field(c->p, c->r, n->cmp.rhs.field.def, n->cmp.rhs.field.arg);
}

static void _capture_output(struct plan *p, struct plan_rule *r)
{
    const struct rs_rule *rule = r->rule;
    if (!rule->output.text)
        return;
    struct diag_list ignored = {0};
    struct format_template *tpl =
        format_parse(p->arena, rule->output.text, rule->output.len, NULL, &ignored);
    diag_list_free(&ignored);
    for (size_t i = 0; tpl && i < tpl->nparts; i++)
        if (tpl->parts[i].field.name)
            _capture_field(p, r, tpl->parts[i].field.def, tpl->parts[i].field.arg);
}

/* Offsets in struct rulec_event: the header, the candidate and maybe masks, the memo words,
 * then each slot (a header and the data). */
static void _layout(struct plan *p)
{
    p->mask_words = p->nrules ? (p->nrules + 63) / 64 : 1;
    p->atom_words = p->nmemo ? (p->nmemo + 63) / 64 : 1;
    /* ... the memo words, then the program's live rules (its gates clear them): kept in the event,
     * not on the stack, so that the verifier does not follow each combination of gate results. */
    uint32_t offset =
        (uint32_t)(sizeof(struct rulec_record_hdr) + 3 * p->mask_words * 8 + 3 * p->atom_words * 8);
    p->record_size = (uint32_t)(sizeof(struct rulec_record_hdr) + 2 * p->mask_words * 8);
    /* Slots longer than a path (proc.env) go last: a record none of them was filled for is sent
     * without them (plan.h, tail_offset). */
    p->tail_offset = 0;
    for (int big = 0; big < 2; big++)
        for (size_t i = 0; i < p->nslots; i++) {
            struct plan_slot *s = &p->slots[i];
            if ((s->kf->size > PLAN_TAIL_SLOT) != big)
                continue;
            if (big && !p->tail_offset)
                p->tail_offset = offset;
            s->offset = offset;
            offset += (uint32_t)sizeof(struct rulec_slot_hdr) + s->kf->size;
            p->record_size = offset;
        }
    if (p->nneedles)
        p->record_size += PLAN_NEEDLE_SLACK; /* the event's tail that contains may read */
}

/* ---- sets -------------------------------------------------------------------------------------
 */

/* A set map for `in`, `startswith` or `pmatch` lists; equal sets share a map. */
static size_t _set(struct plan *p, enum plan_set_kind kind, uint32_t key_size,
                   const struct ast_value *values, size_t n, const char *suffix)
{
    const char **v = arena_alloc(p->arena, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        v[i] = suffix ? arena_printf(p->arena, "%s%s", values[i].text, suffix) : values[i].text;
    for (size_t i = 0; i < p->nsets; i++) {
        struct plan_set *s = &p->sets[i];
        if (s->kind != kind || s->key_size != key_size || s->nvalues != n)
            continue;
        size_t j = 0;
        while (j < n && !strcmp(s->values[j], v[j]))
            j++;
        if (j == n)
            return i;
    }
    p->sets = _grow(p->sets, p->nsets, sizeof(*p->sets));
    p->sets[p->nsets] =
        (struct plan_set){.kind = kind, .key_size = key_size, .values = v, .nvalues = n};
    return p->nsets++;
}

/* The constants of cmp that a slot of `size` bytes can hold with `extra` bytes added
 * (split_value_fits): the others can match no complete value, and a truncated one is "maybe"
 * already. */
static struct ast_rhs _fitting(struct plan *p, const struct ast_node *cmp, uint32_t size,
                               size_t extra)
{
    struct ast_rhs fit = cmp->cmp.rhs;
    fit.values = arena_alloc(p->arena, (cmp->cmp.rhs.nvalues + 1) * sizeof(*fit.values));
    fit.nvalues = 0;
    for (size_t i = 0; i < cmp->cmp.rhs.nvalues; i++)
        if (split_value_fits(&cmp->cmp.rhs.values[i], size, extra))
            fit.values[fit.nvalues++] = cmp->cmp.rhs.values[i];
    return fit;
}

/* A contains constant's entry in the needle table; equal ones share it. */
static size_t _needle(struct plan *p, const struct ast_value *v, bool fold)
{
    char *text = arena_strndup(p->arena, v->text, v->len);
    for (size_t i = 0; fold && i < v->len; i++)
        if (text[i] >= 'A' && text[i] <= 'Z')
            text[i] = (char)(text[i] - 'A' + 'a');
    for (size_t i = 0; i < p->nneedles; i++)
        if (p->needles[i].fold == fold && p->needles[i].len == v->len &&
            !memcmp(p->needles[i].text, text, v->len))
            return i;
    p->needles = _grow(p->needles, p->nneedles, sizeof(*p->needles));
    p->needles[p->nneedles] = (struct plan_needle){.text = text, .len = v->len, .fold = fold};
    return p->nneedles++;
}

/* The exact-string set of an atom, and for long keys its hash set. */
static void _str_set(struct plan *p, struct plan_atom *a, const struct ast_rhs *values)
{
    uint32_t size = a->slot->kf->size;
    a->set = _set(p, PLAN_SET_STR, size, values->values, values->nvalues, NULL);
    if (size >= PLAN_HASHED_KEY_MIN) {
        a->hset = _set(p, PLAN_SET_HASH, 4, values->values, values->nvalues, NULL);
        ((struct plan_slot *)a->slot)->hashed = true;
    }
}

/* The set maps of a string atom. */
static void _plan_str_sets(struct plan *p, struct plan_atom *a)
{
    uint32_t size = a->slot->kf->size;
    enum ast_op op = a->cmp->cmp.op;
    a->fit = _fitting(p, a->cmp, size, op == OP_PMATCH ? 1 : 0);
    switch (op) {
    case OP_IN:
        if (a->fit.nvalues > 2)
            _str_set(p, a, &a->fit);
        break;
    case OP_STARTSWITH:
        if (a->fit.nvalues && a->fit.kind != RHS_VALUE)
            a->set = _set(p, PLAN_SET_PREFIX, size, a->fit.values, a->fit.nvalues, NULL);
        break;
    case OP_GLOB:
        split_glob_pieces(&a->cmp->cmp.rhs.values[0], &a->glob);
        for (size_t i = 0; i < a->glob.nmiddle; i++)
            a->glob_needles[i] = _needle(p, &a->glob.middle[i], false);
        break;
    case OP_CONTAINS:
    case OP_ICONTAINS:
        if (a->fit.nvalues) {
            a->needle = _needle(p, &a->fit.values[0], op == OP_ICONTAINS);
        }
        break;
    case OP_PMATCH: {
        /* pmatch (/a/b): /a/b itself, or anything below /a/b/. A constant of exactly size - 1
         * bytes can still equal a complete value; only its "below" entry cannot fit (and no
         * complete value is below it). */
        struct ast_rhs exact = _fitting(p, a->cmp, size, 0);
        if (!exact.nvalues)
            break;
        _str_set(p, a, &exact);
        if (a->fit.nvalues)
            a->below = _set(p, PLAN_SET_PREFIX, size, a->fit.values, a->fit.nvalues, "/");
        break;
    }
    default:
        break;
    }
}

/* ---- atoms ------------------------------------------------------------------------------------
 */

/* The indexes of a name atom's constants among the policy's names; -1 when there would be more
 * than the kernel's masks hold (the atom is then left to userspace). */
static int _plan_dns(struct plan *p, struct plan_atom *a)
{
    const struct ast_rhs *rhs = &a->cmp->cmp.rhs;
    a->dns = arena_alloc(p->arena, (rhs->nvalues + 1) * sizeof(*a->dns));
    for (size_t i = 0; i < rhs->nvalues; i++) {
        size_t k = 0;
        while (k < p->dns_names.len && strcmp(p->dns_names.items[k], rhs->values[i].text))
            k++;
        if (k == p->dns_names.len) {
            if (k == RULEC_DNS_MAX_NAMES)
                return -1;
            ptr_vec_push(p->arena, &p->dns_names, (void *)rhs->values[i].text);
        }
        a->dns[i] = k;
    }
    return 0;
}

/* What code decides the atom, with its slot, sets and register tests. Atoms are planned in
 * order, so that sets and test functions are numbered as the atoms that use them. */
static void _plan_atom(struct plan *p, struct plan_atom *a)
{
    const struct ast_field *f = &a->cmp->cmp.lhs;
    a->set = a->below = a->hset = PLAN_NO_SET;
    if (f->def->id == FIELD_EVT_TYPE) {
        a->kind = PLAN_ATOM_EVTTYPE;
        return;
    }
    if (f->def->id == FIELD_EVT_RES) {
        a->kind = PLAN_ATOM_EVTRES;
        return;
    }
    const char *arg = ast_field_arg(f);
    const struct kfield *kf = kfield_for(f->def, arg);
    struct plan_slot *slots[2] = {NULL, NULL};
    if (!kf->header) {
        size_t n = _field_slots(p, f->def, arg, kf, slots);
        if (n == 0) {
            a->kind = PLAN_ATOM_MAYBE;
            return;
        }
        a->slot = slots[0];
        a->slot2 = n == 2 ? slots[1] : NULL;
    }
    if (kf->kind == KF_DNS) {
        a->kind = _plan_dns(p, a) < 0 ? PLAN_ATOM_MAYBE : PLAN_ATOM_DNS;
    } else if (kf->kind == KF_IP) {
        a->kind = PLAN_ATOM_IP;
    } else if (kf->caps && a->cmp->cmp.op != OP_EXISTS) {
        a->kind = PLAN_ATOM_CAPS;
    } else if (kf->arg_by_syscall && kf->kind == KF_NUM && a->cmp->cmp.op != OP_EXISTS) {
        a->kind = PLAN_ATOM_SYSARG;
        a->argtest = p->nargtests++;
    } else if (kf->kind == KF_NUM) {
        a->kind = PLAN_ATOM_NUM;
    } else {
        a->kind = PLAN_ATOM_STR;
        _plan_str_sets(p, a);
    }
}

/* An evt.type comparison's value on every syscall of events: 1 or 0, or -1 when it depends on
 * which. */
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

static struct plan_atom *_find_atom(const struct plan *p, const char *key)
{
    for (size_t i = 0; i < p->natoms; i++)
        if (!strcmp(p->atoms[i].key, key))
            return &p->atoms[i];
    return NULL;
}

const struct plan_atom *plan_atom_for(const struct plan *p, const struct ast_node *cmp,
                                      const struct ptr_vec *events, int *folded)
{
    *folded = -1;
    if (!split_atom_in_kernel(cmp))
        return NULL;
    if (events && cmp->cmp.lhs.def->id == FIELD_EVT_TYPE) {
        *folded = _evttype_fold(cmp, events);
        if (*folded >= 0)
            return NULL;
    }
    return _find_atom(p, ast_to_string(p->arena, cmp));
}

struct atom_walk {
    struct plan *p;
    const struct ptr_vec *events;
};

/* Registers the atoms one rule function uses, in the order it tests them. */
static void _use_atom(const struct ast_node *n, void *ctx)
{
    struct atom_walk *w = ctx;
    struct plan *p = w->p;
    if (!split_atom_in_kernel(n))
        return;
    if (n->cmp.lhs.def->id == FIELD_EVT_TYPE && _evttype_fold(n, w->events) >= 0)
        return;
    const char *key = ast_to_string(p->arena, n);
    struct plan_atom *a = _find_atom(p, key);
    if (!a) {
        p->atoms = _grow(p->atoms, p->natoms, sizeof(*p->atoms));
        a = &p->atoms[p->natoms++];
        *a = (struct plan_atom){.cmp = n, .key = key, .memo = -1};
    }
    a->uses++;
}

/* ---- groups -----------------------------------------------------------------------------------
 */

bool plan_group_has_rule(const struct plan_group *grp, size_t rule)
{
    return (grp->rules[rule / 64] >> (rule % 64)) & 1;
}

bool plan_rule_reserved(const struct plan_rule *r)
{
    return priority_at_least((enum alert_priority)r->rule->priority, ALERT_PRIO_CRITICAL);
}

size_t plan_rule_ngroups(const struct plan *p, size_t rule)
{
    size_t n = 0;
    for (size_t gi = 0; gi < p->ngroups; gi++)
        n += plan_group_has_rule(&p->groups[gi], rule);
    return n;
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

/* A group whose rules are all in another group runs in that group's program: each rule tests
 * its own event types first, so the result is the same, the larger group's events run exactly
 * what they ran before, and the verifier checks the field extractors both need once instead of
 * twice (each program verifies the global functions it calls). The smallest superset takes it,
 * so its events run as few extra rules as possible. */
static void _merge_subset_groups(struct plan *p, size_t words)
{
    struct plan_group *groups = p->groups;
    for (size_t a = 0; a < p->ngroups;) {
        size_t best = p->ngroups, best_n = 0;
        for (size_t b = 0; b < p->ngroups; b++) {
            if (b == a || !_is_subset(groups[a].rules, groups[b].rules, words))
                continue;
            size_t n = _popcount(groups[b].rules, words);
            if (best == p->ngroups || n < best_n) {
                best = b;
                best_n = n;
            }
        }
        if (best == p->ngroups) {
            a++;
            continue;
        }
        for (size_t i = 0; i < groups[a].events.len; i++)
            ptr_vec_push(p->arena, &groups[best].events, groups[a].events.items[i]);
        memmove(&groups[a], &groups[a + 1], (p->ngroups - a - 1) * sizeof(*groups));
        p->ngroups--;
    }
}

static void _plan_groups(struct plan *p)
{
    size_t words = (p->nrules + 63) / 64;
    uint64_t *bits = arena_alloc(p->arena, (words + 1) * 8);
    for (size_t ti = 0; ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->hook != EVTHOOK_SYS_EXIT)
            continue;
        memset(bits, 0, (words + 1) * 8);
        bool any = false;
        for (size_t i = 0; i < p->nrules; i++)
            if (evtset_has(&p->rules[i].rule->evttypes, t)) {
                bits[i / 64] |= 1ULL << (i % 64);
                any = true;
            }
        if (!any)
            continue;
        size_t gi = 0;
        while (gi < p->ngroups && memcmp(p->groups[gi].rules, bits, words * 8))
            gi++;
        if (gi == p->ngroups) {
            p->groups = _grow(p->groups, p->ngroups, sizeof(*p->groups));
            p->groups[gi] = (struct plan_group){.rules = arena_alloc(p->arena, (words + 1) * 8)};
            memcpy(p->groups[gi].rules, bits, words * 8);
            p->ngroups++;
        }
        ptr_vec_push(p->arena, &p->groups[gi].events, (void *)t);
    }
    _merge_subset_groups(p, words);
}

/* ---- gates ------------------------------------------------------------------------------------
 */

static struct plan_gate *_gate(struct plan *p, struct plan_group *grp, struct plan_atom *a)
{
    size_t words = (p->nrules + 63) / 64;
    for (size_t i = 0; i < grp->ngates; i++)
        if (grp->gates[i].atom == a)
            return &grp->gates[i];
    grp->gates = _grow(grp->gates, grp->ngates, sizeof(*grp->gates));
    struct plan_gate *g = &grp->gates[grp->ngates++];
    *g = (struct plan_gate){.atom = a,
                            .kill_no = arena_alloc(p->arena, (words + 1) * 8),
                            .kill_yes = arena_alloc(p->arena, (words + 1) * 8)};
    memset(g->kill_no, 0, (words + 1) * 8);
    memset(g->kill_yes, 0, (words + 1) * 8);
    a->uses++; /* decided by the program, and again (memoised) by the rules */
    a->gate = true;
    return g;
}

/* A top-level conjunct of rule `ri` that can gate it in this group. */
static void _gate_conjunct(struct plan *p, struct plan_group *grp, size_t ri,
                           const struct ast_node *c)
{
    bool negated = c->kind == AST_NOT;
    const struct ast_node *cmp = negated ? c->operand : c;
    if (cmp->kind != AST_CMP || order_atom_cost(cmp) > PLAN_GATE_MAX_COST)
        return;
    int folded;
    struct plan_atom *a = (struct plan_atom *)plan_atom_for(p, cmp, &grp->events, &folded);
    if (!a)
        return;
    struct plan_gate *g = _gate(p, grp, a);
    uint64_t *kill = negated ? g->kill_yes : g->kill_no;
    kill[ri / 64] |= 1ULL << (ri % 64);
}

static int _by_gate_cost(const void *a, const void *b)
{
    const struct plan_gate *x = a, *y = b;
    double cx = order_atom_cost(x->atom->cmp), cy = order_atom_cost(y->atom->cmp);
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return x->atom < y->atom ? -1 : x->atom > y->atom; /* atom order: deterministic */
}

static void _plan_gates(struct plan *p, struct plan_group *grp)
{
    for (size_t i = 0; i < p->nrules; i++) {
        if (!plan_group_has_rule(grp, i))
            continue;
        const struct ast_node *e = p->rules[i].expr;
        if (e->kind == AST_AND)
            for (size_t k = 0; k < e->list.nkids; k++)
                _gate_conjunct(p, grp, i, e->list.kids[k]);
        else
            _gate_conjunct(p, grp, i, e);
    }
    if (grp->ngates)
        qsort(grp->gates, grp->ngates, sizeof(*grp->gates), _by_gate_cost);
}

/* ---- the pass ---------------------------------------------------------------------------------
 */

int plan_policy(struct ruleset *rs, struct plan *out)
{
    struct plan *p = out;
    *p = (struct plan){.arena = rs->arena};
    p->slots = arena_alloc(rs->arena, RULEC_MAX_SLOTS * sizeof(*p->slots));
    p->rules = arena_alloc(rs->arena, (rs->nrules + 1) * sizeof(*p->rules));
    for (size_t i = 0; i < rs->nrules; i++)
        if (rs->rules[i]->split.audit)
            ptr_vec_push(rs->arena, &p->audit_rules, rs->rules[i]);
        else if (rs->rules[i]->split.compiled)
            p->rules[p->nrules++] = (struct plan_rule){
                .rule = rs->rules[i],
                .expr = order_condition(rs->arena, rs->rules[i]->lowered),
            };
    /* Any syscall rule's alert may print a parent's or an ancestor's fields, which the runtime
     * reads from the process cache (rulec_pcache.h), so every such policy keeps one. */
    p->proc_cache = p->nrules > 0;
    /* Slots first (conditions, then outputs), in rule order. */
    for (size_t i = 0; i < p->nrules; i++) {
        struct capture_walk c = {.p = p, .r = &p->rules[i]};
        ast_foreach_cmp(p->rules[i].rule->lowered, _capture_atom, &c);
        _capture_output(p, &p->rules[i]);
    }
    _plan_groups(p);
    /* The atoms, in the order the rule functions (one per rule and program) first use them. */
    for (size_t i = 0; i < p->nrules; i++)
        for (size_t gi = 0; gi < p->ngroups; gi++) {
            if (!plan_group_has_rule(&p->groups[gi], i))
                continue;
            struct atom_walk w = {.p = p, .events = &p->groups[gi].events};
            ast_foreach_cmp(p->rules[i].expr, _use_atom, &w);
        }
    for (size_t gi = 0; gi < p->ngroups; gi++)
        _plan_gates(p, &p->groups[gi]);
    for (size_t i = 0; i < p->natoms; i++) {
        struct plan_atom *a = &p->atoms[i];
        if (a->uses >= 2)
            a->memo = (long)p->nmemo++;
        _plan_atom(p, a);
    }
    _layout(p);
    return 0;
}

size_t plan_profile_rule(const struct plan *p, size_t rule)
{
    return p->nslots + rule;
}

size_t plan_profile_group(const struct plan *p, size_t group)
{
    return p->nslots + p->nrules + group;
}

size_t plan_profile_capture(const struct plan *p)
{
    return p->nslots + p->nrules + p->ngroups;
}

size_t plan_profile_entries(const struct plan *p)
{
    return plan_profile_capture(p) + 1;
}

void plan_free(struct plan *p)
{
    for (size_t gi = 0; gi < p->ngroups; gi++)
        free(p->groups[gi].gates);
    free(p->needles);
    free(p->sets);
    free(p->atoms);
    free(p->groups);
    *p = (struct plan){0};
}
