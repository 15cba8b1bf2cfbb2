#include "runtime/proc_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/arena.h"
#include "core/rulec_abi.h"

struct proc_cache {
    int map_fd; /* the kernel's cache, or -1 */
};

struct proc_cache *proc_cache_new(int map_fd)
{
    struct proc_cache *cache = calloc(1, sizeof(*cache));
    if (cache)
        cache->map_fd = map_fd;
    return cache;
}

void proc_cache_free(struct proc_cache **cache)
{
    free(*cache);
    *cache = NULL;
}

void proc_cache_bind(struct proc_cache *cache, int map_fd)
{
    cache->map_fd = map_fd;
}

/* The entry of a running process, from /proc; false when it is gone. */
static bool _from_proc(struct arena *arena, uint32_t pid, struct rulec_proc_entry *e)
{
    char stat[20][24];
    size_t n = 0;
    char *comm = procfs_comm(arena, pid);
    /* stat's field 4 is the parent, field 22 the start time (ticks since boot). */
    if (!comm || procfs_stat(pid, stat, 20) < 20)
        return false;
    memset(e, 0, sizeof(*e));
    e->ppid = (uint32_t)strtoul(stat[1], NULL, 10);
    e->start = strtoull(stat[19], NULL, 10);
    snprintf(e->comm, sizeof(e->comm), "%s", comm);
    char *exe = procfs_readlink(arena, pid, "exe");
    if (exe && strlen(exe) < sizeof(e->exepath)) {
        memcpy(e->exepath, exe, strlen(exe) + 1);
        e->flags |= RULEC_PROC_EXEPATH_OK;
    }
    char *args = procfs_read(arena, pid, "cmdline", &n);
    if (args) {
        n = n > sizeof(e->args) ? sizeof(e->args) : n;
        memcpy(e->args, args, n);
        e->args_len = (uint32_t)n;
    }
    return true;
}

static bool _seed_one(uint32_t pid, void *ctx)
{
    struct proc_cache *cache = ctx;
    struct arena *arena = arena_new();
    struct rulec_proc_entry e;
    /* BPF_NOEXIST: an entry the exec or fork program stored meanwhile is newer. */
    bool stored = _from_proc(arena, pid, &e) &&
                  bpf_map_update_elem(cache->map_fd, &pid, &e, BPF_NOEXIST) == 0;
    arena_free(&arena);
    return stored;
}

size_t proc_cache_seed(struct proc_cache *cache)
{
    return cache->map_fd < 0 ? 0 : procfs_foreach_pid(_seed_one, cache);
}

bool proc_cache_get(const struct proc_cache *cache, struct arena *arena, uint32_t pid,
                    struct proc_cached *out)
{
    struct rulec_proc_entry e;
    if (!cache || cache->map_fd < 0 || bpf_map_lookup_elem(cache->map_fd, &pid, &e) != 0)
        return false;
    memset(out, 0, sizeof(*out));
    out->comm = arena_strndup(arena, e.comm, strnlen(e.comm, sizeof(e.comm)));
    if (e.flags & RULEC_PROC_EXEPATH_OK)
        out->exepath = arena_strndup(arena, e.exepath, strnlen(e.exepath, sizeof(e.exepath)));
    size_t len = e.args_len < sizeof(e.args) ? e.args_len : sizeof(e.args);
    if (len) {
        /* A truncated area ends inside an argument: split it as if that one ended there. */
        procfs_split_argv(arena, arena_strndup(arena, e.args, len), len, &out->av);
    }
    out->ppid = e.ppid;
    return true;
}
