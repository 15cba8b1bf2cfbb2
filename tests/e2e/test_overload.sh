#!/bin/bash
# Under a flood of matching events the runtime stops on time and loses no match without a trace:
# every match is an alert or counted in an aggregate alert naming its rule, a Critical rule
# triggered once during the flood of a Warning rule still alerts (the reserve ring buffer), and
# SIGTERM in the middle of a flood stops it within a second, exit 0, every alert line whole.
. "$(dirname "$0")/lib.sh"
RULEC=$BUILD/rulec # the flood needs the optimised build to overload the runtime, not ASan
flood() { "$BUILD/rulec-loadgen" flood "$@"; } # bench/loadgen.c
FLOOD_OPENS=${E2E_FLOOD_OPENS:-3000000}
FLOOD_PID=
trap 'stop_rulec; [ -n "$FLOOD_PID" ] && kill "$FLOOD_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

touch "$WORK/flood-target" "$WORK/critical-target"
sed "s|@DIR@|$WORK|g" tests/e2e/rules/overload.yaml >"$WORK/overload.yaml"
compile "$WORK/overload.yaml"
RULE="E2E overload flood"

# torn_lines: alert lines that are not whole JSON objects.
torn_lines() {
    jq -cR 'try (fromjson | "ok") catch "torn"' "$ALERTS" | grep -c torn
}

# tally: "SINGLE AGGREGATED_DEFINITE AGGREGATED_MAYBE AGGREGATES" for the flood rule.
tally() {
    jq -r --arg r "$RULE" 'select(.rule == $r)
        | if (.tags | index("rulec_aggregate")) then
              "a \(.output_fields.n_matches) \(.output_fields.n_maybe)"
          else "s" end' "$ALERTS" |
        awk '$1 == "s" { s++ } $1 == "a" { d += $2; m += $3; n++ }
             END { printf "%d %d %d %d\n", s, d, m, n }'
}

# ---- every match accounted for: a flood that ends while the runtime runs -------------------
# A 1 MiB ring buffer, so that the flood overloads the runtime on any machine.
start_rulec --ringbuf-size 1048576
out=$(flood -w 2 -n "$FLOOD_OPENS" -c "$WORK/critical-target" "$WORK/flood-target")
echo "# flood: $out"
sleep 1.5 # past the next once-a-second report
stop_rulec
opens=$(printf '%s\n' "$out" | sed -n 's/.*opens=\([0-9]*\).*/\1/p')
rate=$(printf '%s\n' "$out" | sed -n 's/.*rate=\([0-9]*\).*/\1/p')
echo "# $(grep 'candidates' "$WORK/run.err" | tail -1)"
read -r single definite maybe naggr <<<"$(tally)"
echo "# $single single alerts, $definite matches in $naggr aggregate alerts ($maybe maybe)"
[ "$RULE_STATUS" -eq 0 ] && ok "rulec run exited 0 after the flood" ||
    not_ok "rulec run exited $RULE_STATUS"
if [ "$opens" -ge 1000000 ]; then ok "the flood made $opens matching opens ($rate/s)"
else not_ok "the flood made only ${opens:-no} opens"; fi
if [ "$((single + definite + maybe))" -eq "$opens" ]; then
    ok "alerts + aggregated counts = matching events ($single + $definite + $maybe = $opens)"
else
    not_ok "alerts + aggregated counts != matching events ($single + $definite + $maybe vs $opens)"
fi
[ "$maybe" -eq 0 ] && ok "the kernel decides this rule: no match counted as only possible" ||
    not_ok "$maybe matches of an exact rule counted as possible"
if [ "$naggr" -gt 0 ] && [ "$single" -gt 0 ]; then ok "the flood overloaded the runtime: both single and aggregate alerts"
else not_ok "expected both single ($single) and aggregate ($naggr) alerts"; fi
expect "E2E overload critical" 1 \
    ".output_fields[\"fd.name\"] == \"$WORK/critical-target\" and .priority == \"Critical\"" \
    "the Critical rule triggered once during the flood alerted"
shape=$(jq -c --arg r "$RULE" 'select(.rule == $r and (.tags | index("rulec_aggregate")))
    | select(.priority == "Warning" and .source == "syscall" and (.tags | index("e2e"))
             and (.output | test("Rule \"E2E overload flood\": [0-9,]+ more match(es)? by pid [0-9]+ \\(loadgen-flood\\) in the last [0-9.]+ s"))
             and .output_fields["proc.name"] == "loadgen-flood" and .output_fields["proc.pid"] > 0)' \
    "$ALERTS" | wc -l)
if [ "$shape" -eq "$naggr" ]; then ok "aggregate alerts name the rule, the count and the process, with the rule's priority and tags"
else not_ok "$((naggr - shape)) of $naggr aggregate alerts lack the rule, count, process or priority"
    jq -c 'select(.tags | index("rulec_aggregate"))' "$ALERTS" | head -3; fi
torn=$(torn_lines)
[ "$torn" -eq 0 ] && ok "no torn alert line" || not_ok "$torn torn alert lines"

# ---- SIGTERM in the middle of a flood --------------------------------------------------------
# A ring buffer large enough to hold a backlog at the stop: what is left past the stop deadline
# is counted, not evaluated.
start_rulec --ringbuf-size 33554432
"$BUILD/rulec-loadgen" flood -w 2 -d 60 "$WORK/flood-target" >"$WORK/flood2.out" &
FLOOD_PID=$!
sleep 2
t0=$(date +%s%N)
kill -TERM "$RULEC_PID"
wait "$RULEC_PID"
rc=$?
t1=$(date +%s%N)
RULEC_PID=
kill -TERM "$FLOOD_PID"
wait "$FLOOD_PID"
FLOOD_PID=
ms=$(((t1 - t0) / 1000000))
echo "# flood: $(cat "$WORK/flood2.out")"
counters=$(grep 'candidates' "$WORK/run.err" | tail -1)
echo "# $counters"
grep 'stopping:' "$WORK/run.err" | sed 's/^/# /'
[ "$rc" -eq 0 ] && ok "rulec run exited 0 on SIGTERM mid-flood" || not_ok "rulec run exited $rc"
[ "$ms" -lt 1000 ] && ok "stopped ${ms} ms after SIGTERM mid-flood (bar: 1000 ms)" ||
    not_ok "stopped ${ms} ms after SIGTERM (bar: 1000 ms)"
torn=$(torn_lines)
[ "$torn" -eq 0 ] && ok "no torn alert line after a stop mid-flood" || not_ok "$torn torn alert lines"
# What the kernel saw before the programs were detached is all there: each record (one candidate)
# is an alert or, past the stop deadline, counted; each lost record's match is counted.
cand=$(printf '%s\n' "$counters" | sed -n 's/.*candidates \([0-9]*\).*/\1/p')
lost=$(printf '%s\n' "$counters" | sed -n 's/.*lost \([0-9]*\).*/\1/p')
read -r single definite maybe naggr <<<"$(tally)"
if [ "$((single + definite + maybe))" -eq "$((cand + lost))" ]; then
    ok "stopped mid-flood: alerts + aggregated counts = the kernel's matches ($single + $definite = $cand + $lost)"
else
    not_ok "stopped mid-flood: $single + $definite + $maybe != $cand + $lost"
fi
finish
