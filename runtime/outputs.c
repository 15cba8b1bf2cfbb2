#include "runtime/outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "runtime/output_http.h"
#include "runtime/output_program.h"
#include "runtime/output_queue.h"

/* A buffer flushes when full; 64 KiB is a few hundred JSON alerts. */
#define _BUF_CAP (64 * 1024)
#define _NS_PER_SEC 1000000000ull
#define _REPORT_INTERVAL_NS (60 * _NS_PER_SEC)
#define _FLUSH_AGE_NS _NS_PER_SEC

/* stdout and the file: bytes waiting for write(2). Unbuffered sinks go
 * through the buffer too and are flushed at once, so there is one write path
 * with one way of counting what was lost. */
struct _stream {
    int fd; /* -1 when closed */
    char *buf;
    size_t len, cap;
    uint64_t alerts;   /* complete alerts in buf */
    uint64_t since_ns; /* when the oldest of them arrived */
    bool buffered;
};

/* At stop, how long the queued sinks may still deliver (under rulec run's one-second stop). */
#define _QUEUE_DRAIN_MS 500

/* Failures not yet reported on stderr. */
struct _errors {
    uint64_t pending;
    int last_errno;
    char why[256]; /* a queued sink's own reason, else strerror(last_errno) */
    uint64_t last_report_ns;
    bool reported;
};

struct output_set {
    enum alert_priority min_priority;
    bool enabled[OUTPUT_SINK_MAX];
    bool keep_alive;
    bool batch; /* between outputs_batch_begin and _end: unbuffered sinks wait for the end */
    char *file_name;
    struct _stream out;  /* OUTPUT_STDOUT */
    struct _stream file; /* OUTPUT_FILE */
    struct _errors errors[OUTPUT_SINK_MAX];
    struct output_stats stats;
    struct output_queue *queues[OUTPUT_SINK_MAX]; /* OUTPUT_PROGRAM, OUTPUT_HTTP */
    size_t queue_capacity;
};

static const char *const _sink_names[OUTPUT_SINK_MAX] = {"stdout", "file", "syslog", "program",
                                                         "http"};

const char *outputs_sink_name(enum output_sink sink)
{
    return (unsigned)sink < OUTPUT_SINK_MAX ? _sink_names[sink] : "unknown";
}

int outputs_syslog_level(enum alert_priority prio)
{
    switch (prio) {
    case ALERT_PRIO_EMERGENCY:
        return LOG_EMERG;
    case ALERT_PRIO_ALERT:
        return LOG_ALERT;
    case ALERT_PRIO_CRITICAL:
        return LOG_CRIT;
    case ALERT_PRIO_ERROR:
        return LOG_ERR;
    case ALERT_PRIO_WARNING:
        return LOG_WARNING;
    case ALERT_PRIO_NOTICE:
        return LOG_NOTICE;
    case ALERT_PRIO_INFORMATIONAL:
        return LOG_INFO;
    case ALERT_PRIO_DEBUG:
    case ALERT_PRIO_MAX:
        break;
    }
    return LOG_DEBUG;
}

static uint64_t _now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * _NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void _report(struct output_set *set, enum output_sink sink, uint64_t now)
{
    struct _errors *e = &set->errors[sink];
    const char *more = e->reported ? " more" : "";
    const char *since = e->reported ? " since the last report" : "";
    const char *why = *e->why ? e->why : strerror(e->last_errno);
    if (sink == OUTPUT_FILE)
        fprintf(stderr, "rulec: file output %s: %" PRIu64 "%s alert(s) not written%s: %s\n",
                set->file_name, e->pending, more, since, why);
    else
        fprintf(stderr, "rulec: %s output: %" PRIu64 "%s alert(s) not written%s: %s\n",
                _sink_names[sink], e->pending, more, since, why);
    e->pending = 0;
    e->last_report_ns = now;
    e->reported = true;
}

/* The first failure is reported at once, later ones once a minute, so a full
 * disk cannot turn into a flood on stderr (which may be the same journal). */
static void _lost_why(struct output_set *set, enum output_sink sink, int err, const char *why,
                      uint64_t count)
{
    struct _errors *e = &set->errors[sink];
    set->stats.errors[sink] += count;
    e->pending += count;
    e->last_errno = err;
    snprintf(e->why, sizeof(e->why), "%s", why ? why : "");
    uint64_t now = _now_ns();
    if (!e->reported || now - e->last_report_ns >= _REPORT_INTERVAL_NS)
        _report(set, sink, now);
}

static void _lost(struct output_set *set, enum output_sink sink, int err, uint64_t count)
{
    _lost_why(set, sink, err, NULL, count);
}

static void _queue_failures(struct output_set *set);

static int _open_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

/* An open error a person can act on: a missing directory is the usual one,
 * and "No such file or directory" alone does not say which part is missing. */
static void _open_error(char *err, size_t errlen, const char *path, int e)
{
    char *copy = strdup(path);
    const char *dir = copy ? dirname(copy) : ".";
    struct stat st = {0};
    if (e == ENOENT && stat(dir, &st) < 0)
        snprintf(err, errlen,
                 "cannot open output file '%s': directory '%s' does not exist "
                 "(create it, or change file_output.filename)",
                 path, dir);
    else if (e == ENOTDIR || (e == ENOENT && !S_ISDIR(st.st_mode)))
        snprintf(err, errlen, "cannot open output file '%s': '%s' is not a directory", path, dir);
    else
        snprintf(err, errlen, "cannot open output file '%s': %s", path, strerror(e));
    free(copy);
}

static int _write_all(int fd, const char *p, size_t len, size_t *done)
{
    *done = 0;
    while (*done < len) {
        ssize_t n = write(fd, p + *done, len - *done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0)
            return EIO;
        *done += (size_t)n;
    }
    return 0;
}

static void _flush(struct output_set *set, enum output_sink sink)
{
    struct _stream *s = sink == OUTPUT_FILE ? &set->file : &set->out;
    if (s->len == 0)
        return;
    if (s->fd < 0 && sink == OUTPUT_FILE) {
        s->fd = _open_file(set->file_name);
        if (s->fd < 0) {
            _lost(set, sink, errno, s->alerts);
            s->len = 0;
            s->alerts = 0;
            return;
        }
    }
    size_t done;
    int e = _write_all(s->fd, s->buf, s->len, &done);
    if (e) {
        /* Alerts wholly written before the error still count as written. */
        uint64_t whole = 0;
        for (size_t i = 0; i < done; i++)
            whole += s->buf[i] == '\n';
        set->stats.written[sink] += whole;
        _lost(set, sink, e, s->alerts - whole);
        /* The next alert opens the file afresh: that recovers from a
         * descriptor gone bad (a lazily unmounted volume) at the price of
         * one open per alert while the error lasts. */
        if (sink == OUTPUT_FILE) {
            close(s->fd);
            s->fd = -1;
        }
    } else {
        set->stats.written[sink] += s->alerts;
    }
    s->len = 0;
    s->alerts = 0;
    /* file_output.keep_alive: false opens and closes the file per alert
     * (outputs_file.cpp), which is also what makes it safe to rotate without
     * a signal. */
    if (sink == OUTPUT_FILE && !set->keep_alive && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

static void _append(struct output_set *set, enum output_sink sink, const char *line, size_t len)
{
    struct _stream *s = sink == OUTPUT_FILE ? &set->file : &set->out;
    size_t need = len + 1;
    if (s->len && s->len + need > s->cap)
        _flush(set, sink);
    if (need > s->cap) {
        char *b = realloc(s->buf, need);
        if (!b) {
            _lost(set, sink, ENOMEM, 1);
            return;
        }
        s->buf = b;
        s->cap = need;
    }
    if (s->len == 0)
        s->since_ns = s->buffered ? _now_ns() : 0;
    memcpy(s->buf + s->len, line, len);
    s->buf[s->len + len] = '\n';
    s->len += need;
    s->alerts++;
    if (!s->buffered && !set->batch)
        _flush(set, sink);
}

int outputs_new(struct output_set **out, const struct rulec_config *cfg, char *err, size_t errlen)
{
    *out = NULL;
    struct output_set *set = calloc(1, sizeof(*set));
    if (!set) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    set->min_priority = cfg->min_priority;
    set->enabled[OUTPUT_STDOUT] = cfg->stdout_enabled;
    set->enabled[OUTPUT_FILE] = cfg->file_enabled;
    set->enabled[OUTPUT_SYSLOG] = cfg->syslog_enabled;
    set->keep_alive = cfg->file_keep_alive;
    set->out = (struct _stream){.fd = STDOUT_FILENO, .buffered = cfg->buffered_outputs};
    /* Without keep_alive every write is its own open-write-close: nothing to
     * buffer across alerts (but the alerts of one loop turn go together,
     * outputs_batch_begin). */
    set->file =
        (struct _stream){.fd = -1, .buffered = cfg->buffered_outputs && cfg->file_keep_alive};

    /* A reader that goes away (`rulec run | head`, a crashed log shipper)
     * must cost an EPIPE, counted, not the process. */
    struct sigaction sa = {.sa_handler = SIG_IGN};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);

    if (cfg->stdout_enabled) {
        /* Alerts bypass stdio; anything printed through it so far goes first. */
        fflush(stdout);
    }
    if (cfg->file_enabled) {
        if (!cfg->file_name || !*cfg->file_name) {
            snprintf(err, errlen, "file output is enabled but has no file name");
            free(set);
            return -EINVAL;
        }
        set->file_name = strdup(cfg->file_name);
        int fd = set->file_name ? _open_file(set->file_name) : -1;
        if (fd < 0) {
            int e = set->file_name ? errno : ENOMEM;
            _open_error(err, errlen, cfg->file_name, e);
            free(set->file_name);
            free(set);
            return -e;
        }
        if (cfg->file_keep_alive)
            set->file.fd = fd;
        else
            close(fd);
    }
    if (cfg->syslog_enabled)
        openlog("rulec", LOG_PID, LOG_USER);
    set->enabled[OUTPUT_PROGRAM] = cfg->program_enabled;
    set->enabled[OUTPUT_HTTP] = cfg->http.enabled;
    set->queue_capacity =
        cfg->outputs_queue_capacity ? cfg->outputs_queue_capacity : OUTPUT_QUEUE_DEFAULT_ITEMS;
    for (int k = OUTPUT_PROGRAM; k <= OUTPUT_HTTP; k++) {
        if (!set->enabled[k])
            continue;
        struct output_queue_sink sink;
        int rc = k == OUTPUT_PROGRAM
                     ? output_program_sink(&sink, cfg->program, cfg->program_keep_alive,
                                           (unsigned)cfg->output_timeout_ms)
                     : output_http_sink(&sink, cfg, err, errlen);
        if (rc == -ENOMEM)
            snprintf(err, errlen, "out of memory");
        if (rc < 0 ||
            output_queue_new(&set->queues[k], &sink, set->queue_capacity, err, errlen) < 0) {
            if (rc == 0 && sink.close)
                sink.close(sink.ctx);
            outputs_free(&set);
            return -EINVAL;
        }
    }
    for (int s = 0; s < OUTPUT_SYSLOG; s++) {
        struct _stream *st = s == OUTPUT_FILE ? &set->file : &set->out;
        st->cap = _BUF_CAP;
        st->buf = malloc(st->cap);
        if (!st->buf) {
            snprintf(err, errlen, "out of memory");
            outputs_free(&set);
            return -ENOMEM;
        }
    }
    *out = set;
    return 0;
}

void outputs_free(struct output_set **set)
{
    if (!set || !*set)
        return;
    struct output_set *s = *set;
    outputs_flush(s);
    for (int k = OUTPUT_PROGRAM; k <= OUTPUT_HTTP; k++)
        if (s->queues[k])
            output_queue_stop(s->queues[k], _QUEUE_DRAIN_MS);
    _queue_failures(s);
    for (int k = OUTPUT_PROGRAM; k <= OUTPUT_HTTP; k++)
        output_queue_free(&s->queues[k]);
    /* Losses since the last summary are not left unsaid at exit. */
    for (int k = 0; k < OUTPUT_SINK_MAX; k++)
        if (s->errors[k].pending)
            _report(s, (enum output_sink)k, _now_ns());
    if (s->file.fd >= 0)
        close(s->file.fd);
    if (s->enabled[OUTPUT_SYSLOG])
        closelog();
    free(s->out.buf);
    free(s->file.buf);
    free(s->file_name);
    free(s);
    *set = NULL;
}

bool outputs_wants(const struct output_set *set, enum alert_priority prio)
{
    if (!priority_at_least(prio, set->min_priority))
        return false;
    for (int s = 0; s < OUTPUT_SINK_MAX; s++)
        if (set->enabled[s])
            return true;
    return false;
}

void outputs_write(struct output_set *set, enum alert_priority prio, const char *line, size_t len)
{
    if (!priority_at_least(prio, set->min_priority)) {
        set->stats.filtered++;
        return;
    }
    if (len && line[len - 1] == '\n')
        len--;
    if (set->enabled[OUTPUT_STDOUT])
        _append(set, OUTPUT_STDOUT, line, len);
    if (set->enabled[OUTPUT_FILE])
        _append(set, OUTPUT_FILE, line, len);
    if (set->enabled[OUTPUT_SYSLOG]) {
        /* outputs_syslog.cpp: the message, no trailing newline, the
         * priority as the level. syslog(3) reports no errors to count. */
        syslog(outputs_syslog_level(prio), "%.*s", (int)len, line);
        set->stats.written[OUTPUT_SYSLOG]++;
    }
    for (int k = OUTPUT_PROGRAM; k <= OUTPUT_HTTP; k++) {
        if (!set->queues[k] || output_queue_push(set->queues[k], line, len))
            continue;
        char why[128];
        snprintf(why, sizeof(why), "its queue is full (outputs_queue.capacity: %zu)",
                 set->queue_capacity);
        set->stats.queue_drops++;
        _lost_why(set, (enum output_sink)k, ENOBUFS, why, 1);
    }
}

/* What the queued sinks failed to deliver since the last look, into the error summary. */
static void _queue_failures(struct output_set *set)
{
    for (int k = OUTPUT_PROGRAM; k <= OUTPUT_HTTP; k++) {
        if (!set->queues[k])
            continue;
        char why[256];
        uint64_t n = output_queue_take_failures(set->queues[k], why, sizeof(why));
        if (n)
            _lost_why(set, (enum output_sink)k, EIO, why, n);
    }
}

int outputs_reopen(struct output_set *set)
{
    if (set->queues[OUTPUT_PROGRAM])
        output_queue_reopen(set->queues[OUTPUT_PROGRAM]);
    if (!set->enabled[OUTPUT_FILE])
        return 0;
    _flush(set, OUTPUT_FILE);
    if (set->file.fd >= 0) {
        close(set->file.fd);
        set->file.fd = -1;
    }
    if (!set->keep_alive)
        return 0; /* opened per alert anyway */
    set->file.fd = _open_file(set->file_name);
    if (set->file.fd < 0) {
        int e = errno;
        char msg[512];
        _open_error(msg, sizeof(msg), set->file_name, e);
        fprintf(stderr, "rulec: %s; retrying at the next alert\n", msg);
        return -e;
    }
    return 0;
}

void outputs_batch_begin(struct output_set *set)
{
    set->batch = true;
}

void outputs_batch_end(struct output_set *set)
{
    set->batch = false;
    if (!set->out.buffered)
        _flush(set, OUTPUT_STDOUT);
    if (!set->file.buffered)
        _flush(set, OUTPUT_FILE);
}

void outputs_flush(struct output_set *set)
{
    _flush(set, OUTPUT_STDOUT);
    _flush(set, OUTPUT_FILE);
}

void outputs_tick(struct output_set *set)
{
    _queue_failures(set);
    uint64_t now = _now_ns();
    if (set->out.len && now - set->out.since_ns >= _FLUSH_AGE_NS)
        _flush(set, OUTPUT_STDOUT);
    if (set->file.len && now - set->file.since_ns >= _FLUSH_AGE_NS)
        _flush(set, OUTPUT_FILE);
    for (int s = 0; s < OUTPUT_SINK_MAX; s++) {
        struct _errors *e = &set->errors[s];
        if (e->pending && now - e->last_report_ns >= _REPORT_INTERVAL_NS)
            _report(set, (enum output_sink)s, now);
    }
}

void outputs_stats(const struct output_set *set, struct output_stats *stats)
{
    *stats = set->stats;
    for (int k = OUTPUT_PROGRAM; k <= OUTPUT_HTTP; k++) {
        if (!set->queues[k])
            continue;
        struct output_queue_stats qs;
        output_queue_stats(set->queues[k], &qs);
        stats->written[k] = qs.sent;
        /* Failures the tick has not collected yet count too. */
        if (qs.failed + set->stats.queue_drops > stats->errors[k])
            stats->errors[k] = qs.failed + set->stats.queue_drops;
    }
}
