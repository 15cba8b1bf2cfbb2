#include "runtime/jsonpath.h"

#include <stdint.h>

json_object *jsonpath_parse(const char *json, size_t len)
{
    if (!json || len > INT32_MAX)
        return NULL;
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return NULL;
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        root = NULL;
    }
    json_tokener_free(tok);
    return root;
}

json_object *jsonpath_at(json_object *o, const char *const *path)
{
    for (; o && *path; path++)
        if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, *path, &o))
            return NULL;
    return o;
}

const char *jsonpath_string(json_object *o)
{
    return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

bool jsonpath_bool(json_object *o)
{
    return o && json_object_is_type(o, json_type_boolean) && json_object_get_boolean(o);
}
