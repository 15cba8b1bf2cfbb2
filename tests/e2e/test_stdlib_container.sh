#!/bin/bash
# stdlib container rules on real actions: each runs in new pid, mount and
# network namespaces inside cgroups named like a containerd (or docker)
# container, and sees exactly its rule's alert; each near miss (the same
# action on the host, or by an allowed program) sees none.
. "$(dirname "$0")/lib.sh"

stdlib_test c1
DID=e2e5d1$(printf '%058d' 0)
mkdir -p "$WORK/mnt" && touch "$WORK/own"
c() { "$A" container "$CID" "$@"; }
compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
start_rulec

step "shell in a container" "Shell spawned in a container" c /bin/sh -c 'exit 0'
S_SHELL=$STEP_N
step "near miss: shell on the host" "" "$A" host /bin/sh -c 'exit 0'
step "package manager in a container" "Package manager launched in a container" \
    c "$T/apt-get" update
S_PKG=$STEP_N
step "package manager in a docker-named container" "Package manager launched in a container" \
    "$A" docker "$DID" "$T/apk" add curl
S_DOCKER=$STEP_N
step "near miss: package manager on the host" "" "$A" host "$T/apt-get" update
step "executable created in a container" "Executable file created in a container" \
    c "$A" open "$WORK/drift" x
S_DRIFT=$STEP_N
step "near miss: plain file created in a container" "" c "$A" open "$WORK/plain" c
step "near miss: executable created by dpkg in a container" "" c "$A" -n dpkg open "$WORK/drift2" x
step "switch to root in a container" "Switch to root in a container" c "$A" setuid-root
step "near miss: sudo switching to root" "" c "$A" -n sudo setuid-root
step "near miss: switch to root on the host" "" "$A" host "$A" setuid-root
step "privileged tool in a container" "Privileged tool launched in a container" \
    c "$T/nsenter" -t 1 -m
step "near miss: privileged tool on the host" "" "$A" host "$T/nsenter" -t 1 -m
step "unshare in a container" "Namespace changed from a container" c "$A" unshare
S_NS=$STEP_N
step "setns in a container" "Namespace changed from a container" c "$A" setns
step "near miss: runc unsharing in a container" "" c "$A" -n runc unshare
step "near miss: unshare on the host" "" "$A" host "$A" unshare
step "mount in a container" "Mount in a container" c "$A" mount "$WORK/mnt"
step "near miss: runc mounting in a container" "" c "$A" -n runc mount "$WORK/mnt"
step "release_agent in a container" "Cgroup release_agent written in a container" \
    c "$A" open /sys/fs/cgroup/cpu/release_agent w
S_RA=$STEP_N
step "near miss: release_agent on the host" "" "$A" host "$A" open /sys/fs/cgroup/cpu/release_agent w
step "chown in a container" "File ownership changed in a container" c "$A" chown "$WORK/own" 0 0
step "near miss: chown by dpkg in a container" "" c "$A" -n dpkg chown "$WORK/own" 0 0
step "chmod in a container" "File mode changed in a container" c "$A" chmod "$WORK/own" 640
step "near miss: chmod by dpkg in a container" "" c "$A" -n dpkg chmod "$WORK/own" 644
step "editor in a container" "Text editor launched in a container" c "$T/vim" /etc/hosts
step "near miss: editor on the host" "" "$A" host "$T/vim" /etc/hosts
step "runtime socket from a container" "Container runtime socket contacted from a container" \
    c "$A" unix-connect "$WORK/docker.sock"
S_SOCK=$STEP_N
step "near miss: crictl on the runtime socket" "" c "$A" -n crictl unix-connect "$WORK/docker.sock"
step "metadata endpoint from a container" "Cloud metadata endpoint contacted from a container" \
    c "$A" lo-connect 169.254.169.254 80
S_META=$STEP_N
step "near miss: aws CLI on the metadata endpoint" "" c "$A" -n aws lo-connect 169.254.169.254 80
step "near miss: another address on port 80" "" c "$A" lo-connect 127.0.0.1 80

stop_rulec
check_steps
SHORT=${CID:0:12}
step_expect "$S_SHELL" ".output_fields[\"container.id\"] == \"$SHORT\" and .output_fields[\"proc.name\"] == \"sh\" and .priority == \"Warning\"" \
    "shell alert carries the container id and process"
step_expect "$S_PKG" ".output_fields[\"proc.cmdline\"] == \"apt-get update\" and .output_fields[\"container.id\"] == \"$SHORT\"" \
    "package manager alert carries the command line and container id"
step_expect "$S_DOCKER" ".output_fields[\"container.id\"] == \"${DID:0:12}\"" \
    "docker-named cgroup gives the docker container id"
step_expect "$S_DRIFT" ".output_fields[\"fd.name\"] == \"$WORK/drift\"" "drift alert names the file"
step_expect "$S_NS" '.output_fields["evt.type"] == "unshare"' "namespace alert names the syscall"
step_expect "$S_RA" '.output_fields["fd.name"] == "/sys/fs/cgroup/cpu/release_agent"' \
    "release_agent alert names the file"
step_expect "$S_SOCK" ".output_fields[\"fd.name\"] == \"$WORK/docker.sock\"" \
    "runtime socket alert names the socket"
step_expect "$S_META" '.output_fields["fd.sip"] == "169.254.169.254" and .output_fields["fd.sport"] == 80' \
    "metadata alert names the server and port"
finish
