/* Loading a policy object into the kernel: open it with libbpf, set the
 * runtime's own pid, load (the verifier runs here), fill the set maps from
 * the metadata, put each group program into the dispatcher's table and
 * attach only the hooks the policy uses: the sys_exit dispatcher and, for a
 * policy that reads container.id, the exec, fork and exit programs of its
 * per-process cache, which is then seeded from /proc (runtime/cid_cache.h), and the exec and
 * fork programs of the process cache (runtime/proc_cache.h). */
#pragma once

#include <stddef.h>

#include "core/policy.h"

struct bpf_object;
struct cid_cache;
struct proc_cache;
struct ring_buffer;

/* Distinct failures, which `rulec run` maps to distinct exit statuses. */
enum loader_error {
    LOADER_OK = 0,
    LOADER_ERR_CORRUPT = -1,  /* the object cannot be opened as BPF, or contradicts its metadata */
    LOADER_ERR_PERM = -2,     /* not root / no CAP_BPF */
    LOADER_ERR_KERNEL = -3,   /* no BTF, no ring buffer, or another missing kernel feature */
    LOADER_ERR_VERIFIER = -4, /* the verifier rejected a program (log saved) */
    LOADER_ERR_ATTACH = -5,   /* attaching a hook failed */
};

struct loader {
    struct bpf_object *obj; /* while loading; closed once attached */
    struct bpf_link **links;
    size_t nlinks;
    int events_fd;     /* ring buffer map */
    int reserve_fd;    /* the ring buffer of Critical and above (RULEC_RESERVE_MAP) */
    int counters_fd;   /* per-CPU counters */
    int missed_fd;     /* matches no ring buffer took, per rule (RULEC_MISSED_MAP) */
    int procs_fd;      /* the same per rule and process (RULEC_MISSED_PROCS_MAP) */
    int syscalls_fd;   /* the dispatcher's table of group programs */
    int capture_fd;    /* the capture program's table */
    int cid_cache_fd;  /* the container.id cache, or -1 */
    int proc_cache_fd; /* the process cache (RULEC_PROC_CACHE_MAP), or -1 */
    int profile_fd;    /* a profiling build's timings (POLICY_PROFILE_MAP), or -1 */
    int dns_fd;        /* the names' addresses (RULEC_DNS_MAP, runtime/dns.h), or -1 */
    double load_ms;    /* open + load + fill + attach */
    /* container.id from /proc when the kernel left it undecided, which completes the kernel's
     * cache (runtime/cid_cache.h); NULL only when out of memory. Freed by loader_close. */
    struct cid_cache *cids;
    /* The process cache's reader (runtime/proc_cache.h), bound once attached; NULL only when out
     * of memory. Freed by loader_close. */
    struct proc_cache *procs;
};

/* A loader with nothing open: loader_close on it does nothing. */
void loader_init(struct loader *ld);

/* Loads the object in img (the bytes runtime/verify.h checked; img must outlive a failed
 * loader_open until loader_close, and may be freed once it succeeded). ringbuf_bytes == 0 keeps
 * the object's default. On error, err names the cause (and for LOADER_ERR_VERIFIER the file
 * holding the verifier's log). */
enum loader_error loader_open(struct loader *ld, const struct policy_image *img,
                              const struct policy_meta *meta, size_t ringbuf_bytes,
                              const char *verifier_log_path, char *err, size_t errlen);
/* loader_open in two steps, for a policy reloaded while another runs (SIGHUP): loader_load does
 * everything that takes time (open, the verifier, the set maps and tail-call tables) and
 * attaches nothing, so it may run in another thread; loader_attach (in the event loop's thread:
 * it binds the container.id cache, runtime/cid_cache.h) attaches the hooks, the dispatcher last,
 * and keeps only the descriptors. After a failure of either, loader_close. */
enum loader_error loader_load(struct loader *ld, const struct policy_image *img,
                              const struct policy_meta *meta, size_t ringbuf_bytes,
                              const char *verifier_log_path, char *err, size_t errlen);
enum loader_error loader_attach(struct loader *ld, const struct policy_meta *meta, char *err,
                                size_t errlen);
/* Detaches the programs: the kernel makes no more records or counts, the maps stay readable
 * (what is left in the ring buffers, the final counts). loader_close does it too. */
void loader_detach(struct loader *ld);
void loader_close(struct loader *ld);

/* Sums each counter over CPUs (indices: enum rulec_counter). */
int loader_counters(const struct loader *ld, unsigned long long *out, size_t n);
