#include "runtime/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/rulec_abi.h"
#include "runtime/cid_cache.h"
#include "runtime/proc_cache.h"

/* The verifier's log for the program that failed, collected through
 * libbpf's print callback (libbpf 1.1 prints it at warning level). */
static FILE *_vlog;

static int _libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (_vlog && level <= LIBBPF_WARN) {
        va_list copy;
        va_copy(copy, ap);
        vfprintf(_vlog, fmt, copy);
        va_end(copy);
    }
    if (getenv("RULEC_DEBUG_LIBBPF") || level == LIBBPF_WARN)
        return vfprintf(stderr, fmt, ap);
    return 0;
}

/* The map descriptors the loader keeps once attached, in the order loader_open dups them. */
#define _NFDS 11
static void _fds(struct loader *ld, int *out[_NFDS])
{
    int *all[_NFDS] = {&ld->events_fd,  &ld->reserve_fd,  &ld->counters_fd,  &ld->missed_fd,
                       &ld->procs_fd,   &ld->syscalls_fd, &ld->capture_fd,   &ld->cid_cache_fd,
                       &ld->profile_fd, &ld->dns_fd,      &ld->proc_cache_fd};
    memcpy(out, all, sizeof(all));
}

void loader_init(struct loader *ld)
{
    int *fds[_NFDS];
    memset(ld, 0, sizeof(*ld));
    _fds(ld, fds);
    for (size_t i = 0; i < _NFDS; i++)
        *fds[i] = -1;
}

static double _now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int _fill_set(struct bpf_object *obj, const struct policy_set *set, char *err, size_t errlen)
{
    struct bpf_map *map = bpf_object__find_map_by_name(obj, set->map);
    if (!map) {
        snprintf(err, errlen, "policy has no map '%s' (metadata and object disagree)", set->map);
        return -1;
    }
    int fd = bpf_map__fd(map);
    unsigned char *key = calloc(1, policy_set_key_size(set) + 1);
    unsigned char one = 1;
    if (!key)
        return -1;
    for (size_t i = 0; i < set->nvalues; i++) {
        if (policy_set_key(set, set->values[i], key) < 0) {
            free(key);
            snprintf(err, errlen, "set value that does not fit its map key in '%s'", set->map);
            return -1;
        }
        if (bpf_map_update_elem(fd, key, &one, BPF_ANY) < 0) {
            snprintf(err, errlen, "filling map '%s': %s", set->map, strerror(errno));
            free(key);
            return -1;
        }
    }
    free(key);
    return 0;
}

/* What the steps of loader_open hand on to each other. */
struct load_state {
    struct bpf_map *events;     /* the ring buffer */
    struct bpf_map *cid_cache;  /* the container.id cache, or NULL */
    struct bpf_map *proc_cache; /* the process cache, or NULL */
    int syscalls_fd;            /* the dispatcher's table */
    int capture_fd;             /* the capture program's table, or -1 */
};

/* Writes this process's tgid into rulec_self_tgid, found by name in the object's BTF (its place in
 * .rodata is the compiler's choice), so that the kernel never evaluates the rules on the
 * runtime's own syscalls. -1 when the policy has no such variable. */
static int _set_self_tgid(struct bpf_object *obj)
{
    const struct btf *btf = bpf_object__btf(obj);
    struct bpf_map *map, *rodata = NULL;
    bpf_object__for_each_map(map, obj)
    {
        if (strstr(bpf_map__name(map), ".rodata"))
            rodata = map;
    }
    int sec = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
    if (!rodata || sec < 0)
        return -1;
    const struct btf_type *t = btf__type_by_id(btf, (__u32)sec);
    const struct btf_var_secinfo *v = btf_var_secinfos(t);
    for (__u16 i = 0; i < btf_vlen(t); i++, v++) {
        const char *name = btf__name_by_offset(btf, btf__type_by_id(btf, v->type)->name_off);
        size_t sz = 0;
        const void *init = bpf_map__initial_value(rodata, &sz);
        if (!name || strcmp(name, "rulec_self_tgid") != 0 || v->size != sizeof(__u32) || !init ||
            v->offset + sizeof(__u32) > sz)
            continue;
        unsigned char *copy = malloc(sz);
        if (!copy)
            return -1;
        memcpy(copy, init, sz);
        __u32 self = (__u32)getpid();
        memcpy(copy + v->offset, &self, sizeof(self));
        int rc = bpf_map__set_initial_value(rodata, copy, sz);
        free(copy);
        return rc < 0 ? -1 : 0;
    }
    return -1;
}

static enum loader_error _classify_load_error(int rc)
{
    if (rc == -EPERM || rc == -EACCES)
        return LOADER_ERR_PERM;
    if (rc == -ENOTSUP || rc == -EOPNOTSUPP || rc == -ENOENT || rc == -ESRCH)
        return LOADER_ERR_KERNEL;
    return LOADER_ERR_VERIFIER;
}

/* libbpf names an object after its file, up to the first dot ("policy" for policy.bpf.o), and
 * prefixes its internal maps with it ("policy.rodata"); an object in memory gets the same name. */
static void _object_name(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, len, "%.*s", (int)strcspn(base, "."), base);
}

/* Opens the object from memory, as libbpf would from its file, and checks it is a policy. */
static enum loader_error _open(struct loader *ld, const struct policy_image *img,
                               struct load_state *st, char *err, size_t errlen)
{
    const char *path = img->path;
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        snprintf(err, errlen,
                 "this kernel has no BTF (/sys/kernel/btf/vmlinux): rulec needs a "
                 "kernel built with CONFIG_DEBUG_INFO_BTF (5.10 or later)");
        return LOADER_ERR_KERNEL;
    }
    libbpf_set_print(_libbpf_print);
    char obj_name[64];
    _object_name(path, obj_name, sizeof(obj_name));
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = obj_name);
    ld->obj = bpf_object__open_mem(img->data, img->size, &opts);
    if (!ld->obj) {
        snprintf(err, errlen, "%s: cannot open as a BPF object: %s", path, strerror(errno));
        return LOADER_ERR_CORRUPT;
    }
    if (_set_self_tgid(ld->obj) < 0) {
        snprintf(err, errlen,
                 "%s: no read-only rulec_self_tgid in the policy: it could not exclude this "
                 "process from its rules (corrupt policy)",
                 path);
        return LOADER_ERR_CORRUPT;
    }
    st->events = bpf_object__find_map_by_name(ld->obj, "rulec_events");
    if (!st->events || !bpf_object__find_map_by_name(ld->obj, "rulec_syscalls")) {
        snprintf(err, errlen, "%s: not a rulec policy (no rulec_events/rulec_syscalls map)", path);
        return LOADER_ERR_CORRUPT;
    }
    static const char *const required[] = {RULEC_RESERVE_MAP, RULEC_MISSED_MAP,
                                           RULEC_MISSED_PROCS_MAP};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (!bpf_object__find_map_by_name(ld->obj, required[i])) {
            snprintf(err, errlen, "%s: policy has no map '%s' (corrupt policy)", path, required[i]);
            return LOADER_ERR_CORRUPT;
        }
    return LOADER_OK;
}

/* A cache map the metadata names, with room for want entries (LRU beyond that). */
static enum loader_error _size_cache(struct loader *ld, const char *name, size_t want,
                                     struct bpf_map **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!name)
        return LOADER_OK;
    *out = bpf_object__find_map_by_name(ld->obj, name);
    if (!*out) {
        snprintf(err, errlen, "policy has no map '%s' (metadata and object disagree)", name);
        return LOADER_ERR_CORRUPT;
    }
    if (want > bpf_map__max_entries(*out))
        bpf_map__set_max_entries(*out, (__u32)want);
    return LOADER_OK;
}

/* The sizes set before load: the ring buffer's, and the per-process caches', with room for
 * four times the processes running now. */
static enum loader_error _size_maps(struct loader *ld, const struct policy_meta *meta,
                                    size_t ringbuf_bytes, struct load_state *st, char *err,
                                    size_t errlen)
{
    if (ringbuf_bytes)
        bpf_map__set_max_entries(st->events, (__u32)ringbuf_bytes);
    size_t want = meta->cid_cache || meta->proc_cache ? 4 * cid_cache_count_processes() : 0;
    enum loader_error e = _size_cache(ld, meta->cid_cache, want, &st->cid_cache, err, errlen);
    return e == LOADER_OK ? _size_cache(ld, meta->proc_cache, want, &st->proc_cache, err, errlen)
                          : e;
}

/* The verifier runs here; its log goes to verifier_log_path, kept only when it refused. */
static enum loader_error _load(struct loader *ld, const char *verifier_log_path, char *err,
                               size_t errlen)
{
    _vlog = verifier_log_path ? fopen(verifier_log_path, "w") : NULL;
    int rc = bpf_object__load(ld->obj);
    if (_vlog) {
        fclose(_vlog);
        _vlog = NULL;
    }
    if (rc < 0) {
        enum loader_error e = _classify_load_error(rc);
        if (e == LOADER_ERR_PERM)
            snprintf(err, errlen,
                     "loading the policy was refused (%s): run as root or with "
                     "CAP_BPF and CAP_PERFMON",
                     strerror(-rc));
        else if (e == LOADER_ERR_KERNEL)
            snprintf(err, errlen,
                     "the kernel lacks a feature the policy needs (%s): rulec needs "
                     "5.10+ with BTF and ring buffers",
                     strerror(-rc));
        else
            snprintf(err, errlen, "the BPF verifier rejected the policy (%s); its log is in %s",
                     strerror(-rc), verifier_log_path ? verifier_log_path : "(not saved)");
        return e;
    }
    if (verifier_log_path)
        unlink(verifier_log_path);
    return LOADER_OK;
}

/* The tables of tail-called programs: each hooked syscall's group program in the dispatcher's,
 * and the capture program the groups hand their candidates to. */
static enum loader_error _fill_tables(struct loader *ld, const struct policy_meta *meta,
                                      const char *path, struct load_state *st, char *err,
                                      size_t errlen)
{
    st->syscalls_fd = bpf_object__find_map_fd_by_name(ld->obj, "rulec_syscalls");
    for (size_t i = 0; i < meta->nhooks; i++) {
        const struct policy_hook *h = &meta->hooks[i];
        struct bpf_program *prog = bpf_object__find_program_by_name(ld->obj, h->program);
        if (!prog || h->nr < 0) {
            snprintf(err, errlen, "policy has no program '%s' for %s", h->program, h->event);
            return LOADER_ERR_CORRUPT;
        }
        __u32 key = (__u32)h->nr;
        int fd = bpf_program__fd(prog);
        if (bpf_map_update_elem(st->syscalls_fd, &key, &fd, BPF_ANY) < 0) {
            snprintf(err, errlen, "hooking %s (syscall %d): %s", h->event, h->nr, strerror(errno));
            return LOADER_ERR_CORRUPT;
        }
    }
    st->capture_fd = bpf_object__find_map_fd_by_name(ld->obj, "rulec_capture_prog");
    if (st->capture_fd >= 0) {
        struct bpf_program *capture = bpf_object__find_program_by_name(ld->obj, "rulec_capture");
        __u32 key = 0;
        int fd = capture ? bpf_program__fd(capture) : -1;
        if (fd < 0 || bpf_map_update_elem(st->capture_fd, &key, &fd, BPF_ANY) < 0) {
            snprintf(err, errlen, "%s: no capture program", path);
            return LOADER_ERR_CORRUPT;
        }
    }
    return LOADER_OK;
}

/* The dispatcher and the programs keeping per-process state are attached (group programs run
 * by tail call); the container.id cache is seeded between the two, after the hooks that keep it,
 * so that what they store from now on is not overwritten. */
static enum loader_error _attach(struct loader *ld, const struct policy_meta *meta,
                                 const char *path, const struct load_state *st, char *err,
                                 size_t errlen)
{
    struct bpf_program *dispatch = bpf_object__find_program_by_name(ld->obj, "rulec_dispatch");
    if (!dispatch) {
        snprintf(err, errlen, "%s: no dispatcher program", path);
        return LOADER_ERR_CORRUPT;
    }
    ld->links = calloc(1 + meta->nprograms, sizeof(*ld->links));
    if (!ld->links) {
        snprintf(err, errlen, "out of memory");
        return LOADER_ERR_CORRUPT;
    }
    for (size_t i = 0; i < meta->nprograms; i++) {
        const struct policy_program *p = &meta->programs[i];
        struct bpf_program *prog = bpf_object__find_program_by_name(ld->obj, p->program);
        if (!prog || strcmp(bpf_program__section_name(prog), p->attach) != 0) {
            snprintf(err, errlen, "policy has no program '%s' on %s", p->program, p->attach);
            return LOADER_ERR_CORRUPT;
        }
        ld->links[ld->nlinks] = bpf_program__attach(prog);
        if (!ld->links[ld->nlinks]) {
            snprintf(err, errlen, "attaching %s to %s: %s", p->program, p->attach, strerror(errno));
            return LOADER_ERR_ATTACH;
        }
        ld->nlinks++;
    }
    if (st->cid_cache && ld->cids) {
        cid_cache_bind(ld->cids, bpf_map__fd(st->cid_cache));
        cid_cache_seed(ld->cids);
    }
    if (st->proc_cache && ld->procs) {
        proc_cache_bind(ld->procs, bpf_map__fd(st->proc_cache));
        proc_cache_seed(ld->procs);
    }
    if (meta->nhooks) {
        ld->links[ld->nlinks] = bpf_program__attach(dispatch);
        if (!ld->links[ld->nlinks]) {
            snprintf(err, errlen, "attaching to sys_exit: %s", strerror(errno));
            return LOADER_ERR_ATTACH;
        }
        ld->nlinks++;
    }
    return LOADER_OK;
}

/* From here on only file descriptors are needed: libbpf's copy of the object (its BTF, the
 * programs' instructions) would stay resident for nothing. The links keep the programs attached
 * and the programs their maps; the tables of tail-called programs must keep a user-space
 * descriptor, or the kernel empties them. */
static enum loader_error _keep_fds(struct loader *ld, const struct load_state *st, char *err,
                                   size_t errlen)
{
    int keep[] = {bpf_map__fd(st->events),
                  bpf_object__find_map_fd_by_name(ld->obj, RULEC_RESERVE_MAP),
                  bpf_object__find_map_fd_by_name(ld->obj, "rulec_counters"),
                  bpf_object__find_map_fd_by_name(ld->obj, RULEC_MISSED_MAP),
                  bpf_object__find_map_fd_by_name(ld->obj, RULEC_MISSED_PROCS_MAP),
                  st->syscalls_fd,
                  st->capture_fd,
                  st->cid_cache ? bpf_map__fd(st->cid_cache) : -1,
                  bpf_object__find_map_fd_by_name(ld->obj, POLICY_PROFILE_MAP),
                  bpf_object__find_map_fd_by_name(ld->obj, RULEC_DNS_MAP),
                  st->proc_cache ? bpf_map__fd(st->proc_cache) : -1};
    int *dups[_NFDS];
    _fds(ld, dups);
    _Static_assert(sizeof(keep) / sizeof(keep[0]) == _NFDS, "one descriptor per map kept");
    for (size_t i = 0; i < _NFDS; i++) {
        *dups[i] = keep[i] >= 0 ? fcntl(keep[i], F_DUPFD_CLOEXEC, 3) : -1;
        if (keep[i] >= 0 && *dups[i] < 0) {
            snprintf(err, errlen, "dup: %s", strerror(errno));
            return LOADER_ERR_CORRUPT;
        }
    }
    if (ld->cid_cache_fd >= 0 && ld->cids)
        cid_cache_bind(ld->cids, ld->cid_cache_fd);
    if (ld->procs)
        proc_cache_bind(ld->procs, ld->proc_cache_fd);
    bpf_object__close(ld->obj);
    ld->obj = NULL;
    /* Give the freed load-time memory (libbpf's parse of the kernel's BTF among it) back. */
    malloc_trim(0);
    return LOADER_OK;
}

enum loader_error loader_load(struct loader *ld, const struct policy_image *img,
                              const struct policy_meta *meta, size_t ringbuf_bytes,
                              const char *verifier_log_path, char *err, size_t errlen)
{
    loader_init(ld);
    double start = _now_ms();
    ld->cids = cid_cache_new(-1);
    ld->procs = proc_cache_new(-1);
    struct load_state st = {.syscalls_fd = -1, .capture_fd = -1};
    enum loader_error e = _open(ld, img, &st, err, errlen);
    if (e == LOADER_OK)
        e = _size_maps(ld, meta, ringbuf_bytes, &st, err, errlen);
    if (e == LOADER_OK)
        e = _load(ld, verifier_log_path, err, errlen);
    for (size_t i = 0; e == LOADER_OK && i < meta->nsets; i++)
        if (_fill_set(ld->obj, &meta->sets[i], err, errlen) < 0)
            e = LOADER_ERR_CORRUPT;
    if (e == LOADER_OK)
        e = _fill_tables(ld, meta, img->path, &st, err, errlen);
    ld->load_ms = _now_ms() - start;
    return e;
}

enum loader_error loader_attach(struct loader *ld, const struct policy_meta *meta, char *err,
                                size_t errlen)
{
    double start = _now_ms();
    /* What loader_load's steps found, found again in the loaded object. */
    struct load_state st = {
        .events = bpf_object__find_map_by_name(ld->obj, "rulec_events"),
        .cid_cache =
            meta->cid_cache ? bpf_object__find_map_by_name(ld->obj, meta->cid_cache) : NULL,
        .proc_cache =
            meta->proc_cache ? bpf_object__find_map_by_name(ld->obj, meta->proc_cache) : NULL,
        .syscalls_fd = bpf_object__find_map_fd_by_name(ld->obj, "rulec_syscalls"),
        .capture_fd = bpf_object__find_map_fd_by_name(ld->obj, "rulec_capture_prog"),
    };
    enum loader_error e = _attach(ld, meta, "the policy", &st, err, errlen);
    if (e == LOADER_OK)
        e = _keep_fds(ld, &st, err, errlen);
    ld->load_ms += _now_ms() - start;
    return e;
}

enum loader_error loader_open(struct loader *ld, const struct policy_image *img,
                              const struct policy_meta *meta, size_t ringbuf_bytes,
                              const char *verifier_log_path, char *err, size_t errlen)
{
    enum loader_error e = loader_load(ld, img, meta, ringbuf_bytes, verifier_log_path, err, errlen);
    return e == LOADER_OK ? loader_attach(ld, meta, err, errlen) : e;
}

void loader_detach(struct loader *ld)
{
    /* The dispatcher was attached last: detached first, so no record is made after it. */
    for (size_t i = ld->nlinks; i-- > 0;)
        bpf_link__destroy(ld->links[i]);
    free(ld->links);
    ld->links = NULL;
    ld->nlinks = 0;
}

void loader_close(struct loader *ld)
{
    cid_cache_free(&ld->cids);
    proc_cache_free(&ld->procs);
    loader_detach(ld);
    bpf_object__close(ld->obj);
    int *fds[_NFDS];
    _fds(ld, fds);
    for (size_t i = 0; i < _NFDS; i++)
        if (*fds[i] >= 0)
            close(*fds[i]);
    loader_init(ld);
}

int loader_counters(const struct loader *ld, unsigned long long *out, size_t n)
{
    int ncpu = libbpf_num_possible_cpus();
    if (ncpu <= 0 || ld->counters_fd < 0)
        return -1;
    __u64 *values = calloc((size_t)ncpu, sizeof(__u64));
    if (!values)
        return -1;
    for (size_t i = 0; i < n; i++) {
        __u32 key = (__u32)i;
        out[i] = 0;
        if (bpf_map_lookup_elem(ld->counters_fd, &key, values) == 0)
            for (int c = 0; c < ncpu; c++)
                out[i] += values[c];
    }
    free(values);
    return 0;
}
