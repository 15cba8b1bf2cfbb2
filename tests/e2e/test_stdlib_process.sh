#!/bin/bash
# stdlib process and network rules on real actions on the host (the actor
# moves to the root cgroups first): each sees exactly its rule's alert, each
# near miss (an allowed program, parent, port or argument) sees none.
. "$(dirname "$0")/lib.sh"

stdlib_test c2 /dev/shm/rulec-e2e-std-true
cp /bin/true "$WORK/rulec-e2e-true" && cp /bin/true /dev/shm/rulec-e2e-std-true
touch "$WORK/victim" "$WORK/victim2"
compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
start_rulec

X="Execution from a temporary directory"
step "exec from /tmp" "$X" "$A" host "$WORK/rulec-e2e-true"
S_TMP=$STEP_N
step "exec from /dev/shm" "$X" "$A" host /dev/shm/rulec-e2e-std-true
step "near miss: the same binary from /usr/bin" "" "$A" host /usr/bin/true
step "exec from a memfd" "Fileless execution from memory" h memfd-exec /bin/true
S_MEMFD=$STEP_N
step "near miss: memfd exec by runc" "" h -n runc spawn "$A" memfd-exec /bin/true
RS="Reverse shell redirecting standard I/O to a socket"
step "socket duplicated onto stdin and stdout" "$RS|$RS" h dup-socket 0 1
S_RS=$STEP_N
step "near miss: xinetd duplicates a socket onto stdio" "" h -n xinetd dup-socket 0 1
step "near miss: socket duplicated onto fd 5" "" h dup-socket 5
NC="Netcat or socat with command execution"
step "nc -e" "$NC" "$A" host "$T/nc" -e /bin/sh 127.0.0.1 4444
S_NC=$STEP_N
step "socat EXEC:" "$NC" "$A" host "$T/socat" TCP:127.0.0.1:4444 EXEC:/bin/sh
step "near miss: nc -z" "" "$A" host "$T/nc" -z 127.0.0.1 4444
step "find for private keys" "Search for private keys or credentials" \
    "$A" host /usr/bin/find "$WORK/none" -name id_rsa
step "grep for private keys" "Search for private keys or credentials" \
    "$A" host /usr/bin/grep -r "PRIVATE KEY" "$WORK/none"
step "near miss: find for logs" "" "$A" host /usr/bin/find "$WORK/none" -name '*.log'
step "shred" "Bulk data destruction tool launched" "$A" host /usr/bin/shred -u "$WORK/victim"
step "near miss: shred run by logrotate" "" h -n logrotate spawn /usr/bin/shred -u "$WORK/victim2"
step "system user interactive shell" "System user started an interactive shell" \
    h tty "$A" as 33 33 /bin/sh -c 'exit 0'
S_SYSU=$STEP_N
step "near miss: regular user interactive shell" "" h tty "$A" as 1000 1000 /bin/sh -c 'exit 0'
step "near miss: system user shell without a terminal" "" h as 33 33 /bin/sh -c 'exit 0'
step "useradd" "User or group management program launched" "$A" host "$T/useradd" rulec-e2e
step "near miss: useradd run by dpkg" "" h -n dpkg spawn "$T/useradd" rulec-e2e
step "ptrace attach (evt.arg.request)" "Process attached to another with ptrace" h ptrace-attach
step "near miss: gdb attaches" "" h -n gdb ptrace-attach
step "PTRACE_TRACEME (evt.arg.request)" "Anti-debugging with PTRACE_TRACEME" h traceme
step "near miss: PTRACE_TRACEME under gdb" "" h -n gdb spawn "$A" traceme
step "kernel module load" "Kernel module load attempted" h module
S_MOD=$STEP_N
step "near miss: modprobe loads a module" "" h -n modprobe module
# network
"$A" host "$A" listen 47200 >/dev/null 2>&1 &
LISTENER=$!
sleep 0.3
step "shell connects out" "Outbound connection from a shell" \
    "$A" host /bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/47200'
S_SHCONN=$STEP_N
wait "$LISTENER"
step "near miss: non-shell connects out" "" h connect 47201
step "packet socket (evt.arg.domain)" "Packet socket opened" h packet-socket
step "near miss: dhclient opens a packet socket" "" h -n dhclient packet-socket
M="Connection to a crypto-mining pool port"
step "mining pool port" "$M" h connect 3333
S_MINE=$STEP_N
step "mining pool port from a container" "$M" "$A" container "$CID" "$A" connect 4444
S_MINEC=$STEP_N
step "near miss: port outside the mining list" "" h connect 3335
step "nmap" "Network scanning or sniffing tool launched" "$A" host "$T/nmap" -sS 10.0.0.1
step "near miss: nmap run by an allowed parent (appended list)" "" \
    h -n rulec-e2e-ops spawn "$T/nmap" -sS 10.0.0.1

stop_rulec
check_steps
step_expect "$S_TMP" ".output_fields[\"proc.exepath\"] == \"$WORK/rulec-e2e-true\" and .output_fields[\"container.id\"] == \"host\"" \
    "exec from /tmp names the executable"
step_expect "$S_MEMFD" '.output_fields["proc.name"] | startswith("memfd:")' \
    "memfd exec names the memfd"
step_expect "$S_RS" '.output_fields["evt.rawres"] == 0 and .output_fields["fd.type"] == "ipv4"' \
    "reverse shell alert names the fd and socket type"
step_expect "$S_NC" '.output_fields["proc.cmdline"] == "nc -e /bin/sh 127.0.0.1 4444"' \
    "netcat alert carries the command line"
step_expect "$S_SYSU" '.output_fields["user.uid"] == 33 and .output_fields["user.name"] == "www-data" and .output_fields["proc.tty"] != 0' \
    "system user shell alert names the user and terminal"
step_expect "$S_MOD" '.output_fields["evt.type"] == "finit_module"' "module alert names the syscall"
step_expect "$S_SHCONN" '.output_fields["proc.name"] == "bash" and .output_fields["fd.sport"] == 47200' \
    "shell connection alerted with its port"
step_expect "$S_MINE" '.output_fields["fd.sport"] == 3333' "mining alert names the port"
step_expect "$S_MINEC" ".output_fields[\"container.id\"] == \"${CID:0:12}\"" \
    "mining alert from a container carries its id"
finish
