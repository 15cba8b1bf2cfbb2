/* rulec sign: a CI step that signs a compiled policy (core/integrity.h) after the fact, for a
 * pipeline where the job holding the signing key is not the one that compiles. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "compiler/emit.h"
#include "core/integrity.h"
#include "core/policy.h"

static void _sign_usage(FILE *out)
{
    fprintf(out, "usage: rulec sign --key KEY.pem [-o OUT] POLICY.bpf.o\n"
                 "  Signs a compiled policy with an Ed25519 private key (PEM). The signature\n"
                 "  covers the policy's SHA-256, which covers every byte of the object. The\n"
                 "  policy is checked first: a corrupt or modified one is not signed. Written\n"
                 "  atomically, in place unless -o; a signature already there is replaced.\n"
                 "  Exit status: 0 signed, 1 error, 2 usage error, 8 the policy is corrupt or\n"
                 "  was modified.\n");
}

int cmd_sign(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *key_path = NULL, *out_path = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "k:o:h", options, NULL)) != -1) {
        switch (opt) {
        case 'k':
            key_path = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            _sign_usage(stdout);
            return EXIT_CLEAN;
        default:
            _sign_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!key_path || optind != argc - 1) {
        fprintf(stderr, "rulec sign: %s\n",
                key_path ? "give exactly one policy object" : "no key given (--key KEY.pem)");
        _sign_usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    if (!out_path)
        out_path = path;
    char err[1024];
    struct crypto_signer *signer = NULL;
    struct policy_image img = {0};
    struct integrity_report rep;
    struct stat st;
    int status = EXIT_ERRORS;
    if (crypto_signer_load(&signer, key_path, err, sizeof(err)) < 0 ||
        policy_image_read(&img, path, err, sizeof(err)) != POLICY_OK || stat(path, &st) < 0) {
        fprintf(stderr, "rulec sign: %s\n", err);
        goto out;
    }
    /* Sealing hashes whatever the bytes are: only an intact policy gets a signature. */
    enum integrity_status vs =
        integrity_verify(img.data, img.size, NULL, 0, &rep, err, sizeof(err));
    if (vs != INTEGRITY_OK) {
        fprintf(stderr, "rulec sign: %s: %s; not signed\n", path, err);
        if (vs != INTEGRITY_NOT_POLICY && vs != INTEGRITY_ERROR)
            status = EXIT_INTEGRITY;
        goto out;
    }
    char old_id[2 * CRYPTO_SHA256_SIZE + 1] = "";
    if (rep.is_signed)
        crypto_hex(rep.key_id, CRYPTO_SHA256_SIZE, old_id);
    if (integrity_seal(img.data, img.size, signer, &rep, err, sizeof(err)) < 0 ||
        emit_write_atomic(out_path, img.data, img.size, st.st_mode & 0777, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec sign: %s\n", err);
        goto out;
    }
    char id[2 * CRYPTO_SHA256_SIZE + 1], digest[2 * CRYPTO_SHA256_SIZE + 1];
    crypto_hex(rep.key_id, CRYPTO_SHA256_SIZE, id);
    crypto_hex(rep.digest, CRYPTO_SHA256_SIZE, digest);
    fprintf(stderr, "rulec: %s: sha256 %s, signed by key %s", out_path, digest, id);
    if (*old_id && strcmp(old_id, id) != 0)
        fprintf(stderr, " (replacing the signature of key %s)", old_id);
    fprintf(stderr, "\n");
    status = EXIT_CLEAN;
out:
    policy_image_free(&img);
    crypto_signer_free(&signer);
    return status;
}
