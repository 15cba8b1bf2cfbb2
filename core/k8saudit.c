/* Kubernetes audit events: field values.
 *
 * The values follow the k8saudit plugin (extract.go): a field reads a JSON
 * path of the event; a string value is its text, any other JSON value
 * (numbers, booleans, null, objects, arrays) its compact JSON text; a path
 * that crosses an array visits every element (or, with an [N] argument, the
 * Nth), an element that lacks the rest of the path counts as missing; an
 * event without auditID has no ka.* value at all. Where extract.go does not
 * do what the field is documented to do, rulec follows the documentation:
 *
 *  - ka.sourceips reads the event's sourceIPs (extract.go reads
 *    requestObject.rules[].sourceIPs, which no event has);
 *  - ka.req.pod.*.add_capabilities lists the capability names (extract.go
 *    gives each container's whole `add` array as one JSON text);
 *  - ka.req.pod.*.eff_run_as_user/group read the container's and the pod's
 *    securityContext (extract.go reads spec.runAsUser and the container's
 *    runAsUser, which Pods do not have, so it always says 0);
 *  - ka.req.service.ports has one element per port and honours [N]
 *    (extract.go gives the whole ports array as one JSON text);
 *  - ka.req.volume.hostpath[P] looks at every volume (extract.go reads
 *    the key argument as an index, so only the first volume).
 *
 * A list that comes out empty is no value (<NA>), as libsinsp treats a
 * plugin field that extracts zero values. Parsing the events is
 * core/k8saudit_parse.c's. */
#include "core/k8saudit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/strbuf.h"
#include "core/text.h"

static struct arena *_scratch(struct k8saudit_event *ev)
{
    if (!ev->scratch)
        ev->scratch = arena_new();
    return ev->scratch;
}

/* ---- JSON values ---------------------------------------------------------------------------- */

/* A value found at a path. JSON null is a value (json-c gives it as NULL), as
 * fastjson's Get returns a null Value, which the plugin prints "null". */
struct _jv {
    struct json_object *o;
    bool present;
};

struct _vals {
    struct _jv *v;
    size_t n, cap;
};

static void _vals_push(struct k8saudit_event *ev, struct _vals *vals, struct json_object *o,
                       bool present)
{
    if (vals->n == vals->cap) {
        size_t cap = vals->cap ? vals->cap * 2 : 8;
        struct _jv *v = arena_alloc(_scratch(ev), cap * sizeof(*v));
        if (vals->n)
            memcpy(v, vals->v, vals->n * sizeof(*v));
        vals->v = v;
        vals->cap = cap;
    }
    vals->v[vals->n++] = (struct _jv){o, present};
}

static bool _member(struct json_object *o, const char *key, struct json_object **out)
{
    return json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, out);
}

/* Keys up to the first NULL, from v down. */
static bool _lookup(struct json_object *v, const char *const *keys, size_t n,
                    struct json_object **out)
{
    for (size_t i = 0; i < n && keys[i]; i++)
        if (!_member(v, keys[i], &v))
            return false;
    *out = v;
    return true;
}

/* The plugin's getValuesRecursive: the values at keys below v, an array met
 * before a key expanded into each element (only element idx when idx >= 0).
 * An element without the rest of the path adds a missing value; false when
 * the path is missing outside any array. An empty key stays on the value. */
static bool _walk(struct k8saudit_event *ev, struct json_object *v, const char *const *keys,
                  size_t n, long idx, struct _vals *out)
{
    for (size_t i = 0; i < n && keys[i]; i++) {
        if (json_object_is_type(v, json_type_array)) {
            size_t len = json_object_array_length(v);
            if (idx < 0) {
                for (size_t j = 0; j < len; j++)
                    if (!_walk(ev, json_object_array_get_idx(v, j), keys + i, n - i, idx, out))
                        _vals_push(ev, out, NULL, false);
                return true;
            }
            if ((size_t)idx >= len)
                return false;
            v = json_object_array_get_idx(v, (size_t)idx);
        }
        if (keys[i][0] && !_member(v, keys[i], &v))
            return false;
    }
    _vals_push(ev, out, v, true);
    return true;
}

/* The plugin's jsonValueAsString. json-c keeps the serialised text in the
 * object until it is freed, and writes the same bytes to the same buffer
 * when asked again, so the text stays valid for the event's lifetime. */
static struct fv_str _text(struct json_object *o)
{
    if (!o)
        return (struct fv_str){"null", 4};
    if (json_object_is_type(o, json_type_string))
        return (struct fv_str){json_object_get_string(o), (size_t)json_object_get_string_len(o)};
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    return (struct fv_str){s ? s : "", s ? len : 0};
}

static int _str(struct field_value *out, struct fv_str s)
{
    out->kind = FV_STR;
    out->str = s;
    return 0;
}

static int _cstr(struct field_value *out, const char *s)
{
    return s ? _str(out, (struct fv_str){s, strlen(s)}) : 0;
}

/* ---- lists ---------------------------------------------------------------------------------- */

struct _list {
    struct fv_str *v;
    size_t n, cap;
};

static void _list_push(struct k8saudit_event *ev, struct _list *l, struct fv_str s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct fv_str *v = arena_alloc(_scratch(ev), cap * sizeof(*v));
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
}

static int _list_value(struct field_value *out, const struct _list *l)
{
    if (!l->n)
        return 0; /* empty: <NA> (see the top of the file) */
    out->kind = FV_LIST;
    out->list = l->v;
    out->nlist = l->n;
    return 0;
}

/* arrayAsStringsSkipNil; with flatten, array values give their elements. */
static void _push_present(struct k8saudit_event *ev, struct _list *l, const struct _vals *vals,
                          bool flatten)
{
    for (size_t i = 0; i < vals->n; i++) {
        struct json_object *o = vals->v[i].o;
        if (!vals->v[i].present)
            continue;
        if (flatten && json_object_is_type(o, json_type_array)) {
            for (size_t j = 0; j < json_object_array_length(o); j++)
                _list_push(ev, l, _text(json_object_array_get_idx(o, j)));
        } else if (!flatten) {
            _list_push(ev, l, _text(o));
        }
    }
}

/* arrayAsStrings: a missing value fails the whole field. */
static bool _push_all(struct k8saudit_event *ev, struct _list *l, const struct _vals *vals)
{
    for (size_t i = 0; i < vals->n; i++) {
        if (!vals->v[i].present)
            return false;
        _list_push(ev, l, _text(vals->v[i].o));
    }
    return true;
}

/* [N] of an index field: -1 without one, -2 when it is not a number. */
static long _index(const struct ast_field *f)
{
    const char *arg = ast_field_arg(f);
    if (!arg)
        return -1;
    char *end;
    long v = strtol(arg, &end, 10);
    return *arg && !*end && v >= 0 ? v : -2;
}

/* ---- simple paths --------------------------------------------------------------------------- */

#define _MAX_KEYS 6

/* Fields that read one path (extractFromKeys): the text there, or for a list
 * field the text of each element of the array there. */
static const char *const _paths[FIELD_ID_MAX][_MAX_KEYS] = {
    [FIELD_KA_AUDITID] = {"auditID"},
    [FIELD_KA_STAGE] = {"stage"},
    [FIELD_KA_AUTH_DECISION] = {"annotations", "authorization.k8s.io/decision"},
    [FIELD_KA_AUTH_REASON] = {"annotations", "authorization.k8s.io/reason"},
    [FIELD_KA_AUTH_OPENSHIFT_DECISION] = {"annotations", "authentication.openshift.io/decision"},
    [FIELD_KA_AUTH_OPENSHIFT_USERNAME] = {"annotations", "authentication.openshift.io/username"},
    [FIELD_KA_VALIDATIONS_ADMISSION_POLICY_FAILURE] =
        {"annotations", "validation.policy.admission.k8s.io/validation_failure"},
    [FIELD_KA_SECURITY_POD_VIOLATIONS] = {"annotations",
                                          "pod-security.kubernetes.io/audit-violations"},
    [FIELD_KA_USER_NAME] = {"user", "username"},
    [FIELD_KA_USER_GROUPS] = {"user", "groups"},
    [FIELD_KA_IMPUSER_NAME] = {"impersonatedUser", "username"},
    [FIELD_KA_VERB] = {"verb"},
    [FIELD_KA_URI] = {"requestURI"},
    [FIELD_KA_TARGET_NAME] = {"objectRef", "name"},
    [FIELD_KA_TARGET_NAMESPACE] = {"objectRef", "namespace"},
    [FIELD_KA_TARGET_RESOURCE] = {"objectRef", "resource"},
    [FIELD_KA_TARGET_SUBRESOURCE] = {"objectRef", "subresource"},
    [FIELD_KA_REQ_BINDING_SUBJECTS] = {"requestObject", "subjects"},
    [FIELD_KA_REQ_BINDING_ROLE] = {"requestObject", "roleRef", "name"},
    [FIELD_KA_REQ_CONFIGMAP_NAME] = {"objectRef", "name"},
    [FIELD_KA_REQ_CONFIGMAP_OBJ] = {"requestObject", "data"},
    [FIELD_KA_REQ_POD_HOST_IPC] = {"requestObject", "spec", "hostIPC"},
    [FIELD_KA_REQ_POD_HOST_NETWORK] = {"requestObject", "spec", "hostNetwork"},
    [FIELD_KA_REQ_CONTAINER_HOST_NETWORK] = {"requestObject", "spec", "hostNetwork"},
    [FIELD_KA_REQ_POD_HOST_PID] = {"requestObject", "spec", "hostPID"},
    [FIELD_KA_REQ_POD_RUN_AS_USER] = {"requestObject", "spec", "securityContext", "runAsUser"},
    [FIELD_KA_REQ_POD_RUN_AS_GROUP] = {"requestObject", "spec", "securityContext", "runAsGroup"},
    [FIELD_KA_REQ_POD_FS_GROUP] = {"requestObject", "spec", "securityContext", "fsGroup"},
    [FIELD_KA_REQ_POD_SUPPLEMENTAL_GROUPS] = {"requestObject", "spec", "securityContext",
                                              "supplementalGroups"},
    [FIELD_KA_REQ_ROLE_RULES] = {"requestObject", "rules"},
    [FIELD_KA_REQ_SERVICE_TYPE] = {"requestObject", "spec", "type"},
    [FIELD_KA_RESP_NAME] = {"responseObject", "metadata", "name"},
    [FIELD_KA_RESPONSE_CODE] = {"responseStatus", "code"},
    [FIELD_KA_RESPONSE_REASON] = {"responseStatus", "reason"},
    [FIELD_KA_USERAGENT] = {"userAgent"},
    [FIELD_KA_CLUSTER_NAME] = {"annotations", "cluster_name"},
};

/* Fields whose values are collected over arrays on the way (getValuesRecursive),
 * each array value found giving its elements. */
static const char *const _walks[FIELD_ID_MAX][_MAX_KEYS] = {
    [FIELD_KA_REQ_ROLE_RULES_APIGROUPS] = {"requestObject", "rules", "apiGroups"},
    [FIELD_KA_REQ_ROLE_RULES_NONRESOURCEURLS] = {"requestObject", "rules", "nonResourceURLs"},
    [FIELD_KA_REQ_ROLE_RULES_VERBS] = {"requestObject", "rules", "verbs"},
    [FIELD_KA_REQ_ROLE_RULES_RESOURCES] = {"requestObject", "rules", "resources"},
    [FIELD_KA_SOURCEIPS] = {"sourceIPs", ""},
    [FIELD_KA_REQ_SERVICE_PORTS] = {"requestObject", "spec", "ports", ""},
};

/* Fields that read one value per pod volume; those values are not flattened. */
static const char *const _volumes[FIELD_ID_MAX][_MAX_KEYS] = {
    [FIELD_KA_REQ_POD_VOLUMES_HOSTPATH] = {"requestObject", "spec", "volumes", "hostPath", "path"},
    [FIELD_KA_REQ_VOLUME_HOSTPATH] = {"requestObject", "spec", "volumes", "hostPath", "path"},
    [FIELD_KA_REQ_POD_VOLUMES_FLEXVOLUME_DRIVER] = {"requestObject", "spec", "volumes",
                                                    "flexVolume", "driver"},
};

static int _path_value(struct k8saudit_event *ev, const struct field_def *def,
                       const char *const *keys, struct field_value *out)
{
    struct json_object *v;
    if (!_lookup(ev->obj, keys, _MAX_KEYS, &v))
        return 0;
    if (!(def->flags & FF_LIST))
        return _str(out, _text(v));
    if (!json_object_is_type(v, json_type_array))
        return 0; /* ErrExtractWrongType */
    struct _list l = {0};
    for (size_t i = 0; i < json_object_array_length(v); i++)
        _list_push(ev, &l, _text(json_object_array_get_idx(v, i)));
    return _list_value(out, &l);
}

/* ---- pod containers ------------------------------------------------------------------------- */

enum _clist {
    _CL_NONE,
    _CL_CONTAINERS,
    _CL_INIT,
    _CL_EPHEMERAL,
};

enum _cfield {
    _CF_ARGS,
    _CF_COMMAND,
    _CF_NAME,
    _CF_IMAGE,
    _CF_REPOSITORY,
    _CF_HOST_PORT,
    _CF_PRIVILEGED,
    _CF_ALLOW_PRIVILEGE_ESCALATION,
    _CF_READ_ONLY_FS,
    _CF_RUN_AS_USER,
    _CF_EFF_RUN_AS_USER,
    _CF_RUN_AS_GROUP,
    _CF_EFF_RUN_AS_GROUP,
    _CF_PROC_MOUNT,
    _CF_ADD_CAPABILITIES,
};

struct _cdef {
    unsigned char list; /* enum _clist */
    unsigned char what; /* enum _cfield */
};

#define _CF3(suffix, what)                                                                         \
    [FIELD_KA_REQ_POD_CONTAINERS_##suffix] = {_CL_CONTAINERS, what},                               \
    [FIELD_KA_REQ_POD_INITCONTAINERS_##suffix] = {_CL_INIT, what},                                 \
    [FIELD_KA_REQ_POD_EPHEMERALCONTAINERS_##suffix] = {_CL_EPHEMERAL, what}
static const struct _cdef _containers[FIELD_ID_MAX] = {
    _CF3(ARGS, _CF_ARGS),
    _CF3(COMMAND, _CF_COMMAND),
    _CF3(NAME, _CF_NAME),
    _CF3(IMAGE, _CF_IMAGE),
    _CF3(IMAGE_REPOSITORY, _CF_REPOSITORY),
    [FIELD_KA_REQ_POD_CONTAINERS_HOST_PORT] = {_CL_CONTAINERS, _CF_HOST_PORT},
    [FIELD_KA_REQ_POD_INITCONTAINERS_HOST_PORT] = {_CL_INIT, _CF_HOST_PORT},
    _CF3(PRIVILEGED, _CF_PRIVILEGED),
    _CF3(ALLOW_PRIVILEGE_ESCALATION, _CF_ALLOW_PRIVILEGE_ESCALATION),
    _CF3(READ_ONLY_FS, _CF_READ_ONLY_FS),
    _CF3(RUN_AS_USER, _CF_RUN_AS_USER),
    _CF3(EFF_RUN_AS_USER, _CF_EFF_RUN_AS_USER),
    _CF3(RUN_AS_GROUP, _CF_RUN_AS_GROUP),
    _CF3(EFF_RUN_AS_GROUP, _CF_EFF_RUN_AS_GROUP),
    _CF3(PROC_MOUNT, _CF_PROC_MOUNT),
    _CF3(ADD_CAPABILITIES, _CF_ADD_CAPABILITIES),
};
#undef _CF3

static const char *const _clist_names[] = {
    [_CL_CONTAINERS] = "containers",
    [_CL_INIT] = "initContainers",
    [_CL_EPHEMERAL] = "ephemeralContainers",
};

/* Below a container: the path of each field that reads one value. */
static const char *const _csub[][3] = {
    [_CF_ARGS] = {"args"},
    [_CF_COMMAND] = {"command"},
    [_CF_NAME] = {"name"},
    [_CF_IMAGE] = {"image"},
    [_CF_REPOSITORY] = {"image"},
    [_CF_HOST_PORT] = {"ports"},
    [_CF_PRIVILEGED] = {"securityContext", "privileged"},
    [_CF_ALLOW_PRIVILEGE_ESCALATION] = {"securityContext", "allowPrivilegeEscalation"},
    [_CF_READ_ONLY_FS] = {"securityContext", "readOnlyRootFilesystem"},
    [_CF_RUN_AS_USER] = {"securityContext", "runAsUser"},
    [_CF_EFF_RUN_AS_USER] = {"securityContext", "runAsUser"},
    [_CF_RUN_AS_GROUP] = {"securityContext", "runAsGroup"},
    [_CF_EFF_RUN_AS_GROUP] = {"securityContext", "runAsGroup"},
    [_CF_PROC_MOUNT] = {"securityContext", "procMount"},
    [_CF_ADD_CAPABILITIES] = {"securityContext", "capabilities", "add"},
};

/* getContainerValues: one value (or a missing one) per container of the list. */
static bool _container_values(struct k8saudit_event *ev, enum _clist list, long idx,
                              const char *const *sub, struct _vals *out)
{
    const char *keys[_MAX_KEYS] = {"requestObject", "spec", _clist_names[list]};
    for (size_t i = 0; i < 3 && sub[i]; i++)
        keys[3 + i] = sub[i];
    return _walk(ev, ev->obj, keys, _MAX_KEYS, idx, out);
}

/* args and command: each container's array of strings joined with spaces. */
static int _joined(struct k8saudit_event *ev, const struct _vals *vals, struct field_value *out)
{
    struct _list l = {0};
    for (size_t i = 0; i < vals->n; i++) {
        struct json_object *a = vals->v[i].o;
        if (!vals->v[i].present)
            continue;
        if (!json_object_is_type(a, json_type_array))
            return 0;
        struct strbuf sb = {0};
        for (size_t j = 0; j < json_object_array_length(a); j++) {
            struct json_object *s = json_object_array_get_idx(a, j);
            if (!json_object_is_type(s, json_type_string)) {
                strbuf_free(&sb);
                return 0;
            }
            if (j)
                strbuf_append(&sb, " ", 1);
            strbuf_append(&sb, json_object_get_string(s), (size_t)json_object_get_string_len(s));
        }
        char *text = arena_strndup(_scratch(ev), sb.data ? sb.data : "", sb.len);
        _list_push(ev, &l, (struct fv_str){text, sb.len});
        strbuf_free(&sb);
    }
    return _list_value(out, &l);
}

/* The repository of an image: before the first ':' and then the first '@'. */
static struct fv_str _repository(struct fv_str image)
{
    const char *colon = memchr(image.ptr, ':', image.len);
    size_t n = colon ? (size_t)(colon - image.ptr) : image.len;
    const char *at = memchr(image.ptr, '@', n);
    return (struct fv_str){image.ptr, at ? (size_t)(at - image.ptr) : n};
}

static int _host_ports(struct k8saudit_event *ev, const struct _vals *vals, struct field_value *out)
{
    struct _list l = {0};
    for (size_t i = 0; i < vals->n; i++) {
        struct json_object *ports = vals->v[i].o;
        if (!vals->v[i].present)
            continue;
        if (!json_object_is_type(ports, json_type_array))
            return 0;
        for (size_t j = 0; j < json_object_array_length(ports); j++) {
            struct json_object *port = json_object_array_get_idx(ports, j), *p;
            /* With hostNetwork the container port is the host's. */
            if (_member(port, "hostPort", &p) || _member(port, "containerPort", &p))
                _list_push(ev, &l, _text(p));
        }
    }
    return _list_value(out, &l);
}

/* The uid or gid a container starts with: its own securityContext's, else the
 * pod's, else 0. */
static int _effective(struct k8saudit_event *ev, const struct _vals *vals, const char *key,
                      struct field_value *out)
{
    const char *pod_keys[] = {"requestObject", "spec", "securityContext", key, NULL};
    struct json_object *pod;
    struct fv_str dflt =
        _lookup(ev->obj, pod_keys, _MAX_KEYS, &pod) ? _text(pod) : (struct fv_str){"0", 1};
    struct _list l = {0};
    for (size_t i = 0; i < vals->n; i++)
        _list_push(ev, &l, vals->v[i].present ? _text(vals->v[i].o) : dflt);
    return _list_value(out, &l);
}

static int _container_field(struct k8saudit_event *ev, const struct ast_field *f,
                            const struct _cdef *cd, struct field_value *out)
{
    long idx = _index(f);
    struct _vals vals = {0};
    if (idx < -1 || !_container_values(ev, cd->list, idx, _csub[cd->what], &vals))
        return 0;
    struct _list l = {0};
    switch ((enum _cfield)cd->what) {
    case _CF_ARGS:
    case _CF_COMMAND:
        return _joined(ev, &vals, out);
    case _CF_NAME:
    case _CF_IMAGE:
        if (!_push_all(ev, &l, &vals))
            return 0;
        return _list_value(out, &l);
    case _CF_REPOSITORY:
        if (!_push_all(ev, &l, &vals))
            return 0;
        for (size_t i = 0; i < l.n; i++)
            l.v[i] = _repository(l.v[i]);
        return _list_value(out, &l);
    case _CF_HOST_PORT:
        return _host_ports(ev, &vals, out);
    case _CF_EFF_RUN_AS_USER:
        return _effective(ev, &vals, "runAsUser", out);
    case _CF_EFF_RUN_AS_GROUP:
        return _effective(ev, &vals, "runAsGroup", out);
    case _CF_ADD_CAPABILITIES:
        _push_present(ev, &l, &vals, true);
        return _list_value(out, &l);
    case _CF_PRIVILEGED:
    case _CF_ALLOW_PRIVILEGE_ESCALATION:
    case _CF_READ_ONLY_FS:
    case _CF_RUN_AS_USER:
    case _CF_RUN_AS_GROUP:
    case _CF_PROC_MOUNT:
        break;
    }
    _push_present(ev, &l, &vals, false);
    return _list_value(out, &l);
}

/* ---- fields with their own logic ------------------------------------------------------------ */

/* The names of the binding's subjects of one kind; "NamespacedServiceAccount"
 * gives service accounts as namespace:name. No subjects: an empty list. */
static int _subjects(struct k8saudit_event *ev, const char *kind, struct field_value *out)
{
    const char *keys[] = {"requestObject", "subjects", NULL};
    struct json_object *subjects;
    if (!_lookup(ev->obj, keys, _MAX_KEYS, &subjects))
        return 0;
    if (!json_object_is_type(subjects, json_type_array))
        return 0;
    bool namespaced = !strcmp(kind, "NamespacedServiceAccount");
    if (namespaced)
        kind = "ServiceAccount";
    struct _list l = {0};
    for (size_t i = 0; i < json_object_array_length(subjects); i++) {
        struct json_object *s = json_object_array_get_idx(subjects, i), *k, *n, *ns;
        if (!_member(s, "kind", &k) || !_member(s, "name", &n))
            continue;
        struct fv_str kt = _text(k), name = _text(n);
        if (kt.len != strlen(kind) || memcmp(kt.ptr, kind, kt.len))
            continue;
        if (namespaced) {
            if (!_member(s, "namespace", &ns))
                continue;
            struct fv_str nst = _text(ns);
            char *t = arena_printf(_scratch(ev), "%.*s:%.*s", (int)nst.len, nst.ptr, (int)name.len,
                                   name.ptr);
            name = (struct fv_str){t, strlen(t)};
        }
        _list_push(ev, &l, name);
    }
    return _list_value(out, &l);
}

/* fastjson's GetStringBytes: "" unless a string is there. */
static const char *_string_at(struct json_object *v, const char *key)
{
    struct json_object *s;
    return _member(v, key, &s) && json_object_is_type(s, json_type_string)
               ? json_object_get_string(s)
               : "";
}

/* The pod's name when the request is about a pod itself (not a subresource). */
static int _target_pod_name(struct k8saudit_event *ev, struct field_value *out)
{
    struct json_object *ref, *name;
    const char *keys[] = {"responseObject", "metadata", "name", NULL};
    if (!_member(ev->obj, "objectRef", &ref))
        return 0;
    if (strcmp(_string_at(ref, "resource"), "pods") || *_string_at(ref, "subresource") ||
        !_lookup(ev->obj, keys, _MAX_KEYS, &name))
        return 0;
    return _str(out, _text(name));
}

/* Any container of the pod privileged: "true", else "false". */
static int _any_privileged(struct k8saudit_event *ev, struct field_value *out)
{
    struct _vals vals = {0};
    if (!_container_values(ev, _CL_CONTAINERS, -1, _csub[_CF_PRIVILEGED], &vals))
        return 0;
    for (size_t i = 0; i < vals.n; i++)
        if (vals.v[i].present && json_object_is_type(vals.v[i].o, json_type_boolean) &&
            json_object_get_boolean(vals.v[i].o))
            return _cstr(out, "true");
    return _cstr(out, "false");
}

/* The first container's image or repository. */
static int _first_image(struct k8saudit_event *ev, bool repository, struct field_value *out)
{
    struct _vals vals = {0};
    if (!_container_values(ev, _CL_CONTAINERS, 0, _csub[_CF_IMAGE], &vals) || !vals.n ||
        !vals.v[0].present)
        return 0;
    struct fv_str image = _text(vals.v[0].o);
    return _str(out, repository ? _repository(image) : image);
}

/* ka.req.volume.hostpath[P]: "true" when a hostPath volume is P (or, for P
 * ending in '*', starts with what precedes it). */
static int _volume_uses(const struct _vals *vals, const char *arg, struct field_value *out)
{
    size_t alen = arg ? strlen(arg) : 0;
    if (!alen)
        return 0;
    bool prefix = arg[alen - 1] == '*';
    for (size_t i = 0; i < vals->n; i++) {
        if (!vals->v[i].present)
            continue;
        struct fv_str p = _text(vals->v[i].o);
        if (prefix ? p.len >= alen - 1 && !memcmp(p.ptr, arg, alen - 1)
                   : p.len == alen && !memcmp(p.ptr, arg, alen))
            return _cstr(out, "true");
    }
    return _cstr(out, "false");
}

/* The keys of each volume but its name: the volume's type (hostPath, configMap, ...). */
static int _volume_types(struct k8saudit_event *ev, long idx, struct field_value *out)
{
    static const char *const keys[] = {"requestObject", "spec", "volumes", ""};
    struct _vals vals = {0};
    if (idx < -1 || !_walk(ev, ev->obj, keys, 4, idx, &vals))
        return 0;
    struct _list l = {0};
    for (size_t i = 0; i < vals.n; i++) {
        if (!vals.v[i].present || !json_object_is_type(vals.v[i].o, json_type_object))
            continue;
        json_object_object_foreach(vals.v[i].o, key, val)
        {
            (void)val;
            if (strcmp(key, "name"))
                _list_push(ev, &l, (struct fv_str){key, strlen(key)});
        }
    }
    return _list_value(out, &l);
}

/* ---- ka.uri.param: Go's url.Parse and url.ParseQuery ---------------------------------------- */

/* Decodes %XX (and, in a query, '+') of s[0..n) into out; false on a bad escape. */
static bool _unescape(const char *s, size_t n, bool query, struct strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (n - i < 3 || text_hexval(s[i + 1]) < 0 || text_hexval(s[i + 2]) < 0)
                return false;
            c = (char)(text_hexval(s[i + 1]) * 16 + text_hexval(s[i + 2]));
            i += 2;
        } else if (query && c == '+') {
            c = ' ';
        }
        if (out)
            strbuf_append(out, &c, 1);
    }
    return true;
}

/* The first value of query parameter key in the request URI. Like the
 * plugin, a URI Go cannot parse (a control character, a bad escape in the
 * path) or a query with a bad escape or a ';' anywhere gives no value. */
static int _uri_param(struct k8saudit_event *ev, const char *key, struct field_value *out)
{
    struct json_object *u;
    if (!key || !_member(ev->obj, "requestURI", &u))
        return 0;
    struct fv_str uri = _text(u);
    for (size_t i = 0; i < uri.len; i++)
        if ((unsigned char)uri.ptr[i] < 0x20 || uri.ptr[i] == 0x7f)
            return 0;
    const char *hash = memchr(uri.ptr, '#', uri.len);
    size_t len = hash ? (size_t)(hash - uri.ptr) : uri.len;
    const char *q = memchr(uri.ptr, '?', len);
    if (!_unescape(uri.ptr, q ? (size_t)(q - uri.ptr) : len, false, NULL))
        return 0;
    if (!q)
        return 0;
    const char *p = q + 1, *end = uri.ptr + len;
    const char *found = NULL;
    size_t found_len = 0;
    struct strbuf k = {0}, v = {0};
    bool ok = true;
    while (p < end && ok) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pe = amp ? amp : end;
        if (memchr(p, ';', (size_t)(pe - p))) {
            ok = false;
            break;
        }
        const char *eq = memchr(p, '=', (size_t)(pe - p));
        const char *ke = eq ? eq : pe;
        if (ke > p) {
            k.len = v.len = 0;
            ok = _unescape(p, (size_t)(ke - p), true, &k) &&
                 (!eq || _unescape(eq + 1, (size_t)(pe - eq - 1), true, &v));
            if (ok && !found && k.len == strlen(key) && !memcmp(k.data, key, k.len)) {
                found = arena_strndup(_scratch(ev), v.data ? v.data : "", v.len);
                found_len = v.len;
            }
        }
        p = pe + 1;
    }
    strbuf_free(&k);
    strbuf_free(&v);
    return ok && found ? _str(out, (struct fv_str){found, found_len}) : 0;
}

/* ---- json.value: RFC 6901 pointers ---------------------------------------------------------- */

static bool _pointer(struct k8saudit_event *ev, const char *ptr, struct json_object **out)
{
    struct json_object *v = ev->obj;
    if (!ptr)
        return false;
    struct strbuf seg = {0};
    bool ok = true;
    while (ok && *ptr) {
        if (*ptr != '/') {
            ok = false;
            break;
        }
        ptr++;
        seg.len = 0;
        for (; *ptr && *ptr != '/'; ptr++) {
            char c = *ptr;
            if (c == '~') {
                c = ptr[1] == '0' ? '~' : ptr[1] == '1' ? '/' : 0;
                if (!c) {
                    ok = false;
                    break;
                }
                ptr++;
            }
            strbuf_append(&seg, &c, 1);
        }
        strbuf_append(&seg, "", 1);
        seg.len--;
        if (!ok)
            break;
        if (json_object_is_type(v, json_type_array)) {
            char *e;
            unsigned long i = strtoul(seg.data, &e, 10);
            ok = seg.len && *e == '\0' && (seg.data[0] != '0' || seg.len == 1) &&
                 seg.data[0] != '-' && seg.data[0] != '+' && i < json_object_array_length(v);
            if (ok)
                v = json_object_array_get_idx(v, i);
        } else {
            ok = _member(v, seg.data, &v);
        }
    }
    strbuf_free(&seg);
    if (ok)
        *out = v;
    return ok;
}

/* ---- the getter ----------------------------------------------------------------------------- */

static int _number(struct field_value *out, enum field_type type, uint64_t v)
{
    field_value_number(out, type, v);
    return 0;
}

static int _time_text(struct k8saudit_event *ev, enum format_time_style style,
                      struct field_value *out)
{
    struct strbuf sb = {0};
    format_timestamp(&sb, ev->time_ns, style);
    char *t = arena_strndup(_scratch(ev), sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return _cstr(out, t);
}

/* The fields every source has, for an audit event. Time fields give the
 * nanoseconds, which the formatter prints in each field's style (as for
 * syscall events). */
static int _generic(struct k8saudit_event *ev, const struct field_def *def, struct field_value *out)
{
    switch (def->id) {
    case FIELD_EVT_NUM:
        return _number(out, def->type, ev->num);
    case FIELD_EVT_TIME:
    case FIELD_EVT_TIME_S:
    case FIELD_EVT_TIME_ISO8601:
    case FIELD_EVT_DATETIME:
    case FIELD_EVT_DATETIME_S:
    case FIELD_EVT_RAWTIME:
        return _number(out, def->type, ev->time_ns);
    case FIELD_EVT_RAWTIME_S:
        return _number(out, def->type, ev->time_ns / 1000000000ull);
    case FIELD_EVT_RAWTIME_NS:
        return _number(out, def->type, ev->time_ns % 1000000000ull);
    case FIELD_EVT_SOURCE:
        return _cstr(out, "k8s_audit");
    case FIELD_EVT_PLUGINNAME:
        return _cstr(out, "k8saudit");
    case FIELD_EVT_PLUGININFO:
        return _str(out, (struct fv_str){ev->text, ev->len});
    case FIELD_EVT_IS_ASYNC:
        return _number(out, def->type, 0);
    case FIELD_EVT_HOSTNAME:
        return _cstr(out, ev->hostname);
    default:
        return 0;
    }
}

/* Walks that end on "" list the elements of the array there; the others
 * collect arrays from each element of the way and list their elements. */
static bool _flattens(const char *const *keys)
{
    size_t n = 0;
    while (n < _MAX_KEYS && keys[n])
        n++;
    return n && keys[n - 1][0];
}

int k8saudit_get(void *ctx, const struct ast_field *f, struct field_value *out)
{
    struct k8saudit_event *ev = ctx;
    memset(out, 0, sizeof(*out));
    out->kind = FV_NONE;
    if (!ev || !ev->obj || !f || !f->def)
        return 0;
    const struct field_def *def = f->def;
    if (def->flags & FF_GENERIC)
        return _generic(ev, def, out);
    if (def->source != FSRC_K8S_AUDIT)
        return 0;
    struct json_object *v;
    switch (def->id) {
    /* The json plugin's fields read any JSON event. */
    case FIELD_JSON_VALUE:
    case FIELD_JEVT_VALUE:
        return _pointer(ev, ast_field_arg(f), &v) ? _str(out, _text(v)) : 0;
    case FIELD_JSON_OBJ:
    case FIELD_JEVT_OBJ:
        return _str(out, (struct fv_str){ev->text, ev->len});
    case FIELD_JSON_RAWTIME:
    case FIELD_JEVT_RAWTIME:
        return _cstr(out, arena_printf(_scratch(ev), "%llu", (unsigned long long)ev->time_ns));
    case FIELD_JEVT_TIME:
        return _time_text(ev, FORMAT_TIME, out);
    case FIELD_JEVT_TIME_ISO8601:
        return _time_text(ev, FORMAT_TIME_ISO8601, out);
    default:
        break;
    }
    /* The plugin extracts nothing from JSON that is not an audit event. */
    if (!_member(ev->obj, "auditID", NULL))
        return 0;
    enum field_id id = def->id;
    if (_paths[id][0])
        return _path_value(ev, def, _paths[id], out);
    if (_containers[id].list != _CL_NONE)
        return _container_field(ev, f, &_containers[id], out);
    long idx = _index(f);
    struct _vals vals = {0};
    struct _list l = {0};
    if (_walks[id][0]) {
        if (idx < -1 || !_walk(ev, ev->obj, _walks[id], _MAX_KEYS, idx, &vals))
            return 0;
        _push_present(ev, &l, &vals, _flattens(_walks[id]));
        return _list_value(out, &l);
    }
    if (_volumes[id][0]) {
        if (id == FIELD_KA_REQ_VOLUME_HOSTPATH)
            idx = -1;
        if (idx < -1 || !_walk(ev, ev->obj, _volumes[id], _MAX_KEYS, idx, &vals))
            return 0;
        if (id == FIELD_KA_REQ_VOLUME_HOSTPATH)
            return _volume_uses(&vals, ast_field_arg(f), out);
        _push_present(ev, &l, &vals, false);
        return _list_value(out, &l);
    }
    switch (id) {
    case FIELD_KA_URI_PARAM:
        return _uri_param(ev, ast_field_arg(f), out);
    case FIELD_KA_TARGET_POD_NAME:
        return _target_pod_name(ev, out);
    case FIELD_KA_REQ_BINDING_SUBJECTS_USER_NAMES:
        return _subjects(ev, "User", out);
    case FIELD_KA_REQ_BINDING_SUBJECTS_SERVICEACCOUNT_NAMES:
        return _subjects(ev, "ServiceAccount", out);
    case FIELD_KA_REQ_BINDING_SUBJECTS_SERVICEACCOUNT_NS_NAMES:
        return _subjects(ev, "NamespacedServiceAccount", out);
    case FIELD_KA_REQ_BINDING_SUBJECTS_GROUP_NAMES:
        return _subjects(ev, "Group", out);
    case FIELD_KA_REQ_BINDING_SUBJECT_HAS_NAME:
        return _cstr(out, "true"); /* what the plugin returns, its documentation says N/A */
    case FIELD_KA_REQ_CONTAINER_IMAGE:
        return _first_image(ev, false, out);
    case FIELD_KA_REQ_CONTAINER_IMAGE_REPOSITORY:
        return _first_image(ev, true, out);
    case FIELD_KA_REQ_CONTAINER_PRIVILEGED:
        return _any_privileged(ev, out);
    case FIELD_KA_REQ_POD_VOLUMES_VOLUME_TYPE:
        return _volume_types(ev, idx, out);
    default:
        return 0;
    }
}
