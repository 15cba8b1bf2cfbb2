#!/usr/bin/env bash
# The container metadata step of `make bench`, also runnable alone (root):
#
#   bash bench/containers.sh [BUILD]
#
# With rulec-fakedocker standing in for the Docker API on a private socket:
#   1. alerts per second of rulec run's CPU, for matching actions in one container, with
#      metadata lookups on (every alert prints container.name, image, pod and namespace) and
#      off (no container engine), each with the records lost;
#   2. the memory the cache adds per 1,000 containers: rulec run's VmRSS and the cache's own
#      count of bytes after N containers each raised one alert, less the figures after a few.
# Prints "key value" lines on stdout (bench/run.sh adds them to its table) and progress on
# stderr. Everything it starts is stopped by pid, its temporary directory removed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
export LC_ALL=C
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
N_ALERTS=${BENCH_CM_ALERTS:-50000}
N_CONTAINERS=${BENCH_CM_CONTAINERS:-1000}

say() { echo "bench: containers: $*" >&2; }
die() {
    echo "bench: containers: error: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || die "must run as root"
B=${1:-build} # the targets as the Makefile names them (relative to the tree)
make -s -C "$ROOT" BUILD="$B" "$B/rulec" "$B/rulec-actor" "$B/rulec-fakedocker" >&2 ||
    die "cannot build rulec, rulec-actor, rulec-fakedocker"
WORK=$(mktemp -d /tmp/rulec-bench-cm.XXXXXX) || die "mktemp"
MON_PID=
FAKE_PID=
cleanup() {
    for p in $MON_PID $FAKE_PID; do kill -INT "$p" 2>/dev/null; done
    for p in $MON_PID $FAKE_PID; do wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOADGEN=$WORK/loadgen
cc -std=c11 -D_GNU_SOURCE -O2 -o "$LOADGEN" bench/loadgen.c || die "cannot build loadgen"
SOCK=$WORK/docker.sock
"$BUILD/rulec-fakedocker" -a "$SOCK" >/dev/null 2>&1 &
FAKE_PID=$!
cat >"$WORK/cm.yaml" <<'EOF'
- rule: Bench shadow read in a container
  desc: loadgen's matching action, with the container's metadata in the alert
  condition: evt.type in (open, openat) and fd.name = /etc/shadow and container.id != host
  output: >
    shadow read (container_id=%container.id container_name=%container.name
    image=%container.image.repository:%container.image.tag pod=%k8s.pod.name
    ns=%k8s.ns.name)
  priority: WARNING
EOF
"$BUILD/rulec" compile "$WORK/cm.yaml" -o "$WORK/cm.bpf.o" 2>"$WORK/c.err" || { cat "$WORK/c.err"; die "compile"; }
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

# start_rulec [OPTIONS]: rulec run with the policy, alerts to $WORK/alerts
start_rulec() {
    : >"$WORK/alerts"
    : >"$WORK/run.err"
    "$BUILD/rulec" run --no-stdout --output-file "$WORK/alerts" -o "container_engines.docker.sockets=$SOCK" \
        -o container_engines.podman.enabled=false -o container_engines.cri.enabled=false "$@" \
        "$WORK/cm.bpf.o" 2>"$WORK/run.err" &
    MON_PID=$!
    for _ in $(seq 1 600); do
        grep -q "loaded and attached" "$WORK/run.err" && return 0
        kill -0 "$MON_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$WORK/run.err" >&2
    die "rulec run did not start"
}
stop_rulec() {
    kill -INT "$MON_PID" 2>/dev/null
    wait "$MON_PID" 2>/dev/null
    MON_PID=
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$MON_PID/status"; }
# SIGUSR2, then the newest container counters line: "lookups ... cached N (B bytes)"
cache_bytes() {
    local n0
    n0=$(grep -c 'container lookups' "$WORK/run.err")
    kill -USR2 "$MON_PID"
    for _ in $(seq 1 100); do
        [ "$(grep -c 'container lookups' "$WORK/run.err")" -gt "$n0" ] && break
        sleep 0.02
    done
    sed -n 's/.*cached \([0-9]*\) (\([0-9]*\) bytes).*/\1 \2/p' "$WORK/run.err" | tail -n 1
}
cid() { printf 'b%011d%052d' "$1" 0; }
lost() { sed -n 's/.*lost \([0-9]*\),.*/\1/p' "$WORK/run.err" | tail -n 1; }

# ---- 1. alerts per second ---------------------------------------------------------------------
# rulec run's CPU time (both threads) for N_ALERTS alerts raised at a rate it keeps up with:
# alerts per CPU second is the rate one core sustains.
TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$MON_PID/stat"; }
burst() { # burst LABEL [OPTIONS]
    local label=$1 c0 c1 n
    shift
    start_rulec "$@"
    c0=$(cpu_ticks)
    "$BUILD/rulec-actor" container "$(cid 1)" "$LOADGEN" match -r "${BENCH_CM_RATE:-5000}" -e 1 \
        -k "$N_ALERTS" >/dev/null
    for _ in $(seq 1 200); do
        n=$(wc -l <"$WORK/alerts")
        [ "$n" -ge "$N_ALERTS" ] && break
        sleep 0.05
    done
    c1=$(cpu_ticks)
    stop_rulec
    n=$(wc -l <"$WORK/alerts")
    echo "cm_alerts_${label} $n"
    echo "cm_lost_${label} $(lost)"
    awk -v n="$n" -v c="$((c1 - c0))" -v t="$TCK" -v l="$label" \
        'BEGIN { printf "cm_cpu_ms_per_1000_%s %.1f\ncm_rate_%s %.0f\n", l, c * 1000 / t * 1000 / n, l, n / (c / t) }'
    grep -m1 'container_name=' "$WORK/alerts" | sed 's/^/    first: /' >&2
    tail -n 1 "$WORK/alerts" | sed 's/^/    last: /' >&2
}
say "alerts/s: $N_ALERTS matching actions in one container at ${BENCH_CM_RATE:-5000}/s, metadata lookups on"
burst on
say "alerts/s: the same, container engines off"
burst off -o container_engines.docker.enabled=false

# ---- 2. memory per 1,000 containers ----------------------------------------------------------
say "memory: one alert from each of $N_CONTAINERS containers"
start_rulec -o container_engines.lookup_wait_ms=200
for i in $(seq 1 10); do "$BUILD/rulec-actor" container "$(cid "$i")" /bin/cat /etc/shadow >/dev/null; done
sleep 0.5
rss0=$(rss_kb)
set -- $(cache_bytes)
n0=$1 b0=$2
for i in $(seq 11 $((N_CONTAINERS + 10))); do
    "$BUILD/rulec-actor" container "$(cid "$i")" /bin/cat /etc/shadow >/dev/null
done
sleep 1
rss1=$(rss_kb)
set -- $(cache_bytes)
n1=$1 b1=$2
stop_rulec
echo "cm_containers $((n1 - n0))"
echo "cm_rss_kb_per_1000 $(((rss1 - rss0) * 1000 / (n1 - n0)))"
echo "cm_cache_kb_per_1000 $(((b1 - b0) * 1000 / (n1 - n0) / 1024))"
echo "cm_rss_kb_before $rss0"
echo "cm_rss_kb $rss1"
