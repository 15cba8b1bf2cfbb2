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
#define IP 32 /* RULEC_IP_SLOT: family and address in binary */

/* .cost: about what reading the field costs per event, in nanoseconds, as `rulec compile
 * --profile` measures it on x86_64 (order.c evaluates cheap comparisons first). */

static const struct kfield _kfields[] = {
    {.id = FIELD_PROC_PID, .kind = KF_NUM, .size = 8, .header = "e->hdr.pid", .cost = 0},
    {.id = FIELD_THREAD_TID, .kind = KF_NUM, .size = 8, .header = "e->hdr.tid", .cost = 0},
    {.id = FIELD_PROC_PPID,
     .kind = KF_NUM,
     .size = 8,
     .header = "rulec_ids(e)->hdr.ppid",
     .cost = 10},
    {.id = FIELD_USER_UID,
     .kind = KF_NUM,
     .size = 8,
     .header = "rulec_ids(e)->hdr.uid",
     .cost = 10},
    {.id = FIELD_GROUP_GID,
     .kind = KF_NUM,
     .size = 8,
     .header = "rulec_ids(e)->hdr.gid",
     .cost = 10},
    /* Falco's loginuid is -1 when unset (the kernel's (uid_t)-1). */
    {.id = FIELD_USER_LOGINUID,
     .kind = KF_NUM,
     .is_signed = true,
     .size = 8,
     .header = "(__s32)rulec_ids(e)->hdr.loginuid",
     .cost = 10},
    {.id = FIELD_EVT_RAWRES,
     .kind = KF_NUM,
     .is_signed = true,
     .size = 8,
     .header = "e->hdr.ret",
     .cost = 0},
    {.id = FIELD_PROC_NAME, .kind = KF_STR, .size = COMM, .fill = "proc_name", .cost = 15},
    {.id = FIELD_PROC_PNAME, .kind = KF_STR, .size = COMM, .fill = "proc_pname", .cost = 25},
    {.id = FIELD_PROC_ANAME,
     .kind = KF_STR,
     .size = COMM,
     .fill = "proc_aname",
     .takes_index = true,
     .cost = 40},
    {.id = FIELD_PROC_APID,
     .kind = KF_NUM,
     .size = 8,
     .fill = "proc_apid",
     .takes_index = true,
     .cost = 40},
    {.id = FIELD_PROC_VPID, .kind = KF_NUM, .size = 8, .fill = "proc_vpid", .cost = 20},
    {.id = FIELD_PROC_TTY, .kind = KF_NUM, .size = 8, .fill = "proc_tty", .cost = 40},
    {.id = FIELD_CONTAINER_ID, .kind = KF_STR, .size = SHORT, .fill = "container_id", .cost = 40},
    {.id = FIELD_PROC_EXE, .kind = KF_STR, .size = PATH, .fill = "proc_exe", .cost = 200},
    {.id = FIELD_PROC_ARGS, .kind = KF_STR, .size = PATH, .fill = "proc_args", .cost = 300},
    {.id = FIELD_PROC_CMDLINE, .kind = KF_STR, .size = PATH, .fill = "proc_cmdline", .cost = 300},
    {.id = FIELD_PROC_EXEPATH,
     .kind = KF_STR,
     .size = PATH,
     .fill = "proc_exepath",
     .normalized_path = true,
     .cost = 600},
    {.id = FIELD_PROC_CWD,
     .kind = KF_STR,
     .size = PATH,
     .fill = "proc_cwd",
     .normalized_path = true,
     .cost = 600},
    {.id = FIELD_FD_NUM, .kind = KF_NUM, .is_signed = true, .size = 8, .fill = "fd_num", .cost = 2},
    {.id = FIELD_FD_NAME,
     .kind = KF_STR,
     .size = PATH,
     .fill = "fd_name",
     .normalized_path = true,
     .socket = true,
     .cost = 150},
    {.id = FIELD_FD_NAMERAW, .kind = KF_STR, .size = PATH, .fill = "fd_nameraw", .cost = 100},
    {.id = FIELD_FD_DIRECTORY,
     .kind = KF_STR,
     .size = PATH,
     .fill = "fd_directory",
     .normalized_path = true,
     .from_fd_name = true,
     .cost = 180},
    {.id = FIELD_FD_FILENAME,
     .kind = KF_STR,
     .size = PATH,
     .fill = "fd_filename",
     .from_fd_name = true,
     .cost = 180},
    {.id = FIELD_FD_TYPECHAR, .kind = KF_STR, .size = 8, .fill = "fd_typechar", .cost = 20},
    {.id = FIELD_FD_TYPE, .kind = KF_STR, .size = SHORT, .fill = "fd_type", .cost = 150},
    {.id = FIELD_FD_L4PROTO,
     .kind = KF_STR,
     .size = 8,
     .fill = "fd_l4proto",
     .socket = true,
     .cost = 200},
    {.id = FIELD_FD_SPORT,
     .kind = KF_NUM,
     .size = 8,
     .fill = "fd_sport",
     .socket = true,
     .cost = 200},
    {.id = FIELD_FD_CPORT,
     .kind = KF_NUM,
     .size = 8,
     .fill = "fd_cport",
     .socket = true,
     .cost = 200},
    {.id = FIELD_FD_LPORT,
     .kind = KF_NUM,
     .size = 8,
     .fill = "fd_lport",
     .socket = true,
     .cost = 200},
    {.id = FIELD_FD_RPORT,
     .kind = KF_NUM,
     .size = 8,
     .fill = "fd_rport",
     .socket = true,
     .cost = 200},
    {.id = FIELD_EVT_IS_OPEN_READ,
     .kind = KF_NUM,
     .size = 8,
     .fill = "evt_is_open_read",
     .cost = 5},
    {.id = FIELD_EVT_IS_OPEN_WRITE,
     .kind = KF_NUM,
     .size = 8,
     .fill = "evt_is_open_write",
     .cost = 5},
    {.id = FIELD_EVT_IS_OPEN_EXEC,
     .kind = KF_NUM,
     .size = 8,
     .fill = "evt_is_open_exec",
     .cost = 5},
    {.id = FIELD_EVT_IS_OPEN_CREATE,
     .kind = KF_NUM,
     .size = 8,
     .fill = "evt_is_open_create",
     .cost = 60},
    /* As text, which the runtime parses back as an address; see split.c for the comparisons
     * the kernel decides on it. */
    {.id = FIELD_FD_SIP, .kind = KF_IP, .size = IP, .fill = "fd_sip", .socket = true, .cost = 200},
    {.id = FIELD_FD_CIP, .kind = KF_IP, .size = IP, .fill = "fd_cip", .socket = true, .cost = 200},
    {.id = FIELD_FD_LIP, .kind = KF_IP, .size = IP, .fill = "fd_lip", .socket = true, .cost = 200},
    {.id = FIELD_FD_RIP, .kind = KF_IP, .size = IP, .fill = "fd_rip", .socket = true, .cost = 200},
    /* The networks are the addresses compared with CIDR constants: the same slots. */
    {.id = FIELD_FD_CNET,
     .kind = KF_IP,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_CIP,
     .cost = 200},
    {.id = FIELD_FD_SNET,
     .kind = KF_IP,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_SIP,
     .cost = 200},
    {.id = FIELD_FD_LNET,
     .kind = KF_IP,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_LIP,
     .cost = 200},
    {.id = FIELD_FD_RNET,
     .kind = KF_IP,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_RIP,
     .cost = 200},
    /* Names of addresses (libsinsp's dns manager): the address's slot looked up in the map of
     * the addresses the policy's names resolve to (runtime/dns.c). */
    {.id = FIELD_FD_SIP_NAME,
     .kind = KF_DNS,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_SIP,
     .cost = 230},
    {.id = FIELD_FD_CIP_NAME,
     .kind = KF_DNS,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_CIP,
     .cost = 230},
    {.id = FIELD_FD_LIP_NAME,
     .kind = KF_DNS,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_LIP,
     .cost = 230},
    {.id = FIELD_FD_RIP_NAME,
     .kind = KF_DNS,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_RIP,
     .cost = 230},
    /* Either end (libsinsp's compare_ip, compare_net, compare_port): the client's and the
     * server's slots; `!=` needs both to differ. */
    {.id = FIELD_FD_IP,
     .kind = KF_IP,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_CIP,
     .either_end = true,
     .other = FIELD_FD_SIP,
     .cost = 200},
    {.id = FIELD_FD_NET,
     .kind = KF_IP,
     .size = IP,
     .aliased = true,
     .alias = FIELD_FD_CIP,
     .either_end = true,
     .other = FIELD_FD_SIP,
     .cost = 200},
    {.id = FIELD_FD_PORT,
     .kind = KF_NUM,
     .size = 8,
     .aliased = true,
     .alias = FIELD_FD_CPORT,
     .either_end = true,
     .other = FIELD_FD_SPORT,
     .cost = 200},
    /* String arguments only: the others are in every record's registers. */
    {.id = FIELD_EVT_ARG,
     .kind = KF_STR,
     .size = PATH,
     .fill = "evt_arg_str",
     .arg_by_syscall = true,
     .cost = 100},
    /* The others: the register, which codegen tests against what their text must be. */
    {.id = FIELD_EVT_ARG,
     .kind = KF_NUM,
     .size = 8,
     .fill = "evt_arg_reg",
     .arg_by_syscall = true,
     .cost = 1},
};

const struct kfield *kfield_slot(const struct kfield *kf)
{
    return kf && kf->aliased ? kfield_for(field_by_id(kf->alias), NULL) : kf;
}

const struct kfield *kfield_other_slot(const struct kfield *kf)
{
    return kf && kf->either_end ? kfield_for(field_by_id(kf->other), NULL) : NULL;
}

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
