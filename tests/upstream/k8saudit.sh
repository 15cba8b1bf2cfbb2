#!/bin/bash
# Checks rulec against Falco's own k8s audit rules
# (falcosecurity/plugins, plugins/k8saudit/rules/k8s_audit_rules.yaml), which
# the repo does not carry: set RULEC_K8S_AUDIT_RULES to the file (default:
# $RULEC_UPSTREAM_DIR/k8s_audit_rules.yaml, /work/upstream when unset).
# Lints it (zero errors), compiles it unmodified, and runs it on the real
# audit events of tests/e2e/k8saudit: read from the audit log, each event
# raises exactly the upstream rules expected for it; posted to the webhook,
# all of them together raise the same alerts. Needs no root.
BUILD=${1:-build}
RULEC=${RULEC:-$BUILD/rulec}
RULES=${RULEC_K8S_AUDIT_RULES:-${RULEC_UPSTREAM_DIR:-/work/upstream}/k8s_audit_rules.yaml}
[ -f "$RULES" ] || { echo "upstream k8s audit: skipped: $RULES not found (set RULEC_K8S_AUDIT_RULES)"; exit 0; }
cd "$(dirname "$0")/../.." || exit 1
K=tests/e2e/k8saudit
T=$(mktemp -d /tmp/rulec-upstream-k8s.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill -INT $PID 2>/dev/null; rm -rf "$T"' EXIT
export TZ=UTC
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }

if "$RULEC" lint "$RULES" 2>"$T/lint.err"; then
    ok "$(basename "$RULES") lints with zero errors ($(grep -c 'warning\[' "$T/lint.err") warnings)"
else
    not_ok "lint"; cat "$T/lint.err"
fi
if "$RULEC" compile "$RULES" -o "$T/k8s.bpf.o" 2>"$T/compile.err"; then
    ok "compiles: $(tail -1 "$T/compile.err" | sed 's/^rulec: [^:]*: //')"
else
    not_ok "compile"; cat "$T/compile.err"; exit 1
fi

# event fixture -> the upstream rules it raises (Falco's semantics: alice is
# not in allowed_k8s_users, kubernetes-admin is; creations are reported).
expected() {
    case $1 in
    anonymous-allowed) echo "Anonymous Request Allowed" ;;
    clusterrole-readonly) echo "K8s ClusterRole Created" ;;
    clusterrole-wildcard) echo "ClusterRole With Wildcard Created|K8s ClusterRole Created" ;;
    clusterrolebinding-admin) echo "Attach to cluster-admin Role|K8s ClusterRoleBinding Created" ;;
    clusterrolebinding-view) echo "K8s ClusterRoleBinding Created" ;;
    configmap-create-password) echo "Create/Modify Configmap With Private Credentials|Disallowed K8s User|K8s ConfigMap Created" ;;
    configmap-update-plain | pod-create-hostpath-data | pod-create-plain) echo "Disallowed K8s User" ;;
    pod-create-hostnetwork) echo "Create HostNetwork Pod|Create HostPid Pod" ;;
    pod-create-hostpath) echo "Create Sensitive Mount Pod|Disallowed K8s User" ;;
    pod-create-privileged) echo "Create Privileged Pod|Disallowed K8s User" ;;
    pod-exec) echo "Attach/Exec Pod" ;;
    *) echo "" ;;
    esac
}
total=0
: >"$T/fired"
for f in "$K"/*.json; do
    name=$(basename "$f" .json)
    "$RULEC" run --json --k8s-audit "$f" "$T/k8s.bpf.o" >"$T/out" 2>"$T/err"
    got=$(jq -r .rule "$T/out" | sort | paste -sd'|')
    want=$(expected "$name")
    total=$((total + $(wc -l <"$T/out")))
    jq -r .rule "$T/out" >>"$T/fired"
    if [ "$got" = "$want" ]; then ok "$name: ${want:-no alert}"
    else not_ok "$name: expected [$want] got [$got]"; cat "$T/err"; fi
done
if grep -q '"output":"13:53:31.726060000: Warning K8s configmap with private credential (user=alice@example.com verb=create resource=configmaps configmap=app-config)"' \
    <("$RULEC" run --json --k8s-audit "$K/configmap-create-password.json" "$T/k8s.bpf.o" 2>/dev/null); then
    ok "the configmap rule's output is the one Falco prints"
else
    not_ok "configmap rule output"
fi

# The same events posted to the webhook in one EventList.
"$RULEC" run --json --no-stdout --output-file "$T/webhook.json" \
    --k8s-audit http://127.0.0.1:0/k8s-audit "$T/k8s.bpf.o" 2>"$T/run.err" &
PID=$!
for _ in $(seq 1 100); do grep -q "webhook http" "$T/run.err" && break; sleep 0.1; done
URL=$(sed -n 's/.*webhook \(http[^ ]*\).*/\1/p' "$T/run.err")
code=$(jq -c -s '{kind: "EventList", apiVersion: "audit.k8s.io/v1", metadata: {}, items: .}' \
    "$K"/*.json | curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @- "$URL")
for _ in $(seq 1 50); do [ "$(wc -l <"$T/webhook.json")" -ge "$total" ] && break; sleep 0.1; done
kill -INT $PID; wait $PID; PID=
if [ "$code" = 200 ] && [ "$(jq -r .rule "$T/webhook.json" | sort)" = "$(sort "$T/fired")" ]; then
    ok "webhook: one EventList of every event gives the same $total alerts"
else
    not_ok "webhook: HTTP $code, $(wc -l <"$T/webhook.json") alerts, expected $total"
fi
echo "upstream k8s audit rules that alerted: $(sort -u "$T/fired" | paste -sd, | sed 's/,/, /g')"
echo "upstream k8s audit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
