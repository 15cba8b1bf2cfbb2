/* The field catalogue: the single source of truth for every field a
 * condition or output may name. The checker, the splitter, the code
 * generator, the output formatter and `rulec fields` all read this table,
 * which is defined once in fields.def. */
#pragma once

#include <stdbool.h>
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
 * (evt.arg.flags) *named_arg receives the suffix ("flags"), else NULL. */
const struct field_def *field_lookup(const char *name, const char **named_arg);
const struct field_def *field_by_id(enum field_id id);
const char *field_type_name(enum field_type type);
const char *field_source_name(enum field_source source);
/* "syscall", "k8s_audit" -> source; returns FSRC_MAX when unknown. */
enum field_source field_source_from_name(const char *name);

/* `rulec fields`: the catalogue as a table (or JSON). */
void fields_print(FILE *out, bool json);
