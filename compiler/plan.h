/* The plan: everything code generation needs to know before it prints a
 * line of C, decided from the split rules.
 *
 *   rules   the compiled rules, in rule order (bit i of the record masks)
 *   slots   the fields the kernel reads, each a fixed place in the per-CPU
 *           event (conditions' fields first, then outputs'), and per rule
 *           the slots the capture step fills when it is a candidate
 *   groups  the programs: hooked syscalls grouped by the exact set of rules
 *           they run (a group whose rules are a subset of another's merged
 *           into it)
 *   atoms   the distinct comparisons the kernel decides, in the order the
 *           rules first use them, with their kind, slot, set maps, register
 *           tests and whether they are memoised (used more than once)
 *   sets    the hash and LPM maps of `in`, `startswith` and `pmatch` lists
 *
 * codegen prints C from it and meta builds the policy metadata from it;
 * neither decides anything the plan has not. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/kfields.h"
#include "compiler/ruleset.h"
#include "compiler/split.h"
#include "core/ast.h"

struct plan_slot {
    const struct field_def *def;
    const char *arg;
    const struct kfield *kf;
    uint32_t offset; /* in struct rulec_event and in the record */
    bool hashed;     /* some set is looked up by its hash: rulec_slot<N>_hash() */
};

/* The padding after the last slot of an event when contains is used (RULEC_NEEDLE_SLACK). */
#define PLAN_NEEDLE_SLACK 64
/* Slots longer than this are laid out after all the others (record tail). */
#define PLAN_TAIL_SLOT 256

/* A `contains` / `icontains` constant, in the policy's read-only needle table. */
struct plan_needle {
    const char *text; /* lowered for icontains */
    size_t len;
    bool fold;
};

enum plan_set_kind {
    PLAN_SET_STR,    /* hash map of zero-padded strings */
    PLAN_SET_PREFIX, /* LPM trie of prefixes */
    PLAN_SET_HASH,   /* hash map of rulec_key_hash values: the first test for long strings */
};

/* String sets on slots longer than this are looked up by hash first (core/rulec_abi.h). */
#define PLAN_HASHED_KEY_MIN 32

struct plan_set {
    enum plan_set_kind kind;
    uint32_t key_size;
    const char **values;
    size_t nvalues;
};

enum plan_atom_kind {
    PLAN_ATOM_EVTTYPE, /* evt.type against the syscall number */
    PLAN_ATOM_EVTRES,  /* evt.res as a test on the return value */
    PLAN_ATOM_NUM,     /* a number in a slot or the record header */
    PLAN_ATOM_STR,     /* a string slot against constants or a set */
    PLAN_ATOM_SYSARG,  /* evt.arg.NAME of a flag or number argument: register bit tests */
    PLAN_ATOM_CAPS,    /* thread.cap_* contains a capability: bit tests on the slot's mask */
    PLAN_ATOM_IP,      /* an address slot against addresses and networks */
    PLAN_ATOM_DNS,     /* an address slot's names (rulec_dns) against names */
    PLAN_ATOM_MAYBE,   /* the kernel cannot decide it after all (no slot left) */
};

#define PLAN_NO_SET ((size_t)-1)

struct plan_atom {
    const struct ast_node *cmp;
    const char *key; /* canonical text (ast_to_string) */
    enum plan_atom_kind kind;
    size_t uses; /* references from rule functions and program gates */
    bool gate;   /* some program decides it before calling rules: unit 0 has it too */
    long memo;   /* memo bit in the event, or -1 */
    const struct plan_slot *slot;  /* NULL for header fields, evt.type, evt.res */
    const struct plan_slot *slot2; /* either-end fields (fd.ip, fd.port): the server's end */
    /* PLAN_ATOM_STR: the constants the slot can hold (split_value_fits), and
     * the set maps deciding `in` (set), startswith lists (set) and pmatch
     * (set: the exact values, below: the prefixes below them). */
    struct ast_rhs fit;
    size_t set, below;
    size_t hset;    /* PLAN_SET_HASH of `set`'s strings, or PLAN_NO_SET */
    size_t argtest; /* PLAN_ATOM_SYSARG: rulec_argtest<N> */
    size_t needle;  /* OP_CONTAINS, OP_ICONTAINS: its entry in the needle table */
    size_t *dns;    /* PLAN_ATOM_DNS: each constant's index in the plan's dns_names */
    /* OP_GLOB: the pattern's pieces, the middle ones in the needle table. */
    struct split_glob glob;
    size_t glob_needles[SPLIT_GLOB_PIECES];
};

struct plan_rule {
    struct rs_rule *rule;
    /* The lowered condition with the operands of AND and OR in the order the kernel tests
     * them (order.c): what the rule functions evaluate. */
    const struct ast_node *expr;
    struct ptr_vec slots; /* const struct plan_slot *: what the capture fills */
};

/* A gate of a program: a cheap atom that many of its rules test at their top level (a conjunct
 * of the rule's AND). The program decides it once and does not call the rules it rules out:
 * those with the atom as a conjunct when it is no, those with its negation when it is yes. The
 * cost of an event then grows with the rules that survive its gates, not with the group. */
struct plan_gate {
    const struct plan_atom *atom;
    uint64_t *kill_no;  /* rules with the atom as a conjunct */
    uint64_t *kill_yes; /* rules with `not atom` as a conjunct */
};

/* Atoms cheaper than this (ns, order.c's estimate) gate programs. */
#define PLAN_GATE_MAX_COST 25

struct plan_group {
    uint64_t *rules;       /* bitmask over plan rules */
    struct ptr_vec events; /* const struct evttype * */
    struct plan_gate *gates;
    size_t ngates;
    size_t ngated_atoms; /* distinct atoms among the gates */
};

struct plan {
    struct arena *arena;
    struct plan_rule *rules;
    size_t nrules;
    /* k8s_audit rules: no kernel part; in the metadata after the kernel's rules, so that a
     * kernel rule's index is its bit in the record's masks. */
    struct ptr_vec audit_rules; /* struct rs_rule * */
    struct plan_slot *slots;
    size_t nslots;
    struct plan_set *sets;
    size_t nsets;
    struct plan_atom *atoms;
    size_t natoms;
    struct plan_group *groups;
    size_t ngroups;
    struct plan_needle *needles;
    size_t nneedles;
    /* The names fd.sip.name and its kin compare with: resolved by the runtime, bit i of the
     * rulec_dns map's values is dns_names[i]. */
    struct ptr_vec dns_names;
    size_t nmemo;      /* memoised atoms: the bits of atom_have */
    size_t nargtests;  /* register test functions */
    bool cid_cache;    /* container.id is read: the per-process cache programs attach */
    bool proc_cache;   /* syscall rules: the exec/fork programs of rulec_pcache.h attach */
    size_t mask_words; /* __u64 words of the candidate masks */
    size_t atom_words; /* __u64 words of the memo masks */
    uint32_t record_size;
    /* Where the slots longer than PLAN_TAIL_SLOT begin (0: there are none): a record that holds
     * none of them is sent that long. */
    uint32_t tail_offset;
    bool profile; /* a profiling build: see plan_profile_index */
};

/* A profiling build's map entries: the slots, then one per rule (its functions together), then
 * one per program, then the capture step. */
size_t plan_profile_rule(const struct plan *p, size_t rule);
size_t plan_profile_group(const struct plan *p, size_t group);
size_t plan_profile_capture(const struct plan *p);
size_t plan_profile_entries(const struct plan *p);

/* Plans the compiled rules (rule->split.compiled) of a front-end-checked
 * ruleset. Everything lives in rs->arena or in the plan; plan_free releases
 * the plan's own arrays. */
int plan_policy(struct ruleset *rs, struct plan *out);
void plan_free(struct plan *p);

bool plan_group_has_rule(const struct plan_group *grp, size_t rule);
/* Priority Critical or above: the rule's records go to the reserve ring buffer first. */
bool plan_rule_reserved(const struct plan_rule *r);
/* How many programs run rule i: one function per program when several,
 * specialised to that program's syscalls. */
size_t plan_rule_ngroups(const struct plan *p, size_t rule);
/* The atom a comparison of a rule's lowered condition became, or NULL when
 * the kernel does not decide it (maybe) or, inside group `events`, it is an
 * evt.type test that folds to a constant (*folded set to 0 or 1). */
const struct plan_atom *plan_atom_for(const struct plan *p, const struct ast_node *cmp,
                                      const struct ptr_vec *events, int *folded);
size_t plan_slot_index(const struct plan *p, const struct plan_slot *s);
/* fd.directory and fd.filename: the slots they are computed from. */
const struct plan_slot *plan_fd_name_slot(const struct plan *p);
const struct plan_slot *plan_fd_typechar_slot(const struct plan *p);
/* fd.nameraw's slot, or NULL: fd.name starts from it when both are read. */
const struct plan_slot *plan_fd_nameraw_slot(const struct plan *p);
