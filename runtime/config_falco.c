/* Falco's keys that rulec does not read, and what each means here (runtime/config_internal.h):
 * the YAML reader (runtime/config_yaml.c) warns or refuses by this table, and -o asks it
 * (config_falco_key). */
#include <stdio.h>
#include <string.h>

#include "runtime/config_internal.h"

/* Falco's keys that rulec does not read, and why (falco.yaml, config_json_schema.h). */
static const struct config_falco _falco_keys[] = {
    {"config_files", CF_IGNORED,
     "rulec reads the files given with --config (repeat --config to read more; later files "
     "win)"},
    {"watch_config_files", CF_IGNORED,
     "rulec does not watch files: SIGHUP (systemctl reload rulec) reloads the policy"},
    {"rules", CF_EMPTY_ONLY,
     "rule selection is done when compiling: disable rules in a rules file (enabled: false, or "
     "an override) and compile the policy again"},
    {"static_fields", CF_EMPTY_ONLY, "rulec has no static.* fields"},
    {"engine", CF_IGNORED,
     "the compiled policy's own eBPF programs are rulec's kernel side: there is no driver to "
     "choose or size (rulec run --ringbuf-size sizes its ring buffer)"},
    {"capture", CF_QUIET, NULL},
    {"capture.enabled", CF_OFF_ONLY, "rulec writes no capture files"},
    {"load_plugins", CF_IGNORED,
     "rulec loads no plugins: the k8saudit and json plugins' fields are built in (the k8saudit "
     "entry of `plugins` configures the k8s_audit source) and container metadata comes from "
     "container_engines"},
    {"plugins_hostinfo", CF_IGNORED, "rulec loads no plugins"},
    {"buffer_format_base64", CF_OFF_ONLY, "rulec's fields have no data buffers to encode"},
    {"outputs_queue", CF_QUIET, NULL},
    {"log_stderr", CF_IGNORED,
     "rulec's own messages always go to standard error (under systemd, the journal)"},
    {"log_syslog", CF_IGNORED,
     "rulec's own messages always go to standard error (under systemd, the journal)"},
    {"log_level", CF_IGNORED, "rulec prints only warnings and errors of its own"},
    {"libs_logger", CF_IGNORED, "rulec has no falcosecurity/libs to log"},
    {"syscall_event_timeouts", CF_IGNORED,
     "rulec reads eBPF ring buffers, which have no scap timeouts"},
    {"metrics", CF_QUIET, NULL},
    {"metrics.output_rule", CF_OFF_ONLY,
     "rulec emits no metrics snapshot alerts: its counters are at /metrics "
     "(webserver.prometheus_metrics_enabled) and on SIGUSR2"},
    {"metrics.output_file", CF_EMPTY_ONLY,
     "rulec writes no metrics file: its counters are at /metrics "
     "(webserver.prometheus_metrics_enabled) and on SIGUSR2"},
    {"base_syscalls", CF_IGNORED,
     "the policy hooks exactly the syscalls its rules need, decided when it is compiled"},
    {"falco_libs", CF_IGNORED,
     "rulec keeps no libsinsp thread table: process facts come from the kernel and /proc"},
    {"grpc", CF_QUIET, NULL},
    {"grpc.enabled", CF_OFF_ONLY, "rulec has no gRPC server: use http_output or program_output"},
    {"grpc_output", CF_QUIET, NULL},
    {"grpc_output.enabled", CF_OFF_ONLY,
     "rulec has no gRPC output: use http_output or program_output"},
    {"metadata_download", CF_IGNORED, "container metadata comes from container_engines"},
    {"http_output", CF_SUBKEYS_ANY, NULL},
};
#define _NFALCO (sizeof(_falco_keys) / sizeof(_falco_keys[0]))

const struct config_falco *config_falco_find(const char *path)
{
    for (size_t i = 0; i < _NFALCO; i++)
        if (!strcmp(_falco_keys[i].path, path))
            return &_falco_keys[i];
    return NULL;
}

void config_falco_each(void (*fn)(void *ctx, const char *path), void *ctx)
{
    for (size_t i = 0; i < _NFALCO; i++)
        fn(ctx, _falco_keys[i].path);
}

const struct config_falco *config_falco_parent(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return NULL;
    char parent[128];
    snprintf(parent, sizeof(parent), "%.*s", (int)(dot - path), path);
    return config_falco_find(parent);
}

int config_falco_key(const char *path, const char **why)
{
    /* The key, or the nearest section of it that has a disposition (engine.kind: engine). */
    char p[128];
    snprintf(p, sizeof(p), "%s", path);
    for (;;) {
        const struct config_falco *k = config_falco_find(p);
        if (k && k->d != CF_QUIET && k->d != CF_SUBKEYS_ANY) {
            *why = k->why;
            return k->d == CF_IGNORED ? 1 : -1;
        }
        char *dot = strrchr(p, '.');
        if (!dot || k)
            return 0;
        *dot = '\0';
    }
}
