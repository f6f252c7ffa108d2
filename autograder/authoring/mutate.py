"""First-order mutants of a reference solution: one small edit each, inside its solution markers.

The edits model a learner's slips: an operator swapped (`//` for `/`, `<` for `<=`), a constant or
an index off by one (`s[0]` for `s[1]`), a term or a factor dropped (dilation ignored), two
arguments or two tuple items swapped, a check dropped (`if ...: raise` never taken), a branch
always or never taken, a variable replaced by a neighbour of the same function (the height's
stride for the width's), ValueError replaced by another exception, `range(n)` one short, an
in-place method (`transpose_`) or `+=` that changes the caller's tensor.

Each edit is a splice of the original text (every byte outside the edited expression is kept),
so a mutant is the reference with one expression or statement changed, and it still compiles.
The order is deterministic: by position in the file, then by operator.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

BEGIN = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")

_ARITH = {ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Add, ast.FloorDiv), ast.FloorDiv: (ast.Div, ast.Mult),
          ast.Div: (ast.FloorDiv,), ast.Mod: (ast.FloorDiv,), ast.Pow: (ast.Mult,)}
_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
# methods whose in-place twin changes the caller's tensor
_IN_PLACE = frozenset({"transpose", "add", "sub", "mul", "div", "clamp", "unsqueeze", "squeeze", "t", "neg", "abs",
                       "sqrt"})
# pairs of names a learner confuses: the height's for the width's, the left's for the right's
_PARTNER_CHARS = {frozenset("hw"), frozenset("xy"), frozenset("HW")}
_PARTNER_WORDS = {frozenset({"height", "width"}), frozenset({"left", "right"}), frozenset({"before", "after"}),
                  frozenset({"in", "out"}), frozenset({"top", "bottom"}), frozenset({"row", "col"})}
_ATOMS = (ast.Name, ast.Constant, ast.Subscript, ast.Call, ast.Attribute, ast.Tuple, ast.List)


@dataclass(frozen=True)
class Mutant:
    """`id` is short and stable while the reference's text is (exercise/L<line>-<operator><n>)."""

    id: str
    exercise: str
    function: str
    line: int
    operator: str
    description: str  # one line: "line 42: s[1] -> s[0]"
    source: str  # the whole mutated file


@dataclass(frozen=True)
class _Edit:
    start: int  # byte offsets in the source
    end: int
    text: str
    operator: str
    node: ast.AST  # what was edited
    shown: ast.AST  # what the description shows (the edited node or a short expression around it)


def reference(course, name: str) -> tuple[Path, str]:
    """The reference solution of an exercise: its path and text. The one place that knows where it is."""
    from autograder.authoring.stubs import solution_text

    ex = course.exercise(name)
    return course.solution_path(ex.name), solution_text(course, ex)


def marker_lines(text: str) -> list[tuple[int, int]]:
    """(begin, end) line numbers of each BEGIN/END SOLUTION pair (the marker lines themselves)."""
    blocks, begin = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if BEGIN.match(line):
            begin = number
        elif END.match(line) and begin is not None:
            blocks.append((begin, number))
            begin = None
    return blocks


def generate(text: str, exercise: str) -> list[Mutant]:
    """Every first-order mutant of `text` inside its solution markers, in a fixed order, each
    compiling and each different from the reference and from the others."""
    tree = ast.parse(text)
    raw = text.encode("utf-8")
    starts = [0]
    for line in raw.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    blocks = marker_lines(text)

    def inside(node: ast.AST) -> bool:
        return any(b < node.lineno and node.end_lineno < e for b, e in blocks)

    def offset(line: int, col: int) -> int:
        return starts[line - 1] + col

    def span(node: ast.AST) -> tuple[int, int]:
        return offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)

    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    edits: list[_Edit] = []
    for function in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        scope = _Scope(function)
        for node in ast.walk(function):
            if node is function or not hasattr(node, "lineno") or not inside(node) or _quiet(node, parents):
                continue
            if _owner(node, parents) is not function:
                continue
            for target, new, operator in _replacements(node, parents, scope):
                a, b = span(target)
                edits.append(_Edit(a, b, new, operator, node, _shown(target, parents)))

    mutants: list[Mutant] = []
    seen = {text}
    counters: dict[tuple[int, str], int] = {}
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.operator, e.text)):
        source = (raw[:edit.start] + edit.text.encode("utf-8") + raw[edit.end:]).decode("utf-8")
        if source in seen:
            continue
        try:
            compile(source, f"<{exercise} mutant>", "exec")
        except SyntaxError:
            continue
        seen.add(source)
        line = edit.node.lineno
        n = counters[(line, edit.operator)] = counters.get((line, edit.operator), 0) + 1
        function = _owner(edit.node, parents).name
        a, b = span(edit.shown)
        before = raw[a:b].decode("utf-8")
        after = (raw[a:edit.start] + edit.text.encode("utf-8") + raw[edit.end:b]).decode("utf-8")
        mutants.append(Mutant(f"{exercise}/L{line}-{edit.operator}{n}", exercise, function, line, edit.operator,
                              f"line {line}: {_short(before)} -> {_short(after)}", source))
    return mutants


class _Scope:
    """A function's local names (parameters first, then in order of first assignment), with the
    line where each is first bound."""

    def __init__(self, function: ast.FunctionDef):
        args = function.args
        self.bound: dict[str, int] = {}
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            self.bound.setdefault(a.arg, function.lineno)
        stores = [n for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
        for n in sorted(stores, key=lambda n: (n.lineno, n.col_offset)):
            self.bound.setdefault(n.id, n.lineno)
        self.order = list(self.bound)

    def neighbours(self, name: str, line: int) -> list[str]:
        """Names bound before `line`: its partners (`sw` for `sh`), and the one bound just before it."""
        if name not in self.bound:
            return []
        usable = [n for n in self.order if self.bound[n] < line or n == name]
        i = usable.index(name)
        near = [usable[i - 1]] if i > 0 else []
        partners = [n for n in usable if n != name and _partners(name, n)]
        return list(dict.fromkeys(partners + near))


def _partners(a: str, b: str) -> bool:
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        if len(diff) == 1 and frozenset(diff[0]) in _PARTNER_CHARS:
            return True
    wa, wb = a.split("_"), b.split("_")
    if len(wa) == len(wb):
        diff = [(x, y) for x, y in zip(wa, wb) if x != y]
        return len(diff) == 1 and (frozenset(diff[0]) in _PARTNER_WORDS or frozenset(diff[0]) in _PARTNER_CHARS)
    return False


def _owner(node: ast.AST, parents) -> ast.AST | None:
    """The innermost function around a node."""
    node = parents.get(node)
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node = parents.get(node)
    return node


def _quiet(node: ast.AST, parents) -> bool:
    """Nodes whose edits teach nothing: messages (f-strings, a raised exception's arguments),
    docstrings, and the names a statement binds."""
    up = node
    while up is not None:
        if isinstance(up, ast.JoinedStr):
            return True
        p = parents.get(up)
        if isinstance(p, ast.Call) and up is not p.func and isinstance(parents.get(p), ast.Raise):
            return True
        up = p
    return isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)


def _shown(node: ast.AST, parents) -> ast.AST:
    """A short expression around a small node, so that `1` reads as `s[1]`."""
    if isinstance(node, (ast.Constant, ast.Name, ast.UnaryOp)):
        p = parents.get(node)
        if isinstance(p, ast.expr) and len(ast.unparse(p)) <= 40:
            return p
    return node


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 48 else text[:45] + "..."


def _paren(node: ast.AST, parent: ast.AST | None = None) -> str:
    """The node's text, in parentheses unless it is an atom (or a number outside an operation)."""
    text = ast.unparse(node)
    if isinstance(node, _ATOMS) or isinstance(node, ast.stmt):
        return text
    if isinstance(node, ast.UnaryOp) and not isinstance(parent, (ast.BinOp, ast.UnaryOp, ast.Attribute)):
        return text
    return f"({text})"


def _int_value(node: ast.AST) -> int | float | None:
    """The number a constant (or a negated constant) stands for; None if it is not a plain number."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) and float(node.value).is_integer():
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) in (int, float) and float(node.operand.value).is_integer()):
        return -node.operand.value
    return None


def _number(value) -> ast.expr:
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _replacements(node: ast.AST, parents, scope: _Scope) -> Iterator[tuple[ast.AST, str, str]]:
    """(node whose text is replaced, replacement text, operator) for every mutant of one node."""
    if isinstance(node, ast.If):  # only the test is replaced: the body keeps its text
        raises = isinstance(node.body[-1], ast.Raise)
        for value in ((False,) if raises else (False, True)):
            yield node.test, str(value), "check" if raises else "branch"
    elif isinstance(node, ast.Raise):
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(exc, ast.Name) and exc.id == "ValueError":
            yield exc, "RuntimeError", "raise"
    elif isinstance(node, ast.stmt) and node.end_lineno != node.lineno:
        return  # other statements are rewritten whole: one line only, so indentation is kept
    for new, operator in _expression_replacements(node, parents, scope):
        yield node, new, operator


def _expression_replacements(node: ast.AST, parents, scope: _Scope) -> Iterator[tuple[str, str]]:
    """(replacement text, operator) for every mutant of one node, replaced whole."""
    parent = parents.get(node)
    if isinstance(node, ast.BinOp):
        for op in _ARITH.get(type(node.op), ()):
            yield _paren(ast.BinOp(node.left, op(), node.right)), "op"
        if isinstance(node.op, (ast.Add, ast.Sub)):  # a term dropped
            yield _paren(node.left), "term"
            if isinstance(node.op, ast.Add):
                yield _paren(node.right), "term"
        if isinstance(node.op, ast.Mult):  # a factor dropped (dilation ignored)
            yield _paren(node.left), "factor"
            yield _paren(node.right), "factor"
    elif isinstance(node, ast.AugAssign):
        for op in _ARITH.get(type(node.op), ())[:1]:
            yield ast.unparse(ast.AugAssign(node.target, op(), node.value)), "op"
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                ops = list(node.ops)
                ops[i] = _COMPARE[type(op)]()
                yield _paren(ast.Compare(node.left, ops, node.comparators)), "cmp"
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield _paren(ast.BoolOp(other, node.values)), "bool"
        for i in range(len(node.values)):  # one condition dropped
            rest = node.values[:i] + node.values[i + 1:]
            yield _paren(rest[0] if len(rest) == 1 else ast.BoolOp(node.op, rest)), "bool"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield _paren(node.operand), "not"
    if _int_value(node) is not None and not (isinstance(node, ast.Constant) and _int_value(parent) is not None):
        value = _int_value(node)
        operator = "index" if _in_index(node, parents) else "const"
        for new in (value + 1, value - 1):
            yield _paren(_number(type(value)(new)), parent), operator
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and not (
            isinstance(parent, ast.Call) and parent.func is node):
        for other in scope.neighbours(node.id, node.lineno):
            yield other, "var"
    if isinstance(node, ast.Call):
        yield from _call_replacements(node)
    if isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Load) and not any(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):  # not ("name", value)
        for i in range(len(node.elts) - 1):
            elts = list(node.elts)
            if ast.dump(elts[i]) != ast.dump(elts[i + 1]):
                elts[i], elts[i + 1] = elts[i + 1], elts[i]
                yield _paren(ast.Tuple(elts, ast.Load())), "swap"
    if isinstance(node, ast.IfExp):
        for value in (True, False):
            yield _paren(ast.IfExp(ast.Constant(value), node.body, node.orelse)), "branch"
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
            and isinstance(node.value, ast.BinOp) and isinstance(node.value.left, ast.Name) \
            and node.value.left.id == node.targets[0].id and type(node.value.op) in (ast.Add, ast.Sub, ast.Mult):
        # `out = out + b` written `out += b`: in place, on whatever `out` aliases
        yield ast.unparse(ast.AugAssign(node.targets[0], node.value.op, node.value.right)), "inplace"


def _call_replacements(node: ast.Call) -> Iterator[tuple[str, str]]:
    func = node.func
    if isinstance(func, ast.Name) and func.id == "range" and node.args:  # one iteration short
        args = list(node.args)
        args[-1] = ast.BinOp(args[-1], ast.Sub(), ast.Constant(1))
        yield ast.unparse(ast.Call(func, args, node.keywords)), "range"
    if len(node.args) >= 2 and not any(isinstance(a, (ast.Starred, ast.JoinedStr)) or (
            isinstance(a, ast.Constant) and isinstance(a.value, str)) for a in node.args) and not (
            isinstance(func, ast.Name) and func.id == "isinstance"):
        for i in range(len(node.args) - 1):
            args = list(node.args)
            if ast.dump(args[i]) != ast.dump(args[i + 1]):  # f(p, p) swapped is f(p, p)
                args[i], args[i + 1] = args[i + 1], args[i]
                yield ast.unparse(ast.Call(func, args, node.keywords)), "args"
    if isinstance(func, ast.Attribute) and func.attr in _IN_PLACE:
        yield ast.unparse(ast.Call(ast.Attribute(func.value, func.attr + "_", ast.Load()), node.args,
                                   node.keywords)), "inplace"
    if isinstance(func, ast.Name) and func.id.startswith("_") and node.args:  # a checking helper bypassed
        for a in node.args:
            if isinstance(a, ast.Name):
                yield a.id, "check"
                break


def _in_index(node: ast.AST, parents) -> bool:
    up = parents.get(node)
    child = node
    while isinstance(up, (ast.Tuple, ast.Slice, ast.UnaryOp, ast.BinOp)):
        child, up = up, parents.get(up)
    return isinstance(up, ast.Subscript) and up.slice is child
