#include "core/sysargs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/number.h"
#include "core/rulec_abi.h"

static const struct sysarg _args[] = {
#define SYSARG(syscall_, param_, index_, kind_) {syscall_, param_, index_, kind_},
#include "core/sysargs.def"
#undef SYSARG
};

size_t sysarg_count(void)
{
    return sizeof(_args) / sizeof(_args[0]);
}

const struct sysarg *sysarg_at(size_t i)
{
    return i < sysarg_count() ? &_args[i] : NULL;
}

const struct sysarg *sysarg_find(const char *syscall, const char *param)
{
    for (size_t i = 0; i < sysarg_count(); i++)
        if (!strcmp(_args[i].syscall, syscall) && !strcmp(_args[i].param, param))
            return &_args[i];
    return NULL;
}

/* Whether some syscall has PARAM and every one passes it as a string (or as no string). */
static bool _param_all(const char *param, bool string)
{
    bool any = false;
    for (size_t i = 0; i < sysarg_count(); i++) {
        if (strcmp(_args[i].param, param) != 0)
            continue;
        if ((_args[i].kind == SA_STR) != string)
            return false;
        any = true;
    }
    return any;
}

bool sysarg_param_is_numeric(const char *param)
{
    return _param_all(param, false);
}

bool sysarg_param_is_string(const char *param)
{
    return _param_all(param, true);
}

struct flag_name {
    uint64_t bits;
    const char *name;
};

/* x86_64 values, listed in the order Falco prints them. */
static const struct flag_name _open_flags[] = {{0100000, "O_LARGEFILE"},
                                               {0200000, "O_DIRECTORY"},
                                               {040000, "O_DIRECT"},
                                               {01000, "O_TRUNC"},
                                               {04010000, "O_SYNC"},
                                               {04000, "O_NONBLOCK"},
                                               {0200, "O_EXCL"},
                                               {010000, "O_DSYNC"},
                                               {02000, "O_APPEND"},
                                               {0100, "O_CREAT"},
                                               {02, "O_RDWR"},
                                               {01, "O_WRONLY"},
                                               {02000000, "O_CLOEXEC"},
                                               {020200000, "O_TMPFILE"},
                                               {010000000, "O_PATH"},
                                               {0400000, "O_NOFOLLOW"},
                                               {01000000, "O_NOATIME"},
                                               {0400, "O_NOCTTY"},
                                               {0, NULL}};

static const struct flag_name _mode_flags[] = {
    {01, "S_IXOTH"},   {02, "S_IWOTH"},    {04, "S_IROTH"},    {010, "S_IXGRP"},
    {020, "S_IWGRP"},  {040, "S_IRGRP"},   {0100, "S_IXUSR"},  {0200, "S_IWUSR"},
    {0400, "S_IRUSR"}, {01000, "S_ISVTX"}, {02000, "S_ISGID"}, {04000, "S_ISUID"},
    {0, NULL}};

static const struct flag_name _clone_flags[] = {
    {0x100, "CLONE_VM"},           {0x200, "CLONE_FS"},
    {0x400, "CLONE_FILES"},        {0x800, "CLONE_SIGHAND"},
    {0x40000, "CLONE_SYSVSEM"},    {0x80, "CLONE_NEWTIME"},
    {0x20000, "CLONE_NEWNS"},      {0x02000000, "CLONE_NEWCGROUP"},
    {0x04000000, "CLONE_NEWUTS"},  {0x08000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},  {0, NULL}};

/* Capabilities by bit (libsinsp's caps_to_string table), printed joined by spaces. */
static const struct flag_name _capabilities[] = {{1ULL << 0, "CAP_CHOWN"},
                                                 {1ULL << 1, "CAP_DAC_OVERRIDE"},
                                                 {1ULL << 2, "CAP_DAC_READ_SEARCH"},
                                                 {1ULL << 3, "CAP_FOWNER"},
                                                 {1ULL << 4, "CAP_FSETID"},
                                                 {1ULL << 5, "CAP_KILL"},
                                                 {1ULL << 6, "CAP_SETGID"},
                                                 {1ULL << 7, "CAP_SETUID"},
                                                 {1ULL << 8, "CAP_SETPCAP"},
                                                 {1ULL << 9, "CAP_LINUX_IMMUTABLE"},
                                                 {1ULL << 10, "CAP_NET_BIND_SERVICE"},
                                                 {1ULL << 11, "CAP_NET_BROADCAST"},
                                                 {1ULL << 12, "CAP_NET_ADMIN"},
                                                 {1ULL << 13, "CAP_NET_RAW"},
                                                 {1ULL << 14, "CAP_IPC_LOCK"},
                                                 {1ULL << 15, "CAP_IPC_OWNER"},
                                                 {1ULL << 16, "CAP_SYS_MODULE"},
                                                 {1ULL << 17, "CAP_SYS_RAWIO"},
                                                 {1ULL << 18, "CAP_SYS_CHROOT"},
                                                 {1ULL << 19, "CAP_SYS_PTRACE"},
                                                 {1ULL << 20, "CAP_SYS_PACCT"},
                                                 {1ULL << 21, "CAP_SYS_ADMIN"},
                                                 {1ULL << 22, "CAP_SYS_BOOT"},
                                                 {1ULL << 23, "CAP_SYS_NICE"},
                                                 {1ULL << 24, "CAP_SYS_RESOURCE"},
                                                 {1ULL << 25, "CAP_SYS_TIME"},
                                                 {1ULL << 26, "CAP_SYS_TTY_CONFIG"},
                                                 {1ULL << 27, "CAP_MKNOD"},
                                                 {1ULL << 28, "CAP_LEASE"},
                                                 {1ULL << 29, "CAP_AUDIT_WRITE"},
                                                 {1ULL << 30, "CAP_AUDIT_CONTROL"},
                                                 {1ULL << 31, "CAP_SETFCAP"},
                                                 {1ULL << 32, "CAP_MAC_OVERRIDE"},
                                                 {1ULL << 33, "CAP_MAC_ADMIN"},
                                                 {1ULL << 34, "CAP_SYSLOG"},
                                                 {1ULL << 35, "CAP_WAKE_ALARM"},
                                                 {1ULL << 36, "CAP_BLOCK_SUSPEND"},
                                                 {1ULL << 37, "CAP_AUDIT_READ"},
                                                 {1ULL << 38, "CAP_PERFMON"},
                                                 {1ULL << 39, "CAP_BPF"},
                                                 {1ULL << 40, "CAP_CHECKPOINT_RESTORE"},
                                                 {0, NULL}};

/* execve's flags about the executable (Falco's execve_flags). */
static const struct flag_name _exe_flags[] = {{1 << 0, "EXE_WRITABLE"},
                                              {1 << 1, "EXE_UPPER_LAYER"},
                                              {1 << 2, "EXE_FROM_MEMFD"},
                                              {1 << 3, "EXE_LOWER_LAYER"},
                                              {0, NULL}};

/* Enumerations: one value, one name. */
static const struct flag_name _ptrace_requests[] = {{0, "PTRACE_TRACEME"},
                                                    {1, "PTRACE_PEEKTEXT"},
                                                    {2, "PTRACE_PEEKDATA"},
                                                    {3, "PTRACE_PEEKUSR"},
                                                    {4, "PTRACE_POKETEXT"},
                                                    {5, "PTRACE_POKEDATA"},
                                                    {6, "PTRACE_POKEUSR"},
                                                    {7, "PTRACE_CONT"},
                                                    {8, "PTRACE_KILL"},
                                                    {9, "PTRACE_SINGLESTEP"},
                                                    {12, "PTRACE_GETREGS"},
                                                    {13, "PTRACE_SETREGS"},
                                                    {14, "PTRACE_GETFPREGS"},
                                                    {15, "PTRACE_SETFPREGS"},
                                                    {16, "PTRACE_ATTACH"},
                                                    {17, "PTRACE_DETACH"},
                                                    {18, "PTRACE_GETFPXREGS"},
                                                    {19, "PTRACE_SETFPXREGS"},
                                                    {24, "PTRACE_SYSCALL"},
                                                    {25, "PTRACE_GET_THREAD_AREA"},
                                                    {26, "PTRACE_SET_THREAD_AREA"},
                                                    {30, "PTRACE_ARCH_PRCTL"},
                                                    {31, "PTRACE_SYSEMU"},
                                                    {32, "PTRACE_SYSEMU_SINGLESTEP"},
                                                    {33, "PTRACE_SINGLEBLOCK"},
                                                    {0x4200, "PTRACE_SETOPTIONS"},
                                                    {0x4201, "PTRACE_GETEVENTMSG"},
                                                    {0x4202, "PTRACE_GETSIGINFO"},
                                                    {0x4203, "PTRACE_SETSIGINFO"},
                                                    {0x4204, "PTRACE_GETREGSET"},
                                                    {0x4205, "PTRACE_SETREGSET"},
                                                    {0x4206, "PTRACE_SEIZE"},
                                                    {0x4207, "PTRACE_INTERRUPT"},
                                                    {0x4208, "PTRACE_LISTEN"},
                                                    {0x4209, "PTRACE_PEEKSIGINFO"},
                                                    {0, NULL}};

static const struct flag_name _socket_families[] = {{0, "AF_UNSPEC"},      {1, "AF_UNIX"},
                                                    {2, "AF_INET"},        {3, "AF_AX25"},
                                                    {4, "AF_IPX"},         {5, "AF_APPLETALK"},
                                                    {6, "AF_NETROM"},      {7, "AF_BRIDGE"},
                                                    {8, "AF_ATMPVC"},      {9, "AF_X25"},
                                                    {10, "AF_INET6"},      {11, "AF_ROSE"},
                                                    {12, "AF_DECnet"},     {13, "AF_NETBEUI"},
                                                    {14, "AF_SECURITY"},   {15, "AF_KEY"},
                                                    {16, "AF_NETLINK"},    {17, "AF_PACKET"},
                                                    {18, "AF_ASH"},        {19, "AF_ECONET"},
                                                    {20, "AF_ATMSVC"},     {21, "AF_RDS"},
                                                    {22, "AF_SNA"},        {23, "AF_IRDA"},
                                                    {24, "AF_PPPOX"},      {25, "AF_WANPIPE"},
                                                    {26, "AF_LLC"},        {27, "AF_IB"},
                                                    {28, "AF_MPLS"},       {29, "AF_CAN"},
                                                    {30, "AF_TIPC"},       {31, "AF_BLUETOOTH"},
                                                    {32, "AF_IUCV"},       {33, "AF_RXRPC"},
                                                    {34, "AF_ISDN"},       {35, "AF_PHONET"},
                                                    {36, "AF_IEEE802154"}, {37, "AF_CAIF"},
                                                    {38, "AF_ALG"},        {39, "AF_NFC"},
                                                    {40, "AF_VSOCK"},      {41, "AF_KCM"},
                                                    {42, "AF_QIPCRTR"},    {43, "AF_SMC"},
                                                    {44, "AF_XDP"},        {0, NULL}};

/* The character between two flag names, and whether bits without a name print as a number:
 * '|' and yes for syscall flags; capabilities are joined by spaces and unknown bits omitted. */
static char _separator(const struct flag_name *t)
{
    return t == _capabilities ? ' ' : '|';
}

/* Names of the set bits joined by the table's separator; leftover bits as a number. */
static const char *_flags(const struct flag_name *t, uint64_t v, char *buf, size_t len)
{
    const struct flag_name *table = t;
    char sep = _separator(t);
    size_t n = 0;
    buf[0] = '\0';
    uint64_t rest = v;
    /* O_RDONLY is no bit: Falco names it when neither write mode is set. */
    if (t == _open_flags && (v & 03) == 0)
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "O_RDONLY");
    for (; t->name; t++) {
        if (!t->bits || (v & t->bits) != t->bits)
            continue;
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%.*s%s", n ? 1 : 0, &sep, t->name);
        rest &= ~t->bits;
    }
    if (table != _capabilities && (rest || n == 0))
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%" PRIu64, n ? "|" : "", rest);
    return buf;
}

static const char *_enum(const struct flag_name *t, uint64_t v, char *buf, size_t len)
{
    for (; t->name; t++)
        if (t->bits == v)
            return t->name;
    snprintf(buf, len, "%" PRIu64, v);
    return buf;
}

const char *sysarg_render(const struct sysarg *a, uint64_t raw, char *buf, size_t len)
{
    return sysarg_render_kind(a->kind, raw, buf, len);
}

const char *sysarg_render_kind(enum sysarg_kind kind, uint64_t raw, char *buf, size_t len)
{
    switch (kind) {
    case SA_FD:
        snprintf(buf, len, "%d", (int32_t)raw);
        return buf;
    case SA_INT:
        snprintf(buf, len, "%" PRId64, (int64_t)raw);
        return buf;
    case SA_OPEN_FLAGS:
        return _flags(_open_flags, raw, buf, len);
    case SA_MODE:
        return _flags(_mode_flags, raw & 07777, buf, len);
    case SA_CLONE:
        return _flags(_clone_flags, raw, buf, len);
    case SA_PTRACE:
        return _enum(_ptrace_requests, raw, buf, len);
    case SA_SOCKFAM:
        return _enum(_socket_families, raw, buf, len);
    case SA_CAPS:
        return _flags(_capabilities, raw, buf, len);
    case SA_EXE_FLAGS:
        return _flags(_exe_flags, raw, buf, len);
    case SA_UINT:
    case SA_STR:
    default:
        snprintf(buf, len, "%" PRIu64, raw);
        return buf;
    }
}

const char *sysarg_errno_name(int64_t ret)
{
    /* The kernel-internal codes a raw syscall exit can show (include/linux/errno.h). */
    static const char *const internal[] = {
        "ERESTARTSYS",
        "ERESTARTNOINTR",
        "ERESTARTNOHAND",
        "ENOIOCTLCMD",
        "ERESTART_RESTARTBLOCK",
        NULL,
        NULL,
        NULL,
        NULL,
        "EBADHANDLE",
        "ENOTSYNC",
        "EBADCOOKIE",
        "ENOTSUPP",
        "ETOOSMALL",
        "ESERVERFAULT",
        "EBADTYPE",
        "EJUKEBOX",
        "EIOCBQUEUED",
        "EIOCBRETRY",
    };
    int64_t code = -ret;
    /* libsinsp names the codes up to ECANCELED (125) as the C library does, and not the
     * newer ones (ENOKEY and after). */
    if (code >= 1 && code <= 125)
        return strerrorname_np((int)code);
    if (code >= 512 && code < 512 + (int64_t)(sizeof(internal) / sizeof(internal[0])))
        return internal[code - 512];
    return NULL;
}

/* The name table of a flag or enumeration kind; NULL for numbers and strings. */
static const struct flag_name *_table(enum sysarg_kind kind, bool *is_enum)
{
    *is_enum = kind == SA_PTRACE || kind == SA_SOCKFAM;
    switch (kind) {
    case SA_OPEN_FLAGS:
        return _open_flags;
    case SA_MODE:
        return _mode_flags;
    case SA_CLONE:
        return _clone_flags;
    case SA_PTRACE:
        return _ptrace_requests;
    case SA_SOCKFAM:
        return _socket_families;
    case SA_CAPS:
        return _capabilities;
    case SA_EXE_FLAGS:
        return _exe_flags;
    default:
        return NULL;
    }
}

static bool _all_digits(const char *c, size_t len, bool sign)
{
    size_t i = sign && len && c[0] == '-' ? 1 : 0;
    if (i == len)
        return false;
    for (; i < len; i++)
        if (c[i] < '0' || c[i] > '9')
            return false;
    return true;
}

static bool _text_op(enum ast_op op, const char *s, const char *c, size_t len)
{
    size_t n = strlen(s);
    switch (op) {
    case OP_EQ:
        return n == len && memcmp(s, c, len) == 0;
    case OP_STARTSWITH:
        return n >= len && memcmp(s, c, len) == 0;
    case OP_ENDSWITH:
        return n >= len && memcmp(s + n - len, c, len) == 0;
    case OP_CONTAINS:
        return len == 0 || memmem(s, n, c, len) != NULL;
    default:
        return false;
    }
}

static int _add(struct sysarg_term *terms, size_t max, size_t *n, uint64_t mask, uint64_t bits)
{
    if (*n == max)
        return -1;
    terms[(*n)++] = (struct sysarg_term){mask, bits};
    return 0;
}

/* Numbers print in decimal: only = with a number decides them, other text never matches. */
static int _number_terms(enum sysarg_kind kind, enum ast_op op, const char *c, size_t len,
                         struct sysarg_term *terms, size_t max)
{
    size_t n = 0;
    bool sign = kind != SA_UINT;
    if (op != OP_EQ)
        return _all_digits(c, len, sign) || len == 0 || (sign && len == 1 && c[0] == '-') ? -1 : 0;
    uint64_t v;
    if (!_all_digits(c, len, sign) || len > 20 || number_parse(c, len, sign, &v) < 0)
        return 0;
    if (kind == SA_FD) { /* printed as a 32-bit int */
        int64_t fd = (int64_t)v;
        if (fd < INT32_MIN || fd > INT32_MAX)
            return 0;
        return _add(terms, max, &n, 0xffffffffULL, (uint32_t)(int32_t)fd) < 0 ? -1 : (int)n;
    }
    /* Leading zeros or "-0" do not print back as written. */
    char back[24];
    int blen = snprintf(back, sizeof(back), sign ? "%" PRId64 : "%" PRIu64, v);
    if (blen < 0 || (size_t)blen != len || memcmp(back, c, len) != 0)
        return 0;
    return _add(terms, max, &n, ~0ULL, v) < 0 ? -1 : (int)n;
}

int sysarg_terms(enum sysarg_kind kind, enum ast_op op, const char *c, size_t len,
                 struct sysarg_term *terms, size_t max)
{
    if (memchr(c, '\0', len))
        return -1;
    if (op != OP_EQ && op != OP_CONTAINS && op != OP_STARTSWITH && op != OP_ENDSWITH)
        return -1;
    if (kind == SA_INT || kind == SA_UINT || kind == SA_FD)
        return _number_terms(kind, op, c, len, terms, max);
    bool is_enum;
    const struct flag_name *t = _table(kind, &is_enum);
    if (!t)
        return -1;
    size_t n = 0;
    if (is_enum) {
        /* One name, or the number when it has none. */
        bool named = false;
        for (const struct flag_name *f = t; f->name; f++)
            if (_text_op(op, f->name, c, len)) {
                named = true;
                if (_add(terms, max, &n, ~0ULL, f->bits) < 0)
                    return -1;
            }
        if (op == OP_EQ && !named && _all_digits(c, len, false)) {
            int k = _number_terms(SA_UINT, op, c, len, terms + n, max - n);
            if (k < 0)
                return -1;
            /* A value with a name prints its name, not this number. */
            for (const struct flag_name *f = t; f->name && k; f++)
                if (f->bits == terms[n].bits)
                    k = 0;
            n += (size_t)k;
        } else if (op != OP_EQ && (len == 0 || _all_digits(c, len, false))) {
            return -1; /* a number's digits could match */
        }
        return (int)n;
    }
    /* Flags: names joined by the separator. A constant without it can only match inside one
     * name; digits could match the leftover bits printed as a number. */
    if (op != OP_CONTAINS || memchr(c, _separator(t), len) || _all_digits(c, len, false))
        return -1;
    if (len == 0)
        return _add(terms, max, &n, 0, 0) < 0 ? -1 : (int)n;
    if (t == _open_flags && _text_op(op, "O_RDONLY", c, len) && _add(terms, max, &n, 03, 0) < 0)
        return -1;
    for (const struct flag_name *f = t; f->name; f++)
        if (_text_op(op, f->name, c, len) && _add(terms, max, &n, f->bits, f->bits) < 0)
            return -1;
    return (int)n;
}

uint64_t sysarg_example(enum sysarg_kind kind, unsigned r)
{
    bool is_enum;
    const struct flag_name *t = _table(kind, &is_enum);
    if (!t)
        return r % 4 == 0 ? (uint64_t)-100 : r % 7;
    size_t n = 0;
    while (t[n].name)
        n++;
    uint64_t v = t[r % n].bits;
    if (!is_enum && r % 3 == 0)
        v |= t[(r / 3) % n].bits;
    return v;
}
