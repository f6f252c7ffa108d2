"""The student's side of one submission run: guards, import, calls, plain data back.

Loaded by zygote.py (never by the grader), inside a process forked for one submission.
Only the stdlib, numpy, torch and wire.py are used; nothing of the grader is.

serve() reads the request (from a descriptor the grader created: no path the student could
link), writes the submission's files into a run folder of its own, sets the forbidden-call
guards up (guard.py) *before* importing the submission (so a name captured at import time is
guarded too), imports it, runs the requested calls, each with the guards armed, and writes
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

import guard
import wire

MESSAGE_CAP = 4000


def import_submission(module: str, rules: dict | None):
    """The submission's module, imported from the working directory with the exercise's forbidden-call
    rules (guard.py) set up first, so a name captured at import time is guarded too. serve() and
    timed.py both use it."""
    guard.install(rules)
    sys.path.insert(0, os.getcwd())
    with guard.importing():  # window ops are refused at import too (guard.py)
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
    return {"status": "forbidden", "error": "ForbiddenCall", "message": guard.hits[0]}


def run_call(fn, call: dict) -> dict:
    args = [_to_torch(wire.decode(a)) for a in call["args"]]
    kwargs = {k: _to_torch(wire.decode(v)) for k, v in call["kwargs"].items()}
    guard.hits.clear()
    try:
        with guard.armed():
            value = fn(*args, **kwargs)
    except BaseException as e:  # SystemExit and KeyboardInterrupt are the student's too
        if guard.hits:
            return _forbidden_result()
        if isinstance(e, NotImplementedError):
            return {"status": "not-implemented", "message": str(e)[:500]}
        if isinstance(e, RecursionError):
            return {"status": "crash", "error": "RecursionError", "message": student_traceback(e)}
        return {"status": "raised", "error": type(e).__name__, "message": student_traceback(e)}
    if guard.hits:  # refused even if the student caught the exception
        return _forbidden_result()
    try:
        result = {"status": "returned", "value": wire.encode(value)}
    except BaseException as e:
        return {"status": "crash", "error": type(e).__name__, "message": f"the result could not be read: {e}"[:500]}
    changed = _changed_inputs(fn, call, args, kwargs)
    if changed:
        result["changed"] = changed
    return result


def _changed_inputs(fn, call: dict, args: list, kwargs: dict) -> list[str]:
    """The parameters whose tensor or array the call changed in place (values, shape or dtype),
    judged against a second decoding of the request: the caller's inputs are the caller's."""
    moved = [i for i, a in enumerate(args) if not _same(a, wire.decode(call["args"][i]))]
    changed = [k for k, v in kwargs.items() if not _same(v, wire.decode(call["kwargs"][k]))]
    if not moved:
        return changed[:10]
    import inspect  # names for the message, only when something changed

    try:
        names = list(inspect.signature(fn).parameters)
    except Exception:  # noqa: BLE001  (a callable without a readable signature: positions instead)
        names = []
    return ([names[i] if i < len(names) else f"argument {i + 1}" for i in moved] + changed)[:10]


def _same(now, before) -> bool:
    import numpy as np
    import torch

    try:
        if isinstance(before, wire.TaggedArray):
            if isinstance(now, torch.Tensor):
                now = now.detach().numpy() if now.dtype != torch.bfloat16 else now.detach().float().numpy()
            return (isinstance(now, np.ndarray) and now.shape == before.array.shape and now.dtype == before.array.dtype
                    and bool(np.array_equal(now, before.array, equal_nan=True)))
        if isinstance(before, (tuple, list)):
            return type(now) is type(before) and len(now) == len(before) and all(map(_same, now, before))
        if type(before) in (int, float, bool, str) or before is None:
            return type(now) is type(before) and (now == before or now != now and before != before)
    except Exception:  # noqa: BLE001  (an input the student broke so far it cannot be read: changed)
        return False
    return True


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
        module = import_submission(request["module"], request.get("forbidden"))
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
