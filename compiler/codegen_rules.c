#include "compiler/codegen_rules.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/check.h"
#include "compiler/split.h"
#include "core/evttypes.h"
#include "core/ipaddr.h"
#include "core/rulec_abi.h"
#include "core/sysargs.h"
#include "core/text.h"

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

/* ---- atoms ------------------------------------------------------------------------------------
 */

/* Three-valued results: 0 no, 1 yes, 2 maybe (the kernel cannot tell). */

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

static void _str_eq(struct strbuf *sb, const char *data, const struct ast_value *v)
{
    strbuf_printf(sb, "(h_->len == %zu && ", v->len);
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
 * them (the leftmost match of each leaves the most room for the next, so this is exact). */
static void _glob(struct strbuf *sb, const struct plan_atom *a, const char *data, uint32_t size)
{
    const struct split_glob *g = &a->glob;
    strbuf_printf(sb, "({ RULEC_NODEBUG int ok_ = h_->len >= %zu", g->prefix.len + g->suffix.len);
    if (g->prefix.len) {
        strbuf_puts(sb, " && ");
        _word_compare(sb, data, g->prefix.text, g->prefix.len, true);
    }
    if (g->suffix.len) {
        strbuf_printf(sb, " && rulec_endswith(%s, h_->len, %u, ", data, size);
        cg_c_string(sb, g->suffix.text, g->suffix.len);
        strbuf_printf(sb, ", %zu)", g->suffix.len);
    }
    strbuf_printf(sb, "; RULEC_NODEBUG int pos_ = %zu; ", g->prefix.len);
    for (size_t i = 0; i < g->nmiddle; i++)
        strbuf_printf(
            sb,
            "if (ok_) { pos_ = rulec_find(%u, %zu, pos_, h_->len - %zu); ok_ = pos_ >= 0; "
            "pos_ += %zu; } ",
            a->slot->offset, a->glob_needles[i], g->suffix.len, g->middle[i].len);
    strbuf_puts(sb, "ok_; })");
}

static void _str_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    size_t si = plan_slot_index(p, a->slot);
    uint32_t size = a->slot->kf->size;
    char data[32];
    snprintf(data, sizeof(data), "e->s%zu.d", si);
    const struct ast_rhs *rhs = &a->fit;
    enum ast_op op = a->cmp->cmp.op;
    if (op == OP_CONTAINS || op == OP_ICONTAINS) {
        /* A needle found in a truncated value's prefix is there: yes; not found, maybe. */
        if (rhs->nvalues)
            strbuf_printf(
                sb,
                "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK ? "
                "rulec_find(%u, %zu, 0, 0xffff) >= 0 : st_ == RULEC_SLOT_TRUNCATED ? "
                "(rulec_find(%u, %zu, 0, 0xffff) >= 0 ? 1 : 2) : st_ == RULEC_SLOT_NONE ? "
                "0 : 2; })",
                si, a->slot->offset, a->needle, a->slot->offset, a->needle);
        else
            strbuf_printf(sb,
                          "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK || st_ "
                          "== RULEC_SLOT_NONE ? 0 : 2; })",
                          si);
        return;
    }
    strbuf_printf(sb,
                  "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); RULEC_NODEBUG struct rulec_slot_hdr "
                  "*h_ = &e->s%zu.h; ",
                  si, si);
    strbuf_puts(sb, "st_ == RULEC_SLOT_OK ? (int)(");
    switch (a->cmp->cmp.op) {
    case OP_EXISTS:
        strbuf_puts(sb, "1");
        break;
    case OP_EQ:
    case OP_NE:
        if (a->cmp->cmp.op == OP_NE)
            strbuf_puts(sb, "!");
        if (rhs->nvalues)
            _str_eq(sb, data, &rhs->values[0]);
        else
            strbuf_puts(sb, "0");
        break;
    case OP_IN:
        if (a->set == PLAN_NO_SET) {
            strbuf_puts(sb, rhs->nvalues ? "" : "0");
            for (size_t i = 0; i < rhs->nvalues; i++) {
                if (i)
                    strbuf_puts(sb, " || ");
                _str_eq(sb, data, &rhs->values[i]);
            }
        } else {
            _set_lookup(sb, a, si, data);
        }
        break;
    case OP_STARTSWITH:
        if (!rhs->nvalues) {
            strbuf_puts(sb, "0");
        } else if (rhs->kind == RHS_VALUE) {
            strbuf_printf(sb, "h_->len >= %zu && ", rhs->values[0].len);
            _word_compare(sb, data, rhs->values[0].text, rhs->values[0].len, true);
        } else {
            strbuf_printf(sb, "rulec_prefix_match(&rulec_set%zu, %s, h_->len, %u)", a->set, data,
                          size);
        }
        break;
    case OP_ENDSWITH:
        if (!rhs->nvalues) {
            strbuf_puts(sb, "0");
            break;
        }
        strbuf_printf(sb, "rulec_endswith(%s, h_->len, %u, ", data, size);
        cg_c_string(sb, rhs->values[0].text, rhs->values[0].len);
        strbuf_printf(sb, ", %zu)", rhs->values[0].len);
        break;
    case OP_GLOB:
        _glob(sb, a, data, size);
        break;
    case OP_PMATCH:
        if (a->set == PLAN_NO_SET)
            strbuf_puts(sb, "0");
        else if (a->below == PLAN_NO_SET)
            _set_lookup(sb, a, si, data);
        else {
            strbuf_puts(sb, "(");
            _set_lookup(sb, a, si, data);
            strbuf_printf(sb, ") || rulec_prefix_match(&rulec_set%zu, %s, h_->len, %u)", a->below,
                          data, size);
        }
        break;
    default:
        strbuf_puts(sb, "2");
        break;
    }
    strbuf_puts(sb, ") : st_ == RULEC_SLOT_NONE ? 0 : 2; })");
}

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
    if (a->slot)
        strbuf_printf(sb,
                      "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK ? (int)(",
                      plan_slot_index(p, a->slot));
    else
        strbuf_puts(sb, "((int)(");
    const struct ast_rhs *rhs = &n->cmp.rhs;
    if (n->cmp.op == OP_EXISTS) {
        strbuf_puts(sb, "1");
    } else if (n->cmp.op == OP_IN) {
        strbuf_puts(sb, rhs->nvalues ? "" : "0");
        for (size_t i = 0; i < rhs->nvalues; i++) {
            long long v = 0;
            check_parse_num(n->cmp.lhs.def, rhs->values[i].text, &v);
            strbuf_printf(sb, "%s%s == (%s)%lldLL", i ? " || " : "", value, type, v);
        }
    } else {
        long long v = 0;
        check_parse_num(n->cmp.lhs.def, rhs->values[0].text, &v);
        strbuf_printf(sb, "%s %s (%s)%lldLL", value, _num_cmp_op(n->cmp.op), type, v);
    }
    strbuf_puts(sb, a->slot ? ") : st_ == RULEC_SLOT_NONE ? 0 : 2; })" : "))");
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
    strbuf_printf(sb, "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); ", s1);
    if (a->slot2)
        strbuf_printf(sb, "RULEC_NODEBUG int st2_ = rulec_slot%zu(); ", s2);
    strbuf_puts(sb, a->slot2 ? "st_ == RULEC_SLOT_OK && st2_ == RULEC_SLOT_OK ? (int)("
                             : "st_ == RULEC_SLOT_OK ? (int)(");
    strbuf_puts(sb, ne ? "!(" : "(");
    if (a->cmp->cmp.op == OP_EXISTS)
        strbuf_puts(sb, "1");
    else
        match(sb, a, d1);
    if (a->slot2) {
        strbuf_puts(sb, ne ? ") && !(" : ") || (");
        match(sb, a, d2);
    }
    strbuf_puts(sb, a->slot2 ? ")) : st_ == RULEC_SLOT_NONE || st2_ == RULEC_SLOT_NONE ? 0 : 2; })"
                             : ")) : st_ == RULEC_SLOT_NONE ? 0 : 2; })");
}

/* fd.sip.name and its kin (libsinsp's dns manager): the first of the policy's names the address
 * resolves to (runtime/dns.c fills rulec_dns) against the constants' names; an address no name
 * resolves to has the name "", so only != holds; no address (not an IP socket) is no. */
static void _dns_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    size_t si = plan_slot_index(p, a->slot);
    enum ast_op op = a->cmp->cmp.op;
    strbuf_printf(sb,
                  "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK ? ({ "
                  "RULEC_NODEBUG __u64 m_ = rulec_dns_names(e->s%zu.d); RULEC_NODEBUG int f_ = "
                  "rulec_lowest_bit(m_); m_ ? (int)(",
                  si, si);
    if (op == OP_NE)
        strbuf_printf(sb, "f_ != %zu) : 1", a->dns[0]);
    else {
        for (size_t i = 0; i < a->cmp->cmp.rhs.nvalues; i++)
            strbuf_printf(sb, "%sf_ == %zu", i ? " || " : "", a->dns[i]);
        strbuf_puts(sb, a->cmp->cmp.rhs.nvalues ? ") : 0" : "0) : 0");
    }
    strbuf_puts(sb, "; }) : st_ == RULEC_SLOT_NONE ? 0 : 2; })");
}

static void _evttype_atom(struct strbuf *sb, const struct ast_node *n)
{
    bool ne = n->cmp.op == OP_NE;
    strbuf_puts(sb, ne ? "(int)!(" : "(int)(");
    bool any = false;
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
        const struct evttype *t = evttype_lookup(n->cmp.rhs.values[i].text);
        /* No syscall number, or a name Falco reports under another one
         * (pread64 is "pread"): an event of this type is never seen. */
        if (!t || t->nr < 0 || t->reported_as)
            continue;
        strbuf_printf(sb, "%se->hdr.evt_id == %d", any ? " || " : "", t->nr);
        any = true;
    }
    if (!any)
        strbuf_puts(sb, "0");
    strbuf_puts(sb, ")");
}

/* evt.res is "SUCCESS" or the error's name ("ENOENT", as the runtime
 * prints it): compared in the kernel as a test on the return value. */
static void _evtres_atom(struct strbuf *sb, const struct ast_node *n)
{
    strbuf_puts(sb, n->cmp.op == OP_NE ? "(int)!(" : "(int)(");
    bool any = false;
    for (size_t i = 0; i < n->cmp.rhs.nvalues; i++) {
        const char *v = n->cmp.rhs.values[i].text;
        int err = 0;
        if (strcmp(v, "SUCCESS") == 0) {
            strbuf_printf(sb, "%se->hdr.ret >= 0", any ? " || " : "");
            any = true;
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
        if (err) {
            strbuf_printf(sb, "%se->hdr.ret == -%d", any ? " || " : "", err);
            any = true;
        }
    }
    if (!any)
        strbuf_puts(sb, "0");
    strbuf_puts(sb, ")");
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
                  "static __always_inline int %sargtest%zu(__u32 nr, __u64 v)\n{\n"
                  "    switch (nr) {\n",
                  prefix, a->argtest);
    for (size_t i = 0; i < sysarg_count(); i++) {
        const struct sysarg *arg = sysarg_at(i);
        int nr = cg_sysarg_nr(arg, param);
        if (nr < 0)
            continue;
        strbuf_printf(out, "    case %d: /* %s */\n        return 0", nr, arg->syscall);
        for (size_t v = 0; v < n->cmp.rhs.nvalues; v++) {
            const struct ast_value *c = &n->cmp.rhs.values[v];
            int k = sysarg_terms(arg->kind, op, c->text, c->len, terms, SPLIT_MAX_ARG_TERMS);
            for (int j = 0; j < k; j++)
                strbuf_printf(out, " || (v & 0x%llxULL) == 0x%llxULL",
                              (unsigned long long)terms[j].mask, (unsigned long long)terms[j].bits);
        }
        strbuf_puts(out, ";\n");
    }
    strbuf_puts(out, "    default:\n        return 2;\n    }\n}\n\n");
}

static void _sysarg_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a,
                         const char *prefix)
{
    size_t si = plan_slot_index(p, a->slot);
    strbuf_printf(
        sb,
        "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); st_ == RULEC_SLOT_OK ? %s%sargtest%zu("
        "e->hdr.evt_id, *(__u64 *)e->s%zu.d) : st_ == RULEC_SLOT_NONE ? 0 : 2; })",
        si, a->cmp->cmp.op == OP_NE ? "!" : "", prefix, a->argtest, si);
}

/* thread.cap_* contains a capability: any of the bit tests on the mask (split_caps_terms). */
static void _caps_atom(const struct plan *p, struct strbuf *sb, const struct plan_atom *a)
{
    size_t si = plan_slot_index(p, a->slot);
    struct sysarg_term terms[SPLIT_MAX_ARG_TERMS];
    int k = split_caps_terms(a->cmp, terms, SPLIT_MAX_ARG_TERMS);
    strbuf_printf(sb,
                  "({ RULEC_NODEBUG int st_ = rulec_slot%zu(); __u64 v_ = *(__u64 *)e->s%zu.d; "
                  "st_ == RULEC_SLOT_OK ? (0",
                  si, si);
    for (int j = 0; j < k; j++)
        strbuf_printf(sb, " || (v_ & 0x%llxULL) == 0x%llxULL", (unsigned long long)terms[j].mask,
                      (unsigned long long)terms[j].bits);
    strbuf_puts(sb, ") : st_ == RULEC_SLOT_NONE ? 0 : 2; })");
}

/* The code deciding one comparison (0, 1 or 2), inside its atom function. */
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
    strbuf_puts(sb, "2");
}

/* prefix names the atom functions and their register tests: "rulec_" in the rules unit,
 * "rulec_gate_" for the copies of gate atoms in the programs' unit. */
static void _atom_fn(const struct plan *p, const struct plan_atom *a, const char *prefix,
                     struct strbuf *argtests, struct strbuf *out)
{
    size_t i = (size_t)(a - p->atoms);
    {
        if (a->kind == PLAN_ATOM_SYSARG)
            _argtest(argtests, a, prefix);
        strbuf_printf(out, "/* %zu: ", i);
        cg_comment(out, a->key);
        strbuf_printf(out,
                      " */\nstatic __always_inline RULEC_NODEBUG int %satom%zu(struct "
                      "rulec_event *e)\n{\n",
                      prefix, i);
        if (a->memo < 0) {
            strbuf_puts(out, "    return ");
            _atom_body(p, out, a, prefix);
            strbuf_puts(out, ";\n}\n\n");
            return;
        }
        size_t w = (size_t)a->memo / 64, b = (size_t)a->memo % 64;
        strbuf_printf(
            out,
            "    if (e->atom_have[%zu] & (1ULL << %zu))\n"
            "        return (e->atom_one[%zu] >> %zu & 1) | (e->atom_two[%zu] >> %zu & 1) "
            "<< 1;\n"
            "    RULEC_NODEBUG int r = ",
            w, b, w, b, w, b);
        _atom_body(p, out, a, prefix);
        strbuf_printf(out,
                      ";\n    e->atom_have[%zu] |= 1ULL << %zu;\n"
                      "    e->atom_one[%zu] |= (__u64)(r & 1) << %zu;\n"
                      "    e->atom_two[%zu] |= (__u64)(r >> 1) << %zu;\n"
                      "    return r;\n}\n\n",
                      w, b, w, b, w, b);
    }
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

/* ---- rules ------------------------------------------------------------------------------------
 */

struct cg_expr {
    const struct plan *p;
    const struct ptr_vec *events; /* the program's syscalls: evt.type tests fold against them */
    unsigned tmp;                 /* unique names in statement expressions */
};

static void _expr(struct cg_expr *x, struct strbuf *sb, const struct ast_node *n)
{
    switch (n->kind) {
    case AST_BOOL:
        strbuf_puts(sb, n->value ? "1" : "0");
        return;
    case AST_CMP: {
        int folded;
        const struct plan_atom *a = plan_atom_for(x->p, n, x->events, &folded);
        if (a)
            strbuf_printf(sb, "rulec_atom%zu(e)", (size_t)(a - x->p->atoms));
        else
            strbuf_puts(sb, folded == 1 ? "1" : folded == 0 ? "0" : "2");
        return;
    }
    case AST_NOT:
        strbuf_puts(sb, "rulec_not3(");
        _expr(x, sb, n->operand);
        strbuf_puts(sb, ")");
        return;
    case AST_AND:
    case AST_OR: {
        /* Kleene logic with short circuit: AND stops at a definite 0, OR at a
         * definite 1; a maybe makes the result at best maybe. */
        bool is_and = n->kind == AST_AND;
        unsigned t = x->tmp++;
        strbuf_printf(sb, "({ RULEC_NODEBUG int r%u = %d; do { RULEC_NODEBUG int v%u; ", t,
                      is_and ? 1 : 0, t);
        for (size_t i = 0; i < n->list.nkids; i++) {
            strbuf_printf(sb, "v%u = ", t);
            _expr(x, sb, n->list.kids[i]);
            strbuf_printf(sb, "; if (v%u == %d) { r%u = %d; break; } if (v%u == 2) r%u = 2; ", t,
                          is_and ? 0 : 1, t, is_and ? 0 : 1, t, t);
        }
        strbuf_printf(sb, "} while (0); r%u; })", t);
        return;
    }
    default:
        strbuf_puts(sb, "2");
        return;
    }
}

void cg_rules(const struct plan *p, struct strbuf *out)
{
    struct cg_expr x = {.p = p};
    for (size_t i = 0; i < p->nrules; i++) {
        const struct rs_rule *rule = p->rules[i].rule;
        strbuf_printf(out, "/* rule %zu: ", i);
        cg_comment(out, rule->name);
        strbuf_puts(out, "\n *   condition: ");
        cg_comment(out, ast_to_string(p->arena, rule->lowered));
        strbuf_printf(out, "\n *   %s\n */\n",
                      rule->split.exact ? "decided in the kernel"
                                        : "partly in userspace (atoms marked 2 are maybe here)");
        for (size_t gi = 0; gi < p->ngroups; gi++) {
            if (!plan_group_has_rule(&p->groups[gi], i))
                continue;
            x.events = &p->groups[gi].events;
            strbuf_printf(out,
                          "__noinline int %s(void)\n{\n"
                          "    __u32 zero = 0;\n"
                          "    struct rulec_event *e = bpf_map_lookup_elem(&rulec_event_scratch, "
                          "&zero);\n"
                          "    if (!e)\n        return 2;\n",
                          cg_rule_fn(p, i, gi));
            if (p->profile)
                strbuf_puts(out, "    RULEC_PROF_START();\n    int r = ");
            else
                strbuf_puts(out, "    return ");
            _expr(&x, out, p->rules[i].expr);
            if (p->profile)
                strbuf_printf(out, ";\n    RULEC_PROF_STOP(%zu);\n    return r;\n}\n\n",
                              plan_profile_rule(p, i));
            else
                strbuf_puts(out, ";\n}\n\n");
        }
    }
}
