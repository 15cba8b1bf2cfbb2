#!/bin/bash
# The kernel's text search and address tests on real syscalls: contains and a
# three-star glob on fd.nameraw (one parent reference against two), icontains
# on fd.name, a server network in a list of IPv4 and IPv6 networks, an address
# and a port at either end of a connection, the name a server address resolves
# to (fd.sip.name, from /etc/hosts), and the fd fields Falco gives failed opens
# (openat: fd.typechar f, fd.num -1; open: unknown type). Each rule is decided
# whole in the kernel, and each has a near miss that must not match.
. "$(dirname "$0")/lib.sh"

D=/tmp/rulec-e2e-sn
rm -rf "$D" && mkdir -p "$D/a" && touch "$D/f" "$D/Shouted-Name" "$D/quiet-name"
trap 'stop_rulec; rm -rf "$WORK" "$D"' EXIT
compile tests/e2e/rules/search_net.yaml

decided=$("$RULEC" inspect --json "$WORK/policy.bpf.o" |
    jq '[.rules[] | select(.kernel_exact | not)] | length')
[ "$decided" = 0 ] && ok "the kernel decides every rule whole" ||
    not_ok "the kernel decides every rule whole: $decided rule(s) left to userspace"

start_rulec
"$ACTOR" open "$D/a/../f" r
"$ACTOR" open "$D/a/../a/../f" r
"$ACTOR" open "$D/f" r
"$ACTOR" open "$D/Shouted-Name" r
"$ACTOR" open "$D/quiet-name" r
"$ACTOR" connect-to 127.0.77.5 4077
"$ACTOR" connect-to 127.0.78.5 4077
"$ACTOR" connect-to ::1 4077
"$ACTOR" connect-to 127.0.0.80 4078
"$ACTOR" connect-to 127.0.0.80 4076
"$ACTOR" connect-to 127.0.0.1 4079
"$ACTOR" connect-to 127.0.0.81 4079
"$ACTOR" open /tmp/rulec-e2e-sn-missing/x r 2>/dev/null
"$ACTOR" sys-open /tmp/rulec-e2e-sn-missing/y 2>/dev/null
stop_rulec

expect "E2E sn traversal" 2 '' "contains: the two paths with a parent reference"
expect "E2E sn traversal" 1 '.output_fields["fd.nameraw"] == "'"$D"'/a/../f" and .output_fields["fd.name"] == "'"$D"'/f"' \
    "contains: fd.nameraw as written, fd.name resolved"
expect "E2E sn double traversal" 1 '.output_fields["fd.nameraw"] == "'"$D"'/a/../a/../f"' \
    "glob: two parent references match, one does not"
expect "E2E sn icontains" 1 '.output_fields["fd.name"] == "'"$D"'/Shouted-Name"' \
    "icontains: the name in another case, not the other file"
expect "E2E sn server network" 1 '.output_fields["fd.sip"] == "127.0.77.5" and .output_fields["fd.l4proto"] == "tcp" and .output_fields["fd.typechar"] == "4"' \
    "fd.snet in a list of networks: 127.0.77.5 is in 127.0.77.0/24"
expect "E2E sn server network" 1 '.output_fields["fd.sip"] == "::1" and .output_fields["fd.typechar"] == "6"' \
    "fd.snet in a list of networks: ::1 is in ::1/128"
expect "E2E sn server network" 2 '' "127.0.78.5 is in none of them"
expect "E2E sn either end" 1 '.output_fields["fd.sip"] == "127.0.0.80" and .output_fields["fd.cip"] == "127.0.0.1" and .output_fields["fd.sport"] == 4078' \
    "fd.ip and fd.port at either end: the client is 127.0.0.1, the server port 4078"
expect "E2E sn either end" 1 '' "no either-end alert for port 4076"
expect "E2E sn server name" 1 '.output_fields["fd.sip"] == "127.0.0.1" and .output_fields["fd.sip.name"] == "localhost"' \
    "fd.sip.name: 127.0.0.1 resolves to localhost, 127.0.0.81 does not"
expect "E2E sn server name" 1 '' "no other server name alert"
expect "E2E sn failed open" 1 '.output_fields["evt.type"] == "openat" and .output_fields["fd.typechar"] == "f" and .output_fields["fd.num"] == -1 and .output_fields["evt.res"] == "ENOENT"' \
    "a failed openat: fd.typechar f, fd.num -1"
expect "E2E sn failed open" 1 '.output_fields["evt.type"] == "open" and .output_fields["fd.typechar"] == "o" and .output_fields["fd.name"] == "/tmp/rulec-e2e-sn-missing/y"' \
    "a failed open: an unknown fd type"
expect "E2E sn failed openat typed file" 1 '.output_fields["fd.name"] == "/tmp/rulec-e2e-sn-missing/x"' \
    "fd.typechar and fd.num of a failed openat decided in the kernel"
finish
