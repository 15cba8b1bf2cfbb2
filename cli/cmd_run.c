/* rulec run: load a policy object, attach it, and turn candidate records
 * into Falco-compatible alerts until SIGINT or SIGTERM. */
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "runtime/audit_source.h"
#include "runtime/config.h"
#include "runtime/container_meta.h"
#include "runtime/dns.h"
#include "runtime/engine.h"
#include "runtime/loader.h"
#include "runtime/metrics.h"
#include "runtime/outputs.h"
#include "runtime/reload.h"
#include "runtime/run_loop.h"
#include "runtime/users.h"
#include "runtime/verify.h"
#include "runtime/webserver.h"

/* Exit statuses of `rulec run` (documented in rulec(1)). */
enum {
    RUN_EXIT_RUNTIME = 1,
    RUN_EXIT_USAGE = 2,
    RUN_EXIT_CORRUPT = 3,
    RUN_EXIT_VERSION = 4,
    RUN_EXIT_PERM = 5,
    RUN_EXIT_KERNEL = 6,
    RUN_EXIT_VERIFIER = 7,
    RUN_EXIT_INTEGRITY = 8,
};

static void _run_usage(FILE *out)
{
    fprintf(out, "usage: rulec run [options] POLICY.bpf.o\n"
                 "  --config FILE         YAML configuration in falco.yaml's shape (repeatable:\n"
                 "                        later files win)\n"
                 "  --json                JSON alerts (Falco's keys)\n"
                 "  --output-file PATH    append alerts to PATH (reopened on SIGUSR1)\n"
                 "  --syslog              also send alerts to syslog\n"
                 "  --no-stdout           do not print alerts on standard output\n"
                 "  --min-priority P      drop alerts below P (emergency ... debug)\n"
                 "  --iso8601             ISO 8601 times in text alerts\n"
                 "  --buffered            buffer outputs\n"
                 "  --host-root DIR       read passwd and group below DIR (DaemonSets)\n"
                 "  -o KEY=VALUE          set a configuration key\n"
                 "  --ringbuf-size BYTES  ring buffer size (power of two, default 2 MiB)\n"
                 "  --verifier-log PATH   where the verifier's log goes if it rejects the policy\n"
                 "  --k8s-audit PARAMS    k8s audit events from http[s]://[HOST]:PORT/PATH (a\n"
                 "                        webhook), file://PATH (followed) or PATH (read once)\n"
                 "  --no-k8s-audit        no k8s audit source, even with k8s_audit rules\n"
                 "  --trusted-key PEM|DIR run only policies signed by this Ed25519 public key\n"
                 "                        (or a *.pem in DIR); repeatable (policy_trusted_keys)\n"
                 "Signals: SIGINT/SIGTERM stop (within a second, under any load), SIGHUP reloads\n"
                 "the policy (no event lost; a bad one is refused), SIGUSR1 reopens the outputs,\n"
                 "SIGUSR2 prints counters. Exit: 0 stopped, 1 runtime error (or\n"
                 "records lost with syscall_event_drops.actions: exit), 2 usage, 3 corrupt\n"
                 "policy, 4 incompatible format, 5 not permitted, 6 kernel lacks BTF/ring\n"
                 "buffers, 7 verifier rejection, 8 integrity: the policy is corrupt, modified,\n"
                 "unsigned or signed by an untrusted key.\n");
}

/* What the run loop's hooks reach: the sources' counters after the kernel's (report), the
 * metrics (tick), the reload (SIGHUP). */
struct _sources {
    struct engine *eng;
    struct audit_source *audit;
    struct cmeta *containers;
    struct output_set *outputs;
    struct users_db *users;
    struct dns_cache *dns;
    struct webserver *web;
    struct reloader *reloader;
    struct run_loop *loop;
    const char *policy_path;
    char digest[160]; /* the running policy's, for the start line and /metrics */
    char sha256[65];
    struct strbuf metrics;
};

static void _print_sources(void *ctx)
{
    const struct _sources *s = ctx;
    struct cmeta_stats cs;
    cmeta_stats(s->containers, &cs);
    if (cs.lookups)
        fprintf(stderr,
                "rulec: container lookups %llu, asked %llu, found %llu, unknown %llu, failed "
                "%llu, waited %llu (longest %.1f ms), late %llu, cached %zu (%zu bytes)\n",
                (unsigned long long)cs.lookups, (unsigned long long)cs.requests,
                (unsigned long long)cs.found, (unsigned long long)cs.not_found,
                (unsigned long long)cs.failed, (unsigned long long)cs.waits,
                (double)cs.wait_ns_max / 1e6, (unsigned long long)cs.late, cs.containers, cs.bytes);
    if (!s->audit)
        return;
    struct audit_source_stats as;
    audit_source_stats(s->audit, &as);
    fprintf(stderr,
            "rulec: k8s_audit: received %llu, evaluated %llu, dropped %llu (queue full), "
            "refused %llu (bad requests or lines), skipped %llu (no stageTimestamp, too large)\n",
            (unsigned long long)as.received, (unsigned long long)as.evaluated,
            (unsigned long long)as.dropped, (unsigned long long)as.bad,
            (unsigned long long)as.skipped);
}

/* Once a second: the counters /metrics serves, and the heartbeat /healthz checks. */
static void _tick(void *ctx, struct run_loop *loop)
{
    struct _sources *s = ctx;
    if (!s->web)
        return;
    struct run_loop_totals t;
    run_loop_totals(loop, &t);
    s->metrics.len = 0;
    const struct metrics_sources src = {.totals = &t,
                                        .eng = s->eng,
                                        .outputs = s->outputs,
                                        .containers = s->containers,
                                        .audit = s->audit,
                                        .policy_sha256 = s->sha256};
    metrics_render(&s->metrics, &src);
    webserver_publish(s->web, s->metrics.data, s->metrics.len);
}

static void _policy_ids(struct _sources *s, const struct integrity_report *rep)
{
    integrity_describe(rep, s->digest, sizeof(s->digest));
    s->sha256[0] = '\0';
    for (int i = 0; rep->have_digest && i < 32; i++)
        snprintf(s->sha256 + 2 * i, 3, "%02x", rep->digest[i]);
}

/* SIGHUP: the policy prepared in the background (runtime/reload.h). */
static void _on_sighup(void *ctx)
{
    struct _sources *s = ctx;
    fprintf(stderr, "rulec: SIGHUP: reloading %s\n", s->policy_path);
    reloader_request(s->reloader);
}

/* Falco's "hot restart failure" alert, and the reason on stderr: the old policy keeps running. */
static void _reload_failed(struct _sources *s, const char *why)
{
    fprintf(stderr, "rulec: reload failed, the running policy stays: %s\n", why);
    engine_internal_alert(s->eng, "Falco internal: hot restart failure", why);
    run_loop_reload_failed(s->loop);
}

/* The prepared policy is ready: switched in (run_loop_switch), or refused. */
static int _on_reload_fd(void *ctx, int fd, short revents)
{
    struct _sources *s = ctx;
    struct reload_result res;
    if (!reloader_take(s->reloader, &res))
        return 0;
    if (!res.eng) {
        _reload_failed(s, res.err);
        return 0;
    }
    engine_set_sinks(res.eng, s->outputs, s->users);
    engine_set_containers(res.eng, s->containers);
    engine_set_cid_cache(res.eng, res.ld->cids);
    engine_set_proc_cache(res.eng, res.ld->procs);
    const struct policy_meta *meta = engine_meta(res.eng);
    engine_set_dns(res.eng, res.dns);
    char err[1024];
    struct engine *old_eng;
    struct loader *old_ld;
    if (run_loop_switch(s->loop, res.eng, res.ld, &old_eng, &old_ld, err, sizeof(err)) < 0) {
        engine_free(&res.eng);
        loader_close(res.ld);
        free(res.ld);
        dns_cache_free(&res.dns);
        _reload_failed(s, err);
        return 0;
    }
    dns_cache_set_map(res.dns, res.ld->dns_fd);
    dns_cache_free(&s->dns); /* the old policy's, after the switch: its map is gone with it */
    s->dns = res.dns;
    s->eng = res.eng;
    _policy_ids(s, &res.integrity);
    fprintf(stderr,
            "rulec: %s: reloaded: %zu rules, %zu syscalls hooked, loaded in %.1f ms, attached "
            "before the old policy was detached; policy %s, verified in %.1f ms\n",
            s->policy_path, meta->nrules - engine_audit_rules(res.eng), meta->nhooks, res.load_ms,
            s->digest, res.verify_ms);
    engine_free(&old_eng);
    loader_close(old_ld);
    free(old_ld);
    return 0;
}

static void _on_audit(void *ctx, struct k8saudit_event *ev)
{
    engine_handle_audit(ctx, ev);
}

/* The k8s_audit source, when the policy has k8s_audit rules and it is not switched off. */
static int _start_audit(struct audit_source **src, const struct rulec_config *cfg,
                        const struct engine *eng)
{
    if (!engine_audit_rules(eng) || !cfg->k8s_audit.enabled)
        return 0;
    const struct audit_source_config ac = {
        .open_params = cfg->k8s_audit.open_params,
        .ssl_certificate = cfg->k8s_audit.ssl_certificate,
        .ssl_key = cfg->k8s_audit.ssl_key,
        .max_event_size = cfg->k8s_audit.max_event_size,
        .webhook_max_batch_size = cfg->k8s_audit.webhook_max_batch_size,
        .webhook_timeout = (unsigned)cfg->k8s_audit.webhook_timeout,
        .webhook_max_connections = (unsigned)cfg->k8s_audit.webhook_max_connections,
        .queue_max_bytes = cfg->k8s_audit.queue_max_bytes,
    };
    char err[1024];
    bool usage;
    if (audit_source_start(src, &ac, &usage, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: k8s_audit: %s\n", err);
        return usage ? RUN_EXIT_USAGE : RUN_EXIT_RUNTIME;
    }
    fprintf(stderr, "rulec: k8s_audit: %zu rules, %s\n", engine_audit_rules(eng),
            audit_source_describe(*src));
    return 0;
}

/* The audit queue's eventfd is readable: a slice of its events, so that the ring buffers are
 * not starved. A file read once is finished when it is drained. */
static int _on_audit_fd(void *ctx, int fd, short revents)
{
    struct _sources *s = ctx;
    (void)fd;
    (void)revents;
    audit_source_drain(s->audit, 1024, _on_audit, s->eng);
    return audit_source_finished(s->audit) ? RUN_LOOP_SOURCE_DONE : 0;
}

/* Stopping: the audit events already taken (the webhook answered 200 for them) are evaluated. */
static void _stop_audit(void *ctx)
{
    struct _sources *s = ctx;
    if (!s->audit)
        return;
    audit_source_close(s->audit);
    audit_source_drain(s->audit, SIZE_MAX, _on_audit, s->eng);
}

static const char *_verifier_log_default(char *buf, size_t len)
{
    const char *dir = getenv("STATE_DIRECTORY");
    snprintf(buf, len, "%s/rulec-verifier.log", dir && *dir ? dir : ".");
    return buf;
}

/* What the command line says. */
struct _run_args {
    struct config_overrides ov;
    const char *configs[16];
    size_t nconfigs;
    const char *sets[32]; /* -o KEY=VALUE */
    size_t nsets;
    const char *keys[32]; /* --trusted-key */
    const char *vlog;
    unsigned long ringbuf;
    const char *policy_path;
};

#define RUN_ARGS_HELP (-1) /* --help printed: exit 0 */

/* 0, RUN_ARGS_HELP, or the exit status of a usage error. */
static int _parse_args(int argc, char **argv, struct _run_args *a)
{
    enum {
        OPT_CONFIG = 1000,
        OPT_JSON,
        OPT_OUTPUT_FILE,
        OPT_SYSLOG,
        OPT_NO_STDOUT,
        OPT_MIN_PRIORITY,
        OPT_ISO8601,
        OPT_BUFFERED,
        OPT_HOST_ROOT,
        OPT_RINGBUF,
        OPT_VLOG,
        OPT_K8S_AUDIT,
        OPT_NO_K8S_AUDIT,
        OPT_TRUSTED_KEY,
    };
    static const struct option options[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"json", no_argument, NULL, OPT_JSON},
        {"output-file", required_argument, NULL, OPT_OUTPUT_FILE},
        {"syslog", no_argument, NULL, OPT_SYSLOG},
        {"no-stdout", no_argument, NULL, OPT_NO_STDOUT},
        {"min-priority", required_argument, NULL, OPT_MIN_PRIORITY},
        {"iso8601", no_argument, NULL, OPT_ISO8601},
        {"buffered", no_argument, NULL, OPT_BUFFERED},
        {"host-root", required_argument, NULL, OPT_HOST_ROOT},
        {"ringbuf-size", required_argument, NULL, OPT_RINGBUF},
        {"verifier-log", required_argument, NULL, OPT_VLOG},
        {"k8s-audit", required_argument, NULL, OPT_K8S_AUDIT},
        {"no-k8s-audit", no_argument, NULL, OPT_NO_K8S_AUDIT},
        {"trusted-key", required_argument, NULL, OPT_TRUSTED_KEY},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    config_overrides_init(&a->ov);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG:
            if (a->nconfigs == sizeof(a->configs) / sizeof(a->configs[0])) {
                fprintf(stderr, "rulec run: too many --config options\n");
                return RUN_EXIT_USAGE;
            }
            a->configs[a->nconfigs++] = optarg;
            break;
        case OPT_JSON:
            a->ov.json_output = 1;
            break;
        case OPT_OUTPUT_FILE:
            a->ov.output_file = optarg;
            break;
        case OPT_SYSLOG:
            a->ov.syslog_enabled = 1;
            break;
        case OPT_NO_STDOUT:
            a->ov.stdout_enabled = 0;
            break;
        case OPT_MIN_PRIORITY:
            a->ov.min_priority = optarg;
            break;
        case OPT_ISO8601:
            a->ov.time_format_iso_8601 = 1;
            break;
        case OPT_BUFFERED:
            a->ov.buffered_outputs = 1;
            break;
        case OPT_HOST_ROOT:
            a->ov.host_root = optarg;
            break;
        case OPT_RINGBUF:
            a->ringbuf = strtoul(optarg, NULL, 0);
            if (a->ringbuf < 4096 || (a->ringbuf & (a->ringbuf - 1))) {
                fprintf(stderr, "rulec run: --ringbuf-size must be a power of two >= 4096\n");
                return RUN_EXIT_USAGE;
            }
            break;
        case OPT_VLOG:
            a->vlog = optarg;
            break;
        case OPT_K8S_AUDIT:
            a->ov.k8s_audit = optarg;
            break;
        case OPT_NO_K8S_AUDIT:
            a->ov.k8s_audit_enabled = 0;
            break;
        case OPT_TRUSTED_KEY:
            if (a->ov.ntrusted_keys == sizeof(a->keys) / sizeof(a->keys[0])) {
                fprintf(stderr, "rulec run: too many --trusted-key options\n");
                return RUN_EXIT_USAGE;
            }
            a->keys[a->ov.ntrusted_keys++] = optarg;
            a->ov.trusted_keys = a->keys;
            break;
        case 'o':
            if (a->nsets == sizeof(a->sets) / sizeof(a->sets[0])) {
                fprintf(stderr, "rulec run: too many -o options\n");
                return RUN_EXIT_USAGE;
            }
            a->sets[a->nsets++] = optarg;
            break;
        case 'h':
            _run_usage(stdout);
            return RUN_ARGS_HELP;
        default:
            _run_usage(stderr);
            return RUN_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "rulec run: give exactly one policy object\n");
        _run_usage(stderr);
        return RUN_EXIT_USAGE;
    }
    a->policy_path = argv[optind];
    return 0;
}

/* The configuration: the files, then -o, the environment and the flags. 0 or RUN_EXIT_USAGE. */
static int _configure(const struct _run_args *a, struct rulec_config *cfg, struct diag_list *diags)
{
    char err[1024];
    int status = 0;
    for (size_t i = 0; i < a->nconfigs; i++)
        if (config_load(cfg, a->configs[i], diags) < 0)
            status = RUN_EXIT_USAGE;
    /* Warnings too (Falco keys that do not apply): nothing in the file goes unsaid. */
    diag_print(stderr, diags, DIAG_FORMAT_TEXT);
    if (status)
        return status;
    for (size_t i = 0; i < a->nsets; i++) {
        char *eq = strchr(a->sets[i], '=');
        if (!eq) {
            fprintf(stderr, "rulec run: -o takes KEY=VALUE, not '%s'\n", a->sets[i]);
            return RUN_EXIT_USAGE;
        }
        char key[128];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - a->sets[i]), a->sets[i]);
        int set_rc = config_set(cfg, key, eq + 1, err, sizeof(err));
        if (set_rc < 0) {
            fprintf(stderr, "rulec run: %s\n", err);
            return RUN_EXIT_USAGE;
        }
        if (set_rc > 0)
            fprintf(stderr, "rulec run: warning: %s\n", err);
    }
    config_apply_env(cfg);
    if (config_apply_overrides(cfg, &a->ov, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        return RUN_EXIT_USAGE;
    }
    if (cfg->rules_files.n)
        fprintf(stderr,
                "rulec run: note: rules_files is not read here: the rules are in the compiled "
                "policy (`rulec compile --config FILE` compiles the rules_files)\n");
    char hostname[256];
    if (config_hostname(hostname, sizeof(hostname)))
        fprintf(stderr, "rulec: hostname overridden by FALCO_HOSTNAME: %s\n", hostname);
    return 0;
}

/* The policy verified (nothing is loaded before it is known to be the one CI built) and its
 * engine. 0 or the exit status. */
static int _open_policy(const struct _run_args *a, const struct rulec_config *cfg,
                        struct policy_image *img, struct integrity_report *integrity,
                        double *verify_ms, struct engine **eng)
{
    char err[1024];
    enum verify_error vrc =
        verify_policy(a->policy_path, (const char *const *)cfg->trusted_keys.items,
                      cfg->trusted_keys.n, img, integrity, verify_ms, err, sizeof(err));
    if (vrc != VERIFY_OK) {
        fprintf(stderr, "rulec run: %s\n", err);
        return vrc == VERIFY_ERR_KEYS      ? RUN_EXIT_USAGE
               : vrc == VERIFY_ERR_CORRUPT ? RUN_EXIT_CORRUPT
               : vrc == VERIFY_ERR_IO      ? RUN_EXIT_RUNTIME
                                           : RUN_EXIT_INTEGRITY;
    }
    int erc = engine_new(eng, img, cfg, err, sizeof(err));
    if (erc < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        return erc == ENGINE_ERR_VERSION  ? RUN_EXIT_VERSION
               : erc == ENGINE_ERR_IO     ? RUN_EXIT_RUNTIME
               : erc == ENGINE_ERR_CONFIG ? RUN_EXIT_USAGE
                                          : RUN_EXIT_CORRUPT;
    }
    return 0;
}

/* The policy into the kernel. 0 or the exit status. */
static int _load_policy(const struct _run_args *a, struct loader *ld,
                        const struct policy_image *img, const struct engine *eng)
{
    char err[1024], vlog_buf[512];
    enum loader_error lrc = loader_open(
        ld, img, engine_meta(eng), a->ringbuf,
        a->vlog ? a->vlog : _verifier_log_default(vlog_buf, sizeof(vlog_buf)), err, sizeof(err));
    if (lrc == LOADER_OK)
        return 0;
    fprintf(stderr, "rulec run: %s\n", err);
    if (lrc == LOADER_ERR_PERM && geteuid() != 0)
        fprintf(stderr, "rulec run: not running as root\n");
    return lrc == LOADER_ERR_PERM       ? RUN_EXIT_PERM
           : lrc == LOADER_ERR_KERNEL   ? RUN_EXIT_KERNEL
           : lrc == LOADER_ERR_VERIFIER ? RUN_EXIT_VERIFIER
           : lrc == LOADER_ERR_CORRUPT  ? RUN_EXIT_CORRUPT
                                        : RUN_EXIT_RUNTIME;
}

/* The webserver, when the configuration enables it. -1 on failure (said). */
static int _start_web(const struct rulec_config *cfg, struct webserver **web)
{
    char err[1024];
    if (!cfg->web.enabled)
        return 0;
    const struct webserver_config wc = {.address = cfg->web.listen_address,
                                        .port = cfg->web.listen_port,
                                        .healthz = cfg->web.healthz_endpoint,
                                        .metrics = cfg->web.prometheus,
                                        .tls = cfg->web.ssl_enabled,
                                        .cert_file = cfg->web.ssl_certificate,
                                        .threads = cfg->web.threadiness};
    if (webserver_start(web, &wc, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        return -1;
    }
    fprintf(stderr, "rulec: webserver on %s:%u (%s%s)\n",
            cfg->web.listen_address ? cfg->web.listen_address : "", webserver_port(*web),
            wc.healthz, wc.metrics ? ", /metrics" : "");
    return 0;
}

/* The event loop over the kernel's ring buffers and the audit source, until a stop: the exit
 * status. Whatever it made is in s (a reload may have replaced the engine and loader). */
static int _serve(const struct _run_args *a, const struct rulec_config *cfg, struct loader *ld,
                  struct _sources *s, struct reloader **reloader, struct run_loop **loop)
{
    char err[1024], vlog_reload[512];
    const struct reload_params rp = {
        .policy_path = a->policy_path,
        .cfg = cfg,
        .ringbuf_bytes = a->ringbuf,
        .verifier_log =
            a->vlog ? a->vlog : _verifier_log_default(vlog_reload, sizeof(vlog_reload))};
    if (reloader_new(reloader, &rp) < 0) {
        fprintf(stderr, "rulec run: cannot prepare reloading\n");
        return RUN_EXIT_RUNTIME;
    }
    s->reloader = *reloader;
    struct run_loop_params params = {.eng = s->eng,
                                     .ld = ld,
                                     .outputs = s->outputs,
                                     .drops = &cfg->drops,
                                     .report = _print_sources,
                                     .on_stop = _stop_audit,
                                     .reload = _on_sighup,
                                     .tick = _tick,
                                     .ctx = s};
    if (run_loop_new(loop, &params, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        return RUN_EXIT_KERNEL;
    }
    s->loop = *loop;
    if ((s->audit &&
         run_loop_add_fd(*loop, audit_source_fd(s->audit), POLLIN, _on_audit_fd, s) < 0) ||
        run_loop_add_control(*loop, reloader_fd(*reloader), _on_reload_fd, s) < 0) {
        fprintf(stderr, "rulec run: out of memory\n");
        return RUN_EXIT_RUNTIME;
    }
    _tick(s, *loop); /* /healthz and /metrics answer from the start */
    return run_loop_run(*loop) == RUN_LOOP_STOPPED ? 0 : RUN_EXIT_RUNTIME;
}

int cmd_run(int argc, char **argv)
{
    struct _run_args a = {0};
    int status = _parse_args(argc, argv, &a);
    if (status)
        return status == RUN_ARGS_HELP ? 0 : status;
    status = RUN_EXIT_RUNTIME;
    struct rulec_config cfg;
    config_init(&cfg);
    struct diag_list diags = {0};
    struct output_set *outputs = NULL;
    struct users_db *users = NULL;
    struct cmeta *containers = NULL;
    struct engine *eng = NULL;
    struct loader *ld = calloc(1, sizeof(*ld));
    struct run_loop *loop = NULL;
    struct webserver *web = NULL;
    struct reloader *reloader = NULL;
    struct _sources sources = {0};
    struct audit_source *src = NULL;
    struct dns_cache *dns = NULL;
    struct policy_image img = {0};
    struct integrity_report integrity;
    double verify_ms = 0;
    char err[1024];
    if (!ld) {
        fprintf(stderr, "rulec run: out of memory\n");
        return RUN_EXIT_RUNTIME;
    }
    loader_init(ld);
    int rc = _configure(&a, &cfg, &diags);
    if (!rc)
        rc = _open_policy(&a, &cfg, &img, &integrity, &verify_ms, &eng);
    if (rc) {
        status = rc;
        goto out;
    }
    if (outputs_new(&outputs, &cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        goto out;
    }
    if (users_new(&users, cfg.host_root) < 0)
        fprintf(stderr, "rulec run: cannot read the passwd/group databases; user names will "
                        "be <NA>\n");
    engine_set_sinks(eng, outputs, users);
    if (cmeta_new(&containers, &cfg) < 0)
        fprintf(stderr, "rulec run: out of memory for the container metadata cache\n");
    engine_set_containers(eng, containers);
    const struct policy_meta *meta = engine_meta(eng);
    /* The names fd.sip.name and its kin compare with: first answers before loading. */
    if (meta->ndns_names &&
        dns_cache_new(&dns, (const char *const *)meta->dns_names, meta->ndns_names, 1000) < 0) {
        fprintf(stderr, "rulec run: cannot start the name resolver\n");
        goto out;
    }
    engine_set_dns(eng, dns);
    int arc = _start_audit(&src, &cfg, eng);
    if (arc) {
        status = arc;
        goto out;
    }
    /* k8s_audit rules alone: nothing for the kernel, no privileges needed. */
    if (!meta->nhooks && !meta->nprograms && engine_audit_rules(eng)) {
        fprintf(stderr, "rulec: %s: no syscall rules, nothing loaded into the kernel\n",
                a.policy_path);
    } else {
        rc = _load_policy(&a, ld, &img, eng);
        if (rc) {
            status = rc;
            goto out;
        }
        dns_cache_set_map(dns, ld->dns_fd);
        engine_set_cid_cache(eng, ld->cids);
        engine_set_proc_cache(eng, ld->procs);
        policy_image_free(&img); /* loaded: the object's bytes are not needed any more */
        _policy_ids(&sources, &integrity);
        fprintf(stderr,
                "rulec: %s: %zu rules, %zu syscalls hooked, loaded and attached in %.1f ms; "
                "policy %s, verified in %.1f ms\n",
                a.policy_path, meta->nrules - engine_audit_rules(eng), meta->nhooks, ld->load_ms,
                sources.digest, verify_ms);
    }
    sources.eng = eng;
    sources.audit = src;
    sources.containers = containers;
    sources.outputs = outputs;
    sources.users = users;
    sources.dns = dns;
    sources.policy_path = a.policy_path;
    if (_start_web(&cfg, &web) < 0)
        goto out;
    sources.web = web;
    status = _serve(&a, &cfg, ld, &sources, &reloader, &loop);
    if (loop) {
        eng = sources.eng; /* a reload may have replaced them */
        ld = run_loop_loader(loop);
        dns = sources.dns;
    }
out:
    reloader_free(&reloader);
    run_loop_free(&loop);
    webserver_stop(&web);
    strbuf_free(&sources.metrics);
    audit_source_stop(&src);
    if (ld)
        loader_close(ld);
    free(ld);
    dns_cache_free(&dns);
    policy_image_free(&img);
    engine_free(&eng);
    cmeta_free(&containers);
    outputs_free(&outputs);
    users_free(&users);
    diag_list_free(&diags);
    config_free(&cfg);
    return status;
}
