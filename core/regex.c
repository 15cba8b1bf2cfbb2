#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/regex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "core/utf8.h"

/* Backtracking budget per match. */
#define REGEX_MATCH_LIMIT 1000000u
/* RE2's largest repetition count. */
#define REGEX_RE2_MAX_REPEAT 1000
#define REGEX_MAX_GROUPS 1000

struct regex {
    pcre2_code *code;
};

struct regex_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    struct strbuf subject; /* the value, UTF-8 sanitized */
};

/* ---- RE2 POSIX to PCRE2 ------------------------------------------------------------ */

/* RE2 in POSIX mode (RE2::POSIX, what libsinsp compiles `regex` with)
 * accepts POSIX egrep syntax only: no Perl classes (\d \s \w), no \b, no
 * (?...) groups or flags, no \pN, no \A \z \Q \C, no backreferences,
 * repetitions up to 1000; without Perl's extensions a second quantifier
 * applies to the quantified atom ("a*?" is "(a*)?", not a lazy star, and
 * "a**" is valid). The translator checks a pattern and rewrites it for
 * PCRE2: stacked quantifiers and quantified anchors get a group, octal
 * escapes and \v (a character in RE2, a class in PCRE2) become \x{..}. */
struct translator {
    const char *p;
    size_t len;
    size_t i; /* the byte being read */
    struct strbuf *out;
    size_t groups[REGEX_MAX_GROUPS]; /* where each open group starts in out */
    size_t ngroups;
    bool in_class; /* inside [...] */
    size_t class_start;
    bool have_atom;  /* something a quantifier can apply to precedes */
    size_t atom;     /* where that atom starts in out */
    bool prev_quant; /* the atom is already quantified */
    bool anchor;     /* the atom is ^ or $ */
};

/* The text written from `from` on is one new atom. */
static void _atom(struct translator *t, size_t from)
{
    t->atom = from;
    t->have_atom = true;
    t->prev_quant = t->anchor = false;
}

/* Wraps out[from..] in a non-capturing group, so a quantifier applies to
 * all of it. */
static void _wrap_group(struct strbuf *out, size_t from)
{
    strbuf_append(out, "(?:)", 3); /* grow by three bytes */
    memmove(out->data + from + 3, out->data + from, out->len - 3 - from);
    memcpy(out->data + from, "(?:", 3);
    strbuf_append(out, ")", 1);
}

static bool _octal(char c)
{
    return c >= '0' && c <= '7';
}

static bool _alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* \x41 or \x{41}; t->i is at the 'x'. */
static const char *_hex_escape(struct translator *t)
{
    const char *p = t->p;
    size_t i = t->i, j = i + 1;
    if (j < t->len && p[j] == '{') {
        size_t k = j + 1;
        while (k < t->len && text_hexval(p[k]) >= 0)
            k++;
        if (k == j + 1 || k >= t->len || p[k] != '}')
            return "invalid \\x{...} escape";
        strbuf_append(t->out, p + i - 1, k + 1 - (i - 1));
        t->i = k;
        return NULL;
    }
    if (j + 1 >= t->len || text_hexval(p[j]) < 0 || text_hexval(p[j + 1]) < 0)
        return "\\x needs two hex digits";
    strbuf_append(t->out, p + i - 1, 4);
    t->i = j + 1;
    return NULL;
}

/* A backslash escape; t->i is at the backslash. */
static const char *_escape(struct translator *t)
{
    const char *p = t->p;
    if (t->i + 1 >= t->len)
        return "trailing backslash";
    char e = p[++t->i];
    if (e >= '1' && e <= '7' && !(t->i + 1 < t->len && _octal(p[t->i + 1])))
        return "backreferences are not supported";
    if (_octal(e)) {
        unsigned v = (unsigned)(e - '0');
        for (int k = 0; k < 2 && t->i + 1 < t->len && _octal(p[t->i + 1]); k++)
            v = v * 8 + (unsigned)(p[++t->i] - '0');
        strbuf_printf(t->out, "\\x{%x}", v);
        return NULL;
    }
    if (e == 'x')
        return _hex_escape(t);
    if (e == 'v') {
        strbuf_puts(t->out, "\\x{b}");
        return NULL;
    }
    if (e == 'a' || e == 'f' || e == 'n' || e == 'r' || e == 't' ||
        ((unsigned char)e < 0x80 && !_alnum(e))) {
        strbuf_append(t->out, p + t->i - 1, 2); /* escaped punctuation is itself */
        return NULL;
    }
    if (e == 'd' || e == 'D' || e == 's' || e == 'S' || e == 'w' || e == 'W')
        return "Perl character classes (\\d, \\s, \\w) are not POSIX syntax; use "
               "[[:digit:]], [[:space:]] or [[:alnum:]_]";
    if (e == 'b' || e == 'B')
        return "\\b and \\B are not POSIX syntax";
    return "invalid escape sequence";
}

/* One byte inside [...]: [:class:], [.coll.] and [=equiv=] pass whole, a
 * ']' that is not the first member closes the class. */
static void _class_byte(struct translator *t)
{
    const char *p = t->p;
    size_t i = t->i;
    char c = p[i];
    if (c == '[' && i + 1 < t->len && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
        char kind = p[i + 1];
        size_t k = i + 2;
        while (k + 1 < t->len && !(p[k] == kind && p[k + 1] == ']'))
            k++;
        if (k + 1 < t->len) {
            strbuf_append(t->out, p + i, k + 2 - i);
            t->i = k + 1;
            return;
        }
    }
    bool first = i == t->class_start || (i == t->class_start + 1 && p[t->class_start] == '^');
    if (c == ']' && !first)
        t->in_class = false;
    strbuf_append(t->out, &c, 1);
}

/* Reads the digits at p[*k..] (up to a bound that keeps the value small). */
static uint64_t _count(const char *p, size_t len, size_t *k)
{
    uint64_t v = 0;
    while (*k < len && p[*k] >= '0' && p[*k] <= '9' && v <= 100000)
        v = v * 10 + (uint64_t)(p[(*k)++] - '0');
    return v;
}

/* '{': {n}, {n,} or {n,m} is a repetition; anything else is a literal. */
static const char *_brace(struct translator *t, size_t before)
{
    const char *p = t->p;
    size_t k = t->i + 1, d0 = k;
    uint64_t lo = _count(p, t->len, &k), hi = 0;
    bool has_hi = false, ok = false;
    if (k > d0 && k < t->len) {
        if (p[k] == '}') {
            ok = has_hi = true;
            hi = lo;
        } else if (p[k] == ',') {
            size_t d1 = ++k;
            hi = _count(p, t->len, &k);
            has_hi = k > d1;
            ok = k < t->len && p[k] == '}';
        }
    }
    if (!ok) {
        strbuf_puts(t->out, "\\{");
        _atom(t, before);
        return NULL;
    }
    if (!t->have_atom)
        return "missing argument to repetition operator";
    if (lo > REGEX_RE2_MAX_REPEAT || (has_hi && (hi > REGEX_RE2_MAX_REPEAT || hi < lo)))
        return "bad repetition operator (counts go up to 1000)";
    if (t->prev_quant || t->anchor)
        _wrap_group(t->out, t->atom);
    strbuf_append(t->out, p + t->i, k + 1 - t->i);
    t->i = k;
    t->prev_quant = true;
    t->anchor = false;
    return NULL;
}

/* One ASCII byte outside a class. */
static const char *_byte(struct translator *t, size_t before)
{
    char c = t->p[t->i];
    switch (c) {
    case '[':
        t->in_class = true;
        t->class_start = t->i + 1;
        _atom(t, before);
        break;
    case '(':
        if (t->i + 1 < t->len && t->p[t->i + 1] == '?')
            return "(?...) groups and flags are Perl syntax, not POSIX";
        if (t->ngroups == REGEX_MAX_GROUPS)
            return "groups nested too deeply";
        t->groups[t->ngroups++] = before;
        t->have_atom = t->prev_quant = false;
        break;
    case ')':
        if (!t->ngroups)
            return "unexpected ')'";
        _atom(t, t->groups[--t->ngroups]);
        break;
    case '|':
        t->have_atom = t->prev_quant = false;
        break;
    case '^':
    case '$':
        _atom(t, before);
        t->anchor = true;
        break;
    case '*':
    case '+':
    case '?':
        if (!t->have_atom)
            return "missing argument to repetition operator";
        if (t->prev_quant || t->anchor)
            _wrap_group(t->out, t->atom);
        t->prev_quant = true;
        t->anchor = false;
        break;
    case '{':
        return _brace(t, before);
    default:
        _atom(t, before);
        break;
    }
    strbuf_append(t->out, &c, 1);
    return NULL;
}

/* A multibyte UTF-8 character: one atom. */
static const char *_utf8_char(struct translator *t)
{
    int n = utf8_seq((const unsigned char *)t->p + t->i, (const unsigned char *)t->p + t->len);
    if (n < 0)
        return "invalid UTF-8";
    strbuf_append(t->out, t->p + t->i, (size_t)n);
    t->i += (size_t)n - 1;
    return NULL;
}

/* Appends the PCRE2 form of p[0..len) to out. Returns NULL, or why the
 * pattern is not valid. */
static const char *_translate(const char *p, size_t len, struct strbuf *out)
{
    struct translator t = {.p = p, .len = len, .out = out};
    for (; t.i < len; t.i++) {
        size_t before = out->len;
        unsigned char c = (unsigned char)p[t.i];
        const char *why = NULL;
        if (c == '\\' || c >= 0x80) {
            why = c == '\\' ? _escape(&t) : _utf8_char(&t);
            if (!why && !t.in_class)
                _atom(&t, before);
        } else if (t.in_class) {
            _class_byte(&t);
        } else {
            why = _byte(&t, before);
        }
        if (why)
            return why;
    }
    if (t.in_class)
        return "missing ']'";
    if (t.ngroups)
        return "missing ')'";
    return NULL;
}

/* ---- compiling and matching ---------------------------------------------------------- */

struct regex *regex_compile(const char *pattern, size_t len, char *why, size_t whylen)
{
    /* (?:...)\z: the whole value must match (ANCHOR_BOTH with the start
     * anchored at match time), and unlike PCRE2_ENDANCHORED it works with
     * partial matching, which decides truncated values */
    struct strbuf pat = {0};
    strbuf_puts(&pat, "(?:");
    const char *bad = _translate(pattern, len, &pat);
    strbuf_puts(&pat, ")\\z");
    if (bad) {
        snprintf(why, whylen, "%s (Falco uses RE2's POSIX syntax)", bad);
        strbuf_free(&pat);
        return NULL;
    }
    int err = 0;
    PCRE2_SIZE off = 0;
    /* UTF: RE2 works on UTF-8 characters. MULTILINE: RE2::POSIX leaves
     * one_line off, so ^ and $ also match at line breaks; ALT_CIRCUMFLEX
     * lets ^ match after a final newline as RE2's does. */
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)pat.data, pat.len,
                      PCRE2_UTF | PCRE2_MULTILINE | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C,
                      &err, &off, NULL);
    strbuf_free(&pat);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof(msg));
        snprintf(why, whylen, "%s", (const char *)msg);
        return NULL;
    }
    struct regex *re = malloc(sizeof(*re));
    if (!re) {
        pcre2_code_free(code);
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    re->code = code;
    return re;
}

void regex_free(struct regex **re)
{
    if (!re || !*re)
        return;
    pcre2_code_free((*re)->code);
    free(*re);
    *re = NULL;
}

struct regex_scratch *regex_scratch_new(void)
{
    struct regex_scratch *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->md = pcre2_match_data_create(1, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    if (!s->md || !s->mctx) {
        regex_scratch_free(&s);
        return NULL;
    }
    pcre2_set_match_limit(s->mctx, REGEX_MATCH_LIMIT);
    return s;
}

void regex_scratch_free(struct regex_scratch **scratch)
{
    if (!scratch || !*scratch)
        return;
    struct regex_scratch *s = *scratch;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    strbuf_free(&s->subject);
    free(s);
    *scratch = NULL;
}

enum interp_result regex_match(const struct regex *re, struct regex_scratch *s, const char *subject,
                               size_t len, bool truncated)
{
    if (!re || !s)
        return INTERP_FALSE;
    if (truncated)
        len = utf8_cut_partial(subject, len);
    s->subject.len = 0;
    utf8_sanitize(&s->subject, subject, len);
    const char *subj = s->subject.data ? s->subject.data : "";
    uint32_t opts = PCRE2_ANCHORED;
    if (truncated)
        opts |= PCRE2_PARTIAL_HARD;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)subj, s->subject.len, 0, opts, s->md, s->mctx);
    if (rc >= 0)
        return truncated ? INTERP_MAYBE : INTERP_TRUE;
    if (rc == PCRE2_ERROR_NOMATCH)
        return INTERP_FALSE;
    return INTERP_MAYBE; /* partial match, or a resource limit hit */
}
