/* Code generation: the lowered, split rules to BPF C and the policy
 * metadata. One program per group of syscalls that share the same
 * candidate rules, tail-called from one sys_exit dispatcher; each rule is
 * a three-valued function (RULEC_NO, RULEC_YES, RULEC_MAYBE: compiler/bpf/
 * rulec_tri.h) over lazily filled field slots; candidates go up in one
 * ring-buffer record. codegen_atoms.c prints the comparisons, codegen_rules.c
 * the rules. */
#pragma once

#include "compiler/ruleset.h"
#include <stdbool.h>

#include "core/diag.h"

/* The generated C is compiled as separate units, in parallel, and linked:
 * unit 0 holds the maps, slot fillers and programs, unit 1 the rules. */
#define CODEGEN_UNITS 2

struct codegen_result {
    char *c_source;                   /* malloc'd: all units as one file (--emit c) */
    char *unit_source[CODEGEN_UNITS]; /* malloc'd: what is compiled */
    char *meta_json;                  /* malloc'd */
    size_t nrules;                    /* rules compiled into the kernel */
    size_t naudit_rules;              /* k8s_audit rules, in the metadata only */
    size_t nhooks;                    /* syscalls hooked */
};

struct codegen_options {
    const char *sources_digest; /* hex SHA-256 of the rules files, for the metadata */
    /* Time every slot fill, rule function, program and the capture step into a per-CPU map
     * (`rulec compile --profile`; `rulec run` prints the table). */
    bool profile;
};

/* Plans the split ruleset (front_run) and prints it. Returns 0, or -1 on error. */
int codegen_policy(struct ruleset *rs, const struct codegen_options *opts,
                   struct codegen_result *out, struct diag_list *diags);
void codegen_result_free(struct codegen_result *res);
