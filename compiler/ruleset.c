#include "compiler/ruleset.h"

#include <stdlib.h>
#include <string.h>

struct ruleset *ruleset_new(void)
{
    struct ruleset *rs = calloc(1, sizeof(*rs));
    if (!rs)
        abort();
    rs->arena = arena_new();
    return rs;
}

void ruleset_free(struct ruleset **rs)
{
    if (!rs || !*rs)
        return;
    for (size_t i = 0; i < (*rs)->nfiles; i++)
        src_file_free(&(*rs)->files[i]);
    free((*rs)->files);
    arena_free(&(*rs)->arena);
    free(*rs);
    *rs = NULL;
}

const struct rs_list *ruleset_find_list(const struct ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->nlists; i++)
        if (strcmp(rs->lists[i]->name, name) == 0)
            return rs->lists[i];
    return NULL;
}

struct rs_macro *ruleset_find_macro(const struct ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->nmacros; i++)
        if (strcmp(rs->macros[i]->name, name) == 0)
            return rs->macros[i];
    return NULL;
}

struct rs_rule *ruleset_find_rule(const struct ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i]->name, name) == 0)
            return rs->rules[i];
    return NULL;
}
