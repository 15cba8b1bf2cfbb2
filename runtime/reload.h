/* SIGHUP: the policy file read, verified and loaded again in a thread of its own, while the
 * event loop keeps reading the running policy's ring buffers (Falco restarts itself instead,
 * and loses the events of the restart). The thread does what takes time: the integrity check
 * (runtime/verify.h: the trusted keys read again, so an added key counts), the metadata
 * (engine_new), the BPF load and the verifier (loader_load); the event loop is told through an
 * eventfd, attaches the new programs and switches (run_loop_switch). A policy that fails any
 * step is dropped with its reason, and the running one stays. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/integrity.h"

struct engine;
struct loader;
struct reloader;
struct rulec_config;

struct reload_params {
    const char *policy_path;
    const struct rulec_config *cfg; /* the trusted keys, and what engine_new reads */
    size_t ringbuf_bytes;           /* --ringbuf-size, 0: the policy's */
    const char *verifier_log;       /* where a rejection's log goes */
};

/* p and what it points to must outlive the reloader. Returns 0 or -errno. */
int reloader_new(struct reloader **out, const struct reload_params *p);
void reloader_free(struct reloader **r);

/* Readable (POLLIN) when a reload finished, successfully or not. */
int reloader_fd(const struct reloader *r);
/* Starts one; a request while one runs is remembered and started when it finishes (the file
 * may have changed again). Returns false when the thread could not start. */
bool reloader_request(struct reloader *r);

struct reload_result {
    struct engine *eng; /* the new policy, loaded and not attached; NULL on failure */
    struct loader *ld;  /* NULL when the policy has nothing for the kernel */
    /* The resolver of the new policy's fd.sip.name names, its first answers in (NULL: it has
     * none); its map is bound once the policy is switched in. */
    struct dns_cache *dns;
    struct integrity_report integrity;
    double verify_ms, load_ms;
    char err[1024]; /* on failure: why, starting with the path */
};

/* After reloader_fd polled readable: the outcome (false when none is ready). The caller owns
 * eng and ld. Starts the pending request, if any. */
bool reloader_take(struct reloader *r, struct reload_result *out);
