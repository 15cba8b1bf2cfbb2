/* Host stand-in for compiler/bpf/rulec_pcache.h (the process cache and its
 * exec/fork programs): nothing the host predicates read. */
#ifndef RULEC_PCACHE_H
#define RULEC_PCACHE_H
#endif
