/* rulec-actor: performs one real action for the end-to-end tests, under a
 * known process name, so tests can assert exactly which alerts it causes.
 *
 *   actor [-n NAME] open PATH r|w|c|x     open for reading, writing, create, or create
 *                                         an executable file (mode 0755)
 *   actor [-n NAME] dial IP PORT          connect to IP:PORT (a listener elsewhere)
 *   actor [-n NAME] sys-open PATH         the open syscall itself (libc's open() is openat)
 *   actor [-n NAME] openat2 PATH w|t      openat2 for writing, w, or writing with O_TRUNC, t
 *   actor [-n NAME] sleep-open SECS PATH  sleep, then open PATH for reading (an old process)
 *   actor [-n NAME] overlay-exec DIR upper|lower
 *                                         mount an overlayfs on DIR/m (lower DIR/l holding a copy
 *                                         of /bin/true, DIR/l/base, made if missing; upper DIR/u),
 *                                         then run a copy of /bin/true
 *                                         written into it (from the upper layer) or the lower one;
 *                                         use inside `container` (its own mount namespace)
 *   actor [-n NAME] nocap CAP PROG ARG... drop capability number CAP from the bounding set,
 *                                         then exec PROG (as root, it starts without it)
 *   actor [-n NAME] cwd-open DIR REL      chdir(DIR), then open REL for reading
 *   actor [-n NAME] connect PORT          listen on 127.0.0.1:PORT and connect to it
 *   actor [-n NAME] listen PORT           accept one connection on 127.0.0.1:PORT (10 s)
 *   actor [-n NAME] chmod PATH MODE       chmod (octal mode)
 *   actor [-n NAME] chown PATH UID GID    chown
 *   actor [-n NAME] spawn PROG ARG...     fork and exec PROG (the child's parent is NAME)
 *   actor [-n NAME] container ID PROG ARG...
 *                                         run PROG in new pid and mount namespaces inside
 *                                         cgroups named like containerd's for 64-hex ID, and in
 *                                         a new network namespace with lo up
 *   actor [-n NAME] docker ID PROG ARG... the same with cgroups named like docker's
 *   actor [-n NAME] host PROG ARG...      move to the root cgroup of every hierarchy (so
 *                                         container.id is "host"), then exec PROG
 *   actor [-n NAME] as UID GID PROG ARG... setgid, setuid, then exec PROG
 *   actor [-n NAME] tty PROG ARG...       new session with a pseudo-terminal as the
 *                                         controlling terminal, then run PROG
 *   actor [-n NAME] connect-to IP PORT    listen on IP:PORT and connect to it (IPv4 or IPv6)
 *   actor [-n NAME] lo-connect IP PORT    add IP/32 to lo (in a new network namespace),
 *                                         then listen on IP:PORT and connect to it
 *   actor [-n NAME] unix-connect PATH     listen on the unix socket PATH and connect to it
 *   actor [-n NAME] dup-socket FD...      connect a TCP socket (loopback) and dup2 it onto
 *                                         each FD
 *   actor [-n NAME] truncate PATH         open PATH with O_WRONLY|O_TRUNC
 *   actor [-n NAME] ftruncate PATH        open PATH for writing and ftruncate it to 0
 *   actor [-n NAME] unlink PATH           unlink
 *   actor [-n NAME] rename OLD NEW        rename
 *   actor [-n NAME] symlink TARGET LINK   symlink
 *   actor [-n NAME] link OLD NEW          hard link
 *   actor [-n NAME] setuid-root           seteuid(65534), then seteuid(0)
 *   actor [-n NAME] module                finit_module on /dev/null (fails, the attempt counts)
 *   actor [-n NAME] unshare               unshare(CLONE_NEWUTS)
 *   actor [-n NAME] setns                 setns into its own uts namespace
 *   actor [-n NAME] mount DIR             mount a tmpfs on DIR, then unmount it
 *   actor [-n NAME] packet-socket         socket(AF_PACKET, SOCK_RAW)
 *   actor [-n NAME] ptrace-attach         fork a child and PTRACE_ATTACH to it
 *   actor [-n NAME] traceme               ptrace(PTRACE_TRACEME)
 *   actor [-n NAME] memfd-exec PROG ARG... copy PROG into a memfd and execute it from there
 *   actor [-n NAME] exec PROG ARG...      exec PROG (after -n, to name the parent of nothing)
 *   actor [-n NAME] syscall-mkdir DIR     mkdir DIR, then rmdir it
 *   actor [-n NAME] at-mkdir DIR NAME     mkdirat and unlinkat (AT_REMOVEDIR) NAME through an fd
 *                                         of DIR, which stays open
 *   actor [-n NAME] kill PID SIG          kill(PID, SIG)
 *
 * -n sets the process name (comm) first; the default is "rulec-actor". -w SECONDS (after -n)
 * keeps the process alive that long after the action, for the fields rulec run reads from
 * /proc. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
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
    /* r read, d read a directory (O_DIRECTORY), w write, c or x create (x executable) */
    int flags = mode[0] == 'r'   ? O_RDONLY
                : mode[0] == 'd' ? O_RDONLY | O_DIRECTORY
                : mode[0] == 'w' ? O_WRONLY
                                 : O_WRONLY | O_CREAT;
    int fd = open(path, flags | O_CLOEXEC, mode[0] == 'x' ? 0755 : 0644);
    if (fd < 0)
        return _fail(path);
    close(fd);
    return 0;
}

/* ip:port as a socket address, IPv4 or IPv6 (a ':' in ip). */
static socklen_t _sockaddr(const char *ip, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, ip, &a->sin6_addr) == 1 ? sizeof(*a) : 0;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, ip, &a->sin_addr) == 1 ? sizeof(*a) : 0;
}

static int _dial(const char *ip, int port)
{
    struct sockaddr_storage addr;
    socklen_t len = _sockaddr(ip, port, &addr);
    if (!len)
        return _fail(ip);
    int c = socket(addr.ss_family, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&addr, len) < 0)
        return _fail("connect");
    return close(c);
}

/* Listens on ip:port, then dials it. */
static int _connect_to(const char *ip, int port)
{
    struct sockaddr_storage addr;
    socklen_t len = _sockaddr(ip, port, &addr);
    if (!len)
        return _fail(ip);
    int srv = socket(addr.ss_family, SOCK_STREAM, 0), one = 1;
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(srv, (struct sockaddr *)&addr, len) < 0 || listen(srv, 1) < 0)
        return _fail("listen");
    int rc = _dial(ip, port);
    close(srv);
    return rc;
}

static int _connect(int port)
{
    return _connect_to("127.0.0.1", port);
}

static int _unix_connect(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    unlink(path);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0)
        return _fail("listen");
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return _fail("connect");
    close(c);
    close(srv);
    unlink(path);
    return 0;
}

/* Connects a loopback TCP socket and duplicates it onto each fd (a reverse shell's move). */
static int _dup_socket(char **fds, int n)
{
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0 ||
        getsockname(srv, (struct sockaddr *)&addr, &len) < 0)
        return _fail("listen");
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return _fail("connect");
    int saved = fcntl(2, F_DUPFD_CLOEXEC, 100);
    for (int i = 0; i < n; i++)
        if (dup2(c, atoi(fds[i])) < 0)
            return _fail("dup2");
    dup2(saved, 2);
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
static const char *_scope_prefix = "cri-containerd-";

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
        snprintf(paths[n], 512, "%s/rulec-e2e.slice/%s%s.scope", base, _scope_prefix, id);
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

/* Moves the process to the root cgroup of every hierarchy: container.id becomes "host". */
static int _leave_cgroups(void)
{
    static const char *const hier[] = {"unified", "cpu",     "cpuacct", "cpuset",
                                       "memory",  "devices", "freezer", "blkio",
                                       "pids",    "systemd", ""};
    char pid[32], procs[300];
    snprintf(pid, sizeof(pid), "%d", getpid());
    int n = 0;
    for (size_t i = 0; i < sizeof(hier) / sizeof(hier[0]); i++) {
        snprintf(procs, sizeof(procs), "/sys/fs/cgroup/%s/cgroup.procs", hier[i]);
        if (access(procs, W_OK) == 0 && _write_file(procs, pid) == 0)
            n++;
    }
    return n;
}

static int _lo_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return -1;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    int rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    close(s);
    return rc;
}

static int _container(const char *id, char **argv)
{
    char paths[16][512];
    /* Unshare outside any container-like cgroup (the host's own cgroups look like
     * containers on some machines), then join the container's. */
    _leave_cgroups();
    if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET) < 0)
        return _fail("unshare");
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (_lo_up() < 0)
        return _fail("lo up");
    int n = _join_container_cgroups(id, paths, 16);
    if (n == 0)
        return _fail("joining container cgroups");
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

static int _lo_add(const char *ip)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr = {0};
    struct sockaddr_in *a = (struct sockaddr_in *)&ifr.ifr_addr;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo:e2e");
    a->sin_family = AF_INET;
    if (inet_pton(AF_INET, ip, &a->sin_addr) != 1 || ioctl(s, SIOCSIFADDR, &ifr) < 0)
        return _fail("SIOCSIFADDR");
    inet_pton(AF_INET, "255.255.255.255", &a->sin_addr);
    ioctl(s, SIOCSIFNETMASK, &ifr);
    ioctl(s, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP;
    ioctl(s, SIOCSIFFLAGS, &ifr);
    close(s);
    return 0;
}

static int _copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    struct stat st;
    if (in < 0 || out < 0 || fstat(in, &st) < 0 ||
        sendfile(out, in, NULL, (size_t)st.st_size) != st.st_size)
        return -1;
    close(in);
    return close(out);
}

static int _overlay_exec(const char *dir, const char *layer)
{
    char l[256], u[256], w[256], m[256], opts[1024], bin[300];
    snprintf(l, sizeof(l), "%s/l", dir);
    snprintf(u, sizeof(u), "%s/u", dir);
    snprintf(w, sizeof(w), "%s/w", dir);
    snprintf(m, sizeof(m), "%s/m", dir);
    mkdir(l, 0755);
    mkdir(u, 0755);
    mkdir(w, 0755);
    mkdir(m, 0755);
    snprintf(bin, sizeof(bin), "%s/base", l);
    if (access(bin, X_OK) < 0 && _copy_file("/bin/true", bin) < 0)
        return _fail("copy to the lower layer");
    snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", l, u, w);
    if (mount("overlay", m, "overlay", 0, opts) < 0)
        return _fail("mount overlay");
    if (!strcmp(layer, "upper")) {
        snprintf(bin, sizeof(bin), "%s/dropped", m);
        if (_copy_file("/bin/true", bin) < 0)
            return _fail("copy into the overlay");
    } else {
        snprintf(bin, sizeof(bin), "%s/base", m);
    }
    char *argv[] = {bin, NULL};
    return _spawn(argv);
}

static int _host(char **argv)
{
    if (_leave_cgroups() == 0)
        return _fail("leaving cgroups");
    execvp(argv[0], argv);
    return _fail(argv[0]);
}

static int _as(uid_t uid, gid_t gid, char **argv)
{
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
        return _fail("setuid");
    execvp(argv[0], argv);
    return _fail(argv[0]);
}

static int _tty(char **argv)
{
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid < 0)
        return _fail("forkpty");
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    char buf[256];
    while (read(master, buf, sizeof(buf)) > 0)
        ;
    int status;
    waitpid(pid, &status, 0);
    close(master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int _ptrace_attach(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return _fail("fork");
    if (pid == 0) {
        pause();
        _exit(0);
    }
    int rc = 0;
    if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
        rc = _fail("PTRACE_ATTACH");
    else {
        waitpid(pid, NULL, 0);
        ptrace(PTRACE_DETACH, pid, NULL, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return rc;
}

static int _memfd_exec(char **argv)
{
    int src = open(argv[0], O_RDONLY | O_CLOEXEC);
    if (src < 0)
        return _fail(argv[0]);
    int fd = (int)syscall(SYS_memfd_create, "e2e", 0);
    struct stat st;
    if (fd < 0 || fstat(src, &st) < 0)
        return _fail("memfd_create");
    off_t off = 0;
    while (off < st.st_size)
        if (sendfile(fd, src, &off, (size_t)(st.st_size - off)) <= 0)
            return _fail("sendfile");
    close(src);
    static char *envp[] = {NULL};
    syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
    return _fail("execveat");
}

static unsigned _hold_seconds;

static void _hold(void)
{
    sleep(_hold_seconds);
}

static int _at_mkdir(const char *dir, const char *name)
{
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0)
        return _fail(dir);
    if (mkdirat(d, name, 0750) < 0 || unlinkat(d, name, AT_REMOVEDIR) < 0)
        return _fail(name);
    return 0; /* d stays open until the process exits */
}

int main(int argc, char **argv)
{
    const char *name = "rulec-actor";
    int i = 1;
    if (argc > 2 && !strcmp(argv[1], "-n")) {
        name = argv[2];
        i = 3;
    }
    if (argc > i + 1 && !strcmp(argv[i], "-w")) {
        _hold_seconds = (unsigned)atoi(argv[i + 1]);
        atexit(_hold);
        i += 2;
    }
    prctl(PR_SET_NAME, name, 0, 0, 0);
    if (argc - i < 1 || (argc - i < 2 && strcmp(argv[i], "setuid-root") &&
                         strcmp(argv[i], "module") && strcmp(argv[i], "unshare") &&
                         strcmp(argv[i], "setns") && strcmp(argv[i], "packet-socket") &&
                         strcmp(argv[i], "ptrace-attach") && strcmp(argv[i], "traceme"))) {
        fprintf(stderr, "usage: actor [-n NAME] ACTION ARGS (see the source)\n");
        return 2;
    }
    const char *action = argv[i];
    char **args = argv + i + 1;
    int nargs = argc - i - 1;
    if (!strcmp(action, "open") && nargs == 2)
        return _open(args[0], args[1]);
    if (!strcmp(action, "sys-open") && nargs == 1) {
        long fd = syscall(SYS_open, args[0], O_RDONLY | O_CLOEXEC);
        return fd < 0 ? _fail(args[0]) : close((int)fd);
    }
    if (!strcmp(action, "openat2") && nargs == 2) {
        struct open_how how = {.flags = O_WRONLY | O_CLOEXEC | (args[1][0] == 't' ? O_TRUNC : 0)};
        long fd = syscall(SYS_openat2, AT_FDCWD, args[0], &how, sizeof(how));
        return fd < 0 ? _fail(args[0]) : close((int)fd);
    }
    if (!strcmp(action, "sleep-open") && nargs == 2) {
        sleep((unsigned)atoi(args[0]));
        return _open(args[1], "r");
    }
    if (!strcmp(action, "overlay-exec") && nargs == 2)
        return _overlay_exec(args[0], args[1]);
    if (!strcmp(action, "nocap") && nargs >= 2) {
        if (prctl(PR_CAPBSET_DROP, atoi(args[0]), 0, 0, 0) < 0)
            return _fail("PR_CAPBSET_DROP");
        execvp(args[1], args + 1);
        return _fail(args[1]);
    }
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
    if (!strcmp(action, "docker") && nargs >= 2) {
        _scope_prefix = "docker-";
        return _container(args[0], args + 1);
    }
    if (!strcmp(action, "host") && nargs >= 1)
        return _host(args);
    if (!strcmp(action, "exec") && nargs >= 1) {
        execvp(args[0], args);
        return _fail(args[0]);
    }
    if (!strcmp(action, "as") && nargs >= 3)
        return _as((uid_t)atoi(args[0]), (gid_t)atoi(args[1]), args + 2);
    if (!strcmp(action, "tty") && nargs >= 1)
        return _tty(args);
    if (!strcmp(action, "connect-to") && nargs == 2)
        return _connect_to(args[0], atoi(args[1]));
    if (!strcmp(action, "dial") && nargs == 2)
        return _dial(args[0], atoi(args[1]));
    if (!strcmp(action, "lo-connect") && nargs == 2)
        return _lo_add(args[0]) ? 1 : _connect_to(args[0], atoi(args[1]));
    if (!strcmp(action, "unix-connect") && nargs == 1)
        return _unix_connect(args[0]);
    if (!strcmp(action, "dup-socket") && nargs >= 1)
        return _dup_socket(args, nargs);
    if (!strcmp(action, "truncate") && nargs == 1) {
        int fd = open(args[0], O_WRONLY | O_TRUNC | O_CLOEXEC);
        return fd < 0 ? _fail(args[0]) : close(fd);
    }
    if (!strcmp(action, "ftruncate") && nargs == 1) {
        int fd = open(args[0], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ftruncate(fd, 0) < 0)
            return _fail(args[0]);
        return close(fd);
    }
    if (!strcmp(action, "unlink") && nargs == 1)
        return unlink(args[0]) < 0 ? _fail("unlink") : 0;
    if (!strcmp(action, "rename") && nargs == 2)
        return rename(args[0], args[1]) < 0 ? _fail("rename") : 0;
    if (!strcmp(action, "symlink") && nargs == 2)
        return symlink(args[0], args[1]) < 0 ? _fail("symlink") : 0;
    if (!strcmp(action, "link") && nargs == 2)
        return link(args[0], args[1]) < 0 ? _fail("link") : 0;
    if (!strcmp(action, "setuid-root") && nargs == 0)
        return seteuid(65534) < 0 || seteuid(0) < 0 ? _fail("seteuid") : 0;
    if (!strcmp(action, "module") && nargs == 0) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        syscall(SYS_finit_module, fd, "", 0);
        return close(fd);
    }
    if (!strcmp(action, "unshare") && nargs == 0)
        return unshare(CLONE_NEWUTS) < 0 ? _fail("unshare") : 0;
    if (!strcmp(action, "setns") && nargs == 0) {
        int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
        return fd < 0 || setns(fd, CLONE_NEWUTS) < 0 ? _fail("setns") : close(fd);
    }
    if (!strcmp(action, "mount") && nargs == 1) {
        if (mount("e2e", args[0], "tmpfs", 0, NULL) < 0)
            return _fail("mount");
        return umount(args[0]) < 0 ? _fail("umount") : 0;
    }
    if (!strcmp(action, "packet-socket") && nargs == 0) {
        int fd = socket(AF_PACKET, SOCK_RAW, 0);
        return fd < 0 ? _fail("socket") : close(fd);
    }
    if (!strcmp(action, "ptrace-attach") && nargs == 0)
        return _ptrace_attach();
    if (!strcmp(action, "traceme") && nargs == 0)
        return ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? _fail("PTRACE_TRACEME") : 0;
    if (!strcmp(action, "memfd-exec") && nargs >= 1)
        return _memfd_exec(args);
    if (!strcmp(action, "syscall-mkdir") && nargs == 1)
        return mkdir(args[0], 0755) < 0 || rmdir(args[0]) < 0 ? _fail("mkdir") : 0;
    if (!strcmp(action, "at-mkdir") && nargs == 2)
        return _at_mkdir(args[0], args[1]);
    if (!strcmp(action, "kill") && nargs == 2)
        return kill((pid_t)atoi(args[0]), atoi(args[1])) < 0 ? _fail("kill") : 0;
    fprintf(stderr, "actor: unknown action '%s'\n", action);
    return 2;
}
