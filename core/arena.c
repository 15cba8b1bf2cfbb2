#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Blocks double from the first size up to the largest: an arena that holds little (one rule's
 * interpreter in the runtime) stays small, a busy one (the compiler's) soon takes big blocks. */
#define ARENA_FIRST_BLOCK (2 * 1024)
#define ARENA_BLOCK_SIZE (64 * 1024)

struct arena_block {
    struct arena_block *next;
    size_t used;
    size_t size;
    max_align_t data[];
};

struct arena {
    struct arena_block *head;
};

static void *_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return p;
}

struct arena *arena_new(void)
{
    return _xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena **arena)
{
    if (!arena || !*arena)
        return;
    struct arena_block *b = (*arena)->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(*arena);
    *arena = NULL;
}

void *arena_alloc(struct arena *arena, size_t size)
{
    size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    struct arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t cap = b ? b->size * 2 : ARENA_FIRST_BLOCK;
        if (cap > ARENA_BLOCK_SIZE)
            cap = ARENA_BLOCK_SIZE;
        if (cap < size)
            cap = size;
        b = _xcalloc(1, sizeof(*b) + cap);
        b->size = cap;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

char *arena_strndup(struct arena *arena, const char *s, size_t n)
{
    char *p = arena_alloc(arena, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *arena, const char *s)
{
    return arena_strndup(arena, s, strlen(s));
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void ptr_vec_push(struct arena *arena, struct ptr_vec *vec, void *item)
{
    if (vec->len == vec->cap) {
        size_t cap = vec->cap ? vec->cap * 2 : 8;
        void **items = arena_alloc(arena, cap * sizeof(void *));
        if (vec->len)
            memcpy(items, vec->items, vec->len * sizeof(void *));
        vec->items = items;
        vec->cap = cap;
    }
    vec->items[vec->len++] = item;
}
