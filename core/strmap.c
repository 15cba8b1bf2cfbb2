#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

#define STRMAP_MIN_CAP 16

/* FNV-1a, 64-bit: short names hash fast and spread well enough for linear
 * probing at half load. */
static size_t _hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)h;
}

void strmap_init(struct strmap *map, struct arena *arena)
{
    memset(map, 0, sizeof(*map));
    map->arena = arena;
}

void strmap_free(struct strmap *map)
{
    if (!map->arena)
        free(map->slots);
    strmap_init(map, map->arena);
}

/* The slot holding key, or the free slot where it would go. */
static struct strmap_entry *_probe(struct strmap_entry *slots, size_t cap, const char *key,
                                   size_t len, size_t hash)
{
    size_t i = hash & (cap - 1);
    while (slots[i].key && (slots[i].hash != hash || slots[i].len != len ||
                            (len && memcmp(slots[i].key, key, len) != 0)))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int _grow(struct strmap *map)
{
    size_t cap = map->cap ? map->cap * 2 : STRMAP_MIN_CAP;
    struct strmap_entry *slots;
    if (map->arena) {
        slots = arena_alloc(map->arena, cap * sizeof(*slots));
    } else {
        slots = calloc(cap, sizeof(*slots));
        if (!slots)
            return -1;
    }
    for (size_t i = 0; i < map->cap; i++) {
        const struct strmap_entry *e = &map->slots[i];
        if (e->key)
            *_probe(slots, cap, e->key, e->len, e->hash) = *e;
    }
    if (!map->arena)
        free(map->slots);
    map->slots = slots;
    map->cap = cap;
    return 0;
}

struct strmap_entry *strmap_put(struct strmap *map, const char *key, size_t len, bool *added)
{
    if (added)
        *added = false;
    if (!key)
        return NULL;
    size_t hash = _hash(key, len);
    struct strmap_entry *e = map->cap ? _probe(map->slots, map->cap, key, len, hash) : NULL;
    if (e && e->key)
        return e;
    if ((map->n + 1) * 2 > map->cap) {
        if (_grow(map) < 0)
            return NULL;
        e = _probe(map->slots, map->cap, key, len, hash);
    }
    *e = (struct strmap_entry){.key = key, .len = len, .hash = hash};
    map->n++;
    if (added)
        *added = true;
    return e;
}

struct strmap_entry *strmap_get(const struct strmap *map, const char *key, size_t len)
{
    if (!key || !map->cap)
        return NULL;
    struct strmap_entry *e = _probe(map->slots, map->cap, key, len, _hash(key, len));
    return e->key ? e : NULL;
}

struct strmap_entry *strmap_put_str(struct strmap *map, const char *key, bool *added)
{
    return strmap_put(map, key, key ? strlen(key) : 0, added);
}

struct strmap_entry *strmap_get_str(const struct strmap *map, const char *key)
{
    return strmap_get(map, key, key ? strlen(key) : 0);
}
