/* A growable string for generated text (BPF C, metadata, outputs). */
#pragma once

#include <stddef.h>

struct strbuf {
    char *data;
    size_t len;
    size_t cap;
};

void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL) and leaves sb empty; the caller frees it. */
char *strbuf_take(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
