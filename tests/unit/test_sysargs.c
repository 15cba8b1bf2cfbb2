/* core/sysargs.c: where evt.arg.NAME lives for each syscall, and Falco's
 * text for flag and enumeration arguments. */
#include "tests/unit/test_util.h"

#include <string.h>

#include "core/evttypes.h"
#include "core/fields.h"
#include "core/rulec_abi.h"
#include "core/sysargs.h"

static const char *_render(const char *syscall, const char *param, uint64_t raw)
{
    static char buf[256];
    const struct sysarg *a = sysarg_find(syscall, param);
    assert_non_null(a);
    return sysarg_render(a, raw, buf, sizeof(buf));
}

static void test_find(void **state)
{
    (void)state;
    const struct sysarg *a = sysarg_find("unlinkat", "name");
    assert_non_null(a);
    assert_int_equal(a->index, 1);
    assert_int_equal(a->kind, SA_STR);
    assert_int_equal(sysarg_find("unlink", "path")->index, 0);
    assert_int_equal(sysarg_find("symlinkat", "linkpath")->index, 2);
    assert_null(sysarg_find("unlink", "name"));
    assert_null(sysarg_find("nosuchcall", "path"));
}

static void test_param_kinds(void **state)
{
    (void)state;
    assert_true(sysarg_param_is_string("target"));
    assert_true(sysarg_param_is_string("name"));
    assert_false(sysarg_param_is_string("flags"));
    assert_false(sysarg_param_is_string("mode"));
    assert_false(sysarg_param_is_string("nosuchparam"));
}

/* Every entry names a syscall rulec knows, a register, and a parameter the
 * field catalogue accepts as evt.arg.NAME, with a string type for strings. */
static void test_table_consistent(void **state)
{
    (void)state;
    const struct field_def *arg = field_by_id(FIELD_EVT_ARG);
    for (size_t i = 0; i < sysarg_count(); i++) {
        const struct sysarg *a = sysarg_at(i);
        const struct evttype *t = evttype_lookup(a->syscall);
        if (!t || t->nr < 0)
            fail_msg("%s: not an x86_64 syscall", a->syscall);
        /* A register, or a value the kernel reads from the syscall's memory (openat2's flags). */
        if (a->index < 0 || a->index > RULEC_ARG_EXE_FLAGS ||
            (a->index == RULEC_ARG_OPEN_HOW_FLAGS && strcmp(a->syscall, "openat2") != 0) ||
            (a->index == RULEC_ARG_EXE_FLAGS && strncmp(a->syscall, "execve", 6) != 0))
            fail_msg("%s %s: register %d", a->syscall, a->param, a->index);
        enum field_type ft = field_arg_type(arg, a->param);
        if (a->kind == SA_STR && ft != FT_STRING && ft != FT_PATH)
            fail_msg("%s %s: a string whose catalogue type is %s", a->syscall, a->param,
                     field_type_name(ft));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sysarg_at(j)->syscall, a->syscall) &&
                !strcmp(sysarg_at(j)->param, a->param))
                fail_msg("%s %s: listed twice", a->syscall, a->param);
    }
}

/* thread.cap_*: Falco's names joined by spaces, unknown bits left out; `contains` a part of a
 * name is a test of the bits whose names contain it, and a space spans two names (undecidable). */
static void test_capabilities(void **state)
{
    (void)state;
    char buf[SYSARG_CAPS_TEXT];
    assert_string_equal(sysarg_render_kind(SA_CAPS, (1ULL << 0) | (1ULL << 21), buf, sizeof(buf)),
                        "CAP_CHOWN CAP_SYS_ADMIN");
    assert_string_equal(sysarg_render_kind(SA_CAPS, 0, buf, sizeof(buf)), "");
    assert_string_equal(sysarg_render_kind(SA_CAPS, 1ULL << 62, buf, sizeof(buf)), "");
    assert_true(strstr(sysarg_render_kind(SA_CAPS, ~0ULL, buf, sizeof(buf)),
                       "CAP_BPF CAP_CHECKPOINT_RESTORE"));
    struct sysarg_term t[64];
    int n = sysarg_terms(SA_CAPS, OP_CONTAINS, "CAP_SYS_MODULE", 14, t, 64);
    assert_int_equal(n, 1);
    assert_true(t[0].mask == 1ULL << 16 && t[0].bits == 1ULL << 16);
    n = sysarg_terms(SA_CAPS, OP_CONTAINS, "SYS_", 4, t,
                     64); /* CAP_SYS_MODULE ... CAP_SYS_TTY_CONFIG */
    assert_int_equal(n, 11);
    assert_int_equal(sysarg_terms(SA_CAPS, OP_CONTAINS, "CAP_NOPE", 8, t, 64), 0);
    assert_int_equal(sysarg_terms(SA_CAPS, OP_CONTAINS, "ADMIN CAP_", 10, t, 64), -1);
    assert_int_equal(sysarg_terms(SA_CAPS, OP_EQ, "CAP_CHOWN", 9, t, 64), -1);
}

static void test_render(void **state)
{
    (void)state;
    assert_string_equal(_render("openat", "flags", 01101), "O_TRUNC|O_CREAT|O_WRONLY");
    assert_string_equal(_render("open", "flags", 0), "O_RDONLY");
    assert_string_equal(_render("open", "flags", 02000000), "O_RDONLY|O_CLOEXEC");
    assert_string_equal(_render("chmod", "mode", 04755),
                        "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
    assert_string_equal(_render("fchmodat", "mode", 02000), "S_ISGID");
    assert_string_equal(_render("ptrace", "request", 16), "PTRACE_ATTACH");
    assert_string_equal(_render("ptrace", "request", 0x4206), "PTRACE_SEIZE");
    assert_string_equal(_render("ptrace", "request", 0), "PTRACE_TRACEME");
    assert_string_equal(_render("ptrace", "request", 999), "999");
    assert_string_equal(_render("socket", "domain", 17), "AF_PACKET");
    assert_string_equal(_render("unshare", "flags", 0x20020000), "CLONE_NEWNS|CLONE_NEWPID");
    assert_string_equal(_render("setns", "nstype", 0x40000000), "CLONE_NEWNET");
    assert_string_equal(_render("setns", "nstype", 0), "0");
    assert_string_equal(_render("unlinkat", "dirfd", (uint64_t)-100), "-100");
    assert_string_equal(_render("setuid", "uid", 0), "0");
}

/* The kernel's tests agree with the text: for every example value of each kind, a term holds
 * exactly when the rendered text satisfies the comparison. */
static bool _text_holds(enum ast_op op, const char *text, const char *c)
{
    size_t n = strlen(text), len = strlen(c);
    switch (op) {
    case OP_EQ:
        return strcmp(text, c) == 0;
    case OP_CONTAINS:
        return strstr(text, c) != NULL;
    case OP_STARTSWITH:
        return n >= len && strncmp(text, c, len) == 0;
    case OP_ENDSWITH:
        return n >= len && strcmp(text + n - len, c) == 0;
    default:
        return false;
    }
}

static void test_terms_agree_with_text(void **state)
{
    (void)state;
    static const struct {
        const char *syscall, *param;
        enum ast_op op;
        const char *c;
    } cases[] = {
        {"openat", "flags", OP_CONTAINS, "O_TRUNC"},
        {"openat", "flags", OP_CONTAINS, "O_RDONLY"},
        {"openat", "flags", OP_CONTAINS, "SYNC"},
        {"chmod", "mode", OP_CONTAINS, "S_ISUID"},
        {"chmod", "mode", OP_CONTAINS, "S_IX"},
        {"ptrace", "request", OP_EQ, "PTRACE_ATTACH"},
        {"ptrace", "request", OP_CONTAINS, "POKE"},
        {"ptrace", "request", OP_EQ, "999"},
        {"ptrace", "request", OP_EQ, "16"},
        {"socket", "domain", OP_CONTAINS, "AF_PACKET"},
        {"socket", "domain", OP_STARTSWITH, "AF_IN"},
        {"unshare", "flags", OP_CONTAINS, "CLONE_NEWNET"},
        {"unlinkat", "dirfd", OP_EQ, "-100"},
        {"unlinkat", "flags", OP_EQ, "512"},
        {"unlinkat", "flags", OP_CONTAINS, "AT_"},
        {"setuid", "uid", OP_EQ, "0"},
    };
    struct sysarg_term terms[64];
    char buf[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct sysarg *a = sysarg_find(cases[i].syscall, cases[i].param);
        assert_non_null(a);
        int n = sysarg_terms(a->kind, cases[i].op, cases[i].c, strlen(cases[i].c), terms, 64);
        if (n < 0)
            fail_msg("%s %s %s: undecidable", cases[i].syscall, cases[i].param, cases[i].c);
        for (unsigned r = 0; r < 400; r++) {
            uint64_t v = r < 200 ? sysarg_example(a->kind, r) : (uint64_t)r * 0x10001ULL;
            bool kernel = false;
            for (int j = 0; j < n; j++)
                kernel = kernel || (v & terms[j].mask) == terms[j].bits;
            const char *text = sysarg_render(a, v, buf, sizeof(buf));
            if (kernel != _text_holds(cases[i].op, text, cases[i].c))
                fail_msg("%s %s %s: value %#llx prints \"%s\", kernel says %d", cases[i].syscall,
                         cases[i].param, cases[i].c, (unsigned long long)v, text, kernel);
        }
    }
}

/* What the register cannot decide stays in userspace. */
static void test_terms_undecidable(void **state)
{
    (void)state;
    struct sysarg_term terms[64];
    assert_int_equal(sysarg_terms(SA_OPEN_FLAGS, OP_EQ, "O_WRONLY", 8, terms, 64), -1);
    assert_int_equal(sysarg_terms(SA_OPEN_FLAGS, OP_CONTAINS, "O_WRONLY|O_TRUNC", 16, terms, 64),
                     -1);
    assert_int_equal(sysarg_terms(SA_MODE, OP_CONTAINS, "1", 1, terms, 64), -1);
    assert_int_equal(sysarg_terms(SA_PTRACE, OP_CONTAINS, "1", 1, terms, 64), -1);
    assert_int_equal(sysarg_terms(SA_STR, OP_EQ, "x", 1, terms, 64), -1);
    assert_int_equal(sysarg_terms(SA_OPEN_FLAGS, OP_CONTAINS, "O_", 2, terms, 1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_param_kinds),
        cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_terms_agree_with_text),
        cmocka_unit_test(test_terms_undecidable),
    };
    return cmocka_run_group_tests_name("sysargs", tests, NULL, NULL);
}
