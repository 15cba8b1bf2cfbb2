#include "runtime/event.h"

#include <arpa/inet.h>
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
#include "core/field_readers.h"
#include "core/fields.h"
#include "core/ipaddr.h"
#include "core/sysargs.h"
#include "runtime/cid_cache.h"
#include "runtime/container_meta.h"
#include "runtime/dns.h"
#include "runtime/procfs.h"
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

static struct arena *_arena(const struct event *ev)
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
    field_value_number(out, def->type, (uint64_t)v);
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
            return _cstr(out, arena_strdup(_arena(ev),
                                           sysarg_render_kind(SA_CAPS, caps, text, sizeof(text))));
        }
        case FIELD_PROC_ENV: {
            /* The entries as the kernel keeps them, NUL-separated: Falco joins them with spaces. */
            size_t n = h->len < m->slots[i].size ? h->len : m->slots[i].size;
            char *env = arena_alloc(_arena(ev), n + 1);
            for (size_t j = 0; j < n; j++)
                env[j] = data[j] ? data[j] : ' ';
            env[n] = '\0';
            return _str(out, env, n);
        }
        default:
            break;
        }
        if (f->def->type == FT_STRING || f->def->type == FT_PATH || f->def->type == FT_BYTES) {
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
        ev->cid = ev->cids && cid_cache_resolve(ev->cids, pid, id, sizeof(id)) == 0
                      ? arena_strdup(_arena(ev), id)
                      : NULL;
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

/* The value the kernel read into evt.arg.NAME's slot, for an argument in the syscall's memory
 * (openat2's flags): the layout keeps no field for these slots (event_layout_init). */
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
    const struct evttype *t = evttype_by_nr((int)h->evt_id);
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

/* What the record's header holds, and the names the passwd and group
 * databases give its ids. Returns 1 when field is not one of these. */
static int _from_header(struct event *ev, const struct field_def *def, struct field_value *out)
{
    const struct rulec_record_hdr *h = ev->hdr;
    struct users_db *u = ev->users;
    switch (def->id) {
    case FIELD_EVT_TYPE: {
        const struct evttype *t = evttype_by_nr((int)h->evt_id);
        return _cstr(out, t ? t->name : NULL);
    }
    case FIELD_EVT_TIME:
    case FIELD_EVT_RAWTIME:
        return _num(out, def, (int64_t)event_time_ns(ev));
    case FIELD_EVT_DIR:
        return _cstr(out, "<");
    case FIELD_EVT_NUM:
        return _num(out, def, (int64_t)ev->num);
    case FIELD_EVT_RAWRES:
        return _num(out, def, h->ret);
    case FIELD_EVT_RES:
        return _cstr(out, h->ret >= 0 ? "SUCCESS" : _errno_name(h->ret));
    case FIELD_EVT_FAILED:
        return _num(out, def, h->ret < 0);
    case FIELD_EVT_HOSTNAME:
        return _cstr(out, ev->hostname);
    case FIELD_EVT_CPU:
        return _num(out, def, h->cpu);
    case FIELD_PROC_PID:
        return _num(out, def, h->pid);
    case FIELD_THREAD_TID:
        return _num(out, def, h->tid);
    case FIELD_PROC_PPID:
        return _num(out, def, h->ppid);
    case FIELD_USER_UID:
        return _num(out, def, h->uid);
    case FIELD_GROUP_GID:
        return _num(out, def, h->gid);
    case FIELD_USER_LOGINUID:
        return _num(out, def, (int32_t)h->loginuid);
    case FIELD_USER_NAME:
        return _cstr(out, u ? users_name(u, h->uid) : NULL);
    case FIELD_USER_HOMEDIR:
        return _cstr(out, u ? users_homedir(u, h->uid) : NULL);
    case FIELD_USER_SHELL:
        return _cstr(out, u ? users_shell(u, h->uid) : NULL);
    case FIELD_USER_LOGINNAME:
        return _cstr(out, u && h->loginuid != UINT32_MAX ? users_name(u, h->loginuid) : NULL);
    case FIELD_GROUP_NAME:
        return _cstr(out, u ? users_group_name(u, h->gid) : NULL);
    default:
        return 1;
    }
}

/* The process's n-th ancestor (0: itself), 0 when it has none (or /proc cannot tell). */
static uint32_t _ancestor(struct event *ev, uint32_t pid, int n)
{
    uint32_t p = pid;
    for (int i = 0; i < n && p > 1; i++)
        p = _ppid_of(ev, p);
    return n >= 0 && (n == 0 || p != pid) ? p : 0;
}

enum _ancestor_field { _ANC_NAME, _ANC_EXE, _ANC_EXEPATH };

/* proc.aname, proc.aexe, proc.aexepath without an index: every ancestor's value, parent first,
 * up to init (libsinsp's traverse_parent_state): the interpreter holds a comparison when it
 * holds for one of them. */
static int _ancestors(struct event *ev, uint32_t pid, enum _ancestor_field which,
                      struct field_value *out)
{
    enum { MAX_ANCESTORS = 64 };
    struct fv_str *list = arena_alloc(_arena(ev), MAX_ANCESTORS * sizeof(*list));
    size_t n = 0;
    for (uint32_t p = _ppid_of(ev, pid); p > 0 && n < MAX_ANCESTORS; p = _ppid_of(ev, p)) {
        char *v = which == _ANC_NAME  ? _comm(ev, p)
                  : which == _ANC_EXE ? _cmdline(ev, p, 0)
                                      : _readlink_proc(ev, p, "exe");
        if (!v)
            break;
        list[n++] = (struct fv_str){v, strlen(v)};
        if (p == 1)
            break;
    }
    if (!n)
        return 0;
    out->kind = FV_LIST;
    out->list = list;
    out->nlist = n;
    return 0;
}

static int _ancestor_names(struct event *ev, uint32_t pid, struct field_value *out)
{
    return _ancestors(ev, pid, _ANC_NAME, out);
}

/* What /proc says about the process (and its parent, its ancestors) while
 * it lives. Returns 1 when field is not one of these. */
static int _from_proc(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    uint32_t pid = ev->hdr->pid, ppid = ev->hdr->ppid;
    switch (f->def->id) {
    case FIELD_PROC_NAME:
        return _cstr(out, _comm(ev, pid));
    case FIELD_PROC_EXE:
        return _cstr(out, _cmdline(ev, pid, 0));
    case FIELD_PROC_ARGS:
        return _cstr(out, _cmdline(ev, pid, 1));
    case FIELD_PROC_CMDLINE:
        return _cstr(out, _cmdline(ev, pid, 2));
    case FIELD_PROC_EXEPATH:
        return _cstr(out, _readlink_proc(ev, pid, "exe"));
    case FIELD_PROC_CWD: {
        char *cwd = _readlink_proc(ev, pid, "cwd");
        return _cstr(out,
                     cwd ? arena_printf(_arena(ev), "%s/", strcmp(cwd, "/") ? cwd : "") : NULL);
    }
    case FIELD_PROC_PNAME:
        return _cstr(out, _comm(ev, ppid));
    case FIELD_PROC_PEXE:
        return _cstr(out, _cmdline(ev, ppid, 0));
    case FIELD_PROC_PCMDLINE:
        return _cstr(out, _cmdline(ev, ppid, 2));
    case FIELD_PROC_PEXEPATH:
        return _cstr(out, _readlink_proc(ev, ppid, "exe"));
    case FIELD_CONTAINER_ID:
        return _cstr(out, _proc_container_id(ev, pid));
    case FIELD_PROC_SNAME: {
        char st[4][24];
        /* the session leader (stat's field 6), named as its process */
        if (procfs_stat(pid, st, 4) < 4)
            return 0;
        return _cstr(out, _comm(ev, (uint32_t)strtoul(st[3], NULL, 10)));
    }
    case FIELD_PROC_ENV:
        return _cstr(out, procfs_env(_arena(ev), pid, f->arg));
    case FIELD_PROC_DURATION: {
        uint64_t start = procfs_start_ns(pid);
        return start && ev->hdr->ts_boot_ns > start
                   ? _num(out, f->def, (int64_t)(ev->hdr->ts_boot_ns - start))
                   : 0;
    }
    case FIELD_PROC_IS_VPGID_LEADER: {
        int leader = procfs_is_vpgid_leader(pid);
        return leader < 0 ? 0 : _num(out, f->def, leader);
    }
    case FIELD_PROC_IS_EXE_FROM_MEMFD: {
        char *exe = _readlink_proc(ev, pid, "exe");
        return exe ? _num(out, f->def, !strncmp(exe, "/memfd:", 7)) : 0;
    }
    case FIELD_PROC_EXE_INO:
    case FIELD_PROC_EXE_INO_CTIME:
    case FIELD_PROC_EXE_INO_MTIME:
    case FIELD_PROC_EXE_INO_CTIME_DURATION_PROC_START: {
        uint64_t ino, ctime_ns, mtime_ns;
        if (procfs_exe_inode(pid, &ino, &ctime_ns, &mtime_ns) < 0 || !ino)
            return 0;
        if (f->def->id == FIELD_PROC_EXE_INO)
            return _num(out, f->def, (int64_t)ino);
        if (f->def->id == FIELD_PROC_EXE_INO_MTIME)
            return _num(out, f->def, (int64_t)mtime_ns);
        if (f->def->id == FIELD_PROC_EXE_INO_CTIME)
            return _num(out, f->def, (int64_t)ctime_ns);
        uint64_t start = procfs_start_ns(pid) + ev->boot_to_epoch_ns;
        return ctime_ns > start ? _num(out, f->def, (int64_t)(ctime_ns - start)) : 0;
    }
    case FIELD_THREAD_CAP_PERMITTED:
        return _cstr(out, procfs_caps(_arena(ev), pid, ev->hdr->tid, "CapPrm"));
    case FIELD_THREAD_CAP_INHERITABLE:
        return _cstr(out, procfs_caps(_arena(ev), pid, ev->hdr->tid, "CapInh"));
    case FIELD_THREAD_CAP_EFFECTIVE:
        return _cstr(out, procfs_caps(_arena(ev), pid, ev->hdr->tid, "CapEff"));
    case FIELD_PROC_AEXE:
    case FIELD_PROC_AEXEPATH: {
        bool path = f->def->id == FIELD_PROC_AEXEPATH;
        if (!f->arg)
            return _ancestors(ev, pid, path ? _ANC_EXEPATH : _ANC_EXE, out);
        uint32_t p = _ancestor(ev, pid, atoi(f->arg));
        return p ? _cstr(out, path ? _readlink_proc(ev, p, "exe") : _cmdline(ev, p, 0)) : 0;
    }
    case FIELD_PROC_ANAME: {
        if (!f->arg)
            return _ancestor_names(ev, pid, out);
        int n = atoi(f->arg);
        uint32_t p = pid;
        for (int i = 0; i < n && p > 1; i++)
            p = _ppid_of(ev, p);
        return p && n >= 0 ? _cstr(out, _comm(ev, p)) : 0;
    }
    default:
        return 1;
    }
}

/* The value of another field of the event (aliases read their target's slot). */
static int _field(struct event *ev, enum field_id id, struct field_value *out)
{
    struct ast_field f = {.def = field_by_id(id)};
    f.name = f.def->name;
    return event_get(ev, &f, out);
}

/* Either end of the event's connection (fd.ip, fd.net, fd.port): a list of the client's and the
 * server's values as text, which the interpreter compares as libsinsp's compare_ip, _net and
 * _port do (either holds; != needs both to differ). */
static int _both_ends(struct event *ev, enum field_id client, enum field_id server,
                      struct field_value *out)
{
    struct field_value v[2];
    enum field_id ids[2] = {client, server};
    struct fv_str *list = arena_alloc(_arena(ev), 2 * sizeof(*list));
    for (int k = 0; k < 2; k++) {
        if (_field(ev, ids[k], &v[k]) < 0 || v[k].kind == FV_NONE)
            return 0; /* not an IP socket (or unreadable): <NA> */
        char buf[INET6_ADDRSTRLEN + 8];
        if (v[k].kind == FV_IP) {
            struct ipaddr ip;
            ipaddr_from_value(&v[k], &ip);
            ipaddr_text(&ip, buf, sizeof(buf));
        } else {
            snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v[k].u);
        }
        list[k].ptr = arena_strdup(_arena(ev), buf);
        list[k].len = strlen(buf);
    }
    out->kind = FV_LIST;
    out->list = list;
    out->nlist = 2;
    return 0;
}

/* fd.sip.name and its kin: the first of the policy's names the address resolves to, "" when
 * none does (runtime/dns.h); <NA> without an address. */
static int _ip_name(struct event *ev, enum field_id addr, struct field_value *out)
{
    struct field_value a;
    if (_field(ev, addr, &a) < 0 || a.kind != FV_IP)
        return 0;
    return _cstr(out, dns_cache_name_of(ev->dns, a.family, a.ip));
}

/* Fields whose value is another's: the networks are the addresses, compared with networks. */
static int _from_other_fields(struct event *ev, const struct field_def *def,
                              struct field_value *out)
{
    switch (def->id) {
    case FIELD_FD_CNET:
        return _field(ev, FIELD_FD_CIP, out);
    case FIELD_FD_SNET:
        return _field(ev, FIELD_FD_SIP, out);
    case FIELD_FD_LNET:
        return _field(ev, FIELD_FD_LIP, out);
    case FIELD_FD_RNET:
        return _field(ev, FIELD_FD_RIP, out);
    case FIELD_FD_IP:
    case FIELD_FD_NET:
        return _both_ends(ev, FIELD_FD_CIP, FIELD_FD_SIP, out);
    case FIELD_FD_PORT:
        return _both_ends(ev, FIELD_FD_CPORT, FIELD_FD_SPORT, out);
    case FIELD_FD_SIP_NAME:
        return _ip_name(ev, FIELD_FD_SIP, out);
    case FIELD_FD_CIP_NAME:
        return _ip_name(ev, FIELD_FD_CIP, out);
    case FIELD_FD_LIP_NAME:
        return _ip_name(ev, FIELD_FD_LIP, out);
    case FIELD_FD_RIP_NAME:
        return _ip_name(ev, FIELD_FD_RIP, out);
    default:
        return 1;
    }
}

int event_userspace_value(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    switch (field_userspace_reader(f->def->id)) {
    case FR_RECORD:
        return _from_header(ev, f->def, out);
    case FR_PROCFS:
        return _from_proc(ev, f, out);
    case FR_SYSARG:
        return _syscall_arg(ev, f, out);
    case FR_DERIVED:
        return _from_other_fields(ev, f->def, out);
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
