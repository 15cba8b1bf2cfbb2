/* Scalars and sequences of rules files decoded as Falco's reader decodes
 * them: decode_val_generic over yaml-cpp's conversions (booleans in every
 * spelling yaml-cpp accepts, unsigned numbers with their base prefix),
 * decode_seq, decode_tags, warn_unknown_keys; and the loader's reporting. */
#include "compiler/load_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct src_pos load_pos(const struct load_reader *ld, const struct ynode *n)
{
    return src_pos_at(ld->file, n ? n->start : 0);
}

static void _vreport(struct load_reader *ld, enum diag_code code, const struct ynode *at,
                     const char *fmt, va_list ap)
{
    diag_vreport(ld->diags, code, load_pos(ld, at), ld->item, fmt, ap);
}

/* Reports a schema error (Falco's reader THROW) and returns false. */
bool load_fail(struct load_reader *ld, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _vreport(ld, DIAG_LOAD_ERR_YAML_VALIDATE, at, fmt, ap);
    va_end(ap);
    return false;
}

void load_report(struct load_reader *ld, enum diag_code code, const struct ynode *at,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _vreport(ld, code, at, fmt, ap);
    va_end(ap);
}

/* ---- scalar decoding: decode_val_generic and yaml-cpp's conversions ---------- */

/* The scalar under key, or NULL when it is missing (LOAD_OPTIONAL) or empty
 * (LOAD_CAN_BE_EMPTY). *ok turns false after a reported error. */
const struct ynode *load_scalar(struct load_reader *ld, const struct ynode *item, const char *key,
                                unsigned flags, bool *ok)
{
    const struct ynode *k = NULL, *v = ynode_get(item, key, &k);
    *ok = true;
    if (!v) {
        if (!(flags & LOAD_OPTIONAL))
            *ok = load_fail(ld, item, "Item has no mapping for key '%s'", key);
        return NULL;
    }
    if (ynode_is_null(v)) {
        if (!(flags & LOAD_CAN_BE_EMPTY))
            *ok = load_fail(ld, k, "Mapping for key '%s' is empty", key);
        return NULL;
    }
    if (v->kind != YNODE_SCALAR) {
        *ok = load_fail(ld, v, "Value is not a scalar value");
        return NULL;
    }
    if (v->len == 0) {
        if (!(flags & LOAD_CAN_BE_EMPTY))
            *ok = load_fail(ld, v, "Value must be non-empty");
        return NULL;
    }
    return v;
}

bool load_str(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
              const char **out)
{
    bool ok;
    const struct ynode *v = load_scalar(ld, item, key, flags, &ok);
    if (v)
        *out = arena_strdup(ld->rs->arena, v->value);
    return ok;
}

/* A scalar's value with the file position of every byte. */
struct mtext load_node_text(struct load_reader *ld, const struct ynode *v)
{
    uint32_t *off = arena_alloc(ld->tmp, (v->len + 1) * sizeof(uint32_t));
    uint64_t *org = arena_alloc(ld->rs->arena, (v->len + 1) * sizeof(uint64_t));
    ynode_scalar_map(ld->tree, v, off);
    for (size_t i = 0; i <= v->len; i++)
        org[i] = merge_org(ld->file, off[i]);
    return (struct mtext){
        .s = arena_strndup(ld->rs->arena, v->value, v->len), .org = org, .len = v->len};
}

bool load_text(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
               struct mtext *out)
{
    bool ok;
    const struct ynode *v = load_scalar(ld, item, key, flags, &ok);
    if (v)
        *out = load_node_text(ld, v);
    return ok;
}

static bool _all(const char *s, int lo, int hi)
{
    for (; *s; s++)
        if (*s < lo || *s > hi)
            return false;
    return true;
}

/* yaml-cpp's convert<bool>: y/n, yes/no, true/false, on/off in lower case,
 * upper case or capitalized. */
static bool _parse_bool(const char *s, bool *out)
{
    static const char *const names[][2] = {
        {"y", "n"}, {"yes", "no"}, {"true", "false"}, {"on", "off"}};
    bool flexible = _all(s, 'a', 'z') || _all(s, 'A', 'Z') ||
                    (s[0] >= 'A' && s[0] <= 'Z' && _all(s + 1, 'a', 'z'));
    if (!flexible || strlen(s) > 5)
        return false;
    char lower[6] = {0};
    for (size_t i = 0; s[i]; i++)
        lower[i] = (char)(s[i] | 0x20);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        for (int b = 0; b < 2; b++) {
            if (strcmp(lower, names[i][b]) == 0) {
                *out = b == 0;
                return true;
            }
        }
    }
    return false;
}

bool load_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!s[0] || s[0] == '-' || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || errno == ERANGE || v > max)
        return false;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

bool load_bool(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
               bool *out, bool *present)
{
    bool ok;
    const struct ynode *v = load_scalar(ld, item, key, flags, &ok);
    if (present)
        *present = v != NULL;
    if (v && !_parse_bool(v->value, out))
        return load_fail(ld, v, "Can't decode YAML scalar value");
    return ok;
}

bool load_uint32(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
                 uint32_t *out)
{
    bool ok;
    const struct ynode *v = load_scalar(ld, item, key, flags, &ok);
    uint64_t u;
    if (v && !load_parse_uint(v->value, UINT32_MAX, &u))
        return load_fail(ld, v, "Can't decode YAML scalar value");
    if (v)
        *out = (uint32_t)u;
    return ok;
}

/* decode_seq: a sequence of scalars (list items, tags). */
bool load_str_seq(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
                  const char ***out, size_t *n)
{
    const struct ynode *v = ynode_get(item, key, NULL);
    if (!v) {
        if (flags & LOAD_OPTIONAL)
            return true;
        return load_fail(ld, item, "Item has no mapping for key '%s'", key);
    }
    if (v->kind != YNODE_SEQ)
        return load_fail(ld, v, "Value is not a sequence");
    const char **items = arena_alloc(ld->rs->arena, (v->nkids + 1) * sizeof(char *));
    for (size_t i = 0; i < v->nkids; i++) {
        if (!ynode_is_scalar(v->kids[i]))
            return load_fail(ld, v->kids[i], "sequence value is not scalar");
        items[i] = arena_strdup(ld->rs->arena, v->kids[i]->value);
    }
    *out = items;
    *n = v->nkids;
    return true;
}

static int _str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* decode_tags: a std::set, so sorted and each once. */
bool load_tags(struct load_reader *ld, const struct ynode *item, const char ***out, size_t *n)
{
    if (!load_str_seq(ld, item, "tags", LOAD_OPTIONAL, out, n))
        return false;
    if (*n)
        qsort(*out, *n, sizeof(char *), _str_cmp);
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (k == 0 || strcmp((*out)[k - 1], (*out)[i]) != 0)
            (*out)[k++] = (*out)[i];
    *n = k;
    return true;
}

/* warn_unknown_keys. rulec reports them even when the item has an error: a
 * misspelt key often is the reason a required one is missing. */
bool load_known_keys(struct load_reader *ld, const struct ynode *item, const char *const *keys)
{
    for (size_t i = 0; i + 1 < item->nkids; i += 2) {
        const struct ynode *k = item->kids[i];
        if (k->kind != YNODE_SCALAR)
            return load_fail(ld, k, "Mapping key is not a scalar");
        const char *name = ynode_is_null(k) ? "null" : k->value;
        bool known = false;
        for (const char *const *p = keys; *p && !known; p++)
            known = strcmp(*p, name) == 0;
        if (!known)
            load_report(ld, DIAG_LOAD_UNKNOWN_KEY, k, "Unknown key '%s'. The key will be ignored.",
                        name);
    }
    return true;
}
