/* Kernel test program for compiler/bpf/rulec_kernel.h: for the processes the driver marks (and
 * their descendants), each sys_exit of a chosen syscall fills an rk_rec with every extractor's
 * output and sends it to the driver, which compares it with ground truth from /proc and from
 * the syscalls it made. One program per syscall group, so the verifier statistics the driver
 * prints tell what each group of extractors costs. */
#include "rulec_kernel.h"

#include <bpf/bpf_tracing.h>

#include "kernel_test.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u32);
} targets SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4 << 20);
} events SEC(".maps");

RULEC_SCRATCH_MAP(scratch);

/* The container.id matcher's memory, as rulec_cache.h's exec program has it. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_cgroup_work);
} cgwork SEC(".maps");

RULEC_CGROUP_ID_AT()

static __always_inline bool tracked(void)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;

    return bpf_map_lookup_elem(&targets, &tgid) != NULL;
}

static __always_inline struct rk_rec *rec_new(__u32 kind, long nr, long ret)
{
    struct rk_rec *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

    if (!r)
        return NULL;
    /* Ring-buffer memory is not zeroed and the record is too big for an inline memset: a
     * failed bpf_probe_read_kernel() zero-fills its destination. */
    bpf_probe_read_kernel(r, sizeof(*r), NULL);
    r->kind = kind;
    r->nr = nr;
    r->ret = ret;
    return r;
}

/* Follow the marked processes' children. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(rk_fork, struct task_struct *parent, struct task_struct *child)
{
    __u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid), one = 1;

    if (bpf_map_lookup_elem(&targets, &ptgid))
        bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY);
    return 0;
}

/* container.id as generated policies compute it at exec (rulec_cache.h's rulec_cid_exec). */
static __always_inline long container_id(struct task_struct *task, char out[RK_CID])
{
    __u32 zero = 0;
    struct rulec_cgroup_work *w = bpf_map_lookup_elem(&cgwork, &zero);
    __u64 ids[RULEC_CGROUP_NSUBSYS], kns[RULEC_CGROUP_NSUBSYS];
    long st;

    if (!w)
        return RULEC_E_FAULT;
    rulec_task_cgroups(task, ids, kns);
    st = rulec_cgroup_container_id(w, kns);
    __builtin_memcpy(out, w->id, RK_CID);
    return st;
}

/* The process-wide fields (also used for the exec record). */
static __always_inline void fill_process(struct rulec_scratch *s, struct task_struct *task,
                                         struct rk_rec *r)
{
    r->st[ST_COMM] = rulec_task_comm(task, r->comm);
    r->st[ST_EXE] = rulec_proc_exe(task, r->exe);
    r->st[ST_ARGS] = rulec_proc_args(s, task, r->args);
    r->st[ST_CMDLINE] = rulec_proc_cmdline(s, task, r->cmdline);
    r->st[ST_EXEPATH] = rulec_proc_exepath(s, task, r->exepath);
    r->st[ST_CWD] = rulec_proc_cwd(s, task, r->cwd);
}

/* getppid(tag): the tag rides in the unused first argument register. */
SEC("tp_btf/sys_exit")
int BPF_PROG(rk_task, struct pt_regs *regs, long ret)
{
    struct task_struct *task = rulec_current();
    struct rulec_scratch *s;
    struct rk_rec *r;
    long nr;

    if (!tracked())
        return 0;
    nr = rulec_regs_nr(regs);
    if (nr != RULEC_NR_GETPPID)
        return 0;
    s = rulec_scratch_get(&scratch);
    r = s ? rec_new(RK_TASK, nr, ret) : NULL;
    if (!r)
        return 0;
    r->tag = rulec_regs_arg(regs, 0);

    r->tgid = r->st[ST_TGID] = rulec_task_tgid(task);
    r->ppid = r->st[ST_PPID] = rulec_task_ppid(task);
    r->st[ST_PNAME] = rulec_task_pname(task, r->pname);
    for (__u32 i = 0; i < RK_NANC; i++) {
        r->st[ST_ANAME0 + i] = rulec_task_aname(task, i, r->aname[i]);
        r->apid[i] = r->st[ST_APID0 + i] = rulec_task_apid(task, i);
    }
    r->st[ST_EUID] = rulec_task_euid(task, &r->euid);
    r->st[ST_EGID] = rulec_task_egid(task, &r->egid);
    r->st[ST_LOGINUID] = rulec_task_loginuid(task, &r->loginuid);
    r->st[ST_TTY] = rulec_task_tty(task, &r->tty);
    r->vpid = r->st[ST_VPID] = rulec_task_vpid(task);
    r->compat = rulec_in_ia32_syscall(task);
    fill_process(s, task, r);
    r->st[ST_CID] = container_id(task, r->cid);
    bpf_ringbuf_submit(r, 0);
    return 0;
}

/* An ia32 getppid(tag) from a 64-bit process (int 0x80): the test generated programs use to
 * leave compat syscalls out, and the ia32 register map. */
SEC("tp_btf/sys_exit")
int BPF_PROG(rk_compat, struct pt_regs *regs, long ret)
{
    struct task_struct *task = rulec_current();
    struct rk_rec *r;

    if (!tracked() || !rulec_in_ia32_syscall(task) || rulec_regs_nr(regs) != 64 /* getppid */)
        return 0;
    r = rec_new(RK_COMPAT, rulec_regs_nr(regs), ret);
    if (!r)
        return 0;
    r->compat = 1;
    r->tag = rulec_regs_arg_ia32(regs, 0);
    r->tgid = rulec_task_tgid(task);
    bpf_ringbuf_submit(r, 0);
    return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rk_open, struct pt_regs *regs, long ret)
{
    struct task_struct *task = rulec_current();
    struct rulec_open_args a;
    struct rulec_scratch *s;
    struct rk_rec *r;
    __u64 args[6];
    long nr, st;

    if (!tracked())
        return 0;
    nr = rulec_regs_nr(regs);
    if (nr != RULEC_NR_OPEN && nr != RULEC_NR_OPENAT && nr != RULEC_NR_OPENAT2 &&
        nr != RULEC_NR_CREAT)
        return 0;
    s = rulec_scratch_get(&scratch);
    r = s ? rec_new(RK_OPEN, nr, ret) : NULL;
    if (!r)
        return 0;
    /* The record header's copy of the registers, as generated programs decode it. */
    for (int i = 0; i < 6; i++)
        args[i] = rulec_regs_arg(regs, i);
    /* The tag rides in the first argument register the call does not use. */
    r->tag = args[nr == RULEC_NR_OPEN ? 3 : nr == RULEC_NR_CREAT ? 2 : 4];
    r->tgid = rulec_task_tgid(task);
    r->st[ST_OPENARGS] = rulec_open_args(nr, args, &a);
    r->dirfd = a.dirfd;
    r->flags = a.flags;
    r->mode = a.mode;
    r->creat = a.creat;
    r->is_read = rulec_open_is_read(&a);
    r->is_write = rulec_open_is_write(&a);
    r->is_exec = rulec_open_is_exec(&a);
    r->open_typechar = rulec_open_typechar(&a);
    /* The path extractors come before anything that branches on ret or the flags, and later
     * code reads those back from the record: values that differ between paths and stay live
     * across a costly extractor make the verifier walk it once per variant. */
    st = rulec_user_str(a.path, s->raw);
    r->st[ST_NAMERAW] = st;
    /* Zero-padded, as a slot is: the word-at-a-time scans below read whole words. */
    __u32 rawlen = st >= 0 ? (__u32)rulec_len(st) : 0;
    RULEC_OPAQUE(rawlen);
    rawlen &= RK_STR - 1;
    if (rawlen)
        bpf_probe_read_kernel(r->nameraw, rawlen, s->raw);
    r->path_normal = rulec_path_is_normal((const __u8 *)r->nameraw, rawlen);
    r->st[ST_FDNAME] = rulec_open_fd_name(s, task, a.dirfd, st, r->fdname);
    r->last_slash = r->st[ST_FDNAME] >= 0
                        ? rulec_last_slash((const __u8 *)r->fdname,
                                           (__u32)rulec_len(r->st[ST_FDNAME]) & (RK_STR - 1))
                        : -1;
    r->st[ST_FDPATH] = rulec_fd_path(s, task, r->ret, r->fdpath);
    r->fd_typechar = rulec_file_typechar(rulec_fd_file(task, r->ret));
    a.flags = r->flags;
    a.creat = r->creat;
    r->is_create = rulec_open_is_create(task, &a, r->ret);
    bpf_ringbuf_submit(r, 0);
    return 0;
}

static __always_inline void fill_sock(struct task_struct *task, long fd, enum rulec_sock_role role,
                                      struct rk_rec *r)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t = {};

    r->st[ST_SOCKINFO] = rulec_fd_sockinfo(task, fd, &si);
    r->si_family = si.family;
    r->si_lport = si.lport;
    r->si_rport = si.rport;
    r->si_l4proto = si.l4proto;
    r->si_typechar = si.typechar;
    __builtin_memcpy(r->si_laddr, si.laddr, 16);
    __builtin_memcpy(r->si_raddr, si.raddr, 16);
    if (r->st[ST_SOCKINFO] < 0)
        return;
    r->st[ST_TUPLE] = rulec_sock_falco_tuple(&si, role, &t);
    __builtin_memcpy(r->t_cip, t.cip, 16);
    __builtin_memcpy(r->t_sip, t.sip, 16);
    r->t_cport = t.cport;
    r->t_sport = t.sport;
    r->t_lport = t.lport;
    r->t_rport = t.rport;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rk_net, struct pt_regs *regs, long ret)
{
    struct task_struct *task = rulec_current();
    struct rulec_sockaddr sa;
    struct rk_rec *r;
    unsigned long uptr, ulen;
    long nr, fd;

    if (!tracked())
        return 0;
    nr = rulec_regs_nr(regs);
    if (nr != RULEC_NR_CONNECT && nr != RULEC_NR_BIND && nr != RULEC_NR_SENDTO &&
        nr != RULEC_NR_ACCEPT4)
        return 0;
    r = rec_new(RK_NET, nr, ret);
    if (!r)
        return 0;
    r->tgid = rulec_task_tgid(task);
    fd = (int)rulec_regs_arg(regs, 0);
    if (nr == RULEC_NR_SENDTO) {
        uptr = rulec_regs_arg(regs, 4);
        ulen = rulec_regs_arg(regs, 5);
    } else if (nr == RULEC_NR_ACCEPT4) {
        uptr = 0;
        ulen = 0;
        r->tag = rulec_regs_arg(regs, 4);
    } else {
        uptr = rulec_regs_arg(regs, 1);
        ulen = rulec_regs_arg(regs, 2);
        r->tag = rulec_regs_arg(regs, 3);
    }
    r->st[ST_SOCKADDR] = rulec_read_sockaddr(uptr, ulen, &sa);
    r->sa_family = sa.family;
    r->sa_port = sa.port;
    __builtin_memcpy(r->sa_addr, sa.addr, 16);
    bpf_probe_read_kernel(r->sa_path, sizeof(sa.path), sa.path);
    if (nr == RULEC_NR_ACCEPT4) {
        if (ret >= 0)
            fill_sock(task, ret, RULEC_ROLE_SERVER, r);
    } else {
        fill_sock(task, fd, RULEC_ROLE_CLIENT, r);
    }
    bpf_ringbuf_submit(r, 0);
    return 0;
}

/* A successful execve: the registers were reset for the new image, so only the task is read. */
SEC("tp_btf/sys_exit")
int BPF_PROG(rk_exec, struct pt_regs *regs, long ret)
{
    struct task_struct *task = rulec_current();
    struct rulec_scratch *s;
    struct rk_rec *r;
    long nr;

    if (!tracked())
        return 0;
    nr = rulec_regs_nr(regs);
    if ((nr != RULEC_NR_EXECVE && nr != RULEC_NR_EXECVEAT) || ret != 0)
        return 0;
    s = rulec_scratch_get(&scratch);
    r = s ? rec_new(RK_EXEC, nr, ret) : NULL;
    if (!r)
        return 0;
    r->tgid = rulec_task_tgid(task);
    fill_process(s, task, r);
    bpf_ringbuf_submit(r, 0);
    return 0;
}

/* The same fields from sched_process_exec, where generated code captures per-process state. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(rk_sched_exec, struct task_struct *p, int old_pid, void *bprm)
{
    struct task_struct *task = rulec_current();
    struct rulec_scratch *s;
    struct rk_rec *r;

    if (!tracked())
        return 0;
    s = rulec_scratch_get(&scratch);
    r = s ? rec_new(RK_SCHED_EXEC, 0, 0) : NULL;
    if (!r)
        return 0;
    r->tgid = rulec_task_tgid(task);
    fill_process(s, task, r);
    r->st[ST_CID] = container_id(task, r->cid);
    bpf_ringbuf_submit(r, 0);
    return 0;
}
