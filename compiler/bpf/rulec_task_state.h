/* rulec_task_state.h - the per-process facts Falco's driver records at execve and clone,
 * read from the task at the event instead: capabilities, what the executable is (which
 * overlayfs layer, a memfd, its inode and times), the session and process group, the start
 * time and the environment. Falco's thread table keeps these from the last execve; the kernel
 * holds the same facts for as long as the process lives, so reading them at the event gives
 * Falco's value without a per-process map, and a process that exits right after the event
 * still has them (a /proc read in userspace would find it gone).
 *
 * Each extractor returns a status as rulec_kernel.h's do (>= 0, or RULEC_E_*); each filler
 * writes one slot (rulec_fill.h). Included by rulec_fields.h. Verifier cost: each filler is a
 * few kernel reads (< 200 instructions); proc.sname walks up to RULEC_MAX_ANCESTORS processes
 * (~1.5k), the executable's flags add the group search and the user namespace's map (~1k). */
#pragma once

#include "rulec_fill.h"
#include "rulec_paths.h"

/* ---- capabilities ------------------------------------------------------------------------ */

/* thread.cap_permitted, thread.cap_inheritable, thread.cap_effective: the set as a bit mask (the
 * runtime prints Falco's names; comparisons with them are bit tests, core/sysargs.c SA_CAPS). */
#define RULEC_FILL_CAPS(field, set)                                                                \
    static __always_inline void rulec_fill_##field(struct rulec_cx *cx, struct rulec_slot_hdr *h,  \
                                                   __u8 *d, __u32 size, __u32 arg)                 \
    {                                                                                              \
        __u64 v = 0;                                                                               \
        long st = rulec_task_caps(cx->task, set, &v);                                              \
        rulec_slot_num(h, d, st, (__s64)v);                                                        \
    }
RULEC_FILL_CAPS(thread_cap_permitted, RULEC_CAP_PERMITTED)
RULEC_FILL_CAPS(thread_cap_inheritable, RULEC_CAP_INHERITABLE)
RULEC_FILL_CAPS(thread_cap_effective, RULEC_CAP_EFFECTIVE)
#undef RULEC_FILL_CAPS

/* ---- the executable ---------------------------------------------------------------------- */

#define RULEC_OVERLAYFS_SUPER_MAGIC 0x794c7630

/* The file the process runs (mm->exe_file), or NULL with a status (kernel threads have none). */
static __always_inline struct file *rulec_task_exe_file(struct task_struct *task, long *st)
{
    struct file *f = NULL;

    if (BPF_CORE_READ_INTO(&f, task, mm, exe_file)) {
        *st = RULEC_E_FAULT;
        return NULL;
    }
    *st = f ? 0 : RULEC_E_NOENT;
    return f;
}

enum rulec_overlay { RULEC_OVERLAY_NONE, RULEC_OVERLAY_LOWER, RULEC_OVERLAY_UPPER };

/* Which overlayfs layer the file comes from, as Falco's driver tells (extract__overlay_layer):
 * an overlayfs inode is embedded in struct ovl_inode, whose next member is the upper dentry,
 * set when the file exists in the upper (container-writable) layer. The inode's size is taken
 * from the running kernel's BTF, so the member after it is found whatever the kernel. */
static __always_inline long rulec_file_overlay(struct file *f)
{
    struct dentry *dentry = NULL, *upper = NULL;
    struct inode *inode = NULL;
    unsigned long magic = 0, ino = 0;
    __u64 inode_size = bpf_core_type_size(struct inode);

    if (BPF_CORE_READ_INTO(&dentry, f, f_path.dentry) || !dentry ||
        BPF_CORE_READ_INTO(&magic, dentry, d_sb, s_magic))
        return RULEC_E_FAULT;
    if (magic != RULEC_OVERLAYFS_SUPER_MAGIC)
        return RULEC_OVERLAY_NONE;
    if (BPF_CORE_READ_INTO(&inode, dentry, d_inode) || !inode || !inode_size)
        return RULEC_OVERLAY_LOWER;
    if (bpf_probe_read_kernel(&upper, sizeof(upper), (char *)inode + inode_size) || !upper)
        return RULEC_OVERLAY_LOWER;
    BPF_CORE_READ_INTO(&ino, upper, d_inode, i_ino);
    return ino ? RULEC_OVERLAY_UPPER : RULEC_OVERLAY_LOWER;
}

/* Whether a kernel id has a number in the user namespace's map (Falco's bpf_map_id_up), looking
 * at the first five extents (UID_GID_MAP_MAX_BASE_EXTENTS) as Falco does. */
static __always_inline bool rulec__id_mapped(struct uid_gid_map *map, __u32 id)
{
    __u32 n = 0, first = 0, count = 0;

    BPF_CORE_READ_INTO(&n, map, nr_extents);
    for (__u32 j = 0; j < 5; j++) {
        if (j >= n)
            break;
        BPF_CORE_READ_INTO(&first, map, extent[j].lower_first);
        BPF_CORE_READ_INTO(&count, map, extent[j].count);
        if (id >= first && id - first < count)
            return true;
    }
    return false;
}

/* Whether gid is one of the credentials' supplementary groups (a binary search, as the kernel's
 * groups_search: sorted, at most 65536). */
static __always_inline bool rulec__in_groups(const struct cred *cred, __u32 gid)
{
    struct group_info *gi = NULL;
    int n = 0;
    __u32 lo = 0, hi, mid, g = 0;

    if (BPF_CORE_READ_INTO(&gi, cred, group_info) || !gi || BPF_CORE_READ_INTO(&n, gi, ngroups))
        return false;
    hi = n > 0 ? (__u32)n : 0;
    for (int i = 0; i < 17 && lo < hi; i++) {
        mid = (lo + hi) / 2;
        BPF_CORE_READ_INTO(&g, gi, gid[mid].val);
        if (gid == g)
            return true;
        if (gid > g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

#define RULEC_SB_RDONLY 1
#define RULEC_S_IMMUTABLE 8
#define RULEC_MAY_WRITE 2
#define RULEC_CAP_DAC_OVERRIDE 1
#define RULEC_CAP_FOWNER 3

/* Whether the process could write its executable (Falco's PPM_EXE_WRITABLE,
 * extract__exe_writable): not on a read-only filesystem nor immutable, and its owner, or the
 * mode's write bit for its owner, group or others as the credentials fall, or CAP_DAC_OVERRIDE
 * (the owner and group mapped in the user namespace) or CAP_FOWNER (the owner mapped). */
static __always_inline bool rulec_exe_writable(struct task_struct *task, struct file *f)
{
    const struct cred *cred = NULL;
    struct inode *inode = NULL;
    struct user_namespace *ns = NULL;
    unsigned short mode = 0;
    unsigned int iflags = 0;
    unsigned long sflags = 0;
    __u32 uid = 0, gid = 0, fsuid = 0, fsgid = 0;
    __u64 caps = 0;

    if (BPF_CORE_READ_INTO(&inode, f, f_inode) || !inode || BPF_CORE_READ_INTO(&cred, task, cred) ||
        !cred)
        return false;
    BPF_CORE_READ_INTO(&mode, inode, i_mode);
    BPF_CORE_READ_INTO(&iflags, inode, i_flags);
    BPF_CORE_READ_INTO(&sflags, inode, i_sb, s_flags);
    unsigned short fmt = mode & RULEC_S_IFMT;
    if ((sflags & RULEC_SB_RDONLY) &&
        (fmt == RULEC_S_IFREG || fmt == RULEC_S_IFDIR || fmt == RULEC_S_IFLNK))
        return false;
    if (iflags & RULEC_S_IMMUTABLE)
        return false;
    BPF_CORE_READ_INTO(&uid, inode, i_uid.val);
    BPF_CORE_READ_INTO(&gid, inode, i_gid.val);
    BPF_CORE_READ_INTO(&fsuid, cred, fsuid.val);
    BPF_CORE_READ_INTO(&fsgid, cred, fsgid.val);
    if (uid == (__u32)-1 || gid == (__u32)-1)
        return false;
    if (fsuid == uid)
        return true;
    if (gid == fsgid || rulec__in_groups(cred, gid))
        mode >>= 3;
    if ((RULEC_MAY_WRITE & ~mode) == 0)
        return true;
    if (BPF_CORE_READ_INTO(&ns, cred, user_ns) || !ns ||
        bpf_core_read(&caps, 8, &cred->cap_effective))
        return false;
    bool uid_mapped = rulec__id_mapped(&ns->uid_map, uid);
    if ((caps >> RULEC_CAP_DAC_OVERRIDE & 1) && uid_mapped && rulec__id_mapped(&ns->gid_map, gid))
        return true;
    return (caps >> RULEC_CAP_FOWNER & 1) && uid_mapped;
}

/* Falco's execve flags: PPM_EXE_WRITABLE, _UPPER_LAYER, _FROM_MEMFD, _LOWER_LAYER (evt.arg.flags
 * of execve and execveat, proc.is_exe_*), 0 for a process without an executable. */
#define RULEC_EXE_WRITABLE (1 << 0)
#define RULEC_EXE_UPPER_LAYER (1 << 1)
#define RULEC_EXE_FROM_MEMFD (1 << 2)
#define RULEC_EXE_LOWER_LAYER (1 << 3)
static __always_inline long rulec_task_exe_flags(struct task_struct *task, __u32 *out)
{
    long st, v;
    struct file *f = rulec_task_exe_file(task, &st);

    *out = 0;
    if (!f)
        return st == RULEC_E_NOENT ? 0 : st;
    v = rulec_file_overlay(f);
    if (v < 0)
        return v;
    *out |= v == RULEC_OVERLAY_UPPER   ? RULEC_EXE_UPPER_LAYER
            : v == RULEC_OVERLAY_LOWER ? RULEC_EXE_LOWER_LAYER
                                       : 0;
    v = rulec_file_is_memfd(f);
    if (v < 0)
        return v;
    *out |= v ? RULEC_EXE_FROM_MEMFD : 0;
    *out |= rulec_exe_writable(task, f) ? RULEC_EXE_WRITABLE : 0;
    return 0;
}

/* proc.is_exe_writable, proc.is_exe_upper_layer, proc.is_exe_lower_layer, proc.is_exe_from_memfd:
 * one of the execve flags. */
#define RULEC_FILL_EXE_FLAG(field, flag)                                                           \
    static __always_inline void rulec_fill_##field(struct rulec_cx *cx, struct rulec_slot_hdr *h,  \
                                                   __u8 *d, __u32 size, __u32 arg)                 \
    {                                                                                              \
        __u32 flags = 0;                                                                           \
        long st = rulec_task_exe_flags(cx->task, &flags);                                          \
        rulec_slot_num(h, d, st, (flags & (flag)) != 0);                                           \
    }
RULEC_FILL_EXE_FLAG(proc_is_exe_writable, RULEC_EXE_WRITABLE)
RULEC_FILL_EXE_FLAG(proc_is_exe_upper_layer, RULEC_EXE_UPPER_LAYER)
RULEC_FILL_EXE_FLAG(proc_is_exe_lower_layer, RULEC_EXE_LOWER_LAYER)
RULEC_FILL_EXE_FLAG(proc_is_exe_from_memfd, RULEC_EXE_FROM_MEMFD)
#undef RULEC_FILL_EXE_FLAG

/* The executable's inode times as ns since the epoch (inode times are wall-clock). 6.11 split
 * them into _sec and _nsec members; 6.6 (ctime) and 6.7 (mtime) renamed the timespec64 members
 * __i_ctime and __i_mtime; before, i_ctime and i_mtime. */
static __always_inline long rulec_inode_time(struct inode *inode, bool mtime, __u64 *out)
{
    struct inode___v611 *i611 = (void *)inode;
    struct inode___v66 *i66 = (void *)inode;
    struct inode___old *iold = (void *)inode;
    struct timespec64 ts = {0};
    __s64 sec = 0;
    __u32 nsec = 0;
    long err;

    if (bpf_core_field_exists(i611->i_ctime_sec)) {
        err = mtime ? BPF_CORE_READ_INTO(&sec, i611, i_mtime_sec) |
                          BPF_CORE_READ_INTO(&nsec, i611, i_mtime_nsec)
                    : BPF_CORE_READ_INTO(&sec, i611, i_ctime_sec) |
                          BPF_CORE_READ_INTO(&nsec, i611, i_ctime_nsec);
        ts.tv_sec = sec;
        ts.tv_nsec = nsec;
    } else if (!mtime && bpf_core_field_exists(i66->__i_ctime)) {
        err = BPF_CORE_READ_INTO(&ts, i66, __i_ctime);
    } else if (mtime && bpf_core_field_exists(i66->__i_mtime)) {
        err = BPF_CORE_READ_INTO(&ts, i66, __i_mtime);
    } else {
        err =
            mtime ? BPF_CORE_READ_INTO(&ts, iold, i_mtime) : BPF_CORE_READ_INTO(&ts, iold, i_ctime);
    }
    *out = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
    return err ? RULEC_E_FAULT : 0;
}

/* proc.exe_ino, proc.exe_ino.ctime, proc.exe_ino.mtime: of the file the process runs. */
static __always_inline void rulec__fill_exe_inode(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, int which)
{
    long st;
    struct file *f = rulec_task_exe_file(cx->task, &st);
    struct inode *inode = NULL;
    unsigned long ino = 0;
    __u64 v = 0;

    if (!f) {
        rulec_slot_num(h, d, st, 0);
        return;
    }
    if (BPF_CORE_READ_INTO(&inode, f, f_inode) || !inode)
        st = RULEC_E_FAULT;
    else if (which == 0)
        st = BPF_CORE_READ_INTO(&ino, inode, i_ino) ? RULEC_E_FAULT : 0;
    else
        st = rulec_inode_time(inode, which == 2, &v);
    rulec_slot_num(h, d, st, (__s64)(which == 0 ? ino : v));
}

static __always_inline void rulec_fill_proc_exe_ino(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                    __u8 *d, __u32 size, __u32 arg)
{
    rulec__fill_exe_inode(cx, h, d, 0);
}

static __always_inline void rulec_fill_proc_exe_ino_ctime(struct rulec_cx *cx,
                                                          struct rulec_slot_hdr *h, __u8 *d,
                                                          __u32 size, __u32 arg)
{
    rulec__fill_exe_inode(cx, h, d, 1);
}

static __always_inline void rulec_fill_proc_exe_ino_mtime(struct rulec_cx *cx,
                                                          struct rulec_slot_hdr *h, __u8 *d,
                                                          __u32 size, __u32 arg)
{
    rulec__fill_exe_inode(cx, h, d, 2);
}

/* ---- session and process group ----------------------------------------------------------- */

/* The number of the task's process group (pgid) or session (sid): global (level 0), or as the
 * task's own pid namespace sees it (the pid's number at the task's level; 0 when the group
 * leader is outside that namespace, as getpgid(2) gives there). */
static __always_inline long rulec_task_xid(struct task_struct *task, bool sid, bool virtual)
{
    struct pid *p = NULL;
    unsigned int level = 0, plevel = 0;
    int nr = 0;
    int type = sid ? bpf_core_enum_value(enum pid_type, PIDTYPE_SID)
                   : bpf_core_enum_value(enum pid_type, PIDTYPE_PGID);

    if (type < 0 || type > 3 || BPF_CORE_READ_INTO(&p, task, signal, pids[type]))
        return RULEC_E_FAULT;
    if (!p)
        return RULEC_E_NOENT;
    if (virtual) {
        if (BPF_CORE_READ_INTO(&level, task, thread_pid, level) ||
            BPF_CORE_READ_INTO(&plevel, p, level))
            return RULEC_E_FAULT;
        if (level > plevel)
            return 0;
    }
    level &= 31; /* at most 32 nested pid namespaces (MAX_PID_NS_LEVEL) */
    return BPF_CORE_READ_INTO(&nr, p, numbers[level].nr) ? RULEC_E_FAULT : nr;
}

/* proc.sid (as the process's pid namespace numbers it: Falco compares it with proc.vpid),
 * proc.vpgid, proc.pgid. */
static __always_inline void rulec_fill_proc_sid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                __u8 *d, __u32 size, __u32 arg)
{
    long st = rulec_task_xid(cx->task, true, true);
    rulec_slot_num(h, d, st, st);
}

static __always_inline void rulec_fill_proc_vpgid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    long st = rulec_task_xid(cx->task, false, true);
    rulec_slot_num(h, d, st, st);
}

static __always_inline void rulec_fill_proc_pgid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 arg)
{
    long st = rulec_task_xid(cx->task, false, false);
    rulec_slot_num(h, d, st, st);
}

/* proc.is_sid_leader (sid == vpid), proc.is_vpgid_leader (vpgid == vpid), proc.is_pgid_leader
 * (pgid == pid), as libsinsp compares them. */
static __always_inline void rulec__fill_leader(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                               __u8 *d, bool sid, bool virtual)
{
    long id = rulec_task_xid(cx->task, sid, virtual);
    long pid = virtual ? rulec_task_vpid(cx->task) : rulec_task_tgid(cx->task);
    long st = id < 0 ? id : pid < 0 ? pid : 0;
    rulec_slot_num(h, d, st, id == pid);
}

static __always_inline void rulec_fill_proc_is_sid_leader(struct rulec_cx *cx,
                                                          struct rulec_slot_hdr *h, __u8 *d,
                                                          __u32 size, __u32 arg)
{
    rulec__fill_leader(cx, h, d, true, true);
}

static __always_inline void rulec_fill_proc_is_vpgid_leader(struct rulec_cx *cx,
                                                            struct rulec_slot_hdr *h, __u8 *d,
                                                            __u32 size, __u32 arg)
{
    rulec__fill_leader(cx, h, d, false, true);
}

static __always_inline void rulec_fill_proc_is_pgid_leader(struct rulec_cx *cx,
                                                           struct rulec_slot_hdr *h, __u8 *d,
                                                           __u32 size, __u32 arg)
{
    rulec__fill_leader(cx, h, d, false, false);
}

/* proc.sname: the name of the session leader, as libsinsp finds it: the process itself when it
 * leads its session, else the eldest of the ancestors above it that are in the same session
 * (the leader, unless it exited and its children were adopted); "" when the parent is in
 * another session. Deeper than RULEC_MAX_ANCESTORS is "maybe". */
static __always_inline void rulec_fill_proc_sname(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    long sid = rulec_task_xid(cx->task, true, false), st;
    struct task_struct *leader = NULL, *p = NULL;

    *(__u64 *)d = 0;
    *(__u64 *)(d + 8) = 0;
    if (sid < 0) {
        rulec_slot_status(h, sid);
        return;
    }
    if (rulec_task_tgid(cx->task) == sid) {
        rulec_slot_status(h, rulec_task_comm(cx->task, (char *)d));
        return;
    }
    /* Up the process tree as rulec_task_ancestor goes, one generation a turn. */
    st = RULEC_E_TOOLONG;
    struct task_struct *task = cx->task;
    if (BPF_CORE_READ_INTO(&p, task, group_leader) || !p) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    for (__u32 i = 0; i < RULEC_MAX_ANCESTORS; i++) {
        struct task_struct *parent = NULL;
        if (BPF_CORE_READ_INTO(&parent, p, real_parent) || !parent ||
            BPF_CORE_READ_INTO(&p, parent, group_leader) || !p || rulec_task_tgid(p) <= 0 ||
            rulec_task_xid(p, true, false) != sid) {
            st = 0; /* the top of the tree, or another session: the eldest so far */
            break;
        }
        leader = p;
        if (rulec_task_tgid(p) == sid) {
            st = 0;
            break;
        }
    }
    if (st == 0 && leader)
        st = rulec_task_comm(leader, (char *)d);
    rulec_slot_status(h, st);
}

/* ---- start time and environment ---------------------------------------------------------- */

/* proc.duration: ns since the thread started (Falco: the event's time minus the thread's clone
 * time). The start is task->start_boottime (5.5; real_start_time before), on the boot clock. */
static __always_inline void rulec_fill_proc_duration(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                     __u8 *d, __u32 size, __u32 arg)
{
    struct task_struct *task = cx->task;
    struct task_struct___v54 *old = (void *)task;
    __u64 start = 0;
    long err;

    if (bpf_core_field_exists(task->start_boottime))
        err = BPF_CORE_READ_INTO(&start, task, start_boottime);
    else
        err = BPF_CORE_READ_INTO(&start, old, real_start_time);
    rulec_slot_num(h, d, err ? RULEC_E_FAULT : 0, (__s64)(bpf_ktime_get_boot_ns() - start));
}

/* proc.env: the environment the process was started with, its entries separated by NULs (the
 * runtime joins them with spaces, as Falco's concatenate_all_env). Falco's driver keeps the
 * first 4096 bytes (MAX_PROC_ARG_ENV), and so does the slot: a longer environment is Falco's
 * value cut there, which is complete as far as Falco is concerned. Current task only. */
#define RULEC_ENV_MAX 4096
static __always_inline void rulec_fill_proc_env(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                __u8 *d, __u32 size, __u32 arg)
{
    struct task_struct *task = cx->task;
    unsigned long start = 0, end = 0;
    __u64 n;

    if (BPF_CORE_READ_INTO(&start, task, mm, env_start) ||
        BPF_CORE_READ_INTO(&end, task, mm, env_end)) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    n = end > start ? end - start : 0;
    if (n > RULEC_ENV_MAX - 1)
        n = RULEC_ENV_MAX - 1;
    d[0] = 0;
    if (n && bpf_probe_read_user(d, n & (RULEC_ENV_MAX - 1), (const void *)start)) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    /* The area ends with the last entry's NUL: the length is up to it. */
    for (int i = 0; i < 4 && n > 0 && d[(n - 1) & (RULEC_ENV_MAX - 1)] == 0; i++)
        n--;
    rulec_slot_status(h, (long)n);
}
