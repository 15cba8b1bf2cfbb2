#include "runtime/event.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/container_id.h"
#include "core/evttypes.h"
#include "core/fields.h"
#include "core/sysargs.h"
#include "runtime/cid_cache.h"
#include "runtime/container_meta.h"
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
    if (len < need || len < m->record_size)
        return -1;
    arena_free((struct arena **)&ev->scratch);
    ev->layout = layout;
    ev->rec = rec;
    ev->len = len;
    ev->hdr = rec;
    ev->scratch = (char *)arena_new();
    ev->cid = NULL;
    ev->cid_done = false;
    cmeta_begin_event(ev->containers);
    return 0;
}

void event_free(struct event *ev)
{
    arena_free((struct arena **)&ev->scratch);
}

static struct arena *_arena(const struct event *ev)
{
    return (struct arena *)ev->scratch;
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

uint64_t event_boot_to_epoch_ns(void)
{
    struct timespec rt, bt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_BOOTTIME, &bt);
    return ((uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec) -
           ((uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec);
}

uint64_t event_time_ns(const struct event *ev)
{
    return ev->hdr->ts_boot_ns + ev->boot_to_epoch_ns;
}

/* ---- values ----------------------------------------------------------------- */

static int _str(struct field_value *out, const char *s, size_t n)
{
    out->kind = FV_STR;
    out->str.ptr = s;
    out->str.len = n;
    return 0;
}

static int _cstr(struct field_value *out, const char *s)
{
    if (!s)
        return 0;
    return _str(out, s, strlen(s));
}

static int _num(struct field_value *out, const struct field_def *def, int64_t v)
{
    if (def->type == FT_BOOL) {
        out->kind = FV_BOOL;
        out->b = v != 0;
    } else if (def->type == FT_INT || def->type == FT_RELTIME) {
        out->kind = FV_INT;
        out->i = v;
    } else {
        out->kind = FV_UINT;
        out->u = (uint64_t)v;
    }
    return 0;
}

static bool _same_arg(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The captured slot for this field, if the kernel filled it. */
static int _from_slot(const struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct policy_meta *m = ev->layout->meta;
    for (size_t i = 0; i < m->nslots && i < RULEC_MAX_SLOTS; i++) {
        if (ev->layout->slot_defs[i] != f->def || !_same_arg(m->slots[i].arg, ast_field_arg(f)))
            continue;
        if (!((ev->hdr->have[i / 64] >> (i % 64)) & 1))
            return -ENOENT;
        const struct rulec_slot_hdr *h = (const void *)(ev->rec + m->slots[i].offset);
        if (getenv("RULEC_DEBUG_SLOTS"))
            fprintf(stderr, "slot %zu %s: status %u len %u\n", i, m->slots[i].field, h->status,
                    h->len);
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
        /* Addresses come as text, which the interpreter parses where it compares them. */
        if (f->def->type == FT_STRING || f->def->type == FT_PATH || f->def->type == FT_BYTES ||
            f->def->type == FT_IPADDR) {
            size_t n = h->len < m->slots[i].size ? h->len : m->slots[i].size;
            _str(out, data, n);
            out->truncated = h->status == RULEC_SLOT_TRUNCATED;
            return 0;
        }
        int64_t v;
        memcpy(&v, data, sizeof(v));
        return _num(out, f->def, v);
    }
    return -ENOENT;
}

/* ---- /proc fallbacks ------------------------------------------------------------ */

static char *_read_proc(struct event *ev, uint32_t pid, const char *what, size_t *len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return NULL;
    *len = (size_t)n;
    return arena_strndup(_arena(ev), buf, (size_t)n);
}

static char *_readlink_proc(struct event *ev, uint32_t pid, const char *what)
{
    char path[64], buf[4096];
    snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    /* A deleted executable reads "/path (deleted)": Falco keeps the path. */
    char *del = strstr(buf, " (deleted)");
    if (del && del[10] == '\0')
        *del = '\0';
    return arena_strdup(_arena(ev), buf);
}

static char *_comm(struct event *ev, uint32_t pid)
{
    size_t n;
    char *s = _read_proc(ev, pid, "comm", &n);
    if (s && n && s[n - 1] == '\n')
        s[n - 1] = '\0';
    return s;
}

static uint32_t _ppid_of(struct event *ev, uint32_t pid)
{
    size_t n;
    char *stat = _read_proc(ev, pid, "stat", &n);
    char *close_paren = stat ? strrchr(stat, ')') : NULL;
    unsigned ppid = 0;
    if (close_paren && sscanf(close_paren + 1, " %*c %u", &ppid) == 1)
        return ppid;
    return 0;
}

/* cmdline's NUL-separated words: which = 0 argv[0], 1 the args joined
 * with spaces, 2 Falco's cmdline (comm + args). */
static char *_cmdline(struct event *ev, uint32_t pid, int which)
{
    size_t n;
    char *raw = _read_proc(ev, pid, "cmdline", &n);
    if (!raw)
        return NULL;
    if (which == 0)
        return raw; /* NUL-terminated at argv[0]'s end */
    size_t first = strnlen(raw, n);
    char *args = first < n ? raw + first + 1 : raw + n;
    size_t alen = first < n ? n - first - 1 : 0;
    while (alen && args[alen - 1] == '\0')
        alen--;
    for (size_t i = 0; i < alen; i++)
        if (args[i] == '\0')
            args[i] = ' ';
    args[alen] = '\0';
    if (which == 1)
        return args;
    char *comm = _comm(ev, pid);
    return arena_printf(_arena(ev), "%s%s%s", comm ? comm : "", alen ? " " : "", args);
}

/* container.id when the kernel did not decide it: Falco's algorithm on /proc/PID/cgroup
 * (core/container_id.c), which also completes the kernel's cache for the next events. Once
 * per event: the residual and the output may both ask. */
static const char *_proc_container_id(struct event *ev, uint32_t pid)
{
    if (!ev->cid_done) {
        char id[CID_ID_MAX];
        ev->cid_done = true;
        ev->cid = cid_cache_resolve(pid, id, sizeof(id)) == 0 ? arena_strdup(_arena(ev), id) : NULL;
    }
    return ev->cid;
}

static const char *_errno_name(int64_t ret)
{
    static char buf[32];
    const char *name = strerrorname_np((int)-ret);
    if (name)
        return name;
    snprintf(buf, sizeof(buf), "E%lld", (long long)-ret);
    return buf;
}

/* evt.arg.NAME and evt.rawarg.NAME from the argument registers the record
 * carries. String arguments live in the process's memory: only the kernel's
 * slot has them, so without one they are <NA>. */
static int _syscall_arg(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct rulec_record_hdr *h = ev->hdr;
    const struct evttype *t = evttype_by_nr((int)h->evt_id);
    const char *param = ast_field_arg(f);
    const struct sysarg *a = t && param ? sysarg_find(t->name, param) : NULL;
    if (!a || a->kind == SA_STR || a->index < 0 ||
        (size_t)a->index >= sizeof(h->args) / sizeof(h->args[0]))
        return 0;
    uint64_t raw = h->args[a->index];
    if (f->def->id == FIELD_EVT_RAWARG)
        return _num(out, f->def, (int64_t)raw);
    char buf[512];
    return _cstr(out, arena_strdup(_arena(ev), sysarg_render(a, raw, buf, sizeof(buf))));
}

/* container.* and k8s.*: what the container runtime says about this event's container.id
 * (runtime/container_meta.c); the lookup may wait a bounded time for the runtime. */
static int _container_meta(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    struct ast_field idf = {.name = "container.id", .def = field_by_id(FIELD_CONTAINER_ID)};
    struct field_value id;
    if (event_get(ev, &idf, &id) < 0 || id.kind != FV_STR || id.truncated)
        return 0;
    const struct cinfo *ci = cmeta_get(ev->containers, id.str.ptr, id.str.len);
    cinfo_field(ci, f->def->id, ast_field_arg(f), event_time_ns(ev), out);
    return 0;
}

static int _computed(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct rulec_record_hdr *h = ev->hdr;
    const struct field_def *def = f->def;
    const char *name = def->name;
    uint32_t pid = h->pid;
    if (cinfo_is_meta_field(def->id))
        return _container_meta(ev, f, out);
    if (!strcmp(name, "evt.type")) {
        const struct evttype *t = evttype_by_nr((int)h->evt_id);
        return _cstr(out, t ? t->name : NULL);
    }
    if (!strcmp(name, "evt.time") || !strcmp(name, "evt.rawtime"))
        return _num(out, def, (int64_t)event_time_ns(ev));
    if (!strcmp(name, "evt.dir"))
        return _cstr(out, "<");
    if (!strcmp(name, "evt.rawres"))
        return _num(out, def, h->ret);
    if (!strcmp(name, "evt.res"))
        return _cstr(out, h->ret >= 0 ? "SUCCESS" : _errno_name(h->ret));
    if (!strcmp(name, "evt.failed"))
        return _num(out, def, h->ret < 0);
    if (!strcmp(name, "evt.hostname"))
        return _cstr(out, ev->hostname);
    if (!strcmp(name, "proc.pid"))
        return _num(out, def, h->pid);
    if (!strcmp(name, "thread.tid"))
        return _num(out, def, h->tid);
    if (!strcmp(name, "proc.ppid"))
        return _num(out, def, h->ppid);
    if (!strcmp(name, "user.uid"))
        return _num(out, def, h->uid);
    if (!strcmp(name, "group.gid"))
        return _num(out, def, h->gid);
    if (!strcmp(name, "user.loginuid"))
        return _num(out, def, (int32_t)h->loginuid);
    if (!strcmp(name, "user.name"))
        return _cstr(out, ev->users ? users_name(ev->users, h->uid) : NULL);
    if (!strcmp(name, "user.homedir"))
        return _cstr(out, ev->users ? users_homedir(ev->users, h->uid) : NULL);
    if (!strcmp(name, "user.shell"))
        return _cstr(out, ev->users ? users_shell(ev->users, h->uid) : NULL);
    if (!strcmp(name, "user.loginname"))
        return _cstr(out, ev->users && h->loginuid != UINT32_MAX
                              ? users_name(ev->users, h->loginuid)
                              : NULL);
    if (!strcmp(name, "group.name"))
        return _cstr(out, ev->users ? users_group_name(ev->users, h->gid) : NULL);
    if (!strcmp(name, "proc.name"))
        return _cstr(out, _comm(ev, pid));
    if (!strcmp(name, "proc.exe"))
        return _cstr(out, _cmdline(ev, pid, 0));
    if (!strcmp(name, "proc.args"))
        return _cstr(out, _cmdline(ev, pid, 1));
    if (!strcmp(name, "proc.cmdline"))
        return _cstr(out, _cmdline(ev, pid, 2));
    if (!strcmp(name, "proc.exepath"))
        return _cstr(out, _readlink_proc(ev, pid, "exe"));
    if (!strcmp(name, "proc.cwd")) {
        char *cwd = _readlink_proc(ev, pid, "cwd");
        return _cstr(out,
                     cwd ? arena_printf(_arena(ev), "%s/", strcmp(cwd, "/") ? cwd : "") : NULL);
    }
    if (!strcmp(name, "proc.pname"))
        return _cstr(out, _comm(ev, h->ppid));
    if (!strcmp(name, "proc.pexe"))
        return _cstr(out, _cmdline(ev, h->ppid, 0));
    if (!strcmp(name, "proc.pcmdline"))
        return _cstr(out, _cmdline(ev, h->ppid, 2));
    if (!strcmp(name, "proc.pexepath"))
        return _cstr(out, _readlink_proc(ev, h->ppid, "exe"));
    if (!strcmp(name, "container.id"))
        return _cstr(out, _proc_container_id(ev, pid));
    if (!strcmp(name, "proc.aname") && f->arg) {
        int n = atoi(f->arg);
        uint32_t p = pid;
        for (int i = 0; i < n && p > 1; i++)
            p = _ppid_of(ev, p);
        return p && n >= 0 ? _cstr(out, _comm(ev, p)) : 0;
    }
    if (def->id == FIELD_EVT_ARG || def->id == FIELD_EVT_RAWARG)
        return _syscall_arg(ev, f, out);
    return 0; /* Falco's <NA> */
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
