/* `rulec run`'s check of its policy before anything is loaded (core/integrity.h).
 *
 * The object is read once into memory and checked in a short-lived child process; the runtime
 * then parses and loads those same bytes (engine_new, loader_open), so a file replaced between
 * the check and the load is never what runs. The child is where libcrypto gets mapped: in the
 * runtime it would stay resident for good (about 4 MB, and OpenSSL pins itself, so dlclose does
 * not unmap it), while the child's memory goes when it exits. The trusted keys are read here, in
 * the runtime, so that a missing key is a configuration error of its own. */
#pragma once

#include <stddef.h>

#include "core/integrity.h"
#include "core/policy.h"

enum verify_error {
    VERIFY_OK = 0,
    VERIFY_ERR_IO = -1,        /* the policy cannot be read, or the check could not run */
    VERIFY_ERR_KEYS = -2,      /* a trusted key cannot be read: a configuration error */
    VERIFY_ERR_CORRUPT = -3,   /* not a rulec policy object (not ELF, truncated) */
    VERIFY_ERR_INTEGRITY = -4, /* refused: no record, corrupt or modified, unsigned, untrusted */
};

/* Reads the policy at path into img and checks it; when key_paths names trusted keys (files or
 * directories, see integrity_keys_load), it must be signed by one of them. On VERIFY_OK img
 * holds the verified bytes and rep what the check found (digest, signer); otherwise img is empty
 * and err says why, starting with the path. *ms is the time it all took. */
enum verify_error verify_policy(const char *path, const char *const *key_paths, size_t nkey_paths,
                                struct policy_image *img, struct integrity_report *rep, double *ms,
                                char *err, size_t errlen);
