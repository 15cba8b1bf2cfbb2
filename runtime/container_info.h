/* What the container runtime says about one container, and the container.* and k8s.* field
 * values made from it, as Falco's container plugin extracts them (its extract.cpp): the plugin's
 * names, formats and choices of empty versus <NA>. The engines (runtime/docker.c,
 * runtime/cri.c) fill a struct cinfo; runtime/container_meta.c caches them by container.id.
 * A cinfo is immutable once cinfo_finish() has run, so field values point into it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fields.h"
#include "core/value.h"

/* container.type, as the plugin's container_type.h names it. */
enum cinfo_type {
    CINFO_DOCKER,
    CINFO_PODMAN,
    CINFO_CRI,
    CINFO_CONTAINERD,
    CINFO_CRIO,
    CINFO_HOST,
    CINFO_TYPE_MAX,
};

struct cinfo_kv {
    char *key;
    char *value;
};

struct cinfo_mount {
    char *source;
    char *dest;
    char *mode;
    char *propagation;
    bool rdwr;
    char *text; /* source:dest:mode:rdwr:propagation, made by cinfo_finish */
};

struct cinfo {
    enum cinfo_type type;
    char *id; /* 12 characters, as container.id */
    char *full_id;
    char *name;
    char *image;
    char *image_id;
    char *image_repo;
    char *image_tag;
    char *image_digest;
    char *ip;
    char *pod_sandbox_id;
    char *cni_json;
    bool privileged;
    bool host_pid;
    bool host_network;
    bool host_ipc;
    uint64_t start_ns;       /* when the container's init started, ns since the epoch; 0 unknown */
    struct cinfo_kv *labels; /* sorted by key once finished (the plugin keeps a std::map) */
    size_t nlabels;
    struct cinfo_kv *pod_labels;
    size_t npod_labels;
    struct cinfo_mount *mounts; /* in the runtime's order */
    size_t nmounts;
    /* Made by cinfo_finish: container.mounts, container.labels, k8s.pod.labels. */
    char *mounts_text;
    char *labels_text;
    char *pod_labels_text;
};

/* An empty cinfo of this type; every string is "" until set. Aborts on out-of-memory. */
struct cinfo *cinfo_new(enum cinfo_type type);
void cinfo_free(struct cinfo **ci);
/* Replaces one of ci's strings with a copy of s (NULL: ""). */
void cinfo_set(char **slot, const char *s);
/* Adds a label (or a pod label with pod); a value longer than max_len is left out, as the
 * plugin's label_max_len does. */
void cinfo_add_label(struct cinfo *ci, bool pod, const char *key, const char *value,
                     size_t max_len);
void cinfo_add_mount(struct cinfo *ci, const char *source, const char *dest, const char *mode,
                     bool rdwr, const char *propagation);
/* Sorts the labels and makes the joined texts. Call once, after the last change. */
void cinfo_finish(struct cinfo *ci);

/* The host's entry: container.id, container.full_id and container.name "host", type host,
 * the other strings empty (the plugin's host_container_info). */
const struct cinfo *cinfo_host(void);

/* The runtime's value of an image reference "repo[:tag][@digest]" split as the plugin's
 * parseImageRepoTag: a colon before the last '/' is a registry port, not a tag. */
void cinfo_split_image(const char *image, char **repo, char **tag);

/* The field's value for a container described by ci (NULL: nothing known yet, or the runtime
 * does not know it): out is set, or left FV_NONE for <NA>. arg is the field's argument
 * (container.label[KEY], container.mount[N|PATTERN]); evt_ns the event's time for
 * container.duration. Strings point into ci. */
void cinfo_field(const struct cinfo *ci, enum field_id id, const char *arg, uint64_t evt_ns,
                 struct field_value *out);

/* The start of process pid (host pid), ns since the epoch, from /proc; 0 when it is gone. The
 * start of a container's init is what the plugin's container.start_ts is (the kernel's
 * proc.pidns_init_start_ts): the engines read it from the pid the runtime reports. */
uint64_t cinfo_process_start_ns(int pid);

/* Bytes ci holds (its structure, strings and arrays), for the cache's accounting. */
size_t cinfo_size(const struct cinfo *ci);

/* An engine's answer about one container id. */
enum cinfo_answer {
    CINFO_FOUND,     /* the runtime knows it: a cinfo */
    CINFO_NOT_FOUND, /* the runtime does not know it (another runtime's, or gone) */
    CINFO_FAILED,    /* the runtime did not answer (down, hung, malformed reply) */
};

/* "2024-01-02T03:04:05.123456789Z" (RFC 3339, what Docker and CRI print) as ns since the epoch;
 * 0 for anything else, and for Go's zero time (a container never started). */
uint64_t cinfo_parse_time(const char *s);
