/* Syscall arguments as Falco's evt.arg.NAME and evt.rawarg.NAME: which
 * register holds each, and Falco's text for it (sysargs.def). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

struct sysarg {
    const char *syscall;
    const char *param;
    int index; /* the argument register, 0 to 5 */
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
