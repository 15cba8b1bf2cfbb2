#include "core/field_readers.h"

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
    switch (def->origin) {
    case ORIGIN_USERSPACE:
        return "rulec run has no userspace reader for it";
    case ORIGIN_PLUGIN:
        return "its event source gives it no value";
    default:
        return "neither the kernel programs nor rulec run read it";
    }
}
