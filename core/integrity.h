/* Policy integrity: the record `rulec compile` and `rulec sign` put in a policy object, so that
 * `rulec run` and `rulec inspect` accept only the bytes CI built.
 *
 * The record is the contents of the ELF section INTEGRITY_SECTION, INTEGRITY_RECORD_SIZE bytes,
 * little-endian:
 *
 *     0  16  format tag "RULEC-INTEGRITY\0"
 *    16   4  version, INTEGRITY_VERSION
 *    20   4  flags: bit 0 signed
 *    24   8  size of the whole object file, in bytes
 *    32  32  SHA-256 of the whole file with the record's 256 bytes read as zeros
 *    64  32  the signer's Ed25519 public key (zeros when unsigned)
 *    96  64  Ed25519 signature of record bytes 0-63 (zeros when unsigned)
 *   160  96  reserved, zeros
 *
 * The digest covers every byte of the object: ELF header, section headers (among them the one
 * that locates the record), string tables, programs, BTF, metadata, padding. A change outside
 * the record fails the digest; a change inside it fails a check of its own (tag, version, flags,
 * size, digest, signature, reserved zeros). The record holds nothing that depends on the time or
 * the machine, so the same input compiles to the same bytes, and Ed25519 signatures are
 * deterministic (RFC 8032): the signer's key is the only input besides the rules.
 *
 * The digest can be recomputed with standard tools: zero the section's 256 bytes (its offset is
 * in `readelf -S`), then sha256sum. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/crypto.h"

#define INTEGRITY_SECTION ".rulec.integrity"
#define INTEGRITY_RECORD_SIZE 256
#define INTEGRITY_VERSION 1

enum integrity_status {
    INTEGRITY_OK = 0,
    INTEGRITY_NOT_POLICY, /* not a rulec policy object: not ELF, truncated, no metadata */
    INTEGRITY_NO_RECORD,  /* a policy without a record: an older rulec, or the section removed */
    INTEGRITY_MODIFIED,   /* corrupt, or modified since it was compiled or signed */
    INTEGRITY_UNSIGNED,   /* trusted keys are given and the policy is not signed */
    INTEGRITY_UNTRUSTED,  /* validly signed, by a key that is not among the trusted ones */
    INTEGRITY_ERROR,      /* the check could not run: libcrypto is missing or failed */
    INTEGRITY_STATUS_MAX,
};

/* A trusted Ed25519 public key. */
struct integrity_key {
    unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE];
};

/* What a check found. The digests are set when have_digest (the record was located). */
struct integrity_report {
    enum integrity_status status;
    bool have_digest;
    unsigned char digest[CRYPTO_SHA256_SIZE];   /* computed over the file */
    unsigned char recorded[CRYPTO_SHA256_SIZE]; /* as the record states it */
    bool is_signed;                             /* the record carries a valid signature */
    unsigned char key_id[CRYPTO_SHA256_SIZE];   /* the signer's (crypto_key_id) */
    bool trusted;                               /* the signer is one of the trusted keys */
};

/* Checks a policy object's bytes (no trusted keys: intact, signed or not; trusted keys: intact
 * and signed by one of them). Loads libcrypto. Returns rep->status; on failure err says what is
 * wrong and what to do, for a message that starts with the policy's path. */
enum integrity_status integrity_verify(const unsigned char *data, size_t size,
                                       const struct integrity_key *trusted, size_t ntrusted,
                                       struct integrity_report *rep, char *err, size_t errlen);

/* Writes the record of an object that has an INTEGRITY_SECTION section of INTEGRITY_RECORD_SIZE
 * bytes (its contents are replaced), signed by signer unless it is NULL. Re-signing a policy
 * must verify it first: sealing computes a new digest over whatever the bytes are. Returns 0
 * with rep describing the result, or -1 with a message in err. */
int integrity_seal(unsigned char *data, size_t size, const struct crypto_signer *signer,
                   struct integrity_report *rep, char *err, size_t errlen);

/* "verified", "modified", ... (for JSON). */
const char *integrity_status_name(enum integrity_status status);
/* "sha256 <hex>, unsigned" or "sha256 <hex>, signed by key <first 16 hex digits of the id>". */
void integrity_describe(const struct integrity_report *rep, char *out, size_t len);

/* Reads trusted public keys: each path a PEM file, or a directory whose *.pem files are read in
 * name order (a Kubernetes Secret mounted as a volume is one). Fails when a key cannot be read
 * or when none is found: a node configured to require signatures never runs without them.
 * Returns 0 with a malloc'd array, or -1 with a message in err. */
int integrity_keys_load(const char *const *paths, size_t npaths, struct integrity_key **keys,
                        size_t *nkeys, char *err, size_t errlen);
