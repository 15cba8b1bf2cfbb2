#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "compiler/front.h"
#include "core/fields.h"

static void _lint_usage(FILE *out)
{
    fprintf(out, "usage: rulec lint [--format text|json|sarif] [--strict] FILE...\n"
                 "  FILE may be '-' for standard input. Files load in order, as Falco loads\n"
                 "  them. Exit status: 0 clean, 1 errors (or warnings with --strict),\n"
                 "  2 usage error.\n");
}

int cmd_lint(int argc, char **argv)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    enum diag_format format = DIAG_FORMAT_TEXT;
    bool strict = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:sh", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (cli_diag_format(optarg, &format) < 0) {
                fprintf(stderr, "rulec lint: unknown format '%s' (text, json, sarif)\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            strict = true;
            break;
        case 'h':
            _lint_usage(stdout);
            return EXIT_CLEAN;
        default:
            _lint_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "rulec lint: no rules file given\n");
        _lint_usage(stderr);
        return EXIT_USAGE;
    }
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};
    front_run(rs, (const char *const *)argv + optind, (size_t)(argc - optind), &diags);
    /* Text diagnostics go to stderr like a compiler's; JSON and SARIF are
     * the command's output and go to stdout for tools to read. */
    diag_print(format == DIAG_FORMAT_TEXT ? stderr : stdout, &diags, format);
    int status = diags.errors || (strict && diags.warnings) ? EXIT_ERRORS : EXIT_CLEAN;
    diag_list_free(&diags);
    ruleset_free(&rs);
    return status;
}

int cli_diag_format(const char *name, enum diag_format *out)
{
    static const struct {
        const char *name;
        enum diag_format format;
    } formats[] = {
        {"text", DIAG_FORMAT_TEXT},
        {"json", DIAG_FORMAT_JSON},
        {"sarif", DIAG_FORMAT_SARIF},
    };
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return 0;
        }
    return -1;
}

int cmd_fields(int argc, char **argv)
{
    bool json = argc > 1 && (strcmp(argv[1], "--json") == 0 || strcmp(argv[1], "-j") == 0);
    if (argc > 1 && !json) {
        fprintf(stderr, "usage: rulec fields [--json]\n");
        return EXIT_USAGE;
    }
    fields_print(stdout, json);
    return EXIT_CLEAN;
}
