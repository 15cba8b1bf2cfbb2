#!/bin/bash
# Lost records are never silent: with a ring buffer far too small for a
# flood of matches, the runtime counts the loss, raises Falco's
# syscall-event-drop alert, and reports the lost matches in aggregate alerts
# of their rule. syscall_event_drops (Falco's keys) chooses the actions. The
# threshold is 0 here: how large a share of the events is lost depends on the
# machine's load (the threshold itself is unit-tested, tests/unit/test_drops.c).
. "$(dirname "$0")/lib.sh"
RULEC=$BUILD/rulec
T0=syscall_event_drops.threshold=0

compile tests/e2e/rules/flood.yaml
start_rulec --ringbuf-size 4096 -o $T0
"$BUILD/rulec-load" 1 1 0 >/dev/null
sleep 1.5
stop_rulec
counters=$(grep "events" "$WORK/run.err" | tail -1)
echo "# $counters"
lost=$(echo "$counters" | sed -n 's/.*lost \([0-9]*\).*/\1/p')
if [ "${lost:-0}" -gt 0 ]; then ok "records lost under a flood are counted ($lost)"
else not_ok "no loss counted under a flood"; fi
got=$(alerts "Falco internal: syscall event drop" '.priority == "Critical" and .output_fields.n_drops > 0')
if [ "$got" -eq 1 ]; then ok "one syscall-event-drop alert reports the loss (max_burst 1)"
else not_ok "$got drop alerts"; head -3 "$ALERTS"; fi
grep -q "Falco internal: syscall event drop\. [0-9]* system calls dropped" "$WORK/run.err" &&
    ok "the log action wrote the drop on stderr" || not_ok "no drop message on stderr"
# Each record lost had one candidate, the flood rule's: its aggregates count them all.
aggr=$(jq -s '[.[] | select(.rule == "E2E flood" and (.tags | index("rulec_aggregate")))
               | .output_fields.n_matches] | add // 0' "$ALERTS")
[ "$aggr" -eq "$lost" ] && ok "the lost matches are in aggregate alerts of their rule ($aggr)" ||
    not_ok "aggregates count $aggr matches, $lost records were lost"

# Only the log action: no alert.
start_rulec --ringbuf-size 4096 -o $T0 -o 'syscall_event_drops.actions=[log]'
"$BUILD/rulec-load" 1 1 0 >/dev/null
sleep 1.5
stop_rulec
got=$(alerts "Falco internal: syscall event drop")
[ "$got" -eq 0 ] && ok "actions [log]: no drop alert" || not_ok "actions [log]: $got drop alerts"
grep -q "system calls dropped" "$WORK/run.err" && ok "actions [log]: the drop is logged" ||
    not_ok "actions [log]: not logged"

# The exit action stops the runtime with status 1.
start_rulec --ringbuf-size 4096 -o $T0 -o syscall_event_drops.actions=exit
"$BUILD/rulec-load" 1 1 0 >/dev/null
sleep 1.5
if kill -0 "$RULEC_PID" 2>/dev/null; then
    not_ok "actions exit: still running after the drops"
    stop_rulec
else
    wait "$RULEC_PID"
    rc=$?
    RULEC_PID=
    [ "$rc" -eq 1 ] && ok "actions exit: exited 1 on the drops" || not_ok "actions exit: exited $rc"
fi
finish
