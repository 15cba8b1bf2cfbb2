/* rulec-cri: the few CRI calls the container metadata test makes as a kubelet would, with
 * rulec's own gRPC client (runtime/http.c, runtime/cri.c's protobuf writer).
 *
 *   rulec-cri SOCKET runp POD NAMESPACE UID          RunPodSandbox (host network, so no CNI, and
 *                                                    no hostname: it would be the node's); prints
 *                                                    its id
 *   rulec-cri SOCKET run SANDBOX POD NAMESPACE UID NAME IMAGE CMD...
 *                                                    CreateContainer + StartContainer; prints
 *                                                    the container's id
 *   rulec-cri SOCKET rmp SANDBOX                     StopPodSandbox + RemovePodSandbox
 *
 * The pod's cgroup parent is /kubepods/besteffort/podUID, as the kubelet's cgroupfs driver
 * names it; the pod and its containers carry the kubelet's labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cri.h"
#include "runtime/http.h"

static const char *_sock;
static struct http *_h;

static void _sub(struct strbuf *pb, unsigned field, struct strbuf *msg)
{
    cri_pb_bytes(pb, field, msg->data ? msg->data : "", msg->len);
    strbuf_free(msg);
}

static void _label(struct strbuf *pb, unsigned field, const char *k, const char *v)
{
    struct strbuf e = {0};
    cri_pb_string(&e, 1, k);
    cri_pb_string(&e, 2, v);
    _sub(pb, field, &e);
}

/* One unary call; the answer's message into out. Exits on failure. */
static void _call(const char *method, struct strbuf *req, struct strbuf *out)
{
    char err[256];
    struct strbuf ignored = {0};
    if (cri_call(_h, _sock, method, req, 60000, out ? out : &ignored, err, sizeof(err)) != 0) {
        fprintf(stderr, "rulec-cri: %s: %s\n", method, err);
        exit(1);
    }
    strbuf_free(&ignored);
    strbuf_free(req);
}

/* The first string field of a message (an id in every answer here). */
static void _print_id(const struct strbuf *msg)
{
    const uint8_t *d = (const uint8_t *)msg->data;
    if (!d || msg->len < 2 || d[0] != 0x0a || d[1] >= 0x80 || (size_t)d[1] + 2 > msg->len) {
        fprintf(stderr, "rulec-cri: unexpected answer\n");
        exit(1);
    }
    printf("%.*s\n", (int)d[1], (const char *)d + 2);
}

static void _sandbox_config(struct strbuf *cfg, const char *pod, const char *ns, const char *uid)
{
    struct strbuf meta = {0}, linux_ = {0}, sec = {0}, nsopt = {0};
    char parent[256];
    cri_pb_string(&meta, 1, pod);
    cri_pb_string(&meta, 2, uid);
    cri_pb_string(&meta, 3, ns);
    _sub(cfg, 1, &meta);
    _label(cfg, 6, "app", "kube-apiserver");
    _label(cfg, 6, "tier", "control-plane");
    snprintf(parent, sizeof(parent), "/kubepods/besteffort/pod%s", uid);
    cri_pb_string(&linux_, 1, parent);
    cri_pb_varint(&nsopt, 1, 2); /* network: NODE (no CNI) */
    _sub(&sec, 1, &nsopt);
    _sub(&linux_, 2, &sec);
    _sub(cfg, 8, &linux_);
}

int main(int argc, char **argv)
{
    char err[256];
    if (argc < 4 || http_new(&_h, err, sizeof(err)) < 0) {
        fprintf(stderr, "usage: rulec-cri SOCKET runp|run|rmp ...\n");
        return 2;
    }
    _sock = argv[1];
    struct strbuf req = {0}, cfg = {0};
    struct strbuf out = {0};
    if (!strcmp(argv[2], "runp") && argc == 6) {
        _sandbox_config(&cfg, argv[3], argv[4], argv[5]);
        _sub(&req, 1, &cfg);
        _call("RunPodSandbox", &req, &out);
        _print_id(&out);
    } else if (!strcmp(argv[2], "run") && argc >= 10) {
        struct strbuf c = {0}, meta = {0}, image = {0};
        cri_pb_string(&req, 1, argv[3]);
        cri_pb_string(&meta, 1, argv[7]);
        _sub(&c, 1, &meta);
        cri_pb_string(&image, 1, argv[8]);
        _sub(&c, 2, &image);
        for (int i = 9; i < argc; i++)
            cri_pb_string(&c, 3, argv[i]);
        _label(&c, 9, "io.kubernetes.container.name", argv[7]);
        _label(&c, 9, "tier", "control-plane");
        _sub(&req, 2, &c);
        _sandbox_config(&cfg, argv[4], argv[5], argv[6]);
        _sub(&req, 3, &cfg);
        _call("CreateContainer", &req, &out);
        _print_id(&out);
        char id[128];
        snprintf(id, sizeof(id), "%.*s", (int)((const uint8_t *)out.data)[1], out.data + 2);
        cri_pb_string(&req, 1, id);
        _call("StartContainer", &req, NULL);
    } else if (!strcmp(argv[2], "rmp") && argc == 4) {
        cri_pb_string(&req, 1, argv[3]);
        _call("StopPodSandbox", &req, NULL);
        cri_pb_string(&req, 1, argv[3]);
        _call("RemovePodSandbox", &req, NULL);
    } else {
        fprintf(stderr, "usage: rulec-cri SOCKET runp|run|rmp ...\n");
        return 2;
    }
    strbuf_free(&out);
    http_free(&_h);
    return 0;
}
