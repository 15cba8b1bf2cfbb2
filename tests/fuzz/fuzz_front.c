/* libFuzzer target for the whole front end on one rules document: load,
 * merge, resolve (macro inlining, field binding), check, lower, and code
 * generation. Besides crashes, leaks and undefined behaviour it checks that
 * every diagnostic lies inside its file and that the result is -1 exactly
 * when an error was reported. Code generation runs only on inputs that
 * front_run accepts (as `rulec compile` does); clang is not invoked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "compiler/codegen.h"
#include "compiler/front.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};
    int rc = front_run_buffer(rs, "fuzz.yaml", (const char *)data, size, &diags);
    if ((rc < 0) != (diags.errors > 0)) {
        fprintf(stderr, "fuzz_front: result %d with %zu errors\n", rc, diags.errors);
        abort();
    }
    for (size_t i = 0; i < diags.len; i++) {
        const struct diag *d = &diags.items[i];
        if (d->pos.file && d->pos.offset > d->pos.file->len) {
            fprintf(stderr, "fuzz_front: diagnostic outside its file\n");
            abort();
        }
    }
    if (rc == 0) {
        struct codegen_result res = {0};
        codegen_policy(rs, &(struct codegen_options){.sources_digest = "0"}, &res, &diags);
        codegen_result_free(&res);
    }
    diag_list_free(&diags);
    ruleset_free(&rs);
    return 0;
}
