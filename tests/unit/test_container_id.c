/* core/container_id.c: Falco's container engines on cgroup paths (the runtime's answer when
 * the kernel cannot decide container.id, and the kernel test's oracle). */
#include "tests/unit/test_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/container_id.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define P50 "pppppppppppppppppppppppppppppppppppppppppppppppppp"

struct match_case {
    const char *path;
    const char *id; /* NULL: no engine matches */
    bool kernel_maybe;
};

static void test_engines(void **state)
{
    (void)state;
    static const struct match_case cases[] = {
        /* runc layouts: 64 hex characters, 12 reported */
        {"/kubepods.slice/cri-containerd-" HEX64 ".scope", "0123456789ab", false},
        {"/system.slice/docker-" HEX64 ".scope", "0123456789ab", false},
        {"/docker/" HEX64, "0123456789ab", false},
        {"/crio-" HEX64, "0123456789ab", false},
        {"/machine.slice/libpod-" HEX64 ".scope/container", "0123456789ab", false},
        {"/system.slice:cri-containerd:" HEX64, "0123456789ab", false},
        {"/crio-0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789AB",
         false},
        /* the hex check looks at absolute positions below 64 only */
        {"/" P50 "/docker-0123456789abcdef0123456789abcdz00123456789abcdef0123456789abcdef.scope",
         "0123456789ab", false},
        {"/docker-" HEX64 "0.scope", NULL, false},
        /* containerd: the first "/<name>/" is the namespace, up to 12 characters of the id */
        {"/process_api/f6ee11465ae54ae2c9f1061da2ccf7b2", "f6ee11465ae5", false},
        {"/ns1/ctr-abc", "ctr-abc", false},
        {"/rulec@kt/ns2/ctr-x", "ctr-x", false},
        {"/k8s.io/abc.slice", NULL, false},
        {"/ns1/x/ns1/y", "y", true}, /* the namespace occurs twice: the kernel gives up */
        {"/machine/foo.libvirt-lxc", "foo.libvirt-", false}, /* containerd comes first */
        /* lxc, libvirt_lxc, bpm: whole names; the kernel leaves them to userspace */
        {"/lxc.payload.c2", "c2", true},
        {"/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope",
         "2293906\\x2dlibvirt\\x2dcontainer", true},
        {"/machine..slice/machine-lxc\\x2d42\\x2dweb.scope/libvirt", "42\\x2dweb", true},
        /* ... unless containerd's namespace rule takes it first, as in Falco */
        {"/machine.slice/machine-lxc\\x2d42\\x2dweb.scope/libvirt", "machine-lxc\\", false},
        {"/libvirt/lxc/abc", "lxc/abc", false},        /* containerd again */
        {"/libvirt/lxc/abc.scope", "abc.scope", true}, /* lxc before libvirt_lxc */
        {"/bpm-job_1.scope", "job_1", true},
        {"/bpm-job!.scope", NULL, true},
        {"/user.slice/flxc.scope", NULL, true},
        /* hosts */
        {"/", NULL, false},
        {"/user.slice/user-0.slice/session-1.scope", NULL, false},
        {"/system.slice/ssh.service", NULL, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char id[CID_ID_MAX] = "";
        bool km = !cases[i].kernel_maybe;
        bool m = cid_match(cases[i].path, id, sizeof(id), &km);
        if (m != (cases[i].id != NULL) || (m && strcmp(id, cases[i].id) != 0) ||
            km != cases[i].kernel_maybe) {
            print_error("%s: got %s \"%s\" kernel_maybe %d\n", cases[i].path,
                        m ? "match" : "no match", id, km);
            fail();
        }
    }
}

static void test_long_path_is_kernel_maybe(void **state)
{
    (void)state;
    char path[400], id[CID_ID_MAX];
    bool km = false;
    snprintf(path, sizeof(path), "/%0250d/docker-" HEX64 ".scope", 0);
    assert_true(cid_match(path, id, sizeof(id), &km));
    assert_string_equal(id, "0123456789ab");
    assert_true(km); /* longer than the kernel's path buffer */
}

static void test_trim(void **state)
{
    (void)state;
    char a[] = "/a/b/c/d/e/f/g/h", b[] = "/a/b", c[] = "/", d[] = "/1/2/3/4/5/6";
    cid_trim(a);
    cid_trim(b);
    cid_trim(c);
    cid_trim(d);
    assert_string_equal(a, "/c/d/e/f/g/h");
    assert_string_equal(b, "/a/b");
    assert_string_equal(c, "/");
    assert_string_equal(d, "/1/2/3/4/5/6");
}

static void test_subsystem_order(void **state)
{
    (void)state;
    struct cid_cgroups *cg = calloc(1, sizeof(*cg));
    char id[CID_ID_MAX];
    bool km = true;
    assert_non_null(cg);
    cid_from_cgroups(cg, id, sizeof(id), &km);
    assert_string_equal(id, "host");
    assert_false(km);
    /* cpu before memory: the first path an engine matches gives the id */
    cg->has[1] = cg->has[4] = true;
    strcpy(cg->path[1], "/docker/" HEX64);
    strcpy(cg->path[4], "/process_api/f6ee11465ae54ae2c9f1061da2ccf7b2");
    cid_from_cgroups(cg, id, sizeof(id), &km);
    assert_string_equal(id, "0123456789ab");
    assert_false(km);
    /* a path the kernel cannot decide before the match: "maybe" in the kernel */
    cg->has[0] = true;
    strcpy(cg->path[0], "/lxc.payload.c2");
    cid_from_cgroups(cg, id, sizeof(id), &km);
    assert_string_equal(id, "c2");
    assert_true(km);
    strcpy(cg->path[0], "/user.slice/flxc.scope");
    cid_from_cgroups(cg, id, sizeof(id), &km);
    assert_string_equal(id, "0123456789ab");
    assert_true(km);
    free(cg);
}

static void test_own_process(void **state)
{
    (void)state;
    struct cid_ctx *ctx = cid_ctx_new();
    struct cid_process p;
    assert_non_null(ctx);
    assert_int_equal(cid_read_process(ctx, "/proc", (int)getpid(), &p), 0);
    assert_true(p.id[0] != '\0');
    assert_true(p.start > 0);
    assert_int_equal(cid_read_process(ctx, "/proc", 0x7ffffff0, &p), -1);
    cid_ctx_free(&ctx);
    assert_null(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engines),     cmocka_unit_test(test_long_path_is_kernel_maybe),
        cmocka_unit_test(test_trim),        cmocka_unit_test(test_subsystem_order),
        cmocka_unit_test(test_own_process),
    };
    return cmocka_run_group_tests_name("container_id", tests, NULL, NULL);
}
