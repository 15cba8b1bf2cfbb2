#!/bin/bash
# Falco's outputs and services on real events: http_output POSTs each alert to a local server
# (tests/e2e/postsink.c), program_output pipes them to a shell command, SIGUSR1 reopens a rotated
# alert file, the webserver answers /healthz and /metrics (curl), FALCO_HOSTNAME names the host,
# append_output's suggested_output adds the container fields to output_fields, and a slow HTTP
# server fills its bounded queue (drops counted) without holding the alerts of the file back.
. "$(dirname "$0")/lib.sh"
SINK_PID=
trap 'stop_rulec; [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

cat >"$WORK/rules.yaml" <<EOF
- rule: E2E output marker
  desc: opens of the marker files by the actor
  condition: evt.type in (open, openat) and fd.name startswith $WORK/mark
  output: marker %fd.name
  priority: WARNING
  tags: [e2e]
EOF
compile "$WORK/rules.yaml"
mark() { "$ACTOR" open "$WORK/mark$1" c >/dev/null; }
# The same from a process that lives on for a moment: fields the policy's kernel side does not
# capture (the suggested container.* fields here) are read from /proc, and a process that is gone
# by then prints <NA> (README, "append_output").
mark_alive() { "$ACTOR" host bash -c "exec 3>>'$WORK/mark$1'; sleep 0.3"; }

# start_sink [postsink options]: SINK_PORT, bodies in $WORK/posted
start_sink() {
    : >"$WORK/posted"
    "$BUILD/rulec-postsink" -t 120 "$@" "$WORK/posted" >"$WORK/sink.out" &
    SINK_PID=$!
    for _ in $(seq 1 50); do
        SINK_PORT=$(sed -n 's/^port=//p' "$WORK/sink.out")
        [ -n "$SINK_PORT" ] && return 0
        sleep 0.1
    done
    not_ok "the POST sink started"
    exit 1
}
stop_sink() { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; SINK_PID=; }

# ---- http_output, program_output, webserver, FALCO_HOSTNAME, append_output ------------------
start_sink
cat >"$WORK/rulec.yaml" <<EOF
http_output:
  enabled: true
  url: http://127.0.0.1:$SINK_PORT/alerts
  user_agent: rulec-e2e
program_output:
  enabled: true
  keep_alive: true
  program: "cat >> $WORK/program.out"
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  prometheus_metrics_enabled: true
append_output:
  - suggested_output: true
  - match: {tags: [e2e]}
    extra_fields:
      - e2e_home: "\${RULEC_E2E_HOME}"
EOF
FALCO_HOSTNAME=e2e-node-7 RULEC_E2E_HOME=/home/e2e start_rulec --config "$WORK/rulec.yaml"
WEB_PORT=$(sed -n 's/.*webserver on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/run.err")
mark_alive 1
mark_alive 2
sleep 1.5 # the metrics are published once a second
healthz=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$WEB_PORT/healthz")
metrics=$(curl -s "http://127.0.0.1:$WEB_PORT/metrics")
stop_rulec
stop_sink
[ "$healthz" = '{"status": "ok"} 200' ] && ok "/healthz answers Falco's {\"status\": \"ok\"}" ||
    not_ok "/healthz answered '$healthz'"
if printf '%s\n' "$metrics" | grep -q '^falcosecurity_falco_rules_matches_total{priority="4",rule_name="E2E output marker",source="syscall",tag_e2e="true"} 2$' &&
    printf '%s\n' "$metrics" | grep -q '^rulec_output_alerts_total{output="http"} 2$' &&
    printf '%s\n' "$metrics" | grep -q '^falcosecurity_scap_n_evts_total [1-9]'; then
    ok "/metrics has the rule's matches, the outputs and the kernel's counters"
else
    not_ok "/metrics lacks the expected samples"
    printf '%s\n' "$metrics" | grep -v '^#' | head -20
fi
posted=$(jq -c 'select(.rule == "E2E output marker")' "$WORK/posted" | wc -l)
[ "$posted" -eq 2 ] && ok "http_output POSTed both alerts" || not_ok "http_output POSTed $posted alerts"
if [ "$(sort -u "$WORK/posted.headers")" = "application/json|rulec-e2e" ]; then
    ok "POSTs are application/json with the configured user_agent"
else
    not_ok "POST headers: $(sort -u "$WORK/posted.headers" | tr '\n' ' ')"
fi
prog=$(jq -c 'select(.rule == "E2E output marker")' "$WORK/program.out" 2>/dev/null | wc -l)
[ "$prog" -eq 2 ] && ok "program_output piped both alerts to its program" ||
    not_ok "program_output wrote $prog alerts"
expect "E2E output marker" 2 '.hostname == "e2e-node-7" and .output_fields["evt.hostname"] == null' \
    "FALCO_HOSTNAME is the alerts' hostname"
grep -q 'hostname overridden by FALCO_HOSTNAME: e2e-node-7' "$WORK/run.err" &&
    ok "the override is said at start" || not_ok "no word of the FALCO_HOSTNAME override"
expect "E2E output marker" 2 '.output_fields["container.id"] == "host" and .output_fields["container.name"] == "host" and (.output_fields | has("k8s.ns.name")) and (.output | test("container_id=host container_name=host container_image_repository= container_image_tag= k8s_pod_name=<NA> k8s_ns_name=<NA>$"))' \
    "suggested_output appends the container plugin's fields: container_id in output_fields"
expect "E2E output marker" 2 '.output_fields.e2e_home == "/home/e2e"' \
    "extra_fields with \${VAR} from the environment"

# ---- SIGUSR1 reopens a rotated file ----------------------------------------------------------
start_rulec -o file_output.keep_alive=true
mark 3
sleep 0.5
mv "$ALERTS" "$WORK/alerts.1"
kill -USR1 "$RULEC_PID"
sleep 0.5
mark 4
stop_rulec
if [ "$(jq -r .output_fields[\"fd.name\"] "$WORK/alerts.1")" = "$WORK/mark3" ] &&
    [ "$(jq -r .output_fields[\"fd.name\"] "$ALERTS")" = "$WORK/mark4" ]; then
    ok "SIGUSR1 reopened the rotated alert file (keep_alive)"
else
    not_ok "after rotation and SIGUSR1: old '$(cat "$WORK/alerts.1")' new '$(cat "$ALERTS")'"
fi


# ---- a slow HTTP server: its queue fills, the file output does not wait ---------------------
start_sink -d 1000
start_rulec -o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$SINK_PORT/" \
    -o outputs_queue.capacity=3
t0=$(date +%s%N)
for i in $(seq 10 29); do mark "$i"; done
sleep 0.5
kill -USR2 "$RULEC_PID"
sleep 0.3
in_file=$(alerts "E2E output marker")
t1=$(date +%s%N)
stop_rulec
stop_sink
[ "$in_file" -eq 20 ] && ok "all 20 alerts reached the file within $(((t1 - t0) / 1000000)) ms while the HTTP server took 1 s per alert" ||
    not_ok "$in_file of 20 alerts in the file"
grep -q "http output: [0-9]* alert(s) not written: its queue is full (outputs_queue.capacity: 3)" "$WORK/run.err" &&
    ok "the full queue's drops are counted and said" || { not_ok "no word of the full queue"; cat "$WORK/run.err"; }
grep -q 'rulec: events .* candidates' "$WORK/run.err" && ok "SIGUSR2 printed the counters" ||
    not_ok "SIGUSR2 printed no counters"
finish
