#include "core/crypto.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/text.h"

/* The libcrypto functions rulec calls, resolved by name: the headers give their types, the
 * library is never linked (see crypto.h). */
#define _CRYPTO_FUNCTIONS(X)                                                                       \
    X(OPENSSL_init_crypto)                                                                         \
    X(ERR_clear_error)                                                                             \
    X(ERR_get_error)                                                                               \
    X(ERR_error_string_n)                                                                          \
    X(EVP_MD_CTX_new)                                                                              \
    X(EVP_MD_CTX_free)                                                                             \
    X(EVP_sha256)                                                                                  \
    X(EVP_DigestInit_ex)                                                                           \
    X(EVP_DigestUpdate)                                                                            \
    X(EVP_DigestFinal_ex)                                                                          \
    X(EVP_DigestSignInit)                                                                          \
    X(EVP_DigestSign)                                                                              \
    X(EVP_DigestVerifyInit)                                                                        \
    X(EVP_DigestVerify)                                                                            \
    X(EVP_PKEY_new_raw_public_key)                                                                 \
    X(EVP_PKEY_get_raw_public_key)                                                                 \
    X(EVP_PKEY_get_id)                                                                             \
    X(EVP_PKEY_free)                                                                               \
    X(PEM_read_PrivateKey)

static struct {
#define _FIELD(name) __typeof__(&name) name;
    _CRYPTO_FUNCTIONS(_FIELD)
#undef _FIELD
} _c;

/* An Ed25519 SubjectPublicKeyInfo (RFC 8410) is these 12 bytes and the 32-byte key. */
static const unsigned char _spki_prefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                             0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
#define _SPKI_SIZE (sizeof(_spki_prefix) + CRYPTO_ED25519_PUBLIC_SIZE)

int crypto_load(char *err, size_t errlen)
{
    static int state; /* 0 not tried, 1 loaded, -1 failed */
    if (state == 0) {
        void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
        bool ok = lib != NULL;
#define _RESOLVE(name) ok = ok && (_c.name = (__typeof__(_c.name))dlsym(lib, #name)) != NULL;
        _CRYPTO_FUNCTIONS(_RESOLVE)
#undef _RESOLVE
        /* The node's openssl.cnf has no say in what rulec accepts (and reading it would cost
         * start-up time). */
        ok = ok && _c.OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) == 1;
        state = ok ? 1 : -1;
    }
    if (state < 0)
        snprintf(err, errlen,
                 "cannot load libcrypto.so.3 (OpenSSL 3) for SHA-256 and Ed25519: install libssl3");
    return state > 0 ? 0 : -1;
}

struct crypto_sha256 {
    EVP_MD_CTX *ctx;
    bool failed;
};

struct crypto_sha256 *crypto_sha256_new(void)
{
    struct crypto_sha256 *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->ctx = _c.EVP_MD_CTX_new();
    if (!h->ctx || _c.EVP_DigestInit_ex(h->ctx, _c.EVP_sha256(), NULL) != 1) {
        _c.EVP_MD_CTX_free(h->ctx);
        free(h);
        return NULL;
    }
    return h;
}

void crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len)
{
    if (len && _c.EVP_DigestUpdate(h->ctx, data, len) != 1)
        h->failed = true;
}

int crypto_sha256_final(struct crypto_sha256 **hp, unsigned char out[CRYPTO_SHA256_SIZE])
{
    struct crypto_sha256 *h = *hp;
    unsigned int n = 0;
    bool ok = !h->failed && _c.EVP_DigestFinal_ex(h->ctx, out, &n) == 1 && n == CRYPTO_SHA256_SIZE;
    _c.EVP_MD_CTX_free(h->ctx);
    free(h);
    *hp = NULL;
    return ok ? 0 : -1;
}

struct crypto_signer {
    EVP_PKEY *key;
    unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE];
};

/* Encrypted keys fail instead of prompting: a CI job has no one to answer. */
static int _no_passphrase(char *buf, int size, int rwflag, void *u)
{
    return -1;
}

int crypto_signer_load(struct crypto_signer **out, const char *path, char *err, size_t errlen)
{
    *out = NULL;
    if (crypto_load(err, errlen) < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    _c.ERR_clear_error();
    EVP_PKEY *key = _c.PEM_read_PrivateKey(f, NULL, _no_passphrase, NULL);
    fclose(f);
    if (!key) {
        char why[256];
        _c.ERR_error_string_n(_c.ERR_get_error(), why, sizeof(why));
        snprintf(err, errlen,
                 "%s: cannot read a private key (%s): rulec signs with an unencrypted PEM "
                 "Ed25519 key, as `openssl genpkey -algorithm ed25519 -out KEY.pem` writes",
                 path, why);
        return -1;
    }
    struct crypto_signer *s = calloc(1, sizeof(*s));
    size_t n = sizeof(s->pub);
    if (!s || _c.EVP_PKEY_get_id(key) != EVP_PKEY_ED25519 ||
        _c.EVP_PKEY_get_raw_public_key(key, s->pub, &n) != 1 || n != sizeof(s->pub)) {
        snprintf(err, errlen,
                 "%s: not an Ed25519 key: rulec signs with Ed25519 only "
                 "(openssl genpkey -algorithm ed25519 -out KEY.pem)",
                 path);
        _c.EVP_PKEY_free(key);
        free(s);
        return -1;
    }
    s->key = key;
    *out = s;
    return 0;
}

void crypto_signer_free(struct crypto_signer **sp)
{
    if (!*sp)
        return;
    _c.EVP_PKEY_free((*sp)->key);
    free(*sp);
    *sp = NULL;
}

const unsigned char *crypto_signer_public(const struct crypto_signer *s)
{
    return s->pub;
}

int crypto_sign(const struct crypto_signer *s, const void *msg, size_t len,
                unsigned char sig[CRYPTO_ED25519_SIG_SIZE])
{
    EVP_MD_CTX *ctx = _c.EVP_MD_CTX_new();
    size_t n = CRYPTO_ED25519_SIG_SIZE;
    /* Ed25519 hashes the message itself: no digest is named. */
    bool ok = ctx && _c.EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->key) == 1 &&
              _c.EVP_DigestSign(ctx, sig, &n, msg, len) == 1 && n == CRYPTO_ED25519_SIG_SIZE;
    _c.EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

int crypto_verify(const unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE], const void *msg, size_t len,
                  const unsigned char sig[CRYPTO_ED25519_SIG_SIZE])
{
    EVP_PKEY *key =
        _c.EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, CRYPTO_ED25519_PUBLIC_SIZE);
    EVP_MD_CTX *ctx = key ? _c.EVP_MD_CTX_new() : NULL;
    int rc = -1;
    if (ctx && _c.EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1)
        rc = _c.EVP_DigestVerify(ctx, sig, CRYPTO_ED25519_SIG_SIZE, msg, len) == 1 ? 1 : 0;
    _c.EVP_MD_CTX_free(ctx);
    _c.EVP_PKEY_free(key);
    return rc;
}

/* ---- key formats ---------------------------------------------------------------------------- */

static const char *_find(const char *text, size_t len, const char *what)
{
    return memmem(text, len, what, strlen(what));
}

int crypto_public_from_pem(const char *text, size_t len,
                           unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE], char *err, size_t errlen)
{
    static const char begin_line[] = "-----BEGIN PUBLIC KEY-----";
    static const char end_line[] = "-----END PUBLIC KEY-----";
    const char *begin = _find(text, len, begin_line);
    if (!begin) {
        if (_find(text, len, "PRIVATE KEY-----"))
            snprintf(err, errlen,
                     "is a private key: a node needs only the public key "
                     "(openssl pkey -in KEY.pem -pubout -out KEY.pub.pem); keep the private "
                     "key in CI");
        else
            snprintf(err, errlen, "is not a PEM public key (no '%s' line)", begin_line);
        return -1;
    }
    const char *body = begin + strlen(begin_line);
    const char *end = _find(body, len - (size_t)(body - text), end_line);
    if (!end) {
        snprintf(err, errlen, "has no '%s' line", end_line);
        return -1;
    }
    /* The base64 without its line breaks; an Ed25519 key's is 60 characters, any longer one is
     * another algorithm's. */
    char der[64];
    size_t chars = 0;
    bool longer = false;
    for (const char *c = body; c < end; c++) {
        if (*c == '\n' || *c == '\r' || *c == ' ' || *c == '\t')
            continue;
        if (chars == sizeof(der))
            longer = true;
        else
            der[chars++] = *c;
    }
    long n = longer ? 0 : text_base64_decode(der, chars);
    if (n < 0) {
        snprintf(err, errlen, "is not a PEM public key (its base64 is malformed)");
        return -1;
    }
    if (n != (long)_SPKI_SIZE || memcmp(der, _spki_prefix, sizeof(_spki_prefix)) != 0) {
        snprintf(err, errlen,
                 "is not an Ed25519 public key (rulec accepts Ed25519 only; RSA and ECDSA keys "
                 "are not supported)");
        return -1;
    }
    memcpy(pub, der + sizeof(_spki_prefix), CRYPTO_ED25519_PUBLIC_SIZE);
    return 0;
}

int crypto_key_id(const unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE],
                  unsigned char id[CRYPTO_SHA256_SIZE])
{
    struct crypto_sha256 *h = crypto_sha256_new();
    if (!h)
        return -1;
    crypto_sha256_update(h, _spki_prefix, sizeof(_spki_prefix));
    crypto_sha256_update(h, pub, CRYPTO_ED25519_PUBLIC_SIZE);
    return crypto_sha256_final(&h, id);
}

void crypto_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    out[2 * n] = '\0';
}
