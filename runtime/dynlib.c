#include "runtime/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

int dynlib_load(const char *const *sonames, const char *package, const struct dynlib_sym *syms,
                size_t nsyms, char *err, size_t errlen)
{
    void *h = NULL;
    const char *soname = sonames[0];
    for (size_t i = 0; sonames[i] && !h; i++) {
        soname = sonames[i];
        h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    }
    if (!h) {
        snprintf(err, errlen, "cannot load %s (install %s): %s", sonames[0], package, dlerror());
        return -1;
    }
    for (size_t i = 0; i < nsyms; i++)
        if (!dlsym(h, syms[i].name)) {
            snprintf(err, errlen, "%s lacks %s (too old a version?)", soname, syms[i].name);
            dlclose(h);
            return -1;
        }
    for (size_t i = 0; i < nsyms; i++)
        *syms[i].slot = dlsym(h, syms[i].name);
    return 0;
}
