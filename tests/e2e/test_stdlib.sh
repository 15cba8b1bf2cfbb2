#!/bin/bash
# The bundled stdlib-rules as a whole: `lint --strict` is clean, the set
# compiles and loads, stdlib-rules/README.md is what tools/stdlib-readme.sh
# generates, the classic demo (an interactive shell exec'd into a container,
# then a package-manager update from it) raises exactly two alerts with the
# container id, and text alerts are in Falco's format. The per-domain rules
# are proven by test_stdlib_*.sh.
. "$(dirname "$0")/lib.sh"

stdlib_test c0

if "$RULEC" lint --strict stdlib-rules/*.yaml >"$WORK/lint.out" 2>&1; then
    ok "rulec lint --strict stdlib-rules/*.yaml is clean"
else
    not_ok "rulec lint --strict stdlib-rules/*.yaml"; cat "$WORK/lint.out"
fi
n=$(grep -h '^- rule: ' stdlib-rules/*.yaml | wc -l)
if [ "$n" -ge 40 ]; then ok "stdlib has $n rules"; else not_ok "stdlib has only $n rules"; fi
if sh tools/stdlib-readme.sh "$BUILD/rulec" >"$WORK/README.md" 2>"$WORK/readme.err" &&
    cmp -s "$WORK/README.md" stdlib-rules/README.md; then
    ok "stdlib-rules/README.md is up to date"
else
    not_ok "stdlib-rules/README.md is out of date: run tools/stdlib-readme.sh $BUILD/rulec > stdlib-rules/README.md"
    diff stdlib-rules/README.md "$WORK/README.md" | head -10; cat "$WORK/readme.err"
fi

compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
start_rulec
# docker exec -it: the runtime (runc) enters the container and starts an
# interactive shell on a terminal; the shell then runs apt-get update.
step "demo: interactive shell in a container, then apt-get update" \
    "Shell spawned in a container|Package manager launched in a container" \
    "$A" container "$CID" "$A" -n runc tty /bin/bash -c "$T/apt-get update; exit 0"
stop_rulec
check_steps
SHORT=${CID:0:12}
step_expect 1 ".rule == \"Shell spawned in a container\" and .output_fields[\"proc.name\"] == \"bash\" and .output_fields[\"container.id\"] == \"$SHORT\" and .output_fields[\"proc.tty\"] != 0" \
    "demo: the shell alert has the container id and the terminal"
step_expect 1 ".rule == \"Package manager launched in a container\" and .output_fields[\"proc.cmdline\"] == \"apt-get update\" and .output_fields[\"proc.pname\"] == \"bash\" and .output_fields[\"container.id\"] == \"$SHORT\"" \
    "demo: the package manager alert has the command line, parent and container id"

# Text output: Falco's "HH:MM:SS.nnnnnnnnn: Priority message" line.
: >"$ALERTS"
"$RULEC" run --output-file "$ALERTS" --no-stdout --no-k8s-audit "$WORK/policy.bpf.o" 2>"$WORK/run.err" &
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
