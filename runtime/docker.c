#include "runtime/docker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/http.h"
#include "runtime/jsonpath.h"

static bool _is(json_object *o, const char *value)
{
    const char *s = jsonpath_string(o);
    return s && strcmp(s, value) == 0;
}

/* The image fields as the plugin's docker engine picks them from the image inspection. */
static void _image(struct cinfo *ci, json_object *img)
{
    char *repo = NULL, *digest = NULL, *tag = NULL;
    json_object *digests = JSONPATH(img, "RepoDigests"), *tags = JSONPATH(img, "RepoTags");
    size_t ndigests = 0;
    const char *only = NULL;
    for (size_t i = 0; json_object_is_type(digests, json_type_array) &&
                       i < json_object_array_length(digests) && !digest;
         i++) {
        const char *rd = jsonpath_string(json_object_array_get_idx(digests, i));
        const char *at = rd ? strchr(rd, '@') : NULL;
        if (!at || strchr(at + 1, '@'))
            continue; /* malformed */
        if (!repo)
            repo = strndup(rd, (size_t)(at - rd));
        ndigests++;
        only = at + 1;
        if (strstr(rd, repo))
            digest = strdup(at + 1);
    }
    if (!digest && ndigests == 1)
        digest = strdup(only);
    for (size_t i = 0;
         json_object_is_type(tags, json_type_array) && i < json_object_array_length(tags) && !tag;
         i++) {
        const char *rt = jsonpath_string(json_object_array_get_idx(tags, i));
        char *r, *t;
        if (!rt)
            continue;
        cinfo_split_image(rt, &r, &t);
        if (r[0] && t[0]) {
            if (!repo) {
                repo = r;
                r = NULL;
            }
            if (strstr(rt, repo)) {
                tag = t;
                t = NULL;
            }
        }
        free(r);
        free(t);
    }
    const char *id = jsonpath_string(JSONPATH(img, "Id"));
    if (id && strncmp(id, "sha256:", 7) == 0)
        id += 7;
    cinfo_set(&ci->image_repo, repo);
    cinfo_set(&ci->image_tag, tag);
    cinfo_set(&ci->image_digest, digest);
    cinfo_set(&ci->image_id, id);
    free(repo);
    free(tag);
    free(digest);
}

struct cinfo *docker_parse(const char *container_json, size_t len, const char *image_json,
                           size_t image_len, enum cinfo_type type, size_t label_max_len)
{
    json_object *c = jsonpath_parse(container_json, len);
    const char *full = jsonpath_string(JSONPATH(c, "Id"));
    if (!full) {
        json_object_put(c);
        return NULL;
    }
    struct cinfo *ci = cinfo_new(type);
    cinfo_set(&ci->full_id, full);
    char shortid[13];
    snprintf(shortid, sizeof(shortid), "%s", full);
    cinfo_set(&ci->id, shortid);
    const char *name = jsonpath_string(JSONPATH(c, "Name"));
    cinfo_set(&ci->name, name && name[0] == '/' ? name + 1 : name);
    cinfo_set(&ci->image, jsonpath_string(JSONPATH(c, "Config", "Image")));
    json_object *labels = JSONPATH(c, "Config", "Labels");
    if (json_object_is_type(labels, json_type_object)) {
        json_object_object_foreach(labels, key, value)
        {
            cinfo_add_label(ci, false, key, jsonpath_string(value), label_max_len);
        }
    }
    ci->privileged = jsonpath_bool(JSONPATH(c, "HostConfig", "Privileged"));
    ci->host_network = _is(JSONPATH(c, "HostConfig", "NetworkMode"), "host");
    ci->host_pid = _is(JSONPATH(c, "HostConfig", "PidMode"), "host");
    ci->host_ipc = _is(JSONPATH(c, "HostConfig", "IpcMode"), "host");
    cinfo_set(&ci->ip, jsonpath_string(JSONPATH(c, "NetworkSettings", "IPAddress")));
    /* The init's start as /proc has it (what the kernel's pidns_init_start_ts is), else the
     * runtime's StartedAt, which it stamps after the init already runs. */
    json_object *pid = JSONPATH(c, "State", "Pid");
    ci->start_ns = cinfo_process_start_ns(pid ? json_object_get_int(pid) : 0);
    if (!ci->start_ns)
        ci->start_ns = cinfo_parse_time(jsonpath_string(JSONPATH(c, "State", "StartedAt")));
    json_object *mounts = JSONPATH(c, "Mounts");
    for (size_t i = 0;
         json_object_is_type(mounts, json_type_array) && i < json_object_array_length(mounts);
         i++) {
        json_object *m = json_object_array_get_idx(mounts, i);
        cinfo_add_mount(ci, jsonpath_string(JSONPATH(m, "Source")),
                        jsonpath_string(JSONPATH(m, "Destination")),
                        jsonpath_string(JSONPATH(m, "Mode")), jsonpath_bool(JSONPATH(m, "RW")),
                        jsonpath_string(JSONPATH(m, "Propagation")));
    }
    json_object *img = jsonpath_parse(image_json, image_len);
    if (img)
        _image(ci, img);
    json_object_put(img);
    json_object_put(c);
    cinfo_finish(ci);
    return ci;
}

int docker_parse_refs(const char *container_json, size_t len, char *image, size_t image_size,
                      char *net_container, size_t net_size)
{
    json_object *c = jsonpath_parse(container_json, len);
    if (!jsonpath_string(JSONPATH(c, "Id"))) {
        json_object_put(c);
        return -1;
    }
    const char *img = jsonpath_string(JSONPATH(c, "Image"));
    const char *mode = jsonpath_string(JSONPATH(c, "HostConfig", "NetworkMode"));
    const char *ip = jsonpath_string(JSONPATH(c, "NetworkSettings", "IPAddress"));
    snprintf(image, image_size, "%s", img ? img : "");
    /* Only when the container has no address of its own, as the plugin asks. */
    snprintf(net_container, net_size, "%s",
             (!ip || !ip[0]) && mode && strncmp(mode, "container:", 10) == 0 ? mode + 10 : "");
    json_object_put(c);
    return 0;
}

/* Ids come from cgroup names: anything but [A-Za-z0-9_.-] is refused rather than escaped. */
static bool _safe_id(const char *id)
{
    if (!id[0] || strlen(id) > 128)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              *p == '_' || *p == '.' || *p == '-'))
            return false;
    return true;
}

static int _get(struct http *h, const char *socket, const char *path, long timeout_ms,
                struct http_response *resp, char *err, size_t errlen)
{
    struct http_request req = {.socket = socket, .path = path, .timeout_ms = timeout_ms};
    strbuf_free(&resp->body);
    return http_call(h, &req, resp, err, errlen);
}

enum cinfo_answer docker_lookup(struct http *h, const char *socket, const char *id,
                                enum cinfo_type type, long timeout_ms, size_t label_max_len,
                                struct cinfo **out, char *err, size_t errlen)
{
    char path[512], image[256], net[256];
    struct http_response c = {0}, img = {0}, other = {0};
    enum cinfo_answer answer = CINFO_FAILED;
    *out = NULL;
    if (!_safe_id(id))
        return CINFO_NOT_FOUND;
    snprintf(path, sizeof(path), "/containers/%s/json", id);
    if (_get(h, socket, path, timeout_ms, &c, err, errlen) < 0)
        goto out;
    if (c.status == 404) {
        answer = CINFO_NOT_FOUND;
        goto out;
    }
    if (c.status != 200 ||
        docker_parse_refs(c.body.data, c.body.len, image, sizeof(image), net, sizeof(net)) < 0) {
        snprintf(err, errlen, "GET %s: HTTP status %ld", path, c.status);
        goto out;
    }
    /* The image and the network container are extras: without them the fields stay empty. */
    snprintf(path, sizeof(path), "/images/%s/json", image);
    char ignored[256];
    if (!image[0] || !_safe_id(image + (strncmp(image, "sha256:", 7) ? 0 : 7)) ||
        _get(h, socket, path, timeout_ms, &img, ignored, sizeof(ignored)) < 0 || img.status != 200)
        strbuf_free(&img.body);
    *out = docker_parse(c.body.data, c.body.len, img.body.data, img.body.len, type, label_max_len);
    if (!*out) {
        snprintf(err, errlen, "GET /containers/%s/json: not a container inspection", id);
        goto out;
    }
    snprintf(path, sizeof(path), "/containers/%s/json", net);
    if (net[0] && _safe_id(net) &&
        _get(h, socket, path, timeout_ms, &other, ignored, sizeof(ignored)) == 0 &&
        other.status == 200) {
        struct cinfo *peer =
            docker_parse(other.body.data, other.body.len, NULL, 0, type, label_max_len);
        if (peer)
            cinfo_set(&(*out)->ip, peer->ip);
        cinfo_free(&peer);
    }
    answer = CINFO_FOUND;
out:
    strbuf_free(&c.body);
    strbuf_free(&img.body);
    strbuf_free(&other.body);
    return answer;
}
