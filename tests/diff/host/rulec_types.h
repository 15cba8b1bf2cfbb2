/* Host stand-in for compiler/bpf/rulec_types.h: lets the generated BPF C
 * compile as plain C for the differential test (tests/diff/). Only what the
 * generated file itself uses: fixed-width types, section and inlining
 * attributes, and the map-definition macros (as libbpf's bpf_helpers.h
 * spells them, so map types, sizes and key types stay visible to the host
 * lookup through sizeof). */
#ifndef RULEC_TYPES_H
#define RULEC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/types.h>

#define SEC(name)
/* One translation unit here: every global is defined (see the real rulec_types.h). */
#define RULEC_GLOBAL
#define RULEC_NODEBUG
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif

/* As in libbpf: the value is encoded in the member's type. */
#define __uint(name, val) int(*name)[val]
#define __type(name, val) __typeof__(val) *name
#define __array(name, val) __typeof__(val) *name[]

enum rulec_host_map_type {
    BPF_MAP_TYPE_HASH = 1,
    BPF_MAP_TYPE_ARRAY = 2,
    BPF_MAP_TYPE_PROG_ARRAY = 3,
    BPF_MAP_TYPE_PERCPU_ARRAY = 6,
    BPF_MAP_TYPE_LPM_TRIE = 11,
    BPF_MAP_TYPE_RINGBUF = 27,
};
#define BPF_F_NO_PREALLOC 1

struct pt_regs;

#endif
