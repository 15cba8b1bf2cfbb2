/* rulec_fill_fd.h - the slot fillers of the fd fields: fd.num, fd.name (an open's joined and
 * normalised argument, an fd's path, a socket's addresses), fd.directory and fd.filename
 * (derived from fd.name's slot), fd.typechar and fd.type. Verifier cost: a one-rule policy on
 * fd.name verifies in ~17.6k, on fd.directory ~20.8k, on fd.typechar ~2.9k (6.18, bpf_loop): the
 * fillers cover opens (rulec_open.h), other fds (rulec_fd.h) and sockets (rulec_fill_sock.h). */
#pragma once

#include "rulec_fill_open.h"
#include "rulec_fill_sock.h"
#include "rulec_words.h"

/* fd.num: libsinsp's m_lastevent_fd, -1 when the event was to create an fd and failed (a failed
 * open: Falco's `fd.num = -1` in open_file_failed); close's argument. */
static __always_inline void rulec_fill_fd_num(struct rulec_cx *cx, struct rulec_slot_hdr *h,
                                              __u8 *d, __u32 size, __u32 arg)
{
    long fd = rulec_event_fd(cx);
    if (cx->id == RULEC_NR_CLOSE)
        fd = (long)(int)cx->args[0];
    rulec_slot_num(h, d, rulec_fd_event(cx) ? 0 : RULEC_E_NOENT, fd);
}

/* fd.name: for the open family, Falco's text: the path argument joined to the cwd or dirfd and
 * normalised, symlinks not resolved (failed opens too); for a socket, its addresses
 * (rulec_fill_sock.h); for other fd events the path of the fd. */
static __always_inline long rulec__fd_name(struct rulec_cx *cx, char *out)
{
    if (!cx->s)
        return RULEC_E_FAULT;
    if (rulec_is_open(cx->id)) {
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
    long fd = rulec_event_fd(cx);
    if (fd == -1)
        return RULEC_E_NOENT;
    if (fd < 0)
        return RULEC_E_FAULT;
    struct file *f = rulec_fd_file(cx->task, fd);
    if (!f)
        return RULEC_E_FAULT;
    char tc = rulec_file_typechar(f);
    if (tc == '4' || tc == '6')
        return rulec_event_tuple_text(cx, out);
    if (tc == 'u')
        return rulec_event_unix_name(cx, out);
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
    if (rulec_is_open(cx->id) && raw_st == RULEC_SLOT_OK && rh->len > 0 && raw[0] == '/' &&
        rulec_path_is_normal(raw, rh->len & (RULEC_PATH_MAX - 1))) {
        __builtin_memcpy(d, raw, RULEC_PATH_MAX);
        rulec_slot_status(h, rh->len);
        return;
    }
    rulec_fill_fd_name(cx, h, d, RULEC_PATH_MAX, 0);
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
        if (!for_directory || !rulec_is_open(cx->id))
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
    long fd = rulec_event_fd(cx);
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
    long fd = rulec_event_fd(cx), st = 1;
    *(__u64 *)d = 0;
    if (fd == -1) {
        if (rulec_fd_event(cx))
            d[0] = (__u8)rulec__failed_typechar(cx->id);
        else
            st = RULEC_E_NOENT;
    } else if (rulec_is_open(cx->id)) {
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
