/* The condition AST: what grammar/ produces from condition text, what the
 * compiler resolves (macros inlined, fields bound to the catalogue) and what
 * ir.c lowers. Every node carries the position it came from. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"

struct field_def;

enum ast_kind {
    AST_AND,   /* n-ary */
    AST_OR,    /* n-ary */
    AST_NOT,   /* one operand */
    AST_CMP,   /* field op value(s) */
    AST_MACRO, /* bare identifier: a macro reference until resolved */
    AST_BOOL,  /* constant, produced by folding */
    AST_KIND_MAX,
};

enum ast_op {
    OP_EQ, /* '=' and '==' */
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_CONTAINS,
    OP_ICONTAINS,
    OP_BCONTAINS,
    OP_STARTSWITH,
    OP_BSTARTSWITH,
    OP_ENDSWITH,
    OP_GLOB,
    OP_IGLOB,
    OP_REGEX,
    OP_IN,
    OP_INTERSECTS,
    OP_PMATCH,
    OP_EXISTS,
    OP_MAX,
};

/* `op oneof (...)`, `op anyof (...)`, `op allof (...)` on string operators. */
enum ast_modifier {
    MOD_NONE,
    MOD_ONEOF,
    MOD_ANYOF,
    MOD_ALLOF,
};

enum ast_transformer {
    XF_TOLOWER,
    XF_TOUPPER,
    XF_B64,
    XF_BASENAME,
    XF_LEN,
    XF_MAX,
};

#define AST_MAX_TRANSFORMERS 8

/* A field reference, possibly wrapped in transformers: tolower(proc.name). */
struct ast_field {
    const char *name; /* "proc.aname" */
    const char *arg;  /* "2" in proc.aname[2], "HOME" in proc.env[HOME]; NULL when absent */
    /* transformers[0] is applied first (innermost). */
    enum ast_transformer transformers[AST_MAX_TRANSFORMERS];
    unsigned ntransformers;
    const struct field_def *def; /* bound by the resolver; NULL before */
    struct src_pos pos;
};

/* The field's argument: "2" in proc.aname[2], and "flags" in evt.arg.flags,
 * whose named argument stays part of the name (so conditions print back as
 * written). NULL when there is none. Needs the bound def. */
const char *ast_field_arg(const struct ast_field *f);

struct ast_value {
    const char *text; /* escapes already decoded */
    size_t len;       /* strings may hold NUL bytes after \x00 */
    bool quoted;
    struct src_pos pos;
};

enum ast_rhs_kind {
    RHS_NONE,  /* exists */
    RHS_VALUE, /* one value */
    RHS_LIST,  /* (a, b, c), possibly empty */
    RHS_FIELD, /* val(field) or a transformer over a field */
};

struct ast_rhs {
    enum ast_rhs_kind kind;
    struct ast_value *values; /* RHS_VALUE: one; RHS_LIST: nvalues */
    size_t nvalues;
    struct ast_field field; /* RHS_FIELD */
};

struct ast_node {
    enum ast_kind kind;
    struct src_pos pos;
    union {
        struct {
            struct ast_node **kids;
            size_t nkids;
        } list;                   /* AST_AND, AST_OR */
        struct ast_node *operand; /* AST_NOT */
        struct {
            struct ast_field lhs;
            enum ast_op op;
            enum ast_modifier modifier;
            struct ast_rhs rhs;
            struct src_pos op_pos;
        } cmp;
        struct {
            const char *name;
        } macro;
        bool value; /* AST_BOOL */
    };
};

const char *ast_op_name(enum ast_op op);
const char *ast_transformer_name(enum ast_transformer xf);
const char *ast_modifier_name(enum ast_modifier mod);

struct ast_node *ast_new(struct arena *arena, enum ast_kind kind, struct src_pos pos);
/* Deep copy (macro inlining copies the macro's body into each use). */
struct ast_node *ast_clone(struct arena *arena, const struct ast_node *node);

/* Prints the AST as condition text that the grammar parses back to the same
 * AST: fully parenthesised, values quoted where needed, escapes re-encoded.
 * The policy object stores residual conditions in this form. */
char *ast_to_string(struct arena *arena, const struct ast_node *node);
/* Calls fn on every comparison of the tree, left to right (the passes that
 * look at atoms one by one: checks, the split, capture). */
void ast_foreach_cmp(const struct ast_node *node, void (*fn)(const struct ast_node *cmp, void *ctx),
                     void *ctx);

/* Structural equality, ignoring positions (used by the round-trip tests). */
bool ast_equal(const struct ast_node *a, const struct ast_node *b);
