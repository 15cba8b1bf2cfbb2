/* Region allocator: every node of one compilation lives in one arena and is
 * freed at once, so passes never free piecemeal and error paths cannot leak. */
#pragma once

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena **arena);

/* Zeroed memory; aborts on out-of-memory (a compiler has nothing better to do). */
void *arena_alloc(struct arena *arena, size_t size);
char *arena_strdup(struct arena *arena, const char *s);
char *arena_strndup(struct arena *arena, const char *s, size_t n);
char *arena_printf(struct arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Growable array of pointers backed by the arena. */
struct ptr_vec {
    void **items;
    size_t len;
    size_t cap;
};
void ptr_vec_push(struct arena *arena, struct ptr_vec *vec, void *item);
