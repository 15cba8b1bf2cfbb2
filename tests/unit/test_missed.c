/* runtime/missed.c: the window of matches not reported one by one. The entries of a rule add up
 * to its count, whatever the split by process: the processes with the most are named (at most
 * per_rule of them), the rest share one entry; definite and maybe stay apart. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/unit/test_util.h"

#include "runtime/missed.h"

#define _MAX 16

struct _got {
    struct missed_entry e[_MAX];
    size_t n;
};

static void _collect(void *ctx, const struct missed_entry *e)
{
    struct _got *g = ctx;
    assert_true(g->n < _MAX);
    g->e[g->n++] = *e;
}

/* Entry i of the report is (rule, pid, definite, maybe, nprocs). */
static void _expect(const struct _got *g, size_t i, size_t rule, uint32_t pid, uint64_t definite,
                    uint64_t maybe, size_t nprocs)
{
    assert_true(i < g->n);
    const struct missed_entry *e = &g->e[i];
    assert_int_equal(e->rule, rule);
    assert_int_equal(e->pid, pid);
    assert_int_equal(e->definite, definite);
    assert_int_equal(e->maybe, maybe);
    assert_int_equal(e->nprocs, nprocs);
}

static void test_named_and_rest(void **state)
{
    (void)state;
    struct missed *m;
    assert_int_equal(missed_new(&m, 3), 0);
    missed_add(m, 1, 4242, "flood", 10, 0);
    missed_add(m, 1, 4242, NULL, 5, 0);
    missed_add(m, 1, 7, "small", 1, 0);
    missed_add(m, 1, 8, "tiny", 0, 2);
    missed_add(m, 2, 9, "other", 0, 3);
    missed_add(m, 7, 9, "no such rule", 1, 0);
    struct _got g = {0};
    assert_int_equal(missed_report(m, 2, _collect, &g), 4);
    /* rule 1: pid 4242 (15), pid 8 (2 maybe), then pid 7 in the rest; rule 2: pid 9 */
    _expect(&g, 0, 1, 4242, 15, 0, 1);
    assert_string_equal(g.e[0].comm, "flood");
    _expect(&g, 1, 1, 8, 0, 2, 1);
    _expect(&g, 2, 1, 0, 1, 0, 1);
    _expect(&g, 3, 2, 9, 0, 3, 1);
    /* The window is cleared. */
    g.n = 0;
    assert_int_equal(missed_report(m, 2, _collect, &g), 0);
    missed_free(&m);
    assert_null(m);
}

/* Counts no process was recorded for (the kernel's per-process map forgot them): one entry for
 * "processes not named", and the rule's total is still what it was. */
static void test_unattributed(void **state)
{
    (void)state;
    struct missed *m;
    assert_int_equal(missed_new(&m, 1), 0);
    missed_add(m, 0, 0, NULL, 100, 1);
    missed_add(m, 0, 12, "p", 30, 0);
    struct _got g = {0};
    assert_int_equal(missed_report(m, 5, _collect, &g), 2);
    _expect(&g, 0, 0, 12, 30, 0, 1);
    _expect(&g, 1, 0, 0, 100, 1, 0);
    missed_free(&m);
}

/* Many processes: the table grows, and the named ones are the largest. */
static void test_many_processes(void **state)
{
    (void)state;
    struct missed *m;
    assert_int_equal(missed_new(&m, 2), 0);
    uint64_t total = 0;
    for (uint32_t pid = 1; pid <= 5000; pid++) {
        missed_add(m, pid % 2, pid, "w", pid, 0);
        total += pid;
    }
    struct _got g = {0};
    assert_int_equal(missed_report(m, 3, _collect, &g), 8);
    uint64_t sum = 0;
    for (size_t i = 0; i < g.n; i++)
        sum += g.e[i].definite;
    assert_int_equal(sum, total);
    /* rule 0: the even pids, rule 1: the odd ones */
    _expect(&g, 0, 0, 5000, 5000, 0, 1);
    _expect(&g, 1, 0, 4998, 4998, 0, 1);
    assert_int_equal(g.e[3].pid, 0);
    assert_int_equal(g.e[3].nprocs, 2500 - 3);
    _expect(&g, 4, 1, 4999, 4999, 0, 1);
    missed_free(&m);
}

/* The kernel's maps, made here (root only: skipped otherwise) and written as the kernel would:
 * the totals first, then the processes. Deltas between reads, an entry evicted and made again,
 * and a process counted ahead of its rule's total (a match between the two reads), whose surplus
 * goes to the next window. */
static int _rules_fd, _procs_fd, _ncpu;

static void _set_rule(uint32_t rule, uint64_t definite, uint64_t maybe)
{
    struct rulec_missed_count v[_ncpu];
    memset(v, 0, sizeof(v));
    v[0].definite = definite;
    v[_ncpu - 1].maybe += maybe;
    assert_int_equal(bpf_map_update_elem(_rules_fd, &rule, v, BPF_ANY), 0);
}

static void _set_proc(uint32_t rule, uint32_t pid, uint64_t definite, const char *comm)
{
    struct rulec_missed_key k = {.rule = rule, .tgid = pid};
    struct rulec_missed_proc v = {.definite = definite};
    snprintf(v.comm, sizeof(v.comm), "%s", comm);
    assert_int_equal(bpf_map_update_elem(_procs_fd, &k, &v, BPF_ANY), 0);
}

/* One window: the kernel's counts read, then reported into g. */
static size_t _read_report(struct missed *m, struct _got *g)
{
    assert_int_equal(missed_read_kernel(m, _rules_fd, _procs_fd), 0);
    g->n = 0;
    return missed_report(m, 5, _collect, g);
}

static void test_kernel_maps(void **state)
{
    (void)state;
    _ncpu = libbpf_num_possible_cpus();
    _rules_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, NULL, 4,
                               sizeof(struct rulec_missed_count), 2, NULL);
    _procs_fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, NULL, sizeof(struct rulec_missed_key),
                               sizeof(struct rulec_missed_proc), 64, NULL);
    if (_rules_fd < 0 || _procs_fd < 0)
        skip_because("creating BPF maps needs root");
    struct missed *m;
    assert_int_equal(missed_new(&m, 2), 0);
    _set_rule(1, 100, 3);
    _set_proc(1, 42, 100, "flood");
    struct _got g = {0};
    assert_int_equal(_read_report(m, &g), 2);
    _expect(&g, 0, 1, 42, 100, 0, 1);
    assert_string_equal(g.e[0].comm, "flood");
    _expect(&g, 1, 1, 0, 0, 3, 0); /* the 3 maybe: no process has them */
    /* 50 more by 42, of which 10 counted for the process after the total was read. */
    _set_rule(1, 140, 3);
    _set_proc(1, 42, 150, "flood");
    assert_int_equal(_read_report(m, &g), 1);
    _expect(&g, 0, 1, 42, 40, 0, 1);
    _set_rule(1, 150, 3);
    assert_int_equal(_read_report(m, &g), 1);
    _expect(&g, 0, 1, 42, 10, 0, 1);
    /* 42's entry evicted and made again with 7: all of them new. */
    struct rulec_missed_key k = {.rule = 1, .tgid = 42};
    assert_int_equal(bpf_map_delete_elem(_procs_fd, &k), 0);
    _set_rule(1, 157, 3);
    _set_proc(1, 42, 7, "flood");
    assert_int_equal(_read_report(m, &g), 1);
    _expect(&g, 0, 1, 42, 7, 0, 1);
    missed_free(&m);
    close(_rules_fd);
    close(_procs_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_and_rest),
        cmocka_unit_test(test_unattributed),
        cmocka_unit_test(test_many_processes),
        cmocka_unit_test(test_kernel_maps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
