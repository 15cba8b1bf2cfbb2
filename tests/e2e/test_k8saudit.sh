#!/bin/bash
# The k8s_audit source end to end, with real audit.k8s.io/v1 events as the
# API server writes them (tests/e2e/k8saudit/): stdlib's k8s audit rules,
# each with its near miss, posted to the webhook next to the syscall rules of
# the same policy; the configmap rule of issue 13 with Falco's text output,
# from the webhook and from the same events in a file; a followed log file
# across rotation; HTTPS; and bad requests (malformed JSON, wrong method,
# path and content type, too large, a stalled client), answered without
# harm to the runtime.
. "$(dirname "$0")/lib.sh"
K=tests/e2e/k8saudit
export TZ=UTC

MARKER_RULE="E2E k8s step marker"
STEP_MARK=k8s_marker
STEP_FILTER='.source == "k8s_audit"'
k8s_marker() {
    jq -c --arg n "rulec-e2e-marker-$1" '.objectRef = {resource: "e2e-markers", name: $n}
        | .auditID = $n' "$K/configmap-update-plain.json" >"$WORK/marker.json"
    post_audit "$WORK/marker.json"
}
post() { [ "$(post_audit "$@")" = 200 ]; }
# wait_lines FILE N: until FILE has N lines (5 s at most)
wait_lines() {
    for _ in $(seq 1 50); do
        [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# ---- 1. stdlib: every k8s audit rule and its near miss, in a policy with syscall rules ----
compile stdlib-rules/*.yaml tests/e2e/rules/k8s_marker.yaml
start_rulec_k8s
step "ConfigMap created with a password" "K8s ConfigMap with credentials" \
    post "$K/configmap-create-password.json"
step "near miss: ConfigMap updated without credentials" "" post "$K/configmap-update-plain.json"
step "privileged pod created" "K8s privileged pod created" post "$K/pod-create-privileged.json"
step "near miss: unprivileged pod, in one EventList with a privileged one" \
    "K8s privileged pod created" post "$K/pod-create-plain.json" "$K/pod-create-privileged.json"
step "pod mounting the docker socket and /etc" "K8s pod created with a sensitive host path" \
    post "$K/pod-create-hostpath.json"
step "near miss: pod mounting a data directory of the host" "" \
    post "$K/pod-create-hostpath-data.json"
step "pod in the host's network and pid namespaces" "K8s pod created with host namespaces" \
    post "$K/pod-create-hostnetwork.json"
step "kubectl exec into a pod" "K8s exec or attach into a pod" post "$K/pod-exec.json"
step "near miss: kubectl logs" "" post "$K/pod-log.json"
step "ClusterRole granting *" "K8s role with wildcard permissions" post "$K/clusterrole-wildcard.json"
step "near miss: read-only ClusterRole" "" post "$K/clusterrole-readonly.json"
step "ClusterRoleBinding to cluster-admin" "K8s binding to cluster-admin" \
    post "$K/clusterrolebinding-admin.json"
step "near miss: ClusterRoleBinding to view" "" post "$K/clusterrolebinding-view.json"
step "anonymous list of secrets allowed" "K8s anonymous request allowed" \
    post "$K/anonymous-allowed.json"
step "near miss: anonymous /healthz" "" post "$K/anonymous-healthz.json"
step "near miss: anonymous request forbidden" "" post "$K/anonymous-forbidden.json"
# The same policy's syscall rules run next to the audit source.
"$ACTOR" open /etc/shadow r
stop_rulec
check_steps
step_expect 1 '.priority == "Warning" and .time == "2024-03-01T13:53:31.726060000Z"
    and .output_fields["ka.user.name"] == "alice@example.com"
    and .output_fields["ka.sourceips"] == ["172.18.0.1"]
    and (.tags | index("k8s_audit")) and (.output | test("configmap=default/app-config "))
    and (.output | test("hunter2") | not)' \
    "the ConfigMap alert: source, time of the event, fields, and not the credential itself"
step_expect 5 '.output_fields["ka.req.pod.volumes.hostpath"] == ["/var/run/docker.sock", "/etc"]' \
    "the host path alert lists the mounted paths"
step_expect 7 '.output_fields["ka.req.pod.host_network"] == "true" and .output_fields["ka.req.pod.host_ipc"] == null' \
    "the host namespaces alert: hostNetwork true, hostIPC unset (null)"
step_expect 8 '.priority == "Notice" and .output_fields["ka.uri.param[command]"] == "/bin/sh"
    and .output_fields["ka.uri.param[container]"] == "web"' \
    "the exec alert names the command and the container"
step_expect 12 '.output_fields["ka.req.binding.subjects"] | length == 2' \
    "the cluster-admin binding alert lists both subjects"
expect "Sensitive file read by untrusted program" 1 '.source == "syscall"' \
    "a syscall rule of the same policy alerts in the same run"
# 17 events in 16 steps, and 16 markers
grep -q "k8s_audit: received 33, evaluated 33, dropped 0" "$WORK/run.err" &&
    ok "every posted event was received and evaluated, none dropped" ||
    { not_ok "audit event counters"; grep k8s_audit "$WORK/run.err"; }

# ---- 2. the rule of issue 13: Falco's text output, from the webhook and from a file ----
compile tests/e2e/rules/k8saudit_configmap.yaml
EXPECTED='13:53:31.726060000: Warning K8s configmap with private credential (user=alice@example.com verb=create name=app-config configmap=app-config config={\"db_host\":\"db.internal\",\"db_password\":\"hunter2\"})'
NA_LINE='13:53:31.726060000: Warning K8s configmap with private credential (user=<NA> verb=create name=app-config configmap=app-config config={\"db_host\":\"db.internal\",\"db_password\":\"hunter2\"})'
jq -c 'del(.user)' "$K/configmap-create-password.json" >"$WORK/no-user.json"
START_JSON= start_rulec_k8s
grep -q "nothing loaded into the kernel" "$WORK/run.err" &&
    ok "a policy of k8s_audit rules only loads nothing into the kernel" ||
    not_ok "k8s_audit-only policy loaded BPF"
c1=$(post_audit "$K/configmap-create-password.json")
c2=$(post_audit "$K/configmap-update-plain.json")
c3=$(post_audit "$WORK/no-user.json")
[ "$c1$c2$c3" = 200200200 ] && ok "webhook: 200 for each EventList" || not_ok "webhook answered $c1 $c2 $c3"
wait_lines "$ALERTS" 2
stop_rulec
cp "$ALERTS" "$WORK/webhook.txt"
if [ "$(sed -n 1p "$ALERTS")" = "$EXPECTED" ]; then
    ok "webhook: a ConfigMap created with a password alerts with the line Falco prints"
else
    not_ok "webhook: expected [$EXPECTED]"; cat "$ALERTS"
fi
if [ "$(sed -n 2p "$ALERTS")" = "$NA_LINE" ] && [ "$(wc -l <"$ALERTS")" -eq 2 ]; then
    ok "webhook: the update without credentials does not alert; a missing user prints <NA>"
else
    not_ok "webhook: expected exactly the create and the <NA> lines"; cat "$ALERTS"
fi
# The log backend's file, read once: rulec run exits when it is read.
cat "$K/configmap-create-password.json" "$K/configmap-update-plain.json" "$WORK/no-user.json" \
    >"$WORK/audit.log"
timeout 20 "$RULEC" run --no-stdout --output-file "$WORK/file.txt" --k8s-audit "$WORK/audit.log" \
    "$WORK/policy.bpf.o" 2>"$WORK/file.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$WORK/webhook.txt" "$WORK/file.txt"; then
    ok "file: the same events read from the audit log give the same alerts, then rulec run exits 0"
else
    not_ok "file: exit $rc"; cat "$WORK/file.err" "$WORK/file.txt"
fi
grep -q "runtime error\|AddressSanitizer" "$WORK/file.err" && { not_ok "file run under ASan/UBSan"; cat "$WORK/file.err"; }

# ---- 3. a followed log, across rotation and truncation ----
mkdir -p "$WORK/log"
LOG=$WORK/log/audit.log
cat "$K/configmap-create-password.json" >"$LOG" # before the start: not alerted
start_rulec --k8s-audit "file://$LOG"
cat "$K/configmap-update-plain.json" "$K/configmap-create-password.json" >>"$LOG"
wait_lines "$ALERTS" 1
mv "$LOG" "$LOG.1"
jq -c '.auditID = "rotated"' "$K/configmap-create-password.json" >"$LOG"
wait_lines "$ALERTS" 2
: >"$LOG"
jq -c '.auditID = "truncated"' "$K/configmap-create-password.json" >>"$LOG"
wait_lines "$ALERTS" 3
stop_rulec
expect "Create/Modify Configmap With Private Credentials" 3 '.source == "k8s_audit"' \
    "follow: lines appended, after a rotation and after a truncation alert; history does not"

# ---- 4. bad requests, a stalled client, then still serving ----
start_rulec_k8s -o k8s_audit.webhook_max_batch_size=4096 -o k8s_audit.webhook_timeout=1
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
J='Content-Type: application/json'
head -c 10000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
[ "$(code -H "$J" --data-binary '{"kind":"Event",' "$K8S_URL")" = 400 ] &&
    ok "malformed JSON: 400" || not_ok "malformed JSON"
[ "$(code -H "$J" --data-binary '{"kind":"Pod"}' "$K8S_URL")" = 400 ] &&
    ok "JSON that is no audit event: 400" || not_ok "not an audit event"
[ "$(code "$K8S_URL")" = 405 ] && ok "GET: 405" || not_ok "GET"
[ "$(code -H "$J" --data-binary @"$K/pod-log.json" "${K8S_URL%/k8s-audit}/other")" = 404 ] &&
    ok "another path: 404" || not_ok "another path"
[ "$(code -H 'Content-Type: text/plain' --data-binary @"$K/pod-log.json" "$K8S_URL")" = 415 ] &&
    ok "text/plain: 415" || not_ok "content type"
[ "$(code -H "$J" --data-binary @"$WORK/big.json" "$K8S_URL")" = 413 ] &&
    ok "a body over webhook_max_batch_size: 413" || not_ok "too large"
PORT=${K8S_URL#http://127.0.0.1:}
PORT=${PORT%%/*}
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /k8s-audit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl' >&3
t0=$(date +%s)
[ "$(post_audit "$K/configmap-create-password.json")" = 200 ] &&
    ok "served while a client stalls" || not_ok "blocked by a stalled client"
timeout 10 cat <&3 >/dev/null
t1=$(date +%s)
exec 3<&-
[ $((t1 - t0)) -le 5 ] && ok "the stalled client is dropped after the timeout ($((t1 - t0)) s)" ||
    not_ok "stalled client kept $((t1 - t0)) s"
wait_lines "$ALERTS" 1
stop_rulec
[ "$RULE_STATUS" -eq 0 ] && ok "rulec run stops cleanly after bad requests" || not_ok "exit $RULE_STATUS"
expect "Create/Modify Configmap With Private Credentials" 1 '' "the good request alerted"
grep -q "k8s_audit webhook: 400 to 127.0.0.1" "$WORK/run.err" &&
    ok "a bad request is logged with its client" || not_ok "bad request not logged"

# ---- 5. HTTPS ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
cat "$WORK/cert.pem" "$WORK/key.pem" >"$WORK/rulec.pem"
start_rulec --k8s-audit https://127.0.0.1:0/k8s-audit -o "k8s_audit.ssl_certificate=$WORK/rulec.pem"
K8S_URL=$(sed -n 's/.*webhook \(https[^ ]*\).*/\1/p' "$WORK/run.err")
c=$(audit_list "$K/configmap-create-password.json" | curl -s -o /dev/null -w '%{http_code}' \
    --cacert "$WORK/cert.pem" -H "$J" --data-binary @- "$K8S_URL")
[ "$c" = 200 ] && ok "HTTPS: 200 (certificate and key in one PEM file, as the plugin's)" ||
    not_ok "HTTPS: $c"
wait_lines "$ALERTS" 1
stop_rulec
expect "Create/Modify Configmap With Private Credentials" 1 '' "HTTPS: the event alerted"
finish
