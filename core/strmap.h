/* A hash table from strings to one value each, an index or a pointer: the
 * names of lists, macros and rules while files merge, YAML anchors while a
 * document is read, and wherever else a pass looks names up often enough
 * that a linear strcmp would show.
 *
 * Open addressing with linear probing over a power-of-two table at most
 * half full; FNV-1a hashes. The table lives in an arena (freed with it) or
 * in malloc'd memory (strmap_free). Keys are compared by length and bytes,
 * so they need not be NUL-terminated. Nothing is ever removed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct arena;

union strmap_value {
    size_t index;
    void *ptr;
};

struct strmap_entry {
    /* Not copied: it must live as long as the map. After an insert the
     * caller may point it at an equal copy of its own. NULL: a free slot. */
    const char *key;
    size_t len;
    size_t hash;
    union strmap_value value;
};

struct strmap {
    struct arena *arena; /* NULL: the table is malloc'd */
    struct strmap_entry *slots;
    size_t cap; /* 0, or a power of two */
    size_t n;
};

/* An empty map whose table grows in arena (or with malloc when NULL). */
void strmap_init(struct strmap *map, struct arena *arena);
/* Frees a malloc'd table and leaves the map empty; an arena's table is
 * only forgotten (the arena frees it). */
void strmap_free(struct strmap *map);

/* Lookup or insert in one call: the entry for key[0..len), added with a
 * zero value when it was absent (*added says which; added may be NULL).
 * NULL when key is NULL or a malloc'd table cannot grow. The entry stays
 * valid until the next insert. */
struct strmap_entry *strmap_put(struct strmap *map, const char *key, size_t len, bool *added);
/* The entry for key[0..len), or NULL. */
struct strmap_entry *strmap_get(const struct strmap *map, const char *key, size_t len);
/* strmap_put and strmap_get for NUL-terminated keys. */
struct strmap_entry *strmap_put_str(struct strmap *map, const char *key, bool *added);
struct strmap_entry *strmap_get_str(const struct strmap *map, const char *key);
