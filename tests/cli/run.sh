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
# --config: a falco.yaml's rules_files (files, or directories of *.yaml and *.yml in name order)
mkdir -p "$T/rules.d"
cp "$T/good.yaml" "$T/rules.d/a.yaml"
cp "$T/warn.yaml" "$T/rules.d/b.yml"
printf 'rules_files:\n  - %s/rules.d\nengine: {kind: modern_ebpf}\n' "$T" >"$T/falco.yaml"
check "lint --config: the rules_files of a falco.yaml" 0 "$RULEC" lint --config "$T/falco.yaml"
check "lint --config --strict: their warnings count" 1 "$RULEC" lint --strict --config "$T/falco.yaml"
printf 'rules_files: [%s/nonexistent.yaml]\n' "$T" >"$T/missing.yaml"
check "lint --config: a missing rules file is a usage error" 2 "$RULEC" lint --config "$T/missing.yaml"
check "lint --config: files given win" 1 "$RULEC" lint --config "$T/falco.yaml" "$T/bad.yaml"
check "lint --format json" 1 "$RULEC" lint --format json "$T/bad.yaml"
expect_file "lint JSON parses and names the code and position" \
    "jq -e '.errors == 1 and .diagnostics[0].code == \"LOAD_ERR_COMPILE_CONDITION\" and .diagnostics[0].line == 3' '$T/out' >/dev/null"
check "lint --format sarif" 1 "$RULEC" lint --format sarif "$T/bad.yaml"
expect_file "SARIF 2.1.0 with the result's region" \
    "jq -e '.version == \"2.1.0\" and .runs[0].results[0].locations[0].physicalLocation.region.startLine == 3' '$T/out' >/dev/null"

# lint and compile run the same front end, split included: the same diagnostics on the same
# input (here a kernel "maybe" on a frequent syscall and a never-true rule that matches no
# hookable event; the k8s_audit rule goes into the policy for userspace, with no diagnostic).
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

# Never a silent <NA>: a field rulec run has no value for is named at each use (lint and
# compile), inspect lists it per rule, and a rule that cannot fire without it says so.
cat >"$T/na.yaml" <<'Y'
- list: nobody
  items: []
- rule: Slow open
  desc: needs the previous event its filter check saw
  condition: evt.type = openat and evt.deltatime > 1000
  output: slow
  priority: WARNING
- rule: Open without buffer
  desc: an exception on a field without a value never applies
  condition: evt.type = openat and fd.name = /x and not evt.buffer exists
  output: open %fd.name %thread.totexectime
  priority: WARNING
- rule: Nobody
  desc: an empty list
  condition: evt.type = openat and proc.name in (nobody)
  output: never
  priority: WARNING
Y
check "lint: unavailable fields are warnings" 0 "$RULEC" lint "$T/na.yaml"
expect_file "lint: RULEC_FIELD_UNAVAILABLE at the use, with the caret" \
    "grep -q 'na.yaml:10:57: warning\[RULEC_FIELD_UNAVAILABLE\]: rule .Open without buffer.: field .evt.buffer. has no value in rulec run' '$T/err' && grep -q 'na.yaml:11:26: warning\[RULEC_FIELD_UNAVAILABLE\].*the output prints <NA>' '$T/err'"
expect_file "lint: a rule false without its field never fires, and says so" \
    "grep -q 'na.yaml:5:36: warning\[RULEC_NEVER_TRUE\]: rule .Slow open. can never fire in rulec run: .*evt.deltatime' '$T/err'"
expect_file "lint: a rule folded to false on an empty list says so" \
    "grep -q 'na.yaml:15:36: warning\[RULEC_NEVER_TRUE\]: rule .Nobody. can never fire' '$T/err'"
check "lint --strict: an unavailable field fails the lint" 1 "$RULEC" lint --strict "$T/na.yaml"
check "lint --format json: unavailable fields" 0 "$RULEC" lint --format json "$T/na.yaml"
cp "$T/out" "$T/lint-na.json"
check "compile: unavailable fields" 0 "$RULEC" compile --format json "$T/na.yaml" -o "$T/na.bpf.o"
expect_file "compile reports them as lint does" \
    "jq -S .diagnostics '$T/lint-na.json' > '$T/l.j' && jq -S .diagnostics '$T/out' > '$T/c.j' && cmp -s '$T/l.j' '$T/c.j'"
check "inspect: unavailable fields" 0 "$RULEC" inspect "$T/na.bpf.o"
expect_file "inspect lists the rule's unavailable field" \
    "grep -q 'unavailable in rulec run (always <NA>): evt.buffer thread.totexectime' '$T/out'"
check "inspect --json: unavailable fields" 0 "$RULEC" inspect --json "$T/na.bpf.o"
expect_file "inspect JSON: the rule's unavailable list; the folded rules are not compiled" \
    "jq -e '(.rules | length) == 1 and .rules[0].unavailable == [\"evt.buffer\", \"thread.totexectime\"] and .rules[0].kernel_exact' '$T/out' >/dev/null"
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
# ---- integrity: the record compile writes, and what inspect, sign and run make of it --------
# record_offset FILE: where the .rulec.integrity section's 256 bytes are (decimal).
record_offset() {
    local off
    off=$(readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p' | awk '$1 == ".rulec.integrity" { print $4 }')
    echo $((16#$off))
}
# le64 N: N as 8 little-endian bytes.
le64() {
    local i out=
    for i in 0 1 2 3 4 5 6 7; do out="$out\\x$(printf %02x $((($1 >> (8 * i)) & 255)))"; done
    printf "$out"
}
# reseal FILE: an unsigned record written with standard tools, as README describes the digest:
# SHA-256 of the file with the record's 256 bytes zeroed, and the file's size.
reseal() {
    local off digest
    off=$(record_offset "$1")
    dd if=/dev/zero of="$1" bs=1 seek="$off" count=256 conv=notrunc status=none
    digest=$(sha256sum "$1" | cut -c1-64)
    { printf 'RULEC-INTEGRITY\0\1\0\0\0\0\0\0\0'; le64 "$(stat -c %s "$1")"
      printf "$(printf %s "$digest" | sed 's/../\\x&/g')"; } |
        dd of="$1" bs=1 seek="$off" conv=notrunc status=none
}
# flip FILE OFFSET: one byte changed.
flip() {
    local b
    b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
    printf "\\x$(printf %02x $((b ^ 0x5a)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
keygen() {
    openssl genpkey -algorithm ed25519 -out "$T/$1.pem" 2>/dev/null &&
        openssl pkey -in "$T/$1.pem" -pubout -out "$T/$1.pub.pem"
}
keygen ci && keygen other || echo "not ok - openssl makes Ed25519 keys"
fingerprint() { openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -c1-64; }

check "inspect shows the digest, verified" 0 "$RULEC" inspect "$T/a.bpf.o"
expect_file "inspect: sha256, verified, unsigned" \
    "grep -Eq '^  sha256 [0-9a-f]{64} \\(verified' '$T/out' && grep -q '^  unsigned' '$T/out'"
check "inspect --json: integrity" 0 "$RULEC" inspect --json "$T/a.bpf.o"
digest=$(jq -r .integrity.sha256 "$T/out")
expect_file "inspect JSON: verified, unsigned, no key" \
    "jq -e '.integrity.status == \"verified\" and .integrity.signed == false and .integrity.key_id == null' '$T/out' >/dev/null"
cp "$T/a.bpf.o" "$T/zeroed.o"
dd if=/dev/zero of="$T/zeroed.o" bs=1 seek="$(record_offset "$T/a.bpf.o")" count=256 conv=notrunc status=none
expect_file "the digest is the file's SHA-256 with the record zeroed (standard tools)" \
    "[ \"\$(sha256sum '$T/zeroed.o' | cut -c1-64)\" = '$digest' ]"
check "compile reports the digest" 0 "$RULEC" compile "$T/good.yaml" -o "$T/a2.bpf.o"
expect_file "compile's line names the digest inspect verifies" "grep -q 'sha256 $digest, unsigned' '$T/err'"

cp "$T/a.bpf.o" "$T/flip.o" && flip "$T/flip.o" 1000
check "run: a changed byte exits 8" 8 "$RULEC" run "$T/flip.o"
expect_file "run: the message says corrupt or modified and names both digests" \
    "grep -q 'corrupt or was modified since it was compiled' '$T/err' && grep -q '$digest' '$T/err'"
check "inspect: a changed byte exits 8" 8 "$RULEC" inspect --json "$T/flip.o"
expect_file "inspect JSON: status modified, both digests" \
    "jq -e '.integrity.status == \"modified\" and .integrity.recorded_sha256 == \"$digest\" and .integrity.sha256 != \"$digest\"' '$T/out' >/dev/null"
printf 'x' >>"$T/flip.o"
check "run: an extended policy exits 8" 8 "$RULEC" run "$T/flip.o"
llvm-objcopy --remove-section .rulec.integrity "$T/a.bpf.o" "$T/norecord.o"
check "run: a policy without integrity record exits 8" 8 "$RULEC" run "$T/norecord.o"
expect_file "run: the message says to compile it again" "grep -q 'compile it again' '$T/err'"

# A policy of another metadata format version is refused before loading (its record
# rewritten, so that the format, not the integrity, is what is refused).
llvm-objcopy --dump-section .rulec.meta="$T/meta.json" "$T/a.bpf.o" "$T/dump.o"
sed -E 's/"format_version":[0-9]+/"format_version":99/' "$T/meta.json" >"$T/meta99.json"
llvm-objcopy --update-section .rulec.meta="$T/meta99.json" "$T/a.bpf.o" "$T/v99.bpf.o"
check "run: a modified metadata section exits 8" 8 "$RULEC" run "$T/v99.bpf.o"
reseal "$T/v99.bpf.o"
check "run: incompatible format version exits 4" 4 "$RULEC" run "$T/v99.bpf.o"
expect_file "run: the message names both versions" "grep -q 'version 99' '$T/err'"

# Signing.
check "compile --sign" 0 "$RULEC" compile --sign "$T/ci.pem" "$T/good.yaml" -o "$T/s1.bpf.o"
check "compile --sign: again" 0 "$RULEC" compile --sign "$T/ci.pem" "$T/good.yaml" -o "$T/s2.bpf.o"
expect_file "a signed compile is deterministic too" "cmp -s '$T/s1.bpf.o' '$T/s2.bpf.o'"
check "compile --sign with a missing key exits 1" 1 "$RULEC" compile --sign "$T/none.pem" "$T/good.yaml" -o "$T/s3.bpf.o"
check "compile --sign with a public key exits 1" 1 "$RULEC" compile --sign "$T/ci.pub.pem" "$T/good.yaml" -o "$T/s3.bpf.o"
expect_file "compile --sign: nothing written on a bad key" "[ ! -e '$T/s3.bpf.o' ] && ! ls '$T'/s3.bpf.o.tmp* >/dev/null 2>&1"
cp "$T/a.bpf.o" "$T/s4.bpf.o"
check "sign in place" 0 "$RULEC" sign --key "$T/ci.pem" "$T/s4.bpf.o"
expect_file "sign and compile --sign give the same object" "cmp -s '$T/s1.bpf.o' '$T/s4.bpf.o'"
check "inspect --trusted-key: signed by it" 0 "$RULEC" inspect --json --trusted-key "$T/ci.pub.pem" "$T/s1.bpf.o"
expect_file "inspect JSON: signed, trusted, the key id is the key's SHA-256 fingerprint, the digest unchanged" \
    "jq -e '.integrity.signed and .integrity.trusted and .integrity.key_id == \"$(fingerprint "$T/ci.pub.pem")\" and .integrity.sha256 == \"$digest\"' '$T/out' >/dev/null"
check "inspect: signed, without trusted keys" 0 "$RULEC" inspect "$T/s1.bpf.o"
expect_file "inspect text: the signer's key id" "grep -q 'signed by key $(fingerprint "$T/ci.pub.pem")' '$T/out'"
check "inspect --trusted-key: another key exits 8" 8 "$RULEC" inspect --trusted-key "$T/other.pub.pem" "$T/s1.bpf.o"
check "inspect --trusted-key: unsigned exits 8" 8 "$RULEC" inspect --trusted-key "$T/ci.pub.pem" "$T/a.bpf.o"
printf 'policy_trusted_keys: [%s]\n' "$T/ci.pub.pem" >"$T/keys.yaml"
check "inspect --config: the trusted keys of rulec.yaml" 8 "$RULEC" inspect --config "$T/keys.yaml" "$T/a.bpf.o"
check "run: unsigned, a key required, exits 8" 8 "$RULEC" run --trusted-key "$T/ci.pub.pem" "$T/a.bpf.o"
expect_file "run: the message says it is not signed" "grep -q 'not signed' '$T/err'"
check "run: signed by another key exits 8" 8 "$RULEC" run --trusted-key "$T/other.pub.pem" "$T/s1.bpf.o"
check "run: policy_trusted_keys in the configuration" 8 "$RULEC" run --config "$T/keys.yaml" "$T/a.bpf.o"
check "run: a private key as trusted key exits 2" 2 "$RULEC" run --trusted-key "$T/ci.pem" "$T/s1.bpf.o"
expect_file "run: the message says it is a private key" "grep -q 'is a private key' '$T/err'"
check "run: a missing trusted key exits 2" 2 "$RULEC" run --trusted-key "$T/none.pem" "$T/s1.bpf.o"
mkdir -p "$T/emptykeys"
check "run: an empty trusted key directory exits 2" 2 "$RULEC" run --trusted-key "$T/emptykeys" "$T/s1.bpf.o"
cp "$T/s1.bpf.o" "$T/s5.bpf.o"
check "sign: re-sign with another key" 0 "$RULEC" sign --key "$T/other.pem" "$T/s5.bpf.o"
expect_file "sign: says which signature it replaced" "grep -q 'replacing the signature of key $(fingerprint "$T/ci.pub.pem")' '$T/err'"
check "sign: re-signed, trusted by the new key" 0 "$RULEC" inspect --trusted-key "$T/other.pub.pem" "$T/s5.bpf.o"

# sign never leaves a half-written policy: on every failure the file is as it was.
cp "$T/a.bpf.o" "$T/keep.bpf.o"
check "sign: a missing key exits 1" 1 "$RULEC" sign --key "$T/none.pem" "$T/keep.bpf.o"
check "sign: a changed policy is not signed (8)" 8 "$RULEC" sign --key "$T/ci.pem" "$T/flip.o"
expect_file "sign: the message says it was not signed" "grep -q 'not signed' '$T/err'"
check "sign: writing past a file size limit exits 1" 1 \
    bash -c "ulimit -f 16 && exec '$RULEC' sign --key '$T/ci.pem' '$T/keep.bpf.o'"
check "sign: into a missing directory exits 1" 1 "$RULEC" sign --key "$T/ci.pem" -o "$T/no/dir/p.o" "$T/keep.bpf.o"
expect_file "sign: after each failure the policy is unchanged, no temporary file left" \
    "cmp -s '$T/a.bpf.o' '$T/keep.bpf.o' && ! ls '$T'/*.tmp.* >/dev/null 2>&1"
check "sign: no key exits 2" 2 "$RULEC" sign "$T/keep.bpf.o"
check "sign: garbage exits 1" 1 "$RULEC" sign --key "$T/ci.pem" "$T/garbage.o"
# Without privileges, loading is refused with its own status.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$T" && chmod 644 "$T/a.bpf.o"
    check "run: without root or CAP_BPF exits 5" 5 \
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
        "$BUILD/rulec" run "$T/a.bpf.o"
fi
# k8s_audit rules: in the policy's metadata, decided in userspace; a policy of
# them alone runs without privileges and, reading an audit log once, exits.
cat >"$T/k8s.yaml" <<'Y'
- rule: Exec
  desc: exec into a pod
  condition: ka.target.subresource = exec and ka.verb in (create, get)
  output: exec (user=%ka.user.name pod=%ka.target.name command=%ka.uri.param[command])
  priority: NOTICE
  source: k8s_audit
Y
check "compile: k8s_audit rules" 0 "$RULEC" compile "$T/k8s.yaml" "$T/good.yaml" -o "$T/k8s.bpf.o"
expect_file "compile counts the k8s_audit rules apart" "grep -q '1 rules, 1 syscalls hooked, 1 k8s_audit rules' '$T/err'"
check "inspect: k8s_audit rules" 0 "$RULEC" inspect "$T/k8s.bpf.o"
expect_file "inspect: the kernel rule keeps index 0, the k8s_audit rule is userspace's" \
    "grep -q 'rule 0: Shell' '$T/out' && grep -q 'rule 1: Exec' '$T/out' && grep -q 'userspace: the interpreter decides it on each k8s_audit event' '$T/out'"
check "inspect --json: k8s_audit rules" 0 "$RULEC" inspect --json "$T/k8s.bpf.o"
expect_file "inspect JSON: source k8s_audit, no kernel predicate, no hooks" \
    "jq -e '.rules[1].source == \"k8s_audit\" and .rules[1].kernel == null and (.rules[1].hooks | length) == 0' '$T/out' >/dev/null"
check "compile: k8s_audit rules alone" 0 "$RULEC" compile "$T/k8s.yaml" -o "$T/k8s-only.bpf.o"
cp tests/e2e/k8saudit/pod-exec.json tests/e2e/k8saudit/pod-log.json "$T/"
cat "$T/pod-exec.json" "$T/pod-log.json" >"$T/audit.log"
check "run: k8s_audit rules alone read an audit log once and exit 0" 0 \
    env TZ=UTC "$RULEC" run --k8s-audit "$T/audit.log" "$T/k8s-only.bpf.o"
expect_file "run: the exec alert, and none for the log request" \
    "[ \"\$(cat '$T/out')\" = '14:10:03.661092000: Notice exec (user=kubernetes-admin pod=web command=/bin/sh)' ]"
check "run: an unknown open_params scheme exits 2" 2 \
    "$RULEC" run --k8s-audit ftp://x/y "$T/k8s-only.bpf.o"
check "run: a missing audit log exits 1" 1 "$RULEC" run --k8s-audit "$T/none.log" "$T/k8s-only.bpf.o"
check "run: a bad k8s_audit value exits 2" 2 \
    "$RULEC" run -o k8s_audit.webhook_timeout=soon "$T/k8s-only.bpf.o"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$T" && chmod 644 "$T/k8s-only.bpf.o" "$T/audit.log"
    check "run: k8s_audit rules alone need no privileges" 0 \
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
        "$BUILD/rulec" run --k8s-audit "$T/audit.log" "$T/k8s-only.bpf.o"
    expect_file "run without privileges: the alert" "grep -q 'Notice exec (user=kubernetes-admin' '$T/out'"
fi
cat >"$T/k8s-bad.yaml" <<'Y'
- rule: Wrong source
  desc: a syscall field in a k8s_audit rule
  condition: ka.verb = create and proc.name = bash
  output: x
  priority: NOTICE
  source: k8s_audit
Y
check "lint: a syscall field in a k8s_audit rule is an error" 1 "$RULEC" lint "$T/k8s-bad.yaml"
expect_file "lint: the field is named with the source" "grep -q \"unknown field 'proc.name' for source k8s_audit\" '$T/err'"

check "fields" 0 "$RULEC" fields
expect_file "fields lists proc.name" "grep -q 'proc.name' '$T/out'"
check "fields --json" 0 "$RULEC" fields --json
check "unknown command exits 2" 2 "$RULEC" frobnicate
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
