/* rulec_types.h - the minimal kernel type set the generated BPF C is compiled against.
 *
 * This is deliberately NOT a generated vmlinux.h. It declares only the kernel struct members
 * extractors read (rulec_kernel.h lists them), each struct marked preserve_access_index so every
 * member access becomes a CO-RE relocation that libbpf resolves against the running kernel's BTF at
 * load time. Member order, offsets and the other members do not matter: only the names (and, for
 * the last member of an access chain, a compatible kind and size) have to match the kernel. The
 * result compiles in milliseconds and does not depend on the build machine's kernel.
 *
 * Rules for editing:
 *  - add a member only when an extractor reads it; keep the kernel's member name;
 *  - a member that was renamed or moved across kernel versions gets a "flavor" struct
 *    (struct foo___suffix, libbpf ignores the ___suffix) and a bpf_core_field_exists() check;
 *  - user-memory ABI structs (sockaddr, open_how) are not CO-RE: they are fixed by the syscall
 *    ABI, so they are plain structs with a rulec_ prefix.
 *
 * Do not include <linux/bpf.h>, <linux/types.h> or a vmlinux.h next to this header: it defines
 * the few uapi names that libbpf's headers and map definitions need.
 */
#pragma once

#if !defined(__TARGET_ARCH_x86)
#error "rulec_types.h: only x86_64 is supported so far (compile with -D__TARGET_ARCH_x86)"
#endif

#define RULEC_CORE __attribute__((preserve_access_index))

/* ---- basic integer types (what <linux/types.h> would give) ----------------------------------- */

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

/* bool and NULL come from the compiler's own freestanding headers, not the build machine's libc. */
#include <stdbool.h>
#include <stddef.h>

/* A policy is compiled as separate units, in parallel, then linked into one
 * object (compiler/emit.c): the first unit defines the maps, globals and
 * programs; the rule units (RULEC_UNIT_RULES) only declare the maps. */
/* No debug information for generated helpers (the atoms, the Kleene temporaries): BTF needs
 * none for them, and it is a large part of clang's time on a big ruleset. */
#define RULEC_NODEBUG __attribute__((nodebug))

#ifdef RULEC_UNIT_RULES
#define RULEC_GLOBAL extern
#else
#define RULEC_GLOBAL
#endif

/* ---- the uapi subset of <linux/bpf.h> used by map definitions -------------------------------- */

enum bpf_map_type {
    BPF_MAP_TYPE_HASH = 1,
    BPF_MAP_TYPE_ARRAY = 2,
    BPF_MAP_TYPE_PROG_ARRAY = 3,
    BPF_MAP_TYPE_PERCPU_HASH = 5,
    BPF_MAP_TYPE_PERCPU_ARRAY = 6,
    BPF_MAP_TYPE_LRU_HASH = 9,
    BPF_MAP_TYPE_LPM_TRIE = 11,
    BPF_MAP_TYPE_RINGBUF = 27,
};

enum {
    BPF_ANY = 0,
    BPF_NOEXIST = 1,
    BPF_EXIST = 2,
};

enum {
    BPF_F_NO_PREALLOC = 1U << 0,
    BPF_F_RDONLY_PROG = 1U << 7,
};

enum {
    BPF_RB_NO_WAKEUP = 1ULL << 0,
    BPF_RB_FORCE_WAKEUP = 1ULL << 1,
};

/* ---- kernel types (CO-RE) -------------------------------------------------------------------- */

/* x86_64 struct pt_regs (arch/x86/include/asm/ptrace.h). At sys_exit the syscall arguments are
 * still in di, si, dx, r10, r8, r9 (64-bit ABI) or bx, cx, dx, si, di, bp (ia32 ABI), and orig_ax
 * holds the syscall number. */
struct pt_regs {
    unsigned long bp;
    unsigned long bx;
    unsigned long r10;
    unsigned long r9;
    unsigned long r8;
    unsigned long ax;
    unsigned long cx;
    unsigned long dx;
    unsigned long si;
    unsigned long di;
    unsigned long orig_ax;
} RULEC_CORE;

typedef struct {
    __u32 val;
} RULEC_CORE kuid_t;

typedef struct {
    __u32 val;
} RULEC_CORE kgid_t;

/* 6.3 changed kernel_cap_t from struct kernel_cap_struct { u32 cap[2]; } to { u64 val; }. Both are
 * 8 bytes with capability N at bit N on little-endian, so the whole member is read as one u64 and
 * no flavor is needed (a CO-RE field relocation only checks that both sides are structs). */
typedef struct {
    __u64 val;
} RULEC_CORE kernel_cap_t;

struct uid_gid_extent {
    __u32 first;
    __u32 lower_first;
    __u32 count;
} RULEC_CORE;

struct uid_gid_map {
    __u32 nr_extents;
    struct uid_gid_extent extent[5]; /* in a union with the forward/reverse pointers */
} RULEC_CORE;

struct user_namespace {
    struct uid_gid_map uid_map;
    struct uid_gid_map gid_map;
} RULEC_CORE;

struct group_info {
    int ngroups;
    kgid_t gid[1]; /* flexible in the kernel; indexed */
} RULEC_CORE;

struct cred {
    kuid_t euid;
    kgid_t egid;
    kuid_t fsuid;
    kgid_t fsgid;
    kernel_cap_t cap_inheritable;
    kernel_cap_t cap_permitted;
    kernel_cap_t cap_effective;
    struct user_namespace *user_ns;
    struct group_info *group_info;
} RULEC_CORE;

struct qstr {
    /* In the kernel hash and len sit in an anonymous union with hash_len; libbpf finds members
     * through anonymous unions and structs, so the flat form relocates correctly. */
    __u32 hash;
    __u32 len;
    const unsigned char *name;
} RULEC_CORE;

struct super_block {
    unsigned long s_flags;
    unsigned long s_magic;
    __u32 s_dev;
} RULEC_CORE;

struct timespec64 {
    __s64 tv_sec;
    long tv_nsec;
} RULEC_CORE;

struct inode {
    unsigned short i_mode;
    unsigned int i_flags;
    kuid_t i_uid;
    kgid_t i_gid;
    unsigned long i_ino;
    struct super_block *i_sb;
} RULEC_CORE;

/* The inode's times: split into _sec and _nsec in 6.11, timespec64 members renamed __i_ctime in
 * 6.6 and __i_mtime in 6.7, i_ctime and i_mtime before. */
struct inode___v611 {
    __s64 i_mtime_sec;
    __s64 i_ctime_sec;
    __u32 i_mtime_nsec;
    __u32 i_ctime_nsec;
} RULEC_CORE;

struct inode___v66 {
    struct timespec64 __i_ctime;
    struct timespec64 __i_mtime;
} RULEC_CORE;

struct inode___old {
    struct timespec64 i_ctime;
    struct timespec64 i_mtime;
} RULEC_CORE;

struct dentry {
    struct super_block *d_sb;
    struct dentry *d_parent;
    struct qstr d_name; /* 6.14+: in a union with __d_name; found through the union */
    struct inode *d_inode;
} RULEC_CORE;

struct vfsmount {
    struct dentry *mnt_root;
} RULEC_CORE;

/* struct mount is private to fs/ but present in BTF; vfsmount is embedded in it as "mnt". */
struct mount {
    struct mount *mnt_parent;
    struct dentry *mnt_mountpoint;
    struct vfsmount mnt;
} RULEC_CORE;

struct path {
    struct vfsmount *mnt;
    struct dentry *dentry;
} RULEC_CORE;

struct file {
    struct path f_path; /* 6.13+: in a union with __f_path */
    struct inode *f_inode;
    unsigned int f_flags;
    unsigned int f_mode;
    void *private_data;
} RULEC_CORE;

struct fdtable {
    unsigned int max_fds;
    struct file **fd;
} RULEC_CORE;

struct files_struct {
    struct fdtable *fdt;
} RULEC_CORE;

struct fs_struct {
    struct path root;
    struct path pwd;
} RULEC_CORE;

struct mm_struct {
    unsigned long arg_start;
    unsigned long arg_end;
    unsigned long env_start;
    unsigned long env_end;
    struct file *exe_file;
} RULEC_CORE;

struct tty_driver {
    int major;
    int minor_start;
} RULEC_CORE;

struct tty_struct {
    struct tty_driver *driver;
    int index;
} RULEC_CORE;

struct pid;

/* The process group and session: signal->pids[PIDTYPE_PGID], [PIDTYPE_SID] (4.19+). */
enum pid_type {
    PIDTYPE_PID = 0,
    PIDTYPE_TGID = 1,
    PIDTYPE_PGID = 2,
    PIDTYPE_SID = 3,
};

struct signal_struct {
    struct tty_struct *tty;
    struct pid *pids[4];
} RULEC_CORE;

/* numbers[] is indexed by a variable (the pid's level), and CO-RE relocates member offsets, not
 * the stride of such an index: the struct keeps the kernel's size (an int and a pointer). */
struct upid {
    int nr;
    struct pid_namespace *ns;
} RULEC_CORE;

struct pid {
    unsigned int level;
    struct upid numbers[1]; /* flexible in the kernel; indexed by level */
} RULEC_CORE;

/* kernfs_node->parent was renamed __parent in 6.15. */
struct kernfs_node {
    struct kernfs_node *parent;
    const char *name;
    __u64 id; /* a cgroup's id, the inode number of its directory (5.5+) */
} RULEC_CORE;

struct kernfs_node___v615 {
    struct kernfs_node *__parent;
} RULEC_CORE;

struct cgroup {
    struct kernfs_node *kn;
} RULEC_CORE;

struct cgroup_subsys_state {
    struct cgroup *cgroup;
} RULEC_CORE;

struct css_set {
    struct cgroup_subsys_state *subsys[16]; /* CGROUP_SUBSYS_COUNT varies; indexed by enum */
    struct cgroup *dfl_cgrp;
} RULEC_CORE;

/* Enumerator values are relocated with bpf_core_enum_value(): the numbers below are placeholders
 * and only the names matter. They depend on the kernel's config. */
/* The helper ids, for the CO-RE check that bpf_loop (5.17) exists (rulec_base.h, RULEC_LOOP). */
enum bpf_func_id___rulec {
    BPF_FUNC_snprintf___rulec = 165,
    BPF_FUNC_loop___rulec = 181,
};

enum cgroup_subsys_id {
    cpuset_cgrp_id = 0,
    cpu_cgrp_id = 1,
    cpuacct_cgrp_id = 2,
    io_cgrp_id = 3,
    memory_cgrp_id = 4,
};

struct thread_info {
    __u32 status; /* x86: TS_COMPAT while in an ia32 syscall */
} RULEC_CORE;

struct task_struct {
    struct thread_info thread_info; /* CONFIG_THREAD_INFO_IN_TASK, always on x86_64 */
    int tgid;
    struct task_struct *real_parent;
    struct task_struct *group_leader;
    struct pid *thread_pid;
    const struct cred *cred;
    char comm[16];
    struct fs_struct *fs;
    struct files_struct *files;
    struct signal_struct *signal;
    struct mm_struct *mm;
    kuid_t loginuid; /* CONFIG_AUDIT only: checked with bpf_core_field_exists() */
    struct css_set *cgroups;
    __u64 start_boottime; /* 5.5+; real_start_time before */
} RULEC_CORE;

struct task_struct___v54 {
    __u64 real_start_time;
} RULEC_CORE;

struct sock_common {
    unsigned char skc_state; /* volatile in the kernel */
    __be32 skc_daddr;
    __be32 skc_rcv_saddr;
    __be16 skc_dport;
    __u16 skc_num;
    unsigned short skc_family;
    struct {
        __u8 u6_addr8[16];
    } skc_v6_daddr;
    struct {
        __u8 u6_addr8[16];
    } skc_v6_rcv_saddr;
} RULEC_CORE;

struct sock {
    struct sock_common __sk_common;
    __u16 sk_protocol; /* a plain u16 since 5.6 (was a bitfield) */
    __u16 sk_type;
} RULEC_CORE;

struct socket {
    short type;
    struct sock *sk;
} RULEC_CORE;

/* ---- user-memory ABI structs (fixed by the syscall ABI, not CO-RE) --------------------------- */

struct rulec_open_how {
    __u64 flags;
    __u64 mode;
    __u64 resolve;
};

struct rulec_sockaddr_in {
    __u16 sin_family;
    __be16 sin_port;
    __be32 sin_addr;
};

struct rulec_sockaddr_in6 {
    __u16 sin6_family;
    __be16 sin6_port;
    __u32 sin6_flowinfo;
    __u8 sin6_addr[16];
    __u32 sin6_scope_id;
};

#define RULEC_UNIX_PATH_MAX 108

/* ---- constants ------------------------------------------------------------------------------- */

#define RULEC_TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

/* open(2) flags, x86_64 values (include/uapi/asm-generic/fcntl.h). */
#define RULEC_O_ACCMODE 00000003
#define RULEC_O_RDONLY 00000000
#define RULEC_O_WRONLY 00000001
#define RULEC_O_RDWR 00000002
#define RULEC_O_CREAT 00000100
#define RULEC_O_DIRECTORY 00200000
#define RULEC___O_TMPFILE 020000000
#define RULEC_O_TMPFILE (RULEC___O_TMPFILE | RULEC_O_DIRECTORY)
#define RULEC_AT_FDCWD (-100)

/* fmode_t bits (include/linux/fs.h). */
#define RULEC_FMODE_EXEC (1U << 5)
#define RULEC_FMODE_CREATED (1U << 20)

/* Inode types (include/uapi/linux/stat.h). */
#define RULEC_S_IFMT 00170000
#define RULEC_S_IFSOCK 0140000
#define RULEC_S_IFLNK 0120000
#define RULEC_S_IFREG 0100000
#define RULEC_S_IFBLK 0060000
#define RULEC_S_IFDIR 0040000
#define RULEC_S_IFCHR 0020000
#define RULEC_S_IFIFO 0010000
#define RULEC_S_IXUGO 00111

/* Filesystem magic numbers (include/uapi/linux/magic.h). */
#define RULEC_SOCKFS_MAGIC 0x534F434BUL
#define RULEC_PIPEFS_MAGIC 0x50495045UL
#define RULEC_ANON_INODE_FS_MAGIC 0x09041934UL
#define RULEC_PIDFS_MAGIC 0x50494446UL

/* Address families, socket types, protocols. */
#define RULEC_AF_UNIX 1
#define RULEC_AF_INET 2
#define RULEC_AF_INET6 10
#define RULEC_AF_NETLINK 16
#define RULEC_SOCK_STREAM 1
#define RULEC_SOCK_DGRAM 2
#define RULEC_SOCK_RAW 3
#define RULEC_IPPROTO_IP 0
#define RULEC_IPPROTO_ICMP 1
#define RULEC_IPPROTO_TCP 6
#define RULEC_IPPROTO_UDP 17
#define RULEC_IPPROTO_RAW 255
