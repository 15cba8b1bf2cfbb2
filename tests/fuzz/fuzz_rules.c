/* libFuzzer target for the rules-file loader (libyaml, schema, merge, list
 * substitution, exceptions). Besides crashes, leaks and undefined behaviour
 * it checks the loader's contract on every input:
 *   - the result is -1 exactly when an error was reported;
 *   - every diagnostic has a position inside a loaded file;
 *   - every condition and output text is NUL-terminated and maps each byte
 *     to an offset inside its file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/load.h"
#include "compiler/ruleset.h"
#include "core/diag.h"

static void _fail(const char *what)
{
    fprintf(stderr, "fuzz_rules: %s\n", what);
    abort();
}

static void _check_text(const struct cond_text *t)
{
    if (!t->text || t->text[t->len] != '\0' || t->map.len != t->len || !t->map.offsets)
        _fail("malformed text");
    if (!t->map.file)
        _fail("text mapped to no file");
    for (size_t i = 0; i <= t->len; i++)
        if (t->map.offsets[i] > t->map.file->len)
            _fail("text byte mapped outside its file");
}

static void _check_ruleset(const struct ruleset *rs)
{
    for (size_t i = 0; i < rs->nlists; i++)
        if (!rs->lists[i]->name || (rs->lists[i]->nitems && !rs->lists[i]->items))
            _fail("malformed list");
    for (size_t i = 0; i < rs->nmacros; i++) {
        _check_text(&rs->macros[i]->condition);
        if (rs->macros[i]->visibility > rs->nmacros)
            _fail("macro visibility beyond the macros");
    }
    for (size_t i = 0; i < rs->nrules; i++) {
        const struct rs_rule *r = rs->rules[i];
        _check_text(&r->condition);
        _check_text(&r->output);
        if (!r->name || !r->desc || !r->source || r->priority >= ALERT_PRIO_MAX || r->index != i)
            _fail("malformed rule");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ruleset *rs = ruleset_new();
    struct diag_list diags = {0};

    int rc = ruleset_load_buffer(rs, "fuzz.yaml", (const char *)data, size, &diags);
    if ((rc < 0) != (diags.errors > 0))
        _fail("the result disagrees with the errors reported");
    for (size_t i = 0; i < diags.len; i++) {
        const struct src_pos *pos = &diags.items[i].pos;
        if (!pos->file || pos->offset > pos->file->len)
            _fail("diagnostic outside the file");
    }
    _check_ruleset(rs);

    diag_list_free(&diags);
    ruleset_free(&rs);
    return 0;
}
