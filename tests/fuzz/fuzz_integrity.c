/* libFuzzer target for the integrity check (core/integrity.c), which reads a policy's section
 * table before anything else is trusted. Besides crashes, leaks and undefined behaviour it
 * checks, on every input:
 *   - a refusal always says why;
 *   - an unsigned object that verifies is exactly what sealing its bytes writes: the record
 *     leaves no byte unchecked, and the digest covers everything else;
 *   - sealing never reads or writes outside the buffer, whatever the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/integrity.h"

static void _fail(const char *what)
{
    fprintf(stderr, "fuzz_integrity: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int loaded;
    char err[1024];
    if (!loaded && crypto_load(err, sizeof(err)) < 0)
        _fail(err);
    loaded = 1;
    struct integrity_report rep;
    err[0] = '\0';
    enum integrity_status st = integrity_verify(data, size, NULL, 0, &rep, err, sizeof(err));
    if (st != INTEGRITY_OK && !err[0])
        _fail("a refusal without a reason");
    unsigned char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    struct integrity_report sealed;
    int rc = integrity_seal(copy, size, NULL, &sealed, err, sizeof(err));
    if (st == INTEGRITY_OK && !rep.is_signed && (rc != 0 || memcmp(copy, data, size) != 0))
        _fail("an object that verifies is not what sealing it writes");
    if (rc == 0 && integrity_verify(copy, size, NULL, 0, &rep, err, sizeof(err)) != INTEGRITY_OK)
        _fail("a sealed object does not verify");
    free(copy);
    return 0;
}
