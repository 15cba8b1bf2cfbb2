/* Host stand-in for compiler/bpf/rulec_kernel.h (the kernel extractors):
 * the differential test replaces every slot filler (rulec_fields.h), so no
 * extractor is needed here. */
#ifndef RULEC_KERNEL_H
#define RULEC_KERNEL_H
#endif
