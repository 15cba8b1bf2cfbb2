#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "compiler/front.h"

static void _lint_usage(FILE *out)
{
    fprintf(out, "usage: rulec lint [--format text|json|sarif] [--strict] FILE...\n"
                 "       rulec lint [--format ...] [--strict] --config falco.yaml\n"
                 "  --config FILE: the configuration's rules_files, when no FILE is given.\n"
                 "  FILE may be '-' for standard input. Files load in order, as Falco loads\n"
                 "  them. Exit status: 0 clean, 1 errors (or warnings with --strict),\n"
                 "  2 usage error.\n");
}

int cmd_lint(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    struct cli_diag_opts dopt = {.format = DIAG_FORMAT_TEXT};
    const char *config = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:sh", options, NULL)) != -1) {
        int taken = cli_diag_option("lint", opt, optarg, &dopt);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken)
            continue;
        if (opt == 'h') {
            _lint_usage(stdout);
            return EXIT_CLEAN;
        }
        if (opt == 'c') {
            config = optarg;
            continue;
        }
        _lint_usage(stderr);
        return EXIT_USAGE;
    }
    if (optind >= argc && !config) {
        fprintf(stderr, "rulec lint: no rules file given\n");
        _lint_usage(stderr);
        return EXIT_USAGE;
    }
    size_t nfiles;
    char **files = cli_rules_files("lint", config, argv + optind, argc - optind, &nfiles);
    if (!files)
        return EXIT_USAGE;
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};
    front_run(rs, (const char *const *)files, nfiles, &diags);
    cli_rules_files_free(files);
    cli_diag_print(&dopt, &diags);
    int status = diags.errors || (dopt.strict && diags.warnings) ? EXIT_ERRORS : EXIT_CLEAN;
    diag_list_free(&diags);
    ruleset_free(&rs);
    return status;
}
