/* libFuzzer target for the condition parser. Besides crashes, leaks and
 * undefined behaviour it checks the parser's contract on every input:
 *   - failure reports exactly one LOAD_ERR_COMPILE_CONDITION, inside the text;
 *   - success reports nothing, and every position lies inside the text;
 *   - ast_to_string's text parses back to an equal AST and prints the same
 *     (the round trip the policy object's residual conditions rely on);
 *   - ast_clone is equal to its original. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"
#include "grammar/condition.h"

static void _fail(const char *what, const char *text)
{
    fprintf(stderr, "fuzz_condition: %s\n  text: %s\n", what, text ? text : "");
    abort();
}

static void _check_pos(struct src_pos pos, size_t len)
{
    if (pos.file || pos.offset > len)
        _fail("position outside the text", NULL);
}

static void _check_field(const struct ast_field *f, size_t len)
{
    _check_pos(f->pos, len);
    if (!f->name || f->ntransformers > AST_MAX_TRANSFORMERS)
        _fail("malformed field", NULL);
}

static void _check_node(const struct ast_node *n, size_t len)
{
    _check_pos(n->pos, len);
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        if (n->list.nkids < 2)
            _fail("and/or with fewer than two operands", NULL);
        for (size_t i = 0; i < n->list.nkids; i++)
            _check_node(n->list.kids[i], len);
        return;
    case AST_NOT:
        _check_node(n->operand, len);
        return;
    case AST_CMP:
        _check_field(&n->cmp.lhs, len);
        _check_pos(n->cmp.op_pos, len);
        if (n->cmp.rhs.kind == RHS_FIELD)
            _check_field(&n->cmp.rhs.field, len);
        for (size_t i = 0; n->cmp.rhs.kind != RHS_FIELD && i < n->cmp.rhs.nvalues; i++)
            _check_pos(n->cmp.rhs.values[i].pos, len);
        if ((n->cmp.op == OP_EXISTS) != (n->cmp.rhs.kind == RHS_NONE))
            _fail("exists without RHS_NONE or the reverse", NULL);
        return;
    case AST_MACRO:
        if (!n->macro.name)
            _fail("macro without a name", NULL);
        return;
    case AST_BOOL:
    case AST_KIND_MAX:
        _fail("the parser produced a node kind it never should", NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *arena = arena_new();
    struct diag_list diags = {0};
    const char *text = (const char *)data;

    struct ast_node *ast = condition_parse(arena, text, size, NULL, &diags);
    if (!ast) {
        if (diags.len != 1 || diags.items[0].code != DIAG_LOAD_ERR_COMPILE_CONDITION)
            _fail("a failed parse must report exactly one LOAD_ERR_COMPILE_CONDITION", NULL);
        _check_pos(diags.items[0].pos, size);
    } else {
        if (diags.len != 0)
            _fail("a successful parse reported a diagnostic", NULL);
        _check_node(ast, size);

        char *printed = ast_to_string(arena, ast);
        struct ast_node *again = condition_parse(arena, printed, strlen(printed), NULL, &diags);
        if (!again)
            _fail(diags.len ? diags.items[0].message : "printed text does not parse", printed);
        if (!ast_equal(ast, again))
            _fail("printed text parses to a different AST", printed);
        if (strcmp(printed, ast_to_string(arena, again)) != 0)
            _fail("printing is not idempotent", printed);
        if (!ast_equal(ast, ast_clone(arena, ast)))
            _fail("a clone differs from its original", printed);
    }

    diag_list_free(&diags);
    arena_free(&arena);
    return 0;
}
