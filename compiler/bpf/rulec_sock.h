/* rulec_sock.h - a socket file's endpoints, family and protocol (fd.l4proto, fd.typechar of a
 * socket) and Falco's client/server view of them (fd.sip, fd.cip, fd.sport, fd.cport,
 * fd.lport, fd.rport).
 *
 * Verifier cost (see rulec_base.h): < 1k alone for the socket and its tuple; a one-rule policy
 * on fd.sport verifies in ~1.3k. The slot fillers read the socket once per event, in one global
 * function (rulec_fields.h, rulec_event_socket). */
#pragma once

#include "rulec_fd.h"

/* fd.l4proto values (libscap's scap_l4_proto). */
#define RULEC_L4_UNKNOWN 0
#define RULEC_L4_NA 1
#define RULEC_L4_TCP 2
#define RULEC_L4_UDP 3
#define RULEC_L4_ICMP 4
#define RULEC_L4_RAW 5

/* One socket's endpoints as the kernel holds them. Addresses are in network byte order (IPv4 in
 * the first 4 bytes), ports in host byte order. */
struct rulec_sockinfo {
    __u16 family;  /* AF_* */
    __u8 l4proto;  /* RULEC_L4_* (fd.l4proto) */
    __u8 typechar; /* fd.typechar */
    __u16 lport;   /* local port */
    __u16 rport;   /* remote (peer) port, 0 if unconnected */
    __u8 ipv4;     /* addresses are IPv4 (first 4 bytes), also for v4-mapped IPv6 */
    __u8 laddr[16];
    __u8 raddr[16];
};

/* fd.l4proto from the socket's type and protocol, mapped as Falco maps socket()'s arguments
 * (the kernel has already resolved protocol 0 to TCP or UDP). */
static __always_inline __u8 rulec__l4proto(__u16 type, __u16 proto)
{
    bool raw = type == RULEC_SOCK_RAW;

    switch (proto) {
    case RULEC_IPPROTO_TCP:
        return raw ? RULEC_L4_RAW : RULEC_L4_TCP;
    case RULEC_IPPROTO_UDP:
        return raw ? RULEC_L4_RAW : RULEC_L4_UDP;
    case RULEC_IPPROTO_ICMP:
        return raw ? RULEC_L4_RAW : RULEC_L4_ICMP;
    case RULEC_IPPROTO_RAW:
        return RULEC_L4_RAW;
    }
    return RULEC_L4_UNKNOWN;
}

static __always_inline bool rulec__v6zero(const __u8 *a)
{
    for (int i = 0; i < 16; i++)
        if (a[i])
            return false;
    return true;
}

static __always_inline bool rulec__v4mapped(const __u8 *a)
{
    for (int i = 0; i < 10; i++)
        if (a[i])
            return false;
    return a[10] == 0xff && a[11] == 0xff;
}

/* The endpoints, family and protocol of a socket file (fd.l4proto, and the raw material of
 * fd.sip/cip/sport/cport/lport/rport: see rulec_sock_falco_tuple()). RULEC_E_INVAL if f is not a
 * socket. */
static __always_inline long rulec_file_sockinfo(struct file *f, struct rulec_sockinfo *out)
{
    struct socket *sock = NULL;
    struct sock *sk = NULL;
    unsigned short mode = 0;
    unsigned long magic = 0;
    __be16 dport = 0;
    __u16 type = 0, proto = 0;

    struct inode *inode = NULL;
    __builtin_memset(out, 0, sizeof(*out));
    /* Each read below is a helper call (tens of ns): the inode is read once, and the letter comes
     * from the family, as rulec_file_typechar gives it for a sockfs socket. */
    if (!f || BPF_CORE_READ_INTO(&inode, f, f_inode) || !inode ||
        BPF_CORE_READ_INTO(&mode, inode, i_mode) ||
        BPF_CORE_READ_INTO(&magic, inode, i_sb, s_magic))
        return RULEC_E_FAULT;
    if ((mode & RULEC_S_IFMT) != RULEC_S_IFSOCK || magic != RULEC_SOCKFS_MAGIC)
        return RULEC_E_INVAL;
    if (BPF_CORE_READ_INTO(&sock, f, private_data) || !sock || BPF_CORE_READ_INTO(&sk, sock, sk) ||
        !sk)
        return RULEC_E_FAULT;
    BPF_CORE_READ_INTO(&out->family, sk, __sk_common.skc_family);
    BPF_CORE_READ_INTO(&type, sk, sk_type);
    BPF_CORE_READ_INTO(&proto, sk, sk_protocol);
    out->typechar = out->family == RULEC_AF_INET      ? RULEC_FD_IPV4_SOCK
                    : out->family == RULEC_AF_INET6   ? RULEC_FD_IPV6_SOCK
                    : out->family == RULEC_AF_UNIX    ? RULEC_FD_UNIX_SOCK
                    : out->family == RULEC_AF_NETLINK ? RULEC_FD_NETLINK
                                                      : RULEC_FD_UNKNOWN;
    if (out->family != RULEC_AF_INET && out->family != RULEC_AF_INET6) {
        out->l4proto = RULEC_L4_NA;
        return 0;
    }
    out->l4proto = rulec__l4proto(type, proto);
    BPF_CORE_READ_INTO(&out->lport, sk, __sk_common.skc_num);
    BPF_CORE_READ_INTO(&dport, sk, __sk_common.skc_dport);
    out->rport = __builtin_bswap16(dport);
    if (out->family == RULEC_AF_INET) {
        BPF_CORE_READ_INTO((__be32 *)out->laddr, sk, __sk_common.skc_rcv_saddr);
        BPF_CORE_READ_INTO((__be32 *)out->raddr, sk, __sk_common.skc_daddr);
        out->ipv4 = 1;
        return 0;
    }
    bpf_core_read(out->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
    bpf_core_read(out->raddr, 16, &sk->__sk_common.skc_v6_daddr);
    /* Falco turns a connection between IPv4-mapped addresses (::ffff:a.b.c.d; for libsinsp
     * the all-zero address counts too) into an IPv4 one: fd.typechar '4', IPv4 fd.sip... */
    if (rulec__v4mapped(out->raddr) && (rulec__v4mapped(out->laddr) || rulec__v6zero(out->laddr)) &&
        !rulec__v6zero(out->raddr)) {
        __builtin_memcpy(out->laddr, &out->laddr[12], 4);
        __builtin_memcpy(out->raddr, &out->raddr[12], 4);
        __builtin_memset(&out->laddr[4], 0, 12);
        __builtin_memset(&out->raddr[4], 0, 12);
        out->ipv4 = 1;
        out->typechar = RULEC_FD_IPV4_SOCK;
    }
    return 0;
}

static __always_inline long rulec_fd_sockinfo(struct task_struct *task, long fd,
                                              struct rulec_sockinfo *out)
{
    struct file *f = rulec_fd_file(task, fd);

    if (!f) {
        __builtin_memset(out, 0, sizeof(*out));
        return RULEC_E_NOENT;
    }
    return rulec_file_sockinfo(f, out);
}

/* Which end of the connection the task is, from the syscall that made the socket connected:
 * connect/sendto (and an fd used as such) is the client, accept the server. */
enum rulec_sock_role {
    RULEC_ROLE_CLIENT = 1,
    RULEC_ROLE_SERVER = 2,
};

/* Falco's view of a connected socket. */
struct rulec_falco_tuple {
    __u8 cip[16]; /* fd.cip: client address */
    __u8 sip[16]; /* fd.sip: server address */
    __u16 cport;  /* fd.cport */
    __u16 sport;  /* fd.sport: the server port */
    __u16 lport;  /* fd.lport */
    __u16 rport;  /* fd.rport */
};

static __always_inline bool rulec__addr_eq(const __u8 *a, const __u8 *b)
{
    for (int i = 0; i < 16; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static __always_inline bool rulec__is_loopback(const struct rulec_sockinfo *si, const __u8 *a)
{
    if (si->ipv4)
        return a[0] == 127;
    for (int i = 0; i < 15; i++)
        if (a[i])
            return false;
    return a[15] == 1;
}

/* Maps the kernel's local/remote endpoints to Falco's client/server fields. Falco stores the
 * tuple as client -> server, so fd.cip/cport are the client end and fd.sip/sport the server end.
 * Its fd.lport/rport depend on whether the CLIENT address belongs to this machine (libsinsp asks
 * its interface list): if it does, lport is the client port, else the server port. That is
 * exact here when the task is the client (its own address is local), and when the task is the
 * server of a loopback or same-address client (Falco then reports the client's port as lport).
 * For a server with any other client the answer depends on the interface list: the likely value
 * (the client is remote) is filled in and RULEC_E_AMBIGUOUS returned. */
static __always_inline long rulec_sock_falco_tuple(const struct rulec_sockinfo *si,
                                                   enum rulec_sock_role role,
                                                   struct rulec_falco_tuple *t)
{
    bool client_local;

    if (role == RULEC_ROLE_CLIENT) {
        __builtin_memcpy(t->cip, si->laddr, 16);
        __builtin_memcpy(t->sip, si->raddr, 16);
        t->cport = si->lport;
        t->sport = si->rport;
        client_local = true;
    } else {
        __builtin_memcpy(t->cip, si->raddr, 16);
        __builtin_memcpy(t->sip, si->laddr, 16);
        t->cport = si->rport;
        t->sport = si->lport;
        client_local = rulec__is_loopback(si, si->raddr) || rulec__addr_eq(si->raddr, si->laddr);
    }
    t->lport = client_local ? t->cport : t->sport;
    t->rport = client_local ? t->sport : t->cport;
    return (role == RULEC_ROLE_SERVER && !client_local) ? RULEC_E_AMBIGUOUS : 0;
}
