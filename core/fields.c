#include "core/fields.h"
#include "core/text.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/evttypes.h"

static const struct field_def _fields[FIELD_ID_MAX] = {
#define FIELD(id_, name_, type_, flags_, source_, origin_, desc_)                                  \
    [FIELD_##id_] = {FIELD_##id_, name_, type_, flags_, source_, origin_, desc_},
#include "core/fields.def"
#undef FIELD
};

/* Numeric fields narrower than their type. */
static const struct {
    enum field_id id;
    int64_t min;
    uint64_t max;
} _ranges[] = {
    {FIELD_EVT_TYPE_IS, 0, 1},
    {FIELD_EVT_CPU, 0, INT16_MAX},
    {FIELD_EVT_COUNT, 0, 1},
    {FIELD_EVT_COUNT_ERROR, 0, 1},
    {FIELD_EVT_COUNT_ERROR_FILE, 0, 1},
    {FIELD_EVT_COUNT_ERROR_NET, 0, 1},
    {FIELD_EVT_COUNT_ERROR_MEMORY, 0, 1},
    {FIELD_EVT_COUNT_ERROR_OTHER, 0, 1},
    {FIELD_EVT_COUNT_EXIT, 0, 1},
    {FIELD_PROC_TTY, 0, UINT32_MAX},
    {FIELD_PROC_PID, 0, INT32_MAX},
    {FIELD_PROC_PPID, 0, INT32_MAX},
    {FIELD_PROC_APID, 0, INT32_MAX},
    {FIELD_PROC_VPID, 0, INT32_MAX},
    {FIELD_PROC_PVPID, 0, INT32_MAX},
    {FIELD_PROC_SID, 0, INT32_MAX},
    {FIELD_PROC_VPGID, 0, INT32_MAX},
    {FIELD_PROC_PGID, 0, INT32_MAX},
    {FIELD_PROC_LOGINSHELLID, -1, INT32_MAX},
    {FIELD_THREAD_TID, 0, INT32_MAX},
    {FIELD_THREAD_VTID, 0, INT32_MAX},
    {FIELD_USER_UID, 0, UINT32_MAX},
    {FIELD_USER_LOGINUID, -1, UINT32_MAX},
    {FIELD_GROUP_GID, 0, UINT32_MAX},
    {FIELD_FD_NUM, INT32_MIN, INT32_MAX},
    {FIELD_FD_DEV, INT32_MIN, INT32_MAX},
    {FIELD_FD_DEV_MAJOR, 0, 4095},
    {FIELD_FD_DEV_MINOR, 0, 1048575},
};

/* The catalogue sorted by name, and the named-argument families longest
 * first; built once. */
static const struct field_def *_by_name[FIELD_ID_MAX];
static const struct field_def *_named[FIELD_ID_MAX];
static size_t _nnamed;
static pthread_once_t _index_once = PTHREAD_ONCE_INIT;

static int _cmp_by_name(const void *a, const void *b)
{
    const struct field_def *x = *(const struct field_def *const *)a;
    const struct field_def *y = *(const struct field_def *const *)b;
    return strcmp(x->name, y->name);
}

static int _cmp_longest_first(const void *a, const void *b)
{
    size_t x = strlen((*(const struct field_def *const *)a)->name);
    size_t y = strlen((*(const struct field_def *const *)b)->name);
    return x < y ? 1 : x > y ? -1 : 0;
}

static void _build_index(void)
{
    for (size_t i = 0; i < FIELD_ID_MAX; i++) {
        _by_name[i] = &_fields[i];
        if (_fields[i].flags & FF_NAMED_ARG)
            _named[_nnamed++] = &_fields[i];
    }
    qsort(_by_name, FIELD_ID_MAX, sizeof(_by_name[0]), _cmp_by_name);
    qsort(_named, _nnamed, sizeof(_named[0]), _cmp_longest_first);
}

static int _cmp_key(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct field_def *const *)elem)->name);
}

/* Whether a named-argument suffix is one Falco accepts for this family. */
static bool _named_arg_ok(const struct field_def *def, const char *arg)
{
    switch (def->id) {
    case FIELD_EVT_ARG:
    case FIELD_EVT_RAWARG:
        return evtparam_lookup(arg) != NULL;
    case FIELD_EVT_TYPE_IS:
        return text_is_decimal(arg) || evttype_lookup(arg) != NULL;
    default:
        return true;
    }
}

const struct field_def *field_lookup(const char *name, const char **named_arg)
{
    if (named_arg)
        *named_arg = NULL;
    if (!name)
        return NULL;
    pthread_once(&_index_once, _build_index);
    const struct field_def *const *hit =
        bsearch(name, _by_name, FIELD_ID_MAX, sizeof(_by_name[0]), _cmp_key);
    if (hit)
        return *hit;
    for (size_t i = 0; i < _nnamed; i++) {
        const struct field_def *def = _named[i];
        size_t len = strlen(def->name);
        if (strncmp(name, def->name, len) != 0 || name[len] != '.' || !name[len + 1])
            continue;
        if (!_named_arg_ok(def, name + len + 1))
            return NULL;
        if (named_arg)
            *named_arg = name + len + 1;
        return def;
    }
    return NULL;
}

const struct field_def *field_by_id(enum field_id id)
{
    if ((unsigned)id >= FIELD_ID_MAX)
        return NULL;
    return &_fields[id];
}

const char *field_type_name(enum field_type type)
{
    static const char *const names[FT_TYPE_MAX] = {
        [FT_STRING] = "string",   [FT_PATH] = "path",   [FT_INT] = "int",
        [FT_UINT] = "uint",       [FT_BOOL] = "bool",   [FT_IPADDR] = "ipaddr",
        [FT_IPNET] = "ipnet",     [FT_PORT] = "port",   [FT_RELTIME] = "reltime",
        [FT_ABSTIME] = "abstime", [FT_BYTES] = "bytes",
    };
    return (unsigned)type < FT_TYPE_MAX ? names[type] : "unknown";
}

const char *field_source_name(enum field_source source)
{
    static const char *const names[FSRC_MAX] = {
        [FSRC_SYSCALL] = "syscall",
        [FSRC_K8S_AUDIT] = "k8s_audit",
    };
    return (unsigned)source < FSRC_MAX ? names[source] : "unknown";
}

enum field_source field_source_from_name(const char *name)
{
    if (!name)
        return FSRC_MAX;
    for (int s = 0; s < FSRC_MAX; s++)
        if (strcmp(name, field_source_name((enum field_source)s)) == 0)
            return (enum field_source)s;
    return FSRC_MAX;
}

const char *field_origin_name(enum field_origin origin)
{
    static const char *const names[ORIGIN_MAX] = {
        [ORIGIN_EVENT] = "event",   [ORIGIN_SYSCALL] = "syscall", [ORIGIN_TASK] = "task",
        [ORIGIN_PROC] = "proc",     [ORIGIN_FD] = "fd",           [ORIGIN_USERSPACE] = "userspace",
        [ORIGIN_PLUGIN] = "plugin",
    };
    return (unsigned)origin < ORIGIN_MAX ? names[origin] : "unknown";
}

enum field_type field_arg_type(const struct field_def *def, const char *arg)
{
    if (arg && (def->id == FIELD_EVT_ARG || def->id == FIELD_EVT_RAWARG)) {
        const struct evtparam *p = evtparam_lookup(arg);
        if (p)
            return def->id == FIELD_EVT_ARG ? p->arg_type : p->raw_type;
    }
    return def->type;
}

struct field_range field_value_range(const struct field_def *def, const char *arg)
{
    for (size_t i = 0; i < sizeof(_ranges) / sizeof(_ranges[0]); i++)
        if (_ranges[i].id == def->id)
            return (struct field_range){_ranges[i].min, _ranges[i].max};
    switch (field_arg_type(def, arg)) {
    case FT_INT:
        return (struct field_range){INT64_MIN, INT64_MAX};
    case FT_UINT:
    case FT_RELTIME:
    case FT_ABSTIME:
        return (struct field_range){0, UINT64_MAX};
    case FT_PORT:
        return (struct field_range){0, UINT16_MAX};
    default:
        return (struct field_range){0, 0};
    }
}

bool field_value_in_range(const struct field_def *def, const char *arg, long long value)
{
    switch (field_arg_type(def, arg)) {
    case FT_INT:
    case FT_UINT:
    case FT_RELTIME:
    case FT_ABSTIME:
    case FT_PORT:
        break;
    default:
        return true;
    }
    struct field_range r = field_value_range(def, arg);
    if (value < r.min)
        return false;
    return value < 0 || (uint64_t)value <= r.max;
}

/* ---- rulec fields ------------------------------------------------------------------------ */

/* The class a field is listed under: the name up to the first dot
 * (fs.path.* keep two components). */
static size_t _class_len(const char *name)
{
    if (strncmp(name, "fs.path.", 8) == 0)
        return 7;
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

/* "[N]", "[KEY]", "[N|KEY]", ".NAME", combined; a trailing '?' when optional. */
static void _arg_form(const struct field_def *def, char *buf, size_t size)
{
    unsigned fl = def->flags;
    const char *bracket = (fl & FF_ARG_INDEX) && (fl & FF_ARG_KEY) ? "[N|KEY]"
                          : (fl & FF_ARG_INDEX)                    ? "[N]"
                          : (fl & FF_ARG_KEY)                      ? "[KEY]"
                                                                   : "";
    const char *named = (fl & FF_NAMED_ARG) ? ".NAME" : "";
    if (!*bracket && !*named) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(buf, size, "%s%s%s%s", bracket, *bracket && *named ? " " : "", named,
             (fl & FF_ARG_REQUIRED) ? "" : "?");
}

static const struct {
    unsigned flag;
    const char *name;
} _flag_names[] = {
    {FF_LIST, "list"},
    {FF_DEPRECATED, "deprecated"},
    {FF_GENERIC, "generic"},
    {FF_FILTER_ONLY, "filter-only"},
    {FF_OUTPUT_ONLY, "output-only"},
};

#define _NFLAG_NAMES (sizeof(_flag_names) / sizeof(_flag_names[0]))

static void _flags_text(unsigned flags, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < _NFLAG_NAMES; i++) {
        if (!(flags & _flag_names[i].flag))
            continue;
        int n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", _flag_names[i].name);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    if (!len)
        snprintf(buf, size, "-");
}

/* Fields listed under one heading: same class, same source, and generic or not. */
static bool _same_group(const struct field_def *a, const struct field_def *b)
{
    size_t len = _class_len(a->name);
    return _class_len(b->name) == len && strncmp(a->name, b->name, len) == 0 &&
           a->source == b->source && (a->flags & FF_GENERIC) == (b->flags & FF_GENERIC);
}

static void _print_text(FILE *out)
{
    fprintf(out,
            "%d fields. ARG: [N] index, [KEY] key, .NAME suffix (evt.arg.fd); ? optional.\n"
            "ORIGIN: where the value comes from; the kernel can evaluate event, syscall, task, "
            "proc\nand fd fields, the runtime the others.\n",
            FIELD_ID_MAX);
    size_t i = 0;
    while (i < FIELD_ID_MAX) {
        const struct field_def *first = &_fields[i];
        size_t end = i, width = strlen("NAME");
        for (; end < FIELD_ID_MAX && _same_group(first, &_fields[end]); end++) {
            size_t n = strlen(_fields[end].name);
            width = n > width ? n : width;
        }
        fprintf(out, "\n%.*s (%s%s)\n", (int)_class_len(first->name), first->name,
                (first->flags & FF_GENERIC) ? "every source" : "source ",
                (first->flags & FF_GENERIC) ? "" : field_source_name(first->source));
        fprintf(out, "  %-*s  %-7s  %-9s  %-9s  %-11s  %s\n", (int)width, "NAME", "TYPE", "ARG",
                "ORIGIN", "FLAGS", "DESCRIPTION");
        for (; i < end; i++) {
            const struct field_def *d = &_fields[i];
            char arg[32], flags[64];
            _arg_form(d, arg, sizeof(arg));
            _flags_text(d->flags & ~FF_GENERIC, flags, sizeof(flags));
            fprintf(out, "  %-*s  %-7s  %-9s  %-9s  %-11s  %s\n", (int)width, d->name,
                    field_type_name(d->type), arg, field_origin_name(d->origin), flags, d->desc);
        }
    }
}

static struct json_object *_field_json(const struct field_def *d)
{
    struct json_object *o = json_object_new_object();
    char class[32];
    size_t clen = _class_len(d->name);
    snprintf(class, sizeof(class), "%.*s", (int)clen, d->name);
    json_object_object_add(o, "name", json_object_new_string(d->name));
    json_object_object_add(o, "class", json_object_new_string(class));
    json_object_object_add(o, "source", json_object_new_string(field_source_name(d->source)));
    json_object_object_add(o, "type", json_object_new_string(field_type_name(d->type)));
    json_object_object_add(o, "origin", json_object_new_string(field_origin_name(d->origin)));
    struct json_object *arg = json_object_new_object();
    json_object_object_add(arg, "index", json_object_new_boolean(d->flags & FF_ARG_INDEX));
    json_object_object_add(arg, "key", json_object_new_boolean(d->flags & FF_ARG_KEY));
    json_object_object_add(arg, "named", json_object_new_boolean(d->flags & FF_NAMED_ARG));
    json_object_object_add(arg, "required", json_object_new_boolean(d->flags & FF_ARG_REQUIRED));
    json_object_object_add(o, "arg", arg);
    struct json_object *flags = json_object_new_array();
    for (size_t i = 0; i < _NFLAG_NAMES; i++)
        if (d->flags & _flag_names[i].flag)
            json_object_array_add(flags, json_object_new_string(_flag_names[i].name));
    json_object_object_add(o, "flags", flags);
    json_object_object_add(o, "description", json_object_new_string(d->desc));
    return o;
}

static void _print_json(FILE *out)
{
    struct json_object *root = json_object_new_object();
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; i < FIELD_ID_MAX; i++)
        json_object_array_add(list, _field_json(&_fields[i]));
    json_object_object_add(root, "fields", list);
    fputs(json_object_to_json_string_ext(root,
                                         JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
          out);
    fputc('\n', out);
    json_object_put(root);
}

void fields_print(FILE *out, bool json)
{
    if (json)
        _print_json(out);
    else
        _print_text(out);
}
