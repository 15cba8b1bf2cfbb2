/* core/k8saudit.c: what the API server sends parsed into events (Event,
 * EventList, arrays, malformed and foreign JSON, stageTimestamp), and the
 * value of the k8saudit plugin's fields on real audit events
 * (the fixtures in tests/e2e/k8saudit), printed as Falco prints them and compared by
 * the interpreter as rules compare them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tests/unit/test_util.h"

#include "core/arena.h"
#include "core/bind.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/interp.h"
#include "core/k8saudit.h"
#include "core/strbuf.h"
#include "grammar/condition.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static char *_read(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "tests/e2e/k8saudit/%s.json", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

struct fixture {
    struct k8saudit_batch batch;
    struct k8saudit_event ev;
    struct arena *arena;
    struct strbuf out;
};

static void _load_text(struct fixture *fx, const char *text)
{
    char err[256];
    memset(fx, 0, sizeof(*fx));
    fx->arena = arena_new();
    int rc = k8saudit_parse(text, strlen(text), 0, &fx->batch, err, sizeof(err));
    if (rc != K8SAUDIT_OK)
        fail_msg("parse: %s", err);
    assert_int_equal(fx->batch.nevents, 1);
    size_t len;
    const char *ev = k8saudit_batch_event(&fx->batch, 0, &len);
    assert_int_equal(k8saudit_event_bind(&fx->ev, ev, len, fx->batch.times[0], 7), 0);
    fx->ev.hostname = "node-1";
}

static void _load(struct fixture *fx, const char *name)
{
    char *text = _read(name);
    _load_text(fx, text);
    free(text);
}

static void _unload(struct fixture *fx)
{
    k8saudit_event_free(&fx->ev);
    k8saudit_batch_free(&fx->batch);
    arena_free(&fx->arena);
    strbuf_free(&fx->out);
}

/* What Falco prints for the output template tpl on the event. */
static const char *_render(struct fixture *fx, const char *tpl)
{
    struct diag_list diags = {0};
    struct format_template *t = format_parse(fx->arena, tpl, strlen(tpl), NULL, &diags);
    if (!t)
        fail_msg("template '%s': %s", tpl, diags.len ? diags.items[0].message : "?");
    diag_list_free(&diags);
    fx->out.len = 0;
    assert_int_equal(format_render_sb(t, k8saudit_get, &fx->ev, &fx->out), 0);
    return fx->out.data;
}

#define assert_renders(fx, tpl, want) assert_string_equal(_render(fx, tpl), want)

static bool _match(struct fixture *fx, const char *cond)
{
    struct diag_list diags = {0};
    struct ast_node *n = condition_parse(fx->arena, cond, strlen(cond), NULL, &diags);
    if (!n || bind_condition(n))
        fail_msg("condition '%s' does not parse or bind", cond);
    diag_list_free(&diags);
    struct interp *it = interp_new(n);
    assert_non_null(it);
    bool r = interp_eval(it, k8saudit_get, &fx->ev);
    interp_free(&it);
    return r;
}

/* ---- parsing ---------------------------------------------------------------------------- */

static const char _ev1[] =
    "{\"kind\":\"Event\",\"auditID\":\"a1\",\"stageTimestamp\":\"2024-03-01T13:53:31.726060Z\"}";
static const char _ev2[] =
    "{\"kind\":\"Event\",\"auditID\":\"a2\",\"stageTimestamp\":\"2024-03-01T13:53:32Z\"}";

static int _parse(const char *text, struct k8saudit_batch *b, char *err)
{
    return k8saudit_parse(text, strlen(text), 0, b, err, 256);
}

static void test_parse_forms(void **state)
{
    (void)state;
    struct k8saudit_batch b;
    char err[256], text[1024];
    assert_int_equal(_parse(_ev1, &b, err), K8SAUDIT_OK);
    assert_int_equal(b.nevents, 1);
    assert_int_equal(b.times[0], 1709301211726060000ull);
    k8saudit_batch_free(&b);

    snprintf(text, sizeof(text),
             "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},"
             "\"items\":[%s,%s]}\r\n",
             _ev1, _ev2);
    assert_int_equal(_parse(text, &b, err), K8SAUDIT_OK);
    assert_int_equal(b.nevents, 2);
    assert_int_equal(b.times[1], 1709301212000000000ull);
    /* each event as compact text, NUL-terminated */
    size_t len;
    assert_string_equal(k8saudit_batch_event(&b, 0, &len), _ev1);
    assert_int_equal(len, strlen(_ev1));
    assert_string_equal(k8saudit_batch_event(&b, 1, &len), _ev2);
    assert_int_equal(b.bytes, strlen(_ev1) + strlen(_ev2) + 2);
    k8saudit_batch_free(&b);

    /* A JSON array of events and lists, as the plugin also takes. */
    snprintf(text, sizeof(text), "[%s,{\"kind\":\"EventList\",\"items\":[%s]}]", _ev1, _ev2);
    assert_int_equal(_parse(text, &b, err), K8SAUDIT_OK);
    assert_int_equal(b.nevents, 2);
    k8saudit_batch_free(&b);

    /* An empty list is nothing to do, not an error. */
    assert_int_equal(_parse("{\"kind\":\"EventList\",\"items\":[]}", &b, err), K8SAUDIT_OK);
    assert_int_equal(b.nevents, 0);
    k8saudit_batch_free(&b);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct k8saudit_batch b;
    char err[256];
    static const char *const malformed[] = {
        "",
        "{",
        "{\"kind\":\"Event\",}",
        "{\"kind\":'Event'}",
        "{\"kind\":\"Event\"} trailing",
        "{\"kind\":\"Event\"}{\"kind\":\"Event\"}",
        "null",
        "\xff\xfe",
    };
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        assert_int_equal(_parse(malformed[i], &b, err), K8SAUDIT_ERR_JSON);
        assert_null(b.text);
        assert_non_null(strstr(err, "malformed JSON"));
    }
    static const char *const foreign[] = {
        "{}",
        "{\"kind\":\"Pod\"}",
        "{\"kind\":\"EventList\"}",
        "{\"kind\":\"EventList\",\"items\":{}}",
        "[1]",
        "\"Event\"",
        "42",
    };
    for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
        assert_int_equal(_parse(foreign[i], &b, err), K8SAUDIT_ERR_NOT_AUDIT);
        assert_non_null(strstr(err, "not a Kubernetes audit event"));
    }
    assert_int_equal(_parse("{\"kind\":\"Pod\"}", &b, err), K8SAUDIT_ERR_NOT_AUDIT);
    assert_non_null(strstr(err, "got kind Pod"));
    /* Nesting is bounded. */
    char deep[2 * K8SAUDIT_MAX_DEPTH + 8];
    memset(deep, '[', K8SAUDIT_MAX_DEPTH + 1);
    memset(deep + K8SAUDIT_MAX_DEPTH + 1, ']', K8SAUDIT_MAX_DEPTH + 1);
    deep[2 * K8SAUDIT_MAX_DEPTH + 2] = '\0';
    assert_int_equal(_parse(deep, &b, err), K8SAUDIT_ERR_JSON);
}

/* The plugin drops (and logs) events it cannot timestamp, or too large; the others stay. */
static void test_parse_skips_untimed(void **state)
{
    (void)state;
    struct k8saudit_batch b;
    char err[256], text[1024];
    snprintf(text, sizeof(text),
             "{\"kind\":\"EventList\",\"items\":[%s,{\"kind\":\"Event\"},"
             "{\"stageTimestamp\":\"yesterday\"},{\"stageTimestamp\":5},7,%s]}",
             _ev1, _ev2);
    assert_int_equal(_parse(text, &b, err), K8SAUDIT_OK);
    assert_int_equal(b.nevents, 2);
    assert_int_equal(b.skipped, 4);
    k8saudit_batch_free(&b);
    /* and the plugin's maxEventSize, on each event's text */
    assert_int_equal(k8saudit_parse(text, strlen(text), strlen(_ev2), &b, err, sizeof(err)),
                     K8SAUDIT_OK);
    assert_int_equal(b.nevents, 1);
    assert_int_equal(b.oversized, 1);
    k8saudit_batch_free(&b);
}

static void test_parse_time(void **state)
{
    (void)state;
    uint64_t ns;
    assert_int_equal(k8saudit_parse_time("1970-01-01T00:00:00Z", &ns), 0);
    assert_int_equal(ns, 0);
    assert_int_equal(k8saudit_parse_time("2024-02-29T23:59:59.123456789Z", &ns), 0);
    assert_int_equal(ns, 1709251199123456789ull);
    assert_int_equal(k8saudit_parse_time("2024-03-01T01:00:00.5+01:00", &ns), 0);
    assert_int_equal(ns, 1709251200500000000ull);
    assert_int_equal(k8saudit_parse_time("2024-02-29T19:00:00-05:00", &ns), 0);
    assert_int_equal(ns, 1709251200000000000ull);
    static const char *const bad[] = {
        "",
        "2024-03-01",
        "2024-03-01 13:53:31Z",
        "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-03-01T24:00:00Z",
        "2024-03-01T13:53:31",
        "2024-03-01T13:53:31.Z",
        "2024-03-01T13:53:31.1234567890Z",
        "2024-03-01T13:53:31Zjunk",
        "2024-03-01T13:53:31+0100",
        "1969-12-31T23:59:59Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(k8saudit_parse_time(bad[i], &ns), -1);
}

/* ---- fields ----------------------------------------------------------------------------- */

static void test_request_fields(void **state)
{
    (void)state;
    struct fixture fx;
    _load(&fx, "configmap-create-password");
    assert_renders(&fx, "%ka.auditid %ka.stage %ka.verb",
                   "9f0c2a1e-3b7d-4e55-a0c6-5d1e2f3a4b01 ResponseComplete create");
    assert_renders(&fx, "%ka.user.name %ka.user.groups",
                   "alice@example.com (developers,system:authenticated)");
    assert_renders(&fx, "%ka.uri",
                   "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&"
                   "fieldValidation=Strict");
    assert_renders(&fx, "%ka.uri.param[fieldManager] %ka.uri.param[nothing]",
                   "kubectl-create <NA>");
    assert_renders(&fx, "%ka.target.resource %ka.target.namespace %ka.target.name",
                   "configmaps default app-config");
    assert_renders(&fx, "%ka.target.subresource %ka.target.pod.name %ka.impuser.name",
                   "<NA> <NA> <NA>");
    assert_renders(&fx, "%ka.req.configmap.name %ka.req.configmap.obj",
                   "app-config {\"db_host\":\"db.internal\",\"db_password\":\"hunter2\"}");
    assert_renders(&fx, "%ka.response.code %ka.response.reason %ka.resp.name",
                   "201 <NA> app-config");
    assert_renders(&fx, "%ka.auth.decision|%ka.auth.reason",
                   "allow|RBAC: allowed by RoleBinding \"dev-edit/default\" of ClusterRole "
                   "\"edit\" to Group \"developers\"");
    assert_renders(&fx, "%ka.useragent", "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819");
    assert_renders(&fx, "%ka.sourceips %ka.sourceips[0] %ka.sourceips[1]",
                   "(172.18.0.1) (172.18.0.1) <NA>");
    assert_renders(&fx, "%ka.cluster.name %ka.auth.openshift.decision", "<NA> <NA>");
    assert_true(_match(&fx, "ka.req.configmap.obj contains password and ka.verb in (create, "
                            "update, patch) and ka.target.resource = configmaps"));
    assert_true(_match(&fx, "ka.user.groups intersects (developers) and not ka.user.groups in "
                            "(developers)"));
    assert_true(_match(&fx, "ka.response.code startswith 2 and ka.response.code = 201"));
    assert_false(_match(&fx, "ka.target.subresource exists"));
    _unload(&fx);
}

static void test_generic_and_json_fields(void **state)
{
    (void)state;
    struct fixture fx;
    _load(&fx, "configmap-create-password");
    assert_renders(&fx, "%evt.num %evt.source %evt.hostname %evt.pluginname",
                   "7 k8s_audit node-1 k8saudit");
    assert_renders(&fx, "%evt.time.iso8601 %evt.rawtime %evt.rawtime.s %evt.rawtime.ns",
                   "2024-03-01T13:53:31.726060000+0000 1709301211726060000 1709301211 726060000");
    assert_renders(&fx, "%jevt.rawtime %json.rawtime %jevt.time.iso8601",
                   "1709301211726060000 1709301211726060000 2024-03-01T13:53:31.726060000+0000");
    assert_renders(
        &fx, "%jevt.value[/stage] %json.value[/user/groups/1] %jevt.value[/user/groups]",
        "ResponseComplete system:authenticated [\"developers\",\"system:authenticated\"]");
    assert_renders(&fx,
                   "%jevt.value[/responseStatus/code] %jevt.value[/requestObject/metadata/"
                   "creationTimestamp] %jevt.value[/nope] %jevt.value[/user/groups/2]",
                   "201 null <NA> <NA>");
    assert_renders(&fx, "%jevt.value[/annotations/authorization.k8s.io~1decision]", "allow");
    assert_true(_match(&fx, "jevt.value[/stage] in (ResponseComplete) and jevt.rawtime exists and "
                            "not jevt.rawtime = 0"));
    /* json.obj is the whole event */
    fx.out.len = 0;
    const char *obj = _render(&fx, "%jevt.obj");
    assert_int_equal(strncmp(obj, "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"", 46), 0);
    assert_non_null(strstr(obj, "\"stageTimestamp\":\"2024-03-01T13:53:31.726060Z\""));
    /* syscall fields have no value on an audit event */
    assert_renders(&fx, "%proc.name %fd.name", "<NA> <NA>");
    _unload(&fx);
}

static void test_pod_fields(void **state)
{
    (void)state;
    struct fixture fx;
    _load(&fx, "pod-create-privileged");
    assert_renders(&fx, "%ka.req.pod.containers.privileged %ka.req.container.privileged",
                   "(true) true");
    assert_renders(&fx, "%ka.req.pod.containers.image %ka.req.pod.containers.image.repository",
                   "(docker.io/library/busybox:1.36) (docker.io/library/busybox)");
    assert_renders(&fx, "%ka.req.container.image %ka.req.container.image.repository",
                   "docker.io/library/busybox:1.36 docker.io/library/busybox");
    assert_renders(&fx,
                   "%ka.req.pod.initContainers.image %ka.req.pod.ephemeralContainers.privileged",
                   "<NA> <NA>");
    assert_renders(&fx, "%ka.target.pod.name %ka.resp.name", "debug-tools debug-tools");
    assert_true(_match(&fx, "ka.req.pod.containers.privileged intersects (true)"));
    assert_false(_match(&fx, "ka.req.pod.initContainers.privileged intersects (true)"));
    _unload(&fx);

    _load(&fx, "pod-create-plain");
    assert_renders(&fx, "%ka.req.pod.containers.privileged %ka.req.container.privileged",
                   "<NA> false");
    assert_renders(&fx, "%ka.req.pod.containers.allow_privilege_escalation", "(false)");
    assert_renders(&fx, "%ka.req.pod.containers.run_as_user %ka.req.pod.containers.eff_run_as_user",
                   "<NA> (101)");
    assert_renders(&fx, "%ka.req.pod.run_as_user %ka.req.pod.run_as_group %ka.req.pod.fs_group",
                   "101 101 101");
    assert_renders(&fx, "%ka.req.pod.containers.host_port %ka.req.pod.host_network", "(8080) <NA>");
    assert_renders(&fx, "%ka.req.pod.volumes.hostpath %ka.req.volume.hostpath[/etc]", "<NA> <NA>");
    assert_false(_match(&fx, "ka.req.pod.containers.privileged intersects (true)"));
    assert_true(_match(&fx, "not ka.req.pod.containers.privileged intersects (true)"));
    _unload(&fx);

    _load(&fx, "pod-create-hostpath");
    assert_renders(&fx, "%ka.req.pod.volumes.hostpath %ka.req.pod.volumes.hostpath[1]",
                   "(/var/run/docker.sock,/etc) (/etc)");
    assert_renders(&fx,
                   "%ka.req.volume.hostpath[/etc] %ka.req.volume.hostpath[/var/run*] "
                   "%ka.req.volume.hostpath[/var]",
                   "true true false");
    assert_renders(&fx, "%ka.req.pod.volumes.volume_type", "(hostPath,hostPath)");
    assert_renders(&fx, "%ka.req.pod.containers.eff_run_as_user %ka.req.pod.containers.name[0]",
                   "(0) (inspector)");
    assert_true(_match(&fx, "ka.req.pod.volumes.hostpath intersects (/proc, /etc)"));
    _unload(&fx);

    _load(&fx, "pod-create-hostnetwork");
    assert_renders(&fx,
                   "%ka.req.pod.host_network %ka.req.container.host_network "
                   "%ka.req.pod.host_pid %ka.req.pod.host_ipc",
                   "true true true <NA>");
    assert_renders(&fx, "%ka.req.pod.containers.host_port", "(9000)");
    assert_true(_match(&fx, "ka.req.pod.host_network intersects (true)"));
    _unload(&fx);

    _load(&fx, "pod-create-hostpath-data");
    assert_renders(&fx, "%ka.req.pod.volumes.volume_type %ka.req.pod.volumes.volume_type[1]",
                   "(hostPath,configMap) (configMap)");
    assert_renders(&fx, "%ka.req.pod.host_network", "false");
    _unload(&fx);
}

static void test_container_lists(void **state)
{
    (void)state;
    struct fixture fx;
    _load_text(
        &fx,
        "{\"kind\":\"Event\",\"auditID\":\"x\",\"stageTimestamp\":\"2024-03-01T00:00:00Z\","
        "\"requestObject\":{\"spec\":{\"securityContext\":{\"runAsUser\":1000,"
        "\"runAsGroup\":3000},\"containers\":[{\"name\":\"app\",\"image\":\"reg:5000/"
        "app@sha256:abc\",\"command\":[\"/bin/app\",\"--serve\"],\"args\":[\"-v\"],"
        "\"securityContext\":{\"runAsUser\":0,\"capabilities\":{\"add\":[\"NET_ADMIN\","
        "\"SYS_TIME\"]},\"procMount\":\"Unmasked\",\"readOnlyRootFilesystem\":true}},{\"name\":"
        "\"side\",\"image\":\"busybox\",\"securityContext\":{\"capabilities\":{\"add\":["
        "\"SYS_ADMIN\"]}}}],\"initContainers\":[{\"name\":\"init\",\"image\":\"alpine:3\","
        "\"securityContext\":{\"privileged\":true},\"ports\":[{\"hostPort\":81}]}],"
        "\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"nicolaka/netshoot\","
        "\"command\":\"sh\"}]}}}");
    assert_renders(&fx, "%ka.req.pod.containers.name %ka.req.pod.containers.image.repository",
                   "(app,side) (reg,busybox)");
    assert_renders(&fx, "%ka.req.pod.containers.command %ka.req.pod.containers.args",
                   "(/bin/app --serve) (-v)");
    assert_renders(&fx,
                   "%ka.req.pod.containers.add_capabilities "
                   "%ka.req.pod.containers.add_capabilities[1]",
                   "(NET_ADMIN,SYS_TIME,SYS_ADMIN) (SYS_ADMIN)");
    assert_renders(&fx,
                   "%ka.req.pod.containers.eff_run_as_user %ka.req.pod.containers.eff_run_as_group",
                   "(0,1000) (3000,3000)");
    assert_renders(&fx, "%ka.req.pod.containers.proc_mount %ka.req.pod.containers.read_only_fs",
                   "(Unmasked) (true)");
    assert_renders(&fx,
                   "%ka.req.pod.initContainers.privileged %ka.req.pod.initContainers.host_port",
                   "(true) (81)");
    assert_renders(&fx, "%ka.req.pod.containers.privileged", "<NA>");
    /* a command that is not an array of strings fails the field */
    assert_renders(&fx,
                   "%ka.req.pod.ephemeralContainers.command "
                   "%ka.req.pod.ephemeralContainers.image",
                   "<NA> (nicolaka/netshoot)");
    assert_renders(&fx, "%ka.req.pod.containers.image[5] %ka.req.pod.containers.image[1]",
                   "<NA> (busybox)");
    assert_true(_match(&fx, "ka.req.pod.containers.add_capabilities intersects (SYS_ADMIN)"));
    assert_true(_match(&fx, "ka.req.pod.initContainers.privileged intersects (true)"));
    _unload(&fx);
}

static void test_rbac_fields(void **state)
{
    (void)state;
    struct fixture fx;
    _load(&fx, "clusterrole-wildcard");
    assert_renders(&fx, "%ka.req.role.rules.verbs", "(get,list,watch,*)");
    assert_renders(&fx, "%ka.req.role.rules.resources[1] %ka.req.role.rules.apiGroups", "(*) (,*)");
    assert_renders(&fx, "%ka.req.role.rules.nonResourceURLs", "<NA>");
    assert_renders(&fx, "%ka.req.role.rules",
                   "({\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],\"resources\":"
                   "[\"pods\",\"pods/log\"]},{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],"
                   "\"resources\":[\"*\"]})");
    assert_true(_match(&fx, "ka.req.role.rules.verbs intersects (\"*\")"));
    _unload(&fx);

    _load(&fx, "clusterrolebinding-admin");
    assert_renders(&fx, "%ka.req.binding.role", "cluster-admin");
    assert_renders(&fx,
                   "%ka.req.binding.subjects.user_names "
                   "%ka.req.binding.subjects.serviceaccount_names "
                   "%ka.req.binding.subjects.serviceaccount_ns_names "
                   "%ka.req.binding.subjects.group_names",
                   "(bob@example.com) (deployer) (ci:deployer) <NA>");
    assert_renders(&fx, "%ka.req.binding.subjects",
                   "({\"kind\":\"ServiceAccount\",\"name\":\"deployer\",\"namespace\":\"ci\"},"
                   "{\"kind\":\"User\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":"
                   "\"bob@example.com\"})");
    assert_renders(&fx, "%ka.req.binding.subject.has_name[bob]", "true");
    _unload(&fx);
}

static void test_exec_and_uri_params(void **state)
{
    (void)state;
    struct fixture fx;
    _load(&fx, "pod-exec");
    assert_renders(&fx, "%ka.target.subresource %ka.target.pod.name %ka.stage",
                   "exec <NA> ResponseStarted");
    assert_renders(&fx, "%ka.uri.param[command] %ka.uri.param[container] %ka.uri.param[tty]",
                   "/bin/sh web true");
    assert_renders(&fx, "%ka.req.configmap.obj %ka.response.code", "<NA> 101");
    _unload(&fx);

    /* Go's url.ParseQuery: '+' is a space, a bad escape or ';' fails the whole query. */
    static const struct {
        const char *uri, *want;
    } cases[] = {
        {"/x?a=1+2&b=%41", "1 2|A"}, {"/x?a=1&a=2&b", "1|"},   {"/x?a=%zz&b=1", "<NA>|<NA>"},
        {"/x?a=1;b=2", "<NA>|<NA>"}, {"/x?a=1#b=2", "1|<NA>"}, {"/x%zz?a=1", "<NA>|<NA>"},
        {"/x?=1&a", "|<NA>"},        {"/x", "<NA>|<NA>"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{\"kind\":\"Event\",\"auditID\":\"x\",\"requestURI\":\"%s\","
                 "\"stageTimestamp\":\"2024-03-01T00:00:00Z\"}",
                 cases[i].uri);
        _load_text(&fx, text);
        assert_renders(&fx, "%ka.uri.param[a]|%ka.uri.param[b]", cases[i].want);
        _unload(&fx);
    }
}

/* Values of other JSON types print as JSON; an event without auditID has no ka.* value. */
static void test_missing_and_odd_values(void **state)
{
    (void)state;
    struct fixture fx;
    _load_text(&fx, "{\"kind\":\"Event\",\"auditID\":\"x\",\"stageTimestamp\":\"2024-03-01T00:"
                    "00:00Z\",\"verb\":7,\"user\":{\"username\":null,\"groups\":\"admins\"},"
                    "\"objectRef\":{\"resource\":\"pods\",\"subresource\":\"\"},"
                    "\"responseObject\":{\"metadata\":{\"name\":\"p\"}},"
                    "\"requestObject\":{\"data\":{\"k\":\"a/b\\u00e9\"}}}");
    assert_renders(&fx, "%ka.verb %ka.user.name %ka.user.groups %ka.target.pod.name",
                   "7 null <NA> p");
    assert_renders(&fx, "%ka.req.configmap.obj", "{\"k\":\"a/b\xc3\xa9\"}");
    assert_false(_match(&fx, "ka.user.groups intersects (admins)"));
    _unload(&fx);

    _load_text(&fx, "{\"kind\":\"Event\",\"stageTimestamp\":\"2024-03-01T00:00:00Z\","
                    "\"verb\":\"create\",\"stage\":\"ResponseComplete\"}");
    assert_renders(&fx, "%ka.verb %ka.stage %jevt.value[/verb] %evt.source",
                   "<NA> <NA> create k8s_audit");
    assert_false(_match(&fx, "ka.verb = create"));
    assert_true(_match(&fx, "not ka.verb = create"));
    _unload(&fx);
}

/* Every k8s_audit field, with and without arguments, on every fixture: no crash, and a value
 * of a kind the formatter prints. */
static void test_every_field(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        "configmap-create-password", "pod-create-hostpath", "pod-exec",
        "clusterrolebinding-admin",  "anonymous-forbidden",
    };
    static const char *const args[] = {NULL, "0", "3", "command", "/a/0"};
    for (size_t fi = 0; fi < sizeof(fixtures) / sizeof(fixtures[0]); fi++) {
        struct fixture fx;
        _load(&fx, fixtures[fi]);
        for (int id = 0; id < FIELD_ID_MAX; id++) {
            const struct field_def *def = field_by_id((enum field_id)id);
            if (def->source != FSRC_K8S_AUDIT && !(def->flags & FF_GENERIC))
                continue;
            for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
                struct ast_field f = {.name = def->name, .arg = args[a], .def = def};
                struct field_value v;
                assert_int_equal(k8saudit_get(&fx.ev, &f, &v), 0);
                assert_true(v.kind == FV_NONE || v.kind == FV_STR || v.kind == FV_LIST ||
                            v.kind == FV_UINT || v.kind == FV_BOOL || v.kind == FV_INT);
                if (v.kind == FV_LIST)
                    assert_true((def->flags & FF_LIST) && v.nlist > 0);
                fx.out.len = 0;
                format_value_text(&fx.out, &f, &v);
            }
        }
        _unload(&fx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_skips_untimed),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_request_fields),
        cmocka_unit_test(test_generic_and_json_fields),
        cmocka_unit_test(test_pod_fields),
        cmocka_unit_test(test_container_lists),
        cmocka_unit_test(test_rbac_fields),
        cmocka_unit_test(test_exec_and_uri_params),
        cmocka_unit_test(test_missing_and_odd_values),
        cmocka_unit_test(test_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
