#include "compiler/front.h"

#include "compiler/check.h"
#include "compiler/load.h"
#include "compiler/lower.h"
#include "compiler/resolve.h"
#include "compiler/split.h"

/* Each pass runs even after an earlier one reported errors, so one lint
 * run shows every problem it can find; passes skip items that failed. */
static int _after_load(struct ruleset *rs, int load_rc, struct diag_list *diags)
{
    int rc = load_rc;
    if (resolve_ruleset(rs, diags) < 0)
        rc = -1;
    if (check_ruleset(rs, diags) < 0)
        rc = -1;
    if (lower_ruleset(rs, diags) < 0)
        rc = -1;
    if (split_ruleset(rs, diags) < 0)
        rc = -1;
    diag_sort(diags);
    return rc;
}

int front_run(struct ruleset *rs, const char *const *paths, size_t npaths, struct diag_list *diags)
{
    int rc = ruleset_load_files(rs, paths, npaths, diags);
    return _after_load(rs, rc, diags);
}

int front_run_buffer(struct ruleset *rs, const char *name, const char *text, size_t len,
                     struct diag_list *diags)
{
    int rc = ruleset_load_buffer(rs, name, text, len, diags);
    return _after_load(rs, rc, diags);
}
