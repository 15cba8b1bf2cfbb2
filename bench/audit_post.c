/* audit_post: the k8s audit webhook load generator of `make bench`. Posts
 * audit events to a webhook as the API server's webhook backend does: each
 * request an audit.k8s.io/v1 EventList of BATCH events, over CONNS
 * keep-alive HTTP/1.1 connections, each waiting for its answer before the
 * next request. The events cycle through the given files (one Event a
 * line, as in tests/e2e/k8saudit). Prints one line:
 *   events=N requests=R seconds=S events_per_s=X refused=F errors=E
 * refused counts the events of requests answered 503 (queue full), errors
 * those of any other answer but 200; neither is sent again. With -r the
 * requests are paced to RATE events per second in all, else they go as fast
 * as the answers come.
 *
 *   audit_post -p PORT [-P PATH] [-n EVENTS] [-b BATCH] [-c CONNS] [-r RATE] FILE... */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct job {
    unsigned port;
    const char *req; /* one whole request, reused */
    size_t req_len;
    long requests;
    long batch;
    double interval; /* seconds between two requests of this connection; 0: none */
    double start;
    long ok, refused, errors; /* requests */
};

static double _now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int _connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int _send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one response (headers and a Content-Length body); its status, or -1. */
static int _response(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    char *end = NULL;
    while (!(end = memmem(buf, got, "\r\n\r\n", 4))) {
        if (got == cap)
            return -1;
        ssize_t r = recv(fd, buf + got, cap - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    size_t body = 0;
    for (char *h = buf; h < end; h = strstr(h, "\r\n") + 2)
        if (!strncasecmp(h, "Content-Length:", 15))
            body = strtoul(h + 15, NULL, 10);
    size_t have = got - (size_t)(end + 4 - buf);
    while (have < body) {
        ssize_t r = recv(fd, buf, cap < body - have ? cap : body - have, 0);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return status;
}

static void *_worker(void *arg)
{
    struct job *j = arg;
    char buf[65536];
    int fd = -1;
    for (long i = 0; i < j->requests; i++) {
        double due = j->start + (double)i * j->interval, now = _now();
        if (j->interval > 0 && due > now) {
            struct timespec ts = {(time_t)(due - now),
                                  (long)((due - now - (time_t)(due - now)) * 1e9)};
            nanosleep(&ts, NULL);
        }
        if (fd < 0 && (fd = _connect(j->port)) < 0) {
            j->errors++;
            continue;
        }
        int status = _send_all(fd, j->req, j->req_len) < 0 ? -1 : _response(fd, buf, sizeof(buf));
        if (status == 200)
            j->ok++;
        else if (status == 503)
            j->refused++;
        else
            j->errors++;
        if (status < 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

/* The non-empty lines of a file, up to cap in all. */
static void _read_lines(const char *path, char **out, size_t *n, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "audit_post: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char *line = NULL;
    size_t len = 0;
    ssize_t r;
    while ((r = getline(&line, &len, f)) > 0 && *n < cap) {
        while (r && (line[r - 1] == '\n' || line[r - 1] == '\r'))
            line[--r] = '\0';
        if (r)
            out[(*n)++] = strdup(line);
    }
    free(line);
    fclose(f);
}

int main(int argc, char **argv)
{
    unsigned port = 0;
    const char *path = "/k8s-audit";
    long events = 100000, batch = 100, conns = 2;
    double rate = 0;
    int opt;
    while ((opt = getopt(argc, argv, "p:P:n:b:c:r:")) != -1) {
        switch (opt) {
        case 'p':
            port = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'P':
            path = optarg;
            break;
        case 'n':
            events = strtol(optarg, NULL, 10);
            break;
        case 'b':
            batch = strtol(optarg, NULL, 10);
            break;
        case 'c':
            conns = strtol(optarg, NULL, 10);
            break;
        case 'r':
            rate = strtod(optarg, NULL);
            break;
        default:
            fprintf(stderr, "usage: audit_post -p PORT [-P PATH] [-n EVENTS] [-b BATCH] "
                            "[-c CONNS] [-r RATE] FILE...\n");
            return 2;
        }
    }
    if (!port || optind >= argc || batch < 1 || conns < 1 || conns > 64 || events < batch) {
        fprintf(stderr, "audit_post: give -p PORT, event files, and EVENTS >= BATCH >= 1\n");
        return 2;
    }
    char *lines[256];
    size_t nlines = 0;
    for (int i = optind; i < argc; i++)
        _read_lines(argv[i], lines, &nlines, 256);
    if (!nlines) {
        fprintf(stderr, "audit_post: no events in the files\n");
        return 2;
    }
    /* The body: an EventList of batch events, cycling through the files' events. */
    size_t cap = 256, len = 0;
    char *body = malloc(cap);
    len = (size_t)sprintf(body, "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\","
                                "\"metadata\":{},\"items\":[");
    for (long i = 0; i < batch; i++) {
        const char *e = lines[(size_t)i % nlines];
        size_t n = strlen(e);
        while (len + n + 8 > cap)
            body = realloc(body, cap *= 2);
        if (i)
            body[len++] = ',';
        memcpy(body + len, e, n);
        len += n;
    }
    memcpy(body + len, "]}", 3);
    len += 2;
    char head[512];
    int hlen =
        snprintf(head, sizeof(head),
                 "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\n\r\n",
                 path, port, len);
    char *req = malloc((size_t)hlen + len);
    memcpy(req, head, (size_t)hlen);
    memcpy(req + hlen, body, len);
    long requests = events / batch;
    struct job jobs[64];
    pthread_t threads[64];
    double t0 = _now();
    for (long c = 0; c < conns; c++) {
        jobs[c] = (struct job){.port = port,
                               .req = req,
                               .req_len = (size_t)hlen + len,
                               .requests = requests / conns + (c < requests % conns),
                               .batch = batch,
                               .interval = rate > 0 ? (double)batch * (double)conns / rate : 0,
                               .start = t0 + (rate > 0 ? (double)batch * (double)c / rate : 0)};
        pthread_create(&threads[c], NULL, _worker, &jobs[c]);
    }
    long ok = 0, refused = 0, errors = 0;
    for (long c = 0; c < conns; c++) {
        pthread_join(threads[c], NULL);
        ok += jobs[c].ok;
        refused += jobs[c].refused;
        errors += jobs[c].errors;
    }
    double secs = _now() - t0;
    printf("events=%ld requests=%ld seconds=%.3f events_per_s=%.0f refused=%ld errors=%ld\n",
           ok * batch, requests, secs, (double)(ok * batch) / secs, refused * batch,
           errors * batch);
    for (size_t i = 0; i < nlines; i++)
        free(lines[i]);
    free(body);
    free(req);
    return errors ? 1 : 0;
}
