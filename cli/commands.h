/* Subcommands: each takes argv with argv[0] = the command name and returns
 * the process exit status. */
#pragma once

#include <stdbool.h>

#include "core/diag.h"

/* Exit statuses shared by lint and compile; inspect and sign also use EXIT_INTEGRITY, the
 * status `rulec run` has for the same refusal. */
enum {
    EXIT_CLEAN = 0,
    EXIT_ERRORS = 1,
    EXIT_USAGE = 2,
    EXIT_INTEGRITY = 8, /* corrupt or modified policy, unsigned, or signed by an untrusted key */
};

/* lint's and compile's shared options (cli/options.c). */
struct cli_diag_opts {
    enum diag_format format; /* --format text|json|sarif */
    bool strict;             /* --strict: warnings fail too */
};

/* Takes getopt_long's opt when it is --format ('f', with its arg) or
 * --strict ('s'). Returns 1 when it was, 0 for another option, -1 after
 * printing "rulec CMD: unknown format ..." for a format it does not know. */
int cli_diag_option(const char *cmd, int opt, const char *arg, struct cli_diag_opts *o);
/* Prints diags in the chosen format: text to stderr, as a compiler's;
 * JSON and SARIF to stdout, as the command's output for tools to read. */
void cli_diag_print(const struct cli_diag_opts *o, const struct diag_list *diags);

/* The rules files lint and compile read: the command line's, or else (--config FILE, a
 * falco.yaml) its rules_files, each a file or a directory whose *.yaml and *.yml files are read
 * in name order (Falco 0.41's read_rules_file_directory); files given on the command line win,
 * as Falco's -r does. Returns a malloc'd NULL-terminated list (cli_rules_files_free), or NULL
 * with the reason printed (a configuration that does not load, a path that cannot be read). */
char **cli_rules_files(const char *cmd, const char *config, char **argv, int argc, size_t *n);
void cli_rules_files_free(char **files);

int cmd_lint(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_run(int argc, char **argv);
