/* rulec_fill_sock.h - the slot fillers of the socket fields: fd.sip, fd.cip, fd.lip, fd.rip (in
 * binary), fd.sport, fd.cport, fd.lport, fd.rport, fd.l4proto, the names an address resolves to
 * (fd.sip.name and its kin), and fd.name's text for a socket (used by rulec_fill_fd.h). The
 * event's socket is read once per event, for all of them, by one global function
 * (rulec_event_socket). Verifier cost: a one-rule policy on fd.sport verifies in ~1.3k, the
 * socket walk included (rulec_sock.h). */
#pragma once

#include "rulec_fill.h"
#include "rulec_sock.h"

/* ---- socket addresses as Falco prints them ------------------------------------------------------
 * bpf_snprintf (5.13, found by a CO-RE check) formats them; without it they are "maybe". */
#ifdef RULEC_NO_BPF_SNPRINTF /* tests/kernel: the path older kernels take */
#define RULEC_HAVE_BPF_SNPRINTF() 0
#else
#define RULEC_HAVE_BPF_SNPRINTF()                                                                  \
    bpf_core_enum_value_exists(enum bpf_func_id___rulec, BPF_FUNC_snprintf___rulec)
#endif

/* The format strings bpf_snprintf needs in read-only memory. */
static const char rulec__fmt_tuple4[] = "%pI4:%u->%pI4:%u";
static const char rulec__fmt_tuple6[] = "%pI6c:%u->%pI6c:%u";

/* bpf_snprintf's result as a status: the length, or truncated when it did not fit. */
static __always_inline long rulec__snprintf_status(long n, __u32 size)
{
    if (n <= 0)
        return RULEC_E_FAULT;
    return (__u32)n > size ? (long)(size - 1) | RULEC_TRUNCATED : n - 1;
}

/* The event's socket: its info and Falco's tuple (client and server addresses and ports), in a
 * per-CPU map. rulec_event_socket is a global function so that a program's verifier run checks
 * the socket walk once, not once per socket field (ports, addresses, l4proto, fd.name). Its
 * arguments are scalars, which global functions take on every kernel. */
struct rulec_event_sock {
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    long st;     /* rulec_event_socket's status for this event */
    __u32 valid; /* computed for the current event: rulec_begin clears it */
};

RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_event_sock);
} rulec_sock_scratch SEC(".maps");

__noinline long rulec_event_socket(__u32 id, long fd);
#ifndef RULEC_UNIT_RULES
__noinline long rulec_event_socket(__u32 id, long fd)
{
    __u32 zero = 0;
    struct rulec_event_sock *es = bpf_map_lookup_elem(&rulec_sock_scratch, &zero);
    if (!es)
        return RULEC_E_FAULT;
    /* Once per event, for all the socket fields a program reads. */
    if (es->valid)
        return es->st;
    __builtin_memset(es, 0, sizeof(*es));
    long st = fd == -1 ? RULEC_E_NOENT : RULEC_E_FAULT;
    if (fd >= 0)
        st = rulec_fd_sockinfo(rulec_current(), fd, &es->si);
    if (st >= 0) {
        enum rulec_sock_role role = (id == RULEC_NR_ACCEPT || id == RULEC_NR_ACCEPT4 ||
                                     id == RULEC_NR_LISTEN || id == RULEC_NR_BIND)
                                        ? RULEC_ROLE_SERVER
                                        : RULEC_ROLE_CLIENT;
        st = rulec_sock_falco_tuple(&es->si, role, &es->t);
    }
    es->st = st;
    es->valid = 1;
    return st;
}

/* A new event: the socket of the previous one is not this one's. */
static __always_inline void rulec_event_socket_reset(void)
{
    __u32 zero = 0;
    struct rulec_event_sock *es = bpf_map_lookup_elem(&rulec_sock_scratch, &zero);
    if (es)
        es->valid = 0;
}
#else
static __always_inline void rulec_event_socket_reset(void) {}
#endif

/* The socket of the event as copies of the map's: status < 0 when there is none. */
static __always_inline long rulec_event_tuple(struct rulec_cx *cx, struct rulec_sockinfo *si,
                                              struct rulec_falco_tuple *t)
{
    __u32 zero = 0;
    long st = rulec_event_socket(cx->id, rulec_event_fd(cx));
    struct rulec_event_sock *es = bpf_map_lookup_elem(&rulec_sock_scratch, &zero);
    if (!es) {
        __builtin_memset(si, 0, sizeof(*si));
        __builtin_memset(t, 0, sizeof(*t));
        return RULEC_E_FAULT;
    }
    /* Copied whatever the status: ambiguous tuples still have a valid l4proto. */
    __builtin_memcpy(si, &es->si, sizeof(*si));
    __builtin_memcpy(t, &es->t, sizeof(*t));
    return st;
}

/* fd.name of an IPv4 or IPv6 socket: "cip:cport->sip:sport" (libsinsp's ipv4tuple_to_string,
 * inet_ntop's text; the kernel's %pI6c is the same compressed form). */
static __always_inline long rulec_event_tuple_text(struct rulec_cx *cx, char *out)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    long st = rulec_event_tuple(cx, &si, &t);
    if (st < 0)
        return st;
    if (!RULEC_HAVE_BPF_SNPRINTF())
        return RULEC_E_AMBIGUOUS;
    __u64 a[4] = {(__u64)(unsigned long)t.cip, t.cport, (__u64)(unsigned long)t.sip, t.sport};
    long n = si.ipv4 ? bpf_snprintf(out, RULEC_PATH_MAX, rulec__fmt_tuple4, a, sizeof(a))
                     : bpf_snprintf(out, RULEC_PATH_MAX, rulec__fmt_tuple6, a, sizeof(a));
    return rulec__snprintf_status(n, RULEC_PATH_MAX);
}

/* fd.name of a unix socket: the path a connect names (an abstract name is "maybe"). Other
 * syscalls on unix sockets are "maybe" too: the peer's name is not read here. */
static __always_inline long rulec_event_unix_name(struct rulec_cx *cx, char *out)
{
    if (cx->id != RULEC_NR_CONNECT || !cx->s)
        return RULEC_E_AMBIGUOUS;
    struct rulec_sockaddr *sa = &cx->s->sa;
    long st = rulec_read_sockaddr(cx->args[1], (long)cx->args[2], sa);
    if (st < 0)
        return st;
    if (sa->family != RULEC_AF_UNIX || sa->path[0] == 0)
        return RULEC_E_AMBIGUOUS;
    long n = bpf_probe_read_kernel_str(out, sizeof(sa->path), sa->path);
    return n <= 0 ? RULEC_E_FAULT : n - 1;
}

/* fd.sip, fd.cip, fd.lip, fd.rip in binary (RULEC_IP_SLOT): compared with constants as numbers,
 * printed by the runtime, so no text is made per event. */
enum rulec_ip_which { RULEC_IP_SERVER, RULEC_IP_CLIENT, RULEC_IP_LOCAL, RULEC_IP_REMOTE };

static __always_inline void rulec__fill_ip(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,
                                           __u32 size, enum rulec_ip_which which)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    __builtin_memset(d, 0, RULEC_IP_SLOT);
    long st = rulec_event_tuple(cx, &si, &t);
    if (st < 0) {
        rulec_slot_status(h, st);
        return;
    }
    /* lip/rip: the local and remote ends, as rulec_sock_falco_tuple chose lport and rport. */
    bool local_is_client = t.lport == t.cport;
    const __u8 *addr = which == RULEC_IP_SERVER   ? t.sip
                       : which == RULEC_IP_CLIENT ? t.cip
                       : which == RULEC_IP_LOCAL  ? (local_is_client ? t.cip : t.sip)
                                                  : (local_is_client ? t.sip : t.cip);
    d[0] = si.ipv4 ? 4 : 6;
    __builtin_memcpy(d + RULEC_IP_ADDR, addr, 16);
    if (si.ipv4)
        __builtin_memset(d + RULEC_IP_ADDR + 4, 0, 12);
    rulec_slot_status(h, RULEC_IP_ADDR + 16);
}

/* The names an address slot's address resolves to (RULEC_DNS_MAP, runtime/dns.c), as bits. */
#ifdef RULEC_USES_DNS
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, RULEC_DNS_ENTRIES);
    __type(key, struct rulec_dns_key);
    __type(value, __u64);
} rulec_dns SEC(".maps");

static __always_inline __u64 rulec_dns_names(const __u8 *ip)
{
    struct rulec_dns_key k = {.family = ip[0]};
    __builtin_memcpy(k.addr, ip + RULEC_IP_ADDR, 16);
    const __u64 *names = bpf_map_lookup_elem(&rulec_dns, &k);
    return names ? *names : 0;
}

#endif

#define RULEC_FILL_IP(fn, which)                                                                   \
    static __always_inline void fn(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,         \
                                   __u32 size, __u32 arg)                                          \
    {                                                                                              \
        rulec__fill_ip(cx, h, d, size, which);                                                     \
    }
RULEC_FILL_IP(rulec_fill_fd_sip, RULEC_IP_SERVER)
RULEC_FILL_IP(rulec_fill_fd_cip, RULEC_IP_CLIENT)
RULEC_FILL_IP(rulec_fill_fd_lip, RULEC_IP_LOCAL)
RULEC_FILL_IP(rulec_fill_fd_rip, RULEC_IP_REMOTE)

/* fd.sockfamily: "ip" for an IPv4 or IPv6 socket, "unix" for a unix one, <NA> for other fds. */
static __always_inline void rulec_fill_fd_sockfamily(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                     __u8 *d, __u32 size, __u32 arg)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    *(__u64 *)d = 0;
    long st = rulec_event_tuple(cx, &si, &t);
    if (st < 0 && st != RULEC_E_AMBIGUOUS) {
        rulec_slot_status(h, st == RULEC_E_INVAL ? RULEC_E_NOENT : st);
        return;
    }
    if (si.typechar == RULEC_FD_IPV4_SOCK || si.typechar == RULEC_FD_IPV6_SOCK) {
        __builtin_memcpy(d, "ip", 2);
        st = 2;
    } else if (si.typechar == RULEC_FD_UNIX_SOCK) {
        __builtin_memcpy(d, "unix", 4);
        st = 4;
    } else {
        st = RULEC_E_NOENT;
    }
    rulec_slot_status(h, st);
}

#define RULEC_EINPROGRESS 115

/* fd.connected, as libsinsp has it when the rule runs (it parses the event first): a successful
 * connect (or one in progress), an accepted socket, and an IPv4 or IPv6 socket that was just read
 * or written are connected; a file never is. On other events it is the fd's history (a socket
 * connected earlier): "maybe". */
static __always_inline void rulec_fill_fd_connected(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                    __u8 *d, __u32 size, __u32 arg)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    long st = rulec_event_tuple(cx, &si, &t), v = 0;
    if (st == RULEC_E_INVAL) { /* not a socket */
        rulec_slot_num(h, d, 0, 0);
        return;
    }
    if (st < 0 && st != RULEC_E_AMBIGUOUS) {
        rulec_slot_num(h, d, st, 0);
        return;
    }
    st = 0;
    bool ip = si.typechar == RULEC_FD_IPV4_SOCK || si.typechar == RULEC_FD_IPV6_SOCK;
    switch (cx->id) {
    case RULEC_NR_CONNECT:
        v = cx->ret == 0 || cx->ret == -RULEC_EINPROGRESS;
        st = v ? 0 : RULEC_E_AMBIGUOUS;
        break;
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
        v = 1;
        break;
    case RULEC_NR_READ:
    case RULEC_NR_WRITE:
    case RULEC_NR_PREAD64:
    case RULEC_NR_PWRITE64:
    case RULEC_NR_READV:
    case RULEC_NR_WRITEV:
    case RULEC_NR_SENDTO:
    case RULEC_NR_RECVFROM:
    case RULEC_NR_SENDMSG:
    case RULEC_NR_RECVMSG:
        v = ip && cx->ret >= 0;
        st = v ? 0 : RULEC_E_AMBIGUOUS;
        break;
    default:
        st = RULEC_E_AMBIGUOUS;
        break;
    }
    rulec_slot_num(h, d, st, v);
}

static __always_inline void rulec_fill_fd_l4proto(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    *(__u64 *)d = 0;
    long st = rulec_event_tuple(cx, &si, &t);
    if (st < 0 && st != RULEC_E_AMBIGUOUS) {
        rulec_slot_status(h, st);
        return;
    }
    switch (si.l4proto) {
    case RULEC_L4_TCP:
        __builtin_memcpy(d, "tcp", 3);
        st = 3;
        break;
    case RULEC_L4_UDP:
        __builtin_memcpy(d, "udp", 3);
        st = 3;
        break;
    case RULEC_L4_ICMP:
        __builtin_memcpy(d, "icmp", 4);
        st = 4;
        break;
    case RULEC_L4_RAW:
        __builtin_memcpy(d, "raw", 3);
        st = 3;
        break;
    default:
        st = RULEC_E_AMBIGUOUS;
        break;
    }
    rulec_slot_status(h, st);
}

/* Ports: which side is the server depends on the syscall (accept vs
 * connect), as Falco decides it. */
static __always_inline long rulec__tuple(struct rulec_cx *cx, struct rulec_falco_tuple *t)
{
    struct rulec_sockinfo si;
    return rulec_event_tuple(cx, &si, t);
}

#define RULEC_FILL_PORT(fn, member)                                                                \
    static __always_inline void fn(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,         \
                                   __u32 size, __u32 arg)                                          \
    {                                                                                              \
        struct rulec_falco_tuple t = {};                                                           \
        long st = rulec__tuple(cx, &t);                                                            \
        rulec_slot_num(h, d, st, t.member);                                                        \
    }

RULEC_FILL_PORT(rulec_fill_fd_sport, sport)
RULEC_FILL_PORT(rulec_fill_fd_cport, cport)
RULEC_FILL_PORT(rulec_fill_fd_lport, lport)
RULEC_FILL_PORT(rulec_fill_fd_rport, rport)
