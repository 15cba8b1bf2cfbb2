/* Ordering: the kernel evaluates each rule's lowered condition with Kleene
 * logic and short circuit, so the order of the operands of AND and OR
 * decides what an event costs, not what it yields (both are commutative in
 * three-valued logic too). This pass returns a copy of a condition whose
 * operands are sorted so that the cheapest test most likely to decide comes
 * first: an AND stops at its first "no", an OR at its first "yes", and a
 * field read by an earlier test costs nothing more (slots are filled once
 * per event). Atoms the kernel cannot decide ("maybe") go last: they decide
 * nothing and read nothing. */
#pragma once

#include "core/arena.h"
#include "core/ast.h"

/* The estimated cost (ns) of evaluating one comparison in the kernel, its
 * field's read included; 0 for those the kernel leaves to userspace. */
double order_atom_cost(const struct ast_node *cmp);

/* A copy of cond (in arena) with the operands of every AND and OR sorted by
 * expected cost; the order is deterministic (ties keep the written order). */
struct ast_node *order_condition(struct arena *arena, const struct ast_node *cond);
