/* What lint and compile share on their command line: --format and
 * --strict, and where the diagnostics go. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "runtime/config.h"

static int _diag_format(const char *name, enum diag_format *out)
{
    static const struct {
        const char *name;
        enum diag_format format;
    } formats[] = {
        {"text", DIAG_FORMAT_TEXT},
        {"json", DIAG_FORMAT_JSON},
        {"sarif", DIAG_FORMAT_SARIF},
    };
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return 0;
        }
    return -1;
}

int cli_diag_option(const char *cmd, int opt, const char *arg, struct cli_diag_opts *o)
{
    switch (opt) {
    case 'f':
        if (_diag_format(arg, &o->format) < 0) {
            fprintf(stderr, "rulec %s: unknown format '%s' (text, json, sarif)\n", cmd, arg);
            return -1;
        }
        return 1;
    case 's':
        o->strict = true;
        return 1;
    default:
        return 0;
    }
}

void cli_diag_print(const struct cli_diag_opts *o, const struct diag_list *diags)
{
    /* Text diagnostics go to stderr like a compiler's; JSON and SARIF are
     * the command's output and go to stdout for tools to read. */
    diag_print(o->format == DIAG_FORMAT_TEXT ? stderr : stdout, diags, o->format);
}

static bool _add(char ***files, size_t *n, const char *path)
{
    char **f = realloc(*files, (*n + 2) * sizeof(*f));
    if (!f)
        return false;
    *files = f;
    f[*n] = strdup(path);
    f[*n + 1] = NULL;
    return f[(*n)++] != NULL;
}

static int _cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A rules_files entry: the file, or the directory's *.yaml and *.yml files in name order. */
static int _expand(const char *cmd, const char *path, char ***files, size_t *n)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "rulec %s: rules_files: cannot read %s: %m\n", cmd, path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return _add(files, n, path) ? 0 : -1;
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "rulec %s: rules_files: cannot read %s: %m\n", cmd, path);
        return -1;
    }
    size_t first = *n;
    for (struct dirent *de; (de = readdir(d));) {
        size_t len = strlen(de->d_name);
        bool yaml = (len > 5 && !strcmp(de->d_name + len - 5, ".yaml")) ||
                    (len > 4 && !strcmp(de->d_name + len - 4, ".yml"));
        char full[4096];
        snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
        if (yaml && de->d_name[0] != '.' && !_add(files, n, full)) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    qsort(*files + first, *n - first, sizeof(**files), _cmp);
    return 0;
}

char **cli_rules_files(const char *cmd, const char *config, char **argv, int argc, size_t *n)
{
    char **files = NULL;
    *n = 0;
    if (argc > 0 || !config) {
        for (int i = 0; i < argc; i++)
            if (!_add(&files, n, argv[i]))
                goto fail;
        if (!files)
            files = calloc(1, sizeof(*files));
        return files;
    }
    struct rulec_config cfg;
    config_init(&cfg);
    struct diag_list diags = {0};
    int rc = config_load(&cfg, config, &diags);
    diag_print(stderr, &diags, DIAG_FORMAT_TEXT);
    diag_list_free(&diags);
    for (size_t i = 0; rc == 0 && i < cfg.rules_files.n; i++)
        rc = _expand(cmd, cfg.rules_files.items[i], &files, n);
    config_free(&cfg);
    if (rc == 0 && !*n)
        fprintf(stderr, "rulec %s: %s has no rules_files\n", cmd, config);
    if (rc == 0 && *n)
        return files;
fail:
    cli_rules_files_free(files);
    return NULL;
}

void cli_rules_files_free(char **files)
{
    for (size_t i = 0; files && files[i]; i++)
        free(files[i]);
    free(files);
}
