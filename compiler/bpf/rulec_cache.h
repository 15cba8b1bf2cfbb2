/* rulec_cache.h - per-process state computed at exec and fork instead of at every event.
 *
 * container.id, as Falco (the container plugin) computes it: once per process, at clone and
 * execve, from the process's cgroups. Its matcher (rulec_cgroup.h) therefore runs in one program
 * only, on sched_process_exec (about 24k verified instructions on 6.18), and stores the result
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

#include "rulec_cgroup.h"

_Static_assert(RULEC_CID_LEN == RULEC_CONTAINER_ID_MAX, "container id buffer");
_Static_assert(RULEC_CID_TRUNCATED == RULEC_TRUNCATED, "truncation flag");
_Static_assert(RULEC_CID_NSUBSYS == RULEC_CGROUP_NSUBSYS, "cgroup subsystems");

/* Sized by the runtime before load (runtime/loader.c: four times the processes running);
 * LRU, so that a full map forgets old entries (a later miss is "maybe") instead of refusing new
 * ones. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, RULEC_CID_CACHE_DEFAULT);
    __type(key, __u32);
    __type(value, struct rulec_cid_entry);
} rulec_cid_cache SEC(".maps");

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
    if (v.start != rulec_task_start_ticks(cx->task)) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    /* Every writer zero-pads the id (rulec_cgroup_container_id, runtime/cid_cache.c), as the word
     * compares and set keys on the slot need. */
    __builtin_memcpy(d, v.id, RULEC_CID_LEN);
    d[RULEC_CID_LEN - 1] = 0;
    rulec_slot_status(h, v.status);
}

/* The exec program's working memory: the matcher's, and the entry it stores. */
struct rulec_cid_work {
    struct rulec_cgroup_work m;
    struct rulec_cid_entry e;
};

RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_cid_work);
} rulec_cid_work SEC(".maps");

#ifndef RULEC_UNIT_RULES /* the programs: in the first unit only */
RULEC_CGROUP_ID_AT()

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
    rulec_task_cgroups(p, w->e.cgroups, kns);
    w->e.status = rulec_cgroup_container_id(&w->m, kns);
    __builtin_memcpy(w->e.id, w->m.id, RULEC_CID_LEN);
    w->e.start = rulec_task_start_ticks(p);
    bpf_map_update_elem(&rulec_cid_cache, &tgid, &w->e, BPF_ANY);
    return 0;
}

/* A new process (not a thread) inherits its parent's entry when it is in the cgroups that
 * entry was computed from: Falco would compute the same id from the same cgroups. Otherwise
 * (the parent moved after its exec, or clone3 put the child in other cgroups) it gets none. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(rulec_cid_fork, struct task_struct *parent, struct task_struct *child)
{
    struct task_struct___rulec_life *c = (void *)child;
    struct rulec_cid_entry e;
    struct rulec_cid_entry *pe;
    __u32 ptgid = 0, ctgid = 0, cpid = 0;
    __u64 ids[RULEC_CID_NSUBSYS];

    BPF_CORE_READ_INTO(&ctgid, c, tgid);
    BPF_CORE_READ_INTO(&cpid, c, pid);
    if (ctgid != cpid)
        return 0; /* a thread: same tgid, same entry */
    BPF_CORE_READ_INTO(&ptgid, (struct task_struct___rulec_life *)parent, tgid);
    pe = bpf_map_lookup_elem(&rulec_cid_cache, &ptgid);
    if (pe)
        __builtin_memcpy(&e, pe, sizeof(e));
    if (!pe || e.start != rulec_task_start_ticks(parent)) {
        bpf_map_delete_elem(&rulec_cid_cache, &ctgid);
        return 0;
    }
    rulec_task_cgroups(child, ids, NULL);
    for (int i = 0; i < RULEC_CID_NSUBSYS; i++) {
        if (ids[i] != e.cgroups[i]) {
            bpf_map_delete_elem(&rulec_cid_cache, &ctgid);
            return 0;
        }
    }
    e.start = rulec_task_start_ticks(child);
    bpf_map_update_elem(&rulec_cid_cache, &ctgid, &e, BPF_ANY);
    return 0;
}

/* The last thread of a process exits: its tgid may be reused. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(rulec_cid_exit, struct task_struct *p)
{
    struct task_struct___rulec_life *t = (void *)p;
    struct signal_struct___rulec_life *sig = NULL;
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
