/* The cost table of a profiling build (`rulec compile --profile`): for each
 * slot fill, rule, program and the capture step, how often it ran and the
 * kernel time it took, summed over CPUs, as `rulec run` prints it when it
 * stops or on SIGUSR1. */
#pragma once

#include <stdio.h>

#include "core/policy.h"

/* events: the hooked events evaluated in the same window (the per-event column divides by it).
 * Returns 0, or -1 when the map cannot be read. */
int profile_print(FILE *out, int map_fd, const struct policy_meta *meta, unsigned long long events);
