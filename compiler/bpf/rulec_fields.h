/* rulec_fields.h - the slot fillers generated code calls: one per field the
 * kernel can read (compiler/kfields.c lists them), each wrapping an extractor
 * of rulec_kernel.h and turning its status into a slot status. Also the
 * per-event context and the string helpers the predicates use. */
#ifndef RULEC_FIELDS_H
#define RULEC_FIELDS_H

#include <bpf/bpf_tracing.h>

/* The dispatcher's table: one entry per x86_64 syscall number. */
#define RULEC_MAX_SYSCALLS 512

_Static_assert(RULEC_NR_MAX <= RULEC_MAX_SYSCALLS, "every syscall number has a table entry");

/* What a filler knows about its event. Rules and fillers are global BPF
 * functions (each verified once, whatever the number of rules calling
 * them), so they rebuild this from the per-CPU event, not from registers. */
struct rulec_cx {
    long ret;
    __u32 id;          /* syscall number (evt.type) */
    const __u64 *args; /* the record header's six arguments (not a copy: stack is scarce) */
    struct task_struct *task;
    struct rulec_scratch *s; /* path and cgroup assembly space */
};

RULEC_SCRATCH_MAP(rulec_kscratch);

/* LPM keys for prefix sets: the prefix length in bits, then the bytes. */
struct rulec_lpm_key8 {
    __u32 prefixlen;
    __u8 data[8];
};
struct rulec_lpm_key16 {
    __u32 prefixlen;
    __u8 data[16];
};
struct rulec_lpm_key256 {
    __u32 prefixlen;
    __u8 data[256];
};

/* One lookup key for any prefix set, per CPU (too big for the stack). */
RULEC_GLOBAL struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct rulec_lpm_key256);
} rulec_lpm_scratch SEC(".maps");

/* Returns -1 for events rulec does not evaluate: ia32 (compat) syscalls,
 * whose numbers and registers differ. */
static __always_inline int rulec_cx_init(struct rulec_cx *cx, struct pt_regs *regs, long ret)
{
    cx->ret = ret;
    cx->task = rulec_current();
    if (rulec_in_ia32_syscall(cx->task))
        return -1;
    cx->id = rulec_regs_nr(regs);
    cx->args = 0;
    cx->s = 0;
    return 0;
}

/* What every record carries and is cheap: the event and the syscall's
 * arguments. The task's ids cost several kernel reads: rulec_fill_ids
 * fills them when a rule asks or a record is sent. */
static __always_inline void rulec_fill_header(struct rulec_cx *cx, struct pt_regs *regs,
                                              struct rulec_record_hdr *h)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();

    h->evt_id = cx->id;
    h->ret = cx->ret;
    h->flags = 0;
    for (int i = 0; i < 6; i++)
        h->args[i] = rulec_regs_arg(regs, i);
    h->pid = pid_tgid >> 32;
    h->tid = (__u32)pid_tgid;
}

static __always_inline void rulec_fill_ids(struct rulec_record_hdr *h)
{
    if (h->flags & RULEC_HDR_IDS)
        return;
    struct task_struct *task = rulec_current();
    __u32 v = 0;
    long ppid = rulec_task_ppid(task);
    h->ppid = ppid < 0 ? 0 : (__u32)ppid;
    h->uid = rulec_task_euid(task, &v) < 0 ? 0 : v;
    h->gid = rulec_task_egid(task, &v) < 0 ? 0 : v;
    h->loginuid = rulec_task_loginuid(task, &v) < 0 ? (__u32)-1 : v;
    h->flags |= RULEC_HDR_IDS;
}

/* An extractor's status as a slot status: a missing value is Falco's <NA>
 * (comparisons false); a failed or ambiguous read is "maybe". */
static __always_inline void rulec_slot_status(struct rulec_slot_hdr *h, long st)
{
    h->hashed = 0;
    if (st >= 0) {
        h->len = (__u16)rulec_len(st);
        h->status = rulec_truncated(st) ? RULEC_SLOT_TRUNCATED : RULEC_SLOT_OK;
    } else {
        h->len = 0;
        h->status =
            (st == RULEC_E_NOENT || st == RULEC_E_INVAL) ? RULEC_SLOT_NONE : RULEC_SLOT_ERROR;
    }
}

static __always_inline void rulec_slot_num(struct rulec_slot_hdr *h, __u8 *d, long st, __s64 v)
{
    rulec_slot_status(h, st);
    if (st >= 0) {
        h->len = 8;
        *(__s64 *)d = v;
    }
}

static __always_inline void rulec_cx_load(struct rulec_cx *cx, const struct rulec_record_hdr *h)
{
    cx->ret = h->ret;
    cx->id = h->evt_id;
    cx->args = h->args;
    cx->task = rulec_current();
    cx->s = rulec_scratch_get(&rulec_kscratch);
}

/* ---- the string predicates ------------------------------------------------- */

/* startswith / pmatch over a set: a longest-prefix lookup of the value. */
#define rulec_prefix_match(map_, value_, len_, size_)                                              \
    ({                                                                                             \
        __u32 zero_ = 0;                                                                           \
        struct rulec_lpm_key256 *k_ = bpf_map_lookup_elem(&rulec_lpm_scratch, &zero_);             \
        int r_ = 2;                                                                                \
        if (k_) {                                                                                  \
            __builtin_memcpy(k_->data, (value_), (size_));                                         \
            k_->prefixlen = (__u32)(len_)*8;                                                       \
            r_ = bpf_map_lookup_elem((map_), k_) != 0;                                             \
        }                                                                                          \
        r_;                                                                                        \
    })

/* endswith: the last n bytes of the value equal lit. */
static __always_inline int rulec_endswith(const __u8 *data, __u32 len, __u32 size, const char *lit,
                                          __u32 n)
{
    if (len < n)
        return 0;
    __u32 start = len - n;
    for (__u32 i = 0; i < n && i < 256; i++)
        if (data[(start + i) & (size - 1)] != (__u8)lit[i])
            return 0;
    return 1;
}

/* ---- task fields ------------------------------------------------------------- */

static __always_inline void rulec_fill_proc_name(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_COMM_LEN);
    rulec_slot_status(h, rulec_task_comm(cx->task, (char *)d));
}

static __always_inline void rulec_fill_proc_pname(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_COMM_LEN);
    rulec_slot_status(h, rulec_task_pname(cx->task, (char *)d));
}

static __always_inline void rulec_fill_proc_aname(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 n)
{
    __builtin_memset(d, 0, RULEC_COMM_LEN);
    rulec_slot_status(h, rulec_task_aname(cx->task, n, (char *)d));
}

static __always_inline void rulec_fill_proc_apid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 n)
{
    long st = rulec_task_apid(cx->task, n);
    rulec_slot_num(h, d, st, st);
}

static __always_inline void rulec_fill_proc_vpid(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                 __u8 *d, __u32 size, __u32 arg)
{
    long st = rulec_task_vpid(cx->task);
    rulec_slot_num(h, d, st, st);
}

static __always_inline void rulec_fill_proc_tty(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                __u8 *d, __u32 size, __u32 arg)
{
    __u32 tty = 0;
    long st = rulec_task_tty(cx->task, &tty);
    rulec_slot_num(h, d, st, tty);
}

/* container.id: rulec_fill_container_id reads the per-process cache, see rulec_cache.h. */

/* ---- process memory and paths ---------------------------------------------------------- */

static __always_inline void rulec_fill_proc_exe(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    rulec_slot_status(h, rulec_proc_exe(cx->task, (char *)d));
}

#define RULEC_FILL_WITH_SCRATCH(fn, extract)                                                       \
    static __always_inline void fn(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,         \
                                   __u32 size, __u32 arg)                                          \
    {                                                                                              \
        __builtin_memset(d, 0, RULEC_PATH_MAX);                                                    \
        if (!cx->s) {                                                                              \
            rulec_slot_status(h, RULEC_E_FAULT);                                                   \
            return;                                                                                \
        }                                                                                          \
        rulec_slot_status(h, extract(cx->s, cx->task, (char *)d));                                 \
    }

RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_args, rulec_proc_args)
RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_cmdline, rulec_proc_cmdline)
RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_exepath, rulec_proc_exepath)
RULEC_FILL_WITH_SCRATCH(rulec_fill_proc_cwd, rulec_proc_cwd)

/* ---- file descriptors -------------------------------------------------------------------- */

static __always_inline bool rulec__is_open(__u32 id)
{
    return id == RULEC_NR_OPEN || id == RULEC_NR_OPENAT || id == RULEC_NR_OPENAT2 ||
           id == RULEC_NR_CREAT;
}

/* The fd an event is about, as Falco attributes it: the new fd for the
 * syscalls that return one, the first argument for those that act on one.
 * -1: the event has no fd (fd.* fields are <NA>); -2: it had one but the
 * kernel cannot see it any more (close): "maybe". */
static __always_inline long rulec__event_fd(struct rulec_cx *cx)
{
    switch (cx->id) {
    case RULEC_NR_OPEN:
    case RULEC_NR_OPENAT:
    case RULEC_NR_OPENAT2:
    case RULEC_NR_CREAT:
    case RULEC_NR_SOCKET:
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
    case RULEC_NR_DUP:
    case RULEC_NR_DUP2:
    case RULEC_NR_DUP3:
        return cx->ret >= 0 ? cx->ret : -1;
    case RULEC_NR_CLOSE:
        return -2;
    case RULEC_NR_READ:
    case RULEC_NR_WRITE:
    case RULEC_NR_FSTAT:
    case RULEC_NR_IOCTL:
    case RULEC_NR_PREAD64:
    case RULEC_NR_PWRITE64:
    case RULEC_NR_READV:
    case RULEC_NR_WRITEV:
    case RULEC_NR_SENDFILE:
    case RULEC_NR_CONNECT:
    case RULEC_NR_SENDTO:
    case RULEC_NR_RECVFROM:
    case RULEC_NR_SENDMSG:
    case RULEC_NR_RECVMSG:
    case RULEC_NR_SHUTDOWN:
    case RULEC_NR_BIND:
    case RULEC_NR_LISTEN:
    case RULEC_NR_GETSOCKNAME:
    case RULEC_NR_GETPEERNAME:
    case RULEC_NR_SETSOCKOPT:
    case RULEC_NR_GETSOCKOPT:
    case RULEC_NR_FCNTL:
    case RULEC_NR_FLOCK:
    case RULEC_NR_FSYNC:
    case RULEC_NR_FTRUNCATE:
    case RULEC_NR_FCHDIR:
    case RULEC_NR_FCHMOD:
    case RULEC_NR_FCHOWN:
        return (long)(int)cx->args[0];
    case RULEC_NR_MMAP:
        return (long)(int)cx->args[4];
    default:
        return -1;
    }
}

/* The syscalls that return a new fd (the first group of rulec__event_fd). */
static __always_inline bool rulec__creates_fd(__u32 id)
{
    switch (id) {
    case RULEC_NR_OPEN:
    case RULEC_NR_OPENAT:
    case RULEC_NR_OPENAT2:
    case RULEC_NR_CREAT:
    case RULEC_NR_SOCKET:
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
    case RULEC_NR_DUP:
    case RULEC_NR_DUP2:
    case RULEC_NR_DUP3:
        return true;
    default:
        return false;
    }
}

/* True for the syscalls whose event is about an fd (libsinsp's EF_CREATES_FD, EF_USES_FD and
 * EF_DESTROYS_FD events among those rulec__event_fd knows): their fd.num is the fd, -1 when the
 * syscall failed to create one; other events have no fd.num. */
static __always_inline bool rulec__fd_event(struct rulec_cx *cx)
{
    return rulec__event_fd(cx) != -1 || rulec__creates_fd(cx->id);
}

/* fd.num: libsinsp's m_lastevent_fd, -1 when the event was to create an fd and failed (a failed
 * open: Falco's `fd.num = -1` in open_file_failed); close's argument. */
static __always_inline void rulec_fill_fd_num(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                              __u8 *d, __u32 size, __u32 arg)
{
    long fd = rulec__event_fd(cx);
    if (cx->id == RULEC_NR_CLOSE)
        fd = (long)(int)cx->args[0];
    rulec_slot_num(h, d, rulec__fd_event(cx) ? 0 : RULEC_E_NOENT, fd);
}

/* fd.name: for the open family, Falco's text: the path argument joined to
 * the cwd or dirfd and normalised, symlinks not resolved (failed opens
 * too); for other fd events the path of the fd. Sockets' fd.name (Falco's
 * address tuple) is left to userspace. */
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
static __always_inline long rulec__tuple_si(struct rulec_cx *cx, struct rulec_sockinfo *si,
                                            struct rulec_falco_tuple *t)
{
    __u32 zero = 0;
    long st = rulec_event_socket(cx->id, rulec__event_fd(cx));
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
static __always_inline long rulec__tuple_text(struct rulec_cx *cx, char *out)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    long st = rulec__tuple_si(cx, &si, &t);
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
static __always_inline long rulec__unix_name(struct rulec_cx *cx, char *out)
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
    long st = rulec__tuple_si(cx, &si, &t);
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

static __always_inline long rulec__fd_name(struct rulec_cx *cx, char *out)
{
    if (!cx->s)
        return RULEC_E_FAULT;
    if (rulec__is_open(cx->id)) {
        struct rulec_open_args a;
        rulec_open_args(cx->id, cx->args, &a);
        /* Most opens name an absolute path already in Falco's form: it is fd.name as read. */
        long raw = rulec_user_str(a.path, out);
        if (raw > 0 && !rulec_truncated(raw) && out[0] == '/' &&
            rulec_path_is_normal((const __u8 *)out, (__u32)rulec_len(raw)))
            return raw;
        if (raw >= 0 && bpf_probe_read_kernel(cx->s->raw, RULEC_PATH_MAX, out))
            return RULEC_E_FAULT;
        __builtin_memset(out, 0, RULEC_PATH_MAX);
        return rulec_open_fd_name(cx->s, cx->task, a.dirfd, raw, out);
    }
    long fd = rulec__event_fd(cx);
    if (fd == -1)
        return RULEC_E_NOENT;
    if (fd < 0)
        return RULEC_E_FAULT;
    struct file *f = rulec_fd_file(cx->task, fd);
    if (!f)
        return RULEC_E_FAULT;
    char tc = rulec_file_typechar(f);
    if (tc == '4' || tc == '6')
        return rulec__tuple_text(cx, out);
    if (tc == 'u')
        return rulec__unix_name(cx, out);
    return rulec_file_path(cx->s, f, out);
}

static __always_inline void rulec_fill_fd_name(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                               __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    rulec_slot_status(h, rulec__fd_name(cx, (char *)d));
}

/* fd.name when fd.nameraw is read too (codegen fills fd.nameraw first): an absolute, already
 * normal argument is copied from its slot instead of read from user memory again. */
static __always_inline void rulec_fill_fd_name_from_raw(struct rulec_cx *cx,
                                                        struct rulec_slot_hdr *h, __u8 *d,
                                                        int raw_st, const struct rulec_slot_hdr *rh,
                                                        const __u8 *raw)
{
    if (rulec__is_open(cx->id) && raw_st == RULEC_SLOT_OK && rh->len > 0 && raw[0] == '/' &&
        rulec_path_is_normal(raw, rh->len & (RULEC_PATH_MAX - 1))) {
        __builtin_memcpy(d, raw, RULEC_PATH_MAX);
        rulec_slot_status(h, rh->len);
        return;
    }
    rulec_fill_fd_name(cx, h, d, RULEC_PATH_MAX, 0);
}

/* fd.nameraw: the open path argument exactly as passed. */
static __always_inline void rulec_fill_fd_nameraw(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    if (!rulec__is_open(cx->id)) {
        rulec_slot_status(h, RULEC_E_AMBIGUOUS);
        return;
    }
    struct rulec_open_args a;
    rulec_open_args(cx->id, cx->args, &a);
    rulec_slot_status(h, rulec_user_str(a.path, (char *)d));
}

/* evt.arg.NAME of a string argument (a path, a name): arg is the register
 * holding it for this syscall, 6 when the syscall has no such argument
 * (Falco's <NA>). Read as passed, relative paths included, as Falco shows
 * them. */
static __always_inline void rulec_fill_evt_arg_str(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                   __u8 *d, __u32 size, __u32 arg)
{
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    if (arg >= 6) {
        rulec_slot_status(h, RULEC_E_NOENT);
        return;
    }
    rulec_slot_status(h, rulec_user_str(cx->args[arg], (char *)d));
}

/* evt.arg.NAME of any other argument: its register (arg as above); codegen turns the rule's
 * comparison with Falco's text into bit tests (core/sysargs.c, sysarg_terms). */
static __always_inline void rulec_fill_evt_arg_reg(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                   __u8 *d, __u32 size, __u32 arg)
{
    *(__u64 *)d = 0;
    if (arg >= 6) {
        rulec_slot_status(h, RULEC_E_NOENT);
        return;
    }
    rulec_slot_num(h, d, 0, (__s64)cx->args[arg]);
}

/* fd.directory and fd.filename from fd.name's text and fd.typechar, as libsinsp computes them:
 * a directory's fd.directory is its name, a file's the part before the last '/' ("/" for a file
 * at the root); fd.filename is the part after it, for files only. A failed open has no fd, and
 * Falco takes fd.directory from the path it names. Codegen passes the two slots (fd.name's
 * status and header, fd.typechar's status and value), which it fills first. */
static __always_inline long rulec__fd_split(struct rulec_cx *cx, int name_st, int type_st,
                                            const __u8 *type, bool for_directory, char *tc)
{
    if (name_st == RULEC_SLOT_NONE)
        return RULEC_E_NOENT;
    if (name_st != RULEC_SLOT_OK || type_st == RULEC_SLOT_ERROR || type_st == RULEC_SLOT_TRUNCATED)
        return RULEC_E_AMBIGUOUS; /* a truncated name's last '/' may be past the slot */
    *tc = type_st == RULEC_SLOT_OK ? (char)type[0] : 0;
    if (type_st == RULEC_SLOT_NONE) {
        if (!for_directory || !rulec__is_open(cx->id))
            return RULEC_E_NOENT;
        *tc = 'f'; /* a failed open: the path it names */
    }
    if (*tc != 'f' && !(for_directory && *tc == 'd'))
        return RULEC_E_NOENT;
    return 0;
}

static __always_inline void rulec_fill_fd_directory(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                    __u8 *d, int name_st,
                                                    const struct rulec_slot_hdr *nh,
                                                    const __u8 *name, int type_st, const __u8 *type)
{
    char tc = 0;
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    long st = rulec__fd_split(cx, name_st, type_st, type, true, &tc);
    if (st < 0) {
        rulec_slot_status(h, st);
        return;
    }
    __u32 len = nh->len & (RULEC_PATH_MAX - 1), n = len;
    if (tc == 'f') {
        int pos = rulec_last_slash(name, len);
        n = pos <= 0 ? 0 : (__u32)pos < len - 1 ? (__u32)pos : len;
    }
    if (n == 0) {
        d[0] = '/';
        rulec_slot_status(h, 1);
        return;
    }
    RULEC_OPAQUE(n);
    n &= RULEC_PATH_MAX - 1;
    if (bpf_probe_read_kernel(d, n, name)) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    rulec_slot_status(h, n);
}

static __always_inline void rulec_fill_fd_filename(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                   __u8 *d, int name_st,
                                                   const struct rulec_slot_hdr *nh,
                                                   const __u8 *name, int type_st, const __u8 *type)
{
    char tc = 0;
    __builtin_memset(d, 0, RULEC_PATH_MAX);
    long st = rulec__fd_split(cx, name_st, type_st, type, false, &tc);
    if (st < 0) {
        rulec_slot_status(h, st);
        return;
    }
    __u32 len = nh->len & (RULEC_PATH_MAX - 1), from = 0, n = len;
    int pos = rulec_last_slash(name, len);
    if (pos < 0) {
        d[0] = '/';
        rulec_slot_status(h, 1);
        return;
    }
    if ((__u32)pos < len - 1) {
        from = (__u32)pos + 1;
        n = len - from;
    }
    RULEC_OPAQUE(n);
    n &= RULEC_PATH_MAX - 1;
    if (bpf_probe_read_kernel(d, n, name + (from & (RULEC_PATH_MAX - 1)))) {
        rulec_slot_status(h, RULEC_E_FAULT);
        return;
    }
    rulec_slot_status(h, n);
}

static __always_inline struct file *rulec__event_file(struct rulec_cx *cx, long *st)
{
    long fd = rulec__event_fd(cx);
    *st = fd == -1 ? RULEC_E_NOENT : fd < 0 ? RULEC_E_FAULT : 0;
    if (fd < 0)
        return NULL;
    struct file *f = rulec_fd_file(cx->task, fd);
    if (!f)
        *st = RULEC_E_FAULT;
    return f;
}

/* The syscalls whose fd is a socket when they succeed: their fd.typechar comes from the socket
 * walk the address and port fields share. */
static __always_inline bool rulec__socket_event(__u32 id)
{
    switch (id) {
    case RULEC_NR_SOCKET:
    case RULEC_NR_CONNECT:
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
    case RULEC_NR_SENDTO:
    case RULEC_NR_RECVFROM:
    case RULEC_NR_SENDMSG:
    case RULEC_NR_RECVMSG:
    case RULEC_NR_BIND:
    case RULEC_NR_LISTEN:
    case RULEC_NR_SHUTDOWN:
    case RULEC_NR_GETSOCKNAME:
    case RULEC_NR_GETPEERNAME:
    case RULEC_NR_SETSOCKOPT:
    case RULEC_NR_GETSOCKOPT:
        return true;
    default:
        return false;
    }
}

/* fd.typechar of an fd event without an fd (a failed open, socket or accept): libsinsp's
 * sinsp_evt::extract_typechar, which guesses from the event type ('f' for openat, openat2 and
 * creat but not open, '4' for socket and accept). */
static __always_inline char rulec__failed_typechar(__u32 id)
{
    switch (id) {
    case RULEC_NR_OPENAT:
    case RULEC_NR_OPENAT2:
    case RULEC_NR_CREAT:
        return RULEC_FD_FILE;
    case RULEC_NR_SOCKET:
    case RULEC_NR_ACCEPT:
    case RULEC_NR_ACCEPT4:
        return RULEC_FD_IPV4_SOCK;
    default:
        return RULEC_FD_UNKNOWN;
    }
}

/* fd.typechar: for an fd the open family created, Falco types it from the flags alone (no kernel
 * read); for other fds, from the kernel object behind it. */
static __always_inline void rulec_fill_fd_typechar(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                   __u8 *d, __u32 size, __u32 arg)
{
    long fd = rulec__event_fd(cx), st = 1;
    *(__u64 *)d = 0;
    if (fd == -1) {
        if (rulec__fd_event(cx))
            d[0] = (__u8)rulec__failed_typechar(cx->id);
        else
            st = RULEC_E_NOENT;
    } else if (rulec__is_open(cx->id)) {
        struct rulec_open_args a;
        rulec_open_args(cx->id, cx->args, &a);
        d[0] = (__u8)rulec_open_typechar(&a);
    } else if (rulec__socket_event(cx->id) && rulec_event_socket(cx->id, fd) >= 0) {
        /* The socket the event's other fields read anyway (once per event). */
        __u32 zero = 0;
        struct rulec_event_sock *es = bpf_map_lookup_elem(&rulec_sock_scratch, &zero);
        d[0] = es ? es->si.typechar : 0;
        st = es ? 1 : RULEC_E_FAULT;
    } else {
        struct file *f = rulec__event_file(cx, &st);
        if (f) {
            d[0] = (__u8)rulec_file_typechar(f);
            st = 1;
        }
    }
    rulec_slot_status(h, st);
}

static __always_inline void rulec_fill_fd_type(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                               __u8 *d, __u32 size, __u32 arg)
{
    /* Falco's fd.type names; the kernel knows the letter. */
    long st;
    struct file *f = rulec__event_file(cx, &st);
    __builtin_memset(d, 0, 16);
    if (!f) {
        rulec_slot_status(h, st);
        return;
    }
    switch (rulec_file_typechar(f)) {
    case 'f':
        __builtin_memcpy(d, "file", 4);
        st = 4;
        break;
    case 'd':
        __builtin_memcpy(d, "directory", 9);
        st = 9;
        break;
    case '4':
        __builtin_memcpy(d, "ipv4", 4);
        st = 4;
        break;
    case '6':
        __builtin_memcpy(d, "ipv6", 4);
        st = 4;
        break;
    case 'u':
        __builtin_memcpy(d, "unix", 4);
        st = 4;
        break;
    case 'p':
        __builtin_memcpy(d, "pipe", 4);
        st = 4;
        break;
    case 'e':
        __builtin_memcpy(d, "event", 5);
        st = 5;
        break;
    case 's':
        __builtin_memcpy(d, "signalfd", 8);
        st = 8;
        break;
    case 'l':
        __builtin_memcpy(d, "eventpoll", 9);
        st = 9;
        break;
    case 'i':
        __builtin_memcpy(d, "inotify", 7);
        st = 7;
        break;
    case 't':
        __builtin_memcpy(d, "timerfd", 7);
        st = 7;
        break;
    default:
        st = RULEC_E_AMBIGUOUS;
        break;
    }
    rulec_slot_status(h, st);
}

static __always_inline void rulec_fill_fd_l4proto(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                                  __u8 *d, __u32 size, __u32 arg)
{
    struct rulec_sockinfo si;
    struct rulec_falco_tuple t;
    *(__u64 *)d = 0;
    long st = rulec__tuple_si(cx, &si, &t);
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
    return rulec__tuple_si(cx, &si, t);
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

/* ---- open flags ---------------------------------------------------------------------------- */

#define RULEC_FILL_OPEN_FLAG(fn, test)                                                             \
    static __always_inline void fn(struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d,         \
                                   __u32 size, __u32 arg)                                          \
    {                                                                                              \
        struct rulec_open_args a;                                                                  \
        if (!rulec__is_open(cx->id)) {                                                             \
            rulec_slot_num(h, d, RULEC_E_NOENT, 0);                                                \
            return;                                                                                \
        }                                                                                          \
        rulec_open_args(cx->id, cx->args, &a);                                                     \
        rulec_slot_num(h, d, 0, (test));                                                           \
    }

RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_read, rulec_open_is_read(&a))
RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_write, rulec_open_is_write(&a))
RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_exec, rulec_open_is_exec(&a))
RULEC_FILL_OPEN_FLAG(rulec_fill_evt_is_open_create, rulec_open_is_create(cx->task, &a, cx->ret))

#endif
