# Shared by the end-to-end tests: compile a rules file, run `rulec run`
# with JSON alerts into a file, act, stop, and assert on the alerts.
# Each assertion prints "ok - ..." or "not ok - ..." (TAP-like).
set -u
BUILD=${BUILD:-build}
RULEC=${RULEC:-$BUILD/rulec-san}
ACTOR=$BUILD/rulec-actor
WORK=$(mktemp -d /tmp/rulec-e2e.XXXXXX)
ALERTS=$WORK/alerts.json
RULEC_PID=
FAILED=0
trap 'stop_rulec; rm -rf "$WORK"' EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILED=1; }

# compile FILE...: the policy goes to $WORK/policy.bpf.o
compile() {
    if ! "$RULEC" compile "$@" -o "$WORK/policy.bpf.o" 2>"$WORK/compile.err"; then
        cat "$WORK/compile.err"
        not_ok "compile $*"
        exit 1
    fi
}

# start_rulec [run options]: waits until the policy is attached.
start_rulec() {
    : >"$ALERTS"
    "$RULEC" run --json --no-stdout --output-file "$ALERTS" "$@" "$WORK/policy.bpf.o" \
        2>"$WORK/run.err" &
    RULEC_PID=$!
    for _ in $(seq 1 600); do
        grep -q "loaded and attached" "$WORK/run.err" 2>/dev/null && return 0
        kill -0 "$RULEC_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$WORK/run.err"
    not_ok "rulec run started"
    exit 1
}

# stop_rulec: SIGINT, then wait (alerts already written are flushed).
stop_rulec() {
    [ -n "$RULEC_PID" ] || return 0
    sleep 0.5
    kill -INT "$RULEC_PID" 2>/dev/null
    wait "$RULEC_PID" 2>/dev/null
    RULE_STATUS=$?
    RULEC_PID=
    return 0
}

# alerts RULE [JQ-CONDITION]: how many alerts of RULE satisfy the condition.
alerts() {
    jq -c --arg r "$1" "select(.rule == \$r)${2:+ | select($2)}" "$ALERTS" 2>/dev/null | wc -l
}

# expect RULE N [JQ-CONDITION] DESCRIPTION
expect() {
    local rule=$1 n=$2 cond=$3 desc=$4 got
    got=$(alerts "$rule" "$cond")
    if [ "$got" -eq "$n" ]; then
        ok "$desc"
    else
        not_ok "$desc: expected $n alert(s) of '$rule'${cond:+ with $cond}, got $got"
        sed 's/^/    /' "$ALERTS" | head -20
    fi
}

finish() {
    stop_rulec
    if grep -q "ERROR: AddressSanitizer\|runtime error:" "$WORK/run.err" 2>/dev/null; then
        not_ok "rulec run ran clean under ASan/UBSan"
        cat "$WORK/run.err"
    fi
    exit "$FAILED"
}
