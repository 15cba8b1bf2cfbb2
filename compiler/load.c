#include "compiler/load.h"
#include "compiler/load_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/version.h"

/* Falco's messages (rule_loading_messages.h). */
#define WARNING_APPEND                                                                             \
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "          \
    "'override' instead."
#define WARNING_ENABLED                                                                            \
    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a "      \
    "'replace' entry under the 'override' key (i.e. 'enabled: replace')."
#define ERROR_OVERRIDE_APPEND                                                                      \
    "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "     \
    "'condition: append') under 'override' instead."

/* ---- overrides: decode_overrides ------------------------------------------------ */

struct key_bit {
    const char *key;
    unsigned bit;
};

static const struct key_bit _rule_keys[] = {
    {"condition", MR_CONDITION},
    {"output", MR_OUTPUT},
    {"desc", MR_DESC},
    {"tags", MR_TAGS},
    {"exceptions", MR_EXCEPTIONS},
    {"priority", MR_PRIORITY},
    {"capture", MR_CAPTURE},
    {"capture_duration", MR_CAPTURE_DURATION},
    {"enabled", MR_ENABLED},
    {"warn_evttypes", MR_WARN_EVTTYPES},
    {"skip-if-unknown-filter", MR_SKIP_UNKNOWN},
    {NULL, 0},
};

static const struct key_bit _items_key[] = {{"items", 1}, {NULL, 0}};
static const struct key_bit _condition_key[] = {{"condition", 1}, {NULL, 0}};

static unsigned _key_bit(const struct key_bit *keys, const char *key)
{
    for (; keys->key; keys++)
        if (strcmp(keys->key, key) == 0)
            return keys->bit;
    return 0;
}

struct overrides {
    unsigned append;
    unsigned replace;
    const struct ynode *keys[16]; /* the override entry of each key bit */
};

static unsigned _bit_index(unsigned bit)
{
    unsigned i = 0;
    while (bit > 1) {
        bit >>= 1;
        i++;
    }
    return i;
}

/* override: {key: append|replace}, each key one the item kind allows. */
static bool _overrides(struct load_reader *ld, const struct ynode *item, const struct key_bit *keys,
                       unsigned appendable, unsigned replaceable, struct overrides *out)
{
    *out = (struct overrides){0};
    const struct ynode *ov = ynode_get(item, "override", NULL);
    if (!ov)
        return true;
    if (ov->kind != YNODE_MAP)
        return load_fail(ld, ov,
                         "Value of override must be a mapping of keys to append or replace");
    for (size_t i = 0; i + 1 < ov->nkids; i += 2) {
        const struct ynode *k = ov->kids[i], *op = ov->kids[i + 1];
        if (!ynode_is_scalar(k))
            return load_fail(ld, k, "Mapping key is not a scalar");
        unsigned bit = _key_bit(keys, k->value);
        bool can_append = bit & appendable, can_replace = bit & replaceable;
        const char *what = ynode_is_scalar(op) ? op->value : "";
        if (strcmp(what, "append") == 0) {
            if (!can_append)
                return load_fail(ld, k, "Key '%s' cannot be appended to, use 'replace' instead",
                                 k->value);
            out->append |= bit;
        } else if (strcmp(what, "replace") == 0) {
            if (!can_replace)
                return load_fail(ld, k, "Key '%s' cannot be replaced", k->value);
            out->replace |= bit;
        } else {
            return load_fail(
                ld, op, "Invalid override operation for key '%s': '%s'. Allowed values are:%s%s",
                k->value, what, can_append ? " append" : "", can_replace ? " replace" : "");
        }
        out->keys[_bit_index(bit)] = k;
    }
    return true;
}

/* The append flag, deprecated in favour of override. */
static bool _append_flag(struct load_reader *ld, const struct ynode *item, bool *append)
{
    *append = false;
    if (!load_bool(ld, item, "append", LOAD_OPTIONAL, append, NULL))
        return false;
    const struct ynode *k = NULL;
    ynode_get(item, "append", &k);
    if (*append)
        load_report(ld, DIAG_LOAD_DEPRECATED_ITEM, k, WARNING_APPEND);
    return true;
}

/* ---- lists and macros ----------------------------------------------------------- */

/* Falco's name rules (rule_loader_reader.cpp, from libsinsp's parser). */
static bool _is_identifier(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static bool _is_barestr(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (strchr("()\"' \t\n\v\f\r=,", *s))
            return false;
    return true;
}

#define RGX_IDENTIFIER "([a-zA-Z]+[a-zA-Z0-9_]*)"
#define RGX_BARESTR "([^()\"'[:space:]=,]+)"

static bool _read_list(struct load_reader *ld, const struct ynode *item)
{
    static const char *const keys[] = {"list", "items", "append", "override", NULL};
    struct mlist_info v = {.pos = load_pos(ld, item)};
    if (!load_known_keys(ld, item, keys) || !load_str(ld, item, "list", 0, &v.name))
        return false;
    ld->item = arena_printf(ld->rs->arena, "list '%s'", v.name);
    if (!_is_barestr(v.name))
        load_report(
            ld, DIAG_LOAD_INVALID_LIST_NAME, ynode_get(item, "list", NULL),
            "List has an invalid name. List names should match a regular expression: " RGX_BARESTR);
    bool append;
    struct overrides ov;
    if (!load_str_seq(ld, item, "items", 0, &v.items, &v.nitems) ||
        !_append_flag(ld, item, &append) || !_overrides(ld, item, _items_key, 1, 1, &ov))
        return false;
    if (append && (ov.append | ov.replace))
        return load_fail(ld, item, ERROR_OVERRIDE_APPEND);
    if (append || ov.append)
        return merge_append_list(ld->m, &v, ld->diags) == 0;
    return merge_define_list(ld->m, &v, ld->diags) == 0;
}

static bool _read_macro(struct load_reader *ld, const struct ynode *item)
{
    static const char *const keys[] = {"macro", "condition", "append", "override", NULL};
    struct mmacro_info v = {.pos = load_pos(ld, item)};
    if (!load_known_keys(ld, item, keys) || !load_str(ld, item, "macro", 0, &v.name))
        return false;
    ld->item = arena_printf(ld->rs->arena, "macro '%s'", v.name);
    if (!_is_identifier(v.name))
        load_report(ld, DIAG_LOAD_INVALID_MACRO_NAME, ynode_get(item, "macro", NULL),
                    "Macro has an invalid name. Macro names should match a regular "
                    "expression: " RGX_IDENTIFIER);
    bool append;
    struct overrides ov;
    if (!load_text(ld, item, "condition", 0, &v.cond) || !_append_flag(ld, item, &append) ||
        !_overrides(ld, item, _condition_key, 1, 1, &ov))
        return false;
    if (append && (ov.append | ov.replace))
        return load_fail(ld, item, ERROR_OVERRIDE_APPEND);
    /* A macro has only a condition: appending to it appends the macro, and
     * replacing it defines it anew (even when there was none). */
    if (append || ov.append)
        return merge_append_macro(ld->m, &v, ld->diags) == 0;
    return merge_define_macro(ld->m, &v, ld->diags) == 0;
}

/* ---- exceptions: read_rule_exceptions ------------------------------------------------ */

/* decode_exception_info_entry: a string, or a list of entries at most depth
 * lists deep (fields and comps: a list of strings; a values entry: a list of
 * strings or of lists of strings). Anything else (null, a mapping) is an
 * empty entry, as in Falco. */
static bool _entry(struct load_reader *ld, const struct ynode *v, int depth, struct mentry *out)
{
    *out = (struct mentry){.pos = load_pos(ld, v)};
    if (ynode_is_scalar(v)) {
        if (v->len == 0)
            return load_fail(ld, v, "Value must be non-empty");
        out->item = load_node_text(ld, v);
        return true;
    }
    if (!v || v->kind != YNODE_SEQ)
        return true;
    if (depth == 0)
        return load_fail(ld, v, "Value is nested too deeply: expected a string");
    out->is_list = true;
    out->items = arena_alloc(ld->rs->arena, (v->nkids + 1) * sizeof(*out->items));
    out->nitems = v->nkids;
    for (size_t i = 0; i < v->nkids; i++)
        if (!_entry(ld, v->kids[i], depth - 1, &out->items[i]))
            return false;
    return true;
}

static bool _exception_values(struct load_reader *ld, const struct ynode *ex, bool append,
                              struct mexception *out)
{
    const struct ynode *vals = ynode_get(ex, "values", NULL);
    if (!vals) {
        if (append)
            load_report(ld, DIAG_LOAD_APPEND_NO_VALUES, ex,
                        "Overriding/appending exception with no values");
        return true;
    }
    if (vals->kind != YNODE_SEQ)
        return load_fail(ld, vals, "Rule exception values must be a sequence");
    out->values = arena_alloc(ld->rs->arena, (vals->nkids + 1) * sizeof(*out->values));
    out->nvalues = vals->nkids;
    for (size_t i = 0; i < vals->nkids; i++)
        if (!_entry(ld, vals->kids[i], 2, &out->values[i]))
            return false;
    return true;
}

/* fields are optional when appending (values are added to an exception). */
static bool _exception(struct load_reader *ld, const struct ynode *ex, bool append,
                       struct mexception *out)
{
    static const char *const keys[] = {"name", "fields", "comps", "values", NULL};
    *out = (struct mexception){.pos = load_pos(ld, ex)};
    if (!ex || ex->kind != YNODE_MAP)
        return load_fail(ld, ex, "Rule exception must be a mapping");
    if (!load_known_keys(ld, ex, keys) || !load_str(ld, ex, "name", 0, &out->name))
        return false;
    const struct ynode *fields = ynode_get(ex, "fields", NULL);
    if (!fields && !append)
        return load_fail(ld, ex, "Item has no mapping for key 'fields'");
    if (fields && !_entry(ld, fields, 1, &out->fields))
        return false;
    const struct ynode *comps = ynode_get(ex, "comps", NULL);
    if (comps && !_entry(ld, comps, 1, &out->comps))
        return false;
    return _exception_values(ld, ex, append, out);
}

static bool _exceptions(struct load_reader *ld, const struct ynode *item, bool append,
                        struct mexception **out, size_t *n)
{
    const struct ynode *exs = ynode_get(item, "exceptions", NULL);
    *out = NULL;
    *n = 0;
    if (!exs || ynode_is_null(exs))
        return true; /* missing or empty: no exceptions */
    if (exs->kind != YNODE_SEQ)
        return load_fail(ld, exs, "Rule exceptions must be a sequence");
    struct mexception *v = arena_alloc(ld->rs->arena, (exs->nkids + 1) * sizeof(*v));
    for (size_t i = 0; i < exs->nkids; i++) {
        if (!_exception(ld, exs->kids[i], append, &v[i]))
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(v[j].name, v[i].name) == 0) {
                load_report(ld, DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, exs->kids[i],
                            "Multiple definitions of exception '%s' in the same rule", v[i].name);
                break;
            }
    }
    *out = v;
    *n = exs->nkids;
    return true;
}

/* ---- rules ------------------------------------------------------------------------- */

static bool _priority(struct load_reader *ld, const struct ynode *item, enum alert_priority *out)
{
    const char *name = NULL;
    if (!load_str(ld, item, "priority", 0, &name))
        return false;
    *out = priority_parse(name);
    if (*out == ALERT_PRIO_MAX)
        return load_fail(ld, ynode_get(item, "priority", NULL), "Invalid priority");
    return true;
}

static bool _define_rule(struct load_reader *ld, const struct ynode *item, struct mrule_info *v)
{
    const struct ynode *ck = NULL;
    ynode_get(item, "condition", &ck);
    v->cond_pos = load_pos(ld, ck ? ck : item);
    v->enabled = true;
    v->warn_evttypes = true;
    v->source = "syscall";
    if (!load_text(ld, item, "condition", 0, &v->cond) ||
        !load_text(ld, item, "output", 0, &v->output) || !load_str(ld, item, "desc", 0, &v->desc) ||
        !_priority(ld, item, &v->priority) ||
        !load_str(ld, item, "source", LOAD_OPTIONAL, &v->source) ||
        !load_bool(ld, item, "enabled", LOAD_OPTIONAL, &v->enabled, NULL) ||
        !load_bool(ld, item, "capture", LOAD_OPTIONAL, &v->capture, NULL) ||
        !load_uint32(ld, item, "capture_duration", LOAD_OPTIONAL, &v->capture_duration) ||
        !load_bool(ld, item, "warn_evttypes", LOAD_OPTIONAL, &v->warn_evttypes, NULL) ||
        !load_bool(ld, item, "skip-if-unknown-filter", LOAD_OPTIONAL, &v->skip_if_unknown_filter,
                   NULL) ||
        !load_tags(ld, item, &v->tags, &v->ntags) ||
        !_exceptions(ld, item, false, &v->exceptions, &v->nexceptions))
        return false;
    v->output = merge_trim(v->output, " \t\n\v\f\r"); /* trim(output) */
    v->has = ~0u;
    return merge_define_rule(ld->m, v, ld->diags) == 0;
}

/* The keys of an update (override append or replace): each is read as a
 * definition reads it; exceptions appended may be partial. */
static bool _update_keys(struct load_reader *ld, const struct ynode *item, unsigned keys,
                         bool append, struct mrule_info *v)
{
    const struct ynode *ck = NULL;
    ynode_get(item, "condition", &ck);
    v->cond_pos = load_pos(ld, ck ? ck : item);
    v->has = keys;
    return (!(keys & MR_CONDITION) || load_text(ld, item, "condition", 0, &v->cond)) &&
           (!(keys & MR_EXCEPTIONS) ||
            _exceptions(ld, item, append, &v->exceptions, &v->nexceptions)) &&
           (!(keys & MR_OUTPUT) || load_text(ld, item, "output", 0, &v->output)) &&
           (!(keys & MR_DESC) || load_str(ld, item, "desc", 0, &v->desc)) &&
           (!(keys & MR_TAGS) || load_tags(ld, item, &v->tags, &v->ntags)) &&
           (!(keys & MR_PRIORITY) || _priority(ld, item, &v->priority)) &&
           (!(keys & MR_CAPTURE) || load_bool(ld, item, "capture", 0, &v->capture, NULL)) &&
           (!(keys & MR_CAPTURE_DURATION) ||
            load_uint32(ld, item, "capture_duration", 0, &v->capture_duration)) &&
           (!(keys & MR_ENABLED) || load_bool(ld, item, "enabled", 0, &v->enabled, NULL)) &&
           (!(keys & MR_WARN_EVTTYPES) ||
            load_bool(ld, item, "warn_evttypes", 0, &v->warn_evttypes, NULL)) &&
           (!(keys & MR_SKIP_UNKNOWN) ||
            load_bool(ld, item, "skip-if-unknown-filter", 0, &v->skip_if_unknown_filter, NULL));
}

/* Every overridden key must be in the item, and every overridable key in the
 * item must be overridden (check_update_expected). */
static bool _override_keys_match(struct load_reader *ld, const struct ynode *item,
                                 const struct overrides *ov)
{
    for (const struct key_bit *kb = _rule_keys; kb->key; kb++) {
        const struct ynode *k = NULL;
        bool defined = ynode_get(item, kb->key, &k) != NULL;
        bool overridden = (ov->append | ov->replace) & kb->bit;
        if (overridden && !defined)
            return load_fail(ld, ov->keys[_bit_index(kb->bit)],
                             "An %s override for '%s' was specified but '%s' is not defined",
                             (ov->append & kb->bit) ? "append" : "replace", kb->key, kb->key);
        if (defined && !overridden)
            return load_fail(ld, k,
                             "Unexpected key '%s': no corresponding entry under 'override' is "
                             "defined.",
                             kb->key);
    }
    return true;
}

static bool _override_rule(struct load_reader *ld, const struct ynode *item,
                           struct mrule_info *base, const struct overrides *ov)
{
    if (!_override_keys_match(ld, item, ov))
        return false;
    struct mrule_info app = *base, rep = *base;
    if (ov->append && !_update_keys(ld, item, ov->append, true, &app))
        return false;
    if (ov->replace && !_update_keys(ld, item, ov->replace, false, &rep))
        return false;
    if (ov->append && merge_append_rule(ld->m, &app, ld->diags) < 0)
        return false;
    return !ov->replace || merge_replace_rule(ld->m, &rep, ld->diags) == 0;
}

/* append: true reads only condition and exceptions. */
static bool _append_rule(struct load_reader *ld, const struct ynode *item, struct mrule_info *v)
{
    unsigned keys = 0;
    if (ynode_get(item, "condition", NULL))
        keys |= MR_CONDITION;
    if (ynode_get(item, "exceptions", NULL))
        keys |= MR_EXCEPTIONS;
    if (!_update_keys(ld, item, keys, true, v))
        return false;
    return merge_append_rule(ld->m, v, ld->diags) == 0;
}

/* A rule with none of condition, output, desc and priority only sets
 * enabled on an earlier rule. */
static bool _enable_rule(struct load_reader *ld, const struct ynode *item, struct mrule_info *v)
{
    const struct ynode *k = NULL;
    if (!load_bool(ld, item, "enabled", 0, &v->enabled, NULL))
        return false;
    ynode_get(item, "enabled", &k);
    load_report(ld, DIAG_LOAD_DEPRECATED_ITEM, k, WARNING_ENABLED);
    return merge_enable_rule(ld->m, v, ld->diags) == 0;
}

static bool _read_rule(struct load_reader *ld, const struct ynode *item)
{
    static const char *const keys[] = {"rule",
                                       "condition",
                                       "output",
                                       "desc",
                                       "priority",
                                       "source",
                                       "enabled",
                                       "capture",
                                       "capture_duration",
                                       "warn_evttypes",
                                       "skip-if-unknown-filter",
                                       "tags",
                                       "exceptions",
                                       "override",
                                       "append",
                                       NULL};
    struct mrule_info v = {.pos = load_pos(ld, item), .source = ""};
    if (!load_known_keys(ld, item, keys) || !load_str(ld, item, "rule", 0, &v.name))
        return false;
    ld->item = arena_printf(ld->rs->arena, "rule '%s'", v.name);
    bool append;
    struct overrides ov;
    if (!load_str(ld, item, "source", LOAD_OPTIONAL | LOAD_CAN_BE_EMPTY, &v.source) ||
        !_append_flag(ld, item, &append) ||
        !_overrides(ld, item, _rule_keys,
                    MR_CONDITION | MR_OUTPUT | MR_DESC | MR_TAGS | MR_EXCEPTIONS, ~0u, &ov))
        return false;
    if (append && (ov.append | ov.replace))
        return load_fail(ld, item, ERROR_OVERRIDE_APPEND);
    if (ov.append | ov.replace)
        return _override_rule(ld, item, &v, &ov);
    if (append)
        return _append_rule(ld, item, &v);
    if (!ynode_get(item, "condition", NULL) && !ynode_get(item, "output", NULL) &&
        !ynode_get(item, "desc", NULL) && !ynode_get(item, "priority", NULL))
        return _enable_rule(ld, item, &v);
    v.source = "";
    return _define_rule(ld, item, &v);
}

/* ---- version requirements -------------------------------------------------------------- */

/* sinsp_version: "%u.%u.%u" as sscanf reads it (anything may follow). */
static bool _parse_semver(const char *s, unsigned v[3])
{
    for (int i = 0; i < 3; i++) {
        char *end;
        while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
            s++;
        if (!((*s >= '0' && *s <= '9') || ((*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9')))
            return false;
        v[i] = (unsigned)strtoul(s, &end, 10);
        s = end;
        if (i < 2 && *s++ != '.')
            return false;
    }
    return true;
}

static int _version_cmp(const unsigned a[3], const unsigned b[3])
{
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* An integer N means 0.N.0 (the engine version before semver). */
static bool _read_engine_version(struct load_reader *ld, const struct ynode *item)
{
    static const char *const keys[] = {"required_engine_version", NULL};
    bool ok;
    if (!load_known_keys(ld, item, keys))
        return false;
    const struct ynode *v = load_scalar(ld, item, "required_engine_version", 0, &ok);
    if (!v)
        return false;
    unsigned req[3];
    uint64_t minor;
    if (load_parse_uint(v->value, UINT32_MAX, &minor)) {
        req[0] = RULEC_ENGINE_VERSION_MAJOR;
        req[1] = (unsigned)minor;
        req[2] = RULEC_ENGINE_VERSION_PATCH;
    } else if (!_parse_semver(v->value, req)) {
        return load_fail(
            ld, v,
            "Unable to parse engine version '%s' as a semver string. Expected \"x.y.z\" "
            "semver format.",
            v->value);
    }
    const unsigned engine[3] = {RULEC_ENGINE_VERSION_MAJOR, RULEC_ENGINE_VERSION_MINOR,
                                RULEC_ENGINE_VERSION_PATCH};
    if (req[0] != engine[0] || _version_cmp(engine, req) < 0) {
        load_report(ld, DIAG_LOAD_ERR_VALIDATE, v,
                    "Rules require engine version %u.%u.%u, but engine version is %u.%u.%u", req[0],
                    req[1], req[2], engine[0], engine[1], engine[2]);
        return false;
    }
    struct ruleset *rs = ld->rs;
    const unsigned have[3] = {rs->engine_major, rs->engine_minor, rs->engine_patch};
    if (_version_cmp(have, req) < 0) {
        rs->engine_major = req[0];
        rs->engine_minor = req[1];
        rs->engine_patch = req[2];
    }
    return true;
}

/* One requirement: a name and a version. */
static bool _plugin_requirement(struct load_reader *ld, const struct ynode *p, const char *what,
                                const char **name)
{
    static const char *const keys[] = {"name", "version", "alternatives", NULL};
    const char *version = NULL;
    unsigned v[3];
    if (!p || p->kind != YNODE_MAP)
        return load_fail(ld, p, "%s must be a mapping", what);
    if (!load_known_keys(ld, p, keys) || !load_str(ld, p, "name", 0, name) ||
        !load_str(ld, p, "version", 0, &version))
        return false;
    if (!_parse_semver(version, v)) {
        load_report(ld, DIAG_LOAD_ERR_VALIDATE, ynode_get(p, "version", NULL),
                    "Invalid required version '%s' for plugin '%s'", version, *name);
        return false;
    }
    return true;
}

/* rulec loads no plugins: requirements are checked for shape and accepted. */
static bool _read_plugin_versions(struct load_reader *ld, const struct ynode *item)
{
    static const char *const keys[] = {"required_plugin_versions", NULL};
    const struct ynode *req = ynode_get(item, "required_plugin_versions", NULL);
    if (!load_known_keys(ld, item, keys))
        return false;
    if (req->kind != YNODE_SEQ)
        return load_fail(ld, req, "Value of required_plugin_versions must be a sequence");
    for (size_t i = 0; i < req->nkids; i++) {
        const struct ynode *p = req->kids[i];
        const char *name = NULL;
        if (!_plugin_requirement(ld, p, "Plugin version", &name))
            return false;
        const struct ynode *alts = ynode_get(p, "alternatives", NULL);
        if (!alts)
            continue;
        if (alts->kind != YNODE_SEQ)
            return load_fail(ld, alts, "Value of plugin version alternatives must be a sequence");
        const char **names = arena_alloc(ld->tmp, (alts->nkids + 1) * sizeof(char *));
        names[0] = name;
        for (size_t j = 0; j < alts->nkids; j++) {
            if (!_plugin_requirement(ld, alts->kids[j], "Plugin version alternative",
                                     &names[j + 1]))
                return false;
            for (size_t k = 0; k <= j; k++)
                if (strcmp(names[k], names[j + 1]) == 0) {
                    load_report(ld, DIAG_LOAD_ERR_VALIDATE, alts->kids[j],
                                "Defined multiple alternative version requirements for plugin '%s'",
                                names[j + 1]);
                    return false;
                }
        }
    }
    return true;
}

/* ---- files ----------------------------------------------------------------------------- */

static void _read_item(struct load_reader *ld, const struct ynode *item)
{
    ld->item = NULL;
    if (ynode_is_null(item))
        return;
    if (item->kind != YNODE_MAP) {
        load_fail(ld, item,
                  "Unexpected element type. Each element should be a yaml associative "
                  "array.");
        return;
    }
    static const struct {
        const char *key;
        bool (*read)(struct load_reader *, const struct ynode *);
    } kinds[] = {
        {"required_engine_version", _read_engine_version},
        {"required_plugin_versions", _read_plugin_versions},
        {"list", _read_list},
        {"macro", _read_macro},
        {"rule", _read_rule},
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        const struct ynode *name = ynode_get(item, kinds[i].key, NULL);
        if (!name)
            continue;
        if (!kinds[i].read(ld, item) && i >= 2 && ynode_is_scalar(name))
            merge_item_failed(ld->m, kinds[i].key, name->value);
        return;
    }
    load_report(ld, DIAG_LOAD_UNKNOWN_ITEM, item, "Unknown top level item");
}

static void _read_doc(struct load_reader *ld, const struct ynode *doc)
{
    if (!doc || ynode_is_null(doc))
        return; /* an empty document loads nothing */
    ld->item = NULL;
    if (doc->kind == YNODE_SCALAR) {
        load_fail(ld, doc, "Rules content is not yaml");
        return;
    }
    if (doc->kind != YNODE_SEQ) {
        load_fail(ld, doc, "Rules content is not yaml array of objects");
        return;
    }
    for (size_t i = 0; i < doc->nkids; i++)
        _read_item(ld, doc->kids[i]);
}

static struct src_file *_add_file(struct ruleset *rs, struct src_file *f)
{
    struct src_file **files = realloc(rs->files, (rs->nfiles + 1) * sizeof(*files));
    if (!files)
        abort();
    rs->files = files;
    f->index = (unsigned)rs->nfiles;
    rs->files[rs->nfiles++] = f;
    return f;
}

static void _load_file(struct ruleset *rs, const struct src_file *file, struct diag_list *diags)
{
    struct arena *tmp = arena_new();
    struct ytree tree;
    if (ytree_parse(tmp, file, &tree, diags) == 0) {
        struct load_reader ld = {
            .rs = rs, .m = merge_of(rs), .diags = diags, .tmp = tmp, .tree = &tree, .file = file};
        for (size_t i = 0; i < tree.ndocs; i++)
            _read_doc(&ld, tree.docs[i]);
    }
    arena_free(&tmp);
}

int ruleset_load_files(struct ruleset *rs, const char *const *paths, size_t npaths,
                       struct diag_list *diags)
{
    size_t errors = diags->errors;
    for (size_t i = 0; i < npaths; i++) {
        struct src_file *f = src_file_read(paths[i], (unsigned)rs->nfiles);
        if (!f) {
            struct stat st;
            int err = errno;
            if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
                err = EISDIR; /* fopen opens a directory; reading it fails with EIO */
            f = _add_file(rs, src_file_new(paths[i], "", 0, (unsigned)rs->nfiles));
            diag_report(diags, DIAG_LOAD_ERR_FILE_READ, src_pos_at(f, 0), NULL,
                        "cannot read rules file '%s': %s", paths[i], strerror(err));
            continue;
        }
        _load_file(rs, _add_file(rs, f), diags);
    }
    merge_build(merge_of(rs), diags);
    return diags->errors > errors ? -1 : 0;
}

int ruleset_load_buffer(struct ruleset *rs, const char *name, const char *text, size_t len,
                        struct diag_list *diags)
{
    size_t errors = diags->errors;
    struct src_file *f = _add_file(rs, src_file_new(name, text, len, (unsigned)rs->nfiles));
    _load_file(rs, f, diags);
    merge_build(merge_of(rs), diags);
    return diags->errors > errors ? -1 : 0;
}
