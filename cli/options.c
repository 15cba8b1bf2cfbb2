/* What lint and compile share on their command line: --format and
 * --strict, and where the diagnostics go. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static int _diag_format(const char *name, enum diag_format *out)
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

int cli_diag_option(const char *cmd, int opt, const char *arg, struct cli_diag_opts *o)
{
    switch (opt) {
    case 'f':
        if (_diag_format(arg, &o->format) < 0) {
            fprintf(stderr, "rulec %s: unknown format '%s' (text, json, sarif)\n", cmd, arg);
            return -1;
        }
        return 1;
    case 's':
        o->strict = true;
        return 1;
    default:
        return 0;
    }
}

void cli_diag_print(const struct cli_diag_opts *o, const struct diag_list *diags)
{
    /* Text diagnostics go to stderr like a compiler's; JSON and SARIF are
     * the command's output and go to stdout for tools to read. */
    diag_print(o->format == DIAG_FORMAT_TEXT ? stderr : stdout, diags, o->format);
}
