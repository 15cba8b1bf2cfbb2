/* Libraries the runtime loads with dlopen when a feature needs them, never links: each would
 * otherwise be resident in every `rulec run`, used or not (libmicrohttpd and GnuTLS for the
 * webhook and the webserver, libcurl and its TLS, LDAP and SSH libraries for http_output: 6 MB
 * of resident memory measured). */
#pragma once

#include <stddef.h>

/* One function to resolve: its name and where its address goes. */
struct dynlib_sym {
    const char *name;
    void **slot;
};

/* Loads the first of sonames (NULL-terminated) that dlopen finds (RTLD_NOW | RTLD_LOCAL) and
 * resolves every symbol into its slot. Returns 0, or -1 with err saying what to install
 * (package) or which function the library lacks; the slots are then left as they were. Not
 * synchronised: callers load once (pthread_once) or from one thread. */
int dynlib_load(const char *const *sonames, const char *package, const struct dynlib_sym *syms,
                size_t nsyms, char *err, size_t errlen);
