/* rulec_fill_open.h - the slot fillers of the open family's own fields: fd.nameraw (the path
 * argument as passed) and evt.is_open_read/_write/_exec/_create (rulec_open.h). fd.name and
 * fd.typechar of an open are in rulec_fill_fd.h, with those of other fds. Verifier cost: a one-rule
 * policy on evt.is_open_write verifies in ~0.4k (rulec_open.h). */
#pragma once

#include "rulec_fill.h"
#include "rulec_open.h"

/* fd.nameraw: the open path argument exactly as passed. */
static __always_inline void rulec_fill_fd_nameraw(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    if (!rulec_is_open(cx->id)) {
        rulec_slot_status(h, RULEC_E_AMBIGUOUS);
        return;
    }
    struct rulec_open_args a;
    rulec_open_args(cx->id, cx->args, &a);
    rulec_slot_status(h, rulec_user_str(a.path, (char *)d));
}

#define RULEC_FILL_OPEN_FLAG(fn, test)                                                             \
    static __always_inline void fn(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,         \
                                   __u32 size, __u32 arg)                                          \
    {                                                                                              \
        struct rulec_open_args a;                                                                  \
        if (!rulec_is_open(cx->id)) {                                                              \
            rulec_slot_num(h, d, RULEC_E_NOENT, 0);                                                \
            return;                                                                                \
        }                                                                                          \
        rulec_open_args(cx->id, cx->args, &a);                                                     \
        rulec_slot_num(h, d, 0, (test));                                                           \
    }

RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_read, rulec_open_is_read(&a))
RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_write, rulec_open_is_write(&a))
RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_exec, rulec_open_is_exec(&a))
RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_create, rulec_open_is_create(cx->task, &a, cx->ret))
