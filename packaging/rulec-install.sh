#!/bin/sh
# Downloads rulec and the policy named in /etc/rulec/install.env, checks
# them, and starts the service. Safe to run again (to upgrade: edit the
# env file, run it).
set -eu
. /etc/rulec/install.env

# fetch URL SHA256 DEST MODE [CHECK...]: download next to DEST, check (the
# sha256, then the command CHECK with the file appended, if given), then
# rename, so a failed download or check never leaves a half-written or
# refused binary or policy in place.
fetch() {
    url=$1 sum=$2 dest=$3 mode=$4
    shift 4
    tmp=$(mktemp "$dest.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    curl -fsSL --retry 5 --retry-connrefused --proto '=https' -o "$tmp" "$url"
    if [ -n "$sum" ]; then
        echo "$sum  $tmp" | sha256sum -c --quiet -
    else
        echo "rulec-install: no checksum for $url; set it in /etc/rulec/install.env" >&2
    fi
    [ $# -eq 0 ] || "$@" "$tmp" >/dev/null
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$dest"
    trap - EXIT
}

case "$RULEC_BINARY_URL$RULEC_POLICY_URL" in
*REPLACE-ME*)
    echo "rulec-install: fill in the URLs in /etc/rulec/install.env" >&2
    exit 1 ;;
esac
fetch "$RULEC_BINARY_URL" "$RULEC_BINARY_SHA256" /usr/local/bin/rulec 0755
# A policy this rulec cannot read, a corrupt one, or (with policy_trusted_keys
# in rulec.yaml) one not signed by a trusted key fails here, before it
# replaces the running one, not in the service.
fetch "$RULEC_POLICY_URL" "$RULEC_POLICY_SHA256" /etc/rulec/policy.bpf.o 0640 \
    /usr/local/bin/rulec inspect --config /etc/rulec/rulec.yaml
systemctl daemon-reload
systemctl enable rulec.service
systemctl restart rulec.service
