#!/bin/bash
# rulec run against real actions: each expected alert appears exactly once
# with the right fields, and near misses raise none.
. "$(dirname "$0")/lib.sh"

CID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
REL=/tmp/rulec-e2e-rel
mkdir -p "$REL/dir" && echo x >"$REL/dir/file.txt"
cp /bin/true /tmp/e2e-true && cp /bin/true /dev/shm/e2e-true
touch "$WORK/modme"

compile tests/e2e/rules/runtime.yaml
start_rulec

# A shell spawned by a process named e2e-parent; near miss: another parent.
"$ACTOR" -n e2e-parent spawn sh -c 'exit 0'
"$ACTOR" -n e2e-other spawn sh -c 'exit 0'
# /etc/shadow for reading; near miss: /etc/passwd.
"$ACTOR" open /etc/shadow r
"$ACTOR" open /etc/passwd r
# Files created below /etc and /usr/bin; near miss: below /etc/default.
"$ACTOR" open /etc/rulec-e2e-new c
"$ACTOR" open /usr/bin/rulec-e2e-new c
"$ACTOR" open /etc/default/rulec-e2e-new c
# connect to 127.0.0.1:47123; near miss: port 47124.
"$ACTOR" connect 47123
"$ACTOR" connect 47124
# chmod and chown.
"$ACTOR" chmod "$WORK/modme" 600
"$ACTOR" chown "$WORK/modme" 0 0
# exec from /tmp and /dev/shm; near miss: the same binary from /usr/bin.
/tmp/e2e-true; /dev/shm/e2e-true; /usr/bin/true
# A shell in new pid and mount namespaces inside a containerd-like cgroup;
# near miss: the same shell outside it.
"$ACTOR" container "$CID" sh -c 'exit 0'
"$ACTOR" spawn sh -c 'exit 0'
# A relative open from a changed working directory.
"$ACTOR" cwd-open "$REL/dir" file.txt
"$ACTOR" cwd-open "$REL" dir/file.txt

stop_rulec
rm -f /etc/rulec-e2e-new /usr/bin/rulec-e2e-new /etc/default/rulec-e2e-new /tmp/e2e-true \
    /dev/shm/e2e-true
rm -rf "$REL"

expect "E2E shell spawned by chosen parent" 1 \
    '.output_fields["proc.pname"] == "e2e-parent" and .output_fields["proc.name"] == "sh"' \
    "shell spawned by a chosen parent, not by another"
expect "E2E shadow read" 1 '.output_fields["fd.name"] == "/etc/shadow" and .priority == "Error"' \
    "/etc/shadow read alerted, /etc/passwd not"
expect "E2E write below etc" 1 \
    '.output_fields["fd.name"] == "/etc/rulec-e2e-new" and .output_fields["fd.directory"] == "/etc"' \
    "file created below /etc, not below /etc/default"
expect "E2E write below usr bin" 1 '.output_fields["fd.name"] == "/usr/bin/rulec-e2e-new"' \
    "file created below /usr/bin"
expect "E2E connect to chosen port" 1 \
    '.output_fields["fd.sport"] == 47123 and .output_fields["fd.l4proto"] == "tcp"' \
    "connect to 127.0.0.1:47123 alerted with its port and protocol, 47124 not"
expect "E2E chmod" 1 '.output_fields["evt.res"] == "SUCCESS"' "chmod of a file"
expect "E2E chown" 1 '.output_fields["evt.res"] == "SUCCESS"' "chown of a file"
expect "E2E exec from tmp or shm" 1 '.output_fields["proc.exepath"] == "/tmp/e2e-true"' \
    "exec from /tmp"
expect "E2E exec from tmp or shm" 1 '.output_fields["proc.exepath"] == "/dev/shm/e2e-true"' \
    "exec from /dev/shm"
expect "E2E exec from tmp or shm" 2 '' "no exec alert from /usr/bin"
expect "E2E shell in container" 1 '.output_fields["container.id"] == "0123456789ab"' \
    "shell in a containerd-like container, with its 12-character id"
expect "E2E relative open" 2 '.output_fields["fd.name"] == "/tmp/rulec-e2e-rel/dir/file.txt"' \
    "relative opens reported with absolute fd.name"
expect "E2E relative open" 1 '.output_fields["fd.nameraw"] == "file.txt"' \
    "fd.nameraw keeps the path as passed"
finish
