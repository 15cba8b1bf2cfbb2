/* core/sysargs.c: where evt.arg.NAME lives for each syscall, and Falco's
 * text for flag and enumeration arguments. */
#include "tests/unit/test_util.h"

#include <string.h>

#include "core/evttypes.h"
#include "core/fields.h"
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
        if (a->index < 0 || a->index > 5)
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_param_kinds),
        cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests_name("sysargs", tests, NULL, NULL);
}
