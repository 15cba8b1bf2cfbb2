/* rulec_args.h - a syscall's arguments at sys_exit: its number, its argument registers (one map
 * per ABI, x86_64 and ia32), and what string and socket address arguments point to in user
 * memory (evt.arg.NAME of a path or name, fd.nameraw, the address of connect, bind, sendto).
 *
 * Verifier cost: the registers are plain loads, a few instructions each; a string argument is
 * one bpf_probe_read_user_str and a sockaddr at most three user reads, under 100 instructions
 * each alone. */
#pragma once

#include "rulec_base.h"
#include "rulec_nr.h"

/* ---- registers -------------------------------------------------------------------------------
 *
 * At sys_exit the programs get the tp_btf tracepoint's trusted pointer to struct pt_regs: its
 * members are plain loads, not probe reads (this runs for every hooked syscall). The kernel does
 * not clobber the argument registers on the way out, so they still hold what the caller passed.
 * Each ABI maps an argument index to its own registers: the one place each map is written. */

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

/* ---- string arguments ------------------------------------------------------------------------ */

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

/* ---- socket address arguments (connect, bind, sendto) -----------------------------------------
 */

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
