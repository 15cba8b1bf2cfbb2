/* loadgen - the workload for `make bench`.
 *
 *   loadgen null  [-d SECONDS]
 *       getppid() in a loop (a syscall no rule references), as fast as possible.
 *   loadgen mix   [-d SECONDS | -n ROUNDS] [-r RATE] [-x EXEC_EVERY]
 *       a fixed syscall mix per round: openat/read/close of an ordinary temp file,
 *       getpid, socket + connect to a closed loopback port (ECONNREFUSED) + close,
 *       stat; and a fork + exec of /bin/true every EXEC_EVERY rounds (0: never).
 *       RATE rounds/s (0: as fast as possible).
 *   loadgen match [-d SECONDS] [-r RATE] [-x EXEC_EVERY] -k MATCHES [-e EVERY]
 *       the mix, and every EVERY rounds a "matching action": /etc/shadow opened for
 *       reading and closed (stdlib's "Sensitive file read by untrusted program" alerts
 *       on it: this program's name is not in the rule's allow list). Stops after
 *       MATCHES matching actions (or SECONDS, whichever comes first). With -b (burst) a round
 *       is the matching action alone, back to back: no mix, no exec.
 *   loadgen flood [-w WORKERS] [-n OPENS | -d SECONDS] [-r RATE] [-c PATH2] PATH
 *       the overload: WORKERS processes (default 1, each its own pid) open and close PATH as
 *       fast as they can, or at RATE opens a second in all, counting the opens that succeeded:
 *       each is an event a rule on PATH matches, so the count is what alerts and aggregates
 *       must add up to. The first worker also opens PATH2 once, half way. Named loadgen-flood
 *       (the overload rules, tests/e2e/rules/overload.yaml, match that name). Prints
 *       mode=flood opens=N seconds=S rate=R second=0|1
 *
 * Prints one line of key=value pairs on stdout, e.g.
 *   mode=mix rounds=N seconds=S rounds_per_s=R ns_per_round=X syscalls=N ns_per_syscall=Y
 *   execs=E matches=K match_fail=F
 * (syscalls counts the ones this process makes, not those of the exec'd children).
 * SIGINT and SIGTERM end any mode early; it still prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUND_SYSCALLS 8 /* openat read close getpid socket connect close newfstatat */
#define EXEC_SYSCALLS 2  /* clone wait4, in this process */
#define MATCH_SYSCALLS 2 /* openat close */

static char tmp_path[64];
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

static void sleep_until(double t)
{
    struct timespec ts;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop)
        ;
}

static void usage(void)
{
    fprintf(stderr, "usage: loadgen null|mix|match [-d SECONDS] [-n ROUNDS] [-r RATE] "
                    "[-x EXEC_EVERY] [-k MATCHES] [-e EVERY] [-b]\n"
                    "       loadgen flood [-w WORKERS] [-n OPENS | -d SECONDS] [-r RATE] "
                    "[-c PATH2] PATH\n");
    exit(2);
}

#define FLOOD_MAX_WORKERS 64
#define FLOOD_CHUNK 64 /* opens between two looks at the clock */

struct flood_shared {
    unsigned long opens[FLOOD_MAX_WORKERS];
    int second;
};

static int open_close(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* One flood worker: `quota` opens (0: no limit) within `secs` (0: no limit) at `rate` a second. */
static void flood_work(struct flood_shared *sh, int w, const char *path, const char *second,
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
            sleep_until(start + (double)n / rate);
            continue;
        }
        for (int i = 0; i < FLOOD_CHUNK && !(quota && n >= quota); i++)
            n += (unsigned long)open_close(path);
    }
    sh->opens[w] = n;
}

static int run_flood(int workers, unsigned long total, double secs, double rate, const char *path,
                     const char *second)
{
    if (workers < 1 || workers > FLOOD_MAX_WORKERS || (!total && secs <= 0))
        usage();
    struct flood_shared *sh =
        mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 1;
    prctl(PR_SET_NAME, "loadgen-flood", 0, 0, 0);
    double start = now_s();
    pid_t pids[FLOOD_MAX_WORKERS];
    for (int w = 0; w < workers; w++) {
        pid_t pid = pids[w] = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            unsigned long quota = total / (unsigned long)workers;
            if (total && w == 0)
                quota += total % (unsigned long)workers;
            flood_work(sh, w, path, w == 0 ? second : NULL, quota, secs, rate / workers, start);
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
    printf("mode=flood opens=%lu seconds=%.3f rate=%.0f second=%d\n", opens, elapsed,
           (double)opens / elapsed, sh->second);
    return 0;
}

static void cleanup(void)
{
    if (tmp_path[0])
        unlink(tmp_path);
}

static int run_null(double secs)
{
    unsigned long n = 0;
    double start = now_s(), end = start + secs, t = start;
    while (!stop) {
        for (int i = 0; i < 4096; i++)
            syscall(SYS_getppid);
        n += 4096;
        t = now_s();
        if (t >= end)
            break;
    }
    double el = t - start;
    printf("mode=null rounds=%lu seconds=%.4f rounds_per_s=%.0f ns_per_round=%.2f syscalls=%lu "
           "ns_per_syscall=%.2f execs=0 matches=0 match_fail=0\n",
           n, el, (double)n / el, el * 1e9 / (double)n, n, el * 1e9 / (double)n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *mode = argv[1];
    double secs = 0, rate = 0;
    unsigned long rounds_max = 0, exec_every = 500, matches_max = 0, match_every = 1;
    int opt, burst = 0, workers = 1;
    const char *second = NULL;
    optind = 2;
    while ((opt = getopt(argc, argv, "d:n:r:x:k:e:bw:c:")) != -1) {
        switch (opt) {
        case 'w':
            workers = atoi(optarg);
            break;
        case 'c':
            second = optarg;
            break;
        case 'd':
            secs = atof(optarg);
            break;
        case 'n':
            rounds_max = strtoul(optarg, NULL, 10);
            break;
        case 'r':
            rate = atof(optarg);
            break;
        case 'x':
            exec_every = strtoul(optarg, NULL, 10);
            break;
        case 'k':
            matches_max = strtoul(optarg, NULL, 10);
            break;
        case 'e':
            match_every = strtoul(optarg, NULL, 10);
            break;
        case 'b':
            burst = 1;
            break;
        default:
            usage();
        }
    }
    int is_null = strcmp(mode, "null") == 0, is_mix = strcmp(mode, "mix") == 0,
        is_match = strcmp(mode, "match") == 0, is_flood = strcmp(mode, "flood") == 0;
    if (!is_null && !is_mix && !is_match && !is_flood)
        usage();
    if (is_flood != (optind == argc - 1))
        usage();
    if (is_match && matches_max == 0)
        usage();
    if (match_every == 0)
        match_every = 1;
    if (secs <= 0 && rounds_max == 0 && !is_match && !is_flood)
        secs = 1;
    if (is_match && secs <= 0)
        secs = 60;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    prctl(PR_SET_NAME, "loadgen", 0, 0, 0);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

    if (is_null)
        return run_null(secs);
    if (is_flood)
        return run_flood(workers, rounds_max, secs, rate, argv[optind], second);

    /* An ordinary temp file with some content. */
    const char *tmpdir = getenv("TMPDIR");
    snprintf(tmp_path, sizeof(tmp_path), "%s/loadgen.XXXXXX",
             tmpdir && strlen(tmpdir) < 40 ? tmpdir : "/tmp");
    int tfd = mkstemp(tmp_path);
    if (tfd < 0) {
        perror("loadgen: mkstemp");
        return 1;
    }
    atexit(cleanup);
    char buf[512];
    memset(buf, 'x', sizeof(buf));
    if (write(tfd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
        perror("loadgen: write");
        return 1;
    }
    close(tfd);

    /* A closed loopback port: a TCP socket bound to an ephemeral port but not
     * listening holds the port, and a connect to it is refused. */
    int holder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t slen = sizeof(sin);
    if (holder < 0 || bind(holder, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        getsockname(holder, (struct sockaddr *)&sin, &slen) < 0) {
        perror("loadgen: bind");
        return 1;
    }

    unsigned long rounds = 0, execs = 0, matches = 0, match_fail = 0, refused = 0;
    struct stat st;
    double start = now_s(), end = secs > 0 ? start + secs : 0, t = start;
    while (!stop) {
        if (rounds_max && rounds >= rounds_max)
            break;
        if (is_match && matches >= matches_max)
            break;
        if ((rounds & 63) == 0 || rate > 0) {
            t = now_s();
            if (end && t >= end)
                break;
            if (rate > 0) {
                double due = start + (double)rounds / rate;
                if (due - t > 100e-6) /* ahead by more than 100 us: sleep */
                    sleep_until(due);
            }
        }
        if (burst)
            goto match;
        int fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            if (read(fd, buf, 256) < 0)
                perror("loadgen: read");
            close(fd);
        }
        syscall(SYS_getpid);
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s >= 0) {
            if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno == ECONNREFUSED)
                refused++;
            close(s);
        }
        stat(tmp_path, &st);
    match:
        if (is_match && rounds % match_every == 0) {
            int m = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
            if (m >= 0) {
                close(m);
                matches++;
            } else {
                match_fail++;
                matches++;
            }
        }
        if (!burst && exec_every && rounds % exec_every == exec_every - 1) {
            pid_t p = fork();
            if (p == 0) {
                char *const av[] = {"true", NULL};
                execv("/bin/true", av);
                _exit(127);
            }
            if (p > 0) {
                waitpid(p, NULL, 0);
                execs++;
            }
        }
        rounds++;
    }
    t = now_s();
    close(holder);
    double el = t - start;
    unsigned long sc =
        (burst ? 0 : rounds * ROUND_SYSCALLS) + execs * EXEC_SYSCALLS + matches * MATCH_SYSCALLS;
    if (rounds && !burst && refused != rounds)
        fprintf(stderr, "loadgen: %lu of %lu connects not refused\n", rounds - refused, rounds);
    printf("mode=%s rounds=%lu seconds=%.4f rounds_per_s=%.0f ns_per_round=%.2f syscalls=%lu "
           "ns_per_syscall=%.2f execs=%lu matches=%lu match_fail=%lu\n",
           mode, rounds, el, (double)rounds / el, rounds ? el * 1e9 / (double)rounds : 0.0, sc,
           sc ? el * 1e9 / (double)sc : 0.0, execs, matches - match_fail, match_fail);
    return 0;
}
