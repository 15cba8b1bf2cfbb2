#include "compiler/order.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/kfields.h"
#include "compiler/split.h"
#include "core/fields.h"

/* What evaluating a subtree is expected to cost and to yield: the probabilities of a definite
 * yes and a definite no (the rest is maybe). The probabilities are guesses from the operator:
 * a rule's positive tests (`fd.name in (...)`, `proc.name = x`) rarely hold, its exceptions
 * (`not proc.name in (...)`) nearly always pass. They only rank operands; a wrong guess costs
 * time, never a result. */
struct est {
    double cost, p_yes, p_no;
};

/* The fields the tests ordered so far have read: later tests on them pay only the compare. */
struct known {
    const struct kfield *kf[64];
    size_t n;
};

static bool _known(const struct known *k, const struct kfield *kf)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->kf[i] == kf)
            return true;
    return false;
}

static void _learn(struct known *k, const struct ast_node *n)
{
    if (n->kind == AST_CMP) {
        const struct kfield *kf = kfield_for(n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs));
        if (kf && !_known(k, kf) && k->n < sizeof(k->kf) / sizeof(k->kf[0]))
            k->kf[k->n++] = kf;
    } else if (n->kind == AST_NOT) {
        _learn(k, n->operand);
    } else if (n->kind == AST_AND || n->kind == AST_OR) {
        for (size_t i = 0; i < n->list.nkids; i++)
            _learn(k, n->list.kids[i]);
    }
}

/* The compare itself, once the value is in its slot. */
static double _op_cost(const struct ast_node *n)
{
    switch (n->cmp.op) {
    case OP_IN:
        return n->cmp.rhs.nvalues > 2 ? 30 : 2;
    case OP_CONTAINS:
    case OP_ICONTAINS:
        return 40;
    case OP_PMATCH:
    case OP_STARTSWITH:
        return n->cmp.rhs.kind == RHS_LIST ? 40 : 2;
    case OP_ENDSWITH:
        return 10;
    default:
        return 1;
    }
}

static double _field_cost(const struct kfield *kf, const struct known *k)
{
    if (!kf || _known(k, kf))
        return 0;
    double c = kf->cost;
    if (kf->from_fd_name) {
        const struct field_def *name = field_by_id(FIELD_FD_NAME);
        const struct kfield *nk = kfield_for(name, NULL);
        if (!_known(k, nk))
            c += nk->cost;
    }
    return c;
}

/* How likely a kernel comparison holds: a value equals one given constant rarely (a rule's
 * exception names one program among thousands), a few constants a little more often. */
static double _p_true(const struct ast_node *n)
{
    if (n->cmp.lhs.def && n->cmp.lhs.def->type == FT_BOOL)
        return 0.5;
    double values = n->cmp.rhs.nvalues ? (double)n->cmp.rhs.nvalues : 1;
    double one = 0.01;
    switch (n->cmp.op) {
    case OP_EXISTS:
        return 0.9;
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        return 0.5;
    case OP_STARTSWITH:
    case OP_ENDSWITH:
    case OP_CONTAINS:
    case OP_ICONTAINS:
    case OP_GLOB:
    case OP_PMATCH:
        one = 0.05;
        break;
    default:
        break;
    }
    double p = one + 0.002 * (values - 1); /* an allow list of hundreds: still rare */
    if (p > 0.1)
        p = 0.1;
    return n->cmp.op == OP_NE ? 1 - p : p;
}

static struct est _estimate(const struct ast_node *n, const struct known *k);

static struct est _atom(const struct ast_node *n, const struct known *k)
{
    if (!split_atom_in_kernel(n))
        return (struct est){0, 0, 0}; /* maybe: no read, no decision */
    if (n->cmp.lhs.def->id == FIELD_EVT_TYPE) {
        double p = 0.5;
        return (struct est){0, p, 1 - p};
    }
    const struct kfield *kf = kfield_for(n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs));
    double p = _p_true(n);
    return (struct est){_field_cost(kf, k) + _op_cost(n), p, 1 - p};
}

/* Ranking key of an operand: its cost per chance of ending the AND (a no) or the OR (a yes). */
static double _key(const struct est *e, bool is_and)
{
    double p = is_and ? e->p_no : e->p_yes;
    return p <= 0 ? DBL_MAX : e->cost / p;
}

/* Picks the operands of an AND or OR greedily, cheapest-to-decide first, the fields of those
 * picked so far counted as read; fills order[] with kid indexes and returns the estimate. */
static struct est _order_list(const struct ast_node *n, const struct known *k0, size_t *order)
{
    bool is_and = n->kind == AST_AND;
    size_t m = n->list.nkids;
    bool *used = calloc(m ? m : 1, sizeof(*used));
    if (!used)
        abort();
    struct known k = *k0;
    struct est total = {0, is_and ? 1 : 0, is_and ? 0 : 1};
    double reach = 1; /* probability that the next operand is evaluated */
    for (size_t step = 0; step < m; step++) {
        size_t best = m;
        struct est best_e = {0};
        double best_key = 0;
        for (size_t i = 0; i < m; i++) {
            if (used[i])
                continue;
            struct est e = _estimate(n->list.kids[i], &k);
            double key = _key(&e, is_and);
            if (best == m || key < best_key) {
                best = i;
                best_e = e;
                best_key = key;
            }
        }
        used[best] = true;
        order[step] = best;
        total.cost += reach * best_e.cost;
        if (is_and) {
            reach *= 1 - best_e.p_no;
            total.p_yes *= best_e.p_yes;
            total.p_no = 1 - (1 - total.p_no) * (1 - best_e.p_no);
        } else {
            reach *= 1 - best_e.p_yes;
            total.p_no *= best_e.p_no;
            total.p_yes = 1 - (1 - total.p_yes) * (1 - best_e.p_yes);
        }
        _learn(&k, n->list.kids[best]);
    }
    free(used);
    return total;
}

static struct est _estimate(const struct ast_node *n, const struct known *k)
{
    switch (n->kind) {
    case AST_CMP:
        return _atom(n, k);
    case AST_NOT: {
        struct est e = _estimate(n->operand, k);
        return (struct est){e.cost, e.p_no, e.p_yes};
    }
    case AST_AND:
    case AST_OR: {
        size_t *order = calloc(n->list.nkids ? n->list.nkids : 1, sizeof(*order));
        if (!order)
            abort();
        struct est e = _order_list(n, k, order);
        free(order);
        return e;
    }
    case AST_BOOL:
        return (struct est){0, n->value ? 1 : 0, n->value ? 0 : 1};
    default:
        return (struct est){0, 0, 0};
    }
}

double order_atom_cost(const struct ast_node *cmp)
{
    struct known k = {.n = 0};
    return _atom(cmp, &k).cost;
}

static struct ast_node *_order(struct arena *arena, const struct ast_node *n, const struct known *k)
{
    struct ast_node *out = ast_clone(arena, n);
    if (n->kind == AST_NOT) {
        out->operand = _order(arena, n->operand, k);
    } else if (n->kind == AST_AND || n->kind == AST_OR) {
        size_t m = n->list.nkids;
        size_t *order = arena_alloc(arena, (m + 1) * sizeof(*order));
        _order_list(n, k, order);
        struct known kk = *k;
        for (size_t i = 0; i < m; i++) {
            out->list.kids[i] = _order(arena, n->list.kids[order[i]], &kk);
            _learn(&kk, n->list.kids[order[i]]);
        }
    }
    return out;
}

struct ast_node *order_condition(struct arena *arena, const struct ast_node *cond)
{
    struct known k = {.n = 0};
    return _order(arena, cond, &k);
}
