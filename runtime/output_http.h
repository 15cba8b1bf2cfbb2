/* http_output: each alert POSTed to a URL (outputs_http.cpp): Content-Type application/json
 * with json_output, else text/plain; Falco's user_agent, insecure, ca_cert/ca_bundle/ca_path,
 * mtls with client_cert and client_key, echo, compress_uploads, keep_alive and
 * max_consecutive_timeouts. The client is libcurl, the library Falco uses, loaded with dlopen
 * when the output starts (runtime/dynlib.h): linked, it would keep 6 MB resident in every run.
 * It runs behind runtime/output_queue.h, so a slow or unreachable server never blocks the event
 * loop. Unlike Falco, each request is bounded by output_timeout (Falco's watchdog only logs) and
 * an answer other than 2xx counts as a failure. */
#pragma once

#include <stddef.h>

#include "runtime/config.h"
#include "runtime/output_queue.h"

/* Loads libcurl and prepares the sink for cfg->http. Returns 0, or -1 with err (libcurl missing,
 * an option it refuses). */
int output_http_sink(struct output_queue_sink *out, const struct rulec_config *cfg, char *err,
                     size_t errlen);
