/* The parameters of syscall exit events as libsinsp renders them, for evt.args, evt.info and
 * evt.abspath: which exit events the record carries whole (core/evtargs.def), where each
 * parameter's value is, and libsinsp's text for flags, modes, signals and joined paths. The
 * runtime renders them on each event (runtime/event_args.c); lint asks which syscalls have
 * them (core/field_readers.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* How libsinsp prints a parameter (its ppm_param_type and print format). */
enum evtarg_type {
    EA_ERRNO,   /* PT_ERRNO: the number, and the errno's name when negative */
    EA_FD,      /* PT_FD: the number, and "<f>/path" of the fd, "AT_FDCWD", or an errno's name */
    EA_PATH,    /* PT_FSPATH: the string, and the absolute path when it is relative to the cwd */
    EA_RELPATH, /* PT_FSRELPATH: the same, relative to its dirfd */
    EA_CHARBUF, /* PT_CHARBUF: the string */
    EA_DEC,     /* PT_UINT32, PF_DEC: printed with %d */
    EA_HEX,     /* PT_UINT32, PF_HEX: %X */
    EA_MODE,    /* PT_MODE, chmod_mode: %#o and the mode's names (evt.arg.mode's text) */
    EA_FLAGS,   /* PT_FLAGS32: the number the driver sends and the flags' names */
    EA_UID,     /* PT_UID: the number and the user's name */
    EA_GID,     /* PT_GID: the number and the group's name */
    EA_PID,     /* PT_PID: the number and the process's name */
    EA_SIG,     /* PT_SIGTYPE: the number and the signal's name */
};

/* The flag tables of EA_FLAGS parameters (driver/flags_table.c). */
enum evtarg_table {
    EA_T_NONE,
    EA_T_DUP3,
    EA_T_FCHOWNAT,
    EA_T_LINKAT,
    EA_T_RENAMEAT2,
    EA_T_UNLINKAT,
};

#define EA_RET (-1) /* the parameter is the return value */

struct evtarg {
    const char *syscall;
    const char *name;
    enum evtarg_type type;
    int reg; /* argument register 0 to 5, or EA_RET */
    int aux; /* EA_RELPATH: the index of its dirfd parameter; EA_FLAGS: enum evtarg_table */
};

/* The exit parameters of the syscall named syscall, in libsinsp's order; NULL (and *n 0) when
 * the record does not carry them all. */
const struct evtarg *evtargs_of(const char *syscall, size_t *n);

/* An EA_FLAGS parameter's value as the driver sends it (its ..._flags_to_scap on the
 * register), and the names PT_FLAGS32 renders for it, joined by '|' ("" when none). */
uint32_t evtargs_flags_value(enum evtarg_table table, uint64_t reg);
void evtargs_flags_names(struct strbuf *out, enum evtarg_table table, uint32_t value);
/* sinsp_utils::signal_to_str: "SIGKILL"; NULL for a number it has no name for. */
const char *evtargs_signal_name(unsigned sig);

/* sinsp_utils::concatenate_paths: path made absolute against base (a directory ending in
 * '/'), "." and ".." resolved and repeated '/' folded, no trailing '/'; path alone (normalised)
 * when absolute. */
void evtargs_join_path(struct strbuf *out, const char *base, size_t blen, const char *path,
                       size_t plen);

/* evt.abspath (and .src, .dst with dst): the dirfd and path parameters the syscall's path is
 * made of; false when libsinsp has no such path for it. */
bool evtargs_abspath(const char *syscall, bool dst, const char **dirfd, const char **path);
