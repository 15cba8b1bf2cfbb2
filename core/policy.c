#include "core/policy.h"

#include "core/rulec_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

static json_object *_strs(const char *const *v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static void _add_str(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

char *policy_meta_to_json(const struct policy_meta *m)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "format_version", json_object_new_int64(m->format_version));
    _add_str(root, "compiler_version", m->compiler_version);
    _add_str(root, "sources_digest", m->sources_digest);
    json_object_object_add(root, "record_size", json_object_new_int64(m->record_size));
    json_object_object_add(root, "mask_words", json_object_new_int64(m->mask_words));
    json_object *slots = json_object_new_array();
    for (size_t i = 0; i < m->nslots; i++) {
        json_object *s = json_object_new_object();
        _add_str(s, "field", m->slots[i].field);
        _add_str(s, "arg", m->slots[i].arg);
        json_object_object_add(s, "offset", json_object_new_int64(m->slots[i].offset));
        json_object_object_add(s, "size", json_object_new_int64(m->slots[i].size));
        json_object_array_add(slots, s);
    }
    json_object_object_add(root, "slots", slots);
    json_object *rules = json_object_new_array();
    for (size_t i = 0; i < m->nrules; i++) {
        const struct policy_rule *r = &m->rules[i];
        json_object *o = json_object_new_object();
        _add_str(o, "name", r->name);
        _add_str(o, "desc", r->desc);
        _add_str(o, "source", r->source);
        _add_str(o, "priority", r->priority);
        json_object_object_add(o, "tags", _strs(r->tags, r->ntags));
        _add_str(o, "output", r->output);
        _add_str(o, "condition", r->condition);
        _add_str(o, "kernel", r->kernel);
        json_object_object_add(o, "kernel_exact", json_object_new_boolean(r->kernel_exact));
        json_object_object_add(o, "enabled", json_object_new_boolean(r->enabled));
        json_object_object_add(o, "hooks", _strs(r->hooks, r->nhooks));
        json_object_object_add(o, "unavailable", _strs(r->unavailable, r->nunavailable));
        json_object_array_add(rules, o);
    }
    json_object_object_add(root, "rules", rules);
    json_object *sets = json_object_new_array();
    for (size_t i = 0; i < m->nsets; i++) {
        const struct policy_set *s = &m->sets[i];
        json_object *o = json_object_new_object();
        _add_str(o, "map", s->map);
        _add_str(o, "kind", s->kind);
        json_object_object_add(o, "key_size", json_object_new_int64(s->key_size));
        json_object_object_add(o, "values", _strs(s->values, s->nvalues));
        json_object_array_add(sets, o);
    }
    json_object_object_add(root, "sets", sets);
    json_object *hooks = json_object_new_array();
    for (size_t i = 0; i < m->nhooks; i++) {
        json_object *o = json_object_new_object();
        _add_str(o, "event", m->hooks[i].event);
        json_object_object_add(o, "nr", json_object_new_int(m->hooks[i].nr));
        _add_str(o, "program", m->hooks[i].program);
        json_object_array_add(hooks, o);
    }
    json_object_object_add(root, "hooks", hooks);
    json_object *programs = json_object_new_array();
    for (size_t i = 0; i < m->nprograms; i++) {
        json_object *o = json_object_new_object();
        _add_str(o, "program", m->programs[i].program);
        _add_str(o, "attach", m->programs[i].attach);
        json_object_array_add(programs, o);
    }
    json_object_object_add(root, "programs", programs);
    _add_str(root, "cid_cache", m->cid_cache);
    _add_str(root, "proc_cache", m->proc_cache);
    if (m->nprofile)
        json_object_object_add(root, "profile", _strs(m->profile, m->nprofile));
    if (m->ndns_names)
        json_object_object_add(root, "dns_names", _strs(m->dns_names, m->ndns_names));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);
    char *out = strdup(text);
    json_object_put(root);
    return out;
}

size_t policy_set_key_size(const struct policy_set *s)
{
    if (!strcmp(s->kind, "prefix"))
        return s->key_size + 4;
    if (!strcmp(s->kind, "hash32"))
        return sizeof(uint32_t);
    return s->key_size;
}

int policy_set_key(const struct policy_set *s, const char *value, unsigned char *key)
{
    size_t n = strlen(value);
    memset(key, 0, policy_set_key_size(s));
    if (!strcmp(s->kind, "hash32")) {
        uint64_t words[RULEC_KEY_HASH_WORDS + 1] = {0};
        if (n >= sizeof(words) - 8)
            return -1;
        memcpy(words, value, n);
        uint32_t h = rulec_key_hash((const __u64 *)words, (__u32)n);
        memcpy(key, &h, sizeof(h));
        return 0;
    }
    if (n >= s->key_size)
        return -1;
    if (!strcmp(s->kind, "prefix")) {
        /* LPM keys: prefix length in bits, then the bytes. */
        uint32_t bits = (uint32_t)n * 8;
        memcpy(key, &bits, 4);
        memcpy(key + 4, value, n);
        return 0;
    }
    if (strcmp(s->kind, "str") != 0)
        return -1;
    memcpy(key, value, n);
    return 0;
}

/* Typed accessors that fail the parse (via *ok) instead of crashing on a
 * garbled or hostile metadata section. */
struct reader {
    struct arena *arena;
    bool ok;
    const char *what;
};

static json_object *_get(struct reader *r, json_object *o, const char *key, json_type type)
{
    json_object *v = NULL;
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
        (v && !json_object_is_type(v, type))) {
        if (!(type == json_type_string && v == NULL && json_object_is_type(o, json_type_object) &&
              json_object_object_get_ex(o, key, NULL))) {
            if (r->ok)
                r->what = key;
            r->ok = false;
        }
        return NULL;
    }
    return v;
}

static const char *_str(struct reader *r, json_object *o, const char *key)
{
    json_object *v = _get(r, o, key, json_type_string);
    return v ? arena_strdup(r->arena, json_object_get_string(v)) : NULL;
}

static int64_t _int(struct reader *r, json_object *o, const char *key)
{
    json_object *v = _get(r, o, key, json_type_int);
    return v ? json_object_get_int64(v) : 0;
}

static bool _bool(struct reader *r, json_object *o, const char *key)
{
    json_object *v = _get(r, o, key, json_type_boolean);
    return v ? json_object_get_boolean(v) : false;
}

static size_t _array(struct reader *r, json_object *o, const char *key, json_object **out)
{
    *out = _get(r, o, key, json_type_array);
    return *out ? json_object_array_length(*out) : 0;
}

static const char **_str_array(struct reader *r, json_object *o, const char *key, size_t *n)
{
    json_object *a;
    *n = _array(r, o, key, &a);
    const char **v = arena_alloc(r->arena, (*n + 1) * sizeof(char *));
    for (size_t i = 0; i < *n; i++) {
        json_object *s = json_object_array_get_idx(a, i);
        if (!json_object_is_type(s, json_type_string)) {
            r->ok = false;
            r->what = key;
            return v;
        }
        v[i] = arena_strdup(r->arena, json_object_get_string(s));
    }
    return v;
}

int policy_meta_from_json(struct arena *arena, const char *json, size_t len, struct policy_meta *m,
                          char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        snprintf(err, errlen, "metadata is not valid JSON (%s)", json_tokener_error_desc(jerr));
        json_object_put(root);
        return -1;
    }
    struct reader r = {.arena = arena, .ok = true};
    m->format_version = (uint32_t)_int(&r, root, "format_version");
    if (r.ok && m->format_version != POLICY_FORMAT_VERSION) {
        snprintf(err, errlen, "policy format version %u, this rulec reads version %d",
                 m->format_version, POLICY_FORMAT_VERSION);
        json_object_put(root);
        return -2;
    }
    m->compiler_version = _str(&r, root, "compiler_version");
    m->sources_digest = _str(&r, root, "sources_digest");
    m->record_size = (uint32_t)_int(&r, root, "record_size");
    m->mask_words = (uint32_t)_int(&r, root, "mask_words");
    json_object *a;
    m->nslots = _array(&r, root, "slots", &a);
    m->slots = arena_alloc(arena, (m->nslots + 1) * sizeof(*m->slots));
    for (size_t i = 0; r.ok && i < m->nslots; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        m->slots[i] = (struct policy_slot){
            .field = _str(&r, o, "field"),
            .arg = _str(&r, o, "arg"),
            .offset = (uint32_t)_int(&r, o, "offset"),
            .size = (uint32_t)_int(&r, o, "size"),
        };
        if (r.ok &&
            (!m->slots[i].field || m->slots[i].offset + m->slots[i].size + 4 > m->record_size)) {
            r.ok = false;
            r.what = "slots";
        }
    }
    m->nrules = _array(&r, root, "rules", &a);
    m->rules = arena_alloc(arena, (m->nrules + 1) * sizeof(*m->rules));
    for (size_t i = 0; r.ok && i < m->nrules; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        struct policy_rule *p = &m->rules[i];
        p->name = _str(&r, o, "name");
        p->desc = _str(&r, o, "desc");
        p->source = _str(&r, o, "source");
        p->priority = _str(&r, o, "priority");
        p->tags = _str_array(&r, o, "tags", &p->ntags);
        p->output = _str(&r, o, "output");
        p->condition = _str(&r, o, "condition");
        p->kernel = _str(&r, o, "kernel");
        p->kernel_exact = _bool(&r, o, "kernel_exact");
        p->enabled = _bool(&r, o, "enabled");
        p->hooks = _str_array(&r, o, "hooks", &p->nhooks);
        p->unavailable = _str_array(&r, o, "unavailable", &p->nunavailable);
        if (r.ok && (!p->name || !p->condition || !p->priority || !p->source)) {
            r.ok = false;
            r.what = "rules";
        }
    }
    m->nsets = _array(&r, root, "sets", &a);
    m->sets = arena_alloc(arena, (m->nsets + 1) * sizeof(*m->sets));
    for (size_t i = 0; r.ok && i < m->nsets; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        struct policy_set *s = &m->sets[i];
        s->map = _str(&r, o, "map");
        s->kind = _str(&r, o, "kind");
        s->key_size = (uint32_t)_int(&r, o, "key_size");
        s->values = _str_array(&r, o, "values", &s->nvalues);
    }
    m->nhooks = _array(&r, root, "hooks", &a);
    m->hooks = arena_alloc(arena, (m->nhooks + 1) * sizeof(*m->hooks));
    for (size_t i = 0; r.ok && i < m->nhooks; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        m->hooks[i] = (struct policy_hook){
            .event = _str(&r, o, "event"),
            .nr = (int32_t)_int(&r, o, "nr"),
            .program = _str(&r, o, "program"),
        };
    }
    /* Later additions to format 1: absent means none. */
    if (r.ok && json_object_object_get_ex(root, "programs", NULL)) {
        m->nprograms = _array(&r, root, "programs", &a);
        m->programs = arena_alloc(arena, (m->nprograms + 1) * sizeof(*m->programs));
        for (size_t i = 0; r.ok && i < m->nprograms; i++) {
            json_object *o = json_object_array_get_idx(a, i);
            m->programs[i] = (struct policy_program){
                .program = _str(&r, o, "program"),
                .attach = _str(&r, o, "attach"),
            };
            if (r.ok && (!m->programs[i].program || !m->programs[i].attach)) {
                r.ok = false;
                r.what = "programs";
            }
        }
    }
    if (r.ok && json_object_object_get_ex(root, "cid_cache", NULL))
        m->cid_cache = _str(&r, root, "cid_cache");
    if (r.ok && json_object_object_get_ex(root, "proc_cache", NULL))
        m->proc_cache = _str(&r, root, "proc_cache");
    if (r.ok && json_object_object_get_ex(root, "profile", NULL))
        m->profile = _str_array(&r, root, "profile", &m->nprofile);
    if (r.ok && json_object_object_get_ex(root, "dns_names", NULL))
        m->dns_names = _str_array(&r, root, "dns_names", &m->ndns_names);
    json_object_put(root);
    if (!r.ok) {
        snprintf(err, errlen, "metadata is malformed (at '%s')", r.what ? r.what : "?");
        return -1;
    }
    return 0;
}

enum policy_read_error policy_image_read(struct policy_image *img, const char *path, char *err,
                                         size_t errlen)
{
    /* Far more than any ruleset compiles to; a device or a runaway file is refused. */
    static const off_t max_size = 256 << 20;
    memset(img, 0, sizeof(*img));
    img->path = path;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return POLICY_ERR_IO;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > max_size) {
        snprintf(err, errlen, "%s: %s", path,
                 S_ISREG(st.st_mode) ? "too large to be a policy" : "not a regular file");
        close(fd);
        return POLICY_ERR_IO;
    }
    img->data = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!img->data) {
        snprintf(err, errlen, "%s: out of memory", path);
        close(fd);
        return POLICY_ERR_IO;
    }
    while (img->size < (size_t)st.st_size) {
        ssize_t n = read(fd, img->data + img->size, (size_t)st.st_size - img->size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            close(fd);
            policy_image_free(img);
            return POLICY_ERR_IO;
        }
        if (n == 0)
            break; /* shrank while being read: what was read is checked as it is */
        img->size += (size_t)n;
    }
    close(fd);
    return POLICY_OK;
}

void policy_image_free(struct policy_image *img)
{
    free(img->data);
    img->data = NULL;
    img->size = 0;
}

enum policy_read_error policy_image_meta(const struct policy_image *img, struct arena *arena,
                                         struct policy_meta *meta, char *err, size_t errlen)
{
    const char *path = img->path;
    enum policy_read_error rc = POLICY_ERR_CORRUPT;
    elf_version(EV_CURRENT);
    /* Read only: libelf converts nothing in a native little-endian object. */
    Elf *elf = elf_memory((char *)img->data, img->size);
    size_t shstrndx;
    if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0) {
        snprintf(err, errlen, "%s: not an ELF object (corrupt or truncated policy)", path);
        goto out;
    }
    GElf_Ehdr ehdr;
    if (!gelf_getehdr(elf, &ehdr) || ehdr.e_machine != EM_BPF) {
        snprintf(err, errlen, "%s: not a BPF object", path);
        goto out;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr shdr;
        if (!gelf_getshdr(scn, &shdr))
            break;
        const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
        if (!name || strcmp(name, POLICY_META_SECTION) != 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || !data->d_buf || data->d_size == 0) {
            snprintf(err, errlen, "%s: empty metadata section (corrupt or truncated policy)", path);
            goto out;
        }
        char msg[256];
        int prc = policy_meta_from_json(arena, data->d_buf, data->d_size, meta, msg, sizeof(msg));
        if (prc == -2) {
            snprintf(err, errlen, "%s: %s", path, msg);
            rc = POLICY_ERR_VERSION;
        } else if (prc < 0) {
            snprintf(err, errlen, "%s: %s", path, msg);
        } else {
            rc = POLICY_OK;
        }
        goto out;
    }
    snprintf(err, errlen, "%s: no %s section: not a rulec policy (or truncated)", path,
             POLICY_META_SECTION);
out:
    if (elf)
        elf_end(elf);
    return rc;
}

enum policy_read_error policy_read_meta(const char *path, struct arena *arena,
                                        struct policy_meta *meta, char *err, size_t errlen)
{
    struct policy_image img;
    enum policy_read_error rc = policy_image_read(&img, path, err, errlen);
    if (rc == POLICY_OK)
        rc = policy_image_meta(&img, arena, meta, err, errlen);
    policy_image_free(&img);
    return rc;
}
