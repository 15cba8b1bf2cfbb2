/* Where alerts go: the output sinks of falco.yaml (stdout, a file, syslog, a program, an HTTP
 * server). The caller renders each alert (core/alert.c) and hands the line here with its
 * priority; the set drops alerts below the minimum priority and writes the rest to every enabled
 * sink. stdout, the file and syslog are written from the event loop, in batches; the program and
 * HTTP sinks, which may block for as long as their other end likes, each get a bounded queue and
 * a thread (runtime/output_queue.h): what does not fit is dropped and counted, never waited for.
 * A failing sink (disk full, closed pipe, a server down) never stops the others or the process:
 * failures are counted and summarised on stderr at most once a minute. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/priority.h"
#include "runtime/config.h"

enum output_sink {
    OUTPUT_STDOUT,
    OUTPUT_FILE,
    OUTPUT_SYSLOG,
    OUTPUT_PROGRAM, /* program_output, behind a queue */
    OUTPUT_HTTP,    /* http_output, behind a queue */
    OUTPUT_SINK_MAX,
};

struct output_stats {
    uint64_t written[OUTPUT_SINK_MAX]; /* alerts handed to the sink in full */
    uint64_t errors[OUTPUT_SINK_MAX];  /* alerts lost to a write or open error */
    uint64_t filtered;                 /* below the minimum priority */
    uint64_t queue_drops;              /* of the errors, alerts the queues had no room for */
};

struct output_set;

/* Opens the sinks cfg enables. The file is opened (O_APPEND|O_CREAT, mode
 * 0640) even without keep_alive, so a wrong path fails at start, not at the
 * first alert; libcurl is loaded for http_output now, so that its absence fails at start.
 * Ignores SIGPIPE for the process: a closed stdout pipe must
 * give EPIPE, not kill the runtime. Returns 0, or -errno with a message in
 * err. */
int outputs_new(struct output_set **out, const struct rulec_config *cfg, char *err, size_t errlen);
/* Flushes, closes the file and syslog, gives the queued sinks up to half a second to deliver
 * what they hold (the rest is counted as lost); sets *set to NULL. */
void outputs_free(struct output_set **set);

/* True when an alert of this priority would be written: lets the caller skip
 * rendering it. */
bool outputs_wants(const struct output_set *set, enum alert_priority prio);

/* Writes one rendered alert (without its trailing newline; one is tolerated)
 * to every enabled sink, unless prio is below the minimum priority. */
void outputs_write(struct output_set *set, enum alert_priority prio, const char *line, size_t len);

/* SIGUSR1, as Falco: closes and reopens the output file (logrotate's postrotate), and starts
 * the program of program_output again (its thread does, before its next alert). Buffered alerts
 * go to the old file first. Returns 0, or -errno (the file is then retried at the next alert). */
int outputs_reopen(struct output_set *set);

/* A batch: the alerts of one turn of the main loop. Between begin and end, sinks that are not
 * buffered keep their alerts, in order, and end writes them with one write(2) (and, without
 * keep_alive, one open and close of the file) instead of one per alert, so that the output keeps
 * up with a burst. Alerts are whole lines in the buffer: a write never splits one between two
 * batches. */
void outputs_batch_begin(struct output_set *set);
void outputs_batch_end(struct output_set *set);

/* Writes out buffered alerts (buffered_outputs: true). */
void outputs_flush(struct output_set *set);

/* Housekeeping for the main loop, every second or so: flushes buffered
 * alerts older than a second, so a log agent never waits long for a quiet
 * node's alerts, and prints the pending error summary when a minute has
 * passed since the last one. */
void outputs_tick(struct output_set *set);

void outputs_stats(const struct output_set *set, struct output_stats *stats);

/* The syslog level of an alert: Falco passes its priority to syslog(3) as the
 * level, and both scales run Emergency (LOG_EMERG) to Debug (LOG_DEBUG). */
int outputs_syslog_level(enum alert_priority prio);

const char *outputs_sink_name(enum output_sink sink);
