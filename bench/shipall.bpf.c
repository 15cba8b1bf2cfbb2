/* The ship-everything reference: a lower bound of Falco's design. One program on the raw
 * sys_exit tracepoint copies every syscall exit (pid, tid, syscall number, return value, the
 * six arguments, a timestamp) into a ring buffer; userspace (shipall.c) drains it and would
 * evaluate every rule there. Nothing is filtered in the kernel but the consumer's own pid. */
#include "rulec_types.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "shipall.h"

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 * 1024 * 1024);
} shipall_rb SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SHIPALL_CNT_MAX);
    __type(key, __u32);
    __type(value, __u64);
} shipall_cnt SEC(".maps");

const volatile __u32 shipall_self_tgid = 0;

static __always_inline void count(__u32 c)
{
    __u64 *v = bpf_map_lookup_elem(&shipall_cnt, &c);
    if (v)
        *v += 1;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(shipall_exit, struct pt_regs *regs, long ret)
{
    (void)ctx;
    __u64 id = bpf_get_current_pid_tgid();
    if ((__u32)(id >> 32) == shipall_self_tgid)
        return 0;
    struct shipall_rec *r = bpf_ringbuf_reserve(&shipall_rb, sizeof(*r), 0);
    if (!r) {
        count(SHIPALL_CNT_LOST);
        return 0;
    }
    r->pid = id >> 32;
    r->tid = (__u32)id;
    r->nr = BPF_CORE_READ(regs, orig_ax);
    r->ret = ret;
    r->args[0] = BPF_CORE_READ(regs, di);
    r->args[1] = BPF_CORE_READ(regs, si);
    r->args[2] = BPF_CORE_READ(regs, dx);
    r->args[3] = BPF_CORE_READ(regs, r10);
    r->args[4] = BPF_CORE_READ(regs, r8);
    r->args[5] = BPF_CORE_READ(regs, r9);
    r->ts = bpf_ktime_get_ns();
    bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP); /* as Falco's modern probe: the consumer polls */
    count(SHIPALL_CNT_SENT);
    return 0;
}

/* The floor of any sys_exit hook (shipall --empty): attached, does nothing. What it costs is
 * what the tracepoint itself costs every syscall, whatever the program does. */
SEC("tp_btf/sys_exit")
int BPF_PROG(shipall_empty, struct pt_regs *regs, long ret)
{
    (void)ctx;
    (void)regs;
    (void)ret;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
