/* The FR_PROCFS readers: process fields the kernel did not capture, as libsinsp's
 * sinsp_filter_check_thread computes them from its thread table, read from /proc of the live
 * process (runtime/procfs.c). A process gone by the time its record is read has no value
 * (Falco's <NA>), except its names, command line, executable path and parent, which the
 * kernel's process cache keeps (runtime/proc_cache.h): their state at its exec or fork, as
 * in Falco's table. A process that changed since (exec, setsid, close) gives its new state. */
#include "runtime/event_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/container_id.h"
#include "core/strbuf.h"
#include "runtime/cid_cache.h"
#include "runtime/proc_cache.h"
#include "runtime/procfs.h"

/* Deeper than any real process tree: a bound for ancestor walks over a changing /proc. */
#define MAX_ANCESTORS 64

/* A process's argv, name (comm) and executable's path: /proc's while the process lives, as the
 * kernel reads the live task for the event's own process (a prctl(PR_SET_NAME) shows); the
 * cache's once it has exited or is a zombie (no memory left to read). */
static bool _argv(struct event *ev, uint32_t pid, struct procfs_argv *av)
{
    struct proc_cached c;
    if (procfs_argv(event_arena(ev), pid, av))
        return true;
    if (!proc_cache_get(ev->procs, event_arena(ev), pid, &c) || !c.av.exe)
        return false;
    *av = c.av;
    return true;
}

static char *_comm(struct event *ev, uint32_t pid)
{
    struct proc_cached c;
    char *comm = procfs_comm(event_arena(ev), pid);
    if (comm || !proc_cache_get(ev->procs, event_arena(ev), pid, &c))
        return comm;
    return (char *)c.comm;
}

static char *_exepath(struct event *ev, uint32_t pid)
{
    struct proc_cached c;
    char *exe = procfs_readlink(event_arena(ev), pid, "exe");
    if (exe || !proc_cache_get(ev->procs, event_arena(ev), pid, &c))
        return exe;
    return (char *)c.exepath;
}

/* The parent: /proc's while the process lives (it follows a reparenting), else the cache's. */
static uint32_t _ppid(struct event *ev, uint32_t pid)
{
    struct proc_cached c;
    uint32_t ppid = procfs_ppid(pid);
    if (ppid || pid == 1)
        return ppid;
    return proc_cache_get(ev->procs, event_arena(ev), pid, &c) ? c.ppid : 0;
}

/* The parent of pid: for the event's own process the kernel's, as at the event. */
static uint32_t _parent(struct event *ev, uint32_t pid)
{
    if (pid == ev->hdr->pid && (ev->hdr->flags & RULEC_HDR_IDS) && ev->hdr->ppid)
        return ev->hdr->ppid;
    return _ppid(ev, pid);
}

/* populate_cmdline: the name, then " " and each argument ("true " for one empty argument). */
static char *_cmdline(struct event *ev, uint32_t pid)
{
    struct procfs_argv av;
    char *comm = _comm(ev, pid);
    if (!comm || !_argv(ev, pid, &av))
        return NULL;
    struct strbuf sb = {0};
    strbuf_puts(&sb, comm);
    for (size_t i = 0; i < av.nargs; i++)
        strbuf_printf(&sb, " %s", av.args[i]);
    char *s = arena_strdup(event_arena(ev), sb.data ? sb.data : "");
    strbuf_free(&sb);
    return s;
}

/* populate_args: the arguments joined by spaces; prefix is put first (proc.exeline's exe). */
static char *_args(struct event *ev, uint32_t pid, bool with_exe)
{
    struct procfs_argv av;
    if (!_argv(ev, pid, &av))
        return NULL;
    struct strbuf sb = {0};
    if (with_exe)
        strbuf_printf(&sb, "%s ", av.exe); /* "exe " even without arguments */
    for (size_t i = 0; i < av.nargs; i++)
        strbuf_printf(&sb, "%s%s", i ? " " : "", av.args[i]);
    char *s = arena_strdup(event_arena(ev), sb.data ? sb.data : "");
    strbuf_free(&sb);
    return s;
}

/* container.id when the kernel did not decide it: Falco's algorithm on /proc/PID/cgroup
 * (core/container_id.c), which also completes the kernel's cache for the next events. Once
 * per event: the residual and the output may both ask. */
static const char *_container_id(struct event *ev, uint32_t pid)
{
    if (!ev->cid_done) {
        char id[CID_ID_MAX];
        ev->cid_done = true;
        ev->cid = ev->cids && cid_cache_resolve(ev->cids, pid, id, sizeof(id)) == 0
                      ? arena_strdup(event_arena(ev), id)
                      : NULL;
    }
    return ev->cid;
}

/* ---- ancestors --------------------------------------------------------------------------- */

/* What each ancestor field reads of one process. */
enum _per_process {
    _P_NAME,    /* proc.aname: comm */
    _P_EXE,     /* proc.aexe: argv[0] */
    _P_EXEPATH, /* proc.aexepath: the executable's path */
    _P_CMDLINE, /* proc.acmdline: populate_cmdline */
    _P_ARGS,    /* proc.aargs: populate_args */
    _P_ENV,     /* proc.aenv: concatenate_all_env */
    _P_PID,     /* proc.apid */
};

static char *_of_process(struct event *ev, uint32_t pid, enum _per_process what)
{
    struct procfs_argv av;
    switch (what) {
    case _P_NAME:
        return _comm(ev, pid);
    case _P_EXE:
        return _argv(ev, pid, &av) ? (char *)av.exe : NULL;
    case _P_EXEPATH:
        return _exepath(ev, pid);
    case _P_CMDLINE:
        return _cmdline(ev, pid);
    case _P_ARGS:
        return _args(ev, pid, false);
    case _P_ENV:
        return procfs_env(event_arena(ev), pid, NULL);
    case _P_PID:
        return arena_printf(event_arena(ev), "%u", pid);
    }
    return NULL;
}

/* get_ancestor_process: the process's n-th ancestor (0: itself); 0 when the tree is not that
 * deep (init's parent is none) or a process on the way is gone. */
static uint32_t _ancestor(struct event *ev, uint32_t pid, long n)
{
    if (n < 0 || n > MAX_ANCESTORS)
        return 0;
    uint32_t p = pid;
    for (long i = 0; i < n && p; i++)
        p = _parent(ev, p);
    return p;
}

/* traverse_parent_state: each ancestor's value, parent first, up to init; NULL for none. */
static struct fv_str *_ancestors(struct event *ev, uint32_t pid, enum _per_process what, size_t *n)
{
    struct fv_str *list = arena_alloc(event_arena(ev), MAX_ANCESTORS * sizeof(*list));
    *n = 0;
    for (uint32_t p = _parent(ev, pid); p > 0 && *n < MAX_ANCESTORS; p = _parent(ev, p)) {
        char *v = _of_process(ev, p, what);
        if (!v)
            break;
        list[(*n)++] = (struct fv_str){v, strlen(v)};
        if (p == 1)
            break;
    }
    return *n ? list : NULL;
}

/* A comparison holds when it holds for one of the ancestors (compare_full_aname and its kin);
 * the output prints them joined by spaces (core/format_value.c). */
static int _any_ancestor(struct event *ev, uint32_t pid, enum _per_process what,
                         struct field_value *out)
{
    size_t n;
    struct fv_str *list = _ancestors(ev, pid, what, &n);
    if (!list)
        return 0;
    out->kind = FV_LIST;
    out->list = list;
    out->nlist = n;
    return 0;
}

/* proc.aargs without an index: the parents' arguments joined into one string, which libsinsp
 * both prints and compares (it has no compare_full_aargs); <NA> when that is empty. */
static int _joined_ancestors(struct event *ev, uint32_t pid, enum _per_process what,
                             struct field_value *out)
{
    size_t n;
    struct fv_str *list = _ancestors(ev, pid, what, &n);
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++) {
        if (sb.len)
            strbuf_puts(&sb, " "); /* not before the first non-empty one */
        strbuf_append(&sb, list[i].ptr, list[i].len);
    }
    int rc = event_cstr(out, sb.len ? arena_strdup(event_arena(ev), sb.data) : NULL);
    strbuf_free(&sb);
    return rc;
}

static bool _is_index(const char *arg)
{
    return arg && arg[0] && strspn(arg, "0123456789") == strlen(arg);
}

/* proc.aname, proc.aexe, proc.aexepath, proc.acmdline, proc.aargs, proc.apid: ancestor N with
 * [N] (0 the process itself), all of them without. */
static int _ancestor_field(struct event *ev, const struct ast_field *f, enum _per_process what,
                           struct field_value *out)
{
    uint32_t pid = ev->hdr->pid;
    const char *arg = ast_field_arg(f);
    if (!arg) {
        if (what == _P_ARGS)
            return _joined_ancestors(ev, pid, what, out);
        if (what == _P_PID && ev->output) /* extracted with get_ancestor_process(0) */
            return event_num(out, f->def, pid);
        return _any_ancestor(ev, pid, what, out);
    }
    uint32_t p = _ancestor(ev, pid, atol(arg));
    if (!p)
        return 0;
    if (what == _P_PID)
        return event_num(out, f->def, p);
    return event_cstr(out, _of_process(ev, p, what));
}

/* get_env(NAME): the value with its surrounding spaces stripped, "" when unset; NULL when the
 * environment cannot be read. */
static char *_env_value(struct event *ev, uint32_t pid, const char *name)
{
    char *v = procfs_env(event_arena(ev), pid, name);
    if (!v)
        return NULL;
    v += strspn(v, " ");
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ')
        v[--n] = '\0';
    return v;
}

/* proc.aenv: [NAME] is the first parent (up to 20 levels) that sets it, "" when none does.
 * Without a name libsinsp extracts the process's own environment (or ancestor N's with [N])
 * but compares every parent's (compare_full_aenv), so the output and the condition differ. */
static int _aenv(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    uint32_t pid = ev->hdr->pid;
    const char *arg = ast_field_arg(f);
    if (arg && !_is_index(arg)) {
        if (!_env_value(ev, pid, arg))
            return 0; /* the process itself is gone */
        uint32_t p = pid;
        for (int i = 0; i < 20 && (p = _parent(ev, p)) > 0;) {
            char *v = _env_value(ev, p, arg);
            if (v && v[0])
                return event_cstr(out, v);
            if (p == 1)
                break;
            i++;
        }
        return event_cstr(out, "");
    }
    if (!ev->output)
        return _any_ancestor(ev, pid, _P_ENV, out);
    uint32_t p = _ancestor(ev, pid, arg ? atol(arg) : 0);
    return p ? event_cstr(out, procfs_env(event_arena(ev), p, NULL)) : 0;
}

/* proc.loginshellid: the outermost of the process and its ancestors whose name ends in "sh". */
static int _loginshell(struct event *ev, const struct field_def *def, struct field_value *out)
{
    uint32_t shell = 0, p = ev->hdr->pid;
    for (int i = 0; p > 0 && i < MAX_ANCESTORS; i++) {
        char *comm = _comm(ev, p);
        if (!comm)
            break;
        size_t n = strlen(comm);
        if (n >= 2 && comm[n - 2] == 's' && comm[n - 1] == 'h')
            shell = p;
        if (p == 1)
            break;
        p = _parent(ev, p);
    }
    return shell ? event_num(out, def, shell) : 0;
}

/* ---- session and process group leaders ---------------------------------------------------- */

enum _group { _G_PGID, _G_VPGID, _G_SID };

static long _group_id(uint32_t pid, enum _group which)
{
    struct procfs_status st;
    char f[3][24];
    if (which == _G_PGID) /* the host's view: stat's field 5 */
        return procfs_stat(pid, f, 3) == 3 ? strtol(f[2], NULL, 10) : -1;
    if (procfs_status(pid, &st) < 0)
        return -1;
    return which == _G_VPGID ? st.vpgid : st.vsid;
}

/* get_oldest_matching_ancestor: the leader is the process of that id when the id is the host's
 * (or the process is in the host's pid namespace) and it lives; otherwise the last of the
 * parents, going up, that still has the same id. Returns 0 when there is none (libsinsp's ""),
 * -1 when the process itself is gone (<NA>). */
static long _leader(uint32_t pid, enum _group which)
{
    struct procfs_status st;
    long id = _group_id(pid, which);
    if (id < 0 || procfs_status(pid, &st) < 0)
        return -1;
    if (id == 0)
        return 0; /* no group (a kernel thread's) */
    if ((which == _G_PGID || !st.in_pidns) && _group_id((uint32_t)id, _G_PGID) >= 0)
        return id;
    long leader = 0;
    for (uint32_t p = procfs_ppid(pid), i = 0; p > 0 && i < MAX_ANCESTORS; p = procfs_ppid(p)) {
        if (_group_id(p, which) != id)
            break;
        leader = p;
        if (p == 1)
            break;
        i++;
    }
    return leader;
}

static int _leader_field(struct event *ev, enum _group which, enum _per_process what,
                         struct field_value *out)
{
    long leader = _leader(ev->hdr->pid, which);
    if (leader < 0)
        return 0;
    char *v = leader ? _of_process(ev, (uint32_t)leader, what) : NULL;
    return event_cstr(out, v ? v : "");
}

/* ---- fds and cgroups ------------------------------------------------------------------------ */

/* proc.stdin.type and its kin: fd 0, 1 or 2 in the process's fd table. */
static int _stdio(struct event *ev, int fd, bool name, struct field_value *out)
{
    const char *path;
    const char *type = procfs_fd_type(event_arena(ev), ev->hdr->pid, fd, &path);
    return event_cstr(out, name ? path : type);
}

/* libsinsp's names of the cgroup subsystems libs' modern probe reports (set_cgroups renames
 * io, the kernel's name, to blkio). */
static const char *_cgroup_name(int s)
{
    return !strcmp(cid_subsys_names[s], "io") ? "blkio" : cid_subsys_names[s];
}

/* thread.cgroups ("cpuset=/x cpu=/x ..."), or thread.cgroup.SUBSYS with subsys. */
static int _cgroups(struct event *ev, const char *subsys, struct field_value *out)
{
    struct cid_cgroups *cg = arena_alloc(event_arena(ev), sizeof(*cg));
    if (cid_cache_cgroups(ev->cids, ev->hdr->pid, ev->hdr->tid, cg) < 0)
        return 0;
    for (int s = 0; subsys && s < CID_NSUBSYS; s++)
        if (cg->has[s] && !strcmp(subsys, _cgroup_name(s)))
            return event_cstr(out, arena_strdup(event_arena(ev), cg->path[s]));
    if (subsys)
        return 0; /* get_cgroup: not one of the thread's */
    struct strbuf sb = {0};
    for (int s = 0; s < CID_NSUBSYS; s++)
        if (cg->has[s])
            strbuf_printf(&sb, "%s%s=%s", sb.len ? " " : "", _cgroup_name(s), cg->path[s]);
    int rc = event_cstr(out, sb.len ? arena_strdup(event_arena(ev), sb.data) : NULL);
    strbuf_free(&sb);
    return rc;
}

/* ---- the dispatch ------------------------------------------------------------------------- */

/* The process's own fields and its parent's. Returns 1 when field is not one of these. */
static int _process(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    uint32_t pid = ev->hdr->pid;
    struct procfs_argv av;
    struct procfs_status st;
    switch (f->def->id) {
    case FIELD_PROC_EXELINE:
        return event_cstr(out, _args(ev, pid, true));
    case FIELD_PROC_CMDNARGS:
    case FIELD_PROC_CMDLENARGS: {
        if (!_argv(ev, pid, &av))
            return 0;
        size_t len = 0;
        for (size_t i = 0; i < av.nargs; i++)
            len += strlen(av.args[i]);
        return event_num(out, f->def,
                         (int64_t)(f->def->id == FIELD_PROC_CMDNARGS ? av.nargs : len));
    }
    case FIELD_PROC_CWD: {
        char *cwd = procfs_readlink(event_arena(ev), pid, "cwd");
        return event_cstr(
            out, cwd ? arena_printf(event_arena(ev), "%s/", strcmp(cwd, "/") ? cwd : "") : NULL);
    }
    case FIELD_CONTAINER_ID:
        return event_cstr(out, _container_id(ev, pid));
    case FIELD_PROC_ENV:
        return event_cstr(out, ast_field_arg(f) ? _env_value(ev, pid, ast_field_arg(f))
                                                : procfs_env(event_arena(ev), pid, NULL));
    case FIELD_PROC_NTHREADS:
    case FIELD_PROC_NCHILDS: {
        char stat[1][24];
        if (procfs_status(pid, &st) < 0 || st.threads < 0 || procfs_stat(pid, stat, 1) < 1)
            return 0;
        /* get_num_not_leader_threads: the leader counts only while it is not dead */
        bool leader_alive = stat[0][0] != 'Z' && stat[0][0] != 'X';
        long n = f->def->id == FIELD_PROC_NTHREADS ? st.threads : st.threads - leader_alive;
        return event_num(out, f->def, n < 0 ? 0 : n);
    }
    case FIELD_PROC_FDOPENCOUNT: {
        long n = procfs_fd_count(pid);
        return n < 0 ? 0 : event_num(out, f->def, n);
    }
    default:
        return 1;
    }
}

/* Facts /proc has about the process beyond its names: start time, groups, the executable's
 * inode, capabilities, fds, cgroups. Returns 1 when field is not one of these. */
static int _facts(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    uint32_t pid = ev->hdr->pid;
    switch (f->def->id) {
    case FIELD_PROC_DURATION: {
        uint64_t start = procfs_start_ns(pid);
        return start && ev->hdr->ts_boot_ns > start
                   ? event_num(out, f->def, (int64_t)(ev->hdr->ts_boot_ns - start))
                   : 0;
    }
    case FIELD_PROC_IS_VPGID_LEADER: {
        int leader = procfs_is_vpgid_leader(pid);
        return leader < 0 ? 0 : event_num(out, f->def, leader);
    }
    case FIELD_PROC_IS_EXE_FROM_MEMFD: {
        char *exe = procfs_readlink(event_arena(ev), pid, "exe");
        return exe ? event_num(out, f->def, !strncmp(exe, "/memfd:", 7)) : 0;
    }
    case FIELD_PROC_EXE_INO:
    case FIELD_PROC_EXE_INO_CTIME:
    case FIELD_PROC_EXE_INO_MTIME:
    case FIELD_PROC_EXE_INO_CTIME_DURATION_PROC_START: {
        uint64_t ino, ctime_ns, mtime_ns;
        if (procfs_exe_inode(pid, &ino, &ctime_ns, &mtime_ns) < 0 || !ino)
            return 0;
        if (f->def->id == FIELD_PROC_EXE_INO)
            return event_num(out, f->def, (int64_t)ino);
        if (f->def->id == FIELD_PROC_EXE_INO_MTIME)
            return event_num(out, f->def, (int64_t)mtime_ns);
        if (f->def->id == FIELD_PROC_EXE_INO_CTIME)
            return event_num(out, f->def, (int64_t)ctime_ns);
        uint64_t start = procfs_start_ns(pid) + ev->boot_to_epoch_ns;
        return ctime_ns > start ? event_num(out, f->def, (int64_t)(ctime_ns - start)) : 0;
    }
    case FIELD_THREAD_CAP_PERMITTED:
        return event_cstr(out, procfs_caps(event_arena(ev), pid, ev->hdr->tid, "CapPrm"));
    case FIELD_THREAD_CAP_INHERITABLE:
        return event_cstr(out, procfs_caps(event_arena(ev), pid, ev->hdr->tid, "CapInh"));
    case FIELD_THREAD_CAP_EFFECTIVE:
        return event_cstr(out, procfs_caps(event_arena(ev), pid, ev->hdr->tid, "CapEff"));
    case FIELD_PROC_STDIN_TYPE:
        return _stdio(ev, 0, false, out);
    case FIELD_PROC_STDOUT_TYPE:
        return _stdio(ev, 1, false, out);
    case FIELD_PROC_STDERR_TYPE:
        return _stdio(ev, 2, false, out);
    case FIELD_PROC_STDIN_NAME:
        return _stdio(ev, 0, true, out);
    case FIELD_PROC_STDOUT_NAME:
        return _stdio(ev, 1, true, out);
    case FIELD_PROC_STDERR_NAME:
        return _stdio(ev, 2, true, out);
    case FIELD_THREAD_CGROUPS:
        return _cgroups(ev, NULL, out);
    case FIELD_THREAD_CGROUP:
        return ast_field_arg(f) ? _cgroups(ev, ast_field_arg(f), out) : 0;
    default:
        return 1;
    }
}

/* The fields that are one value of the process or of its parent. */
static const struct {
    enum field_id id;
    bool parent;
    enum _per_process what;
} _of_one[] = {
    {FIELD_PROC_NAME, false, _P_NAME},       {FIELD_PROC_EXE, false, _P_EXE},
    {FIELD_PROC_ARGS, false, _P_ARGS},       {FIELD_PROC_CMDLINE, false, _P_CMDLINE},
    {FIELD_PROC_EXEPATH, false, _P_EXEPATH}, {FIELD_PROC_PNAME, true, _P_NAME},
    {FIELD_PROC_PEXE, true, _P_EXE},         {FIELD_PROC_PCMDLINE, true, _P_CMDLINE},
    {FIELD_PROC_PEXEPATH, true, _P_EXEPATH},
};

/* The ancestor fields. */
static const struct {
    enum field_id id;
    enum _per_process what;
} _of_ancestors[] = {
    {FIELD_PROC_ANAME, _P_NAME},       {FIELD_PROC_AEXE, _P_EXE},
    {FIELD_PROC_AEXEPATH, _P_EXEPATH}, {FIELD_PROC_ACMDLINE, _P_CMDLINE},
    {FIELD_PROC_AARGS, _P_ARGS},       {FIELD_PROC_APID, _P_PID},
};

/* The session and process group leaders' fields (proc.sname is the session leader's name). */
static const struct {
    enum field_id id;
    enum _group group;
    enum _per_process what;
} _of_leaders[] = {
    {FIELD_PROC_SNAME, _G_SID, _P_NAME},
    {FIELD_PROC_SID_EXE, _G_SID, _P_EXE},
    {FIELD_PROC_SID_EXEPATH, _G_SID, _P_EXEPATH},
    {FIELD_PROC_VPGID_NAME, _G_VPGID, _P_NAME},
    {FIELD_PROC_VPGID_EXE, _G_VPGID, _P_EXE},
    {FIELD_PROC_VPGID_EXEPATH, _G_VPGID, _P_EXEPATH},
    {FIELD_PROC_PGID_NAME, _G_PGID, _P_NAME},
    {FIELD_PROC_PGID_EXE, _G_PGID, _P_EXE},
    {FIELD_PROC_PGID_EXEPATH, _G_PGID, _P_EXEPATH},
};

#define _N(a) (sizeof(a) / sizeof((a)[0]))

int event_proc_value(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    enum field_id id = f->def->id;
    for (size_t i = 0; i < _N(_of_one); i++)
        if (_of_one[i].id == id)
            return event_cstr(
                out, _of_process(ev, _of_one[i].parent ? _parent(ev, ev->hdr->pid) : ev->hdr->pid,
                                 _of_one[i].what));
    for (size_t i = 0; i < _N(_of_ancestors); i++)
        if (_of_ancestors[i].id == id)
            return _ancestor_field(ev, f, _of_ancestors[i].what, out);
    for (size_t i = 0; i < _N(_of_leaders); i++)
        if (_of_leaders[i].id == id)
            return _leader_field(ev, _of_leaders[i].group, _of_leaders[i].what, out);
    int rc = _process(ev, f, out);
    if (rc != 1)
        return rc;
    rc = _facts(ev, f, out);
    if (rc != 1)
        return rc;
    switch (id) {
    case FIELD_PROC_AENV:
        return _aenv(ev, f, out);
    case FIELD_PROC_LOGINSHELLID:
        return _loginshell(ev, f->def, out);
    default:
        return 1;
    }
}
