#!/bin/bash
# Falco's rule families on real actions, each with a near miss: the fields
# upstream falco_rules.yaml and its incubating and sandbox files depend on
# (ancestors, names addresses resolve to, addresses at either end, openat2's
# flags, exceptions), and that every alert comes with its output fields filled.
#
# CI runs it on stdlib-rules, whose rules use the same fields. With
# RULEC_FAMILIES=upstream it runs on the fetched upstream files instead
# (RULEC_UPSTREAM_DIR, default /work/upstream; `make upstream` does this), each
# step expecting the upstream rules Falco fires for it.
. "$(dirname "$0")/lib.sh"

MODE=${RULEC_FAMILIES:-stdlib}
UP=${RULEC_UPSTREAM_DIR:-/work/upstream}
LOG=/var/log/rulec-e2e-fam.log
stdlib_test fa /dev/shm/rulec-e2e-fam-true /etc/rulec-e2e-fam /etc/rulec-e2e-fam-2 \
    /root/.rulec-e2e-fam /root/.cache/rulec-e2e-fam "$LOG"
cp /bin/true /dev/shm/rulec-e2e-fam-true
cp "$ACTOR" "$T/ssh"
: >"$LOG"
mkdir -p /root/.cache

# fd.sip.name: rulec run resolves the policy's names through this /etc/hosts, in a mount
# namespace of its own (the node's file is left alone).
HOSTS=$WORK/hosts
printf '127.0.0.1 localhost\n10.96.0.1 kubernetes.default.svc.cluster.local\n' >"$HOSTS"
RULEC_WRAP=(unshare -m --propagation private sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$HOSTS")

if [ "$MODE" = upstream ]; then
    for f in falco_rules.yaml falco-incubating_rules.yaml falco-sandbox_rules.yaml; do
        [ -f "$UP/$f" ] || { echo "families: skipped: $UP/$f not found (RULEC_UPSTREAM_DIR)"; exit 0; }
    done
    # The marker rule alone: the lists the stdlib tests extend are not upstream's.
    sed '/^# Near misses/,$d' tests/e2e/rules/e2e_marker.yaml >"$WORK/marker.yaml"
    compile "$UP/falco_rules.yaml" "$UP/falco-incubating_rules.yaml" \
        "$UP/falco-sandbox_rules.yaml" "$WORK/marker.yaml"
else
    compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
fi
start_rulec

# fam DESC STDLIB-RULES UPSTREAM-RULES CMD...: a step expecting the rules of this mode.
fam() {
    local desc=$1 std=$2 up=$3
    shift 3
    if [ "$MODE" = upstream ]; then step "$desc" "$up" "$@"; else step "$desc" "$std" "$@"; fi
}
C() { "$A" container "$CID" "$A" "$@"; }

fam "a shell whose grandparent is a web server (proc.aname)" \
    "Shell spawned by a server process" "Run shell untrusted" \
    h -n nginx spawn "$A" -n wrk spawn /bin/sh -c true
S_ANAME=$STEP_N
fam "near miss: a shell below another program" "" "" \
    h -n myapp spawn "$A" -n wrk spawn /bin/sh -c true
fam "a container connects to the API server's address (fd.sip.name)" \
    "Kubernetes API server contacted from a container" "Contact K8S API Server From Container" \
    C lo-connect 10.96.0.1 443
S_K8S=$STEP_N
fam "near miss: the next address" "" "" C lo-connect 10.96.0.2 443
fam "ssh to a public address on port 443 (fd.net at either end)" \
    "SSH connection to a web or DNS port" "Disallowed SSH Connection Non Standard Port" \
    "$A" container "$CID" "$T/ssh" -n ssh lo-connect 198.51.100.7 443
S_SSH=$STEP_N
fam "near miss: ssh to port 22" "" "" "$A" container "$CID" "$T/ssh" -n ssh lo-connect 198.51.100.7 22
fam "near miss: ssh to a private address on port 443" "" "" \
    "$A" container "$CID" "$T/ssh" -n ssh lo-connect 10.1.2.3 443
fam "a container connects to the metadata service" \
    "Cloud metadata endpoint contacted from a container" \
    "Contact EC2 Instance Metadata Service From Container|Contact cloud metadata service from container" \
    C lo-connect 169.254.169.254 80
S_META=$STEP_N
fam "near miss: the address next to it" "" "" C lo-connect 169.254.169.253 80
fam "openat2 truncates a log (evt.arg.flags of openat2)" \
    "Log file truncated" "Clear Log Activities" h openat2 "$LOG" t
S_TRUNC=$STEP_N
fam "near miss: openat2 writes the log without O_TRUNC" "" "" h openat2 "$LOG" w
fam "exec from /dev/shm" "Execution from a temporary directory" "Execution from /dev/shm" \
    "$A" host /dev/shm/rulec-e2e-fam-true
S_SHM=$STEP_N
fam "near miss: the same program from /usr/bin" "" "" "$A" host /usr/bin/true
fam "setns in a container" "Namespace changed from a container" "Change thread namespace" C setns
S_SETNS=$STEP_N
fam "near miss: nsenter joins a namespace on the host" "" "" h -n nsenter setns
fam "a file created below /etc" "Write below etc" "Write below etc" h open /etc/rulec-e2e-fam c
S_ETC=$STEP_N
fam "near miss: passwd writes below /etc" "" "" h -n passwd open /etc/rulec-e2e-fam-2 c
fam "a file created in /root" "Write below root home" "Write below root" \
    h open /root/.rulec-e2e-fam c
S_ROOT=$STEP_N
fam "near miss: a cache below /root" "" "" h open /root/.cache/rulec-e2e-fam c
fam "an untrusted program reads /etc/shadow" \
    "Sensitive file read by untrusted program" "Read sensitive file untrusted" \
    h open /etc/shadow r
S_SHADOW=$STEP_N
fam "near miss: sshd reads /etc/shadow" "" "" h -n sshd open /etc/shadow r
stop_rulec
check_steps

# Output fields are filled: none of an alert's fields is <NA> but those Falco leaves empty
# here too (ancestors above the chain, a fake container's runtime metadata).
NA_OK='^(proc\.a(name|exe|exepath)\[[0-9]+\]|container\.(name|image.*|start_ts)|k8s\..*)$'
for s in $S_ANAME $S_K8S $S_SSH $S_META $S_TRUNC $S_SHM $S_SETNS $S_ETC $S_ROOT $S_SHADOW; do
    na=$(step_alerts "$s" | jq -r --arg ok "$NA_OK" \
        '.output_fields | to_entries[] | select(.value == null and (.key | test($ok) | not)) | .key' |
        sort -u | paste -sd' ')
    [ -z "$na" ] && ok "${STEP_DESC[$s]}: every output field has a value" ||
        not_ok "${STEP_DESC[$s]}: <NA> for $na"
done
step_expect "$S_ANAME" '.output_fields["proc.aname[2]"] == "nginx"' "the shell's grandparent is nginx"
step_expect "$S_K8S" '(.output_fields["fd.sip.name"] // .output_fields["fd.name"]) != null' \
    "the API server alert names the connection"
step_expect "$S_TRUNC" '.output_fields["fd.name"] == "'"$LOG"'" and .output_fields["evt.type"] == "openat2"' \
    "the truncated log and the openat2 syscall"
finish
