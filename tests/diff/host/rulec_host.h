/* The interface between the generated policy C, compiled natively as a
 * shared object against the host headers of this directory, and the
 * differential test driver (tests/diff/diff.c) that loads it: the driver
 * implements these and exports them (-rdynamic). */
#ifndef RULEC_HOST_H
#define RULEC_HOST_H

#include <stddef.h>

#include <linux/types.h>

#include "rulec_abi.h"

/* bpf_map_lookup_elem: the map is identified by its address; its type,
 * key and value sizes come from the map definition (sizeof on the libbpf
 * style members), so the driver checks them against the metadata. */
void *rulec_host_map_lookup(const void *map, unsigned type, size_t key_size, size_t value_size,
                            unsigned max_entries, const void *key);
/* rulec_prefix_match(map, value, len, size): an LPM lookup of the first
 * len bytes of value (a slot of size bytes). Returns 0 or 1. */
int rulec_host_prefix_match(const void *map, unsigned type, size_t key_size, unsigned max_entries,
                            const void *value, unsigned len, unsigned size);
/* Every rulec_fill_<name>: the driver finds the slot by its offset in the
 * event and fills it from the synthetic event's value. */
void rulec_host_fill(const char *fill, const void *cx_id_ret, struct rulec_slot_hdr *h, __u8 *d,
                     __u32 size, __u32 arg);
/* rulec_dns_names: the names (bits of the metadata's dns_names) an address slot's address
 * resolves to, from the driver's own table. */
__u64 rulec_host_dns(const __u8 *ip_slot);
/* rulec_begin: fills the record header from the synthetic event; returns
 * 0 when the event is not evaluated (a failed exec). */
int rulec_host_begin(void *event, size_t event_size, struct rulec_record_hdr *hdr);
/* rulec_submit: the candidate and maybe masks, and whether the record went to the reserve ring
 * buffer (of Critical and above) first. */
void rulec_host_submit(const void *event, size_t event_size, const __u64 *mask, const __u64 *maybe,
                       unsigned words, int reserve);

#endif
