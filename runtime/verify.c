#include "runtime/verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What the child sends back through its pipe. */
struct _answer {
    struct integrity_report rep;
    char err[1024];
};

/* Runs integrity_verify in a child, which sees img and keys as the parent does (fork copies the
 * address space) and exits once it has written its answer. Returns 0 with rep and err filled,
 * or -1 when the check itself did not complete. */
static int _check_in_child(const struct policy_image *img, const struct integrity_key *keys,
                           size_t nkeys, struct integrity_report *rep, char *err, size_t errlen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    struct _answer a;
    memset(&a, 0, sizeof(a));
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        integrity_verify(img->data, img->size, keys, nkeys, &a.rep, a.err, sizeof(a.err));
        /* Smaller than a pipe's buffer: one write, no reader needed yet. */
        _exit(write(fds[1], &a, sizeof(a)) == (ssize_t)sizeof(a) ? 0 : 1);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < sizeof(a)) {
        ssize_t n = read(fds[0], (char *)&a + got, sizeof(a) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got != sizeof(a) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "the integrity check did not complete (its process %s %d)",
                 WIFSIGNALED(status) ? "was killed by signal" : "exited with status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        return -1;
    }
    *rep = a.rep;
    a.err[sizeof(a.err) - 1] = '\0';
    snprintf(err, errlen, "%s", a.err);
    return 0;
}

enum verify_error verify_policy(const char *path, const char *const *key_paths, size_t nkey_paths,
                                struct policy_image *img, struct integrity_report *rep, double *ms,
                                char *err, size_t errlen)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(rep, 0, sizeof(*rep));
    memset(img, 0, sizeof(*img));
    struct integrity_key *keys = NULL;
    size_t nkeys = 0;
    if (integrity_keys_load(key_paths, nkey_paths, &keys, &nkeys, err, errlen) < 0)
        return VERIFY_ERR_KEYS;
    if (policy_image_read(img, path, err, errlen) != POLICY_OK) {
        free(keys);
        return VERIFY_ERR_IO;
    }
    char why[1024];
    int rc = _check_in_child(img, keys, nkeys, rep, why, sizeof(why));
    free(keys);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (rc == 0 && rep->status == INTEGRITY_OK)
        return VERIFY_OK;
    policy_image_free(img);
    snprintf(err, errlen, "%s: %s", path, why);
    if (rc < 0 || rep->status == INTEGRITY_ERROR)
        return VERIFY_ERR_IO;
    return rep->status == INTEGRITY_NOT_POLICY ? VERIFY_ERR_CORRUPT : VERIFY_ERR_INTEGRITY;
}
