#include "core/integrity.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/policy.h"

/* 15 characters and the NUL: the tag cannot occur in the JSON metadata, which escapes NUL. */
static const char _tag[16] = "RULEC-INTEGRITY";

enum {
    _OFF_VERSION = 16,
    _OFF_FLAGS = 20,
    _OFF_SIZE = 24,
    _OFF_DIGEST = 32,
    _OFF_SIGNER = 64,
    _OFF_SIGNATURE = 96,
    _OFF_RESERVED = 160,
    _SIGNED_BYTES = 64, /* the signature covers tag, version, flags, size and digest */
};
#define _FLAG_SIGNED 1u

static uint32_t _get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t _get64(const unsigned char *p)
{
    return (uint64_t)_get32(p) | (uint64_t)_get32(p + 4) << 32;
}

static void _put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void _put64(unsigned char *p, uint64_t v)
{
    _put32(p, (uint32_t)v);
    _put32(p + 4, (uint32_t)(v >> 32));
}

static bool _zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static bool _within(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* What the section table says, read with bounds checks only: a hostile or damaged object must
 * make the check fail, never crash it or send it outside the buffer. */
struct _layout {
    bool elf;        /* the ELF header and the section table hold together */
    bool has_meta;   /* a POLICY_META_SECTION section */
    size_t nrecords; /* INTEGRITY_SECTION sections */
    uint32_t type;   /* the first one's */
    uint64_t offset; /* its place in the file */
    uint64_t size;   /* and its size */
    size_t index;    /* and its section index */
    bool overlaps;   /* it shares bytes with the headers or another section */
};

static bool _named(const char *names, uint64_t names_size, uint32_t at, const char *want)
{
    size_t n = strlen(want);
    return at < names_size && n < names_size - at && memcmp(names + at, want, n + 1) == 0;
}

static bool _overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static void _layout(const unsigned char *data, size_t size, struct _layout *lay)
{
    memset(lay, 0, sizeof(*lay));
    Elf64_Ehdr eh;
    if (size < sizeof(eh))
        return;
    memcpy(&eh, data, sizeof(eh));
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_shentsize != sizeof(Elf64_Shdr) ||
        eh.e_shnum == 0 || eh.e_shstrndx >= eh.e_shnum ||
        !_within(size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
        return;
    const unsigned char *table = data + eh.e_shoff;
    Elf64_Shdr strtab;
    memcpy(&strtab, table + (size_t)eh.e_shstrndx * sizeof(strtab), sizeof(strtab));
    if (strtab.sh_type == SHT_NOBITS || !_within(size, strtab.sh_offset, strtab.sh_size))
        return;
    const char *names = (const char *)data + strtab.sh_offset;
    for (size_t i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, table + i * sizeof(sh), sizeof(sh));
        if (_named(names, strtab.sh_size, sh.sh_name, POLICY_META_SECTION))
            lay->has_meta = true;
        if (_named(names, strtab.sh_size, sh.sh_name, INTEGRITY_SECTION) && lay->nrecords++ == 0) {
            lay->type = sh.sh_type;
            lay->offset = sh.sh_offset;
            lay->size = sh.sh_size;
            lay->index = i;
        }
    }
    /* The record's bytes are the record's only: were they also a header or another section's
     * contents, writing the record would change what locates it or what it covers. */
    lay->overlaps =
        _overlap(lay->offset, lay->size, 0, sizeof(eh)) ||
        _overlap(lay->offset, lay->size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr));
    for (size_t i = 0; i < eh.e_shnum && lay->nrecords; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, table + i * sizeof(sh), sizeof(sh));
        if (i != lay->index && sh.sh_type != SHT_NOBITS &&
            _overlap(lay->offset, lay->size, sh.sh_offset, sh.sh_size))
            lay->overlaps = true;
    }
    lay->elf = true;
}

/* True when the layout has exactly one record, of the right size, inside the file. */
static bool _one_record(const struct _layout *lay, size_t size)
{
    return lay->elf && lay->nrecords == 1 && lay->type == SHT_PROGBITS &&
           lay->size == INTEGRITY_RECORD_SIZE && _within(size, lay->offset, lay->size) &&
           !lay->overlaps;
}

/* The digest: SHA-256 of the file with the record read as zeros. */
static int _digest(const unsigned char *data, size_t size, size_t record,
                   unsigned char out[CRYPTO_SHA256_SIZE])
{
    static const unsigned char zeros[INTEGRITY_RECORD_SIZE];
    struct crypto_sha256 *h = crypto_sha256_new();
    if (!h)
        return -1;
    crypto_sha256_update(h, data, record);
    crypto_sha256_update(h, zeros, sizeof(zeros));
    crypto_sha256_update(h, data + record + INTEGRITY_RECORD_SIZE,
                         size - record - INTEGRITY_RECORD_SIZE);
    return crypto_sha256_final(&h, out);
}

__attribute__((format(printf, 5, 6))) static enum integrity_status
_fail(struct integrity_report *rep, enum integrity_status status, char *err, size_t errlen,
      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    rep->status = status;
    return status;
}

#define _MODIFIED "the policy is corrupt or was modified"

/* The object has no usable record: say whether it is a damaged policy, an old one, or no
 * policy at all. The tag still found in the bytes means a record was there. */
static enum integrity_status _no_record(const unsigned char *data, size_t size,
                                        const struct _layout *lay, struct integrity_report *rep,
                                        char *err, size_t errlen)
{
    if (memmem(data, size, _tag, sizeof(_tag)))
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED ": its %s no longer leads to its integrity record",
                     lay->elf ? "section table" : "ELF header or section table");
    if (!lay->elf)
        return _fail(rep, INTEGRITY_NOT_POLICY, err, errlen,
                     "not an ELF object (corrupt or truncated policy)");
    if (!lay->has_meta)
        return _fail(rep, INTEGRITY_NOT_POLICY, err, errlen,
                     "no %s section: not a rulec policy (or truncated)", POLICY_META_SECTION);
    return _fail(rep, INTEGRITY_NO_RECORD, err, errlen,
                 "the policy has no integrity record (no %s section): it was compiled by a "
                 "rulec without integrity records, or the section was removed; compile it again",
                 INTEGRITY_SECTION);
}

/* The record's own fields, before the digest is compared. */
static enum integrity_status _check_record(const unsigned char *rec, size_t size,
                                           struct integrity_report *rep, char *err, size_t errlen)
{
    if (memcmp(rec, _tag, sizeof(_tag)) != 0)
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED ": its integrity record has lost its format tag");
    uint32_t version = _get32(rec + _OFF_VERSION);
    if (version != INTEGRITY_VERSION)
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED ", or was built by another rulec: its integrity record has "
                               "version %u, this rulec reads version %d",
                     version, INTEGRITY_VERSION);
    uint32_t flags = _get32(rec + _OFF_FLAGS);
    bool is_signed = flags & _FLAG_SIGNED;
    if ((flags & ~_FLAG_SIGNED) ||
        !_zero(rec + _OFF_RESERVED, INTEGRITY_RECORD_SIZE - _OFF_RESERVED) ||
        (!is_signed && !_zero(rec + _OFF_SIGNER, _OFF_RESERVED - _OFF_SIGNER)))
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED ": its integrity record is damaged (flags or reserved bytes)");
    uint64_t recorded_size = _get64(rec + _OFF_SIZE);
    if (recorded_size != size)
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED ": it is %zu bytes, the compiled policy was %llu bytes "
                               "(truncated or extended)",
                     size, (unsigned long long)recorded_size);
    return INTEGRITY_OK;
}

enum integrity_status integrity_verify(const unsigned char *data, size_t size,
                                       const struct integrity_key *trusted, size_t ntrusted,
                                       struct integrity_report *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof(*rep));
    struct _layout lay;
    _layout(data, size, &lay);
    if (!lay.elf || lay.nrecords == 0)
        return _no_record(data, size, &lay, rep, err, errlen);
    if (!_one_record(&lay, size))
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED ": its %s section is not one record of %d bytes", INTEGRITY_SECTION,
                     INTEGRITY_RECORD_SIZE);
    if (crypto_load(err, errlen) < 0)
        return rep->status = INTEGRITY_ERROR;
    const unsigned char *rec = data + lay.offset;
    memcpy(rep->recorded, rec + _OFF_DIGEST, CRYPTO_SHA256_SIZE);
    if (_digest(data, size, (size_t)lay.offset, rep->digest) < 0)
        return _fail(rep, INTEGRITY_ERROR, err, errlen, "SHA-256 failed in libcrypto");
    rep->have_digest = true;
    if (_check_record(rec, size, rep, err, errlen) != INTEGRITY_OK)
        return rep->status;
    char hex[2 * CRYPTO_SHA256_SIZE + 1], recorded[2 * CRYPTO_SHA256_SIZE + 1];
    if (memcmp(rep->digest, rep->recorded, CRYPTO_SHA256_SIZE) != 0) {
        crypto_hex(rep->digest, CRYPTO_SHA256_SIZE, hex);
        crypto_hex(rep->recorded, CRYPTO_SHA256_SIZE, recorded);
        return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                     _MODIFIED " since it was compiled: its SHA-256 is %s, the compiled policy's "
                               "was %s; do not run it, fetch it again from CI",
                     hex, recorded);
    }
    if (_get32(rec + _OFF_FLAGS) & _FLAG_SIGNED) {
        int valid = crypto_verify(rec + _OFF_SIGNER, rec, _SIGNED_BYTES, rec + _OFF_SIGNATURE);
        if (valid < 0 || crypto_key_id(rec + _OFF_SIGNER, rep->key_id) < 0)
            return _fail(rep, INTEGRITY_ERROR, err, errlen, "Ed25519 failed in libcrypto");
        crypto_hex(rep->key_id, CRYPTO_SHA256_SIZE, hex);
        if (!valid)
            return _fail(rep, INTEGRITY_MODIFIED, err, errlen,
                         _MODIFIED " since it was signed: its signature (key %s) does not verify",
                         hex);
        rep->is_signed = true;
    }
    if (ntrusted == 0)
        return rep->status = INTEGRITY_OK;
    if (!rep->is_signed)
        return _fail(rep, INTEGRITY_UNSIGNED, err, errlen,
                     "the policy is not signed, and this node runs only policies signed by a "
                     "trusted key (%zu configured): sign it in CI (rulec sign --key KEY.pem)",
                     ntrusted);
    for (size_t i = 0; i < ntrusted && !rep->trusted; i++)
        rep->trusted = memcmp(trusted[i].pub, rec + _OFF_SIGNER, CRYPTO_ED25519_PUBLIC_SIZE) == 0;
    if (!rep->trusted)
        return _fail(rep, INTEGRITY_UNTRUSTED, err, errlen,
                     "the policy is signed by key %s, which is not a trusted key (%zu "
                     "configured): it was not signed by this fleet's CI, or the signing key was "
                     "rotated before the node's trusted keys were",
                     hex, ntrusted);
    return rep->status = INTEGRITY_OK;
}

int integrity_seal(unsigned char *data, size_t size, const struct crypto_signer *signer,
                   struct integrity_report *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof(*rep));
    struct _layout lay;
    _layout(data, size, &lay);
    if (!_one_record(&lay, size)) {
        snprintf(err, errlen, "the object has no %s section of %d bytes for its integrity record",
                 INTEGRITY_SECTION, INTEGRITY_RECORD_SIZE);
        return -1;
    }
    if (crypto_load(err, errlen) < 0)
        return -1;
    unsigned char *rec = data + lay.offset;
    memset(rec, 0, INTEGRITY_RECORD_SIZE);
    if (_digest(data, size, (size_t)lay.offset, rep->digest) < 0) {
        snprintf(err, errlen, "SHA-256 failed in libcrypto");
        return -1;
    }
    memcpy(rec, _tag, sizeof(_tag));
    _put32(rec + _OFF_VERSION, INTEGRITY_VERSION);
    _put32(rec + _OFF_FLAGS, signer ? _FLAG_SIGNED : 0);
    _put64(rec + _OFF_SIZE, size);
    memcpy(rec + _OFF_DIGEST, rep->digest, CRYPTO_SHA256_SIZE);
    if (signer) {
        memcpy(rec + _OFF_SIGNER, crypto_signer_public(signer), CRYPTO_ED25519_PUBLIC_SIZE);
        if (crypto_sign(signer, rec, _SIGNED_BYTES, rec + _OFF_SIGNATURE) < 0 ||
            crypto_key_id(rec + _OFF_SIGNER, rep->key_id) < 0) {
            snprintf(err, errlen, "Ed25519 signing failed in libcrypto");
            return -1;
        }
        rep->is_signed = true;
    }
    memcpy(rep->recorded, rep->digest, CRYPTO_SHA256_SIZE);
    rep->have_digest = true;
    rep->status = INTEGRITY_OK;
    return 0;
}

const char *integrity_status_name(enum integrity_status status)
{
    static const char *const names[] = {
        [INTEGRITY_OK] = "verified",         [INTEGRITY_NOT_POLICY] = "not_a_policy",
        [INTEGRITY_NO_RECORD] = "no_record", [INTEGRITY_MODIFIED] = "modified",
        [INTEGRITY_UNSIGNED] = "unsigned",   [INTEGRITY_UNTRUSTED] = "untrusted",
        [INTEGRITY_ERROR] = "error",
    };
    return status < INTEGRITY_STATUS_MAX ? names[status] : "error";
}

void integrity_describe(const struct integrity_report *rep, char *out, size_t len)
{
    char digest[2 * CRYPTO_SHA256_SIZE + 1], id[2 * CRYPTO_SHA256_SIZE + 1];
    crypto_hex(rep->digest, CRYPTO_SHA256_SIZE, digest);
    crypto_hex(rep->key_id, CRYPTO_SHA256_SIZE, id);
    if (rep->is_signed)
        snprintf(out, len, "sha256 %s, signed by key %.16s", digest, id);
    else
        snprintf(out, len, "sha256 %s, unsigned", digest);
}

/* ---- trusted keys -------------------------------------------------------------------------- */

static int _read_key(const char *path, struct integrity_key *key, char *err, size_t errlen)
{
    char text[16384];
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "trusted key %s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(text, 1, sizeof(text), f);
    fclose(f);
    char why[256];
    if (crypto_public_from_pem(text, n, key->pub, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "trusted key %s %s", path, why);
        return -1;
    }
    return 0;
}

static int _add_key(const char *path, struct integrity_key **keys, size_t *nkeys, char *err,
                    size_t errlen)
{
    struct integrity_key *grown = realloc(*keys, (*nkeys + 1) * sizeof(**keys));
    if (!grown) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *keys = grown;
    if (_read_key(path, &grown[*nkeys], err, errlen) < 0)
        return -1;
    (*nkeys)++;
    return 0;
}

/* *.pem, not hidden: a Secret volume also holds ..data and timestamped directories. */
static int _pem_name(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".pem") == 0;
}

static int _add_dir(const char *dir, struct integrity_key **keys, size_t *nkeys, char *err,
                    size_t errlen)
{
    struct dirent **names;
    int n = scandir(dir, &names, _pem_name, alphasort);
    if (n < 0) {
        snprintf(err, errlen, "trusted key directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    size_t before = *nkeys;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            rc = _add_key(path, keys, nkeys, err, errlen);
        free(names[i]);
    }
    free(names);
    if (rc == 0 && *nkeys == before) {
        snprintf(err, errlen,
                 "trusted key directory %s holds no *.pem file: a node told to require signed "
                 "policies does not run without a key",
                 dir);
        rc = -1;
    }
    return rc;
}

int integrity_keys_load(const char *const *paths, size_t npaths, struct integrity_key **keys,
                        size_t *nkeys, char *err, size_t errlen)
{
    *keys = NULL;
    *nkeys = 0;
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        int rc = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)
                     ? _add_dir(paths[i], keys, nkeys, err, errlen)
                     : _add_key(paths[i], keys, nkeys, err, errlen);
        if (rc < 0) {
            free(*keys);
            *keys = NULL;
            *nkeys = 0;
            return -1;
        }
    }
    return 0;
}
