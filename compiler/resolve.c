#include "compiler/resolve.h"
#include "core/text.h"

#include <ctype.h>
#include <string.h>

#include "core/fields.h"
#include "grammar/condition.h"

/* Macro resolution state, indexed like rs->macros. */
enum macro_state {
    MACRO_PENDING,
    MACRO_RESOLVING,
    MACRO_DONE,
    MACRO_FAILED,
};

struct resolver {
    struct ruleset *rs;
    struct diag_list *diags;
    enum macro_state *state;
};

/* Fields of another source are unknown to a rule, except the generic ones
 * every source has in Falco (evt.time, evt.num, ...). */
static bool _field_in_source(const struct field_def *def, const char *source)
{
    enum field_source src = field_source_from_name(source);
    return src == FSRC_MAX || def->source == src || (def->flags & FF_GENERIC);
}

int resolve_field(struct ast_field *field, const char *source, const char *item,
                  struct diag_list *diags, bool report_unknown)
{
    const char *named_arg = NULL;
    const struct field_def *def = field_lookup(field->name, &named_arg);
    if (!def || (source && !_field_in_source(def, source))) {
        if (report_unknown)
            diag_report(diags, DIAG_LOAD_ERR_COMPILE_CONDITION, field->pos, item,
                        "unknown field '%s'%s%s", field->name, source ? " for source " : "",
                        source ? source : "");
        return -1;
    }
    /* A named argument (evt.arg.flags) stays part of the name, so the
     * condition prints back as written; field_lookup gives it again. */
    if (named_arg) {
        if (field->arg) {
            diag_report(diags, DIAG_LOAD_ERR_COMPILE_CONDITION, field->pos, item,
                        "field '%s' does not take an argument", field->name);
            return -1;
        }
    } else if (field->arg) {
        bool index_ok = (def->flags & FF_ARG_INDEX) && text_is_decimal(field->arg);
        bool key_ok = (def->flags & FF_ARG_KEY) != 0;
        if (!index_ok && !key_ok) {
            diag_report(diags, DIAG_LOAD_ERR_COMPILE_CONDITION, field->pos, item,
                        (def->flags & FF_ARG_INDEX) ? "field '%s' takes a numeric index argument"
                                                    : "field '%s' does not take an argument",
                        def->name);
            return -1;
        }
    } else if (def->flags & FF_ARG_REQUIRED) {
        diag_report(diags, DIAG_LOAD_ERR_COMPILE_CONDITION, field->pos, item,
                    "field '%s' requires an argument, as in %s[...]", def->name, def->name);
        return -1;
    }
    field->def = def;
    return 0;
}

/* Binds every field of an inlined rule condition. Returns the number of
 * unknown fields (for skip-if-unknown-filter) or -1 on other errors. */
static int _bind_fields(struct resolver *r, struct ast_node *n, const struct rs_rule *rule,
                        bool *failed, struct src_pos *first_unknown)
{
    int unknown = 0;
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        for (size_t i = 0; i < n->list.nkids; i++)
            unknown += _bind_fields(r, n->list.kids[i], rule, failed, first_unknown);
        return unknown;
    case AST_NOT:
        return _bind_fields(r, n->operand, rule, failed, first_unknown);
    case AST_CMP: {
        struct ast_field *fields[2] = {&n->cmp.lhs,
                                       n->cmp.rhs.kind == RHS_FIELD ? &n->cmp.rhs.field : NULL};
        for (int i = 0; i < 2; i++) {
            struct ast_field *f = fields[i];
            if (!f)
                continue;
            const char *named_arg = NULL;
            const struct field_def *def = field_lookup(f->name, &named_arg);
            bool unknown_field = !def || !_field_in_source(def, rule->source);
            if (unknown_field && rule->skip_if_unknown_filter) {
                if (!unknown++)
                    *first_unknown = f->pos;
                continue;
            }
            if (resolve_field(f, rule->source, rule->name, r->diags, true) < 0)
                *failed = true;
            if (f->def && (f->def->flags & FF_DEPRECATED))
                diag_report(r->diags, DIAG_LOAD_DEPRECATED_ITEM, f->pos, rule->name,
                            "field '%s' is deprecated", f->def->name);
        }
        return unknown;
    }
    case AST_MACRO:
    case AST_BOOL:
    case AST_KIND_MAX:
        return 0;
    }
    return 0;
}

static struct ast_node *_expand(struct resolver *r, struct ast_node *n, size_t visibility,
                                const char *item, bool *failed);

/* Resolves macro i (its own references expanded) on first use. */
static struct ast_node *_macro_body(struct resolver *r, size_t i)
{
    struct rs_macro *m = r->rs->macros[i];
    if (r->state[i] == MACRO_DONE)
        return m->ast;
    if (r->state[i] != MACRO_PENDING)
        return NULL;
    r->state[i] = MACRO_RESOLVING;
    struct ast_node *ast = condition_parse(r->rs->arena, m->condition.text, m->condition.len,
                                           &m->condition.map, r->diags);
    bool failed = ast == NULL;
    char *item = arena_printf(r->rs->arena, "macro '%s'", m->name);
    if (ast)
        ast = _expand(r, ast, m->visibility, item, &failed);
    m->ast = failed ? NULL : ast;
    r->state[i] = failed ? MACRO_FAILED : MACRO_DONE;
    return m->ast;
}

static size_t _macro_index(const struct ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->nmacros; i++)
        if (strcmp(rs->macros[i]->name, name) == 0)
            return i;
    return rs->nmacros;
}

/* Replaces macro references with copies of the macros' resolved bodies. */
static struct ast_node *_expand(struct resolver *r, struct ast_node *n, size_t visibility,
                                const char *item, bool *failed)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        for (size_t i = 0; i < n->list.nkids; i++)
            n->list.kids[i] = _expand(r, n->list.kids[i], visibility, item, failed);
        return n;
    case AST_NOT:
        n->operand = _expand(r, n->operand, visibility, item, failed);
        return n;
    case AST_MACRO: {
        size_t i = _macro_index(r->rs, n->macro.name);
        if (i == r->rs->nmacros) {
            diag_report(r->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, n->pos, item,
                        "Undefined macro '%s' used in filter.", n->macro.name);
            *failed = true;
            return n;
        }
        struct rs_macro *m = r->rs->macros[i];
        m->used = true;
        if (r->state[i] == MACRO_RESOLVING) {
            diag_report(r->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, n->pos, item,
                        "macro reference loop: macro '%s' refers back to itself", n->macro.name);
            *failed = true;
            return n;
        }
        if (m->index >= visibility) {
            diag_report(r->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, n->pos, item,
                        "Undefined macro '%s' used in filter (it is defined later; a macro "
                        "may only use macros defined before it)",
                        n->macro.name);
            *failed = true;
            return n;
        }
        struct ast_node *body = _macro_body(r, i);
        if (!body) {
            *failed = true; /* the macro's own error was reported */
            return n;
        }
        return ast_clone(r->rs->arena, body);
    }
    case AST_CMP:
    case AST_BOOL:
    case AST_KIND_MAX:
        return n;
    }
    return n;
}

static void _resolve_rule(struct resolver *r, struct rs_rule *rule)
{
    if (field_source_from_name(rule->source) == FSRC_MAX) {
        diag_report(r->diags, DIAG_LOAD_UNKNOWN_SOURCE, rule->pos, rule->name,
                    "Unknown source %s, skipping", rule->source);
        rule->skipped = true;
        return;
    }
    struct ast_node *ast = condition_parse(r->rs->arena, rule->condition.text, rule->condition.len,
                                           &rule->condition.map, r->diags);
    if (!ast)
        return;
    bool failed = false;
    ast = _expand(r, ast, r->rs->nmacros, rule->name, &failed);
    if (failed)
        return;
    struct src_pos first_unknown = rule->condition_pos;
    int unknown = _bind_fields(r, ast, rule, &failed, &first_unknown);
    if (unknown > 0) {
        diag_report(r->diags, DIAG_LOAD_UNKNOWN_FILTER, first_unknown, rule->name,
                    "rule '%s' uses a field unknown to rulec; skipped (skip-if-unknown-filter)",
                    rule->name);
        rule->skipped = true;
        return;
    }
    if (!failed)
        rule->ast = ast;
}

int resolve_ruleset(struct ruleset *rs, struct diag_list *diags)
{
    size_t errors_before = diags->errors;
    struct resolver r = {
        .rs = rs,
        .diags = diags,
        .state = arena_alloc(rs->arena, (rs->nmacros + 1) * sizeof(enum macro_state)),
    };
    /* Macros first, in definition order, so every macro is checked even when
     * no rule uses it (Falco parses them all). */
    for (size_t i = 0; i < rs->nmacros; i++) {
        _macro_body(&r, i);
    }
    for (size_t i = 0; i < rs->nrules; i++)
        _resolve_rule(&r, rs->rules[i]);
    for (size_t i = 0; i < rs->nmacros; i++)
        if (!rs->macros[i]->used)
            diag_report(diags, DIAG_LOAD_UNUSED_MACRO, rs->macros[i]->pos, rs->macros[i]->name,
                        "Macro not referred to by any other rule/macro");
    return diags->errors > errors_before ? -1 : 0;
}
