/* rulec_fill_task.h - the slot fillers of the process fields: proc.name, proc.pname,
 * proc.aname[n], proc.apid[n], proc.vpid, proc.tty (rulec_task.h), proc.exe, proc.args,
 * proc.cmdline (rulec_proc.h), proc.exepath, proc.cwd (rulec_paths.h). container.id's filler
 * reads the per-process cache (rulec_cache.h). Verifier cost: the extractors' (rulec_task.h,
 * rulec_proc.h, rulec_paths.h give them). */
#pragma once

#include "rulec_fill.h"
#include "rulec_paths.h"
#include "rulec_proc.h"

static __always_inline void rulec_fill_proc_name(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_COMM_LEN);
    rulec_slot_status(h, rulec_task_comm(cx->task, (char *)d));
}

static __always_inline void rulec_fill_proc_pname(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_COMM_LEN);
    rulec_slot_status(h, rulec_task_pname(cx->task, (char *)d));
}

static __always_inline void rulec_fill_proc_aname(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 n)
{
    __builtin_memset(d, 0, RULEC_COMM_LEN);
    rulec_slot_status(h, rulec_task_aname(cx->task, n, (char *)d));
}

static __always_inline void rulec_fill_proc_apid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 n)
{
    long st = rulec_task_apid(cx->task, n);
    rulec_slot_num(h, d, st, st);
}

static __always_inline void rulec_fill_proc_vpid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 arg)
{
    long st = rulec_task_vpid(cx->task);
    rulec_slot_num(h, d, st, st);
}

static __always_inline void rulec_fill_proc_tty(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                __u8 *d, __u32 size, __u32 arg)
{
    __u32 tty = 0;
    long st = rulec_task_tty(cx->task, &tty);
    rulec_slot_num(h, d, st, tty);
}

/* ---- process memory and paths ---------------------------------------------------------- */

static __always_inline void rulec_fill_proc_exe(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    rulec_slot_status(h, rulec_proc_exe(cx->task, (char *)d));
}

#define RULEC_FILL_WITH_SCRATCH(fn, extract)                                                       \
    static __always_inline void fn(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,         \
                                   __u32 size, __u32 arg)                                          \
    {                                                                                              \
        __builtin_memset(d, 0, RULEC_PATH_MAX);                                                    \
        if (!cx->s) {                                                                              \
            rulec_slot_status(h, RULEC_E_FAULT);                                                   \
            return;                                                                                \
        }                                                                                          \
        rulec_slot_status(h, extract(cx->s, cx->task, (char *)d));                                 \
    }

RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_args, rulec_proc_args)
RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_cmdline, rulec_proc_cmdline)
RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_exepath, rulec_proc_exepath)
RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_cwd, rulec_proc_cwd)
