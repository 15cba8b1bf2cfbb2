#include "runtime/procfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/sysargs.h"

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

char *procfs_read(struct arena *arena, uint32_t pid, const char *what, size_t *len)
{
    char buf[4096];
    ssize_t n = _read(pid, what, buf, sizeof(buf));
    if (n <= 0)
        return NULL;
    *len = (size_t)n;
    return arena_strndup(arena, buf, (size_t)n);
}

char *procfs_readlink(struct arena *arena, uint32_t pid, const char *what)
{
    char path[64], buf[4096];
    snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *del = strstr(buf, " (deleted)");
    if (del && del[10] == '\0')
        *del = '\0';
    return arena_strdup(arena, buf);
}

char *procfs_comm(struct arena *arena, uint32_t pid)
{
    size_t n;
    char *s = procfs_read(arena, pid, "comm", &n);
    if (s && s[n - 1] == '\n')
        s[n - 1] = '\0';
    return s;
}

bool procfs_argv(struct arena *arena, uint32_t pid, struct procfs_argv *out)
{
    size_t n;
    char *raw = procfs_read(arena, pid, "cmdline", &n);
    if (!raw)
        return false;
    procfs_split_argv(arena, raw, n, out);
    return true;
}

void procfs_split_argv(struct arena *arena, char *raw, size_t n, struct procfs_argv *out)
{
    out->exe = raw;
    size_t first = strnlen(raw, n);
    size_t from = first < n ? first + 1 : n, end = n;
    if (end > from && raw[end - 1] == '\0')
        end--; /* set_args drops the last NUL, then splits at each one */
    out->nargs = 0;
    out->args = NULL;
    if (end == from)
        return;
    size_t count = 1;
    for (size_t i = from; i < end; i++)
        count += raw[i] == '\0';
    out->args = arena_alloc(arena, count * sizeof(*out->args));
    for (size_t i = from, start = from; i <= end; i++) {
        if (i < end && raw[i] != '\0')
            continue;
        raw[i] = '\0'; /* raw[end] is the NUL arena_strndup wrote, or the one dropped */
        out->args[out->nargs++] = raw + start;
        start = i + 1;
    }
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

size_t procfs_foreach_pid(bool (*fn)(uint32_t pid, void *ctx), void *ctx)
{
    DIR *d = opendir("/proc");
    size_t n = 0;
    for (struct dirent *de; d && (de = readdir(d));) {
        char *end;
        unsigned long v = strtoul(de->d_name, &end, 10);
        if (de->d_name[0] && !*end && v > 0 && v <= UINT32_MAX)
            n += fn((uint32_t)v, ctx);
    }
    if (d)
        closedir(d);
    return n;
}

uint32_t procfs_ppid(uint32_t pid)
{
    char f[2][24];
    return procfs_stat(pid, f, 2) == 2 ? (uint32_t)strtoul(f[1], NULL, 10) : 0;
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
        /* get_env: "NAME=" alone is no match */
        if (name && len > nlen + 1 && !strncmp(entry, name, nlen) && entry[nlen] == '=') {
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
    if (!name || !out)
        out = arena_strdup(arena, !name && all.data ? all.data : "");
    strbuf_free(&all);
    strbuf_free(&sb);
    return out;
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
    char text[SYSARG_CAPS_TEXT];
    return arena_strdup(arena, sysarg_render_kind(SA_CAPS, caps, text, sizeof(text)));
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
    const char *end = strchr(p + 1, '\n'); /* key starts with the previous line's end */
    const char *last = end ? end : p + strlen(p);
    while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
        last--;
    const char *start = last;
    while (start > p && start[-1] >= '0' && start[-1] <= '9')
        start--;
    return start < last ? strtol(start, NULL, 10) : -1;
}

/* How many numbers a "Key:\ta\tb" line of /proc/PID/status has. */
static int _status_count(const char *status, const char *key)
{
    const char *p = strstr(status, key);
    if (!p)
        return 0;
    p += strlen(key);
    int n = 0;
    for (bool in = false; *p && *p != '\n'; p++) {
        bool digit = *p >= '0' && *p <= '9';
        n += digit && !in;
        in = digit;
    }
    return n;
}

int procfs_status(uint32_t pid, struct procfs_status *out)
{
    char buf[4096];
    if (_read(pid, "status", buf, sizeof(buf)) <= 0)
        return -1;
    out->threads = _status_last(buf, "\nThreads:");
    out->vpid = _status_last(buf, "\nNSpid:");
    out->vpgid = _status_last(buf, "\nNSpgid:");
    out->vsid = _status_last(buf, "\nNSsid:");
    out->in_pidns = _status_count(buf, "\nNSpid:") > 1;
    return out->vpid < 0 || out->vpgid < 0 || out->vsid < 0 ? -1 : 0;
}

int procfs_is_vpgid_leader(uint32_t pid)
{
    struct procfs_status st;
    if (procfs_status(pid, &st) < 0)
        return -1;
    return st.vpgid == st.vpid;
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

long procfs_fd_count(uint32_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%u/fd", pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    long n = 0;
    for (struct dirent *de; (de = readdir(d));)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* The anonymous inodes libscap names (scap_fds.c's classify_anon_inode_file); others are
 * unsupported, which libsinsp prints "<NA>" for: no answer here. */
static const char *_anon_inode_type(const char *link)
{
    static const struct {
        const char *name, *type;
    } kinds[] = {
        {"[eventfd]", "event"},
        {"[eventpoll]", "eventpoll"},
        {"inotify", "inotify"},
        {"[signalfd]", "signalfd"},
        {"[timerfd]", "timerfd"},
        {"[io_uring]", "io_uring"},
        {"[userfaultfd]", "userfaultfd"},
        {"[pidfd]", "pidfd"},
        {"bpf-map", "bpf"},
        {"bpf-prog", "bpf"},
        {"bpf-link", "bpf"},
        {"bpf_iter", "bpf"},
    };
    static const char prefix[] = "anon_inode:";
    if (strncmp(link, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(link + sizeof(prefix) - 1, kinds[i].name))
            return kinds[i].type;
    return NULL;
}

/* A socket's family from its protocol's name (the sockfs xattr): the protocols whose sockets
 * libscap finds in /proc/net (tcp, udp, raw, unix, netlink and their IPv6 tables). */
static const char *_socket_type(const char *path)
{
    char proto[32];
    ssize_t n = getxattr(path, "system.sockprotoname", proto, sizeof(proto) - 1);
    if (n <= 0)
        return NULL;
    proto[n] = '\0';
    if (!strcmp(proto, "TCP") || !strcmp(proto, "UDP") || !strcmp(proto, "RAW"))
        return "ipv4";
    if (!strcmp(proto, "TCPv6") || !strcmp(proto, "UDPv6") || !strcmp(proto, "RAWv6"))
        return "ipv6";
    if (!strcmp(proto, "UNIX") || !strcmp(proto, "UNIX-STREAM"))
        return "unix";
    if (!strcmp(proto, "NETLINK"))
        return "netlink";
    return NULL;
}

const char *procfs_fd_type(struct arena *arena, uint32_t pid, int fd, const char **name)
{
    char what[32], path[64];
    struct stat st;
    *name = NULL;
    snprintf(what, sizeof(what), "fd/%d", fd);
    snprintf(path, sizeof(path), "/proc/%u/%s", pid, what);
    if (stat(path, &st) < 0)
        return NULL;
    /* libscap's handle_file: by the inode's type, then by the link's text */
    char *link = procfs_readlink(arena, pid, what);
    switch (st.st_mode & S_IFMT) {
    case S_IFIFO:
        /* a pipe is named "" when pipe() made it under Falco, "pipe:[N]" when libscap found
         * it open: no name; a named one is its path either way */
        *name = link && strncmp(link, "pipe:[", 6) ? link : NULL;
        return "pipe";
    case S_IFREG:
    case S_IFBLK:
    case S_IFCHR:
    case S_IFLNK:
        if (link && !strncmp(link, "/memfd:", 7))
            return "memfd";
        *name = link;
        return link ? "file" : NULL;
    case S_IFDIR:
        *name = link;
        return link ? "directory" : NULL;
    case S_IFSOCK:
        return _socket_type(path);
    default:
        return link ? _anon_inode_type(link) : NULL;
    }
}
