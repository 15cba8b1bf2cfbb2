/* Subcommands: each takes argv with argv[0] = the command name and returns
 * the process exit status. */
#pragma once

#include "core/diag.h"

/* Exit statuses shared by lint and compile; inspect and sign also use EXIT_INTEGRITY, the
 * status `rulec run` has for the same refusal. */
enum {
    EXIT_CLEAN = 0,
    EXIT_ERRORS = 1,
    EXIT_USAGE = 2,
    EXIT_INTEGRITY = 8, /* corrupt or modified policy, unsigned, or signed by an untrusted key */
};

/* --format text|json|sarif for lint and compile; -1 when unknown. */
int cli_diag_format(const char *name, enum diag_format *out);

int cmd_lint(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_test(int argc, char **argv);
