/* rulec-actor: performs one real action for the end-to-end tests, under a
 * known process name, so tests can assert exactly which alerts it causes.
 *
 *   actor [-n NAME] open PATH r|w|c       open for reading, writing, or create
 *   actor [-n NAME] cwd-open DIR REL      chdir(DIR), then open REL for reading
 *   actor [-n NAME] connect PORT          listen on 127.0.0.1:PORT and connect to it
 *   actor [-n NAME] listen PORT           accept one connection on 127.0.0.1:PORT (10 s)
 *   actor [-n NAME] chmod PATH MODE       chmod (octal mode)
 *   actor [-n NAME] chown PATH UID GID    chown
 *   actor [-n NAME] spawn PROG ARG...     fork and exec PROG (the child's parent is NAME)
 *   actor [-n NAME] container ID PROG ARG...
 *                                         run PROG in new pid and mount namespaces inside
 *                                         cgroups named like containerd's for 64-hex ID
 *
 * -n sets the process name (comm) first; the default is "rulec-actor". */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int _fail(const char *what)
{
    fprintf(stderr, "actor: %s: %s\n", what, strerror(errno));
    return 1;
}

static int _spawn(char **argv)
{
    pid_t pid = fork();
    if (pid < 0)
        return _fail("fork");
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int _open(const char *path, const char *mode)
{
    int flags = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY : O_WRONLY | O_CREAT;
    int fd = open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0)
        return _fail(path);
    close(fd);
    return 0;
}

static int _connect(int port)
{
    int srv = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0)
        return _fail("listen");
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return _fail("connect");
    close(c);
    close(srv);
    return 0;
}

static int _listen(int port)
{
    int srv = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0)
        return _fail("listen");
    alarm(10);
    int c = accept(srv, NULL, NULL);
    if (c >= 0)
        close(c);
    close(srv);
    return c < 0;
}

static int _write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : 0;
}

/* Joins a cgroup named like a containerd (CRI) container in every v1
 * hierarchy and in the unified one, as a kubelet with the systemd driver
 * would name it; returns the number of hierarchies joined. */
static int _join_container_cgroups(const char *id, char paths[][512], int max)
{
    static const char *const hier[] = {"unified", "cpu",     "cpuacct", "cpuset",
                                       "memory",  "devices", "freezer", "blkio",
                                       "pids",    "systemd", ""};
    char pid[32];
    snprintf(pid, sizeof(pid), "%d", getpid());
    int n = 0;
    for (size_t i = 0; i < sizeof(hier) / sizeof(hier[0]) && n < max; i++) {
        char base[256];
        snprintf(base, sizeof(base), "/sys/fs/cgroup/%s", hier[i]);
        struct stat st;
        if (stat(base, &st) < 0)
            continue;
        snprintf(paths[n], 512, "%s/rulec-e2e.slice", base);
        mkdir(paths[n], 0755);
        snprintf(paths[n], 512, "%s/rulec-e2e.slice/cri-containerd-%s.scope", base, id);
        if (mkdir(paths[n], 0755) < 0 && errno != EEXIST)
            continue;
        if (!strcmp(hier[i], "cpuset")) {
            /* cpuset children need cpus and mems before tasks can join. */
            char f[600];
            snprintf(f, sizeof(f), "%s/rulec-e2e.slice/cpuset.cpus", base);
            _write_file(f, "0");
            snprintf(f, sizeof(f), "%s/rulec-e2e.slice/cpuset.mems", base);
            _write_file(f, "0");
            snprintf(f, sizeof(f), "%s/cpuset.cpus", paths[n]);
            _write_file(f, "0");
            snprintf(f, sizeof(f), "%s/cpuset.mems", paths[n]);
            _write_file(f, "0");
        }
        char procs[600];
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", paths[n]);
        if (_write_file(procs, pid) == 0)
            n++;
    }
    return n;
}

static int _container(const char *id, char **argv)
{
    char paths[16][512];
    int n = _join_container_cgroups(id, paths, 16);
    if (n == 0)
        return _fail("joining container cgroups");
    if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
        return _fail("unshare");
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    int rc = _spawn(argv);
    /* Leave the cgroups (back to the roots) so they can be removed. */
    for (int i = 0; i < n; i++) {
        char root_procs[600], pid[32];
        char *slice = strstr(paths[i], "/rulec-e2e.slice");
        snprintf(root_procs, sizeof(root_procs), "%.*s/cgroup.procs", (int)(slice - paths[i]),
                 paths[i]);
        snprintf(pid, sizeof(pid), "%d", getpid());
        _write_file(root_procs, pid);
        rmdir(paths[i]);
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *name = "rulec-actor";
    int i = 1;
    if (argc > 2 && !strcmp(argv[1], "-n")) {
        name = argv[2];
        i = 3;
    }
    prctl(PR_SET_NAME, name, 0, 0, 0);
    if (argc - i < 2) {
        fprintf(stderr, "usage: actor [-n NAME] ACTION ARGS (see the source)\n");
        return 2;
    }
    const char *action = argv[i];
    char **args = argv + i + 1;
    int nargs = argc - i - 1;
    if (!strcmp(action, "open") && nargs == 2)
        return _open(args[0], args[1]);
    if (!strcmp(action, "cwd-open") && nargs == 2) {
        if (chdir(args[0]) < 0)
            return _fail(args[0]);
        return _open(args[1], "r");
    }
    if (!strcmp(action, "connect") && nargs == 1)
        return _connect(atoi(args[0]));
    if (!strcmp(action, "listen") && nargs == 1)
        return _listen(atoi(args[0]));
    if (!strcmp(action, "chmod") && nargs == 2)
        return chmod(args[0], (mode_t)strtol(args[1], NULL, 8)) < 0 ? _fail("chmod") : 0;
    if (!strcmp(action, "chown") && nargs == 3)
        return chown(args[0], (uid_t)atoi(args[1]), (gid_t)atoi(args[2])) < 0 ? _fail("chown") : 0;
    if (!strcmp(action, "spawn") && nargs >= 1)
        return _spawn(args);
    if (!strcmp(action, "container") && nargs >= 2)
        return _container(args[0], args + 1);
    fprintf(stderr, "actor: unknown action '%s'\n", action);
    return 2;
}
