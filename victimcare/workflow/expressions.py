"""The restricted evaluator for BPMN expressions (gateway conditions, timer values,
service-task parameters).

SpiffWorkflow's default evaluates with ``eval`` over everything, which runs arbitrary code
(../shared/SPIFFWORKFLOW.md §3). Here an expression is parsed and checked against a small
whitelist of syntax before it is compiled: literals, names of task data, comparisons, boolean
logic, arithmetic, subscripts, and calls to the named functions below. No attribute access, no
lambdas, comprehensions or walrus, no names starting with an underscore, and no builtins.
Every expression is checked when the BPMN files load, so a hostile one stops start-up.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache

ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.Compare, ast.Eq, ast.NotEq,
    ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Constant,
    ast.Name, ast.Load, ast.Subscript, ast.List, ast.Tuple, ast.IfExp, ast.Call,
    ast.JoinedStr, ast.FormattedValue,
)


class ExpressionError(ValueError):
    """An expression uses something the evaluator does not allow."""


def _parse_time(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ExpressionError(f"a time without a zone is ambiguous: {value!r}")
    return moment.astimezone(UTC)


def hours_after(start: str, hours: float) -> str:
    """ISO time ``hours`` after ``start``: a timer date such as the 72-hour deadline."""
    return (_parse_time(start) + timedelta(hours=hours)).isoformat()


def days_after(start: str, days: float) -> str:
    return (_parse_time(start) + timedelta(days=days)).isoformat()


def hours_before(end: str, hours: float) -> str:
    """ISO time ``hours`` before ``end``: a warning timer ahead of a deadline."""
    return (_parse_time(end) - timedelta(hours=hours)).isoformat()


def duration_hours(hours: float) -> str:
    """An ISO 8601 duration for a timer: ``duration_hours(24)`` is ``"PT24H"``."""
    return f"PT{float(hours):g}H"


#: The only functions an expression may call.
FUNCTIONS: dict[str, Callable] = {
    "hours_after": hours_after,
    "days_after": days_after,
    "hours_before": hours_before,
    "duration_hours": duration_hours,
    "len": len,
    "str": str,
}


@lru_cache(maxsize=4096)
def compile_expression(expression: str):
    """Check ``expression`` against the whitelist and compile it (cached)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression: {expression!r}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            raise ExpressionError(
                f"{type(node).__name__} is not allowed in an expression: {expression!r}")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"names starting with _ are not allowed: {expression!r}")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
        ):
            raise ExpressionError(f"only the named functions may be called: {expression!r}")
        if isinstance(node, ast.Call) and node.keywords:
            raise ExpressionError(f"keyword arguments are not allowed: {expression!r}")
    return compile(tree, "<bpmn expression>", "eval")


def evaluate(expression: str, data: dict) -> object:
    code = compile_expression(expression)
    scope = {"__builtins__": {}, **FUNCTIONS}
    variables = {k: v for k, v in data.items() if not k.startswith("_")}
    return eval(code, scope, variables)  # noqa: S307 - checked against the whitelist above
