"""The student's process: import the submission, run the calls, send back plain data.

Run as a script (`python -I child.py`), with the submission's files in the working
directory. It reads one JSON request on stdin and writes one JSON line per call to the
file descriptor named by the request. Only the stdlib, numpy, torch and wire.py (found
beside this file) are imported; nothing of the grader is.
"""
from __future__ import annotations

import io
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402  (beside this file, loaded by path)

OUTPUT_CAP = 64 * 1024


class ForbiddenCall(Exception):
    pass


_forbidden_hits: list[str] = []
_originals: dict[str, object] = {}  # what the guards replaced: baselines for timing, never the student's


def _resolve(dotted: str):
    import importlib

    parts = dotted.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def _guard(name: str):
    def forbidden(*args, **kwargs):
        _forbidden_hits.append(name)
        raise ForbiddenCall(f"{name} is not allowed in this exercise")
    forbidden.__name__ = name.rsplit(".", 1)[-1]
    return forbidden


def install_guards(names: list[str], keep: list[str]) -> None:
    """Replace each dotted name (module.attr or module.Class.attr) by a function that raises."""
    import importlib

    for dotted in keep:
        _originals[dotted] = _resolve(dotted)
    for dotted in names:
        parts = dotted.split(".")
        for i in range(len(parts) - 1, 0, -1):
            try:
                owner = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            try:
                for attr in parts[i:-1]:
                    owner = getattr(owner, attr)
                setattr(owner, parts[-1], _guard(dotted))
            except (AttributeError, TypeError):
                pass
            break


class _Capture(io.TextIOBase):
    def __init__(self):
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def write(self, s):
        s = str(s)
        room = OUTPUT_CAP - self.size
        if room > 0:
            self.parts.append(s[:room])
        self.size += min(len(s), max(room, 0))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters not shown]"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


def student_traceback(exc: BaseException) -> str:
    """The traceback lines that point into the submission's own files, and the error line."""
    here = os.getcwd()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename).startswith(here)]
    lines = [f'  File "{os.path.basename(f.filename)}", line {f.lineno}, in {f.name}\n    {f.line}' for f in frames]
    lines.append("".join(traceback.format_exception_only(type(exc), exc)).strip())
    return "\n".join(lines)[-4000:]


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


def run_call(fn, call: dict, capture: _Capture) -> dict:
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
            return {"status": "forbidden", "message": f"{_forbidden_hits[0]} is not allowed in this exercise"}
        return {"status": "raised", "error": type(e).__name__, "message": student_traceback(e)}
    if _forbidden_hits:
        return {"status": "forbidden", "message": f"{_forbidden_hits[0]} is not allowed in this exercise"}
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


def main() -> None:
    request = json.loads(sys.stdin.readline())
    out = os.fdopen(request["fd"], "w", buffering=1)
    send = lambda obj: out.write(json.dumps(obj, allow_nan=False) + "\n")  # noqa: E731
    capture = _Capture()
    sys.stdout = sys.stderr = capture
    try:
        import numpy  # noqa: F401
        import torch
        torch.set_num_threads(1)
        baselines = sorted({c["baseline"] for c in request["calls"] if c.get("baseline")})
        install_guards(request.get("forbidden", []), baselines)
        sys.path.insert(0, os.getcwd())
        module = __import__(request["module"])
    except BaseException as e:  # anything at import time is the student's
        send({"i": -1, "status": "crash", "error": type(e).__name__,
              "message": student_traceback(e), "output": capture.take()})
        return
    send({"i": -1, "status": "ready", "output": capture.take()})
    for i, call in enumerate(request["calls"]):
        if i < request.get("start", 0):
            continue
        fn = getattr(module, call["function"], None)
        if fn is None or not callable(fn):
            result = {"status": "crash", "error": "AttributeError",
                      "message": f"{request['module']}.py has no function {call['function']}"}
        else:
            started = time.perf_counter()
            result = run_call(fn, call, capture)
            result["seconds"] = time.perf_counter() - started
        result["i"] = i
        result["output"] = capture.take()
        send(result)


if __name__ == "__main__":
    main()
