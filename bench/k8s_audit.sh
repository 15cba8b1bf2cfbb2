#!/usr/bin/env bash
# The k8s audit webhook step of `make bench` (bench/run.sh runs it), or alone:
#
#   bash bench/k8s_audit.sh [BUILD [POLICY]]    (root: the stdlib policy loads BPF)
#
# `rulec run` with the stdlib policy (syscall and k8s audit rules) and its
# webhook on a free loopback port; bench/audit_post posts the real audit
# events of tests/e2e/k8saudit (about 60% of them alert), in EventLists of
# 100 as the API server's batching webhook backend does, over 2 keep-alive
# connections: 5,000 events/s offered, then as fast as the answers come, then
# single-event requests (the blocking backend) over 4 connections. After
# each step it waits until rulec has evaluated what it took. Memory: the
# resident size of the same policy run without the webhook, then with it
# idle, its peak while flooded, and after. Prints "key value" lines.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RULEC=$BUILD/rulec
POST=$BUILD/bench/audit_post
EVENTS=tests/e2e/k8saudit/*.json
MAX_EVENTS=${BENCH_K8S_EVENTS:-200000}

die() {
    echo "bench k8s_audit: error: $*" >&2
    exit 1
}
WORK=$(mktemp -d /tmp/rulec-bench-k8s.XXXXXX) || die "mktemp"
PID=
cleanup() {
    [ -n "$PID" ] && kill -INT "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -p "$BUILD/bench"
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o "$POST" bench/audit_post.c -lpthread ||
    die "cannot build audit_post"
POLICY=${2:-}
if [ -z "$POLICY" ]; then
    POLICY=$WORK/stdlib.bpf.o
    "$RULEC" compile stdlib-rules/*.yaml -o "$POLICY" 2>"$WORK/c.err" || { cat "$WORK/c.err"; die "compile"; }
fi

kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# start [run options]: rulec run on POLICY until it is ready
start() {
    : >"$WORK/run.err"
    "$RULEC" run --json --no-stdout --output-file "$WORK/alerts.json" "$@" "$POLICY" \
        2>"$WORK/run.err" &
    PID=$!
    for _ in $(seq 1 600); do
        grep -Eq "loaded and attached|nothing loaded into the kernel" "$WORK/run.err" && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    grep -Eq "loaded and attached|nothing loaded into the kernel" "$WORK/run.err" ||
        { cat "$WORK/run.err"; die "rulec run did not start"; }
    sleep 1
}
stop() {
    kill -INT "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
}
# "received evaluated dropped", once rulec has evaluated every event it took
counters() {
    local n0 n line
    for _ in $(seq 1 100); do
        n0=$(grep -c 'k8s_audit: received' "$WORK/run.err")
        kill -USR2 "$PID"
        for _ in $(seq 1 50); do
            n=$(grep -c 'k8s_audit: received' "$WORK/run.err")
            [ "$n" -gt "$n0" ] && break
            sleep 0.02
        done
        line=$(grep 'k8s_audit: received' "$WORK/run.err" | tail -n 1 |
            sed 's/.*received \([0-9]*\), evaluated \([0-9]*\), dropped \([0-9]*\).*/\1 \2 \3/')
        set -- $line
        [ $# -eq 3 ] && [ "$1" -eq "$2" ] && break
        sleep 0.1
    done
    echo "$line"
}
post() { "$POST" -p "$PORT" "$@" $EVENTS || die "audit_post $* failed"; }

start --no-k8s-audit
echo "k8s_rss_base_kb $(kb "$PID" VmRSS)"
stop

start --k8s-audit http://127.0.0.1:0/k8s-audit
PORT=$(sed -n 's/.*webhook http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/run.err")
[ -n "$PORT" ] || die "no webhook port"
echo "k8s_rss_idle_kb $(kb "$PID" VmRSS)"
out=$(post -n 50000 -b 100 -c 2 -r 5000)
echo "k8s_paced_eps $(kv "$out" events_per_s)"
echo "k8s_paced_refused $(kv "$out" refused)"
out=$(post -n "$MAX_EVENTS" -b 100 -c 2)
echo "k8s_max_eps $(kv "$out" events_per_s)"
echo "k8s_max_refused $(kv "$out" refused)"
counters >/dev/null
echo "k8s_hwm_kb $(kb "$PID" VmHWM)"
out=$(post -n 40000 -b 1 -c 4)
echo "k8s_single_eps $(kv "$out" events_per_s)"
echo "k8s_single_refused $(kv "$out" refused)"
set -- $(counters)
echo "k8s_received $1"
echo "k8s_evaluated $2"
echo "k8s_dropped $3"
echo "k8s_posted $((50000 + MAX_EVENTS / 100 * 100 + 40000))"
sleep 1
echo "k8s_rss_after_kb $(kb "$PID" VmRSS)"
stop
echo "k8s_alerts $(grep -c '"source":"k8s_audit"' "$WORK/alerts.json")"
