/* The condition interpreter. Semantics follow libsinsp (the code paths are
 * named next to each rule below):
 *
 *  - filter_compare.cpp flt_compare: per-type comparisons. Strings compare
 *    as C strings (up to the first NUL), byte buffers by length and bytes,
 *    numbers as the field's signed or unsigned 64-bit type, booleans only by
 *    (in)equality, addresses by family and bytes, networks by prefix.
 *  - sinsp_filtercheck.cpp compare_rhs: `in`/`intersects` are set
 *    membership; `pmatch` is a path-prefix set (prefix_search.h: whole
 *    components, per-component globs); `regex` is RE2 in POSIX mode matched
 *    against the whole value (ANCHOR_BOTH), the value UTF-8 sanitized first.
 *    List fields (FF_LIST): `in` = every element is in the set (an empty
 *    list is), `intersects` = some element is.
 *  - compare_rhs_with_mod: `op oneof/anyof/allof (v1, v2, ...)` applies op to
 *    each value: exactly one / at least one / every one must hold; no values
 *    never holds.
 *  - sinsp_filter_check_thread::compare_full_a* : proc.aname, proc.apid,
 *    proc.aexe, proc.aexepath, proc.acmdline, proc.aenv without an index
 *    (an FV_LIST of the ancestors' values) hold when the comparison holds
 *    for any ancestor, for every operator including `!=`.
 *  - sinsp_filter_check_fd::compare_ip/_net/_port: fd.ip, fd.net, fd.port,
 *    fd.proto given as an FV_LIST of both ends hold when either end matches,
 *    except `!=`, which needs both ends to differ.
 *  - utils.cpp glob_match: glob/iglob are fnmatch(3) with no flags /
 *    FNM_CASEFOLD.
 *  - sinsp_filter_transformer_*: tolower/toupper (ASCII), b64 (strict
 *    decode; failure fails the extraction), basename (after the last '/'),
 *    len (strnlen of a string, size of a buffer, count of a list).
 *
 * Where rulec accepts more than Falco, it says so: numbers may be written
 * in hex (0x1f); an IPADDR field may be compared with a CIDR network
 * (fd.sip in (10.0.0.0/8)), which matches the addresses inside it.
 *
 * Truncated values (see interp.h): for a captured prefix p of the real
 * value p+S (S unknown, possibly empty) an operator is decided when every
 * S gives the same answer, else the atom is MAYBE:
 *   =, in            false unless p is a prefix of the value; then MAYBE
 *   startswith v     decided when |v| <= |p|, else MAYBE if p prefixes v
 *   contains v       true when p contains v, else MAYBE
 *   endswith         MAYBE
 *   glob             false when the pattern's literal head disagrees with p
 *   regex            false when no extension can match (PCRE2 partial match)
 *   pmatch           decided on p's complete path components
 *   < <= > >=        decided by the first differing byte within p
 *   len(x)           a lower bound: decided where the bound is enough
 * Transformers keep prefixes prefixes (tolower, toupper, b64 of whole
 * quads) or make the value unknown (basename). A getter error is MAYBE too. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/interp.h"
#include "core/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "core/arena.h"
#include "core/format.h"
#include "core/strbuf.h"

/* Backtracking budget per regex match; RE2 never backtracks, so a pattern
 * that exhausts it is undecided (MAYBE), not a non-match. */
#define INTERP_MATCH_LIMIT 1000000u
/* Deeper nesting than this is refused (the grammar allows far less). */
#define INTERP_MAX_DEPTH 4096
/* RE2's largest repetition count. */
#define INTERP_RE2_MAX_REPEAT 1000

/* ---- small helpers ---------------------------------------------------- */

enum ctype {
    CT_STR,
    CT_BYTES,
    CT_INT,
    CT_UINT,
    CT_BOOL,
    CT_IP,
    CT_NET,
};

struct ipval {
    uint8_t family; /* 4 or 6 */
    uint8_t prefix; /* networks */
    bool net;
    uint8_t a[16];
};

/* A value made comparable for one atom's type. text[] backs numbers or
 * addresses rendered as strings, so a cval is never copied once filled. */
struct cval {
    const char *s;
    size_t len;
    bool trunc; /* strings: s is a prefix; numbers: u is a lower bound */
    uint64_t u; /* CT_UINT, CT_INT (two's complement), CT_BOOL */
    struct ipval ip;
    char text[64];
};

/* One path component of a pmatch pattern. */
struct pcomp {
    const char *s; /* NUL-terminated */
    size_t len;
    bool glob; /* contains ?, * or [ (prefix_search.h's m_glob_dirs) */
};

/* One right-hand value. */
struct rval {
    struct cval c;
    pcre2_code *re;
    struct pcomp *comps;
    size_t ncomps;
};

struct atom {
    const struct ast_node *node;
    enum ctype type;
    enum field_type ftype;
    enum ast_op op;
    enum ast_modifier mod;
    bool list;         /* FF_LIST semantics: in = subset, intersects = overlap */
    bool either_end;   /* fd.ip & co: != must hold for both ends */
    struct rval *vals; /* constants (RHS_VALUE, RHS_LIST) */
    size_t nvals;
    const struct rval **set; /* CT_STR/CT_BYTES in/intersects: sorted for bsearch */
};

struct inode {
    enum ast_kind kind;
    bool value;
    struct inode **kids;
    size_t nkids;
    struct atom *atom;
};

struct buf {
    char *p;
    size_t cap;
};

struct interp {
    struct arena *arena;
    struct inode *root;
    struct atom **atoms; /* sorted by node address, for interp_eval_atom */
    size_t natoms;
    size_t atoms_cap;
    pcre2_code **res;
    size_t nres;
    size_t res_cap;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    struct buf lhs, rhs, tmp;
    struct strbuf san;
    struct rval *rtmp; /* right-hand field values, coerced */
    size_t rtmp_cap;
    /* compile-time only */
    struct diag_list *diags;
    const char *item;
    bool failed;
};

static enum interp_result _tri(bool b)
{
    return b ? INTERP_TRUE : INTERP_FALSE;
}

static enum interp_result _not(enum interp_result r)
{
    return r == INTERP_MAYBE ? INTERP_MAYBE : _tri(r == INTERP_FALSE);
}

static enum interp_result _or(enum interp_result a, enum interp_result b)
{
    if (a == INTERP_TRUE || b == INTERP_TRUE)
        return INTERP_TRUE;
    return a == INTERP_MAYBE || b == INTERP_MAYBE ? INTERP_MAYBE : INTERP_FALSE;
}

static enum interp_result _and(enum interp_result a, enum interp_result b)
{
    if (a == INTERP_FALSE || b == INTERP_FALSE)
        return INTERP_FALSE;
    return a == INTERP_MAYBE || b == INTERP_MAYBE ? INTERP_MAYBE : INTERP_TRUE;
}

static int _reserve(struct buf *b, size_t n)
{
    if (n <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < n)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -ENOMEM;
    b->p = p;
    b->cap = cap;
    return 0;
}

static char _lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char _upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool _is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* strcasestr over lengths, ASCII folding only (libsinsp runs in the C
 * locale, where strcasestr folds ASCII). */
static bool _imemmem(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return true;
    for (size_t i = 0; i + nl <= hl; i++) {
        size_t j = 0;
        while (j < nl && _lower(h[i + j]) == _lower(n[j]))
            j++;
        if (j == nl)
            return true;
    }
    return false;
}

static bool _memmem(const char *h, size_t hl, const char *n, size_t nl)
{
    return nl == 0 || memmem(h, hl, n, nl) != NULL;
}

/* Bytes compare like strcmp (unsigned), shorter first on a common prefix. */
static int _bytecmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return al < bl ? -1 : al > bl;
}

/* ---- numbers, addresses ------------------------------------------------ */

/* Decimal with an optional sign, as libsinsp's sscanf("%lu"/"%ld") reads
 * it (a negative number given to an unsigned field wraps, like strtoul);
 * rulec also reads 0x hex. Leading blanks are skipped, trailing text is an
 * error. */
static bool _parse_num(const char *s, size_t len, bool is_signed, uint64_t *out)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
        i++;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    unsigned base = 10;
    if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    }
    if (i >= len)
        return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        int d = text_hexval(s[i]);
        if (d < 0 || (unsigned)d >= base)
            return false;
        if (v > (UINT64_MAX - (unsigned)d) / base)
            return false;
        v = v * base + (unsigned)d;
    }
    if (is_signed) {
        if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
            return false;
    }
    *out = neg ? (uint64_t)0 - v : v;
    return true;
}

/* libsinsp's PT_PORT parser also takes service names (getservbyname). */
static bool _parse_port(const char *s, size_t len, uint64_t *out)
{
    if (_parse_num(s, len, false, out))
        return true;
    char name[64];
    if (len == 0 || len >= sizeof(name))
        return false;
    memcpy(name, s, len);
    name[len] = '\0';
    struct servent se, *res = NULL;
    char sbuf[1024];
    if (getservbyname_r(name, NULL, &se, sbuf, sizeof(sbuf), &res) != 0 || !res)
        return false;
    *out = ntohs((uint16_t)res->s_port);
    return true;
}

/* An address, or with want_net (or a '/') a network. libsinsp picks the
 * family by the presence of a '.'; inet_pton decides here, the same thing
 * for every valid input. */
static bool _parse_ip(const char *s, size_t len, bool want_net, struct ipval *out)
{
    char buf[INET6_ADDRSTRLEN + 8];
    if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *slash = strchr(buf, '/');
    memset(out, 0, sizeof(*out));
    if (slash)
        *slash = '\0';
    if (inet_pton(AF_INET, buf, out->a) == 1)
        out->family = 4;
    else if (inet_pton(AF_INET6, buf, out->a) == 1)
        out->family = 6;
    else
        return false;
    unsigned bits = out->family == 4 ? 32 : 128;
    out->prefix = (uint8_t)bits;
    if (slash) {
        uint64_t p;
        const char *ps = slash + 1;
        if (!*ps || !_parse_num(ps, strlen(ps), false, &p) || p > bits)
            return false;
        out->prefix = (uint8_t)p;
        out->net = true;
    } else if (want_net) {
        out->net = true;
    }
    return true;
}

static bool _in_net(const uint8_t *addr, const struct ipval *net)
{
    unsigned full = net->prefix / 8, rest = net->prefix % 8;
    if (full && memcmp(addr, net->a, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (addr[full] & mask) == (net->a[full] & mask);
}

/* ---- UTF-8 for regex subjects ---------------------------------------- */

/* Drops an incomplete trailing sequence of a truncated prefix: the real
 * value continues it, so it is not invalid. */
static size_t _utf8_cut_partial(const char *s, size_t len)
{
    size_t i = len;
    unsigned back = 0;
    while (i > 0 && back < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return len;
    unsigned char lead = (unsigned char)s[i - 1];
    unsigned need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (need > 1 && back + 1 < need)
        return i - 1;
    return len;
}

/* ---- compile ----------------------------------------------------------- */

static void _error(struct interp *it, struct src_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void _error(struct interp *it, struct src_pos pos, const char *fmt, ...)
{
    it->failed = true;
    if (!it->diags)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_report(it->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, pos, it->item, "%s", msg);
}

enum field_type interp_field_type(const struct ast_field *f)
{
    enum field_type t = f->def ? field_arg_type(f->def, ast_field_arg(f)) : FT_STRING;
    for (unsigned i = 0; i < f->ntransformers && i < AST_MAX_TRANSFORMERS; i++)
        if (f->transformers[i] == XF_LEN)
            t = FT_UINT;
    return t;
}

static enum ctype _ctype(enum field_type t)
{
    switch (t) {
    case FT_STRING:
    case FT_PATH:
        return CT_STR;
    case FT_BYTES:
        return CT_BYTES;
    case FT_INT:
        return CT_INT;
    case FT_UINT:
    case FT_PORT:
    case FT_RELTIME:
    case FT_ABSTIME:
        return CT_UINT;
    case FT_BOOL:
        return CT_BOOL;
    case FT_IPADDR:
        return CT_IP;
    case FT_IPNET:
        return CT_NET;
    case FT_TYPE_MAX:
        break;
    }
    return CT_STR;
}

static bool _has_len(const struct ast_field *f)
{
    for (unsigned i = 0; i < f->ntransformers && i < AST_MAX_TRANSFORMERS; i++)
        if (f->transformers[i] == XF_LEN)
            return true;
    return false;
}

/* flt_is_comparable: which operators each type supports. */
static bool _op_supported(enum ctype t, bool list, enum ast_op op)
{
    if (op == OP_EXISTS)
        return true;
    if (list)
        return op == OP_IN || op == OP_INTERSECTS;
    switch (t) {
    case CT_INT:
    case CT_UINT:
        return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT ||
               op == OP_GE || op == OP_IN || op == OP_INTERSECTS;
    case CT_BOOL:
    case CT_IP:
    case CT_NET:
        return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS;
    case CT_STR:
        return op != OP_BCONTAINS && op != OP_BSTARTSWITH;
    case CT_BYTES:
        return op == OP_EQ || op == OP_NE || op == OP_CONTAINS || op == OP_IN ||
               op == OP_STARTSWITH || op == OP_ENDSWITH || op == OP_INTERSECTS ||
               op == OP_BCONTAINS || op == OP_BSTARTSWITH;
    }
    return false;
}

static const char *_ctype_name(enum ctype t)
{
    static const char *const names[] = {
        [CT_STR] = "string",     [CT_BYTES] = "byte buffer", [CT_INT] = "numeric",
        [CT_UINT] = "numeric",   [CT_BOOL] = "boolean",      [CT_IP] = "IP address",
        [CT_NET] = "IP network",
    };
    return names[t];
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

/* RE2 in POSIX mode (RE2::POSIX, what libsinsp compiles `regex` with)
 * accepts POSIX egrep syntax only: no Perl classes (\d \s \w), no \b, no
 * (?...) groups or flags, no \pN, no \A \z \Q \C, no backreferences,
 * repetitions up to 1000; without Perl's extensions a second quantifier
 * applies to the quantified atom ("a*?" is "(a*)?", not a lazy star, and
 * "a**" is valid). This checks a pattern and rewrites it for PCRE2: stacked
 * quantifiers and quantified anchors get a group, octal escapes and \v (a
 * character in RE2, a class in PCRE2) become \x{..}. Returns NULL on
 * success, else why the pattern is not valid. */
static const char *_regex_translate(const char *p, size_t len, struct strbuf *out)
{
    enum { MAX_GROUPS = 1000 };
    size_t groups[MAX_GROUPS], ngroups = 0;
    bool in_class = false, have_atom = false, prev_quant = false, anchor = false;
    size_t class_start = 0, atom = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        size_t before = out->len;
        if (c == '\\') {
            if (i + 1 >= len)
                return "trailing backslash";
            char e = p[++i];
            if (e >= '1' && e <= '7' && !(i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7'))
                return "backreferences are not supported";
            if (e >= '0' && e <= '7') {
                unsigned v = (unsigned)(e - '0');
                for (int k = 0; k < 2 && i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7'; k++)
                    v = v * 8 + (unsigned)(p[++i] - '0');
                strbuf_printf(out, "\\x{%x}", v);
            } else if (e == 'x') {
                size_t j = i + 1;
                if (j < len && p[j] == '{') {
                    size_t k = j + 1;
                    while (k < len && text_hexval(p[k]) >= 0)
                        k++;
                    if (k == j + 1 || k >= len || p[k] != '}')
                        return "invalid \\x{...} escape";
                    strbuf_append(out, p + i - 1, k + 1 - (i - 1));
                    i = k;
                } else {
                    if (j + 1 >= len || text_hexval(p[j]) < 0 || text_hexval(p[j + 1]) < 0)
                        return "\\x needs two hex digits";
                    strbuf_append(out, p + i - 1, 4);
                    i = j + 1;
                }
            } else if (e == 'v') {
                strbuf_puts(out, "\\x{b}");
            } else if (e == 'a' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                strbuf_append(out, p + i - 1, 2);
            } else if ((unsigned char)e < 0x80 &&
                       !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || _is_digit(e))) {
                strbuf_append(out, p + i - 1, 2); /* escaped punctuation is itself */
            } else if (e == 'd' || e == 'D' || e == 's' || e == 'S' || e == 'w' || e == 'W') {
                return "Perl character classes (\\d, \\s, \\w) are not POSIX syntax; use "
                       "[[:digit:]], [[:space:]] or [[:alnum:]_]";
            } else if (e == 'b' || e == 'B') {
                return "\\b and \\B are not POSIX syntax";
            } else {
                return "invalid escape sequence";
            }
            if (!in_class) {
                atom = before;
                have_atom = true;
                prev_quant = anchor = false;
            }
            continue;
        }
        if ((unsigned char)c >= 0x80) {
            /* one UTF-8 character is one atom */
            int n = format_utf8_seq((const unsigned char *)p + i, (const unsigned char *)p + len);
            if (n < 0)
                return "invalid UTF-8";
            strbuf_append(out, p + i, (size_t)n);
            i += (size_t)n - 1;
            if (!in_class) {
                atom = before;
                have_atom = true;
                prev_quant = anchor = false;
            }
            continue;
        }
        if (in_class) {
            if (c == '[' && i + 1 < len &&
                (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
                char kind = p[i + 1];
                size_t k = i + 2;
                while (k + 1 < len && !(p[k] == kind && p[k + 1] == ']'))
                    k++;
                if (k + 1 < len) {
                    strbuf_append(out, p + i, k + 2 - i);
                    i = k + 1;
                    continue;
                }
            }
            bool first = i == class_start || (i == class_start + 1 && p[class_start] == '^');
            if (c == ']' && !first)
                in_class = false;
            strbuf_append(out, &c, 1);
            continue;
        }
        switch (c) {
        case '[':
            in_class = true;
            class_start = i + 1;
            atom = before;
            have_atom = true;
            prev_quant = anchor = false;
            strbuf_append(out, &c, 1);
            continue;
        case '(':
            if (i + 1 < len && p[i + 1] == '?')
                return "(?...) groups and flags are Perl syntax, not POSIX";
            if (ngroups == MAX_GROUPS)
                return "groups nested too deeply";
            groups[ngroups++] = before;
            have_atom = prev_quant = false;
            strbuf_append(out, &c, 1);
            continue;
        case ')':
            if (!ngroups)
                return "unexpected ')'";
            atom = groups[--ngroups];
            have_atom = true;
            prev_quant = anchor = false;
            strbuf_append(out, &c, 1);
            continue;
        case '|':
            have_atom = prev_quant = false;
            strbuf_append(out, &c, 1);
            continue;
        case '^':
        case '$':
            atom = before;
            have_atom = anchor = true;
            prev_quant = false;
            strbuf_append(out, &c, 1);
            continue;
        case '*':
        case '+':
        case '?':
            if (!have_atom)
                return "missing argument to repetition operator";
            if (prev_quant || anchor)
                _wrap_group(out, atom);
            prev_quant = true;
            anchor = false;
            strbuf_append(out, &c, 1);
            continue;
        case '{': {
            /* {n}, {n,}, {n,m} is a repetition; anything else is a literal */
            size_t k = i + 1, d0 = k;
            uint64_t lo = 0, hi = 0;
            bool has_hi = false, ok = false;
            while (k < len && _is_digit(p[k]) && lo <= 100000)
                lo = lo * 10 + (uint64_t)(p[k++] - '0');
            if (k > d0 && k < len) {
                if (p[k] == '}') {
                    ok = has_hi = true;
                    hi = lo;
                } else if (p[k] == ',') {
                    size_t d1 = ++k;
                    while (k < len && _is_digit(p[k]) && hi <= 100000)
                        hi = hi * 10 + (uint64_t)(p[k++] - '0');
                    has_hi = k > d1;
                    ok = k < len && p[k] == '}';
                }
            }
            if (!ok) {
                atom = before;
                strbuf_puts(out, "\\{");
                have_atom = true;
                prev_quant = anchor = false;
                continue;
            }
            if (!have_atom)
                return "missing argument to repetition operator";
            if (lo > INTERP_RE2_MAX_REPEAT || (has_hi && (hi > INTERP_RE2_MAX_REPEAT || hi < lo)))
                return "bad repetition operator (counts go up to 1000)";
            if (prev_quant || anchor)
                _wrap_group(out, atom);
            strbuf_append(out, p + i, k + 1 - i);
            i = k;
            prev_quant = true;
            anchor = false;
            continue;
        }
        default:
            atom = before;
            have_atom = true;
            prev_quant = anchor = false;
            strbuf_append(out, &c, 1);
            continue;
        }
    }
    if (in_class)
        return "missing ']'";
    if (ngroups)
        return "missing ')'";
    return NULL;
}

static pcre2_code *_compile_regex(struct interp *it, const struct ast_value *v)
{
    /* (?:...)\z: the whole value must match (ANCHOR_BOTH with the start
     * anchored at match time), and unlike PCRE2_ENDANCHORED it works with
     * partial matching, which decides truncated values */
    struct strbuf pat = {0};
    strbuf_puts(&pat, "(?:");
    const char *why = _regex_translate(v->text, v->len, &pat);
    strbuf_puts(&pat, ")\\z");
    if (why) {
        _error(it, v->pos, "invalid regex '%s': %s (Falco uses RE2's POSIX syntax)", v->text, why);
        strbuf_free(&pat);
        return NULL;
    }
    int err = 0;
    PCRE2_SIZE off = 0;
    /* UTF: RE2 works on UTF-8 characters. MULTILINE: RE2::POSIX leaves
     * one_line off, so ^ and $ also match at line breaks; ALT_CIRCUMFLEX
     * lets ^ match after a final newline as RE2's does. */
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)(pat.data ? pat.data : ""), pat.len,
                      PCRE2_UTF | PCRE2_MULTILINE | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C,
                      &err, &off, NULL);
    strbuf_free(&pat);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof(msg));
        _error(it, v->pos, "invalid regex '%s': %s", v->text, (const char *)msg);
        return NULL;
    }
    if (it->nres == it->res_cap) {
        size_t cap = it->res_cap ? it->res_cap * 2 : 8;
        pcre2_code **res = realloc(it->res, cap * sizeof(*res));
        if (!res) {
            pcre2_code_free(re);
            it->failed = true;
            return NULL;
        }
        it->res = res;
        it->res_cap = cap;
    }
    it->res[it->nres++] = re;
    return re;
}

/* Splits a path into components, empty ones dropped (split_path). */
static void _split_pattern(struct interp *it, struct rval *r)
{
    const char *s = r->c.s;
    size_t len = r->c.len, n = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == '/')
            i++;
        if (i >= len)
            break;
        while (i < len && s[i] != '/')
            i++;
        n++;
    }
    r->comps = arena_alloc(it->arena, (n ? n : 1) * sizeof(*r->comps));
    r->ncomps = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && s[i] == '/')
            i++;
        if (i >= len)
            break;
        size_t start = i;
        while (i < len && s[i] != '/')
            i++;
        struct pcomp *pc = &r->comps[r->ncomps++];
        pc->s = arena_strndup(it->arena, s + start, i - start);
        pc->len = i - start;
        pc->glob = strpbrk(pc->s, "?*[") != NULL;
    }
}

static bool _unhex(struct interp *it, const struct ast_value *v, struct rval *r)
{
    if (v->len % 2) {
        _error(it, v->pos,
               "'%s' is not a hex string: bcontains and bstartswith take bytes as "
               "hex digits, e.g. 7f454c46",
               v->text);
        return false;
    }
    char *out = arena_alloc(it->arena, v->len / 2 + 1);
    for (size_t i = 0; i < v->len; i += 2) {
        int hi = text_hexval(v->text[i]), lo = text_hexval(v->text[i + 1]);
        if (hi < 0 || lo < 0) {
            _error(it, v->pos,
                   "'%s' is not a hex string: bcontains and bstartswith take bytes "
                   "as hex digits, e.g. 7f454c46",
                   v->text);
            return false;
        }
        out[i / 2] = (char)(hi << 4 | lo);
    }
    r->c.s = out;
    r->c.len = v->len / 2;
    return true;
}

/* Parses one right-hand constant for the atom's type and operator. */
static void _parse_value(struct interp *it, struct atom *a, const struct ast_value *v,
                         struct rval *r)
{
    const char *name = a->node->cmp.lhs.name ? a->node->cmp.lhs.name : "?";
    r->c.s = arena_strndup(it->arena, v->text ? v->text : "", v->text ? v->len : 0);
    r->c.len = v->text ? v->len : 0;
    if (a->op == OP_BCONTAINS || a->op == OP_BSTARTSWITH) {
        _unhex(it, v, r);
        return;
    }
    if (a->type != CT_BYTES && memchr(r->c.s, '\0', r->c.len)) {
        _error(it, v->pos, "a value cannot contain a NUL byte (\\x00)");
        return;
    }
    switch (a->type) {
    case CT_STR:
    case CT_BYTES:
        break;
    case CT_INT:
    case CT_UINT: {
        bool ok = a->ftype == FT_PORT ? _parse_port(r->c.s, r->c.len, &r->c.u)
                                      : _parse_num(r->c.s, r->c.len, a->type == CT_INT, &r->c.u);
        if (!ok)
            _error(it, v->pos, "'%s' is not a number (field '%s' is numeric)", r->c.s, name);
        break;
    }
    case CT_BOOL:
        if (strcmp(r->c.s, "true") == 0)
            r->c.u = 1;
        else if (strcmp(r->c.s, "false") == 0)
            r->c.u = 0;
        else
            _error(it, v->pos, "'%s' is not a boolean: write true or false (field '%s')", r->c.s,
                   name);
        break;
    case CT_IP:
    case CT_NET:
        if (!_parse_ip(r->c.s, r->c.len, a->type == CT_NET, &r->c.ip))
            _error(it, v->pos, "'%s' is not an IP %s (field '%s')", r->c.s,
                   a->type == CT_NET ? "network (CIDR)" : "address", name);
        break;
    }
    if (a->op == OP_REGEX)
        r->re = _compile_regex(it, v);
    else if (a->op == OP_PMATCH)
        _split_pattern(it, r);
}

static int _rval_cmp(const void *x, const void *y)
{
    const struct rval *a = *(const struct rval *const *)x, *b = *(const struct rval *const *)y;
    return _bytecmp(a->c.s, a->c.len, b->c.s, b->c.len);
}

static bool _either_end(const struct field_def *def)
{
    return def && (def->id == FIELD_FD_IP || def->id == FIELD_FD_NET || def->id == FIELD_FD_PORT ||
                   def->id == FIELD_FD_PROTO);
}

static void _add_atom(struct interp *it, struct atom *a)
{
    if (it->natoms == it->atoms_cap) {
        size_t cap = it->atoms_cap ? it->atoms_cap * 2 : 16;
        struct atom **atoms = realloc(it->atoms, cap * sizeof(*atoms));
        if (!atoms) {
            it->failed = true;
            return;
        }
        it->atoms = atoms;
        it->atoms_cap = cap;
    }
    it->atoms[it->natoms++] = a;
}

static struct atom *_compile_atom(struct interp *it, const struct ast_node *n)
{
    struct atom *a = arena_alloc(it->arena, sizeof(*a));
    const struct ast_field *f = &n->cmp.lhs;
    a->node = n;
    a->op = n->cmp.op;
    a->mod = n->cmp.modifier;
    a->ftype = interp_field_type(f);
    a->type = _ctype(a->ftype);
    a->list = f->def && (f->def->flags & FF_LIST) && !_has_len(f);
    a->either_end = _either_end(f->def);
    _add_atom(it, a);
    if ((unsigned)a->op >= OP_MAX) {
        _error(it, n->pos, "unknown operator");
        return a;
    }
    if (!_op_supported(a->type, a->list, a->op)) {
        _error(it, n->cmp.op_pos, "operator '%s' is not supported for %s%s field '%s'",
               ast_op_name(a->op), a->list ? "list " : "", _ctype_name(a->type),
               f->name ? f->name : "?");
        return a;
    }
    const struct ast_rhs *rhs = &n->cmp.rhs;
    if (a->op == OP_EXISTS)
        return a;
    if (rhs->kind == RHS_NONE) {
        _error(it, n->cmp.op_pos, "operator '%s' needs a value", ast_op_name(a->op));
        return a;
    }
    if (rhs->kind == RHS_FIELD) {
        if (a->op == OP_PMATCH || a->op == OP_REGEX)
            _error(it, rhs->field.pos, "operator '%s' does not take a field on its right",
                   ast_op_name(a->op));
        if (a->type == CT_NET)
            _error(it, rhs->field.pos, "IP network fields do not take a field on their right");
        return a;
    }
    a->nvals = rhs->values ? rhs->nvalues : 0;
    if (rhs->kind == RHS_VALUE && rhs->values)
        a->nvals = 1;
    a->vals = arena_alloc(it->arena, (a->nvals ? a->nvals : 1) * sizeof(*a->vals));
    for (size_t i = 0; i < a->nvals; i++)
        _parse_value(it, a, &rhs->values[i], &a->vals[i]);
    if ((a->op == OP_IN || a->op == OP_INTERSECTS) && (a->type == CT_STR || a->type == CT_BYTES) &&
        a->nvals) {
        a->set = arena_alloc(it->arena, a->nvals * sizeof(*a->set));
        for (size_t i = 0; i < a->nvals; i++)
            a->set[i] = &a->vals[i];
        qsort(a->set, a->nvals, sizeof(*a->set), _rval_cmp);
    }
    return a;
}

static struct inode *_compile_node(struct interp *it, const struct ast_node *n, unsigned depth)
{
    struct inode *in = arena_alloc(it->arena, sizeof(*in));
    if (!n) {
        it->failed = true;
        in->kind = AST_BOOL;
        return in;
    }
    in->kind = n->kind;
    if (depth > INTERP_MAX_DEPTH) {
        _error(it, n->pos, "condition nested too deeply");
        in->kind = AST_BOOL;
        return in;
    }
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        in->nkids = n->list.nkids;
        in->kids = arena_alloc(it->arena, (in->nkids ? in->nkids : 1) * sizeof(*in->kids));
        for (size_t i = 0; i < in->nkids; i++)
            in->kids[i] = _compile_node(it, n->list.kids[i], depth + 1);
        return in;
    case AST_NOT:
        in->nkids = 1;
        in->kids = arena_alloc(it->arena, sizeof(*in->kids));
        in->kids[0] = _compile_node(it, n->operand, depth + 1);
        return in;
    case AST_CMP:
        in->atom = _compile_atom(it, n);
        return in;
    case AST_BOOL:
        in->value = n->value;
        return in;
    case AST_MACRO:
        _error(it, n->pos, "'%s' is not resolved: macros must be inlined before evaluation",
               n->macro.name ? n->macro.name : "?");
        in->kind = AST_BOOL;
        return in;
    case AST_KIND_MAX:
        break;
    }
    _error(it, n->pos, "unknown condition node");
    in->kind = AST_BOOL;
    return in;
}

static int _atom_ptr_cmp(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)(*(const struct atom *const *)x)->node;
    uintptr_t b = (uintptr_t)(*(const struct atom *const *)y)->node;
    return a < b ? -1 : a > b;
}

struct interp *interp_compile(const struct ast_node *cond, struct diag_list *diags,
                              const char *item)
{
    struct interp *it = calloc(1, sizeof(*it));
    if (!it)
        return NULL;
    it->arena = arena_new();
    it->diags = diags;
    it->item = item;
    it->md = pcre2_match_data_create(1, NULL);
    it->mctx = pcre2_match_context_create(NULL);
    if (!it->md || !it->mctx) {
        interp_free(&it);
        return NULL;
    }
    pcre2_set_match_limit(it->mctx, INTERP_MATCH_LIMIT);
    it->root = _compile_node(it, cond, 0);
    it->diags = NULL;
    it->item = NULL;
    if (it->failed) {
        interp_free(&it);
        return NULL;
    }
    if (it->natoms)
        qsort(it->atoms, it->natoms, sizeof(*it->atoms), _atom_ptr_cmp);
    return it;
}

struct interp *interp_new(const struct ast_node *cond)
{
    return interp_compile(cond, NULL, NULL);
}

void interp_free(struct interp **interp)
{
    if (!interp || !*interp)
        return;
    struct interp *it = *interp;
    for (size_t i = 0; i < it->nres; i++)
        pcre2_code_free(it->res[i]);
    free(it->res);
    free(it->atoms);
    pcre2_match_data_free(it->md);
    pcre2_match_context_free(it->mctx);
    free(it->lhs.p);
    free(it->rhs.p);
    free(it->tmp.p);
    free(it->rtmp);
    strbuf_free(&it->san);
    arena_free(&it->arena);
    free(it);
    *interp = NULL;
}

/* ---- transformers ------------------------------------------------------ */

/* One transformer over one string, in place (the string is in scratch).
 * Returns false when the transformer fails the extraction. */
static bool _xf_string(enum ast_transformer xf, struct fv_str *s, bool *trunc)
{
    char *p = (char *)s->ptr;
    /* string_transformer: trailing NULs are not part of the value */
    while (s->len && p[s->len - 1] == '\0')
        s->len--;
    switch (xf) {
    case XF_TOLOWER:
        for (size_t i = 0; i < s->len; i++)
            p[i] = _lower(p[i]);
        return true;
    case XF_TOUPPER:
        for (size_t i = 0; i < s->len; i++)
            p[i] = _upper(p[i]);
        return true;
    case XF_BASENAME: {
        if (*trunc) {
            /* the real basename starts after a '/' the prefix may not hold */
            s->len = 0;
            return true;
        }
        const char *slash = memrchr(p, '/', s->len);
        if (slash) {
            s->len -= (size_t)(slash + 1 - p);
            s->ptr = slash + 1;
        }
        return true;
    }
    case XF_B64: {
        if (*trunc) {
            /* decode the whole quads of the prefix; an invalid character
             * there fails the real value too */
            for (size_t i = 0; i < s->len; i++) {
                if (p[i] == '=') {
                    s->len = 0; /* padding inside a prefix: undecidable */
                    return true;
                }
                if (text_base64val((unsigned char)p[i]) < 0)
                    return false;
            }
            s->len -= s->len % 4;
        }
        long n = text_base64_decode(p, s->len);
        if (n < 0)
            return false;
        s->len = (size_t)n;
        return true;
    }
    case XF_LEN:
    case XF_MAX:
        break;
    }
    return true;
}

/* Copies a string or list value into scratch so transformers may edit it. */
static int _own(struct field_value *v, struct buf *b)
{
    if (v->kind == FV_STR) {
        if (b->p && v->str.ptr >= b->p && v->str.ptr < b->p + b->cap)
            return 0;
        if (_reserve(b, v->str.len + 1) < 0)
            return -ENOMEM;
        if (v->str.len)
            memmove(b->p, v->str.ptr, v->str.len);
        b->p[v->str.len] = '\0';
        v->str.ptr = b->p;
        return 0;
    }
    /* FV_LIST: the element array, then the bytes */
    size_t total = v->nlist * sizeof(struct fv_str);
    for (size_t i = 0; i < v->nlist; i++)
        total += v->list[i].len;
    if (b->p && v->list && (const char *)v->list >= b->p && (const char *)v->list < b->p + b->cap)
        return 0;
    if (_reserve(b, total + 1) < 0)
        return -ENOMEM;
    struct fv_str *arr = (struct fv_str *)(void *)b->p;
    char *bytes = b->p + v->nlist * sizeof(struct fv_str);
    for (size_t i = 0; i < v->nlist; i++) {
        if (v->list[i].len)
            memcpy(bytes, v->list[i].ptr, v->list[i].len);
        arr[i].ptr = bytes;
        arr[i].len = v->list[i].len;
        bytes += v->list[i].len;
    }
    v->list = arr;
    return 0;
}

static int _transform(const struct ast_field *f, struct field_value *v, struct buf *b)
{
    if (!f->ntransformers || v->kind == FV_NONE)
        return 0;
    bool bytes = f->def && field_arg_type(f->def, ast_field_arg(f)) == FT_BYTES;
    bool owned = false;
    for (unsigned t = 0; t < f->ntransformers && t < AST_MAX_TRANSFORMERS; t++) {
        enum ast_transformer xf = f->transformers[t];
        if (v->kind != FV_STR && v->kind != FV_LIST)
            return 0; /* a number (after len) takes no string transformer */
        if (xf == XF_LEN) {
            uint64_t n;
            if (v->kind == FV_LIST) {
                n = v->nlist;
            } else {
                /* len: strnlen for strings, the size for byte buffers */
                n = bytes ? v->str.len : strnlen(v->str.ptr, v->str.len);
                if (!bytes && n < v->str.len)
                    v->truncated = false; /* the value ends at its NUL */
            }
            bool trunc = v->truncated;
            memset(v, 0, sizeof(*v));
            v->kind = FV_UINT;
            v->u = n;
            v->truncated = trunc; /* a lower bound */
            return 0;
        }
        if (!owned) {
            if (_own(v, b) < 0)
                return -ENOMEM;
            owned = true;
        }
        if (v->kind == FV_STR) {
            struct fv_str s = v->str;
            if (!_xf_string(xf, &s, &v->truncated)) {
                memset(v, 0, sizeof(*v));
                v->kind = FV_NONE;
                return 0;
            }
            v->str = s;
        } else {
            struct fv_str *arr = (struct fv_str *)v->list;
            for (size_t i = 0; i < v->nlist; i++) {
                bool trunc = v->truncated && i + 1 == v->nlist;
                if (!_xf_string(xf, &arr[i], &trunc)) {
                    memset(v, 0, sizeof(*v));
                    v->kind = FV_NONE;
                    return 0;
                }
            }
        }
    }
    return 0;
}

int interp_apply_transformers(const struct ast_field *field, struct field_value *value,
                              char **scratch, size_t *scratch_cap)
{
    if (!field || !value || !scratch || !scratch_cap)
        return -EINVAL;
    struct buf b = {*scratch, *scratch_cap};
    int rc = _transform(field, value, &b);
    *scratch = b.p;
    *scratch_cap = b.cap;
    return rc;
}

/* ---- coercion ---------------------------------------------------------- */

static void _ip_text(const struct ipval *ip, char *out, size_t size)
{
    if (!inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->a, out, (socklen_t)size))
        snprintf(out, size, "<NA>");
    if (ip->net) {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "/%u", ip->prefix);
    }
}

static void _fv_ip(const struct field_value *v, struct ipval *ip)
{
    memset(ip, 0, sizeof(*ip));
    ip->family = v->family == 6 ? 6 : 4;
    memcpy(ip->a, v->ip, sizeof(ip->a));
    ip->prefix = v->kind == FV_NET ? v->prefix : (uint8_t)(ip->family == 4 ? 32 : 128);
}

/* Makes a scalar value comparable as type t. Returns TRUE when done, FALSE
 * when it cannot be (the comparison is false), MAYBE when a truncated
 * string cannot be read as a number or address. */
static enum interp_result _coerce(enum ctype t, enum field_type ft, const struct field_value *v,
                                  struct cval *c)
{
    c->trunc = false;
    c->s = c->text;
    c->len = 0;
    c->text[0] = '\0';
    switch (t) {
    case CT_STR:
    case CT_BYTES:
        switch (v->kind) {
        case FV_STR:
            c->s = v->str.ptr ? v->str.ptr : "";
            c->len = v->str.ptr ? v->str.len : 0;
            c->trunc = v->truncated;
            if (t == CT_STR) {
                /* a C string ends at its first NUL, and so does a prefix */
                const char *nul = memchr(c->s, '\0', c->len);
                if (nul) {
                    c->len = (size_t)(nul - c->s);
                    c->trunc = false;
                }
            }
            return INTERP_TRUE;
        case FV_INT:
            c->len = (size_t)snprintf(c->text, sizeof(c->text), "%lld", (long long)v->i);
            return INTERP_TRUE;
        case FV_UINT:
            c->len = (size_t)snprintf(c->text, sizeof(c->text), "%llu", (unsigned long long)v->u);
            return v->truncated ? INTERP_MAYBE : INTERP_TRUE;
        case FV_BOOL:
            c->len = (size_t)snprintf(c->text, sizeof(c->text), "%s", v->b ? "true" : "false");
            return INTERP_TRUE;
        case FV_IP:
        case FV_NET: {
            struct ipval ip;
            _fv_ip(v, &ip);
            ip.net = v->kind == FV_NET;
            _ip_text(&ip, c->text, sizeof(c->text));
            c->len = strlen(c->text);
            return INTERP_TRUE;
        }
        case FV_NONE:
        case FV_LIST:
            break;
        }
        return INTERP_FALSE;
    case CT_INT:
    case CT_UINT:
        switch (v->kind) {
        case FV_INT:
            c->u = (uint64_t)v->i;
            c->trunc = v->truncated;
            return INTERP_TRUE;
        case FV_UINT:
            c->u = v->u;
            c->trunc = v->truncated;
            return INTERP_TRUE;
        case FV_BOOL:
            c->u = v->b;
            return INTERP_TRUE;
        case FV_STR: {
            if (v->truncated)
                return INTERP_MAYBE;
            size_t len = v->str.ptr ? strnlen(v->str.ptr, v->str.len) : 0;
            bool ok = ft == FT_PORT ? _parse_port(v->str.ptr, len, &c->u)
                                    : _parse_num(v->str.ptr, len, t == CT_INT, &c->u);
            return _tri(ok);
        }
        default:
            return INTERP_FALSE;
        }
    case CT_BOOL:
        switch (v->kind) {
        case FV_BOOL:
            c->u = v->b;
            return INTERP_TRUE;
        case FV_INT:
            c->u = v->i != 0;
            return INTERP_TRUE;
        case FV_UINT:
            c->u = v->u != 0;
            return INTERP_TRUE;
        case FV_STR:
            if (v->truncated)
                return INTERP_MAYBE;
            if (v->str.len == 4 && memcmp(v->str.ptr, "true", 4) == 0)
                c->u = 1;
            else if (v->str.len == 5 && memcmp(v->str.ptr, "false", 5) == 0)
                c->u = 0;
            else
                return INTERP_FALSE;
            return INTERP_TRUE;
        default:
            return INTERP_FALSE;
        }
    case CT_IP:
    case CT_NET:
        if (v->kind == FV_IP || v->kind == FV_NET) {
            _fv_ip(v, &c->ip);
            c->ip.net = false; /* the address is what is compared */
            return INTERP_TRUE;
        }
        if (v->kind == FV_STR) {
            if (v->truncated)
                return INTERP_MAYBE;
            if (!_parse_ip(v->str.ptr, strnlen(v->str.ptr, v->str.len), false, &c->ip))
                return INTERP_FALSE;
            c->ip.net = false;
            return INTERP_TRUE;
        }
        return INTERP_FALSE;
    }
    return INTERP_FALSE;
}

static enum interp_result _coerce_elem(enum ctype t, enum field_type ft, const struct fv_str *e,
                                       bool trunc, struct cval *c)
{
    struct field_value v = {.kind = FV_STR, .truncated = trunc, .str = *e};
    return _coerce(t, ft, &v, c);
}

/* ---- comparisons ------------------------------------------------------- */

static const char *_cstr(struct buf *b, const char *s, size_t len)
{
    if (_reserve(b, len + 1) < 0)
        return NULL;
    memcpy(b->p, s, len);
    b->p[len] = '\0';
    return b->p;
}

/* The head of a glob pattern before its first special character. */
static size_t _glob_literal_head(const char *pat)
{
    return strcspn(pat, "*?[\\");
}

static enum interp_result _glob(struct interp *it, const struct cval *l, const struct cval *r,
                                bool icase)
{
    if (l->trunc) {
        size_t head = _glob_literal_head(r->s);
        size_t n = head < l->len ? head : l->len;
        for (size_t i = 0; i < n; i++) {
            char a = l->s[i], b = r->s[i];
            if (icase ? _lower(a) != _lower(b) : a != b)
                return INTERP_FALSE;
        }
        if (head == r->len && head < l->len)
            return INTERP_FALSE; /* a literal pattern shorter than the value */
        return INTERP_MAYBE;
    }
    const char *subj = _cstr(&it->tmp, l->s, l->len);
    if (!subj)
        return INTERP_MAYBE;
    return _tri(fnmatch(r->s, subj, icase ? FNM_CASEFOLD : 0) == 0);
}

static enum interp_result _regex(struct interp *it, const struct cval *l, const struct rval *r)
{
    if (!r->re)
        return INTERP_FALSE;
    size_t len = l->len;
    if (l->trunc)
        len = _utf8_cut_partial(l->s, len);
    it->san.len = 0;
    format_utf8_sanitize(&it->san, l->s, len);
    const char *subj = it->san.data ? it->san.data : "";
    uint32_t opts = PCRE2_ANCHORED;
    if (l->trunc)
        opts |= PCRE2_PARTIAL_HARD;
    int rc = pcre2_match(r->re, (PCRE2_SPTR)subj, it->san.len, 0, opts, it->md, it->mctx);
    if (rc >= 0)
        return l->trunc ? INTERP_MAYBE : INTERP_TRUE;
    if (rc == PCRE2_ERROR_NOMATCH)
        return INTERP_FALSE;
    return INTERP_MAYBE; /* partial match, or a resource limit hit */
}

static bool _comp_match(struct interp *it, const struct pcomp *pc, const char *s, size_t len)
{
    if (!pc->glob)
        return pc->len == len && memcmp(pc->s, s, len) == 0;
    const char *subj = _cstr(&it->tmp, s, len);
    return subj && fnmatch(pc->s, subj, 0) == 0;
}

/* pmatch against one pattern: the pattern's components must be the first
 * components of the path (path_prefix_map::match). */
static enum interp_result _pmatch1(struct interp *it, const struct cval *l, const struct rval *r)
{
    const char *s = l->s;
    size_t len = l->len, i = 0, k = 0;
    while (k < r->ncomps) {
        while (i < len && s[i] == '/')
            i++;
        size_t start = i;
        while (i < len && s[i] != '/')
            i++;
        bool complete = i < len || !l->trunc;
        if (start == i && !complete)
            return INTERP_MAYBE; /* the next component is not captured yet */
        if (start == i)
            return INTERP_FALSE; /* the path has fewer components */
        if (!complete) {
            /* a partial last component: decided only by a literal that it
             * does not start */
            const struct pcomp *pc = &r->comps[k];
            if (!pc->glob && (i - start > pc->len || memcmp(pc->s, s + start, i - start) != 0))
                return INTERP_FALSE;
            return INTERP_MAYBE;
        }
        if (!_comp_match(it, &r->comps[k], s + start, i - start))
            return INTERP_FALSE;
        k++;
    }
    return INTERP_TRUE;
}

static enum interp_result _cmp_str(struct interp *it, enum ast_op op, const struct cval *l,
                                   const struct rval *rv)
{
    const struct cval *r = &rv->c;
    if (r->trunc && op != OP_EQ && op != OP_NE && op != OP_IN && op != OP_INTERSECTS)
        return INTERP_MAYBE;
    switch (op) {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
        if (!l->trunc && !r->trunc)
            return _tri(l->len == r->len && memcmp(l->s, r->s, l->len) == 0);
        if (l->trunc && r->trunc) {
            size_t n = l->len < r->len ? l->len : r->len;
            return memcmp(l->s, r->s, n) == 0 ? INTERP_MAYBE : INTERP_FALSE;
        }
        if (l->trunc)
            return l->len <= r->len && memcmp(l->s, r->s, l->len) == 0 ? INTERP_MAYBE
                                                                       : INTERP_FALSE;
        return r->len <= l->len && memcmp(l->s, r->s, r->len) == 0 ? INTERP_MAYBE : INTERP_FALSE;
    case OP_NE:
        return _not(_cmp_str(it, OP_EQ, l, rv));
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE: {
        int c;
        if (!l->trunc) {
            c = _bytecmp(l->s, l->len, r->s, r->len);
        } else {
            size_t n = l->len < r->len ? l->len : r->len;
            c = n ? memcmp(l->s, r->s, n) : 0;
            if (!c && l->len < r->len)
                return INTERP_MAYBE; /* the value may end before or after r */
            if (!c && l->len == r->len) {
                /* value >= r; equal only if nothing follows */
                if (op == OP_GE)
                    return INTERP_TRUE;
                if (op == OP_LT)
                    return INTERP_FALSE;
                return INTERP_MAYBE;
            }
            if (!c)
                c = 1; /* r is a proper prefix of the value */
        }
        if (op == OP_LT)
            return _tri(c < 0);
        if (op == OP_LE)
            return _tri(c <= 0);
        if (op == OP_GT)
            return _tri(c > 0);
        return _tri(c >= 0);
    }
    case OP_CONTAINS:
    case OP_BCONTAINS:
        if (_memmem(l->s, l->len, r->s, r->len))
            return INTERP_TRUE;
        return l->trunc ? INTERP_MAYBE : INTERP_FALSE;
    case OP_ICONTAINS:
        if (_imemmem(l->s, l->len, r->s, r->len))
            return INTERP_TRUE;
        return l->trunc ? INTERP_MAYBE : INTERP_FALSE;
    case OP_STARTSWITH:
    case OP_BSTARTSWITH:
        if (r->len <= l->len)
            return _tri(memcmp(l->s, r->s, r->len) == 0);
        if (l->trunc && memcmp(l->s, r->s, l->len) == 0)
            return INTERP_MAYBE;
        return INTERP_FALSE;
    case OP_ENDSWITH:
        if (r->len == 0)
            return INTERP_TRUE;
        if (l->trunc)
            return INTERP_MAYBE;
        return _tri(r->len <= l->len && memcmp(l->s + l->len - r->len, r->s, r->len) == 0);
    case OP_GLOB:
    case OP_IGLOB:
        return _glob(it, l, r, op == OP_IGLOB);
    case OP_REGEX:
        return _regex(it, l, rv);
    case OP_PMATCH:
        return _pmatch1(it, l, rv);
    case OP_EXISTS:
    case OP_MAX:
        break;
    }
    return INTERP_FALSE;
}

/* flt_compare_numeric on the field's signed or unsigned type. A truncated
 * left value is a lower bound (len() of a truncated string). */
static enum interp_result _cmp_num(enum ast_op op, bool is_signed, const struct cval *l,
                                   const struct cval *r)
{
    int c;
    if (is_signed)
        c = (int64_t)l->u < (int64_t)r->u ? -1 : (int64_t)l->u > (int64_t)r->u;
    else
        c = l->u < r->u ? -1 : l->u > r->u;
    if (l->trunc) {
        /* the value is some v >= l */
        switch (op) {
        case OP_EQ:
        case OP_IN:
        case OP_INTERSECTS:
            return c > 0 ? INTERP_FALSE : INTERP_MAYBE;
        case OP_NE:
            return c > 0 ? INTERP_TRUE : INTERP_MAYBE;
        case OP_LT:
            return c >= 0 ? INTERP_FALSE : INTERP_MAYBE;
        case OP_LE:
            return c > 0 ? INTERP_FALSE : INTERP_MAYBE;
        case OP_GT:
            return c > 0 ? INTERP_TRUE : INTERP_MAYBE;
        case OP_GE:
            return c >= 0 ? INTERP_TRUE : INTERP_MAYBE;
        default:
            return INTERP_FALSE;
        }
    }
    switch (op) {
    case OP_EQ:
    case OP_IN:
    case OP_INTERSECTS:
        return _tri(c == 0);
    case OP_NE:
        return _tri(c != 0);
    case OP_LT:
        return _tri(c < 0);
    case OP_LE:
        return _tri(c <= 0);
    case OP_GT:
        return _tri(c > 0);
    case OP_GE:
        return _tri(c >= 0);
    default:
        return INTERP_FALSE;
    }
}

/* flt_compare for PT_IPADDR / PT_IPNET: an address against an address or
 * a network; a family mismatch is unequal (only != holds). */
static enum interp_result _cmp_ip(enum ast_op op, const struct cval *l, const struct cval *r)
{
    bool eq;
    if (l->ip.family != r->ip.family)
        eq = false;
    else if (r->ip.net)
        eq = _in_net(l->ip.a, &r->ip);
    else
        eq = memcmp(l->ip.a, r->ip.a, l->ip.family == 4 ? 4 : 16) == 0;
    if (op == OP_EQ || op == OP_IN || op == OP_INTERSECTS)
        return _tri(eq);
    if (op == OP_NE)
        return _tri(!eq);
    return INTERP_FALSE;
}

static enum interp_result _cmp1(struct interp *it, const struct atom *a, enum ast_op op,
                                const struct cval *l, const struct rval *r)
{
    switch (a->type) {
    case CT_STR:
    case CT_BYTES:
        return _cmp_str(it, op, l, r);
    case CT_INT:
    case CT_UINT:
        return _cmp_num(op, a->type == CT_INT, l, &r->c);
    case CT_BOOL:
        if (op == OP_EQ || op == OP_IN || op == OP_INTERSECTS)
            return _tri(l->u == r->c.u);
        if (op == OP_NE)
            return _tri(l->u != r->c.u);
        return INTERP_FALSE;
    case CT_IP:
    case CT_NET:
        return _cmp_ip(op, l, &r->c);
    }
    return INTERP_FALSE;
}

/* The right-hand values of one evaluation: constants or another field's. */
struct rhs_set {
    const struct rval *vals; /* constants */
    const struct rval **set; /* sorted constants (strings) */
    struct rval *dyn;        /* a field's values, coerced */
    size_t n;
};

static const struct rval *_rhs_at(const struct rhs_set *rs, size_t i)
{
    return rs->vals ? &rs->vals[i] : &rs->dyn[i];
}

/* `in` / `intersects` on one scalar: set membership. */
static enum interp_result _member(struct interp *it, const struct atom *a, const struct cval *l,
                                  const struct rhs_set *rs)
{
    if (rs->set && !l->trunc) {
        size_t lo = 0, hi = rs->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = _bytecmp(rs->set[mid]->c.s, rs->set[mid]->c.len, l->s, l->len);
            if (c == 0)
                return INTERP_TRUE;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return INTERP_FALSE;
    }
    enum interp_result res = INTERP_FALSE;
    for (size_t i = 0; i < rs->n && res != INTERP_TRUE; i++)
        res = _or(res, _cmp1(it, a, OP_EQ, l, _rhs_at(rs, i)));
    return res;
}

/* One scalar left value against the right-hand side, with the atom's
 * operator and modifier (compare_rhs / compare_rhs_with_mod). */
static enum interp_result _scalar(struct interp *it, const struct atom *a, const struct cval *l,
                                  const struct rhs_set *rs)
{
    if (a->mod != MOD_NONE) {
        if (rs->n == 0)
            return INTERP_FALSE;
        enum ast_op op = a->op;
        if (a->type == CT_NET && op != OP_EQ && op != OP_NE && op != OP_REGEX)
            op = OP_EQ; /* flt_type_is_eq_only */
        unsigned yes = 0, maybe = 0, no = 0;
        for (size_t i = 0; i < rs->n; i++) {
            enum interp_result r = _cmp1(it, a, op, l, _rhs_at(rs, i));
            yes += r == INTERP_TRUE;
            maybe += r == INTERP_MAYBE;
            no += r == INTERP_FALSE;
        }
        switch (a->mod) {
        case MOD_ANYOF:
            return yes ? INTERP_TRUE : maybe ? INTERP_MAYBE : INTERP_FALSE;
        case MOD_ALLOF:
            return no ? INTERP_FALSE : maybe ? INTERP_MAYBE : INTERP_TRUE;
        case MOD_ONEOF:
            if (yes > 1 || yes + maybe == 0)
                return INTERP_FALSE;
            return yes == 1 && maybe == 0 ? INTERP_TRUE : INTERP_MAYBE;
        case MOD_NONE:
            break;
        }
        return INTERP_FALSE;
    }
    switch (a->op) {
    case OP_IN:
    case OP_INTERSECTS:
        return _member(it, a, l, rs);
    case OP_PMATCH: {
        enum interp_result res = INTERP_FALSE;
        for (size_t i = 0; i < rs->n && res != INTERP_TRUE; i++)
            res = _or(res, _pmatch1(it, l, _rhs_at(rs, i)));
        return res;
    }
    default:
        if (rs->n == 0)
            return INTERP_FALSE;
        return _cmp1(it, a, a->op, l, _rhs_at(rs, 0));
    }
}

/* A list field (FF_LIST): in = every element is in the set, intersects =
 * some element is. A truncated list may hold more elements. */
static enum interp_result _list(struct interp *it, const struct atom *a,
                                const struct field_value *v, const struct rhs_set *rs)
{
    struct cval c;
    bool any_maybe = false;
    for (size_t i = 0; i < v->nlist; i++) {
        bool trunc = v->truncated && i + 1 == v->nlist;
        enum interp_result r = _coerce_elem(a->type, a->ftype, &v->list[i], trunc, &c);
        if (r == INTERP_TRUE)
            r = _member(it, a, &c, rs);
        if (a->op == OP_IN && r == INTERP_FALSE)
            return INTERP_FALSE;
        if (a->op == OP_INTERSECTS && r == INTERP_TRUE)
            return INTERP_TRUE;
        any_maybe |= r == INTERP_MAYBE;
    }
    if (any_maybe || v->truncated)
        return INTERP_MAYBE;
    return _tri(a->op == OP_IN);
}

/* Several values of a field that is not a list: the ancestors of
 * proc.aname & co (any one matches), the two ends of fd.ip & co (!= needs
 * both). */
static enum interp_result _multi(struct interp *it, const struct atom *a,
                                 const struct field_value *v, const struct rhs_set *rs)
{
    bool all = a->either_end && a->op == OP_NE;
    enum interp_result res = all ? INTERP_TRUE : INTERP_FALSE;
    struct cval c;
    for (size_t i = 0; i < v->nlist; i++) {
        bool trunc = v->truncated && i + 1 == v->nlist;
        enum interp_result r = _coerce_elem(a->type, a->ftype, &v->list[i], trunc, &c);
        if (r == INTERP_TRUE)
            r = _scalar(it, a, &c, rs);
        res = all ? _and(res, r) : _or(res, r);
        if (res == (all ? INTERP_FALSE : INTERP_TRUE))
            return res;
    }
    if (v->truncated)
        res = all ? _and(res, INTERP_MAYBE) : _or(res, INTERP_MAYBE);
    return res;
}

static int _rtmp_reserve(struct interp *it, size_t n)
{
    if (n <= it->rtmp_cap)
        return 0;
    size_t cap = it->rtmp_cap ? it->rtmp_cap : 8;
    while (cap < n)
        cap *= 2;
    struct rval *p = realloc(it->rtmp, cap * sizeof(*p));
    if (!p)
        return -ENOMEM;
    it->rtmp = p;
    it->rtmp_cap = cap;
    return 0;
}

/* Coerces a right-hand field's value(s) into rs (as rvals without regex
 * or path components, which a field on the right cannot have). */
static enum interp_result _rhs_field(struct interp *it, const struct atom *a, field_getter get,
                                     void *ctx, struct rhs_set *rs)
{
    const struct ast_field *rf = &a->node->cmp.rhs.field;
    struct field_value v;
    memset(&v, 0, sizeof(v));
    if (get(ctx, rf, &v) < 0)
        return INTERP_MAYBE;
    if (_transform(rf, &v, &it->rhs) < 0)
        return INTERP_MAYBE;
    if (v.kind == FV_NONE)
        return INTERP_FALSE;
    size_t n = v.kind == FV_LIST ? v.nlist : 1;
    if (_rtmp_reserve(it, n ? n : 1) < 0)
        return INTERP_MAYBE;
    struct rval *dyn = it->rtmp;
    size_t k = 0;
    bool maybe = false;
    for (size_t i = 0; i < n; i++) {
        memset(&dyn[k], 0, sizeof(dyn[k]));
        enum interp_result r;
        if (v.kind == FV_LIST)
            r = _coerce_elem(a->type, a->ftype, &v.list[i], v.truncated && i + 1 == n, &dyn[k].c);
        else
            r = _coerce(a->type, a->ftype, &v, &dyn[k].c);
        if (r == INTERP_TRUE)
            k++;
        maybe |= r == INTERP_MAYBE;
    }
    if (!k)
        return maybe || v.truncated ? INTERP_MAYBE : INTERP_FALSE;
    rs->vals = NULL;
    rs->set = NULL;
    rs->dyn = dyn;
    /* only the first value counts, except for in/intersects and modifiers */
    rs->n = (a->op == OP_IN || a->op == OP_INTERSECTS || a->mod != MOD_NONE) ? k : 1;
    return maybe || v.truncated ? INTERP_MAYBE : INTERP_TRUE;
}

static enum interp_result _eval_atom(struct interp *it, const struct atom *a, field_getter get,
                                     void *ctx)
{
    const struct ast_node *n = a->node;
    struct field_value v;
    memset(&v, 0, sizeof(v));
    if (get(ctx, &n->cmp.lhs, &v) < 0)
        return INTERP_MAYBE;
    if (_transform(&n->cmp.lhs, &v, &it->lhs) < 0)
        return INTERP_MAYBE;
    if (v.kind == FV_NONE)
        return INTERP_FALSE;
    bool multi = v.kind == FV_LIST && !a->list;
    if (a->op == OP_EXISTS) {
        if (!multi)
            return INTERP_TRUE;
        return v.nlist ? INTERP_TRUE : v.truncated ? INTERP_MAYBE : INTERP_FALSE;
    }
    struct rhs_set rs = {.vals = a->vals, .set = a->set, .n = a->nvals};
    enum interp_result rhs_state = INTERP_TRUE;
    if (n->cmp.rhs.kind == RHS_FIELD) {
        rhs_state = _rhs_field(it, a, get, ctx, &rs);
        if (rhs_state == INTERP_FALSE)
            return INTERP_FALSE;
        if (rs.n == 0)
            return INTERP_MAYBE;
    }
    enum interp_result res;
    if (a->list) {
        if (v.kind == FV_LIST) {
            res = _list(it, a, &v, &rs);
        } else {
            struct fv_str one = v.str;
            struct field_value lv = {
                .kind = FV_LIST, .truncated = v.truncated, .list = &one, .nlist = 1};
            if (v.kind != FV_STR)
                return INTERP_FALSE;
            res = _list(it, a, &lv, &rs);
        }
    } else if (multi) {
        res = _multi(it, a, &v, &rs);
    } else {
        struct cval c;
        res = _coerce(a->type, a->ftype, &v, &c);
        if (res == INTERP_TRUE)
            res = _scalar(it, a, &c, &rs);
    }
    /* a right-hand value we could only partly read leaves a true or false
     * answer open */
    if (rhs_state == INTERP_MAYBE && res != INTERP_MAYBE)
        return INTERP_MAYBE;
    return res;
}

static enum interp_result _eval_node(struct interp *it, const struct inode *n, field_getter get,
                                     void *ctx)
{
    switch (n->kind) {
    case AST_AND: {
        enum interp_result res = INTERP_TRUE;
        for (size_t i = 0; i < n->nkids && res != INTERP_FALSE; i++)
            res = _and(res, _eval_node(it, n->kids[i], get, ctx));
        return res;
    }
    case AST_OR: {
        enum interp_result res = INTERP_FALSE;
        for (size_t i = 0; i < n->nkids && res != INTERP_TRUE; i++)
            res = _or(res, _eval_node(it, n->kids[i], get, ctx));
        return res;
    }
    case AST_NOT:
        return _not(_eval_node(it, n->kids[0], get, ctx));
    case AST_CMP:
        return _eval_atom(it, n->atom, get, ctx);
    case AST_BOOL:
        return _tri(n->value);
    case AST_MACRO:
    case AST_KIND_MAX:
        break;
    }
    return INTERP_FALSE;
}

enum interp_result interp_eval_result(struct interp *interp, field_getter get, void *ctx)
{
    if (!interp || !get)
        return INTERP_FALSE;
    return _eval_node(interp, interp->root, get, ctx);
}

bool interp_eval(struct interp *interp, field_getter get, void *ctx)
{
    return interp_eval_result(interp, get, ctx) != INTERP_FALSE;
}

enum interp_result interp_eval_atom(struct interp *interp, const struct ast_node *atom,
                                    field_getter get, void *ctx)
{
    if (!atom || atom->kind != AST_CMP || !get)
        return INTERP_FALSE;
    if (interp && interp->natoms) {
        size_t lo = 0, hi = interp->natoms;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            uintptr_t p = (uintptr_t)interp->atoms[mid]->node;
            if (p == (uintptr_t)atom)
                return _eval_atom(interp, interp->atoms[mid], get, ctx);
            if (p < (uintptr_t)atom)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    struct interp *tmp = interp_new(atom);
    if (!tmp)
        return INTERP_FALSE;
    enum interp_result res = interp_eval_result(tmp, get, ctx);
    interp_free(&tmp);
    return res;
}
