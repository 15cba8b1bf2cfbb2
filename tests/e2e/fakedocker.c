/* rulec-fakedocker: a stand-in Docker Engine API on a unix socket, for the tests of a slow, hung
 * or forgetful runtime and for the cache's memory benchmark.
 *
 *   rulec-fakedocker [-d MS] [-H] [-a] SOCKET
 *
 * It answers GET /containers/ID/json for ids starting with "e2e5" (the e2e tests' fake
 * containers; with -a for every id) with a container named fake-ID of image
 * e2e.local/kube-apiserver:fake when the id starts with "e2e5a", else e2e.local/web:fake, with
 * Kubernetes labels; ids starting "e2e5dead" are unknown (404), as is everything else without
 * -a. GET /images/NAME/json answers the image's tags. -d delays every answer by MS
 * milliseconds, -H accepts connections and never answers. Each request is logged on stdout.
 * It stops on SIGTERM or SIGINT and removes the socket. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int _delay_ms;
static bool _hang, _any;
static pthread_mutex_t _log = PTHREAD_MUTEX_INITIALIZER;

static void _sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void _reply(int fd, int status, const char *body)
{
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nApi-Version: 1.41\r\n\r\n",
                     status, status == 200 ? "OK" : "Not Found", strlen(body));
    if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0)
        return;
}

static void _container(int fd, const char *id)
{
    bool known = _any || (strncmp(id, "e2e5", 4) == 0 && strncmp(id, "e2e5dead", 8) != 0);
    if (!known) {
        _reply(fd, 404, "{\"message\":\"No such container\"}");
        return;
    }
    const char *image =
        strncmp(id, "e2e5a", 5) == 0 ? "e2e.local/kube-apiserver:fake" : "e2e.local/web:fake";
    /* The full id: the short one padded with zeros to 64 characters. */
    char full[65] = "", body[2048];
    memset(full, '0', 64);
    memcpy(full, id, strnlen(id, 64));
    snprintf(body, sizeof(body),
             "{\"Id\":\"%s\",\"Name\":\"/fake-%s\",\"Image\":\"sha256:%064d\","
             "\"State\":{\"Status\":\"running\",\"Pid\":0,"
             "\"StartedAt\":\"2024-01-02T03:04:05.5Z\"},"
             "\"Config\":{\"Image\":\"%s\",\"Labels\":{\"io.kubernetes.pod.name\":\"pod-%s\","
             "\"io.kubernetes.pod.namespace\":\"fake-ns\",\"io.kubernetes.pod.uid\":\"uid-%s\","
             "\"tier\":\"fake\"}},"
             "\"HostConfig\":{\"Privileged\":true,\"NetworkMode\":\"none\",\"PidMode\":\"\","
             "\"IpcMode\":\"private\"},"
             "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/%s\",\"Destination\":\"/data\","
             "\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"}],"
             "\"NetworkSettings\":{\"IPAddress\":\"10.1.2.3\"}}",
             full, id, 1, image, id, id, id);
    _reply(fd, 200, body);
}

static void _image(int fd, const char *ref)
{
    char body[512];
    (void)ref;
    /* Every fake container's image has the id sha256:000...1; both tags are on it. */
    snprintf(body, sizeof(body),
             "{\"Id\":\"sha256:%064d\",\"RepoTags\":[\"e2e.local/kube-apiserver:fake\","
             "\"e2e.local/web:fake\"],\"RepoDigests\":[]}",
             1);
    _reply(fd, 200, body);
}

static void *_serve(void *arg)
{
    int fd = (int)(long)arg;
    char buf[8192];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *end;
        while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
            char path[1024] = "";
            sscanf(buf, "GET %1023s", path);
            pthread_mutex_lock(&_log);
            printf("GET %s\n", path);
            fflush(stdout);
            pthread_mutex_unlock(&_log);
            if (_hang) {
                pause();
                return NULL;
            }
            if (_delay_ms)
                _sleep_ms(_delay_ms);
            char id[256];
            if (sscanf(path, "/containers/%255[^/]/json", id) == 1)
                _container(fd, id);
            else if (strncmp(path, "/images/", 8) == 0)
                _image(fd, path + 8);
            else
                _reply(fd, 404, "{\"message\":\"page not found\"}");
            size_t used = (size_t)(end + 4 - buf);
            memmove(buf, end + 4, len - used + 1);
            len -= used;
        }
        if (len == sizeof(buf) - 1)
            break;
    }
    close(fd);
    return NULL;
}

static const char *_path;
static void _on_signal(int sig)
{
    (void)sig;
    unlink(_path);
    _exit(0);
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "d:Ha")) != -1) {
        switch (opt) {
        case 'd':
            _delay_ms = atoi(optarg);
            break;
        case 'H':
            _hang = true;
            break;
        case 'a':
            _any = true;
            break;
        default:
            fprintf(stderr, "usage: rulec-fakedocker [-d MS] [-H] [-a] SOCKET\n");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: rulec-fakedocker [-d MS] [-H] [-a] SOCKET\n");
        return 2;
    }
    _path = argv[optind];
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", _path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(_path);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 64) < 0) {
        perror("rulec-fakedocker");
        return 1;
    }
    signal(SIGTERM, _on_signal);
    signal(SIGINT, _on_signal);
    signal(SIGPIPE, SIG_IGN);
    printf("listening on %s\n", _path);
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        pthread_t t;
        if (pthread_create(&t, NULL, _serve, (void *)(long)c) == 0)
            pthread_detach(t);
        else
            close(c);
    }
}
