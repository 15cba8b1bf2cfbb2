#!/bin/sh
# Builds and runs the kernel test of the extractors in compiler/bpf/ (rulec_kernel.h includes
# them all): a BPF object built exactly as generated policies are (clang -target bpf against the
# repo's minimal CO-RE header and the syscall numbers generated in BUILD/gen) and a libbpf driver
# that loads it, makes real syscalls and checks every extracted field.
#
#   tests/kernel/run.sh [BUILD]     (BUILD defaults to build/; needs root, exits 77 without)
#
# Prints the verifier statistics of each program and "kernel: N passed, N failed".
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
out=$build/tests/kernel
CLANG=${CLANG:-clang}
CC=${CC:-cc}
WARN="-Wall -Wextra -Werror -Wno-unused-parameter -Wshadow"

mkdir -p "$out"
# Twice: with bpf_loop (this kernel has it), and with the bounded loops kernels before 5.17
# run instead (RULEC_NO_BPF_LOOP), so that both paths of RULEC_LOOP are checked here.
$CLANG -O2 -g -target bpf -D__TARGET_ARCH_x86 $WARN -I"$top/compiler/bpf" -I"$top/core" -I"$build/gen" \
    -c "$here/kernel_test.bpf.c" -o "$out/kernel_test.bpf.o"
$CLANG -O2 -g -target bpf -D__TARGET_ARCH_x86 -DRULEC_NO_BPF_LOOP $WARN -I"$top/compiler/bpf" -I"$top/core" \
    -I"$build/gen" -c "$here/kernel_test.bpf.c" -o "$out/kernel_test_noloop.bpf.o"
$CC -std=c11 -D_GNU_SOURCE -O2 -g $WARN -Wstrict-prototypes -I"$top" -o "$out/kernel_test" \
    "$here/kernel_test.c" "$top/core/container_id.c" -lbpf -lelf -lz -pthread
echo "kernel: with bpf_loop"
"$out/kernel_test" "$out/kernel_test.bpf.o" || exit $?
echo "kernel: with bounded loops (RULEC_NO_BPF_LOOP, kernels before 5.17)"
exec "$out/kernel_test" "$out/kernel_test_noloop.bpf.o"
