/* UTF-8 as alerts and regexes need it: validation by maximal subparts
 * (Unicode 3.9, Table 3-7), sanitizing with U+FFFD as libsinsp's
 * utf8::sanitize does, encoding a code point. Below the output formatter,
 * the interpreter and the YAML reader, which all use it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Length of the valid UTF-8 sequence at p (> 0), or minus the length of the
 * invalid maximal subpart there (< 0). p < end. */
int utf8_seq(const unsigned char *p, const unsigned char *end);

/* Appends s with each invalid UTF-8 sequence (each maximal subpart)
 * replaced by U+FFFD: what libsinsp's utf8::sanitize and nlohmann's json
 * dump(replace) do to alert text. */
void utf8_sanitize(struct strbuf *out, const char *s, size_t len);

/* The length of s[0..len) without an incomplete sequence at its end: when s
 * is a prefix the kernel cut, the real value completes that sequence, so it
 * is not invalid, only unknown. */
size_t utf8_cut_partial(const char *s, size_t len);

/* Writes code point cp (up to U+1FFFFF) to out, which has room for 4
 * bytes; returns the number of bytes. */
size_t utf8_encode(uint32_t cp, char *out);
