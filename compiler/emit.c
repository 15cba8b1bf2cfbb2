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

int emit_write_sources(const char *dir, const char *c_source, char *err, size_t errlen)
{
    char path[PATH_MAX];
    for (const struct embedded_file *f = embedded_bpf_files; f->name; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, f->name);
        if (_write_file(path, f->text, err, errlen) < 0)
            return -1;
    }
    snprintf(path, sizeof(path), "%s/policy.bpf.c", dir);
    return _write_file(path, c_source, err, errlen);
}

/* Runs argv, with its stderr captured into err on failure. */
static int _run(char *const argv[], const char *dir, char *err, size_t errlen)
{
    char log[PATH_MAX + 16];
    snprintf(log, sizeof(log), "%s/tool.log", dir);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
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
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    int n = snprintf(err, errlen, "%.200s failed:\n", argv[0]);
    FILE *f = fopen(log, "r");
    if (f && n > 0 && (size_t)n < errlen) {
        size_t got = fread(err + n, 1, errlen - (size_t)n - 1, f);
        err[n + got] = '\0';
    }
    if (f)
        fclose(f);
    return -1;
}

static const char *_tool(const char *env, const char *fallback)
{
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

static void _remove_tree(const char *dir)
{
    char path[PATH_MAX];
    static const char *const files[] = {"policy.bpf.c", "policy.o", "policy.stripped.o",
                                        "meta.json",    "tool.log", NULL};
    for (const char *const *f = files; *f; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, *f);
        unlink(path);
    }
    for (const struct embedded_file *f = embedded_bpf_files; f->name; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, f->name);
        unlink(path);
    }
    rmdir(dir);
}

int emit_object(const char *c_source, const char *meta_json, const char *out_path, char *err,
                size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    /* Short enough that every path derived from it fits PATH_MAX. */
    char dir[512];
    if ((size_t)snprintf(dir, sizeof(dir), "%s/rulec.XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
        sizeof(dir)) {
        snprintf(err, errlen, "TMPDIR is too long");
        return -1;
    }
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
        return -1;
    }
    int rc = -1;
    char meta_arg[PATH_MAX + 32], prefix_map[PATH_MAX + 32];
    meta_arg[0] = '\0';
    if (emit_write_sources(dir, c_source, err, errlen) < 0 ||
        _write_file(strcat(strcpy(meta_arg, dir), "/meta.json"), meta_json, err, errlen) < 0)
        goto out;
    /* The temporary directory's name must not reach the object: the same
     * rules must give a byte-identical policy. */
    snprintf(prefix_map, sizeof(prefix_map), "-fdebug-prefix-map=%s=/rulec", dir);
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
                           "policy.bpf.c",
                           "-o",
                           "policy.o",
                           NULL};
    if (_run(clang, dir, err, errlen) < 0)
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
