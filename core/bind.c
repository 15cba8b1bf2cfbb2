#include "core/bind.h"

#include "core/fields.h"

int bind_field(struct ast_field *field)
{
    const struct field_def *def = field_lookup(field->name, NULL);
    if (!def)
        return -1;
    field->def = def;
    return 0;
}

const char *bind_condition(struct ast_node *n)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        for (size_t i = 0; i < n->list.nkids; i++) {
            const char *bad = bind_condition(n->list.kids[i]);
            if (bad)
                return bad;
        }
        return NULL;
    case AST_NOT:
        return bind_condition(n->operand);
    case AST_CMP:
        if (bind_field(&n->cmp.lhs) < 0)
            return n->cmp.lhs.name;
        if (n->cmp.rhs.kind == RHS_FIELD && bind_field(&n->cmp.rhs.field) < 0)
            return n->cmp.rhs.field.name;
        return NULL;
    default:
        return NULL;
    }
}
