/* The integrity record: sealing and verifying, every byte of an object guarded, signatures,
 * trust and key rotation, key files, hostile section tables. The objects are small ELF files
 * built here, shaped like the ones `rulec compile` writes. */
#include "tests/unit/test_util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/integrity.h"
#include "core/policy.h"

/* RFC 8032, section 7.1, TEST 2: the secret key as PKCS#8 PEM, its public key as a
 * SubjectPublicKeyInfo PEM, the message 0x72 and its signature. */
static const char _sk2_pem[] = "-----BEGIN PRIVATE KEY-----\n"
                               "MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"
                               "-----END PRIVATE KEY-----\n";
static const char _pk2_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=\n"
                               "-----END PUBLIC KEY-----\n";
static const char _pk2_hex[] = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
/* `openssl pkey -pubin -in pk2.pem -outform DER | sha256sum` */
static const char _pk2_id[] = "deb2ded39dc26fce0e6085b6fc34bf6b5941913bbfe2ea614113cff9e004c170";
static const char _sig2_hex[] = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                                "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
/* RFC 8032 TEST 1's key, a second signer. */
static const char _sk1_pem[] = "-----BEGIN PRIVATE KEY-----\n"
                               "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
                               "-----END PRIVATE KEY-----\n";
static const char _pk1_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
                               "-----END PUBLIC KEY-----\n";
static const char _ec_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                              "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6A7iR7/N+0j5XNG1fXnjMiePiQ41\n"
                              "aoN2dPwrm/JEsuZX1qLHltmzPv8DKCNUBMVSO6LSPwsLb5MY3c/bicndig==\n"
                              "-----END PUBLIC KEY-----\n";

static void _unhex(const char *hex, unsigned char *out)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

static char _dir[64];

static const char *_file(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof(path), "%s/%s", _dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static struct crypto_signer *_signer(const char *pem)
{
    struct crypto_signer *s = NULL;
    char err[512];
    assert_int_equal(crypto_signer_load(&s, _file("signer.pem", pem), err, sizeof(err)), 0);
    return s;
}

static struct integrity_key _key(const char *pem)
{
    struct integrity_key k;
    char err[512];
    assert_int_equal(crypto_public_from_pem(pem, strlen(pem), k.pub, err, sizeof(err)), 0);
    return k;
}

/* ---- a small object ------------------------------------------------------------------------ */

enum { _S_NULL, _S_NAMES, _S_TEXT, _S_META, _S_RECORD, _NSECTIONS };

struct _object {
    unsigned char *data;
    size_t size;
    size_t record; /* offset of the record */
};

/* ELF header, the section names, some code, the metadata, the record (zeros), then the section
 * table, as llvm-objcopy lays out a policy. with_record and with_meta leave sections out. */
static struct _object _build(bool with_meta, bool with_record)
{
    static const char names[] = "\0.shstrtab\0.text\0" POLICY_META_SECTION "\0" INTEGRITY_SECTION;
    static const unsigned char text[] = {0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                         0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static const char meta[] = "{\"format_version\":1}";
    struct {
        uint32_t name;
        const void *bytes;
        size_t size;
    } sec[_NSECTIONS] = {
        [_S_NAMES] = {1, names, sizeof(names)},
        [_S_TEXT] = {11, text, sizeof(text)},
        [_S_META] = {17, meta, sizeof(meta) - 1},
        [_S_RECORD] = {17 + sizeof(POLICY_META_SECTION), NULL, INTEGRITY_RECORD_SIZE},
    };
    size_t n = with_record ? _NSECTIONS : _S_RECORD;
    size_t off = sizeof(Elf64_Ehdr), offsets[_NSECTIONS] = {0};
    for (size_t i = 1; i < n; i++) {
        if (i == _S_META && !with_meta)
            continue;
        offsets[i] = off;
        off += sec[i].size;
    }
    size_t shoff = (off + 7) & ~(size_t)7;
    struct _object o = {.size = shoff + n * sizeof(Elf64_Shdr), .record = offsets[_S_RECORD]};
    o.data = calloc(1, o.size);
    Elf64_Ehdr eh = {.e_type = ET_REL,
                     .e_machine = EM_BPF,
                     .e_version = EV_CURRENT,
                     .e_shoff = shoff,
                     .e_ehsize = sizeof(Elf64_Ehdr),
                     .e_shentsize = sizeof(Elf64_Shdr),
                     .e_shnum = (uint16_t)n,
                     .e_shstrndx = _S_NAMES};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(o.data, &eh, sizeof(eh));
    for (size_t i = 1; i < n; i++) {
        if (i == _S_META && !with_meta)
            continue;
        if (sec[i].bytes)
            memcpy(o.data + offsets[i], sec[i].bytes, sec[i].size);
        Elf64_Shdr sh = {.sh_name = sec[i].name,
                         .sh_type = i == _S_NAMES ? SHT_STRTAB : SHT_PROGBITS,
                         .sh_offset = offsets[i],
                         .sh_size = sec[i].size,
                         .sh_addralign = 1};
        memcpy(o.data + shoff + i * sizeof(sh), &sh, sizeof(sh));
    }
    return o;
}

static struct _object _sealed(const struct crypto_signer *signer)
{
    struct _object o = _build(true, true);
    struct integrity_report rep;
    char err[512];
    assert_int_equal(integrity_seal(o.data, o.size, signer, &rep, err, sizeof(err)), 0);
    return o;
}

static enum integrity_status _verify(const struct _object *o, const struct integrity_key *keys,
                                     size_t nkeys, struct integrity_report *rep, char *err,
                                     size_t errlen)
{
    return integrity_verify(o->data, o->size, keys, nkeys, rep, err, errlen);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void test_seal_verify(void **state)
{
    struct _object o = _sealed(NULL);
    struct integrity_report rep;
    char err[512] = "";
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_OK);
    assert_true(rep.have_digest);
    assert_false(rep.is_signed);
    assert_memory_equal(rep.digest, rep.recorded, CRYPTO_SHA256_SIZE);
    /* The documented definition: SHA-256 of the file with the record's bytes zeroed. */
    unsigned char *copy = malloc(o.size), md[CRYPTO_SHA256_SIZE];
    memcpy(copy, o.data, o.size);
    memset(copy + o.record, 0, INTEGRITY_RECORD_SIZE);
    struct crypto_sha256 *h = crypto_sha256_new();
    crypto_sha256_update(h, copy, o.size);
    assert_int_equal(crypto_sha256_final(&h, md), 0);
    assert_memory_equal(md, rep.digest, CRYPTO_SHA256_SIZE);
    assert_memory_equal(o.data + o.record, "RULEC-INTEGRITY", 16);
    char line[200], hex[65];
    crypto_hex(md, sizeof(md), hex);
    integrity_describe(&rep, line, sizeof(line));
    assert_true(strstr(line, hex) && strstr(line, "unsigned"));
    free(copy);
    free(o.data);
}

static void test_deterministic(void **state)
{
    struct crypto_signer *s = _signer(_sk2_pem);
    for (int signed_ = 0; signed_ < 2; signed_++) {
        struct _object a = _sealed(signed_ ? s : NULL), b = _sealed(signed_ ? s : NULL);
        assert_int_equal(a.size, b.size);
        assert_memory_equal(a.data, b.data, a.size);
        free(a.data);
        free(b.data);
    }
    crypto_signer_free(&s);
}

/* Every single-byte change anywhere in the object, unsigned and signed, is refused, and a
 * change inside the record is caught by the record's own checks. */
static void test_every_byte(void **state)
{
    struct crypto_signer *s = _signer(_sk2_pem);
    for (int signed_ = 0; signed_ < 2; signed_++) {
        struct _object o = _sealed(signed_ ? s : NULL);
        static const unsigned char flips[] = {0x01, 0x80, 0xff};
        for (size_t off = 0; off < o.size; off++)
            for (size_t f = 0; f < sizeof(flips); f++) {
                o.data[off] ^= flips[f];
                struct integrity_report rep;
                char err[512] = "";
                enum integrity_status st = _verify(&o, NULL, 0, &rep, err, sizeof(err));
                if (st == INTEGRITY_OK)
                    fail_msg("a change of byte %zu (^0x%02x) went unnoticed", off, flips[f]);
                assert_true(st == INTEGRITY_MODIFIED || st == INTEGRITY_NOT_POLICY);
                assert_true(*err);
                o.data[off] ^= flips[f];
            }
        struct integrity_report rep;
        char err[512];
        assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_OK);
        free(o.data);
    }
    crypto_signer_free(&s);
}

static void test_signed_and_trusted(void **state)
{
    struct crypto_signer *s2 = _signer(_sk2_pem);
    struct _object o = _sealed(s2);
    struct integrity_key k1 = _key(_pk1_pem), k2 = _key(_pk2_pem);
    unsigned char want_id[CRYPTO_SHA256_SIZE];
    _unhex(_pk2_id, want_id);
    struct integrity_report rep;
    char err[512];
    /* No trusted keys: the signature must still verify; the signer is reported. */
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_OK);
    assert_true(rep.is_signed);
    assert_false(rep.trusted);
    assert_memory_equal(rep.key_id, want_id, sizeof(want_id));
    assert_int_equal(_verify(&o, &k2, 1, &rep, err, sizeof(err)), INTEGRITY_OK);
    assert_true(rep.trusted);
    assert_int_equal(_verify(&o, &k1, 1, &rep, err, sizeof(err)), INTEGRITY_UNTRUSTED);
    assert_non_null(strstr(err, _pk2_id));
    /* Rotation: the old key and the new one trusted together; the policy signed by the new. */
    struct integrity_key both[] = {k1, k2};
    assert_int_equal(_verify(&o, both, 2, &rep, err, sizeof(err)), INTEGRITY_OK);
    char line[200];
    integrity_describe(&rep, line, sizeof(line));
    assert_non_null(strstr(line, "signed by key deb2ded39dc26fce"));
    free(o.data);
    /* Unsigned, when a key is required. */
    o = _sealed(NULL);
    assert_int_equal(_verify(&o, both, 2, &rep, err, sizeof(err)), INTEGRITY_UNSIGNED);
    assert_non_null(strstr(err, "rulec sign"));
    free(o.data);
    crypto_signer_free(&s2);
}

/* Re-signing with another key keeps the digest; the old signer is no longer accepted. */
static void test_resign(void **state)
{
    struct crypto_signer *s1 = _signer(_sk1_pem), *s2 = _signer(_sk2_pem);
    struct _object o = _sealed(s1);
    struct integrity_report before, after;
    char err[512];
    struct integrity_key k1 = _key(_pk1_pem), k2 = _key(_pk2_pem);
    assert_int_equal(_verify(&o, &k1, 1, &before, err, sizeof(err)), INTEGRITY_OK);
    assert_int_equal(integrity_seal(o.data, o.size, s2, &after, err, sizeof(err)), 0);
    assert_memory_equal(before.digest, after.digest, CRYPTO_SHA256_SIZE);
    assert_int_equal(_verify(&o, &k2, 1, &after, err, sizeof(err)), INTEGRITY_OK);
    assert_int_equal(_verify(&o, &k1, 1, &after, err, sizeof(err)), INTEGRITY_UNTRUSTED);
    free(o.data);
    crypto_signer_free(&s1);
    crypto_signer_free(&s2);
}

static void test_not_a_policy(void **state)
{
    struct integrity_report rep;
    char err[512];
    static const unsigned char garbage[] = "garbage";
    assert_int_equal(integrity_verify(garbage, sizeof(garbage), NULL, 0, &rep, err, sizeof(err)),
                     INTEGRITY_NOT_POLICY);
    assert_int_equal(integrity_verify(garbage, 0, NULL, 0, &rep, err, sizeof(err)),
                     INTEGRITY_NOT_POLICY);
    /* Truncated before the record and the section table. */
    struct _object o = _sealed(NULL);
    assert_int_equal(integrity_verify(o.data, 64, NULL, 0, &rep, err, sizeof(err)),
                     INTEGRITY_NOT_POLICY);
    assert_non_null(strstr(err, "truncated"));
    /* Truncated after the record: its size says so. */
    assert_int_equal(integrity_verify(o.data, o.size - 1, NULL, 0, &rep, err, sizeof(err)),
                     INTEGRITY_MODIFIED);
    free(o.data);
    /* An ELF object that is no policy at all. */
    o = _build(false, false);
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_NOT_POLICY);
    assert_non_null(strstr(err, POLICY_META_SECTION));
    free(o.data);
}

static void test_no_record(void **state)
{
    struct _object o = _build(true, false);
    struct integrity_report rep;
    char err[512];
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_NO_RECORD);
    assert_non_null(strstr(err, "compile it again"));
    assert_int_equal(integrity_seal(o.data, o.size, NULL, &rep, err, sizeof(err)), -1);
    free(o.data);
}

static void test_record_fields(void **state)
{
    struct integrity_report rep;
    char err[512];
    struct _object o = _sealed(NULL);
    unsigned char *rec = o.data + o.record;
    rec[16] = 2; /* version */
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_MODIFIED);
    assert_non_null(strstr(err, "version 2"));
    rec[16] = 1;
    rec[200] = 1; /* reserved */
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_MODIFIED);
    assert_non_null(strstr(err, "reserved"));
    rec[200] = 0;
    o.data[o.record - 3] ^= 1; /* in the metadata */
    assert_int_equal(_verify(&o, NULL, 0, &rep, err, sizeof(err)), INTEGRITY_MODIFIED);
    assert_non_null(strstr(err, "corrupt or was modified"));
    assert_memory_not_equal(rep.digest, rep.recorded, CRYPTO_SHA256_SIZE);
    free(o.data);
}

/* Section tables that point anywhere: refused, never read outside the buffer (ASan). */
static void test_hostile_tables(void **state)
{
    struct _object o = _sealed(NULL);
    Elf64_Ehdr eh;
    memcpy(&eh, o.data, sizeof(eh));
    const struct {
        size_t at; /* offset into the object */
        uint64_t value;
        size_t width;
    } cases[] = {
        {offsetof(Elf64_Ehdr, e_shoff), UINT64_MAX - 8, 8},
        {offsetof(Elf64_Ehdr, e_shoff), o.size - 1, 8},
        {offsetof(Elf64_Ehdr, e_shnum), 0xffff, 2},
        {offsetof(Elf64_Ehdr, e_shstrndx), 0xfffe, 2},
        {eh.e_shoff + _S_NAMES * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_offset), UINT64_MAX,
         8},
        {eh.e_shoff + _S_NAMES * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size), 1u << 30, 8},
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_name), 0xffffffff,
         4},
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_offset),
         UINT64_MAX - 100, 8},
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size), 255, 8},
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_type), SHT_NOBITS,
         4},
        /* The record over the section names, the ELF header, the section table (found by
         * the fuzzer: sealing would rewrite what locates the record). */
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_offset),
         sizeof(Elf64_Ehdr), 8},
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_offset), 0, 8},
        {eh.e_shoff + _S_RECORD * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_offset),
         eh.e_shoff - 8, 8},
        /* The metadata section renamed to a second record. */
        {eh.e_shoff + _S_META * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_name),
         17 + sizeof(POLICY_META_SECTION), 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char *copy = malloc(o.size);
        memcpy(copy, o.data, o.size);
        memcpy(copy + cases[i].at, &cases[i].value, cases[i].width);
        struct integrity_report rep;
        char err[512];
        enum integrity_status st = integrity_verify(copy, o.size, NULL, 0, &rep, err, sizeof(err));
        if (st == INTEGRITY_OK)
            fail_msg("hostile table %zu accepted", i);
        /* Nor is there a record to seal. */
        assert_int_equal(integrity_seal(copy, o.size, NULL, &rep, err, sizeof(err)), -1);
        free(copy);
    }
    free(o.data);
}

static void test_public_pem(void **state)
{
    unsigned char pub[CRYPTO_ED25519_PUBLIC_SIZE], want[CRYPTO_ED25519_PUBLIC_SIZE];
    char err[512];
    _unhex(_pk2_hex, want);
    assert_int_equal(crypto_public_from_pem(_pk2_pem, strlen(_pk2_pem), pub, err, sizeof(err)), 0);
    assert_memory_equal(pub, want, sizeof(want));
    /* CRLF line ends, text around the block. */
    const char *crlf = "comment\r\n-----BEGIN PUBLIC KEY-----\r\n"
                       "MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=\r\n"
                       "-----END PUBLIC KEY-----\r\n";
    assert_int_equal(crypto_public_from_pem(crlf, strlen(crlf), pub, err, sizeof(err)), 0);
    assert_memory_equal(pub, want, sizeof(want));
    const struct {
        const char *text, *says;
    } bad[] = {
        {_sk2_pem, "private key"},
        {_ec_pem, "not an Ed25519 public key"},
        {"-----BEGIN PUBLIC KEY-----\nMCow*BQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", "malformed"},
        {"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=A"
         "\n-----END PUBLIC KEY-----\n",
         "malformed"},
        {"-----BEGIN PUBLIC "
         "KEY-----\nMCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=\n",
         "END PUBLIC KEY"},
        {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "not a PEM public key"},
        {"", "not a PEM public key"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(
            crypto_public_from_pem(bad[i].text, strlen(bad[i].text), pub, err, sizeof(err)), -1);
        if (!strstr(err, bad[i].says))
            fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].says);
    }
}

/* Known answers: RFC 8032's TEST 2 signature, and the OpenSSL fingerprint of its key. */
static void test_ed25519_vectors(void **state)
{
    struct crypto_signer *s = _signer(_sk2_pem);
    unsigned char sig[CRYPTO_ED25519_SIG_SIZE], want[CRYPTO_ED25519_SIG_SIZE], id[32], want_id[32];
    const unsigned char msg[] = {0x72};
    _unhex(_sig2_hex, want);
    assert_int_equal(crypto_sign(s, msg, sizeof(msg), sig), 0);
    assert_memory_equal(sig, want, sizeof(want));
    struct integrity_key k = _key(_pk2_pem);
    assert_memory_equal(crypto_signer_public(s), k.pub, sizeof(k.pub));
    assert_int_equal(crypto_verify(k.pub, msg, sizeof(msg), want), 1);
    want[10] ^= 1;
    assert_int_equal(crypto_verify(k.pub, msg, sizeof(msg), want), 0);
    _unhex(_pk2_id, want_id);
    assert_int_equal(crypto_key_id(k.pub, id), 0);
    assert_memory_equal(id, want_id, sizeof(id));
    crypto_signer_free(&s);
}

static void test_signer_errors(void **state)
{
    struct crypto_signer *s = NULL;
    char err[512];
    assert_int_equal(crypto_signer_load(&s, "/nonexistent/key.pem", err, sizeof(err)), -1);
    assert_null(s);
    assert_int_equal(crypto_signer_load(&s, _file("pub.pem", _pk2_pem), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "genpkey"));
    assert_null(s);
}

static void test_keys_load(void **state)
{
    char keys[96], err[512];
    snprintf(keys, sizeof(keys), "%s/keys", _dir);
    mkdir(keys, 0700);
    struct integrity_key *k = NULL;
    size_t n = 99;
    const char *paths[] = {keys};
    /* An empty directory is a misconfiguration, not "no signature needed". */
    assert_int_equal(integrity_keys_load(paths, 1, &k, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "holds no *.pem"));
    assert_int_equal(n, 0);
    /* What a Kubernetes Secret volume holds besides the keys is skipped. */
    _file("keys/b-new.pem", _pk2_pem);
    _file("keys/a-old.pem", _pk1_pem);
    _file("keys/README", "not a key");
    _file("keys/.hidden.pem", "not a key");
    char data[128];
    snprintf(data, sizeof(data), "%s/keys/..data", _dir);
    mkdir(data, 0700);
    assert_int_equal(integrity_keys_load(paths, 1, &k, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 2);
    struct integrity_key k1 = _key(_pk1_pem), k2 = _key(_pk2_pem);
    assert_memory_equal(k[0].pub, k1.pub, sizeof(k1.pub)); /* name order */
    assert_memory_equal(k[1].pub, k2.pub, sizeof(k2.pub));
    free(k);
    /* A file next to the directory, and a file that is no key. */
    const char *more[] = {keys, _file("one.pem", _pk1_pem)};
    assert_int_equal(integrity_keys_load(more, 2, &k, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    free(k);
    const char *wrong[] = {_file("private.pem", _sk1_pem)};
    assert_int_equal(integrity_keys_load(wrong, 1, &k, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "private.pem is a private key"));
    assert_null(k);
    const char *missing[] = {"/nonexistent/key.pem"};
    assert_int_equal(integrity_keys_load(missing, 1, &k, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/key.pem"));
    assert_int_equal(integrity_keys_load(NULL, 0, &k, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);
}

static int _setup(void **state)
{
    char err[256];
    if (crypto_load(err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    snprintf(_dir, sizeof(_dir), "/tmp/rulec-test-integrity.XXXXXX");
    return mkdtemp(_dir) ? 0 : -1;
}

static int _teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", _dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_verify),     cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_every_byte),      cmocka_unit_test(test_signed_and_trusted),
        cmocka_unit_test(test_resign),          cmocka_unit_test(test_not_a_policy),
        cmocka_unit_test(test_no_record),       cmocka_unit_test(test_record_fields),
        cmocka_unit_test(test_hostile_tables),  cmocka_unit_test(test_public_pem),
        cmocka_unit_test(test_ed25519_vectors), cmocka_unit_test(test_signer_errors),
        cmocka_unit_test(test_keys_load),
    };
    return cmocka_run_group_tests(tests, _setup, _teardown);
}
