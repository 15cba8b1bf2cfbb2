#!/bin/bash
# Under load: at least 200,000 hooked but non-matching syscalls per second,
# plus a known number of matching actions. Every matching action must be
# alerted and no record lost. Uses the release build (the sanitized one is
# too slow to be a fair consumer).
. "$(dirname "$0")/lib.sh"
RULEC=$BUILD/rulec

compile stdlib-rules/*.yaml
start_rulec
MATCHES=200
out=$("$BUILD/rulec-load" 5 2 "$MATCHES")
echo "# $out"
stop_rulec
rate=$(echo "$out" | awk '{print $2}')
counters=$(grep "events" "$WORK/run.err" | tail -1)
echo "# $counters"
lost=$(echo "$counters" | sed -n 's/.*lost \([0-9]*\).*/\1/p')

if [ "${rate%.*}" -ge 200000 ]; then ok "generator rate $rate syscalls/s >= 200000"
else not_ok "generator rate $rate syscalls/s < 200000"; fi
expect "Sensitive file read by untrusted program" "$MATCHES" \
    '.output_fields["proc.name"] == "e2e-loadgen"' "every one of $MATCHES matching actions alerted"
if [ "$lost" = 0 ]; then ok "no record lost"; else not_ok "records lost: $lost"; fi
finish
