/* rulec_cgroup.h - container.id from the process's cgroups, as Falco's container plugin computes
 * it: the cgroups of five subsystems, and the container engines' layouts matched on each path.
 *
 * Verifier cost (see rulec_base.h): the matcher runs in one global function
 * (rulec_cgroup_id_at), so the verifier walks it once per program that calls it, not once per
 * subsystem. Generated policies run it in one program only, at exec, and keep the result per
 * process (rulec_cache.h): that program verifies in ~24k, and a rule on container.id costs its
 * group program ~0.4k (a cache lookup). */
#pragma once

#include "rulec_base.h"

#define RULEC_CONTAINER_ID_MAX 16 /* 12 hex characters (or "host") and the NUL */
#define RULEC_CGROUP_PATH_MAX 256 /* one cgroup path as Falco builds it */
#define RULEC_CGROUP_DEPTH 6      /* Falco's modern probe keeps the 6 deepest components */
#define RULEC_CGROUP_NSUBSYS 5    /* cpuset, cpu, cpuacct, io, memory: Falco's order */

_Static_assert((RULEC_CGROUP_PATH_MAX & (RULEC_CGROUP_PATH_MAX - 1)) == 0,
               "RULEC_CGROUP_PATH_MAX: power of two");

/* Falco (the container plugin) computes container.id once per process, at clone/execve, from the
 * paths of the cgroup subsystems cpuset, cpu, cpuacct, io and memory in that order, as libs'
 * modern probe sends them: "/" and the 6 deepest kernfs components. For each path it tries the
 * engines podman, docker, cri, containerd, lxc, libvirt_lxc, bpm; the first match wins and gives
 * a container id, no match at all gives "host". The runc-style engines look for
 * <prefix><64 hex><suffix> with rfind() and report the first 12 characters:
 *   podman      /libpod-<id>.scope  /libpod-<id>.scope/container  /libpod-<id>
 *   docker      /<id>  /docker-<id>.scope
 *   cri         /<id>  /crio-<id>  /cri-containerd-<id>.scope  /crio-<id>.scope
 *               :cri-containerd:<id>  /docker-<id>.scope
 *   containerd  /<ns>/<id>: the first non-last component that is a name ([A-Za-z0-9]+ joined by
 *               single [._-]) is a namespace; what follows its last occurrence is the id when it is
 *               64 hex, or (1..64 characters) when the path does not end in .service, .slice or
 *               .scope. So "/process_api/f6ee11465ae54ae2c9f1061da2ccf7b2" is a container.
 * All of that is reproduced here, including the quirk that the hex check looks at absolute
 * positions below 64 only. lxc, libvirt_lxc and bpm paths (any "lxc" or "bpm-" in the path), a
 * containerd namespace that occurs twice, and paths over RULEC_CGROUP_PATH_MAX give
 * RULEC_E_AMBIGUOUS: the predicate treats those as "maybe".
 */

#define RULEC__W(a, b, c, d, e, f, g, h)                                                           \
    (((__u64)(a) << 56) | ((__u64)(b) << 48) | ((__u64)(c) << 40) | ((__u64)(d) << 32) |           \
     ((__u64)(e) << 24) | ((__u64)(f) << 16) | ((__u64)(g) << 8) | (__u64)(h))

/* Character classes for the cgroup scan: 1 hex digit, 2 alphanumeric, 4 one of "._-". */
#define RULEC__C(ch)                                                                               \
    ((((ch) >= '0' && (ch) <= '9') || ((ch) >= 'a' && (ch) <= 'f') || ((ch) >= 'A' && (ch) <= 'F') \
          ? 1                                                                                      \
          : 0) |                                                                                   \
     ((((ch) >= '0' && (ch) <= '9') || ((ch) >= 'a' && (ch) <= 'z') ||                             \
       ((ch) >= 'A' && (ch) <= 'Z'))                                                               \
          ? 2                                                                                      \
          : 0) |                                                                                   \
     (((ch) == '.' || (ch) == '_' || (ch) == '-') ? 4 : 0))
#define RULEC__C4(b) RULEC__C(b), RULEC__C(b + 1), RULEC__C(b + 2), RULEC__C(b + 3)
#define RULEC__C16(b) RULEC__C4(b), RULEC__C4(b + 4), RULEC__C4(b + 8), RULEC__C4(b + 12)
#define RULEC__C64(b) RULEC__C16(b), RULEC__C16(b + 16), RULEC__C16(b + 32), RULEC__C16(b + 48)

/* The matcher's state (in a per-CPU map: rulec_cgroup_work). */
#define RULEC__CG_NCAND 9

struct rulec_cgroup_scan {
    char p[2 * RULEC_CGROUP_PATH_MAX]; /* "/a/b/c" as Falco builds it */
    __u64 kn[8];
    __u16 off[8];  /* component start offsets in p */
    __u16 len[8];  /* component lengths */
    __u32 hash[8]; /* component hashes, to compare components cheaply */
    __u8 name[8];  /* component is a valid containerd namespace name */
    __s32 cand_start[RULEC__CG_NCAND], cand_end[RULEC__CG_NCAND];
    __u32 n; /* path length */
    __u32 k; /* number of components */
    /* byte-scan state */
    __u64 w, nonhex, has_other, ci, h, v;
    __s64 last_scope, last_ontainer, last_tainerd;
    __s64 libpod, docker, crio, cricd, ns; /* component indexes, -1 if none */
};

/* Read-only data (.rodata), not state: a table keeps the per-byte scan free of branches. */
static const __u8 rulec__cg_class[256] = {RULEC__C64(0), RULEC__C64(64), RULEC__C64(128),
                                          RULEC__C64(192)};

/* Branch-free helpers: the BPF instruction set has no conditional move, so "x == 0" and
 * "b ? x : y" would become branches, and each branch in a byte loop multiplies the paths the
 * verifier walks. RULEC_OPAQUE stops clang from turning the arithmetic back into compares. The
 * select multiplies instead of masking: recent verifiers split the state in two when a value
 * known to be 0 or -1 is ANDed with a constant, which a mask would trigger on every byte. */
static __always_inline __u64 rulec__is0(__u64 x)
{
    __u64 t = x | (0 - x);

    RULEC_OPAQUE(t);
    return (t >> 63) ^ 1;
}

static __always_inline __u64 rulec__sel(__u64 b, __u64 x, __u64 y)
{
    RULEC_OPAQUE(b);
    return y + b * (x - y);
}

static __always_inline struct kernfs_node *rulec__kn_parent(struct kernfs_node *kn)
{
    struct kernfs_node *parent = NULL;

    if (bpf_core_field_exists(kn->parent))
        BPF_CORE_READ_INTO(&parent, kn, parent);
    else
        BPF_CORE_READ_INTO(&parent, (struct kernfs_node___v615 *)kn, __parent);
    return parent;
}

/* Builds "/c1/.../ck" for cgroup kernfs node kn into c->p: the deepest RULEC_CGROUP_DEPTH
 * components, as libs' modern probe does. Returns 0 or a negative status. */
static __always_inline long rulec__cg_build(struct rulec_cgroup_scan *c, struct kernfs_node *kn)
{
    struct kernfs_node *parent;
    const char *name = NULL;
    __u32 off;
    long r;

    /* Collect the components leaf first; the root (no parent) has an empty name. */
    RULEC_MEM(c->k) = 0;
    for (int i = 0; i < RULEC_CGROUP_DEPTH; i++) {
        if (!kn)
            break;
        parent = rulec__kn_parent(kn);
        if (!parent)
            break;
        c->kn[i] = (__u64)kn;
        RULEC_MEM(c->k) = i + 1;
        kn = parent;
    }
    c->p[0] = '/';
    c->p[1] = 0;
    RULEC_MEM(c->n) = 1;
    RULEC_MEM(c->off[0]) = 1;
    for (__u32 j = 0; j < RULEC_CGROUP_DEPTH; j++) {
        __u32 k = RULEC_MEM(c->k);

        if (j >= k)
            break;
        kn = (struct kernfs_node *)c->kn[(k - 1 - j) & 7];
        if (BPF_CORE_READ_INTO(&name, kn, name) || !name)
            return RULEC_E_FAULT;
        off = RULEC_MEM(c->n) - (j == 0 ? 1 : 0); /* "/" alone becomes the first '/' */
        c->p[off & (RULEC_CGROUP_PATH_MAX - 1)] = '/';
        off++;
        r = bpf_probe_read_kernel_str(&c->p[off & (RULEC_CGROUP_PATH_MAX - 1)],
                                      RULEC_CGROUP_PATH_MAX, name);
        if (r <= 0)
            return RULEC_E_FAULT;
        c->off[j & 7] = off;
        c->len[j & 7] = r - 1;
        off += r - 1;
        if (off >= RULEC_CGROUP_PATH_MAX - 1)
            return RULEC_E_TOOLONG;
        RULEC_MEM(c->n) = off;
    }
    return 0;
}

/* One byte of the scan, without branches: the last positions of ".scope", of "ontainer" and of
 * "tainerd:" (the tails of ".scope/container" and ":cri-containerd:", checked whole afterwards),
 * whether "lxc" or "bpm-" occur, which of the first 64 bytes are not hex digits, and per
 * component a hash and whether it is a containerd namespace name ([A-Za-z0-9]+ joined by
 * single [._-]). */
static __always_inline void rulec__cg_scan_byte(struct rulec_cgroup_scan *c, __u32 i)
{
    __u64 ch = (__u8)c->p[i & (RULEC_CGROUP_PATH_MAX - 1)];
    __u64 cls = rulec__cg_class[ch & 0xff];
    __u64 w = (RULEC_MEM(c->w) << 8) | ch, slash, v, ci, x;

    RULEC_MEM(c->w) = w;
    x = rulec__is0((w & 0xffffffffffffULL) ^ RULEC__W(0, 0, '.', 's', 'c', 'o', 'p', 'e'));
    RULEC_MEM(c->last_scope) = rulec__sel(x, i - 5, RULEC_MEM(c->last_scope));
    x = rulec__is0(w ^ RULEC__W('o', 'n', 't', 'a', 'i', 'n', 'e', 'r'));
    RULEC_MEM(c->last_ontainer) = rulec__sel(x, i - 7, RULEC_MEM(c->last_ontainer));
    x = rulec__is0(w ^ RULEC__W('t', 'a', 'i', 'n', 'e', 'r', 'd', ':'));
    RULEC_MEM(c->last_tainerd) = rulec__sel(x, i - 7, RULEC_MEM(c->last_tainerd));
    RULEC_MEM(c->has_other) |=
        rulec__is0((w & 0xffffff) ^ RULEC__W(0, 0, 0, 0, 0, 'l', 'x', 'c')) |
        rulec__is0((w & 0xffffffff) ^ RULEC__W(0, 0, 0, 0, 'b', 'p', 'm', '-'));
    if (i < 64)
        RULEC_MEM(c->nonhex) |= ((cls & 1) ^ 1) << i;

    /* Components: a '/' starts the next one (ci counts them from 0 after the first '/'). */
    slash = rulec__is0(ch ^ '/');
    ci = RULEC_MEM(c->ci) + slash;
    RULEC_MEM(c->ci) = ci;
    RULEC_MEM(c->h) = rulec__sel(slash, 5381, RULEC_MEM(c->h) * 33 + ch);
    /* Name validity: 0 start, 1 after an alnum, 2 after a separator, 3 invalid; the input
     * class is 0 other, 1 alnum, 2 separator. The next state is the 2 bits at 2 * (4v + class)
     * of NEXT: from 0 {3,1,3,3}, from 1 {3,1,2,3}, from 2 {3,1,3,3}, from 3 {3,3,3,3}. */
#define RULEC__NEXT 0xfff7e7f7ULL
    v = (RULEC__NEXT >> (2 * ((RULEC_MEM(c->v) & 3) * 4 + ((cls >> 1) & 3)))) & 3;
    v = rulec__sel(slash, 0, v);
    RULEC_MEM(c->v) = v;
    c->hash[ci & 7] = RULEC_MEM(c->h);
    c->name[ci & 7] = rulec__is0(v ^ 1);
}

/* Whether the 16 bytes at pos are lit (pos may be -1 or out of the path: then no). */
static __always_inline bool rulec__cg_at16(struct rulec_cgroup_scan *c, long pos, const char *lit)
{
    if (pos < 0 || pos + 16 > RULEC_MEM(c->n))
        return false;
    for (__u32 i = 0; i < 16; i++)
        if (c->p[(pos + i) & (RULEC_CGROUP_PATH_MAX - 1)] != lit[i])
            return false;
    return true;
}

/* rfind(lit) for a 16-byte lit from the last position of its 8-byte tail: the last whole
 * occurrence ends at some occurrence of the tail, so if the last tail is not part of a whole
 * one the answer is unknown (-2); -1 if the tail never occurs. */
static __always_inline long rulec__cg_rfind16(struct rulec_cgroup_scan *c, long tail,
                                              const char *lit)
{
    if (tail < 0)
        return -1;
    return rulec__cg_at16(c, tail - 8, lit) ? tail - 8 : -2;
}

/* hexcheck: Falco's cgroup.find_first_not_of(hex, start) >= 64, on absolute positions. */
static __always_inline bool rulec__cg_hexok(struct rulec_cgroup_scan *c, __u32 start)
{
    return start >= 64 || (RULEC_MEM(c->nonhex) >> (start & 63)) == 0;
}

/* Copies the id, at most 12 characters from start, to out. */
static __always_inline long rulec__cg_id(struct rulec_cgroup_scan *c, __u32 start, __u32 len,
                                         char out[RULEC_CONTAINER_ID_MAX])
{
    if (len > 12)
        len = 12;
    RULEC_OPAQUE(len);
    len &= 15;
    bpf_probe_read_kernel(out, len, &c->p[start & (RULEC_CGROUP_PATH_MAX - 1)]);
    out[len] = 0;
    return len;
}

static __always_inline bool rulec__cg_comp_prefix(struct rulec_cgroup_scan *c, __u32 j,
                                                  const char *lit, __u32 litlen)
{
    __u32 off = c->off[j & 7];

    if (c->len[j & 7] < litlen)
        return false;
    for (__u32 i = 0; i < 16; i++) {
        if (i >= litlen)
            break;
        if (c->p[(off + i) & (RULEC_CGROUP_PATH_MAX - 1)] != lit[i])
            return false;
    }
    return true;
}

static __always_inline bool rulec__cg_endswith(struct rulec_cgroup_scan *c, const char *lit,
                                               __u32 litlen)
{
    __u32 n = RULEC_MEM(c->n);

    if (n < litlen)
        return false;
    for (__u32 i = 0; i < 8; i++) {
        if (i >= litlen)
            break;
        if (c->p[(n - litlen + i) & (RULEC_CGROUP_PATH_MAX - 1)] != lit[i])
            return false;
    }
    return true;
}

#define RULEC__CG_PREFIX(c, j, lit) rulec__cg_comp_prefix(c, j, lit, sizeof(lit) - 1)

/* Records one runc-layout candidate: the id would start at start and its suffix begin at end. */
static __always_inline void rulec__cg_cand(struct rulec_cgroup_scan *c, __u32 i, long start,
                                           long end)
{
    c->cand_start[i] = start;
    c->cand_end[i] = end;
}

/* rulec__cg_match's byte scan (RULEC_LOOP). */
struct rulec_cg_scan_ctx {
    struct rulec_cgroup_scan *c;
};

static long rulec__cg_scan_step(__u32 i, void *ctx)
{
    struct rulec_cgroup_scan *c = ((struct rulec_cg_scan_ctx *)ctx)->c;

    if (i >= RULEC_MEM(c->n))
        return 1;
    rulec__cg_scan_byte(c, i);
    return 0;
}

/* Falco's engines on the path in c->p: > 0 the id's length, 0 no match, < 0 ambiguous. */
static __always_inline long rulec__cg_match(struct rulec_cgroup_scan *c,
                                            char out[RULEC_CONTAINER_ID_MAX])
{
    __u32 k = RULEC_MEM(c->k), n = RULEC_MEM(c->n);
    long libpod, docker, crio, cricd, ns, start, end, scope;

    RULEC_MEM(c->w) = 0;
    RULEC_MEM(c->last_scope) = -1;
    RULEC_MEM(c->last_ontainer) = -1;
    RULEC_MEM(c->last_tainerd) = -1;
    RULEC_MEM(c->has_other) = 0;
    RULEC_MEM(c->nonhex) = 0;
    RULEC_MEM(c->ci) = -1;
    RULEC_MEM(c->h) = 5381;
    RULEC_MEM(c->v) = 0;
    struct rulec_cg_scan_ctx sc = {.c = c};
    RULEC_LOOP(RULEC_CGROUP_PATH_MAX, rulec__cg_scan_step, &sc);

    /* The last component with each runc prefix, the first non-last namespace name (kept in
     * memory: as registers they would make one verifier state per combination found). */
    RULEC_MEM(c->libpod) = -1;
    RULEC_MEM(c->docker) = -1;
    RULEC_MEM(c->crio) = -1;
    RULEC_MEM(c->cricd) = -1;
    RULEC_MEM(c->ns) = -1;
    for (__u32 j = 0; j < RULEC_CGROUP_DEPTH; j++) {
        if (j >= RULEC_MEM(c->k))
            break;
        if (RULEC__CG_PREFIX(c, j, "libpod-"))
            RULEC_MEM(c->libpod) = j;
        if (RULEC__CG_PREFIX(c, j, "docker-"))
            RULEC_MEM(c->docker) = j;
        if (RULEC__CG_PREFIX(c, j, "crio-"))
            RULEC_MEM(c->crio) = j;
        if (RULEC__CG_PREFIX(c, j, "cri-containerd-"))
            RULEC_MEM(c->cricd) = j;
        if (RULEC_MEM(c->ns) < 0 && j + 1 < RULEC_MEM(c->k) && c->name[j & 7])
            RULEC_MEM(c->ns) = j;
    }
    libpod = RULEC_MEM(c->libpod);
    docker = RULEC_MEM(c->docker);
    crio = RULEC_MEM(c->crio);
    cricd = RULEC_MEM(c->cricd);
    ns = RULEC_MEM(c->ns);

    /* The runc layouts of podman, docker and cri in Falco's order; a match needs exactly 64
     * characters between prefix and suffix and the hex check. Unused slots get start -1; an
     * unknown rfind (-2, see rulec__cg_rfind16) makes its candidate ambiguous. */
    scope = RULEC_MEM(c->last_scope);
    start = libpod >= 0 ? c->off[libpod & 7] + 7 : -1;
    rulec__cg_cand(c, 0, start, scope); /* /libpod-<id>.scope */
    end = rulec__cg_rfind16(c, RULEC_MEM(c->last_ontainer), ".scope/container");
    rulec__cg_cand(c, 1, start, end);                     /* /libpod-<id>.scope/container */
    rulec__cg_cand(c, 2, start, n);                       /* /libpod-<id> */
    rulec__cg_cand(c, 3, k ? c->off[(k - 1) & 7] : 1, n); /* /<id> */
    start = docker >= 0 ? c->off[docker & 7] + 7 : -1;
    rulec__cg_cand(c, 4, start, scope); /* /docker-<id>.scope */
    start = crio >= 0 ? c->off[crio & 7] + 5 : -1;
    rulec__cg_cand(c, 5, start, n); /* /crio-<id> */
    start = cricd >= 0 ? c->off[cricd & 7] + 15 : -1;
    rulec__cg_cand(c, 6, start, scope); /* /cri-containerd-<id>.scope */
    start = crio >= 0 ? c->off[crio & 7] + 5 : -1;
    rulec__cg_cand(c, 7, start, scope); /* /crio-<id>.scope */
    start = rulec__cg_rfind16(c, RULEC_MEM(c->last_tainerd), ":cri-containerd:");
    rulec__cg_cand(c, 8,
                   start == -2  ? 0
                   : start >= 0 ? start + 16
                                : -1,
                   start == -2 ? -2 : (long)n); /* :cri-containerd:<id> */
    for (__u32 i = 0; i < RULEC__CG_NCAND; i++) {
        start = c->cand_start[i];
        end = c->cand_end[i];
        if (start < 0)
            continue;
        if (end == -2)
            return RULEC_E_AMBIGUOUS;
        if (end - start != 64 || !rulec__cg_hexok(c, start))
            continue;
        return rulec__cg_id(c, start, 12, out);
    }

    /* containerd: /<ns>/<id> */
    if (ns >= 0) {
        __u32 nslen = c->len[ns & 7], nshash = c->hash[ns & 7];
        long len;

        /* rfind("/<ns>/") is the last non-last component equal to ns; equal length and hash
         * in a later one make it uncertain. */
        for (__u32 j = 0; j < RULEC_CGROUP_DEPTH; j++) {
            if (j + 1 >= k)
                break;
            if (j > ns && c->len[j & 7] == nslen && c->hash[j & 7] == nshash)
                return RULEC_E_AMBIGUOUS;
        }
        start = c->off[(ns + 1) & 7];
        len = n - start;
        if (len == 64 && rulec__cg_hexok(c, start))
            return rulec__cg_id(c, start, 12, out);
        if (len > 0 && len <= 64 && !rulec__cg_endswith(c, ".service", 8) &&
            !rulec__cg_endswith(c, ".slice", 6) && !rulec__cg_endswith(c, ".scope", 6))
            return rulec__cg_id(c, start, len, out);
    }
    /* lxc, libvirt_lxc, bpm: not reproduced */
    return RULEC_MEM(c->has_other) ? RULEC_E_AMBIGUOUS : 0;
}

/* The cgroups of Falco's five subsystems, in its order (cpuset, cpu, cpuacct, io, memory): their
 * kernfs nodes, which the matcher reads, and their ids (the inode numbers of their directories,
 * 5.5+), which tell whether a forked child is still in them. 0 for a subsystem this kernel does
 * not have. kns may be NULL. */
static __always_inline void rulec_task_cgroups(struct task_struct *task,
                                               __u64 ids[RULEC_CGROUP_NSUBSYS],
                                               __u64 kns[RULEC_CGROUP_NSUBSYS])
{
    struct css_set *cset = NULL;
    __s32 sub[RULEC_CGROUP_NSUBSYS];

#define RULEC__CG_SUB(i, id)                                                                       \
    sub[i] = bpf_core_enum_value_exists(enum cgroup_subsys_id, id)                                 \
                 ? (__s32)bpf_core_enum_value(enum cgroup_subsys_id, id)                           \
                 : -1
    RULEC__CG_SUB(0, cpuset_cgrp_id);
    RULEC__CG_SUB(1, cpu_cgrp_id);
    RULEC__CG_SUB(2, cpuacct_cgrp_id);
    RULEC__CG_SUB(3, io_cgrp_id);
    RULEC__CG_SUB(4, memory_cgrp_id);
#undef RULEC__CG_SUB
    BPF_CORE_READ_INTO(&cset, task, cgroups);
    for (int i = 0; i < RULEC_CGROUP_NSUBSYS; i++) {
        struct cgroup_subsys_state *css = NULL;
        struct cgroup *cgrp = NULL;
        struct kernfs_node *kn = NULL;

        ids[i] = 0;
        if (kns)
            kns[i] = 0;
        if (!cset || sub[i] < 0)
            continue;
        if (bpf_probe_read_kernel(&css, sizeof(css), &cset->subsys[sub[i] & 15]) || !css)
            continue;
        if (BPF_CORE_READ_INTO(&cgrp, css, cgroup) || !cgrp)
            continue;
        if (BPF_CORE_READ_INTO(&kn, cgrp, kn) || !kn)
            continue;
        if (kns)
            kns[i] = (__u64)kn;
        BPF_CORE_READ_INTO(&ids[i], kn, id);
    }
}

/* The matcher's working memory (a per-CPU map value: too big for the stack) and the id it
 * writes. */
struct rulec_cgroup_work {
    struct rulec_cgroup_scan cg;
    char id[RULEC_CONTAINER_ID_MAX];
};

/* The matcher on one cgroup (kernfs node kn): > 0 the id's length, 0 no engine matches, < 0
 * undecided. It runs in a global function, so that the verifier walks it once instead of once
 * per subsystem; RULEC_CGROUP_ID_AT() defines that function in the one unit that runs it. */
__noinline long rulec_cgroup_id_at(struct rulec_cgroup_work *w, __u64 kn);

static __always_inline long rulec__cgroup_id_at(struct rulec_cgroup_work *w, __u64 kn)
{
    long st;

    if (!w)
        return RULEC_E_FAULT;
    st = rulec__cg_build(&w->cg, (struct kernfs_node *)kn);
    if (st >= 0)
        st = rulec__cg_match(&w->cg, w->id);
    else if (st == RULEC_E_TOOLONG)
        st = RULEC_E_AMBIGUOUS;
    return st;
}

#define RULEC_CGROUP_ID_AT()                                                                       \
    __noinline long rulec_cgroup_id_at(struct rulec_cgroup_work *w, __u64 kn)                      \
    {                                                                                              \
        return rulec__cgroup_id_at(w, kn);                                                         \
    }

/* container.id: the first 12 characters of the container id, or "host", in w->id (zero-padded).
 * The distinct cgroups of Falco's subsystems in its order (kns, from rulec_task_cgroups): the
 * first that matches, or cannot be decided, gives the id; none gives "host". Returns the length,
 * or RULEC_E_AMBIGUOUS/RULEC_E_FAULT when the kernel cannot tell (see the comment above). */
static __always_inline long rulec_cgroup_container_id(struct rulec_cgroup_work *w,
                                                      const __u64 kns[RULEC_CGROUP_NSUBSYS])
{
    __u64 prev = 0;
    long st;

    /* All of it: the work area is per CPU and keeps the last process's id, and slots compare
     * and look ids up as zero-padded words ("host" after a 12-character id left "host\0a987"). */
    __builtin_memset(w->id, 0, RULEC_CONTAINER_ID_MAX);
    for (int i = 0; i < RULEC_CGROUP_NSUBSYS; i++) {
        if (!kns[i] || kns[i] == prev)
            continue;
        prev = kns[i];
        st = rulec_cgroup_id_at(w, kns[i]);
        if (st != 0) {
            if (st < 0)
                w->id[0] = 0;
            return st;
        }
    }
    __builtin_memcpy(w->id, "host", 5);
    return 4;
}
