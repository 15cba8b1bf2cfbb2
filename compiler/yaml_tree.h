/* YAML documents as trees of nodes that know where they are in the file.
 * libyaml's marks count characters, not bytes, and a decoded scalar (folded,
 * escaped, unindented) no longer lines up with the source: this helper turns
 * marks into byte offsets and maps every byte of a scalar's value back to
 * the source byte it came from, so errors in conditions land on the right
 * line and column. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"

enum ynode_kind {
    YNODE_SCALAR,
    YNODE_SEQ,
    YNODE_MAP,
};

enum ynode_style {
    YSTYLE_PLAIN,
    YSTYLE_SINGLE,  /* 'quoted' */
    YSTYLE_DOUBLE,  /* "quoted" */
    YSTYLE_LITERAL, /* | block */
    YSTYLE_FOLDED,  /* > block */
    YSTYLE_FLOW,    /* [..] or {..} collections */
    YSTYLE_BLOCK,   /* indented collections */
};

struct ynode {
    enum ynode_kind kind;
    enum ynode_style style;
    bool tagged;         /* an explicit tag: `!!str null` is a string, not null */
    bool complete;       /* its end event was seen (an alias to it is not recursive) */
    uint32_t start, end; /* byte offsets in the file */
    const char *value;   /* scalars: decoded, NUL-terminated (may hold NULs) */
    size_t len;
    struct ynode **kids; /* sequences: items; mappings: key, value, key, value... */
    size_t nkids;
    size_t cap;
    size_t weight; /* nodes in the subtree, saturated; bounds alias expansion */
};

struct ytree {
    const struct src_file *file;
    struct ynode **docs; /* document roots, NULL for an empty document */
    size_t ndocs;
};

/* Parses every document of file into arena. On a YAML error reports
 * LOAD_ERR_YAML_PARSE at libyaml's problem position and returns -1: like
 * Falco, a file with a syntax error anywhere contributes nothing. */
int ytree_parse(struct arena *arena, const struct src_file *file, struct ytree *out,
                struct diag_list *diags);

/* YAML's null as yaml-cpp sees it: an untagged plain `~`, `null`, `Null`,
 * `NULL` or nothing at all. A NULL node (a missing key) is not null. */
bool ynode_is_null(const struct ynode *n);
bool ynode_is_scalar(const struct ynode *n); /* a scalar that is not null */
/* The value of key in a mapping (the first, when repeated), or NULL; keyp
 * receives the key node when not NULL. */
const struct ynode *ynode_get(const struct ynode *map, const char *key, const struct ynode **keyp);

/* Fills offsets[0..n->len] with the file offset of each byte of the scalar's
 * value (offsets[len] is just past the last). Bytes the decoder made up (a
 * space folded from a line break) map to the nearest source byte; when the
 * value cannot be aligned with the source, every byte maps to the start. */
void ynode_scalar_map(const struct ytree *tree, const struct ynode *n, uint32_t *offsets);
