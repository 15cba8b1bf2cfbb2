/* rulec_pcache.h - what Falco's thread table remembers of each process, kept per tgid for the
 * runtime: the name, the argument area, the executable's path and the parent, as they were at
 * the process's exec (or, for a forked child, copied from its parent, as libsinsp's clone
 * handling copies them).
 *
 * The runtime reads a process's parent and ancestors (proc.pname, proc.pcmdline, proc.aname[N],
 * ...) when it prints an alert or decides a residual condition, after the event. Reading /proc
 * then loses every process that exited meanwhile: a shell run by a short-lived wrapper prints
 * "<NA>" for its parent's command line. This cache keeps the entries of exited processes until
 * the LRU evicts them (the runtime sizes it at four times the processes running), and a tgid
 * reused by a new process gets its entry rewritten by the fork hook first.
 *
 * The kernel never reads it on the hot path; only these two programs write it. Verifier cost:
 * the exec program ~ the exepath walk (rulec_paths.h); the fork program a copy. Included by
 * generated C, after rulec_fields.h, in every policy with syscall rules. */
#ifndef RULEC_PCACHE_H
#define RULEC_PCACHE_H

#include "rulec_paths.h"
#include "rulec_task.h"

_Static_assert(RULEC_PROC_PATH_LEN == RULEC_PATH_MAX, "exepath buffer");
_Static_assert((RULEC_PROC_ARGS_LEN & (RULEC_PROC_ARGS_LEN - 1)) == 0, "args: power of two");
_Static_assert(sizeof(((struct rulec_proc_entry *)0)->comm) == RULEC_COMM_LEN, "comm buffer");

RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, RULEC_PROC_CACHE_DEFAULT);
    __type(key, __u32);
    __type(value, struct rulec_proc_entry);
} rulec_proc_cache SEC(".maps");

/* An entry is too big for the 512-byte stack: the programs build it here. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_proc_entry);
} rulec_proc_work SEC(".maps");

#ifndef RULEC_UNIT_RULES /* the programs: in the first unit only */

static __always_inline struct rulec_proc_entry *rulec__proc_work(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&rulec_proc_work, &zero);
}

/* The entry of the process whose memory is current's (the task itself at exec; at fork the
 * parent, whose memory the child's is a copy of): its comm, argument area and executable. */
static __always_inline void rulec__proc_fill(struct rulec_proc_entry *e, struct task_struct *task)
{
    struct rulec_scratch *s = rulec_scratch_get(&rulec_kscratch);
    unsigned long start = 0, end = 0;
    __u32 len = 0;

    e->flags = 0;
    e->args_len = 0;
    rulec_task_comm(task, e->comm);
    if (!BPF_CORE_READ_INTO(&start, task, mm, arg_start) &&
        !BPF_CORE_READ_INTO(&end, task, mm, arg_end) && start && end > start) {
        len = end - start > RULEC_PROC_ARGS_LEN ? RULEC_PROC_ARGS_LEN : (__u32)(end - start);
        RULEC_OPAQUE(len);
        len &= 2 * RULEC_PROC_ARGS_LEN - 1;
        if (len > RULEC_PROC_ARGS_LEN)
            len = RULEC_PROC_ARGS_LEN;
        if (len && bpf_probe_read_user(e->args, len, (const void *)start) == 0)
            e->args_len = len;
    }
    e->exepath[0] = 0;
    if (s && rulec_proc_exepath(s, task, e->exepath) >= 0)
        e->flags |= RULEC_PROC_EXEPATH_OK; /* not truncated, not a fault */
}

static __always_inline __u32 rulec__tgid_of(struct task_struct *task)
{
    __u32 tgid = 0;
    BPF_CORE_READ_INTO(&tgid, (struct task_struct___rulec_life *)task, tgid);
    return tgid;
}

/* A new program image. The task is current, and after a multi-threaded exec it is the
 * thread-group leader. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(rulec_proc_exec, struct task_struct *p)
{
    struct rulec_proc_entry *e = rulec__proc_work();
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    long ppid = rulec_task_ppid(p);

    if (!e)
        return 0;
    rulec__proc_fill(e, p);
    e->ppid = ppid > 0 ? (__u32)ppid : 0;
    e->start = rulec_task_start_ticks(p);
    bpf_map_update_elem(&rulec_proc_cache, &tgid, e, BPF_ANY);
    return 0;
}

/* A new process (not a thread): the parent's entry, or, for a parent that started before the
 * policy was loaded, what the parent is now (the fork runs in the parent: its memory is
 * current). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(rulec_proc_fork, struct task_struct *parent, struct task_struct *child)
{
    struct rulec_proc_entry *e = rulec__proc_work(), *pe;
    __u32 ctgid = rulec__tgid_of(child), ptgid = rulec__tgid_of(parent), cpid = 0;

    BPF_CORE_READ_INTO(&cpid, (struct task_struct___rulec_life *)child, pid);
    if (!e || ctgid != cpid)
        return 0; /* a thread: same tgid, same entry */
    pe = bpf_map_lookup_elem(&rulec_proc_cache, &ptgid);
    if (pe)
        bpf_probe_read_kernel(e, sizeof(*e), pe); /* too big for an inlined copy */
    if (!pe || e->start != rulec_task_start_ticks(parent))
        rulec__proc_fill(e, parent);
    e->ppid = ptgid;
    e->start = rulec_task_start_ticks(child);
    bpf_map_update_elem(&rulec_proc_cache, &ctgid, e, BPF_ANY);
    return 0;
}

#endif /* RULEC_UNIT_RULES */

#endif
