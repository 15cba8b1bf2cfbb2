#!/bin/sh
# Runs each libFuzzer target for a bounded time from its seed corpus
# (tests/fuzz/seeds/<target>/); any finding fails the run.
secs=$1; shift
status=0
for f in "$@"; do
    name=$(basename "$f")
    work=$(mktemp -d)
    seeds=tests/fuzz/seeds/$name
    [ -d "$seeds" ] || seeds=""
    echo "fuzz: $name for ${secs}s"
    if ! "$f" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" -print_final_stats=0 $work $seeds >"$work/log" 2>&1; then
        echo "fuzz: $name FAILED"; tail -40 "$work/log"; ls "$work"; status=1
    else
        grep -E '^#[0-9]+.*DONE' "$work/log" | tail -1
    fi
    rm -rf "$work"
done
exit $status
