/* The flood for the overload tests and `make bench`: worker processes open and close one file as
 * fast as they can, or at a given total rate, counting every open that succeeded: each is an
 * event a rule on that path matches, so the count is what the alerts and aggregates must add
 * up to.
 *
 *   flood [-w WORKERS] [-n OPENS | -d SECONDS] [-r RATE] [-c PATH2] PATH
 *     -w  worker processes (default 1), each its own process (its own pid in the aggregates)
 *     -n  opens in all, shared by the workers; -d  run for SECONDS instead
 *     -r  opens per second in all (0, the default: as fast as possible)
 *     -c  the first worker also opens PATH2 once, half way
 *   prints: opens=N seconds=S rate=R second=0|1
 * SIGINT and SIGTERM end it early (it still prints). The processes are named e2e-flood.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define CHUNK 64 /* opens between two looks at the clock */

struct shared {
    unsigned long opens[MAX_WORKERS];
    int second;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_close(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* One worker: `quota` opens (0: no limit) within `secs` (0: no limit) at `rate` a second. */
static void work(struct shared *sh, int w, const char *path, const char *second,
                 unsigned long quota, double secs, double rate, double start)
{
    unsigned long n = 0;
    int second_done = !second;
    while (!stop) {
        double t = now_s() - start;
        if ((quota && n >= quota) || (secs > 0 && t >= secs))
            break;
        if (!second_done && (quota ? n >= quota / 2 : t >= secs / 2)) {
            sh->second = open_close(second);
            second_done = 1;
        }
        if (rate > 0 && (double)n > t * rate) {
            double wait = (double)n / rate - t;
            usleep((useconds_t)(wait * 1e6 < 1000 ? wait * 1e6 : 1000));
            continue;
        }
        for (int i = 0; i < CHUNK && !(quota && n >= quota); i++)
            n += (unsigned long)open_close(path);
    }
    sh->opens[w] = n;
}

int main(int argc, char **argv)
{
    int workers = 1, opt;
    unsigned long total = 0;
    double secs = 0, rate = 0;
    const char *second = NULL;
    while ((opt = getopt(argc, argv, "w:n:d:r:c:")) != -1) {
        switch (opt) {
        case 'w':
            workers = atoi(optarg);
            break;
        case 'n':
            total = strtoul(optarg, NULL, 10);
            break;
        case 'd':
            secs = atof(optarg);
            break;
        case 'r':
            rate = atof(optarg);
            break;
        case 'c':
            second = optarg;
            break;
        default:
            goto usage;
        }
    }
    if (optind != argc - 1 || workers < 1 || workers > MAX_WORKERS || (!total && secs <= 0))
        goto usage;
    const char *path = argv[optind];
    struct shared *sh =
        mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    prctl(PR_SET_NAME, "e2e-flood", 0, 0, 0);
    double start = now_s();
    pid_t pids[MAX_WORKERS];
    for (int w = 0; w < workers; w++) {
        pid_t pid = pids[w] = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            unsigned long quota = total / (unsigned long)workers;
            if (total && w == 0)
                quota += total % (unsigned long)workers;
            work(sh, w, path, w == 0 ? second : NULL, quota, secs, rate / workers, start);
            _exit(0);
        }
    }
    /* A signal interrupts wait(2): it is passed on to the workers, which stop and report. */
    int passed = 0;
    while (wait(NULL) > 0 || errno == EINTR)
        if (stop && !passed++)
            for (int w = 0; w < workers; w++)
                kill(pids[w], SIGTERM);
    double elapsed = now_s() - start;
    unsigned long opens = 0;
    for (int w = 0; w < workers; w++)
        opens += sh->opens[w];
    printf("opens=%lu seconds=%.3f rate=%.0f second=%d\n", opens, elapsed, opens / elapsed,
           sh->second);
    return 0;
usage:
    fprintf(stderr, "usage: flood [-w WORKERS] [-n OPENS | -d SECONDS] [-r RATE] [-c PATH2] PATH\n");
    return 2;
}
