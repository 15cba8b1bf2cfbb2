#include "runtime/cri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/http.h"
#include "runtime/jsonpath.h"

/* ---- protobuf writing ------------------------------------------------------------------------ */

static void _raw_varint(struct strbuf *pb, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    strbuf_append(pb, (const char *)b, n);
}

void cri_pb_varint(struct strbuf *pb, unsigned field, uint64_t v)
{
    _raw_varint(pb, (uint64_t)field << 3 | 0);
    _raw_varint(pb, v);
}

void cri_pb_bytes(struct strbuf *pb, unsigned field, const void *data, size_t n)
{
    _raw_varint(pb, (uint64_t)field << 3 | 2);
    _raw_varint(pb, n);
    strbuf_append(pb, data, n);
}

void cri_pb_string(struct strbuf *pb, unsigned field, const char *s)
{
    cri_pb_bytes(pb, field, s, strlen(s));
}

/* ---- protobuf reading ------------------------------------------------------------------------ */

/* One field of a message: its number, and its value (varint, or a length-delimited run). */
struct _field {
    unsigned num;
    uint64_t v;
    const uint8_t *data;
    size_t len;
};

static int _varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* 1 with the next field, 0 at the end, -1 on malformed input. */
static int _next(const uint8_t **p, const uint8_t *end, struct _field *f)
{
    uint64_t key;
    if (*p >= end)
        return 0;
    if (_varint(p, end, &key) < 0)
        return -1;
    f->num = (unsigned)(key >> 3);
    f->data = NULL;
    f->len = 0;
    switch (key & 7) {
    case 0:
        return _varint(p, end, &f->v) < 0 ? -1 : 1;
    case 1:
    case 5: {
        size_t n = (key & 7) == 1 ? 8 : 4;
        if ((size_t)(end - *p) < n)
            return -1;
        *p += n;
        return 1;
    }
    case 2:
        if (_varint(p, end, &f->v) < 0 || f->v > (uint64_t)(end - *p))
            return -1;
        f->data = *p;
        f->len = (size_t)f->v;
        *p += f->len;
        return 1;
    default:
        return -1;
    }
}

/* Calls fn for each field of the message; -1 when it is malformed. */
#define _EACH(data, len, f, rc)                                                                    \
    for (const uint8_t *_p = (data), *_end = (data) + (len); ((rc) = _next(&_p, _end, &(f))) > 0;)

static char *_dup(const struct _field *f)
{
    char *s = strndup(f->data ? (const char *)f->data : "", f->len);
    if (!s) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return s;
}

/* The string field num of a message, "" when absent (the caller frees). */
static char *_string_of(const uint8_t *msg, size_t len, unsigned num)
{
    struct _field f;
    int rc;
    char *s = NULL;
    _EACH(msg, len, f, rc)
    {
        if (f.num == num && f.data) {
            free(s);
            s = _dup(&f);
        }
    }
    return s ? s : strdup("");
}

/* The sub-message num of a message (the last one), or NULL. */
static const uint8_t *_message_of(const uint8_t *msg, size_t len, unsigned num, size_t *out_len)
{
    struct _field f;
    int rc;
    const uint8_t *m = NULL;
    _EACH(msg, len, f, rc)
    {
        if (f.num == num && f.data) {
            m = f.data;
            *out_len = f.len;
        }
    }
    return m;
}

static uint64_t _varint_of(const uint8_t *msg, size_t len, unsigned num)
{
    struct _field f;
    int rc;
    uint64_t v = 0;
    _EACH(msg, len, f, rc)
    {
        if (f.num == num && !f.data)
            v = f.v;
    }
    return v;
}

/* A map<string, string> entry: key 1, value 2. */
static void _map_entry(const struct _field *entry, char **key, char **value)
{
    *key = _string_of(entry->data, entry->len, 1);
    *value = _string_of(entry->data, entry->len, 2);
}

static void _labels(struct cinfo *ci, bool pod, const uint8_t *msg, size_t len, unsigned num,
                    size_t max_len)
{
    struct _field f;
    int rc;
    _EACH(msg, len, f, rc)
    {
        if (f.num != num || !f.data)
            continue;
        char *k, *v;
        _map_entry(&f, &k, &v);
        cinfo_add_label(ci, pod, k, v, max_len);
        free(k);
        free(v);
    }
}

/* The verbose info map's "info" entry: JSON the runtime writes about the container. */
static json_object *_info_json(const uint8_t *msg, size_t len, unsigned num)
{
    struct _field f;
    int rc;
    json_object *j = NULL;
    _EACH(msg, len, f, rc)
    {
        if (f.num != num || !f.data)
            continue;
        char *k, *v;
        _map_entry(&f, &k, &v);
        if (strcmp(k, "info") == 0) {
            json_object_put(j);
            j = jsonpath_parse(v, strlen(v));
        }
        free(k);
        free(v);
    }
    return j;
}

/* criInfo.getPrivileged: the CRI config's security context, then CRI-O's top-level flag. */
static bool _privileged(json_object *info)
{
    json_object *p = JSONPATH(info, "config", "linux", "security_context", "privileged");
    if (!p)
        p = JSONPATH(info, "privileged");
    return jsonpath_bool(p);
}

static const char *const _propagation[] = {"private", "rslave", "rshared"};

/* ctrToInfo's image fields: the name from the status, or from the image reference when that
 * names a repository digest, or from the runtime's annotations when it is only a digest. */
static void _image(struct cinfo *ci, const uint8_t *st, size_t st_len, json_object *info)
{
    size_t spec_len = 0;
    const uint8_t *spec = _message_of(st, st_len, 8, &spec_len);
    char *spec_image = spec ? _string_of(spec, spec_len, 1) : strdup("");
    char *ref = _string_of(st, st_len, 9);
    char *name = strdup(spec_image), *digest = strdup("");
    bool tag_from_image = false;
    char *sha = strstr(ref, "sha256:");
    if (sha == ref) {
        free(digest);
        digest = strdup(ref);
    } else if (sha && sha[-1] == '@') {
        free(name);
        name = strndup(ref, (size_t)(sha - 1 - ref));
        free(digest);
        digest = strdup(sha);
        tag_from_image = true;
    }
    if (!name[0] || strncmp(name, "sha256", 6) == 0) {
        static const char *const keys[] = {"io.kubernetes.cri.image-name",
                                           "io.kubernetes.cri-o.Image",
                                           "io.kubernetes.cri-o.ImageName"};
        for (size_t i = 0; i < 3; i++) {
            const char *v = jsonpath_string(JSONPATH(info, "runtimeSpec", "annotations", keys[i]));
            if (v) {
                free(name);
                name = strdup(v);
                tag_from_image = false;
                break;
            }
        }
    }
    char *repo, *tag, *r2, *t2;
    cinfo_split_image(name, &repo, &tag);
    cinfo_split_image(spec_image, &r2, &t2);
    if (tag_from_image && t2[0]) {
        free(tag);
        tag = strdup(t2);
        size_t n = strlen(name) + strlen(t2) + 2;
        char *full = malloc(n);
        if (full)
            snprintf(full, n, "%s:%s", name, t2);
        free(name);
        name = full;
    }
    char *ir, *iid;
    const char *cfg_image = jsonpath_string(JSONPATH(info, "config", "image", "image"));
    cinfo_split_image(cfg_image ? cfg_image : "", &ir, &iid);
    if (!iid[0]) {
        free(iid);
        iid = _string_of(st, st_len, 17);
    }
    cinfo_set(&ci->image, name);
    cinfo_set(&ci->image_repo, repo);
    cinfo_set(&ci->image_tag, tag);
    cinfo_set(&ci->image_digest, digest);
    cinfo_set(&ci->image_id, iid);
    char *all[] = {spec_image, ref, name, digest, repo, tag, r2, t2, ir, iid};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        free(all[i]);
}

struct cinfo *cri_parse(const uint8_t *status, size_t status_len, const uint8_t *sandbox,
                        size_t sandbox_len, enum cinfo_type type, size_t label_max_len)
{
    size_t st_len = 0, sb_len = 0, n = 0;
    const uint8_t *st = _message_of(status, status_len, 1, &st_len);
    const uint8_t *sb = sandbox ? _message_of(sandbox, sandbox_len, 1, &sb_len) : NULL;
    char *id = st ? _string_of(st, st_len, 1) : NULL;
    if (!id || !id[0]) {
        free(id);
        return NULL;
    }
    struct cinfo *ci = cinfo_new(type);
    json_object *info = _info_json(status, status_len, 2);
    cinfo_set(&ci->full_id, id);
    id[id[0] && strlen(id) > 12 ? 12 : strlen(id)] = '\0';
    cinfo_set(&ci->id, id);
    free(id);
    const uint8_t *meta = _message_of(st, st_len, 2, &n);
    char *name = meta ? _string_of(meta, n, 1) : strdup("");
    cinfo_set(&ci->name, name);
    free(name);
    /* As for Docker: the init's start from /proc (containerd's info has its pid). */
    json_object *pid = JSONPATH(info, "pid");
    ci->start_ns = cinfo_process_start_ns(pid ? json_object_get_int(pid) : 0);
    if (!ci->start_ns)
        ci->start_ns = _varint_of(st, st_len, 5);
    _image(ci, st, st_len, info);
    ci->privileged = _privileged(info);
    _labels(ci, false, st, st_len, 12, label_max_len);
    struct _field f;
    int rc;
    _EACH(st, st_len, f, rc)
    {
        if (f.num != 14 || !f.data)
            continue;
        char *dest = _string_of(f.data, f.len, 1), *src = _string_of(f.data, f.len, 2);
        uint64_t prop = _varint_of(f.data, f.len, 5);
        cinfo_add_mount(ci, src, dest, "", !_varint_of(f.data, f.len, 3),
                        prop < 3 ? _propagation[prop] : "unknown");
        free(dest);
        free(src);
    }
    /* The pod: its sandbox's id (the container's own without one), name, namespace, uid. */
    char *sb_id = sb ? _string_of(sb, sb_len, 1) : strdup(ci->full_id);
    cinfo_set(&ci->pod_sandbox_id, sb_id);
    cinfo_add_label(ci, false, "io.kubernetes.sandbox.id", sb_id, (size_t)-1);
    free(sb_id);
    const uint8_t *pm = sb ? _message_of(sb, sb_len, 2, &n) : NULL;
    static const char *const pod_keys[] = {NULL, "io.kubernetes.pod.name", "io.kubernetes.pod.uid",
                                           "io.kubernetes.pod.namespace"};
    for (unsigned k = 1; pm && k <= 3; k++) {
        char *v = _string_of(pm, n, k);
        cinfo_add_label(ci, false, pod_keys[k], v, (size_t)-1);
        free(v);
    }
    if (sb) {
        _labels(ci, true, sb, sb_len, 7, label_max_len);
        const uint8_t *net = _message_of(sb, sb_len, 5, &n);
        char *ip = net ? _string_of(net, n, 1) : strdup("");
        cinfo_set(&ci->ip, ip);
        free(ip);
        size_t ln = 0, nsn = 0, on = 0;
        const uint8_t *linux_ = _message_of(sb, sb_len, 6, &ln);
        const uint8_t *ns = linux_ ? _message_of(linux_, ln, 1, &nsn) : NULL;
        const uint8_t *opt = ns ? _message_of(ns, nsn, 2, &on) : NULL;
        enum { NODE = 2 };
        ci->host_network = opt && _varint_of(opt, on, 1) == NODE;
        ci->host_pid = opt && _varint_of(opt, on, 2) == NODE;
        ci->host_ipc = opt && _varint_of(opt, on, 3) == NODE;
        /* CRI-O hands the CNI result over as an annotation of the sandbox. */
        json_object *sinfo = _info_json(sandbox, sandbox_len, 2);
        const char *cni = jsonpath_string(
            JSONPATH(sinfo, "runtimeSpec", "annotations", "io.kubernetes.cri-o.CNIResult"));
        if (cni)
            cinfo_set(&ci->cni_json, cni);
        json_object_put(sinfo);
    }
    json_object_put(info);
    cinfo_finish(ci);
    return ci;
}

/* ---- calls ----------------------------------------------------------------------------------- */

int cri_call(struct http *h, const char *socket, const char *method, const struct strbuf *req,
             long timeout_ms, struct strbuf *msg, char *err, size_t errlen)
{
    static const char *const headers[] = {"Content-Type: application/grpc", "TE: trailers", NULL};
    char path[128];
    snprintf(path, sizeof(path), "/runtime.v1.RuntimeService/%s", method);
    uint8_t *body = malloc(req->len + 5);
    if (!body) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    body[0] = 0; /* not compressed */
    body[1] = (uint8_t)(req->len >> 24);
    body[2] = (uint8_t)(req->len >> 16);
    body[3] = (uint8_t)(req->len >> 8);
    body[4] = (uint8_t)req->len;
    if (req->len)
        memcpy(body + 5, req->data, req->len);
    struct http_request hr = {
        .socket = socket,
        .path = path,
        .body = body,
        .body_len = req->len + 5,
        .headers = headers,
        .http2 = true,
        .timeout_ms = timeout_ms,
    };
    struct http_response resp = {0};
    int rc = http_call(h, &hr, &resp, err, errlen);
    free(body);
    if (rc == 0 && resp.grpc_status == 5) {
        snprintf(err, errlen, "%s: not found", method);
        rc = 1;
    } else if (rc == 0 && (resp.status != 200 || resp.grpc_status != 0)) {
        snprintf(err, errlen, "%s: HTTP status %ld, grpc-status %d", method, resp.status,
                 resp.grpc_status);
        rc = -1;
    } else if (rc == 0) {
        const uint8_t *d = (const uint8_t *)resp.body.data;
        size_t n = resp.body.len;
        size_t mlen =
            n >= 5 ? (size_t)d[1] << 24 | (size_t)d[2] << 16 | (size_t)d[3] << 8 | d[4] : 0;
        if (n < 5 || mlen > n - 5 || d[0] != 0) {
            snprintf(err, errlen, "%s: malformed gRPC answer", method);
            rc = -1;
        } else {
            strbuf_append(msg, (const char *)d + 5, mlen);
        }
    }
    strbuf_free(&resp.body);
    return rc;
}

/* container.type from Version's runtime_name, as the plugin's getRuntime. */
static int _version(struct http *h, const char *socket, struct cri_runtime *rt, long timeout_ms,
                    char *err, size_t errlen)
{
    struct strbuf req = {0};
    struct strbuf msg = {0};
    cri_pb_string(&req, 1, "v1");
    int rc = cri_call(h, socket, "Version", &req, timeout_ms, &msg, err, errlen);
    strbuf_free(&req);
    if (rc == 0) {
        char *name = _string_of((const uint8_t *)msg.data, msg.len, 2);
        rt->type = !strcmp(name, "containerd") ? CINFO_CONTAINERD
                   : !strcmp(name, "cri-o")    ? CINFO_CRIO
                                               : CINFO_CRI;
        rt->known = true;
        free(name);
    }
    strbuf_free(&msg);
    return rc == 0 ? 0 : -1;
}

enum cinfo_answer cri_lookup(struct http *h, const char *socket, const char *id,
                             struct cri_runtime *rt, long timeout_ms, size_t label_max_len,
                             struct cinfo **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!rt->known && _version(h, socket, rt, timeout_ms, err, errlen) < 0)
        return CINFO_FAILED;
    struct strbuf req = {0}, filter = {0};
    struct strbuf list = {0}, status = {0}, sandbox = {0};
    enum cinfo_answer answer = CINFO_FAILED;
    char *full = NULL, *sb_id = NULL;
    /* ListContainers{filter{id}}: the runtime resolves the short id. */
    cri_pb_string(&filter, 1, id);
    cri_pb_bytes(&req, 1, filter.data, filter.len);
    int rc = cri_call(h, socket, "ListContainers", &req, timeout_ms, &list, err, errlen);
    if (rc != 0) {
        answer = rc > 0 ? CINFO_NOT_FOUND : CINFO_FAILED;
        goto out;
    }
    size_t cn = 0;
    const uint8_t *ctr = _message_of((const uint8_t *)list.data, list.len, 1, &cn);
    if (!ctr) {
        answer = CINFO_NOT_FOUND;
        goto out;
    }
    full = _string_of(ctr, cn, 1);
    sb_id = _string_of(ctr, cn, 2);
    strbuf_free(&req);
    cri_pb_string(&req, 1, full);
    cri_pb_varint(&req, 2, 1); /* verbose: the info map */
    rc = cri_call(h, socket, "ContainerStatus", &req, timeout_ms, &status, err, errlen);
    if (rc != 0) {
        answer = rc > 0 ? CINFO_NOT_FOUND : CINFO_FAILED;
        goto out;
    }
    strbuf_free(&req);
    cri_pb_string(&req, 1, sb_id);
    char ignored[256];
    bool have_sb = sb_id[0] && cri_call(h, socket, "PodSandboxStatus", &req, timeout_ms, &sandbox,
                                        ignored, sizeof(ignored)) == 0;
    *out = cri_parse((const uint8_t *)status.data, status.len,
                     have_sb ? (const uint8_t *)sandbox.data : NULL, sandbox.len, rt->type,
                     label_max_len);
    if (*out)
        answer = CINFO_FOUND;
    else
        snprintf(err, errlen, "ContainerStatus: malformed answer");
out:
    strbuf_free(&req);
    strbuf_free(&filter);
    strbuf_free(&list);
    strbuf_free(&status);
    strbuf_free(&sandbox);
    free(full);
    free(sb_id);
    return answer;
}
