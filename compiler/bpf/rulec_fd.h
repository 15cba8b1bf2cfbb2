/* rulec_fd.h - the file behind a file descriptor: the struct file in the task's table, its path
 * (fd.name of an fd found open) and Falco's fd.typechar letter for it.
 *
 * Verifier cost (see rulec_base.h): alone, the fd table lookup < 100, rulec_file_typechar < 1k
 * and the path ~9.5k with bounded loops (rulec_paths.h's walk). A one-rule policy on
 * fd.typechar verifies in ~2.9k: its filler (rulec_fields.h) also types opens and sockets. */
#pragma once

#include "rulec_paths.h"

/* The struct file behind fd in the task's table (task->files->fdt->fd[fd]); NULL if not open. */
static __always_inline struct file *rulec_fd_file(struct task_struct *task, long fd)
{
    struct fdtable *fdt = NULL;
    struct file **fds = NULL;
    struct file *f = NULL;
    unsigned int max_fds = 0;

    if (fd < 0 || BPF_CORE_READ_INTO(&fdt, task, files, fdt) || !fdt)
        return NULL;
    if (BPF_CORE_READ_INTO(&max_fds, fdt, max_fds) || fd >= max_fds)
        return NULL;
    if (BPF_CORE_READ_INTO(&fds, fdt, fd) || !fds)
        return NULL;
    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
    return f;
}

/* The path of an open file (see rulec_path_str): the kernel's resolved path. This is Falco's
 * fd.name for files found at startup; for fds opened while Falco runs, Falco's fd.name is the
 * lexical join of the open() argument (rulec_open_fd_name), which differs from this when the
 * argument went through a symlink. */
static __always_inline long rulec_file_path(struct rulec_scratch *s, struct file *f,
                                            char out[RULEC_PATH_MAX])
{
    out[0] = 0;
    if (!f)
        return RULEC_E_NOENT;
    return rulec_path_str(s, &f->f_path, out);
}

static __always_inline long rulec_fd_path(struct rulec_scratch *s, struct task_struct *task,
                                          long fd, char out[RULEC_PATH_MAX])
{
    return rulec_file_path(s, rulec_fd_file(task, fd), out);
}

/* Falco's fd.typechar letters (libsinsp fdinfo.h). */
#define RULEC_FD_FILE 'f'
#define RULEC_FD_DIRECTORY 'd'
#define RULEC_FD_IPV4_SOCK '4'
#define RULEC_FD_IPV6_SOCK '6'
#define RULEC_FD_UNIX_SOCK 'u'
#define RULEC_FD_FIFO 'p'
#define RULEC_FD_EVENT 'e'
#define RULEC_FD_SIGNALFD 's'
#define RULEC_FD_EVENTPOLL 'l'
#define RULEC_FD_INOTIFY 'i'
#define RULEC_FD_TIMERFD 't'
#define RULEC_FD_NETLINK 'n'
#define RULEC_FD_BPF 'b'
#define RULEC_FD_USERFAULTFD 'u'
#define RULEC_FD_IOURING 'r'
#define RULEC_FD_MEMFD 'm'
#define RULEC_FD_PIDFD 'P'
#define RULEC_FD_UNKNOWN 'o'

/* The socket family of a socket file, or a negative status. */
static __always_inline long rulec__sock_family(struct file *f)
{
    struct socket *sock = NULL;
    unsigned short family = 0;

    if (BPF_CORE_READ_INTO(&sock, f, private_data) || !sock)
        return RULEC_E_FAULT;
    if (BPF_CORE_READ_INTO(&family, sock, sk, __sk_common.skc_family))
        return RULEC_E_FAULT;
    return family;
}

/* fd.typechar from the kernel object behind the file: the type Falco gives an fd it finds in
 * /proc, and the type of fds made by socket(), pipe(), eventfd() and friends. For an fd the
 * open family just created, Falco decides from the flags instead: use rulec_open_typechar().
 * Returns the letter, or 0 if f is NULL or unreadable. */
static __always_inline char rulec_file_typechar(struct file *f)
{
    struct dentry *dentry = NULL, *d_parent = NULL;
    const unsigned char *name = NULL;
    unsigned short mode = 0;
    unsigned long magic = 0;
    long family;

    if (!f || BPF_CORE_READ_INTO(&mode, f, f_inode, i_mode) ||
        BPF_CORE_READ_INTO(&magic, f, f_inode, i_sb, s_magic))
        return 0;
    BPF_CORE_READ_INTO(&dentry, f, f_path.dentry);
    BPF_CORE_READ_INTO(&d_parent, dentry, d_parent);
    BPF_CORE_READ_INTO(&name, dentry, d_name.name);

    switch (mode & RULEC_S_IFMT) {
    case RULEC_S_IFSOCK:
        if (magic != RULEC_SOCKFS_MAGIC)
            return RULEC_FD_FILE; /* an O_PATH fd on a socket inode in a directory */
        family = rulec__sock_family(f);
        if (family == RULEC_AF_INET)
            return RULEC_FD_IPV4_SOCK;
        if (family == RULEC_AF_INET6)
            return RULEC_FD_IPV6_SOCK;
        if (family == RULEC_AF_UNIX)
            return RULEC_FD_UNIX_SOCK;
        if (family == RULEC_AF_NETLINK)
            return RULEC_FD_NETLINK;
        return RULEC_FD_UNKNOWN;
    case RULEC_S_IFIFO:
        return RULEC_FD_FIFO;
    case RULEC_S_IFDIR:
        return RULEC_FD_DIRECTORY;
    }
    if (magic == RULEC_PIDFS_MAGIC)
        return RULEC_FD_PIDFD;
    if (magic == RULEC_ANON_INODE_FS_MAGIC || dentry == d_parent) {
        /* Anonymous inodes are named after their type ("[eventfd]"); memfd_create() files are
         * parentless shmem/hugetlbfs dentries named "memfd:...". */
        if (RULEC__KSTR_PREFIX(name, "[eventfd]"))
            return RULEC_FD_EVENT;
        if (RULEC__KSTR_PREFIX(name, "[signalfd]"))
            return RULEC_FD_SIGNALFD;
        if (RULEC__KSTR_PREFIX(name, "[eventpoll]"))
            return RULEC_FD_EVENTPOLL;
        if (RULEC__KSTR_PREFIX(name, "inotify"))
            return RULEC_FD_INOTIFY;
        if (RULEC__KSTR_PREFIX(name, "[timerfd]"))
            return RULEC_FD_TIMERFD;
        if (RULEC__KSTR_PREFIX(name, "bpf-") || RULEC__KSTR_PREFIX(name, "bpf_"))
            return RULEC_FD_BPF;
        if (RULEC__KSTR_PREFIX(name, "[userfaultfd]"))
            return RULEC_FD_USERFAULTFD;
        if (RULEC__KSTR_PREFIX(name, "[io_uring]"))
            return RULEC_FD_IOURING;
        if (RULEC__KSTR_PREFIX(name, "[pidfd]"))
            return RULEC_FD_PIDFD;
        if (RULEC__KSTR_PREFIX(name, "memfd:"))
            return RULEC_FD_MEMFD;
        if (magic == RULEC_ANON_INODE_FS_MAGIC)
            return RULEC_FD_UNKNOWN;
    }
    return RULEC_FD_FILE; /* regular files, devices, and everything else with a path */
}
