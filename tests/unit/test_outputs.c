/* runtime/outputs.c: the file sink (append, mode, logrotate's rename and
 * reopen, keep_alive), stdout, minimum priority, write errors that must not
 * crash (a full disk, a closed pipe), and the syslog level mapping. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "runtime/outputs.h"

struct _fixture {
    char dir[64];
    char path[128];
    struct rulec_config cfg;
};

static int _setup(void **state)
{
    struct _fixture *f = calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/rulec-outputs-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/rulec.log", f->dir);
    config_init(&f->cfg);
    f->cfg.stdout_enabled = false;
    f->cfg.file_enabled = true;
    f->cfg.file_name = strdup(f->path);
    *state = f;
    return 0;
}

static int _teardown(void **state)
{
    struct _fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* The whole file as a string (static buffer: one at a time). */
static const char *_read(const char *path)
{
    static char buf[4096];
    buf[0] = '\0';
    FILE *in = fopen(path, "r");
    if (!in)
        return "<missing>";
    size_t n = fread(buf, 1, sizeof(buf) - 1, in);
    buf[n] = '\0';
    fclose(in);
    return buf;
}

static void _write(struct output_set *set, enum alert_priority prio, const char *line)
{
    outputs_write(set, prio, line, strlen(line));
}

static void test_syslog_levels(void **state)
{
    (void)state;
    /* Falco hands its priority to syslog(3) as the level: same numbers. */
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_EMERGENCY), LOG_EMERG);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_ALERT), LOG_ALERT);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_CRITICAL), LOG_CRIT);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_ERROR), LOG_ERR);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_WARNING), LOG_WARNING);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_NOTICE), LOG_NOTICE);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_INFORMATIONAL), LOG_INFO);
    assert_int_equal(outputs_syslog_level(ALERT_PRIO_DEBUG), LOG_DEBUG);
    for (int p = 0; p < ALERT_PRIO_MAX; p++)
        assert_int_equal(outputs_syslog_level((enum alert_priority)p), p);
    assert_string_equal(outputs_sink_name(OUTPUT_SYSLOG), "syslog");
}

static void test_file_appends(void **state)
{
    struct _fixture *f = *state;
    FILE *pre = fopen(f->path, "w");
    fputs("earlier\n", pre);
    fclose(pre);
    for (int keep = 0; keep < 2; keep++) {
        f->cfg.file_keep_alive = keep;
        struct output_set *set;
        char err[256];
        assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
        _write(set, ALERT_PRIO_WARNING, keep ? "three" : "one");
        _write(set, ALERT_PRIO_ERROR, keep ? "four\n" : "two\n"); /* one newline tolerated */
        struct output_stats st;
        outputs_stats(set, &st);
        assert_int_equal(st.written[OUTPUT_FILE], 2);
        assert_int_equal(st.errors[OUTPUT_FILE], 0);
        outputs_free(&set);
        assert_null(set);
    }
    assert_string_equal(_read(f->path), "earlier\none\ntwo\nthree\nfour\n");
}

static void test_file_created_0640(void **state)
{
    struct _fixture *f = *state;
    mode_t old = umask(022);
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    outputs_free(&set);
}

static void test_missing_directory(void **state)
{
    struct _fixture *f = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/no/such/dir/rulec.log", f->dir);
    free(f->cfg.file_name);
    f->cfg.file_name = strdup(path);
    struct output_set *set = (struct output_set *)1;
    char err[512];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), -ENOENT);
    assert_null(set);
    assert_non_null(strstr(err, "does not exist"));
    assert_non_null(strstr(err, "/no/such/dir'"));
}

/* logrotate renames the file, then sends SIGHUP: with keep_alive the set
 * writes to the renamed file until outputs_reopen, then to a new one. */
static void test_reopen_after_rename(void **state)
{
    struct _fixture *f = *state;
    f->cfg.file_keep_alive = true;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    _write(set, ALERT_PRIO_WARNING, "before rotation");
    char rotated[160];
    snprintf(rotated, sizeof(rotated), "%s.1", f->path);
    assert_int_equal(rename(f->path, rotated), 0);
    _write(set, ALERT_PRIO_WARNING, "between rename and signal");
    assert_int_equal(access(f->path, F_OK), -1);
    assert_int_equal(outputs_reopen(set), 0);
    _write(set, ALERT_PRIO_WARNING, "after reopen");
    outputs_free(&set);
    assert_string_equal(_read(rotated), "before rotation\nbetween rename and signal\n");
    assert_string_equal(_read(f->path), "after reopen\n");
}

/* Without keep_alive (Falco's default) each alert opens the file: rotation
 * needs no signal at all. */
static void test_no_keep_alive_follows_rename(void **state)
{
    struct _fixture *f = *state;
    f->cfg.file_keep_alive = false;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    _write(set, ALERT_PRIO_WARNING, "a");
    char rotated[160];
    snprintf(rotated, sizeof(rotated), "%s.1", f->path);
    assert_int_equal(rename(f->path, rotated), 0);
    _write(set, ALERT_PRIO_WARNING, "b");
    assert_int_equal(outputs_reopen(set), 0);
    outputs_free(&set);
    assert_string_equal(_read(rotated), "a\n");
    assert_string_equal(_read(f->path), "b\n");
}

/* A reopen that fails (directory gone) is retried at the next alert. */
static void test_reopen_failure_retried(void **state)
{
    struct _fixture *f = *state;
    char sub[160], path[192];
    snprintf(sub, sizeof(sub), "%s/sub", f->dir);
    snprintf(path, sizeof(path), "%s/rulec.log", sub);
    assert_int_equal(mkdir(sub, 0755), 0);
    free(f->cfg.file_name);
    f->cfg.file_name = strdup(path);
    f->cfg.file_keep_alive = true;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(sub), 0);

    int saved = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    assert_int_equal(outputs_reopen(set), -ENOENT);
    _write(set, ALERT_PRIO_WARNING, "lost");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(devnull);

    assert_int_equal(mkdir(sub, 0755), 0);
    _write(set, ALERT_PRIO_WARNING, "kept");
    struct output_stats st;
    outputs_stats(set, &st);
    assert_int_equal(st.errors[OUTPUT_FILE], 1);
    assert_int_equal(st.written[OUTPUT_FILE], 1);
    outputs_free(&set);
    assert_string_equal(_read(path), "kept\n");
}

static void test_min_priority(void **state)
{
    struct _fixture *f = *state;
    f->cfg.min_priority = ALERT_PRIO_WARNING;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    assert_true(outputs_wants(set, ALERT_PRIO_EMERGENCY));
    assert_true(outputs_wants(set, ALERT_PRIO_WARNING));
    assert_false(outputs_wants(set, ALERT_PRIO_NOTICE));
    assert_false(outputs_wants(set, ALERT_PRIO_DEBUG));
    _write(set, ALERT_PRIO_DEBUG, "debug");
    _write(set, ALERT_PRIO_INFORMATIONAL, "info");
    _write(set, ALERT_PRIO_NOTICE, "notice");
    _write(set, ALERT_PRIO_WARNING, "warning");
    _write(set, ALERT_PRIO_CRITICAL, "critical");
    struct output_stats st;
    outputs_stats(set, &st);
    assert_int_equal(st.filtered, 3);
    assert_int_equal(st.written[OUTPUT_FILE], 2);
    outputs_free(&set);
    assert_string_equal(_read(f->path), "warning\ncritical\n");
}

static void test_buffered(void **state)
{
    struct _fixture *f = *state;
    f->cfg.buffered_outputs = true;
    f->cfg.file_keep_alive = true;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    _write(set, ALERT_PRIO_WARNING, "held");
    assert_string_equal(_read(f->path), "");
    outputs_tick(set); /* younger than a second: still held */
    assert_string_equal(_read(f->path), "");
    outputs_flush(set);
    assert_string_equal(_read(f->path), "held\n");
    /* A line larger than the buffer still goes out whole. */
    size_t big = 200 * 1024;
    char *line = malloc(big);
    memset(line, 'x', big);
    outputs_write(set, ALERT_PRIO_WARNING, line, big);
    outputs_free(&set);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, 5 + big + 1);
    free(line);
}

/* stdout is the usual sink of a DaemonSet; alerts go out one line each. */
static void test_stdout(void **state)
{
    struct _fixture *f = *state;
    f->cfg.file_enabled = false;
    f->cfg.stdout_enabled = true;
    char path[160];
    snprintf(path, sizeof(path), "%s/stdout", f->dir);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    _write(set, ALERT_PRIO_NOTICE, "alert one");
    _write(set, ALERT_PRIO_NOTICE, "alert two");
    const char *now = _read(path); /* unbuffered: there without a flush */
    char copy[64];
    snprintf(copy, sizeof(copy), "%s", now);
    outputs_free(&set);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_string_equal(copy, "alert one\nalert two\n");
}

/* `rulec run | head -1`: the reader goes away. EPIPE is counted; SIGPIPE
 * must not kill the process (this test would die of it). */
static void test_stdout_closed_pipe(void **state)
{
    struct _fixture *f = *state;
    f->cfg.file_enabled = false;
    f->cfg.stdout_enabled = true;
    int p[2];
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    fflush(stdout);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    char errpath[160];
    snprintf(errpath, sizeof(errpath), "%s/stderr", f->dir);
    int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(p[1], STDOUT_FILENO);
    dup2(efd, STDERR_FILENO);
    close(p[1]);
    close(efd);
    struct output_set *set;
    char err[256];
    int r = outputs_new(&set, &f->cfg, err, sizeof(err));
    if (r == 0) {
        for (int i = 0; i < 5; i++)
            _write(set, ALERT_PRIO_ERROR, "nobody reads this");
    }
    struct output_stats st = {0};
    if (r == 0)
        outputs_stats(set, &st);
    outputs_free(&set);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    assert_int_equal(r, 0);
    assert_int_equal(st.errors[OUTPUT_STDOUT], 5);
    assert_int_equal(st.written[OUTPUT_STDOUT], 0);
    /* Reported at once, then summed up (here at exit), not five times. */
    assert_string_equal(_read(errpath),
                        "rulec: stdout output: 1 alert(s) not written: Broken pipe\n"
                        "rulec: stdout output: 4 more alert(s) not written since the last "
                        "report: Broken pipe\n");
}

/* A full disk: /dev/full fails every write with ENOSPC. */
static void test_disk_full(void **state)
{
    struct _fixture *f = *state;
    if (access("/dev/full", W_OK) != 0)
        skip_because("no writable /dev/full");
    free(f->cfg.file_name);
    f->cfg.file_name = strdup("/dev/full");
    f->cfg.file_keep_alive = true;
    char errpath[160];
    snprintf(errpath, sizeof(errpath), "%s/stderr", f->dir);
    int saved = dup(STDERR_FILENO);
    int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(efd, STDERR_FILENO);
    close(efd);
    struct output_set *set;
    char err[256];
    int r = outputs_new(&set, &f->cfg, err, sizeof(err));
    for (int i = 0; r == 0 && i < 3; i++)
        _write(set, ALERT_PRIO_ERROR, "disk is full");
    struct output_stats st = {0};
    if (r == 0) {
        outputs_tick(set); /* within the minute: no second report */
        outputs_stats(set, &st);
        outputs_free(&set);
    }
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(r, 0);
    assert_int_equal(st.errors[OUTPUT_FILE], 3);
    assert_string_equal(_read(errpath),
                        "rulec: file output /dev/full: 1 alert(s) not written: "
                        "No space left on device\n"
                        "rulec: file output /dev/full: 2 more alert(s) not written since the "
                        "last report: No space left on device\n");
}

/* A loop turn's alerts are written together, in order: without keep_alive one open of the file
 * for the batch, which a rename in the middle of it shows. Outside a batch each alert is
 * written at once. */
static void test_batch(void **state)
{
    struct _fixture *f = *state;
    f->cfg.file_keep_alive = false;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    outputs_batch_begin(set);
    _write(set, ALERT_PRIO_WARNING, "one");
    _write(set, ALERT_PRIO_ERROR, "two");
    assert_string_equal(_read(f->path), "");
    char rotated[160];
    snprintf(rotated, sizeof(rotated), "%s.1", f->path);
    assert_int_equal(rename(f->path, rotated), 0);
    _write(set, ALERT_PRIO_WARNING, "three");
    outputs_batch_end(set);
    assert_string_equal(_read(f->path), "one\ntwo\nthree\n");
    assert_string_equal(_read(rotated), "");
    _write(set, ALERT_PRIO_WARNING, "four");
    assert_string_equal(_read(f->path), "one\ntwo\nthree\nfour\n");
    struct output_stats st;
    outputs_stats(set, &st);
    assert_int_equal(st.written[OUTPUT_FILE], 4);
    outputs_free(&set);
}

static void test_no_sink(void **state)
{
    struct _fixture *f = *state;
    f->cfg.file_enabled = false;
    struct output_set *set;
    char err[256];
    assert_int_equal(outputs_new(&set, &f->cfg, err, sizeof(err)), 0);
    assert_false(outputs_wants(set, ALERT_PRIO_EMERGENCY));
    _write(set, ALERT_PRIO_EMERGENCY, "nowhere");
    outputs_free(&set);
}

#define _T(name) cmocka_unit_test_setup_teardown(name, _setup, _teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syslog_levels),
        _T(test_file_appends),
        _T(test_file_created_0640),
        _T(test_missing_directory),
        _T(test_reopen_after_rename),
        _T(test_no_keep_alive_follows_rename),
        _T(test_reopen_failure_retried),
        _T(test_min_priority),
        _T(test_buffered),
        _T(test_stdout),
        _T(test_stdout_closed_pipe),
        _T(test_disk_full),
        _T(test_batch),
        _T(test_no_sink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
