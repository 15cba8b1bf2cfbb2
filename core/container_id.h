/* container.id as Falco computes it (the container plugin's engines on the cgroup paths libs'
 * modern probe reports), in userspace: the runtime's answer when the kernel could not decide
 * (compiler/bpf/rulec_cache.h sends those events up as "maybe") and what it seeds the kernel's
 * per-process cache with; also the oracle of the kernel test (tests/kernel/).
 *
 * Falco reads the paths of the cgroup subsystems cpuset, cpu, cpuacct, io and memory, in that
 * order, each trimmed to "/" and its 6 deepest components, and tries on each the engines
 * podman, docker, cri, containerd, lxc, libvirt_lxc and bpm; the first match gives the id, no
 * match at all gives "host". The runc-style engines (podman, docker, cri, containerd) report
 * at most 12 characters; lxc, libvirt_lxc and bpm report the whole name. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CID_NSUBSYS 5
#define CID_PATH_MAX 4096
#define CID_ID_MAX 256 /* ids longer than this are truncated */

/* "cpuset", "cpu", "cpuacct", "io", "memory": Falco's order. */
extern const char *const cid_subsys_names[CID_NSUBSYS];

/* Falco's engines on one cgroup path. Returns true on a match, with the id in id (at most
 * idlen - 1 bytes, NUL-terminated). If kernel_maybe is not NULL it is set when the kernel's
 * matcher (rulec_task_container_id) reports this path as undecided rather than deciding it
 * (lxc, libvirt_lxc and bpm paths, a containerd namespace that occurs twice, a path of 255
 * bytes or more), whether or not Falco matches it. */
bool cid_match(const char *cgroup, char *id, size_t idlen, bool *kernel_maybe);

/* Keeps "/" and the 6 deepest components, as libs' modern probe reports a path. */
void cid_trim(char *path);

/* Lookup state: the cgroup mounts (read once) and a memo of cgroup directories (controllers
 * and inode numbers) that cid_ctx_forget() clears; keep it for a burst of lookups only, the
 * cgroup tree changes. */
struct cid_ctx;
struct cid_ctx *cid_ctx_new(void);
void cid_ctx_forget(struct cid_ctx *ctx);
void cid_ctx_free(struct cid_ctx **ctx);

/* One process's cgroups as Falco sees them. */
struct cid_cgroups {
    bool has[CID_NSUBSYS];
    char path[CID_NSUBSYS][CID_PATH_MAX]; /* trimmed */
    /* The cgroup ids (their directories' inode numbers, what the kernel's kernfs_node id is),
     * 0 when unknown. */
    uint64_t id[CID_NSUBSYS];
};

/* Reads the cgroups of the process whose /proc directory is open as procfd. -1 if it is gone. */
int cid_read_cgroups(struct cid_ctx *ctx, int procfd, struct cid_cgroups *out);

/* container.id from a process's cgroups: Falco's value, "host" when no engine matches. */
void cid_from_cgroups(const struct cid_cgroups *cg, char *id, size_t idlen, bool *kernel_maybe);

/* Everything the runtime needs of one process, read through one /proc/PID directory fd so that
 * it all belongs to one process. */
struct cid_process {
    char id[CID_ID_MAX];
    bool kernel_maybe;
    uint64_t start;                /* /proc/PID/stat's starttime: clock ticks since boot */
    uint64_t cgroups[CID_NSUBSYS]; /* as struct cid_cgroups' id */
};

/* Reads /proc/PID (proc_root: "/proc"); -1 when the process is gone or unreadable. */
int cid_read_process(struct cid_ctx *ctx, const char *proc_root, int pid, struct cid_process *out);
