/* The Docker Engine API engine (docker, and podman's Docker-compatible API): what the container
 * plugin's docker engine reads, from GET /containers/{id}/json and the image's
 * GET /images/{id}/json, over the runtime's unix socket. */
#pragma once

#include <stddef.h>

#include "runtime/container_info.h"

struct http;

/* The parsing alone (unit-tested): the container's JSON and its image's (image_json NULL when
 * the image could not be read: the image fields stay empty, as the plugin leaves them).
 * Returns NULL when container_json is not a container inspection. */
struct cinfo *docker_parse(const char *container_json, size_t len, const char *image_json,
                           size_t image_len, enum cinfo_type type, size_t label_max_len);

/* The Image field of a container inspection ("sha256:..."), and its network-mode container
 * ("container:ID" networking shares another container's address), copied into buffers;
 * "" when absent. Returns -1 when the JSON is not a container inspection. */
int docker_parse_refs(const char *container_json, size_t len, char *image, size_t image_size,
                      char *net_container, size_t net_size);

/* Asks the runtime at socket about container id. */
enum cinfo_answer docker_lookup(struct http *h, const char *socket, const char *id,
                                enum cinfo_type type, long timeout_ms, size_t label_max_len,
                                struct cinfo **out, char *err, size_t errlen);
