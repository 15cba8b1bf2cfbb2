/* evt.args, evt.info and evt.abspath: the event's parameters rendered as libsinsp renders an
 * exit event's (sinsp_filter_check_event's TYPE_ARGS, get_param_as_str), for the syscalls whose
 * every parameter the record carries (core/evtargs.def): the return value and the argument
 * registers from the header, string arguments from the slots the plan captures with the
 * field, the cwd, and what a parameter names (an fd's path, a pid's process, a uid's user)
 * from the kernel's fd fields, /proc and the passwd database. A piece rulec cannot know makes
 * the whole value <NA>, never a different text. */
#include "runtime/event_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/arena.h"
#include "core/evtargs.h"
#include "core/evttypes.h"
#include "core/strbuf.h"
#include "core/sysargs.h"
#include "runtime/procfs.h"
#include "runtime/users.h"

#define AT_FDCWD_ (-100) /* PPM_AT_FDCWD, the kernel's AT_FDCWD */

/* A string argument as the kernel read it: 0, or -1 when the record does not have it. */
static int _string(struct event *ev, const char *param, struct field_value *v)
{
    enum rulec_slot_status st = event_slot_status(ev, FIELD_EVT_ARG, param);
    if ((st != RULEC_SLOT_OK && st != RULEC_SLOT_TRUNCATED) ||
        event_field(ev, FIELD_EVT_ARG, param, v) < 0 || v->kind != FV_STR)
        return -1;
    return 0;
}

/* tinfo->get_cwd(): proc.cwd, which ends in '/'. */
static const char *_cwd(struct event *ev)
{
    struct field_value v;
    if (event_field(ev, FIELD_PROC_CWD, NULL, &v) < 0 || v.kind != FV_STR || v.truncated)
        return NULL;
    return arena_strndup(event_arena(ev), v.str.ptr, v.str.len);
}

/* The name and type libsinsp's fd table has for fd of the process: the kernel's fd.name and
 * fd.typechar when fd is the event's own, else what /proc says (libsinsp's own fallback,
 * scap_get_file_path). Only files and directories: other fds' names depend on when they were
 * opened. Returns 1 with *tc and *name, 0 when the fd is not open (the syscall said EBADF: not
 * in libsinsp's table either), -1 when rulec cannot tell. */
static int _fd(struct event *ev, int64_t fd, char *tc, const char **name)
{
    struct field_value num, type, v;
    if (event_slot_status(ev, FIELD_FD_NUM, NULL) == RULEC_SLOT_OK &&
        event_field(ev, FIELD_FD_NUM, NULL, &num) == 0 && num.kind == FV_INT && num.i == fd &&
        event_slot_status(ev, FIELD_FD_TYPECHAR, NULL) == RULEC_SLOT_OK &&
        event_field(ev, FIELD_FD_TYPECHAR, NULL, &type) == 0 && type.kind == FV_STR &&
        type.str.len && event_slot_status(ev, FIELD_FD_NAME, NULL) == RULEC_SLOT_OK &&
        event_field(ev, FIELD_FD_NAME, NULL, &v) == 0 && v.kind == FV_STR) {
        *tc = type.str.ptr[0];
        *name = arena_strndup(event_arena(ev), v.str.ptr, v.str.len);
        return *tc == 'f' || *tc == 'd' ? 1 : -1;
    }
    const char *path = NULL;
    const char *t = procfs_fd_type(event_arena(ev), ev->hdr->pid, (int)fd, &path);
    if (!t) /* not open (or gone with the process): libsinsp has none only after EBADF */
        return ev->hdr->ret == -EBADF && procfs_comm(event_arena(ev), ev->hdr->pid) ? 0 : -1;
    if (!path || (strcmp(t, "file") && strcmp(t, "directory")))
        return -1;
    *tc = t[0] == 'f' ? 'f' : 'd';
    *name = path;
    return 1;
}

/* render_fd's resolved text: "<f>/etc/passwd", "AT_FDCWD", an errno's name, or "" (none). */
static int _fd_text(struct event *ev, int64_t fd, struct strbuf *out)
{
    if (fd == AT_FDCWD_) {
        strbuf_puts(out, "AT_FDCWD");
        return 0;
    }
    if (fd < 0) {
        const char *e = sysarg_errno_name(fd);
        strbuf_puts(out, e ? e : "");
        return 0;
    }
    char tc;
    const char *name;
    int rc = _fd(ev, fd, &tc, &name);
    if (rc > 0)
        strbuf_printf(out, "<%c>%s", tc, name);
    return rc < 0 ? -1 : 0;
}

/* get_base_dir: the directory a relative path parameter is relative to, ending in '/'. */
static int _base_dir(struct event *ev, int64_t dirfd, struct strbuf *out)
{
    const char *cwd = dirfd == AT_FDCWD_ ? _cwd(ev) : NULL;
    if (dirfd == AT_FDCWD_) {
        if (!cwd)
            return -1;
        strbuf_puts(out, cwd);
        return 0;
    }
    char tc;
    const char *name;
    int rc = dirfd >= 0 ? _fd(ev, dirfd, &tc, &name) : 0;
    if (rc < 0)
        return -1;
    if (rc > 0 && name[0]) /* get_path_for_dir_fd; "" when it cannot tell either */
        strbuf_printf(out, "%s%s", name, name[strlen(name) - 1] == '/' ? "" : "/");
    return 0;
}

/* A user's or group's name, for the host's processes (libsinsp looks a container's up in the
 * container's own database). */
static int _id_name(struct event *ev, enum evtarg_type type, uint32_t id, struct strbuf *out)
{
    struct field_value cid;
    if (id == UINT32_MAX) {
        strbuf_puts(out, "<NONE>");
        return 0;
    }
    if (!ev->users || event_field(ev, FIELD_CONTAINER_ID, NULL, &cid) < 0 || cid.kind != FV_STR ||
        cid.str.len != 4 || memcmp(cid.str.ptr, "host", 4))
        return -1;
    const char *name = type == EA_UID ? users_name(ev->users, id) : users_group_name(ev->users, id);
    strbuf_puts(out, name && name[0] ? name : "<NA>");
    return 0;
}

/* One parameter: its text into val, what it names (the part in parentheses) into res. Returns
 * 0, 1 when val is the prefix of a longer string (the rest is unknown), -1 when rulec cannot
 * render it. */
static int _param(struct event *ev, const struct evtarg *args, size_t i, struct strbuf *val,
                  struct strbuf *res)
{
    const struct evtarg *a = &args[i];
    uint64_t reg = a->reg == EA_RET ? (uint64_t)ev->hdr->ret : ev->hdr->args[a->reg];
    struct field_value s;
    switch (a->type) {
    case EA_ERRNO: {
        const char *e = (int64_t)reg < 0 ? sysarg_errno_name((int64_t)reg) : NULL;
        strbuf_printf(val, "%" PRId64, (int64_t)reg);
        strbuf_puts(res, e ? e : "");
        return 0;
    }
    case EA_FD: {
        int64_t fd = a->reg == EA_RET ? (int64_t)reg : (int64_t)(int32_t)reg;
        strbuf_printf(val, "%" PRId64, fd);
        return _fd_text(ev, fd, res);
    }
    case EA_PATH:
    case EA_RELPATH:
    case EA_CHARBUF:
        if (_string(ev, a->name, &s) < 0)
            return -1;
        strbuf_append(val, s.str.ptr, strnlen(s.str.ptr, s.str.len));
        if (s.truncated)
            return 1;
        if (a->type != EA_CHARBUF && s.str.len && s.str.ptr[0] != '/') {
            struct strbuf base = {0};
            int64_t dirfd = a->type == EA_RELPATH
                                ? (int64_t)(int32_t)ev->hdr->args[args[a->aux].reg]
                                : AT_FDCWD_;
            int rc = _base_dir(ev, dirfd, &base);
            if (rc == 0)
                evtargs_join_path(res, base.data ? base.data : "", base.len, s.str.ptr, s.str.len);
            strbuf_free(&base);
            return rc;
        }
        return 0;
    case EA_DEC:
        strbuf_printf(val, "%d", (int32_t)reg);
        return 0;
    case EA_HEX:
        strbuf_printf(val, "%X", (uint32_t)reg);
        return 0;
    case EA_MODE: { /* chmod_mode_to_scap keeps the permission bits, with their values */
        char buf[256];
        uint32_t mode = (uint32_t)reg & 07777;
        strbuf_printf(val, "%#o", mode);
        /* PT_MODE names them as evt.arg.mode does; none for 0 */
        strbuf_puts(res, mode ? sysarg_render_kind(SA_MODE, mode, buf, sizeof(buf)) : "");
        return 0;
    }
    case EA_FLAGS: {
        uint32_t v = evtargs_flags_value((enum evtarg_table)a->aux, reg);
        strbuf_printf(val, "%u", v);
        evtargs_flags_names(res, (enum evtarg_table)a->aux, v);
        return 0;
    }
    case EA_UID:
    case EA_GID:
        strbuf_printf(val, "%d", (int32_t)reg);
        return _id_name(ev, a->type, (uint32_t)reg, res);
    case EA_PID: {
        int64_t pid = (int32_t)reg;
        strbuf_printf(val, "%" PRId64, pid);
        if (pid <= 0)
            return 0; /* no such thread in libsinsp's table */
        char *comm = procfs_comm(event_arena(ev), (uint32_t)pid);
        if (!comm)
            return -1; /* gone, maybe killed by this very call: libsinsp may still know it */
        strbuf_puts(res, comm);
        return 0;
    }
    case EA_SIG: {
        const char *name = evtargs_signal_name((uint8_t)reg);
        strbuf_printf(val, "%u", (unsigned)(uint8_t)reg);
        strbuf_puts(res, name ? name : "");
        return 0;
    }
    }
    return -1;
}

/* TYPE_ARGS: "name=value" or "name=value(resolved)" for each parameter, space separated. */
static int _args(struct event *ev, struct field_value *out)
{
    const struct evttype *t = event_type(ev);
    if (!t || t->kind != EVTK_SYSCALL)
        return 0;
    if (evttype_class(t).generic)
        return event_cstr(out, ""); /* libsinsp prints no parameters for generic events */
    size_t n;
    const struct evtarg *args = evtargs_of(t->name, &n);
    struct strbuf sb = {0}, val = {0}, res = {0};
    int rc = args ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        val.len = res.len = 0;
        rc = _param(ev, args, i, &val, &res);
        if (rc < 0)
            break;
        strbuf_printf(&sb, "%s%s=%.*s", i ? " " : "", args[i].name, (int)val.len,
                      val.data ? val.data : "");
        if (rc == 0 && res.len)
            strbuf_printf(&sb, "(%.*s)", (int)res.len, res.data);
    }
    if (rc >= 0)
        event_cstr(out, arena_strdup(event_arena(ev), sb.data ? sb.data : ""));
    out->truncated = rc > 0;
    strbuf_free(&sb);
    strbuf_free(&val);
    strbuf_free(&res);
    return 0;
}

/* extract_abspath: the path parameter joined to its dirfd's directory (".", for an absolute
 * path; the cwd for AT_FDCWD; the fd's name and a '/', "<UNKNOWN>/" when libsinsp has no fd). */
static int _abspath(struct event *ev, bool dst, struct field_value *out)
{
    const struct evttype *t = event_type(ev);
    const char *dirfd_name, *path_name;
    struct field_value path;
    if (!t || !evtargs_abspath(t->name, dst, &dirfd_name, &path_name) ||
        _string(ev, path_name, &path) < 0 || path.truncated)
        return 0;
    const struct sysarg *a = sysarg_find(t->name, dirfd_name);
    if (!a)
        return 0;
    int64_t dirfd = (int32_t)ev->hdr->args[a->index];
    struct strbuf dir = {0}, abs = {0};
    int rc = 0;
    if (path.str.len && path.str.ptr[0] == '/') {
        strbuf_puts(&dir, ".");
    } else if (dirfd == AT_FDCWD_) {
        const char *cwd = _cwd(ev);
        rc = cwd ? 0 : -1;
        strbuf_puts(&dir, cwd ? cwd : "");
    } else {
        char tc;
        const char *name;
        int known = dirfd >= 0 ? _fd(ev, dirfd, &tc, &name) : 0;
        rc = known < 0 ? -1 : 0;
        /* libsinsp tests the NUL after the name for '/', so it always adds one */
        strbuf_printf(&dir, "%s/", known > 0 ? name : "<UNKNOWN>");
    }
    if (rc == 0) {
        evtargs_join_path(&abs, dir.data, dir.len, path.str.ptr, path.str.len);
        event_cstr(out, arena_strdup(event_arena(ev), abs.data ? abs.data : ""));
    }
    strbuf_free(&dir);
    strbuf_free(&abs);
    return 0;
}

int event_args_value(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    switch (f->def->id) {
    case FIELD_EVT_ARGS:
    case FIELD_EVT_INFO: /* "the same value as evt.args" */
        return _args(ev, out);
    case FIELD_EVT_ABSPATH:
    case FIELD_EVT_ABSPATH_SRC:
        return _abspath(ev, false, out);
    case FIELD_EVT_ABSPATH_DST:
        return _abspath(ev, true, out);
    default:
        return 1;
    }
}
