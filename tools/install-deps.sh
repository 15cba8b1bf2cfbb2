#!/bin/sh
# Installs the Debian packages the build and the tests need, if any is
# missing. As root it runs apt-get; otherwise it names what to install.
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "rulec: missing packages:$missing" >&2
    echo "rulec: run 'make test' as root, or: sudo apt-get install$missing" >&2
    exit 1
fi
echo "rulec: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq $missing
