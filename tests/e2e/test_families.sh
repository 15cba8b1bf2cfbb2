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
OVL=/run/rulec-e2e-fam-overlay
RA=/tmp/rulec-e2e-fam-cgroup
stdlib_test fa /dev/shm/rulec-e2e-fam-true /etc/rulec-e2e-fam /etc/rulec-e2e-fam-2 \
    /root/.rulec-e2e-fam /root/.cache/rulec-e2e-fam "$LOG" "$OVL" "$RA"
mkdir -p "$OVL/l" "$RA" && cp /bin/true "$OVL/l/base" # the image's binary, before the test
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
    # Falco's shipped falco.yaml appends the container plugin's fields to every output: upstream
    # outputs rely on it for container.id, which the steps' filter reads.
    printf 'append_output:\n  - suggested_output: true\n' >"$WORK/falco.yaml"
    RUN_CONFIG=(--config "$WORK/falco.yaml")
    # Every container step starts one (its pid 1, with CAP_SYS_ADMIN and no runtime metadata):
    # Falco's container-start rules see it too.
    UP_START="Launch Excessively Capable Container|Launch Sensitive Mount Container"
else
    compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
    RUN_CONFIG=()
    UP_START=
fi
start_rulec "${RUN_CONFIG[@]}"

# fam DESC STDLIB-RULES UPSTREAM-RULES CMD...: a step expecting the rules of this mode; for a
# command that starts a test container, upstream's container-start rules are expected with its
# rules (twice when the container's pid 1 execs again: nocap).
fam() {
    local desc=$1 std=$2 up=$3 starts=0
    shift 3
    case " $* " in " C "* | *" container "*) starts=1 ;; esac
    case " $* " in *" nocap "*) starts=2 ;; esac
    for _ in $(seq 1 $starts); do
        [ -n "$UP_START" ] && up=${up:+$up|}$UP_START
    done
    if [ "$MODE" = upstream ]; then step "$desc" "$up" "$@"; else step "$desc" "$std" "$@"; fi
}
C() { "$A" container "$CID" "$A" "$@"; }

fam "a shell whose grandparent is a web server (proc.aname)" \
    "Shell spawned by a server process" "Run shell untrusted|Web Server Spawned Shell" \
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
# Per-process facts the kernel reads from the task at the event (Falco records them at execve).
CAP_SYS_MODULE=16 CAP_SYS_ADMIN=21
fam "a container with CAP_SYS_MODULE loads a module (thread.cap_effective)" \
    "Kernel module load attempted|Kernel module loaded from a privileged container" \
    "Linux Kernel Module Injection Detected" C module
S_MODULE=$STEP_N
fam "near miss: the same container process without CAP_SYS_MODULE" \
    "Kernel module load attempted" "" "$A" container "$CID" "$A" nocap $CAP_SYS_MODULE "$A" module
fam "a container with CAP_SYS_ADMIN writes a release_agent" \
    "Cgroup release_agent written in a container" "Detect release_agent File Container Escapes" \
    C open "$RA/release_agent" c
S_RA=$STEP_N
fam "near miss: without CAP_SYS_ADMIN (upstream needs it)" \
    "Cgroup release_agent written in a container" "" \
    "$A" container "$CID" "$A" nocap $CAP_SYS_ADMIN "$A" open "$RA/release_agent" c
# (the action mounts the overlay and writes the binary: stdlib sees that too)
fam "a container runs a binary written into its overlayfs upper layer" \
    "Binary dropped and executed in a container|Executable file created in a container|Mount in a container" \
    "Drop and execute new binary in container" C overlay-exec "$OVL" upper
S_UPPER=$STEP_N
fam "near miss: a binary of the lower layer" "Mount in a container" "" C overlay-exec "$OVL" lower
fam "exec from a memfd (proc.is_exe_from_memfd)" \
    "Fileless execution from memory" "Fileless execution via memfd_create" h memfd-exec /bin/true
S_MEMFD=$STEP_N
fam "near miss: runc runs from a memfd" "" "" h -n runc spawn "$A" memfd-exec /bin/true
fam "a program started with GLIBC_TUNABLES (proc.env)" \
    "Dynamic loader tampering through the environment" \
    "Potential Local Privilege Escalation via Environment Variables Misuse" \
    env GLIBC_TUNABLES=glibc.malloc.mxfast=0 "$A" host /usr/bin/true
S_ENV=$STEP_N
fam "near miss: another variable" "" "" env GLIBC_TUNABLE=0 "$A" host /usr/bin/true
fam "whoami typed at a terminal in a container (proc.is_vpgid_leader)" \
    "Reconnaissance command run interactively in a container" "Basic Interactive Reconnaissance" \
    C tty "$T/whoami"
S_RECON=$STEP_N
fam "near miss: whoami run by a script, not a job of its own" "Shell spawned in a container" "" \
    C tty /bin/sh -c "$T/whoami; exit 0"
fam "cat connects to an internet address (fd.sockfamily)" \
    "System program made a network connection" "System procs network activity" \
    "$A" container "$CID" "$A" -n cat lo-connect 198.51.100.9 8080
S_SYSNET=$STEP_N
fam "near miss: a program of its own connects" "" "" \
    "$A" container "$CID" "$A" -n myclient lo-connect 198.51.100.9 8080
fam "an untrusted program reads /etc/shadow" \
    "Sensitive file read by untrusted program" "Read sensitive file untrusted" \
    h open /etc/shadow r
S_SHADOW=$STEP_N
fam "near miss: sshd reads /etc/shadow" "" "" h -n sshd open /etc/shadow r
stop_rulec
check_steps

# Output fields are filled: none of an alert's fields is <NA> but those Falco leaves empty
# here too: ancestors above the chain, a test container's runtime metadata (there is no
# runtime), fd.name of an exec (no fd), user.loginname without a login (loginuid -1).
NA_OK='^(proc\.a(name|exe|exepath)\[[0-9]+\]|container\..*|k8s\..*|user\.loginname)$'
for s in $S_ANAME $S_K8S $S_SSH $S_META $S_TRUNC $S_SHM $S_SETNS $S_ETC $S_ROOT $S_MODULE $S_RA \
    $S_UPPER $S_MEMFD $S_ENV $S_RECON $S_SYSNET $S_SHADOW; do
    na=$(step_alerts "$s" | jq -r --arg ok "$NA_OK" \
        '(.output_fields["evt.type"] // "" | startswith("exec")) as $exec | .output_fields |
         to_entries[] | select(.value == null and (.key | test($ok) | not) and
                               (.key != "fd.name" or ($exec | not))) | .key' |
        sort -u | paste -sd' ')
    [ -z "$na" ] && ok "${STEP_DESC[$s]}: every output field has a value" ||
        not_ok "${STEP_DESC[$s]}: <NA> for $na"
done
step_expect "$S_ANAME" '.output_fields["proc.aname[2]"] == "nginx"' "the shell's grandparent is nginx"
step_expect "$S_K8S" '(.output_fields["fd.sip.name"] // .output_fields["fd.name"]) != null' \
    "the API server alert names the connection"
[ "$MODE" = upstream ] ||
    step_expect "$S_MODULE" '.output_fields["thread.cap_effective"] // "" | contains("CAP_SYS_MODULE")' \
        "the capability names in the output"
step_expect "$S_UPPER" '.output_fields["proc.is_exe_upper_layer"] == true or .output_fields["proc.exepath"] == "'"$OVL"'/m/dropped"' \
    "the dropped binary's path"
step_expect "$S_ENV" '.output_fields["proc.env"] // "" | contains("GLIBC_TUNABLES=glibc.malloc.mxfast=0")' \
    "the environment in the output, entries joined by spaces"
step_expect "$S_TRUNC" '.output_fields["fd.name"] == "'"$LOG"'" and .output_fields["evt.type"] == "openat2"' \
    "the truncated log and the openat2 syscall"
finish
