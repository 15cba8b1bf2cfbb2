/* The kernel-side headers that generated BPF C includes, embedded in the
 * binary by tools/embed.sh. */
#pragma once

struct embedded_file {
    const char *name;
    const char *text;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_file embedded_bpf_files[];
