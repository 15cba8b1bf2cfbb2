/* The kernel's process cache (compiler/bpf/rulec_pcache.h) seen from userspace: a process's name,
 * command line, executable path and parent as they were at its exec (or its fork), kept after it
 * exits. runtime/event_proc.c reads it for the process fields the record does not carry when
 * /proc no longer has the process, so that the parent of a short-lived process still has a
 * proc.pcmdline. The loader owns the one cache of a run (runtime/loader.h) and binds it to the
 * policy's map. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "runtime/procfs.h"

struct arena;
struct proc_cache;

/* A cache reading the map map_fd, or none (-1: every lookup misses); NULL when out of memory.
 * Free with proc_cache_free, which accepts NULL. */
struct proc_cache *proc_cache_new(int map_fd);
void proc_cache_free(struct proc_cache **cache);
void proc_cache_bind(struct proc_cache *cache, int map_fd);

/* Stores every running process the kernel has no entry for, from /proc, as Falco's thread table
 * starts from a /proc scan; returns how many. Call it after the exec and fork programs are
 * attached, so that nothing they store later is overwritten with an older value. */
size_t proc_cache_seed(struct proc_cache *cache);

/* What the kernel kept of process pid (its tgid). Strings are allocated in arena. */
struct proc_cached {
    const char *comm;
    const char *exepath;   /* NULL when the kernel could not resolve it whole */
    struct procfs_argv av; /* exe (argv[0]) and the arguments, at most RULEC_PROC_ARGS_LEN bytes
                            * of them; exe NULL when none were read */
    uint32_t ppid;         /* the parent at the exec or fork; 0 when unknown */
};
/* Returns false when cache is NULL or has no entry for pid. */
bool proc_cache_get(const struct proc_cache *cache, struct arena *arena, uint32_t pid,
                    struct proc_cached *out);
