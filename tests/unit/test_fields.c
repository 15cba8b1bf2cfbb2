/* The field catalogue (core/fields.*) and the event-type table (core/evttypes.*). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tests/unit/test_util.h"

#include "core/evttypes.h"
#include "core/fields.h"

/* A field reference as a rule writes it: name, and the bracket argument. */
struct field_use {
    const char *name;
    const char *arg;
};

/* Every field the upstream falco_rules.yaml, falco-incubating_rules.yaml and
 * falco-sandbox_rules.yaml name in conditions, outputs and exceptions. */
static const struct field_use _upstream_syscall[] = {
    {"container.id", NULL},
    {"container.image.repository", NULL},
    {"container.mount.dest", "/"},
    {"container.mount.dest", "/proc*"},
    {"container.mount.dest", "/var/run/docker.sock"},
    {"container.mounts", NULL},
    {"container.privileged", NULL},
    {"container.start_ts", NULL},
    {"evt.arg.cmd", NULL},
    {"evt.arg.domain", NULL},
    {"evt.arg.fd", NULL},
    {"evt.arg.filename", NULL},
    {"evt.arg.flags", NULL},
    {"evt.arg.linkpath", NULL},
    {"evt.arg.mode", NULL},
    {"evt.arg.name", NULL},
    {"evt.arg.newpath", NULL},
    {"evt.arg.oldpath", NULL},
    {"evt.arg.path", NULL},
    {"evt.arg.request", NULL},
    {"evt.arg.res_or_fd", NULL},
    {"evt.arg.target", NULL},
    {"evt.arg.uid", NULL},
    {"evt.args", NULL},
    {"evt.buffer", NULL},
    {"evt.hostname", NULL},
    {"evt.is_open_exec", NULL},
    {"evt.is_open_read", NULL},
    {"evt.is_open_write", NULL},
    {"evt.num", NULL},
    {"evt.rawres", NULL},
    {"evt.res", NULL},
    {"evt.type", NULL},
    {"fd.cip", NULL},
    {"fd.cip.name", NULL},
    {"fd.cnet", NULL},
    {"fd.connected", NULL},
    {"fd.directory", NULL},
    {"fd.filename", NULL},
    {"fd.ip", NULL},
    {"fd.l4proto", NULL},
    {"fd.lip.name", NULL},
    {"fd.lport", NULL},
    {"fd.name", NULL},
    {"fd.name_changed", NULL},
    {"fd.nameraw", NULL},
    {"fd.net", NULL},
    {"fd.num", NULL},
    {"fd.port", NULL},
    {"fd.rip", NULL},
    {"fd.rip.name", NULL},
    {"fd.rnet", NULL},
    {"fd.rport", NULL},
    {"fd.sip", NULL},
    {"fd.sip.name", NULL},
    {"fd.snet", NULL},
    {"fd.sockfamily", NULL},
    {"fd.sport", NULL},
    {"fd.type", NULL},
    {"fd.typechar", NULL},
    {"fd.types", "0"},
    {"fd.types", NULL},
    {"group.gid", NULL},
    {"group.name", NULL},
    {"k8s.ns.name", NULL},
    {"k8s.pod.name", NULL},
    {"proc.aexe", "2"},
    {"proc.aexepath", "2"},
    {"proc.aname", NULL},
    {"proc.aname", "1"},
    {"proc.aname", "7"},
    {"proc.args", NULL},
    {"proc.cmdline", NULL},
    {"proc.cwd", NULL},
    {"proc.duration", NULL},
    {"proc.env", NULL},
    {"proc.exe", NULL},
    {"proc.exe_ino.ctime", NULL},
    {"proc.exe_ino.ctime_duration_proc_start", NULL},
    {"proc.exe_ino.mtime", NULL},
    {"proc.exepath", NULL},
    {"proc.is_exe_from_memfd", NULL},
    {"proc.is_exe_upper_layer", NULL},
    {"proc.is_vpgid_leader", NULL},
    {"proc.name", NULL},
    {"proc.pcmdline", NULL},
    {"proc.pexe", NULL},
    {"proc.pexepath", NULL},
    {"proc.pname", NULL},
    {"proc.ppid.duration", NULL},
    {"proc.sname", NULL},
    {"proc.tty", NULL},
    {"proc.vpgid.exe", NULL},
    {"proc.vpgid.name", NULL},
    {"proc.vpid", NULL},
    {"thread.cap_effective", NULL},
    {"thread.cap_permitted", NULL},
    {"user.loginname", NULL},
    {"user.loginuid", NULL},
    {"user.name", NULL},
    {"user.uid", NULL},
};

/* Every field the k8saudit plugin's k8s_audit_rules.yaml names. */
static const struct field_use _upstream_k8s_audit[] = {
    {"jevt.obj", NULL},
    {"jevt.rawtime", NULL},
    {"jevt.value", "/requestObject/spec/volumes"},
    {"ka.auth.decision", NULL},
    {"ka.auth.reason", NULL},
    {"ka.req.binding.role", NULL},
    {"ka.req.binding.subjects", NULL},
    {"ka.req.configmap.name", NULL},
    {"ka.req.configmap.obj", NULL},
    {"ka.req.pod.containers.image", NULL},
    {"ka.req.pod.containers.image.repository", NULL},
    {"ka.req.pod.containers.privileged", NULL},
    {"ka.req.pod.ephemeralContainers.image", NULL},
    {"ka.req.pod.ephemeralContainers.privileged", NULL},
    {"ka.req.pod.host_ipc", NULL},
    {"ka.req.pod.host_network", NULL},
    {"ka.req.pod.host_pid", NULL},
    {"ka.req.pod.initContainers.image", NULL},
    {"ka.req.pod.initContainers.privileged", NULL},
    {"ka.req.pod.volumes.hostpath", NULL},
    {"ka.req.role.rules", NULL},
    {"ka.req.role.rules.resources", NULL},
    {"ka.req.role.rules.verbs", NULL},
    {"ka.req.service.ports", NULL},
    {"ka.req.service.type", NULL},
    {"ka.resp.name", NULL},
    {"ka.response.code", NULL},
    {"ka.response.reason", NULL},
    {"ka.target.name", NULL},
    {"ka.target.namespace", NULL},
    {"ka.target.resource", NULL},
    {"ka.target.subresource", NULL},
    {"ka.uri", NULL},
    {"ka.uri.param", "command"},
    {"ka.user.name", NULL},
    {"ka.verb", NULL},
};

static bool _is_number(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* The argument rules the resolver applies, from the flags alone. */
static bool _use_ok(const struct field_use *use, enum field_source source)
{
    const char *named = NULL;
    const struct field_def *def = field_lookup(use->name, &named);
    if (!def) {
        print_error("unknown field %s\n", use->name);
        return false;
    }
    if (def->source != source && !(def->flags & FF_GENERIC)) {
        print_error("%s: source %s\n", use->name, field_source_name(def->source));
        return false;
    }
    if (named)
        return use->arg == NULL;
    if (use->arg) {
        bool index_ok = (def->flags & FF_ARG_INDEX) && _is_number(use->arg);
        bool key_ok = (def->flags & FF_ARG_KEY) != 0;
        if (!index_ok && !key_ok)
            print_error("%s: argument [%s] not accepted\n", use->name, use->arg);
        return index_ok || key_ok;
    }
    if (def->flags & FF_ARG_REQUIRED)
        print_error("%s: argument required\n", use->name);
    return !(def->flags & FF_ARG_REQUIRED);
}

static void test_upstream_fields_resolve(void **state)
{
    for (size_t i = 0; i < sizeof(_upstream_syscall) / sizeof(_upstream_syscall[0]); i++)
        assert_true(_use_ok(&_upstream_syscall[i], FSRC_SYSCALL));
    for (size_t i = 0; i < sizeof(_upstream_k8s_audit) / sizeof(_upstream_k8s_audit[0]); i++)
        assert_true(_use_ok(&_upstream_k8s_audit[i], FSRC_K8S_AUDIT));
}

static void test_named_args(void **state)
{
    const char *arg = "sentinel";
    const struct field_def *def = field_lookup("evt.arg.flags", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_EVT_ARG);
    assert_string_equal(arg, "flags");

    def = field_lookup("evt.rawarg.res", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_EVT_RAWARG);
    assert_string_equal(arg, "res");

    def = field_lookup("evt.type.is.open", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_EVT_TYPE_IS);
    assert_string_equal(arg, "open");
    assert_non_null(field_lookup("evt.type.is.3", &arg));

    def = field_lookup("k8s.pod.label.app.kubernetes.io/name", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_K8S_POD_LABEL);
    assert_string_equal(arg, "app.kubernetes.io/name");

    def = field_lookup("thread.cgroup.cpuacct", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_THREAD_CGROUP);
    assert_string_equal(arg, "cpuacct");

    /* Exact names win over a family, and report no named argument. */
    def = field_lookup("evt.args", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_EVT_ARGS);
    assert_null(arg);
    def = field_lookup("evt.arg", &arg);
    assert_non_null(def);
    assert_int_equal(def->id, FIELD_EVT_ARG);
    assert_null(arg);
    def = field_lookup("k8s.pod.labels", &arg);
    assert_int_equal(def->id, FIELD_K8S_POD_LABELS);
    assert_null(arg);

    /* named_arg may be NULL. */
    assert_ptr_equal(field_lookup("evt.arg.path", NULL), field_by_id(FIELD_EVT_ARG));

    /* Suffixes Falco rejects. */
    assert_null(field_lookup("evt.arg.nosuchargument", &arg));
    assert_null(arg);
    assert_null(field_lookup("evt.rawarg.nosuchargument", NULL));
    assert_null(field_lookup("evt.type.is.nosuchevent", NULL));
    assert_null(field_lookup("evt.arg.", NULL));
    assert_null(field_lookup("k8s.pod.label.", NULL));
}

static void test_unknown_fields(void **state)
{
    const char *arg = "sentinel";
    assert_null(field_lookup("proc.nam", &arg));
    assert_null(arg);
    assert_null(field_lookup("", NULL));
    assert_null(field_lookup("proc", NULL));
    assert_null(field_lookup("proc.", NULL));
    assert_null(field_lookup("foo.bar", NULL));
    assert_null(field_lookup("evt.argx", NULL));
    assert_null(field_lookup("evt.type.isopen", NULL));
    assert_null(field_lookup("PROC.NAME", NULL));
    assert_null(field_lookup("proc.name ", NULL));
    assert_null(field_lookup(NULL, &arg));
    assert_null(field_by_id(FIELD_ID_MAX));
}

static void _expect(const char *name, enum field_type type, unsigned flags,
                    enum field_origin origin, enum field_source source)
{
    const struct field_def *def = field_lookup(name, NULL);
    if (!def)
        fail_msg("unknown field %s", name);
    if (def->type != type || def->flags != flags || def->origin != origin || def->source != source)
        fail_msg("%s: type %s flags %#x origin %s source %s", name, field_type_name(def->type),
                 def->flags, field_origin_name(def->origin), field_source_name(def->source));
}

static void test_types_and_flags(void **state)
{
    const enum field_source S = FSRC_SYSCALL, K = FSRC_K8S_AUDIT;
    _expect("evt.type", FT_STRING, 0, ORIGIN_EVENT, S);
    _expect("evt.num", FT_UINT, FF_GENERIC, ORIGIN_EVENT, S);
    _expect("evt.time", FT_STRING, FF_GENERIC, ORIGIN_EVENT, S);
    _expect("evt.rawres", FT_INT, 0, ORIGIN_EVENT, S);
    _expect("evt.res", FT_STRING, 0, ORIGIN_EVENT, S);
    _expect("evt.arg", FT_STRING, FF_ARG_INDEX | FF_ARG_REQUIRED | FF_NAMED_ARG, ORIGIN_SYSCALL, S);
    _expect("evt.rawarg", FT_INT, FF_ARG_REQUIRED | FF_NAMED_ARG, ORIGIN_SYSCALL, S);
    _expect("evt.is_open_read", FT_BOOL, 0, ORIGIN_SYSCALL, S);
    _expect("evt.buffer", FT_BYTES, 0, ORIGIN_SYSCALL, S);
    _expect("evt.around", FT_UINT, FF_ARG_INDEX | FF_ARG_REQUIRED | FF_FILTER_ONLY, ORIGIN_EVENT,
            S);
    _expect("evt.outputtime", FT_STRING, FF_OUTPUT_ONLY, ORIGIN_USERSPACE, S);
    _expect("proc.name", FT_STRING, 0, ORIGIN_TASK, S);
    _expect("proc.pid", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("proc.ppid", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("proc.vpid", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("thread.tid", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("proc.pname", FT_STRING, 0, ORIGIN_TASK, S);
    _expect("proc.aname", FT_STRING, FF_ARG_INDEX, ORIGIN_TASK, S);
    _expect("proc.tty", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("proc.exe", FT_STRING, 0, ORIGIN_PROC, S);
    _expect("proc.exepath", FT_PATH, 0, ORIGIN_PROC, S);
    _expect("proc.aexepath", FT_PATH, FF_ARG_INDEX, ORIGIN_PROC, S);
    _expect("proc.cmdline", FT_STRING, 0, ORIGIN_PROC, S);
    _expect("proc.cwd", FT_PATH, 0, ORIGIN_PROC, S);
    _expect("proc.env", FT_STRING, FF_ARG_KEY, ORIGIN_PROC, S);
    _expect("proc.vpgid.name", FT_STRING, 0, ORIGIN_USERSPACE, S);
    _expect("thread.cap_effective", FT_STRING, 0, ORIGIN_TASK, S);
    _expect("user.uid", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("user.loginuid", FT_INT, 0, ORIGIN_TASK, S);
    _expect("user.name", FT_STRING, 0, ORIGIN_USERSPACE, S);
    _expect("group.gid", FT_UINT, 0, ORIGIN_TASK, S);
    _expect("group.name", FT_STRING, 0, ORIGIN_USERSPACE, S);
    _expect("container.id", FT_STRING, FF_SUGGESTED, ORIGIN_TASK, S);
    _expect("container.image.repository", FT_STRING, FF_SUGGESTED, ORIGIN_USERSPACE, S);
    _expect("container.privileged", FT_BOOL, 0, ORIGIN_USERSPACE, S);
    _expect("container.mount.dest", FT_STRING, FF_ARG_INDEX | FF_ARG_KEY | FF_ARG_REQUIRED,
            ORIGIN_USERSPACE, S);
    _expect("k8s.ns.name", FT_STRING, FF_SUGGESTED, ORIGIN_USERSPACE, S);
    _expect("fd.name", FT_PATH, 0, ORIGIN_FD, S);
    _expect("fd.directory", FT_PATH, 0, ORIGIN_FD, S);
    _expect("fd.num", FT_INT, 0, ORIGIN_FD, S);
    _expect("fd.sport", FT_PORT, 0, ORIGIN_FD, S);
    _expect("fd.sip", FT_IPADDR, 0, ORIGIN_FD, S);
    _expect("fd.net", FT_IPNET, FF_FILTER_ONLY, ORIGIN_FD, S);
    _expect("fd.types", FT_STRING, FF_LIST | FF_ARG_INDEX, ORIGIN_USERSPACE, S);
    _expect("fs.path.name", FT_PATH, 0, ORIGIN_USERSPACE, S);
    _expect("ka.user.name", FT_STRING, 0, ORIGIN_PLUGIN, K);
    _expect("ka.user.groups", FT_STRING, FF_LIST, ORIGIN_PLUGIN, K);
    _expect("ka.req.pod.containers.image", FT_STRING, FF_LIST | FF_ARG_INDEX, ORIGIN_PLUGIN, K);
    _expect("ka.uri.param", FT_STRING, FF_ARG_KEY | FF_ARG_REQUIRED, ORIGIN_PLUGIN, K);
    _expect("jevt.value", FT_STRING, FF_ARG_KEY | FF_ARG_REQUIRED, ORIGIN_PLUGIN, K);
}

static void test_deprecated(void **state)
{
    static const char *const deprecated[] = {
        "evt.dir",           "evt.latency",           "evt.latency.s",    "evt.latency.ns",
        "evt.latency.human", "evt.latency.quantized", "evt.wait_latency",
    };
    for (size_t i = 0; i < sizeof(deprecated) / sizeof(deprecated[0]); i++) {
        const struct field_def *def = field_lookup(deprecated[i], NULL);
        assert_non_null(def);
        assert_true(def->flags & FF_DEPRECATED);
    }
    size_t n = 0;
    for (int id = 0; id < FIELD_ID_MAX; id++)
        n += (field_by_id((enum field_id)id)->flags & FF_DEPRECATED) != 0;
    assert_int_equal(n, sizeof(deprecated) / sizeof(deprecated[0]));
}

/* Every entry: id is its index, the name looks itself up, names are unique,
 * every enum has a name, named families need an argument. */
static void test_catalogue_consistent(void **state)
{
    assert_true(FIELD_ID_MAX >= 300);
    for (int id = 0; id < FIELD_ID_MAX; id++) {
        const struct field_def *def = field_by_id((enum field_id)id);
        assert_non_null(def);
        assert_int_equal(def->id, id);
        const char *arg = "sentinel";
        assert_ptr_equal(field_lookup(def->name, &arg), def);
        assert_null(arg);
        assert_true(def->desc && *def->desc);
        assert_string_not_equal(field_type_name(def->type), "unknown");
        assert_string_not_equal(field_origin_name(def->origin), "unknown");
        assert_int_equal(field_source_from_name(field_source_name(def->source)), def->source);
        if (def->flags & FF_NAMED_ARG)
            assert_true(def->flags & FF_ARG_REQUIRED);
        if (def->source == FSRC_K8S_AUDIT)
            assert_int_equal(def->origin, ORIGIN_PLUGIN);
        else
            assert_int_not_equal(def->origin, ORIGIN_PLUGIN);
    }
    assert_int_equal(field_source_from_name("syscall"), FSRC_SYSCALL);
    assert_int_equal(field_source_from_name("k8s_audit"), FSRC_K8S_AUDIT);
    assert_int_equal(field_source_from_name("aws_cloudtrail"), FSRC_MAX);
    assert_int_equal(field_source_from_name(NULL), FSRC_MAX);
    assert_string_equal(field_type_name(FT_TYPE_MAX), "unknown");
    assert_string_equal(field_type_name(FT_PATH), "path");
}

static void test_arg_types(void **state)
{
    const struct field_def *arg = field_by_id(FIELD_EVT_ARG);
    const struct field_def *raw = field_by_id(FIELD_EVT_RAWARG);
    assert_int_equal(field_arg_type(arg, "path"), FT_PATH);
    assert_int_equal(field_arg_type(arg, "name"), FT_PATH);
    assert_int_equal(field_arg_type(arg, "newpath"), FT_PATH);
    assert_int_equal(field_arg_type(arg, "flags"), FT_STRING);
    assert_int_equal(field_arg_type(arg, "uid"), FT_STRING);
    assert_int_equal(field_arg_type(arg, "0"), FT_STRING);
    assert_int_equal(field_arg_type(raw, "res"), FT_INT);
    assert_int_equal(field_arg_type(raw, "fd"), FT_INT);
    assert_int_equal(field_arg_type(raw, "flags"), FT_UINT);
    assert_int_equal(field_arg_type(raw, "name"), FT_PATH);
    assert_int_equal(field_arg_type(raw, "comm"), FT_STRING);
    assert_int_equal(field_arg_type(field_by_id(FIELD_PROC_NAME), NULL), FT_STRING);

    /* The parameter table is sorted, so lookups can bisect it. */
    assert_true(evtparam_count() > 100);
    for (size_t i = 1; i < evtparam_count(); i++)
        assert_true(strcmp(evtparam_at(i - 1)->name, evtparam_at(i)->name) < 0);
    for (size_t i = 0; i < evtparam_count(); i++)
        assert_ptr_equal(evtparam_lookup(evtparam_at(i)->name), evtparam_at(i));
    assert_null(evtparam_at(evtparam_count()));
    assert_null(evtparam_lookup("nosuchargument"));
}

static void test_value_ranges(void **state)
{
    const struct field_def *uid = field_lookup("user.uid", NULL);
    assert_true(field_value_in_range(uid, NULL, 0));
    assert_true(field_value_in_range(uid, NULL, 4294967295LL));
    assert_false(field_value_in_range(uid, NULL, 4294967296LL));
    assert_false(field_value_in_range(uid, NULL, -1));
    struct field_range r = field_value_range(uid, NULL);
    assert_int_equal(r.min, 0);
    assert_int_equal(r.max, UINT32_MAX);

    assert_true(field_value_in_range(field_lookup("user.loginuid", NULL), NULL, -1));
    assert_false(field_value_in_range(field_lookup("user.loginuid", NULL), NULL, -2));
    assert_false(field_value_in_range(field_lookup("proc.pid", NULL), NULL, -1));
    assert_false(field_value_in_range(field_lookup("proc.pid", NULL), NULL, 1LL << 32));
    assert_true(field_value_in_range(field_lookup("proc.vpid", NULL), NULL, 1));
    assert_true(field_value_in_range(field_lookup("fd.num", NULL), NULL, -1));
    assert_true(field_value_in_range(field_lookup("fd.sport", NULL), NULL, 65535));
    assert_false(field_value_in_range(field_lookup("fd.sport", NULL), NULL, 65536));
    assert_false(field_value_in_range(field_lookup("fd.sport", NULL), NULL, -1));
    assert_true(field_value_in_range(field_lookup("evt.rawres", NULL), NULL, -13));
    assert_true(field_value_in_range(field_lookup("evt.num", NULL), NULL, 0));
    assert_false(field_value_in_range(field_lookup("evt.num", NULL), NULL, -1));
    assert_false(field_value_in_range(field_lookup("evt.type.is", NULL), "open", 2));
    /* Non-numeric fields have no range. */
    assert_true(field_value_in_range(field_lookup("proc.name", NULL), NULL, -5));
    /* evt.rawarg takes the argument's type: fd is signed, flags unsigned. */
    const struct field_def *raw = field_by_id(FIELD_EVT_RAWARG);
    assert_true(field_value_in_range(raw, "fd", -1));
    assert_false(field_value_in_range(raw, "flags", -1));
}

static void test_evttype_lookup(void **state)
{
    static const struct {
        const char *name;
        int nr;
    } syscalls[] = {
        {"read", 0},        {"write", 1},          {"open", 2},     {"openat", 257},
        {"openat2", 437},   {"creat", 85},         {"execve", 59},  {"execveat", 322},
        {"accept", 43},     {"accept4", 288},      {"dup", 32},     {"dup2", 33},
        {"dup3", 292},      {"connect", 42},       {"socket", 41},  {"clone", 56},
        {"clone3", 435},    {"ptrace", 101},       {"setuid", 105}, {"unlinkat", 263},
        {"renameat2", 316}, {"memfd_create", 319}, {"bpf", 321},    {"pread", 17},
        {"umount2", 166},
    };
    for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++) {
        const struct evttype *t = evttype_lookup(syscalls[i].name);
        if (!t)
            fail_msg("unknown event type %s", syscalls[i].name);
        assert_string_equal(t->name, syscalls[i].name);
        assert_int_equal(t->nr, syscalls[i].nr);
        assert_int_equal(t->kind, EVTK_SYSCALL);
        assert_int_equal(t->hook, EVTHOOK_SYS_EXIT);
        assert_null(t->reported_as);
        assert_ptr_equal(evttype_by_nr(t->nr), t);
    }

    const struct evttype *t = evttype_lookup("procexit");
    assert_non_null(t);
    assert_int_equal(t->nr, -1);
    assert_int_equal(t->kind, EVTK_TRACEPOINT);
    assert_int_equal(t->hook, EVTHOOK_SCHED_PROCESS_EXIT);

    static const char *const unhookable[] = {
        "switch",  "signaldeliver", "page_fault", "container", "pluginevent",       "asyncevent",
        "syscall", "socketcall",    "stat64",     "umount",    "task_file_regular",
    };
    for (size_t i = 0; i < sizeof(unhookable) / sizeof(unhookable[0]); i++) {
        t = evttype_lookup(unhookable[i]);
        if (!t)
            fail_msg("unknown event type %s", unhookable[i]);
        assert_int_equal(t->nr, -1);
        assert_int_equal(t->hook, EVTHOOK_NONE);
    }
    assert_int_equal(evttype_lookup("container")->kind, EVTK_META);
    assert_int_equal(evttype_lookup("pluginevent")->kind, EVTK_PLUGIN);

    /* Names Falco accepts but reports under another name. */
    t = evttype_lookup("pread64");
    assert_non_null(t);
    assert_int_equal(t->nr, 17);
    assert_string_equal(t->reported_as, "pread");
    assert_int_equal(t->hook, EVTHOOK_NONE);
    assert_string_equal(evttype_lookup("sched_process_exit")->reported_as, "procexit");
    assert_string_equal(evttype_by_nr(17)->name, "pread");

    assert_null(evttype_lookup("nosuchsyscall"));
    assert_null(evttype_lookup("Execve"));
    assert_null(evttype_lookup(""));
    assert_null(evttype_lookup(NULL));
    assert_null(evttype_lookup("NA"));
    assert_null(evttype_by_nr(-1));
    assert_null(evttype_by_nr(100000));
    assert_null(evttype_by_nr(183)); /* afs_syscall: Falco has no name for it */
    assert_string_equal(evttype_kind_name(EVTK_TRACEPOINT), "tracepoint");
    assert_string_equal(evttype_hook_name(EVTHOOK_SYS_EXIT), "sys_exit");
}

static void test_evttype_table(void **state)
{
    assert_int_equal(evttype_count(), EVTTYPE_COUNT);
    assert_true(evttype_count() > 400);
    assert_null(evttype_at(evttype_count()));
    assert_null(evttype_by_id(EVTTYPE_COUNT));
    assert_ptr_equal(evttype_by_id(EVTTYPE_EXECVE), evttype_lookup("execve"));
    int reported[1024] = {0};
    size_t hookable = 0;
    for (size_t i = 0; i < evttype_count(); i++) {
        const struct evttype *t = evttype_at(i);
        assert_int_equal(t->id, i);
        if (i)
            assert_true(strcmp(evttype_at(i - 1)->name, t->name) < 0);
        assert_ptr_equal(evttype_lookup(t->name), t);
        assert_true(t->nr < 1024);
        if (t->hook == EVTHOOK_SYS_EXIT) {
            assert_true(t->nr >= 0);
            assert_null(t->reported_as);
        }
        if (t->nr >= 0 && !t->reported_as)
            reported[t->nr]++;
        if (t->reported_as)
            assert_non_null(evttype_lookup(t->reported_as));
        hookable += t->hook != EVTHOOK_NONE;
    }
    /* One reported name per x86_64 syscall number. */
    for (int nr = 0; nr < 1024; nr++)
        assert_true(reported[nr] <= 1);
    assert_true(hookable > 300);
}

static void _set_of(struct evtset *set, const char *const *names, size_t n)
{
    evtset_clear(set);
    for (size_t i = 0; i < n; i++) {
        const struct evttype *t = evttype_lookup(names[i]);
        assert_non_null(t);
        evtset_add(set, t);
    }
}

static void test_evtset_ops(void **state)
{
    static const char *const opens[] = {"open", "openat", "openat2", "creat"};
    static const char *const exec_open[] = {"execve", "open", "execveat"};
    struct evtset a, b, c, all;

    evtset_clear(&a);
    assert_true(evtset_empty(&a));
    assert_int_equal(evtset_count(&a), 0);
    assert_null(evtset_next(&a, NULL));

    _set_of(&a, opens, 4);
    assert_int_equal(evtset_count(&a), 4);
    assert_true(evtset_has(&a, evttype_lookup("openat2")));
    assert_false(evtset_has(&a, evttype_lookup("execve")));
    evtset_add(&a, evttype_lookup("open")); /* idempotent */
    assert_int_equal(evtset_count(&a), 4);

    _set_of(&b, exec_open, 3);
    c = a;
    evtset_union(&c, &b);
    assert_int_equal(evtset_count(&c), 6);
    c = a;
    evtset_intersect(&c, &b);
    assert_int_equal(evtset_count(&c), 1);
    assert_true(evtset_has(&c, evttype_lookup("open")));
    evtset_remove(&c, evttype_lookup("open"));
    assert_true(evtset_empty(&c));

    evtset_fill(&all);
    assert_int_equal(evtset_count(&all), EVTTYPE_COUNT);
    assert_true(evtset_has(&all, evttype_at(0)));
    assert_true(evtset_has(&all, evttype_at(EVTTYPE_COUNT - 1)));

    /* not (evt.type in (open, openat, openat2, creat)) */
    c = a;
    evtset_complement(&c);
    assert_int_equal(evtset_count(&c), EVTTYPE_COUNT - 4);
    assert_false(evtset_has(&c, evttype_lookup("open")));
    assert_true(evtset_has(&c, evttype_lookup("execve")));
    evtset_complement(&c);
    assert_true(evtset_equal(&c, &a));
    c = all;
    evtset_complement(&c);
    assert_true(evtset_empty(&c));

    /* Iteration visits the members once each, in table order. */
    const struct evttype *t, *prev = NULL;
    size_t n = 0;
    evtset_foreach(&c, t)
    {
        n++;
    }
    assert_int_equal(n, 0);
    evtset_foreach(&a, t)
    {
        assert_true(evtset_has(&a, t));
        if (prev)
            assert_true(prev->id < t->id);
        prev = t;
        n++;
    }
    assert_int_equal(n, 4);
    n = 0;
    evtset_foreach(&all, t)
    {
        n++;
    }
    assert_int_equal(n, EVTTYPE_COUNT);

    /* The last entry, across a word boundary. */
    evtset_clear(&c);
    evtset_add(&c, evttype_at(EVTTYPE_COUNT - 1));
    evtset_add(&c, evttype_at(63));
    evtset_add(&c, evttype_at(64));
    assert_ptr_equal(evtset_next(&c, NULL), evttype_at(63));
    assert_ptr_equal(evtset_next(&c, evttype_at(63)), evttype_at(64));
    assert_ptr_equal(evtset_next(&c, evttype_at(64)), evttype_at(EVTTYPE_COUNT - 1));
    assert_null(evtset_next(&c, evttype_at(EVTTYPE_COUNT - 1)));
}

static char *_capture(bool json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    fields_print(out, json);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void test_fields_print_text(void **state)
{
    char *text = _capture(false);
    assert_non_null(strstr(text, "proc.name"));
    assert_non_null(strstr(text, "ka.user.name"));
    assert_non_null(strstr(text, "(source k8s_audit)"));
    assert_non_null(strstr(text, "[N] .NAME"));  /* evt.arg */
    assert_non_null(strstr(text, "[N|KEY]"));    /* container.mount.dest */
    assert_non_null(strstr(text, "deprecated")); /* evt.dir */
    /* Every field appears. */
    for (int id = 0; id < FIELD_ID_MAX; id++)
        assert_non_null(strstr(text, field_by_id((enum field_id)id)->name));
    free(text);
}

static void test_fields_print_json(void **state)
{
    char *text = _capture(true);
    struct json_object *root = json_tokener_parse(text);
    assert_non_null(root);
    struct json_object *list;
    assert_true(json_object_object_get_ex(root, "fields", &list));
    assert_int_equal(json_object_array_length(list), FIELD_ID_MAX);
    bool seen = false;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *f = json_object_array_get_idx(list, i), *v, *arg;
        assert_true(json_object_object_get_ex(f, "name", &v));
        assert_string_equal(json_object_get_string(v), field_by_id((enum field_id)i)->name);
        if (strcmp(json_object_get_string(v), "proc.aname") != 0)
            continue;
        seen = true;
        assert_true(json_object_object_get_ex(f, "type", &v));
        assert_string_equal(json_object_get_string(v), "string");
        assert_true(json_object_object_get_ex(f, "origin", &v));
        assert_string_equal(json_object_get_string(v), "task");
        assert_true(json_object_object_get_ex(f, "source", &v));
        assert_string_equal(json_object_get_string(v), "syscall");
        assert_true(json_object_object_get_ex(f, "class", &v));
        assert_string_equal(json_object_get_string(v), "proc");
        assert_true(json_object_object_get_ex(f, "arg", &arg));
        assert_true(json_object_object_get_ex(arg, "index", &v));
        assert_true(json_object_get_boolean(v));
        assert_true(json_object_object_get_ex(arg, "required", &v));
        assert_false(json_object_get_boolean(v));
    }
    assert_true(seen);
    json_object_put(root);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upstream_fields_resolve),
        cmocka_unit_test(test_named_args),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_types_and_flags),
        cmocka_unit_test(test_deprecated),
        cmocka_unit_test(test_catalogue_consistent),
        cmocka_unit_test(test_arg_types),
        cmocka_unit_test(test_value_ranges),
        cmocka_unit_test(test_evttype_lookup),
        cmocka_unit_test(test_evttype_table),
        cmocka_unit_test(test_evtset_ops),
        cmocka_unit_test(test_fields_print_text),
        cmocka_unit_test(test_fields_print_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
