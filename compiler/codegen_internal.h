/* Code generation's halves, shared by compiler/codegen.c (the prelude, slot fillers, programs
 * and capture), codegen_atoms.c (one function per comparison the kernel decides) and
 * codegen_rules.c (one three-valued function per rule and program). No other module includes
 * this. */
#pragma once

#include "compiler/plan.h"
#include "core/strbuf.h"

/* The rule function's name: rulec_rule<i>, or rulec_rule<i>_g<group> when
 * several programs run the rule (each its own, specialised to its syscalls). */
const char *cg_rule_fn(const struct plan *p, size_t rule, size_t group);

struct sysarg;
/* The syscall number of a core/sysargs.def entry naming PARAM, or -1 (another parameter, or a
 * syscall x86_64 does not have). */
int cg_sysarg_nr(const struct sysarg *a, const char *param);

/* A C string literal of n bytes (NUL bytes and other unprintables escaped). */
void cg_c_string(struct strbuf *sb, const char *s, size_t n);

/* A comment's text, kept well-formed whatever the rule text holds. */
void cg_comment(struct strbuf *c, const char *text);

/* The register tests (rulec_argtest<N>) and the atom functions, in atom order. */
void cg_atoms(const struct plan *p, struct strbuf *argtests, struct strbuf *out);
/* The atoms that gate programs, again for the programs' unit (static inline there too). */
void cg_gate_atoms(const struct plan *p, struct strbuf *out);
/* One function per rule and program that runs it. */
void cg_rules(const struct plan *p, struct strbuf *out);
