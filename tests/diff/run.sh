#!/bin/sh
# The differential test of the split (tests/diff/README.md): for each
# ruleset, the generated BPF C is compiled natively against tests/diff/host/
# and run on synthetic events against the interpreter on the full condition.
#   tests/diff/run.sh [BUILD]        (BUILD defaults to build)
# DIFF_EVENTS events per ruleset (default 100000), DIFF_SEED (default 1).
# The upstream Falco rules are used when present (RULEC_UPSTREAM_DIR,
# default /work/upstream), read in place, never copied.
BUILD=${1:-build}
EVENTS=${DIFF_EVENTS:-100000}
SEED=${DIFF_SEED:-1}
UPSTREAM=${RULEC_UPSTREAM_DIR:-/work/upstream}
CC=${CC:-cc}
HERE=$(dirname "$0")
OUT=$BUILD/diff

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
WARN="-Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes"
LDLIBS="-lyaml -lbpf -lelf -lz -ljson-c -lpcre2-8 -lcrypto -ldl"

make -s BUILD="$BUILD" "$BUILD/rulec" "$BUILD/librulec-san.a" || exit 1
mkdir -p "$OUT" || exit 1
# shellcheck disable=SC2086
$CC -std=c11 -D_GNU_SOURCE $WARN -O1 -g $SAN -I. -I"$BUILD/gen" -rdynamic \
    -o "$OUT/diff" "$HERE/diff.c" "$BUILD/librulec-san.a" $LDLIBS || exit 1
"$OUT/diff" --fills > "$OUT/rulec_host_fills.h" || exit 1

# The rulesets: NAME FILE... (one per line).
list="$OUT/rulesets"
{
    echo "diff-operators $HERE/rules/operators.yaml"
    echo "diff-edges $HERE/rules/edges.yaml"
    echo "diff-search-net $HERE/rules/search_net.yaml"
    echo "diff-task-state $HERE/rules/task_state.yaml"
    echo "stdlib $(echo stdlib-rules/*.yaml)"
    echo "e2e tests/e2e/rules/runtime.yaml"
    echo "e2e-sysargs tests/e2e/rules/sysargs.yaml"
    echo "e2e-fdpath tests/e2e/rules/fdpath.yaml"
    if [ -f "$UPSTREAM/falco_rules.yaml" ]; then
        echo "upstream $UPSTREAM/falco_rules.yaml $UPSTREAM/falco-incubating_rules.yaml" \
             "$UPSTREAM/falco-sandbox_rules.yaml"
    else
        echo "diff: upstream: skipped: $UPSTREAM/falco_rules.yaml not found" >&2
    fi
} > "$list"

# Generate and compile every ruleset's C first (in parallel: the compiles
# are most of the time), then run the tests one by one.
# shellcheck disable=SC2086
build_one() {
    name=$1; shift
    gen="$OUT/$name.c"
    rm -f "$OUT/$name.so" "$OUT/$name.log"
    if ! "$BUILD/rulec" compile --emit c "$@" > "$gen" 2> "$OUT/$name.log"; then
        echo "diff: $name: rulec compile failed" >> "$OUT/$name.log"
        return
    fi
    # The host headers first, then the real ABI header.
    $CC -std=gnu11 -O0 -g $SAN -fPIC -shared -I"$HERE/host" -I"$OUT" -Icore -I"$BUILD/gen" \
        -Wall -Wno-unused-function -Wno-unused-variable -Wno-unused-but-set-variable \
        -Wno-misleading-indentation -o "$OUT/$name.so" "$gen" >> "$OUT/$name.log" 2>&1 ||
        echo "diff: $name: the generated C does not compile natively" >> "$OUT/$name.log"
}
while read -r name files; do
    # shellcheck disable=SC2086
    build_one "$name" $files &
done < "$list"
wait

passed=0 failed=0
while read -r name files; do
    missing=
    for f in $files; do [ -f "$f" ] || missing=$f; done
    if [ -n "$missing" ]; then
        echo "diff: $name: skipped: $missing not found"
        continue
    fi
    if [ ! -f "$OUT/$name.so" ]; then
        cat "$OUT/$name.log"
        failed=$((failed + 1))
        continue
    fi
    # shellcheck disable=SC2086
    if "$OUT/diff" --events "$EVENTS" --seed "$SEED" --name "$name" --policy "$OUT/$name.so" \
        --c "$OUT/$name.c" $files; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done < "$list"

echo "diff: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
