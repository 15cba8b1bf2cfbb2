/* rulec_kernel.h - every kernel-side field extractor, for code that wants them all at once
 * (tests/kernel). Generated policies include what they use: rulec_fields.h (the slot fillers)
 * includes the extractors it wraps, rulec_cache.h the container.id matcher.
 *
 * Index (Falco field: header, function):
 *   evt.type number, arguments  rulec_args.h    rulec_regs_nr, rulec_regs_arg (_ia32 for ia32)
 *   evt.arg.NAME strings        rulec_args.h    rulec_user_str
 *   connect/bind/sendto address rulec_args.h    rulec_read_sockaddr
 *   proc.name                   rulec_task.h    rulec_task_comm
 *   proc.ppid, proc.apid[n]     rulec_task.h    rulec_task_ppid, rulec_task_apid
 *   proc.pname, proc.aname[n]   rulec_task.h    rulec_task_pname, rulec_task_aname
 *   user.uid, group.gid         rulec_task.h    rulec_task_euid, rulec_task_egid
 *   user.loginuid, proc.tty     rulec_task.h    rulec_task_loginuid, rulec_task_tty
 *   proc.vpid                   rulec_task.h    rulec_task_vpid
 *   proc.exe                    rulec_proc.h    rulec_proc_exe
 *   proc.args, proc.cmdline     rulec_proc.h    rulec_proc_args, rulec_proc_cmdline
 *   proc.exepath, proc.cwd      rulec_paths.h   rulec_proc_exepath, rulec_proc_cwd
 *   fd.name of an open fd       rulec_fd.h      rulec_fd_path (rulec_paths.h's rulec_path_str)
 *   fd.typechar                 rulec_fd.h      rulec_file_typechar (rulec_open_typechar: opens)
 *   fd.l4proto, endpoints       rulec_sock.h    rulec_fd_sockinfo, rulec_file_sockinfo
 *   fd.sip/cip/sport/cport/lport/rport
 *                               rulec_sock.h    rulec_sock_falco_tuple
 *   open family arguments       rulec_open.h    rulec_open_args
 *   fd.name of an open          rulec_open.h    rulec_open_fd_name (joined, normalised)
 *   evt.is_open_read/write/exec/create
 *                               rulec_open.h    rulec_open_is_read/_write/_exec/_create
 *   container.id                rulec_cgroup.h  rulec_task_cgroups, rulec_cgroup_container_id
 * Each header says what its extractors cost the verifier; rulec_base.h has the conventions they
 * share (statuses, buffers, loops). rulec_words.h holds the word-at-a-time string tests the
 * generated atoms and the fd.name filler run. */
#pragma once

#include "rulec_base.h"

#include "rulec_args.h"
#include "rulec_cgroup.h"
#include "rulec_fd.h"
#include "rulec_open.h"
#include "rulec_paths.h"
#include "rulec_proc.h"
#include "rulec_sock.h"
#include "rulec_task.h"
#include "rulec_words.h"
