#include "runtime/event.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/evttypes.h"
#include "core/field_readers.h"
#include "core/fields.h"
#include "core/format.h"
#include "core/strbuf.h"
#include "core/sysargs.h"
#include "runtime/container_meta.h"
#include "runtime/event_internal.h"
#include "runtime/users.h"

int event_layout_init(struct event_layout *layout, const struct policy_meta *meta)
{
    layout->meta = meta;
    layout->slot_defs = calloc(meta->nslots + 1, sizeof(*layout->slot_defs));
    if (!layout->slot_defs)
        return -1;
    for (size_t i = 0; i < meta->nslots; i++) {
        const struct field_def *def = field_lookup(meta->slots[i].field, NULL);
        /* A register argument's slot holds the register, which every record's header has too:
         * _syscall_arg prints it from there, so no field reads this slot. */
        if (def && def->id == FIELD_EVT_ARG && meta->slots[i].arg &&
            sysarg_param_is_numeric(meta->slots[i].arg))
            def = NULL;
        layout->slot_defs[i] = def;
    }
    return 0;
}

void event_layout_free(struct event_layout *layout)
{
    free(layout->slot_defs);
    layout->slot_defs = NULL;
}

int event_bind(struct event *ev, const struct event_layout *layout, const void *rec, size_t len)
{
    const struct policy_meta *m = layout->meta;
    size_t need = sizeof(struct rulec_record_hdr) + 2 * (size_t)m->mask_words * 8;
    if (len < need)
        return -1;
    /* A record may end before its long slots when the kernel filled none of them
     * (compiler/plan.c): every slot it says it holds must be inside it. */
    const struct rulec_record_hdr *h = rec;
    for (size_t i = 0; len < m->record_size && i < m->nslots && i < RULEC_MAX_SLOTS; i++)
        if (((h->have[i / 64] >> (i % 64)) & 1) &&
            m->slots[i].offset + sizeof(struct rulec_slot_hdr) + m->slots[i].size > len)
            return -1;
    arena_free(&ev->scratch);
    ev->layout = layout;
    ev->rec = rec;
    ev->len = len;
    ev->hdr = rec;
    ev->scratch = arena_new();
    ev->cid = NULL;
    ev->cid_done = false;
    cmeta_begin_event(ev->containers);
    return 0;
}

void event_free(struct event *ev)
{
    arena_free(&ev->scratch);
}

struct arena *event_arena(const struct event *ev)
{
    return ev->scratch;
}

static const uint64_t *_mask(const struct event *ev, int which)
{
    return (const uint64_t *)(ev->rec + sizeof(struct rulec_record_hdr) +
                              (size_t)which * ev->layout->meta->mask_words * 8);
}

bool event_is_candidate(const struct event *ev, size_t rule)
{
    return rule / 64 < ev->layout->meta->mask_words && (_mask(ev, 0)[rule / 64] >> (rule % 64)) & 1;
}

bool event_is_maybe(const struct event *ev, size_t rule)
{
    return rule / 64 < ev->layout->meta->mask_words && (_mask(ev, 1)[rule / 64] >> (rule % 64)) & 1;
}

static uint64_t _clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t event_boot_to_epoch_ns(void)
{
    return _clock_ns(CLOCK_REALTIME) - _clock_ns(CLOCK_BOOTTIME);
}

uint64_t event_boot_ns(void)
{
    return _clock_ns(CLOCK_BOOTTIME);
}

uint64_t event_time_ns(const struct event *ev)
{
    return ev->hdr->ts_boot_ns + ev->boot_to_epoch_ns;
}

/* ---- values ----------------------------------------------------------------- */

int event_str(struct field_value *out, const char *s, size_t n)
{
    out->kind = FV_STR;
    out->str.ptr = s;
    out->str.len = n;
    return 0;
}

int event_cstr(struct field_value *out, const char *s)
{
    if (!s)
        return 0;
    return event_str(out, s, strlen(s));
}

int event_num(struct field_value *out, const struct field_def *def, int64_t v)
{
    field_value_number(out, def->type, (uint64_t)v);
    return 0;
}

static bool _same_arg(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The slot the kernel captured field def (argument arg) in, or NULL when this record has none. */
static const struct rulec_slot_hdr *_slot(const struct event *ev, const struct field_def *def,
                                          const char *arg, size_t *index)
{
    const struct policy_meta *m = ev->layout->meta;
    for (size_t i = 0; i < m->nslots && i < RULEC_MAX_SLOTS; i++) {
        if (ev->layout->slot_defs[i] != def || !_same_arg(m->slots[i].arg, arg))
            continue;
        if (!((ev->hdr->have[i / 64] >> (i % 64)) & 1))
            return NULL;
        *index = i;
        return (const void *)(ev->rec + m->slots[i].offset);
    }
    return NULL;
}

enum rulec_slot_status event_slot_status(const struct event *ev, enum field_id id, const char *arg)
{
    size_t i;
    const struct rulec_slot_hdr *h = _slot(ev, field_by_id(id), arg, &i);
    return h ? (enum rulec_slot_status)h->status : RULEC_SLOT_ABSENT;
}

/* The captured slot for this field, if the kernel filled it. */
static int _from_slot(const struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct policy_meta *m = ev->layout->meta;
    size_t i;
    const struct rulec_slot_hdr *h = _slot(ev, f->def, ast_field_arg(f), &i);
    if (!h)
        return -ENOENT;
    if (getenv("RULEC_DEBUG_SLOTS"))
        fprintf(stderr, "slot %zu %s: status %u len %u\n", i, m->slots[i].field, h->status, h->len);
    const char *data = (const char *)(h + 1);
    switch (h->status) {
    case RULEC_SLOT_NONE:
        return 0;
    case RULEC_SLOT_OK:
    case RULEC_SLOT_TRUNCATED:
        break;
    default:
        return -ENOENT; /* the kernel read failed: try /proc */
    }
    if (f->def->type == FT_IPADDR || f->def->type == FT_IPNET) {
        /* Family and address in binary (RULEC_IP_SLOT). */
        if (m->slots[i].size < RULEC_IP_SLOT || (data[0] != 4 && data[0] != 6))
            return -ENOENT;
        out->kind = FV_IP;
        out->family = (uint8_t)data[0];
        memcpy(out->ip, data + RULEC_IP_ADDR, 16);
        return 0;
    }
    switch (f->def->id) {
    case FIELD_THREAD_CAP_PERMITTED:
    case FIELD_THREAD_CAP_INHERITABLE:
    case FIELD_THREAD_CAP_EFFECTIVE: {
        /* The mask; Falco's value is its names (core/sysargs.h SA_CAPS). */
        uint64_t caps;
        char text[SYSARG_CAPS_TEXT];
        memcpy(&caps, data, sizeof(caps));
        return event_cstr(out, arena_strdup(event_arena(ev),
                                            sysarg_render_kind(SA_CAPS, caps, text, sizeof(text))));
    }
    case FIELD_PROC_ENV: {
        /* The entries as the kernel keeps them, NUL-separated: Falco joins them with spaces. */
        size_t n = h->len < m->slots[i].size ? h->len : m->slots[i].size;
        char *env = arena_alloc(event_arena(ev), n + 1);
        for (size_t j = 0; j < n; j++)
            env[j] = data[j] ? data[j] : ' ';
        env[n] = '\0';
        return event_str(out, env, n);
    }
    default:
        break;
    }
    if (f->def->type == FT_STRING || f->def->type == FT_PATH || f->def->type == FT_BYTES) {
        size_t n = h->len < m->slots[i].size ? h->len : m->slots[i].size;
        event_str(out, data, n);
        out->truncated = h->status == RULEC_SLOT_TRUNCATED;
        return 0;
    }
    int64_t v;
    memcpy(&v, data, sizeof(v));
    return event_num(out, f->def, v);
}

const struct evttype *event_type(const struct event *ev)
{
    if (ev->hdr->evt_id == RULEC_EVT_PROCEXIT)
        return evttype_lookup("procexit");
    return evttype_by_nr((int)ev->hdr->evt_id);
}

/* The value the kernel read into evt.arg.NAME's slot, for an argument in the syscall's memory
 * (openat2's flags, execve's executable flags): the layout keeps no field for these slots
 * (event_layout_init). */
static int _arg_slot(const struct event *ev, const char *param, uint64_t *raw)
{
    const struct policy_meta *m = ev->layout->meta;
    for (size_t i = 0; i < m->nslots && i < RULEC_MAX_SLOTS; i++) {
        const struct rulec_slot_hdr *h = (const void *)(ev->rec + m->slots[i].offset);
        if (strcmp(m->slots[i].field, "evt.arg") != 0 || !_same_arg(m->slots[i].arg, param) ||
            !((ev->hdr->have[i / 64] >> (i % 64)) & 1) || h->status != RULEC_SLOT_OK)
            continue;
        memcpy(raw, h + 1, sizeof(*raw));
        return 0;
    }
    return -1;
}

/* evt.arg.NAME and evt.rawarg.NAME from the argument registers the record
 * carries. String arguments live in the process's memory: only the kernel's
 * slot has them, so without one they are <NA>. */
static int _syscall_arg(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct rulec_record_hdr *h = ev->hdr;
    const struct evttype *t = event_type(ev);
    const char *param = ast_field_arg(f);
    const struct sysarg *a = t && param ? sysarg_find(t->name, param) : NULL;
    if (!a || a->kind == SA_STR || a->index < 0)
        return 0;
    uint64_t raw;
    if ((size_t)a->index < sizeof(h->args) / sizeof(h->args[0]))
        raw = h->args[a->index];
    else if (_arg_slot(ev, param, &raw) < 0)
        return 0; /* in the syscall's memory, and the kernel did not read it */
    if (f->def->id == FIELD_EVT_RAWARG)
        return event_num(out, f->def, (int64_t)raw);
    char buf[512];
    return event_cstr(out, arena_strdup(event_arena(ev), sysarg_render(a, raw, buf, sizeof(buf))));
}

/* The time fields: libsinsp compares their text (evt.time "14:53:31.726060287") but gives
 * output_fields the nanoseconds (extract_as_js), which the formatter also prints in each
 * field's style; a transformer works on the text. */
static int _time_text(struct event *ev, const struct ast_field *f, enum format_time_style style,
                      struct field_value *out)
{
    uint64_t ns = event_time_ns(ev);
    if (ev->output && !f->ntransformers)
        return event_num(out, f->def, (int64_t)ns);
    struct strbuf sb = {0};
    format_timestamp(&sb, ns, style);
    event_cstr(out, arena_strdup(event_arena(ev), sb.data ? sb.data : ""));
    strbuf_free(&sb);
    return 0;
}

/* sinsp_evt::has_return_value: the exit of a syscall other than a generic one. */
static bool _has_return_value(const struct event *ev)
{
    const struct evttype *t = event_type(ev);
    return t && t->kind == EVTK_SYSCALL && !evttype_class(t).generic;
}

/* extract_error_count: 1 for a failed syscall, 0 for one that succeeded, <NA> without a
 * return value. */
static int _error_count(struct event *ev, const struct field_def *def, struct field_value *out)
{
    return _has_return_value(ev) ? event_num(out, def, ev->hdr->ret < 0) : 0;
}

/* evt.res: SUCCESS, or the errno's name (the number when libsinsp has no name for it). */
static const char *_res_text(struct event *ev)
{
    if (ev->hdr->ret >= 0)
        return "SUCCESS";
    const char *name = sysarg_errno_name(ev->hdr->ret);
    return name ? name : arena_printf(event_arena(ev), "%lld", (long long)ev->hdr->ret);
}

/* What the event type says, whatever the event: its class in libsinsp's event table
 * (core/evtclass.def). Returns 1 when field is not one of these. */
static int _from_type(struct event *ev, const struct field_def *def, struct field_value *out)
{
    const struct evttype *t = event_type(ev);
    struct evtclass c = evttype_class(t);
    switch (def->id) {
    case FIELD_EVT_TYPE:
        return event_cstr(out, t ? t->name : NULL);
    case FIELD_SYSCALL_TYPE: /* only syscalls: not procexit */
        return event_cstr(out, t && t->kind == EVTK_SYSCALL ? t->name : NULL);
    case FIELD_EVT_DIR: /* syscall records are exits; procexit is an enter event */
        return event_cstr(out, t && t->kind != EVTK_SYSCALL ? ">" : "<");
    case FIELD_EVT_SOURCE:
        return event_cstr(out, "syscall");
    case FIELD_EVT_IS_ASYNC: /* only meta events are, and rulec run sees none */
        return event_num(out, def, 0);
    case FIELD_EVT_IS_IO:
        return event_num(out, def, (c.flags & (EVTF_READS_FD | EVTF_WRITES_FD)) != 0);
    case FIELD_EVT_IS_IO_READ:
        return event_num(out, def, (c.flags & EVTF_READS_FD) != 0);
    case FIELD_EVT_IS_IO_WRITE:
        return event_num(out, def, (c.flags & EVTF_WRITES_FD) != 0);
    case FIELD_EVT_IO_DIR: /* "read" or "write", whatever libsinsp's description says */
        return event_cstr(out, c.flags & EVTF_WRITES_FD  ? "write"
                               : c.flags & EVTF_READS_FD ? "read"
                                                         : NULL);
    case FIELD_EVT_IS_WAIT:
        return event_num(out, def, (c.flags & EVTF_WAITS) != 0);
    case FIELD_EVT_COUNT:
        return event_num(out, def, 1);
    case FIELD_EVT_COUNT_EXIT: /* every syscall record is an exit; procexit is an enter */
        return t && t->kind == EVTK_SYSCALL ? event_num(out, def, 1) : 0;
    case FIELD_EVT_COUNT_ERROR:
        return _error_count(ev, def, out);
    case FIELD_EVT_COUNT_ERROR_MEMORY:
        return c.category == EVTCAT_MEMORY ? _error_count(ev, def, out) : 0;
    default:
        return 1;
    }
}

/* The record's timestamp: libsinsp's evt.* time fields. evt.latency and its kin are constants
 * in libsinsp now (sinsp_filter_check_event::extract_single: "Hardcoded value to 0 for now to
 * avoid breaking changes", the fields being deprecated), and thread.exectime is only measured
 * on sched switch events. Returns 1 when field is not one of these. */
static int _from_time(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct field_def *def = f->def;
    uint64_t ns = event_time_ns(ev), rel = ev->hdr->ts_boot_ns - ev->start_boot_ns;
    if (ev->hdr->ts_boot_ns < ev->start_boot_ns)
        rel = 0;
    int style = format_time_style(def->id); /* evt.outputtime: Falco's mode 'h', evt.time's */
    if (style >= 0)
        return _time_text(ev, f, (enum format_time_style)style, out);
    switch (def->id) {
    case FIELD_EVT_RAWTIME:
        return event_num(out, def, (int64_t)ns);
    case FIELD_EVT_RAWTIME_S:
        return event_num(out, def, (int64_t)(ns / 1000000000u));
    case FIELD_EVT_RAWTIME_NS:
        return event_num(out, def, (int64_t)(ns % 1000000000u));
    case FIELD_EVT_RELTIME:
        return event_num(out, def, (int64_t)rel);
    case FIELD_EVT_RELTIME_S:
        return event_num(out, def, (int64_t)(rel / 1000000000u));
    case FIELD_EVT_RELTIME_NS:
        return event_num(out, def, (int64_t)(rel % 1000000000u));
    case FIELD_EVT_LATENCY:
    case FIELD_EVT_LATENCY_S:
    case FIELD_EVT_LATENCY_NS:
    case FIELD_EVT_LATENCY_QUANTIZED:
    case FIELD_EVT_WAIT_LATENCY:
    case FIELD_THREAD_EXECTIME:
        return event_num(out, def, 0);
    case FIELD_EVT_LATENCY_HUMAN:
        return event_cstr(out, "0ns");
    default:
        return 1;
    }
}

/* container.* and k8s.*: what the container runtime says about this event's container.id
 * (runtime/container_meta.c); the lookup may wait a bounded time for the runtime. */
static int _container_meta(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    struct field_value id;
    if (event_field(ev, FIELD_CONTAINER_ID, NULL, &id) < 0 || id.kind != FV_STR || id.truncated)
        return 0;
    const struct cinfo *ci = cmeta_get(ev->containers, id.str.ptr, id.str.len);
    cinfo_field(ci, f->def->id, ast_field_arg(f), event_time_ns(ev), out);
    return 0;
}

/* What the record's header holds, and the names the passwd and group
 * databases give its ids. Returns 1 when field is not one of these. */
static int _from_header(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct rulec_record_hdr *h = ev->hdr;
    const struct field_def *def = f->def;
    struct users_db *u = ev->users;
    int rc = _from_type(ev, def, out);
    if (rc != 1)
        return rc;
    rc = _from_time(ev, f, out);
    if (rc != 1)
        return rc;
    switch (def->id) {
    case FIELD_EVT_NUM:
        return event_num(out, def, (int64_t)ev->num);
    case FIELD_EVT_RAWRES:
        return event_num(out, def, h->ret);
    case FIELD_EVT_RES: /* <NA> on libs' generic events, as evt.failed */
        return _has_return_value(ev) ? event_cstr(out, _res_text(ev)) : 0;
    case FIELD_EVT_FAILED:
        return _error_count(ev, def, out);
    case FIELD_EVT_HOSTNAME:
        return event_cstr(out, ev->hostname);
    case FIELD_EVT_CPU:
        return event_num(out, def, h->cpu);
    case FIELD_PROC_PID:
        return event_num(out, def, h->pid);
    case FIELD_THREAD_TID:
        return event_num(out, def, h->tid);
    case FIELD_PROC_PPID:
        return event_num(out, def, h->ppid);
    case FIELD_USER_UID:
        return event_num(out, def, h->uid);
    case FIELD_GROUP_GID:
        return event_num(out, def, h->gid);
    case FIELD_USER_LOGINUID:
        return event_num(out, def, (int32_t)h->loginuid);
    case FIELD_USER_NAME:
        return event_cstr(out, u ? users_name(u, h->uid) : NULL);
    case FIELD_USER_HOMEDIR:
        return event_cstr(out, u ? users_homedir(u, h->uid) : NULL);
    case FIELD_USER_SHELL:
        return event_cstr(out, u ? users_shell(u, h->uid) : NULL);
    case FIELD_USER_LOGINNAME:
        return event_cstr(out, u && h->loginuid != UINT32_MAX ? users_name(u, h->loginuid) : NULL);
    case FIELD_GROUP_NAME:
        return event_cstr(out, u ? users_group_name(u, h->gid) : NULL);
    default:
        return 1;
    }
}

int event_field(struct event *ev, enum field_id id, const char *arg, struct field_value *out)
{
    struct ast_field f = {.def = field_by_id(id), .arg = arg};
    f.name = f.def->name;
    return event_get(ev, &f, out);
}

int event_userspace_value(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    switch (field_userspace_reader(f->def->id)) {
    case FR_RECORD:
        return _from_header(ev, f, out);
    case FR_PROCFS:
        return event_proc_value(ev, f, out);
    case FR_SYSARG:
        return _syscall_arg(ev, f, out);
    case FR_DERIVED:
        return event_derived_value(ev, f, out);
    case FR_CONTAINER:
        return _container_meta(ev, f, out);
    case FR_NONE:
    case FR_PLUGIN: /* a plugin event's fields: not on syscall records */
    case FR_MAX:
        break;
    }
    return 0; /* Falco's <NA> */
}

/* A field the kernel did not capture: its userspace reader (core/field_readers.h), or <NA>. */
static int _computed(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    int rc = event_userspace_value(ev, f, out);
    return rc == 1 ? 0 : rc; /* a reader that does not know the field: test_event_readers */
}

int event_get_output(void *ctx, const struct ast_field *field, struct field_value *out)
{
    struct event *ev = ctx;
    ev->output = true;
    int rc = event_get(ev, field, out);
    ev->output = false;
    return rc;
}

int event_get(void *ctx, const struct ast_field *field, struct field_value *out)
{
    struct event *ev = ctx;
    memset(out, 0, sizeof(*out));
    out->kind = FV_NONE;
    if (!field->def)
        return 0;
    if (_from_slot(ev, field, out) == 0)
        return 0;
    memset(out, 0, sizeof(*out));
    out->kind = FV_NONE;
    return _computed(ev, field, out);
}
