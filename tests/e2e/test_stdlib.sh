#!/bin/bash
# The bundled stdlib-rules on real actions: each rule fires on its behaviour
# with the right fields, and its near miss (an allowed program) fires none.
# Also checks Falco's text alert format.
. "$(dirname "$0")/lib.sh"

CID=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
compile stdlib-rules/*.yaml
start_rulec

"$ACTOR" container "$CID" sh -c 'exit 0'
"$ACTOR" container "$CID" /bin/true
"$ACTOR" open /etc/shadow r
"$ACTOR" -n sudo open /etc/shadow r
"$ACTOR" open /usr/local/bin/rulec-e2e-std c
"$ACTOR" -n dpkg open /usr/local/sbin/rulec-e2e-std c
"$ACTOR" listen 47200 & LISTENER=$!; sleep 0.3
bash -c 'exec 3<>/dev/tcp/127.0.0.1/47200'
wait "$LISTENER"
"$ACTOR" connect 47201

stop_rulec
rm -f /usr/local/bin/rulec-e2e-std /usr/local/sbin/rulec-e2e-std

expect "Shell spawned in a container" 1 \
    '.output_fields["container.id"] == "fedcba987654" and .output_fields["proc.name"] == "sh"' \
    "shell in a container, with the container id"
expect "Shell spawned in a container" 0 '.output_fields["proc.name"] == "true"' \
    "no alert for a non-shell in a container"
expect "Sensitive file read by untrusted program" 1 \
    '.output_fields["fd.name"] == "/etc/shadow" and .output_fields["proc.name"] == "rulec-actor"' \
    "/etc/shadow read by an untrusted program"
expect "Sensitive file read by untrusted program" 0 '.output_fields["proc.name"] == "sudo"' \
    "no alert when sudo reads /etc/shadow"
expect "Write below binary directory" 1 \
    '.output_fields["fd.name"] == "/usr/local/bin/rulec-e2e-std"' "write below /usr/local/bin"
expect "Write below binary directory" 0 '.output_fields["proc.name"] == "dpkg"' \
    "no alert for dpkg writing below a binary directory"
expect "Outbound connection from a shell" 1 \
    '.output_fields["proc.name"] == "bash" and .output_fields["fd.sport"] == 47200' \
    "bash /dev/tcp connection alerted with its port"
expect "Outbound connection from a shell" 0 '.output_fields["fd.sport"] == 47201' \
    "no alert for a non-shell connection"

# Text output: Falco's "HH:MM:SS.nnnnnnnnn: Priority message" line.
: >"$ALERTS"
"$RULEC" run --output-file "$ALERTS" --no-stdout "$WORK/policy.bpf.o" 2>"$WORK/run.err" &
RULEC_PID=$!
for _ in $(seq 1 600); do grep -q "loaded and attached" "$WORK/run.err" && break; sleep 0.1; done
"$ACTOR" open /etc/shadow r
stop_rulec
if grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Error Sensitive file opened for reading by untrusted program \(file=/etc/shadow process=rulec-actor ' "$ALERTS"; then
    ok "text alert in Falco's format"
else
    not_ok "text alert in Falco's format"; cat "$ALERTS"
fi
finish
