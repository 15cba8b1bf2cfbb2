#include "runtime/output_program.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct _program {
    char *command;
    bool keep_alive;
    unsigned timeout_ms;
    pid_t pid; /* 0: not running */
    int fd;    /* its standard input, -1: none */
};

static uint64_t _now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int _spawn(struct _program *p, char *why, size_t whylen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -errno;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
    posix_spawnattr_init(&attr);
    /* The runtime ignores SIGPIPE and blocks signals in its threads: the program gets the
     * defaults, and a group of its own (the whole pipeline can be stopped). */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    char *argv[] = {"sh", "-c", p->command, NULL};
    int rc = posix_spawn(&p->pid, "/bin/sh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(fds[0]);
    if (rc) {
        close(fds[1]);
        p->pid = 0;
        snprintf(why, whylen, "cannot start program_output.program: %s", strerror(rc));
        return -rc;
    }
    p->fd = fds[1];
    fcntl(p->fd, F_SETFL, O_NONBLOCK);
    return 0;
}

/* Closes its input and waits for it to exit, at most the timeout, then kills its group. */
static void _finish(struct _program *p, struct output_queue *q)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    if (!p->pid)
        return;
    uint64_t deadline = _now_ms() + p->timeout_ms;
    int status;
    while (waitpid(p->pid, &status, WNOHANG) == 0) {
        if (_now_ms() >= deadline || (q && output_queue_aborting(q))) {
            kill(-p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
            break;
        }
        usleep(2000);
    }
    p->pid = 0;
}

/* Writes all of buf to the program within the timeout. */
static int _write(struct _program *p, struct output_queue *q, const char *buf, size_t len,
                  char *why, size_t whylen)
{
    uint64_t deadline = _now_ms() + p->timeout_ms;
    while (len) {
        ssize_t n = write(p->fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            snprintf(why, whylen, "writing to program_output.program: %s", strerror(errno));
            return -errno;
        }
        uint64_t now = _now_ms();
        if (now >= deadline || output_queue_aborting(q)) {
            snprintf(why, whylen,
                     "program_output.program has not read its input for %u ms (output_timeout)",
                     p->timeout_ms);
            return -ETIMEDOUT;
        }
        struct pollfd pfd = {.fd = p->fd, .events = POLLOUT};
        poll(&pfd, 1, (int)(deadline - now < 50 ? deadline - now : 50));
    }
    return 0;
}

static int _send(void *ctx, struct output_queue *q, const char *line, size_t len, char *why,
                 size_t whylen)
{
    struct _program *p = ctx;
    if (!p->pid) {
        int rc = _spawn(p, why, whylen);
        if (rc < 0)
            return rc;
    }
    int rc = _write(p, q, line, len, why, whylen);
    if (!rc)
        rc = _write(p, q, "\n", 1, why, whylen);
    /* Without keep_alive, one program per alert (Falco's pclose); a program that failed is
     * started again for the next alert. */
    if (rc < 0 || !p->keep_alive)
        _finish(p, q);
    return rc;
}

/* SIGUSR1: the program is started again (outputs_program.cpp's reopen). */
static void _reopen(void *ctx)
{
    _finish(ctx, NULL);
}

static void _close(void *ctx)
{
    struct _program *p = ctx;
    /* Stopping: a program that does not exit once its input is closed is not waited for long,
     * so that rulec still stops within a second. */
    if (p->timeout_ms > 300)
        p->timeout_ms = 300;
    _finish(p, NULL);
    free(p->command);
    free(p);
}

int output_program_sink(struct output_queue_sink *out, const char *program, bool keep_alive,
                        unsigned timeout_ms)
{
    struct _program *p = calloc(1, sizeof(*p));
    if (!p || !(p->command = strdup(program))) {
        free(p);
        return -ENOMEM;
    }
    p->keep_alive = keep_alive;
    p->timeout_ms = timeout_ms ? timeout_ms : 2000;
    p->fd = -1;
    *out = (struct output_queue_sink){.send = _send, .reopen = _reopen, .close = _close, .ctx = p};
    return 0;
}
