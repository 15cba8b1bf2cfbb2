#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/commands.h"
#include "core/arena.h"
#include "core/policy.h"

static void _inspect_usage(FILE *out)
{
    fprintf(out, "usage: rulec inspect [--json] POLICY.bpf.o\n"
                 "  Prints the policy's rules, the hooks it attaches, and for each rule what\n"
                 "  the kernel decides and what is left to userspace.\n");
}

static void _print_text(const char *path, const struct policy_meta *m)
{
    printf("policy %s\n", path);
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
    }
}

int cmd_inspect(int argc, char **argv)
{
    bool json = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            _inspect_usage(stdout);
            return EXIT_CLEAN;
        } else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            _inspect_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!path) {
        _inspect_usage(stderr);
        return EXIT_USAGE;
    }
    struct arena *arena = arena_new();
    struct policy_meta meta;
    char err[512];
    int status = EXIT_CLEAN;
    if (policy_read_meta(path, arena, &meta, err, sizeof(err)) != POLICY_OK) {
        fprintf(stderr, "rulec inspect: %s\n", err);
        status = EXIT_ERRORS;
    } else if (json) {
        char *text = policy_meta_to_json(&meta);
        json_object *o = json_tokener_parse(text);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        free(text);
    } else {
        _print_text(path, &meta);
    }
    arena_free(&arena);
    return status;
}
