/* libFuzzer target for the audit event parser and the k8s audit field
 * getter, on what a webhook client or an audit log line can hold. Besides
 * crashes, leaks and undefined behaviour it checks the parser's contract:
 * failure leaves the batch empty and says why; on success each event's
 * text is within max_event_size and parses back. Every event then has every
 * k8s_audit and generic field read (with index, key and pointer arguments),
 * printed as text and JSON, and a few rule conditions evaluated. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/bind.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/interp.h"
#include "core/k8saudit.h"
#include "core/strbuf.h"
#include "grammar/condition.h"

static const char *const _conditions[] = {
    "ka.target.resource = configmaps and ka.verb in (create, update, patch) and "
    "ka.req.configmap.obj icontains password",
    "ka.req.pod.containers.privileged intersects (true) or ka.req.pod.host_network = true or "
    "ka.req.pod.volumes.hostpath intersects (/etc, /proc)",
    "ka.req.role.rules.verbs intersects (\"*\") or ka.req.binding.role = cluster-admin",
    "ka.user.groups intersects (system:unauthenticated) and not ka.uri startswith /healthz",
    "jevt.value[/stage] in (ResponseComplete) and ka.uri.param[command] exists and "
    "ka.sourceips[0] intersects (10.0.0.1) and ka.response.code startswith 2",
};
#define _NCOND (sizeof(_conditions) / sizeof(_conditions[0]))

static struct arena *_arena;
static struct interp *_interps[_NCOND];

static void _init(void)
{
    _arena = arena_new();
    for (size_t i = 0; i < _NCOND; i++) {
        struct diag_list diags = {0};
        struct ast_node *n =
            condition_parse(_arena, _conditions[i], strlen(_conditions[i]), NULL, &diags);
        diag_list_free(&diags);
        if (!n || bind_condition(n) || !(_interps[i] = interp_new(n))) {
            fprintf(stderr, "fuzz_k8saudit: condition %zu does not compile\n", i);
            abort();
        }
    }
}

static void _fields(struct k8saudit_event *ev, struct strbuf *sb)
{
    static const char *const args[] = {NULL, "0", "2", "command", "/requestObject/spec/0", ""};
    for (int id = 0; id < FIELD_ID_MAX; id++) {
        const struct field_def *def = field_by_id((enum field_id)id);
        if (def->source != FSRC_K8S_AUDIT && !(def->flags & FF_GENERIC))
            continue;
        for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
            struct ast_field f = {.name = def->name, .arg = args[a], .def = def};
            struct field_value v;
            if (k8saudit_get(ev, &f, &v) != 0)
                abort();
            if (v.kind == FV_LIST && (!(def->flags & FF_LIST) || !v.nlist))
                abort(); /* lists only for list fields, and never empty */
            sb->len = 0;
            format_value_text(sb, &f, &v);
            json_object_put(format_value_json(&f, &v));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!_arena)
        _init();
    struct k8saudit_batch b;
    char err[256] = "";
    int rc = k8saudit_parse((const char *)data, size, 2048, &b, err, sizeof(err));
    if (rc < 0) {
        if (b.text || b.nevents || !err[0])
            abort();
        return 0;
    }
    if (rc != K8SAUDIT_OK || (b.nevents && !b.text))
        abort();
    struct k8saudit_event ev = {.hostname = "fuzz"};
    struct strbuf sb = {0};
    for (size_t i = 0; i < b.nevents; i++) {
        size_t len;
        const char *text = k8saudit_batch_event(&b, i, &len);
        if (len > 2048 || strlen(text) != len)
            abort(); /* an event's text is what the bound allows, NUL-terminated */
        if (k8saudit_event_bind(&ev, text, len, b.times[i], i + 1) < 0)
            abort(); /* what the parser wrote parses back */
        _fields(&ev, &sb);
        for (size_t c = 0; c < _NCOND; c++)
            interp_eval(_interps[c], k8saudit_get, &ev);
    }
    strbuf_free(&sb);
    k8saudit_event_free(&ev);
    k8saudit_batch_free(&b);
    return 0;
}
