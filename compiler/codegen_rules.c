/* Code generation, the rules: one function per rule and program that runs it, answering
 * RULEC_NO, RULEC_YES or RULEC_MAYBE. A rule's lowered condition is printed as statements: each
 * Kleene AND or OR is a do { } while (0) with its result in a variable, its operands one per line
 * (RULEC_AND, RULEC_OR of compiler/bpf/rulec_tri.h: an AND stops at the first no, an OR at the
 * first yes, a maybe is remembered), each atom named by a comment. */
#include "compiler/codegen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cg_rule_fn(const struct plan *p, size_t rule, size_t group)
{
    return plan_rule_ngroups(p, rule) > 1
               ? arena_printf(p->arena, "rulec_rule%zu_g%zu", rule, group)
               : arena_printf(p->arena, "rulec_rule%zu", rule);
}

void cg_comment(struct strbuf *c, const char *text)
{
    /* A slash next to a star gets a space between them. */
    char prev = 0;
    for (const char *p = text; *p; prev = *p++) {
        if ((prev == '/' && *p == '*') || (prev == '*' && *p == '/'))
            strbuf_puts(c, " ");
        if (*p == '\n')
            strbuf_puts(c, "\n *   ");
        else
            strbuf_append(c, p, 1);
    }
}

/* A condition's text in a comment after a statement that ends at column col: one line, cut (at
 * a character boundary) so that the line stays within 100 columns; the atom's own function
 * comment has the whole text. */
#define CG_WIDTH 100

static void _note(struct strbuf *sb, size_t col, const char *text, const char *tail, bool alone)
{
    size_t n = strlen(text), room = CG_WIDTH > col + 7 ? CG_WIDTH - col - 7 : 0;
    room = room > strlen(tail) + 12 ? room - strlen(tail) : 12;
    bool cut = n > room;
    if (cut) {
        n = room - 3;
        while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
    }
    char line[CG_WIDTH * 4];
    snprintf(line, sizeof(line), "%.*s%s%s", (int)n, text, cut ? "..." : "", tail);
    for (char *c = line; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    strbuf_puts(sb, alone ? "/* " : " /* ");
    cg_comment(sb, line);
    strbuf_puts(sb, " */");
}

/* A rule's condition in its comment, wrapped at spaces (inside quoted constants too: it is only
 * read). */
static void _wrapped(struct strbuf *sb, const char *text, size_t indent)
{
    size_t col = indent;
    bool first = true; /* of its line */
    while (*text) {
        size_t n = strcspn(text, " ");
        if (!first && col + 1 + n > CG_WIDTH - 3) {
            strbuf_puts(sb, "\n *     ");
            col = 7;
        } else if (!first) {
            strbuf_puts(sb, " ");
            col++;
        }
        char *word = strndup(text, n);
        cg_comment(sb, word);
        free(word);
        first = false;
        col += n;
        text += n;
        text += strspn(text, " ");
    }
}

/* ---- a condition as statements --------------------------------------------------------------- */

struct cg_expr {
    const struct plan *p;
    const struct ptr_vec *events; /* the program's syscalls: evt.type tests fold against them */
    unsigned tmp;                 /* the next Kleene variable: r0, r1, ... in each function */
};

/* An operand: the C expression of its answer, the constant answer when the plan decided it for
 * the program (-1 otherwise), the condition it stands for (NULL for an AND or OR) and, for a
 * constant, why. */
struct cg_operand {
    const char *value;
    int constant;
    const char *note;
    const char *why;
};

static const char *const _tri_names[] = {"RULEC_NO", "RULEC_YES", "RULEC_MAYBE"};

static void _indent(struct strbuf *sb, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        strbuf_puts(sb, "    ");
}

static struct cg_operand _operand(struct cg_expr *x, const struct ast_node *n, unsigned depth);

/* The statements of a Kleene AND or OR, at depth: its variable, then its operands in order in
 * a do { } while (0), one statement each. An operand the program's syscalls decide the
 * identity way (yes in an AND, no in an OR) changes nothing and is only named. */
static unsigned _group(struct cg_expr *x, const struct ast_node *n, unsigned depth,
                       struct strbuf *sb)
{
    bool is_and = n->kind == AST_AND;
    unsigned t = x->tmp++;
    _indent(sb, depth);
    strbuf_printf(sb, "RULEC_NODEBUG enum rulec_tri r%u = %s; /* %s */\n", t,
                  is_and ? "RULEC_YES" : "RULEC_NO",
                  is_and ? "and: the first no decides" : "or: the first yes decides");
    _indent(sb, depth);
    strbuf_puts(sb, "do {\n");
    _indent(sb, depth + 1);
    strbuf_printf(sb, "RULEC_NODEBUG enum rulec_tri v%u;\n", t);
    for (size_t i = 0; i < n->list.nkids; i++) {
        struct cg_operand o = _operand(x, n->list.kids[i], depth + 1);
        _indent(sb, depth + 1);
        if (o.constant == (is_and ? 1 : 0)) {
            _note(sb, 4 * (depth + 1) - 1, o.note,
                  is_and ? ": yes on this program's syscalls" : ": no on this program's syscalls",
                  true);
            strbuf_puts(sb, "\n");
            continue;
        }
        size_t start = sb->len;
        strbuf_printf(sb, "%s(r%u, v%u, %s);", is_and ? "RULEC_AND" : "RULEC_OR", t, t, o.value);
        const char *last = strrchr(sb->data + start, '\n');
        size_t col = 4 * (depth + 1) + sb->len - start;
        if (last)
            col = (size_t)(sb->data + sb->len - last - 1);
        if (o.note)
            _note(sb, col, o.note, o.why, false);
        strbuf_puts(sb, "\n");
    }
    _indent(sb, depth);
    strbuf_puts(sb, "} while (0);\n");
    return t;
}

/* An operand's answer. A nested AND or OR is a statement expression whose lines start at
 * depth: its own scope, as clang compiles it best (a plain block gives other code). */
static struct cg_operand _operand(struct cg_expr *x, const struct ast_node *n, unsigned depth)
{
    struct arena *arena = x->p->arena;
    switch (n->kind) {
    case AST_BOOL:
        return (struct cg_operand){_tri_names[n->value ? 1 : 0], n->value ? 1 : 0,
                                   n->value ? "true" : "false", ""};
    case AST_CMP: {
        int folded;
        const struct plan_atom *a = plan_atom_for(x->p, n, x->events, &folded);
        if (a)
            return (struct cg_operand){
                arena_printf(arena, "rulec_atom%zu(e)", (size_t)(a - x->p->atoms)), -1, a->key, ""};
        /* Folded for the program's syscalls (evt.type), or not for the kernel at all. */
        const char *why = folded >= 0 ? ": this program's syscalls decide" : ": userspace decides";
        if (folded < 0 || folded > 2)
            folded = 2;
        return (struct cg_operand){_tri_names[folded], folded, ast_to_string(arena, n), why};
    }
    case AST_NOT: {
        /* Not folded, even of a constant: clang then lays the rest of the rule out as it
         * always has (folding changes the code it makes). */
        struct cg_operand o = _operand(x, n->operand, depth);
        o.constant = -1;
        o.value = arena_printf(arena, "rulec_tri_not(%s)", o.value);
        if (o.note)
            o.note = arena_printf(arena, "not %s", o.note);
        return o;
    }
    case AST_AND:
    case AST_OR: {
        struct strbuf sb = {0};
        strbuf_puts(&sb, "({\n");
        unsigned t = _group(x, n, depth + 1, &sb);
        _indent(&sb, depth + 1);
        strbuf_printf(&sb, "r%u;\n", t);
        _indent(&sb, depth);
        strbuf_puts(&sb, "})");
        struct cg_operand o = {arena_strndup(arena, sb.data, sb.len), -1, NULL, ""};
        strbuf_free(&sb);
        return o;
    }
    default:
        return (struct cg_operand){"RULEC_MAYBE", 2, "(no kernel form)", ""};
    }
}

/* A rule's condition in its function: an AND or OR as statements, its variable the answer. */
static struct cg_operand _condition(struct cg_expr *x, const struct ast_node *n, struct strbuf *out)
{
    if (n->kind != AST_AND && n->kind != AST_OR)
        return _operand(x, n, 1);
    unsigned t = _group(x, n, 1, out);
    return (struct cg_operand){arena_printf(x->p->arena, "r%u", t), -1, NULL, ""};
}

void cg_rules(const struct plan *p, struct strbuf *out)
{
    struct cg_expr x = {.p = p};
    for (size_t i = 0; i < p->nrules; i++) {
        const struct rs_rule *rule = p->rules[i].rule;
        strbuf_printf(out, "/* rule %zu: ", i);
        cg_comment(out, rule->name);
        strbuf_puts(out, "\n *   condition: ");
        _wrapped(out, ast_to_string(p->arena, rule->lowered), 15);
        strbuf_printf(out, "\n *   %s\n */\n",
                      rule->split.exact ? "decided in the kernel"
                                        : "partly in userspace (its atoms that answer RULEC_MAYBE "
                                          "whatever the event are decided there)");
        for (size_t gi = 0; gi < p->ngroups; gi++) {
            if (!plan_group_has_rule(&p->groups[gi], i))
                continue;
            x.events = &p->groups[gi].events;
            x.tmp = 0;
            strbuf_printf(out,
                          "__noinline int %s(void)\n{\n"
                          "    __u32 zero = 0;\n"
                          "    struct rulec_event *e = bpf_map_lookup_elem(&rulec_event_scratch, "
                          "&zero);\n"
                          "    if (!e)\n        return RULEC_MAYBE;\n",
                          cg_rule_fn(p, i, gi));
            if (p->profile)
                strbuf_puts(out, "    RULEC_PROF_START();\n");
            struct cg_operand o = _condition(&x, p->rules[i].expr, out);
            if (p->profile)
                strbuf_printf(out,
                              "    RULEC_NODEBUG enum rulec_tri r = %s;\n"
                              "    RULEC_PROF_STOP(%zu);\n    return r;\n}\n\n",
                              o.value, plan_profile_rule(p, i));
            else {
                size_t start = out->len;
                strbuf_printf(out, "    return %s;", o.value);
                if (o.note)
                    _note(out, out->len - start, o.note, o.why, false);
                strbuf_puts(out, "\n}\n\n");
            }
        }
    }
}
