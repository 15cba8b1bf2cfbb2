#!/bin/sh
# Checks the packaging files with whatever tools this machine has:
# YAML syntax (python3 with PyYAML, else ruby), cloud-init.yaml up to date,
# the unit (systemd-analyze), the man page (groff), the scripts (sh -n and
# ShellCheck). A missing tool skips its check, with a note; a failed check
# fails the script.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
status=0
fail() { echo "packaging: FAIL: $*" >&2; status=1; }
skip() { echo "packaging: skip: $*" >&2; }

yaml_files="rulec.yaml cloud-init.yaml daemonset.yaml k8s-audit/webhook-config.yaml k8s-audit/audit-policy.yaml"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
    for f in $yaml_files; do
        python3 - "$dir/$f" <<'PY' || fail "$f is not valid YAML"
import sys, yaml
try:
    with open(sys.argv[1]) as f:
        docs = list(yaml.safe_load_all(f))
    # Configurations embedded as strings must parse too.
    for d in docs:
        if isinstance(d, dict) and d.get("kind") == "ConfigMap":
            for v in (d.get("data") or {}).values():
                yaml.safe_load(v)
        if isinstance(d, dict) and "write_files" in d:
            for w in d["write_files"]:
                if w["path"].endswith(".yaml"):
                    yaml.safe_load(w["content"])
except yaml.YAMLError as e:
    sys.exit(str(e))
PY
    done
elif command -v ruby >/dev/null 2>&1; then
    for f in $yaml_files; do
        ruby -ryaml -e 'YAML.load_stream(File.read(ARGV[0]))' "$dir/$f" ||
            fail "$f is not valid YAML"
    done
else
    skip "no YAML parser (python3 with PyYAML, or ruby)"
fi

if ! sh "$dir/gen-cloud-init.sh" | cmp -s - "$dir/cloud-init.yaml"; then
    fail "cloud-init.yaml is stale: sh packaging/gen-cloud-init.sh > packaging/cloud-init.yaml"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
    # Verify a copy whose binary exists here, so only the unit is judged.
    tmp=$(mktemp -d)
    sed -e 's|^ExecStart=/usr/local/bin/rulec|ExecStart=/bin/true|' \
        -e '/^Documentation=/d' "$dir/rulec.service" > "$tmp/rulec.service"
    systemd-analyze verify "$tmp/rulec.service" || fail "rulec.service"
    rm -rf "$tmp"
else
    skip "systemd-analyze"
fi

if command -v groff >/dev/null 2>&1; then
    out=$(groff -man -Tutf8 -ww -z "$dir/rulec.1" 2>&1)
    [ -z "$out" ] || fail "rulec.1: $out"
else
    skip "groff"
fi

for s in rulec-install.sh gen-cloud-init.sh check.sh; do
    sh -n "$dir/$s" || fail "$s: syntax"
done
if command -v shellcheck >/dev/null 2>&1; then
    (cd "$dir" && shellcheck -s sh -e SC1091 rulec-install.sh gen-cloud-init.sh check.sh) ||
        fail "shellcheck"
else
    skip "shellcheck"
fi

[ $status -eq 0 ] && echo "packaging: ok"
exit $status
