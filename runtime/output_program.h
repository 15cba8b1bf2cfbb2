/* program_output: alerts piped to a shell command, one line each (outputs_program.cpp, which
 * popen(3)s it). With keep_alive the program is started once and reads every alert; without, it
 * is started for each alert, which is written and its input closed, and waited for. It runs
 * behind runtime/output_queue.h: a program that reads slowly, or not at all, never blocks the
 * event loop. Writes and waits are bounded (timeout_ms), so that stopping never hangs on it. */
#pragma once

#include <stdbool.h>

#include "runtime/output_queue.h"

/* The queue's sink for `program` (run as /bin/sh -c program, in a process group of its own so
 * that a pipeline is stopped whole). Returns 0 or -ENOMEM. */
int output_program_sink(struct output_queue_sink *out, const char *program, bool keep_alive,
                        unsigned timeout_ms);
