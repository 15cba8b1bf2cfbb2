/* rulec_open.h - the open family (open, openat, openat2, creat): its arguments, the
 * evt.is_open_read/_write/_exec/_create flags, the fd.typechar Falco gives the new fd, and
 * fd.name as Falco computes it for an open: the path argument joined to the cwd or the dirfd's
 * path and normalised lexically.
 *
 * Verifier cost (see rulec_base.h): a one-rule policy on evt.is_open_write verifies in ~0.4k,
 * on fd.name ~17.6k and on fd.directory ~20.8k (their fillers in rulec_fields.h cover opens,
 * other fds and sockets, and first try an open's argument as is with a word-at-a-time scan,
 * rulec_words.h). Alone with bounded loops, rulec_open_fd_name costs ~58k: the normalisation
 * loops over RULEC_PATH_MAX bytes and RULEC_NORM_COMPONENTS components, plus the cwd or the
 * dirfd's path. */
#pragma once

#include "rulec_args.h"
#include "rulec_fd.h"

/* The arguments of open, openat, openat2 and creat. */
struct rulec_open_args {
    long dirfd;         /* RULEC_AT_FDCWD for open and creat */
    unsigned long path; /* user pointer to the path argument */
    __u32 flags;        /* raw O_* flags as passed (creat: none, see rulec_open_is_*) */
    __u32 mode;         /* raw mode argument */
    bool creat;         /* the syscall was creat() */
};

/* Decodes the open family from the syscall number and its six arguments (the record header's
 * copy of the registers, rulec_regs_arg); RULEC_E_INVAL for other syscalls. */
static __always_inline long rulec_open_args(__u32 nr, const __u64 *args,
                                            struct rulec_open_args *out)
{
    struct rulec_open_how how = {};

    __builtin_memset(out, 0, sizeof(*out));
    out->dirfd = RULEC_AT_FDCWD;
    switch (nr) {
    case RULEC_NR_OPEN:
        out->path = args[0];
        out->flags = args[1];
        out->mode = args[2];
        return 0;
    case RULEC_NR_CREAT:
        out->path = args[0];
        out->mode = args[1];
        out->creat = true;
        return 0;
    case RULEC_NR_OPENAT:
        out->dirfd = (int)args[0];
        out->path = args[1];
        out->flags = args[2];
        out->mode = args[3];
        return 0;
    case RULEC_NR_OPENAT2:
        out->dirfd = (int)args[0];
        out->path = args[1];
        if (bpf_probe_read_user(&how, sizeof(how), (const void *)args[2]))
            return RULEC_E_FAULT;
        out->flags = how.flags;
        out->mode = how.mode;
        return 0;
    }
    return RULEC_E_INVAL;
}

/* evt.is_open_read: Falco maps O_RDONLY and O_RDWR (and the invalid access mode 3) to a "read"
 * bit. Always false for creat, which Falco leaves out of the is_open_* fields. */
static __always_inline bool rulec_open_is_read(const struct rulec_open_args *a)
{
    return !a->creat && (a->flags & RULEC_O_ACCMODE) != RULEC_O_WRONLY;
}

/* evt.is_open_write: O_WRONLY or O_RDWR; false for creat (see above). */
static __always_inline bool rulec_open_is_write(const struct rulec_open_args *a)
{
    __u32 acc = a->flags & RULEC_O_ACCMODE;

    return !a->creat && (acc == RULEC_O_WRONLY || acc == RULEC_O_RDWR);
}

/* evt.is_open_exec: a file created with an execute bit in its mode. Falco tests the flags with
 * the whole O_TMPFILE mask, which includes O_DIRECTORY, so an O_DIRECTORY open with stray mode
 * bits counts too; creat always passes the test. (Not FMODE_EXEC: that is execve's own open.) */
static __always_inline bool rulec_open_is_exec(const struct rulec_open_args *a)
{
    if (!a->creat && !(a->flags & (RULEC_O_CREAT | RULEC_O_TMPFILE)))
        return false;
    return a->mode & RULEC_S_IXUGO;
}

/* PPM_O_F_CREATED: the open created the file (FMODE_CREATED on the new fd). */
static __always_inline bool rulec_open_fmode_created(struct task_struct *task, long ret)
{
    struct file *f;
    unsigned int fmode = 0;

    if (ret < 0)
        return false;
    f = rulec_fd_file(task, ret);
    if (!f || BPF_CORE_READ_INTO(&fmode, f, f_mode))
        return false;
    return fmode & RULEC_FMODE_CREATED;
}

/* evt.is_open_create: the open created the file (FMODE_CREATED on the new fd), or it used
 * O_TMPFILE's mask (again including plain O_DIRECTORY, as Falco does) and succeeded. False for
 * creat, as in Falco. */
static __always_inline bool rulec_open_is_create(struct task_struct *task,
                                                 const struct rulec_open_args *a, long ret)
{
    if (a->creat || ret < 0)
        return false;
    if (a->flags & RULEC_O_TMPFILE)
        return true;
    return rulec_open_fmode_created(task, ret);
}

/* fd.typechar of an fd the open family created: Falco types it from the flags alone. */
static __always_inline char rulec_open_typechar(const struct rulec_open_args *a)
{
    return (a->flags & RULEC_O_DIRECTORY) ? RULEC_FD_DIRECTORY : RULEC_FD_FILE;
}

/* One path component raw[pc, end) of the normalisation below: "" and "." vanish, ".." drops the
 * last output component (never the first '/'), a name is appended with a '/' after it. The
 * output s->path always ends with '/'; s->slash holds the positions of its '/'s. The state lives
 * in the scratch map (see the header comment). Returns 1 on overflow. */
static __always_inline int rulec__norm_component(struct rulec_scratch *s, __u32 end)
{
    __u32 cs = RULEC_MEM(s->pc), tc = RULEC_MEM(s->tc), len, sp;

    len = end - cs;
    if (len == 0 || (len == 1 && s->raw[cs & (RULEC_PATH_MAX - 1)] == '.'))
        return 0;
    if (len == 2 && s->raw[cs & (RULEC_PATH_MAX - 1)] == '.' &&
        s->raw[(cs + 1) & (RULEC_PATH_MAX - 1)] == '.') {
        if (tc > 1) {
            sp = RULEC_MEM(s->sp);
            sp = sp > 0 ? sp - 1 : 0; /* pop the '/' at tc - 1 */
            RULEC_MEM(s->sp) = sp;
            RULEC_MEM(s->tc) = sp > 0 ? s->slash[(sp - 1) & (RULEC_PATH_MAX - 1)] + 1 : 0;
        }
        return 0;
    }
    if (tc + len + 1 >= RULEC_PATH_MAX)
        return 1;
    RULEC_OPAQUE(len);
    if (bpf_probe_read_kernel(&s->path[tc & (RULEC_PATH_MAX - 1)], len & (RULEC_PATH_MAX - 1),
                              &s->raw[cs & (RULEC_PATH_MAX - 1)]))
        return 1;
    tc += len;
    s->path[tc & (RULEC_PATH_MAX - 1)] = '/';
    sp = RULEC_MEM(s->sp);
    s->slash[sp & (RULEC_PATH_MAX - 1)] = tc;
    RULEC_MEM(s->sp) = sp + 1;
    RULEC_MEM(s->tc) = tc + 1;
    return 0;
}

/* rulec_open_fd_name's loop steps (RULEC_LOOP). The positions of the base's '/'s: */
static long rulec__slash_step(__u32 i, void *ctx)
{
    struct rulec_scratch *s = ((struct rulec_loop_ctx *)ctx)->s;
    __u32 sp;

    if (i >= RULEC_MEM(s->tc))
        return 1;
    if (s->path[i & (RULEC_PATH_MAX - 1)] != '/')
        return 0;
    sp = RULEC_MEM(s->sp);
    s->slash[sp & (RULEC_PATH_MAX - 1)] = i;
    RULEC_MEM(s->sp) = sp + 1;
    return 0;
}

/* The ends of the argument's components: */
static long rulec__bound_step(__u32 i, void *ctx)
{
    struct rulec_scratch *s = ((struct rulec_loop_ctx *)ctx)->s;
    char c = s->raw[i & (RULEC_PATH_MAX - 1)];
    __u32 nb;

    if (c != '/' && c != 0)
        return 0;
    nb = RULEC_MEM(s->nb);
    s->bound[nb & (RULEC_NORM_COMPONENTS - 1)] = i;
    RULEC_MEM(s->nb) = nb + 1;
    return c == 0 || nb + 1 >= RULEC_NORM_COMPONENTS;
}

/* One component applied: */
static long rulec__component_step(__u32 j, void *ctx)
{
    struct rulec_loop_ctx *lc = ctx;
    struct rulec_scratch *s = lc->s;
    __u32 end;

    if (j >= RULEC_MEM(s->nb))
        return 1;
    end = s->bound[j & (RULEC_NORM_COMPONENTS - 1)];
    if (rulec__norm_component(s, end)) {
        lc->ret = RULEC_E_TOOLONG;
        return 1;
    }
    RULEC_MEM(s->pc) = end + 1;
    return 0;
}

/* fd.name for the open family as Falco computes it: the path argument (in s->raw, rawst being
 * rulec_user_str's status) joined to the directory it is relative to and normalised lexically,
 * like libsinsp's concatenate_paths(): "." and ".." components resolved (never above "/"),
 * duplicate '/' and a trailing '/' dropped, symlinks NOT resolved. An absolute argument stands
 * alone; a relative one is joined to the working directory (dirfd == AT_FDCWD) or to the path of
 * dirfd; an empty one gives "". Works for failed opens too. For a successful open,
 * rulec_fd_path(ret) gives the kernel's resolved path, which equals this unless a symlink or a
 * bind mount is involved. */
static __always_inline long rulec_open_fd_name(struct rulec_scratch *s, struct task_struct *task,
                                               long dirfd, long rawst, char out[RULEC_PATH_MAX])
{
    long rawlen, blen;
    __u32 tc;

    /* Through memory: callers reach here with dirfd a constant (open, creat) or not (openat),
     * and the verifier would walk everything below once for each. */
    RULEC_MEM(s->arg0) = dirfd;
    RULEC_MEM(s->arg1) = rawst;
    dirfd = RULEC_MEM(s->arg0);
    rawst = RULEC_MEM(s->arg1);
    rawlen = rulec_len(rawst);
    out[0] = 0;
    if (rawst < 0)
        return rawst;
    if (rulec_truncated(rawst))
        return RULEC_E_TOOLONG;
    if (rawlen == 0)
        return 0;
    if (s->raw[0] == '/') {
        s->path[0] = '/';
        blen = 1;
    } else {
        /* Relative: the base is the cwd or the dirfd's path, with a trailing '/'. */
        if (dirfd == RULEC_AT_FDCWD)
            blen = rulec_task_pwd(s, task, out);
        else
            blen = rulec_fd_path(s, task, dirfd, out);
        blen = rulec_path_add_slash(out, blen);
        if (blen < 0) {
            out[0] = 0;
            return blen == RULEC_E_NOENT ? RULEC_E_AMBIGUOUS : blen;
        }
        if (bpf_probe_read_kernel(s->path, RULEC_PATH_MAX, out))
            return RULEC_E_FAULT;
    }
    /* The '/' stack starts with the base's separators. From here on the state is in memory
     * only, so that the absolute and relative cases share one verifier walk of the loops. */
    RULEC_MEM(s->tc) = blen;
    RULEC_MEM(s->sp) = 0;
    struct rulec_loop_ctx lc = {.s = s, .ret = 0};
    RULEC_LOOP(RULEC_PATH_MAX, rulec__slash_step, &lc);
    /* Split the argument at '/' and the final NUL (rulec_user_str always writes one), then
     * apply the components: two loops, so the verifier walks the costly component step
     * RULEC_NORM_COMPONENTS times instead of RULEC_PATH_MAX times. */
    RULEC_MEM(s->nb) = 0;
    RULEC_LOOP(RULEC_PATH_MAX, rulec__bound_step, &lc);
    if (s->raw[s->bound[(RULEC_MEM(s->nb) - 1) & (RULEC_NORM_COMPONENTS - 1)] &
               (RULEC_PATH_MAX - 1)] != 0) {
        out[0] = 0;
        return RULEC_E_TOOLONG; /* more than RULEC_NORM_COMPONENTS components */
    }
    RULEC_MEM(s->pc) = 0;
    RULEC_LOOP(RULEC_NORM_COMPONENTS, rulec__component_step, &lc);
    if (lc.ret < 0) {
        out[0] = 0;
        return lc.ret;
    }
    tc = RULEC_MEM(s->tc);
    if (tc > 1)
        tc--; /* the trailing '/' ("/" itself stays) */
    RULEC_OPAQUE(tc);
    tc &= RULEC_PATH_MAX - 1;
    if (bpf_probe_read_kernel(out, tc, s->path))
        return RULEC_E_FAULT;
    out[tc] = 0;
    return tc;
}
