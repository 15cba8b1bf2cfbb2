#!/bin/bash
# Fields rulec run computes in userspace, in the alerts of real actions: the record's type and
# time fields, /proc of a live process (its command line, ancestors, session and group leaders,
# fds, cgroups), fields derived from other captured fields (fd.containername, the protocol
# fields, evt.category of an I/O event) and evt.args and evt.abspath; each checked against what
# libsinsp gives for the same event, and the <NA> of fields the record cannot give.
. "$(dirname "$0")/lib.sh"

T=/tmp/rulec-e2e-uf
A=$(realpath "$ACTOR") # run from other directories too
rm -rf "$T"* 2>/dev/null
mkdir -p "$T-dir"
echo data >"$T-file"
touch "$T-rel"
compile tests/e2e/rules/userspace_fields.yaml
start_rulec
START_S=$(date +%s)

# A session leader (setsid) in the root cgroups (container.id "host"), kept alive for /proc.
RULEC_UF=abc setsid "$A" host "$A" -n uf-open -w 2 open "$T-file" r </dev/null >"$WORK/uf.out" 2>&1 &
OPENER=$!
"$A" -n uf-at -w 2 at-mkdir "$T-dir" sub &
AT=$!
(cd /tmp && "$A" -n uf-rel unlink rulec-e2e-uf-rel)
sleep 30 &
SLEEPER=$!
"$A" -n uf-kill kill "$SLEEPER" 0
"$A" host "$A" -n uf-as as 65534 65534 /bin/true
"$A" -n uf-conn connect 18765
cat "$T-file" >/dev/null
wait "$OPENER" "$AT" # not a bare wait: rulec run is a background job too
kill "$SLEEPER" 2>/dev/null

stop_rulec
rm -rf "$T"*
NOBODY=$(getent passwd 65534 | cut -d: -f1)
NOGROUP=$(getent group 65534 | cut -d: -f1)

# ---- the record's type and time fields ----
f='.output_fields'
expect "UF open" 1 "$f"'["evt.source"] == "syscall" and ('"$f"'["syscall.type"] | test("^open(at)?$")) and '"$f"'["evt.category"] == "file"' \
    "evt.source, syscall.type, evt.category of an open"
expect "UF open" 1 "$f"'["evt.is_io"] == false and '"$f"'["evt.count"] == 1 and '"$f"'["evt.count.exit"] == 1 and '"$f"'["evt.count.error"] == 0 and '"$f"'["evt.count.error.file"] == 0' \
    "evt.is_io false, evt.count, evt.count.exit 1, no error counted (a file)"
expect "UF open" 1 "$f"'["evt.latency"] == 0 and '"$f"'["evt.is_async"] == false and '"$f"'["thread.exectime"] == 0' \
    "evt.latency and thread.exectime 0 (libsinsp's values on a syscall), evt.is_async false"
expect "UF open" 1 '('"$f"'["evt.time.s"] | type) == "number" and ('"$f"'["evt.datetime.s"] | type) == "number" and ('"$f"'["evt.time.iso8601"] | type) == "number"' \
    "output_fields give the time fields as nanoseconds"
expect "UF open" 1 '(.output | test("open [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}\\+0000 [0-9:]{8}\\.[0-9]{9} "))' \
    "the output prints evt.time.s, evt.datetime.s, evt.time.iso8601 and evt.outputtime as text"
expect "UF open" 1 "$f"'["evt.rawtime.s"] >= '"$START_S"' - 5 and '"$f"'["evt.rawtime.s"] <= '"$START_S"' + 120 and '"$f"'["evt.reltime.s"] >= 0 and '"$f"'["evt.reltime.s"] < 600' \
    "evt.rawtime.s is now, evt.reltime.s counts from rulec run's start"
expect "UF open" 1 "$f"'["evt.args"] == null' "evt.args is <NA> on an open (its dev and ino are the kernel's)"

# ---- the process, from /proc while it lives ----
expect "UF open" 1 "$f"'["fd.containername"] == ":'"$T"'-file" and '"$f"'["fd.containerdirectory"] == ":/tmp"' \
    "fd.containername and fd.containerdirectory: the host's empty container id, ':' and the fd"
expect "UF open" 1 "$f"'["proc.exe"] == "'"$A"'" and '"$f"'["proc.exeline"] == "'"$A"' -n uf-open -w 2 open '"$T"'-file r"' \
    "proc.exeline: argv[0] and the arguments"
expect "UF open" 1 "$f"'["proc.cmdnargs"] == 7 and '"$f"'["proc.cmdlenargs"] == '"$((2 + 7 + 2 + 1 + 4 + ${#T} + 5 + 1))" \
    "proc.cmdnargs and proc.cmdlenargs"
expect "UF open" 1 "$f"'["proc.apid"] == '"$f"'["proc.pid"] and '"$f"'["proc.apid[1]"] == '"$f"'["proc.ppid"] and '"$f"'["proc.aname[1]"] == '"$f"'["proc.pname"]' \
    "proc.apid prints the process's own pid; proc.apid[1] and proc.aname[1] are the parent's"
expect "UF open" 1 "$f"'["proc.acmdline[0]"] == "uf-open -n uf-open -w 2 open '"$T"'-file r" and '"$f"'["proc.aargs[0]"] == "-n uf-open -w 2 open '"$T"'-file r"' \
    "proc.acmdline[0] and proc.aargs[0]"
expect "UF open" 1 "$f"'["proc.env[RULEC_UF]"] == "abc" and '"$f"'["proc.aenv[RULEC_UF]"] == ""' \
    "proc.env[NAME] of the process, proc.aenv[NAME] of its ancestors (none set it: \"\")"
expect "UF open" 1 "$f"'["proc.sname"] == "uf-open" and '"$f"'["proc.sid.exe"] == "'"$A"'" and '"$f"'["proc.sid.exepath"] == '"$f"'["proc.exepath"]' \
    "the session leader's name, exe and exepath (setsid: the process itself)"
expect "UF open" 1 "$f"'["proc.pgid.name"] == "uf-open" and '"$f"'["proc.pgid.exe"] == "'"$A"'" and '"$f"'["proc.vpgid.name"] == "uf-open" and '"$f"'["proc.vpgid.exepath"] == '"$f"'["proc.exepath"]' \
    "the process group leader's fields, host and namespace views"
expect "UF open" 1 "$f"'["proc.nthreads"] == 1 and '"$f"'["proc.nchilds"] == 0 and '"$f"'["proc.fdopencount"] >= 3' \
    "proc.nthreads, proc.nchilds, proc.fdopencount"
expect "UF open" 1 "$f"'["proc.stdin.type"] == "file" and '"$f"'["proc.stdin.name"] == "/dev/null" and '"$f"'["proc.stdout.type"] == "file" and '"$f"'["proc.stdout.name"] == "'"$WORK"'/uf.out"' \
    "proc.stdin and proc.stdout: type and name"
expect "UF open" 1 '('"$f"'["thread.cgroups"] | test("^([a-z]+=/ )*[a-z]+=/$")) and ('"$f"'["thread.cgroups"] | test("memory=/")) and '"$f"'["thread.cgroup.memory"] == "/"' \
    "thread.cgroups and thread.cgroup.memory of a process in the root cgroups"
SHELL_PID=$(jq -r "select(.rule == \"UF open\") | $f[\"proc.loginshellid\"]" "$ALERTS" | head -1)
if [ -n "$SHELL_PID" ] && [ "$SHELL_PID" != null ] && grep -q 'sh$' "/proc/$SHELL_PID/comm" 2>/dev/null; then
    ok "proc.loginshellid: an ancestor shell ($(cat "/proc/$SHELL_PID/comm"))"
else
    not_ok "proc.loginshellid: an ancestor shell, got '$SHELL_PID'"
fi

# ---- evt.args and evt.abspath ----
expect "UF at" 1 "$f"'["evt.type"] == "mkdirat" and ('"$f"'["evt.args"] | test("^res=0 dirfd=[0-9]+\\(<d>'"$T"'-dir\\) path=sub\\('"$T"'-dir/sub\\) mode=1E8$"))' \
    "mkdirat: evt.args with the dirfd's directory, the joined path and the mode in hex"
expect "UF at" 1 "$f"'["evt.type"] == "unlinkat" and ('"$f"'["evt.args"] | test("^res=0 dirfd=[0-9]+\\(<d>'"$T"'-dir\\) name=sub\\('"$T"'-dir/sub\\) flags=512\\(AT_REMOVEDIR\\)$"))' \
    "unlinkat: evt.args with the flag's name"
expect "UF at" 2 "$f"'["evt.abspath"] == "'"$T"'-dir/sub" and '"$f"'["evt.abspath.src"] == "'"$T"'-dir/sub" and '"$f"'["evt.abspath.dst"] == "'"$T"'-dir/sub"' \
    "evt.abspath, .src and .dst: the dirfd's directory and the path"
expect "UF relative unlink" 1 '('"$f"'["evt.type"] == "unlink" and '"$f"'["evt.info"] == "res=0 path=rulec-e2e-uf-rel(/tmp/rulec-e2e-uf-rel)") or ('"$f"'["evt.type"] == "unlinkat" and '"$f"'["evt.info"] == "res=0 dirfd=-100(AT_FDCWD) name=rulec-e2e-uf-rel(/tmp/rulec-e2e-uf-rel) flags=0" and '"$f"'["evt.abspath"] == "/tmp/rulec-e2e-uf-rel")' \
    "a relative path joined to the cwd (evt.info, evt.abspath), the cwd captured with it"
expect "UF kill" 1 "$f"'["evt.args"] == "res=0 pid='"$SLEEPER"'(sleep) sig=0" and '"$f"'["evt.category"] == "signal" and '"$f"'["evt.res"] == "SUCCESS"' \
    "kill: evt.args names the target process"
expect "UF setuid" 1 "$f"'["evt.type"] == "setgid" and '"$f"'["evt.args"] == "res=0 gid=65534('"$NOGROUP"')" and '"$f"'["evt.category"] == "user"' \
    "setgid: evt.args names the group"
expect "UF setuid" 1 "$f"'["evt.type"] == "setuid" and '"$f"'["evt.args"] == "res=0 uid=65534('"$NOBODY"')"' \
    "setuid: evt.args names the user"

# ---- fields derived from the socket's and the fd's ----
expect "UF connect" 1 "$f"'["fd.sproto"] == "18765" and '"$f"'["fd.rproto"] == "18765" and '"$f"'["fd.cproto"] == ('"$f"'["fd.cport"] | tostring) and '"$f"'["fd.lproto"] == '"$f"'["fd.cproto"]' \
    "fd.sproto and kin: the port numbers (Falco resolves no port names), fd.proto decided by the residual"
expect "UF connect" 1 "$f"'["evt.category"] == "net" and '"$f"'["evt.count.error.net"] == 0 and '"$f"'["evt.args"] == null' \
    "connect: category net, no network error, evt.args <NA> (the kernel's socket address)"
n=$(alerts "UF read")
expect "UF read" "$n" "$f"'["evt.category"] == "file" and '"$f"'["evt.is_io_read"] == true and '"$f"'["evt.io_dir"] == "read" and '"$f"'["evt.is_syslog"] == false and '"$f"'["evt.count.error.file"] == 0 and '"$f"'["evt.count.error.other"] == null' \
    "read of a file: category file (the fd's), io_dir read, not syslog, error counted as a file's"
[ "$n" -ge 1 ] && ok "cat's reads alerted ($n)" || not_ok "cat's reads alerted"
finish
