/* The container metadata cache of `rulec run`: container.id -> what the runtime that created
 * the container says about it (runtime/container_info.h), asked over the runtime's socket
 * (runtime/docker.c, runtime/cri.c) by a worker thread, never by the thread that turns records
 * into alerts.
 *
 * A container's first lookup queues a request and waits for the answer at most the configured
 * bound (container_engines.lookup_wait_ms); a lookup that finds the request still pending
 * after that bound does not wait again, so an alert of a container whose metadata is late is
 * printed with what is known (<NA>), never held longer and never lost. Answers are kept and
 * refreshed in the background (a container's name can change); a container the runtime no
 * longer knows is dropped at its next refresh, and containers unused for a while are evicted.
 * A runtime that fails (no listener, hung, garbage) is one warning on stderr until it answers
 * again, not one per event. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "runtime/config.h"
#include "runtime/container_info.h"

struct cmeta;

/* Starts the worker for the engines cfg enables (the sockets under cfg->host_root). With no
 * engine enabled there is no thread and every container's metadata is <NA>. Returns 0 or
 * -ENOMEM. */
int cmeta_new(struct cmeta **out, const struct rulec_config *cfg);
/* Stops the worker (a call in progress is abandoned) and frees everything. */
void cmeta_free(struct cmeta **c);

/* Call when a new record starts: frees the entries replaced while the previous one was
 * handled (its field values may point into them until then). NULL is a no-op. */
void cmeta_begin_event(struct cmeta *c);

/* The metadata of container id (len bytes, not NUL-terminated): cinfo_host() for "host", NULL
 * while unknown. May wait for the worker, at most the bound, on a container's first lookup.
 * c may be NULL (no cache: only the host is known). The result is valid until the next
 * cmeta_begin_event. */
const struct cinfo *cmeta_get(struct cmeta *c, const char *id, size_t len);

struct cmeta_stats {
    uint64_t lookups;     /* cmeta_get calls for containers (not the host) */
    uint64_t requests;    /* questions queued for the worker */
    uint64_t waits;       /* lookups that waited for an answer */
    uint64_t late;        /* waits that reached the bound with no answer */
    uint64_t wait_ns_max; /* the longest wait */
    uint64_t found;       /* answers: the runtime knew the container */
    uint64_t not_found;   /* answers: no runtime knew it */
    uint64_t failed;      /* answers: a runtime failed */
    size_t containers;    /* entries in the cache now */
    size_t bytes;         /* memory they hold (entries and metadata) */
};
void cmeta_stats(const struct cmeta *c, struct cmeta_stats *out);
