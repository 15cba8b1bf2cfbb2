/* SHA-256 and Ed25519 from OpenSSL's libcrypto, and the key formats rulec reads.
 *
 * libcrypto is loaded with dlopen on first use, never linked: once used it keeps about 4 MB
 * resident, and OpenSSL pins itself so that dlclose does not unmap it. Commands that run and
 * exit (compile, sign, inspect) load it in-process; the long-running `rulec run` checks its
 * policy in a short-lived child (runtime/verify.h) and never maps it.
 *
 * Public keys are parsed here without libcrypto (an Ed25519 SubjectPublicKeyInfo has one fixed
 * form), so the runtime reads and checks its trusted keys itself, before that child starts. */
#pragma once

#include <stddef.h>

#define CRYPTO_SHA256_SIZE 32
#define CRYPTO_ED25519_PUBLIC_SIZE 32
#define CRYPTO_ED25519_SIG_SIZE 64

/* Loads libcrypto.so.3 (once per process). Returns 0, or -1 with a message in err. Every
 * function below except crypto_public_from_pem and crypto_hex needs it loaded. */
int crypto_load(char *err, size_t errlen);

/* Incremental SHA-256. crypto_sha256_new returns NULL when libcrypto fails. */
struct crypto_sha256;
struct crypto_sha256 *crypto_sha256_new(void);
void crypto_sha256_update(struct crypto_sha256 *h, const void *data, size_t len);
/* Writes the digest and frees h (sets it to NULL). Returns 0, or -1 when libcrypto failed at any
 * step since crypto_sha256_new. */
int crypto_sha256_final(struct crypto_sha256 **h, unsigned char out[CRYPTO_SHA256_SIZE]);

/* An Ed25519 private key, read from a PEM file (PKCS#8, unencrypted, as
 * `openssl genpkey -algorithm ed25519` writes it). Nothing ever prompts for a passphrase: CI
 * has no terminal. Returns 0, or -1 with a message in err. */
struct crypto_signer;
int crypto_signer_load(struct crypto_signer **out, const char *path, char *err, size_t errlen);
void crypto_signer_free(struct crypto_signer **s);
/* The signer's public key (CRYPTO_ED25519_PUBLIC_SIZE bytes). */
const unsigned char *crypto_signer_public(const struct crypto_signer *s);
/* Signs msg (pure Ed25519, RFC 8032: deterministic). Returns 0, or -1 when libcrypto fails. */
int crypto_sign(const struct crypto_signer *s, const void *msg, size_t len,
                unsigned char sig[CRYPTO_ED25519_SIG_SIZE]);
/* 1 when sig is pub's signature of msg, 0 when it is not, -1 when libcrypto fails. */
int crypto_verify(const unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE], const void *msg, size_t len,
                  const unsigned char sig[CRYPTO_ED25519_SIG_SIZE]);

/* An Ed25519 public key from PEM text ("BEGIN PUBLIC KEY", a SubjectPublicKeyInfo as
 * `openssl pkey -pubout` writes it, RFC 8410). Returns 0, or -1 with a message in err (which
 * says so when the text is a private key or a key of another algorithm). */
int crypto_public_from_pem(const char *text, size_t len,
                           unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE], char *err, size_t errlen);
/* A key's id: SHA-256 of its SubjectPublicKeyInfo in DER, the fingerprint
 * `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum` prints. Returns 0, or -1 when
 * libcrypto fails. */
int crypto_key_id(const unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE],
                  unsigned char id[CRYPTO_SHA256_SIZE]);

/* Lower-case hex of n bytes into out, which holds 2 * n + 1 bytes. */
void crypto_hex(const unsigned char *bytes, size_t n, char *out);
