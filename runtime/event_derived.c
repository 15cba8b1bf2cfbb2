/* The FR_DERIVED readers: fields computed from other fields of the same event, which the
 * kernel captured (core/field_readers.c lists them, and the plan captures them with the field):
 * networks and either end of a connection, names of addresses, the fd-derived event fields
 * (evt.category of an I/O event, the evt.count.error fields, evt.is_syslog), the container's
 * view of the fd, and the protocol fields, as libsinsp's filter checks compute them. */
#include "runtime/event_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/evttypes.h"
#include "core/ipaddr.h"
#include "runtime/dns.h"

/* Either end of the event's connection (fd.ip, fd.net, fd.port): a list of the client's and the
 * server's values as text, which the interpreter compares as libsinsp's compare_ip, _net and
 * _port do (either holds; != needs both to differ). */
static int _both_ends(struct event *ev, enum field_id client, enum field_id server,
                      struct field_value *out)
{
    struct field_value v[2];
    enum field_id ids[2] = {client, server};
    struct fv_str *list = arena_alloc(event_arena(ev), 2 * sizeof(*list));
    for (int k = 0; k < 2; k++) {
        if (event_field(ev, ids[k], NULL, &v[k]) < 0 || v[k].kind == FV_NONE)
            return 0; /* not an IP socket (or unreadable): <NA> */
        char buf[INET6_ADDRSTRLEN + 8];
        if (v[k].kind == FV_IP) {
            struct ipaddr ip;
            ipaddr_from_value(&v[k], &ip);
            ipaddr_text(&ip, buf, sizeof(buf));
        } else {
            snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v[k].u);
        }
        list[k].ptr = arena_strdup(event_arena(ev), buf);
        list[k].len = strlen(buf);
    }
    out->kind = FV_LIST;
    out->list = list;
    out->nlist = 2;
    return 0;
}

/* fd.sip.name and its kin: the first of the policy's names the address resolves to, "" when
 * none does (runtime/dns.h); <NA> without an address. */
static int _ip_name(struct event *ev, enum field_id addr, struct field_value *out)
{
    struct field_value a;
    if (event_field(ev, addr, NULL, &a) < 0 || a.kind != FV_IP)
        return 0;
    return event_cstr(out, dns_cache_name_of(ev->dns, a.family, a.ip));
}

/* ---- the event's fd, as libsinsp's evt->get_fd_info() has it ---------------------------- */

enum _fdinfo {
    _FD_NONE,    /* libsinsp has no fd info for the event */
    _FD_KNOWN,   /* it has one, of the type the kernel's fd.typechar gives */
    _FD_UNKNOWN, /* rulec cannot tell */
};

/* Events with an fd (EF_USES_FD, EF_CREATES_FD) have libsinsp's fd info unless the fd to use was
 * not open (EBADF) or the fd to create was not created; other events have none. */
static enum _fdinfo _fdinfo(struct event *ev, struct evtclass c, char *tc)
{
    struct field_value v;
    if (!(c.flags & (EVTF_USES_FD | EVTF_CREATES_FD)))
        return _FD_NONE;
    if (!(c.flags & EVTF_USES_FD) && ev->hdr->ret < 0)
        return _FD_NONE; /* failed to create one */
    if (event_slot_status(ev, FIELD_FD_TYPECHAR, NULL) == RULEC_SLOT_OK &&
        event_field(ev, FIELD_FD_TYPECHAR, NULL, &v) == 0 && v.kind == FV_STR && v.str.len) {
        *tc = v.str.ptr[0];
        return _FD_KNOWN;
    }
    if ((c.flags & EVTF_USES_FD) && ev->hdr->ret == -EBADF)
        return _FD_NONE; /* the fd was not open, so libsinsp's table has none */
    return _FD_UNKNOWN;  /* a syscall whose fd the kernel programs do not know */
}

/* What kind of fd a typechar is for the error counts and the I/O categories: libsinsp's
 * SCAP_FD_* groups. 'u' is a unix socket or a userfaultfd (both IPC; only a socket event's is
 * surely a socket). */
enum _fdkind { _K_FILE, _K_NET, _K_UNIX, _K_IPC, _K_OTHER };

static enum _fdkind _kind(char tc)
{
    switch (tc) {
    case 'f':
    case 'd':
        return _K_FILE;
    case '4':
    case '6':
        return _K_NET;
    case 'u':
        return _K_UNIX;
    case 'p':
    case 'e':
    case 's':
    case 'i':
        return _K_IPC;
    default:
        return _K_OTHER;
    }
}

/* evt.category: the event table's category, and for an I/O event its fd's ("file", "net",
 * "ipc", "unknown" without fd info or for other kinds of fds). */
static int _category(struct event *ev, struct field_value *out)
{
    struct evtclass c = evttype_class(event_type(ev));
    if (c.category != EVTCAT_IO_READ && c.category != EVTCAT_IO_WRITE &&
        c.category != EVTCAT_IO_OTHER)
        return event_cstr(out, evttype_category_name(c.category));
    char tc = 0;
    switch (_fdinfo(ev, c, &tc)) {
    case _FD_NONE:
        return event_cstr(out, "unknown");
    case _FD_KNOWN:
        switch (_kind(tc)) {
        case _K_FILE:
            return event_cstr(out, "file");
        case _K_NET:
            return event_cstr(out, "net");
        case _K_UNIX:
        case _K_IPC:
            return event_cstr(out, "ipc");
        case _K_OTHER:
            return event_cstr(out, "unknown");
        }
        break;
    case _FD_UNKNOWN:
        break;
    }
    return 0;
}

static bool _is(const struct evttype *t, enum evttype_id a, enum evttype_id b, enum evttype_id c)
{
    return t && (t->id == a || t->id == b || t->id == c);
}

/* The events libsinsp counts as file or network errors when they have no fd info. */
static bool _opens(const struct evttype *t)
{
    return _is(t, EVTTYPE_OPEN, EVTTYPE_CREAT, EVTTYPE_OPENAT) ||
           _is(t, EVTTYPE_OPENAT2, EVTTYPE_OPEN_BY_HANDLE_AT, EVTTYPE_OPEN_BY_HANDLE_AT);
}

static bool _connects(const struct evttype *t)
{
    return _is(t, EVTTYPE_ACCEPT, EVTTYPE_ACCEPT4, EVTTYPE_CONNECT);
}

/* evt.count.error.file, .net and .other (sinsp_filter_check_event): by the fd's kind, or without
 * fd info by the event type; <NA> for the events another of them counts. */
static int _error_kind(struct event *ev, const struct field_def *def, struct field_value *out)
{
    const struct evttype *t = event_type(ev);
    struct evtclass c = evttype_class(t);
    char tc = 0;
    enum _fdinfo info = _fdinfo(ev, c, &tc);
    enum _fdkind k = _kind(tc);
    if (info == _FD_UNKNOWN || !t || t->kind != EVTK_SYSCALL || c.generic)
        return 0; /* no return value (generic events), or rulec cannot tell */
    if (info == _FD_KNOWN && k == _K_UNIX && c.category != EVTCAT_NET)
        return 0; /* a unix socket (net) or a userfaultfd (other) */
    bool file = info == _FD_KNOWN ? k == _K_FILE : _opens(t);
    bool net = info == _FD_KNOWN ? k == _K_NET || k == _K_UNIX : _connects(t);
    bool counted;
    switch (def->id) {
    case FIELD_EVT_COUNT_ERROR_FILE:
        counted = file;
        break;
    case FIELD_EVT_COUNT_ERROR_NET:
        counted = net;
        break;
    default: /* other: neither, nor memory */
        counted = !file && !net && (info == _FD_KNOWN || c.category != EVTCAT_MEMORY);
        break;
    }
    return counted ? event_num(out, def, ev->hdr->ret < 0) : 0;
}

/* evt.is_syslog: a write to an fd whose name holds /dev/log (sinsp_fdinfo::is_syslog). */
static int _is_syslog(struct event *ev, const struct field_def *def, struct field_value *out)
{
    struct evtclass c = evttype_class(event_type(ev));
    struct field_value name;
    if (!(c.flags & EVTF_WRITES_FD))
        return event_num(out, def, 0);
    enum rulec_slot_status st = event_slot_status(ev, FIELD_FD_NAME, NULL);
    if ((st == RULEC_SLOT_OK || st == RULEC_SLOT_TRUNCATED) &&
        event_field(ev, FIELD_FD_NAME, NULL, &name) == 0 && name.kind == FV_STR) {
        bool has = memmem(name.str.ptr, name.str.len, "/dev/log", 8) != NULL;
        return has || !name.truncated ? event_num(out, def, has) : 0;
    }
    if (ev->hdr->ret == -EBADF)
        return event_num(out, def, 0); /* no fd info */
    return 0;                          /* unix sockets: the kernel does not name them */
}

/* ---- fd fields -------------------------------------------------------------------------- */

/* fd.containername and fd.containerdirectory: the thread's container id (libsinsp's thread
 * table has "" for the host, which container.id prints as "host"), ':' and the fd's value. */
static int _in_container(struct event *ev, enum field_id of, struct field_value *out)
{
    struct field_value cid, v;
    if (event_field(ev, FIELD_CONTAINER_ID, NULL, &cid) < 0 || cid.kind != FV_STR ||
        cid.truncated || event_field(ev, of, NULL, &v) < 0 || v.kind != FV_STR)
        return 0;
    bool host = cid.str.len == 4 && !memcmp(cid.str.ptr, "host", 4);
    char *s = arena_printf(event_arena(ev), "%.*s:%.*s", host ? 0 : (int)cid.str.len, cid.str.ptr,
                           (int)v.str.len, v.str.ptr);
    event_cstr(out, s);
    out->truncated = v.truncated;
    return 0;
}

/* The events after which libsinsp's fd is surely a connected IP socket, not a server one
 * (SCAP_FD_IPV4_SERVSOCK, whose protocol fields are ""): the ones it updates the socket's
 * tuple on (connect, accept, and the datagram calls). */
static bool _connected_socket_event(const struct evttype *t)
{
    return _connects(t) || _is(t, EVTTYPE_SENDTO, EVTTYPE_RECVFROM, EVTTYPE_SENDMSG) ||
           _is(t, EVTTYPE_RECVMSG, EVTTYPE_RECVMSG, EVTTYPE_RECVMSG);
}

/* fd.cproto and its kin: port_to_string with Falco's port resolution off, the port's number. */
static char *_proto(struct event *ev, enum field_id port)
{
    struct field_value v;
    if (!_connected_socket_event(event_type(ev)) || event_field(ev, port, NULL, &v) < 0 ||
        (v.kind != FV_UINT && v.kind != FV_INT))
        return NULL;
    return arena_printf(event_arena(ev), "%llu",
                        (unsigned long long)(v.kind == FV_UINT ? v.u : (uint64_t)v.i));
}

/* fd.proto: either end's (compare_port's rule, as fd.port). */
static int _either_proto(struct event *ev, struct field_value *out)
{
    char *c = _proto(ev, FIELD_FD_CPORT), *s = _proto(ev, FIELD_FD_SPORT);
    if (!c || !s)
        return 0;
    struct fv_str *list = arena_alloc(event_arena(ev), 2 * sizeof(*list));
    list[0] = (struct fv_str){c, strlen(c)};
    list[1] = (struct fv_str){s, strlen(s)};
    out->kind = FV_LIST;
    out->list = list;
    out->nlist = 2;
    return 0;
}

int event_derived_value(struct event *ev, const struct ast_field *f, struct field_value *out)
{
    const struct field_def *def = f->def;
    switch (def->id) {
    case FIELD_FD_CNET:
        return event_field(ev, FIELD_FD_CIP, NULL, out);
    case FIELD_FD_SNET:
        return event_field(ev, FIELD_FD_SIP, NULL, out);
    case FIELD_FD_LNET:
        return event_field(ev, FIELD_FD_LIP, NULL, out);
    case FIELD_FD_RNET:
        return event_field(ev, FIELD_FD_RIP, NULL, out);
    case FIELD_FD_IP:
    case FIELD_FD_NET:
        return _both_ends(ev, FIELD_FD_CIP, FIELD_FD_SIP, out);
    case FIELD_FD_PORT:
        return _both_ends(ev, FIELD_FD_CPORT, FIELD_FD_SPORT, out);
    case FIELD_FD_SIP_NAME:
        return _ip_name(ev, FIELD_FD_SIP, out);
    case FIELD_FD_CIP_NAME:
        return _ip_name(ev, FIELD_FD_CIP, out);
    case FIELD_FD_LIP_NAME:
        return _ip_name(ev, FIELD_FD_LIP, out);
    case FIELD_FD_RIP_NAME:
        return _ip_name(ev, FIELD_FD_RIP, out);
    case FIELD_EVT_CATEGORY:
        return _category(ev, out);
    case FIELD_EVT_COUNT_ERROR_FILE:
    case FIELD_EVT_COUNT_ERROR_NET:
    case FIELD_EVT_COUNT_ERROR_OTHER:
        return _error_kind(ev, def, out);
    case FIELD_EVT_IS_SYSLOG:
        return _is_syslog(ev, def, out);
    case FIELD_FD_CONTAINERNAME:
        return _in_container(ev, FIELD_FD_NAME, out);
    case FIELD_FD_CONTAINERDIRECTORY:
        return _in_container(ev, FIELD_FD_DIRECTORY, out);
    case FIELD_FD_CPROTO:
        return event_cstr(out, _proto(ev, FIELD_FD_CPORT));
    case FIELD_FD_SPROTO:
        return event_cstr(out, _proto(ev, FIELD_FD_SPORT));
    case FIELD_FD_LPROTO:
        return event_cstr(out, _proto(ev, FIELD_FD_LPORT));
    case FIELD_FD_RPROTO:
        return event_cstr(out, _proto(ev, FIELD_FD_RPORT));
    case FIELD_FD_PROTO:
        return _either_proto(ev, out);
    default:
        return event_args_value(ev, f, out);
    }
}
