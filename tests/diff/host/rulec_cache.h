/* Host stand-in for compiler/bpf/rulec_cache.h (the per-process container.id
 * cache and its exec/fork/exit programs): here rulec_fill_container_id is
 * one of the host fillers of rulec_fields.h like every other field, so
 * nothing is left to define. */
#ifndef RULEC_CACHE_H
#define RULEC_CACHE_H
#endif
