#!/bin/bash
# container.id through the kernel's per-process cache (compiler/bpf/rulec_cache.h): a process
# already running when rulec starts (seeded from /proc), a fork in the same cgroups (the
# parent's entry copied), a fork after its parent moved to other cgroups (no entry: the kernel
# says "maybe" and the runtime computes the id from /proc), and the near miss: the moved
# parent itself, whose container.id is still the one of its exec, as in Falco.
. "$(dirname "$0")/lib.sh"

CID=c0ffee0123abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SLICE=rulec-e2e-cache.slice

# $WORK/join PID: moves PID into cgroups named like a containerd container for $CID in every
# cgroup hierarchy mounted below /sys/fs/cgroup.
cat >"$WORK/join" <<EOS
for base in /sys/fs/cgroup /sys/fs/cgroup/*; do
    case \$(stat -f -c %T "\$base" 2>/dev/null) in cgroupfs | cgroup2fs) ;; *) continue ;; esac
    d=\$base/$SLICE/cri-containerd-$CID.scope
    mkdir -p "\$d" 2>/dev/null || continue
    if [ -e "\$base/cpuset.cpus" ]; then
        cat "\$base/cpuset.cpus" >"\$base/$SLICE/cpuset.cpus"
        cat "\$base/cpuset.mems" >"\$base/$SLICE/cpuset.mems"
        cat "\$base/cpuset.cpus" >"\$d/cpuset.cpus"
        cat "\$base/cpuset.mems" >"\$d/cpuset.mems"
    fi 2>/dev/null
    echo "\$1" >"\$d/cgroup.procs" 2>/dev/null
done
EOS

leave_cgroups() {
    local base
    for base in /sys/fs/cgroup /sys/fs/cgroup/*; do
        [ -d "$base/$SLICE" ] || continue
        for p in $(cat "$base/$SLICE/cri-containerd-$CID.scope/cgroup.procs" 2>/dev/null); do
            echo "$p" >"$base/cgroup.procs" 2>/dev/null
        done
        rmdir "$base/$SLICE/cri-containerd-$CID.scope" "$base/$SLICE" 2>/dev/null
    done
}
trap 'stop_rulec; leave_cgroups; rm -rf "$WORK"' EXIT

compile tests/e2e/rules/container_cache.yaml

# seeded: moves itself into the container, then waits for rulec to be attached.
cat >"$WORK/seeded" <<EOS
bash "$WORK/join" \$\$
while [ ! -e "$WORK/go" ]; do sleep 0.1; done
exec 3</etc/shadow
EOS
bash "$WORK/seeded" case-seeded &
SEEDED=$!
sleep 0.5
start_rulec
touch "$WORK/go"
wait "$SEEDED"

# fork: a shell exec'd inside the container (its entry from the exec hook) forks a subshell.
"$ACTOR" container "$CID" bash -c '( exec 3</etc/shadow; sleep 0.5 )' case-fork

# miss: a shell exec'd outside moves itself in; its subshell opens; the shell itself is the
# near miss (Falco keeps the id of its exec).
cat >"$WORK/moved" <<EOS
bash "$WORK/join" \$\$
( exec 3</etc/shadow; sleep 0.5 )
exec 4</etc/shadow
EOS
bash "$WORK/moved" case-moved

stop_rulec

ID12=${CID:0:12}
expect "E2E shadow opened in the cache test container" 1 \
    ".output_fields[\"container.id\"] == \"$ID12\" and (.output_fields[\"proc.cmdline\"] | endswith(\"case-seeded\"))" \
    "a process running before rulec started, in a container"
expect "E2E shadow opened in the cache test container" 1 \
    ".output_fields[\"container.id\"] == \"$ID12\" and (.output_fields[\"proc.cmdline\"] | endswith(\"case-fork\"))" \
    "a fork of a process exec'd in a container"
expect "E2E shadow opened in the cache test container" 1 \
    ".output_fields[\"container.id\"] == \"$ID12\" and (.output_fields[\"proc.cmdline\"] | endswith(\"case-moved\"))" \
    "a fork after its parent moved into a container (decided in userspace)"
expect "E2E shadow opened in the cache test container" 3 '' \
    "no alert for the moved parent itself (its id is the one of its exec)"
finish
