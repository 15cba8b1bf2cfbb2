#include "runtime/cid_cache.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/container_id.h"
#include "core/rulec_abi.h"
#include "runtime/procfs.h"

struct cid_cache {
    int map_fd;          /* the kernel's cache, or -1 */
    struct cid_ctx *ctx; /* the cgroup mounts and the directory memo, made at first use */
};

static struct cid_ctx *_lookup_ctx(struct cid_cache *cache)
{
    if (!cache->ctx)
        cache->ctx = cid_ctx_new();
    return cache->ctx;
}

static bool _count(uint32_t pid, void *ctx)
{
    (void)pid;
    (void)ctx;
    return true;
}

size_t cid_cache_count_processes(void)
{
    return procfs_foreach_pid(_count, NULL);
}

struct cid_cache *cid_cache_new(int map_fd)
{
    struct cid_cache *cache = calloc(1, sizeof(*cache));
    if (cache)
        cache->map_fd = map_fd;
    return cache;
}

void cid_cache_free(struct cid_cache **cache)
{
    if (!*cache)
        return;
    cid_ctx_free(&(*cache)->ctx);
    free(*cache);
    *cache = NULL;
}

void cid_cache_bind(struct cid_cache *cache, int map_fd)
{
    cache->map_fd = map_fd;
}

/* The kernel's entry for what userspace computed. */
static void _entry(const struct cid_process *p, struct rulec_cid_entry *e)
{
    size_t len = strlen(p->id);
    memset(e, 0, sizeof(*e));
    if (len >= RULEC_CID_LEN) {
        len = RULEC_CID_LEN - 1;
        e->status = (int32_t)len | RULEC_CID_TRUNCATED; /* the kernel says "maybe" */
    } else {
        e->status = (int32_t)len;
    }
    memcpy(e->id, p->id, len);
    e->start = p->start;
    memcpy(e->cgroups, p->cgroups, sizeof(e->cgroups));
}

static bool _seed_one(uint32_t pid, void *ctx)
{
    struct cid_cache *cache = ctx;
    struct cid_process p;
    struct rulec_cid_entry e;
    if (cid_read_process(cache->ctx, "/proc", (int)pid, &p) < 0)
        return false;
    _entry(&p, &e);
    /* BPF_NOEXIST: an entry the exec or fork hook stored meanwhile is newer. */
    return bpf_map_update_elem(cache->map_fd, &pid, &e, BPF_NOEXIST) == 0;
}

size_t cid_cache_seed(struct cid_cache *cache)
{
    struct cid_ctx *ctx = _lookup_ctx(cache);
    if (cache->map_fd < 0 || !ctx)
        return 0;
    cid_ctx_forget(ctx);
    size_t n = procfs_foreach_pid(_seed_one, cache);
    cid_ctx_forget(ctx);
    return n;
}

int cid_cache_resolve(struct cid_cache *cache, uint32_t pid, char *id, size_t idlen)
{
    struct cid_ctx *ctx = _lookup_ctx(cache);
    struct cid_process p;
    if (!ctx)
        return -1;
    cid_ctx_forget(ctx); /* a fresh view of the cgroup tree */
    if (cid_read_process(ctx, "/proc", (int)pid, &p) < 0)
        return -1;
    snprintf(id, idlen, "%s", p.id);
    if (cache->map_fd >= 0) {
        /* Keep an entry the kernel computed for this very process since the event. */
        struct rulec_cid_entry cur, e;
        if (bpf_map_lookup_elem(cache->map_fd, &pid, &cur) != 0 || cur.start != p.start ||
            cur.status < 0) {
            _entry(&p, &e);
            bpf_map_update_elem(cache->map_fd, &pid, &e, BPF_ANY);
        }
    }
    return 0;
}

int cid_cache_cgroups(struct cid_cache *cache, uint32_t pid, uint32_t tid, struct cid_cgroups *out)
{
    /* Without a cache (no policy loaded: tests, tools), the cgroup mounts are read for this call.
     */
    struct cid_ctx *own = cache ? NULL : cid_ctx_new();
    struct cid_ctx *ctx = cache ? _lookup_ctx(cache) : own;
    char path[64];
    int rc = -1;
    if (!ctx)
        return -1;
    cid_ctx_forget(ctx);
    snprintf(path, sizeof(path), "/proc/%u/task/%u", pid, tid ? tid : pid);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        rc = cid_read_cgroups(ctx, fd, out);
        close(fd);
    }
    cid_ctx_free(&own);
    return rc;
}
