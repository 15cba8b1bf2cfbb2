/* Load for the end-to-end test: workers open and close /dev/null as fast as
 * they can (syscalls the policy hooks but that match no rule) while the main
 * process opens /etc/shadow a known number of times (each one an alert).
 *
 *   load SECONDS WORKERS MATCHES    prints "rate N syscalls/s matches M"
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double _now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: load SECONDS WORKERS MATCHES\n");
        return 2;
    }
    double secs = atof(argv[1]);
    int workers = atoi(argv[2]), matches = atoi(argv[3]);
    prctl(PR_SET_NAME, "e2e-loadgen", 0, 0, 0);
    unsigned long *counts =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counts == MAP_FAILED)
        return 1;
    double start = _now();
    for (int w = 0; w < workers; w++) {
        if (fork() == 0) {
            unsigned long n = 0;
            while (_now() - start < secs) {
                for (int i = 0; i < 256; i++) {
                    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                    if (fd >= 0)
                        close(fd);
                }
                n += 512;
            }
            counts[w] = n;
            _exit(0);
        }
    }
    /* The matching actions, spread over the run. */
    for (int i = 0; i < matches; i++) {
        int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
        usleep((useconds_t)(secs * 1e6 / (matches + 1)));
    }
    while (wait(NULL) > 0)
        ;
    double elapsed = _now() - start;
    unsigned long total = 0;
    for (int w = 0; w < workers; w++)
        total += counts[w];
    printf("rate %.0f syscalls/s matches %d\n", (double)total / elapsed, matches);
    return 0;
}
