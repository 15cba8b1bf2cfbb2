/* compiler/load.c, merge.c, ruleset.c and yaml_tree.c: reading rules files
 * as Falco does (schema, append/override, exceptions, list substitution),
 * every diagnostic at its line:col, positions inside block scalars, and the
 * malformed corpus in tests/corpus/load/. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/test_util.h"

#include "compiler/load.h"
#include "compiler/ruleset.h"
#include "grammar/condition.h"

struct fixture {
    struct ruleset *rs;
    struct diag_list d;
    int rc;
};

static int _setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->rs = ruleset_new();
    *state = f;
    return 0;
}

static int _teardown(void **state)
{
    struct fixture *f = *state;
    diag_list_free(&f->d);
    ruleset_free(&f->rs);
    free(f);
    return 0;
}

static struct fixture *_load(void **state, const char *yaml)
{
    struct fixture *f = *state;
    f->rc = ruleset_load_buffer(f->rs, "rules.yaml", yaml, strlen(yaml), &f->d);
    return f;
}

static void _print_diags(const struct diag_list *d)
{
    for (size_t i = 0; i < d->len; i++) {
        unsigned l, c;
        src_pos_linecol(d->items[i].pos, &l, &c);
        print_error("  %s at %u:%u: %s\n", diag_code_name(d->items[i].code), l, c,
                    d->items[i].message);
    }
}

/* No diagnostic at all. */
static void _assert_clean(const struct fixture *f)
{
    if (f->d.len) {
        print_error("expected no diagnostics, got:\n");
        _print_diags(&f->d);
        fail();
    }
    assert_int_equal(f->rc, 0);
}

static size_t _count(const struct diag_list *d, enum diag_code code)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++)
        n += d->items[i].code == code;
    return n;
}

/* Exactly one diagnostic, this one. */
static void _assert_only(const struct fixture *f, enum diag_code code, unsigned line, unsigned col)
{
    assert_diag_at(&f->d, code, line, col);
    if (f->d.len != 1) {
        print_error("expected only %s, got:\n", diag_code_name(code));
        _print_diags(&f->d);
        fail();
    }
}

static const char *_message(const struct diag_list *d, enum diag_code code)
{
    for (size_t i = 0; i < d->len; i++)
        if (d->items[i].code == code)
            return d->items[i].message;
    return "";
}

static const char *_cond(const struct fixture *f, const char *rule)
{
    const struct rs_rule *r = ruleset_find_rule(f->rs, rule);
    assert_non_null(r);
    return r->condition.text;
}

static const char *_macro(const struct fixture *f, const char *name)
{
    const struct rs_macro *m = ruleset_find_macro(f->rs, name);
    assert_non_null(m);
    return m->condition.text;
}

/* The file line:col that byte `nth` occurrence of needle in ct maps to. */
static void _assert_text_at(const struct cond_text *ct, const char *needle, int nth, unsigned line,
                            unsigned col)
{
    const char *p = ct->text;
    for (int i = 0; i <= nth; i++) {
        p = strstr(i ? p + 1 : p, needle);
        if (!p) {
            print_error("'%s' not in '%s'\n", needle, ct->text);
            fail();
        }
    }
    unsigned l, c;
    src_pos_linecol(text_map_pos(&ct->map, (size_t)(p - ct->text)), &l, &c);
    if (l != line || c != col) {
        print_error("'%s' maps to %u:%u, expected %u:%u\n", needle, l, c, line, col);
        fail();
    }
}

#define RULE(name, cond)                                                                           \
    "- rule: " name "\n"                                                                           \
    "  desc: d\n"                                                                                  \
    "  condition: " cond "\n"                                                                      \
    "  output: o\n"                                                                                \
    "  priority: INFO\n"

/* ---- basics ------------------------------------------------------------------ */

static void test_empty_inputs(void **state)
{
    struct fixture *f = _load(state, "");
    _assert_clean(f);
    _load(state, "# only a comment\n");
    _load(state, "---\n---\n...\n");
    _load(state, "- \n-\n");
    _assert_clean(f);
    assert_int_equal(f->rs->nrules + f->rs->nmacros + f->rs->nlists, 0);
    assert_int_equal(f->rs->nfiles, 4);
}

static void test_rule_keys(void **state)
{
    struct fixture *f = _load(state, "- rule: full\n"
                                     "  desc: a description\n"
                                     "  condition: evt.type = open\n"
                                     "  output: \"  file=%fd.name \"\n"
                                     "  priority: warning\n"
                                     "  source: k8s_audit\n"
                                     "  tags: [b, a, b]\n"
                                     "  enabled: off\n"
                                     "  warn_evttypes: False\n"
                                     "  skip-if-unknown-filter: YES\n"
                                     "  capture: \"true\"\n"
                                     "  capture_duration: 0x10\n"
                                     "- rule: minimal\n"
                                     "  desc: d\n"
                                     "  condition: c\n"
                                     "  output: o\n"
                                     "  priority: info\n");
    _assert_clean(f);
    assert_int_equal(f->rs->nrules, 2);
    const struct rs_rule *r = f->rs->rules[0];
    assert_string_equal(r->name, "full");
    assert_string_equal(r->desc, "a description");
    assert_string_equal(r->condition.text, "evt.type = open");
    assert_string_equal(r->output.text, "file=%fd.name"); /* trimmed */
    assert_int_equal(r->priority, ALERT_PRIO_WARNING);
    assert_string_equal(r->source, "k8s_audit");
    assert_int_equal(r->ntags, 2); /* a set: sorted, once each */
    assert_string_equal(r->tags[0], "a");
    assert_string_equal(r->tags[1], "b");
    assert_false(r->enabled);
    assert_false(r->warn_evttypes);
    assert_true(r->skip_if_unknown_filter);
    assert_true(r->capture);
    assert_int_equal(r->capture_duration, 16);
    assert_int_equal(r->index, 0);
    unsigned l, c;
    src_pos_linecol(r->pos, &l, &c);
    assert_int_equal(l, 1);
    assert_int_equal(c, 3);
    src_pos_linecol(r->condition_pos, &l, &c);
    assert_int_equal(l, 3);
    assert_int_equal(c, 3);
    r = f->rs->rules[1];
    assert_string_equal(r->source, "syscall");
    assert_true(r->enabled);
    assert_true(r->warn_evttypes);
    assert_false(r->skip_if_unknown_filter);
    assert_false(r->capture);
    assert_int_equal(r->priority, ALERT_PRIO_INFORMATIONAL);
    assert_int_equal(r->ntags, 0);
    assert_int_equal(r->index, 1);
}

static void test_multi_document(void **state)
{
    struct fixture *f = _load(state, "- list: bins\n"
                                     "  items: [sh]\n"
                                     "---\n" RULE("r", "proc.name in (bins)") "...\n");
    _assert_clean(f);
    assert_string_equal(_cond(f, "r"), "proc.name in ( sh )");
    assert_true(ruleset_find_list(f->rs, "bins")->used);
}

static void test_find(void **state)
{
    struct fixture *f = _load(state, "- list: l\n  items: []\n- macro: m\n  condition: x\n" RULE(
                                         "r", "m and proc.name in (l)"));
    assert_non_null(ruleset_find_list(f->rs, "l"));
    assert_non_null(ruleset_find_macro(f->rs, "m"));
    assert_non_null(ruleset_find_rule(f->rs, "r"));
    assert_null(ruleset_find_list(f->rs, "m"));
    assert_null(ruleset_find_macro(f->rs, "r"));
    assert_null(ruleset_find_rule(f->rs, "l"));
}

/* ---- list substitution -------------------------------------------------------------- */

#define SHELLS "- list: shells\n  items: [ash, bash]\n"

static void test_list_forms(void **state)
{
    struct fixture *f =
        _load(state, SHELLS RULE("in", "proc.name in (shells)") RULE("eq", "proc.name=shells")
                         RULE("mixed", "proc.name in (shells, zsh)")
                             RULE("spaced", "proc.name in ( shells )") RULE("first", "shells and x")
                                 RULE("bounded", "proc.name in (shells_x, xshells, \"shells\")"));
    _assert_clean(f);
    assert_string_equal(_cond(f, "in"), "proc.name in ( ash, bash )");
    assert_string_equal(_cond(f, "eq"), "proc.name= ash, bash ");
    assert_string_equal(_cond(f, "mixed"), "proc.name in ( ash, bash , zsh)");
    assert_string_equal(_cond(f, "spaced"), "proc.name in ( ash, bash )");
    assert_string_equal(_cond(f, "first"), "ash, bash and x");
    assert_string_equal(_cond(f, "bounded"), "proc.name in (shells_x, xshells, \"shells\")");
}

static void test_list_quoting(void **state)
{
    struct fixture *f = _load(state, "- list: odd\n"
                                     "  items: [\"my shell\", '\"already quoted\"', tab\tsep, "
                                     "\"'single quoted'\"]\n" RULE("r", "proc.name in (odd)"));
    _assert_clean(f);
    /* Falco quotes only items holding a space, unless they start with a quote. */
    assert_string_equal(_cond(f, "r"), "proc.name in ( \"my shell\", \"already quoted\", "
                                       "tab\tsep, 'single quoted' )");
}

static void test_list_empty(void **state)
{
    struct fixture *f =
        _load(state, "- list: none\n  items: []\n" RULE("alone", "x in (none)")
                         RULE("after", "x in (a, none)") RULE("before", "x in (none, a)"));
    _assert_clean(f);
    /* An empty list takes a neighbouring comma with it. */
    assert_string_equal(_cond(f, "alone"), "x in (  )");
    assert_string_equal(_cond(f, "after"), "x in (a  )");
    assert_string_equal(_cond(f, "before"), "x in (   a)");
}

static void test_list_nested(void **state)
{
    struct fixture *f = _load(state, "- list: inner\n  items: [a, \"b c\"]\n"
                                     "- list: outer\n  items: [inner, d, later]\n"
                                     "- list: later\n  items: [e]\n" RULE("r", "x in (outer)"));
    assert_int_equal(f->rc, 0);
    const struct rs_list *outer = ruleset_find_list(f->rs, "outer");
    /* A list defined earlier is expanded (its items as written); one defined
     * later is not, and stays a name. */
    assert_int_equal(outer->nitems, 4);
    assert_string_equal(outer->items[0], "a");
    assert_string_equal(outer->items[1], "b c");
    assert_string_equal(outer->items[2], "d");
    assert_string_equal(outer->items[3], "later");
    assert_true(ruleset_find_list(f->rs, "inner")->used);
    /* ... but the text substitution then meets 'later' and replaces it too. */
    assert_string_equal(_cond(f, "r"), "x in ( a, \"b c\", d, e )");
    assert_int_equal(_count(&f->d, DIAG_LOAD_UNUSED_LIST), 0);
}

static void test_list_used(void **state)
{
    struct fixture *f = _load(state, "- list: by_macro\n  items: [a]\n"
                                     "- list: by_list\n  items: [b]\n"
                                     "- list: holder\n  items: [by_list]\n"
                                     "- list: by_exception\n  items: [c]\n"
                                     "- list: unused\n  items: [d]\n"
                                     "- macro: m\n  condition: x in (by_macro, holder)\n"
                                     "- rule: r\n"
                                     "  desc: d\n"
                                     "  condition: m\n"
                                     "  output: o\n"
                                     "  priority: info\n"
                                     "  exceptions:\n"
                                     "    - name: e\n"
                                     "      fields: [proc.name]\n"
                                     "      comps: [in]\n"
                                     "      values: [[by_exception]]\n");
    _assert_only(f, DIAG_LOAD_UNUSED_LIST, 9, 3);
    assert_string_equal(_message(&f->d, DIAG_LOAD_UNUSED_LIST),
                        "List not referred to by any other rule/macro");
    assert_true(ruleset_find_list(f->rs, "by_exception")->used);
    assert_false(ruleset_find_list(f->rs, "unused")->used);
}

static void test_list_names(void **state)
{
    struct fixture *f =
        _load(state, "- list: test list\n  items: [open]\n" RULE("r", "evt.type in (test list)"));
    _assert_only(f, DIAG_LOAD_INVALID_LIST_NAME, 1, 9);
    assert_string_equal(_cond(f, "r"), "evt.type in ( open )");
    f = _load(state, "- list: \"a(b\"\n  items: []\n- list: ok.name-1/x\n  items: []\n");
    assert_diag_at(&f->d, DIAG_LOAD_INVALID_LIST_NAME, 1, 9);
    assert_int_equal(_count(&f->d, DIAG_LOAD_INVALID_LIST_NAME), 2);
}

static void test_list_append_override(void **state)
{
    struct fixture *f = _load(state, "- list: l\n  items: [a]\n"
                                     "- list: other\n  items: [z]\n"
                                     "- list: l\n  items: [b]\n  append: true\n"
                                     "- list: l\n  items: [c]\n  override:\n    items: append\n"
                                     "- list: other\n  items: [y]\n  override:\n    items: "
                                     "replace\n" RULE("r", "x in (l, other)"));
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 7, 3);
    assert_int_equal(f->d.len, 1);
    assert_string_equal(_cond(f, "r"), "x in ( a, b, c , y )");
    /* Redefinition replaces in place: the order stays the first definition's. */
    assert_string_equal(f->rs->lists[0]->name, "l");
    assert_string_equal(f->rs->lists[1]->name, "other");
}

static void test_list_append_undefined(void **state)
{
    struct fixture *f = _load(state, "- list: l\n  items: [a]\n  override:\n    items: append\n"
                                     "- list: l\n  items: [b]\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 1, 3);
    assert_diag_at(&f->d, DIAG_LOAD_UNUSED_LIST, 5, 3);
    assert_int_equal(f->d.len, 2);
    assert_int_equal(f->rc, -1);
    assert_non_null(strstr(_message(&f->d, DIAG_LOAD_ERR_VALIDATE), "no list by that name"));
    /* The later definition still loads. */
    assert_int_equal(ruleset_find_list(f->rs, "l")->nitems, 1);
}

/* ---- macros ---------------------------------------------------------------------------- */

static void test_macro_text(void **state)
{
    struct fixture *f = _load(state, SHELLS "- macro: sh\n"
                                            "  condition: proc.name in (shells) and other_macro\n"
                                            "- macro: other_macro\n  condition: x\n"
                                            "- macro: sh\n  condition: or y\n  override:\n"
                                            "    condition: append\n"
                                            "- macro: other_macro\n  condition: z\n"
                                            "  override:\n    condition: replace\n");
    _assert_clean(f);
    /* Lists are substituted; macros are resolve.c's. */
    assert_string_equal(_macro(f, "sh"), "proc.name in ( ash, bash ) and other_macro or y");
    assert_string_equal(_macro(f, "other_macro"), "z");
    /* sh was appended to after other_macro was defined: it may use it. */
    const struct rs_macro *sh = ruleset_find_macro(f->rs, "sh");
    assert_int_equal(sh->index, 0);
    assert_int_equal(sh->visibility, 2);
    assert_int_equal(ruleset_find_macro(f->rs, "other_macro")->visibility, 2);
}

static void test_macro_append_true(void **state)
{
    struct fixture *f = _load(state, "- macro: m\n  condition: a\n"
                                     "- macro: m\n  condition: or b\n  append: true\n");
    _assert_only(f, DIAG_LOAD_DEPRECATED_ITEM, 5, 3);
    assert_string_equal(_message(&f->d, DIAG_LOAD_DEPRECATED_ITEM),
                        "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: "
                        "append') under 'override' instead.");
    assert_string_equal(_macro(f, "m"), "a or b");
}

static void test_macro_errors(void **state)
{
    struct fixture *f = _load(state, "- macro: m\n  condition: or b\n  append: true\n"
                                     "- macro: n\n  condition: or b\n  override:\n"
                                     "    condition: append\n"
                                     "- macro: test-macro\n  condition: x\n"
                                     "- macro: r\n  condition: y\n  override:\n"
                                     "    condition: replace\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 1, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 4, 3);
    assert_diag_at(&f->d, DIAG_LOAD_INVALID_MACRO_NAME, 8, 10);
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 3, 3);
    assert_int_equal(f->d.len, 4);
    /* override: replace of a macro that does not exist defines it. */
    assert_string_equal(_macro(f, "r"), "y");
}

/* ---- rules ------------------------------------------------------------------------------- */

static void test_rule_append_override(void **state)
{
    struct fixture *f = _load(state, "- rule: r\n"
                                     "  desc: first\n"
                                     "  condition: evt.type = close\n"
                                     "  output: out\n"
                                     "  priority: INFO\n"
                                     "  tags: [t1]\n"
                                     "- rule: r\n"
                                     "  desc: second\n"
                                     "  condition: and proc.name = cat\n"
                                     "  output: more\n"
                                     "  tags: [t0, t1]\n"
                                     "  priority: error\n"
                                     "  enabled: false\n"
                                     "  override:\n"
                                     "    desc: append\n"
                                     "    condition: append\n"
                                     "    output: append\n"
                                     "    tags: append\n"
                                     "    priority: replace\n"
                                     "    enabled: replace\n"
                                     "- rule: r\n"
                                     "  condition: or x\n"
                                     "  append: true\n");
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 23, 3);
    assert_int_equal(f->d.len, 1);
    const struct rs_rule *r = ruleset_find_rule(f->rs, "r");
    assert_string_equal(r->condition.text, "evt.type = close and proc.name = cat or x");
    assert_string_equal(r->output.text, "out more");
    assert_string_equal(r->desc, "first second");
    assert_int_equal(r->ntags, 2);
    assert_string_equal(r->tags[0], "t0");
    assert_int_equal(r->priority, ALERT_PRIO_ERROR);
    assert_false(r->enabled);
}

static void test_rule_replace(void **state)
{
    struct fixture *f = _load(state, RULE("r", "evt.type = open")
                                         RULE("s", "b") "- rule: r\n"
                                                        "  desc: replaced\n"
                                                        "  condition: evt.type = close\n"
                                                        "  tags: [x]\n"
                                                        "  capture: true\n"
                                                        "  capture_duration: 5000\n"
                                                        "  warn_evttypes: false\n"
                                                        "  skip-if-unknown-filter: true\n"
                                                        "  override:\n"
                                                        "    desc: replace\n"
                                                        "    condition: replace\n"
                                                        "    tags: replace\n"
                                                        "    capture: replace\n"
                                                        "    capture_duration: replace\n"
                                                        "    warn_evttypes: replace\n"
                                                        "    skip-if-unknown-filter: replace\n");
    _assert_clean(f);
    const struct rs_rule *r = f->rs->rules[0];
    assert_string_equal(r->name, "r");
    assert_string_equal(r->condition.text, "evt.type = close");
    assert_string_equal(r->output.text, "o");
    assert_string_equal(r->desc, "replaced");
    assert_int_equal(r->ntags, 1);
    assert_true(r->capture);
    assert_int_equal(r->capture_duration, 5000);
    assert_false(r->warn_evttypes);
    assert_true(r->skip_if_unknown_filter);
    unsigned l, c;
    src_pos_linecol(r->condition_pos, &l, &c);
    assert_int_equal(l, 13);
}

static void test_output_container_info(void **state)
{
    struct fixture *f = _load(state, "- rule: r\n"
                                     "  desc: d\n"
                                     "  condition: c\n"
                                     "  output: shell %container.info (user=%user.name)\n"
                                     "  priority: info\n"
                                     "- rule: r\n"
                                     "  output: \"%container.info\"\n"
                                     "  override:\n"
                                     "    output: append\n");
    _assert_only(f, DIAG_LOAD_DEPRECATED_ITEM, 4, 17);
    const struct rs_rule *r = ruleset_find_rule(f->rs, "r");
    assert_string_equal(r->output.text, "shell  (user=%user.name) ");
    _assert_text_at(&r->output, "(user", 0, 4, 33);
}

static void test_rule_redefinition_order(void **state)
{
    struct fixture *f = _load(state, RULE("a", "x") RULE("b", "y") RULE("a", "z"));
    _assert_clean(f);
    assert_int_equal(f->rs->nrules, 2);
    assert_string_equal(f->rs->rules[0]->name, "a");
    assert_string_equal(f->rs->rules[0]->condition.text, "z");
    assert_string_equal(f->rs->rules[1]->name, "b");
    unsigned l, c;
    src_pos_linecol(f->rs->rules[0]->pos, &l, &c);
    assert_int_equal(l, 11);
}

static void test_rule_enabled_only(void **state)
{
    struct fixture *f = _load(state, RULE("r", "x") "- rule: r\n  enabled: false\n"
                                                    "- rule: nothing\n  enabled: true\n");
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 7, 3);
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 9, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 8, 3);
    assert_int_equal(f->d.len, 3);
    assert_false(ruleset_find_rule(f->rs, "r")->enabled);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_VALIDATE),
                        "Rule has 'enabled' key but no rule by that name already exists");
}

static void test_rule_enabled_ignored_by_append(void **state)
{
    struct fixture *f = _load(state, "- rule: r\n  desc: d\n  condition: c\n  output: o\n"
                                     "  priority: info\n  enabled: false\n"
                                     "- rule: r\n  condition: and d\n  append: true\n"
                                     "  enabled: true\n");
    assert_int_equal(f->rc, 0);
    assert_false(ruleset_find_rule(f->rs, "r")->enabled);
    assert_string_equal(_cond(f, "r"), "c and d");
}

static void test_rule_missing_keys(void **state)
{
    struct fixture *f = _load(state, "- rule: r\n  desc: d\n  condition: c\n  priority: info\n");
    _assert_only(f, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 3);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE),
                        "Item has no mapping for key 'output'");
    assert_int_equal(f->rc, -1);
    assert_int_equal(f->rs->nrules, 0);
    assert_string_equal(f->d.items[0].item, "rule 'r'");
    f = _load(state, "- rule: s\n  desc:\n  condition: c\n  output: o\n  priority: info\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 3);
    f = _load(state, "- rule: t\n  desc: \"\"\n  condition: c\n  output: o\n  priority: info\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 9);
    f = _load(state, "- rule: u\n  desc: [a]\n  condition: c\n  output: o\n  priority: info\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 9);
    f = _load(state, "- rule: v\n  tags: [a]\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 3); /* enabled-only: no enabled */
    f = _load(state, "- rule:\n  desc: d\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 3);
}

static void test_rule_wrong_types(void **state)
{
    struct fixture *f =
        _load(state, "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: loud\n");
    _assert_only(f, DIAG_LOAD_ERR_YAML_VALIDATE, 5, 13);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE), "Invalid priority");
    f = _load(state, RULE("a", "c") "  enabled: maybe\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 12);
    f = _load(state, RULE("b", "c") "  capture_duration: not_a_number\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 21);
    f = _load(state, RULE("c", "c") "  capture_duration: -1\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 21);
    f = _load(state, RULE("d", "c") "  capture_duration: 4294967296\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 21);
    f = _load(state, RULE("e", "c") "  tags: oops\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 9);
    f = _load(state, RULE("f", "c") "  tags: [a, [b]]\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 13);
    f = _load(state, RULE("g", "c") "  source:\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 6, 3);
    f = _load(state, "- list: l\n  items: a\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 10);
    f = _load(state, "- list: m\n  items:\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 9);
    f = _load(state, "- macro: n\n  condition: {a: b}\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 14);
    assert_int_equal(f->rs->nrules, 0);
    assert_int_equal(_count(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE), 11);
}

static void test_rule_override_errors(void **state)
{
    struct fixture *f = _load(
        state, RULE("r", "c") "- rule: r\n  priority: debug\n  override:\n    priority: append\n"
                              "- rule: r\n  desc: x\n  override:\n    desc: replace\n"
                              "    condition: append\n"
                              "- rule: r\n  desc: x\n  condition: y\n  override:\n"
                              "    desc: replace\n"
                              "- rule: r\n  desc: x\n  override:\n    desc: merge\n"
                              "- rule: r\n  desc: x\n  override: desc\n"
                              "- rule: r\n  source: syscall\n  override:\n    source: replace\n"
                              "- rule: r\n  desc: x\n  append: true\n  override:\n"
                              "    desc: append\n"
                              "- rule: r\n  enabled: true\n  override:\n    enabled: replace\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 9, 5);   /* cannot be appended */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 14, 5);  /* condition not defined */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 17, 3);  /* unexpected condition */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 23, 11); /* invalid operation */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 26, 13); /* not a mapping */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 30, 5);  /* cannot be replaced */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 31, 3);  /* append and override */
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 33, 3);
    assert_int_equal(_count(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE), 7);
    assert_int_equal(f->d.len, 8);
    assert_true(ruleset_find_rule(f->rs, "r")->enabled);
    const char *msgs[] = {"Key 'priority' cannot be appended to, use 'replace' instead",
                          "An append override for 'condition' was specified but 'condition' is "
                          "not defined",
                          "Unexpected key 'condition': no corresponding entry under 'override' is "
                          "defined.",
                          "Invalid override operation for key 'desc': 'merge'. Allowed values "
                          "are: append replace",
                          "Key 'source' cannot be replaced"};
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        bool found = false;
        for (size_t j = 0; j < f->d.len; j++)
            found |= strcmp(f->d.items[j].message, msgs[i]) == 0;
        if (!found)
            fail_msg("missing message: %s", msgs[i]);
    }
}

static void test_rule_undefined_targets(void **state)
{
    struct fixture *f =
        _load(state, "- rule: a\n  condition: x\n  append: true\n"
                     "- rule: b\n  condition: x\n  override:\n"
                     "    condition: append\n"
                     "- rule: c\n  condition: x\n  override:\n"
                     "    condition: replace\n" RULE("d", "y") "- rule: d\n  append: true\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 1, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 4, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 8, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 17, 3);
    assert_int_equal(_count(&f->d, DIAG_LOAD_ERR_VALIDATE), 4);
    assert_int_equal(f->rs->nrules, 1);
}

static void test_rule_sources(void **state)
{
    struct fixture *f = _load(state, "- rule: r\n  desc: d\n  condition: ka.verb = GET\n"
                                     "  output: o\n  priority: info\n  source: k8s_audit\n"
                                     "- rule: r\n  condition: and x\n  source: syscall\n"
                                     "  append: true\n"
                                     "- rule: r\n  condition: and y\n  source: \"\"\n"
                                     "  append: true\n"
                                     "- rule: r\n  condition: and z\n  source:\n  append: true\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 7, 3);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_VALIDATE),
                        "Rule has been re-defined with a different source");
    assert_int_equal(_count(&f->d, DIAG_LOAD_ERR_VALIDATE), 1);
    assert_string_equal(_cond(f, "r"), "ka.verb = GET and y and z");
}

static void test_unknown_keys_items(void **state)
{
    struct fixture *f = _load(state, RULE("r", "c") "  typo_field: 1\n"
                                                    "- list: l\n  items: []\n  priority: INFO\n"
                                                    "- something: else\n"
                                                    "- rule: s\n  condtion: x\n  desc: d\n"
                                                    "  output: o\n  priority: info\n");
    assert_diag_at(&f->d, DIAG_LOAD_UNKNOWN_KEY, 6, 3);
    assert_diag_at(&f->d, DIAG_LOAD_UNKNOWN_KEY, 9, 3);
    assert_diag_at(&f->d, DIAG_LOAD_UNKNOWN_ITEM, 10, 3);
    /* The misspelt key explains the missing one. */
    assert_diag_at(&f->d, DIAG_LOAD_UNKNOWN_KEY, 12, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 11, 3);
    assert_diag_at(&f->d, DIAG_LOAD_UNUSED_LIST, 7, 3);
    assert_int_equal(f->d.len, 6);
    assert_string_equal(_message(&f->d, DIAG_LOAD_UNKNOWN_KEY),
                        "Unknown key 'typo_field'. The key will be ignored.");
    assert_string_equal(_message(&f->d, DIAG_LOAD_UNKNOWN_ITEM), "Unknown top level item");
}

static void test_content_shape(void **state)
{
    struct fixture *f = _load(state, "rule: r\n");
    _assert_only(f, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 1);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE),
                        "Rules content is not yaml array of objects");
    f = _load(state, "just text\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 1);
    f = _load(state, "- [a, b]\n- plain\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 3);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 2, 3);
    assert_int_equal(f->d.len, 4);
}

/* ---- exceptions -------------------------------------------------------------------- */

#define EXC_RULE                                                                                   \
    "- rule: r\n"                                                                                  \
    "  desc: d\n"                                                                                  \
    "  condition: evt.type = open\n"                                                               \
    "  output: o\n"                                                                                \
    "  priority: info\n"                                                                           \
    "  exceptions:\n"

static void test_exception_single_field(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e1\n"
                                              "      fields: proc.name\n"
                                              "      values: [cat, \"my tool\", '\"q t\"']\n"
                                              "    - name: e2\n"
                                              "      fields: fd.name\n"
                                              "      comps: \" pmatch \"\n"
                                              "      values: [/tmp]\n"
                                              "    - name: e3\n"
                                              "      fields: proc.name\n"
                                              "      comps: startswith oneof\n"
                                              "      values: [a]\n");
    _assert_clean(f);
    assert_string_equal(_cond(f, "r"),
                        "(evt.type = open) and not (proc.name in (cat, \"my tool\", \"q t\"))"
                        " and not (fd.name pmatch (/tmp)) and not (proc.name startswith oneof "
                        "(a))");
}

static void test_exception_multi_fields(void **state)
{
    struct fixture *f = _load(state, SHELLS EXC_RULE "    - name: e\n"
                                                     "      fields: [proc.name, fd.name]\n"
                                                     "      comps: [=, startswith]\n"
                                                     "      values:\n"
                                                     "        - [a b, /etc]\n"
                                                     "        - [c, /tmp]\n"
                                                     "    - name: dflt\n"
                                                     "      fields: [proc.name, proc.pname]\n"
                                                     "      values: [[x, y]]\n"
                                                     "    - name: lists\n"
                                                     "      fields: [proc.name, proc.pname]\n"
                                                     "      comps: [in, startswith oneof]\n"
                                                     "      values: [[shells, [p, \"q r\"]]]\n");
    _assert_clean(f);
    assert_string_equal(_cond(f, "r"), "(evt.type = open)"
                                       " and not (( proc.name = \"a b\" and  fd.name startswith "
                                       "/etc) or ( proc.name = c and  fd.name startswith /tmp))"
                                       " and not (( proc.name = x and  proc.pname = y))"
                                       " and not (( proc.name in ( ash, bash ) and  proc.pname "
                                       "startswith oneof (p, \"q r\")))");
    assert_true(ruleset_find_list(f->rs, "shells")->used);
    const struct rs_rule *r = ruleset_find_rule(f->rs, "r");
    assert_int_equal(r->nexceptions, 3);
    assert_string_equal(r->exceptions[1].name, "dflt");
    unsigned l, c;
    src_pos_linecol(r->exceptions[1].pos, &l, &c);
    assert_int_equal(l, 15);
    assert_int_equal(c, 7);
}

static void test_exception_no_values(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e\n      fields: [proc.name]\n"
                                              "    - name: f\n      fields: proc.name\n"
                                              "      values: []\n");
    _assert_clean(f);
    assert_string_equal(_cond(f, "r"), "(evt.type = open)");
    f = _load(state, "- rule: s\n  desc: d\n  condition: c\n  output: o\n  priority: info\n"
                     "  exceptions:\n");
    assert_string_equal(_cond(f, "s"), "c");
}

static void test_exception_errors(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e\n"
                                              "      fields: [proc.name, fd.name]\n"
                                              "      values:\n"
                                              "        - [a, b]\n"
                                              "        - [c]\n");
    _assert_only(f, DIAG_LOAD_ERR_VALIDATE, 11, 11);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_VALIDATE),
                        "Fields and values lists must have equal length");
    /* The exception is left out; the rule stays. */
    assert_string_equal(_cond(f, "r"), "(evt.type = open)");

    static const struct {
        const char *exc;
        enum diag_code code;
        unsigned line, col;
        const char *msg;
    } cases[] = {
        {"    - name: e\n      fields: [a, b]\n      comps: [=]\n", DIAG_LOAD_ERR_VALIDATE, 9, 14,
         "Fields and comps lists must have equal length"},
        {"    - name: e\n      fields: [a]\n      comps: [frobulate oneof]\n",
         DIAG_LOAD_ERR_VALIDATE, 9, 15, "'frobulate oneof' is not a supported comparison operator"},
        {"    - name: e\n      fields: [a]\n      comps: [in oneof]\n", DIAG_LOAD_ERR_VALIDATE, 9,
         15, "'in oneof' is not a supported comparison operator"},
        {"    - name: e\n      fields: a\n      comps: \"=\"\n", DIAG_LOAD_ERR_VALIDATE, 9, 14,
         "When fields is a single value, comps must be one of (in, pmatch, intersects) or a "
         "modifier operator (e.g. startswith oneof)"},
        {"    - name: e\n      fields: a\n      comps: [in]\n", DIAG_LOAD_ERR_VALIDATE, 9, 14,
         "Fields and comps must both be strings"},
        {"    - name: e\n      fields: a\n      values: [[x]]\n", DIAG_LOAD_ERR_VALIDATE, 9, 16,
         "Expected values array to contain a list of strings"},
        {"    - name: e\n      fields: []\n", DIAG_LOAD_ERR_VALIDATE, 7, 7,
         "Rule exception item must have fields property with a list of fields"},
        {"    - name: e\n      values: [[x]]\n", DIAG_LOAD_ERR_YAML_VALIDATE, 7, 7,
         "Item has no mapping for key 'fields'"},
        {"    - fields: [a]\n", DIAG_LOAD_ERR_YAML_VALIDATE, 7, 7,
         "Item has no mapping for key 'name'"},
        {"    - name: e\n      fields: [a]\n      values: x\n", DIAG_LOAD_ERR_YAML_VALIDATE, 9, 15,
         "Rule exception values must be a sequence"},
        {"    - name: e\n      fields: [a]\n      values: [[[[x]]]]\n", DIAG_LOAD_ERR_YAML_VALIDATE,
         9, 18, "Value is nested too deeply: expected a string"},
        {"    - name: e\n      fields: \"\"\n", DIAG_LOAD_ERR_YAML_VALIDATE, 8, 15,
         "Value must be non-empty"},
        {"    - just a string\n", DIAG_LOAD_ERR_YAML_VALIDATE, 7, 7,
         "Rule exception must be a mapping"},
        {"    name: e\n", DIAG_LOAD_ERR_YAML_VALIDATE, 7, 5, "Rule exceptions must be a sequence"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char yaml[1024];
        snprintf(yaml, sizeof(yaml), "%s%s", EXC_RULE, cases[i].exc);
        struct fixture *g = *state;
        diag_list_free(&g->d);
        g->d = (struct diag_list){0};
        ruleset_free(&g->rs);
        g->rs = ruleset_new();
        _load(state, yaml);
        assert_diag_at(&g->d, cases[i].code, cases[i].line, cases[i].col);
        if (strcmp(_message(&g->d, cases[i].code), cases[i].msg) != 0)
            fail_msg("case %zu: '%s'", i, _message(&g->d, cases[i].code));
        assert_int_equal(g->rc, -1);
    }
}

static void test_exception_names_unique(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e\n      fields: [a]\n"
                                              "      values: [[x]]\n"
                                              "    - name: e\n      fields: [b]\n"
                                              "      comps: [endswith]\n      values: [[y]]\n");
    _assert_only(f, DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, 10, 7);
    assert_string_equal(_message(&f->d, DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE),
                        "Multiple definitions of exception 'e' in the same rule");
    assert_string_equal(_cond(f, "r"),
                        "(evt.type = open) and not (( a = x)) and not (( b endswith y))");
}

static void test_exception_append(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e\n      fields: proc.name\n"
                                              "      values: [a]\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: e\n      values: [b]\n"
                                              "    - name: n\n      fields: [fd.name]\n"
                                              "      values: [[/x]]\n"
                                              "  override:\n    exceptions: append\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: e\n      values: [c]\n"
                                              "  append: true\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: e\n      value: typo\n"
                                              "  override:\n    exceptions: append\n");
    assert_diag_at(&f->d, DIAG_LOAD_DEPRECATED_ITEM, 23, 3);
    assert_diag_at(&f->d, DIAG_LOAD_APPEND_NO_VALUES, 26, 7);
    assert_diag_at(&f->d, DIAG_LOAD_UNKNOWN_KEY, 27, 7);
    assert_int_equal(f->d.len, 3);
    assert_string_equal(_cond(f, "r"), "(evt.type = open) and not (proc.name in (a, b, c))"
                                       " and not (( fd.name = /x))");
}

static void test_exception_append_errors(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e\n      fields: proc.name\n"
                                              "      values: [a]\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: e\n      fields: proc.pname\n"
                                              "      values: [b]\n"
                                              "  override:\n    exceptions: append\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: e\n      comps: pmatch\n"
                                              "      values: [b]\n"
                                              "  override:\n    exceptions: append\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: new\n      values: [b]\n"
                                              "  override:\n    exceptions: append\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: new\n      fields: proc.name\n"
                                              "  override:\n    exceptions: append\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: e\n      values: [id]\n"
                                              "  override:\n    exceptions: replace\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 12, 7); /* fields for an existing one */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 19, 7); /* comps for an existing one */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 26, 7); /* a new one without fields */
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 32, 7); /* a new one without values */
    assert_diag_at(&f->d, DIAG_LOAD_APPEND_NO_VALUES, 32, 7);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 38, 7); /* replace needs fields */
    assert_int_equal(f->d.len, 6);
    assert_string_equal(_cond(f, "r"), "(evt.type = open) and not (proc.name in (a))");
}

static void test_exception_replace(void **state)
{
    struct fixture *f = _load(state, EXC_RULE "    - name: e\n      fields: proc.name\n"
                                              "      values: [a]\n"
                                              "- rule: r\n  exceptions:\n"
                                              "    - name: f\n      fields: [fd.name]\n"
                                              "      values: [[b]]\n"
                                              "  override:\n    exceptions: replace\n");
    _assert_clean(f);
    assert_string_equal(_cond(f, "r"), "(evt.type = open) and not (( fd.name = b))");
}

/* ---- version requirements ---------------------------------------------------------------- */

static void test_engine_version(void **state)
{
    struct fixture *f = _load(state, "- required_engine_version: 26\n"
                                     "- required_engine_version: 0.57.0\n"
                                     "- required_engine_version: \"0.10.3\"\n");
    _assert_clean(f);
    assert_int_equal(f->rs->engine_major, 0);
    assert_int_equal(f->rs->engine_minor, 57);
    assert_int_equal(f->rs->engine_patch, 0);
    f = _load(state, "- required_engine_version: seven\n"
                     "- required_engine_version: 0.99.0\n"
                     "- required_engine_version: 1.0.0\n"
                     "- required_engine_version: 64\n"
                     "- required_engine_version:\n"
                     "- required_engine_version: 63\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 28);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 2, 28);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 3, 28);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 4, 28);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 5, 3);
    assert_int_equal(f->d.len, 5);
    assert_string_equal(_message(&f->d, DIAG_LOAD_ERR_VALIDATE),
                        "Rules require engine version 0.99.0, but engine version is 0.63.0");
    assert_int_equal(f->rs->engine_minor, 63);
}

static void test_plugin_versions(void **state)
{
    struct fixture *f = _load(state, "- required_plugin_versions:\n"
                                     "    - name: container\n"
                                     "      version: 0.4.0\n"
                                     "    - name: k8saudit\n"
                                     "      version: 0.7.0\n"
                                     "      alternatives:\n"
                                     "        - name: k8saudit-eks\n"
                                     "          version: 0.4.0\n");
    _assert_clean(f);
    f = _load(state, "- required_plugin_versions: container\n"
                     "- required_plugin_versions:\n    - name: a\n"
                     "- required_plugin_versions:\n    - name: a\n      version: latest\n"
                     "- required_plugin_versions:\n    - name: a\n      version: 1.0.0\n"
                     "      alternatives:\n        - name: a\n          version: 1.0.0\n"
                     "- required_plugin_versions:\n    - x\n");
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 1, 29);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 3, 7);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 6, 16);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_VALIDATE, 11, 11);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_VALIDATE, 14, 7);
    assert_int_equal(f->d.len, 5);
}

/* ---- positions ------------------------------------------------------------------------ */

static void test_pos_folded(void **state)
{
    struct fixture *f = _load(state, "- rule: r\n"
                                     "  desc: d\n"
                                     "  condition: >\n"
                                     "    evt.type = open\n"
                                     "    and proc.name = x\n"
                                     "      and   target.field = 1\n"
                                     "\n"
                                     "    and last\n"
                                     "  output: o\n"
                                     "  priority: info\n");
    _assert_clean(f);
    const struct rs_rule *r = ruleset_find_rule(f->rs, "r");
    assert_string_equal(
        r->condition.text,
        "evt.type = open and proc.name = x\n  and   target.field = 1\n\nand last\n");
    _assert_text_at(&r->condition, "evt.type", 0, 4, 5);
    _assert_text_at(&r->condition, "proc.name", 0, 5, 9);
    _assert_text_at(&r->condition, "target.field", 0, 6, 13);
    _assert_text_at(&r->condition, "last", 0, 8, 9);
    assert_ptr_equal(r->condition.map.file, f->rs->files[0]);
    assert_int_equal(r->condition.map.len, r->condition.len);
}

/* The condition parser's own error lands inside the block, on the line and
 * under the token that is wrong. */
static void test_pos_parser_error_in_block(void **state)
{
    struct fixture *f = _load(state, "- macro: m\n"
                                     "  condition: >\n"
                                     "    evt.type = open and\n"
                                     "    proc.name = bash\n"
                                     "    and fd.name = = x\n");
    _assert_clean(f);
    const struct rs_macro *m = ruleset_find_macro(f->rs, "m");
    struct arena *arena = arena_new();
    struct diag_list d = {0};
    assert_null(condition_parse(arena, m->condition.text, m->condition.len, &m->condition.map, &d));
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].code, DIAG_LOAD_ERR_COMPILE_CONDITION);
    assert_ptr_equal(d.items[0].pos.file, f->rs->files[0]);
    unsigned l, c;
    src_pos_linecol(d.items[0].pos, &l, &c);
    assert_int_equal(l, 5);
    assert_in_range(c, 17, 20); /* the second '=' or what follows it */
    diag_list_free(&d);
    arena_free(&arena);
}

static void test_pos_literal_plain_quoted(void **state)
{
    struct fixture *f = _load(state, "- macro: lit\n"
                                     "  condition: |-\n"
                                     "    a and\n"
                                     "      b and c\n"
                                     "- macro: plain\n"
                                     "  condition: one and\n"
                                     "    two\n"
                                     "\n"
                                     "    three\n"
                                     "- macro: single\n"
                                     "  condition: 'it''s and\n"
                                     "    here'\n"
                                     "- macro: double\n"
                                     "  condition: \"\\t\\u00e9 \\\"q\\\" and \\\n"
                                     "    next \\x41fter\"\n"
                                     "- macro: crlf\r\n"
                                     "  condition: >\r\n"
                                     "    a\r\n"
                                     "    b\r\n");
    _assert_clean(f);
    const struct rs_macro *m = ruleset_find_macro(f->rs, "lit");
    assert_string_equal(m->condition.text, "a and\n  b and c");
    _assert_text_at(&m->condition, "c", 0, 4, 13);
    m = ruleset_find_macro(f->rs, "plain");
    assert_string_equal(m->condition.text, "one and two\nthree");
    _assert_text_at(&m->condition, "two", 0, 7, 5);
    _assert_text_at(&m->condition, "three", 0, 9, 5);
    m = ruleset_find_macro(f->rs, "single");
    assert_string_equal(m->condition.text, "it's and here");
    _assert_text_at(&m->condition, "s and", 0, 11, 19);
    _assert_text_at(&m->condition, "here", 0, 12, 5);
    m = ruleset_find_macro(f->rs, "double");
    assert_string_equal(m->condition.text, "\t\xc3\xa9 \"q\" and next After");
    _assert_text_at(&m->condition, "\xc3\xa9", 0, 14, 17);
    _assert_text_at(&m->condition, "q", 0, 14, 26);
    _assert_text_at(&m->condition, "next", 0, 15, 5);
    _assert_text_at(&m->condition, "After", 0, 15, 10);
    _assert_text_at(&m->condition, "fter", 0, 15, 14);
    m = ruleset_find_macro(f->rs, "crlf");
    assert_string_equal(m->condition.text, "a b\n");
    _assert_text_at(&m->condition, "b", 0, 19, 5);
}

static void test_pos_utf8_columns(void **state)
{
    /* libyaml counts characters; positions are bytes. */
    struct fixture *f =
        _load(state, "- macro: m\n  condition: proc.name = \"\xc3\xa9\xc3\xa9\" and "
                     "x\n");
    const struct rs_macro *m = ruleset_find_macro(f->rs, "m");
    _assert_text_at(&m->condition, "x", 0, 2, 37);
    f = _load(state, "\xef\xbb\xbf- macro: bom\n  condition: y\n");
    _assert_text_at(&ruleset_find_macro(f->rs, "bom")->condition, "y", 0, 2, 14);
}

static void test_pos_substitution(void **state)
{
    struct fixture *f = _load(state, SHELLS "- rule: r\n"
                                            "  desc: d\n"
                                            "  condition: >\n"
                                            "    evt.type = execve and\n"
                                            "    proc.name in (shells) and after\n"
                                            "  output: o\n"
                                            "  priority: info\n"
                                            "  exceptions:\n"
                                            "    - name: e\n"
                                            "      fields: [proc.pname]\n"
                                            "      values:\n"
                                            "        - [\"bad value\"]\n");
    _assert_clean(f);
    const struct cond_text *c = &ruleset_find_rule(f->rs, "r")->condition;
    /* Substituted items stand where the list name stood. */
    _assert_text_at(c, "bash", 0, 7, 19);
    _assert_text_at(c, "after", 0, 7, 31);
    _assert_text_at(c, "evt.type", 0, 6, 5);
    /* Exception text maps to its YAML nodes. */
    _assert_text_at(c, "proc.pname", 0, 12, 16);
    _assert_text_at(c, "bad value", 0, 14, 13);
    _assert_text_at(c, "\"bad value\"", 0, 14, 13);
    _assert_text_at(c, " and not", 0, 11, 7);
}

static void test_pos_across_files(void **state)
{
    struct fixture *f = *state;
    const char *a = RULE("r", "evt.type = open");
    const char *b = "# user file\n"
                    "- rule: r\n"
                    "  condition: and proc.name = bad(\n"
                    "  override:\n"
                    "    condition: append\n";
    assert_int_equal(ruleset_load_buffer(f->rs, "a.yaml", a, strlen(a), &f->d), 0);
    assert_int_equal(ruleset_load_buffer(f->rs, "b.yaml", b, strlen(b), &f->d), 0);
    const struct rs_rule *r = ruleset_find_rule(f->rs, "r");
    assert_string_equal(r->condition.text, "evt.type = open and proc.name = bad(");
    /* The text is mapped into the file that changed it last; the earlier
     * part stands at that change. */
    assert_ptr_equal(r->condition.map.file, f->rs->files[1]);
    _assert_text_at(&r->condition, "bad(", 0, 3, 30);
    _assert_text_at(&r->condition, "evt.type", 0, 2, 3);
    assert_int_equal(r->condition.map.offsets[r->condition.len], strstr(b, "bad(") - b + 4);
}

/* ---- YAML errors ----------------------------------------------------------------------- */

static void test_yaml_errors(void **state)
{
    static const struct {
        const char *yaml;
        unsigned line, col;
    } cases[] = {
        {"- rule: x\n\tdesc: y\n", 2, 1},
        {"- list: a\n  items: [a, b\n", 3, 1},
        {"- macro: m\n  condition: \"abc\n", 3, 1},
        {"- list: a\n   items: [x]\n  bad: 1\n", 2, 9},
        {"- list: a\n  items: *nope\n", 2, 10},
        {"- list: &a [*a]\n", 1, 13},
        {"- macro: m\n  condition: \"\\q\"\n", 2, 15},
        {"- macro: m\n  condition: x\x01y\n", 2, 15},
        {"- macro: m\n  condition: \xff\n", 2, 14},
        {RULE("ok", "x") "---\n- [\n", 8, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture *f = *state;
        diag_list_free(&f->d);
        f->d = (struct diag_list){0};
        _load(state, cases[i].yaml);
        if (f->d.len != 1 || f->d.items[0].code != DIAG_LOAD_ERR_YAML_PARSE) {
            print_error("case %zu:\n", i);
            _print_diags(&f->d);
            fail();
        }
        assert_diag_at(&f->d, DIAG_LOAD_ERR_YAML_PARSE, cases[i].line, cases[i].col);
        assert_int_equal(f->rc, -1);
    }
    /* A syntax error anywhere: nothing of the file loads, as in Falco. */
    assert_int_equal((*(struct fixture **)state)->rs->nrules, 0);
}

static void test_aliases(void **state)
{
    struct fixture *f = _load(state, "- list: a\n  items: &items [x, y]\n"
                                     "- list: b\n  items: *items\n"
                                     "- macro: m\n  condition: &c a_cond\n"
                                     "- rule: r\n  desc: d\n  condition: *c\n  output: o\n"
                                     "  priority: info\n");
    assert_int_equal(f->rc, 0);
    assert_int_equal(ruleset_find_list(f->rs, "b")->nitems, 2);
    assert_string_equal(_cond(f, "r"), "a_cond");
}

static void test_alias_bomb(void **state)
{
    char *yaml = malloc(1 << 20);
    size_t n = (size_t)sprintf(yaml, "- list: a\n  items: &a0 [");
    for (int i = 0; i < 1000; i++)
        n += (size_t)sprintf(yaml + n, "x%d, ", i);
    n += (size_t)sprintf(yaml + n, "y]\n");
    for (int level = 1; level < 8; level++) {
        n += (size_t)sprintf(yaml + n, "- list: l%d\n  items: &a%d [", level, level);
        for (int i = 0; i < 10; i++)
            n += (size_t)sprintf(yaml + n, "*a%d, ", level - 1);
        n += (size_t)sprintf(yaml + n, "z]\n");
    }
    struct fixture *f = _load(state, yaml);
    free(yaml);
    assert_int_equal(_count(&f->d, DIAG_LOAD_ERR_YAML_PARSE), 1);
    assert_non_null(strstr(_message(&f->d, DIAG_LOAD_ERR_YAML_PARSE), "too many alias"));
}

/* ---- files and the corpus ------------------------------------------------------------------ */

static void test_load_files(void **state)
{
    struct fixture *f = *state;
    char a[] = "/tmp/rulec_load_a_XXXXXX", b[] = "/tmp/rulec_load_b_XXXXXX";
    int fa = mkstemp(a), fb = mkstemp(b);
    assert_true(fa >= 0 && fb >= 0);
    const char *ta = "- list: l\n  items: [x]\n" RULE("r", "proc.name in (l)");
    const char *tb = "- list: l\n  items: [y]\n  override:\n    items: append\n";
    assert_int_equal(write(fa, ta, strlen(ta)), (ssize_t)strlen(ta));
    assert_int_equal(write(fb, tb, strlen(tb)), (ssize_t)strlen(tb));
    close(fa);
    close(fb);
    const char *paths[] = {a, b, "/nonexistent/rules.yaml", "/tmp"};
    f->rc = ruleset_load_files(f->rs, paths, 4, &f->d);
    unlink(a);
    unlink(b);
    assert_int_equal(_count(&f->d, DIAG_LOAD_ERR_FILE_READ), 2);
    assert_diag_at(&f->d, DIAG_LOAD_ERR_FILE_READ, 1, 1);
    assert_int_equal(f->d.len, 2);
    assert_int_equal(f->rc, -1);
    assert_string_equal(f->d.items[0].pos.file->path, "/nonexistent/rules.yaml");
    assert_string_equal(f->d.items[0].message,
                        "cannot read rules file '/nonexistent/rules.yaml': No such file or "
                        "directory");
    assert_non_null(strstr(f->d.items[1].message, "Is a directory"));
    /* A later file appends to a list an earlier file's rule uses. */
    assert_string_equal(_cond(f, "r"), "proc.name in ( x, y )");
    assert_int_equal(f->rs->nfiles, 4);
}

/* Each corpus file starts with "# expect: CODE L:C ..." (or "none"); an
 * empty file expects nothing. Exactly those diagnostics must come out. */
static void _corpus_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct src_file *src = src_file_read(path, 0);
    assert_non_null(src);
    char expect[512] = "";
    const char *text = src->text;
    if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
        text += 3;
    if (strncmp(text, "# expect:", 9) == 0) {
        size_t n = strcspn(text + 9, "\r\n");
        snprintf(expect, sizeof(expect), "%.*s", (int)n, text + 9);
    }
    struct ruleset *rs = ruleset_new();
    struct diag_list d = {0};
    int rc = ruleset_load_buffer(rs, name, src->text, src->len, &d);
    size_t expected = 0;
    bool any_error = false;
    for (char *save = NULL, *tok = strtok_r(expect, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        if (strcmp(tok, "none") == 0)
            break;
        char *at = strtok_r(NULL, " ", &save);
        unsigned line = 0, col = 0;
        enum diag_code code = diag_code_from_name(tok);
        if (code == DIAG_CODE_MAX || !at || sscanf(at, "%u:%u", &line, &col) != 2)
            fail_msg("%s: bad expectation", name);
        print_message("%s: %s at %u:%u\n", name, tok, line, col);
        any_error |= diag_code_severity(code) == DIAG_ERROR;
        assert_diag_at(&d, code, line, col);
        expected++;
    }
    if (d.len != expected) {
        print_error("%s: %zu diagnostics, expected %zu:\n", name, d.len, expected);
        _print_diags(&d);
        fail();
    }
    assert_int_equal(rc, any_error ? -1 : 0);
    diag_list_free(&d);
    ruleset_free(&rs);
    src_file_free(&src);
}

static int _name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_corpus(void **state)
{
    (void)state;
    const char *dir = "tests/corpus/load";
    DIR *dh = opendir(dir);
    if (!dh) {
        dir = "../../tests/corpus/load";
        dh = opendir(dir);
    }
    assert_non_null(dh);
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dh)) && n < 256;)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(dh);
    qsort(names, n, sizeof(char *), _name_cmp);
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        _corpus_file(dir, names[i]);
        free(names[i]);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, _setup, _teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_empty_inputs),
        T(test_rule_keys),
        T(test_multi_document),
        T(test_find),
        T(test_list_forms),
        T(test_list_quoting),
        T(test_list_empty),
        T(test_list_nested),
        T(test_list_used),
        T(test_list_names),
        T(test_list_append_override),
        T(test_list_append_undefined),
        T(test_macro_text),
        T(test_macro_append_true),
        T(test_macro_errors),
        T(test_rule_append_override),
        T(test_rule_replace),
        T(test_output_container_info),
        T(test_rule_redefinition_order),
        T(test_rule_enabled_only),
        T(test_rule_enabled_ignored_by_append),
        T(test_rule_missing_keys),
        T(test_rule_wrong_types),
        T(test_rule_override_errors),
        T(test_rule_undefined_targets),
        T(test_rule_sources),
        T(test_unknown_keys_items),
        T(test_content_shape),
        T(test_exception_single_field),
        T(test_exception_multi_fields),
        T(test_exception_no_values),
        T(test_exception_errors),
        T(test_exception_names_unique),
        T(test_exception_append),
        T(test_exception_append_errors),
        T(test_exception_replace),
        T(test_engine_version),
        T(test_plugin_versions),
        T(test_pos_folded),
        T(test_pos_parser_error_in_block),
        T(test_pos_literal_plain_quoted),
        T(test_pos_utf8_columns),
        T(test_pos_substitution),
        T(test_pos_across_files),
        T(test_yaml_errors),
        T(test_aliases),
        T(test_alias_bomb),
        T(test_load_files),
        T(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
