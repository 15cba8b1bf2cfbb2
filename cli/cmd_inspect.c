#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/commands.h"
#include "core/arena.h"
#include "core/integrity.h"
#include "core/policy.h"
#include "runtime/config.h"

static void _inspect_usage(FILE *out)
{
    fprintf(out, "usage: rulec inspect [--json] [--trusted-key PEM|DIR]... [--config FILE]\n"
                 "                     POLICY.bpf.o\n"
                 "  Checks the policy's integrity (its SHA-256 and signature; with trusted keys,\n"
                 "  also that one of them signed it, as rulec run will), then prints its\n"
                 "  rules, the hooks it attaches, and for each rule what the kernel decides\n"
                 "  and what is left to userspace. --config reads policy_trusted_keys from a\n"
                 "  rulec run configuration file.\n"
                 "  Exit status: 0 verified, 1 not a readable policy, 2 usage or configuration\n"
                 "  error, 8 integrity: corrupt, modified, unsigned or untrusted.\n");
}

static void _print_integrity(const struct integrity_report *rep, size_t ntrusted)
{
    char hex[2 * CRYPTO_SHA256_SIZE + 1];
    crypto_hex(rep->digest, CRYPTO_SHA256_SIZE, hex);
    printf("  sha256 %s (verified: the object is byte for byte as compiled)\n", hex);
    crypto_hex(rep->key_id, CRYPTO_SHA256_SIZE, hex);
    if (!rep->is_signed)
        printf("  unsigned\n");
    else if (ntrusted)
        printf("  signed by key %s, trusted\n", hex);
    else
        printf("  signed by key %s (no trusted keys given: the signature verifies, the signer "
               "is not checked)\n",
               hex);
}

static json_object *_hex_json(bool set, const unsigned char *bytes)
{
    char hex[2 * CRYPTO_SHA256_SIZE + 1];
    crypto_hex(bytes, CRYPTO_SHA256_SIZE, hex);
    return set ? json_object_new_string(hex) : NULL;
}

static json_object *_integrity_json(const struct integrity_report *rep, size_t ntrusted,
                                    const char *error)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string(integrity_status_name(rep->status)));
    json_object_object_add(o, "sha256", _hex_json(rep->have_digest, rep->digest));
    if (error) {
        json_object_object_add(o, "recorded_sha256", _hex_json(rep->have_digest, rep->recorded));
        json_object_object_add(o, "error", json_object_new_string(error));
    }
    json_object_object_add(o, "signed", json_object_new_boolean(rep->is_signed));
    json_object_object_add(o, "key_id", _hex_json(rep->is_signed, rep->key_id));
    json_object_object_add(o, "trusted",
                           ntrusted && !error ? json_object_new_boolean(rep->trusted) : NULL);
    return o;
}

static void _print_json(json_object *o)
{
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* The fields the rule's condition or output reads that rulec run has no value for. */
static void _print_unavailable(const struct policy_rule *r)
{
    if (!r->nunavailable)
        return;
    printf("  unavailable in rulec run (always <NA>):");
    for (size_t i = 0; i < r->nunavailable; i++)
        printf(" %s", r->unavailable[i]);
    printf("\n");
}

static void _print_text(const char *path, const struct policy_meta *m,
                        const struct integrity_report *rep, size_t ntrusted)
{
    printf("policy %s\n", path);
    _print_integrity(rep, ntrusted);
    printf("  format %u, compiled by rulec %s\n", m->format_version, m->compiler_version);
    printf("  sources sha256 %s\n", m->sources_digest);
    printf("  %zu rules, %zu hooks, %zu sets, %zu captured fields, record %u bytes\n", m->nrules,
           m->nhooks, m->nsets, m->nslots, m->record_size);
    printf("\nhooks (sys_exit, tail-called per syscall):\n ");
    for (size_t i = 0; i < m->nhooks; i++)
        printf(" %s", m->hooks[i].event);
    printf("\n");
    if (m->nprograms) {
        printf("\nper-process state (attached only because the rules need it):\n");
        for (size_t i = 0; i < m->nprograms; i++)
            printf("  %s on %s\n", m->programs[i].program, m->programs[i].attach);
    }
    for (size_t i = 0; i < m->nrules; i++) {
        const struct policy_rule *r = &m->rules[i];
        printf("\nrule %zu: %s\n", i, r->name);
        printf("  priority %s, source %s", r->priority, r->source);
        if (r->ntags) {
            printf(", tags");
            for (size_t t = 0; t < r->ntags; t++)
                printf(" %s", r->tags[t]);
        }
        if (!r->kernel) {
            /* k8s_audit: no kernel part */
            printf("\n  userspace: the interpreter decides it on each %s event\n", r->source);
            printf("  condition: %s\n", r->condition);
            _print_unavailable(r);
            continue;
        }
        printf("\n  hooks:");
        for (size_t h = 0; h < r->nhooks; h++)
            printf(" %s", r->hooks[h]);
        printf("\n  kernel: %s\n", r->kernel_exact ? "decides the whole condition"
                                                   : "over-approximates; userspace decides");
        printf("  condition: %s\n", r->condition);
        if (!r->kernel_exact)
            printf("  kernel predicate (atoms it cannot decide count as maybe): %s\n", r->kernel);
        _print_unavailable(r);
    }
}

/* The trusted keys: --config's policy_trusted_keys, then each --trusted-key. */
static int _trusted_keys(const char *config_path, const char *const *flags, size_t nflags,
                         struct integrity_key **keys, size_t *nkeys)
{
    struct rulec_config cfg;
    config_init(&cfg);
    struct diag_list diags = {0};
    struct config_overrides ov;
    config_overrides_init(&ov);
    ov.trusted_keys = flags;
    ov.ntrusted_keys = nflags;
    char err[1024];
    int rc = 0;
    if (config_path && config_load(&cfg, config_path, &diags) < 0) {
        diag_print(stderr, &diags, DIAG_FORMAT_TEXT);
        rc = -1;
    } else if (config_apply_overrides(&cfg, &ov, err, sizeof(err)) < 0 ||
               integrity_keys_load((const char *const *)cfg.trusted_keys.items, cfg.trusted_keys.n,
                                   keys, nkeys, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec inspect: %s\n", err);
        rc = -1;
    }
    diag_list_free(&diags);
    config_free(&cfg);
    return rc;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"trusted-key", required_argument, NULL, 'k'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    bool json = false;
    const char *config_path = NULL, *flags[32];
    size_t nflags = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'j':
            json = true;
            break;
        case 'k':
            if (nflags == sizeof(flags) / sizeof(flags[0])) {
                fprintf(stderr, "rulec inspect: too many --trusted-key options\n");
                return EXIT_USAGE;
            }
            flags[nflags++] = optarg;
            break;
        case 'c':
            config_path = optarg;
            break;
        case 'h':
            _inspect_usage(stdout);
            return EXIT_CLEAN;
        default:
            _inspect_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        _inspect_usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    struct integrity_key *keys = NULL;
    size_t nkeys = 0;
    if (_trusted_keys(config_path, flags, nflags, &keys, &nkeys) < 0)
        return EXIT_USAGE;
    struct arena *arena = arena_new();
    struct policy_image img;
    struct policy_meta meta;
    struct integrity_report rep;
    char err[1024];
    int status = EXIT_ERRORS;
    if (policy_image_read(&img, path, err, sizeof(err)) != POLICY_OK) {
        fprintf(stderr, "rulec inspect: %s\n", err);
        goto out;
    }
    enum integrity_status vs =
        integrity_verify(img.data, img.size, keys, nkeys, &rep, err, sizeof(err));
    if (vs != INTEGRITY_OK) {
        fprintf(stderr, "rulec inspect: %s: %s\n", path, err);
        if (json) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "integrity", _integrity_json(&rep, nkeys, err));
            _print_json(o);
            json_object_put(o);
        }
        if (vs != INTEGRITY_NOT_POLICY && vs != INTEGRITY_ERROR)
            status = EXIT_INTEGRITY;
        goto out;
    }
    if (policy_image_meta(&img, arena, &meta, err, sizeof(err)) != POLICY_OK) {
        fprintf(stderr, "rulec inspect: %s\n", err);
    } else if (json) {
        char *text = policy_meta_to_json(&meta);
        json_object *o = json_tokener_parse(text);
        json_object_object_add(o, "integrity", _integrity_json(&rep, nkeys, NULL));
        _print_json(o);
        json_object_put(o);
        free(text);
        status = EXIT_CLEAN;
    } else {
        _print_text(path, &meta, &rep, nkeys);
        status = EXIT_CLEAN;
    }
out:
    policy_image_free(&img);
    free(keys);
    arena_free(&arena);
    return status;
}
