/* runtime/container_info.c, runtime/docker.c, runtime/cri.c, runtime/container_meta.c: the
 * Docker API's and CRI's answers read as the container plugin reads them, and the container.*
 * and k8s.* values and formats made from them (empty versus <NA> included). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/test_util.h"

#include "runtime/config.h"
#include "runtime/container_info.h"
#include "runtime/container_meta.h"
#include "runtime/cri.h"
#include "runtime/docker.h"

/* GET /containers/{id}/json, trimmed to what is read (and a few keys that are not). */
static const char _container_json[] =
    "{\"Id\":\"3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e\","
    "\"Name\":\"/kube-apiserver-node1\",\"Image\":\"sha256:0ca0fed353fb\","
    "\"Created\":\"2024-11-07T09:18:06.123Z\","
    "\"State\":{\"Status\":\"running\",\"Pid\":0,\"StartedAt\":\"2024-11-07T09:18:06.5Z\"},"
    "\"Config\":{\"Image\":\"registry.k8s.io/kube-apiserver:v1.30.0\",\"User\":\"\","
    "\"Labels\":{\"io.kubernetes.pod.name\":\"kube-apiserver-node1\","
    "\"io.kubernetes.pod.namespace\":\"kube-system\",\"io.kubernetes.pod.uid\":\"u-1\","
    "\"tier\":\"control-plane\",\"annotation.x\":\"y\",\"empty\":\"\",\"component\":\"apiserver\","
    "\"long\":\"0123456789012345678901234567890123456789\"}},"
    "\"HostConfig\":{\"Privileged\":true,\"NetworkMode\":\"host\",\"PidMode\":\"\","
    "\"IpcMode\":\"host\"},"
    "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/etc/kubernetes/pki\",\"Destination\":\"/pki\","
    "\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"},"
    "{\"Type\":\"volume\",\"Source\":\"/var/lib/docker/volumes/v/_data\",\"Destination\":"
    "\"/var/log\",\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\"}],"
    "\"NetworkSettings\":{\"IPAddress\":\"172.17.0.2\",\"Ports\":{}}}";

static const char _image_json[] =
    "{\"Id\":\"sha256:0ca0fed353fb77c247abada85aebc667fd1f5fa0b5f6ab1efb26867ba18f2f0a\","
    "\"RepoTags\":[\"registry.k8s.io/kube-apiserver:v1.30.0\"],"
    "\"RepoDigests\":[\"registry.k8s.io/kube-apiserver@sha256:d977378f890d\"]}";

static struct cinfo *_docker(size_t label_max_len)
{
    struct cinfo *ci = docker_parse(_container_json, strlen(_container_json), _image_json,
                                    strlen(_image_json), CINFO_DOCKER, label_max_len);
    assert_non_null(ci);
    return ci;
}

/* The field's value as text: "<NA>", the string, or a number / bool as text. */
static const char *_value(const struct cinfo *ci, enum field_id id, const char *arg)
{
    static char buf[1024];
    struct field_value v;
    cinfo_field(ci, id, arg, 0, &v);
    switch (v.kind) {
    case FV_STR:
        snprintf(buf, sizeof(buf), "%.*s", (int)v.str.len, v.str.ptr);
        return buf;
    case FV_BOOL:
        return v.b ? "true" : "false";
    case FV_UINT:
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v.u);
        return buf;
    case FV_INT:
        snprintf(buf, sizeof(buf), "%lld", (long long)v.i);
        return buf;
    default:
        return "<NA>";
    }
}

static void test_docker_container(void **state)
{
    (void)state;
    struct cinfo *ci = _docker(100);
    assert_string_equal(_value(ci, FIELD_CONTAINER_NAME, NULL), "kube-apiserver-node1");
    assert_string_equal(_value(ci, FIELD_CONTAINER_FULL_ID, NULL),
                        "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e");
    assert_string_equal(ci->id, "3ad7b26ded6d");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE, NULL),
                        "registry.k8s.io/kube-apiserver:v1.30.0");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_REPOSITORY, NULL),
                        "registry.k8s.io/kube-apiserver");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_TAG, NULL), "v1.30.0");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_DIGEST, NULL), "sha256:d977378f890d");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_ID, NULL),
                        "0ca0fed353fb77c247abada85aebc667fd1f5fa0b5f6ab1efb26867ba18f2f0a");
    assert_string_equal(_value(ci, FIELD_CONTAINER_TYPE, NULL), "docker");
    assert_string_equal(_value(ci, FIELD_CONTAINER_PRIVILEGED, NULL), "true");
    assert_string_equal(_value(ci, FIELD_CONTAINER_HOST_NETWORK, NULL), "true");
    assert_string_equal(_value(ci, FIELD_CONTAINER_HOST_PID, NULL), "false");
    assert_string_equal(_value(ci, FIELD_CONTAINER_HOST_IPC, NULL), "true");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IP, NULL), "172.17.0.2");
    /* State.Pid 0 (gone): the runtime's StartedAt. */
    assert_string_equal(_value(ci, FIELD_CONTAINER_START_TS, NULL), "1730971086500000000");
    cinfo_free(&ci);
}

static void test_docker_labels_and_k8s(void **state)
{
    (void)state;
    struct cinfo *ci = _docker(30);
    /* Sorted by key, without annotation.* and io.kubernetes.*, values over 30 left out, an
     * empty value as the bare key. */
    assert_string_equal(_value(ci, FIELD_CONTAINER_LABELS, NULL),
                        "component:apiserver, empty, tier:control-plane");
    assert_string_equal(_value(ci, FIELD_CONTAINER_LABEL, "tier"), "control-plane");
    assert_string_equal(_value(ci, FIELD_CONTAINER_LABEL, "long"), "<NA>");
    assert_string_equal(_value(ci, FIELD_CONTAINER_LABEL, "nope"), "<NA>");
    assert_string_equal(_value(ci, FIELD_K8S_POD_NAME, NULL), "kube-apiserver-node1");
    assert_string_equal(_value(ci, FIELD_K8S_NS_NAME, NULL), "kube-system");
    assert_string_equal(_value(ci, FIELD_K8S_POD_UID, NULL), "u-1");
    assert_string_equal(_value(ci, FIELD_K8S_POD_ID, NULL), "u-1");
    /* Docker has no pod sandbox: empty ids and labels, <NA> for what only a sandbox has. */
    assert_string_equal(_value(ci, FIELD_K8S_POD_SANDBOX_ID, NULL), "");
    assert_string_equal(_value(ci, FIELD_K8S_POD_LABELS, NULL), "");
    assert_string_equal(_value(ci, FIELD_K8S_POD_LABEL, "app"), "<NA>");
    assert_string_equal(_value(ci, FIELD_K8S_POD_IP, NULL), "<NA>");
    assert_string_equal(_value(ci, FIELD_CONTAINER_CNI_JSON, NULL), "");
    /* Deprecated fields extract nothing. */
    assert_string_equal(_value(ci, FIELD_K8S_RC_NAME, NULL), "<NA>");
    assert_string_equal(_value(ci, FIELD_CONTAINER_HEALTHCHECK, NULL), "<NA>");
    assert_string_equal(_value(ci, FIELD_PROC_IS_CONTAINER_HEALTHCHECK, NULL), "<NA>");
    cinfo_free(&ci);
}

static void test_docker_mounts(void **state)
{
    (void)state;
    struct cinfo *ci = _docker(100);
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNTS, NULL),
                        "/etc/kubernetes/pki:/pki:ro:false:rprivate,"
                        "/var/lib/docker/volumes/v/_data:/var/log::true:");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT, "1"),
                        "/var/lib/docker/volumes/v/_data:/var/log::true:");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT, "2"), "<NA>");
    /* By source (a regular expression found anywhere), and .source by destination. */
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT_DEST, "/etc/kube.*"), "/pki");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT_SOURCE, "/var/log"),
                        "/var/lib/docker/volumes/v/_data");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT_MODE, "pki"), "ro");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT_RDWR, "0"), "false");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT_RDWR, "volumes"), "true");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT_PROPAGATION, "0"), "rprivate");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT, "^/nowhere"), "<NA>");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNT, "(unbalanced"), "<NA>");
    cinfo_free(&ci);
}

static void test_docker_image_unreadable(void **state)
{
    (void)state;
    /* The image inspection failed: repository, tag, digest and id stay empty, as the plugin
     * leaves them. */
    struct cinfo *ci =
        docker_parse(_container_json, strlen(_container_json), NULL, 0, CINFO_PODMAN, 100);
    assert_non_null(ci);
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE, NULL),
                        "registry.k8s.io/kube-apiserver:v1.30.0");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_REPOSITORY, NULL), "");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_TAG, NULL), "");
    assert_string_equal(_value(ci, FIELD_CONTAINER_TYPE, NULL), "podman");
    cinfo_free(&ci);
    assert_null(docker_parse("{\"message\":\"No such container\"}", 32, NULL, 0, CINFO_DOCKER, 9));
    assert_null(docker_parse("{\"Id\":", 6, NULL, 0, CINFO_DOCKER, 9));
    assert_null(docker_parse("[1]", 3, NULL, 0, CINFO_DOCKER, 9));
    char image[64], net[64];
    const char *shared = "{\"Id\":\"abc\",\"Image\":\"sha256:1\",\"HostConfig\":{\"NetworkMode\":"
                         "\"container:0123456789ab\"},\"NetworkSettings\":{\"IPAddress\":\"\"}}";
    assert_int_equal(
        docker_parse_refs(shared, strlen(shared), image, sizeof(image), net, sizeof(net)), 0);
    assert_string_equal(image, "sha256:1");
    assert_string_equal(net, "0123456789ab");
}

static void test_split_image(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"registry.example.com:5000/foo/bar:latest@sha256:d", "registry.example.com:5000/foo/bar",
         "latest"},
        {"registry.example.com:5000/foo/bar@sha256:d", "registry.example.com:5000/foo/bar", ""},
        {"registry.example.com:5000/foo/bar:latest", "registry.example.com:5000/foo/bar", "latest"},
        {"registry.example.com:5000/foo/bar", "registry.example.com:5000/foo/bar", ""},
        {"foo/bar:latest", "foo/bar", "latest"},
        {"foo:latest", "foo", "latest"},
        {"", "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *repo, *tag;
        cinfo_split_image(cases[i][0], &repo, &tag);
        assert_string_equal(repo, cases[i][1]);
        assert_string_equal(tag, cases[i][2]);
        free(repo);
        free(tag);
    }
}

static void test_parse_time(void **state)
{
    (void)state;
    assert_int_equal(cinfo_parse_time("1970-01-01T00:00:01Z"), 1000000000ull);
    assert_int_equal(cinfo_parse_time("2024-11-07T09:18:06.123456789Z"), 1730971086123456789ull);
    assert_int_equal(cinfo_parse_time("2024-11-07T10:18:06.5+01:00"), 1730971086500000000ull);
    assert_int_equal(cinfo_parse_time("0001-01-01T00:00:00Z"), 0); /* never started */
    assert_int_equal(cinfo_parse_time("yesterday"), 0);
    assert_int_equal(cinfo_parse_time(NULL), 0);
}

static void test_host_and_unknown(void **state)
{
    (void)state;
    /* No cache at all: the host is still the host, a container is <NA>. */
    const struct cinfo *host = cmeta_get(NULL, "host", 4);
    assert_ptr_equal(host, cinfo_host());
    assert_string_equal(_value(host, FIELD_CONTAINER_NAME, NULL), "host");
    assert_string_equal(_value(host, FIELD_CONTAINER_FULL_ID, NULL), "host");
    assert_string_equal(_value(host, FIELD_CONTAINER_TYPE, NULL), "host");
    assert_string_equal(_value(host, FIELD_CONTAINER_IMAGE, NULL), "");
    assert_string_equal(_value(host, FIELD_CONTAINER_IMAGE_REPOSITORY, NULL), "");
    assert_string_equal(_value(host, FIELD_CONTAINER_PRIVILEGED, NULL), "false");
    assert_string_equal(_value(host, FIELD_CONTAINER_LABELS, NULL), "");
    assert_string_equal(_value(host, FIELD_K8S_POD_NAME, NULL), "<NA>");
    assert_string_equal(_value(host, FIELD_K8S_NS_NAME, NULL), "<NA>");
    assert_string_not_equal(_value(host, FIELD_CONTAINER_START_TS, NULL), "<NA>");
    assert_null(cmeta_get(NULL, "3ad7b26ded6d", 12));
    assert_string_equal(_value(NULL, FIELD_CONTAINER_NAME, NULL), "<NA>");
    assert_string_equal(_value(NULL, FIELD_CONTAINER_START_TS, NULL), "<NA>");

    /* Every engine disabled: no thread, containers are <NA>, nothing waits. */
    struct rulec_config cfg;
    config_init(&cfg);
    cfg.docker_enabled = cfg.podman_enabled = cfg.cri_enabled = false;
    struct cmeta *c;
    assert_int_equal(cmeta_new(&c, &cfg), 0);
    cmeta_begin_event(c);
    assert_null(cmeta_get(c, "3ad7b26ded6d", 12));
    assert_ptr_equal(cmeta_get(c, "host", 4), cinfo_host());
    struct cmeta_stats st;
    cmeta_stats(c, &st);
    assert_int_equal(st.waits, 0);
    cmeta_free(&c);
    config_free(&cfg);
}

static void test_cache_without_runtime(void **state)
{
    (void)state;
    /* Engines whose sockets do not exist: every container is unknown, asked once, and a
     * lookup waits at most the bound. */
    struct rulec_config cfg;
    config_init(&cfg);
    char err[128];
    assert_int_equal(config_set(&cfg, "container_engines.docker.sockets",
                                "/nonexistent/rulec-test.sock", err, sizeof(err)),
                     0);
    cfg.podman_enabled = cfg.cri_enabled = false;
    cfg.lookup_wait_ms = 200;
    struct cmeta *c;
    assert_int_equal(cmeta_new(&c, &cfg), 0);
    for (int i = 0; i < 3; i++) {
        cmeta_begin_event(c);
        assert_null(cmeta_get(c, "3ad7b26ded6d", 12));
    }
    struct cmeta_stats st;
    cmeta_stats(c, &st);
    assert_int_equal(st.lookups, 3);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.not_found, 1);
    assert_int_equal(st.late, 0);
    assert_true(st.wait_ns_max < 200000000ull);
    assert_int_equal(st.containers, 1);
    cmeta_free(&c);
    config_free(&cfg);
}

/* ---- CRI ---- */

static void _map(struct strbuf *pb, unsigned field, const char *key, const char *value)
{
    struct strbuf e = {0};
    cri_pb_string(&e, 1, key);
    cri_pb_string(&e, 2, value);
    cri_pb_bytes(pb, field, e.data, e.len);
    strbuf_free(&e);
}

static void _sub(struct strbuf *pb, unsigned field, struct strbuf *msg)
{
    cri_pb_bytes(pb, field, msg->data, msg->len);
    strbuf_free(msg);
}

static void test_cri_parse(void **state)
{
    (void)state;
    /* ContainerStatusResponse{status, info}, as containerd answers with verbose. */
    struct strbuf st = {0}, meta = {0}, spec = {0}, mount = {0}, resp = {0};
    cri_pb_string(&st, 1, "8f9e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7");
    cri_pb_string(&meta, 1, "kube-apiserver");
    _sub(&st, 2, &meta);
    cri_pb_varint(&st, 5, 1730971086500000000ull); /* started_at */
    cri_pb_string(&spec, 1, "registry.k8s.io/kube-apiserver:v1.30.0");
    _sub(&st, 8, &spec);
    cri_pb_string(&st, 9, "registry.k8s.io/kube-apiserver@sha256:d977378f890d");
    _map(&st, 12, "io.kubernetes.container.name", "kube-apiserver");
    _map(&st, 12, "io.kubernetes.pod.name", "stale");
    cri_pb_string(&mount, 1, "/etc/kubernetes/pki");
    cri_pb_string(&mount, 2, "/etc/kubernetes/pki");
    cri_pb_varint(&mount, 3, 1); /* readonly */
    cri_pb_varint(&mount, 5, 1); /* host to container */
    _sub(&st, 14, &mount);
    _sub(&resp, 1, &st);
    _map(&resp, 2, "info",
         "{\"pid\":0,\"config\":{\"image\":{\"image\":\"sha256:0ca0fed353fb\"},"
         "\"linux\":{\"security_context\":{\"privileged\":true}}}}");

    /* PodSandboxStatusResponse{status{id, metadata, network, linux, labels}}. */
    struct strbuf sb = {0}, pm = {0}, net = {0}, lin = {0}, ns = {0}, opt = {0}, sresp = {0};
    cri_pb_string(&sb, 1, "a1b2c3d4e5f6a7b8c9d0");
    cri_pb_string(&pm, 1, "kube-apiserver-node1");
    cri_pb_string(&pm, 2, "uid-1");
    cri_pb_string(&pm, 3, "kube-system");
    _sub(&sb, 2, &pm);
    cri_pb_string(&net, 1, "10.0.0.7");
    _sub(&sb, 5, &net);
    cri_pb_varint(&opt, 1, 2); /* network NODE */
    cri_pb_varint(&opt, 2, 0); /* pid POD */
    _sub(&ns, 2, &opt);
    _sub(&lin, 1, &ns);
    _sub(&sb, 6, &lin);
    _map(&sb, 7, "tier", "control-plane");
    _map(&sb, 7, "component", "kube-apiserver");
    _sub(&sresp, 1, &sb);

    struct cinfo *ci = cri_parse((const uint8_t *)resp.data, resp.len, (const uint8_t *)sresp.data,
                                 sresp.len, CINFO_CONTAINERD, 100);
    assert_non_null(ci);
    assert_string_equal(ci->id, "8f9e0a1b2c3d");
    assert_string_equal(_value(ci, FIELD_CONTAINER_NAME, NULL), "kube-apiserver");
    assert_string_equal(_value(ci, FIELD_CONTAINER_TYPE, NULL), "containerd");
    /* image_ref names a repository digest: the name from it, the tag from the spec. */
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE, NULL),
                        "registry.k8s.io/kube-apiserver:v1.30.0");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_REPOSITORY, NULL),
                        "registry.k8s.io/kube-apiserver");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_TAG, NULL), "v1.30.0");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_DIGEST, NULL), "sha256:d977378f890d");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IMAGE_ID, NULL), "0ca0fed353fb");
    assert_string_equal(_value(ci, FIELD_CONTAINER_PRIVILEGED, NULL), "true");
    assert_string_equal(_value(ci, FIELD_CONTAINER_MOUNTS, NULL),
                        "/etc/kubernetes/pki:/etc/kubernetes/pki::false:rslave");
    assert_string_equal(_value(ci, FIELD_CONTAINER_START_TS, NULL), "1730971086500000000");
    /* The pod from its sandbox, over the container's own labels. */
    assert_string_equal(_value(ci, FIELD_K8S_POD_NAME, NULL), "kube-apiserver-node1");
    assert_string_equal(_value(ci, FIELD_K8S_NS_NAME, NULL), "kube-system");
    assert_string_equal(_value(ci, FIELD_K8S_POD_UID, NULL), "uid-1");
    assert_string_equal(_value(ci, FIELD_K8S_POD_SANDBOX_ID, NULL), "a1b2c3d4e5f6");
    assert_string_equal(_value(ci, FIELD_K8S_POD_FULL_SANDBOX_ID, NULL), "a1b2c3d4e5f6a7b8c9d0");
    assert_string_equal(_value(ci, FIELD_K8S_POD_LABELS, NULL),
                        "component:kube-apiserver, tier:control-plane");
    assert_string_equal(_value(ci, FIELD_K8S_POD_LABEL, "tier"), "control-plane");
    assert_string_equal(_value(ci, FIELD_K8S_POD_IP, NULL), "10.0.0.7");
    assert_string_equal(_value(ci, FIELD_CONTAINER_IP, NULL), "10.0.0.7");
    assert_string_equal(_value(ci, FIELD_CONTAINER_HOST_NETWORK, NULL), "true");
    assert_string_equal(_value(ci, FIELD_CONTAINER_HOST_PID, NULL), "false");
    /* container.labels leaves the io.kubernetes.* ones out. */
    assert_string_equal(_value(ci, FIELD_CONTAINER_LABELS, NULL), "");
    cinfo_free(&ci);

    /* Without a sandbox the container is its own; garbage is refused. */
    ci = cri_parse((const uint8_t *)resp.data, resp.len, NULL, 0, CINFO_CRIO, 100);
    assert_non_null(ci);
    assert_string_equal(_value(ci, FIELD_K8S_POD_FULL_SANDBOX_ID, NULL),
                        "8f9e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7");
    assert_string_equal(_value(ci, FIELD_K8S_POD_NAME, NULL), "stale");
    cinfo_free(&ci);
    static const uint8_t junk[] = {0x0a, 0x7f, 0x01};
    assert_null(cri_parse(junk, sizeof(junk), NULL, 0, CINFO_CRI, 100));
    strbuf_free(&resp);
    strbuf_free(&sresp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_container), cmocka_unit_test(test_docker_labels_and_k8s),
        cmocka_unit_test(test_docker_mounts),    cmocka_unit_test(test_docker_image_unreadable),
        cmocka_unit_test(test_split_image),      cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_host_and_unknown), cmocka_unit_test(test_cache_without_runtime),
        cmocka_unit_test(test_cri_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
