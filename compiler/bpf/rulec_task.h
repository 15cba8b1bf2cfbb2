/* rulec_task.h - what the task struct says about the process: proc.pid of an ancestor, proc.ppid,
 * proc.apid[n], proc.name, proc.pname, proc.aname[n], user.uid, group.gid, user.loginuid,
 * proc.tty, proc.vpid. A few kernel reads each, no loops.
 *
 * Verifier cost (see rulec_base.h): a one-rule policy verifies in ~0.4k (proc.name, proc.vpid),
 * ~0.3k (proc.pname) or ~0.7k (user.uid: the record's ids); alone, proc.name < 100 and the
 * ancestor walk (proc.ppid, proc.apid[n], proc.pname, proc.aname[n]) < 200.
 *
 * Falco captures the process fields at clone/execve. Reading them here at each syscall gives the
 * live value, which differs after prctl(PR_SET_NAME); per-process state read at
 * sched_process_exec and sched_process_fork reproduces Falco (rulec_cache.h does it for
 * container.id). */
#pragma once

#include "rulec_abi.h"
#include "rulec_base.h"

/* The deepest proc.aname[N] / proc.apid[N] read here, as core/rulec_abi.h says (the generated C
 * includes both: were they to differ, the macro redefinition would not compile). */
#define RULEC_MAX_ANCESTORS 16

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

/* Process lifetime members outside rulec_types.h, as CO-RE flavors of the kernel's structs. */
struct task_struct___rulec_life {
    int pid;
    int tgid;
    struct task_struct *group_leader;
    __u64 start_boottime; /* 5.5+ (real_start_time before) */
    struct signal_struct *signal;
} RULEC_CORE;

struct signal_struct___rulec_life {
    struct {
        int counter;
    } live; /* atomic_t: threads not yet exiting */
} RULEC_CORE;

/* The process's start time as /proc/PID/stat's starttime shows it: clock ticks (USER_HZ 100)
 * since boot, of the thread-group leader. */
static __always_inline __u64 rulec_task_start_ticks(struct task_struct *task)
{
    struct task_struct___rulec_life *t = (void *)task;
    struct task_struct___rulec_life *leader = NULL;
    __u64 ns = 0;

    BPF_CORE_READ_INTO(&leader, t, group_leader);
    if (!leader)
        return 0;
    BPF_CORE_READ_INTO(&ns, leader, start_boottime);
    return ns / RULEC_CLOCK_TICK_NS;
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
 * which Falco has no thread for: its field is then absent). Beyond RULEC_MAX_ANCESTORS, the
 * walk stops there: RULEC_E_NOENT when the tree ends within it, RULEC_E_TOOLONG when it goes
 * on (so proc.aname[RULEC_MAX_ANCESTORS + 1] is absent for every process that shallow, and
 * "maybe" for a deeper one: lowering's proc.aname without an index relies on it). */
static __always_inline long rulec_task_ancestor(struct task_struct *task, __u32 n,
                                                struct task_struct **out)
{
    struct task_struct *t = NULL;
    struct task_struct *parent = NULL;
    int tgid = 0;
    __u32 steps = n > RULEC_MAX_ANCESTORS ? RULEC_MAX_ANCESTORS + 1 : n;

    *out = NULL;
    if (BPF_CORE_READ_INTO(&t, task, group_leader) || !t)
        return RULEC_E_FAULT;
    for (__u32 i = 0; i <= RULEC_MAX_ANCESTORS; i++) {
        if (i >= steps)
            break;
        if (BPF_CORE_READ_INTO(&parent, t, real_parent) || !parent)
            return RULEC_E_NOENT;
        if (BPF_CORE_READ_INTO(&t, parent, group_leader) || !t)
            return RULEC_E_FAULT;
        if (BPF_CORE_READ_INTO(&tgid, t, tgid) || tgid == 0)
            return RULEC_E_NOENT;
    }
    if (n > RULEC_MAX_ANCESTORS)
        return RULEC_E_TOOLONG;
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

#define RULEC_CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE, the last capability Falco names */

enum rulec_cap_set {
    RULEC_CAP_INHERITABLE = 0, /* thread.cap_inheritable */
    RULEC_CAP_PERMITTED = 1,   /* thread.cap_permitted */
    RULEC_CAP_EFFECTIVE = 2,   /* thread.cap_effective */
};

/* thread.cap_*: one capability set as a bit mask, capability N at bit N. Falco's PPM_CAP_* bits
 * use the same numbering for the capabilities the kernel defines (0..RULEC_CAP_LAST_CAP). */
static __always_inline long rulec_task_caps(struct task_struct *task, enum rulec_cap_set set,
                                            __u64 *out)
{
    const struct cred *cred = NULL;
    long err;

    *out = 0;
    if (BPF_CORE_READ_INTO(&cred, task, cred) || !cred)
        return RULEC_E_FAULT;
    /* kernel_cap_t is 8 bytes before and after 6.3 (see rulec_types.h): read it whole. */
    switch (set) {
    case RULEC_CAP_INHERITABLE:
        err = bpf_core_read(out, 8, &cred->cap_inheritable);
        break;
    case RULEC_CAP_PERMITTED:
        err = bpf_core_read(out, 8, &cred->cap_permitted);
        break;
    default:
        err = bpf_core_read(out, 8, &cred->cap_effective);
        break;
    }
    *out &= (2ULL << RULEC_CAP_LAST_CAP) - 1;
    return err ? RULEC_E_FAULT : 0;
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
