#!/bin/bash
# The parent and ancestor fields through the kernel's process cache (compiler/bpf/rulec_pcache.h,
# runtime/proc_cache.c): rulec run is stopped (SIGSTOP) while each scenario runs, so that every
# parent and grandparent has exited when it reads the records, and /proc has nothing left of
# them. Falco's thread table still has them at the event; so must rulec's alerts.
. "$(dirname "$0")/lib.sh"

# Shells with names of their own: the alerts tell the generations apart by name.
for n in pc-outer pc-mid pc-pre; do cp /bin/dash "$WORK/$n"; done
TARGET=$WORK/pc-target
compile tests/e2e/rules/proc_cache.yaml

# Started before rulec: its entry comes from the /proc scan at startup.
cat >"$WORK/pre.sh" <<EOS
while [ ! -e "$WORK/go" ]; do sleep 0.05; done
"$ACTOR" -n pc-leaf-pre open "$TARGET" c &
sleep 0.3
EOS
"$WORK/pc-pre" "$WORK/pre.sh" &
PRE=$!
sleep 0.3
start_rulec
kill -STOP "$RULEC_PID"

# exec'd: outer runs mid, mid runs the actor in the background and exits 0.3 s later.
"$WORK/pc-outer" -c "\"$WORK/pc-mid\" -c '\"$ACTOR\" -n pc-leaf-exec open \"$TARGET\" c & sleep 0.3'; sleep 0.1"
# forked: mid's subshell (a fork that never execs, Falco copies its parent's command line)
# runs the actor.
"$WORK/pc-outer" -c "\"$WORK/pc-mid\" -c '( \"$ACTOR\" -n pc-leaf-fork open \"$TARGET\" c; true ) & sleep 0.3'; sleep 0.1"
touch "$WORK/go"
wait "$PRE"
sleep 0.2
kill -CONT "$RULEC_PID"
stop_rulec

R="E2E proc cache target opened"
f() { printf '.output_fields["%s"]' "$1"; }
expect "$R" 1 "$(f proc.name) == \"pc-leaf-exec\" and $(f proc.pname) == \"pc-mid\" and
    ($(f proc.pcmdline) | startswith(\"pc-mid -c \")) and $(f proc.pexepath) == \"$WORK/pc-mid\" and
    $(f proc.pexe) == \"$WORK/pc-mid\" and $(f proc.aname[2]) == \"pc-outer\" and
    ($(f proc.acmdline[2]) | startswith(\"pc-outer -c \")) and $(f proc.apid[1]) == $(f proc.ppid)" \
    "an exited parent and grandparent: names, command lines, paths from the process cache"
expect "$R" 1 "$(f proc.name) == \"pc-leaf-fork\" and $(f proc.pname) == \"pc-mid\" and
    ($(f proc.pcmdline) | startswith(\"pc-mid -c \")) and $(f proc.pexepath) == \"$WORK/pc-mid\" and
    $(f proc.aname[2]) == \"pc-mid\"" \
    "an exited fork of an exited parent: its parent's command line, copied at the fork"
expect "$R" 1 "$(f proc.name) == \"pc-leaf-pre\" and $(f proc.pname) == \"pc-pre\" and
    $(f proc.pcmdline) == \"pc-pre $WORK/pre.sh\" and $(f proc.pexepath) == \"$WORK/pc-pre\"" \
    "an exited parent that started before rulec: from the /proc scan at startup"
expect "$R" 3 '' "no other alert"
if grep -q '<NA>' "$ALERTS"; then
    not_ok "no <NA> in the alerts"
    cat "$ALERTS"
else
    ok "no <NA> in the alerts"
fi
finish
