/* What the kernel can read: for each catalogue field the generated BPF can
 * extract, how (a fill function in compiler/bpf/rulec_fields.h, or a header
 * member) and into how many bytes. Every other field is decided in
 * userspace, and atoms on it are "maybe" in the kernel. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/fields.h"

enum kfield_kind {
    KF_NUM, /* 8-byte integer in the slot (or a header member) */
    KF_STR, /* zero-padded string in the slot */
    KF_IP,  /* an address in binary (core/rulec_abi.h, RULEC_IP_SLOT) */
    KF_DNS, /* the names an address resolves to: the address's slot and the rulec_dns map */
};

struct kfield {
    enum field_id id;
    enum kfield_kind kind;
    bool is_signed;
    uint32_t size;      /* slot data bytes (KF_STR: a power of two, the key size) */
    const char *fill;   /* rulec_fill_<fill>(cx, slot, data, size, arg) */
    const char *header; /* or a C expression over the record header `e->hdr`, no slot */
    bool takes_index;   /* proc.aname[N]: the argument is passed to fill */
    /* The kernel reads it as a normalised absolute path (no empty, . or ..
     * components): only then does a byte prefix decide Falco's pmatch,
     * which compares whole components. */
    bool normalized_path;
    /* evt.arg.NAME: which register holds it depends on the syscall
     * (core/sysargs.def); codegen passes the register to the filler. */
    bool arg_by_syscall;
    /* fd.directory, fd.filename: computed from the fd.name and fd.typechar slots. */
    bool from_fd_name;
    /* Reads the event's socket (rulec_event_socket, computed once per event). */
    bool socket;
    /* About what reading it costs per event, in ns: the order in which rules test fields. */
    unsigned cost;
    /* The value is another field's: comparisons read that field's slot (fd.cnet is fd.cip
     * compared with networks). */
    bool aliased;
    enum field_id alias;
    /* And of a second field: a comparison holds when it holds for either (fd.ip, fd.net,
     * fd.port: the client's and the server's ends), `!=` when it holds for both. */
    bool either_end;
    enum field_id other;
    /* A capability set (thread.cap_*): the slot holds the mask, Falco's value is the names of
     * its bits (core/sysargs.h SA_CAPS); `contains` a name is a bit test. */
    bool caps;
};

/* NULL when the kernel cannot extract the field (or this argument form). */
const struct kfield *kfield_for(const struct field_def *def, const char *arg);
/* The entry whose slot holds the value (itself, or the aliased field's), and for either-end
 * fields the other end's (NULL otherwise). */
const struct kfield *kfield_slot(const struct kfield *kf);
const struct kfield *kfield_other_slot(const struct kfield *kf);
