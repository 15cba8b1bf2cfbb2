/* The userspace readers of core/field_readers.h against runtime/event.c: every field the
 * catalogue gives a reader is one that reader knows (a field cannot be declared computed in
 * userspace without code that computes it), on a record of this very process. */
#include "tests/unit/test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/field_readers.h"
#include "core/fields.h"
#include "core/policy.h"
#include "core/rulec_abi.h"
#include "runtime/event.h"

static void test_every_reader_knows_its_fields(void **state)
{
    (void)state;
    struct policy_meta meta = {.mask_words = 1};
    meta.record_size = (uint32_t)(sizeof(struct rulec_record_hdr) + 16);
    struct event_layout layout;
    assert_int_equal(event_layout_init(&layout, &meta), 0);
    unsigned char rec[sizeof(struct rulec_record_hdr) + 16] = {0};
    struct rulec_record_hdr *h = (void *)rec;
    h->evt_id = 257; /* openat */
    h->pid = h->tid = (uint32_t)getpid();
    h->ppid = (uint32_t)getppid();
    struct event ev = {.hostname = "test"};
    assert_int_equal(event_bind(&ev, &layout, rec, sizeof(rec)), 0);
    size_t checked = 0;
    for (int id = 0; id < FIELD_ID_MAX; id++) {
        enum field_reader r = field_userspace_reader((enum field_id)id);
        if (r == FR_NONE || r == FR_PLUGIN || r == FR_CONTAINER)
            continue;
        const struct field_def *def = field_by_id((enum field_id)id);
        struct ast_field f = {.name = def->name, .def = def};
        if (def->flags & FF_ARG_REQUIRED)
            f.arg = def->flags & FF_NAMED_ARG ? "flags" : "1";
        struct field_value v;
        int rc = event_userspace_value(&ev, &f, &v);
        if (rc == 1)
            fail_msg("%s: its reader (%d) does not know it", def->name, r);
        checked++;
        if ((def->flags & FF_ARG_INDEX) && !f.arg) { /* the indexed form too */
            f.arg = "1";
            if (event_userspace_value(&ev, &f, &v) == 1)
                fail_msg("%s[1]: its reader (%d) does not know it", def->name, r);
        }
    }
    assert_true(checked > 30);
    event_free(&ev);
    event_layout_free(&layout);
}

static void test_ancestor_names(void **state)
{
    (void)state;
    struct policy_meta meta = {.mask_words = 1};
    meta.record_size = (uint32_t)(sizeof(struct rulec_record_hdr) + 16);
    struct event_layout layout;
    assert_int_equal(event_layout_init(&layout, &meta), 0);
    unsigned char rec[sizeof(struct rulec_record_hdr) + 16] = {0};
    struct rulec_record_hdr *h = (void *)rec;
    h->pid = h->tid = (uint32_t)getpid();
    struct event ev = {0};
    assert_int_equal(event_bind(&ev, &layout, rec, sizeof(rec)), 0);
    const struct field_def *def = field_lookup("proc.aname", NULL);
    struct ast_field f = {.name = def->name, .def = def};
    struct field_value v;
    assert_int_equal(event_get(&ev, &f, &v), 0);
    assert_int_equal(v.kind, FV_LIST); /* the parent at least, and up to init */
    assert_true(v.nlist >= 1);
    event_free(&ev);
    event_layout_free(&layout);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_reader_knows_its_fields),
        cmocka_unit_test(test_ancestor_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
