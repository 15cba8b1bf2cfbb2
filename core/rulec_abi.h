/* The record ABI between the kernel programs and the runtime. Included by
 * generated BPF C (embedded in rulec) and by the runtime (runtime/), so it
 * uses only fixed-width kernel types. Changing it bumps
 * POLICY_FORMAT_VERSION in core/policy.h. */
#ifndef RULEC_ABI_H
#define RULEC_ABI_H

#ifndef __KERNEL_TYPES_DEFINED
#ifndef __bpf__
#include <linux/types.h>
#endif
#endif

/* Slot status: what the runtime may assume about a captured value. */
enum rulec_slot_status {
    RULEC_SLOT_ABSENT = 0,    /* not captured (the runtime computes it or prints <NA>) */
    RULEC_SLOT_OK = 1,        /* value complete */
    RULEC_SLOT_TRUNCATED = 2, /* value longer than the slot: data holds a prefix */
    RULEC_SLOT_NONE = 3,      /* the event has no such value (Falco's <NA>) */
    RULEC_SLOT_ERROR = 4,     /* the kernel read failed */
};

/* Every captured value: a status, a length and the bytes, zero-padded so
 * the data doubles as a hash-map key (numbers are stored as 8 bytes in
 * host order). The slot's data size is fixed per field
 * in the policy's metadata. */
struct rulec_slot_hdr {
    __u16 len;
    __u8 status;
    __u8 hashed; /* the kernel's: hash holds rulec_key_hash of the data (reset at each fill) */
    __u32 hash;  /* data stays 8-byte aligned for word compares */
};

/* The hash of a string key: its zero-padded bytes a word at a time, up to len. Sets of long
 * strings (paths, command lines) are looked up by it first, in a map keyed by the hash, so that
 * a miss costs hashing the value once instead of hashing all 256 bytes of a key per set (the
 * kernel's jhash over the whole key); a hit is confirmed in the map of the strings themselves.
 * Shared by the kernel side (generated C) and the runtime, which fills the maps. */
#define RULEC_KEY_HASH_WORDS 32 /* 256-byte keys: the longest slot */

#ifdef __bpf__
#define RULEC_ABI_INLINE static __always_inline
#else
#define RULEC_ABI_INLINE static inline
#endif

RULEC_ABI_INLINE __u32 rulec_key_hash(const __u64 *words, __u32 len)
{
    __u64 h = 0x9e3779b97f4a7c15ULL ^ len;
    for (__u32 i = 0; i < RULEC_KEY_HASH_WORDS; i++) {
        if (i * 8 >= len)
            break;
        h = (h ^ words[i]) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    return (__u32)h;
}

/* An address slot's data (fd.sip, fd.cip, fd.lip, fd.rip): the family (4 or 6) in byte 0, the
 * address in network order from byte 8 (IPv4 in its first 4 bytes), zeros elsewhere. The kernel
 * compares it with constants; the runtime prints it. */
#define RULEC_IP_SLOT 32
#define RULEC_IP_ADDR 8 /* offset of the address in the slot data */

/* The names fd.sip.name and its kin compare with, resolved by the runtime (runtime/dns.c): a
 * hash map from an address to the names it resolves to, bit i for the metadata's dns_names[i]. */
#define RULEC_DNS_MAP "rulec_dns"
#define RULEC_DNS_MAX_NAMES 64
#define RULEC_DNS_ENTRIES 4096
struct rulec_dns_key {
    __u8 family; /* 4 or 6 */
    __u8 pad[7];
    __u8 addr[16]; /* network order; IPv4 in the first 4 bytes */
};

#define RULEC_HDR_IDS 1u

/* An evt.arg.NAME "register" past the six: the value is in the syscall's memory, and the kernel
 * reads it into the argument's slot (core/sysargs.def). 6 is openat2's flags, in struct open_how.
 */
#define RULEC_ARG_OPEN_HOW_FLAGS 6
/* 7 is the executable's flags of execve and execveat (Falco's PPM_EXE_*: writable, overlayfs
 * upper or lower layer, memfd), which the kernel computes. */
#define RULEC_ARG_EXE_FLAGS 7

/* The deepest proc.aname[N] and proc.apid[N] the kernel reads; proc.aname[N + 1] is absent for a
 * process with no more ancestors and "maybe" for a deeper one (compiler/lower.c expands
 * proc.aname without an index into them). */
#define RULEC_MAX_ANCESTORS 16

#define RULEC_MAX_SLOTS 128
#define RULEC_HAVE_WORDS (RULEC_MAX_SLOTS / 64)

/* The head of each ring-buffer record. Two masks follow, each mask_words
 * __u64 words with bit i for rule i in metadata order: the candidates, and
 * among them those the kernel could not decide exactly ("maybe": the
 * runtime evaluates their residual). Then the field slots at the offsets
 * the metadata gives. */
struct rulec_record_hdr {
    __u32 size;   /* whole record, bytes */
    __u32 evt_id; /* syscall number, or RULEC_EVT_* for non-syscall events */
    __u64 ts_boot_ns;
    __s64 ret;
    __u32 pid; /* tgid */
    __u32 tid;
    __u32 ppid;
    __u32 uid;
    __u32 gid;
    __u32 loginuid;
    __u32 flags;   /* RULEC_HDR_IDS: ppid, uid, gid and loginuid are filled */
    __u32 cpu;     /* evt.cpu: the CPU the record was sent from */
    __u64 args[6]; /* the syscall's arguments, as passed */
    /* Slot i holds a value of this event when bit i is set; slots are
     * filled lazily, and this mask is all that is reset per event. */
    __u64 have[RULEC_HAVE_WORDS];
};

#define RULEC_EVT_PROCEXIT 100000u

/* The per-process container.id cache (compiler/bpf/rulec_cache.h), a hash map keyed by tgid,
 * in policies that read container.id. The kernel fills it at exec and fork; the runtime seeds it
 * from /proc for the processes already running and on each miss. */
#define RULEC_CID_CACHE_MAP "rulec_cid_cache"
#define RULEC_CID_CACHE_DEFAULT 16384   /* entries; the runtime raises it on a busy node */
#define RULEC_CID_LEN 16                /* container.id's 12 characters (or "host") and the NUL */
#define RULEC_CID_NSUBSYS 5             /* cpuset, cpu, cpuacct, io, memory: Falco's order */
#define RULEC_CID_TRUNCATED (1 << 24)   /* status flag: id holds a prefix of a longer id */
#define RULEC_CLOCK_TICK_NS 10000000ULL /* USER_HZ 100: /proc/PID/stat's time unit */

struct rulec_cid_entry {
    /* >= 0: the id's length (RULEC_CID_TRUNCATED ORed in when longer than the buffer);
     * < 0: the kernel could not decide it (an extractor status): "maybe". */
    __s32 status;
    __u32 pad;
    /* The process's start time, clock ticks since boot (/proc/PID/stat's starttime): an entry
     * whose start is not the current process's belongs to an earlier user of the tgid. */
    __u64 start;
    /* The cgroup ids (cgroup directory inode numbers) the id was computed from, one per
     * subsystem, 0 when there is none: a child in the same cgroups inherits the entry. */
    __u64 cgroups[RULEC_CID_NSUBSYS];
    char id[RULEC_CID_LEN]; /* NUL-terminated */
};

/* The per-process cache of what Falco's thread table keeps from a process's exec (and a fork's
 * copy of its parent's): name, argument area, executable path and parent (compiler/bpf/
 * rulec_pcache.h), an LRU hash keyed by tgid in every policy with syscall rules. Entries outlive
 * their process until the LRU evicts them, so an alert on a short-lived process's child can
 * still print its parent's proc.pcmdline after that parent is gone (runtime/proc_cache.h). */
#define RULEC_PROC_CACHE_MAP "rulec_proc_cache"
#define RULEC_PROC_CACHE_DEFAULT 16384 /* entries; the runtime raises it on a busy node */
#define RULEC_PROC_ARGS_LEN 1024       /* the argument area kept (a power of two) */
#define RULEC_PROC_PATH_LEN 256        /* the executable's path kept (RULEC_PATH_MAX) */
#define RULEC_PROC_EXEPATH_OK 1u       /* flags: exepath holds the whole path */

struct rulec_proc_entry {
    __u64 start; /* clock ticks since boot, as rulec_cid_entry's */
    __u32 ppid;  /* the parent's tgid at the exec or fork */
    __u32 flags; /* RULEC_PROC_* */
    /* bytes of args used: argv NUL-separated, as /proc/PID/cmdline (a longer area keeps its
     * first RULEC_PROC_ARGS_LEN bytes) */
    __u32 args_len;
    __u32 pad;
    char comm[16];                     /* NUL-terminated */
    char exepath[RULEC_PROC_PATH_LEN]; /* NUL-terminated when RULEC_PROC_EXEPATH_OK */
    char args[RULEC_PROC_ARGS_LEN];
};

/* Per-CPU counters, indices into the counters array map. */
enum rulec_counter {
    RULEC_CNT_EVENTS = 0, /* hook invocations that evaluated rules */
    RULEC_CNT_CANDIDATES, /* records submitted (to either ring buffer) */
    RULEC_CNT_LOST,       /* records that no ring buffer took: their matches are counted below */
    RULEC_CNT_RESERVED,   /* of the candidates, records of Critical+ rules in the reserve ring */
    RULEC_CNT_MAX,
};

/* Matches that no ring buffer could take are still counted in the kernel, so that the runtime
 * can say which rule matched how often, and for whom, when it could not report each match
 * (compiler/bpf/rulec_prog.h). "maybe": candidates the kernel could not decide, whose residual
 * the runtime never evaluated: possible matches, not matches. */
#define RULEC_MISSED_MAP "rulec_missed"             /* per-CPU array, one entry per rule */
#define RULEC_MISSED_PROCS_MAP "rulec_missed_procs" /* LRU hash by (rule, tgid) */
#define RULEC_MISSED_PROCS 4096                     /* entries of the LRU map */
#define RULEC_RESERVE_MAP "rulec_events_hi"         /* the ring buffer of Critical and above */
#define RULEC_COMM_LEN 16

struct rulec_missed_count {
    __u64 definite;
    __u64 maybe;
};

struct rulec_missed_key {
    __u32 rule;
    __u32 tgid;
};

struct rulec_missed_proc {
    __u64 definite;
    __u64 maybe;
    char comm[RULEC_COMM_LEN]; /* the thread's name when the entry was made */
};

#endif
