/* What the parts of the rules-file loader share: compiler/load.c reads
 * items (lists, macros, rules, versions) and compiler/load_value.c decodes
 * the scalars and sequences in them as Falco's reader does (yaml-cpp's
 * conversions, decode_val_generic, decode_seq, decode_tags). Not for other
 * modules: they use compiler/load.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/merge.h"
#include "compiler/yaml_tree.h"

/* One file being read (Falco's rule_loader::reader). Items are read as it does;
 * where Falco stops the file at the first error, rulec drops the item and
 * goes on, so one lint run shows every problem. */
struct load_reader {
    struct ruleset *rs;
    struct merge *m;
    struct diag_list *diags;
    struct arena *tmp; /* the YAML tree, freed with the file */
    const struct ytree *tree;
    const struct src_file *file;
    const char *item; /* "rule 'X'" once the name is known */
};

/* What a key may be (flags of the decoders). */
enum {
    LOAD_OPTIONAL = 1u << 0,     /* the key may be missing */
    LOAD_CAN_BE_EMPTY = 1u << 1, /* the value may be null or "" */
};

/* The file position of a node (the item itself when n is NULL). */
struct src_pos load_pos(const struct load_reader *ld, const struct ynode *n);
/* Reports a schema error (Falco's reader THROW) and returns false. */
bool load_fail(struct load_reader *ld, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void load_report(struct load_reader *ld, enum diag_code code, const struct ynode *at,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Each returns false after a reported error; a missing LOAD_OPTIONAL key or
 * an empty LOAD_CAN_BE_EMPTY value leaves *out alone and returns true. */
/* The scalar under key, or NULL when it is missing or empty; *ok turns
 * false after a reported error. */
const struct ynode *load_scalar(struct load_reader *ld, const struct ynode *item, const char *key,
                                unsigned flags, bool *ok);
bool load_str(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
              const char **out);
/* A scalar's value with the file position of every byte. */
struct mtext load_node_text(struct load_reader *ld, const struct ynode *v);
bool load_text(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
               struct mtext *out);
/* yaml-cpp's convert<bool>; *present says whether the key was there. */
bool load_bool(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
               bool *out, bool *present);
/* yaml-cpp's convert<unsigned>: a stream read with the base from the prefix
 * (0x hex, 0 octal), no sign, nothing after but blanks; up to max. (Not
 * core/number.h: YAML keys follow yaml-cpp, conditions follow libsinsp.) */
bool load_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* load_parse_uint of the value under key, up to UINT32_MAX. */
bool load_uint32(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
                 uint32_t *out);
/* decode_seq: a sequence of scalars (list items, tags). */
bool load_str_seq(struct load_reader *ld, const struct ynode *item, const char *key, unsigned flags,
                  const char ***out, size_t *n);
/* decode_tags: a std::set, so sorted and each once. */
bool load_tags(struct load_reader *ld, const struct ynode *item, const char ***out, size_t *n);
/* warn_unknown_keys: LOAD_UNKNOWN_KEY for each key not in keys (NULL-ended). */
bool load_known_keys(struct load_reader *ld, const struct ynode *item, const char *const *keys);
