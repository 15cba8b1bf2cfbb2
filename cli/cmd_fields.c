/* rulec fields: the field catalogue (core/fields.def), as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/fields.h"

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
