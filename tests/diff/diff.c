/* The differential test of the split (docs/ARCHITECTURE.md, "The
 * kernel/userspace split, and why it is sound"): the kernel predicate must
 * never reject an event the full condition accepts.
 *
 * The generated BPF C of a ruleset is compiled natively as a shared object
 * against the host headers of tests/diff/host/ (maps are host hash tables
 * and LPM tries filled from the policy metadata; every slot filler copies
 * the synthetic event's value for its field). This driver loads the rules
 * with the same front end, generates events from each rule's constants and
 * their near misses, runs the syscall's program (rulec_gN) and reads each
 * rule's verdict from the candidate and maybe masks, and checks it against
 * the interpreter on the full condition (the oracle):
 *
 *   interp accepts  =>  kernel != 0          (no false negative)
 *   kernel == 1     =>  interp accepts       (a definite yes skips the residual)
 *
 * and more: the lowered condition (what codegen compiles) agrees with the
 * full one; the residual on the captured record (truncated slots are
 * prefixes) still accepts what the full values accept; and consistency
 * (each slot is filled by its field's filler with its size and argument,
 * set maps have the metadata's key sizes, the rule functions called
 * directly agree with the masks the programs set).
 *
 *   diff --fills                 the RULEC_HOST_FILL list for the host headers
 *   diff [--events N] [--seed S] [--name NAME] --policy P.so --c GEN.c FILE...
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/bpf.h>

#include "compiler/available.h"
#include "compiler/codegen.h"
#include "compiler/front.h"
#include "compiler/kfields.h"
#include "compiler/ruleset.h"
#include "compiler/split.h"
#include "core/ast.h"
#include "core/evttypes.h"
#include "core/fields.h"
#include "core/interp.h"
#include "core/ipaddr.h"
#include "core/policy.h"
#include "core/priority.h"
#include "core/rulec_abi.h"
#include "core/sysargs.h"
#include "core/value.h"

#define MAX_FAILS_SHOWN 12
#define SCRATCH_BYTES (4u << 20)
#define MAX_NR 512

/* ---- small utilities ----------------------------------------------------------------------- */

static uint64_t _rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t _rnd(void)
{
    uint64_t x = _rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    _rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static size_t _below(size_t n)
{
    return n ? (size_t)(_rnd() % n) : 0;
}

static bool _chance(unsigned percent)
{
    return _below(100) < percent;
}

static void *_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "diff: out of memory\n");
        exit(2);
    }
    return p;
}

static void *_xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        fprintf(stderr, "diff: out of memory\n");
        exit(2);
    }
    return p;
}

static char *_xstrndup(const char *s, size_t n)
{
    char *d = _xcalloc(n + 1, 1);
    memcpy(d, s, n);
    return d;
}

/* Per-event scratch for generated strings. */
static char *_scratch;
static size_t _scratch_used;

static char *_scratch_alloc(size_t n)
{
    if (_scratch_used + n + 1 > SCRATCH_BYTES)
        _scratch_used = 0; /* never within one event: events use far less */
    char *p = _scratch + _scratch_used;
    _scratch_used += n + 1;
    return p;
}

static uint64_t _fnv(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* ---- failures ---------------------------------------------------------------------------------
 */

static unsigned long _inconsistencies;

static void _inconsistent(const char *fmt, ...)
{
    _inconsistencies++;
    if (_inconsistencies > MAX_FAILS_SHOWN)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "diff: INCONSISTENT: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- host maps (what bpf_map_lookup_elem sees) -------------------------------------------------
 */

struct hmap {
    const void *addr;
    const char *name;
    unsigned type;
    size_t key_size, value_size;
    unsigned max_entries;
    bool checked; /* the C definition was compared with the metadata */
    /* hash: open addressing over key_size-byte keys */
    unsigned char *keys;
    bool *used;
    size_t cap, n;
    /* LPM: entries (prefixlen, data) */
    uint32_t *plens;
    unsigned char *pdata;
    size_t np;
    /* arrays */
    unsigned char *array;
};

static struct hmap *_maps;
static size_t _nmaps;

static struct hmap *_map_find(const void *addr)
{
    for (size_t i = 0; i < _nmaps; i++)
        if (_maps[i].addr == addr)
            return &_maps[i];
    return NULL;
}

static struct hmap *_map_new(const void *addr, const char *name)
{
    _maps = _xrealloc(_maps, (_nmaps + 1) * sizeof(*_maps));
    struct hmap *m = &_maps[_nmaps++];
    memset(m, 0, sizeof(*m));
    m->addr = addr;
    m->name = name;
    return m;
}

static void _hash_insert(struct hmap *m, const unsigned char *key)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ocap = m->cap;
        unsigned char *okeys = m->keys;
        bool *oused = m->used;
        m->cap = m->cap ? m->cap * 2 : 64;
        m->keys = _xcalloc(m->cap, m->key_size);
        m->used = _xcalloc(m->cap, sizeof(bool));
        m->n = 0;
        for (size_t i = 0; i < ocap; i++)
            if (oused[i])
                _hash_insert(m, okeys + i * m->key_size);
        free(okeys);
        free(oused);
    }
    size_t i = _fnv(key, m->key_size, 0) % m->cap;
    while (m->used[i]) {
        if (memcmp(m->keys + i * m->key_size, key, m->key_size) == 0)
            return;
        i = (i + 1) % m->cap;
    }
    m->used[i] = true;
    memcpy(m->keys + i * m->key_size, key, m->key_size);
    m->n++;
}

static bool _hash_has(const struct hmap *m, const unsigned char *key)
{
    if (!m->cap)
        return false;
    size_t i = _fnv(key, m->key_size, 0) % m->cap;
    while (m->used[i]) {
        if (memcmp(m->keys + i * m->key_size, key, m->key_size) == 0)
            return true;
        i = (i + 1) % m->cap;
    }
    return false;
}

/* The kernel's LPM semantics: an entry matches when its prefix length is at
 * most the key's and its first prefixlen bits equal the key's. */
static bool _lpm_has(const struct hmap *m, uint32_t plen, const unsigned char *data)
{
    size_t dsize = m->key_size - 4;
    if (plen > dsize * 8)
        return false;
    for (size_t i = 0; i < m->np; i++) {
        uint32_t p = m->plens[i];
        if (p > plen)
            continue;
        const unsigned char *e = m->pdata + i * dsize;
        uint32_t bytes = p / 8, bits = p % 8;
        if (memcmp(e, data, bytes) != 0)
            continue;
        if (bits) {
            unsigned char mask = (unsigned char)(0xff << (8 - bits));
            if ((e[bytes] & mask) != (data[bytes] & mask))
                continue;
        }
        return true;
    }
    return false;
}

static unsigned char _map_value_one = 1;

/* A set map's C definition, checked against the metadata on first use. */
static void _map_check(struct hmap *m, unsigned type, size_t key_size, size_t value_size,
                       unsigned max_entries)
{
    if (m->checked)
        return;
    m->checked = true;
    if (m->type != type || m->key_size != key_size)
        _inconsistent("map %s: C definition (type %u, key %zu bytes) differs from the metadata "
                      "(type %u, key %zu bytes)",
                      m->name, type, key_size, m->type, m->key_size);
    if (value_size != 1)
        _inconsistent("map %s: value size %zu, expected 1", m->name, value_size);
    size_t n = m->type == BPF_MAP_TYPE_LPM_TRIE ? m->np : m->n;
    if (n > max_entries)
        _inconsistent("map %s: %zu entries to load into max_entries %u", m->name, n, max_entries);
    m->max_entries = max_entries;
}

void *rulec_host_map_lookup(const void *map, unsigned type, size_t key_size, size_t value_size,
                            unsigned max_entries, const void *key);
int rulec_host_prefix_match(const void *map, unsigned type, size_t key_size, unsigned max_entries,
                            const void *value, unsigned len, unsigned size);
void rulec_host_fill(const char *fill, const void *cx, struct rulec_slot_hdr *h, __u8 *d,
                     __u32 size, __u32 arg);
int rulec_host_begin(void *event, size_t event_size, struct rulec_record_hdr *hdr);
void rulec_host_submit(const void *event, size_t event_size, const __u64 *mask, const __u64 *maybe,
                       unsigned words, int reserve);

void *rulec_host_map_lookup(const void *map, unsigned type, size_t key_size, size_t value_size,
                            unsigned max_entries, const void *key)
{
    struct hmap *m = _map_find(map);
    if (!m) {
        /* The per-CPU scratch and the other maps the metadata does not name. */
        m = _map_new(map, "(array)");
        m->type = type;
        m->key_size = key_size;
        m->value_size = value_size;
        m->max_entries = max_entries;
        m->checked = true;
        if (type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY)
            m->array = _xcalloc(max_entries, value_size);
    }
    switch (type) {
    case BPF_MAP_TYPE_ARRAY:
    case BPF_MAP_TYPE_PERCPU_ARRAY: {
        uint32_t i;
        memcpy(&i, key, 4);
        return i < m->max_entries ? m->array + (size_t)i * m->value_size : NULL;
    }
    case BPF_MAP_TYPE_HASH:
        _map_check(m, type, key_size, value_size, max_entries);
        return _hash_has(m, key) ? &_map_value_one : NULL;
    case BPF_MAP_TYPE_LPM_TRIE: {
        _map_check(m, type, key_size, value_size, max_entries);
        uint32_t plen;
        memcpy(&plen, key, 4);
        return _lpm_has(m, plen, (const unsigned char *)key + 4) ? &_map_value_one : NULL;
    }
    default:
        _inconsistent("lookup in a map of type %u", type);
        return NULL;
    }
}

/* rulec_prefix_match: the BPF macro copies the slot into a per-CPU
 * rulec_lpm_key256 (stale bytes past size stay) and looks it up. */
int rulec_host_prefix_match(const void *map, unsigned type, size_t key_size, unsigned max_entries,
                            const void *value, unsigned len, unsigned size)
{
    static unsigned char scratch[4 + 256];
    struct hmap *m = _map_find(map);
    if (!m || type != BPF_MAP_TYPE_LPM_TRIE) {
        _inconsistent("rulec_prefix_match on a map that is no filled LPM trie");
        return 0;
    }
    if (size > 256 || len > size || key_size != 4 + (size_t)size) {
        _inconsistent("rulec_prefix_match(%s): slot size %u, len %u, map key %zu bytes", m->name,
                      size, len, key_size);
        if (size > 256)
            return 0;
    }
    memcpy(scratch + 4, value, size);
    uint32_t plen = len * 8;
    memcpy(scratch, &plen, 4);
    return rulec_host_map_lookup(map, type, key_size, 1, max_entries, scratch) != NULL;
}

/* ---- field keys: one per (field, argument), with the value pool -------------------------------
 */

enum { KEY_NORMAL, KEY_NR, KEY_RET };

struct sv {
    const char *s;
    size_t n;
};

struct key {
    const struct field_def *def;
    const char *arg;
    int pseudo;
    enum field_type type;
    bool list;
    const struct kfield *kf;
    bool header;
    uint32_t size; /* string slot size */
    int64_t min;
    uint64_t max;
    bool is_signed;
    bool canonical; /* a path the kernel reads normalised (no "//", absolute) */
    bool slot;      /* the policy captures it in a slot */
    /* constants the rules compare it with, and the pool built from them */
    struct sv *consts;
    size_t nconsts, capconsts;
    struct sv *strs;
    size_t nstrs, capstrs;
    uint64_t *nums;
    size_t nnums, capnums;
    int next; /* next key with the same field */
    /* the current event's value */
    uint64_t gen;
    bool none, kerr;
    struct sv str;
    uint64_t num;
    struct fv_str list_v[3];
    size_t nlist;
    uint8_t ip[16];
    uint8_t family;
    char text[256]; /* a register argument's text (evt.arg.NAME of flags and numbers) */
};

static struct key *_keys;
static size_t _nkeys;
static int _key_by_field[FIELD_ID_MAX];
static int _key_nr, _key_ret;
static uint64_t _gen;          /* the current event */
static uint64_t _event_number; /* evt.num */

static bool _same_arg(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool _is_num_type(enum field_type t)
{
    return t == FT_INT || t == FT_UINT || t == FT_PORT || t == FT_RELTIME || t == FT_ABSTIME ||
           t == FT_BOOL;
}

static int _key_new(const struct field_def *def, const char *arg, int pseudo)
{
    _keys = _xrealloc(_keys, (_nkeys + 1) * sizeof(*_keys));
    struct key *k = &_keys[_nkeys];
    memset(k, 0, sizeof(*k));
    k->def = def;
    k->arg = arg ? strdup(arg) : NULL;
    k->pseudo = pseudo;
    k->next = -1;
    k->size = 256;
    if (pseudo == KEY_NR) {
        k->type = FT_UINT;
        k->header = true;
    } else if (pseudo == KEY_RET) {
        k->type = FT_INT;
        k->header = true;
        k->is_signed = true;
        k->min = -4095 - 1000;
        k->max = INT32_MAX;
    } else {
        k->type = field_arg_type(def, arg);
        k->list =
            ((def->flags & FF_LIST) || def->id == FIELD_PROC_ANAME || def->id == FIELD_PROC_APID) &&
            !arg;
        k->kf = kfield_for(def, arg);
        k->header = k->kf && k->kf->header;
        if (k->kf && k->kf->kind == KF_STR)
            k->size = k->kf->size;
        /* fd.name of an open is the path joined to the cwd or dirfd and
         * normalised; the others are read from the dentries (d_path). The
         * rest (proc.exe is argv[0], fd.nameraw the raw argument) are
         * whatever the process passed. */
        k->canonical = def->id == FIELD_FD_NAME || def->id == FIELD_FD_DIRECTORY ||
                       def->id == FIELD_PROC_EXEPATH || def->id == FIELD_PROC_CWD;
        if (_is_num_type(k->type)) {
            struct field_range r = field_value_range(def, arg);
            k->min = r.min;
            k->max = r.max;
            k->is_signed = r.min < 0;
            if (k->type == FT_BOOL) {
                k->min = 0;
                k->max = 1;
            }
            if (def->id == FIELD_USER_LOGINUID) /* the kernel and runtime read it as s32 */
                k->max = INT32_MAX;
            if (k->header && !k->is_signed && k->max > UINT32_MAX)
                k->max = UINT32_MAX;
        }
    }
    return (int)_nkeys++;
}

/* The kernel's fields that read another's slot (kfields.c: fd.cnet reads fd.cip's; fd.ip and
 * fd.port read both ends'): the synthetic event holds the value once, under the slot's field. */
static const struct kfield *_alias(const struct field_def *def, const char *arg)
{
    const struct kfield *kf = def ? kfield_for(def, arg) : NULL;
    return kf && kf->aliased ? kf : NULL;
}

static int _key_for(const struct field_def *def, const char *arg)
{
    if (!def)
        return -1;
    const struct kfield *alias = _alias(def, arg);
    if (alias && !alias->either_end)
        return _key_for(field_by_id(alias->alias), NULL);
    switch (def->id) {
    case FIELD_EVT_TYPE:
    case FIELD_EVT_TYPE_IS:
        return _key_nr;
    case FIELD_EVT_RES:
    case FIELD_EVT_RAWRES:
    case FIELD_EVT_FAILED:
        return _key_ret;
    default:
        break;
    }
    int i = _key_by_field[def->id];
    int last = -1;
    for (; i >= 0; i = _keys[i].next) {
        if (_same_arg(_keys[i].arg, arg))
            return i;
        last = i;
    }
    int k = _key_new(def, arg, KEY_NORMAL);
    if (last >= 0)
        _keys[last].next = k;
    else
        _key_by_field[def->id] = k;
    return k;
}

/* Pools dedupe through one hash set of (key, bytes). */
struct seen {
    uint64_t *h;
    size_t cap, n;
};
static struct seen _seen;

static bool _seen_add(int key, const void *data, size_t n)
{
    uint64_t h = _fnv(data, n, (uint64_t)key * 0x9e3779b97f4a7c15ULL) | 1;
    if ((_seen.n + 1) * 2 > _seen.cap) {
        uint64_t *old = _seen.h;
        size_t ocap = _seen.cap;
        _seen.cap = _seen.cap ? _seen.cap * 2 : 4096;
        _seen.h = _xcalloc(_seen.cap, sizeof(uint64_t));
        _seen.n = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i]) {
                size_t j = old[i] % _seen.cap;
                while (_seen.h[j])
                    j = (j + 1) % _seen.cap;
                _seen.h[j] = old[i];
                _seen.n++;
            }
        free(old);
    }
    size_t j = h % _seen.cap;
    while (_seen.h[j]) {
        if (_seen.h[j] == h)
            return false;
        j = (j + 1) % _seen.cap;
    }
    _seen.h[j] = h;
    _seen.n++;
    return true;
}

static void _add_const(int ki, const char *s, size_t n)
{
    struct key *k = &_keys[ki];
    if (!_seen_add(-1 - ki, s, n))
        return;
    if (k->nconsts == k->capconsts) {
        k->capconsts = k->capconsts ? k->capconsts * 2 : 8;
        k->consts = _xrealloc(k->consts, k->capconsts * sizeof(*k->consts));
    }
    k->consts[k->nconsts++] = (struct sv){_xstrndup(s, n), n};
}

/* A normalised absolute path: a leading '/', no empty components (or the
 * empty string: open("")). out holds n + 2 bytes. */
static size_t _canon(const char *s, size_t n, char *out)
{
    size_t at = 0;
    if (n && s[0] != '/')
        out[at++] = '/';
    for (size_t i = 0; i < n; i++)
        if (s[i] != '/' || !at || out[at - 1] != '/')
            out[at++] = s[i];
    out[at] = '\0';
    return at;
}

static void _pool_str(int ki, const char *s, size_t n)
{
    struct key *k = &_keys[ki];
    if (memchr(s, '\0', n))
        return; /* a kernel string cannot hold a NUL */
    char canon[1100];
    if (k->canonical && n < sizeof(canon) - 2) {
        n = _canon(s, n, canon);
        s = canon;
    }
    if (!_seen_add(ki, s, n))
        return;
    if (k->nstrs == k->capstrs) {
        k->capstrs = k->capstrs ? k->capstrs * 2 : 16;
        k->strs = _xrealloc(k->strs, k->capstrs * sizeof(*k->strs));
    }
    k->strs[k->nstrs++] = (struct sv){_xstrndup(s, n), n};
}

/* Numbers outside the field's range never occur; clamp to it. */
static uint64_t _clamp(const struct key *k, uint64_t v)
{
    if (k->is_signed) {
        int64_t s = (int64_t)v;
        int64_t max = k->max > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)k->max;
        if (s < k->min)
            s = k->min;
        if (s > max)
            s = max;
        return (uint64_t)s;
    }
    if ((int64_t)v < 0 && k->max <= (uint64_t)INT64_MAX)
        return 0;
    return v > k->max ? k->max : v;
}

static void _pool_num(int ki, uint64_t v)
{
    struct key *k = &_keys[ki];
    v = _clamp(k, v);
    if (!_seen_add(ki, &v, sizeof(v)))
        return;
    if (k->nnums == k->capnums) {
        k->capnums = k->capnums ? k->capnums * 2 : 16;
        k->nums = _xrealloc(k->nums, k->capnums * sizeof(*k->nums));
    }
    k->nums[k->nnums++] = v;
}

/* ---- near misses of a string constant ----------------------------------------------------------
 */

#define NVARIANTS 24

static size_t _put(char *out, size_t at, size_t cap, const char *s, size_t n)
{
    if (at >= cap)
        return at;
    if (n > cap - at)
        n = cap - at;
    memcpy(out + at, s, n);
    return at + n;
}

static size_t _fill_ch(char *out, size_t at, size_t cap, char ch, size_t n)
{
    while (n-- && at < cap)
        out[at++] = ch;
    return at;
}

/* Writes variant `kind` of constant c (slot size S) to out (cap bytes);
 * returns its length. */
static size_t _variant(int kind, const char *c, size_t n, const char *c2, size_t n2, size_t S,
                       char *out, size_t cap)
{
    size_t at = 0;
    switch (kind) {
    case 0: /* equal */
        return _put(out, 0, cap, c, n);
    case 1: /* one byte short */
        return _put(out, 0, cap, c, n ? n - 1 : 0);
    case 2: /* half */
        return _put(out, 0, cap, c, n / 2);
    case 3: /* extended */
        at = _put(out, 0, cap, c, n);
        return _put(out, at, cap, "x", 1);
    case 4: /* a directory of it */
        at = _put(out, 0, cap, c, n);
        return _put(out, at, cap, "/", 1);
    case 5: /* below it */
        at = _put(out, 0, cap, c, n);
        return _put(out, at, cap, "/sub/file", 9);
    case 6: /* ends with it */
        at = _put(out, 0, cap, "x", 1);
        return _put(out, at, cap, c, n);
    case 7:
        at = _put(out, 0, cap, "/usr/lib/", 9);
        return _put(out, at, cap, c, n);
    case 8: /* case changed */
    case 9:
        at = _put(out, 0, cap, c, n);
        for (size_t i = 0; i < at; i++) {
            unsigned char ch = (unsigned char)out[i];
            if (isalpha(ch)) {
                out[i] = (char)(islower(ch) ? toupper(ch) : tolower(ch));
                if (kind == 9)
                    break;
            }
        }
        return at;
    case 10: /* last byte changed */
        at = _put(out, 0, cap, c, n);
        if (at)
            out[at - 1] = out[at - 1] == 'q' ? 'r' : 'q';
        return at;
    case 11: /* padded to exactly fit the slot: S - 1 bytes */
        at = _put(out, 0, cap, c, n);
        return _fill_ch(out, at, cap, 'a', S - 1 > at ? S - 1 - at : 0);
    case 12: /* one byte too long for the slot */
        at = _put(out, 0, cap, c, n);
        return _fill_ch(out, at, cap, 'a', S > at ? S - at : 1);
    case 13: /* far too long */
        at = _put(out, 0, cap, c, n);
        return _fill_ch(out, at, cap, 'b', S + 37);
    case 14: /* empty */
        return 0;
    case 15: /* a glob instantiated: * as "zz", ? as 'q', [set] as its first member */
        for (size_t i = 0; i < n && at < cap; i++) {
            if (c[i] == '*') {
                at = _put(out, at, cap, "zz", 2);
            } else if (c[i] == '?') {
                out[at++] = 'q';
            } else if (c[i] == '[') {
                size_t j = i + 1;
                bool negated = j < n && (c[j] == '!' || c[j] == '^');
                out[at++] = negated ? '~' : j < n ? c[j] : 'q';
                while (i < n && c[i] != ']')
                    i++;
            } else if (c[i] == '\\' && i + 1 < n) {
                out[at++] = c[++i];
            } else {
                out[at++] = c[i];
            }
        }
        return at;
    case 16: /* doubled */
        at = _put(out, 0, cap, c, n);
        return _put(out, at, cap, c, n);
    case 17: /* contains it */
        at = _put(out, 0, cap, "pre/", 4);
        at = _put(out, at, cap, c, n);
        return _put(out, at, cap, "/post", 5);
    case 18: /* first byte dropped */
        return _put(out, 0, cap, c + (n ? 1 : 0), n ? n - 1 : 0);
    case 19: /* ends with it, padded to fit exactly */
        at = _fill_ch(out, 0, cap, '/', S - 1 > n ? S - 1 - n : 0);
        return _put(out, at, cap, c, n);
    case 20: /* ends with it, one byte too long */
        at = _fill_ch(out, 0, cap, '/', S > n ? S - n : 1);
        return _put(out, at, cap, c, n);
    case 21: /* another constant followed by this one */
        at = _put(out, 0, cap, c2, n2);
        return _put(out, at, cap, c, n);
    case 22: /* this one followed by another */
        at = _put(out, 0, cap, c, n);
        return _put(out, at, cap, c2, n2);
    case 23: /* a trailing slash dropped or a parent */
        if (n && c[n - 1] == '/')
            return _put(out, 0, cap, c, n - 1);
        {
            const char *slash = n ? memrchr(c, '/', n) : NULL;
            return slash ? _put(out, 0, cap, c, (size_t)(slash - c)) : _put(out, 0, cap, c, n);
        }
    default:
        return _put(out, 0, cap, c, n);
    }
}

static const char *const _generic_strs[] = {
    "",       "a",    "/",    "bash",      "sh",   "/bin/sh", "/etc",    "/etc/passwd",
    "/tmp/x", "root", "host", "/dev/null", "x/y",  "node",    "python3", "-c",
    "sshd",   "f",    "4",    "tcp",       "file", "ipv4",
};

static void _pool_build_str(int ki)
{
    struct key *k = &_keys[ki];
    char buf[1024];
    for (size_t g = 0; g < sizeof(_generic_strs) / sizeof(_generic_strs[0]); g++)
        _pool_str(ki, _generic_strs[g], strlen(_generic_strs[g]));
    size_t S = k->size;
    for (size_t i = 0; i < k->nconsts; i++) {
        const struct sv *c = &k->consts[i];
        const struct sv *c2 = &k->consts[_below(k->nconsts)];
        for (int v = 0; v < NVARIANTS; v++) {
            size_t n = _variant(v, c->s, c->n, c2->s, c2->n, S, buf, sizeof(buf));
            _pool_str(ki, buf, n);
        }
    }
    char rnd[64];
    for (int i = 0; i < 16; i++) {
        size_t n = 1 + _below(20);
        for (size_t j = 0; j < n; j++)
            rnd[j] = "abcdefghijklmnopqrstuvwxyz/._-0123456789"[_below(40)];
        _pool_str(ki, rnd, n);
    }
}

static void _pool_build_num(int ki)
{
    struct key *k = &_keys[ki];
    static const int64_t generic[] = {0,        1,     2,     3,         -1,
                                      -2,       7,     22,    80,        443,
                                      1000,     65535, 65536, INT32_MAX, (int64_t)INT32_MAX + 1,
                                      INT32_MIN};
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
        _pool_num(ki, (uint64_t)generic[i]);
    _pool_num(ki, (uint64_t)k->min);
    _pool_num(ki, k->max);
    _pool_num(ki, (uint64_t)k->min + 1);
    _pool_num(ki, k->max - 1);
    for (size_t i = 0; i < k->nconsts; i++) {
        long long v;
        char *end;
        errno = 0;
        const char *s = k->consts[i].s;
        if (k->type == FT_BOOL) {
            v = strcmp(s, "true") == 0;
        } else {
            v = strtoll(s, &end, 0);
            if (errno || end == s) {
                unsigned long long u = strtoull(s, &end, 0);
                if (end == s)
                    continue;
                v = (long long)u;
            }
        }
        for (long long d = -2; d <= 2; d++)
            _pool_num(ki, (uint64_t)(v + d));
        _pool_num(ki, (uint64_t)-v);
    }
    for (int i = 0; i < 8; i++)
        _pool_num(ki, _rnd() % 100000);
}

/* ---- event types and return values
 * --------------------------------------------------------------- */

static int _hook_nrs[MAX_NR];
static size_t _nhook_nrs;

static void _pool_build_nr(void)
{
    bool seen[MAX_NR] = {0};
    for (size_t i = 0; i < evttype_count(); i++) {
        const struct evttype *t = evttype_at(i);
        if (t->hook != EVTHOOK_SYS_EXIT || t->nr < 0 || t->nr >= MAX_NR)
            continue;
        /* a hooked name must be the one its events are reported under, or
         * `evt.type = name` would hold in the kernel and not in Falco */
        if (evttype_by_nr(t->nr) != t)
            _inconsistent("evt.type %s (nr %d) is hooked, but syscall %d is reported as %s",
                          t->name, t->nr, t->nr,
                          evttype_by_nr(t->nr) ? evttype_by_nr(t->nr)->name : "nothing");
        if (seen[t->nr])
            continue;
        seen[t->nr] = true;
        _hook_nrs[_nhook_nrs++] = t->nr;
        _pool_num(_key_nr, (uint64_t)t->nr);
    }
}

static int _errno_of(const char *name)
{
    for (int e = 1; e < 4096; e++) {
        const char *n = strerrorname_np(e);
        if (n && strcmp(n, name) == 0)
            return e;
    }
    if (name[0] == 'E' && name[1] && strspn(name + 1, "0123456789") == strlen(name + 1))
        return atoi(name + 1);
    return 0;
}

static void _pool_build_ret(void)
{
    static const int64_t generic[] = {0,   1,   3,    42,   4096, -1,   -2,   -4,   -11,
                                      -13, -22, -110, -115, -133, -134, -200, -4095};
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
        _pool_num(_key_ret, (uint64_t)generic[i]);
    struct key *k = &_keys[_key_ret];
    for (size_t i = 0; i < k->nconsts; i++) {
        const char *s = k->consts[i].s;
        char *end;
        long long v = strtoll(s, &end, 0);
        if (end != s && !*end) {
            for (long long d = -1; d <= 1; d++)
                _pool_num(_key_ret, (uint64_t)(v + d));
            continue;
        }
        int e = _errno_of(s);
        if (e) {
            _pool_num(_key_ret, (uint64_t)(int64_t)-e);
            _pool_num(_key_ret, (uint64_t)(int64_t) - (e + 1));
        }
    }
}

/* ---- the synthetic event --------------------------------------------------------------------- */

struct event {
    int nr;
    int64_t ret;
};

static struct event _ev;

static void _set_none(struct key *k)
{
    k->gen = _gen;
    k->none = true;
    k->kerr = false;
}

/* A value from the key's pool (or none). */
static void _ensure(int ki);

static void _assign_random(int ki)
{
    struct key *k = &_keys[ki];
    k->gen = _gen;
    k->none = false;
    k->kerr = k->kf && !k->header && _chance(3);
    if (ki == _key_nr) {
        k->num = (uint64_t)_hook_nrs[_below(_nhook_nrs)];
        return;
    }
    if (!k->header && _chance(7)) {
        k->none = true;
        return;
    }
    if (k->kf && k->kf->arg_by_syscall && k->kf->kind == KF_NUM) {
        /* evt.arg.NAME of a register argument: a register value of the event's syscall's
         * kind, and the text the runtime prints for it (core/sysargs.c), or none. */
        _ensure(_key_nr);
        const struct evttype *t = evttype_by_nr((int)_keys[_key_nr].num);
        const struct sysarg *a = t ? sysarg_find(t->name, k->arg) : NULL;
        if (!a) {
            k->none = true;
            return;
        }
        k->num = sysarg_example(a->kind, (unsigned)_below(1000));
        const char *txt = sysarg_render(a, k->num, k->text, sizeof(k->text));
        if (txt != k->text)
            snprintf(k->text, sizeof(k->text), "%s", txt);
        return;
    }
    if (k->list) {
        k->nlist = 1 + _below(3);
        for (size_t i = 0; i < k->nlist; i++) {
            const struct sv *s = &k->strs[_below(k->nstrs)];
            k->list_v[i] = (struct fv_str){s->s, s->n};
        }
        return;
    }
    if (k->type == FT_IPADDR || k->type == FT_IPNET) {
        /* an address from a constant (host part bumped now and then) */
        memset(k->ip, 0, sizeof(k->ip));
        k->family = 4;
        bool done = false;
        if (k->nconsts && _chance(80)) {
            const struct sv *c = &k->consts[_below(k->nconsts)];
            char b[64];
            size_t n = c->n < sizeof(b) - 1 ? c->n : sizeof(b) - 1;
            memcpy(b, c->s, n);
            b[n] = '\0';
            char *slash = strchr(b, '/');
            if (slash)
                *slash = '\0';
            if (inet_pton(AF_INET, b, k->ip) == 1) {
                done = true;
                if (_chance(40))
                    k->ip[3] ^= (uint8_t)(1 + _below(3));
            } else if (inet_pton(AF_INET6, b, k->ip) == 1) {
                k->family = 6;
                done = true;
                if (_chance(40))
                    k->ip[15] ^= (uint8_t)(1 + _below(3));
            }
        }
        if (!done) {
            k->ip[0] = 10;
            k->ip[3] = (uint8_t)_below(256);
        }
        return;
    }
    if (_is_num_type(k->type) || k->pseudo) {
        k->num = k->nnums ? k->nums[_below(k->nnums)] : 0;
        return;
    }
    const struct sv *s = &k->strs[_below(k->nstrs)];
    k->str = *s;
}

static void _ensure(int ki)
{
    if (_keys[ki].gen != _gen)
        _assign_random(ki);
}

static const char *_errno_name(int64_t ret, char *buf, size_t size)
{
    const char *name = strerrorname_np((int)-ret);
    if (name)
        return name;
    snprintf(buf, size, "E%lld", (long long)-ret);
    return buf;
}

static void _num_value(struct field_value *out, enum field_type type, uint64_t v)
{
    field_value_number(out, type, v);
}

/* The runtime's view of a candidate: truncated slots hold a prefix. */
static bool _captured_view;

/* The oracle's view: the complete values of the synthetic event (or, with
 * _captured_view, what the residual sees). */
static int _get(void *ctx, const struct ast_field *f, struct field_value *out);
static uint64_t _dns_mask(uint8_t family, const uint8_t *addr);
static const char *_dns_name(uint64_t mask);

/* fd.ip, fd.net, fd.port: the list of both ends' values as text, as runtime/event.c gives them
 * (<NA> unless both ends have one). */
static int _get_both_ends(const struct kfield *alias, struct field_value *out)
{
    static char text[2][64];
    static struct fv_str list[2];
    enum field_id ids[2] = {alias->alias, alias->other};
    for (int i = 0; i < 2; i++) {
        struct field_value v;
        struct ast_field f = {.def = field_by_id(ids[i])};
        f.name = f.def->name;
        _get(NULL, &f, &v);
        if (v.kind == FV_NONE) {
            out->kind = FV_NONE;
            return 0;
        }
        if (v.kind == FV_IP) {
            struct ipaddr ip;
            ipaddr_from_value(&v, &ip);
            ipaddr_text(&ip, text[i], sizeof(text[i]));
        } else {
            snprintf(text[i], sizeof(text[i]), "%llu", (unsigned long long)v.u);
        }
        list[i] = (struct fv_str){text[i], strlen(text[i])};
    }
    out->kind = FV_LIST;
    out->list = list;
    out->nlist = 2;
    return 0;
}

static int _get(void *ctx, const struct ast_field *f, struct field_value *out)
{
    (void)ctx;
    memset(out, 0, sizeof(*out));
    out->kind = FV_NONE;
    /* A field rulec run has no value for is <NA> there, whatever the event (lowering folds its
     * comparisons to false). */
    if (!f->def || !available_field(FSRC_SYSCALL, f->def, ast_field_arg(f)))
        return 0;
    switch (f->def->id) {
    case FIELD_EVT_TYPE: {
        _ensure(_key_nr);
        const struct evttype *t = evttype_by_nr((int)_keys[_key_nr].num);
        if (t) {
            out->kind = FV_STR;
            out->str = (struct fv_str){t->name, strlen(t->name)};
        }
        return 0;
    }
    case FIELD_EVT_TYPE_IS: {
        _ensure(_key_nr);
        const struct evttype *t = evttype_by_nr((int)_keys[_key_nr].num);
        bool is = t && f->arg && (strcmp(t->name, f->arg) == 0);
        _num_value(out, FT_UINT, is);
        return 0;
    }
    case FIELD_EVT_RES: {
        static char buf[32];
        _ensure(_key_ret);
        int64_t ret = (int64_t)_keys[_key_ret].num;
        const char *s = ret >= 0 ? "SUCCESS" : _errno_name(ret, buf, sizeof(buf));
        out->kind = FV_STR;
        out->str = (struct fv_str){s, strlen(s)};
        return 0;
    }
    case FIELD_EVT_RAWRES:
        _ensure(_key_ret);
        _num_value(out, f->def->type, _keys[_key_ret].num);
        return 0;
    case FIELD_EVT_FAILED:
        _ensure(_key_ret);
        _num_value(out, FT_BOOL, (int64_t)_keys[_key_ret].num < 0);
        return 0;
    case FIELD_EVT_DIR:
        out->kind = FV_STR;
        out->str = (struct fv_str){"<", 1};
        return 0;
    case FIELD_EVT_NUM:
        _num_value(out, FT_UINT, _event_number);
        return 0;
    default:
        break;
    }
    const struct kfield *alias = _alias(f->def, ast_field_arg(f));
    if (alias && alias->either_end)
        return _get_both_ends(alias, out);
    if (alias && alias->kind == KF_DNS) { /* as runtime/dns.c: the first name, "" for none */
        struct field_value ip;
        struct ast_field af = {.def = field_by_id(alias->alias)};
        af.name = af.def->name;
        _get(NULL, &af, &ip);
        if (ip.kind != FV_IP)
            return 0;
        const char *name = _dns_name(_dns_mask(ip.family, ip.ip));
        out->kind = FV_STR;
        out->str = (struct fv_str){name, strlen(name)};
        return 0;
    }
    int ki = _key_for(f->def, ast_field_arg(f));
    struct key *k = &_keys[ki];
    if (!k->nstrs && !k->nnums) {
        /* a field first seen now: a generic pool */
        if (_is_num_type(k->type) && !k->list)
            _pool_build_num(ki);
        else
            _pool_build_str(ki);
        k = &_keys[ki];
    }
    _ensure(ki);
    if (k->none)
        return 0;
    if (k->list) {
        out->kind = FV_LIST;
        out->list = k->list_v;
        out->nlist = k->nlist;
        return 0;
    }
    if (k->type == FT_IPADDR || k->type == FT_IPNET) {
        out->kind = FV_IP;
        out->family = k->family;
        memcpy(out->ip, k->ip, 16);
        return 0;
    }
    if (_is_num_type(k->type)) {
        _num_value(out, k->type, k->num);
        return 0;
    }
    if (k->kf && k->kf->arg_by_syscall && k->kf->kind == KF_NUM) {
        out->kind = FV_STR;
        out->str = (struct fv_str){k->text, strlen(k->text)};
        return 0;
    }
    out->kind = FV_STR;
    out->str = (struct fv_str){k->str.s, k->str.n};
    if (_captured_view && k->slot && !k->kerr && k->str.n >= k->size) {
        /* what the record holds: the slot's prefix, marked truncated */
        out->str.len = k->size - 1;
        out->truncated = true;
    }
    return 0;
}

/* ---- the kernel's view -------------------------------------------------------------------------
 */

static const struct policy_meta *_meta;
static unsigned long _fills[RULEC_SLOT_ERROR + 1];

/* What the runtime's resolver (runtime/dns.c) would put in rulec_dns: the driver makes up the
 * addresses of the policy's i-th name, 10.77.i.1, 10.77.i.2 and fd77::i, and one address,
 * 10.77.255.1, that every name resolves to (the first name wins there). */
static void _dns_addr(size_t name, int which, uint8_t *family, uint8_t addr[16])
{
    memset(addr, 0, 16);
    *family = which == 2 ? 6 : 4;
    if (which == 2) {
        addr[0] = 0xfd;
        addr[1] = 0x77;
        addr[15] = (uint8_t)name;
    } else {
        addr[0] = 10;
        addr[1] = 77;
        addr[2] = which == 3 ? 255 : (uint8_t)name;
        addr[3] = which == 1 ? 2 : 1;
    }
}

static uint64_t _dns_mask(uint8_t family, const uint8_t *addr)
{
    uint64_t mask = 0;
    for (size_t i = 0; _meta && i < _meta->ndns_names && i < 64; i++)
        for (int w = 0; w < 4; w++) {
            uint8_t f, a[16];
            _dns_addr(i, w, &f, a);
            if (f == family && !memcmp(a, addr, f == 4 ? 4 : 16))
                mask |= 1ULL << i;
        }
    return mask;
}

__u64 rulec_host_dns(const __u8 *ip)
{
    return _dns_mask(ip[0], ip + RULEC_IP_ADDR);
}

static const char *_dns_name(uint64_t mask)
{
    for (size_t i = 0; mask && i < 64; i++)
        if (mask >> i & 1)
            return _meta->dns_names[i];
    return "";
}

static size_t _dns_index(const char *name)
{
    for (size_t i = 0; _meta && i < _meta->ndns_names; i++)
        if (!strcmp(_meta->dns_names[i], name))
            return i;
    return (size_t)-1;
}
static const struct field_def **_slot_defs;
static int *_slot_keys;
static unsigned char *_event_base;
static size_t _event_size;
static bool _submitted;
static uint64_t *_sub_mask, *_sub_maybe;
static unsigned _mask_words;

int rulec_host_begin(void *event, size_t event_size, struct rulec_record_hdr *hdr)
{
    _event_base = event;
    if (event_size != _event_size)
        _inconsistent("event size %zu, metadata record size %zu", event_size, _event_size);
    hdr->evt_id = (uint32_t)_ev.nr;
    hdr->ret = _ev.ret;
    static const enum field_id ids[] = {FIELD_PROC_PID, FIELD_THREAD_TID, FIELD_PROC_PPID,
                                        FIELD_USER_UID, FIELD_GROUP_GID,  FIELD_USER_LOGINUID};
    uint32_t v[6];
    for (size_t i = 0; i < 6; i++) {
        int ki = _key_for(field_by_id(ids[i]), NULL);
        _ensure(ki);
        if (_keys[ki].none) /* header values always exist */
            _keys[ki].none = false;
        v[i] = (uint32_t)_keys[ki].num;
    }
    hdr->pid = v[0];
    hdr->tid = v[1];
    hdr->ppid = v[2];
    hdr->uid = v[3];
    hdr->gid = v[4];
    hdr->loginuid = v[5];
    memset(hdr->args, 0, sizeof(hdr->args));
    return 1;
}

void rulec_host_submit(const void *event, size_t event_size, const __u64 *mask, const __u64 *maybe,
                       unsigned words, int reserve)
{
    (void)event;
    (void)event_size;
    if (words != _mask_words)
        _inconsistent("submit with %u mask words, metadata says %u", words, _mask_words);
    /* The reserve ring buffer is for records with a candidate of priority Critical or above. */
    int want = 0;
    for (size_t i = 0; i < _meta->nrules; i++)
        if (((mask[i / 64] >> (i % 64)) & 1) &&
            priority_at_least(priority_parse(_meta->rules[i].priority), ALERT_PRIO_CRITICAL))
            want = 1;
    if (!!reserve != want)
        _inconsistent("submit to the %s ring buffer, the candidates' priorities say the %s",
                      reserve ? "reserve" : "main", want ? "reserve" : "main");
    _submitted = true;
    memcpy(_sub_mask, mask, words * 8);
    memcpy(_sub_maybe, maybe, words * 8);
}

void rulec_host_fill(const char *fill, const void *cx, struct rulec_slot_hdr *h, __u8 *d,
                     __u32 size, __u32 arg)
{
    (void)cx;
    size_t off = (size_t)((unsigned char *)h - _event_base);
    size_t si = 0;
    while (si < _meta->nslots && _meta->slots[si].offset != off)
        si++;
    if (si == _meta->nslots) {
        _inconsistent("rulec_fill_%s at offset %zu, which is no slot of the metadata", fill, off);
        h->status = RULEC_SLOT_ERROR;
        return;
    }
    const struct policy_slot *ps = &_meta->slots[si];
    const struct field_def *def = _slot_defs[si];
    const struct kfield *kf = kfield_for(def, ps->arg);
    if (!kf || !kf->fill || strcmp(kf->fill, fill) != 0 || kf->size != size || ps->size != size ||
        d != (unsigned char *)(h + 1))
        _inconsistent("slot %zu (%s%s%s): filled by rulec_fill_%s (size %u), the catalogue says "
                      "%s (size %u), metadata size %u",
                      si, ps->field, ps->arg ? " " : "", ps->arg ? ps->arg : "", fill, size,
                      kf && kf->fill ? kf->fill : "-", kf ? kf->size : 0, ps->size);
    /* evt.arg.NAME passes the register for the event's syscall (the
     * generated switch over core/sysargs.def), which the e2e tests check on
     * real syscalls; the synthetic event holds the value itself. */
    __u32 want_arg = kf && kf->takes_index && ps->arg ? (__u32)atoi(ps->arg) : 0;
    if (kf && kf->arg_by_syscall)
        want_arg = arg;
    if (arg != want_arg)
        _inconsistent("slot %zu (%s): fill argument %u, expected %u", si, ps->field, arg, want_arg);
    struct key *k = &_keys[_slot_keys[si]];
    _ensure(_slot_keys[si]);
    memset(d, 0, size);
    h->len = 0;
    h->hashed = 0; /* as rulec_slot_status: a refilled slot's hash is stale */
    if (k->none) {
        h->status = RULEC_SLOT_NONE;
    } else if (k->kerr) {
        h->status = RULEC_SLOT_ERROR;
    } else if (!kf || kf->kind == KF_NUM) {
        int64_t v = (int64_t)k->num;
        memcpy(d, &v, 8);
        h->len = 8;
        h->status = RULEC_SLOT_OK;
    } else if (k->type == FT_IPADDR || k->type == FT_IPNET) { /* binary: RULEC_IP_SLOT */
        d[0] = k->family == 6 ? 6 : 4;
        memcpy(d + RULEC_IP_ADDR, k->ip, k->family == 6 ? 16 : 4);
        h->len = RULEC_IP_ADDR + 16;
        h->status = RULEC_SLOT_OK;
    } else if (k->str.n >= size) { /* the extractors read size - 1 bytes and flag the rest */
        memcpy(d, k->str.s, size - 1);
        h->len = (__u16)(size - 1);
        h->status = RULEC_SLOT_TRUNCATED;
    } else {
        memcpy(d, k->str.s, k->str.n);
        h->len = (__u16)k->str.n;
        h->status = RULEC_SLOT_OK;
    }
    _fills[h->status]++;
}

/* ---- rules ---------------------------------------------------------------------------------- */

typedef int (*prog_fn)(void *regs, long ret);
typedef int (*rule_fn)(void);

struct trule {
    struct rs_rule *rule;
    struct interp *interp;  /* the full condition: the oracle */
    struct interp *lowered; /* the lowered condition, which the kernel follows */
    int index;              /* in the policy, or -1: not compiled (the kernel never passes it) */
    rule_fn fns[MAX_NR];    /* per syscall: the function its program calls (codegen specialises
                             * a rule run by several programs, rulec_ruleN_gG, to each) */
    int *nrs;               /* hooked syscall numbers */
    size_t nnrs;
    /* counts */
    unsigned long evals, itrue, imaybe, k[3], fn_count, fy_count, lower_diff, targeted, ttrue,
        residual_drop;
};

static struct trule *_rules;
static size_t _nrules;
static prog_fn _progs[MAX_NR];
static const char *_prog_names[MAX_NR];

static void _collect(const struct ast_node *n)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        for (size_t i = 0; i < n->list.nkids; i++)
            _collect(n->list.kids[i]);
        return;
    case AST_NOT:
        _collect(n->operand);
        return;
    case AST_CMP: {
        if (!n->cmp.lhs.def)
            return;
        const struct kfield *alias = _alias(n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs));
        int keys[2] = {_key_for(n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs)), -1};
        if (alias && alias->either_end) { /* either end: the constants steer both */
            keys[0] = _key_for(field_by_id(alias->alias), NULL);
            keys[1] = _key_for(field_by_id(alias->other), NULL);
        }
        if (n->cmp.rhs.kind == RHS_FIELD && n->cmp.rhs.field.def)
            _key_for(n->cmp.rhs.field.def, n->cmp.rhs.field.arg);
        if (alias && alias->kind == KF_DNS) { /* the names' made-up addresses steer the address */
            for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
                size_t d = _dns_index(n->cmp.rhs.values[i].text);
                for (int w = 0; d != (size_t)-1 && w < 4; w++) {
                    uint8_t fam, a[16];
                    char text[64];
                    _dns_addr(d, w, &fam, a);
                    inet_ntop(fam == 6 ? AF_INET6 : AF_INET, a, text, sizeof(text));
                    _add_const(keys[0], text, strlen(text));
                }
            }
            return;
        }
        if (n->cmp.rhs.kind == RHS_VALUE || n->cmp.rhs.kind == RHS_LIST)
            for (size_t k = 0; k < 2 && keys[k] >= 0; k++)
                for (size_t i = 0; i < n->cmp.rhs.nvalues; i++)
                    _add_const(keys[k], n->cmp.rhs.values[i].text, n->cmp.rhs.values[i].len);
        return;
    }
    default:
        return;
    }
}

/* ---- generation: steer the target rule towards true or false
 * ------------------------------------- */

static struct trule *_target;

static bool _want_met(enum interp_result r, bool want)
{
    return want ? r != INTERP_FALSE : r == INTERP_FALSE;
}

static void _set_str(struct key *k, const char *s, size_t n)
{
    k->gen = _gen;
    k->none = false;
    k->kerr = k->kf && !k->header && _chance(2);
    char *p = _scratch_alloc(n + 1);
    size_t at = n;
    if (k->canonical) {
        at = _canon(s, n, p); /* the kernel reads these as normalised absolute paths */
    } else {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    k->str = (struct sv){p, at};
}

static void _set_num(struct key *k, uint64_t v)
{
    k->gen = _gen;
    k->none = false;
    k->kerr = k->kf && !k->header && _chance(2);
    k->num = _clamp(k, v);
}

/* The atoms steered in this event, so that a second atom on a field keeps
 * the first one's answer (contains "a" and contains "b"). */
struct constraint {
    const struct ast_node *atom;
    bool want;
    int key;
};
static struct constraint _cons[1024];
static size_t _ncons;

static bool _constraints_hold(int ki, const struct ast_node *n, bool want)
{
    if (!_want_met(interp_eval_atom(_target->interp, n, _get, NULL), want))
        return false;
    for (size_t i = 0; i < _ncons; i++)
        if (_cons[i].key == ki &&
            !_want_met(interp_eval_atom(_target->interp, _cons[i].atom, _get, NULL), _cons[i].want))
            return false;
    return true;
}

/* One candidate value for the atom's field: mostly near misses of the
 * atom's own constants, joined to the current value when there is one. */
static void _candidate(int ki, const struct ast_node *n, int tries, const struct key *prev)
{
    struct key *k = &_keys[ki];
    const struct ast_field *f = &n->cmp.lhs;
    const struct ast_rhs *rhs = &n->cmp.rhs;
    size_t nvals = rhs->kind == RHS_VALUE || rhs->kind == RHS_LIST ? rhs->nvalues : 0;
    char buf[1024];
    if (ki == _key_nr) {
        const struct evttype *t =
            nvals && tries < 20 ? evttype_lookup(rhs->values[_below(nvals)].text) : NULL;
        k->gen = _gen;
        k->none = false;
        k->num = t && t->nr >= 0 && t->hook == EVTHOOK_SYS_EXIT
                     ? (uint64_t)t->nr
                     : (uint64_t)_hook_nrs[_below(_nhook_nrs)];
    } else if (!k->header && tries % 13 == 12) {
        _set_none(k);
    } else if (k->list || k->type == FT_IPADDR || k->type == FT_IPNET) {
        _assign_random(ki);
    } else if (_is_num_type(k->type) || ki == _key_ret) {
        if (nvals && tries < 30) {
            const char *s = rhs->values[_below(nvals)].text;
            char *end;
            long long v;
            if (k->type == FT_BOOL && (!strcmp(s, "true") || !strcmp(s, "false"))) {
                v = s[0] == 't';
            } else if (ki == _key_ret && f->def->id == FIELD_EVT_RES) {
                v = strcmp(s, "SUCCESS") == 0 ? (long long)_below(5) : -(long long)_errno_of(s);
            } else {
                v = strtoll(s, &end, 0);
                if (end == s)
                    v = (long long)_below(100);
            }
            static const int deltas[] = {0, 0, 0, 1, -1, 2, -2};
            _set_num(k, (uint64_t)(v + deltas[_below(7)]));
        } else {
            _assign_random(ki);
        }
    } else if (nvals && tries < 36) {
        const struct ast_value *c = &rhs->values[_below(nvals)];
        const struct ast_value *c2 = &rhs->values[_below(nvals)];
        /* mostly the shapes that match: equal, below, ends with, contains, a glob */
        static const int likely[] = {0, 0, 4, 5, 6, 7, 15, 17, 3, 11, 19, 12, 13, 20};
        int kind = _chance(70) ? likely[_below(sizeof(likely) / sizeof(likely[0]))]
                               : (int)_below(NVARIANTS);
        size_t len =
            _variant(kind, c->text, c->len, c2->text, c2->len, k->size, buf, sizeof(buf) / 2);
        if (memchr(buf, '\0', len))
            len = (size_t)((char *)memchr(buf, '\0', len) - buf);
        if (prev && !prev->none && prev->str.n < sizeof(buf) / 2 - 2 && tries % 4 != 3) {
            /* joined to the value another atom chose */
            char joined[1024];
            size_t at = 0, pn = prev->str.n;
            switch (_below(4)) {
            case 0:
                memcpy(joined, prev->str.s, pn);
                memcpy(joined + pn, buf, len);
                at = pn + len;
                break;
            case 1:
                memcpy(joined, buf, len);
                memcpy(joined + len, prev->str.s, pn);
                at = pn + len;
                break;
            case 2:
                memcpy(joined, prev->str.s, pn);
                joined[pn] = ' ';
                memcpy(joined + pn + 1, buf, len);
                at = pn + 1 + len;
                break;
            default:
                memcpy(joined, buf, len);
                joined[len] = '/';
                memcpy(joined + len + 1, prev->str.s, pn);
                at = pn + 1 + len;
                break;
            }
            _set_str(k, joined, at);
        } else {
            _set_str(k, buf, len);
        }
    } else {
        _assign_random(ki);
    }
}

/* Tries values for the atom's field until the atom has the wanted value
 * (and the atoms steered before on the same field keep theirs). */
static void _steer_atom(const struct ast_node *n, bool want)
{
    const struct ast_field *f = &n->cmp.lhs;
    if (!f->def)
        return;
    int ki = _key_for(f->def, ast_field_arg(f));
    if (ki < 0)
        return;
    struct key *k = &_keys[ki];
    bool had = k->gen == _gen;
    if (had && _constraints_hold(ki, n, want))
        goto done;
    struct key saved = *k;
    bool joinable = had && !k->none && !k->list && !_is_num_type(k->type) && !k->pseudo &&
                    k->type != FT_IPADDR && k->type != FT_IPNET;
    for (int tries = 0; tries < 48; tries++) {
        size_t mark = _scratch_used;
        _candidate(ki, n, tries, joinable ? &saved : NULL);
        if (_constraints_hold(ki, n, want))
            goto done;
        _scratch_used = mark;
    }
    /* give up: the value before, or a random one decided later */
    *k = saved;
    if (!had)
        k->gen = _gen - 1;
    return;
done:
    if (_ncons < sizeof(_cons) / sizeof(_cons[0]))
        _cons[_ncons++] = (struct constraint){n, want, ki};
}

static void _steer(const struct ast_node *n, bool want)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR: {
        bool all = (n->kind == AST_AND) == want; /* every kid gets `want` */
        size_t nk = n->list.nkids;
        size_t start = _below(nk);
        if (all) {
            for (size_t i = 0; i < nk; i++)
                _steer(n->list.kids[(start + i) % nk], want);
        } else {
            _steer(n->list.kids[start], want); /* one kid decides */
        }
        return;
    }
    case AST_NOT:
        _steer(n->operand, !want);
        return;
    case AST_CMP:
        _steer_atom(n, want);
        return;
    default:
        return;
    }
}

/* ---- reporting a failure ----------------------------------------------------------------------
 */

static void _print_value(FILE *out, const struct ast_field *f)
{
    struct field_value v;
    _get(NULL, f, &v);
    fprintf(out, "      %s%s%s%s = ", f->name, f->arg ? "[" : "", f->arg ? f->arg : "",
            f->arg ? "]" : "");
    switch (v.kind) {
    case FV_NONE:
        fputs("<NA>", out);
        break;
    case FV_STR:
        fputc('"', out);
        for (size_t i = 0; i < v.str.len; i++) {
            if (i == 60 && v.str.len > 100) {
                fputs("...", out);
                i = v.str.len - 30;
            }
            unsigned char ch = (unsigned char)v.str.ptr[i];
            if (ch == '"' || ch == '\\')
                fprintf(out, "\\%c", ch);
            else if (ch >= 0x20 && ch < 0x7f)
                fputc(ch, out);
            else
                fprintf(out, "\\x%02x", ch);
        }
        fprintf(out, "\" (%zu bytes)", v.str.len);
        break;
    case FV_INT:
        fprintf(out, "%" PRId64, v.i);
        break;
    case FV_UINT:
        fprintf(out, "%" PRIu64, v.u);
        break;
    case FV_BOOL:
        fputs(v.b ? "true" : "false", out);
        break;
    case FV_LIST:
        fprintf(out, "(list of %zu)", v.nlist);
        break;
    default:
        fputs("(address)", out);
        break;
    }
    if (f->def) {
        int ki = _key_for(f->def, ast_field_arg(f));
        struct key *k = &_keys[ki];
        if (k->kf && !k->header) {
            const char *st = k->none                                              ? "NONE"
                             : k->kerr                                            ? "ERROR"
                             : (k->kf->kind == KF_STR && k->str.n >= k->kf->size) ? "TRUNCATED"
                                                                                  : "OK";
            fprintf(out, "   [kernel slot: %s]", st);
        } else if (!k->kf && f->def->id != FIELD_EVT_TYPE) {
            fputs("   [userspace only]", out);
        }
    }
    fputc('\n', out);
}

/* The kernel's memoised atoms, read from the generated C: each atom function's comment is its
 * canonical text (escaped as codegen's _emit_comment escapes it) and, when the atom is used more
 * than once, its body tests its memo bit. */
struct katom {
    char *text;
    int w, b; /* atom_have word and bit; w < 0: not memoised */
};
static struct katom *_katoms;
static size_t _nkatoms;
static unsigned _atom_words;

static char *_comment_text(const char *key)
{
    size_t n = strlen(key);
    char *out = _xcalloc(2 * n + 1, 1), *o = out;
    for (char prev = 0; *key; prev = *key++) {
        if ((prev == '/' && *key == '*') || (prev == '*' && *key == '/'))
            *o++ = ' ';
        *o++ = *key;
    }
    return out;
}

static void _parse_atoms(const char *ctext)
{
    static const char fn[] = " */\nstatic __always_inline RULEC_NODEBUG int rulec_atom";
    for (const char *p = strstr(ctext, "\n/* "); p; p = strstr(p + 1, "\n/* ")) {
        char *end;
        strtoul(p + 4, &end, 10);
        if (end == p + 4 || strncmp(end, ": ", 2) != 0)
            continue;
        const char *text = end + 2, *close = strstr(text, fn);
        const char *next = strstr(text, "\n/* ");
        if (!close || (next && next < close))
            continue;
        struct katom k = {.text = _xcalloc((size_t)(close - text) + 1, 1), .w = -1, .b = 0};
        memcpy(k.text, text, (size_t)(close - text));
        const char *memo = strstr(close, "if (e->atom_have[");
        const char *after = strstr(close + 1, "\n/* ");
        if (memo && (!after || memo < after) &&
            sscanf(memo, "if (e->atom_have[%d] & (1ULL << %d))", &k.w, &k.b) != 2)
            k.w = -1;
        if (!memo || (after && memo > after))
            k.w = -1;
        _katoms = _xrealloc(_katoms, (_nkatoms + 1) * sizeof(*_katoms));
        _katoms[_nkatoms++] = k;
    }
}

/* The kernel's memoised value of an atom in this event: 0, 1, 2, or -1 when
 * it was not evaluated. */
static int _kernel_atom(struct arena *arena, const struct ast_node *n)
{
    if (!_event_base || !split_atom_in_kernel(n))
        return -1;
    char *text = _comment_text(ast_to_string(arena, n));
    size_t i = 0;
    while (i < _nkatoms && strcmp(_katoms[i].text, text) != 0)
        i++;
    free(text);
    if (i == _nkatoms || _katoms[i].w < 0)
        return -1; /* not memoised: the kernel keeps no value of it */
    const uint64_t *words =
        (const uint64_t *)(_event_base + sizeof(struct rulec_record_hdr) + 2 * _mask_words * 8);
    unsigned w = (unsigned)_katoms[i].w;
    uint64_t bit = 1ULL << _katoms[i].b;
    if (w >= _atom_words || !(words[w] & bit))
        return -1;
    return (words[_atom_words + w] & bit ? 1 : 0) | (words[2 * _atom_words + w] & bit ? 2 : 0);
}

struct printed {
    const struct ast_field *f[256];
    size_t n;
};

static void _print_atoms(FILE *out, const struct trule *r, const struct ast_node *n,
                         struct arena *arena, struct printed *pr)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        for (size_t i = 0; i < n->list.nkids; i++)
            _print_atoms(out, r, n->list.kids[i], arena, pr);
        return;
    case AST_NOT:
        _print_atoms(out, r, n->operand, arena, pr);
        return;
    case AST_CMP: {
        enum interp_result res = interp_eval_atom(r->lowered, n, _get, NULL);
        int k = split_atom_in_kernel(n) ? _kernel_atom(arena, n) : 2;
        char ks[16];
        snprintf(ks, sizeof(ks), "%d", k);
        fprintf(out, "    interp %-5s kernel %-5s %s\n",
                res == INTERP_TRUE    ? "true"
                : res == INTERP_FALSE ? "false"
                                      : "maybe",
                !split_atom_in_kernel(n) ? "2(us)"
                : k < 0                  ? "-"
                                         : ks,
                ast_to_string(arena, n));
        if (pr->n < 255 && n->cmp.lhs.def) {
            pr->f[pr->n++] = &n->cmp.lhs;
            if (n->cmp.rhs.kind == RHS_FIELD && n->cmp.rhs.field.def)
                pr->f[pr->n++] = &n->cmp.rhs.field;
        }
        return;
    }
    default:
        return;
    }
}

static unsigned long _shown;

/* Shows the first failure of each kind for each rule, up to a limit. */
static void _report(const char *what, struct trule *r, unsigned long nth, enum interp_result ir,
                    int kv, int direct, struct arena *arena)
{
    if (nth != 1 || ++_shown > MAX_FAILS_SHOWN)
        return;
    const struct evttype *t = evttype_by_nr(_ev.nr);
    fprintf(stderr, "diff: FAIL: %s\n  rule: %s\n  condition: %s\n", what, r->rule->name,
            ast_to_string(arena, r->rule->ast));
    fprintf(stderr, "  event: evt.type=%s (nr %d) ret=%" PRId64 "\n", t ? t->name : "?", _ev.nr,
            _ev.ret);
    fprintf(stderr, "  interp: %s; kernel: %d%s",
            ir == INTERP_TRUE    ? "true"
            : ir == INTERP_FALSE ? "false"
                                 : "maybe",
            kv,
            r->index < 0     ? " (rule not compiled)"
            : _progs[_ev.nr] ? ""
                             : " (syscall not hooked)");
    if (direct >= 0)
        fprintf(stderr, "; rulec_rule%d() = %d", r->index, direct);
    fputs("\n  the kernel predicate's atoms (2(us): left to userspace, -: not evaluated):\n",
          stderr);
    struct printed pr = {.n = 0};
    if (r->lowered)
        _print_atoms(stderr, r, r->rule->lowered, arena, &pr);
    fputs("  values:\n", stderr);
    for (size_t i = 0; i < pr.n; i++) {
        size_t j = 0;
        while (j < i && !(pr.f[j]->def == pr.f[i]->def &&
                          _same_arg(ast_field_arg(pr.f[j]), ast_field_arg(pr.f[i]))))
            j++;
        if (j == i)
            _print_value(stderr, pr.f[i]);
    }
}

/* ---- main
 * ------------------------------------------------------------------------------------------ */

static char *_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = _xcalloc(cap, 1);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            cap *= 2;
            buf = _xrealloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int _print_fills(void)
{
    const char *seen[64];
    size_t n = 0;
    /* No argument, an index (proc.aname[1]), a string and a register argument (evt.arg.path,
     * evt.arg.flags). */
    static const char *const args[] = {NULL, "1", "path", "flags"};
    for (int id = 0; id < FIELD_ID_MAX; id++)
        for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
            const struct kfield *kf = kfield_for(field_by_id((enum field_id)id), args[a]);
            if (!kf || !kf->fill || kf->from_fd_name) /* those: rulec_host_fills.h's header */
                continue;
            size_t i = 0;
            while (i < n && strcmp(seen[i], kf->fill))
                i++;
            if (i < n || n == 64)
                continue;
            seen[n++] = kf->fill;
            printf("RULEC_HOST_FILL(%s)\n", kf->fill);
        }
    return 0;
}

static void _usage(void)
{
    fprintf(stderr, "usage: diff --fills\n"
                    "       diff [--events N] [--seed S] [--name NAME] --policy P.so --c GEN.c "
                    "FILE...\n");
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"fills", no_argument, NULL, 'F'},        {"events", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},   {"name", required_argument, NULL, 'N'},
        {"policy", required_argument, NULL, 'p'}, {"c", required_argument, NULL, 'c'},
        {"verbose", no_argument, NULL, 'v'},      {0, 0, 0, 0},
    };
    unsigned long nevents = 100000;
    uint64_t seed = 1;
    const char *name = "rules", *policy = NULL, *cpath = NULL;
    bool verbose = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'F':
            return _print_fills();
        case 'n':
            nevents = strtoul(optarg, NULL, 0);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 0);
            break;
        case 'N':
            name = optarg;
            break;
        case 'p':
            policy = optarg;
            break;
        case 'c':
            cpath = optarg;
            break;
        case 'v':
            verbose = true;
            break;
        default:
            _usage();
            return 2;
        }
    }
    if (!policy || !cpath || optind >= argc) {
        _usage();
        return 2;
    }
    _rng_state ^= seed * 0xbf58476d1ce4e5b9ULL;
    if (!_rng_state)
        _rng_state = 1;
    _scratch = _xcalloc(SCRATCH_BYTES, 1);

    /* The same front end and code generator as `rulec compile`. */
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};
    front_run(rs, (const char *const *)argv + optind, (size_t)(argc - optind), &diags);
    if (diags.errors) {
        diag_print(stderr, &diags, DIAG_FORMAT_TEXT);
        fprintf(stderr, "diff: %s: the rules do not load\n", name);
        return 1;
    }
    struct codegen_result res = {0};
    if (codegen_policy(rs, &(struct codegen_options){.sources_digest = "diff"}, &res, &diags) < 0 ||
        diags.errors) {
        diag_print(stderr, &diags, DIAG_FORMAT_TEXT);
        fprintf(stderr, "diff: %s: codegen failed\n", name);
        return 1;
    }
    size_t clen = 0;
    char *ctext = _read_file(cpath, &clen);
    if (!ctext || clen != strlen(res.c_source) || memcmp(ctext, res.c_source, clen) != 0) {
        fprintf(stderr,
                "diff: %s: %s is not what codegen produces for these rules (a stale "
                "build?)\n",
                name, cpath);
        return 1;
    }
    struct arena *arena = rs->arena;
    struct policy_meta meta;
    char err[512];
    if (policy_meta_from_json(arena, res.meta_json, strlen(res.meta_json), &meta, err,
                              sizeof(err)) < 0) {
        fprintf(stderr, "diff: %s: metadata: %s\n", name, err);
        return 1;
    }
    _meta = &meta;

    void *so = dlopen(policy, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        fprintf(stderr, "diff: %s: %s\n", name, dlerror());
        return 1;
    }
    const unsigned *mw = dlsym(so, "rulec_host_mask_words");
    const size_t *esz = dlsym(so, "rulec_host_event_size");
    if (!mw || !esz) {
        fprintf(stderr, "diff: %s: the policy was not built with the host headers\n", name);
        return 1;
    }
    const unsigned *aw = dlsym(so, "rulec_host_atom_words");
    _mask_words = *mw;
    _event_size = *esz;
    _atom_words = aw ? *aw : 1;
    _parse_atoms(ctext);
    if (_mask_words != meta.mask_words || _event_size != meta.record_size)
        _inconsistent("C layout (%u mask words, %zu bytes) differs from the metadata (%u, %u)",
                      _mask_words, _event_size, meta.mask_words, meta.record_size);
    _sub_mask = _xcalloc(_mask_words, 8);
    _sub_maybe = _xcalloc(_mask_words, 8);

    for (int i = 0; i < FIELD_ID_MAX; i++)
        _key_by_field[i] = -1;
    _key_nr = _key_new(NULL, NULL, KEY_NR);
    _key_ret = _key_new(NULL, NULL, KEY_RET);

    /* Slots: their fields. */
    _slot_defs = _xcalloc(meta.nslots, sizeof(*_slot_defs));
    _slot_keys = _xcalloc(meta.nslots, sizeof(*_slot_keys));
    for (size_t i = 0; i < meta.nslots; i++) {
        _slot_defs[i] = field_lookup(meta.slots[i].field, NULL);
        if (!_slot_defs[i]) {
            fprintf(stderr, "diff: %s: slot field %s unknown\n", name, meta.slots[i].field);
            return 1;
        }
        _slot_keys[i] = _key_for(_slot_defs[i], meta.slots[i].arg);
        _keys[_slot_keys[i]].slot = true;
    }

    /* Sets: the runtime's loader fills them from the metadata. */
    for (size_t i = 0; i < meta.nsets; i++) {
        const struct policy_set *s = &meta.sets[i];
        void *addr = dlsym(so, s->map);
        if (!addr) {
            fprintf(stderr, "diff: %s: the object has no map %s\n", name, s->map);
            return 1;
        }
        bool prefix = strcmp(s->kind, "prefix") == 0;
        if (!prefix && strcmp(s->kind, "str") != 0 && strcmp(s->kind, "hash32") != 0) {
            _inconsistent("set %s of kind %s", s->map, s->kind);
            continue;
        }
        struct hmap *m = _map_new(addr, s->map);
        m->type = prefix ? BPF_MAP_TYPE_LPM_TRIE : BPF_MAP_TYPE_HASH;
        m->key_size = policy_set_key_size(s);
        m->value_size = 1;
        unsigned char *key = _xcalloc(m->key_size + 1, 1);
        for (size_t v = 0; v < s->nvalues; v++) {
            if (policy_set_key(s, s->values[v], key) < 0) {
                _inconsistent("set %s: value '%s' does not fit its %u-byte key (the loader "
                              "refuses)",
                              s->map, s->values[v], s->key_size);
                continue;
            }
            if (prefix) {
                size_t n = strlen(s->values[v]);
                m->plens = _xrealloc(m->plens, (m->np + 1) * sizeof(uint32_t));
                m->pdata = _xrealloc(m->pdata, (m->np + 1) * s->key_size);
                m->plens[m->np] = (uint32_t)n * 8;
                memset(m->pdata + m->np * s->key_size, 0, s->key_size);
                memcpy(m->pdata + m->np * s->key_size, s->values[v], n);
                m->np++;
            } else {
                _hash_insert(m, key);
            }
        }
        free(key);
    }

    /* Programs per syscall number. */
    for (size_t i = 0; i < meta.nhooks; i++) {
        const struct policy_hook *h = &meta.hooks[i];
        if (h->nr < 0 || h->nr >= MAX_NR)
            continue;
        prog_fn p = (prog_fn)dlsym(so, h->program);
        if (!p) {
            fprintf(stderr, "diff: %s: the object has no program %s\n", name, h->program);
            return 1;
        }
        if (_progs[h->nr] && _progs[h->nr] != p)
            _inconsistent("syscall %d hooked by two programs", h->nr);
        _progs[h->nr] = p;
        _prog_names[h->nr] = h->program;
    }

    /* The rules Falco would run on syscall events. */
    _rules = _xcalloc(rs->nrules, sizeof(*_rules));
    size_t no_oracle = 0;
    for (size_t i = 0; i < rs->nrules; i++) {
        struct rs_rule *rule = rs->rules[i];
        if (rule->skipped || !rule->enabled || !rule->ast ||
            field_source_from_name(rule->source) != FSRC_SYSCALL)
            continue;
        struct trule *r = &_rules[_nrules];
        memset(r, 0, sizeof(*r));
        r->rule = rule;
        r->index = -1;
        r->interp = interp_new(rule->ast);
        if (!r->interp) {
            no_oracle++;
            fprintf(stderr, "diff: %s: rule '%s': the interpreter cannot evaluate it; skipped\n",
                    name, rule->name);
            continue;
        }
        r->lowered = rule->lowered ? interp_new(rule->lowered) : NULL;
        for (size_t m = 0; m < meta.nrules; m++)
            if (strcmp(meta.rules[m].name, rule->name) == 0) {
                if (r->index >= 0)
                    _inconsistent("rule name '%s' twice in the metadata", rule->name);
                r->index = (int)m;
            }
        for (int nr = 0; r->index >= 0 && nr < MAX_NR; nr++) {
            int group = -1;
            if (!_prog_names[nr] || sscanf(_prog_names[nr], "rulec_g%d", &group) != 1)
                continue;
            char sym[64];
            snprintf(sym, sizeof(sym), "rulec_rule%d_g%d", r->index, group);
            r->fns[nr] = (rule_fn)dlsym(so, sym);
            if (!r->fns[nr]) {
                snprintf(sym, sizeof(sym), "rulec_rule%d", r->index);
                r->fns[nr] = (rule_fn)dlsym(so, sym);
            }
        }
        r->nrs = _xcalloc(MAX_NR, sizeof(int));
        const struct evttype *t;
        bool seen[MAX_NR] = {0};
        evtset_foreach(&rule->evttypes, t)
        {
            if (t->hook == EVTHOOK_SYS_EXIT && t->nr >= 0 && t->nr < MAX_NR && !seen[t->nr]) {
                seen[t->nr] = true;
                r->nrs[r->nnrs++] = t->nr;
            }
        }
        _collect(rule->ast);
        if (rule->lowered)
            _collect(rule->lowered);
        _nrules++;
    }
    if (!_nrules) {
        fprintf(stderr, "diff: %s: no rule to test\n", name);
        return 1;
    }
    size_t compiled = 0, kernel_rules = 0;
    for (size_t i = 0; i < _nrules; i++)
        compiled += _rules[i].index >= 0;
    /* The policy's k8s_audit rules have no kernel part to test. */
    for (size_t m = 0; m < meta.nrules; m++)
        kernel_rules += field_source_from_name(meta.rules[m].source) == FSRC_SYSCALL;
    if (compiled != kernel_rules)
        _inconsistent("%zu rules in the policy, %zu of them found among the ruleset's",
                      kernel_rules, compiled);

    /* Pools. */
    _pool_build_nr();
    _pool_build_ret();
    for (size_t i = 0; i < _nkeys; i++)
        if ((int)i != _key_nr && (int)i != _key_ret) {
            if (_is_num_type(_keys[i].type) && !_keys[i].list)
                _pool_build_num((int)i);
            else
                _pool_build_str((int)i);
        }

    /* Events. */
    unsigned long fn_total = 0, fy_total = 0, lower_total = 0, residual_total = 0, evals = 0,
                  itrue = 0, imaybe = 0, kc[3] = {0, 0, 0}, no_program = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned long e = 0; e < nevents; e++) {
        _gen++;
        _event_number = e + 1;
        _scratch_used = 0;
        _ncons = 0;
        struct trule *target = &_rules[e % _nrules];
        _target = target;
        target->targeted++;
        unsigned mode = (unsigned)_below(100);
        bool want = mode < 60;
        if (mode < 85)
            _steer(target->rule->ast, want);
        /* near misses: a few fields of the steered event changed */
        if (mode >= 40 && mode < 60) {
            for (int m = 1 + (int)_below(2); m > 0; m--)
                _assign_random((int)_below(_nkeys));
        }
        /* the syscall: mostly one the rule hooks */
        if (_keys[_key_nr].gen != _gen) {
            _keys[_key_nr].gen = _gen;
            _keys[_key_nr].none = false;
            _keys[_key_nr].num = target->nnrs && _chance(90)
                                     ? (uint64_t)target->nrs[_below(target->nnrs)]
                                     : (uint64_t)_hook_nrs[_below(_nhook_nrs)];
        }
        _ensure(_key_ret);
        _ev.nr = (int)_keys[_key_nr].num;
        _ev.ret = (int64_t)_keys[_key_ret].num;
        /* A failed exec is no event (rulec_begin drops it, as Falco does). */
        if ((_ev.nr == 59 || _ev.nr == 322) && _ev.ret < 0) {
            _ev.ret = 0;
            _keys[_key_ret].num = 0;
        }

        /* The kernel. */
        _submitted = false;
        prog_fn prog = _ev.nr >= 0 && _ev.nr < MAX_NR ? _progs[_ev.nr] : NULL;
        if (prog)
            prog(NULL, (long)_ev.ret);
        else
            no_program++;

        /* Every rule against the oracle. */
        for (size_t ri = 0; ri < _nrules; ri++) {
            struct trule *r = &_rules[ri];
            enum interp_result ir = interp_eval_result(r->interp, _get, NULL);
            int kv = 0;
            if (r->index >= 0 && _submitted) {
                uint64_t bit = 1ULL << (r->index % 64);
                if (_sub_mask[r->index / 64] & bit)
                    kv = _sub_maybe[r->index / 64] & bit ? 2 : 1;
            }
            r->evals++;
            evals++;
            r->k[kv]++;
            kc[kv]++;
            if (ir != INTERP_FALSE) {
                r->itrue++;
                itrue++;
                if (r == target)
                    r->ttrue++;
            }
            if (ir == INTERP_MAYBE) {
                r->imaybe++;
                imaybe++;
            }
            /* The rule function called directly must agree with the mask (the
             * atoms are memoised per event, so this costs little). */
            int direct = -1;
            if (prog && r->index >= 0 && _event_base) {
                bool in_group = false;
                for (size_t i = 0; i < r->nnrs && !in_group; i++)
                    in_group = r->nrs[i] == _ev.nr;
                if (in_group && !r->fns[_ev.nr])
                    _inconsistent("rule '%s': no function for syscall %d", r->rule->name, _ev.nr);
                else if (in_group) {
                    direct = r->fns[_ev.nr]();
                    if (direct != kv) {
                        _inconsistent("rule '%s': rulec_rule%d() = %d but the program marked %d",
                                      r->rule->name, r->index, direct, kv);
                    }
                }
            }
            if (ir != INTERP_FALSE && kv == 0) {
                r->fn_count++;
                fn_total++;
                _report("false negative (the kernel drops an event the condition accepts)", r,
                        r->fn_count, ir, kv, direct, arena);
            }
            if (kv == 1 && ir != INTERP_TRUE) {
                r->fy_count++;
                fy_total++;
                _report("false definite yes (the kernel skips the residual of a non-match)", r,
                        r->fy_count, ir, kv, direct, arena);
            }
            /* The residual the runtime then evaluates on the record (truncated
             * slots are prefixes) must not drop it either. */
            if (kv != 0 && ir != INTERP_FALSE) {
                _captured_view = true;
                enum interp_result cr = interp_eval_result(r->interp, _get, NULL);
                _captured_view = false;
                if (cr == INTERP_FALSE) {
                    r->residual_drop++;
                    residual_total++;
                    _report("the residual on the captured record rejects an accepted event", r,
                            r->residual_drop, ir, kv, direct, arena);
                }
            }
            /* The lowered condition (what codegen compiles) must agree with the
             * full one: checked where it matters most, to keep the run short. */
            if (r->lowered && (r == target || ir != INTERP_FALSE || kv != 0)) {
                enum interp_result lr = interp_eval_result(r->lowered, _get, NULL);
                if (lr != ir) {
                    r->lower_diff++;
                    lower_total++;
                    _report("the lowered condition disagrees with the full one", r, r->lower_diff,
                            ir, kv, direct, arena);
                }
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    size_t uncovered = 0;
    for (size_t i = 0; i < _nrules; i++)
        if (!_rules[i].itrue)
            uncovered++;
    for (size_t i = 0; i < _nrules; i++) {
        struct trule *r = &_rules[i];
        bool bad = r->fn_count || r->fy_count || r->lower_diff || r->residual_drop;
        if (!verbose && r->itrue && !bad)
            continue;
        fprintf(stderr,
                "diff: %s: rule %3d %-45.45s interp-true %6lu (steered %5lu of %5lu)  "
                "kernel 1/2/0 %lu/%lu/%lu",
                name, r->index, r->rule->name, r->itrue, r->ttrue, r->targeted, r->k[1], r->k[2],
                r->k[0]);
        if (bad)
            fprintf(stderr,
                    "  FALSE NEGATIVES %lu, FALSE DEFINITE-YES %lu, LOWERED!=FULL %lu, "
                    "RESIDUAL DROPS %lu",
                    r->fn_count, r->fy_count, r->lower_diff, r->residual_drop);
        fputs(r->itrue ? "\n" : "  never true\n", stderr);
    }
    bool ok = !fn_total && !fy_total && !lower_total && !residual_total && !_inconsistencies;
    printf("diff: %s: %lu events, %zu rules (%zu compiled, %zu never true, %zu without oracle), "
           "%lu evaluations: interp-true %lu (maybe %lu), kernel 1/2/0 %lu/%lu/%lu, "
           "unhooked events %lu, slot fills OK/TRUNCATED/NONE/ERROR %lu/%lu/%lu/%lu; "
           "false negatives %lu, false definite-yes %lu, lowered!=full %lu, residual drops %lu, "
           "inconsistencies %lu; %.1fs: %s\n",
           name, nevents, _nrules, compiled, uncovered, no_oracle, evals, itrue, imaybe, kc[1],
           kc[2], kc[0], no_program, _fills[RULEC_SLOT_OK], _fills[RULEC_SLOT_TRUNCATED],
           _fills[RULEC_SLOT_NONE], _fills[RULEC_SLOT_ERROR], fn_total, fy_total, lower_total,
           residual_total, _inconsistencies, secs, ok ? "ok" : "FAILED");
    for (size_t i = 0; i < _nrules; i++) {
        interp_free(&_rules[i].interp);
        interp_free(&_rules[i].lowered);
        free(_rules[i].nrs);
    }
    fflush(stdout);
    free(ctext);
    for (size_t i = 0; i < _nkatoms; i++)
        free(_katoms[i].text);
    free(_katoms);
    codegen_result_free(&res);
    diag_list_free(&diags);
    ruleset_free(&rs);
    dlclose(so);
    return ok ? 0 : 1;
}
