/* Names for fd.sip.name and its kin, as libsinsp's sinsp_dns_manager gives
 * them: the names the policy's conditions compare with are resolved when
 * `rulec run` starts and again every refresh interval (10 s, doubling while
 * an answer does not change, up to 320 s: Falco's timeouts). The addresses
 * go into the kernel's rulec_dns map (address -> the names it resolves to,
 * as bits in policy order), so that the kernel decides `fd.sip.name = N`
 * itself, and into a copy here for the residual conditions and the outputs.
 *
 * The value of fd.sip.name for an address is the first of the policy's
 * names that resolves to it, "" when none does (so `!= N` holds, as in
 * Falco, where the failed lookup leaves the comparison to `!match(N)`). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dns_cache;

/* names: the policy's (metadata order: bit i of the kernel's masks is names[i]). The first
 * resolution runs before this returns, for at most first_wait_ms, so that the policy starts
 * with answers; the rest in a thread. Returns -1 on an allocation or thread failure. */
int dns_cache_new(struct dns_cache **out, const char *const *names, size_t nnames,
                  unsigned first_wait_ms);
/* The kernel's rulec_dns map, once the policy is loaded: filled with what is known now, and
 * kept up to date from then on. */
void dns_cache_set_map(struct dns_cache *c, int map_fd);
void dns_cache_free(struct dns_cache **c);

/* The first name resolving to the address (family 4 or 6, network order), "" when none, or NULL
 * when there is no cache. The string lives as long as the cache. */
const char *dns_cache_name_of(struct dns_cache *c, uint8_t family, const uint8_t addr[16]);

/* Resolves again now (tests; the thread does it on its own schedule). */
void dns_cache_refresh(struct dns_cache *c);
