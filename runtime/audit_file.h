/* k8s audit events from files, as the API server's log backend writes them:
 * one JSON document (an Event, or an EventList) per line. Read in a thread
 * of their own into the audit queue, waiting for room when it is full (a
 * file can wait, unlike a webhook client). Two modes, as the plugin's:
 *  - once: the file (or every file of a directory, oldest first) from the
 *    start to its end, then done;
 *  - follow: from the end of the file, each line appended, across log
 *    rotation (the file renamed or removed and created again) and
 *    truncation; a file that does not exist yet is waited for. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/audit_queue.h"

struct audit_file;
struct audit_queue;

struct audit_file_config {
    const char *path;
    bool follow;
    size_t max_line; /* longer lines are skipped (k8s_audit.max_event_size) */
};

struct audit_file_stats {
    struct audit_counts counts; /* events queued, lines refused (not audit events, too long),
                                   events over max_line or without a valid stageTimestamp */
    uint64_t lines;             /* read and parsed */
};

/* Fails (with the reason in err) when the file cannot be read, or in follow
 * mode when its directory cannot be watched. */
int audit_file_start(struct audit_file **out, const struct audit_file_config *cfg,
                     struct audit_queue *queue, char *err, size_t errlen);
/* True once a file read once has been read to its end and queued. */
bool audit_file_done(const struct audit_file *f);
void audit_file_stats(const struct audit_file *f, struct audit_file_stats *out);
/* Stops the reader and frees; sets *f to NULL. */
void audit_file_stop(struct audit_file **f);
