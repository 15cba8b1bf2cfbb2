#include "core/priority.h"

#include <strings.h>

/* falco_common.cpp: priority_names, in priority_type order. */
static const char *const _names[ALERT_PRIO_MAX] = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *priority_to_string(enum alert_priority prio)
{
    return (unsigned)prio < ALERT_PRIO_MAX ? _names[prio] : "Unknown";
}

enum alert_priority priority_parse(const char *name)
{
    if (!name)
        return ALERT_PRIO_MAX;
    for (int i = 0; i < ALERT_PRIO_MAX; i++)
        if (strcasecmp(name, _names[i]) == 0)
            return (enum alert_priority)i;
    /* Falco: "Info" and "Informational" have been used interchangeably. */
    if (strcasecmp(name, "info") == 0)
        return ALERT_PRIO_INFORMATIONAL;
    return ALERT_PRIO_MAX;
}
