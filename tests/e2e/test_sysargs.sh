#!/bin/bash
# evt.arg.* on real syscalls: string arguments read by the kernel (decided
# there), flag arguments rendered by the runtime as Falco names them, and
# the near misses (another target, another path, no setuid bit, no O_TRUNC).
. "$(dirname "$0")/lib.sh"

T=/tmp/rulec-e2e-sa
rm -rf "$T"* 2>/dev/null
compile tests/e2e/rules/sysargs.yaml
start_rulec

ln -s /etc/shadow "$T-link1"
ln -s /etc/passwd "$T-link2"
touch "$T-log1" "$T-other"
rm -f "$T-log1" "$T-other"
touch "$T-file"
chmod 4755 "$T-file"
chmod 0755 "$T-file"
echo x >"$T-trunc"
echo y >>"$T-trunc"

stop_rulec
rm -f "$T"*

expect "E2E symlink to shadow" 1 \
    '.output_fields["evt.arg.target"] == "/etc/shadow" and .output_fields["evt.arg.linkpath"] == "'"$T"'-link1" and .output_fields["proc.name"] == "ln"' \
    "symlink: target and link path read by the kernel"
expect "E2E symlink to shadow" 0 '.output_fields["evt.arg.target"] == "/etc/passwd"' \
    "no alert for a symlink to another file"
expect "E2E unlink below tmp" 1 \
    '.output_fields["evt.arg.name"] == "'"$T"'-log1" and .output_fields["evt.arg.dirfd"] == "-100"' \
    "unlinkat: the path argument, and dirfd AT_FDCWD"
expect "E2E unlink below tmp" 0 '.output_fields["evt.arg.name"] == "'"$T"'-other"' \
    "no alert for a path outside the prefix"
expect "E2E setuid bit" 1 \
    '(.output_fields["evt.arg.mode"] | test("S_ISUID")) and (.output_fields["evt.arg.mode"] | test("S_IXOTH")) and .output_fields["evt.rawarg.mode"] == 2541' \
    "chmod 4755: mode as Falco's flag names, raw value 04755"
expect "E2E setuid bit" 1 '' "no alert for chmod 0755"
expect "E2E open with truncation" 1 \
    '(.output_fields["evt.arg.flags"] | test("O_TRUNC")) and (.output_fields["evt.arg.flags"] | test("O_WRONLY")) and .output_fields["fd.name"] == "'"$T"'-trunc"' \
    "> redirection: O_TRUNC among the open flags"
expect "E2E open with truncation" 1 '' "no alert for >> (O_APPEND, no O_TRUNC)"
finish
