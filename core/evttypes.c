#include "core/evttypes.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const struct evttype _types[EVTTYPE_COUNT] = {
#define EVTTYPE(id_, name_, nr_, kind_, hook_, reported_as_)                                       \
    [EVTTYPE_##id_] = {EVTTYPE_##id_, name_, nr_, kind_, hook_, reported_as_},
#include "core/evttypes.def"
#undef EVTTYPE
};

/* The syscalls without a row are libs' generic events; the others are not. */
static const struct evtclass _classes[EVTTYPE_COUNT] = {
#define EVTCLASS(id_, category_, flags_) [EVTTYPE_##id_] = {category_, flags_, false},
#include "core/evtclass.def"
#undef EVTCLASS
};

static const bool _has_class[EVTTYPE_COUNT] = {
#define EVTCLASS(id_, category_, flags_) [EVTTYPE_##id_] = true,
#include "core/evtclass.def"
#undef EVTCLASS
};

static const struct evtparam _params[] = {
#define EVTPARAM(name_, arg_type_, raw_type_) {name_, arg_type_, raw_type_},
#include "core/evttypes.def"
#undef EVTPARAM
};

#define _NPARAMS (sizeof(_params) / sizeof(_params[0]))

/* Highest x86_64 syscall number the table names, with room to grow. */
#define _MAX_NR 1024

/* nr -> the entry Falco reports it under; built once. */
static const struct evttype *_by_nr[_MAX_NR];
static pthread_once_t _by_nr_once = PTHREAD_ONCE_INIT;

static void _build_by_nr(void)
{
    for (size_t i = 0; i < EVTTYPE_COUNT; i++) {
        const struct evttype *t = &_types[i];
        if (t->nr >= 0 && t->nr < _MAX_NR && !t->reported_as)
            _by_nr[t->nr] = t;
    }
}

static int _cmp_type(const void *key, const void *elem)
{
    return strcmp(key, ((const struct evttype *)elem)->name);
}

static int _cmp_param(const void *key, const void *elem)
{
    return strcmp(key, ((const struct evtparam *)elem)->name);
}

/* Both tables are sorted by name in evttypes.def (test_fields checks it). */
const struct evttype *evttype_lookup(const char *name)
{
    if (!name)
        return NULL;
    return bsearch(name, _types, EVTTYPE_COUNT, sizeof(_types[0]), _cmp_type);
}

const struct evtparam *evtparam_lookup(const char *name)
{
    if (!name)
        return NULL;
    return bsearch(name, _params, _NPARAMS, sizeof(_params[0]), _cmp_param);
}

size_t evtparam_count(void)
{
    return _NPARAMS;
}

const struct evtparam *evtparam_at(size_t i)
{
    return i < _NPARAMS ? &_params[i] : NULL;
}

const struct evttype *evttype_by_id(enum evttype_id id)
{
    if ((unsigned)id >= EVTTYPE_COUNT)
        return NULL;
    return &_types[id];
}

const struct evttype *evttype_by_nr(int nr)
{
    if (nr < 0 || nr >= _MAX_NR)
        return NULL;
    pthread_once(&_by_nr_once, _build_by_nr);
    return _by_nr[nr];
}

size_t evttype_count(void)
{
    return EVTTYPE_COUNT;
}

const struct evttype *evttype_at(size_t i)
{
    return i < EVTTYPE_COUNT ? &_types[i] : NULL;
}

const char *evttype_kind_name(enum evttype_kind kind)
{
    static const char *const names[EVTK_MAX] = {
        [EVTK_SYSCALL] = "syscall", [EVTK_TRACEPOINT] = "tracepoint",
        [EVTK_META] = "meta",       [EVTK_PLUGIN] = "plugin",
        [EVTK_ITER] = "iter",
    };
    return (unsigned)kind < EVTK_MAX ? names[kind] : "unknown";
}

const char *evttype_hook_name(enum evttype_hook hook)
{
    static const char *const names[EVTHOOK_MAX] = {
        [EVTHOOK_NONE] = "none",
        [EVTHOOK_SYS_EXIT] = "sys_exit",
        [EVTHOOK_SCHED_PROCESS_EXIT] = "sched_process_exit",
    };
    return (unsigned)hook < EVTHOOK_MAX ? names[hook] : "unknown";
}

struct evtclass evttype_class(const struct evttype *type)
{
    if (!type || !_has_class[type->id])
        return (struct evtclass){EVTCAT_OTHER, 0, type && type->kind == EVTK_SYSCALL};
    return _classes[type->id];
}

const char *evttype_category_name(enum evt_category category)
{
    /* sinsp_filter_check_event's TYPE_CATEGORY: note "IPC" in capitals, unlike the ipc
     * subcategory of an I/O event. */
    static const char *const names[EVTCAT_MAX] = {
        [EVTCAT_OTHER] = "other", [EVTCAT_FILE] = "file",     [EVTCAT_NET] = "net",
        [EVTCAT_IPC] = "IPC",     [EVTCAT_MEMORY] = "memory", [EVTCAT_PROCESS] = "process",
        [EVTCAT_SLEEP] = "sleep", [EVTCAT_SYSTEM] = "system", [EVTCAT_SIGNAL] = "signal",
        [EVTCAT_USER] = "user",   [EVTCAT_TIME] = "time",     [EVTCAT_WAIT] = "wait",
    };
    return (unsigned)category < EVTCAT_MAX && names[category] ? names[category] : "unknown";
}

/* ---- sets -------------------------------------------------------------------------------- */

/* The bits of the last word that belong to the table. */
static uint64_t _last_word_mask(void)
{
    unsigned rem = EVTTYPE_COUNT % 64;
    return rem ? (UINT64_C(1) << rem) - 1 : ~UINT64_C(0);
}

void evtset_clear(struct evtset *set)
{
    memset(set->bits, 0, sizeof(set->bits));
}

void evtset_fill(struct evtset *set)
{
    memset(set->bits, 0xff, sizeof(set->bits));
    set->bits[EVTSET_WORDS - 1] &= _last_word_mask();
}

void evtset_add(struct evtset *set, const struct evttype *type)
{
    set->bits[type->id / 64] |= UINT64_C(1) << (type->id % 64);
}

void evtset_remove(struct evtset *set, const struct evttype *type)
{
    set->bits[type->id / 64] &= ~(UINT64_C(1) << (type->id % 64));
}

bool evtset_has(const struct evtset *set, const struct evttype *type)
{
    return (set->bits[type->id / 64] >> (type->id % 64)) & 1;
}

void evtset_union(struct evtset *set, const struct evtset *other)
{
    for (size_t i = 0; i < EVTSET_WORDS; i++)
        set->bits[i] |= other->bits[i];
}

void evtset_intersect(struct evtset *set, const struct evtset *other)
{
    for (size_t i = 0; i < EVTSET_WORDS; i++)
        set->bits[i] &= other->bits[i];
}

void evtset_complement(struct evtset *set)
{
    for (size_t i = 0; i < EVTSET_WORDS; i++)
        set->bits[i] = ~set->bits[i];
    set->bits[EVTSET_WORDS - 1] &= _last_word_mask();
}

size_t evtset_count(const struct evtset *set)
{
    size_t n = 0;
    for (size_t i = 0; i < EVTSET_WORDS; i++)
        n += (size_t)__builtin_popcountll(set->bits[i]);
    return n;
}

bool evtset_empty(const struct evtset *set)
{
    for (size_t i = 0; i < EVTSET_WORDS; i++)
        if (set->bits[i])
            return false;
    return true;
}

bool evtset_equal(const struct evtset *a, const struct evtset *b)
{
    return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

const struct evttype *evtset_next(const struct evtset *set, const struct evttype *prev)
{
    size_t i = prev ? (size_t)prev->id + 1 : 0;
    while (i < EVTTYPE_COUNT) {
        uint64_t word = set->bits[i / 64] >> (i % 64);
        if (word)
            return &_types[i + (size_t)__builtin_ctzll(word)];
        i = (i / 64 + 1) * 64;
    }
    return NULL;
}
