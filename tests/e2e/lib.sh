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
# A command (an array) start_rulec runs rulec under, such as unshare for a mount namespace.
RULEC_WRAP=()
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

# start_rulec [run options]: waits until the policy is attached. Every rule an event matches
# alerts (rule_matching: all), as the tests check each rule; test_rule_matching.sh checks
# Falco's default, first. The k8s audit source stays off (the stdlib has k8s_audit rules; a webhook on the
# default port would clash between tests) unless the options start it.
# START_JSON= (empty) gives text alerts.
start_rulec() {
    : >"$ALERTS"
    "${RULEC_WRAP[@]}" "$RULEC" run ${START_JSON---json} --no-stdout --output-file "$ALERTS" -o k8s_audit.enabled=false \
        -o rule_matching=all "$@" \
        "$WORK/policy.bpf.o" 2>"$WORK/run.err" &
    RULEC_PID=$!
    for _ in $(seq 1 600); do
        grep -Eq "loaded and attached|nothing loaded into the kernel" "$WORK/run.err" 2>/dev/null &&
            return 0
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

# start_rulec_k8s [run options]: start_rulec with the k8s audit webhook on a
# free loopback port; K8S_URL is where to post.
start_rulec_k8s() {
    start_rulec --k8s-audit http://127.0.0.1:0/k8s-audit "$@"
    K8S_URL=$(sed -n 's/.*k8s_audit: [0-9]* rules, webhook \(http[^ ]*\).*/\1/p' "$WORK/run.err")
    [ -n "$K8S_URL" ] || { cat "$WORK/run.err"; not_ok "k8s audit webhook started"; exit 1; }
}

# audit_list FILE...: the events of the files (one JSON document a line, as the
# log backend writes them) as one EventList, as the webhook backend posts them.
audit_list() {
    jq -c -s '{kind: "EventList", apiVersion: "audit.k8s.io/v1", metadata: {},
               items: [.[] | if .kind == "EventList" then .items[] else . end]}' "$@"
}

# post_audit FILE...: posts them to K8S_URL; prints the HTTP status.
post_audit() {
    audit_list "$@" | curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @- "$K8S_URL"
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

# no_engine_warning [PREFIX]: asserts that rulec run printed no container engine warning.
no_engine_warning() {
    if grep -q "warning: container engine" "$WORK/run.err"; then
        not_ok "${1:-}no container engine warning"
        cat "$WORK/run.err"
    else
        ok "${1:-}no container engine warning"
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

# ---- stdlib step helpers: each action is followed by a marker, so the alerts
# between two markers belong to that step. Only alerts of the processes this
# test moves out of the machine's own cgroups count: container.id "host" (see
# `actor host`) or a test container id starting with e2e5 (`actor container`).
# Use with tests/e2e/rules/e2e_marker.yaml compiled after stdlib-rules.
STEP_N=0
STEP_DESC=()
STEP_EXP=()
STEP_OK=()
MARKER_RULE="E2E step marker"
# The marker action after step N, and which alerts count (a jq condition);
# k8s audit tests post a marker event and keep the k8s_audit alerts.
STEP_MARK=syscall_marker
STEP_FILTER='.output_fields["container.id"] == "host" or (.output_fields["container.id"] // "" | startswith("e2e5"))'
syscall_marker() { "$ACTOR" -n rulec-marker open "$WORK/rulec-e2e-marker-$1" c; }

# stdlib_tools DIR: a directory of symbolic links to /bin/true named like the
# tools the rules look for (the process name is the link's name, and the
# resolved executable is /usr/bin/true, outside temporary directories), plus
# a copy of the actor outside /tmp; sets A (the actor to use) and T (DIR).
# stdlib_test TAG [EXTRA-PATH...]: the common start of the stdlib tests. CID is a 64-hex
# container id e2e5TAG000... (step_alerts keeps alerts of "host" and of ids starting e2e5),
# the fake tools are in $T, the trap cleans up (EXTRA-PATH too), and h runs the actor on the
# host (the root cgroups: container.id "host").
stdlib_test() {
    CID=e2e5$1$(printf '%058d' 0)
    shift
    STDLIB_EXTRA="$*"
    stdlib_tools "/run/rulec-e2e-std.$$"
    trap 'stop_rulec; rm -rf "$WORK" "$T" $STDLIB_EXTRA' EXIT
}
h() { "$A" host "$A" "$@"; }

stdlib_tools() {
    T=$1
    mkdir -p "$T"
    cp "$ACTOR" "$T/rulec-actor"
    A=$T/rulec-actor
    local t
    for t in apt-get apk nc ncat socat useradd usermod passwd nmap tcpdump vim nano nsenter \
        chroot kube-apiserver rulec-e2e-ok wipe whoami curl; do
        ln -sf /bin/true "$T/$t"
    done
}

# step DESC EXPECTED CMD...: runs CMD, then the marker. EXPECTED is the exact
# set of rule names expected in the step, joined with '|' (empty: none).
step() {
    local desc=$1 exp=$2
    shift 2
    STEP_N=$((STEP_N + 1))
    STEP_DESC[$STEP_N]=$desc
    STEP_EXP[$STEP_N]=$exp
    "$@" >>"$WORK/actions.log" 2>&1
    STEP_OK[$STEP_N]=$?
    "$STEP_MARK" "$STEP_N" >>"$WORK/actions.log" 2>&1
}

# step_alerts N: the alerts of step N (one JSON object a line), filtered.
step_alerts() {
    jq -c -s --arg m "$MARKER_RULE" --argjson n "$1" '
        reduce .[] as $a ({i: 1, out: []};
            if $a.rule == $m then .i += 1
            elif .i == $n then .out += [$a] else . end) | .out[]
        | select('"$STEP_FILTER"')' "$ALERTS"
}

# check_steps: after stop_rulec, asserts every step's exact set of rules.
check_steps() {
    local nmark i got exp
    nmark=$(jq -c --arg m "$MARKER_RULE" 'select(.rule == $m)' "$ALERTS" | wc -l)
    if [ "$nmark" -ne "$STEP_N" ]; then
        not_ok "saw $nmark step markers out of $STEP_N"
    fi
    for i in $(seq 1 "$STEP_N"); do
        got=$(step_alerts "$i" | jq -r .rule | sort | paste -sd'|')
        exp=$(printf '%s' "${STEP_EXP[$i]}" | tr '|' '\n' | sed '/^$/d' | sort | paste -sd'|')
        if [ "$got" = "$exp" ]; then
            ok "${STEP_DESC[$i]}: ${exp:-no alert}"
        else
            not_ok "${STEP_DESC[$i]}: expected [${exp}] got [${got}] (action exit ${STEP_OK[$i]})"
            step_alerts "$i" | sed 's/^/    /' | head -5
        fi
    done
}

# step_expect N JQ-CONDITION DESC: some alert of step N satisfies the condition.
step_expect() {
    if [ "$(step_alerts "$1" | jq -c "select($2)" | wc -l)" -ge 1 ]; then
        ok "$3"
    else
        not_ok "$3: no alert of step $1 with $2"
        step_alerts "$1" | sed 's/^/    /' | head -5
    fi
}
