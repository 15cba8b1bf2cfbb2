#include "compiler/kfields.h"

#include "core/sysargs.h"

#include <stddef.h>

/* Strings compared in the kernel are read into slots of these sizes: the
 * comm is 16 bytes in the kernel itself; paths and command lines get 256,
 * enough for the paths rules name (longer values are "truncated" and the
 * runtime decides, failing closed). Sizes are powers of two because string
 * slots double as hash and LPM keys. */
#define COMM 16
#define PATH 256
#define SHORT 16
#define IP 64 /* RULEC_IP_TEXT_MAX */

static const struct kfield _kfields[] = {
    {FIELD_PROC_PID, KF_NUM, false, 8, NULL, "e->hdr.pid", false, false, false, false},
    {FIELD_THREAD_TID, KF_NUM, false, 8, NULL, "e->hdr.tid", false, false, false, false},
    {FIELD_PROC_PPID, KF_NUM, false, 8, NULL, "rulec_ids(e)->hdr.ppid", false, false, false, false},
    {FIELD_USER_UID, KF_NUM, false, 8, NULL, "rulec_ids(e)->hdr.uid", false, false, false, false},
    {FIELD_GROUP_GID, KF_NUM, false, 8, NULL, "rulec_ids(e)->hdr.gid", false, false, false, false},
    /* Falco's loginuid is -1 when unset (the kernel's (uid_t)-1). */
    {FIELD_USER_LOGINUID, KF_NUM, true, 8, NULL, "(__s32)rulec_ids(e)->hdr.loginuid", false, false,
     false, false},
    {FIELD_EVT_RAWRES, KF_NUM, true, 8, NULL, "e->hdr.ret", false, false, false, false},
    {FIELD_PROC_NAME, KF_STR, false, COMM, "proc_name", NULL, false, false, false, false},
    {FIELD_PROC_PNAME, KF_STR, false, COMM, "proc_pname", NULL, false, false, false, false},
    {FIELD_PROC_ANAME, KF_STR, false, COMM, "proc_aname", NULL, true, false, false, false},
    {FIELD_PROC_APID, KF_NUM, false, 8, "proc_apid", NULL, true, false, false, false},
    {FIELD_PROC_VPID, KF_NUM, false, 8, "proc_vpid", NULL, false, false, false, false},
    {FIELD_PROC_TTY, KF_NUM, false, 8, "proc_tty", NULL, false, false, false, false},
    {FIELD_CONTAINER_ID, KF_STR, false, SHORT, "container_id", NULL, false, false, false, false},
    {FIELD_PROC_EXE, KF_STR, false, PATH, "proc_exe", NULL, false, false, false, false},
    {FIELD_PROC_ARGS, KF_STR, false, PATH, "proc_args", NULL, false, false, false, false},
    {FIELD_PROC_CMDLINE, KF_STR, false, PATH, "proc_cmdline", NULL, false, false, false, false},
    {FIELD_PROC_EXEPATH, KF_STR, false, PATH, "proc_exepath", NULL, false, true, false, false},
    {FIELD_PROC_CWD, KF_STR, false, PATH, "proc_cwd", NULL, false, true, false, false},
    {FIELD_FD_NUM, KF_NUM, true, 8, "fd_num", NULL, false, false, false, false},
    {FIELD_FD_NAME, KF_STR, false, PATH, "fd_name", NULL, false, true, false, false},
    {FIELD_FD_NAMERAW, KF_STR, false, PATH, "fd_nameraw", NULL, false, false, false, false},
    {FIELD_FD_DIRECTORY, KF_STR, false, PATH, "fd_directory", NULL, false, true, false, true},
    {FIELD_FD_FILENAME, KF_STR, false, PATH, "fd_filename", NULL, false, false, false, true},
    {FIELD_FD_TYPECHAR, KF_STR, false, 8, "fd_typechar", NULL, false, false, false, false},
    {FIELD_FD_TYPE, KF_STR, false, SHORT, "fd_type", NULL, false, false, false, false},
    {FIELD_FD_L4PROTO, KF_STR, false, 8, "fd_l4proto", NULL, false, false, false, false},
    {FIELD_FD_SPORT, KF_NUM, false, 8, "fd_sport", NULL, false, false, false, false},
    {FIELD_FD_CPORT, KF_NUM, false, 8, "fd_cport", NULL, false, false, false, false},
    {FIELD_FD_LPORT, KF_NUM, false, 8, "fd_lport", NULL, false, false, false, false},
    {FIELD_FD_RPORT, KF_NUM, false, 8, "fd_rport", NULL, false, false, false, false},
    {FIELD_EVT_IS_OPEN_READ, KF_NUM, false, 8, "evt_is_open_read", NULL, false, false, false,
     false},
    {FIELD_EVT_IS_OPEN_WRITE, KF_NUM, false, 8, "evt_is_open_write", NULL, false, false, false,
     false},
    {FIELD_EVT_IS_OPEN_EXEC, KF_NUM, false, 8, "evt_is_open_exec", NULL, false, false, false,
     false},
    {FIELD_EVT_IS_OPEN_CREATE, KF_NUM, false, 8, "evt_is_open_create", NULL, false, false, false,
     false},
    /* As text, which the runtime parses back as an address; see split.c for the comparisons
     * the kernel decides on it. */
    {FIELD_FD_SIP, KF_STR, false, IP, "fd_sip", NULL, false, false, false, false},
    {FIELD_FD_CIP, KF_STR, false, IP, "fd_cip", NULL, false, false, false, false},
    {FIELD_FD_LIP, KF_STR, false, IP, "fd_lip", NULL, false, false, false, false},
    {FIELD_FD_RIP, KF_STR, false, IP, "fd_rip", NULL, false, false, false, false},
    /* String arguments only: the others are in every record's registers. */
    {FIELD_EVT_ARG, KF_STR, false, PATH, "evt_arg_str", NULL, false, false, true, false},
    /* The others: the register, which codegen tests against what their text must be. */
    {FIELD_EVT_ARG, KF_NUM, false, 8, "evt_arg_reg", NULL, false, false, true, false},
};

const struct kfield *kfield_for(const struct field_def *def, const char *arg)
{
    if (!def)
        return NULL;
    for (size_t i = 0; i < sizeof(_kfields) / sizeof(_kfields[0]); i++) {
        const struct kfield *kf = &_kfields[i];
        if (kf->id != def->id)
            continue;
        if (kf->arg_by_syscall) {
            if (arg &&
                (kf->kind == KF_STR ? sysarg_param_is_string(arg) : sysarg_param_is_numeric(arg)))
                return kf;
            continue;
        }
        /* proc.aname without an index is the list of all ancestors. */
        if (kf->takes_index != (arg != NULL))
            return NULL;
        return kf;
    }
    return NULL;
}
