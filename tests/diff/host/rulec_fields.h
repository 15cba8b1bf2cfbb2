/* Host stand-in for compiler/bpf/rulec_fields.h: the per-event context,
 * the LPM key types, the set lookups (the semantics of the BPF helpers, on
 * host memory) and one filler per field the kernel reads, each handing over
 * to the differential test driver, which copies the synthetic event's value
 * into the slot. The filler list (rulec_host_fills.h) is generated from
 * compiler/kfields.c by `diff --fills`. No extractor is needed here; the
 * word-at-a-time string tests the generated atoms call are the real ones
 * (compiler/bpf/rulec_words.h), with the loop they run under as a plain
 * loop. */
#ifndef RULEC_FIELDS_H
#define RULEC_FIELDS_H

#include "rulec_host.h"
#include "rulec_nr.h" /* generated from core/evttypes.def, as the kernel's */

#define RULEC_PATH_MAX 256
#define RULEC_LOOP(n, step, ctx)                                                                   \
    do {                                                                                           \
        for (__u32 i_ = 0; i_ < (n); i_++)                                                         \
            if (step(i_, (ctx)))                                                                   \
                break;                                                                             \
    } while (0)

#include "../../../compiler/bpf/rulec_words.h"

struct rulec_cx {
    long ret;
    __u32 id;
    __u64 args[6];
};

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

#define rulec_dns_names(ip_) rulec_host_dns(ip_)

#define rulec_host_map_type(map_) ((unsigned)(sizeof(*(map_)->type) / sizeof(int)))
#define rulec_host_map_max(map_) ((unsigned)(sizeof(*(map_)->max_entries) / sizeof(int)))

#define bpf_map_lookup_elem(map_, key_)                                                            \
    rulec_host_map_lookup((map_), rulec_host_map_type(map_), sizeof(*(map_)->key),                 \
                          sizeof(*(map_)->value), rulec_host_map_max(map_), (key_))

#define rulec_prefix_match(map_, value_, len_, size_)                                              \
    rulec_host_prefix_match((map_), rulec_host_map_type(map_), sizeof(*(map_)->key),               \
                            rulec_host_map_max(map_), (value_), (unsigned)(len_),                  \
                            (unsigned)(size_))

static __always_inline void rulec_cx_load(struct rulec_cx *cx, const struct rulec_record_hdr *h)
{
    cx->ret = h->ret;
    cx->id = h->evt_id;
    for (int i = 0; i < 6; i++)
        cx->args[i] = h->args[i];
}

#define RULEC_HOST_FILL(name)                                                                      \
    static __always_inline void rulec_fill_##name(struct rulec_cx *cx, struct rulec_slot_hdr *h,   \
                                                  __u8 *d, __u32 size, __u32 arg)                  \
    {                                                                                              \
        rulec_host_fill(#name, cx, h, d, size, arg);                                               \
    }
#include "rulec_host_fills.h"
#undef RULEC_HOST_FILL

/* fd.directory and fd.filename: the kernel computes them from the fd.name and fd.typechar slots
 * (e2e tests check that); here, like every field, they come from the synthetic event. */
#define RULEC_HOST_FILL_FROM_NAME(name)                                                            \
    static __always_inline void rulec_fill_##name(                                                 \
        struct rulec_cx *cx, struct rulec_slot_hdr *h, __u8 *d, int name_st,                       \
        const struct rulec_slot_hdr *nh, const __u8 *fdname, int type_st, const __u8 *type)        \
    {                                                                                              \
        (void)name_st, (void)nh, (void)fdname, (void)type_st, (void)type;                          \
        rulec_host_fill(#name, cx, h, d, 256, 0);                                                  \
    }
RULEC_HOST_FILL_FROM_NAME(fd_directory)
RULEC_HOST_FILL_FROM_NAME(fd_filename)
#undef RULEC_HOST_FILL_FROM_NAME

/* fd.name read after fd.nameraw (the kernel copies the argument when it is already normal,
 * kernel tests check that): the synthetic event's fd.name here too. */
static __always_inline void rulec_fill_fd_name_from_raw(struct rulec_cx *cx,
                                                        struct rulec_slot_hdr *h, __u8 *d,
                                                        int raw_st, const struct rulec_slot_hdr *rh,
                                                        const __u8 *raw)
{
    (void)raw_st, (void)rh, (void)raw;
    rulec_host_fill("fd_name", cx, h, d, 256, 0);
}

/* Programs are plain functions: int BPF_PROG(name, args) -> int name(args). */
#define BPF_PROG(name, ...) name(__VA_ARGS__)

#endif
