/* shipall - userspace half of the ship-everything reference (see shipall.bpf.c): loads the
 * object, attaches it to sys_exit and drains the ring buffer (polling every 1 ms when empty)
 * until SIGINT/SIGTERM, touching each record as a consumer must (it does no rule evaluation
 * at all: a lower bound).
 *
 *   shipall [--empty] OBJECT
 *       stderr: "shipall: loaded and attached in X ms" when ready, and
 *       "shipall: events N, sent N, lost N" when stopped. With --empty it attaches the empty
 *       sys_exit program instead (the floor of any sys_exit hook) and ships nothing.
 */
#include <linux/types.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "shipall.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct totals {
    unsigned long long events;
    unsigned long long checksum;
};

static int on_record(void *ctx, void *data, size_t size)
{
    struct totals *t = ctx;
    const struct shipall_rec *r = data;
    if (size < sizeof(*r))
        return 0;
    t->events++;
    t->checksum += r->nr ^ (unsigned long long)r->ret ^ r->args[0] ^ r->pid;
    return 0;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (level == LIBBPF_WARN)
        return vfprintf(stderr, fmt, ap);
    return 0;
}

int main(int argc, char **argv)
{
    int empty = argc == 3 && strcmp(argv[1], "--empty") == 0;
    if (argc != 2 && !empty) {
        fprintf(stderr, "usage: shipall [--empty] OBJECT\n");
        return 2;
    }
    const char *path = argv[argc - 1];
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    libbpf_set_print(quiet);

    double t0 = now_ms();
    struct bpf_object *obj = bpf_object__open_file(path, NULL);
    if (!obj) {
        fprintf(stderr, "shipall: cannot open %s\n", path);
        return 1;
    }
    struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
    size_t sz = 0;
    const void *init = rodata ? bpf_map__initial_value(rodata, &sz) : NULL;
    unsigned char *ro = init ? malloc(sz) : NULL;
    if (!ro || sz < sizeof(__u32)) {
        fprintf(stderr, "shipall: no .rodata\n");
        return 1;
    }
    memcpy(ro, init, sz);
    __u32 self = (__u32)getpid(); /* the only read-only variable: shipall_self_tgid */
    memcpy(ro, &self, sizeof(self));
    if (bpf_map__set_initial_value(rodata, ro, sz)) {
        fprintf(stderr, "shipall: cannot set .rodata\n");
        return 1;
    }
    free(ro);
    /* Load only the program that is attached. */
    const char *name = empty ? "shipall_empty" : "shipall_exit";
    struct bpf_program *p;
    bpf_object__for_each_program(p, obj)
        bpf_program__set_autoload(p, strcmp(bpf_program__name(p), name) == 0);
    if (bpf_object__load(obj)) {
        fprintf(stderr, "shipall: load failed\n");
        return 1;
    }
    struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);
    struct bpf_link *link = prog ? bpf_program__attach(prog) : NULL;
    if (!link) {
        fprintf(stderr, "shipall: attach failed\n");
        return 1;
    }
    struct totals t = {0, 0};
    struct ring_buffer *rb = ring_buffer__new(
        bpf_map__fd(bpf_object__find_map_by_name(obj, "shipall_rb")), on_record, &t, NULL);
    if (!rb) {
        fprintf(stderr, "shipall: ring buffer failed\n");
        return 1;
    }
    fprintf(stderr, "shipall: loaded and attached in %.1f ms\n", now_ms() - t0);
    /* The kernel side does not wake us (BPF_RB_NO_WAKEUP, as Falco's modern probe): drain,
     * and when the buffer is empty sleep 1 ms. */
    while (!stop && empty)
        pause(); /* nothing is shipped */
    while (!stop) {
        int n = ring_buffer__consume(rb);
        if (n < 0 && !stop) {
            fprintf(stderr, "shipall: consume failed\n");
            break;
        }
        if (n == 0)
            usleep(1000);
    }
    bpf_link__destroy(link);
    ring_buffer__consume(rb);

    /* Per-CPU counters: what the kernel sent and what did not fit. */
    unsigned long long sent = 0, lost = 0;
    int ncpu = libbpf_num_possible_cpus();
    int cfd = bpf_map__fd(bpf_object__find_map_by_name(obj, "shipall_cnt"));
    __u64 *vals = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(__u64));
    for (__u32 k = 0; vals && k < SHIPALL_CNT_MAX; k++) {
        if (bpf_map_lookup_elem(cfd, &k, vals) == 0)
            for (int c = 0; c < ncpu; c++)
                *(k == SHIPALL_CNT_SENT ? &sent : &lost) += vals[c];
    }
    free(vals);
    fprintf(stderr, "shipall: events %llu, sent %llu, lost %llu (checksum %llx)\n", t.events, sent,
            lost, t.checksum);
    ring_buffer__free(rb);
    bpf_object__close(obj);
    return 0;
}
