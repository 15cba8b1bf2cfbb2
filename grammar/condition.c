/* condition_parse: runs the flex scanner and the bison parser over one
 * condition and owns their state, which is freed before returning on every
 * path (the AST itself lives in the caller's arena). */
#include "grammar/condition.h"

#include <stdint.h>

#include "grammar/cond_internal.h"
#include "grammar/parser.h"

#define YYSTYPE COND_STYPE
#define YYLTYPE struct cond_loc
#include "grammar/lexer.h"

struct ast_node *condition_parse(struct arena *arena, const char *text, size_t len,
                                 const struct text_map *map, struct diag_list *diags)
{
    /* Scanner and parser state lives only as long as this call. */
    struct cond_ctx ctx = {
        .arena = arena,
        .text = text,
        .len = len,
        .map = map,
        .diags = diags,
        .cur = {SIZE_MAX, SIZE_MAX},
        .prev = {SIZE_MAX, SIZE_MAX},
    };

    size_t i = 0;
    while (i < len && cond_is_blank(text[i]))
        i++;
    if (i == len) {
        cond_fail(&ctx, 0, "empty condition");
        return NULL;
    }
    /* flex takes an int length; positions are 32-bit offsets. */
    if (len > INT32_MAX - 2) {
        cond_fail(&ctx, 0, "condition too long");
        return NULL;
    }

    yyscan_t scanner;
    if (cond_lex_init_extra(&ctx, &scanner) != 0) {
        cond_fail(&ctx, 0, "cannot start the condition scanner");
        return NULL;
    }
    YY_BUFFER_STATE buf = cond__scan_bytes(text, (int)len, scanner);
    int rc = cond_parse(scanner, &ctx);
    cond__delete_buffer(buf, scanner);
    cond_lex_destroy(scanner);

    if (rc != 0 || ctx.failed || !ctx.result) {
        /* Only bison's own stack exhaustion (rc 2) reaches here unreported. */
        cond_fail(&ctx, 0, "condition too complex");
        return NULL;
    }
    return ctx.result;
}
