#!/bin/bash
# rule_matching: first (Falco's default) alerts only the first rule, in rule order, an event
# matches; all alerts every one. An open matching three rules, one of them decided in
# userspace, under both; a rule the residual rejects does not count as the first.
. "$(dirname "$0")/lib.sh"

D=/tmp/rulec-e2e-rm
rm -rf "$D" && mkdir -p "$D" && touch "$D/f" "$D/g"
trap 'stop_rulec; rm -rf "$WORK" "$D"' EXIT
compile tests/e2e/rules/rule_matching.yaml

start_rulec -o rule_matching=first
"$ACTOR" open "$D/f" r
"$ACTOR" open "$D/g" r
stop_rulec
expect "E2E match first" 1 '' "first: the first rule alerts"
expect "E2E match second" 0 '' "first: the second rule does not"
expect "E2E match third" 1 '.output_fields["fd.name"] == "'"$D"'/g"' \
    "first: another file matches only the third rule, which then is the first"
expect "E2E match third" 1 '' "first: the third rule alerts only for that file"

start_rulec -o rule_matching=all
"$ACTOR" open "$D/f" r
stop_rulec
expect "E2E match first" 1 '' "all: the first rule alerts"
expect "E2E match second" 1 '' "all: the second rule alerts (its residual holds)"
expect "E2E match third" 1 '' "all: the third rule alerts"
finish
