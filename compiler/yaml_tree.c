#include "compiler/yaml_tree.h"
#include "core/text.h"

#include <string.h>

#include <yaml.h>

#include "core/strmap.h"
#include "core/utf8.h"

/* An alias costs the size of what it names each time it is used: beyond this
 * many expanded nodes a file is an alias bomb, not a rules file. */
#define YTREE_ALIAS_BUDGET (1u << 22)
#define YTREE_WEIGHT_MAX (1u << 30)

/* libyaml marks count characters (after a BOM); diagnostics need bytes. */
struct charmap {
    const uint32_t *byte; /* byte offset of each character; NULL: ASCII */
    size_t nchars;
    uint32_t base; /* bytes of BOM skipped when byte is NULL */
    size_t len;
};

struct builder {
    struct arena *arena;
    const struct src_file *file;
    struct charmap cm;
    struct ptr_vec stack;
    struct ptr_vec docs;
    struct ynode *root;
    struct strmap anchors; /* name -> struct ynode *, in the arena */
    size_t alias_total;
    struct diag_list *diags;
};

static size_t _utf8_width(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1; /* invalid: libyaml stops here with a reader error */
}

static void _charmap_init(struct charmap *cm, struct arena *arena, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    bool utf16le = len >= 2 && s[0] == 0xFF && s[1] == 0xFE;
    bool utf16be = len >= 2 && s[0] == 0xFE && s[1] == 0xFF;
    size_t skip = (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ? 3 : 0;
    if (utf16le || utf16be)
        skip = 2;
    *cm = (struct charmap){.base = (uint32_t)skip, .len = len};
    bool ascii = !utf16le && !utf16be;
    for (size_t i = skip; ascii && i < len; i++)
        if (s[i] >= 0x80)
            ascii = false;
    if (ascii)
        return;
    uint32_t *byte = arena_alloc(arena, (len + 1) * sizeof(uint32_t));
    size_t n = 0;
    for (size_t i = skip; i < len;) {
        byte[n++] = (uint32_t)i;
        size_t w;
        if (utf16le || utf16be) {
            unsigned hi = utf16le ? s[i + 1 < len ? i + 1 : i] : s[i];
            w = (hi & 0xFC) == 0xD8 ? 4 : 2; /* a surrogate pair is one character */
        } else {
            w = _utf8_width(s[i]);
        }
        i += w;
    }
    byte[n] = (uint32_t)len;
    cm->byte = byte;
    cm->nchars = n;
}

static uint32_t _byte(const struct charmap *cm, size_t index)
{
    if (!cm->byte) {
        size_t b = cm->base + index;
        return (uint32_t)(b > cm->len ? cm->len : b);
    }
    return cm->byte[index > cm->nchars ? cm->nchars : index];
}

static void _parse_error(struct builder *b, size_t offset, const char *fmt, const char *a,
                         const char *c)
{
    diag_report(b->diags, DIAG_LOAD_ERR_YAML_PARSE, src_pos_at(b->file, offset), NULL, fmt, a, c);
}

static void _report_libyaml(struct builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors (bad encoding, control characters) carry a byte offset. */
        diag_report(b->diags, DIAG_LOAD_ERR_YAML_PARSE, src_pos_at(b->file, p->problem_offset),
                    NULL, "%s (byte 0x%02X); rules files must be UTF-8 text", problem,
                    (unsigned)p->problem_value & 0xFFu);
        return;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        _parse_error(b, 0, "%s%s", "out of memory while parsing YAML", "");
        return;
    }
    size_t at = _byte(&b->cm, p->problem_mark.index);
    if (p->context)
        _parse_error(b, at, "%s %s", problem, p->context);
    else
        _parse_error(b, at, "%s%s", problem, "");
}

static void _anchor_set(struct builder *b, const char *name, struct ynode *node)
{
    bool added;
    struct strmap_entry *e = strmap_put_str(&b->anchors, name, &added);
    if (added)
        e->key = arena_strdup(b->arena, name); /* libyaml frees its copy with the event */
    e->value.ptr = node;                       /* a redefined anchor names the newest node */
}

static struct ynode *_anchor_get(const struct builder *b, const char *name)
{
    const struct strmap_entry *e = strmap_get_str(&b->anchors, name);
    return e ? e->value.ptr : NULL;
}

static void _attach(struct builder *b, struct ynode *n)
{
    if (!b->stack.len) {
        b->root = n;
        return;
    }
    struct ynode *parent = b->stack.items[b->stack.len - 1];
    if (parent->nkids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        struct ynode **kids = arena_alloc(b->arena, cap * sizeof(*kids));
        if (parent->nkids)
            memcpy(kids, parent->kids, parent->nkids * sizeof(*kids));
        parent->kids = kids;
        parent->cap = cap;
    }
    parent->kids[parent->nkids++] = n;
}

static struct ynode *_node(struct builder *b, enum ynode_kind kind, const yaml_event_t *e,
                           const yaml_char_t *anchor)
{
    struct ynode *n = arena_alloc(b->arena, sizeof(*n));
    n->kind = kind;
    n->start = _byte(&b->cm, e->start_mark.index);
    n->end = _byte(&b->cm, e->end_mark.index);
    n->weight = 1;
    if (anchor)
        _anchor_set(b, (const char *)anchor, n);
    return n;
}

static enum ynode_style _scalar_style(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        return YSTYLE_SINGLE;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        return YSTYLE_DOUBLE;
    case YAML_LITERAL_SCALAR_STYLE:
        return YSTYLE_LITERAL;
    case YAML_FOLDED_SCALAR_STYLE:
        return YSTYLE_FOLDED;
    default:
        return YSTYLE_PLAIN;
    }
}

static void _on_scalar(struct builder *b, const yaml_event_t *e)
{
    struct ynode *n = _node(b, YNODE_SCALAR, e, e->data.scalar.anchor);
    n->style = _scalar_style(e->data.scalar.style);
    n->tagged = e->data.scalar.tag != NULL;
    n->value = arena_strndup(b->arena, (const char *)e->data.scalar.value, e->data.scalar.length);
    n->len = e->data.scalar.length;
    n->complete = true;
    _attach(b, n);
}

static void _on_start(struct builder *b, const yaml_event_t *e, enum ynode_kind kind)
{
    bool seq = kind == YNODE_SEQ;
    struct ynode *n =
        _node(b, kind, e, seq ? e->data.sequence_start.anchor : e->data.mapping_start.anchor);
    n->tagged = (seq ? e->data.sequence_start.tag : e->data.mapping_start.tag) != NULL;
    bool flow = seq ? e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                    : e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    n->style = flow ? YSTYLE_FLOW : YSTYLE_BLOCK;
    _attach(b, n);
    ptr_vec_push(b->arena, &b->stack, n);
}

static void _on_end(struct builder *b, const yaml_event_t *e)
{
    if (!b->stack.len)
        return;
    struct ynode *n = b->stack.items[--b->stack.len];
    n->end = _byte(&b->cm, e->end_mark.index);
    size_t w = 1;
    for (size_t i = 0; i < n->nkids && w < YTREE_WEIGHT_MAX; i++)
        w += n->kids[i]->weight;
    n->weight = w < YTREE_WEIGHT_MAX ? w : YTREE_WEIGHT_MAX;
    n->complete = true;
}

static int _on_alias(struct builder *b, const yaml_event_t *e)
{
    const char *name = (const char *)e->data.alias.anchor;
    size_t at = _byte(&b->cm, e->start_mark.index);
    struct ynode *target = _anchor_get(b, name);
    if (!target) {
        _parse_error(b, at, "found undefined alias '%s'%s", name, "");
        return -1;
    }
    if (!target->complete) {
        _parse_error(b, at, "alias '%s' refers to a node that contains it%s", name, "");
        return -1;
    }
    if (target->kind != YNODE_SCALAR) {
        b->alias_total += target->weight;
        if (b->alias_total > YTREE_ALIAS_BUDGET) {
            _parse_error(b, at, "too many alias expansions ('%s'%s)", name, "");
            return -1;
        }
    }
    _attach(b, target);
    return 0;
}

static int _on_event(struct builder *b, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_DOCUMENT_START_EVENT:
        b->root = NULL;
        strmap_init(&b->anchors, b->arena); /* anchors are scoped to their document */
        return 0;
    case YAML_DOCUMENT_END_EVENT:
        ptr_vec_push(b->arena, &b->docs, b->root);
        return 0;
    case YAML_SCALAR_EVENT:
        _on_scalar(b, e);
        return 0;
    case YAML_SEQUENCE_START_EVENT:
        _on_start(b, e, YNODE_SEQ);
        return 0;
    case YAML_MAPPING_START_EVENT:
        _on_start(b, e, YNODE_MAP);
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        _on_end(b, e);
        return 0;
    case YAML_ALIAS_EVENT:
        return _on_alias(b, e);
    default:
        return 0;
    }
}

int ytree_parse(struct arena *arena, const struct src_file *file, struct ytree *out,
                struct diag_list *diags)
{
    struct builder b = {.arena = arena, .file = file, .diags = diags};
    strmap_init(&b.anchors, arena);
    _charmap_init(&b.cm, arena, file->text, file->len);
    *out = (struct ytree){.file = file};

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        _parse_error(&b, 0, "%s%s", "cannot initialize the YAML parser", "");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)file->text, file->len);
    int rc = 0;
    for (bool done = false; !done;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            _report_libyaml(&b, &parser);
            rc = -1;
            break;
        }
        done = e.type == YAML_STREAM_END_EVENT;
        if (_on_event(&b, &e) < 0) {
            rc = -1;
            done = true;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    if (rc == 0) {
        out->docs = (struct ynode **)b.docs.items;
        out->ndocs = b.docs.len;
    }
    return rc;
}

bool ynode_is_null(const struct ynode *n)
{
    if (!n || n->kind != YNODE_SCALAR || n->style != YSTYLE_PLAIN || n->tagged)
        return false;
    return n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
           strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}

bool ynode_is_scalar(const struct ynode *n)
{
    return n && n->kind == YNODE_SCALAR && !ynode_is_null(n);
}

const struct ynode *ynode_get(const struct ynode *map, const char *key, const struct ynode **keyp)
{
    if (!map || map->kind != YNODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const struct ynode *k = map->kids[i];
        if (k->kind == YNODE_SCALAR && strlen(k->value) == k->len && strcmp(k->value, key) == 0) {
            if (keyp)
                *keyp = k;
            return map->kids[i + 1];
        }
    }
    return NULL;
}

/* ---- scalar alignment ------------------------------------------------------ */

static bool _is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decodes the double-quoted escape at p (p[0] == '\\') as libyaml does. */
static bool _escape(const char *p, size_t n, char *dec, size_t *declen, size_t *esclen)
{
    static const char simple_in[] = "0abt\tnvfre \"/'\\";
    static const char simple_out[] = "\0\a\b\t\t\n\v\f\r\x1b \"/'\\";
    if (n < 2)
        return false;
    const char *s = memchr(simple_in, p[1], sizeof(simple_in) - 1);
    uint32_t cp = 0;
    size_t hex = 0;
    if (p[1] && s) {
        cp = (unsigned char)simple_out[s - simple_in];
    } else if (p[1] == 'N') {
        cp = 0x85;
    } else if (p[1] == '_') {
        cp = 0xA0;
    } else if (p[1] == 'L') {
        cp = 0x2028;
    } else if (p[1] == 'P') {
        cp = 0x2029;
    } else if (p[1] == 'x' || p[1] == 'u' || p[1] == 'U') {
        hex = p[1] == 'x' ? 2 : p[1] == 'u' ? 4 : 8;
    } else {
        return false;
    }
    if (2 + hex > n)
        return false;
    for (size_t i = 0; i < hex; i++) {
        int v = text_hexval(p[2 + i]);
        if (v < 0)
            return false;
        cp = (cp << 4) | (uint32_t)v;
    }
    *declen = utf8_encode(cp, dec);
    *esclen = 2 + hex;
    return true;
}

struct align {
    const char *raw;
    size_t r, rend;
    enum ynode_style style;
    const char *val;
    size_t i, len;
    uint32_t *off;
};

/* A backslash in a double-quoted scalar: an escaped line break (nothing in
 * the value) or an escape (one to four value bytes). */
static bool _align_escape(struct align *a)
{
    const char *p = a->raw + a->r;
    size_t n = a->rend - a->r;
    if (n >= 2 && (p[1] == '\n' || p[1] == '\r')) {
        a->r += (n >= 3 && p[1] == '\r' && p[2] == '\n') ? 3 : 2;
        while (a->r < a->rend && (a->raw[a->r] == ' ' || a->raw[a->r] == '\t'))
            a->r++;
        return true;
    }
    char dec[4];
    size_t k, esclen;
    if (!_escape(p, n, dec, &k, &esclen))
        return false;
    if (a->i + k > a->len || memcmp(a->val + a->i, dec, k) != 0) {
        if (!_is_ws(a->val[a->i]))
            return false;
        a->off[a->i++] = (uint32_t)a->r; /* a folded space before the escape */
        return true;
    }
    for (size_t j = 0; j < k; j++)
        a->off[a->i++] = (uint32_t)a->r;
    a->r += esclen;
    return true;
}

/* One step: consumes a value byte, a source byte, or both. Non-blank value
 * bytes always map exactly: between two of them the source only holds
 * blanks, line breaks, escapes or a doubled quote. */
static bool _align_step(struct align *a)
{
    char d = a->val[a->i];
    if (a->r >= a->rend) {
        if (!_is_ws(d))
            return false;
        a->off[a->i++] = (uint32_t)a->rend; /* kept final line breaks */
        return true;
    }
    char c = a->raw[a->r];
    if (a->style == YSTYLE_DOUBLE && c == '\\')
        return _align_escape(a);
    if (a->style == YSTYLE_SINGLE && c == '\'' && d == '\'' && a->r + 1 < a->rend &&
        a->raw[a->r + 1] == '\'') {
        a->off[a->i++] = (uint32_t)a->r;
        a->r += 2;
        return true;
    }
    if (c == d) {
        a->off[a->i++] = (uint32_t)a->r++;
        return true;
    }
    if (_is_ws(c)) {
        if ((d == ' ' || d == '\n') && (c == '\n' || c == '\r'))
            a->off[a->i++] = (uint32_t)a->r; /* a line break folded into d */
        a->r++;
        return true;
    }
    if (!_is_ws(d))
        return false;
    a->off[a->i++] = (uint32_t)a->r;
    return true;
}

void ynode_scalar_map(const struct ytree *tree, const struct ynode *n, uint32_t *offsets)
{
    const char *raw = tree->file->text;
    size_t start = n->start, end = n->end > tree->file->len ? tree->file->len : n->end;
    if (start > end)
        start = end;
    struct align a = {.raw = raw,
                      .r = start,
                      .rend = end,
                      .style = n->style,
                      .val = n->value,
                      .len = n->len,
                      .off = offsets};
    if (n->style == YSTYLE_SINGLE || n->style == YSTYLE_DOUBLE) {
        a.r = start + 1 <= end ? start + 1 : end; /* the quotes are no part of the value */
        if (a.rend > a.r)
            a.rend--;
    } else if (n->style == YSTYLE_LITERAL || n->style == YSTYLE_FOLDED) {
        while (a.r < end && raw[a.r] != '\n' && raw[a.r] != '\r')
            a.r++; /* the header line: indicator, indentation, chomping, comment */
    }
    size_t content = a.r;
    while (a.i < a.len) {
        if (!_align_step(&a)) {
            for (size_t i = 0; i <= n->len; i++)
                offsets[i] = (uint32_t)content;
            return;
        }
    }
    offsets[a.len] = (uint32_t)(a.r < a.rend ? a.r : a.rend);
}
