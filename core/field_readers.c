#include "core/field_readers.h"

#include <string.h>

#include "core/evtargs.h"
#include "core/evttypes.h"

/* One row per field that rulec's runtime computes; every other field has only its kernel
 * slot, if any (compiler/kfields.c). */
static const enum field_reader _readers[FIELD_ID_MAX] = {
    [FIELD_EVT_TYPE] = FR_RECORD,
    [FIELD_EVT_TIME] = FR_RECORD,
    [FIELD_EVT_TIME_S] = FR_RECORD,
    [FIELD_EVT_TIME_ISO8601] = FR_RECORD,
    [FIELD_EVT_DATETIME] = FR_RECORD,
    [FIELD_EVT_DATETIME_S] = FR_RECORD,
    [FIELD_EVT_RAWTIME] = FR_RECORD,
    [FIELD_EVT_RAWTIME_S] = FR_RECORD,
    [FIELD_EVT_RAWTIME_NS] = FR_RECORD,
    [FIELD_EVT_RELTIME] = FR_RECORD,
    [FIELD_EVT_RELTIME_S] = FR_RECORD,
    [FIELD_EVT_RELTIME_NS] = FR_RECORD,
    [FIELD_EVT_OUTPUTTIME] = FR_RECORD,
    [FIELD_EVT_LATENCY] = FR_RECORD,
    [FIELD_EVT_LATENCY_S] = FR_RECORD,
    [FIELD_EVT_LATENCY_NS] = FR_RECORD,
    [FIELD_EVT_LATENCY_QUANTIZED] = FR_RECORD,
    [FIELD_EVT_LATENCY_HUMAN] = FR_RECORD,
    [FIELD_EVT_WAIT_LATENCY] = FR_RECORD,
    [FIELD_EVT_SOURCE] = FR_RECORD,
    [FIELD_EVT_IS_ASYNC] = FR_RECORD,
    [FIELD_EVT_IS_IO] = FR_RECORD,
    [FIELD_EVT_IS_IO_READ] = FR_RECORD,
    [FIELD_EVT_IS_IO_WRITE] = FR_RECORD,
    [FIELD_EVT_IO_DIR] = FR_RECORD,
    [FIELD_EVT_IS_WAIT] = FR_RECORD,
    [FIELD_EVT_COUNT] = FR_RECORD,
    [FIELD_EVT_COUNT_ERROR] = FR_RECORD,
    [FIELD_EVT_COUNT_ERROR_MEMORY] = FR_RECORD,
    [FIELD_EVT_COUNT_EXIT] = FR_RECORD,
    [FIELD_SYSCALL_TYPE] = FR_RECORD,
    [FIELD_THREAD_EXECTIME] = FR_RECORD,
    [FIELD_EVT_DIR] = FR_RECORD,
    [FIELD_EVT_NUM] = FR_RECORD,
    [FIELD_EVT_RAWRES] = FR_RECORD,
    [FIELD_EVT_RES] = FR_RECORD,
    [FIELD_EVT_FAILED] = FR_RECORD,
    [FIELD_EVT_HOSTNAME] = FR_RECORD,
    [FIELD_EVT_CPU] = FR_RECORD,
    [FIELD_PROC_PID] = FR_RECORD,
    [FIELD_THREAD_TID] = FR_RECORD,
    [FIELD_PROC_PPID] = FR_RECORD,
    [FIELD_USER_UID] = FR_RECORD,
    [FIELD_GROUP_GID] = FR_RECORD,
    [FIELD_USER_LOGINUID] = FR_RECORD,
    [FIELD_USER_NAME] = FR_RECORD,
    [FIELD_USER_HOMEDIR] = FR_RECORD,
    [FIELD_USER_SHELL] = FR_RECORD,
    [FIELD_USER_LOGINNAME] = FR_RECORD,
    [FIELD_GROUP_NAME] = FR_RECORD,
    [FIELD_PROC_NAME] = FR_PROCFS,
    [FIELD_PROC_EXE] = FR_PROCFS,
    [FIELD_PROC_ARGS] = FR_PROCFS,
    [FIELD_PROC_CMDLINE] = FR_PROCFS,
    [FIELD_PROC_EXEPATH] = FR_PROCFS,
    [FIELD_PROC_CWD] = FR_PROCFS,
    [FIELD_PROC_PNAME] = FR_PROCFS,
    [FIELD_PROC_PEXE] = FR_PROCFS,
    [FIELD_PROC_PCMDLINE] = FR_PROCFS,
    [FIELD_PROC_PEXEPATH] = FR_PROCFS,
    [FIELD_CONTAINER_ID] = FR_PROCFS,
    [FIELD_PROC_ANAME] = FR_PROCFS,
    [FIELD_PROC_AEXE] = FR_PROCFS,
    [FIELD_PROC_AEXEPATH] = FR_PROCFS,
    [FIELD_PROC_SNAME] = FR_PROCFS,
    [FIELD_PROC_ENV] = FR_PROCFS,
    [FIELD_PROC_DURATION] = FR_PROCFS,
    [FIELD_PROC_IS_VPGID_LEADER] = FR_PROCFS,
    [FIELD_PROC_IS_EXE_FROM_MEMFD] = FR_PROCFS,
    [FIELD_PROC_EXE_INO] = FR_PROCFS,
    [FIELD_PROC_EXE_INO_CTIME] = FR_PROCFS,
    [FIELD_PROC_EXE_INO_MTIME] = FR_PROCFS,
    [FIELD_PROC_EXE_INO_CTIME_DURATION_PROC_START] = FR_PROCFS,
    [FIELD_THREAD_CAP_PERMITTED] = FR_PROCFS,
    [FIELD_THREAD_CAP_INHERITABLE] = FR_PROCFS,
    [FIELD_THREAD_CAP_EFFECTIVE] = FR_PROCFS,
    [FIELD_PROC_EXELINE] = FR_PROCFS,
    [FIELD_PROC_CMDNARGS] = FR_PROCFS,
    [FIELD_PROC_CMDLENARGS] = FR_PROCFS,
    [FIELD_PROC_APID] = FR_PROCFS,
    [FIELD_PROC_ACMDLINE] = FR_PROCFS,
    [FIELD_PROC_AARGS] = FR_PROCFS,
    [FIELD_PROC_AENV] = FR_PROCFS,
    [FIELD_PROC_LOGINSHELLID] = FR_PROCFS,
    [FIELD_PROC_SID_EXE] = FR_PROCFS,
    [FIELD_PROC_SID_EXEPATH] = FR_PROCFS,
    [FIELD_PROC_VPGID_NAME] = FR_PROCFS,
    [FIELD_PROC_VPGID_EXE] = FR_PROCFS,
    [FIELD_PROC_VPGID_EXEPATH] = FR_PROCFS,
    [FIELD_PROC_PGID_NAME] = FR_PROCFS,
    [FIELD_PROC_PGID_EXE] = FR_PROCFS,
    [FIELD_PROC_PGID_EXEPATH] = FR_PROCFS,
    [FIELD_PROC_NTHREADS] = FR_PROCFS,
    [FIELD_PROC_NCHILDS] = FR_PROCFS,
    [FIELD_PROC_FDOPENCOUNT] = FR_PROCFS,
    [FIELD_PROC_STDIN_TYPE] = FR_PROCFS,
    [FIELD_PROC_STDOUT_TYPE] = FR_PROCFS,
    [FIELD_PROC_STDERR_TYPE] = FR_PROCFS,
    [FIELD_PROC_STDIN_NAME] = FR_PROCFS,
    [FIELD_PROC_STDOUT_NAME] = FR_PROCFS,
    [FIELD_PROC_STDERR_NAME] = FR_PROCFS,
    [FIELD_THREAD_CGROUPS] = FR_PROCFS,
    [FIELD_THREAD_CGROUP] = FR_PROCFS,
    [FIELD_EVT_ARG] = FR_SYSARG,
    [FIELD_EVT_RAWARG] = FR_SYSARG,
    [FIELD_FD_CNET] = FR_DERIVED,
    [FIELD_FD_SNET] = FR_DERIVED,
    [FIELD_FD_LNET] = FR_DERIVED,
    [FIELD_FD_RNET] = FR_DERIVED,
    [FIELD_FD_IP] = FR_DERIVED,
    [FIELD_FD_NET] = FR_DERIVED,
    [FIELD_FD_PORT] = FR_DERIVED,
    [FIELD_FD_SIP_NAME] = FR_DERIVED,
    [FIELD_FD_CIP_NAME] = FR_DERIVED,
    [FIELD_FD_LIP_NAME] = FR_DERIVED,
    [FIELD_FD_RIP_NAME] = FR_DERIVED,
    [FIELD_EVT_CATEGORY] = FR_DERIVED,
    [FIELD_EVT_COUNT_ERROR_FILE] = FR_DERIVED,
    [FIELD_EVT_COUNT_ERROR_NET] = FR_DERIVED,
    [FIELD_EVT_COUNT_ERROR_OTHER] = FR_DERIVED,
    [FIELD_EVT_IS_SYSLOG] = FR_DERIVED,
    [FIELD_FD_CONTAINERNAME] = FR_DERIVED,
    [FIELD_FD_CONTAINERDIRECTORY] = FR_DERIVED,
    [FIELD_FD_PROTO] = FR_DERIVED,
    [FIELD_FD_CPROTO] = FR_DERIVED,
    [FIELD_FD_SPROTO] = FR_DERIVED,
    [FIELD_FD_LPROTO] = FR_DERIVED,
    [FIELD_FD_RPROTO] = FR_DERIVED,
    [FIELD_EVT_ARGS] = FR_DERIVED,
    [FIELD_EVT_INFO] = FR_DERIVED,
    [FIELD_EVT_ABSPATH] = FR_DERIVED,
    [FIELD_EVT_ABSPATH_SRC] = FR_DERIVED,
    [FIELD_EVT_ABSPATH_DST] = FR_DERIVED,
    /* What the container runtime says about the event's container.id (runtime/container_meta.c):
     * container.* but container.id, k8s.*, proc.is_container_*. */
    [FIELD_CONTAINER_FULL_ID] = FR_CONTAINER,
    [FIELD_CONTAINER_NAME] = FR_CONTAINER,
    [FIELD_CONTAINER_IMAGE] = FR_CONTAINER,
    [FIELD_CONTAINER_IMAGE_ID] = FR_CONTAINER,
    [FIELD_CONTAINER_TYPE] = FR_CONTAINER,
    [FIELD_CONTAINER_PRIVILEGED] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNTS] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNT] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNT_SOURCE] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNT_DEST] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNT_MODE] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNT_RDWR] = FR_CONTAINER,
    [FIELD_CONTAINER_MOUNT_PROPAGATION] = FR_CONTAINER,
    [FIELD_CONTAINER_IMAGE_REPOSITORY] = FR_CONTAINER,
    [FIELD_CONTAINER_IMAGE_TAG] = FR_CONTAINER,
    [FIELD_CONTAINER_IMAGE_DIGEST] = FR_CONTAINER,
    [FIELD_CONTAINER_START_TS] = FR_CONTAINER,
    [FIELD_CONTAINER_DURATION] = FR_CONTAINER,
    [FIELD_CONTAINER_IP] = FR_CONTAINER,
    [FIELD_CONTAINER_CNI_JSON] = FR_CONTAINER,
    [FIELD_CONTAINER_HOST_PID] = FR_CONTAINER,
    [FIELD_CONTAINER_HOST_NETWORK] = FR_CONTAINER,
    [FIELD_CONTAINER_HOST_IPC] = FR_CONTAINER,
    [FIELD_CONTAINER_LABEL] = FR_CONTAINER,
    [FIELD_CONTAINER_LABELS] = FR_CONTAINER,
    [FIELD_K8S_POD_NAME] = FR_CONTAINER,
    [FIELD_K8S_NS_NAME] = FR_CONTAINER,
    [FIELD_K8S_POD_ID] = FR_CONTAINER,
    [FIELD_K8S_POD_UID] = FR_CONTAINER,
    [FIELD_K8S_POD_SANDBOX_ID] = FR_CONTAINER,
    [FIELD_K8S_POD_FULL_SANDBOX_ID] = FR_CONTAINER,
    [FIELD_K8S_POD_LABEL] = FR_CONTAINER,
    [FIELD_K8S_POD_LABELS] = FR_CONTAINER,
    [FIELD_K8S_POD_IP] = FR_CONTAINER,
    [FIELD_K8S_POD_CNI_JSON] = FR_CONTAINER,
};

enum field_reader field_userspace_reader(enum field_id id)
{
    if ((unsigned)id >= FIELD_ID_MAX)
        return FR_NONE;
    const struct field_def *def = field_by_id(id);
    if (def && def->source == FSRC_K8S_AUDIT)
        return FR_PLUGIN;
    return _readers[id];
}

static size_t _put(struct field_input *out, size_t max, size_t n, enum field_id id, const char *arg)
{
    if (n < max)
        out[n] = (struct field_input){id, arg};
    return n + 1;
}

/* The readers that read the same fields on every event. */
static const struct {
    enum field_id id;
    size_t n;
    enum field_id in[2];
} _fixed[] = {
    {FIELD_FD_CONTAINERNAME, 2, {FIELD_CONTAINER_ID, FIELD_FD_NAME}},
    {FIELD_FD_CONTAINERDIRECTORY, 2, {FIELD_CONTAINER_ID, FIELD_FD_DIRECTORY}},
    {FIELD_FD_CPROTO, 1, {FIELD_FD_CPORT}},
    {FIELD_FD_SPROTO, 1, {FIELD_FD_SPORT}},
    {FIELD_FD_LPROTO, 1, {FIELD_FD_LPORT}},
    {FIELD_FD_RPROTO, 1, {FIELD_FD_RPORT}},
    {FIELD_FD_PROTO, 2, {FIELD_FD_CPORT, FIELD_FD_SPORT}},
};

size_t field_reader_inputs(enum field_id id, const struct evttype *t, struct field_input *out,
                           size_t max)
{
    struct evtclass c = evttype_class(t);
    bool has_fd = c.flags & (EVTF_USES_FD | EVTF_CREATES_FD);
    size_t n = 0, nargs = 0;
    const struct evtarg *args = t ? evtargs_of(t->name, &nargs) : NULL;
    const char *dirfd, *path;
    switch (id) {
    case FIELD_EVT_ARGS: /* the string arguments, the fds and the cwd they name */
    case FIELD_EVT_INFO:
        for (size_t i = 0; args && i < nargs; i++) {
            if (args[i].type == EA_PATH || args[i].type == EA_RELPATH || args[i].type == EA_CHARBUF)
                n = _put(out, max, n, FIELD_EVT_ARG, args[i].name);
            if (args[i].type == EA_FD) {
                n = _put(out, max, n, FIELD_FD_NUM, NULL);
                n = _put(out, max, n, FIELD_FD_TYPECHAR, NULL);
                n = _put(out, max, n, FIELD_FD_NAME, NULL);
            }
            if (args[i].type == EA_UID || args[i].type == EA_GID) /* the host's names */
                n = _put(out, max, n, FIELD_CONTAINER_ID, NULL);
        }
        if (args)
            n = _put(out, max, n, FIELD_PROC_CWD, NULL);
        break;
    case FIELD_EVT_ABSPATH:
    case FIELD_EVT_ABSPATH_SRC:
    case FIELD_EVT_ABSPATH_DST:
        if (t && evtargs_abspath(t->name, id == FIELD_EVT_ABSPATH_DST, &dirfd, &path)) {
            n = _put(out, max, n, FIELD_EVT_ARG, path);
            n = _put(out, max, n, FIELD_PROC_CWD, NULL);
        }
        break;
    case FIELD_EVT_CATEGORY: /* an I/O event's category is its fd's */
        if (c.category == EVTCAT_IO_READ || c.category == EVTCAT_IO_WRITE ||
            c.category == EVTCAT_IO_OTHER)
            n = _put(out, max, n, FIELD_FD_TYPECHAR, NULL);
        break;
    case FIELD_EVT_COUNT_ERROR_FILE:
    case FIELD_EVT_COUNT_ERROR_NET:
    case FIELD_EVT_COUNT_ERROR_OTHER:
        if (has_fd)
            n = _put(out, max, n, FIELD_FD_TYPECHAR, NULL);
        break;
    case FIELD_EVT_IS_SYSLOG:
        if (c.flags & EVTF_WRITES_FD)
            n = _put(out, max, n, FIELD_FD_NAME, NULL);
        break;
    default:
        for (size_t i = 0; i < sizeof(_fixed) / sizeof(_fixed[0]); i++)
            for (size_t k = 0; _fixed[i].id == id && k < _fixed[i].n; k++)
                n = _put(out, max, n, _fixed[i].in[k], NULL);
        break;
    }
    return n;
}

const char *field_reader_gap(enum field_id id, const struct evttype *t)
{
    size_t n;
    if (!t)
        return NULL;
    switch (id) {
    case FIELD_EVT_ARGS:
    case FIELD_EVT_INFO:
        if (evttype_class(t).generic || evtargs_of(t->name, &n))
            return NULL;
        return "its exit event has parameters only the kernel knows, such as an open's device "
               "and inode, a read's data or a socket's addresses, which the record does not "
               "carry";
    case FIELD_EVT_ABSPATH:
    case FIELD_EVT_ABSPATH_SRC:
    case FIELD_EVT_ABSPATH_DST:
        return t->id == EVTTYPE_OPEN_BY_HANDLE_AT
                   ? "the path open_by_handle_at opened is the kernel's, not in the record"
                   : NULL;
    default:
        return NULL;
    }
}

/* Why the fields without a reader have none, where there is more to say than their origin. */
static const char *const _reasons[FIELD_ID_MAX] = {
    [FIELD_EVT_DELTATIME] = "libsinsp measures it from the previous event its filter check or "
                            "output instance saw, which depends on events the kernel programs "
                            "filter out",
    [FIELD_EVT_DELTATIME_S] = "libsinsp measures it from the previous event its filter check "
                              "or output instance saw, which depends on events the kernel "
                              "programs filter out",
    [FIELD_EVT_DELTATIME_NS] = "libsinsp measures it from the previous event its filter check "
                               "or output instance saw, which depends on events the kernel "
                               "programs filter out",
    [FIELD_THREAD_TOTEXECTIME] = "libsinsp adds it up over the sched switch events it sees, "
                                 "which rulec run does not",
    [FIELD_EVT_ASYNCTYPE] = "only Falco's asynchronous meta events (container, ...) have it, "
                            "and rulec run sees none",
    [FIELD_EVT_CPU] = "the record does not carry the CPU",
    [FIELD_EVT_BUFFER] = "the record does not carry I/O data",
    [FIELD_EVT_BUFLEN] = "the record does not carry I/O data",
    [FIELD_FD_TYPES] = "it lists libsinsp's fd table, whose types depend on when and how each "
                       "fd was opened",
    [FIELD_EVT_PLUGINNAME] = "only plugin events have it",
    [FIELD_EVT_PLUGININFO] = "only plugin events have it",
};

const char *field_unavailable_reason(const struct field_def *def)
{
    if ((unsigned)def->id < FIELD_ID_MAX && _reasons[def->id])
        return _reasons[def->id];
    if (def->desc && !strncmp(def->desc, "Deprecated", 10))
        return "deprecated: Falco's plugins give it no value either";
    switch (def->id) {
    case FIELD_FD_NAME_CHANGED:
        return "it compares the fd's name with its name before the event, which only a table of "
               "every fd of every process keeps";
    case FIELD_EVT_LATENCY:
    case FIELD_EVT_LATENCY_S:
    case FIELD_EVT_LATENCY_NS:
    case FIELD_EVT_LATENCY_QUANTIZED:
    case FIELD_EVT_LATENCY_HUMAN:
        return "rulec sees the end of a syscall only, not when it was entered";
    case FIELD_EVT_BUFFER:
    case FIELD_EVT_BUFLEN:
        return "the kernel programs do not copy I/O buffers";
    default:
        break;
    }
    switch (def->origin) {
    case ORIGIN_USERSPACE:
        return "rulec run has no userspace reader for it";
    case ORIGIN_PLUGIN:
        return "its event source gives it no value";
    default:
        return "neither the kernel programs nor rulec run read it";
    }
}
