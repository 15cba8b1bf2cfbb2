/* kernel_test - runs compiler/bpf/rulec_kernel.h's extractors on the real kernel.
 *
 * Loads kernel_test.bpf.o (path in argv[1]), marks a scenario process whose descendants then
 * make real syscalls (getppid(tag) snapshots every task field, the open family, connect,
 * accept4, bind, sendto, execve), and compares every record the BPF programs send with ground
 * truth taken from /proc and from the syscalls themselves. Container ids are compared with a
 * userspace port of Falco's container engines run on the same cgroup paths. Prints the
 * verifier statistics of each program, every failed check, and "kernel: N passed, N failed".
 * Exits 0 when all pass, 1 on failures, 77 when not root (skip).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/container_id.h"
#include "kernel_test.h"

/* The extractors' status codes (rulec_base.h is BPF-only, so they are repeated here). */
#define E_NOENT (-2)
#define E_TOOLONG (-3)
#define E_AMBIGUOUS (-4)
#define TRUNCATED (1L << 24)
#define LEN_MASK (TRUNCATED - 1)

/* ---- checks --------------------------------------------------------------------------------- */

static int passed, failed;

static void check(bool ok, int line, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL (kernel_test.c:%d): ", line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

#define CHECK(cond, ...) check((cond), __LINE__, __VA_ARGS__)
#define CHECK_STR(what, got, want)                                                                 \
    CHECK(strcmp((got), (want)) == 0, "%s: got \"%s\", want \"%s\"", (what), (got), (want))
#define CHECK_NUM(what, got, want)                                                                 \
    CHECK((long long)(got) == (long long)(want), "%s: got %lld, want %lld", (what),                \
          (long long)(got), (long long)(want))

/* snprintf() that truncates silently: the tests truncate on purpose (values longer than the
 * kernel buffers) and GCC's -Wformat-truncation cannot tell. */
__attribute__((format(printf, 3, 4))) static void sfmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

static void die(const char *what)
{
    fprintf(stderr, "kernel_test: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* ---- small /proc helpers ----------------------------------------------------------------------
 */

static int read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n, total = 0;

    if (fd < 0)
        return -1;
    while ((size_t)total < size - 1 && (n = read(fd, buf + total, size - 1 - total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return (int)total;
}

static void proc_comm(pid_t pid, char out[RK_COMM])
{
    char path[64], buf[64];

    sfmt(path, sizeof(path), "/proc/%d/comm", pid);
    out[0] = 0;
    if (read_file(path, buf, sizeof(buf)) > 0) {
        buf[strcspn(buf, "\n")] = 0;
        sfmt(out, RK_COMM, "%s", buf);
    }
}

/* Field n (1-based, as in proc(5)) of /proc/PID/stat, counted after the comm. */
static long proc_stat_field(pid_t pid, int field)
{
    char path[64], buf[1024], *p;

    sfmt(path, sizeof(path), "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
        return -1;
    p += 2; /* field 3 */
    for (int i = 3; i < field && p; i++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? strtol(p, NULL, 10) : -1;
}

/* ---- cgroup mounts, for the container.id cases ------------------------------------------------
 * Falco's container engines and the paths it reads are core/container_id.c's, the runtime's. */

struct cgmount {
    char dir[256];  /* mount point */
    char opts[256]; /* super options: the v1 controllers */
    bool v2;
};

static struct cgmount mounts[32];
static int nmounts;

static void find_cgroup_mounts(void)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char line[1024];

    if (!f)
        return;
    while (fgets(line, sizeof(line), f) && nmounts < 32) {
        char *sep = strstr(line, " - "), mnt[256], fstype[64], src[256], opts[256];

        if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
            sscanf(sep + 3, "%63s %255s %255s", fstype, src, opts) != 3)
            continue;
        if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
            continue;
        sfmt(mounts[nmounts].dir, sizeof(mounts[0].dir), "%s", mnt);
        sfmt(mounts[nmounts].opts, sizeof(mounts[0].opts), "%s", opts);
        mounts[nmounts].v2 = strcmp(fstype, "cgroup2") == 0;
        nmounts++;
    }
    fclose(f);
}

static bool has_word(const char *list, const char *word, const char *seps)
{
    char buf[512], *save = NULL;

    sfmt(buf, sizeof(buf), "%s", list);
    for (char *t = strtok_r(buf, seps, &save); t; t = strtok_r(NULL, seps, &save))
        if (strcmp(t, word) == 0)
            return true;
    return false;
}

static const char *v1_name(const char *subsys)
{
    return strcmp(subsys, "io") == 0 ? "blkio" : subsys;
}

static struct cgmount *v1_mount(const char *subsys)
{
    for (int i = 0; i < nmounts; i++)
        if (!mounts[i].v2 && has_word(mounts[i].opts, v1_name(subsys), ","))
            return &mounts[i];
    return NULL;
}

static struct cgmount *v2_mount(void)
{
    for (int i = 0; i < nmounts; i++)
        if (mounts[i].v2)
            return &mounts[i];
    return NULL;
}

/* container.id as Falco computes it for pid ("host" when no engine matches), and whether the
 * kernel is expected to report it undecided (core/container_id.h). */
static void falco_container_id(pid_t pid, char id[32], bool *maybe)
{
    struct cid_ctx *ctx = cid_ctx_new();
    struct cid_process p;

    *maybe = false;
    if (!ctx || cid_read_process(ctx, "/proc", pid, &p) < 0) {
        sfmt(id, 32, "(unreadable)");
    } else {
        sfmt(id, 32, "%s", p.id);
        *maybe = p.kernel_maybe;
    }
    cid_ctx_free(&ctx);
}

/* ---- ground truth shared with the scenario processes -------------------------------------------
 */

struct task_truth {
    int valid, tag;
    pid_t tgid, ppid, vpid;
    pid_t apid[RK_NANC];
    int nanc, pidns_level;
    uint32_t euid, egid, loginuid, tty;
    char comm[RK_COMM], pname[RK_COMM], aname[RK_NANC][RK_COMM];
    char exe[RK_STR], args[1024], cmdline[1024], exepath[RK_STR], cwd[RK_STR];
    char cid[32];
    bool cid_maybe; /* Falco decides it in a way the kernel does not: "maybe" expected */
};

struct open_truth {
    int valid, tag, nr;
    long ret;
    char nameraw[RK_STR], fdname[RK_STR], fdpath[RK_STR];
    long fdname_st; /* expected status when not a length (E_TOOLONG) */
    bool nameraw_trunc;
    int is_read, is_write, is_exec, is_create;
    char open_tc, fd_tc;
};

struct net_truth {
    int valid, tag, nr, family, l4proto;
    char typechar;
    long ret;
    uint16_t lport, rport, sa_port, t_cport, t_sport, t_lport, t_rport;
    uint8_t laddr[16], raddr[16], sa_addr[16];
    char sa_path[112];
    long tuple_st;
    bool v4mapped;
};

struct exec_truth {
    int valid;
    pid_t pid;
    char comm[RK_COMM], exe[RK_STR], args[1024], cmdline[1024], exepath[RK_STR], cwd[RK_STR];
    char cid[32];
    bool cid_maybe, args_trunc;
};

#define NTASK 56
#define NOPEN 64
#define NNET 10
#define NEXEC 4

struct truth {
    struct task_truth task[NTASK];
    struct open_truth open[NOPEN];
    struct net_truth net[NNET];
    struct exec_truth exec[NEXEC];
    char tmpdir[RK_STR];
    char host_dirs[5][600]; /* extra v1 cgroups of the "host" case, made by a child */
    int ntask, nopen, nnet, nexec;
    pid_t compat_pid; /* made the ia32 getppid(COMPAT_TAG); 0 when the kernel cannot */
};

static struct truth *T;

static struct task_truth *new_task_truth(int tag)
{
    struct task_truth *t = &T->task[__atomic_fetch_add(&T->ntask, 1, __ATOMIC_SEQ_CST) % NTASK];

    memset(t, 0, sizeof(*t));
    t->tag = tag;
    return t;
}

/* Ground truth for the calling thread, from /proc and syscalls. */
static void task_truth_fill(struct task_truth *t)
{
    char buf[4096];
    pid_t p;
    uid_t r, e, s;
    gid_t rg, eg, sg;
    int n;

    t->tgid = getpid();
    t->ppid = getppid();
    t->vpid = t->tgid;
    prctl(PR_GET_NAME, buf);
    sfmt(t->comm, RK_COMM, "%s", buf);
    for (p = t->tgid, t->nanc = 0; p > 0 && t->nanc < RK_NANC; t->nanc++) {
        t->apid[t->nanc] = p;
        proc_comm(p, t->aname[t->nanc]);
        p = (pid_t)proc_stat_field(p, 4);
    }
    memcpy(t->pname, t->aname[1], RK_COMM);
    getresuid(&r, &e, &s);
    getresgid(&rg, &eg, &sg);
    t->euid = e;
    t->egid = eg;
    t->loginuid = read_file("/proc/self/loginuid", buf, sizeof(buf)) > 0
                      ? (uint32_t)strtoul(buf, NULL, 10)
                      : 0xffffffffU;
    t->tty = (uint32_t)proc_stat_field(t->tgid, 7);
    /* argv from the argument area, the same memory the extractors read */
    n = read_file("/proc/self/cmdline", buf, sizeof(buf));
    sfmt(t->exe, RK_STR, "%s", buf);
    t->args[0] = 0;
    for (int i = (int)strlen(buf) + 1; i < n; i += (int)strlen(buf + i) + 1) {
        if (t->args[0] || i > (int)strlen(buf) + 1)
            strcat(t->args, " ");
        strcat(t->args, buf + i);
    }
    sfmt(t->cmdline, sizeof(t->cmdline), "%s%s%s", t->comm, n > (int)strlen(buf) + 1 ? " " : "",
         t->args);
    n = (int)readlink("/proc/self/exe", t->exepath, RK_STR - 1);
    t->exepath[n > 0 ? n : 0] = 0;
    if (getcwd(t->cwd, RK_STR - 1) && strcmp(t->cwd, "/") != 0)
        strcat(t->cwd, "/");
    falco_container_id(t->tgid, t->cid, &t->cid_maybe);
    t->valid = 1;
}

/* A syscall's return value as the kernel reports it at sys_exit (-errno on failure). */
static long kret(long r)
{
    return r < 0 ? -errno : r;
}

static void trigger(int tag)
{
    syscall(SYS_getppid, (long)tag);
}

/* ---- cgroups for the container.id cases ---------------------------------------------------------
 */

struct cg_case {
    char leaf[512]; /* below the hierarchy root */
};

static struct cg_case cg_cases[32];
static int ncg;
static struct cgmount *cg_mnt; /* the hierarchy the cases live in */

static void add_case(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cg_cases[ncg].leaf, sizeof(cg_cases[0].leaf), fmt, ap);
    va_end(ap);
    ncg++;
}

static int write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), rc;

    if (fd < 0)
        return -1;
    rc = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
    close(fd);
    return rc;
}

static int mkdirs(const char *root, const char *rel)
{
    char path[1024], *p;

    sfmt(path, sizeof(path), "%s/%s", root, rel);
    for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
        *p = 0;
        if (mkdir(path, 0755) && errno != EEXIST)
            return -1;
        if (cg_mnt->v2) {
            /* let the next level have its own cpu/memory css, as container runtimes do */
            char ctl[1100];

            sfmt(ctl, sizeof(ctl), "%s/cgroup.subtree_control", path);
            write_str(ctl, "+cpu");
            write_str(ctl, "+memory");
        }
        *p = '/';
    }
    return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

static void rmdirs(const char *root, const char *rel)
{
    char path[1024], *p;

    sfmt(path, sizeof(path), "%s/%s", root, rel);
    while (strlen(path) > strlen(root) && rmdir(path) == 0 && (p = strrchr(path, '/')))
        *p = 0;
}

/* A 64-hex id per case, so that each case's expected id is its own. */
static const char *hexid(int i)
{
    static char ids[32][65];
    static const char digits[] = "0123456789abcdef";

    for (int j = 0; j < 64; j++)
        ids[i][j] = digits[(i * 5 + j * 7 + j / 16) % 16];
    ids[i][64] = 0;
    return ids[i];
}

static bool setup_cgroups(void)
{
    char z[65], up[65], p50[51];

    find_cgroup_mounts();
    /* RK_CGROUP=v2 puts the cases in the cgroup2 hierarchy even when v1 "cpu" is mounted */
    cg_mnt = getenv("RK_CGROUP") && strcmp(getenv("RK_CGROUP"), "v2") == 0 ? NULL : v1_mount("cpu");
    if (!cg_mnt)
        cg_mnt = v2_mount();
    if (!cg_mnt)
        return false;
    memset(z, 'z', 64);
    z[64] = 0;
    memset(p50, 'p', 50);
    p50[50] = 0;
    for (int j = 0; j < 64; j++)
        up[j] = "0123456789ABCDEF"[(j * 3) % 16];
    up[64] = 0;
    add_case("rulec-test.slice/cri-containerd-%s.scope", hexid(0));
    add_case("rulec-test.slice/docker-%s.scope", hexid(1));
    add_case("rulec-test.slice/crio-%s.scope", hexid(2));
    add_case("rulec-test.slice/libpod-%s.scope", hexid(3));
    add_case("rulec-test.slice/docker/%s", hexid(4));
    add_case("rulec-test.slice/kubepods/burstable/pod0b1c2d3e-1111-2222-3333-44445555/%s",
             hexid(5));
    add_case("rulec-test.slice/ns1/ctr-abc");
    add_case("rulec-test.slice/%s", z);
    add_case("rulec-test.slice/lxc/c1.scope");
    add_case("rulec-test.slice/a/b/c/d/e/f/%s", hexid(6));
    add_case("rulec-test.slice/docker-%s.scope.x", hexid(7));
    add_case("rulec-test.slice/podman.slice/libpod-%s.scope/container", hexid(8));
    add_case("rulec-test.slice/system.slice:cri-containerd:%s", hexid(9));
    add_case("rulec-test.slice/libpod-%s.scope/%s", hexid(10), hexid(11));
    add_case("rulec-test.slice/crio-%s", up);
    /* the hex check only looks below position 64: a non-hex id further right matches */
    add_case("rulec-test.slice/%s/docker-%.30sz%.33s.scope", p50, hexid(12), hexid(13));
    add_case("rulec-test.slice/x/rulec-test.slice/y");
    /* containerd namespaces must be [A-Za-z0-9]+ joined by single [._-]: these first
     * components are not, so the namespace is the second one */
    add_case("rulec@kt/ns2/ctr-x");
    add_case("rulec..kt/ns3/ctr-y");
    add_case("rulec-kt-/ns4/ctr-z");
    add_case("_rulec/ns5/c");
    add_case("rulec-test.slice/host.scope"); /* last: the "host" case */
    for (int i = 0; i < ncg; i++) {
        if (mkdirs(cg_mnt->dir, cg_cases[i].leaf)) {
            fprintf(stderr,
                    "kernel_test: cannot create cgroup %s/%s (%s): skipping the "
                    "container.id cases\n",
                    cg_mnt->dir, cg_cases[i].leaf, strerror(errno));
            ncg = i;
            return false;
        }
    }
    return true;
}

static pid_t main_pid;

/* At exit of the driver (not of its children, which inherit the handler). */
static void cleanup_cgroups(void)
{
    if (getpid() != main_pid || !cg_mnt)
        return;
    for (int i = ncg - 1; i >= 0; i--)
        rmdirs(cg_mnt->dir, cg_cases[i].leaf);
    for (int i = 0; i < 5; i++)
        if (T->host_dirs[i][0])
            rmdir(T->host_dirs[i]);
}

/* Moves pid into the case's cgroup; for the last ("host") case also out of any v1 cgroup of
 * this sandbox that Falco would read as a container. */
static void cg_enter(pid_t pid, int i)
{
    char path[1100], pidstr[32], id[32];
    struct cid_ctx *ctx;
    struct cid_cgroups *cg;
    int fd;

    sfmt(pidstr, sizeof(pidstr), "%d", pid);
    sfmt(path, sizeof(path), "%s/%s/cgroup.procs", cg_mnt->dir, cg_cases[i].leaf);
    if (write_str(path, pidstr))
        fprintf(stderr, "kernel_test: cannot move %d to %s: %s\n", pid, path, strerror(errno));
    if (i != ncg - 1)
        return;
    sfmt(path, sizeof(path), "/proc/%d", pid);
    ctx = cid_ctx_new();
    cg = malloc(sizeof(*cg));
    fd = open(path, O_RDONLY | O_DIRECTORY);
    if (!ctx || !cg || fd < 0 || cid_read_cgroups(ctx, fd, cg) < 0)
        die("reading the cgroups of the host case");
    close(fd);
    cid_ctx_free(&ctx);
    for (int s = 0; s < CID_NSUBSYS; s++) {
        struct cgmount *m = v1_mount(cid_subsys_names[s]);

        if (!m || m == cg_mnt || !cg->has[s] || !cid_match(cg->path[s], id, sizeof(id), NULL))
            continue;
        sfmt(T->host_dirs[s], sizeof(T->host_dirs[0]), "%s%s/rulec-host.scope", m->dir,
             cg->path[s]);
        mkdir(T->host_dirs[s], 0755);
        sfmt(path, sizeof(path), "%s/cgroup.procs", T->host_dirs[s]);
        write_str(path, pidstr);
    }
    free(cg);
}

/* ---- scenarios (run in the marked process and its children) ------------------------------------
 */

static void wait_child(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

static void *thread_main(void *arg)
{
    struct task_truth *t = arg;

    prctl(PR_SET_NAME, "rk-thr");
    task_truth_fill(t);
    trigger(t->tag);
    return NULL;
}

/* A chain of forks with set names; the last one also snapshots a second thread. */
static void scenario_ancestors(void)
{
    pid_t a = fork();

    if (a == 0) {
        prctl(PR_SET_NAME, "rk-a");
        pid_t b = fork();
        if (b == 0) {
            prctl(PR_SET_NAME, "rk-b");
            pid_t c = fork();
            if (c == 0) {
                pthread_t th;

                prctl(PR_SET_NAME, "rk-c");
                struct task_truth *t = new_task_truth(102);
                task_truth_fill(t);
                trigger(102);
                pthread_create(&th, NULL, thread_main, new_task_truth(103));
                pthread_join(th, NULL);
                _exit(0);
            }
            wait_child(c);
            _exit(0);
        }
        wait_child(b);
        _exit(0);
    }
    wait_child(a);
}

/* pid 1 of a new pid namespace. */
static void scenario_pidns(void)
{
    int sync[2];
    pid_t p;

    if (unshare(CLONE_NEWPID)) {
        fprintf(stderr, "kernel_test: unshare(CLONE_NEWPID): %s: skipping\n", strerror(errno));
        return;
    }
    if (pipe(sync))
        die("pipe");
    p = fork();
    if (p == 0) {
        char c;

        close(sync[1]);
        if (read(sync[0], &c, 1) != 1)
            _exit(1);
        trigger(104);
        _exit(0);
    }
    /* the child's host-side view is only known here */
    struct task_truth *t = new_task_truth(104);

    task_truth_fill(t); /* the fields shared with this process (creds, tty, ...) */
    t->tgid = p;
    t->vpid = 1;
    t->ppid = getpid();
    t->pidns_level = 1;
    t->apid[0] = p;
    t->apid[1] = getpid();
    for (int i = 2; i < RK_NANC; i++)
        t->apid[i] = t->apid[i - 1] > 0 ? (pid_t)proc_stat_field(t->apid[i - 1], 4) : 0;
    memmove(t->aname[1], t->aname[0], sizeof(t->aname[0]) * (RK_NANC - 1));
    proc_comm(p, t->aname[0]);
    memcpy(t->comm, t->aname[0], RK_COMM);
    memcpy(t->pname, t->aname[1], RK_COMM);
    t->nanc = RK_NANC;
    for (int i = 0; i < RK_NANC; i++)
        if (t->apid[i] <= 0 && t->nanc == RK_NANC)
            t->nanc = i;
    close(sync[0]);
    if (write(sync[1], "x", 1) != 1)
        die("write");
    close(sync[1]);
    wait_child(p);
}

static void scenario_creds(void)
{
    pid_t p = fork();

    if (p == 0) {
        struct task_truth *t = new_task_truth(105);

        if (setresgid(1001, 1002, 1003) || setresuid(2001, 2002, 2003))
            _exit(1);
        task_truth_fill(t);
        trigger(105);
        _exit(0);
    }
    wait_child(p);
}

static void scenario_tty(void)
{
    pid_t p = fork();

    if (p == 0) {
        int m, s;

        setsid();
        m = posix_openpt(O_RDWR | O_NOCTTY);
        if (m < 0 || grantpt(m) || unlockpt(m))
            _exit(1);
        s = open(ptsname(m), O_RDWR); /* a session leader's first tty becomes its terminal */
        if (s < 0)
            _exit(1);
        struct task_truth *t = new_task_truth(106);
        task_truth_fill(t);
        trigger(106);
        _exit(0);
    }
    wait_child(p);
}

static void scenario_cgroups(void)
{
    for (int i = 0; i < ncg; i++) {
        int sync[2];
        pid_t p;

        if (pipe(sync))
            die("pipe");
        p = fork();
        if (p == 0) {
            char c;

            close(sync[1]);
            if (read(sync[0], &c, 1) != 1)
                _exit(1);
            struct task_truth *t = new_task_truth(200 + i);
            task_truth_fill(t);
            trigger(200 + i);
            _exit(0);
        }
        close(sync[0]);
        cg_enter(p, i);
        if (write(sync[1], "x", 1) != 1)
            die("write");
        close(sync[1]);
        wait_child(p);
    }
}

static struct open_truth *new_open(int tag, int nr)
{
    struct open_truth *o = &T->open[T->nopen++ % NOPEN];

    memset(o, 0, sizeof(*o));
    o->valid = 1;
    o->tag = tag;
    o->nr = nr;
    return o;
}

/* Falco's lexical normalisation of an absolute path, in place: "." and empty components go,
 * ".." drops the previous one (never above "/"), no trailing '/' but for "/" itself. */
static void normalize_abs(char p[RK_STR])
{
    char out[RK_STR] = "";
    size_t n = 0;
    for (char *c = strtok(p, "/"); c; c = strtok(NULL, "/")) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
            out[n] = 0;
            continue;
        }
        n += (size_t)snprintf(out + n, sizeof(out) - n, "/%s", c);
    }
    snprintf(p, RK_STR, "%s", n ? out : "/");
}

static void realpath_or(const char *p, char out[RK_STR])
{
    char *r = realpath(p, NULL);

    sfmt(out, RK_STR, "%s", r ? r : "");
    free(r);
}

/* The open family: names relative to cwd and to a dirfd, failures, flags, symlinks. */
static void scenario_open(void)
{
    pid_t p = fork();

    if (p != 0) {
        wait_child(p);
        return;
    }
    const char *d = T->tmpdir;
    struct open_truth *o;
    char path[RK_STR * 2], longname[300];
    int dfd;
    struct {
        __u64 flags, mode, resolve;
    } how = {O_RDONLY, 0, 0};

    if (chdir(d))
        _exit(1);
    mkdir("sub", 0755);
    close(creat("file.txt", 0644));
    symlink("/etc/passwd", "link");

    /* relative path with "." , ".." and "//" */
    o = new_open(301, SYS_openat);
    sfmt(o->nameraw, RK_STR, "sub/..//./file.txt");
    sfmt(o->fdname, RK_STR, "%s/file.txt", d);
    sfmt(o->fdpath, RK_STR, "%s/file.txt", d);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_openat, AT_FDCWD, o->nameraw, O_RDONLY, 0, 301));

    /* absolute, read-only */
    o = new_open(302, SYS_open);
    sfmt(o->nameraw, RK_STR, "/etc/passwd");
    sfmt(o->fdname, RK_STR, "/etc/passwd");
    realpath_or("/etc/passwd", o->fdpath);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY, 0, 302));

    /* create, write-only */
    o = new_open(303, SYS_openat);
    sfmt(o->nameraw, RK_STR, "new.txt");
    sfmt(o->fdname, RK_STR, "%s/new.txt", d);
    sfmt(o->fdpath, RK_STR, "%s/new.txt", d);
    o->is_write = 1, o->is_create = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_openat, AT_FDCWD, o->nameraw, O_WRONLY | O_CREAT, 0644, 303));

    /* the same file again: not created this time; read-write */
    o = new_open(304, SYS_openat);
    sfmt(o->nameraw, RK_STR, "./new.txt");
    sfmt(o->fdname, RK_STR, "%s/new.txt", d);
    sfmt(o->fdpath, RK_STR, "%s/new.txt", d);
    o->is_read = 1, o->is_write = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_openat, AT_FDCWD, o->nameraw, O_RDWR | O_CREAT, 0600, 304));

    /* creat with an exec bit: is_open_exec only (Falco leaves creat out of read/write/create) */
    o = new_open(0, SYS_creat);
    sfmt(o->nameraw, RK_STR, "run.sh");
    sfmt(o->fdname, RK_STR, "%s/run.sh", d);
    sfmt(o->fdpath, RK_STR, "%s/run.sh", d);
    o->is_exec = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_creat, o->nameraw, 0755, 0));

    /* a failed open: fd.name still joined and normalised */
    o = new_open(305, SYS_open);
    sfmt(o->nameraw, RK_STR, "missing/./x//y/");
    sfmt(o->fdname, RK_STR, "%s/missing/x/y", d);
    o->is_read = 1, o->open_tc = 'f';
    o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY, 0, 305));

    /* relative to a dirfd, going up */
    dfd = open("sub", O_RDONLY | O_DIRECTORY);
    o = new_open(306, SYS_openat);
    sfmt(o->nameraw, RK_STR, "../file.txt");
    sfmt(o->fdname, RK_STR, "%s/file.txt", d);
    sfmt(o->fdpath, RK_STR, "%s/file.txt", d);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_openat, dfd, o->nameraw, O_RDONLY, 0, 306));

    /* openat2 with struct open_how */
    o = new_open(307, SYS_openat2);
    sfmt(o->nameraw, RK_STR, "sub/../file.txt");
    sfmt(o->fdname, RK_STR, "%s/file.txt", d);
    sfmt(o->fdpath, RK_STR, "%s/file.txt", d);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_openat2, AT_FDCWD, o->nameraw, &how, sizeof(how), 307));
    if (o->ret == -ENOSYS)
        o->valid = 0;

    /* a symlink: Falco's fd.name keeps the link, the fd's path is the target */
    o = new_open(308, SYS_open);
    sfmt(o->nameraw, RK_STR, "link");
    sfmt(o->fdname, RK_STR, "%s/link", d);
    realpath_or("/etc/passwd", o->fdpath);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY, 0, 308));

    /* directories: with O_DIRECTORY Falco says 'd' (and, quirk, "created"); without, 'f' */
    o = new_open(309, SYS_open);
    sfmt(o->nameraw, RK_STR, "sub/");
    sfmt(o->fdname, RK_STR, "%s/sub", d);
    sfmt(o->fdpath, RK_STR, "%s/sub", d);
    o->is_read = 1, o->is_create = 1, o->open_tc = 'd', o->fd_tc = 'd';
    o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY | O_DIRECTORY, 0, 309));
    o = new_open(310, SYS_open);
    sfmt(o->nameraw, RK_STR, ".");
    sfmt(o->fdname, RK_STR, "%s", d);
    sfmt(o->fdpath, RK_STR, "%s", d);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'd';
    o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY, 0, 310));

    /* ".." above "/" stays at "/" */
    o = new_open(311, SYS_open);
    sfmt(o->nameraw, RK_STR, "../../../../../../../../../etc/./passwd");
    sfmt(o->fdname, RK_STR, "/etc/passwd");
    realpath_or("/etc/passwd", o->fdpath);
    o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'f';
    o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY, 0, 311));

    /* Absolute arguments for the word-at-a-time scan of the fd.name fast path: each is fd.name
     * as passed exactly when normalising leaves it unchanged (checked for every open). The cases
     * put a '/' before ".", "..", "/" and the end at every position of an 8-byte word. */
    static const char *const abs_paths[] = {
        "/",
        "//",
        "/a",
        "/a/",
        "/a//b",
        "/./a",
        "/a/.",
        "/a/..",
        "/a/...",
        "/a/.b",
        "/a/..b",
        "/a/b./c",
        "/abcdef/.",
        "/abcdef/..",
        "/abcdef/./x",
        "/abcdef//x",
        "/abcdefg/.x",
        "/abcdefg/..",
        "/abcdefgh/",
        "/abcdef/.bc",
        "/a.b/c.d/e",
        "/0123456/89abcde/..",
        "/0123456789abcd/./",
        "/rulec-kernel-test/missing",
        "/rulec-kernel-test/.hidden/x",
    };
    for (size_t i = 0; i < sizeof(abs_paths) / sizeof(abs_paths[0]); i++) {
        o = new_open(400 + (int)i, SYS_open);
        sfmt(o->nameraw, RK_STR, "%s", abs_paths[i]);
        sfmt(o->fdname, RK_STR, "%s", abs_paths[i]);
        normalize_abs(o->fdname);
        realpath_or(o->fdname, o->fdpath);
        o->is_read = 1, o->open_tc = 'f', o->fd_tc = 'd';
        o->ret = kret(syscall(SYS_open, o->nameraw, O_RDONLY, 0, 400 + (int)i));
        if (o->ret >= 0) {
            struct stat st;
            if (fstat((int)o->ret, &st) == 0 && S_ISREG(st.st_mode))
                o->fd_tc = 'f';
        }
    }

    /* an argument longer than the buffer: fd.name cannot be decided in the kernel */
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    o = new_open(312, SYS_open);
    sfmt(o->nameraw, RK_STR, "%.*s", RK_STR - 1, longname);
    o->nameraw_trunc = true;
    o->fdname_st = E_TOOLONG;
    o->is_read = 1, o->open_tc = 'f';
    o->ret = kret(syscall(SYS_open, longname, O_RDONLY, 0, 312));

    /* an argument that fits, made too long by the join with the cwd */
    sfmt(path, sizeof(path), "%.120s/%.119s", longname, longname);
    o = new_open(313, SYS_open);
    sfmt(o->nameraw, RK_STR, "%s", path);
    o->fdname_st = E_TOOLONG;
    o->is_read = 1, o->open_tc = 'f';
    o->ret = kret(syscall(SYS_open, path, O_RDONLY, 0, 313));

    _exit(0);
}

static struct net_truth *new_net(int tag, int nr)
{
    struct net_truth *n = &T->net[T->nnet++ % NNET];

    memset(n, 0, sizeof(*n));
    n->valid = 1;
    n->tag = tag;
    n->nr = nr;
    return n;
}

static void sockname(int fd, bool peer, uint8_t addr[16], uint16_t *port)
{
    struct sockaddr_in6 sa;
    socklen_t len = sizeof(sa);

    memset(&sa, 0, sizeof(sa));
    if (peer ? getpeername(fd, (struct sockaddr *)&sa, &len)
             : getsockname(fd, (struct sockaddr *)&sa, &len))
        return;
    if (sa.sin6_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&sa;

        memcpy(addr, &in->sin_addr, 4);
        *port = ntohs(in->sin_port);
    } else if (sa.sin6_family == AF_INET6) {
        memcpy(addr, &sa.sin6_addr, 16);
        *port = ntohs(sa.sin6_port);
    }
}

/* TCP over IPv4 and IPv6 (client and server ends), UDP sendto, bind, a unix socket. */
static void scenario_net(void)
{
    pid_t p = fork();

    if (p != 0) {
        wait_child(p);
        return;
    }
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    socklen_t len = sizeof(a4);
    struct net_truth *n;
    int lfd, cfd, afd, ufd;

    /* TCP/IPv4: a listener of our own, connect (client), accept4 (server) */
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a4, sizeof(a4)) || listen(lfd, 4) ||
        getsockname(lfd, (struct sockaddr *)&a4, &len))
        _exit(1);
    cfd = socket(AF_INET, SOCK_STREAM, 0);
    n = new_net(401, SYS_connect);
    n->ret = kret(syscall(SYS_connect, cfd, &a4, sizeof(a4), 401));
    n->family = AF_INET, n->l4proto = 2, n->typechar = '4';
    n->sa_port = ntohs(a4.sin_port);
    memcpy(n->sa_addr, &a4.sin_addr, 4);
    sockname(cfd, false, n->laddr, &n->lport);
    sockname(cfd, true, n->raddr, &n->rport);
    n->t_cport = n->lport, n->t_sport = n->rport, n->t_lport = n->lport, n->t_rport = n->rport;
    n = new_net(402, SYS_accept4);
    afd = (int)syscall(SYS_accept4, lfd, NULL, NULL, 0, 402);
    n->ret = afd;
    n->family = AF_INET, n->l4proto = 2, n->typechar = '4';
    sockname(afd, false, n->laddr, &n->lport);
    sockname(afd, true, n->raddr, &n->rport);
    /* server end: client = peer; a loopback client is "local" for Falco, so lport is the
     * client's port */
    n->t_cport = n->rport, n->t_sport = n->lport, n->t_lport = n->rport, n->t_rport = n->lport;

    /* UDP sendto (no spare argument: matched by syscall) */
    ufd = socket(AF_INET, SOCK_DGRAM, 0);
    n = new_net(0, SYS_sendto);
    n->ret = kret(sendto(ufd, "x", 1, 0, (struct sockaddr *)&a4, sizeof(a4)));
    n->family = AF_INET, n->l4proto = 3, n->typechar = '4';
    n->sa_port = ntohs(a4.sin_port);
    memcpy(n->sa_addr, &a4.sin_addr, 4);
    sockname(ufd, false, n->laddr, &n->lport);
    n->t_cport = n->lport, n->t_lport = n->lport;

    /* bind of a UDP socket */
    ufd = socket(AF_INET, SOCK_DGRAM, 0);
    a4.sin_port = 0;
    n = new_net(405, SYS_bind);
    n->ret = kret(syscall(SYS_bind, ufd, &a4, sizeof(a4), 405));
    n->family = AF_INET, n->l4proto = 3, n->typechar = '4';
    memcpy(n->sa_addr, &a4.sin_addr, 4);
    sockname(ufd, false, n->laddr, &n->lport);
    n->t_cport = n->lport, n->t_lport = n->lport;

    /* TCP/IPv6 */
    lfd = socket(AF_INET6, SOCK_STREAM, 0);
    len = sizeof(a6);
    if (lfd >= 0 && bind(lfd, (struct sockaddr *)&a6, sizeof(a6)) == 0 && listen(lfd, 4) == 0 &&
        getsockname(lfd, (struct sockaddr *)&a6, &len) == 0) {
        cfd = socket(AF_INET6, SOCK_STREAM, 0);
        n = new_net(403, SYS_connect);
        n->ret = kret(syscall(SYS_connect, cfd, &a6, sizeof(a6), 403));
        n->family = AF_INET6, n->l4proto = 2, n->typechar = '6';
        n->sa_port = ntohs(a6.sin6_port);
        memcpy(n->sa_addr, &a6.sin6_addr, 16);
        sockname(cfd, false, n->laddr, &n->lport);
        sockname(cfd, true, n->raddr, &n->rport);
        n->t_cport = n->lport, n->t_sport = n->rport, n->t_lport = n->lport, n->t_rport = n->rport;
    }

    /* IPv6 socket to the IPv4 listener through a v4-mapped address: IPv4 for Falco */
    cfd = socket(AF_INET6, SOCK_STREAM, 0);
    a6.sin6_port = a4.sin_port;
    memset(&a6.sin6_addr, 0, sizeof(a6.sin6_addr));
    a6.sin6_addr.s6_addr[10] = a6.sin6_addr.s6_addr[11] = 0xff;
    memcpy(&a6.sin6_addr.s6_addr[12], &a4.sin_addr, 4);
    {
        struct sockaddr_in listen4;
        socklen_t l4 = sizeof(listen4);
        int lfd4 = socket(AF_INET, SOCK_STREAM, 0);

        listen4.sin_family = AF_INET;
        listen4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        listen4.sin_port = 0;
        if (lfd4 >= 0 && bind(lfd4, (struct sockaddr *)&listen4, sizeof(listen4)) == 0 &&
            listen(lfd4, 1) == 0 && getsockname(lfd4, (struct sockaddr *)&listen4, &l4) == 0) {
            a6.sin6_port = listen4.sin_port;
            n = new_net(406, SYS_connect);
            n->ret = kret(syscall(SYS_connect, cfd, &a6, sizeof(a6), 406));
            n->family = AF_INET6, n->l4proto = 2, n->typechar = '4', n->v4mapped = true;
            n->sa_port = ntohs(a6.sin6_port);
            memcpy(n->sa_addr, &a6.sin6_addr, 16);
            sockname(cfd, false, n->laddr, &n->lport);
            sockname(cfd, true, n->raddr, &n->rport);
            memmove(n->laddr, &n->laddr[12], 4);
            memset(&n->laddr[4], 0, 12);
            memmove(n->raddr, &n->raddr[12], 4);
            memset(&n->raddr[4], 0, 12);
            n->t_cport = n->lport, n->t_sport = n->rport, n->t_lport = n->lport,
            n->t_rport = n->rport;
        }
    }

    /* unix stream socket */
    sfmt(un.sun_path, sizeof(un.sun_path), "%s/sock", T->tmpdir);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(lfd, (struct sockaddr *)&un, sizeof(un)) || listen(lfd, 1))
        _exit(1);
    cfd = socket(AF_UNIX, SOCK_STREAM, 0);
    n = new_net(404, SYS_connect);
    n->ret = kret(syscall(SYS_connect, cfd, &un, sizeof(un), 404));
    n->family = AF_UNIX, n->l4proto = 1, n->typechar = 'u';
    sfmt(n->sa_path, sizeof(n->sa_path), "%s", un.sun_path);
    _exit(0);
}

/* execve of /bin/true: the new image's fields at sys_exit. */
static void scenario_exec(void)
{
    static char big[600];
    char *argv1[] = {"true", "a b", "", "c", NULL};
    char *argv2[] = {"true", big, NULL};
    char *env[] = {NULL};
    char cwd[RK_STR];

    memset(big, 'A', sizeof(big) - 1);
    for (int k = 0; k < 2; k++) {
        struct exec_truth *e = &T->exec[T->nexec++ % NEXEC];
        pid_t p;

        memset(e, 0, sizeof(*e));
        p = fork();
        if (p == 0) {
            execve("/bin/true", k ? argv2 : argv1, env);
            _exit(127);
        }
        e->pid = p;
        falco_container_id(getpid(), e->cid, &e->cid_maybe); /* the child shares our cgroups */
        sfmt(e->comm, RK_COMM, "true");
        sfmt(e->exe, RK_STR, "true");
        if (k == 0) {
            sfmt(e->args, sizeof(e->args), "a b  c");
            sfmt(e->cmdline, sizeof(e->cmdline), "true a b  c");
        } else {
            sfmt(e->args, sizeof(e->args), "%s", big);
            sfmt(e->cmdline, sizeof(e->cmdline), "true %s", big);
            e->args_trunc = true;
        }
        realpath_or("/bin/true", e->exepath);
        if (getcwd(cwd, sizeof(cwd) - 1))
            sfmt(e->cwd, RK_STR, "%s%s", cwd, strcmp(cwd, "/") ? "/" : "");
        e->valid = 1;
        wait_child(p);
    }
}

#define COMPAT_TAG 107

/* getppid(COMPAT_TAG) through the ia32 entry (int 0x80) of a 64-bit process. A kernel without
 * IA32 emulation kills the child: the case is then skipped. */
static void scenario_compat(void)
{
    int status = 0;
    pid_t p = fork();

    if (p == 0) {
        long ret, nr = 64 /* ia32 getppid */, tag = COMPAT_TAG;

        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(tag) : "memory");
        _exit(ret == getppid() ? 0 : 1);
    }
    while (waitpid(p, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        T->compat_pid = p;
    else
        fprintf(stderr, "kernel_test: no ia32 syscalls on this kernel: skipping that case\n");
}

static void scenarios(void)
{
    prctl(PR_SET_NAME, "rk-root");
    task_truth_fill(new_task_truth(101));
    trigger(101);
    scenario_ancestors();
    scenario_creds();
    scenario_tty();
    scenario_cgroups();
    scenario_open();
    scenario_net();
    scenario_exec();
    scenario_compat();
    scenario_pidns(); /* last: unshare(CLONE_NEWPID) changes where later children go */
}

/* ---- comparing
 * ----------------------------------------------------------------------------------- */

static struct rk_rec *recs;
static size_t nrecs, caprecs;

static int on_event(void *ctx, void *data, size_t len)
{
    (void)ctx;
    if (len < sizeof(struct rk_rec))
        return 0;
    if (nrecs == caprecs) {
        caprecs = caprecs ? 2 * caprecs : 64;
        recs = realloc(recs, caprecs * sizeof(*recs));
        if (!recs)
            die("realloc");
    }
    memcpy(&recs[nrecs++], data, sizeof(struct rk_rec));
    return 0;
}

static struct rk_rec *find_rec(__u32 kind, __u32 tag, long nr, pid_t tgid)
{
    for (size_t i = 0; i < nrecs; i++)
        if (recs[i].kind == kind && recs[i].tag == tag && (nr < 0 || recs[i].nr == nr) &&
            (tgid <= 0 || recs[i].tgid == tgid))
            return &recs[i];
    return NULL;
}

/* A string extractor's output against the truth: exact, or truncated with the right prefix. */
static void check_strfield(const char *what, int tag, long st, const char *got, const char *want)
{
    char w[RK_STR * 4];

    sfmt(w, sizeof(w), "%s (tag %d)", what, tag);
    if (st < 0) {
        CHECK(false, "%s: status %ld, want \"%s\"", w, st, want);
        return;
    }
    if (st & TRUNCATED) {
        size_t n = st & LEN_MASK;

        CHECK(strlen(want) > n && strncmp(got, want, n) == 0 && strlen(got) == n,
              "%s: truncated to %zu bytes \"%s\", want a prefix of \"%s\"", w, n, got, want);
        return;
    }
    CHECK((size_t)st == strlen(got), "%s: status %ld but length %zu", w, st, strlen(got));
    CHECK_STR(w, got, want);
}

static void check_task(const struct task_truth *t)
{
    struct rk_rec *r = find_rec(RK_TASK, t->tag, -1, t->tgid);
    char w[64];

    CHECK(r != NULL, "no task record for tag %d (pid %d)", t->tag, t->tgid);
    if (!r)
        return;
    sfmt(w, sizeof(w), "task %d", t->tag);
    CHECK_NUM("proc.pid", r->tgid, t->tgid);
    CHECK_NUM("a 64-bit syscall seen as ia32", r->compat, 0);
    CHECK_NUM("proc.ppid", r->ppid, t->ppid);
    CHECK_NUM("getppid() ret (ppid as seen in the pid namespace)", r->ret,
              t->pidns_level ? 0 : t->ppid);
    check_strfield("proc.name", t->tag, r->st[ST_COMM], r->comm, t->comm);
    check_strfield("proc.pname", t->tag, r->st[ST_PNAME], r->pname, t->pname);
    for (int i = 0; i < RK_NANC; i++) {
        char what[32];

        sfmt(what, sizeof(what), "proc.aname[%d]", i);
        if (i < t->nanc) {
            check_strfield(what, t->tag, r->st[ST_ANAME0 + i], r->aname[i], t->aname[i]);
            CHECK(r->apid[i] == t->apid[i], "proc.apid[%d] (tag %d): got %lld, want %d", i, t->tag,
                  (long long)r->apid[i], t->apid[i]);
        } else {
            CHECK(r->st[ST_ANAME0 + i] == E_NOENT && r->st[ST_APID0 + i] == E_NOENT,
                  "proc.aname/apid[%d] (tag %d): beyond the top of the tree: status %lld/%lld", i,
                  t->tag, (long long)r->st[ST_ANAME0 + i], (long long)r->st[ST_APID0 + i]);
        }
    }
    CHECK(r->st[ST_EUID] == 0 && r->euid == t->euid, "user.uid (euid) %s: %u want %u", w, r->euid,
          t->euid);
    CHECK(r->st[ST_EGID] == 0 && r->egid == t->egid, "group.gid (egid) %s: %u want %u", w, r->egid,
          t->egid);
    CHECK_NUM("user.loginuid", r->loginuid, t->loginuid);
    CHECK(r->st[ST_TTY] == 0 && r->tty == t->tty, "proc.tty %s: %u want %u", w, r->tty, t->tty);
    CHECK_NUM("proc.vpid", r->vpid, t->vpid);
    check_strfield("proc.exe", t->tag, r->st[ST_EXE], r->exe, t->exe);
    check_strfield("proc.args", t->tag, r->st[ST_ARGS], r->args, t->args);
    check_strfield("proc.cmdline", t->tag, r->st[ST_CMDLINE], r->cmdline, t->cmdline);
    check_strfield("proc.exepath", t->tag, r->st[ST_EXEPATH], r->exepath, t->exepath);
    check_strfield("proc.cwd", t->tag, r->st[ST_CWD], r->cwd, t->cwd);
    if (getenv("RK_VERBOSE"))
        printf("task %d: pid %d comm %s cid kernel \"%s\" (status %lld) falco \"%s\"\n", t->tag,
               t->tgid, r->comm, r->cid, (long long)r->st[ST_CID], t->cid);
    if (t->cid_maybe)
        CHECK(r->st[ST_CID] == E_AMBIGUOUS,
              "container.id %s: this path must be \"maybe\", got status %lld \"%s\"", w,
              (long long)r->st[ST_CID], r->cid);
    else
        check_strfield("container.id", t->tag, r->st[ST_CID], r->cid, t->cid);
}

static void check_open(const struct open_truth *o)
{
    struct rk_rec *r = NULL;

    for (size_t i = 0; i < nrecs && !r; i++)
        if (recs[i].kind == RK_OPEN && recs[i].nr == o->nr && recs[i].tag == (__u32)o->tag &&
            (o->tag || strcmp(recs[i].nameraw, o->nameraw) == 0))
            r = &recs[i];
    CHECK(r != NULL, "no open record for tag %d (%s)", o->tag, o->nameraw);
    if (!r)
        return;
    CHECK_NUM("open ret", r->ret, o->ret);
    if (o->nameraw_trunc)
        CHECK((r->st[ST_NAMERAW] & TRUNCATED) && strcmp(r->nameraw, o->nameraw) == 0,
              "fd.nameraw (tag %d): want a truncated prefix, got status %lld", o->tag,
              (long long)r->st[ST_NAMERAW]);
    else
        check_strfield("fd.nameraw", o->tag, r->st[ST_NAMERAW], r->nameraw, o->nameraw);
    if (o->fdname_st)
        CHECK(r->st[ST_FDNAME] == o->fdname_st, "fd.name (tag %d): status %lld, want %ld", o->tag,
              (long long)r->st[ST_FDNAME], o->fdname_st);
    else
        check_strfield("fd.name", o->tag, r->st[ST_FDNAME], r->fdname, o->fdname);
    /* The fast path of the fd.name slot: an absolute argument the scan calls normal is fd.name
     * as passed, so the scan must say so exactly when normalising leaves it unchanged. */
    if (!o->nameraw_trunc && r->st[ST_FDNAME] >= 0 && r->nameraw[0] == '/') {
        bool same = strcmp(r->nameraw, r->fdname) == 0;
        CHECK(r->path_normal == same, "path scan (tag %d, %s): normal %d, fd.name %s", o->tag,
              r->nameraw, r->path_normal, r->fdname);
    }
    if (r->st[ST_FDNAME] >= 0) {
        const char *slash = strrchr(r->fdname, '/');
        CHECK(r->last_slash == (slash ? (int)(slash - r->fdname) : -1),
              "last '/' of %s (tag %d): %d", r->fdname, o->tag, r->last_slash);
    }
    if (o->ret >= 0) {
        check_strfield("fd path", o->tag, r->st[ST_FDPATH], r->fdpath, o->fdpath);
        CHECK(r->fd_typechar == o->fd_tc, "fd typechar (tag %d): '%c' want '%c'", o->tag,
              r->fd_typechar, o->fd_tc);
    }
    CHECK(r->open_typechar == o->open_tc, "fd.typechar of the open (tag %d): '%c' want '%c'",
          o->tag, r->open_typechar, o->open_tc);
    CHECK(r->is_read == o->is_read && r->is_write == o->is_write && r->is_exec == o->is_exec &&
              r->is_create == o->is_create,
          "evt.is_open_read/write/exec/create (tag %d %s): %d%d%d%d want %d%d%d%d", o->tag,
          o->nameraw, r->is_read, r->is_write, r->is_exec, r->is_create, o->is_read, o->is_write,
          o->is_exec, o->is_create);
}

static void check_net(const struct net_truth *n)
{
    struct rk_rec *r = NULL;

    for (size_t i = 0; i < nrecs && !r; i++)
        if (recs[i].kind == RK_NET && recs[i].nr == n->nr && recs[i].tag == (__u32)n->tag)
            r = &recs[i];
    CHECK(r != NULL, "no net record for tag %d nr %d", n->tag, n->nr);
    if (!r)
        return;
    CHECK(r->ret == n->ret || (n->ret < 0 && r->ret < 0), "net ret (tag %d): %lld want %ld", n->tag,
          (long long)r->ret, n->ret);
    if (n->nr != SYS_accept4) {
        CHECK(r->st[ST_SOCKADDR] == 0 && r->sa_family == n->family,
              "sockaddr family (tag %d): status %lld family %u want %d", n->tag,
              (long long)r->st[ST_SOCKADDR], r->sa_family, n->family);
        if (n->family == AF_UNIX) {
            CHECK_STR("sockaddr sun_path", r->sa_path, n->sa_path);
        } else {
            CHECK_NUM("sockaddr port", r->sa_port, n->sa_port);
            CHECK(memcmp(r->sa_addr, n->sa_addr, 16) == 0, "sockaddr address (tag %d)", n->tag);
        }
    }
    CHECK(r->st[ST_SOCKINFO] == 0 && r->si_family == n->family,
          "socket family (tag %d): status %lld family %u want %d", n->tag,
          (long long)r->st[ST_SOCKINFO], r->si_family, n->family);
    CHECK(r->si_typechar == n->typechar, "fd.typechar (tag %d): '%c' want '%c'", n->tag,
          r->si_typechar, n->typechar);
    CHECK_NUM("fd.l4proto", r->si_l4proto, n->l4proto);
    if (n->family == AF_UNIX)
        return;
    CHECK_NUM("local port", r->si_lport, n->lport);
    CHECK_NUM("remote port", r->si_rport, n->rport);
    CHECK(memcmp(r->si_laddr, n->laddr, 16) == 0, "local address (tag %d)", n->tag);
    CHECK(memcmp(r->si_raddr, n->raddr, 16) == 0, "remote address (tag %d)", n->tag);
    CHECK_NUM("fd.cport", r->t_cport, n->t_cport);
    CHECK_NUM("fd.sport", r->t_sport, n->t_sport);
    CHECK_NUM("fd.lport", r->t_lport, n->t_lport);
    CHECK_NUM("fd.rport", r->t_rport, n->t_rport);
    CHECK(r->st[ST_TUPLE] == 0, "Falco tuple (tag %d): status %lld", n->tag,
          (long long)r->st[ST_TUPLE]);
}

static void check_exec(const struct exec_truth *e, __u32 kind)
{
    struct rk_rec *r = find_rec(kind, 0, -1, e->pid);

    CHECK(r != NULL, "no %s record for pid %d", kind == RK_EXEC ? "exec" : "sched_process_exec",
          e->pid);
    if (!r)
        return;
    if (kind == RK_SCHED_EXEC) {
        check_strfield("sched_process_exec proc.args", 0, r->st[ST_ARGS], r->args, e->args);
        check_strfield("sched_process_exec proc.cmdline", 0, r->st[ST_CMDLINE], r->cmdline,
                       e->cmdline);
        check_strfield("sched_process_exec proc.exepath", 0, r->st[ST_EXEPATH], r->exepath,
                       e->exepath);
        if (e->cid_maybe)
            CHECK(r->st[ST_CID] == E_AMBIGUOUS, "sched_process_exec container.id: want maybe");
        else
            check_strfield("sched_process_exec container.id", 0, r->st[ST_CID], r->cid, e->cid);
        return;
    }
    check_strfield("exec proc.name", 0, r->st[ST_COMM], r->comm, e->comm);
    check_strfield("exec proc.exe", 0, r->st[ST_EXE], r->exe, e->exe);
    check_strfield("exec proc.args", 0, r->st[ST_ARGS], r->args, e->args);
    check_strfield("exec proc.cmdline", 0, r->st[ST_CMDLINE], r->cmdline, e->cmdline);
    check_strfield("exec proc.exepath", 0, r->st[ST_EXEPATH], r->exepath, e->exepath);
    check_strfield("exec proc.cwd", 0, r->st[ST_CWD], r->cwd, e->cwd);
    CHECK(!!(r->st[ST_ARGS] & TRUNCATED) == e->args_trunc, "exec proc.args truncation flag");
}

/* ---- loading ----------------------------------------------------------------------------------
 */

static char logbuf[8][1 << 16];

static void print_verifier_stats(struct bpf_object *obj)
{
    struct bpf_program *p;
    int i = 0;

    bpf_object__for_each_program(p, obj)
    {
        struct bpf_prog_info info;
        __u32 len = sizeof(info);
        const char *l = strstr(logbuf[i++], "processed ");

        memset(&info, 0, sizeof(info));
        bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
        printf("verifier: %-8s %6u xlated insns, %.*s\n", bpf_program__name(p),
               info.xlated_prog_len / 8, l ? (int)strcspn(l, "\n") : 0, l ? l : "");
    }
}

int main(int argc, char **argv)
{
    struct bpf_object *obj;
    struct bpf_program *prog;
    struct ring_buffer *rb;
    char tmpl[] = "/tmp/rulec-kt-XXXXXX";
    int sync[2], i = 0, targets;
    pid_t root;
    __u32 key, one = 1;

    if (geteuid() != 0) {
        printf("kernel: skipped, needs root (loads BPF programs)\n");
        return 77;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s kernel_test.bpf.o\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    T = mmap(NULL, sizeof(*T), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (T == MAP_FAILED)
        die("mmap");
    if (!mkdtemp(tmpl))
        die("mkdtemp");
    realpath_or(tmpl, T->tmpdir);

    obj = bpf_object__open_file(argv[1], NULL);
    if (!obj)
        die("open BPF object");
    bpf_object__for_each_program(prog, obj)
    {
        if (i < 8) {
            bpf_program__set_log_level(prog, 4); /* statistics */
            bpf_program__set_log_buf(prog, logbuf[i], sizeof(logbuf[i]));
        }
        i++;
    }
    if (bpf_object__load(obj)) {
        fprintf(stderr, "kernel_test: the BPF programs did not load (verifier log above)\n");
        return 1;
    }
    print_verifier_stats(obj);
    bpf_object__for_each_program(prog, obj)
    {
        if (!bpf_program__attach(prog)) {
            fprintf(stderr, "kernel_test: attach %s: %s\n", bpf_program__name(prog),
                    strerror(errno));
            return 1;
        }
    }
    targets = bpf_object__find_map_fd_by_name(obj, "targets");
    rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, NULL, NULL);
    if (targets < 0 || !rb)
        die("maps");
    main_pid = getpid();
    atexit(cleanup_cgroups);
    bool cgroups = setup_cgroups();

    /* The scenario process waits until it is marked, so that all it does is seen. */
    if (pipe(sync))
        die("pipe");
    root = fork();
    if (root == 0) {
        char c;

        close(sync[1]);
        if (read(sync[0], &c, 1) != 1)
            _exit(1);
        scenarios();
        _exit(0);
    }
    close(sync[0]);
    key = root;
    if (bpf_map_update_elem(targets, &key, &one, BPF_ANY))
        die("mark the scenario process");
    if (write(sync[1], "x", 1) != 1)
        die("write");
    close(sync[1]);
    wait_child(root);
    for (int idle = 0; idle < 3;)
        idle = ring_buffer__poll(rb, 100) > 0 ? 0 : idle + 1;

    printf("kernel: %zu records; cgroup cases in %s (%s)\n", nrecs, cgroups ? cg_mnt->dir : "none",
           cgroups && cg_mnt->v2 ? "v2" : "v1");
    for (int k = 0; k < T->ntask && k < NTASK; k++)
        if (T->task[k].valid)
            check_task(&T->task[k]);
    CHECK(T->ntask >= 6 + (cgroups ? ncg : 0), "task scenarios ran: %d", T->ntask);
    for (int k = 0; k < T->nopen && k < NOPEN; k++)
        if (T->open[k].valid)
            check_open(&T->open[k]);
    for (int k = 0; k < T->nnet && k < NNET; k++)
        if (T->net[k].valid)
            check_net(&T->net[k]);
    for (int k = 0; k < T->nexec && k < NEXEC; k++)
        if (T->exec[k].valid) {
            check_exec(&T->exec[k], RK_EXEC);
            check_exec(&T->exec[k], RK_SCHED_EXEC);
        }

    if (T->compat_pid) {
        struct rk_rec *r = find_rec(RK_COMPAT, COMPAT_TAG, 64, T->compat_pid);

        CHECK(r && r->compat, "no record of the ia32 getppid(%d) with its ia32 arguments",
              COMPAT_TAG);
    }

    {
        char cmd[RK_STR + 16];

        sfmt(cmd, sizeof(cmd), "rm -rf '%s'", T->tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "kernel_test: could not remove %s\n", T->tmpdir);
    }
    ring_buffer__free(rb);
    bpf_object__close(obj);
    printf("kernel: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
