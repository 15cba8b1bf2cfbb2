/* runtime/users.c: passwd and group parsing, lookups, unknown ids, refresh
 * after a change (rename or in-place), and the host root prefix. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "runtime/users.h"

#define _SEC 1000000000ull

struct _fixture {
    char root[64];
    char passwd[128];
    char group[128];
};

static void _put(const char *path, const char *text)
{
    /* Like useradd and vipw: write a new file, rename it over the old one. */
    char tmp[160];
    snprintf(tmp, sizeof(tmp), "%s+", path);
    FILE *out = fopen(tmp, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
    assert_int_equal(rename(tmp, path), 0);
}

static int _setup(void **state)
{
    struct _fixture *f = calloc(1, sizeof(*f));
    strcpy(f->root, "/tmp/rulec-users-XXXXXX");
    if (!mkdtemp(f->root))
        return -1;
    char etc[96];
    snprintf(etc, sizeof(etc), "%s/etc", f->root);
    mkdir(etc, 0755);
    snprintf(f->passwd, sizeof(f->passwd), "%s/passwd", etc);
    snprintf(f->group, sizeof(f->group), "%s/group", etc);
    _put(f->passwd, "root:x:0:0:root:/root:/bin/bash\n"
                    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\n"
                    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    _put(f->group, "root:x:0:\n"
                   "adm:x:4:syslog,alice\n"
                   "alice:x:1000:\n"
                   "nogroup:x:65534:\n");
    *state = f;
    return 0;
}

static int _teardown(void **state)
{
    struct _fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
    int r = system(cmd);
    free(f);
    return r == 0 ? 0 : -1;
}

static void test_lookup(void **state)
{
    struct _fixture *f = *state;
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_int_equal(users_nusers(db), 4);
    assert_int_equal(users_ngroups(db), 4);
    assert_string_equal(users_name(db, 1000), "alice");
    assert_string_equal(users_homedir(db, 1000), "/home/alice");
    assert_string_equal(users_shell(db, 1000), "/bin/zsh");
    assert_string_equal(users_name(db, 0), "root");
    assert_string_equal(users_name(db, 65534), "nobody");
    const struct users_user *u = users_find(db, 1);
    assert_non_null(u);
    assert_int_equal(u->gid, 1);
    assert_string_equal(u->shell, "/usr/sbin/nologin");
    assert_string_equal(users_group_name(db, 4), "adm");
    assert_string_equal(users_group_name(db, 1000), "alice");
    assert_string_equal(users_group_name(db, 65534), "nogroup");
    users_free(&db);
    assert_null(db);
}

static void test_unknown_ids(void **state)
{
    struct _fixture *f = *state;
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_null(users_find(db, 1001));
    assert_null(users_name(db, 999));
    assert_null(users_homedir(db, 2));
    assert_null(users_shell(db, 70000));
    assert_null(users_group_name(db, 5));
    /* An unset loginuid is (uint32_t)-1: never a user. */
    assert_null(users_name(db, UINT32_MAX));
    assert_null(users_group_name(db, UINT32_MAX));
    users_free(&db);
}

/* Like libsinsp: uid and gid 0 are root even where passwd lacks them. */
static void test_root_fallback(void **state)
{
    struct _fixture *f = *state;
    _put(f->passwd, "alice:x:1000:1000::/home/alice:/bin/sh\n");
    _put(f->group, "alice:x:1000:\n");
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_string_equal(users_name(db, 0), "root");
    assert_string_equal(users_homedir(db, 0), "/root");
    assert_null(users_shell(db, 0));
    assert_string_equal(users_group_name(db, 0), "root");
    users_free(&db);
}

static void test_malformed_lines_skipped(void **state)
{
    struct _fixture *f = *state;
    _put(f->passwd, "# a comment\n"
                    "\n"
                    "+::::::\n"
                    "short:x:5:5:gecos:/home\n"
                    "neg:x:-1:5::/h:/bin/sh\n"
                    "big:x:4294967296:5::/h:/bin/sh\n"
                    "hex:x:0x10:5::/h:/bin/sh\n"
                    "space:x: 7:5::/h:/bin/sh\n"
                    ":x:8:8::/h:/bin/sh\n"
                    "crlf:x:9:9::/home/crlf:/bin/sh\r\n"
                    "extra:x:10:10::/home/extra:/bin/sh:more:fields\n"
                    "first:x:11:11::/home/first:/bin/sh\n"
                    "second:x:11:11::/home/second:/bin/sh\n"
                    "last:x:12:12::/home/last:/bin/sh"); /* no final newline */
    _put(f->group, "wheel:x:10:a,b,c\n"
                   "bad:x:ten:\n"
                   "nomembers:x:11\n"
                   "dup:x:10:\n");
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_int_equal(users_nusers(db), 5);
    assert_null(users_name(db, 5));
    assert_null(users_name(db, 7));
    assert_null(users_name(db, 8));
    assert_null(users_name(db, 16));
    assert_string_equal(users_name(db, 9), "crlf");
    assert_string_equal(users_shell(db, 9), "/bin/sh");
    assert_string_equal(users_shell(db, 10), "/bin/sh");
    assert_string_equal(users_name(db, 11), "first"); /* getpwuid(3) finds the first */
    assert_string_equal(users_name(db, 12), "last");
    assert_string_equal(users_group_name(db, 10), "wheel");
    assert_string_equal(users_group_name(db, 11), "nomembers");
    users_free(&db);
}

/* A group with thousands of members is one very long line. */
static void test_long_line(void **state)
{
    struct _fixture *f = *state;
    size_t n = 100000;
    char *text = malloc(n + 64);
    strcpy(text, "big:x:77:");
    size_t len = strlen(text);
    while (len < n) {
        memcpy(text + len, "member,", 7);
        len += 7;
    }
    strcpy(text + len, "\nsmall:x:78:\n");
    _put(f->group, text);
    free(text);
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_string_equal(users_group_name(db, 77), "big");
    assert_string_equal(users_group_name(db, 78), "small");
    users_free(&db);
}

static void test_refresh_after_rename(void **state)
{
    struct _fixture *f = *state;
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_false(users_refresh_at(db, 100 * _SEC)); /* nothing changed */
    assert_null(users_name(db, 1001));

    _put(f->passwd, "root:x:0:0:root:/root:/bin/bash\n"
                    "alice:x:1000:1000::/home/alice:/bin/zsh\n"
                    "bob:x:1001:1001::/home/bob:/bin/bash\n");
    _put(f->group, "root:x:0:\nbob:x:1001:\n");
    /* Checked at most once a second: too soon. */
    assert_false(users_refresh_at(db, 100 * _SEC + _SEC / 2));
    assert_null(users_name(db, 1001));
    assert_true(users_refresh_at(db, 101 * _SEC));
    assert_string_equal(users_name(db, 1001), "bob");
    assert_string_equal(users_group_name(db, 1001), "bob");
    assert_null(users_name(db, 65534));
    assert_null(users_group_name(db, 4));
    users_free(&db);
}

/* An in-place edit of the same length keeps the inode and size: the
 * modification time tells. */
static void test_refresh_in_place(void **state)
{
    struct _fixture *f = *state;
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    struct stat before;
    assert_int_equal(stat(f->passwd, &before), 0);
    int fd = open(f->passwd, O_RDWR);
    assert_true(fd >= 0);
    char text[512];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    assert_true(n > 0);
    text[n] = '\0';
    off_t at = (off_t)(strstr(text, "alice") - text);
    assert_int_equal(pwrite(fd, "carol", 5, at), 5);
    /* Make sure the time moves even on a file system with coarse stamps. */
    struct timespec times[2] = {{.tv_sec = before.st_mtim.tv_sec + 10},
                                {.tv_sec = before.st_mtim.tv_sec + 10}};
    assert_int_equal(futimens(fd, times), 0);
    close(fd);
    struct stat after;
    assert_int_equal(stat(f->passwd, &after), 0);
    assert_int_equal(after.st_ino, before.st_ino);
    assert_int_equal(after.st_size, before.st_size);
    assert_true(users_refresh_at(db, 5 * _SEC));
    assert_string_equal(users_name(db, 1000), "carol");
    users_free(&db);
}

/* No files (a minimal container): empty, not an error; they appear later. */
static void test_missing_then_created(void **state)
{
    struct _fixture *f = *state;
    unlink(f->passwd);
    unlink(f->group);
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    assert_int_equal(users_nusers(db), 0);
    assert_null(users_name(db, 1000));
    assert_null(users_group_name(db, 1000));
    _put(f->passwd, "alice:x:1000:1000::/home/alice:/bin/sh\n");
    assert_true(users_refresh_at(db, 10 * _SEC));
    assert_string_equal(users_name(db, 1000), "alice");
    users_free(&db);
}

/* A file that disappears keeps its last contents (stale beats none) and is
 * read again when it comes back. */
static void test_vanished_keeps_last(void **state)
{
    struct _fixture *f = *state;
    struct users_db *db;
    assert_int_equal(users_new_paths(&db, f->passwd, f->group), 0);
    unlink(f->passwd);
    assert_false(users_refresh_at(db, 10 * _SEC));
    assert_string_equal(users_name(db, 1000), "alice");
    _put(f->passwd, "zed:x:1000:1000::/home/zed:/bin/sh\n");
    assert_true(users_refresh_at(db, 20 * _SEC));
    assert_string_equal(users_name(db, 1000), "zed");
    users_free(&db);
}

/* A DaemonSet mounts the host's /etc at /host/etc. */
static void test_host_root(void **state)
{
    struct _fixture *f = *state;
    char root[80];
    snprintf(root, sizeof(root), "%s//", f->root); /* trailing slashes are fine */
    struct users_db *db;
    assert_int_equal(users_new(&db, root), 0);
    assert_string_equal(users_name(db, 1000), "alice");
    assert_string_equal(users_group_name(db, 4), "adm");
    users_free(&db);

    /* No root: the node's own /etc, where uid 0 is root. */
    assert_int_equal(users_new(&db, NULL), 0);
    assert_string_equal(users_name(db, 0), "root");
    users_free(&db);
    assert_int_equal(users_new(&db, ""), 0);
    assert_string_equal(users_group_name(db, 0), "root");
    assert_false(users_refresh(db));
    users_free(&db);
}

#define _T(name) cmocka_unit_test_setup_teardown(name, _setup, _teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        _T(test_lookup),
        _T(test_unknown_ids),
        _T(test_root_fallback),
        _T(test_malformed_lines_skipped),
        _T(test_long_line),
        _T(test_refresh_after_rename),
        _T(test_refresh_in_place),
        _T(test_missing_then_created),
        _T(test_vanished_keeps_last),
        _T(test_host_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
