/* Numeric constants in conditions (`proc.pid = 42`, `fd.sport in (80, 443)`),
 * read the same way by every pass that needs their value: the checker (errors
 * and range warnings), the interpreter, the kernel code generator and the
 * syscall-argument bit tests. One reader, so lint, the kernel and userspace
 * never disagree on what a token means.
 *
 * The syntax is libsinsp's: sinsp_numparser reads a value with
 * sscanf("%" PRIu64 "%c") (PRId64 for signed fields) and accepts it only
 * when exactly one conversion happened. So leading white space is skipped,
 * one optional sign, decimal digits, and nothing after them: no trailing
 * blank, no second sign ("+-5" is not a number). rulec also reads 0x hex
 * ("0x1f", "-0x10"), which Falco does not.
 *
 * Where glibc's sscanf saturates a value too large for the field (or
 * libsinsp narrows it), rulec refuses it: a constant that cannot be held is
 * a mistake to report, not a value to compare with. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A constant as written, before it is fitted to a field's type. */
struct number {
    uint64_t magnitude;
    bool negative; /* a '-' was written (also for "-0") */
};

/* Reads s[0..len). Returns 0, -EINVAL when the text is not a number,
 * -ERANGE when its magnitude does not fit 64 bits. */
int number_scan(const char *s, size_t len, struct number *out);

/* The value a field of that signedness holds, as 64 bits (two's complement
 * for signed fields). A signed field holds -2^63..2^63-1; for an unsigned
 * one a negative constant wraps modulo 2^64, as strtoull and sscanf("%lu")
 * wrap it. Returns 0 or -ERANGE. */
int number_fit(const struct number *n, bool is_signed, uint64_t *out);

/* number_scan then number_fit. */
int number_parse(const char *s, size_t len, bool is_signed, uint64_t *out);
