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
#define RULEC_MAX_SYSCALLS 512
_Static_assert(RULEC_NR_MAX <= RULEC_MAX_SYSCALLS, "every syscall number has a table entry");
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, RULEC_MAX_SYSCALLS);
    __type(key, __u32);
    __type(value, __u32);
} rulec_syscalls SEC(".maps");

/* Set by the runtime before load: its own process, whose syscalls (reading
 * the ring buffer, writing alerts) must not feed back into the rules. */
/* Entry 0: the capture program (rulec_capture), set by the runtime. */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} rulec_capture_prog SEC(".maps");

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
    bpf_tail_call(ctx, &rulec_syscalls, rulec_regs_nr(regs));
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

static __always_inline void rulec_submit(struct rulec_event *e)
{
    rulec_fill_ids(&e->hdr);
    e->hdr.size = sizeof(*e);
    e->hdr.ts_boot_ns = bpf_ktime_get_boot_ns();
    if (bpf_ringbuf_output(&rulec_events, e, sizeof(*e), 0) == 0)
        rulec_count(RULEC_CNT_CANDIDATES);
    else
        rulec_count(RULEC_CNT_LOST);
}

/* A group program found candidates: the one capture program fills what
 * their residuals and outputs need and sends the record. Shared by all
 * groups, so the verifier checks the output fields' extractors once rather
 * than once per group. A tail call returns only when it fails. */
#define RULEC_CAPTURE()                                                                            \
    do {                                                                                           \
        bpf_tail_call(ctx, &rulec_capture_prog, 0);                                                \
        rulec_count(RULEC_CNT_LOST);                                                               \
    } while (0)

#endif
