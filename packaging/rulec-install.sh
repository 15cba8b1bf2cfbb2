#!/bin/sh
# Downloads rulec and the policy named in /etc/rulec/install.env, checks
# them, and starts the service. Safe to run again (to upgrade: edit the
# env file, run it).
set -eu
. /etc/rulec/install.env

# fetch URL SHA256 DEST MODE: download next to DEST, check, then rename, so
# a failed download never leaves a half-written binary or policy in place.
fetch() {
    tmp=$(mktemp "$3.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    curl -fsSL --retry 5 --retry-connrefused --proto '=https' -o "$tmp" "$1"
    if [ -n "$2" ]; then
        echo "$2  $tmp" | sha256sum -c --quiet -
    else
        echo "rulec-install: no checksum for $1; set it in /etc/rulec/install.env" >&2
    fi
    chmod "$4" "$tmp"
    mv -f "$tmp" "$3"
    trap - EXIT
}

case "$RULEC_BINARY_URL$RULEC_POLICY_URL" in
*REPLACE-ME*)
    echo "rulec-install: fill in the URLs in /etc/rulec/install.env" >&2
    exit 1 ;;
esac
fetch "$RULEC_BINARY_URL" "$RULEC_BINARY_SHA256" /usr/local/bin/rulec 0755
fetch "$RULEC_POLICY_URL" "$RULEC_POLICY_SHA256" /etc/rulec/policy.bpf.o 0640
# A policy this rulec cannot read fails here, not in a restart loop.
/usr/local/bin/rulec inspect /etc/rulec/policy.bpf.o >/dev/null
systemctl daemon-reload
systemctl enable rulec.service
systemctl restart rulec.service
