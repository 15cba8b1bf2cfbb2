/* Diagnostics: every error and warning rulec reports, with a stable code,
 * a position in a source file and a short message. Codes reuse Falco's
 * LOAD_* names where Falco has one; RULEC_* codes are rulec's own checks. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* X(code, severity) - the order is stable: codes are part of the interface. */
#define DIAG_CODES(X)                                                                              \
    X(LOAD_ERR_FILE_READ, DIAG_ERROR)                                                              \
    X(LOAD_ERR_YAML_PARSE, DIAG_ERROR)                                                             \
    X(LOAD_ERR_YAML_VALIDATE, DIAG_ERROR)                                                          \
    X(LOAD_ERR_COMPILE_CONDITION, DIAG_ERROR)                                                      \
    X(LOAD_ERR_COMPILE_OUTPUT, DIAG_ERROR)                                                         \
    X(LOAD_ERR_VALIDATE, DIAG_ERROR)                                                               \
    X(LOAD_ERR_EXTENSION, DIAG_ERROR)                                                              \
    X(LOAD_UNKNOWN_SOURCE, DIAG_WARNING)                                                           \
    X(LOAD_UNSAFE_NA_CHECK, DIAG_WARNING)                                                          \
    X(LOAD_NO_EVTTYPE, DIAG_WARNING)                                                               \
    X(LOAD_UNKNOWN_FILTER, DIAG_WARNING)                                                           \
    X(LOAD_UNUSED_MACRO, DIAG_WARNING)                                                             \
    X(LOAD_UNUSED_LIST, DIAG_WARNING)                                                              \
    X(LOAD_UNKNOWN_ITEM, DIAG_WARNING)                                                             \
    X(LOAD_DEPRECATED_ITEM, DIAG_WARNING)                                                          \
    X(LOAD_APPEND_NO_VALUES, DIAG_WARNING)                                                         \
    X(LOAD_EXCEPTION_NAME_NOT_UNIQUE, DIAG_WARNING)                                                \
    X(LOAD_INVALID_MACRO_NAME, DIAG_WARNING)                                                       \
    X(LOAD_INVALID_LIST_NAME, DIAG_WARNING)                                                        \
    X(LOAD_COMPILE_CONDITION, DIAG_WARNING)                                                        \
    X(LOAD_UNKNOWN_KEY, DIAG_WARNING)                                                              \
    X(RULEC_NEVER_TRUE, DIAG_WARNING)                                                              \
    X(RULEC_KERNEL_MAYBE, DIAG_WARNING)                                                            \
    X(RULEC_NOT_COMPILED, DIAG_WARNING)                                                            \
    X(RULEC_FIELD_UNAVAILABLE, DIAG_WARNING)                                                       \
    X(RULEC_UNSUPPORTED, DIAG_ERROR)                                                               \
    X(RULEC_IGNORED_KEY, DIAG_WARNING)

enum diag_severity {
    DIAG_ERROR,
    DIAG_WARNING,
};

enum diag_code {
#define DIAG_ENUM(code, sev) DIAG_##code,
    DIAG_CODES(DIAG_ENUM)
#undef DIAG_ENUM
        DIAG_CODE_MAX,
};

/* A file rulec read, kept whole so diagnostics can quote its lines. */
struct src_file {
    char *path; /* as given on the command line; "<stdin>" for - */
    char *text; /* NUL-terminated copy of the contents */
    size_t len;
    size_t *line_starts; /* offset of each line's first byte */
    size_t nlines;
    unsigned index; /* load order, for sorting diagnostics */
};

/* A position: a byte offset into a file. file == NULL means a position in a
 * string that came from no file (offset is then into that string). */
struct src_pos {
    const struct src_file *file;
    uint32_t offset;
};

/* Where each byte of a text assembled from a file came from. Conditions are
 * built from YAML scalars (possibly folded over several lines) with lists
 * substituted into them, so byte i of the text maps to file offset
 * offsets[i]. offsets has len + 1 entries (the last is just past the end). */
struct text_map {
    const struct src_file *file;
    const uint32_t *offsets;
    size_t len;
};

/* The file position of byte i of a mapped text (file == NULL when map is NULL). */
struct src_pos text_map_pos(const struct text_map *map, size_t i);

struct diag {
    enum diag_code code;
    struct src_pos pos;
    char *message;
    char *item; /* "rule 'X'", "macro 'Y'", or NULL: what the diagnostic is about */
};

struct diag_list {
    struct diag *items;
    size_t len;
    size_t cap;
    size_t errors;
    size_t warnings;
};

struct src_file *src_file_new(const char *path, const char *text, size_t len, unsigned index);
/* Reads path ("-" is standard input); returns NULL and sets errno on failure. */
struct src_file *src_file_read(const char *path, unsigned index);
void src_file_free(struct src_file **file);
/* 1-based line and column (in bytes) of a position. */
void src_pos_linecol(struct src_pos pos, unsigned *line, unsigned *col);
struct src_pos src_pos_at(const struct src_file *file, size_t offset);

const char *diag_code_name(enum diag_code code);
enum diag_severity diag_code_severity(enum diag_code code);
/* Looks a code up by name; returns DIAG_CODE_MAX when unknown. */
enum diag_code diag_code_from_name(const char *name);

void diag_report(struct diag_list *list, enum diag_code code, struct src_pos pos, const char *item,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with a va_list, for a pass's own reporting helper. */
void diag_vreport(struct diag_list *list, enum diag_code code, struct src_pos pos, const char *item,
                  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Orders diagnostics by file load order, then position (stable). */
void diag_sort(struct diag_list *list);
bool diag_has(const struct diag_list *list, enum diag_code code);
void diag_list_free(struct diag_list *list);

enum diag_format {
    DIAG_FORMAT_TEXT,
    DIAG_FORMAT_JSON,
    DIAG_FORMAT_SARIF,
};

/* Text: `file:line:col: error[CODE]: message`, the source line and a caret. */
void diag_print(FILE *out, const struct diag_list *list, enum diag_format format);
