/* Condition parser (grammar/) and AST printing, cloning and equality
 * (core/ast.c). Structure is mostly checked through ast_to_string's
 * canonical, fully parenthesised form, which is itself checked to parse
 * back to an equal AST. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/test_util.h"

#include "core/arena.h"
#include "core/ast.h"
#include "core/diag.h"
#include "grammar/condition.h"

static struct arena *_arena;
static struct diag_list _diags;

static int _setup(void **state)
{
    _arena = arena_new();
    memset(&_diags, 0, sizeof(_diags));
    return 0;
}

static int _teardown(void **state)
{
    diag_list_free(&_diags);
    arena_free(&_arena);
    return 0;
}

static struct ast_node *_try(const char *text)
{
    return condition_parse(_arena, text, strlen(text), NULL, &_diags);
}

/* Parses text, which must succeed, and checks the round trip. */
static struct ast_node *_parse(const char *text)
{
    diag_list_free(&_diags);
    memset(&_diags, 0, sizeof(_diags));
    struct ast_node *ast = _try(text);
    if (!ast) {
        print_error("parse failed: %s\n  %s\n", text, _diags.len ? _diags.items[0].message : "");
        fail();
    }
    assert_int_equal(_diags.len, 0);
    char *printed = ast_to_string(_arena, ast);
    struct ast_node *again = _try(printed);
    if (!again || !ast_equal(ast, again)) {
        print_error("round trip failed: %s\n  printed: %s\n", text, printed);
        fail();
    }
    assert_string_equal(ast_to_string(_arena, again), printed);
    return ast;
}

/* Parses text and compares its canonical form. */
static void _canon(const char *text, const char *canonical)
{
    struct ast_node *ast = _parse(text);
    char *printed = ast_to_string(_arena, ast);
    if (strcmp(printed, canonical) != 0) {
        print_error("input:    %s\nexpected: %s\ngot:      %s\n", text, canonical, printed);
        fail();
    }
}

/* Parsing text must fail with exactly one diagnostic at column col (line
 * 1) whose message is message. */
static void _err(const char *text, unsigned col, const char *message)
{
    diag_list_free(&_diags);
    memset(&_diags, 0, sizeof(_diags));
    struct ast_node *ast = condition_parse(_arena, text, strlen(text), NULL, &_diags);
    if (ast) {
        print_error("parse of '%s' succeeded: %s\n", text, ast_to_string(_arena, ast));
        fail();
    }
    assert_int_equal(_diags.len, 1);
    assert_diag_at(&_diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 1, col);
    if (strcmp(_diags.items[0].message, message) != 0) {
        print_error("input:    %s\nexpected: %s\ngot:      %s\n", text, message,
                    _diags.items[0].message);
        fail();
    }
}

static const struct ast_value *_value(const struct ast_node *n)
{
    assert_int_equal(n->kind, AST_CMP);
    assert_int_equal(n->cmp.rhs.kind, RHS_VALUE);
    assert_int_equal(n->cmp.rhs.nvalues, 1);
    return n->cmp.rhs.values;
}

static void _val(const char *text, const char *value, size_t len)
{
    const struct ast_value *v = _value(_parse(text));
    assert_int_equal(v->len, len);
    assert_memory_equal(v->text, value, len);
    assert_int_equal(v->text[len], '\0');
}

static unsigned _col(struct src_pos pos)
{
    unsigned line, col;
    src_pos_linecol(pos, &line, &col);
    return col;
}

/* ---- structure ------------------------------------------------------------ */

static void test_precedence(void **state)
{
    _canon("a or b and c", "(a or (b and c))");
    _canon("a and b or c", "((a and b) or c)");
    _canon("not a and b", "((not a) and b)");
    _canon("not a or not b and c", "((not a) or ((not b) and c))");
    _canon("(a or b) and c", "((a or b) and c)");
    _canon("not (a or b)", "(not (a or b))");
    _canon("a", "a");
    _canon("((a))", "a");
}

static void test_nary(void **state)
{
    struct ast_node *n = _parse("a and b and c");
    assert_int_equal(n->kind, AST_AND);
    assert_int_equal(n->list.nkids, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(n->list.kids[i]->kind, AST_MACRO);
    assert_string_equal(n->list.kids[2]->macro.name, "c");

    n = _parse("a or b or c or d");
    assert_int_equal(n->kind, AST_OR);
    assert_int_equal(n->list.nkids, 4);

    /* Parentheses keep their own node. */
    n = _parse("a and (b and c)");
    assert_int_equal(n->list.nkids, 2);
    assert_int_equal(n->list.kids[1]->kind, AST_AND);
    _canon("(a and b) and c", "((a and b) and c)");
    _canon("a or b and c and d or e", "(a or (b and c and d) or e)");
}

static void test_not(void **state)
{
    struct ast_node *n = _parse("not a");
    assert_int_equal(n->kind, AST_NOT);
    assert_int_equal(n->operand->kind, AST_MACRO);
    /* Repeated 'not's cancel in pairs, as in libsinsp. */
    assert_int_equal(_parse("not not a")->kind, AST_MACRO);
    _canon("not not not a", "(not a)");
    _canon("not not not not a", "a");
    _canon("not(a)", "(not a)");
    _canon("not not(a)", "a");
    _canon("not\ta", "(not a)");
    /* A parenthesised 'not' is a node of its own. */
    _canon("not (not a)", "(not (not a))");
    _canon("not(not(a))", "(not (not a))");
    _canon("a and not b", "(a and (not b))");
    _canon("a and not(b)", "(a and (not b))");
}

static void test_keywords_whole_words(void **state)
{
    _canon("andx", "andx");
    _canon("not_allowed", "not_allowed");
    _canon("ornament or notice", "(ornament or notice)");
    _canon("a and(b)", "(a and b)");
    _canon("(a)or(b)", "(a or b)");
    _canon("spawned_process", "spawned_process");
    _canon("a\nand\tb\r\nor\bc", "((a and b) or c)");
    /* After an operator a keyword is a value. */
    _canon("proc.name = and", "proc.name = \"and\"");
    _canon("proc.name in (and, or, not)", "proc.name in (\"and\", \"or\", \"not\")");
}

static void test_macro(void **state)
{
    struct ast_node *n = _parse("open_write");
    assert_int_equal(n->kind, AST_MACRO);
    assert_string_equal(n->macro.name, "open_write");
    _canon("Container_2", "Container_2");
}

/* ---- operators ------------------------------------------------------------ */

static void test_every_operator(void **state)
{
    static const struct {
        const char *text;
        enum ast_op op;
        enum ast_rhs_kind rhs;
        const char *canonical;
    } cases[] = {
        {"proc.name = bash", OP_EQ, RHS_VALUE, "proc.name = \"bash\""},
        {"proc.name == bash", OP_EQ, RHS_VALUE, "proc.name = \"bash\""},
        {"proc.name != bash", OP_NE, RHS_VALUE, "proc.name != \"bash\""},
        {"fd.sport < 1024", OP_LT, RHS_VALUE, "fd.sport < 1024"},
        {"fd.sport <= 1024", OP_LE, RHS_VALUE, "fd.sport <= 1024"},
        {"fd.sport > 1024", OP_GT, RHS_VALUE, "fd.sport > 1024"},
        {"fd.sport >= 1024", OP_GE, RHS_VALUE, "fd.sport >= 1024"},
        {"proc.cmdline contains -c", OP_CONTAINS, RHS_VALUE, "proc.cmdline contains \"-c\""},
        {"proc.cmdline icontains Curl", OP_ICONTAINS, RHS_VALUE, "proc.cmdline icontains \"Curl\""},
        {"evt.buffer bcontains 7f454c46", OP_BCONTAINS, RHS_VALUE,
         "evt.buffer bcontains \"7f454c46\""},
        {"fd.name startswith /etc", OP_STARTSWITH, RHS_VALUE, "fd.name startswith \"/etc\""},
        {"evt.buffer bstartswith 7f45", OP_BSTARTSWITH, RHS_VALUE,
         "evt.buffer bstartswith \"7f45\""},
        {"fd.name endswith .sh", OP_ENDSWITH, RHS_VALUE, "fd.name endswith \".sh\""},
        {"fd.name glob /tmp/*", OP_GLOB, RHS_VALUE, "fd.name glob \"/tmp/*\""},
        {"fd.name iglob *.SH", OP_IGLOB, RHS_VALUE, "fd.name iglob \"*.SH\""},
        {"proc.name regex '^ba?sh$'", OP_REGEX, RHS_VALUE, "proc.name regex \"^ba?sh$\""},
        {"proc.name in (bash, sh)", OP_IN, RHS_LIST, "proc.name in (\"bash\", \"sh\")"},
        {"proc.args intersects (-V, -h)", OP_INTERSECTS, RHS_LIST,
         "proc.args intersects (\"-V\", \"-h\")"},
        {"fd.name pmatch (/etc, /usr/bin)", OP_PMATCH, RHS_LIST,
         "fd.name pmatch (\"/etc\", \"/usr/bin\")"},
        {"proc.pname exists", OP_EXISTS, RHS_NONE, "proc.pname exists"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ast_node *n = _parse(cases[i].text);
        assert_int_equal(n->kind, AST_CMP);
        assert_int_equal(n->cmp.op, cases[i].op);
        assert_int_equal(n->cmp.rhs.kind, cases[i].rhs);
        assert_int_equal(n->cmp.modifier, MOD_NONE);
        assert_string_equal(ast_to_string(_arena, n), cases[i].canonical);
        /* The canonical text spells the operator by its name. */
        const char *after_field = strchr(cases[i].canonical, ' ') + 1;
        assert_memory_equal(after_field, ast_op_name(cases[i].op),
                            strlen(ast_op_name(cases[i].op)));
    }
}

static void test_no_space_forms(void **state)
{
    _canon("proc.name=bash", "proc.name = \"bash\"");
    _canon("proc.name==bash", "proc.name = \"bash\"");
    _canon("proc.name!=shell_binaries", "proc.name != \"shell_binaries\"");
    _canon("fd.sport>=1024", "fd.sport >= 1024");
    _canon("fd.sport<=1024", "fd.sport <= 1024");
    _canon("fd.sport<1024", "fd.sport < 1024");
    _canon("evt.rawres>0", "evt.rawres > 0");
    _canon("proc.name=\"a b\"", "proc.name = \"a b\"");
    _canon("proc.name in(bash,sh)", "proc.name in (\"bash\", \"sh\")");
    _canon("(proc.name=bash)", "proc.name = \"bash\"");
    _canon("(proc.name=bash)and(fd.num>=0)", "(proc.name = \"bash\" and fd.num >= 0)");
    _canon("proc.aname[2]=sh", "proc.aname[2] = \"sh\"");
    _canon("tolower(proc.name)=bash", "tolower(proc.name) = \"bash\"");
}

static void test_exists(void **state)
{
    _canon("proc.pname exists and not proc.env[HOME] exists",
           "(proc.pname exists and (not proc.env[HOME] exists))");
    _canon("(fd.name exists)", "fd.name exists");
}

/* ---- values --------------------------------------------------------------- */

static void test_bare_values(void **state)
{
    _val("fd.name = /dev/shm/*", "/dev/shm/*", 10);
    _val("proc.cmdline contains -c", "-c", 2);
    _val("fd.sip = 127.0.0.1", "127.0.0.1", 9);
    _val("fd.name endswith *.sh", "*.sh", 4);
    _val("proc.name = runc:[0:PARENT]", "runc:[0:PARENT]", 15);
    _val("fd.name glob /root/.ssh/*!x", "/root/.ssh/*!x", 14);
    _val("proc.name = 0x1A", "0x1A", 4);
    _val("k8s.ns.name = kube-system", "kube-system", 11);
    _val("fd.name contains C:\\Windows", "C:\\Windows", 10);
    assert_false(_value(_parse("proc.name = bash"))->quoted);
    assert_true(_value(_parse("proc.name = \"bash\""))->quoted);
}

static void test_quoted_values(void **state)
{
    _val("proc.name = \"a b\"", "a b", 3);
    _val("proc.name = 'a b'", "a b", 3);
    _val("proc.name = \"\"", "", 0);
    _val("proc.name = ''", "", 0);
    _val("proc.name = \"it's\"", "it's", 4);
    _val("proc.name = 'say \"hi\"'", "say \"hi\"", 8);
    _val("proc.cmdline contains \"a, b (c) = d\"", "a, b (c) = d", 12);
    _val("proc.name = \"line1\nline2\"", "line1\nline2", 11);
}

static void test_escapes(void **state)
{
    _val("proc.name = \"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5);
    _val("proc.name = \"a\\\\b\"", "a\\b", 3);
    _val("proc.name = \"a\\/b\"", "a/b", 3);
    _val("proc.name = \"\\\"\"", "\"", 1);
    _val("proc.name = '\\''", "'", 1);
    _val("proc.name = \"\\x41\\x6a\\x7E\"", "Aj~", 3);
    _val("proc.name = \"a\\x00b\"", "a\0b", 3);
    _val("proc.name = \"\\xff\"", "\xff", 1);
    _val("proc.name = 'a\\nb'", "a\nb", 3);
    /* A backslash escapes the quote: this string ends at the last quote. */
    _val("proc.name = \"a\\\\\"", "a\\", 2);
    /* libsinsp keeps "\ " working (as a lone backslash) for old rules. */
    _val("proc.name = \"a\\ b\"", "a\\b", 3);

    _err("proc.name = \"a\\qb\"", 15, "invalid escape sequence '\\q'");
    _err("proc.name = \"\\a\"", 14, "invalid escape sequence '\\a'");
    _err("proc.name = \"\\0\"", 14, "invalid escape sequence '\\0'");
    _err("proc.name = 'a\\\"'", 15, "invalid escape sequence '\\\"' in a single-quoted string");
    _err("proc.name = \"a\\'\"", 15, "invalid escape sequence '\\'' in a double-quoted string");
    _err("proc.name = \"\\x4\"", 14, "invalid escape sequence '\\x': expected two hex digits");
    _err("proc.name = \"\\xg1\"", 14, "invalid escape sequence '\\x': expected two hex digits");
    _err("proc.name = \"\\x\"", 14, "invalid escape sequence '\\x': expected two hex digits");
    _err("proc.name = \"a\\\nb\"", 15, "invalid escape sequence: '\\' followed by byte 0x0a");
    _err("proc.name in (a, \"\\z\")", 19, "invalid escape sequence '\\z'");
    _err("proc.env[\"\\z\"] exists", 11, "invalid escape sequence '\\z'");
}

static void test_numbers(void **state)
{
    _val("fd.sport > 1024", "1024", 4);
    _val("evt.rawres < -1", "-1", 2);
    _val("evt.rawres >= +3", "+3", 2);
    _val("fd.num >= 0x1A", "0x1A", 4);
    _val("fd.num >= 0XfF", "0XfF", 4);
    _val("evt.latency > 1.5", "1.5", 3);
    _val("evt.latency > 2.5e+3", "2.5e+3", 6);
    _val("evt.latency > 7.", "7.", 2);
    /* After = a number is just a value; the checker types it. */
    _val("proc.pid = 1", "1", 1);
    _val("proc.pid = -0x10", "-0x10", 5);
    _err("fd.sport > http", 12, "expected a number after '>'");
    _err("fd.sport > \"80\"", 12, "expected a number after '>'");
    _err("fd.sport >", 11, "expected a number after '>'");
    _err("fd.sport <= 80x", 15, "unexpected token 'x', expecting 'and' or 'or'");
}

static void test_lists(void **state)
{
    struct ast_node *n = _parse("proc.name in (bash, \"b c\", 'd')");
    assert_int_equal(n->cmp.rhs.kind, RHS_LIST);
    assert_int_equal(n->cmp.rhs.nvalues, 3);
    assert_string_equal(n->cmp.rhs.values[0].text, "bash");
    assert_false(n->cmp.rhs.values[0].quoted);
    assert_string_equal(n->cmp.rhs.values[1].text, "b c");
    assert_true(n->cmp.rhs.values[1].quoted);
    assert_string_equal(n->cmp.rhs.values[2].text, "d");

    n = _parse("proc.name in ()");
    assert_int_equal(n->cmp.rhs.kind, RHS_LIST);
    assert_int_equal(n->cmp.rhs.nvalues, 0);
    _canon("proc.name in ( )", "proc.name in ()");
    _canon("proc.name in (\n  bash ,sh,\tzsh\n)", "proc.name in (\"bash\", \"sh\", \"zsh\")");
    _canon("fd.sport in (80, 443, 8080)", "fd.sport in (\"80\", \"443\", \"8080\")");
    _canon("proc.name in (a) and b", "(proc.name in (\"a\") and b)");

    /* A list name left unsubstituted: an unquoted value for the checker. */
    n = _parse("proc.name in shell_binaries");
    assert_string_equal(_value(n)->text, "shell_binaries");
    assert_false(_value(n)->quoted);
    _canon("proc.name in shell_binaries", "proc.name in shell_binaries");
    _canon("proc.name pmatch my_paths", "proc.name pmatch my_paths");

    /* Blanks do not separate items, as in libsinsp. */
    _err("proc.name in (a b)", 17, "expected ',' or ')' in the list, got 'b'");
}

static void test_modifiers(void **state)
{
    struct ast_node *n = _parse("proc.name startswith anyof (a, b)");
    assert_int_equal(n->cmp.op, OP_STARTSWITH);
    assert_int_equal(n->cmp.modifier, MOD_ANYOF);
    assert_int_equal(n->cmp.rhs.kind, RHS_LIST);
    assert_int_equal(n->cmp.rhs.nvalues, 2);
    assert_string_equal(ast_to_string(_arena, n), "proc.name startswith anyof (\"a\", \"b\")");

    assert_int_equal(_parse("proc.name = oneof (a)")->cmp.modifier, MOD_ONEOF);
    assert_int_equal(_parse("proc.name contains allof (x, y)")->cmp.modifier, MOD_ALLOF);
    _canon("fd.name endswith anyof my_list", "fd.name endswith anyof my_list");
    _canon("proc.name glob oneof ()", "proc.name glob oneof ()");
    _canon("proc.name != allof\n(a)", "proc.name != allof (\"a\")");

    /* Where no list follows, or no blank precedes, the word is a value. */
    _canon("proc.name = oneof", "proc.name = \"oneof\"");
    _canon("proc.name contains anyof and a", "(proc.name contains \"anyof\" and a)");
    _canon("proc.name contains anyof or a", "(proc.name contains \"anyof\" or a)");
    _canon("proc.name = anyofx", "proc.name = \"anyofx\"");
    _canon("proc.name = \"anyof\"", "proc.name = \"anyof\"");
    _canon("proc.name contains anyof andy", "proc.name contains anyof andy");
    _err("proc.name =oneof (a)", 18, "unexpected token '(', expecting 'and' or 'or'");
}

/* ---- fields and transformers ---------------------------------------------- */

static void test_field_args(void **state)
{
    static const struct {
        const char *text;
        const char *name;
        const char *arg;
        const char *canonical;
    } cases[] = {
        {"proc.aname[2] = sh", "proc.aname", "2", "proc.aname[2] = \"sh\""},
        {"proc.env[HOME] exists", "proc.env", "HOME", "proc.env[HOME] exists"},
        {"evt.arg[0] = x", "evt.arg", "0", "evt.arg[0] = \"x\""},
        {"fd.types[1] = ipv4", "fd.types", "1", "fd.types[1] = \"ipv4\""},
        {"container.mount.dest[/var/run/docker.sock] exists", "container.mount.dest",
         "/var/run/docker.sock", "container.mount.dest[/var/run/docker.sock] exists"},
        {"container.mount.dest[/root*] exists", "container.mount.dest", "/root*",
         "container.mount.dest[/root*] exists"},
        {"proc.env[\"a b\"] = 1", "proc.env", "a b", "proc.env[\"a b\"] = \"1\""},
        {"proc.env['x=(y)'] = 1", "proc.env", "x=(y)", "proc.env[x=(y)] = \"1\""},
        {"proc.env[\"\"] = 1", "proc.env", "", "proc.env[\"\"] = \"1\""},
        {"proc.env[\"\\x41]\"] = 1", "proc.env", "A]", "proc.env[\"A]\"] = \"1\""},
        {"evt.arg.flags contains O_CREAT", "evt.arg.flags", NULL,
         "evt.arg.flags contains \"O_CREAT\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ast_node *n = _parse(cases[i].text);
        assert_string_equal(n->cmp.lhs.name, cases[i].name);
        if (cases[i].arg)
            assert_string_equal(n->cmp.lhs.arg, cases[i].arg);
        else
            assert_null(n->cmp.lhs.arg);
        assert_null(n->cmp.lhs.def);
        assert_string_equal(ast_to_string(_arena, n), cases[i].canonical);
    }
    _err("proc.env[] = 1", 10, "expected a field argument (a quoted or a bare string) after '['");
    _err("proc.env[HOME = 1", 14, "missing ']' after the field argument");
    _err("proc.env[\"HOME\" = 1", 16, "missing ']' after the field argument");
    _err("proc.env[\"HOME] = 1", 10, "unterminated string");
    /* A bare argument is taken as written: no escapes. */
    _canon("proc.env[a\\x00] = 1", "proc.env[a\\x00] = \"1\"");
    _err("proc.env[\"a\\x00\"] = 1", 10, "a field argument cannot contain a NUL byte");
}

static void test_transformers(void **state)
{
    static const struct {
        const char *text;
        enum ast_transformer xf;
    } cases[] = {
        {"tolower(proc.name) = bash", XF_TOLOWER},  {"toupper(proc.name) = BASH", XF_TOUPPER},
        {"b64(proc.cmdline) contains abc", XF_B64}, {"basename(fd.name) = passwd", XF_BASENAME},
        {"len(proc.args) > 100", XF_LEN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ast_node *n = _parse(cases[i].text);
        assert_int_equal(n->cmp.lhs.ntransformers, 1);
        assert_int_equal(n->cmp.lhs.transformers[0], cases[i].xf);
        assert_non_null(strstr(cases[i].text, ast_transformer_name(cases[i].xf)));
    }

    /* Nested: transformers[0] is the innermost. */
    struct ast_node *n = _parse("tolower(basename(fd.name)) = x");
    assert_string_equal(n->cmp.lhs.name, "fd.name");
    assert_int_equal(n->cmp.lhs.ntransformers, 2);
    assert_int_equal(n->cmp.lhs.transformers[0], XF_BASENAME);
    assert_int_equal(n->cmp.lhs.transformers[1], XF_TOLOWER);
    _canon("tolower( basename( fd.name ) ) = x", "tolower(basename(fd.name)) = \"x\"");
    _canon("len(proc.aname[2]) >= 3", "len(proc.aname[2]) >= 3");
    _canon("toupper(proc.env[HOME]) exists", "toupper(proc.env[HOME]) exists");
    _canon(
        "tolower(tolower(tolower(tolower(tolower(tolower(tolower(tolower(fd.name)))))))) = x",
        "tolower(tolower(tolower(tolower(tolower(tolower(tolower(tolower(fd.name)))))))) = \"x\"");
    _err("tolower(tolower(tolower(tolower(tolower(tolower(tolower(tolower(tolower(fd.name))))))))) "
         "= x",
         65, "too many nested transformers (at most 8)");

    /* Newer libsinsp transformers rulec does not evaluate. */
    _err("join(proc.args) = x", 1, "transformer 'join' is not supported by rulec");
    _err("concat(proc.name, proc.pname) = x", 1, "transformer 'concat' is not supported by rulec");
    _err("proc.name = getopt(proc.args)", 13, "transformer 'getopt' is not supported by rulec");
    _err("tolower(join(proc.args)) = x", 9, "transformer 'join' is not supported by rulec");

    _err("tolower() = x", 9, "expected a field after 'tolower('");
    _err("tolower(bash) = x", 9, "expected a field after 'tolower('");
    _err("tolower(fd.name fd.directory) = x", 17,
         "expected ')' after the field, got 'fd.directory'");
    _err("tolower(fd.name", 8, "missing closing parenthesis");
    _err("tolower(fd.name) x", 18, "unknown operator 'x'");
    _err("lower(fd.name) = x", 1, "unknown transformer 'lower'");
    _err("val(fd.name) = x", 1, "'val(' can only be used after an operator");
}

static void test_rhs_fields(void **state)
{
    struct ast_node *n = _parse("proc.name = val(proc.pname)");
    assert_int_equal(n->cmp.rhs.kind, RHS_FIELD);
    assert_string_equal(n->cmp.rhs.field.name, "proc.pname");
    assert_int_equal(n->cmp.rhs.field.ntransformers, 0);

    n = _parse("tolower(proc.name) = tolower(proc.pname)");
    assert_int_equal(n->cmp.rhs.kind, RHS_FIELD);
    assert_int_equal(n->cmp.rhs.field.ntransformers, 1);
    assert_int_equal(n->cmp.rhs.field.transformers[0], XF_TOLOWER);

    _canon("proc.name=val(proc.pname)", "proc.name = val(proc.pname)");
    _canon("proc.name != val( proc.aname[2] )", "proc.name != val(proc.aname[2])");
    _canon("fd.sport > val(fd.dport)", "fd.sport > val(fd.dport)");
    _canon("len(proc.name) < len(proc.pname)", "len(proc.name) < len(proc.pname)");
    _canon("proc.name in val(proc.pname)", "proc.name in val(proc.pname)");
    _canon("proc.name in toupper(basename(proc.exe))", "proc.name in toupper(basename(proc.exe))");
    _canon("proc.name startswith val(proc.pname)", "proc.name startswith val(proc.pname)");
    _canon("proc.name = val(proc.pname) and a", "(proc.name = val(proc.pname) and a)");

    _err("proc.name = val()", 17, "expected a field after 'val('");
    _err("proc.name = val(tolower(proc.pname))", 17, "expected a field after 'val('");
    _err("proc.name = val(proc.pname", 16, "missing closing parenthesis");
}

/* ---- positions ------------------------------------------------------------ */

static void test_positions_offsets(void **state)
{
    /*                                 1         2         3         4
     *                        1234567890123456789012345678901234567890123 */
    struct ast_node *n = _parse("a and not tolower(fd.name) startswith \"/x\"");
    assert_null(n->pos.file);
    assert_int_equal(_col(n->pos), 1);
    struct ast_node *not = n->list.kids[1];
    assert_int_equal(not ->kind, AST_NOT);
    assert_int_equal(_col(not ->pos), 7);
    struct ast_node *cmp = not ->operand;
    assert_int_equal(_col(cmp->pos), 11);
    assert_int_equal(_col(cmp->cmp.lhs.pos), 19);
    assert_int_equal(_col(cmp->cmp.op_pos), 28);
    assert_int_equal(_col(_value(cmp)->pos), 39);

    /*             1234567890123456789012345678901234567890 */
    n = _parse("(x or y) and proc.name in (a,  'b')");
    assert_int_equal(_col(n->pos), 1);
    assert_int_equal(_col(n->list.kids[0]->pos), 2);
    cmp = n->list.kids[1];
    assert_int_equal(_col(cmp->pos), 14);
    assert_int_equal(_col(cmp->cmp.op_pos), 24);
    assert_int_equal(_col(cmp->cmp.rhs.values[0].pos), 28);
    assert_int_equal(_col(cmp->cmp.rhs.values[1].pos), 32);

    n = _parse("  not not not   spawned_process");
    assert_int_equal(_col(n->pos), 3);
    assert_int_equal(_col(n->operand->pos), 17);

    n = _parse("proc.name = val(proc.pname)");
    assert_int_equal(_col(n->cmp.rhs.field.pos), 17);
}

static void test_positions_lines(void **state)
{
    /* A condition that is a whole file: its value on line 3 is on line 3. */
    const char *plain = "spawned_process and\n  container and\n  proc.name = 'bash'";
    struct src_file *plain_file = src_file_new("c.txt", plain, strlen(plain), 0);
    size_t plen = strlen(plain);
    uint32_t *poff = arena_alloc(_arena, (plen + 1) * sizeof(uint32_t));
    for (size_t i = 0; i <= plen; i++)
        poff[i] = (uint32_t)i;
    struct text_map pmap = {.file = plain_file, .offsets = poff, .len = plen};
    struct ast_node *p = condition_parse(_arena, plain, plen, &pmap, &_diags);
    assert_non_null(p);
    unsigned pl, pc;
    src_pos_linecol(_value(p->list.kids[2])->pos, &pl, &pc);
    assert_int_equal(pl, 3);
    assert_int_equal(pc, 15);
    src_pos_linecol(p->list.kids[1]->pos, &pl, &pc);
    assert_int_equal(pl, 2);
    assert_int_equal(pc, 3);
    /* The end of the text, for errors there, maps too. */
    assert_null(condition_parse(_arena, plain, plen - 7, &pmap, &_diags));
    assert_diag_at(&_diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 14);
    /* Diagnostics point into the file: drop them before it. */
    diag_list_free(&_diags);
    memset(&_diags, 0, sizeof(_diags));
    src_file_free(&plain_file);

    /* A condition inside a rules file, as the loader hands it over: each
     * byte of the condition text maps to its offset in the file. */
    const char *yaml = "- macro: m\n"
                       "  condition: >\n"
                       "    spawned_process and\n"
                       "    proc.name in (bash,\n"
                       "                  zsh)\n";
    struct src_file *file = src_file_new("rules.yaml", yaml, strlen(yaml), 0);
    const char *start = strstr(yaml, "spawned_process");
    const char *text = start;
    size_t len = strlen(text) - 1; /* without the last newline */
    uint32_t *offsets = arena_alloc(_arena, (len + 1) * sizeof(uint32_t));
    for (size_t i = 0; i <= len; i++)
        offsets[i] = (uint32_t)(start - yaml + i);
    struct text_map map = {.file = file, .offsets = offsets, .len = len};

    struct ast_node *n = condition_parse(_arena, text, len, &map, &_diags);
    assert_non_null(n);
    unsigned line, col;
    src_pos_linecol(n->pos, &line, &col);
    assert_ptr_equal(n->pos.file, file);
    assert_int_equal(line, 3);
    assert_int_equal(col, 5);
    struct ast_node *cmp = n->list.kids[1];
    src_pos_linecol(cmp->pos, &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 5);
    src_pos_linecol(cmp->cmp.op_pos, &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 15);
    src_pos_linecol(cmp->cmp.rhs.values[1].pos, &line, &col);
    assert_int_equal(line, 5);
    assert_int_equal(col, 19);

    /* Errors land on the file position too. */
    const char *bad = "proc.name in (bash,\n  zsh\n  \"x\\q\")";
    struct src_file *bad_file = src_file_new("bad.yaml", bad, strlen(bad), 1);
    size_t blen = strlen(bad);
    uint32_t *boff = arena_alloc(_arena, (blen + 1) * sizeof(uint32_t));
    for (size_t i = 0; i <= blen; i++)
        boff[i] = (uint32_t)i;
    struct text_map bmap = {.file = bad_file, .offsets = boff, .len = blen};
    assert_null(condition_parse(_arena, bad, blen, &bmap, &_diags));
    assert_diag_at(&_diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 3, 5);
    assert_string_equal(_diags.items[0].message, "invalid escape sequence '\\q'");
    diag_list_free(&_diags);
    memset(&_diags, 0, sizeof(_diags));
    src_file_free(&bad_file);
    src_file_free(&file);
}

static void test_positions_folded(void **state)
{
    /* Text assembled from two places of a file (a list substituted in):
     * positions follow the map, not the text. */
    const char *file_text = "0123456789proc.name in (bash)xxxxxxxxxxx\"a\\qb\"";
    struct src_file *file = src_file_new("f.yaml", file_text, strlen(file_text), 0);
    const char *text = "proc.name = \"a\\qb\"";
    size_t len = strlen(text);
    uint32_t *offsets = arena_alloc(_arena, (len + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < 12; i++)
        offsets[i] = (uint32_t)(10 + i);
    for (size_t i = 12; i <= len; i++)
        offsets[i] = (uint32_t)(40 + i - 12);
    struct text_map map = {.file = file, .offsets = offsets, .len = len};
    assert_null(condition_parse(_arena, text, len, &map, &_diags));
    assert_diag_at(&_diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 1, 43);
    diag_list_free(&_diags);
    memset(&_diags, 0, sizeof(_diags));
    src_file_free(&file);
}

/* ---- errors --------------------------------------------------------------- */

static void test_errors(void **state)
{
    static const struct {
        const char *text;
        unsigned col;
        const char *message;
    } cases[] = {
        /* empty */
        {"", 1, "empty condition"},
        {"  \n\t ", 1, "empty condition"},
        /* unbalanced parentheses, both ways */
        {"(a and b", 1, "missing closing parenthesis"},
        {"a and ((b or c)", 7, "missing closing parenthesis"},
        {"(a and (b or c)", 1, "missing closing parenthesis"},
        {"a)", 2, "unexpected token ')' without a matching '('"},
        {"(a and b))", 10, "unexpected token ')' without a matching '('"},
        {")", 1, "unexpected token ')' without a matching '('"},
        {"()", 2, "expected a field or a macro name after '('"},
        {"proc.name in (a, b", 14, "missing closing parenthesis"},
        /* unknown operators */
        {"proc.name equals bash", 11, "unknown operator 'equals'"},
        {"proc.name like bash", 11, "unknown operator 'like'"},
        {"proc.name inx (a)", 11, "unknown operator 'inx'"},
        {"proc.name ~= bash", 11, "expected an operator after 'proc.name'"},
        {"proc.name and a", 11, "expected an operator after 'proc.name'"},
        {"proc.name", 10, "expected an operator after 'proc.name'"},
        {"proc.aname[2]) = x", 14, "expected an operator after 'proc.aname[2]'"},
        {"proc.name contains\"x\"", 19, "expected a blank after 'contains'"},
        {"proc.name startswith(x)", 21, "expected a blank after 'startswith'"},
        /* missing values */
        {"proc.name =", 12, "expected a value after '='"},
        {"proc.name startswith", 21, "expected a value after 'startswith'"},
        /* After an operator 'and' is a value, as in libsinsp. */
        {"proc.name startswith and a", 26, "unexpected token 'a', expecting 'and' or 'or'"},
        {"proc.name = )", 13, "expected a value after '='"},
        {"proc.name = (a, b)", 13, "expected a value after '='"},
        {"proc.name in", 13, "expected a list or a list name after 'in'"},
        {"proc.name in \"a\"", 14, "expected a list or a list name after 'in'"},
        {"proc.name in (a,", 17, "expected a value after ','"},
        {"proc.name in (a,)", 17, "expected a value after ','"},
        {"proc.name in (,a)", 15, "expected a value or ')' in the list, got ','"},
        {"proc.name in (a=b)", 16, "expected ',' or ')' in the list, got '='"},
        /* strings */
        {"proc.name = \"bash", 13, "unterminated string"},
        {"proc.name = 'bash", 13, "unterminated string"},
        {"proc.name = \"bash\\\"", 13, "unterminated string"},
        {"proc.name in (a, \"b)", 18, "unterminated string"},
        /* trailing garbage */
        {"a b", 3, "unexpected token 'b', expecting 'and' or 'or'"},
        {"proc.name = bash sh", 18, "unexpected token 'sh', expecting 'and' or 'or'"},
        {"(a b)", 4, "unexpected token 'b', expecting 'and', 'or' or ')'"},
        {"proc.name = \"a\"b", 16, "unexpected token 'b', expecting 'and' or 'or'"},
        {"a and b 'c'", 9, "unexpected token ''c'', expecting 'and' or 'or'"},
        {"proc.name exists x", 18, "unexpected token 'x', expecting 'and' or 'or'"},
        /* missing operands */
        {"a and", 6, "expected a field or a macro name after 'and'"},
        {"a or or b", 6, "expected a field or a macro name after 'or'"},
        {"not", 4, "expected a field or a macro name after 'not'"},
        {"a and not 42", 11, "expected a field or a macro name after 'not'"},
        {"and a", 1, "expected a field or a macro name"},
        {"\"bash\"", 1, "expected a field or a macro name"},
        {"/bin/sh", 1, "expected a field or a macro name"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        _err(cases[i].text, cases[i].col, cases[i].message);
}

static void test_nul_and_binary_input(void **state)
{
    /* The length, not a NUL, ends the text. */
    static const char text[] = "proc.name = \"a\0b\" and x";
    struct ast_node *n = condition_parse(_arena, text, sizeof(text) - 1, NULL, &_diags);
    assert_non_null(n);
    assert_int_equal(n->list.kids[0]->cmp.rhs.values[0].len, 3);
    assert_string_equal(ast_to_string(_arena, n), "(proc.name = \"a\\x00b\" and x)");

    static const char bare[] = "proc.name = a\0b";
    assert_null(condition_parse(_arena, bare, sizeof(bare) - 1, NULL, &_diags));
    assert_diag_at(&_diags, DIAG_LOAD_ERR_COMPILE_CONDITION, 1, 14);

    /* Only part of the buffer is the condition. */
    n = condition_parse(_arena, "a and b garbage", 7, NULL, &_diags);
    assert_non_null(n);
    assert_string_equal(ast_to_string(_arena, n), "(a and b)");

    _val("proc.name = caf\xc3\xa9", "caf\xc3\xa9", 5);
    _canon("proc.name = \"\xc3\xa9\"", "proc.name = \"\\xc3\\xa9\"");
}

static void test_depth_limit(void **state)
{
    size_t depth = CONDITION_MAX_DEPTH;
    char *ok = arena_alloc(_arena, 2 * depth + 2);
    memset(ok, '(', depth);
    ok[depth] = 'a';
    memset(ok + depth + 1, ')', depth);
    assert_non_null(_parse(ok));

    char *deep = arena_alloc(_arena, 2 * depth + 4);
    memset(deep, '(', depth + 1);
    deep[depth + 1] = 'a';
    memset(deep + depth + 2, ')', depth + 1);
    _err(deep, CONDITION_MAX_DEPTH + 1, "condition nested too deeply (more than 256 parentheses)");

    /* Hostile input stops at the limit, not at the end of the text. */
    size_t huge = 1000000;
    char *opens = calloc(huge + 1, 1);
    memset(opens, '(', huge);
    _err(opens, CONDITION_MAX_DEPTH + 1, "condition nested too deeply (more than 256 parentheses)");
    for (size_t i = 0; i + 5 <= huge; i += 5)
        memcpy(opens + i, "not (", 5);
    _err(opens, 5 * CONDITION_MAX_DEPTH + 5,
         "condition nested too deeply (more than 256 parentheses)");

    /* Long flat chains need no depth: 249999 'not's, then 'a'. */
    for (size_t i = 0; i + 4 <= huge; i += 4)
        memcpy(opens + i, "not ", 4);
    memcpy(opens + huge - 4, "   a", 4);
    assert_int_equal(_parse(opens)->kind, AST_NOT);
    size_t k = huge / 6, n = 0;
    for (size_t i = 0; i + 1 < k; i++, n += 6)
        memcpy(opens + n, "a and ", 6);
    strcpy(opens + n, "a");
    struct ast_node *ast = _parse(opens);
    assert_int_equal(ast->kind, AST_AND);
    assert_int_equal(ast->list.nkids, k);
    free(opens);
}

/* ---- round trip ------------------------------------------------------------ */

static void test_round_trip_corpus(void **state)
{
    static const char *const corpus[] = {
        "spawned_process and container and proc.name in (bash, sh, \"zsh\") and not proc.pname "
        "startswith runc",
        "evt.type in (open, openat, openat2) and evt.is_open_write=true and fd.typechar='f' and "
        "fd.num>=0",
        "(open_write or open_read) and fd.name startswith /etc and not proc.name in "
        "(passwd_binaries, shadowutils_binaries) and not user_known_etc_writers",
        "evt.type = connect and evt.dir = < and (fd.typechar = 4 or fd.typechar = 6) and not "
        "fd.snet in (rfc_1918_addresses, \"127.0.0.0/8\") and fd.sport != 53",
        "spawned_process and proc.cmdline contains \"curl \" and (proc.args contains \"-o /tmp\" "
        "or proc.args icontains '--output')",
        "container and container.image.repository endswith /falco and k8s.ns.name = kube-system",
        "proc.aname[2] in (sshd, login) and proc.env[TERM] exists and not proc.tty = 0",
        "container.mount.dest[/var/run/docker.sock] exists or container.mount.dest[/proc*] != "
        "N/A",
        "fd.name pmatch (/etc/shadow, /root/.ssh) and not fd.name glob \"*.bak\" and fd.name "
        "regex '^/etc/(passwd|group)$'",
        "tolower(basename(proc.exe)) in (xmrig, minerd) or len(proc.cmdline) > 4096",
        "proc.name = val(proc.pname) and proc.pid != val(proc.ppid) and fd.sport < val(fd.dport)",
        "proc.name startswith anyof (kube, docker) and not proc.pname endswith allof ()",
        "evt.buffer bcontains 7f454c46 or evt.buffer bstartswith 4d5a",
        "proc.args intersects (-e, --exec) and not (proc.pname exists and proc.pname in ())",
        "not not not (a or not (b and not c)) and d",
        "fd.sip=\"10.0.0.1\" and fd.sport>=1024 and evt.rawres<0 and evt.count<=0x10",
        "proc.name in (\"with space\", 'single', \"quote\\\"d\", 'it\\'s', \"tab\\t\", "
        "\"hex\\x7f\", "
        "\"slash\\/\", \"back\\\\slash\")",
        "user.name = root and (proc.name = sudo or proc.name = su)\nand not user.loginuid = -1",
        "proc.name = \"\\x00\\x01\\b\\f\\n\\r\\t\\xff\"",
        "proc.env[\"PATH WITH SPACE\"] contains /tmp and proc.env['q\"'] exists",
        "fd.name contains anyof my_list and proc.name = oneof",
    };
    for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
        _parse(corpus[i]);
}

/* ---- the AST API ----------------------------------------------------------- */

static void test_names(void **state)
{
    assert_string_equal(ast_op_name(OP_EQ), "=");
    assert_string_equal(ast_op_name(OP_GE), ">=");
    assert_string_equal(ast_op_name(OP_BSTARTSWITH), "bstartswith");
    assert_string_equal(ast_op_name(OP_EXISTS), "exists");
    assert_string_equal(ast_op_name(OP_MAX), "?");
    assert_string_equal(ast_transformer_name(XF_BASENAME), "basename");
    assert_string_equal(ast_transformer_name(XF_MAX), "?");
    assert_string_equal(ast_modifier_name(MOD_NONE), "");
    assert_string_equal(ast_modifier_name(MOD_ALLOF), "allof");
    for (int op = 0; op < OP_MAX; op++)
        assert_non_null(ast_op_name((enum ast_op)op));
}

static void test_clone_and_equal(void **state)
{
    const char *text = "(a or not tolower(proc.env[HOME]) startswith anyof (x, \"y\\x00z\")) and "
                       "fd.sport > val(fd.dport) and proc.name in () and proc.pname exists";
    struct ast_node *a = _parse(text);
    struct arena *other = arena_new();
    struct ast_node *b = ast_clone(other, a);
    assert_true(ast_equal(a, b));
    assert_string_equal(ast_to_string(_arena, b), ast_to_string(_arena, a));
    /* The clone owns its strings. */
    assert_ptr_not_equal(b->list.kids[3]->cmp.lhs.name, a->list.kids[3]->cmp.lhs.name);
    arena_free(&other);

    /* Positions and quoting do not matter; everything else does. */
    assert_true(ast_equal(_parse("proc.name = bash"), _parse("  proc.name == \"bash\"")));
    assert_true(ast_equal(_parse("not not a"), _parse("a")));
    static const char *const different[][2] = {
        {"proc.name = bash", "proc.name != bash"},
        {"proc.name = bash", "proc.name = sh"},
        {"proc.name = bash", "proc.pname = bash"},
        {"proc.name = \"a\\x00b\"", "proc.name = \"a\\x00c\""},
        {"proc.aname[1] = x", "proc.aname[2] = x"},
        {"proc.aname[1] = x", "proc.aname = x"},
        {"tolower(proc.name) = x", "toupper(proc.name) = x"},
        {"tolower(basename(fd.name)) = x", "basename(tolower(fd.name)) = x"},
        {"proc.name startswith anyof (a)", "proc.name startswith allof (a)"},
        {"proc.name startswith anyof (a)", "proc.name startswith a"},
        {"proc.name in (a)", "proc.name in (a, b)"},
        {"proc.name in (a)", "proc.name in a"},
        {"proc.name = val(proc.pname)", "proc.name = proc.pname"},
        {"a and b", "a or b"},
        {"a and b", "a and b and c"},
        {"a and (b and c)", "a and b and c"},
        {"not a", "a"},
        {"a", "b"},
    };
    for (size_t i = 0; i < sizeof(different) / sizeof(different[0]); i++) {
        struct ast_node *x = _parse(different[i][0]);
        struct ast_node *y = _parse(different[i][1]);
        if (ast_equal(x, y)) {
            print_error("equal: %s | %s\n", different[i][0], different[i][1]);
            fail();
        }
    }
    assert_true(ast_equal(NULL, NULL));
    assert_false(ast_equal(a, NULL));
    assert_null(ast_clone(_arena, NULL));
}

static void test_to_string_other_nodes(void **state)
{
    /* Nodes later passes build, which the parser never produces. */
    struct src_pos pos = {0};
    struct ast_node *t = ast_new(_arena, AST_BOOL, pos);
    t->value = true;
    assert_string_equal(ast_to_string(_arena, t), "true");
    assert_true(ast_equal(t, ast_clone(_arena, t)));

    struct ast_node *cmp = _parse("proc.name in my_list");
    cmp->cmp.rhs.values->text = "not an identifier";
    cmp->cmp.rhs.values->len = strlen("not an identifier");
    assert_string_equal(ast_to_string(_arena, cmp), "proc.name in (\"not an identifier\")");

    struct ast_node *num = _parse("fd.sport > 1");
    num->cmp.rhs.values->text = "http";
    num->cmp.rhs.values->len = 4;
    assert_string_equal(ast_to_string(_arena, num), "fd.sport > \"http\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, _setup, _teardown)
        T(test_precedence),
        T(test_nary),
        T(test_not),
        T(test_keywords_whole_words),
        T(test_macro),
        T(test_every_operator),
        T(test_no_space_forms),
        T(test_exists),
        T(test_bare_values),
        T(test_quoted_values),
        T(test_escapes),
        T(test_numbers),
        T(test_lists),
        T(test_modifiers),
        T(test_field_args),
        T(test_transformers),
        T(test_rhs_fields),
        T(test_positions_offsets),
        T(test_positions_lines),
        T(test_positions_folded),
        T(test_errors),
        T(test_nul_and_binary_input),
        T(test_depth_limit),
        T(test_round_trip_corpus),
        T(test_names),
        T(test_clone_and_equal),
        T(test_to_string_other_nodes),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
