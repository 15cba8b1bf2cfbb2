/* Lowering: each resolved rule condition to negation normal form with
 * constants folded, and the set of event types it can match. */
#pragma once

#include "compiler/ruleset.h"
#include "core/diag.h"
#include "core/fields.h"

/* Fills rule->lowered (negation normal form: NOT only directly above a comparison, AND/OR
 * flattened, constants folded: evt.num=0 is false, evt.dir=< is true, Falco's idioms; a
 * comparison on a field rulec run has no value for is false, as on Falco's <NA>; a comparison
 * under NOT stays negated rather than inverted, since on a missing value both `x = v` and
 * `x != v` are false) and rule->evttypes for every resolved rule; reports
 * LOAD_NO_EVTTYPE (too many event types, honouring warn_evttypes) and
 * RULEC_NEVER_TRUE (no event type can match, or the condition folded to false on an
 * empty list or a field without a value). Returns 0. */
int lower_ruleset(struct ruleset *rs, struct diag_list *diags);
