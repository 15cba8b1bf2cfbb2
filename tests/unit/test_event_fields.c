/* The values runtime/event.c and runtime/event_proc.c give the fields the kernel does not
 * capture, against libsinsp's definitions: event-type fields and times on records made here,
 * process fields on a child process started here with a known command line, environment,
 * session and fds. Outputs are rendered as rulec run renders them (event_get_output) and
 * conditions evaluated as its residuals are (event_get). */
#include "tests/unit/test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/bind.h"
#include "core/format.h"
#include "core/interp.h"
#include "core/policy.h"
#include "core/rulec_abi.h"
#include "core/strbuf.h"
#include "grammar/condition.h"
#include "runtime/event.h"
#include "runtime/procfs.h"
#include "runtime/users.h"

/* A captured slot: a string (or a number when str is NULL) with its status. */
struct slot {
    const char *field, *arg;
    uint8_t status;
    const char *str;
    int64_t num;
};

#define MAX_SLOTS 8
#define SLOT_DATA 256

struct fixture {
    struct policy_meta meta;
    struct policy_slot slots[MAX_SLOTS];
    struct event_layout layout;
    unsigned char rec[sizeof(struct rulec_record_hdr) + 16 +
                      MAX_SLOTS * (sizeof(struct rulec_slot_hdr) + SLOT_DATA)];
    struct event ev;
    struct arena *arena;
};

/* A record of syscall evt_id by process pid that returned ret, with these argument registers
 * and captured slots (both may be NULL), made at boot time 5.000000123 s by a run started at
 * 2 s on a machine booted at 1700000000 (2023-11-14 22:13:20 UTC). */
static struct fixture *_fixture_with(uint32_t evt_id, int64_t ret, uint32_t pid,
                                     const uint64_t *args, const struct slot *slots)
{
    static struct fixture fx; /* one at a time: _teardown_fixture before the next */
    memset(&fx, 0, sizeof(fx));
    fx.meta.mask_words = 1;
    fx.meta.slots = fx.slots;
    struct rulec_record_hdr *h = (void *)fx.rec;
    uint32_t off = (uint32_t)(sizeof(*h) + 16);
    for (size_t i = 0; slots && slots[i].field; i++) {
        assert_true(i < MAX_SLOTS);
        struct rulec_slot_hdr *sh = (void *)(fx.rec + off);
        unsigned char *data = (unsigned char *)(sh + 1);
        sh->status = slots[i].status;
        if (slots[i].str) {
            sh->len = (uint16_t)strlen(slots[i].str);
            memcpy(data, slots[i].str, sh->len);
        } else {
            sh->len = 8;
            memcpy(data, &slots[i].num, 8);
        }
        fx.slots[i] = (struct policy_slot){slots[i].field, slots[i].arg, off, SLOT_DATA};
        h->have[0] |= 1ull << i;
        fx.meta.nslots = i + 1;
        off += (uint32_t)(sizeof(*sh) + SLOT_DATA);
    }
    fx.meta.record_size = off;
    assert_int_equal(event_layout_init(&fx.layout, &fx.meta), 0);
    h->evt_id = evt_id;
    h->ret = ret;
    h->pid = h->tid = pid;
    h->ppid = (uint32_t)getppid();
    h->ts_boot_ns = 5000000123ull;
    for (int i = 0; args && i < 6; i++)
        h->args[i] = args[i];
    fx.ev.boot_to_epoch_ns = 1700000000ull * 1000000000ull;
    fx.ev.start_boot_ns = 2000000000ull;
    fx.ev.hostname = "test";
    assert_int_equal(event_bind(&fx.ev, &fx.layout, fx.rec, off), 0);
    fx.arena = arena_new();
    return &fx;
}

static struct fixture *_fixture(uint32_t evt_id, int64_t ret, uint32_t pid)
{
    return _fixture_with(evt_id, ret, pid, NULL, NULL);
}

static void _teardown_fixture(struct fixture *fx)
{
    event_free(&fx->ev);
    event_layout_free(&fx->layout);
    arena_free(&fx->arena);
}

/* The output template rendered as rulec run renders alerts. */
static const char *_out(struct fixture *fx, const char *tpl)
{
    struct format_template *t = format_parse(fx->arena, tpl, strlen(tpl), NULL, NULL);
    assert_non_null(t);
    struct strbuf sb = {0};
    assert_int_equal(format_render_sb(t, event_get_output, &fx->ev, &sb), 0);
    char *s = arena_strdup(fx->arena, sb.data ? sb.data : "");
    strbuf_free(&sb);
    return s;
}

/* The condition evaluated as a residual is. */
static bool _holds(struct fixture *fx, const char *cond)
{
    struct ast_node *n = condition_parse(fx->arena, cond, strlen(cond), NULL, NULL);
    assert_non_null(n);
    assert_null(bind_condition(n));
    struct interp *it = interp_new(n);
    assert_non_null(it);
    bool r = interp_eval(it, event_get, &fx->ev);
    interp_free(&it);
    return r;
}

#define NR_READ 0
#define NR_WRITE 1
#define NR_BRK 12
#define NR_GETPID 39
#define NR_UNLINK 87
#define NR_EPOLL_WAIT 232

struct out_case {
    uint32_t evt_id;
    int64_t ret;
    const char *tpl, *want;
};

static void test_event_type_fields(void **state)
{
    (void)state;
    static const struct out_case cases[] = {
        {NR_UNLINK, -2, "%evt.type %syscall.type %evt.category %evt.source",
         "unlink unlink file syscall"},
        {NR_UNLINK, -2, "%evt.res %evt.failed %evt.count %evt.count.error %evt.count.exit",
         "ENOENT true 1 1 1"},
        {NR_UNLINK, 0, "%evt.res %evt.failed %evt.count.error", "SUCCESS false 0"},
        {NR_UNLINK, -2, "%evt.count.error.memory %evt.is_async %evt.is_io %evt.io_dir",
         "<NA> false false <NA>"},
        {NR_UNLINK, -512, "%evt.res", "ERESTARTSYS"},
        {NR_UNLINK, -130, "%evt.res", "-130"}, /* EOWNERDEAD: libsinsp has no name for it */
        {NR_READ, 3, "%evt.is_io %evt.is_io_read %evt.is_io_write %evt.io_dir",
         "true true false read"},
        {NR_WRITE, 3, "%evt.is_io %evt.is_io_read %evt.is_io_write %evt.io_dir",
         "true false true write"},
        {NR_WRITE, 3, "%evt.is_wait %evt.is_syslog", "false <NA>"},
        {NR_EPOLL_WAIT, 0, "%evt.is_wait %evt.category", "true wait"},
        {NR_BRK, -12, "%evt.category %evt.count.error.memory", "memory 1"},
        /* a generic event: no return value, category other */
        {NR_GETPID, 7, "%evt.type %evt.category %evt.res %evt.failed %evt.count.error",
         "getpid other <NA> <NA> <NA>"},
        {NR_GETPID, 7, "%evt.count %evt.count.exit %evt.rawres", "1 1 7"},
        {RULEC_EVT_PROCEXIT, 0, "%evt.type %syscall.type %evt.category %evt.count.exit",
         "procexit <NA> process <NA>"},
        {RULEC_EVT_PROCEXIT, 0, "%evt.count.error %evt.res %evt.dir", "<NA> <NA> >"},
        {NR_UNLINK, 0, "%evt.dir", "<"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture *fx = _fixture(cases[i].evt_id, cases[i].ret, (uint32_t)getpid());
        const char *got = _out(fx, cases[i].tpl);
        if (strcmp(got, cases[i].want))
            fail_msg("%u %s: got '%s', want '%s'", cases[i].evt_id, cases[i].tpl, got,
                     cases[i].want);
        _teardown_fixture(fx);
    }
    struct fixture *fx = _fixture(NR_UNLINK, -2, (uint32_t)getpid());
    assert_true(
        _holds(fx, "evt.category = file and evt.count.error = 1 and syscall.type = unlink"));
    assert_false(_holds(fx, "evt.is_io = true"));
    assert_true(_holds(fx, "evt.io_dir exists or evt.source = syscall"));
    _teardown_fixture(fx);
}

static void test_time_fields(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    /* boot time 5.000000123 s, started at 2 s, booted at 1700000000 (2023-11-14 22:13:20) */
    struct fixture *fx = _fixture(NR_UNLINK, 0, (uint32_t)getpid());
    static const struct {
        const char *tpl, *want;
    } cases[] = {
        {"%evt.time", "22:13:25.000000123"},
        {"%evt.time.s", "22:13:25"},
        {"%evt.time.iso8601", "2023-11-14T22:13:25.000000123+0000"},
        {"%evt.datetime", "2023-11-14 22:13:25.000000123"},
        {"%evt.datetime.s", "2023-11-14 22:13:25"},
        {"%evt.outputtime", "22:13:25.000000123"},
        {"%evt.rawtime %evt.rawtime.s %evt.rawtime.ns", "1700000005000000123 1700000005 000000123"},
        {"%evt.reltime %evt.reltime.s %evt.reltime.ns", "3000000123 3 000000123"},
        {"%evt.latency %evt.latency.s %evt.latency.ns %evt.latency.quantized %evt.latency.human",
         "0 0 000000000 0 0ns"},
        {"%evt.wait_latency %thread.exectime", "0 0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = _out(fx, cases[i].tpl);
        if (strcmp(got, cases[i].want))
            fail_msg("%s: got '%s', want '%s'", cases[i].tpl, got, cases[i].want);
    }
    /* conditions compare the text, as libsinsp's extract does */
    assert_true(_holds(fx, "evt.time.s = \"22:13:25\""));
    assert_true(_holds(fx, "evt.time startswith \"22:13:\""));
    assert_true(_holds(fx, "evt.datetime.s = \"2023-11-14 22:13:25\""));
    assert_true(_holds(fx, "evt.time.iso8601 endswith \"+0000\""));
    assert_true(_holds(fx, "evt.rawtime.s = 1700000005 and evt.reltime.s = 3"));
    assert_true(_holds(fx, "toupper(evt.time.s) = \"22:13:25\""));
    _teardown_fixture(fx);
}

/* ---- a child process with known attributes ------------------------------------------------ */

struct child {
    pid_t pid;
    int stdin_w;
};

/* sh -c "read x" arg0 "" "x y": waits on its stdin (a pipe) with stdout on /dev/null and
 * stderr a unix socket, as the leader of a new session, in an environment of three variables. */
static struct child _spawn(void)
{
    int in[2], sk[2];
    assert_int_equal(pipe(in), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sk), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(null, 1);
        dup2(sk[0], 2);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        setsid();
        char *const argv[] = {"sh", "-c", "read x", "arg0", "", "x y", NULL};
        char *const envp[] = {"FOO=bar", "SPACED= v ", "EMPTY=", NULL};
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    close(in[0]);
    close(sk[0]);
    close(sk[1]);
    /* wait for the exec: the command line is sh's */
    for (int i = 0; i < 200; i++) {
        char path[64], buf[256] = "";
        snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof(buf) - 1, f);
            fclose(f);
            if (n > 3 && !strcmp(buf, "sh") && !strcmp(buf + 3, "-c"))
                break;
        }
        usleep(10000);
    }
    return (struct child){pid, in[1]};
}

static void _reap(struct child *c)
{
    close(c->stdin_w);
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
}

static void test_process_fields(void **state)
{
    (void)state;
    struct child c = _spawn();
    struct fixture *fx = _fixture(NR_UNLINK, 0, (uint32_t)c.pid);
    char pid[16], me[16];
    snprintf(pid, sizeof(pid), "%d", c.pid);
    snprintf(me, sizeof(me), "%d", getpid());
    static const struct {
        const char *tpl, *want;
    } cases[] = {
        {"%proc.name|%proc.exe|%proc.args", "sh|sh|-c read x arg0  x y"},
        {"%proc.cmdline|%proc.exeline", "sh -c read x arg0  x y|sh -c read x arg0  x y"},
        {"%proc.cmdnargs %proc.cmdlenargs", "5 15"},
        {"%proc.env", "FOO=bar SPACED= v  EMPTY="},
        {"[%proc.env[SPACED]] [%proc.env[EMPTY]] [%proc.env[NOPE]]", "[v] [] []"},
        {"%proc.aenv|%proc.aenv[0]", "FOO=bar SPACED= v  EMPTY=|FOO=bar SPACED= v  EMPTY="},
        {"[%proc.aenv[FOO]]", "[]"}, /* the parents do not set it */
        {"%proc.sname %proc.sid.exe %proc.pgid.name %proc.pgid.exe %proc.vpgid.name",
         "sh sh sh sh sh"},
        {"%proc.is_vpgid_leader", "true"},
        {"%proc.nthreads %proc.nchilds", "1 0"},
        {"%proc.stdin.type %proc.stdout.type %proc.stderr.type", "pipe file unix"},
        {"%proc.stdin.name %proc.stdout.name %proc.stderr.name", "<NA> /dev/null <NA>"},
        {"%proc.acmdline[0]|%proc.aargs[0]|%proc.aexe[0]",
         "sh -c read x arg0  x y|-c read x arg0  x y|sh"},
        {"%proc.aname[200] %proc.apid[200]", "<NA> <NA>"},
        {"%thread.cgroup.io", "<NA>"}, /* libsinsp names it blkio */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = _out(fx, cases[i].tpl);
        if (strcmp(got, cases[i].want))
            fail_msg("%s: got '%s', want '%s'", cases[i].tpl, got, cases[i].want);
    }
    /* the ancestors: proc.apid prints the process's own pid, compares its parents' */
    assert_string_equal(_out(fx, "%proc.apid"), pid);
    assert_string_equal(_out(fx, "%proc.apid[1]"), me);
    char cond[128];
    snprintf(cond, sizeof(cond), "proc.apid = %s", me);
    assert_true(_holds(fx, cond));
    snprintf(cond, sizeof(cond), "proc.apid = %s", pid);
    assert_false(_holds(fx, cond));
    snprintf(cond, sizeof(cond), "proc.apid[0] = %s and proc.apid[1] = %s", pid, me);
    assert_true(_holds(fx, cond));
    /* proc.aenv without a name compares the parents' environments, prints the process's */
    assert_false(_holds(fx, "proc.aenv contains \"FOO=bar\""));
    assert_true(_holds(fx, "proc.aenv[FOO] = \"\""));
    assert_true(_holds(fx, "proc.stdout.name = /dev/null and proc.stdin.type = pipe"));
    assert_true(_holds(fx, "proc.cmdnargs = 5 and proc.exeline startswith \"sh -c\""));
    /* the login shell: the outermost process named *sh up the tree (at least sh itself) */
    const char *shell = _out(fx, "%proc.loginshellid");
    assert_string_not_equal(shell, "<NA>");
    struct arena *a = arena_new();
    char *comm = procfs_comm(a, (uint32_t)atoi(shell));
    assert_non_null(comm);
    assert_true(strlen(comm) >= 2 && !strcmp(comm + strlen(comm) - 2, "sh"));
    arena_free(&a);
    /* cgroups as libs' modern probe reports them */
    const char *cg = _out(fx, "%thread.cgroups");
    assert_non_null(strstr(cg, "memory=/"));
    assert_true(_out(fx, "%thread.cgroup.memory")[0] == '/');
    assert_true(_out(fx, "%thread.cgroup.blkio")[0] == '/');
    const char *fds = _out(fx, "%proc.fdopencount");
    assert_true(atoi(fds) >= 3);
    _teardown_fixture(fx);
    _reap(&c);

    /* gone: every /proc field is <NA> */
    fx = _fixture(NR_UNLINK, 0, (uint32_t)c.pid);
    assert_string_equal(_out(fx, "%proc.exeline %proc.cmdnargs %proc.sid.exe %proc.pgid.name"),
                        "<NA> <NA> <NA> <NA>");
    assert_string_equal(_out(fx, "%proc.aargs %proc.apid[1] %thread.cgroups %proc.stdin.type"),
                        "<NA> <NA> <NA> <NA>");
    _teardown_fixture(fx);
}

/* ---- fields derived from captured slots ---------------------------------------------------- */

#define NR_CONNECT 42
#define NR_BIND 49
#define NR_KILL 62
#define NR_OPENAT 257
#define NR_UNLINKAT 263
#define NR_MKDIR 83
#define NR_CHMOD 90
#define NR_SETUID 105
#define NR_DUP 32
#define NR_DUP3 292
#define NR_FCHMODAT 268
#define NR_RENAMEAT2 316

#define STR(field_, arg_, s_)                                                                      \
    {                                                                                              \
        field_, arg_, RULEC_SLOT_OK, s_, 0                                                         \
    }
#define NUM(field_, n_)                                                                            \
    {                                                                                              \
        field_, NULL, RULEC_SLOT_OK, NULL, n_                                                      \
    }
#define AT_FDCWD_REG ((uint64_t)-100)

struct slot_case {
    uint32_t evt_id;
    int64_t ret;
    uint64_t args[6];
    struct slot slots[MAX_SLOTS];
    const char *tpl, *want;
};

static void _slot_cases(const struct slot_case *cases, size_t n, struct users_db *users)
{
    for (size_t i = 0; i < n; i++) {
        struct fixture *fx = _fixture_with(cases[i].evt_id, cases[i].ret, (uint32_t)getpid(),
                                           cases[i].args, cases[i].slots);
        fx->ev.users = users;
        const char *got = _out(fx, cases[i].tpl);
        if (strcmp(got, cases[i].want))
            fail_msg("case %zu (%u) %s: got '%s', want '%s'", i, cases[i].evt_id, cases[i].tpl, got,
                     cases[i].want);
        _teardown_fixture(fx);
    }
}

static void test_fd_derived_fields(void **state)
{
    (void)state;
    static const struct slot_case cases[] = {
        {NR_OPENAT,
         3,
         {0},
         {STR("container.id", NULL, "host"), STR("fd.name", NULL, "/etc/passwd")},
         "%fd.containername",
         ":/etc/passwd"},
        {NR_OPENAT,
         3,
         {0},
         {STR("container.id", NULL, "abcdef123456"), STR("fd.directory", NULL, "/etc")},
         "%fd.containerdirectory",
         "abcdef123456:/etc"},
        {NR_OPENAT, -2, {0}, {STR("container.id", NULL, "host")}, "%fd.containername", "<NA>"},
        {NR_CONNECT,
         0,
         {0},
         {NUM("fd.sport", 443), NUM("fd.cport", 5555), NUM("fd.lport", 5555), NUM("fd.rport", 443)},
         "%fd.sproto %fd.cproto %fd.lproto %fd.rproto",
         "443 5555 5555 443"},
        /* a bound socket is libsinsp's server socket, whose protocol fields are "" */
        {NR_BIND, 0, {0}, {NUM("fd.sport", 8080)}, "%fd.sproto", "<NA>"},
        {NR_READ, 3, {0}, {STR("fd.typechar", NULL, "f")}, "%evt.category", "file"},
        {NR_READ, 3, {0}, {STR("fd.typechar", NULL, "6")}, "%evt.category", "net"},
        {NR_READ, 3, {0}, {STR("fd.typechar", NULL, "p")}, "%evt.category", "ipc"},
        {NR_READ, 3, {0}, {STR("fd.typechar", NULL, "l")}, "%evt.category", "unknown"},
        {NR_READ, -9, {0}, {{0}}, "%evt.category", "unknown"}, /* EBADF: no fd info */
        {NR_READ, 3, {0}, {{0}}, "%evt.category", "<NA>"},
        {NR_OPENAT,
         -2,
         {0},
         {{0}},
         "%evt.count.error.file %evt.count.error.net %evt.count.error.other",
         "1 <NA> <NA>"},
        {NR_OPENAT,
         3,
         {0},
         {STR("fd.typechar", NULL, "f")},
         "%evt.count.error.file %evt.count.error.other",
         "0 <NA>"},
        {NR_READ, -5, {0}, {STR("fd.typechar", NULL, "f")}, "%evt.count.error.file", "1"},
        {NR_CONNECT,
         -111,
         {0},
         {STR("fd.typechar", NULL, "4")},
         "%evt.count.error.net %evt.count.error.file",
         "1 <NA>"},
        {NR_KILL, -3, {0}, {{0}}, "%evt.count.error.other %evt.count.error.net", "1 <NA>"},
        {NR_BRK, -12, {0}, {{0}}, "%evt.count.error.other %evt.count.error.memory", "<NA> 1"},
        {NR_GETPID, 1, {0}, {{0}}, "%evt.count.error.other", "<NA>"},
        {NR_WRITE, 3, {0}, {STR("fd.name", NULL, "/dev/log")}, "%evt.is_syslog", "true"},
        {NR_WRITE, 3, {0}, {STR("fd.name", NULL, "/tmp/x")}, "%evt.is_syslog", "false"},
        {NR_WRITE, -9, {0}, {{0}}, "%evt.is_syslog", "false"},
        {NR_WRITE, 3, {0}, {{0}}, "%evt.is_syslog", "<NA>"},
        {NR_READ, 3, {0}, {STR("fd.name", NULL, "/dev/log")}, "%evt.is_syslog", "false"},
    };
    _slot_cases(cases, sizeof(cases) / sizeof(cases[0]), NULL);
    struct slot ports[] = {NUM("fd.sport", 443), NUM("fd.cport", 5555), {0}};
    struct fixture *fx = _fixture_with(NR_CONNECT, 0, (uint32_t)getpid(), NULL, ports);
    assert_true(_holds(fx, "fd.proto = 443 and fd.proto = 5555 and fd.sproto = \"443\""));
    assert_false(_holds(fx, "fd.proto = 80"));
    _teardown_fixture(fx);
}

static void test_event_args(void **state)
{
    (void)state;
    char passwd[] = "/tmp/rulec-test-passwdXXXXXX";
    int pfd = mkstemp(passwd);
    assert_true(pfd >= 0);
    const char *entry = "root:x:0:0:root:/root:/bin/bash\n";
    assert_int_equal(write(pfd, entry, strlen(entry)), (ssize_t)strlen(entry));
    close(pfd);
    struct users_db *users = NULL;
    assert_int_equal(users_new_paths(&users, passwd, "/nonexistent"), 0);
    int null = open("/dev/null", O_RDONLY), copy = dup(null), dir = open("/usr", O_DIRECTORY);
    assert_true(null >= 0 && copy >= 0 && dir >= 0);
    struct slot_case cases[] = {
        {NR_UNLINK,
         -2,
         {0},
         {STR("evt.arg", "path", "foo"), STR("proc.cwd", NULL, "/tmp/")},
         "%evt.args",
         "res=-2(ENOENT) path=foo(/tmp/foo)"},
        {NR_UNLINK,
         0,
         {0},
         {STR("evt.arg", "path", "/etc/x"), STR("proc.cwd", NULL, "/tmp/")},
         "%evt.info",
         "res=0 path=/etc/x"},
        {NR_UNLINKAT,
         0,
         {AT_FDCWD_REG, 0, 0x200},
         {STR("evt.arg", "name", "a/../b"), STR("proc.cwd", NULL, "/tmp/")},
         "%evt.args",
         "res=0 dirfd=-100(AT_FDCWD) name=a/../b(/tmp/b) flags=512(AT_REMOVEDIR)"},
        {NR_MKDIR,
         0,
         {0, 0755},
         {STR("evt.arg", "path", "d"), STR("proc.cwd", NULL, "/")},
         "%evt.args",
         "res=0 path=d(/d) mode=1ED"},
        {NR_CHMOD,
         0,
         {0, 04755},
         {STR("evt.arg", "filename", "/x")},
         "%evt.args",
         "res=0 filename=/x "
         "mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)"},
        {NR_KILL,
         -1,
         {(uint64_t)-1, 15},
         {{0}},
         "%evt.args",
         "res=-1(EPERM) pid=-1 sig=15(SIGTERM)"},
        {NR_SETUID, 0, {0}, {STR("container.id", NULL, "host")}, "%evt.args", "res=0 uid=0(root)"},
        {NR_SETUID,
         0,
         {4242},
         {STR("container.id", NULL, "host")},
         "%evt.args",
         "res=0 uid=4242(<NA>)"},
        {NR_SETUID,
         0,
         {0xffffffff},
         {STR("container.id", NULL, "host")},
         "%evt.args",
         "res=0 uid=-1(<NONE>)"},
        {NR_SETUID, 0, {0}, {STR("container.id", NULL, "abcdef123456")}, "%evt.args", "<NA>"},
        {NR_GETPID, 5, {0}, {{0}}, "[%evt.args]", "[]"}, /* generic: no parameters */
        {NR_OPENAT, 3, {0}, {STR("evt.arg", "name", "/etc/x")}, "%evt.args", "<NA>"},
        {NR_UNLINK, 0, {0}, {{0}}, "%evt.args", "<NA>"}, /* the path was not captured */
        {NR_UNLINK,
         0,
         {0},
         {{"evt.arg", "path", RULEC_SLOT_TRUNCATED, "abc", 0}},
         "%evt.args",
         "res=0 path=abc"},
        /* evt.abspath: the cwd, an absolute path as it is, a dirfd's directory */
        {NR_UNLINKAT,
         0,
         {AT_FDCWD_REG},
         {STR("evt.arg", "name", "x"), STR("proc.cwd", NULL, "/tmp/")},
         "%evt.abspath %evt.abspath.src %evt.abspath.dst",
         "/tmp/x /tmp/x /tmp/x"},
        {NR_UNLINKAT,
         0,
         {AT_FDCWD_REG},
         {STR("evt.arg", "name", "/abs/./y")},
         "%evt.abspath",
         "/abs/y"},
        {NR_UNLINKAT,
         0,
         {(uint64_t)-5},
         {STR("evt.arg", "name", "y")},
         "%evt.abspath",
         "<UNKNOWN>/y"},
        {NR_UNLINK, 0, {0}, {STR("evt.arg", "path", "x")}, "%evt.abspath", "<NA>"},
    };
    _slot_cases(cases, sizeof(cases) / sizeof(cases[0]), users);

    /* fds of this process: /dev/null and its copy, the /usr directory */
    char want[512], tpl[64];
    struct slot dup_slots[] = {
        NUM("fd.num", copy), STR("fd.typechar", NULL, "f"), STR("fd.name", NULL, "/dev/null"), {0}};
    uint64_t dup_args[6] = {(uint64_t)null};
    struct fixture *fx = _fixture_with(NR_DUP, copy, (uint32_t)getpid(), dup_args, dup_slots);
    snprintf(want, sizeof(want), "res=%d(<f>/dev/null) oldfd=%d(<f>/dev/null)", copy, null);
    assert_string_equal(_out(fx, "%evt.args"), want);
    _teardown_fixture(fx);
    uint64_t dup3_args[6] = {(uint64_t)null, (uint64_t)copy, 02000000};
    fx = _fixture_with(NR_DUP3, copy, (uint32_t)getpid(), dup3_args, dup_slots);
    snprintf(want, sizeof(want),
             "res=%d(<f>/dev/null) oldfd=%d(<f>/dev/null) newfd=%d(<f>/dev/null) "
             "flags=4096(O_CLOEXEC)",
             copy, null, copy);
    assert_string_equal(_out(fx, "%evt.args"), want);
    _teardown_fixture(fx);
    struct slot at_slots[] = {STR("evt.arg", "filename", "bin/x"), {0}};
    uint64_t at_args[6] = {(uint64_t)dir, 0, 0644};
    fx = _fixture_with(NR_FCHMODAT, 0, (uint32_t)getpid(), at_args, at_slots);
    snprintf(want, sizeof(want),
             "res=0 dirfd=%d(<d>/usr) filename=bin/x(/usr/bin/x) "
             "mode=0644(S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR)",
             dir);
    assert_string_equal(_out(fx, "%evt.args"), want);
    _teardown_fixture(fx);
    struct slot ren_slots[] = {STR("evt.arg", "oldpath", "a"),
                               STR("evt.arg", "newpath", "b"),
                               STR("proc.cwd", NULL, "/tmp/"),
                               {0}};
    uint64_t ren_args[6] = {AT_FDCWD_REG, 0, (uint64_t)dir, 0, 1};
    fx = _fixture_with(NR_RENAMEAT2, 0, (uint32_t)getpid(), ren_args, ren_slots);
    assert_string_equal(_out(fx, "%evt.abspath.src %evt.abspath.dst"), "/tmp/a /usr/b");
    snprintf(want, sizeof(want),
             "res=0 olddirfd=-100(AT_FDCWD) oldpath=a(/tmp/a) newdirfd=%d(<d>/usr) "
             "newpath=b(/usr/b) flags=1(RENAME_NOREPLACE)",
             dir);
    assert_string_equal(_out(fx, "%evt.args"), want);
    assert_true(_holds(fx, "evt.abspath.dst = /usr/b and evt.args contains \"oldpath=a(/tmp/a)\""));
    _teardown_fixture(fx);
    /* kill names the target process */
    uint64_t kill_args[6] = {(uint64_t)getpid(), 0};
    fx = _fixture_with(NR_KILL, 0, (uint32_t)getpid(), kill_args, NULL);
    struct arena *a = arena_new();
    snprintf(want, sizeof(want), "res=0 pid=%d(%s) sig=0", getpid(), procfs_comm(a, getpid()));
    arena_free(&a);
    snprintf(tpl, sizeof(tpl), "%%evt.args");
    assert_string_equal(_out(fx, tpl), want);
    _teardown_fixture(fx);
    close(null);
    close(copy);
    close(dir);
    users_free(&users);
    unlink(passwd);
}

/* procfs_argv splits as sinsp_threadinfo::set_args: the last NUL dropped, every other one a
 * separator, so an empty last argument survives. */
static void test_argv_split(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct procfs_argv av;
    assert_true(procfs_argv(a, (uint32_t)getpid(), &av));
    assert_non_null(av.exe);
    assert_false(procfs_argv(a, 0x7ffffff0u, &av)); /* no such process */
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_type_fields), cmocka_unit_test(test_time_fields),
        cmocka_unit_test(test_process_fields),    cmocka_unit_test(test_fd_derived_fields),
        cmocka_unit_test(test_event_args),        cmocka_unit_test(test_argv_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
