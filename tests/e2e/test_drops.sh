#!/bin/bash
# Lost records are never silent: with a ring buffer far too small for a
# flood of matches, the runtime counts the loss and raises Falco's
# syscall-event-drop alert.
. "$(dirname "$0")/lib.sh"
RULEC=$BUILD/rulec

compile tests/e2e/rules/flood.yaml
start_rulec --ringbuf-size 4096
"$BUILD/rulec-load" 1 1 0 >/dev/null
sleep 1.5
stop_rulec
counters=$(grep "events" "$WORK/run.err" | tail -1)
echo "# $counters"
lost=$(echo "$counters" | sed -n 's/.*lost \([0-9]*\).*/\1/p')
if [ "${lost:-0}" -gt 0 ]; then ok "records lost under a flood are counted ($lost)"
else not_ok "no loss counted under a flood"; fi
got=$(alerts "Falco internal: syscall event drop" '.priority == "Critical" and .output_fields.n_drops > 0')
if [ "$got" -ge 1 ]; then ok "a syscall-event-drop alert reports the loss"
else not_ok "no drop alert"; head -3 "$ALERTS"; fi
finish
