/* The policy metadata (`.rulec.meta`, core/policy.h) of a planned policy:
 * the rules with their outputs and residual conditions, the slot layout,
 * the set contents, the hooks and the extra programs the runtime attaches. */
#pragma once

#include "compiler/plan.h"

/* A malloc'd JSON document. */
char *meta_policy_json(const struct plan *p, const char *sources_digest);
