#include "compiler/lower.h"

#include <string.h>

#include "compiler/available.h"
#include "core/evttypes.h"
#include "core/fields.h"

static struct ast_node *_bool(struct arena *arena, struct src_pos pos, bool value)
{
    struct ast_node *n = ast_new(arena, AST_BOOL, pos);
    n->value = value;
    return n;
}

/* One condition's lowering: the facts it folds, and the first comparison each kind of fold
 * removed, for the diagnostic when the whole condition folds to false. */
struct lowering {
    struct arena *arena;
    enum field_source source;
    const struct ast_node *first_na;    /* a comparison on a field rulec run has no value for */
    const struct ast_node *first_empty; /* `in ()` */
};

static bool _field_na(const struct lowering *lw, const struct ast_field *f)
{
    return f->def && !available_field(lw->source, f->def, ast_field_arg(f));
}

/* Comparisons whose value is known without an event: 1 true, 0 false, -1 unknown. */
static int _constant_cmp(struct lowering *lw, const struct ast_node *n)
{
    const struct ast_field *f = &n->cmp.lhs;
    if (!f->def)
        return -1;
    /* Falco's <NA>: every comparison on a missing value is false, `exists` included. */
    if (_field_na(lw, f) || (n->cmp.rhs.kind == RHS_FIELD && _field_na(lw, &n->cmp.rhs.field))) {
        if (!lw->first_na)
            lw->first_na = n;
        return 0;
    }
    if (f->ntransformers)
        return -1;
    if (n->cmp.op == OP_IN && n->cmp.rhs.kind == RHS_LIST && n->cmp.rhs.nvalues == 0) {
        if (!lw->first_empty)
            lw->first_empty = n;
        return 0; /* in () matches nothing */
    }
    if (n->cmp.rhs.kind != RHS_VALUE)
        return -1;
    const char *v = n->cmp.rhs.values[0].text;
    if (f->def->id == FIELD_EVT_NUM && n->cmp.op == OP_EQ && strcmp(v, "0") == 0)
        return 0; /* never_true: event numbers start at 1 */
    if (f->def->id == FIELD_EVT_DIR && (n->cmp.op == OP_EQ || n->cmp.op == OP_NE)) {
        /* Falco only sees exit events now: evt.dir is always '<'. */
        bool is_exit = strcmp(v, "<") == 0;
        return n->cmp.op == OP_EQ ? is_exit : !is_exit;
    }
    return -1;
}

static struct ast_node *_nnf(struct lowering *lw, const struct ast_node *n, bool negate);

static struct ast_node *_nnf_list(struct lowering *lw, const struct ast_node *n, bool negate)
{
    /* De Morgan: a negated AND is an OR of negations, and vice versa. */
    enum ast_kind kind = n->kind;
    if (negate)
        kind = kind == AST_AND ? AST_OR : AST_AND;
    bool absorbing = kind == AST_OR; /* true absorbs an OR, false an AND */
    struct ast_node *out = ast_new(lw->arena, kind, n->pos);
    struct ptr_vec kids = {0};
    for (size_t i = 0; i < n->list.nkids; i++) {
        struct ast_node *k = _nnf(lw, n->list.kids[i], negate);
        if (k->kind == AST_BOOL) {
            if (k->value == absorbing)
                return _bool(lw->arena, n->pos, absorbing);
            continue; /* the neutral element */
        }
        if (k->kind == kind) {
            for (size_t j = 0; j < k->list.nkids; j++)
                ptr_vec_push(lw->arena, &kids, k->list.kids[j]);
            continue;
        }
        ptr_vec_push(lw->arena, &kids, k);
    }
    if (kids.len == 0)
        return _bool(lw->arena, n->pos, !absorbing);
    if (kids.len == 1)
        return kids.items[0];
    out->list.kids = (struct ast_node **)kids.items;
    out->list.nkids = kids.len;
    return out;
}

static struct ast_node *_nnf(struct lowering *lw, const struct ast_node *n, bool negate)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        return _nnf_list(lw, n, negate);
    case AST_NOT:
        return _nnf(lw, n->operand, !negate);
    case AST_BOOL:
        return _bool(lw->arena, n->pos, n->value != negate);
    case AST_CMP: {
        int c = _constant_cmp(lw, n);
        if (c >= 0)
            return _bool(lw->arena, n->pos, (c == 1) != negate);
        struct ast_node *cmp = ast_clone(lw->arena, n);
        if (!negate)
            return cmp;
        struct ast_node *not = ast_new(lw->arena, AST_NOT, n->pos);
        not ->operand = cmp;
        return not ;
    }
    case AST_MACRO:
    case AST_KIND_MAX:
        break;
    }
    return ast_clone(lw->arena, n);
}

/* The event types a literal restricts to; NULL when it does not restrict.
 * Only = == != in on evt.type restrict (as Falco computes them). */
static bool _evttype_literal(const struct ast_node *lit, struct evtset *out)
{
    bool negated = lit->kind == AST_NOT;
    const struct ast_node *cmp = negated ? lit->operand : lit;
    if (cmp->kind != AST_CMP || !cmp->cmp.lhs.def || cmp->cmp.lhs.def->id != FIELD_EVT_TYPE ||
        cmp->cmp.lhs.ntransformers)
        return false;
    enum ast_op op = cmp->cmp.op;
    if (op != OP_EQ && op != OP_NE && op != OP_IN)
        return false;
    if (cmp->cmp.rhs.kind != RHS_VALUE && cmp->cmp.rhs.kind != RHS_LIST)
        return false;
    evtset_clear(out);
    for (size_t i = 0; i < cmp->cmp.rhs.nvalues; i++) {
        const struct evttype *t = evttype_lookup(cmp->cmp.rhs.values[i].text);
        if (t)
            evtset_add(out, t);
    }
    if ((op == OP_NE) != negated)
        evtset_complement(out);
    return true;
}

static void _evttypes(const struct ast_node *n, struct evtset *out)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR: {
        struct evtset kid;
        if (n->kind == AST_AND)
            evtset_fill(out);
        else
            evtset_clear(out);
        for (size_t i = 0; i < n->list.nkids; i++) {
            _evttypes(n->list.kids[i], &kid);
            if (n->kind == AST_AND)
                evtset_intersect(out, &kid);
            else
                evtset_union(out, &kid);
        }
        return;
    }
    case AST_BOOL:
        if (n->value)
            evtset_fill(out);
        else
            evtset_clear(out);
        return;
    default:
        if (!_evttype_literal(n, out))
            evtset_fill(out);
        return;
    }
}

/* Falco's threshold for "matches too many event types". */
#define LOWER_MAX_EVTTYPES 100

/* A rule whose whole condition folded to false never fires and is not compiled: say why,
 * unless it was written to be false (Falco's never_true idiom, `evt.num = 0`). */
static void _report_folded(const struct rs_rule *rule, const struct lowering *lw,
                           struct diag_list *diags)
{
    const struct ast_node *a = lw->first_na ? lw->first_na : lw->first_empty;
    if (!a)
        return;
    if (lw->first_na)
        diag_report(diags, DIAG_RULEC_NEVER_TRUE, a->pos, rule->name,
                    "rule '%s' can never fire in rulec run: its condition is false without "
                    "field '%s', which has no value here; not compiled",
                    rule->name,
                    _field_na(lw, &a->cmp.lhs) ? a->cmp.lhs.name : a->cmp.rhs.field.name);
    else
        diag_report(diags, DIAG_RULEC_NEVER_TRUE, a->pos, rule->name,
                    "rule '%s' can never fire: its condition is false for every event "
                    "('%s in' an empty list); not compiled",
                    rule->name, a->cmp.lhs.name);
}

int lower_ruleset(struct ruleset *rs, struct diag_list *diags)
{
    for (size_t i = 0; i < rs->nrules; i++) {
        struct rs_rule *rule = rs->rules[i];
        if (!rule->ast || rule->skipped)
            continue;
        struct lowering lw = {.arena = rs->arena, .source = field_source_from_name(rule->source)};
        rule->lowered = _nnf(&lw, rule->ast, false);
        _evttypes(rule->lowered, &rule->evttypes);
        if (rule->enabled && rule->lowered->kind == AST_BOOL && !rule->lowered->value)
            _report_folded(rule, &lw, diags);
        if (lw.source != FSRC_SYSCALL)
            continue;
        size_t n = evtset_count(&rule->evttypes);
        if (n > LOWER_MAX_EVTTYPES && rule->warn_evttypes)
            diag_report(diags, DIAG_LOAD_NO_EVTTYPE, rule->pos, rule->name,
                        "Rule matches too many evt.type values. This has a significant "
                        "performance penalty.");
        /* A condition that folded to false was reported above; an empty set from
         * contradictory evt.type tests is a mistake. */
        if (n == 0 && rule->lowered->kind != AST_BOOL)
            diag_report(diags, DIAG_RULEC_NEVER_TRUE, rule->condition_pos, rule->name,
                        "condition can never be true: no event type satisfies its evt.type "
                        "tests");
    }
    return 0;
}
