"""The static half of "forbidden": read the submission's source (never import it) for forbidden calls.

course.yml lists dotted names per exercise (`torch.nn.functional.conv1d`, `numpy.convolve`,
`numpy.lib.stride_tricks.*`, `scipy.signal.*`). A name is found through every static route:
the public name, an import alias (`import torch.nn.functional as F; F.conv1d`), a from-import,
an assignment (`c = F.conv1d`), a literal getattr, and its torch twins (`torch.conv1d`,
`torch.ops.aten.conv1d`, `torch._C._VariableFunctions.conv1d`). Routes a reader cannot follow
are findings too, when the exercise forbids anything: `getattr` with a computed name on a
module that holds forbidden names, `__import__`, `importlib`, `eval`/`exec`.

Findings name file and line; by_function() says which of the submission's functions each one
touches (a helper's finding reaches its callers; a module-level one reaches the functions that
use what it binds, or every function when it binds nothing).
"""
from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from typing import Iterable, Sequence

DYNAMIC_CALLS = {"__import__": "imports a module by a name built at run time",
                 "eval": "runs code built at run time", "exec": "runs code built at run time"}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    name: str  # the forbidden name reached, or the dynamic route
    why: str
    function: str | None  # the top-level def it is in; None at module level
    binds: tuple[str, ...] = ()  # module level: the names the statement binds

    def message(self) -> str:
        return f"{self.file}:{self.line}: {self.why}"


def patterns(forbidden: Sequence[str]) -> list[str]:
    """Every dotted pattern a forbidden entry stands for, torch twins included."""
    out = []
    for name in forbidden:
        base = name[:-2] if name.endswith(".*") else name
        out += [base, base + ".*"]
        op = base.rsplit(".", 1)[-1]
        if base.startswith("torch.") and "*" not in op and not base.startswith("torch.Tensor."):
            out += [f"torch.ops.aten.{op}", f"torch.ops.aten.{op}.*", f"torch._C._VariableFunctions.{op}",
                    f"torch._VF.{op}"]
            if base.startswith("torch.nn.functional."):
                out.append(f"torch.{op}")
    return list(dict.fromkeys(out))


def is_forbidden(path: str, pats: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in pats)


def holds_forbidden(path: str, pats: Sequence[str]) -> bool:
    """A module or namespace through which a forbidden name can be reached by attribute."""
    return any(p.startswith(path + ".") for p in pats)


def scan(text: str, forbidden: Sequence[str], *, filename: str = "submission.py") -> list[Finding]:
    """Findings in one file's source. A syntax error yields none (the import reports it)."""
    if not forbidden:
        return []
    try:
        tree = ast.parse(text, filename=filename)
    except (SyntaxError, ValueError):
        return []
    pats = patterns(forbidden)
    aliases = _aliases(tree)
    findings: list[Finding] = []
    for stmt in tree.body:
        function = stmt.name if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        binds = () if function else tuple(_bound_names(stmt))
        for line, name, why in _visit(stmt, aliases, pats):
            findings.append(Finding(filename, line, name, why, function, binds))
    return sorted(set(findings), key=lambda f: (f.line, f.name))


def by_function(findings: Iterable[Finding], functions: Iterable[str], text: str) -> dict[str, Finding]:
    """The first finding that touches each named function, following references between top-level names."""
    findings = list(findings)
    if not findings:
        return {}
    tainted: dict[str, Finding] = {}
    everywhere = next((f for f in findings if f.function is None and not f.binds), None)
    for f in findings:
        for name in ((f.function,) if f.function else f.binds):
            tainted.setdefault(name, f)
    refs = _top_level_refs(ast.parse(text))
    changed = True
    while changed:  # a function that uses a tainted name is tainted
        changed = False
        for name, used in refs.items():
            if name not in tainted:
                hit = next((tainted[u] for u in sorted(used) if u in tainted), None)
                if hit is not None:
                    tainted[name] = hit
                    changed = True
    out = {}
    for fn in functions:
        hit = tainted.get(fn) or everywhere
        if hit is not None:
            out[fn] = hit
    return out


def _top_level_refs(tree: ast.Module) -> dict[str, set[str]]:
    refs: dict[str, set[str]] = {}
    for stmt in tree.body:
        names = [stmt.name] if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
            else list(_bound_names(stmt))
        used = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for name in names:
            refs.setdefault(name, set()).update(used - {name})
    return refs


def _bound_names(stmt: ast.stmt) -> Iterable[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield stmt.name
    elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for a in stmt.names:
            yield (a.asname or a.name).split(".")[0]
    else:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                yield node.id


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted path, from imports and simple assignments anywhere in the file."""
    aliases: dict[str, str] = {}
    for _ in range(3):  # assignments of assignments settle in a few passes
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                path = _path(node.value, aliases)
                if path is not None:
                    aliases[node.targets[0].id] = path
    return aliases


def _path(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted path an expression names: F.conv1d -> torch.nn.functional.conv1d; getattr(F, "x")."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _path(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
        base = _path(node.args[0], aliases)
        return f"{base}.{node.args[1].value}" if base else None
    return None


def _visit(stmt: ast.stmt, aliases: dict[str, str], pats: list[str]):
    """(line, name, why) for each forbidden route in one top-level statement."""
    inner: set[int] = set()  # attribute nodes inside a chain already judged as a whole
    for node in ast.walk(stmt):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from _imports(node, pats)
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in DYNAMIC_CALLS:
                yield node.lineno, node.func.id, f"{node.func.id}() {DYNAMIC_CALLS[node.func.id]}, which is not allowed here"
            elif node.func.id == "getattr" and len(node.args) >= 2 and not (
                    isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                base = _path(node.args[0], aliases)
                if base and (holds_forbidden(base, pats) or is_forbidden(base, pats)):
                    yield node.lineno, base, (f"getattr({base}, <a name built at run time>) could reach a "
                                              f"forbidden function, which is not allowed here")
        if isinstance(node, (ast.Attribute, ast.Name, ast.Call)) and id(node) not in inner:
            path = _path(node, aliases) if not isinstance(node, ast.Name) or isinstance(node.ctx, ast.Load) else None
            if path is None:
                continue
            if path.split(".")[0] == "importlib":
                yield node.lineno, "importlib", "importlib imports modules by names built at run time, which is not allowed here"
            elif is_forbidden(path, pats):
                yield node.lineno, path, f"uses {path}, which is not allowed in this exercise"
            else:
                continue
            for sub in ast.walk(node):  # one finding per chain
                inner.add(id(sub))


def _imports(node, pats: list[str]):
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif node.module and node.level == 0:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    else:
        return
    for path in names:
        if path.split(".")[0] == "importlib":
            yield node.lineno, "importlib", "importlib imports modules by names built at run time, which is not allowed here"
            return
        if is_forbidden(path, pats):
            yield node.lineno, path, f"imports {path}, which is not allowed in this exercise"
            return
