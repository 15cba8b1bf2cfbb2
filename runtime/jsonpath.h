/* Reading the container runtimes' JSON answers with json-c: a parse of a counted buffer that
 * wants an object, and lookups along a path of keys that give NULL for anything missing or of
 * another type, so the engines read nested optional keys without a check at every level. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* The object in json (len bytes); NULL when it is not valid JSON or not an object. */
json_object *jsonpath_parse(const char *json, size_t len);

/* o.path[0].path[1]...: path is NULL-terminated; NULL when a key is missing. */
json_object *jsonpath_at(json_object *o, const char *const *path);
#define JSONPATH(o, ...) jsonpath_at((o), (const char *const[]){__VA_ARGS__, NULL})

/* The value if it is a string (a boolean); else NULL (false). */
const char *jsonpath_string(json_object *o);
bool jsonpath_bool(json_object *o);
