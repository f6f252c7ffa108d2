"""The static policy: what a graded file may touch at all, read from its source (never run).

Forbidden *calls* are refused at run time where every route meets (sandbox/guard.py: the torch
dispatcher, numpy by name). That guard lives in the student's own process, so this policy keeps
the routes that could undo it, or hide from it, out of the file altogether, module level included
(module-level code runs before any guard is armed):

- imports only from ALLOWED_IMPORTS (torch, numpy and a few pure-Python stdlib modules) and the
  student's own exercise files; nothing private (`torch._C`), nothing in DENIED (code loaders,
  compilers, dispatch bypasses: torch.jit, torch.library, torch.utils, torch.load, numpy.ctypeslib);
- no private (`_x`) or dunder attribute (but `.__name__` and `super().__init__`), on anything:
  `self` too, since an unbound method can be handed a module as `self`; no dunder name but
  `__name__`, no dunder method beyond ORDINARY_DUNDERS;
- no getattr/setattr/vars/globals/eval/exec/compile/open/... (BANNED_BUILTINS), no three-argument
  type(), no frame or generator introspection, no string annotations (typing evaluates them);
- no assignment to an attribute of an imported module (`torch.nn.functional.conv1d = ...`).

The body of `if __name__ == "__main__":` never runs under the grader and is not read.
A violation makes every graded function of the file `forbidden`; check() returns the first, with
file, line and a one-line reason that says what to do instead. Nesting too deep to read is a
finding too, never a traceback.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator, Mapping

from autograder.judging.unreachable import refused_names

ALLOWED_IMPORTS = ("torch", "numpy", "math", "cmath", "itertools", "functools", "typing", "collections",
                   "numbers", "random", "__future__")
RUNS_CODE = "can load or run code the grader cannot check"
DENIED = {
    "torch.utils": RUNS_CODE, "torch.jit": RUNS_CODE, "torch.compile": RUNS_CODE, "torch.compiler": RUNS_CODE,
    "torch.fx": RUNS_CODE, "torch.export": RUNS_CODE, "torch.onnx": RUNS_CODE, "torch.package": RUNS_CODE,
    "torch.hub": RUNS_CODE, "torch.load": RUNS_CODE, "torch.serialization": RUNS_CODE,
    "torch.classes": RUNS_CODE, "torch.profiler": RUNS_CODE,
    "torch.library": "changes torch's operators", "torch.overrides": "changes how torch dispatches calls",
    "torch.multiprocessing": "starts other processes", "torch.distributed": "starts other processes",
    "numpy.ctypeslib": RUNS_CODE, "numpy.load": RUNS_CODE, "numpy.lib.format": RUNS_CODE,
    "numpy.lib.npyio": RUNS_CODE, "numpy.f2py": RUNS_CODE, "numpy.distutils": RUNS_CODE,
    "numpy.testing": RUNS_CODE, "numpy.core": "is numpy's private core under an old name",
    "numpy.DataSource": "opens files",
}
# attribute names refused on anything: loaders, dispatcher bypasses, frames, evaluated annotations
DENIED_ATTRIBUTES = {
    "ctypes", "ctypeslib", "load_library", "import_module", "get_type_hints", "ForwardRef",
    "redispatch", "py_impl", "py_kernels", "DispatchKeySet", "DispatchKey",
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code",
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next",
}
BANNED_BUILTINS = {"getattr", "setattr", "delattr", "vars", "globals", "locals", "eval", "exec", "compile",
                   "__import__", "open", "breakpoint", "input", "memoryview"}
ORDINARY_DUNDERS = {"__init__", "__repr__", "__str__", "__len__", "__getitem__", "__setitem__", "__iter__",
                    "__next__", "__call__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__",
                    "__bool__", "__contains__", "__add__", "__sub__", "__mul__", "__matmul__", "__truediv__",
                    "__floordiv__", "__neg__", "__enter__", "__exit__", "__post_init__"}
# numpy's constructors that take a buffer and strides, and its stride tricks: each makes a window
# view (as_strided by another name). numpy.ndarray may still name a type in isinstance() and
# annotations; type(an_array) is the same class, so type(x) is allowed only where it cannot be called.
# (torch.empty_strided makes a tensor whose strides overlap, to be filled through a plain view of its
# storage: no window op involved; torch's as_strided and unfold are judged at run time)
STRIDED_NAMES = {"recarray", "chararray", "memmap", "stride_tricks", "rec", "empty_strided", "new_empty_strided"}
STRIDED_PATHS = {"numpy.ndarray", "numpy.recarray", "numpy.chararray", "numpy.memmap", "numpy.rec",
                 "numpy.char.chararray", "numpy.lib.stride_tricks", "numpy.lib.stride_tricks.as_strided",
                 "numpy.lib.stride_tricks.sliding_window_view", "numpy.rec.array", "numpy.rec.recarray"}
WHAT_INSTEAD = {
    "getattr": "write the attribute directly (F.relu, not getattr(F, 'relu'))",
    "setattr": "assign the attribute directly", "delattr": "do not delete attributes",
    "vars": "use the variable directly", "globals": "use the variable directly", "locals": "use the variable directly",
    "eval": "write the code itself", "exec": "write the code itself", "compile": "write the code itself",
    "__import__": "use an import statement", "open": "work on the arguments you are given",
    "breakpoint": "debug outside the grader", "input": "work on the arguments you are given",
    "memoryview": "use tensor or array operations",
}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    why: str

    def message(self) -> str:
        return f"{self.file}:{self.line}: {self.why}"


def check(sources: Mapping[str, str], module: str) -> Finding | None:
    """The first violation in `module` or in a student file it imports (by module name), or None."""
    todo, seen = [module], set()
    while todo:
        name = todo.pop(0)
        if name in seen or name not in sources:
            continue
        seen.add(name)
        finding, imported = check_file(sources[name], filename=f"{name}.py", siblings=set(sources))
        if finding is not None:
            return finding
        todo += imported
    return None


def check_file(text: str, *, filename: str = "submission.py",
               siblings: set[str] | frozenset = frozenset()) -> tuple[Finding | None, list[str]]:
    """(first violation or None, the sibling modules the file imports). A syntax error is no
    finding (importing the file reports it). A module made from a notebook (autograder.judging.notebook)
    is read cell by cell, each cell named as its tracebacks name it ("cell 3")."""
    try:
        parts = _parts(text, filename)
        trees = [(label, ast.parse(code, filename=label)) for label, code in parts]
        aliases = _aliases([tree for _, tree in trees])
        found = sorted(((label, *f) for label, tree in trees for f in _findings(tree, aliases, siblings)),
                       key=lambda f: (parts.index(next(p for p in parts if p[0] == f[0])), f[1]))
        imported = [n for _, tree in trees for n in _imported_roots(tree) if n in siblings]
    except (SyntaxError, ValueError):
        return None, []
    except (RecursionError, MemoryError) as e:
        return Finding(filename, 1, f"the code nests too deeply for the grader to read ({type(e).__name__}): "
                                    "split long expressions or attribute chains into smaller steps"), []
    if found:
        label, (line, _, _), why = found[0]
        return Finding(label, line, why), imported
    return None, imported


def _parts(text: str, filename: str) -> list[tuple[str, str]]:
    """[(label, code)]: the file itself, or a notebook module's cells when the file is exactly the
    grader's prelude followed by one _nb_run(((name, code), ...)) call (anything else is read as it is)."""
    from autograder.judging.notebook import _PRELUDE, _RUN_CALL

    if not text.startswith(_PRELUDE):
        return [(filename, text)]
    body = ast.parse(text[len(_PRELUDE):]).body
    call = body[0].value if len(body) == 1 and isinstance(body[0], ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == _RUN_CALL
            and len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Tuple)):
        return [(filename, text)]
    cells = []
    for cell in call.args[0].elts:
        if not (isinstance(cell, ast.Tuple) and len(cell.elts) == 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in cell.elts)):
            return [(filename, text)]
        cells.append((cell.elts[0].value, cell.elts[1].value))
    return cells


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, iteratively (any depth), without the bodies of `if __name__ == "__main__":`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_main_guard(node.test):
            stack += [node.test, *node.orelse]
            continue
        stack.extend(ast.iter_child_nodes(node))


def _is_main_guard(test: ast.AST) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def _imported_roots(tree: ast.AST) -> Iterator[str]:
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


def _chain(node: ast.AST) -> tuple[ast.AST, list[str]]:
    """The base of an attribute chain and its attribute names, outermost last (iterative)."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return node, attrs[::-1]


def _path(node: ast.AST, aliases: Mapping[str, str]) -> str | None:
    """The dotted path an expression names (F.conv1d -> torch.nn.functional.conv1d), if it does."""
    base, attrs = _chain(node)
    if not isinstance(base, ast.Name) or base.id not in aliases:
        return None
    return ".".join([aliases[base.id], *attrs])


def _aliases(trees: list[ast.AST]) -> dict[str, str]:
    """Local name -> dotted module path, from imports and plain assignments of such paths."""
    aliases: dict[str, str] = {}
    for _ in range(3):  # assignments of assignments settle in a few passes
        for node in (n for tree in trees for n in _walk(tree)):
            if isinstance(node, ast.Import):
                for a in node.names:
                    root = a.name.split(".")[0]
                    aliases[a.asname or root] = a.name if a.asname else root
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                path = _path(node.value, aliases)
                if path is not None:
                    aliases[node.targets[0].id] = path
    return aliases


_DENIED_PARTS = max(name.count(".") + 1 for name in DENIED)


def _denied(path: str) -> str | None:
    """Why a dotted path is refused: by its text (from any torch./numpy. inside it, since modules
    re-export each other: F.torch.load), then by the object it names (an alias of a denied one)."""
    parts = path.split(".")
    for j, part in enumerate(parts):
        if part not in ("torch", "numpy") and j:
            continue
        # no name in DENIED is longer than _DENIED_PARTS: a 1500-long chain is not joined 1500 ways (13 s)
        for i in range(min(len(parts), j + _DENIED_PARTS), j, -1):
            name = ".".join(parts[j:i])
            if name in DENIED:
                return f"uses {name}, which {DENIED[name]}: not allowed in a graded file"
    return _denied_object(parts)


def _denied_object(parts: list[str]) -> str | None:
    import importlib

    if parts[0] not in ("torch", "numpy"):
        return None
    obj = importlib.import_module(parts[0])
    denied = _denied_objects()
    for attr in parts[1:]:
        if not (type(obj).__name__ == "module" or isinstance(obj, type)):
            return None
        try:
            obj = getattr(obj, attr)
        except Exception:  # noqa: BLE001  (an unknown name fails at run time, not here)
            return None
        if id(obj) in denied:
            name = denied[id(obj)]
            return f"uses {'.'.join(parts)} (that is {name}), which {DENIED[name]}: not allowed in a graded file"
    return None


_DENIED_IDS: dict[int, str] = {}


def _denied_objects() -> dict[int, str]:
    """id -> DENIED path, for the denied modules and functions already loaded (importing the rest
    would cost seconds; an alias of a module nobody loaded cannot exist in the student's process
    either, and the textual check still names it)."""
    import sys

    if not _DENIED_IDS:
        for path in DENIED:
            module, _, attr = path.rpartition(".")
            obj = sys.modules.get(path)
            if obj is None and module in sys.modules:
                obj = vars(sys.modules[module]).get(attr)
            if obj is not None:
                _DENIED_IDS[id(obj)] = path
        _DENIED_IDS.setdefault(0, "")  # computed, even if nothing resolved
    return _DENIED_IDS


def _findings(tree: ast.AST, aliases: Mapping[str, str], siblings) -> Iterator[tuple[tuple, str]]:
    """(position, reason) pairs; a position sorts a line's findings left to right, innermost first."""
    yield from _name_bindings(tree)
    typing_only = _typing_contexts(tree)
    type_ok = _type_calls_allowed(tree)
    for node in _walk(tree):
        line = (getattr(node, "lineno", 1), getattr(node, "col_offset", 0), getattr(node, "end_col_offset", 0) or 0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from ((line, why) for why in _import_findings(node, siblings))
        elif isinstance(node, ast.Name):
            if node.id in BANNED_BUILTINS:
                yield line, f"uses {node.id}(), which is not allowed in a graded file: {WHAT_INSTEAD[node.id]}"
            elif _dunder(node.id) and node.id != "__name__":
                yield line, f"uses {node.id}, which is not allowed in a graded file"
            elif node.id.startswith("_nb_"):
                yield line, f"uses {node.id}, a name of the grader's notebook runner: not allowed in a graded file"
            elif id(node) not in typing_only and aliases.get(node.id) in STRIDED_PATHS:
                yield line, _strided_why(aliases[node.id])
        elif isinstance(node, ast.Attribute):
            yield from ((line, why) for why in _attribute_findings(node, aliases, id(node) in typing_only))
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "type" and len(node.args) == 3:
                yield line, "calls type() with three arguments: define the class with a class statement"
            elif isinstance(node.func, ast.Name) and node.func.id == "type" and id(node) not in type_ok:
                yield line, ("uses type(x) other than as type(x).__name__ or in a comparison (it can build "
                             "arrays with any strides): use isinstance(x, ...)")
            for kw in node.keywords:
                if kw.arg and _dunder(kw.arg):
                    yield line, f"passes {kw.arg}=, which is not allowed in a graded file"
                elif kw.arg == "strides":
                    yield line, ("passes strides= (an array over memory it does not own: a window view): "
                                 "use np.array, np.zeros, slicing or stacking")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if _dunder(node.name) and node.name not in ORDINARY_DUNDERS:
                yield line, (f"defines {node.name}, which hooks into Python's or torch's machinery: "
                             "not allowed in a graded file")
            if not isinstance(node, ast.ClassDef):
                yield from ((line, why) for why in _annotation_findings(node))
        elif isinstance(node, ast.AnnAssign) and _string_in(node.annotation):
            yield line, "a string annotation is evaluated by typing: write the annotation without quotes"
        elif isinstance(node, ast.MatchClass):
            for attr in node.kwd_attrs:
                if attr.startswith("_"):
                    yield line, f"matches on .{attr}, a private attribute: use the public API"


def _strided_why(what: str) -> str:
    if what == "numpy.ndarray":
        return ("uses numpy.ndarray other than in isinstance() or an annotation (its constructor makes "
                "window views): use np.array, np.zeros or np.empty")
    return (f"uses {what}, which builds arrays over other memory with any strides (a window view): "
            "use np.array, np.zeros, slicing or stacking")


def _typing_contexts(tree: ast.AST) -> set[int]:
    """ids of the nodes that only name a type: annotations, isinstance/issubclass's second argument."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            roots += [x.annotation for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
                      if x is not None and x.annotation is not None]
            roots += [node.returns] if node.returns is not None else []
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("isinstance", "issubclass") and len(node.args) == 2:
            roots.append(node.args[1])
    return {id(n) for r in roots for n in ast.walk(r)}


def _type_calls_allowed(tree: ast.AST) -> set[int]:
    """ids of type(x) calls that cannot be called on: type(x).__name__, operands of comparisons,
    f-string fields, arguments of str/repr/print/issubclass."""
    ok: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "__name__" and isinstance(node.value, ast.Call):
            ok.add(id(node.value))
        elif isinstance(node, ast.Compare):
            ok.update(id(n) for n in (node.left, *node.comparators) if isinstance(n, ast.Call))
        elif isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Call):
            ok.add(id(node.value))  # f"got {type(x)}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("str", "repr", "print", "issubclass"):
            ok.update(id(a) for a in node.args if isinstance(a, ast.Call))
    return ok


def _name_bindings(tree: ast.AST) -> Iterator[tuple[tuple, str]]:
    """Every binding of __name__, read everywhere (the `__main__` blocks too): a module that renames
    itself would run the blocks the policy skips."""
    why = "binds __name__ (a module that renames itself runs its `if __name__ == \"__main__\":` block)"
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names = [node.id]
        elif isinstance(node, ast.alias):
            names = [node.asname or node.name.split(".")[0]]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names = node.names
        elif isinstance(node, ast.arg):
            names = [node.arg]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.ExceptHandler):
            names = [node.name or ""]
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)):
            names = [node.name or ""]
        elif isinstance(node, ast.MatchMapping):
            names = [node.rest or ""]
        if "__name__" in names:
            yield (getattr(node, "lineno", 1), getattr(node, "col_offset", 0), 0), why


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def _string_in(node: ast.AST | None) -> bool:
    return node is not None and any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in _walk(node))


def _annotation_findings(fn) -> Iterator[str]:
    args = fn.args
    nodes = [a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
             if a is not None] + [fn.returns]
    if any(_string_in(n) for n in nodes):
        yield "a string annotation is evaluated by typing: write the annotation without quotes"


def _import_findings(node: ast.Import | ast.ImportFrom, siblings) -> Iterator[str]:
    if isinstance(node, ast.ImportFrom):
        if node.level:
            yield "a relative import: import your own exercise files by name (import exercise2)"
            return
        if any(a.name == "*" for a in node.names):
            yield f"from {node.module} import *: import the names you use, one by one"
            return
        paths = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    else:
        paths = [a.name for a in node.names]
    for path in paths:
        root = path.split(".")[0]
        if root not in ALLOWED_IMPORTS and root not in siblings:
            yield (f"imports {root}: a graded file may import only {', '.join(ALLOWED_IMPORTS[:-1])} "
                   f"and your own exercise files")
            return
        private = next((p for p in path.split(".") if p.startswith("_") and p != "__future__"), None)
        if private:
            yield f"imports {path}, which is private ({private}): use the public API"
            return
        denied = _denied(path) if root in ("torch", "numpy") else None
        if denied:
            yield denied
            return
        refused = refused_names(ALLOWED_IMPORTS)
        leads_out = next((p for p in path.split(".")[1:] if p in refused), None)
        if leads_out:
            yield f"imports {path}: {leads_out} reaches {refused[leads_out]}, outside what a graded file may use"
            return
        strided = next((p for p in path.split(".")[1:] if p in STRIDED_NAMES), None)
        if strided:
            yield _strided_why(path)
            return


def _attribute_findings(node: ast.Attribute, aliases: Mapping[str, str], typing_only: bool = False) -> Iterator[str]:
    attr = node.attr
    if attr == "__init__" and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) \
            and node.value.func.id == "super":
        return  # super().__init__(...)
    if attr == "__name__" and isinstance(node.ctx, ast.Load):
        return  # a string: type(x).__name__ in a message
    if _dunder(attr):
        yield f"uses .{attr}, which reaches into Python's machinery: not allowed in a graded file"
        return
    if attr.startswith("_"):
        yield (f"uses .{attr}, a private attribute: use the public API "
               "(and name your own attributes without a leading _)")
        return
    if attr in DENIED_ATTRIBUTES:
        yield f"uses .{attr}, which is not allowed in a graded file"
        return
    reaches = refused_names(ALLOWED_IMPORTS).get(attr)
    if reaches is not None:
        yield (f"uses .{attr}, a name that reaches {reaches}, outside what a graded file may use "
               "(if it is your own attribute, name it differently)")
        return
    path = _path(node, aliases)
    if not typing_only and (attr in STRIDED_NAMES or path in STRIDED_PATHS):
        yield _strided_why(path or attr)
        return
    if isinstance(node.ctx, (ast.Store, ast.Del)):
        if path is not None:
            yield f"changes {path}: a graded file may not change a library's modules or classes"
        elif attr == "strides":
            yield "sets .strides: build arrays with np.array, np.zeros or slicing instead"
        return
    if path is not None:
        denied = _denied(path)
        if denied:
            yield denied
