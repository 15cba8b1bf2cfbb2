#include "runtime/users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define _NS_PER_SEC 1000000000ull
/* Refuses a passwd or group file larger than this (a node's local files are
 * kilobytes; the runtime must stay small even if pointed at something odd). */
#define _MAX_FILE_SIZE (64u << 20)

/* What identifies one version of a file: a rename (useradd, vipw) changes
 * the inode, an in-place edit the size or times. */
struct _ident {
    bool present;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
};

struct _group {
    uint32_t gid;
    const char *name;
};

/* One parsed file: entries point into text, which owns the strings. */
struct _file {
    char *path;
    struct _ident ident;
    char *text;
    void *entries; /* struct users_user[] or struct _group[] */
    size_t n;
};

struct users_db {
    struct _file passwd;
    struct _file group;
    uint64_t last_check_ns;
    bool checked;
};

static void _ident_of(const struct stat *st, struct _ident *id)
{
    *id = (struct _ident){
        .present = true,
        .dev = st->st_dev,
        .ino = st->st_ino,
        .size = st->st_size,
        .mtime = st->st_mtim,
        .ctime = st->st_ctim,
    };
}

static bool _ident_eq(const struct _ident *a, const struct _ident *b)
{
    return a->present == b->present && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* Splits line in place into at most max ':'-separated fields; anything past
 * the last one is ignored (libsinsp's split_fields). */
static size_t _split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    while (n < max) {
        fields[n++] = line;
        char *colon = strchr(line, ':');
        if (!colon)
            break;
        *colon = '\0';
        line = colon + 1;
    }
    return n;
}

/* The whole field must be a decimal uint32: a garbled id must not turn
 * into 0 and alias root (libsinsp's parse_uint32). */
static bool _parse_id(const char *s, uint32_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Orders by id, then by position in the file, so after sorting the first
 * entry of each id is the one getpwuid(3) would have found. */
static int _user_cmp(const void *a, const void *b)
{
    const struct users_user *x = a, *y = b;
    if (x->uid != y->uid)
        return x->uid < y->uid ? -1 : 1;
    return x->name < y->name ? -1 : x->name > y->name;
}

static int _group_cmp(const void *a, const void *b)
{
    const struct _group *x = a, *y = b;
    if (x->gid != y->gid)
        return x->gid < y->gid ? -1 : 1;
    return x->name < y->name ? -1 : x->name > y->name;
}

/* Reads the whole file through one descriptor, and takes its identity from
 * that descriptor, so the identity and the contents cannot disagree. */
static char *_slurp(const char *path, struct _ident *id, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)_MAX_FILE_SIZE)
        goto out;
    size_t cap = (size_t)st.st_size + 1, n = 0;
    buf = malloc(cap);
    if (!buf)
        goto out;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            buf = NULL;
            goto out;
        }
        if (r == 0 || n + (size_t)r == cap - 1) {
            n += (size_t)r;
            break; /* a file growing under us is read again at the next check */
        }
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    _ident_of(&st, id);
out:
    close(fd);
    return buf;
}

/* Parses passwd (name:passwd:uid:gid:gecos:home:shell) or group
 * (name:passwd:gid:members). Malformed lines are skipped, as getpwent(3) and
 * libsinsp skip them. */
static void _parse(struct _file *f, char *text, size_t len, bool is_passwd)
{
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    size_t esize = is_passwd ? sizeof(struct users_user) : sizeof(struct _group);
    char *entries = calloc(lines, esize);
    size_t n = 0;
    for (char *line = text; entries && line && line < text + len;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[ll - 1] = '\0';
        char *fields[7];
        if (is_passwd) {
            struct users_user *u = (struct users_user *)entries + n;
            if (line[0] != '#' && _split(line, fields, 7) == 7 && *fields[0] &&
                _parse_id(fields[2], &u->uid) && _parse_id(fields[3], &u->gid)) {
                u->name = fields[0];
                u->homedir = fields[5];
                u->shell = fields[6];
                n++;
            }
        } else {
            struct _group *g = (struct _group *)entries + n;
            if (line[0] != '#' && _split(line, fields, 3) == 3 && *fields[0] &&
                _parse_id(fields[2], &g->gid)) {
                g->name = fields[0];
                n++;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (entries)
        qsort(entries, n, esize, is_passwd ? _user_cmp : _group_cmp);
    free(f->text);
    free(f->entries);
    f->text = text;
    f->entries = entries;
    f->n = entries ? n : 0;
}

/* Reloads f if it changed. A file that vanished keeps its last contents: an
 * update is a rename, so a missing passwd is a broken node or an unmounted
 * volume, and stale names beat none. */
static bool _check(struct _file *f, bool is_passwd)
{
    struct stat st;
    struct _ident now;
    if (stat(f->path, &st) < 0) {
        f->ident.present = false; /* reload when it comes back */
        return false;
    }
    _ident_of(&st, &now);
    if (_ident_eq(&now, &f->ident))
        return false;
    size_t len;
    struct _ident read_id;
    char *text = _slurp(f->path, &read_id, &len);
    if (!text)
        return false;
    f->ident = read_id;
    _parse(f, text, len, is_passwd);
    return true;
}

static char *_join(const char *root, const char *path)
{
    size_t rl = root ? strlen(root) : 0;
    while (rl && root[rl - 1] == '/')
        rl--;
    size_t pl = strlen(path);
    char *s = malloc(rl + pl + 1);
    if (!s)
        return NULL;
    if (rl)
        memcpy(s, root, rl);
    memcpy(s + rl, path, pl + 1);
    return s;
}

int users_new_paths(struct users_db **out, const char *passwd_path, const char *group_path)
{
    *out = NULL;
    struct users_db *db = calloc(1, sizeof(*db));
    if (!db)
        return -ENOMEM;
    db->passwd.path = strdup(passwd_path);
    db->group.path = strdup(group_path);
    if (!db->passwd.path || !db->group.path) {
        users_free(&db);
        return -ENOMEM;
    }
    _check(&db->passwd, true);
    _check(&db->group, false);
    *out = db;
    return 0;
}

int users_new(struct users_db **out, const char *host_root)
{
    char *p = _join(host_root, "/etc/passwd");
    char *g = _join(host_root, "/etc/group");
    int r = p && g ? users_new_paths(out, p, g) : -ENOMEM;
    free(p);
    free(g);
    return r;
}

void users_free(struct users_db **db)
{
    if (!db || !*db)
        return;
    struct _file *files[] = {&(*db)->passwd, &(*db)->group};
    for (int i = 0; i < 2; i++) {
        free(files[i]->path);
        free(files[i]->text);
        free(files[i]->entries);
    }
    free(*db);
    *db = NULL;
}

bool users_refresh_at(struct users_db *db, uint64_t now_ns)
{
    if (db->checked && now_ns - db->last_check_ns < _NS_PER_SEC)
        return false;
    db->checked = true;
    db->last_check_ns = now_ns;
    bool p = _check(&db->passwd, true);
    bool g = _check(&db->group, false);
    return p || g;
}

bool users_refresh(struct users_db *db)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return users_refresh_at(db, (uint64_t)ts.tv_sec * _NS_PER_SEC + (uint64_t)ts.tv_nsec);
}

/* First entry with this id in a sorted array (lower bound). */
#define _LOWER_BOUND(arr, n, field, key, out)                                                      \
    do {                                                                                           \
        size_t lo_ = 0, hi_ = (n);                                                                 \
        while (lo_ < hi_) {                                                                        \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                                   \
            if ((arr)[mid_].field < (key))                                                         \
                lo_ = mid_ + 1;                                                                    \
            else                                                                                   \
                hi_ = mid_;                                                                        \
        }                                                                                          \
        (out) = lo_ < (n) && (arr)[lo_].field == (key) ? &(arr)[lo_] : NULL;                       \
    } while (0)

const struct users_user *users_find(const struct users_db *db, uint32_t uid)
{
    static const struct users_user _root = {.uid = 0, .gid = 0, .name = "root", .homedir = "/root"};
    if (uid == UINT32_MAX)
        return NULL;
    const struct users_user *users = db->passwd.entries, *u;
    _LOWER_BOUND(users, db->passwd.n, uid, uid, u);
    return u ? u : uid == 0 ? &_root : NULL;
}

const char *users_name(const struct users_db *db, uint32_t uid)
{
    const struct users_user *u = users_find(db, uid);
    return u ? u->name : NULL;
}

const char *users_homedir(const struct users_db *db, uint32_t uid)
{
    const struct users_user *u = users_find(db, uid);
    return u ? u->homedir : NULL;
}

const char *users_shell(const struct users_db *db, uint32_t uid)
{
    const struct users_user *u = users_find(db, uid);
    return u ? u->shell : NULL;
}

const char *users_group_name(const struct users_db *db, uint32_t gid)
{
    if (gid == UINT32_MAX)
        return NULL;
    const struct _group *groups = db->group.entries, *g;
    _LOWER_BOUND(groups, db->group.n, gid, gid, g);
    return g ? g->name : gid == 0 ? "root" : NULL;
}

size_t users_nusers(const struct users_db *db)
{
    return db->passwd.n;
}

size_t users_ngroups(const struct users_db *db)
{
    return db->group.n;
}
