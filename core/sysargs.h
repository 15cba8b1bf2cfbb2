/* Syscall arguments as Falco's evt.arg.NAME and evt.rawarg.NAME: which
 * register holds each, and Falco's text for it (sysargs.def). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ast.h"

enum sysarg_kind {
    SA_STR, /* a string in user memory: only the kernel can read it */
    SA_INT,
    SA_UINT,
    SA_FD,
    SA_OPEN_FLAGS,
    SA_MODE,
    SA_PTRACE,
    SA_SOCKFAM,
    SA_CLONE,
    SA_CAPS,      /* a capability set (thread.cap_*): Falco's names joined by spaces */
    SA_EXE_FLAGS, /* execve's executable flags: EXE_WRITABLE|EXE_UPPER_LAYER|... */
};

/* Room for the text of any capability set. */
#define SYSARG_CAPS_TEXT 1024

struct sysarg {
    const char *syscall;
    const char *param;
    int index; /* the argument register, 0 to 5; past that, in memory (core/rulec_abi.h) */
    enum sysarg_kind kind;
};

size_t sysarg_count(void);
const struct sysarg *sysarg_at(size_t i);

/* PARAM of the syscall named SYSCALL, or NULL when it has none. */
const struct sysarg *sysarg_find(const char *syscall, const char *param);

/* Whether every syscall with an argument PARAM passes it as a string. */
bool sysarg_param_is_string(const char *param);

/* Falco's text for a register value of a non-string argument, in buf. */
const char *sysarg_render(const struct sysarg *a, uint64_t raw, char *buf, size_t len);
/* The same for a value of kind K ("S_IRUSR|S_ISUID" for a mode, "0" for none). */
const char *sysarg_render_kind(enum sysarg_kind kind, uint64_t raw, char *buf, size_t len);

/* The name libsinsp gives a syscall's negative return value (sinsp_utils::errno_to_str:
 * "ENOENT", and the kernel's own restart codes, "ERESTARTSYS"); NULL when it has none. */
const char *sysarg_errno_name(int64_t ret);

/* Whether no syscall passes PARAM as a string: its value is the register. */
bool sysarg_param_is_numeric(const char *param);

/* A test on an argument register: it holds when (v & mask) == bits. */
struct sysarg_term {
    uint64_t mask, bits;
};

/* The register values for which `evt.arg.NAME OP C` holds, for an argument of kind K, as
 * terms (the test is their disjunction): OP is =, contains, startswith or endswith (`in` is
 * = on each constant, `!=` the negation of =). Returns the number of terms (0: never), or -1
 * when the register cannot decide it (a flag combination compared whole, a constant a
 * number's digits could match). At most max terms; -1 beyond. Derived from the same tables
 * sysarg_render prints with, so the kernel and the runtime agree. */
int sysarg_terms(enum sysarg_kind kind, enum ast_op op, const char *c, size_t len,
                 struct sysarg_term *terms, size_t max);

/* A register value of kind K worth testing (one of its names, or a combination of two), for
 * the differential test; r picks which. */
uint64_t sysarg_example(enum sysarg_kind kind, unsigned r);
