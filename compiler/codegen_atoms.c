/* Code generation, the atoms: one function per distinct comparison the kernel decides (the plan's
 * atoms), answering RULEC_NO, RULEC_YES or RULEC_MAYBE (compiler/bpf/rulec_tri.h), and the
 * register tests of evt.arg atoms. Each atom fills the slots it reads, answers from their
 * statuses when they do not hold whole values (RULEC_UNREAD), and otherwise tests the value
 * against its constants. An atom several rules ask for is decided once per event: its memo bit
 * in the event keeps the answer. */
#include "compiler/codegen_internal.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/check.h"
#include "compiler/split.h"
#include "core/evttypes.h"
#include "core/ipaddr.h"
#include "core/rulec_abi.h"
#include "core/sysargs.h"
#include "core/text.h"

void cg_c_string(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_puts(sb, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            strbuf_printf(sb, "\\%c", ch);
        else if (ch >= 0x20 && ch < 0x7f && ch != '?')
            strbuf_printf(sb, "%c", ch);
        else
            strbuf_printf(sb, "\\%03o", ch);
    }
    strbuf_puts(sb, "\"");
}

/* ---- the pieces of an atom's body ------------------------------------------------------------ */

/* A test's truth as an answer: C's 1 is RULEC_YES and 0 RULEC_NO ("1" and "0": constants). */
static void _tri_of(struct strbuf *sb, const char *test)
{
    if (!strcmp(test, "1") || !strcmp(test, "0"))
        strbuf_puts(sb, test[0] == '1' ? "RULEC_YES" : "RULEC_NO");
    else
        strbuf_printf(sb, "(enum rulec_tri)(%s)", test);
}

/* The answer of an atom on slot si: value (an expression, or a statement expression of several
 * lines) when the slot holds the whole value, else what its status says. One expression, as
 * the atom's single return: clang lays the whole value's case out first. h: the value's header
 * is read. */
static void _return_on_slot(struct strbuf *sb, size_t si, bool h, const char *value)
{
    strbuf_printf(sb, "    int st = rulec_slot%zu();\n", si);
    if (h)
        strbuf_printf(sb, "    const struct rulec_slot_hdr *h = &e->s%zu.h;\n", si);
    if (strchr(value, '\n') || strlen(value) + 60 <= 100)
        strbuf_printf(sb, "    return st == RULEC_SLOT_OK ? %s : RULEC_UNREAD(st);\n", value);
    else
        strbuf_printf(sb,
                      "    return st == RULEC_SLOT_OK\n"
                      "               ? %s\n"
                      "               : RULEC_UNREAD(st);\n",
                      value);
}

/* Zero-padded string slots compare as 64-bit words against constants. */
static void _word_compare(struct strbuf *sb, const char *data, const char *s, size_t n, bool prefix)
{
    size_t words = (n + 7) / 8;
    if (words == 0) {
        strbuf_puts(sb, "1");
        return;
    }
    for (size_t w = 0; w < words; w++) {
        uint64_t word = 0, mask = 0;
        for (size_t b = 0; b < 8 && w * 8 + b < n; b++) {
            word |= (uint64_t)(unsigned char)s[w * 8 + b] << (8 * b);
            mask |= (uint64_t)0xff << (8 * b);
        }
        if (w)
            strbuf_puts(sb, " && ");
        if (prefix && mask != UINT64_MAX)
            strbuf_printf(sb, "(*(__u64 *)(%s + %zu) & 0x%llxULL) == 0x%llxULL", data, w * 8,
                          (unsigned long long)mask, (unsigned long long)word);
        else
            strbuf_printf(sb, "*(__u64 *)(%s + %zu) == 0x%llxULL", data, w * 8,
                          (unsigned long long)word);
    }
}

/* ---- strings --------------------------------------------------------------------------------- */

static void _str_eq(struct strbuf *sb, const char *data, const struct ast_value *v)
{
    strbuf_printf(sb, "(h->len == %zu && ", v->len);
    _word_compare(sb, data, v->text, v->len, false);
    strbuf_puts(sb, ")");
}

/* Membership in the atom's string set: by hash first for long keys (a miss, the common case,
 * never hashes the whole key), then the strings themselves. */
static void _set_lookup(struct strbuf *sb, const struct plan_atom *a, size_t si, const char *data)
{
    if (a->hset != PLAN_NO_SET)
        strbuf_printf(sb,
                      "rulec_slot%zu_hash() == 0 && bpf_map_lookup_elem(&rulec_set%zu, "
                      "&e->s%zu.h.hash) != 0 && ",
                      si, a->hset, si);
    strbuf_printf(sb, "bpf_map_lookup_elem(&rulec_set%zu, %s) != 0", a->set, data);
}

/* glob with '*' only: the prefix, the suffix, then the middle pieces found in order between
 * them (the leftmost match of each leaves the most room for the next, so this is exact). A
 * statement expression: its value is ok. */
static void _glob(struct strbuf *sb, const struct plan_atom *a, const char *data, uint32_t size)
{
    const struct split_glob *g = &a->glob;
    strbuf_printf(sb, "({\n        int ok = h->len >= %zu", g->prefix.len + g->suffix.len);
    if (g->prefix.len) {
        strbuf_puts(sb, " && ");
        _word_compare(sb, data, g->prefix.text, g->prefix.len, true);
    }
    if (g->suffix.len) {
        strbuf_printf(sb, " && rulec_endswith(%s, h->len, %u, ", data, size);
        cg_c_string(sb, g->suffix.text, g->suffix.len);
        strbuf_printf(sb, ", %zu)", g->suffix.len);
    }
    strbuf_printf(sb, ";\n        int pos = %zu;\n", g->prefix.len);
    for (size_t i = 0; i < g->nmiddle; i++)
        strbuf_printf(sb,
                      "        if (ok) {\n"
                      "            pos = rulec_find(%u, %zu, pos, h->len - %zu);\n"
                      "            ok = pos >= 0;\n"
                      "            pos += %zu;\n"
                      "        }\n",
                      a->slot->offset, a->glob_needles[i], g->suffix.len, g->middle[i].len);
    strbuf_puts(sb, "        (enum rulec_tri)ok;\n    })");
}

/* contains and icontains: a constant found in a truncated value's prefix is there (yes); not
 * found, the rest of the value may hold it (maybe). */
static void _contains_atom(struct strbuf *sb, const struct plan_atom *a, size_t si)
{
    strbuf_printf(sb, "    int st = rulec_slot%zu();\n", si);
    if (!a->fit.nvalues) {
        strbuf_puts(sb, "    return st == RULEC_SLOT_OK || st == RULEC_SLOT_NONE ? RULEC_NO : "
                        "RULEC_MAYBE;\n");
        return;
    }
    strbuf_printf(
        sb,
        "    return st == RULEC_SLOT_OK\n"
        "               ? (enum rulec_tri)(rulec_find(%u, %zu, 0, 0xffff) >= 0)\n"
        "           : st == RULEC_SLOT_TRUNCATED\n"
        "               ? (rulec_find(%u, %zu, 0, 0xffff) >= 0 ? RULEC_YES : RULEC_MAYBE)\n"
        "               : RULEC_UNREAD(st);\n",
        a->slot->offset, a->needle, a->slot->offset, a->needle);
}

/* The test of a string atom on its whole value (h, data): true or false, but a prefix set's
 * lookup (rulec_prefix_match) answers maybe when it cannot look up; *tri says so. */
static void _str_test(const struct plan_atom *a, size_t si, const char *data, uint32_t size,
                      struct strbuf *sb, bool *tri)
{
    const struct ast_rhs *rhs = &a->fit;
    *tri = false;
    switch (a->cmp->cmp.op) {
    case OP_EXISTS:
        strbuf_puts(sb, "1");
        return;
    case OP_EQ:
    case OP_NE:
        if (a->cmp->cmp.op == OP_NE)
            strbuf_puts(sb, "!");
        if (rhs->nvalues)
            _str_eq(sb, data, &rhs->values[0]);
        else
            strbuf_puts(sb, "0");
        return;
    case OP_IN:
        if (a->set != PLAN_NO_SET) {
            _set_lookup(sb, a, si, data);
            return;
        }
        strbuf_puts(sb, rhs->nvalues ? "" : "0");
        for (size_t i = 0; i < rhs->nvalues; i++) {
            strbuf_puts(sb, i ? " || " : "");
            _str_eq(sb, data, &rhs->values[i]);
        }
        return;
    case OP_STARTSWITH:
        if (!rhs->nvalues) {
            strbuf_puts(sb, "0");
        } else if (rhs->kind == RHS_VALUE) {
            strbuf_printf(sb, "h->len >= %zu && ", rhs->values[0].len);
            _word_compare(sb, data, rhs->values[0].text, rhs->values[0].len, true);
        } else {
            strbuf_printf(sb, "rulec_prefix_match(&rulec_set%zu, %s, h->len, %u)", a->set, data,
                          size);
            *tri = true;
        }
        return;
    case OP_ENDSWITH:
        if (!rhs->nvalues) {
            strbuf_puts(sb, "0");
            return;
        }
        strbuf_printf(sb, "rulec_endswith(%s, h->len, %u, ", data, size);
        cg_c_string(sb, rhs->values[0].text, rhs->values[0].len);
        strbuf_printf(sb, ", %zu)", rhs->values[0].len);
        return;
    case OP_PMATCH:
        if (a->set == PLAN_NO_SET) {
            strbuf_puts(sb, "0");
        } else if (a->below == PLAN_NO_SET) {
            _set_lookup(sb, a, si, data);
        } else {
            strbuf_puts(sb, "(");
            _set_lookup(sb, a, si, data);
            strbuf_printf(sb, ") || rulec_prefix_match(&rulec_set%zu, %s, h->len, %u)", a->below,
                          data, size);
        }
        return;
    default:
        strbuf_puts(sb, "RULEC_MAYBE");
        *tri = true;
        return;
    }
}

static void _str_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    size_t si = plan_slot_index(p, a->slot);
    uint32_t size = a->slot->kf->size;
    char data[32];
    snprintf(data, sizeof(data), "e->s%zu.d", si);
    enum ast_op op = a->cmp->cmp.op;
    if (op == OP_CONTAINS || op == OP_ICONTAINS) {
        _contains_atom(sb, a, si);
        return;
    }
    struct strbuf value = {0}, test = {0};
    if (op == OP_GLOB) {
        _glob(&value, a, data, size);
    } else {
        bool tri;
        _str_test(a, si, data, size, &test, &tri);
        if (tri)
            strbuf_puts(&value, test.data);
        else
            _tri_of(&value, test.data);
    }
    _return_on_slot(sb, si, strstr(value.data, "h->") != NULL, value.data);
    strbuf_free(&test);
    strbuf_free(&value);
}

/* ---- numbers, addresses, names --------------------------------------------------------------- */

static const char *_num_cmp_op(enum ast_op op)
{
    switch (op) {
    case OP_EQ:
        return "==";
    case OP_NE:
        return "!=";
    case OP_LT:
        return "<";
    case OP_LE:
        return "<=";
    case OP_GT:
        return ">";
    case OP_GE:
        return ">=";
    default:
        return NULL;
    }
}

/* A number in its slot, or in the record header (no slot: always there). */
static void _num_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    const struct ast_node *n = a->cmp;
    const struct kfield *kf = kfield_for(n->cmp.lhs.def, ast_field_arg(&n->cmp.lhs));
    const char *type = kf->is_signed ? "__s64" : "__u64";
    char value[96];
    if (kf->header)
        snprintf(value, sizeof(value), "((%s)(%s))", type, kf->header);
    else
        snprintf(value, sizeof(value), "(*(%s *)e->s%zu.d)", type, plan_slot_index(p, a->slot));
    struct strbuf test = {0};
    const struct ast_rhs *rhs = &n->cmp.rhs;
    if (n->cmp.op == OP_EXISTS) {
        strbuf_puts(&test, "1");
    } else if (n->cmp.op == OP_IN) {
        strbuf_puts(&test, rhs->nvalues ? "" : "0");
        for (size_t i = 0; i < rhs->nvalues; i++) {
            long long v = 0;
            check_parse_num(n->cmp.lhs.def, rhs->values[i].text, &v);
            strbuf_printf(&test, "%s%s == (%s)%lldLL", i ? " || " : "", value, type, v);
        }
    } else {
        long long v = 0;
        check_parse_num(n->cmp.lhs.def, rhs->values[0].text, &v);
        strbuf_printf(&test, "%s %s (%s)%lldLL", value, _num_cmp_op(n->cmp.op), type, v);
    }
    struct strbuf answer = {0};
    _tri_of(&answer, test.data);
    if (a->slot)
        _return_on_slot(sb, plan_slot_index(p, a->slot), false, answer.data);
    else
        strbuf_printf(sb, "    return %s;\n", answer.data);
    strbuf_free(&test);
    strbuf_free(&answer);
}

/* One end's value (data: its slot's data) against the atom's constants: whether it equals one
 * of them (an address in a network counts as equal). */
typedef void (*cg_match)(struct strbuf *sb, const struct plan_atom *a, const char *data);

/* An address or network constant as the two words of the slot's address loaded in host
 * (little-endian) order, with the mask of its prefix: network order puts the prefix in the
 * first bytes, each byte's high bits first. */
static void _ip_words(const struct ipaddr *ip, uint64_t word[2], uint64_t mask[2])
{
    word[0] = word[1] = mask[0] = mask[1] = 0;
    for (unsigned i = 0; i < (ip->family == 4 ? 4u : 16u); i++) {
        unsigned covered = ip->prefix > 8 * i ? ip->prefix - 8 * i : 0;
        if (covered > 8)
            covered = 8;
        uint64_t m = covered ? (0xffu << (8 - covered)) & 0xffu : 0;
        mask[i / 8] |= m << (8 * (i % 8));
        word[i / 8] |= (uint64_t)(ip->a[i] & m) << (8 * (i % 8));
    }
}

static void _ip_match(struct strbuf *sb, const struct plan_atom *a, const char *data)
{
    const struct ast_rhs *rhs = &a->cmp->cmp.rhs;
    bool want_net = a->cmp->cmp.lhs.def->type == FT_IPNET;
    bool any = false;
    for (size_t i = 0; i < rhs->nvalues; i++) {
        struct ipaddr ip;
        if (!ipaddr_parse(rhs->values[i].text, rhs->values[i].len, want_net, &ip))
            continue; /* split.c lets only addresses and networks through */
        uint64_t word[2], mask[2];
        _ip_words(&ip, word, mask);
        strbuf_printf(sb, "%s(%s[0] == %u", any ? " || " : "", data, ip.family);
        for (unsigned w = 0; w < 2; w++)
            if (mask[w])
                strbuf_printf(sb, " && (*(__u64 *)(%s + %u) & 0x%llxULL) == 0x%llxULL", data,
                              RULEC_IP_ADDR + 8 * w, (unsigned long long)mask[w],
                              (unsigned long long)word[w]);
        strbuf_puts(sb, ")");
        any = true;
    }
    if (!any)
        strbuf_puts(sb, "0");
}

static void _port_match(struct strbuf *sb, const struct plan_atom *a, const char *data)
{
    const struct ast_rhs *rhs = &a->cmp->cmp.rhs;
    strbuf_puts(sb, rhs->nvalues ? "(" : "0");
    for (size_t i = 0; i < rhs->nvalues; i++) {
        long long v = 0;
        check_parse_num(a->cmp->cmp.lhs.def, rhs->values[i].text, &v);
        strbuf_printf(sb, "%s*(__u64 *)%s == %lldULL", i ? " || " : "", data, v);
    }
    strbuf_puts(sb, rhs->nvalues ? ")" : "");
}

/* An atom over one slot, or two for the either-end fields (fd.ip, fd.net, fd.port: libsinsp's
 * compare_ip, compare_net, compare_port): =, in hold when either end matches, != when both ends
 * differ. A missing value (not such a socket) is no, a failed read maybe. */
static void _ends_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a,
                       cg_match match)
{
    size_t s1 = plan_slot_index(p, a->slot), s2 = a->slot2 ? plan_slot_index(p, a->slot2) : 0;
    bool ne = a->cmp->cmp.op == OP_NE;
    char d1[32], d2[32];
    snprintf(d1, sizeof(d1), "e->s%zu.d", s1);
    snprintf(d2, sizeof(d2), "e->s%zu.d", s2);
    struct strbuf test = {0}, answer = {0};
    strbuf_puts(&test, ne ? "!(" : "(");
    if (a->cmp->cmp.op == OP_EXISTS)
        strbuf_puts(&test, "1");
    else
        match(&test, a, d1);
    if (a->slot2) {
        strbuf_puts(&test, ne ? ") && !(" : ") || (");
        match(&test, a, d2);
    }
    strbuf_puts(&test, ")");
    _tri_of(&answer, test.data);
    if (!a->slot2)
        _return_on_slot(sb, s1, false, answer.data);
    else
        strbuf_printf(sb,
                      "    int st = rulec_slot%zu();\n"
                      "    int st2 = rulec_slot%zu();\n"
                      "    return st == RULEC_SLOT_OK && st2 == RULEC_SLOT_OK\n"
                      "               ? %s\n"
                      "           : st == RULEC_SLOT_NONE || st2 == RULEC_SLOT_NONE ? RULEC_NO\n"
                      "                                                         : RULEC_MAYBE;\n",
                      s1, s2, answer.data);
    strbuf_free(&test);
    strbuf_free(&answer);
}

/* fd.sip.name and its kin (libsinsp's dns manager): the first of the policy's names the address
 * resolves to (runtime/dns.c fills rulec_dns) against the constants' names; an address no name
 * resolves to has the name "", so only != holds; no address (not an IP socket) is no. */
static void _dns_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    size_t si = plan_slot_index(p, a->slot);
    bool ne = a->cmp->cmp.op == OP_NE;
    struct strbuf test = {0}, value = {0};
    if (ne)
        strbuf_printf(&test, "first != %zu", a->dns[0]);
    for (size_t i = 0; !ne && i < a->cmp->cmp.rhs.nvalues; i++)
        strbuf_printf(&test, "%sfirst == %zu", i ? " || " : "", a->dns[i]);
    strbuf_printf(&value,
                  "({\n"
                  "        __u64 names = rulec_dns_names(e->s%zu.d);\n"
                  "        int first = rulec_lowest_bit(names);\n"
                  "        names ? (enum rulec_tri)(%s) : %s;\n"
                  "    })",
                  si, test.len ? test.data : "0", ne ? "RULEC_YES" : "RULEC_NO");
    _return_on_slot(sb, si, false, value.data);
    strbuf_free(&test);
    strbuf_free(&value);
}

/* ---- the event: its type, its result, its arguments ------------------------------------------ */

/* The answer of a test on the record header: whether any of the terms (joined by ||) holds, or
 * for != none of them. */
static void _return_any(struct strbuf *sb, bool ne, const struct strbuf *terms)
{
    strbuf_printf(sb, "    return (enum rulec_tri)(%s(%s));\n", ne ? "!" : "",
                  terms->len ? terms->data : "0");
}

static void _evttype_atom(struct strbuf *sb, const struct ast_node *n)
{
    struct strbuf terms = {0};
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
        const struct evttype *t = evttype_lookup(n->cmp.rhs.values[i].text);
        /* No syscall number, or a name Falco reports under another one
         * (pread64 is "pread"): an event of this type is never seen. */
        if (!t || t->nr < 0 || t->reported_as)
            continue;
        strbuf_printf(&terms, "%se->hdr.evt_id == %d", terms.len ? " || " : "", t->nr);
    }
    _return_any(sb, n->cmp.op == OP_NE, &terms);
    strbuf_free(&terms);
}

/* evt.res is "SUCCESS" or the error's name ("ENOENT", as the runtime
 * prints it): compared in the kernel as a test on the return value. */
static void _evtres_atom(struct strbuf *sb, const struct ast_node *n)
{
    struct strbuf terms = {0};
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
        const char *v = n->cmp.rhs.values[i].text;
        int err = 0;
        if (strcmp(v, "SUCCESS") == 0) {
            strbuf_printf(&terms, "%se->hdr.ret >= 0", terms.len ? " || " : "");
            continue;
        }
        for (int e = 1; e < 4096 && !err; e++) {
            const char *name = strerrorname_np(e);
            if (name && strcmp(name, v) == 0)
                err = e;
        }
        /* The runtime's name for errors without a name ("E200"): only then. */
        if (!err && v[0] == 'E' && text_is_decimal(v + 1) && !strerrorname_np(atoi(v + 1)))
            err = atoi(v + 1);
        if (err)
            strbuf_printf(&terms, "%se->hdr.ret == -%d", terms.len ? " || " : "", err);
    }
    _return_any(sb, n->cmp.op == OP_NE, &terms);
    strbuf_free(&terms);
}

int cg_sysarg_nr(const struct sysarg *a, const char *param)
{
    const struct evttype *t = evttype_lookup(a->syscall);
    return t && t->nr >= 0 && !strcmp(a->param, param) ? t->nr : -1;
}

/* evt.arg.NAME of a flag or number argument: a test on the register for each syscall with
 * that argument, from the text Falco prints for it (sysarg_terms), in a function of its own. */
static void _argtest(struct strbuf *out, const struct plan_atom *a, const char *prefix)
{
    const struct ast_node *n = a->cmp;
    const char *param = ast_field_arg(&n->cmp.lhs);
    enum ast_op op = split_sysarg_op(n->cmp.op);
    struct sysarg_term terms[SPLIT_MAX_ARG_TERMS];
    strbuf_printf(out,
                  "static __always_inline enum rulec_tri %sargtest%zu(__u32 nr, __u64 v)\n{\n"
                  "    switch (nr) {\n",
                  prefix, a->argtest);
    for (size_t i = 0; i < sysarg_count(); i++) {
        const struct sysarg *arg = sysarg_at(i);
        int nr = cg_sysarg_nr(arg, param);
        if (nr < 0)
            continue;
        struct strbuf test = {0};
        for (size_t v = 0; v < n->cmp.rhs.nvalues; v++) {
            const struct ast_value *c = &n->cmp.rhs.values[v];
            int k = sysarg_terms(arg->kind, op, c->text, c->len, terms, SPLIT_MAX_ARG_TERMS);
            for (int j = 0; j < k; j++)
                strbuf_printf(&test, "%s(v & 0x%llxULL) == 0x%llxULL", test.len ? " || " : "",
                              (unsigned long long)terms[j].mask, (unsigned long long)terms[j].bits);
        }
        strbuf_printf(out, "    case %d: /* %s */\n        return ", nr, arg->syscall);
        _tri_of(out, test.len ? test.data : "0");
        strbuf_puts(out, ";\n");
        strbuf_free(&test);
    }
    strbuf_puts(out, "    default:\n        return RULEC_MAYBE;\n    }\n}\n\n");
}

/* evt.arg.NAME of a flag or number: the register test, on the register the slot holds. */
static void _sysarg_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a,
                         const char *prefix)
{
    size_t si = plan_slot_index(p, a->slot);
    const char *value =
        arena_printf(p->arena, "%s%sargtest%zu(e->hdr.evt_id, *(__u64 *)e->s%zu.d)",
                     a->cmp->cmp.op == OP_NE ? "(enum rulec_tri)!" : "", prefix, a->argtest, si);
    _return_on_slot(sb, si, false, value);
}

/* thread.cap_* contains a capability: any of the bit tests on the mask (split_caps_terms). */
static void _caps_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    size_t si = plan_slot_index(p, a->slot);
    struct sysarg_term terms[SPLIT_MAX_ARG_TERMS];
    int k = split_caps_terms(a->cmp, terms, SPLIT_MAX_ARG_TERMS);
    struct strbuf test = {0};
    for (int j = 0; j < k; j++)
        strbuf_printf(&test, "%s(*(__u64 *)e->s%zu.d & 0x%llxULL) == 0x%llxULL", j ? " || " : "",
                      si, (unsigned long long)terms[j].mask, (unsigned long long)terms[j].bits);
    struct strbuf value = {0};
    _tri_of(&value, test.len ? test.data : "0");
    _return_on_slot(sb, si, false, value.data);
    strbuf_free(&test);
    strbuf_free(&value);
}

/* ---- atom functions -------------------------------------------------------------------------- */

/* The statements deciding one comparison, the body of its atom function. */
static void _atom_body(const struct plan *p, struct strbuf *sb, const struct plan_atom *a,
                       const char *prefix)
{
    switch (a->kind) {
    case PLAN_ATOM_EVTTYPE:
        _evttype_atom(sb, a->cmp);
        return;
    case PLAN_ATOM_EVTRES:
        _evtres_atom(sb, a->cmp);
        return;
    case PLAN_ATOM_NUM:
        if (a->slot2)
            _ends_atom(p, sb, a, _port_match);
        else
            _num_atom(p, sb, a);
        return;
    case PLAN_ATOM_IP:
        _ends_atom(p, sb, a, _ip_match);
        return;
    case PLAN_ATOM_DNS:
        _dns_atom(p, sb, a);
        return;
    case PLAN_ATOM_STR:
        _str_atom(p, sb, a);
        return;
    case PLAN_ATOM_SYSARG:
        _sysarg_atom(p, sb, a, prefix);
        return;
    case PLAN_ATOM_CAPS:
        _caps_atom(p, sb, a);
        return;
    case PLAN_ATOM_MAYBE:
        break;
    }
    strbuf_puts(sb, "    return RULEC_MAYBE; /* decided in userspace */\n");
}

/* prefix names the atom functions and their register tests: "rulec_" in the rules unit,
 * "rulec_gate_" for the copies of gate atoms in the programs' unit. A memoised atom first looks
 * its answer up in the event, and keeps it there once decided. */
static void _atom_fn(const struct plan *p, const struct plan_atom *a, const char *prefix,
                     struct strbuf *argtests, struct strbuf *out)
{
    size_t i = (size_t)(a - p->atoms);
    if (a->kind == PLAN_ATOM_SYSARG)
        _argtest(argtests, a, prefix);
    strbuf_printf(out, "/* %zu: ", i);
    cg_comment(out, a->key);
    strbuf_printf(out,
                  " */\nstatic __always_inline RULEC_NODEBUG enum rulec_tri %satom%zu(struct "
                  "rulec_event *e)\n{\n",
                  prefix, i);
    if (a->memo < 0) {
        _atom_body(p, out, a, prefix);
        strbuf_puts(out, "}\n\n");
        return;
    }
    size_t w = (size_t)a->memo / 64, b = (size_t)a->memo % 64;
    strbuf_printf(out,
                  "    if (e->atom_have[%zu] & (1ULL << %zu)) /* decided for this event */\n"
                  "        return (enum rulec_tri)((e->atom_one[%zu] >> %zu & 1) |\n"
                  "                                (e->atom_two[%zu] >> %zu & 1) << 1);\n",
                  w, b, w, b, w, b);
    /* The body ends with its one return, whose value is kept here instead. */
    struct strbuf body = {0};
    _atom_body(p, &body, a, prefix);
    const char *ret = strncmp(body.data, "    return ", 11) ? NULL : body.data;
    for (const char *nl = strstr(body.data, "\n    return "); nl;
         nl = strstr(nl + 1, "\n    return "))
        ret = nl + 1;
    strbuf_append(out, body.data, (size_t)(ret - body.data));
    strbuf_printf(out,
                  "    int r = %s" /* as bits: clang stores these best */
                  "    e->atom_have[%zu] |= 1ULL << %zu;\n"
                  "    e->atom_one[%zu] |= (__u64)(r & 1) << %zu;\n"
                  "    e->atom_two[%zu] |= (__u64)(r >> 1) << %zu;\n"
                  "    return (enum rulec_tri)r;\n}\n\n",
                  ret + strlen("    return "), w, b, w, b, w, b);
    strbuf_free(&body);
}

void cg_atoms(const struct plan *p, struct strbuf *argtests, struct strbuf *out)
{
    for (size_t i = 0; i < p->natoms; i++)
        _atom_fn(p, &p->atoms[i], "rulec_", argtests, out);
}

void cg_gate_atoms(const struct plan *p, struct strbuf *out)
{
    for (size_t i = 0; i < p->natoms; i++)
        if (p->atoms[i].gate)
            _atom_fn(p, &p->atoms[i], "rulec_gate_", out, out);
}
