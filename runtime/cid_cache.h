/* The kernel's per-process container.id cache (compiler/bpf/rulec_cache.h) seen from userspace:
 * seeded from /proc at startup for the processes already running, and completed on each miss
 * the kernel sends up as "maybe". The ids are computed by core/container_id.c, Falco's
 * algorithm, so the kernel and the runtime agree on every process. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The number of processes running now (for sizing the map before load). */
size_t cid_cache_count_processes(void);

/* Sets the cache map that seeding and misses write to; -1: none (ids are still computed). */
void cid_cache_bind(int map_fd);

/* Stores the id of every running process the kernel has no entry for; returns how many were
 * stored. Call it after the exec, fork and exit hooks are attached, so that nothing a hook
 * stores later is overwritten with an older value. */
size_t cid_cache_seed(void);

/* container.id of process pid (its tgid), from /proc, for an event the kernel could not
 * decide; also stores it in the map. Returns 0, or -1 when the process is gone. */
int cid_cache_resolve(uint32_t pid, char *id, size_t idlen);

/* Frees what the lookups keep (the cgroup mounts and the directory memo). */
void cid_cache_free(void);
/* A loader closing its map: unbound if it is the one bound (map_fd -1: none was bound); with
 * nothing bound any more, what the lookups keep is freed too. */
void cid_cache_unbind(int map_fd);
