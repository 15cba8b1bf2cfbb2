#!/bin/sh
# Checks rulec against the upstream Falco rules files, which the repo does
# not carry: set RULEC_UPSTREAM_DIR to a checkout's rules/ directory (with
# falco_rules.yaml, falco-incubating_rules.yaml, falco-sandbox_rules.yaml).
# Lints them together (zero errors), compiles them and, as root, loads the
# policy into the kernel (it must pass the verifier).
BUILD=${1:-build}
DIR=${RULEC_UPSTREAM_DIR:-/work/upstream}
FILES="$DIR/falco_rules.yaml $DIR/falco-incubating_rules.yaml $DIR/falco-sandbox_rules.yaml"
for f in $FILES; do
    [ -f "$f" ] || { echo "upstream: skipped: $f not found (set RULEC_UPSTREAM_DIR)"; exit 0; }
done
status=0
# shellcheck disable=SC2086
if "$BUILD/rulec" lint $FILES; then echo "ok - upstream files lint with zero errors"
else echo "not ok - upstream lint"; status=1; fi
out=$(mktemp /tmp/rulec-upstream.XXXXXX.o)
# shellcheck disable=SC2086
if "$BUILD/rulec" compile $FILES -o "$out"; then echo "ok - upstream files compile"
else echo "not ok - upstream compile"; status=1; fi
if [ "$(id -u)" -eq 0 ] && [ $status -eq 0 ]; then
    "$BUILD/rulec" run --no-stdout --output-file /dev/null "$out" 2>"$out.err" &
    pid=$!
    for _ in $(seq 1 300); do
        grep -q "loaded and attached" "$out.err" && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    if grep -q "loaded and attached" "$out.err"; then
        echo "ok - upstream policy passes the verifier and attaches ($(grep -o 'in [0-9.]* ms' "$out.err"))"
    else
        echo "not ok - upstream policy load"; cat "$out.err"; status=1
    fi
    kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null
fi
rm -f "$out" "$out.err"
exit $status
