#include "compiler/emit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "compiler/codegen.h"
#include "compiler/embedded.h"

static int _write_file(const char *path, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
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
    static const char *const files[] = {"policy.o", "policy.stripped.o", "meta.json", "tool.log",
                                        NULL};
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

int emit_object(const char *const unit_source[], size_t nunits, const char *meta_json,
                const char *out_path, char *err, size_t errlen)
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
    char meta_arg[PATH_MAX + 32], prefix_map[PATH_MAX + 32];
    meta_arg[0] = '\0';
    if (_write_headers(dir, err, errlen) < 0 ||
        _write_file(strcat(strcpy(meta_arg, dir), "/meta.json"), meta_json, err, errlen) < 0)
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
    snprintf(meta_arg, sizeof(meta_arg), "%s=meta.json", ".rulec.meta");
    char *const objcopy[] = {(char *)_tool("RULEC_OBJCOPY", "llvm-objcopy"),
                             "--strip-debug",
                             "--add-section",
                             meta_arg,
                             "--set-section-flags",
                             ".rulec.meta=readonly,contents",
                             "policy.o",
                             "policy.stripped.o",
                             NULL};
    if (_run(objcopy, dir, err, errlen) < 0)
        goto out;
    /* Write next to the destination, then rename: readers never see a
     * half-written policy and a failed compile leaves nothing behind. */
    char src[PATH_MAX], tmp_out[PATH_MAX + 32];
    snprintf(src, sizeof(src), "%s/policy.stripped.o", dir);
    snprintf(tmp_out, sizeof(tmp_out), "%s.tmp.%d", out_path, (int)getpid());
    FILE *in = fopen(src, "rb");
    FILE *out = in ? fopen(tmp_out, "wb") : NULL;
    bool ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out)
        ok = (fclose(out) == 0) && ok;
    if (!ok || rename(tmp_out, out_path) < 0) {
        snprintf(err, errlen, "%s: %s", out_path, strerror(errno ? errno : EIO));
        unlink(tmp_out);
        goto out;
    }
    rc = 0;
out:
    _remove_tree(dir);
    return rc;
}
