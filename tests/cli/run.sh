#!/bin/bash
# The rulec command as CI uses it: exit statuses, output formats, standard
# input, atomic and deterministic compiles, clear failures on bad policies.
BUILD=${1:-build}
RULEC=${RULEC:-$BUILD/rulec-san}
T=$(mktemp -d /tmp/rulec-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0
check() { # DESCRIPTION EXPECTED-STATUS COMMAND...
    local desc=$1 want=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; local got=$?
    if [ "$got" -eq "$want" ]; then passed=$((passed + 1)); echo "ok - $desc"
    else failed=$((failed + 1)); echo "not ok - $desc: exit $got, expected $want"; cat "$T/err"; fi
}
expect_file() { # DESCRIPTION TEST-EXPRESSION
    if eval "$2"; then passed=$((passed + 1)); echo "ok - $1"
    else failed=$((failed + 1)); echo "not ok - $1"; fi
}

cat >"$T/good.yaml" <<'Y'
- rule: Shell
  desc: a shell
  condition: evt.type = execve and proc.name = bash
  output: shell %proc.name
  priority: WARNING
Y
cat >"$T/warn.yaml" <<'Y'
- macro: unused
  condition: proc.name = x
- rule: Shell
  desc: a shell
  condition: evt.type = execve and proc.name = bash
  output: shell %proc.name
  priority: WARNING
Y
cat >"$T/bad.yaml" <<'Y'
- rule: Shell
  desc: a shell
  condition: evt.type = execve and (proc.name = bash
  output: shell
  priority: WARNING
Y

check "lint: clean file exits 0" 0 "$RULEC" lint "$T/good.yaml"
check "lint: errors exit 1" 1 "$RULEC" lint "$T/bad.yaml"
expect_file "lint: text diagnostic with file:line:col, code and caret" \
    "grep -q 'bad.yaml:3:36: error\[LOAD_ERR_COMPILE_CONDITION\]' '$T/err' && grep -q '^ *\^$' '$T/err'"
check "lint: warnings alone exit 0" 0 "$RULEC" lint "$T/warn.yaml"
check "lint --strict: warnings exit 1" 1 "$RULEC" lint --strict "$T/warn.yaml"
check "lint: usage error exits 2" 2 "$RULEC" lint --format xml "$T/good.yaml"
check "lint: no file exits 2" 2 "$RULEC" lint
check "lint: missing file exits 1" 1 "$RULEC" lint "$T/nonexistent.yaml"
check "lint - reads standard input" 1 sh -c "'$RULEC' lint - < '$T/bad.yaml'"
check "lint --format json" 1 "$RULEC" lint --format json "$T/bad.yaml"
expect_file "lint JSON parses and names the code and position" \
    "jq -e '.errors == 1 and .diagnostics[0].code == \"LOAD_ERR_COMPILE_CONDITION\" and .diagnostics[0].line == 3' '$T/out' >/dev/null"
check "lint --format sarif" 1 "$RULEC" lint --format sarif "$T/bad.yaml"
expect_file "SARIF 2.1.0 with the result's region" \
    "jq -e '.version == \"2.1.0\" and .runs[0].results[0].locations[0].physicalLocation.region.startLine == 3' '$T/out' >/dev/null"

# lint and compile run the same front end, split included: the same diagnostics on the same
# input (here a kernel "maybe" on a frequent syscall, another event source, a never-true rule).
cat >"$T/split.yaml" <<'Y'
- rule: Root opens
  desc: opens by root, decided in userspace only
  condition: evt.type = openat and user.name = root
  output: open %fd.name
  priority: WARNING
- rule: Audit
  desc: another source
  condition: ka.verb = create
  output: audit %ka.verb
  priority: WARNING
  source: k8s_audit
- rule: Never
  desc: a contradiction
  condition: evt.type = openat and evt.type = execve
  output: never
  priority: WARNING
Y
check "lint: split warnings exit 0" 0 "$RULEC" lint --format json "$T/split.yaml"
cp "$T/out" "$T/lint-split.json"
check "compile: split warnings exit 0" 0 "$RULEC" compile --format json "$T/split.yaml" -o "$T/s.bpf.o"
expect_file "lint and compile report the same diagnostics" \
    "jq -S .diagnostics '$T/lint-split.json' > '$T/l.j' && jq -S .diagnostics '$T/out' > '$T/c.j' && cmp -s '$T/l.j' '$T/c.j' && jq -e 'map(.code) | index(\"RULEC_KERNEL_MAYBE\") and index(\"RULEC_NOT_COMPILED\") and index(\"RULEC_NEVER_TRUE\")' '$T/l.j' >/dev/null"
check "compile: clean rules" 0 "$RULEC" compile "$T/good.yaml" -o "$T/a.bpf.o"
check "compile: again" 0 "$RULEC" compile "$T/good.yaml" -o "$T/b.bpf.o"
expect_file "compile is deterministic (byte-identical objects)" "cmp -s '$T/a.bpf.o' '$T/b.bpf.o'"
check "compile: errors exit 1" 1 "$RULEC" compile "$T/bad.yaml" -o "$T/c.bpf.o"
expect_file "compile: nothing written on error" "[ ! -e '$T/c.bpf.o' ] && ! ls '$T'/c.bpf.o.tmp* >/dev/null 2>&1"
check "compile --emit c" 0 "$RULEC" compile --emit c "$T/good.yaml"
expect_file "emitted C names the rule" "grep -q 'rule 0: Shell' '$T/out'"
check "compile: no output path exits 2" 2 "$RULEC" compile "$T/good.yaml"
check "inspect" 0 "$RULEC" inspect "$T/a.bpf.o"
expect_file "inspect shows the rule, its hooks and where it is decided" \
    "grep -q 'rule 0: Shell' '$T/out' && grep -q 'hooks: execve' '$T/out' && grep -q 'kernel:' '$T/out'"
check "inspect --json" 0 "$RULEC" inspect --json "$T/a.bpf.o"
expect_file "inspect JSON has the rules" "jq -e '.rules[0].name == \"Shell\"' '$T/out' >/dev/null"
cat >"$T/groups.yaml" <<'Y'
- rule: Write
  desc: writes and creates
  condition: evt.type in (open, openat, creat) and evt.is_open_write = true and fd.name = /x
  output: write %fd.name
  priority: WARNING
- rule: Read
  desc: reads
  condition: evt.type in (open, openat) and evt.is_open_read = true and fd.name = /y
  output: read %fd.name
  priority: WARNING
Y
check "compile: groups" 0 "$RULEC" compile "$T/groups.yaml" -o "$T/g.bpf.o"
check "inspect --json: groups" 0 "$RULEC" inspect --json "$T/g.bpf.o"
expect_file "creat's rules are a subset of open's: one program runs both" \
    "jq -e '[.hooks[].program] | unique | length == 1' '$T/out' >/dev/null"
printf 'garbage' >"$T/garbage.o"
check "inspect: not a policy exits 1" 1 "$RULEC" inspect "$T/garbage.o"
check "run: corrupt policy exits 3" 3 "$RULEC" run "$T/garbage.o"
head -c 2000 "$T/a.bpf.o" >"$T/trunc.o"
check "run: truncated policy exits 3" 3 "$RULEC" run "$T/trunc.o"
check "run: usage error exits 2" 2 "$RULEC" run
check "run: missing policy exits 1" 1 "$RULEC" run "$T/nonexistent.o"
# A policy of another metadata format version is refused before loading.
llvm-objcopy --dump-section .rulec.meta="$T/meta.json" "$T/a.bpf.o" "$T/dump.o"
sed -E 's/"format_version":[0-9]+/"format_version":99/' "$T/meta.json" >"$T/meta99.json"
llvm-objcopy --update-section .rulec.meta="$T/meta99.json" "$T/a.bpf.o" "$T/v99.bpf.o"
check "run: incompatible format version exits 4" 4 "$RULEC" run "$T/v99.bpf.o"
expect_file "run: the message names both versions" "grep -q 'version 99' '$T/err'"
# Without privileges, loading is refused with its own status.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$T" && chmod 644 "$T/a.bpf.o"
    check "run: without root or CAP_BPF exits 5" 5 \
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
        "$BUILD/rulec" run "$T/a.bpf.o"
fi
check "fields" 0 "$RULEC" fields
expect_file "fields lists proc.name" "grep -q 'proc.name' '$T/out'"
check "fields --json" 0 "$RULEC" fields --json
check "unknown command exits 2" 2 "$RULEC" frobnicate
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
