/* rulec_cache.h - per-process state computed at exec and fork instead of at every event.
 *
 * container.id, as Falco (the container plugin) computes it: once per process, at clone and
 * execve, from the process's cgroups. Its matcher (rulec_kernel.h's, about 250k verified
 * instructions in rulec_task_container_id, about 57k here where one global function runs it
 * per cgroup) therefore runs in one program only, on sched_process_exec, and stores the result
 * in rulec_cid_cache keyed by tgid; sched_process_fork copies the parent's entry to a new
 * process when the child is in the very cgroups the entry was computed from, and
 * sched_process_exit drops the entry when the last thread of the process is gone. The slot
 * filler only looks the cache up (about 100 instructions, and a hash lookup per event).
 *
 * A miss (a process that started before the policy was loaded, a fork into other cgroups, a
 * full map) and a stale entry (the tgid was reused: the entry's start time is not the
 * process's) are "maybe": the record goes to userspace, which computes the id from
 * /proc/PID/cgroup with the same algorithm (core/container_id.c) and stores it here, as it does
 * at startup for every process already running. Included by generated C, after rulec_fields.h,
 * only when the policy reads container.id. */
#ifndef RULEC_CACHE_H
#define RULEC_CACHE_H

_Static_assert(RULEC_CID_LEN == RULEC_CONTAINER_ID_MAX, "container id buffer");
_Static_assert(RULEC_CID_TRUNCATED == RULEC_TRUNCATED, "truncation flag");

/* Sized by the runtime before load (runtime/loader.c: four times the processes running);
 * LRU, so that a full map forgets old entries (a later miss is "maybe") instead of refusing new
 * ones. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, RULEC_CID_CACHE_DEFAULT);
    __type(key, __u32);
    __type(value, struct rulec_cid_entry);
} rulec_cid_cache SEC(".maps");

/* Members outside rulec_types.h, as CO-RE flavors of the kernel's structs. */
struct task_struct___rulec_cache {
    int pid;
    int tgid;
    struct task_struct *group_leader;
    __u64 start_boottime; /* 5.5+ (real_start_time before) */
    struct signal_struct *signal;
} RULEC_CORE;

struct signal_struct___rulec_cache {
    struct {
        int counter;
    } live; /* atomic_t: threads not yet exiting */
} RULEC_CORE;

struct kernfs_node___rulec_cache {
    __u64 id; /* the cgroup id, the inode number of its directory (5.5+) */
} RULEC_CORE;

/* The process's start time as /proc/PID/stat's starttime shows it: clock ticks (USER_HZ 100)
 * since boot, of the thread-group leader. */
static __always_inline __u64 rulec_cache_start(struct task_struct *task)
{
    struct task_struct___rulec_cache *t = (void *)task;
    struct task_struct___rulec_cache *leader = NULL;
    __u64 ns = 0;

    BPF_CORE_READ_INTO(&leader, t, group_leader);
    if (!leader)
        return 0;
    BPF_CORE_READ_INTO(&ns, leader, start_boottime);
    return ns / RULEC_CLOCK_TICK_NS;
}

/* The cgroup ids of Falco's five subsystems (rulec_task_container_id's order): 0 for a
 * subsystem the kernel does not have. */
static __always_inline void rulec_cache_cgroups(struct task_struct *task,
                                                __u64 ids[RULEC_CID_NSUBSYS],
                                                __u64 kns[RULEC_CID_NSUBSYS])
{
    struct css_set *cset = NULL;
    __s32 sub[RULEC_CID_NSUBSYS];

#define RULEC__CACHE_SUB(i, id)                                                                    \
    sub[i] = bpf_core_enum_value_exists(enum cgroup_subsys_id, id)                                 \
                 ? (__s32)bpf_core_enum_value(enum cgroup_subsys_id, id)                           \
                 : -1
    RULEC__CACHE_SUB(0, cpuset_cgrp_id);
    RULEC__CACHE_SUB(1, cpu_cgrp_id);
    RULEC__CACHE_SUB(2, cpuacct_cgrp_id);
    RULEC__CACHE_SUB(3, io_cgrp_id);
    RULEC__CACHE_SUB(4, memory_cgrp_id);
#undef RULEC__CACHE_SUB
    BPF_CORE_READ_INTO(&cset, task, cgroups);
    for (int i = 0; i < RULEC_CID_NSUBSYS; i++) {
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
        BPF_CORE_READ_INTO(&ids[i], (struct kernfs_node___rulec_cache *)kn, id);
    }
}

/* container.id from the cache; a miss or a stale entry is "maybe". */
static __always_inline void rulec_fill_container_id(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                    __u8 *d, __u32 size, __u32 arg)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    struct rulec_cid_entry *e = bpf_map_lookup_elem(&rulec_cid_cache, &tgid);
    struct rulec_cid_entry v;

    __builtin_memset(d, 0, RULEC_CID_LEN);
    if (!e) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    /* A copy first, checked afterwards: an update may recycle the element meanwhile. */
    __builtin_memcpy(&v, e, sizeof(v));
    if (v.start != rulec_cache_start(cx->task)) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    /* Every writer zero-pads the id (rulec_cid_compute, runtime/cid_cache.c), as the word
     * compares and set keys on the slot need. */
    __builtin_memcpy(d, v.id, RULEC_CID_LEN);
    d[RULEC_CID_LEN - 1] = 0;
    rulec_slot_status(h, v.status);
}

/* The exec program's working memory: the matcher's scan state and the id it writes. */
struct rulec_cid_work {
    struct rulec_cgroup_scan cg;
    char id[RULEC_CID_LEN];
    struct rulec_cid_entry e;
};

RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_cid_work);
} rulec_cid_work SEC(".maps");

#ifndef RULEC_UNIT_RULES /* the programs: in the first unit only */
/* rulec_kernel.h's matcher on one cgroup (kernfs node kn): > 0 the id's length, 0 no engine
 * matches, < 0 undecided. A global function, so the verifier walks the matcher once instead
 * of once per subsystem. */
__noinline long rulec_cid_path(struct rulec_cid_work *w, __u64 kn)
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

/* rulec_task_container_id with the matcher above: the distinct cgroups of Falco's subsystems
 * in order, the first that matches (or cannot be decided) gives the id, none gives "host". */
static __always_inline long rulec_cid_compute(struct rulec_cid_work *w,
                                              const __u64 kns[RULEC_CID_NSUBSYS])
{
    __u64 prev = 0;
    long st;

    /* All of it: the work area is per CPU and keeps the last process's id, and slots compare
     * and look ids up as zero-padded words ("host" after a 12-character id left "host\0a987"). */
    __builtin_memset(w->id, 0, RULEC_CID_LEN);
    for (int i = 0; i < RULEC_CID_NSUBSYS; i++) {
        if (!kns[i] || kns[i] == prev)
            continue;
        prev = kns[i];
        st = rulec_cid_path(w, kns[i]);
        if (st != 0) {
            if (st < 0)
                w->id[0] = 0;
            return st;
        }
    }
    __builtin_memcpy(w->id, "host", 5);
    return 4;
}

/* A new program image: compute the id (the only place the matcher runs). The task is current,
 * and after a multi-threaded exec it is the thread-group leader. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(rulec_cid_exec, struct task_struct *p)
{
    __u32 zero = 0, tgid = bpf_get_current_pid_tgid() >> 32;
    struct rulec_cid_work *w = bpf_map_lookup_elem(&rulec_cid_work, &zero);
    __u64 kns[RULEC_CID_NSUBSYS];

    if (!w)
        return 0;
    __builtin_memset(&w->e, 0, sizeof(w->e));
    rulec_cache_cgroups(p, w->e.cgroups, kns);
    w->e.status = rulec_cid_compute(w, kns);
    __builtin_memcpy(w->e.id, w->id, RULEC_CID_LEN);
    w->e.start = rulec_cache_start(p);
    bpf_map_update_elem(&rulec_cid_cache, &tgid, &w->e, BPF_ANY);
    return 0;
}

/* A new process (not a thread) inherits its parent's entry when it is in the cgroups that
 * entry was computed from: Falco would compute the same id from the same cgroups. Otherwise
 * (the parent moved after its exec, or clone3 put the child in other cgroups) it gets none. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(rulec_cid_fork, struct task_struct *parent, struct task_struct *child)
{
    struct task_struct___rulec_cache *c = (void *)child;
    struct rulec_cid_entry e;
    struct rulec_cid_entry *pe;
    __u32 ptgid = 0, ctgid = 0, cpid = 0;
    __u64 ids[RULEC_CID_NSUBSYS];

    BPF_CORE_READ_INTO(&ctgid, c, tgid);
    BPF_CORE_READ_INTO(&cpid, c, pid);
    if (ctgid != cpid)
        return 0; /* a thread: same tgid, same entry */
    BPF_CORE_READ_INTO(&ptgid, (struct task_struct___rulec_cache *)parent, tgid);
    pe = bpf_map_lookup_elem(&rulec_cid_cache, &ptgid);
    if (pe)
        __builtin_memcpy(&e, pe, sizeof(e));
    if (!pe || e.start != rulec_cache_start(parent)) {
        bpf_map_delete_elem(&rulec_cid_cache, &ctgid);
        return 0;
    }
    rulec_cache_cgroups(child, ids, NULL);
    for (int i = 0; i < RULEC_CID_NSUBSYS; i++) {
        if (ids[i] != e.cgroups[i]) {
            bpf_map_delete_elem(&rulec_cid_cache, &ctgid);
            return 0;
        }
    }
    e.start = rulec_cache_start(child);
    bpf_map_update_elem(&rulec_cid_cache, &ctgid, &e, BPF_ANY);
    return 0;
}

/* The last thread of a process exits: its tgid may be reused. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(rulec_cid_exit, struct task_struct *p)
{
    struct task_struct___rulec_cache *t = (void *)p;
    struct signal_struct___rulec_cache *sig = NULL;
    __u32 tgid = 0;
    int live = 1;

    BPF_CORE_READ_INTO(&sig, t, signal);
    if (!sig || BPF_CORE_READ_INTO(&live, sig, live.counter) || live != 0)
        return 0;
    BPF_CORE_READ_INTO(&tgid, t, tgid);
    bpf_map_delete_elem(&rulec_cid_cache, &tgid);
    return 0;
}

#endif /* RULEC_UNIT_RULES */

#endif
