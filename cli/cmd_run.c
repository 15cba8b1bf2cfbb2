/* rulec run: load a policy object, attach it, and turn candidate records
 * into Falco-compatible alerts until SIGINT or SIGTERM. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "runtime/config.h"
#include "runtime/engine.h"
#include "runtime/loader.h"
#include "runtime/outputs.h"
#include "runtime/run_loop.h"
#include "runtime/users.h"

/* Exit statuses of `rulec run` (documented in rulec(1)). */
enum {
    RUN_EXIT_RUNTIME = 1,
    RUN_EXIT_USAGE = 2,
    RUN_EXIT_CORRUPT = 3,
    RUN_EXIT_VERSION = 4,
    RUN_EXIT_PERM = 5,
    RUN_EXIT_KERNEL = 6,
    RUN_EXIT_VERIFIER = 7,
};

static void _run_usage(FILE *out)
{
    fprintf(out, "usage: rulec run [options] POLICY.bpf.o\n"
                 "  --config FILE         YAML configuration in falco.yaml's shape\n"
                 "  --json                JSON alerts (Falco's keys)\n"
                 "  --output-file PATH    append alerts to PATH (reopened on SIGHUP)\n"
                 "  --syslog              also send alerts to syslog\n"
                 "  --no-stdout           do not print alerts on standard output\n"
                 "  --min-priority P      drop alerts below P (emergency ... debug)\n"
                 "  --iso8601             ISO 8601 times in text alerts\n"
                 "  --buffered            buffer outputs\n"
                 "  --host-root DIR       read passwd and group below DIR (DaemonSets)\n"
                 "  -o KEY=VALUE          set a configuration key\n"
                 "  --ringbuf-size BYTES  ring buffer size (power of two, default 2 MiB)\n"
                 "  --verifier-log PATH   where the verifier's log goes if it rejects the policy\n"
                 "Signals: SIGINT/SIGTERM stop (within a second, under any load), SIGHUP reopens\n"
                 "the output file, SIGUSR1 prints counters. Exit: 0 stopped, 1 runtime error (or\n"
                 "records lost with syscall_event_drops.actions: exit), 2 usage, 3 corrupt\n"
                 "policy, 4 incompatible format, 5 not permitted, 6 kernel lacks BTF/ring\n"
                 "buffers, 7 verifier rejection.\n");
}

static const char *_verifier_log_default(char *buf, size_t len)
{
    const char *dir = getenv("STATE_DIRECTORY");
    snprintf(buf, len, "%s/rulec-verifier.log", dir && *dir ? dir : ".");
    return buf;
}

int cmd_run(int argc, char **argv)
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
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    struct config_overrides ov;
    config_overrides_init(&ov);
    const char *config_path = NULL, *vlog = NULL;
    const char *sets[32];
    size_t nsets = 0;
    unsigned long ringbuf = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_JSON:
            ov.json_output = 1;
            break;
        case OPT_OUTPUT_FILE:
            ov.output_file = optarg;
            break;
        case OPT_SYSLOG:
            ov.syslog_enabled = 1;
            break;
        case OPT_NO_STDOUT:
            ov.stdout_enabled = 0;
            break;
        case OPT_MIN_PRIORITY:
            ov.min_priority = optarg;
            break;
        case OPT_ISO8601:
            ov.time_format_iso_8601 = 1;
            break;
        case OPT_BUFFERED:
            ov.buffered_outputs = 1;
            break;
        case OPT_HOST_ROOT:
            ov.host_root = optarg;
            break;
        case OPT_RINGBUF:
            ringbuf = strtoul(optarg, NULL, 0);
            if (ringbuf < 4096 || (ringbuf & (ringbuf - 1))) {
                fprintf(stderr, "rulec run: --ringbuf-size must be a power of two >= 4096\n");
                return RUN_EXIT_USAGE;
            }
            break;
        case OPT_VLOG:
            vlog = optarg;
            break;
        case 'o':
            if (nsets == sizeof(sets) / sizeof(sets[0])) {
                fprintf(stderr, "rulec run: too many -o options\n");
                return RUN_EXIT_USAGE;
            }
            sets[nsets++] = optarg;
            break;
        case 'h':
            _run_usage(stdout);
            return 0;
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
    const char *policy_path = argv[optind];
    int status = RUN_EXIT_RUNTIME;
    char err[1024];
    struct rulec_config cfg;
    config_init(&cfg);
    struct diag_list diags = {0};
    struct output_set *outputs = NULL;
    struct users_db *users = NULL;
    struct engine *eng = NULL;
    struct loader ld;
    struct run_loop *loop = NULL;
    loader_init(&ld);
    if (config_path && config_load(&cfg, config_path, &diags) < 0) {
        diag_print(stderr, &diags, DIAG_FORMAT_TEXT);
        status = RUN_EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < nsets; i++) {
        char *eq = strchr(sets[i], '=');
        if (!eq) {
            fprintf(stderr, "rulec run: -o takes KEY=VALUE, not '%s'\n", sets[i]);
            status = RUN_EXIT_USAGE;
            goto out;
        }
        char key[128];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - sets[i]), sets[i]);
        if (config_set(&cfg, key, eq + 1, err, sizeof(err)) < 0) {
            fprintf(stderr, "rulec run: %s\n", err);
            status = RUN_EXIT_USAGE;
            goto out;
        }
    }
    config_apply_env(&cfg);
    if (config_apply_overrides(&cfg, &ov, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        status = RUN_EXIT_USAGE;
        goto out;
    }
    int erc = engine_new(&eng, policy_path, &cfg, err, sizeof(err));
    if (erc < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        status = erc == ENGINE_ERR_VERSION ? RUN_EXIT_VERSION
                 : erc == ENGINE_ERR_IO    ? RUN_EXIT_RUNTIME
                                           : RUN_EXIT_CORRUPT;
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
    char vlog_buf[512];
    enum loader_error lrc = loader_open(
        &ld, policy_path, engine_meta(eng), ringbuf,
        vlog ? vlog : _verifier_log_default(vlog_buf, sizeof(vlog_buf)), err, sizeof(err));
    if (lrc != LOADER_OK) {
        fprintf(stderr, "rulec run: %s\n", err);
        status = lrc == LOADER_ERR_PERM       ? RUN_EXIT_PERM
                 : lrc == LOADER_ERR_KERNEL   ? RUN_EXIT_KERNEL
                 : lrc == LOADER_ERR_VERIFIER ? RUN_EXIT_VERIFIER
                 : lrc == LOADER_ERR_CORRUPT  ? RUN_EXIT_CORRUPT
                                              : RUN_EXIT_RUNTIME;
        if (lrc == LOADER_ERR_PERM && geteuid() != 0)
            fprintf(stderr, "rulec run: not running as root\n");
        goto out;
    }
    struct run_loop_params params = {
        .eng = eng, .ld = &ld, .outputs = outputs, .drops = &cfg.drops};
    if (run_loop_new(&loop, &params, err, sizeof(err)) < 0) {
        fprintf(stderr, "rulec run: %s\n", err);
        status = RUN_EXIT_KERNEL;
        goto out;
    }
    fprintf(stderr, "rulec: %s: %zu rules, %zu syscalls hooked, loaded and attached in %.1f ms\n",
            policy_path, engine_meta(eng)->nrules, engine_meta(eng)->nhooks, ld.load_ms);
    status = run_loop_run(loop) == RUN_LOOP_STOPPED ? 0 : RUN_EXIT_RUNTIME;
out:
    run_loop_free(&loop);
    loader_close(&ld);
    engine_free(&eng);
    outputs_free(&outputs);
    users_free(&users);
    diag_list_free(&diags);
    config_free(&cfg);
    return status;
}
