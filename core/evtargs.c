#include "core/evtargs.h"

#include <string.h>

#include "core/strbuf.h"

static const struct evtarg _args[] = {
#define EVTARG(syscall_, name_, type_, reg_, aux_) {syscall_, name_, type_, reg_, aux_},
#include "core/evtargs.def"
#undef EVTARG
};

#define _NARGS (sizeof(_args) / sizeof(_args[0]))

const struct evtarg *evtargs_of(const char *syscall, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < _NARGS; i++) {
        if (strcmp(_args[i].syscall, syscall) != 0)
            continue;
        while (i + *n < _NARGS && !strcmp(_args[i + *n].syscall, syscall))
            (*n)++;
        return &_args[i];
    }
    return NULL;
}

/* ---- flags, modes, signals ------------------------------------------------------------------ */

struct _name {
    const char *name;
    uint32_t value;
};

/* The driver's values (PPM_*), in the order of libs' tables: libsinsp prints the names in it. */
static const struct _name _dup3[] = {{"O_CLOEXEC", 1u << 12}, {"O_NONE", 0}, {NULL, 0}};
/* fchownat_flags names PPM_AT_SYMLINK_FOLLOW "AT_SYMLINK_NOFOLLOW", and the driver sets that bit
 * for AT_SYMLINK_FOLLOW (fchownat_flags_to_scap): both reproduced. */
static const struct _name _fchownat[] = {
    {"AT_SYMLINK_NOFOLLOW", 0x400}, {"AT_EMPTY_PATH", 0x1000}, {NULL, 0}};
static const struct _name _linkat[] = {
    {"AT_SYMLINK_FOLLOW", 0x400}, {"AT_EMPTY_PATH", 0x1000}, {NULL, 0}};
static const struct _name _renameat2[] = {
    {"RENAME_NOREPLACE", 1}, {"RENAME_EXCHANGE", 2}, {"RENAME_WHITEOUT", 4}, {NULL, 0}};
static const struct _name _unlinkat[] = {{"AT_REMOVEDIR", 0x200}, {NULL, 0}};
static const struct _name *_table(enum evtarg_table table)
{
    switch (table) {
    case EA_T_DUP3:
        return _dup3;
    case EA_T_FCHOWNAT:
        return _fchownat;
    case EA_T_LINKAT:
        return _linkat;
    case EA_T_RENAMEAT2:
        return _renameat2;
    case EA_T_UNLINKAT:
        return _unlinkat;
    case EA_T_NONE:
        break;
    }
    return NULL;
}

uint32_t evtargs_flags_value(enum evtarg_table table, uint64_t reg)
{
    switch (table) {
    case EA_T_DUP3: /* dup3_flags_to_scap */
        return reg & 02000000 ? 1u << 12 : 0;
    case EA_T_FCHOWNAT: /* fchownat_flags_to_scap and linkat_flags_to_scap */
    case EA_T_LINKAT:
        return (uint32_t)reg & (0x400 | 0x1000);
    case EA_T_UNLINKAT: /* unlinkat_flags_to_scap */
        return (uint32_t)reg & 0x200;
    case EA_T_RENAMEAT2: /* sent as passed */
        return (uint32_t)reg;
    case EA_T_NONE:
        break;
    }
    return 0;
}

void evtargs_flags_names(struct strbuf *out, enum evtarg_table table, uint32_t value)
{
    /* get_param_as_str's PT_FLAGS32: each entry whose bits are all among those not named yet
     * (a 0 entry only for 0), removed once named; done once one is the whole value */
    uint32_t left = value;
    for (const struct _name *f = _table(table); f && f->name; f++) {
        if (!((f->value == 0 && value == 0) ||
              (f->value != 0 && (left & f->value) == f->value && left != 0)))
            continue;
        strbuf_printf(out, "%s%s", left != value ? "|" : "", f->name);
        left &= ~f->value;
        if (f->value == value)
            break;
    }
}

const char *evtargs_signal_name(unsigned sig)
{
    static const char *const names[] = {
        NULL,        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
    };
    return sig < sizeof(names) / sizeof(names[0]) ? names[sig] : NULL;
}

/* ---- paths ------------------------------------------------------------------------------------
 */

#define _PATH_MAX 1024 /* SCAP_MAX_PATH_SIZE */

/* rewind_to_parent_path: back to just after the '/' before the last component. */
static void _rewind(const char *base, char **tc, const char **pc, size_t delta)
{
    if (*tc > base + 1) {
        (*tc)--;
        while (*tc >= base + 1 && (*tc)[-1] != '/')
            (*tc)--;
    }
    *pc += delta;
}

/* copy_and_normalize_path: path appended at tc to what is at base already. */
static void _normalize(char *tc, char *base, const char *end, const char *pc)
{
    const bool empty_base = tc == base;
    for (;;) {
        if (*pc == '\0') {
            *tc = '\0';
            if (tc > base + 1 && tc[-1] == '/')
                tc[-1] = '\0'; /* no trailing '/', but "/" stays */
            return;
        }
        bool copy = true;
        if (*pc == '.' && (tc == base || tc[-1] == '/')) {
            if (pc[1] == '.' && pc[2] == '/') {
                _rewind(base, &tc, &pc, 3);
                copy = false;
            } else if (pc[1] == '.' && pc[2] == '\0') {
                _rewind(base, &tc, &pc, 2);
                copy = false;
            } else if (pc[1] == '/') {
                pc += 2;
                copy = false;
            } else if (pc[1] == '\0') {
                pc++;
                copy = false;
            }
        } else if (*pc == '/' && ((tc > base && tc[-1] == '/') || (tc == base && !empty_base))) {
            pc++;
            copy = false;
        }
        if (!copy)
            continue;
        if (tc + 1 >= end) {
            *tc = '\0';
            return;
        }
        *tc++ = *pc++;
    }
}

void evtargs_join_path(struct strbuf *out, const char *base, size_t blen, const char *path,
                       size_t plen)
{
    char target[_PATH_MAX], rel[_PATH_MAX];
    if (blen + plen + 1 > _PATH_MAX) {
        strbuf_puts(out, "/DIR_TOO_LONG/FILENAME_TOO_LONG");
        return;
    }
    memcpy(rel, path, plen);
    rel[plen] = '\0';
    size_t at = 0;
    if (plen && path[0] != '/') {
        memcpy(target, base, blen);
        at = blen;
    }
    _normalize(target + at, target, target + sizeof(target), rel);
    strbuf_puts(out, target);
}

/* ---- evt.abspath ---------------------------------------------------------------------------- */

bool evtargs_abspath(const char *syscall, bool dst, const char **dirfd, const char **path)
{
    /* sinsp_filter_check_event::extract_abspath: the source and destination of the two-path
     * syscalls, the one path of the others whatever is asked */
    static const struct {
        const char *syscall, *dirfd, *path, *dst_dirfd, *dst_path;
    } paths[] = {
        {"renameat", "olddirfd", "oldpath", "newdirfd", "newpath"},
        {"renameat2", "olddirfd", "oldpath", "newdirfd", "newpath"},
        {"linkat", "olddir", "oldpath", "newdir", "newpath"},
        {"symlinkat", "linkdirfd", "linkpath", NULL, NULL},
        {"openat", "dirfd", "name", NULL, NULL},
        {"openat2", "dirfd", "name", NULL, NULL},
        {"unlinkat", "dirfd", "name", NULL, NULL},
        {"mkdirat", "dirfd", "path", NULL, NULL},
        {"fchmodat", "dirfd", "filename", NULL, NULL},
        {"fchownat", "dirfd", "pathname", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (strcmp(paths[i].syscall, syscall) != 0)
            continue;
        bool two = dst && paths[i].dst_path;
        *dirfd = two ? paths[i].dst_dirfd : paths[i].dirfd;
        *path = two ? paths[i].dst_path : paths[i].path;
        return true;
    }
    return false;
}
