/* rulec_words.h - string tests a 64-bit word at a time, over the zero-padded values of slots:
 * byte masks, Falco's `contains` and `icontains`, whether a path is already normal, the last '/'.
 * Pure computation over memory the caller hands in, so the differential test (tests/diff)
 * compiles this very file natively. Needs __u8/__u32/__u64, RULEC_PATH_MAX and RULEC_LOOP. */
#ifndef RULEC_WORDS_H
#define RULEC_WORDS_H

/* 0x80 in each byte of x that equals c, 0 in the others: exact (no carry crosses a byte). */
static __always_inline __u64 rulec_bytes_eq(__u64 x, __u8 c)
{
    __u64 t = x ^ (0x0101010101010101ULL * c);
    return ~(((t & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | t) & 0x8080808080808080ULL;
}

/* True when an absolute path of len bytes in a zero-padded buffer is already in the form
 * rulec_open_fd_name produces: no empty, "." or ".." component and no trailing '/' (but "/"
 * itself). Then fd.name is the argument as passed, and the per-component normalisation is
 * skipped: a word-at-a-time scan instead of a loop step per byte. Each '/' is tested with the
 * three bytes after it, taken from the next word where they cross a word boundary. */
static __always_inline bool rulec_path_is_normal(const __u8 path[RULEC_PATH_MAX], __u32 len)
{
    const __u64 *w = (const __u64 *)path;

    if (len <= 1)
        return true;
    for (__u32 i = 0; i < RULEC_PATH_MAX / 8; i++) {
        if (i * 8 > len)
            break;
        __u64 x = w[i],
              next = i + 1 < RULEC_PATH_MAX / 8 ? w[(i + 1) & (RULEC_PATH_MAX / 8 - 1)] : 0;
        __u64 b1 = (x >> 8) | (next << 56), b2 = (x >> 16) | (next << 48),
              b3 = (x >> 24) | (next << 40);
        __u64 end2 = rulec_bytes_eq(b2, '/') | rulec_bytes_eq(b2, 0);
        __u64 end3 = rulec_bytes_eq(b3, '/') | rulec_bytes_eq(b3, 0);
        __u64 bad = rulec_bytes_eq(b1, '/') | rulec_bytes_eq(b1, 0) |
                    (rulec_bytes_eq(b1, '.') & (end2 | (rulec_bytes_eq(b2, '.') & end3)));
        if (rulec_bytes_eq(x, '/') & bad)
            return false;
    }
    return true;
}

/* ASCII upper case to lower case in each byte of x (libsinsp folds ASCII only, as the C locale's
 * strcasestr does). */
static __always_inline __u64 rulec_fold_word(__u64 x)
{
    __u64 low7 = x & 0x7f7f7f7f7f7f7f7fULL;
    __u64 ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL; /* bit 7 set where the byte is >= 'A' */
    __u64 gt_z = low7 + 0x2525252525252525ULL; /* bit 7 set where the byte is > 'Z' */
    __u64 upper = ge_a & ~gt_z & ~x & 0x8080808080808080ULL;
    return x | (upper >> 2);
}

/* A `contains` constant (lowered for icontains) as words and the masks of their bytes, in the
 * policy's read-only data: compared with unaligned words of the value, a word at a time. */
#define RULEC_NEEDLE_WORDS 8
#define RULEC_NEEDLE_MAX (8 * RULEC_NEEDLE_WORDS)
struct rulec_needle {
    __u32 len;
    __u32 fold; /* icontains: compare ASCII case-insensitively */
    __u64 w[RULEC_NEEDLE_WORDS];
    __u64 m[RULEC_NEEDLE_WORDS]; /* 0 past the constant's end */
};

/* Bytes readable past the end of a string: the needle's words are read from every position the
 * search tries, so the event a value lives in ends with this much padding. */
#define RULEC_NEEDLE_SLACK RULEC_NEEDLE_MAX

struct rulec_contains {
    const __u8 *hay;
    const struct rulec_needle *n;
    __u32 from; /* the first position tried */
    __u32 last; /* the last position the needle can start at */
    int found;  /* the position found, or -1 */
};

/* The index of the lowest marked byte of m (bit 7 of a byte set), without a branch: the lowest
 * mark, shifted down to a 1 in byte k, times a constant whose byte 7 - k is k, leaves k in the
 * top byte. */
static __always_inline __u32 rulec__lowest_byte(__u64 m)
{
    return (__u32)((((m & -m) >> 7) * 0x0001020304050607ULL) >> 56);
}

/* x folded where fold is all ones, as is where it is 0: no branch, so that the verifier walks
 * one path through the search whatever the constant. */
static __always_inline __u64 rulec__maybe_fold(__u64 x, __u64 fold)
{
    return (rulec_fold_word(x) & fold) | (x & ~fold);
}

/* An unaligned word: one load on BPF (x86 allows it, and so does the verifier without strict
 * alignment); a memcpy in the natively compiled differential test, where C calls it undefined. */
static __always_inline __u64 rulec__load64(const __u8 *p)
{
#ifdef __bpf__
    return *(const __u64 *)p;
#else
    __u64 x;
    __builtin_memcpy(&x, p, sizeof(x));
    return x;
#endif
}

/* Whether the needle is at hay + p: its words against unaligned words of the value (the words
 * past its end have mask 0 and compare equal). */
static __always_inline bool rulec__needle_at(const __u8 *hay, __u32 p, const struct rulec_needle *n,
                                             __u64 fold)
{
    __u64 diff = 0;
    const __u8 *at = hay + (p & (RULEC_PATH_MAX - 1));
    for (__u32 j = 0; j < RULEC_NEEDLE_WORDS; j++)
        diff |= (rulec__maybe_fold(rulec__load64(at + 8 * j), fold) & n->m[j]) ^ n->w[j];
    return diff == 0;
}

/* One word of the value (RULEC_LOOP): where the needle's first byte is, found a word at a time,
 * then each such position checked. */
static long rulec__contains_step(__u32 w, void *ctx)
{
    struct rulec_contains *c = ctx;
    if (w * 8 > c->last)
        return 1;
    if (w * 8 + 8 <= c->from)
        return 0;
    __u64 fold = -(__u64)(c->n->fold != 0);
    __u64 x = ((const __u64 *)c->hay)[w & (RULEC_PATH_MAX / 8 - 1)];
    __u64 m = rulec_bytes_eq(rulec__maybe_fold(x, fold), (__u8)c->n->w[0]);
    if (w * 8 < c->from)
        m &= ~0ULL << (8 * (c->from - w * 8)); /* positions before from */
    for (__u32 k = 0; k < 8 && m; k++) {
        __u32 p = w * 8 + rulec__lowest_byte(m);
        m &= m - 1;
        if (p > c->last)
            return 1;
        if (rulec__needle_at(c->hay, p, c->n, fold)) {
            c->found = (int)p;
            return 1;
        }
    }
    return 0;
}

/* The first position p >= from where the needle lies inside hay[0, end), or -1: hay is a
 * zero-padded string followed by RULEC_NEEDLE_SLACK readable bytes. Falco's `contains` (and
 * `icontains`, n->fold) is a find from 0 to the value's end; a glob's middle pieces are finds
 * one after the other. */
static __always_inline int rulec_str_find(const __u8 *hay, __u32 from, __u32 end,
                                          const struct rulec_needle *n)
{
    if (end > RULEC_PATH_MAX || from > end || n->len > end - from)
        return -1;
    if (n->len == 0)
        return (int)from;
    struct rulec_contains c = {.hay = hay, .n = n, .from = from, .last = end - n->len, .found = -1};
    RULEC_LOOP(RULEC_PATH_MAX / 8, rulec__contains_step, &c);
    return c.found;
}

static __always_inline int rulec_str_contains(const __u8 *hay, __u32 len,
                                              const struct rulec_needle *n)
{
    return rulec_str_find(hay, 0, len, n) >= 0;
}

/* The index of the lowest set bit of a non-zero m: a binary search, no loop. */
static __always_inline int rulec_lowest_bit(__u64 m)
{
    int b = 0;
    if (!(m & 0xffffffffULL)) {
        b += 32;
        m >>= 32;
    }
    if (!(m & 0xffffULL)) {
        b += 16;
        m >>= 16;
    }
    if (!(m & 0xffULL)) {
        b += 8;
        m >>= 8;
    }
    if (!(m & 0xfULL)) {
        b += 4;
        m >>= 4;
    }
    if (!(m & 0x3ULL)) {
        b += 2;
        m >>= 2;
    }
    return b + !(m & 1);
}

/* endswith: the last n bytes of the value equal lit. */
static __always_inline int rulec_endswith(const __u8 *data, __u32 len, __u32 size, const char *lit,
                                          __u32 n)
{
    if (len < n)
        return 0;
    __u32 start = len - n;
    for (__u32 i = 0; i < n && i < 256; i++)
        if (data[(start + i) & (size - 1)] != (__u8)lit[i])
            return 0;
    return 1;
}

/* The index of the last '/' in path[0, len) (zero-padded after len), or -1: a word at a time
 * from the end. */
static __always_inline int rulec_last_slash(const __u8 path[RULEC_PATH_MAX], __u32 len)
{
    const __u64 *w = (const __u64 *)path;

    for (__u32 k = 0; k < RULEC_PATH_MAX / 8; k++) {
        if (k * 8 >= len)
            break;
        __u32 i = ((len - 1) / 8 - k) & (RULEC_PATH_MAX / 8 - 1);
        __u64 m = rulec_bytes_eq(w[i], '/');
        if (!m)
            continue;
        /* The highest marked byte: a binary search over the 8. */
        int b = 0;
        if (m >> 32) {
            b += 4;
            m >>= 32;
        }
        if (m >> 16) {
            b += 2;
            m >>= 16;
        }
        if (m >> 8)
            b += 1;
        return (int)(i * 8) + b;
    }
    return -1;
}

#endif
