/* Alert priorities: Falco's eight levels, most severe first, with Falco's
 * names. Shared by the compiler (a rule's priority) and the runtime (the
 * minimum priority of the outputs), so it lives in core. The values equal the
 * syslog levels (LOG_EMERG..LOG_DEBUG), as Falco's priority_type does. */
#pragma once

#include <stdbool.h>

enum alert_priority {
    ALERT_PRIO_EMERGENCY,
    ALERT_PRIO_ALERT,
    ALERT_PRIO_CRITICAL,
    ALERT_PRIO_ERROR,
    ALERT_PRIO_WARNING,
    ALERT_PRIO_NOTICE,
    ALERT_PRIO_INFORMATIONAL,
    ALERT_PRIO_DEBUG,
    ALERT_PRIO_MAX,
};

/* Falco's full name: "Emergency" ... "Informational", "Debug"; "Unknown" when
 * out of range. */
const char *priority_to_string(enum alert_priority prio);

/* Any case, plus Falco's legacy "info" for Informational; ALERT_PRIO_MAX when
 * unknown (or name is NULL). */
enum alert_priority priority_parse(const char *name);

/* True when prio is at least as severe as min (a lower value is more severe). */
static inline bool priority_at_least(enum alert_priority prio, enum alert_priority min)
{
    return prio <= min;
}
