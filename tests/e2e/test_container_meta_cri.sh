#!/bin/bash
# Container metadata from a real CRI runtime: a private containerd (Debian's, with runc) runs a
# pod as a kubelet would create it (rulec-cri: RunPodSandbox, CreateContainer, StartContainer)
# from an image built offline; the alerts carry the CRI answers: container.type containerd,
# the container's name, image, repository and tag, and the pod's name, namespace, uid, labels
# and sandbox id. A rule on container.image fires for the kube-apiserver image only.
. "$(dirname "$0")/lib.sh"

CRI=$BUILD/rulec-cri
CROOT=$WORK/containerd
CSOCK=$CROOT/containerd.sock
CPID=
POD=
NS_UID=3f6c1d2e-8a4b-4c5d-9e0f-1a2b3c4d5e6f

cleanup() {
    stop_rulec
    [ -n "$POD" ] && timeout 60 "$CRI" "$CSOCK" rmp "$POD" >/dev/null 2>&1
    if [ -n "$CPID" ]; then
        kill -TERM "$CPID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$CPID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$CPID" 2>/dev/null
        wait "$CPID" 2>/dev/null
    fi
    # Snapshot mounts left by an interrupted run.
    findmnt -rn -o TARGET 2>/dev/null | grep "^$CROOT/" | sort -r | xargs -r umount -l 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null || [ ! -x /bin/busybox ]; then
    not_ok "containerd, ctr and /bin/busybox installed (make deps: docker.io, busybox-static)"
    exit 1
fi
mkdir -p "$CROOT/cni"
# This machine's root cannot lower a process's OOM score (no CAP_SYS_RESOURCE), which the pod
# sandbox asks for: restrict_oom_score_adj keeps the score where it is.
cat >"$CROOT/config.toml" <<EOF
version = 2
root = "$CROOT/root"
state = "$CROOT/state"
[grpc]
  address = "$CSOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "e2e.local/pause:1"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "$CROOT/cni"
EOF
containerd --config "$CROOT/config.toml" >"$WORK/containerd.log" 2>&1 &
CPID=$!
for _ in $(seq 1 300); do
    [ -S "$CSOCK" ] && ctr -a "$CSOCK" version >/dev/null 2>&1 && break
    kill -0 "$CPID" 2>/dev/null || break
    sleep 0.1
done
if ! ctr -a "$CSOCK" version >/dev/null 2>&1; then
    tail -20 "$WORK/containerd.log"
    not_ok "containerd started"
    exit 1
fi
ok "containerd started ($(ctr -a "$CSOCK" version 2>/dev/null | awk '/Version/ { print $2; exit }'))"

# import_image NAME...: a docker-archive built by hand (one layer: busybox, the probe file and
# a file naming the image, so that each image has its own id; a config whose command keeps a
# pod's sandbox alive), imported under the names given.
import_image() {
    local I=$WORK/image.$1 R=$WORK/rootfs.$1 names c
    mkdir -p "$I" "$R/bin" "$R/tmp" "$R/etc"
    cp /bin/busybox "$R/bin/busybox"
    for t in sh cat sleep; do ln -s busybox "$R/bin/$t"; done
    echo probe >"$R/rulec-e2e-probe"
    echo "$1" >"$R/etc/image"
    tar -C "$R" -cf "$I/layer.tar" .
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sleep","3600"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$(sha256sum "$I/layer.tar" | cut -d' ' -f1)" >"$I/config.json"
    c=$(sha256sum "$I/config.json" | cut -d' ' -f1)
    mv "$I/config.json" "$I/$c.json"
    names=$(printf '"%s",' "$@")
    printf '[{"Config":"%s.json","RepoTags":[%s],"Layers":["layer.tar"]}]' "$c" "${names%,}" >"$I/manifest.json"
    tar -C "$I" -cf "$I.tar" manifest.json "$c.json" layer.tar
    timeout 60 ctr -a "$CSOCK" -n k8s.io images import "$I.tar" >/dev/null ||
        { not_ok "image $1 imported"; exit 1; }
}
import_image e2e.local/kube-apiserver:v1.30.0 e2e.local/pause:1
import_image e2e.local/web:1.0

compile tests/e2e/rules/container_meta.yaml
start_rulec -o container_engines.docker.enabled=false -o container_engines.podman.enabled=false \
    -o "container_engines.cri.sockets=$CSOCK" -o container_engines.lookup_wait_ms=5000

POD=$(timeout 60 "$CRI" "$CSOCK" runp kube-apiserver-node1 kube-system "$NS_UID")
[ -n "$POD" ] && ok "pod sandbox running" || { not_ok "pod sandbox running"; tail -5 "$WORK/containerd.log"; exit 1; }
run_in_pod() { # NAME IMAGE: a container of the pod that reads the probe file, then waits
    timeout 60 "$CRI" "$CSOCK" run "$POD" kube-apiserver-node1 kube-system "$NS_UID" "$1" "$2" \
        /bin/sh -c 'sleep 0.3; cat /rulec-e2e-probe; sleep 1'
}
API=$(run_in_pod kube-apiserver e2e.local/kube-apiserver:v1.30.0)
WEB=$(run_in_pod web e2e.local/web:1.0)
sleep 2
stop_rulec

f() { printf '.output_fields["%s"]' "$1"; }
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.type) == \"containerd\" and $(f container.name) == \"kube-apiserver\" and $(f container.full_id) == \"$API\"" \
    "CRI alert: container.type containerd, the container's name and id"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.image) == \"e2e.local/kube-apiserver:v1.30.0\" and $(f container.image.repository) == \"e2e.local/kube-apiserver\" and $(f container.image.tag) == \"v1.30.0\" and ($(f container.image.digest) | startswith(\"sha256:\"))" \
    "CRI alert: container.image, repository, tag, digest"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f k8s.pod.name) == \"kube-apiserver-node1\" and $(f k8s.ns.name) == \"kube-system\" and $(f k8s.pod.uid) == \"$NS_UID\" and $(f k8s.pod.sandbox_id) == \"${POD:0:12}\"" \
    "CRI alert: the pod's name, namespace, uid and sandbox, from the sandbox's status"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f k8s.pod.labels) == \"app:kube-apiserver, tier:control-plane\" and $(f container.label[tier]) == \"control-plane\" and $(f container.host_network) == true" \
    "CRI alert: pod labels, container labels, host network"
expect "CM kube-apiserver probe" 1 "$(f container.name) == \"kube-apiserver\"" \
    "container.image contains \"kube-apiserver\" fires for the CRI container of that image"
expect "CM probe" 1 "$(f container.id) == \"${WEB:0:12}\" and $(f container.image) == \"e2e.local/web:1.0\"" \
    "near miss: the pod's other container, of another image, alerts with its own image ..."
expect "CM kube-apiserver probe" 0 "$(f container.name) != \"kube-apiserver\"" "... and not as kube-apiserver"
no_engine_warning
finish
