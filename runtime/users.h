/* User and group names for alerts: user.name, user.loginname, user.homedir,
 * user.shell and group.name, from the node's /etc/passwd and /etc/group.
 *
 * The files are parsed directly rather than through getpwuid(3): in a daemon
 * that can load NSS modules (LDAP, sssd) and block the event loop on the
 * network, and in a DaemonSet it would read the container's files, not the
 * host's. This is what libsinsp does with a host root set (user.cpp). The
 * files are cached and reloaded when they change (inode, size, mtime or
 * ctime), checked at most once a second. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct users_db;

struct users_user {
    uint32_t uid;
    uint32_t gid;
    const char *name;
    const char *homedir;
    const char *shell;
};

/* Reads host_root/etc/passwd and host_root/etc/group (host_root NULL or ""
 * means /). Missing or unreadable files give an empty cache, not an error:
 * lookups then return NULL and the alert shows <NA>. Returns 0 or -ENOMEM. */
int users_new(struct users_db **out, const char *host_root);
/* Same with explicit paths (tests). */
int users_new_paths(struct users_db **out, const char *passwd_path, const char *group_path);
void users_free(struct users_db **db);

/* Reloads a file that changed since it was read, at most once per second.
 * Call it before rendering an alert, not between its lookups: a reload frees
 * the strings earlier lookups returned. Returns true when it reloaded. */
bool users_refresh(struct users_db *db);
/* Same with the caller's CLOCK_MONOTONIC time in ns (tests). */
bool users_refresh_at(struct users_db *db, uint64_t now_ns);

/* The first passwd entry with this uid, as getpwuid(3) would return; NULL
 * when unknown or uid is (uint32_t)-1 (an unset loginuid). Like libsinsp,
 * uid 0 is root with home /root even when passwd lacks it. */
const struct users_user *users_find(const struct users_db *db, uint32_t uid);
/* user.name (uid) and user.loginname (loginuid); NULL when unknown. */
const char *users_name(const struct users_db *db, uint32_t uid);
const char *users_homedir(const struct users_db *db, uint32_t uid);
const char *users_shell(const struct users_db *db, uint32_t uid);
/* group.name; NULL when unknown (gid 0 is root, as in libsinsp). */
const char *users_group_name(const struct users_db *db, uint32_t gid);

size_t users_nusers(const struct users_db *db);
size_t users_ngroups(const struct users_db *db);
