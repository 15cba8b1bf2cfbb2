#include "runtime/profile.h"

#include <stdint.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* compiler/bpf/rulec_prog.h's struct rulec_prof_entry. */
struct entry {
    uint64_t ns;
    uint64_t calls;
};

struct row {
    const char *what;
    struct entry sum;
};

static int _by_time(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    return x->sum.ns < y->sum.ns ? 1 : x->sum.ns > y->sum.ns ? -1 : 0;
}

int profile_print(FILE *out, int map_fd, const struct policy_meta *meta, unsigned long long events)
{
    int ncpu = libbpf_num_possible_cpus();
    if (map_fd < 0 || ncpu <= 0 || !meta->nprofile)
        return -1;
    struct entry *percpu = calloc((size_t)ncpu, sizeof(*percpu));
    struct row *rows = calloc(meta->nprofile, sizeof(*rows));
    if (!percpu || !rows) {
        free(percpu);
        free(rows);
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < meta->nprofile; i++) {
        uint32_t key = (uint32_t)i;
        if (bpf_map_lookup_elem(map_fd, &key, percpu) != 0)
            continue;
        struct row r = {.what = meta->profile[i]};
        for (int c = 0; c < ncpu; c++) {
            r.sum.ns += percpu[c].ns;
            r.sum.calls += percpu[c].calls;
        }
        if (r.sum.calls)
            rows[n++] = r;
    }
    qsort(rows, n, sizeof(*rows), _by_time);
    fprintf(out,
            "rulec: kernel cost by item (inclusive: a rule's time includes the fields it "
            "read; %llu hooked events)\n",
            events);
    fprintf(out, "%12s %10s %12s %12s  %s\n", "calls", "ns/call", "ns/event", "total ms", "item");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%12llu %10.0f %12.1f %12.3f  %s\n", (unsigned long long)rows[i].sum.calls,
                (double)rows[i].sum.ns / (double)rows[i].sum.calls,
                events ? (double)rows[i].sum.ns / (double)events : 0.0,
                (double)rows[i].sum.ns / 1e6, rows[i].what);
    free(percpu);
    free(rows);
    return 0;
}
