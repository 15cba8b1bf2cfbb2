#include "compiler/emit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "compiler/codegen.h"
#include "compiler/embedded.h"
#include "core/policy.h"

static int _write_bytes(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}

static int _write_file(const char *path, const char *text, char *err, size_t errlen)
{
    return _write_bytes(path, text, strlen(text), err, errlen);
}

static int _write_headers(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    for (const struct embedded_file *f = embedded_bpf_files; f->name; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, f->name);
        if (_write_file(path, f->text, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* Starts argv in dir with its output in dir/LOG; returns the pid or -1. */
static pid_t _start(char *const argv[], const char *dir, const char *log, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/%s", dir, log);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (chdir(dir) < 0)
            _exit(126);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

/* Waits for pid; on failure, err gets the tool's name and its output. */
static int _finish(pid_t pid, const char *tool, const char *dir, const char *log, char *err,
                   size_t errlen)
{
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    int n = snprintf(err, errlen, "%.200s failed:\n", tool);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/%s", dir, log);
    FILE *f = fopen(path, "r");
    if (f && n > 0 && (size_t)n < errlen) {
        size_t got = fread(err + n, 1, errlen - (size_t)n - 1, f);
        err[n + got] = '\0';
    }
    if (f)
        fclose(f);
    return -1;
}

/* Runs argv, with its output captured into err on failure. */
static int _run(char *const argv[], const char *dir, char *err, size_t errlen)
{
    pid_t pid = _start(argv, dir, "tool.log", err, errlen);
    return pid < 0 ? -1 : _finish(pid, argv[0], dir, "tool.log", err, errlen);
}

/* libbpf's static linker: the units' objects into one, resolving the
 * functions and maps one unit declares and another defines. */
static int _link(const char *dir, size_t nunits, const char *out, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/%s", dir, out);
    struct bpf_linker *linker = bpf_linker__new(path, NULL);
    if (!linker) {
        snprintf(err, errlen, "BPF linker: %s", strerror(errno));
        return -1;
    }
    int rc = 0;
    for (size_t u = 0; u < nunits && rc == 0; u++) {
        snprintf(path, sizeof(path), "%s/unit%zu.o", dir, u);
        rc = bpf_linker__add_file(linker, path, NULL);
    }
    if (rc == 0)
        rc = bpf_linker__finalize(linker);
    bpf_linker__free(linker);
    if (rc != 0)
        snprintf(err, errlen, "BPF linker: %s", strerror(rc < 0 ? -rc : EINVAL));
    return rc != 0 ? -1 : 0;
}

static const char *_tool(const char *env, const char *fallback)
{
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

static void _remove_tree(const char *dir)
{
    char path[PATH_MAX];
    static const char *const files[] = {"policy.o",      "policy.stripped.o", "meta.json",
                                        "integrity.bin", "tool.log",          NULL};
    for (const char *const *f = files; *f; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, *f);
        unlink(path);
    }
    static const char *const unit_files[] = {"unit%zu.bpf.c", "unit%zu.o", "unit%zu.log", NULL};
    for (size_t u = 0; u < CODEGEN_UNITS; u++)
        for (const char *const *f = unit_files; *f; f++) {
            char name[64];
            snprintf(name, sizeof(name), *f, u);
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            unlink(path);
        }
    for (const struct embedded_file *f = embedded_bpf_files; f->name; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, f->name);
        unlink(path);
    }
    rmdir(dir);
}

int emit_write_atomic(const char *path, const void *data, size_t size, mode_t mode, char *err,
                      size_t errlen)
{
    char tmp[PATH_MAX + 32];
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp)) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    /* Past a file size limit a write fails (and is cleaned up below) instead of SIGXFSZ killing
     * the process with the temporary file left behind. */
    struct sigaction ignore = {.sa_handler = SIG_IGN}, saved;
    sigaction(SIGXFSZ, &ignore, &saved);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    int error = fd < 0 ? errno : 0;
    for (size_t done = 0; !error && done < size;) {
        ssize_t n = write(fd, (const char *)data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            error = n < 0 ? errno : EIO;
        else
            done += (size_t)n;
    }
    /* On disk before the rename: after a crash the path holds the old policy or the new one. */
    if (!error && fsync(fd) < 0)
        error = errno;
    if (fd >= 0 && close(fd) < 0 && !error)
        error = errno;
    if (!error && rename(tmp, path) < 0)
        error = errno;
    sigaction(SIGXFSZ, &saved, NULL);
    if (error) {
        snprintf(err, errlen, "%s: %s", path, strerror(error));
        if (fd >= 0)
            unlink(tmp);
        return -1;
    }
    return 0;
}

/* The linked object, read back, its integrity record written (and signed), then written out. */
static int _seal_and_write(const char *obj, const struct crypto_signer *signer,
                           const char *out_path, struct integrity_report *rep, char *err,
                           size_t errlen)
{
    struct policy_image img;
    if (policy_image_read(&img, obj, err, errlen) != POLICY_OK)
        return -1;
    int rc = integrity_seal(img.data, img.size, signer, rep, err, errlen);
    if (rc == 0)
        rc = emit_write_atomic(out_path, img.data, img.size, 0666, err, errlen);
    policy_image_free(&img);
    return rc;
}

int emit_object(const char *const unit_source[], size_t nunits, const char *meta_json,
                const struct crypto_signer *signer, const char *out_path,
                struct integrity_report *rep, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    /* Short enough that every path derived from it fits PATH_MAX. */
    char dir[512];
    if ((size_t)snprintf(dir, sizeof(dir), "%s/rulec.XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
        sizeof(dir)) {
        snprintf(err, errlen, "TMPDIR is too long");
        return -1;
    }
    if (nunits == 0 || nunits > CODEGEN_UNITS) {
        snprintf(err, errlen, "%zu compilation units (1 to %d)", nunits, CODEGEN_UNITS);
        return -1;
    }
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
        return -1;
    }
    int rc = -1;
    char meta_arg[PATH_MAX + 32], record_arg[PATH_MAX + 32], prefix_map[PATH_MAX + 32];
    /* The integrity record's section starts as zeros: the digest is over the object with the
     * record read as zeros, so these bytes are what is hashed and then what is replaced. */
    static const unsigned char record[INTEGRITY_RECORD_SIZE];
    snprintf(meta_arg, sizeof(meta_arg), "%s/meta.json", dir);
    snprintf(record_arg, sizeof(record_arg), "%s/integrity.bin", dir);
    if (_write_headers(dir, err, errlen) < 0 || _write_file(meta_arg, meta_json, err, errlen) < 0 ||
        _write_bytes(record_arg, record, sizeof(record), err, errlen) < 0)
        goto out;
    char unit_src[CODEGEN_UNITS][32], unit_obj[CODEGEN_UNITS][32], unit_log[CODEGEN_UNITS][32];
    for (size_t u = 0; u < nunits; u++) {
        snprintf(unit_src[u], sizeof(unit_src[u]), "unit%zu.bpf.c", u);
        snprintf(unit_obj[u], sizeof(unit_obj[u]), "unit%zu.o", u);
        snprintf(unit_log[u], sizeof(unit_log[u]), "unit%zu.log", u);
        char path[PATH_MAX + 32];
        snprintf(path, sizeof(path), "%s/%s", dir, unit_src[u]);
        if (_write_file(path, unit_source[u], err, errlen) < 0)
            goto out;
    }
    /* The temporary directory's name must not reach the object: the same
     * rules must give a byte-identical policy. */
    snprintf(prefix_map, sizeof(prefix_map), "-fdebug-prefix-map=%s=/rulec", dir);
    /* clang is single-threaded and most of the compile time: the units
     * compile at the same time, one process each. */
    pid_t pids[CODEGEN_UNITS];
    size_t started = 0;
    for (; started < nunits; started++) {
        char *const clang[] = {(char *)_tool("RULEC_CLANG", "clang"),
                               "-O2",
                               "-g",
                               "-target",
                               "bpf",
                               "-D__TARGET_ARCH_x86",
                               "-mcpu=v3",
                               "-Wall",
                               "-Wno-unused-function",
                               "-Wno-unused-variable",
                               "-Werror",
                               prefix_map,
                               "-fdebug-compilation-dir=/rulec",
                               "-I.",
                               "-c",
                               unit_src[started],
                               "-o",
                               unit_obj[started],
                               NULL};
        pids[started] = _start(clang, dir, unit_log[started], err, errlen);
        if (pids[started] < 0)
            break;
    }
    bool compiled = started == nunits;
    for (size_t u = 0; u < started; u++) {
        char unit_err[4096];
        if (_finish(pids[u], _tool("RULEC_CLANG", "clang"), dir, unit_log[u], unit_err,
                    sizeof(unit_err)) < 0 &&
            compiled) {
            snprintf(err, errlen, "%s", unit_err);
            compiled = false;
        }
    }
    if (!compiled || _link(dir, nunits, "policy.o", err, errlen) < 0)
        goto out;
    /* DWARF is only for humans; BTF (kept) is what CO-RE and the verifier need. */
    snprintf(meta_arg, sizeof(meta_arg), "%s=meta.json", POLICY_META_SECTION);
    snprintf(record_arg, sizeof(record_arg), "%s=integrity.bin", INTEGRITY_SECTION);
    char *const objcopy[] = {(char *)_tool("RULEC_OBJCOPY", "llvm-objcopy"),
                             "--strip-debug",
                             "--add-section",
                             meta_arg,
                             "--set-section-flags",
                             POLICY_META_SECTION "=readonly,contents",
                             "--add-section",
                             record_arg,
                             "--set-section-flags",
                             INTEGRITY_SECTION "=readonly,contents",
                             "policy.o",
                             "policy.stripped.o",
                             NULL};
    if (_run(objcopy, dir, err, errlen) < 0)
        goto out;
    char obj[PATH_MAX];
    snprintf(obj, sizeof(obj), "%s/policy.stripped.o", dir);
    if (_seal_and_write(obj, signer, out_path, rep, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    _remove_tree(dir);
    return rc;
}
