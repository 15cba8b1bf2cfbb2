#include "compiler/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/evttypes.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/interp.h"
#include "core/ipaddr.h"
#include "core/number.h"
#include "core/transform.h"

int check_parse_num(const struct field_def *def, const char *text, long long *out)
{
    if (def && def->type == FT_BOOL) {
        if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
            *out = text[0] == 't';
            return 0;
        }
        return -1;
    }
    uint64_t v;
    if (!text || number_parse(text, strlen(text), def && def->type == FT_INT, &v) < 0)
        return -1;
    *out = (long long)v;
    return 0;
}

static bool _is_numeric(enum field_type t)
{
    return t == FT_INT || t == FT_UINT || t == FT_PORT || t == FT_RELTIME || t == FT_ABSTIME;
}

/* The type operators and constants are checked against: the catalogue's,
 * or a number after a final len(). (The interpreter uses each evt.arg's own
 * type, core/transform.h; check still uses the field's.) */
static enum field_type _type(const struct ast_field *f)
{
    if (f->ntransformers && f->transformers[f->ntransformers - 1] == XF_LEN)
        return FT_UINT;
    return f->def->type;
}

/* Which operators each type accepts (libsinsp's per-type operator sets). */
static bool _op_allowed(enum field_type t, enum ast_op op)
{
    switch (op) {
    case OP_EQ:
    case OP_NE:
    case OP_IN:
    case OP_EXISTS:
    case OP_INTERSECTS:
        return true;
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        return _is_numeric(t);
    case OP_CONTAINS:
    case OP_ICONTAINS:
    case OP_STARTSWITH:
    case OP_ENDSWITH:
    case OP_GLOB:
    case OP_IGLOB:
    case OP_REGEX:
    case OP_PMATCH:
        return t == FT_STRING || t == FT_PATH;
    case OP_BCONTAINS:
    case OP_BSTARTSWITH:
        return t == FT_BYTES;
    case OP_MAX:
        return false;
    }
    return false;
}

struct checker {
    struct ruleset *rs;
    struct diag_list *diags;
    const struct rs_rule *rule;
};

/* Checks one value against the field's type: parse errors are errors;
 * values a field can never hold are RULEC_NEVER_TRUE warnings. */
static void _check_value(struct checker *c, const struct ast_field *f, enum ast_op op,
                         const struct ast_value *v)
{
    enum field_type t = _type(f);
    if (_is_numeric(t)) {
        /* read as the interpreter reads it, signed or not by the argument's own type
         * (evt.rawarg.ID is unsigned though evt.rawarg is signed) */
        struct number n;
        uint64_t u;
        bool is_signed = transform_field_type(f) == FT_INT;
        if (number_scan(v->text, strlen(v->text), &n) < 0 || number_fit(&n, is_signed, &u) < 0) {
            diag_report(c->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, v->pos, c->rule->name,
                        "'%s' is not a number (field '%s' is %s)", v->text, f->name,
                        field_type_name(t));
            return;
        }
        bool below_zero = n.negative && n.magnitude;
        if ((t == FT_PORT && (below_zero || n.magnitude > 65535)) || (t == FT_UINT && below_zero))
            diag_report(c->diags, DIAG_RULEC_NEVER_TRUE, v->pos, c->rule->name,
                        "value %s is outside the range of field '%s' (%s)", v->text, f->name,
                        field_type_name(t));
        return;
    }
    if (t == FT_BOOL && strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0) {
        diag_report(c->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, v->pos, c->rule->name,
                    "'%s' is not a boolean (true or false) for field '%s'", v->text, f->name);
        return;
    }
    struct ipaddr ip;
    if ((t == FT_IPADDR || t == FT_IPNET) && !ipaddr_parse(v->text, strlen(v->text), false, &ip)) {
        diag_report(c->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, v->pos, c->rule->name,
                    "'%s' is not an IP address or network for field '%s'", v->text, f->name);
        return;
    }
    if (f->def->id == FIELD_EVT_TYPE && !f->ntransformers &&
        (op == OP_EQ || op == OP_NE || op == OP_IN) && !evttype_lookup(v->text)) {
        diag_report(c->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, v->pos, c->rule->name,
                    "unknown event type '%s'", v->text);
        return;
    }
    /* Falco warns: comparing ka.* fields with "<NA>" is not a safe check for
     * a missing value. */
    if (strncmp(f->name, "ka.", 3) == 0 && strcmp(v->text, "<NA>") == 0 &&
        (op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH))
        diag_report(c->diags, DIAG_LOAD_UNSAFE_NA_CHECK, v->pos, c->rule->name,
                    "comparing a field with \"<NA>\" is unsafe: use 'exists' or 'not exists'");
}

static void _check_cmp(struct checker *c, const struct ast_node *n)
{
    const struct ast_field *f = &n->cmp.lhs;
    if (!f->def)
        return;
    enum field_type t = _type(f);
    if (!_op_allowed(t, n->cmp.op)) {
        diag_report(c->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, n->cmp.op_pos, c->rule->name,
                    "operator '%s' cannot be used on field '%s' of type %s", ast_op_name(n->cmp.op),
                    f->name, field_type_name(t));
        return;
    }
    bool list_op = n->cmp.op == OP_IN || n->cmp.op == OP_INTERSECTS || n->cmp.op == OP_PMATCH;
    if (list_op && n->cmp.rhs.kind == RHS_VALUE && !n->cmp.rhs.values[0].quoted) {
        diag_report(c->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, n->cmp.rhs.values[0].pos,
                    c->rule->name, "'%s' is not a defined list; write (%s) for a one-item list",
                    n->cmp.rhs.values[0].text, n->cmp.rhs.values[0].text);
        return;
    }
    if (n->cmp.rhs.kind == RHS_VALUE || n->cmp.rhs.kind == RHS_LIST)
        for (size_t i = 0; i < n->cmp.rhs.nvalues; i++)
            _check_value(c, f, n->cmp.op, &n->cmp.rhs.values[i]);
}

static void _check_atom(const struct ast_node *cmp, void *ctx)
{
    _check_cmp(ctx, cmp);
}

static void _check_output(struct checker *c, struct rs_rule *rule)
{
    if (!rule->output.text)
        return;
    struct format_template *tpl = format_parse(c->rs->arena, rule->output.text, rule->output.len,
                                               &rule->output.map, c->diags);
    if (!tpl)
        return;
    for (size_t i = 0; i < tpl->nparts; i++) {
        const struct ast_field *f = &tpl->parts[i].field;
        if (f->name && f->def && (f->def->flags & FF_DEPRECATED))
            diag_report(c->diags, DIAG_LOAD_DEPRECATED_ITEM, f->pos, rule->name,
                        "field '%s' is deprecated", f->name);
    }
}

int check_ruleset(struct ruleset *rs, struct diag_list *diags)
{
    size_t errors_before = diags->errors;
    struct checker c = {.rs = rs, .diags = diags};
    for (size_t i = 0; i < rs->nrules; i++) {
        struct rs_rule *rule = rs->rules[i];
        if (rule->skipped)
            continue;
        c.rule = rule;
        if (rule->ast) {
            size_t errors = diags->errors;
            ast_foreach_cmp(rule->ast, _check_atom, &c);
            /* What the runtime will compile (regexes, addresses, numbers) is
             * compiled here too, so a pattern the runtime would refuse fails
             * the lint, at its position, not the node. */
            if (diags->errors == errors) {
                struct interp *in = interp_compile(rule->ast, diags, rule->name);
                interp_free(&in);
            }
        }
        _check_output(&c, rule);
    }
    return diags->errors > errors_before ? -1 : 0;
}
