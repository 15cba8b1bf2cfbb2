#include "compiler/split.h"

#include <string.h>

#include "compiler/available.h"
#include "compiler/check.h"
#include "compiler/kfields.h"
#include "core/evttypes.h"
#include "core/field_readers.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/ipaddr.h"
#include "core/sysargs.h"

/* Constants longer than the slot need no kernel form: a complete value
 * (shorter than the slot) can neither equal nor start or end with them, and
 * a value too long for the slot is "truncated", which is "maybe" anyway. So
 * codegen drops them (split_value_fits); only NUL bytes, which a C-string
 * slot cannot hold, keep an atom out of the kernel. */
static bool _values_fit(const struct ast_node *cmp, uint32_t size, size_t extra)
{
    (void)size;
    (void)extra;
    for (size_t i = 0; i < cmp->cmp.rhs.nvalues; i++)
        if (memchr(cmp->cmp.rhs.values[i].text, '\0', cmp->cmp.rhs.values[i].len))
            return false;
    return true;
}

/* pmatch constants the kernel's byte sets decide like Falco's component
 * match: absolute, normalised, no glob characters, not the root itself. */
static bool _values_normalized(const struct ast_node *cmp)
{
    for (size_t i = 0; i < cmp->cmp.rhs.nvalues; i++) {
        const struct ast_value *v = &cmp->cmp.rhs.values[i];
        if (v->len < 2 || v->text[0] != '/' || v->text[v->len - 1] == '/' ||
            strpbrk(v->text, "*?[") || strstr(v->text, "//") || strstr(v->text, "/./") ||
            strstr(v->text, "/../"))
            return false;
        size_t n = v->len;
        if ((n >= 2 && strcmp(v->text + n - 2, "/.") == 0) ||
            (n >= 3 && strcmp(v->text + n - 3, "/..") == 0))
            return false;
    }
    return true;
}

bool split_value_fits(const struct ast_value *v, uint32_t slot_size, size_t extra)
{
    return v->len + extra < slot_size;
}

static bool _values_numeric(const struct ast_node *cmp)
{
    for (size_t i = 0; i < cmp->cmp.rhs.nvalues; i++) {
        long long v;
        if (check_parse_num(cmp->cmp.lhs.def, cmp->cmp.rhs.values[i].text, &v) < 0)
            return false;
    }
    return true;
}

/* Addresses are compared in binary: every constant must be an address or a network (an
 * address field may be compared with networks, rulec's extension), which core/ipaddr reads as
 * the checker and the interpreter do. */
static bool _values_ip(const struct ast_node *cmp)
{
    bool want_net = cmp->cmp.lhs.def->type == FT_IPNET;
    for (size_t i = 0; i < cmp->cmp.rhs.nvalues; i++) {
        struct ipaddr ip;
        if (!ipaddr_parse(cmp->cmp.rhs.values[i].text, cmp->cmp.rhs.values[i].len, want_net, &ip))
            return false;
    }
    return true;
}

/* evt.arg.NAME of a flag or number argument against text: decided from the register when, for
 * every syscall with that argument, the text Falco prints can be turned into bit tests. */
int split_glob_pieces(const struct ast_value *pattern, struct split_glob *out)
{
    const char *t = pattern->text;
    size_t n = pattern->len, start = 0;
    if (memchr(t, '\0', n) || !memchr(t, '*', n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '?' || t[i] == '[' || t[i] == '\\')
            return -1; /* fnmatch's other forms stay in userspace */
    struct split_glob g = {.nmiddle = 0};
    bool first = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && t[i] != '*')
            continue;
        struct ast_value piece = {.text = t + start, .len = i - start};
        if (piece.len > SPLIT_NEEDLE_MAX)
            return -1;
        if (first)
            g.prefix = piece;
        else if (i == n)
            g.suffix = piece;
        else if (piece.len && g.nmiddle == SPLIT_GLOB_PIECES)
            return -1;
        else if (piece.len)
            g.middle[g.nmiddle++] = piece;
        first = false;
        start = i + 1;
    }
    if (out)
        *out = g;
    return 0;
}

int split_caps_terms(const struct ast_node *cmp, struct sysarg_term *terms, size_t max)
{
    enum ast_op op = cmp->cmp.op;
    if ((op != OP_CONTAINS && op != OP_ICONTAINS) || cmp->cmp.rhs.kind != RHS_VALUE)
        return -1;
    const struct ast_value *v = &cmp->cmp.rhs.values[0];
    char upper[SPLIT_NEEDLE_MAX + 1];
    if (v->len > SPLIT_NEEDLE_MAX)
        return -1;
    /* The names are upper case: icontains is contains of the upper-cased constant. */
    for (size_t i = 0; i < v->len; i++)
        upper[i] = op == OP_ICONTAINS && v->text[i] >= 'a' && v->text[i] <= 'z'
                       ? (char)(v->text[i] - 'a' + 'A')
                       : v->text[i];
    struct sysarg_term scratch[SPLIT_MAX_ARG_TERMS];
    return sysarg_terms(SA_CAPS, OP_CONTAINS, upper, v->len, terms ? terms : scratch,
                        terms ? max : SPLIT_MAX_ARG_TERMS);
}

enum ast_op split_sysarg_op(enum ast_op op)
{
    return op == OP_NE || op == OP_IN ? OP_EQ : op;
}

static bool _sysarg_decidable(const struct ast_node *cmp, const char *param)
{
    enum ast_op op = split_sysarg_op(cmp->cmp.op);
    struct sysarg_term terms[SPLIT_MAX_ARG_TERMS];
    for (size_t i = 0; i < sysarg_count(); i++) {
        const struct sysarg *a = sysarg_at(i);
        if (strcmp(a->param, param) != 0)
            continue;
        for (size_t v = 0; v < cmp->cmp.rhs.nvalues; v++)
            if (sysarg_terms(a->kind, op, cmp->cmp.rhs.values[v].text, cmp->cmp.rhs.values[v].len,
                             terms, SPLIT_MAX_ARG_TERMS) < 0)
                return false;
    }
    return true;
}

bool split_atom_in_kernel(const struct ast_node *cmp)
{
    const struct ast_field *f = &cmp->cmp.lhs;
    if (cmp->kind != AST_CMP || !f->def || f->ntransformers || cmp->cmp.modifier != MOD_NONE ||
        cmp->cmp.rhs.kind == RHS_FIELD)
        return false;
    enum ast_op op = cmp->cmp.op;
    if (f->def->id == FIELD_EVT_TYPE || f->def->id == FIELD_EVT_RES)
        return op == OP_EQ || op == OP_NE || op == OP_IN;
    const struct kfield *kf = kfield_for(f->def, ast_field_arg(f));
    if (!kf)
        return false;
    if (kf->either_end && op != OP_EQ && op != OP_NE && op != OP_IN)
        return false; /* libsinsp's compare_ip, _net, _port know no other operator */
    if (op == OP_EXISTS)
        return true;
    if (kf->caps)
        return split_caps_terms(cmp, NULL, 0) >= 0;
    if (kf->kind == KF_STR && kf->size > SPLIT_CONTAINS_SLOT)
        return false; /* proc.env: captured for the runtime only */
    if (kf->arg_by_syscall && kf->kind == KF_NUM) {
        bool text_op = op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_CONTAINS ||
                       op == OP_STARTSWITH || op == OP_ENDSWITH;
        return text_op && cmp->cmp.rhs.nvalues > 0 && _sysarg_decidable(cmp, ast_field_arg(f));
    }
    if (kf->kind == KF_DNS) /* libsinsp's compare_domain: =, != and in */
        return (op == OP_EQ || op == OP_NE || op == OP_IN) && _values_fit(cmp, kf->size, 0);
    if (kf->kind == KF_IP)
        return (op == OP_EQ || op == OP_NE || op == OP_IN) && _values_ip(cmp);
    if (kf->kind == KF_NUM) {
        switch (op) {
        case OP_EQ:
        case OP_NE:
        case OP_LT:
        case OP_LE:
        case OP_GT:
        case OP_GE:
        case OP_IN:
            return _values_numeric(cmp);
        default:
            return false;
        }
    }
    switch (op) {
    case OP_EQ:
    case OP_NE:
    case OP_IN:
    case OP_STARTSWITH:
    case OP_ENDSWITH:
        return _values_fit(cmp, kf->size, 0);
    case OP_PMATCH:
        return kf->normalized_path && _values_normalized(cmp) && _values_fit(cmp, kf->size, 1);
    case OP_GLOB:
        return kf->size == SPLIT_CONTAINS_SLOT && cmp->cmp.rhs.kind == RHS_VALUE &&
               cmp->cmp.rhs.nvalues == 1 && split_glob_pieces(&cmp->cmp.rhs.values[0], NULL) >= 0;
    case OP_CONTAINS:
    case OP_ICONTAINS:
        /* A word-at-a-time search (rulec_str_contains) over the long string slots. */
        return kf->size == SPLIT_CONTAINS_SLOT && cmp->cmp.rhs.kind == RHS_VALUE &&
               cmp->cmp.rhs.nvalues == 1 && cmp->cmp.rhs.values[0].len <= SPLIT_NEEDLE_MAX &&
               _values_fit(cmp, kf->size, 0);
    default:
        return false;
    }
}

static void _split_atom(const struct ast_node *n, void *ctx)
{
    struct rs_split *out = ctx;
    if (!split_atom_in_kernel(n)) {
        out->exact = false;
        if (!out->first_maybe)
            out->first_maybe = n;
    } else if (n->cmp.lhs.def->id != FIELD_EVT_TYPE) {
        out->filters = true;
    }
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

static void _warn_maybe(const struct rs_rule *rule, struct diag_list *diags)
{
    if (rule->split.filters || !rule->split.first_maybe)
        return;
    for (size_t ti = 0; ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->nr >= 0 && evtset_has(&rule->evttypes, t) && _frequent(t->name)) {
            const struct ast_node *a = rule->split.first_maybe;
            diag_report(diags, DIAG_RULEC_KERNEL_MAYBE, a->pos, rule->name,
                        "rule '%s': the kernel cannot decide '%s %s ...' on '%s', so every %s "
                        "event goes to userspace; add a condition the kernel can check",
                        rule->name, a->cmp.lhs.name, ast_op_name(a->cmp.op), t->name, t->name);
            return;
        }
    }
}

bool split_rule_hooked(const struct rs_rule *rule)
{
    for (size_t ti = 0; ti < evttype_count(); ti++) {
        const struct evttype *t = evttype_at(ti);
        if (t->hook == EVTHOOK_SYS_EXIT && evtset_has(&rule->evttypes, t))
            return true;
    }
    return false;
}

/* ---- fields rulec run cannot give a value ------------------------------------------------------
 */

/* Why the field has no value in this rule, or NULL when it has one. A field with a reader may
 * still have none on some of the rule's event types where libsinsp has one (evt.args of an
 * open): *type names the first such type, NULL otherwise. */
static const char *_unavailable_reason(const struct rs_rule *rule, const struct field_def *def,
                                       const char *arg, const struct evttype **type)
{
    *type = NULL;
    if (!def)
        return NULL; /* an unknown field is check.c's error */
    if (!available_field(field_source_from_name(rule->source), def, arg))
        return field_unavailable_reason(def);
    if (kfield_for(def, arg) || field_source_from_name(rule->source) == FSRC_K8S_AUDIT)
        return NULL;
    const struct evttype *t;
    evtset_foreach(&rule->evttypes, t)
    {
        const char *gap = t->hook != EVTHOOK_NONE ? field_reader_gap(def->id, t) : NULL;
        if (gap) {
            *type = t;
            return gap;
        }
    }
    return NULL;
}

struct unavailable {
    struct rs_rule *rule;
    struct diag_list *diags;
    struct ptr_vec partly; /* reported fields that have a value on other event types */
};

static void _unavailable_field(struct unavailable *u, const struct ast_field *f, bool output)
{
    const struct evttype *t;
    const char *reason = _unavailable_reason(u->rule, f->def, ast_field_arg(f), &t);
    if (!reason)
        return;
    /* each field reported once a rule; only those <NA> on every event go to the metadata
     * (rulec inspect's "always <NA>") */
    struct ptr_vec *seen = t ? &u->partly : &u->rule->split.unavailable;
    for (size_t i = 0; i < seen->len; i++)
        if (!strcmp(seen->items[i], f->name))
            return;
    ptr_vec_push(u->rule->split_arena, seen, (void *)f->name);
    diag_report(u->diags, DIAG_RULEC_FIELD_UNAVAILABLE, f->pos, u->rule->name,
                "rule '%s': field '%s' has no value in rulec run%s%s (%s), so %s", u->rule->name,
                f->name, t ? " on " : "", t ? t->name : "", reason,
                output ? "the output prints <NA> for it"
                       : "a comparison on it is never true (as on Falco's <NA>)");
}

static void _unavailable_atom(const struct ast_node *n, void *ctx)
{
    struct unavailable *u = ctx;
    _unavailable_field(u, &n->cmp.lhs, false);
    if (n->cmp.rhs.kind == RHS_FIELD)
        _unavailable_field(u, &n->cmp.rhs.field, false);
}

/* Reports every field of the rule's condition and output that can only be <NA> here. */
static void _check_available(struct rs_rule *rule, struct arena *arena, struct diag_list *diags)
{
    rule->split_arena = arena;
    struct unavailable u = {.rule = rule, .diags = diags};
    ast_foreach_cmp(rule->ast, _unavailable_atom, &u);
    if (!rule->output.text)
        return;
    struct diag_list ignored = {0};
    struct format_template *tpl =
        format_parse(arena, rule->output.text, rule->output.len, &rule->output.map, &ignored);
    diag_list_free(&ignored);
    for (size_t i = 0; tpl && i < tpl->nparts; i++)
        if (tpl->parts[i].field.name)
            _unavailable_field(&u, &tpl->parts[i].field, true);
}

static void _split_one(struct rs_rule *rule, struct diag_list *diags)
{
    rule->split = (struct rs_split){0};
    if (rule->skipped || !rule->lowered || !rule->enabled)
        return;
    if (rule->lowered->kind == AST_BOOL && !rule->lowered->value)
        return; /* never_true: nothing to hook or evaluate (lower.c said so) */
    enum field_source src = field_source_from_name(rule->source);
    if (src == FSRC_K8S_AUDIT) {
        rule->split.audit = true; /* the runtime's interpreter decides it on audit events */
        return;
    }
    if (src != FSRC_SYSCALL) {
        diag_report(diags, DIAG_RULEC_NOT_COMPILED, rule->pos, rule->name,
                    "rule '%s' has source %s, which rulec run has no event source for; "
                    "not compiled",
                    rule->name, rule->source);
        return;
    }
    rule->split.exact = true;
    ast_foreach_cmp(rule->lowered, _split_atom, &rule->split);
    if (!split_rule_hooked(rule)) {
        diag_report(diags, DIAG_RULEC_NOT_COMPILED, rule->pos, rule->name,
                    "rule '%s' matches no event type rulec can hook; not compiled", rule->name);
        return;
    }
    rule->split.compiled = true;
    _warn_maybe(rule, diags);
}

int split_ruleset(struct ruleset *rs, struct diag_list *diags)
{
    for (size_t i = 0; i < rs->nrules; i++) {
        _split_one(rs->rules[i], diags);
        if (rs->rules[i]->split.compiled || rs->rules[i]->split.audit)
            _check_available(rs->rules[i], rs->arena, diags);
    }
    return 0;
}
