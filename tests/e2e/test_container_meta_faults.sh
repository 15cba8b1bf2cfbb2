#!/bin/bash
# Container metadata when the runtime misbehaves, with rulec-fakedocker standing in for the
# Docker API: a slow runtime, a hung one, a stopped one (its socket left behind) and a container
# that is gone before the lookup. Every probe still alerts at once (the record thread waits at
# most the bound, 5 ms by default, and only for a container's first lookup), a failing runtime
# is one warning, and a slow runtime's answer is used once it arrives.
. "$(dirname "$0")/lib.sh"

FAKE=$BUILD/rulec-fakedocker
SOCK=$WORK/docker.sock
FAKE_PID=
stop_fake() {
    [ -n "$FAKE_PID" ] && kill -"${1:-TERM}" "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
    FAKE_PID=
}
trap 'stop_rulec; stop_fake; rm -rf "$WORK"' EXIT

# start_fake [OPTIONS]: the stand-in on $SOCK, logging its requests to $WORK/fake.log.
start_fake() {
    "$FAKE" "$@" "$SOCK" >"$WORK/fake.log" 2>&1 &
    FAKE_PID=$!
    for _ in $(seq 1 50); do
        [ -S "$SOCK" ] && return 0
        sleep 0.1
    done
    not_ok "rulec-fakedocker started"
    exit 1
}

run_meta() {
    start_rulec -o "container_engines.docker.sockets=$SOCK" -o container_engines.podman.enabled=false \
        -o container_engines.cri.enabled=false "$@"
}

# probe TAG: the probe from a fake container whose id starts with e2e5TAG.
cid() { printf 'e2e5%s%0*d' "$1" $((60 - ${#1})) 0; }
probe() {
    "$ACTOR" container "$(cid "$1")" /bin/cat "$WORK/rulec-e2e-probe" >/dev/null ||
        echo "probe $1: the actor exited $?" >&2
}
short() { cid "$1" | cut -c1-12; }
f() { printf '.output_fields["%s"]' "$1"; }
# The counters rulec prints when it stops: "container lookups ..., waited W (longest L ms), late N".
stat_of() { sed -n "s/.*container lookups.* $1 \([0-9.]*\).*/\1/p" "$WORK/run.err" | tail -n 1; }
longest() { sed -n 's/.*(longest \([0-9.]*\) ms).*/\1/p' "$WORK/run.err" | tail -n 1; }
warnings() { grep -c "warning: container engine docker at $SOCK" "$WORK/run.err"; }
# prompt CASE TAG...: a probe from each container, all alerted within 900 ms (the runtime's
# answers take longer, or never come).
prompt() {
    local what=$1 t0 t1 n
    shift
    t0=$(date +%s%N)
    for tag in "$@"; do probe "$tag"; done
    for _ in $(seq 1 50); do [ "$(alerts "CM probe")" -ge $# ] && break; sleep 0.05; done
    t1=$(date +%s%N)
    n=$(alerts "CM probe")
    if [ "$n" -eq $# ] && [ $(((t1 - t0) / 1000000)) -lt 900 ]; then
        ok "$what: the $# probes alerted in $(((t1 - t0) / 1000000)) ms"
    else
        not_ok "$what: $# prompt alerts (got $n after $(((t1 - t0) / 1000000)) ms)"
        kill -USR2 "$RULEC_PID"
        sleep 0.2
        cat "$WORK/run.err"
    fi
}

echo probe >"$WORK/rulec-e2e-probe"
compile tests/e2e/rules/container_meta.yaml

# ---- slow: every answer takes 1 s (a container's lookup is two: the container, its image) ---
start_fake -d 1000
run_meta -o container_engines.timeout_ms=3000
prompt "slow runtime" a1 a2 b3
# a1's answer is the first the worker gets: 2 s after its question.
sleep 2.6
probe a1
stop_rulec
expect "CM probe" 3 "$(f container.name) == null and $(f container.image) == null" \
    "slow runtime: the first alerts print <NA> for what has not arrived"
expect "CM probe" 1 "$(f container.id) == \"$(short a1)\" and $(f container.name) == \"fake-$(short a1)\" and $(f container.image) == \"e2e.local/kube-apiserver:fake\" and $(f k8s.pod.name) == \"pod-$(short a1)\" and $(f container.privileged) == true and $(f container.ip) == \"10.1.2.3\"" \
    "slow runtime: its answer is used once it has arrived"
expect "CM kube-apiserver probe" 1 "$(f container.name) == \"fake-$(short a1)\"" \
    "slow runtime: container.image decides the rule once known"
late=$(stat_of late)
lg=$(longest)
if [ "${late:-0}" -eq 3 ] && awk -v l="${lg:-1e9}" 'BEGIN { exit !(l < 100) }'; then
    ok "slow runtime: 3 lookups reached the bound, the longest wait $lg ms"
else
    not_ok "slow runtime: 3 late lookups and a wait near the 5 ms bound (late ${late:-?}, longest ${lg:-?} ms)"
    cat "$WORK/run.err"
fi
no_engine_warning "slow runtime: "
stop_fake

# ---- hung: it accepts and never answers ------------------------------------------------------
start_fake -H
run_meta -o container_engines.timeout_ms=500
prompt "hung runtime" a5 b6 b7
sleep 2 # the questions time out (0.5 s each), one after the other
probe b6
stop_rulec
expect "CM probe" 4 "$(f container.name) == null" "hung runtime: every alert arrived, with <NA>"
w=$(warnings)
[ "$w" -eq 1 ] && ok "hung runtime: one warning" || { not_ok "hung runtime: one warning (got $w)"; cat "$WORK/run.err"; }
stop_fake

# ---- stopped: the socket is still there, nobody listens ---------------------------------------
start_fake
stop_fake KILL
run_meta
probe a8
probe b9
sleep 0.5
probe a8
stop_rulec
expect "CM probe" 3 "$(f container.name) == null" "stopped runtime: every alert arrived, with <NA>"
w=$(warnings)
[ "$w" -eq 1 ] && ok "stopped runtime: one warning" || { not_ok "stopped runtime: one warning (got $w)"; cat "$WORK/run.err"; }
rm -f "$SOCK"

# ---- gone: the runtime no longer knows the container -----------------------------------------
start_fake
run_meta -o container_engines.lookup_wait_ms=2000
probe dead1
probe a10
stop_rulec
expect "CM probe" 1 "$(f container.id) == \"$(short dead1)\" and $(f container.name) == null" \
    "gone container: its alert arrives with <NA>"
expect "CM probe" 1 "$(f container.id) == \"$(short a10)\" and $(f container.name) == \"fake-$(short a10)\"" \
    "... and a known container's first alert has its name"
[ "$(stat_of unknown)" = 1 ] && ok "gone container: one unknown answer" || not_ok "gone container: one unknown answer"
no_engine_warning "gone container: "
grep -q "GET /containers/$(short dead1)/json" "$WORK/fake.log" &&
    ok "the runtime was asked by the container's short id" || not_ok "the runtime was asked by the container's short id"
stop_fake
finish
