#!/bin/bash
# stdlib kube-apiserver profile on real actions: inbound connections on an
# unexpected port, children of kube-apiserver, and (enabled by an override,
# as a user would) syscalls outside its profile. Near misses: an allowed
# port, an allowed child (appended list), allowed syscalls.
. "$(dirname "$0")/lib.sh"

stdlib_test c3
# serve PORT: kube-apiserver accepts one connection on PORT from a client.
serve() {
    h -n kube-apiserver listen "$1" &
    local l=$!
    sleep 0.3
    h dial 127.0.0.1 "$1"
    wait "$l"
}
compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
start_rulec
step "kube-apiserver accepts on an unexpected port" \
    "Inbound connection to kube-apiserver on an unexpected port" serve 47301
S_PORT=$STEP_N
step "near miss: kube-apiserver accepts on 6443" "" serve 6443
step "kube-apiserver spawns a program" "Unexpected process spawned by kube-apiserver" \
    h -n kube-apiserver spawn /bin/true
S_CHILD=$STEP_N
step "kube-apiserver in a container spawns a shell" \
    "Unexpected process spawned by kube-apiserver|Shell spawned in a container" \
    "$A" container "$CID" "$A" -n kube-apiserver spawn /bin/sh -c 'exit 0'
step "near miss: kube-apiserver spawns an allowed child (appended list)" "" \
    h -n kube-apiserver spawn "$T/rulec-e2e-ok"
stop_rulec
check_steps
step_expect "$S_PORT" '.output_fields["fd.sport"] == 47301 and .output_fields["proc.name"] == "kube-apiserver"' \
    "unexpected port alert names the port"
step_expect "$S_CHILD" '.output_fields["proc.name"] == "true" and .output_fields["proc.pname"] == "kube-apiserver"' \
    "child alert names the child and its parent"

# The syscall profile is disabled by default; enable it as a user would.
cat >"$WORK/enable.yaml" <<'EOY'
- rule: Unexpected syscall by kube-apiserver
  enabled: true
  override:
    enabled: replace
EOY
if "$RULEC" inspect "$WORK/policy.bpf.o" | grep -q "Unexpected syscall by kube-apiserver"; then
    not_ok "the syscall profile rule is disabled by default"
else
    ok "the syscall profile rule is disabled by default"
fi
STEP_N=0
compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml "$WORK/enable.yaml"
start_rulec
U="Unexpected syscall by kube-apiserver"
step "kube-apiserver calls mkdir and rmdir" "$U|$U" h -n kube-apiserver syscall-mkdir "$WORK/k3"
S_SYS=$STEP_N
step "near miss: kube-apiserver opens and closes a file" "" h -n kube-apiserver open /etc/hostname r
stop_rulec
check_steps
step_expect "$S_SYS" '.output_fields["evt.type"] == "mkdir"' "syscall alert names the syscall"
finish
