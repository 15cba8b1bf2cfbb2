#include <dlfcn.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cli/commands.h"
#include "compiler/codegen.h"
#include "compiler/emit.h"
#include "compiler/front.h"

static void _compile_usage(FILE *out)
{
    fprintf(out, "usage: rulec compile [--format text|json|sarif] [--strict] [--profile] -o OUT "
                 "FILE...\n"
                 "       rulec compile --emit c FILE...\n"
                 "  Compiles rules files (loaded in order, as Falco loads them) into one BPF\n"
                 "  policy object. Runs every lint check first; on error nothing is written.\n"
                 "  --emit c prints the generated BPF C instead of compiling it.\n"
                 "  --profile times each field read, rule and program in the kernel; rulec run\n"
                 "  prints the table when it stops (and on SIGUSR1).\n"
                 "  Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage error.\n");
}

/* libcrypto's digest functions, loaded when compiling only: `rulec run`, which stays resident on
 * every node, then never maps the library (about 1 MB of resident memory). */
struct crypto {
    __typeof__(&EVP_MD_CTX_new) ctx_new;
    __typeof__(&EVP_MD_CTX_free) ctx_free;
    __typeof__(&EVP_sha256) sha256;
    __typeof__(&EVP_DigestInit_ex) init;
    __typeof__(&EVP_DigestUpdate) update;
    __typeof__(&EVP_DigestFinal_ex) final;
};

static int _crypto(struct crypto *c)
{
    void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return -1;
    c->ctx_new = (__typeof__(c->ctx_new))dlsym(lib, "EVP_MD_CTX_new");
    c->ctx_free = (__typeof__(c->ctx_free))dlsym(lib, "EVP_MD_CTX_free");
    c->sha256 = (__typeof__(c->sha256))dlsym(lib, "EVP_sha256");
    c->init = (__typeof__(c->init))dlsym(lib, "EVP_DigestInit_ex");
    c->update = (__typeof__(c->update))dlsym(lib, "EVP_DigestUpdate");
    c->final = (__typeof__(c->final))dlsym(lib, "EVP_DigestFinal_ex");
    return c->ctx_new && c->ctx_free && c->sha256 && c->init && c->update && c->final ? 0 : -1;
}

/* sha256 over the rules files in load order, each prefixed by its length,
 * so the policy names exactly the sources it came from. NULL when libcrypto is missing. */
static char *_digest(const struct ruleset *rs)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    struct crypto c;
    if (_crypto(&c) < 0)
        return NULL;
    EVP_MD_CTX *ctx = c.ctx_new();
    if (!ctx || !c.init(ctx, c.sha256(), NULL))
        return NULL;
    for (size_t i = 0; i < rs->nfiles; i++) {
        char len[32];
        int n = snprintf(len, sizeof(len), "%zu:", rs->files[i]->len);
        c.update(ctx, len, (size_t)n);
        c.update(ctx, rs->files[i]->text, rs->files[i]->len);
    }
    c.final(ctx, md, &mdlen);
    c.ctx_free(ctx);
    char *hex = malloc(2 * mdlen + 1);
    if (!hex)
        abort();
    for (unsigned int i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
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
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *out_path = NULL;
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
        case 'h':
            _compile_usage(stdout);
            return EXIT_CLEAN;
        default:
            _compile_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc || (!out_path && !emit_c)) {
        fprintf(stderr, "rulec compile: %s\n",
                optind >= argc ? "no rules file given" : "no output file given (-o OUT)");
        _compile_usage(stderr);
        return EXIT_USAGE;
    }
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};
    int status = EXIT_ERRORS;
    struct codegen_result res = {0};
    char *digest = NULL;
    front_run(rs, (const char *const *)argv + optind, (size_t)(argc - optind), &diags);
    if (diags.errors)
        goto out;
    digest = _digest(rs);
    if (!digest) {
        fprintf(stderr, "rulec compile: cannot load libcrypto.so.3 for the sources' SHA-256 "
                        "(install libssl3)\n");
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
    char err[8192];
    if (emit_object((const char *const *)res.unit_source, CODEGEN_UNITS, res.meta_json, out_path,
                    err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec compile: %s\n", err);
        goto out;
    }
    status = EXIT_CLEAN;
out:
    diag_sort(&diags);
    cli_diag_print(&dopt, &diags);
    if (status == EXIT_CLEAN && !emit_c)
        fprintf(stderr, "rulec: %s: %zu rules, %zu syscalls hooked, %zu k8s_audit rules\n",
                out_path, res.nrules, res.nhooks, res.naudit_rules);
    codegen_result_free(&res);
    free(digest);
    diag_list_free(&diags);
    ruleset_free(&rs);
    return status;
}
