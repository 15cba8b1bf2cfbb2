/* runtime/cid_cache.c without a kernel map: each cache object computes container.id from /proc
 * as core/container_id.c does, stores nothing, and frees what its lookups kept. */
#include "tests/unit/test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include "core/container_id.h"
#include "runtime/cid_cache.h"

static void test_resolve_without_map(void **state)
{
    (void)state;
    struct cid_cache *c = cid_cache_new(-1);
    assert_non_null(c);
    char id[CID_ID_MAX];
    assert_int_equal(cid_cache_resolve(c, (uint32_t)getpid(), id, sizeof(id)), 0);
    /* The very id core/container_id.c gives this process. */
    struct cid_ctx *ctx = cid_ctx_new();
    struct cid_process p;
    assert_int_equal(cid_read_process(ctx, "/proc", getpid(), &p), 0);
    assert_string_equal(id, p.id);
    cid_ctx_free(&ctx);
    assert_int_equal(cid_cache_resolve(c, 0x7ffffff0u, id, sizeof(id)), -1); /* no such pid */
    assert_int_equal(cid_cache_seed(c), 0); /* no map: nothing stored */
    cid_cache_free(&c);
    assert_null(c);
    cid_cache_free(&c); /* NULL is fine */
}

/* Two caches keep their own state: freeing one leaves the other working. */
static void test_two_objects(void **state)
{
    (void)state;
    struct cid_cache *a = cid_cache_new(-1), *b = cid_cache_new(-1);
    char ida[CID_ID_MAX], idb[CID_ID_MAX];
    assert_int_equal(cid_cache_resolve(a, (uint32_t)getpid(), ida, sizeof(ida)), 0);
    cid_cache_free(&a);
    assert_int_equal(cid_cache_resolve(b, (uint32_t)getpid(), idb, sizeof(idb)), 0);
    assert_string_equal(ida, idb);
    cid_cache_bind(b, -1);
    cid_cache_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_without_map),
        cmocka_unit_test(test_two_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
