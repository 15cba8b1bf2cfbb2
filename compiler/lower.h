/* Lowering: each resolved rule condition to negation normal form with
 * constants folded, and the set of event types it can match. */
#pragma once

#include "compiler/ruleset.h"
#include "core/diag.h"

/* Fills rule->lowered and rule->evttypes for every resolved rule; reports
 * LOAD_NO_EVTTYPE (too many event types, honouring warn_evttypes) and
 * RULEC_NEVER_TRUE (no event type can match). Returns 0. */
int lower_ruleset(struct ruleset *rs, struct diag_list *diags);

/* NNF: NOT only directly above a comparison, AND/OR flattened, constants
 * folded (evt.num=0 is false, evt.dir=< is true: Falco's idioms). A
 * comparison under NOT stays negated rather than being rewritten with the
 * inverse operator: on a missing value both `x = v` and `x != v` are false. */
struct ast_node *lower_condition(struct arena *arena, const struct ast_node *cond);
