/* Process facts from /proc, for the fields the kernel programs do not
 * capture (runtime/event.c's FR_PROCFS readers): the session leader, the
 * environment, start time, process group, capabilities, the executable's
 * inode. Each reads the live process: a process gone by the time its record
 * is read has none of them (Falco's <NA>). Strings are allocated in arena. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* One line of /proc/PID/stat's fields after the command (field 3 on), split: fields[i] is
 * stat's field i + 3 (state), NULL past the end. Returns the count, 0 when gone. */
size_t procfs_stat(uint32_t pid, char fields[][24], size_t nfields);

/* The environment as Falco's concatenate_all_env gives it (entries joined by ' '), or one
 * variable's value with name; NULL when unreadable or (with name) unset. */
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
