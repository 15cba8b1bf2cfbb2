/* The record the ship-everything reference sends per syscall exit (shipall.bpf.c, shipall.c). */
#ifndef SHIPALL_H
#define SHIPALL_H

struct shipall_rec {
    __u32 pid; /* tgid */
    __u32 tid;
    __u64 nr;
    __s64 ret;
    __u64 args[6];
    __u64 ts;
};

enum { SHIPALL_CNT_SENT = 0, SHIPALL_CNT_LOST, SHIPALL_CNT_MAX };

#endif
