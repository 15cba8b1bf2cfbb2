/* The part of every policy program that does not depend on the rules:
 * the maps, the sys_exit dispatcher, and the per-event begin/mark/submit
 * steps. Included by generated C after it defines struct rulec_event and
 * RULEC_MASK_WORDS. */
#ifndef RULEC_PROG_H
#define RULEC_PROG_H

/* Records to userspace. Only candidates cross, so 2 MiB holds about two
 * thousand records; `rulec run --ringbuf-size` resizes it before load (the
 * runtime maps it twice, so it counts double in resident memory). */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 2 * 1024 * 1024);
} rulec_events SEC(".maps");

/* The reserve: records with a candidate of priority Critical or above go here first, so that a
 * flood of a lower priority's matches, which fills rulec_events, cannot crowd them out. The
 * runtime reads it first in every turn of its loop. Only those rules' records use it, so a
 * small one holds a burst of them. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} rulec_events_hi SEC(".maps");

/* Matches whose record no ring buffer took, per rule (bit i of the masks): exact counts, which
 * the runtime turns into aggregate alerts. Written only when a record is lost. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, RULEC_NRULES);
    __type(key, __u32);
    __type(value, struct rulec_missed_count);
} rulec_missed SEC(".maps");

/* The same per rule and process, for the alerts to say for whom. An LRU map: bounded, and a
 * flood from many processes forgets the quietest first (their matches stay in rulec_missed). */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, RULEC_MISSED_PROCS);
    __type(key, struct rulec_missed_key);
    __type(value, struct rulec_missed_proc);
} rulec_missed_procs SEC(".maps");

/* The event being evaluated: too large for the 512-byte BPF stack, so one
 * per CPU in a map; its layout is the record's, so submitting is one copy. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_event);
} rulec_event_scratch SEC(".maps");

RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, RULEC_CNT_MAX);
    __type(key, __u32);
    __type(value, __u64);
} rulec_counters SEC(".maps");

/* Syscall number -> the program for its group of rules. Syscalls no rule
 * references have no entry: the tail call fails and the dispatcher returns. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, RULEC_MAX_SYSCALLS);
    __type(key, __u32);
    __type(value, __u32);
} rulec_syscalls SEC(".maps");

/* Entry 0: the capture program (rulec_capture), set by the runtime. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} rulec_capture_prog SEC(".maps");

/* Set by the runtime before load (it finds the variable by name in the object's BTF): its own
 * process, whose syscalls (reading the ring buffer, writing alerts) must never feed back into
 * the rules, whatever they say. The dispatcher is the only way into the rule programs (the
 * group and capture programs run by tail call from it), so its test covers them all; the
 * per-process cache programs (rulec_cache.h) keep state and send no records. */
#ifdef RULEC_UNIT_RULES
extern const volatile __u32 rulec_self_tgid;
#else
const volatile __u32 rulec_self_tgid = 0;
#endif

/* A profiling build (`rulec compile --profile`, RULEC_PROFILE): each slot fill, rule function,
 * program and the capture step adds its time and a call to its entry here; the runtime prints the
 * table (runtime/profile.c). Each timed region costs two bpf_ktime_get_ns() calls on top. */
#ifdef RULEC_PROFILE
struct rulec_prof_entry {
    __u64 ns;
    __u64 calls;
};

RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, RULEC_PROFILE_ENTRIES);
    __type(key, __u32);
    __type(value, struct rulec_prof_entry);
} rulec_profile SEC(".maps");

static __always_inline void rulec_prof_add(__u32 i, __u64 t0)
{
    struct rulec_prof_entry *v = bpf_map_lookup_elem(&rulec_profile, &i);
    if (v) {
        v->ns += bpf_ktime_get_ns() - t0;
        v->calls++;
    }
}
#define RULEC_PROF_START() __u64 rulec_prof_t0_ = bpf_ktime_get_ns()
#define RULEC_PROF_STOP(i) rulec_prof_add((i), rulec_prof_t0_)
#else
#define RULEC_PROF_START()                                                                         \
    do {                                                                                           \
    } while (0)
#define RULEC_PROF_STOP(i)                                                                         \
    do {                                                                                           \
    } while (0)
#endif

static __always_inline void rulec_count(__u32 counter)
{
    __u64 *v = bpf_map_lookup_elem(&rulec_counters, &counter);
    if (v)
        *v += 1;
}

#ifndef RULEC_UNIT_RULES
SEC("tp_btf/sys_exit")
int BPF_PROG(rulec_dispatch, struct pt_regs *regs, long ret)
{
    if ((bpf_get_current_pid_tgid() >> 32) == rulec_self_tgid)
        return 0;
    bpf_tail_call(ctx, &rulec_syscalls, (__u32)regs->orig_ax);
    return 0;
}
#endif

/* Starts an event: resets what the previous one left in this CPU's scratch
 * (the have and mask words only; slots are overwritten when filled). */
static __always_inline struct rulec_event *rulec_begin(struct rulec_cx *cx, struct pt_regs *regs,
                                                       long ret)
{
    __u32 zero = 0;
    struct rulec_event *e = bpf_map_lookup_elem(&rulec_event_scratch, &zero);
    if (!e)
        return 0;
    if (rulec_cx_init(cx, regs, ret) < 0)
        return 0;
    /* Falco's event model: an exec is seen when it succeeded, with the new
     * image's process fields; a failed exec (every PATH probe of execvp) is
     * no event. */
    if ((cx->id == RULEC_NR_EXECVE || cx->id == RULEC_NR_EXECVEAT) && ret < 0)
        return 0;
    for (int i = 0; i < RULEC_HAVE_WORDS; i++)
        e->hdr.have[i] = 0;
    for (int i = 0; i < RULEC_MASK_WORDS; i++) {
        e->mask[i] = 0;
        e->maybe[i] = 0;
    }
    for (int i = 0; i < RULEC_ATOM_WORDS; i++) {
        e->atom_have[i] = 0;
        e->atom_one[i] = 0;
        e->atom_two[i] = 0;
    }
    rulec_fill_header(cx, regs, &e->hdr);
#ifdef RULEC_USES_SOCKET
    rulec_event_socket_reset();
#endif
    rulec_count(RULEC_CNT_EVENTS);
    return e;
}

static __always_inline void rulec_mark(struct rulec_event *e, __u32 rule, int maybe)
{
    e->mask[rule / 64] |= 1ULL << (rule % 64);
    if (maybe)
        e->maybe[rule / 64] |= 1ULL << (rule % 64);
}

static __always_inline int rulec_any(struct rulec_event *e)
{
    __u64 any = 0;
    for (int i = 0; i < RULEC_MASK_WORDS; i++)
        any |= e->mask[i];
    return any != 0;
}

/* The record header with the task's ids filled (for atoms on them). */
static __always_inline struct rulec_event *rulec_ids(struct rulec_event *e)
{
    rulec_fill_ids(&e->hdr);
    return e;
}

#ifndef RULEC_UNIT_RULES
/* One match of rule `rule` that no ring buffer took: counted for the rule, then for the rule and
 * the process (in that order: the runtime reads the rules' counts first, so that the processes'
 * never fall behind them). A global function: the verifier checks it once, not once per rule. */
__noinline int rulec_missed_one(__u32 rule, __u32 maybe)
{
    struct rulec_missed_key k = {.rule = rule, .tgid = bpf_get_current_pid_tgid() >> 32};
    struct rulec_missed_count *c = bpf_map_lookup_elem(&rulec_missed, &rule);
    struct rulec_missed_proc *p;

    if (c) {
        if (maybe)
            c->maybe++;
        else
            c->definite++;
    }
    p = bpf_map_lookup_elem(&rulec_missed_procs, &k);
    if (!p) {
        struct rulec_missed_proc v = {.definite = !maybe, .maybe = !!maybe};

        bpf_get_current_comm(v.comm, sizeof(v.comm));
        if (bpf_map_update_elem(&rulec_missed_procs, &k, &v, BPF_NOEXIST) == 0)
            return 0;
        /* Another CPU made the entry meanwhile. */
        p = bpf_map_lookup_elem(&rulec_missed_procs, &k);
        if (!p)
            return 0;
    }
    if (maybe)
        __sync_fetch_and_add(&p->maybe, 1);
    else
        __sync_fetch_and_add(&p->definite, 1);
    return 0;
}
#endif

/* Generated (codegen.c): rulec_missed_one for each candidate of the event in the scratch. */
__noinline int rulec_missed_rules(void);

/* The record to userspace: to the reserve first when a candidate is of priority Critical or
 * above (`reserve`), else (or when the reserve is full) to rulec_events; when neither takes it,
 * its matches are counted instead. Everything here but the first output runs only for records
 * that are sent, so events that match nothing pay nothing for it. */
static __always_inline void rulec_submit(struct rulec_event *e, int reserve)
{
    rulec_fill_ids(&e->hdr);
    e->hdr.size = sizeof(*e);
    e->hdr.ts_boot_ns = bpf_ktime_get_boot_ns();
    if (reserve && bpf_ringbuf_output(&rulec_events_hi, e, sizeof(*e), 0) == 0) {
        rulec_count(RULEC_CNT_CANDIDATES);
        rulec_count(RULEC_CNT_RESERVED);
    } else if (bpf_ringbuf_output(&rulec_events, e, sizeof(*e), 0) == 0) {
        rulec_count(RULEC_CNT_CANDIDATES);
    } else {
        rulec_count(RULEC_CNT_LOST);
        rulec_missed_rules();
    }
}

/* A group program found candidates: the one capture program fills what
 * their residuals and outputs need and sends the record. Shared by all
 * groups, so the verifier checks the output fields' extractors once rather
 * than once per group. A tail call returns only when it fails, which it does
 * not here (the loader fills the entry, and the chain is two calls deep):
 * the lost counter says so if it ever did. Counting the candidates per rule
 * here too would put rulec_missed_rules into every group program, and the
 * verifier would check it once per program. */
#define RULEC_CAPTURE()                                                                            \
    do {                                                                                           \
        bpf_tail_call(ctx, &rulec_capture_prog, 0);                                                \
        rulec_count(RULEC_CNT_LOST);                                                               \
    } while (0)

/* Kleene NOT: yes and no swap, maybe stays maybe. */
static __always_inline int rulec_not3(int v)
{
    return v == 2 ? 2 : !v;
}

#endif
