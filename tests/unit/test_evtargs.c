/* core/evtargs.c: the exit-event parameter table against the event and argument tables it
 * names, and libsinsp's texts for flags, modes, signals and joined paths. */
#include "tests/unit/test_util.h"

#include <stdio.h>

#include "core/evtargs.h"
#include "core/evttypes.h"
#include "core/strbuf.h"
#include "core/sysargs.h"

/* Every syscall is one rulec hooks and libs does not report as generic; every string parameter
 * is one the kernel reads into an evt.arg slot (sysargs.def); a relative path's dirfd is an fd
 * parameter of the same syscall; registers are registers. */
static void test_table_consistent(void **state)
{
    (void)state;
    static const char *const syscalls[] = {
        "chdir",  "chmod",    "chown",   "dup",       "dup2",     "dup3",      "fchdir",
        "fchmod", "fchmodat", "fchown",  "fchownat",  "kill",     "lchown",    "link",
        "linkat", "mkdir",    "mkdirat", "rename",    "renameat", "renameat2", "rmdir",
        "setgid", "setuid",   "symlink", "symlinkat", "unlink",   "unlinkat",
    };
    size_t total = 0;
    for (size_t k = 0; k < sizeof(syscalls) / sizeof(syscalls[0]); k++) {
        size_t n;
        const struct evtarg *a = evtargs_of(syscalls[k], &n);
        assert_non_null(a);
        const struct evttype *t = evttype_lookup(syscalls[k]);
        assert_non_null(t);
        assert_int_equal(t->hook, EVTHOOK_SYS_EXIT);
        assert_false(evttype_class(t).generic);
        assert_true(a[0].reg == EA_RET); /* res or the new fd first */
        for (size_t i = 0; i < n; i++) {
            assert_true(a[i].reg == EA_RET || (a[i].reg >= 0 && a[i].reg < 6));
            if (a[i].type == EA_PATH || a[i].type == EA_RELPATH || a[i].type == EA_CHARBUF) {
                const struct sysarg *s = sysarg_find(syscalls[k], a[i].name);
                if (!s || s->kind != SA_STR || s->index != a[i].reg)
                    fail_msg("%s.%s: not a string argument in sysargs.def", syscalls[k], a[i].name);
            }
            if (a[i].type == EA_RELPATH)
                assert_true((size_t)a[i].aux < n && a[a[i].aux].type == EA_FD);
        }
        total += n;
    }
    size_t none;
    assert_null(evtargs_of("openat", &none)); /* dev and ino: the kernel's */
    assert_int_equal(none, 0);
    assert_null(evtargs_of("read", &none));
    assert_true(total > 80);
}

static const char *_text(struct strbuf *sb)
{
    return sb->data ? sb->data : "";
}

static void test_flags_and_modes(void **state)
{
    (void)state;
    static const struct {
        enum evtarg_table table;
        uint64_t reg;
        uint32_t value;
        const char *names;
    } flags[] = {
        {EA_T_UNLINKAT, 0x200, 0x200, "AT_REMOVEDIR"},
        {EA_T_UNLINKAT, 0, 0, ""},
        {EA_T_DUP3, 02000000, 4096, "O_CLOEXEC"},
        {EA_T_DUP3, 0, 0, "O_NONE"},
        /* AT_SYMLINK_NOFOLLOW (0x100) is not sent; AT_SYMLINK_FOLLOW is, named NOFOLLOW */
        {EA_T_FCHOWNAT, 0x100, 0, ""},
        {EA_T_FCHOWNAT, 0x400 | 0x1000, 0x1400, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH"},
        {EA_T_LINKAT, 0x400, 0x400, "AT_SYMLINK_FOLLOW"},
        {EA_T_RENAMEAT2, 3, 3, "RENAME_NOREPLACE|RENAME_EXCHANGE"},
        {EA_T_RENAMEAT2, 8, 8, ""},
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        struct strbuf sb = {0};
        uint32_t v = evtargs_flags_value(flags[i].table, flags[i].reg);
        assert_int_equal(v, flags[i].value);
        evtargs_flags_names(&sb, flags[i].table, v);
        assert_string_equal(_text(&sb), flags[i].names);
        strbuf_free(&sb);
    }
    /* PT_MODE's names are evt.arg.mode's (core/sysargs.c) */
    static const struct {
        uint32_t mode;
        const char *names;
    } modes[] = {
        {0755, "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR"},
        {0400, "S_IRUSR"},
        {04000, "S_ISUID"},
        {04700, "S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID"},
    };
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        char buf[256];
        assert_string_equal(sysarg_render_kind(SA_MODE, modes[i].mode, buf, sizeof(buf)),
                            modes[i].names);
    }
    assert_string_equal(evtargs_signal_name(9), "SIGKILL");
    assert_string_equal(evtargs_signal_name(31), "SIGSYS");
    assert_null(evtargs_signal_name(0));
    assert_null(evtargs_signal_name(34)); /* real-time signals have no name */
}

/* concatenate_paths: path1 is used as it is (a directory ending in '/'), path2 normalised
 * onto it, and alone when absolute. */
static void test_join_path(void **state)
{
    (void)state;
    static const struct {
        const char *base, *path, *want;
    } cases[] = {
        {"", "", ""},
        {"", "../", ""},
        {"/", "../", "/"},
        {"a", "../", "a.."}, /* no '/' is added between them */
        {"a/", "../", ""},
        {"", "/foo", "/foo"},
        {"foo/", "..//a", "a"},
        {"/foo/", "..//a", "/a"},
        {"heolo", "w/////////////..//", ""},
        {"", "./", ""},
        {"", "//dir/term", "/dir/term"},
        {"/", "dir/term", "/dir/term"},
        {"", "./dir/term", "dir/term"},
        {"/", "//dir//////term", "/dir/term"},
        {"../.../", "dir/././././../../.../term/", "../.../term"},
        {"../.../", "/app/custom/dir/././././../../.../term/", "/app/.../term"},
        {"app/////", "custom////term", "app/////custom/term"},
        {"/tmp/", "x/./y/../z", "/tmp/x/z"},
        {"/tmp/", ".hidden", "/tmp/.hidden"},
        {"/tmp/", "a/..b", "/tmp/a/..b"},
        {"/root/", "../\xFF\xFE/\x01/test", "/\xFF\xFE/\x01/test"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct strbuf sb = {0};
        evtargs_join_path(&sb, cases[i].base, strlen(cases[i].base), cases[i].path,
                          strlen(cases[i].path));
        if (strcmp(_text(&sb), cases[i].want))
            fail_msg("'%s' + '%s': got '%s', want '%s'", cases[i].base, cases[i].path, _text(&sb),
                     cases[i].want);
        strbuf_free(&sb);
    }
    char longbase[1100];
    memset(longbase, 'C', 1016);
    longbase[1016] = '\0';
    struct strbuf sb = {0};
    evtargs_join_path(&sb, longbase, strlen(longbase), "dir/term", 8);
    assert_string_equal(_text(&sb), "/DIR_TOO_LONG/FILENAME_TOO_LONG");
    strbuf_free(&sb);
}

static void test_abspath_params(void **state)
{
    (void)state;
    const char *dirfd, *path;
    assert_true(evtargs_abspath("renameat2", false, &dirfd, &path));
    assert_string_equal(dirfd, "olddirfd");
    assert_string_equal(path, "oldpath");
    assert_true(evtargs_abspath("renameat2", true, &dirfd, &path));
    assert_string_equal(path, "newpath");
    assert_true(evtargs_abspath("unlinkat", true, &dirfd, &path)); /* one path: both */
    assert_string_equal(path, "name");
    assert_false(evtargs_abspath("unlink", false, &dirfd, &path));
    /* each is an argument the kernel reads */
    static const char *const sc[] = {"renameat", "renameat2", "linkat",  "symlinkat", "openat",
                                     "openat2",  "unlinkat",  "mkdirat", "fchmodat",  "fchownat"};
    for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
        for (int d = 0; d < 2; d++) {
            assert_true(evtargs_abspath(sc[i], d, &dirfd, &path));
            const struct sysarg *fd = sysarg_find(sc[i], dirfd), *p = sysarg_find(sc[i], path);
            assert_non_null(fd);
            assert_int_equal(fd->kind, SA_FD);
            assert_non_null(p);
            assert_int_equal(p->kind, SA_STR);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_flags_and_modes),
        cmocka_unit_test(test_join_path),
        cmocka_unit_test(test_abspath_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
