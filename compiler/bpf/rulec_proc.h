/* rulec_proc.h - the process's argument area: proc.exe (argv[0]), proc.args (argv[1..] joined),
 * proc.cmdline (proc.name and the arguments). bpf_probe_read_user reads the CURRENT task's
 * memory, so these work for the current task only.
 *
 * Verifier cost (see rulec_base.h): a one-rule policy verifies in ~0.6k (proc.exe), ~0.7k
 * (proc.args) or ~0.75k (proc.cmdline); alone with bounded loops, proc.exe < 100, proc.args
 * ~10k and proc.cmdline ~19k: the join is a loop over RULEC_PATH_MAX bytes. */
#pragma once

#include "rulec_task.h"

#define RULEC_ARGS_MAX RULEC_PATH_MAX    /* proc.args */
#define RULEC_CMDLINE_MAX RULEC_PATH_MAX /* proc.cmdline */

/* proc.exe: argv[0] as the process received it (not a path lookup). */
static __always_inline long rulec_proc_exe(struct task_struct *task, char out[RULEC_PATH_MAX])
{
    unsigned long start = 0;
    char next = 0;
    long n;

    out[0] = 0;
    if (BPF_CORE_READ_INTO(&start, task, mm, arg_start))
        return RULEC_E_FAULT;
    if (!start)
        return RULEC_E_NOENT;
    n = bpf_probe_read_user_str(out, RULEC_PATH_MAX, (const void *)start);
    if (n <= 0) {
        out[0] = 0;
        return RULEC_E_FAULT;
    }
    if (n < RULEC_PATH_MAX)
        return n - 1;
    /* The buffer filled up: complete only if the string ends exactly there. */
    if (bpf_probe_read_user(&next, 1, (const void *)(start + RULEC_PATH_MAX - 1)) == 0 && next == 0)
        return n - 1;
    return (n - 1) | RULEC_TRUNCATED;
}

/* Locates argv[1..] in the task's argument area: *astart is where it begins, the return value is
 * its length in bytes including the final NUL (0 when there are no arguments). */
static __always_inline long rulec__args_area(struct rulec_scratch *s, struct task_struct *task,
                                             unsigned long *astart)
{
    unsigned long start = 0, end = 0;
    long n;

    if (BPF_CORE_READ_INTO(&start, task, mm, arg_start) ||
        BPF_CORE_READ_INTO(&end, task, mm, arg_end))
        return RULEC_E_FAULT;
    if (!start || end <= start)
        return RULEC_E_NOENT;
    /* argv[0]'s length, read into scratch: it can be longer than any output buffer. */
    n = bpf_probe_read_user_str(s->path, sizeof(s->path), (const void *)start);
    if (n <= 0)
        return RULEC_E_FAULT;
    if (n == sizeof(s->path))
        return RULEC_E_TOOLONG;
    *astart = start + n;
    return end > *astart ? (long)(end - *astart) : 0;
}

/* rulec__join_args' separators (RULEC_LOOP): the NUL at buf[off + i] becomes a space. Both
 * argument buffers are RULEC_PATH_MAX bytes, the bound the step masks with. */
_Static_assert(RULEC_ARGS_MAX == RULEC_PATH_MAX && RULEC_CMDLINE_MAX == RULEC_PATH_MAX,
               "the argument buffers are RULEC_PATH_MAX bytes");
struct rulec_spaces {
    char *buf;
    __u32 off, copy;
};

static long rulec__space_step(__u32 i, void *ctx)
{
    struct rulec_spaces *sp = ctx;
    __u32 k = (sp->off + i) & (RULEC_PATH_MAX - 1);

    if (i >= sp->copy)
        return 1;
    if (sp->buf[k] == 0)
        sp->buf[k] = ' ';
    return 0;
}

/* Copies an argument area (NUL-separated strings) to buf at off (off <= maxoff, a constant),
 * turning the separators into spaces; returns the string length, with RULEC_TRUNCATED if it did
 * not fit. The copy is capped at bufsz - 1 - maxoff bytes so that the verifier can bound
 * off + size without relating the two. */
static __always_inline long rulec__join_args(char *buf, __u32 bufsz, __u32 off, __u32 maxoff,
                                             unsigned long astart, long alen)
{
    __u32 copy;
    bool trunc = false;

    if (alen <= 0) {
        buf[off & (bufsz - 1)] = 0;
        return off;
    }
    /* The area ends with the last argument's NUL, which is not part of the string. */
    copy = (__u32)alen - 1;
    if (copy > bufsz - 1 - maxoff) {
        copy = bufsz - 1 - maxoff;
        trunc = true;
    }
    RULEC_OPAQUE(copy);
    copy &= bufsz - 1;
    if (copy > 0 &&
        bpf_probe_read_user(&buf[off & (bufsz - 1)], copy & (bufsz - 1), (const void *)astart)) {
        buf[0] = 0;
        return RULEC_E_FAULT;
    }
    struct rulec_spaces sp = {.buf = buf, .off = off, .copy = copy};
    RULEC_LOOP(RULEC_PATH_MAX - 1, rulec__space_step, &sp);
    buf[(off + copy) & (bufsz - 1)] = 0;
    return (long)(off + copy) | (trunc ? RULEC_TRUNCATED : 0);
}

/* proc.args: argv[1..] joined with single spaces (Falco's populate_args). */
static __always_inline long rulec_proc_args(struct rulec_scratch *s, struct task_struct *task,
                                            char out[RULEC_ARGS_MAX])
{
    unsigned long astart = 0;
    long alen = rulec__args_area(s, task, &astart);

    out[0] = 0;
    if (alen < 0)
        return alen;
    return rulec__join_args(out, RULEC_ARGS_MAX, 0, 0, astart, alen);
}

/* proc.cmdline: proc.name, then " " and each argument (Falco's populate_cmdline): "true a b". A
 * process run with one empty argument gives "true " and one without arguments "true". */
static __always_inline long rulec_proc_cmdline(struct rulec_scratch *s, struct task_struct *task,
                                               char out[RULEC_CMDLINE_MAX])
{
    unsigned long astart = 0;
    long clen, alen;

    _Static_assert(RULEC_CMDLINE_MAX > RULEC_COMM_LEN + 1, "cmdline holds the comm");
    clen = rulec_task_comm(task, out);
    if (clen < 0)
        return clen;
    alen = rulec__args_area(s, task, &astart);
    if (alen < 0) {
        out[0] = 0;
        return alen;
    }
    if (alen == 0)
        return clen;
    clen &= RULEC_COMM_LEN - 1;
    out[clen] = ' ';
    return rulec__join_args(out, RULEC_CMDLINE_MAX, clen + 1, RULEC_COMM_LEN, astart, alen);
}
