/* rulec: the command. Each subcommand lives in its own cmd_*.c file. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/version.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} _commands[] = {
    {"lint", cmd_lint, "check rules files; text, JSON or SARIF diagnostics"},
    {"fields", cmd_fields, "print the field catalogue"},
    {"compile", cmd_compile, "compile rules files into one BPF policy object"},
    {"sign", cmd_sign, "sign a compiled policy object with an Ed25519 key"},
    {"inspect", cmd_inspect, "show what a policy object contains, and check its integrity"},
    {"run", cmd_run, "load a policy object and print alerts"},
};

static void _usage(FILE *out)
{
    fprintf(out, "usage: rulec <command> [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(_commands) / sizeof(_commands[0]); i++)
        fprintf(out, "  %-8s %s\n", _commands[i].name, _commands[i].summary);
    fprintf(out, "\n'rulec <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        _usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        _usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("rulec %s (Falco engine version %d.%d.%d)\n", RULEC_VERSION,
               RULEC_ENGINE_VERSION_MAJOR, RULEC_ENGINE_VERSION_MINOR, RULEC_ENGINE_VERSION_PATCH);
        return 0;
    }
    for (size_t i = 0; i < sizeof(_commands) / sizeof(_commands[0]); i++)
        if (strcmp(argv[1], _commands[i].name) == 0)
            return _commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "rulec: unknown command '%s'\n", argv[1]);
    _usage(stderr);
    return 2;
}
