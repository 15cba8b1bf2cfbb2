/* The policy object's metadata: everything the runtime needs besides the
 * programs and maps, carried in the ELF section POLICY_META_SECTION as JSON
 * (readable with `rulec inspect` or objdump, versioned, and parsed with a
 * real JSON library). The compiler writes it; the runtime reads it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* 2: records of Critical and above go to a second ring buffer first, and matches no ring buffer
 * took are counted in maps (core/rulec_abi.h): a runtime that does not read them would miss
 * those alerts without a trace, so it must refuse the policy. */
#define POLICY_FORMAT_VERSION 2
#define POLICY_META_SECTION ".rulec.meta"

/* A captured field's slot in the record (see compiler/bpf/rulec_abi.h). */
struct policy_slot {
    const char *field; /* catalogue name, e.g. "proc.aname" */
    const char *arg;   /* "2", or NULL */
    uint32_t offset;   /* of the slot header from the record start */
    uint32_t size;     /* data bytes after the slot header */
};

struct policy_rule {
    const char *name;
    const char *desc;
    const char *source;
    const char *priority; /* Falco's full name: "Warning" */
    const char **tags;
    size_t ntags;
    const char *output;
    const char *condition; /* full condition, canonical text: the residual */
    const char *kernel;    /* the kernel predicate, canonical text (for inspect) */
    bool kernel_exact;     /* the kernel decides the whole condition */
    bool enabled;
    const char **hooks; /* event types the rule is attached through */
    size_t nhooks;
    const char **unavailable; /* fields of the rule rulec run has no value for (<NA>) */
    size_t nunavailable;
};

/* A set the kernel looks values up in: its map and the entries to load. */
struct policy_set {
    const char *map;  /* map name in the object */
    const char *kind; /* "str" (hash of zero-padded keys), "prefix" (LPM), "u64" */
    uint32_t key_size;
    const char **values; /* strings, or decimal numbers for u64 */
    size_t nvalues;
};

/* A hooked event: the runtime puts program into the dispatcher's table at
 * index nr (the syscall number), or attaches it directly (procexit). */
struct policy_hook {
    const char *event; /* "openat" */
    int32_t nr;        /* syscall number; -1 for non-syscall events */
    const char *program;
};

/* A program the runtime attaches by itself, besides the sys_exit dispatcher: the hooks that
 * keep per-process state (see compiler/bpf/rulec_cache.h), present only when a rule needs it. */
struct policy_program {
    const char *program; /* "rulec_cid_exec" */
    const char *attach;  /* its section, "tp_btf/sched_process_exec" */
};

struct policy_meta {
    uint32_t format_version;
    const char *compiler_version;
    const char *sources_digest; /* sha256 over the rules files, hex */
    uint32_t record_size;
    uint32_t mask_words;
    struct policy_slot *slots;
    size_t nslots;
    struct policy_rule *rules;
    size_t nrules;
    struct policy_set *sets;
    size_t nsets;
    struct policy_hook *hooks;
    size_t nhooks;
    struct policy_program *programs; /* optional in the JSON: none */
    size_t nprograms;
    const char *cid_cache;  /* the container.id cache map (RULEC_CID_CACHE_MAP), or NULL */
    const char *proc_cache; /* the process cache map (RULEC_PROC_CACHE_MAP), or NULL */
    /* The names fd.sip.name and its kin compare with (runtime/dns.c resolves them into the
     * RULEC_DNS_MAP map: bit i is dns_names[i]); absent means none. */
    const char **dns_names;
    size_t ndns_names;
    /* A profiling build (`rulec compile --profile`): what each entry of the per-CPU map
     * POLICY_PROFILE_MAP times ("slot fd.name", "rule 3 Terminal shell", "program rulec_g2 ..."),
     * by index; NULL/0 in a normal build. */
    const char **profile;
    size_t nprofile;
};

#define POLICY_PROFILE_MAP "rulec_profile"

/* The map key of a set's value: zero-padded ("str"), prefix length and bytes ("prefix"), or
 * the value's rulec_key_hash ("hash32"). key holds policy_set_key_size(s) bytes. Returns -1
 * when the value does not fit the key or the kind is unknown. */
size_t policy_set_key_size(const struct policy_set *s);
int policy_set_key(const struct policy_set *s, const char *value, unsigned char *key);

/* Serialises meta as JSON; returns a malloc'd string. */
char *policy_meta_to_json(const struct policy_meta *meta);
/* Parses metadata; on error returns -1 with a message in err. */
int policy_meta_from_json(struct arena *arena, const char *json, size_t len,
                          struct policy_meta *meta, char *err, size_t errlen);

enum policy_read_error {
    POLICY_OK = 0,
    POLICY_ERR_IO = -1,      /* cannot open or read */
    POLICY_ERR_CORRUPT = -2, /* not an ELF BPF object, or no/garbled metadata */
    POLICY_ERR_VERSION = -3, /* metadata of another format version */
};
/* A policy object's bytes, read once: the runtime verifies them (core/integrity.h), then parses
 * and loads these same bytes, so a file replaced after the check is never what runs. */
struct policy_image {
    const char *path; /* for messages */
    unsigned char *data;
    size_t size;
};
/* Reads a regular file whole. Returns POLICY_OK or POLICY_ERR_IO (message in err). */
enum policy_read_error policy_image_read(struct policy_image *img, const char *path, char *err,
                                         size_t errlen);
void policy_image_free(struct policy_image *img);
/* Reads the metadata section of a policy object in memory. */
enum policy_read_error policy_image_meta(const struct policy_image *img, struct arena *arena,
                                         struct policy_meta *meta, char *err, size_t errlen);
/* The same from a file. */
enum policy_read_error policy_read_meta(const char *path, struct arena *arena,
                                        struct policy_meta *meta, char *err, size_t errlen);
