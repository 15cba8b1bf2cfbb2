/* The field catalogue: the single source of truth for every field a
 * condition or output may name. The checker, the splitter, the code
 * generator, the output formatter and `rulec fields` all read this table,
 * which is defined once in fields.def. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum field_type {
    FT_STRING,  /* charbuf */
    FT_PATH,    /* fs path: pmatch, normalised */
    FT_INT,     /* signed 64-bit */
    FT_UINT,    /* unsigned 64-bit (pids, uids, counts, flags) */
    FT_BOOL,    /* true/false */
    FT_IPADDR,  /* IPv4 or IPv6 address */
    FT_IPNET,   /* CIDR network */
    FT_PORT,    /* 16-bit port */
    FT_RELTIME, /* nanoseconds duration */
    FT_ABSTIME, /* nanoseconds since epoch */
    FT_BYTES,   /* raw byte buffer (bcontains, bstartswith) */
    FT_TYPE_MAX,
};

/* Where the value comes from: decides what the kernel can evaluate. */
enum field_origin {
    ORIGIN_EVENT,     /* the event itself: type, time, return value */
    ORIGIN_SYSCALL,   /* syscall arguments (read at sys_exit from pt_regs) */
    ORIGIN_TASK,      /* the current task_struct and its ancestors */
    ORIGIN_PROC,      /* per-process state cached in a map (exe path, args, tty) */
    ORIGIN_FD,        /* the file or socket behind an fd */
    ORIGIN_USERSPACE, /* only the runtime can compute it (names from passwd, k8s metadata) */
    ORIGIN_PLUGIN,    /* another event source (k8s_audit): never in the kernel */
    ORIGIN_MAX,
};

enum field_source {
    FSRC_SYSCALL,
    FSRC_K8S_AUDIT,
    FSRC_MAX,
};

/* Field flags. */
enum {
    FF_LIST = 1u << 0,         /* yields several values (use in/intersects) */
    FF_ARG_INDEX = 1u << 1,    /* takes a numeric [N] argument */
    FF_ARG_KEY = 1u << 2,      /* takes a [key] argument */
    FF_ARG_REQUIRED = 1u << 3, /* the argument is mandatory */
    FF_DEPRECATED = 1u << 4,   /* LOAD_DEPRECATED_ITEM when used */
    FF_NAMED_ARG = 1u << 5,    /* evt.arg.NAME / evt.rawarg.NAME: the suffix is the argument */
    FF_GENERIC = 1u << 6,      /* every source has it (Falco's generic evt.* class) */
    FF_FILTER_ONLY = 1u << 7,  /* conditions only, not outputs (fd.ip, fd.net, evt.around) */
    FF_OUTPUT_ONLY = 1u << 8,  /* outputs only, not conditions (evt.outputtime) */
    /* Suggested as output by the plugin that has it in Falco (the container plugin's
     * EPF_FORMAT_SUGGESTED fields): append_output's suggested_output appends `name=%name` with
     * '.' as '_', in catalogue order, which is the plugin's. */
    FF_SUGGESTED = 1u << 9,
};

enum field_id {
#define FIELD(id, name, type, flags, source, origin, desc) FIELD_##id,
#include "fields.def"
#undef FIELD
    FIELD_ID_MAX,
};

struct field_def {
    enum field_id id;
    const char *name;
    enum field_type type;
    unsigned flags;
    enum field_source source;
    enum field_origin origin;
    const char *desc;
};

/* Looks up a field by its full name. For named-argument fields
 * (evt.arg.flags) *named_arg receives the suffix ("flags"), else NULL.
 * The suffix points into name. Named arguments are checked: evt.arg.NAME and
 * evt.rawarg.NAME need an event argument called NAME, evt.type.is.X an event
 * type or a number; a wrong one makes the lookup fail (as in Falco). */
const struct field_def *field_lookup(const char *name, const char **named_arg);
const struct field_def *field_by_id(enum field_id id);
const char *field_type_name(enum field_type type);
const char *field_source_name(enum field_source source);
/* "syscall", "k8s_audit" -> source; returns FSRC_MAX when unknown. */
enum field_source field_source_from_name(const char *name);
const char *field_origin_name(enum field_origin origin);

/* The type the field yields with this argument (the bracket or named
 * argument, NULL for none): evt.rawarg.NAME has the argument's native type,
 * evt.arg.NAME is FT_PATH for path arguments; other fields have def->type. */
enum field_type field_arg_type(const struct field_def *def, const char *arg);

/* The values a numeric field can hold: min <= v && v <= max. Narrower than
 * the type where the value is (uid and gid are 32-bit, pids are positive
 * 32-bit, ports 16-bit). For non-numeric types {0, 0}. */
struct field_range {
    int64_t min;
    uint64_t max;
};

struct field_range field_value_range(const struct field_def *def, const char *arg);
/* False when the field can never hold value: a comparison with it is never
 * true (RULEC_NEVER_TRUE). */
bool field_value_in_range(const struct field_def *def, const char *arg, long long value);

/* `rulec fields`: the catalogue as a table (or JSON). */
void fields_print(FILE *out, bool json);
