#!/bin/bash
# stdlib file rules on real actions on the host (the actor moves to the root
# cgroups first): each sees exactly its rule's alert, each near miss (an
# allowed program or path) sees none.
. "$(dirname "$0")/lib.sh"

LOG=/var/log/rulec-e2e-std.log
E=/etc/rulec-e2e-std
stdlib_test c4 /usr/local/bin/rulec-e2e-std /usr/local/sbin/rulec-e2e-std \
    /usr/local/lib/rulec-e2e-std.so /usr/local/lib/rulec-e2e-std2.so /boot/rulec-e2e-std \
    /boot/rulec-e2e-std2 /root/rulec-e2e-std /root/.cache/rulec-e2e-std "$E" "$E.2" "$LOG" "$LOG.1"
mkdir -p "$WORK/.ssh" "$WORK/.aws" "$WORK/home" /root/.cache
touch "$WORK/.ssh/id_rsa" "$WORK/.aws/credentials" "$WORK/home/.bash_history" "$WORK/plain" \
    "$WORK/suid" "$LOG"
compile stdlib-rules/*.yaml tests/e2e/rules/e2e_marker.yaml
start_rulec

R="Sensitive file read by untrusted program"
step "shadow read" "$R" h open /etc/shadow r
S_SHADOW=$STEP_N
step "near miss: sudo reads shadow" "" h -n sudo open /etc/shadow r
step "near miss: passwd read" "" h open /etc/passwd r
step "SSH key read" "SSH private key read by untrusted program" h open "$WORK/.ssh/id_rsa" r
step "near miss: ssh-add reads the key" "" h -n ssh-add open "$WORK/.ssh/id_rsa" r
step "cloud credentials read" "Cloud credentials read by untrusted program" \
    h open "$WORK/.aws/credentials" r
step "near miss: aws reads its credentials" "" h -n aws open "$WORK/.aws/credentials" r
step "write below /etc" "Write below etc" h open "$E" c
S_ETC=$STEP_N
step "near miss: dpkg writes below /etc" "" h -n dpkg open "$E.2" c
step "write below a binary directory" "Write below binary directory" \
    h open /usr/local/bin/rulec-e2e-std c
step "near miss: dpkg writes below a binary directory" "" \
    h -n dpkg open /usr/local/sbin/rulec-e2e-std c
step "write below a library directory" "Write below library directory" \
    h open /usr/local/lib/rulec-e2e-std.so c
step "near miss: ldconfig writes below a library directory" "" \
    h -n ldconfig open /usr/local/lib/rulec-e2e-std2.so c
step "write below /boot" "Write below boot" h open /boot/rulec-e2e-std c
step "near miss: mkinitramfs writes below /boot" "" \
    h -n mkinitramfs open /boot/rulec-e2e-std2 c
step "write below /root" "Write below root home" h open /root/rulec-e2e-std c
step "near miss: write below /root/.cache" "" h open /root/.cache/rulec-e2e-std c
step "log truncated with ftruncate" "Log file truncated" h ftruncate "$LOG"
S_FTRUNC=$STEP_N
step "near miss: logrotate truncates a log" "" h -n logrotate ftruncate "$LOG"
step "near miss: log opened for appending" "" h open "$LOG" w
step "log truncated with O_TRUNC (evt.arg.flags)" "Log file truncated" h truncate "$LOG"
step "near miss: logrotate truncates with O_TRUNC" "" h -n logrotate truncate "$LOG"
step "log renamed (evt.arg)" "Log file removed or renamed" h rename "$LOG" "$LOG.1"
step "near miss: logrotate renames a log" "" h -n logrotate rename "$LOG.1" "$LOG"
step "log removed (evt.arg)" "Log file removed or renamed" h unlink "$LOG"
touch "$LOG"
step "near miss: logrotate removes a log" "" h -n logrotate unlink "$LOG"
H="Shell history tampered"
step "history truncated with ftruncate" "$H" h ftruncate "$WORK/home/.bash_history"
step "near miss: history appended to" "" h open "$WORK/home/.bash_history" w
step "history removed (evt.arg)" "$H" h unlink "$WORK/home/.bash_history"
step "history replaced by a symlink (evt.arg)" "$H" h symlink /dev/null "$WORK/home/.bash_history"
step "symlink over shadow (evt.arg)" "Symlink created over a sensitive file" \
    h symlink /etc/shadow "$WORK/sl"
step "near miss: symlink to /etc/hostname" "" h symlink /etc/hostname "$WORK/sl2"
step "hard link to shadow (evt.arg)" "Hard link created to a sensitive file" \
    h link /etc/shadow "$WORK/hl"
rm -f "$WORK/hl"
step "near miss: hard link to a plain file" "" h link "$WORK/plain" "$WORK/hl2"
step "authorized_keys written" "SSH authorized_keys modified" h open "$WORK/.ssh/authorized_keys" c
step "near miss: cloud-init writes authorized_keys" "" \
    h -n cloud-init open "$WORK/.ssh/authorized_keys" c
step "shell startup file written" "Shell startup file modified" h open "$WORK/home/.bashrc" c
step "near miss: useradd writes .bashrc" "" h -n useradd open "$WORK/home/.bashrc" c
step "setuid bit set (evt.arg.mode)" "Setuid or setgid bit set" h chmod "$WORK/suid" 4755
step "near miss: plain chmod" "" h chmod "$WORK/suid" 755
step "near miss: dpkg sets a setuid bit" "" h -n dpkg chmod "$WORK/suid" 4755

stop_rulec
check_steps
step_expect "$S_SHADOW" '.output_fields["fd.name"] == "/etc/shadow" and .output_fields["proc.name"] == "rulec-actor" and .output_fields["container.id"] == "host" and .priority == "Error"' \
    "shadow alert carries file, process, container id and priority"
step_expect "$S_ETC" ".output_fields[\"fd.name\"] == \"$E\" and .output_fields[\"proc.cmdline\"] == \"rulec-actor open $E c\"" \
    "/etc alert carries file and command line"
step_expect "$S_FTRUNC" ".output_fields[\"fd.name\"] == \"$LOG\" and .output_fields[\"evt.type\"] == \"ftruncate\"" \
    "log truncation alert names the file and syscall"
finish
