/* The runtime's configuration: the keys of falco.yaml that apply to rulec, read from YAML
 * files, then environment, then command-line flags (each overriding the one before). Every key
 * of a file is accounted for, so that an existing falco.yaml loads and nothing in it is silently
 * dropped: a key rulec reads with a value of the wrong type is an error at its file:line:col
 * (LOAD_ERR_YAML_VALIDATE); a Falco key that means nothing to rulec (engine, load_plugins,
 * log_level, ...) is a RULEC_IGNORED_KEY warning saying why; a Falco key asking for what rulec
 * does not do (capture.enabled: true, static_fields, ...) and a key Falco does not have either
 * (a typo) are errors. Scalars expand ${VAR} from the environment, as Falco's yaml_helper
 * does. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/priority.h"
#include "core/strbuf.h"

/* syscall_event_drops: what Falco does when the kernel could not hand records over (the ring
 * buffer was full), checked once a second (runtime/drops.h). */
enum rulec_drop_action {
    DROP_ACTION_LOG = 1 << 0,   /* a message on stderr */
    DROP_ACTION_ALERT = 1 << 1, /* Falco's "syscall event drop" alert */
    DROP_ACTION_EXIT = 1 << 2,  /* stop, exit status 1 */
};

struct rulec_drops {
    unsigned actions;    /* syscall_event_drops.actions: DROP_ACTION_*; 0 is "ignore" */
    double threshold;    /* syscall_event_drops.threshold: act above this ratio of lost/events */
    double rate;         /* syscall_event_drops.rate: actions per second, on average */
    double max_burst;    /* syscall_event_drops.max_burst: actions at once */
    bool simulate_drops; /* syscall_event_drops.simulate_drops: one drop a second, no threshold */
};

/* A list of strings (policy_trusted_keys, container_engines.*.sockets), each malloc'd: a YAML
 * sequence, or comma-separated after -o. set is false until a value was given, so the user of
 * the key applies its default. */
struct config_list {
    char **items;
    size_t n;
    bool set;
};

/* rule_matching: which of the rules an event matches alert (Falco's falco_common::rule_matching).
 */
enum rule_matching {
    RULE_MATCHING_FIRST, /* only the first matching rule, in rule order (Falco's default) */
    RULE_MATCHING_ALL,   /* every matching rule, in rule order */
};

/* One extra_fields item of an append_output entry. */
struct config_extra_field {
    char *key;    /* its output_fields key */
    char *format; /* a template rendered as a string (`key: "%proc.name on ${HOME}"`), or NULL:
                   * the raw field `key`, with its own JSON type */
};

/* One append_output entry (Falco 0.39+): what is added to the alerts of the rules it matches.
 * Every match given must hold: the rule's source, all of the tags, the rule's name. */
struct config_append {
    char *source;            /* match.source, NULL: any */
    struct config_list tags; /* match.tags */
    char *rule;              /* match.rule, NULL: any */
    char *extra_output;      /* extra_output: appended to the output after a space, NULL: none */
    bool suggested_output;   /* the fields Falco's plugins suggest (FF_SUGGESTED) */
    struct config_extra_field *fields; /* extra_fields, in order */
    size_t nfields;
};

struct rulec_config {
    bool stdout_enabled;              /* stdout_output.enabled */
    bool syslog_enabled;              /* syslog_output.enabled */
    bool file_enabled;                /* file_output.enabled */
    char *file_name;                  /* file_output.filename (malloc'd; NULL when unset) */
    bool file_keep_alive;             /* file_output.keep_alive: keep open vs open per alert */
    bool json_output;                 /* json_output */
    bool json_include_output;         /* json_include_output_property */
    bool json_include_tags;           /* json_include_tags_property */
    bool json_include_message;        /* json_include_message_property */
    bool json_include_output_fields;  /* json_include_output_fields_property */
    enum rule_matching rule_matching; /* rule_matching */
    struct config_append *append;     /* append_output, in order */
    size_t nappend;
    /* rules_files: the rules `rulec compile --config` and `rulec lint --config` read (files, or
     * directories of *.yaml and *.yml); `rulec run` runs a compiled policy and only notes it. */
    struct config_list rules_files;
    /* Sinks that may block (a program, a remote server) run in a thread of their own behind a
     * bounded queue (runtime/output_queue.h), so that the event loop never waits for them. */
    bool program_enabled;    /* program_output.enabled */
    bool program_keep_alive; /* program_output.keep_alive: one process for every alert */
    char *program;           /* program_output.program: a shell command reading alert lines */
    struct {
        bool enabled;                      /* http_output.enabled */
        char *url;                         /* http_output.url */
        char *user_agent;                  /* http_output.user_agent */
        bool insecure;                     /* http_output.insecure: no TLS verification */
        char *ca_cert;                     /* http_output.ca_cert */
        char *ca_bundle;                   /* http_output.ca_bundle */
        char *ca_path;                     /* http_output.ca_path */
        bool mtls;                         /* http_output.mtls */
        char *client_cert;                 /* http_output.client_cert */
        char *client_key;                  /* http_output.client_key */
        bool echo;                         /* http_output.echo: server answers to stdout */
        bool compress_uploads;             /* http_output.compress_uploads */
        bool keep_alive;                   /* http_output.keep_alive: TCP keep-alive */
        unsigned max_consecutive_timeouts; /* http_output.max_consecutive_timeouts */
    } http;
    uint64_t output_timeout_ms;      /* output_timeout: the longest an HTTP request may take */
    unsigned outputs_queue_capacity; /* outputs_queue.capacity (0: rulec's own bound) */
    /* webserver: /healthz and /metrics (runtime/webserver.h). */
    struct {
        bool enabled;           /* webserver.enabled */
        unsigned threadiness;   /* webserver.threadiness (0: one thread) */
        unsigned listen_port;   /* webserver.listen_port (0: one the kernel picks) */
        char *listen_address;   /* webserver.listen_address */
        char *healthz_endpoint; /* webserver.k8s_healthz_endpoint */
        bool prometheus;        /* webserver.prometheus_metrics_enabled: /metrics */
        bool ssl_enabled;       /* webserver.ssl_enabled */
        char *ssl_certificate;  /* webserver.ssl_certificate: certificate and key, PEM */
    } web;
    bool metrics_enabled;             /* metrics.enabled (Falco's switch for /metrics too) */
    enum alert_priority min_priority; /* priority */
    bool time_format_iso_8601;        /* time_format_iso_8601 */
    bool buffered_outputs;            /* buffered_outputs */
    char *host_root; /* host_root: prefix for /etc/passwd and /etc/group ("" = /) */
    /* The k8s_audit source (runtime/audit_source.h): the k8s_audit section,
     * or a falco.yaml `plugins:` entry named k8saudit (open_params, and
     * init_config's sslCertificate, maxEventSize, webhookMaxBatchSize). */
    struct {
        bool enabled;                     /* k8s_audit.enabled: run it when rules need it */
        char *open_params;                /* k8s_audit.open_params */
        char *ssl_certificate;            /* k8s_audit.ssl_certificate */
        char *ssl_key;                    /* k8s_audit.ssl_key (NULL: the certificate file) */
        uint64_t max_event_size;          /* k8s_audit.max_event_size */
        uint64_t webhook_max_batch_size;  /* k8s_audit.webhook_max_batch_size */
        uint64_t webhook_timeout;         /* k8s_audit.webhook_timeout, seconds */
        uint64_t webhook_max_connections; /* k8s_audit.webhook_max_connections */
        uint64_t queue_max_bytes;         /* k8s_audit.queue_max_bytes */
    } k8s_audit;
    /* policy_trusted_keys: Ed25519 public keys (PEM files, or directories of *.pem files); when
     * there are any, only policies signed by one of them run (core/integrity.h). */
    struct config_list trusted_keys;
    /* container_engines: the container runtimes asked for container.* and k8s.* metadata
     * (runtime/container_meta.c), in the shape of Falco's container_engines. */
    bool docker_enabled;               /* container_engines.docker.enabled */
    struct config_list docker_sockets; /* container_engines.docker.sockets */
    bool podman_enabled;               /* container_engines.podman.enabled */
    struct config_list podman_sockets; /* container_engines.podman.sockets */
    bool cri_enabled;                  /* container_engines.cri.enabled (containerd, CRI-O) */
    struct config_list cri_sockets;    /* container_engines.cri.sockets */
    unsigned lookup_wait_ms;    /* container_engines.lookup_wait_ms: longest wait of an alert */
    unsigned engine_timeout_ms; /* container_engines.timeout_ms: one call to a runtime */
    unsigned label_max_len;     /* container_engines.label_max_len: longer labels are left out */
    struct rulec_drops drops;
    /* The files the values came from, in load order, kept for as long as
     * the config so that diagnostics pointing into them stay valid. */
    struct src_file **files;
    size_t nfiles;
};

/* Defaults: Falco's own, except that syslog is off (stdout of a service
 * already reaches the journal; syslog too would log every alert twice):
 * stdout on, file off (keep_alive false), json off with output and tags
 * included, priority debug, local time, unbuffered. The k8s_audit source:
 * the plugin's defaults (http://:9765/k8s-audit, 256 KiB events, 12 MiB
 * requests), its certificate /etc/rulec/rulec.pem, 10 s idle timeout, 128
 * connections, 8 MiB of events waiting. Every container engine enabled on its
 * default sockets, an alert waits at most 5 ms for its container's metadata.
 * syscall_event_drops as falco.yaml ships it (log and alert, threshold 0.1, rate 0.03333,
 * max_burst 1), since a runtime without a file must not be silent about losses. */
void config_init(struct rulec_config *cfg);
void config_free(struct rulec_config *cfg);

/* Reads path (a falco.yaml-shaped file) over the current values (several
 * files may be read in turn, later ones winning). Problems are
 * reported to diags: LOAD_ERR_FILE_READ, LOAD_ERR_YAML_PARSE, or
 * LOAD_ERR_YAML_VALIDATE at the offending value, RULEC_IGNORED_KEY warnings for Falco's keys
 * that do not apply. Returns 0, or -1 when an error was reported (cfg then holds the values
 * read before it). */
int config_load(struct rulec_config *cfg, const char *path, struct diag_list *diags);
/* Same, from a file already in memory; cfg takes ownership of file. */
int config_parse(struct rulec_config *cfg, struct src_file *file, struct diag_list *diags);

/* Sets one key by its dotted falco.yaml path ("file_output.enabled",
 * "priority"), as Falco's -o key=value does: a list key takes a comma-separated list, and
 * KEY[]=VALUE appends one entry to it; append_output takes YAML (append_output[]={match:
 * {source: syscall}, extra_output: "%evt.cpu"}). Returns 0; 1 with a warning in err for a Falco
 * key rulec ignores; -1 with a message in err for an unknown or unsupported key or a value of
 * the wrong type. */
int config_set(struct rulec_config *cfg, const char *key, const char *value, char *err,
               size_t errlen);

/* Environment: RULEC_HOST_ROOT sets host_root (a DaemonSet mounts the host's
 * /etc at /host/etc and sets RULEC_HOST_ROOT=/host). */
void config_apply_env(struct rulec_config *cfg);

/* The hostname of alerts and evt.hostname: FALCO_HOSTNAME when set (even empty, as Falco's
 * init_outputs.cpp and libscap's scap_gethostname read it), else gethostname(2). True when
 * the environment gave it. */
bool config_hostname(char *buf, size_t len);

/* ${VAR} in text replaced by the variable's value (nothing when unset), $${ kept as ${, as
 * Falco's yaml_helper::pre_process_env_vars does to every scalar of its configuration. */
void config_expand_env(struct strbuf *out, const char *text);

#define CONFIG_UNSET (-1)

/* Command-line flags. An int flag is CONFIG_UNSET, 0 or 1; a pointer is NULL
 * when the flag was not given. */
struct config_overrides {
    int json_output;          /* --json */
    int stdout_enabled;       /* --no-stdout: 0 */
    int syslog_enabled;       /* --syslog: 1 */
    int time_format_iso_8601; /* --iso8601 */
    int buffered_outputs;     /* --buffered */
    const char *output_file;  /* --output-file PATH: enables file output to PATH */
    const char *min_priority; /* --min-priority P */
    const char *host_root;    /* --host-root DIR */
    const char *k8s_audit;    /* --k8s-audit OPEN_PARAMS: sets k8s_audit.open_params */
    int k8s_audit_enabled;    /* --no-k8s-audit: 0 */
    /* --trusted-key PATH (repeatable): each appended to policy_trusted_keys. */
    const char *const *trusted_keys;
    size_t ntrusted_keys;
};

void config_overrides_init(struct config_overrides *ov);
/* Applies the flags that were given, then checks the result as a whole (file
 * output enabled needs a file name). Returns 0, or -1 with a message in err
 * (a usage error: an unknown priority, or file output without a file name). */
int config_apply_overrides(struct rulec_config *cfg, const struct config_overrides *ov, char *err,
                           size_t errlen);
