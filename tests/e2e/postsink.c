/* rulec-postsink: a tiny HTTP server for the http_output tests. It listens on 127.0.0.1 (port 0:
 * one the kernel picks, printed on stdout as "port=N"), and appends each POST's body, one line,
 * to OUT, with its Content-Type and User-Agent in OUT.headers; answers 200 (or STATUS), after
 * DELAY ms (a slow server). Stops after SECONDS (default 60) or on SIGTERM.
 *
 *   rulec-postsink [-p PORT] [-d DELAY_MS] [-s STATUS] [-t SECONDS] OUT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *header(const char *head, const char *name, char *out, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = head; (p = strchr(p, '\n'));) {
        p++;
        if (!strncasecmp(p, name, n) && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            size_t m = strcspn(p, "\r\n");
            snprintf(out, len, "%.*s", (int)(m < len - 1 ? m : len - 1), p);
            return out;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int port = 0, delay = 0, status = 200, secs = 60, opt;
    while ((opt = getopt(argc, argv, "p:d:s:t:")) != -1) {
        if (opt == 'p')
            port = atoi(optarg);
        else if (opt == 'd')
            delay = atoi(optarg);
        else if (opt == 's')
            status = atoi(optarg);
        else if (opt == 't')
            secs = atoi(optarg);
        else
            return 2;
    }
    if (optind != argc - 1)
        return 2;
    char hdr_path[4096];
    snprintf(hdr_path, sizeof(hdr_path), "%s.headers", argv[optind]);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(a);
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
        perror("postsink");
        return 1;
    }
    printf("port=%d\n", ntohs(a.sin_port));
    fflush(stdout);
    alarm((unsigned)secs);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        /* Requests on one connection, one after the other (libcurl keeps it open). */
        char buf[1 << 16];
        size_t have = 0;
        for (;;) {
            char *end = NULL;
            while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
                ssize_t n =
                    have < sizeof(buf) - 1 ? read(c, buf + have, sizeof(buf) - 1 - have) : 0;
                if (n <= 0)
                    goto done;
                have += (size_t)n;
            }
            *end = '\0';
            char v[256];
            size_t body_len =
                header(buf, "Content-Length", v, sizeof(v)) ? strtoul(v, NULL, 10) : 0;
            size_t head_len = (size_t)(end - buf) + 4;
            while (have < head_len + body_len && have < sizeof(buf)) {
                ssize_t n = read(c, buf + have, sizeof(buf) - have);
                if (n <= 0)
                    goto done;
                have += (size_t)n;
            }
            FILE *f = fopen(argv[optind], "a");
            FILE *h = fopen(hdr_path, "a");
            if (f && !strncmp(buf, "POST ", 5)) {
                fprintf(f, "%.*s\n", (int)body_len, buf + head_len);
                char ua[256] = "", ct[256] = "";
                header(buf, "User-Agent", ua, sizeof(ua));
                header(buf, "Content-Type", ct, sizeof(ct));
                if (h)
                    fprintf(h, "%s|%s\n", ct, ua);
            }
            if (f)
                fclose(f);
            if (h)
                fclose(h);
            if (delay)
                usleep((useconds_t)delay * 1000);
            char resp[128];
            int n = snprintf(
                resp, sizeof(resp),
                "HTTP/1.1 %d X\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok", status);
            if (write(c, resp, (size_t)n) != n)
                break;
            memmove(buf, buf + head_len + body_len, have - head_len - body_len);
            have -= head_len + body_len;
        }
    done:
        close(c);
    }
}
