#include "compiler/ruleset.h"

#include <stdlib.h>
#include <string.h>

#include "core/priority.h"

/* enum priority and enum alert_priority are both Falco's priority_type, in
 * the same order (the syslog levels): the names live in core/priority.c. */
_Static_assert((int)PRIO_DEBUG == (int)ALERT_PRIO_DEBUG && (int)PRIO_MAX == (int)ALERT_PRIO_MAX,
               "enum priority must follow enum alert_priority");

const char *priority_name(enum priority p)
{
    return priority_to_string((enum alert_priority)p);
}

/* falco_common.cpp parse_priority: the full names in any case, plus "info"
 * (Falco's only short form: "Info" and "Informational" were used
 * interchangeably). */
enum priority priority_from_name(const char *name)
{
    return (enum priority)priority_parse(name);
}

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
