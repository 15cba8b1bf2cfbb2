/* rulec_kernel.h - the field extractors generated rule predicates call in the kernel.
 *
 * Every function here is static __always_inline, keeps no global state and reads the kernel
 * through CO-RE (rulec_types.h), so one compiled object runs on every kernel from 5.10 that has
 * BTF. Each extractor names the Falco field it implements and follows Falco's (libs') meaning
 * of that field; where the kernel cannot reproduce Falco's value exactly the function says so
 * and returns a status the predicate must treat as "maybe".
 *
 * Status convention (long):
 *   >= 0   success: the value's length in bytes (strings, without the NUL) or 0 for scalars
 *          written through an out-parameter. RULEC_TRUNCATED may be ORed in: the buffer holds
 *          the first rulec_len(st) bytes of a longer value (still NUL-terminated).
 *   <  0   RULEC_E_*: nothing usable was stored (the buffer holds an empty string).
 * A truncated or failed value is "maybe", never a mismatch: the slot fillers (rulec_fields.h)
 * turn these statuses into slot statuses, and the generated atoms answer RULEC_SLOT_TRUNCATED
 * and RULEC_SLOT_ERROR with "maybe".
 *
 * Buffers are fixed-size and caller-provided. Functions that assemble paths need a
 * struct rulec_scratch (a few KB, too big for the 512-byte BPF stack): the caller keeps one in a
 * per-CPU array map, see RULEC_SCRATCH_MAP() and rulec_scratch_get().
 *
 * The long loops (path normalisation, dentry walks, argument joins, the cgroup scan) go through
 * RULEC_LOOP: bpf_loop (5.17+, found by a CO-RE check) where the kernel has it, so the verifier
 * checks the step once; a bounded for loop otherwise. The costs below are without bpf_loop; with
 * it, a one-rule policy on openat comparing one field verifies in (6.18, bpftool prog loadall):
 * proc.name ~0.2k, proc.cmdline and proc.args ~0.7k, proc.exepath and proc.cwd ~2.3k, fd.name
 * ~12k (rulec_fields.h's filler: opens, fds, sockets), fd.directory ~13.7k (fd.name's and
 * fd.typechar's fillers, from which it is derived).
 *
 * Loops are bounded for loops (kernel 5.3+); loop-carried state that depends on data lives in
 * the scratch map through RULEC_MEM() so the verifier sees one state per iteration instead of
 * one per path taken through earlier iterations. For the same reason a caller should not keep
 * values that differ between paths (a syscall argument tested against constants, the return
 * value after a "ret < 0" branch) live in registers across a costly extractor: the verifier
 * walks the extractor once per variant. Keep them in map memory (the event record) instead.
 *
 * Index (Falco field: function; verifier cost as instructions processed on 6.18, alone):
 *   evt.type number, arguments  rulec_regs_nr, rulec_regs_arg (rulec_regs_arg_ia32 for ia32)
 *   proc.name                   rulec_task_comm                                       < 100
 *   proc.ppid, proc.apid[n]     rulec_task_ppid, rulec_task_apid (rulec_task_ancestor) < 200
 *   proc.pname, proc.aname[n]   rulec_task_pname, rulec_task_aname                    < 200
 *   (ancestors' pids)           rulec_task_tgid
 *   user.uid, group.gid         rulec_task_euid, rulec_task_egid (effective ids)
 *   user.loginuid               rulec_task_loginuid
 *   proc.tty                    rulec_task_tty
 *   proc.vpid                   rulec_task_vpid
 *   container.id                rulec_task_cgroups, rulec_cgroup_container_id   ~57k (at exec)
 *   proc.exe                    rulec_proc_exe                                        < 100
 *   proc.args, proc.cmdline     rulec_proc_args, rulec_proc_cmdline               ~10k, ~19k
 *   proc.exepath, proc.cwd      rulec_proc_exepath, rulec_proc_cwd                 ~9.5k each
 *   (struct file of an fd)      rulec_fd_file
 *   fd.name (existing fd)       rulec_fd_path, rulec_file_path, rulec_path_str         ~9.5k
 *   fd.typechar                 rulec_file_typechar; rulec_open_typechar for opens     < 1k
 *   fd.l4proto, endpoints       rulec_fd_sockinfo, rulec_file_sockinfo
 *   fd.sip/cip/sport/cport/lport/rport   rulec_sock_falco_tuple
 *   open family arguments       rulec_open_args; evt.arg.name/fd.nameraw rulec_user_str
 *   fd.name of an open          rulec_open_fd_name (joined, normalised)               ~58k
 *   evt.is_open_read/write/exec/create   rulec_open_is_read/_write/_exec/_create
 *   connect/bind/sendto address rulec_read_sockaddr
 *
 * Falco captures the process fields (proc.name, exe, args, cmdline, exepath, container.id) at
 * clone/execve. Reading them here at each syscall gives the live value, which differs after
 * prctl(PR_SET_NAME), setproctitle() or a cgroup move; reading them at sched_process_exec and
 * sched_process_fork into per-process state reproduces Falco, and pays for container.id once
 * per process instead of once per event.
 */
#pragma once

#include "rulec_types.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* ---- sizes --------------------------------------------------------------------------------------
 *
 * RULEC_PATH_MAX (256, also args, cmdline and exe): paths are built with masked offsets into a
 * 2*RULEC_PATH_MAX scratch area, so it must be a power of two. 256 covers nearly every path and
 * command line rules match on (the paths in Falco's default rules are all far shorter), keeps a
 * ring-buffer record with a handful of string fields around 1-2 KB, and keeps the verifier cost
 * of the byte loops (path normalisation, args joining) low: those loops run RULEC_PATH_MAX
 * times in the verifier whatever the actual length. A longer value is reported truncated and
 * decided in userspace. Raise it with -DRULEC_PATH_MAX=512 if the rules need it.
 */
#define RULEC_COMM_LEN 16 /* TASK_COMM_LEN: proc.name is at most 15 characters */
#ifndef RULEC_PATH_MAX
#define RULEC_PATH_MAX 256
#endif
#define RULEC_ARGS_MAX RULEC_PATH_MAX    /* proc.args */
#define RULEC_CMDLINE_MAX RULEC_PATH_MAX /* proc.cmdline */
#define RULEC_CONTAINER_ID_MAX 16        /* 12 hex characters (or "host") and the NUL */
#define RULEC_PATH_DEPTH 32              /* dentry components walked (and mount crossings) */
#define RULEC_CGROUP_PATH_MAX 256        /* one cgroup path as Falco builds it */
#define RULEC_CGROUP_DEPTH 6             /* Falco's modern probe keeps the 6 deepest components */
#define RULEC_CGROUP_NSUBSYS 5           /* cpuset, cpu, cpuacct, io, memory: Falco's order */
#define RULEC_MAX_ANCESTORS 16           /* deepest proc.aname[N] / proc.apid[N] decided here */
#define RULEC_IP_TEXT_MAX 64             /* fd.sip and friends as text (IPv6: 45 at most) */
#define RULEC_NORM_COMPONENTS 64         /* components of an open() path argument normalised */

_Static_assert((RULEC_PATH_MAX & (RULEC_PATH_MAX - 1)) == 0, "RULEC_PATH_MAX: power of two");
_Static_assert((RULEC_CGROUP_PATH_MAX & (RULEC_CGROUP_PATH_MAX - 1)) == 0,
               "RULEC_CGROUP_PATH_MAX: power of two");

/* ---- status ---------------------------------------------------------------------------------- */

#define RULEC_TRUNCATED (1L << 24)
#define RULEC_LEN_MASK (RULEC_TRUNCATED - 1)

#define RULEC_E_FAULT (-1L)     /* a kernel or user memory read failed */
#define RULEC_E_NOENT (-2L)     /* no such value: no mm, fd not open, no such ancestor */
#define RULEC_E_TOOLONG (-3L)   /* longer or deeper than the buffers; no usable prefix */
#define RULEC_E_AMBIGUOUS (-4L) /* the kernel cannot decide Falco's value (see the function) */
#define RULEC_E_INVAL (-5L)     /* not applicable: not a socket, pseudo file, other syscall */

static __always_inline long rulec_len(long st)
{
    return st < 0 ? 0 : (st & RULEC_LEN_MASK);
}

static __always_inline bool rulec_truncated(long st)
{
    return st >= 0 && (st & RULEC_TRUNCATED);
}

/* Forces a loop-carried variable through memory, see the header comment. */
#define RULEC_MEM(x) (*(volatile __typeof__(x) *)&(x))

/* Makes x opaque to the compiler, so that a following bounds mask is emitted as written: clang
 * otherwise drops a mask it can prove redundant, and the verifier, which tracks less, then
 * rejects the unmasked register. */
#define RULEC_OPAQUE(x) asm volatile("" : "+r"(x))

/* ---- scratch space --------------------------------------------------------------------------- */

#define RULEC__CG_NCAND 9

struct rulec_cgroup_scan {
    char p[2 * RULEC_CGROUP_PATH_MAX]; /* "/a/b/c" as Falco builds it */
    __u64 kn[8];
    __u16 off[8];  /* component start offsets in p */
    __u16 len[8];  /* component lengths */
    __u32 hash[8]; /* component hashes, to compare components cheaply */
    __u8 name[8];  /* component is a valid containerd namespace name */
    __s32 cand_start[RULEC__CG_NCAND], cand_end[RULEC__CG_NCAND];
    __u32 n; /* path length */
    __u32 k; /* number of components */
    /* byte-scan state */
    __u64 w, nonhex, has_other, ci, h, v;
    __s64 last_scope, last_ontainer, last_tainerd;
    __s64 libpod, docker, crio, cricd, ns; /* component indexes, -1 if none */
};

struct rulec_sockaddr {
    __u16 family;                       /* AF_*; 0 if there was no address */
    __u16 port;                         /* host byte order (AF_INET, AF_INET6) */
    __u8 addr[16];                      /* network byte order; IPv4 in the first 4 bytes */
    char path[RULEC_UNIX_PATH_MAX + 1]; /* AF_UNIX sun_path, NUL-terminated; abstract names
                                         * start with '\0' as in the kernel */
};

struct rulec_scratch {
    char path[2 * RULEC_PATH_MAX];      /* path assembly: masked offsets stay in bounds */
    char raw[2 * RULEC_PATH_MAX];       /* a path argument read from user memory */
    __u16 slash[RULEC_PATH_MAX];        /* positions of '/' during normalisation */
    __u16 bound[RULEC_NORM_COMPONENTS]; /* ends of the path argument's components */
    __u32 tc, pc, sp, nb;               /* normalisation state */
    __u32 pos;                          /* path assembly position */
    __s64 arg0, arg1;                   /* arguments laundered through memory */
    struct rulec_sockaddr sa;           /* a socket address argument (too big for the stack) */
};

/* Defines the per-CPU scratch map a program passes to the path and container extractors. */
#define RULEC_SCRATCH_MAP(name)                                                                    \
    RULEC_GLOBAL struct {                                                                          \
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                                                   \
        __uint(max_entries, 1);                                                                    \
        __type(key, __u32);                                                                        \
        __type(value, struct rulec_scratch);                                                       \
    } name SEC(".maps")

static __always_inline struct rulec_scratch *rulec_scratch_get(void *map)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(map, &zero);
}

/* Loops over scratch state: with bpf_loop (5.17) the verifier checks the step once, instead of
 * once per iteration of a bounded loop, which made the path extractors most of a policy's load
 * time. The CO-RE check is a constant once relocated, so the verifier walks only the branch this
 * kernel takes; older kernels run the same step as a bounded loop. A step returns 0 to go on, 1
 * to stop; it reads and writes its state through the scratch area, whose pointer it gets. */
struct rulec_loop_ctx {
    struct rulec_scratch *s;
    long ret; /* what a step wants returned, when it stops early */
};

#ifdef RULEC_NO_BPF_LOOP /* tests/kernel: the path older kernels take */
#define RULEC_HAVE_BPF_LOOP() 0
#else
#define RULEC_HAVE_BPF_LOOP()                                                                      \
    bpf_core_enum_value_exists(enum bpf_func_id___rulec, BPF_FUNC_loop___rulec)
#endif

#define RULEC_LOOP(n, step, ctx)                                                                   \
    do {                                                                                           \
        if (RULEC_HAVE_BPF_LOOP()) {                                                               \
            bpf_loop((n), (step), (ctx), 0);                                                       \
        } else {                                                                                   \
            for (__u32 i_ = 0; i_ < (n); i_++)                                                     \
                if (step(i_, (ctx)))                                                               \
                    break;                                                                         \
        }                                                                                          \
    } while (0)

#include "rulec_words.h"

/* ---- syscall registers ------------------------------------------------------------------------
 *
 * At sys_exit the programs get the tp_btf tracepoint's trusted pointer to struct pt_regs: its
 * members are plain loads, not probe reads (this runs for every hooked syscall). The kernel does
 * not clobber the argument registers on the way out, so they still hold what the caller passed.
 * Each ABI maps an argument index to its own registers: the one place each map is written. */

static __always_inline struct task_struct *rulec_current(void)
{
    return (struct task_struct *)bpf_get_current_task();
}

/* True while the task runs an ia32 (compat) syscall: orig_ax holds an ia32 syscall number and
 * the arguments are in rulec_regs_arg_ia32's registers. Generated programs leave these events
 * out (rulec_cx_init): their numbers would name other x86_64 syscalls. */
static __always_inline bool rulec_in_ia32_syscall(struct task_struct *task)
{
    __u32 status = 0;

    BPF_CORE_READ_INTO(&status, task, thread_info.status);
    return status & RULEC_TS_COMPAT;
}

/* evt.type's number: the syscall number, still in orig_ax at sys_exit. */
static __always_inline __u32 rulec_regs_nr(struct pt_regs *regs)
{
    return (__u32)regs->orig_ax;
}

/* Argument i (0-5) of an x86_64 syscall: di, si, dx, r10, r8, r9. */
static __always_inline __u64 rulec_regs_arg(struct pt_regs *regs, int i)
{
    switch (i) {
    case 0:
        return regs->di;
    case 1:
        return regs->si;
    case 2:
        return regs->dx;
    case 3:
        return regs->r10;
    case 4:
        return regs->r8;
    default:
        return regs->r9;
    }
}

/* Argument i (0-5) of an ia32 syscall: bx, cx, dx, si, di, bp, 32 bits wide. */
static __always_inline __u64 rulec_regs_arg_ia32(struct pt_regs *regs, int i)
{
    switch (i) {
    case 0:
        return (__u32)regs->bx;
    case 1:
        return (__u32)regs->cx;
    case 2:
        return (__u32)regs->dx;
    case 3:
        return (__u32)regs->si;
    case 4:
        return (__u32)regs->di;
    default:
        return (__u32)regs->bp;
    }
}

/* ---- task: identity -------------------------------------------------------------------------- */

/* proc.name: the task's comm (at most 15 characters). This is the live value; Falco keeps the
 * comm it saw at the last clone/execve, so a prctl(PR_SET_NAME) after that is visible here but
 * not in Falco. Generated code that needs Falco's value reads it from per-process state captured
 * at sched_process_exec/fork, filled by this same function. */
static __always_inline long rulec_task_comm(struct task_struct *task, char out[RULEC_COMM_LEN])
{
    long n = bpf_core_read_str(out, RULEC_COMM_LEN, &task->comm);

    if (n <= 0) {
        out[0] = 0;
        return RULEC_E_FAULT;
    }
    return n - 1;
}

/* proc.pid: the thread group id (host pid namespace). */
static __always_inline long rulec_task_tgid(struct task_struct *task)
{
    int v = 0;

    return BPF_CORE_READ_INTO(&v, task, tgid) ? RULEC_E_FAULT : v;
}

/* The process (thread group leader) n generations up: 0 is the task's own process, 1 its parent.
 * This is Falco's get_ancestor_process(): parent of the main thread, then its main thread.
 * Returns RULEC_E_NOENT past the top of the tree (the parent of init is the idle task, pid 0,
 * which Falco has no thread for: its field is then absent) and RULEC_E_TOOLONG for n beyond
 * RULEC_MAX_ANCESTORS. */
static __always_inline long rulec_task_ancestor(struct task_struct *task, __u32 n,
                                                struct task_struct **out)
{
    struct task_struct *t = NULL;
    struct task_struct *parent = NULL;
    int tgid = 0;

    *out = NULL;
    if (n > RULEC_MAX_ANCESTORS)
        return RULEC_E_TOOLONG;
    if (BPF_CORE_READ_INTO(&t, task, group_leader) || !t)
        return RULEC_E_FAULT;
    for (__u32 i = 0; i < RULEC_MAX_ANCESTORS; i++) {
        if (i >= n)
            break;
        if (BPF_CORE_READ_INTO(&parent, t, real_parent) || !parent)
            return RULEC_E_NOENT;
        if (BPF_CORE_READ_INTO(&t, parent, group_leader) || !t)
            return RULEC_E_FAULT;
        if (BPF_CORE_READ_INTO(&tgid, t, tgid) || tgid == 0)
            return RULEC_E_NOENT;
    }
    *out = t;
    return 0;
}

/* proc.ppid: pid of the parent process (real_parent's thread group). */
static __always_inline long rulec_task_ppid(struct task_struct *task)
{
    struct task_struct *p = NULL;
    long st = rulec_task_ancestor(task, 1, &p);

    return st < 0 ? st : rulec_task_tgid(p);
}

/* proc.apid[n]: pid of the n-th ancestor process (proc.apid[1] == proc.ppid). */
static __always_inline long rulec_task_apid(struct task_struct *task, __u32 n)
{
    struct task_struct *p = NULL;
    long st = rulec_task_ancestor(task, n, &p);

    return st < 0 ? st : rulec_task_tgid(p);
}

/* proc.aname[n]: comm of the n-th ancestor process; proc.aname[0] is the main thread's comm. */
static __always_inline long rulec_task_aname(struct task_struct *task, __u32 n,
                                             char out[RULEC_COMM_LEN])
{
    struct task_struct *p = NULL;
    long st = rulec_task_ancestor(task, n, &p);

    if (st < 0) {
        out[0] = 0;
        return st;
    }
    return rulec_task_comm(p, out);
}

/* proc.pname: comm of the parent process. */
static __always_inline long rulec_task_pname(struct task_struct *task, char out[RULEC_COMM_LEN])
{
    return rulec_task_aname(task, 1, out);
}

/* ---- task: credentials ----------------------------------------------------------------------- */

/* user.uid: Falco's user.uid is the EFFECTIVE uid (libs reads cred->euid at clone/execve and
 * tracks setuid-family calls), read from the task's subjective credentials. */
static __always_inline long rulec_task_euid(struct task_struct *task, __u32 *out)
{
    return BPF_CORE_READ_INTO(out, task, cred, euid.val) ? RULEC_E_FAULT : 0;
}

/* group.gid: the effective gid. */
static __always_inline long rulec_task_egid(struct task_struct *task, __u32 *out)
{
    return BPF_CORE_READ_INTO(out, task, cred, egid.val) ? RULEC_E_FAULT : 0;
}

/* user.loginuid: the audit login uid; 0xffffffff when unset or without CONFIG_AUDIT (Falco then
 * reports -1, the same value). */
static __always_inline long rulec_task_loginuid(struct task_struct *task, __u32 *out)
{
    *out = 0xffffffffU;
    if (!bpf_core_field_exists(task->loginuid))
        return 0;
    return BPF_CORE_READ_INTO(out, task, loginuid.val) ? RULEC_E_FAULT : 0;
}

/* proc.tty: the controlling terminal's device number in the userspace (new_encode_dev) format,
 * as in /proc/PID/stat field 7; 0 without a controlling terminal. */
static __always_inline long rulec_task_tty(struct task_struct *task, __u32 *out)
{
    struct tty_struct *tty = NULL;
    struct tty_driver *driver = NULL;
    int index = 0, major = 0, minor_start = 0;
    __u32 minor;

    *out = 0;
    if (BPF_CORE_READ_INTO(&tty, task, signal, tty))
        return RULEC_E_FAULT;
    if (!tty)
        return 0;
    if (BPF_CORE_READ_INTO(&driver, tty, driver) || !driver)
        return RULEC_E_FAULT;
    BPF_CORE_READ_INTO(&index, tty, index);
    BPF_CORE_READ_INTO(&major, driver, major);
    BPF_CORE_READ_INTO(&minor_start, driver, minor_start);
    /* MKDEV(major, minor_start) + index, then new_encode_dev(). */
    minor = (__u32)(minor_start + index) & 0xfffff;
    *out = (minor & 0xff) | ((__u32)major << 8) | ((minor & ~0xffU) << 12);
    return 0;
}

/* ---- task: pid namespace --------------------------------------------------------------------- */

/* The number of pid p as seen from its own (deepest) pid namespace. */
static __always_inline long rulec__pid_vnr(struct pid *p)
{
    unsigned int level = 0;
    int nr = 0;

    if (!p || BPF_CORE_READ_INTO(&level, p, level))
        return RULEC_E_FAULT;
    if (BPF_CORE_READ_INTO(&nr, p, numbers[level].nr))
        return RULEC_E_FAULT;
    return nr;
}

/* proc.vpid: the process id in its own pid namespace (the leader's pid there). */
static __always_inline long rulec_task_vpid(struct task_struct *task)
{
    struct pid *p = NULL;

    BPF_CORE_READ_INTO(&p, task, group_leader, thread_pid);
    return rulec__pid_vnr(p);
}

/* ---- paths ----------------------------------------------------------------------------------- */

static __always_inline struct mount *rulec__real_mount(struct vfsmount *vfsmnt)
{
    /* container_of(vfsmnt, struct mount, mnt) with the offset relocated for the running kernel. */
    return (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

/* rulec_path_str's walk (RULEC_LOOP): one dentry per step. ret: 0 walking, 1 at the root of
 * the mount namespace, < 0 an error. */
struct rulec_path_walk {
    struct rulec_scratch *s;
    struct dentry *dentry, *mnt_root;
    struct mount *mnt, *mnt_parent;
    long ret;
};

static long rulec__path_step(__u32 i, void *ctx)
{
    struct rulec_path_walk *w = ctx;
    struct rulec_scratch *s = w->s;
    struct dentry *dentry = w->dentry, *d_parent = NULL, *next = NULL;
    struct mount *mnt = w->mnt, *mnt_parent = NULL;
    const unsigned char *name = NULL;
    __u32 pos, len = 0;

    if (BPF_CORE_READ_INTO(&d_parent, dentry, d_parent)) {
        w->ret = RULEC_E_FAULT;
        return 1;
    }
    if (dentry == w->mnt_root || dentry == d_parent) {
        if (dentry != w->mnt_root) {
            w->ret = RULEC_E_INVAL; /* a pseudo or disconnected dentry: no path */
            return 1;
        }
        if (mnt == w->mnt_parent) {
            w->ret = 1;
            return 1;
        }
        /* Root of a mount that is not the namespace root: continue from its mountpoint in the
         * parent mount. */
        BPF_CORE_READ_INTO(&next, mnt, mnt_mountpoint);
        w->dentry = next;
        mnt = w->mnt_parent;
        w->mnt = mnt;
        BPF_CORE_READ_INTO(&mnt_parent, mnt, mnt_parent);
        w->mnt_parent = mnt_parent;
        BPF_CORE_READ_INTO(&next, mnt, mnt.mnt_root);
        w->mnt_root = next;
        return 0;
    }
    if (BPF_CORE_READ_INTO(&len, dentry, d_name.len) ||
        BPF_CORE_READ_INTO(&name, dentry, d_name.name) || len == 0) {
        w->ret = RULEC_E_FAULT;
        return 1;
    }
    pos = RULEC_MEM(s->pos);
    /* Keep pos >= 1 so the final length is < RULEC_PATH_MAX. */
    if (len + 1 >= pos) {
        w->ret = RULEC_E_TOOLONG;
        return 1;
    }
    pos -= len;
    RULEC_OPAQUE(len);
    if (bpf_probe_read_kernel(&s->path[pos & (RULEC_PATH_MAX - 1)], len & (RULEC_PATH_MAX - 1),
                              name)) {
        w->ret = RULEC_E_FAULT;
        return 1;
    }
    pos -= 1;
    s->path[pos & (RULEC_PATH_MAX - 1)] = '/';
    RULEC_MEM(s->pos) = pos;
    w->dentry = d_parent;
    return 0;
}

/* The path of a struct path, built the way Falco's modern probe does (d_path "approx"): dentry
 * names up to each mount root, crossing to the mountpoint in the parent mount, up to the root
 * of the mount namespace (not the task's chroot), without d_path's " (deleted)" suffix.
 * Returns the length, RULEC_E_TOOLONG past RULEC_PATH_MAX bytes or RULEC_PATH_DEPTH components,
 * RULEC_E_INVAL for files of pseudo filesystems (pipes, sockets, anon inodes) that have no path. */
static __always_inline long rulec_path_str(struct rulec_scratch *s, const struct path *kpath,
                                           char out[RULEC_PATH_MAX])
{
    struct dentry *dentry = NULL, *mnt_root = NULL;
    struct vfsmount *vfsmnt = NULL;
    struct mount *mnt = NULL, *mnt_parent = NULL;
    __u32 pos, len = 0;
    bool done = false;

    out[0] = 0;
    if (bpf_core_read(&dentry, sizeof(dentry), &kpath->dentry) ||
        bpf_core_read(&vfsmnt, sizeof(vfsmnt), &kpath->mnt) || !dentry || !vfsmnt)
        return RULEC_E_FAULT;
    mnt = rulec__real_mount(vfsmnt);
    BPF_CORE_READ_INTO(&mnt_parent, mnt, mnt_parent);
    BPF_CORE_READ_INTO(&mnt_root, vfsmnt, mnt_root);

    /* The path is built backwards in s->path[pos, RULEC_PATH_MAX). */
    RULEC_MEM(s->pos) = RULEC_PATH_MAX;
    struct rulec_path_walk w = {
        .s = s, .dentry = dentry, .mnt = mnt, .mnt_parent = mnt_parent, .mnt_root = mnt_root};
    RULEC_LOOP(RULEC_PATH_DEPTH, rulec__path_step, &w);
    if (w.ret < 0)
        return w.ret;
    done = w.ret == 1;
    if (!done)
        return RULEC_E_TOOLONG;
    pos = RULEC_MEM(s->pos);
    if (pos >= RULEC_PATH_MAX) {
        out[0] = '/';
        out[1] = 0;
        return 1;
    }
    len = RULEC_PATH_MAX - pos;
    RULEC_OPAQUE(len);
    if (bpf_probe_read_kernel(out, len & (RULEC_PATH_MAX - 1),
                              &s->path[pos & (RULEC_PATH_MAX - 1)]))
        return RULEC_E_FAULT;
    out[len & (RULEC_PATH_MAX - 1)] = 0;
    return len & (RULEC_PATH_MAX - 1);
}

/* proc.exepath: the path of the task's executable file (mm->exe_file), as the kernel resolved
 * it (symlinks resolved), relative to the mount namespace root like Falco's. */
static __always_inline long rulec_proc_exepath(struct rulec_scratch *s, struct task_struct *task,
                                               char out[RULEC_PATH_MAX])
{
    struct file *exe = NULL;

    out[0] = 0;
    if (BPF_CORE_READ_INTO(&exe, task, mm, exe_file))
        return RULEC_E_FAULT;
    if (!exe)
        return RULEC_E_NOENT; /* kernel thread or exiting task */
    return rulec_path_str(s, &exe->f_path, out);
}

/* The task's working directory without the trailing '/'. */
static __always_inline long rulec__cwd(struct rulec_scratch *s, struct task_struct *task,
                                       char out[RULEC_PATH_MAX])
{
    struct fs_struct *fs = NULL;

    out[0] = 0;
    if (BPF_CORE_READ_INTO(&fs, task, fs))
        return RULEC_E_FAULT;
    if (!fs)
        return RULEC_E_NOENT;
    return rulec_path_str(s, &fs->pwd, out);
}

/* Appends '/' unless the path already ends with one ("/" stays "/"). */
static __always_inline long rulec__add_slash(char out[RULEC_PATH_MAX], long st)
{
    long len;

    if (st < 0)
        return st;
    len = st & RULEC_LEN_MASK;
    if (len > 0 && out[(len - 1) & (RULEC_PATH_MAX - 1)] == '/')
        return st;
    if (len + 1 >= RULEC_PATH_MAX)
        return RULEC_E_TOOLONG;
    out[len & (RULEC_PATH_MAX - 1)] = '/';
    out[(len + 1) & (RULEC_PATH_MAX - 1)] = 0;
    return len + 1;
}

/* proc.cwd: the working directory with a trailing '/', Falco's form ("/tmp/", "/"). The kernel
 * gives the resolved directory; Falco tracks chdir() arguments lexically, so the two differ after
 * a chdir through a symlink. */
static __always_inline long rulec_proc_cwd(struct rulec_scratch *s, struct task_struct *task,
                                           char out[RULEC_PATH_MAX])
{
    return rulec__add_slash(out, rulec__cwd(s, task, out));
}

/* ---- process memory (the CURRENT task only: bpf_probe_read_user reads current's mm) ---------- */

/* proc.exe: argv[0] as the process received it (not a path lookup). */
static __always_inline long rulec_proc_exe(struct task_struct *task, char out[RULEC_PATH_MAX])
{
    unsigned long start = 0;
    char next = 0;
    long n;

    out[0] = 0;
    if (BPF_CORE_READ_INTO(&start, task, mm, arg_start))
        return RULEC_E_FAULT;
    if (!start)
        return RULEC_E_NOENT;
    n = bpf_probe_read_user_str(out, RULEC_PATH_MAX, (const void *)start);
    if (n <= 0) {
        out[0] = 0;
        return RULEC_E_FAULT;
    }
    if (n < RULEC_PATH_MAX)
        return n - 1;
    /* The buffer filled up: complete only if the string ends exactly there. */
    if (bpf_probe_read_user(&next, 1, (const void *)(start + RULEC_PATH_MAX - 1)) == 0 && next == 0)
        return n - 1;
    return (n - 1) | RULEC_TRUNCATED;
}

/* Locates argv[1..] in the task's argument area: *astart is where it begins, the return value is
 * its length in bytes including the final NUL (0 when there are no arguments). */
static __always_inline long rulec__args_area(struct rulec_scratch *s, struct task_struct *task,
                                             unsigned long *astart)
{
    unsigned long start = 0, end = 0;
    long n;

    if (BPF_CORE_READ_INTO(&start, task, mm, arg_start) ||
        BPF_CORE_READ_INTO(&end, task, mm, arg_end))
        return RULEC_E_FAULT;
    if (!start || end <= start)
        return RULEC_E_NOENT;
    /* argv[0]'s length, read into scratch: it can be longer than any output buffer. */
    n = bpf_probe_read_user_str(s->path, sizeof(s->path), (const void *)start);
    if (n <= 0)
        return RULEC_E_FAULT;
    if (n == sizeof(s->path))
        return RULEC_E_TOOLONG;
    *astart = start + n;
    return end > *astart ? (long)(end - *astart) : 0;
}

/* rulec__join_args' separators (RULEC_LOOP): the NUL at buf[off + i] becomes a space. Both
 * argument buffers are RULEC_PATH_MAX bytes, the bound the step masks with. */
_Static_assert(RULEC_ARGS_MAX == RULEC_PATH_MAX && RULEC_CMDLINE_MAX == RULEC_PATH_MAX,
               "the argument buffers are RULEC_PATH_MAX bytes");
struct rulec_spaces {
    char *buf;
    __u32 off, copy;
};

static long rulec__space_step(__u32 i, void *ctx)
{
    struct rulec_spaces *sp = ctx;
    __u32 k = (sp->off + i) & (RULEC_PATH_MAX - 1);

    if (i >= sp->copy)
        return 1;
    if (sp->buf[k] == 0)
        sp->buf[k] = ' ';
    return 0;
}

/* Copies an argument area (NUL-separated strings) to buf at off (off <= maxoff, a constant),
 * turning the separators into spaces; returns the string length, with RULEC_TRUNCATED if it did
 * not fit. The copy is capped at bufsz - 1 - maxoff bytes so that the verifier can bound
 * off + size without relating the two. */
static __always_inline long rulec__join_args(char *buf, __u32 bufsz, __u32 off, __u32 maxoff,
                                             unsigned long astart, long alen)
{
    __u32 copy;
    bool trunc = false;

    if (alen <= 0) {
        buf[off & (bufsz - 1)] = 0;
        return off;
    }
    /* The area ends with the last argument's NUL, which is not part of the string. */
    copy = (__u32)alen - 1;
    if (copy > bufsz - 1 - maxoff) {
        copy = bufsz - 1 - maxoff;
        trunc = true;
    }
    RULEC_OPAQUE(copy);
    copy &= bufsz - 1;
    if (copy > 0 &&
        bpf_probe_read_user(&buf[off & (bufsz - 1)], copy & (bufsz - 1), (const void *)astart)) {
        buf[0] = 0;
        return RULEC_E_FAULT;
    }
    struct rulec_spaces sp = {.buf = buf, .off = off, .copy = copy};
    RULEC_LOOP(RULEC_PATH_MAX - 1, rulec__space_step, &sp);
    buf[(off + copy) & (bufsz - 1)] = 0;
    return (long)(off + copy) | (trunc ? RULEC_TRUNCATED : 0);
}

/* proc.args: argv[1..] joined with single spaces (Falco's populate_args). */
static __always_inline long rulec_proc_args(struct rulec_scratch *s, struct task_struct *task,
                                            char out[RULEC_ARGS_MAX])
{
    unsigned long astart = 0;
    long alen = rulec__args_area(s, task, &astart);

    out[0] = 0;
    if (alen < 0)
        return alen;
    return rulec__join_args(out, RULEC_ARGS_MAX, 0, 0, astart, alen);
}

/* proc.cmdline: proc.name, then " " and each argument (Falco's populate_cmdline): "true a b". A
 * process run with one empty argument gives "true " and one without arguments "true". */
static __always_inline long rulec_proc_cmdline(struct rulec_scratch *s, struct task_struct *task,
                                               char out[RULEC_CMDLINE_MAX])
{
    unsigned long astart = 0;
    long clen, alen;

    _Static_assert(RULEC_CMDLINE_MAX > RULEC_COMM_LEN + 1, "cmdline holds the comm");
    clen = rulec_task_comm(task, out);
    if (clen < 0)
        return clen;
    alen = rulec__args_area(s, task, &astart);
    if (alen < 0) {
        out[0] = 0;
        return alen;
    }
    if (alen == 0)
        return clen;
    clen &= RULEC_COMM_LEN - 1;
    out[clen] = ' ';
    return rulec__join_args(out, RULEC_CMDLINE_MAX, clen + 1, RULEC_COMM_LEN, astart, alen);
}

/* ---- file descriptors ------------------------------------------------------------------------ */

/* The struct file behind fd in the task's table (task->files->fdt->fd[fd]); NULL if not open. */
static __always_inline struct file *rulec_fd_file(struct task_struct *task, long fd)
{
    struct fdtable *fdt = NULL;
    struct file **fds = NULL;
    struct file *f = NULL;
    unsigned int max_fds = 0;

    if (fd < 0 || BPF_CORE_READ_INTO(&fdt, task, files, fdt) || !fdt)
        return NULL;
    if (BPF_CORE_READ_INTO(&max_fds, fdt, max_fds) || fd >= max_fds)
        return NULL;
    if (BPF_CORE_READ_INTO(&fds, fdt, fd) || !fds)
        return NULL;
    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
    return f;
}

/* The path of an open file (see rulec_path_str): the kernel's resolved path. This is Falco's
 * fd.name for files found at startup; for fds opened while Falco runs, Falco's fd.name is the
 * lexical join of the open() argument (rulec_open_fd_name), which differs from this when the
 * argument went through a symlink. */
static __always_inline long rulec_file_path(struct rulec_scratch *s, struct file *f,
                                            char out[RULEC_PATH_MAX])
{
    out[0] = 0;
    if (!f)
        return RULEC_E_NOENT;
    return rulec_path_str(s, &f->f_path, out);
}

static __always_inline long rulec_fd_path(struct rulec_scratch *s, struct task_struct *task,
                                          long fd, char out[RULEC_PATH_MAX])
{
    return rulec_file_path(s, rulec_fd_file(task, fd), out);
}

/* Falco's fd.typechar letters (libsinsp fdinfo.h). */
#define RULEC_FD_FILE 'f'
#define RULEC_FD_DIRECTORY 'd'
#define RULEC_FD_IPV4_SOCK '4'
#define RULEC_FD_IPV6_SOCK '6'
#define RULEC_FD_UNIX_SOCK 'u'
#define RULEC_FD_FIFO 'p'
#define RULEC_FD_EVENT 'e'
#define RULEC_FD_SIGNALFD 's'
#define RULEC_FD_EVENTPOLL 'l'
#define RULEC_FD_INOTIFY 'i'
#define RULEC_FD_TIMERFD 't'
#define RULEC_FD_NETLINK 'n'
#define RULEC_FD_BPF 'b'
#define RULEC_FD_USERFAULTFD 'u'
#define RULEC_FD_IOURING 'r'
#define RULEC_FD_MEMFD 'm'
#define RULEC_FD_PIDFD 'P'
#define RULEC_FD_UNKNOWN 'o'

/* Compares the first litlen bytes of a kernel string with a literal. */
static __always_inline bool rulec__kstr_prefix(const unsigned char *kname, const char *lit,
                                               __u32 litlen)
{
    char buf[16] = {};

    if (litlen >= sizeof(buf) || bpf_probe_read_kernel(buf, litlen & 15, kname))
        return false;
    for (__u32 i = 0; i < sizeof(buf); i++) {
        if (i >= litlen)
            break;
        if (buf[i] != lit[i])
            return false;
    }
    return true;
}

#define RULEC__KSTR_PREFIX(kname, lit) rulec__kstr_prefix(kname, lit, sizeof(lit) - 1)

/* The socket family of a socket file, or a negative status. */
static __always_inline long rulec__sock_family(struct file *f)
{
    struct socket *sock = NULL;
    unsigned short family = 0;

    if (BPF_CORE_READ_INTO(&sock, f, private_data) || !sock)
        return RULEC_E_FAULT;
    if (BPF_CORE_READ_INTO(&family, sock, sk, __sk_common.skc_family))
        return RULEC_E_FAULT;
    return family;
}

/* fd.typechar from the kernel object behind the file: the type Falco gives an fd it finds in
 * /proc, and the type of fds made by socket(), pipe(), eventfd() and friends. For an fd the
 * open family just created, Falco decides from the flags instead: use rulec_open_typechar().
 * Returns the letter, or 0 if f is NULL or unreadable. */
static __always_inline char rulec_file_typechar(struct file *f)
{
    struct dentry *dentry = NULL, *d_parent = NULL;
    const unsigned char *name = NULL;
    unsigned short mode = 0;
    unsigned long magic = 0;
    long family;

    if (!f || BPF_CORE_READ_INTO(&mode, f, f_inode, i_mode) ||
        BPF_CORE_READ_INTO(&magic, f, f_inode, i_sb, s_magic))
        return 0;
    BPF_CORE_READ_INTO(&dentry, f, f_path.dentry);
    BPF_CORE_READ_INTO(&d_parent, dentry, d_parent);
    BPF_CORE_READ_INTO(&name, dentry, d_name.name);

    switch (mode & RULEC_S_IFMT) {
    case RULEC_S_IFSOCK:
        if (magic != RULEC_SOCKFS_MAGIC)
            return RULEC_FD_FILE; /* an O_PATH fd on a socket inode in a directory */
        family = rulec__sock_family(f);
        if (family == RULEC_AF_INET)
            return RULEC_FD_IPV4_SOCK;
        if (family == RULEC_AF_INET6)
            return RULEC_FD_IPV6_SOCK;
        if (family == RULEC_AF_UNIX)
            return RULEC_FD_UNIX_SOCK;
        if (family == RULEC_AF_NETLINK)
            return RULEC_FD_NETLINK;
        return RULEC_FD_UNKNOWN;
    case RULEC_S_IFIFO:
        return RULEC_FD_FIFO;
    case RULEC_S_IFDIR:
        return RULEC_FD_DIRECTORY;
    }
    if (magic == RULEC_PIDFS_MAGIC)
        return RULEC_FD_PIDFD;
    if (magic == RULEC_ANON_INODE_FS_MAGIC || dentry == d_parent) {
        /* Anonymous inodes are named after their type ("[eventfd]"); memfd_create() files are
         * parentless shmem/hugetlbfs dentries named "memfd:...". */
        if (RULEC__KSTR_PREFIX(name, "[eventfd]"))
            return RULEC_FD_EVENT;
        if (RULEC__KSTR_PREFIX(name, "[signalfd]"))
            return RULEC_FD_SIGNALFD;
        if (RULEC__KSTR_PREFIX(name, "[eventpoll]"))
            return RULEC_FD_EVENTPOLL;
        if (RULEC__KSTR_PREFIX(name, "inotify"))
            return RULEC_FD_INOTIFY;
        if (RULEC__KSTR_PREFIX(name, "[timerfd]"))
            return RULEC_FD_TIMERFD;
        if (RULEC__KSTR_PREFIX(name, "bpf-") || RULEC__KSTR_PREFIX(name, "bpf_"))
            return RULEC_FD_BPF;
        if (RULEC__KSTR_PREFIX(name, "[userfaultfd]"))
            return RULEC_FD_USERFAULTFD;
        if (RULEC__KSTR_PREFIX(name, "[io_uring]"))
            return RULEC_FD_IOURING;
        if (RULEC__KSTR_PREFIX(name, "[pidfd]"))
            return RULEC_FD_PIDFD;
        if (RULEC__KSTR_PREFIX(name, "memfd:"))
            return RULEC_FD_MEMFD;
        if (magic == RULEC_ANON_INODE_FS_MAGIC)
            return RULEC_FD_UNKNOWN;
    }
    return RULEC_FD_FILE; /* regular files, devices, and everything else with a path */
}

/* fd.l4proto values (libscap's scap_l4_proto). */
#define RULEC_L4_UNKNOWN 0
#define RULEC_L4_NA 1
#define RULEC_L4_TCP 2
#define RULEC_L4_UDP 3
#define RULEC_L4_ICMP 4
#define RULEC_L4_RAW 5

/* One socket's endpoints as the kernel holds them. Addresses are in network byte order (IPv4 in
 * the first 4 bytes), ports in host byte order. */
struct rulec_sockinfo {
    __u16 family;  /* AF_* */
    __u8 l4proto;  /* RULEC_L4_* (fd.l4proto) */
    __u8 typechar; /* fd.typechar */
    __u16 lport;   /* local port */
    __u16 rport;   /* remote (peer) port, 0 if unconnected */
    __u8 ipv4;     /* addresses are IPv4 (first 4 bytes), also for v4-mapped IPv6 */
    __u8 laddr[16];
    __u8 raddr[16];
};

/* fd.l4proto from the socket's type and protocol, mapped as Falco maps socket()'s arguments
 * (the kernel has already resolved protocol 0 to TCP or UDP). */
static __always_inline __u8 rulec__l4proto(__u16 type, __u16 proto)
{
    bool raw = type == RULEC_SOCK_RAW;

    switch (proto) {
    case RULEC_IPPROTO_TCP:
        return raw ? RULEC_L4_RAW : RULEC_L4_TCP;
    case RULEC_IPPROTO_UDP:
        return raw ? RULEC_L4_RAW : RULEC_L4_UDP;
    case RULEC_IPPROTO_ICMP:
        return raw ? RULEC_L4_RAW : RULEC_L4_ICMP;
    case RULEC_IPPROTO_RAW:
        return RULEC_L4_RAW;
    }
    return RULEC_L4_UNKNOWN;
}

static __always_inline bool rulec__v6zero(const __u8 *a)
{
    for (int i = 0; i < 16; i++)
        if (a[i])
            return false;
    return true;
}

static __always_inline bool rulec__v4mapped(const __u8 *a)
{
    for (int i = 0; i < 10; i++)
        if (a[i])
            return false;
    return a[10] == 0xff && a[11] == 0xff;
}

/* The endpoints, family and protocol of a socket file (fd.l4proto, and the raw material of
 * fd.sip/cip/sport/cport/lport/rport: see rulec_sock_falco_tuple()). RULEC_E_INVAL if f is not a
 * socket. */
static __always_inline long rulec_file_sockinfo(struct file *f, struct rulec_sockinfo *out)
{
    struct socket *sock = NULL;
    struct sock *sk = NULL;
    unsigned short mode = 0;
    unsigned long magic = 0;
    __be16 dport = 0;
    __u16 type = 0, proto = 0;

    struct inode *inode = NULL;
    __builtin_memset(out, 0, sizeof(*out));
    /* Each read below is a helper call (tens of ns): the inode is read once, and the letter comes
     * from the family, as rulec_file_typechar gives it for a sockfs socket. */
    if (!f || BPF_CORE_READ_INTO(&inode, f, f_inode) || !inode ||
        BPF_CORE_READ_INTO(&mode, inode, i_mode) ||
        BPF_CORE_READ_INTO(&magic, inode, i_sb, s_magic))
        return RULEC_E_FAULT;
    if ((mode & RULEC_S_IFMT) != RULEC_S_IFSOCK || magic != RULEC_SOCKFS_MAGIC)
        return RULEC_E_INVAL;
    if (BPF_CORE_READ_INTO(&sock, f, private_data) || !sock || BPF_CORE_READ_INTO(&sk, sock, sk) ||
        !sk)
        return RULEC_E_FAULT;
    BPF_CORE_READ_INTO(&out->family, sk, __sk_common.skc_family);
    BPF_CORE_READ_INTO(&type, sk, sk_type);
    BPF_CORE_READ_INTO(&proto, sk, sk_protocol);
    out->typechar = out->family == RULEC_AF_INET      ? RULEC_FD_IPV4_SOCK
                    : out->family == RULEC_AF_INET6   ? RULEC_FD_IPV6_SOCK
                    : out->family == RULEC_AF_UNIX    ? RULEC_FD_UNIX_SOCK
                    : out->family == RULEC_AF_NETLINK ? RULEC_FD_NETLINK
                                                      : RULEC_FD_UNKNOWN;
    if (out->family != RULEC_AF_INET && out->family != RULEC_AF_INET6) {
        out->l4proto = RULEC_L4_NA;
        return 0;
    }
    out->l4proto = rulec__l4proto(type, proto);
    BPF_CORE_READ_INTO(&out->lport, sk, __sk_common.skc_num);
    BPF_CORE_READ_INTO(&dport, sk, __sk_common.skc_dport);
    out->rport = __builtin_bswap16(dport);
    if (out->family == RULEC_AF_INET) {
        BPF_CORE_READ_INTO((__be32 *)out->laddr, sk, __sk_common.skc_rcv_saddr);
        BPF_CORE_READ_INTO((__be32 *)out->raddr, sk, __sk_common.skc_daddr);
        out->ipv4 = 1;
        return 0;
    }
    bpf_core_read(out->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
    bpf_core_read(out->raddr, 16, &sk->__sk_common.skc_v6_daddr);
    /* Falco turns a connection between IPv4-mapped addresses (::ffff:a.b.c.d; for libsinsp
     * the all-zero address counts too) into an IPv4 one: fd.typechar '4', IPv4 fd.sip... */
    if (rulec__v4mapped(out->raddr) && (rulec__v4mapped(out->laddr) || rulec__v6zero(out->laddr)) &&
        !rulec__v6zero(out->raddr)) {
        __builtin_memcpy(out->laddr, &out->laddr[12], 4);
        __builtin_memcpy(out->raddr, &out->raddr[12], 4);
        __builtin_memset(&out->laddr[4], 0, 12);
        __builtin_memset(&out->raddr[4], 0, 12);
        out->ipv4 = 1;
        out->typechar = RULEC_FD_IPV4_SOCK;
    }
    return 0;
}

static __always_inline long rulec_fd_sockinfo(struct task_struct *task, long fd,
                                              struct rulec_sockinfo *out)
{
    struct file *f = rulec_fd_file(task, fd);

    if (!f) {
        __builtin_memset(out, 0, sizeof(*out));
        return RULEC_E_NOENT;
    }
    return rulec_file_sockinfo(f, out);
}

/* Which end of the connection the task is, from the syscall that made the socket connected:
 * connect/sendto (and an fd used as such) is the client, accept the server. */
enum rulec_sock_role {
    RULEC_ROLE_CLIENT = 1,
    RULEC_ROLE_SERVER = 2,
};

/* Falco's view of a connected socket. */
struct rulec_falco_tuple {
    __u8 cip[16]; /* fd.cip: client address */
    __u8 sip[16]; /* fd.sip: server address */
    __u16 cport;  /* fd.cport */
    __u16 sport;  /* fd.sport: the server port */
    __u16 lport;  /* fd.lport */
    __u16 rport;  /* fd.rport */
};

static __always_inline bool rulec__addr_eq(const __u8 *a, const __u8 *b)
{
    for (int i = 0; i < 16; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static __always_inline bool rulec__is_loopback(const struct rulec_sockinfo *si, const __u8 *a)
{
    if (si->ipv4)
        return a[0] == 127;
    for (int i = 0; i < 15; i++)
        if (a[i])
            return false;
    return a[15] == 1;
}

/* Maps the kernel's local/remote endpoints to Falco's client/server fields. Falco stores the
 * tuple as client -> server, so fd.cip/cport are the client end and fd.sip/sport the server end.
 * Its fd.lport/rport depend on whether the CLIENT address belongs to this machine (libsinsp asks
 * its interface list): if it does, lport is the client port, else the server port. That is
 * exact here when the task is the client (its own address is local), and when the task is the
 * server of a loopback or same-address client (Falco then reports the client's port as lport).
 * For a server with any other client the answer depends on the interface list: the likely value
 * (the client is remote) is filled in and RULEC_E_AMBIGUOUS returned. */
static __always_inline long rulec_sock_falco_tuple(const struct rulec_sockinfo *si,
                                                   enum rulec_sock_role role,
                                                   struct rulec_falco_tuple *t)
{
    bool client_local;

    if (role == RULEC_ROLE_CLIENT) {
        __builtin_memcpy(t->cip, si->laddr, 16);
        __builtin_memcpy(t->sip, si->raddr, 16);
        t->cport = si->lport;
        t->sport = si->rport;
        client_local = true;
    } else {
        __builtin_memcpy(t->cip, si->raddr, 16);
        __builtin_memcpy(t->sip, si->laddr, 16);
        t->cport = si->rport;
        t->sport = si->lport;
        client_local = rulec__is_loopback(si, si->raddr) || rulec__addr_eq(si->raddr, si->laddr);
    }
    t->lport = client_local ? t->cport : t->sport;
    t->rport = client_local ? t->sport : t->cport;
    return (role == RULEC_ROLE_SERVER && !client_local) ? RULEC_E_AMBIGUOUS : 0;
}

/* ---- open family ----------------------------------------------------------------------------- */

/* The arguments of open, openat, openat2 and creat. */
struct rulec_open_args {
    long dirfd;         /* RULEC_AT_FDCWD for open and creat */
    unsigned long path; /* user pointer to the path argument */
    __u32 flags;        /* raw O_* flags as passed (creat: none, see rulec_open_is_*) */
    __u32 mode;         /* raw mode argument */
    bool creat;         /* the syscall was creat() */
};

/* Decodes the open family from the syscall number and its six arguments (the record header's
 * copy of the registers, rulec_regs_arg); RULEC_E_INVAL for other syscalls. */
static __always_inline long rulec_open_args(__u32 nr, const __u64 *args,
                                            struct rulec_open_args *out)
{
    struct rulec_open_how how = {};

    __builtin_memset(out, 0, sizeof(*out));
    out->dirfd = RULEC_AT_FDCWD;
    switch (nr) {
    case RULEC_NR_open:
        out->path = args[0];
        out->flags = args[1];
        out->mode = args[2];
        return 0;
    case RULEC_NR_creat:
        out->path = args[0];
        out->mode = args[1];
        out->creat = true;
        return 0;
    case RULEC_NR_openat:
        out->dirfd = (int)args[0];
        out->path = args[1];
        out->flags = args[2];
        out->mode = args[3];
        return 0;
    case RULEC_NR_openat2:
        out->dirfd = (int)args[0];
        out->path = args[1];
        if (bpf_probe_read_user(&how, sizeof(how), (const void *)args[2]))
            return RULEC_E_FAULT;
        out->flags = how.flags;
        out->mode = how.mode;
        return 0;
    }
    return RULEC_E_INVAL;
}

/* Reads a NUL-terminated string argument from user memory (fd.nameraw / evt.arg.name for the
 * open family, evt.arg.path...). */
static __always_inline long rulec_user_str(unsigned long uptr, char out[RULEC_PATH_MAX])
{
    char next = 0;
    long n;

    out[0] = 0;
    if (!uptr)
        return RULEC_E_NOENT;
    n = bpf_probe_read_user_str(out, RULEC_PATH_MAX, (const void *)uptr);
    if (n <= 0) {
        out[0] = 0;
        return RULEC_E_FAULT;
    }
    if (n < RULEC_PATH_MAX)
        return n - 1;
    if (bpf_probe_read_user(&next, 1, (const void *)(uptr + RULEC_PATH_MAX - 1)) == 0 && next == 0)
        return n - 1;
    return (n - 1) | RULEC_TRUNCATED;
}

/* evt.is_open_read: Falco maps O_RDONLY and O_RDWR (and the invalid access mode 3) to a "read"
 * bit. Always false for creat, which Falco leaves out of the is_open_* fields. */
static __always_inline bool rulec_open_is_read(const struct rulec_open_args *a)
{
    return !a->creat && (a->flags & RULEC_O_ACCMODE) != RULEC_O_WRONLY;
}

/* evt.is_open_write: O_WRONLY or O_RDWR; false for creat (see above). */
static __always_inline bool rulec_open_is_write(const struct rulec_open_args *a)
{
    __u32 acc = a->flags & RULEC_O_ACCMODE;

    return !a->creat && (acc == RULEC_O_WRONLY || acc == RULEC_O_RDWR);
}

/* evt.is_open_exec: a file created with an execute bit in its mode. Falco tests the flags with
 * the whole O_TMPFILE mask, which includes O_DIRECTORY, so an O_DIRECTORY open with stray mode
 * bits counts too; creat always passes the test. (Not FMODE_EXEC: that is execve's own open.) */
static __always_inline bool rulec_open_is_exec(const struct rulec_open_args *a)
{
    if (!a->creat && !(a->flags & (RULEC_O_CREAT | RULEC_O_TMPFILE)))
        return false;
    return a->mode & RULEC_S_IXUGO;
}

/* PPM_O_F_CREATED: the open created the file (FMODE_CREATED on the new fd). */
static __always_inline bool rulec_open_fmode_created(struct task_struct *task, long ret)
{
    struct file *f;
    unsigned int fmode = 0;

    if (ret < 0)
        return false;
    f = rulec_fd_file(task, ret);
    if (!f || BPF_CORE_READ_INTO(&fmode, f, f_mode))
        return false;
    return fmode & RULEC_FMODE_CREATED;
}

/* evt.is_open_create: the open created the file (FMODE_CREATED on the new fd), or it used
 * O_TMPFILE's mask (again including plain O_DIRECTORY, as Falco does) and succeeded. False for
 * creat, as in Falco. */
static __always_inline bool rulec_open_is_create(struct task_struct *task,
                                                 const struct rulec_open_args *a, long ret)
{
    if (a->creat || ret < 0)
        return false;
    if (a->flags & RULEC_O_TMPFILE)
        return true;
    return rulec_open_fmode_created(task, ret);
}

/* fd.typechar of an fd the open family created: Falco types it from the flags alone. */
static __always_inline char rulec_open_typechar(const struct rulec_open_args *a)
{
    return (a->flags & RULEC_O_DIRECTORY) ? RULEC_FD_DIRECTORY : RULEC_FD_FILE;
}

/* One path component raw[pc, end) of the normalisation below: "" and "." vanish, ".." drops the
 * last output component (never the first '/'), a name is appended with a '/' after it. The
 * output s->path always ends with '/'; s->slash holds the positions of its '/'s. The state lives
 * in the scratch map (see the header comment). Returns 1 on overflow. */
static __always_inline int rulec__norm_component(struct rulec_scratch *s, __u32 end)
{
    __u32 cs = RULEC_MEM(s->pc), tc = RULEC_MEM(s->tc), len, sp;

    len = end - cs;
    if (len == 0 || (len == 1 && s->raw[cs & (RULEC_PATH_MAX - 1)] == '.'))
        return 0;
    if (len == 2 && s->raw[cs & (RULEC_PATH_MAX - 1)] == '.' &&
        s->raw[(cs + 1) & (RULEC_PATH_MAX - 1)] == '.') {
        if (tc > 1) {
            sp = RULEC_MEM(s->sp);
            sp = sp > 0 ? sp - 1 : 0; /* pop the '/' at tc - 1 */
            RULEC_MEM(s->sp) = sp;
            RULEC_MEM(s->tc) = sp > 0 ? s->slash[(sp - 1) & (RULEC_PATH_MAX - 1)] + 1 : 0;
        }
        return 0;
    }
    if (tc + len + 1 >= RULEC_PATH_MAX)
        return 1;
    RULEC_OPAQUE(len);
    if (bpf_probe_read_kernel(&s->path[tc & (RULEC_PATH_MAX - 1)], len & (RULEC_PATH_MAX - 1),
                              &s->raw[cs & (RULEC_PATH_MAX - 1)]))
        return 1;
    tc += len;
    s->path[tc & (RULEC_PATH_MAX - 1)] = '/';
    sp = RULEC_MEM(s->sp);
    s->slash[sp & (RULEC_PATH_MAX - 1)] = tc;
    RULEC_MEM(s->sp) = sp + 1;
    RULEC_MEM(s->tc) = tc + 1;
    return 0;
}

/* rulec_open_fd_name's loop steps (RULEC_LOOP). The positions of the base's '/'s: */
static long rulec__slash_step(__u32 i, void *ctx)
{
    struct rulec_scratch *s = ((struct rulec_loop_ctx *)ctx)->s;
    __u32 sp;

    if (i >= RULEC_MEM(s->tc))
        return 1;
    if (s->path[i & (RULEC_PATH_MAX - 1)] != '/')
        return 0;
    sp = RULEC_MEM(s->sp);
    s->slash[sp & (RULEC_PATH_MAX - 1)] = i;
    RULEC_MEM(s->sp) = sp + 1;
    return 0;
}

/* The ends of the argument's components: */
static long rulec__bound_step(__u32 i, void *ctx)
{
    struct rulec_scratch *s = ((struct rulec_loop_ctx *)ctx)->s;
    char c = s->raw[i & (RULEC_PATH_MAX - 1)];
    __u32 nb;

    if (c != '/' && c != 0)
        return 0;
    nb = RULEC_MEM(s->nb);
    s->bound[nb & (RULEC_NORM_COMPONENTS - 1)] = i;
    RULEC_MEM(s->nb) = nb + 1;
    return c == 0 || nb + 1 >= RULEC_NORM_COMPONENTS;
}

/* One component applied: */
static long rulec__component_step(__u32 j, void *ctx)
{
    struct rulec_loop_ctx *lc = ctx;
    struct rulec_scratch *s = lc->s;
    __u32 end;

    if (j >= RULEC_MEM(s->nb))
        return 1;
    end = s->bound[j & (RULEC_NORM_COMPONENTS - 1)];
    if (rulec__norm_component(s, end)) {
        lc->ret = RULEC_E_TOOLONG;
        return 1;
    }
    RULEC_MEM(s->pc) = end + 1;
    return 0;
}

/* fd.name for the open family as Falco computes it: the path argument (in s->raw, rawst being
 * rulec_user_str's status) joined to the directory it is relative to and normalised lexically,
 * like libsinsp's concatenate_paths(): "." and ".." components resolved (never above "/"),
 * duplicate '/' and a trailing '/' dropped, symlinks NOT resolved. An absolute argument stands
 * alone; a relative one is joined to the working directory (dirfd == AT_FDCWD) or to the path of
 * dirfd; an empty one gives "". Works for failed opens too. For a successful open,
 * rulec_fd_path(ret) gives the kernel's resolved path, which equals this unless a symlink or a
 * bind mount is involved. */
static __always_inline long rulec_open_fd_name(struct rulec_scratch *s, struct task_struct *task,
                                               long dirfd, long rawst, char out[RULEC_PATH_MAX])
{
    long rawlen, blen;
    __u32 tc;

    /* Through memory: callers reach here with dirfd a constant (open, creat) or not (openat),
     * and the verifier would walk everything below once for each. */
    RULEC_MEM(s->arg0) = dirfd;
    RULEC_MEM(s->arg1) = rawst;
    dirfd = RULEC_MEM(s->arg0);
    rawst = RULEC_MEM(s->arg1);
    rawlen = rulec_len(rawst);
    out[0] = 0;
    if (rawst < 0)
        return rawst;
    if (rulec_truncated(rawst))
        return RULEC_E_TOOLONG;
    if (rawlen == 0)
        return 0;
    if (s->raw[0] == '/') {
        s->path[0] = '/';
        blen = 1;
    } else {
        /* Relative: the base is the cwd or the dirfd's path, with a trailing '/'. */
        if (dirfd == RULEC_AT_FDCWD)
            blen = rulec__cwd(s, task, out);
        else
            blen = rulec_fd_path(s, task, dirfd, out);
        blen = rulec__add_slash(out, blen);
        if (blen < 0) {
            out[0] = 0;
            return blen == RULEC_E_NOENT ? RULEC_E_AMBIGUOUS : blen;
        }
        if (bpf_probe_read_kernel(s->path, RULEC_PATH_MAX, out))
            return RULEC_E_FAULT;
    }
    /* The '/' stack starts with the base's separators. From here on the state is in memory
     * only, so that the absolute and relative cases share one verifier walk of the loops. */
    RULEC_MEM(s->tc) = blen;
    RULEC_MEM(s->sp) = 0;
    struct rulec_loop_ctx lc = {.s = s, .ret = 0};
    RULEC_LOOP(RULEC_PATH_MAX, rulec__slash_step, &lc);
    /* Split the argument at '/' and the final NUL (rulec_user_str always writes one), then
     * apply the components: two loops, so the verifier walks the costly component step
     * RULEC_NORM_COMPONENTS times instead of RULEC_PATH_MAX times. */
    RULEC_MEM(s->nb) = 0;
    RULEC_LOOP(RULEC_PATH_MAX, rulec__bound_step, &lc);
    if (s->raw[s->bound[(RULEC_MEM(s->nb) - 1) & (RULEC_NORM_COMPONENTS - 1)] &
               (RULEC_PATH_MAX - 1)] != 0) {
        out[0] = 0;
        return RULEC_E_TOOLONG; /* more than RULEC_NORM_COMPONENTS components */
    }
    RULEC_MEM(s->pc) = 0;
    RULEC_LOOP(RULEC_NORM_COMPONENTS, rulec__component_step, &lc);
    if (lc.ret < 0) {
        out[0] = 0;
        return lc.ret;
    }
    tc = RULEC_MEM(s->tc);
    if (tc > 1)
        tc--; /* the trailing '/' ("/" itself stays) */
    RULEC_OPAQUE(tc);
    tc &= RULEC_PATH_MAX - 1;
    if (bpf_probe_read_kernel(out, tc, s->path))
        return RULEC_E_FAULT;
    out[tc] = 0;
    return tc;
}

/* ---- sockaddr arguments (connect, bind, sendto) ---------------------------------------------- */

/* Reads the sockaddr a connect/bind (argument 1, length argument 2) or sendto (argument 4,
 * length argument 5) passed: evt.arg.addr / the tuple of a failed or non-blocking connect. */
static __always_inline long rulec_read_sockaddr(unsigned long uptr, long addrlen,
                                                struct rulec_sockaddr *out)
{
    struct rulec_sockaddr_in in4 = {};
    struct rulec_sockaddr_in6 in6 = {};
    __u32 plen;

    __builtin_memset(out, 0, sizeof(*out));
    if (!uptr || addrlen < 2)
        return RULEC_E_NOENT;
    if (bpf_probe_read_user(&out->family, 2, (const void *)uptr))
        return RULEC_E_FAULT;
    switch (out->family) {
    case RULEC_AF_INET:
        if (addrlen < (long)sizeof(in4) || bpf_probe_read_user(&in4, sizeof(in4), (void *)uptr))
            return RULEC_E_FAULT;
        out->port = __builtin_bswap16(in4.sin_port);
        __builtin_memcpy(out->addr, &in4.sin_addr, 4);
        return 0;
    case RULEC_AF_INET6:
        /* 24 bytes (SIN6_LEN_RFC2133, without sin6_scope_id) is a valid length */
        if (addrlen < 24 || bpf_probe_read_user(&in6, 24, (void *)uptr))
            return RULEC_E_FAULT;
        out->port = __builtin_bswap16(in6.sin6_port);
        __builtin_memcpy(out->addr, in6.sin6_addr, 16);
        return 0;
    case RULEC_AF_UNIX:
        plen = addrlen - 2;
        if (plen > RULEC_UNIX_PATH_MAX)
            plen = RULEC_UNIX_PATH_MAX;
        RULEC_OPAQUE(plen);
        if (bpf_probe_read_user(out->path, plen & 127, (const void *)(uptr + 2)))
            return RULEC_E_FAULT;
        return 0;
    }
    return 0;
}

/* ---- container.id -------------------------------------------------------------------------------
 *
 * Falco (the container plugin) computes container.id once per process, at clone/execve, from the
 * paths of the cgroup subsystems cpuset, cpu, cpuacct, io and memory in that order, as libs'
 * modern probe sends them: "/" and the 6 deepest kernfs components. For each path it tries the
 * engines podman, docker, cri, containerd, lxc, libvirt_lxc, bpm; the first match wins and gives
 * a container id, no match at all gives "host". The runc-style engines look for
 * <prefix><64 hex><suffix> with rfind() and report the first 12 characters:
 *   podman      /libpod-<id>.scope  /libpod-<id>.scope/container  /libpod-<id>
 *   docker      /<id>  /docker-<id>.scope
 *   cri         /<id>  /crio-<id>  /cri-containerd-<id>.scope  /crio-<id>.scope
 *               :cri-containerd:<id>  /docker-<id>.scope
 *   containerd  /<ns>/<id>: the first non-last component that is a name ([A-Za-z0-9]+ joined by
 *               single [._-]) is a namespace; what follows its last occurrence is the id when it is
 *               64 hex, or (1..64 characters) when the path does not end in .service, .slice or
 *               .scope. So "/process_api/f6ee11465ae54ae2c9f1061da2ccf7b2" is a container.
 * All of that is reproduced here, including the quirk that the hex check looks at absolute
 * positions below 64 only. lxc, libvirt_lxc and bpm paths (any "lxc" or "bpm-" in the path), a
 * containerd namespace that occurs twice, and paths over RULEC_CGROUP_PATH_MAX give
 * RULEC_E_AMBIGUOUS: the predicate treats those as "maybe".
 */

#define RULEC__W(a, b, c, d, e, f, g, h)                                                           \
    (((__u64)(a) << 56) | ((__u64)(b) << 48) | ((__u64)(c) << 40) | ((__u64)(d) << 32) |           \
     ((__u64)(e) << 24) | ((__u64)(f) << 16) | ((__u64)(g) << 8) | (__u64)(h))

/* Character classes for the cgroup scan: 1 hex digit, 2 alphanumeric, 4 one of "._-". */
#define RULEC__C(ch)                                                                               \
    ((((ch) >= '0' && (ch) <= '9') || ((ch) >= 'a' && (ch) <= 'f') || ((ch) >= 'A' && (ch) <= 'F') \
          ? 1                                                                                      \
          : 0) |                                                                                   \
     ((((ch) >= '0' && (ch) <= '9') || ((ch) >= 'a' && (ch) <= 'z') ||                             \
       ((ch) >= 'A' && (ch) <= 'Z'))                                                               \
          ? 2                                                                                      \
          : 0) |                                                                                   \
     (((ch) == '.' || (ch) == '_' || (ch) == '-') ? 4 : 0))
#define RULEC__C4(b) RULEC__C(b), RULEC__C(b + 1), RULEC__C(b + 2), RULEC__C(b + 3)
#define RULEC__C16(b) RULEC__C4(b), RULEC__C4(b + 4), RULEC__C4(b + 8), RULEC__C4(b + 12)
#define RULEC__C64(b) RULEC__C16(b), RULEC__C16(b + 16), RULEC__C16(b + 32), RULEC__C16(b + 48)

/* Read-only data (.rodata), not state: a table keeps the per-byte scan free of branches. */
static const __u8 rulec__cg_class[256] = {RULEC__C64(0), RULEC__C64(64), RULEC__C64(128),
                                          RULEC__C64(192)};

/* Branch-free helpers: the BPF instruction set has no conditional move, so "x == 0" and
 * "b ? x : y" would become branches, and each branch in a byte loop multiplies the paths the
 * verifier walks. RULEC_OPAQUE stops clang from turning the arithmetic back into compares. The
 * select multiplies instead of masking: recent verifiers split the state in two when a value
 * known to be 0 or -1 is ANDed with a constant, which a mask would trigger on every byte. */
static __always_inline __u64 rulec__is0(__u64 x)
{
    __u64 t = x | (0 - x);

    RULEC_OPAQUE(t);
    return (t >> 63) ^ 1;
}

static __always_inline __u64 rulec__sel(__u64 b, __u64 x, __u64 y)
{
    RULEC_OPAQUE(b);
    return y + b * (x - y);
}

static __always_inline struct kernfs_node *rulec__kn_parent(struct kernfs_node *kn)
{
    struct kernfs_node *parent = NULL;

    if (bpf_core_field_exists(kn->parent))
        BPF_CORE_READ_INTO(&parent, kn, parent);
    else
        BPF_CORE_READ_INTO(&parent, (struct kernfs_node___v615 *)kn, __parent);
    return parent;
}

/* Builds "/c1/.../ck" for cgroup kernfs node kn into c->p: the deepest RULEC_CGROUP_DEPTH
 * components, as libs' modern probe does. Returns 0 or a negative status. */
static __always_inline long rulec__cg_build(struct rulec_cgroup_scan *c, struct kernfs_node *kn)
{
    struct kernfs_node *parent;
    const char *name = NULL;
    __u32 off;
    long r;

    /* Collect the components leaf first; the root (no parent) has an empty name. */
    RULEC_MEM(c->k) = 0;
    for (int i = 0; i < RULEC_CGROUP_DEPTH; i++) {
        if (!kn)
            break;
        parent = rulec__kn_parent(kn);
        if (!parent)
            break;
        c->kn[i] = (__u64)kn;
        RULEC_MEM(c->k) = i + 1;
        kn = parent;
    }
    c->p[0] = '/';
    c->p[1] = 0;
    RULEC_MEM(c->n) = 1;
    RULEC_MEM(c->off[0]) = 1;
    for (__u32 j = 0; j < RULEC_CGROUP_DEPTH; j++) {
        __u32 k = RULEC_MEM(c->k);

        if (j >= k)
            break;
        kn = (struct kernfs_node *)c->kn[(k - 1 - j) & 7];
        if (BPF_CORE_READ_INTO(&name, kn, name) || !name)
            return RULEC_E_FAULT;
        off = RULEC_MEM(c->n) - (j == 0 ? 1 : 0); /* "/" alone becomes the first '/' */
        c->p[off & (RULEC_CGROUP_PATH_MAX - 1)] = '/';
        off++;
        r = bpf_probe_read_kernel_str(&c->p[off & (RULEC_CGROUP_PATH_MAX - 1)],
                                      RULEC_CGROUP_PATH_MAX, name);
        if (r <= 0)
            return RULEC_E_FAULT;
        c->off[j & 7] = off;
        c->len[j & 7] = r - 1;
        off += r - 1;
        if (off >= RULEC_CGROUP_PATH_MAX - 1)
            return RULEC_E_TOOLONG;
        RULEC_MEM(c->n) = off;
    }
    return 0;
}

/* One byte of the scan, without branches: the last positions of ".scope", of "ontainer" and of
 * "tainerd:" (the tails of ".scope/container" and ":cri-containerd:", checked whole afterwards),
 * whether "lxc" or "bpm-" occur, which of the first 64 bytes are not hex digits, and per
 * component a hash and whether it is a containerd namespace name ([A-Za-z0-9]+ joined by
 * single [._-]). */
static __always_inline void rulec__cg_scan_byte(struct rulec_cgroup_scan *c, __u32 i)
{
    __u64 ch = (__u8)c->p[i & (RULEC_CGROUP_PATH_MAX - 1)];
    __u64 cls = rulec__cg_class[ch & 0xff];
    __u64 w = (RULEC_MEM(c->w) << 8) | ch, slash, v, ci, x;

    RULEC_MEM(c->w) = w;
    x = rulec__is0((w & 0xffffffffffffULL) ^ RULEC__W(0, 0, '.', 's', 'c', 'o', 'p', 'e'));
    RULEC_MEM(c->last_scope) = rulec__sel(x, i - 5, RULEC_MEM(c->last_scope));
    x = rulec__is0(w ^ RULEC__W('o', 'n', 't', 'a', 'i', 'n', 'e', 'r'));
    RULEC_MEM(c->last_ontainer) = rulec__sel(x, i - 7, RULEC_MEM(c->last_ontainer));
    x = rulec__is0(w ^ RULEC__W('t', 'a', 'i', 'n', 'e', 'r', 'd', ':'));
    RULEC_MEM(c->last_tainerd) = rulec__sel(x, i - 7, RULEC_MEM(c->last_tainerd));
    RULEC_MEM(c->has_other) |=
        rulec__is0((w & 0xffffff) ^ RULEC__W(0, 0, 0, 0, 0, 'l', 'x', 'c')) |
        rulec__is0((w & 0xffffffff) ^ RULEC__W(0, 0, 0, 0, 'b', 'p', 'm', '-'));
    if (i < 64)
        RULEC_MEM(c->nonhex) |= ((cls & 1) ^ 1) << i;

    /* Components: a '/' starts the next one (ci counts them from 0 after the first '/'). */
    slash = rulec__is0(ch ^ '/');
    ci = RULEC_MEM(c->ci) + slash;
    RULEC_MEM(c->ci) = ci;
    RULEC_MEM(c->h) = rulec__sel(slash, 5381, RULEC_MEM(c->h) * 33 + ch);
    /* Name validity: 0 start, 1 after an alnum, 2 after a separator, 3 invalid; the input
     * class is 0 other, 1 alnum, 2 separator. The next state is the 2 bits at 2 * (4v + class)
     * of NEXT: from 0 {3,1,3,3}, from 1 {3,1,2,3}, from 2 {3,1,3,3}, from 3 {3,3,3,3}. */
#define RULEC__NEXT 0xfff7e7f7ULL
    v = (RULEC__NEXT >> (2 * ((RULEC_MEM(c->v) & 3) * 4 + ((cls >> 1) & 3)))) & 3;
    v = rulec__sel(slash, 0, v);
    RULEC_MEM(c->v) = v;
    c->hash[ci & 7] = RULEC_MEM(c->h);
    c->name[ci & 7] = rulec__is0(v ^ 1);
}

/* Whether the 16 bytes at pos are lit (pos may be -1 or out of the path: then no). */
static __always_inline bool rulec__cg_at16(struct rulec_cgroup_scan *c, long pos, const char *lit)
{
    if (pos < 0 || pos + 16 > RULEC_MEM(c->n))
        return false;
    for (__u32 i = 0; i < 16; i++)
        if (c->p[(pos + i) & (RULEC_CGROUP_PATH_MAX - 1)] != lit[i])
            return false;
    return true;
}

/* rfind(lit) for a 16-byte lit from the last position of its 8-byte tail: the last whole
 * occurrence ends at some occurrence of the tail, so if the last tail is not part of a whole
 * one the answer is unknown (-2); -1 if the tail never occurs. */
static __always_inline long rulec__cg_rfind16(struct rulec_cgroup_scan *c, long tail,
                                              const char *lit)
{
    if (tail < 0)
        return -1;
    return rulec__cg_at16(c, tail - 8, lit) ? tail - 8 : -2;
}

/* hexcheck: Falco's cgroup.find_first_not_of(hex, start) >= 64, on absolute positions. */
static __always_inline bool rulec__cg_hexok(struct rulec_cgroup_scan *c, __u32 start)
{
    return start >= 64 || (RULEC_MEM(c->nonhex) >> (start & 63)) == 0;
}

/* Copies the id, at most 12 characters from start, to out. */
static __always_inline long rulec__cg_id(struct rulec_cgroup_scan *c, __u32 start, __u32 len,
                                         char out[RULEC_CONTAINER_ID_MAX])
{
    if (len > 12)
        len = 12;
    RULEC_OPAQUE(len);
    len &= 15;
    bpf_probe_read_kernel(out, len, &c->p[start & (RULEC_CGROUP_PATH_MAX - 1)]);
    out[len] = 0;
    return len;
}

static __always_inline bool rulec__cg_comp_prefix(struct rulec_cgroup_scan *c, __u32 j,
                                                  const char *lit, __u32 litlen)
{
    __u32 off = c->off[j & 7];

    if (c->len[j & 7] < litlen)
        return false;
    for (__u32 i = 0; i < 16; i++) {
        if (i >= litlen)
            break;
        if (c->p[(off + i) & (RULEC_CGROUP_PATH_MAX - 1)] != lit[i])
            return false;
    }
    return true;
}

static __always_inline bool rulec__cg_endswith(struct rulec_cgroup_scan *c, const char *lit,
                                               __u32 litlen)
{
    __u32 n = RULEC_MEM(c->n);

    if (n < litlen)
        return false;
    for (__u32 i = 0; i < 8; i++) {
        if (i >= litlen)
            break;
        if (c->p[(n - litlen + i) & (RULEC_CGROUP_PATH_MAX - 1)] != lit[i])
            return false;
    }
    return true;
}

#define RULEC__CG_PREFIX(c, j, lit) rulec__cg_comp_prefix(c, j, lit, sizeof(lit) - 1)

/* Records one runc-layout candidate: the id would start at start and its suffix begin at end. */
static __always_inline void rulec__cg_cand(struct rulec_cgroup_scan *c, __u32 i, long start,
                                           long end)
{
    c->cand_start[i] = start;
    c->cand_end[i] = end;
}

/* rulec__cg_match's byte scan (RULEC_LOOP). */
struct rulec_cg_scan_ctx {
    struct rulec_cgroup_scan *c;
};

static long rulec__cg_scan_step(__u32 i, void *ctx)
{
    struct rulec_cgroup_scan *c = ((struct rulec_cg_scan_ctx *)ctx)->c;

    if (i >= RULEC_MEM(c->n))
        return 1;
    rulec__cg_scan_byte(c, i);
    return 0;
}

/* Falco's engines on the path in c->p: > 0 the id's length, 0 no match, < 0 ambiguous. */
static __always_inline long rulec__cg_match(struct rulec_cgroup_scan *c,
                                            char out[RULEC_CONTAINER_ID_MAX])
{
    __u32 k = RULEC_MEM(c->k), n = RULEC_MEM(c->n);
    long libpod, docker, crio, cricd, ns, start, end, scope;

    RULEC_MEM(c->w) = 0;
    RULEC_MEM(c->last_scope) = -1;
    RULEC_MEM(c->last_ontainer) = -1;
    RULEC_MEM(c->last_tainerd) = -1;
    RULEC_MEM(c->has_other) = 0;
    RULEC_MEM(c->nonhex) = 0;
    RULEC_MEM(c->ci) = -1;
    RULEC_MEM(c->h) = 5381;
    RULEC_MEM(c->v) = 0;
    struct rulec_cg_scan_ctx sc = {.c = c};
    RULEC_LOOP(RULEC_CGROUP_PATH_MAX, rulec__cg_scan_step, &sc);

    /* The last component with each runc prefix, the first non-last namespace name (kept in
     * memory: as registers they would make one verifier state per combination found). */
    RULEC_MEM(c->libpod) = -1;
    RULEC_MEM(c->docker) = -1;
    RULEC_MEM(c->crio) = -1;
    RULEC_MEM(c->cricd) = -1;
    RULEC_MEM(c->ns) = -1;
    for (__u32 j = 0; j < RULEC_CGROUP_DEPTH; j++) {
        if (j >= RULEC_MEM(c->k))
            break;
        if (RULEC__CG_PREFIX(c, j, "libpod-"))
            RULEC_MEM(c->libpod) = j;
        if (RULEC__CG_PREFIX(c, j, "docker-"))
            RULEC_MEM(c->docker) = j;
        if (RULEC__CG_PREFIX(c, j, "crio-"))
            RULEC_MEM(c->crio) = j;
        if (RULEC__CG_PREFIX(c, j, "cri-containerd-"))
            RULEC_MEM(c->cricd) = j;
        if (RULEC_MEM(c->ns) < 0 && j + 1 < RULEC_MEM(c->k) && c->name[j & 7])
            RULEC_MEM(c->ns) = j;
    }
    libpod = RULEC_MEM(c->libpod);
    docker = RULEC_MEM(c->docker);
    crio = RULEC_MEM(c->crio);
    cricd = RULEC_MEM(c->cricd);
    ns = RULEC_MEM(c->ns);

    /* The runc layouts of podman, docker and cri in Falco's order; a match needs exactly 64
     * characters between prefix and suffix and the hex check. Unused slots get start -1; an
     * unknown rfind (-2, see rulec__cg_rfind16) makes its candidate ambiguous. */
    scope = RULEC_MEM(c->last_scope);
    start = libpod >= 0 ? c->off[libpod & 7] + 7 : -1;
    rulec__cg_cand(c, 0, start, scope); /* /libpod-<id>.scope */
    end = rulec__cg_rfind16(c, RULEC_MEM(c->last_ontainer), ".scope/container");
    rulec__cg_cand(c, 1, start, end);                     /* /libpod-<id>.scope/container */
    rulec__cg_cand(c, 2, start, n);                       /* /libpod-<id> */
    rulec__cg_cand(c, 3, k ? c->off[(k - 1) & 7] : 1, n); /* /<id> */
    start = docker >= 0 ? c->off[docker & 7] + 7 : -1;
    rulec__cg_cand(c, 4, start, scope); /* /docker-<id>.scope */
    start = crio >= 0 ? c->off[crio & 7] + 5 : -1;
    rulec__cg_cand(c, 5, start, n); /* /crio-<id> */
    start = cricd >= 0 ? c->off[cricd & 7] + 15 : -1;
    rulec__cg_cand(c, 6, start, scope); /* /cri-containerd-<id>.scope */
    start = crio >= 0 ? c->off[crio & 7] + 5 : -1;
    rulec__cg_cand(c, 7, start, scope); /* /crio-<id>.scope */
    start = rulec__cg_rfind16(c, RULEC_MEM(c->last_tainerd), ":cri-containerd:");
    rulec__cg_cand(c, 8,
                   start == -2  ? 0
                   : start >= 0 ? start + 16
                                : -1,
                   start == -2 ? -2 : (long)n); /* :cri-containerd:<id> */
    for (__u32 i = 0; i < RULEC__CG_NCAND; i++) {
        start = c->cand_start[i];
        end = c->cand_end[i];
        if (start < 0)
            continue;
        if (end == -2)
            return RULEC_E_AMBIGUOUS;
        if (end - start != 64 || !rulec__cg_hexok(c, start))
            continue;
        return rulec__cg_id(c, start, 12, out);
    }

    /* containerd: /<ns>/<id> */
    if (ns >= 0) {
        __u32 nslen = c->len[ns & 7], nshash = c->hash[ns & 7];
        long len;

        /* rfind("/<ns>/") is the last non-last component equal to ns; equal length and hash
         * in a later one make it uncertain. */
        for (__u32 j = 0; j < RULEC_CGROUP_DEPTH; j++) {
            if (j + 1 >= k)
                break;
            if (j > ns && c->len[j & 7] == nslen && c->hash[j & 7] == nshash)
                return RULEC_E_AMBIGUOUS;
        }
        start = c->off[(ns + 1) & 7];
        len = n - start;
        if (len == 64 && rulec__cg_hexok(c, start))
            return rulec__cg_id(c, start, 12, out);
        if (len > 0 && len <= 64 && !rulec__cg_endswith(c, ".service", 8) &&
            !rulec__cg_endswith(c, ".slice", 6) && !rulec__cg_endswith(c, ".scope", 6))
            return rulec__cg_id(c, start, len, out);
    }
    /* lxc, libvirt_lxc, bpm: not reproduced */
    return RULEC_MEM(c->has_other) ? RULEC_E_AMBIGUOUS : 0;
}

/* The cgroups of Falco's five subsystems, in its order (cpuset, cpu, cpuacct, io, memory): their
 * kernfs nodes, which the matcher reads, and their ids (the inode numbers of their directories,
 * 5.5+), which tell whether a forked child is still in them. 0 for a subsystem this kernel does
 * not have. kns may be NULL. */
static __always_inline void rulec_task_cgroups(struct task_struct *task,
                                               __u64 ids[RULEC_CGROUP_NSUBSYS],
                                               __u64 kns[RULEC_CGROUP_NSUBSYS])
{
    struct css_set *cset = NULL;
    __s32 sub[RULEC_CGROUP_NSUBSYS];

#define RULEC__CG_SUB(i, id)                                                                       \
    sub[i] = bpf_core_enum_value_exists(enum cgroup_subsys_id, id)                                 \
                 ? (__s32)bpf_core_enum_value(enum cgroup_subsys_id, id)                           \
                 : -1
    RULEC__CG_SUB(0, cpuset_cgrp_id);
    RULEC__CG_SUB(1, cpu_cgrp_id);
    RULEC__CG_SUB(2, cpuacct_cgrp_id);
    RULEC__CG_SUB(3, io_cgrp_id);
    RULEC__CG_SUB(4, memory_cgrp_id);
#undef RULEC__CG_SUB
    BPF_CORE_READ_INTO(&cset, task, cgroups);
    for (int i = 0; i < RULEC_CGROUP_NSUBSYS; i++) {
        struct cgroup_subsys_state *css = NULL;
        struct cgroup *cgrp = NULL;
        struct kernfs_node *kn = NULL;

        ids[i] = 0;
        if (kns)
            kns[i] = 0;
        if (!cset || sub[i] < 0)
            continue;
        if (bpf_probe_read_kernel(&css, sizeof(css), &cset->subsys[sub[i] & 15]) || !css)
            continue;
        if (BPF_CORE_READ_INTO(&cgrp, css, cgroup) || !cgrp)
            continue;
        if (BPF_CORE_READ_INTO(&kn, cgrp, kn) || !kn)
            continue;
        if (kns)
            kns[i] = (__u64)kn;
        BPF_CORE_READ_INTO(&ids[i], kn, id);
    }
}

/* The matcher's working memory (a per-CPU map value: too big for the stack) and the id it
 * writes. */
struct rulec_cgroup_work {
    struct rulec_cgroup_scan cg;
    char id[RULEC_CONTAINER_ID_MAX];
};

/* The matcher on one cgroup (kernfs node kn): > 0 the id's length, 0 no engine matches, < 0
 * undecided. It runs in a global function, so that the verifier walks it once instead of once
 * per subsystem; RULEC_CGROUP_ID_AT() defines that function in the one unit that runs it. */
__noinline long rulec_cgroup_id_at(struct rulec_cgroup_work *w, __u64 kn);

static __always_inline long rulec__cgroup_id_at(struct rulec_cgroup_work *w, __u64 kn)
{
    long st;

    if (!w)
        return RULEC_E_FAULT;
    st = rulec__cg_build(&w->cg, (struct kernfs_node *)kn);
    if (st >= 0)
        st = rulec__cg_match(&w->cg, w->id);
    else if (st == RULEC_E_TOOLONG)
        st = RULEC_E_AMBIGUOUS;
    return st;
}

#define RULEC_CGROUP_ID_AT()                                                                       \
    __noinline long rulec_cgroup_id_at(struct rulec_cgroup_work *w, __u64 kn)                      \
    {                                                                                              \
        return rulec__cgroup_id_at(w, kn);                                                         \
    }

/* container.id: the first 12 characters of the container id, or "host", in w->id (zero-padded).
 * The distinct cgroups of Falco's subsystems in its order (kns, from rulec_task_cgroups): the
 * first that matches, or cannot be decided, gives the id; none gives "host". Returns the length,
 * or RULEC_E_AMBIGUOUS/RULEC_E_FAULT when the kernel cannot tell (see the comment above). */
static __always_inline long rulec_cgroup_container_id(struct rulec_cgroup_work *w,
                                                      const __u64 kns[RULEC_CGROUP_NSUBSYS])
{
    __u64 prev = 0;
    long st;

    /* All of it: the work area is per CPU and keeps the last process's id, and slots compare
     * and look ids up as zero-padded words ("host" after a 12-character id left "host\0a987"). */
    __builtin_memset(w->id, 0, RULEC_CONTAINER_ID_MAX);
    for (int i = 0; i < RULEC_CGROUP_NSUBSYS; i++) {
        if (!kns[i] || kns[i] == prev)
            continue;
        prev = kns[i];
        st = rulec_cgroup_id_at(w, kns[i]);
        if (st != 0) {
            if (st < 0)
                w->id[0] = 0;
            return st;
        }
    }
    __builtin_memcpy(w->id, "host", 5);
    return 4;
}
