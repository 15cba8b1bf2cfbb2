/* Host stand-in for compiler/bpf/rulec_prog.h: the per-CPU event is an
 * ordinary map the host lookup serves; begin/mark/any/submit keep the BPF
 * versions' semantics (reset the have, mask, maybe and atom words; drop a
 * failed exec) and report to the driver, which checks the choice of ring
 * buffer. Included by the generated C after
 * struct rulec_event. */
#ifndef RULEC_PROG_H
#define RULEC_PROG_H

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_event);
} rulec_event_scratch SEC(".maps");

/* For the driver: the layout it cannot see otherwise. */
const unsigned rulec_host_mask_words = RULEC_MASK_WORDS;
const unsigned rulec_host_atom_words = RULEC_ATOM_WORDS;
const size_t rulec_host_event_size = sizeof(struct rulec_event);

static __always_inline struct rulec_event *rulec_begin(struct rulec_cx *cx, struct pt_regs *regs,
                                                       long ret)
{
    (void)regs;
    __u32 zero = 0;
    struct rulec_event *e = bpf_map_lookup_elem(&rulec_event_scratch, &zero);
    if (!e)
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
    if (!rulec_host_begin(e, sizeof(*e), &e->hdr))
        return 0;
    cx->ret = e->hdr.ret;
    cx->id = e->hdr.evt_id;
    if ((cx->id == RULEC_NR_EXECVE || cx->id == RULEC_NR_EXECVEAT) && ret < 0)
        return 0;
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

/* The task's ids are filled by the host event already (the kernel fills
 * them lazily); atoms on them go through this accessor. */
static __always_inline struct rulec_event *rulec_ids(struct rulec_event *e)
{
    return e;
}

static __always_inline void rulec_submit(struct rulec_event *e, int reserve)
{
    e->hdr.size = sizeof(*e);
    rulec_host_submit(e, sizeof(*e), e->mask, e->maybe, RULEC_MASK_WORDS, reserve);
}

/* The host's ring buffer never fills: rulec_missed_rules (generated) has nothing to count. */
static __always_inline int rulec_missed_one(__u32 rule, __u32 maybe)
{
    (void)rule;
    (void)maybe;
    return 0;
}

/* The tail call to the capture program is a plain call here. */
int rulec_capture(struct pt_regs *regs, long ret);
#define RULEC_CAPTURE() rulec_capture(regs, ret)

static __always_inline int rulec_not3(int v)
{
    return v == 2 ? 2 : !v;
}

#endif
