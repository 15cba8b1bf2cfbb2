/* rulec_fill.h - what every slot filler shares: the event's context (struct rulec_cx), rebuilt
 * from the per-CPU event by each filler, the record header, the extractor's status turned into
 * a slot status, and which fd the event is about. The fillers are in rulec_fill_task.h,
 * rulec_fill_open.h, rulec_fill_sock.h, rulec_fill_fd.h, rulec_task_state.h and rulec_fill_args.h
 * (the event's own arguments, evt.arg.NAME); rulec_fields.h includes them all. Verifier cost: each
 * slot filler is a global function of its own (the generated rulec_slotN), so the verifier checks
 * it once per program that calls it; the context and status add under 100 instructions to the
 * extractor's cost (given in its header). */
#pragma once

#include <bpf/bpf_tracing.h>

#include "rulec_abi.h"
#include "rulec_args.h"
#include "rulec_task.h"

/* What a filler knows about its event. Rules and fillers are global BPF
 * functions (each verified once, whatever the number of rules calling
 * them), so they rebuild this from the per-CPU event, not from registers. */
struct rulec_cx {
    long ret;
    __u32 id;          /* syscall number (evt.type) */
    const __u64 *args; /* the record header's six arguments (not a copy: stack is scarce) */
    struct task_struct *task;
    struct rulec_scratch *s; /* path assembly space */
};

RULEC_SCRATCH_MAP(rulec_kscratch);

/* Returns -1 for events rulec does not evaluate: ia32 (compat) syscalls,
 * whose numbers and registers differ. */
static __always_inline int rulec_cx_init(struct rulec_cx *cx, struct pt_regs *regs, long ret)
{
    cx->ret = ret;
    cx->task = rulec_current();
    if (rulec_in_ia32_syscall(cx->task))
        return -1;
    cx->id = rulec_regs_nr(regs);
    cx->args = 0;
    cx->s = 0;
    return 0;
}

/* What every record carries and is cheap: the event and the syscall's
 * arguments. The task's ids cost several kernel reads: rulec_fill_ids
 * fills them when a rule asks or a record is sent. */
static __always_inline void rulec_fill_header(struct rulec_cx *cx, struct pt_regs *regs,
                                              struct rulec_record_hdr *h)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();

    h->evt_id = cx->id;
    h->ret = cx->ret;
    h->flags = 0;
    for (int i = 0; i < 6; i++)
        h->args[i] = rulec_regs_arg(regs, i);
    h->pid = pid_tgid >> 32;
    h->tid = (__u32)pid_tgid;
}

static __always_inline void rulec_fill_ids(struct rulec_record_hdr *h)
{
    if (h->flags & RULEC_HDR_IDS)
        return;
    struct task_struct *task = rulec_current();
    __u32 v = 0;
    long ppid = rulec_task_ppid(task);
    h->ppid = ppid < 0 ? 0 : (__u32)ppid;
    h->uid = rulec_task_euid(task, &v) < 0 ? 0 : v;
    h->gid = rulec_task_egid(task, &v) < 0 ? 0 : v;
    h->loginuid = rulec_task_loginuid(task, &v) < 0 ? (__u32)-1 : v;
    h->flags |= RULEC_HDR_IDS;
}

/* An extractor's status as a slot status: a missing value is Falco's <NA>
 * (comparisons false); a failed or ambiguous read is "maybe". */
static __always_inline void rulec_slot_status(struct rulec_slot_hdr *h, long st)
{
    h->hashed = 0;
    if (st >= 0) {
        h->len = (__u16)rulec_len(st);
        h->status = rulec_truncated(st) ? RULEC_SLOT_TRUNCATED : RULEC_SLOT_OK;
    } else {
        h->len = 0;
        h->status =
            (st == RULEC_E_NOENT || st == RULEC_E_INVAL) ? RULEC_SLOT_NONE : RULEC_SLOT_ERROR;
    }
}

static __always_inline void rulec_slot_num(struct rulec_slot_hdr *h, __u8 *d, long st, __s64 v)
{
    rulec_slot_status(h, st);
    if (st >= 0) {
        h->len = 8;
        *(__s64 *)d = v;
    }
}

static __always_inline void rulec_cx_load(struct rulec_cx *cx, const struct rulec_record_hdr *h)
{
    cx->ret = h->ret;
    cx->id = h->evt_id;
    cx->args = h->args;
    cx->task = rulec_current();
    cx->s = rulec_scratch_get(&rulec_kscratch);
}

static __always_inline bool rulec_is_open(__u32 id)
{
    return id == RULEC_NR_OPEN || id == RULEC_NR_OPENAT || id == RULEC_NR_OPENAT2 ||
           id == RULEC_NR_CREAT;
}

/* The fd an event is about, as Falco attributes it: the new fd for the
 * syscalls that return one, the first argument for those that act on one.
 * -1: the event has no fd (fd.* fields are <NA>); -2: it had one but the
 * kernel cannot see it any more (close): "maybe". */
static __always_inline long rulec_event_fd(struct rulec_cx *cx)
{
    switch (cx->id) {
    case RULEC_NR_OPEN:
    case RULEC_NR_OPENAT:
    case RULEC_NR_OPENAT2:
    case RULEC_NR_CREAT:
    case RULEC_NR_SOCKET:
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
    case RULEC_NR_DUP:
    case RULEC_NR_DUP2:
    case RULEC_NR_DUP3:
        return cx->ret >= 0 ? cx->ret : -1;
    case RULEC_NR_CLOSE:
        return -2;
    case RULEC_NR_READ:
    case RULEC_NR_WRITE:
    case RULEC_NR_FSTAT:
    case RULEC_NR_IOCTL:
    case RULEC_NR_PREAD64:
    case RULEC_NR_PWRITE64:
    case RULEC_NR_READV:
    case RULEC_NR_WRITEV:
    case RULEC_NR_SENDFILE:
    case RULEC_NR_CONNECT:
    case RULEC_NR_SENDTO:
    case RULEC_NR_RECVFROM:
    case RULEC_NR_SENDMSG:
    case RULEC_NR_RECVMSG:
    case RULEC_NR_SHUTDOWN:
    case RULEC_NR_BIND:
    case RULEC_NR_LISTEN:
    case RULEC_NR_GETSOCKNAME:
    case RULEC_NR_GETPEERNAME:
    case RULEC_NR_SETSOCKOPT:
    case RULEC_NR_GETSOCKOPT:
    case RULEC_NR_FCNTL:
    case RULEC_NR_FLOCK:
    case RULEC_NR_FSYNC:
    case RULEC_NR_FTRUNCATE:
    case RULEC_NR_FCHDIR:
    case RULEC_NR_FCHMOD:
    case RULEC_NR_FCHOWN:
        return (long)(int)cx->args[0];
    case RULEC_NR_MMAP:
        return (long)(int)cx->args[4];
    default:
        return -1;
    }
}

/* The syscalls that return a new fd (the first group of rulec_event_fd). */
static __always_inline bool rulec__creates_fd(__u32 id)
{
    switch (id) {
    case RULEC_NR_OPEN:
    case RULEC_NR_OPENAT:
    case RULEC_NR_OPENAT2:
    case RULEC_NR_CREAT:
    case RULEC_NR_SOCKET:
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
    case RULEC_NR_DUP:
    case RULEC_NR_DUP2:
    case RULEC_NR_DUP3:
        return true;
    default:
        return false;
    }
}

/* True for the syscalls whose event is about an fd (libsinsp's EF_CREATES_FD, EF_USES_FD and
 * EF_DESTROYS_FD events among those rulec_event_fd knows): their fd.num is the fd, -1 when the
 * syscall failed to create one; other events have no fd.num. */
static __always_inline bool rulec_fd_event(struct rulec_cx *cx)
{
    return rulec_event_fd(cx) != -1 || rulec__creates_fd(cx->id);
}

/* evt.cpu: the CPU running the program (the record header gets it when the record is sent). */
static __always_inline void rulec_fill_evt_cpu(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                               __u8 *d, __u32 size, __u32 arg)
{
    rulec_slot_num(h, d, 0, bpf_get_smp_processor_id());
}
