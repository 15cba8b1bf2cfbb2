#include "core/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/version.h"

static const char *const _code_names[] = {
#define DIAG_NAME(code, sev) #code,
    DIAG_CODES(DIAG_NAME)
#undef DIAG_NAME
};

static const enum diag_severity _code_severity[] = {
#define DIAG_SEV(code, sev) sev,
    DIAG_CODES(DIAG_SEV)
#undef DIAG_SEV
};

const char *diag_code_name(enum diag_code code)
{
    return code < DIAG_CODE_MAX ? _code_names[code] : "UNKNOWN";
}

enum diag_severity diag_code_severity(enum diag_code code)
{
    return code < DIAG_CODE_MAX ? _code_severity[code] : DIAG_ERROR;
}

enum diag_code diag_code_from_name(const char *name)
{
    for (int i = 0; i < DIAG_CODE_MAX; i++)
        if (strcmp(_code_names[i], name) == 0)
            return (enum diag_code)i;
    return DIAG_CODE_MAX;
}

static void *_xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return p;
}

struct src_file *src_file_new(const char *path, const char *text, size_t len, unsigned index)
{
    struct src_file *f = _xrealloc(NULL, sizeof(*f));
    f->path = strdup(path);
    f->text = _xrealloc(NULL, len + 1);
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
    f->index = index;
    f->nlines = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            f->nlines++;
    f->line_starts = _xrealloc(NULL, f->nlines * sizeof(size_t));
    size_t n = 0;
    f->line_starts[n++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            f->line_starts[n++] = i + 1;
    if (!f->path) {
        fputs("rulec: out of memory\n", stderr);
        abort();
    }
    return f;
}

struct src_file *src_file_read(const char *path, unsigned index)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!in)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = _xrealloc(NULL, cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, in)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = _xrealloc(buf, cap);
        }
    }
    int err = ferror(in) ? EIO : 0;
    if (in != stdin)
        fclose(in);
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    struct src_file *f = src_file_new(strcmp(path, "-") == 0 ? "<stdin>" : path, buf, len, index);
    free(buf);
    return f;
}

void src_file_free(struct src_file **file)
{
    if (!file || !*file)
        return;
    free((*file)->path);
    free((*file)->text);
    free((*file)->line_starts);
    free(*file);
    *file = NULL;
}

static size_t _line_index(const struct src_file *f, size_t offset)
{
    size_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void src_pos_linecol(struct src_pos pos, unsigned *line, unsigned *col)
{
    if (!pos.file) {
        *line = 1;
        *col = pos.offset + 1;
        return;
    }
    size_t offset = pos.offset > pos.file->len ? pos.file->len : pos.offset;
    size_t li = _line_index(pos.file, offset);
    *line = (unsigned)li + 1;
    *col = (unsigned)(offset - pos.file->line_starts[li]) + 1;
}

struct src_pos src_pos_at(const struct src_file *file, size_t offset)
{
    return (struct src_pos){.file = file, .offset = (uint32_t)offset};
}

void diag_report(struct diag_list *list, enum diag_code code, struct src_pos pos, const char *item,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(list, code, pos, item, fmt, ap);
    va_end(ap);
}

void diag_vreport(struct diag_list *list, enum diag_code code, struct src_pos pos, const char *item,
                  const char *fmt, va_list ap)
{
    if (list->len == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = _xrealloc(list->items, list->cap * sizeof(struct diag));
    }
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *msg = _xrealloc(NULL, (size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    /* A macro body is inlined into every rule that uses it: a problem in it
     * is reported once, at its place in the macro, not once per rule. */
    for (size_t i = 0; i < list->len; i++) {
        const struct diag *d = &list->items[i];
        if (d->code == code && d->pos.file == pos.file && d->pos.offset == pos.offset &&
            strcmp(d->message, msg) == 0) {
            free(msg);
            return;
        }
    }
    list->items[list->len++] = (struct diag){
        .code = code,
        .pos = pos,
        .message = msg,
        .item = item ? strdup(item) : NULL,
    };
    if (diag_code_severity(code) == DIAG_ERROR)
        list->errors++;
    else
        list->warnings++;
}

bool diag_has(const struct diag_list *list, enum diag_code code)
{
    for (size_t i = 0; i < list->len; i++)
        if (list->items[i].code == code)
            return true;
    return false;
}

static int _diag_cmp(const struct diag *a, const struct diag *b)
{
    unsigned fa = a->pos.file ? a->pos.file->index : 0;
    unsigned fb = b->pos.file ? b->pos.file->index : 0;
    if (fa != fb)
        return fa < fb ? -1 : 1;
    if (a->pos.offset != b->pos.offset)
        return a->pos.offset < b->pos.offset ? -1 : 1;
    return 0;
}

void diag_sort(struct diag_list *list)
{
    /* Insertion sort: stable, and lists are short. */
    for (size_t i = 1; i < list->len; i++) {
        struct diag d = list->items[i];
        size_t j = i;
        while (j > 0 && _diag_cmp(&list->items[j - 1], &d) > 0) {
            list->items[j] = list->items[j - 1];
            j--;
        }
        list->items[j] = d;
    }
}

void diag_list_free(struct diag_list *list)
{
    for (size_t i = 0; i < list->len; i++) {
        free(list->items[i].message);
        free(list->items[i].item);
    }
    free(list->items);
    *list = (struct diag_list){0};
}

static const char *_severity_name(enum diag_code code)
{
    return diag_code_severity(code) == DIAG_ERROR ? "error" : "warning";
}

static void _print_source_line(FILE *out, const struct diag *d)
{
    if (!d->pos.file)
        return;
    unsigned line, col;
    src_pos_linecol(d->pos, &line, &col);
    const struct src_file *f = d->pos.file;
    size_t start = f->line_starts[line - 1];
    size_t end = start;
    while (end < f->len && f->text[end] != '\n' && f->text[end] != '\r')
        end++;
    fputs("  ", out);
    /* Print the line with non-printable bytes replaced, so garbage input
     * cannot corrupt the terminal; tabs kept so the caret lines up. */
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)f->text[i];
        fputc(c == '\t' || (c >= 0x20 && c != 0x7f) ? c : '?', out);
    }
    fputs("\n  ", out);
    for (size_t i = start; i < start + col - 1 && i < end; i++)
        fputc(f->text[i] == '\t' ? '\t' : ' ', out);
    fputs("^\n", out);
}

static void _print_text(FILE *out, const struct diag_list *list)
{
    for (size_t i = 0; i < list->len; i++) {
        const struct diag *d = &list->items[i];
        unsigned line, col;
        src_pos_linecol(d->pos, &line, &col);
        const char *path = d->pos.file ? d->pos.file->path : "<condition>";
        fprintf(out, "%s:%u:%u: %s[%s]: %s\n", path, line, col, _severity_name(d->code),
                diag_code_name(d->code), d->message);
        _print_source_line(out, d);
    }
    if (list->len)
        fprintf(out, "%zu error(s), %zu warning(s)\n", list->errors, list->warnings);
}

static json_object *_diag_json(const struct diag *d)
{
    unsigned line, col;
    src_pos_linecol(d->pos, &line, &col);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file",
                           json_object_new_string(d->pos.file ? d->pos.file->path : "<condition>"));
    json_object_object_add(o, "line", json_object_new_int((int)line));
    json_object_object_add(o, "column", json_object_new_int((int)col));
    json_object_object_add(o, "severity", json_object_new_string(_severity_name(d->code)));
    json_object_object_add(o, "code", json_object_new_string(diag_code_name(d->code)));
    json_object_object_add(o, "message", json_object_new_string(d->message));
    if (d->item)
        json_object_object_add(o, "item", json_object_new_string(d->item));
    return o;
}

static void _print_json(FILE *out, const struct diag_list *list)
{
    json_object *root = json_object_new_object();
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < list->len; i++)
        json_object_array_add(arr, _diag_json(&list->items[i]));
    json_object_object_add(root, "diagnostics", arr);
    json_object_object_add(root, "errors", json_object_new_int64((int64_t)list->errors));
    json_object_object_add(root, "warnings", json_object_new_int64((int64_t)list->warnings));
    fprintf(out, "%s\n",
            json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

/* SARIF 2.1.0: one run, one rule per distinct code, one result per diagnostic. */
static void _print_sarif(FILE *out, const struct diag_list *list)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "$schema",
                           json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_object_add(root, "version", json_object_new_string("2.1.0"));
    json_object *runs = json_object_new_array();
    json_object *run = json_object_new_object();
    json_object *tool = json_object_new_object();
    json_object *driver = json_object_new_object();
    json_object_object_add(driver, "name", json_object_new_string("rulec"));
    json_object_object_add(driver, "version", json_object_new_string(RULEC_VERSION));
    json_object *rules = json_object_new_array();
    bool used[DIAG_CODE_MAX] = {0};
    for (size_t i = 0; i < list->len; i++)
        used[list->items[i].code] = true;
    for (int c = 0; c < DIAG_CODE_MAX; c++) {
        if (!used[c])
            continue;
        json_object *r = json_object_new_object();
        json_object_object_add(r, "id", json_object_new_string(diag_code_name(c)));
        json_object *cfg = json_object_new_object();
        json_object_object_add(cfg, "level", json_object_new_string(_severity_name(c)));
        json_object_object_add(r, "defaultConfiguration", cfg);
        json_object_array_add(rules, r);
    }
    json_object_object_add(driver, "rules", rules);
    json_object_object_add(tool, "driver", driver);
    json_object_object_add(run, "tool", tool);
    json_object *results = json_object_new_array();
    for (size_t i = 0; i < list->len; i++) {
        const struct diag *d = &list->items[i];
        unsigned line, col;
        src_pos_linecol(d->pos, &line, &col);
        json_object *res = json_object_new_object();
        json_object_object_add(res, "ruleId", json_object_new_string(diag_code_name(d->code)));
        json_object_object_add(res, "level", json_object_new_string(_severity_name(d->code)));
        json_object *msg = json_object_new_object();
        json_object_object_add(msg, "text", json_object_new_string(d->message));
        json_object_object_add(res, "message", msg);
        json_object *loc = json_object_new_object();
        json_object *phys = json_object_new_object();
        json_object *art = json_object_new_object();
        json_object_object_add(
            art, "uri", json_object_new_string(d->pos.file ? d->pos.file->path : "<condition>"));
        json_object_object_add(phys, "artifactLocation", art);
        json_object *region = json_object_new_object();
        json_object_object_add(region, "startLine", json_object_new_int((int)line));
        json_object_object_add(region, "startColumn", json_object_new_int((int)col));
        json_object_object_add(phys, "region", region);
        json_object_object_add(loc, "physicalLocation", phys);
        json_object *locs = json_object_new_array();
        json_object_array_add(locs, loc);
        json_object_object_add(res, "locations", locs);
        json_object_array_add(results, res);
    }
    json_object_object_add(run, "results", results);
    json_object_array_add(runs, run);
    json_object_object_add(root, "runs", runs);
    fprintf(out, "%s\n",
            json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

void diag_print(FILE *out, const struct diag_list *list, enum diag_format format)
{
    switch (format) {
    case DIAG_FORMAT_TEXT:
        _print_text(out, list);
        break;
    case DIAG_FORMAT_JSON:
        _print_json(out, list);
        break;
    case DIAG_FORMAT_SARIF:
        _print_sarif(out, list);
        break;
    }
}

struct src_pos text_map_pos(const struct text_map *map, size_t i)
{
    if (!map || !map->offsets)
        return (struct src_pos){.file = NULL, .offset = (uint32_t)i};
    if (i > map->len)
        i = map->len;
    return (struct src_pos){.file = map->file, .offset = map->offsets[i]};
}
