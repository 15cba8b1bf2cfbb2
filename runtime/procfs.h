/* Process facts from /proc, for the fields the kernel programs do not
 * capture (runtime/event_proc.c's FR_PROCFS readers): names, command lines,
 * the environment, start time, process groups and sessions, capabilities,
 * the executable's inode, file descriptors. Each reads the live process: a
 * process gone by the time its record is read has none of them (Falco's
 * <NA>), and one that changed since (exec, setsid, close) shows its new
 * state. Strings are allocated in arena. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* /proc/PID/WHAT's bytes, NUL-terminated, and their count in *len: at most 4095, as libsinsp
 * keeps 4096 bytes of arguments and environment. NULL when unreadable or empty. */
char *procfs_read(struct arena *arena, uint32_t pid, const char *what, size_t *len);

/* Where the link /proc/PID/WHAT (exe, cwd, fd/N) points, without the " (deleted)" of a deleted
 * file: Falco keeps the path. NULL when unreadable. */
char *procfs_readlink(struct arena *arena, uint32_t pid, const char *what);

/* The thread's name (comm) without its newline; NULL when gone. */
char *procfs_comm(struct arena *arena, uint32_t pid);

/* Calls fn for each process in /proc (its tgid); returns how many calls returned true. */
size_t procfs_foreach_pid(bool (*fn)(uint32_t pid, void *ctx), void *ctx);

/* The parent process (stat's field 4); 0 when gone or for the root of the tree. */
uint32_t procfs_ppid(uint32_t pid);

/* The command line as libsinsp holds it (sinsp_threadinfo::set_args): exe is argv[0], args the
 * arguments after it, split at each NUL once the last NUL is dropped ("a\0\0" is a and ""). */
struct procfs_argv {
    const char *exe;
    const char **args;
    size_t nargs;
};
/* Returns false when the process is gone or has no command line (a kernel thread). */
bool procfs_argv(struct arena *arena, uint32_t pid, struct procfs_argv *out);
/* The same split of n bytes at raw (raw[n] must be writable and is set to NUL), in place. */
void procfs_split_argv(struct arena *arena, char *raw, size_t n, struct procfs_argv *out);

/* The numbers of /proc/PID/status the process fields read. The namespaced ids are those of the
 * process's own pid namespace (the last of each list). */
struct procfs_status {
    long threads;  /* Threads: the live threads of the process */
    long vpid;     /* NSpid */
    long vpgid;    /* NSpgid */
    long vsid;     /* NSsid */
    bool in_pidns; /* NSpid lists more than one id: the process is in a child pid namespace */
};
/* Returns -1 when the process is gone or the kernel has no NSpid (before 4.1). */
int procfs_status(uint32_t pid, struct procfs_status *out);

/* The number of open file descriptors (/proc/PID/fd's entries); -1 when unreadable. */
long procfs_fd_count(uint32_t pid);

/* fd N's type as libsinsp's fd table names it (sinsp_fdinfo::get_typestring: "file",
 * "directory", "pipe", "ipv4", "ipv6", "unix", "netlink", "event", "eventpoll", ...), with
 * its name in *name where libsinsp's name does not depend on when the fd was opened (a file's
 * or directory's path; NULL for pipes, sockets and anonymous inodes). NULL when the fd is not
 * open or libsinsp would not know its type. */
const char *procfs_fd_type(struct arena *arena, uint32_t pid, int fd, const char **name);

/* One line of /proc/PID/stat's fields after the command (field 3 on), split: fields[i] is
 * stat's field i + 3 (state), NULL past the end. Returns the count, 0 when gone. */
size_t procfs_stat(uint32_t pid, char fields[][24], size_t nfields);

/* The environment as Falco's concatenate_all_env gives it (entries joined by ' '), or one
 * variable's value with name ("" when unset, as get_env); NULL when unreadable. */
char *procfs_env(struct arena *arena, uint32_t pid, const char *name);

/* Capabilities of a thread, "CAP_CHOWN CAP_KILL ..." as libsinsp's caps_to_string; which is
 * "CapEff", "CapPrm" or "CapInh". NULL when unreadable. */
char *procfs_caps(struct arena *arena, uint32_t pid, uint32_t tid, const char *which);

/* The process's start, nanoseconds since boot (clock-tick precision); 0 when unreadable. */
uint64_t procfs_start_ns(uint32_t pid);

/* The process group id and the pid as seen in the process's own pid namespace: whether it
 * leads its process group there (proc.is_vpgid_leader). -1 when unreadable. */
int procfs_is_vpgid_leader(uint32_t pid);

/* The executable's inode number, status-change and modification times (ns since the epoch).
 * Returns -1 when unreadable. */
int procfs_exe_inode(uint32_t pid, uint64_t *ino, uint64_t *ctime_ns, uint64_t *mtime_ns);
