/* The CRI engine (containerd, CRI-O): the Kubernetes Container Runtime Interface, gRPC on the
 * runtime's unix socket. A unary gRPC call is an HTTP/2 POST of one length-prefixed protobuf
 * message, answered by one message and a grpc-status trailer; libcurl speaks HTTP/2 over a
 * unix socket (runtime/http.c), and the handful of CRI fields the container plugin reads are
 * encoded and decoded here by hand (runtime.v1's field numbers), so neither gRPC's C core nor
 * generated protobuf code is linked. The calls are the plugin's: ListContainers by id (the
 * runtime resolves the 12-character prefix), ContainerStatus with verbose info, and
 * PodSandboxStatus for the pod's name, namespace, uid, labels, address and namespaces. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "runtime/container_info.h"

struct http;

/* What one socket's runtime said in Version (container.type: containerd, cri-o or cri). */
struct cri_runtime {
    bool known;
    enum cinfo_type type;
};

enum cinfo_answer cri_lookup(struct http *h, const char *socket, const char *id,
                             struct cri_runtime *rt, long timeout_ms, size_t label_max_len,
                             struct cinfo **out, char *err, size_t errlen);

/* One unary call of runtime.v1.RuntimeService/method: req's message in, the answer's message
 * (without gRPC's prefix) appended to msg. Returns 0, 1 for gRPC's NOT_FOUND, or -1 with a
 * message. */
int cri_call(struct http *h, const char *socket, const char *method, const struct strbuf *req,
             long timeout_ms, struct strbuf *msg, char *err, size_t errlen);

/* ---- the protobuf side, for the unit tests and the e2e test's kubelet ---- */

/* Protobuf fields appended to a message being written (strbuf is binary-safe). */
void cri_pb_varint(struct strbuf *pb, unsigned field, uint64_t v);
void cri_pb_bytes(struct strbuf *pb, unsigned field, const void *data, size_t n);
void cri_pb_string(struct strbuf *pb, unsigned field, const char *s);

/* The container's cinfo from the three answers' messages (without the gRPC prefix):
 * ListContainersResponse's Container, ContainerStatusResponse, PodSandboxStatusResponse (NULL
 * when the sandbox is unknown). Returns NULL when the status is malformed. */
struct cinfo *cri_parse(const uint8_t *status, size_t status_len, const uint8_t *sandbox,
                        size_t sandbox_len, enum cinfo_type type, size_t label_max_len);
