#include "runtime/container_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/strbuf.h"
#include "core/text.h"

static const char *const _type_names[CINFO_TYPE_MAX] = {
    [CINFO_DOCKER] = "docker",         [CINFO_PODMAN] = "podman", [CINFO_CRI] = "cri",
    [CINFO_CONTAINERD] = "containerd", [CINFO_CRIO] = "cri-o",    [CINFO_HOST] = "host",
};

static void *_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *_xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return d;
}

static void *_grow(void *items, size_t n, size_t size)
{
    /* Arrays grow one by one: a container has a handful of labels and mounts, and the cache
     * keeps thousands of containers, so no slack. */
    void *p = realloc(items, (n + 1) * size);
    if (!p) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* Every string member, for initialisation and freeing. */
#define _STRINGS(ci)                                                                               \
    &(ci)->id, &(ci)->full_id, &(ci)->name, &(ci)->image, &(ci)->image_id, &(ci)->image_repo,      \
        &(ci)->image_tag, &(ci)->image_digest, &(ci)->ip, &(ci)->pod_sandbox_id, &(ci)->cni_json,  \
        &(ci)->mounts_text, &(ci)->labels_text, &(ci)->pod_labels_text

struct cinfo *cinfo_new(enum cinfo_type type)
{
    struct cinfo *ci = _xcalloc(1, sizeof(*ci));
    ci->type = type;
    char **strings[] = {_STRINGS(ci)};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        *strings[i] = _xstrdup("");
    return ci;
}

static void _free_kvs(struct cinfo_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

void cinfo_free(struct cinfo **cip)
{
    struct cinfo *ci = *cip;
    if (!ci)
        return;
    char **strings[] = {_STRINGS(ci)};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        free(*strings[i]);
    _free_kvs(ci->labels, ci->nlabels);
    _free_kvs(ci->pod_labels, ci->npod_labels);
    for (size_t i = 0; i < ci->nmounts; i++) {
        free(ci->mounts[i].source);
        free(ci->mounts[i].dest);
        free(ci->mounts[i].mode);
        free(ci->mounts[i].propagation);
        free(ci->mounts[i].text);
    }
    free(ci->mounts);
    free(ci);
    *cip = NULL;
}

void cinfo_set(char **slot, const char *s)
{
    char *d = _xstrdup(s);
    free(*slot);
    *slot = d;
}

void cinfo_add_label(struct cinfo *ci, bool pod, const char *key, const char *value, size_t max_len)
{
    if (!key || !value || strlen(value) > max_len)
        return;
    struct cinfo_kv **kv = pod ? &ci->pod_labels : &ci->labels;
    size_t *n = pod ? &ci->npod_labels : &ci->nlabels;
    /* A later value for the same key wins, as in a map. */
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*kv)[i].key, key) == 0) {
            cinfo_set(&(*kv)[i].value, value);
            return;
        }
    }
    *kv = _grow(*kv, *n, sizeof(**kv));
    (*kv)[*n] = (struct cinfo_kv){_xstrdup(key), _xstrdup(value)};
    (*n)++;
}

void cinfo_add_mount(struct cinfo *ci, const char *source, const char *dest, const char *mode,
                     bool rdwr, const char *propagation)
{
    ci->mounts = _grow(ci->mounts, ci->nmounts, sizeof(*ci->mounts));
    ci->mounts[ci->nmounts++] = (struct cinfo_mount){
        .source = _xstrdup(source),
        .dest = _xstrdup(dest),
        .mode = _xstrdup(mode),
        .propagation = _xstrdup(propagation),
        .rdwr = rdwr,
    };
}

static int _kv_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cinfo_kv *)a)->key, ((const struct cinfo_kv *)b)->key);
}

/* extract.cpp's concatenate_container_labels: "k1:v1, k2, k3:v3" in key order, without the
 * annotations and the io.kubernetes.* labels the runtime adds. */
static char *_labels_text(const struct cinfo_kv *kv, size_t n)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "");
    for (size_t i = 0; i < n; i++) {
        if (strncmp(kv[i].key, "annotation.", 11) == 0 ||
            strncmp(kv[i].key, "io.kubernetes.", 14) == 0)
            continue;
        if (sb.len)
            strbuf_puts(&sb, ", ");
        strbuf_puts(&sb, kv[i].key);
        if (kv[i].value[0])
            strbuf_printf(&sb, ":%s", kv[i].value);
    }
    return strbuf_take(&sb);
}

void cinfo_finish(struct cinfo *ci)
{
    if (ci->nlabels > 1)
        qsort(ci->labels, ci->nlabels, sizeof(*ci->labels), _kv_cmp);
    if (ci->npod_labels > 1)
        qsort(ci->pod_labels, ci->npod_labels, sizeof(*ci->pod_labels), _kv_cmp);
    free(ci->labels_text);
    ci->labels_text = _labels_text(ci->labels, ci->nlabels);
    free(ci->pod_labels_text);
    ci->pod_labels_text = _labels_text(ci->pod_labels, ci->npod_labels);
    struct strbuf sb = {0};
    strbuf_puts(&sb, "");
    for (size_t i = 0; i < ci->nmounts; i++) {
        struct cinfo_mount *m = &ci->mounts[i];
        /* container_mount_info::to_string */
        struct strbuf one = {0};
        strbuf_printf(&one, "%s:%s:%s:%s:%s", m->source, m->dest, m->mode,
                      m->rdwr ? "true" : "false", m->propagation);
        free(m->text);
        m->text = strbuf_take(&one);
        strbuf_printf(&sb, "%s%s", i ? "," : "", m->text);
    }
    free(ci->mounts_text);
    ci->mounts_text = strbuf_take(&sb);
}

uint64_t cinfo_process_start_ns(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = pid > 0 ? fopen(path, "re") : NULL;
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    p++;
    for (int field = 3; field < 22; field++) {
        p += strspn(p, " ");
        p += strcspn(p, " ");
    }
    unsigned long long ticks = strtoull(p, NULL, 10);
    struct timespec rt, bt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_BOOTTIME, &bt);
    uint64_t boot_epoch = ((uint64_t)rt.tv_sec - (uint64_t)bt.tv_sec) * 1000000000ull +
                          (uint64_t)rt.tv_nsec - (uint64_t)bt.tv_nsec;
    return boot_epoch + ticks * (1000000000ull / 100); /* USER_HZ */
}

const struct cinfo *cinfo_host(void)
{
    static struct cinfo *host;
    if (!host) {
        host = cinfo_new(CINFO_HOST);
        cinfo_set(&host->id, "host");
        cinfo_set(&host->full_id, "host");
        cinfo_set(&host->name, "host");
        /* The plugin's container.start_ts is proc.pidns_init_start_ts: for the host, pid 1. */
        host->start_ns = cinfo_process_start_ns(1);
        cinfo_finish(host);
    }
    return host;
}

void cinfo_split_image(const char *image, char **repo, char **tag)
{
    size_t n = strcspn(image, "@"); /* the digest goes first */
    const char *slash = memrchr(image, '/', n), *colon = memrchr(image, ':', n);
    if (!colon || (slash && colon < slash)) {
        *repo = strndup(image, n);
        *tag = strdup("");
    } else {
        *repo = strndup(image, (size_t)(colon - image));
        *tag = strndup(colon + 1, n - (size_t)(colon + 1 - image));
    }
    if (!*repo || !*tag) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
}

static void _str(struct field_value *out, const char *s)
{
    if (!s)
        return;
    out->kind = FV_STR;
    out->str.ptr = s;
    out->str.len = strlen(s);
}

static void _bool(struct field_value *out, bool b)
{
    out->kind = FV_BOOL;
    out->b = b;
}

static const char *_label(const struct cinfo_kv *kv, size_t n, const char *key)
{
    if (!key || !n)
        return NULL;
    struct cinfo_kv k = {.key = (char *)key};
    const struct cinfo_kv *hit = bsearch(&k, kv, n, sizeof(*kv), _kv_cmp);
    return hit ? hit->value : NULL;
}

/* container_info::mount_by_source / mount_by_dest: the first mount whose source (dest) the
 * argument, a regular expression in multiline mode, matches somewhere. */
static const struct cinfo_mount *_mount_matching(const struct cinfo *ci, const char *pattern,
                                                 bool by_dest)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE,
                                   &err, &off, NULL);
    if (!re)
        return NULL;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    const struct cinfo_mount *hit = NULL;
    for (size_t i = 0; md && i < ci->nmounts && !hit; i++) {
        const char *s = by_dest ? ci->mounts[i].dest : ci->mounts[i].source;
        if (pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) >= 0)
            hit = &ci->mounts[i];
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return hit;
}

static void _mount_field(const struct cinfo *ci, enum field_id id, const char *arg,
                         struct field_value *out)
{
    const struct cinfo_mount *m = NULL;
    if (!arg)
        return;
    if (text_is_decimal(arg)) {
        unsigned long idx = strtoul(arg, NULL, 10);
        m = idx < ci->nmounts ? &ci->mounts[idx] : NULL;
    } else {
        /* container.mount.source[PATH] looks the mount up by its destination, the others by
         * their source. */
        m = _mount_matching(ci, arg, id == FIELD_CONTAINER_MOUNT_SOURCE);
    }
    if (!m)
        return;
    switch (id) {
    case FIELD_CONTAINER_MOUNT:
        _str(out, m->text);
        return;
    case FIELD_CONTAINER_MOUNT_SOURCE:
        _str(out, m->source);
        return;
    case FIELD_CONTAINER_MOUNT_DEST:
        _str(out, m->dest);
        return;
    case FIELD_CONTAINER_MOUNT_MODE:
        _str(out, m->mode);
        return;
    case FIELD_CONTAINER_MOUNT_RDWR:
        _str(out, m->rdwr ? "true" : "false");
        return;
    case FIELD_CONTAINER_MOUNT_PROPAGATION:
        _str(out, m->propagation);
        return;
    default:
        return;
    }
}

void cinfo_field(const struct cinfo *ci, enum field_id id, const char *arg, uint64_t evt_ns,
                 struct field_value *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = FV_NONE;
    if (!ci)
        return; /* the plugin without metadata: <NA> */
    switch (id) {
    case FIELD_CONTAINER_FULL_ID:
        return _str(out, ci->full_id);
    case FIELD_CONTAINER_NAME:
        return _str(out, ci->name);
    case FIELD_CONTAINER_IMAGE:
        return _str(out, ci->image);
    case FIELD_CONTAINER_IMAGE_ID:
        return _str(out, ci->image_id);
    case FIELD_CONTAINER_TYPE:
        return _str(out, _type_names[ci->type]);
    case FIELD_CONTAINER_PRIVILEGED:
        return _bool(out, ci->privileged);
    case FIELD_CONTAINER_MOUNTS:
        return _str(out, ci->mounts_text);
    case FIELD_CONTAINER_MOUNT:
    case FIELD_CONTAINER_MOUNT_SOURCE:
    case FIELD_CONTAINER_MOUNT_DEST:
    case FIELD_CONTAINER_MOUNT_MODE:
    case FIELD_CONTAINER_MOUNT_RDWR:
    case FIELD_CONTAINER_MOUNT_PROPAGATION:
        return _mount_field(ci, id, arg, out);
    case FIELD_CONTAINER_IMAGE_REPOSITORY:
        return _str(out, ci->image_repo);
    case FIELD_CONTAINER_IMAGE_TAG:
        return _str(out, ci->image_tag);
    case FIELD_CONTAINER_IMAGE_DIGEST:
        return _str(out, ci->image_digest);
    case FIELD_CONTAINER_START_TS:
        if (ci->start_ns) {
            out->kind = FV_UINT;
            out->u = ci->start_ns;
        }
        return;
    case FIELD_CONTAINER_DURATION:
        /* A runtime's start time can be stamped after the container's first events (Docker's
         * StartedAt, when the init is gone): never a negative age. */
        if (ci->start_ns) {
            out->kind = FV_INT;
            out->i = evt_ns > ci->start_ns ? (int64_t)(evt_ns - ci->start_ns) : 0;
        }
        return;
    case FIELD_CONTAINER_IP:
        return _str(out, ci->ip);
    case FIELD_CONTAINER_CNI_JSON:
        return _str(out, ci->cni_json);
    case FIELD_CONTAINER_HOST_PID:
        return _bool(out, ci->host_pid);
    case FIELD_CONTAINER_HOST_NETWORK:
        return _bool(out, ci->host_network);
    case FIELD_CONTAINER_HOST_IPC:
        return _bool(out, ci->host_ipc);
    case FIELD_CONTAINER_LABEL:
        return _str(out, _label(ci->labels, ci->nlabels, arg));
    case FIELD_CONTAINER_LABELS:
        return _str(out, ci->labels_text);
    case FIELD_K8S_POD_NAME:
        return _str(out, _label(ci->labels, ci->nlabels, "io.kubernetes.pod.name"));
    case FIELD_K8S_NS_NAME:
        return _str(out, _label(ci->labels, ci->nlabels, "io.kubernetes.pod.namespace"));
    case FIELD_K8S_POD_ID:
    case FIELD_K8S_POD_UID:
        return _str(out, _label(ci->labels, ci->nlabels, "io.kubernetes.pod.uid"));
    case FIELD_K8S_POD_SANDBOX_ID:
        if (ci->pod_sandbox_id) {
            out->kind = FV_STR;
            out->str.ptr = ci->pod_sandbox_id;
            out->str.len = strnlen(ci->pod_sandbox_id, 12);
        }
        return;
    case FIELD_K8S_POD_FULL_SANDBOX_ID:
        return _str(out, ci->pod_sandbox_id);
    case FIELD_K8S_POD_LABEL:
        return _str(out, _label(ci->pod_labels, ci->npod_labels, arg));
    case FIELD_K8S_POD_LABELS:
        return _str(out, ci->pod_labels_text);
    case FIELD_K8S_POD_IP:
    case FIELD_K8S_POD_CNI_JSON:
        /* The plugin reads these from the pod sandbox's entry; a CRI engine's answer carries the
         * sandbox's status, Docker's has no sandbox (<NA>). */
        if (ci->pod_sandbox_id[0] &&
            (ci->type == CINFO_CRI || ci->type == CINFO_CONTAINERD || ci->type == CINFO_CRIO))
            _str(out, id == FIELD_K8S_POD_IP ? ci->ip : ci->cni_json);
        return;
    default:
        return; /* deprecated fields: the plugin extracts nothing */
    }
}

size_t cinfo_size(const struct cinfo *ci)
{
    size_t n = sizeof(*ci);
    const char *const strings[] = {
        ci->id,          ci->full_id,        ci->name,      ci->image,
        ci->image_id,    ci->image_repo,     ci->image_tag, ci->image_digest,
        ci->ip,          ci->pod_sandbox_id, ci->cni_json,  ci->mounts_text,
        ci->labels_text, ci->pod_labels_text};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        n += strlen(strings[i]) + 1;
    for (size_t i = 0; i < ci->nlabels; i++)
        n += sizeof(ci->labels[i]) + strlen(ci->labels[i].key) + strlen(ci->labels[i].value) + 2;
    for (size_t i = 0; i < ci->npod_labels; i++)
        n += sizeof(ci->pod_labels[i]) + strlen(ci->pod_labels[i].key) +
             strlen(ci->pod_labels[i].value) + 2;
    for (size_t i = 0; i < ci->nmounts; i++) {
        const struct cinfo_mount *m = &ci->mounts[i];
        n += sizeof(*m) + strlen(m->source) + strlen(m->dest) + strlen(m->mode) +
             strlen(m->propagation) + (m->text ? strlen(m->text) + 1 : 0) + 4;
    }
    return n;
}

uint64_t cinfo_parse_time(const char *s)
{
    struct tm tm = {0};
    const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!p || tm.tm_year < 70)
        return 0;
    uint64_t ns = 0, scale = 100000000;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            ns += (uint64_t)(*p - '0') * scale;
    long offset = 0;
    if (*p == '+' || *p == '-') {
        int hh, mm;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return 0;
        offset = (*p == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
    } else if (*p != 'Z') {
        return 0;
    }
    time_t t = timegm(&tm) - offset;
    return t < 0 ? 0 : (uint64_t)t * 1000000000ull + ns;
}
