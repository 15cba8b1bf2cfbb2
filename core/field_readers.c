#include "core/field_readers.h"

#include <string.h>

/* One row per field that rulec's runtime computes; every other field has only its kernel
 * slot, if any (compiler/kfields.c). */
static const enum field_reader _readers[FIELD_ID_MAX] = {
    [FIELD_EVT_TYPE] = FR_RECORD,
    [FIELD_EVT_TIME] = FR_RECORD,
    [FIELD_EVT_RAWTIME] = FR_RECORD,
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

const char *field_unavailable_reason(const struct field_def *def)
{
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
