"""The student's side of one submission run: guards, import, calls, plain data back.

Loaded by zygote.py (never by the grader), inside a process forked for one submission.
Only the stdlib, numpy, torch and wire.py are used; nothing of the grader is.

serve() reads the request (a JSON file in the working directory, deleted once read),
installs the forbidden-call guards *before* importing the submission (so a reference
captured at import time is a guard too), imports it, runs the requested calls and writes
one JSON line per call to `result_fd`. Output goes to fds 1 and 2, which the zygote has
pointed at a pipe the grader reads and caps.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback

import wire

MESSAGE_CAP = 4000


class ForbiddenCall(Exception):
    pass


_forbidden_hits: list[str] = []
_originals: dict[str, object] = {}  # what the guards replaced: baselines for timing, never the student's


def _resolve(dotted: str):
    """(owner, attribute name, object) for a dotted name among loaded modules; None if absent,
    "later" if its module is not imported yet (importing scipy.signal for nothing costs seconds)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        obj = sys.modules.get(".".join(parts[:i]))
        if obj is None:
            continue
        owner, name = None, None
        for attr in parts[i:]:
            try:
                if type(obj).__name__ == "module" and attr not in vars(obj):
                    raise AttributeError(attr)  # not module.__getattr__: scipy's would import it now
                owner, name, obj = obj, attr, getattr(obj, attr)
            except AttributeError:
                import importlib.util

                try:
                    spec = importlib.util.find_spec(f"{getattr(obj, '__name__', '')}.{attr}")
                except (ImportError, ValueError):
                    spec = None
                return "later" if spec is not None else None
        return owner, name, obj
    return "later"


class _GuardOnImport:
    """A meta path finder: a forbidden module imported later is guarded as soon as it has run."""

    def __init__(self, pending: list[str]):
        self.pending = pending

    def find_spec(self, name, path=None, target=None):
        if not any(p == name or p.startswith(name + ".") for p in self.pending):
            return None
        import importlib.util

        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            self.pending[:] = [p for p in self.pending if not _install_one(p)]

        spec.loader.exec_module = exec_module
        return spec


def _guard(name: str):
    def forbidden(*args, **kwargs):
        _forbidden_hits.append(name)
        raise ForbiddenCall(f"{name} is not allowed in this exercise")
    forbidden.__name__ = name.rsplit(".", 1)[-1]
    forbidden.__qualname__ = forbidden.__name__
    forbidden.__forbidden__ = name
    return forbidden


class _GuardedNamespace:
    """Stands in for torch._C._VariableFunctions, whose attributes cannot be replaced."""

    def __init__(self, real, guarded: dict):
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_guarded", guarded)

    def __getattr__(self, name):
        if name in self._guarded:
            return self._guarded[name]
        return getattr(self._real, name)

    def __dir__(self):
        return dir(self._real)


def _expand(names: list[str]) -> list[str]:
    """Each torch name also by its other routes: torch.<op>, torch.ops.aten.<op>, _VariableFunctions."""
    out = list(names)
    for dotted in names:
        if dotted.startswith("torch.") and not dotted.endswith("*"):
            op = dotted.rsplit(".", 1)[-1]
            out += [f"torch.ops.aten.{op}", f"torch._C._VariableFunctions.{op}"]
            if dotted.startswith("torch.nn.functional."):
                out.append(f"torch.{op}")
    return list(dict.fromkeys(out))


def _replace_everywhere(guards: dict[int, object], roots: tuple[str, ...]) -> None:
    """Replace each original (by id) by its guard wherever a loaded module of these packages exposes it."""
    for modname, mod in list(sys.modules.items()):
        if mod is None or not modname.startswith(roots):
            continue
        try:
            items = list(vars(mod).items())
        except TypeError:
            continue
        for attr, value in items:
            guard = guards.get(id(value))
            if guard is not None and guard is not value:
                try:
                    setattr(mod, attr, guard)
                except (AttributeError, TypeError):
                    pass


_variable_functions: dict[str, object] = {}


def install_guards(names: list[str], keep: list[str]) -> None:
    """Replace each forbidden callable (module.attr, module.Class.attr, module.* or a module) by a
    guard, now for loaded modules, at import for the others."""
    import torch

    for dotted in keep:
        found = _resolve(dotted)
        if isinstance(found, tuple):
            _originals[dotted] = found[2]
    pending = [dotted for dotted in _expand(names) if not _install_one(dotted)]
    if _variable_functions:
        guarded = _GuardedNamespace(torch._C._VariableFunctions, _variable_functions)
        torch._C._VariableFunctions = guarded
        if hasattr(torch._VF, "vf"):  # torch._VF.<op> reads it through its own reference
            torch._VF.vf = guarded
    if pending:
        sys.meta_path.insert(0, _GuardOnImport(pending))


def _install_one(dotted: str) -> bool:
    """Guard one name; False if its module is not imported yet."""
    base = dotted[:-2] if dotted.endswith(".*") else dotted
    if base.startswith("torch._C._VariableFunctions."):
        _variable_functions[base.rsplit(".", 1)[-1]] = _guard(dotted)
        return True
    found = _resolve(base)
    if found == "later":
        return False
    if found is None:
        return True
    owner, attr, obj = found
    if getattr(obj, "__forbidden__", None):
        return True  # already guarded under another of its names
    if type(obj).__name__ == "module":  # a whole module: every public callable in it
        guards = {}
        for name, value in list(vars(obj).items()):
            if callable(value) and not name.startswith("_") and not isinstance(value, type) \
                    and type(value).__name__ != "module" and not getattr(value, "__forbidden__", None):
                guards[id(value)] = _guard(f"{base}.{name}")
                setattr(obj, name, guards[id(value)])
        # its private twins (numpy.lib._stride_tricks_impl), not numpy.broadcast_to
        _replace_everywhere(guards, (base.rsplit(".", 1)[0] + ".",))
        return True
    guard = _guard(base)
    try:
        setattr(owner, attr, guard)
    except (AttributeError, TypeError):
        return True
    if not base.startswith("torch.Tensor."):  # a method: the class attribute is the route
        _replace_everywhere({id(obj): guard}, (base.split(".")[0],))
    return True


def import_submission(module: str, forbidden: list[str]):
    """The submission's module, imported from the working directory with the guards installed
    first (so a reference captured at import time is a guard too). serve() and timed.py both use it."""
    install_guards(forbidden, [])
    sys.path.insert(0, os.getcwd())
    return __import__(module)


def student_traceback(exc: BaseException) -> str:
    """The traceback lines that point into the submission's own files, and the error line."""
    here = os.getcwd()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename).startswith(here)]
    lines = [f'  File "{os.path.basename(f.filename)}", line {f.lineno}, in {f.name}\n    {f.line}' for f in frames]
    lines.append("".join(traceback.format_exception_only(type(exc), exc)).strip())
    return "\n".join(lines)[-MESSAGE_CAP:]


def _to_torch(value):
    import torch

    if isinstance(value, wire.TaggedArray):
        arr = value.array
        return torch.from_numpy(arr.copy()) if value.src == "tensor" else arr.copy()
    if isinstance(value, tuple):
        return tuple(_to_torch(v) for v in value)
    if isinstance(value, list):
        return [_to_torch(v) for v in value]
    return value


def _forbidden_result() -> dict:
    return {"status": "forbidden", "message": f"{_forbidden_hits[0]} is not allowed in this exercise"}


def run_call(fn, call: dict) -> dict:
    args = [_to_torch(wire.decode(a)) for a in call["args"]]
    kwargs = {k: _to_torch(wire.decode(v)) for k, v in call["kwargs"].items()}
    _forbidden_hits.clear()
    try:
        value = fn(*args, **kwargs)
    except NotImplementedError as e:
        return {"status": "not-implemented", "message": str(e)[:500]}
    except ForbiddenCall as e:
        return {"status": "forbidden", "message": str(e)}
    except RecursionError as e:
        return {"status": "crash", "error": "RecursionError", "message": student_traceback(e)}
    except BaseException as e:  # SystemExit and KeyboardInterrupt are the student's too
        if _forbidden_hits:
            return _forbidden_result()
        return {"status": "raised", "error": type(e).__name__, "message": student_traceback(e)}
    if _forbidden_hits:
        return _forbidden_result()
    try:
        return {"status": "returned", "value": wire.encode(value)}
    except BaseException as e:
        return {"status": "crash", "error": type(e).__name__, "message": f"the result could not be read: {e}"[:500]}


def _flush() -> None:
    """Push what Python and C code buffered to fds 1/2 before the result says the call is over."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except BaseException:
        pass


def serve(request_path: str, result_fd: int) -> None:
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    os.unlink(request_path)
    out = os.fdopen(result_fd, "w", buffering=1)
    dumps = json.dumps  # captured before the student's code can replace it

    marker = ("\x00\x1egrade:" + str(request.get("marker", "")) + ":{}\x1e\x00").encode()

    def send(obj) -> None:
        _flush()
        try:  # ends this call's output in the stream the grader reads from fds 1 and 2
            os.write(1, marker.replace(b"{}", str(obj.get("i", -1)).encode()))
        except OSError:
            pass
        out.write(dumps(obj, allow_nan=False) + "\n")
        out.flush()

    try:
        module = import_submission(request["module"], request.get("forbidden", []))
    except BaseException as e:  # anything at import time is the student's
        send({"i": -1, "status": "crash", "error": type(e).__name__, "message": student_traceback(e)})
        return
    send({"i": -1, "status": "ready"})
    for i in request["todo"]:
        call = request["calls"][i]
        fn = getattr(module, call["function"], None)
        if fn is None or not callable(fn):
            result = {"status": "crash", "error": "AttributeError",
                      "message": f"{request['module']}.py has no function {call['function']}"}
        else:
            started = time.perf_counter()
            try:
                result = run_call(fn, call)
            except BaseException as e:  # the student's code broke the harness itself
                result = {"status": "crash", "error": type(e).__name__, "message": str(e)[:500]}
            result["seconds"] = time.perf_counter() - started
        result["i"] = i
        send(result)
