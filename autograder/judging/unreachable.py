"""Attribute names that lead out of the allowed modules, computed from the real objects.

torch, numpy and typing re-export the standard library as public attributes (torch.sys,
typing.sys, torch.functional.operator, torch.threading, pathlib.Path under some torch module...),
so a file that imports only torch can reach sys.modules, builtins.exec, threads or
operator.attrgetter without a private name. Listing those paths one by one never ends; the class
is closed by name instead: an attribute name that is bound, anywhere reachable from the allowed
modules, to a module outside the allow-list or to a dangerous callable is refused on any object
(the object behind a name cannot be known statically: `[torch][0].sys`).

Honest names are kept: a name that is also a public attribute of the types a student works with
(list, dict, str, Tensor, ndarray, ...) or is bound to an allowed object elsewhere (numpy.copy,
torch.nn.Parameter) is allowed, unless what it reaches is a dangerous module or callable; a
harmless foreign module reached that way (copy) is walked in turn, so what lies behind it is
refused by name too. tests/test_forbidden.py checks that nothing dangerous stays reachable.
"""
from __future__ import annotations

import functools
import sys
import types
import warnings

# stdlib modules (by root) whose contents run code, start threads or processes, touch files or
# reach frames and the interpreter's state: reaching one is refused whatever its name
DANGEROUS_MODULES = frozenset({
    "sys", "builtins", "os", "posix", "gc", "importlib", "inspect", "ctypes", "_ctypes", "subprocess",
    "threading", "_thread", "multiprocessing", "concurrent", "asyncio", "pkgutil", "pathlib", "shutil",
    "tempfile", "socket", "signal", "pickle", "_pickle", "marshal", "types", "code", "codeop", "runpy",
    "unittest", "atexit", "faulthandler", "resource", "mmap", "io", "_io", "operator", "_operator",
    "traceback", "zipimport", "pydoc", "site", "selectors", "select", "urllib", "http", "shelve",
    "sqlite3", "copyreg", "weakref", "_weakref", "linecache", "tokenize", "dis", "ast",
    # torch imports these lazily; sympy.sympify evaluates strings, and both wrap exec and import_module
    "sympy", "mpmath",
})
# builtins that evaluate, introspect or open (the builtins module itself is dangerous, but its
# classes are the student's everyday types: int, bytes, object)
DANGEROUS_BUILTINS = frozenset({"exec", "eval", "compile", "getattr", "setattr", "delattr", "vars", "globals",
                                "locals", "__import__", "open", "breakpoint", "input", "memoryview", "__build_class__"})


def _root(name) -> str:
    return name.split(".")[0] if isinstance(name, str) else ""


def honest_names() -> frozenset[str]:
    """Public attributes of the everyday types: a ban on one of these would catch honest code."""
    import numpy
    import torch

    names: set[str] = set()
    for kind in (list, dict, str, tuple, set, frozenset, int, float, complex, bool, bytes, range, slice,
                 torch.Tensor, numpy.ndarray, numpy.dtype, numpy.generic, numpy.float64, torch.dtype, torch.Size,
                 torch.nn.Module, torch.Generator):
        names |= {n for n in dir(kind) if not n.startswith("_")}
    return frozenset(names)


def _verdict(value, allowed: tuple[str, ...]) -> str | None:
    """'dangerous', 'foreign' (a harmless module outside the allow-list) or None."""
    if isinstance(value, types.ModuleType):
        root = _root(value.__name__)
        if root in allowed:
            return None
        return "dangerous" if root in DANGEROUS_MODULES else "foreign"
    try:
        module = getattr(value, "__module__", None) if callable(value) else None
    except Exception:  # noqa: BLE001  (a lazy object may raise on any attribute)
        return None
    root = _root(module)
    if root == "builtins":
        return "dangerous" if getattr(value, "__name__", None) in DANGEROUS_BUILTINS else None
    return "dangerous" if root in DANGEROUS_MODULES else None


# modules torch loads lazily in the student's process (the dispatcher guard and gradcheck load
# symbolic_shapes, which binds sympy): walked up front, so the verdict does not depend on what
# the grader process happened to run before
LAZY_MODULES = ("torch.fx.experimental.symbolic_shapes",)


def refused_names(allowed: tuple[str, ...], cached: bool = True) -> dict[str, str]:
    """name -> what it reaches ('the sys module (torch.sys)'), walking every loaded module of the
    allowed packages and the classes they define, through names that stay allowed. Walked again
    whenever more modules have been loaded since: a name bound in a newly loaded module counts.
    With `cached`, a walk done before on the same installation and the same loaded modules is read
    back from the grader's cache folder (names_cache.py): the walk (sympy's import included) costs
    seconds, and every `grade` process did it again."""
    import importlib

    for name in allowed:
        if name != "__future__":
            importlib.import_module(name)
    if cached:
        from autograder.judging import names_cache

        return names_cache.refused(allowed, len(sys.modules), _walk_lazy)
    return _walk_lazy(allowed)


def _walk_lazy(allowed: tuple[str, ...]) -> dict[str, str]:
    """The walk itself, once LAZY_MODULES are loaded too."""
    import importlib

    for name in LAZY_MODULES:
        if _root(name) in allowed:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001  (an older torch without it: nothing to walk)
                pass
    return _refused(allowed, len(sys.modules))


@functools.lru_cache(maxsize=4)
def _refused(allowed: tuple[str, ...], _loaded: int) -> dict[str, str]:
    honest = honest_names()
    refused: dict[str, str] = {}
    kept: set[str] = set()  # names bound to an allowed object somewhere: honest too
    found: list[tuple[str, object, str, str]] = []  # (name, value, verdict, where)
    seen: set[int] = set()
    todo = [m for n, m in list(sys.modules.items()) if m is not None and _root(n) in allowed]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated aliases warn when touched
        while todo:
            owner = todo.pop()
            if id(owner) in seen:
                continue
            seen.add(id(owner))
            try:
                items = list(vars(owner).items())
            except TypeError:
                continue
            where = getattr(owner, "__name__", "?")
            for name, value in items:
                if name.startswith("_"):
                    continue  # private names are refused anyway
                verdict = _verdict(value, allowed)
                if verdict is None:
                    kept.add(name)
                    if isinstance(value, (types.ModuleType, type)) and _root(getattr(value, "__module__", None)
                                                                            or value.__name__) in allowed:
                        todo.append(value)
                else:
                    found.append((name, value, verdict, where))
        # second pass: decide each name once every allowed binding is known; a harmless foreign
        # module behind an honest name is walked, and what it holds is judged the same way
        walked: set[int] = set()
        # the public-most place first, for the message (typing.sys rather than torch._utils.sys)
        found.sort(key=lambda f: (-sum(p.startswith("_") for p in f[3].split(".")), -len(f[3])))
        while found:
            name, value, verdict, where = found.pop()
            if name in refused:
                continue
            if verdict == "foreign" and (name in honest or name in kept):
                if id(value) not in walked:
                    walked.add(id(value))
                    for inner, v in list(vars(value).items()):
                        inner_verdict = _verdict(v, allowed)
                        if not inner.startswith("_") and inner_verdict is not None:
                            found.append((inner, v, inner_verdict, value.__name__))
                continue
            if verdict == "dangerous" and not isinstance(value, types.ModuleType) and (name in honest or name in kept) \
                    and getattr(value, "__name__", name) not in _HARD:
                continue  # operator.mul behind Tensor.mul's name: a pure function
            what = (f"the {value.__name__} module" if isinstance(value, types.ModuleType)
                    else f"{getattr(value, '__module__', '?')}.{getattr(value, '__name__', name)}")
            refused[name] = f"{what} ({where}.{name})"
    return refused


# dangerous callables refused even behind an honest name: they run strings, reach any object by a
# string, start threads or processes, or make functions from raw code
_HARD = frozenset({"exec", "eval", "compile", "getattr", "setattr", "delattr", "vars", "globals", "locals",
                   "__import__", "open", "attrgetter", "methodcaller", "Thread", "Timer", "start_new_thread",
                   "import_module", "resolve_name", "currentframe", "stack", "getmembers", "FunctionType",
                   "CodeType", "get_objects", "get_referrers", "get_referents", "ThreadPoolExecutor",
                   "ProcessPoolExecutor", "Process", "Pool", "system", "popen", "fork", "Popen", "Path", "loads", "load"})
