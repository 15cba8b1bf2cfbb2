/* Subcommands: each takes argv with argv[0] = the command name and returns
 * the process exit status. */
#pragma once

/* Exit statuses shared by lint and compile. */
enum {
    EXIT_CLEAN = 0,
    EXIT_ERRORS = 1,
    EXIT_USAGE = 2,
};

int cmd_lint(int argc, char **argv);
int cmd_fields(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_test(int argc, char **argv);
