/* Shared by the two halves of the configuration: runtime/config.c (the table of keys, their
 * conversions, -o, flags and environment) and runtime/config_yaml.c (the YAML files: the walk,
 * positions, Falco's keys that do not apply, append_output). No other module includes it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "runtime/config.h"

/* Every key rulec reads, by its dotted falco.yaml path. The YAML reader, -o and the flags all go
 * through one table, so a key has one type and one conversion wherever it comes from. */
enum config_kind {
    CK_BOOL,
    CK_STRING,
    CK_PRIORITY,
    CK_SIZE,         /* a positive integer */
    CK_UINT,         /* a whole number */
    CK_LIST,         /* a YAML sequence of strings; -o KEY=a,b sets it, -o KEY[]=a appends */
    CK_RATIO,        /* a number in [0, 1] (double) */
    CK_NONNEG,       /* a number >= 0 (double) */
    CK_DROP_ACTIONS, /* a sequence of ignore, log, alert, exit (unsigned: DROP_ACTION_*) */
    CK_MATCHING,     /* first or all (enum rule_matching) */
    CK_APPEND,       /* append_output's sequence of mappings (runtime/config_yaml.c reads it) */
    CK_PORT,         /* 0 to 65535 */
};

struct config_key {
    const char *path;
    enum config_kind kind;
    size_t offset;
};

const struct config_key *config_key_find(const char *path);
/* True when path names a section ("file_output") holding keys of the table. */
bool config_key_is_section(const char *path);
/* Calls fn on every path of the table (for "did you mean"). */
void config_key_each(void (*fn)(void *ctx, const char *path), void *ctx);
/* What the kind expects, for messages: "a boolean (true or false)". */
const char *config_kind_name(enum config_kind kind);
/* Converts and stores value (a scalar's text, or -o's); -1 with a message in err. */
int config_key_set(struct rulec_config *cfg, const struct config_key *key, const char *value,
                   char *err, size_t errlen);
void *config_key_slot(struct rulec_config *cfg, const struct config_key *key);

/* yaml-cpp's convert<bool>: 0, or -1 when s is not a boolean. */
int config_parse_bool(const char *s, bool *out);
char *config_xstrdup(const char *s);
void config_set_string(char **slot, const char *value);
void config_list_clear(struct config_list *l);
void config_list_add(struct config_list *l, const char *item, size_t n);
void config_append_clear(struct rulec_config *cfg);

/* The checks of a configuration as a whole (an enabled sink without its target, no sink at
 * all); -1 with a message in err. at_file: the checks a file can fail on its own. */
int config_check(const struct rulec_config *cfg, bool at_file, const char **key, char *err,
                 size_t errlen);

/* -o KEY=VALUE for a key whose value is YAML (append_output): parsed and read as a file's would
 * be, appended (append) or replacing the list. */
int config_yaml_value(struct rulec_config *cfg, const char *path, const char *value, bool append,
                      char *err, size_t errlen);
/* Falco's keys rulec does not read (runtime/config_falco.c), and what each means here. */
enum config_falco_disposition {
    CF_IGNORED,     /* a warning: it has no meaning for rulec */
    CF_OFF_ONLY,    /* a boolean: false is fine (and says nothing), true is an error */
    CF_EMPTY_ONLY,  /* null or empty is fine, anything else is an error */
    CF_QUIET,       /* a section whose other keys only matter when its switch is on */
    CF_SUBKEYS_ANY, /* a section whose keys are Falco's own tuning: accepted as they are */
};
struct config_falco {
    const char *path;
    enum config_falco_disposition d;
    const char *why;
};
/* The entry of path, and that of the section holding it ("capture" for "capture.mode"); NULL
 * when there is none. */
const struct config_falco *config_falco_find(const char *path);
const struct config_falco *config_falco_parent(const char *path);
/* Calls fn on every path of the table (for "did you mean"). */
void config_falco_each(void (*fn)(void *ctx, const char *path), void *ctx);

/* The disposition of a Falco key rulec does not read: 0 none (unknown), 1 ignored (why says
 * why), -1 unsupported (why says what to do instead). */
int config_falco_key(const char *path, const char **why);
