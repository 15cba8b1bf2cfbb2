/* rulec_base.h - what every kernel-side extractor shares: buffer sizes, the status convention,
 * the per-CPU scratch space and the loop the long walks run in.
 *
 * Every extractor (rulec_task.h, rulec_proc.h, rulec_paths.h, rulec_fd.h, rulec_sock.h,
 * rulec_open.h, rulec_cgroup.h, rulec_args.h) is static __always_inline, keeps no global state
 * and reads the kernel through CO-RE (rulec_types.h), so one compiled object runs on every
 * kernel from 5.10 that has BTF. Each names the Falco field it implements and follows Falco's
 * (libs') meaning of that field; where the kernel cannot reproduce Falco's value exactly the
 * function says so and returns a status that makes the value "maybe".
 *
 * Status convention (long):
 *   >= 0   success: the value's length in bytes (strings, without the NUL) or 0 for scalars
 *          written through an out-parameter. RULEC_TRUNCATED may be ORed in: the buffer holds
 *          the first rulec_len(st) bytes of a longer value (still NUL-terminated).
 *   <  0   RULEC_E_*: nothing usable was stored (the buffer holds an empty string).
 * A truncated or failed value is "maybe", never a mismatch: the slot fillers (rulec_fields.h)
 * turn these statuses into slot statuses, and the generated atoms answer RULEC_SLOT_TRUNCATED
 * and RULEC_SLOT_ERROR with "maybe".
 *
 * Buffers are fixed-size and caller-provided. Functions that assemble paths need a
 * struct rulec_scratch (a few KB, too big for the 512-byte BPF stack): the caller keeps one in a
 * per-CPU array map, see RULEC_SCRATCH_MAP() and rulec_scratch_get().
 *
 * Verifier cost. The long loops (path normalisation, dentry walks, argument joins, the cgroup
 * scan) go through RULEC_LOOP: bpf_loop (5.17+, found by a CO-RE check) where the kernel has
 * it, so the verifier checks the step once; a bounded for loop otherwise, which the verifier
 * walks once per iteration. Loop-carried state that depends on data lives in the scratch map
 * through RULEC_MEM() so the verifier sees one state per iteration instead of one per path taken
 * through earlier iterations. For the same reason a caller should not keep values that differ
 * between paths (a syscall argument tested against constants, the return value after a
 * "ret < 0" branch) live in registers across a costly extractor: the verifier walks the
 * extractor once per variant. Keep them in map memory (the event record) instead.
 *
 * Each header gives what its extractors cost, measured two ways on 6.18: the instructions the
 * verifier processes for the group program of a one-rule policy on openat comparing the field
 * (with bpf_loop; about 300 of them are the program's own), and, where the numbers were taken,
 * the extractor alone with the bounded loops of kernels before 5.17. This one costs nothing by
 * itself. */
#pragma once

#include "rulec_types.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* ---- sizes --------------------------------------------------------------------------------------
 *
 * RULEC_PATH_MAX (256, also args, cmdline and exe): paths are built with masked offsets into a
 * 2*RULEC_PATH_MAX scratch area, so it must be a power of two. 256 covers nearly every path and
 * command line rules match on (the paths in Falco's default rules are all far shorter), keeps a
 * ring-buffer record with a handful of string fields around 1-2 KB, and keeps the verifier cost
 * of the byte loops (path normalisation, args joining) low: those loops run RULEC_PATH_MAX
 * times in the verifier whatever the actual length. A longer value is reported truncated and
 * decided in userspace. Raise it with -DRULEC_PATH_MAX=512 if the rules need it.
 */
#define RULEC_COMM_LEN 16 /* TASK_COMM_LEN: proc.name is at most 15 characters */
#ifndef RULEC_PATH_MAX
#define RULEC_PATH_MAX 256
#endif
#define RULEC_NORM_COMPONENTS 64 /* components of an open() path argument normalised */

_Static_assert((RULEC_PATH_MAX & (RULEC_PATH_MAX - 1)) == 0, "RULEC_PATH_MAX: power of two");

/* ---- status ---------------------------------------------------------------------------------- */

#define RULEC_TRUNCATED (1L << 24)
#define RULEC_LEN_MASK (RULEC_TRUNCATED - 1)

#define RULEC_E_FAULT (-1L)     /* a kernel or user memory read failed */
#define RULEC_E_NOENT (-2L)     /* no such value: no mm, fd not open, no such ancestor */
#define RULEC_E_TOOLONG (-3L)   /* longer or deeper than the buffers; no usable prefix */
#define RULEC_E_AMBIGUOUS (-4L) /* the kernel cannot decide Falco's value (see the function) */
#define RULEC_E_INVAL (-5L)     /* not applicable: not a socket, pseudo file, other syscall */

static __always_inline long rulec_len(long st)
{
    return st < 0 ? 0 : (st & RULEC_LEN_MASK);
}

static __always_inline bool rulec_truncated(long st)
{
    return st >= 0 && (st & RULEC_TRUNCATED);
}

/* Forces a loop-carried variable through memory, see the header comment. */
#define RULEC_MEM(x) (*(volatile __typeof__(x) *)&(x))

/* Makes x opaque to the compiler, so that a following bounds mask is emitted as written: clang
 * otherwise drops a mask it can prove redundant, and the verifier, which tracks less, then
 * rejects the unmasked register. */
#define RULEC_OPAQUE(x) asm volatile("" : "+r"(x))

/* ---- scratch space --------------------------------------------------------------------------- */

struct rulec_sockaddr {
    __u16 family;                       /* AF_*; 0 if there was no address */
    __u16 port;                         /* host byte order (AF_INET, AF_INET6) */
    __u8 addr[16];                      /* network byte order; IPv4 in the first 4 bytes */
    char path[RULEC_UNIX_PATH_MAX + 1]; /* AF_UNIX sun_path, NUL-terminated; abstract names
                                         * start with '\0' as in the kernel */
};

struct rulec_scratch {
    char path[2 * RULEC_PATH_MAX];      /* path assembly: masked offsets stay in bounds */
    char raw[2 * RULEC_PATH_MAX];       /* a path argument read from user memory */
    __u16 slash[RULEC_PATH_MAX];        /* positions of '/' during normalisation */
    __u16 bound[RULEC_NORM_COMPONENTS]; /* ends of the path argument's components */
    __u32 tc, pc, sp, nb;               /* normalisation state */
    __u32 pos;                          /* path assembly position */
    __s64 arg0, arg1;                   /* arguments laundered through memory */
    struct rulec_sockaddr sa;           /* a socket address argument (too big for the stack) */
};

/* Defines the per-CPU scratch map a program passes to the path and container extractors. */
#define RULEC_SCRATCH_MAP(name)                                                                    \
    RULEC_GLOBAL struct {                                                                          \
        __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                                                   \
        __uint(max_entries, 1);                                                                    \
        __type(key, __u32);                                                                        \
        __type(value, struct rulec_scratch);                                                       \
    } name SEC(".maps")

static __always_inline struct rulec_scratch *rulec_scratch_get(void *map)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(map, &zero);
}

/* Loops over scratch state: with bpf_loop (5.17) the verifier checks the step once, instead of
 * once per iteration of a bounded loop, which made the path extractors most of a policy's load
 * time. The CO-RE check is a constant once relocated, so the verifier walks only the branch this
 * kernel takes; older kernels run the same step as a bounded loop. A step returns 0 to go on, 1
 * to stop; it reads and writes its state through the scratch area, whose pointer it gets. */
struct rulec_loop_ctx {
    struct rulec_scratch *s;
    long ret; /* what a step wants returned, when it stops early */
};

#ifdef RULEC_NO_BPF_LOOP /* tests/kernel: the path older kernels take */
#define RULEC_HAVE_BPF_LOOP() 0
#else
#define RULEC_HAVE_BPF_LOOP()                                                                      \
    bpf_core_enum_value_exists(enum bpf_func_id___rulec, BPF_FUNC_loop___rulec)
#endif

#define RULEC_LOOP(n, step, ctx)                                                                   \
    do {                                                                                           \
        if (RULEC_HAVE_BPF_LOOP()) {                                                               \
            bpf_loop((n), (step), (ctx), 0);                                                       \
        } else {                                                                                   \
            for (__u32 i_ = 0; i_ < (n); i_++)                                                     \
                if (step(i_, (ctx)))                                                               \
                    break;                                                                         \
        }                                                                                          \
    } while (0)

/* ---- the current task ---------------------------------------------------------------------- */

static __always_inline struct task_struct *rulec_current(void)
{
    return (struct task_struct *)bpf_get_current_task();
}
