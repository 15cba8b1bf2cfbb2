/* Internal to grammar/: what the flex scanner (lexer.l), the bison parser
 * (parser.y), the AST builders (cond_build.c) and the driver (condition.c)
 * share. Nothing outside grammar/ includes this; the public API is
 * grammar/condition.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"
#include "grammar/condition.h"

/* A token's extent: byte offsets [first, last) into the condition text.
 * Offsets rather than line:col because a condition's bytes may come from
 * several YAML lines; text_map_pos turns an offset into a file position. */
struct cond_loc {
    size_t first;
    size_t last;
};

/* Open parentheses the scanner tracks for "missing closing parenthesis":
 * groups (bounded by CONDITION_MAX_DEPTH in the parser), one list and the
 * transformer nesting (bounded by AST_MAX_TRANSFORMERS in the scanner). */
#define COND_MAX_OPEN (CONDITION_MAX_DEPTH + AST_MAX_TRANSFORMERS + 8)

struct cond_ctx {
    struct arena *arena;
    const char *text;
    size_t len;
    const struct text_map *map;
    struct diag_list *diags;
    bool failed; /* one diagnostic per condition: later errors are consequences */
    struct ast_node *result;

    /* Scanner state. */
    size_t offset;              /* of the next byte the scanner reads */
    struct cond_loc cur;        /* the last token returned (the parser's lookahead) */
    int cur_token;              /* its kind */
    struct cond_loc prev;       /* the token before it; first == last == SIZE_MAX if none */
    int prev_token;             /* its kind */
    struct cond_loc lhs;        /* the left-hand side of the comparison being scanned */
    struct cond_loc op;         /* its operator */
    unsigned xf_depth;          /* open transformer parentheses */
    bool xf_rhs;                /* ... on the right-hand side (closing returns to an expression) */
    bool op_blank;              /* a blank followed the operator (a modifier needs one) */
    size_t open[COND_MAX_OPEN]; /* offsets of unclosed '(' of any kind, innermost last */
    size_t nopen;
    bool unmatched_close; /* the last ')' had no '(' to close */

    /* Parser state. */
    unsigned depth; /* open group parentheses */
};

/* Reports LOAD_ERR_COMPILE_CONDITION at byte offset of the text, unless an
 * error was already reported for this condition. */
void cond_fail(struct cond_ctx *ctx, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct src_pos cond_pos(const struct cond_ctx *ctx, size_t offset);
/* The text of loc for a message, shortened and with non-printable bytes
 * escaped (the caller adds the quotes). */
const char *cond_snippet(struct cond_ctx *ctx, struct cond_loc loc);

static inline bool cond_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

/* Scanner helpers. Each returns NULL after reporting an error. */
struct ast_value *cond_value(struct cond_ctx *ctx, struct cond_loc loc, bool quoted);
/* loc covers `name` or `name[arg]`. */
struct ast_field *cond_field(struct cond_ctx *ctx, struct cond_loc loc);
/* Reports why the field argument after the '[' at offset is malformed. */
void cond_field_arg_error(struct cond_ctx *ctx, size_t bracket);
/* The transformer whose name (without the '(') loc covers. */
bool cond_transformer(struct cond_ctx *ctx, struct cond_loc loc, enum ast_transformer *out);

/* Parser helpers: AST construction. */
struct ast_node *cond_macro(struct cond_ctx *ctx, struct cond_loc loc);
/* `not` written count times: an even count cancels out, as in libsinsp. */
struct ast_node *cond_not(struct cond_ctx *ctx, unsigned count, struct ast_node *operand,
                          struct cond_loc loc);
struct ptr_vec *cond_vec(struct cond_ctx *ctx, void *first);
struct ptr_vec *cond_vec_push(struct cond_ctx *ctx, struct ptr_vec *vec, void *item);
/* An n-ary AST_AND or AST_OR over the nodes of vec. */
struct ast_node *cond_nary(struct cond_ctx *ctx, enum ast_kind kind, struct ptr_vec *vec,
                           struct cond_loc loc);
struct ast_field *cond_transform(struct cond_ctx *ctx, struct ast_field *field,
                                 enum ast_transformer xf);
struct ast_rhs *cond_rhs_value(struct cond_ctx *ctx, struct ast_value *value);
/* vec (of struct ast_value *) may be NULL for the empty list. */
struct ast_rhs *cond_rhs_list(struct cond_ctx *ctx, struct ptr_vec *vec);
struct ast_rhs *cond_rhs_field(struct cond_ctx *ctx, struct ast_field *field);
/* rhs NULL means RHS_NONE (exists). */
struct ast_node *cond_cmp(struct cond_ctx *ctx, struct ast_field *lhs, enum ast_op op,
                          struct cond_loc op_loc, enum ast_modifier mod, struct ast_rhs *rhs,
                          struct cond_loc loc);
/* Enters a group '(' at loc; false (error reported) when nested too deep. */
bool cond_enter(struct cond_ctx *ctx, struct cond_loc loc);
