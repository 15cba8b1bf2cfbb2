#include "compiler/available.h"

#include "compiler/kfields.h"
#include "core/field_readers.h"

bool available_field(enum field_source rule_source, const struct field_def *def, const char *arg)
{
    if (!def)
        return true; /* an unknown field is check.c's error */
    enum field_reader r = field_userspace_reader(def->id);
    if (rule_source == FSRC_K8S_AUDIT)
        return r == FR_PLUGIN || (def->flags & FF_GENERIC);
    if (def->source != FSRC_SYSCALL && !(def->flags & FF_GENERIC))
        return false;
    return kfield_for(def, arg) || (r != FR_NONE && r != FR_PLUGIN);
}
