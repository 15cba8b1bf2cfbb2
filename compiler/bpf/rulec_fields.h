/* rulec_fields.h - the slot fillers generated code calls: one per field the kernel can read
 * (compiler/kfields.c lists them), each wrapping an extractor (rulec_kernel.h indexes them) and
 * turning its status into a slot status, by family (rulec_fill_*.h); and the tests of a slot's
 * value against sets and suffixes that the generated atoms make. */
#pragma once

#include "rulec_fill.h"
#include "rulec_fill_args.h"
#include "rulec_fill_fd.h"
#include "rulec_fill_open.h"
#include "rulec_fill_sock.h"
#include "rulec_fill_task.h"
#include "rulec_task_state.h"
#include "rulec_tri.h"
#include "rulec_words.h"

/* ---- what the atoms test ----------------------------------------------------------------------
 */

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

/* startswith / pmatch over a set: a longest-prefix lookup of the value; maybe when the key
 * cannot be built. */
#define rulec_prefix_match(map_, value_, len_, size_)                                              \
    ({                                                                                             \
        __u32 zero_ = 0;                                                                           \
        struct rulec_lpm_key256 *k_ = bpf_map_lookup_elem(&rulec_lpm_scratch, &zero_);             \
        enum rulec_tri r_ = RULEC_MAYBE;                                                           \
        if (k_) {                                                                                  \
            __builtin_memcpy(k_->data, (value_), (size_));                                         \
            k_->prefixlen = (__u32)(len_)*8;                                                       \
            r_ = bpf_map_lookup_elem((map_), k_) != 0;                                             \
        }                                                                                          \
        r_;                                                                                        \
    })
