#include "core/container_id.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const cid_subsys_names[CID_NSUBSYS] = {"cpuset", "cpu", "cpuacct", "io", "memory"};

/* ---- the engines (the container plugin's matchers, size_t arithmetic included) ------------ */

/* std::string::rfind: the last occurrence of sub in s (n bytes), n for an empty sub. */
static long _rfind(const char *s, size_t n, const char *sub)
{
    size_t m = strlen(sub);
    if (m > n)
        return -1;
    for (size_t i = n - m + 1; i-- > 0;)
        if (memcmp(s + i, sub, m) == 0)
            return (long)i;
    return -1;
}

static bool _ends_with(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void _copy(char *out, size_t outlen, const char *s, size_t n)
{
    if (!outlen)
        return;
    if (n > outlen - 1)
        n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* runc.cpp's match_one_container_id(). */
static bool _runc_one(const char *cg, size_t n, const char *prefix, const char *suffix, char *id,
                      size_t idlen, bool is_containerd)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    long sp = _rfind(cg, n, prefix);
    if (sp < 0)
        return false;
    size_t start = (size_t)sp + strlen(prefix);
    long ep = _rfind(cg, n, suffix);
    if (ep < 0)
        return false;
    size_t len = (size_t)ep - start; /* wraps when the suffix is before the prefix: > 64 */
    size_t first = start + strspn(cg + start, hex);
    if (first >= n)
        first = SIZE_MAX; /* npos */
    if (len == 64 && first >= 64) {
        _copy(id, idlen, cg + start, 12);
        return true;
    }
    if (len > 64 || len == 0)
        return false;
    if (is_containerd && !_ends_with(cg, n, ".service") && !_ends_with(cg, n, ".slice") &&
        !_ends_with(cg, n, ".scope")) {
        _copy(id, idlen, cg + start, len < 12 ? len : 12);
        return true;
    }
    return false;
}

struct layout {
    const char *prefix, *suffix;
};

static bool _runc_layouts(const char *cg, size_t n, const struct layout *l, char *id, size_t idlen)
{
    for (; l->prefix; l++)
        if (_runc_one(cg, n, l->prefix, l->suffix, id, idlen, false))
            return true;
    return false;
}

/* [A-Za-z0-9]+([._-][A-Za-z0-9]+)*: a containerd namespace. */
static bool _is_name(const char *s, size_t n)
{
    bool alnum = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            alnum = true;
        else if ((c == '.' || c == '_' || c == '-') && alnum)
            alnum = false;
        else
            return false;
    }
    return alnum;
}

/* containerd.cpp: the first "/<name>/" is the namespace, the id follows its last occurrence.
 * *repeated: the namespace component occurs again later, not as the last component. */
static bool _containerd(const char *cg, size_t n, char *id, size_t idlen, bool *repeated)
{
    for (const char *p = cg; (p = strchr(p, '/')) != NULL; p++) {
        const char *q = strchr(p + 1, '/');
        if (!q)
            return false;
        size_t nl = (size_t)(q - p - 1);
        if (!_is_name(p + 1, nl))
            continue;
        /* later non-last components equal to the namespace */
        for (const char *r = q; r && strchr(r + 1, '/');) {
            const char *e = strchr(r + 1, '/');
            if ((size_t)(e - r - 1) == nl && memcmp(r + 1, p + 1, nl) == 0)
                *repeated = true;
            r = e;
        }
        char prefix[CID_PATH_MAX + 2];
        if (nl + 3 > sizeof(prefix))
            return false;
        _copy(prefix, sizeof(prefix), p, nl + 2);
        return _runc_one(cg, n, prefix, "", id, idlen, true);
    }
    return false;
}

/* lxc.cpp */
static bool _lxc(const char *cg, char *id, size_t idlen)
{
    static const char *const layouts[] = {"/lxc/", "/lxc.payload/", "/lxc.payload."};
    for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
        const char *p = strstr(cg, layouts[i]);
        if (!p)
            continue;
        p += strlen(layouts[i]);
        _copy(id, idlen, p, strcspn(p, "/"));
        return true;
    }
    return false;
}

/* libvirt_lxc.cpp */
static bool _libvirt_lxc(const char *cg, size_t n, char *id, size_t idlen)
{
    const char *p = strstr(cg, ".libvirt-lxc");
    if (p && (size_t)(p - cg) == n - strlen(".libvirt-lxc")) {
        const char *slash = strrchr(cg, '/');
        if (slash) {
            _copy(id, idlen, slash + 1, (size_t)(p - slash - 1));
            return true;
        }
    }
    p = strstr(cg, "-lxc\\x2");
    if (p) {
        const char *delim = strstr(cg, ".scope/libvirt") ? ".scope/libvirt" : ".scope";
        const char *q = strstr(cg, delim);
        if (q && (size_t)(q - cg) == n - strlen(delim)) {
            /* substr(pos + sizeof("-lxc\\x2"), pos2 - pos - sizeof("-lxc\\x2")): skips the
             * escape's last digit; the count wraps to "the rest" when negative */
            size_t start = (size_t)(p - cg) + 8, count = (size_t)(q - p) - 8;
            if (start > n)
                return false; /* std::out_of_range in the plugin */
            _copy(id, idlen, cg + start, count < n - start ? count : n - start);
            return true;
        }
    }
    p = strstr(cg, "/libvirt/lxc/");
    if (p) {
        p += strlen("/libvirt/lxc/");
        _copy(id, idlen, p, strlen(p));
        return true;
    }
    return false;
}

/* bpm.cpp */
static bool _bpm(const char *cg, char *id, size_t idlen)
{
    const char *p = strstr(cg, "bpm-");
    if (!p)
        return false;
    p += 4;
    const char *end = strstr(p, ".scope");
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    _copy(id, idlen, p, len);
    return true;
}

bool cid_match(const char *cg, char *id, size_t idlen, bool *kernel_maybe)
{
    static const struct layout podman[] = {
        {"/libpod-", ".scope"}, {"/libpod-", ".scope/container"}, {"/libpod-", ""}, {0, 0}};
    static const struct layout docker[] = {{"/", ""}, {"/docker-", ".scope"}, {0, 0}};
    static const struct layout cri[] = {{"/", ""},
                                        {"/crio-", ""},
                                        {"/cri-containerd-", ".scope"},
                                        {"/crio-", ".scope"},
                                        {":cri-containerd:", ""},
                                        {"/docker-", ".scope"},
                                        {0, 0}};
    size_t n = strlen(cg);
    /* The kernel's path buffer holds 255 bytes. */
    bool km = n >= 255, repeated = false, found;
    found = _runc_layouts(cg, n, podman, id, idlen) || _runc_layouts(cg, n, docker, id, idlen) ||
            _runc_layouts(cg, n, cri, id, idlen) || _containerd(cg, n, id, idlen, &repeated);
    /* The kernel gives up on a repeated namespace, and on what may be lxc, libvirt_lxc or bpm. */
    km = km || repeated || (!found && (strstr(cg, "lxc") || strstr(cg, "bpm-")));
    if (kernel_maybe)
        *kernel_maybe = km;
    return found || _lxc(cg, id, idlen) || _libvirt_lxc(cg, n, id, idlen) || _bpm(cg, id, idlen);
}

void cid_trim(char *path)
{
    int n = 0;
    for (char *p = path; *p; p++)
        n += *p == '/';
    if (n <= 6)
        return;
    for (char *p = path + 1; *p; p++) {
        if (*p == '/' && --n == 6) {
            memmove(path, p, strlen(p) + 1);
            return;
        }
    }
}

void cid_from_cgroups(const struct cid_cgroups *cg, char *id, size_t idlen, bool *kernel_maybe)
{
    bool km = false, decided = false;
    for (int s = 0; s < CID_NSUBSYS; s++) {
        bool pkm = false;
        if (!cg->has[s])
            continue;
        bool m = cid_match(cg->path[s], id, idlen, &pkm);
        /* The kernel stops at the first path it matches or cannot decide. */
        if (!decided && (m || pkm)) {
            km = pkm;
            decided = true;
        }
        if (m) {
            if (kernel_maybe)
                *kernel_maybe = km;
            return;
        }
    }
    _copy(id, idlen, "host", 4);
    if (kernel_maybe)
        *kernel_maybe = km;
}

/* ---- reading a process's cgroups ------------------------------------------------------------- */

struct cid_mount {
    char dir[256];
    char opts[256]; /* super options: the v1 controllers */
    bool v2;
};

#define CID_MEMO 256

struct cid_ctx {
    struct cid_mount mounts[32];
    int nmounts;
    int v1_hier[CID_NSUBSYS]; /* /proc/cgroups: hierarchy id, -1 not compiled in */
    struct {
        char *key;
        uint64_t value;
    } memo[CID_MEMO];
    size_t nmemo;
};

static const char *_v1_name(int s)
{
    return s == 3 ? "blkio" : cid_subsys_names[s];
}

static bool _has_word(const char *list, const char *word, const char *seps)
{
    size_t wl = strlen(word);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, seps);
        if (n == wl && memcmp(p, word, wl) == 0)
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

static ssize_t _read_at(int dirfd, const char *path, char *buf, size_t size)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len + 1 < size) {
        ssize_t r = read(fd, buf + len, size - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

struct cid_ctx *cid_ctx_new(void)
{
    struct cid_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return NULL;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[2048];
    while (f && fgets(line, sizeof(line), f) && ctx->nmounts < 32) {
        char *sep = strstr(line, " - "), root[256], mnt[256], fstype[64], src[256], opts[256];
        if (!sep || sscanf(line, "%*s %*s %*s %255s %255s", root, mnt) != 2 ||
            sscanf(sep + 3, "%63s %255s %255s", fstype, src, opts) != 3)
            continue;
        /* A mount of a subtree would put the paths /proc shows below another directory. */
        if ((strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) || strcmp(root, "/"))
            continue;
        struct cid_mount *m = &ctx->mounts[ctx->nmounts++];
        snprintf(m->dir, sizeof(m->dir), "%s", mnt);
        snprintf(m->opts, sizeof(m->opts), "%s", opts);
        m->v2 = strcmp(fstype, "cgroup2") == 0;
    }
    if (f)
        fclose(f);
    for (int s = 0; s < CID_NSUBSYS; s++)
        ctx->v1_hier[s] = -1;
    f = fopen("/proc/cgroups", "re");
    while (f && fgets(line, sizeof(line), f)) {
        char name[64];
        int hier;
        if (line[0] == '#' || sscanf(line, "%63s %d", name, &hier) != 2)
            continue;
        for (int s = 0; s < CID_NSUBSYS; s++)
            if (!strcmp(name, _v1_name(s)))
                ctx->v1_hier[s] = hier;
    }
    if (f)
        fclose(f);
    return ctx;
}

void cid_ctx_forget(struct cid_ctx *ctx)
{
    for (size_t i = 0; i < CID_MEMO; i++) {
        free(ctx->memo[i].key);
        ctx->memo[i].key = NULL;
    }
    ctx->nmemo = 0;
}

void cid_ctx_free(struct cid_ctx **ctx)
{
    if (!*ctx)
        return;
    cid_ctx_forget(*ctx);
    free(*ctx);
    *ctx = NULL;
}

static size_t _memo_slot(const struct cid_ctx *ctx, const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    size_t i = (size_t)(h % CID_MEMO);
    while (ctx->memo[i].key && strcmp(ctx->memo[i].key, key))
        i = (i + 1) % CID_MEMO;
    return i;
}

/* The memo: "i<dir>" the inode number (0: none), "c<dir>" the controllers as a bit mask over
 * Falco's subsystems, bit 31 when the file exists. */
static uint64_t _memo(struct cid_ctx *ctx, char kind, const char *dir)
{
    char key[CID_PATH_MAX + 300];
    snprintf(key, sizeof(key), "%c%s", kind, dir);
    size_t i = _memo_slot(ctx, key);
    if (ctx->memo[i].key)
        return ctx->memo[i].value;
    uint64_t v = 0;
    if (kind == 'i') {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            v = (uint64_t)st.st_ino;
    } else {
        char path[CID_PATH_MAX + 300], buf[512];
        snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
        if (_read_at(AT_FDCWD, path, buf, sizeof(buf)) >= 0) {
            v = 1ULL << 31;
            for (int s = 0; s < CID_NSUBSYS; s++)
                if (_has_word(buf, cid_subsys_names[s], " \n"))
                    v |= 1ULL << s;
        }
    }
    if (ctx->nmemo >= CID_MEMO * 3 / 4) {
        cid_ctx_forget(ctx);
        i = _memo_slot(ctx, key);
    }
    ctx->memo[i].key = strdup(key);
    if (ctx->memo[i].key) {
        ctx->memo[i].value = v;
        ctx->nmemo++;
    }
    return v;
}

static const struct cid_mount *_v1_mount(const struct cid_ctx *ctx, int s)
{
    for (int i = 0; i < ctx->nmounts; i++)
        if (!ctx->mounts[i].v2 && _has_word(ctx->mounts[i].opts, _v1_name(s), ","))
            return &ctx->mounts[i];
    return NULL;
}

static const struct cid_mount *_v2_mount(const struct cid_ctx *ctx)
{
    for (int i = 0; i < ctx->nmounts; i++)
        if (ctx->mounts[i].v2)
            return &ctx->mounts[i];
    return NULL;
}

static uint64_t _ino(struct cid_ctx *ctx, const struct cid_mount *m, const char *path)
{
    char dir[CID_PATH_MAX + 300];
    if (!m)
        return 0;
    snprintf(dir, sizeof(dir), "%s%s", m->dir, strcmp(path, "/") ? path : "");
    return _memo(ctx, 'i', dir);
}

/* cgroup v2: the nearest ancestor-or-self that has the controller, as the kernel's css. */
static bool _v2_path(struct cid_ctx *ctx, int s, const char *v2path, char *out, uint64_t *id)
{
    const struct cid_mount *m2 = _v2_mount(ctx);
    char dir[CID_PATH_MAX + 300];
    *id = 0;
    if (!m2 || !v2path[0])
        return false;
    if (!(_memo(ctx, 'c', m2->dir) & (1ULL << s))) {
        /* Not available below the root (cpuacct, or disabled): the kernel's css is the
         * root's when the subsystem is compiled in and bound to no v1 hierarchy. Falco's
         * path would be "/", which no engine matches. */
        if (ctx->v1_hier[s] == 0)
            *id = _ino(ctx, m2, "/");
        return false;
    }
    snprintf(out, CID_PATH_MAX, "%s", v2path);
    while (strcmp(out, "/") != 0) {
        snprintf(dir, sizeof(dir), "%s%s", m2->dir, out);
        if (_memo(ctx, 'c', dir) & (1ULL << s))
            break;
        char *slash = strrchr(out, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (!out[0])
            strcpy(out, "/");
    }
    *id = _ino(ctx, m2, out);
    return true;
}

int cid_read_cgroups(struct cid_ctx *ctx, int procfd, struct cid_cgroups *out)
{
    const size_t size = 65536; /* /proc/PID/cgroup: a line per hierarchy, paths to PATH_MAX */
    char v2path[CID_PATH_MAX] = "", *buf = malloc(size);
    memset(out->has, 0, sizeof(out->has));
    memset(out->id, 0, sizeof(out->id));
    if (!buf || _read_at(procfd, "cgroup", buf, size) <= 0) {
        free(buf);
        return -1;
    }
    bool v1[CID_NSUBSYS] = {0};
    for (char *l = buf, *next; l && *l; l = next) {
        next = strchr(l, '\n');
        if (next)
            *next++ = '\0';
        char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctl = c1 + 1, *path = c2 + 1;
        if (!ctl[0]) {
            snprintf(v2path, sizeof(v2path), "%s", path);
            continue;
        }
        for (int s = 0; s < CID_NSUBSYS; s++) {
            if (!_has_word(ctl, _v1_name(s), ","))
                continue;
            snprintf(out->path[s], CID_PATH_MAX, "%s", path);
            out->id[s] = _ino(ctx, _v1_mount(ctx, s), path);
            out->has[s] = v1[s] = true;
        }
    }
    for (int s = 0; s < CID_NSUBSYS; s++) {
        if (!v1[s])
            out->has[s] = _v2_path(ctx, s, v2path, out->path[s], &out->id[s]);
        if (out->has[s])
            cid_trim(out->path[s]);
    }
    free(buf);
    return 0;
}

/* /proc/PID/stat's starttime (field 22), after the parenthesised comm. */
static int _start_time(int procfd, uint64_t *start)
{
    char buf[1024];
    if (_read_at(procfd, "stat", buf, sizeof(buf)) <= 0)
        return -1;
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    for (int field = 3; field < 22; field++) {
        p += strspn(p, " ");
        p += strcspn(p, " ");
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p || errno)
        return -1;
    *start = v;
    return 0;
}

int cid_read_process(struct cid_ctx *ctx, const char *proc_root, int pid, struct cid_process *out)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/%d", proc_root, pid);
    struct cid_cgroups *cg = malloc(sizeof(*cg));
    int fd = cg ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd < 0) {
        free(cg);
        return -1;
    }
    /* The start time first: a later read through this fd fails if the process is gone. */
    int rc = _start_time(fd, &out->start);
    if (rc == 0)
        rc = cid_read_cgroups(ctx, fd, cg);
    close(fd);
    if (rc == 0) {
        cid_from_cgroups(cg, out->id, sizeof(out->id), &out->kernel_maybe);
        memcpy(out->cgroups, cg->id, sizeof(out->cgroups));
    }
    free(cg);
    return rc;
}
