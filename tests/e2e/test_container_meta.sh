#!/bin/bash
# Container metadata from a real container runtime: a private dockerd (Debian's docker.io, runc)
# runs containers of an image imported offline from a busybox rootfs, labelled as the kubelet
# labels them; their alerts carry the runtime's container.name, container.image (repository,
# tag, id), labels and Kubernetes fields, a rule on container.image fires for the
# kube-apiserver image only, and the same probe on the host prints what Falco prints there.
. "$(dirname "$0")/lib.sh"

DOCKER=$(command -v /usr/bin/docker docker | head -n 1)
DSOCK=/run/rulec-e2e-docker.sock
DROOT=/var/lib/rulec-e2e-docker
DEXEC=/run/rulec-e2e-docker
DPID=
IMG_API=e2e.local/kube-apiserver:v1.30.0
IMG_WEB=e2e.local/web:1.0
d() { timeout 60 "$DOCKER" -H "unix://$DSOCK" "$@"; }

cleanup() {
    stop_rulec
    if [ -n "$DPID" ]; then
        d rm -f rulec-e2e-apiserver rulec-e2e-web rulec-e2e-gone >/dev/null 2>&1
        kill -TERM "$DPID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$DPID" 2>/dev/null
        wait "$DPID" 2>/dev/null
        rm -rf "$DROOT" "$DEXEC" "$DSOCK"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v dockerd >/dev/null || [ -z "$DOCKER" ] || [ ! -x /bin/busybox ]; then
    not_ok "dockerd, docker and /bin/busybox installed (make deps: docker.io, busybox-static)"
    exit 1
fi
# Its own socket, state and no networking of the host touched: a system dockerd, if any, is
# left alone.
dockerd --host "unix://$DSOCK" --data-root "$DROOT" --exec-root "$DEXEC" --pidfile "$DEXEC.pid" \
    --iptables=false --ip6tables=false --bridge=none --log-level=error >"$WORK/dockerd.log" 2>&1 &
DPID=$!
for _ in $(seq 1 300); do
    d version >/dev/null 2>&1 && break
    kill -0 "$DPID" 2>/dev/null || break
    sleep 0.1
done
if ! d version >/dev/null 2>&1; then
    cat "$WORK/dockerd.log"
    not_ok "dockerd started"
    exit 1
fi
ok "dockerd started ($(d version -f '{{.Server.Version}}'))"

# The images: busybox and the probe file.
R=$WORK/rootfs
mkdir -p "$R/bin" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for t in sh cat sleep; do ln -s busybox "$R/bin/$t"; done
echo probe >"$R/rulec-e2e-probe"
tar -C "$R" -cf "$WORK/rootfs.tar" .
# Two imports, two images: an image's first tag names it (the plugin's choice).
d import "$WORK/rootfs.tar" "$IMG_API" >/dev/null && d import "$WORK/rootfs.tar" "$IMG_WEB" >/dev/null ||
    { not_ok "image imported"; exit 1; }
IMG_ID=$(d image inspect -f '{{.Id}}' "$IMG_API")
IMG_ID=${IMG_ID#sha256:}

echo probe >"$WORK/rulec-e2e-probe"
compile tests/e2e/rules/container_meta.yaml
# A generous bound: this test is about the values (test_container_meta_faults.sh is about
# the bound).
start_rulec -o "container_engines.docker.sockets=$DSOCK" -o container_engines.podman.enabled=false \
    -o container_engines.cri.enabled=false -o container_engines.lookup_wait_ms=5000

UID_=6f1d35d2-0b7f-4b8e-9d55-2a8ae2a7c0de
d run --name rulec-e2e-apiserver --network none \
    --label io.kubernetes.pod.name=kube-apiserver-node1 \
    --label io.kubernetes.pod.namespace=kube-system --label "io.kubernetes.pod.uid=$UID_" \
    --label io.kubernetes.container.name=kube-apiserver --label tier=control-plane \
    -v "$WORK:/tmp/e2e:ro" "$IMG_API" cat /rulec-e2e-probe >/dev/null
d run --name rulec-e2e-web --network none "$IMG_WEB" cat /rulec-e2e-probe >/dev/null
"$ACTOR" host /bin/cat "$WORK/rulec-e2e-probe" >/dev/null
# Removed as soon as it exits: the lookup may come after the runtime forgot it.
d run --rm --name rulec-e2e-gone --network none "$IMG_WEB" cat /rulec-e2e-probe >/dev/null
API=$(d inspect -f '{{.Id}}' rulec-e2e-apiserver)
WEB=$(d inspect -f '{{.Id}}' rulec-e2e-web)
stop_rulec

f() { printf '.output_fields["%s"]' "$1"; }
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.name) == \"rulec-e2e-apiserver\"" \
    "apiserver alert: container.name is the runtime's"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.image) == \"$IMG_API\" and $(f container.image.repository) == \"e2e.local/kube-apiserver\" and $(f container.image.tag) == \"v1.30.0\" and $(f container.image.id) == \"$IMG_ID\"" \
    "apiserver alert: container.image, repository, tag and image id"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f k8s.pod.name) == \"kube-apiserver-node1\" and $(f k8s.ns.name) == \"kube-system\" and $(f k8s.pod.uid) == \"$UID_\" and $(f k8s.pod.id) == \"$UID_\"" \
    "apiserver alert: the kubelet's labels give k8s.pod.name, k8s.ns.name, k8s.pod.uid"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.labels) == \"tier:control-plane\" and $(f container.label[tier]) == \"control-plane\" and $(f container.type) == \"docker\" and $(f container.privileged) == false and $(f container.full_id) == \"$API\"" \
    "apiserver alert: labels (without io.kubernetes.*), type, privileged, full id"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.mounts) == \"$WORK:/tmp/e2e:ro:false:rprivate\" and $(f container.mount[0]) == \"$WORK:/tmp/e2e:ro:false:rprivate\" and $(f container.mount.dest[/tmp/.*]) == \"/tmp/e2e\"" \
    "apiserver alert: mounts as source:dest:mode:rdwr:propagation"
expect "CM probe" 1 "$(f container.id) == \"${API:0:12}\" and $(f container.start_ts) > 0 and $(f container.duration) >= 0" \
    "apiserver alert: container.start_ts and container.duration"
expect "CM kube-apiserver probe" 1 "$(f container.name) == \"rulec-e2e-apiserver\"" \
    "container.image contains \"kube-apiserver\" fires for the kube-apiserver image"
expect "CM kube-apiserver probe" 0 "$(f container.name) != \"rulec-e2e-apiserver\"" \
    "near miss: ... and not for another image, nor on the host"
expect "CM probe" 1 "$(f container.id) == \"${WEB:0:12}\" and $(f container.name) == \"rulec-e2e-web\" and $(f container.image.repository) == \"e2e.local/web\" and $(f container.image.tag) == \"1.0\" and $(f k8s.pod.name) == null and $(f container.labels) == \"\"" \
    "web alert: its own name and image, no pod"
expect "CM probe" 1 "$(f container.id) == \"host\" and $(f container.name) == \"host\" and $(f container.type) == \"host\" and $(f container.image) == \"\" and $(f container.image.repository) == \"\" and $(f container.image.tag) == \"\" and $(f k8s.pod.name) == null and $(f k8s.ns.name) == null and $(f container.full_id) == \"host\"" \
    "near miss on the host: container.id and container.name host, empty image, no pod (as Falco)"
expect "CM probe" 4 "" "every probe alerted, the removed container's too"
no_engine_warning
finish
