/* rulec_fill_args.h - the slot fillers of the event's own arguments, evt.arg.NAME: a string the
 * syscall points to, a register, or a value in the syscall's memory the kernel decodes (openat2's
 * flags, rulec_open.h) or computes (execve's executable flags, rulec_task_state.h). Verifier
 * cost: a register is a load; a string < 100 instructions (rulec_args.h); the open decoding and
 * the executable flags as their headers say. */
#pragma once

#include "rulec_fill.h"
#include "rulec_open.h"
#include "rulec_task_state.h"

/* evt.arg.NAME of a string argument (a path, a name): arg is the register
 * holding it for this syscall, 6 when the syscall has no such argument
 * (Falco's <NA>). Read as passed, relative paths included, as Falco shows
 * them. */
static __always_inline void rulec_fill_evt_arg_str(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                   __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    if (arg >= 6) {
        rulec_slot_status(h, RULEC_E_NOENT);
        return;
    }
    rulec_slot_status(h, rulec_user_str(cx->args[arg], (char *)d));
}

/* evt.arg.NAME of any other argument: its register (arg as above), or the value the kernel reads
 * for an argument in the syscall's memory (core/rulec_abi.h: openat2's flags in struct open_how,
 * execve's executable flags); codegen turns the rule's comparison with Falco's text into bit
 * tests (core/sysargs.c, sysarg_terms). */
static __always_inline void rulec_fill_evt_arg_reg(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                   __u8 *d, __u32 size, __u32 arg)
{
    *(__u64 *)d = 0;
    if (arg == RULEC_ARG_OPEN_HOW_FLAGS) {
        struct rulec_open_args a;
        long st = rulec_open_args(cx->id, cx->args, &a);
        rulec_slot_num(h, d, st, a.flags);
        return;
    }
    if (arg == RULEC_ARG_EXE_FLAGS) {
        __u32 flags = 0;
        long st = rulec_task_exe_flags(cx->task, &flags);
        rulec_slot_num(h, d, st, flags);
        return;
    }
    if (arg >= 6) {
        rulec_slot_status(h, RULEC_E_NOENT);
        return;
    }
    rulec_slot_num(h, d, 0, (__s64)cx->args[arg]);
}
