#!/bin/bash
# The runtime never monitors itself: a rule on the opens of, and writes to, its own output file
# would match every alert it writes (file output without keep_alive opens the file for each
# batch) and so feed itself; the kernel excludes the runtime's process whatever the rules say.
# The same rule still fires for another process's open and write of that file.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/self.yaml" <<YAML
- rule: E2E own output opened
  desc: an open of the runtime's output file
  condition: evt.type in (open, openat) and fd.name = $ALERTS
  output: output file opened (proc=%proc.name pid=%proc.pid)
  priority: WARNING
  tags: [e2e]
- rule: E2E own output written
  desc: a write to the runtime's output file
  condition: evt.type = write and fd.name = $ALERTS
  output: output file written (proc=%proc.name pid=%proc.pid)
  priority: WARNING
  tags: [e2e]
YAML
compile "$WORK/self.yaml"
start_rulec
self=$RULEC_PID
"$ACTOR" -n e2e-reader open "$ALERTS" r
# A line of JSON, so the file stays one alert per line.
bash -c 'printf "{\"rule\": \"external line\"}\n" >>"$1"' e2e-writer "$ALERTS"
sleep 1
stop_rulec
counters=$(grep 'candidates' "$WORK/run.err" | tail -1)
echo "# $counters"
expect "E2E own output opened" 1 '.output_fields["proc.name"] == "e2e-reader"' \
    "another process's open of the output file alerts"
expect "E2E own output opened" 1 '.output_fields["proc.name"] == "bash"' \
    "the shell's open for its append alerts"
expect "E2E own output written" 1 '.output_fields["proc.name"] == "bash"' \
    "the shell's write to the output file alerts, once"
got=$(jq -c --argjson p "$self" 'select(.output_fields["proc.pid"] == $p)' "$ALERTS" | wc -l)
[ "$got" -eq 0 ] && ok "no alert for the runtime's own opens and writes of its output file" ||
    not_ok "$got alerts for the runtime's own process (pid $self)"
all=$(jq -c 'select(.rule | startswith("E2E own output"))' "$ALERTS" | wc -l)
[ "$all" -eq 3 ] && ok "no feedback: three alerts in all" || not_ok "$all alerts: the runtime fed itself"
finish
