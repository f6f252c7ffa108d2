"""The student's side of one submission run: guards, import, calls, plain data back.

Loaded by zygote.py (never by the grader), inside a process forked for one submission.
Only the stdlib, numpy, torch and wire.py are used; nothing of the grader is.

serve() reads the request (from a descriptor the grader created: no path the student could
link), writes the submission's files into a run folder of its own, installs the
forbidden-call guards *before* importing the submission (so a reference captured at import
time is a guard too), imports it, runs the requested calls and writes
one JSON line per call to `result_fd`. Output goes to fds 1 and 2, which the zygote has
pointed at a pipe the grader reads and caps.
"""
from __future__ import annotations

import array
import fcntl
import json
import os
import sys
import tempfile
import termios
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
        timing = _time(fn, args, kwargs, call) if call.get("time_repeats") else None
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
        result = {"status": "returned", "value": wire.encode(value)}
        if timing is not None:
            result["timing"] = timing
        return result
    except BaseException as e:
        return {"status": "crash", "error": type(e).__name__, "message": f"the result could not be read: {e}"[:500]}


def _time(fn, args, kwargs, call) -> dict:
    """Median seconds of the student's function and of the baseline on the same inputs, interleaved."""
    baseline = _originals.get(call.get("baseline") or "")
    student, base = [], []
    for _ in range(int(call["time_repeats"])):
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        student.append(time.perf_counter() - t0)
        if baseline is not None:
            t0 = time.perf_counter()
            baseline(*args, **kwargs)
            base.append(time.perf_counter() - t0)
    median = lambda xs: sorted(xs)[len(xs) // 2] if xs else 0.0  # noqa: E731
    return {"student": median(student), "baseline": median(base)}


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


def _drained(fd: int, seconds: float = 1.0) -> None:
    """Wait until the grader has read everything written to the output pipe so far: what it
    read before our next result is then this call's output, with no marker anyone could forge."""
    pending = array.array("i", [0])
    until = time.monotonic() + seconds
    pause = 0.00002
    while time.monotonic() < until:
        try:
            fcntl.ioctl(fd, termios.FIONREAD, pending)
        except OSError:
            return
        if pending[0] == 0:
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.001)


def _write_sources(box: str, sources: dict) -> str:
    """The submission's files, written by this process into a new folder of its own."""
    rundir = tempfile.mkdtemp(prefix="run-", dir=box)
    for name, text in sources.items():
        if not (isinstance(name, str) and name.isidentifier() and isinstance(text, str)):
            raise ValueError(f"bad module name {name!r} in the request")
        fd = os.open(os.path.join(rundir, f"{name}.py"), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    return rundir


def serve(request_fd: int, result_fd: int, output_fd: int, box: str, protections: dict | None = None) -> None:
    """The request comes from `request_fd` (a sealed memfd the grader wrote: module, sources,
    calls); results go to `result_fd`, one JSON line each, sent only once the grader has read
    the output so far from `output_fd` (our own handle on the pipe behind fds 1 and 2)."""
    with os.fdopen(request_fd, "rb") as f:
        request = json.loads(f.read())
    out = os.fdopen(result_fd, "w", buffering=1)
    dumps = json.dumps  # captured before the student's code can replace it

    def send(obj) -> None:
        _flush()
        _drained(output_fd)
        out.write(dumps(obj, allow_nan=False) + "\n")
        out.flush()

    try:
        rundir = _write_sources(box, request["sources"])
        os.chdir(rundir)
        os.environ["HOME"] = os.environ["TMPDIR"] = rundir
    except (OSError, ValueError) as e:
        send({"i": -1, "status": "crash", "error": type(e).__name__,
              "message": f"the grader could not set up the student's folder: {e}"[:MESSAGE_CAP]})
        return
    try:
        baselines = sorted({c["baseline"] for c in request["calls"] if c.get("baseline")})
        install_guards(request.get("forbidden", []), baselines)
        sys.path.insert(0, os.getcwd())
        module = __import__(request["module"])
    except BaseException as e:  # anything at import time is the student's
        send({"i": -1, "status": "crash", "error": type(e).__name__, "message": student_traceback(e)})
        return
    send({"i": -1, "status": "ready", "protections": protections or {}})
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
