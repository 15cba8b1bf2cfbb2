#!/usr/bin/env bash
# make bench: measures rulec against no monitor, a ship-everything reference and bpftrace,
# prints one table and rewrites BENCHMARKS.md. Root only (it loads BPF programs).
#
#   bash bench/run.sh [BUILD]        (make bench runs it with BUILD=build)
#
# Environment:
#   RULEC_UPSTREAM_DIR  directory with falco_rules.yaml, falco-incubating_rules.yaml,
#                       falco-sandbox_rules.yaml (default /work/upstream; skipped if absent)
#   BENCH_REPS          interleaved repetitions of the slowdown runs (default 5)
#   BENCH_STATS_REPS    repetitions of the BPF-stats runs (default 3)
#   BENCH_COMPILE_REPS  runs of the compile timing (default 5; lint runs 4x as many)
#   BENCH_NO_WRITE=1    print the table but leave BENCHMARKS.md alone
#   BENCH_CM_ALERTS, BENCH_CM_CONTAINERS, BENCH_CM_RATE   bench/containers.sh's sizes
#   BENCH_ONLY=flood    only the flood step (7.): its rows, BENCHMARKS.md left alone (~2 min)
#   CC, CLANG, BPFTRACE, BPFTOOL   tools (defaults cc, clang, bpftrace, bpftool)
#
# Every background process it starts (monitors, the load generator) is stopped by pid, the
# temp directory removed, kernel.bpf_stats_enabled restored and tracefs unmounted if it
# mounted it, also when interrupted.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
export LC_ALL=C

BUILD_ARG=${1:-build}
BUILD=$BUILD_ARG
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac

UPSTREAM_DIR=${RULEC_UPSTREAM_DIR:-/work/upstream}
REPS=${BENCH_REPS:-5}
STATS_REPS=${BENCH_STATS_REPS:-3}
COMPILE_REPS=${BENCH_COMPILE_REPS:-5}
CC=${CC:-cc}
CLANG=${CLANG:-clang}
BPFTRACE=${BPFTRACE:-bpftrace}
BPFTOOL=${BPFTOOL:-bpftool}

NULL_SECS=1       # getppid loop per measurement
MIX_SECS=1.5      # syscall mix per measurement
EXEC_EVERY=500    # fork+exec of /bin/true every N rounds of the mix
STATS_ROUNDS=20000
STATS_NULL_SECS=0.5
TCK=$(getconf CLK_TCK)

die() {
    echo "bench: error: $*" >&2
    exit 1
}
T0=$(date +%s)
say() { echo "bench: [$(($(date +%s) - T0))s] $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    echo "bench: error: must run as root (it loads BPF programs and reads BPF stats)" >&2
    exit 1
fi

# ---- cleanup, also on interruption ---------------------------------------------------------
WORK=
MON_PID=
LOAD_PID=
STATS_ORIG=
MOUNTED_TRACEFS=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    [ -n "$LOAD_PID$MON_PID" ] && echo "bench: cleaning up (stopping $LOAD_PID $MON_PID)" >&2
    for p in $LOAD_PID $MON_PID; do
        kill -INT "$p" 2>/dev/null
    done
    for p in $LOAD_PID $MON_PID; do
        for _ in $(seq 1 100); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    [ -n "$STATS_ORIG" ] && sysctl -q -w kernel.bpf_stats_enabled="$STATS_ORIG" >/dev/null 2>&1
    [ -n "$MOUNTED_TRACEFS" ] && umount /sys/kernel/tracing 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
    [ -n "${MD_TMP:-}" ] && rm -f "$MD_TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM HUP

WORK=$(mktemp -d /tmp/rulec-bench.XXXXXX) || die "mktemp failed"
export TMPDIR=$WORK
STATS_ORIG=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
sysctl -q -w kernel.bpf_stats_enabled=0 >/dev/null 2>&1

# ---- helpers --------------------------------------------------------------------------------
now_ns() { date +%s%N; }
RES=$WORK/res   # one "key value" per line
: >"$RES"
put() { echo "$1 $2" >>"$RES"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "nan" : v) }' "$RES"; }
getmed() { awk -v k="$1" '$1 == k { print $2 }' "$RES" | median; }
# the table's rows
pct() { fmt "$(calc "$1 * 100")" '%+.1f%%'; }
yes_no() { if awk "BEGIN { exit !($1) }"; then echo met; else echo MISSED; fi; }
ROWS=$WORK/rows
: >"$ROWS"
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >>"$ROWS"; }
bar() { # bar FIGURE VALUE-TEXT BAR-TEXT CONDITION (awk expression; nan -> not measured)
    local st
    case $4 in *nan*) st="not measured" ;; *) st=$(yes_no "$4") ;; esac
    row "$1" "$2" "$3" "$st"
}
# median of the numbers on stdin ("nan" when none)
median() {
    sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# value of key=... in a loadgen line
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
# arithmetic with awk: calc 'a / b' (prints nan on errors)
calc() {
    case $1 in *nan* | *n/a*) echo nan; return ;; esac
    awk "BEGIN { x = ($1); printf \"%.6g\n\", x }" 2>/dev/null || echo nan
}
fmt() { awk -v x="$1" -v f="$2" 'BEGIN { if (x == "nan" || x == "") print "n/a"; else printf f, x }'; }
isnum() { case $1 in '' | nan | -nan | inf | -inf) return 1 ;; *) return 0 ;; esac; }

# run the load generator in the background (so that traps run at once when interrupted);
# its output line goes to LOAD_OUT
LOAD_OUT=
run_load() {
    "$LOADGEN" "$@" >"$WORK/load.out" 2>>"$WORK/load.err" &
    LOAD_PID=$!
    wait "$LOAD_PID"
    local rc=$?
    LOAD_PID=
    [ $rc -eq 0 ] || die "loadgen $* failed (rc $rc): $(tail -n 3 "$WORK/load.err")"
    LOAD_OUT=$(cat "$WORK/load.out")
}

SEQ=0
MON_ARGS=() # extra `rulec run` options for the next start_monitor rulec
MON_KIND=
MON_ERR=
MON_OUT=
MON_READY_MS=
# start_monitor KIND [POLICY]: none | rulec POLICY | shipall | emptyhook | bpftrace;
# waits until attached
start_monitor() {
    MON_KIND=$1
    local pat file
    SEQ=$((SEQ + 1))
    MON_OUT=$WORK/mon$SEQ.out
    MON_ERR=$WORK/mon$SEQ.err
    : >"$MON_OUT"
    : >"$MON_ERR"
    local t0
    t0=$(now_ns)
    case $MON_KIND in
    none) MON_PID= ; MON_READY_MS=0; return 0 ;;
    rulec)
        "$RULEC" run --no-k8s-audit --trusted-key "$BENCH_KEY_PUB" "${MON_ARGS[@]}" "$2" >/dev/null 2>"$MON_ERR" &
        pat="loaded and attached"; file=$MON_ERR ;;
    shipall)
        "$BENCH_BIN/shipall" "$BENCH_BIN/shipall.bpf.o" >"$MON_OUT" 2>"$MON_ERR" &
        pat="loaded and attached"; file=$MON_ERR ;;
    emptyhook)
        "$BENCH_BIN/shipall" --empty "$BENCH_BIN/shipall.bpf.o" >"$MON_OUT" 2>"$MON_ERR" &
        pat="loaded and attached"; file=$MON_ERR ;;
    bpftrace)
        "$BPFTRACE" -B line "$WORK/three.bt" >"$MON_OUT" 2>"$MON_ERR" &
        pat="bench: attached"; file=$MON_OUT ;;
    *) die "unknown monitor $MON_KIND" ;;
    esac
    MON_PID=$!
    for _ in $(seq 1 1200); do
        grep -q "$pat" "$file" 2>/dev/null && break
        kill -0 "$MON_PID" 2>/dev/null || break
        sleep 0.05
    done
    if ! grep -q "$pat" "$file" 2>/dev/null; then
        cat "$MON_ERR" >&2
        die "$MON_KIND ${2:-} did not start"
    fi
    MON_READY_MS=$(( ($(now_ns) - t0) / 1000000 ))
    sleep 0.2
}
stop_monitor() {
    [ -n "$MON_PID" ] || return 0
    kill -INT "$MON_PID" 2>/dev/null
    for _ in $(seq 1 300); do
        kill -0 "$MON_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$MON_PID" 2>/dev/null
    wait "$MON_PID" 2>/dev/null
    MON_PID=
}
# rulec's counters, last line printed (SIGUSR2 or exit): "events cand lost records alerts"
rulec_counters() {
    sed -n 's/.*events \([0-9]*\), candidates \([0-9]*\), lost \([0-9]*\), records \([0-9]*\), alerts \([0-9]*\).*/\1 \2 \3 \4 \5/p' \
        "$MON_ERR" | tail -n 1
}
# ask a running rulec for its counters (SIGUSR2) and wait for the new line
rulec_poll() {
    local n0 n
    n0=$(grep -c 'candidates' "$MON_ERR")
    kill -USR2 "$MON_PID" 2>/dev/null || return 1
    for _ in $(seq 1 100); do
        n=$(grep -c 'candidates' "$MON_ERR")
        [ "$n" -gt "$n0" ] && break
        sleep 0.02
    done
    rulec_counters
}
# wait until a running rulec has read every record the kernel submitted
rulec_drain() {
    local c
    for _ in $(seq 1 150); do
        c=$(rulec_poll)
        set -- $c
        [ $# -eq 5 ] && [ "$4" -ge "$2" ] && break
        sleep 0.2
    done
    rulec_counters
}
rulec_load_ms() { sed -n 's/.*loaded and attached in \([0-9.]*\) ms.*/\1/p' "$MON_ERR" | tail -n 1; }
rulec_verify_ms() { sed -n 's/.*loaded and attached in .*, verified in \([0-9.]*\) ms.*/\1/p' "$MON_ERR" | tail -n 1; }
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
proc_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
proc_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# resident kB of the process's mappings of BPF maps (ring buffers, mmapable arrays)
map_rss_kb() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / { m = ($6 ~ /bpf-map/) } m && /^Rss:/ { s += $2 } END { print s + 0 }' \
        "/proc/$1/smaps" 2>/dev/null
}
# ids of the BPF programs a process holds
# prog_ids PID: the programs a process holds, through program fds or (rulec run, which keeps
# only its links once attached) link fds.
prog_ids() {
    local f
    for f in /proc/"$1"/fdinfo/*; do
        awk '/^prog_id/ { print $2 }' "$f" 2>/dev/null
    done | sort -un | paste -sd, -
}
# stats snapshot: "id name run_time_ns run_cnt" per program
prog_stats() {
    "$BPFTOOL" prog show -j 2>/dev/null | jq -r --argjson ids "[$1]" \
        '.[] | select(.id as $i | $ids | index($i)) | "\(.id) \(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"'
}

# ---- build ----------------------------------------------------------------------------------
say "building"
if [ ! -x "$BUILD/rulec" ]; then
    make -s BUILD="$BUILD_ARG" "$BUILD_ARG/rulec" >&2 || die "cannot build rulec"
fi
RULEC=$BUILD/rulec
BENCH_BIN=$BUILD/bench
LOADGEN=$BENCH_BIN/loadgen
mkdir -p "$BENCH_BIN"
WARN="-Wall -Wextra -Werror"
# shellcheck disable=SC2086
$CC -std=c11 -D_GNU_SOURCE $WARN -O2 -o "$LOADGEN" bench/loadgen.c || die "cannot build loadgen"
# shellcheck disable=SC2086
$CLANG -O2 -g -target bpf -D__TARGET_ARCH_x86 $WARN -Icompiler/bpf -Ibench \
    -c bench/shipall.bpf.c -o "$BENCH_BIN/shipall.bpf.o" || die "cannot build shipall.bpf.o"
# shellcheck disable=SC2086
$CC -std=c11 -D_GNU_SOURCE $WARN -O2 -Ibench -o "$BENCH_BIN/shipall" bench/shipall.c \
    -lbpf -lelf -lz || die "cannot build shipall"
command -v jq >/dev/null || die "jq not found (make deps installs it)"
command -v "$BPFTOOL" >/dev/null || die "bpftool not found (make deps installs it)"

HAVE_BPFTRACE=1
command -v "$BPFTRACE" >/dev/null || { HAVE_BPFTRACE=; say "bpftrace not found: its rows are skipped"; }
# bpftrace's tracepoints need tracefs
if [ -n "$HAVE_BPFTRACE" ] && [ ! -d /sys/kernel/tracing/events/syscalls ] &&
    [ ! -d /sys/kernel/debug/tracing/events/syscalls ]; then
    if mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
        MOUNTED_TRACEFS=1
    else
        HAVE_BPFTRACE=; say "tracefs cannot be mounted: bpftrace rows are skipped"
    fi
fi
# the bpftrace script, and a line printed once every probe is attached
if [ -n "$HAVE_BPFTRACE" ]; then
    { printf 'BEGIN\n{\n\tprintf("bench: attached\\n");\n}\n\n'; cat bench/three.bt; } >"$WORK/three.bt"
fi

# ---- 5. flood: the runtime overloaded ---------------------------------------------------------
# Defined here, run last (7.; BENCH_ONLY=flood runs it alone). One Warning rule matches every
# open of a file by the flood generator (loadgen flood, two worker processes), and a Critical
# rule its one open of another file; the runtime writes JSON alerts to a file (file output,
# keep_alive false) with the default 2 MiB ring buffer. Rates are matching events per second.
FLOOD_SECS=2
FLOOD_RATE0=10000
FLOOD_DIR=$WORK/flood
FLOOD_ALERTS=$FLOOD_DIR/alerts.json
flood_start() {
    : >"$FLOOD_ALERTS"
    MON_ARGS=(--json --no-stdout --output-file "$FLOOD_ALERTS")
    start_monitor rulec "$FLOOD_DIR/overload.bpf.o"
    MON_ARGS=()
}
# the matches a running rulec has counted in aggregate alerts (its last counters line)
rulec_aggregated() {
    sed -n 's/.*aggregates [0-9]* (\([0-9]*\) matches).*/\1/p' "$MON_ERR" | tail -n 1
}
# flood_step RATE (0: as fast as possible): FLOOD_SECS of flood, then the runtime's counters
# once the window's aggregate alerts are out: F_OPENS (matching events), F_RATE (achieved),
# F_SINGLE (records read: one alert each), F_LOST (records no ring buffer took), F_AGGR (matches
# in aggregate alerts)
flood_step() {
    local target=$1 c0 a0 c1 a1
    c0=$(rulec_drain)
    a0=$(rulec_aggregated)
    run_load flood -w 2 -d "$FLOOD_SECS" -r "$target" "$FLOOD_DIR/flood-target"
    sleep 2.2 # the once-a-second report, and the read after the last loss
    c1=$(rulec_drain)
    a1=$(rulec_aggregated)
    set -- $c0 $c1
    F_SINGLE=$(($9 - $4))
    F_LOST=$(($8 - $3))
    F_AGGR=$((${a1:-0} - ${a0:-0}))
    F_OPENS=$(kv "$LOAD_OUT" opens)
    F_RATE=$(kv "$LOAD_OUT" rate)
    : >"$FLOOD_ALERTS"
    say "  target ${target/#0/max}/s: $F_OPENS matching opens at $F_RATE/s: $F_SINGLE single alerts, $F_LOST records lost, $F_AGGR matches in aggregate alerts"
}
flood_kept_up() { [ "$F_LOST" -eq 0 ] && [ "$F_SINGLE" -eq "$F_OPENS" ]; }
bench_flood() {
    say "flood: the highest rate with 0 lost (doubling from $FLOOD_RATE0/s, then bisecting), 2x, 5x and 10x of it, the stop latency"
    mkdir -p "$FLOOD_DIR"
    touch "$FLOOD_DIR/flood-target" "$FLOOD_DIR/critical-target"
    sed "s|@DIR@|$FLOOD_DIR|g" tests/e2e/rules/overload.yaml >"$FLOOD_DIR/overload.yaml"
    "$RULEC" compile --sign "$BENCH_KEY" "$FLOOD_DIR/overload.yaml" -o "$FLOOD_DIR/overload.bpf.o" 2>"$WORK/c.err" ||
        { cat "$WORK/c.err"; die "overload.yaml compile"; }
    flood_start
    local rate=$FLOOD_RATE0 ok_rate=0 fail=0 best=0 lim=0 mid base
    while :; do
        flood_step "$rate"
        flood_kept_up || { fail=$rate; break; }
        ok_rate=$rate
        best=$F_RATE
        # the generator's own limit: the runtime kept up with all it could make
        awk -v a="$F_RATE" -v r="$rate" 'BEGIN { exit !(a < 0.8 * r) }' && { lim=1; break; }
        rate=$((rate * 2))
    done
    if [ "$fail" -gt 0 ] && [ "$ok_rate" -gt 0 ]; then
        for _ in 1 2 3; do
            mid=$(((ok_rate + fail) / 2))
            flood_step "$mid"
            if flood_kept_up; then ok_rate=$mid; best=$F_RATE; else fail=$mid; fi
        done
    fi
    put flood_best "$best"
    put flood_gen_limit "$lim"
    base=$ok_rate
    [ "$base" -gt 0 ] || base=$FLOOD_RATE0
    for k in 2 5 10; do
        flood_step $((base * k))
        put "flood_target_$k" $((base * k))
        put "flood_rate_$k" "$F_RATE"
        put "flood_opens_$k" "$F_OPENS"
        put "flood_single_$k" "$F_SINGLE"
        put "flood_aggr_$k" "$F_AGGR"
    done
    stop_monitor
    local t0 t1 rc
    for _ in 1 2 3; do
        flood_start
        "$LOADGEN" flood -w 2 -d 60 "$FLOOD_DIR/flood-target" >/dev/null 2>>"$WORK/load.err" &
        LOAD_PID=$!
        sleep 2
        t0=$(now_ns)
        kill -TERM "$MON_PID"
        wait "$MON_PID"
        rc=$?
        t1=$(now_ns)
        MON_PID=
        kill -TERM "$LOAD_PID"
        wait "$LOAD_PID"
        LOAD_PID=
        put flood_stop_ms "$(calc "($t1 - $t0) / 1e6")"
        put flood_stop_rc "$rc"
        say "  stop: SIGTERM to exit $(calc "($t1 - $t0) / 1e6") ms, exit $rc"
    done
}
flood_rows() {
    local best lim k t r o sg ag smax rcs
    best=$(get flood_best)
    lim=$([ "$(get flood_gen_limit)" = 1 ] && echo " (all the generator made: its limit)")
    row "flood: matching events/s sustained with 0 lost (one Warning rule, JSON alerts to a file)" "$(fmt "$best" '%.0f')/s$lim" "" ""
    for k in 2 5 10; do
        t=$(get "flood_target_$k"); r=$(get "flood_rate_$k"); o=$(get "flood_opens_$k")
        sg=$(get "flood_single_$k"); ag=$(get "flood_aggr_$k")
        bar "flood at ${k}× that ($(fmt "$t" '%.0f')/s asked, $(fmt "$r" '%.0f')/s made): single / aggregated" "$sg single alerts, $ag matches in aggregate alerts ($(fmt "$(calc "$ag * 100 / $o")" '%.0f')%); $((sg + ag)) of $o matches accounted for" "alerts + aggregated = matches" "$sg + $ag == $o"
    done
    smax=$(awk '$1 == "flood_stop_ms" { if ($2 > m) m = $2 } END { print m + 0 }' "$RES")
    rcs=$(awk '$1 == "flood_stop_rc" && $2 != 0 { n++ } END { print n + 0 }' "$RES")
    bar "stop latency under a flood: SIGTERM to exit (median of $(grep -c '^flood_stop_ms ' "$RES"))" "$(fmt "$(getmed flood_stop_ms)" '%.0f') ms (max $(fmt "$smax" '%.0f') ms), $rcs non-zero exits" "< 1 s, exit 0" "$smax < 1000 && $rcs == 0"
}

# Policies are signed, and every rulec session trusts only that key, as a node that requires
# signed policies runs: the integrity check measured is the whole one (digest, signature, signer).
BENCH_KEY=$WORK/bench-key.pem
BENCH_KEY_PUB=$WORK/bench-key.pub.pem
{ openssl genpkey -algorithm ed25519 -out "$BENCH_KEY" && openssl pkey -in "$BENCH_KEY" -pubout -out "$BENCH_KEY_PUB"; } \
    2>"$WORK/c.err" || { cat "$WORK/c.err"; die "cannot make a signing key (openssl; make deps installs it)"; }

if [ "${BENCH_ONLY:-}" = flood ]; then
    bench_flood
    flood_rows
    echo
    echo "| figure | measured | bar | status |"
    echo "|---|---|---|---|"
    cat "$ROWS"
    exit 0
fi
[ -z "${BENCH_ONLY:-}" ] || die "BENCH_ONLY: only 'flood' is known"

UP_FILES=
HAVE_UPSTREAM=
if [ -f "$UPSTREAM_DIR/falco_rules.yaml" ] && [ -f "$UPSTREAM_DIR/falco-incubating_rules.yaml" ] &&
    [ -f "$UPSTREAM_DIR/falco-sandbox_rules.yaml" ]; then
    HAVE_UPSTREAM=1
    UP_FILES="$UPSTREAM_DIR/falco_rules.yaml $UPSTREAM_DIR/falco-incubating_rules.yaml $UPSTREAM_DIR/falco-sandbox_rules.yaml"
else
    say "upstream: skipped: upstream rules not found in $UPSTREAM_DIR (set RULEC_UPSTREAM_DIR)"
fi

STD_POL=$WORK/stdlib.bpf.o
THREE_POL=$WORK/three.bpf.o
UP_POL=$WORK/upstream.bpf.o
FALCO_POL=$WORK/falco.bpf.o
PROF_POL=$WORK/falco-profile.bpf.o
say "compiling and signing policies"
"$RULEC" compile --sign "$BENCH_KEY" stdlib-rules/*.yaml -o "$STD_POL" 2>"$WORK/c.err" || { cat "$WORK/c.err"; die "stdlib compile"; }
"$RULEC" compile --sign "$BENCH_KEY" bench/three.yaml -o "$THREE_POL" 2>"$WORK/c.err" || { cat "$WORK/c.err"; die "three.yaml compile"; }
if [ -n "$HAVE_UPSTREAM" ]; then
    # shellcheck disable=SC2086
    "$RULEC" compile --sign "$BENCH_KEY" $UP_FILES -o "$UP_POL" 2>"$WORK/c.err" || { cat "$WORK/c.err"; die "upstream compile"; }
    "$RULEC" compile --sign "$BENCH_KEY" "$UPSTREAM_DIR/falco_rules.yaml" -o "$FALCO_POL" 2>"$WORK/c.err" ||
        { cat "$WORK/c.err"; die "falco_rules.yaml compile"; }
    # the same with timers around each slot fill, rule and program (rulec compile --profile)
    "$RULEC" compile --profile --sign "$BENCH_KEY" "$UPSTREAM_DIR/falco_rules.yaml" -o "$PROF_POL" 2>"$WORK/c.err" ||
        { cat "$WORK/c.err"; die "falco_rules.yaml profile compile"; }
fi

T_START=$(date +%s)

# ---- 1. compile and lint times --------------------------------------------------------------
if [ -n "$HAVE_UPSTREAM" ]; then
    say "timing compile ($COMPILE_REPS runs) and lint ($((COMPILE_REPS * 4)) runs) of the upstream files"
    for _ in $(seq 1 "$COMPILE_REPS"); do
        t0=$(now_ns)
        # shellcheck disable=SC2086
        "$RULEC" compile $UP_FILES -o "$WORK/up-t.bpf.o" >/dev/null 2>&1 || die "upstream compile failed"
        put compile_ms "$(calc "($(now_ns) - $t0) / 1e6")"
        for _ in 1 2 3 4; do
            t0=$(now_ns)
            # shellcheck disable=SC2086
            "$RULEC" lint $UP_FILES >/dev/null 2>&1
            rc=$?
            put lint_ms "$(calc "($(now_ns) - $t0) / 1e6")"
            [ $rc -le 1 ] || die "upstream lint failed (rc $rc)"
        done
    done
fi
for _ in $(seq 1 "$COMPILE_REPS"); do
    t0=$(now_ns)
    "$RULEC" compile stdlib-rules/*.yaml -o "$WORK/std-t.bpf.o" >/dev/null 2>&1 || die "stdlib compile failed"
    put compile_std_ms "$(calc "($(now_ns) - $t0) / 1e6")"
done

# ---- 2. slowdown, interleaved ---------------------------------------------------------------
CFGS="stdlib"
[ -n "$HAVE_UPSTREAM" ] && CFGS="$CFGS falco upstream"
CFGS="$CFGS shipall emptyhook"
[ -n "$HAVE_BPFTRACE" ] && CFGS="$CFGS bpftrace"
read -r -a CFG_ARR <<<"$CFGS"
NCFG=${#CFG_ARR[@]}

start_cfg() {
    case $1 in
    none) start_monitor none ;;
    stdlib) start_monitor rulec "$STD_POL" ;;
    three) start_monitor rulec "$THREE_POL" ;;
    upstream) start_monitor rulec "$UP_POL" ;;
    falco) start_monitor rulec "$FALCO_POL" ;;
    falcoprofile) start_monitor rulec "$PROF_POL" ;;
    shipall) start_monitor shipall ;;
    emptyhook) start_monitor emptyhook ;;
    bpftrace) start_monitor bpftrace ;;
    esac
}
# after a configuration's run: its start-up figures
record_session() {
    local cfg=$1
    case $cfg in
    stdlib | upstream | three | falco) put "load_ms_$cfg" "$(rulec_load_ms)"; put "verify_ms_$cfg" "$(rulec_verify_ms)" ;;
    shipall | bpftrace) put "load_ms_$cfg" "$MON_READY_MS" ;;
    esac
}
# one measurement: M="getppid_ns_per_syscall mix_ns_per_round mix_rounds_per_s";
# MCPU: the monitor process's CPU during the mix, % of one CPU
M=
MCPU=
measure() {
    local a c0 c1
    run_load null -d "$NULL_SECS"
    a=$LOAD_OUT
    [ -n "$MON_PID" ] && c0=$(proc_cpu_ticks "$MON_PID")
    run_load mix -d "$MIX_SECS" -x "$EXEC_EVERY"
    [ -n "$MON_PID" ] && c1=$(proc_cpu_ticks "$MON_PID") &&
        MCPU=$(calc "($c1 - $c0) * 100 / $TCK / $(kv "$LOAD_OUT" seconds)")
    M="$(kv "$a" ns_per_syscall) $(kv "$LOAD_OUT" ns_per_round) $(kv "$LOAD_OUT" rounds_per_s)"
}

say "slowdown: $REPS interleaved repetitions of: none, then each of [$CFGS] followed by none"
for rep in $(seq 1 "$REPS"); do
    # rotate the order each repetition
    order=
    for i in $(seq 0 $((NCFG - 1))); do
        order="$order ${CFG_ARR[$(( (i + rep - 1) % NCFG ))]}"
    done
    measure
    prev=$M
    set -- $prev
    put none_null "$1"; put none_mix "$2"; put none_rate "$3"
    for cfg in $order; do
        start_cfg "$cfg"
        measure
        m=$M
        put "mcpu_$cfg" "$MCPU"
        if [ "$cfg" = stdlib ] || [ "$cfg" = upstream ] || [ "$cfg" = falco ]; then
            c=$(rulec_drain)
            [ "$cfg" = upstream ] && put hwm_upstream_kb "$(proc_hwm_kb "$MON_PID")"
            put "counters_$cfg" "$(echo "$c" | tr ' ' ,)"
        fi
        record_session "$cfg"
        stop_monitor
        measure
        next=$M
        set -- $next
        put none_null "$1"; put none_mix "$2"; put none_rate "$3"
        # the reference: the mean of the no-monitor runs either side
        set -- $prev $next $m
        put "slow_null_$cfg" "$(calc "$7 / (($1 + $4) / 2) - 1")"
        put "slow_mix_$cfg" "$(calc "$8 / (($2 + $5) / 2) - 1")"
        put "added_null_$cfg" "$(calc "$7 - ($1 + $4) / 2")"
        put "added_mix_$cfg" "$(calc "$8 - ($2 + $5) / 2")"
        put "ns_null_$cfg" "$7"
        put "ns_mix_$cfg" "$8"
        say "  rep $rep $cfg: getppid $(fmt "$7" %.1f) ns (none $(fmt "$1" %.1f)/$(fmt "$4" %.1f)), mix $(fmt "$8" %.0f) ns/round (none $(fmt "$2" %.0f)/$(fmt "$5" %.0f))"
        prev=$next
    done
done

# ---- 3. in-kernel cost per event (BPF stats) -------------------------------------------------
SCFGS="three"
[ -n "$HAVE_BPFTRACE" ] && SCFGS="$SCFGS bpftrace"
SCFGS="$SCFGS stdlib"
[ -n "$HAVE_UPSTREAM" ] && SCFGS="$SCFGS falco upstream"
SCFGS="$SCFGS shipall emptyhook"
say "in-kernel cost: BPF stats on, $STATS_REPS repetitions of [$SCFGS], getppid ${STATS_NULL_SECS}s and $STATS_ROUNDS mix rounds each"
sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null || die "cannot enable kernel.bpf_stats_enabled"
: >"$WORK/progs"
for rep in $(seq 1 "$STATS_REPS"); do
    for cfg in $SCFGS; do
        start_cfg "$cfg"
        ids=$(prog_ids "$MON_PID")
        [ -n "$ids" ] || die "no BPF programs found for $cfg"
        prog_stats "$ids" >"$WORK/s0"
        run_load null -d "$STATS_NULL_SECS"
        nullsc=$(kv "$LOAD_OUT" syscalls)
        prog_stats "$ids" >"$WORK/s1"
        # hooked events in the window: rulec's own "events" counter; for bpftrace the runs of
        # its sys_exit probes (below)
        rh=0
        case $cfg in three | stdlib | upstream | falco) set -- $(rulec_poll); rh=$1 ;; esac
        run_load mix -n "$STATS_ROUNDS" -x "$EXEC_EVERY"
        out=$LOAD_OUT
        prog_stats "$ids" >"$WORK/s2"
        case $cfg in three | stdlib | upstream | falco) set -- $(rulec_poll); rh=$(($1 - rh)) ;; esac
        rounds=$(kv "$out" rounds)
        record_session "$cfg"
        stop_monitor
        # per program: ns/run on getppid, runs and ns/run on the mix; and the totals per round
        awk -v cfg="$cfg" -v rep="$rep" -v rounds="$rounds" -v rh="$rh" -v nullsc="$nullsc" '
            FILENAME == ARGV[1] { t0[$1] = $3; c0[$1] = $4; next }
            FILENAME == ARGV[2] { t1[$1] = $3; c1[$1] = $4; next }
            { id = $1; name[id] = $2
              nt = t1[id] - t0[id]; nc = c1[id] - c0[id]
              mt = $3 - t1[id]; mc = $4 - c1[id]
              # ns/run on getppid only when getppid made most of the runs
              printf "prog %s %s %s %s %.6g %.6g %.6g\n", cfg, rep, name[id], id,
                     (nc >= nullsc / 2 ? nt / nc : -1), mc / rounds, (mc ? mt / mc : 0)
              if (name[id] == "rulec_dispatch" && nc >= nullsc / 2) { miss = nt / nc; druns = mc }
              tot += mt
              # the sys_exit probes of bpftrace, and the one program of ship-everything
              if (name[id] ~ /^sys_exit/ || name[id] == "shipall_exit") hooked += mc }
            END { printf "kns_round_%s %.6g\n", cfg, tot / rounds
                  if (rh > 0) hooked = rh
                  if (hooked) { printf "hooked_per_round_%s %.6g\n", cfg, hooked / rounds
                                printf "kns_hooked_%s %.6g\n", cfg, tot / hooked
                                printf "kns_hooked_%s_%s %.6g\n", cfg, rep, tot / hooked }
                  # rulec: without the dispatcher runs on the syscalls no rule hooks, each
                  # costed at its ns/run on getppid (a tail-call miss)
                  if (rh > 0 && miss > 0) {
                      pred = (tot - (druns - rh) * miss) / rh
                      printf "kpred_hooked_%s %.6g\nkpred_hooked_%s_%s %.6g\n", cfg, pred, cfg, rep, pred
                      printf "kunhooked_round_%s %.6g\n", cfg, (druns - rh) * miss / rounds } }' \
            "$WORK/s0" "$WORK/s1" "$WORK/s2" >"$WORK/sres" || die "BPF stats arithmetic failed"
        grep '^prog ' "$WORK/sres" >>"$WORK/progs"
        grep -v '^prog ' "$WORK/sres" >>"$RES"
    done
done
sysctl -q -w kernel.bpf_stats_enabled=0 >/dev/null

# ---- 3b. where the time goes: falco_rules.yaml compiled with --profile -------------------------
# The same mix under a profiling build: the runtime prints, when it stops, the kernel time of each
# slot fill (field), rule and program; BENCHMARKS.md keeps the top of that table. The timers
# themselves cost, so these figures are for ranking, not for the totals above.
PROFILE_TOP=25
if [ -n "$HAVE_UPSTREAM" ]; then
    say "cost table: falco_rules.yaml built with --profile, $STATS_ROUNDS mix rounds"
    start_cfg falcoprofile
    run_load mix -n "$STATS_ROUNDS" -x "$EXEC_EVERY"
    stop_monitor
    awk '/kernel cost by item/ { on = 1; next } on && NF >= 5 && $1 ~ /^[0-9]+$/' "$MON_ERR" |
        head -n "$PROFILE_TOP" >"$WORK/profile"
fi

# ---- 4. records lost vs generator rate, events to userspace vs alerts ------------------------
LADDER="2000 5000 10000 20000 50000 0"
say "lost records: stdlib, the mix with a matching action (/etc/shadow read) every round, rates [$LADDER] (0: as fast as possible), 2 s each"
start_cfg stdlib
record_session stdlib
best_rate=0
: >"$WORK/ladder"
prevc=$(rulec_drain)
for rate in $LADDER; do
    run_load match -r "$rate" -d 2 -k 1000000000 -e 1 -x "$EXEC_EVERY"
    out=$LOAD_OUT
    c=$(rulec_drain)
    set -- $prevc $c
    cand=$(($7 - $2)); lost=$(($8 - $3)); alerts=$((${10} - $5))
    got=$(kv "$out" rounds_per_s); matches=$(kv "$out" matches)
    echo "$rate $got $matches $cand $lost $alerts" >>"$WORK/ladder"
    say "  rate ${rate/#0/max}: achieved $got rounds/s, matching actions $matches, candidates $cand, lost $lost, alerts $alerts"
    if [ "$lost" -eq 0 ] && [ "$alerts" -ge "$matches" ]; then
        awk -v a="$got" -v b="$best_rate" 'BEGIN { exit !(a > b) }' && best_rate=$got
    fi
    prevc=$c
done
# a stress beyond the bar: matching actions alone, back to back
BURST_K=200000
run_load match -b -k "$BURST_K"
c=$(rulec_drain)
set -- $prevc $c
put burst_rate "$(kv "$LOAD_OUT" rounds_per_s)"; put burst_matches "$(kv "$LOAD_OUT" matches)"
put burst_cand $(($7 - $2)); put burst_lost $(($8 - $3)); put burst_alerts $((${10} - $5))
say "  burst: $(get burst_matches) matching actions back to back at $(get burst_rate)/s, candidates $(get burst_cand), lost $(get burst_lost), alerts $(get burst_alerts)"
stop_monitor
set -- $(tail -n 1 "$WORK/ladder")
put max_rate "$2"; put max_matches "$3"; put max_lost "$5"; put max_alerts "$6"
put best_rate "$best_rate"

# CPU time per 1,000 alerts and peak RSS: a run with a known number of alerts
CPU_K=20000
CPU_RATE=10000
awk -v b="$best_rate" -v r="$CPU_RATE" 'BEGIN { exit !(b > 0 && b < r) }' && CPU_RATE=$(calc "int($best_rate / 2)")
say "CPU and memory: stdlib, $CPU_K matching actions at $CPU_RATE rounds/s"
start_cfg stdlib
record_session stdlib
cpu0=$(proc_cpu_ticks "$MON_PID")
c0=$(rulec_drain)
run_load match -r "$CPU_RATE" -k "$CPU_K" -e 1 -x "$EXEC_EVERY"
out=$LOAD_OUT
c1=$(rulec_drain)
cpu1=$(proc_cpu_ticks "$MON_PID")
put hwm_stdlib_kb "$(proc_hwm_kb "$MON_PID")"
put rss_stdlib_kb "$(proc_rss_kb "$MON_PID")"
put maprss_stdlib_kb "$(map_rss_kb "$MON_PID")"
stop_monitor
set -- $c0 $c1
put cpu_cand $(($7 - $2)); put cpu_lost $(($8 - $3)); put cpu_alerts $((${10} - $5))
put cpu_matches "$(kv "$out" matches)"
put cpu_ms "$(calc "($cpu1 - $cpu0) * 1000 / $TCK")"

# ---- 5. the k8s audit webhook -----------------------------------------------------------------
say "k8s audit webhook: stdlib, real audit events posted on loopback at 5,000/s, as fast as possible, and one per request (bench/k8s_audit.sh)"
bash bench/k8s_audit.sh "$BUILD" "$STD_POL" >"$WORK/k8s.out" 2>>"$WORK/k8s.err" &
LOAD_PID=$!
wait "$LOAD_PID"
rc=$?
LOAD_PID=
[ $rc -eq 0 ] || die "k8s audit webhook step failed (rc $rc): $(tail -n 3 "$WORK/k8s.err")"
cat "$WORK/k8s.out" >>"$RES"
say "  $(get k8s_max_eps) events/s as fast as possible, $(get k8s_max_refused) refused, $(get k8s_dropped) dropped"

# ---- 6. container metadata: alerts/s with lookups on, memory per 1,000 containers -------------
say "container metadata (bench/containers.sh)"
bash bench/containers.sh "$BUILD_ARG" >>"$RES" || die "bench/containers.sh failed"

# ---- 7. flood: sustained matching events, aggregates under overload, stop latency -------------
bench_flood

T_END=$(date +%s)

# ---- the table ------------------------------------------------------------------------------

none_null=$(getmed none_null); none_mix=$(getmed none_mix); none_rate=$(getmed none_rate)
row "no monitor: getppid" "$(fmt "$none_null" '%.1f') ns/syscall" "" ""
row "no monitor: mix" "$(fmt "$none_mix" '%.0f') ns/round ($(fmt "$none_rate" '%.0f') rounds/s)" "" ""
label() {
    case $1 in
    stdlib) echo "rulec, stdlib" ;; upstream) echo "rulec, the three upstream files" ;; three) echo "rulec, three rules" ;;
    falco) echo "rulec, falco_rules.yaml" ;;
    shipall) echo "ship-everything" ;; bpftrace) echo "bpftrace, three rules" ;;
    emptyhook) echo "empty sys_exit hook" ;;
    esac
}
for cfg in stdlib falco upstream shipall emptyhook bpftrace; do
    case " $CFGS " in *" $cfg "*) ;; *)
        if [ "$cfg" = upstream ] || [ "$cfg" = falco ]; then why="upstream rules not found"; else why="bpftrace not available"; fi
        row "$(label "$cfg"): slowdown" "skipped: $why" "" ""
        continue ;;
    esac
    sn=$(getmed "slow_null_$cfg"); sm=$(getmed "slow_mix_$cfg")
    an=$(getmed "added_null_$cfg"); am=$(getmed "added_mix_$cfg")
    if [ "$cfg" = stdlib ]; then
        bar "$(label $cfg): getppid (no rule references it)" "$(pct "$sn") ($(fmt "$an" '%+.1f') ns/syscall)" "≤ +2%" "$sn <= 0.02"
        bar "$(label $cfg): mix" "$(pct "$sm") ($(fmt "$am" '%+.0f') ns/round)" "≤ +5%" "$sm <= 0.05"
    elif [ "$cfg" = falco ] || [ "$cfg" = upstream ]; then
        row "$(label $cfg): getppid" "$(pct "$sn") ($(fmt "$an" '%+.1f') ns/syscall)" "" ""
        bar "$(label $cfg): mix" "$(pct "$sm") ($(fmt "$am" '%+.0f') ns/round)" "≤ +15% (moonshot +8%)" "$sm <= 0.15"
    else
        row "$(label $cfg): getppid" "$(pct "$sn") ($(fmt "$an" '%+.1f') ns/syscall)" "" ""
        row "$(label $cfg): mix" "$(pct "$sm") ($(fmt "$am" '%+.0f') ns/round)" "" ""
    fi
done
for cfg in $CFGS; do
    row "$(label "$cfg"): the monitor process's own CPU during the mix" "$(fmt "$(getmed "mcpu_$cfg")" '%.1f')% of one CPU" "" ""
done
am_std=$(getmed added_mix_stdlib); am_ship=$(getmed added_mix_shipall)
ratio=$(calc "$am_std > 0 ? $am_ship / $am_std : 1e9")
rtext="$(fmt "$ratio" '%.2f')×"
[ "$ratio" = 1e+09 ] && rtext="rulec's added time is within noise (≤ 0)"
bar "added time on the mix: ship-everything / rulec stdlib" "$rtext ($(fmt "$am_ship" '%.0f') vs $(fmt "$am_std" '%.0f') ns/round)" "≥ 5×" "$ratio >= 5"
if [ -n "$HAVE_UPSTREAM" ]; then
    am_fal=$(getmed added_mix_falco)
    ratio=$(calc "$am_fal > 0 ? $am_ship / $am_fal : 1e9")
    rtext="$(fmt "$ratio" '%.2f')×"
    [ "$ratio" = 1e+09 ] && rtext="rulec's added time is within noise (≤ 0)"
    bar "added time on the mix: ship-everything / rulec falco_rules.yaml" "$rtext ($(fmt "$am_ship" '%.0f') vs $(fmt "$am_fal" '%.0f') ns/round)" "≥ 2× (moonshot 5×)" "$ratio >= 2"
fi

# in-kernel
for cfg in $SCFGS; do
    k=$(getmed "kns_round_$cfg")
    kh=$(getmed "kns_hooked_$cfg")
    hr=$(getmed "hooked_per_round_$cfg")
    if isnum "$kh"; then
        row "in-kernel: $(label "$cfg")" "$(fmt "$k" '%.0f') ns per mix round; $(fmt "$kh" '%.0f') ns per hooked event ($(fmt "$hr" '%.2f') hooked events per round)" "" ""
    else
        row "in-kernel: $(label "$cfg")" "$(fmt "$k" '%.0f') ns per mix round" "" ""
    fi
done
if [ -n "$HAVE_UPSTREAM" ]; then
    kf=$(getmed kns_hooked_falco); ks=$(getmed kns_hooked_shipall)
    bar "in-kernel ns per hooked event, falco_rules.yaml vs ship-everything's per event" "$(fmt "$kf" '%.0f') vs $(fmt "$ks" '%.0f') ns" "≤ ship-everything" "$kf <= $ks"
    if [ -s "$WORK/profile" ]; then
        row "cost table: falco_rules.yaml built with --profile, the mix (top $PROFILE_TOP items: slot fills are fields, rulec_rule* rules, rulec_g* programs; ns/event over all hooked events)" "see below" "" ""
        while read -r calls nspc nspe total item; do
            row "  $item" "$(fmt "$nspe" '%.1f') ns/event ($calls calls, $(fmt "$nspc" '%.0f') ns/call)" "" ""
        done <"$WORK/profile"
    fi
fi
# per program (median over the repetitions)
awk '{ print $2, $4 }' "$WORK/progs" | sort -u | while read -r cfg name; do
    nn=$(awk -v c="$cfg" -v n="$name" '$2 == c && $4 == n { print $6 }' "$WORK/progs" | median)
    mr=$(awk -v c="$cfg" -v n="$name" '$2 == c && $4 == n { print $7 }' "$WORK/progs" | median)
    mn=$(awk -v c="$cfg" -v n="$name" '$2 == c && $4 == n { print $8 }' "$WORK/progs" | median)
    case $name in rulec_g*) [ "$(calc "$mr > 0")" = 1 ] || { echo "$cfg $name tail"; continue; } ;; esac
    g=
    [ "$(calc "$nn >= 0")" = 1 ] && g="; $(fmt "$nn" '%.0f') ns/run on getppid"
    row "  $(label "$cfg"): $name" "$(fmt "$mn" '%.0f') ns/run × $(fmt "$mr" '%.3g') runs/round on the mix$g" "" ""
done >"$WORK/tailcalled"
if [ -s "$WORK/tailcalled" ]; then
    awk '{ print $1 }' "$WORK/tailcalled" | sort -u | while read -r cfg; do
        row "  $(label "$cfg"): rulec_g* group programs" "tail-called: BPF stats count them in rulec_dispatch" "" ""
    done
fi
if [ -n "$HAVE_BPFTRACE" ]; then
    # per repetition (the two sessions run next to each other), then the median
    kr=$(for r in $(seq 1 "$STATS_REPS"); do
        a=$(get "kns_hooked_three_$r"); b=$(get "kns_hooked_bpftrace_$r")
        isnum "$a" && isnum "$b" && calc "$a / $b"
    done | median)
    bar "in-kernel cost per hooked event of three rules, rulec / bpftrace (median of per-repetition ratios)" "$(fmt "$kr" '%.2f') ($(fmt "$(getmed kns_hooked_three)" '%.0f') vs $(fmt "$(getmed kns_hooked_bpftrace)" '%.0f') ns)" "≤ 1.0" "$kr <= 1.0"
    kp=$(for r in $(seq 1 "$STATS_REPS"); do
        a=$(get "kpred_hooked_three_$r"); b=$(get "kns_hooked_bpftrace_$r")
        isnum "$a" && isnum "$b" && calc "$a / $b"
    done | median)
    row "  the same without rulec_dispatch's runs on unhooked syscalls ($(fmt "$(getmed kunhooked_round_three)" '%.0f') ns per round at its getppid ns/run)" "$(fmt "$kp" '%.2f') ($(fmt "$(getmed kpred_hooked_three)" '%.0f') vs $(fmt "$(getmed kns_hooked_bpftrace)" '%.0f') ns)" "" ""
else
    row "in-kernel cost of three rules, rulec / bpftrace" "skipped: bpftrace not available" "≤ 1.0" "not measured"
fi

# events to userspace vs alerts
cc=$(get cpu_cand); ca=$(get cpu_alerts)
er=$(calc "$ca > 0 ? $cc / $ca : 1e9")
bar "events to userspace / alerts (stdlib, mix + $(get cpu_matches) matching actions)" "$(fmt "$er" '%.3f') ($cc candidates, $ca alerts)" "≤ 1.1" "$er <= 1.1"
cs=$(awk '$1 == "counters_stdlib" { split($2, a, ","); c += a[2]; al += a[5] } END { print c + 0, al + 0 }' "$RES")
row "events to userspace, stdlib, plain mix (all repetitions)" "${cs% *} candidates, ${cs#* } alerts" "" ""
if [ -n "$HAVE_UPSTREAM" ]; then
    cu=$(awk '$1 == "counters_upstream" { split($2, a, ","); c += a[2]; al += a[5]; l += a[3] } END { print c + 0, al + 0, l + 0 }' "$RES")
    set -- $cu
    row "events to userspace, upstream rules, plain mix (all repetitions)" "$1 candidates, $2 alerts, $3 lost" "" ""
fi

# lost
while read -r rate got matches cand lost alerts; do
    r=$([ "$rate" = 0 ] && echo "as fast as possible" || echo "target $rate/s")
    row "records lost, stdlib, $r" "$lost lost of $cand at $got rounds/s ($matches matching actions, $alerts alerts)" "" ""
done <"$WORK/ladder"
row "records lost, stdlib, stress: $(get burst_matches) matching actions alone, back to back" "$(get burst_lost) lost of $(($(get burst_cand) + $(get burst_lost))) at $(fmt "$(get burst_rate)" '%.0f') actions/s ($(get burst_alerts) alerts)" "" ""
row "highest generator rate with zero records lost" "$(fmt "$(get best_rate)" '%.0f') rounds/s (one matching action per round)" "" ""
ml=$(get max_lost)
bar "records lost at the generator's highest rate" "$ml ($(fmt "$(get max_rate)" '%.0f') rounds/s)" "0" "$ml == 0"

# the k8s audit webhook
kr=$(calc "$(get k8s_paced_refused) + $(get k8s_max_refused) + $(get k8s_single_refused)")
bar "k8s audit webhook, stdlib loaded: as fast as 2 connections post EventLists of 100 (loopback)" \
    "$(fmt "$(get k8s_max_eps)" '%.0f') events/s; $kr refused (503) in all steps, $(get k8s_dropped) dropped; $(get k8s_evaluated) of $(get k8s_posted) evaluated, $(get k8s_alerts) alerts" \
    "≥ 5,000 events/s, none dropped" \
    "$(get k8s_max_eps) >= 5000 && $kr == 0 && $(get k8s_dropped) == 0 && $(get k8s_evaluated) == $(get k8s_posted)"
row "k8s audit webhook: 5,000 events/s offered" "$(fmt "$(get k8s_paced_eps)" '%.0f') events/s taken, $(get k8s_paced_refused) refused" "" ""
row "k8s audit webhook: one event per request, 4 connections" "$(fmt "$(get k8s_single_eps)" '%.0f') events/s, $(get k8s_single_refused) refused" "" ""
kb0=$(get k8s_rss_base_kb)
row "k8s audit webhook: added memory (VmRSS over the same run without it, $(fmt "$(calc "$kb0 / 1024")" '%.1f') MB)" \
    "idle $(fmt "$(calc "($(get k8s_rss_idle_kb) - $kb0) / 1024")" '%+.1f') MB; peak while flooded (VmHWM) $(fmt "$(calc "($(get k8s_hwm_kb) - $kb0) / 1024")" '%+.1f') MB; after $(fmt "$(calc "($(get k8s_rss_after_kb) - $kb0) / 1024")" '%+.1f') MB" "" ""

# compile, lint, load
if [ -n "$HAVE_UPSTREAM" ]; then
    cm=$(getmed compile_ms); lm=$(getmed lint_ms)
    bar "rulec compile, three upstream files (median of $COMPILE_REPS)" "$(fmt "$cm" '%.0f') ms" "< 2 s" "$cm < 2000"
    bar "rulec lint, three upstream files (median of $((COMPILE_REPS * 4)))" "$(fmt "$lm" '%.1f') ms" "< 50 ms" "$lm < 50"
else
    row "rulec compile / lint, upstream files" "skipped: upstream rules not found" "< 2 s / < 50 ms" "not measured"
fi
row "rulec compile, stdlib-rules" "$(fmt "$(getmed compile_std_ms)" '%.0f') ms" "" ""
ls=$(getmed load_ms_stdlib)
bar "load-and-attach, stdlib (median of $(grep -c '^load_ms_stdlib ' "$RES"))" "$(fmt "$ls" '%.1f') ms" "< 200 ms" "$ls < 200"
vs=$(getmed verify_ms_stdlib)
bar "integrity check before loading (read, SHA-256 of the object, Ed25519 signature, trusted key), stdlib, signed (median of $(grep -c '^verify_ms_stdlib ' "$RES"))" "$(fmt "$vs" '%.1f') ms" "< 5 ms" "$vs < 5"
lt=$(getmed load_ms_three)
row "load-and-attach, three rules" "$(fmt "$lt" '%.1f') ms" "" ""
if [ -n "$HAVE_UPSTREAM" ]; then
    lu=$(getmed load_ms_upstream)
    bar "load-and-attach, upstream rules (median of $(grep -c '^load_ms_upstream ' "$RES"))" "$(fmt "$lu" '%.1f') ms" "< 200 ms" "$lu < 200"
fi
row "start-up, ship-everything / bpftrace (until attached)" "$(fmt "$(getmed load_ms_shipall)" '%.0f') ms / $(fmt "$(getmed load_ms_bpftrace)" '%.0f') ms" "" ""
hs=$(get hwm_stdlib_kb)
rs=$(get rss_stdlib_kb)
bar "resident memory (VmRSS), rulec run with stdlib loaded, after the CPU run" "$(fmt "$(calc "$rs / 1024")" '%.1f') MB, of which BPF map mappings (the ring buffer) $(fmt "$(calc "$(get maprss_stdlib_kb) / 1024")" '%.1f') MB" "< 10 MB" "$rs < 10240"
row "peak RSS (VmHWM), rulec run, stdlib (reached while libbpf parses the kernel BTF at load)" "$(fmt "$(calc "$hs / 1024")" '%.1f') MB" "" ""
[ -n "$HAVE_UPSTREAM" ] && row "peak RSS (VmHWM), rulec run, upstream rules" "$(fmt "$(calc "$(getmed hwm_upstream_kb) / 1024")" '%.1f') MB" "" ""
cpa=$(calc "$(get cpu_alerts) > 0 ? $(get cpu_ms) * 1000 / $(get cpu_alerts) : 0/0")
row "rulec run CPU (user+sys) per 1,000 alerts, stdlib" "$(fmt "$cpa" '%.1f') ms ($(get cpu_ms) ms for $(get cpu_alerts) alerts, $(get cpu_lost) lost)" "" ""
flood_rows

row "rulec run alerts/s per CPU second, container metadata lookups on (name, image, pod, namespace in every alert) / off" "$(fmt "$(get cm_rate_on)" '%.0f') / $(fmt "$(get cm_rate_off)" '%.0f') ($(get cm_cpu_ms_per_1000_on) / $(get cm_cpu_ms_per_1000_off) ms CPU per 1,000 alerts; $(get cm_lost_on) / $(get cm_lost_off) lost)" "" ""
row "memory added per 1,000 containers in the metadata cache ($(get cm_containers) containers)" "$(get cm_rss_kb_per_1000) kB VmRSS, of which the cache's own $(get cm_cache_kb_per_1000) kB" "" ""

TABLE=$WORK/table
{
    echo "| figure | measured | bar | status |"
    echo "|---|---|---|---|"
    cat "$ROWS"
} >"$TABLE"
echo
cat "$TABLE"
echo
met=$(grep -c '| met |$' "$ROWS"); missed=$(grep -c '| MISSED |$' "$ROWS")
echo "bars: $met met, $missed missed; run took $((T_END - T_START)) s after the build"

# ---- BENCHMARKS.md --------------------------------------------------------------------------
[ "${BENCH_NO_WRITE:-0}" = 1 ] && exit 0
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MD_TMP=$(mktemp "$ROOT/.BENCHMARKS.md.XXXXXX") || die "cannot write BENCHMARKS.md"
sed -e "s|@DATE@|$(date -u '+%Y-%m-%d %H:%M UTC')|" \
    -e "s|@NPROC@|$(nproc)|" \
    -e "s|@CPU@|${CPU_MODEL:-unknown}|" \
    -e "s|@KERNEL@|$(uname -r)|" \
    -e "s|@COMMIT@|$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')|" \
    -e "s|@REPS@|$REPS|g" -e "s|@STATS_REPS@|$STATS_REPS|g" \
    -e "s|@MET@|$met|" -e "s|@MISSED@|$missed|" \
    -e "s|@UPSTREAM@|$([ -n "$HAVE_UPSTREAM" ] && echo "the upstream files from $UPSTREAM_DIR" || echo "skipped: upstream rules not found")|" \
    bench/BENCHMARKS.md.in | awk -v t="$TABLE" '$0 == "@TABLE@" { while ((getline l < t) > 0) print l; next } { print }' >"$MD_TMP" ||
    die "cannot write BENCHMARKS.md"
mv "$MD_TMP" "$ROOT/BENCHMARKS.md" && MD_TMP=
echo "bench: wrote BENCHMARKS.md"
