#!/bin/bash
# fd.directory and fd.filename on real opens: a file, a directory (opened with
# and without O_DIRECTORY: Falco types an fd the open family made from the flags
# alone), and a failed open, with the values Falco gives them; the kernel decides
# fd.directory = and fd.filename = on a file, and no other open matches.
. "$(dirname "$0")/lib.sh"

D=/tmp/rulec-e2e-fdp-dir
rm -rf "$D" /tmp/rulec-e2e-fdp-missing
mkdir -p "$D" && touch "$D/f" "$D/g"
trap 'stop_rulec; rm -rf "$WORK" "$D"' EXIT
compile tests/e2e/rules/fdpath.yaml
start_rulec
"$ACTOR" open "$D/f" r
"$ACTOR" open "$D/g" r
"$ACTOR" open "$D" d
"$ACTOR" open "$D" r
"$ACTOR" open /tmp/rulec-e2e-fdp-missing/x r 2>/dev/null
stop_rulec

R="E2E fd path fields"
expect "$R" 1 '.output_fields["fd.name"] == "'"$D"'/f" and .output_fields["fd.directory"] == "'"$D"'" and .output_fields["fd.filename"] == "f"' \
    "a file: directory and file name from fd.name"
expect "$R" 1 '.output_fields["fd.name"] == "'"$D"'" and .output_fields["fd.directory"] == "'"$D"'" and .output_fields["fd.filename"] == null and .output_fields["fd.typechar"] == "d"' \
    "a directory opened with O_DIRECTORY: fd.directory is the directory itself, no fd.filename"
expect "$R" 1 '.output_fields["fd.name"] == "'"$D"'" and .output_fields["fd.directory"] == "/tmp" and .output_fields["fd.filename"] == "rulec-e2e-fdp-dir" and .output_fields["fd.typechar"] == "f"' \
    "a directory opened without O_DIRECTORY is typed f, as Falco types it from the flags"
expect "$R" 1 '.output_fields["fd.name"] == "/tmp/rulec-e2e-fdp-missing/x" and .output_fields["fd.directory"] == "/tmp/rulec-e2e-fdp-missing" and .output_fields["evt.res"] == "ENOENT"' \
    "a failed open: fd.directory from the path it names"
expect "E2E fd directory in kernel" 1 '.output_fields["fd.name"] == "'"$D"'/f"' \
    "fd.directory and fd.filename decided in the kernel: the file f"
expect "E2E fd directory in kernel" 0 '.output_fields["fd.name"] == "'"$D"'/g"' \
    "no alert for another file in the same directory"
finish
