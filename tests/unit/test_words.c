/* compiler/bpf/rulec_words.h, the word-at-a-time string tests the kernel predicates run, compiled
 * natively and checked against plain byte-at-a-time references on random values: contains and
 * icontains (ASCII folding, as libsinsp), whether an absolute path is already normal (what
 * lexical normalisation leaves unchanged), and the last '/'. */
#include "tests/unit/test_util.h"

#include <linux/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define RULEC_PATH_MAX 256
#define RULEC_LOOP(n, step, ctx)                                                                   \
    do {                                                                                           \
        for (__u32 i_ = 0; i_ < (n); i_++)                                                         \
            if (step(i_, (ctx)))                                                                   \
                break;                                                                             \
    } while (0)
#include "compiler/bpf/rulec_words.h"

/* A slot's data: zero-padded, then the slack contains may read past a value. */
struct value {
    __u64 words[RULEC_PATH_MAX / 8 + RULEC_NEEDLE_SLACK / 8];
};

static uint64_t _seed = 42;

static unsigned _rand(unsigned n)
{
    _seed = _seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((_seed >> 33) % n);
}

/* Random text over an alphabet that makes matches, near misses and path edge cases likely. */
static size_t _random_text(char *out, size_t max, const char *alphabet)
{
    size_t n = _rand((unsigned)max + 1), k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[_rand((unsigned)k)];
    out[n] = 0;
    return n;
}

static struct value _value(const char *s, size_t n)
{
    struct value v;
    memset(&v, 0, sizeof(v));
    memcpy(v.words, s, n);
    return v;
}

static struct rulec_needle _needle(const char *s, size_t n, bool fold)
{
    struct rulec_needle nd;
    memset(&nd, 0, sizeof(nd));
    nd.len = (__u32)n;
    nd.fold = fold;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fold && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        nd.w[i / 8] |= (__u64)c << (8 * (i % 8));
        nd.m[i / 8] |= (__u64)0xff << (8 * (i % 8));
    }
    return nd;
}

static bool _ref_contains(const char *h, size_t hn, const char *n, size_t nn, bool fold)
{
    for (size_t p = 0; p + nn <= hn; p++) {
        size_t j = 0;
        for (; j < nn; j++) {
            unsigned char a = (unsigned char)h[p + j], b = (unsigned char)n[j];
            if (fold) {
                a = (unsigned char)(a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a);
                b = (unsigned char)(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
            }
            if (a != b)
                break;
        }
        if (j == nn)
            return true;
    }
    return false;
}

static void test_fold_word(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        __u64 x = 0x0101010101010101ULL * (unsigned)c;
        unsigned char want = (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        assert_true(rulec_fold_word(x) == 0x0101010101010101ULL * want);
    }
}

static void test_contains(void **state)
{
    (void)state;
    static const char *const alphabets[] = {"ab/", "aAbB.", "xyz/.-_ ", "ab\x80\xc3/"};
    char hay[RULEC_PATH_MAX], needle[RULEC_NEEDLE_MAX + 1];
    unsigned hits = 0;
    for (int round = 0; round < 200000; round++) {
        const char *alpha = alphabets[round % 4];
        size_t hn = _random_text(hay, RULEC_PATH_MAX - 1, alpha);
        size_t nn;
        if (hn && _rand(2)) { /* a piece of the value, perhaps with one byte changed */
            size_t at = _rand((unsigned)hn);
            nn = 1 + _rand((unsigned)(hn - at < RULEC_NEEDLE_MAX ? hn - at : RULEC_NEEDLE_MAX));
            memcpy(needle, hay + at, nn);
            if (_rand(3) == 0)
                needle[_rand((unsigned)nn)] = alpha[_rand((unsigned)strlen(alpha))];
        } else {
            nn = _random_text(needle, 1 + _rand(RULEC_NEEDLE_MAX), alpha);
        }
        bool fold = _rand(2);
        struct value v = _value(hay, hn);
        struct rulec_needle nd = _needle(needle, nn, fold);
        bool want = _ref_contains(hay, hn, needle, nn, fold);
        int got = rulec_str_contains((const __u8 *)v.words, (__u32)hn, &nd);
        if (got != (int)want)
            fail_msg("contains(%s%.*s, %.*s) = %d, want %d", fold ? "i " : "", (int)hn, hay,
                     (int)nn, needle, got, want);
        hits += want;
    }
    assert_true(hits > 50000); /* both outcomes were exercised */
}

/* Falco's lexical normalisation of an absolute path (concatenate_paths with no base). */
static void _normalize(const char *in, char *out)
{
    char tmp[RULEC_PATH_MAX * 2];
    snprintf(tmp, sizeof(tmp), "%s", in);
    size_t n = 0;
    out[0] = 0;
    for (char *c = strtok(tmp, "/"); c; c = strtok(NULL, "/")) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
            out[n] = 0;
            continue;
        }
        n += (size_t)snprintf(out + n, RULEC_PATH_MAX * 2 - n, "/%s", c);
    }
    if (!n)
        strcpy(out, "/");
}

static void test_path_is_normal(void **state)
{
    (void)state;
    char path[RULEC_PATH_MAX], norm[RULEC_PATH_MAX * 2];
    unsigned normal = 0;
    for (int round = 0; round < 200000; round++) {
        path[0] = '/';
        size_t n = 1 + _random_text(path + 1, RULEC_PATH_MAX - 2, round % 2 ? "a/." : "ab/./");
        struct value v = _value(path, n);
        _normalize(path, norm);
        bool want = strcmp(path, norm) == 0;
        bool got = rulec_path_is_normal((const __u8 *)v.words, (__u32)n);
        if (got != want)
            fail_msg("path_is_normal(%s) = %d, normal form %s", path, got, norm);
        normal += want;
    }
    assert_true(normal > 1000);
}

static void test_last_slash(void **state)
{
    (void)state;
    char s[RULEC_PATH_MAX];
    for (int round = 0; round < 100000; round++) {
        size_t n = _random_text(s, RULEC_PATH_MAX - 1, round % 3 ? "ab/" : "abcdefg");
        struct value v = _value(s, n);
        const char *slash = strrchr(s, '/');
        assert_int_equal(rulec_last_slash((const __u8 *)v.words, (__u32)n),
                         slash ? (int)(slash - s) : -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_word),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_path_is_normal),
        cmocka_unit_test(test_last_slash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
