/* The condition grammar (libsinsp's, see userspace/libsinsp/filter/parser.h):
 *
 *   expr     := and_expr ('or' and_expr)*
 *   and_expr := not_expr ('and' not_expr)*
 *   not_expr := 'not'* check           an even number of 'not's cancels out
 *   check    := field operator rhs | field 'exists' | macro | '(' expr ')'
 *   field    := name['[' arg ']'] | transformer '(' field ')'
 *   rhs      := value | list | val(field) | transformer '(' field ')'
 *             | modifier (list | list name)
 *
 * The scanner (lexer.l) already knows which kind of operand follows each
 * operator, so the grammar only sees well-formed comparisons and deals with
 * structure: precedence, n-ary and/or, parentheses. Actions are one call
 * each into cond_build.c. */

%define api.pure full
%define api.prefix {cond_}
%define api.token.prefix {T_}
%define api.location.type {struct cond_loc}
%define parse.error custom
/* Exact expected-token sets at an error, for the messages. */
%define parse.lac full
%locations

%param {void *scanner}
%parse-param {struct cond_ctx *cx}

%code requires {
#include "grammar/cond_internal.h"
}

%code provides {
int cond_lex(COND_STYPE *lval, struct cond_loc *lloc, void *scanner);
}

%code {
#include <string.h>

#define YYLLOC_DEFAULT(cur, rhs, n)                                                                \
    do {                                                                                           \
        if (n) {                                                                                   \
            (cur).first = YYRHSLOC(rhs, 1).first;                                                  \
            (cur).last = YYRHSLOC(rhs, n).last;                                                    \
        } else {                                                                                   \
            (cur).first = (cur).last = YYRHSLOC(rhs, 0).last;                                      \
        }                                                                                          \
    } while (0)

static void cond_error(const struct cond_loc *loc, void *scanner, struct cond_ctx *cx,
                       const char *msg);
}

%union {
    struct ast_node *node;
    struct ast_field *field;
    struct ast_value *value;
    struct ast_rhs *rhs;
    struct ptr_vec *vec;
    unsigned count;
    enum ast_op op;
    enum ast_modifier mod;
    enum ast_transformer xf;
}

%token AND "'and'" OR "'or'" NOT "'not'"
%token LPAREN "'('" RPAREN "')'"
%token MACRO "macro name"
%token <field> FIELD "field"
%token <xf> XF "transformer"
%token VAL "'val('"
%token XFCLOSE "')' of a transformer"
%token <op> OPERATOR "operator" EXISTS "'exists'"
%token <mod> MODIFIER "modifier"
%token <value> VALUE "value"
%token LOPEN "'(' of a list" LCLOSE "')' of a list" COMMA "','"
%token BADTOK "invalid token"

%nterm <node> expr and_expr not_expr check cmp
%nterm <vec> or_list and_list items
%nterm <count> nots
%nterm <field> field
%nterm <rhs> rhs list list_or_name

%%

input:
    expr                        { cx->result = $1; }
    ;

expr:
    and_expr
  | or_list                     { $$ = cond_nary(cx, AST_OR, $1, @1); }
    ;

or_list:
    and_expr OR and_expr        { $$ = cond_vec_push(cx, cond_vec(cx, $1), $3); }
  | or_list OR and_expr         { $$ = cond_vec_push(cx, $1, $3); }
    ;

and_expr:
    not_expr
  | and_list                    { $$ = cond_nary(cx, AST_AND, $1, @1); }
    ;

and_list:
    not_expr AND not_expr       { $$ = cond_vec_push(cx, cond_vec(cx, $1), $3); }
  | and_list AND not_expr       { $$ = cond_vec_push(cx, $1, $3); }
    ;

/* Left recursive, so `not not ... x` needs no parser stack. */
not_expr:
    check
  | nots check                  { $$ = cond_not(cx, $1, $2, @1); }
    ;

nots:
    NOT                         { $$ = 1; }
  | nots NOT                    { $$ = $1 + 1; }
    ;

/* The depth check runs as soon as '(' is shifted, before the nested text
 * is read, so hostile nesting stops at CONDITION_MAX_DEPTH. */
check:
    cmp
  | MACRO                       { $$ = cond_macro(cx, @1); }
  | LPAREN                      { if (!cond_enter(cx, @1)) YYABORT; }
    expr RPAREN                 { cx->depth--; $$ = $3; }
    ;

cmp:
    field EXISTS                { $$ = cond_cmp(cx, $1, $2, @2, MOD_NONE, NULL, @$); }
  | field OPERATOR rhs          { $$ = cond_cmp(cx, $1, $2, @2, MOD_NONE, $3, @$); }
  | field OPERATOR MODIFIER list_or_name
                                { $$ = cond_cmp(cx, $1, $2, @2, $3, $4, @$); }
    ;

/* transformers[0] is the innermost: it is reduced first. */
field:
    FIELD
  | XF field XFCLOSE            { $$ = cond_transform(cx, $2, $1); }
    ;

rhs:
    list_or_name
  | VAL FIELD XFCLOSE           { $$ = cond_rhs_field(cx, $2); }
  | XF field XFCLOSE            { $$ = cond_rhs_field(cx, cond_transform(cx, $2, $1)); }
    ;

list_or_name:
    VALUE                       { $$ = cond_rhs_value(cx, $1); }
  | list
    ;

list:
    LOPEN LCLOSE                { $$ = cond_rhs_list(cx, NULL); }
  | LOPEN items LCLOSE          { $$ = cond_rhs_list(cx, $2); }
    ;

items:
    VALUE                       { $$ = cond_vec(cx, $1); }
  | items COMMA VALUE           { $$ = cond_vec_push(cx, $1, $3); }
    ;

%%

/* Bison calls this only when its stack is exhausted; syntax errors go
 * through yyreport_syntax_error below. */
static void cond_error(const struct cond_loc *loc, void *scanner, struct cond_ctx *cx,
                       const char *msg)
{
    (void)scanner;
    cond_fail(cx, loc->first, "condition too complex (%s)", msg);
}

static bool _expects(const yypcontext_t *yyctx, yysymbol_kind_t kind)
{
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, expected, YYNTOKENS);
    for (int i = 0; i < n; i++)
        if (expected[i] == kind)
            return true;
    return false;
}

/* One message per situation, in the words of the person who wrote the
 * condition rather than the grammar's. */
static int yyreport_syntax_error(const yypcontext_t *yyctx, void *scanner, struct cond_ctx *cx)
{
    (void)scanner;
    yysymbol_kind_t got = yypcontext_token(yyctx);
    struct cond_loc loc = *yypcontext_location(yyctx);
    bool at_end = got == YYSYMBOL_YYEOF;
    const char *tok = at_end ? "" : cond_snippet(cx, loc);
    bool has_prev = cx->prev.first != SIZE_MAX && cx->prev.last > cx->prev.first;
    const char *prev = has_prev ? cond_snippet(cx, cx->prev) : "";
    size_t innermost =
        cx->nopen > 0 && cx->nopen <= COND_MAX_OPEN ? cx->open[cx->nopen - 1] : loc.first;

    if (at_end && (_expects(yyctx, YYSYMBOL_RPAREN) || _expects(yyctx, YYSYMBOL_LCLOSE) ||
                   _expects(yyctx, YYSYMBOL_XFCLOSE)))
        cond_fail(cx, innermost, "missing closing parenthesis");
    else if (got == YYSYMBOL_RPAREN && cx->unmatched_close)
        cond_fail(cx, loc.first, "unexpected token ')' without a matching '('");
    else if (got == YYSYMBOL_LPAREN && cx->prev_token == T_MACRO && cx->prev.last == loc.first &&
             strcmp(prev, "val") == 0)
        cond_fail(cx, cx->prev.first, "'val(' can only be used after an operator");
    else if (got == YYSYMBOL_LPAREN && cx->prev_token == T_MACRO && cx->prev.last == loc.first)
        cond_fail(cx, cx->prev.first, "unknown transformer '%s'", prev);
    else if (_expects(yyctx, YYSYMBOL_MACRO) && has_prev)
        cond_fail(cx, loc.first, "expected a field or a macro name after '%s'", prev);
    else if (_expects(yyctx, YYSYMBOL_MACRO))
        cond_fail(cx, loc.first, "expected a field or a macro name");
    else if (_expects(yyctx, YYSYMBOL_FIELD))
        cond_fail(cx, loc.first, "expected a field after '%s('", prev);
    else if (got == YYSYMBOL_RPAREN)
        cond_fail(cx, loc.first, "unexpected token ')'");
    else if (_expects(yyctx, YYSYMBOL_AND) && _expects(yyctx, YYSYMBOL_RPAREN))
        cond_fail(cx, loc.first, "unexpected token '%s', expecting 'and', 'or' or ')'", tok);
    else if (_expects(yyctx, YYSYMBOL_AND))
        cond_fail(cx, loc.first, "unexpected token '%s', expecting 'and' or 'or'", tok);
    else if (_expects(yyctx, YYSYMBOL_COMMA))
        cond_fail(cx, loc.first, "expected ',' or ')' in the list, got '%s'", tok);
    else if (_expects(yyctx, YYSYMBOL_LCLOSE))
        cond_fail(cx, loc.first, "expected a value or ')' in the list, got '%s'", tok);
    else if (_expects(yyctx, YYSYMBOL_VALUE))
        cond_fail(cx, loc.first, "expected a value after ','");
    else if (_expects(yyctx, YYSYMBOL_XFCLOSE))
        cond_fail(cx, loc.first, "expected ')' after the field, got '%s'", tok);
    else if (at_end)
        cond_fail(cx, loc.first, "unexpected end of condition");
    else
        cond_fail(cx, loc.first, "unexpected token '%s'", tok);
    return 0;
}
