/* The kernel's per-process container.id cache (compiler/bpf/rulec_cache.h) seen from userspace:
 * seeded from /proc at startup for the processes already running, and completed on each miss
 * the kernel sends up as "maybe". The ids are computed by core/container_id.c, Falco's
 * algorithm, so the kernel and the runtime agree on every process. The loader owns the one
 * cache of a run (runtime/loader.h) and the engine reads container.id through it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct cid_cache;

/* The number of processes running now (for sizing the map before load). */
size_t cid_cache_count_processes(void);

/* A cache that writes to the map map_fd, or to none (-1: ids are still computed); NULL when out
 * of memory. Free with cid_cache_free, which accepts NULL. */
struct cid_cache *cid_cache_new(int map_fd);
void cid_cache_free(struct cid_cache **cache);

/* Sets the map that seeding and misses write to (-1: none). */
void cid_cache_bind(struct cid_cache *cache, int map_fd);

/* Stores the id of every running process the kernel has no entry for; returns how many were
 * stored. Call it after the exec, fork and exit hooks are attached, so that nothing a hook
 * stores later is overwritten with an older value. */
size_t cid_cache_seed(struct cid_cache *cache);

/* container.id of process pid (its tgid), from /proc, for an event the kernel could not
 * decide; also stores it in the map. Returns 0, or -1 when the process is gone. */
int cid_cache_resolve(struct cid_cache *cache, uint32_t pid, char *id, size_t idlen);

/* Thread tid's cgroups as libs' modern probe reports them (the paths container.id is computed
 * from): thread.cgroups. cache may be NULL. Returns 0, or -1 when the thread is gone. */
struct cid_cgroups;
int cid_cache_cgroups(struct cid_cache *cache, uint32_t pid, uint32_t tid, struct cid_cgroups *out);
