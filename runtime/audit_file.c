#include "runtime/audit_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/k8saudit.h"
#include "core/strbuf.h"
#include "runtime/audit_queue.h"

/* Follow mode also looks at the file this often, in case a change was missed
 * (a watch cannot see writes through another mount of the same file). */
#define _FOLLOW_RESCAN_MS 1000

struct audit_file {
    struct audit_queue *queue;
    char *path;
    char *dir, *base; /* follow: the watched directory and the file's name in it */
    bool follow;
    size_t max_line;
    int stop_fd; /* eventfd: the reader returns when it is readable */
    int ifd;     /* inotify (follow) */
    int fd;      /* the file being followed, or -1 */
    pthread_t thread;
    bool running;
    atomic_bool done;
    struct audit_counters counts;
    atomic_uint_least64_t lines;
    long long last_log; /* reader thread only */
    /* the reader's line assembly */
    struct strbuf line;
    bool skipping; /* inside a line longer than max_line */
};

static bool _stopping(const struct audit_file *f)
{
    struct pollfd p = {.fd = f->stop_fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* One line: parsed and queued (waiting for room). False when stopping. */
static bool _line(struct audit_file *f, const char *text, size_t len)
{
    while (len && (text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (!len)
        return true;
    audit_count(&f->lines, 1);
    struct k8saudit_batch b;
    char err[256];
    if (k8saudit_parse(text, len, f->max_line, &b, err, sizeof(err)) < 0) {
        audit_count(&f->counts.bad, 1);
        long long now = (long long)time(NULL);
        if (now != f->last_log) {
            f->last_log = now;
            fprintf(stderr, "rulec: k8s_audit: %s: line skipped: %s\n", f->path, err);
        }
        return true;
    }
    audit_count(&f->counts.skipped, b.skipped + b.oversized);
    size_t n = b.nevents;
    if (!n) {
        k8saudit_batch_free(&b);
        return true;
    }
    if (!audit_queue_push(f->queue, &b, -1)) {
        k8saudit_batch_free(&b);
        return false;
    }
    audit_count(&f->counts.events, n);
    return true;
}

/* Splits data into lines; a line's start may have come in an earlier call. */
static bool _feed(struct audit_file *f, const char *data, size_t n)
{
    while (n) {
        const char *nl = memchr(data, '\n', n);
        size_t chunk = nl ? (size_t)(nl - data) : n;
        if (!f->skipping && f->line.len + chunk > f->max_line) {
            f->skipping = true;
            f->line.len = 0;
        }
        if (!f->skipping)
            strbuf_append(&f->line, data, chunk);
        if (!nl)
            return true;
        if (f->skipping) {
            f->skipping = false;
            audit_count(&f->counts.bad, 1);
            fprintf(stderr,
                    "rulec: k8s_audit: %s: line longer than %zu bytes skipped "
                    "(k8s_audit.max_event_size)\n",
                    f->path, f->max_line);
        } else if (!_line(f, f->line.data ? f->line.data : "", f->line.len)) {
            return false;
        }
        f->line.len = 0;
        data = nl + 1;
        n -= chunk + 1;
    }
    return true;
}

/* The end of a file read once: a last line without a newline counts too. */
static bool _flush(struct audit_file *f)
{
    bool ok = f->skipping || _line(f, f->line.data ? f->line.data : "", f->line.len);
    f->line.len = 0;
    f->skipping = false;
    return ok;
}

/* Reads fd to its current end. False when stopping. */
static bool _read_fd(struct audit_file *f, int fd)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return !_stopping(f);
        if (!_feed(f, buf, (size_t)n))
            return false;
    }
}

/* ---- once ------------------------------------------------------------------------------- */

struct _entry {
    char *path;
    struct timespec mtime;
};

static int _by_mtime(const void *a, const void *b)
{
    const struct _entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

static bool _read_path(struct audit_file *f, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "rulec: k8s_audit: %s: %s\n", path, strerror(errno));
        return true;
    }
    bool ok = _read_fd(f, fd) && _flush(f);
    close(fd);
    return ok;
}

/* A directory: its regular files, oldest first, as the plugin reads them. */
static void _read_dir(struct audit_file *f)
{
    DIR *d = opendir(f->path);
    if (!d)
        return;
    struct _entry *v = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char *p = NULL;
        struct stat st;
        if (asprintf(&p, "%s/%s", f->path, e->d_name) < 0)
            break;
        if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(p);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            struct _entry *nv = realloc(v, cap * sizeof(*v));
            if (!nv) {
                free(p);
                break;
            }
            v = nv;
        }
        v[n++] = (struct _entry){p, st.st_mtim};
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof(*v), _by_mtime);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        if (ok)
            ok = _read_path(f, v[i].path);
        free(v[i].path);
    }
    free(v);
}

/* ---- follow ----------------------------------------------------------------------------- */

/* (Re)opens the followed file: at its end the first time (what was there
 * before rulec started is history), from its start after a rotation. */
static void _open_followed(struct audit_file *f, bool at_end)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    f->line.len = 0;
    f->skipping = false;
    if (f->fd >= 0 && at_end)
        lseek(f->fd, 0, SEEK_END);
}

/* Reads what was appended; starts again from the top of a truncated file. */
static bool _catch_up(struct audit_file *f)
{
    if (f->fd < 0) {
        _open_followed(f, false);
        if (f->fd < 0)
            return true;
    }
    struct stat st;
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (fstat(f->fd, &st) == 0 && pos > st.st_size) {
        lseek(f->fd, 0, SEEK_SET);
        f->line.len = 0;
    }
    return _read_fd(f, f->fd);
}

/* Handles the watch's events; false when stopping. */
static bool _watch_events(struct audit_file *f)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while ((n = read(f->ifd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            p += sizeof(*e) + e->len;
            if (!e->len || strcmp(e->name, f->base))
                continue;
            if (e->mask & (IN_MOVED_FROM | IN_DELETE)) {
                /* rotated away: what the writer put there before is still ours */
                if (f->fd >= 0 && !_read_fd(f, f->fd))
                    return false;
                if (f->fd >= 0)
                    close(f->fd);
                f->fd = -1;
            }
            if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
                if (f->fd >= 0 && !_read_fd(f, f->fd))
                    return false;
                _open_followed(f, false);
            }
            if (!_catch_up(f))
                return false;
        }
    }
    return true;
}

static void _follow(struct audit_file *f)
{
    for (;;) {
        struct pollfd p[2] = {{.fd = f->stop_fd, .events = POLLIN},
                              {.fd = f->ifd, .events = POLLIN}};
        int rc = poll(p, 2, _FOLLOW_RESCAN_MS);
        if (rc < 0 && errno != EINTR)
            return;
        if (p[0].revents)
            return;
        if (!(p[1].revents ? _watch_events(f) : _catch_up(f)))
            return;
    }
}

static void *_reader(void *arg)
{
    struct audit_file *f = arg;
    struct stat st;
    if (f->follow)
        _follow(f);
    else if (stat(f->path, &st) == 0 && S_ISDIR(st.st_mode))
        _read_dir(f);
    else
        _read_path(f, f->path);
    atomic_store(&f->done, true);
    return NULL;
}

int audit_file_start(struct audit_file **out, const struct audit_file_config *cfg,
                     struct audit_queue *queue, char *err, size_t errlen)
{
    *out = NULL;
    struct audit_file *f = calloc(1, sizeof(*f));
    if (!f || !(f->path = strdup(cfg->path))) {
        free(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->queue = queue;
    f->follow = cfg->follow;
    f->max_line = cfg->max_line;
    f->fd = f->ifd = -1;
    f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (f->stop_fd < 0) {
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        audit_file_stop(&f);
        return -1;
    }
    if (f->follow) {
        const char *slash = strrchr(f->path, '/');
        f->dir = slash ? strndup(f->path, slash == f->path ? 1 : (size_t)(slash - f->path))
                       : strdup(".");
        f->base = strdup(slash ? slash + 1 : f->path);
        f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (!f->dir || !f->base || !*f->base || f->ifd < 0 ||
            inotify_add_watch(f->ifd, f->dir,
                              IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
                                  IN_DELETE) < 0) {
            snprintf(err, errlen, "cannot follow %s: %s", f->path,
                     f->base && !*f->base ? "a file name is needed" : strerror(errno));
            audit_file_stop(&f);
            return -1;
        }
        _open_followed(f, true);
    } else if (access(f->path, R_OK) < 0) {
        snprintf(err, errlen, "cannot read %s: %s", f->path, strerror(errno));
        audit_file_stop(&f);
        return -1;
    }
    if (pthread_create(&f->thread, NULL, _reader, f) != 0) {
        snprintf(err, errlen, "cannot start the file reader thread");
        audit_file_stop(&f);
        return -1;
    }
    f->running = true;
    *out = f;
    return 0;
}

bool audit_file_done(const struct audit_file *f)
{
    return !f->follow && atomic_load(&f->done);
}

void audit_file_stats(const struct audit_file *f, struct audit_file_stats *out)
{
    audit_counters_read(&f->counts, &out->counts);
    out->lines = atomic_load(&f->lines);
}

void audit_file_stop(struct audit_file **fp)
{
    struct audit_file *f = *fp;
    if (!f)
        return;
    if (f->running) {
        uint64_t one = 1;
        (void)!write(f->stop_fd, &one, sizeof(one));
        /* a reader waiting for room in the queue is woken by audit_queue_close */
        pthread_join(f->thread, NULL);
    }
    if (f->stop_fd >= 0)
        close(f->stop_fd);
    if (f->ifd >= 0)
        close(f->ifd);
    if (f->fd >= 0)
        close(f->fd);
    strbuf_free(&f->line);
    free(f->path);
    free(f->dir);
    free(f->base);
    free(f);
    *fp = NULL;
}
