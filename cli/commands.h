/* Subcommands: each takes argv with argv[0] = the command name and returns
 * the process exit status. */
#pragma once

#include "core/diag.h"

/* Exit statuses shared by lint and compile. */
enum {
    EXIT_CLEAN = 0,
    EXIT_ERRORS = 1,
    EXIT_USAGE = 2,
};

/* --format text|json|sarif for lint and compile; -1 when unknown. */
int cli_diag_format(const char *name, enum diag_format *out);

int cmd_lint(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_test(int argc, char **argv);
