#!/bin/bash
# SIGHUP reloads the policy without losing or doubling an event: during a flood of matching
# opens, three reloads (the new programs attached before the old ones are detached, the overlap's
# twins paired) leave exactly one alert per open and nothing lost; a reload to a policy that
# fails its integrity check, or that the kernel cannot load, keeps the old one running and says
# why (stderr and Falco's "hot restart failure" alert); a reload to a changed policy alerts with
# the new rules from then on.
. "$(dirname "$0")/lib.sh"
RULEC=$BUILD/rulec # the flood wants the optimised build (ASan would fall behind)
FLOOD_PID=
trap 'stop_rulec; [ -n "$FLOOD_PID" ] && kill "$FLOOD_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
RATE=${E2E_RELOAD_RATE:-20000}
SECS=${E2E_RELOAD_SECS:-4}

touch "$WORK/flood-target" "$WORK/critical-target"
sed "s|@DIR@|$WORK|g" tests/e2e/rules/overload.yaml >"$WORK/overload.yaml"
compile "$WORK/overload.yaml"
RULE="E2E overload flood"

# ---- three reloads during a flood --------------------------------------------------------------
# Both policies' programs run for 100 ms at each reload, so that thousands of events are sent up
# by both: the pairing (runtime/dedupe.h) is what keeps each alert single.
export RULEC_TEST_OVERLAP_MS=100
start_rulec
unset RULEC_TEST_OVERLAP_MS
"$BUILD/rulec-loadgen" flood -w 2 -r "$RATE" -d "$SECS" "$WORK/flood-target" >"$WORK/flood.out" &
FLOOD_PID=$!
for t in 1 2 3; do
    sleep 1
    kill -HUP "$RULEC_PID"
done
wait "$FLOOD_PID"
FLOOD_PID=
sleep 1.5
stop_rulec
opens=$(sed -n 's/.*opens=\([0-9]*\).*/\1/p' "$WORK/flood.out")
echo "# flood: $(cat "$WORK/flood.out")"
grep -E 'reloaded|reloads|candidates' "$WORK/run.err" | sed 's/^/# /'
reloads=$(grep -c 'reloaded:' "$WORK/run.err")
[ "$reloads" -eq 3 ] && ok "three reloads during the flood" || not_ok "$reloads reloads, expected 3"
single=$(jq -c --arg r "$RULE" 'select(.rule == $r and ((.tags | index("rulec_aggregate")) | not))' "$ALERTS" | wc -l)
aggr=$(jq -r --arg r "$RULE" 'select(.rule == $r and (.tags | index("rulec_aggregate"))) | .output_fields.n_matches' "$ALERTS" | awk '{s += $1} END {print s + 0}')
lost=$(grep 'candidates' "$WORK/run.err" | tail -1 | sed -n 's/.*lost \([0-9]*\).*/\1/p')
if [ "${opens:-0}" -gt 0 ] && [ "$single" -eq "$opens" ] && [ "$aggr" -eq 0 ]; then
    ok "every open of the flood alerted exactly once across the reloads ($single alerts, $opens opens)"
else
    not_ok "alerts across the reloads: $single single + $aggr aggregated for $opens opens (lost records: $lost)"
fi
dups=$(jq -r --arg r "$RULE" 'select(.rule == $r) | "\(.output_fields["proc.pid"]) \(.output_fields["evt.time"])"' "$ALERTS" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] && ok "no event alerted twice" || not_ok "$dups events alerted twice"
twins=$(grep 'reloads' "$WORK/run.err" | tail -1 | sed -n 's/.*twins \([0-9]*\).*/\1/p')
if [ "${twins:-0}" -gt 100 ]; then
    ok "$twins events of the overlaps were sent up by both policies and alerted once"
else
    not_ok "only ${twins:-no} events seen by both policies: the overlap was not exercised"
fi
torn=$(jq -cR 'try (fromjson | "ok") catch "torn"' "$ALERTS" | grep -c torn)
[ "$torn" -eq 0 ] && ok "no torn alert line" || not_ok "$torn torn lines"

# ---- a reload that fails keeps the old policy -------------------------------------------------
start_rulec
cp "$WORK/policy.bpf.o" "$WORK/good.bpf.o"
# A changed byte in the metadata: the integrity check refuses it.
off=$(($(stat -c %s "$WORK/policy.bpf.o") / 2))
printf '\x00' | dd of="$WORK/policy.bpf.o" bs=1 seek="$off" conv=notrunc 2>/dev/null
printf 'x' | dd of="$WORK/policy.bpf.o" bs=1 seek="$((off + 1))" conv=notrunc 2>/dev/null
kill -HUP "$RULEC_PID"
for _ in $(seq 1 50); do grep -q 'reload failed' "$WORK/run.err" && break; sleep 0.1; done
"$BUILD/rulec-loadgen" flood -n 3 "$WORK/flood-target" >/dev/null
sleep 0.5
stop_rulec
if grep -q 'reload failed, the running policy stays: .*policy.bpf.o: .*modified' "$WORK/run.err"; then
    ok "a corrupt policy is refused with the reason, and the old one stays"
else
    not_ok "no refusal of the corrupt policy on stderr"
    cat "$WORK/run.err"
fi
expect "Falco internal: hot restart failure" 1 '.priority == "Critical" and (.output | test("modified"))' \
    "the refusal is Falco's hot restart failure alert"
expect "$RULE" 3 "" "the old policy still alerts after the refused reload"

# ---- a reload to a changed policy ----------------------------------------------------------
cp "$WORK/good.bpf.o" "$WORK/policy.bpf.o"
start_rulec
sed "s|@DIR@|$WORK|g; s|E2E overload flood|E2E overload renamed|" tests/e2e/rules/overload.yaml \
    >"$WORK/renamed.yaml"
"$RULEC" compile "$WORK/renamed.yaml" -o "$WORK/next.bpf.o" 2>/dev/null
mv "$WORK/next.bpf.o" "$WORK/policy.bpf.o"
kill -HUP "$RULEC_PID"
for _ in $(seq 1 50); do grep -q 'reloaded:' "$WORK/run.err" && break; sleep 0.1; done
"$BUILD/rulec-loadgen" flood -n 2 "$WORK/flood-target" >/dev/null
sleep 0.5
stop_rulec
expect "E2E overload renamed" 2 "" "after reloading a changed policy, its rules alert"
expect "$RULE" 0 "" "and the replaced rule no longer does"
finish
