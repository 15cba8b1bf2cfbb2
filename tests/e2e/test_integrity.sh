#!/bin/bash
# Policy integrity on the real kernel. Every single-byte change of a compiled stdlib policy, at
# offsets taken from its own section table (fields of the ELF header and of every section
# header, the first, last and six more bytes of every section, the integrity record's fields,
# the padding between sections), is refused by `rulec run` with status 8 before anything is
# loaded: not one bpf() system call. An unsigned or wrongly signed policy is refused when a key
# is required; a correctly signed one runs and alerts, also with two trusted keys (rotation).
. "$(dirname "$0")/lib.sh"

for tool in strace openssl readelf; do
    command -v "$tool" >/dev/null || { not_ok "$tool is installed (make deps)"; exit 1; }
done

# keygen NAME: an Ed25519 key pair, $WORK/NAME.pem and $WORK/NAME.pub.pem.
keygen() {
    openssl genpkey -algorithm ed25519 -out "$WORK/$1.pem" 2>/dev/null &&
        openssl pkey -in "$WORK/$1.pem" -pubout -out "$WORK/$1.pub.pem"
}

# run_traced POLICY [run options]: rulec run under strace (bpf() calls only), 60 s at most:
# a policy that is not refused would run until the timeout. Sets RC. LeakSanitizer cannot run
# under ptrace; tests/cli/run.sh runs the same refusals with it.
run_traced() {
    local policy=$1
    shift
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 60 \
        strace -f -qq -e trace=bpf -o "$WORK/bpf.trace" \
        "$RULEC" run "$@" "$policy" >/dev/null 2>"$WORK/refused.err"
    RC=$?
}

loaded_nothing() { ! grep -q 'bpf(' "$WORK/bpf.trace"; }

# refused DESC POLICY [run options]: exit status 8, the reason on stderr, no bpf() call.
refused() {
    local desc=$1
    shift
    run_traced "$@"
    if [ "$RC" -eq 8 ] && loaded_nothing; then
        ok "$desc"
    else
        not_ok "$desc: exit $RC, $(grep -c 'bpf(' "$WORK/bpf.trace") bpf() calls"
        sed 's/^/    /' "$WORK/refused.err"
    fi
}

# sections FILE: "NAME OFFSET SIZE" (decimal) of every section with bytes in the file (not
# section 0, which has no name: its line starts with its type, NULL).
sections() {
    readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p' |
        while read -r name type _ off size _; do
            [ "$name" = NULL ] || [ "$type" = NOBITS ] || echo "$name $((16#$off)) $((16#$size))"
        done
}

# offsets FILE: the byte offsets to change, sorted, one a line.
offsets() {
    local f=$1 shoff shnum i fld name off size k end
    shoff=$(readelf -hW "$f" | awk -F: '/Start of section headers/ { print $2 + 0 }')
    shnum=$(readelf -hW "$f" | awk -F: '/Number of section headers/ { print $2 + 0 }')
    {
        # e_ident (magic, class, data, version, ABI), then every field after it.
        printf '%s\n' 0 1 2 3 4 5 6 7 16 18 20 24 32 40 48 52 54 56 58 60 62
        # Each section header: name, type, flags, offset, size, link.
        for i in $(seq 0 $((shnum - 1))); do
            for fld in 0 4 8 24 32 40; do echo $((shoff + 64 * i + fld)); done
        done
        sections "$f" | while read -r name off size; do
            [ "$size" -gt 0 ] || continue
            for k in 0 1 2 3 4 5 6 7; do echo $((off + (size - 1) * k / 7)); done
            if [ "$name" = .rulec.integrity ]; then
                # tag, version, flags, object size, digest, signer, signature, reserved
                for k in 0 15 16 20 24 31 32 63 64 95 96 159 160 255; do echo $((off + k)); done
            fi
        done
        # The first byte of each gap between sections (alignment padding).
        end=
        sections "$f" | sort -k2,2n | while read -r name off size; do
            [ -n "$end" ] && [ "$off" -gt "$end" ] && echo "$end"
            end=$((off + size))
        done
    } | sort -n -u
}

# flip FILE OFFSET: changes the byte at OFFSET (xor with a value that depends on OFFSET);
# flip again to restore it.
flip() {
    local b
    b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
    printf "\\x$(printf %02x $((b ^ ($2 % 255 + 1))))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# ---- every byte, on the stdlib policy -------------------------------------------------------
compile stdlib-rules/*.yaml
P=$WORK/policy.bpf.o
cp "$P" "$WORK/flip.bpf.o"
offsets "$P" >"$WORK/offsets"
n=$(wc -l <"$WORK/offsets")
nsec=$(sections "$P" | wc -l)
covered=0
while read -r name off size; do
    awk -v a="$off" -v b=$((off + size)) '$1 >= a && $1 < b { f = 1 } END { exit !f }' \
        "$WORK/offsets" && covered=$((covered + 1))
done < <(sections "$P")
if [ "$n" -ge 200 ] && [ "$covered" -eq "$nsec" ]; then
    ok "$n offsets to change, in all $nsec sections, the ELF header and the section table"
else
    not_ok "$n offsets (want >= 200), $covered of $nsec sections covered"
fi
bad=0
while read -r off; do
    flip "$WORK/flip.bpf.o" "$off"
    run_traced "$WORK/flip.bpf.o"
    if [ "$RC" -ne 8 ] || ! loaded_nothing || ! grep -q "corrupt or was modified" "$WORK/refused.err"; then
        bad=$((bad + 1))
        echo "    offset $off: exit $RC, $(grep -c 'bpf(' "$WORK/bpf.trace") bpf() calls: $(cat "$WORK/refused.err")"
    fi
    flip "$WORK/flip.bpf.o" "$off"
done <"$WORK/offsets"
if [ "$bad" -eq 0 ]; then
    ok "each of the $n single-byte changes refused with status 8 (corrupt or modified), nothing loaded"
else
    not_ok "$bad of $n single-byte changes not refused as they should be"
fi
cmp -s "$P" "$WORK/flip.bpf.o" || not_ok "the flipped copy was restored"

# ---- signatures -----------------------------------------------------------------------------
keygen ci-old && keygen ci-new && keygen other || { not_ok "openssl made Ed25519 keys"; exit 1; }
refused "an unsigned policy is refused when a key is required" "$P" --trusted-key "$WORK/ci-new.pub.pem"
grep -q "not signed" "$WORK/refused.err" || not_ok "the message says the policy is not signed"

compile tests/e2e/rules/runtime.yaml
"$RULEC" sign --key "$WORK/ci-new.pem" "$P" 2>"$WORK/sign.err" || { cat "$WORK/sign.err"; not_ok "rulec sign"; }
refused "a policy signed by an untrusted key is refused" "$P" --trusted-key "$WORK/other.pub.pem"
grep -q "not a trusted key" "$WORK/refused.err" || not_ok "the message names the untrusted signer"
sig=$(($(sections "$P" | awk '$1 == ".rulec.integrity" { print $2 }') + 100))
cp "$P" "$WORK/badsig.bpf.o"
flip "$WORK/badsig.bpf.o" "$sig"
refused "a policy whose signature was changed is refused, even signed by a trusted key" \
    "$WORK/badsig.bpf.o" --trusted-key "$WORK/ci-new.pub.pem"

digest=$("$RULEC" inspect --json "$P" | jq -r .integrity.sha256)
keyid=$(openssl pkey -pubin -in "$WORK/ci-new.pub.pem" -outform DER | sha256sum | cut -c1-16)
start_rulec --trusted-key "$WORK/ci-new.pub.pem"
"$ACTOR" open /etc/shadow r
stop_rulec
if grep -q "loaded and attached in .*policy sha256 $digest, signed by key $keyid" "$WORK/run.err"; then
    ok "the start line reports the policy's digest and its signer"
else
    not_ok "start line with sha256 $digest and key $keyid"
    cat "$WORK/run.err"
fi
expect "E2E shadow read" 1 '' "a policy signed by the trusted key runs and alerts"

# Rotation: the old key as a file, the new one in a directory (a mounted Secret), from the
# configuration file; the policy is signed by the new key.
mkdir -p "$WORK/keys"
cp "$WORK/ci-new.pub.pem" "$WORK/keys/ci-new.pem"
printf 'policy_trusted_keys: [%s, %s]\n' "$WORK/ci-old.pub.pem" "$WORK/keys" >"$WORK/rulec.yaml"
start_rulec --config "$WORK/rulec.yaml"
"$ACTOR" open /etc/shadow r
stop_rulec
expect "E2E shadow read" 1 '' "two trusted keys (rotation): a policy signed by the second runs"
"$RULEC" sign --key "$WORK/ci-old.pem" "$P" 2>"$WORK/sign.err" || not_ok "re-signed with the old key"
start_rulec --config "$WORK/rulec.yaml"
stop_rulec
ok "two trusted keys: a policy signed by the first runs too"
rm -f "$WORK/ci-old.pub.pem"
run_traced "$P" --config "$WORK/rulec.yaml"
if [ "$RC" -eq 2 ] && loaded_nothing && grep -q "ci-old.pub.pem" "$WORK/refused.err"; then
    ok "a trusted key file that is gone is a configuration error (status 2), nothing loaded"
else
    not_ok "missing trusted key: exit $RC"
    cat "$WORK/refused.err"
fi
finish
