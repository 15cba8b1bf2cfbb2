/* Host stand-in for compiler/bpf/rulec_kernel.h (the kernel extractors):
 * the differential test replaces every slot filler (rulec_fields.h), so no
 * extractor is needed here; the word-at-a-time string tests the generated
 * predicates call are the real ones (compiler/bpf/rulec_words.h), with the
 * loop they run under as a plain loop. */
#ifndef RULEC_KERNEL_H
#define RULEC_KERNEL_H

#define RULEC_PATH_MAX 256
#define RULEC_LOOP(n, step, ctx)                                                                   \
    do {                                                                                           \
        for (__u32 i_ = 0; i_ < (n); i_++)                                                         \
            if (step(i_, (ctx)))                                                                   \
                break;                                                                             \
    } while (0)

#include "../../../compiler/bpf/rulec_words.h"

#endif
