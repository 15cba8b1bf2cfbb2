#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "compiler/codegen.h"
#include "compiler/emit.h"
#include "compiler/front.h"
#include "core/crypto.h"
#include "core/integrity.h"

static void _compile_usage(FILE *out)
{
    fprintf(out, "usage: rulec compile [--format text|json|sarif] [--strict] [--profile]\n"
                 "                     [--sign KEY.pem] -o OUT FILE...\n"
                 "       rulec compile --emit c FILE...\n"
                 "  Compiles rules files (loaded in order, as Falco loads them) into one BPF\n"
                 "  policy object. Runs every lint check first; on error nothing is written.\n"
                 "  The object records its own SHA-256, which rulec run checks before loading.\n"
                 "  --sign KEY.pem also signs it with that Ed25519 private key (PEM).\n"
                 "  --emit c prints the generated BPF C instead of compiling it.\n"
                 "  --profile times each field read, rule and program in the kernel; rulec run\n"
                 "  prints the table when it stops (and on SIGUSR2).\n"
                 "  --config FILE compiles the rules_files of that configuration (a\n"
                 "  falco.yaml) when no FILE is given.\n"
                 "  Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage error.\n");
}

/* sha256 over the rules files in load order, each prefixed by its length,
 * so the policy names exactly the sources it came from. NULL (err says why) when libcrypto
 * is missing. */
static char *_digest(const struct ruleset *rs, char *err, size_t errlen)
{
    if (crypto_load(err, errlen) < 0)
        return NULL;
    unsigned char md[CRYPTO_SHA256_SIZE];
    struct crypto_sha256 *h = crypto_sha256_new();
    for (size_t i = 0; h && i < rs->nfiles; i++) {
        char len[32];
        int n = snprintf(len, sizeof(len), "%zu:", rs->files[i]->len);
        crypto_sha256_update(h, len, (size_t)n);
        crypto_sha256_update(h, rs->files[i]->text, rs->files[i]->len);
    }
    if (!h || crypto_sha256_final(&h, md) < 0) {
        snprintf(err, errlen, "SHA-256 failed in libcrypto");
        return NULL;
    }
    char *hex = malloc(2 * sizeof(md) + 1);
    if (!hex)
        abort();
    crypto_hex(md, sizeof(md), hex);
    return hex;
}

int cmd_compile(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"emit", required_argument, NULL, 'e'},
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"profile", no_argument, NULL, 'p'},
        {"sign", required_argument, NULL, 'k'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *out_path = NULL, *key_path = NULL, *config = NULL;
    bool emit_c = false, profile = false;
    struct cli_diag_opts dopt = {.format = DIAG_FORMAT_TEXT};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:e:f:sh", options, NULL)) != -1) {
        int taken = cli_diag_option("compile", opt, optarg, &dopt);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken)
            continue;
        switch (opt) {
        case 'o':
            out_path = optarg;
            break;
        case 'e':
            if (strcmp(optarg, "c") != 0) {
                fprintf(stderr, "rulec compile: --emit takes 'c'\n");
                return EXIT_USAGE;
            }
            emit_c = true;
            break;
        case 'p':
            profile = true;
            break;
        case 'k':
            key_path = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'h':
            _compile_usage(stdout);
            return EXIT_CLEAN;
        default:
            _compile_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if ((optind >= argc && !config) || (!out_path && !emit_c)) {
        fprintf(stderr, "rulec compile: %s\n",
                optind >= argc && !config ? "no rules file given"
                                          : "no output file given (-o OUT)");
        _compile_usage(stderr);
        return EXIT_USAGE;
    }
    size_t nfiles;
    char **files = cli_rules_files("compile", config, argv + optind, argc - optind, &nfiles);
    if (!files)
        return EXIT_USAGE;
    char err[8192];
    /* A bad key fails before the compile, not after it. */
    struct crypto_signer *signer = NULL;
    if (key_path && !emit_c && crypto_signer_load(&signer, key_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec compile: --sign: %s\n", err);
        cli_rules_files_free(files);
        return EXIT_ERRORS;
    }
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};
    int status = EXIT_ERRORS;
    struct codegen_result res = {0};
    char *digest = NULL;
    struct integrity_report integrity;
    front_run(rs, (const char *const *)files, nfiles, &diags);
    cli_rules_files_free(files);
    if (diags.errors)
        goto out;
    digest = _digest(rs, err, sizeof(err));
    if (!digest) {
        fprintf(stderr, "rulec compile: %s\n", err);
        goto out;
    }
    struct codegen_options copts = {.sources_digest = digest, .profile = profile};
    if (codegen_policy(rs, &copts, &res, &diags) < 0 || diags.errors)
        goto out;
    if (dopt.strict && diags.warnings)
        goto out;
    if (emit_c) {
        fputs(res.c_source, stdout);
        status = EXIT_CLEAN;
        goto out;
    }
    if (emit_object((const char *const *)res.unit_source, CODEGEN_UNITS, res.meta_json, signer,
                    out_path, &integrity, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec compile: %s\n", err);
        goto out;
    }
    status = EXIT_CLEAN;
out:
    diag_sort(&diags);
    cli_diag_print(&dopt, &diags);
    if (status == EXIT_CLEAN && !emit_c) {
        char sealed[160];
        integrity_describe(&integrity, sealed, sizeof(sealed));
        fprintf(stderr, "rulec: %s: %zu rules, %zu syscalls hooked, %zu k8s_audit rules; %s\n",
                out_path, res.nrules, res.nhooks, res.naudit_rules, sealed);
    }
    crypto_signer_free(&signer);
    codegen_result_free(&res);
    free(digest);
    diag_list_free(&diags);
    ruleset_free(&rs);
    return status;
}
