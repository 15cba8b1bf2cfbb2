#include "runtime/procfs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/strbuf.h"

#define CLOCK_TICK_NS 10000000ULL /* USER_HZ 100: /proc's time unit */

static ssize_t _read(uint32_t pid, const char *what, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

size_t procfs_stat(uint32_t pid, char fields[][24], size_t nfields)
{
    char buf[1024];
    if (_read(pid, "stat", buf, sizeof(buf)) <= 0)
        return 0;
    /* The command is in parentheses and may hold spaces and ')': the last ')' ends it. */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    size_t n = 0;
    for (char *tok = strtok(p + 1, " \n"); tok && n < nfields; tok = strtok(NULL, " \n"))
        snprintf(fields[n++], sizeof(fields[0]), "%s", tok);
    return n;
}

char *procfs_env(struct arena *arena, uint32_t pid, const char *name)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%u/environ", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    struct strbuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    char *out = NULL;
    size_t nlen = name ? strlen(name) : 0;
    struct strbuf all = {0};
    for (size_t i = 0; i < sb.len;) {
        const char *entry = sb.data + i;
        size_t len = strnlen(entry, sb.len - i);
        if (name && len > nlen && !strncmp(entry, name, nlen) && entry[nlen] == '=') {
            out = arena_strndup(arena, entry + nlen + 1, len - nlen - 1);
            break;
        }
        if (!name && len) {
            if (all.len)
                strbuf_puts(&all, " ");
            strbuf_append(&all, entry, len);
        }
        i += len + 1;
    }
    if (!name)
        out = arena_strdup(arena, all.data ? all.data : "");
    strbuf_free(&all);
    strbuf_free(&sb);
    return out;
}

static const char *const _caps[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

const char *procfs_cap_name(unsigned bit)
{
    return bit < sizeof(_caps) / sizeof(_caps[0]) ? _caps[bit] : NULL;
}

char *procfs_caps(struct arena *arena, uint32_t pid, uint32_t tid, const char *which)
{
    char what[64], buf[4096];
    snprintf(what, sizeof(what), "task/%u/status", tid ? tid : pid);
    if (_read(pid, what, buf, sizeof(buf)) <= 0)
        return NULL;
    char key[16];
    snprintf(key, sizeof(key), "\n%s:", which);
    const char *p = strstr(buf, key);
    if (!p)
        return NULL;
    unsigned long long caps = strtoull(p + strlen(key), NULL, 16);
    struct strbuf sb = {0};
    for (unsigned bit = 0; bit < 64; bit++)
        if ((caps >> bit & 1) && procfs_cap_name(bit))
            strbuf_printf(&sb, "%s%s", sb.len ? " " : "", procfs_cap_name(bit));
    char *out = arena_strdup(arena, sb.data ? sb.data : "");
    strbuf_free(&sb);
    return out;
}

uint64_t procfs_start_ns(uint32_t pid)
{
    char f[24][24];
    /* starttime is stat's field 22: fields[19] from field 3 on. */
    if (procfs_stat(pid, f, 24) < 20)
        return 0;
    return strtoull(f[19], NULL, 10) * CLOCK_TICK_NS;
}

/* The last number of a "Key:\ta\tb\tc" line of /proc/PID/status: the innermost namespace's. */
static long _status_last(const char *status, const char *key)
{
    const char *p = strstr(status, key);
    if (!p)
        return -1;
    const char *end = strchr(p, '\n');
    const char *last = end ? end : p + strlen(p);
    while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
        last--;
    const char *start = last;
    while (start > p && start[-1] >= '0' && start[-1] <= '9')
        start--;
    return start < last ? strtol(start, NULL, 10) : -1;
}

int procfs_is_vpgid_leader(uint32_t pid)
{
    char buf[4096];
    if (_read(pid, "status", buf, sizeof(buf)) <= 0)
        return -1;
    long vpgid = _status_last(buf, "\nNSpgid:"), vpid = _status_last(buf, "\nNSpid:");
    if (vpgid < 0 || vpid < 0)
        return -1;
    return vpgid == vpid;
}

int procfs_exe_inode(uint32_t pid, uint64_t *ino, uint64_t *ctime_ns, uint64_t *mtime_ns)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%u/exe", pid);
    if (stat(path, &st) < 0)
        return -1;
    *ino = st.st_ino;
    *ctime_ns = (uint64_t)st.st_ctim.tv_sec * 1000000000ULL + (uint64_t)st.st_ctim.tv_nsec;
    *mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ULL + (uint64_t)st.st_mtim.tv_nsec;
    return 0;
}
