/* The record the kernel test program sends to the driver through the ring buffer. Shared by
 * kernel_test.bpf.c (compiled against rulec_types.h) and kernel_test.c (against <linux/types.h>),
 * so it uses only __u8/__s32-style types and fixed sizes. */
#pragma once

#define RK_STR 256 /* RULEC_PATH_MAX */
#define RK_COMM 16
#define RK_CID 16
#define RK_NANC 4 /* proc.aname[0..3] */

enum rk_kind {
    RK_TASK = 1,       /* getppid(tag): every task extractor */
    RK_OPEN = 2,       /* open family */
    RK_NET = 3,        /* connect, bind, sendto, accept4 */
    RK_EXEC = 4,       /* successful execve, at sys_exit */
    RK_SCHED_EXEC = 5, /* the same, from tp_btf/sched_process_exec */
    RK_COMPAT = 6,     /* an ia32 getppid(tag) */
};

/* Index of each extractor's status in rk_rec.st. */
enum rk_st {
    ST_COMM,
    ST_TGID,
    ST_PPID,
    ST_PNAME,
    ST_ANAME0,
    ST_APID0 = ST_ANAME0 + RK_NANC,
    ST_EUID = ST_APID0 + RK_NANC,
    ST_EGID,
    ST_LOGINUID,
    ST_TTY,
    ST_VPID,
    ST_CID,
    ST_EXE,
    ST_ARGS,
    ST_CMDLINE,
    ST_EXEPATH,
    ST_CWD,
    /* open */
    ST_OPENARGS,
    ST_NAMERAW,
    ST_FDNAME,
    ST_FDPATH,
    /* net */
    ST_SOCKADDR,
    ST_SOCKINFO,
    ST_TUPLE,
    ST_MAX,
};

struct rk_rec {
    __u32 kind;
    __u32 tag;
    __s64 nr;
    __s64 ret;
    __s64 st[ST_MAX];

    /* task */
    __s64 tgid, ppid, vpid;
    __s64 apid[RK_NANC];
    __u32 euid, egid, loginuid, tty;
    __u32 compat, pad0; /* the syscall was an ia32 one */
    char comm[RK_COMM];
    char pname[RK_COMM];
    char aname[RK_NANC][RK_COMM];
    char cid[RK_CID];
    char exe[RK_STR];
    char args[RK_STR];
    char cmdline[RK_STR];
    char exepath[RK_STR];
    char cwd[RK_STR];

    /* open */
    __s64 dirfd;
    __u32 flags, mode;
    __u8 is_read, is_write, is_exec, is_create, creat;
    char open_typechar, fd_typechar, path_normal;
    __s32 last_slash; /* rulec_last_slash of fdname */
    char nameraw[RK_STR];
    char fdname[RK_STR];
    char fdpath[RK_STR];

    /* net: the sockaddr argument, then the socket itself and Falco's tuple */
    __u16 sa_family, sa_port;
    __u8 sa_addr[16];
    char sa_path[112];
    __u16 si_family, si_lport, si_rport;
    __u8 si_l4proto, si_typechar;
    __u8 si_laddr[16], si_raddr[16];
    __u8 t_cip[16], t_sip[16];
    __u16 t_cport, t_sport, t_lport, t_rport;
};
