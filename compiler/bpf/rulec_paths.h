/* rulec_paths.h - a struct path as Falco prints it (the dentry walk up to the mount namespace's
 * root), and the task's own paths: proc.exepath (the executable) and proc.cwd.
 *
 * Verifier cost (see rulec_base.h): a one-rule policy on proc.exepath or proc.cwd verifies in
 * ~2.3k; alone with bounded loops a path costs ~9.5k (the walk is RULEC_PATH_DEPTH steps). */
#pragma once

#include "rulec_base.h"

#define RULEC_PATH_DEPTH 32 /* dentry components walked (and mount crossings) */

static __always_inline struct mount *rulec__real_mount(struct vfsmount *vfsmnt)
{
    /* container_of(vfsmnt, struct mount, mnt) with the offset relocated for the running kernel. */
    return (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

/* rulec_path_str's walk (RULEC_LOOP): one dentry per step. ret: 0 walking, 1 at the root of
 * the mount namespace, < 0 an error. */
struct rulec_path_walk {
    struct rulec_scratch *s;
    struct dentry *dentry, *mnt_root;
    struct mount *mnt, *mnt_parent;
    long ret;
};

static long rulec__path_step(__u32 i, void *ctx)
{
    struct rulec_path_walk *w = ctx;
    struct rulec_scratch *s = w->s;
    struct dentry *dentry = w->dentry, *d_parent = NULL, *next = NULL;
    struct mount *mnt = w->mnt, *mnt_parent = NULL;
    const unsigned char *name = NULL;
    __u32 pos, len = 0;

    if (BPF_CORE_READ_INTO(&d_parent, dentry, d_parent)) {
        w->ret = RULEC_E_FAULT;
        return 1;
    }
    if (dentry == w->mnt_root || dentry == d_parent) {
        if (dentry != w->mnt_root) {
            w->ret = RULEC_E_INVAL; /* a pseudo or disconnected dentry: no path */
            return 1;
        }
        if (mnt == w->mnt_parent) {
            w->ret = 1;
            return 1;
        }
        /* Root of a mount that is not the namespace root: continue from its mountpoint in the
         * parent mount. */
        BPF_CORE_READ_INTO(&next, mnt, mnt_mountpoint);
        w->dentry = next;
        mnt = w->mnt_parent;
        w->mnt = mnt;
        BPF_CORE_READ_INTO(&mnt_parent, mnt, mnt_parent);
        w->mnt_parent = mnt_parent;
        BPF_CORE_READ_INTO(&next, mnt, mnt.mnt_root);
        w->mnt_root = next;
        return 0;
    }
    if (BPF_CORE_READ_INTO(&len, dentry, d_name.len) ||
        BPF_CORE_READ_INTO(&name, dentry, d_name.name) || len == 0) {
        w->ret = RULEC_E_FAULT;
        return 1;
    }
    pos = RULEC_MEM(s->pos);
    /* Keep pos >= 1 so the final length is < RULEC_PATH_MAX. */
    if (len + 1 >= pos) {
        w->ret = RULEC_E_TOOLONG;
        return 1;
    }
    pos -= len;
    RULEC_OPAQUE(len);
    if (bpf_probe_read_kernel(&s->path[pos & (RULEC_PATH_MAX - 1)], len & (RULEC_PATH_MAX - 1),
                              name)) {
        w->ret = RULEC_E_FAULT;
        return 1;
    }
    pos -= 1;
    s->path[pos & (RULEC_PATH_MAX - 1)] = '/';
    RULEC_MEM(s->pos) = pos;
    w->dentry = d_parent;
    return 0;
}

/* The path of a struct path, built the way Falco's modern probe does (d_path "approx"): dentry
 * names up to each mount root, crossing to the mountpoint in the parent mount, up to the root
 * of the mount namespace (not the task's chroot), without d_path's " (deleted)" suffix.
 * Returns the length, RULEC_E_TOOLONG past RULEC_PATH_MAX bytes or RULEC_PATH_DEPTH components,
 * RULEC_E_INVAL for files of pseudo filesystems (pipes, sockets, anon inodes) that have no path. */
static __always_inline long rulec_path_str(struct rulec_scratch *s, const struct path *kpath,
                                           char out[RULEC_PATH_MAX])
{
    struct dentry *dentry = NULL, *mnt_root = NULL;
    struct vfsmount *vfsmnt = NULL;
    struct mount *mnt = NULL, *mnt_parent = NULL;
    __u32 pos, len = 0;
    bool done = false;

    out[0] = 0;
    if (bpf_core_read(&dentry, sizeof(dentry), &kpath->dentry) ||
        bpf_core_read(&vfsmnt, sizeof(vfsmnt), &kpath->mnt) || !dentry || !vfsmnt)
        return RULEC_E_FAULT;
    mnt = rulec__real_mount(vfsmnt);
    BPF_CORE_READ_INTO(&mnt_parent, mnt, mnt_parent);
    BPF_CORE_READ_INTO(&mnt_root, vfsmnt, mnt_root);

    /* The path is built backwards in s->path[pos, RULEC_PATH_MAX). */
    RULEC_MEM(s->pos) = RULEC_PATH_MAX;
    struct rulec_path_walk w = {
        .s = s, .dentry = dentry, .mnt = mnt, .mnt_parent = mnt_parent, .mnt_root = mnt_root};
    RULEC_LOOP(RULEC_PATH_DEPTH, rulec__path_step, &w);
    if (w.ret < 0)
        return w.ret;
    done = w.ret == 1;
    if (!done)
        return RULEC_E_TOOLONG;
    pos = RULEC_MEM(s->pos);
    if (pos >= RULEC_PATH_MAX) {
        out[0] = '/';
        out[1] = 0;
        return 1;
    }
    len = RULEC_PATH_MAX - pos;
    RULEC_OPAQUE(len);
    if (bpf_probe_read_kernel(out, len & (RULEC_PATH_MAX - 1),
                              &s->path[pos & (RULEC_PATH_MAX - 1)]))
        return RULEC_E_FAULT;
    out[len & (RULEC_PATH_MAX - 1)] = 0;
    return len & (RULEC_PATH_MAX - 1);
}

/* Compares the first litlen bytes of a kernel string with a literal. */
static __always_inline bool rulec__kstr_prefix(const unsigned char *kname, const char *lit,
                                               __u32 litlen)
{
    char buf[16] = {};

    if (litlen >= sizeof(buf) || bpf_probe_read_kernel(buf, litlen & 15, kname))
        return false;
    for (__u32 i = 0; i < sizeof(buf); i++) {
        if (i >= litlen)
            break;
        if (buf[i] != lit[i])
            return false;
    }
    return true;
}

#define RULEC__KSTR_PREFIX(kname, lit) rulec__kstr_prefix(kname, lit, sizeof(lit) - 1)

/* A memfd_create() file: a parentless dentry named "memfd:..." (Falco's extract__exe_from_memfd).
 */
static __always_inline long rulec_file_is_memfd(struct file *f)
{
    struct dentry *dentry = NULL, *parent = NULL;
    const unsigned char *name = NULL;

    if (BPF_CORE_READ_INTO(&dentry, f, f_path.dentry) || !dentry ||
        BPF_CORE_READ_INTO(&parent, dentry, d_parent) ||
        BPF_CORE_READ_INTO(&name, dentry, d_name.name))
        return RULEC_E_FAULT;
    return parent == dentry && RULEC__KSTR_PREFIX(name, "memfd:");
}

/* proc.exepath: the path of the task's executable file (mm->exe_file), as the kernel resolved
 * it (symlinks resolved), relative to the mount namespace root like Falco's. A memfd has no path:
 * Falco's walk gives its name alone ("memfd:NAME", as upstream's known_memfd_execution_processes
 * expects it). */
static __always_inline long rulec_proc_exepath(struct rulec_scratch *s, struct task_struct *task,
                                               char out[RULEC_PATH_MAX])
{
    struct file *exe = NULL;
    const unsigned char *name = NULL;
    long st, n;

    out[0] = 0;
    if (BPF_CORE_READ_INTO(&exe, task, mm, exe_file))
        return RULEC_E_FAULT;
    if (!exe)
        return RULEC_E_NOENT; /* kernel thread or exiting task */
    st = rulec_path_str(s, &exe->f_path, out);
    if (st != RULEC_E_INVAL || rulec_file_is_memfd(exe) != 1)
        return st;
    if (BPF_CORE_READ_INTO(&name, exe, f_path.dentry, d_name.name))
        return RULEC_E_FAULT;
    n = bpf_probe_read_kernel_str(out, RULEC_PATH_MAX, name);
    if (n <= 0) {
        out[0] = 0;
        return RULEC_E_FAULT;
    }
    return n == RULEC_PATH_MAX ? (n - 1) | RULEC_TRUNCATED : n - 1;
}

/* The task's working directory (fs->pwd) as rulec_path_str gives it, without a trailing '/'. */
static __always_inline long rulec_task_pwd(struct rulec_scratch *s, struct task_struct *task,
                                           char out[RULEC_PATH_MAX])
{
    struct fs_struct *fs = NULL;

    out[0] = 0;
    if (BPF_CORE_READ_INTO(&fs, task, fs))
        return RULEC_E_FAULT;
    if (!fs)
        return RULEC_E_NOENT;
    return rulec_path_str(s, &fs->pwd, out);
}

/* Appends '/' unless the path already ends with one ("/" stays "/"). */
static __always_inline long rulec_path_add_slash(char out[RULEC_PATH_MAX], long st)
{
    long len;

    if (st < 0)
        return st;
    len = st & RULEC_LEN_MASK;
    if (len > 0 && out[(len - 1) & (RULEC_PATH_MAX - 1)] == '/')
        return st;
    if (len + 1 >= RULEC_PATH_MAX)
        return RULEC_E_TOOLONG;
    out[len & (RULEC_PATH_MAX - 1)] = '/';
    out[(len + 1) & (RULEC_PATH_MAX - 1)] = 0;
    return len + 1;
}

/* proc.cwd: the working directory with a trailing '/', Falco's form ("/tmp/", "/"). The kernel
 * gives the resolved directory; Falco tracks chdir() arguments lexically, so the two differ after
 * a chdir through a symlink. */
static __always_inline long rulec_proc_cwd(struct rulec_scratch *s, struct task_struct *task,
                                           char out[RULEC_PATH_MAX])
{
    return rulec_path_add_slash(out, rulec_task_pwd(s, task, out));
}
