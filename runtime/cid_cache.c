#include "runtime/cid_cache.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/container_id.h"
#include "core/rulec_abi.h"

static int _map_fd = -1;
static struct cid_ctx *_ctx;

static struct cid_ctx *_lookup_ctx(void)
{
    if (!_ctx)
        _ctx = cid_ctx_new();
    return _ctx;
}

static bool _pid_name(const char *name, uint32_t *pid)
{
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    if (!name[0] || *end || v == 0 || v > UINT32_MAX)
        return false;
    *pid = (uint32_t)v;
    return true;
}

size_t cid_cache_count_processes(void)
{
    DIR *d = opendir("/proc");
    size_t n = 0;
    uint32_t pid;
    for (struct dirent *de; d && (de = readdir(d));)
        n += _pid_name(de->d_name, &pid);
    if (d)
        closedir(d);
    return n;
}

void cid_cache_bind(int map_fd)
{
    _map_fd = map_fd;
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

size_t cid_cache_seed(void)
{
    struct cid_ctx *ctx = _lookup_ctx();
    if (_map_fd < 0 || !ctx)
        return 0;
    cid_ctx_forget(ctx);
    DIR *d = opendir("/proc");
    size_t n = 0;
    uint32_t pid;
    for (struct dirent *de; d && (de = readdir(d));) {
        struct cid_process p;
        struct rulec_cid_entry e;
        if (!_pid_name(de->d_name, &pid) || cid_read_process(ctx, "/proc", (int)pid, &p) < 0)
            continue;
        _entry(&p, &e);
        /* BPF_NOEXIST: an entry the exec or fork hook stored meanwhile is newer. */
        n += bpf_map_update_elem(_map_fd, &pid, &e, BPF_NOEXIST) == 0;
    }
    if (d)
        closedir(d);
    cid_ctx_forget(ctx);
    return n;
}

int cid_cache_resolve(uint32_t pid, char *id, size_t idlen)
{
    struct cid_ctx *ctx = _lookup_ctx();
    struct cid_process p;
    if (!ctx)
        return -1;
    cid_ctx_forget(ctx); /* a fresh view of the cgroup tree */
    if (cid_read_process(ctx, "/proc", (int)pid, &p) < 0)
        return -1;
    snprintf(id, idlen, "%s", p.id);
    if (_map_fd >= 0) {
        /* Keep an entry the kernel computed for this very process since the event. */
        struct rulec_cid_entry cur, e;
        if (bpf_map_lookup_elem(_map_fd, &pid, &cur) != 0 || cur.start != p.start ||
            cur.status < 0) {
            _entry(&p, &e);
            bpf_map_update_elem(_map_fd, &pid, &e, BPF_ANY);
        }
    }
    return 0;
}

void cid_cache_free(void)
{
    cid_ctx_free(&_ctx);
    _map_fd = -1;
}

void cid_cache_unbind(int map_fd)
{
    if (_map_fd == map_fd)
        cid_cache_free();
}
